//! The macro-depth guard (render phase): every macro's body starts and ends with a call to a
//! function that counts, in a thread-local per render job, and a render whose macros call each
//! other too deep fails with an error at the macro.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use super::tags;
use crate::diagnostics::Diagnostic;
use crate::load::templates::TemplateSources;

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

#[cfg(test)]
mod tests {
    use super::super::tests::sources;
    use super::*;
    use crate::diagnostics::Diagnostics;

    /// Renders `page.html` of `templates` with styre's template engine (macros guarded).
    fn render(templates: &[(&str, &str)]) -> Result<String, tera::Error> {
        let mut diags = Diagnostics::new();
        let tera = crate::templates::build_noting_unusable(&sources(templates), &mut diags).0;
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
}
