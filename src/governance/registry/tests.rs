//! Unit tests of the registry: what it indexes, the URLs it gives each record in each
//! language, and the mistakes it finds (each named by its message and the file it is in).

use super::{BodyId, CaseId};
use crate::diagnostics::Diagnostics;
use crate::resolve::Site;
use crate::site::ids::LangId;
use crate::testing::{config, resolve, site};

/// The language of `code` on `site`.
fn lang(site: &Site, code: &str) -> LangId {
    site.config.langs.id(code).unwrap()
}

/// The section of a body `id` whose case IDs are written `format`.
fn body(id: &str, format: &str) -> String {
    format!(
        "+++\ntitle = \"{id}\"\n[body]\nid = \"{id}\"\nshort_name = \"{id}\"\n\
         case_id = \"{format}\"\nfollow_up_case_id = \"{{case}}/{{meeting}}-{{yy}}\"\n+++\n"
    )
}

/// A held meeting of `styret`, number `number` on `date`, with the TOML `rest` after its table.
fn meeting(number: u32, date: &str, rest: &str) -> String {
    format!(
        "+++\ntitle = \"Møte {number}\"\n[meeting]\nbody = \"styret\"\nnumber = {number}\n\
         date = {date}\nstatus = \"held\"\n{rest}\n+++\n"
    )
}

/// A case on the agenda: `[[meeting.cases]]` with its ID, title and the TOML `rest`.
fn case(id: &str, rest: &str) -> String {
    format!("[[meeting.cases]]\nid = \"{id}\"\ntitle = \"Sak {id}\"\n{rest}\n")
}

/// Each problem as `file: message`, in the order found.
fn problems(diags: &Diagnostics) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}: {}", d.file.display(), d.message))
        .collect()
}

/// The problems of the site made of `files`.
fn problems_of(files: &[(&str, &str)]) -> Vec<String> {
    problems(&resolve(files).1)
}

#[test]
fn cases_are_indexed_with_their_pages_in_every_language() {
    let config = config("");
    let body = body("styret", "{case}-{meeting}/{yy}");
    let m6 = meeting(6, "2023-11-02", &case("4-6/23", ""));
    let m7 = meeting(
        7,
        "2024-02-08",
        &format!(
            "{}{}",
            case("1-7/24", "references = [\"4/6-23\"]"),
            case("2-7/24", "")
        ),
    );
    let site = site(&[
        ("config.toml", &config),
        ("content/styret/_index.md", &body),
        ("content/styret/mote-7.md", &m7),
        ("content/styret/mote-6.md", &m6),
    ]);
    let reg = &site.governance;
    assert_eq!(reg.bodies.len(), 1);
    assert_eq!(reg.find_body("styret"), Some(BodyId(0)));
    // Meetings in date order, whatever the order of their files.
    let years: Vec<i32> = reg.meetings.iter().map(|m| m.year).collect();
    assert_eq!(years, [2023, 2024]);
    let ids: Vec<&str> = reg.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["4-6/23", "1-7/24", "2-7/24"]);
    assert_eq!(reg.cases[0].slug, "4-6-23");
    assert_eq!(
        reg.case_path(CaseId(0), lang(&site, "nb")),
        "/styret/saker/4-6-23/"
    );
    assert_eq!(
        reg.case_path(CaseId(0), lang(&site, "en")),
        "/en/styret/cases/4-6-23/"
    );
    assert_eq!(
        reg.cases[0].permalink,
        "https://example.org/styret/saker/4-6-23/"
    );
    assert_eq!(
        reg.archive_path(BodyId(0), 2024, lang(&site, "en")),
        "/en/styret/archive/2024/"
    );
    assert_eq!(reg.archive_years(), [(BodyId(0), 2023), (BodyId(0), 2024)]);
    // Both formats of the body find a case; other strings are not case IDs.
    assert_eq!(reg.find_case("4-6/23"), Some(CaseId(0)));
    assert_eq!(reg.find_case("4/6-23"), Some(CaseId(0)));
    assert_eq!(reg.find_case("9-6/23"), None);
    assert!(reg.is_case_id("9-6/23"));
    assert!(!reg.is_case_id("styret"));
    // A reference links both ways.
    assert_eq!(reg.cases[1].cites, [CaseId(0)]);
    assert_eq!(reg.cases[0].cited_by, [CaseId(1)]);
    assert_eq!(
        reg.generated_path("decisions", lang(&site, "en"))
            .as_deref(),
        Some("/en/decisions/")
    );
    assert_eq!(
        reg.generated_path("search", lang(&site, "nb")).as_deref(),
        Some("/sok/")
    );
    assert_eq!(reg.generated_path("minutes", lang(&site, "nb")), None);
}

#[test]
fn wrong_case_ids_and_meeting_numbers_are_found_where_they_are_written() {
    let config = config("");
    let body = body("styret", "{case}-{meeting}/{yy}");
    let agenda = format!(
        "{}{}{}",
        case("1-7/24", ""),
        case("1-7/24", ""),
        case("2-8/24", "")
    );
    let m7 = meeting(7, "2024-02-08", &agenda);
    let again = meeting(7, "2024-03-08", &case("sak 3", ""));
    let found = problems_of(&[
        ("config.toml", &config),
        ("content/styret/_index.md", &body),
        ("content/styret/mote-7.md", &m7),
        ("content/styret/mote-7b.md", &again),
    ]);
    assert_eq!(
        found,
        [
            "content/styret/mote-7.md: case 1-7/24 is on the agenda twice",
            "content/styret/mote-7.md: case 2-8/24 does not belong to this meeting \
             (meeting 7 of 2024)",
            "content/styret/mote-7b.md: two meetings of `styret` have number 7",
            "content/styret/mote-7b.md: `sak 3` is not a case ID of `styret`",
        ]
    );
}

#[test]
fn bodies_whose_ids_could_be_confused_and_unknown_bodies_are_errors() {
    let config = config("");
    let a = body("styret", "{case}-{meeting}/{yy}");
    let b = body("radet", "{case}-{meeting}/{yy}");
    let plan = "+++\ntitle = \"Plan\"\n[meeting_plan]\nbody = \"styrett\"\nyear = 2025\n+++\n";
    let found = problems_of(&[
        ("config.toml", &config),
        ("content/styret/_index.md", &a),
        ("content/radet/_index.md", &b),
        ("content/plan.md", plan),
    ]);
    assert_eq!(
        found,
        [
            "content/styret/_index.md: bodies `radet` and `styret` write case IDs the same way",
            "content/plan.md: no body has the id `styrett`",
        ]
    );
}

#[test]
fn document_versions_in_a_circle_are_reported_once_with_the_round() {
    let config = config("");
    let version = |name: &str, previous: &str| {
        format!(
            "+++\ntitle = \"{name}\"\n[document]\nid = \"mandat\"\nversion = \"{name}\"\n\
             previous = \"@/{previous}\"\n+++\n"
        )
    };
    let (a, b) = (version("a", "b.md"), version("b", "a.md"));
    let (site, diags) = resolve(&[
        ("config.toml", &config),
        ("content/a.md", &a),
        ("content/b.md", &b),
    ]);
    assert_eq!(
        problems(&diags),
        ["content/a.md: the `previous` links of this document's versions go round in a circle"]
    );
    let d = diags.iter().next().unwrap();
    assert_eq!(
        d.hints,
        ["content/a.md → content/b.md → content/a.md; the earliest version has no `previous`"]
    );
    let docs = &site.unwrap().governance.documents;
    assert_eq!(docs.len(), 2);
}

#[test]
fn time_slots_and_decisions_of_planned_meetings_are_checked() {
    let config = config("");
    let body = body("styret", "{case}-{meeting}/{yy}");
    let agenda = format!(
        "{}{}{}",
        case("1-7/24", "start = \"12:00\"\nend = \"12:30\""),
        case("2-7/24", "start = \"12:20\"\nend = \"12:40\""),
        case(
            "3-7/24",
            "start = \"13:00\"\nend = \"12:50\"\ndecision = \"Ja.\""
        )
    );
    let planned = meeting(7, "2024-02-08", &agenda).replace("\"held\"", "\"planned\"");
    let found = problems_of(&[
        ("config.toml", &config),
        ("content/styret/_index.md", &body),
        ("content/styret/mote-7.md", &planned),
    ]);
    assert_eq!(
        found,
        [
            "content/styret/mote-7.md: case 3-7/24 ends (12:50) before it starts (13:00)",
            "content/styret/mote-7.md: the time slots of cases 1-7/24 (12:00–12:30) and \
             2-7/24 (12:20–12:40) overlap",
            "content/styret/mote-7.md: case 3-7/24 has a decision, but the meeting is still \
             planned",
        ]
    );
}

#[test]
fn a_case_has_one_path_per_language_that_its_permalink_and_page_share() {
    let config = config("");
    let body = body("styret", "{case}-{meeting}/{yy}");
    let m6 = meeting(6, "2023-11-02", &case("4-6/23", ""));
    // The site renames the case folder in its default language.
    let site = site(&[
        ("config.toml", &config),
        ("i18n/nb.toml", "[url]\ncases = \"sak\"\n"),
        ("content/styret/_index.md", &body),
        ("content/styret/mote-6.md", &m6),
    ]);
    let reg = &site.governance;
    assert_eq!(
        reg.case_path(CaseId(0), lang(&site, "nb")),
        "/styret/sak/4-6-23/"
    );
    assert_eq!(
        reg.case_path(CaseId(0), lang(&site, "en")),
        "/en/styret/cases/4-6-23/"
    );
    assert_eq!(
        reg.cases[0].permalink,
        "https://example.org/styret/sak/4-6-23/"
    );
    assert!(
        site.outputs.contains("styret/sak/4-6-23/index.html"),
        "{:?}",
        site.outputs
    );
}

#[test]
fn broken_links_in_front_matter_texts_are_named_as_written() {
    let config = config("");
    let body = body("styret", "{case}-{meeting}/{yy}");
    let texts = "background = \"Se [registeret](@vedtak) og [mandatet](@/mandat.md).\"";
    let m6 = meeting(6, "2023-11-02", &case("4-6/23", texts));
    let (_, diags) = resolve(&[
        ("config.toml", &config),
        ("content/styret/_index.md", &body),
        ("content/styret/mote-6.md", &m6),
    ]);
    assert_eq!(
        problems(&diags),
        [
            "content/styret/mote-6.md: broken link: `@vedtak` is not a generated page of this site",
            "content/styret/mote-6.md: broken link: no content `@/mandat.md`",
        ]
    );
    let hints: Vec<&str> = diags.iter().map(|d| d.hints[0].as_str()).collect();
    assert_eq!(
        hints,
        [
            "this site has @decisions, @decision-feed, @follow-ups, @open-data, @calendar, \
             @search",
            "@/ paths are relative to content/, e.g. @/produktstyret/mandat.md",
        ]
    );
}
