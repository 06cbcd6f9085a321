//! Incremental rebuilds: what `styre serve` does when a file changes.
//!
//! A [`Session`] keeps the last good build's resolved [`Site`] and its [`Rendering`] (template
//! engine, template values, search indexes, and which jobs fetched which page). Each batch of
//! changed paths is sorted into the cheapest correct plan:
//!
//! - **a content file's Markdown body** (front matter byte-identical): render that body again
//!   (`resolve::update_body`) and re-run the jobs that show it (`Rendering::rerender_bodies`):
//!   its page and stand-ins, the sections listing it, templates that fetched it, the feeds,
//!   for a document version the other versions' pages; its languages' search indexes are
//!   marked stale and rebuilt by [`Session::refresh_search`], which the server runs once no
//!   more edits are waiting;
//! - **a template's text** (same templates, same files): build the template engine again and
//!   re-run the jobs whose template uses it (`Rendering::retemplate`);
//! - **a static file or bundle asset** that the output already copies: nothing to render (the
//!   server reads copies from disk);
//! - **anything else** (front matter, config, interface strings, new, renamed or deleted
//!   files, or a batch mixing kinds): load, resolve and render the whole site again.
//!
//! Whatever the plan, the output afterwards equals a full build's, byte for byte
//! (tests/incremental.rs checks it after a scripted series of edits). A plan that hits an error
//! reports it and drops the kept state, so the next change rebuilds the whole site.

mod deps;

pub use deps::Patch;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Build;
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::load::LoadOptions;
use crate::output::OutputFile;
use crate::render::Rendering;
use crate::resolve::{Site, Target};
use crate::site::ids::LangId;

/// What kind of input a changed path is, or `None` for paths the site does not read (the
/// output folder, editor backups, hidden files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Config,
    Content,
    Template,
    Static,
    Theme,
    /// Interface strings (`i18n/`).
    Strings,
}

pub fn change_kind(root: &Path, path: &Path) -> Option<ChangeKind> {
    let rel = path.strip_prefix(root).ok()?;
    let name = rel.file_name()?.to_string_lossy();
    if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
        return None;
    }
    if rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return None;
    }
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    match first.as_ref() {
        "config.toml" => Some(ChangeKind::Config),
        "content" => Some(ChangeKind::Content),
        "templates" => Some(ChangeKind::Template),
        "static" => Some(ChangeKind::Static),
        "themes" => Some(ChangeKind::Theme),
        "i18n" => Some(ChangeKind::Strings),
        _ => None,
    }
}

/// The result of one batch of changes.
#[derive(Debug)]
pub enum Outcome {
    /// None of the paths is read by the site (`reload` false), or only copied files changed
    /// (`reload`: they are read from disk, so a reload shows them).
    Unchanged { reload: bool },
    /// The whole site was loaded and rendered again (successfully or not: see its diagnostics).
    Rebuilt(Build),
    /// Only what the change reaches was rendered again.
    Patched {
        patch: Patch,
        /// Warnings of the edited files (an error makes the outcome `Failed`).
        diagnostics: Diagnostics,
        sources: SourceMap,
        /// What was rendered: "1 content file", "2 templates", "the search index".
        what: String,
        elapsed: Duration,
        /// Whether open pages should reload (not after a search index caught up: the pages
        /// showed the edit already).
        reload: bool,
    },
    /// The change has errors; the last good output still stands.
    Failed {
        diagnostics: Diagnostics,
        sources: SourceMap,
    },
}

/// The last good build, kept to rebuild from.
struct State {
    site: Box<Site>,
    rendering: Rendering,
    /// The disk files the output copies (static files, bundle assets).
    copies: HashSet<PathBuf>,
}

impl State {
    /// Whether the site read a file at or below `rel` (relative to the root; `abs` is the same
    /// path absolute): a content file, a template, a copied file.
    fn has_file_at(&self, rel: &Path, abs: &Path) -> bool {
        let site = &self.site;
        site.pages().any(|(_, p)| p.source.file.starts_with(rel))
            || site.sections().any(|(_, s)| s.source.file.starts_with(rel))
            || site
                .templates
                .templates
                .values()
                .any(|t| t.file.starts_with(rel))
            || self.copies.iter().any(|c| c.starts_with(abs))
    }
}

/// How to bring the kept state up to date with a batch of changes.
enum Plan {
    /// Nothing to render; `reload` when a copied file changed.
    Nothing {
        reload: bool,
    },
    Bodies(Vec<PathBuf>),
    Templates,
    Full,
}

/// A site being served: the last good build and what is needed to update it.
pub struct Session {
    root: PathBuf,
    options: LoadOptions,
    state: Option<State>,
    /// Languages whose search index is older than their pages.
    stale_search: BTreeSet<LangId>,
}

impl Session {
    pub fn new(root: &Path, options: LoadOptions) -> Self {
        Self {
            root: root.to_path_buf(),
            options,
            state: None,
            stale_search: BTreeSet::new(),
        }
    }

    /// Loads, resolves and renders the whole site, and keeps it if it has no errors.
    pub fn full(&mut self) -> Build {
        let (build, kept) = crate::build_site_with_state(&self.root, &self.options);
        self.stale_search.clear();
        self.state = match (kept, build.ok()) {
            (Some((site, rendering)), Some(output)) => {
                let copies = output
                    .files
                    .values()
                    .filter_map(|f| match f {
                        OutputFile::Copy(source) => Some(source.clone()),
                        OutputFile::Bytes(_) | OutputFile::Written => None,
                    })
                    .collect();
                Some(State {
                    site,
                    rendering,
                    copies,
                })
            }
            _ => None,
        };
        build
    }

    /// Brings the site up to date with `paths` (absolute, below the root: what a file watcher
    /// reports), by the cheapest plan that gives the same output as a full build.
    pub fn changed(&mut self, paths: &[PathBuf]) -> Outcome {
        crate::on_styre_threads(|| self.changed_here(paths))
    }

    fn changed_here(&mut self, paths: &[PathBuf]) -> Outcome {
        let start = Instant::now();
        let plan = match &self.state {
            Some(state) => self.plan(state, paths),
            None => Plan::Full,
        };
        let outcome = match plan {
            Plan::Nothing { reload } => return Outcome::Unchanged { reload },
            Plan::Full => None,
            Plan::Bodies(files) => self.update_bodies(&files),
            Plan::Templates => self.update_templates(),
        };
        let Some(mut outcome) = outcome else {
            return Outcome::Rebuilt(self.full());
        };
        if let Outcome::Patched { elapsed, .. } = &mut outcome {
            *elapsed = start.elapsed();
        }
        outcome
    }

    /// Whether a search index is older than its pages (see [`Session::refresh_search`]).
    pub fn search_pending(&self) -> bool {
        self.state.is_some() && !self.stale_search.is_empty()
    }

    /// Builds the stale search indexes again: the files to replace and remove (or the errors
    /// of the search pages, which a full build would have too).
    pub fn refresh_search(&mut self) -> Option<Outcome> {
        crate::on_styre_threads(|| self.refresh_search_here())
    }

    fn refresh_search_here(&mut self) -> Option<Outcome> {
        let start = Instant::now();
        let state = self.state.as_mut()?;
        if self.stale_search.is_empty() {
            return None;
        }
        let langs = std::mem::take(&mut self.stale_search);
        let mut diags = Diagnostics::new();
        let patch = state
            .rendering
            .refresh_search(&state.site, &langs, &mut diags);
        if diags.has_errors() {
            return Some(self.fail(diags));
        }
        let mut outcome = patched(&state.site, patch, diags, "the search index".into(), false);
        if let Outcome::Patched { elapsed, .. } = &mut outcome {
            *elapsed = start.elapsed();
        }
        Some(outcome)
    }

    fn plan(&self, state: &State, paths: &[PathBuf]) -> Plan {
        let site = &state.site;
        let mut bodies = Vec::new();
        let mut templates = false;
        // Whether a copied file changed (read from disk on each request: a reload shows it).
        let mut copies = false;
        let theme_dir = |sub: &str| {
            site.config
                .theme
                .as_ref()
                .map(|t| Path::new("themes").join(t).join(sub))
        };
        let (theme_templates, theme_static) = (theme_dir("templates"), theme_dir("static"));
        for path in paths {
            let Some(kind) = change_kind(&self.root, path) else {
                continue;
            };
            let Ok(rel) = path.strip_prefix(&self.root) else {
                continue;
            };
            let exists = path.is_file();
            if exists && state.copies.contains(path) {
                copies = true;
                continue;
            }
            // Gone, and never part of the site: an editor's or a tool's temporary file (`sed -i`
            // writes one and renames it over the file, which is the change that counts). Only
            // where every file the site reads is known: content, templates, static files (a
            // theme's interface strings, for one, are not listed).
            let known_layer = match kind {
                ChangeKind::Content | ChangeKind::Template | ChangeKind::Static => true,
                ChangeKind::Theme => [&theme_templates, &theme_static]
                    .into_iter()
                    .flatten()
                    .any(|d| rel.starts_with(d)),
                ChangeKind::Config | ChangeKind::Strings => false,
            };
            if known_layer && !path.exists() && !state.has_file_at(rel, path) {
                continue;
            }
            match kind {
                ChangeKind::Content
                    if exists
                        && rel.extension().is_some_and(|e| e == "md")
                        && (site.pages().any(|(_, p)| p.source.file == rel)
                            || site.sections().any(|(_, s)| s.source.file == rel)) =>
                {
                    if !bodies.iter().any(|b: &PathBuf| b == rel) {
                        bodies.push(rel.to_path_buf());
                    }
                }
                ChangeKind::Template | ChangeKind::Theme
                    if exists
                        && (rel.starts_with("templates")
                            || theme_templates.as_ref().is_some_and(|t| rel.starts_with(t)))
                        && site.templates.templates.values().any(|t| t.file == rel) =>
                {
                    templates = true;
                }
                _ => return Plan::Full,
            }
        }
        match (bodies.is_empty(), templates) {
            (true, false) => Plan::Nothing { reload: copies },
            (false, false) => Plan::Bodies(bodies),
            (true, true) => Plan::Templates,
            (false, true) => Plan::Full,
        }
    }

    /// The body plan; `None` when a file turns out to be more than a body edit.
    fn update_bodies(&mut self, files: &[PathBuf]) -> Option<Outcome> {
        let state = self.state.as_mut()?;
        let mut diags = Diagnostics::new();
        let mut changed: Vec<Target> = Vec::new();
        for rel in files {
            let text: Arc<str> = crate::input::read_text(&self.root.join(rel), rel)
                .ok()?
                .into();
            // A refused character is load's error to report: a full rebuild does.
            if text.chars().any(crate::input::is_forbidden_control) {
                return None;
            }
            changed.extend(crate::resolve::update_body(
                &mut state.site,
                rel,
                text,
                &mut diags,
            )?);
        }
        crate::resolve::check_all_links(&state.site, &mut diags);
        if diags.has_errors() {
            return Some(self.fail(diags));
        }
        let patch = state
            .rendering
            .rerender_bodies(&state.site, &changed, &mut diags);
        if diags.has_errors() {
            return Some(self.fail(diags));
        }
        for target in &changed {
            let lang = match *target {
                Target::Page(i) => state.site.page(i).source.lang,
                Target::Section(i) => state.site.section(i).source.lang,
            };
            self.stale_search.insert(lang);
        }
        Some(patched(
            &state.site,
            patch,
            diags,
            count(files.len(), "content file"),
            true,
        ))
    }

    /// The template plan; `None` when the set of templates or their files changed.
    fn update_templates(&mut self) -> Option<Outcome> {
        let state = self.state.as_mut()?;
        let mut diags = Diagnostics::new();
        let fresh = crate::load::templates::load_sources(
            &self.root,
            state.site.config.theme.as_deref(),
            &mut diags,
        );
        let old = &state.site.templates.templates;
        let same_files = fresh.templates.len() == old.len()
            && fresh
                .templates
                .iter()
                .all(|(name, t)| old.get(name).is_some_and(|o| o.file == t.file));
        if diags.has_errors() || !same_files {
            return None;
        }
        let changed: BTreeSet<String> = fresh
            .templates
            .iter()
            .filter(|(name, t)| old.get(*name).is_some_and(|o| o.text != t.text))
            .map(|(name, _)| name.clone())
            .collect();
        for t in fresh.templates.values() {
            state.site.sources.insert(t.file.clone(), t.text.clone());
        }
        state.site.templates = fresh;
        let patch = state
            .rendering
            .retemplate(&state.site, &changed, &mut diags);
        if diags.has_errors() {
            return Some(self.fail(diags));
        }
        Some(patched(
            &state.site,
            patch,
            diags,
            count(changed.len(), "template"),
            true,
        ))
    }

    /// Reports a failed plan and drops the kept state: the next change rebuilds everything.
    fn fail(&mut self, mut diagnostics: Diagnostics) -> Outcome {
        diagnostics.sort();
        let sources = self
            .state
            .take()
            .map(|s| s.site.sources)
            .unwrap_or_default();
        Outcome::Failed {
            diagnostics,
            sources,
        }
    }
}

/// A plan that went through: its patch, and its warnings with the texts they quote (the time
/// is set by the caller).
fn patched(
    site: &Site,
    patch: Patch,
    diagnostics: Diagnostics,
    what: String,
    reload: bool,
) -> Outcome {
    let sources = if diagnostics.is_empty() {
        SourceMap::default()
    } else {
        site.sources.clone()
    };
    Outcome::Patched {
        patch,
        diagnostics,
        sources,
        what,
        elapsed: Duration::ZERO,
        reload,
    }
}

/// "1 content file", "2 templates".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified() {
        let root = Path::new("/site");
        let kind = |p: &str| change_kind(root, Path::new(p));
        assert_eq!(kind("/site/content/a.md"), Some(ChangeKind::Content));
        assert_eq!(kind("/site/config.toml"), Some(ChangeKind::Config));
        assert_eq!(
            kind("/site/templates/page.html"),
            Some(ChangeKind::Template)
        );
        assert_eq!(kind("/site/i18n/en.toml"), Some(ChangeKind::Strings));
        assert_eq!(kind("/site/public/index.html"), None);
        assert_eq!(kind("/site/content/.a.md.swp"), None);
        assert_eq!(kind("/site/content/a.md~"), None);
        assert_eq!(kind("/elsewhere/content/a.md"), None);
    }
}
