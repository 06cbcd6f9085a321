//! What templates see of governance records: plain JSON values, computed once per build, and
//! the generated pages (a permalink per case, the decision register, the follow-up tracker).
//!
//! Everything here reads the resolved [`Site`]; nothing renders templates.

use serde_json::{Value, json};

use super::model::*;
use super::registry::{CaseOrigin, Registry};
use crate::resolve::{Page, Site};

/// Short reference to a case, for lists and links.
pub fn case_ref(reg: &Registry, i: usize) -> Value {
    let c = &reg.cases[i];
    json!({"id": c.id, "title": c.title, "permalink": c.permalink})
}

fn page_ref(p: &Page) -> Value {
    json!({"title": p.title(), "permalink": p.permalink, "date": p.date().map(|d| d.ymd())})
}

fn body_ref(site: &Site, b: usize) -> Value {
    let body = &site.governance.bodies[b];
    let section = &site.sections[body.section];
    json!({
        "id": body.id,
        "short_name": body.body.short_name,
        "title": section.title(),
        "permalink": section.permalink,
    })
}

fn html(r: &Option<crate::markdown::Rendered>) -> Value {
    r.as_ref()
        .map_or(Value::Null, |r| Value::String(r.html.clone()))
}

/// One agenda case, complete.
fn agenda_case(site: &Site, m: usize, c: usize) -> Value {
    let reg = &site.governance;
    let entry = &reg.meetings[m];
    let page = &site.pages[entry.page];
    let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let case = &meeting.cases[c];
    let texts = entry.texts.get(c).cloned().unwrap_or_default();
    let index = entry.cases[c];
    let refs = |list: &[usize]| -> Vec<Value> { list.iter().map(|&i| case_ref(reg, i)).collect() };
    let (cites, cited_by, slug, permalink) = match index {
        Some(i) => (
            refs(&reg.cases[i].cites),
            refs(&reg.cases[i].cited_by),
            reg.cases[i].slug.clone(),
            reg.cases[i].permalink.clone(),
        ),
        None => (Vec::new(), Vec::new(), String::new(), String::new()),
    };
    let attachments: Vec<Value> = case
        .attachments
        .iter()
        .map(|a| {
            let href = match (&a.url, &a.path) {
                (Some(url), _) => url.clone(),
                (None, Some(path)) => format!("{}{}", page.permalink, path),
                (None, None) => String::new(),
            };
            json!({"title": a.title, "href": href})
        })
        .collect();
    json!({
        "id": case.id.get_ref(),
        "slug": slug,
        "anchor": format!("sak-{slug}"),
        "title": case.title,
        "type": case.kind,
        "group": case.group,
        "start": case.start.as_ref().map(|t| t.get_ref().to_string()),
        "end": case.end.as_ref().map(|t| t.get_ref().to_string()),
        "presenters": case.presenters,
        "background": html(&texts.background),
        "proposal": html(&texts.proposal),
        "decision": html(&texts.decision),
        "cites": cites,
        "cited_by": cited_by,
        "attachments": attachments,
        "permalink": permalink,
        "meeting": meeting_ref(site, m),
    })
}

fn meeting_ref(site: &Site, m: usize) -> Value {
    let entry = &site.governance.meetings[m];
    let page = &site.pages[entry.page];
    let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
        return Value::Null;
    };
    json!({
        "title": page.title(),
        "permalink": page.permalink,
        "number": meeting.number.get_ref(),
        "date": meeting.date.get_ref().ymd(),
        "year": meeting.date.get_ref().year(),
        "status": meeting.status,
        "body": body_ref(site, entry.body),
        "case_count": meeting.cases.len(),
    })
}

fn follow_up(site: &Site, page: &Page, f: &FollowUp) -> Value {
    let reg = &site.governance;
    let case = reg.find_case(f.case.get_ref()).map(|i| case_ref(reg, i));
    let resolved_by = f
        .resolved_by
        .as_ref()
        .and_then(|r| reg.find_case(r.get_ref()))
        .map(|i| case_ref(reg, i));
    json!({
        "case_id": f.case.get_ref(),
        "case": case,
        "item": f.item,
        "response": f.response,
        "status": f.status,
        "resolved_by": resolved_by,
        "meeting": page_ref(page),
    })
}

/// `page.meeting`.
pub fn meeting(site: &Site, m: usize) -> Value {
    let entry = &site.governance.meetings[m];
    let page = &site.pages[entry.page];
    let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let cases: Vec<Value> = (0..meeting.cases.len())
        .map(|c| agenda_case(site, m, c))
        .collect();
    let follow_ups: Vec<Value> = meeting
        .follow_ups
        .iter()
        .map(|f| follow_up(site, page, f))
        .collect();
    json!({
        "body": body_ref(site, entry.body),
        "number": meeting.number.get_ref(),
        "date": meeting.date.get_ref().ymd(),
        "year": meeting.date.get_ref().year(),
        "start": meeting.start.map(|t| t.to_string()),
        "end": meeting.end.map(|t| t.to_string()),
        "format": meeting.format,
        "place": meeting.place,
        "status": meeting.status,
        "cases": cases,
        "follow_ups": follow_ups,
        "jsonld": super::data::meeting_jsonld(site, m),
    })
}

/// The meeting archive of a body for one year.
pub fn archive(site: &Site, body: usize, year: i32) -> Value {
    let reg = &site.governance;
    let meetings: Vec<Value> = reg
        .meetings
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, m)| m.body == body && m.year == year)
        .map(|(i, _)| {
            let mut v = meeting_ref(site, i);
            let cases: Vec<Value> = reg.meetings[i]
                .cases
                .iter()
                .flatten()
                .map(|&c| case_ref(reg, c))
                .collect();
            v["cases"] = json!(cases);
            v
        })
        .collect();
    let years: Vec<Value> = reg
        .archive_years()
        .into_iter()
        .filter(|(b, _)| *b == body)
        .rev()
        .map(|(b, y)| json!({"year": y, "permalink": site.config.absolute_url(&reg.archive_path(b, y)), "is_this": y == year}))
        .collect();
    json!({"body": body_ref(site, body), "year": year, "meetings": meetings, "years": years})
}

/// The context of a case's own page.
pub fn case_page(site: &Site, i: usize) -> Value {
    let reg = &site.governance;
    let entry = &reg.cases[i];
    let refs = |list: &[usize]| -> Vec<Value> { list.iter().map(|&i| case_ref(reg, i)).collect() };
    match entry.origin {
        CaseOrigin::Agenda { meeting, case } => {
            let mut v = agenda_case(site, meeting, case);
            if let Some(o) = v.as_object_mut() {
                o.insert("declared".into(), Value::Bool(false));
                o.insert("body".into(), body_ref(site, entry.body));
                o.insert(
                    "jsonld".into(),
                    Value::String(super::data::case_jsonld(site, i)),
                );
            }
            v
        }
        CaseOrigin::Declared { page, .. } => {
            // Every follow-up item, anywhere, that concerns this case.
            let mut items = Vec::new();
            for m in &reg.meetings {
                let p = &site.pages[m.page];
                if let Some(Kind::Meeting(meeting)) = &p.source.meta.kind {
                    for f in &meeting.follow_ups {
                        if reg.find_case(f.case.get_ref()) == Some(i) {
                            items.push(follow_up(site, p, f));
                        }
                    }
                }
            }
            json!({
                "id": entry.id,
                "slug": entry.slug,
                "title": entry.title,
                "declared": true,
                "declared_in": page_ref(&site.pages[page]),
                "body": body_ref(site, entry.body),
                "cites": refs(&entry.cites),
                "cited_by": refs(&entry.cited_by),
                "follow_ups": items,
                "permalink": entry.permalink,
            })
        }
    }
}

/// Every case with a decision, or (when the decision is not published) of a type that asks
/// for one, newest meeting first.
pub fn decisions(site: &Site) -> Value {
    let reg = &site.governance;
    let mut rows = Vec::new();
    for (m, entry) in reg.meetings.iter().enumerate().rev() {
        let page = &site.pages[entry.page];
        let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
            continue;
        };
        for (c, case) in meeting.cases.iter().enumerate() {
            if !super::data::asks_for_decision(case) {
                continue;
            }
            rows.push(agenda_case(site, m, c));
        }
    }
    let mut years: Vec<i64> = rows
        .iter()
        .filter_map(|r| r["meeting"]["year"].as_i64())
        .collect();
    years.sort_unstable();
    years.dedup();
    years.reverse();
    let bodies: Vec<Value> = (0..reg.bodies.len()).map(|b| body_ref(site, b)).collect();
    json!({"cases": rows, "years": years, "bodies": bodies})
}

/// Every follow-up item, with the status it had at the latest meeting that reviewed it.
pub fn follow_ups(site: &Site) -> Value {
    let reg = &site.governance;
    let mut latest: Vec<(String, String, Value)> = Vec::new();
    for entry in &reg.meetings {
        let page = &site.pages[entry.page];
        let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
            continue;
        };
        for f in &meeting.follow_ups {
            let key_case = reg
                .find_case(f.case.get_ref())
                .map_or_else(|| f.case.get_ref().clone(), |i| reg.cases[i].id.clone());
            let value = follow_up(site, page, f);
            // Meetings are in date order: a later review replaces an earlier one.
            match latest
                .iter_mut()
                .find(|(c, item, _)| *c == key_case && *item == f.item)
            {
                Some(slot) => slot.2 = value,
                None => latest.push((key_case, f.item.clone(), value)),
            }
        }
    }
    let (open, closed): (Vec<Value>, Vec<Value>) = latest
        .into_iter()
        .map(|(_, _, v)| v)
        .partition(|v| v["status"] == "open");
    json!({"open": open, "closed": closed})
}

/// `page.document`: this version, the current one, and the whole history with diffs.
pub fn document(site: &Site, d: usize) -> Value {
    let reg = &site.governance;
    let this_page = &site.pages[reg.documents[d].page];
    let Some(Kind::Document(doc)) = &this_page.source.meta.kind else {
        return Value::Null;
    };
    // Walk to the newest version, then back through the history.
    let mut current = d;
    let mut guard = 0;
    while let Some(n) = reg.documents[current].next {
        current = n;
        guard += 1;
        if guard > 1000 {
            break;
        }
    }
    let mut versions = Vec::new();
    let mut at = Some(current);
    let mut guard = 0;
    while let Some(v) = at {
        let entry = &reg.documents[v];
        let page = &site.pages[entry.page];
        if let Some(Kind::Document(vdoc)) = &page.source.meta.kind {
            let diff = entry.previous.map(|p| {
                let old = site.pages[reg.documents[p].page].source.body();
                word_diff(old, page.source.body())
            });
            versions.push(json!({
                "version": vdoc.version,
                "adopted": vdoc.adopted.map(|a| a.ymd()),
                "decided_by": vdoc.decided_by,
                "title": page.title(),
                "permalink": page.permalink,
                "is_this": v == d,
                "is_current": v == current,
                "previous_version": entry.previous.and_then(|p| match &site.pages[reg.documents[p].page].source.meta.kind {
                    Some(Kind::Document(pd)) => Some(pd.version.clone()),
                    _ => None,
                }),
                "diff": diff,
            }));
        }
        at = entry.previous;
        guard += 1;
        if guard > 1000 {
            break;
        }
    }
    let current_page = &site.pages[reg.documents[current].page];
    json!({
        "id": doc.id.get_ref(),
        "type": doc.kind,
        "version": doc.version,
        "adopted": doc.adopted.map(|a| a.ymd()),
        "decided_by": doc.decided_by,
        "body": doc.body.as_ref().and_then(|b| reg.body(b.get_ref())).map(|b| body_ref(site, b)),
        "is_current": current == d,
        "current": page_ref(current_page),
        "versions": versions,
    })
}

/// A readable word-level diff of two Markdown texts, as HTML paragraphs: paragraphs are
/// matched first, then the words of each changed paragraph, and each run of changes is shown
/// as one `<del>` (the old words) followed by one `<ins>` (the new ones).
pub fn word_diff(old: &str, new: &str) -> String {
    use similar::{DiffOp, TextDiff};
    let paragraphs = |text: &str| -> Vec<String> {
        text.split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    };
    let (old_p, new_p) = (paragraphs(old), paragraphs(new));
    let old_refs: Vec<&str> = old_p.iter().map(String::as_str).collect();
    let new_refs: Vec<&str> = new_p.iter().map(String::as_str).collect();
    let diff = TextDiff::from_slices(&old_refs, &new_refs);
    let mut out = Vec::new();
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { old_index, len, .. } => {
                for p in &old_refs[old_index..old_index + len] {
                    out.push(format!("<p>{}</p>", crate::templates::escape(p)));
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for p in &old_refs[old_index..old_index + old_len] {
                    out.push(format!("<p><del>{}</del></p>", crate::templates::escape(p)));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for p in &new_refs[new_index..new_index + new_len] {
                    out.push(format!("<p><ins>{}</ins></p>", crate::templates::escape(p)));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let pairs = old_len.min(new_len);
                for k in 0..pairs {
                    out.push(format!(
                        "<p>{}</p>",
                        paragraph_diff(old_refs[old_index + k], new_refs[new_index + k])
                    ));
                }
                for p in &old_refs[old_index + pairs..old_index + old_len] {
                    out.push(format!("<p><del>{}</del></p>", crate::templates::escape(p)));
                }
                for p in &new_refs[new_index + pairs..new_index + new_len] {
                    out.push(format!("<p><ins>{}</ins></p>", crate::templates::escape(p)));
                }
            }
        }
    }
    out.join("\n")
}

/// The words of one paragraph against its new version.
fn paragraph_diff(old: &str, new: &str) -> String {
    use similar::{ChangeTag, TextDiff};
    let escape = crate::templates::escape;
    let diff = TextDiff::from_words(old, new);
    // Paragraphs that share little read better as a whole replacement than as confetti.
    if diff.ratio() < 0.5 {
        return format!("<del>{}</del> <ins>{}</ins>", escape(old), escape(new));
    }
    let changes: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let mut out = String::new();
    let (mut del, mut ins) = (String::new(), String::new());
    let flush = |out: &mut String, del: &mut String, ins: &mut String| {
        let (d, i) = (del.trim_end(), ins.trim_end());
        if !d.is_empty() {
            out.push_str(&format!("<del>{}</del>", escape(d)));
        }
        if !i.is_empty() {
            out.push_str(&format!("<ins>{}</ins>", escape(i)));
        }
        // Keep the space that separated the run from what follows.
        if del.len() != d.len() || ins.len() != i.len() {
            out.push(' ');
        }
        del.clear();
        ins.clear();
    };
    for (i, (tag, text)) in changes.iter().enumerate() {
        match tag {
            ChangeTag::Delete => del.push_str(text),
            ChangeTag::Insert => ins.push_str(text),
            ChangeTag::Equal => {
                // A lone space between two changes joins them into one run.
                let in_run = !(del.is_empty() && ins.is_empty());
                let next_changes = changes
                    .get(i + 1)
                    .is_some_and(|(t, _)| *t != ChangeTag::Equal);
                if in_run && next_changes && text.trim().is_empty() {
                    del.push_str(text);
                    ins.push_str(text);
                    continue;
                }
                flush(&mut out, &mut del, &mut ins);
                out.push_str(&escape(text));
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    out.trim_end().to_string()
}

/// `page.roadmap`: the grid of areas × horizons, and every item with the projects serving it.
pub fn roadmap(site: &Site, r: usize) -> Value {
    let reg = &site.governance;
    let page = &site.pages[reg.roadmaps[r]];
    let Some(Kind::Roadmap(roadmap)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let texts = reg.roadmap_texts.get(r);
    let plans = delivery_plans_of(site, roadmap.id.get_ref());
    let items: Vec<Value> = roadmap
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let projects: Vec<Value> = plans
                .iter()
                .flat_map(|(p, plan)| {
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
                                "stage": pr.stage,
                                "permalink": format!("{}#{}", p.permalink, pr.id.get_ref()),
                            })
                        })
                })
                .collect();
            json!({
                "id": item.id.get_ref(),
                "title": item.title,
                "area": item.area.get_ref(),
                "horizon": item.horizon.get_ref(),
                "status": item.status,
                "description": texts.and_then(|t| t.get(i)).map_or(Value::Null, html),
                "projects": projects,
            })
        })
        .collect();
    let areas: Vec<Value> = roadmap
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
        .collect();
    let decided_in = roadmap
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| case_ref(reg, i));
    json!({
        "id": roadmap.id.get_ref(),
        "version": roadmap.version,
        "adopted": roadmap.adopted.map(|a| a.ymd()),
        "decided_in": decided_in,
        "areas": areas,
        "horizons": roadmap.horizons,
        "items": items,
        "delivery_plans": plans.iter().map(|(p, _)| page_ref(p)).collect::<Vec<_>>(),
    })
}

fn delivery_plans_of<'s>(site: &'s Site, roadmap_id: &str) -> Vec<(&'s Page, &'s DeliveryPlan)> {
    site.governance
        .delivery_plans
        .iter()
        .filter_map(|&p| {
            let page = &site.pages[p];
            match &page.source.meta.kind {
                Some(Kind::DeliveryPlan(plan)) if plan.roadmap.get_ref() == roadmap_id => {
                    Some((page, plan))
                }
                _ => None,
            }
        })
        .collect()
}

fn roadmap_of<'s>(site: &'s Site, id: &str) -> Option<(&'s Page, &'s Roadmap)> {
    site.governance.roadmaps.iter().find_map(|&p| {
        let page = &site.pages[p];
        match &page.source.meta.kind {
            Some(Kind::Roadmap(r)) if r.id.get_ref() == id => Some((page, r)),
            _ => None,
        }
    })
}

/// `page.delivery_plan`: projects grouped by strategic area, each with its progress stage.
pub fn delivery_plan(site: &Site, d: usize) -> Value {
    let reg = &site.governance;
    let page = &site.pages[reg.delivery_plans[d]];
    let Some(Kind::DeliveryPlan(plan)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let roadmap = roadmap_of(site, plan.roadmap.get_ref());
    let project = |p: &Project| {
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
                        "permalink": format!("{}#{}", rp.permalink, i.id.get_ref()),
                    }),
                    None => json!({"id": id.get_ref(), "title": id.get_ref(), "permalink": null}),
                }
            })
            .collect();
        let stage_index = Stage::ALL.iter().position(|s| *s == p.stage).unwrap_or(0) + 1;
        json!({
            "id": p.id.get_ref(),
            "title": p.title,
            "description": p.description,
            "actor": p.actor,
            "reference": p.reference,
            "stage": p.stage,
            "stage_number": stage_index,
            "note": p.note,
            "flags": p.flags,
            "roadmap_items": items,
        })
    };
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
            (!projects.is_empty())
                .then(|| json!({"area": {"id": id, "title": title}, "projects": projects}))
        })
        .collect();
    let decided_in = plan
        .decided_in
        .as_ref()
        .and_then(|c| reg.find_case(c.get_ref()))
        .map(|i| case_ref(reg, i));
    json!({
        "roadmap": roadmap.map(|(p, r)| json!({"title": p.title(), "permalink": p.permalink, "version": r.version})),
        "decided_in": decided_in,
        "stages": Stage::ALL,
        "groups": groups,
        "project_count": plan.projects.len(),
    })
}

/// `page.meeting_plan`.
pub fn meeting_plan(site: &Site, page: &Page) -> Value {
    let Some(Kind::MeetingPlan(plan)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let reg = &site.governance;
    json!({
        "body": reg.body(plan.body.get_ref()).map(|b| body_ref(site, b)),
        "year": plan.year,
        "dates": plan.dates.iter().map(|d| json!({"date": d.date.ymd(), "format": d.format, "note": d.note})).collect::<Vec<_>>(),
    })
}

/// `page.dataset`, with its chart drawn as SVG at build time.
pub fn dataset(site: &Site, page: &Page) -> Value {
    let Some(Kind::Dataset(set)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let reg = &site.governance;
    let rows: Vec<Vec<Value>> = set
        .rows
        .get_ref()
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    DataCell::Number(n) => json!(n),
                    DataCell::Text(t) => json!(t),
                })
                .collect()
        })
        .collect();
    let chart = match set.chart {
        Chart::Bar => Some(bar_chart(set, page)),
        Chart::None => None,
    };
    json!({
        "id": set.id.get_ref(),
        "caption": set.caption,
        "unit": set.unit,
        "columns": set.columns,
        "rows": rows,
        "chart": chart,
        "source": set.source.as_ref().and_then(|c| reg.find_case(c.get_ref())).map(|i| case_ref(reg, i)),
    })
}

/// A horizontal bar chart of the first number column, labelled, with no styles in it (colours
/// come from the stylesheet, so it follows light and dark themes).
fn bar_chart(set: &Dataset, page: &Page) -> String {
    use crate::templates::escape;
    let rows: Vec<(String, f64)> = set
        .rows
        .get_ref()
        .iter()
        .filter_map(|r| {
            let label = match r.first()? {
                DataCell::Text(t) => t.clone(),
                DataCell::Number(n) => n.to_string(),
            };
            match r.get(1)? {
                DataCell::Number(n) => Some((label, *n)),
                DataCell::Text(_) => None,
            }
        })
        .collect();
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    let (label_w, bar_w, row_h) = (180.0, 380.0, 28.0);
    let width = label_w + bar_w + 90.0;
    let height = row_h * rows.len() as f64 + 8.0;
    let id = format!("chart-{}", set.id.get_ref());
    let title = set
        .caption
        .clone()
        .unwrap_or_else(|| page.title().to_string());
    let mut svg = format!(
        "<svg class=\"chart chart-bar\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title>",
        escape(&title)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = (value / max * bar_w).max(1.0);
        svg.push_str(&format!(
            "<text class=\"chart-label\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"chart-bar-rect\" x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\"></rect><text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_w - 8.0,
            y + row_h * 0.65,
            escape(label),
            row_h - 8.0,
            label_w + w + 6.0,
            y + row_h * 0.65,
            format_number(*value)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A number as Norwegian tables write it: thin-space thousands, decimal comma.
pub fn format_number(n: f64) -> String {
    let negative = n < 0.0;
    let n = n.abs();
    let whole = n.trunc() as u64;
    let frac = n - n.trunc();
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    if frac > 1e-9 {
        let f = format!("{frac:.2}");
        out.push(',');
        out.push_str(f.trim_start_matches("0.").trim_end_matches('0'));
    }
    if negative { format!("-{out}") } else { out }
}

/// The section value's `body`: who the body is and everything it has published.
pub fn body(site: &Site, section: usize) -> Value {
    let reg = &site.governance;
    let Some(b) = reg.bodies.iter().position(|b| b.section == section) else {
        return Value::Null;
    };
    let entry = &reg.bodies[b];
    let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
    for (m, me) in reg.meetings.iter().enumerate().rev() {
        if me.body != b {
            continue;
        }
        let v = meeting_ref(site, m);
        let year = v["year"].as_i64().unwrap_or_default() as i32;
        match years.iter_mut().find(|(y, _)| *y == year) {
            Some((_, list)) => list.push(v),
            None => years.push((year, vec![v])),
        }
    }
    let documents: Vec<Value> = reg
        .documents
        .iter()
        .filter(|d| d.next.is_none())
        .filter_map(|d| {
            let p = &site.pages[d.page];
            match &p.source.meta.kind {
                Some(Kind::Document(doc))
                    if doc.body.as_ref().is_some_and(|x| *x.get_ref() == entry.id) =>
                {
                    Some(page_ref(p))
                }
                _ => None,
            }
        })
        .collect();
    let plans: Vec<Value> = reg
        .meeting_plans
        .iter()
        .filter_map(|&p| {
            let page = &site.pages[p];
            match &page.source.meta.kind {
                Some(Kind::MeetingPlan(plan)) if *plan.body.get_ref() == entry.id => {
                    Some(page_ref(page))
                }
                _ => None,
            }
        })
        .collect();
    let related: Vec<Value> = entry
        .body
        .related
        .iter()
        .filter_map(|r| reg.body(r.get_ref()))
        .map(|r| body_ref(site, r))
        .collect();
    json!({
        "id": entry.id,
        "short_name": entry.body.short_name,
        "secretariat": entry.body.secretariat,
        "members": entry.body.members,
        "related": related,
        "case_id_format": entry.body.case_id.get_ref(),
        "meetings_by_year": years.into_iter().map(|(y, list)| json!({
            "year": y,
            "meetings": list,
            "archive": site.config.absolute_url(&reg.archive_path(b, y)),
        })).collect::<Vec<_>>(),
        "documents": documents,
        "meeting_plans": plans,
    })
}

/// The governance value a page's template gets, by its kind (`meeting`, `document`, …).
pub fn page_kind(site: &Site, index: usize) -> Option<(&'static str, Value)> {
    let page = &site.pages[index];
    let reg = &site.governance;
    let kind = page.source.meta.kind.as_ref()?;
    Some(match kind {
        Kind::Meeting(_) => (
            "meeting",
            reg.meetings
                .iter()
                .position(|m| m.page == index)
                .map_or(Value::Null, |m| meeting(site, m)),
        ),
        Kind::Document(_) => (
            "document",
            reg.documents
                .iter()
                .position(|d| d.page == index)
                .map_or(Value::Null, |d| document(site, d)),
        ),
        Kind::Roadmap(_) => (
            "roadmap",
            reg.roadmaps
                .iter()
                .position(|&p| p == index)
                .map_or(Value::Null, |r| roadmap(site, r)),
        ),
        Kind::DeliveryPlan(_) => (
            "delivery_plan",
            reg.delivery_plans
                .iter()
                .position(|&p| p == index)
                .map_or(Value::Null, |d| delivery_plan(site, d)),
        ),
        Kind::MeetingPlan(_) => ("meeting_plan", meeting_plan(site, page)),
        Kind::Dataset(_) => ("dataset", dataset(site, page)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_words_and_keeps_paragraphs() {
        let html = word_diff(
            "Styret har to år funksjonstid.\n\nSekretariat: Direktoratet for e-helse.",
            "Styret har fast funksjonstid.\n\nSekretariat: Norsk helsenett.",
        );
        assert_eq!(
            html,
            "<p>Styret har <del>to år</del><ins>fast</ins> funksjonstid.</p>\n<p>Sekretariat: <del>Direktoratet for e-helse.</del><ins>Norsk helsenett.</ins></p>"
        );
        assert!(!word_diff("<b>", "<i>").contains("<b>"));
    }

    #[test]
    fn numbers_as_norwegian_tables_write_them() {
        assert_eq!(format_number(210042.0), "210\u{202f}042");
        assert_eq!(format_number(5260000.0), "5\u{202f}260\u{202f}000");
        assert_eq!(format_number(80.0), "80");
        assert_eq!(format_number(4.9), "4,9");
    }
}
