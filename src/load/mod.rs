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
mod content;
pub mod date;
pub mod front_matter;
pub mod input;
pub mod strings;
pub mod templates;
pub mod toml_input;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::front_matter::{PageFrontMatter, SectionFrontMatter};
use crate::load::templates::TemplateSources;
use crate::site::ids::LangId;

pub use content::MAX_FOLDER_DEPTH;

/// A Markdown file of `content/`, front matter parsed, body kept as text.
#[derive(Debug, Clone)]
pub struct Source<M> {
    /// Path relative to the site root, `/`-separated: `content/blog/a.en.md`.
    pub file: PathBuf,
    /// The canonical content key used by `@/` links and template functions: the path below
    /// `content/` with any language suffix removed (`blog/a.md`, `blog/_index.md`).
    pub key: String,
    /// The language of this file (its code is `config.langs.code(lang)`).
    pub lang: LangId,
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
        crate::diagnostics::shifted(&span, self.front_matter_offset)
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
    let (pages, sections) = content::load_content(
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
