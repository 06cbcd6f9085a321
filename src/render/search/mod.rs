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

use crate::governance::model::Kind;
use crate::resolve::Site;

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

    /// The names of the pipeline functions, in order (what the index file lists and the client
    /// registers).
    pub fn pipeline_names(&self) -> Vec<String> {
        use elasticlunr::lang::Language as _;
        self.make_pipeline()
            .queue
            .iter()
            .map(|f| f.name())
            .collect()
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
struct Doc {
    title: String,
    body: String,
    ids: String,
    entry: Entry,
}

/// The index and the store of one language, as JSON, and what the search page offers as
/// filters.
pub struct LanguageIndex {
    pub lang: String,
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

/// What the filters need of every document: type, date, body.
type Facets<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

/// What a shown result needs: title, URL, summary, language of its texts.
type TextRow<'a> = (&'a str, &'a str, &'a str, Option<&'a str>);

/// The language's `meta.json`: what every query needs (the index's settings and document
/// statistics, the stop words, which part holds which term prefixes, and per document what a
/// result shows but its summary).
#[derive(Serialize)]
struct Meta<'a> {
    version: &'a str,
    fields: &'a [String],
    #[serde(rename = "ref")]
    reference: &'a str,
    pipeline: &'a [String],
    /// The number of documents.
    length: usize,
    /// Per field, the length (in terms) of that field in each document, in ref order: what
    /// elasticlunr keeps as `documentStore.docInfo`, in a compact form.
    lengths: std::collections::BTreeMap<String, Vec<u64>>,
    stop: Vec<&'static str>,
    /// `[prefix, part]`: the terms starting with `prefix` are in `terms-<part>.json`.
    parts: Vec<(String, usize)>,
    /// Per document, what the filters need: type, date, body.
    docs: Vec<Facets<'a>>,
    /// Titles, URLs and summaries are in `text-<n>.json`, `chunk` documents a file.
    chunk: usize,
}

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
pub fn build_language(site: &Site, lang: &str, with_files: bool) -> LanguageIndex {
    let default = &site.config.default_language;
    let reg = &site.governance;
    let view = crate::governance::view::View::new(site, lang);
    let mut docs: Vec<Doc> = Vec::new();
    let text_lang = |fallback: bool| fallback.then(|| default.clone());

    for section in site
        .sections
        .iter()
        .filter(|s| s.source.lang == lang && !s.synthetic && s.source.meta.in_search_index)
    {
        docs.push(Doc {
            title: section.title().to_string(),
            body: section.rendered.text.clone(),
            ids: String::new(),
            entry: Entry {
                t: section.title().to_string(),
                u: section.permalink.clone(),
                k: if section.source.meta.body.is_some() {
                    "body"
                } else {
                    "section"
                },
                d: None,
                b: section
                    .source
                    .meta
                    .body
                    .as_ref()
                    .map(|b| b.id.get_ref().clone()),
                s: summary(
                    section.source.meta.description.as_deref(),
                    &section.rendered.text,
                ),
                l: text_lang(section.source.fallback),
            },
        });
    }
    for page in site
        .pages
        .iter()
        .filter(|p| p.source.lang == lang && p.source.meta.in_search_index)
    {
        // A translation without its record's table shows the original's record.
        let kind =
            page.source
                .meta
                .kind
                .as_ref()
                .or_else(|| match site.get(&page.source.key, default) {
                    Some(crate::resolve::Target::Page(o)) => {
                        site.pages[o].source.meta.kind.as_ref()
                    }
                    _ => None,
                });
        let (k, ids, body_id) = match kind {
            Some(Kind::Meeting(m)) => {
                let b = reg.body(m.body.get_ref());
                let mut ids = b
                    .and_then(|b| reg.bodies[b].format.as_ref())
                    .map(|f| meeting_ids(f, *m.number.get_ref(), m.date.get_ref().year()))
                    .unwrap_or_default();
                // The meeting page presents each of its cases: found by their IDs too, after
                // the case itself (a longer field weighs each ID less).
                let entry = reg
                    .meetings
                    .iter()
                    .find(|e| site.pages[e.page].source.key == page.source.key);
                for &i in entry.into_iter().flat_map(|e| &e.cases).flatten() {
                    for id in tokenize(&reg.cases[i].id) {
                        ids.push(' ');
                        ids.push_str(&id);
                    }
                }
                ("meeting", ids, Some(m.body.get_ref().clone()))
            }
            Some(kind) => (
                kind.table_name(),
                String::new(),
                match kind {
                    Kind::Document(d) => d.body.as_ref().map(|b| b.get_ref().clone()),
                    Kind::MeetingPlan(p) => Some(p.body.get_ref().clone()),
                    _ => None,
                },
            ),
            None => ("page", String::new(), None),
        };
        docs.push(Doc {
            title: page.title().to_string(),
            body: page.rendered.text.clone(),
            ids,
            entry: Entry {
                t: page.title().to_string(),
                u: page.permalink.clone(),
                k,
                d: page.date().map(|d| d.ymd()),
                b: body_id,
                s: summary(page.source.meta.description.as_deref(), &page.rendered.text),
                l: text_lang(page.source.fallback),
            },
        });
    }

    // Cases and decisions, in the language's texts where a translation has them.
    for meeting_entry in &reg.meetings {
        let texts = meeting_entry.texts.get(lang);
        let meeting = match &site.pages[meeting_entry.page].source.meta.kind {
            Some(Kind::Meeting(meeting)) => Some(meeting),
            _ => None,
        };
        let date = meeting.map(|m| m.date.get_ref().ymd());
        // Documents that score alike are shown in index order: a meeting's cases put up for
        // decision come first, then the others in agenda order (a search for the meeting, `42/23`,
        // lists what the board decided before the approvals and briefings).
        let mut order: Vec<usize> = (0..meeting_entry.cases.len()).collect();
        order.sort_by_key(|&c| {
            let kind = meeting.and_then(|m| m.cases.get(c)).and_then(|c| c.kind);
            kind != Some(crate::governance::model::CaseType::Decision)
        });
        for c in order {
            let Some(i) = meeting_entry.cases[c] else {
                continue;
            };
            let value = view.case_ref(i);
            let rendered = texts.and_then(|t| t.get(c));
            let mut body = String::new();
            for r in rendered
                .into_iter()
                .flat_map(|t| [&t.background, &t.proposal, &t.decision])
                .flatten()
            {
                body.push_str(&r.text);
                body.push(' ');
            }
            let decided = rendered.is_some_and(|t| t.decision.is_some());
            let entry = &reg.cases[i];
            let title = value["title"].as_str().unwrap_or(&entry.title).to_string();
            docs.push(Doc {
                title: format!("{} {title}", entry.id),
                body: body.clone(),
                ids: case_ids(site, i),
                entry: Entry {
                    t: format!("{} {title}", entry.id),
                    u: view.case_permalink(i),
                    k: if decided { "decision" } else { "case" },
                    d: date.clone(),
                    b: Some(reg.bodies[entry.body].id.clone()),
                    s: summary(None, &body),
                    l: value["text_lang"]["lang"].as_str().map(str::to_string),
                },
            });
        }
    }
    // Roadmap items and delivery projects, each at its place on its page.
    for (r, &p) in reg.roadmaps.iter().enumerate() {
        let value = crate::governance::view::roadmap(&view, r);
        let texts = reg.roadmap_texts.get(r).and_then(|t| t.get(lang));
        let page_url = view.page(p).permalink.clone();
        for (i, item) in value["items"].as_array().into_iter().flatten().enumerate() {
            let description = texts
                .and_then(|t| t.get(i))
                .and_then(|d| d.as_ref())
                .map(|d| d.text.clone())
                .unwrap_or_default();
            let title = item["title"].as_str().unwrap_or_default().to_string();
            docs.push(Doc {
                title: title.clone(),
                body: description.clone(),
                ids: item["id"].as_str().unwrap_or_default().to_string(),
                entry: Entry {
                    t: title,
                    u: format!("{page_url}#{}", item["id"].as_str().unwrap_or_default()),
                    k: "roadmap_item",
                    d: None,
                    b: None,
                    s: summary(None, &description),
                    l: item["text_lang"]["lang"].as_str().map(str::to_string),
                },
            });
        }
    }
    for (d, &p) in reg.delivery_plans.iter().enumerate() {
        let value = crate::governance::view::delivery_plan(&view, d);
        let page_url = view.page(p).permalink.clone();
        for group in value["groups"].as_array().into_iter().flatten() {
            for project in group["projects"].as_array().into_iter().flatten() {
                let title = project["title"].as_str().unwrap_or_default().to_string();
                let body: String = ["description", "note", "actor"]
                    .iter()
                    .filter_map(|k| project[*k].as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                docs.push(Doc {
                    title: title.clone(),
                    body: body.clone(),
                    ids: String::new(),
                    entry: Entry {
                        t: title,
                        u: format!("{page_url}#{}", project["id"].as_str().unwrap_or_default()),
                        k: "project",
                        d: None,
                        b: None,
                        s: summary(None, &body),
                        l: project["text_lang"]["lang"].as_str().map(str::to_string),
                    },
                });
            }
        }
    }

    let types = TYPES
        .into_iter()
        .filter(|t| docs.iter().any(|d| d.entry.k == *t))
        .collect();
    let mut years: Vec<i32> = docs
        .iter()
        .filter_map(|d| d.entry.d.as_deref()?.get(..4)?.parse().ok())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    if !with_files {
        return LanguageIndex {
            lang: lang.to_string(),
            files: Vec::new(),
            types,
            years,
        };
    }
    let mut stop: Vec<&'static str> = stop_words(lang)
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    stop.sort_unstable();
    // The index elasticlunr-rs would build, built straight into the compact tries the split
    // works on.
    let values: Vec<Vec<&str>> = docs
        .iter()
        .map(|d| vec![d.title.as_str(), d.body.as_str(), d.ids.as_str()])
        .collect();
    let make_pipeline = || {
        use elasticlunr::lang::Language as _;
        SearchLanguage::new(lang).make_pipeline()
    };
    let mut whole = split::Whole::build(lang, &FIELDS, make_pipeline, tokenize, &values);
    let parts = split::split(&mut whole, split::PART_BYTES);
    let meta = Meta {
        version: &whole.version,
        fields: &whole.fields,
        reference: &whole.reference,
        pipeline: &whole.pipeline,
        length: docs.len(),
        lengths: FIELDS
            .iter()
            .map(|f| {
                let info = &whole.document_store.doc_info;
                let column = (0..docs.len())
                    .map(|n| {
                        info.get(&n.to_string())
                            .and_then(|d| d.get(*f))
                            .copied()
                            .unwrap_or(0)
                    })
                    .collect();
                (f.to_string(), column)
            })
            .collect(),
        stop,
        parts: parts
            .iter()
            .enumerate()
            .flat_map(|(n, (prefixes, _))| prefixes.iter().map(move |x| (x.clone(), n)))
            .collect(),
        docs: docs
            .iter()
            .map(|d| (d.entry.k, d.entry.d.as_deref(), d.entry.b.as_deref()))
            .collect(),
        chunk: SUMMARY_CHUNK,
    };
    let dir = format!("search/{lang}");
    let mut files = vec![(
        format!("{dir}/meta.json"),
        serde_json::to_vec(&meta).unwrap_or_default(),
    )];
    for (n, (_, bytes)) in parts.into_iter().enumerate() {
        files.push((format!("{dir}/terms-{n}.json"), bytes));
    }
    for (n, chunk) in docs.chunks(SUMMARY_CHUNK).enumerate() {
        let texts: Vec<TextRow<'_>> = chunk
            .iter()
            .map(|d| {
                let e = &d.entry;
                (e.t.as_str(), e.u.as_str(), e.s.as_str(), e.l.as_deref())
            })
            .collect();
        files.push((
            format!("{dir}/text-{n}.json"),
            serde_json::to_vec(&texts).unwrap_or_default(),
        ));
    }
    LanguageIndex {
        lang: lang.to_string(),
        files,
        types,
        years,
    }
}

/// Every way a case's ID is written (its body's formats), as the tokenizer normalises them, and
/// the case's meeting (`42-23`), so that `4-42/23`, `4/42-23` and `42/23` all find it.
fn case_ids(site: &Site, case: usize) -> String {
    let reg = &site.governance;
    let c = &reg.cases[case];
    let body = &reg.bodies[c.body];
    let mut ids: Vec<String> = [body.format.as_ref(), body.follow_up_format.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|f| tokenize(&f.write(c.numbers)))
        .collect();
    if let (Some(format), Some(meeting)) = (body.format.as_ref(), c.numbers.meeting) {
        ids.push(meeting_ids(format, meeting, c.numbers.year));
    }
    ids.dedup();
    ids.join(" ")
}

/// A meeting as case IDs name it: `42-23` for meeting 42 of 2023 (bodies whose IDs name the
/// meeting), nothing otherwise.
fn meeting_ids(format: &crate::governance::case_id::Format, number: u32, year: i32) -> String {
    if !format.has_meeting() {
        return String::new();
    }
    format!("{number}-{:02}", year.rem_euclid(100))
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
        assert_eq!(
            SearchLanguage::new("nb").pipeline_names(),
            ["styre-trimmer", "styre-stop-nb", "styre-stem-nb"]
        );
        assert_eq!(
            SearchLanguage::new("se").pipeline_names(),
            ["styre-trimmer", "styre-stop-se"]
        );
        use elasticlunr::lang::Language as _;
        let nb = SearchLanguage::new("nb").make_pipeline();
        assert_eq!(
            nb.run(tokenize("Møtene og vedtakene i sak 4-42/23")),
            ["møt", "vedtak", "sak", "4-42-23"]
        );
    }
}
