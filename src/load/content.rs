//! The Markdown files of `content/` (load phase), in three steps: the walk ([`walk`]: what each
//! file is from its name and folder, sections, pages, bundles and their assets), the read and
//! parse of each file's front matter (in parallel, [`read_and_parse`]), and the placing of what
//! parsed into the tree ([`place`]: drafts left out, parent sections found, assets attached).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{LoadOptions, LoadedPage, LoadedSection, PageSource, SectionSource, Source};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::front_matter::{self, PageFrontMatter, SectionFrontMatter};
use crate::site::ids::LangId;

/// How many folders below `content/` a file may be. Sections nest as folders do, and every
/// page's URL walks up its sections; a portal needs a handful of levels.
pub const MAX_FOLDER_DEPTH: usize = 32;

/// What a file under `content/` is, from its name alone.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Section { lang: Option<LangId> },
    BundlePage { lang: Option<LangId> },
    Page { stem: String, lang: Option<LangId> },
    Asset,
}

fn classify(name: &str, config: &Config) -> Entry {
    let Some(stem) = name.strip_suffix(".md") else {
        return Entry::Asset;
    };
    let suffix = stem.rsplit_once('.').and_then(|(base, code)| {
        let id = config.langs.id(code).filter(|id| !id.is_default())?;
        Some((base, id))
    });
    let (stem, lang) = match suffix {
        Some((base, id)) => (base, Some(id)),
        None => (stem, None),
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
    lang: LangId,
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

/// What the walk learnt of the folders: which are sections, and the assets of bundles and
/// sections.
struct Folders {
    /// Folders holding a section (`_index.md`).
    section_dirs: BTreeSet<String>,
    /// Per bundle folder, its files but `index.md` (relative to the bundle, and on disk).
    bundle_assets: BTreeMap<String, Vec<(String, PathBuf)>>,
    /// Per folder, its non-Markdown files outside bundles.
    section_assets: BTreeMap<String, Vec<(String, PathBuf)>>,
}

impl Folders {
    /// Keeps a file that is not read as an asset: of its bundle, else of its folder.
    fn asset(
        &mut self,
        bundle: Option<String>,
        dir: String,
        name: String,
        rel: &str,
        path: PathBuf,
    ) {
        match bundle {
            Some(b) => self.bundle_asset(b, rel, path),
            None => self
                .section_assets
                .entry(dir)
                .or_default()
                .push((name, path)),
        }
    }

    fn bundle_asset(&mut self, bundle: String, rel: &str, path: PathBuf) {
        let inner = rel[bundle.len() + 1..].to_string();
        self.bundle_assets
            .entry(bundle)
            .or_default()
            .push((inner, path));
    }
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

/// Reads `content/`: its pages and sections, each in walk order.
pub(crate) fn load_content(
    root: &Path,
    config: &Config,
    options: &LoadOptions,
    sources: &mut SourceMap,
    failed_keys: &mut BTreeSet<String>,
    diags: &mut Diagnostics,
) -> (Vec<LoadedPage>, Vec<LoadedSection>) {
    let (found, folders) = walk(root, config, diags);
    let results = read_and_parse(found);
    let placer = Placer {
        options,
        draft_dirs: draft_dirs(&results, options),
        folders,
    };
    placer.place(results, sources, failed_keys, diags)
}

/// The files of `content/`, those more than [`MAX_FOLDER_DEPTH`] folders deep left out (each
/// with an error).
fn content_files(root: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let content_dir = root.join("content");
    let mut files = super::list_files(&content_dir, diags, "content");
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
    files
}

/// Folders holding a bundle (`index.md`) and folders holding a section (`_index.md`).
fn index_dirs(
    files: &[(String, PathBuf)],
    config: &Config,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut bundle_dirs = BTreeSet::new();
    let mut section_dirs = BTreeSet::new();
    for (rel, _) in files {
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
    (bundle_dirs, section_dirs)
}

/// The innermost bundle folder `rel` is inside, if any.
fn in_bundle<'a>(bundle_dirs: &'a BTreeSet<String>, rel: &str) -> Option<&'a String> {
    bundle_dirs
        .iter()
        .filter(|b| !b.is_empty() && (rel.starts_with(&format!("{b}/"))))
        .max_by_key(|b| b.len())
}

/// The error for an index file (`_index.md`, `index.md`) where it cannot be; the file is left
/// out.
fn misplaced_index(rel: &str, message: impl Into<String>, hint: &str) -> Diagnostic {
    Diagnostic::error(format!("content/{rel}"), message).hint(hint)
}

/// Walks `content/`: the Markdown files to read, in walk order, and the folders' sections and
/// assets.
fn walk(root: &Path, config: &Config, diags: &mut Diagnostics) -> (Vec<Found>, Folders) {
    let files = content_files(root, diags);
    let (bundle_dirs, section_dirs) = index_dirs(&files, config);
    let mut folders = Folders {
        section_dirs,
        bundle_assets: BTreeMap::new(),
        section_assets: BTreeMap::new(),
    };
    let mut found = Vec::new();
    for (rel, path) in files {
        let bundle = in_bundle(&bundle_dirs, &rel).cloned();
        found.extend(find(rel, path, bundle, config, &mut folders, diags));
    }
    (found, folders)
}

/// What the walk makes of one file: a Markdown file to read, or an asset of its bundle or
/// folder (`None`), or an error (`None`, the file left out).
fn find(
    rel: String,
    path: PathBuf,
    bundle: Option<String>,
    config: &Config,
    folders: &mut Folders,
    diags: &mut Diagnostics,
) -> Option<Found> {
    let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
    let dir = parent_dir(&rel).to_string();
    let (lang, (key, kind)) = match classify(&name, config) {
        Entry::Asset => {
            folders.asset(bundle, dir, name, &rel, path);
            return None;
        }
        Entry::Section { lang } => (lang, section(&rel, dir, bundle, diags)?),
        Entry::BundlePage { lang } => (lang, bundle_page(&rel, dir, diags)?),
        // Markdown files inside a bundle are assets of it (e.g. included notes).
        Entry::Page { .. } if bundle.is_some() => {
            folders.asset(bundle, dir, name, &rel, path);
            return None;
        }
        Entry::Page { stem, lang } => (lang, page(dir, stem)),
    };
    Some(Found {
        key,
        lang: lang.unwrap_or(LangId::DEFAULT),
        rel,
        path,
        kind,
    })
}

/// A section's key and kind; `None` (with an error) inside a bundle.
fn section(
    rel: &str,
    dir: String,
    bundle: Option<String>,
    diags: &mut Diagnostics,
) -> Option<(String, FoundKind)> {
    if let Some(b) = bundle {
        diags.push(misplaced_index(
            rel,
            format!("a section cannot sit inside the page bundle `content/{b}`"),
            "move the section out of the bundle folder, or remove index.md",
        ));
        return None;
    }
    Some((join_key(&dir, "_index.md"), FoundKind::Section { dir }))
}

/// A bundle's page (`index.md`): its key and kind; `None` (with an error) at the site root.
fn bundle_page(rel: &str, dir: String, diags: &mut Diagnostics) -> Option<(String, FoundKind)> {
    let section_dir = parent_dir(&dir).to_string();
    let file_slug = dir.rsplit('/').next().unwrap_or(&dir).to_string();
    if dir.is_empty() {
        diags.push(misplaced_index(
            rel,
            "`content/index.md` would be a page at the site root",
            "rename it to `content/_index.md`: the home page is a section",
        ));
        return None;
    }
    let key = join_key(&dir, "index.md");
    let kind = FoundKind::Page {
        section_dir,
        file_slug,
        bundle_dir: Some(dir),
    };
    Some((key, kind))
}

/// A page of its own file (`stem.md`, not in a bundle): its key and kind.
fn page(dir: String, stem: String) -> (String, FoundKind) {
    let key = join_key(&dir, &format!("{stem}.md"));
    let kind = FoundKind::Page {
        section_dir: dir,
        file_slug: stem,
        bundle_dir: None,
    };
    (key, kind)
}

/// A file found by the walk, read and parsed: its text when it could be read, its front matter
/// when it parsed, and the problems found.
type Read = (Found, Option<Arc<str>>, Option<ParsedFile>, Vec<Diagnostic>);

/// Reads and parses the files in parallel; collected in walk order.
fn read_and_parse(found: Vec<Found>) -> Vec<Read> {
    found
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
        .collect()
}

/// The folders of draft sections: a draft section hides everything below it, not only its own
/// page. None when drafts are built.
fn draft_dirs(results: &[Read], options: &LoadOptions) -> Vec<String> {
    if options.drafts {
        return Vec::new();
    }
    results
        .iter()
        .filter_map(|(f, _, parsed, _)| match (&f.kind, parsed) {
            (FoundKind::Section { dir }, Some(ParsedFile::Section(meta, ..)))
                if meta.draft && !dir.is_empty() =>
            {
                Some(dir.clone())
            }
            _ => None,
        })
        .collect()
}

/// What placing a parsed file in the tree needs.
struct Placer<'a> {
    options: &'a LoadOptions,
    draft_dirs: Vec<String>,
    folders: Folders,
}

impl Placer<'_> {
    /// Places every file that parsed, in walk order; the texts go to `sources`, the keys of
    /// files that did not parse to `failed_keys`.
    fn place(
        &self,
        results: Vec<Read>,
        sources: &mut SourceMap,
        failed_keys: &mut BTreeSet<String>,
        diags: &mut Diagnostics,
    ) -> (Vec<LoadedPage>, Vec<LoadedSection>) {
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
                    ParsedFile::Section(meta, front_matter_offset, body_offset),
                ) => {
                    let source = Source {
                        file,
                        key: f.key,
                        lang: f.lang,
                        meta,
                        text,
                        front_matter_offset,
                        body_offset,
                        fallback: false,
                    };
                    sections.extend(self.section(dir, source));
                }
                (
                    FoundKind::Page {
                        section_dir,
                        file_slug,
                        bundle_dir,
                    },
                    ParsedFile::Page(meta, front_matter_offset, body_offset),
                ) => {
                    let source = Source {
                        file,
                        key: f.key,
                        lang: f.lang,
                        meta,
                        text,
                        front_matter_offset,
                        body_offset,
                        fallback: false,
                    };
                    pages.extend(self.page(section_dir, file_slug, bundle_dir, source, diags));
                }
                _ => {}
            }
        }
        (pages, sections)
    }

    fn in_draft(&self, dir: &str) -> bool {
        self.draft_dirs.iter().any(|d| {
            dir == d
                || dir
                    .strip_prefix(d.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    }

    /// The section of the folder `dir`, unless it is a draft (or below one).
    fn section(&self, dir: String, source: SectionSource) -> Option<LoadedSection> {
        if (source.meta.draft && !self.options.drafts) || self.in_draft(&dir) {
            return None;
        }
        let parent_key = if dir.is_empty() {
            None
        } else {
            Some(join_key(
                nearest_section(&self.folders.section_dirs, parent_dir(&dir)),
                "_index.md",
            ))
        };
        let dir_slug = crate::slug::slugify(dir.rsplit('/').next().unwrap_or(""));
        let assets = if source.lang.is_default() {
            self.folders
                .section_assets
                .get(&dir)
                .cloned()
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Some(LoadedSection {
            source,
            parent_key,
            dir_slug,
            assets,
        })
    }

    /// The page in the section folder `section_dir`, unless it is a draft (or below one) or its
    /// folder is not a section (an error).
    fn page(
        &self,
        section_dir: String,
        file_slug: String,
        bundle_dir: Option<String>,
        source: PageSource,
        diags: &mut Diagnostics,
    ) -> Option<LoadedPage> {
        if (source.meta.draft && !self.options.drafts) || self.in_draft(&section_dir) {
            return None;
        }
        if !section_dir.is_empty() && !self.folders.section_dirs.contains(&section_dir) {
            diags.push(
                Diagnostic::error(
                    &source.file,
                    format!("the folder `content/{section_dir}` has pages but no `_index.md`"),
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
            return None;
        }
        let assets = bundle_dir
            .as_ref()
            .and_then(|b| self.folders.bundle_assets.get(b).cloned())
            .unwrap_or_default();
        Some(LoadedPage {
            source,
            section_key: join_key(&section_dir, "_index.md"),
            file_slug,
            assets,
        })
    }
}

fn nearest_section<'a>(section_dirs: &'a BTreeSet<String>, mut dir: &'a str) -> &'a str {
    loop {
        if section_dirs.contains(dir) || dir.is_empty() {
            return dir;
        }
        dir = parent_dir(dir);
    }
}

/// A file's front matter, with the offsets of the front matter and the body in its text.
enum ParsedFile {
    Page(PageFrontMatter, usize, usize),
    Section(SectionFrontMatter, usize, usize),
}

fn parse_file(file: &Path, text: &str, kind: &FoundKind) -> (Option<ParsedFile>, Vec<Diagnostic>) {
    let split = match front_matter::split(file, text) {
        Ok(split) => split,
        Err(d) => return (None, vec![d]),
    };
    let (fm, body) = (split.front_matter_offset, split.body_offset);
    match kind {
        FoundKind::Section { .. } => {
            let parsed = front_matter::parse_section(file, &split);
            (
                parsed.value.map(|m| ParsedFile::Section(m, fm, body)),
                parsed.errors,
            )
        }
        FoundKind::Page { .. } => {
            let parsed = front_matter::parse_page(file, &split);
            (
                parsed.value.map(|m| ParsedFile::Page(m, fm, body)),
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
                lang: c.langs.id("en")
            }
        );
        assert_eq!(classify("index.md", &c), Entry::BundlePage { lang: None });
        assert_eq!(
            classify("mandat.en.md", &c),
            Entry::Page {
                stem: "mandat".into(),
                lang: c.langs.id("en")
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
