//! The changes between two versions of a governing document as a reader reads them: both texts
//! parsed into blocks (headings, paragraphs, lists, tables, quotes, code), the blocks matched,
//! and the words that changed marked inside the block that holds them, so a heading stays a
//! heading, a list a list and a table a table. Every `<del>` and `<ins>` opens with a visually
//! hidden label ("removed:", "added:" in the page's language) that screen readers announce.
//!
//! Markdown syntax never reaches the reader: the blocks are rendered here from pulldown-cmark's
//! events (the options of the site's renderer), every text escaped. Raw HTML is read for its
//! text: `<br>` is a line break, other tags are dropped, and what `<script>`, `<style>` and
//! `<template>` hold is left out. Links are shown as their text, images as their description.
//!
//! Headings keep their rank among themselves but start at `<h3>` (the built-in template shows
//! the diff under the `<h2>` of the version history), and carry no `id` (the document's own
//! headings have them). Blocks, list items and table rows are matched in order (`similar`'s
//! Myers diff; within a run of changed ones, pairs of the same kind chosen by the words they
//! share), which is deterministic: the same two texts give the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices, get_diff_ratio};

use crate::site::html::escape;

/// Containers (lists, items, quotes, footnotes) nested deeper than this are read as if they
/// were not there: their blocks join the enclosing one. Parsing, matching and rendering
/// recurse per level, so this bounds the stack whatever the text.
const MAX_NESTING: usize = 16;

/// Texts longer than this (in words and spaces, both sides together) are not compared word by
/// word: the old one is shown removed and the new one added. Myers' diff takes time in the
/// product of length and changes.
const MAX_WORD_DIFF: usize = 20_000;

/// Runs of changed blocks longer than this (old × new) are shown removed and added without
/// looking for pairs.
const MAX_PAIRING: usize = 40_000;

/// The visually hidden labels of the marks, in the page's language.
pub struct Labels {
    pub removed: String,
    pub added: String,
    /// `lang` and `dir` of the labels when the compared texts are in another language than the
    /// page (the labels are in the page's).
    pub lang: Option<(String, &'static str)>,
}

/// How many sections changed, were added or were removed. A section is a top-level heading and
/// what follows it up to the next one (what comes before the first heading is one too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
}

/// The diff of two texts: its HTML and its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub html: String,
    pub summary: Summary,
}

/// The diff of the Markdown texts `old` and `new`.
pub fn diff(old: &str, new: &str, labels: &Labels) -> Diff {
    let (old, new) = (parse(old), parse(new));
    let entries = align(&old, &new, &block_score);
    let top = old
        .iter()
        .chain(&new)
        .filter_map(|b| match b {
            Block::Heading(level, _) => Some(*level),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let cx = Cx { labels, top };
    let mut html = String::new();
    write_entries(&entries, &cx, &mut html, "\n");
    Diff {
        html,
        summary: summary(&entries, top),
    }
}

// ---------------------------------------------------------------------------------------------
// The texts as blocks.

/// Inline styles, as bits; a piece's missing styles are opened in the order of `STYLES`.
const STRONG: u8 = 1;
const EMPH: u8 = 2;
const STRIKE: u8 = 4;
const SUP: u8 = 8;
const SUB: u8 = 16;
const CODE: u8 = 32;
const STYLES: [(u8, &str); 6] = [
    (STRONG, "strong"),
    (EMPH, "em"),
    (STRIKE, "s"),
    (SUP, "sup"),
    (SUB, "sub"),
    (CODE, "code"),
];

/// A piece of running text: a word with its styles, the space between words (styled as the
/// words on both sides are), or a line break.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Tok {
    Word(String, u8),
    Space(String),
    Break,
}

type Inline = Vec<Tok>;

/// A block of a text. `Plain` is the text of a tight list item (no paragraph around it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Block {
    Heading(u8, Inline),
    Para(Inline),
    Plain(Inline),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Table {
        align: Vec<u8>,
        head: Vec<Inline>,
        rows: Vec<Vec<Inline>>,
    },
    Quote(Vec<Block>),
    Code(Inline),
    Footnote(String, Vec<Block>),
    Rule,
}

/// The options of the site's Markdown renderer (`crate::markdown`), so both read a text alike.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn parse(text: &str) -> Vec<Block> {
    let mut reader = Reader {
        events: Parser::new_ext(text, options()).peekable(),
    };
    let mut blocks = Vec::new();
    // A stray end (none is expected) is skipped rather than ending the text.
    while reader.events.peek().is_some() {
        blocks.extend(reader.blocks(0));
        reader.events.next();
    }
    blocks
}

struct Reader<'a> {
    events: std::iter::Peekable<Parser<'a>>,
}

fn is_inline_tag(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

impl Reader<'_> {
    /// The blocks up to the end of the enclosing container (left for the caller) or of the text.
    fn blocks(&mut self, depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        // Containers past `MAX_NESTING` opened here and not yet closed.
        let mut flat = 0usize;
        loop {
            match self.events.peek() {
                None => return out,
                Some(Event::End(end)) => {
                    let container = matches!(
                        end,
                        TagEnd::BlockQuote(_)
                            | TagEnd::List(_)
                            | TagEnd::Item
                            | TagEnd::FootnoteDefinition
                    );
                    if flat > 0 && container {
                        flat -= 1;
                        self.events.next();
                        continue;
                    }
                    return out;
                }
                Some(Event::Rule) => {
                    self.events.next();
                    out.push(Block::Rule);
                    continue;
                }
                Some(Event::Start(tag)) if !is_inline_tag(tag) => {}
                Some(_) => {
                    let text = self.inline();
                    if !text.is_empty() {
                        out.push(Block::Plain(text));
                    }
                    continue;
                }
            }
            let Some(Event::Start(tag)) = self.events.next() else {
                continue;
            };
            let container = matches!(
                tag,
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)
            );
            if container && depth >= MAX_NESTING {
                flat += 1;
                continue;
            }
            match tag {
                Tag::Paragraph => {
                    let text = self.inline();
                    self.events.next();
                    if !text.is_empty() {
                        out.push(Block::Para(text));
                    }
                }
                Tag::Heading { level, .. } => {
                    let text = self.inline();
                    self.events.next();
                    if !text.is_empty() {
                        out.push(Block::Heading(level as u8, text));
                    }
                }
                Tag::BlockQuote(_) => {
                    let inner = self.blocks(depth + 1);
                    self.events.next();
                    out.push(Block::Quote(inner));
                }
                Tag::FootnoteDefinition(label) => {
                    let inner = self.blocks(depth + 1);
                    self.events.next();
                    out.push(Block::Footnote(label.to_string(), inner));
                }
                Tag::List(start) => {
                    let mut items = Vec::new();
                    loop {
                        match self.events.next() {
                            Some(Event::Start(Tag::Item)) => {
                                items.push(self.blocks(depth + 1));
                                self.events.next();
                            }
                            Some(Event::End(_)) | None => break,
                            Some(_) => {}
                        }
                    }
                    out.push(Block::List { start, items });
                }
                Tag::Item => {
                    // An item outside a list (not produced by the parser): its blocks.
                    out.extend(self.blocks(depth + 1));
                    self.events.next();
                }
                Tag::CodeBlock(_) => {
                    let mut text = String::new();
                    for event in self.events.by_ref() {
                        match event {
                            Event::Text(t) => text.push_str(&t),
                            Event::End(_) => break,
                            _ => {}
                        }
                    }
                    out.push(Block::Code(code_tokens(text.trim_end_matches('\n'))));
                }
                Tag::HtmlBlock => {
                    let mut text = InlineText::default();
                    for event in self.events.by_ref() {
                        match event {
                            Event::Html(h) | Event::InlineHtml(h) | Event::Text(h) => {
                                text.raw_html(&h);
                            }
                            Event::End(_) => break,
                            _ => {}
                        }
                    }
                    let text = text.finish();
                    if !text.is_empty() {
                        out.push(Block::Para(text));
                    }
                }
                Tag::Table(alignments) => out.push(self.table(&alignments)),
                // Definition lists and metadata blocks are not enabled; anything else is read
                // for its blocks.
                _ => {
                    out.extend(self.blocks(depth + 1));
                    self.events.next();
                }
            }
        }
    }

    /// A table, after its start: the head's cells and each row's.
    fn table(&mut self, alignments: &[Alignment]) -> Block {
        let align = alignments
            .iter()
            .map(|a| match a {
                Alignment::None => 0,
                Alignment::Left => 1,
                Alignment::Center => 2,
                Alignment::Right => 3,
            })
            .collect();
        let (mut head, mut rows) = (Vec::new(), Vec::new());
        loop {
            match self.events.next() {
                Some(Event::Start(Tag::TableHead)) => head = self.cells(),
                Some(Event::Start(Tag::TableRow)) => rows.push(self.cells()),
                Some(Event::End(TagEnd::Table)) | None => break,
                Some(_) => {}
            }
        }
        Block::Table { align, head, rows }
    }

    /// The cells of a table's head or row, up to its end.
    fn cells(&mut self) -> Vec<Inline> {
        let mut cells = Vec::new();
        loop {
            match self.events.next() {
                Some(Event::Start(Tag::TableCell)) => {
                    cells.push(self.inline());
                    self.events.next();
                }
                Some(Event::End(TagEnd::TableHead | TagEnd::TableRow | TagEnd::Table)) | None => {
                    break;
                }
                Some(_) => {}
            }
        }
        cells
    }

    /// Running text up to the end of the block that holds it (left for the caller) or the start
    /// of another block.
    fn inline(&mut self) -> Inline {
        let mut text = InlineText::default();
        loop {
            match self.events.peek() {
                None => break,
                Some(Event::Start(tag)) if !is_inline_tag(tag) => break,
                Some(Event::End(end)) if !is_inline_end(end) => break,
                Some(Event::Rule) => break,
                Some(_) => {}
            }
            let Some(event) = self.events.next() else {
                break;
            };
            match event {
                Event::Start(Tag::Strong) => text.open(STRONG),
                Event::End(TagEnd::Strong) => text.close(STRONG),
                Event::Start(Tag::Emphasis) => text.open(EMPH),
                Event::End(TagEnd::Emphasis) => text.close(EMPH),
                Event::Start(Tag::Strikethrough) => text.open(STRIKE),
                Event::End(TagEnd::Strikethrough) => text.close(STRIKE),
                Event::Start(Tag::Superscript) => text.open(SUP),
                Event::End(TagEnd::Superscript) => text.close(SUP),
                Event::Start(Tag::Subscript) => text.open(SUB),
                Event::End(TagEnd::Subscript) => text.close(SUB),
                Event::Text(t) | Event::InlineMath(t) | Event::DisplayMath(t) => text.text(&t),
                Event::Code(t) => {
                    text.open(CODE);
                    text.text(&t);
                    text.close(CODE);
                }
                Event::Html(h) | Event::InlineHtml(h) => text.raw_html(&h),
                Event::FootnoteReference(label) => {
                    text.open(SUP);
                    text.text(&label);
                    text.close(SUP);
                }
                Event::SoftBreak => text.space(),
                Event::HardBreak => text.line_break(),
                Event::TaskListMarker(done) => {
                    text.text(if done { "\u{2611}" } else { "\u{2610}" });
                    text.space();
                }
                // Links and images: their text, without the target.
                _ => {}
            }
        }
        text.finish()
    }
}

/// Running text as it is read: words, the spaces between them, line breaks.
#[derive(Default)]
struct InlineText {
    toks: Inline,
    /// How many of each style (by bit) are open.
    open: [u32; STYLES.len()],
    /// The raw-text element (`script`, `style`, `template`) whose end is awaited: its content is
    /// left out.
    skip: Option<String>,
}

impl InlineText {
    fn style(&self) -> u8 {
        STYLES
            .iter()
            .zip(self.open)
            .filter(|(_, n)| *n > 0)
            .fold(0, |bits, ((bit, _), _)| bits | bit)
    }

    fn slot(bit: u8) -> usize {
        STYLES.iter().position(|(b, _)| *b == bit).unwrap_or(0)
    }

    fn open(&mut self, bit: u8) {
        self.open[Self::slot(bit)] += 1;
    }

    fn close(&mut self, bit: u8) {
        let n = &mut self.open[Self::slot(bit)];
        *n = n.saturating_sub(1);
    }

    fn text(&mut self, text: &str) {
        if self.skip.is_some() {
            return;
        }
        let style = self.style();
        let mut rest = text;
        while !rest.is_empty() {
            let space = rest.len() - rest.trim_start_matches(is_space).len();
            if space > 0 {
                self.space();
                rest = &rest[space..];
                continue;
            }
            let word_end = rest.find(is_space).unwrap_or(rest.len());
            let word = &rest[..word_end];
            match self.toks.last_mut() {
                // Text comes in pieces (entities, escapes): a word goes on where one ended.
                Some(Tok::Word(last, s)) if *s == style => last.push_str(word),
                _ => self.toks.push(Tok::Word(word.to_string(), style)),
            }
            rest = &rest[word_end..];
        }
    }

    fn space(&mut self) {
        if self.skip.is_none() && matches!(self.toks.last(), Some(Tok::Word(..))) {
            self.toks.push(Tok::Space(" ".into()));
        }
    }

    fn line_break(&mut self) {
        if self.skip.is_some() {
            return;
        }
        if matches!(self.toks.last(), Some(Tok::Space(_))) {
            self.toks.pop();
        }
        if !self.toks.is_empty() {
            self.toks.push(Tok::Break);
        }
    }

    /// Raw HTML, read for its text: `<br>` a line break, block elements a space, comments,
    /// declarations and other tags dropped, the content of `script`, `style` and `template` left
    /// out; character references in the text decoded.
    fn raw_html(&mut self, html: &str) {
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(name) = &self.skip {
                let close = format!("</{name}");
                match find_ascii_ci(rest, &close) {
                    Some(at) => {
                        rest = &rest[at..];
                        rest = &rest[tag_end(rest)..];
                        self.skip = None;
                    }
                    None => return,
                }
                continue;
            }
            let Some(lt) = rest.find('<') else {
                self.text(&decode_references(rest));
                return;
            };
            self.text(&decode_references(&rest[..lt]));
            rest = &rest[lt..];
            if let Some(comment) = rest.strip_prefix("<!--") {
                rest = comment.find("-->").map_or("", |at| &comment[at + 3..]);
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                rest = &rest[tag_end(rest)..];
                continue;
            }
            let closing = rest.starts_with("</");
            let after = &rest[if closing { 2 } else { 1 }..];
            let name: String = after
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
                // A `<` that opens no tag is text.
                self.text("<");
                rest = &rest[1..];
                continue;
            }
            rest = &rest[tag_end(rest)..];
            match name.as_str() {
                "br" => self.line_break(),
                "script" | "style" | "template" if !closing => self.skip = Some(name),
                "p" | "div" | "li" | "ul" | "ol" | "tr" | "td" | "th" | "table" | "h1" | "h2"
                | "h3" | "h4" | "h5" | "h6" | "blockquote" | "section" | "article" | "hr"
                | "dd" | "dt" | "dl" | "figure" | "figcaption" | "pre" => self.space(),
                _ => {}
            }
        }
    }

    /// The text, its punctuation apart from its words (`tjenesten.` is `tjenesten` and `.`, so
    /// `tjenesten og veikart.` changes by the words added, not by a new last word).
    fn finish(mut self) -> Inline {
        while matches!(self.toks.last(), Some(Tok::Space(_) | Tok::Break)) {
            self.toks.pop();
        }
        let mut out = Vec::with_capacity(self.toks.len());
        for tok in self.toks {
            let Tok::Word(word, style) = &tok else {
                out.push(tok);
                continue;
            };
            let start = word.find(char::is_alphanumeric);
            let end = word
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_alphanumeric())
                .map(|(i, c)| i + c.len_utf8());
            let (Some(start), Some(end)) = (start, end) else {
                out.push(tok);
                continue;
            };
            for part in [&word[..start], &word[start..end], &word[end..]] {
                if !part.is_empty() {
                    out.push(Tok::Word(part.to_string(), *style));
                }
            }
        }
        out
    }
}

/// Where `needle` (ASCII) first occurs in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1))
        .find(|&i| h[i..].len() >= n.len() && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The end of the tag that `text` starts with: just past its `>` (quoted attribute values may
/// hold one), or the end of the text.
fn tag_end(text: &str) -> usize {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// The character references of raw HTML text that matter for reading: `&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&apos;`, `&nbsp;` and numeric ones. Others stay as written (and are escaped).
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|i| i + 1);
        let decoded = end.filter(|&e| rest[e..].starts_with(';')).and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whitespace between words; no-break spaces (`12\u{a0}000`) are part of the word.
fn is_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// Code as words and the exact whitespace between them.
fn code_tokens(text: &str) -> Inline {
    let mut toks = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let space = rest.len() - rest.trim_start_matches(is_space).len();
        if space > 0 {
            toks.push(Tok::Space(rest[..space].to_string()));
            rest = &rest[space..];
            continue;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        toks.push(Tok::Word(rest[..end].to_string(), 0));
        rest = &rest[end..];
    }
    toks
}

// ---------------------------------------------------------------------------------------------
// Matching.

/// One step of two sequences matched: a part both have, a part changed (old, new), a part only
/// the old one has, a part only the new one has.
#[derive(Debug)]
enum Entry<'a, T> {
    Same(&'a T),
    Changed(&'a T, &'a T),
    Removed(&'a T),
    Added(&'a T),
}

/// `old` and `new` matched: equal parts by Myers' diff, then, in each run of differing parts,
/// the pairs `score` accepts (a higher score a better pair), in order, chosen to score most.
fn align<'a, T: Eq + Hash + Ord>(
    old: &'a [T],
    new: &'a [T],
    score: &dyn Fn(&T, &T) -> Option<f64>,
) -> Vec<Entry<'a, T>> {
    // Parts compared as numbers, equal parts the same number.
    let mut ids: HashMap<&T, usize> = HashMap::new();
    let mut id = |t: &'a T| {
        let next = ids.len();
        *ids.entry(t).or_insert(next)
    };
    let old_ids: Vec<usize> = old.iter().map(&mut id).collect();
    let new_ids: Vec<usize> = new.iter().map(&mut id).collect();
    let mut out = Vec::new();
    let (mut gap_old, mut gap_new) = (0..0, 0..0);
    for op in capture_diff_slices(Algorithm::Myers, &old_ids, &new_ids) {
        match op {
            DiffOp::Equal { new_index, len, .. } => {
                pair(
                    &old[gap_old.clone()],
                    &new[gap_new.clone()],
                    score,
                    &mut out,
                );
                out.extend(new[new_index..new_index + len].iter().map(Entry::Same));
                let (o, n) = (op.old_range().end, op.new_range().end);
                (gap_old, gap_new) = (o..o, n..n);
            }
            _ => {
                gap_old.end = op.old_range().end;
                gap_new.end = op.new_range().end;
            }
        }
    }
    pair(&old[gap_old], &new[gap_new], score, &mut out);
    out
}

/// A run of parts that differ: the best pairs in order, what lies between them removed (first)
/// and added.
fn pair<'a, T>(
    old: &'a [T],
    new: &'a [T],
    score: &dyn Fn(&T, &T) -> Option<f64>,
    out: &mut Vec<Entry<'a, T>>,
) {
    let (n, m) = (old.len(), new.len());
    let mut pairs = Vec::new();
    if n > 0 && m > 0 && n * m <= MAX_PAIRING {
        // best[i][j]: the best total of old[..i] against new[..j]; step: 0 skip old, 1 skip new,
        // 2 pair.
        let width = m + 1;
        let mut best = vec![0.0f64; (n + 1) * width];
        let mut step = vec![0u8; (n + 1) * width];
        for i in 0..=n {
            for j in 0..=m {
                if i == 0 && j == 0 {
                    continue;
                }
                let mut here = (f64::NEG_INFINITY, 0u8);
                if i > 0 {
                    here = (best[(i - 1) * width + j], 0);
                }
                if j > 0 && best[i * width + j - 1] > here.0 {
                    here = (best[i * width + j - 1], 1);
                }
                if i > 0
                    && j > 0
                    && let Some(s) = score(&old[i - 1], &new[j - 1])
                {
                    let total = best[(i - 1) * width + j - 1] + s;
                    if total > here.0 {
                        here = (total, 2);
                    }
                }
                best[i * width + j] = here.0;
                step[i * width + j] = here.1;
            }
        }
        let (mut i, mut j) = (n, m);
        while i > 0 || j > 0 {
            match step[i * width + j] {
                0 => i -= 1,
                1 => j -= 1,
                _ => {
                    pairs.push((i - 1, j - 1));
                    i -= 1;
                    j -= 1;
                }
            }
        }
        pairs.reverse();
    }
    let (mut i, mut j) = (0, 0);
    for (pi, pj) in pairs.into_iter().chain([(n, m)]) {
        out.extend(old[i..pi].iter().map(Entry::Removed));
        out.extend(new[j..pj].iter().map(Entry::Added));
        if pi < n && pj < m {
            out.push(Entry::Changed(&old[pi], &new[pj]));
        }
        (i, j) = (pi + 1, pj + 1);
    }
}

/// The words of running text, as they are compared for pairing: lower case, without the
/// punctuation around them.
fn words(text: &[Tok], out: &mut Vec<String>) {
    for t in text {
        if let Tok::Word(w, _) = t {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if !w.is_empty() {
                out.push(w.to_lowercase());
            }
        }
    }
}

fn block_words(block: &Block, out: &mut Vec<String>) {
    match block {
        Block::Heading(_, t) | Block::Para(t) | Block::Plain(t) | Block::Code(t) => words(t, out),
        Block::List { items, .. } => items.iter().flatten().for_each(|b| block_words(b, out)),
        Block::Table { head, rows, .. } => head
            .iter()
            .chain(rows.iter().flatten())
            .for_each(|c| words(c, out)),
        Block::Quote(blocks) | Block::Footnote(_, blocks) => {
            blocks.iter().for_each(|b| block_words(b, out));
        }
        Block::Rule => {}
    }
}

/// How much two lists of words share: twice the common words over all words (0 to 1).
fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for w in a {
        counts.entry(w).or_default().0 += 1;
    }
    for w in b {
        counts.entry(w).or_default().1 += 1;
    }
    let common: usize = counts.values().map(|(x, y)| x.min(y)).sum();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Parts that share less than this are shown removed and added, not as one changed part.
const PAIR_AT: f64 = 0.5;

fn scored(a: Vec<String>, b: Vec<String>) -> Option<f64> {
    let s = similarity(&a, &b);
    (s >= PAIR_AT).then_some(s)
}

/// Blocks pair when they are of one kind and share enough words; headings of one level when
/// they share a word (a renamed section, "6. Funksjonstid" to "6. Endringer av mandat", is
/// still that section), better the more they share.
fn block_score(a: &Block, b: &Block) -> Option<f64> {
    let (mut wa, mut wb) = (Vec::new(), Vec::new());
    block_words(a, &mut wa);
    block_words(b, &mut wb);
    match (a, b) {
        (Block::Heading(la, _), Block::Heading(lb, _)) if la == lb => {
            let s = similarity(&wa, &wb);
            (s > 0.0).then_some(0.2 + 0.8 * s)
        }
        (Block::Para(_) | Block::Plain(_), Block::Para(_) | Block::Plain(_))
        | (Block::List { .. }, Block::List { .. })
        | (Block::Table { .. }, Block::Table { .. })
        | (Block::Quote(_), Block::Quote(_))
        | (Block::Code(_), Block::Code(_))
        | (Block::Footnote(..), Block::Footnote(..)) => scored(wa, wb),
        _ => None,
    }
}

fn item_score(a: &[Block], b: &[Block]) -> Option<f64> {
    let (mut wa, mut wb) = (Vec::new(), Vec::new());
    a.iter().for_each(|x| block_words(x, &mut wa));
    b.iter().for_each(|x| block_words(x, &mut wb));
    scored(wa, wb)
}

fn row_score(a: &[Inline], b: &[Inline]) -> Option<f64> {
    let (mut wa, mut wb) = (Vec::new(), Vec::new());
    a.iter().for_each(|c| words(c, &mut wa));
    b.iter().for_each(|c| words(c, &mut wb));
    scored(wa, wb)
}

/// The sections of the top level (from one heading of the `top` level to the next) that
/// changed, were added (every part added) or removed (every part removed).
fn summary(entries: &[Entry<'_, Block>], top: u8) -> Summary {
    let mut s = Summary::default();
    let mut count = |section: &[&Entry<'_, Block>]| {
        if section.iter().all(|e| matches!(e, Entry::Same(_))) {
        } else if section.iter().all(|e| matches!(e, Entry::Added(_))) {
            s.added += 1;
        } else if section.iter().all(|e| matches!(e, Entry::Removed(_))) {
            s.removed += 1;
        } else {
            s.changed += 1;
        }
    };
    let mut section: Vec<&Entry<'_, Block>> = Vec::new();
    for e in entries {
        let block = match e {
            Entry::Same(b) | Entry::Changed(_, b) | Entry::Added(b) | Entry::Removed(b) => b,
        };
        if matches!(block, Block::Heading(level, _) if *level == top) && !section.is_empty() {
            count(&section);
            section.clear();
        }
        section.push(e);
    }
    if !section.is_empty() {
        count(&section);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// What a piece of text is in the diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Same,
    Removed,
    Added,
}

impl Mark {
    /// The class of an element whose text is all marked so.
    fn name(self) -> &'static str {
        match self {
            Mark::Same => "",
            Mark::Removed => "diff-removed",
            Mark::Added => "diff-added",
        }
    }

    /// The class as an attribute (or nothing).
    fn class(self) -> &'static str {
        match self {
            Mark::Same => "",
            Mark::Removed => " class=\"diff-removed\"",
            Mark::Added => " class=\"diff-added\"",
        }
    }
}

const CHANGED: &str = " class=\"diff-changed\"";

/// What writing needs: the labels, and the level of the top headings (written as `<h3>`).
struct Cx<'a> {
    labels: &'a Labels,
    top: u8,
}

impl Cx<'_> {
    fn heading(&self, level: u8) -> u8 {
        (3 + level.saturating_sub(self.top)).min(6)
    }

    fn label(&self, mark: Mark, out: &mut String) {
        let text = match mark {
            Mark::Same => return,
            Mark::Removed => &self.labels.removed,
            Mark::Added => &self.labels.added,
        };
        out.push_str("<span class=\"visually-hidden\"");
        if let Some((lang, dir)) = &self.labels.lang {
            out.push_str(&format!(" lang=\"{}\" dir=\"{dir}\"", escape(lang)));
        }
        out.push('>');
        out.push_str(&escape(text));
        out.push_str(" </span>");
    }
}

fn write_entries(entries: &[Entry<'_, Block>], cx: &Cx<'_>, out: &mut String, sep: &str) {
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match e {
            Entry::Same(b) => write_block(b, Mark::Same, cx, out),
            Entry::Removed(b) => write_block(b, Mark::Removed, cx, out),
            Entry::Added(b) => write_block(b, Mark::Added, cx, out),
            Entry::Changed(a, b) => write_changed(a, b, cx, out),
        }
    }
}

fn write_blocks(blocks: &[Block], mark: Mark, cx: &Cx<'_>, out: &mut String) {
    for b in blocks {
        write_block(b, mark, cx, out);
    }
}

/// A block as it reads, every text in it marked with `mark`, and its element classed so.
fn write_block(block: &Block, mark: Mark, cx: &Cx<'_>, out: &mut String) {
    let class = mark.class();
    let text = |t: &Inline, out: &mut String| {
        let pieces: Vec<(Mark, &Tok)> = t.iter().map(|tok| (mark, tok)).collect();
        write_inline(&pieces, cx, out);
    };
    match block {
        Block::Heading(level, t) => {
            let h = cx.heading(*level);
            out.push_str(&format!("<h{h}{class}>"));
            text(t, out);
            out.push_str(&format!("</h{h}>"));
        }
        Block::Para(t) => {
            out.push_str(&format!("<p{class}>"));
            text(t, out);
            out.push_str("</p>");
        }
        Block::Plain(t) => text(t, out),
        Block::List { start, items } => {
            list_open(*start, class, out);
            for item in items {
                out.push_str("<li>");
                write_blocks(item, mark, cx, out);
                out.push_str("</li>");
            }
            list_close(*start, out);
        }
        Block::Table { align, head, rows } => {
            let class = mark.name();
            let wrap = if class.is_empty() {
                String::new()
            } else {
                format!(" {class}")
            };
            out.push_str(&format!(
                "<div class=\"table-wrap{wrap}\"><table><thead><tr>"
            ));
            for (c, cell) in head.iter().enumerate() {
                cell_open("th", align, c, "", out);
                text(cell, out);
                out.push_str("</th>");
            }
            out.push_str("</tr></thead><tbody>");
            for row in rows {
                out.push_str("<tr>");
                for (c, cell) in row.iter().enumerate() {
                    cell_open("td", align, c, "", out);
                    text(cell, out);
                    out.push_str("</td>");
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table></div>");
        }
        Block::Quote(blocks) => {
            out.push_str(&format!("<blockquote{class}>"));
            write_blocks(blocks, mark, cx, out);
            out.push_str("</blockquote>");
        }
        Block::Code(t) => {
            out.push_str(&format!("<pre{class}><code>"));
            text(t, out);
            out.push_str("</code></pre>");
        }
        Block::Footnote(label, blocks) => {
            footnote_open(label, mark.name(), out);
            write_blocks(blocks, mark, cx, out);
            out.push_str("</div>");
        }
        Block::Rule => out.push_str(&format!("<hr{class}>")),
    }
}

fn list_open(start: Option<u64>, class: &str, out: &mut String) {
    match start {
        Some(1) => out.push_str(&format!("<ol{class}>")),
        Some(n) => out.push_str(&format!("<ol{class} start=\"{n}\">")),
        None => out.push_str(&format!("<ul{class}>")),
    }
}

fn list_close(start: Option<u64>, out: &mut String) {
    out.push_str(if start.is_some() { "</ol>" } else { "</ul>" });
}

/// A footnote's definition; `class` is a mark's class name (or empty).
fn footnote_open(label: &str, class: &str, out: &mut String) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" {class}")
    };
    out.push_str(&format!(
        "<div class=\"footnote{class}\"><span class=\"footnote-label\">{}</span>",
        escape(label)
    ));
}

fn cell_open(cell: &str, align: &[u8], column: usize, class: &str, out: &mut String) {
    let align = match align.get(column) {
        Some(1) => "align-start",
        Some(2) => "align-center",
        Some(3) => "align-end",
        _ => "",
    };
    let scope = if cell == "th" { " scope=\"col\"" } else { "" };
    let classes = [align, class.trim()]
        .iter()
        .filter(|c| !c.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if classes.is_empty() {
        out.push_str(&format!("<{cell}{scope}>"));
    } else {
        out.push_str(&format!("<{cell}{scope} class=\"{classes}\">"));
    }
}

/// Two blocks of one kind paired: the new one's structure, the changes marked inside it.
fn write_changed(old: &Block, new: &Block, cx: &Cx<'_>, out: &mut String) {
    match (old, new) {
        (Block::Heading(_, a), Block::Heading(level, b)) => {
            let h = cx.heading(*level);
            out.push_str(&format!("<h{h}{CHANGED}>"));
            write_inline(&inline_diff(a, b, true), cx, out);
            out.push_str(&format!("</h{h}>"));
        }
        (Block::Para(a) | Block::Plain(a), Block::Para(b)) => {
            out.push_str(&format!("<p{CHANGED}>"));
            write_inline(&inline_diff(a, b, true), cx, out);
            out.push_str("</p>");
        }
        (Block::Para(a) | Block::Plain(a), Block::Plain(b)) => {
            write_inline(&inline_diff(a, b, true), cx, out);
        }
        (Block::Code(a), Block::Code(b)) => {
            out.push_str(&format!("<pre{CHANGED}><code>"));
            write_inline(&inline_diff(a, b, false), cx, out);
            out.push_str("</code></pre>");
        }
        (Block::Quote(a), Block::Quote(b)) => {
            out.push_str(&format!("<blockquote{CHANGED}>"));
            write_entries(&align(a, b, &block_score), cx, out, "");
            out.push_str("</blockquote>");
        }
        (Block::Footnote(_, a), Block::Footnote(label, b)) => {
            footnote_open(label, "diff-changed", out);
            write_entries(&align(a, b, &block_score), cx, out, "");
            out.push_str("</div>");
        }
        (
            Block::List {
                start: old_start,
                items: a,
            },
            Block::List { start, items: b },
        ) => write_list(*old_start, a, *start, b, cx, out),
        (
            Block::Table {
                head: old_head,
                rows: old_rows,
                ..
            },
            Block::Table {
                align: columns,
                head,
                rows,
            },
        ) => {
            out.push_str("<div class=\"table-wrap diff-changed\"><table><thead><tr>");
            write_cells("th", columns, old_head, head, cx, out);
            out.push_str("</tr></thead><tbody>");
            for entry in align(old_rows, rows, &|a, b| row_score(a, b)) {
                let (mark, row) = match entry {
                    Entry::Same(r) => (Mark::Same, r),
                    Entry::Removed(r) => (Mark::Removed, r),
                    Entry::Added(r) => (Mark::Added, r),
                    Entry::Changed(a, b) => {
                        out.push_str(&format!("<tr{CHANGED}>"));
                        write_cells("td", columns, a, b, cx, out);
                        out.push_str("</tr>");
                        continue;
                    }
                };
                out.push_str(&format!("<tr{}>", mark.class()));
                for (c, cell) in row.iter().enumerate() {
                    cell_open("td", columns, c, "", out);
                    let pieces: Vec<(Mark, &Tok)> = cell.iter().map(|tok| (mark, tok)).collect();
                    write_inline(&pieces, cx, out);
                    out.push_str("</td>");
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table></div>");
        }
        // Blocks are paired only with their own kind (`block_score`).
        _ => {
            write_block(old, Mark::Removed, cx, out);
            write_block(new, Mark::Added, cx, out);
        }
    }
}

/// The cells of a changed row, column by column: a cell only one side has is removed or added.
fn write_cells(
    cell: &str,
    align: &[u8],
    old: &[Inline],
    new: &[Inline],
    cx: &Cx<'_>,
    out: &mut String,
) {
    for c in 0..old.len().max(new.len()) {
        let (pieces, class) = match (old.get(c), new.get(c)) {
            (Some(a), Some(b)) if a == b => (inline_diff(a, b, true), ""),
            (Some(a), Some(b)) => (inline_diff(a, b, true), "diff-changed"),
            (Some(a), None) => (
                a.iter().map(|t| (Mark::Removed, t)).collect(),
                "diff-removed",
            ),
            (None, Some(b)) => (b.iter().map(|t| (Mark::Added, t)).collect(), "diff-added"),
            (None, None) => (Vec::new(), ""),
        };
        cell_open(cell, align, c, class, out);
        write_inline(&pieces, cx, out);
        out.push_str(&format!("</{cell}>"));
    }
}

/// A changed list: its items matched, a changed item's blocks compared in turn. In an ordered
/// list every item shows its number (a removed item its old one).
fn write_list(
    old_start: Option<u64>,
    old: &[Vec<Block>],
    start: Option<u64>,
    new: &[Vec<Block>],
    cx: &Cx<'_>,
    out: &mut String,
) {
    list_open(start, CHANGED, out);
    let (mut i, mut j) = (0u64, 0u64);
    let number = |first: Option<u64>, k: u64| match first {
        Some(n) => format!(" value=\"{}\"", n.saturating_add(k)),
        None => String::new(),
    };
    for entry in align(old, new, &|a, b| item_score(a, b)) {
        match entry {
            Entry::Same(item) => {
                out.push_str(&format!("<li{}>", number(start, j)));
                write_blocks(item, Mark::Same, cx, out);
                (i, j) = (i + 1, j + 1);
            }
            Entry::Changed(a, b) => {
                out.push_str(&format!("<li{CHANGED}{}>", number(start, j)));
                write_entries(&align(a, b, &block_score), cx, out, "");
                (i, j) = (i + 1, j + 1);
            }
            Entry::Removed(item) => {
                // A removed item keeps its old number.
                let n = number(start.map(|s| old_start.unwrap_or(s)), i);
                out.push_str(&format!("<li{}{n}>", Mark::Removed.class()));
                write_blocks(item, Mark::Removed, cx, out);
                i += 1;
            }
            Entry::Added(item) => {
                out.push_str(&format!("<li{}{}>", Mark::Added.class(), number(start, j)));
                write_blocks(item, Mark::Added, cx, out);
                j += 1;
            }
        }
        out.push_str("</li>");
    }
    list_close(start, out);
}

/// The words of two texts compared: each run of changes as the old words (removed), then the
/// new ones (added). `prose` texts that share little are shown as a whole replacement (easier
/// to read than confetti), and a removal and the addition after it are set apart by a space.
fn inline_diff<'t>(old: &'t [Tok], new: &'t [Tok], prose: bool) -> Vec<(Mark, &'t Tok)> {
    enum Seg<'t> {
        Same(Vec<&'t Tok>),
        Change(Vec<&'t Tok>, Vec<&'t Tok>),
    }
    let whole = || vec![Seg::Change(old.iter().collect(), new.iter().collect())];
    let segs = if old.len() + new.len() > MAX_WORD_DIFF {
        whole()
    } else {
        let ops = capture_diff_slices(Algorithm::Myers, old, new);
        if prose && get_diff_ratio(&ops, old.len(), new.len()) < 0.5 {
            whole()
        } else {
            let mut segs: Vec<Seg> = Vec::new();
            for op in ops {
                let (o, n) = (&old[op.old_range()], &new[op.new_range()]);
                if let DiffOp::Equal { .. } = op {
                    segs.push(Seg::Same(n.iter().collect()));
                    continue;
                }
                // A lone space between two changes joins them into one run.
                if let [.., Seg::Change(..), Seg::Same(gap)] = segs.as_slice()
                    && let [space @ Tok::Space(_)] = gap.as_slice()
                {
                    let space = *space;
                    segs.pop();
                    if let Some(Seg::Change(d, i)) = segs.last_mut() {
                        d.push(space);
                        i.push(space);
                    }
                }
                match segs.last_mut() {
                    Some(Seg::Change(d, i)) => {
                        d.extend(o);
                        i.extend(n);
                    }
                    _ => segs.push(Seg::Change(o.iter().collect(), n.iter().collect())),
                }
            }
            segs
        }
    };
    // Spaces at the edges of a run are the text's, not the change's.
    let space_tok = |t: &&Tok| matches!(t, Tok::Space(_));
    let mut out: Vec<(Mark, &Tok)> = Vec::new();
    let count = segs.len();
    for (k, seg) in segs.into_iter().enumerate() {
        match seg {
            Seg::Same(toks) => out.extend(toks.into_iter().map(|t| (Mark::Same, t))),
            Seg::Change(mut d, mut i) => {
                let mut before = None;
                let mut after = None;
                for side in [&mut d, &mut i].into_iter().filter(|_| prose) {
                    while side.first().is_some_and(space_tok) {
                        before = Some(side.remove(0));
                    }
                    while side.last().is_some_and(space_tok) {
                        after = side.pop();
                    }
                }
                let last_space_tok = out.last().is_some_and(|(_, t)| space_tok(t));
                if let Some(space) = before.filter(|_| !out.is_empty() && !last_space_tok) {
                    out.push((Mark::Same, space));
                }
                out.extend(d.iter().map(|t| (Mark::Removed, *t)));
                if prose && !d.is_empty() && !i.is_empty() {
                    out.push((Mark::Same, &SPACE));
                }
                out.extend(i.iter().map(|t| (Mark::Added, *t)));
                if let Some(space) = after.filter(|_| k + 1 < count) {
                    out.push((Mark::Same, space));
                }
            }
        }
    }
    // Two spaces side by side (a run's edge against the text's own) read as one.
    if prose {
        out.dedup_by(|b, a| {
            a.0 == Mark::Same && b.0 == Mark::Same && space_tok(&a.1) && space_tok(&b.1)
        });
    }
    out
}

static SPACE: Tok = Tok::Space(String::new());

/// Running text with its marks: styles opened and closed as they change, each mark innermost
/// (so elements always nest), and a label where a run of one mark begins.
fn write_inline(pieces: &[(Mark, &Tok)], cx: &Cx<'_>, out: &mut String) {
    // A space or break is styled as the words on both sides are: the style of the nearest word
    // before each piece, and after it.
    let word_style = |t: &Tok| match t {
        Tok::Word(_, s) => Some(*s),
        _ => None,
    };
    let mut after = vec![0u8; pieces.len()];
    let mut next = 0u8;
    for (k, (_, t)) in pieces.iter().enumerate().rev() {
        next = word_style(t).unwrap_or(next);
        after[k] = next;
    }
    let mut before = 0u8;
    let mut styles = Styles::default();
    let mut open = Mark::Same;
    // The mark whose run is under way (its label given).
    let mut run = Mark::Same;
    for (k, (mark, tok)) in pieces.iter().enumerate() {
        let style = word_style(tok).unwrap_or(before & after[k]);
        before = word_style(tok).unwrap_or(before);
        if style != styles.bits() || *mark != open {
            close_mark(open, out);
            open = Mark::Same;
            styles.set(style, out);
        }
        if *mark != open {
            open_mark(*mark, out);
            if *mark != run {
                cx.label(*mark, out);
            }
            open = *mark;
        }
        run = *mark;
        match tok {
            Tok::Word(w, _) => out.push_str(&escape(w)),
            Tok::Space(s) if s.is_empty() => out.push(' '),
            Tok::Space(s) => out.push_str(&escape(s)),
            Tok::Break => out.push_str("<br>"),
        }
    }
    close_mark(open, out);
    styles.set(0, out);
}

fn open_mark(mark: Mark, out: &mut String) {
    match mark {
        Mark::Same => {}
        Mark::Removed => out.push_str("<del>"),
        Mark::Added => out.push_str("<ins>"),
    }
}

fn close_mark(mark: Mark, out: &mut String) {
    match mark {
        Mark::Same => {}
        Mark::Removed => out.push_str("</del>"),
        Mark::Added => out.push_str("</ins>"),
    }
}

/// Open styles, innermost last.
#[derive(Default)]
struct Styles(Vec<u8>);

impl Styles {
    fn bits(&self) -> u8 {
        self.0.iter().fold(0, |bits, b| bits | b)
    }

    /// Closes the open styles from the innermost down to the last that `to` keeps, and opens
    /// what `to` has besides (in the order of `STYLES`).
    fn set(&mut self, to: u8, out: &mut String) {
        let keep = self.0.iter().take_while(|b| to & **b != 0).count();
        for bit in self.0.drain(keep..).rev() {
            out.push_str(&format!("</{}>", tag_of(bit)));
        }
        let have = self.bits();
        for (bit, tag) in STYLES.iter().filter(|(b, _)| to & b != 0 && have & b == 0) {
            out.push_str(&format!("<{tag}>"));
            self.0.push(*bit);
        }
    }
}

fn tag_of(bit: u8) -> &'static str {
    STYLES
        .iter()
        .find(|(b, _)| *b == bit)
        .map_or("span", |(_, tag)| tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        Labels {
            removed: "removed:".into(),
            added: "added:".into(),
            lang: None,
        }
    }

    fn html(old: &str, new: &str) -> String {
        diff(old, new, &labels()).html
    }

    const DEL: &str = "<del><span class=\"visually-hidden\">removed: </span>";
    const INS: &str = "<ins><span class=\"visually-hidden\">added: </span>";

    #[test]
    fn words_are_marked_inside_their_paragraph() {
        let out = html(
            "Styret har to år funksjonstid.\n\nSekretariat: Direktoratet for e-helse.",
            "Styret har fast funksjonstid.\n\nSekretariat: Direktoratet for e-helse.",
        );
        assert_eq!(
            out,
            format!(
                "<p class=\"diff-changed\">Styret har {DEL}to år</del> {INS}fast</ins> funksjonstid.</p>\n\
                 <p>Sekretariat: Direktoratet for e-helse.</p>"
            )
        );
    }

    #[test]
    fn headings_lists_and_tables_keep_their_structure() {
        let old = "## 1. Formål\n\nTekst.\n\n- anbefale veikart for helsenorge.no\n- beslutte endringer\n\n\
                   | Nivå | Hvem |\n| --- | --- |\n| **Strategisk**<br>Styret | Sektor |\n";
        let new = "## 1. Formål\n\nTekst.\n\n- anbefale veikart for Helsenorge\n- beslutte endringer\n- nytt punkt\n\n\
                   | Nivå | Hvem |\n| --- | --- |\n| **Strategisk**<br>Styret | Sektoren |\n";
        let out = html(old, new);
        assert!(
            out.starts_with("<h3>1. Formål</h3>\n<p>Tekst.</p>\n<ul class=\"diff-changed\">"),
            "{out}"
        );
        assert!(out.contains(&format!(
            "<li class=\"diff-changed\">anbefale veikart for {DEL}helsenorge.no</del> {INS}Helsenorge</ins></li>"
        )), "{out}");
        assert!(out.contains("<li>beslutte endringer</li>"), "{out}");
        assert!(
            out.contains(&format!(
                "<li class=\"diff-added\">{INS}nytt punkt</ins></li>"
            )),
            "{out}"
        );
        assert!(
            out.contains(
                "<thead><tr><th scope=\"col\">Nivå</th><th scope=\"col\">Hvem</th></tr></thead>"
            ),
            "{out}"
        );
        assert!(out.contains(&format!(
            "<tr class=\"diff-changed\"><td><strong>Strategisk</strong><br>Styret</td><td class=\"diff-changed\">{DEL}Sektor</del> {INS}Sektoren</ins></td></tr>"
        )), "{out}");
        for syntax in ["##", "**", "|", "&lt;br", "---"] {
            assert!(!out.contains(syntax), "{syntax} in {out}");
        }
    }

    #[test]
    fn added_and_removed_blocks_are_marked_whole() {
        let out = html(
            "## A\n\nEn.\n\n## 2. B\n\nTo.\n",
            "## A\n\nEn.\n\n## 2. C\n\nHelt annen tekst her.\n\n---\n",
        );
        // Headings of one level that share a word pair: section 2 was renamed.
        assert!(
            out.contains(&format!(
                "<h3 class=\"diff-changed\">2. {DEL}B</del> {INS}C</ins></h3>"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!("<p class=\"diff-removed\">{DEL}To.</del></p>")),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "<p class=\"diff-added\">{INS}Helt annen tekst her.</ins></p>"
            )),
            "{out}"
        );
        assert!(out.ends_with("<hr class=\"diff-added\">"), "{out}");
    }

    #[test]
    fn a_run_split_by_styles_has_one_label() {
        let out = html("Ett to tre.", "Ett **fire fem** seks tre.");
        assert_eq!(
            out,
            format!(
                "<p class=\"diff-changed\">Ett {DEL}to</del> <strong>{INS}fire fem</ins></strong><ins> seks</ins> tre.</p>"
            )
        );
    }

    #[test]
    fn headings_start_at_h3_and_keep_their_rank() {
        let out = html(
            "# Tittel\n\n## Del\n\n#### Dypt\n",
            "# Tittel\n\n## Del\n\n#### Dypt\n",
        );
        assert_eq!(out, "<h3>Tittel</h3>\n<h4>Del</h4>\n<h6>Dypt</h6>");
        assert!(!out.contains(" id="));
    }

    #[test]
    fn ordered_lists_show_each_number() {
        let out = html("1. en\n2. to\n3. tre\n", "1. en\n2. tre\n");
        assert!(out.contains("<ol class=\"diff-changed\"><li value=\"1\">en</li><li class=\"diff-removed\" value=\"2\">"), "{out}");
        assert!(out.contains("<li value=\"2\">tre</li></ol>"), "{out}");
    }

    #[test]
    fn hostile_raw_html_and_text_are_escaped() {
        assert!(!html("<b>", "<i>").contains("<b>"));
        let old = "Tekst <script>alert(1)</script> og <img src=x onerror=alert(1)> her.\n\n\
                   <div onclick=\"x()\">\n<script>\nalert(2)\n</script>\n</div>\n\n\
                   | a <b>b</b> |\n| --- |\n| <iframe src=x></iframe> &lt;script&gt; |\n";
        let new = "Tekst <script>alert(3)</script> og <svg onload=alert(4)> der.\n\n\
                   <style>p{}</style>\n\n`<script>` og \\<script\\> &lt;i&gt; **<b>x</b>**\n\n\
                   </script><!--<script>alert(5)</script><img src=x onerror=alert(6)>\"' & ]]> {{ x }}\n";
        let out = html(old, new);
        for bad in [
            "<script", "<img", "<svg", "<iframe", "<div on", "<style", "<b>", "<i>", "onerror",
            "onclick", "alert(1)", "alert(2)", "alert(3)",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        // What was written as text stays text, escaped.
        assert!(out.contains("&lt;script&gt;</ins></code>"), "{out}");
        assert!(out.contains("&lt;script&gt; &lt;i&gt;"), "{out}");
        let out = html(new, old);
        assert!(!out.contains("<script") && !out.contains("<img"), "{out}");
        let labels = Labels {
            removed: "<b>x</b>".into(),
            added: "\"".into(),
            lang: Some(("\"en".into(), "ltr")),
        };
        let out = diff("a", "b", &labels).html;
        assert!(
            !out.contains("<b>") && out.contains("&lt;b&gt;") && out.contains("lang=\"&quot;en\""),
            "{out}"
        );
    }

    #[test]
    fn summary_counts_sections() {
        let old = "Innledning.\n\n## 1. A\n\nEn.\n\n## 2. B\n\nTo.\n\n## 3. C\n\nTre.\n\n### 3.1 D\n\nFire.\n";
        let new = "Innledning.\n\n## 1. A\n\nEn endret.\n\n## 3. C\n\nTre.\n\n### 3.1 D\n\nFem.\n\n## 4. Ny\n\nNy tekst.\n";
        let d = diff(old, new, &labels());
        assert_eq!(
            d.summary,
            Summary {
                changed: 2,
                added: 1,
                removed: 1
            },
            "{}",
            d.html
        );
        let same = diff(old, old, &labels());
        assert_eq!(same.summary, Summary::default());
        assert!(!same.html.contains("<del") && !same.html.contains("<ins"));
        assert_eq!(diff("", "Ny.", &labels()).summary.added, 1);
    }

    #[test]
    fn deep_nesting_is_read_flat() {
        let deep = format!("{}tekst\n", "> ".repeat(5000));
        let deeper = format!("{}tekst to\n", "- ".repeat(3000));
        let out = html(&deep, &deeper);
        assert!(
            out.matches("<blockquote").count() <= MAX_NESTING + 1,
            "{out}"
        );
        assert!(out.contains("tekst"));
    }

    #[test]
    fn output_is_deterministic() {
        let old = "## A\n\nen to tre fire\n\n- x\n- y\n\n## B\n\nfem seks";
        let new = "## A\n\nen tre fire fem\n\n- y\n- z\n\n## C\n\nseks sju";
        let first = html(old, new);
        for _ in 0..5 {
            assert_eq!(html(old, new), first);
        }
    }

    #[test]
    fn no_break_spaces_stay_in_their_word() {
        let out = html(
            "Budsjett 12\u{a0}000 kroner.",
            "Budsjett 14\u{a0}000 kroner.",
        );
        assert!(
            out.contains(&format!("{DEL}12\u{a0}000</del> {INS}14\u{a0}000</ins>")),
            "{out}"
        );
    }

    #[test]
    fn code_keeps_its_whitespace() {
        let out = html(
            "```\nfn a() {\n    1\n}\n```\n",
            "```\nfn a() {\n    2\n}\n```\n",
        );
        assert_eq!(
            out,
            format!(
                "<pre class=\"diff-changed\"><code>fn a() {{\n    {DEL}1</del>{INS}2</ins>\n}}</code></pre>"
            )
        );
    }
}
