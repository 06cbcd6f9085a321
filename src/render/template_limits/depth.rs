//! Tags nested too deep and expressions too big for tera's recursive parser (render phase,
//! checked on a template's text before tera parses it).

use super::tags;
use crate::diagnostics::Diagnostic;

/// How deep `{% if %}`, `{% for %}`, `{% block %}`, `{% macro %}` and `{% filter %}` may nest in
/// one template.
pub const TAG_DEPTH: usize = 100;

/// How many operators (`+`, `==`, `and`, `not`, …) and levels of brackets one tag's
/// expression may hold: a chain of operators nests one level each (`1 + 1 + 1` is `(1 + 1) + 1`).
pub const EXPRESSION_SIZE: usize = 100;

/// The error for a template whose tags nest deeper than [`TAG_DEPTH`] or whose expression is
/// bigger than [`EXPRESSION_SIZE`], at the first such tag; read from the text, before tera
/// parses it (its parser would overflow the stack first).
pub fn check_depth(file: &std::path::Path, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    for tag in tags(text) {
        if tag.statement {
            match tag.keyword.as_str() {
                "if" | "for" | "block" | "macro" | "filter" => {
                    depth += 1;
                    if depth > TAG_DEPTH {
                        return Some(
                            Diagnostic::at(
                                file,
                                tag.range,
                                format!("template tags nest more than {TAG_DEPTH} levels deep"),
                                format!("level {} opens here", TAG_DEPTH + 1),
                            )
                            .hint(format!(
                                "`if`, `for`, `block`, `macro` and `filter` may nest {TAG_DEPTH} deep in a template; move the inner part into a macro or another template (docs/templates.md, Limits)"
                            )),
                        );
                    }
                }
                "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" => {
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        if expression_size(&text[tag.range.clone()]) > EXPRESSION_SIZE {
            return Some(
                Diagnostic::at(
                    file,
                    tag.range,
                    format!(
                        "this expression holds more than {EXPRESSION_SIZE} operators and brackets"
                    ),
                    "too big an expression",
                )
                .hint(format!(
                    "one tag may hold {EXPRESSION_SIZE} operators and levels of brackets; split it with `{{% set %}}` (docs/templates.md, Limits)"
                )),
            );
        }
    }
    None
}

/// The operators of a tag (`{{ … }}` or `{% … %}`, delimiters included) and its deepest
/// brackets, strings left out.
fn expression_size(tag: &str) -> usize {
    let inner = tag
        .get(2..tag.len().saturating_sub(2))
        .unwrap_or_default()
        .trim_start_matches('-')
        .trim_end_matches('-');
    let b = inner.as_bytes();
    let (mut operators, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e + 1);
                continue;
            }
            b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' => operators += 1,
            // `==` and `!=` (a lone `=` assigns or names an argument).
            b'=' | b'!' if b.get(i + 1) == Some(&b'=') => {
                operators += 1;
                i += 2;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                if matches!(&b[i..i + len], b"and" | b"or" | b"not" | b"in" | b"is") {
                    operators += 1;
                }
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    operators + deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_expressions_nested_too_deep_are_found_before_parsing() {
        let file = std::path::Path::new("templates/t.html");
        let nested = |n: usize| format!("{}x{}", "{% if a %}".repeat(n), "{% endif %}".repeat(n));
        assert!(check_depth(file, &nested(TAG_DEPTH)).is_none());
        let text = nested(TAG_DEPTH + 1);
        let d = check_depth(file, &text).expect("too deep");
        assert_eq!(d.span, Some(10 * TAG_DEPTH..10 * TAG_DEPTH + 10));
        // Siblings do not nest.
        assert!(check_depth(file, &"{% for x in y %}{% endfor %}".repeat(500)).is_none());

        let sum = |n: usize| format!("{{{{ 1{} }}}}", " + 1".repeat(n));
        assert!(check_depth(file, &sum(EXPRESSION_SIZE)).is_none());
        assert!(check_depth(file, &sum(EXPRESSION_SIZE + 1)).is_some());
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(101), ")".repeat(101));
        assert!(check_depth(file, &parens).is_some());
        // Strings, `=`, filters and whitespace control are not operators.
        let quiet = format!(
            "{{%- set x = \"{}\" | replace(from=\"a\", to=\"b\") | upper -%}}{{{{- f(a=1, b=[1, 2]) -}}}}",
            "+ - and or ((((".repeat(100)
        );
        assert!(check_depth(file, &quiet).is_none());
    }
}
