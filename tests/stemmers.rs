//! The browser's stemmers (`src/builtin/search/stem-*.js`) against rust-stemmers, which stems
//! the index: every word of the Snowball vocabulary that rust-stemmers ships for the language
//! (tens of thousands per language, read from the crate's own folder) must get the same stem in
//! JavaScript, run by Node.

use std::path::PathBuf;
use std::process::Command;

use rust_stemmers::{Algorithm, Stemmer};

/// The folder of the rust-stemmers crate this build uses, from `cargo metadata`.
fn rust_stemmers_dir() -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "rust-stemmers")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("rust-stemmers is a dependency");
    PathBuf::from(manifest).parent().unwrap().to_path_buf()
}

fn check(module: &str, algorithm: Algorithm, vocabulary: &str) {
    let words = std::fs::read_to_string(rust_stemmers_dir().join("test_data").join(vocabulary))
        .unwrap_or_else(|e| panic!("{vocabulary}: {e}"));
    let words: Vec<&str> = words.lines().filter(|w| !w.is_empty()).collect();
    assert!(words.len() > 10_000, "{vocabulary} is a large list");
    let stemmer = Stemmer::create(algorithm);
    let pairs: Vec<(String, String)> = words
        .iter()
        .map(|w| (w.to_string(), stemmer.stem(w).into_owned()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pairs.json");
    std::fs::write(&data, serde_json::to_vec(&pairs).unwrap()).unwrap();
    let module = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/builtin/search")
        .join(module);
    let script = format!(
        "import {{ stem }} from {module:?};\n\
         import {{ readFileSync }} from 'node:fs';\n\
         const pairs = JSON.parse(readFileSync({data:?}, 'utf8'));\n\
         const bad = pairs.filter(([w, s]) => stem(w) !== s);\n\
         console.log(JSON.stringify({{ total: pairs.length, bad: bad.slice(0, 20).map(([w, s]) => [w, s, stem(w)]), count: bad.length }}));\n",
        module = format!("file://{}", module.display()),
        data = data.display().to_string(),
    );
    let out = Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("Node.js is needed for this test (the CI installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["total"], words.len());
    assert_eq!(
        result["count"], 0,
        "{module:?} differs from rust-stemmers (word, rust, js): {}",
        result["bad"]
    );
}

#[test]
fn norwegian() {
    check("stem-no.js", Algorithm::Norwegian, "voc_no.txt");
}

#[test]
fn english() {
    check("stem-en.js", Algorithm::English, "voc_en.txt");
}

#[test]
fn russian() {
    check("stem-ru.js", Algorithm::Russian, "voc_ru.txt");
}

#[test]
fn arabic() {
    check("stem-ar.js", Algorithm::Arabic, "voc_ar.txt");
}
