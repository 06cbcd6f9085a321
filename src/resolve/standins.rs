//! Part of phase 2, **resolve**: the files the site has without an author writing them: a
//! stand-in in every other language for each untranslated page and section
//! (`untranslated = "fallback"`), and a home section for every language that has none.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::config::Config;
use crate::load::{LoadedPage, LoadedSection, SectionSource};
use crate::site::ids::LangId;

/// Every page and section without a translation gets a stand-in in each other language: the
/// default language's file under that language's URL, marked `fallback`. It keeps no aliases
/// (those belong to the original), and keeps its bundle's assets: they are written beside each
/// stand-in too, so that the relative `figur.svg` of the original's text resolves there.
pub(crate) fn add_fallbacks(
    config: &Config,
    sections: &mut Vec<LoadedSection>,
    pages: &mut Vec<LoadedPage>,
) {
    add_stand_ins(config, sections);
    add_stand_ins(config, pages);
}

/// A loaded page or section, as far as a stand-in needs it.
trait StandIn: Clone {
    fn key_lang(&self) -> (&str, LangId);
    /// This file, as the stand-in in `lang`.
    fn stand_in(&self, lang: LangId) -> Self;
}

macro_rules! stand_in {
    ($loaded:ty) => {
        impl StandIn for $loaded {
            fn key_lang(&self) -> (&str, LangId) {
                (&self.source.key, self.source.lang)
            }
            fn stand_in(&self, lang: LangId) -> Self {
                let mut copy = self.clone();
                copy.source.lang = lang;
                copy.source.fallback = true;
                copy.source.meta.aliases.clear();
                copy
            }
        }
    };
}
stand_in!(LoadedPage);
stand_in!(LoadedSection);

/// The stand-ins of `items` in every other language, appended: language by language, in the
/// order of the originals.
fn add_stand_ins<T: StandIn>(config: &Config, items: &mut Vec<T>) {
    let have: HashSet<(String, LangId)> = items
        .iter()
        .map(|i| {
            let (key, lang) = i.key_lang();
            (key.to_string(), lang)
        })
        .collect();
    let mut new = Vec::new();
    for lang in config.langs.ids().filter(|l| !l.is_default()) {
        for item in items.iter().filter(|i| i.key_lang().1.is_default()) {
            if !have.contains(&(item.key_lang().0.to_string(), lang)) {
                new.push(item.stand_in(lang));
            }
        }
    }
    items.extend(new);
}

/// Every language gets a home section, so `/` and `/<code>/` always exist.
pub(crate) fn add_missing_homes(config: &Config, sections: &mut Vec<LoadedSection>) {
    for lang in config.langs.ids() {
        if sections
            .iter()
            .any(|s| s.source.key == "_index.md" && s.source.lang == lang)
        {
            continue;
        }
        sections.push(LoadedSection {
            source: SectionSource {
                file: PathBuf::new(),
                key: "_index.md".into(),
                lang,
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
