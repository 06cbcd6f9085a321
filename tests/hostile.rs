//! Every input is hostile: what a snapshot of `styre check` cannot show. The output paths
//! resolve claims are exactly the files render writes; a build is the same byte for byte run
//! after run; `--base-url` follows the rule of `base_url` (exit 2 otherwise).

mod common;

use std::path::Path;

use common::{manifest_dir, read_tree, stderr, styre};
use styre::load::LoadOptions;

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
            let o = styre(&[
                "build",
                "--root",
                root.to_str().unwrap(),
                "--output-dir",
                out.to_str().unwrap(),
            ]);
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
