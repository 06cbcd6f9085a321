//! Markdown to HTML, as a pure function that returns data: the HTML, the table of contents, the
//! heading ids (anchors) and the internal links it found. Checking those links against other
//! pages is a separate pass in the resolve phase, not a side effect of rendering.
//!
//! CommonMark plus tables, footnotes, strikethrough, task lists and `{#id}` heading attributes.
//! Headings get stable ids from the slug policy ([`crate::slug`]); `@/path.md#anchor` links are
//! resolved through a [`LinkResolver`]; fenced code is highlighted into CSS classes.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Options, Parser};
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::governance::registry::CaseId;

mod depth;
mod table;
mod writer;

/// One heading in the table of contents, with the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// An `@/` link found in the Markdown, for the link checker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// Content key of the target (`blog/a.md`).
    pub key: String,
    /// The `#anchor`, if any.
    pub anchor: Option<String>,
    /// Byte range of the link in the Markdown body.
    pub span: Range<usize>,
    /// Whether the target was found (the anchor is checked later, once every page is rendered).
    pub resolved: bool,
}

/// What rendering a Markdown body produced; `C` is what the [`LinkResolver`] names a case by
/// (the registry's [`CaseId`] everywhere in styre).
#[derive(Debug, Clone)]
pub struct Rendered<C = CaseId> {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id a link can point at: headings and footnotes.
    pub anchors: Vec<String>,
    pub links: Vec<InternalLink>,
    /// Words in the text, for reading time.
    pub word_count: usize,
    /// The text without markup (words of blocks kept apart), for the search index.
    pub text: String,
    /// Case IDs written in the text (`sak 4-42/23`), linked when known.
    pub cases: Vec<CaseMention<C>>,
    /// Links and images whose target runs script or embeds content (`javascript:`, `data:`,
    /// `vbscript:`): the byte range of the link and the scheme, for a warning.
    pub script_links: Vec<(Range<usize>, String)>,
    /// Characters styre refuses ([`crate::input::is_forbidden_control`]) written as character
    /// references (`&#1;`), with the byte range of the text that holds them: an error, like the
    /// same character written raw or as a TOML escape. They are left out of the HTML.
    pub forbidden: Vec<(Range<usize>, char)>,
    /// Where the text first nests elements deeper than [`crate::nesting::BODY_LIMIT`] (a byte
    /// offset), for an error; the HTML is then left empty.
    pub too_deep: Option<usize>,
}

// By hand: derived, it would ask `C: Default` (a case id has no default).
impl<C> Default for Rendered<C> {
    fn default() -> Self {
        Rendered {
            html: String::new(),
            toc: Vec::new(),
            anchors: Vec::new(),
            links: Vec::new(),
            word_count: 0,
            text: String::new(),
            cases: Vec::new(),
            script_links: Vec::new(),
            forbidden: Vec::new(),
            too_deep: None,
        }
    }
}

/// A case ID found in running text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMention<C = CaseId> {
    pub id: String,
    pub span: Range<usize>,
    /// The case it names, as the resolver gave it, when it exists.
    pub case: Option<C>,
    /// Unknown and meant as a case ID (written after "sak" or in a body's format): worth a
    /// warning.
    pub reported: bool,
}

/// Turns `@/key` into a URL. `C` names a case: styre's resolver gives the registry's [`CaseId`],
/// which only the registry makes; a resolver outside the registry (a test) picks its own type.
pub trait LinkResolver<C = CaseId> {
    /// The permalink of the content with this key, in the language being rendered (or the
    /// default language when there is no translation).
    fn resolve(&self, key: &str) -> Option<String>;

    /// The case an ID names and its URL, when case IDs are known.
    fn case(&self, _id: &str) -> Option<(C, String)> {
        None
    }

    /// The URL of a generated page named like `decisions` (written `@decisions`), in the
    /// language being rendered.
    fn generated(&self, _name: &str) -> Option<String> {
        None
    }
}

/// Options for one render.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub highlight_code: bool,
}

/// Renders `body` to HTML. Spans in the result are byte ranges of `body`.
pub fn render<C>(body: &str, links: &dyn LinkResolver<C>, options: RenderOptions) -> Rendered<C> {
    let mut writer = writer::Writer::new(body, links, options);
    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        writer.push(event, range);
    }
    writer.finish()
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Markdown that nests elements deeper than [`crate::nesting::BODY_LIMIT`]: an error (the text
/// is left out of the page, which could not be minified).
pub fn too_deep(file: &Path, span: std::ops::Range<usize>, label: String) -> Diagnostic {
    let limit = crate::nesting::BODY_LIMIT;
    Diagnostic::at(
        file,
        span,
        format!("the text nests more than {limit} levels deep"),
        label,
    )
    .hint(format!(
        "lists, quotes, emphasis and HTML elements each count a level (a list item two: the list and the item); a text may nest {limit} (docs/content.md)"
    ))
}

/// A Markdown link or image to a `javascript:`, `data:` or `vbscript:` URL: a warning (authors
/// are trusted, but such a link is rarely meant; docs/content.md).
pub fn script_link(file: &Path, span: std::ops::Range<usize>, scheme: &str) -> Diagnostic {
    Diagnostic::at(
        file,
        span,
        format!("link to a `{scheme}:` URL"),
        "runs script or embeds content when followed",
    )
    .hint("link to an http(s) address or a file of the site instead")
    .warning()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Links;
    impl LinkResolver for Links {
        fn resolve(&self, key: &str) -> Option<String> {
            (key == "om/mandat.md").then(|| "https://x.no/om/mandat/".to_string())
        }
    }

    fn md(text: &str) -> Rendered {
        render(
            text,
            &Links,
            RenderOptions {
                highlight_code: true,
            },
        )
    }

    #[test]
    fn case_ids_are_not_linked_inside_a_raw_html_link() {
        struct Cases;
        impl LinkResolver<usize> for Cases {
            fn resolve(&self, _: &str) -> Option<String> {
                None
            }
            fn case(&self, id: &str) -> Option<(usize, String)> {
                (id == "4-42/23").then(|| (0, "/sak/4-42-23/".to_string()))
            }
        }
        let render = |text: &str| {
            render(
                text,
                &Cases,
                RenderOptions {
                    highlight_code: false,
                },
            )
            .html
        };
        assert!(render("Se sak 4-42/23.").contains(r#"href="/sak/4-42-23/""#));
        for text in [
            r#"Se <a href="/x/">sak 4-42/23</a>."#,
            r#"Se <A HREF="/x/">sak 4-42/23</A>."#,
            "<a href=\"/x/\">\n\nSak 4-42/23\n\n</a>\n",
        ] {
            let html = render(text);
            assert_eq!(
                html.matches("<a").count() + html.matches("<A").count(),
                1,
                "{html}"
            );
        }
        // NUL becomes U+FFFD in the text: the mention's span stays on the source's characters.
        let body = "\0\u{18df3}4-42/23> ";
        let r = super::render(
            body,
            &Cases,
            RenderOptions {
                highlight_code: false,
            },
        );
        assert_eq!(r.cases.len(), 1);
        assert!(
            body.get(r.cases[0].span.clone()).is_some(),
            "{:?}",
            r.cases[0].span
        );
        // After the raw link closes, IDs are linked again; `<abbr>` is not a link.
        let html = render(r#"<a href="/x/">x</a> og <abbr>sak</abbr> 4-42/23"#);
        assert!(html.contains(r#"href="/sak/4-42-23/""#), "{html}");
    }

    #[test]
    fn headings_get_stable_unique_ids() {
        let r = md(
            "## Bakgrunn\n\n## Bakgrunn\n\n## Formål {#formal-pinned}\n\n### Møteplan for året\n",
        );
        insta::assert_snapshot!(r.html, @r#"
        <h2 id="bakgrunn">Bakgrunn</h2>
        <h2 id="bakgrunn-1">Bakgrunn</h2>
        <h2 id="formal-pinned">Formål</h2>
        <h3 id="moteplan-for-aret">Møteplan for året</h3>
        "#);
        assert_eq!(
            r.anchors,
            [
                "bakgrunn",
                "bakgrunn-1",
                "formal-pinned",
                "moteplan-for-aret"
            ]
        );
    }

    #[test]
    fn tables_align_columns_with_classes_not_inline_styles() {
        let r =
            md("| Tjeneste | Besøk | Merknad |\n|:--|--:|:-:|\n| Meldinger | 210 042 | *mye* |\n");
        insta::assert_snapshot!(r.html, @r#"
        <div class="table-wrap"><table><thead><tr><th scope="col" class="align-start">Tjeneste</th><th scope="col" class="align-end">Besøk</th><th scope="col" class="align-center">Merknad</th></tr></thead><tbody>
        <tr><td class="align-start">Meldinger</td><td class="align-end">210 042</td><td class="align-center"><em>mye</em></td></tr>
        </tbody></table></div>
        "#);
        assert!(!r.html.contains("style="));
        assert_eq!(
            r.text.split_whitespace().collect::<Vec<_>>(),
            [
                "Tjeneste",
                "Besøk",
                "Merknad",
                "Meldinger",
                "210",
                "042",
                "mye"
            ]
        );
    }

    #[test]
    fn toc_nests_by_level() {
        let r = md("## A\n### A1\n### A2\n## B\n#### B1\n");
        let shape: Vec<(String, Vec<String>)> = r
            .toc
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.children.iter().map(|c| c.id.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("a".to_string(), vec!["a1".to_string(), "a2".to_string()]),
                ("b".to_string(), vec!["b1".to_string()])
            ]
        );
    }

    #[test]
    fn internal_links_resolve_and_are_recorded() {
        let text = "Se [mandatet](@/om/mandat.md#formal) og [dette](@/finnes/ikke.md).";
        let r = md(text);
        assert!(
            r.html.contains("href=\"https://x.no/om/mandat/#formal\""),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].anchor.as_deref(), Some("formal"));
        assert!(r.links[0].resolved);
        assert!(!r.links[1].resolved);
        assert_eq!(&text[r.links[1].span.clone()], "[dette](@/finnes/ikke.md)");
    }

    #[test]
    fn extensions_are_on() {
        let r = md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~\n\n- [x] ferdig\n\nTekst[^1]\n\n[^1]: Fotnote.\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("<div class=\"footnote\" id=\"fn-1\">"));
        assert!(r.anchors.contains(&"fn-1".to_string()));
    }

    #[test]
    fn footnotes_and_headings_never_share_an_id() {
        let r = md("## fn 1\n\nTekst[^1] og[^b].\n\n[^b]: B.\n[^1]: En.\n\n## Fn 1\n");
        insta::assert_snapshot!(r.html, @r##"
        <h2 id="fn-1">fn 1</h2>
        <p>Tekst<sup class="footnote-ref"><a href="#fn-1-1">1</a></sup> og<sup class="footnote-ref"><a href="#fn-b">2</a></sup>.</p>
        <div class="footnote" id="fn-b"><span class="footnote-label">2</span>
        <p>B.</p>
        </div>
        <div class="footnote" id="fn-1-1"><span class="footnote-label">1</span>
        <p>En.</p>
        </div>
        <h2 id="fn-1-2">Fn 1</h2>
        "##);
        let mut anchors = r.anchors.clone();
        anchors.sort();
        anchors.dedup();
        assert_eq!(anchors.len(), r.anchors.len(), "{:?}", r.anchors);
    }

    #[test]
    fn pinned_heading_ids_are_escaped() {
        let r = md("## Tittel {#a\"b}\n");
        assert!(!r.html.contains("a\"b"), "{}", r.html);
        assert!(r.html.contains("id=\"a&quot;b\""), "{}", r.html);
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_found_where_it_starts() {
        let limit = crate::nesting::BODY_LIMIT;
        // Each `>` a blockquote, then the paragraph: level 129 is the last quote's paragraph.
        let quotes = format!("{}x\n", "> ".repeat(limit));
        let r = md(&quotes);
        assert_eq!(r.too_deep, Some(2 * limit));
        assert!(r.html.is_empty());
        let r = md(&format!("{}x\n", "> ".repeat(limit - 1)));
        assert_eq!(r.too_deep, None);
        assert!(r.html.starts_with("<blockquote>"));
        // A list item in a list: two levels.
        let r = md(&format!("{}x\n", "- ".repeat(limit / 2 + 1)));
        assert_eq!(r.too_deep, Some(limit));
        // Raw HTML, block and inline, counts as minify-html nests it.
        let divs = "<div>".repeat(limit + 10);
        assert_eq!(md(&divs).too_deep, Some(5 * limit));
        assert_eq!(
            md(&format!("<ul>{}</ul>", "<li>x".repeat(500))).too_deep,
            None
        );
        // An unclosed `<span>` keeps the paragraph around it open in the minifier.
        let spans = "a <span> b\n\n".repeat(limit);
        // Each paragraph leaves two levels open (`p`, `span`): level 129 is paragraph 65's `p`.
        assert_eq!(md(&spans).too_deep, Some((limit / 2) * 12));
        assert_eq!(md(&"a <span>b</span>\n\n".repeat(500)).too_deep, None);
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let r = md("```rust\nfn main() {}\n```\n");
        assert!(r.html.contains("<pre class=\"z-code\" data-lang=\"rust\">"));
        assert!(r.html.contains("z-storage z-type z-function"), "{}", r.html);
        assert!(r.html.contains("z-"));
        assert!(!r.html.contains("style="));
    }
}
