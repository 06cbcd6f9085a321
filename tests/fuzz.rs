//! Property-based fuzzing on the stable toolchain: generated inputs through front matter,
//! Markdown, the case-ID parser, `config.toml` and whole small sites. Each must end in a result or
//! in diagnostics, never a panic; what a successful build writes must parse.
//!
//! `cargo test --test fuzz` runs a bounded number of cases (a minute or less in CI). A long run
//! (SECURITY.md, "Fuzzing"): `PROPTEST_CASES=20000 cargo test --release --test fuzz`.
//! A failing case is shrunk and saved in `tests/fuzz.proptest-regressions`, so that it is tried
//! first on the next run.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use proptest::prelude::*;

/// Cases per property: `PROPTEST_CASES`, or `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Pieces that Markdown, HTML, TOML and the case-ID reader treat specially, and hostile text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("    ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("# ".to_string()),
        Just("```rust\n".to_string()),
        Just("```".to_string()),
        Just("| a | b |\n|---|:-:|\n".to_string()),
        Just("[^1]".to_string()),
        Just("[^1]: note\n".to_string()),
        Just("[x](@/om.md)".to_string()),
        Just("[x](javascript:alert(1))".to_string()),
        Just("![i](data:image/png,x)".to_string()),
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<a href=\"/x/\">".to_string()),
        Just("</a>".to_string()),
        Just("<script>".to_string()),
        Just("<!--".to_string()),
        Just("{#id .class}".to_string()),
        Just("sak 4-42/23".to_string()),
        Just("4-42/23".to_string()),
        Just("12/21".to_string()),
        Just("0-0/0".to_string()),
        Just("99999999999999999999-1/23".to_string()),
        Just("28.09.23".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("~~".to_string()),
        Just("\\".to_string()),
        Just("\"".to_string()),
        Just("&amp;".to_string()),
        Just("&#0;".to_string()),
        Just("&#1;".to_string()),
        Just("&#x1b;".to_string()),
        Just("&#x85;".to_string()),
        Just("&#x2028;".to_string()),
        Just("&#xFFFE;".to_string()),
        Just("\t".to_string()),
        Just("\r".to_string()),
        Just("+++".to_string()),
        Just("æøå ÆØÅ".to_string()),
        Just("مرحبا".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{feff}".to_string()),
        "[a-z ]{0,12}",
        any::<char>().prop_map(String::from),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max).prop_map(|p| p.concat())
}

/// `s` as a TOML basic string, every control character escaped.
fn toml(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A resolver that knows one page and one case, like a real site.
struct Links;
impl styre::LinkResolver<usize> for Links {
    fn resolve(&self, key: &str) -> Option<String> {
        (key == "om.md").then(|| "/om/".to_string())
    }
    fn case(&self, id: &str) -> Option<(usize, String)> {
        (id == "4-42/23").then(|| (0, "/sak/4-42-23/".to_string()))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn markdown_renders_anything(body in text(120)) {
        let rendered = styre::render_markdown(
            &body,
            &Links,
            styre::RenderOptions { highlight_code: true },
        );
        for mention in &rendered.cases {
            prop_assert!(body.get(mention.span.clone()).is_some(), "a span off a char boundary");
        }
        // A case link is never opened inside another link.
        let mut depth = 0usize;
        for (i, _) in rendered.html.match_indices('<') {
            let rest = &rendered.html[i..];
            if rest.starts_with("</a>") {
                depth = depth.saturating_sub(1);
            } else if rest.starts_with("<a ") || rest.starts_with("<a>") {
                if rest.starts_with("<a class=\"case-ref\"") {
                    prop_assert_eq!(depth, 0, "a case link inside a link: {}", rendered.html);
                }
                depth += 1;
            }
        }
    }

    #[test]
    fn case_id_candidates_are_whole_ids(t in text(60)) {
        let format = styre::Format::parse("{case}-{meeting}/{yy}").unwrap();
        for c in styre::candidates(&t) {
            let id = t.get(c.range.clone());
            prop_assert!(id.is_some(), "a range off a char boundary");
            if let Some(n) = format.read(id.unwrap()) {
                prop_assert_eq!(format.read(&format.write(n)), Some(n));
            }
        }
    }

    #[test]
    // Case and meeting numbers have at most four digits; two-digit years are read as 20yy.
    fn case_ids_round_trip(case in 0u32..10_000, meeting in 0u32..10_000, year in 2000i32..2100) {
        for pattern in ["{case}-{meeting}/{yy}", "{case}/{meeting}-{yy}", "{case}/{yyyy}"] {
            let format = styre::Format::parse(pattern).unwrap();
            let n = styre::CaseNumbers {
                year,
                meeting: format.has_meeting().then_some(meeting),
                case,
            };
            let id = format.write(n);
            let back = format.read(&id);
            prop_assert!(back.is_some(), "{} does not read back", id);
            let back = back.unwrap();
            prop_assert_eq!((back.case, back.meeting), (n.case, n.meeting), "{}", id);
            prop_assert_eq!(back.year, n.year, "{}", id);
        }
    }

    #[test]
    fn front_matter_is_read_or_reported(fm in text(40), body in text(40)) {
        let file = Path::new("content/a.md");
        let source = format!("+++\n{fm}\n+++\n{body}");
        if let Ok(split) = styre::split_front_matter(file, &source) {
            let _ = styre::parse_page(file, &split);
            let _ = styre::parse_section(file, &split);
        }
        let _ = styre::split_front_matter(file, &fm);
    }

    #[test]
    fn config_is_read_or_reported(
        title in text(20),
        extra in text(30),
        lang in "[a-z]{0,3}",
        url in prop_oneof![Just("https://x.no".to_string()), Just("/sti/".to_string()), "[ -~]{0,20}"],
    ) {
        let config = format!(
            "base_url = {}\ntitle = {}\n[languages.{lang}]\nname = {}\n{extra}\n",
            toml(&url),
            toml(&title),
            toml(&title),
            lang = if lang.is_empty() { "nb".to_string() } else { lang },
        );
        let _ = styre::Config::parse(Path::new("config.toml"), &config);
        let _ = styre::Config::parse(Path::new("config.toml"), &extra);
    }
}

proptest! {
    // Whole builds are slower: fewer cases by default.
    #![proptest_config(ProptestConfig::with_cases(cases(16)))]

    #[test]
    fn a_whole_site_builds_or_reports(
        titles in prop::collection::vec(text(6), 1..5),
        bodies in prop::collection::vec(text(40), 1..5),
        case_title in text(6),
        place in text(4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut files = vec![
            (
                "config.toml".to_string(),
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\ngenerate_feed = true\n\n[languages.nb]\nname = \"Bokmål\"\n\n[languages.en]\nname = \"English\"\n".to_string(),
            ),
            ("content/om.md".to_string(), "+++\ntitle = \"Om\"\n+++\n".to_string()),
            ("content/_index.md".to_string(), format!("+++\ntitle = {}\n+++\n{}", toml(&titles[0]), bodies[0])),
            (
                "content/styret/_index.md".to_string(),
                "+++\ntitle = \"Styret\"\n[body]\nid = \"styret\"\nshort_name = \"Styret\"\ncase_id = \"{case}-{meeting}/{yy}\"\n+++\n".to_string(),
            ),
            (
                "content/styret/mote-42.md".to_string(),
                format!(
                    "+++\ntitle = \"Møte 42\"\n[meeting]\nbody = \"styret\"\nnumber = 42\ndate = 2023-11-30\nstart = \"10:00\"\nplace = {}\nstatus = \"held\"\n[[meeting.cases]]\nid = \"4-42/23\"\ntitle = {}\ndecision = {}\n+++\n",
                    toml(&place),
                    toml(&case_title),
                    toml(bodies.last().unwrap()),
                ),
            ),
        ];
        for (i, (title, body)) in titles.iter().zip(&bodies).enumerate().skip(1) {
            files.push((format!("content/side-{i}.md"), format!("+++\ntitle = {}\n+++\n{body}", toml(title))));
        }
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        common::write_site(root, &refs);
        let build = styre::build_site(root, &styre::LoadOptions::default());
        if build.diagnostics.has_errors() {
            return Ok(());
        }
        let output = build.output.expect("a build without errors has an output");
        for (path, file) in &output.files {
            let styre::OutputFile::Bytes(bytes) = file else { continue };
            if path.ends_with(".xml") {
                let text = std::str::from_utf8(bytes).unwrap();
                prop_assert!(roxmltree::Document::parse(text).is_ok(), "{} is not XML", path);
            } else if path.ends_with(".json") {
                prop_assert!(serde_json::from_slice::<serde_json::Value>(bytes).is_ok(), "{} is not JSON", path);
            }
        }
    }
}
