//! `styre init DIR`: a new site that builds as it is, using the built-in theme.

use std::path::Path;

const CONFIG: &str = r#"# The site's settings; docs/configuration.md lists every key and its default.
base_url = "https://example.no"
title = "Mitt styre"
description = "Styringsdokumenter, møter og vedtak."
default_language = "nb"

[languages.nb]
name = "Norsk bokmål"

# Add a language by adding a table, then translate pages with sibling files (side.en.md):
# [languages.en]
# name = "English"
"#;

const HOME: &str = r#"+++
title = "Mitt styre"
description = "Styringsdokumenter, møter og vedtak."
+++
Velkommen. Denne siden ble laget med `styre init`. Les [om styret](@/om.md).
"#;

const ABOUT: &str = r#"+++
title = "Om styret"
description = "Hva styret er og gjør."
date = 2024-01-01
weight = 1
+++
## Formål

Skriv styrets formål her.

## Sammensetning

Skriv hvem som sitter i styret her.
"#;

/// Creates the site. `dir` must not exist, or be an empty folder.
pub fn init(dir: &Path) -> Result<(), String> {
    use crate::write::create;
    let empty = create::is_missing_or_empty(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    if !empty {
        return Err(format!(
            "{} already exists and is not empty; choose a new folder",
            dir.display()
        ));
    }
    let files: [(&str, &str); 4] = [
        ("config.toml", CONFIG),
        ("content/_index.md", HOME),
        ("content/om.md", ABOUT),
        ("static/.gitkeep", ""),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        create::create_new(&path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    create::create_dir(&dir.join("templates"))
        .map_err(|e| format!("cannot create {}: {e}", dir.join("templates").display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_site_builds_without_problems() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        init(&site).unwrap();
        let build = crate::build_site(&site, &Default::default());
        assert!(build.diagnostics.is_empty(), "{:?}", build.diagnostics);
        let output = build.output.unwrap();
        let about = String::from_utf8(output.read("om/index.html").unwrap()).unwrap();
        assert!(about.contains("<h1>Om styret</h1>"), "{about}");
        assert!(init(&site).unwrap_err().contains("not empty"));
    }
}
