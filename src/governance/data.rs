//! Open data: the governance records as JSON and CSV under `/data/`, a JSON Schema for every
//! JSON file, the iCalendar file of meetings, and schema.org JSON-LD for meeting and case pages.
//!
//! Every dataset is described once, by a [`Dataset`] of [`Field`]s: the JSON records, the CSV
//! columns, the schema and the documentation page all come from that one description, so they
//! cannot drift apart. Nothing here depends on the clock: output is deterministic.

use serde_json::{Map, Value, json};

use super::model::*;
use super::registry::CaseOrigin;
use crate::resolve::Site;

/// The type of a field, for the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Date,
    Time,
    Url,
    /// A list of strings (`; `-separated in CSV).
    Strings,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldType,
    /// `null` allowed (empty in CSV).
    pub optional: bool,
    /// Allowed values, for fields with a fixed vocabulary.
    pub values: &'static [&'static str],
    pub description: &'static str,
}

const fn field(name: &'static str, kind: FieldType, description: &'static str) -> Field {
    Field {
        name,
        kind,
        optional: false,
        values: &[],
        description,
    }
}

const fn optional(name: &'static str, kind: FieldType, description: &'static str) -> Field {
    Field {
        name,
        kind,
        optional: true,
        values: &[],
        description,
    }
}

const fn one_of(
    name: &'static str,
    values: &'static [&'static str],
    optional: bool,
    description: &'static str,
) -> Field {
    Field {
        name,
        kind: FieldType::String,
        optional,
        values,
        description,
    }
}

/// One published dataset.
#[derive(Debug, Clone, Copy)]
pub struct Dataset {
    /// File stem: `meetings` gives `meetings.json`, `meetings.csv`, `meetings.schema.json`.
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub fields: &'static [Field],
}

use FieldType as T;

const CASE_TYPES: &[&str] = &[
    "approval",
    "information",
    "decision",
    "discussion",
    "endorsement",
];

pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "meetings",
        title: "Meetings",
        description: "Every meeting of every body: held, planned and cancelled.",
        fields: &[
            field("body", T::String, "Id of the body that met."),
            field(
                "number",
                T::Integer,
                "The meeting's number (per body, or per body and year).",
            ),
            field("title", T::String, "Title of the meeting page."),
            field("date", T::Date, "Date of the meeting (YYYY-MM-DD)."),
            optional(
                "start",
                T::Time,
                "Start time (HH:MM), local time in the site's time zone.",
            ),
            optional("end", T::Time, "End time (HH:MM)."),
            one_of(
                "format",
                &["digital", "physical", "hybrid"],
                true,
                "How the meeting is held.",
            ),
            optional("place", T::String, "Where the meeting is held."),
            one_of(
                "status",
                &["planned", "held", "cancelled"],
                false,
                "Status of the meeting.",
            ),
            field(
                "cases",
                T::Strings,
                "IDs of the cases on the agenda, in order.",
            ),
            field("url", T::Url, "The meeting's page."),
        ],
    },
    Dataset {
        name: "cases",
        title: "Cases",
        description: "Every case on a published agenda, and cases of unpublished meetings known from follow-up lists.",
        fields: &[
            field(
                "id",
                T::String,
                "The case ID as the body writes it (4-42/23, 12/21).",
            ),
            field("body", T::String, "Id of the body."),
            field("year", T::Integer, "Year of the case."),
            optional(
                "meeting",
                T::Integer,
                "Number of the meeting; null for cases known only from follow-up lists.",
            ),
            optional("meeting_date", T::Date, "Date of the meeting."),
            field("title", T::String, "Title of the case."),
            one_of(
                "type",
                CASE_TYPES,
                true,
                "Type of the case; null for any other business.",
            ),
            optional("start", T::Time, "Start of the case's time slot (HH:MM)."),
            optional("end", T::Time, "End of the case's time slot (HH:MM)."),
            field(
                "presenters",
                T::Strings,
                "Presenters, as \"name (organisation)\".",
            ),
            optional(
                "proposal",
                T::String,
                "The proposal for decision (Markdown).",
            ),
            optional(
                "decision",
                T::String,
                "The decision made (Markdown); null until published.",
            ),
            field(
                "references",
                T::Strings,
                "IDs of the cases this case cites.",
            ),
            field(
                "cited_by",
                T::Strings,
                "IDs of the cases that cite this case.",
            ),
            field("url", T::Url, "The case's permalink page."),
        ],
    },
    Dataset {
        name: "decisions",
        title: "Decisions",
        description: "Every case that has a decision, or whose type asks for one (approval, decision, endorsement), with the decision when it is published.",
        fields: &[
            field("case", T::String, "The case ID."),
            field("body", T::String, "Id of the body."),
            field("meeting_date", T::Date, "Date of the meeting."),
            field("title", T::String, "Title of the case."),
            one_of("type", CASE_TYPES, true, "Type of the case."),
            optional(
                "proposal",
                T::String,
                "The proposal for decision (Markdown).",
            ),
            optional(
                "decision",
                T::String,
                "The decision (Markdown); null when not published.",
            ),
            field("url", T::Url, "The case's permalink page."),
        ],
    },
    Dataset {
        name: "roadmap-items",
        title: "Roadmap items",
        description: "Every item of every roadmap version, with its strategic area, horizon and status.",
        fields: &[
            field("roadmap", T::String, "Id of the roadmap."),
            field("version", T::String, "Version of the roadmap."),
            field("id", T::String, "Id of the item, unique in its roadmap."),
            field("title", T::String, "Title of the item."),
            field("area", T::String, "Id of the strategic area."),
            field("area_title", T::String, "Name of the strategic area."),
            field("horizon", T::String, "Id of the time horizon."),
            field("horizon_title", T::String, "Name of the time horizon."),
            one_of(
                "status",
                &["in-progress", "not-started", "delivered"],
                false,
                "Status of the item.",
            ),
            field(
                "projects",
                T::Strings,
                "Ids of the delivery projects that serve the item.",
            ),
            field("url", T::Url, "The item's description on the roadmap page."),
        ],
    },
    Dataset {
        name: "projects",
        title: "Delivery projects",
        description: "Every project of the delivery plan, with the roadmap items it serves and its progress stage.",
        fields: &[
            field("id", T::String, "Id of the project."),
            field("title", T::String, "Name of the project."),
            optional("description", T::String, "What the project delivers."),
            field("area", T::String, "Id of the strategic area."),
            optional(
                "actor",
                T::String,
                "The organisation that runs the project.",
            ),
            one_of(
                "stage",
                &[
                    "not-started",
                    "in-development",
                    "integration-test",
                    "delivered",
                ],
                false,
                "Progress stage.",
            ),
            field(
                "roadmap_items",
                T::Strings,
                "Ids of the roadmap items the project serves.",
            ),
            optional(
                "reference",
                T::String,
                "The delivery plan's own wording of what the project serves.",
            ),
            optional("note", T::String, "Note, e.g. a release name."),
            field("flags", T::Strings, "Change flags: new, progress-updated."),
            field("url", T::Url, "The project's row in the delivery plan."),
        ],
    },
];

/// The records of every dataset, in [`DATASETS`] order.
pub fn records(site: &Site) -> Vec<Vec<Value>> {
    vec![
        meetings(site),
        cases(site),
        decisions(site),
        roadmap_items(site),
        projects(site),
    ]
}

fn text(s: &Option<toml::Spanned<String>>) -> Value {
    s.as_ref().map_or(Value::Null, |t| {
        Value::String(t.get_ref().trim().to_string())
    })
}

fn meetings(site: &Site) -> Vec<Value> {
    let reg = &site.governance;
    reg.meetings
        .iter()
        .filter_map(|m| {
            let page = &site.pages[m.page];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                return None;
            };
            Some(json!({
                "body": reg.bodies[m.body].id,
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

fn cases(site: &Site) -> Vec<Value> {
    let reg = &site.governance;
    let ids =
        |list: &[usize]| -> Vec<String> { list.iter().map(|&i| reg.cases[i].id.clone()).collect() };
    reg.cases
        .iter()
        .map(|c| {
            let mut v = json!({
                "id": c.id,
                "body": reg.bodies[c.body].id,
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
                let page = &site.pages[reg.meetings[meeting].page];
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

fn decisions(site: &Site) -> Vec<Value> {
    let reg = &site.governance;
    let mut out = Vec::new();
    for m in &reg.meetings {
        let page = &site.pages[m.page];
        let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
            continue;
        };
        for (c, case) in meeting.cases.iter().enumerate() {
            if !asks_for_decision(case) {
                continue;
            }
            let url = m.cases[c].map(|i| reg.cases[i].permalink.clone());
            out.push(json!({
                "case": case.id.get_ref(),
                "body": reg.bodies[m.body].id,
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

/// Whether a case belongs in the decision register.
pub fn asks_for_decision(case: &Case) -> bool {
    case.decision.is_some()
        || matches!(
            case.kind,
            Some(CaseType::Decision | CaseType::Approval | CaseType::Endorsement)
        )
}

fn roadmap_items(site: &Site) -> Vec<Value> {
    let mut out = Vec::new();
    for &p in &site.governance.roadmaps {
        let page = &site.pages[p];
        let Some(Kind::Roadmap(r)) = &page.source.meta.kind else {
            continue;
        };
        let plans: Vec<&DeliveryPlan> = site
            .governance
            .delivery_plans
            .iter()
            .filter_map(|&d| match &site.pages[d].source.meta.kind {
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

fn projects(site: &Site) -> Vec<Value> {
    let mut out = Vec::new();
    for &p in &site.governance.delivery_plans {
        let page = &site.pages[p];
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

/// The JSON file of a dataset: who publishes it, under which licence, its schema, its records.
pub fn json_file(site: &Site, set: &Dataset, records: &[Value]) -> String {
    let od = &site.config.open_data;
    let doc = json!({
        "$schema": site.config.absolute_url(&format!("/data/{}.schema.json", set.name)),
        "title": set.title,
        "description": set.description,
        "publisher": od.publisher.clone().unwrap_or_else(|| site.config.title.clone()),
        "licence": od.licence,
        "licence_url": od.licence_url,
        "records": records,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema (2020-12) of a dataset's JSON file.
pub fn schema(site: &Site, set: &Dataset) -> String {
    let mut properties = Map::new();
    for f in set.fields {
        let mut p = match f.kind {
            FieldType::String => json!({"type": "string"}),
            FieldType::Integer => json!({"type": "integer"}),
            FieldType::Date => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
            FieldType::Time => json!({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}),
            FieldType::Url => json!({"type": "string", "format": "uri"}),
            FieldType::Strings => json!({"type": "array", "items": {"type": "string"}}),
        };
        if !f.values.is_empty() {
            p["enum"] = json!(f.values);
        }
        if f.optional {
            let ty = p["type"].clone();
            p["type"] = json!([ty, "null"]);
            if let Some(values) = p.get_mut("enum").and_then(Value::as_array_mut) {
                values.push(Value::Null);
            }
        }
        p["description"] = json!(f.description);
        properties.insert(f.name.into(), p);
    }
    let required: Vec<&str> = set.fields.iter().map(|f| f.name).collect();
    let doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": site.config.absolute_url(&format!("/data/{}.schema.json", set.name)),
        "title": set.title,
        "description": set.description,
        "type": "object",
        "required": ["title", "publisher", "records"],
        "properties": {
            "$schema": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "publisher": {"type": "string"},
            "licence": {"type": ["string", "null"]},
            "licence_url": {"type": ["string", "null"]},
            "records": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": required,
                    "properties": properties,
                }
            }
        },
        "additionalProperties": false,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The CSV file of a dataset: a header of field names, one row per record; lists joined with
/// `; `, null as an empty cell. Text cells go through [`csv_text`], so no cell is a formula.
pub fn csv_file(set: &Dataset, records: &[Value]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = w.write_record(set.fields.iter().map(|f| f.name));
    for r in records {
        let row: Vec<String> = set
            .fields
            .iter()
            .map(|f| match &r[f.name] {
                Value::Null => String::new(),
                Value::String(s) => csv_text(s),
                Value::Array(a) => csv_text(
                    &a.iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                other => other.to_string(),
            })
            .collect();
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

/// A text cell as spreadsheets may open it: one that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading apostrophe, which Excel and LibreOffice read as "text, not a
/// formula" (OWASP's advice against CSV injection). Numbers are typed values and stay as they are;
/// the JSON files keep every text as written.
fn csv_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// What the open-data page shows: every dataset, its files and fields, and the licence.
pub fn catalogue(site: &Site, records: &[Vec<Value>]) -> Value {
    let sets: Vec<Value> = DATASETS
        .iter()
        .zip(records)
        .map(|(set, recs)| {
            let url = |ext: &str| {
                site.config
                    .absolute_url(&format!("/data/{}.{ext}", set.name))
            };
            json!({
                "name": set.name,
                "title": set.title,
                "description": set.description,
                "count": recs.len(),
                "json": url("json"),
                "csv": url("csv"),
                "schema": url("schema.json"),
                "fields": set.fields.iter().map(|f| json!({
                    "name": f.name,
                    "type": format!("{:?}", f.kind).to_lowercase(),
                    "optional": f.optional,
                    "values": f.values,
                    "description": f.description,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let od = &site.config.open_data;
    json!({
        "datasets": sets,
        "licence": od.licence,
        "licence_url": od.licence_url,
        "publisher": od.publisher.clone().unwrap_or_else(|| site.config.title.clone()),
        "calendar": site.config.absolute_url("/data/moter.ics"),
    })
}

/// The iCalendar file (RFC 5545) of planned and held meetings: CRLF line ends, lines folded at
/// 75 octets, a UID and DTSTAMP per event, times in the site's time zone with its VTIMEZONE
/// (Europe/Oslo by default). DTSTAMP is the meeting page's `updated` or `date` (or the meeting
/// date), so the file does not change from build to build.
pub fn icalendar(site: &Site) -> String {
    let reg = &site.governance;
    let tz_name = &site.config.timezone_name;
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("styre")
        .trim_end_matches('/')
        .to_string();
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:-//styre//{}//NO", escape_text(&site.config.title)),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(&site.config.title)),
        format!("X-WR-TIMEZONE:{tz_name}"),
    ];
    lines.extend(vtimezone(tz_name));
    for m in &reg.meetings {
        let page = &site.pages[m.page];
        let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
            continue;
        };
        if meeting.status == MeetingStatus::Cancelled {
            continue;
        }
        let body = &reg.bodies[m.body];
        let date = meeting.date.get_ref();
        let day = date.ymd().replace('-', "");
        let uid = format!(
            "{}-{}-{}@{host}",
            body.id,
            meeting.number.get_ref(),
            date.year()
        );
        let stamp = page
            .updated()
            .or(page.date())
            .unwrap_or(*date)
            .rfc3339(&jiff::tz::TimeZone::UTC);
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{uid}"));
        lines.push(format!("DTSTAMP:{}", utc_stamp(&stamp)));
        // Without an end time, the meeting lasts until its last case starts or ends.
        let end = meeting.end.or_else(|| {
            meeting
                .cases
                .iter()
                .flat_map(|c| [c.start.as_ref(), c.end.as_ref()])
                .flatten()
                .map(|t| *t.get_ref())
                .max()
        });
        match (meeting.start, end) {
            (Some(start), end) => {
                lines.push(format!(
                    "DTSTART;TZID={tz_name}:{day}T{:02}{:02}00",
                    start.hour, start.minute
                ));
                if let Some(end) = end.filter(|e| *e > start) {
                    lines.push(format!(
                        "DTEND;TZID={tz_name}:{day}T{:02}{:02}00",
                        end.hour, end.minute
                    ));
                }
            }
            (None, _) => {
                lines.push(format!("DTSTART;VALUE=DATE:{day}"));
            }
        }
        lines.push(format!("SUMMARY:{}", escape_text(page.title())));
        let location = match (&meeting.place, meeting.format) {
            (Some(place), _) => Some(place.clone()),
            (None, Some(MeetingFormat::Digital)) => Some("Digitalt".to_string()),
            _ => None,
        };
        if let Some(location) = location {
            lines.push(format!("LOCATION:{}", escape_text(&location)));
        }
        let agenda: Vec<String> = meeting
            .cases
            .iter()
            .map(|c| format!("{} {}", c.id.get_ref(), c.title))
            .collect();
        if !agenda.is_empty() {
            lines.push(format!("DESCRIPTION:{}", escape_text(&agenda.join("\n"))));
        }
        lines.push(format!("URL:{}", page.permalink));
        lines.push(format!(
            "STATUS:{}",
            match meeting.status {
                MeetingStatus::Planned => "TENTATIVE",
                _ => "CONFIRMED",
            }
        ));
        lines.push(format!("CATEGORIES:{}", escape_text(&body.body.short_name)));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

/// `2023-11-30T00:00:00+00:00` → `20231130T000000Z`.
fn utc_stamp(rfc3339: &str) -> String {
    let digits: String = rfc3339
        .chars()
        .take(19)
        .filter(char::is_ascii_digit)
        .collect();
    if digits.len() == 14 {
        format!("{}T{}Z", &digits[..8], &digits[8..])
    } else {
        "19700101T000000Z".into()
    }
}

/// RFC 5545 TEXT escaping.
/// An RFC 5545 TEXT value: backslash, `;` and `,` escaped, a line break (CRLF, LF or a bare CR)
/// as `\n`, and every other control character dropped (TEXT allows none but tab), as are the
/// characters styre never writes ([`crate::site::html::is_forbidden_control`]). A reader that
/// splits lines at a bare CR finds no property inside a value.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(c),
            c if c.is_control() || crate::site::html::is_forbidden_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a UTF-8 character) and ends it with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
}

/// The VTIMEZONE of the site's zone. Europe/Oslo (and the other central European zones) get
/// their rules; other zones are named without a definition, which calendar programs resolve.
fn vtimezone(name: &str) -> Vec<String> {
    let cet = [
        "Europe/Oslo",
        "Europe/Stockholm",
        "Europe/Copenhagen",
        "Europe/Berlin",
        "Europe/Paris",
        "Europe/Amsterdam",
        "Europe/Brussels",
        "Europe/Vienna",
        "Europe/Warsaw",
    ];
    if !cet.contains(&name) {
        return Vec::new();
    }
    [
        "BEGIN:VTIMEZONE",
        &format!("TZID:{name}"),
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// schema.org JSON-LD of a meeting (an Event organised by a GovernmentOrganization), as text
/// safe to put inside `<script type="application/ld+json">`.
pub fn meeting_jsonld(site: &Site, m: usize) -> String {
    ld_text(&meeting_ld(site, m))
}

fn meeting_ld(site: &Site, m: usize) -> Value {
    let reg = &site.governance;
    let entry = &reg.meetings[m];
    let page = &site.pages[entry.page];
    let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
        return Value::Null;
    };
    let body = &reg.bodies[entry.body];
    let section = &site.sections[body.section];
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
pub fn case_jsonld(site: &Site, i: usize) -> String {
    let reg = &site.governance;
    let c = &reg.cases[i];
    let body = &reg.bodies[c.body];
    let section = &site.sections[body.section];
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
        let page = &site.pages[reg.meetings[meeting].page];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "æøå".repeat(30));
        fold(&line, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn stamps_are_utc_basic_format() {
        assert_eq!(utc_stamp("2023-11-30T00:00:00+00:00"), "20231130T000000Z");
    }
}
