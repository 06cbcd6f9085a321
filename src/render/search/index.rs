//! The files of a language's search index (render phase), from its documents: the filters the
//! search page offers (types, years), the index built and split by term prefix
//! (`terms-<n>.json`), `meta.json`, and the chunks of what results show (`text-<n>.json`).

use serde::Serialize;

use super::{Doc, FIELDS, SUMMARY_CHUNK, SearchLanguage, TYPES, split, stop_words, tokenize};

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

/// The types of the documents, in [`TYPES`] order, and the years of the dated ones, newest
/// first.
pub(crate) fn facets(docs: &[Doc]) -> (Vec<&'static str>, Vec<i32>) {
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
    (types, years)
}

/// The files under `/search/<lang>/`: `meta.json`, `terms-<n>.json`, `text-<n>.json`.
pub(crate) fn files(lang: &str, docs: &[Doc]) -> Vec<(String, Vec<u8>)> {
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
    let meta = meta(lang, docs, &whole, &parts);
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
    files
}

/// The language's `meta.json`, from the built index and its parts.
fn meta<'a>(
    lang: &str,
    docs: &'a [Doc],
    whole: &'a split::Whole,
    parts: &[(Vec<String>, Vec<u8>)],
) -> Meta<'a> {
    let mut stop: Vec<&'static str> = stop_words(lang)
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    stop.sort_unstable();
    Meta {
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
    }
}
