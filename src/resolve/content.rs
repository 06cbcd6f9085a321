//! Part of phase 2, **resolve**: what a content file becomes once its URL is known: a [`Page`]
//! or a [`Section`] (with its rendered Markdown), named by a [`Target`], and the [`Alias`]es that
//! redirect to them. Plain data the later phases read; it names no governance record, so the
//! governance registry can take pages and sections without a circle back to [`super`].

use std::path::PathBuf;

use crate::date::Date;
use crate::load::{PageSource, SectionSource};
use crate::markdown::Rendered;

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
