//! The search index of every language, read back as a client would: the query is processed
//! with the same tokenizer and pipeline, its terms looked up in the index's tries, and the
//! documents found in the store.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use elasticlunr::lang::Language as _;
use serde_json::Value;
use styre::{SearchLanguage, tokenize};

use common::{stderr, styre, write_site};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

struct Search {
    index: Value,
    store: Vec<Value>,
    lang: String,
}

impl Search {
    /// Loads the language's `meta.json` and every part of its index, merged back into one
    /// elasticlunr index.
    fn load(public: &Path, lang: &str) -> Search {
        let dir = public.join("search").join(lang);
        let read = |name: &str| -> Value {
            serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
        };
        let meta = read("meta.json");
        let length = meta["length"].as_u64().unwrap() as usize;
        let doc_info: serde_json::Map<String, Value> = (0..length)
            .map(|n| {
                let info: serde_json::Map<String, Value> = ["title", "body", "ids"]
                    .iter()
                    .map(|f| (f.to_string(), meta["lengths"][*f][n].clone()))
                    .collect();
                (n.to_string(), Value::Object(info))
            })
            .collect();
        let mut index = serde_json::json!({
            "version": meta["version"], "fields": meta["fields"], "ref": meta["ref"],
            "pipeline": meta["pipeline"], "index": {},
            "documentStore": {"save": false, "docs": {}, "docInfo": doc_info, "length": length},
        });
        let parts: BTreeSet<u64> = meta["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[1].as_u64().unwrap())
            .collect();
        for field in meta["fields"].as_array().unwrap() {
            let field = field.as_str().unwrap();
            index["index"][field] = serde_json::json!({"root": {"docs": {}, "df": 0}});
        }
        for n in &parts {
            let part = read(&format!("terms-{n}.json"));
            assert_eq!(
                part["version"], "0.9.5",
                "every part is an elasticlunr index"
            );
            for field in meta["fields"].as_array().unwrap() {
                let field = field.as_str().unwrap();
                merge(
                    &mut index["index"][field]["root"],
                    &part["index"][field]["root"],
                );
            }
        }
        let chunk = meta["chunk"].as_u64().unwrap() as usize;
        let store: Vec<Value> = meta["docs"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let texts = read(&format!("text-{}.json", i / chunk));
                let row = &texts[i % chunk];
                serde_json::json!({
                    "k": d[0], "d": d[1], "b": d[2],
                    "t": row[0], "u": row[1], "s": row[2], "l": row[3],
                })
            })
            .collect();
        Search {
            index,
            store,
            lang: lang.into(),
        }
    }

    /// Refs of the documents whose `field` holds `term` exactly.
    fn docs(&self, field: &str, term: &str) -> BTreeSet<usize> {
        let mut node = &self.index["index"][field]["root"];
        for ch in term.chars() {
            node = &node[ch.to_string()];
            if node.is_null() {
                return BTreeSet::new();
            }
        }
        node["docs"]
            .as_object()
            .map(|d| d.keys().map(|k| k.parse().unwrap()).collect())
            .unwrap_or_default()
    }

    /// Titles of the documents holding every term of the query, in any field.
    fn query(&self, q: &str) -> Vec<String> {
        let terms = SearchLanguage::new(&self.lang)
            .make_pipeline()
            .run(tokenize(q));
        assert!(!terms.is_empty(), "{q} has no terms");
        let mut hits: Option<BTreeSet<usize>> = None;
        for term in &terms {
            let found: BTreeSet<usize> = ["title", "body", "ids"]
                .iter()
                .flat_map(|f| self.docs(f, term))
                .collect();
            hits = Some(match hits {
                None => found,
                Some(h) => h.intersection(&found).copied().collect(),
            });
        }
        hits.unwrap_or_default()
            .into_iter()
            .map(|i| self.store[i]["t"].as_str().unwrap().to_string())
            .collect()
    }

    /// The titles of documents whose `ids` field holds the query's identifier.
    fn by_id(&self, q: &str) -> Vec<String> {
        let terms = tokenize(q);
        let id = terms
            .iter()
            .find(|t| t.contains('-'))
            .expect("an identifier");
        self.docs("ids", id)
            .into_iter()
            .map(|i| self.store[i]["t"].as_str().unwrap().to_string())
            .collect()
    }
}

/// Merges the trie `from` into `into`; each term's postings are in exactly one part.
fn merge(into: &mut Value, from: &Value) {
    for (k, v) in from.as_object().unwrap() {
        match k.as_str() {
            "docs" if !v.as_object().unwrap().is_empty() => into["docs"] = v.clone(),
            "df" if v != &serde_json::json!(0) => into["df"] = v.clone(),
            "docs" | "df" => {}
            _ => {
                if into.get(k).is_none() {
                    into[k.as_str()] = serde_json::json!({"docs": {}, "df": 0});
                }
                merge(&mut into[k.as_str()], v);
            }
        }
    }
}

#[test]
fn the_portal_has_an_index_per_language_with_ids_findable() {
    let site = common::portal_copy(true);
    let out = styre(&["build", "--root", s(site.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    for lang in ["nb", "nn", "en", "se", "ar", "lt", "pl", "ru", "so", "uk"] {
        let search = Search::load(&public, lang);
        assert_eq!(search.index["version"], "0.9.5", "{lang}");
        assert_eq!(
            search.index["ref"], "id",
            "{lang}: refs are positions in the store"
        );
        let stemmed = ["nb", "nn", "en", "ru", "ar"].contains(&lang);
        let mut pipeline = vec!["styre-trimmer".to_string(), format!("styre-stop-{lang}")];
        if stemmed {
            pipeline.push(format!("styre-stem-{lang}"));
        }
        assert_eq!(
            search.index["pipeline"],
            serde_json::json!(pipeline),
            "{lang}"
        );
        assert!(
            search.index["documentStore"]["docs"]
                .as_object()
                .unwrap()
                .values()
                .all(|d| d.as_object().unwrap().is_empty()),
            "{lang}: no document bodies in the index"
        );
        // Every written form of a case ID finds the case, and the meeting that presents it.
        let (case, meeting) = if lang == "en" {
            (
                "4-42/23 Roadmap for Helsenorge",
                "Meeting 42 of the Helsenorge Product Board",
            )
        } else {
            (
                "4-42/23 Veikart for Helsenorge",
                "Møte 42 i Produktstyret Helsenorge",
            )
        };
        for q in ["4-42/23", "4/42-23", "sak 4-42/23"] {
            let mut found = search.by_id(q);
            found.sort();
            assert_eq!(found, [case, meeting], "{lang}: {q}");
        }
        let e_helse = search.by_id("12/21");
        assert_eq!(e_helse.len(), 2, "{lang}: {e_helse:?}");
        assert!(e_helse.iter().any(|t| t.starts_with("12/21 ")));
        // The meeting is found by its number, and so are all its cases: those put up for
        // decision stored first, so that they lead among equal scores.
        let by_meeting = search.by_id("42/23");
        let cases: Vec<&str> = by_meeting
            .iter()
            .filter_map(|t| t.split(' ').next().filter(|id| id.ends_with("-42/23")))
            .collect();
        assert_eq!(
            cases,
            [
                "4-42/23", "5-42/23", "6-42/23", "9-42/23", "1-42/23", "2-42/23", "3-42/23",
                "7-42/23", "8-42/23", "10-42/23"
            ],
            "{lang}"
        );
        assert!(
            by_meeting.iter().any(|t| t == meeting),
            "{lang}: {by_meeting:?}"
        );
    }

    // Words, stemmed where the language has a stemmer.
    let nb = Search::load(&public, "nb");
    let found = nb.query("veikartene");
    assert!(
        found.iter().any(|t| t == "4-42/23 Veikart for Helsenorge"),
        "{found:?}"
    );
    let en = Search::load(&public, "en");
    let found = en.query("roadmaps");
    assert!(
        found.iter().any(|t| t == "4-42/23 Roadmap for Helsenorge"),
        "{found:?}"
    );
    // Northern Sámi: the translated home page is found by its Sámi words.
    let se = Search::load(&public, "se");
    let found = se.query("geaidnokárta");
    assert!(!found.is_empty(), "a Sámi word finds the Sámi pages");

    // The store says what each result is, in the store's language.
    let store = &en.store;
    let case = store
        .iter()
        .find(|e| e["t"].as_str().unwrap().starts_with("4-42/23"))
        .unwrap();
    assert_eq!(case["k"], "case");
    assert_eq!(
        case["u"],
        "https://styre.example.no/en/product-board/cases/4-42-23/"
    );
    assert_eq!(case["d"], "2023-11-30");
    assert_eq!(case["b"], "produktstyret");
    let ar = Search::load(&public, "ar");
    let untranslated = ar
        .store
        .iter()
        .find(|e| e["t"].as_str().unwrap().starts_with("4-42/23"))
        .unwrap();
    assert_eq!(
        untranslated["l"], "nb",
        "the Norwegian text is marked as such"
    );
    assert!(ar.store.iter().any(|e| e["k"] == "roadmap_item"));
    assert!(ar.store.iter().any(|e| e["k"] == "project"));
}

#[test]
fn pages_can_stay_out_and_the_index_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_site(
        root,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            (
                "content/om.md",
                "+++\ntitle = \"Om styret\"\n+++\nStyret gir råd om digitale tjenester.\n",
            ),
            (
                "content/skjult.md",
                "+++\ntitle = \"Internt\"\nin_search_index = false\n+++\nHemmelige planer.\n",
            ),
        ],
    );
    let out = styre(&["build", "--root", s(root)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let nb = Search::load(&root.join("public"), "nb");
    assert_eq!(
        nb.query("tjenestene"),
        ["Om styret"],
        "stemmed: tjenester ~ tjenestene"
    );
    assert!(
        nb.query("planer").is_empty(),
        "in_search_index = false keeps a page out"
    );
    assert!(
        nb.docs("body", "og").is_empty() && nb.docs("body", "om").is_empty(),
        "stop words are not indexed"
    );

    for file in ["sok/index.html", "styre-search.js", "styre-stem-no.js"] {
        assert!(
            root.join("public").join(file).is_file(),
            "{file} with search on"
        );
    }
    std::fs::write(
        root.join("config.toml"),
        "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\nbuild_search_index = false\n",
    )
    .unwrap();
    let out = styre(&["build", "--root", s(root)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!root.join("public/search").exists(), "no index");
    assert!(!root.join("public/sok").exists(), "no search page");
    assert!(!root.join("public/styre-search.js").exists(), "no client");
}

/// A 10,000-letter word once overflowed the stack while its trie was measured (`check` passed,
/// `build` aborted): terms are cut to `MAX_TERM_CHARS` (64) characters, and the whole word, cut
/// the same way as a query, still finds its page.
#[test]
fn a_very_long_word_is_indexed_cut_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let word = "a".repeat(10_000);
    let page = format!("+++\ntitle = \"Langt ord\"\n+++\nOrdet {word} er langt.\n");
    write_site(
        root,
        &[
            (
                "config.toml",
                "base_url = \"https://x.example.no\"\ntitle = \"Styret\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Styret\"\n+++\n"),
            ("content/langt.md", &page),
        ],
    );
    let out = styre(&["build", "--root", s(root)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let nb = Search::load(&root.join("public"), "nb");
    assert_eq!(nb.query(&word), ["Langt ord"]);
    assert_eq!(nb.docs("body", &"a".repeat(64)).len(), 1);
    assert!(nb.docs("body", &"a".repeat(65)).is_empty());
}

/// The browser's tokenizer (`src/builtin/styre-search.js`, run by Node) gives the tokens the
/// index side gives, long ones cut at the same code point (not UTF-16 unit).
#[test]
fn the_client_tokenizes_as_the_index_side() {
    let inputs: Vec<String> = vec![
        "Sak 4-42/23 og 12/21.".into(),
        "a".repeat(100),
        "ø".repeat(70),
        // Outside the Basic Multilingual Plane: two UTF-16 units a letter.
        "\u{10400}".repeat(100),
        // Combining marks: the cut may fall between a letter and its mark, the same on both sides.
        "e\u{301}".repeat(40),
        format!("İ{}", "x".repeat(80)),
        vec!["12"; 40].join("/"),
    ];
    let expected: Vec<Vec<String>> = inputs.iter().map(|i| tokenize(i)).collect();
    let module = common::manifest_dir().join("src/builtin/styre-search.js");
    let script = format!(
        "import {{ tokenize }} from {module:?};\n\
         console.log(JSON.stringify({inputs}.map(tokenize)));\n",
        module = format!("file://{}", module.display()),
        inputs = serde_json::to_string(&inputs).unwrap(),
    );
    let out = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("Node.js is needed for this test (the CI installs it)");
    assert!(out.status.success(), "{}", stderr(&out));
    let actual: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(actual, expected);
    assert_eq!(expected[3][0].chars().count(), 64);
}
