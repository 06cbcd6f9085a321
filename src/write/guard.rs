//! The refusal of dangerous output folders (write phase): [`check_target`] says whether a build
//! may replace a folder (never the site, its sources, the home folder or a system folder, even
//! with `--force`; a folder styre did not write only with it), comparing paths with their links
//! resolved ([`canonical`]).

// Inspects and lists the output folder before a build replaces it (ARCHITECTURE.md, Invariants).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use super::{MARKER, PublishError, io_err};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
