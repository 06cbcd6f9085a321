//! The output abstraction and phase 4, **write**: the only code that touches the output folder.
//!
//! The render phase produces an [`Output`]: a sorted map from output path to bytes (or to a file
//! to copy, or a mark that the file is written already). `serve` keeps it in memory; `build`
//! writes it through a [`Staging`] folder (and [`publish`] does the same for an `Output` in
//! memory):
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

// The one module that writes files (ARCHITECTURE.md, Invariants; clippy.toml).
#![allow(clippy::disallowed_methods)]

pub mod create;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

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

/// `path` made absolute with every symbolic link of its existing part resolved, and `.` and
/// `..` taken out (lexically past the part that does not exist yet: a folder that does not
/// exist cannot be a link).
pub fn canonical(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    // Whether `resolved` still exists on disk (and is canonical so far).
    let mut on_disk = true;
    for component in abs.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
                // Back from a part that does not exist to one that may.
                on_disk = on_disk || std::fs::symlink_metadata(&resolved).is_ok();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if on_disk {
                    match resolved.canonicalize() {
                        Ok(c) => resolved = c,
                        Err(_) => on_disk = false,
                    }
                }
            }
        }
    }
    resolved
}

/// Why a folder may never be replaced, even with `--force`, or `None`.
fn protected(target: &Path, root: &Path, home: Option<&Path>) -> Option<String> {
    if target.parent().is_none() {
        return Some("it is the file-system root".into());
    }
    if root.starts_with(target) {
        return Some(if root == target {
            "it is the site itself".into()
        } else {
            format!("it contains the site ({})", root.display())
        });
    }
    for source in ["content", "static", "templates", "themes"] {
        if target.starts_with(root.join(source)) {
            return Some(format!("it is inside the site's `{source}` folder"));
        }
    }
    if let Some(home) = home
        && home.starts_with(target)
    {
        return Some(if home == target {
            "it is your home folder".into()
        } else {
            format!("it contains your home folder ({})", home.display())
        });
    }
    // `/` and every folder right below it: `/home`, `/etc`, `/usr`, `/tmp`, `/Users`, …
    match target.parent() {
        Some(parent) if parent.parent().is_none() => Some("it is a top-level system folder".into()),
        _ => None,
    }
}

/// Checks that `target` may be replaced by a build of the site at `site_root`.
///
/// Refused even with `force`: the site and any folder that contains it, a folder inside its
/// sources, the home folder (`$HOME`) and any folder that contains it, `/` and every folder
/// right below it. Paths are compared with their symbolic links resolved.
pub fn check_target(target: &Path, site_root: &Path, force: bool) -> Result<(), PublishError> {
    let target_abs = canonical(target);
    let root_abs = canonical(site_root);
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| canonical(Path::new(&h)));
    if let Some(why) = protected(&target_abs, &root_abs, home.as_deref()) {
        let shown = if target_abs == target {
            target.display().to_string()
        } else {
            format!("{} ({})", target.display(), target_abs.display())
        };
        return Err(PublishError::Refused(format!(
            "refusing to write the output to {shown}: {why}; styre replaces its output folder \
             whole, so it never writes to such a folder, even with --force\n  \
             = help: choose a folder of its own with --output-dir, such as {}",
            site_root.join("public").display()
        )));
    }
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("inspect", target, e)),
        Ok(meta) if !meta.is_dir() => Err(PublishError::Refused(format!(
            "refusing to replace {}: it is a {}, not an output folder\n  \
             = help: choose another --output-dir",
            target.display(),
            if meta.is_symlink() {
                "symbolic link"
            } else {
                "file"
            }
        ))),
        Ok(_) => {
            if force || target.join(MARKER).is_file() {
                return Ok(());
            }
            let mut entries = std::fs::read_dir(target).map_err(|e| io_err("list", target, e))?;
            if entries.next().is_none() {
                return Ok(());
            }
            Err(PublishError::Refused(format!(
                "refusing to replace {}: it holds files that styre did not write (no {MARKER} marker)\n  \
                 = help: choose another --output-dir, empty the folder, or pass --force to replace it",
                target.display()
            )))
        }
    }
}

/// Writes `output` to `target` atomically (see the module docs), waiting for any other build
/// of `target` to finish first. Call [`check_target`] first.
pub fn publish(output: &Output, target: &Path) -> Result<(), PublishError> {
    let staging = Staging::begin(OutputLock::acquire(target)?)?;
    staging.write_output(output);
    staging.finish()
}

/// Where an output folder is: its path (absolute, `.` and `..` resolved, links of its parents
/// resolved), its parent and its name.
fn locate(target: &Path) -> Result<(PathBuf, PathBuf, String), PublishError> {
    if std::fs::symlink_metadata(target).is_ok_and(|m| m.is_symlink()) {
        return Err(PublishError::Refused(format!(
            "refusing to replace {}: it is a symbolic link, not an output folder\n  \
             = help: give the folder it points to as --output-dir",
            target.display()
        )));
    }
    let full = canonical(target);
    match (full.parent(), full.file_name()) {
        (Some(parent), Some(name)) => {
            let (parent, name) = (parent.to_path_buf(), name.to_string_lossy().into_owned());
            Ok((full, parent, name))
        }
        _ => Err(PublishError::Refused(format!(
            "refusing to write the output to {}: it has no parent folder",
            target.display()
        ))),
    }
}

/// The exclusive right to replace one output folder, held for a whole build (staging, swap,
/// cleanup): an advisory lock (`flock`) on `.<name>.styre-lock` beside the folder. Two builds
/// into one folder run one after the other; a build that is killed releases the lock with its
/// process. The lock file is removed when the lock is released (a waiting build that then
/// finds it gone, or replaced, locks the new one instead).
#[derive(Debug)]
pub struct OutputLock {
    target: PathBuf,
    parent: PathBuf,
    name: String,
    path: PathBuf,
    /// Holds the lock while open.
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes the lock of `target`'s output folder if no other build holds it; `Ok(None)` if
    /// one does (then [`OutputLock::acquire`] waits for it).
    pub fn try_acquire(target: &Path) -> Result<Option<OutputLock>, PublishError> {
        OutputLock::take(target, false)
    }

    /// Takes the lock of `target`'s output folder, waiting as long as another build holds it.
    pub fn acquire(target: &Path) -> Result<OutputLock, PublishError> {
        OutputLock::take(target, true)?.ok_or_else(|| {
            PublishError::Io(format!(
                "cannot lock the output folder {}",
                target.display()
            ))
        })
    }

    /// The output folder this lock is for.
    pub fn target(&self) -> &Path {
        &self.target
    }

    fn take(target: &Path, wait: bool) -> Result<Option<OutputLock>, PublishError> {
        let (target, parent, name) = locate(target)?;
        std::fs::create_dir_all(&parent).map_err(|e| io_err("create", &parent, e))?;
        let path = parent.join(format!(".{name}.styre-lock"));
        loop {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| io_err("create the lock file", &path, e))?;
            match lock_file(&file, wait) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) => return Err(io_err("lock", &path, e)),
            }
            // The build that held the lock may have removed the file as it finished: the lock
            // is only ours if the file is still the one at `path`.
            if same_file(&file, &path) {
                return Ok(Some(OutputLock {
                    target,
                    parent,
                    name,
                    path,
                    _file: file,
                }));
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked (see `take`); the lock goes with the file's closing.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Locks `file` exclusively: `Ok(false)` if another process holds it and `wait` is off.
#[cfg(unix)]
fn lock_file(file: &std::fs::File, wait: bool) -> std::io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    let operation = if wait {
        FlockOperation::LockExclusive
    } else {
        FlockOperation::NonBlockingLockExclusive
    };
    loop {
        match flock(file, operation) {
            Ok(()) => return Ok(true),
            Err(rustix::io::Errno::INTR) => continue,
            Err(rustix::io::Errno::WOULDBLOCK) if !wait => return Ok(false),
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(not(unix))]
fn lock_file(_file: &std::fs::File, _wait: bool) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, path: &Path) -> bool {
    path.is_file()
}

/// A new output being written beside its target, to be swapped in whole ([`Staging::finish`])
/// or thrown away ([`Staging::abandon`]). Files can be written from many threads while the
/// site is still being rendered ([`Staging::write`]), so that writing overlaps rendering.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    parent: PathBuf,
    name: String,
    /// The first write that failed.
    error: std::sync::Mutex<Option<PublishError>>,
    /// Released once the staging folder is swapped in or thrown away.
    _lock: OutputLock,
}

impl Staging {
    /// Creates the staging folder (with the marker) beside the locked output folder, after
    /// removing stale ones (left by killed builds: the lock says no other build is running).
    pub fn begin(lock: OutputLock) -> Result<Staging, PublishError> {
        let (target, parent, name) = (lock.target.clone(), lock.parent.clone(), lock.name.clone());
        remove_stale(&parent, &name);
        let dir = parent.join(format!(".{name}.styre-new-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io_err("remove", &dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| io_err("create", &dir, e))?;
        // The marker first: a half-written staging folder is still recognisably ours.
        write_file(&dir.join(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(Staging {
            dir,
            target,
            parent,
            name,
            error: Default::default(),
            _lock: lock,
        })
    }

    /// Writes one file (`/`-separated path) with its folders. A failure is kept and returned
    /// by [`Staging::finish`].
    pub fn write(&self, path: &str, bytes: &[u8]) {
        let dest = self.dir.join(path);
        let result = match dest.parent() {
            Some(d) => std::fs::create_dir_all(d).map_err(|e| io_err("create", d, e)),
            None => Ok(()),
        }
        .and_then(|()| write_file(&dest, bytes));
        self.note(result);
    }

    /// Writes every file of `output` not written already (in parallel).
    pub fn write_output(&self, output: &Output) {
        let pending = |file: &OutputFile| !matches!(file, OutputFile::Written);
        let mut dirs: Vec<PathBuf> = output
            .files
            .iter()
            .filter(|(_, f)| pending(f))
            .filter_map(|(p, _)| Path::new(p).parent().map(|d| self.dir.join(d)))
            .collect();
        dirs.dedup();
        for d in &dirs {
            if let Err(e) = std::fs::create_dir_all(d) {
                self.note(Err(io_err("create", d, e)));
                return;
            }
        }
        output.files.par_iter().for_each(|(path, file)| {
            let dest = self.dir.join(path);
            let result = match file {
                OutputFile::Bytes(bytes) => write_file(&dest, bytes),
                OutputFile::Copy(src) => std::fs::copy(src, &dest)
                    .map(|_| ())
                    .map_err(|e| io_err(&format!("copy {} to", src.display()), &dest, e)),
                OutputFile::Written => Ok(()),
            };
            self.note(result);
        });
    }

    /// Keeps the first failure.
    fn note(&self, result: Result<(), PublishError>) {
        if let Err(e) = result
            && let Ok(mut first) = self.error.lock()
            && first.is_none()
        {
            *first = Some(e);
        }
    }

    /// Swaps the staging folder in for the target, unless a write failed (then the staging
    /// folder is removed and the target is left as it was).
    pub fn finish(self) -> Result<(), PublishError> {
        let failed = match self.error.lock() {
            Ok(mut e) => e.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let result = match failed {
            Some(e) => Err(e),
            None if !std::fs::symlink_metadata(self.dir.join(MARKER))
                .is_ok_and(|m| m.is_file()) =>
            {
                Err(PublishError::Io(format!(
                    "the new output in {} was removed (or lost its {MARKER} marker) before it \
                     could replace {}, which is left as it was; another program changed the \
                     folders beside the output while styre was building: build again",
                    self.dir.display(),
                    self.target.display()
                )))
            }
            None => swap_in(&self.dir, &self.target, &self.parent, &self.name),
        };
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        result
    }

    /// Throws the staging folder away; the target stays as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes staging or old folders left by earlier builds that were killed midway. Only folders
/// that carry styre's marker are removed.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let new_prefix = format!(".{name}.styre-new-");
    let old_prefix = format!(".{name}.styre-old-");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if (file_name.starts_with(&new_prefix) || file_name.starts_with(&old_prefix))
            && entry.path().join(MARKER).is_file()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let mut f = std::fs::File::create(path).map_err(|e| io_err("create", path, e))?;
    f.write_all(bytes).map_err(|e| io_err("write", path, e))
}

fn swap_in(staging: &Path, target: &Path, parent: &Path, name: &str) -> Result<(), PublishError> {
    if !target.exists() {
        return std::fs::rename(staging, target)
            .map_err(|e| io_err("move the new output to", target, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous output.
            return std::fs::remove_dir_all(staging)
                .map_err(|e| io_err("remove the old output", staging, e));
        }
    }
    let old = parent.join(format!(".{name}.styre-old-{}", std::process::id()));
    std::fs::rename(target, &old).map_err(|e| io_err("move the old output aside to", &old, e))?;
    if let Err(e) = std::fs::rename(staging, target) {
        let _ = std::fs::rename(&old, target);
        return Err(io_err("move the new output to", target, e));
    }
    std::fs::remove_dir_all(&old).map_err(|e| io_err("remove the old output", &old, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
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

    #[test]
    fn staging_takes_files_while_rendering_and_swaps_in_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        publish(&output(&[("a/index.html", "old")]), &target).unwrap();

        // Abandoned (a failed build): the target is as it was, no staging folder is left.
        let staging = Staging::begin(OutputLock::acquire(&target).unwrap()).unwrap();
        staging.write("a/index.html", b"half");
        staging.abandon();
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        // Finished: files written while rendering, and the rest of the output after.
        let staging = Staging::begin(OutputLock::acquire(&target).unwrap()).unwrap();
        staging.write("b/c/index.html", b"rendered");
        let mut rest = output(&[("x.css", "css")]);
        rest.files
            .insert("b/c/index.html".into(), OutputFile::Written);
        staging.write_output(&rest);
        staging.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("b/c/index.html")).unwrap(),
            "rendered"
        );
        assert_eq!(
            std::fs::read_to_string(target.join("x.css")).unwrap(),
            "css"
        );
        assert!(
            !target.join("a").exists(),
            "the old output is replaced whole"
        );
        assert!(target.join(MARKER).is_file());
    }

    #[test]
    fn publish_replaces_previous_output_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        publish(&output(&[("a/index.html", "1"), ("old.txt", "x")]), &target).unwrap();
        check_target(&target, &dir.path().join("site"), false).unwrap();
        publish(&output(&[("a/index.html", "2")]), &target).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "2"
        );
        assert!(!target.join("old.txt").exists());
        assert!(target.join(MARKER).is_file());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
    }

    #[test]
    fn refuses_foreign_folders_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("mine");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("thesis.tex"), "precious").unwrap();
        let site = dir.path().join("site");
        assert!(matches!(
            check_target(&target, &site, false),
            Err(PublishError::Refused(_))
        ));
        assert!(check_target(&target, &site, true).is_ok());
        // An empty folder is fine.
        std::fs::remove_file(target.join("thesis.tex")).unwrap();
        assert!(check_target(&target, &site, false).is_ok());
    }

    #[test]
    fn never_replaces_the_site_or_its_sources_even_when_forced() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content/x")).unwrap();
        for target in [
            site.clone(),
            dir.path().to_path_buf(),
            site.join("content/x"),
        ] {
            assert!(
                matches!(
                    check_target(&target, &site, true),
                    Err(PublishError::Refused(_))
                ),
                "{}",
                target.display()
            );
        }
    }

    #[test]
    fn never_replaces_home_system_folders_or_their_parents() {
        let home = Path::new("/home/kari");
        let root = Path::new("/data/sites/styre");
        let refused = |t: &str| protected(Path::new(t), root, Some(home));
        for (target, why) in [
            ("/", "file-system root"),
            ("/home", "contains your home folder (/home/kari)"),
            ("/home/kari", "is your home folder"),
            ("/data/sites", "contains the site (/data/sites/styre)"),
            ("/usr", "top-level system folder"),
            ("/etc", "top-level system folder"),
            ("/tmp", "top-level system folder"),
            ("/var", "top-level system folder"),
            ("/srv", "top-level system folder"),
            ("/Users", "top-level system folder"),
        ] {
            let why_found = refused(target).unwrap_or_else(|| panic!("{target} allowed"));
            assert!(why_found.contains(why), "{target}: {why_found}");
        }
        for target in [
            "/data/sites/styre/public",
            "/home/kari/www",
            "/srv/www",
            "/tmp/x",
        ] {
            assert_eq!(refused(target), None, "{target}");
        }
        // A home folder elsewhere protects its own parents.
        let home = Path::new("/srv/www/users/kari");
        assert!(protected(Path::new("/srv/www"), root, Some(home)).is_some());
        assert!(protected(Path::new("/srv/www/users/kari/site"), root, Some(home)).is_none());
    }

    #[test]
    fn canonical_resolves_links_and_dots_of_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("a")).unwrap();
        std::os::unix::fs::symlink(real.join("a"), real.join("link")).unwrap();
        assert_eq!(canonical(&real.join("link")), real.join("a"));
        assert_eq!(
            canonical(&real.join("link/new/out")),
            real.join("a/new/out")
        );
        assert_eq!(canonical(&real.join("link/new/../..")), real.clone());
        assert_eq!(canonical(&real.join("nope/../link/x")), real.join("a/x"));
        assert_eq!(canonical(&real.join("a/./b/..")), real.join("a"));
    }

    #[test]
    fn check_target_refuses_a_link_to_a_protected_folder() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let link = dir.path().join("out");
        std::os::unix::fs::symlink("/usr", &link).unwrap();
        let Err(PublishError::Refused(m)) = check_target(&link.join("."), &site, true) else {
            panic!("a link to /usr is not refused");
        };
        assert!(m.contains("(/usr): it is a top-level system folder"), "{m}");
        assert!(m.contains("even with --force"), "{m}");
    }

    #[test]
    fn one_build_at_a_time_per_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let lock_file = dir.path().join(".public.styre-lock");
        let first = OutputLock::try_acquire(&target).unwrap().expect("free");
        assert!(lock_file.is_file());
        assert!(
            OutputLock::try_acquire(&target).unwrap().is_none(),
            "a second build must wait"
        );
        assert!(
            OutputLock::try_acquire(&dir.path().join("./x/../public"))
                .unwrap()
                .is_none(),
            "the same folder under another name"
        );
        assert!(
            OutputLock::try_acquire(&dir.path().join("other"))
                .unwrap()
                .is_some()
        );

        // A waiting build gets the lock once the first lets go, even though the first
        // removed the lock file it had opened.
        let waiter = {
            let target = target.clone();
            std::thread::spawn(move || {
                let lock = OutputLock::acquire(&target).unwrap();
                let staging = Staging::begin(lock).unwrap();
                staging.write("index.html", b"second");
                staging.finish().unwrap();
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(100));
        let staging = Staging::begin(first).unwrap();
        staging.write("index.html", b"first");
        staging.finish().unwrap();
        waiter.join().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "second"
        );
        assert!(target.join(MARKER).is_file());
        assert!(!lock_file.exists(), "the lock file goes with the lock");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
    }

    #[test]
    fn a_staging_folder_removed_midway_is_never_swapped_in() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        publish(&output(&[("index.html", "old")]), &target).unwrap();
        let staging = Staging::begin(OutputLock::acquire(&target).unwrap()).unwrap();
        staging.write("index.html", b"new");
        // Another program (not a styre build: those wait for the lock) removes it.
        std::fs::remove_dir_all(&staging.dir).unwrap();
        let Err(PublishError::Io(m)) = staging.finish() else {
            panic!("a vanished staging folder is reported");
        };
        assert!(
            m.contains("was removed (or lost its .styre-output marker)"),
            "{m}"
        );
        assert!(
            m.contains(&format!("before it could replace {}", target.display())),
            "{m}"
        );
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert!(target.join(MARKER).is_file());
    }

    #[test]
    fn a_link_is_not_an_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let link = dir.path().join("public");
        std::os::unix::fs::symlink(dir.path().join("real"), &link).unwrap();
        let Err(PublishError::Refused(m)) = OutputLock::acquire(&link) else {
            panic!("a link is refused");
        };
        assert!(m.contains("it is a symbolic link"), "{m}");
    }

    #[test]
    fn stale_staging_folders_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".public.styre-new-999999");
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join(MARKER), "x").unwrap();
        let foreign = dir.path().join(".public.styre-new-1");
        std::fs::create_dir(&foreign).unwrap();
        publish(&output(&[("index.html", "x")]), &dir.path().join("public")).unwrap();
        assert!(!stale.exists());
        assert!(
            foreign.exists(),
            "folders without the marker are never deleted"
        );
    }
}
