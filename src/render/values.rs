//! Phase 3, render: the template values. [`Lookup`] holds what every job and template function
//! shares, computed once per build: the config value, the interface strings and generated
//! pages of each language, and the value of every page and section (`page_value`,
//! `section_value`, with `fallback_value` for stand-ins of missing translations); plus the
//! interface strings each template reads ([`template_strings`]).

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Language;
use crate::governance::view::View;
use crate::resolve::{ContentIndex, Page, PageId, Section, SectionId, Site, Target};
use crate::site::ids::{LangId, Languages};

/// Template name → the strings it reads in each language (by [`LangId`]).
pub(crate) type TemplateStrings = HashMap<String, Vec<Value>>;

/// What `t` holds for each template that reads only some strings: just those.
pub(crate) fn template_strings(site: &Site, lookup: &Lookup) -> TemplateStrings {
    crate::templates::string_keys(&site.templates)
        .into_iter()
        .filter_map(|(name, keys)| {
            let keys = keys?;
            let per_language = lookup
                .strings
                .iter()
                .map(|all| {
                    let some: serde_json::Map<String, Value> = keys
                        .iter()
                        .filter_map(|k| Some((k.clone(), all.get(k)?.clone())))
                        .collect();
                    Value::Object(some)
                })
                .collect();
            Some((name, per_language))
        })
        .collect()
}

#[derive(Serialize)]
pub(crate) struct LanguageView<'a> {
    code: &'a str,
    name: &'a str,
    direction: &'a str,
    locale: &'a str,
    title: &'a str,
    description: &'a str,
    is_default: bool,
}

impl<'a> From<&'a Language> for LanguageView<'a> {
    fn from(l: &'a Language) -> Self {
        Self {
            code: &l.code,
            name: &l.name,
            direction: l.direction.as_str(),
            locale: &l.locale,
            title: &l.title,
            description: &l.description,
            is_default: l.is_default,
        }
    }
}

/// Template data computed once per build and shared by every job and template function.
/// Cheap to clone (the big parts are shared), so an incremental rebuild can replace a few
/// values in a copy.
#[derive(Clone)]
pub(crate) struct Lookup {
    pub(crate) config: Value,
    pub(crate) default_language: String,
    pub(crate) base_url: String,
    /// The site's languages with their URL prefixes (`/` for the default one, `/en/`).
    pub(crate) langs: Languages,
    /// The interface strings of each language, by [`LangId`] (`t` in templates).
    pub(crate) strings: Vec<Value>,
    /// The generated pages of each language, by [`LangId`] (`registers` in templates,
    /// `get_url(path="@…")`).
    pub(crate) registers: Vec<Value>,
    /// Full page values (`page` in page templates, `get_page`), in [`PageId`] order: read with
    /// [`Lookup::page`].
    pages: Vec<Arc<Value>>,
    /// Section values with their page lists (`section`, `get_section`), in [`SectionId`]
    /// order: read with [`Lookup::section`].
    sections: Vec<Arc<Value>>,
    /// The site's index of pages and sections, shared.
    pub(crate) index: Arc<ContentIndex>,
}

impl Lookup {
    pub(crate) fn new(site: &Site) -> Self {
        let config = &site.config;
        let pages: Vec<Arc<Value>> = (site.page_ids().collect::<Vec<_>>().into_par_iter())
            .map(|i| Arc::new(Self::page_entry(site, i)))
            .collect();
        let sections = (site.section_ids())
            .map(|i| Arc::new(Self::section_entry(site, i)))
            .collect();
        Self {
            config: json!({
                "base_url": config.base_url,
                "title": config.title,
                "description": config.description,
                "default_language": config.default_language,
                "languages": config.languages.iter().map(LanguageView::from).collect::<Vec<_>>(),
                "generate_feed": config.generate_feed,
                "generate_sitemap": config.generate_sitemap,
                "highlight_code": config.highlight_code,
                "timezone": config.timezone_name,
                "extra": config.extra,
            }),
            default_language: config.default_language.clone(),
            base_url: config.base_url.clone(),
            langs: config.langs.clone(),
            strings: config.langs.ids().map(|l| site.strings.of(l)).collect(),
            registers: (config.langs.ids())
                .map(|l| View::new(site, l).registers())
                .collect(),
            pages,
            sections,
            index: Arc::clone(&site.index),
        }
    }

    /// The translations of a page or section by key: `[{lang, permalink}]`.
    fn translations(site: &Site, key: &str) -> Vec<Value> {
        site.translations(key)
            .into_iter()
            .map(|(lang, t)| json!({"lang": site.config.langs.code(lang), "permalink": site.permalink_of(t)}))
            .collect()
    }

    /// The value of page `i` (`page`, `get_page`).
    pub(crate) fn page(&self, i: PageId) -> &Arc<Value> {
        &self.pages[i.index()]
    }

    /// The value of section `i` (`section`, `get_section`).
    pub(crate) fn section(&self, i: SectionId) -> &Arc<Value> {
        &self.sections[i.index()]
    }

    /// Computes the value of page `i` again (its Markdown was rendered again).
    pub(crate) fn refresh_page(&mut self, site: &Site, i: PageId) {
        self.pages[i.index()] = Arc::new(Self::page_entry(site, i));
    }

    /// Computes the value of section `i` again (it or a page it lists changed).
    pub(crate) fn refresh_section(&mut self, site: &Site, i: SectionId) {
        self.sections[i.index()] = Arc::new(Self::section_entry(site, i));
    }

    /// The full value of page `i`, with its governance record under the record's kind.
    fn page_entry(site: &Site, i: PageId) -> Value {
        let p = site.page(i);
        let mut v = page_value(site, p, Self::translations(site, &p.source.key), true);
        if let Some((name, kind)) = crate::governance::view::page_kind(site, i)
            && let Some(o) = v.as_object_mut()
        {
            o.insert(name.into(), kind);
        }
        v
    }

    /// The value of section `i`, with the short values of the pages it lists.
    fn section_entry(site: &Site, i: SectionId) -> Value {
        let s = site.section(i);
        let listed: Vec<Value> = s
            .pages
            .iter()
            .map(|&p| page_value(site, site.page(p), Vec::new(), false))
            .collect();
        let mut v = section_value(site, s, listed, Self::translations(site, &s.source.key));
        if s.source.meta.body.is_some()
            && let Some(o) = v.as_object_mut()
        {
            o.insert(
                "body".into(),
                crate::governance::view::body(&View::new(site, s.source.lang), i),
            );
        }
        v
    }

    /// This key in this language, else in the default language.
    pub(crate) fn find(&self, key: &str, lang: LangId) -> Option<Target> {
        self.index.get_or_default(key, lang)
    }
}

fn page_value(site: &Site, p: &Page, translations: Vec<Value>, full: bool) -> Value {
    let tz = &site.config.timezone;
    let meta = &p.source.meta;
    let words = p.rendered.word_count;
    let assets: Vec<String> = p
        .assets
        .iter()
        .map(|(rel, _)| format!("{}{rel}", p.permalink))
        .collect();
    let mut v = json!({
        "kind": "page",
        "key": p.source.key,
        "relative_path": p.source.file,
        "lang": site.config.langs.code(p.source.lang),
        "title": p.title(),
        "description": meta.description,
        "date": p.date().map(|d| d.to_string()),
        "updated": p.updated().map(|d| d.to_string()),
        "date_rfc3339": p.date().map(|d| d.rfc3339(tz)),
        "slug": p.slug,
        "path": p.path,
        "permalink": p.permalink,
        "weight": meta.weight,
        "draft": meta.draft,
        "in_search_index": meta.in_search_index,
        "section": p.section_key,
        "word_count": words,
        "reading_time": words.div_ceil(200).max(1),
        "assets": assets,
        "translations": translations,
        "fallback": fallback_value(site, &p.source.key, p.source.fallback),
        "extra": crate::toml_input::to_json(&meta.extra),
    });
    if full && let Some(obj) = v.as_object_mut() {
        obj.insert("content".into(), Value::String(p.rendered.html.clone()));
        obj.insert(
            "toc".into(),
            serde_json::to_value(&p.rendered.toc).unwrap_or(Value::Null),
        );
    }
    v
}

/// For a stand-in of a missing translation: the language its text is in, that language's
/// direction and name, and the original's URL (the canonical one). Null for real pages.
fn fallback_value(site: &Site, key: &str, fallback: bool) -> Value {
    if !fallback {
        return Value::Null;
    }
    let config = &site.config;
    let original = config.lang(LangId::DEFAULT);
    let permalink = site
        .get(key, LangId::DEFAULT)
        .map(|t| site.permalink_of(t).to_string());
    json!({
        "lang": config.default_language,
        "dir": original.direction.as_str(),
        "name": original.name,
        "permalink": permalink,
    })
}

fn section_value(site: &Site, s: &Section, pages: Vec<Value>, translations: Vec<Value>) -> Value {
    let meta = &s.source.meta;
    json!({
        "kind": "section",
        "key": s.source.key,
        "relative_path": s.source.file,
        "lang": site.config.langs.code(s.source.lang),
        "title": s.title(),
        "description": meta.description,
        "path": s.path,
        "permalink": s.permalink,
        "weight": meta.weight,
        "content": s.rendered.html,
        "toc": s.rendered.toc,
        "word_count": s.rendered.word_count,
        "pages": pages,
        "subsections": s.subsections,
        "parent": s.parent_key,
        "translations": translations,
        "fallback": fallback_value(site, &s.source.key, s.source.fallback),
        "extra": crate::toml_input::to_json(&meta.extra),
    })
}
