//! The output abstraction and phase 4, **write**: the only code that touches the output folder.
//!
//! The render phase produces an [`Output`]: a sorted map from output path to bytes (or to a file
//! to copy, or a mark that the file is written already). `serve` keeps it in memory; `build`
//! writes it through a [`Staging`] folder:
//!
//! 1. refuse an output folder that styre did not write (no marker file), unless `--force`, and
//!    always refuse folders that hold the site itself;
//! 2. write everything into a fresh folder beside the target (`.public.styre-new-<pid>`):
//!    `build` writes each page there as soon as it is rendered ([`Staging::write`]), then the
//!    rest ([`Staging::write_output`]);
//! 3. swap it in with one atomic rename (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two
//!    renames), then delete the old tree.
//!
//! A build that fails or is killed before step 3 leaves the previous output exactly as it was;
//! the next build removes the stale staging folder.
//!
//! Here: [`Output`] and [`OutputFile`]. Step 1 is in `guard.rs` ([`check_target`]); steps 2
//! and 3, with the lock that lets one build at a time replace a folder, in `staging.rs`.

// The one module that writes files (ARCHITECTURE.md, Invariants; clippy.toml); here,
// `Output::read` reads copied files.
#![allow(clippy::disallowed_methods)]

pub mod create;
mod guard;
mod staging;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use guard::{canonical, check_target};
pub use staging::{OutputLock, Staging};

/// The marker file styre writes at the top of every output folder it creates.
pub const MARKER: &str = ".styre-output";
const MARKER_TEXT: &str = "This folder was written by styre; `styre build` replaces it whole.\n";

/// One file of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    /// Bytes rendered by styre.
    Bytes(Vec<u8>),
    /// A file copied as it is (static files, bundle assets).
    Copy(PathBuf),
    /// Written to the output folder while the site was rendered (`styre build` writes pages
    /// as they are made); the bytes are not kept.
    Written,
}

/// The whole built site, in memory: output path (`/`-separated, relative) → file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, OutputFile>,
}

impl Output {
    pub fn insert_bytes(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files
            .insert(path.into(), OutputFile::Bytes(bytes.into()));
    }

    pub fn insert_copy(&mut self, path: impl Into<String>, source: PathBuf) {
        self.files.insert(path.into(), OutputFile::Copy(source));
    }

    /// The file served for a URL path: `/a/b/` → `a/b/index.html`.
    pub fn lookup(&self, url_path: &str) -> Option<(&str, &OutputFile)> {
        let path = url_path.trim_start_matches('/');
        let candidates = if path.is_empty() || path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![path.to_string(), format!("{path}/index.html")]
        };
        candidates
            .into_iter()
            .find_map(|c| self.files.get_key_value(c.as_str()))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Reads a file's bytes, whether rendered or copied.
    pub fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(OutputFile::Bytes(b)) => Ok(b.clone()),
            Some(OutputFile::Copy(src)) => std::fs::read(src),
            Some(OutputFile::Written) => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} was written to the output folder, not kept"),
            )),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} is not in the output"),
            )),
        }
    }
}

pub use crate::site::url::file_for;

/// Why an output folder cannot be written.
#[derive(Debug)]
pub enum PublishError {
    /// The folder exists and was not written by styre (or is a folder styre must never replace).
    Refused(String),
    /// An I/O operation failed; the message names the path and the action.
    Io(String),
}

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishError::Refused(m) | PublishError::Io(m) => f.write_str(m),
        }
    }
}

fn io_err(action: &str, path: &Path, e: std::io::Error) -> PublishError {
    PublishError::Io(format!("cannot {action} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output of `files` (path, text).
    pub(super) fn output(files: &[(&str, &str)]) -> Output {
        let mut o = Output::default();
        for (p, t) in files {
            o.insert_bytes(*p, t.as_bytes());
        }
        o
    }

    #[test]
    fn lookup_maps_urls_to_files() {
        let o = output(&[("index.html", "h"), ("a/index.html", "a"), ("x.css", "c")]);
        assert_eq!(o.lookup("/").unwrap().0, "index.html");
        assert_eq!(o.lookup("/a/").unwrap().0, "a/index.html");
        assert_eq!(o.lookup("/a").unwrap().0, "a/index.html");
        assert_eq!(o.lookup("/x.css").unwrap().0, "x.css");
        assert!(o.lookup("/nope/").is_none());
    }
}
