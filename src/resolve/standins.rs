//! Part of phase 2, **resolve**: the files the site has without an author writing them: a
//! stand-in in every other language for each untranslated page and section
//! (`untranslated = "fallback"`), and a home section for every language that has none.

use std::path::PathBuf;

use crate::config::Config;
use crate::load::{LoadedPage, LoadedSection, SectionSource};

/// Every page and section without a translation gets a stand-in in each other language: the
/// default language's file under that language's URL, marked `fallback`. It keeps no aliases
/// (those belong to the original).
pub(crate) fn add_fallbacks(
    config: &Config,
    sections: &mut Vec<LoadedSection>,
    pages: &mut Vec<LoadedPage>,
) {
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
pub(crate) fn add_missing_homes(config: &Config, sections: &mut Vec<LoadedSection>) {
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
