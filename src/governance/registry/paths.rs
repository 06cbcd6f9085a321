//! The URL of every generated page (case pages, archives, the registers, the search and
//! open-data pages) in every language, and the claims that reserve them.

use std::ops::Range;
use std::path::Path;

use super::{BodyId, CaseId, Registry};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::resolve::content::Pages;
use crate::site::ids::LangId;

/// The URL segments of the generated pages in one language (the `[url]` interface strings).
#[derive(Debug, Clone)]
pub(super) struct Segments {
    cases: String,
    decisions: String,
    follow_ups: String,
    archive: String,
    data: String,
    search: String,
}

impl Segments {
    pub(super) fn of(strings: &serde_json::Value) -> Segments {
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
impl Registry {
    fn segments(&self, lang: LangId) -> &Segments {
        &self.segments[lang.index()]
    }

    /// Where a body's pages live in `lang`: its section's path there.
    pub fn body_path(&self, body: BodyId, lang: LangId) -> &str {
        self.body_paths
            .get(&(body, lang))
            .map_or(self.body(body).path.as_str(), String::as_str)
    }

    /// Where the meeting archive of a body for a year lives: `/produktstyret/arkiv/2023/`.
    pub fn archive_path(&self, body: BodyId, year: i32, lang: LangId) -> String {
        format!(
            "{}{}/{year}/",
            self.body_path(body, lang),
            self.segments(lang).archive
        )
    }

    /// The permalink page of a case in `lang`: `/en/product-board/cases/4-42-23/`.
    pub fn case_path(&self, case: CaseId, lang: LangId) -> &str {
        &self.case(case).paths[lang.index()]
    }

    /// The page of the case `slug` of body `b` in every language, in config order.
    pub(super) fn case_paths(&self, b: BodyId, slug: &str) -> Vec<String> {
        self.langs
            .ids()
            .map(|lang| {
                let cases = &self.segments(lang).cases;
                format!("{}{cases}/{slug}/", self.body_path(b, lang))
            })
            .collect()
    }

    /// A generated page at the top of `lang`'s tree: `/en/decisions/`.
    fn top_path(&self, lang: LangId, segment: &str) -> String {
        format!("{}{segment}/", self.langs.prefix(lang))
    }

    /// The decision register in `lang`.
    pub fn decisions_path(&self, lang: LangId) -> String {
        self.top_path(lang, &self.segments(lang).decisions)
    }

    /// The follow-up tracker in `lang`.
    pub fn follow_ups_path(&self, lang: LangId) -> String {
        self.top_path(lang, &self.segments(lang).follow_ups)
    }

    /// The search page in `lang` (the index files are always under `/search/`).
    pub fn search_path(&self, lang: LangId) -> String {
        self.top_path(lang, &self.segments(lang).search)
    }

    /// The open-data page in `lang` (the data files are always under `/data/`).
    pub fn data_page_path(&self, lang: LangId) -> String {
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
    pub fn generated_path(&self, name: &str, lang: LangId) -> Option<String> {
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

    /// `@name` that is not a generated page of this site in `lang`, at `(file, span)`: what
    /// Markdown bodies and texts in front matter are told alike.
    pub fn unknown_generated(
        &self,
        (file, span): (&Path, Range<usize>),
        name: &str,
        lang: LangId,
    ) -> Diagnostic {
        let known: Vec<&str> = (Self::GENERATED.iter().copied())
            .filter(|n| self.generated_path(n, lang).is_some())
            .collect();
        let d = Diagnostic::at(
            file,
            span,
            format!("broken link: `@{name}` is not a generated page of this site"),
            "no generated page by this name",
        );
        match did_you_mean(name, &known) {
            Some(best) => d.hint(format!("did you mean `@{best}`?")),
            None if known.is_empty() => d.hint("generated pages (@decisions, @follow-ups, @open-data, @calendar) exist once the site has governance records"),
            None => d.hint(format!(
                "this site has {}",
                known.iter().map(|k| format!("@{k}")).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Reserves the URL of every generated page in every language: the registers, the meeting
    /// archives, the open-data and search pages, and (outside the default language, where the
    /// case was claimed as it was added) each case's page.
    pub(super) fn claim_generated(
        &self,
        config: &Config,
        pages: &Pages,
        diags: &mut Diagnostics,
        claim: &mut super::Claim<'_>,
    ) {
        for lang in self.langs.ids() {
            // The registers exist once there is a meeting to list.
            if let Some(first) = self.meetings.first() {
                let file = &pages[first.page].source.file;
                claim(
                    &self.decisions_path(lang),
                    "the decision register",
                    file,
                    diags,
                );
                claim(
                    &self.follow_ups_path(lang),
                    "the follow-up tracker",
                    file,
                    diags,
                );
            }
            for (b, year) in self.archive_years() {
                let first = self
                    .meetings
                    .iter()
                    .find(|m| m.body == b && m.year == year)
                    .map(|m| pages[m.page].source.file.clone())
                    .unwrap_or_default();
                claim(
                    &self.archive_path(b, year, lang),
                    &format!("the meeting archive of {year}"),
                    &first,
                    diags,
                );
            }
            if self.has_content() {
                claim(
                    &self.data_page_path(lang),
                    "the open-data page",
                    Path::new("config.toml"),
                    diags,
                );
            }
            if config.build_search_index {
                claim(
                    &self.search_path(lang),
                    "the search page",
                    Path::new("config.toml"),
                    diags,
                );
            }
            if !lang.is_default() {
                for i in self.case_ids() {
                    let file = self.case_file(i, pages);
                    let what = format!("the page of case {}", self.case(i).id);
                    claim(self.case_path(i, lang), &what, &file, diags);
                }
            }
        }
    }

    /// The file that records a case (for URL clashes).
    fn case_file(&self, case: CaseId, pages: &Pages) -> std::path::PathBuf {
        let page = match self.case(case).origin {
            super::CaseOrigin::Agenda { meeting, .. } => self.meeting(meeting).page,
            super::CaseOrigin::Declared { page, .. } => page,
        };
        pages[page].source.file.clone()
    }
}
