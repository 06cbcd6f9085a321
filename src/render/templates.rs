//! Templates: where they come from, and turning them into a checked [`tera::Tera`].
//!
//! Three layers, each overriding the one before by template name: the built-in minimal theme
//! (compiled into the binary, so a site without a theme builds), `themes/<theme>/templates/`,
//! and the site's own `templates/`. Every template is parsed on its own first, so that all
//! syntax errors of a run are reported together, each with its line and column.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::templates::TemplateSources;

/// The search client (docs/search.md), loaded by the search page.
pub const SEARCH_JS: &str = include_str!("../builtin/styre-search.js");

/// The browser's Snowball stemmers, one module per algorithm, each matching rust-stemmers.
pub const STEMMER_JS: &[(&str, &str)] = &[
    (
        "styre-stem-no.js",
        include_str!("../builtin/search/stem-no.js"),
    ),
    (
        "styre-stem-en.js",
        include_str!("../builtin/search/stem-en.js"),
    ),
    (
        "styre-stem-ru.js",
        include_str!("../builtin/search/stem-ru.js"),
    ),
    (
        "styre-stem-ar.js",
        include_str!("../builtin/search/stem-ar.js"),
    ),
];

/// The register filter script (progressive enhancement of the decision register).
pub const FILTER_JS: &str = include_str!("../builtin/styre-filter.js");

/// The stylesheet of the built-in governance templates.
pub const GOVERNANCE_CSS: &str = include_str!("../builtin/styre-governance.css");

/// The built-in theme's stylesheet, written to `/styre.css` when the site has no theme.
pub const BUILTIN_CSS: &str = include_str!("../builtin/styre.css");

/// Grows `set` with every template `joins(candidate, member)` admits for some member, until
/// nothing more joins.
pub(crate) fn reach<'a>(
    sources: &'a TemplateSources,
    mut set: BTreeSet<&'a str>,
    joins: impl Fn(&str, &str) -> bool,
) -> BTreeSet<&'a str> {
    loop {
        let before = set.len();
        for candidate in sources.templates.keys() {
            if !set.contains(candidate.as_str()) && set.iter().any(|m| joins(candidate, m)) {
                set.insert(candidate.as_str());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// Whether a template's text names the template `name` in a string literal (tera's three
/// quotes: `"…"`, `'…'`, `` `…` ``).
pub(crate) fn names_template(text: &str, name: &str) -> bool {
    ['"', '\'', '`']
        .iter()
        .any(|q| text.contains(&format!("{q}{name}{q}")))
}

/// `t`, the interface strings, in a template's text, and the key read from it if any.
static STRINGS_USE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?:^|[^\w.])t\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_]*))?")
        .expect("the strings pattern")
});

/// Which interface strings (`t.<key>`) each template can read, itself or through the templates
/// it uses (`extends`, `include`, `import`, found by quoted name as in `incremental::deps::users_of`): the keys,
/// or `None` when some template of the chain uses `t` otherwise than by a key (passes it to a
/// macro, loops over it, indexes it, dumps the context) and so gets all of them. Every page
/// gets just the strings its templates read instead of a copy of them all.
pub fn string_keys(sources: &TemplateSources) -> HashMap<String, Option<BTreeSet<String>>> {
    let own: HashMap<&str, Option<BTreeSet<String>>> = sources
        .templates
        .iter()
        .map(|(name, t)| {
            let keys = if t.text.contains("__tera_context") {
                None
            } else {
                STRINGS_USE
                    .captures_iter(&t.text)
                    .map(|c| c.get(1).map(|k| k.as_str().to_string()))
                    .collect::<Option<BTreeSet<String>>>()
            };
            (name.as_str(), keys)
        })
        .collect();
    sources
        .templates
        .keys()
        .map(|name| {
            // The templates this one uses, directly or not.
            let chain = reach(
                sources,
                BTreeSet::from([name.as_str()]),
                |candidate, member| names_template(&sources.templates[member].text, candidate),
            );
            let mut keys = BTreeSet::new();
            for c in chain {
                match &own[c] {
                    Some(k) => keys.extend(k.iter().cloned()),
                    None => return (name.clone(), None),
                }
            }
            (name.clone(), Some(keys))
        })
        .collect()
}

/// Parses every template and links them (inheritance, macros). Templates that do not parse,
/// and templates that use themselves (`crate::template_limits::cycles`), are reported and left
/// out.
/// Also returns the templates that cannot render because one they use (or they themselves)
/// did not load: their pages' failures are consequences of errors already reported.
pub fn build_noting_unusable(
    sources: &TemplateSources,
    diags: &mut Diagnostics,
) -> (tera::Tera, BTreeSet<String>) {
    let mut parsed = BTreeMap::new();
    for (name, source) in &sources.templates {
        // Nested too deep for tera's parser to read without overflowing the stack.
        if let Some(too_deep) = crate::template_limits::check_depth(&source.file, &source.text) {
            diags.push(too_deep);
            continue;
        }
        match tera::Template::new(name, None, &source.text) {
            Ok(template) => {
                parsed.insert(name.as_str(), template);
            }
            Err(e) => diags.push(template_error(&source.file, &source.text, &e)),
        }
    }
    // Templates that use themselves (and their users) would render without end: reported,
    // and left out like templates that do not parse.
    let left_out = crate::template_limits::cycles(sources, &parsed, diags);
    // Macros count how deep they call each other, so that a macro calling itself without end
    // fails at the macro instead of overflowing the stack.
    let (guarded, sites) = crate::template_limits::guard_macros(sources, &parsed);
    let ok: Vec<(&str, &str)> = parsed
        .keys()
        .filter(|name| !left_out.contains(**name))
        .map(|name| {
            let text = guarded
                .get(*name)
                .map_or(&*sources.templates[*name].text, String::as_str);
            (*name, text)
        })
        .collect();
    let sites = Arc::new(sites);
    let mut tera = new_tera(&sites);
    // The templates that did not load, and every template that uses one of them.
    let broken: BTreeSet<&str> = sources
        .templates
        .keys()
        .map(String::as_str)
        .filter(|name| !parsed.contains_key(name) || left_out.contains(*name))
        .collect();
    let mut unusable = crate::template_limits::users_of_broken(sources, &parsed, &broken);
    unusable.extend(broken.iter().map(|n| n.to_string()));
    // A template that extends or includes one that failed above fails to link: a consequence
    // of that error, already reported.
    if let Err(e) = tera.add_raw_templates(ok.clone()) {
        let chain = error_chain(&e);
        if broken.is_empty() || !chain.contains("doesn't exist or isn't loaded") {
            diags.push(
                Diagnostic::error(PathBuf::from("templates"), chain)
                    .hint("check `{% extends %}`, `{% include %}` and `{% import %}` names"),
            );
        }
        // Keep what links on its own so that the rest of the run can still report problems.
        let mut partial = new_tera(&sites);
        for (name, text) in ok {
            let _ = partial.add_raw_template(name, text);
        }
        return (partial, unusable);
    }
    (tera, unusable)
}

/// A template syntax error, positioned from the parser's ` --> line:col` marker.
fn template_error(file: &Path, text: &str, e: &tera::Error) -> Diagnostic {
    let chain = error_chain(e);
    let position = chain.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("--> ")?;
        let (line, col) = rest.split_once(':')?;
        Some((
            line.trim().parse::<usize>().ok()?,
            col.trim().parse::<usize>().ok()?,
        ))
    });
    let expected = chain
        .lines()
        .rev()
        .find_map(|l| l.trim_start().strip_prefix("= "))
        .unwrap_or("syntax error")
        .to_string();
    match position.and_then(|(line, col)| offset_of(text, line, col)) {
        Some(offset) => Diagnostic::at(file, offset..offset + 1, "template syntax error", expected)
            .hint("see docs/templates.md for the template language"),
        None => Diagnostic::error(file, chain),
    }
}

fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let line_text = text[start..].split('\n').next()?;
    let within: usize = line_text
        .chars()
        .take(col.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    Some(start + within)
}

fn new_tera(macro_sites: &Arc<Vec<crate::template_limits::MacroSite>>) -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(crate::site::html::escape);
    crate::template_limits::register_guard(&mut tera, macro_sites.clone());
    tera
}

/// A tera error with its causes, one per line.
pub fn error_chain(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::templates::{TemplateSource, load_sources};

    #[test]
    fn builtin_templates_parse_and_link() {
        let sources = load_sources(Path::new("/nonexistent"), None, &mut Diagnostics::new());
        let mut diags = Diagnostics::new();
        let tera = build_noting_unusable(&sources, &mut diags).0;
        assert!(diags.is_empty(), "{diags:?}");
        let mut names: Vec<&str> = tera.get_template_names().collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "404.html",
                "archive.html",
                "atom.xml",
                "base.html",
                "body.html",
                "case.html",
                "dataset.html",
                "decisions.html",
                "decisions.xml",
                "delivery-plan.html",
                "document.html",
                "follow-ups.html",
                "governance.macros.html",
                "index.html",
                "meeting-plan.html",
                "meeting.html",
                "open-data.html",
                "page.html",
                "roadmap.html",
                "robots.txt",
                "search.html",
                "section.html",
                "site.macros.html",
                "sitemap.xml"
            ]
        );
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let mut sources = TemplateSources::default();
        let text = "<p>\n{{ page.title }\n</p>";
        sources.templates.insert(
            "page.html".into(),
            TemplateSource {
                file: "templates/page.html".into(),
                text: text.into(),
            },
        );
        let mut diags = Diagnostics::new();
        build_noting_unusable(&sources, &mut diags);
        let d = diags.iter().next().expect("an error");
        assert_eq!(d.message, "template syntax error");
        let span = d.span.clone().unwrap();
        assert_eq!(crate::diagnostics::line_col(text, span.start).0, 2);
    }

    #[test]
    fn each_template_gets_the_strings_its_chain_reads() {
        let mut sources = TemplateSources::default();
        for (name, text) in [
            (
                "base.html",
                "<title>{{ t.site }}</title>{% block content %}{% endblock %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block content %}{{ t.read_more }} {{ page.t }} at {{ count(key=\"x\", n=1) }}{% endblock %}",
            ),
            (
                "case.html",
                "{% extends \"base.html\" %}{% import \"m.html\" as m %}{{ m::table(t=t) }}",
            ),
            (
                "m.html",
                "{% macro table(t) %}{{ t.heading }}{% endmacro %}",
            ),
            ("list.html", "{% for k, v in t %}{{ k }}{% endfor %}"),
            (
                "news.html",
                "{% extends `base.html` %}{% block content %}{{ t.news }}{% endblock %}",
            ),
            ("dump.html", "{{ __tera_context }}"),
            ("index.html", "{{ t [\"site\"] }}"),
        ] {
            sources.templates.insert(
                name.into(),
                TemplateSource {
                    file: PathBuf::from(format!("templates/{name}")),
                    text: Arc::from(text),
                },
            );
        }
        let keys = string_keys(&sources);
        let set = |k: &[&str]| Some(k.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
        assert_eq!(keys["base.html"], set(&["site"]));
        assert_eq!(keys["page.html"], set(&["read_more", "site"]));
        // Any of tera's quotes names a template.
        assert_eq!(keys["news.html"], set(&["news", "site"]));
        // Passed on (or taken as a macro's parameter), looped over, indexed or dumped: all.
        assert_eq!(keys["m.html"], None);
        assert_eq!(keys["case.html"], None);
        assert_eq!(keys["list.html"], None);
        assert_eq!(keys["dump.html"], None);
        assert_eq!(keys["index.html"], None);
    }
}
