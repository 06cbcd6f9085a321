//! Fixture sites under `tests/sites/<name>/` are built whole and compared file by file with
//! `tests/sites/<name>/expected/`. A missing, different or stale expected file fails the test.
//! `STYRE_BLESS=1 cargo test --test sites` rewrites the expected trees after a deliberate change.
//! Built-in assets copied unchanged into the output (stylesheets, scripts, stemmers) are checked
//! against their sources instead of being kept in every `expected/`.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{bless, manifest_dir, read_tree};

fn check_site(name: &str) {
    let root = manifest_dir().join("tests/sites").join(name);
    let build = styre::build_site(&root, &Default::default());
    assert!(
        !build.diagnostics.has_errors(),
        "{name} should build:\n{}",
        build.diagnostics.render(&build.sources, false)
    );
    // And pass `check`, which also reads every link of every built page.
    let (checked, _) = styre::check_site(&root, &Default::default());
    assert!(
        !checked.diagnostics.has_errors(),
        "{name} should pass check:\n{}",
        checked.diagnostics.render(&checked.sources, false)
    );
    let output = build.output.expect("output");
    let actual: BTreeMap<String, Vec<u8>> = output
        .files
        .keys()
        .map(|path| (path.clone(), output.read(path).expect("readable output")))
        .collect();
    // Built-in assets written as they are: checked against their sources, not kept in expected/.
    // (The fixtures use the default highlighting themes.)
    let syntax = styre::stylesheet("InspiredGitHub", "base16-ocean.dark");
    let builtin: BTreeMap<&str, &str> = [
        ("syntax.css", syntax.as_str()),
        ("styre.css", styre::BUILTIN_CSS),
        ("styre-governance.css", styre::GOVERNANCE_CSS),
        ("styre-filter.js", styre::FILTER_JS),
        ("styre-search.js", styre::SEARCH_JS),
    ]
    .into_iter()
    .chain(styre::STEMMER_JS.iter().copied())
    .collect();
    let (copies, mut actual): (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) =
        actual.into_iter().partition(|(path, bytes)| {
            builtin
                .get(path.as_str())
                .is_some_and(|b| b.as_bytes() == bytes)
        });
    // Which built-in assets the site gets is part of the expected output.
    let listed: String = copies.keys().map(|k| format!("{k}\n")).collect();
    actual.insert("BUILTIN-ASSETS.txt".into(), listed.into_bytes());
    let expected_dir = root.join("expected");
    if bless() {
        let _ = std::fs::remove_dir_all(&expected_dir);
        for (path, bytes) in &actual {
            let dest = expected_dir.join(path);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(dest, bytes).unwrap();
        }
        return;
    }
    let expected = read_tree(&expected_dir);
    let mut problems = Vec::new();
    for (path, bytes) in &actual {
        match expected.get(path) {
            None => problems.push(format!("new file not in expected/: {path}")),
            Some(e) if e != bytes => problems.push(format!(
                "{path} differs:\n--- expected\n{}\n--- actual\n{}",
                String::from_utf8_lossy(e),
                String::from_utf8_lossy(bytes)
            )),
            Some(_) => {}
        }
    }
    for path in expected.keys() {
        if !actual.contains_key(path) {
            problems.push(format!(
                "stale expected file (not produced any more): {path}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "site {name} (run with STYRE_BLESS=1 to accept deliberate changes):\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_site_fixture_has_a_test() {
    let mut names: Vec<String> = std::fs::read_dir(manifest_dir().join("tests/sites"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["basic", "bundles-and-languages", "governance", "minified"]
    );
}

#[test]
fn basic() {
    check_site("basic");
}

#[test]
fn bundles_and_languages() {
    check_site("bundles-and-languages");
}

/// Bodies, a meeting with cases and follow-ups, a declared case, document versions with a diff,
/// roadmap, delivery plan, meeting plan and a dataset chart; the case pages and registers.
#[test]
fn governance() {
    check_site("governance");
}

#[test]
fn minified() {
    check_site("minified");
}

#[test]
fn two_builds_are_byte_identical() {
    let root = manifest_dir().join("tests/sites/bundles-and-languages");
    let a = styre::build_site(&root, &Default::default())
        .output
        .unwrap();
    let b = styre::build_site(&root, &Default::default())
        .output
        .unwrap();
    assert_eq!(a, b);
    assert!(
        !Path::new(&root.join("public")).exists(),
        "building in memory writes nothing"
    );
}
