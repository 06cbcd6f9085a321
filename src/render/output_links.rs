//! Phase 3, render, for `styre check`: every local `href` and `src` of every rendered HTML page
//! must name a file the build writes. Templates, Markdown, raw HTML in Markdown, stand-ins and
//! bundle assets all end up as links in the output; this reads them there, with a WHATWG
//! tokenizer (html5gum), so that whatever made a link, a broken one is found.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use percent_encoding::percent_decode_str;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;
use crate::resolve::Site;
use crate::site::url::file_for;

/// The attributes that name a file the page loads or leads to.
const LINKING: &[(&str, &str)] = &[
    ("a", "href"),
    ("link", "href"),
    ("area", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("track", "src"),
    ("embed", "src"),
];

/// The local links of one page: (as written, the output file it names).
pub(crate) type PageLinks = Vec<(String, String)>;

/// The links of the rendered page at output path `page` (`en/a/index.html`) that point into the
/// site, each with the output file it names.
pub(crate) fn local_links(page: &str, html: &[u8], base_url: &str) -> PageLinks {
    let base = Base::new(base_url);
    // Only the values of the linking attributes are copied out; every other tag and text of
    // the page is read in place (the callback emitter allocates nothing for them).
    let mut wanted: Option<&str> = None;
    let mut take = false;
    let emitter = CallbackEmitter::new(
        move |event: CallbackEvent<'_>, _: html5gum::Span<()>| -> Option<Vec<u8>> {
            match event {
                CallbackEvent::OpenStartTag { name } => {
                    wanted = LINKING
                        .iter()
                        .find(|(element, _)| element.as_bytes() == name)
                        .map(|(_, attribute)| *attribute);
                    take = false;
                }
                CallbackEvent::AttributeName { name } => {
                    take = wanted.is_some_and(|a| a.as_bytes() == name);
                }
                CallbackEvent::AttributeValue { value } if take => {
                    take = false;
                    return Some(value.to_vec());
                }
                CallbackEvent::CloseStartTag { .. } | CallbackEvent::EndTag { .. } => {
                    wanted = None;
                    take = false;
                }
                _ => {}
            }
            None
        },
    );
    let mut out = Vec::new();
    for value in Tokenizer::new_with_emitter(html, emitter).flatten() {
        let value = String::from_utf8_lossy(&value).trim().to_string();
        if let Some(target) = base.target(page, &value) {
            out.push((value, target));
        }
    }
    out
}

/// Where the site lives: the path of `base_url` (`/portal` for `https://x.no/portal`, empty for
/// a site at the root), and the whole of it.
struct Base<'a> {
    url: &'a str,
    path: &'a str,
}

impl<'a> Base<'a> {
    fn new(url: &'a str) -> Self {
        let path = match url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
            None => url,
        };
        Base { url, path }
    }

    /// The output file a link on page `page` names, when it names one of this site's.
    fn target(&self, page: &str, link: &str) -> Option<String> {
        let link = link.split(['#', '?']).next().unwrap_or_default();
        if link.is_empty() {
            return None; // the page itself, or one of its anchors
        }
        let site_path = if let Some(rest) = link.strip_prefix(self.url) {
            if !rest.is_empty() && !rest.starts_with('/') {
                return None; // another site whose address starts like this one's
            }
            rest.to_string()
        } else if link.starts_with("//") || crate::url_rules::scheme(link).is_some() {
            return None; // another site, or mailto:, tel:, data: …
        } else if let Some(rooted) = link.strip_prefix('/') {
            let rooted = format!("/{rooted}");
            let rest = rooted.strip_prefix(self.path)?;
            if !rest.is_empty() && !rest.starts_with('/') {
                return None;
            }
            rest.to_string()
        } else {
            let dir = page.rfind('/').map_or("", |i| &page[..=i]);
            format!("/{dir}{link}")
        };
        let decoded = percent_decode_str(&site_path).decode_utf8_lossy();
        Some(file_for(&normalize(&decoded)))
    }
}

/// `/a/./b/../c/` → `/a/c/`; a `..` above the root stays at the root, as browsers do.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = String::from("/");
    out.push_str(&parts.join("/"));
    if trailing && !parts.is_empty() {
        out.push('/');
    }
    out
}

/// Reports every collected link that names no file of `output`: once per source file and link
/// (a stand-in repeats its original's links in every language).
pub(crate) fn report_broken(
    site: &Site,
    pages: &BTreeMap<String, PageLinks>,
    output: &Output,
    diags: &mut Diagnostics,
) {
    let sources: HashMap<String, &PathBuf> = site
        .pages()
        .map(|(_, p)| (file_for(&p.path), &p.source.file))
        .chain(
            site.sections()
                .map(|(_, s)| (file_for(&s.path), &s.source.file)),
        )
        .collect();
    let exists = |target: &str| {
        output.files.contains_key(target)
            || output.files.contains_key(&format!("{target}/index.html"))
    };
    let mut seen: BTreeSet<(PathBuf, &str)> = BTreeSet::new();
    for (page, links) in pages {
        let file = sources.get(page).map_or_else(
            || PathBuf::from(format!("(generated) /{page}")),
            |f| (*f).clone(),
        );
        let url = page.trim_end_matches("index.html");
        for (written, target) in links {
            if exists(target) || !seen.insert((file.clone(), written)) {
                continue;
            }
            diags.push(
                Diagnostic::error(
                    file.clone(),
                    format!(
                        "broken link in the built page /{url}: `{written}` names /{target}, which the build does not write"
                    ),
                )
                .hint(
                    "link a page, a file of static/, or a file beside the page's Markdown (its bundle); check the spelling",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(page: &str, html: &str, base: &str) -> Vec<String> {
        local_links(page, html.as_bytes(), base)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn reads_local_links_in_every_form() {
        let html = r##"<a href="https://x.no/a/">a</a><a href=/b/c.pdf>b</a><img src="fig%C3%BC r.svg">
            <a href="../d/#x">d</a><a href="#top">t</a><a href="mailto:a@b">m</a>
            <a href="https://other.no/">o</a><a href="//cdn.no/x.js">c</a><link href="/styre.css" rel=stylesheet>
            <a href="https://x.no.evil/">e</a><a href="?q=1">q</a><p>href="/not-a-link/"</p>"##;
        assert_eq!(
            links("en/p/index.html", html, "https://x.no"),
            [
                "a/index.html",
                "b/c.pdf",
                "en/p/figü r.svg",
                "en/d/index.html",
                "styre.css"
            ]
        );
    }

    #[test]
    fn a_site_below_a_path_reads_its_own_links_only() {
        let html = r#"<a href="/portal/a/">a</a><a href="/elsewhere/">b</a><a href="https://x.no/portal/c">c</a>"#;
        assert_eq!(
            links("index.html", html, "https://x.no/portal"),
            ["a/index.html", "c"]
        );
    }

    #[test]
    fn dot_segments_stay_inside_the_site() {
        assert_eq!(normalize("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalize("/../../x"), "/x");
        assert_eq!(normalize("/a/.."), "/");
    }
}
