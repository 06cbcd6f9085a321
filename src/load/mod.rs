//! Phase 1, **load**: read the site from disk into memory.
//!
//! Walks `content/`, `static/`, the theme and `templates/`, reads `config.toml`, and parses every
//! Markdown file's front matter (in parallel). Nothing here knows about URLs or other pages;
//! that is the resolve phase. Loading never stops at the first bad file: every file is read and
//! every problem collected.
//!
//! This is the only phase that reads the site's files (the write phase copies static files by
//! path, but never parses them).

// The one phase that reads site files (ARCHITECTURE.md, Invariants; clippy.toml).
#![allow(clippy::disallowed_methods)]

pub mod config;
pub mod date;
pub mod front_matter;
pub mod input;
pub mod strings;
pub mod templates;
pub mod toml_input;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::front_matter::{PageFrontMatter, SectionFrontMatter};
use crate::load::templates::TemplateSources;

/// A Markdown file of `content/`, front matter parsed, body kept as text.
#[derive(Debug, Clone)]
pub struct Source<M> {
    /// Path relative to the site root, `/`-separated: `content/blog/a.en.md`.
    pub file: PathBuf,
    /// The canonical content key used by `@/` links and template functions: the path below
    /// `content/` with any language suffix removed (`blog/a.md`, `blog/_index.md`).
    pub key: String,
    /// Language code of this file.
    pub lang: String,
    pub meta: M,
    /// The whole file text (diagnostics quote it; the body is a slice of it).
    pub text: Arc<str>,
    /// Byte offset of the front matter in `text` (spans in `meta` are relative to it).
    pub front_matter_offset: usize,
    pub body_offset: usize,
    /// A stand-in for a missing translation: the default language's file, published under
    /// `lang`'s URL (docs/content.md, "Untranslated pages").
    pub fallback: bool,
}

impl<M> Source<M> {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// A span of a front-matter value (from `toml::Spanned`) as a span of the whole file.
    pub fn fm_span(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        span.start + self.front_matter_offset..span.end + self.front_matter_offset
    }
}

pub type PageSource = Source<PageFrontMatter>;
pub type SectionSource = Source<SectionFrontMatter>;

/// A page's extra data from its place in the tree.
#[derive(Debug, Clone)]
pub struct LoadedPage {
    pub source: PageSource,
    /// Key of the section that holds the page (`blog/_index.md`; `_index.md` for the home).
    pub section_key: String,
    /// The slug the file name gives (`a` for `a.md`, the folder name for `a/index.md`).
    pub file_slug: String,
    /// Files beside a bundle's `index.md`, relative to the bundle folder, with their paths on
    /// disk.
    pub assets: Vec<(String, PathBuf)>,
}

/// A section's extra data from its place in the tree.
#[derive(Debug, Clone)]
pub struct LoadedSection {
    pub source: SectionSource,
    /// Key of the parent section; `None` for the home section.
    pub parent_key: Option<String>,
    /// Folder name, slugified (empty for the home section).
    pub dir_slug: String,
    /// Non-Markdown files in the section's folder (not in bundles), copied beside its page.
    pub assets: Vec<(String, PathBuf)>,
}

/// Everything the later phases need, read from disk.
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<LoadedPage>,
    pub sections: Vec<LoadedSection>,
    /// Files of `static/` (the theme's first, the site's overriding them): output path → disk
    /// path.
    pub static_files: BTreeMap<String, PathBuf>,
    pub templates: TemplateSources,
    /// Interface strings of every language.
    pub strings: crate::load::strings::Strings,
    pub sources: SourceMap,
    /// Content keys of files that exist but could not be read or parsed (already reported), so
    /// links to them are not reported a second time as broken.
    pub failed_keys: std::collections::BTreeSet<String>,
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages and sections marked `draft = true`.
    pub drafts: bool,
    /// Replace the configured base URL (for `serve`, or staging builds).
    pub base_url: Option<String>,
}

/// The text of `config.toml` when it can be read as UTF-8, to quote the errors of a load that
/// failed.
pub fn config_text(root: &Path) -> Option<Arc<str>> {
    crate::input::read_text(&root.join(CONFIG_FILE), Path::new(CONFIG_FILE))
        .ok()
        .map(Into::into)
}

/// Reads the site at `root`. Returns `None` when nothing useful could be loaded (no readable
/// config); the diagnostics then say why.
pub fn load(root: &Path, options: &LoadOptions, diags: &mut Diagnostics) -> Option<Loaded> {
    let mut sources = SourceMap::default();
    let config_path = root.join(CONFIG_FILE);
    let config_text: Arc<str> = match crate::input::read_text(&config_path, Path::new(CONFIG_FILE))
    {
        Ok(text) => text.into(),
        Err(bad) => {
            if let Some(text) = bad.lossy_text {
                sources.insert(CONFIG_FILE, text.into());
                diags.push(bad.diagnostic);
            } else {
                diags.push(
                    Diagnostic::error(CONFIG_FILE, format!("cannot read {CONFIG_FILE}"))
                        .hint(bad.diagnostic.message)
                        .hint(format!(
                            "is {} a styre site? `styre init DIR` creates one",
                            root.display()
                        )),
                );
            }
            return None;
        }
    };
    sources.insert(CONFIG_FILE, config_text.clone());
    let forbidden = crate::input::forbidden_chars(Path::new(CONFIG_FILE), &config_text, 0);
    if !forbidden.is_empty() {
        diags.extend(forbidden);
        return None;
    }
    let mut config = match Config::parse(Path::new(CONFIG_FILE), &config_text) {
        Ok(config) => config,
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.trim_end_matches('/').to_string();
    }

    let templates = crate::load::templates::load_sources(root, config.theme.as_deref(), diags);
    let strings = crate::load::strings::Strings::load(root, &config, &mut sources, diags);
    for (name, t) in &templates.templates {
        let _ = name;
        sources.insert(t.file.clone(), t.text.clone());
    }
    let static_files = load_static(root, config.theme.as_deref(), diags);
    let mut failed_keys = std::collections::BTreeSet::new();
    let (pages, sections) = load_content(
        root,
        &config,
        options,
        &mut sources,
        &mut failed_keys,
        diags,
    );

    Some(Loaded {
        root: root.to_path_buf(),
        config,
        pages,
        sections,
        static_files,
        templates,
        strings,
        sources,
        failed_keys,
    })
}

/// Lists the files under `dir` (sorted, so that every later step is deterministic), relative
/// to `dir`, `/`-separated. Hidden files and folders (`.git`, `.DS_Store`) are skipped; so are
/// links, each with a warning (a build never follows one out of the site).
pub fn list_files(dir: &Path, diags: &mut Diagnostics, shown_as: &str) -> Vec<(String, PathBuf)> {
    list_files_keeping(dir, diags, shown_as, &[])
}

/// [`list_files`], keeping the hidden top-level names in `keep` (`.well-known`).
fn list_files_keeping(
    dir: &Path,
    diags: &mut Diagnostics,
    shown_as: &str,
    keep: &[&str],
) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !name.starts_with('.')
                || (e.depth() == 1 && keep.contains(&name.as_ref()))
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, e.path().to_path_buf()));
            }
            Ok(e) if e.path_is_symlink() => {
                let shown =
                    Path::new(shown_as).join(e.path().strip_prefix(dir).unwrap_or(e.path()));
                let target = std::fs::read_link(e.path())
                    .map(|t| format!(" (to {})", t.display()))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(shown, format!("a link{target} is skipped"))
                        .hint(
                            "styre follows no links, so nothing outside the site is published by \
                             mistake; put the file or folder itself here instead",
                        )
                        .warning(),
                );
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                diags.push(Diagnostic::error(
                    Path::new(shown_as).join(path.strip_prefix(dir).unwrap_or(&path)),
                    format!("cannot read: {e}"),
                ));
            }
        }
    }
    out
}

/// How many folders below `content/` a file may be. Sections nest as folders do, and every
/// page's URL walks up its sections; a portal needs a handful of levels.
pub const MAX_FOLDER_DEPTH: usize = 32;

/// Hidden names that static folders still publish: `.well-known/` (security.txt, …).
const STATIC_HIDDEN: &[&str] = &[".well-known"];

fn load_static(
    root: &Path,
    theme: Option<&str>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    if let Some(theme) = theme {
        let dir = root.join("themes").join(theme).join("static");
        let shown = format!("themes/{theme}/static");
        files.extend(list_files_keeping(&dir, diags, &shown, STATIC_HIDDEN));
    }
    files.extend(list_files_keeping(
        &root.join("static"),
        diags,
        "static",
        STATIC_HIDDEN,
    ));
    files
}

/// What a file under `content/` is, from its name alone.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Section { lang: Option<String> },
    BundlePage { lang: Option<String> },
    Page { stem: String, lang: Option<String> },
    Asset,
}

fn classify(name: &str, config: &Config) -> Entry {
    let Some(stem) = name.strip_suffix(".md") else {
        return Entry::Asset;
    };
    let (stem, lang) = match stem.rsplit_once('.') {
        Some((base, code)) if config.is_language(code) && code != config.default_language => {
            (base, Some(code.to_string()))
        }
        _ => (stem, None),
    };
    match stem {
        "_index" => Entry::Section { lang },
        "index" => Entry::BundlePage { lang },
        _ => Entry::Page {
            stem: stem.to_string(),
            lang,
        },
    }
}

/// One Markdown file found by the walk, before parsing.
struct Found {
    rel: String,
    path: PathBuf,
    kind: FoundKind,
    lang: String,
    key: String,
}

enum FoundKind {
    Section {
        dir: String,
    },
    Page {
        section_dir: String,
        file_slug: String,
        bundle_dir: Option<String>,
    },
}

fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn join_key(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn load_content(
    root: &Path,
    config: &Config,
    options: &LoadOptions,
    sources: &mut SourceMap,
    failed_keys: &mut std::collections::BTreeSet<String>,
    diags: &mut Diagnostics,
) -> (Vec<LoadedPage>, Vec<LoadedSection>) {
    let content_dir = root.join("content");
    let mut files = list_files(&content_dir, diags, "content");
    files.retain(|(rel, _)| {
        let depth = rel.matches('/').count();
        if depth > MAX_FOLDER_DEPTH {
            diags.push(
                Diagnostic::error(
                    Path::new("content").join(rel),
                    format!(
                        "this file is {depth} folders deep; content is read at most \
                         {MAX_FOLDER_DEPTH} folders below content/"
                    ),
                )
                .hint("move it up the tree; the file is left out"),
            );
        }
        depth <= MAX_FOLDER_DEPTH
    });

    // Folders holding a bundle (`index.md`) or a section (`_index.md`).
    let mut bundle_dirs = std::collections::BTreeSet::new();
    let mut section_dirs = std::collections::BTreeSet::new();
    for (rel, _) in &files {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        match classify(name, config) {
            Entry::BundlePage { .. } => {
                bundle_dirs.insert(parent_dir(rel).to_string());
            }
            Entry::Section { .. } => {
                section_dirs.insert(parent_dir(rel).to_string());
            }
            _ => {}
        }
    }
    let in_bundle = |rel: &str| -> Option<&String> {
        bundle_dirs
            .iter()
            .filter(|b| !b.is_empty() && (rel.starts_with(&format!("{b}/"))))
            .max_by_key(|b| b.len())
    };

    let mut found = Vec::new();
    let mut bundle_assets: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    let mut section_assets: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    for (rel, path) in files {
        let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
        let dir = parent_dir(&rel).to_string();
        let entry = classify(&name, config);
        let bundle = in_bundle(&rel).cloned();
        let lang_of = |l: &Option<String>| l.clone().unwrap_or(config.default_language.clone());
        match entry {
            Entry::Asset => match bundle {
                Some(b) => {
                    let inner = rel[b.len() + 1..].to_string();
                    bundle_assets.entry(b).or_default().push((inner, path));
                }
                None => section_assets
                    .entry(dir)
                    .or_default()
                    .push((name.clone(), path)),
            },
            Entry::Section { lang } => {
                if let Some(b) = bundle {
                    diags.push(
                        Diagnostic::error(
                            format!("content/{rel}"),
                            format!("a section cannot sit inside the page bundle `content/{b}`"),
                        )
                        .hint("move the section out of the bundle folder, or remove index.md"),
                    );
                    continue;
                }
                found.push(Found {
                    key: join_key(&dir, "_index.md"),
                    lang: lang_of(&lang),
                    rel,
                    path,
                    kind: FoundKind::Section { dir },
                });
            }
            Entry::BundlePage { lang } => {
                let section_dir = parent_dir(&dir).to_string();
                let file_slug = dir.rsplit('/').next().unwrap_or(&dir).to_string();
                if dir.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            format!("content/{rel}"),
                            "`content/index.md` would be a page at the site root",
                        )
                        .hint("rename it to `content/_index.md`: the home page is a section"),
                    );
                    continue;
                }
                found.push(Found {
                    key: join_key(&dir, "index.md"),
                    lang: lang_of(&lang),
                    rel,
                    path,
                    kind: FoundKind::Page {
                        section_dir,
                        file_slug,
                        bundle_dir: Some(dir),
                    },
                });
            }
            Entry::Page { stem, lang } => {
                if let Some(b) = bundle {
                    // Markdown files inside a bundle are assets of it (e.g. included notes).
                    let inner = rel[b.len() + 1..].to_string();
                    bundle_assets.entry(b).or_default().push((inner, path));
                    continue;
                }
                found.push(Found {
                    key: join_key(&dir, &format!("{stem}.md")),
                    lang: lang_of(&lang),
                    rel,
                    path,
                    kind: FoundKind::Page {
                        section_dir: dir,
                        file_slug: stem,
                        bundle_dir: None,
                    },
                });
            }
        }
    }

    // Read and parse in parallel; collect in walk order.
    type Result1 = (Found, Option<Arc<str>>, Option<Parsed2>, Vec<Diagnostic>);
    let results: Vec<Result1> = found
        .into_par_iter()
        .map(|f| {
            let file = PathBuf::from(format!("content/{}", f.rel));
            match crate::input::read_text(&f.path, &file) {
                Ok(text) => {
                    let text = Arc::<str>::from(text);
                    let forbidden = crate::input::forbidden_chars(&file, &text, 0);
                    if !forbidden.is_empty() {
                        return (f, Some(text), None, forbidden);
                    }
                    let (parsed, errors) = parse_file(&file, &text, &f.kind);
                    (f, Some(text), parsed, errors)
                }
                Err(bad) => (f, bad.lossy_text.map(Arc::from), None, vec![bad.diagnostic]),
            }
        })
        .collect();

    // A draft section hides everything below it, not only its own page.
    let draft_dirs: Vec<String> = if options.drafts {
        Vec::new()
    } else {
        results
            .iter()
            .filter_map(|(f, _, parsed, _)| match (&f.kind, parsed) {
                (FoundKind::Section { dir }, Some(Parsed2::Section(meta, ..)))
                    if meta.draft && !dir.is_empty() =>
                {
                    Some(dir.clone())
                }
                _ => None,
            })
            .collect()
    };
    let in_draft = |dir: &str| {
        draft_dirs.iter().any(|d| {
            dir == d
                || dir
                    .strip_prefix(d.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    };

    let mut pages = Vec::new();
    let mut sections = Vec::new();
    for (f, text, parsed, errors) in results {
        let file = PathBuf::from(format!("content/{}", f.rel));
        diags.extend(errors);
        if let Some(text) = &text {
            sources.insert(file.clone(), text.clone());
        }
        let (Some(text), Some(parsed)) = (text, parsed) else {
            failed_keys.insert(f.key);
            continue;
        };
        match (f.kind, parsed) {
            (
                FoundKind::Section { dir },
                Parsed2::Section(meta, front_matter_offset, body_offset),
            ) => {
                if (meta.draft && !options.drafts) || in_draft(&dir) {
                    continue;
                }
                let parent_key = if dir.is_empty() {
                    None
                } else {
                    Some(join_key(
                        nearest_section(&section_dirs, parent_dir(&dir)),
                        "_index.md",
                    ))
                };
                let dir_slug = crate::slug::slugify(dir.rsplit('/').next().unwrap_or(""));
                let assets = if f.lang == config.default_language {
                    section_assets.get(&dir).cloned().unwrap_or_default()
                } else {
                    Vec::new()
                };
                sections.push(LoadedSection {
                    source: Source {
                        file,
                        key: f.key,
                        lang: f.lang,
                        meta,
                        text,
                        front_matter_offset,
                        body_offset,
                        fallback: false,
                    },
                    parent_key,
                    dir_slug,
                    assets,
                });
            }
            (
                FoundKind::Page {
                    section_dir,
                    file_slug,
                    bundle_dir,
                },
                Parsed2::Page(meta, front_matter_offset, body_offset),
            ) => {
                if (meta.draft && !options.drafts) || in_draft(&section_dir) {
                    continue;
                }
                if !section_dir.is_empty() && !section_dirs.contains(&section_dir) {
                    diags.push(
                        Diagnostic::error(
                            &file,
                            format!(
                                "the folder `content/{section_dir}` has pages but no `_index.md`"
                            ),
                        )
                        .hint(format!(
                            "add content/{}_index.md with a title to make the folder a section",
                            if section_dir.is_empty() {
                                String::new()
                            } else {
                                format!("{section_dir}/")
                            }
                        )),
                    );
                    continue;
                }
                let assets = bundle_dir
                    .as_ref()
                    .and_then(|b| bundle_assets.get(b).cloned())
                    .unwrap_or_default();
                pages.push(LoadedPage {
                    source: Source {
                        file,
                        key: f.key,
                        lang: f.lang,
                        meta,
                        text,
                        front_matter_offset,
                        body_offset,
                        fallback: false,
                    },
                    section_key: join_key(&section_dir, "_index.md"),
                    file_slug,
                    assets,
                });
            }
            _ => {}
        }
    }
    (pages, sections)
}

fn nearest_section<'a>(
    section_dirs: &'a std::collections::BTreeSet<String>,
    mut dir: &'a str,
) -> &'a str {
    loop {
        if section_dirs.contains(dir) || dir.is_empty() {
            return dir;
        }
        dir = parent_dir(dir);
    }
}

enum Parsed2 {
    Page(PageFrontMatter, usize, usize),
    Section(SectionFrontMatter, usize, usize),
}

fn parse_file(file: &Path, text: &str, kind: &FoundKind) -> (Option<Parsed2>, Vec<Diagnostic>) {
    let split = match front_matter::split(file, text) {
        Ok(split) => split,
        Err(d) => return (None, vec![d]),
    };
    let (fm, body) = (split.front_matter_offset, split.body_offset);
    match kind {
        FoundKind::Section { .. } => {
            let parsed = front_matter::parse_section(file, &split);
            (
                parsed.value.map(|m| Parsed2::Section(m, fm, body)),
                parsed.errors,
            )
        }
        FoundKind::Page { .. } => {
            let parsed = front_matter::parse_page(file, &split);
            (
                parsed.value.map(|m| Parsed2::Page(m, fm, body)),
                parsed.errors,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            Path::new("config.toml"),
            "base_url = \"https://x.no\"\ntitle = \"T\"\n[languages.nb]\nname = \"Norsk\"\n[languages.en]\nname = \"English\"\n",
        )
        .unwrap()
    }

    #[test]
    fn classify_names() {
        let c = config();
        assert_eq!(classify("_index.md", &c), Entry::Section { lang: None });
        assert_eq!(
            classify("_index.en.md", &c),
            Entry::Section {
                lang: Some("en".into())
            }
        );
        assert_eq!(classify("index.md", &c), Entry::BundlePage { lang: None });
        assert_eq!(
            classify("mandat.en.md", &c),
            Entry::Page {
                stem: "mandat".into(),
                lang: Some("en".into())
            }
        );
        // Not a configured language: part of the name. The default language is never a suffix.
        assert_eq!(
            classify("v1.2.md", &c),
            Entry::Page {
                stem: "v1.2".into(),
                lang: None
            }
        );
        assert_eq!(
            classify("a.nb.md", &c),
            Entry::Page {
                stem: "a.nb".into(),
                lang: None
            }
        );
        assert_eq!(classify("bilde.png", &c), Entry::Asset);
    }
}
