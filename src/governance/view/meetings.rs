//! The meeting pages' values: `page.meeting` with its agenda cases and follow-up items, a
//! body's yearly archive, a case's own page, the decision register and the follow-up tracker.

use serde_json::{Value, json};

use super::{CaseRef, View, html};
use crate::governance::data;
use crate::governance::model::{Case, Kind};
use crate::governance::registry::{BodyId, CaseId, CaseOrigin, MeetingId};
use crate::resolve::PageId;

impl<'s> View<'s> {
    /// One agenda case, complete.
    pub(super) fn agenda_case(&self, m: MeetingId, c: usize) -> Value {
        let site = self.site;
        let reg = &site.governance;
        let entry = reg.meeting(m);
        let Some(Kind::Meeting(meeting)) = &self.texts(entry.page).source.meta.kind else {
            return Value::Null;
        };
        let Some(case) = meeting.cases.get(c) else {
            return Value::Null;
        };
        let texts = entry
            .texts_in(self.lang)
            .get(c)
            .cloned()
            .unwrap_or_default();
        let index = entry.cases.get(c).copied().flatten();
        let refs =
            |list: &[CaseId]| -> Vec<CaseRef> { list.iter().map(|&i| self.case_ref(i)).collect() };
        let (cites, cited_by, slug, permalink) = match index {
            Some(i) => (
                refs(&reg.case(i).cites),
                refs(&reg.case(i).cited_by),
                reg.case(i).slug.clone(),
                self.case_permalink(i),
            ),
            None => (Vec::new(), Vec::new(), String::new(), String::new()),
        };
        let attachments: Vec<Value> = case
            .attachments
            .iter()
            .map(|a| {
                let href = match (&a.url, &a.path) {
                    (Some(url), _) => url.get_ref().clone(),
                    (None, Some(path)) => {
                        format!("{}{}", site.page(entry.page).permalink, path.get_ref())
                    }
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
            "text_lang": self.text_lang(entry.page),
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
            "meeting": self.meeting_ref(m),
        })
    }

    /// A follow-up item: item `f` of the meeting on page `p` (an original).
    fn follow_up(&self, p: PageId, f: usize) -> Value {
        let reg = &self.site.governance;
        let Some(Kind::Meeting(meeting)) = &self.texts(p).source.meta.kind else {
            return Value::Null;
        };
        let Some(item) = meeting.follow_ups.get(f) else {
            return Value::Null;
        };
        let case = reg.find_case(item.case.get_ref()).map(|i| self.case_ref(i));
        let resolved_by = item
            .resolved_by
            .as_ref()
            .and_then(|r| reg.find_case(r.get_ref()))
            .map(|i| self.case_ref(i));
        json!({
            "case_id": item.case.get_ref(),
            "case": case,
            "item": item.item,
            "response": item.response,
            "text_lang": self.text_lang(p),
            "status": item.status,
            "resolved_by": resolved_by,
            "meeting": self.page_ref(p),
        })
    }

    /// `page.meeting`.
    pub fn meeting(&self, m: MeetingId) -> Value {
        let entry = self.site.governance.meeting(m);
        let Some(Kind::Meeting(meeting)) = &self.texts(entry.page).source.meta.kind else {
            return Value::Null;
        };
        let cases: Vec<Value> = (0..meeting.cases.len())
            .map(|c| self.agenda_case(m, c))
            .collect();
        let follow_ups: Vec<Value> = (0..meeting.follow_ups.len())
            .map(|f| self.follow_up(entry.page, f))
            .collect();
        json!({
            "body": self.body_ref(entry.body),
            "number": meeting.number.get_ref(),
            "date": meeting.date.get_ref().ymd(),
            "year": meeting.date.get_ref().year(),
            "start": meeting.start.map(|t| t.to_string()),
            "end": meeting.end.map(|t| t.to_string()),
            "format": meeting.format,
            "place": meeting.place,
            "text_lang": self.text_lang(entry.page),
            "status": meeting.status,
            "cases": cases,
            "follow_ups": follow_ups,
            "jsonld": data::meeting_jsonld(self.site, m),
        })
    }

    /// The meeting archive of a body for one year.
    pub fn archive(&self, body: BodyId, year: i32) -> Value {
        let reg = &self.site.governance;
        let meetings: Vec<Value> = reg
            .meetings()
            .rev()
            .filter(|(_, m)| m.body == body && m.year == year)
            .map(|(i, m)| {
                let mut v = self.meeting_ref(i);
                let cases: Vec<CaseRef> = m
                    .cases
                    .iter()
                    .flatten()
                    .map(|&c| self.case_ref(c))
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
            .map(|(b, y)| json!({"year": y, "permalink": self.absolute(&reg.archive_path(b, y, self.lang)), "is_this": y == year}))
            .collect();
        json!({"body": self.body_ref(body), "year": year, "meetings": meetings, "years": years})
    }

    /// The context of a case's own page.
    pub fn case_page(&self, i: CaseId) -> Value {
        let site = self.site;
        let reg = &site.governance;
        let entry = reg.case(i);
        let refs =
            |list: &[CaseId]| -> Vec<CaseRef> { list.iter().map(|&i| self.case_ref(i)).collect() };
        match entry.origin {
            CaseOrigin::Agenda { meeting, case } => {
                let mut v = self.agenda_case(meeting, case);
                if let Some(o) = v.as_object_mut() {
                    o.insert("declared".into(), Value::Bool(false));
                    o.insert("body".into(), self.body_ref(entry.body));
                    o.insert("jsonld".into(), Value::String(data::case_jsonld(site, i)));
                }
                v
            }
            CaseOrigin::Declared { page, .. } => {
                // Every follow-up item, anywhere, that concerns this case.
                let mut items = Vec::new();
                for (_, m) in reg.meetings() {
                    if let Some(Kind::Meeting(meeting)) = &site.page(m.page).source.meta.kind {
                        for (f, item) in meeting.follow_ups.iter().enumerate() {
                            if reg.find_case(item.case.get_ref()) == Some(i) {
                                items.push(self.follow_up(m.page, f));
                            }
                        }
                    }
                }
                let (title, text_lang) = self.case_title(i);
                json!({
                    "id": entry.id,
                    "slug": entry.slug,
                    "title": title,
                    "text_lang": text_lang,
                    "declared": true,
                    "declared_in": self.page_ref(page),
                    "body": self.body_ref(entry.body),
                    "cites": refs(&entry.cites),
                    "cited_by": refs(&entry.cited_by),
                    "follow_ups": items,
                    "permalink": self.case_permalink(i),
                })
            }
        }
    }

    /// The decision register: every case whose decision is recorded (`cases`) and, apart, every
    /// case put up for a decision that is not recorded yet (`pending`), newest meeting first.
    pub fn decisions(&self) -> Value {
        let reg = &self.site.governance;
        let rows = |keep: fn(&Case) -> bool| -> Vec<Value> {
            self.register_cases(keep)
                .map(|(m, c)| self.agenda_case(m, c))
                .collect()
        };
        let (rows, pending) = (rows(data::has_decision), rows(data::awaits_decision));
        let mut years: Vec<i64> = rows
            .iter()
            .chain(&pending)
            .filter_map(|r| r["meeting"]["year"].as_i64())
            .collect();
        years.sort_unstable();
        years.dedup();
        years.reverse();
        let bodies: Vec<Value> = reg.body_ids().map(|b| self.body_ref(b)).collect();
        json!({"cases": rows, "pending": pending, "years": years, "bodies": bodies})
    }

    /// The cases that `keep` accepts, as (meeting, agenda position), newest meeting first.
    pub(super) fn register_cases(
        &self,
        keep: fn(&Case) -> bool,
    ) -> impl Iterator<Item = (MeetingId, usize)> + 's {
        let site = self.site;
        site.governance
            .meetings()
            .rev()
            .flat_map(move |(m, entry)| {
                let cases = match &site.page(entry.page).source.meta.kind {
                    Some(Kind::Meeting(meeting)) => meeting.cases.as_slice(),
                    _ => &[],
                };
                cases
                    .iter()
                    .enumerate()
                    .filter(move |(_, case)| keep(case))
                    .map(move |(c, _)| (m, c))
            })
    }

    /// Every follow-up item, with the status it had at the latest meeting that reviewed it.
    pub fn follow_ups(&self) -> Value {
        let reg = &self.site.governance;
        let mut latest: Vec<(String, String, Value)> = Vec::new();
        for (_, entry) in reg.meetings() {
            let Some(Kind::Meeting(meeting)) = &self.site.page(entry.page).source.meta.kind else {
                continue;
            };
            for (f, item) in meeting.follow_ups.iter().enumerate() {
                let key_case = reg
                    .find_case(item.case.get_ref())
                    .map_or_else(|| item.case.get_ref().clone(), |i| reg.case(i).id.clone());
                let value = self.follow_up(entry.page, f);
                // Meetings are in date order: a later review replaces an earlier one.
                match latest
                    .iter_mut()
                    .find(|(c, it, _)| *c == key_case && *it == item.item)
                {
                    Some(slot) => slot.2 = value,
                    None => latest.push((key_case, item.item.clone(), value)),
                }
            }
        }
        let (open, closed): (Vec<Value>, Vec<Value>) = latest
            .into_iter()
            .map(|(_, _, v)| v)
            .partition(|v| v["status"] == "open");
        json!({"open": open, "closed": closed})
    }
}
