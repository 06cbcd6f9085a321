//! Incremental rebuilds (`styre serve`): after every edit of a scripted series on a copy of the
//! bundled portal, the kept output equals a full build of the same files, byte for byte, and
//! the edits meant to take a shortcut did take it.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};

use styre::LoadOptions;
use styre::Output;
use styre::{Outcome, Session};

/// A copy of the bundled site, with a probe on the front page: it shows the word count of the
/// accessibility statement through `get_page`, so an edit of that page must reach the front
/// page through what the template fetched.
fn portal() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = common::manifest_dir();
    for sub in ["content", "themes", "i18n"] {
        common::copy_tree(&repo.join(sub), &dir.path().join(sub));
    }
    std::fs::copy(repo.join("config.toml"), dir.path().join("config.toml")).unwrap();
    edit(dir.path(), "themes/styre/templates/index.html", |t| {
        t.replacen(
            "{% block content %}",
            "{% block content %}{% set probe = get_page(path=\"tilgjengelighet.md\", lang=lang) %}<p class=\"probe\">{{ probe.word_count }}</p>",
            1,
        )
    });
    dir
}

fn edit(root: &Path, rel: &str, change: impl FnOnce(&str) -> String) -> PathBuf {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = change(&text);
    assert_ne!(text, changed, "the edit of {rel} changes nothing");
    std::fs::write(&path, changed).unwrap();
    path
}

fn options() -> LoadOptions {
    LoadOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1111".into()),
    }
}

/// The output of a full build of the site as it is on disk now.
fn full_build(root: &Path) -> Output {
    let build = styre::build_site(root, &options());
    assert!(
        !build.diagnostics.has_errors(),
        "{}",
        build.diagnostics.render(&build.sources, false)
    );
    build.output.unwrap()
}

/// Asserts two outputs are the same files with the same bytes, naming the first differences.
fn assert_same(step: &str, incremental: &Output, full: &Output) {
    if incremental == full {
        return;
    }
    let mut problems = Vec::new();
    for (path, file) in &full.files {
        match incremental.files.get(path) {
            None => problems.push(format!("missing {path}")),
            Some(f) if f != file => problems.push(format!("differs {path}")),
            Some(_) => {}
        }
    }
    for path in incremental.files.keys() {
        if !full.files.contains_key(path) {
            problems.push(format!("extra {path}"));
        }
    }
    problems.truncate(12);
    panic!(
        "after {step}, the incremental output is not the full build's:\n{}",
        problems.join("\n")
    );
}

/// What kind of update a step expects.
#[derive(Debug, PartialEq)]
enum Expect {
    Patched,
    Rebuilt,
    Failed,
}

struct Run {
    root: PathBuf,
    session: Session,
    output: Output,
}

impl Run {
    fn step(&mut self, step: &str, paths: &[PathBuf], expect: Expect) -> usize {
        let outcome = self.session.changed(paths);
        let (kind, jobs) = match outcome {
            Outcome::Patched { patch, .. } => {
                let jobs = patch.jobs;
                patch.apply(&mut self.output);
                (Expect::Patched, jobs)
            }
            Outcome::Rebuilt(build) => {
                assert!(
                    !build.diagnostics.has_errors(),
                    "{step}: the rebuild failed:\n{}",
                    build.diagnostics.render(&build.sources, false)
                );
                self.output = build.output.unwrap();
                (Expect::Rebuilt, 0)
            }
            Outcome::Failed { .. } => (Expect::Failed, 0),
            Outcome::Unchanged { .. } => panic!("{step}: nothing was updated"),
        };
        assert_eq!(kind, expect, "{step}: not the expected kind of update");
        if kind != Expect::Failed {
            match self.session.refresh_search() {
                Some(Outcome::Patched { patch, .. }) => patch.apply(&mut self.output),
                None => {}
                Some(other) => panic!("{step}: the search index failed: {other:?}"),
            }
            assert!(!self.session.search_pending());
            assert_same(step, &self.output, &full_build(&self.root));
        }
        jobs
    }

    fn read(&self, path: &str) -> String {
        String::from_utf8(self.output.read(path).unwrap()).unwrap()
    }
}

#[test]
fn incremental_rebuilds_equal_full_builds_after_every_edit() {
    let dir = portal();
    let root = dir.path().to_path_buf();
    let mut session = Session::new(&root, options());
    let build = session.full();
    let output = build.ok().expect("the portal builds").clone();
    assert_same("the first build", &output, &full_build(&root));
    let total = output.files.len();
    let mut run = Run {
        root: root.clone(),
        session,
        output,
    };

    // A meeting's minutes: the meeting page and its stand-ins re-render, not the site.
    let meeting = edit(&root, "content/produktstyret/moter/mote-42.md", |t| {
        format!("{t}\nEt nytt avsnitt i referatet om sak 4-42/23.\n")
    });
    let jobs = run.step("a body edit of a meeting", &[meeting], Expect::Patched);
    assert!(jobs < total / 10, "{jobs} jobs for one meeting's text");
    assert!(
        run.read("produktstyret/moter/mote-42/index.html")
            .contains("Et nytt avsnitt")
    );

    // A page that a template fetches with get_page: the front page shows its word count.
    let before = run.read("index.html");
    let statement = edit(&root, "content/tilgjengelighet.md", |t| {
        format!("{t}\nEnda en setning med flere ord i erklæringen.\n")
    });
    run.step(
        "a body edit of a fetched page",
        &[statement],
        Expect::Patched,
    );
    assert_ne!(
        run.read("index.html"),
        before,
        "the front page's probe did not change"
    );

    // An earlier version of the mandate: the current version's page shows the change.
    let old_mandate = edit(&root, "content/produktstyret/mandat-2016.md", |t| {
        format!("{t}\nEn setning som bare fantes i 2016.\n")
    });
    run.step(
        "a body edit of a document version",
        &[old_mandate],
        Expect::Patched,
    );

    // New headings and links: anchors and link checks follow.
    let strategy = edit(&root, "content/strategi.md", |t| {
        format!(
            "{t}\n## Et nytt kapittel\n\nSe [mandatet](@/produktstyret/mandat.md) og sak 4-42/23.\n"
        )
    });
    run.step("a new heading and links", &[strategy], Expect::Patched);

    // Two files saved together (a replace across files, a checkout): a link to a heading the
    // other file adds is checked once both are in.
    let linking = edit(&root, "content/veikart.md", |t| {
        format!("{t}\nSe [det nye steget](@/leveranseplan.md#et-nytt-steg).\n")
    });
    let linked = edit(&root, "content/leveranseplan.md", |t| {
        format!("{t}\n## Et nytt steg\n\nTekst.\n")
    });
    run.step(
        "two files in one batch",
        &[linking, linked],
        Expect::Patched,
    );

    // A section's own text.
    let section = edit(&root, "content/produktstyret/_index.md", |t| {
        format!("{t}\nStyret møtes om lag seks ganger i året.\n")
    });
    run.step("a body edit of a section", &[section], Expect::Patched);

    // Templates: the front page's only, then the base every page extends.
    let front = edit(&root, "themes/styre/templates/index.html", |t| {
        t.replacen("class=\"probe\"", "class=\"probe word-count\"", 1)
    });
    let jobs = run.step(
        "an edit of the front page's template",
        &[front],
        Expect::Patched,
    );
    assert!(jobs < 20, "{jobs} jobs for the front page template");
    let base = edit(&root, "themes/styre/templates/base.html", |t| {
        t.replacen("</footer>", "<p>Endret mal.</p></footer>", 1)
    });
    run.step("an edit of the base template", &[base], Expect::Patched);

    // Front matter: the title is shown in listings, menus and registers.
    let fm = edit(&root, "content/produktstyret/moter/mote-42.md", |t| {
        t.replacen("title = \"", "title = \"Endret: ", 1)
    });
    run.step("a title change", &[fm], Expect::Rebuilt);

    // The config.
    let config = edit(&root, "config.toml", |t| {
        t.replacen("title = \"", "title = \"Ny tittel: ", 1)
    });
    run.step("a config edit", &[config], Expect::Rebuilt);

    // A broken link fails and keeps nothing; mending it rebuilds.
    let broken = edit(&root, "content/tall/helsenorge-i-bruk-2023.md", |t| {
        format!("{t}\nSe [dette](@/finnes-ikke.md).\n")
    });
    run.step(
        "a broken link",
        std::slice::from_ref(&broken),
        Expect::Failed,
    );
    edit(&root, "content/tall/helsenorge-i-bruk-2023.md", |t| {
        t.replace("\nSe [dette](@/finnes-ikke.md).\n", "\n")
    });
    run.step("the link mended", &[broken], Expect::Rebuilt);

    // A theme's interface strings, deleted: not a temporary file, the site read it.
    let strings = root.join("themes/styre/i18n/so.toml");
    assert!(strings.is_file());
    std::fs::remove_file(&strings).unwrap();
    run.step("a theme's strings deleted", &[strings], Expect::Rebuilt);

    // Rename and delete.
    let from = root.join("content/tall/mest-brukte-tjenester-2023.en.md");
    let to = root.join("content/tall/most-used-services-2023.en.md");
    std::fs::rename(&from, &to).unwrap();
    run.step("a rename", &[from, to], Expect::Rebuilt);
    let gone = root.join("content/tilgjengelighet.en.md");
    std::fs::remove_file(&gone).unwrap();
    run.step("a delete", &[gone], Expect::Rebuilt);

    // And the shortcut again after those.
    let meeting = edit(&root, "content/produktstyret/moter/mote-42.md", |t| {
        t.replace("Et nytt avsnitt", "Et endret avsnitt")
    });
    run.step("a body edit after rebuilds", &[meeting], Expect::Patched);
}

#[test]
fn paths_the_site_does_not_read_change_nothing() {
    let dir = portal();
    let root = dir.path();
    let mut session = Session::new(root, options());
    assert!(session.full().ok().is_some());
    std::fs::write(root.join("notes.txt"), "not part of the site").unwrap();
    std::fs::write(root.join("content/.draft.md.swp"), "editor state").unwrap();
    let paths = [root.join("notes.txt"), root.join("content/.draft.md.swp")];
    assert!(matches!(
        session.changed(&paths),
        Outcome::Unchanged { reload: false }
    ));
}
