//! No input makes styre panic: odd, broken and hostile content files each give diagnostics (or
//! build), never a crash.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use common::write_site;

const INPUTS: &[&str] = &[
    "",
    "+++",
    "+++\n",
    "+++\n+++",
    "\u{feff}+++\ntitle = \"BOM\"\n+++\nText",
    "+++\r\ntitle = \"CRLF\"\r\n+++\r\n## Overskrift\r\n",
    "+++\ntitle = \"x\"\n+++\n[lenke](@/)",
    "+++\ntitle = \"x\"\n+++\n[lenke](@/#)",
    "+++\ntitle = \"x\"\n+++\n[lenke](@/../../etc/passwd)",
    "+++\ntitle = \"x\"\n+++\n# \n## \n### ###\n",
    "+++\ntitle = \"x\"\nslug = \"\"\n+++\n",
    "+++\ntitle = \"x\"\ndate = 2023-11-30T25:61:00\n+++\n",
    "+++\ntitle = \"x\"\ndate = 10:00:00\n+++\n",
    "+++\ntitle = \"x\"\ndate = \"\"\n+++\n",
    "+++\ntitle = \"x\"\nweight = 99999999999999999999\n+++\n",
    "+++\ntitle = \"x\"\naliases = [\"/\", \"/../x\"]\n+++\n",
    "+++\ntitle = \"x\"\ntemplate = \"\"\n+++\n",
    "+++\ntitle = \"x\"\n[extra]\na = { b = [1, \"2\", 3.5, 1979-05-27T07:32:00Z] }\n+++\n",
    "+++\n[[title]]\n+++\n",
    "+++\ntitle = \"x\"\n+++\n```\nunclosed code",
    "+++\ntitle = \"x\"\n+++\n[^1]\n\n[^1]: [^1]",
    "+++\ntitle = \"x\"\n+++\n<script>alert(1)</script>{{ page.title }}{% raw %}",
    "+++\ntitle = \"ø\u{0}\"\n+++\n\u{0}",
];

#[test]
fn odd_content_never_panics() {
    for input in INPUTS {
        let dir = tempfile::tempdir().unwrap();
        write_site(
            dir.path(),
            &[
                (
                    "config.toml",
                    "base_url = \"https://x.no\"\ntitle = \"T\"\n",
                ),
                ("content/_index.md", "+++\ntitle = \"Hjem\"\n+++\n"),
                ("content/side.md", input),
            ],
        );
        let build = styre::build_site(dir.path(), &Default::default());
        // Rendering the report must not panic either.
        let _ = build.diagnostics.render(&build.sources, false);
    }
}

#[test]
fn invalid_utf8_is_reported_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write_site(
        dir.path(),
        &[(
            "config.toml",
            "base_url = \"https://x.no\"\ntitle = \"T\"\n",
        )],
    );
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("content/latin1.md"),
        b"+++\ntitle = \"\xf8\"\n+++\n",
    )
    .unwrap();
    let build = styre::build_site(dir.path(), &Default::default());
    let report = build.diagnostics.render(&build.sources, false);
    assert!(report.contains("content/latin1.md"), "{report}");
    assert!(report.contains("cannot read file"), "{report}");
}

#[test]
fn odd_config_never_panics() {
    for config in [
        "",
        "base_url = 1",
        "base_url = \"x\"\ntitle = \"T\"\n[languages]\n\"\" = { name = \"\" }\n",
        "base_url = \"https://x.no\"\ntitle = \"T\"\ndefault_language = \"en\"\n[languages.nb]\nname = \"N\"\n",
        "base_url = \"https://x.no\"\ntitle = \"T\"\ntheme = \"../../etc\"\n",
        "base_url = \"https://x.no\"\ntitle = \"T\"\nhighlight_theme = \"nope\"\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_site(dir.path(), &[("config.toml", config)]);
        let build = styre::build_site(dir.path(), &Default::default());
        assert!(
            build.diagnostics.has_errors(),
            "{config:?} should be an error"
        );
        let _ = build.diagnostics.render(&build.sources, false);
    }
}

/// A site with one page, `content/side.md`, whose body is `body`, and the given templates.
fn one_page_site(body: &str, templates: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let page = format!("+++\ntitle = \"Side\"\n+++\n{body}");
    let mut files = vec![
        (
            "config.toml",
            "base_url = \"https://x.no\"\ntitle = \"T\"\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Hjem\"\n+++\n"),
        ("content/side.md", page.as_str()),
    ];
    files.extend_from_slice(templates);
    write_site(dir.path(), &files);
    dir
}

/// `styre check` and `styre build` of the site at `root` both end with exit code 1 (not a
/// crash), and report `expected`; the build writes nothing.
fn fails_with(root: &std::path::Path, expected: &str) {
    let root_arg = root.to_str().unwrap();
    for command in ["check", "build"] {
        let out = common::styre(&[command, "--root", root_arg]);
        let stderr = common::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{command}: no {expected:?} in\n{stderr}"
        );
    }
    assert!(!root.join("public").exists());
}

/// Markdown nested thousands deep once overflowed the minifier's stack (SIGABRT, no message):
/// now an error where the nesting passes `nesting::BODY_LIMIT` (128 levels).
#[test]
fn deep_markdown_is_an_error_where_the_limit_is_crossed() {
    for (body, at) in [
        // The 129th quote marker starts level 129.
        (
            format!("{}x\n", "> ".repeat(1_500)),
            "content/side.md:4:257",
        ),
        // A list in a list item: two levels each; the 65th list is level 129.
        (
            format!("{}x\n", "- ".repeat(10_000)),
            "content/side.md:4:129",
        ),
        (
            format!("{}\n", "<div>".repeat(50_000)),
            "content/side.md:4:641",
        ),
        // Unclosed inline HTML keeps its paragraph open: two levels a paragraph.
        ("a <span> b\n\n".repeat(1_000), "content/side.md:132:1"),
    ] {
        let dir = one_page_site(&body, &[]);
        fails_with(dir.path(), at);
        fails_with(dir.path(), "the text nests more than 128 levels deep");
    }
}

/// A template whose markup nests deeper than `nesting::PAGE_LIMIT` (256 levels) is refused
/// before the minifier sees the page.
#[test]
fn a_page_nested_too_deep_by_its_template_is_an_error() {
    let dir = one_page_site(
        "Tekst.\n",
        &[(
            "templates/page.html",
            "{% for i in range(end=50000) %}<div>{% endfor %}{{ page.content | safe }}",
        )],
    );
    fails_with(
        dir.path(),
        "the page made with template `page.html` nests elements more than 256 levels deep",
    );
}

/// Templates within every limit at once (a macro 64 calls deep, each call inside tags nested 20
/// deep) still render: styre renders on threads with generous stacks (`styre::STACK_SIZE`),
/// not the 2 MiB a thread gets by default, which this needs more than in a debug build.
#[test]
fn templates_at_the_limits_render() {
    let open = "{% for i in [1] %}{% if i %}".repeat(10);
    let close = "{% endif %}{% endfor %}".repeat(10);
    let macros = format!(
        "{{% macro f(n) %}}<i>{open}{{% if n < 64 %}}{{{{ self::f(n=n+1) }}}}{{% endif %}}{close}</i>{{% endmacro f %}}"
    );
    let dir = one_page_site(
        "Tekst.\n",
        &[
            ("templates/m.html", &macros),
            (
                "templates/page.html",
                "{% import \"m.html\" as m %}<main>{{ m::f(n=1) }}</main>",
            ),
        ],
    );
    let build = styre::build_site(dir.path(), &Default::default());
    let report = build.diagnostics.render(&build.sources, false);
    assert!(!build.diagnostics.has_errors(), "{report}");
    let output = build.output.unwrap();
    let Some(styre::OutputFile::Bytes(html)) = output.files.get("side/index.html") else {
        panic!("no page")
    };
    let html = String::from_utf8_lossy(html);
    assert_eq!(html.matches("<i>").count(), 64, "{html}");
}

/// Template tags nested thousands deep, or an expression of thousands of operators or
/// brackets, once overflowed tera's parser or evaluator (SIGABRT): now an error at the tag
/// that crosses `template_limits::TAG_DEPTH` or `EXPRESSION_SIZE` (100), before tera reads it.
#[test]
fn templates_nested_too_deep_are_errors_at_the_tag() {
    let n = 20_000;
    for (template, expected) in [
        (
            format!("{}x{}", "{% if true %}".repeat(n), "{% endif %}".repeat(n)),
            "templates/page.html:1:1301",
        ),
        (
            format!("{{{{ 1{} }}}}", " + 1".repeat(n)),
            "this expression holds more than 100 operators and brackets",
        ),
        (
            format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n)),
            "this expression holds more than 100 operators and brackets",
        ),
        (
            format!("{{% if a{} %}}x{{% endif %}}", " and a".repeat(n)),
            "templates/page.html:1:1",
        ),
    ] {
        let dir = one_page_site("Tekst.\n", &[("templates/page.html", &template)]);
        fails_with(dir.path(), expected);
    }
}
