//! Part of the Markdown renderer (resolve phase): [`Writer`] follows pulldown-cmark's events one
//! at a time and rewrites the ones styre writes itself (headings with stable ids, highlighted
//! code, `@/` links, footnotes, tables, case IDs in running text), collecting the table of
//! contents, anchors, links, words and problems on the way.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::depth::{Depth, raw_link_depth};
use super::table::Table;
use super::{CaseMention, InternalLink, LinkResolver, RenderOptions, Rendered, TocEntry};
use crate::slug::{UniqueIds, slugify};

/// The state of one render: what is written so far and what is open.
pub(super) struct Writer<'a, C> {
    body: &'a str,
    links: &'a dyn LinkResolver<C>,
    options: RenderOptions,
    out: Rendered<C>,
    ids: UniqueIds,
    events: Vec<Event<'a>>,
    flat_toc: Vec<(u8, String, String)>,
    /// The open heading: its level, explicit id, classes and where its events start.
    heading: Option<(HeadingLevel, Option<String>, Vec<String>, usize)>,
    heading_text: String,
    /// The open code block: its language and its text so far.
    code: Option<(Option<String>, String)>,
    footnotes: Footnotes,
    in_link: usize,
    /// `<a>` elements opened in raw HTML and not yet closed: no case ID is linked inside them.
    raw_links: usize,
    table: Table,
    depth: Depth,
}

impl<'a, C> Writer<'a, C> {
    pub(super) fn new(
        body: &'a str,
        links: &'a dyn LinkResolver<C>,
        options: RenderOptions,
    ) -> Self {
        Writer {
            body,
            links,
            options,
            out: Rendered::default(),
            ids: UniqueIds::default(),
            events: Vec::new(),
            flat_toc: Vec::new(),
            heading: None,
            heading_text: String::new(),
            code: None,
            footnotes: Footnotes::default(),
            in_link: 0,
            raw_links: 0,
            table: Table::default(),
            depth: Depth::default(),
        }
    }

    /// Follows one event of the body; `range` is its byte range in the body.
    pub(super) fn push(&mut self, event: Event<'a>, range: Range<usize>) {
        let event = self.without_forbidden(event, &range);
        if self.out.too_deep.is_none() {
            self.out.too_deep = self.depth.track(&event, &range);
        }
        if self.code.is_some() {
            self.code_text(event);
            return;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => self.heading_start(level, id, classes),
            Event::End(TagEnd::Heading(level)) => self.heading_end(level),
            Event::Start(Tag::CodeBlock(kind)) => self.code_start(kind),
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                self.destination_start(tag, &range);
            }
            Event::FootnoteReference(name) => self.footnote_reference(&name),
            Event::Start(Tag::FootnoteDefinition(name)) => self.footnote_definition(&name),
            Event::End(TagEnd::FootnoteDefinition) => {
                self.events.push(Event::Html("</div>\n".into()));
            }
            _ if is_table_event(&event) => self.table_event(event),
            Event::End(TagEnd::Link) => self.link_end(event),
            Event::Html(_) | Event::InlineHtml(_) => self.raw_html(event),
            Event::Text(text) if self.is_running_text() => self.running_text(text, &range),
            Event::Text(_) | Event::Code(_) => self.plain_text(event),
            other => self.other_event(other),
        }
    }

    /// The start of a heading: its level, explicit id and classes kept until its end.
    fn heading_start(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
    ) {
        self.heading = Some((
            level,
            id.map(|i| i.to_string()),
            classes.iter().map(|c| c.to_string()).collect(),
            self.events.len(),
        ));
        self.heading_text.clear();
    }

    /// The start of a code block: its language (the fence's first word), its text to come.
    fn code_start(&mut self, kind: CodeBlockKind<'a>) {
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info
                .split([' ', ',', '{'])
                .next()
                .filter(|l| !l.is_empty())
                .map(str::to_string),
            CodeBlockKind::Indented => None,
        };
        self.code = Some((lang, String::new()));
    }

    /// The start of a link or an image: its destination rewritten ([`Self::destination`]);
    /// a link is open until its end.
    fn destination_start(&mut self, tag: Tag<'a>, range: &Range<usize>) {
        let tag = match tag {
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest_url = self.destination(dest_url, range);
                self.in_link += 1;
                Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => Tag::Image {
                link_type,
                dest_url: self.destination(dest_url, range),
                title,
                id,
            },
            other => other,
        };
        self.events.push(Event::Start(tag));
    }

    /// A table's start or end, or a part's: written by [`Table`], a word boundary in the text.
    fn table_event(&mut self, event: Event<'a>) {
        separate_words(&mut self.out.text);
        self.events
            .push(Event::Html(self.table.markup(event).into()));
    }

    /// The end of a link: one link fewer open.
    fn link_end(&mut self, event: Event<'a>) {
        self.in_link = self.in_link.saturating_sub(1);
        self.events.push(event);
    }

    /// Raw HTML, block or inline: the `<a>` elements it opens and closes counted.
    fn raw_html(&mut self, event: Event<'a>) {
        if let Event::Html(html) | Event::InlineHtml(html) = &event {
            self.raw_links = raw_link_depth(self.raw_links, html);
        }
        self.events.push(event);
    }

    /// Whether text is running text ([`Self::running_text`]): outside headings and links.
    fn is_running_text(&self) -> bool {
        self.heading.is_none() && self.in_link == 0 && self.raw_links == 0
    }

    /// Text in a heading or a link, or inline code: counted, kept for search and the heading.
    fn plain_text(&mut self, event: Event<'a>) {
        if let Event::Text(text) | Event::Code(text) = &event {
            if self.heading.is_some() {
                self.heading_text.push_str(text);
            }
            self.out.word_count += text.split_whitespace().count();
            self.out.text.push_str(text);
        }
        self.events.push(event);
    }

    /// Any other event, kept as it is; a start, an end or a break separates words.
    fn other_event(&mut self, event: Event<'a>) {
        if matches!(
            event,
            Event::End(_) | Event::SoftBreak | Event::HardBreak | Event::Start(_)
        ) {
            separate_words(&mut self.out.text);
        }
        self.events.push(event)
    }

    /// The HTML and everything found on the way.
    pub(super) fn finish(mut self) -> Rendered<C> {
        // A heading is still open only on malformed input; keep its text rather than lose it.
        if self.out.too_deep.is_none() {
            pulldown_cmark::html::push_html(&mut self.out.html, self.events.into_iter());
        }
        self.out.toc = nest(self.flat_toc);
        self.out
    }

    /// Text with characters styre refuses, written as character references: they are noted
    /// (where they are not in the source as written) and left out.
    fn without_forbidden(&mut self, event: Event<'a>, range: &Range<usize>) -> Event<'a> {
        match event {
            Event::Text(text) if text.chars().any(crate::input::is_forbidden_control) => {
                let raw = self.body.get(range.clone()).unwrap_or("");
                if let Some(c) = text
                    .chars()
                    .find(|&c| crate::input::is_forbidden_control(c) && !raw.contains(c))
                {
                    self.out.forbidden.push((range.clone(), c));
                }
                let kept: String = text
                    .chars()
                    .filter(|&c| !crate::input::is_forbidden_control(c))
                    .collect();
                Event::Text(kept.into())
            }
            other => other,
        }
    }

    /// Inside a code block: collects its text, and at its end writes it highlighted.
    fn code_text(&mut self, event: Event<'a>) {
        let Some((_, buffer)) = &mut self.code else {
            return;
        };
        match event {
            Event::Text(text) => buffer.push_str(&text),
            Event::End(TagEnd::CodeBlock) => {
                let (lang, buffer) = self.code.take().unwrap_or_default();
                self.events.push(Event::Html(
                    crate::highlight::code_block(
                        &buffer,
                        lang.as_deref(),
                        self.options.highlight_code,
                    )
                    .into(),
                ));
            }
            _ => {}
        }
    }

    /// The end of a heading: its id claimed (explicit or from its text), its tags written, and
    /// its entry in the table of contents.
    fn heading_end(&mut self, level: HeadingLevel) {
        let Some((_, explicit, classes, start)) = self.heading.take() else {
            return;
        };
        let id = self
            .ids
            .claim(&explicit.unwrap_or_else(|| slugify(&self.heading_text)));
        let id_attr = crate::site::html::escape(&id);
        let class_attr = if classes.is_empty() {
            String::new()
        } else {
            format!(
                " class=\"{}\"",
                crate::site::html::escape(&classes.join(" "))
            )
        };
        self.events.insert(
            start,
            Event::Html(format!("<{level} id=\"{id_attr}\"{class_attr}>").into()),
        );
        self.events
            .push(Event::Html(format!("</{level}>\n").into()));
        let title = self.heading_text.trim().to_string();
        self.flat_toc.push((level as u8, id.clone(), title));
        self.out.anchors.push(id);
    }

    /// A link's or image's destination: a script scheme noted, an `@/` link resolved.
    fn destination(&mut self, dest_url: CowStr<'a>, range: &Range<usize>) -> CowStr<'a> {
        if let Some(scheme) = crate::url_rules::script_scheme(&dest_url) {
            self.out.script_links.push((range.clone(), scheme));
        }
        internal(&dest_url, range, self.links, &mut self.out.links).map_or(dest_url, CowStr::from)
    }

    fn footnote_reference(&mut self, name: &str) {
        let (n, id) = self.footnotes.get(name, &mut self.ids);
        let id = crate::site::html::escape(&id);
        self.events.push(Event::Html(
            format!("<sup class=\"footnote-ref\"><a href=\"#{id}\">{n}</a></sup>").into(),
        ));
    }

    fn footnote_definition(&mut self, name: &str) {
        let (n, id) = self.footnotes.get(name, &mut self.ids);
        self.out.anchors.push(id.clone());
        let id = crate::site::html::escape(&id);
        self.events.push(Event::Html(
            format!(
                "<div class=\"footnote\" id=\"{id}\"><span class=\"footnote-label\">{n}</span>"
            )
            .into(),
        ));
    }

    /// Text outside headings and links: counted, kept for search, case IDs in it linked.
    fn running_text(&mut self, text: CowStr<'a>, range: &Range<usize>) {
        self.out.word_count += text.split_whitespace().count();
        self.out.text.push_str(&text);
        // Spans inside the text are spans of the source only where the text is the source
        // as written (pulldown-cmark replaces NUL, and entities are text of their own);
        // elsewhere a mention is placed at the whole text.
        let verbatim = self.body.get(range.clone()) == Some(&*text);
        link_cases(
            text,
            range,
            verbatim,
            self.links,
            &mut self.events,
            &mut self.out.cases,
        );
    }
}

/// Whether `event` starts or ends a table or a part of one (head, row, cell).
fn is_table_event(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell)
    )
}

/// Ends the plain text collected so far with a space (block and inline boundaries separate
/// words in the text the search index and summaries read).
fn separate_words(text: &mut String) {
    if !text.ends_with(' ') && !text.is_empty() {
        text.push(' ');
    }
}

/// Pushes `text` as events, with every known case ID in it made a link.
fn link_cases<'a, C>(
    text: CowStr<'a>,
    range: &Range<usize>,
    verbatim: bool,
    links: &dyn LinkResolver<C>,
    events: &mut Vec<Event<'a>>,
    found: &mut Vec<CaseMention<C>>,
) {
    let candidates = crate::governance::case_id::candidates(&text);
    if candidates.is_empty() {
        events.push(Event::Text(text));
        return;
    }
    let mut last = 0;
    for c in candidates {
        let id = &text[c.range.clone()];
        let (case, url) = links.case(id).unzip();
        found.push(CaseMention {
            id: id.to_string(),
            span: if verbatim {
                range.start + c.range.start..range.start + c.range.end
            } else {
                range.clone()
            },
            reported: case.is_none() && c.after_case_word,
            case,
        });
        if let Some(url) = url {
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
fn internal<C>(
    dest: &str,
    range: &Range<usize>,
    links: &dyn LinkResolver<C>,
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
