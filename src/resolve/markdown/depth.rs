//! Part of the Markdown renderer (resolve phase): how deep the HTML a text makes will nest, as
//! minify-html will read it, and how deep raw-HTML links are open (no case ID is linked inside
//! a raw `<a>`).

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Tag};

/// The depth of raw-HTML `<a>` elements after `html`, starting from `depth`: each `<a …>` opens
/// one, each `</a>` closes one (tag names are case-insensitive).
pub(super) fn raw_link_depth(mut depth: usize, html: &str) -> usize {
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
pub(super) struct Depth {
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
    pub(super) fn track(&mut self, event: &Event, range: &Range<usize>) -> Option<usize> {
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

/// The elements pulldown-cmark's HTML writer (or [`super::render`]) writes for a construct, outermost
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
