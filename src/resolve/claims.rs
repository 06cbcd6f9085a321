//! Every output path is claimed once.
//!
//! Resolve claims the output file of everything the site will write before anything is
//! rendered: pages and sections, the generated pages (404, feeds, sitemap, `robots.txt`, case
//! pages, registers, archives, open data, calendar, search), the built-in stylesheets and
//! scripts, aliases, bundle and section assets and static files. Two claims of one file, or a
//! file claimed where another claim needs a folder (`atom.xml` and `atom.xml/index.html`), are
//! errors, reported at the claim that is easiest to change: an alias before a static file,
//! before an asset, before a page, before a generated page. The claim that loses is left out
//! of the output (when it is an alias, a static file or an asset), so what is written never
//! depends on which job finished last.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::governance::registry::Registry;
use crate::load::templates::TemplateSources;
use crate::resolve::Target;
use crate::site::url::file_for;

/// Who writes an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A page or section: its file, the span of its `slug` when it sets one, its URL.
    Content {
        file: PathBuf,
        span: Option<Range<usize>>,
        url: String,
    },
    /// An alias: its index in the list resolve builds, and its entry in front matter.
    Alias {
        index: usize,
        file: PathBuf,
        span: Range<usize>,
        alias: String,
    },
    /// A page or file styre generates; `file` is what makes it exist (for messages).
    Generated { what: String, file: PathBuf },
    /// A file of `static/` or the theme's `static/`: its output path and its file.
    Static { key: String, file: PathBuf },
    /// An asset of a bundle or section, copied beside its page.
    Asset {
        target: Target,
        rel: String,
        file: PathBuf,
    },
}

impl Owner {
    /// Which of two clashing claims is reported: the lower rank (the easier to change).
    fn rank(&self) -> u8 {
        match self {
            Owner::Alias { .. } => 0,
            Owner::Static { .. } => 1,
            Owner::Asset { .. } => 2,
            Owner::Content { .. } => 3,
            Owner::Generated { .. } => 4,
        }
    }

    fn describe(&self) -> String {
        match self {
            Owner::Content { file, url, .. } => format!("the page of {} ({url})", file.display()),
            Owner::Alias { file, alias, .. } => {
                format!("the alias `{alias}` of {}", file.display())
            }
            Owner::Generated { what, .. } => what.clone(),
            Owner::Static { file, .. } => format!("the static file {}", file.display()),
            Owner::Asset { file, .. } => format!("the file {}", file.display()),
        }
    }
}

/// How two claims clash.
enum Clash<'a> {
    /// Both write `path`.
    Same(&'a str),
    /// `file` is a file for one claim and a folder (holding `inside`) for the other; or,
    /// ending in `/`, a folder claimed whole that `inside` would be written into.
    Folder { file: &'a str, inside: &'a str },
}

/// The claims of a run. Output paths have no leading `/` (`a/index.html`); a claim of a whole
/// folder ends in `/` (`search/nb/`).
#[derive(Debug, Default)]
pub struct Claims {
    paths: BTreeMap<String, Owner>,
    lost: Vec<Owner>,
}

impl Claims {
    /// Claims the output file of a site URL (`/a/` is `a/index.html`).
    pub fn url(&mut self, url: &str, owner: Owner, diags: &mut Diagnostics) {
        self.file(file_for(url), owner, diags);
    }

    /// Claims an output file (or, ending in `/`, a folder).
    pub fn file(&mut self, path: String, owner: Owner, diags: &mut Diagnostics) {
        use std::collections::btree_map::Entry;
        match self.paths.entry(path) {
            Entry::Vacant(e) => {
                e.insert(owner);
            }
            Entry::Occupied(mut e) => {
                let path = e.key().clone();
                let lost = if e.get().rank() < owner.rank() {
                    e.insert(owner)
                } else {
                    owner
                };
                diags.push(clash(&lost, e.get(), Clash::Same(&path)));
                self.lost.push(lost);
            }
        }
    }

    /// Reports files that other claims need as folders, and returns the paths claimed (folders
    /// ending in `/`) and the claims that lost (to be left out of the output).
    pub fn finish(mut self, diags: &mut Diagnostics) -> (BTreeSet<String>, Vec<Owner>) {
        let mut gone: BTreeSet<String> = BTreeSet::new();
        let keys: Vec<String> = self.paths.keys().cloned().collect();
        for key in &keys {
            let folder = if key.ends_with('/') {
                key.clone()
            } else {
                format!("{key}/")
            };
            let inside: Vec<String> = self
                .paths
                .range(folder.clone()..)
                .take_while(|(p, _)| p.starts_with(&folder))
                .map(|(p, _)| p.clone())
                .filter(|p| p != key)
                .collect();
            for p in inside {
                if gone.contains(key) {
                    break;
                }
                if gone.contains(&p) {
                    continue;
                }
                let (outer, inner) = (&self.paths[key], &self.paths[&p]);
                let (lost, held) = if outer.rank() < inner.rank() {
                    (key, &p)
                } else {
                    (&p, key)
                };
                let how = Clash::Folder {
                    file: key,
                    inside: &p,
                };
                diags.push(clash(&self.paths[lost], &self.paths[held], how));
                gone.insert(lost.clone());
            }
        }
        for key in gone {
            if let Some(owner) = self.paths.remove(&key) {
                self.lost.push(owner);
            }
        }
        (self.paths.into_keys().collect(), self.lost)
    }
}

/// The error for a claim (`lost`) that clashes with `held`.
fn clash(lost: &Owner, held: &Owner, how: Clash<'_>) -> Diagnostic {
    let held = Held::new(held, how);
    match lost {
        Owner::Content { file, span, url } => held.content(file, span.as_ref(), url),
        Owner::Alias {
            file, span, alias, ..
        } => held.alias(file, span, alias),
        Owner::Static { file, key } => held.static_file(file, key),
        Owner::Asset { file, .. } => held.asset(file),
        Owner::Generated { what, file } => held.generated(what, file),
    }
}

/// The claim that keeps its path, as the error for the claim that loses tells of it: who it
/// is, how the two clash, where (`where_`) and the label for the loser's span.
struct Held<'a> {
    owner: &'a Owner,
    holder: String,
    how: Clash<'a>,
    where_: String,
    label: String,
}

impl<'a> Held<'a> {
    fn new(owner: &'a Owner, how: Clash<'a>) -> Self {
        let holder = owner.describe();
        let (where_, label) = match how {
            Clash::Same(path) => (
                format!("both would be written to /{path}"),
                "this path is taken".to_string(),
            ),
            Clash::Folder { file, inside } if file.ends_with('/') => (
                format!("/{inside} would be written into /{file}, a folder only styre writes"),
                "inside a folder styre writes".to_string(),
            ),
            Clash::Folder { file, inside } => (
                format!("/{file} would be a file and a folder (holding /{inside}) at once"),
                "a file and a folder at once".to_string(),
            ),
        };
        Held {
            owner,
            holder,
            how,
            where_,
            label,
        }
    }

    /// A page or section loses: two pages with one URL, or a URL another claim takes.
    fn content(self, file: &Path, span: Option<&Range<usize>>, url: &str) -> Diagnostic {
        let Held {
            owner,
            holder,
            how,
            where_,
            ..
        } = self;
        let (message, hint) = match (owner, &how) {
            (Owner::Content { file: other, .. }, Clash::Same(_)) => (
                format!("two pages have the URL {url}"),
                format!(
                    "{} has it too; give one of them another `slug` or file name",
                    other.display()
                ),
            ),
            (_, how) => (
                match how {
                    Clash::Same(_) => format!("the URL {url} is taken by {holder}"),
                    Clash::Folder { .. } => format!("the URL {url} clashes with {holder}"),
                },
                format!(
                    "{where_}; give {} another `slug` or file name",
                    file.display()
                ),
            ),
        };
        match span {
            Some(span) => Diagnostic::at(file, span.clone(), message, "this URL is taken"),
            None => Diagnostic::error(file, message),
        }
        .hint(hint)
    }

    fn alias(self, file: &Path, span: &Range<usize>, alias: &str) -> Diagnostic {
        Diagnostic::at(
            file,
            span.clone(),
            format!("the alias `{alias}` is taken by {}", self.holder),
            self.label,
        )
        .hint(format!(
            "{}; remove the alias or give a path no page, feed or file of the site uses",
            self.where_
        ))
    }

    /// A static file loses; when it loses to a generated file a config switch turns off, the
    /// hint names the switch.
    fn static_file(self, file: &Path, key: &str) -> Diagnostic {
        let switch = match key {
            "robots.txt" => Some("generate_robots_txt"),
            "sitemap.xml" => Some("generate_sitemap"),
            k if k.ends_with("atom.xml") => Some("generate_feed"),
            _ => None,
        };
        let d = Diagnostic {
            label: self.where_,
            ..Diagnostic::error(
                file,
                format!(
                    "the static file {} collides with {}",
                    file.display(),
                    self.holder
                ),
            )
        };
        match (switch, self.owner) {
            (Some(key), Owner::Generated { .. }) => d.hint(format!(
                "to publish your own file, set {key} = false in config.toml; else rename or remove the static file"
            )),
            _ => d.hint("rename, move or remove the static file"),
        }
    }

    fn asset(self, file: &Path) -> Diagnostic {
        Diagnostic {
            label: self.where_,
            ..Diagnostic::error(
                file,
                format!("the file {} collides with {}", file.display(), self.holder),
            )
        }
        .hint("rename or move the file")
    }

    fn generated(self, what: &str, file: &Path) -> Diagnostic {
        Diagnostic {
            label: self.where_,
            ..Diagnostic::error(file, format!("{what} collides with {}", self.holder))
        }
        .hint("change the `[url]` strings or the slugs so the two differ")
    }
}

/// The files styre generates besides pages, sections, aliases and the governance pages the
/// registry claims: output path and what it is. Keep in step with `render::Rendering::full`
/// and `Rendering::jobs` (tests/hostile.rs compares the two).
pub fn generated_files(
    config: &Config,
    templates: &TemplateSources,
    governance: &Registry,
) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut add = |path: String, what: &str| files.push((path, what.to_string()));
    for id in config.langs.ids() {
        let l = config.lang(id);
        let p = config.langs.prefix(id).trim_start_matches('/');
        add(
            format!("{p}404.html"),
            &format!("the 404 page ({})", l.code),
        );
        if config.generate_feed {
            add(
                format!("{p}atom.xml"),
                &format!("the Atom feed ({})", l.code),
            );
        }
        if governance.has_meetings() && config.generate_feed {
            let register = governance.decisions_path(id);
            add(
                file_for(&format!("{register}atom.xml")),
                &format!("the decision feed ({})", l.code),
            );
        }
        if config.build_search_index {
            add(
                format!("search/{}/", l.code),
                &format!("the search index ({})", l.code),
            );
            if let Some(name) = crate::site::lang::stemmer_script(&l.code) {
                add(name.to_string(), "the search client's stemmer");
            }
        }
    }
    if config.generate_sitemap {
        add("sitemap.xml".into(), "the sitemap");
    }
    if config.generate_robots_txt {
        add("robots.txt".into(), "robots.txt");
    }
    if templates.file_of("base.html").starts_with("<built-in>") {
        add("styre.css".into(), "the built-in stylesheet");
    }
    if governance.has_content() || config.build_search_index {
        // The governance templates and the search page link it.
        add("styre-governance.css".into(), "the governance stylesheet");
    }
    if governance.has_content() {
        add(
            "styre-filter.js".into(),
            "the decision register's filter script",
        );
        for set in crate::governance::data::DATASETS {
            for ext in ["json", "csv", "schema.json"] {
                add(
                    format!("data/{}.{ext}", set.name),
                    &format!("the open-data file data/{}.{ext}", set.name),
                );
            }
        }
    }
    if governance.has_meetings() {
        add("data/moter.ics".into(), "the meeting calendar");
    }
    if config.highlight_code {
        add("syntax.css".into(), "the code highlighting stylesheet");
    }
    if config.build_search_index {
        add("styre-search.js".into(), "the search client");
    }
    files.sort();
    files.dedup();
    files
}

/// A site file's path as authors see it: relative to the site root.
pub fn shown(root: &Path, file: &Path) -> PathBuf {
    file.strip_prefix(root).unwrap_or(file).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(file: &str, url: &str) -> Owner {
        Owner::Content {
            file: file.into(),
            span: None,
            url: url.into(),
        }
    }

    fn alias(index: usize, alias: &str) -> Owner {
        Owner::Alias {
            index,
            file: "content/a.md".into(),
            span: 0..1,
            alias: alias.into(),
        }
    }

    #[test]
    fn the_easier_claim_to_change_loses() {
        let mut diags = Diagnostics::new();
        let mut claims = Claims::default();
        claims.file("index.html".into(), alias(0, "/index.html"), &mut diags);
        claims.url("/", content("content/_index.md", "/"), &mut diags);
        claims.url("/a/", content("content/a.md", "/a/"), &mut diags);
        claims.url("/a/", content("content/b.md", "/a/"), &mut diags);
        let (held, lost) = claims.finish(&mut diags);
        assert_eq!(
            held.into_iter().collect::<Vec<_>>(),
            ["a/index.html", "index.html"]
        );
        assert_eq!(
            lost,
            [alias(0, "/index.html"), content("content/b.md", "/a/")]
        );
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the alias `/index.html` is taken by the page of content/_index.md (/)",
                "two pages have the URL /a/"
            ]
        );
    }

    #[test]
    fn a_file_is_not_a_folder() {
        let mut diags = Diagnostics::new();
        let mut claims = Claims::default();
        let feed = Owner::Generated {
            what: "the Atom feed (nb)".into(),
            file: "config.toml".into(),
        };
        claims.file("atom.xml".into(), feed, &mut diags);
        claims.url("/atom.xml/", alias(3, "/atom.xml"), &mut diags);
        let index = Owner::Generated {
            what: "the search index (nb)".into(),
            file: "config.toml".into(),
        };
        claims.file("search/nb/".into(), index, &mut diags);
        let page = content("content/search/nb.md", "/search/nb/");
        claims.url("/search/nb/", page.clone(), &mut diags);
        let (_, lost) = claims.finish(&mut diags);
        assert_eq!(lost, [alias(3, "/atom.xml"), page]);
        assert_eq!(diags.error_count(), 2);
    }
}
