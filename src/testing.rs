//! What the unit tests share: a site made of files in a temporary folder, loaded and resolved
//! as `styre build` would, and a small two-language `config.toml`.

// Tests write the files of the sites they build.
#![allow(clippy::disallowed_methods)]

use crate::diagnostics::Diagnostics;
use crate::load::LoadOptions;
use crate::resolve::Site;

/// Loads and resolves the site made of `files` (path → text): the site (none when it does not
/// load) and every problem found.
pub(crate) fn resolve(files: &[(&str, &str)]) -> (Option<Box<Site>>, Diagnostics) {
    let root = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = root.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut diags = Diagnostics::new();
    let resolved = crate::resolve_site(root.path(), &LoadOptions::default(), &mut diags);
    let site = match resolved {
        crate::Resolved::Site(site) => Some(site),
        crate::Resolved::Failed(_) => None,
    };
    (site, diags)
}

/// The site made of `files`; it must have no errors.
pub(crate) fn site(files: &[(&str, &str)]) -> Box<Site> {
    let (site, diags) = resolve(files);
    assert!(!diags.has_errors(), "{diags:?}");
    site.expect("the site loads")
}

/// A `config.toml` with two languages, Norwegian the default, and the settings `extra`.
pub(crate) fn config(extra: &str) -> String {
    format!(
        "base_url = \"https://example.org\"\ntitle = \"Portal\"\n\
         default_language = \"nb\"\n{extra}\n\
         [languages.nb]\nname = \"Norsk\"\n[languages.en]\nname = \"English\"\n"
    )
}
