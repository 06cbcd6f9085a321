//! Splits a language's elasticlunr index into parts by term prefix, so that a query downloads
//! only the parts its terms need (docs/search.md). Every part is itself an index in
//! elasticlunr's format (same fields, ref, pipeline, version; the tries of its prefixes only);
//! the document statistics every part needs (`docInfo`, the number of documents) travel once,
//! in the language's `meta.json`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

/// Roughly how many bytes of JSON a part may hold before its prefixes are split further.
pub const PART_BYTES: usize = 96 * 1024;
/// Prefixes are split to at most this many characters.
const MAX_DEPTH: usize = 3;

/// One part: the term prefixes it holds and its index file.
pub struct Part {
    pub prefixes: Vec<String>,
    pub index: Value,
}

/// The tries of `index` (the whole index as JSON), split into parts of about `limit` bytes. The
/// tries are moved into the parts, not copied: `index` keeps its settings and `documentStore`.
pub fn split(index: &mut Value, limit: usize) -> Vec<Part> {
    let fields: Vec<String> = index["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect();
    let roots: Vec<&Value> = fields
        .iter()
        .map(|f| &index["index"][f.as_str()]["root"])
        .collect();
    // The size of every subtree down to the deepest split, measured in one walk per field.
    let mut sizes: HashMap<String, usize> = HashMap::new();
    let mut own: HashMap<String, usize> = HashMap::new();
    for root in &roots {
        measure(root, &mut String::new(), &mut sizes, &mut own);
    }
    let mut units = Vec::new();
    plan(&roots, &sizes, &own, String::new(), limit, &mut units);
    let settings = {
        let mut v = Map::new();
        for key in ["version", "fields", "ref", "pipeline", "lang"] {
            if let Some(x) = index.get(key) {
                v.insert(key.into(), x.clone());
            }
        }
        v.insert(
            "documentStore".into(),
            json!({
                "save": false,
                "docs": {},
                "docInfo": {},
                "length": index["documentStore"]["length"],
            }),
        );
        v
    };

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
    parts
        .into_iter()
        .map(|(units, _)| {
            let mut part_index = Map::new();
            for field in &fields {
                let mut root = empty_node();
                let from = &mut index["index"][field.as_str()]["root"];
                for unit in &units {
                    move_unit(from, &mut root, unit);
                }
                part_index.insert(field.clone(), json!({ "root": root }));
            }
            let mut value = settings.clone();
            value.insert("index".into(), Value::Object(part_index));
            let value = Value::Object(value);
            Part {
                prefixes: units.iter().map(|u| u.prefix.clone()).collect(),
                index: value,
            }
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

fn empty_node() -> Value {
    json!({ "docs": {}, "df": 0 })
}

fn node<'v>(root: &'v Value, prefix: &str) -> Option<&'v Value> {
    let mut n = root;
    for ch in prefix.chars() {
        n = n.get(ch.to_string())?;
    }
    Some(n)
}

fn children(n: &Value) -> impl Iterator<Item = (&String, &Value)> {
    n.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "docs" && k.as_str() != "df")
}

fn size_of(v: &Value) -> usize {
    serde_json::to_string(v).map_or(0, |s| s.len())
}

/// Measures, in one walk, the JSON size of every subtree whose prefix is at most `MAX_DEPTH`
/// characters long (`sizes`), and of each such node's own postings (`own`); returns the size of
/// the subtree at `node`. Sizes add up over fields.
fn measure(
    node: &Value,
    prefix: &mut String,
    sizes: &mut HashMap<String, usize>,
    own: &mut HashMap<String, usize>,
) -> usize {
    let postings = size_of(&node["docs"]) + 16;
    let mut total = postings;
    let depth = prefix.chars().count();
    for (key, child) in children(node) {
        let len = prefix.len();
        prefix.push_str(key);
        total += key.len() + 3 + measure(child, prefix, sizes, own);
        prefix.truncate(len);
    }
    if depth <= MAX_DEPTH {
        *sizes.entry(prefix.clone()).or_default() += total;
        *own.entry(prefix.clone()).or_default() += postings;
    }
    total
}

fn plan(
    roots: &[&Value],
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
    let mut next: Vec<&String> = roots
        .iter()
        .filter_map(|r| node(r, &prefix))
        .flat_map(|n| children(n).map(|(k, _)| k))
        .collect();
    next.sort();
    next.dedup();
    for ch in next {
        plan(roots, sizes, own, format!("{prefix}{ch}"), limit, out);
    }
}

/// Moves `unit` of the trie `from` into the trie `to`, creating the path to it.
fn move_unit(from: &mut Value, to: &mut Value, unit: &Unit) {
    let mut source = from;
    for ch in unit.prefix.chars() {
        match source.get_mut(ch.to_string()) {
            Some(next) => source = next,
            None => return,
        }
    }
    let mut target = to;
    for ch in unit.prefix.chars() {
        let key = ch.to_string();
        if target.get(&key).is_none() {
            target[key.as_str()] = empty_node();
        }
        target = &mut target[key.as_str()];
    }
    if unit.exact {
        target["docs"] = source["docs"].take();
        target["df"] = source["df"].take();
    } else {
        *target = source.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut index = index;
        let parts = split(&mut index, 2_000);
        assert!(parts.len() > 3, "small parts: {}", parts.len());
        let mut merged = empty_node();
        for p in &parts {
            assert_eq!(p.index["version"], "0.9.5");
            assert_eq!(p.index["documentStore"]["length"], 7);
            merge(&mut merged, &p.index["index"]["body"]["root"]);
        }
        assert_eq!(merged, whole["index"]["body"]["root"]);
        // The term "s" itself is in the part of its split prefix.
        let s_parts: Vec<&Part> = parts
            .iter()
            .filter(|p| p.prefixes.iter().any(|x| x == "s"))
            .collect();
        assert_eq!(s_parts.len(), 1);
        assert!(s_parts[0].index["index"]["body"]["root"]["s"]["docs"]["3"].is_object());
    }
}
