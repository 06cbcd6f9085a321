//! Interface strings: site files override the built-in ones key by key, counts take the
//! language's plural form, dates are written as the language writes them, and `styre check`
//! names every missing string and plural form with the file it belongs in.

mod common;

use common::{stderr, styre};

fn write(root: &std::path::Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const CONFIG: &str = "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\nminify_html = false\n\n[languages.nb]\nname = \"Norsk bokmål\"\n\n[languages.de]\nname = \"Deutsch\"\n";

#[test]
fn missing_strings_and_plural_forms_are_named_with_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            ("config.toml", CONFIG),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            (
                "i18n/de.toml",
                "agenda = \"Tagesordnung\"\n[count]\ncases = { other = \"{n} Sachen\" }\n",
            ),
        ],
    );
    let out = styre(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "warnings do not fail a check");
    let err = stderr(&out);
    assert!(
        err.contains("warning: ") && err.contains("interface strings are missing in `de`"),
        "{err}"
    );
    assert!(err.contains("┌─ i18n/de.toml"), "{err}");
    assert!(
        !err.contains("agenda,"),
        "present keys are not listed: {err}"
    );
    assert!(
        err.contains("interface string `count.cases` in `de` has no `one` form"),
        "{err}"
    );
}

#[test]
fn site_strings_override_builtin_ones_and_format_dates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\nminify_html = false\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            (
                "content/styret/_index.md",
                "+++\ntitle = \"Styret\"\n[body]\nid = \"styret\"\nshort_name = \"Styret\"\ncase_id = \"{case}/{yy}\"\n+++\n",
            ),
            (
                "content/styret/mote.md",
                "+++\ntitle = \"Møte 1\"\n[meeting]\nbody = \"styret\"\nnumber = 1\ndate = 2024-11-07\nstatus = \"held\"\n[[meeting.cases]]\nid = \"1/24\"\ntitle = \"A\"\n[[meeting.cases]]\nid = \"2/24\"\ntitle = \"B\"\n+++\n",
            ),
            ("i18n/nb.toml", "agenda = \"Dagsorden\"\n"),
        ],
    );
    let out_dir = root.join("public");
    let out = styre(&["build", "--root", root.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meeting = std::fs::read_to_string(out_dir.join("styret/mote/index.html")).unwrap();
    assert!(meeting.contains(">Dagsorden</h2>"), "site string wins");
    assert!(
        meeting.contains(">Sakstype<"),
        "built-in strings fill the rest"
    );
    assert!(meeting.contains(">7. november 2024</time>"), "{meeting}");
    let body = std::fs::read_to_string(out_dir.join("styret/index.html")).unwrap();
    assert!(body.contains("2 saker"), "{body}");
}
