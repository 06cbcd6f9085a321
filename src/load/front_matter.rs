//! Front matter: the TOML block between `+++` lines at the top of a Markdown file.
//!
//! Pages and sections have their own structs, each with `deny_unknown_fields`; free data goes
//! under `[extra]`. See docs/content.md for every key.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;

use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::toml_input::{self, Parsed};

/// A Markdown file cut in two: the front matter text and the body, with their offsets.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// Byte offset of the front matter text in the file.
    pub front_matter_offset: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Finds the `+++` fences. A file without front matter is an error: every page needs at least
/// a title.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "+++" {
        let span = bom..bom + first_line_end.saturating_sub(1).min(rest.len());
        return Err(Diagnostic::at(
            file,
            span,
            "missing front matter",
            "expected `+++` on the first line",
        )
        .hint("start the file with a TOML block:\n+++\ntitle = \"…\"\n+++"));
    }
    let fm_start = bom + first_line_end;
    let mut offset = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body_offset = offset + line.len();
            return Ok(Split {
                front_matter: &text[fm_start..offset],
                front_matter_offset: fm_start,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::at(
        file,
        bom..bom + 3,
        "front matter is never closed",
        "opened here",
    )
    .hint("add a line with only `+++` after the last front-matter key"))
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// By `weight` (lightest first), then title.
    #[default]
    Weight,
    /// Newest first; pages without a date last.
    Date,
    /// Alphabetically by title.
    Title,
    /// By file path.
    None,
}

/// Front matter of a page (`foo.md` or `foo/index.md`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<toml::Spanned<Date>>,
    pub updated: Option<toml::Spanned<Date>>,
    pub slug: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    pub weight: Option<i64>,
    pub template: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<toml::Spanned<String>>,
    /// Leave the page out of the search index.
    #[serde(default = "toml_input::yes")]
    pub in_search_index: bool,
    #[serde(default)]
    pub extra: toml::Table,
    /// The governance table (`[meeting]`, `[roadmap]`, …), read on its own.
    #[serde(skip)]
    pub kind: Option<crate::governance::Kind>,
}

/// Front matter of a section (`_index.md`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub slug: Option<toml::Spanned<String>>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub sort_by: SortBy,
    pub template: Option<toml::Spanned<String>>,
    /// Template for the section's pages that set none themselves.
    pub page_template: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<toml::Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default = "toml_input::yes")]
    pub in_search_index: bool,
    #[serde(default)]
    pub extra: toml::Table,
    /// `[body]`: the section is a governance body.
    #[serde(skip)]
    pub body: Option<crate::governance::Body>,
}

/// Parses page front matter; errors point into the whole file. The front matter is returned
/// whenever it could be read, even with errors, so later phases still know the page.
pub fn parse_page(file: &Path, split: &Split) -> Parsed<PageFrontMatter> {
    let (Parsed { value, mut errors }, tables) = toml_input::parse_taking::<PageFrontMatter>(
        file,
        split.front_matter,
        split.front_matter_offset,
        "page front matter",
        crate::governance::PAGE_TABLES,
    );
    let Some(mut fm) = value else {
        return Parsed { value, errors };
    };
    let mut first: Option<&str> = None;
    for (name, value) in tables {
        if let Some(first) = first {
            errors.push(
                Diagnostic::at(
                    file,
                    span_in_file(split, value.span()),
                    format!("a page can be one thing only, and this one is already a `{first}`"),
                    format!("a second table, `{name}`"),
                )
                .hint("put each in its own file (docs/content-model.md)"),
            );
            continue;
        }
        first = Some(name);
        fm.kind = crate::governance::read_page_kind(
            file,
            name,
            value,
            split.front_matter_offset,
            &mut errors,
        );
    }
    check_slug_and_aliases(file, split, fm.slug.as_ref(), &fm.aliases, &mut errors);
    if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(
            Diagnostic::at(
                file,
                split.front_matter_offset.saturating_sub(4)..split.front_matter_offset,
                "page has no title",
                "front matter without `title`",
            )
            .hint("add title = \"…\" to the front matter"),
        );
    }
    Parsed {
        value: Some(fm),
        errors,
    }
}

/// Parses section front matter; errors point into the whole file.
pub fn parse_section(file: &Path, split: &Split) -> Parsed<SectionFrontMatter> {
    let (Parsed { value, mut errors }, tables) = toml_input::parse_taking::<SectionFrontMatter>(
        file,
        split.front_matter,
        split.front_matter_offset,
        "section front matter",
        crate::governance::SECTION_TABLES,
    );
    let Some(mut fm) = value else {
        return Parsed { value, errors };
    };
    for (_, value) in tables {
        fm.body = crate::governance::read_body(file, value, split.front_matter_offset, &mut errors);
    }
    check_slug_and_aliases(file, split, fm.slug.as_ref(), &fm.aliases, &mut errors);
    Parsed {
        value: Some(fm),
        errors,
    }
}

fn span_in_file(split: &Split, span: Range<usize>) -> Range<usize> {
    crate::diagnostics::shifted(&span, split.front_matter_offset)
}

/// The checks pages and sections share: the slug, and every alias.
fn check_slug_and_aliases(
    file: &Path,
    split: &Split,
    slug: Option<&toml::Spanned<String>>,
    aliases: &[toml::Spanned<String>],
    errors: &mut Vec<Diagnostic>,
) {
    check_slug(file, split, slug, errors);
    for alias in aliases {
        check_alias(file, split, alias, errors);
    }
}

fn check_slug(
    file: &Path,
    split: &Split,
    slug: Option<&toml::Spanned<String>>,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(slug) = slug else { return };
    let value = slug.get_ref();
    if value.is_empty() || crate::slug::slugify(value) != *value {
        errors.push(
            Diagnostic::at(
                file,
                span_in_file(split, slug.span()),
                format!("`{value}` is not a valid slug"),
                "slugs are lower-case letters, digits and single hyphens",
            )
            .hint(format!(
                "write slug = \"{}\"",
                crate::slug::slugify(value).if_empty("my-page")
            )),
        );
    }
}

fn check_alias(
    file: &Path,
    split: &Split,
    alias: &toml::Spanned<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let value = alias.get_ref();
    if let Some(problem) = alias_problem(value) {
        let shown: String = value.chars().flat_map(char::escape_debug).collect();
        errors.push(
            Diagnostic::at(
                file,
                span_in_file(split, alias.span()),
                format!("`{shown}` is not a valid alias"),
                problem,
            )
            .hint(
                "write a site path such as \"/gammel/adresse/\": one `/` first, then segments of \
                 at most 255 bytes with no `.`/`..` segments, `%2e`, `\\`, `?`, `#`, spaces or \
                 control characters",
            ),
        );
    }
}

/// Why `alias` is not a site path styre writes a redirect at (docs/content.md, "Aliases").
pub fn alias_problem(alias: &str) -> Option<&'static str> {
    if !alias.starts_with('/') {
        return Some("an alias is a site path such as \"/gammel/adresse/\"");
    }
    if alias.starts_with("//") {
        return Some("`//` at the start names another host (a protocol-relative URL)");
    }
    if alias.chars().any(char::is_control) {
        return Some("control characters (NUL, line breaks, …) are not allowed");
    }
    if alias.contains('\\') {
        return Some("`\\` is not allowed (some servers read it as `/`)");
    }
    if alias.chars().any(char::is_whitespace) {
        return Some("spaces are not allowed");
    }
    if alias.contains('?') || alias.contains('#') {
        return Some("`?` and `#` are not part of a path");
    }
    if alias.to_ascii_lowercase().contains("%2e") {
        return Some("percent-encoded dots (`%2e`) are not allowed");
    }
    let segments: Vec<&str> = alias[1..].split('/').collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Some("`.` and `..` segments are not allowed");
    }
    if alias.contains("..") {
        return Some("`..` is not allowed");
    }
    if alias[1..].contains("//") {
        return Some("empty segments (`//`) are not allowed");
    }
    if segments.iter().any(|s| s.len() > 255) {
        return Some("a segment is longer than 255 bytes");
    }
    None
}

trait IfEmpty {
    fn if_empty(self, fallback: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, fallback: &str) -> String {
        if self.is_empty() {
            fallback.to_string()
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Result<PageFrontMatter, Vec<Diagnostic>> {
        let file = Path::new("content/a.md");
        let split = split(file, text).map_err(|d| vec![d])?;
        let parsed = parse_page(file, &split);
        match parsed.value {
            Some(fm) if parsed.errors.is_empty() => Ok(fm),
            _ => Err(parsed.errors),
        }
    }

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"A\"\n+++\n# Body\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.front_matter_offset, 4);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(&text[s.body_offset..], "# Body\n");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        let e = split(Path::new("a.md"), "# Hei\n").unwrap_err();
        assert_eq!(e.message, "missing front matter");
        let e = split(Path::new("a.md"), "+++\ntitle = \"x\"\n").unwrap_err();
        assert_eq!(e.message, "front matter is never closed");
    }

    #[test]
    fn dates_as_toml_dates_or_strings() {
        let fm =
            page("+++\ntitle = \"A\"\ndate = 2023-11-30\nupdated = \"2023-12-01\"\n+++\n").unwrap();
        assert_eq!(fm.date.unwrap().get_ref().ymd(), "2023-11-30");
        assert_eq!(fm.updated.unwrap().get_ref().ymd(), "2023-12-01");
    }

    #[test]
    fn impossible_date_strings_are_positioned() {
        let text = "+++\ntitle = \"A\"\ndate = \"2023-02-30\"\n+++\n";
        let errors = page(text).unwrap_err();
        assert_eq!(errors.len(), 1);
        let span = errors[0].span.clone().unwrap();
        assert_eq!(&text[span], "\"2023-02-30\"");
        assert!(
            errors[0].label.contains("does not exist"),
            "{:?}",
            errors[0]
        );
    }

    #[test]
    fn impossible_bare_dates_are_positioned() {
        let text = "+++\ntitle = \"A\"\ndate = 2023-02-30\n+++\n";
        let errors = page(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let span = errors[0].span.clone().unwrap();
        assert!(text[span.clone()].contains("30"), "{:?}", &text[span]);
    }

    #[test]
    fn bad_slugs_and_aliases() {
        let errors = page("+++\ntitle = \"A\"\nslug = \"Møte 42\"\naliases = [\"gammel\"]\n+++\n")
            .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].hints[0], "write slug = \"mote-42\"");
        assert_eq!(errors[1].message, "`gammel` is not a valid alias");
    }

    #[test]
    fn hostile_aliases_are_refused() {
        let long = format!("/{}/", "a".repeat(256));
        for bad in [
            "//evil.example/",
            "/a/%2e%2e/b/",
            "/a/%2E/",
            "/a/./b/",
            "/a/../b/",
            "/a/..",
            "/a//b/",
            "/a\0b/",
            "/a\u{1}/",
            "/a\\b/",
            "/a b/",
            "/a?x",
            long.as_str(),
        ] {
            assert!(alias_problem(bad).is_some(), "{bad:?}");
        }
        for ok in ["/gammel/", "/gammel/mandat.html", "/a.b/", "/", "/æøå/"] {
            assert_eq!(alias_problem(ok), None, "{ok}");
        }
        assert!(alias_problem(&format!("/{}/", "a".repeat(255))).is_none());
    }

    #[test]
    fn title_is_required() {
        let errors = page("+++\ndraft = true\n+++\n").unwrap_err();
        assert_eq!(errors[0].message, "page has no title");
    }
}
