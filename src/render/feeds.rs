//! Phase 3, render: the listings that are not pages: the Atom feed's entries
//! ([`feed_pages`]), the sitemap's ([`sitemap_entries`]), and the redirect page of an alias
//! ([`alias_html`]).

use serde_json::{Value, json};

use crate::resolve::{Page, Site};
use crate::site::ids::LangId;

/// The newest dated pages of language `lang`, at most `feed_limit`, as feed entries; and when
/// the newest was last updated. A page without a translation is there as its stand-in: the
/// original's text, marked with the original's language, at the stand-in's address (so a
/// reader of a language with few translations still gets every news item).
pub(crate) fn feed_pages(site: &Site, lang: LangId) -> (Vec<Value>, String) {
    let tz = &site.config.timezone;
    let mut dated: Vec<&Page> = site
        .pages()
        .map(|(_, p)| p)
        .filter(|p| p.source.lang == lang && p.date().is_some())
        .collect();
    dated.sort_by(|a, b| {
        b.date()
            .cmp(&a.date())
            .then_with(|| a.source.key.cmp(&b.source.key))
    });
    dated.truncate(site.config.feed_limit);
    let last_updated = dated
        .iter()
        .filter_map(|p| p.updated().max(p.date()))
        .max()
        .map(|d| d.rfc3339(tz))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let pages = dated
        .iter()
        .map(|p| {
            json!({
                "title": p.title(),
                "description": p.source.meta.description,
                "permalink": p.permalink,
                // A stand-in's text is the original's, in the original's language.
                "lang": if p.source.fallback { site.config.default_language.as_str() } else { site.config.langs.code(p.source.lang) },
                "date_rfc3339": p.date().map(|d| d.rfc3339(tz)),
                "updated_rfc3339": p.updated().map(|d| d.rfc3339(tz)),
                "content": p.rendered.html,
            })
        })
        .collect();
    (pages, last_updated)
}

/// Every page of the sitemap, sorted by URL: pages and sections (stand-ins left out) and the
/// generated pages in every language, each with its other languages' versions.
pub(crate) fn sitemap_entries(site: &Site) -> Vec<Value> {
    let mut entries: Vec<(String, Value)> = Vec::new();
    let alternates = |key: &str| -> Vec<Value> {
        let versions = site.translations(key);
        if versions.len() < 2 {
            return Vec::new();
        }
        versions
            .iter()
            .map(|(lang, t)| json!({"lang": site.config.langs.code(*lang), "permalink": site.permalink_of(*t)}))
            .collect()
    };
    // Fallbacks are copies of their original (their canonical link says so): not listed.
    for p in site.pages().map(|(_, p)| p).filter(|p| !p.source.fallback) {
        let lastmod = p.updated().max(p.date()).map(|d| d.ymd());
        entries.push((
            p.permalink.clone(),
            json!({"permalink": p.permalink, "lastmod": lastmod, "alternates": alternates(&p.source.key)}),
        ));
    }
    for s in site
        .sections()
        .map(|(_, s)| s)
        .filter(|s| !s.source.fallback)
    {
        entries.push((
            s.permalink.clone(),
            json!({"permalink": s.permalink, "lastmod": null, "alternates": alternates(&s.source.key)}),
        ));
    }
    // Generated pages (case pages, registers, archives, the open-data page) exist in every
    // language, each version an alternate of the others.
    let reg = &site.governance;
    let config = &site.config;
    let mut generated: Vec<PathIn<'_>> = Vec::new();
    for i in reg.case_ids() {
        generated.push(Box::new(move |lang| reg.case_path(i, lang).to_string()));
    }
    for (b, year) in reg.archive_years() {
        generated.push(Box::new(move |lang| reg.archive_path(b, year, lang)));
    }
    for name in ["decisions", "follow-ups", "open-data"] {
        if reg.generated_path(name, LangId::DEFAULT).is_some() {
            generated.push(Box::new(move |lang| {
                reg.generated_path(name, lang).unwrap_or_default()
            }));
        }
    }
    for path_in in &generated {
        let versions: Vec<Value> = (config.langs.ids())
            .map(|l| json!({"lang": config.langs.code(l), "permalink": config.absolute_url(&path_in(l))}))
            .collect();
        for v in &versions {
            let permalink = v["permalink"].as_str().unwrap_or_default().to_string();
            let alternates = if versions.len() > 1 {
                versions.clone()
            } else {
                Vec::new()
            };
            entries.push((
                permalink.clone(),
                json!({"permalink": permalink, "lastmod": null, "alternates": alternates}),
            ));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().map(|(_, v)| v).collect()
}

/// The path of one generated page in a given language.
type PathIn<'a> = Box<dyn Fn(LangId) -> String + 'a>;

/// A redirect page for an alias: a meta refresh (allowed by a strict CSP, unlike a script),
/// a canonical link, and a visible link for people.
pub(crate) fn alias_html(target: &str) -> String {
    let t = crate::site::html::escape(target);
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Redirect</title>\
         <link rel=\"canonical\" href=\"{t}\"><meta name=\"robots\" content=\"noindex\">\
         <meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\
         <body><p><a href=\"{t}\">{t}</a></p></body></html>\n"
    )
}
