//! Interface strings: site files override the built-in ones key by key, counts take the
//! language's plural form, dates are written as the language writes them, and `styre check`
//! names every missing string and plural form with the file it belongs in.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

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

/// Untranslated pages: by default a stand-in under every language's URL, with the notice, the
/// original's `lang` on its text, a canonical link to the original and no `hreflang` claiming a
/// translation; with `untranslated = "omit"` they are left out.
#[test]
fn untranslated_pages_fall_back_or_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\nminify_html = false\n\n[languages.nb]\nname = \"Norsk bokmål\"\n\n[languages.ar]\nname = \"العربية\"\ndirection = \"rtl\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            (
                "content/om.md",
                "+++\ntitle = \"Om styret\"\n+++\nStyret gir råd.\n",
            ),
        ],
    );
    let out = styre(&["build", "--root", root.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(root.join("public/ar/om/index.html")).unwrap();
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
    assert!(page.contains("class=\"fallback-notice\""), "{page}");
    assert!(
        page.contains("<h1 lang=\"nb\" dir=\"ltr\">Om styret</h1>"),
        "{page}"
    );
    assert!(page.contains("<div class=\"content\" lang=\"nb\" dir=\"ltr\"><p>Styret gir råd.</p>"));
    assert!(page.contains("<link rel=\"canonical\" href=\"https://x.example.no/om/\">"));
    assert!(
        !page.contains("hreflang=\"ar\" href"),
        "no alternate for a fallback"
    );
    let original = std::fs::read_to_string(root.join("public/om/index.html")).unwrap();
    assert!(!original.contains("fallback-notice"));
    assert!(
        original.contains(
            "href=\"https://x.example.no/ar/om/\" lang=\"ar\" hreflang=\"ar\" dir=\"rtl\""
        ),
        "the switcher leads to the same page: {original}"
    );
    let sitemap = std::fs::read_to_string(root.join("public/sitemap.xml")).unwrap();
    assert!(
        !sitemap.contains("/ar/om/"),
        "fallbacks are not in the sitemap"
    );

    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    std::fs::write(
        root.join("config.toml"),
        config.replace(
            "minify_html = false\n",
            "minify_html = false\nuntranslated = \"omit\"\n",
        ),
    )
    .unwrap();
    let out = styre(&["build", "--root", root.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!root.join("public/ar/om").exists());
    assert!(
        root.join("public/ar/index.html").exists(),
        "every language keeps a home"
    );
}

/// Hostile or mistaken string files: text that is not UTF-8, a value of the wrong kind, a list of
/// the wrong length, a key the default language does not have (a typo: never shown), and a key
/// the site's default language adds that another language lacks — each positioned in the
/// site's own file. Plural forms a language needs (Russian `few`) are not unknown keys.
#[test]
fn string_files_are_read_as_hostile_input() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\nminify_html = false\n\n[languages.nb]\nname = \"Norsk bokmål\"\n\n[languages.en]\nname = \"English\"\n\n[languages.ru]\nname = \"Русский\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            ("i18n/nb.toml", "egen_tekst = \"Vår egen\"\n"),
            (
                "i18n/en.toml",
                "egen_tekst = \"Our own\"\nfallback_notice = 5\nfallback_notic = \"typo\"\n\n[count]\nresults = \"many\"\n\n[locale]\nmonths = [\"January\"]\n",
            ),
            (
                "i18n/ru.toml",
                "[count]\nresults = { one = \"{n} результат\", few = \"{n} результата\", many = \"{n} результатов\", other = \"{n} результата\" }\n",
            ),
        ],
    );
    let out = styre(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    insta::assert_snapshot!("hostile_string_files", err);

    // Not UTF-8: an error at the first bad byte, naming the site's file.
    std::fs::write(root.join("i18n/en.toml"), b"agenda = \"M\xf8teplan\"\n").unwrap();
    let out = styre(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("i18n/en.toml:1:12") && err.contains("byte 0xF8 is not UTF-8"),
        "{err}"
    );
}
