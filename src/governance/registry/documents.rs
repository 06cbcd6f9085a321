//! Governing documents: the versions of each document (a mandate and its earlier versions)
//! linked by `previous` into one line, with the mistakes that break the line reported.

use toml::Spanned;

use super::{DocumentEntry, Finder, Registry, spanned_str};
use crate::diagnostics::Diagnostic;
use crate::governance::model::Kind;
use crate::resolve::content::Pages;

impl Registry {
    /// Indexes every document version in the default language and links each to the version
    /// its `previous` names.
    pub(super) fn add_documents(&mut self, pages: &Pages, find: &mut Finder) {
        for (p, page) in pages.iter() {
            if page.source.lang.is_default()
                && matches!(page.source.meta.kind, Some(Kind::Document(_)))
            {
                self.documents.push(DocumentEntry {
                    page: p,
                    previous: None,
                    next: None,
                });
            }
        }
        for d in 0..self.documents.len() {
            let page = &pages[self.documents[d].page];
            let Some(Kind::Document(doc)) = &page.source.meta.kind else {
                continue;
            };
            if let Some(body) = &doc.body {
                self.lookup_body(body, page, find);
            }
            if let Some(previous) = &doc.previous {
                self.link_previous(d, previous, pages, find);
            }
        }
    }

    /// Links version `d` to the version its `previous` names, when that is an earlier version
    /// of the same document that no other version follows.
    fn link_previous(
        &mut self,
        d: usize,
        previous: &Spanned<String>,
        pages: &Pages,
        find: &mut Finder,
    ) {
        let page = &pages[self.documents[d].page];
        let Some(Kind::Document(doc)) = &page.source.meta.kind else {
            return;
        };
        let (target, span) = spanned_str(previous);
        let key = target.trim_start_matches("@/");
        let found = self
            .documents
            .iter()
            .position(|e| pages[e.page].source.key == key);
        let Some(prev) = found else {
            find.at(
                page,
                span,
                format!("`{target}` is not a document version"),
                "no page with a [document] table here",
            )
            .hints
            .push("point `previous` at the earlier version's file, e.g. \"@/produktstyret/mandat-2016.md\"".into());
            return;
        };
        let Some(Kind::Document(prev_doc)) = &pages[self.documents[prev].page].source.meta.kind
        else {
            return;
        };
        if prev_doc.id.get_ref() != doc.id.get_ref() {
            find.at(
                page,
                span,
                format!(
                    "`{target}` is a version of `{}`, not of `{}`",
                    prev_doc.id.get_ref(),
                    doc.id.get_ref()
                ),
                "another document",
            );
        } else if self.documents[prev].next.is_some() || prev == d {
            find.at(
                page,
                span,
                format!("`{target}` is already the previous version of another page"),
                "versions must form one line",
            );
        } else {
            self.documents[d].previous = Some(prev);
            self.documents[prev].next = Some(d);
        }
    }

    /// A cycle leaves every member with a previous version; it is reported once, at the
    /// `previous` of its member listed first, with the whole round in the hint.
    pub(super) fn check_version_cycles(&self, pages: &Pages, find: &mut Finder) {
        for d in 0..self.documents.len() {
            let mut seen = vec![d];
            let mut at = d;
            while let Some(p) = self.documents[at].previous {
                if seen.contains(&p) {
                    if p == d && seen.iter().all(|&m| m >= d) {
                        self.report_cycle(d, &seen, pages, find);
                    }
                    break;
                }
                seen.push(p);
                at = p;
            }
        }
    }

    /// Reports the round `seen` of versions that leads back to `d`.
    fn report_cycle(&self, d: usize, seen: &[usize], pages: &Pages, find: &mut Finder) {
        let page = &pages[self.documents[d].page];
        let round: Vec<String> = seen
            .iter()
            .chain([&d])
            .map(|&m| {
                pages[self.documents[m].page]
                    .source
                    .file
                    .display()
                    .to_string()
            })
            .collect();
        let span = match &page.source.meta.kind {
            Some(Kind::Document(doc)) => doc.previous.as_ref().map(Spanned::span),
            _ => None,
        };
        let message = "the `previous` links of this document's versions go round in a circle";
        let hint = format!(
            "{}; the earliest version has no `previous`",
            round.join(" → ")
        );
        match span {
            Some(span) => {
                find.at(page, span, message, "leads back to this page")
                    .hints
                    .push(hint);
            }
            None => find
                .diags
                .push(Diagnostic::error(&page.source.file, message).hint(hint)),
        }
    }
}
