//! Interface strings as load reads them: the words the templates put around content, in every
//! language of the site.
//!
//! Strings come in three layers, one TOML file per language in each: the built-in ones
//! (`src/builtin/i18n/<lang>.toml`), the theme's (`themes/<theme>/i18n/<lang>.toml`) and the
//! site's (`i18n/<lang>.toml`); a later layer overrides single keys of an earlier one. A string
//! with a number is a table of CLDR plural categories (`{ one = "{n} sak", other = "{n} saker" }`),
//! chosen by the language's plural rules. Every key the default language has must exist in every
//! other language; `styre check` warns of each missing one, naming the file it belongs in. At render
//! time a missing key falls back to the default language (`render::i18n` formats with them).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap, did_you_mean};
use crate::site::ids::LangId;
use crate::site::plural::{CATEGORIES, needed_categories};

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
    /// By [`LangId`]: the default language first.
    by_lang: Vec<Value>,
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
        let mut by_lang = Vec::new();
        // The default language first: a key of another language's file must be one of its keys.
        let mut known: Option<Value> = None;
        for lang in config.langs.ids() {
            let code = config.langs.code(lang);
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
            if lang.is_default() {
                known = Some(merged.clone());
            }
            by_lang.push(merged);
        }
        let strings = Strings { by_lang };
        strings.report_missing(config, diags);
        strings
    }

    /// Every key of the default language that another language lacks, and plural tables that
    /// lack a category the language needs.
    /// They are reported in the site's file of the language (`i18n/<lang>.toml`, to be created
    /// if need be): the one file a site's authors own. (The built-in files are complete; a
    /// test keeps them so.)
    fn report_missing(&self, config: &Config, diags: &mut Diagnostics) {
        let Some(reference) = self.by_lang.get(LangId::DEFAULT.index()) else {
            return;
        };
        let mut wanted = Vec::new();
        keys(reference, "", &mut wanted);
        for id in config.langs.ids().filter(|l| !l.is_default()) {
            let lang = config.lang(id);
            let file = PathBuf::from(format!("i18n/{}.toml", lang.code));
            let strings = &self.by_lang[id.index()];
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
                        config.default_language
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
    pub fn of(&self, lang: LangId) -> Value {
        let mut merged = self
            .by_lang
            .get(LangId::DEFAULT.index())
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        if !lang.is_default()
            && let Some(own) = self.by_lang.get(lang.index())
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
}
