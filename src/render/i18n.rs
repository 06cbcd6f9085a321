//! Interface strings and locale formatting: the words the templates put around content, in
//! every language of the site.
//!
//! Strings come in three layers, one TOML file per language in each: the built-in ones
//! (`src/builtin/i18n/<lang>.toml`), the theme's (`themes/<theme>/i18n/<lang>.toml`) and the
//! site's (`i18n/<lang>.toml`); a later layer overrides single keys of an earlier one. A string
//! with a number is a table of CLDR plural categories (`{ one = "{n} sak", other = "{n} saker" }`),
//! chosen by the language's plural rules. Every key the default language has must exist in every
//! other language; `styre check` warns of each missing one, naming the file it belongs in. At render
//! time a missing key falls back to the default language.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::config::Config;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap, did_you_mean};

/// The built-in strings, by language code.
const BUILTIN: &[(&str, &str)] = &[
    ("nb", include_str!("../builtin/i18n/nb.toml")),
    ("en", include_str!("../builtin/i18n/en.toml")),
    ("nn", include_str!("../builtin/i18n/nn.toml")),
    ("se", include_str!("../builtin/i18n/se.toml")),
    ("ar", include_str!("../builtin/i18n/ar.toml")),
    ("lt", include_str!("../builtin/i18n/lt.toml")),
    ("pl", include_str!("../builtin/i18n/pl.toml")),
    ("ru", include_str!("../builtin/i18n/ru.toml")),
    ("so", include_str!("../builtin/i18n/so.toml")),
    ("uk", include_str!("../builtin/i18n/uk.toml")),
];

/// The merged strings of every configured language.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    by_lang: BTreeMap<String, Value>,
    default_language: String,
}

impl Strings {
    /// Reads the layers for every language of `config`. Problems (bad TOML, text that is not
    /// UTF-8, a value of the wrong kind, a key the default language does not have, missing
    /// keys) go to `diags` with their positions; file texts go to `sources` so they can be quoted.
    pub fn load(
        root: &Path,
        config: &Config,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Strings {
        let mut by_lang = BTreeMap::new();
        // The default language first: a key of another language's file must be one of its keys.
        let mut languages: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        languages.sort_by_key(|code| *code != config.default_language);
        let mut known: Option<Value> = None;
        for code in languages {
            let mut merged = Value::Object(Map::new());
            if let Some((_, text)) = BUILTIN.iter().find(|(c, _)| *c == code) {
                let file = PathBuf::from(format!("src/builtin/i18n/{code}.toml"));
                merged = parse(&file, text, &Value::Object(Map::new()), None, diags);
            }
            let mut layers = Vec::new();
            if let Some(theme) = &config.theme {
                layers.push(PathBuf::from(format!("themes/{theme}/i18n/{code}.toml")));
            }
            layers.push(PathBuf::from(format!("i18n/{code}.toml")));
            for rel in layers {
                let path = root.join(&rel);
                if !path.is_file() {
                    continue;
                }
                let text = match crate::input::read_text(&path, &rel) {
                    Ok(text) => text,
                    Err(bad) => {
                        if let Some(lossy) = bad.lossy_text {
                            sources.insert(rel.clone(), lossy.into());
                        }
                        diags.push(bad.diagnostic);
                        continue;
                    }
                };
                diags.extend(crate::input::forbidden_chars(&rel, &text, 0));
                let layer = parse(&rel, &text, &merged, known.as_ref(), diags);
                merge(&mut merged, layer);
                sources.insert(rel.clone(), text.into());
            }
            if code == config.default_language {
                known = Some(merged.clone());
            }
            by_lang.insert(code.to_string(), merged);
        }
        let strings = Strings {
            by_lang,
            default_language: config.default_language.clone(),
        };
        strings.report_missing(config, diags);
        strings
    }

    /// Every key of the default language that another language lacks, and plural tables that
    /// lack a category the language needs.
    /// They are reported in the site's file of the language (`i18n/<lang>.toml`, to be created
    /// if need be): the one file a site's authors own. (The built-in files are complete; a
    /// test keeps them so.)
    fn report_missing(&self, config: &Config, diags: &mut Diagnostics) {
        let Some(reference) = self.by_lang.get(&self.default_language) else {
            return;
        };
        let mut wanted = Vec::new();
        keys(reference, "", &mut wanted);
        for lang in &config.languages {
            if lang.code == self.default_language {
                continue;
            }
            let file = PathBuf::from(format!("i18n/{}.toml", lang.code));
            let strings = &self.by_lang[&lang.code];
            let mut have = Vec::new();
            keys(strings, "", &mut have);
            let missing: Vec<&String> = wanted.iter().filter(|k| !have.contains(k)).collect();
            if !missing.is_empty() {
                let list: Vec<&str> = missing.iter().take(12).map(|s| s.as_str()).collect();
                let more = missing.len().saturating_sub(list.len());
                diags.push(
                    Diagnostic::error(
                        &file,
                        format!(
                            "{} interface string{} missing in `{}`: {}{}",
                            missing.len(),
                            if missing.len() == 1 { " is" } else { "s are" },
                            lang.code,
                            list.join(", "),
                            if more > 0 {
                                format!(" and {more} more")
                            } else {
                                String::new()
                            }
                        ),
                    )
                    .hint(format!(
                        "add them to {}; until then the {} text is shown",
                        file.display(),
                        self.default_language
                    ))
                    .warning(),
                );
            }
            for (key, forms) in plural_tables(strings, "") {
                for category in needed_categories(&lang.code) {
                    if forms.get(category).is_none() {
                        diags.push(
                            Diagnostic::error(
                                &file,
                                format!(
                                    "interface string `{key}` in `{}` has no `{category}` form",
                                    lang.code
                                ),
                            )
                            .hint(format!(
                                "`{}` needs the plural forms {}",
                                lang.code,
                                needed_categories(&lang.code).join(", ")
                            ))
                            .warning(),
                        );
                    }
                }
            }
        }
    }

    /// The strings of `lang`, with the default language's filling any gap.
    pub fn of(&self, lang: &str) -> Value {
        let mut merged = self
            .by_lang
            .get(&self.default_language)
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        if lang != self.default_language
            && let Some(own) = self.by_lang.get(lang)
        {
            merge(&mut merged, own.clone());
        }
        merged
    }
}

/// One layer's strings, read with their positions. `earlier` is what the earlier layers of the
/// same language hold: a key they have keeps its kind (string, plural table, table, number).
/// `known` is the default language's strings, for a file of another language: a key they lack
/// is a warning at the key (it would never be shown). A value of the wrong kind is an error at
/// the value and is left out, so the earlier layer's text stays in use.
fn parse(
    file: &Path,
    text: &str,
    earlier: &Value,
    known: Option<&Value>,
    diags: &mut Diagnostics,
) -> Value {
    let table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(e) => {
            let d = match e.span() {
                Some(span) => {
                    Diagnostic::at(file, span, "invalid TOML in interface strings", e.message())
                }
                None => Diagnostic::error(
                    file,
                    format!("invalid TOML in interface strings: {}", e.message()),
                ),
            };
            diags.push(d.hint("check quotes, brackets and `key = value` syntax (https://toml.io)"));
            return Value::Object(Map::new());
        }
    };
    let mut escaped = Vec::new();
    crate::toml_input::escaped_controls(text, table.get_ref(), &mut escaped);
    for (span, c) in escaped {
        diags.push(crate::input::forbidden_at(
            file,
            span,
            c,
            "written as an escape in this string",
        ));
    }
    let mut reader = LayerReader { file, diags };
    reader.table(table.get_ref(), Some(earlier), known, "")
}

struct LayerReader<'a> {
    file: &'a Path,
    diags: &'a mut Diagnostics,
}

impl LayerReader<'_> {
    fn table(
        &mut self,
        table: &DeTable<'_>,
        earlier: Option<&Value>,
        known: Option<&Value>,
        prefix: &str,
    ) -> Value {
        let mut out = Map::new();
        for (key, value) in table {
            let name = format!("{prefix}{}", key.get_ref());
            let known_here = known.and_then(|k| k.get(key.get_ref().as_ref()));
            if let Some(known) = known
                && known_here.is_none()
            {
                let siblings: Vec<&str> = known
                    .as_object()
                    .map(|o| o.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let hint = match did_you_mean(key.get_ref(), &siblings) {
                    Some(near) => format!("did you mean `{prefix}{near}`?"),
                    None => {
                        "add it to the default language's file first, or remove it here".to_string()
                    }
                };
                self.diags.push(
                    Diagnostic::at(
                        self.file,
                        key.span(),
                        format!("unknown interface string `{name}`"),
                        "the default language has no such key",
                    )
                    .hint(hint)
                    .warning(),
                );
            }
            let before = earlier.and_then(|e| e.get(key.get_ref().as_ref()));
            if let Some(v) = self.value(value, before, known_here, &name) {
                out.insert(key.get_ref().to_string(), v);
            }
        }
        Value::Object(out)
    }

    /// A value as JSON, or `None` (reported) when it is not of the kind the key needs.
    fn value(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        earlier: Option<&Value>,
        known: Option<&Value>,
        name: &str,
    ) -> Option<Value> {
        let reference = earlier.or(known);
        let got = match value.get_ref() {
            DeValue::String(s) => Some(Value::String(s.to_string())),
            DeValue::Integer(i) => i.to_string().parse::<i64>().ok().map(Value::from),
            DeValue::Table(t) if plural_keys(t) => {
                let mut forms = Map::new();
                for (category, form) in t {
                    match form.get_ref() {
                        DeValue::String(s) => {
                            forms.insert(
                                category.get_ref().to_string(),
                                Value::String(s.to_string()),
                            );
                        }
                        _ => {
                            self.wrong_kind(
                                form,
                                &format!("{name}.{}", category.get_ref()),
                                "a string",
                            );
                            return None;
                        }
                    }
                }
                Some(Value::Object(forms))
            }
            DeValue::Table(t) => Some(self.table(t, earlier, known, &format!("{name}."))),
            DeValue::Array(items) => {
                let texts: Option<Vec<Value>> = items
                    .iter()
                    .map(|i| match i.get_ref() {
                        DeValue::String(s) => Some(Value::String(s.to_string())),
                        _ => None,
                    })
                    .collect();
                let wanted = reference.and_then(Value::as_array).map(Vec::len);
                match (texts, wanted) {
                    (Some(texts), Some(n)) if texts.len() != n => {
                        self.diags.push(
                            Diagnostic::at(
                                self.file,
                                value.span(),
                                format!("interface string `{name}` must have {n} items"),
                                format!("{} given", texts.len()),
                            )
                            .hint("write one text per item, in order; this value is left out"),
                        );
                        return None;
                    }
                    (texts, _) => texts.map(Value::Array),
                }
            }
            _ => None,
        };
        let expected = match reference {
            Some(r) => kind(r),
            None => got.as_ref().map_or("a string", kind),
        };
        match got {
            Some(v) if kind(&v) == expected => Some(v),
            _ => {
                self.wrong_kind(value, name, expected);
                None
            }
        }
    }

    fn wrong_kind(&mut self, value: &Spanned<DeValue<'_>>, name: &str, expected: &str) {
        let found = match value.get_ref() {
            DeValue::String(_) => "a string",
            DeValue::Integer(_) | DeValue::Float(_) => "a number",
            DeValue::Boolean(_) => "true or false",
            DeValue::Datetime(_) => "a date",
            DeValue::Array(_) => "a list",
            DeValue::Table(_) => "a table",
        };
        let example = match expected {
            "a string" => "write it in quotes: key = \"text\"",
            "a table of plural forms" => {
                "write one text per plural form: key = { one = \"{n} sak\", other = \"{n} saker\" }"
            }
            "a number" => "write a whole number without quotes",
            "a list of strings" => "write a list of texts: key = [\"a\", \"b\"]",
            _ => "write a table of strings: [key] then sub_key = \"text\"",
        };
        self.diags.push(
            Diagnostic::at(
                self.file,
                value.span(),
                format!("interface string `{name}` must be {expected}"),
                format!("{found} here"),
            )
            .hint(format!("{example}; this value is left out")),
        );
    }
}

/// The kind of an interface string's value, as messages name it.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Array(_) => "a list of strings",
        v if is_plural(v) => "a table of plural forms",
        Value::Object(_) => "a table",
        _ => "a string",
    }
}

/// A TOML table whose keys are all CLDR plural categories, `other` among them.
fn plural_keys(t: &DeTable<'_>) -> bool {
    t.keys().any(|k| k.get_ref() == "other")
        && t.keys().all(|k| CATEGORIES.contains(&k.get_ref().as_ref()))
}

/// Overrides `base` with `top`, key by key (tables merge, other values replace).
fn merge(base: &mut Value, top: Value) {
    match (base, top) {
        (Value::Object(b), Value::Object(t)) => {
            for (k, v) in t {
                match b.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() && !is_plural(&v) => {
                        merge(existing, v)
                    }
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, t) => *b = t,
    }
}

const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// A plural table: an object whose keys are all CLDR categories and that has `other`.
fn is_plural(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.contains_key("other") && o.keys().all(|k| CATEGORIES.contains(&k.as_str()))
    })
}

/// Dotted key paths of every string (plural tables count as one key).
fn keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Some(o) = v.as_object() {
        for (k, v) in o {
            let name = format!("{prefix}{k}");
            if v.is_object() && !is_plural(v) {
                keys(v, &format!("{name}."), out);
            } else {
                out.push(name);
            }
        }
    }
}

fn plural_tables<'a>(v: &'a Value, prefix: &str) -> Vec<(String, &'a Map<String, Value>)> {
    let mut out = Vec::new();
    if let Some(o) = v.as_object() {
        for (k, v) in o {
            let name = format!("{prefix}{k}");
            if is_plural(v) {
                out.push((name, v.as_object().expect("checked")));
            } else if v.is_object() {
                out.extend(plural_tables(v, &format!("{name}.")));
            }
        }
    }
    out
}

/// The CLDR plural rules of a language. ICU4X (current CLDR, maintained) where its compiled
/// data has the language; its data leaves out some languages of this portal (Northern Sámi), and
/// for those the older `intl_pluralrules` tables (CLDR 37) are used. (`intl_pluralrules` alone
/// is not enough: its Lithuanian rule puts 22 in `other` instead of `few`.)
enum Rules {
    Icu(icu_plurals::PluralRules),
    Intl(intl_pluralrules::PluralRules),
}

impl Rules {
    fn category(&self, n: u64) -> &'static str {
        match self {
            Rules::Icu(r) => category_name(r.category_for(n)),
            Rules::Intl(r) => r.select(n).map_or("other", |c| {
                use intl_pluralrules::PluralCategory as P;
                match c {
                    P::ZERO => "zero",
                    P::ONE => "one",
                    P::TWO => "two",
                    P::FEW => "few",
                    P::MANY => "many",
                    P::OTHER => "other",
                }
            }),
        }
    }
}

fn rules(lang: &str) -> Option<Rules> {
    let icu = icu_locale_core::Locale::try_from_str(lang)
        .ok()
        .and_then(|l| icu_plurals::PluralRules::try_new(l.into(), Default::default()).ok());
    // A language missing from ICU4X's data falls back to the root rules: only `other`.
    if let Some(r) = icu
        && r.categories().count() > 1
    {
        return Some(Rules::Icu(r));
    }
    let id: unic_langid::LanguageIdentifier = lang.parse().ok()?;
    intl_pluralrules::PluralRules::create(id, intl_pluralrules::PluralRuleType::CARDINAL)
        .ok()
        .map(Rules::Intl)
}

/// The plural categories a count string needs in `lang`: those whole numbers take, and
/// `other` (`one`, `other` for Norwegian; `one`, `two`, `other` for Northern Sámi; `one`, `few`,
/// `many`, `other` for Russian).
pub fn needed_categories(lang: &str) -> Vec<&'static str> {
    let Some(rules) = rules(lang) else {
        return vec!["other"];
    };
    // `other` is always wanted: it is the form of fractions and the fallback.
    let mut seen = vec!["other"];
    for n in 0..=1000u64 {
        let name = rules.category(n);
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen.sort_by_key(|c| CATEGORIES.iter().position(|x| x == c));
    seen
}

fn category_name(c: icu_plurals::PluralCategory) -> &'static str {
    use icu_plurals::PluralCategory as P;
    match c {
        P::Zero => "zero",
        P::One => "one",
        P::Two => "two",
        P::Few => "few",
        P::Many => "many",
        P::Other => "other",
    }
}

/// Picks the form of a plural table for `n` and puts `n`, written as the language writes
/// numbers (`strings` are the language's strings), in it.
pub fn plural(strings: &Value, forms: &Value, lang: &str, n: i64) -> String {
    let category = rules(lang).map_or("other", |r| r.category(n.unsigned_abs()));
    let text = forms
        .get(category)
        .or_else(|| forms.get("other"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    text.replace("{n}", &format_number(strings, n as f64))
}

/// Digits with `group` between thousands; with `min_grouping` 2 (as Polish writes numbers),
/// four-digit numbers are left whole.
fn format_integer(n: i64, group: &str, min_grouping: usize) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    let grouped = digits.len() > 2 + min_grouping.max(1);
    for (i, ch) in digits.chars().enumerate() {
        if grouped && i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(ch);
    }
    out
}

/// A date (`YYYY-MM-DD…`) in the long form of a language's `locale.date_long`.
pub fn format_date(strings: &Value, ymd: &str) -> Option<String> {
    let locale = strings.get("locale")?;
    let pattern = locale.get("date_long")?.as_str()?;
    let months = locale.get("months")?.as_array()?;
    let mut parts = ymd.get(..10)?.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let month: usize = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    let name = months.get(month.checked_sub(1)?)?.as_str()?;
    Some(
        pattern
            .replace("{d}", &day.to_string())
            .replace("{month}", name)
            .replace("{yyyy}", y),
    )
}

/// A number with the language's decimal and group separators.
pub fn format_number(strings: &Value, n: f64) -> String {
    let locale = strings.get("locale");
    let sep = |key: &str, default: &'static str| -> String {
        locale
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_string()
    };
    let (decimal, group) = (sep("decimal", "."), sep("group", ","));
    let min_grouping = locale
        .and_then(|l| l.get("min_grouping_digits"))
        .and_then(Value::as_u64)
        .unwrap_or(1) as usize;
    let whole = n.trunc() as i64;
    let mut out = format_integer(whole, &group, min_grouping);
    let frac = (n - n.trunc()).abs();
    if frac > 1e-9 {
        let f = format!("{frac:.2}");
        out.push_str(&decimal);
        out.push_str(f.trim_start_matches("0.").trim_end_matches('0'));
    }
    out
}

/// A list joined as the language writes it: "a, b og c".
pub fn format_list(strings: &Value, items: &[String]) -> String {
    let locale = |key: &str| {
        strings
            .get("locale")
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    };
    let and = locale("list_and").unwrap_or("and");
    // `list_separator` between items (", "; Arabic "، "), and `list_end` joining the last two
    // ("{0} and {1}" by default; Arabic "{0} و{1}", with "و" joined to the word).
    let separator = locale("list_separator").unwrap_or(", ");
    let end = locale("list_end").map_or_else(|| format!("{{0}} {and} {{1}}"), str::to_string);
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => end
            .replace("{0}", &rest.join(separator))
            .replace("{1}", last),
    }
}

/// The built-in strings of a language, for code without a site (tests, `styre init`).
pub fn builtin(lang: &str) -> Value {
    let mut diags = Diagnostics::new();
    let text = BUILTIN
        .iter()
        .find(|(c, _)| *c == lang)
        .map_or(BUILTIN[0].1, |(_, t)| *t);
    parse(
        Path::new("<built-in>"),
        text,
        &Value::Object(Map::new()),
        None,
        &mut diags,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in languages have the same keys, so no template meets a missing string.
    #[test]
    fn builtin_languages_agree() {
        let mut reference = Vec::new();
        keys(&builtin("nb"), "", &mut reference);
        assert!(reference.len() > 60, "{}", reference.len());
        for (code, _) in BUILTIN {
            let mut have = Vec::new();
            keys(&builtin(code), "", &mut have);
            assert_eq!(have, reference, "{code}");
        }
    }

    #[test]
    fn plural_categories_follow_cldr() {
        assert_eq!(needed_categories("nb"), ["one", "other"]);
        assert_eq!(needed_categories("se"), ["one", "two", "other"]);
        assert_eq!(needed_categories("ru"), ["one", "few", "many", "other"]);
        assert_eq!(
            needed_categories("ar"),
            ["zero", "one", "two", "few", "many", "other"]
        );
    }

    #[test]
    fn plurals_pick_the_right_form() {
        let forms =
            serde_json::json!({"one": "{n} ášši", "two": "{n} ášši (dual)", "other": "{n} áššit"});
        let nb = builtin("nb");
        assert_eq!(plural(&nb, &forms, "se", 1), "1 ášši");
        assert_eq!(plural(&nb, &forms, "se", 2), "2 ášši (dual)");
        assert_eq!(plural(&nb, &forms, "se", 5), "5 áššit");
        assert_eq!(plural(&nb, &nb["count"]["cases"], "nb", 1), "1 sak");
        assert_eq!(plural(&nb, &nb["count"]["cases"], "nb", 10), "10 saker");
        assert_eq!(
            plural(&nb, &nb["count"]["cases"], "nb", 12000),
            "12\u{a0}000 saker"
        );
    }

    #[test]
    fn dates_numbers_and_lists() {
        let nb = builtin("nb");
        let en = builtin("en");
        assert_eq!(format_date(&nb, "2023-11-30").unwrap(), "30. november 2023");
        assert_eq!(format_date(&en, "2023-11-30").unwrap(), "30 November 2023");
        assert_eq!(format_number(&nb, 210042.0), "210\u{a0}042");
        assert_eq!(format_number(&nb, 1480.0), "1\u{a0}480");
        let pl = serde_json::json!({"locale": {"decimal": ",", "group": "\u{a0}", "min_grouping_digits": 2}});
        assert_eq!(format_number(&pl, 1480.0), "1480");
        assert_eq!(format_number(&pl, 14800.0), "14\u{a0}800");
        assert_eq!(format_number(&en, 4.9), "4.9");
        assert_eq!(format_number(&nb, 4.9), "4,9");
        let items = ["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(format_list(&nb, &items), "a, b og c");
    }
}
