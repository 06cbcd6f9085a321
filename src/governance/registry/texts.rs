//! The texts of governance records: translations that carry a record's table checked against
//! their original (and used in its place when they match), and the Markdown held in front
//! matter (backgrounds, proposals, decisions, item descriptions) rendered per language, with
//! its broken links and unknown case IDs reported at the field that holds them.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::{CaseId, CaseTexts, MeetingId, Registry};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::governance::model::Kind;
use crate::governance::translation::{FrontMatter, check};
use crate::markdown::{self, LinkResolver, Rendered};
use crate::resolve::content::{Page, PageId, Pages, SectionId, Sections};
use crate::site::ids::LangId;

/// Markdown rendered from front matter, per meeting (per case) and per roadmap (per item).
#[derive(Debug, Default)]
pub struct Texts {
    meetings: Vec<Vec<Vec<CaseTexts>>>,
    roadmaps: Vec<Vec<Vec<Option<Rendered>>>>,
    citations: Vec<(CaseId, CaseId)>,
}

/// How the Markdown of one language is rendered: the links of that language, the options.
struct Renderer<'a, 'r> {
    links: &'a dyn Fn(LangId) -> Box<dyn LinkResolver + 'r>,
    options: markdown::RenderOptions,
}

/// The front matter of a source, for [`check`].
fn front_matter<M>(source: &crate::load::Source<M>) -> FrontMatter<'_> {
    let region = &source.text[source.front_matter_offset..source.body_offset];
    let end = region.rfind("+++").unwrap_or(region.len());
    FrontMatter {
        file: &source.file,
        text: &region[..end],
        offset: source.front_matter_offset,
    }
}

impl Registry {
    /// The page whose governance table supplies the texts of the record on `page` in `lang`:
    /// a checked translation, or the original.
    pub fn text_page(&self, page: PageId, lang: LangId) -> PageId {
        self.text_pages.get(&(page, lang)).copied().unwrap_or(page)
    }

    /// The same for a body's section.
    pub fn text_section(&self, section: SectionId, lang: LangId) -> SectionId {
        self.text_sections
            .get(&(section, lang))
            .copied()
            .unwrap_or(section)
    }

    /// Checks every translation that carries a governance table against its original, and
    /// records those whose texts can stand in for the original's.
    pub(super) fn check_translations(
        &mut self,
        pages: &Pages,
        sections: &Sections,
        diags: &mut Diagnostics,
    ) {
        let originals: HashMap<&str, PageId> = pages
            .iter()
            .filter(|(_, p)| p.source.lang.is_default())
            .map(|(i, p)| (p.source.key.as_str(), i))
            .collect();
        for (i, page) in pages.iter() {
            let Some(kind) = &page.source.meta.kind else {
                continue;
            };
            if page.source.lang.is_default() || page.source.fallback {
                continue;
            }
            let Some(&o) = originals.get(page.source.key.as_str()) else {
                continue;
            };
            let name = kind.table_name();
            let original = &pages[o];
            let same_kind = original
                .source
                .meta
                .kind
                .as_ref()
                .is_some_and(|k| k.table_name() == name);
            if !same_kind {
                diags.push(
                    Diagnostic::at(
                        &page.source.file,
                        page.source.front_matter_offset..page.source.front_matter_offset,
                        format!("this translation has a [{name}] table and its original has none"),
                        "no such record in the original",
                    )
                    .hint(format!(
                        "add the [{name}] table to {} first, or remove it here",
                        original.source.file.display()
                    )),
                );
                continue;
            }
            if check(
                &front_matter(&original.source),
                &front_matter(&page.source),
                name,
                diags,
            ) {
                self.text_pages.insert((o, page.source.lang), i);
            }
        }
        for body in &self.bodies {
            let original = &sections[body.section];
            for (i, s) in sections.iter() {
                if s.source.key != original.source.key
                    || s.source.lang.is_default()
                    || s.source.fallback
                    || s.source.meta.body.is_none()
                {
                    continue;
                }
                if check(
                    &front_matter(&original.source),
                    &front_matter(&s.source),
                    "body",
                    diags,
                ) {
                    self.text_sections.insert((body.section, s.source.lang), i);
                }
            }
        }
    }

    /// Renders the Markdown held in front matter; [`Registry::set_texts`] stores the result and
    /// links each case to the cases its texts mention.
    pub fn render_texts<'r>(
        &self,
        pages: &Pages,
        links: &dyn Fn(LangId) -> Box<dyn LinkResolver + 'r>,
        options: markdown::RenderOptions,
        diags: &mut Diagnostics,
    ) -> Texts {
        let render = Renderer { links, options };
        let mut out = Texts::default();
        for m in self.meeting_ids() {
            let texts = self.meeting_texts(m, pages, &render, &mut out.citations, diags);
            out.meetings.push(texts);
        }
        for &original in &self.roadmaps {
            let texts = self.roadmap_texts(original, pages, &render, diags);
            out.roadmaps.push(texts);
        }
        out
    }

    /// The texts of meeting `m`'s cases in every language; the cases its texts cite are added
    /// to `citations`.
    fn meeting_texts(
        &self,
        m: MeetingId,
        pages: &Pages,
        render: &Renderer<'_, '_>,
        citations: &mut Vec<(CaseId, CaseId)>,
        diags: &mut Diagnostics,
    ) -> Vec<Vec<CaseTexts>> {
        let original = self.meeting(m).page;
        let mut per_lang = Vec::with_capacity(self.langs.ids().len());
        for lang in self.langs.ids() {
            let src = self.text_page(original, lang);
            // The original's texts are checked once, in the default language.
            let report = src != original || pages[original].source.lang == lang;
            let page = &pages[src];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                per_lang.push(Vec::new());
                continue;
            };
            let resolver = (render.links)(lang);
            let options = render.options;
            let to_html = |text: &Option<Spanned<String>>| {
                text.as_ref()
                    .map(|t| markdown::render(t.get_ref(), resolver.as_ref(), options))
            };
            let texts: Vec<CaseTexts> = meeting
                .cases
                .iter()
                .map(|c| CaseTexts {
                    background: to_html(&c.background),
                    proposal: to_html(&c.proposal),
                    decision: to_html(&c.decision),
                })
                .collect();
            if report {
                for (c, t) in texts.iter().enumerate() {
                    let case = &meeting.cases[c];
                    let fields = [
                        (&t.background, &case.background),
                        (&t.proposal, &case.proposal),
                        (&t.decision, &case.decision),
                    ];
                    for (rendered, source) in fields {
                        let (Some(r), Some(source)) = (rendered, source) else {
                            continue;
                        };
                        report_text_problems((self, lang), r, source.span(), page, diags);
                        if src != original {
                            continue;
                        }
                        if let Some(from) = self.meeting(m).cases.get(c).copied().flatten() {
                            for mention in &r.cases {
                                if let Some(to) = mention.case {
                                    citations.push((from, to));
                                }
                            }
                        }
                    }
                }
            }
            per_lang.push(texts);
        }
        per_lang
    }

    /// The item descriptions of the roadmap on page `original`, in every language.
    fn roadmap_texts(
        &self,
        original: PageId,
        pages: &Pages,
        render: &Renderer<'_, '_>,
        diags: &mut Diagnostics,
    ) -> Vec<Vec<Option<Rendered>>> {
        let mut per_lang = Vec::with_capacity(self.langs.ids().len());
        for lang in self.langs.ids() {
            let src = self.text_page(original, lang);
            let report = src != original || pages[original].source.lang == lang;
            let page = &pages[src];
            let Some(Kind::Roadmap(roadmap)) = &page.source.meta.kind else {
                per_lang.push(Vec::new());
                continue;
            };
            let resolver = (render.links)(lang);
            let texts: Vec<Option<Rendered>> = roadmap
                .items
                .iter()
                .map(|item| {
                    item.description.as_ref().map(|d| {
                        let r = markdown::render(d.get_ref(), resolver.as_ref(), render.options);
                        if report {
                            report_text_problems((self, lang), &r, d.span(), page, diags);
                        }
                        r
                    })
                })
                .collect();
            per_lang.push(texts);
        }
        per_lang
    }

    /// The item descriptions of the roadmap `r` (its place in `roadmaps`) in `lang`.
    pub fn roadmap_texts_in(&self, r: usize, lang: LangId) -> &[Option<Rendered>] {
        (self.roadmap_texts.get(r))
            .and_then(|t| t.get(lang.index()))
            .map_or(&[], Vec::as_slice)
    }

    pub fn set_texts(&mut self, texts: Texts) {
        for (m, t) in self.meeting_ids().zip(texts.meetings) {
            self.meeting_mut(m).texts = t;
        }
        self.roadmap_texts = texts.roadmaps;
        for (from, to) in texts.citations {
            self.link(from, to);
        }
        for case in &mut self.cases {
            case.cited_by.sort_unstable();
            case.cites.sort_unstable();
        }
    }
}

/// Broken `@/` links and unknown case IDs in Markdown held in front matter, reported at the
/// field that holds them.
fn report_text_problems(
    (reg, lang): (&Registry, LangId),
    r: &Rendered,
    span: Range<usize>,
    page: &Page,
    diags: &mut Diagnostics,
) {
    let at = page.source.fm_span(span);
    for link in r.links.iter().filter(|l| !l.resolved) {
        let d = match link.key.strip_prefix('@') {
            Some(name) => reg.unknown_generated((&page.source.file, at.clone()), name, lang),
            None => Diagnostic::at(
                &page.source.file,
                at.clone(),
                format!("broken link: no content `@/{}`", link.key),
                "in this text",
            )
            .hint("@/ paths are relative to content/, e.g. @/produktstyret/mandat.md"),
        };
        diags.push(d);
    }
    for mention in r.cases.iter().filter(|m| m.case.is_none() && m.reported) {
        diags.push(
            Diagnostic::at(
                &page.source.file,
                at.clone(),
                format!("unknown case `{}`", mention.id),
                "cited in this text",
            )
            .hint("check the ID; cases from meetings outside the archive can be declared in a follow-up item")
            .warning(),
        );
    }
    for (_, scheme) in &r.script_links {
        diags.push(crate::markdown::script_link(
            &page.source.file,
            at.clone(),
            scheme,
        ));
    }
    for (_, c) in &r.forbidden {
        diags.push(crate::input::forbidden_at(
            &page.source.file,
            at.clone(),
            *c,
            "written as a character reference in this text",
        ));
    }
    if r.too_deep.is_some() {
        diags.push(crate::markdown::too_deep(
            &page.source.file,
            at.clone(),
            "in this text".to_string(),
        ));
    }
}
