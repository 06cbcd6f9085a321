//! The governance records as authors write them: one typed struct per front-matter table
//! (docs/content-model.md). Parsing is item by item, so every case, roadmap item and project
//! reports its own mistakes; spans are relative to the front matter, like the rest of it.
//!
//! This file holds the records; `read` reads a page's or a section's table into them, with the
//! checks done on the way.

mod read;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;

pub use read::{read_body, read_page_kind};

/// The governance tables a page may carry; a section may carry `body`.
pub const PAGE_TABLES: &[&str] = &[
    "document",
    "meeting",
    "meeting_plan",
    "roadmap",
    "delivery_plan",
    "dataset",
];
pub const SECTION_TABLES: &[&str] = &["body"];

/// What a page is, when it is more than a page.
#[derive(Debug, Clone)]
pub enum Kind {
    Document(Document),
    Meeting(Meeting),
    MeetingPlan(MeetingPlan),
    Roadmap(Roadmap),
    DeliveryPlan(DeliveryPlan),
    Dataset(Dataset),
}

impl Kind {
    /// The front-matter table that holds this kind (`meeting`).
    pub fn table_name(&self) -> &'static str {
        match self {
            Kind::Document(_) => "document",
            Kind::Meeting(_) => "meeting",
            Kind::MeetingPlan(_) => "meeting_plan",
            Kind::Roadmap(_) => "roadmap",
            Kind::DeliveryPlan(_) => "delivery_plan",
            Kind::Dataset(_) => "dataset",
        }
    }

    /// The template a page of this kind uses unless it names its own.
    pub fn template(&self) -> &'static str {
        match self {
            Kind::Document(_) => "document.html",
            Kind::Meeting(_) => "meeting.html",
            Kind::MeetingPlan(_) => "meeting-plan.html",
            Kind::Roadmap(_) => "roadmap.html",
            Kind::DeliveryPlan(_) => "delivery-plan.html",
            Kind::Dataset(_) => "dataset.html",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub id: Spanned<String>,
    pub short_name: String,
    pub secretariat: Option<String>,
    pub case_id: Spanned<String>,
    pub follow_up_case_id: Option<Spanned<String>>,
    #[serde(default)]
    pub related: Vec<Spanned<String>>,
    #[serde(default)]
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentType {
    Mandate,
    Strategy,
    #[default]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: Spanned<String>,
    pub body: Option<Spanned<String>>,
    #[serde(rename = "type", default)]
    pub kind: DocumentType,
    pub version: String,
    pub adopted: Option<Date>,
    pub decided_by: Option<String>,
    pub previous: Option<Spanned<String>>,
}

/// A clock time, `HH:MM` (`HH.MM` is accepted too, as Norwegian agendas write it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl std::str::FromStr for Time {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a time; write it as \"HH:MM\", e.g. \"12:40\"");
        let (h, m) = s.split_once([':', '.']).ok_or_else(bad)?;
        let hour: u8 = h.parse().map_err(|_| bad())?;
        let minute: u8 = m.parse().map_err(|_| bad())?;
        if h.len() > 2 || m.len() != 2 || hour > 23 || minute > 59 {
            return Err(bad());
        }
        Ok(Time { hour, minute })
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingFormat {
    Digital,
    Physical,
    Hybrid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingStatus {
    Planned,
    Held,
    Cancelled,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub body: Spanned<String>,
    pub number: Spanned<u32>,
    pub date: Spanned<Date>,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub format: Option<MeetingFormat>,
    pub place: Option<String>,
    pub status: MeetingStatus,
    #[serde(skip)]
    pub cases: Vec<Case>,
    #[serde(skip)]
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseType {
    Approval,
    Information,
    Decision,
    Discussion,
    Endorsement,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Presenter {
    pub name: String,
    pub organisation: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub title: String,
    /// A file of the meeting's bundle, relative to it (checked against the bundle's assets).
    pub path: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: Option<CaseType>,
    pub group: Option<String>,
    pub start: Option<Spanned<Time>>,
    pub end: Option<Spanned<Time>>,
    #[serde(default)]
    pub presenters: Vec<Presenter>,
    pub background: Option<Spanned<String>>,
    pub proposal: Option<Spanned<String>>,
    pub decision: Option<Spanned<String>>,
    #[serde(default)]
    pub references: Vec<Spanned<String>>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FollowUpStatus {
    Open,
    Closed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub case: Spanned<String>,
    pub case_title: Option<String>,
    pub item: String,
    pub response: Option<String>,
    pub status: FollowUpStatus,
    pub resolved_by: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingPlan {
    pub body: Spanned<String>,
    pub year: i32,
    #[serde(default)]
    pub dates: Vec<PlannedDate>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedDate {
    pub date: Date,
    pub format: Option<MeetingFormat>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roadmap {
    pub id: Spanned<String>,
    pub version: String,
    pub adopted: Option<Date>,
    pub decided_in: Option<Spanned<String>>,
    #[serde(skip)]
    pub areas: Vec<Labelled>,
    #[serde(skip)]
    pub horizons: Vec<Labelled>,
    #[serde(skip)]
    pub items: Vec<RoadmapItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    InProgress,
    NotStarted,
    Delivered,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapItem {
    pub id: Spanned<String>,
    pub title: String,
    pub area: Spanned<String>,
    pub horizon: Spanned<String>,
    pub status: ItemStatus,
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPlan {
    pub roadmap: Spanned<String>,
    pub decided_in: Option<Spanned<String>>,
    #[serde(skip)]
    pub projects: Vec<Project>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    NotStarted,
    InDevelopment,
    IntegrationTest,
    Delivered,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::NotStarted,
        Stage::InDevelopment,
        Stage::IntegrationTest,
        Stage::Delivered,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    New,
    ProgressUpdated,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: Spanned<String>,
    pub title: String,
    pub description: Option<String>,
    pub area: Spanned<String>,
    #[serde(default)]
    pub roadmap_items: Vec<Spanned<String>>,
    pub reference: Option<String>,
    pub actor: Option<String>,
    pub stage: Stage,
    pub note: Option<String>,
    #[serde(default)]
    pub flags: Vec<Flag>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Chart {
    Bar,
    /// Key figures, each a large number over its label: for figures that do not share a
    /// unit, which a common axis would misrepresent.
    Figures,
    #[default]
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub id: Spanned<String>,
    pub source: Option<Spanned<String>>,
    pub caption: Option<String>,
    #[serde(default)]
    pub chart: Chart,
    pub unit: Option<String>,
    pub columns: Vec<String>,
    pub rows: Spanned<Vec<Vec<DataCell>>>,
}

/// One cell of a dataset: a label or a number.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum DataCell {
    Number(f64),
    Text(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_both_ways_and_reject_nonsense() {
        assert_eq!("12:40".parse::<Time>().unwrap().to_string(), "12:40");
        assert_eq!("9.05".parse::<Time>().unwrap().to_string(), "09:05");
        for bad in ["24:00", "12:6", "12", "noon", "12:60"] {
            assert!(bad.parse::<Time>().is_err(), "{bad}");
        }
    }
}
