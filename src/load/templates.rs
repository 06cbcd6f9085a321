//! Template sources, as load reads them: three layers, each overriding the one before by
//! template name — the built-in minimal theme (compiled into the binary, so a site without a
//! theme builds), `themes/<theme>/templates/`, and the site's own `templates/`. Parsing and
//! checking them is render's (`render::templates`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The built-in theme's templates: name → text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../builtin/templates/base.html")),
    (
        "index.html",
        include_str!("../builtin/templates/index.html"),
    ),
    (
        "section.html",
        include_str!("../builtin/templates/section.html"),
    ),
    ("page.html", include_str!("../builtin/templates/page.html")),
    ("404.html", include_str!("../builtin/templates/404.html")),
    ("atom.xml", include_str!("../builtin/templates/atom.xml")),
    (
        "sitemap.xml",
        include_str!("../builtin/templates/sitemap.xml"),
    ),
    (
        "robots.txt",
        include_str!("../builtin/templates/robots.txt"),
    ),
    (
        "governance.macros.html",
        include_str!("../builtin/templates/governance.macros.html"),
    ),
    (
        "site.macros.html",
        include_str!("../builtin/templates/site.macros.html"),
    ),
    ("body.html", include_str!("../builtin/templates/body.html")),
    (
        "meeting.html",
        include_str!("../builtin/templates/meeting.html"),
    ),
    ("case.html", include_str!("../builtin/templates/case.html")),
    (
        "document.html",
        include_str!("../builtin/templates/document.html"),
    ),
    (
        "roadmap.html",
        include_str!("../builtin/templates/roadmap.html"),
    ),
    (
        "delivery-plan.html",
        include_str!("../builtin/templates/delivery-plan.html"),
    ),
    (
        "meeting-plan.html",
        include_str!("../builtin/templates/meeting-plan.html"),
    ),
    (
        "dataset.html",
        include_str!("../builtin/templates/dataset.html"),
    ),
    (
        "decisions.html",
        include_str!("../builtin/templates/decisions.html"),
    ),
    (
        "follow-ups.html",
        include_str!("../builtin/templates/follow-ups.html"),
    ),
    (
        "archive.html",
        include_str!("../builtin/templates/archive.html"),
    ),
    (
        "open-data.html",
        include_str!("../builtin/templates/open-data.html"),
    ),
    (
        "decisions.xml",
        include_str!("../builtin/templates/decisions.xml"),
    ),
    (
        "search.html",
        include_str!("../builtin/templates/search.html"),
    ),
];

/// One template's text and the file it came from (`templates/page.html`,
/// `themes/x/templates/page.html`, or `<built-in>/page.html`).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub file: PathBuf,
    pub text: Arc<str>,
}

/// Every template the site can use, by name, after overriding.
#[derive(Debug, Clone, Default)]
pub struct TemplateSources {
    pub templates: BTreeMap<String, TemplateSource>,
}

impl TemplateSources {
    pub fn file_of(&self, name: &str) -> PathBuf {
        self.templates.get(name).map_or_else(
            || PathBuf::from(format!("templates/{name}")),
            |t| t.file.clone(),
        )
    }
}

/// Reads the three layers of templates.
pub fn load_sources(root: &Path, theme: Option<&str>, diags: &mut Diagnostics) -> TemplateSources {
    let mut templates = BTreeMap::new();
    for (name, text) in BUILTIN {
        templates.insert(
            (*name).to_string(),
            TemplateSource {
                file: PathBuf::from(format!("<built-in>/{name}")),
                text: Arc::from(*text),
            },
        );
    }
    let mut layers = Vec::new();
    if let Some(theme) = theme {
        let dir = root.join("themes").join(theme);
        if !dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!("theme `{theme}` not found: there is no folder themes/{theme}"),
                )
                .hint("create the theme folder, or remove `theme` to use the built-in theme"),
            );
        }
        layers.push((dir.join("templates"), format!("themes/{theme}/templates")));
    }
    layers.push((root.join("templates"), "templates".to_string()));
    for (dir, shown) in layers {
        for (rel, path) in super::list_files(&dir, diags, &shown) {
            let file = PathBuf::from(format!("{shown}/{rel}"));
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    templates.insert(
                        rel,
                        TemplateSource {
                            file,
                            text: text.into(),
                        },
                    );
                }
                Err(e) => diags.push(Diagnostic::error(
                    file,
                    format!("cannot read template: {e}"),
                )),
            }
        }
    }
    TemplateSources { templates }
}
