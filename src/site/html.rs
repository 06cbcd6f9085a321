//! Escaping for every context text lands in (SECURITY.md): HTML and XML text and attributes,
//! JSON inside `<script>`, and the one set of characters styre never lets into output. Shared
//! vocabulary: load, resolve, render and the governance feature all use it, and it uses none of
//! them.

/// HTML and XML escaping for template output and generated markup: `& < > " '`, and control
/// characters dropped (C0 but tab, line feed and carriage return; DEL and C1; U+FFFE/U+FFFF),
/// which XML forbids and HTML calls parse errors. Load refuses them in author text already; this
/// is the second line, for text that reaches output some other way. (Tera's default also
/// escapes `/`, which makes every URL in the output unreadable without making it safer.)
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if is_forbidden_control(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON for a `<script>` element (JSON-LD): `<`, `>` and `&` written as `\u003c`, `\u003e` and
/// `\u0026`, so no `</script>` or `<!--` in a title or place can end the element or switch the
/// HTML tokenizer into its escaped states; U+2028/U+2029 as `\u2028`/`\u2029` for readers that
/// take JSON for JavaScript. These characters only occur inside JSON strings, where the escape
/// means the same character.
pub fn json_for_script(value: &serde_json::Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// A character styre never lets into output: C0 controls other than tab, line feed and carriage
/// return, DEL, C1 controls (U+0080–U+009F, U+0085 included), the line and paragraph separators
/// U+2028/U+2029 (line breaks to some readers, not to others), and the non-characters
/// U+FFFE/U+FFFF (not allowed in XML).
pub const fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}')
}
