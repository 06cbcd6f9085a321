//! The files of a dataset: its JSON file, the JSON Schema of that file, its CSV file, and the
//! catalogue of every dataset that the open-data page shows.

use serde_json::{Map, Value, json};

use super::{DATASETS, Dataset, FieldType};
use crate::resolve::Site;

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
