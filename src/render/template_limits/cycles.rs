//! Templates that use themselves, directly or through others, through `{% extends %}`,
//! `{% import %}` or an `{% include %}` outside a macro (render phase, before the engine is
//! built): reported at the tag, and left out with every template that uses them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Range;

use tera::ast::Node;

use super::tags;
use crate::diagnostics::Diagnostic;
use crate::load::templates::TemplateSources;

/// How a template uses another whenever it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Extends,
    Imports,
    Includes,
}

impl Use {
    fn verb(self) -> &'static str {
        match self {
            Use::Extends => "extends",
            Use::Imports => "imports",
            Use::Includes => "includes",
        }
    }
}

/// The templates `template` uses whenever it is rendered: its parent, the files it imports
/// macros from, and what it includes outside macros (of a list of names, the first that
/// exists, as tera picks). An include inside a macro runs only when the macro is called.
fn uses(template: &tera::Template, exists: &dyn Fn(&str) -> bool) -> Vec<(Use, String)> {
    let mut out = Vec::new();
    if let Some(parent) = &template.parent {
        out.push((Use::Extends, parent.clone()));
    }
    for (file, _) in &template.imported_macro_files {
        out.push((Use::Imports, file.clone()));
    }
    let mut bodies: Vec<&[Node]> = vec![&template.ast];
    while let Some(body) = bodies.pop() {
        for node in body {
            match node {
                Node::Include(_, names, _) => {
                    if let Some(name) = names.iter().find(|n| exists(n)) {
                        out.push((Use::Includes, name.clone()));
                    }
                }
                Node::Block(_, block, _) => bodies.push(&block.body),
                Node::Forloop(_, forloop, _) => {
                    bodies.push(&forloop.body);
                    if let Some(empty) = &forloop.empty_body {
                        bodies.push(empty);
                    }
                }
                Node::If(branches, _) => {
                    bodies.extend(branches.conditions.iter().map(|(_, _, b)| b.as_slice()));
                    if let Some((_, b)) = &branches.otherwise {
                        bodies.push(b);
                    }
                }
                Node::FilterSection(_, section, _) => bodies.push(&section.body),
                _ => {}
            }
        }
    }
    out
}

/// Reports every template that uses itself, directly or through others (once per circle, at
/// the tag where its first template uses the next), and returns the templates to leave out:
/// those in a circle and every template that uses one of them, directly or not (tera could not
/// link them without the others, and rendering them would go round too).
pub fn cycles(
    sources: &TemplateSources,
    parsed: &BTreeMap<&str, tera::Template>,
    diags: &mut crate::diagnostics::Diagnostics,
) -> BTreeSet<String> {
    let exists = |name: &str| sources.templates.contains_key(name);
    let graph: BTreeMap<String, Vec<(Use, String)>> = parsed
        .iter()
        .map(|(name, t)| (name.to_string(), uses(t, &exists)))
        .collect();
    let next = |name: &str| -> Vec<&str> {
        graph
            .get(name)
            .map(|u| u.iter().map(|(_, n)| n.as_str()).collect())
            .unwrap_or_default()
    };

    // Each template's shortest way back to itself, if it has one.
    let mut in_circle: BTreeSet<&str> = BTreeSet::new();
    for start in graph.keys() {
        if in_circle.contains(start.as_str()) {
            continue;
        }
        let Some(circle) = way_back(start, &next) else {
            continue;
        };
        in_circle.extend(circle.iter().copied());
        diags.push(report(sources, &graph, &circle));
    }
    if in_circle.is_empty() {
        return BTreeSet::new();
    }
    // Everything that reaches a circle.
    graph
        .keys()
        .filter(|name| reaches(name, &in_circle, &next))
        .cloned()
        .collect()
}

/// The parsed templates that use one of `broken` (templates that did not load), directly or
/// through others: they cannot render, as a consequence of that one error.
pub fn users_of_broken(
    sources: &TemplateSources,
    parsed: &BTreeMap<&str, tera::Template>,
    broken: &BTreeSet<&str>,
) -> BTreeSet<String> {
    let exists = |name: &str| sources.templates.contains_key(name);
    let graph: BTreeMap<&str, Vec<String>> = parsed
        .iter()
        .map(|(name, t)| {
            (
                *name,
                uses(t, &exists).into_iter().map(|(_, n)| n).collect(),
            )
        })
        .collect();
    let next = |name: &str| -> Vec<&str> {
        graph
            .get(name)
            .map(|u| u.iter().map(String::as_str).collect())
            .unwrap_or_default()
    };
    graph
        .keys()
        .filter(|name| reaches(name, broken, &next))
        .map(|name| name.to_string())
        .collect()
}

/// The shortest path `start` → … → `start` (without the last `start`), if there is one.
fn way_back<'g>(start: &'g str, next: &dyn Fn(&str) -> Vec<&'g str>) -> Option<Vec<&'g str>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for n in next(at) {
            if n == start {
                let mut path = vec![at];
                while let Some(&before) = came_from.get(path[path.len() - 1]) {
                    path.push(before);
                }
                if path[path.len() - 1] != start {
                    path.push(start);
                }
                path.reverse();
                return Some(path);
            }
            if n != start && !came_from.contains_key(n) {
                came_from.insert(n, at);
                queue.push_back(n);
            }
        }
    }
    None
}

fn reaches<'g>(
    from: &'g str,
    targets: &BTreeSet<&str>,
    next: &dyn Fn(&str) -> Vec<&'g str>,
) -> bool {
    let mut seen = BTreeSet::from([from]);
    let mut todo = vec![from];
    while let Some(at) = todo.pop() {
        if targets.contains(at) {
            return true;
        }
        for n in next(at) {
            if seen.insert(n) {
                todo.push(n);
            }
        }
    }
    false
}

/// The error for a circle `a → b → … → a`, at the tag of `a` that uses `b`.
fn report(
    sources: &TemplateSources,
    graph: &BTreeMap<String, Vec<(Use, String)>>,
    circle: &[&str],
) -> Diagnostic {
    let step = |i: usize| -> (Use, &str) {
        let (from, to) = (circle[i], circle[(i + 1) % circle.len()]);
        let how = graph[from]
            .iter()
            .find(|(_, n)| n == to)
            .map_or(Use::Includes, |(u, _)| *u);
        (how, to)
    };
    let first = circle[0];
    let message = if circle.len() == 1 {
        format!("template `{first}` {} itself", step(0).0.verb())
    } else {
        let mut chain = format!("`{first}`");
        for i in 0..circle.len() {
            let (how, to) = step(i);
            let joint = if i == 0 { " " } else { ", which " };
            chain.push_str(&format!("{joint}{} `{to}`", how.verb()));
        }
        format!("template `{first}` uses itself: {chain}")
    };
    let (how, to) = step(0);
    let source = &sources.templates[first];
    let hint = "rendering it would never end: a template may not extend, import or include itself, directly or through others (docs/templates.md, Limits)";
    match tag_using(&source.text, how, to) {
        Some(span) => Diagnostic::at(
            &source.file,
            span,
            message,
            format!("{} `{to}`", how.verb()),
        ),
        None => Diagnostic::error(&source.file, message),
    }
    .hint(hint)
}

/// Where in `text` the tag is that uses `name` in the way `how`.
fn tag_using(text: &str, how: Use, name: &str) -> Option<Range<usize>> {
    let quoted: Vec<String> = ['"', '\'', '`']
        .iter()
        .map(|q| format!("{q}{name}{q}"))
        .collect();
    tags(text)
        .into_iter()
        .find(|t| {
            keyword_matches(&t.keyword, how)
                && quoted
                    .iter()
                    .any(|q| text[t.range.clone()].contains(q.as_str()))
        })
        .map(|t| t.range)
}

fn keyword_matches(keyword: &str, how: Use) -> bool {
    matches!(
        (keyword, how),
        ("extends", Use::Extends) | ("import", Use::Imports) | ("include", Use::Includes)
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::sources;
    use super::*;
    use crate::diagnostics::Diagnostics;

    fn check(templates: &[(&str, &str)]) -> (Vec<Diagnostic>, BTreeSet<String>) {
        let s = sources(templates);
        let parsed: BTreeMap<&str, tera::Template> = s
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), tera::Template::new(n, None, &t.text).unwrap()))
            .collect();
        let mut diags = Diagnostics::new();
        let left_out = cycles(&s, &parsed, &mut diags);
        (diags.iter().cloned().collect(), left_out)
    }

    #[test]
    fn a_template_that_includes_itself_is_reported_at_the_include() {
        let text = "<p>\n{% if x %}{% include \"page.html\" %}{% endif %}";
        let (d, out) = check(&[("page.html", text), ("other.html", "x")]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "template `page.html` includes itself");
        assert_eq!(
            &text[d[0].span.clone().unwrap()],
            "{% include \"page.html\" %}"
        );
        assert_eq!(out, BTreeSet::from(["page.html".to_string()]));
    }

    #[test]
    fn circles_through_others_are_reported_once_and_their_users_left_out() {
        let (d, out) = check(&[
            (
                "page.html",
                "{% extends \"base.html\" %}{% block c %}x{% endblock %}",
            ),
            (
                "base.html",
                "{% block c %}{% endblock %}{% include \"a.html\" %}",
            ),
            ("a.html", "{% include ['missing.html', 'b.html'] %}"),
            ("b.html", "{%- import \"m.html\" as m -%}"),
            (
                "m.html",
                "{% import 'a.html' as a %}{% macro f() %}{% endmacro %}",
            ),
            ("fine.html", "{% include \"base2.html\" %}"),
            (
                "base2.html",
                "{% macro g() %}{% include \"fine.html\" %}{% endmacro %}",
            ),
        ]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "template `a.html` uses itself: `a.html` includes `b.html`, which imports `m.html`, which imports `a.html`"
        );
        assert_eq!(d[0].label, "includes `b.html`");
        let left: Vec<&str> = out.iter().map(String::as_str).collect();
        // An include inside a macro runs only when the macro is called: not a circle.
        assert_eq!(
            left,
            ["a.html", "b.html", "base.html", "m.html", "page.html"]
        );
    }

    #[test]
    fn extends_circles_are_found_too() {
        let (d, _) = check(&[
            ("a.html", "{% extends \"b.html\" %}"),
            ("b.html", "{% extends `a.html` %}"),
        ]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].label, "extends `b.html`");
    }
}
