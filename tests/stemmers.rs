//! The browser's stemmers (`src/builtin/search/stem-*.js`) against rust-stemmers, which stems
//! the index: every word of the Snowball vocabulary that rust-stemmers ships for the language
//! (tens of thousands per language, read from the crate's own folder) must get the same stem in
//! JavaScript, run by Node.

// Tests build fixture sites and read what they write.
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;
use std::process::Command;

use rust_stemmers::{Algorithm, Stemmer};

/// The folder of the rust-stemmers crate this build uses: its version from `Cargo.lock`, its
/// sources where Cargo unpacked them (`$CARGO_HOME/registry/src/<index>/rust-stemmers-<version>`).
/// No `cargo metadata`: that resolves the packages of every platform and so needs the network
/// for crates this build never downloads.
fn rust_stemmers_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("read Cargo.lock");
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"rust-stemmers\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .expect("rust-stemmers is in Cargo.lock");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let name = format!("rust-stemmers-{version}");
    std::fs::read_dir(home.join("registry/src"))
        .expect("Cargo's registry sources")
        .filter_map(Result::ok)
        .map(|index| index.path().join(&name))
        .find(|dir| dir.join("test_data").is_dir())
        .unwrap_or_else(|| panic!("{name} is unpacked under {}", home.display()))
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
