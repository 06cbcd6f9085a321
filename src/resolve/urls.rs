//! Part of phase 2, **resolve**: where everything goes. Section and page paths (translated slugs
//! followed up the tree), and the claim ([`crate::claims`]) of every output path in a fixed
//! order: sections, pages, then (after the governance records) aliases, generated files, bundle
//! assets and static files. What lost a clash is left out, so the output never depends on which
//! job ran last.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::claims::{Claims, Owner};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, shifted};
use crate::governance::registry::Registry;
use crate::load::templates::TemplateSources;
use crate::load::{LoadedPage, LoadedSection};
use crate::markdown::Rendered;
use crate::site::ids::LangId;

use super::ancestors;
use super::template_choice::{page_template, section_template};
use super::{Alias, Page, Pages, Section, Sections, Target};

/// The loaded sections by key and language, and the claims made so far.
pub(crate) struct Urls<'a> {
    config: &'a Config,
    templates: &'a TemplateSources,
    sections: &'a [LoadedSection],
    index: HashMap<(String, LangId), usize>,
    pub(crate) claims: Claims,
}

impl<'a> Urls<'a> {
    pub(crate) fn new(
        config: &'a Config,
        templates: &'a TemplateSources,
        sections: &'a [LoadedSection],
    ) -> Self {
        let index = sections
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.source.key.clone(), s.source.lang), i))
            .collect();
        Urls {
            config,
            templates,
            sections,
            index,
            claims: Claims::default(),
        }
    }

    /// The section with this key in this language, else in the default language.
    fn find(&self, key: &str, lang: LangId) -> Option<&'a LoadedSection> {
        let sections = self.sections;
        self.index
            .get(&(key.to_string(), lang))
            .or_else(|| self.index.get(&(key.to_string(), LangId::DEFAULT)))
            .map(|i| &sections[*i])
    }

    /// The path of a section, following translated slugs up the tree (each section looked up in
    /// `lang`, else in the default language).
    fn path(&self, key: &str, lang: LangId) -> String {
        let prefix = self.config.langs.prefix(lang);
        let chain: Vec<&LoadedSection> =
            ancestors(self.find(key, lang), |k, _| self.find(k, lang)).collect();
        let reached_home = chain.last().is_some_and(|s| s.parent_key.is_none());
        let mut components: Vec<String> = if reached_home || key == "_index.md" {
            // A home section's slug is its language prefix.
            chain
                .iter()
                .filter(|s| s.parent_key.is_some())
                .map(|s| {
                    s.source
                        .meta
                        .slug
                        .as_ref()
                        .map(|x| x.get_ref().clone())
                        .unwrap_or_else(|| s.dir_slug.clone())
                })
                .collect()
        } else {
            // Section not found (a page in a folder without `_index.md`): use the key's folders.
            key.trim_end_matches("_index.md")
                .split('/')
                .filter(|c| !c.is_empty())
                .rev()
                .map(crate::slug::slugify)
                .collect()
        };
        components.reverse();
        let mut path = prefix.to_string();
        for c in components {
            path.push_str(&c);
            path.push('/');
        }
        path
    }

    /// Every section with its path claimed and its template chosen.
    pub(crate) fn sections(&mut self, diags: &mut Diagnostics) -> Sections {
        let mut sections = Vec::with_capacity(self.sections.len());
        for s in self.sections {
            let path = self.path(&s.source.key, s.source.lang);
            let owner = Owner::Content {
                file: s.source.file.clone(),
                span: None,
                url: path.clone(),
            };
            self.claims.url(&path, owner, diags);
            let template = section_template(s, self.templates, diags);
            sections.push(Section {
                source: s.source.clone(),
                parent_key: s.parent_key.clone(),
                permalink: self.config.absolute_url(&path),
                path,
                template,
                assets: s.assets.clone(),
                rendered: Rendered::default(),
                pages: Vec::new(),
                subsections: Vec::new(),
                synthetic: s.source.file.as_os_str().is_empty(),
            });
        }
        Sections::new(sections)
    }

    /// Every page with its path claimed and its template chosen; a page whose slug comes out
    /// empty is an error and left out.
    pub(crate) fn pages(&mut self, loaded: Vec<LoadedPage>, diags: &mut Diagnostics) -> Pages {
        let mut pages = Vec::with_capacity(loaded.len());
        for p in loaded {
            let LoadedPage {
                source,
                section_key,
                file_slug,
                assets,
            } = p;
            let slug = match &source.meta.slug {
                Some(s) => s.get_ref().clone(),
                None => crate::slug::slugify(&file_slug),
            };
            if slug.is_empty() {
                diags.push(
                    Diagnostic::error(
                        &source.file,
                        format!("the file name `{file_slug}` gives an empty URL slug"),
                    )
                    .hint("set slug = \"…\" in the front matter, or rename the file"),
                );
                continue;
            }
            let path = format!("{}{}/", self.path(&section_key, source.lang), slug);
            let slug_span = source.meta.slug.as_ref().map(|s| source.fm_span(s.span()));
            let owner = Owner::Content {
                file: source.file.clone(),
                span: slug_span,
                url: path.clone(),
            };
            self.claims.url(&path, owner, diags);
            let parent = self.find(&section_key, source.lang);
            let template = page_template(
                &source,
                parent,
                self.sections,
                &self.index,
                self.templates,
                diags,
            );
            pages.push(Page {
                permalink: self.config.absolute_url(&path),
                path,
                slug,
                section_key,
                template,
                assets,
                source,
                rendered: Rendered::default(),
            });
        }
        Pages::new(pages)
    }

    /// Each alias becomes a redirect page; it must not collide with anything.
    pub(crate) fn aliases(
        &mut self,
        pages: &Pages,
        sections: &Sections,
        diags: &mut Diagnostics,
    ) -> Vec<Alias> {
        let mut aliases = Vec::new();
        let alias_sources = pages
            .values()
            .map(|p| {
                (
                    &p.source.file,
                    &p.source.meta.aliases,
                    &p.permalink,
                    p.source.front_matter_offset,
                )
            })
            .chain(sections.values().map(|s| {
                (
                    &s.source.file,
                    &s.source.meta.aliases,
                    &s.permalink,
                    s.source.front_matter_offset,
                )
            }));
        for (file, list, permalink, fm_offset) in alias_sources {
            for alias in list {
                let mut path = alias.get_ref().clone();
                if !path.ends_with('/') && !path.ends_with(".html") {
                    path.push('/');
                }
                let span = alias.span();
                let owner = Owner::Alias {
                    index: aliases.len(),
                    file: file.clone(),
                    span: shifted(&span, fm_offset),
                    alias: alias.get_ref().clone(),
                };
                self.claims.url(&path, owner, diags);
                aliases.push(Alias {
                    path,
                    target: permalink.clone(),
                });
            }
        }
        aliases
    }

    /// The files styre generates, the bundles' assets and the static files.
    pub(crate) fn claim_files(
        &mut self,
        root: &Path,
        governance: &Registry,
        (pages, sections): (&Pages, &Sections),
        static_files: &BTreeMap<String, PathBuf>,
        diags: &mut Diagnostics,
    ) {
        for (path, what) in crate::claims::generated_files(self.config, self.templates, governance)
        {
            let owner = Owner::Generated {
                what,
                file: PathBuf::from(crate::config::CONFIG_FILE),
            };
            self.claims.file(path, owner, diags);
        }
        let asset_sources = pages
            .iter()
            .map(|(i, p)| (Target::Page(i), &p.path, &p.assets))
            .chain(
                sections
                    .iter()
                    .map(|(i, s)| (Target::Section(i), &s.path, &s.assets)),
            );
        for (target, path, assets) in asset_sources {
            let dir = crate::site::url::file_for(path);
            let dir = dir.trim_end_matches("index.html");
            for (rel, source) in assets {
                let owner = Owner::Asset {
                    target,
                    rel: rel.clone(),
                    file: crate::claims::shown(root, source),
                };
                self.claims.file(format!("{dir}{rel}"), owner, diags);
            }
        }
        for (key, source) in static_files {
            let owner = Owner::Static {
                key: key.clone(),
                file: crate::claims::shown(root, source),
            };
            self.claims.file(key.clone(), owner, diags);
        }
    }
}

/// What lost a clash (from [`Claims::finish`]) is left out: aliases, static files and assets.
/// Returns the aliases that stay, sorted by path.
pub(crate) fn drop_lost(
    lost: Vec<Owner>,
    aliases: Vec<Alias>,
    (pages, sections): (&mut Pages, &mut Sections),
    static_files: &mut BTreeMap<String, PathBuf>,
) -> Vec<Alias> {
    let mut dropped_aliases = BTreeSet::new();
    for lost in lost {
        match lost {
            Owner::Alias { index, .. } => {
                dropped_aliases.insert(index);
            }
            Owner::Static { key, .. } => {
                static_files.remove(&key);
            }
            Owner::Asset { target, rel, .. } => match target {
                Target::Page(i) => pages.get_mut(i).assets.retain(|(r, _)| *r != rel),
                Target::Section(i) => sections.get_mut(i).assets.retain(|(r, _)| *r != rel),
            },
            Owner::Content { .. } | Owner::Generated { .. } => {}
        }
    }
    let mut aliases: Vec<Alias> = aliases
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !dropped_aliases.contains(i))
        .map(|(_, a)| a)
        .collect();
    aliases.sort_by(|a, b| a.path.cmp(&b.path));
    aliases
}
