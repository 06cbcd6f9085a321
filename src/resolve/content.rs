//! Part of phase 2, **resolve**: what a content file becomes once its URL is known: a [`Page`]
//! or a [`Section`] (with its rendered Markdown), kept in a [`Table`] ([`Pages`], [`Sections`])
//! that gives each its [`Id`] ([`PageId`], [`SectionId`]), named by a [`Target`], and the
//! [`Alias`]es that redirect to them. Plain data the later phases read; it names no governance
//! record, so the governance registry can take pages and sections without a circle back to
//! [`super`].

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::path::PathBuf;

use rayon::prelude::*;

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
    /// The section's pages, in its order.
    pub pages: Vec<PageId>,
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

/// A page of the site: its place in the site's [`Pages`].
pub type PageId = Id<Page>;

/// A section of the site: its place in the site's [`Sections`].
pub type SectionId = Id<Section>;

/// Every page of the site, in the order resolve made them: read by [`PageId`].
pub type Pages = Table<Page>;

/// Every section of the site, read by [`SectionId`].
pub type Sections = Table<Section>;

/// A page or section ([`PageId`], [`SectionId`]): its place in its [`Table`]. Made only by the
/// table, which resolve fills once, so a page cannot be handed a section, case or language
/// index.
pub struct Id<T> {
    index: u32,
    of: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    fn at(index: usize) -> Self {
        Id {
            index: u32::try_from(index).expect("fewer than 2^32 pages or sections"),
            of: PhantomData,
        }
    }

    /// The position in its table, for values kept in the same order (render's `Lookup`).
    pub fn index(self) -> usize {
        self.index as usize
    }
}

// By hand: derived, each would ask the same of `T` (a page is not `Copy`).
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Id<T> {}
impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}
impl<T> Eq for Id<T> {}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index.cmp(&other.index)
    }
}
impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.index.hash(state);
    }
}
impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or("");
        write!(f, "{name}Id({})", self.index)
    }
}

/// The pages or the sections of the site, each read by its [`Id`]. Filled once in resolve
/// (which alone changes an entry: URLs, rendered Markdown, the section tree); every later
/// phase only reads it.
#[derive(Debug)]
pub struct Table<T> {
    items: Vec<T>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { items: Vec::new() }
    }
}

impl<T> Table<T> {
    /// The table of `items`, each given its id by its place.
    pub(super) fn new(items: Vec<T>) -> Self {
        Table { items }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every id, in table order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = Id<T>> + use<T> {
        (0..self.items.len()).map(Id::at)
    }

    /// Every entry with its id, in table order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (Id<T>, &T)> {
        self.ids().zip(&self.items)
    }

    /// Every entry, in table order, without its id.
    pub fn values(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The entry to change (resolve only).
    pub(super) fn get_mut(&mut self, id: Id<T>) -> &mut T {
        &mut self.items[id.index()]
    }

    /// Every entry to change, in table order (resolve only).
    pub(super) fn values_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }
}

impl<T: Sync> Table<T> {
    /// Every entry, in table order, as a parallel iterator (collected in order).
    pub fn par_values(&self) -> rayon::slice::Iter<'_, T> {
        self.items.par_iter()
    }
}

impl<T> std::ops::Index<Id<T>> for Table<T> {
    type Output = T;

    fn index(&self, id: Id<T>) -> &T {
        &self.items[id.index()]
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
    Page(PageId),
    Section(SectionId),
}

/// Every page and section by content key, then language: what `@/` links, `get_page`,
/// `get_section` and `get_url` look up. Built once in resolve; render shares it.
#[derive(Debug, Default)]
pub struct ContentIndex {
    by_key: HashMap<String, HashMap<LangId, Target>>,
}

impl ContentIndex {
    /// The index of `pages` and `sections`.
    pub fn new(pages: &Pages, sections: &Sections) -> Self {
        let mut by_key: HashMap<String, HashMap<LangId, Target>> = HashMap::new();
        let sources = (sections.iter())
            .map(|(i, s)| (&s.source.key, s.source.lang, Target::Section(i)))
            .chain((pages.iter()).map(|(i, p)| (&p.source.key, p.source.lang, Target::Page(i))));
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
