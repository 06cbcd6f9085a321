//! The plans' values: `page.roadmap` (areas × horizons, each item with the projects serving
//! it), `page.delivery_plan` (projects by area and stage) and `page.meeting_plan`.

use serde_json::{Value, json};

use super::{View, html};
use crate::governance::model::{DeliveryPlan, Kind, Project, Roadmap, RoadmapItem, Stage};

/// `page.roadmap`: the grid of areas × horizons, and every item with the projects serving it.
pub fn roadmap(v: &View<'_>, r: usize) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let original = reg.roadmaps[r];
    let Some(Kind::Roadmap(roadmap)) = &v.texts(original).source.meta.kind else {
        return Value::Null;
    };
    let texts = reg.roadmap_texts_in(r, v.lang);
    let plans = delivery_plans_of(v, roadmap.id.get_ref());
    let text_lang = v.text_lang(original);
    let items: Vec<Value> = roadmap
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let projects = item_projects(v, &plans, item);
            json!({
                "id": item.id.get_ref(),
                "title": item.title,
                "text_lang": text_lang,
                "area": item.area.get_ref(),
                "horizon": item.horizon.get_ref(),
                "status": item.status,
                "description": texts.get(i).map_or(Value::Null, html),
                "projects": projects,
            })
        })
        .collect();
    let areas = roadmap_grid(roadmap, &items);
    let decided_in = roadmap
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| v.case_ref(i));
    json!({
        "id": roadmap.id.get_ref(),
        "version": roadmap.version,
        "adopted": roadmap.adopted.map(|a| a.ymd()),
        "decided_in": decided_in,
        "text_lang": text_lang,
        "areas": areas,
        "horizons": roadmap.horizons,
        "items": items,
        "delivery_plans": plans.iter().map(|(p, _)| v.page_ref(*p)).collect::<Vec<_>>(),
    })
}

/// The projects of the delivery plans `plans` that serve the roadmap item `item`.
fn item_projects(v: &View<'_>, plans: &[(usize, &DeliveryPlan)], item: &RoadmapItem) -> Vec<Value> {
    plans
        .iter()
        .flat_map(|(p, plan)| {
            let permalink = v.page(*p).permalink.clone();
            let project_lang = v.text_lang(*p);
            plan.projects
                .iter()
                .filter(|pr| {
                    pr.roadmap_items
                        .iter()
                        .any(|x| x.get_ref() == item.id.get_ref())
                })
                .map(move |pr| {
                    json!({
                        "id": pr.id.get_ref(),
                        "title": pr.title,
                        "text_lang": project_lang,
                        "stage": pr.stage,
                        "permalink": format!("{}#{}", permalink, pr.id.get_ref()),
                    })
                })
        })
        .collect()
}

/// The roadmap's areas, each with a cell per horizon holding its items (of `items`, the
/// values of the roadmap's items).
fn roadmap_grid(roadmap: &Roadmap, items: &[Value]) -> Vec<Value> {
    roadmap
        .areas
        .iter()
        .map(|a| {
            let cells: Vec<Value> = roadmap
                .horizons
                .iter()
                .map(|h| {
                    let in_cell: Vec<&Value> = items
                        .iter()
                        .filter(|i| i["area"] == a.id.as_str() && i["horizon"] == h.id.as_str())
                        .collect();
                    json!({"horizon": h, "items": in_cell})
                })
                .collect();
            json!({"id": a.id, "title": a.title, "cells": cells})
        })
        .collect()
}

/// The delivery plans serving a roadmap: (original page, plan in this view's language).
fn delivery_plans_of<'s>(v: &View<'s>, roadmap_id: &str) -> Vec<(usize, &'s DeliveryPlan)> {
    v.site
        .governance
        .delivery_plans
        .iter()
        .filter_map(|&p| match &v.texts(p).source.meta.kind {
            Some(Kind::DeliveryPlan(plan)) if plan.roadmap.get_ref() == roadmap_id => {
                Some((p, plan))
            }
            _ => None,
        })
        .collect()
}

/// The roadmap with this id: (original page, roadmap in this view's language).
fn roadmap_of<'s>(v: &View<'s>, id: &str) -> Option<(usize, &'s Roadmap)> {
    v.site
        .governance
        .roadmaps
        .iter()
        .find_map(|&p| match &v.texts(p).source.meta.kind {
            Some(Kind::Roadmap(r)) if r.id.get_ref() == id => Some((p, r)),
            _ => None,
        })
}

/// `page.delivery_plan`: projects grouped by strategic area, each with its progress stage.
pub fn delivery_plan(v: &View<'_>, d: usize) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let original = reg.delivery_plans[d];
    let Some(Kind::DeliveryPlan(plan)) = &v.texts(original).source.meta.kind else {
        return Value::Null;
    };
    let text_lang = v.text_lang(original);
    let roadmap = roadmap_of(v, plan.roadmap.get_ref());
    let roadmap_lang = roadmap.map(|(rp, _)| v.text_lang(rp));
    let project = |p: &Project| plan_project(v, p, roadmap, &text_lang, &roadmap_lang);
    let areas: Vec<(String, String)> = match roadmap {
        Some((_, r)) => r
            .areas
            .iter()
            .map(|a| (a.id.clone(), a.title.clone()))
            .collect(),
        None => Vec::new(),
    };
    let groups: Vec<Value> = areas
        .iter()
        .filter_map(|(id, title)| {
            let projects: Vec<Value> = plan
                .projects
                .iter()
                .filter(|p| p.area.get_ref() == id)
                .map(project)
                .collect();
            (!projects.is_empty()).then(|| {
                json!({"area": {"id": id, "title": title, "text_lang": roadmap_lang}, "projects": projects})
            })
        })
        .collect();
    let decided_in = plan
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| v.case_ref(i));
    json!({
        "roadmap": roadmap.map(|(p, r)| {
            let mut value = v.page_ref(p);
            value["version"] = json!(r.version);
            value
        }),
        "decided_in": decided_in,
        "text_lang": text_lang,
        "stages": Stage::ALL,
        "groups": groups,
        "project_count": plan.projects.len(),
    })
}

/// One project of a delivery plan, with the items it serves of the plan's roadmap (`roadmap`,
/// in this view's language); `text_lang` marks the plan's texts, `roadmap_lang` the roadmap's.
fn plan_project(
    v: &View<'_>,
    p: &Project,
    roadmap: Option<(usize, &Roadmap)>,
    text_lang: &Value,
    roadmap_lang: &Option<Value>,
) -> Value {
    let items: Vec<Value> = p
        .roadmap_items
        .iter()
        .map(|id| {
            let found = roadmap.and_then(|(rp, r)| {
                r.items
                    .iter()
                    .find(|i| i.id.get_ref() == id.get_ref())
                    .map(|i| (rp, i))
            });
            match found {
                Some((rp, i)) => json!({
                    "id": i.id.get_ref(),
                    "title": i.title,
                    "text_lang": roadmap_lang,
                    "permalink": format!("{}#{}", v.page(rp).permalink, i.id.get_ref()),
                }),
                None => json!({"id": id.get_ref(), "title": id.get_ref(), "permalink": null}),
            }
        })
        .collect();
    let stage_index = Stage::ALL.iter().position(|s| *s == p.stage).unwrap_or(0) + 1;
    json!({
        "id": p.id.get_ref(),
        "title": p.title,
        "text_lang": text_lang,
        "description": p.description,
        "actor": p.actor,
        "reference": p.reference,
        "stage": p.stage,
        "stage_number": stage_index,
        "note": p.note,
        "flags": p.flags,
        "roadmap_items": items,
    })
}

/// `page.meeting_plan`.
pub fn meeting_plan(v: &View<'_>, original: usize) -> Value {
    let Some(Kind::MeetingPlan(plan)) = &v.texts(original).source.meta.kind else {
        return Value::Null;
    };
    let reg = &v.site.governance;
    json!({
        "body": reg.find_body(plan.body.get_ref()).map(|b| v.body_ref(b)),
        "year": plan.year,
        "text_lang": v.text_lang(original),
        "dates": plan.dates.iter().map(|d| json!({"date": d.date.ymd(), "format": d.format, "note": d.note})).collect::<Vec<_>>(),
    })
}
