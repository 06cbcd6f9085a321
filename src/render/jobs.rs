//! Phase 3, render: the job list. Every output file is one [`Job`]; [`jobs`] lists a site's
//! jobs (all but the search pages) and [`template_of`] names the template each renders with.

use crate::governance::registry::{BodyId, CaseId};
use crate::resolve::{PageId, SectionId, Site};
use crate::site::ids::LangId;

/// One output file to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// A page of the site.
    Page(PageId),
    /// A section of the site.
    Section(SectionId),
    /// The 404 page of a language.
    NotFound(LangId),
    /// The Atom feed of a language.
    Feed(LangId),
    Sitemap,
    Robots,
    /// Index into `site.aliases`.
    Alias(usize),
    /// The permalink page of a case in a language.
    Case(CaseId, LangId),
    /// The decision register of a language.
    Decisions(LangId),
    /// The follow-up tracker of a language.
    FollowUps(LangId),
    /// An open-data file: dataset (index into `governance::data::DATASETS`) and format.
    Data(usize, DataFormat),
    /// The open-data page (`/data/`) of a language.
    DataPage(LangId),
    /// The iCalendar file of meetings.
    Calendar,
    /// The Atom feed of the decision register of a language.
    DecisionFeed(LangId),
    /// The search page of a language.
    Search(LangId),
    /// The meeting archive of a body for a year in a language: (body, year, language).
    Archive(BodyId, i32, LangId),
}

/// The files of an open dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataFormat {
    Json,
    Csv,
    Schema,
}

/// Every job of the site but the search pages (which wait for the search indexes).
pub(crate) fn jobs(site: &Site) -> Vec<Job> {
    let config = &site.config;
    let mut jobs: Vec<Job> = site.page_ids().map(Job::Page).collect();
    jobs.extend(site.section_ids().map(Job::Section));
    jobs.extend(config.langs.ids().map(Job::NotFound));
    if config.generate_feed {
        jobs.extend(config.langs.ids().map(Job::Feed));
    }
    if config.generate_sitemap {
        jobs.push(Job::Sitemap);
    }
    if config.generate_robots_txt {
        jobs.push(Job::Robots);
    }
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    for l in config.langs.ids() {
        jobs.extend(site.governance.case_ids().map(|i| Job::Case(i, l)));
        if site.governance.has_meetings() {
            jobs.push(Job::Decisions(l));
            jobs.push(Job::FollowUps(l));
            if config.generate_feed {
                jobs.push(Job::DecisionFeed(l));
            }
        }
        if site.governance.has_content() {
            jobs.push(Job::DataPage(l));
        }
        for (b, year) in site.governance.archive_years() {
            jobs.push(Job::Archive(b, year, l));
        }
    }
    if site.governance.has_meetings() {
        jobs.push(Job::Calendar);
    }
    if site.governance.has_content() {
        for d in 0..crate::governance::data::DATASETS.len() {
            for format in [DataFormat::Json, DataFormat::Csv, DataFormat::Schema] {
                jobs.push(Job::Data(d, format));
            }
        }
    }
    jobs
}

/// The template a job renders with, if any.
pub(crate) fn template_of(site: &Site, job: Job) -> Option<&str> {
    Some(match job {
        Job::Page(i) => &site.page(i).template,
        Job::Section(i) => &site.section(i).template,
        Job::NotFound(_) => "404.html",
        Job::Feed(_) => "atom.xml",
        Job::Sitemap => "sitemap.xml",
        Job::Robots => "robots.txt",
        Job::Case(..) => "case.html",
        Job::Decisions(_) => "decisions.html",
        Job::FollowUps(_) => "follow-ups.html",
        Job::DataPage(_) => "open-data.html",
        Job::DecisionFeed(_) => "decisions.xml",
        Job::Search(_) => "search.html",
        Job::Archive(..) => "archive.html",
        Job::Alias(_) | Job::Data(..) | Job::Calendar => return None,
    })
}

// The sites under test are written to a temporary folder and loaded as `styre build` would.
#[allow(clippy::disallowed_methods)]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{config, site};

    /// Each job (but the open-data files) as `what (language): template`, in the order of
    /// `jobs`.
    fn described(site: &Site) -> Vec<String> {
        let code = |l: LangId| &site.config.lang(l).code;
        jobs(site)
            .into_iter()
            .filter(|job| !matches!(job, Job::Data(..)))
            .map(|job| {
                let what = match job {
                    Job::Page(i) => {
                        let p = &site.page(i).source;
                        format!("page {} ({})", p.key, code(p.lang))
                    }
                    Job::Section(i) => {
                        let s = &site.section(i).source;
                        format!("section {} ({})", s.key, code(s.lang))
                    }
                    Job::NotFound(l) => format!("404 ({})", code(l)),
                    Job::Feed(l) => format!("feed ({})", code(l)),
                    Job::Sitemap => "sitemap".into(),
                    Job::Robots => "robots".into(),
                    Job::Alias(i) => format!("alias {}", site.aliases[i].path),
                    Job::Case(i, l) => {
                        format!("case {} ({})", site.governance.case(i).id, code(l))
                    }
                    Job::Decisions(l) => format!("decisions ({})", code(l)),
                    Job::FollowUps(l) => format!("follow-ups ({})", code(l)),
                    Job::Data(..) => unreachable!(),
                    Job::DataPage(l) => format!("open data ({})", code(l)),
                    Job::Calendar => "calendar".into(),
                    Job::DecisionFeed(l) => format!("decision feed ({})", code(l)),
                    Job::Search(l) => format!("search ({})", code(l)),
                    Job::Archive(b, year, l) => format!(
                        "archive {} {year} ({})",
                        site.governance.body(b).id,
                        code(l)
                    ),
                };
                format!("{what}: {}", template_of(site, job).unwrap_or("-"))
            })
            .collect()
    }

    fn open_data_files(site: &Site) -> usize {
        jobs(site)
            .iter()
            .filter(|job| matches!(job, Job::Data(..)))
            .count()
    }

    #[test]
    fn a_site_without_governance_has_its_content_and_listings() {
        let site = site(&[
            ("config.toml", &config("")),
            ("content/_index.md", "+++\ntitle = \"Hjem\"\n+++\n"),
            ("content/_index.en.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("content/om/_index.md", "+++\ntitle = \"Om\"\n+++\n"),
            (
                "content/om/mandat.md",
                "+++\ntitle = \"Mandat\"\naliases = [\"/gammelt/\"]\n+++\nTekst.\n",
            ),
        ]);
        // English has no page of its own: a stand-in of the Norwegian one, and its own job.
        assert_eq!(
            described(&site),
            [
                "page om/mandat.md (nb): page.html",
                "page om/mandat.md (en): page.html",
                "section _index.md (en): index.html",
                "section _index.md (nb): index.html",
                "section om/_index.md (nb): section.html",
                "section om/_index.md (en): section.html",
                "404 (nb): 404.html",
                "404 (en): 404.html",
                "feed (nb): atom.xml",
                "feed (en): atom.xml",
                "sitemap: sitemap.xml",
                "robots: robots.txt",
                "alias /gammelt/: -",
            ]
        );
        assert_eq!(open_data_files(&site), 0);
    }

    #[test]
    fn governance_adds_its_generated_pages_and_data_files() {
        let site = site(&[
            (
                "config.toml",
                &config("generate_sitemap = false\ngenerate_robots_txt = false"),
            ),
            ("content/_index.md", "+++\ntitle = \"Hjem\"\n+++\n"),
            (
                "content/radet/_index.md",
                "+++\ntitle = \"Rådet\"\n[body]\nid = \"radet\"\nshort_name = \"Rådet\"\ncase_id = \"{case}/{yy}\"\n+++\n",
            ),
            (
                "content/radet/moter/_index.md",
                "+++\ntitle = \"Møter\"\n+++\n",
            ),
            (
                "content/radet/moter/mote-1-2024.md",
                "+++\ntitle = \"Møte 1/24\"\n[meeting]\nbody = \"radet\"\nnumber = 1\ndate = 2024-03-01\nstatus = \"planned\"\n\n[[meeting.cases]]\nid = \"3/24\"\ntitle = \"Orientering\"\ntype = \"information\"\n+++\n",
            ),
        ]);
        // Generated pages in every language, after the listings; no sitemap or robots.txt.
        assert_eq!(
            described(&site),
            [
                "page radet/moter/mote-1-2024.md (nb): meeting.html",
                "page radet/moter/mote-1-2024.md (en): meeting.html",
                "section _index.md (nb): index.html",
                "section radet/_index.md (nb): body.html",
                "section radet/moter/_index.md (nb): section.html",
                "section _index.md (en): index.html",
                "section radet/_index.md (en): body.html",
                "section radet/moter/_index.md (en): section.html",
                "404 (nb): 404.html",
                "404 (en): 404.html",
                "feed (nb): atom.xml",
                "feed (en): atom.xml",
                "case 3/24 (nb): case.html",
                "decisions (nb): decisions.html",
                "follow-ups (nb): follow-ups.html",
                "decision feed (nb): decisions.xml",
                "open data (nb): open-data.html",
                "archive radet 2024 (nb): archive.html",
                "case 3/24 (en): case.html",
                "decisions (en): decisions.html",
                "follow-ups (en): follow-ups.html",
                "decision feed (en): decisions.xml",
                "open data (en): open-data.html",
                "archive radet 2024 (en): archive.html",
                "calendar: -",
            ]
        );
        // Last, three files of every dataset, made without a template.
        let data: Vec<Job> = jobs(&site)
            .into_iter()
            .skip_while(|job| !matches!(job, Job::Data(..)))
            .collect();
        assert_eq!(data.len(), 3 * crate::governance::data::DATASETS.len());
        assert_eq!(
            data[..3],
            [
                Job::Data(0, DataFormat::Json),
                Job::Data(0, DataFormat::Csv),
                Job::Data(0, DataFormat::Schema)
            ]
        );
        assert!(data.iter().all(|&job| template_of(&site, job).is_none()));
    }
}
