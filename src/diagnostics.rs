//! Author-facing diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage of the pipeline reports problems in the author's files as [`Diagnostic`]s and
//! keeps going, so that one run reports every mistake at once. A diagnostic names a file and,
//! when it can, a byte range in that file; [`Diagnostics::render`] turns the collection into the
//! `file:line:col` report with the offending line, a label under it and a hint.
//!
//! Plumbing failures (an unreadable file, a full disk) are diagnostics too, without a span: they
//! carry the path and the action that failed.

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config as TermConfig};

/// How serious a finding is: errors fail the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about one place in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where possible, so output does not depend on where
    /// the site is checked out.
    pub file: PathBuf,
    /// Byte range in the file's text; `None` for findings about the file as a whole.
    pub span: Option<Range<usize>>,
    /// What is wrong, in one line.
    pub message: String,
    /// Short text shown under the offending span.
    pub label: String,
    /// How to fix it.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// An error about a whole file (no position).
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            span: None,
            message: message.into(),
            label: String::new(),
            hints: Vec::new(),
        }
    }

    /// An error at a byte range of a file.
    pub fn at(
        file: impl Into<PathBuf>,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Self {
            span: Some(span),
            label: label.into(),
            ..Self::error(file, message)
        }
    }

    /// Adds a hint line (`= help: …`).
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Turns this into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Shifts the span by `offset` bytes: used when a diagnostic was computed on a slice of a
    /// file (the front matter, the body) and must point into the whole file.
    pub fn offset(mut self, offset: usize) -> Self {
        self.span = self.span.map(|span| shifted(&span, offset));
        self
    }
}

/// A span of a slice of a file (its front matter, its body) as a span of the whole file, the
/// slice starting at `offset`.
pub fn shifted(span: &Range<usize>, offset: usize) -> Range<usize> {
    span.start + offset..span.end + offset
}

/// The text of every file a diagnostic may point into, so that reports can quote lines.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: std::collections::BTreeMap<PathBuf, std::sync::Arc<str>>,
}

impl SourceMap {
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: std::sync::Arc<str>) {
        self.files.insert(path.into(), text);
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(|t| &**t)
    }

    pub fn extend(&mut self, other: SourceMap) {
        self.files.extend(other.files);
    }
}

/// A run's findings. Stages push into it; nothing is printed until the run ends.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// How many findings there are (errors and warnings).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The finding pushed as the `i`-th, to add a hint learned later.
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut Diagnostic> {
        self.items.get_mut(i)
    }

    /// Pushes `diagnostic` and returns it, to add hints.
    pub fn push_mut(&mut self, diagnostic: Diagnostic) -> &mut Diagnostic {
        self.items.push(diagnostic);
        self.items.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts findings by file, position and message, so that reports do not depend on the
    /// order in which parallel work finished.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (
                &a.file,
                a.span.as_ref().map(|s| (s.start, s.end)),
                &a.message,
            )
                .cmp(&(
                    &b.file,
                    b.span.as_ref().map(|s| (s.start, s.end)),
                    &b.message,
                ))
        });
        self.items.dedup();
    }

    /// Renders every finding as text: `error: message`, then `┌─ file:line:col`, the offending
    /// line with the label under it, and the hints. `color` adds terminal colours.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let mut files = SimpleFiles::new();
        let mut out = String::new();
        let config = TermConfig::default();
        for d in &self.items {
            let name = d.file.display().to_string();
            let text = sources.get(&d.file);
            let mut cs = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
            }
            .with_message(&d.message);
            let notes: Vec<String> = d.hints.iter().map(|h| format!("help: {h}")).collect();
            match (text, &d.span) {
                (Some(text), Some(span)) => {
                    let id = files.add(name, text.to_string());
                    let span = clamp_span(text, span.clone());
                    cs = cs.with_labels(vec![Label::primary(id, span).with_message(&d.label)]);
                }
                _ => {
                    let mut header = format!("  ┌─ {name}\n");
                    if !d.label.is_empty() {
                        header.push_str(&format!("  = {}\n", d.label));
                    }
                    let mut text = String::new();
                    write_header(&mut text, d);
                    text.push_str(&header);
                    for note in &notes {
                        text.push_str(&format!("  = {note}\n"));
                    }
                    text.push('\n');
                    out.push_str(&text);
                    continue;
                }
            }
            cs = cs.with_notes(notes);
            let rendered = if color {
                let styles = term::Styles::default();
                let mut buf = term::termcolor::Buffer::ansi();
                let mut writer = term::StylesWriter::new(&mut buf, &styles);
                match term::emit_to_write_style(&mut writer, &config, &files, &cs) {
                    Ok(()) => String::from_utf8_lossy(buf.as_slice()).into_owned(),
                    Err(_) => String::new(),
                }
            } else {
                term::emit_into_string(&config, &files, &cs).unwrap_or_default()
            };
            out.push_str(&rendered);
        }
        out
    }
}

fn write_header(out: &mut String, d: &Diagnostic) {
    let word = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    out.push_str(&format!("{word}: {}\n", d.message));
}

/// Keeps a span inside the text and on character boundaries, so that a slightly wrong span
/// never turns into a panic while reporting.
fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// 1-based line and column (in characters) of a byte offset (tests check positions with it;
/// messages are rendered through [`Diagnostics::render`]).
#[cfg(test)]
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Suggests the candidate closest to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.86)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ø\næøå = x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        let eq = text.find('=').unwrap();
        assert_eq!(line_col(text, eq), (2, 5));
    }

    #[test]
    fn did_you_mean_finds_typos_and_ignores_noise() {
        assert_eq!(did_you_mean("daet", &["date", "title"]), Some("date"));
        assert_eq!(did_you_mean("zzzz", &["date", "title"]), None);
    }

    #[test]
    fn render_shows_position_line_label_and_hint() {
        let mut sources = SourceMap::default();
        sources.insert("content/a.md", "+++\ndaet = 1\n+++\n".into());
        let mut diags = Diagnostics::new();
        diags.push(
            Diagnostic::at(
                "content/a.md",
                4..8,
                "unknown key `daet`",
                "not a known key",
            )
            .hint("did you mean `date`?"),
        );
        let text = diags.render(&sources, false);
        assert!(text.contains("content/a.md:2:1"), "{text}");
        assert!(text.contains("daet = 1"), "{text}");
        assert!(text.contains("^^^^ not a known key"), "{text}");
        assert!(text.contains("help: did you mean `date`?"), "{text}");
    }

    #[test]
    fn render_survives_spans_outside_the_text() {
        let mut sources = SourceMap::default();
        sources.insert("x.md", "é".into());
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::at("x.md", 1..99, "m", "l"));
        assert!(diags.render(&sources, false).contains("x.md:1:1"));
    }
}
