//! What would make tera recurse without end, found before it renders or bounded while it
//! does (tera itself recurses until the stack overflows):
//!
//! - a template that uses itself, directly or through others, through `{% extends %}`,
//!   `{% import %}` or an `{% include %}` outside a macro: such templates, and every template
//!   that uses them, are reported ([`cycles`]) and left out of the engine;
//! - tags nested more than [`TAG_DEPTH`] deep, or a tag whose expression holds more than
//!   [`EXPRESSION_SIZE`] operators and brackets (tera parses and evaluates both by recursion,
//!   one level each): checked on the text before tera parses it ([`check_depth`]), an error at
//!   the tag, and the template left out as if it did not parse;
//! - macros that call macros more than [`MACRO_DEPTH`] deep (a macro may call itself, to show
//!   nested data, so this can only be counted as it happens): every macro's body starts and
//!   ends with a call to a function that counts ([`guard_macros`]), and a render that goes
//!   deeper fails with an error at the macro ([`macro_overflow`]).
//!
//! The uses come from tera's own parse of each template (its syntax tree); their places in the
//! text from [`tags`], which reads a template's tags as tera does.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use tera::ast::Node;

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

/// How deep `{% if %}`, `{% for %}`, `{% block %}`, `{% macro %}` and `{% filter %}` may nest in
/// one template.
pub const TAG_DEPTH: usize = 100;

/// How many operators (`+`, `==`, `and`, `not`, …) and levels of brackets one tag's
/// expression may hold: a chain of operators nests one level each (`1 + 1 + 1` is `(1 + 1) + 1`).
pub const EXPRESSION_SIZE: usize = 100;

/// The error for a template whose tags nest deeper than [`TAG_DEPTH`] or whose expression is
/// bigger than [`EXPRESSION_SIZE`], at the first such tag; read from the text, before tera
/// parses it (its parser would overflow the stack first).
pub fn check_depth(file: &std::path::Path, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    for tag in tags(text) {
        if tag.statement {
            match tag.keyword.as_str() {
                "if" | "for" | "block" | "macro" | "filter" => {
                    depth += 1;
                    if depth > TAG_DEPTH {
                        return Some(
                            Diagnostic::at(
                                file,
                                tag.range,
                                format!("template tags nest more than {TAG_DEPTH} levels deep"),
                                format!("level {} opens here", TAG_DEPTH + 1),
                            )
                            .hint(format!(
                                "`if`, `for`, `block`, `macro` and `filter` may nest {TAG_DEPTH} deep in a template; move the inner part into a macro or another template (docs/templates.md, Limits)"
                            )),
                        );
                    }
                }
                "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" => {
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        if expression_size(&text[tag.range.clone()]) > EXPRESSION_SIZE {
            return Some(
                Diagnostic::at(
                    file,
                    tag.range,
                    format!(
                        "this expression holds more than {EXPRESSION_SIZE} operators and brackets"
                    ),
                    "too big an expression",
                )
                .hint(format!(
                    "one tag may hold {EXPRESSION_SIZE} operators and levels of brackets; split it with `{{% set %}}` (docs/templates.md, Limits)"
                )),
            );
        }
    }
    None
}

/// The operators of a tag (`{{ … }}` or `{% … %}`, delimiters included) and its deepest
/// brackets, strings left out.
fn expression_size(tag: &str) -> usize {
    let inner = tag
        .get(2..tag.len().saturating_sub(2))
        .unwrap_or_default()
        .trim_start_matches('-')
        .trim_end_matches('-');
    let b = inner.as_bytes();
    let (mut operators, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e + 1);
                continue;
            }
            b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' => operators += 1,
            // `==` and `!=` (a lone `=` assigns or names an argument).
            b'=' | b'!' if b.get(i + 1) == Some(&b'=') => {
                operators += 1;
                i += 2;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                if matches!(&b[i..i + len], b"and" | b"or" | b"not" | b"in" | b"is") {
                    operators += 1;
                }
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    operators + deepest
}

/// How deep macros may call macros, a macro that calls itself included. Nested data rarely
/// needs a tenth of it (a table of contents is six levels deep at most).
pub const MACRO_DEPTH: usize = 64;

/// Where a macro is defined, for the error when calls nest too deep.
#[derive(Debug)]
pub struct MacroSite {
    name: String,
    file: PathBuf,
    /// Its `{% macro … %}` tag.
    span: Range<usize>,
}

thread_local! {
    /// How deep the render running on this thread is in macro calls. A job renders on one
    /// thread from start to end (see `render.rs`), and [`begin_render`] resets it.
    static MACRO_CALLS: Cell<usize> = const { Cell::new(0) };
    /// The error of this thread's render, when its macro calls went too deep.
    static OVERFLOW: RefCell<Option<Diagnostic>> = const { RefCell::new(None) };
}

/// What tera gets of each template that defines macros: its text with
/// `{{ __styre_macro(site=N) }}` right after each `{% macro … %}` tag and
/// `{{ __styre_macro_end() }}` right before each `{% endmacro %}` (written with the tags'
/// whitespace control, `-%}` and `{%-`, so the output is the same), and each macro's place
/// (`site=N` indexes it). Templates without macros are not listed.
pub fn guard_macros(
    sources: &TemplateSources,
    parsed: &BTreeMap<&str, tera::Template>,
) -> (BTreeMap<String, String>, Vec<MacroSite>) {
    let mut texts = BTreeMap::new();
    let mut sites = Vec::new();
    for (name, template) in parsed {
        if template.macros.is_empty() {
            continue;
        }
        let source = &sources.templates[*name];
        let text = &*source.text;
        let mut out = String::with_capacity(text.len() + 64);
        let mut copied = 0;
        for tag in tags(text) {
            match tag.keyword.as_str() {
                "macro" => {
                    let after = text[tag.range.clone()]
                        .split_once("macro")
                        .map_or("", |(_, rest)| rest);
                    let macro_name = after.split('(').next().unwrap_or_default().trim();
                    out.push_str(&text[copied..tag.range.end]);
                    let trim = if tag.trim_right { "-" } else { "" };
                    out.push_str(&format!(
                        "{{{{ __styre_macro(site={}) {trim}}}}}",
                        sites.len()
                    ));
                    copied = tag.range.end;
                    sites.push(MacroSite {
                        name: macro_name.to_string(),
                        file: source.file.clone(),
                        span: tag.range,
                    });
                }
                "endmacro" => {
                    out.push_str(&text[copied..tag.range.start]);
                    let trim = if tag.trim_left { "-" } else { "" };
                    out.push_str(&format!("{{{{{trim} __styre_macro_end() }}}}"));
                    copied = tag.range.start;
                }
                _ => {}
            }
        }
        out.push_str(&text[copied..]);
        texts.insert(name.to_string(), out);
    }
    (texts, sites)
}

/// Registers the counting functions the guarded macros call.
pub fn register_guard(tera: &mut tera::Tera, sites: Arc<Vec<MacroSite>>) {
    tera.register_function(
        "__styre_macro",
        move |args: &HashMap<String, tera::Value>| {
            let depth = MACRO_CALLS.with(|d| {
                d.set(d.get() + 1);
                d.get()
            });
            if depth <= MACRO_DEPTH {
                return Ok(tera::Value::String(String::new()));
            }
            let site = args
                .get("site")
                .and_then(tera::Value::as_u64)
                .and_then(|s| sites.get(s as usize));
            let name = site.map_or("?", |s| s.name.as_str());
            if let Some(site) = site {
                OVERFLOW.with(|o| {
                    o.borrow_mut().get_or_insert_with(|| too_deep(site));
                });
            }
            Err(tera::Error::msg(format!(
                "macro `{name}` is called more than {MACRO_DEPTH} levels deep"
            )))
        },
    );
    tera.register_function("__styre_macro_end", |_: &HashMap<String, tera::Value>| {
        MACRO_CALLS.with(|d| d.set(d.get().saturating_sub(1)));
        Ok(tera::Value::String(String::new()))
    });
}

/// A render starts on this thread: no macro calls yet.
pub fn begin_render() {
    MACRO_CALLS.with(|d| d.set(0));
    OVERFLOW.with(|o| o.borrow_mut().take());
}

/// The error for the render that just failed on this thread, if it failed because macros
/// called each other too deep: at the macro where the limit was crossed (the same for every
/// page that renders it, so it is reported once).
pub fn macro_overflow() -> Option<Diagnostic> {
    OVERFLOW.with(|o| o.borrow_mut().take())
}

fn too_deep(site: &MacroSite) -> Diagnostic {
    Diagnostic::at(
        &site.file,
        site.span.clone(),
        format!(
            "macro `{}` is called more than {MACRO_DEPTH} levels deep",
            site.name
        ),
        "the call that went too deep was to this macro",
    )
    .hint(format!(
        "a macro may call itself (to show nested data) up to {MACRO_DEPTH} levels deep; check what ends its recursion (docs/templates.md, Limits)"
    ))
}

/// A tag of a template: `{% … %}` or `{{ … }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// From `{` to `}`, both included.
    pub range: Range<usize>,
    /// `{% … %}` (a statement) rather than `{{ … }}`.
    pub statement: bool,
    /// The statement's first word (`macro`, `include`, `endmacro`); empty for `{{ … }}`.
    pub keyword: String,
    /// Written `{%-` / `{{-`.
    pub trim_left: bool,
    /// Written `-%}` / `-}}`.
    pub trim_right: bool,
}

/// The tags of a template, in order, as tera's grammar reads them: comments (`{# … #}`) and
/// the text of `{% raw %}` blocks are not tags; strings inside a tag may hold `%}` or `}}`. Any
/// text is read (a template that does not parse gives some tags, and no panic).
pub fn tags(text: &str) -> Vec<Tag> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = memchr::memchr(b'{', &b[i.min(b.len())..]).map(|p| i + p) {
        let kind = b.get(open + 1).copied();
        let close: &[u8] = match kind {
            Some(b'{') => b"}}",
            Some(b'%') => b"%}",
            Some(b'#') => {
                i = memchr::memmem::find(&b[open..], b"#}").map_or(b.len(), |e| open + e + 2);
                continue;
            }
            _ => {
                i = open + 1;
                continue;
            }
        };
        let mut j = open + 2;
        let trim_left = b.get(j) == Some(&b'-');
        let end = loop {
            match b.get(j) {
                None => break b.len(),
                Some(&q @ (b'"' | b'\'' | b'`')) => {
                    j = memchr::memchr(q, &b[j + 1..]).map_or(b.len(), |e| j + 1 + e + 1);
                }
                Some(_) if b[j..].starts_with(close) => break j + 2,
                Some(_) => j += 1,
            }
        };
        let inner_start = open + 2 + usize::from(trim_left);
        let trim_right = end >= 3 && end - 3 >= inner_start && b[end - 3] == b'-';
        let statement = kind == Some(b'%');
        let keyword = if statement {
            text[inner_start..end.max(inner_start)]
                .trim_start()
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default()
                .to_string()
        } else {
            String::new()
        };
        i = end;
        if keyword == "raw" {
            // Its text is not read: skip to `{% endraw %}`.
            i = find_endraw(text, end).unwrap_or(b.len());
            continue;
        }
        out.push(Tag {
            range: open..end,
            statement,
            keyword,
            trim_left,
            trim_right,
        });
    }
    out
}

/// The end of the `{% endraw %}` tag after `from`.
fn find_endraw(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(p) = text.get(at..)?.find("{%") {
        let start = at + p;
        let rest = text[start + 2..].trim_start_matches('-').trim_start();
        if let Some(after) = rest.strip_prefix("endraw") {
            let after = after.trim_start();
            let after = after.strip_prefix('-').unwrap_or(after);
            if after.starts_with("%}") {
                return Some(text.len() - after.len() + 2);
            }
        }
        at = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::load::templates::TemplateSource;

    fn sources(templates: &[(&str, &str)]) -> TemplateSources {
        let mut s = TemplateSources::default();
        for (name, text) in templates {
            s.templates.insert(
                name.to_string(),
                TemplateSource {
                    file: format!("templates/{name}").into(),
                    text: (*text).into(),
                },
            );
        }
        s
    }

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

    /// Renders `page.html` of `templates` with styre's template engine (macros guarded).
    fn render(templates: &[(&str, &str)]) -> Result<String, tera::Error> {
        let mut diags = Diagnostics::new();
        let tera = crate::templates::build(&sources(templates), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        begin_render();
        tera.render("page.html", &tera::Context::new())
    }

    #[test]
    fn guarded_macros_render_as_written() {
        let page = "{% import \"m.html\" as m %}[{{ m::f(x=1) }}]\n[{{ m::g() }}]";
        for macros in [
            "{% macro f(x) %}  <b>{{ x }}</b>  {% endmacro %}{% macro g() %}{{ self::f(x=2) }}{% endmacro %}",
            "{% macro f(x) -%}  <b>{{ x }}</b>  {%- endmacro %}{% macro g() -%} {{ self::f(x=2) }} {%- endmacro %}",
            "{%- macro f(x) -%}\n  a {{ x }}\n{%- endmacro f -%}\n{%- macro g() %} g {% endmacro g %}",
            "{% macro f(x) -%}{{ x }}{%- endmacro %}{% macro g() %}a{{ self::f(x=3) }}{%- endmacro %}",
            "{% macro f(x) -%}\n {% if x %} y {% endif %} \n{%- endmacro %}{% macro g() -%}\n\n{%- endmacro %}",
            "{% macro f(x, sep=\"%}\") -%} {{ x }}{{ sep }} {% endmacro %}{% macro g() %}{% raw %}{% endmacro %}{% endraw %}{% endmacro %}",
        ] {
            let mut plain = tera::Tera::default();
            plain
                .add_raw_templates([("m.html", macros), ("page.html", page)])
                .unwrap();
            let expected = plain.render("page.html", &tera::Context::new()).unwrap();
            let actual = render(&[("m.html", macros), ("page.html", page)]).unwrap();
            assert_eq!(actual, expected, "{macros}");
        }
    }

    #[test]
    fn macros_may_call_themselves_up_to_the_limit() {
        let recursive = |levels: usize| {
            format!(
                "{{% macro f(n) %}}.{{% if n < {levels} %}}{{{{ self::f(n=n+1) }}}}{{% endif %}}{{% endmacro %}}"
            )
        };
        let page = "{% import \"m.html\" as m %}{{ m::f(n=1) }}";
        let ok = render(&[("m.html", &recursive(MACRO_DEPTH)), ("page.html", page)]).unwrap();
        assert_eq!(ok.len(), MACRO_DEPTH);
        assert!(macro_overflow().is_none());
        let text = recursive(MACRO_DEPTH + 1);
        assert!(render(&[("m.html", &text), ("page.html", page)]).is_err());
        let d = macro_overflow().expect("the error at the macro");
        assert_eq!(d.message, "macro `f` is called more than 64 levels deep");
        assert_eq!(d.span, Some(0..16));
        // The next render starts from nothing.
        let ok = render(&[("m.html", &recursive(MACRO_DEPTH)), ("page.html", page)]).unwrap();
        assert_eq!(ok.len(), MACRO_DEPTH);
    }

    #[test]
    fn tags_and_expressions_nested_too_deep_are_found_before_parsing() {
        let file = std::path::Path::new("templates/t.html");
        let nested = |n: usize| format!("{}x{}", "{% if a %}".repeat(n), "{% endif %}".repeat(n));
        assert!(check_depth(file, &nested(TAG_DEPTH)).is_none());
        let text = nested(TAG_DEPTH + 1);
        let d = check_depth(file, &text).expect("too deep");
        assert_eq!(d.span, Some(10 * TAG_DEPTH..10 * TAG_DEPTH + 10));
        // Siblings do not nest.
        assert!(check_depth(file, &"{% for x in y %}{% endfor %}".repeat(500)).is_none());

        let sum = |n: usize| format!("{{{{ 1{} }}}}", " + 1".repeat(n));
        assert!(check_depth(file, &sum(EXPRESSION_SIZE)).is_none());
        assert!(check_depth(file, &sum(EXPRESSION_SIZE + 1)).is_some());
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(101), ")".repeat(101));
        assert!(check_depth(file, &parens).is_some());
        // Strings, `=`, filters and whitespace control are not operators.
        let quiet = format!(
            "{{%- set x = \"{}\" | replace(from=\"a\", to=\"b\") | upper -%}}{{{{- f(a=1, b=[1, 2]) -}}}}",
            "+ - and or ((((".repeat(100)
        );
        assert!(check_depth(file, &quiet).is_none());
    }

    #[test]
    fn tags_are_read_as_tera_reads_them() {
        let text = "a {{ x }} {# {% include 'no' %} #} {%- raw -%}{% include 'no' %}{% endraw %}\
                    {% if s == \"%}\" -%}{{- '}}' }}{% endif %}";
        let tags = tags(text);
        let shown: Vec<(&str, &str, bool, bool)> = tags
            .iter()
            .map(|t| {
                (
                    &text[t.range.clone()],
                    t.keyword.as_str(),
                    t.trim_left,
                    t.trim_right,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("{{ x }}", "", false, false),
                ("{% if s == \"%}\" -%}", "if", false, true),
                ("{{- '}}' }}", "", true, false),
                ("{% endif %}", "endif", false, false),
            ]
        );
    }
}
