//! The governance records as authors write them: one typed struct per front-matter table
//! (docs/content-model.md). Parsing is item by item, so every case, roadmap item and project
//! reports its own mistakes; spans are relative to the front matter, like the rest of it.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::toml_input::{self, Value};

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

/// A roadmap area or horizon as written, its id with its position.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelledIn {
    id: Spanned<String>,
    title: String,
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

/// Reads the governance table `name` of a page.
pub fn read_page_kind(
    file: &Path,
    name: &str,
    value: Value<'_>,
    offset: usize,
    errors: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let mut r = Reader {
        file,
        offset,
        errors,
    };
    let (kind, parts) = match name {
        "document" => r.table(value, name, Kind::Document),
        "meeting" => r.meeting(value),
        "meeting_plan" => r.table(value, name, Kind::MeetingPlan),
        "roadmap" => r.table(value, name, Kind::Roadmap),
        "delivery_plan" => r.table(value, name, Kind::DeliveryPlan),
        "dataset" => r.table(value, name, Kind::Dataset),
        _ => return None,
    };
    let mut kind = kind?;
    for (list, items) in parts {
        r.list(&mut kind, list, items);
    }
    r.check_kind_id(&kind);
    Some(kind)
}

/// The lists of a governance table, set aside to be read item by item, so that each item
/// reports its own mistakes.
fn lists_of(name: &str) -> &'static [&'static str] {
    match name {
        "meeting" => &["cases", "follow_ups"],
        "roadmap" => &["items", "areas", "horizons"],
        "delivery_plan" => &["projects"],
        _ => &[],
    }
}

/// The lists set aside from a table ([`lists_of`]), each with its value.
type Parts<'i> = Vec<(&'static str, Value<'i>)>;

/// Reads one page's governance table: the page's file, where its front matter starts (spans
/// are relative to it), and where the problems go.
struct Reader<'a> {
    file: &'a Path,
    offset: usize,
    errors: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    /// The table `name` as the kind `wrap` makes of it, and the lists set aside.
    fn table<'i, T: DeserializeOwned>(
        &mut self,
        value: Value<'i>,
        name: &str,
        wrap: fn(T) -> Kind,
    ) -> (Option<Kind>, Parts<'i>) {
        let (v, p) = self.read_table(value, name);
        (v.map(wrap), p)
    }

    fn read_table<'i, T: DeserializeOwned>(
        &mut self,
        value: Value<'i>,
        name: &str,
    ) -> (Option<T>, Parts<'i>) {
        let lists = lists_of(name);
        toml_input::read_table(self.file, value, self.offset, name, lists, self.errors)
    }

    /// The `meeting` table; its `end` must come after its `start`.
    fn meeting<'i>(&mut self, value: Value<'i>) -> (Option<Kind>, Parts<'i>) {
        let end_span = value_span(&value, "end");
        let (v, p) = self.read_table::<Meeting>(value, "meeting");
        if let (Some(m), Some(span)) = (&v, end_span) {
            check_meeting_times(self.file, m, span, self.offset, self.errors);
        }
        (v.map(Kind::Meeting), p)
    }

    /// Reads a list set aside from the table into its record.
    fn list(&mut self, kind: &mut Kind, list: &str, items: Value<'_>) {
        match (kind, list) {
            (Kind::Meeting(m), "cases") => m.cases = self.cases(items),
            (Kind::Meeting(m), "follow_ups") => {
                m.follow_ups = self.items(items, "meeting.follow_ups");
            }
            (Kind::Roadmap(r), "items") => {
                r.items = self.items_with_ids(items, "roadmap.items", |i: &RoadmapItem| &i.id);
            }
            (Kind::Roadmap(r), "areas") => r.areas = self.labelled(items, "roadmap.areas"),
            (Kind::Roadmap(r), "horizons") => r.horizons = self.labelled(items, "roadmap.horizons"),
            (Kind::DeliveryPlan(d), "projects") => {
                let what = "delivery_plan.projects";
                d.projects = self.items_with_ids(items, what, |p: &Project| &p.id);
            }
            _ => {}
        }
    }

    fn items<T: DeserializeOwned>(&mut self, items: Value<'_>, what: &str) -> Vec<T> {
        toml_input::read_items(self.file, items, self.offset, what, self.errors)
    }

    /// Items that have an `id`, each checked once all are read.
    fn items_with_ids<T: DeserializeOwned>(
        &mut self,
        items: Value<'_>,
        what: &str,
        id: fn(&T) -> &Spanned<String>,
    ) -> Vec<T> {
        let read: Vec<T> = self.items(items, what);
        for item in &read {
            self.check_id(id(item));
        }
        read
    }

    /// A meeting's cases; an attachment's `url` must be one styre links to.
    fn cases(&mut self, items: Value<'_>) -> Vec<Case> {
        let cases: Vec<Case> = self.items(items, "meeting.cases");
        for case in &cases {
            for a in &case.attachments {
                if let Some(url) = &a.url {
                    let what = "an attachment's `url`";
                    check_url(self.file, url, what, self.offset, self.errors);
                }
            }
        }
        cases
    }

    /// A roadmap's areas or horizons, each id checked as it is kept.
    fn labelled(&mut self, items: Value<'_>, what: &str) -> Vec<Labelled> {
        let read: Vec<LabelledIn> = self.items(items, what);
        read.into_iter()
            .map(|l| {
                self.check_id(&l.id);
                Labelled {
                    id: l.id.into_inner(),
                    title: l.title,
                }
            })
            .collect()
    }

    /// The id of the record itself, for the kinds that have one.
    fn check_kind_id(&mut self, kind: &Kind) {
        match kind {
            Kind::Document(d) => self.check_id(&d.id),
            Kind::Roadmap(r) => self.check_id(&r.id),
            Kind::Dataset(d) => self.check_id(&d.id),
            _ => {}
        }
    }

    fn check_id(&mut self, id: &Spanned<String>) {
        check_id(self.file, id, self.offset, self.errors);
    }
}

/// Reads the `[body]` table of a section.
pub fn read_body(
    file: &Path,
    value: Value<'_>,
    offset: usize,
    errors: &mut Vec<Diagnostic>,
) -> Option<Body> {
    let body: Body = toml_input::read_table(file, value, offset, "body", &[], errors).0?;
    check_id(file, &body.id, offset, errors);
    Some(body)
}

/// The span of the value of `key` in a table, before the table is read.
fn value_span(value: &Value<'_>, key: &str) -> Option<std::ops::Range<usize>> {
    match value.get_ref() {
        toml::de::DeValue::Table(t) => t
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v.span()),
        _ => None,
    }
}

/// An `id` must be lower-case ASCII words joined by `-` (docs/content-model.md): ids end up in
/// URLs, attributes and open data.
fn check_id(file: &Path, id: &Spanned<String>, offset: usize, errors: &mut Vec<Diagnostic>) {
    let value = id.get_ref();
    if crate::url_rules::is_id(value) {
        return;
    }
    let shown: String = value.chars().flat_map(char::escape_debug).collect();
    errors.push(
        Diagnostic::at(
            file,
            id.span(),
            format!("`{shown}` is not a valid id"),
            "ids are lower-case ASCII letters and digits, in words joined by single `-`",
        )
        .hint(format!(
            "write id = \"{}\" (ids appear in URLs and open data)",
            crate::url_rules::suggest_id(value)
        ))
        .offset(offset),
    );
}

/// A typed URL field takes `http:`, `https:`, `mailto:`, `tel:` or a relative URL.
fn check_url(
    file: &Path,
    url: &Spanned<String>,
    what: &str,
    offset: usize,
    errors: &mut Vec<Diagnostic>,
) {
    if let Err(scheme) = crate::url_rules::check_url(url.get_ref()) {
        errors.push(
            Diagnostic::at(
                file,
                url.span(),
                format!("`{scheme}:` URLs are not allowed in {what}"),
                "not an http(s), mailto or tel URL",
            )
            .hint("link to an https:// address, or put the file in the meeting's bundle and give its `path`")
            .offset(offset),
        );
    }
}

/// A meeting's `end` comes after its `start` (the calendar needs both to be right).
fn check_meeting_times(
    file: &Path,
    meeting: &Meeting,
    end_span: std::ops::Range<usize>,
    offset: usize,
    errors: &mut Vec<Diagnostic>,
) {
    if let (Some(start), Some(end)) = (meeting.start, meeting.end)
        && end <= start
    {
        errors.push(
            Diagnostic::at(
                file,
                end_span,
                format!("the meeting ends ({end}) before it starts ({start})"),
                "not after `start`",
            )
            .hint("correct `start` or `end` (HH:MM, the same day), or leave `end` out")
            .offset(offset),
        );
    }
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
