//! How deep elements nest in HTML, counted as minify-html's parser nests them.
//!
//! minify-html parses, minifies and frees a page by recursion, one level per element, so HTML
//! nested deeper than a thread's stack allows would abort styre. Markdown bodies are measured
//! as they are rendered (`markdown.rs` feeds [`Nesting`] the elements its events make and the
//! raw HTML of the text): more than [`BODY_LIMIT`] levels is an error where the limit is
//! crossed. Every page is measured before it is minified (`render.rs`): more than
//! [`PAGE_LIMIT`] levels is an error naming the template.
//!
//! The rules are minify-html's own, from the crate it takes them from (minify-html-common):
//! void elements, the end tags that a following tag or the parent's end tag implies (`<p>`,
//! `<li>`, `<td>` left open), end tags that match no open element (dropped), self-closing
//! tags in SVG, the text of `script`, `style`, `textarea` and `title`, comments. So HTML that
//! leaves out optional end tags counts as deep as it is, and markup that never closes its
//! elements counts as deep as the minifier would nest it.

use minify_html_common::r#gen::codepoints::{
    Lookup, NOT_UNQUOTED_ATTR_VAL_CHAR, TAG_NAME_CHAR, WHITESPACE, WHITESPACE_OR_SLASH,
    WHITESPACE_OR_SLASH_OR_EQUALS_OR_RIGHT_CHEVRON,
};
use minify_html_common::spec::tag::omission::{can_omit_as_before, can_omit_as_last_node};
use minify_html_common::spec::tag::void::VOID_TAGS;

/// The deepest a Markdown text (a page's body, a case's background) may nest elements: lists,
/// quotes, emphasis, HTML tags. A list item in a list is two levels (`ul`, `li`).
pub const BODY_LIMIT: usize = 128;

/// The deepest a whole page may nest elements (the template's markup around the body
/// included) when it is minified.
pub const PAGE_LIMIT: usize = 256;

/// An open element.
struct Open {
    /// Where its name starts in [`Nesting::names`].
    name: usize,
    /// In the SVG namespace (where `<x/>` closes itself).
    svg: bool,
}

/// What a piece of HTML left open at its end, for the next piece.
#[derive(Clone, Copy)]
enum Unfinished {
    Nothing,
    /// A comment: text up to `-->`.
    Comment,
    /// Text up to this end tag (lower case, without `>`), as in `script`.
    Raw(&'static [u8]),
}

/// The elements open at a point of a document, fed tag by tag ([`Nesting::start`],
/// [`Nesting::end`]) or as HTML text ([`Nesting::feed`]), in document order.
pub struct Nesting {
    open: Vec<Open>,
    /// The names of the open elements, one after the other (no allocation per element).
    names: Vec<u8>,
    unfinished: Unfinished,
    limit: usize,
}

impl Nesting {
    /// Counts against `limit` levels.
    pub fn new(limit: usize) -> Self {
        Nesting {
            open: Vec::new(),
            names: Vec::new(),
            unfinished: Unfinished::Nothing,
            limit,
        }
    }

    /// How many elements are open (what the tests watch).
    #[cfg(test)]
    fn depth(&self) -> usize {
        self.open.len()
    }

    /// The name of the open element `i` levels deep (0 the outermost).
    fn name(&self, i: usize) -> &[u8] {
        let end = self.open.get(i + 1).map_or(self.names.len(), |o| o.name);
        &self.names[self.open[i].name..end]
    }

    fn top(&self) -> Option<&[u8]> {
        self.open.len().checked_sub(1).map(|i| self.name(i))
    }

    fn pop(&mut self) {
        if let Some(o) = self.open.pop() {
            self.names.truncate(o.name);
        }
    }

    /// An element's start tag (`name` in lower case); whether it opened a level past the limit.
    pub fn start(&mut self, name: &[u8], self_closing: bool) -> bool {
        // `<li>` after an open `li`, `<p>` in a `p`, …: the open one ends first.
        while self.top().is_some_and(|top| can_omit_as_before(top, name)) {
            self.pop();
        }
        let svg = name == b"svg" || self.open.last().is_some_and(|top| top.svg);
        if (self_closing && svg) || VOID_TAGS.contains(name) {
            return false;
        }
        self.open.push(Open {
            name: self.names.len(),
            svg,
        });
        self.names.extend_from_slice(name);
        self.open.len() > self.limit
    }

    /// An element's end tag (`name` in lower case).
    pub fn end(&mut self, name: &[u8]) {
        loop {
            let n = self.open.len();
            let Some(parent) = self.top() else {
                return;
            };
            if let Some(g) = n.checked_sub(2).map(|g| self.name(g))
                && g == name
                && can_omit_as_last_node(g, parent)
            {
                // `</ul>` after an open `li`: the `li` ends, then the `ul`.
                self.pop();
                continue;
            }
            if parent == name {
                self.pop();
            }
            // Otherwise the end tag matches nothing open and is dropped.
            return;
        }
    }

    /// A piece of HTML; returns the byte offset in `html` of the first start tag that opened a
    /// level past the limit. What the piece leaves open at its end (a comment, a script) goes on
    /// in the next one.
    pub fn feed(&mut self, html: &str) -> Option<usize> {
        let b = html.as_bytes();
        let mut crossed = None;
        let mut i = match self.unfinished {
            Unfinished::Nothing => 0,
            Unfinished::Comment => self.skip_comment(b, 0),
            Unfinished::Raw(end) => self.skip_raw(b, 0, end),
        };
        while let Some(lt) = b
            .get(i..)
            .and_then(|rest| rest.iter().position(|&c| c == b'<'))
        {
            let at = i + lt;
            let rest = &b[at..];
            i = if rest.starts_with(b"<!--") {
                self.skip_comment(b, at + 4)
            } else if rest.starts_with(b"</") {
                let (name, next) = tag_name(b, at + 2);
                if !name.is_empty() {
                    self.end(&name);
                }
                tag_end(b, next).0
            } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
                // A doctype or other declaration, a processing instruction: up to `>`.
                find(b, at + 2, b">").map_or(b.len(), |e| e + 1)
            } else if rest.get(1).is_some_and(|&c| TAG_NAME_CHAR[c]) {
                let (name, next) = tag_name(b, at + 1);
                let (next, self_closing) = tag_end(b, next);
                let svg = self.open.last().is_some_and(|top| top.svg);
                if self.start(&name, self_closing) && crossed.is_none() {
                    crossed = Some(at);
                }
                match raw_text_end(&name, svg) {
                    Some(end) if self.top() == Some(&name[..]) => {
                        // Its text holds no tags; its end tag closes it.
                        self.skip_raw(b, next, end)
                    }
                    _ => next,
                }
            } else {
                at + 1
            };
        }
        crossed
    }

    fn skip_comment(&mut self, b: &[u8], from: usize) -> usize {
        match find(b, from, b"-->") {
            Some(e) => {
                self.unfinished = Unfinished::Nothing;
                e + 3
            }
            None => {
                self.unfinished = Unfinished::Comment;
                b.len()
            }
        }
    }

    /// Skips a raw-text element's text up to its end tag, which it leaves to be read.
    fn skip_raw(&mut self, b: &[u8], from: usize, end: &'static [u8]) -> usize {
        match find_ignoring_case(b, from, end) {
            Some(e) => {
                self.unfinished = Unfinished::Nothing;
                e
            }
            None => {
                self.unfinished = Unfinished::Raw(end);
                b.len()
            }
        }
    }
}

/// The end tag of an element whose text minify-html reads without looking for tags in it.
fn raw_text_end(name: &[u8], svg: bool) -> Option<&'static [u8]> {
    match name {
        b"script" => Some(b"</script"),
        b"style" => Some(b"</style"),
        b"textarea" if !svg => Some(b"</textarea"),
        b"title" if !svg => Some(b"</title"),
        _ => None,
    }
}

/// The tag name from `from` (lower case), and where it ends.
fn tag_name(b: &[u8], from: usize) -> (std::borrow::Cow<'_, [u8]>, usize) {
    let from = from.min(b.len());
    let len = b[from..].iter().take_while(|&&c| TAG_NAME_CHAR[c]).count();
    let name = &b[from..from + len];
    let name = if name.iter().any(u8::is_ascii_uppercase) {
        name.to_ascii_lowercase().into()
    } else {
        name.into()
    };
    (name, from + len)
}

/// Reads a tag's attributes as minify-html does, from just after its name: returns where the
/// tag ends (after its `>`, or at the end of the text) and whether it closes itself (`/>`).
fn tag_end(b: &[u8], mut j: usize) -> (usize, bool) {
    let n = b.len();
    let skip = |j: &mut usize, set: &Lookup| {
        while *j < n && set[b[*j]] {
            *j += 1;
        }
    };
    loop {
        let mut last = None;
        while j < n && WHITESPACE_OR_SLASH[b[j]] {
            last = Some(b[j]);
            j += 1;
        }
        if j >= n || b[j] == b'>' {
            return ((j + 1).min(n), last == Some(b'/'));
        }
        // An attribute's name: its first character may be `=`.
        j += 1;
        while j < n && !WHITESPACE_OR_SLASH_OR_EQUALS_OR_RIGHT_CHEVRON[b[j]] {
            j += 1;
        }
        skip(&mut j, WHITESPACE);
        if j < n && b[j] == b'=' {
            j += 1;
            skip(&mut j, WHITESPACE);
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j = find(b, j + 1, &[q]).map_or(n, |e| e + 1);
                }
                _ => {
                    while j < n && !NOT_UNQUOTED_ATTR_VAL_CHAR[b[j]] {
                        j += 1;
                    }
                }
            }
        }
    }
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(b.get(from..)?, needle).map(|p| from + p)
}

fn find_ignoring_case(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(html: &str) -> usize {
        let mut n = Nesting::new(usize::MAX);
        let mut deepest = 0;
        // Piece by piece, as Markdown hands it over: the depth after each tag.
        for piece in html.split_inclusive('>') {
            n.feed(piece);
            deepest = deepest.max(n.depth());
        }
        deepest
    }

    #[test]
    fn counts_open_elements() {
        assert_eq!(depth("<div><p><em>x</em></p></div>"), 3);
        assert_eq!(depth("<div></div><div></div>"), 1);
        assert_eq!(depth(&"<div>".repeat(50)), 50);
    }

    #[test]
    fn implied_end_tags_do_not_nest() {
        assert_eq!(depth(&format!("<ul>{}</ul>", "<li>x".repeat(500))), 2);
        assert_eq!(depth(&"<p>x".repeat(500)), 1);
        assert_eq!(
            depth(&format!(
                "<table>{}</table>",
                "<tr><td>a<td>b</tr>".repeat(300)
            )),
            3
        );
        // `</ul>` ends the open `li` too.
        assert_eq!(depth(&"<ul><li>x</ul>".repeat(300)), 2);
    }

    #[test]
    fn void_and_svg_self_closing_elements_do_not_nest() {
        assert_eq!(depth(&"<br><img src=x><hr/>".repeat(300)), 0);
        assert_eq!(
            depth(&format!("<svg>{}</svg>", "<rect width=\"2\"/>".repeat(300))),
            1
        );
        // In HTML, `/>` closes nothing.
        assert_eq!(depth(&"<div/>".repeat(300)), 300);
    }

    #[test]
    fn end_tags_that_match_nothing_are_dropped() {
        // minify-html nests these: the `</span>` closes nothing.
        assert_eq!(depth(&"<div></span>".repeat(300)), 300);
        assert_eq!(depth(&"<b><i></b></i>".repeat(10)), 11);
    }

    #[test]
    fn text_of_scripts_comments_and_attributes_holds_no_tags() {
        let html = "<script>if (a<b) { x = '<div>'; }</script>\
                    <!-- <div><div> -->\
                    <a title=\"<div>\" data-x='>'>x</a>\
                    <style>p > a { }</style><textarea><div></textarea>";
        assert_eq!(depth(html), 1);
        // A comment or script left open goes on in the next piece.
        let mut n = Nesting::new(10);
        n.feed("<div><!-- <div>");
        n.feed("<div> --><p>");
        assert_eq!(n.depth(), 2);
        n.feed("<script>'");
        n.feed("<div>'</SCRIPT><em>");
        assert_eq!(n.depth(), 3);
    }

    #[test]
    fn feed_reports_where_the_limit_is_crossed() {
        let mut n = Nesting::new(3);
        assert_eq!(n.feed("<div><div><div>x"), None);
        assert_eq!(n.feed("x<span>y"), Some(1));
        assert_eq!(n.feed("<div>"), Some(0));
    }
}
