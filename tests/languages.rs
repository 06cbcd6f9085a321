//! The ten languages of the portal: dates, counts and numbers in each (snapshotted), generated
//! governance pages per language with translated URLs, translated records checked against
//! their originals, right-to-left pages with IDs kept left-to-right, hreflang alternates and
//! the sitemap, and the translation matrix of `styre check --translations`.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::{copy_tree, manifest_dir, stderr, styre, write_site};

const LANGS: [(&str, &str, &str); 10] = [
    ("nb", "Norsk bokmål", "ltr"),
    ("nn", "Norsk nynorsk", "ltr"),
    ("en", "English", "ltr"),
    ("se", "Davvisámegiella", "ltr"),
    ("ar", "العربية", "rtl"),
    ("lt", "Lietuvių", "ltr"),
    ("pl", "Polski", "ltr"),
    ("ru", "Русский", "ltr"),
    ("so", "Soomaali", "ltr"),
    ("uk", "Українська", "ltr"),
];

fn config() -> String {
    let mut c = String::from(
        "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\nminify_html = false\n",
    );
    for (code, name, dir) in LANGS {
        c.push_str(&format!(
            "\n[languages.{code}]\nname = \"{name}\"\ndirection = \"{dir}\"\n"
        ));
    }
    c
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn dates_counts_and_numbers_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let template = "{% for d in [\"2023-01-05\", \"2023-11-30\", \"2024-06-21\"] %}{{ format_date(date=d, lang=lang) }}\n{% endfor %}\
{% for n in [0, 1, 2, 3, 5, 11, 21, 22, 25, 101] %}{{ count(key=\"meetings\", n=n, lang=lang) }} | {{ count(key=\"cases\", n=n, lang=lang) }}\n{% endfor %}\
{{ format_number(n=1234567.5, lang=lang) }} | {{ format_number(n=5260000, lang=lang) }}\n\
{{ format_list(items=[\"A\", \"B\", \"C\"], lang=lang) }} | {{ format_list(items=[\"A\", \"B\"], lang=lang) }}\n";
    write_site(
        root,
        &[
            ("config.toml", &config()),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            ("templates/index.html", template),
        ],
    );
    let out = styre(&["build", "--root", s(root)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("warning"),
        "every built-in string exists in every language: {}",
        stderr(&out)
    );
    let mut all = String::new();
    for (code, _, _) in LANGS {
        let file = if code == "nb" {
            root.join("public/index.html")
        } else {
            root.join(format!("public/{code}/index.html"))
        };
        all.push_str(&format!(
            "== {code}\n{}\n",
            std::fs::read_to_string(file).unwrap().trim_end()
        ));
    }
    // Northern Sámi has its own month names (skábmamánnu), dual forms and the genitive in dates.
    assert!(all.contains("skábmamánu 30. b. 2023"), "{all}");
    insta::assert_snapshot!("dates_counts_numbers", all);
}

fn portal() -> tempfile::TempDir {
    common::portal_copy(false)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_portal_in_english_arabic_and_sami() {
    let site = portal();
    let root = site.path();
    let out = styre(&["build", "--root", s(root)]);
    assert!(out.status.success(), "{}", stderr(&out));

    // English: translated URLs for content and generated pages, English texts from the
    // translated meeting, case IDs linked to the English case pages.
    let meeting = read(root, "en/product-board/meetings/meeting-42/index.html");
    assert!(
        meeting.contains("<html lang=\"en\" dir=\"ltr\">"),
        "{meeting}"
    );
    assert!(
        meeting.contains(">Status review of Helsenorge<"),
        "{meeting}"
    );
    assert!(meeting.contains("href=\"https://styre.example.no/en/product-board/cases/4-42-23/\""));
    assert!(
        !meeting.contains(" lang=\"nb\" dir=\"ltr\">"),
        "a translated record carries no nb marks"
    );
    let case = read(root, "en/product-board/cases/4-42-23/index.html");
    assert!(
        case.contains("<span class=\"case-id\" dir=\"ltr\">4-42/23</span>"),
        "{case}"
    );
    for lang in ["nb", "en", "se", "ar", "uk"] {
        let href = if lang == "nb" {
            "https://styre.example.no/produktstyret/saker/4-42-23/".to_string()
        } else if lang == "en" {
            "https://styre.example.no/en/product-board/cases/4-42-23/".to_string()
        } else {
            format!("https://styre.example.no/{lang}/")
        };
        assert!(
            case.contains(&format!("hreflang=\"{lang}\" href=\"{href}")),
            "{lang}: {case}"
        );
    }
    let register = read(root, "en/decisions/index.html");
    assert!(
        register.contains("<h1>Decision register</h1>"),
        "{register}"
    );
    let menu_label = read(root, "en/index.html");
    assert!(
        menu_label.contains(">Roadmap</a>"),
        "menu labels per language"
    );

    // Arabic: right to left, menus in Arabic, the untranslated record in Norwegian marked as such,
    // and every case ID and time isolated left to right.
    let ar = read(root, "ar/produktstyret/moter/mote-42/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    assert!(ar.contains("class=\"fallback-notice\""));
    assert!(
        ar.contains("<a class=\"case-ref\" dir=\"ltr\" href=\"https://styre.example.no/ar/produktstyret/cases/4-41-23/\">4-41/23</a>"),
        "case links lead to the Arabic case pages: {ar}"
    );
    assert!(
        ar.contains("<span class=\"time\" dir=\"ltr\">12:00–12:05</span>"),
        "{ar}"
    );
    assert!(
        ar.contains("<span lang=\"nb\" dir=\"ltr\">Statusgjennomgang Helsenorge</span>"),
        "{ar}"
    );
    let ids = ar.matches("class=\"case-ref\"").count();
    let isolated = ar.matches("class=\"case-ref\" dir=\"ltr\"").count();
    assert!(
        ids > 10 && ids == isolated,
        "{ids} case references, {isolated} isolated"
    );

    // Northern Sámi: the home page is translated; the roadmap's items, not translated, are
    // marked Norwegian inside the Sámi page.
    let se_home = read(root, "se/index.html");
    assert!(se_home.contains("<html lang=\"se\" dir=\"ltr\">"));
    assert!(
        !se_home.contains("fallback-notice"),
        "the Sámi home is a translation"
    );
    let se_roadmap = read(root, "se/veikart/index.html");
    assert!(!se_roadmap.contains("fallback-notice"));
    assert!(
        se_roadmap.contains(" lang=\"nb\" dir=\"ltr\">"),
        "{se_roadmap}"
    );

    // The sitemap lists each translated page with its alternates, and no stand-ins.
    let sitemap = read(root, "sitemap.xml");
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://styre.example.no/en/product-board/mandate/\"/>"), "{sitemap}");
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"se\" href=\"https://styre.example.no/se/produktstyret/mandat/\"/>"));
    assert!(
        !sitemap.contains("/pl/produktstyret/mandat/"),
        "fallbacks are not listed"
    );
}

#[test]
fn a_translated_record_must_match_its_original() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&manifest_dir().join("tests/sites/governance"), root);
    let _ = std::fs::remove_dir_all(root.join("expected"));
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    std::fs::write(
        root.join("config.toml"),
        format!("{config}\n[languages.en]\nname = \"English\"\n"),
    )
    .unwrap();
    let original = std::fs::read_to_string(root.join("content/styret/moter/mote-7.md")).unwrap();
    let translated = original
        .replacen("title = \"Møte 7\"", "title = \"Meeting 7\"", 1)
        .replacen("number = 7", "number = 8", 1)
        .replacen(
            "status = \"held\"",
            "status = \"held\"\nplace = \"Oslo\"",
            1,
        )
        .replacen("Godkjenning av innkalling", "Approval of the notice", 1);
    assert_ne!(original, translated);
    std::fs::write(root.join("content/styret/moter/mote-7.en.md"), translated).unwrap();
    let out = styre(&["check", "--root", s(root)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("translated_record_mismatch", stderr(&out));
}

#[test]
fn translation_matrix_as_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_site(
        root,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\n\n[languages.nb]\nname = \"Norsk bokmål\"\n\n[languages.en]\nname = \"English\"\n\n[languages.se]\nname = \"Davvisámegiella\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            ("content/_index.en.md", "+++\ntitle = \"The board\"\n+++\n"),
            (
                "content/mandat.md",
                "+++\ntitle = \"Mandat\"\ndate = 2023-01-01\nupdated = 2024-03-01\n+++\nNy tekst.\n",
            ),
            (
                "content/mandat.en.md",
                "+++\ntitle = \"Mandate\"\ndate = 2023-01-01\nupdated = 2023-06-01\n+++\nOld text.\n",
            ),
            (
                "content/mandat.se.md",
                "+++\ntitle = \"Mandáhtta\"\nupdated = 2024-03-02\n+++\nOđđa teaksta.\n",
            ),
            ("content/om.md", "+++\ntitle = \"Om\"\n+++\n"),
        ],
    );
    let out = styre(&["check", "--root", s(root), "--translations"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("matrix_table", table);

    let out = styre(&[
        "check",
        "--root",
        s(root),
        "--translations",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["languages"], serde_json::json!(["nb", "en", "se"]));
    let mandat = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "mandat.md")
        .unwrap();
    assert_eq!(
        mandat["states"],
        serde_json::json!(["original", "outdated", "translated"])
    );
    assert_eq!(json["totals"][0]["language"], "en");
    assert_eq!(json["totals"][0]["outdated"], 1);
    assert_eq!(json["totals"][1]["fallback"], 2);

    let out = styre(&["check", "--root", s(root), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "--format needs --translations");
}
