//! Reading the governance tables of a page or a section into their records ([`super`]), item
//! by item, with the checks done while reading: ids, attachment URLs and meeting times.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::{Body, Case, Kind, Labelled, Meeting, Project, RoadmapItem};
use crate::diagnostics::Diagnostic;
use crate::toml_input::{self, Value};

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

/// A roadmap area or horizon as written, its id with its position.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelledIn {
    id: Spanned<String>,
    title: String,
}
