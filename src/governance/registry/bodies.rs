//! Bodies and their case-ID formats: each body indexed with its URL in every language, bodies
//! whose IDs could be confused, and looking up a body or the case an ID stands for.

use std::ops::Range;

use toml::Spanned;

use super::{BodyEntry, BodyId, CaseId, Finder, Registry, SAMPLE, spanned_str};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::governance::case_id::{CaseNumbers, Format};
use crate::resolve::content::{Page, Section, Sections};

impl Registry {
    /// Indexes the body of every section in the default language that presents one.
    pub(super) fn add_bodies(&mut self, config: &Config, sections: &Sections, find: &mut Finder) {
        for (i, s) in sections.iter() {
            let Some(body) = &s.source.meta.body else {
                continue;
            };
            if !s.source.lang.is_default() {
                continue;
            }
            let id = body.id.get_ref().clone();
            if self.body_index.contains_key(&id) {
                find.diags.push(
                    Diagnostic::at(
                        &s.source.file,
                        s.source.fm_span(body.id.span()),
                        format!("two bodies have the id `{id}`"),
                        "this id is taken",
                    )
                    .hint("give each body its own id"),
                );
                continue;
            }
            let format = read_format(&body.case_id, s, find);
            let follow_up_format = body
                .follow_up_case_id
                .as_ref()
                .and_then(|f| read_format(f, s, find));
            let b = self.next_body_id();
            for l in config.langs.ids() {
                let path = sections
                    .values()
                    .find(|t| t.source.key == s.source.key && t.source.lang == l)
                    .map_or_else(
                        || {
                            let prefix = config.langs.prefix(l);
                            format!("{prefix}{}", s.path.trim_start_matches('/'))
                        },
                        |t| t.path.clone(),
                    );
                self.body_paths.insert((b, l), path);
            }
            self.body_index.insert(id.clone(), b);
            self.bodies.push(BodyEntry {
                id,
                section: i,
                body: body.clone(),
                format,
                follow_up_format,
                path: s.path.clone(),
            });
        }
    }

    /// Two bodies whose IDs could be confused, and related bodies that do not exist.
    pub(super) fn check_bodies(&self, sections: &Sections, find: &mut Finder) {
        for (a, ba) in self.bodies.iter().enumerate() {
            for bb in &self.bodies[a + 1..] {
                let written: Vec<String> = ba.formats().map(|f| f.write(SAMPLE)).collect();
                let clash = bb
                    .formats()
                    .any(|f| written.iter().any(|w| f.read(w).is_some()));
                if clash {
                    let s = &sections[bb.section];
                    find.diags.push(
                        Diagnostic::at(
                            &s.source.file,
                            s.source.fm_span(bb.body.case_id.span()),
                            format!(
                                "bodies `{}` and `{}` write case IDs the same way",
                                ba.id, bb.id
                            ),
                            "IDs in this format could belong to either body",
                        )
                        .hint(
                            "make the formats differ, e.g. by separator or by naming the meeting",
                        ),
                    );
                }
            }
        }
        for body in &self.bodies {
            for related in &body.body.related {
                if !self.body_index.contains_key(related.get_ref()) {
                    let s = &sections[body.section];
                    let known: Vec<&str> = self.body_index.keys().map(String::as_str).collect();
                    find.unknown_id(&s.source, spanned_str(related), &known, "body");
                }
            }
        }
    }

    /// The body with this id (`produktstyret`).
    pub fn find_body(&self, id: &str) -> Option<BodyId> {
        self.body_index.get(id).copied()
    }

    /// The body a record names, or a message at the name.
    pub(super) fn lookup_body(
        &self,
        id: &Spanned<String>,
        page: &Page,
        find: &mut Finder<'_>,
    ) -> Option<BodyId> {
        let (name, span) = spanned_str(id);
        if let Some(&b) = self.body_index.get(name) {
            return Some(b);
        }
        let known: Vec<&str> = self.body_index.keys().map(String::as_str).collect();
        find.unknown_id(&page.source, (name, span), &known, "body");
        None
    }

    /// Finds the case an ID written in any of the body formats stands for.
    pub fn find_case(&self, id: &str) -> Option<CaseId> {
        self.bodies().find_map(|(b, body)| {
            let numbers = body.formats().find_map(|f| f.read(id))?;
            self.case_index.get(&(b, numbers)).copied()
        })
    }

    /// Whether some body's format reads `id` (it looks like a real case ID).
    pub fn is_case_id(&self, id: &str) -> bool {
        self.bodies
            .iter()
            .any(|body| body.formats().any(|f| f.read(id).is_some()))
    }

    /// The numbers of a case ID written in one of `body`'s formats.
    pub(super) fn read_id(&self, body: BodyId, id: &str) -> Option<CaseNumbers> {
        self.body(body).formats().find_map(|f| f.read(id))
    }

    /// Reports an ID that none of `body`'s formats reads.
    pub(super) fn bad_id(
        &self,
        body: BodyId,
        id: &str,
        span: Range<usize>,
        page: &Page,
        find: &mut Finder,
    ) {
        let b = self.body(body);
        let example = b.format.as_ref().map(|f| f.write(SAMPLE));
        let d = find.at(
            page,
            span,
            format!("`{id}` is not a case ID of `{}`", b.id),
            format!("expected the format {}", b.body.case_id.get_ref()),
        );
        if let Some(example) = example {
            d.hints.push(format!("for example `{example}`"));
        }
    }
}

/// A body's case-ID format, or a message at it.
fn read_format(f: &Spanned<String>, s: &Section, find: &mut Finder) -> Option<Format> {
    match Format::parse(f.get_ref()) {
        Ok(f) => Some(f),
        Err(why) => {
            find.diags.push(
                Diagnostic::at(
                    &s.source.file,
                    s.source.fm_span(f.span()),
                    format!("`{}` is not a case-ID format", f.get_ref()),
                    why,
                )
                .hint("write it like \"{case}-{meeting}/{yy}\" or \"{case}/{yy}\""),
            );
            None
        }
    }
}
