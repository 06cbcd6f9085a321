//! Every input is hostile: what a snapshot of `styre check` cannot show. The output paths
//! resolve claims are exactly the files render writes; a build is the same byte for byte run
//! after run; `--base-url` follows the rule of `base_url` (exit 2 otherwise).

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::{manifest_dir, read_tree, stderr, styre};
use styre::LoadOptions;

/// Every file of the in-memory output is claimed (or lies in a claimed folder), and every
/// claimed file is written: `claims::generated_files` is in step with render.
fn assert_claims_match_output(root: &Path) {
    let (build, state) = styre::build_site_with_state(root, &LoadOptions::default());
    assert!(
        !build.diagnostics.has_errors(),
        "{}",
        build.diagnostics.render(&build.sources, false)
    );
    let (site, _) = state.expect("the site resolves");
    let output = build.output.expect("an output");
    let folders: Vec<&String> = site.outputs.iter().filter(|p| p.ends_with('/')).collect();
    for path in output.files.keys() {
        let claimed =
            site.outputs.contains(path) || folders.iter().any(|f| path.starts_with(f.as_str()));
        assert!(
            claimed,
            "{}: {path} is written but not claimed",
            root.display()
        );
    }
    for path in site.outputs.iter().filter(|p| !p.ends_with('/')) {
        assert!(
            output.files.contains_key(path),
            "{}: {path} is claimed but not written",
            root.display()
        );
    }
}

#[test]
fn claims_are_the_output_of_every_fixture_site() {
    for site in ["basic", "bundles-and-languages", "governance", "minified"] {
        assert_claims_match_output(&manifest_dir().join("tests/sites").join(site));
    }
}

#[test]
fn claims_are_the_output_of_the_bundled_portal() {
    assert_claims_match_output(&manifest_dir());
}

/// Two builds of a site with aliases, assets, static files and governance pages give the
/// same files with the same bytes.
#[test]
fn builds_are_deterministic() {
    let root = manifest_dir().join("tests/sites/governance");
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let trees: Vec<_> = dirs
        .iter()
        .map(|d| {
            let out = d.path().join("public");
            let o = common::build_into(&root, &out);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            read_tree(&out)
        })
        .collect();
    assert!(!trees[0].is_empty());
    assert_eq!(
        trees[0].keys().collect::<Vec<_>>(),
        trees[1].keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &trees[0] {
        assert!(trees[1][path] == *bytes, "{path} differs between builds");
    }
}

/// The hostile fixture's report is the same run after run (the snapshot test compares one
/// run; this compares two).
#[test]
fn collision_reports_are_deterministic() {
    let root = manifest_dir().join("tests/invalid/hostile-paths");
    let runs: Vec<String> = (0..2)
        .map(|_| stderr(&styre(&["check", "--root", root.to_str().unwrap()])))
        .collect();
    assert!(runs[0].contains("is taken by"), "{}", runs[0]);
    assert_eq!(runs[0], runs[1]);
}

#[test]
fn base_url_flag_is_checked_like_the_config() {
    let root = manifest_dir().join("tests/sites/basic");
    for bad in [
        "javascript:alert(1)",
        "https://",
        "//evil.example",
        "https://x.no\"><script>",
        "data:text/html,x",
    ] {
        let out = tempfile::tempdir().unwrap();
        let o = styre(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output-dir",
            out.path().join("public").to_str().unwrap(),
            "--base-url",
            bad,
        ]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("--base-url") && err.contains("absolute http(s) URL"),
            "{bad}: {err}"
        );
        assert!(!out.path().join("public").exists(), "{bad}");
    }
    let out = tempfile::tempdir().unwrap();
    let o = styre(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output-dir",
        out.path().join("public").to_str().unwrap(),
        "--base-url",
        "/portal/",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Links in content/ and static/ are skipped, each with a warning naming it; the file they
/// point at is not published. Document versions whose `previous` links go round are one error,
/// at a `previous`, with the round in the hint.
#[test]
fn links_are_skipped_with_a_warning_and_previous_rounds_are_positioned() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_site(
        root,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            (
                "content/mandat-a.md",
                "+++\ntitle = \"Mandat A\"\n\n[document]\nid = \"mandat\"\nversion = \"A\"\nprevious = \"@/mandat-b.md\"\n+++\n",
            ),
            (
                "content/mandat-b.md",
                "+++\ntitle = \"Mandat B\"\n\n[document]\nid = \"mandat\"\nversion = \"B\"\nprevious = \"@/mandat-a.md\"\n+++\n",
            ),
            ("static/plain.txt", "plain"),
        ],
    );
    std::os::unix::fs::symlink(
        outside.path().join("passwd"),
        root.join("static/passwd.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("static/ute")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("passwd"), root.join("content/side.md"))
        .unwrap();
    let o = styre(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&o).replace(&outside.path().display().to_string(), "<outside>");
    assert_eq!(o.status.code(), Some(1), "{err}");
    insta::assert_snapshot!("links_and_previous_rounds", err);

    // Without the round, the build publishes the plain file and none of the linked ones.
    std::fs::remove_file(root.join("content/mandat-a.md")).unwrap();
    let out = root.join("public");
    let o = common::build_into(root, &out);
    assert_eq!(
        o.status.code(),
        Some(1),
        "b's previous is gone: {}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(root.join("content/mandat-b.md")).unwrap();
    std::fs::write(
        root.join("content/mandat-b.md"),
        text.replace("previous = \"@/mandat-a.md\"\n", ""),
    )
    .unwrap();
    let o = common::build_into(root, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files = read_tree(&out);
    assert!(files.contains_key("plain.txt"));
    assert!(
        !files
            .keys()
            .any(|f| f.contains("passwd") || f.starts_with("ute") || f.starts_with("side")),
        "{:?}",
        files.keys()
    );
    assert!(
        !files
            .values()
            .any(|b| b.windows(10).any(|w| w == b"root:x:0:0"))
    );
}

/// Content 33 folders deep or more is an error naming the file (which is left out), not a flood
/// of URL clashes from sections whose parents were no longer followed; 32 folders build, with
/// every folder in the URL.
#[test]
fn content_folders_nest_at_most_32_deep() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let deep = |n: usize| {
        (0..n)
            .map(|i| format!("d{i}"))
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut files = vec![
        (
            "config.toml".to_string(),
            "base_url = \"https://x.example.no\"\ntitle = \"T\"\n".to_string(),
        ),
        (
            "content/_index.md".to_string(),
            "+++\ntitle = \"T\"\n+++\n".to_string(),
        ),
        (
            format!("content/{}/side.md", deep(32)),
            "+++\ntitle = \"Dyp\"\n+++\n".to_string(),
        ),
    ];
    for n in 1..=32 {
        files.push((
            format!("content/{}/_index.md", deep(n)),
            format!("+++\ntitle = \"Nivå {n}\"\n+++\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    common::write_site(root, &refs);
    let out = root.join("public");
    let build = |out: &Path| common::build_into(root, out);
    let o = build(&out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join(deep(32)).join("side/index.html").is_file());

    common::write_site(
        root,
        &[(
            &format!("content/{}/for-dyp.md", deep(33)),
            "+++\ntitle = \"For dyp\"\n+++\n",
        )],
    );
    let o = build(&root.join("public2"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "this file is 33 folders deep; content is read at most 32 folders below content/"
        ),
        "{err}"
    );
    assert_eq!(
        err.matches("error:").count(),
        1,
        "one error, no clashes: {err}"
    );
}
