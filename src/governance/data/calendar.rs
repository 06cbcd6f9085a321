//! The iCalendar file (RFC 5545) of planned and held meetings, with its TEXT escaping, line
//! folding and time-zone definition.

use crate::governance::model::*;
use crate::governance::registry::MeetingEntry;
use crate::resolve::Site;

/// The iCalendar file (RFC 5545) of planned and held meetings: CRLF line ends, lines folded at
/// 75 octets, a UID and DTSTAMP per event, times in the site's time zone with its VTIMEZONE
/// (Europe/Oslo by default). DTSTAMP is the meeting page's `updated` or `date` (or the meeting
/// date), so the file does not change from build to build.
pub fn icalendar(site: &Site) -> String {
    let tz_name = &site.config.timezone_name;
    let host = uid_host(site);
    let mut lines = header(site, tz_name);
    lines.extend(vtimezone(tz_name));
    for (_, m) in site.governance.meetings() {
        lines.extend(vevent(site, m, &host, tz_name));
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

/// The host of the site's base URL, the domain part of every UID (`styre` without one).
fn uid_host(site: &Site) -> String {
    site.config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("styre")
        .trim_end_matches('/')
        .to_string()
}

/// The calendar's opening lines, up to (not including) the VTIMEZONE.
fn header(site: &Site, tz_name: &str) -> Vec<String> {
    vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:-//styre//{}//NO", escape_text(&site.config.title)),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(&site.config.title)),
        format!("X-WR-TIMEZONE:{tz_name}"),
    ]
}

/// The VEVENT of one meeting; none for a cancelled meeting or a page that is not a meeting.
fn vevent(site: &Site, m: &MeetingEntry, host: &str, tz_name: &str) -> Vec<String> {
    let page = site.page(m.page);
    let Some(Kind::Meeting(meeting)) = &page.source.meta.kind else {
        return Vec::new();
    };
    if meeting.status == MeetingStatus::Cancelled {
        return Vec::new();
    }
    let body = site.governance.body(m.body);
    let date = meeting.date.get_ref();
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
    let mut lines: Vec<String> = vec![
        "BEGIN:VEVENT".into(),
        format!("UID:{uid}"),
        format!("DTSTAMP:{}", utc_stamp(&stamp)),
    ];
    lines.extend(event_times(meeting, tz_name));
    lines.push(format!("SUMMARY:{}", escape_text(page.title())));
    if let Some(location) = event_location(meeting) {
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
    lines
}

/// DTSTART and DTEND of a meeting: local times with the zone's TZID, or the whole day when
/// the meeting has no start time.
fn event_times(meeting: &Meeting, tz_name: &str) -> Vec<String> {
    let day = meeting.date.get_ref().ymd().replace('-', "");
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
    let mut lines = Vec::new();
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
    lines
}

/// Where a meeting is held: its place, or "Digitalt" for a digital meeting without one.
fn event_location(meeting: &Meeting) -> Option<String> {
    match (&meeting.place, meeting.format) {
        (Some(place), _) => Some(place.clone()),
        (None, Some(MeetingFormat::Digital)) => Some("Digitalt".to_string()),
        _ => None,
    }
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
