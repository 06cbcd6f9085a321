//! Reading author-written TOML (`config.toml`, front matter) into typed structs.
//!
//! Parse, don't validate: every TOML input becomes a `#[serde(deny_unknown_fields)]` struct in
//! one step. This module adds what serde alone does not give authors: *all* syntax errors and
//! *all* unknown keys of a document at once, each with its position and a "did you mean" hint,
//! and type errors pointing at the offending value.

use std::path::Path;

use serde::de::{self, DeserializeOwned, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diagnostics::{Diagnostic, did_you_mean};

/// The result of reading one TOML document: the value when it could be built, and every
/// problem found. Unknown keys are reported *and* dropped, so the rest of the run still sees the
/// document (a typo in one key does not make a page vanish and every link to it break).
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: Option<T>,
    pub errors: Vec<Diagnostic>,
}

/// Parses `text` (a TOML document that starts at byte `offset` of `file`) into `T`.
///
/// `what` names the document for messages ("page front matter", "config.toml").
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str, offset: usize, what: &str) -> Parsed<T> {
    parse_taking::<T>(file, text, offset, what, &[]).0
}

/// A value of a TOML document with its span, for reading piece by piece.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// Like [`parse`], but first takes the top-level keys named in `taken` out of the document and
/// returns them untouched, so the caller can read them on its own (item by item, with every
/// item's mistakes reported). Spans stay relative to `text`.
pub fn parse_taking<'i, T: DeserializeOwned>(
    file: &Path,
    text: &'i str,
    offset: usize,
    what: &str,
    taken: &[&'static str],
) -> (Parsed<T>, Vec<(&'static str, Value<'i>)>) {
    let (mut table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let errors = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Diagnostic::at(file, span, format!("invalid TOML in {what}"), e.message())
                    .hint("check quotes, brackets and `key = value` syntax (https://toml.io)")
                    .offset(offset)
            })
            .collect();
        return (
            Parsed {
                value: None,
                errors,
            },
            Vec::new(),
        );
    }
    let mut escaped = Vec::new();
    escaped_controls(text, table.get_ref(), &mut escaped);
    escaped.sort_by_key(|(span, _)| span.start);
    let escaped_errors: Vec<Diagnostic> = escaped
        .into_iter()
        .map(|(span, c)| {
            crate::input::forbidden_at(file, span, c, "written as an escape in this string")
                .offset(offset)
        })
        .collect();
    let mut parts = Vec::new();
    for name in taken {
        let key = table
            .get_ref()
            .keys()
            .find(|k| k.get_ref() == name)
            .cloned();
        if let Some(key) = key
            && let Some(value) = table.get_mut().remove(&key)
        {
            parts.push((*name, value));
        }
    }
    let mut known: Vec<&str> = field_names::<T>().to_vec();
    let mut errors = escaped_errors;
    if !known.is_empty() {
        known.extend(taken);
        strip_unknown(file, table.get_mut(), &known, what, offset, &mut errors);
    }
    let value = read_value(
        file,
        Spanned::new(table.span(), DeValue::Table(table.into_inner())),
        offset,
        what,
        &mut errors,
    );
    (Parsed { value, errors }, parts)
}

/// The strings (keys and values) of `table` that hold a character styre refuses
/// ([`crate::input::is_forbidden_control`]) written as a TOML escape (`"\u0007"`), with the
/// string's span and the first such character. A character written raw is left to the scan of
/// the whole file, so it is reported once.
pub(crate) fn escaped_controls(
    text: &str,
    table: &DeTable<'_>,
    out: &mut Vec<(std::ops::Range<usize>, char)>,
) {
    let mut check = |span: std::ops::Range<usize>, s: &str| {
        let raw = text.get(span.clone()).unwrap_or("");
        if let Some(c) = s
            .chars()
            .find(|&c| crate::input::is_forbidden_control(c) && !raw.contains(c))
        {
            out.push((span, c));
        }
    };
    let mut stack: Vec<&Value<'_>> = Vec::new();
    for (key, value) in table {
        check(key.span(), key.get_ref());
        stack.push(value);
    }
    while let Some(value) = stack.pop() {
        match value.get_ref() {
            DeValue::String(s) => check(value.span(), s),
            DeValue::Table(t) => {
                for (key, value) in t {
                    check(key.span(), key.get_ref());
                    stack.push(value);
                }
            }
            DeValue::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

/// Reads one table of a document into `T`: unknown keys are reported and dropped, and the keys
/// named in `lists` are taken out and returned as their items, for [`read_items`].
pub fn read_table<'i, T: DeserializeOwned>(
    file: &Path,
    value: Value<'i>,
    offset: usize,
    what: &str,
    lists: &[&'static str],
    errors: &mut Vec<Diagnostic>,
) -> (Option<T>, Vec<(&'static str, Value<'i>)>) {
    let span = value.span();
    let DeValue::Table(mut table) = value.into_inner() else {
        errors.push(
            Diagnostic::at(
                file,
                span,
                format!("`{what}` must be a table"),
                "not a table",
            )
            .hint(format!("write it as [{what}] followed by its keys"))
            .offset(offset),
        );
        return (None, Vec::new());
    };
    let mut parts = Vec::new();
    for name in lists {
        let key = table.keys().find(|k| k.get_ref() == name).cloned();
        if let Some(key) = key
            && let Some(v) = table.remove(&key)
        {
            parts.push((*name, v));
        }
    }
    let mut known: Vec<&str> = field_names::<T>().to_vec();
    if !known.is_empty() {
        known.extend(lists);
        strip_unknown(file, &mut table, &known, what, offset, errors);
    }
    let value = read_value(
        file,
        Spanned::new(span, DeValue::Table(table)),
        offset,
        what,
        errors,
    );
    (value, parts)
}

/// Reads every item of an array of tables (`[[meeting.cases]]`) on its own, so each item's
/// mistakes are reported and the good items are kept.
pub fn read_items<T: DeserializeOwned>(
    file: &Path,
    value: Value<'_>,
    offset: usize,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<T> {
    let span = value.span();
    let DeValue::Array(items) = value.into_inner() else {
        errors.push(
            Diagnostic::at(file, span, format!("`{what}` must be a list"), "not a list")
                .hint(format!("write each item as a [[{what}]] table"))
                .offset(offset),
        );
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|item| read_table::<T>(file, item, offset, what, &[], errors).0)
        .collect()
}

fn strip_unknown(
    file: &Path,
    table: &mut DeTable<'_>,
    known: &[&str],
    what: &str,
    offset: usize,
    errors: &mut Vec<Diagnostic>,
) {
    let unknown: Vec<_> = table
        .keys()
        .filter(|k| !known.contains(&&**k.get_ref()))
        .cloned()
        .collect();
    for key in unknown {
        errors.push(unknown_key(file, key.get_ref(), key.span(), known, what).offset(offset));
        table.remove(&key);
    }
}

fn read_value<T: DeserializeOwned>(
    file: &Path,
    value: Value<'_>,
    offset: usize,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<T> {
    // Serde stops at the first bad value. To report every bad value of a table at once, the
    // key holding it is reported, dropped, and the rest read again; when the dropped key was
    // required, the next attempt says so and reading stops.
    let mut value = value;
    let mut dropped: Vec<String> = Vec::new();
    for _ in 0..64 {
        let attempt = T::deserialize(ValueDeserializer::from(value.clone()));
        let e = match attempt {
            Ok(v) => return Some(v),
            Err(e) => e,
        };
        // A required key dropped for its bad value: already reported.
        if dropped
            .iter()
            .any(|k| e.message() == format!("missing field `{k}`"))
        {
            return None;
        }
        errors.push(type_error(file, &e, what, offset));
        let span_of_error = e.span()?;
        let DeValue::Table(table) = value.get_mut() else {
            return None;
        };
        let culprit = table
            .iter()
            .find(|(k, v)| {
                let vs = v.span();
                (vs.start <= span_of_error.start && span_of_error.end <= vs.end)
                    || k.span() == span_of_error
            })
            .map(|(k, _)| k.clone());
        match culprit {
            Some(key) => {
                dropped.push(key.get_ref().to_string());
                table.remove(&key);
            }
            None => return None,
        }
    }
    None
}

fn unknown_key(
    file: &Path,
    key: &str,
    span: std::ops::Range<usize>,
    known: &[&str],
    what: &str,
) -> Diagnostic {
    let d = Diagnostic::at(
        file,
        span,
        format!("unknown key `{key}` in {what}"),
        "not a known key",
    );
    let d = match did_you_mean(key, known) {
        Some(best) => d.hint(format!("did you mean `{best}`?")),
        None => d,
    };
    let mut keys: Vec<&str> = known.to_vec();
    keys.sort_unstable();
    let extra = if known.contains(&"extra") {
        "; put your own data under `[extra]`"
    } else {
        ""
    };
    d.hint(format!("known keys: {}{extra}", keys.join(", ")))
}

/// Serde reports unknown nested keys as `unknown field `x`, expected one of ...`; turn that into
/// the same did-you-mean hint as top-level keys get.
fn type_error(file: &Path, e: &toml::de::Error, what: &str, offset: usize) -> Diagnostic {
    let message = e.message();
    let span = e.span().unwrap_or(0..0);
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((key, expected)) = rest.split_once('`')
    {
        let candidates: Vec<&str> = expected
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        return unknown_key(file, key, span, &candidates, what).offset(offset);
    }
    let docs = if what.contains("front matter") {
        "docs/content.md"
    } else if what == "config.toml" {
        "docs/configuration.md"
    } else {
        "docs/content-model.md"
    };
    Diagnostic::at(file, span, format!("invalid value in {what}"), message)
        .hint(format!("see {docs} for the expected types"))
        .offset(offset)
}

/// The field names of a struct deserialized with serde's derive, found by asking the derived
/// `Deserialize` impl itself (it passes its field list to `deserialize_struct`). Types that are
/// not plain structs give an empty list, and key checking is then left to serde.
pub fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Converts a TOML table to JSON for templates: datetimes become their RFC 3339 text instead of
/// serde's private datetime wrapper.
pub fn to_json(table: &toml::Table) -> serde_json::Value {
    serde_json::Value::Object(
        table
            .iter()
            .map(|(k, v)| (k.clone(), value_to_json(v)))
            .collect(),
    )
}

fn value_to_json(value: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(value_to_json).collect()),
        toml::Value::Table(t) => to_json(t),
    }
}

/// `true`: the default of the settings that are on unless turned off (`#[serde(default = …)]`).
pub(crate) fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: Option<String>,
        weight: Option<i64>,
        #[serde(default)]
        extra: toml::Table,
    }

    #[test]
    fn field_names_come_from_the_derive() {
        assert_eq!(field_names::<Doc>(), &["title", "weight", "extra"]);
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_position() {
        let text = "titel = \"x\"\nweigth = 2\n";
        let errors = parse::<Doc>(Path::new("a.md"), text, 4, "page front matter").errors;
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].span, Some(4..9));
        assert_eq!(errors[0].hints[0], "did you mean `title`?");
        assert_eq!(
            errors[1].message,
            "unknown key `weigth` in page front matter"
        );
        assert_eq!(errors[1].span, Some(16..22));
        // The document is still read, without the unknown keys.
        let parsed = parse::<Doc>(Path::new("a.md"), "titel = 1\nweight = 2\n", 0, "x");
        assert_eq!(parsed.value.unwrap().weight, Some(2));
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let text = "weight = \"heavy\"\n";
        let errors = parse::<Doc>(Path::new("a.md"), text, 0, "front matter").errors;
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span, Some(9..16));
        assert!(
            errors[0].label.contains("invalid type"),
            "{}",
            errors[0].label
        );
    }

    #[test]
    fn syntax_errors_are_all_reported() {
        let text = "title = \"open\nweight = = 3\n";
        let errors = parse::<Doc>(Path::new("a.md"), text, 0, "front matter").errors;
        assert!(errors.len() >= 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.span.is_some()));
    }
}
