//! Meetings and their cases: each meeting of a body in date order, its agenda cases given
//! their IDs and pages, cases declared by follow-up items, references between cases, and the
//! checks of one meeting (numbers, time slots, attachments, decisions of planned meetings).

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::{
    BodyId, CaseEntry, CaseId, CaseOrigin, Claim, Finder, MeetingEntry, MeetingId, Registry,
    spanned_str,
};
use crate::config::Config;
use crate::diagnostics::{Diagnostics, did_you_mean};
use crate::governance::case_id::{CaseNumbers, Format};
use crate::governance::model::{Case, Kind, Meeting, MeetingStatus, Time};
use crate::resolve::content::{Page, PageId, Pages};
use crate::site::ids::LangId;

impl Registry {
    /// Indexes every meeting in the default language, in date order, with its agenda cases.
    pub(super) fn add_meetings(
        &mut self,
        config: &Config,
        pages: &Pages,
        find: &mut Finder,
        claim: &mut Claim<'_>,
    ) {
        let mut meeting_numbers: HashMap<(BodyId, Option<i32>, u32), PageId> = HashMap::new();
        let mut order: Vec<PageId> = (pages.ids())
            .filter(|&i| {
                pages[i].source.lang.is_default()
                    && matches!(pages[i].source.meta.kind, Some(Kind::Meeting(_)))
            })
            .collect();
        order.sort_by_key(|&i| match &pages[i].source.meta.kind {
            Some(Kind::Meeting(m)) => (Some(*m.date.get_ref()), *m.number.get_ref()),
            _ => unreachable_key(),
        });
        for page_index in order {
            let page = &pages[page_index];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                continue;
            };
            let Some(b) = self.lookup_body(&meeting.body, page, find) else {
                continue;
            };
            let year = meeting.date.get_ref().year();
            let per_year = !self
                .body(b)
                .format
                .as_ref()
                .is_some_and(Format::has_meeting);
            let number_key = (b, per_year.then_some(year), *meeting.number.get_ref());
            if let Some(&other) = meeting_numbers.get(&number_key) {
                find.at(
                    page,
                    meeting.number.span(),
                    format!(
                        "two meetings of `{}` have number {}",
                        self.body(b).id,
                        meeting.number.get_ref()
                    ),
                    "this number is taken",
                )
                .hints
                .push(format!("{} has it too", pages[other].source.file.display()));
            } else {
                meeting_numbers.insert(number_key, page_index);
            }
            let m_index = self.next_meeting_id();
            let mut case_slots = Vec::new();
            for (c, case) in meeting.cases.iter().enumerate() {
                let slot =
                    self.add_agenda_case(b, meeting, m_index, c, case, page, find, claim, config);
                case_slots.push(slot);
            }
            check_time_slots(meeting, page, find);
            check_attachments(meeting, page, find);
            check_planned(meeting, page, find);
            self.meetings.push(MeetingEntry {
                page: page_index,
                body: b,
                year,
                cases: case_slots,
                texts: Vec::new(),
            });
        }
    }

    /// Cases declared by follow-up items: a case from a meeting outside the archive, named by
    /// its ID and given a title.
    pub(super) fn add_declared_cases(
        &mut self,
        config: &Config,
        pages: &Pages,
        find: &mut Finder,
        claim: &mut Claim<'_>,
    ) {
        for m in self.meeting_ids() {
            let page = &pages[self.meeting(m).page];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                continue;
            };
            let b = self.meeting(m).body;
            for (item, f) in meeting.follow_ups.iter().enumerate() {
                let (id, span) = spanned_str(&f.case);
                let numbers = self.read_id(b, id);
                let Some(numbers) = numbers else {
                    self.bad_id(b, id, span, page, find);
                    continue;
                };
                if self.case_index.contains_key(&(b, numbers)) {
                    continue;
                }
                let Some(title) = &f.case_title else {
                    find.at(
                        page,
                        span,
                        format!("no case {id} in the archive"),
                        "unknown case",
                    )
                    .hints
                    .push("add case_title = \"…\" to declare a case from a meeting that is not published here".into());
                    continue;
                };
                self.add_case(
                    b,
                    numbers,
                    title.clone(),
                    CaseOrigin::Declared {
                        page: self.meeting(m).page,
                        item,
                    },
                    &page.source.file,
                    claim,
                    find.diags,
                    config,
                );
            }
        }
    }

    /// Every reference between cases (`references`, a follow-up's `resolved_by`) checked, and
    /// the references of agenda cases linked both ways.
    pub(super) fn link_references(&mut self, pages: &Pages, find: &mut Finder) {
        for m in self.meeting_ids() {
            let page = &pages[self.meeting(m).page];
            let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
                continue;
            };
            for (c, case) in meeting.cases.iter().enumerate() {
                let from = self.meeting(m).cases[c];
                for r in &case.references {
                    if let Some(to) = self.case_ref(r, page, find)
                        && let Some(from) = from
                    {
                        self.link(from, to);
                    }
                }
            }
            for f in &meeting.follow_ups {
                if let Some(r) = &f.resolved_by {
                    self.case_ref(r, page, find);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_agenda_case(
        &mut self,
        b: BodyId,
        meeting: &Meeting,
        m_index: MeetingId,
        c: usize,
        case: &Case,
        page: &Page,
        find: &mut Finder<'_>,
        claim: &mut Claim<'_>,
        config: &Config,
    ) -> Option<CaseId> {
        let (id, span) = spanned_str(&case.id);
        let Some(numbers) = self.read_id(b, id) else {
            self.bad_id(b, id, span, page, find);
            return None;
        };
        let year = meeting.date.get_ref().year();
        let number = *meeting.number.get_ref();
        let has_meeting = self
            .body(b)
            .format
            .as_ref()
            .is_some_and(Format::has_meeting);
        let fits = numbers.year == year && (!has_meeting || numbers.meeting == Some(number));
        if !fits {
            let expected = if has_meeting {
                format!("meeting {number} of {year}")
            } else {
                format!("{year}")
            };
            find.at(
                page,
                span,
                format!("case {id} does not belong to this meeting ({expected})"),
                "wrong meeting or year in the ID",
            )
            .hints
            .push(match self.body(b).format.as_ref() {
                Some(f) => format!(
                    "the cases of this meeting are numbered like `{}`",
                    f.write(CaseNumbers {
                        year,
                        meeting: Some(number),
                        case: numbers.case
                    })
                ),
                None => "check the meeting's number and date".into(),
            });
            return None;
        }
        if self.case_index.contains_key(&(b, numbers)) {
            find.at(
                page,
                span,
                format!("case {id} is on the agenda twice"),
                "duplicate case ID",
            )
            .hints
            .push("every case of a body needs its own ID".into());
            return None;
        }
        Some(self.add_case(
            b,
            numbers,
            case.title.clone(),
            CaseOrigin::Agenda {
                meeting: m_index,
                case: c,
            },
            &page.source.file,
            claim,
            find.diags,
            config,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn add_case(
        &mut self,
        b: BodyId,
        numbers: CaseNumbers,
        title: String,
        origin: CaseOrigin,
        file: &Path,
        claim: &mut Claim<'_>,
        diags: &mut Diagnostics,
        config: &Config,
    ) -> CaseId {
        let body = &self.body(b);
        let id = body
            .format
            .as_ref()
            .map_or_else(|| format!("{numbers:?}"), |f| f.write(numbers));
        let slug = id.replace(['/', ' '], "-");
        let paths = self.case_paths(b, &slug);
        let path = &paths[LangId::DEFAULT.index()];
        claim(path, &format!("the page of case {id}"), file, diags);
        let permalink = config.absolute_url(path);
        let index = self.next_case_id();
        self.case_index.insert((b, numbers), index);
        self.cases.push(CaseEntry {
            body: b,
            numbers,
            id,
            slug,
            title,
            origin,
            permalink,
            paths,
            cited_by: Vec::new(),
            cites: Vec::new(),
        });
        index
    }

    /// Checks a reference to a case; returns it when it exists.
    pub(super) fn case_ref(
        &self,
        r: &Spanned<String>,
        page: &Page,
        find: &mut Finder<'_>,
    ) -> Option<CaseId> {
        let (id, span) = spanned_str(r);
        if let Some(found) = self.find_case(id) {
            return Some(found);
        }
        let label = if self.is_case_id(id) {
            "no such case in the archive"
        } else {
            "not a case ID of any body"
        };
        find.at(page, span, format!("unknown case `{id}`"), label)
            .hints
            .push(
                "cite a case on a published agenda, or declare it in a follow-up item with case_title"
                    .into(),
            );
        None
    }

    /// Records that case `from` cites case `to` (once, never itself).
    pub(super) fn link(&mut self, from: CaseId, to: CaseId) {
        if from == to {
            return;
        }
        if !self.case(from).cites.contains(&to) {
            self.case_mut(from).cites.push(to);
        }
        if !self.case(to).cited_by.contains(&from) {
            self.case_mut(to).cited_by.push(from);
        }
    }
}

/// A decision on the agenda of a meeting that is still planned.
fn check_planned(meeting: &Meeting, page: &Page, find: &mut Finder<'_>) {
    if meeting.status != MeetingStatus::Planned {
        return;
    }
    for case in &meeting.cases {
        if let Some(d) = &case.decision {
            find.at(
                page,
                d.span(),
                format!(
                    "case {} has a decision, but the meeting is still planned",
                    case.id.get_ref()
                ),
                "a decision before the meeting was held",
            )
            .hints
            .push("set status = \"held\" on the meeting, or remove the decision".into());
        }
    }
}

fn unreachable_key() -> (Option<crate::date::Date>, u32) {
    (None, 0)
}

/// An attachment's `path` names a file of the meeting's bundle, as load listed them: no URL,
/// no absolute path, no `..`, and the file must be there.
fn check_attachments(meeting: &Meeting, page: &Page, find: &mut Finder<'_>) {
    let assets: Vec<&str> = page.assets.iter().map(|(rel, _)| rel.as_str()).collect();
    for case in &meeting.cases {
        for path in case.attachments.iter().filter_map(|a| a.path.as_ref()) {
            let value = path.get_ref();
            if assets.contains(&value.as_str()) {
                continue;
            }
            let shown: String = value.chars().flat_map(char::escape_debug).collect();
            let (label, hint) = if crate::url_rules::scheme(value).is_some() {
                (
                    "a URL, not a file of the bundle",
                    "give a web address as `url = \"https://…\"`".to_string(),
                )
            } else if value.starts_with(['/', '\\']) {
                (
                    "an absolute path",
                    "write the path relative to the meeting's folder, e.g. \"vedlegg/protokoll.pdf\"".to_string(),
                )
            } else if value.split(['/', '\\']).any(|s| s == ".." || s == ".") {
                (
                    "`.` and `..` are not allowed",
                    "put the file in the meeting's folder and name it from there".to_string(),
                )
            } else if assets.is_empty() {
                (
                    "this meeting has no bundle folder",
                    format!(
                        "make the meeting a page bundle ({}/index.md) and put the file beside it",
                        page.source.file.with_extension("").display()
                    ),
                )
            } else {
                let hint = match did_you_mean(value, &assets) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => format!("the bundle has: {}", assets.join(", ")),
                };
                ("no such file in the bundle", hint)
            };
            find.at(
                page,
                path.span(),
                format!("attachment `{shown}` is not a file of this meeting's bundle"),
                label,
            )
            .hints
            .push(hint);
        }
    }
}

fn check_time_slots(meeting: &Meeting, page: &Page, find: &mut Finder<'_>) {
    let slots: Vec<(usize, Time, Time, Range<usize>)> = meeting
        .cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (s, e) = (c.start.as_ref()?, c.end.as_ref()?);
            Some((i, *s.get_ref(), *e.get_ref(), s.span().start..e.span().end))
        })
        .collect();
    for &(i, start, end, ref span) in &slots {
        if end <= start {
            find.at(
                page,
                span.clone(),
                format!(
                    "case {} ends ({end}) before it starts ({start})",
                    meeting.cases[i].id.get_ref()
                ),
                "empty time slot",
            );
        }
    }
    for (a, &(i, s1, e1, _)) in slots.iter().enumerate() {
        for &(j, s2, e2, ref span) in &slots[a + 1..] {
            if s1 < e2 && s2 < e1 {
                find.at(
                    page,
                    span.clone(),
                    format!(
                        "the time slots of cases {} ({s1}–{e1}) and {} ({s2}–{e2}) overlap",
                        meeting.cases[i].id.get_ref(),
                        meeting.cases[j].id.get_ref()
                    ),
                    "overlaps an earlier case",
                )
                .hints
                .push("give each case its own slot; a break needs no case".into());
            }
        }
    }
}
