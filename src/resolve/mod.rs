//! Phase 2, **resolve**: turn loaded files into a linked, validated [`Site`].
//!
//! Computes every URL (slugs, sections, languages), builds the section tree and its orderings,
//! renders each Markdown body (in parallel; [`crate::markdown`] is pure), then checks what
//! depends on more than one file: duplicate URLs, `@/` links and their anchors, templates that
//! do not exist. The result is immutable; the render phase only reads it.

pub mod claims;
pub mod highlight;
pub mod markdown;
pub mod nesting;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::claims::{Claims, Owner};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap, did_you_mean};
use crate::front_matter::SortBy;
use crate::governance::registry::Registry;
use crate::load::templates::TemplateSources;
use crate::load::{Loaded, LoadedPage, LoadedSection, PageSource, SectionSource};
use crate::markdown::{LinkResolver, Rendered};

/// A page with its URL and rendered Markdown.
#[derive(Debug)]
pub struct Page {
    pub source: PageSource,
    pub section_key: String,
    pub slug: String,
    /// Site path, `/` first and last: `/en/mandate/`.
    pub path: String,
    pub permalink: String,
    pub template: String,
    pub assets: Vec<(String, PathBuf)>,
    pub rendered: Rendered,
}

impl Page {
    pub fn date(&self) -> Option<Date> {
        self.source.meta.date.as_ref().map(|d| *d.get_ref())
    }
    pub fn updated(&self) -> Option<Date> {
        self.source.meta.updated.as_ref().map(|d| *d.get_ref())
    }
    pub fn title(&self) -> &str {
        self.source.meta.title.as_deref().unwrap_or_default()
    }
}

/// A section with its URL, rendered Markdown, and ordered children.
#[derive(Debug)]
pub struct Section {
    pub source: SectionSource,
    pub parent_key: Option<String>,
    pub path: String,
    pub permalink: String,
    pub template: String,
    pub assets: Vec<(String, PathBuf)>,
    pub rendered: Rendered,
    /// Indexes into [`Site::pages`], in the section's order.
    pub pages: Vec<usize>,
    /// Keys of the sections directly below, by weight then title.
    pub subsections: Vec<String>,
    /// Whether this section was made up because `_index.md` is missing (only the home).
    pub synthetic: bool,
}

impl Section {
    pub fn title(&self) -> &str {
        self.source.meta.title.as_deref().unwrap_or_default()
    }
}

/// A redirect from an old path to a page.
#[derive(Debug, Clone)]
pub struct Alias {
    pub path: String,
    pub target: String,
}

/// What a content key and language point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Page(usize),
    Section(usize),
}

/// The whole site, resolved: the input of the render phase.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub aliases: Vec<Alias>,
    pub static_files: BTreeMap<String, PathBuf>,
    /// Every output path claimed (src/claims.rs): files, and folders (ending in `/`) whose
    /// files styre makes as it renders (the search index).
    pub outputs: std::collections::BTreeSet<String>,
    pub templates: TemplateSources,
    pub strings: crate::load::strings::Strings,
    pub sources: SourceMap,
    index: HashMap<(String, String), Target>,
    /// Governance records: bodies, meetings, cases, documents, roadmap, delivery plan.
    pub governance: Registry,
}

impl Site {
    /// The page or section with this key in this language.
    pub fn get(&self, key: &str, lang: &str) -> Option<Target> {
        self.index
            .get(&(key.to_string(), lang.to_string()))
            .copied()
    }

    /// Like [`Site::get`], falling back to the default language.
    pub fn get_or_default(&self, key: &str, lang: &str) -> Option<Target> {
        self.get(key, lang)
            .or_else(|| self.get(key, &self.config.default_language))
    }

    pub fn permalink_of(&self, target: Target) -> &str {
        match target {
            Target::Page(i) => &self.pages[i].permalink,
            Target::Section(i) => &self.sections[i].permalink,
        }
    }

    /// Every language version of a key that is written in that language (fallbacks left out),
    /// in the config's language order.
    pub fn translations(&self, key: &str) -> Vec<(String, Target)> {
        self.config
            .languages
            .iter()
            .filter_map(|l| self.get(key, &l.code).map(|t| (l.code.clone(), t)))
            .filter(|(_, t)| !self.is_fallback(*t))
            .collect()
    }

    /// Whether the target is a stand-in for a missing translation.
    pub fn is_fallback(&self, target: Target) -> bool {
        match target {
            Target::Page(i) => self.pages[i].source.fallback,
            Target::Section(i) => self.sections[i].source.fallback,
        }
    }

    pub fn section(&self, key: &str, lang: &str) -> Option<&Section> {
        match self.get(key, lang)? {
            Target::Section(i) => Some(&self.sections[i]),
            Target::Page(_) => None,
        }
    }
}

/// Resolves the loaded site. Problems go to `diags`; the site is returned even when there are
/// errors so that `check` can go on to report render problems too.
pub fn resolve(loaded: Loaded, diags: &mut Diagnostics) -> Site {
    let Loaded {
        root,
        config,
        pages: loaded_pages,
        sections: mut loaded_sections,
        static_files,
        templates,
        strings,
        sources,
        failed_keys,
    } = loaded;

    let mut loaded_pages = loaded_pages;
    if config.untranslated == crate::config::Untranslated::Fallback {
        add_fallbacks(&config, &mut loaded_sections, &mut loaded_pages);
    }
    add_missing_homes(&config, &mut loaded_sections);
    let section_index: HashMap<(String, String), usize> = loaded_sections
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.source.key.clone(), s.source.lang.clone()), i))
        .collect();

    let paths = SectionPaths {
        config: &config,
        sections: &loaded_sections,
        index: &section_index,
    };

    // Every output file is claimed once (src/claims.rs): pages and sections here, the
    // governance pages in `Registry::build`, then the generated files, aliases, assets and
    // static files.
    let mut claims = Claims::default();

    let mut sections: Vec<Section> = Vec::new();
    for s in loaded_sections.iter() {
        let path = paths.path(&s.source.key, &s.source.lang);
        let owner = Owner::Content {
            file: s.source.file.clone(),
            span: None,
            url: path.clone(),
        };
        claims.url(&path, owner, diags);
        let template = section_template(s, &templates, diags);
        sections.push(Section {
            source: s.source.clone(),
            parent_key: s.parent_key.clone(),
            permalink: config.absolute_url(&path),
            path,
            template,
            assets: s.assets.clone(),
            rendered: Rendered::default(),
            pages: Vec::new(),
            subsections: Vec::new(),
            synthetic: s.source.file.as_os_str().is_empty(),
        });
    }

    let mut pages: Vec<Page> = Vec::new();
    for p in loaded_pages {
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
        let path = format!("{}{}/", paths.path(&section_key, &source.lang), slug);
        let slug_span = source.meta.slug.as_ref().map(|s| source.fm_span(s.span()));
        let owner = Owner::Content {
            file: source.file.clone(),
            span: slug_span,
            url: path.clone(),
        };
        claims.url(&path, owner, diags);
        let parent = section_index
            .get(&(section_key.clone(), source.lang.clone()))
            .or_else(|| section_index.get(&(section_key.clone(), config.default_language.clone())))
            .map(|i| &loaded_sections[*i]);
        let template = page_template(
            &source,
            parent,
            &loaded_sections,
            &section_index,
            &templates,
            diags,
        );
        pages.push(Page {
            permalink: config.absolute_url(&path),
            path,
            slug,
            section_key,
            template,
            assets,
            source,
            rendered: Rendered::default(),
        });
    }

    let mut index = HashMap::new();
    for (i, s) in sections.iter().enumerate() {
        index.insert(
            (s.source.key.clone(), s.source.lang.clone()),
            Target::Section(i),
        );
    }
    for (i, p) in pages.iter().enumerate() {
        index.insert(
            (p.source.key.clone(), p.source.lang.clone()),
            Target::Page(i),
        );
    }

    // A translation that leaves its governance table out shows its original's record, in the
    // original's template.
    let kind_templates: HashMap<String, &'static str> = pages
        .iter()
        .filter(|p| p.source.lang == config.default_language)
        .filter_map(|p| {
            Some((
                p.source.key.clone(),
                p.source.meta.kind.as_ref()?.template(),
            ))
        })
        .collect();
    for p in &mut pages {
        if p.source.meta.kind.is_none()
            && p.source.meta.template.is_none()
            && let Some(t) = kind_templates.get(&p.source.key)
        {
            p.template = (*t).to_string();
        }
    }

    // Governance records: indexed and given URLs before Markdown, which links case IDs.
    let mut governance = Registry::build(
        &config,
        &strings,
        &pages,
        &sections,
        diags,
        &mut |path: &str, what: &str, file: &std::path::Path, diags: &mut Diagnostics| {
            let owner = Owner::Generated {
                what: what.to_string(),
                file: file.to_path_buf(),
            };
            claims.url(path, owner, diags)
        },
    );
    // Aliases: each becomes a redirect page; they must not collide with anything.
    let mut aliases = Vec::new();
    let alias_sources = pages
        .iter()
        .map(|p| {
            (
                &p.source.file,
                &p.source.meta.aliases,
                &p.permalink,
                p.source.front_matter_offset,
            )
        })
        .chain(sections.iter().map(|s| {
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
                span: span.start + fm_offset..span.end + fm_offset,
                alias: alias.get_ref().clone(),
            };
            claims.url(&path, owner, diags);
            aliases.push(Alias {
                path,
                target: permalink.clone(),
            });
        }
    }
    for (path, what) in crate::claims::generated_files(&config, &templates, &governance) {
        let owner = Owner::Generated {
            what,
            file: PathBuf::from(crate::config::CONFIG_FILE),
        };
        claims.file(path, owner, diags);
    }
    let asset_sources = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (Target::Page(i), &p.path, &p.assets))
        .chain(
            sections
                .iter()
                .enumerate()
                .map(|(i, s)| (Target::Section(i), &s.path, &s.assets)),
        );
    for (target, path, assets) in asset_sources {
        let dir = crate::site::url::file_for(path);
        let dir = dir.trim_end_matches("index.html");
        for (rel, source) in assets {
            let owner = Owner::Asset {
                target,
                rel: rel.clone(),
                file: crate::claims::shown(&root, source),
            };
            claims.file(format!("{dir}{rel}"), owner, diags);
        }
    }
    let mut static_files = static_files;
    for (key, source) in &static_files {
        let owner = Owner::Static {
            key: key.clone(),
            file: crate::claims::shown(&root, source),
        };
        claims.file(key.clone(), owner, diags);
    }
    // What lost a clash is left out, so the output never depends on which job ran last.
    let mut dropped_aliases = std::collections::BTreeSet::new();
    let (outputs, lost) = claims.finish(diags);
    for lost in lost {
        match lost {
            Owner::Alias { index, .. } => {
                dropped_aliases.insert(index);
            }
            Owner::Static { key, .. } => {
                static_files.remove(&key);
            }
            Owner::Asset { target, rel, .. } => match target {
                Target::Page(i) => pages[i].assets.retain(|(r, _)| *r != rel),
                Target::Section(i) => sections[i].assets.retain(|(r, _)| *r != rel),
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

    // Markdown, in parallel: data in, data out.
    let opts = markdown::RenderOptions {
        highlight_code: config.highlight_code,
    };
    let resolver = |lang: &str| KeyResolver {
        config: &config,
        index: &index,
        pages: &pages,
        sections: &sections,
        governance: &governance,
        lang: lang.to_string(),
    };
    let page_html: Vec<Rendered> = pages
        .par_iter()
        .map(|p| markdown::render(p.source.body(), &resolver(&p.source.lang), opts))
        .collect();
    let section_html: Vec<Rendered> = sections
        .par_iter()
        .map(|s| markdown::render(s.source.body(), &resolver(&s.source.lang), opts))
        .collect();
    let texts = governance.render_texts(
        &pages,
        &|lang: &str| -> Box<dyn LinkResolver + '_> { Box::new(resolver(lang)) },
        opts,
        diags,
    );
    for (p, r) in pages.iter_mut().zip(page_html) {
        p.rendered = r;
    }
    for (s, r) in sections.iter_mut().zip(section_html) {
        s.rendered = r;
    }
    governance.set_texts(texts);
    report_unknown_cases(&pages, &sections, diags);

    let mut site = Site {
        root,
        config,
        pages,
        sections,
        aliases,
        static_files,
        outputs,
        templates,
        strings,
        sources,
        index,
        governance,
    };
    check_links(&site, &failed_keys, diags);
    link_tree(&mut site);
    site
}

/// For `styre serve`: the content file `file` (relative to the site root) now reads `text`. When
/// only its Markdown body changed (same front matter, byte for byte) and the file is a page or
/// section of the site, renders the body again for it and its stand-ins in other languages,
/// and returns what was rendered. The links are left to [`check_all_links`], once all files of
/// a batch are in (a link may point to a heading another file of the batch adds). Everything the rest of
/// the site knows of a file (URL, title, dates, order, governance records, translations)
/// comes from its front matter, so that is all that changed.
///
/// `None` when the edit is more than that (or the file is not one the site has): the caller
/// loads and resolves the whole site again.
pub fn update_body(
    site: &mut Site,
    file: &Path,
    text: Arc<str>,
    diags: &mut Diagnostics,
) -> Option<Vec<Target>> {
    let mut targets: Vec<Target> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.source.file == file)
        .map(|(i, _)| Target::Page(i))
        .collect();
    targets.extend(
        site.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.source.file == file)
            .map(|(i, _)| Target::Section(i)),
    );
    let (old_text, body_offset) = match *targets.first()? {
        Target::Page(i) => (&site.pages[i].source.text, site.pages[i].source.body_offset),
        Target::Section(i) => (
            &site.sections[i].source.text,
            site.sections[i].source.body_offset,
        ),
    };
    let split = crate::front_matter::split(file, &text).ok()?;
    if split.body_offset != body_offset || text.get(..body_offset) != old_text.get(..body_offset) {
        return None;
    }

    let opts = markdown::RenderOptions {
        highlight_code: site.config.highlight_code,
    };
    let rendered: Vec<Rendered> = targets
        .par_iter()
        .map(|&t| {
            let lang = match t {
                Target::Page(i) => &site.pages[i].source.lang,
                Target::Section(i) => &site.sections[i].source.lang,
            };
            let resolver = KeyResolver {
                config: &site.config,
                index: &site.index,
                pages: &site.pages,
                sections: &site.sections,
                governance: &site.governance,
                lang: lang.clone(),
            };
            markdown::render(&text[body_offset..], &resolver, opts)
        })
        .collect();
    for (&t, r) in targets.iter().zip(rendered) {
        match t {
            Target::Page(i) => {
                site.pages[i].source.text = text.clone();
                site.pages[i].rendered = r;
            }
            Target::Section(i) => {
                site.sections[i].source.text = text.clone();
                site.sections[i].rendered = r;
            }
        }
    }
    site.sources.insert(file, text);
    let (pages, sections): (Vec<&Page>, Vec<&Section>) = (
        site.pages
            .iter()
            .filter(|p| p.source.file == file)
            .collect(),
        site.sections
            .iter()
            .filter(|s| s.source.file == file)
            .collect(),
    );
    report_unknown_cases(&pages, &sections, diags);
    Some(targets)
}

/// Checks every `@/` link of the site (after [`update_body`]).
pub fn check_all_links(site: &Site, diags: &mut Diagnostics) {
    check_links(site, &std::collections::BTreeSet::new(), diags);
}

/// Case IDs written after "sak" that name no case, and links with script schemes: worth a
/// warning, not a failed build. Texts nested too deep: an error.
fn report_unknown_cases<P: std::borrow::Borrow<Page>, S: std::borrow::Borrow<Section>>(
    pages: &[P],
    sections: &[S],
    diags: &mut Diagnostics,
) {
    let bodies = pages
        .iter()
        .map(|p| p.borrow())
        .filter(|p| !p.source.fallback)
        .map(|p| (&p.source.file, p.source.body_offset, &p.rendered))
        .chain(
            sections
                .iter()
                .map(|s| s.borrow())
                .filter(|s| !s.source.fallback)
                .map(|s| (&s.source.file, s.source.body_offset, &s.rendered)),
        );
    for (file, offset, rendered) in bodies {
        for m in rendered
            .cases
            .iter()
            .filter(|m| m.case.is_none() && m.reported)
        {
            diags.push(
                Diagnostic::at(
                    file,
                    m.span.start + offset..m.span.end + offset,
                    format!("unknown case `{}`", m.id),
                    "no case with this ID",
                )
                .hint("check the ID; a case from a meeting outside the archive can be declared in a follow-up item")
                .warning(),
            );
        }
        for (span, scheme) in &rendered.script_links {
            diags.push(script_link(
                file,
                span.start + offset..span.end + offset,
                scheme,
            ));
        }
        for (span, c) in &rendered.forbidden {
            diags.push(crate::input::forbidden_at(
                file,
                span.start + offset..span.end + offset,
                *c,
                "written as a character reference in this text",
            ));
        }
        if let Some(at) = rendered.too_deep {
            let label = format!("level {} starts here", crate::nesting::BODY_LIMIT + 1);
            diags.push(too_deep(file, at + offset..at + offset + 1, label));
        }
    }
}

/// Markdown that nests elements deeper than [`crate::nesting::BODY_LIMIT`]: an error (the text
/// is left out of the page, which could not be minified).
pub fn too_deep(file: &Path, span: std::ops::Range<usize>, label: String) -> Diagnostic {
    let limit = crate::nesting::BODY_LIMIT;
    Diagnostic::at(
        file,
        span,
        format!("the text nests more than {limit} levels deep"),
        label,
    )
    .hint(format!(
        "lists, quotes, emphasis and HTML elements each count a level (a list item two: the list and the item); a text may nest {limit} (docs/content.md)"
    ))
}

/// A Markdown link or image to a `javascript:`, `data:` or `vbscript:` URL: a warning (authors
/// are trusted, but such a link is rarely meant; docs/content.md).
pub fn script_link(file: &Path, span: std::ops::Range<usize>, scheme: &str) -> Diagnostic {
    Diagnostic::at(
        file,
        span,
        format!("link to a `{scheme}:` URL"),
        "runs script or embeds content when followed",
    )
    .hint("link to an http(s) address or a file of the site instead")
    .warning()
}

/// Every page and section without a translation gets a stand-in in each other language: the
/// default language's file under that language's URL, marked `fallback`. It keeps no aliases
/// (those belong to the original).
fn add_fallbacks(config: &Config, sections: &mut Vec<LoadedSection>, pages: &mut Vec<LoadedPage>) {
    use std::collections::HashSet;
    let default = &config.default_language;
    let have_sections: HashSet<(String, String)> = sections
        .iter()
        .map(|s| (s.source.key.clone(), s.source.lang.clone()))
        .collect();
    let have_pages: HashSet<(String, String)> = pages
        .iter()
        .map(|p| (p.source.key.clone(), p.source.lang.clone()))
        .collect();
    let mut new_sections = Vec::new();
    let mut new_pages = Vec::new();
    for lang in config.languages.iter().filter(|l| l.code != *default) {
        for s in sections.iter().filter(|s| s.source.lang == *default) {
            if !have_sections.contains(&(s.source.key.clone(), lang.code.clone())) {
                let mut copy = s.clone();
                copy.source.lang = lang.code.clone();
                copy.source.fallback = true;
                copy.source.meta.aliases.clear();
                copy.assets.clear();
                new_sections.push(copy);
            }
        }
        for p in pages.iter().filter(|p| p.source.lang == *default) {
            if !have_pages.contains(&(p.source.key.clone(), lang.code.clone())) {
                let mut copy = p.clone();
                copy.source.lang = lang.code.clone();
                copy.source.fallback = true;
                copy.source.meta.aliases.clear();
                copy.assets.clear();
                new_pages.push(copy);
            }
        }
    }
    sections.extend(new_sections);
    pages.extend(new_pages);
}

/// Every language gets a home section, so `/` and `/<code>/` always exist.
fn add_missing_homes(config: &Config, sections: &mut Vec<LoadedSection>) {
    for lang in &config.languages {
        if sections
            .iter()
            .any(|s| s.source.key == "_index.md" && s.source.lang == lang.code)
        {
            continue;
        }
        sections.push(LoadedSection {
            source: SectionSource {
                file: PathBuf::new(),
                key: "_index.md".into(),
                lang: lang.code.clone(),
                meta: Default::default(),
                text: "".into(),
                front_matter_offset: 0,
                body_offset: 0,
                fallback: false,
            },
            parent_key: None,
            dir_slug: String::new(),
            assets: Vec::new(),
        });
    }
}

/// Computes section paths, following translated slugs up the tree.
struct SectionPaths<'a> {
    config: &'a Config,
    sections: &'a [LoadedSection],
    index: &'a HashMap<(String, String), usize>,
}

impl SectionPaths<'_> {
    fn find(&self, key: &str, lang: &str) -> Option<&LoadedSection> {
        self.index
            .get(&(key.to_string(), lang.to_string()))
            .or_else(|| {
                self.index
                    .get(&(key.to_string(), self.config.default_language.clone()))
            })
            .map(|i| &self.sections[*i])
    }

    fn path(&self, key: &str, lang: &str) -> String {
        let prefix = self.config.language_prefix(lang);
        let mut components = Vec::new();
        let mut current = self.find(key, lang);
        let mut guard = 0;
        while let Some(s) = current {
            if s.parent_key.is_none() || guard > crate::load::MAX_FOLDER_DEPTH {
                break;
            }
            let slug = s
                .source
                .meta
                .slug
                .as_ref()
                .map(|x| x.get_ref().clone())
                .unwrap_or_else(|| s.dir_slug.clone());
            components.push(slug);
            current = s.parent_key.as_deref().and_then(|k| self.find(k, lang));
            guard += 1;
        }
        if current.is_none() && key != "_index.md" {
            // Section not found (a page in a folder without `_index.md`): use the key's folders.
            components = key
                .trim_end_matches("_index.md")
                .split('/')
                .filter(|c| !c.is_empty())
                .rev()
                .map(crate::slug::slugify)
                .collect();
        }
        components.reverse();
        let mut path = prefix;
        for c in components {
            path.push_str(&c);
            path.push('/');
        }
        path
    }
}

struct KeyResolver<'a> {
    config: &'a Config,
    index: &'a HashMap<(String, String), Target>,
    pages: &'a [Page],
    sections: &'a [Section],
    governance: &'a Registry,
    lang: String,
}

impl LinkResolver for KeyResolver<'_> {
    fn resolve(&self, key: &str) -> Option<String> {
        let target = self
            .index
            .get(&(key.to_string(), self.lang.clone()))
            .or_else(|| {
                self.index
                    .get(&(key.to_string(), self.config.default_language.clone()))
            })?;
        Some(match *target {
            Target::Page(i) => self.pages[i].permalink.clone(),
            Target::Section(i) => self.sections[i].permalink.clone(),
        })
    }

    fn case(&self, id: &str) -> Option<(usize, String)> {
        let i = self.governance.find_case(id)?;
        let path = self.governance.case_path(i, &self.lang);
        Some((i, self.config.absolute_url(&path)))
    }

    fn generated(&self, name: &str) -> Option<String> {
        self.governance
            .generated_path(name, &self.lang)
            .map(|p| self.config.absolute_url(&p))
    }
}

fn check_template(
    name: &str,
    span: Option<std::ops::Range<usize>>,
    file: &PathBuf,
    templates: &TemplateSources,
    diags: &mut Diagnostics,
) {
    if templates.templates.contains_key(name) {
        return;
    }
    let names: Vec<&str> = templates.templates.keys().map(String::as_str).collect();
    let message = format!("template `{name}` does not exist");
    let d = match span {
        Some(span) => Diagnostic::at(file, span, message, "no such template"),
        None => Diagnostic::error(file, message),
    };
    let d = match did_you_mean(name, &names) {
        Some(best) => d.hint(format!("did you mean `{best}`?")),
        None => d.hint(format!(
            "create templates/{name}, or use one of: {}",
            names.join(", ")
        )),
    };
    diags.push(d);
}

fn section_template(
    s: &LoadedSection,
    templates: &TemplateSources,
    diags: &mut Diagnostics,
) -> String {
    match &s.source.meta.template {
        Some(t) => {
            let span = s.source.fm_span(t.span());
            check_template(t.get_ref(), Some(span), &s.source.file, templates, diags);
            t.get_ref().clone()
        }
        None if s.parent_key.is_none() => "index.html".into(),
        None if s.source.meta.body.is_some() => "body.html".into(),
        None => "section.html".into(),
    }
}

fn page_template(
    source: &PageSource,
    parent: Option<&LoadedSection>,
    sections: &[LoadedSection],
    section_index: &HashMap<(String, String), usize>,
    templates: &TemplateSources,
    diags: &mut Diagnostics,
) -> String {
    if let Some(t) = &source.meta.template {
        let span = source.fm_span(t.span());
        check_template(t.get_ref(), Some(span), &source.file, templates, diags);
        return t.get_ref().clone();
    }
    if let Some(kind) = &source.meta.kind {
        return kind.template().into();
    }
    // The nearest section up the tree that sets `page_template`.
    let mut current = parent;
    let mut guard = 0;
    while let Some(s) = current {
        if let Some(t) = &s.source.meta.page_template {
            let span = s.source.fm_span(t.span());
            check_template(t.get_ref(), Some(span), &s.source.file, templates, diags);
            return t.get_ref().clone();
        }
        current = s
            .parent_key
            .as_ref()
            .and_then(|k| section_index.get(&(k.clone(), s.source.lang.clone())))
            .map(|i| &sections[*i]);
        guard += 1;
        if guard > crate::load::MAX_FOLDER_DEPTH {
            break;
        }
    }
    "page.html".into()
}

/// Reports `@/` links whose target or anchor does not exist.
fn check_links(site: &Site, failed: &std::collections::BTreeSet<String>, diags: &mut Diagnostics) {
    let keys: Vec<&str> = {
        let mut k: Vec<&str> = site.index.keys().map(|(k, _)| k.as_str()).collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    // Fallbacks repeat their original's links: checked once, there.
    let items = site
        .pages
        .iter()
        .filter(|p| !p.source.fallback)
        .map(|p| {
            (
                &p.source.file,
                &p.source.lang,
                p.source.body_offset,
                &p.rendered,
            )
        })
        .chain(
            site.sections
                .iter()
                .filter(|s| !s.source.fallback)
                .map(|s| {
                    (
                        &s.source.file,
                        &s.source.lang,
                        s.source.body_offset,
                        &s.rendered,
                    )
                }),
        );
    for (file, lang, offset, rendered) in items {
        for link in &rendered.links {
            let span = link.span.start + offset..link.span.end + offset;
            if let Some(name) = link.key.strip_prefix('@') {
                if !link.resolved {
                    let known: Vec<&str> = Registry::GENERATED
                        .iter()
                        .copied()
                        .filter(|n| site.governance.generated_path(n, lang).is_some())
                        .collect();
                    let d = Diagnostic::at(
                        file,
                        span,
                        format!("broken link: `@{name}` is not a generated page of this site"),
                        "no generated page by this name",
                    );
                    let d = match did_you_mean(name, &known) {
                        Some(best) => d.hint(format!("did you mean `@{best}`?")),
                        None if known.is_empty() => d.hint("generated pages (@decisions, @follow-ups, @open-data, @calendar) exist once the site has governance records"),
                        None => d.hint(format!(
                            "this site has {}",
                            known.iter().map(|k| format!("@{k}")).collect::<Vec<_>>().join(", ")
                        )),
                    };
                    diags.push(d);
                }
                continue;
            }
            let Some(target) = site.get_or_default(&link.key, lang) else {
                if failed.contains(&link.key) {
                    continue;
                }
                let d = Diagnostic::at(
                    file,
                    span,
                    format!("broken internal link: `@/{}` does not exist", link.key),
                    "no content file at this path",
                );
                let d = match did_you_mean(&link.key, &keys) {
                    Some(best) => d.hint(format!("did you mean `@/{best}`?")),
                    None => {
                        d.hint("internal links name a file below content/, e.g. @/om/mandat.md")
                    }
                };
                diags.push(d);
                continue;
            };
            let Some(anchor) = &link.anchor else { continue };
            let anchors = match target {
                Target::Page(i) => &site.pages[i].rendered.anchors,
                Target::Section(i) => &site.sections[i].rendered.anchors,
            };
            if !anchors.iter().any(|a| a == anchor) {
                let candidates: Vec<&str> = anchors.iter().map(String::as_str).collect();
                let d = Diagnostic::at(
                    file,
                    span,
                    format!("broken anchor: `@/{}` has no heading `#{anchor}`", link.key),
                    "no such anchor",
                );
                let d = match did_you_mean(anchor, &candidates) {
                    Some(best) => d.hint(format!("did you mean `#{best}`?")),
                    None if candidates.is_empty() => d.hint("the target has no headings"),
                    None => d.hint(format!("its anchors: {}", candidates.join(", "))),
                };
                diags.push(d);
            }
        }
    }
}

/// Fills each section's ordered pages and subsections.
fn link_tree(site: &mut Site) {
    let mut pages_of: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        pages_of
            .entry((p.section_key.clone(), p.source.lang.clone()))
            .or_default()
            .push(i);
    }
    let mut subs_of: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, s) in site.sections.iter().enumerate() {
        if let Some(parent) = &s.parent_key {
            subs_of
                .entry((parent.clone(), s.source.lang.clone()))
                .or_default()
                .push(i);
        }
    }
    let pages = &site.pages;
    let sections = &site.sections;
    let mut ordered: Vec<(Vec<usize>, Vec<String>)> = Vec::with_capacity(sections.len());
    for s in sections.iter() {
        let key = (s.source.key.clone(), s.source.lang.clone());
        let mut list = pages_of.remove(&key).unwrap_or_default();
        sort_pages(&mut list, pages, s.source.meta.sort_by);
        let mut subs = subs_of.remove(&key).unwrap_or_default();
        subs.sort_by(|a, b| {
            let (a, b) = (&sections[*a], &sections[*b]);
            (a.source.meta.weight.unwrap_or(0), a.title(), &a.source.key).cmp(&(
                b.source.meta.weight.unwrap_or(0),
                b.title(),
                &b.source.key,
            ))
        });
        ordered.push((
            list,
            subs.into_iter()
                .map(|i| sections[i].source.key.clone())
                .collect(),
        ));
    }
    for (s, (list, subs)) in site.sections.iter_mut().zip(ordered) {
        s.pages = list;
        s.subsections = subs;
    }
}

fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    let key_order = |a: &Page, b: &Page| a.source.key.cmp(&b.source.key);
    list.sort_by(|a, b| {
        let (a, b) = (&pages[*a], &pages[*b]);
        match by {
            SortBy::Weight => (a.source.meta.weight.unwrap_or(0), a.title())
                .cmp(&(b.source.meta.weight.unwrap_or(0), b.title()))
                .then_with(|| key_order(a, b)),
            SortBy::Date => b
                .date()
                .is_some()
                .cmp(&a.date().is_some())
                .then_with(|| b.date().cmp(&a.date()))
                .then_with(|| a.title().cmp(b.title()))
                .then_with(|| key_order(a, b)),
            SortBy::Title => a.title().cmp(b.title()).then_with(|| key_order(a, b)),
            SortBy::None => key_order(a, b),
        }
    });
}
