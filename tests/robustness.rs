//! No input makes styre panic: odd, broken and hostile content files each give diagnostics (or
//! build), never a crash.

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
