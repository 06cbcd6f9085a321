//! Invalid sites under `tests/invalid/<name>/`: `styre check` must fail with exit code 1 and
//! print exactly `expected.stderr` (every problem, positioned). `STYRE_BLESS=1` rewrites the
//! snapshots after a deliberate change.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{bless, manifest_dir, stderr, styre};

fn check_invalid(name: &str) {
    let root = manifest_dir().join("tests/invalid").join(name);
    let out = styre(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: check must exit 1\n{}",
        stderr(&out)
    );
    let actual = stderr(&out);
    let snapshot = root.join("expected.stderr");
    if bless() {
        std::fs::write(&snapshot, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "{name}: stderr differs from expected.stderr (STYRE_BLESS=1 to accept)"
    );
    // `build` reports the same problems and writes nothing.
    let out = styre(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with(&expected));
    assert!(!root.join("public").exists());
}

#[test]
fn every_invalid_fixture_has_a_test() {
    let mut names: Vec<String> = std::fs::read_dir(manifest_dir().join("tests/invalid"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bad-config",
            "bad-template",
            "governance-mistakes",
            "hostile-config",
            "hostile-paths",
            "many-mistakes",
            "template-cycles",
            "too-deep"
        ]
    );
}

#[test]
fn many_mistakes_are_all_reported_at_once() {
    check_invalid("many-mistakes");
}

#[test]
fn bad_config() {
    check_invalid("bad-config");
}

#[test]
fn bad_template() {
    check_invalid("bad-template");
}

/// Governance mistakes of every kind in one run: bad case-ID formats, IDs that do not fit their
/// meeting, duplicates, unknown types, bodies, cases, areas and items, overlapping slots, a
/// decision on a planned meeting.
#[test]
fn governance_mistakes() {
    check_invalid("governance-mistakes");
}

/// Every input is hostile: output paths claimed twice (aliases over generated pages, static
/// files and bundle files over pages, a page over a case page, a file where a folder is
/// needed), aliases that leave the site, ids that are not ids, attachment paths outside the
/// bundle, script URLs in typed fields (errors) and in Markdown links (warnings), a meeting
/// that ends before it starts.
#[test]
fn hostile_paths() {
    check_invalid("hostile-paths");
}

/// A `base_url` and a `licence_url` with script schemes (config errors stop the run before
/// content is read, so they have a fixture of their own).
#[test]
fn hostile_config() {
    check_invalid("hostile-config");
}

/// Markdown nested deeper than 128 levels (quotes, lists, raw HTML; a case's background in
/// front matter), each reported where level 129 starts; long flat lists and 100 quotes pass.
#[test]
fn too_deep() {
    check_invalid("too-deep");
}

/// Templates that use themselves through `include` (even under a condition, a list of names or
/// in a block), `import` or `extends`, directly or through others: each circle reported once, at
/// the tag; a macro that calls itself without end: once, at the macro (a tree drawn by a macro
/// that calls itself renders). Each once made tera recurse until the stack overflowed (SIGABRT).
#[test]
fn template_cycles() {
    check_invalid("template-cycles");
}
