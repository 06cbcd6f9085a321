//! The search index: one elasticlunr index per language (elasticlunr-rs, the format
//! elasticlunr.js 0.9.5 reads), built from the rendered text of pages and sections and from
//! the governance items (cases and decisions, roadmap items, delivery projects), with a compact
//! store of what a result shows (title, URL, type, date, body, a summary).
//!
//! Every language gets the same pipeline shape, written here so the browser client can repeat
//! it exactly (docs/search.md): [`tokenize`] (identifiers such as `4-42/23` kept whole and
//! normalised to `4-42-23`, other text split into words, lower-cased), the trimmer
//! `styre-trimmer`, the stop-word filter `styre-stop-<lang>` (lists in
//! `src/builtin/search/stopwords/`), and the stemmer `styre-stem-<lang>` where Snowball has one
//! (nb and nn: Norwegian; en, ru, ar). Lithuanian, Polish, Northern Sámi, Somali and Ukrainian
//! have no stemmer: their words are matched whole.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use elasticlunr::pipeline::{Pipeline, PipelineFn};
use regex::Regex;
use serde::Serialize;

use crate::resolve::Site;
use crate::site::ids::LangId;

mod docs;
mod index;
pub mod split;

/// What a result shows (title, URL, summary) is fetched in chunks of this many documents.
pub const SUMMARY_CHUNK: usize = 25;

/// The fields of every index, in order; the client boosts `ids` over `title` over `body`.
pub const FIELDS: [&str; 3] = ["title", "body", "ids"];

/// The stop-word list of a language, when there is one.
pub fn stop_words(lang: &str) -> &'static str {
    match lang {
        "nb" => include_str!("../../builtin/search/stopwords/nb.txt"),
        "nn" => include_str!("../../builtin/search/stopwords/nn.txt"),
        "en" => include_str!("../../builtin/search/stopwords/en.txt"),
        "se" => include_str!("../../builtin/search/stopwords/se.txt"),
        "ar" => include_str!("../../builtin/search/stopwords/ar.txt"),
        "lt" => include_str!("../../builtin/search/stopwords/lt.txt"),
        "pl" => include_str!("../../builtin/search/stopwords/pl.txt"),
        "ru" => include_str!("../../builtin/search/stopwords/ru.txt"),
        "so" => include_str!("../../builtin/search/stopwords/so.txt"),
        "uk" => include_str!("../../builtin/search/stopwords/uk.txt"),
        _ => "",
    }
}

pub use crate::site::lang::{stemmer, stemmer_script};

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{N}+(?:[-/.]\p{N}+)+|[\p{L}\p{M}\p{N}]+").expect("the token pattern")
});

/// The most characters (Unicode scalar values) a term keeps: a longer token is cut to its first
/// `MAX_TERM_CHARS`. elasticlunr's tries nest one level per character (and are measured,
/// written and read by recursion), so a 10,000-letter word would nest 10,000 deep; cut, it is
/// still found by the same (cut) query. The client cuts its queries the same way.
pub const MAX_TERM_CHARS: usize = 64;

/// Splits text into tokens: identifiers (digits joined by `-`, `/` or `.`: `4-42/23`,
/// `4/42-23`, `12/21`, `28.09.23`) as one token with `-` between the numbers, and words
/// (letters, marks and digits) lower-cased; each at most [`MAX_TERM_CHARS`] characters.
pub fn tokenize(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    // Matches, not captures: the regex crate finds whole matches with its fast automata, while
    // captures need a slower engine. A word cannot hold `-`, `/` or `.`, so a match holding
    // one is an identifier.
    TOKEN
        .find_iter(&lower)
        .map(|m| {
            let token = m.as_str();
            let mut token = if token.contains(['-', '/', '.']) {
                token.replace(['/', '.'], "-")
            } else {
                token.to_string()
            };
            if let Some((cut, _)) = token.char_indices().nth(MAX_TERM_CHARS) {
                token.truncate(cut);
            }
            token
        })
        .collect()
}

/// Drops characters other than letters, marks and digits at either end of a token.
struct Trimmer;

impl PipelineFn for Trimmer {
    fn name(&self) -> String {
        "styre-trimmer".into()
    }
    fn filter(&self, token: String) -> Option<String> {
        let keep = |c: char| c.is_alphanumeric() || c == '-';
        let t = token.trim_matches(|c: char| !keep(c) || c == '-');
        if t.len() == token.len() {
            return (!token.is_empty()).then_some(token);
        }
        (!t.is_empty()).then(|| t.to_string())
    }
}

struct StopWords {
    name: String,
    words: HashSet<&'static str>,
}

impl PipelineFn for StopWords {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn filter(&self, token: String) -> Option<String> {
        (!self.words.contains(token.as_str())).then_some(token)
    }
}

struct Stemmer {
    name: String,
    stemmer: rust_stemmers::Stemmer,
    /// Stems already found: a text repeats its words, and a lookup is cheaper than stemming.
    known: std::cell::RefCell<HashMap<String, String>>,
}

impl PipelineFn for Stemmer {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn filter(&self, token: String) -> Option<String> {
        // Identifiers and numbers are matched as written.
        if token.chars().any(|c| c.is_numeric()) {
            return Some(token);
        }
        let mut known = self.known.borrow_mut();
        if let Some(stem) = known.get(&token) {
            return Some(stem.clone());
        }
        let stem = self.stemmer.stem(&token).into_owned();
        known.insert(token, stem.clone());
        Some(stem)
    }
}

/// A language of the search index, as elasticlunr-rs wants it.
pub struct SearchLanguage {
    code: String,
}

impl SearchLanguage {
    pub fn new(code: &str) -> Self {
        SearchLanguage { code: code.into() }
    }
}

impl elasticlunr::lang::Language for SearchLanguage {
    fn name(&self) -> String {
        self.code.clone()
    }
    fn code(&self) -> String {
        self.code.clone()
    }
    fn tokenize(&self, text: &str) -> Vec<String> {
        tokenize(text)
    }
    fn make_pipeline(&self) -> Pipeline {
        let mut queue: Vec<Box<dyn PipelineFn>> = vec![Box::new(Trimmer)];
        let words: HashSet<&'static str> = stop_words(&self.code)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(str::trim)
            .collect();
        if !words.is_empty() {
            queue.push(Box::new(StopWords {
                name: format!("styre-stop-{}", self.code),
                words,
            }));
        }
        if let Some(algorithm) = stemmer(&self.code) {
            queue.push(Box::new(Stemmer {
                name: format!("styre-stem-{}", self.code),
                stemmer: rust_stemmers::Stemmer::create(algorithm),
                known: std::cell::RefCell::new(HashMap::new()),
            }));
        }
        Pipeline { queue }
    }
}

/// What a search result shows; the document's ref in the index is its position in the store.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    /// Title.
    pub t: String,
    /// URL.
    pub u: String,
    /// Type: `page`, `section`, `meeting`, `document`, `roadmap`, `delivery_plan`,
    /// `meeting_plan`, `dataset`, `case`, `decision`, `roadmap_item`, `project`.
    pub k: &'static str,
    /// Date, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
    /// The body (organ) it belongs to, by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<String>,
    /// A short summary: the description, or the start of the text.
    pub s: String,
    /// The language of the texts, when it is not the index's (an untranslated page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l: Option<String>,
}

/// One document: its fields and what its result shows.
pub(crate) struct Doc {
    title: String,
    body: String,
    ids: String,
    entry: Entry,
}

/// The index and the store of one language, as JSON, and what the search page offers as
/// filters.
pub struct LanguageIndex {
    /// The files under `/search/<lang>/`: `meta.json`, `terms-<n>.json`, `text-<n>.json`.
    pub files: Vec<(String, Vec<u8>)>,
    /// The types of document in this language's index, in [`TYPES`] order.
    pub types: Vec<&'static str>,
    /// The years of dated documents, newest first.
    pub years: Vec<i32>,
}

/// Every type of document, in the order the search page lists them.
pub const TYPES: [&str; 13] = [
    "decision",
    "case",
    "meeting",
    "document",
    "roadmap",
    "roadmap_item",
    "delivery_plan",
    "project",
    "meeting_plan",
    "dataset",
    "body",
    "section",
    "page",
];

fn summary(description: Option<&str>, text: &str) -> String {
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        return d.trim().to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.len() + word.len() > 200 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Builds the index and the store of one language; without `with_files`, only what the search page
/// needs (the types and years of its documents).
pub fn build_language(site: &Site, lang: LangId, with_files: bool) -> LanguageIndex {
    let view = crate::governance::view::View::new(site, lang);
    let mut docs: Vec<Doc> = Vec::new();
    docs::section_docs(site, lang, &mut docs);
    docs::page_docs(site, lang, &mut docs);
    docs::case_docs(site, &view, &mut docs);
    docs::roadmap_item_docs(site, &view, &mut docs);
    docs::project_docs(site, &view, &mut docs);
    let (types, years) = index::facets(&docs);
    let files = if with_files {
        index::files(site.config.langs.code(lang), &docs)
    } else {
        Vec::new()
    };
    LanguageIndex {
        files,
        types,
        years,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_one_token_whatever_the_separators() {
        assert_eq!(tokenize("Sak 4-42/23"), ["sak", "4-42-23"]);
        assert_eq!(
            tokenize("sak 4/42-23 og 12/21."),
            ["sak", "4-42-23", "og", "12-21"]
        );
        assert_eq!(tokenize("møtet 28.09.23"), ["møtet", "28-09-23"]);
        assert_eq!(
            tokenize("Åpne data: 5,26 mill."),
            ["åpne", "data", "5", "26", "mill"]
        );
        assert_eq!(tokenize("الحالة 4-42/23"), ["الحالة", "4-42-23"]);
    }

    #[test]
    fn long_tokens_are_cut_to_the_term_limit() {
        let word = "ø".repeat(10_000);
        let tokens = tokenize(&format!("kort {word} kort"));
        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[1], "ø".repeat(MAX_TERM_CHARS));
        let id = vec!["12"; 50].join("/");
        assert_eq!(tokenize(&id)[0].chars().count(), MAX_TERM_CHARS);
        assert_eq!(
            tokenize(&"x".repeat(MAX_TERM_CHARS))[0].len(),
            MAX_TERM_CHARS
        );
    }

    #[test]
    fn the_index_is_the_one_elasticlunr_rs_builds() {
        use elasticlunr::lang::Language as _;
        use elasticlunr::{Index, IndexBuilder};
        let long = "x".repeat(300);
        // More than ten documents, so that refs sort as strings ("10" before "2").
        let texts: Vec<[String; 3]> = (0..25)
            .map(|n| {
                [
                    format!("Møte {n} om planer og vedtak"),
                    format!(
                        "Sak {n}-42/23: vedtaket, planene og møtene. Og og og {}",
                        if n == 3 { long.as_str() } else { "" }
                    ),
                    format!("{n}-42-23 42-23"),
                ]
            })
            .collect();
        let mut index: Index = IndexBuilder::with_language(Box::new(SearchLanguage::new("nb")))
            .save_docs(false)
            .add_fields(FIELDS)
            .build();
        for (n, t) in texts.iter().enumerate() {
            index.add_doc(&n.to_string(), [&t[0], &t[1], &t[2]]);
        }
        let mut read = split::Whole::read(&serde_json::to_vec(&index).unwrap()).unwrap();
        let values: Vec<Vec<&str>> = texts
            .iter()
            .map(|t| t.iter().map(String::as_str).collect())
            .collect();
        let mut built = split::Whole::build(
            "nb",
            &FIELDS,
            || SearchLanguage::new("nb").make_pipeline(),
            tokenize,
            &values,
        );
        assert_eq!(
            (
                &built.version,
                &built.fields,
                &built.reference,
                &built.pipeline,
                &built.lang
            ),
            (
                &read.version,
                &read.fields,
                &read.reference,
                &read.pipeline,
                &read.lang
            )
        );
        assert_eq!(built.document_store.length, read.document_store.length);
        assert_eq!(built.document_store.doc_info, read.document_store.doc_info);
        let (a, b) = (split::split(&mut built, 600), split::split(&mut read, 600));
        assert!(a.len() > 2, "several parts: {}", a.len());
        assert_eq!(a, b);
    }

    #[test]
    fn pipelines_per_language() {
        use elasticlunr::lang::Language as _;
        let names = |code: &str| -> Vec<String> {
            SearchLanguage::new(code)
                .make_pipeline()
                .queue
                .iter()
                .map(|f| f.name())
                .collect()
        };
        assert_eq!(
            names("nb"),
            ["styre-trimmer", "styre-stop-nb", "styre-stem-nb"]
        );
        assert_eq!(names("se"), ["styre-trimmer", "styre-stop-se"]);
        let nb = SearchLanguage::new("nb").make_pipeline();
        assert_eq!(
            nb.run(tokenize("Møtene og vedtakene i sak 4-42/23")),
            ["møt", "vedtak", "sak", "4-42-23"]
        );
    }
}
