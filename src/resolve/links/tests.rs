//! What `@/` links and `@`-names resolve to, and the link problems reported (each named by
//! its message and the file it is in).

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::resolve::{Page, Site};
use crate::testing::{config, resolve, site};

/// A content file titled `title` with the Markdown `body`.
fn md(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}\n")
}

/// Each problem as `file: message`, in the order found.
fn problems(diags: &Diagnostics) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}: {}", d.file.display(), d.message))
        .collect()
}

/// The only problem found.
fn only(diags: &Diagnostics) -> &Diagnostic {
    assert_eq!(diags.iter().count(), 1, "{:?}", problems(diags));
    diags.iter().next().unwrap()
}

/// The page written in `file` (not a stand-in).
fn page<'a>(site: &'a Site, file: &str) -> &'a Page {
    site.pages
        .values()
        .find(|p| p.source.file.as_os_str() == file && !p.source.fallback)
        .unwrap_or_else(|| panic!("no page {file}"))
}

/// The text a problem's span covers in `text`.
fn quoted<'a>(d: &Diagnostic, text: &'a str) -> &'a str {
    &text[d.span.clone().expect("a span")]
}

#[test]
fn links_to_a_page_and_a_section_resolve_to_their_permalinks() {
    let config = config("");
    let side = md(
        "Side",
        "[Mandat](@/om/mandat.md) og [styret](@/styret/_index.md).",
    );
    let site = site(&[
        ("config.toml", &config),
        ("content/side.md", &side),
        ("content/om/_index.md", &md("Om oss", "")),
        ("content/om/mandat.md", &md("Mandat", "Tekst.")),
        ("content/styret/_index.md", &md("Styret", "")),
    ]);
    let html = &page(&site, "content/side.md").rendered.html;
    assert!(
        html.contains("<a href=\"https://example.org/om/mandat/\">Mandat</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://example.org/styret/\">styret</a>"),
        "{html}"
    );
}

#[test]
fn a_translated_page_links_to_english_versions_else_to_the_default_language() {
    // Without stand-ins an untranslated page exists only in Norwegian.
    let config = config("untranslated = \"omit\"");
    let side = md("Page", "[Mandate](@/mandat.md), [about](@/om.md).");
    let site = site(&[
        ("config.toml", &config),
        ("content/side.en.md", &side),
        ("content/mandat.md", &md("Mandat", "")),
        ("content/mandat.en.md", &md("Mandate", "")),
        ("content/om.md", &md("Om", "")),
    ]);
    let html = &page(&site, "content/side.en.md").rendered.html;
    assert!(
        html.contains("<a href=\"https://example.org/en/mandat/\">Mandate</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://example.org/om/\">about</a>"),
        "{html}"
    );
}

#[test]
fn a_translated_page_links_to_the_english_stand_in_of_an_untranslated_page() {
    // With stand-ins (the default) the untranslated page has an English URL too.
    let config = config("");
    let side = md("Page", "[about](@/om.md)");
    let site = site(&[
        ("config.toml", &config),
        ("content/side.en.md", &side),
        ("content/om.md", &md("Om", "")),
    ]);
    let html = &page(&site, "content/side.en.md").rendered.html;
    assert!(
        html.contains("<a href=\"https://example.org/en/om/\">about</a>"),
        "{html}"
    );
}

#[test]
fn a_broken_key_is_an_error_at_the_link_with_a_near_key_suggested() {
    let config = config("");
    let om = md("Om", "Se [mandatet](@/mandt.md).");
    let (_, diags) = resolve(&[
        ("config.toml", &config),
        ("content/om.md", &om),
        ("content/mandat.md", &md("Mandat", "")),
    ]);
    let d = only(&diags);
    assert_eq!(
        problems(&diags),
        ["content/om.md: broken internal link: `@/mandt.md` does not exist"]
    );
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(quoted(d, &om), "[mandatet](@/mandt.md)");
    assert_eq!(d.label, "no content file at this path");
    assert_eq!(d.hints, ["did you mean `@/mandat.md`?"]);
}

#[test]
fn a_broken_key_with_no_near_key_is_explained() {
    let config = config("");
    let om = md("Om", "[x](@/vedtekter/2019/arkiv.txt)");
    let (_, diags) = resolve(&[("config.toml", &config), ("content/om.md", &om)]);
    assert_eq!(
        problems(&diags),
        ["content/om.md: broken internal link: `@/vedtekter/2019/arkiv.txt` does not exist"]
    );
    assert_eq!(
        only(&diags).hints,
        ["internal links name a file below content/, e.g. @/om/mandat.md"]
    );
}

#[test]
fn a_broken_key_in_a_translation_is_reported_in_the_translation() {
    let config = config("");
    let (_, diags) = resolve(&[
        ("config.toml", &config),
        ("content/om.md", &md("Om", "[x](@/om.md)")),
        ("content/om.en.md", &md("About", "[x](@/abut.md)")),
    ]);
    assert_eq!(
        problems(&diags),
        ["content/om.en.md: broken internal link: `@/abut.md` does not exist"]
    );
}

#[test]
fn a_link_to_a_file_that_did_not_load_is_not_reported_again() {
    let config = config("");
    let (_, diags) = resolve(&[
        ("config.toml", &config),
        ("content/om.md", &md("Om", "[x](@/mandat.md)")),
        ("content/mandat.md", "+++\ntitle = \n+++\n"),
    ]);
    let found = problems(&diags);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("content/mandat.md: "), "{found:?}");
}

#[test]
fn a_missing_anchor_is_reported_and_an_existing_heading_is_not() {
    let config = config("");
    let om = md(
        "Om",
        "[ja](@/mandat.md#oppgaver) [nei](@/mandat.md#opgaver)",
    );
    let mandat = md("Mandat", "## Oppgaver\n\nTekst.");
    let (site, diags) = resolve(&[
        ("config.toml", &config),
        ("content/om.md", &om),
        ("content/mandat.md", &mandat),
    ]);
    let d = only(&diags);
    assert_eq!(
        problems(&diags),
        ["content/om.md: broken anchor: `@/mandat.md` has no heading `#opgaver`"]
    );
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(quoted(d, &om), "[nei](@/mandat.md#opgaver)");
    assert_eq!(d.label, "no such anchor");
    assert_eq!(d.hints, ["did you mean `#oppgaver`?"]);
    // The anchor is kept on the permalink.
    let site = site.unwrap();
    let html = &page(&site, "content/om.md").rendered.html;
    assert!(
        html.contains("<a href=\"https://example.org/mandat/#oppgaver\">ja</a>"),
        "{html}"
    );
}

#[test]
fn a_missing_anchor_hint_lists_the_anchors_or_says_there_are_none() {
    let config = config("");
    let om = md("Om", "[a](@/mandat.md#zzz) [b](@/tom.md#zzz)");
    let mandat = md("Mandat", "## Oppgaver\n\n## Medlemmer\n");
    let (_, diags) = resolve(&[
        ("config.toml", &config),
        ("content/om.md", &om),
        ("content/mandat.md", &mandat),
        ("content/tom.md", &md("Tom", "Ingen overskrifter.")),
    ]);
    assert_eq!(
        problems(&diags),
        [
            "content/om.md: broken anchor: `@/mandat.md` has no heading `#zzz`",
            "content/om.md: broken anchor: `@/tom.md` has no heading `#zzz`",
        ]
    );
    let hints: Vec<&[String]> = diags.iter().map(|d| d.hints.as_slice()).collect();
    assert_eq!(
        hints,
        [
            &["its anchors: oppgaver, medlemmer".to_string()][..],
            &["the target has no headings".to_string()][..],
        ]
    );
}

#[test]
fn a_link_to_a_footnote_is_a_link_to_an_anchor() {
    let config = config("");
    let mandat = md("Mandat", "Tekst.[^kilde]\n\n[^kilde]: Vedtektene.");
    let anchor = {
        let site = site(&[("config.toml", &config), ("content/mandat.md", &mandat)]);
        page(&site, "content/mandat.md").rendered.anchors.clone()
    };
    assert_eq!(anchor.len(), 1, "{anchor:?}");
    let om = md("Om", &format!("[kilde](@/mandat.md#{})", anchor[0]));
    site(&[
        ("config.toml", &config),
        ("content/om.md", &om),
        ("content/mandat.md", &mandat),
    ]);
}

#[test]
fn a_generated_page_the_site_does_not_have_is_reported() {
    let config = config("");
    let om = md("Om", "Se [vedtakene](@decisions).");
    let (_, diags) = resolve(&[("config.toml", &config), ("content/om.md", &om)]);
    let d = only(&diags);
    assert_eq!(
        problems(&diags),
        ["content/om.md: broken link: `@decisions` is not a generated page of this site"]
    );
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(quoted(d, &om), "[vedtakene](@decisions)");
    assert_eq!(d.label, "no generated page by this name");
    assert_eq!(d.hints, ["this site has @search"]);
}

#[test]
fn a_misspelt_generated_page_gets_a_suggestion() {
    let config = config("");
    let om = md("Om", "[søk](@serch)");
    let (_, diags) = resolve(&[("config.toml", &config), ("content/om.md", &om)]);
    assert_eq!(
        problems(&diags),
        ["content/om.md: broken link: `@serch` is not a generated page of this site"]
    );
    assert_eq!(only(&diags).hints, ["did you mean `@search`?"]);
}

#[test]
fn a_site_with_no_generated_pages_says_when_they_exist() {
    let config = config("build_search_index = false");
    let om = md("Om", "[vedtak](@decisions)");
    let (_, diags) = resolve(&[("config.toml", &config), ("content/om.md", &om)]);
    assert_eq!(
        problems(&diags),
        ["content/om.md: broken link: `@decisions` is not a generated page of this site"]
    );
    assert_eq!(
        only(&diags).hints,
        [
            "generated pages (@decisions, @follow-ups, @open-data, @calendar) exist once the \
             site has governance records"
        ]
    );
}

#[test]
fn a_generated_page_the_site_has_resolves_in_the_page_language() {
    let config = config("");
    let site = site(&[
        ("config.toml", &config),
        ("content/om.md", &md("Om", "[søk](@search)")),
        ("content/om.en.md", &md("About", "[search](@search)")),
    ]);
    let nb = &page(&site, "content/om.md").rendered.html;
    let en = &page(&site, "content/om.en.md").rendered.html;
    assert!(
        nb.contains("<a href=\"https://example.org/sok/\">søk</a>"),
        "{nb}"
    );
    assert!(
        en.contains("<a href=\"https://example.org/en/search/\">search</a>"),
        "{en}"
    );
}

#[test]
fn links_of_an_untranslated_file_are_reported_once_not_per_stand_in() {
    let config = config("");
    let (site, diags) = resolve(&[
        ("config.toml", &config),
        (
            "content/om.md",
            &md("Om", "[x](@/mangler.md) [y](@/om.md#ingen)"),
        ),
        ("content/styret/_index.md", &md("Styret", "[z](@ingen)")),
    ]);
    // The English stand-ins exist and carry the same links...
    let site = site.unwrap();
    let en = site.config.langs.id("en").unwrap();
    let standin = site
        .pages
        .values()
        .find(|p| p.source.key == "om.md" && p.source.lang == en)
        .unwrap();
    assert!(standin.source.fallback);
    assert_eq!(standin.rendered.links.len(), 2);
    let standin = site
        .sections
        .values()
        .find(|s| s.source.key == "styret/_index.md" && s.source.lang == en)
        .unwrap();
    assert!(standin.source.fallback);
    assert_eq!(standin.rendered.links.len(), 1);
    // ...but each problem is reported once, at the original.
    assert_eq!(
        problems(&diags),
        [
            "content/om.md: broken internal link: `@/mangler.md` does not exist",
            "content/om.md: broken anchor: `@/om.md` has no heading `#ingen`",
            "content/styret/_index.md: broken link: `@ingen` is not a generated page of \
             this site",
        ]
    );
}

#[test]
fn a_javascript_link_is_a_warning_reported_once() {
    let config = config("");
    let om = md("Om", "[klikk](javascript:alert(1))");
    let (_, diags) = resolve(&[("config.toml", &config), ("content/om.md", &om)]);
    let d = only(&diags);
    assert_eq!(
        problems(&diags),
        ["content/om.md: link to a `javascript:` URL"]
    );
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(quoted(d, &om), "[klikk](javascript:alert(1))");
    assert_eq!(d.label, "runs script or embeds content when followed");
    assert_eq!(
        d.hints,
        ["link to an http(s) address or a file of the site instead"]
    );
}

#[test]
fn a_forbidden_character_reference_is_an_error() {
    let config = config("");
    let om = md("Om", "Tekst&#1;her.");
    let (_, diags) = resolve(&[("config.toml", &config), ("content/om.md", &om)]);
    let d = only(&diags);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.file.as_os_str(), "content/om.md");
    assert!(
        d.message.starts_with("the control character U+0001 ("),
        "{}",
        d.message
    );
    assert!(
        d.message.ends_with(") is not allowed in text"),
        "{}",
        d.message
    );
    assert_eq!(d.label, "written as a character reference in this text");
}

#[test]
fn an_unknown_case_id_is_a_warning_reported_once() {
    let config = config("");
    let body = "+++\ntitle = \"Styret\"\n[body]\nid = \"styret\"\nshort_name = \"Styret\"\n\
                case_id = \"{case}-{meeting}/{yy}\"\n\
                follow_up_case_id = \"{case}/{meeting}-{yy}\"\n+++\n";
    let om = md("Om", "Se sak 9-6/23.");
    let (_, diags) = resolve(&[
        ("config.toml", &config),
        ("content/styret/_index.md", body),
        ("content/om.md", &om),
    ]);
    let d = only(&diags);
    assert_eq!(problems(&diags), ["content/om.md: unknown case `9-6/23`"]);
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(quoted(d, &om), "9-6/23");
    assert_eq!(d.label, "no case with this ID");
}

#[test]
fn a_stand_in_links_to_a_translation_that_lacks_the_anchor_is_reported_at_the_original() {
    let config = config("");
    let (_, diags) = resolve(&[
        ("config.toml", &config),
        (
            "content/om.md",
            &md("Om", "Se [oppgavene](@/mandat.md#oppgaver)."),
        ),
        ("content/mandat.md", &md("Mandat", "## Oppgaver\n\nTekst.")),
        ("content/mandat.en.md", &md("Mandate", "## Tasks\n\nText.")),
    ]);
    // The Norwegian page's link is good; its English stand-in links to the English mandate,
    // whose heading is `#tasks`.
    let d = only(&diags);
    assert_eq!(
        problems(&diags),
        [
            "content/om.md: broken anchor: `@/mandat.md` has no heading `#oppgaver` in \
             content/mandat.en.md, the `en` version that this page's `en` stand-in links to"
        ]
    );
    assert_eq!(d.hints, ["its anchors: tasks"]);
    assert_eq!(
        quoted(d, &md("Om", "Se [oppgavene](@/mandat.md#oppgaver).")),
        "[oppgavene](@/mandat.md#oppgaver)"
    );
}
