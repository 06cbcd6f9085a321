//! Roadmaps, delivery plans, meeting plans and datasets: indexed, with their references to
//! cases, bodies, areas, horizons and roadmap items checked.

use std::collections::{BTreeMap, HashMap};

use toml::Spanned;

use super::{Finder, Registry, hint_known, spanned_str};
use crate::diagnostics::Diagnostic;
use crate::governance::model::{DataCell, Dataset, DeliveryPlan, Kind, MeetingPlan, Roadmap};
use crate::resolve::content::{Page, PageId, Pages};

impl Registry {
    /// Indexes every roadmap, delivery plan, meeting plan and dataset in the default language;
    /// returns the page of each roadmap by its id.
    pub(super) fn add_plans(
        &mut self,
        pages: &Pages,
        find: &mut Finder,
    ) -> HashMap<String, PageId> {
        let mut roadmap_ids: HashMap<String, PageId> = HashMap::new();
        for (i, page) in pages.iter() {
            if !page.source.lang.is_default() {
                continue;
            }
            match &page.source.meta.kind {
                Some(Kind::Roadmap(r)) => {
                    check_roadmap(r, page, find);
                    if let Some(decided) = &r.decided_in {
                        self.case_ref(decided, page, find);
                    }
                    roadmap_ids.entry(r.id.get_ref().clone()).or_insert(i);
                    self.roadmaps.push(i);
                }
                Some(Kind::DeliveryPlan(_)) => self.delivery_plans.push(i),
                Some(Kind::MeetingPlan(plan)) => {
                    self.lookup_body(&plan.body, page, find);
                    check_meeting_plan(plan, page, find);
                    self.meeting_plans.push(i);
                }
                Some(Kind::Dataset(set)) => {
                    check_dataset(set, page, find);
                    if let Some(source) = &set.source {
                        self.case_ref(source, page, find);
                    }
                    self.datasets.push(i);
                }
                _ => {}
            }
        }
        roadmap_ids
    }

    /// Each delivery plan's decision, its roadmap, and its projects against that roadmap.
    pub(super) fn check_delivery_plans(
        &self,
        pages: &Pages,
        roadmap_ids: &HashMap<String, PageId>,
        find: &mut Finder,
    ) {
        for &i in &self.delivery_plans {
            let page = &pages[i];
            let Some(Kind::DeliveryPlan(plan)) = &page.source.meta.kind else {
                continue;
            };
            if let Some(decided) = &plan.decided_in {
                self.case_ref(decided, page, find);
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
                find.unknown_id(&page.source, (rid, span), &known, "roadmap");
                continue;
            };
            check_projects(plan, roadmap, page, find);
        }
    }
}

/// Every date of a meeting plan lies in the plan's year.
fn check_meeting_plan(plan: &MeetingPlan, page: &Page, find: &mut Finder<'_>) {
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
