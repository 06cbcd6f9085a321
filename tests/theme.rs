//! The portal theme (`themes/styre`) on the bundled site: the front page's overview (next
//! meeting, latest decisions, recent meetings, the roadmap and delivery plan at a glance),
//! breadcrumbs, the footer with the accessibility statement, the print stylesheet, and no
//! inline style anywhere (a strict Content-Security-Policy forbids them). Accessibility,
//! keyboard use and print layout are checked in a browser by tests/js/a11y.test.mjs.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::{portal_copy, read_tree, stderr, styre};

fn read(public: &Path, path: &str) -> String {
    std::fs::read_to_string(public.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let to = html[from..].find(end).map_or(html.len(), |e| from + e);
    &html[from..to]
}

#[test]
fn the_portal_front_page_shows_the_board_at_a_glance() {
    let site = portal_copy(false);
    let out = styre(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");

    let home = read(&public, "index.html");
    // The next meeting: the first date of the 2024 plan after meeting 42 (30 November 2023).
    let next = between(&home, "id=\"next-meeting\"", "</section>");
    assert!(
        next.contains("<time dir=\"auto\" datetime=\"2024-02-08\">8. februar 2024</time>"),
        "{next}"
    );
    assert!(next.contains("href=\"https://styre.example.no/produktstyret/moteplan-2024/\""));
    // The latest decisions: the seeds record proposals only (4-42/23 is put up for decision),
    // so the front page lists none and says so, rather than cases whose decision is unknown.
    let decisions = between(&home, "id=\"latest-decisions\"", "</section>");
    assert_eq!(
        decisions.matches("class=\"case-ref\"").count(),
        0,
        "{decisions}"
    );
    assert!(decisions.contains("<p>Ingen vedtak er publisert ennå.</p>"));
    assert!(decisions.contains("href=\"https://styre.example.no/vedtak/\">Alle vedtak</a>"));
    let recent = between(&home, "id=\"recent-meetings\"", "</section>");
    assert!(
        recent.contains("Møte 42 i Produktstyret Helsenorge"),
        "{recent}"
    );
    assert!(recent.contains("10 saker"), "{recent}");
    // The roadmap: 40 items, counted by status and by area; the delivery plan by stage.
    let glance = between(&home, "id=\"roadmap-glance\"", "</section>");
    assert!(
        glance.contains("40 tiltak, under arbeid 12, ikke startet 28."),
        "{glance}"
    );
    assert_eq!(glance.matches("<progress").count(), 4, "one bar per area");
    assert!(glance.contains("30 prosjekter"), "{glance}");

    // The English front page says the same in English, with English URLs.
    let en = read(&public, "en/index.html");
    assert!(en.contains("<time dir=\"auto\" datetime=\"2024-02-08\">8 February 2024</time>"));
    assert!(en.contains("href=\"https://styre.example.no/en/decisions/\">All decisions</a>"));
    assert!(en.contains("40 measures"));

    // Breadcrumbs: home, body and meeting above a case; home and section above a page.
    let case = read(&public, "produktstyret/saker/4-42-23/index.html");
    let crumbs = between(
        &case,
        "class=\"breadcrumbs wrap\" aria-label=\"Brødsmulesti\">",
        "</nav>",
    );
    let links: Vec<&str> = crumbs
        .split("<a href=\"")
        .skip(1)
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert_eq!(
        links,
        [
            "https://styre.example.no/",
            "https://styre.example.no/produktstyret/",
            "https://styre.example.no/produktstyret/moter/mote-42/",
        ]
    );
    let ar_case = read(&public, "ar/produktstyret/cases/4-42-23/index.html");
    assert!(
        ar_case.contains(
            "<li><a href=\"https://styre.example.no/ar/\">الصفحة الرئيسية</a></li><li><a href=\"https://styre.example.no/ar/produktstyret/\" lang=\"nb\" dir=\"ltr\">"
        ),
        "the home crumb is in Arabic; an untranslated section is marked Norwegian, left to right"
    );
    assert!(
        !home.contains("class=\"breadcrumbs"),
        "none on the front page"
    );

    // Every HTML page: the accessibility statement in the footer, the print stylesheet, and
    // no inline style or script.
    let tree = read_tree(&public);
    let mut pages = 0;
    for (path, bytes) in &tree {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains(" style="), "{path}: inline style");
        // A template that prints an object where it meant one of its fields.
        assert!(
            !html.contains("[object]"),
            "{path}: an object printed as text"
        );
        assert!(!html.contains("<style"), "{path}: style element");
        for script in html.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap()];
            assert!(
                tag.contains(" src=") || tag.contains("type=\"application/ld+json\""),
                "{path}: inline script <script{tag}>"
            );
        }
        assert!(
            html.contains("/portal-print.css\" media=\"print\">"),
            "{path}"
        );
        let lang = path
            .split('/')
            .next()
            .filter(|l| l.len() == 2 && !path.starts_with("404"));
        let statement = match lang {
            Some("en") => "https://styre.example.no/en/accessibility/".to_string(),
            Some(code) => format!("https://styre.example.no/{code}/tilgjengelighet/"),
            None => "https://styre.example.no/tilgjengelighet/".to_string(),
        };
        assert!(
            html.contains(&format!("<a href=\"{statement}\">")),
            "{path}: the accessibility statement {statement} is linked"
        );
    }
    assert!(pages > 400, "{pages}");
    let statement = read(&public, "tilgjengelighet/index.html");
    for part in [
        "Status for samsvar",
        "Kjente avvik",
        "Meld fra om feil og mangler",
        "Tilsyn og klage",
        "https://www.uutilsynet.no/",
    ] {
        assert!(statement.contains(part), "{part}");
    }
}
