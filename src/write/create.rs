//! Files styre creates in a site's own folders, not in the output: `styre init` and
//! `styre new meeting`. A file is always created new, never replaced.

use std::io::Write as _;
use std::path::Path;

/// Creates `path` (and the folders above it) holding `text`; an existing file is an
/// `AlreadyExists` error and is left as it is.
pub fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// Creates the folder `path` and the folders above it.
pub fn create_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)
}

/// Whether `dir` is missing or an empty folder.
pub fn is_missing_or_empty(dir: &Path) -> std::io::Result<bool> {
    if !dir.exists() {
        return Ok(true);
    }
    Ok(std::fs::read_dir(dir)?.next().is_none())
}
