//! The `styre` binary, driven as a user would: init, build, check, serve, exit codes, and the
//! safety of the output folder.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{read_tree, stderr, styre, write_site};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn version_and_help() {
    let out = styre(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("styre {}", env!("CARGO_PKG_VERSION"))
    );
    for cmd in ["build", "check", "serve", "new", "init"] {
        let out = styre(&[cmd, "--help"]);
        assert!(out.status.success(), "{cmd} --help");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("Usage: styre {cmd}")), "{text}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = styre(&["build", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let out = styre(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_site_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = styre(&["check", "--root", s(dir.path())]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: cannot read config.toml"), "{err}");
    assert!(err.contains("`styre init DIR` creates one"), "{err}");
}

#[test]
fn init_then_build_then_rebuild_identically() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    let out = styre(&["init", s(&site)]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = styre(&["build", "--root", s(&site)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        summary.starts_with("Built 1 page, 1 section in 1 language ("),
        "{summary}"
    );
    let public = site.join("public");
    let first = read_tree(&public);
    for file in [
        "index.html",
        "om/index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        ".styre-output",
    ] {
        assert!(first.contains_key(file), "missing {file}");
    }

    let out = styre(&["build", "--root", s(&site)]);
    assert!(out.status.success());
    assert_eq!(
        first,
        read_tree(&public),
        "two builds must be byte-identical"
    );

    let out = styre(&["init", s(&site)]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "init refuses a non-empty folder"
    );
}

#[test]
fn check_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    let out = styre(&["check", "--root", s(&site)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("Checked 1 page, 1 section"));
    assert!(!site.join("public").exists());
}

#[test]
fn check_reads_every_link_of_the_built_pages() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    write_site(
        site,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"X\"\ndefault_language = \"nb\"\n\
                 [languages.nb]\nname = \"Norsk\"\n[languages.en]\nname = \"English\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Hjem\"\n+++\n"),
            // A bundle: its figure and attachment are copied beside the page and beside its
            // stand-in in English; the missing one and the raw HTML link are broken.
            (
                "content/doc/index.md",
                "+++\ntitle = \"Dok\"\n+++\n![Figur](figur.svg) [vedlegg](vedlegg/a.txt) \
                 ![mangler](mangler.png)\n\n<a href=\"/finnes-ikke/\">x</a> \
                 [ute](https://annen.example.no/) [e-post](mailto:a@b.no) [topp](#top)\n",
            ),
            (
                "content/doc/figur.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            ("content/doc/vedlegg/a.txt", "a"),
        ],
    );
    let out = styre(&["check", "--root", s(site)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: broken link in the built page /doc/: `mangler.png` names /doc/mangler.png, which the build does not write\n  ┌─ content/doc/index.md"), "{err}");
    assert!(
        err.contains("`/finnes-ikke/` names /finnes-ikke/index.html"),
        "{err}"
    );
    // Once per file and link, not again for the English stand-in.
    assert_eq!(err.matches("`mangler.png`").count(), 1, "{err}");
    assert!(
        !err.contains("figur.svg") && !err.contains("a.txt"),
        "{err}"
    );
    assert!(
        !err.contains("annen.example.no") && !err.contains("mailto"),
        "{err}"
    );
    assert!(err.ends_with("2 errors\n"), "{err}");

    // The stand-in's copies are written.
    std::fs::remove_file(site.join("content/doc/index.md")).unwrap();
    write_site(
        site,
        &[(
            "content/doc/index.md",
            "+++\ntitle = \"Dok\"\n+++\n![Figur](figur.svg) [vedlegg](vedlegg/a.txt)\n",
        )],
    );
    let out = styre(&["check", "--root", s(site)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(styre(&["build", "--root", s(site)]).status.success());
    for f in [
        "doc/figur.svg",
        "doc/vedlegg/a.txt",
        "en/doc/figur.svg",
        "en/doc/vedlegg/a.txt",
    ] {
        assert!(site.join("public").join(f).is_file(), "{f}");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    assert!(styre(&["build", "--root", s(&site)]).status.success());
    let before = read_tree(&site.join("public"));

    write_site(
        &site,
        &[(
            "content/om.md",
            "+++\ntitle = \"Om\"\ndaet = 2024-01-01\n+++\n",
        )],
    );
    let out = styre(&["build", "--root", s(&site)]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/om.md:3:1"), "{err}");
    assert!(err.contains("build failed;"), "{err}");
    assert_eq!(before, read_tree(&site.join("public")));
}

#[test]
fn refuses_folders_it_did_not_write_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    let precious = dir.path().join("thesis");
    write_site(&precious, &[("chapter1.tex", "years of work")]);

    let out = styre(&["build", "--root", s(&site), "--output-dir", s(&precious)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("holds files that styre did not write"),
        "{}",
        stderr(&out)
    );
    assert!(precious.join("chapter1.tex").exists());

    // The site itself, its parent and its sources are never replaced, even with --force.
    for target in [site.clone(), dir.path().to_path_buf(), site.join("content")] {
        let out = styre(&[
            "build",
            "--root",
            s(&site),
            "--output-dir",
            s(&target),
            "--force",
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
    }
    assert!(site.join("content/om.md").exists());

    let out = styre(&[
        "build",
        "--root",
        s(&site),
        "--output-dir",
        s(&precious),
        "--force",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!precious.join("chapter1.tex").exists());
    assert!(precious.join("index.html").exists());
}

/// `--force` never replaces a folder that holds the home folder, even through a link.
#[test]
fn never_replaces_a_folder_holding_the_home_folder_even_when_forced() {
    let sites = tempfile::tempdir().unwrap();
    let site = sites.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    let users = tempfile::tempdir().unwrap();
    let home = users.path().join("kari");
    write_site(&home, &[("thesis/chapter1.tex", "years of work")]);
    let link = sites.path().join("users-link");
    std::os::unix::fs::symlink(users.path(), &link).unwrap();

    for target in [users.path().to_path_buf(), home.clone(), link.clone()] {
        let out = Command::new(env!("CARGO_BIN_EXE_styre"))
            .args([
                "build",
                "--root",
                s(&site),
                "--force",
                "--output-dir",
                s(&target),
            ])
            .env("HOME", &home)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {}",
            target.display(),
            stderr(&out)
        );
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!(
                "error: refusing to write the output to {}",
                target.display()
            )),
            "{err}"
        );
        let why = if target == home {
            "it is your home folder".to_string()
        } else {
            format!(
                "it contains your home folder ({})",
                home.canonicalize().unwrap().display()
            )
        };
        assert!(err.contains(&why), "{err}");
        assert!(err.contains("even with --force"), "{err}");
        assert!(
            err.contains("= help: choose a folder of its own with --output-dir"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(home.join("thesis/chapter1.tex")).unwrap(),
            "years of work"
        );
        let beside: Vec<_> = std::fs::read_dir(users.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            beside,
            [std::ffi::OsString::from("kari")],
            "nothing is written beside it"
        );
    }
    // A folder of its own inside the home folder is fine.
    let out = Command::new(env!("CARGO_BIN_EXE_styre"))
        .args([
            "build",
            "--root",
            s(&site),
            "--output-dir",
            s(&home.join("www")),
        ])
        .env("HOME", &home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(home.join("www/index.html").is_file());
    assert!(home.join("thesis/chapter1.tex").is_file());
}

#[test]
fn base_url_and_drafts_flags() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    write_site(
        &site,
        &[
            (
                "content/utkast.md",
                "+++\ntitle = \"Utkast\"\ndraft = true\n+++\n",
            ),
            (
                "content/ny/_index.md",
                "+++\ntitle = \"Ny seksjon\"\ndraft = true\n+++\n",
            ),
            ("content/ny/side.md", "+++\ntitle = \"Side\"\n+++\n"),
            (
                "static/.well-known/security.txt",
                "Contact: mailto:post@example.no\n",
            ),
        ],
    );
    let out_dir = dir.path().join("out");
    let out = styre(&[
        "build",
        "--root",
        s(&site),
        "--output-dir",
        s(&out_dir),
        "--base-url",
        "https://staging.example.no/",
        "--drafts",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out_dir.join("utkast/index.html").exists());
    assert!(out_dir.join("ny/side/index.html").exists());
    assert!(
        out_dir.join(".well-known/security.txt").exists(),
        "static/.well-known is published"
    );
    let sitemap = std::fs::read_to_string(out_dir.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://staging.example.no/utkast/</loc>"),
        "{sitemap}"
    );

    let out = styre(&["build", "--root", s(&site), "--output-dir", s(&out_dir)]);
    assert!(out.status.success());
    assert!(
        !out_dir.join("utkast").exists(),
        "drafts are left out by default"
    );
    assert!(
        !out_dir.join("ny").exists(),
        "a draft section hides its pages too"
    );
}

/// A site of 1500 pages (a build takes a noticeable time).
fn big_site(site: &Path) {
    assert!(styre(&["init", s(site)]).status.success());
    let mut files = Vec::new();
    for i in 0..1500 {
        files.push((
            format!("content/side-{i}.md"),
            format!("+++\ntitle = \"Side {i}\"\nweight = {i}\n+++\n## Del {i}\n\nTekst {i}.\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_site(site, &refs);
}

/// Two builds into one output folder at once run one after the other: both succeed, the
/// second says it waits, and the output is a whole build that later builds accept.
#[test]
fn two_builds_into_one_folder_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("big");
    big_site(&site);
    let out_dir = dir.path().join("out");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_styre"))
            .args(["build", "--root", s(&site), "--output-dir", s(&out_dir)])
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for out in [&a, &b] {
        assert!(out.status.success(), "{}", stderr(out));
        assert!(stderr(out).contains("Built 1501 pages"), "{}", stderr(out));
    }
    let waited = [&a, &b]
        .iter()
        .filter(|o| {
            stderr(o).starts_with(&format!(
                "waiting for another build of {} to finish…\n",
                out_dir.display()
            ))
        })
        .count();
    assert_eq!(waited, 1, "{}\n---\n{}", stderr(&a), stderr(&b));
    assert!(out_dir.join(".styre-output").is_file());
    assert!(out_dir.join("side-1499/index.html").is_file());
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let third = styre(&["build", "--root", s(&site), "--output-dir", s(&out_dir)]);
    assert!(third.status.success(), "{}", stderr(&third));
}

/// Kills builds of a large site at different moments: whatever the moment, the output folder
/// is always one whole build (the old one or the new one), never a mix or nothing.
#[test]
fn a_killed_build_never_leaves_a_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("big");
    big_site(&site);
    assert!(styre(&["build", "--root", s(&site)]).status.success());
    let old = read_tree(&site.join("public"));

    write_site(
        &site,
        &[(
            "content/side-0.md",
            "+++\ntitle = \"Endret\"\n+++\nNy tekst.\n",
        )],
    );
    for delay_ms in [5u64, 30, 80, 150] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_styre"))
            .args(["build", "--root", s(&site)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = read_tree(&site.join("public"));
        let is_old = now == old;
        let is_new = now
            .get("side-0/index.html")
            .is_some_and(|b| String::from_utf8_lossy(b).contains("Endret"))
            && now.len() == old.len();
        assert!(
            is_old || is_new,
            "after a kill at {delay_ms} ms the output is neither the old nor the new build"
        );
    }
    // A later build cleans up whatever a killed one left beside the output.
    assert!(styre(&["build", "--root", s(&site)]).status.success());
    let leftovers: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("styre-new") || n.contains("styre-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn http_get(port: u16, path: &str) -> (u16, String) {
    http_get_from(port, path, "127.0.0.1")
}

/// A GET request with the given `Host` header (a browser sends the name in the address bar).
fn http_get_from(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// Opens the live-reload event stream and reads what arrives within a second.
fn read_events(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        stream,
        "GET /__styre/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(_) => continue,
        };
        received.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&received).into_owned()
}

/// The server's events once `shows` holds for them, read again for up to 20 s (a rebuild on a
/// busy machine can take a while); the last read if it never does.
fn events_until(port: u16, shows: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let events = read_events(port);
        if shows(&events) || start.elapsed() > Duration::from_secs(20) {
            return events;
        }
    }
}

fn wait_for(mut condition: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

struct KillOnDrop(std::process::Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `styre serve` on a free port of 127.0.0.1; it stops when the guard is dropped.
fn serve(site: &Path, stderr: Stdio) -> (KillOnDrop, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let child = Command::new(env!("CARGO_BIN_EXE_styre"))
        .args(["serve", "--root", s(site), "--port", &port.to_string()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    (KillOnDrop(child), port)
}

#[test]
fn serve_rebuilds_on_change_and_survives_bad_edits() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    let (_guard, port) = serve(&site, Stdio::null());
    assert!(
        wait_for(|| TcpStream::connect(("127.0.0.1", port)).is_ok()),
        "server did not start"
    );

    // Until the first build is done every address answers 503.
    assert!(wait_for(|| http_get(port, "/om/").0 == 200));
    let (status, body) = http_get(port, "/om/");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Om styret</h1>"), "{body}");
    assert!(body.contains("<script src=\"/__styre/livereload.js\" defer></script></body>"));
    assert!(
        body.contains(&format!("http://127.0.0.1:{port}/")),
        "links use the served address"
    );
    let (status, js) = http_get(port, "/__styre/livereload.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    let (status, body) = http_get(port, "/finnes-ikke/");
    assert_eq!(status, 404);
    assert!(body.contains("404"));
    assert_eq!(http_get(port, "/om").0, 301);

    write_site(
        &site,
        &[(
            "content/om.md",
            "+++\ntitle = \"Om det nye styret\"\n+++\nNy.\n",
        )],
    );
    assert!(
        wait_for(|| http_get(port, "/om/").1.contains("Om det nye styret")),
        "edit was not picked up"
    );

    write_site(&site, &[("content/om.md", "+++\ntitle = \"Ødelagt\n+++\n")]);
    std::thread::sleep(Duration::from_millis(800));
    let (status, body) = http_get(port, "/om/");
    assert_eq!(status, 200, "the last good site is still served");
    assert!(body.contains("Om det nye styret"));
    assert!(!body.contains("Ødelagt"));
    let events = read_events(port);
    assert!(events.contains("event: failed"), "{events}");
    assert!(
        events.contains("content/om.md:2:"),
        "the browser gets the positioned error: {events}"
    );

    write_site(
        &site,
        &[("content/om.md", "+++\ntitle = \"Reparert\"\n+++\n")],
    );
    assert!(wait_for(|| http_get(port, "/om/").1.contains("Reparert")));
    assert!(
        !site.join("public").exists(),
        "serve writes nothing to disk"
    );
}

#[test]
fn serve_renders_again_only_what_an_edit_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let (_guard, port) = serve(&site, log.into());
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(
        wait_for(|| log().contains("Serving")),
        "server did not start"
    );
    let head = "+++\ntitle = \"Om styret\"\ndescription = \"Hva styret er og gjør.\"\ndate = 2024-01-01\nweight = 1\n+++\n";

    // The text of a page, written in place.
    write_site(
        &site,
        &[("content/om.md", &format!("{head}Første endring.\n"))],
    );
    assert!(wait_for(|| http_get(port, "/om/")
        .1
        .contains("Første endring.")));
    assert!(
        wait_for(|| log().contains("Updated 1 content file")),
        "{}",
        log()
    );

    // The same, the way `sed -i` and some editors save: a new file renamed over the old.
    std::fs::write(
        site.join("content/sedAx41b"),
        format!("{head}Andre endring.\n"),
    )
    .unwrap();
    std::fs::rename(site.join("content/sedAx41b"), site.join("content/om.md")).unwrap();
    assert!(wait_for(|| http_get(port, "/om/")
        .1
        .contains("Andre endring.")));
    assert!(
        wait_for(|| log().matches("Updated 1 content file").count() == 2),
        "{}",
        log()
    );
    // Once edits pause, the search index follows.
    assert!(
        wait_for(|| log().contains("Updated the search index")),
        "{}",
        log()
    );
    assert_eq!(
        log().matches("Rebuilt").count(),
        1,
        "only the first build was whole: {}",
        log()
    );

    // A new template is a new file: the site is rebuilt; an edit of it re-renders its pages.
    let page = "{% extends \"base.html\" %}{% block content %}<article>{{ page.content | safe }}</article>{% endblock content %}";
    write_site(&site, &[("templates/page.html", page)]);
    assert!(
        wait_for(|| log().matches("Rebuilt").count() == 2),
        "{}",
        log()
    );
    write_site(
        &site,
        &[(
            "templates/page.html",
            &page.replace("<article>", "<article class=\"ny\">"),
        )],
    );
    // (minified: the attribute loses its quotes)
    assert!(wait_for(|| http_get(port, "/om/")
        .1
        .contains("<article class=ny>")));
    assert!(
        wait_for(|| log().contains("Updated 1 template")),
        "{}",
        log()
    );

    // The front matter changes what other pages show of it: the site is rebuilt.
    write_site(
        &site,
        &[(
            "content/om.md",
            &format!(
                "{}Andre endring.\n",
                head.replace("Om styret", "Om det nye styret")
            ),
        )],
    );
    assert!(wait_for(|| http_get(port, "/")
        .1
        .contains("Om det nye styret")));
    assert!(
        wait_for(|| log().matches("Rebuilt").count() == 3),
        "{}",
        log()
    );
}

/// DNS rebinding: a page of another site whose name is made to point at 127.0.0.1 sends its
/// name in `Host`; such requests are refused, the event stream included.
#[test]
fn serve_answers_only_requests_addressed_to_this_computer() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    let (_guard, port) = serve(&site, Stdio::null());
    assert!(
        wait_for(|| TcpStream::connect(("127.0.0.1", port)).is_ok()),
        "server did not start"
    );
    for path in ["/", "/om/", "/__styre/events", "/__styre/livereload.js"] {
        for host in [
            "evil.example",
            &format!("evil.example:{port}"),
            "localhost.evil.example",
        ] {
            let (status, response) = http_get_from(port, path, host);
            assert_eq!(status, 403, "{host}{path}: {response}");
            assert!(
                response.contains(&format!("this request was addressed to `{host}`")),
                "{response}"
            );
            assert!(response.contains("DNS rebinding"), "{response}");
            assert!(
                response.contains(&format!("Open http://127.0.0.1:{port}/ instead.")),
                "{response}"
            );
            assert!(!response.contains("Om styret"), "{response}");
        }
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("[::1]:{port}"),
    ] {
        let (status, body) = http_get_from(port, "/om/", &host);
        assert_eq!(status, 200, "{host}: {body}");
        assert!(body.contains("<h1>Om styret</h1>"), "{host}: {body}");
    }
}

/// Edits that once killed `styre serve` with a stack overflow (issue 15): Markdown nested
/// thousands deep (a body edit, rendered incrementally), a 10,000-letter word (the search index
/// rebuilt when edits pause), a template that includes itself (a template edit), a macro that
/// calls itself without end. Each is reported, the last good site stays served, and the server
/// lives on to serve the repaired site.
#[test]
fn serve_survives_edits_that_once_overflowed_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    assert!(styre(&["init", s(&site)]).status.success());
    let (mut guard, port) = serve(&site, Stdio::null());
    assert!(
        wait_for(|| TcpStream::connect(("127.0.0.1", port)).is_ok()),
        "server did not start"
    );
    // The first build is done (before it, every address answers 503): only then is there a
    // last good site for the edits below to keep.
    assert!(
        wait_for(|| http_get(port, "/om/").0 == 200),
        "the first build did not finish"
    );
    let om = std::fs::read_to_string(site.join("content/om.md")).unwrap();
    let front = &om[..om.rfind("+++\n").unwrap() + 4];
    let alive = |guard: &mut KillOnDrop, what: &str| {
        assert!(
            guard.0.try_wait().unwrap().is_none(),
            "serve died on {what}"
        );
    };
    let still_serves = |text: &str| {
        let (status, body) = http_get(port, "/om/");
        assert_eq!(status, 200);
        assert!(body.contains(text), "the last good page is served: {body}");
    };

    // A body edit (same front matter): rendered again incrementally.
    write_site(
        &site,
        &[(
            "content/om.md",
            &format!("{front}{}x\n", "> ".repeat(1_500)),
        )],
    );
    let events = events_until(port, |events| {
        events.contains("content/om.md:7:257") && events.contains("nests more than 128")
    });
    alive(&mut guard, "nested quotes");
    still_serves("Skriv styrets formål her.");
    assert!(
        events.contains("content/om.md:7:257") && events.contains("nests more than 128"),
        "{events}"
    );

    // A word of 10,000 letters: the page shows it, the search index is rebuilt after a pause.
    let word = "a".repeat(10_000);
    write_site(
        &site,
        &[("content/om.md", &format!("{front}Ordet {word}.\n"))],
    );
    assert!(wait_for(|| http_get(port, "/om/").1.contains(&word)));
    std::thread::sleep(Duration::from_millis(1_500));
    alive(&mut guard, "a long word");
    let (status, _) = http_get(port, "/search/nb/meta.json");
    assert_eq!(status, 200);

    // A template of the site's own, then an edit that makes it include itself.
    let page = "<!doctype html><html lang=\"nb\"><head><title>{{ page.title }}</title></head><body>{{ page.content | safe }}<p>Egen mal</p></body></html>";
    write_site(&site, &[("templates/page.html", page)]);
    assert!(wait_for(|| http_get(port, "/om/").1.contains("Egen mal")));
    write_site(
        &site,
        &[(
            "templates/page.html",
            &format!("{page}{{% include \"page.html\" %}}"),
        )],
    );
    let events = events_until(port, |events| events.contains("includes itself"));
    alive(&mut guard, "a template that includes itself");
    still_serves("Egen mal");
    assert!(events.contains("includes itself"), "{events}");

    // A macro that calls itself without end.
    write_site(
        &site,
        &[
            (
                "templates/m.html",
                "{% macro f(n) %}{{ self::f(n=n+1) }}{% endmacro f %}",
            ),
            (
                "templates/page.html",
                &format!("{{% import \"m.html\" as m %}}{page}{{{{ m::f(n=1) }}}}"),
            ),
        ],
    );
    let events = events_until(port, |events| events.contains("templates/m.html:1:1"));
    alive(&mut guard, "a macro that calls itself");
    still_serves("Egen mal");
    assert!(events.contains("templates/m.html:1:1"), "{events}");

    write_site(
        &site,
        &[("templates/page.html", &page.replace("Egen mal", "Reparert"))],
    );
    assert!(wait_for(|| http_get(port, "/om/").1.contains("Reparert")));
    alive(&mut guard, "the repair");
}
