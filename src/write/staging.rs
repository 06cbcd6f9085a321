//! Publishing an output (write phase): the lock on an output folder ([`OutputLock`]), the
//! staging folder beside it that files are written into ([`Staging`]), and the atomic swap that
//! puts it in place of the old output ([`publish`] does all three for an output in memory).

// Creates, writes, renames and removes the output folders (ARCHITECTURE.md, Invariants).
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{MARKER, MARKER_TEXT, Output, OutputFile, PublishError, canonical, io_err};

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
    use super::super::check_target;
    use super::super::tests::output;
    use super::*;

    /// Writes `output` to `target` the way `styre build` does: waits for the lock, stages,
    /// swaps in.
    fn publish(output: &Output, target: &Path) -> Result<(), PublishError> {
        let staging = Staging::begin(OutputLock::acquire(target)?)?;
        staging.write_output(output);
        staging.finish()
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
