//! The architecture's rules, checked on the source (ARCHITECTURE.md, Invariants): which folder
//! may name which, where the thread-locals are, and that every file says what it is. Each rule
//! reads `src/` as text, like a reviewer would; a failure names the file and the line.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

fn sources() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its `#[cfg(test)]` module (tests may reach anywhere).
fn code(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i])
}

/// Every line of the files under `folder` that names one of `forbidden` (as `crate::<name>`).
fn names(folder: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in sources().iter().filter(|(f, _)| f.starts_with(folder)) {
        for (n, line) in code(text).lines().enumerate() {
            for name in forbidden {
                let path = format!("crate::{name}");
                if let Some(i) = line.find(&path) {
                    let next = line[i + path.len()..].chars().next();
                    if next.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
                        found.push(format!("src/{file}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
    }
    found
}

/// The modules of later phases, under their folder names and the short names `lib.rs` re-exports.
const RENDER_AND_LATER: &[&str] = &[
    "render",
    "templates",
    "template_limits",
    "i18n",
    "search",
    "write",
    "output",
    "incremental",
    "serve",
];
const RESOLVE: &[&str] = &["resolve", "markdown", "highlight", "claims", "nesting"];
const LOAD: &[&str] = &[
    "load",
    "config",
    "date",
    "front_matter",
    "input",
    "toml_input",
];

#[test]
fn site_is_the_floor_and_names_no_phase() {
    let mut all: Vec<&str> = Vec::new();
    all.extend(LOAD);
    all.extend(RESOLVE);
    all.extend(RENDER_AND_LATER);
    all.extend(["governance", "diagnostics", "ui", "translations", "init"]);
    let found = names("site/", &all);
    assert!(
        found.is_empty(),
        "src/site/ uses a phase:\n{}",
        found.join("\n")
    );
}

#[test]
fn load_names_no_later_phase() {
    let mut later: Vec<&str> = RESOLVE.to_vec();
    later.extend(RENDER_AND_LATER);
    let found = names("load/", &later);
    assert!(
        found.is_empty(),
        "src/load/ uses a later phase:\n{}",
        found.join("\n")
    );
}

#[test]
fn resolve_names_no_later_phase() {
    let found = names("resolve/", RENDER_AND_LATER);
    assert!(
        found.is_empty(),
        "src/resolve/ uses a later phase:\n{}",
        found.join("\n")
    );
}

#[test]
fn write_names_no_earlier_phase_but_the_vocabulary() {
    let mut others: Vec<&str> = LOAD.to_vec();
    others.extend(RESOLVE);
    others.extend([
        "render",
        "templates",
        "i18n",
        "search",
        "governance",
        "incremental",
        "serve",
    ]);
    let found = names("write/", &others);
    assert!(
        found.is_empty(),
        "src/write/ uses a phase:\n{}",
        found.join("\n")
    );
}

/// Thread-locals are state a reader cannot see in a signature: two, each behind one API (the
/// read log of `get_page`/`get_section` and the macro-depth guard), both per render job.
#[test]
fn thread_locals_are_where_the_map_says() {
    let found: Vec<String> = sources()
        .iter()
        .filter(|(_, text)| code(text).contains("thread_local!"))
        .map(|(file, _)| file.clone())
        .collect();
    assert_eq!(
        found,
        ["render/functions.rs", "render/template_limits/macros.rs"]
    );
}

/// Every file opens with a `//!` comment that says what it holds.
#[test]
fn every_file_says_what_it_is() {
    let missing: Vec<String> = sources()
        .iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(file, _)| format!("src/{file}"))
        .collect();
    assert!(missing.is_empty(), "no //! header: {missing:?}");
}

/// The test reads the folders it checks: a rename that empties one must update this test.
#[test]
fn the_checked_folders_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for folder in [
        "site",
        "load",
        "resolve",
        "render",
        "write",
        "incremental",
        "governance",
    ] {
        assert!(root.join(folder).is_dir(), "src/{folder}/");
    }
    assert!(!names("render/", &["render"]).is_empty() || !names("load/", &["load"]).is_empty());
}
