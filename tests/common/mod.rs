//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether expected files should be rewritten from the actual output (`STYRE_BLESS=1`).
pub fn bless() -> bool {
    std::env::var_os("STYRE_BLESS").is_some_and(|v| v == "1")
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real `styre` binary.
pub fn styre(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styre"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run styre")
}

/// Runs `styre build --root ROOT --output-dir OUT`.
pub fn build_into(root: &Path, out: &Path) -> Output {
    styre(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
    ])
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` (relative path → bytes), sorted.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Copies a folder recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in read_tree(from) {
        let dest = to.join(&rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// Writes `files` (relative path → text) under `root`.
pub fn write_site(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A copy of the bundled portal (config, content, theme, site strings) in a temporary folder;
/// with `minified = false` the HTML is written unminified, so tests can quote it.
pub fn portal_copy(minified: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = manifest_dir();
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    let config = if minified {
        config
    } else {
        format!("minify_html = false\n{config}")
    };
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    for sub in ["content", "themes", "static", "i18n"] {
        if root.join(sub).is_dir() {
            copy_tree(&root.join(sub), &dir.path().join(sub));
        }
    }
    dir
}
