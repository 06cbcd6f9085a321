//! Markdown to HTML, as a pure function that returns data: the HTML, the table of contents, the
//! heading ids (anchors) and the internal links it found. Checking those links against other
//! pages is a separate pass in the resolve phase, not a side effect of rendering.
//!
//! CommonMark plus tables, footnotes, strikethrough, task lists and `{#id}` heading attributes.
//! Headings get stable ids from the slug policy ([`crate::slug`]); `@/path.md#anchor` links are
//! resolved through a [`LinkResolver`]; fenced code is highlighted into CSS classes.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::slug::{UniqueIds, slugify};

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

/// What rendering a Markdown body produced.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
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
    pub cases: Vec<CaseMention>,
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

/// A case ID found in running text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMention {
    pub id: String,
    pub span: Range<usize>,
    /// The case it names (an index the resolver understands), when it exists.
    pub case: Option<usize>,
    /// Unknown and meant as a case ID (written after "sak" or in a body's format): worth a
    /// warning.
    pub reported: bool,
}

/// Turns `@/key` into a URL.
pub trait LinkResolver {
    /// The permalink of the content with this key, in the language being rendered (or the
    /// default language when there is no translation).
    fn resolve(&self, key: &str) -> Option<String>;

    /// The case an ID names and its URL, when case IDs are known.
    fn case(&self, _id: &str) -> Option<(usize, String)> {
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

/// Tables written by hand rather than by pulldown-cmark's HTML writer, which aligns columns with
/// `style` attributes: a strict Content-Security-Policy (no inline styles) would drop them. A
/// column's alignment becomes a class (`align-start`, `align-center`, `align-end`), and the table sits in a wrapper that
/// scrolls sideways on narrow screens.
#[derive(Default)]
struct Table {
    alignments: Vec<Alignment>,
    in_head: bool,
    column: usize,
}

impl Table {
    fn markup(&mut self, event: Event) -> String {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                self.alignments = alignments;
                "<div class=\"table-wrap\"><table>".to_string()
            }
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.column = 0;
                "<thead><tr>".to_string()
            }
            Event::End(TagEnd::TableHead) => {
                self.in_head = false;
                "</tr></thead><tbody>\n".to_string()
            }
            Event::Start(Tag::TableRow) => {
                self.column = 0;
                "<tr>".to_string()
            }
            Event::End(TagEnd::TableRow) => "</tr>\n".to_string(),
            Event::Start(Tag::TableCell) => {
                let cell = if self.in_head { "th" } else { "td" };
                let class = match self.alignments.get(self.column) {
                    Some(Alignment::Left) => " class=\"align-start\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-end\"",
                    _ => "",
                };
                let scope = if self.in_head { " scope=\"col\"" } else { "" };
                format!("<{cell}{scope}{class}>")
            }
            Event::End(TagEnd::TableCell) => {
                self.column += 1;
                if self.in_head { "</th>" } else { "</td>" }.to_string()
            }
            Event::End(TagEnd::Table) => "</tbody></table></div>\n".to_string(),
            _ => String::new(),
        }
    }
}

/// Ends the plain text collected so far with a space (block and inline boundaries separate
/// words in the text the search index and summaries read).
fn separate_words(text: &mut String) {
    if !text.ends_with(' ') && !text.is_empty() {
        text.push(' ');
    }
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body` to HTML. Spans in the result are byte ranges of `body`.
pub fn render(body: &str, links: &dyn LinkResolver, options: RenderOptions) -> Rendered {
    let mut out = Rendered::default();
    let mut ids = UniqueIds::default();
    let mut events: Vec<Event> = Vec::new();
    let mut flat_toc: Vec<(u8, String, String)> = Vec::new();

    let mut heading: Option<(HeadingLevel, Option<String>, Vec<String>, usize)> = None;
    let mut heading_text = String::new();
    let mut code: Option<(Option<String>, String)> = None;
    let mut footnotes = Footnotes::default();
    let mut in_link = 0usize;
    // `<a>` elements opened in raw HTML and not yet closed: no case ID is linked inside them.
    let mut raw_links = 0usize;
    let mut table = Table::default();
    let mut depth = Depth::default();

    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        let event = match event {
            Event::Text(text) if text.chars().any(crate::input::is_forbidden_control) => {
                let raw = body.get(range.clone()).unwrap_or("");
                if let Some(c) = text
                    .chars()
                    .find(|&c| crate::input::is_forbidden_control(c) && !raw.contains(c))
                {
                    out.forbidden.push((range.clone(), c));
                }
                let kept: String = text
                    .chars()
                    .filter(|&c| !crate::input::is_forbidden_control(c))
                    .collect();
                Event::Text(kept.into())
            }
            other => other,
        };
        if out.too_deep.is_none() {
            out.too_deep = depth.track(&event, &range);
        }
        if let Some((_, buffer)) = &mut code {
            match event {
                Event::Text(text) => buffer.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, buffer) = code.take().unwrap_or_default();
                    events.push(Event::Html(
                        crate::highlight::code_block(
                            &buffer,
                            lang.as_deref(),
                            options.highlight_code,
                        )
                        .into(),
                    ));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some((
                    level,
                    id.map(|i| i.to_string()),
                    classes.iter().map(|c| c.to_string()).collect(),
                    events.len(),
                ));
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((_, explicit, classes, start)) = heading.take() {
                    let id = ids.claim(&explicit.unwrap_or_else(|| slugify(&heading_text)));
                    let id_attr = crate::site::html::escape(&id);
                    let class_attr = if classes.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " class=\"{}\"",
                            crate::site::html::escape(&classes.join(" "))
                        )
                    };
                    events.insert(
                        start,
                        Event::Html(format!("<{level} id=\"{id_attr}\"{class_attr}>").into()),
                    );
                    events.push(Event::Html(format!("</{level}>\n").into()));
                    let title = heading_text.trim().to_string();
                    flat_toc.push((level as u8, id.clone(), title));
                    out.anchors.push(id);
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split([' ', ',', '{'])
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(scheme) = crate::url_rules::script_scheme(&dest_url) {
                    out.script_links.push((range.clone(), scheme));
                }
                let dest_url = internal(&dest_url, &range, links, &mut out.links)
                    .map_or(dest_url, CowStr::from);
                in_link += 1;
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(scheme) = crate::url_rules::script_scheme(&dest_url) {
                    out.script_links.push((range.clone(), scheme));
                }
                let dest_url = internal(&dest_url, &range, links, &mut out.links)
                    .map_or(dest_url, CowStr::from);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::FootnoteReference(name) => {
                let (n, id) = footnotes.get(&name, &mut ids);
                let id = crate::site::html::escape(&id);
                events.push(Event::Html(
                    format!("<sup class=\"footnote-ref\"><a href=\"#{id}\">{n}</a></sup>").into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let (n, id) = footnotes.get(&name, &mut ids);
                out.anchors.push(id.clone());
                let id = crate::site::html::escape(&id);
                events.push(Event::Html(
                    format!(
                        "<div class=\"footnote\" id=\"{id}\"><span class=\"footnote-label\">{n}</span>"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(
                TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell,
            ) => {
                separate_words(&mut out.text);
                events.push(Event::Html(table.markup(event).into()));
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                events.push(event);
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                raw_links = raw_link_depth(raw_links, html);
                events.push(event);
            }
            Event::Text(text) if heading.is_none() && in_link == 0 && raw_links == 0 => {
                out.word_count += text.split_whitespace().count();
                out.text.push_str(&text);
                // Spans inside the text are spans of the source only where the text is the source
                // as written (pulldown-cmark replaces NUL, and entities are text of their own);
                // elsewhere a mention is placed at the whole text.
                let verbatim = body.get(range.clone()) == Some(&*text);
                link_cases(text, &range, verbatim, links, &mut events, &mut out.cases);
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                if heading.is_some() {
                    heading_text.push_str(text);
                }
                out.word_count += text.split_whitespace().count();
                out.text.push_str(text);
                events.push(event);
            }
            other => {
                if matches!(
                    other,
                    Event::End(_) | Event::SoftBreak | Event::HardBreak | Event::Start(_)
                ) {
                    separate_words(&mut out.text);
                }
                events.push(other)
            }
        }
    }
    // A heading is still open only on malformed input; keep its text rather than lose it.
    if out.too_deep.is_none() {
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    }
    out.toc = nest(flat_toc);
    out
}

/// The depth of raw-HTML `<a>` elements after `html`, starting from `depth`: each `<a …>` opens
/// one, each `</a>` closes one (tag names are case-insensitive).
fn raw_link_depth(mut depth: usize, html: &str) -> usize {
    let bytes = html.as_bytes();
    for (i, _) in html.match_indices('<') {
        let closing = bytes.get(i + 1) == Some(&b'/');
        let name = i + 1 + usize::from(closing);
        let is_a = bytes
            .get(name)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'a'))
            && bytes
                .get(name + 1)
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if is_a {
            depth = if closing {
                depth.saturating_sub(1)
            } else {
                depth + 1
            };
        }
    }
    depth
}

/// How deep the HTML of the events so far nests ([`crate::nesting`]): the elements each
/// Markdown construct writes, and the tags of raw HTML, as minify-html will read them.
struct Depth {
    nesting: crate::nesting::Nesting,
    /// The elements each open Markdown construct wrote, to end at its end.
    open: Vec<&'static [&'static [u8]]>,
}

impl Default for Depth {
    fn default() -> Self {
        Depth {
            nesting: crate::nesting::Nesting::new(crate::nesting::BODY_LIMIT),
            open: Vec::new(),
        }
    }
}

impl Depth {
    /// Follows one event; returns the offset in the body where it first nests too deep.
    fn track(&mut self, event: &Event, range: &Range<usize>) -> Option<usize> {
        match event {
            Event::Start(tag) => {
                let names = elements(tag);
                self.open.push(names);
                let mut crossed = false;
                for name in names {
                    crossed |= self.nesting.start(name, false);
                }
                crossed.then_some(range.start)
            }
            Event::End(_) => {
                for name in self.open.pop().unwrap_or_default().iter().rev() {
                    self.nesting.end(name);
                }
                None
            }
            Event::Html(html) | Event::InlineHtml(html) => self.nesting.feed(html).map(|at| {
                (range.start + at)
                    .min(range.end.saturating_sub(1))
                    .max(range.start)
            }),
            _ => None,
        }
    }
}

/// The elements pulldown-cmark's HTML writer (or [`render`]) writes for a construct, outermost
/// first.
fn elements(tag: &Tag) -> &'static [&'static [u8]] {
    match tag {
        Tag::Paragraph => &[b"p"],
        Tag::Heading { level, .. } => match level {
            HeadingLevel::H1 => &[b"h1"],
            HeadingLevel::H2 => &[b"h2"],
            HeadingLevel::H3 => &[b"h3"],
            HeadingLevel::H4 => &[b"h4"],
            HeadingLevel::H5 => &[b"h5"],
            HeadingLevel::H6 => &[b"h6"],
        },
        Tag::BlockQuote(_) => &[b"blockquote"],
        Tag::CodeBlock(_) => &[b"pre", b"code"],
        Tag::List(Some(_)) => &[b"ol"],
        Tag::List(None) => &[b"ul"],
        Tag::Item => &[b"li"],
        Tag::FootnoteDefinition(_) => &[b"div"],
        Tag::Table(_) => &[b"div", b"table", b"tbody"],
        Tag::TableHead | Tag::TableRow => &[b"tr"],
        Tag::TableCell => &[b"td"],
        Tag::Emphasis => &[b"em"],
        Tag::Strong => &[b"strong"],
        Tag::Strikethrough => &[b"del"],
        Tag::Superscript => &[b"sup"],
        Tag::Subscript => &[b"sub"],
        Tag::Link { .. } => &[b"a"],
        Tag::DefinitionList => &[b"dl"],
        Tag::DefinitionListTitle => &[b"dt"],
        Tag::DefinitionListDefinition => &[b"dd"],
        // An image is one void element; raw HTML brings its own tags.
        Tag::Image { .. } | Tag::HtmlBlock | Tag::MetadataBlock(_) => &[],
    }
}

/// Pushes `text` as events, with every known case ID in it made a link.
fn link_cases<'a>(
    text: CowStr<'a>,
    range: &Range<usize>,
    verbatim: bool,
    links: &dyn LinkResolver,
    events: &mut Vec<Event<'a>>,
    found: &mut Vec<CaseMention>,
) {
    let candidates = crate::governance::case_id::candidates(&text);
    if candidates.is_empty() {
        events.push(Event::Text(text));
        return;
    }
    let mut last = 0;
    for c in candidates {
        let id = &text[c.range.clone()];
        let case = links.case(id);
        found.push(CaseMention {
            id: id.to_string(),
            span: if verbatim {
                range.start + c.range.start..range.start + c.range.end
            } else {
                range.clone()
            },
            case: case.as_ref().map(|(i, _)| *i),
            reported: case.is_none() && c.after_case_word,
        });
        if let Some((_, url)) = case {
            if last < c.range.start {
                events.push(Event::Text(text[last..c.range.start].to_string().into()));
            }
            events.push(Event::InlineHtml(
                format!(
                    "<a class=\"case-ref\" dir=\"ltr\" href=\"{}\">",
                    crate::site::html::escape(&url)
                )
                .into(),
            ));
            events.push(Event::Text(id.to_string().into()));
            events.push(Event::InlineHtml("</a>".into()));
            last = c.range.end;
        }
    }
    if last < text.len() {
        events.push(Event::Text(text[last..].to_string().into()));
    }
}

/// Footnote numbers and ids, in order of first mention. Ids live in their own `fn-` namespace
/// and are claimed from the same [`UniqueIds`] as headings, so a heading and a footnote never
/// share an id.
#[derive(Default)]
struct Footnotes {
    seen: Vec<(String, String)>,
}

impl Footnotes {
    fn get(&mut self, name: &str, ids: &mut UniqueIds) -> (usize, String) {
        if let Some(i) = self.seen.iter().position(|(n, _)| n == name) {
            return (i + 1, self.seen[i].1.clone());
        }
        let slug = slugify(name);
        let id = ids.claim(&format!("fn-{}", if slug.is_empty() { "x" } else { &slug }));
        self.seen.push((name.to_string(), id.clone()));
        (self.seen.len(), id)
    }
}

/// Resolves an `@/` destination; returns the new URL, or `None` when `dest` is not internal.
fn internal(
    dest: &str,
    range: &Range<usize>,
    links: &dyn LinkResolver,
    found: &mut Vec<InternalLink>,
) -> Option<String> {
    let (target, generated) = match dest.strip_prefix("@/") {
        Some(t) => (t, false),
        None => (dest.strip_prefix('@').filter(|t| !t.is_empty())?, true),
    };
    let (key, anchor) = match target.split_once('#') {
        Some((k, a)) => (k, Some(a.to_string())),
        None => (target, None),
    };
    let (resolved, key) = if generated {
        (links.generated(key), format!("@{key}"))
    } else {
        (links.resolve(key), key.to_string())
    };
    found.push(InternalLink {
        key,
        anchor: anchor.clone(),
        span: range.clone(),
        resolved: resolved.is_some(),
    });
    let url = resolved.unwrap_or_else(|| dest.to_string());
    Some(match anchor {
        Some(a) if !url.starts_with('@') => format!("{url}#{a}"),
        _ => url,
    })
}

/// Nests a flat list of headings by level: each heading takes the following deeper ones.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn take(items: &[(u8, String, String)], i: &mut usize, parent_level: u8) -> Vec<TocEntry> {
        let mut out = Vec::new();
        while let Some((level, id, title)) = items.get(*i) {
            if *level <= parent_level {
                break;
            }
            *i += 1;
            let children = take(items, i, *level);
            out.push(TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children,
            });
        }
        out
    }
    let mut i = 0;
    let mut out = Vec::new();
    while i < flat.len() {
        let level = flat[i].0;
        out.extend(take(&flat, &mut i, level.saturating_sub(1)));
    }
    out
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
        impl LinkResolver for Cases {
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
