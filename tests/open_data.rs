//! Open data of a built site: every JSON file validates against its published schema, every CSV
//! file has the schema's columns and the JSON's records, the iCalendar file parses back and keeps
//! RFC 5545's rules, and the bundled portal's data holds what its content says.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::{manifest_dir, stderr, styre};

const DATASETS: [&str; 5] = [
    "meetings",
    "cases",
    "decisions",
    "roadmap-items",
    "projects",
];

fn build(site: &Path, out: &Path) {
    let o = styre(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validates every dataset of the site built into `out`; returns the records per dataset.
fn validate_data(out: &Path) -> Vec<Vec<serde_json::Value>> {
    let mut all = Vec::new();
    for name in DATASETS {
        let data = read_json(&out.join(format!("data/{name}.json")));
        let schema = read_json(&out.join(format!("data/{name}.schema.json")));
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        let problems: Vec<String> = validator
            .iter_errors(&data)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(problems.is_empty(), "{name}.json: {problems:#?}");
        let records = data["records"].as_array().unwrap().clone();

        // The CSV has the schema's fields as columns and one row per record.
        let csv = std::fs::read_to_string(out.join(format!("data/{name}.csv"))).unwrap();
        assert!(csv.ends_with("\r\n"));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let fields: Vec<String> = schema["properties"]["records"]["items"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        assert_eq!(header, fields, "{name}.csv columns");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), records.len(), "{name}.csv rows");
        for (row, record) in rows.iter().zip(&records) {
            for (i, field) in fields.iter().enumerate() {
                let cell = &row[i];
                match &record[field] {
                    serde_json::Value::Null => assert_eq!(cell, "", "{name}.{field}"),
                    serde_json::Value::String(s) => assert_eq!(cell, s, "{name}.{field}"),
                    serde_json::Value::Array(a) => assert_eq!(
                        cell,
                        a.iter()
                            .map(|x| x.as_str().unwrap())
                            .collect::<Vec<_>>()
                            .join("; "),
                        "{name}.{field}"
                    ),
                    other => assert_eq!(cell, other.to_string(), "{name}.{field}"),
                }
            }
        }
        all.push(records);
    }
    all
}

/// Checks RFC 5545's line rules and parses the calendar back; returns its events as
/// (UID, SUMMARY, DTSTART, DTEND) read by an independent parser.
fn read_calendar(out: &Path) -> Vec<(String, String, String, Option<String>)> {
    let text = std::fs::read_to_string(out.join("data/moter.ics")).unwrap();
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
    }
    let calendar: icalendar::Calendar = text.parse().expect("the calendar parses");
    let mut events = Vec::new();
    for component in calendar.components {
        if let icalendar::CalendarComponent::Event(e) = component {
            use icalendar::Component;
            assert!(e.property_value("DTSTAMP").is_some(), "DTSTAMP");
            let start = e.properties().get("DTSTART").unwrap();
            let end = e.properties().get("DTEND");
            events.push((
                e.get_uid().unwrap().to_string(),
                e.get_summary().unwrap().to_string(),
                format!(
                    "{};{}",
                    start.value(),
                    start.params().get("TZID").map_or("", |p| p.value())
                ),
                end.map(|p| p.value().to_string()),
            ));
        }
    }
    events
}

#[test]
fn fixture_data_validates_and_matches_content() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&manifest_dir().join("tests/sites/governance"), &out);
    let records = validate_data(&out);
    let [meetings, cases, decisions, items, projects] = &records[..] else {
        panic!("five datasets");
    };
    assert_eq!(meetings.len(), 2);
    // Agenda cases in meeting order, then the cases declared by follow-up items.
    let ids: Vec<&str> = cases.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1-7/24", "2-7/24", "3/24", "4-6/23", "3-6/23"]);
    let case2 = &cases[1];
    assert_eq!(case2["references"], serde_json::json!(["4-6/23"]));
    assert_eq!(cases[3]["cited_by"], serde_json::json!(["2-7/24"]));
    assert_eq!(cases[3]["meeting"], serde_json::Value::Null);
    // Only the recorded decision: case 2-7/24 was put up for decision, which is not recorded.
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0]["case"], "1-7/24");
    assert_eq!(decisions[0]["decision"], "Godkjent.");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["projects"], serde_json::json!(["appkatalog"]));
    assert_eq!(projects[0]["stage"], "integration-test");

    let events = read_calendar(&out);
    assert_eq!(
        events,
        [
            (
                "styret-7-2024@styre.example.no".to_string(),
                "Møte 7".to_string(),
                "20240208T120000;Europe/Oslo".to_string(),
                Some("20240208T130000".to_string())
            ),
            (
                "radet-1-2024@styre.example.no".to_string(),
                "Møte 1/24".to_string(),
                "20240301;".to_string(),
                None
            ),
        ]
    );
}

#[test]
fn bundled_portal_data_validates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&manifest_dir(), &out);
    let records = validate_data(&out);
    let [meetings, cases, _, items, projects] = &records[..] else {
        panic!("five datasets");
    };
    assert_eq!(meetings.len(), 2, "meeting 42 and e-helsestyre 2/21");
    let agenda = cases.iter().filter(|c| !c["meeting"].is_null()).count();
    assert_eq!(agenda, 16, "ten cases of meeting 42 and six of 2/21");
    assert_eq!(items.len(), 40);
    assert_eq!(projects.len(), 30);
    assert_eq!(read_calendar(&out).len(), 2);
}
