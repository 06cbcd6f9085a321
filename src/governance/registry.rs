//! The resolve step for governance content: every body, meeting, case, document version,
//! roadmap item and project indexed, given its URL, and cross-checked, with every finding
//! positioned in the file that holds the mistake.
//!
//! Built in two steps inside the resolve phase: [`Registry::build`] runs once pages have URLs
//! (so Markdown can link case IDs), and [`Registry::render_texts`] renders the Markdown held in
//! front matter (backgrounds, proposals, decisions, descriptions) and records which case cites
//! which.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::case_id::{CaseNumbers, Format};
use super::model::*;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown::{self, LinkResolver, Rendered};
use crate::resolve::content::{Page, Section};

/// A body, with the section that presents it.
#[derive(Debug)]
pub struct BodyEntry {
    pub id: String,
    pub section: usize,
    pub body: Body,
    pub format: Option<Format>,
    pub follow_up_format: Option<Format>,
    /// Where the body's generated pages live (`/produktstyret/`).
    pub path: String,
}

/// Where a case is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOrigin {
    /// `meetings[m].cases[c]`.
    Agenda { meeting: usize, case: usize },
    /// Declared by a follow-up item (`page`'s meeting, follow-up `item`): a case from a
    /// meeting outside the archive.
    Declared { page: usize, item: usize },
}

#[derive(Debug)]
pub struct CaseEntry {
    pub body: usize,
    pub numbers: CaseNumbers,
    /// As the body writes it (`4-42/23`).
    pub id: String,
    /// URL-safe form (`4-42-23`).
    pub slug: String,
    pub title: String,
    pub origin: CaseOrigin,
    pub path: String,
    pub permalink: String,
    /// Cases that cite this one (indexes into `cases`), in case order.
    pub cited_by: Vec<usize>,
    /// Cases this one cites.
    pub cites: Vec<usize>,
}

#[derive(Debug)]
pub struct MeetingEntry {
    pub page: usize,
    pub body: usize,
    pub year: i32,
    /// Index into `cases` of each agenda case (None when its ID was wrong).
    pub cases: Vec<Option<usize>>,
    /// Rendered Markdown of each case (background, proposal, decision), per language.
    pub texts: HashMap<String, Vec<CaseTexts>>,
}

#[derive(Debug, Default, Clone)]
pub struct CaseTexts {
    pub background: Option<Rendered>,
    pub proposal: Option<Rendered>,
    pub decision: Option<Rendered>,
}

#[derive(Debug)]
pub struct DocumentEntry {
    pub page: usize,
    /// The version this one replaced (index into `documents`).
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Registry {
    pub bodies: Vec<BodyEntry>,
    pub cases: Vec<CaseEntry>,
    pub meetings: Vec<MeetingEntry>,
    pub documents: Vec<DocumentEntry>,
    /// Page index of each roadmap, delivery plan, meeting plan and dataset.
    pub roadmaps: Vec<usize>,
    pub delivery_plans: Vec<usize>,
    pub meeting_plans: Vec<usize>,
    pub datasets: Vec<usize>,
    /// Rendered item descriptions of each roadmap (same order as `roadmaps`), per language.
    pub roadmap_texts: Vec<HashMap<String, Vec<Option<Rendered>>>>,
    body_index: HashMap<String, usize>,
    case_index: HashMap<(usize, CaseNumbers), usize>,
    /// Whether the site has a search page (`build_search_index`).
    search: bool,
    /// The site's languages (codes, in config order) and the URL segments of each.
    pub languages: Vec<String>,
    segments: HashMap<String, Segments>,
    /// The URL prefix of each language (`/`, `/en/`).
    prefixes: HashMap<String, String>,
    /// Where each body's pages live in each language: (body, language) → `/en/product-board/`.
    body_paths: HashMap<(usize, String), String>,
    /// Translations that carry the record's table, checked against the original: (record
    /// page, language) → the translation's page. Their texts replace the original's.
    text_pages: HashMap<(usize, String), usize>,
    /// The same for bodies: (body section, language) → the translation's section.
    text_sections: HashMap<(usize, String), usize>,
}

/// The URL segments of the generated pages in one language (the `[url]` interface strings).
#[derive(Debug, Clone)]
struct Segments {
    cases: String,
    decisions: String,
    follow_ups: String,
    archive: String,
    data: String,
    search: String,
}

impl Segments {
    fn of(strings: &serde_json::Value) -> Segments {
        let get = |key: &str, default: &str| {
            let raw = strings
                .get("url")
                .and_then(|u| u.get(key))
                .and_then(serde_json::Value::as_str)
                .unwrap_or(default);
            let slug = crate::slug::slugify(raw);
            if slug.is_empty() {
                default.to_string()
            } else {
                slug
            }
        };
        Segments {
            cases: get("cases", "saker"),
            decisions: get("decisions", "vedtak"),
            follow_ups: get("follow_ups", "oppfolging"),
            archive: get("archive", "arkiv"),
            data: get("data", "data"),
            search: get("search", "search"),
        }
    }
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
}

/// The front matter of a source, for [`super::translation::check`].
fn front_matter<M>(source: &crate::load::Source<M>) -> super::translation::FrontMatter<'_> {
    let region = &source.text[source.front_matter_offset..source.body_offset];
    let end = region.rfind("+++").unwrap_or(region.len());
    super::translation::FrontMatter {
        file: &source.file,
        text: &region[..end],
        offset: source.front_matter_offset,
    }
}

/// Reserves the URL of a generated page: the URL, what the page is (for messages), the file
/// that makes it exist.
pub type Claim<'a> = dyn FnMut(&str, &str, &Path, &mut Diagnostics) + 'a;

fn spanned_str(s: &Spanned<String>) -> (&str, Range<usize>) {
    (s.get_ref().as_str(), s.span())
}

impl Registry {
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
    pub fn archive_years(&self) -> Vec<(usize, i32)> {
        let mut out: Vec<(usize, i32)> = self.meetings.iter().map(|m| (m.body, m.year)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn segments(&self, lang: &str) -> &Segments {
        self.segments
            .get(lang)
            .or_else(|| self.segments.values().next())
            .expect("segments exist for every language")
    }

    /// Where a body's pages live in `lang`: its section's path there.
    pub fn body_path(&self, body: usize, lang: &str) -> &str {
        self.body_paths
            .get(&(body, lang.to_string()))
            .map_or(self.bodies[body].path.as_str(), String::as_str)
    }

    /// Where the meeting archive of a body for a year lives: `/produktstyret/arkiv/2023/`.
    pub fn archive_path(&self, body: usize, year: i32, lang: &str) -> String {
        format!(
            "{}{}/{year}/",
            self.body_path(body, lang),
            self.segments(lang).archive
        )
    }

    /// The permalink page of a case in `lang`: `/en/product-board/cases/4-42-23/`.
    pub fn case_path(&self, case: usize, lang: &str) -> String {
        let c = &self.cases[case];
        format!(
            "{}{}/{}/",
            self.body_path(c.body, lang),
            self.segments(lang).cases,
            c.slug
        )
    }

    /// A generated page at the top of `lang`'s tree: `/en/decisions/`.
    fn top_path(&self, lang: &str, segment: &str) -> String {
        let prefix = self.prefixes.get(lang).map_or("/", String::as_str);
        format!("{prefix}{segment}/")
    }

    /// The decision register in `lang`.
    pub fn decisions_path(&self, lang: &str) -> String {
        self.top_path(lang, &self.segments(lang).decisions)
    }

    /// The follow-up tracker in `lang`.
    pub fn follow_ups_path(&self, lang: &str) -> String {
        self.top_path(lang, &self.segments(lang).follow_ups)
    }

    /// The search page in `lang` (the index files are always under `/search/`).
    pub fn search_path(&self, lang: &str) -> String {
        self.top_path(lang, &self.segments(lang).search)
    }

    /// The open-data page in `lang` (the data files are always under `/data/`).
    pub fn data_page_path(&self, lang: &str) -> String {
        self.top_path(lang, &self.segments(lang).data)
    }

    /// The generated pages that links and menus can name (`@decisions`), in `lang`.
    pub const GENERATED: &'static [&'static str] = &[
        "decisions",
        "decision-feed",
        "follow-ups",
        "open-data",
        "calendar",
        "search",
    ];

    /// The path of the generated page `name` (one of [`Registry::GENERATED`]) in `lang`, when
    /// the site has it.
    pub fn generated_path(&self, name: &str, lang: &str) -> Option<String> {
        let meetings = !self.meetings.is_empty();
        match name {
            "decisions" if meetings => Some(self.decisions_path(lang)),
            "decision-feed" if meetings => Some(format!("{}atom.xml", self.decisions_path(lang))),
            "follow-ups" if meetings => Some(self.follow_ups_path(lang)),
            "open-data" if self.has_content() => Some(self.data_page_path(lang)),
            "calendar" if meetings => Some("/data/moter.ics".into()),
            "search" if self.search => Some(self.search_path(lang)),
            _ => None,
        }
    }

    /// The page whose governance table supplies the texts of the record on `page` in `lang`:
    /// a checked translation, or the original.
    pub fn text_page(&self, page: usize, lang: &str) -> usize {
        self.text_pages
            .get(&(page, lang.to_string()))
            .copied()
            .unwrap_or(page)
    }

    /// The same for a body's section.
    pub fn text_section(&self, section: usize, lang: &str) -> usize {
        self.text_sections
            .get(&(section, lang.to_string()))
            .copied()
            .unwrap_or(section)
    }

    pub fn body(&self, id: &str) -> Option<usize> {
        self.body_index.get(id).copied()
    }

    /// Finds the case an ID written in any of the body formats stands for.
    pub fn find_case(&self, id: &str) -> Option<usize> {
        self.bodies.iter().enumerate().find_map(|(b, body)| {
            let numbers = [body.format.as_ref(), body.follow_up_format.as_ref()]
                .into_iter()
                .flatten()
                .find_map(|f| f.read(id))?;
            self.case_index.get(&(b, numbers)).copied()
        })
    }

    /// Whether some body's format reads `id` (it looks like a real case ID).
    pub fn is_case_id(&self, id: &str) -> bool {
        self.bodies.iter().any(|body| {
            [body.format.as_ref(), body.follow_up_format.as_ref()]
                .into_iter()
                .flatten()
                .any(|f| f.read(id).is_some())
        })
    }

    pub fn meeting_of_page(&self, page: usize) -> Option<&MeetingEntry> {
        self.meetings.iter().find(|m| m.page == page)
    }

    /// Indexes every governance record and checks what can be checked before Markdown is
    /// rendered. `claim` reserves the URL of each generated page (URL, what it is, the file
    /// that makes it exist).
    pub fn build(
        config: &Config,
        strings: &crate::load::strings::Strings,
        pages: &[Page],
        sections: &[Section],
        diags: &mut Diagnostics,
        claim: &mut Claim<'_>,
    ) -> Registry {
        let mut reg = Registry {
            search: config.build_search_index,
            prefixes: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), config.language_prefix(&l.code)))
                .collect(),
            languages: config.languages.iter().map(|l| l.code.clone()).collect(),
            segments: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), Segments::of(&strings.of(&l.code))))
                .collect(),
            ..Registry::default()
        };
        let default = &config.default_language;
        let mut find = Finder { diags };

        // Bodies.
        for (i, s) in sections.iter().enumerate() {
            let Some(body) = &s.source.meta.body else {
                continue;
            };
            if s.source.lang != *default {
                continue;
            }
            let id = body.id.get_ref().clone();
            let span = |sp: Range<usize>| s.source.fm_span(sp);
            if reg.body_index.contains_key(&id) {
                find.diags.push(
                    Diagnostic::at(
                        &s.source.file,
                        span(body.id.span()),
                        format!("two bodies have the id `{id}`"),
                        "this id is taken",
                    )
                    .hint("give each body its own id"),
                );
                continue;
            }
            let mut read_format = |f: &Spanned<String>| match Format::parse(f.get_ref()) {
                Ok(f) => Some(f),
                Err(why) => {
                    find.diags.push(
                        Diagnostic::at(
                            &s.source.file,
                            span(f.span()),
                            format!("`{}` is not a case-ID format", f.get_ref()),
                            why,
                        )
                        .hint("write it like \"{case}-{meeting}/{yy}\" or \"{case}/{yy}\""),
                    );
                    None
                }
            };
            let format = read_format(&body.case_id);
            let follow_up_format = body.follow_up_case_id.as_ref().and_then(read_format);
            for l in &config.languages {
                let path = sections
                    .iter()
                    .find(|t| t.source.key == s.source.key && t.source.lang == l.code)
                    .map_or_else(
                        || {
                            format!(
                                "{}{}",
                                config.language_prefix(&l.code),
                                s.path.trim_start_matches('/')
                            )
                        },
                        |t| t.path.clone(),
                    );
                reg.body_paths
                    .insert((reg.bodies.len(), l.code.clone()), path);
            }
            reg.body_index.insert(id.clone(), reg.bodies.len());
            reg.bodies.push(BodyEntry {
                id,
                section: i,
                body: body.clone(),
                format,
                follow_up_format,
                path: s.path.clone(),
            });
        }
        // Two bodies whose IDs could be confused.
        let sample = CaseNumbers {
            year: 2023,
            meeting: Some(42),
            case: 4,
        };
        for a in 0..reg.bodies.len() {
            for b in 0..reg.bodies.len() {
                if a >= b {
                    continue;
                }
                let (ba, bb) = (&reg.bodies[a], &reg.bodies[b]);
                let written: Vec<String> = [ba.format.as_ref(), ba.follow_up_format.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|f| f.write(sample))
                    .collect();
                let clash = [bb.format.as_ref(), bb.follow_up_format.as_ref()]
                    .into_iter()
                    .flatten()
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
        for body in &reg.bodies {
            for related in &body.body.related {
                if !reg.body_index.contains_key(related.get_ref()) {
                    let s = &sections[body.section];
                    let known: Vec<&str> = reg.body_index.keys().map(String::as_str).collect();
                    let d = Diagnostic::at(
                        &s.source.file,
                        s.source.fm_span(related.span()),
                        format!("no body has the id `{}`", related.get_ref()),
                        "unknown body",
                    );
                    find.diags
                        .push(hint_known(d, related.get_ref(), &known, "body"));
                }
            }
        }

        // Meetings and their cases.
        let mut meeting_numbers: HashMap<(usize, Option<i32>, u32), usize> = HashMap::new();
        let mut order: Vec<usize> = (0..pages.len())
            .filter(|&i| {
                pages[i].source.lang == *default
                    && matches!(pages[i].source.meta.kind, Some(Kind::Meeting(_)))
            })
            .collect();
        order.sort_by_key(|&i| match &pages[i].source.meta.kind {
            Some(Kind::Meeting(m)) => (Some(*m.date.get_ref()), *m.number.get_ref()),
            _ => unreachable_key(),
        });
        for page_index in order {
            let page = &pages[page_index];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                continue;
            };
            let Some(b) = reg.lookup_body(&meeting.body, page, &mut find) else {
                continue;
            };
            let year = meeting.date.get_ref().year();
            let per_year = !reg.bodies[b]
                .format
                .as_ref()
                .is_some_and(Format::has_meeting);
            let number_key = (b, per_year.then_some(year), *meeting.number.get_ref());
            if let Some(&other) = meeting_numbers.get(&number_key) {
                find.at(
                    page,
                    meeting.number.span(),
                    format!(
                        "two meetings of `{}` have number {}",
                        reg.bodies[b].id,
                        meeting.number.get_ref()
                    ),
                    "this number is taken",
                )
                .hints
                .push(format!("{} has it too", pages[other].source.file.display()));
            } else {
                meeting_numbers.insert(number_key, page_index);
            }
            let m_index = reg.meetings.len();
            let mut case_slots = Vec::new();
            for (c, case) in meeting.cases.iter().enumerate() {
                let slot = reg
                    .add_agenda_case(b, meeting, m_index, c, case, page, &mut find, claim, config);
                case_slots.push(slot);
            }
            check_time_slots(meeting, page, &mut find);
            check_attachments(meeting, page, &mut find);
            if meeting.status == MeetingStatus::Planned {
                for case in &meeting.cases {
                    if let Some(d) = &case.decision {
                        find.at(
                            page,
                            d.span(),
                            format!(
                                "case {} has a decision, but the meeting is still planned",
                                case.id.get_ref()
                            ),
                            "a decision before the meeting was held",
                        )
                        .hints
                        .push(
                            "set status = \"held\" on the meeting, or remove the decision".into(),
                        );
                    }
                }
            }
            reg.meetings.push(MeetingEntry {
                page: page_index,
                body: b,
                year,
                cases: case_slots,
                texts: HashMap::new(),
            });
        }
        // Cases declared by follow-up items, then every reference between cases.
        for m in 0..reg.meetings.len() {
            let page = &pages[reg.meetings[m].page];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                continue;
            };
            let b = reg.meetings[m].body;
            for (item, f) in meeting.follow_ups.iter().enumerate() {
                let (id, span) = spanned_str(&f.case);
                let numbers = reg.read_id(b, id);
                let Some(numbers) = numbers else {
                    reg.bad_id(b, id, span, page, &mut find);
                    continue;
                };
                if reg.case_index.contains_key(&(b, numbers)) {
                    continue;
                }
                let Some(title) = &f.case_title else {
                    find.at(
                        page,
                        span,
                        format!("no case {id} in the archive"),
                        "unknown case",
                    )
                    .hints
                    .push("add case_title = \"…\" to declare a case from a meeting that is not published here".into());
                    continue;
                };
                reg.add_case(
                    b,
                    numbers,
                    title.clone(),
                    CaseOrigin::Declared {
                        page: reg.meetings[m].page,
                        item,
                    },
                    &page.source.file,
                    claim,
                    find.diags,
                    config,
                );
            }
        }
        for m in 0..reg.meetings.len() {
            let page = &pages[reg.meetings[m].page];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                continue;
            };
            for (c, case) in meeting.cases.iter().enumerate() {
                let from = reg.meetings[m].cases[c];
                for r in &case.references {
                    if let Some(to) = reg.case_ref(r, page, &mut find)
                        && let Some(from) = from
                    {
                        reg.link(from, to);
                    }
                }
            }
            for f in &meeting.follow_ups {
                if let Some(r) = &f.resolved_by {
                    reg.case_ref(r, page, &mut find);
                }
            }
        }

        // Documents: chains of versions.
        let doc_pages: Vec<usize> = (0..pages.len())
            .filter(|&i| {
                pages[i].source.lang == *default
                    && matches!(pages[i].source.meta.kind, Some(Kind::Document(_)))
            })
            .collect();
        for &p in &doc_pages {
            reg.documents.push(DocumentEntry {
                page: p,
                previous: None,
                next: None,
            });
        }
        for d in 0..reg.documents.len() {
            let page = &pages[reg.documents[d].page];
            let Some(Kind::Document(doc)) = &page.source.meta.kind else {
                continue;
            };
            if let Some(body) = &doc.body {
                reg.lookup_body(body, page, &mut find);
            }
            let Some(previous) = &doc.previous else {
                continue;
            };
            let (target, span) = spanned_str(previous);
            let key = target.trim_start_matches("@/");
            let found = reg
                .documents
                .iter()
                .position(|e| pages[e.page].source.key == key);
            match found {
                None => {
                    find.at(
                        page,
                        span,
                        format!("`{target}` is not a document version"),
                        "no page with a [document] table here",
                    )
                    .hints
                    .push("point `previous` at the earlier version's file, e.g. \"@/produktstyret/mandat-2016.md\"".into());
                }
                Some(prev) => {
                    let prev_doc = match &pages[reg.documents[prev].page].source.meta.kind {
                        Some(Kind::Document(p)) => p,
                        _ => continue,
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
                    } else if reg.documents[prev].next.is_some() || prev == d {
                        find.at(
                            page,
                            span,
                            format!("`{target}` is already the previous version of another page"),
                            "versions must form one line",
                        );
                    } else {
                        reg.documents[d].previous = Some(prev);
                        reg.documents[prev].next = Some(d);
                    }
                }
            }
        }
        for d in 0..reg.documents.len() {
            // A cycle leaves every member with a previous version; it is reported once, at the
            // `previous` of its member listed first, with the whole round in the hint.
            let mut seen = vec![d];
            let mut at = d;
            while let Some(p) = reg.documents[at].previous {
                if seen.contains(&p) {
                    if p == d && seen.iter().all(|&m| m >= d) {
                        let page = &pages[reg.documents[d].page];
                        let round: Vec<String> = seen
                            .iter()
                            .chain([&d])
                            .map(|&m| {
                                pages[reg.documents[m].page]
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
                        let message =
                            "the `previous` links of this document's versions go round in a circle";
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
                    break;
                }
                seen.push(p);
                at = p;
            }
        }

        // Roadmaps, delivery plans, meeting plans, datasets.
        let mut roadmap_ids: HashMap<String, usize> = HashMap::new();
        for (i, page) in pages.iter().enumerate() {
            if page.source.lang != *default {
                continue;
            }
            match &page.source.meta.kind {
                Some(Kind::Roadmap(r)) => {
                    check_roadmap(r, page, &mut find);
                    if let Some(decided) = &r.decided_in {
                        reg.case_ref(decided, page, &mut find);
                    }
                    roadmap_ids.entry(r.id.get_ref().clone()).or_insert(i);
                    reg.roadmaps.push(i);
                }
                Some(Kind::DeliveryPlan(_)) => reg.delivery_plans.push(i),
                Some(Kind::MeetingPlan(plan)) => {
                    reg.lookup_body(&plan.body, page, &mut find);
                    for d in &plan.dates {
                        if d.date.year() != plan.year {
                            find.at(
                                page,
                                0..0,
                                format!(
                                    "the meeting plan for {} has a date in {}",
                                    plan.year,
                                    d.date.year()
                                ),
                                "date outside the plan's year",
                            );
                        }
                    }
                    reg.meeting_plans.push(i);
                }
                Some(Kind::Dataset(set)) => {
                    check_dataset(set, page, &mut find);
                    if let Some(source) = &set.source {
                        reg.case_ref(source, page, &mut find);
                    }
                    reg.datasets.push(i);
                }
                _ => {}
            }
        }
        for &i in &reg.delivery_plans.clone() {
            let page = &pages[i];
            let Some(Kind::DeliveryPlan(plan)) = &page.source.meta.kind else {
                continue;
            };
            if let Some(decided) = &plan.decided_in {
                reg.case_ref(decided, page, &mut find);
            }
            let (rid, span) = spanned_str(&plan.roadmap);
            let roadmap = roadmap_ids
                .get(rid)
                .and_then(|&p| match &pages[p].source.meta.kind {
                    Some(Kind::Roadmap(r)) => Some(r),
                    _ => None,
                });
            let Some(roadmap) = roadmap else {
                let known: Vec<&str> = roadmap_ids.keys().map(String::as_str).collect();
                let d = Diagnostic::at(
                    &page.source.file,
                    page.source.fm_span(span),
                    format!("no roadmap has the id `{rid}`"),
                    "unknown roadmap",
                );
                find.diags.push(hint_known(d, rid, &known, "roadmap"));
                continue;
            };
            check_projects(plan, roadmap, page, &mut find);
        }
        reg.check_translations(config, pages, sections, find.diags);
        // The generated pages, in every language.
        for lang in reg.languages.clone() {
            // The registers exist once there is a meeting to list.
            if let Some(first) = reg.meetings.first() {
                let file = &pages[first.page].source.file;
                claim(
                    &reg.decisions_path(&lang),
                    "the decision register",
                    file,
                    find.diags,
                );
                claim(
                    &reg.follow_ups_path(&lang),
                    "the follow-up tracker",
                    file,
                    find.diags,
                );
            }
            for (b, year) in reg.archive_years() {
                let first = reg
                    .meetings
                    .iter()
                    .find(|m| m.body == b && m.year == year)
                    .map(|m| pages[m.page].source.file.clone())
                    .unwrap_or_default();
                claim(
                    &reg.archive_path(b, year, &lang),
                    &format!("the meeting archive of {year}"),
                    &first,
                    find.diags,
                );
            }
            if reg.has_content() {
                claim(
                    &reg.data_page_path(&lang),
                    "the open-data page",
                    Path::new("config.toml"),
                    find.diags,
                );
            }
            if config.build_search_index {
                claim(
                    &reg.search_path(&lang),
                    "the search page",
                    Path::new("config.toml"),
                    find.diags,
                );
            }
            if lang != *default {
                for i in 0..reg.cases.len() {
                    let file = reg.case_file(i, pages);
                    let what = format!("the page of case {}", reg.cases[i].id);
                    claim(&reg.case_path(i, &lang), &what, &file, find.diags);
                }
            }
        }
        reg
    }

    /// The file that records a case (for URL clashes).
    fn case_file(&self, case: usize, pages: &[Page]) -> std::path::PathBuf {
        let page = match self.cases[case].origin {
            CaseOrigin::Agenda { meeting, .. } => self.meetings[meeting].page,
            CaseOrigin::Declared { page, .. } => page,
        };
        pages[page].source.file.clone()
    }

    /// Checks every translation that carries a governance table against its original, and
    /// records those whose texts can stand in for the original's.
    fn check_translations(
        &mut self,
        config: &Config,
        pages: &[Page],
        sections: &[Section],
        diags: &mut Diagnostics,
    ) {
        use super::translation::check;
        let default = &config.default_language;
        let originals: HashMap<&str, usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.source.lang == *default)
            .map(|(i, p)| (p.source.key.as_str(), i))
            .collect();
        for (i, page) in pages.iter().enumerate() {
            let Some(kind) = &page.source.meta.kind else {
                continue;
            };
            if page.source.lang == *default || page.source.fallback {
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
                self.text_pages.insert((o, page.source.lang.clone()), i);
            }
        }
        for body in &self.bodies {
            let original = &sections[body.section];
            for (i, s) in sections.iter().enumerate() {
                if s.source.key != original.source.key
                    || s.source.lang == *default
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
                    self.text_sections
                        .insert((body.section, s.source.lang.clone()), i);
                }
            }
        }
    }

    fn lookup_body(
        &self,
        id: &Spanned<String>,
        page: &Page,
        find: &mut Finder<'_>,
    ) -> Option<usize> {
        let (name, span) = spanned_str(id);
        if let Some(&b) = self.body_index.get(name) {
            return Some(b);
        }
        let known: Vec<&str> = self.body_index.keys().map(String::as_str).collect();
        let d = Diagnostic::at(
            &page.source.file,
            page.source.fm_span(span),
            format!("no body has the id `{name}`"),
            "unknown body",
        );
        find.diags.push(hint_known(d, name, &known, "body"));
        None
    }

    fn read_id(&self, body: usize, id: &str) -> Option<CaseNumbers> {
        let b = &self.bodies[body];
        [b.format.as_ref(), b.follow_up_format.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|f| f.read(id))
    }

    fn bad_id(&self, body: usize, id: &str, span: Range<usize>, page: &Page, find: &mut Finder) {
        let b = &self.bodies[body];
        let example = b.format.as_ref().map(|f| {
            f.write(CaseNumbers {
                year: 2023,
                meeting: Some(42),
                case: 4,
            })
        });
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

    #[allow(clippy::too_many_arguments)]
    fn add_agenda_case(
        &mut self,
        b: usize,
        meeting: &Meeting,
        m_index: usize,
        c: usize,
        case: &Case,
        page: &Page,
        find: &mut Finder<'_>,
        claim: &mut Claim<'_>,
        config: &Config,
    ) -> Option<usize> {
        let (id, span) = spanned_str(&case.id);
        let Some(numbers) = self.read_id(b, id) else {
            self.bad_id(b, id, span, page, find);
            return None;
        };
        let year = meeting.date.get_ref().year();
        let number = *meeting.number.get_ref();
        let has_meeting = self.bodies[b]
            .format
            .as_ref()
            .is_some_and(Format::has_meeting);
        let fits = numbers.year == year && (!has_meeting || numbers.meeting == Some(number));
        if !fits {
            let expected = if has_meeting {
                format!("meeting {number} of {year}")
            } else {
                format!("{year}")
            };
            find.at(
                page,
                span,
                format!("case {id} does not belong to this meeting ({expected})"),
                "wrong meeting or year in the ID",
            )
            .hints
            .push(match self.bodies[b].format.as_ref() {
                Some(f) => format!(
                    "the cases of this meeting are numbered like `{}`",
                    f.write(CaseNumbers {
                        year,
                        meeting: Some(number),
                        case: numbers.case
                    })
                ),
                None => "check the meeting's number and date".into(),
            });
            return None;
        }
        if self.case_index.contains_key(&(b, numbers)) {
            find.at(
                page,
                span,
                format!("case {id} is on the agenda twice"),
                "duplicate case ID",
            )
            .hints
            .push("every case of a body needs its own ID".into());
            return None;
        }
        Some(self.add_case(
            b,
            numbers,
            case.title.clone(),
            CaseOrigin::Agenda {
                meeting: m_index,
                case: c,
            },
            &page.source.file,
            claim,
            find.diags,
            config,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn add_case(
        &mut self,
        b: usize,
        numbers: CaseNumbers,
        title: String,
        origin: CaseOrigin,
        file: &Path,
        claim: &mut Claim<'_>,
        diags: &mut Diagnostics,
        config: &Config,
    ) -> usize {
        let body = &self.bodies[b];
        let id = body
            .format
            .as_ref()
            .map_or_else(|| format!("{numbers:?}"), |f| f.write(numbers));
        let slug = id.replace(['/', ' '], "-");
        let path = format!("{}saker/{slug}/", body.path);
        claim(&path, &format!("the page of case {id}"), file, diags);
        let index = self.cases.len();
        self.case_index.insert((b, numbers), index);
        self.cases.push(CaseEntry {
            body: b,
            numbers,
            id,
            slug,
            title,
            origin,
            permalink: config.absolute_url(&path),
            path,
            cited_by: Vec::new(),
            cites: Vec::new(),
        });
        index
    }

    /// Checks a reference to a case; returns it when it exists.
    fn case_ref(&self, r: &Spanned<String>, page: &Page, find: &mut Finder<'_>) -> Option<usize> {
        let (id, span) = spanned_str(r);
        if let Some(found) = self.find_case(id) {
            return Some(found);
        }
        let label = if self.is_case_id(id) {
            "no such case in the archive"
        } else {
            "not a case ID of any body"
        };
        find.at(page, span, format!("unknown case `{id}`"), label)
            .hints
            .push(
                "cite a case on a published agenda, or declare it in a follow-up item with case_title"
                    .into(),
            );
        None
    }

    fn link(&mut self, from: usize, to: usize) {
        if from == to {
            return;
        }
        if !self.cases[from].cites.contains(&to) {
            self.cases[from].cites.push(to);
        }
        if !self.cases[to].cited_by.contains(&from) {
            self.cases[to].cited_by.push(from);
        }
    }

    /// Renders the Markdown held in front matter; [`Registry::set_texts`] stores the result and
    /// links each case to the cases its texts mention.
    pub fn render_texts<'r>(
        &self,
        pages: &[Page],
        links: &dyn Fn(&str) -> Box<dyn LinkResolver + 'r>,
        options: markdown::RenderOptions,
        diags: &mut Diagnostics,
    ) -> Texts {
        let mut out = Texts::default();
        for m in 0..self.meetings.len() {
            let original = self.meetings[m].page;
            let mut per_lang = HashMap::new();
            for lang in &self.languages {
                let src = self.text_page(original, lang);
                // The original's texts are checked once, in the default language.
                let report = src != original || pages[original].source.lang == *lang;
                let page = &pages[src];
                let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                    continue;
                };
                let resolver = links(lang);
                let render = |text: &Option<Spanned<String>>| {
                    text.as_ref()
                        .map(|t| markdown::render(t.get_ref(), resolver.as_ref(), options))
                };
                let texts: Vec<CaseTexts> = meeting
                    .cases
                    .iter()
                    .map(|c| CaseTexts {
                        background: render(&c.background),
                        proposal: render(&c.proposal),
                        decision: render(&c.decision),
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
                            report_text_problems(r, source.span(), page, diags);
                            if src != original {
                                continue;
                            }
                            if let Some(from) = self.meetings[m].cases.get(c).copied().flatten() {
                                for mention in &r.cases {
                                    if let Some(to) = mention.case {
                                        out.citations.push((from, to));
                                    }
                                }
                            }
                        }
                    }
                }
                per_lang.insert(lang.clone(), texts);
            }
            out.meetings.push(per_lang);
        }
        for &original in &self.roadmaps {
            let mut per_lang = HashMap::new();
            for lang in &self.languages {
                let src = self.text_page(original, lang);
                let report = src != original || pages[original].source.lang == *lang;
                let page = &pages[src];
                let Some(Kind::Roadmap(roadmap)) = &page.source.meta.kind else {
                    continue;
                };
                let resolver = links(lang);
                let texts: Vec<Option<Rendered>> = roadmap
                    .items
                    .iter()
                    .map(|item| {
                        item.description.as_ref().map(|d| {
                            let r = markdown::render(d.get_ref(), resolver.as_ref(), options);
                            if report {
                                report_text_problems(&r, d.span(), page, diags);
                            }
                            r
                        })
                    })
                    .collect();
                per_lang.insert(lang.clone(), texts);
            }
            out.roadmaps.push(per_lang);
        }
        out
    }

    pub fn set_texts(&mut self, texts: Texts) {
        for (m, t) in texts.meetings.into_iter().enumerate() {
            self.meetings[m].texts = t;
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

/// Markdown rendered from front matter, per meeting (per case) and per roadmap (per item).
#[derive(Debug, Default)]
pub struct Texts {
    meetings: Vec<HashMap<String, Vec<CaseTexts>>>,
    roadmaps: Vec<HashMap<String, Vec<Option<Rendered>>>>,
    citations: Vec<(usize, usize)>,
}

/// Broken `@/` links and unknown case IDs in Markdown held in front matter, reported at the
/// field that holds them.
fn report_text_problems(r: &Rendered, span: Range<usize>, page: &Page, diags: &mut Diagnostics) {
    let at = page.source.fm_span(span);
    for link in r.links.iter().filter(|l| !l.resolved) {
        diags.push(
            Diagnostic::at(
                &page.source.file,
                at.clone(),
                format!("broken link: no content `@/{}`", link.key),
                "in this text",
            )
            .hint("@/ paths are relative to content/, e.g. @/produktstyret/mandat.md"),
        );
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

fn unreachable_key() -> (Option<crate::date::Date>, u32) {
    (None, 0)
}

/// An attachment's `path` names a file of the meeting's bundle, as load listed them: no URL,
/// no absolute path, no `..`, and the file must be there.
fn check_attachments(meeting: &Meeting, page: &Page, find: &mut Finder<'_>) {
    let assets: Vec<&str> = page.assets.iter().map(|(rel, _)| rel.as_str()).collect();
    for case in &meeting.cases {
        for path in case.attachments.iter().filter_map(|a| a.path.as_ref()) {
            let value = path.get_ref();
            if assets.contains(&value.as_str()) {
                continue;
            }
            let shown: String = value.chars().flat_map(char::escape_debug).collect();
            let (label, hint) = if crate::url_rules::scheme(value).is_some() {
                (
                    "a URL, not a file of the bundle",
                    "give a web address as `url = \"https://…\"`".to_string(),
                )
            } else if value.starts_with(['/', '\\']) {
                (
                    "an absolute path",
                    "write the path relative to the meeting's folder, e.g. \"vedlegg/protokoll.pdf\"".to_string(),
                )
            } else if value.split(['/', '\\']).any(|s| s == ".." || s == ".") {
                (
                    "`.` and `..` are not allowed",
                    "put the file in the meeting's folder and name it from there".to_string(),
                )
            } else if assets.is_empty() {
                (
                    "this meeting has no bundle folder",
                    format!(
                        "make the meeting a page bundle ({}/index.md) and put the file beside it",
                        page.source.file.with_extension("").display()
                    ),
                )
            } else {
                let hint = match did_you_mean(value, &assets) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => format!("the bundle has: {}", assets.join(", ")),
                };
                ("no such file in the bundle", hint)
            };
            find.at(
                page,
                path.span(),
                format!("attachment `{shown}` is not a file of this meeting's bundle"),
                label,
            )
            .hints
            .push(hint);
        }
    }
}

fn check_time_slots(meeting: &Meeting, page: &Page, find: &mut Finder<'_>) {
    let slots: Vec<(usize, Time, Time, Range<usize>)> = meeting
        .cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (s, e) = (c.start.as_ref()?, c.end.as_ref()?);
            Some((i, *s.get_ref(), *e.get_ref(), s.span().start..e.span().end))
        })
        .collect();
    for &(i, start, end, ref span) in &slots {
        if end <= start {
            find.at(
                page,
                span.clone(),
                format!(
                    "case {} ends ({end}) before it starts ({start})",
                    meeting.cases[i].id.get_ref()
                ),
                "empty time slot",
            );
        }
    }
    for (a, &(i, s1, e1, _)) in slots.iter().enumerate() {
        for &(j, s2, e2, ref span) in &slots[a + 1..] {
            if s1 < e2 && s2 < e1 {
                find.at(
                    page,
                    span.clone(),
                    format!(
                        "the time slots of cases {} ({s1}–{e1}) and {} ({s2}–{e2}) overlap",
                        meeting.cases[i].id.get_ref(),
                        meeting.cases[j].id.get_ref()
                    ),
                    "overlaps an earlier case",
                )
                .hints
                .push("give each case its own slot; a break needs no case".into());
            }
        }
    }
}

/// Reports a reference (`value`) to something not in `known` ("area", "roadmap item").
fn check_known(
    value: &Spanned<String>,
    known: &[&str],
    what: &str,
    page: &Page,
    find: &mut Finder<'_>,
) {
    let (v, span) = spanned_str(value);
    if !known.contains(&v) {
        let d = Diagnostic::at(
            &page.source.file,
            page.source.fm_span(span),
            format!("the roadmap has no {what} `{v}`"),
            format!("unknown {what}"),
        );
        find.diags.push(hint_known(d, v, known, what));
    }
}

/// Reports ids used twice among `ids` ("roadmap items", "projects").
fn check_unique<'a>(
    ids: impl Iterator<Item = &'a Spanned<String>>,
    what: &str,
    page: &Page,
    find: &mut Finder<'_>,
) {
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for id in ids {
        let (v, span) = spanned_str(id);
        if seen.insert(v, ()).is_some() {
            find.at(
                page,
                span,
                format!("two {what} have the id `{v}`"),
                "duplicate id",
            );
        }
    }
}

fn check_roadmap(r: &Roadmap, page: &Page, find: &mut Finder<'_>) {
    let areas: Vec<&str> = r.areas.iter().map(|a| a.id.as_str()).collect();
    let horizons: Vec<&str> = r.horizons.iter().map(|h| h.id.as_str()).collect();
    check_unique(r.items.iter().map(|i| &i.id), "roadmap items", page, find);
    for item in &r.items {
        check_known(&item.area, &areas, "area", page, find);
        check_known(&item.horizon, &horizons, "horizon", page, find);
    }
}

fn check_projects(plan: &DeliveryPlan, roadmap: &Roadmap, page: &Page, find: &mut Finder<'_>) {
    let areas: Vec<&str> = roadmap.areas.iter().map(|a| a.id.as_str()).collect();
    let items: Vec<&str> = roadmap
        .items
        .iter()
        .map(|i| i.id.get_ref().as_str())
        .collect();
    check_unique(plan.projects.iter().map(|p| &p.id), "projects", page, find);
    for project in &plan.projects {
        check_known(&project.area, &areas, "area", page, find);
        for item in &project.roadmap_items {
            check_known(item, &items, "item", page, find);
        }
    }
}

fn check_dataset(set: &Dataset, page: &Page, find: &mut Finder<'_>) {
    let width = set.columns.len();
    if width < 2 {
        find.at(
            page,
            set.rows.span(),
            "a dataset needs a label column and at least one number column",
            "too few columns",
        );
        return;
    }
    for (i, row) in set.rows.get_ref().iter().enumerate() {
        let numbers_ok = row.iter().skip(1).all(|c| matches!(c, DataCell::Number(_)));
        if row.len() != width || !numbers_ok {
            find.at(
                page,
                set.rows.span(),
                format!(
                    "row {} of the dataset does not fit its {width} columns",
                    i + 1
                ),
                "a label, then one number per column",
            );
        }
    }
}
