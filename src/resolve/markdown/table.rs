//! Part of the Markdown renderer (resolve phase): tables written by hand, with alignment as
//! classes, not `style` attributes.

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};

/// Tables written by hand rather than by pulldown-cmark's HTML writer, which aligns columns with
/// `style` attributes: a strict Content-Security-Policy (no inline styles) would drop them. A
/// column's alignment becomes a class (`align-start`, `align-center`, `align-end`), and the table sits in a wrapper that
/// scrolls sideways on narrow screens.
#[derive(Default)]
pub(super) struct Table {
    alignments: Vec<Alignment>,
    in_head: bool,
    column: usize,
}

impl Table {
    pub(super) fn markup(&mut self, event: Event) -> String {
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
