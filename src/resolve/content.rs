//! Part of phase 2, **resolve**: what a content file becomes once its URL is known: a [`Page`]
//! or a [`Section`] (with its rendered Markdown), named by a [`Target`], and the [`Alias`]es that
//! redirect to them. Plain data the later phases read; it names no governance record, so the
//! governance registry can take pages and sections without a circle back to [`super`].

use std::collections::HashMap;
use std::path::PathBuf;

use crate::date::Date;
use crate::load::{PageSource, SectionSource};
use crate::markdown::Rendered;
use crate::site::ids::LangId;

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
    /// Indexes into [`super::Site::pages`], in the section's order.
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

/// Every page and section by content key, then language: what `@/` links, `get_page`,
/// `get_section` and `get_url` look up. Built once in resolve; render shares it.
#[derive(Debug, Default)]
pub struct ContentIndex {
    by_key: HashMap<String, HashMap<LangId, Target>>,
}

impl ContentIndex {
    /// The index of `pages` and `sections`.
    pub fn new(pages: &[Page], sections: &[Section]) -> Self {
        let mut by_key: HashMap<String, HashMap<LangId, Target>> = HashMap::new();
        let sources = (sections.iter().enumerate())
            .map(|(i, s)| (&s.source.key, s.source.lang, Target::Section(i)))
            .chain(
                (pages.iter().enumerate())
                    .map(|(i, p)| (&p.source.key, p.source.lang, Target::Page(i))),
            );
        for (key, lang, target) in sources {
            by_key.entry(key.clone()).or_default().insert(lang, target);
        }
        ContentIndex { by_key }
    }

    /// The page or section with this key in this language.
    pub fn get(&self, key: &str, lang: LangId) -> Option<Target> {
        self.by_key.get(key)?.get(&lang).copied()
    }

    /// This key in this language, else in the default language.
    pub fn get_or_default(&self, key: &str, lang: LangId) -> Option<Target> {
        let versions = self.by_key.get(key)?;
        versions
            .get(&lang)
            .or_else(|| versions.get(&LangId::DEFAULT))
            .copied()
    }

    /// Every content key, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_key.keys().map(String::as_str)
    }
}
