//! A body's section value (`body`), the governance value of each page by its kind
//! (`page_kind`), and the front page's `overview`: the next meeting, the latest meetings and
//! decisions, the current roadmap and delivery plan.

use crate::date::Date;
use serde_json::{Value, json};

use super::{View, dataset, delivery_plan, document, meeting_plan, roadmap};
use crate::governance::model::{
    DeliveryPlan, ItemStatus, Kind, Meeting, MeetingStatus, Roadmap, Stage,
};
use crate::governance::registry::{BodyId, MeetingId};
use crate::resolve::{PageId, SectionId, Site, Target};
use crate::site::ids::LangId;

/// The section value's `body`: who the body is and everything it has published.
pub fn body(v: &View<'_>, section: SectionId) -> Value {
    let site = v.site;
    let reg = &site.governance;
    let key = &site.section(section).source.key;
    let Some((b, entry)) = reg
        .bodies()
        .find(|(_, b)| site.section(b.section).source.key == *key)
    else {
        return Value::Null;
    };
    let section = entry.section;
    let texts = site
        .section(reg.text_section(section, v.lang))
        .source
        .meta
        .body
        .as_ref()
        .unwrap_or(&entry.body);
    let text_section = site.section(reg.text_section(section, v.lang));
    let related: Vec<Value> = entry
        .body
        .related
        .iter()
        .filter_map(|r| reg.find_body(r.get_ref()))
        .map(|r| v.body_ref(r))
        .collect();
    let text_lang = if text_section.source.meta.body.is_none() {
        v.lang_mark(LangId::DEFAULT)
    } else {
        v.mark_of(&text_section.source)
    };
    json!({
        "id": entry.id,
        "short_name": texts.short_name,
        "secretariat": texts.secretariat,
        "members": texts.members,
        "text_lang": text_lang,
        "related": related,
        "case_id_format": entry.body.case_id.get_ref(),
        "meetings_by_year": meetings_by_year(v, b),
        "documents": body_documents(v, &entry.id),
        "meeting_plans": body_meeting_plans(v, &entry.id),
    })
}

/// The meetings of body `b`, newest first, grouped by year, each year with its archive page.
fn meetings_by_year(v: &View<'_>, b: BodyId) -> Vec<Value> {
    let reg = &v.site.governance;
    let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
    for (m, me) in reg.meetings().rev() {
        if me.body != b {
            continue;
        }
        let value = v.meeting_ref(m);
        let year = value["year"].as_i64().unwrap_or_default() as i32;
        match years.iter_mut().find(|(y, _)| *y == year) {
            Some((_, list)) => list.push(value),
            None => years.push((year, vec![value])),
        }
    }
    years
        .into_iter()
        .map(|(y, list)| {
            json!({
                "year": y,
                "meetings": list,
                "archive": v.absolute(&reg.archive_path(b, y, v.lang)),
            })
        })
        .collect::<Vec<_>>()
}

/// The current versions of the governing documents of the body with this id.
fn body_documents(v: &View<'_>, id: &str) -> Vec<Value> {
    let site = v.site;
    site.governance
        .documents
        .iter()
        .filter(|d| d.next.is_none())
        .filter_map(|d| match &site.page(d.page).source.meta.kind {
            Some(Kind::Document(doc)) if doc.body.as_ref().is_some_and(|x| x.get_ref() == id) => {
                Some(v.page_ref(d.page))
            }
            _ => None,
        })
        .collect()
}

/// The meeting plans of the body with this id.
fn body_meeting_plans(v: &View<'_>, id: &str) -> Vec<Value> {
    let site = v.site;
    site.governance
        .meeting_plans
        .iter()
        .filter_map(|&p| match &site.page(p).source.meta.kind {
            Some(Kind::MeetingPlan(plan)) if plan.body.get_ref() == id => Some(v.page_ref(p)),
            _ => None,
        })
        .collect()
}

/// Whether page `id` is a version of a governing document (or a translation of one): its
/// text is compared with the versions before and after it, so their pages show it too.
pub fn is_document(site: &Site, id: PageId) -> bool {
    let page = site.page(id);
    let original = match site.get(&page.source.key, LangId::DEFAULT) {
        Some(Target::Page(i)) => i,
        _ => id,
    };
    matches!(page.source.meta.kind, Some(Kind::Document(_)))
        || matches!(
            site.page(original).source.meta.kind,
            Some(Kind::Document(_))
        )
}

/// The governance value a page's template gets, by its kind (`meeting`, `document`, …): the
/// record of the page's original, seen in the page's language.
pub fn page_kind(site: &Site, id: PageId) -> Option<(&'static str, Value)> {
    let page = site.page(id);
    let reg = &site.governance;
    // Records are indexed by the original's page; translations and stand-ins share its key.
    let original = match site.get(&page.source.key, LangId::DEFAULT) {
        Some(Target::Page(i)) => i,
        _ => id,
    };
    let kind = site.page(original).source.meta.kind.as_ref()?;
    let v = View::new(site, page.source.lang);
    Some(match kind {
        Kind::Meeting(_) => (
            "meeting",
            reg.meetings()
                .find(|(_, m)| m.page == original)
                .map_or(Value::Null, |(m, _)| v.meeting(m)),
        ),
        Kind::Document(_) => (
            "document",
            reg.documents
                .iter()
                .position(|d| d.page == original)
                .map_or(Value::Null, |d| document(&v, d)),
        ),
        Kind::Roadmap(_) => (
            "roadmap",
            reg.roadmaps
                .iter()
                .position(|&p| p == original)
                .map_or(Value::Null, |r| json!(roadmap(&v, r))),
        ),
        Kind::DeliveryPlan(_) => (
            "delivery_plan",
            reg.delivery_plans
                .iter()
                .position(|&p| p == original)
                .map_or(Value::Null, |d| json!(delivery_plan(&v, d))),
        ),
        Kind::MeetingPlan(_) => ("meeting_plan", meeting_plan(&v, original)),
        Kind::Dataset(_) => ("dataset", dataset(&v, original)),
    })
}

/// `overview`, on home sections: what the front page of the portal shows. Everything is
/// derived from the content, never from the clock, so that a build is reproducible: the next
/// meeting is the first planned one (a `planned` meeting, or a date of a meeting plan) after
/// its body's latest held meeting.
pub fn overview(v: &View<'_>) -> Value {
    let roadmap = latest_roadmap(v);
    json!({
        "next_meeting": next_meeting(v),
        "recent_meetings": recent_meetings(v),
        "latest_decisions": latest_decisions(v),
        "roadmap": roadmap.map(|(p, r)| roadmap_summary(v, p, r)),
        "delivery_plan": delivery_summary(v, roadmap),
    })
}

/// The record of meeting `m`, as its original writes it.
fn meeting_of(site: &Site, m: MeetingId) -> Option<&Meeting> {
    match &site.page(site.governance.meeting(m).page).source.meta.kind {
        Some(Kind::Meeting(meeting)) => Some(meeting),
        _ => None,
    }
}

/// The date of the latest held meeting of each body.
fn last_held(site: &Site) -> Vec<Option<Date>> {
    let reg = &site.governance;
    let mut last_held: Vec<Option<Date>> = vec![None; reg.body_ids().len()];
    for (m, entry) in reg.meetings() {
        if let Some(meeting) = meeting_of(site, m).filter(|x| x.status == MeetingStatus::Held) {
            let date = *meeting.date.get_ref();
            let slot = &mut last_held[entry.body.index()];
            if slot.is_none_or(|d| d < date) {
                *slot = Some(date);
            }
        }
    }
    last_held
}

/// Whether `date` comes after the latest held meeting of `body` (`last_held` by body).
fn after_last(last_held: &[Option<Date>], body: BodyId, date: Date) -> bool {
    last_held[body.index()].is_none_or(|d| date > d)
}

/// The next meeting: of the candidates (planned meetings, then dates of meeting plans) the
/// earliest wins, meetings before plan dates on a tie.
fn next_meeting(v: &View<'_>) -> Option<Value> {
    let last_held = last_held(v.site);
    let mut candidates = planned_meetings(v, &last_held);
    candidates.extend(plan_dates(v, &last_held));
    let mut next: Option<(Date, Value)> = None;
    for (date, value) in candidates {
        if next.as_ref().is_none_or(|(d, _)| date < *d) {
            next = Some((date, value));
        }
    }
    next.map(|(_, value)| value)
}

/// Candidates for the next meeting: the `planned` meetings after their body's latest held one.
fn planned_meetings(v: &View<'_>, last_held: &[Option<Date>]) -> Vec<(Date, Value)> {
    let mut out = Vec::new();
    for (m, entry) in v.site.governance.meetings() {
        let Some(meeting) = meeting_of(v.site, m).filter(|x| x.status == MeetingStatus::Planned)
        else {
            continue;
        };
        let date = *meeting.date.get_ref();
        if after_last(last_held, entry.body, date) {
            let mut value = v.meeting_ref(m);
            value["format"] = json!(meeting.format);
            value["start"] = json!(meeting.start.map(|t| t.to_string()));
            out.push((date, value));
        }
    }
    out
}

/// Candidates for the next meeting: of each meeting plan, its earliest date after its body's
/// latest held meeting that no meeting of the body has.
fn plan_dates(v: &View<'_>, last_held: &[Option<Date>]) -> Vec<(Date, Value)> {
    let site = v.site;
    let reg = &site.governance;
    let mut out = Vec::new();
    for &p in &reg.meeting_plans {
        let Some(Kind::MeetingPlan(plan)) = &v.texts(p).source.meta.kind else {
            continue;
        };
        let Some(body) = reg.find_body(plan.body.get_ref()) else {
            continue;
        };
        let taken = |date: Date| {
            reg.meetings().any(|(m, e)| {
                e.body == body && meeting_of(site, m).is_some_and(|x| *x.date.get_ref() == date)
            })
        };
        if let Some(d) = plan
            .dates
            .iter()
            .filter(|d| after_last(last_held, body, d.date) && !taken(d.date))
            .min_by_key(|d| d.date)
        {
            out.push((
                d.date,
                json!({
                    "date": d.date.ymd(),
                    "body": v.body_ref(body),
                    "format": d.format,
                    "note": d.note,
                    "plan": v.page_ref(p),
                    "text_lang": v.text_lang(p),
                }),
            ));
        }
    }
    out
}

/// The three latest held meetings.
fn recent_meetings(v: &View<'_>) -> Vec<Value> {
    let mut held: Vec<(Date, MeetingId)> = v
        .site
        .governance
        .meeting_ids()
        .filter_map(|m| {
            meeting_of(v.site, m)
                .filter(|x| x.status == MeetingStatus::Held)
                .map(|x| (*x.date.get_ref(), m))
        })
        .collect();
    held.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    held.iter()
        .take(3)
        .map(|&(_, m)| v.meeting_ref(m))
        .collect()
}

/// The five latest recorded decisions.
fn latest_decisions(v: &View<'_>) -> Vec<Value> {
    v.register_cases(crate::governance::data::has_decision)
        .take(5)
        .map(|(m, c)| v.agenda_case(m, c))
        .collect()
}

/// The roadmap adopted last: (original page, roadmap in this view's language).
fn latest_roadmap<'s>(v: &View<'s>) -> Option<(PageId, &'s Roadmap)> {
    let site = v.site;
    let reg = &site.governance;
    let chosen = reg
        .roadmaps
        .iter()
        .enumerate()
        .filter_map(|(r, &p)| match &site.page(p).source.meta.kind {
            Some(Kind::Roadmap(x)) => Some((r, x.adopted)),
            _ => None,
        })
        .max_by_key(|&(r, adopted)| (adopted, r))
        .map(|(r, _)| reg.roadmaps[r]);
    chosen.and_then(|p| match &v.texts(p).source.meta.kind {
        Some(Kind::Roadmap(r)) => Some((p, r)),
        _ => None,
    })
}

/// A roadmap (on page `p`), its items counted by status and by area.
fn roadmap_summary(v: &View<'_>, p: PageId, r: &Roadmap) -> Value {
    let statuses: Vec<Value> = [
        ItemStatus::InProgress,
        ItemStatus::NotStarted,
        ItemStatus::Delivered,
    ]
    .iter()
    .map(|s| (s, r.items.iter().filter(|i| i.status == *s).count()))
    .filter(|&(_, n)| n > 0)
    .map(|(s, n)| json!({"status": s, "count": n}))
    .collect();
    let areas: Vec<Value> = r
        .areas
        .iter()
        .map(|a| {
            let of_area = r.items.iter().filter(|i| *i.area.get_ref() == a.id);
            let (count, in_progress) = of_area.fold((0, 0), |(n, w), i| {
                (n + 1, w + usize::from(i.status == ItemStatus::InProgress))
            });
            json!({"id": a.id, "title": a.title, "count": count, "in_progress": in_progress})
        })
        .collect();
    let mut out = v.page_ref(p);
    out["version"] = json!(r.version);
    out["item_count"] = json!(r.items.len());
    out["statuses"] = json!(statuses);
    out["areas"] = json!(areas);
    out
}

/// The delivery plan of `roadmap` (else the first), its projects counted by stage and by area.
fn delivery_summary(v: &View<'_>, roadmap: Option<(PageId, &Roadmap)>) -> Option<Value> {
    let reg = &v.site.governance;
    let plan_of = |(d, &p): (usize, &PageId)| match &v.texts(p).source.meta.kind {
        Some(Kind::DeliveryPlan(plan)) => Some((d, p, plan)),
        _ => None,
    };
    let mut plans = reg.delivery_plans.iter().enumerate().filter_map(plan_of);
    let first = plans.clone().next();
    plans
        .find(|(_, _, plan)| roadmap.is_some_and(|(_, r)| plan.roadmap.get_ref() == r.id.get_ref()))
        .or(first)
        .map(|(d, p, plan)| stage_counts(v, d, p, plan))
}

/// A delivery plan (number `d`, on page `p`), its projects counted by stage and by strategic
/// area (each area linked to its part of the plan's page).
fn stage_counts(v: &View<'_>, d: usize, p: PageId, plan: &DeliveryPlan) -> Value {
    let stages: Vec<Value> = Stage::ALL
        .iter()
        .map(|s| {
            let n = plan.projects.iter().filter(|x| x.stage == *s).count();
            json!({"stage": s, "count": n})
        })
        .collect();
    let mut out = v.page_ref(p);
    let permalink = out["permalink"].as_str().unwrap_or_default().to_string();
    let areas: Vec<Value> = crate::governance::view::delivery_plan(v, d)
        .map(|value| value.groups)
        .unwrap_or_default()
        .into_iter()
        .map(|g| {
            json!({
                "id": g.area.id,
                "title": g.area.title,
                "text_lang": g.area.text_lang,
                "count": g.projects.len(),
                "permalink": format!("{permalink}#{}", g.area.id),
            })
        })
        .collect();
    out["project_count"] = json!(plan.projects.len());
    out["stages"] = json!(stages);
    out["areas"] = json!(areas);
    out
}
