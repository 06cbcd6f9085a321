//! Author text as load sees it: files read as UTF-8 with the position of the first bad byte,
//! and the characters styre refuses in author text, found with their positions.
//!
//! The policy is decided once, here: control characters other than tab, line feed and carriage
//! return (C0, DEL, C1), the separators U+2028/U+2029 and the non-characters U+FFFE/U+FFFF are
//! an error wherever an author writes them — raw in a file ([`forbidden_chars`]) or as a TOML
//! escape such as `"\u0007"` (`toml_input` checks every parsed string). XML forbids most of them,
//! iCalendar readers split lines at a bare CR, and none of them is ever meant in a board's
//! papers. Every writer drops them as well ([`crate::site::html::escape`], the iCalendar and CSV
//! writers), so nothing that reaches output some other way can break a feed.

use std::ops::Range;
use std::path::Path;

use crate::diagnostics::Diagnostic;
pub use crate::site::html::is_forbidden_control;

/// How many forbidden characters of one file are reported one by one; the rest are counted.
const REPORTED_PER_FILE: usize = 3;

/// A file that could not be read as text: the diagnostic, and (for a file that is not UTF-8)
/// its text with the bad bytes replaced, so the report can quote the line.
pub struct Unreadable {
    pub diagnostic: Diagnostic,
    pub lossy_text: Option<String>,
}

/// Reads `path` as UTF-8 text; `shown` is the path diagnostics name. A file that is not UTF-8 is
/// an error at its first bad byte.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Unreadable> {
    let bytes = std::fs::read(path).map_err(|e| Unreadable {
        diagnostic: Diagnostic::error(shown, format!("cannot read file: {e}")),
        lossy_text: None,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bad = e.as_bytes()[at];
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Unreadable {
            // The text before the bad byte is the same in the lossy copy, which puts U+FFFD
            // (three bytes) where the bad bytes were.
            diagnostic: Diagnostic::at(
                shown,
                at..at + '\u{fffd}'.len_utf8(),
                "cannot read file: it is not UTF-8 text",
                format!("byte 0x{bad:02X} is not UTF-8"),
            )
            .hint(
                "save the file as UTF-8 (in most editors: Save as… › Encoding › UTF-8); \
                 a Latin-1 `ø` is the byte 0xF8",
            ),
            lossy_text: Some(lossy),
        }
    })
}

/// Every forbidden character in `text` (which starts at byte `offset` of `file`), as errors.
pub fn forbidden_chars(file: &Path, text: &str, offset: usize) -> Vec<Diagnostic> {
    let found: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| is_forbidden_control(*c))
        .collect();
    let mut out: Vec<Diagnostic> = found
        .iter()
        .take(REPORTED_PER_FILE)
        .map(|&(i, c)| forbidden_at(file, i..i + c.len_utf8(), c, "written as is").offset(offset))
        .collect();
    if found.len() > REPORTED_PER_FILE
        && let Some(last) = out.last_mut()
    {
        last.hints.push(format!(
            "{} more such characters in this file",
            found.len() - REPORTED_PER_FILE
        ));
    }
    out
}

/// The error for one forbidden character `c` at `span`; `how` says how it was written.
pub fn forbidden_at(file: &Path, span: Range<usize>, c: char, how: &str) -> Diagnostic {
    Diagnostic::at(
        file,
        span,
        format!(
            "the control character U+{:04X} ({}) is not allowed in text",
            u32::from(c),
            char_name(c)
        ),
        how.to_string(),
    )
    .hint(
        "delete it (it is often pasted from a word processor or a PDF); write a line break as a \
         new line, and a tab as a tab",
    )
}

fn char_name(c: char) -> &'static str {
    match c {
        '\u{0}' => "NUL",
        '\u{8}' => "backspace",
        '\u{b}' => "vertical tab",
        '\u{c}' => "form feed",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\u{85}' => "next line",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{fffe}' | '\u{ffff}' => "non-character",
        '\u{80}'..='\u{9f}' => "C1 control",
        _ => "C0 control",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_forbidden_character_with_its_position() {
        let text = "a\u{0}b\tc\nd\r\ne\u{85}f\u{2028}g\u{1b}h";
        let found = forbidden_chars(Path::new("x.md"), text, 10);
        let spans: Vec<_> = found.iter().map(|d| d.span.clone().unwrap()).collect();
        assert_eq!(spans, vec![11..12, 20..22, 23..26]);
        assert!(found[0].message.contains("U+0000 (NUL)"), "{:?}", found[0]);
        assert!(found[2].hints.iter().any(|h| h.contains("1 more")));
    }

    #[test]
    fn invalid_utf8_points_at_the_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, b"+++\ntitle = \"\xf8\"\n+++\n").unwrap();
        let Err(bad) = read_text(&path, Path::new("content/a.md")) else {
            panic!("read as text")
        };
        assert_eq!(bad.diagnostic.span, Some(13..16));
        assert_eq!(bad.diagnostic.label, "byte 0xF8 is not UTF-8");
        assert_eq!(&bad.lossy_text.unwrap()[13..16], "\u{fffd}");
    }
}
