//! What would make tera recurse without end (render phase), found before it renders or bounded
//! while it does (tera itself recurses until the stack overflows):
//!
//! - a template that uses itself, directly or through others, through `{% extends %}`,
//!   `{% import %}` or an `{% include %}` outside a macro: such templates, and every template
//!   that uses them, are reported ([`cycles`]) and left out of the engine;
//! - tags nested more than [`TAG_DEPTH`] deep, or a tag whose expression holds more than
//!   [`EXPRESSION_SIZE`] operators and brackets (tera parses and evaluates both by recursion,
//!   one level each): checked on the text before tera parses it ([`check_depth`]), an error at
//!   the tag, and the template left out as if it did not parse;
//! - macros that call macros more than [`MACRO_DEPTH`] deep (a macro may call itself, to show
//!   nested data, so this can only be counted as it happens): every macro's body starts and
//!   ends with a call to a function that counts ([`guard_macros`]), and a render that goes
//!   deeper fails with an error at the macro ([`macro_overflow`]).
//!
//! The uses come from tera's own parse of each template (its syntax tree); their places in the
//! text from [`tags`], which reads a template's tags as tera does (here; the three checks are
//! `cycles.rs`, `depth.rs` and `macros.rs`).

use std::ops::Range;

mod cycles;
mod depth;
mod macros;

pub use cycles::{cycles, users_of_broken};
pub use depth::check_depth;
pub use macros::{MacroSite, begin_render, guard_macros, macro_overflow, register_guard};

/// A tag of a template: `{% … %}` or `{{ … }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// From `{` to `}`, both included.
    pub range: Range<usize>,
    /// `{% … %}` (a statement) rather than `{{ … }}`.
    pub statement: bool,
    /// The statement's first word (`macro`, `include`, `endmacro`); empty for `{{ … }}`.
    pub keyword: String,
    /// Written `{%-` / `{{-`.
    pub trim_left: bool,
    /// Written `-%}` / `-}}`.
    pub trim_right: bool,
}

/// The tags of a template, in order, as tera's grammar reads them: comments (`{# … #}`) and
/// the text of `{% raw %}` blocks are not tags; strings inside a tag may hold `%}` or `}}`. Any
/// text is read (a template that does not parse gives some tags, and no panic).
pub fn tags(text: &str) -> Vec<Tag> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = memchr::memchr(b'{', &b[i.min(b.len())..]).map(|p| i + p) {
        let kind = b.get(open + 1).copied();
        let close: &[u8] = match kind {
            Some(b'{') => b"}}",
            Some(b'%') => b"%}",
            Some(b'#') => {
                i = memchr::memmem::find(&b[open..], b"#}").map_or(b.len(), |e| open + e + 2);
                continue;
            }
            _ => {
                i = open + 1;
                continue;
            }
        };
        let mut j = open + 2;
        let trim_left = b.get(j) == Some(&b'-');
        let end = loop {
            match b.get(j) {
                None => break b.len(),
                Some(&q @ (b'"' | b'\'' | b'`')) => {
                    j = memchr::memchr(q, &b[j + 1..]).map_or(b.len(), |e| j + 1 + e + 1);
                }
                Some(_) if b[j..].starts_with(close) => break j + 2,
                Some(_) => j += 1,
            }
        };
        let inner_start = open + 2 + usize::from(trim_left);
        let trim_right = end >= 3 && end - 3 >= inner_start && b[end - 3] == b'-';
        let statement = kind == Some(b'%');
        let keyword = if statement {
            text[inner_start..end.max(inner_start)]
                .trim_start()
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default()
                .to_string()
        } else {
            String::new()
        };
        i = end;
        if keyword == "raw" {
            // Its text is not read: skip to `{% endraw %}`.
            i = find_endraw(text, end).unwrap_or(b.len());
            continue;
        }
        out.push(Tag {
            range: open..end,
            statement,
            keyword,
            trim_left,
            trim_right,
        });
    }
    out
}

/// The end of the `{% endraw %}` tag after `from`.
fn find_endraw(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(p) = text.get(at..)?.find("{%") {
        let start = at + p;
        let rest = text[start + 2..].trim_start_matches('-').trim_start();
        if let Some(after) = rest.strip_prefix("endraw") {
            let after = after.trim_start();
            let after = after.strip_prefix('-').unwrap_or(after);
            if after.starts_with("%}") {
                return Some(text.len() - after.len() + 2);
            }
        }
        at = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::templates::{TemplateSource, TemplateSources};

    /// The template sources of `templates` (name, text), as `templates/<name>`.
    pub(super) fn sources(templates: &[(&str, &str)]) -> TemplateSources {
        let mut s = TemplateSources::default();
        for (name, text) in templates {
            s.templates.insert(
                name.to_string(),
                TemplateSource {
                    file: format!("templates/{name}").into(),
                    text: (*text).into(),
                },
            );
        }
        s
    }

    #[test]
    fn tags_are_read_as_tera_reads_them() {
        let text = "a {{ x }} {# {% include 'no' %} #} {%- raw -%}{% include 'no' %}{% endraw %}\
                    {% if s == \"%}\" -%}{{- '}}' }}{% endif %}";
        let tags = tags(text);
        let shown: Vec<(&str, &str, bool, bool)> = tags
            .iter()
            .map(|t| {
                (
                    &text[t.range.clone()],
                    t.keyword.as_str(),
                    t.trim_left,
                    t.trim_right,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("{{ x }}", "", false, false),
                ("{% if s == \"%}\" -%}", "if", false, true),
                ("{{- '}}' }}", "", true, false),
                ("{% endif %}", "endif", false, false),
            ]
        );
    }
}
