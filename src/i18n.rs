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
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};

/// The built-in strings, by language code.
const BUILTIN: &[(&str, &str)] = &[
    ("nb", include_str!("builtin/i18n/nb.toml")),
    ("en", include_str!("builtin/i18n/en.toml")),
    ("nn", include_str!("builtin/i18n/nn.toml")),
    ("se", include_str!("builtin/i18n/se.toml")),
    ("ar", include_str!("builtin/i18n/ar.toml")),
    ("lt", include_str!("builtin/i18n/lt.toml")),
    ("pl", include_str!("builtin/i18n/pl.toml")),
    ("ru", include_str!("builtin/i18n/ru.toml")),
    ("so", include_str!("builtin/i18n/so.toml")),
    ("uk", include_str!("builtin/i18n/uk.toml")),
];

/// The merged strings of every configured language.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    by_lang: BTreeMap<String, Value>,
    default_language: String,
}

impl Strings {
    /// Reads the layers for every language of `config`. Problems (bad TOML, missing keys) go to
    /// `diags`; file texts go to `sources` so they can be quoted.
    pub fn load(
        root: &Path,
        config: &Config,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Strings {
        let mut by_lang = BTreeMap::new();
        // Where a language's strings are, most specific last: missing keys are reported in the
        // most specific file that exists (or the site's, to be created).
        let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
        for lang in &config.languages {
            let code = lang.code.as_str();
            let mut merged = Value::Object(Map::new());
            if let Some((_, text)) = BUILTIN.iter().find(|(c, _)| *c == code) {
                merge(&mut merged, parse(Path::new("<built-in>"), text, diags));
                files.insert(
                    code.into(),
                    PathBuf::from(format!("src/builtin/i18n/{code}.toml")),
                );
            }
            let mut layers = Vec::new();
            if let Some(theme) = &config.theme {
                layers.push(PathBuf::from(format!("themes/{theme}/i18n/{code}.toml")));
            }
            layers.push(PathBuf::from(format!("i18n/{code}.toml")));
            for rel in layers {
                let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
                    continue;
                };
                merge(&mut merged, parse(&rel, &text, diags));
                sources.insert(rel.clone(), text.into());
                files.insert(code.into(), rel);
            }
            by_lang.insert(code.to_string(), merged);
        }
        let strings = Strings {
            by_lang,
            default_language: config.default_language.clone(),
        };
        strings.report_missing(config, &files, diags);
        strings
    }

    /// Every key of the default language that another language lacks, and plural tables that
    /// lack a category the language needs.
    fn report_missing(
        &self,
        config: &Config,
        files: &BTreeMap<String, PathBuf>,
        diags: &mut Diagnostics,
    ) {
        let Some(reference) = self.by_lang.get(&self.default_language) else {
            return;
        };
        let mut wanted = Vec::new();
        keys(reference, "", &mut wanted);
        for lang in &config.languages {
            if lang.code == self.default_language {
                continue;
            }
            let file = files
                .get(&lang.code)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(format!("i18n/{}.toml", lang.code)));
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

fn parse(file: &Path, text: &str, diags: &mut Diagnostics) -> Value {
    match toml::from_str::<toml::Table>(text) {
        Ok(t) => crate::toml_input::to_json(&t),
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
            Value::Object(Map::new())
        }
    }
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
    parse(Path::new("<built-in>"), text, &mut diags)
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
