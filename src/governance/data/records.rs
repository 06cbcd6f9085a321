//! The governance records of every dataset, one builder per dataset: the JSON values that the
//! JSON and CSV files publish, in the order of the dataset's fields.

use serde_json::{Value, json};

use crate::governance::model::*;
use crate::governance::registry::{CaseId, CaseOrigin};
use crate::resolve::Site;

fn text(s: &Option<toml::Spanned<String>>) -> Value {
    s.as_ref().map_or(Value::Null, |t| {
        Value::String(t.get_ref().trim().to_string())
    })
}

pub(super) fn meetings(site: &Site) -> Vec<Value> {
    let reg = &site.governance;
    reg.meetings()
        .filter_map(|(_, m)| {
            let page = site.page(m.page);
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                return None;
            };
            Some(json!({
                "body": reg.body(m.body).id,
                "number": meeting.number.get_ref(),
                "title": page.title(),
                "date": meeting.date.get_ref().ymd(),
                "start": meeting.start.map(|t| t.to_string()),
                "end": meeting.end.map(|t| t.to_string()),
                "format": meeting.format,
                "place": meeting.place,
                "status": meeting.status,
                "cases": meeting.cases.iter().map(|c| c.id.get_ref().clone()).collect::<Vec<_>>(),
                "url": page.permalink,
            }))
        })
        .collect()
}

pub(super) fn cases(site: &Site) -> Vec<Value> {
    let reg = &site.governance;
    let ids =
        |list: &[CaseId]| -> Vec<String> { list.iter().map(|&i| reg.case(i).id.clone()).collect() };
    reg.case_ids()
        .map(|i| {
            let c = reg.case(i);
            let mut v = json!({
                "id": c.id,
                "body": reg.body(c.body).id,
                "year": c.numbers.year,
                "meeting": null,
                "meeting_date": null,
                "title": c.title,
                "type": null,
                "start": null,
                "end": null,
                "presenters": [],
                "proposal": null,
                "decision": null,
                "references": ids(&c.cites),
                "cited_by": ids(&c.cited_by),
                "url": c.permalink,
            });
            if let CaseOrigin::Agenda { meeting, case } = c.origin {
                let page = site.page(reg.meeting(meeting).page);
                if let Some(Kind::Meeting(m)) = &page.source.meta.kind {
                    let a = &m.cases[case];
                    let o = v.as_object_mut().expect("object literal");
                    o.insert("meeting".into(), json!(m.number.get_ref()));
                    o.insert("meeting_date".into(), json!(m.date.get_ref().ymd()));
                    o.insert("type".into(), json!(a.kind));
                    o.insert(
                        "start".into(),
                        json!(a.start.as_ref().map(|t| t.get_ref().to_string())),
                    );
                    o.insert(
                        "end".into(),
                        json!(a.end.as_ref().map(|t| t.get_ref().to_string())),
                    );
                    o.insert(
                        "presenters".into(),
                        json!(a.presenters.iter().map(presenter).collect::<Vec<_>>()),
                    );
                    o.insert("proposal".into(), text(&a.proposal));
                    o.insert("decision".into(), text(&a.decision));
                }
            }
            v
        })
        .collect()
}

fn presenter(p: &Presenter) -> String {
    match &p.organisation {
        Some(org) => format!("{} ({org})", p.name),
        None => p.name.clone(),
    }
}

pub(super) fn decisions(site: &Site) -> Vec<Value> {
    let reg = &site.governance;
    let mut out = Vec::new();
    for (_, m) in reg.meetings() {
        let page = site.page(m.page);
        let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
            continue;
        };
        for (c, case) in meeting.cases.iter().enumerate() {
            if !has_decision(case) {
                continue;
            }
            let url = m.cases[c].map(|i| reg.case(i).permalink.clone());
            out.push(json!({
                "case": case.id.get_ref(),
                "body": reg.body(m.body).id,
                "meeting_date": meeting.date.get_ref().ymd(),
                "title": case.title,
                "type": case.kind,
                "proposal": text(&case.proposal),
                "decision": text(&case.decision),
                "url": url,
            }));
        }
    }
    out
}

/// Whether a case belongs in the decision register: its decision is recorded. A case of a type
/// that asks for a decision is not a decision until one is written down.
pub fn has_decision(case: &Case) -> bool {
    case.decision.is_some()
}

/// Whether a case was put up for a decision (approval, decision, endorsement) that is not
/// recorded: the register lists these apart, with their proposals.
pub fn awaits_decision(case: &Case) -> bool {
    case.decision.is_none()
        && matches!(
            case.kind,
            Some(CaseType::Decision | CaseType::Approval | CaseType::Endorsement)
        )
}

pub(super) fn roadmap_items(site: &Site) -> Vec<Value> {
    let mut out = Vec::new();
    for &p in &site.governance.roadmaps {
        let page = site.page(p);
        let Some(Kind::Roadmap(r)) = &page.source.meta.kind else {
            continue;
        };
        let plans: Vec<&DeliveryPlan> = site
            .governance
            .delivery_plans
            .iter()
            .filter_map(|&d| match &site.page(d).source.meta.kind {
                Some(Kind::DeliveryPlan(plan)) if plan.roadmap.get_ref() == r.id.get_ref() => {
                    Some(plan)
                }
                _ => None,
            })
            .collect();
        let title_of = |list: &[Labelled], id: &str| {
            list.iter()
                .find(|l| l.id == id)
                .map_or_else(|| id.to_string(), |l| l.title.clone())
        };
        for item in &r.items {
            let projects: Vec<String> = plans
                .iter()
                .flat_map(|plan| plan.projects.iter())
                .filter(|pr| {
                    pr.roadmap_items
                        .iter()
                        .any(|x| x.get_ref() == item.id.get_ref())
                })
                .map(|pr| pr.id.get_ref().clone())
                .collect();
            out.push(json!({
                "roadmap": r.id.get_ref(),
                "version": r.version,
                "id": item.id.get_ref(),
                "title": item.title,
                "area": item.area.get_ref(),
                "area_title": title_of(&r.areas, item.area.get_ref()),
                "horizon": item.horizon.get_ref(),
                "horizon_title": title_of(&r.horizons, item.horizon.get_ref()),
                "status": item.status,
                "projects": projects,
                "url": format!("{}#{}", page.permalink, item.id.get_ref()),
            }));
        }
    }
    out
}

pub(super) fn projects(site: &Site) -> Vec<Value> {
    let mut out = Vec::new();
    for &p in &site.governance.delivery_plans {
        let page = site.page(p);
        let Some(Kind::DeliveryPlan(plan)) = &page.source.meta.kind else {
            continue;
        };
        for pr in &plan.projects {
            out.push(json!({
                "id": pr.id.get_ref(),
                "title": pr.title,
                "description": pr.description,
                "area": pr.area.get_ref(),
                "actor": pr.actor,
                "stage": pr.stage,
                "roadmap_items": pr.roadmap_items.iter().map(|i| i.get_ref().clone()).collect::<Vec<_>>(),
                "reference": pr.reference,
                "note": pr.note,
                "flags": pr.flags,
                "url": format!("{}#{}", page.permalink, pr.id.get_ref()),
            }));
        }
    }
    out
}
