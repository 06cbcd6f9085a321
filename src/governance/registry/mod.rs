//! The resolve step for governance content: every body, meeting, case, document version,
//! roadmap item and project indexed, given its URL, and cross-checked, with every finding
//! positioned in the file that holds the mistake.
//!
//! Built in two steps inside the resolve phase: [`Registry::build`] runs once pages have URLs
//! (so Markdown can link case IDs), and [`Registry::render_texts`] renders the Markdown held in
//! front matter (backgrounds, proposals, decisions, descriptions) and records which case cites
//! which.
//!
//! - this file: the index itself and the order of the build steps;
//! - [`bodies`]: bodies, their case-ID formats, and looking up a body or a case ID;
//! - [`meetings`]: meetings, their agenda cases, follow-up declarations and references;
//! - [`documents`]: the chains of document versions;
//! - [`plans`]: roadmaps, delivery plans, meeting plans and datasets;
//! - [`paths`]: the URL of every generated page, in every language, and their claims;
//! - [`texts`]: translations checked against their originals, Markdown held in front matter.

mod bodies;
mod documents;
mod meetings;
mod paths;
mod plans;
#[cfg(test)]
mod tests;
mod texts;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::case_id::{CaseNumbers, Format};
use super::model::Body;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown::Rendered;
use crate::resolve::content::{Page, PageId, Pages, SectionId, Sections};
use crate::site::ids::{LangId, Languages};

use paths::Segments;

/// A body of the registry: its place in the order bodies were added (the order of their
/// sections). Made only by the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BodyId(u32);

impl BodyId {
    /// The position in the registry's body list.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A body, with the section that presents it.
#[derive(Debug)]
pub struct BodyEntry {
    pub id: String,
    pub section: SectionId,
    pub body: Body,
    pub format: Option<Format>,
    pub follow_up_format: Option<Format>,
    /// Where the body's generated pages live (`/produktstyret/`).
    pub path: String,
}

impl BodyEntry {
    /// Every case-ID format the body writes: its own, then the one of its follow-ups.
    pub fn formats(&self) -> impl Iterator<Item = &Format> {
        [self.format.as_ref(), self.follow_up_format.as_ref()]
            .into_iter()
            .flatten()
    }
}

/// A case of the registry: its place in the order cases were added (agenda cases in meeting
/// order, then declared ones). Made only by the registry, so a case cannot be handed a page or
/// body index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId(u32);

impl CaseId {
    /// The position in the registry's case list.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A meeting of the registry: its place in the order meetings were added (date order, then
/// number). Made only by the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeetingId(u32);

impl MeetingId {
    /// The position in the registry's meeting list.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a case is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOrigin {
    /// Agenda case `case` of `meeting` (`meeting.cases[case]`).
    Agenda { meeting: MeetingId, case: usize },
    /// Declared by a follow-up item (`page`'s meeting, follow-up `item`): a case from a
    /// meeting outside the archive.
    Declared { page: PageId, item: usize },
}

#[derive(Debug)]
pub struct CaseEntry {
    pub body: BodyId,
    pub numbers: CaseNumbers,
    /// As the body writes it (`4-42/23`).
    pub id: String,
    /// URL-safe form (`4-42-23`).
    pub slug: String,
    pub title: String,
    pub origin: CaseOrigin,
    /// The case's page in every language (config order, the default first): computed once,
    /// read by everything that prints it.
    paths: Vec<String>,
    pub permalink: String,
    /// Cases that cite this one, in case order.
    pub cited_by: Vec<CaseId>,
    /// Cases this one cites.
    pub cites: Vec<CaseId>,
}

#[derive(Debug)]
pub struct MeetingEntry {
    pub page: PageId,
    pub body: BodyId,
    pub year: i32,
    /// Each agenda case (None when its ID was wrong).
    pub cases: Vec<Option<CaseId>>,
    /// Rendered Markdown of each case (background, proposal, decision), per language (by
    /// [`LangId`]): [`MeetingEntry::texts_in`].
    texts: Vec<Vec<CaseTexts>>,
}

impl MeetingEntry {
    /// The rendered texts of the meeting's cases in `lang`, from a checked translation where
    /// there is one.
    pub fn texts_in(&self, lang: LangId) -> &[CaseTexts] {
        self.texts.get(lang.index()).map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Default, Clone)]
pub struct CaseTexts {
    pub background: Option<Rendered>,
    pub proposal: Option<Rendered>,
    pub decision: Option<Rendered>,
}

#[derive(Debug)]
pub struct DocumentEntry {
    pub page: PageId,
    /// The version this one replaced (index into `documents`).
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Registry {
    /// Every body, in [`BodyId`] order: read with [`Registry::body`].
    bodies: Vec<BodyEntry>,
    /// Every case, in [`CaseId`] order: read with [`Registry::case`].
    cases: Vec<CaseEntry>,
    /// Every meeting, in [`MeetingId`] order: read with [`Registry::meeting`].
    meetings: Vec<MeetingEntry>,
    pub documents: Vec<DocumentEntry>,
    /// The page of each roadmap, delivery plan, meeting plan and dataset.
    pub roadmaps: Vec<PageId>,
    pub delivery_plans: Vec<PageId>,
    pub meeting_plans: Vec<PageId>,
    pub datasets: Vec<PageId>,
    /// Rendered item descriptions of each roadmap (same order as `roadmaps`), per language.
    roadmap_texts: Vec<Vec<Vec<Option<Rendered>>>>,
    body_index: HashMap<String, BodyId>,
    case_index: HashMap<(BodyId, CaseNumbers), CaseId>,
    /// Whether the site has a search page (`build_search_index`).
    search: bool,
    /// The URL segments of each language (by [`LangId`]).
    segments: Vec<Segments>,
    /// The site's languages with their URL prefixes (`/`, `/en/`), as the config computed them.
    langs: Languages,
    /// Where each body's pages live in each language: (body, language) → `/en/product-board/`.
    body_paths: HashMap<(BodyId, LangId), String>,
    /// Translations that carry the record's table, checked against the original: (record
    /// page, language) → the translation's page. Their texts replace the original's.
    text_pages: HashMap<(PageId, LangId), PageId>,
    /// The same for bodies: (body section, language) → the translation's section.
    text_sections: HashMap<(SectionId, LangId), SectionId>,
}

/// A problem found while building: pushed with the file it belongs to.
struct Finder<'a> {
    diags: &'a mut Diagnostics,
}

impl Finder<'_> {
    fn at(
        &mut self,
        page: &Page,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::at(&page.source.file, page.source.fm_span(span), message, label);
        self.diags.push_mut(d)
    }

    /// "no {what} has the id `{name}`", at `span` of `source`'s front matter, with the nearest
    /// of the `known` ids and the list of them.
    fn unknown_id<M>(
        &mut self,
        source: &crate::load::Source<M>,
        (name, span): (&str, Range<usize>),
        known: &[&str],
        what: &str,
    ) {
        let d = Diagnostic::at(
            &source.file,
            source.fm_span(span),
            format!("no {what} has the id `{name}`"),
            format!("unknown {what}"),
        );
        self.diags.push(hint_known(d, name, known, what));
    }
}

/// Reserves the URL of a generated page: the URL, what the page is (for messages), the file
/// that makes it exist.
pub type Claim<'a> = dyn FnMut(&str, &str, &Path, &mut Diagnostics) + 'a;

fn spanned_str(s: &Spanned<String>) -> (&str, Range<usize>) {
    (s.get_ref().as_str(), s.span())
}

/// The case every format is shown with in messages: case 4 of meeting 42 in 2023.
const SAMPLE: CaseNumbers = CaseNumbers {
    year: 2023,
    meeting: Some(42),
    case: 4,
};

/// Adds "did you mean" and the list of what is known to a message about an unknown `name`.
fn hint_known(d: Diagnostic, name: &str, known: &[&str], what: &str) -> Diagnostic {
    let d = match did_you_mean(name, known) {
        Some(best) => d.hint(format!("did you mean `{best}`?")),
        None => d,
    };
    if known.is_empty() {
        d.hint(format!("declare the {what} first (docs/content-model.md)"))
    } else {
        let mut known = known.to_vec();
        known.sort_unstable();
        d.hint(format!("known: {}", known.join(", ")))
    }
}

impl Registry {
    /// Indexes every governance record and checks what can be checked before Markdown is
    /// rendered. `claim` reserves the URL of each generated page (URL, what it is, the file
    /// that makes it exist).
    pub fn build(
        config: &Config,
        strings: &crate::load::strings::Strings,
        pages: &Pages,
        sections: &Sections,
        diags: &mut Diagnostics,
        claim: &mut Claim<'_>,
    ) -> Registry {
        let mut reg = Registry::new(config, strings);
        let mut find = Finder { diags };
        reg.add_bodies(config, sections, &mut find);
        reg.check_bodies(sections, &mut find);
        reg.add_meetings(config, pages, &mut find, claim);
        reg.add_declared_cases(config, pages, &mut find, claim);
        reg.link_references(pages, &mut find);
        reg.add_documents(pages, &mut find);
        reg.check_version_cycles(pages, &mut find);
        let roadmap_ids = reg.add_plans(pages, &mut find);
        reg.check_delivery_plans(pages, &roadmap_ids, &mut find);
        reg.check_translations(pages, sections, find.diags);
        reg.claim_generated(config, pages, find.diags, claim);
        reg
    }

    /// An empty index for the site's languages.
    fn new(config: &Config, strings: &crate::load::strings::Strings) -> Registry {
        Registry {
            search: config.build_search_index,
            langs: config.langs.clone(),
            segments: (config.langs.ids())
                .map(|l| Segments::of(&strings.of(l)))
                .collect(),
            ..Registry::default()
        }
    }

    /// Whether the site has any governance record (and needs the governance assets).
    pub fn has_content(&self) -> bool {
        !(self.bodies.is_empty()
            && self.meetings.is_empty()
            && self.documents.is_empty()
            && self.roadmaps.is_empty()
            && self.delivery_plans.is_empty()
            && self.meeting_plans.is_empty()
            && self.datasets.is_empty())
    }

    /// Every (body, year) that has meetings: the meeting archive pages.
    pub fn archive_years(&self) -> Vec<(BodyId, i32)> {
        let mut out: Vec<(BodyId, i32)> = self.meetings.iter().map(|m| (m.body, m.year)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn body(&self, id: BodyId) -> &BodyEntry {
        &self.bodies[id.index()]
    }

    /// Every body, in the order of their sections.
    pub fn body_ids(&self) -> impl ExactSizeIterator<Item = BodyId> + use<> {
        (0..u32::try_from(self.bodies.len()).unwrap_or(u32::MAX)).map(BodyId)
    }

    /// Every body with its id, in the order of their sections.
    pub fn bodies(&self) -> impl ExactSizeIterator<Item = (BodyId, &BodyEntry)> {
        self.body_ids().zip(&self.bodies)
    }

    /// The id the next body added gets.
    fn next_body_id(&self) -> BodyId {
        BodyId(u32::try_from(self.bodies.len()).expect("fewer than 2^32 bodies"))
    }

    pub fn case(&self, id: CaseId) -> &CaseEntry {
        &self.cases[id.index()]
    }

    fn case_mut(&mut self, id: CaseId) -> &mut CaseEntry {
        &mut self.cases[id.index()]
    }

    /// Every case, in the order they were added.
    pub fn case_ids(&self) -> impl ExactSizeIterator<Item = CaseId> + use<> {
        (0..u32::try_from(self.cases.len()).unwrap_or(u32::MAX)).map(CaseId)
    }

    /// The id the next case added gets.
    fn next_case_id(&self) -> CaseId {
        CaseId(u32::try_from(self.cases.len()).expect("fewer than 2^32 cases"))
    }

    pub fn meeting(&self, id: MeetingId) -> &MeetingEntry {
        &self.meetings[id.index()]
    }

    fn meeting_mut(&mut self, id: MeetingId) -> &mut MeetingEntry {
        &mut self.meetings[id.index()]
    }

    /// Every meeting, in date order.
    pub fn meeting_ids(
        &self,
    ) -> impl DoubleEndedIterator<Item = MeetingId> + ExactSizeIterator + use<> {
        (0..u32::try_from(self.meetings.len()).unwrap_or(u32::MAX)).map(MeetingId)
    }

    /// Every meeting with its id, in date order.
    pub fn meetings(
        &self,
    ) -> impl DoubleEndedIterator<Item = (MeetingId, &MeetingEntry)> + ExactSizeIterator {
        self.meeting_ids().zip(&self.meetings)
    }

    /// Whether the site has any meeting (and so the registers and the calendar).
    pub fn has_meetings(&self) -> bool {
        !self.meetings.is_empty()
    }

    /// The id the next meeting added gets.
    fn next_meeting_id(&self) -> MeetingId {
        MeetingId(u32::try_from(self.meetings.len()).expect("fewer than 2^32 meetings"))
    }
}
