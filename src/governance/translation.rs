//! Translated governance records. A translation file (`mote-42.en.md`) either leaves the
//! governance table out, and the site shows the original's texts marked with the original's
//! language, or carries the same table with only the running text translated: the same keys,
//! the same items in the same order, and the same value for everything that is not text (IDs,
//! numbers, dates, times, types, statuses, references). [`check`] holds a translation to that,
//! reporting every difference at its place in the translation.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Keys whose values are running text, translated freely. Anything else must be as in the
/// original. Text cells (labels) in a dataset's `rows` are text too.
pub const TEXT_KEYS: &[&str] = &[
    "title",
    "short_name",
    "secretariat",
    "group",
    "background",
    "proposal",
    "decision",
    "place",
    "note",
    "description",
    "item",
    "response",
    "case_title",
    "decided_by",
    "organisation",
    "role",
    "caption",
    "unit",
    "columns",
    "reference",
    "actor",
];

/// The front matter of a file (between the `+++` lines) and where it starts in the file.
pub struct FrontMatter<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub offset: usize,
}

/// Checks the table `name` of `translation` against the same table of `original`. Returns
/// whether the translation can stand in for the original's texts (no difference found).
pub fn check(
    original: &FrontMatter<'_>,
    translation: &FrontMatter<'_>,
    name: &str,
    diags: &mut Diagnostics,
) -> bool {
    let (Ok(o), Ok(t)) = (
        DeTable::parse(original.text),
        DeTable::parse(translation.text),
    ) else {
        // Syntax errors were reported when the files were read.
        return false;
    };
    let (Some(o), Some(t)) = (table_of(&o, name), table_of(&t, name)) else {
        return false;
    };
    let mut walk = Walk {
        translation,
        original_file: original.file,
        diags,
        ok: true,
    };
    walk.value(name, &o, &t, false);
    walk.ok
}

struct Walk<'a, 'd> {
    translation: &'a FrontMatter<'a>,
    original_file: &'a Path,
    diags: &'d mut Diagnostics,
    ok: bool,
}

impl Walk<'_, '_> {
    fn report(&mut self, span: Range<usize>, message: String, label: &str, hint: String) {
        self.ok = false;
        let at = crate::diagnostics::shifted(&span, self.translation.offset);
        self.diags
            .push(Diagnostic::at(self.translation.file, at, message, label.to_string()).hint(hint));
    }

    fn value(
        &mut self,
        path: &str,
        o: &Spanned<DeValue<'_>>,
        t: &Spanned<DeValue<'_>>,
        in_rows: bool,
    ) {
        let original = self.original_file.display().to_string();
        match (o.get_ref(), t.get_ref()) {
            (DeValue::Table(ot), DeValue::Table(tt)) => {
                for (k, ov) in ot {
                    let key = k.get_ref();
                    match tt.iter().find(|(tk, _)| tk.get_ref() == key) {
                        // Text is translated freely.
                        Some(_) if TEXT_KEYS.contains(&key.as_ref()) => {}
                        Some((_, tv)) => {
                            self.value(&format!("{path}.{key}"), ov, tv, key == "rows");
                        }
                        None => self.report(
                            t.span(),
                            format!("the translation of `{path}` has no `{key}`"),
                            "the original has it",
                            format!("copy `{key}` from {original}, translating it only if it is text"),
                        ),
                    }
                }
                for (k, _) in tt {
                    let key = k.get_ref();
                    if !ot.iter().any(|(ok, _)| ok.get_ref() == key) {
                        self.report(
                            k.span(),
                            format!("`{path}.{key}` is not in the original"),
                            "not in the original",
                            format!("a translation has the same keys as {original}; add it there first, or remove it here"),
                        );
                    }
                }
            }
            (DeValue::Array(oa), DeValue::Array(ta)) => {
                if oa.len() != ta.len() {
                    self.report(
                        t.span(),
                        format!(
                            "`{path}` has {} item{} here and {} in the original",
                            ta.len(),
                            if ta.len() == 1 { "" } else { "s" },
                            oa.len()
                        ),
                        "not the same items",
                        format!("keep the items of {original}, in its order"),
                    );
                    return;
                }
                for (i, (ov, tv)) in oa.iter().zip(ta).enumerate() {
                    self.value(&format!("{path}[{}]", i + 1), ov, tv, in_rows);
                }
            }
            (DeValue::String(_), DeValue::String(_)) if in_rows => {}
            (ov, tv) if same_scalar(ov, tv) => {}
            (ov, _) => self.report(
                t.span(),
                format!("`{path}` differs from the original"),
                "only text is translated",
                format!(
                    "the original has {}; keep IDs, numbers, dates, times, types and references as in {original}",
                    show(ov)
                ),
            ),
        }
    }
}

fn table_of<'i>(table: &Spanned<DeTable<'i>>, name: &str) -> Option<Spanned<DeValue<'i>>> {
    table
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == name)
        .map(|(_, v)| v.clone())
}

fn same_scalar(a: &DeValue<'_>, b: &DeValue<'_>) -> bool {
    match (a, b) {
        (DeValue::String(x), DeValue::String(y)) => x == y,
        (DeValue::Integer(x), DeValue::Integer(y)) => x.to_string() == y.to_string(),
        (DeValue::Float(x), DeValue::Float(y)) => x.to_string() == y.to_string(),
        (DeValue::Boolean(x), DeValue::Boolean(y)) => x == y,
        (DeValue::Datetime(x), DeValue::Datetime(y)) => x == y,
        _ => false,
    }
}

fn show(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("\"{s}\""),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}
