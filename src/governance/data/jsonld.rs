//! schema.org JSON-LD of meeting and case pages, as text safe inside a `<script>` element.

use serde_json::{Value, json};

use crate::governance::model::*;
use crate::governance::registry::{CaseId, CaseOrigin, MeetingId};
use crate::resolve::Site;

/// schema.org JSON-LD of a meeting (an Event organised by a GovernmentOrganization), as text
/// safe to put inside `<script type="application/ld+json">`.
pub fn meeting_jsonld(site: &Site, m: MeetingId) -> String {
    ld_text(&meeting_ld(site, m))
}

fn meeting_ld(site: &Site, m: MeetingId) -> Value {
    let reg = &site.governance;
    let entry = reg.meeting(m);
    let page = site.page(entry.page);
    let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let body = reg.body(entry.body);
    let section = site.section(body.section);
    let date = meeting.date.get_ref();
    let at = |t: Option<Time>| -> String {
        match t {
            Some(t) => local_iso(site, date, t),
            None => date.ymd(),
        }
    };
    let mode = match meeting.format {
        Some(MeetingFormat::Digital) => "https://schema.org/OnlineEventAttendanceMode",
        Some(MeetingFormat::Hybrid) => "https://schema.org/MixedEventAttendanceMode",
        _ => "https://schema.org/OfflineEventAttendanceMode",
    };
    let location = match (meeting.format, &meeting.place) {
        (Some(MeetingFormat::Digital), place) => {
            json!({"@type": "VirtualLocation", "name": place.clone().unwrap_or_else(|| "Digitalt".into()), "url": page.permalink})
        }
        (_, Some(place)) => json!({"@type": "Place", "name": place}),
        (_, None) => Value::Null,
    };
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title(),
        "url": page.permalink,
        "startDate": at(meeting.start),
        "eventStatus": match meeting.status {
            MeetingStatus::Cancelled => "https://schema.org/EventCancelled",
            _ => "https://schema.org/EventScheduled",
        },
        "eventAttendanceMode": mode,
        "organizer": {
            "@type": "GovernmentOrganization",
            "name": section.title(),
            "alternateName": body.body.short_name,
            "url": section.permalink,
        },
    });
    if meeting.end.is_some() {
        v["endDate"] = json!(at(meeting.end));
    }
    if !location.is_null() {
        v["location"] = location;
    }
    v
}

/// schema.org JSON-LD of a case: an Event (its slot on the agenda) within its meeting.
pub fn case_jsonld(site: &Site, i: CaseId) -> String {
    let reg = &site.governance;
    let c = reg.case(i);
    let body = reg.body(c.body);
    let section = site.section(body.section);
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": format!("{} {}", c.id, c.title),
        "identifier": c.id,
        "url": c.permalink,
        "organizer": {
            "@type": "GovernmentOrganization",
            "name": section.title(),
            "url": section.permalink,
        },
    });
    if let CaseOrigin::Agenda { meeting, case } = c.origin {
        let mut parent = meeting_ld(site, meeting);
        if let Some(o) = parent.as_object_mut() {
            o.remove("@context");
        }
        let page = site.page(reg.meeting(meeting).page);
        if let Some(Kind::Meeting(m)) = &page.source.meta.kind {
            let a = &m.cases[case];
            let date = m.date.get_ref();
            v["startDate"] = json!(match &a.start {
                Some(t) => local_iso(site, date, *t.get_ref()),
                None => date.ymd(),
            });
            if let Some(end) = &a.end {
                v["endDate"] = json!(local_iso(site, date, *end.get_ref()));
            }
            v["eventAttendanceMode"] = parent["eventAttendanceMode"].clone();
            v["eventStatus"] = parent["eventStatus"].clone();
            if let Some(loc) = parent.get("location") {
                v["location"] = loc.clone();
            }
        }
        v["superEvent"] = parent;
    }
    ld_text(&v)
}

/// A local date and time as ISO 8601 with the site zone's offset on that day.
fn local_iso(site: &Site, date: &crate::date::Date, t: Time) -> String {
    let civil = date.date.at(
        i8::try_from(t.hour).unwrap_or(0),
        i8::try_from(t.minute).unwrap_or(0),
        0,
        0,
    );
    match civil.to_zoned(site.config.timezone.clone()) {
        Ok(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => format!("{}T{t}:00", date.ymd()),
    }
}

fn ld_text(v: &Value) -> String {
    crate::site::html::json_for_script(v)
}
