//! `styre new meeting`, driven as the secretariat would: on a copy of the bundled portal, the
//! written file is snapshotted, builds and passes check, and every refusal exits 2 and writes
//! nothing.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::{read_tree, stderr, styre, write_site};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn portal() -> tempfile::TempDir {
    common::portal_copy(true)
}

fn new_meeting(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--root", s(root), "new", "meeting"];
    all.extend_from_slice(args);
    styre(&all)
}

fn check(root: &Path) {
    let out = styre(&["--root", s(root), "check"]);
    assert!(out.status.success(), "check failed:\n{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn next_meeting_of_produktstyret_builds_as_written() {
    let site = portal();
    let out = new_meeting(site.path(), &["--body", "produktstyret"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "Wrote meeting 43 of produktstyret on 2024-02-08 to content/produktstyret/moter/mote-43.md (4 follow-ups carried over)"
        ),
        "{}",
        stderr(&out)
    );
    let file = site.path().join("content/produktstyret/moter/mote-43.md");
    let text = std::fs::read_to_string(&file).unwrap();
    // The date is the first one in the 2024 meeting plan; the four follow-ups still open after
    // meeting 42 are carried over, the one it closed is not.
    insta::assert_snapshot!("produktstyret_43", text);
    check(site.path());

    let public = site.path().join("public");
    let out = styre(&["--root", s(site.path()), "build", "-o", s(&public)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tree = read_tree(&public);
    let page = String::from_utf8_lossy(&tree["produktstyret/moter/mote-43/index.html"]);
    assert!(page.contains("Eventuelt"), "{page}");
    assert!(page.contains("Helse nord ønsker å presentere arbeid med egenbehandlingsplaner."));
    assert!(tree.contains_key("produktstyret/saker/1-43-24/index.html"));
    assert!(tree.contains_key("produktstyret/saker/3-43-24/index.html"));
    let ics = String::from_utf8_lossy(&tree["data/moter.ics"]);
    assert!(
        ics.contains("DTSTART;TZID=Europe/Oslo:20240208T120000"),
        "{ics}"
    );
}

#[test]
fn a_follow_up_closed_at_a_later_meeting_is_not_carried_again() {
    let site = portal();
    assert!(
        new_meeting(site.path(), &["--body", "produktstyret"])
            .status
            .success()
    );
    // Meeting 43 closes the first follow-up it carried.
    let file = site.path().join("content/produktstyret/moter/mote-43.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let closed = text.replacen(
        "response = \"Planlegges for et senere møte i produktstyret\"\nstatus = \"open\"",
        "response = \"Presentert i sak 3-43/24.\"\nstatus = \"closed\"",
        1,
    );
    assert_ne!(closed, text);
    std::fs::write(&file, closed).unwrap();

    let out = new_meeting(site.path(), &["--body", "produktstyret"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("meeting 44 of produktstyret on 2024-04-11"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("(3 follow-ups carried over)"));
    let text = std::fs::read_to_string(site.path().join("content/produktstyret/moter/mote-44.md"))
        .unwrap();
    assert!(!text.contains("egenbehandlingsplaner"), "{text}");
    assert!(
        text.contains("referatet fra møtet 8. februar 2024"),
        "{text}"
    );
    assert!(text.contains("id = \"1-44/24\""));
    // The follow-up case cites only the cases whose follow-ups are still open.
    assert!(
        text.contains("references = [\"3/39-23\", \"6/40-23\", \"4/41-23\"]"),
        "{text}"
    );
    check(site.path());
}

#[test]
fn bodies_numbering_cases_per_year_continue_the_year() {
    let site = portal();
    let out = new_meeting(
        site.path(),
        &["--body", "e-helsestyret", "--date", "2021-09-02"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Named like the meeting before (mote-2-2021.md); cases 9/21 to 14/21 were on its agenda.
    let text = std::fs::read_to_string(
        site.path()
            .join("content/e-helsestyret/moter/mote-3-2021.md"),
    )
    .unwrap();
    insta::assert_snapshot!("e_helsestyret_3_2021", text);
    check(site.path());

    // A new year starts the numbers of meetings and cases again.
    let out = new_meeting(
        site.path(),
        &["--body", "e-helsestyret", "--date", "2022-02-03"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(
        site.path()
            .join("content/e-helsestyret/moter/mote-1-2022.md"),
    )
    .unwrap();
    assert!(text.contains("number = 1\n"), "{text}");
    assert!(text.contains("id = \"1/22\""), "{text}");
    check(site.path());
}

#[test]
fn refusals_exit_2_and_write_nothing() {
    let site = portal();
    let before = read_tree(&site.path().join("content"));
    let cases: &[(&[&str], &str)] = &[
        (
            &["--body", "produktstyre"],
            "error: no body `produktstyre` in this site; did you mean `produktstyret`?",
        ),
        (
            &["--body", "e-helsestyret"],
            "error: no meeting plan of `e-helsestyret` has a date after the last meeting (2021-05-06); give the date with --date YYYY-MM-DD",
        ),
        (
            &["--body", "produktstyret", "--date", "2023-11-30"],
            "error: `produktstyret` already has a meeting on 2023-11-30 (meeting 42, in content/produktstyret/moter/mote-42.md); give another date with --date",
        ),
        (
            &["--body", "produktstyret", "--date", "2024-02-30"],
            "error: invalid value '2024-02-30' for '--date <YYYY-MM-DD>'",
        ),
        (
            &["--body", "produktstyret", "--date", "2024-02-08T10:00"],
            "give the day only, as YYYY-MM-DD",
        ),
    ];
    for (args, message) in cases {
        let out = new_meeting(site.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(message),
            "{args:?}: expected {message:?} in\n{}",
            stderr(&out)
        );
    }
    assert_eq!(read_tree(&site.path().join("content")), before);

    // A file where the new meeting would go is never overwritten.
    write_site(
        site.path(),
        &[(
            "content/produktstyret/moter/mote-43.md",
            "+++\ntitle = \"Notat\"\n+++\nEt notat.\n",
        )],
    );
    let out = new_meeting(site.path(), &["--body", "produktstyret"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "error: content/produktstyret/moter/mote-43.md exists already; move it away or give another date with --date"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(site.path().join("content/produktstyret/moter/mote-43.md"))
            .unwrap(),
        "+++\ntitle = \"Notat\"\n+++\nEt notat.\n"
    );
}

#[test]
fn a_site_with_errors_is_reported_not_planned_from() {
    let site = portal();
    write_site(
        site.path(),
        &[(
            "content/produktstyret/moter/mote-41.md",
            "+++\ntitle = \"Møte 41\"\n\n[meeting]\nbody = \"produktstyret\"\nnumber = 42\ndate = 2023-10-26\nstatus = \"held\"\n+++\n",
        )],
    );
    let out = new_meeting(site.path(), &["--body", "produktstyret"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("two meetings of `produktstyret` have number 42"),
        "{err}"
    );
    assert!(
        err.contains("content/produktstyret/moter/mote-42.md:8:10"),
        "{err}"
    );
    assert!(err.contains("fix these problems first"), "{err}");
    assert!(
        !site
            .path()
            .join("content/produktstyret/moter/mote-43.md")
            .exists()
    );
}
