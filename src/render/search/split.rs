//! Splits a language's elasticlunr index into parts by term prefix, so that a query downloads
//! only the parts its terms need (docs/search.md). Every part is itself an index in
//! elasticlunr's format (same fields, ref, pipeline, version; the tries of its prefixes only);
//! the document statistics every part needs (`docInfo`, the number of documents) travel once,
//! in the language's `meta.json`.
//!
//! elasticlunr-rs keeps its tries private, so [`Whole::build`] indexes the documents as it
//! does, straight into a compact [`Trie`] (a few words per node, where a `serde_json::Value`
//! tree costs several hundred bytes), and the parts are written from that with every object's
//! keys sorted (`df`, `docs` and the child characters in one order), as a `serde_json::Value`
//! of elasticlunr-rs's index would write them: the same bytes the parts had when they were cut
//! from such a `Value`.

use std::collections::{BTreeMap, HashMap};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Roughly how many bytes of JSON a part may hold before its prefixes are split further.
pub const PART_BYTES: usize = 96 * 1024;
/// Prefixes are split to at most this many characters.
const MAX_DEPTH: usize = 3;

/// A node of elasticlunr's term trie: the postings of the term spelled by the path to it
/// (document ref → term frequency, in the order elasticlunr writes them), its document
/// frequency, and the nodes below it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Trie {
    docs: Vec<(String, f64)>,
    df: i64,
    children: BTreeMap<char, Trie>,
}

/// `{"tf": x}`, elasticlunr's posting.
#[derive(Serialize, Deserialize)]
struct Tf {
    tf: f64,
}

struct Postings<'a>(&'a [(String, f64)]);

impl Serialize for Postings<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(Some(self.0.len()))?;
        for (doc, tf) in self.0 {
            map.serialize_entry(doc, &Tf { tf: *tf })?;
        }
        map.end()
    }
}

impl Serialize for Trie {
    /// As a JSON object with sorted keys: `df`, `docs` and one key per child character.
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        enum Entry<'a> {
            Df,
            Docs,
            Child(&'a Trie),
        }
        let mut keys: Vec<(String, Entry)> =
            vec![("df".into(), Entry::Df), ("docs".into(), Entry::Docs)];
        keys.extend(
            self.children
                .iter()
                .map(|(c, t)| (c.to_string(), Entry::Child(t))),
        );
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let mut map = ser.serialize_map(Some(keys.len()))?;
        for (key, entry) in &keys {
            match entry {
                Entry::Df => map.serialize_entry(key, &self.df)?,
                Entry::Docs => map.serialize_entry(key, &Postings(&self.docs))?,
                Entry::Child(t) => map.serialize_entry(key, t)?,
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Trie {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Trie, D::Error> {
        struct TrieVisitor;
        impl<'de> Visitor<'de> for TrieVisitor {
            type Value = Trie;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an elasticlunr trie node")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Trie, A::Error> {
                let mut node = Trie::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "docs" => {
                            let docs: BTreeMap<String, Tf> = map.next_value()?;
                            node.docs = docs.into_iter().map(|(d, t)| (d, t.tf)).collect();
                        }
                        "df" => node.df = map.next_value()?,
                        _ => {
                            let mut chars = key.chars();
                            let (Some(c), None) = (chars.next(), chars.next()) else {
                                return Err(de::Error::custom(format!("trie key {key:?}")));
                            };
                            node.children.insert(c, map.next_value()?);
                        }
                    }
                }
                Ok(node)
            }
        }
        de.deserialize_map(TrieVisitor)
    }
}

impl Trie {
    fn node(&self, prefix: &str) -> Option<&Trie> {
        let mut n = self;
        for ch in prefix.chars() {
            n = n.children.get(&ch)?;
        }
        Some(n)
    }

    /// Moves `unit` of this trie into `to`, creating the path to it.
    fn move_unit(&mut self, to: &mut Trie, unit: &Unit) {
        let mut source = self;
        for ch in unit.prefix.chars() {
            match source.children.get_mut(&ch) {
                Some(next) => source = next,
                None => return,
            }
        }
        let mut target = to;
        for ch in unit.prefix.chars() {
            target = target.children.entry(ch).or_default();
        }
        if unit.exact {
            target.docs = std::mem::take(&mut source.docs);
            target.df = std::mem::take(&mut source.df);
        } else {
            *target = std::mem::take(source);
        }
    }
}

/// A field of a document, indexed: its number of terms, and each distinct term with its count.
type FieldTerms = (usize, Vec<(String, u32)>);

/// A whole elasticlunr index as elasticlunr-rs writes it, with the tries read into [`Trie`]s.
#[derive(Deserialize)]
pub struct Whole {
    pub version: String,
    pub fields: Vec<String>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub pipeline: Vec<String>,
    #[serde(default)]
    pub lang: Option<String>,
    index: BTreeMap<String, Field>,
    #[serde(rename = "documentStore")]
    pub document_store: Store,
}

#[derive(Deserialize)]
struct Field {
    root: Trie,
}

#[derive(Deserialize)]
pub struct Store {
    pub length: usize,
    /// Document ref → field → number of terms.
    #[serde(rename = "docInfo")]
    pub doc_info: HashMap<String, HashMap<String, u64>>,
}

impl Whole {
    /// Reads an index as elasticlunr-rs writes it, however deep its tries (the tests compare
    /// [`Whole::build`] with it).
    #[cfg(test)]
    pub fn read(bytes: &[u8]) -> serde_json::Result<Whole> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        de.disable_recursion_limit();
        let whole = Whole::deserialize(&mut de)?;
        de.end()?;
        Ok(whole)
    }

    /// Indexes `docs` (each a value per field, the document's ref its position) as
    /// elasticlunr-rs's `Index::add_doc` would, straight into tries: every field's text is
    /// tokenized and run through the pipeline, the field's length is the number of tokens,
    /// and each distinct token gets a posting with `tf` = √count, its node's `df` one more.
    /// The same index as elasticlunr-rs writes and [`Whole::read`] reads, without the trip
    /// through JSON (tests/search.rs and this module's tests compare the two).
    pub fn build<F, P>(
        lang: &str,
        fields: &[&str],
        make_pipeline: P,
        tokenize: F,
        docs: &[Vec<&str>],
    ) -> Whole
    where
        F: Fn(&str) -> Vec<String> + Sync,
        P: Fn() -> elasticlunr::pipeline::Pipeline + Sync,
    {
        use rayon::prelude::*;
        // Terms and their counts per document and field (the costly part, in parallel; a
        // pipeline per thread, as its functions need not be shareable).
        let counted: Vec<Vec<FieldTerms>> = docs
            .par_iter()
            .map_init(&make_pipeline, |pipeline, values| {
                values
                    .iter()
                    .map(|value| {
                        let tokens = pipeline.run(tokenize(value));
                        let length = tokens.len();
                        // (In any order: each term has its own node.)
                        let mut counts: HashMap<String, u32> = HashMap::new();
                        for token in tokens {
                            *counts.entry(token).or_insert(0) += 1;
                        }
                        (length, counts.into_iter().collect())
                    })
                    .collect()
            })
            .collect();
        // elasticlunr keeps postings in a map by ref, written in the refs' string order
        // ("10" before "2"): add the documents in that order.
        let mut order: Vec<(String, usize)> = (0..docs.len()).map(|n| (n.to_string(), n)).collect();
        order.sort_unstable();
        let mut roots: Vec<Trie> = fields.iter().map(|_| Trie::default()).collect();
        let mut doc_info = HashMap::with_capacity(docs.len());
        for (reference, n) in order {
            let mut info = HashMap::with_capacity(fields.len());
            for (f, (length, counts)) in counted[n].iter().enumerate() {
                let (Some(field), Some(root)) = (fields.get(f), roots.get_mut(f)) else {
                    continue;
                };
                info.insert(field.to_string(), *length as u64);
                for (token, count) in counts {
                    if token.is_empty() {
                        continue;
                    }
                    let mut node = &mut *root;
                    for ch in token.chars() {
                        node = node.children.entry(ch).or_default();
                    }
                    node.df += 1;
                    node.docs
                        .push((reference.clone(), f64::from(*count).sqrt()));
                }
            }
            doc_info.insert(reference, info);
        }
        Whole {
            version: "0.9.5".into(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            reference: "id".into(),
            pipeline: make_pipeline().queue.iter().map(|f| f.name()).collect(),
            lang: Some(lang.into()),
            index: fields
                .iter()
                .zip(roots)
                .map(|(f, root)| (f.to_string(), Field { root }))
                .collect(),
            document_store: Store {
                length: docs.len(),
                doc_info,
            },
        }
    }
}

/// A part's index as elasticlunr lays it out (keys sorted, as `serde_json` writes a map).
#[derive(Serialize)]
struct PartIndex<'a> {
    #[serde(rename = "documentStore")]
    document_store: Value,
    fields: &'a [String],
    index: BTreeMap<&'a str, BTreeMap<&'static str, Trie>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    pipeline: &'a [String],
    #[serde(rename = "ref")]
    reference: &'a str,
    version: &'a str,
}

/// The tries of `whole`, split into parts of about `limit` bytes; each part's index is written
/// as JSON (`bytes`). The tries are moved into the parts, not copied.
pub fn split(whole: &mut Whole, limit: usize) -> Vec<(Vec<String>, Vec<u8>)> {
    let fields = whole.fields.clone();
    // The size of every subtree down to the deepest split, measured in one walk per field.
    let mut sizes: HashMap<String, usize> = HashMap::new();
    let mut own: HashMap<String, usize> = HashMap::new();
    for f in &fields {
        if let Some(field) = whole.index.get(f) {
            measure(&field.root, &mut String::new(), &mut sizes, &mut own);
        }
    }
    let mut units = Vec::new();
    {
        let roots: Vec<&Trie> = fields
            .iter()
            .filter_map(|f| whole.index.get(f).map(|x| &x.root))
            .collect();
        plan(&roots, &sizes, &own, String::new(), limit, &mut units);
    }

    // Pack units, in prefix order, into parts of about `limit` bytes.
    let mut parts: Vec<(Vec<Unit>, usize)> = Vec::new();
    for unit in units {
        match parts.last_mut() {
            Some((list, size)) if *size + unit.size <= limit => {
                *size += unit.size;
                list.push(unit);
            }
            _ => {
                let size = unit.size;
                parts.push((vec![unit], size));
            }
        }
    }
    let store = json!({
        "save": false,
        "docs": {},
        "docInfo": {},
        "length": whole.document_store.length,
    });
    parts
        .into_iter()
        .map(|(units, _)| {
            let mut index = BTreeMap::new();
            for field in &fields {
                let mut root = Trie::default();
                if let Some(from) = whole.index.get_mut(field) {
                    for unit in &units {
                        from.root.move_unit(&mut root, unit);
                    }
                }
                index.insert(field.as_str(), BTreeMap::from([("root", root)]));
            }
            let part = PartIndex {
                document_store: store.clone(),
                fields: &fields,
                index,
                lang: whole.lang.as_deref(),
                pipeline: &whole.pipeline,
                reference: &whole.reference,
                version: &whole.version,
            };
            (
                units.into_iter().map(|u| u.prefix).collect(),
                serde_json::to_vec(&part).unwrap_or_default(),
            )
        })
        .collect()
}

/// A piece of the tries: the whole subtree under `prefix`, or (`exact`) only the postings of
/// the term `prefix` itself (when its subtree was split further).
struct Unit {
    prefix: String,
    exact: bool,
    size: usize,
}

/// Measures, in one walk, the JSON size of every subtree whose prefix is at most `MAX_DEPTH`
/// characters long (`sizes`), and of each such node's own postings (`own`); returns the size of
/// the subtree at `node`. Sizes add up over fields.
fn measure(
    node: &Trie,
    prefix: &mut String,
    sizes: &mut HashMap<String, usize>,
    own: &mut HashMap<String, usize>,
) -> usize {
    let postings = serde_json::to_vec(&Postings(&node.docs)).map_or(0, |s| s.len()) + 16;
    let mut total = postings;
    let depth = prefix.chars().count();
    for (ch, child) in &node.children {
        let len = prefix.len();
        prefix.push(*ch);
        total += ch.len_utf8() + 3 + measure(child, prefix, sizes, own);
        prefix.truncate(len);
    }
    if depth <= MAX_DEPTH {
        *sizes.entry(prefix.clone()).or_default() += total;
        *own.entry(prefix.clone()).or_default() += postings;
    }
    total
}

fn plan(
    roots: &[&Trie],
    sizes: &HashMap<String, usize>,
    own: &HashMap<String, usize>,
    prefix: String,
    limit: usize,
    out: &mut Vec<Unit>,
) {
    let size = sizes.get(&prefix).copied().unwrap_or(0);
    if !prefix.is_empty() && (size <= limit || prefix.chars().count() >= MAX_DEPTH) {
        out.push(Unit {
            prefix,
            exact: false,
            size,
        });
        return;
    }
    // Split: the term itself, then each child, in character order.
    if !prefix.is_empty() {
        out.push(Unit {
            prefix: prefix.clone(),
            exact: true,
            size: own.get(&prefix).copied().unwrap_or(0),
        });
    }
    let mut next: Vec<char> = roots
        .iter()
        .filter_map(|r| r.node(&prefix))
        .flat_map(|n| n.children.keys().copied())
        .collect();
    next.sort_unstable();
    next.dedup();
    for ch in next {
        plan(roots, sizes, own, format!("{prefix}{ch}"), limit, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_node() -> Value {
        json!({ "docs": {}, "df": 0 })
    }

    fn trie(terms: &[(&str, &str)]) -> Value {
        let mut root = empty_node();
        for (term, doc) in terms {
            let mut n = &mut root;
            for ch in term.chars() {
                let key = ch.to_string();
                if n.get(&key).is_none() {
                    n[key.as_str()] = empty_node();
                }
                n = &mut n[key.as_str()];
            }
            n["docs"][*doc] = json!({"tf": 1.0});
            n["df"] = json!(n["docs"].as_object().unwrap().len());
        }
        root
    }

    fn merge(into: &mut Value, from: &Value) {
        for (k, v) in from.as_object().unwrap() {
            if k == "docs" || k == "df" {
                if !v.as_object().is_some_and(|o| o.is_empty()) && v != &json!(0) {
                    into[k.as_str()] = v.clone();
                }
            } else {
                if into.get(k).is_none() {
                    into[k.as_str()] = empty_node();
                }
                merge(&mut into[k.as_str()], v);
            }
        }
    }

    #[test]
    fn parts_merge_back_into_the_whole_index() {
        let terms: Vec<(String, String)> = (0..400)
            .map(|i| {
                (
                    format!("s{}{}", (b'a' + (i % 26) as u8) as char, i),
                    format!("{}", i % 7),
                )
            })
            .chain((0..50).map(|i| (format!("b{i}"), "1".to_string())))
            .chain([("s".to_string(), "3".to_string())])
            .collect();
        let borrowed: Vec<(&str, &str)> = terms
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let index = json!({
            "version": "0.9.5", "fields": ["body"], "ref": "id", "pipeline": [],
            "documentStore": {"save": false, "docs": {}, "docInfo": {}, "length": 7},
            "index": {"body": {"root": trie(&borrowed)}},
        });
        let whole = index.clone();
        let mut read: Whole = serde_json::from_value(index).unwrap();
        let parts: Vec<(Vec<String>, Value)> = split(&mut read, 2_000)
            .into_iter()
            .map(|(prefixes, bytes)| (prefixes, serde_json::from_slice(&bytes).unwrap()))
            .collect();
        assert!(parts.len() > 3, "small parts: {}", parts.len());
        let mut merged = empty_node();
        for (_, p) in &parts {
            assert_eq!(p["version"], "0.9.5");
            assert_eq!(p["documentStore"]["length"], 7);
            merge(&mut merged, &p["index"]["body"]["root"]);
        }
        assert_eq!(merged, whole["index"]["body"]["root"]);
        // The term "s" itself is in the part of its split prefix.
        let s_parts: Vec<&Value> = parts
            .iter()
            .filter(|(prefixes, _)| prefixes.iter().any(|x| x == "s"))
            .map(|(_, p)| p)
            .collect();
        assert_eq!(s_parts.len(), 1);
        assert!(s_parts[0]["index"]["body"]["root"]["s"]["docs"]["3"].is_object());
    }

    #[test]
    fn a_trie_writes_what_a_value_of_the_index_writes() {
        use elasticlunr::{Index, IndexBuilder};
        let mut index: Index = IndexBuilder::new()
            .save_docs(false)
            .add_fields(&["body"])
            .build();
        let long = "x".repeat(300);
        for (n, text) in [
            "møte plan 4-42-23",
            "møter planer",
            long.as_str(),
            "ab abc abd b",
            "plan plan plan",
        ]
        .iter()
        .enumerate()
        {
            index.add_doc(&n.to_string(), [*text]);
        }
        let bytes = serde_json::to_vec(&index).unwrap();
        let value: Value = {
            let mut de = serde_json::Deserializer::from_slice(&bytes);
            de.disable_recursion_limit();
            Value::deserialize(&mut de).unwrap()
        };
        let whole = Whole::read(&bytes).expect("a 300-character term is read");
        let root = &whole.index["body"].root;
        assert_eq!(
            serde_json::to_string(root).unwrap(),
            serde_json::to_string(&value["index"]["body"]["root"]).unwrap()
        );
        assert_eq!(root.node(&long).map(|n| n.df), Some(1));
    }
}
