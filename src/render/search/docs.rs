//! The documents of a language's search index (render phase): its sections and pages, from
//! their rendered text, and the governance items (cases and decisions, roadmap items,
//! delivery projects), each with the [`Entry`] its result shows.

use crate::governance::model::Kind;
use crate::governance::registry::CaseId;
use crate::governance::view::View;
use crate::resolve::Site;
use crate::site::ids::LangId;

use super::{Doc, Entry, summary, tokenize};

/// The language a document's texts are in, when they are a fallback's (the default language's).
fn text_lang(site: &Site, fallback: bool) -> Option<String> {
    fallback.then(|| site.config.default_language.clone())
}

/// The sections of `lang` that are in the search index (bodies among them).
pub(crate) fn section_docs(site: &Site, lang: LangId, docs: &mut Vec<Doc>) {
    for section in site
        .sections()
        .map(|(_, s)| s)
        .filter(|s| s.source.lang == lang && !s.synthetic && s.source.meta.in_search_index)
    {
        docs.push(Doc {
            title: section.title().to_string(),
            body: section.rendered.text.clone(),
            ids: String::new(),
            entry: Entry {
                t: section.title().to_string(),
                u: section.permalink.clone(),
                k: if section.source.meta.body.is_some() {
                    "body"
                } else {
                    "section"
                },
                d: None,
                b: section
                    .source
                    .meta
                    .body
                    .as_ref()
                    .map(|b| b.id.get_ref().clone()),
                s: summary(
                    section.source.meta.description.as_deref(),
                    &section.rendered.text,
                ),
                l: text_lang(site, section.source.fallback),
            },
        });
    }
}

/// The pages of `lang` that are in the search index, typed by their record (meetings found by
/// their IDs and their cases' IDs too).
pub(crate) fn page_docs(site: &Site, lang: LangId, docs: &mut Vec<Doc>) {
    for page in site
        .pages()
        .map(|(_, p)| p)
        .filter(|p| p.source.lang == lang && p.source.meta.in_search_index)
    {
        // A translation without its record's table shows the original's record.
        let kind = page.source.meta.kind.as_ref().or_else(|| {
            match site.get(&page.source.key, LangId::DEFAULT) {
                Some(crate::resolve::Target::Page(o)) => site.page(o).source.meta.kind.as_ref(),
                _ => None,
            }
        });
        let (k, ids, body_id) = page_kind(site, page, kind);
        docs.push(Doc {
            title: page.title().to_string(),
            body: page.rendered.text.clone(),
            ids,
            entry: Entry {
                t: page.title().to_string(),
                u: page.permalink.clone(),
                k,
                d: page.date().map(|d| d.ymd()),
                b: body_id,
                s: summary(page.source.meta.description.as_deref(), &page.rendered.text),
                l: text_lang(site, page.source.fallback),
            },
        });
    }
}

/// A page's type of document, the IDs it is found by, and the body it belongs to.
fn page_kind(
    site: &Site,
    page: &crate::resolve::Page,
    kind: Option<&Kind>,
) -> (&'static str, String, Option<String>) {
    let reg = &site.governance;
    match kind {
        Some(Kind::Meeting(m)) => {
            let b = reg.find_body(m.body.get_ref());
            let mut ids = b
                .and_then(|b| reg.body(b).format.as_ref())
                .map(|f| meeting_ids(f, *m.number.get_ref(), m.date.get_ref().year()))
                .unwrap_or_default();
            // The meeting page presents each of its cases: found by their IDs too, after
            // the case itself (a longer field weighs each ID less).
            let entry = reg
                .meetings()
                .map(|(_, e)| e)
                .find(|e| site.page(e.page).source.key == page.source.key);
            for &i in entry.into_iter().flat_map(|e| &e.cases).flatten() {
                for id in tokenize(&reg.case(i).id) {
                    ids.push(' ');
                    ids.push_str(&id);
                }
            }
            ("meeting", ids, Some(m.body.get_ref().clone()))
        }
        Some(kind) => (
            kind.table_name(),
            String::new(),
            match kind {
                Kind::Document(d) => d.body.as_ref().map(|b| b.get_ref().clone()),
                Kind::MeetingPlan(p) => Some(p.body.get_ref().clone()),
                _ => None,
            },
        ),
        None => ("page", String::new(), None),
    }
}

/// Cases and decisions, in the language's texts where a translation has them.
pub(crate) fn case_docs(site: &Site, view: &View, docs: &mut Vec<Doc>) {
    let reg = &site.governance;
    for (_, meeting_entry) in reg.meetings() {
        let texts = meeting_entry.texts_in(view.lang);
        let meeting = match &site.page(meeting_entry.page).source.meta.kind {
            Some(Kind::Meeting(meeting)) => Some(meeting),
            _ => None,
        };
        let date = meeting.map(|m| m.date.get_ref().ymd());
        // Documents that score alike are shown in index order: a meeting's cases put up for
        // decision come first, then the others in agenda order (a search for the meeting, `42/23`,
        // lists what the board decided before the approvals and briefings).
        let mut order: Vec<usize> = (0..meeting_entry.cases.len()).collect();
        order.sort_by_key(|&c| {
            let kind = meeting.and_then(|m| m.cases.get(c)).and_then(|c| c.kind);
            kind != Some(crate::governance::model::CaseType::Decision)
        });
        for c in order {
            let Some(i) = meeting_entry.cases[c] else {
                continue;
            };
            let shown = view.case_ref(i);
            let rendered = texts.get(c);
            let mut body = String::new();
            for r in rendered
                .into_iter()
                .flat_map(|t| [&t.background, &t.proposal, &t.decision])
                .flatten()
            {
                body.push_str(&r.text);
                body.push(' ');
            }
            let decided = rendered.is_some_and(|t| t.decision.is_some());
            let entry = reg.case(i);
            let title = shown.title;
            docs.push(Doc {
                title: format!("{} {title}", entry.id),
                body: body.clone(),
                ids: case_ids(site, i),
                entry: Entry {
                    t: format!("{} {title}", entry.id),
                    u: view.case_permalink(i),
                    k: if decided { "decision" } else { "case" },
                    d: date.clone(),
                    b: Some(reg.body(entry.body).id.clone()),
                    s: summary(None, &body),
                    l: shown.text_lang.map(|t| t.lang),
                },
            });
        }
    }
}

/// Roadmap items, each at its place on its page.
pub(crate) fn roadmap_item_docs(site: &Site, view: &View, docs: &mut Vec<Doc>) {
    let reg = &site.governance;
    for (r, &p) in reg.roadmaps.iter().enumerate() {
        let Some(roadmap) = crate::governance::view::roadmap(view, r) else {
            continue;
        };
        let texts = reg.roadmap_texts_in(r, view.lang);
        let page_url = view.page(p).permalink.clone();
        for (i, item) in roadmap.items.into_iter().enumerate() {
            let description = texts
                .get(i)
                .and_then(|d| d.as_ref())
                .map(|d| d.text.clone())
                .unwrap_or_default();
            docs.push(Doc {
                title: item.title.clone(),
                body: description.clone(),
                ids: item.id.clone(),
                entry: Entry {
                    t: item.title,
                    u: format!("{page_url}#{}", item.id),
                    k: "roadmap_item",
                    d: None,
                    b: None,
                    s: summary(None, &description),
                    l: item.text_lang.map(|t| t.lang),
                },
            });
        }
    }
}

/// Delivery projects, each at its place on its page.
pub(crate) fn project_docs(site: &Site, view: &View, docs: &mut Vec<Doc>) {
    let reg = &site.governance;
    for (d, &p) in reg.delivery_plans.iter().enumerate() {
        let Some(plan) = crate::governance::view::delivery_plan(view, d) else {
            continue;
        };
        let page_url = view.page(p).permalink.clone();
        for project in plan.groups.into_iter().flat_map(|g| g.projects) {
            let body: String = [&project.description, &project.note, &project.actor]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            docs.push(Doc {
                title: project.title.clone(),
                body: body.clone(),
                ids: String::new(),
                entry: Entry {
                    t: project.title,
                    u: format!("{page_url}#{}", project.id),
                    k: "project",
                    d: None,
                    b: None,
                    s: summary(None, &body),
                    l: project.text_lang.map(|t| t.lang),
                },
            });
        }
    }
}

/// Every way a case's ID is written (its body's formats), as the tokenizer normalises them, and
/// the case's meeting (`42-23`), so that `4-42/23`, `4/42-23` and `42/23` all find it.
fn case_ids(site: &Site, case: CaseId) -> String {
    let reg = &site.governance;
    let c = reg.case(case);
    let body = reg.body(c.body);
    let mut ids: Vec<String> = body
        .formats()
        .flat_map(|f| tokenize(&f.write(c.numbers)))
        .collect();
    if let (Some(format), Some(meeting)) = (body.format.as_ref(), c.numbers.meeting) {
        ids.push(meeting_ids(format, meeting, c.numbers.year));
    }
    ids.dedup();
    ids.join(" ")
}

/// A meeting as case IDs name it: `42-23` for meeting 42 of 2023 (bodies whose IDs name the
/// meeting), nothing otherwise.
fn meeting_ids(format: &crate::governance::case_id::Format, number: u32, year: i32) -> String {
    if !format.has_meeting() {
        return String::new();
    }
    format!("{number}-{:02}", year.rem_euclid(100))
}
