//! `styre new meeting`: writes the next meeting of a body as a Markdown file that builds and
//! passes check as written, with the standing cases, the open follow-ups carried over from
//! earlier meetings and "any other business".
//!
//! Everything comes from the resolved site: the next number from the body's archive, the date
//! from its meeting plan (unless given), the case IDs from the body's format, the wording from
//! the `new_meeting` interface strings of the default language.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::case_id::CaseNumbers;
use super::model::{FollowUpStatus, Kind, Meeting};
use super::registry::BodyId;
use crate::date::Date;
use crate::diagnostics::did_you_mean;
use crate::resolve::Site;
use crate::site::ids::LangId;

/// A meeting file ready to be written.
#[derive(Debug)]
pub struct NewMeeting {
    /// Relative to the site root: `content/produktstyret/moter/mote-43.md`.
    pub file: PathBuf,
    pub text: String,
    pub number: u32,
    pub date: Date,
    /// Follow-up items carried over from earlier meetings.
    pub carried: usize,
}

/// Why no meeting could be written (a usage error: exit code 2).
#[derive(Debug, PartialEq, Eq)]
pub struct ScaffoldError(pub String);

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A follow-up item still open after the latest meeting that lists it.
struct Carried<'a> {
    case: &'a str,
    case_title: Option<String>,
    item: &'a str,
    response: Option<&'a str>,
}

/// A body's meetings in order (the registry sorts them by date, then number), with their pages.
type Meetings<'a> = Vec<(&'a crate::resolve::Page, &'a Meeting)>;

/// Plans the next meeting of `body_id`, on `date` or the body's next planned date.
pub fn new_meeting(
    site: &Site,
    body_id: &str,
    date: Option<Date>,
) -> Result<NewMeeting, ScaffoldError> {
    let reg = &site.governance;
    let b = find_body(site, body_id)?;
    let entry = reg.body(b);
    let Some(format) = entry.format.as_ref() else {
        return Err(ScaffoldError(format!(
            "body `{body_id}` has no valid case_id format; run `styre check` and fix it first"
        )));
    };
    let meetings = body_meetings(site, b);
    let last = meetings.last();
    let date = meeting_date(site, b, body_id, date, &meetings)?;
    let year = date.year();
    let (number, first_case) = next_numbers(site, b, format, year, &meetings);
    let case_id = |k: u32| {
        format.write(CaseNumbers {
            year,
            meeting: Some(number),
            case: first_case + k,
        })
    };

    let carried = open_follow_ups(site, &meetings);
    let strings = site.strings.of(LangId::DEFAULT);
    let text = Wording {
        strings: &strings,
        body_name: site.section(entry.section).title(),
        short_name: &entry.body.short_name,
        number,
        date,
    };
    let previous = last
        .filter(|(_, m)| *m.date.get_ref() < date)
        .map(|(_, m)| *m);

    let mut out = String::from("+++\n");
    write_meeting_table(&mut out, &text, body_id, previous);
    let any_other_business = text.get("any_other_business");
    let cases = standing_cases(&text, previous, &carried, &any_other_business);
    write_cases(&mut out, &cases, &case_id, &any_other_business);
    write_follow_ups(&mut out, &carried);
    out.push_str("+++\n");

    let file = meeting_file(
        site,
        b,
        last.map(|(p, m)| (p.source.file.as_path(), *m)),
        number,
        year,
    );
    Ok(NewMeeting {
        file,
        text: out,
        number,
        date,
        carried: carried.len(),
    })
}

/// The body with this id, or an error that names the close ones.
fn find_body(site: &Site, body_id: &str) -> Result<BodyId, ScaffoldError> {
    let reg = &site.governance;
    if let Some(b) = reg.find_body(body_id) {
        return Ok(b);
    }
    let known: Vec<&str> = reg.bodies().map(|(_, b)| b.id.as_str()).collect();
    let mut msg = format!("no body `{body_id}` in this site");
    if let Some(close) = did_you_mean(body_id, &known) {
        let _ = write!(msg, "; did you mean `{close}`?");
    } else if known.is_empty() {
        msg.push_str("; declare one with a [body] table in a section's _index.md");
    } else {
        let _ = write!(msg, "; the bodies are: {}", known.join(", "));
    }
    Err(ScaffoldError(msg))
}

fn body_meetings(site: &Site, b: BodyId) -> Meetings<'_> {
    site.governance
        .meetings()
        .map(|(_, m)| m)
        .filter(|m| m.body == b)
        .filter_map(|m| {
            let page = site.page(m.page);
            match &page.source.meta.kind {
                Some(Kind::Meeting(meeting)) => Some((page, meeting)),
                _ => None,
            }
        })
        .collect()
}

/// The date given, or the next one in the body's meeting plans; never a day that already has
/// a meeting.
fn meeting_date(
    site: &Site,
    b: BodyId,
    body_id: &str,
    date: Option<Date>,
    meetings: &Meetings<'_>,
) -> Result<Date, ScaffoldError> {
    let last = meetings.last();
    let date = match date {
        Some(d) => d,
        None => next_planned_date(site, b, last.map(|(_, m)| *m.date.get_ref()))
            .ok_or_else(|| {
                ScaffoldError(match last {
                    Some((_, m)) => format!(
                        "no meeting plan of `{body_id}` has a date after the last meeting ({}); give the date with --date YYYY-MM-DD",
                        m.date.get_ref().ymd()
                    ),
                    None => format!(
                        "`{body_id}` has no meeting plan with a coming date; give the date with --date YYYY-MM-DD"
                    ),
                })
            })?,
    };
    if let Some((page, m)) = meetings
        .iter()
        .find(|(_, m)| m.date.get_ref().date == date.date)
    {
        return Err(ScaffoldError(format!(
            "`{body_id}` already has a meeting on {} (meeting {}, in {}); give another date with --date",
            date.ymd(),
            m.number.get_ref(),
            page.source.file.display()
        )));
    }
    Ok(date)
}

/// The new meeting's number and its first case number. Cases are numbered per meeting, or per
/// year across the body's meetings (when the format has no meeting number).
fn next_numbers(
    site: &Site,
    b: BodyId,
    format: &super::case_id::Format,
    year: i32,
    meetings: &Meetings<'_>,
) -> (u32, u32) {
    let numbered_per_year = !format.has_meeting();
    let number = meetings
        .iter()
        .filter(|(_, m)| !numbered_per_year || m.date.get_ref().year() == year)
        .map(|(_, m)| *m.number.get_ref())
        .max()
        .map_or(1, |n| n + 1);
    let first_case = if numbered_per_year {
        let reg = &site.governance;
        reg.case_ids()
            .map(|i| reg.case(i))
            .filter(|c| c.body == b && c.numbers.year == year)
            .map(|c| c.numbers.case)
            .max()
            .map_or(1, |n| n + 1)
    } else {
        1
    };
    (number, first_case)
}

/// The page's title and the `[meeting]` table, with time, format and place as at the previous
/// meeting.
fn write_meeting_table(
    out: &mut String,
    text: &Wording<'_>,
    body_id: &str,
    previous: Option<&Meeting>,
) {
    let (number, date) = (text.number, text.date);
    let title = text.get("title");
    let description = text.get("description");
    let _ = writeln!(out, "title = {}", quote(&title));
    let _ = writeln!(out, "description = {}", quote(&description));
    let _ = writeln!(out, "date = {}\n", date.ymd());
    out.push_str("[meeting]\n");
    let _ = writeln!(out, "body = {}", quote(body_id));
    let _ = writeln!(out, "number = {number}");
    let _ = writeln!(out, "date = {}", date.ymd());
    if let Some(prev) = previous {
        let _ = writeln!(
            out,
            "# Time, format and place as at meeting {}; change them if this meeting differs.",
            prev.number.get_ref()
        );
        if let Some(t) = prev.start {
            let _ = writeln!(out, "start = \"{t}\"");
        }
        if let Some(t) = prev.end {
            let _ = writeln!(out, "end = \"{t}\"");
        }
        if let Some(f) = prev.format {
            let _ = writeln!(out, "format = {}", enum_value(&f));
        }
        if let Some(p) = &prev.place {
            let _ = writeln!(out, "place = {}", quote(p));
        }
    }
    out.push_str("# Set status = \"held\" after the meeting, and record each decision.\n");
    out.push_str("status = \"planned\"\n");
}

/// The standing cases: notice (and the previous minutes), follow-ups, any other business.
fn standing_cases<'a>(
    text: &Wording<'_>,
    previous: Option<&Meeting>,
    carried: &[Carried<'a>],
    any_other_business: &str,
) -> [PlannedCase<'a>; 3] {
    let group = text.get("standing_group");
    let (notice_title, notice_proposal) = match previous {
        Some(prev) => {
            let prev_date = text.date(*prev.date.get_ref());
            (
                text.get("notice_and_minutes")
                    .replace("{previous}", &prev_date),
                text.get("notice_and_minutes_proposal")
                    .replace("{previous}", &prev_date),
            )
        }
        None => (text.get("notice"), text.get("notice_proposal")),
    };
    let mut refs: Vec<&str> = Vec::new();
    for c in carried {
        if !refs.contains(&c.case) {
            refs.push(c.case);
        }
    }
    [
        PlannedCase {
            title: notice_title,
            kind: "approval",
            group: Some(group.clone()),
            proposal: Some(notice_proposal),
            references: Vec::new(),
        },
        PlannedCase {
            title: text.get("follow_ups"),
            kind: "information",
            group: Some(group),
            proposal: Some(text.get("follow_ups_proposal")),
            references: refs,
        },
        PlannedCase {
            title: any_other_business.to_string(),
            kind: "discussion",
            group: None,
            proposal: None,
            references: Vec::new(),
        },
    ]
}

fn write_cases(
    out: &mut String,
    cases: &[PlannedCase<'_>],
    case_id: &dyn Fn(u32) -> String,
    any_other_business: &str,
) {
    for (k, c) in (0u32..).zip(cases) {
        if k + 1 == cases.len() as u32 {
            let _ = writeln!(
                out,
                "\n# Add the meeting's other cases here, numbered from {}, and keep \"{}\" last.",
                case_id(k),
                any_other_business
            );
        }
        let _ = writeln!(out, "\n[[meeting.cases]]");
        let _ = writeln!(out, "id = {}", quote(&case_id(k)));
        let _ = writeln!(out, "title = {}", quote(&c.title));
        let _ = writeln!(out, "type = \"{}\"", c.kind);
        if let Some(g) = &c.group {
            let _ = writeln!(out, "group = {}", quote(g));
        }
        if let Some(p) = &c.proposal {
            let _ = writeln!(out, "proposal = {}", quote(p));
        }
        if !c.references.is_empty() {
            let list: Vec<String> = c.references.iter().map(|r| quote(r)).collect();
            let _ = writeln!(out, "references = [{}]", list.join(", "));
        }
    }
}

fn write_follow_ups(out: &mut String, carried: &[Carried<'_>]) {
    if !carried.is_empty() {
        let _ = writeln!(
            out,
            "\n# Follow-ups still open after earlier meetings, carried over. Set status = \"closed\" (and\n# resolved_by = \"<case>\") on those this meeting closes."
        );
    }
    for c in carried {
        out.push_str("\n[[meeting.follow_ups]]\n");
        let _ = writeln!(out, "case = {}", quote(c.case));
        if let Some(t) = &c.case_title {
            let _ = writeln!(out, "case_title = {}", quote(t));
        }
        let _ = writeln!(out, "item = {}", quote(c.item));
        if let Some(r) = c.response {
            let _ = writeln!(out, "response = {}", quote(r));
        }
        out.push_str("status = \"open\"\n");
    }
}

/// The first date in the body's meeting plans after `after` (or the first of all).
fn next_planned_date(site: &Site, b: BodyId, after: Option<Date>) -> Option<Date> {
    let body_id = &site.governance.body(b).id;
    site.governance
        .meeting_plans
        .iter()
        .filter_map(|&p| match &site.page(p).source.meta.kind {
            Some(Kind::MeetingPlan(plan)) if plan.body.get_ref() == body_id => Some(plan),
            _ => None,
        })
        .flat_map(|plan| plan.dates.iter().map(|d| d.date))
        .filter(|d| after.is_none_or(|a| d.date > a.date))
        .min()
}

/// Follow-up items whose latest record, over the body's meetings in order, is open.
fn open_follow_ups<'a>(site: &'a Site, meetings: &Meetings<'a>) -> Vec<Carried<'a>> {
    let reg = &site.governance;
    let mut out: Vec<Carried<'a>> = Vec::new();
    for (_, meeting) in meetings {
        for f in &meeting.follow_ups {
            let case = f.case.get_ref().as_str();
            let same_case = |c: &Carried<'_>| {
                c.case == case
                    || (reg.find_case(c.case).is_some()
                        && reg.find_case(c.case) == reg.find_case(case))
            };
            out.retain(|c| !(same_case(c) && c.item == f.item));
            if f.status == FollowUpStatus::Open {
                let case_title = f
                    .case_title
                    .clone()
                    .or_else(|| reg.find_case(case).map(|i| reg.case(i).title.clone()));
                out.push(Carried {
                    case,
                    case_title,
                    item: &f.item,
                    response: f.response.as_deref(),
                });
            }
        }
    }
    out
}

/// Where the new meeting goes: beside the previous one, named like it with the number (and
/// year) changed; or `moter/` below the body's section when there is no earlier meeting.
fn meeting_file(
    site: &Site,
    b: BodyId,
    previous: Option<(&Path, &Meeting)>,
    number: u32,
    year: i32,
) -> PathBuf {
    if let Some((file, prev)) = previous
        && let (Some(dir), Some(stem)) = (file.parent(), file.file_stem().and_then(|s| s.to_str()))
    {
        let (old_number, old_year) = (
            prev.number.get_ref().to_string(),
            prev.date.get_ref().year().to_string(),
        );
        let mut changed = false;
        let renamed: Vec<String> = stem
            .split('-')
            .map(|part| {
                if part == old_number {
                    changed = true;
                    number.to_string()
                } else if part == old_year {
                    year.to_string()
                } else {
                    part.to_string()
                }
            })
            .collect();
        if changed {
            return dir.join(format!("{}.md", renamed.join("-")));
        }
        return dir.join(format!("mote-{number}-{year}.md"));
    }
    let section = site.section(site.governance.body(b).section);
    let dir = section
        .source
        .file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let moter = dir.join("moter");
    if site.root.join(&moter).join("_index.md").is_file() {
        moter.join(format!("mote-{number}.md"))
    } else {
        dir.join(format!("mote-{number}.md"))
    }
}

/// The `new_meeting` strings of the default language, with the placeholders filled.
struct Wording<'a> {
    strings: &'a Value,
    body_name: &'a str,
    short_name: &'a str,
    number: u32,
    date: Date,
}

impl Wording<'_> {
    fn get(&self, key: &str) -> String {
        let raw = self
            .strings
            .get("new_meeting")
            .and_then(|t| t.get(key))
            .and_then(Value::as_str)
            .map_or_else(|| english(key), str::to_string);
        raw.replace("{number}", &self.number.to_string())
            .replace("{body}", self.body_name)
            .replace("{short_name}", self.short_name)
            .replace("{date}", &self.date(self.date))
    }

    fn date(&self, d: Date) -> String {
        crate::i18n::format_date(self.strings, &d.ymd()).unwrap_or_else(|| d.ymd())
    }
}

/// The built-in English wording, for a site whose language has no `new_meeting` strings.
fn english(key: &str) -> String {
    crate::i18n::builtin("en")
        .get("new_meeting")
        .and_then(|t| t.get(key))
        .and_then(Value::as_str)
        .unwrap_or(key)
        .to_string()
}

/// A standing case of the new meeting.
struct PlannedCase<'a> {
    title: String,
    kind: &'static str,
    group: Option<String>,
    proposal: Option<String>,
    references: Vec<&'a str>,
}

/// A TOML string literal.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// How a front-matter enum is written (`"digital"`).
fn enum_value<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(quote))
        .unwrap_or_default()
}
