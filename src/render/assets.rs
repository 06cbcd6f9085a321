//! Phase 3, render: the output files that are not rendered: the site's static files and the
//! bundle assets of pages and sections (listed as copies, not read), and the built-in
//! stylesheets and scripts the output links (styre's CSS, the governance CSS and register
//! filter, the syntax highlighting CSS, the search client and its stemmers).

use std::path::PathBuf;

use crate::config::Config;
use crate::output::{Output, file_for};
use crate::resolve::Site;

/// The static files, and the built-in stylesheets (and the register filter) the site's
/// templates link.
pub(crate) fn insert_static_and_builtin(site: &Site, output: &mut Output) {
    let config = &site.config;
    for (path, source) in &site.static_files {
        output.insert_copy(path.clone(), source.clone());
    }
    // The built-in base template links the built-in stylesheet: write it whenever that
    // template is in use, theme or not.
    if site
        .templates
        .file_of("base.html")
        .starts_with("<built-in>")
    {
        output.insert_bytes("styre.css", crate::templates::BUILTIN_CSS);
    }
    // The governance templates and the search page link their stylesheet; the decision
    // register its filter.
    if site.governance.has_content() || config.build_search_index {
        output.insert_bytes("styre-governance.css", crate::templates::GOVERNANCE_CSS);
    }
    if site.governance.has_content() {
        output.insert_bytes("styre-filter.js", crate::templates::FILTER_JS);
    }
    if config.highlight_code {
        output.insert_bytes(
            "syntax.css",
            crate::highlight::stylesheet(&config.highlight_theme, &config.highlight_theme_dark),
        );
    }
}

/// The bundle assets of every page, then of every section, beside its `index.html`.
pub(crate) fn insert_bundle_assets(site: &Site, output: &mut Output) {
    for (_, page) in site.pages() {
        insert_assets_of(&page.path, &page.assets, output);
    }
    for (_, section) in site.sections() {
        insert_assets_of(&section.path, &section.assets, output);
    }
}

fn insert_assets_of(path: &str, assets: &[(String, PathBuf)], output: &mut Output) {
    for (rel, source) in assets {
        let dir = file_for(path);
        let dir = dir.trim_end_matches("index.html");
        output.insert_copy(format!("{dir}{rel}"), source.clone());
    }
}

/// The search client, and the stemmers the site's languages need, and no others.
pub(crate) fn insert_search_scripts(config: &Config, output: &mut Output) {
    output.insert_bytes("styre-search.js", crate::templates::SEARCH_JS);
    for (name, bytes) in crate::templates::STEMMER_JS {
        let needed = config
            .languages
            .iter()
            .any(|l| crate::search::stemmer_script(&l.code) == Some(*name));
        if needed {
            output.insert_bytes(*name, *bytes);
        }
    }
}
