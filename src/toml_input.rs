//! Reading author-written TOML (`config.toml`, front matter) into typed structs.
//!
//! Parse, don't validate: every TOML input becomes a `#[serde(deny_unknown_fields)]` struct in
//! one step. This module adds what serde alone does not give authors: *all* syntax errors and
//! *all* unknown keys of a document at once, each with its position and a "did you mean" hint,
//! and type errors pointing at the offending value.

use std::path::Path;

use serde::de::{self, DeserializeOwned, Visitor};
use toml::de::{DeTable, Deserializer};

use crate::diagnostics::{Diagnostic, did_you_mean};

/// The result of reading one TOML document: the value when it could be built, and every
/// problem found. Unknown keys are reported *and* dropped, so the rest of the run still sees the
/// document (a typo in one key does not make a page vanish and every link to it break).
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: Option<T>,
    pub errors: Vec<Diagnostic>,
}

impl<T> Parsed<T> {
    /// The value only when there were no errors.
    pub fn into_result(self) -> Result<T, Vec<Diagnostic>> {
        match (self.value, self.errors.is_empty()) {
            (Some(v), true) => Ok(v),
            (_, _) => Err(self.errors),
        }
    }
}

/// Parses `text` (a TOML document that starts at byte `offset` of `file`) into `T`.
///
/// `what` names the document for messages ("page front matter", "config.toml").
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str, offset: usize, what: &str) -> Parsed<T> {
    let (mut table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Parsed {
            value: None,
            errors: errors
                .iter()
                .map(|e| {
                    let span = e.span().unwrap_or(0..0);
                    Diagnostic::at(file, span, format!("invalid TOML in {what}"), e.message())
                        .hint("check quotes, brackets and `key = value` syntax (https://toml.io)")
                        .offset(offset)
                })
                .collect(),
        };
    }
    let known = field_names::<T>();
    let mut errors = Vec::new();
    if !known.is_empty() {
        for (key, _) in table.get_ref().iter() {
            let name: &str = key.get_ref();
            if !known.contains(&name) {
                errors.push(unknown_key(file, name, key.span(), known, what).offset(offset));
            }
        }
        let unknown: Vec<_> = table
            .get_ref()
            .keys()
            .filter(|k| !known.contains(&&**k.get_ref()))
            .cloned()
            .collect();
        for key in unknown {
            table.get_mut().remove(&key);
        }
    }
    match T::deserialize(Deserializer::from(table)) {
        Ok(value) => Parsed {
            value: Some(value),
            errors,
        },
        Err(e) => {
            errors.push(type_error(file, &e, what, offset));
            Parsed {
                value: None,
                errors,
            }
        }
    }
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
    Diagnostic::at(file, span, format!("invalid value in {what}"), message)
        .hint("see docs/content.md and docs/configuration.md for the expected types")
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
        let errors = parse::<Doc>(Path::new("a.md"), text, 0, "front matter")
            .into_result()
            .unwrap_err();
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
        let errors = parse::<Doc>(Path::new("a.md"), text, 0, "front matter")
            .into_result()
            .unwrap_err();
        assert!(errors.len() >= 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.span.is_some()));
    }
}
