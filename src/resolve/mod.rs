//! Phase 2, **resolve**: turn loaded files into a linked, validated [`Site`].
//!
//! [`resolve`] runs its steps in order: stand-ins for untranslated files (`standins`), every URL
//! and output claim (`urls`, with the slug policy and templates chosen in `template_choice`), the
//! governance index ([`crate::governance::registry`]), each Markdown body rendered in parallel
//! ([`crate::markdown`] is pure), then what depends on more than one file: `@/` links and their
//! anchors and unknown case IDs (`links`), the section tree and its orderings (`tree`). The
//! result is immutable; the render phase only reads it.

pub mod claims;
pub mod content;
pub mod highlight;
mod links;
pub mod markdown;
pub mod nesting;
mod standins;
mod template_choice;
mod tree;
mod urls;

pub use content::{Alias, ContentIndex, Page, PageId, Pages, Section, SectionId, Sections, Target};
pub use links::check_all_links;
pub(crate) use tree::ancestors;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::claims::Owner;
use crate::config::Config;
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::governance::registry::Registry;
use crate::load::strings::Strings;
use crate::load::templates::TemplateSources;
use crate::load::{Loaded, LoadedPage, LoadedSection};
use crate::markdown::{LinkResolver, Rendered};
use crate::site::ids::LangId;

use links::{KeyResolver, report_unknown_cases};
use urls::Urls;

/// Files of `static/`: output path → disk path.
type StaticFiles = BTreeMap<String, PathBuf>;

/// The whole site, resolved: the input of the render phase.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Read with [`Site::page`] and [`Site::pages`]; changed only in resolve.
    pages: Pages,
    /// Read with [`Site::section`] and [`Site::sections`]; changed only in resolve.
    sections: Sections,
    pub aliases: Vec<Alias>,
    pub static_files: BTreeMap<String, PathBuf>,
    /// Every output path claimed (src/resolve/claims.rs): files, and folders (ending in `/`) whose
    /// files styre makes as it renders (the search index).
    pub outputs: std::collections::BTreeSet<String>,
    pub templates: TemplateSources,
    pub strings: crate::load::strings::Strings,
    pub sources: SourceMap,
    /// Every page and section by key and language (shared with render's `Lookup`).
    pub(crate) index: Arc<ContentIndex>,
    /// Governance records: bodies, meetings, cases, documents, roadmap, delivery plan.
    pub governance: Registry,
}

impl Site {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id]
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id]
    }

    /// Every page, in the order resolve made them.
    pub fn page_ids(&self) -> impl ExactSizeIterator<Item = PageId> + use<> {
        self.pages.ids()
    }

    /// Every section, in the order resolve made them.
    pub fn section_ids(&self) -> impl ExactSizeIterator<Item = SectionId> + use<> {
        self.sections.ids()
    }

    /// Every page with its id, in the order resolve made them.
    pub fn pages(&self) -> impl ExactSizeIterator<Item = (PageId, &Page)> {
        self.pages.iter()
    }

    /// Every section with its id, in the order resolve made them.
    pub fn sections(&self) -> impl ExactSizeIterator<Item = (SectionId, &Section)> {
        self.sections.iter()
    }

    /// The page or section with this key in this language.
    pub fn get(&self, key: &str, lang: LangId) -> Option<Target> {
        self.index.get(key, lang)
    }

    /// Like [`Site::get`], falling back to the default language.
    pub fn get_or_default(&self, key: &str, lang: LangId) -> Option<Target> {
        self.index.get_or_default(key, lang)
    }

    pub fn permalink_of(&self, target: Target) -> &str {
        match target {
            Target::Page(i) => &self.page(i).permalink,
            Target::Section(i) => &self.section(i).permalink,
        }
    }

    /// Every language version of a key that is written in that language (fallbacks left out),
    /// in the config's language order.
    pub fn translations(&self, key: &str) -> Vec<(LangId, Target)> {
        (self.config.langs.ids())
            .filter_map(|l| self.get(key, l).map(|t| (l, t)))
            .filter(|(_, t)| !self.is_fallback(*t))
            .collect()
    }

    /// Whether the target is a stand-in for a missing translation.
    pub fn is_fallback(&self, target: Target) -> bool {
        match target {
            Target::Page(i) => self.page(i).source.fallback,
            Target::Section(i) => self.section(i).source.fallback,
        }
    }

    /// The section with this key in this language (none when the key names a page).
    pub fn section_with_key(&self, key: &str, lang: LangId) -> Option<&Section> {
        match self.get(key, lang)? {
            Target::Section(i) => Some(self.section(i)),
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
        mut pages,
        mut sections,
        static_files,
        templates,
        strings,
        sources,
        failed_keys,
    } = loaded;
    add_standins(&config, &mut sections, &mut pages);
    let loaded = (pages, sections, static_files);
    let claimed = claim_outputs(&root, (&config, &templates, &strings), loaded, diags);
    let Claimed {
        mut pages,
        mut sections,
        index,
        mut governance,
        aliases,
        static_files,
        outputs,
    } = claimed;

    render_markdown(
        &config,
        &index,
        (&mut pages, &mut sections),
        &mut governance,
        diags,
    );
    links::report_unknown_cases(pages.values(), sections.values(), diags);

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
    links::check_links(&site, &failed_keys, diags);
    tree::link_tree(&mut site);
    site
}

/// Stand-ins for untranslated files (when the config shows the original in their place), and
/// a home section for every language that has none.
fn add_standins(config: &Config, sections: &mut Vec<LoadedSection>, pages: &mut Vec<LoadedPage>) {
    if config.untranslated == crate::config::Untranslated::Fallback {
        standins::add_fallbacks(config, sections, pages);
    }
    standins::add_missing_homes(config, sections);
}

/// What the claims leave of the loaded content: the pages and sections with their URLs and
/// their index, the governance records, the aliases and static files that kept their paths,
/// and every output path claimed.
struct Claimed {
    pages: Pages,
    sections: Sections,
    index: Arc<ContentIndex>,
    governance: Registry,
    aliases: Vec<Alias>,
    static_files: StaticFiles,
    outputs: BTreeSet<String>,
}

/// Every output file is claimed once (src/resolve/claims.rs): pages and sections here, the
/// governance pages in `Registry::build`, then the generated files, aliases, assets and
/// static files. The claims that lose are left out.
fn claim_outputs(
    root: &Path,
    (config, templates, strings): (&Config, &TemplateSources, &Strings),
    (pages, sections, mut static_files): (Vec<LoadedPage>, Vec<LoadedSection>, StaticFiles),
    diags: &mut Diagnostics,
) -> Claimed {
    let mut urls = Urls::new(config, templates, &sections);
    let mut sections = urls.sections(diags);
    let mut pages = urls.pages(pages, diags);
    let index = Arc::new(ContentIndex::new(&pages, &sections));
    template_choice::inherit_kind_templates(&mut pages);
    let governance = build_governance(config, strings, (&pages, &sections), &mut urls, diags);
    let aliases = urls.aliases(&pages, &sections, diags);
    urls.claim_files(root, &governance, (&pages, &sections), &static_files, diags);
    let (outputs, lost) = urls.claims.finish(diags);
    let aliases = urls::drop_lost(
        lost,
        aliases,
        (&mut pages, &mut sections),
        &mut static_files,
    );
    Claimed {
        pages,
        sections,
        index,
        governance,
        aliases,
        static_files,
        outputs,
    }
}

/// Governance records: indexed and given URLs before Markdown, which links case IDs.
fn build_governance(
    config: &Config,
    strings: &Strings,
    (pages, sections): (&Pages, &Sections),
    urls: &mut Urls<'_>,
    diags: &mut Diagnostics,
) -> Registry {
    Registry::build(
        config,
        strings,
        pages,
        sections,
        diags,
        &mut |path: &str, what: &str, file: &Path, diags: &mut Diagnostics| {
            let owner = Owner::Generated {
                what: what.to_string(),
                file: file.to_path_buf(),
            };
            urls.claims.url(path, owner, diags)
        },
    )
}

/// Markdown, in parallel: data in, data out. Page and section bodies, then the governance
/// records' texts (which cite cases and link like bodies do).
fn render_markdown(
    config: &Config,
    index: &ContentIndex,
    (pages, sections): (&mut Pages, &mut Sections),
    governance: &mut Registry,
    diags: &mut Diagnostics,
) {
    let opts = markdown::RenderOptions {
        highlight_code: config.highlight_code,
    };
    let (page_html, section_html, texts) = {
        let (pages, sections, governance) = (&*pages, &*sections, &*governance);
        let resolver = |lang: LangId| KeyResolver {
            config,
            index,
            pages,
            sections,
            governance,
            lang,
        };
        let page_html: Vec<Rendered> = (pages.par_values())
            .map(|p| markdown::render(p.source.body(), &resolver(p.source.lang), opts))
            .collect();
        let section_html: Vec<Rendered> = (sections.par_values())
            .map(|s| markdown::render(s.source.body(), &resolver(s.source.lang), opts))
            .collect();
        let texts = governance.render_texts(
            pages,
            &|lang: LangId| -> Box<dyn LinkResolver + '_> { Box::new(resolver(lang)) },
            opts,
            diags,
        );
        (page_html, section_html, texts)
    };
    for (p, r) in pages.values_mut().zip(page_html) {
        p.rendered = r;
    }
    for (s, r) in sections.values_mut().zip(section_html) {
        s.rendered = r;
    }
    governance.set_texts(texts);
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
        .pages()
        .filter(|(_, p)| p.source.file == file)
        .map(|(i, _)| Target::Page(i))
        .collect();
    targets.extend(
        site.sections()
            .filter(|(_, s)| s.source.file == file)
            .map(|(i, _)| Target::Section(i)),
    );
    let (old_text, body_offset) = match *targets.first()? {
        Target::Page(i) => (&site.page(i).source.text, site.page(i).source.body_offset),
        Target::Section(i) => (
            &site.section(i).source.text,
            site.section(i).source.body_offset,
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
                Target::Page(i) => site.page(i).source.lang,
                Target::Section(i) => site.section(i).source.lang,
            };
            let resolver = KeyResolver {
                config: &site.config,
                index: &site.index,
                pages: &site.pages,
                sections: &site.sections,
                governance: &site.governance,
                lang,
            };
            markdown::render(&text[body_offset..], &resolver, opts)
        })
        .collect();
    for (&t, r) in targets.iter().zip(rendered) {
        match t {
            Target::Page(i) => {
                let page = site.pages.get_mut(i);
                page.source.text = text.clone();
                page.rendered = r;
            }
            Target::Section(i) => {
                let section = site.sections.get_mut(i);
                section.source.text = text.clone();
                section.rendered = r;
            }
        }
    }
    site.sources.insert(file, text);
    let pages = (site.pages.values()).filter(|p| p.source.file == file);
    let sections = (site.sections.values()).filter(|s| s.source.file == file);
    report_unknown_cases(pages, sections, diags);
    Some(targets)
}
