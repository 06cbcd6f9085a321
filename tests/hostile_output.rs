//! Every input is hostile: a site whose every text field holds an attack, built, and every
//! output read back with a real parser. HTML (text, attribute and script contexts) must hold no
//! markup the author did not write as markup; Atom, RSS and sitemap XML must be well-formed;
//! JSON and JSON-LD must parse and keep the text; CSV cells must not be formulas; iCalendar
//! lines must not be split by a value. Control characters written as TOML escapes are errors.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_tree, manifest_dir, read_tree, stderr, styre};

/// Ends a script element, opens a comment-script (the HTML tokenizer's double-escaped state),
/// runs script from an attribute, breaks out of attributes, CDATA and templates.
const ATTACK: &str =
    r#"</script><!--<script>alert(1)</script><img src=x onerror=alert(1)>"' & ]]> {{ x }}"#;

/// `text` as a TOML basic string.
fn toml_str(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
        .replace('\t', "\\t");
    format!("\"{escaped}\"")
}

/// The governance fixture with every plain-text field replaced by an attack (with `tag` to tell
/// the fields apart), formula-like cells, a bare CR in a meeting place, and a second language
/// so that stand-in pages print the default language's name in their fallback notice.
fn hostile_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = manifest_dir().join("tests/sites/governance");
    copy_tree(&from.join("content"), &dir.path().join("content"));
    let attack = |tag: &str| toml_str(&format!("{tag} {ATTACK}"));
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "base_url = \"https://styre.example.no\"\ntitle = {}\nminify_html = false\n\
             generate_feed = true\n\n[languages.nb]\nname = {}\n\n[languages.en]\nname = \
             \"English\"\ntitle = {}\n\n[open_data]\nlicence = {}\npublisher = {}\n",
            attack("site-title"),
            attack("language-name"),
            attack("en-title"),
            attack("licence"),
            attack("publisher"),
        ),
    )
    .unwrap();
    let edits: &[(&str, &str, String)] = &[
        (
            "styret/moter/mote-7.md",
            "title = \"Møte 7\"",
            format!("title = {}", attack("meeting-title")),
        ),
        (
            "styret/moter/mote-7.md",
            "place = \"Teams\"",
            format!("place = {}", toml_str("Teams\rBEGIN:VEVENT\r\nUID:evil")),
        ),
        (
            "styret/moter/mote-7.md",
            "title = \"Godkjenning av innkalling\"",
            format!(
                "title = {}",
                toml_str("=HYPERLINK(\"http://evil.example\",\"klikk\")")
            ),
        ),
        (
            "styret/moter/mote-7.md",
            "title = \"Veikart <2024>\"",
            format!("title = {}", attack("case-title")),
        ),
        (
            "styret/moter/mote-7.md",
            "group = \"Faste saker\"",
            format!("group = {}", toml_str("@SUM(1+1)")),
        ),
        (
            "styret/moter/mote-7.md",
            "group = \"Innmeldte saker\"",
            format!("group = {}", attack("case-group")),
        ),
        (
            "styret/moter/mote-7.md",
            "name = \"Kari Nordmann\"",
            format!("name = {}", toml_str("+cmd|' /C calc'!A0")),
        ),
        (
            "styret/moter/mote-7.md",
            "organisation = \"Helse Nord\"",
            format!("organisation = {}", toml_str("-2+3+cmd|' /C calc'!A0")),
        ),
        (
            "styret/moter/mote-7.md",
            "case_title = \"Utkast til veikart\"",
            format!("case_title = {}", attack("follow-up-title")),
        ),
        (
            "styret/moter/mote-7.md",
            "title = \"Veikart\",",
            format!("title = {},", attack("attachment-title")),
        ),
        (
            "styret/_index.md",
            "short_name = \"Styret\"",
            format!("short_name = {}", attack("short-name")),
        ),
        (
            "styret/_index.md",
            "secretariat = \"Sekretariatet\"",
            format!("secretariat = {}", attack("secretariat")),
        ),
        (
            "styret/_index.md",
            "organisation = \"Helse Nord\"",
            format!("organisation = {}", toml_str("\tcmd")),
        ),
        (
            "styret/_index.md",
            "description = \"Styret for tjenesten.\"",
            format!("description = {}", attack("description")),
        ),
        (
            "tjenester.md",
            "caption = \"Besøk en typisk dag\"",
            format!("caption = {}", attack("caption")),
        ),
        (
            "tjenester.md",
            "unit = \"besøk\"",
            format!("unit = {}", attack("unit")),
        ),
        ("tjenester.md", "\"Tjeneste\"", attack("column")),
        ("tjenester.md", "\"Meldinger\"", attack("row")),
        (
            "veikart.md",
            "version = \"Februar 2024\"",
            format!("version = {}", attack("version")),
        ),
        (
            "veikart.md",
            "title = \"Innovasjon\"",
            format!("title = {}", attack("area")),
        ),
        (
            "veikart.md",
            "title = \"Flere helseapper\"",
            format!("title = {}", attack("item")),
        ),
        (
            "leveranseplan.md",
            "title = \"Appkatalog\"",
            format!("title = {}", attack("project")),
        ),
        (
            "leveranseplan.md",
            "actor = \"Helsedirektoratet\"",
            format!("actor = {}", attack("actor")),
        ),
        (
            "leveranseplan.md",
            "title = \"Leveranseplan\"",
            format!("title = {}", attack("page-title")),
        ),
    ];
    for (file, from, to) in edits {
        let path = dir.path().join("content").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has {from}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
    dir
}

fn build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = root.join("public");
    let o = common::build_into(root, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    read_tree(&out)
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("output is UTF-8")
}

#[test]
fn no_attack_reaches_output_as_markup_formula_or_line() {
    let site = hostile_site();
    let files = build(site.path());
    let mut seen_in_ld = false;
    let mut seen_in_xml = false;
    let mut seen_formula = false;
    let mut fallback_notices = 0;
    for (name, bytes) in &files {
        let ext = name.rsplit('.').next().unwrap_or("");
        match ext {
            "html" => {
                let doc = scraper::Html::parse_document(text(bytes));
                let all = scraper::Selector::parse("*").unwrap();
                for el in doc.select(&all) {
                    let el = el.value();
                    for (attr, value) in el.attrs() {
                        assert!(
                            !attr.starts_with("on"),
                            "{name}: <{} {attr}={value:?}>",
                            el.name()
                        );
                        assert!(
                            !value
                                .trim_start()
                                .to_ascii_lowercase()
                                .starts_with("javascript:"),
                            "{name}: <{} {attr}={value:?}>",
                            el.name()
                        );
                    }
                    assert!(
                        !(el.name() == "img" && el.attr("src") == Some("x")),
                        "{name}: an injected <img>"
                    );
                }
                let scripts = scraper::Selector::parse("script").unwrap();
                for script in doc.select(&scripts) {
                    if let Some(src) = script.value().attr("src") {
                        assert!(
                            src.ends_with(".js") && !src.contains("alert"),
                            "{name}: {src}"
                        );
                        continue;
                    }
                    assert_eq!(
                        script.value().attr("type"),
                        Some("application/ld+json"),
                        "{name}: an inline script: {}",
                        script.inner_html()
                    );
                    let json: serde_json::Value =
                        serde_json::from_str(&script.text().collect::<String>())
                            .unwrap_or_else(|e| panic!("{name}: JSON-LD does not parse: {e}"));
                    seen_in_ld |= json.to_string().contains("<!--<script>alert(1)</script>");
                }
                // The whole page survived the tokenizer: its main content and footer are there.
                for landmark in ["main", "footer"] {
                    let sel = scraper::Selector::parse(landmark).unwrap();
                    assert_eq!(doc.select(&sel).count(), 1, "{name}: <{landmark}> is lost");
                }
                let notice = scraper::Selector::parse(".fallback-notice span[lang]").unwrap();
                for span in doc.select(&notice) {
                    fallback_notices += 1;
                    assert!(
                        span.text()
                            .collect::<String>()
                            .starts_with("language-name </script>"),
                        "{name}"
                    );
                    assert_eq!(
                        span.children().count(),
                        1,
                        "{name}: the language name is markup"
                    );
                }
            }
            "xml" => {
                let source = text(bytes);
                let doc = roxmltree::Document::parse(source)
                    .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
                seen_in_xml |= doc
                    .descendants()
                    .filter_map(|n| n.text())
                    .any(|t| t.contains("<!--<script>alert(1)</script><img src=x"));
            }
            "json" => {
                serde_json::from_slice::<serde_json::Value>(bytes)
                    .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            }
            "csv" => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(&bytes[..]);
                for record in reader.records() {
                    let record = record.unwrap_or_else(|e| panic!("{name}: {e}"));
                    for cell in &record {
                        seen_formula |= cell.starts_with("'=HYPERLINK");
                        let formula = cell.starts_with(['=', '+', '@', '\t', '\r'])
                            || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                        assert!(!formula, "{name}: a formula cell {cell:?}");
                    }
                }
            }
            "ics" => {
                let source = text(bytes);
                // Every physical line, split the way the most naive reader splits (at any CR or
                // LF), is a property of the calendar or a folded continuation.
                for line in source.split(['\r', '\n']).filter(|l| !l.is_empty()) {
                    let name_end = line.find([':', ';']).unwrap_or(line.len());
                    let name = &line[..name_end];
                    assert!(
                        line.starts_with(' ')
                            || (!name.is_empty()
                                && name.chars().all(|c| c.is_ascii_uppercase() || c == '-')),
                        "{name}: a line that is no property: {line:?}"
                    );
                    assert!(
                        !line.starts_with("UID:evil"),
                        "{name}: an injected property"
                    );
                }
                let naive = source.split(['\r', '\n']).filter(|l| *l == "BEGIN:VEVENT");
                let proper = source.split("\r\n").filter(|l| *l == "BEGIN:VEVENT");
                assert_eq!(naive.count(), proper.count(), "{name}: an injected event");
                let unfolded = icalendar::parser::unfold(source);
                let calendar = icalendar::parser::read_calendar(&unfolded)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!calendar.components.is_empty(), "{name}");
            }
            _ => {}
        }
    }
    assert!(seen_in_ld, "the attack reached JSON-LD as text");
    assert!(seen_in_xml, "the attack reached a feed as text");
    assert!(
        seen_formula,
        "the formula-like title reached a CSV cell, neutralised"
    );
    assert!(
        fallback_notices > 0,
        "stand-in pages carry the fallback notice"
    );
}

/// Raw HTML in both versions of a document is the editor's (published as written on the page),
/// but the diff between them is built by styre: there it is only text, whatever it holds.
#[test]
fn raw_html_of_document_versions_reaches_the_diff_as_text_only() {
    let dir = tempfile::tempdir().unwrap();
    let from = manifest_dir().join("tests/sites/governance");
    copy_tree(&from, dir.path());
    std::fs::remove_dir_all(dir.path().join("expected")).unwrap();
    let raw = format!(
        "\n\nFørst {ATTACK} sist.\n\n<div onclick=\"alert(2)\"><script>alert(3)</script>\n\
         <iframe src=\"javascript:alert(4)\"></iframe></div>\n\n\
         | Nivå | Hvem |\n| --- | --- |\n| **a**<br>b <img src=x onerror=alert(5)> | <svg onload=alert(6)> |\n"
    );
    for (file, extra) in [("mandat-2020.md", "gammel"), ("mandat.md", "ny")] {
        let path = dir.path().join("content/styret").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}{raw}\n\nSlutt {extra}.\n")).unwrap();
    }
    let files = build(dir.path());
    let page = scraper::Html::parse_document(text(&files["styret/mandat/index.html"]));
    let diff = scraper::Selector::parse(".diff-text").unwrap();
    let diff = page.select(&diff).next().expect("the page has a diff");
    let all = scraper::Selector::parse("*").unwrap();
    for el in diff.select(&all) {
        let el = el.value();
        assert!(
            [
                "h3", "p", "ul", "li", "div", "table", "thead", "tbody", "tr", "th", "td", "del",
                "ins", "span", "strong", "br"
            ]
            .contains(&el.name()),
            "<{}> in the diff",
            el.name()
        );
        for (attr, value) in el.attrs() {
            assert!(
                ["class", "scope", "lang", "dir"].contains(&attr),
                "<{} {attr}={value:?}> in the diff",
                el.name()
            );
        }
    }
    let words: String = diff.text().collect();
    assert!(
        !words.contains("alert("),
        "script text in the diff: {words}"
    );
    assert!(
        words.contains("Først") && words.contains("]]> {{ x }} sist."),
        "{words}"
    );
    assert!(
        words.contains("fjernet: gammel") && words.contains("lagt til: ny"),
        "{words}"
    );
    let strong = scraper::Selector::parse("td strong").unwrap();
    assert_eq!(diff.select(&strong).count(), 1, "the table is a table");
}

#[test]
fn control_characters_are_errors_raw_as_toml_escapes_and_as_references() {
    let title = "title = \"Møte 7\"";
    let body = "Møtet ble holdt på Teams.";
    for (from, written, how, at) in [
        (
            title,
            "title = \"Møte \\u0007 7\"",
            "written as an escape in this string",
            ":2:9",
        ),
        (
            title,
            "title = \"Møte \\u001B[31m 7\"",
            "written as an escape in this string",
            ":2:9",
        ),
        (
            title,
            "title = \"Møte \\u2028 7\"",
            "written as an escape in this string",
            ":2:9",
        ),
        (title, "title = \"Møte \u{7} 7\"", "written as is", ":2:15"),
        (
            body,
            "Møtet ble holdt &#x1b; på Teams.",
            "written as a character reference",
            ":",
        ),
        (
            body,
            "Møtet ble holdt &#133; på Teams.",
            "written as a character reference",
            ":",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let source = manifest_dir().join("tests/sites/governance");
        copy_tree(&source, dir.path());
        let meeting = dir.path().join("content/styret/moter/mote-7.md");
        let text = std::fs::read_to_string(&meeting).unwrap();
        assert!(text.contains(from));
        std::fs::write(&meeting, text.replace(from, written)).unwrap();
        let o = styre(&["check", "--root", dir.path().to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{written}: {err}");
        assert!(
            err.contains("is not allowed in text") && err.contains(how),
            "{written}: {err}"
        );
        assert!(
            err.contains(&format!("mote-7.md{at}")),
            "{written}: the position: {err}"
        );
    }
}
