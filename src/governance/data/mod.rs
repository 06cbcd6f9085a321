//! Open data: the governance records as JSON and CSV under `/data/`, a JSON Schema for every
//! JSON file, the iCalendar file of meetings, and schema.org JSON-LD for meeting and case pages.
//!
//! Every dataset is described once, by a [`Dataset`] of [`Field`]s: the JSON records, the CSV
//! columns, the schema and the documentation page all come from that one description, so they
//! cannot drift apart. Nothing here depends on the clock: output is deterministic.
//!
//! By output format: `records` builds each dataset's records, `files` writes them as JSON,
//! JSON Schema and CSV (and the catalogue the open-data page shows), `calendar` writes the
//! iCalendar file and `jsonld` the JSON-LD of meeting and case pages.

mod calendar;
mod files;
mod jsonld;
mod records;

pub use calendar::icalendar;
pub use files::{catalogue, csv_file, json_file, schema};
pub use jsonld::{case_jsonld, meeting_jsonld};
pub use records::{awaits_decision, has_decision};

use serde_json::Value;

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
        description: "Every case whose decision is recorded, with its proposal. Cases put up for a decision that is not recorded yet are in `cases`, not here.",
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
            field("decision", T::String, "The decision (Markdown)."),
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
        records::meetings(site),
        records::cases(site),
        records::decisions(site),
        records::roadmap_items(site),
        records::projects(site),
    ]
}
