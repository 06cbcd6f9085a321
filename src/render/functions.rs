//! Phase 3, render: the functions templates call (docs/templates.md): `get_page`,
//! `get_section`, `get_url`, and the locale helpers `count`, `format_date`, `format_number`,
//! `format_list`, the filter `json_script`; and the read log, which notes the pages and sections a job fetched through
//! `get_page`/`get_section` (what an incremental rebuild follows).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::render::values::Lookup;
use crate::resolve::Target;
use crate::site::ids::LangId;

thread_local! {
    /// The pages and sections the job running on this thread fetched from its templates. A job
    /// runs on one thread from start to end: nothing inside `Renderer::run` hands work to rayon
    /// (which could run another job's piece on this thread mid-job); keep it so.
    static READS: RefCell<Vec<Target>> = const { RefCell::new(Vec::new()) };
}

fn note_read(target: Target) {
    READS.with(|r| r.borrow_mut().push(target));
}

/// Runs one job (`work`) on this thread, and returns its result with the pages and sections its
/// templates fetched. The only way in to the read log besides `get_page`/`get_section`.
pub(crate) fn noting_reads<R>(work: impl FnOnce() -> R) -> (R, Vec<Target>) {
    READS.with(|r| r.borrow_mut().clear());
    let result = work();
    let reads = READS.with(|r| std::mem::take(&mut *r.borrow_mut()));
    (result, reads)
}

/// `count`, `format_date`, `format_number`: the locale helpers (docs/templates.md).
fn register_locale_functions(tera: &mut tera::Tera, lookup: &Arc<Lookup>) {
    fn strings_of<'l>(
        l: &'l Lookup,
        args: &HashMap<String, Value>,
        function: &str,
    ) -> tera::Result<(String, &'l Value)> {
        let lang =
            string_arg(args, "lang", function)?.unwrap_or_else(|| l.default_language.clone());
        let strings = l.langs.id(&lang).map(|id| &l.strings[id.index()]);
        let strings = strings.ok_or_else(|| {
            tera::Error::msg(format!("`{function}`: no language `{lang}` in config.toml"))
        })?;
        Ok((lang, strings))
    }
    let l = Arc::clone(lookup);
    tera.register_function("count", move |args: &HashMap<String, Value>| {
        let (lang, strings) = strings_of(&l, args, "count")?;
        let key = string_arg(args, "key", "count")?.ok_or_else(|| {
            tera::Error::msg("`count` needs `key`, e.g. count(key=\"cases\", n=3, lang=lang)")
        })?;
        let n = args
            .get("n")
            .and_then(Value::as_i64)
            .ok_or_else(|| tera::Error::msg("`count` needs a whole number `n`"))?;
        let forms = strings
            .get("count")
            .and_then(|c| c.get(&key))
            .ok_or_else(|| tera::Error::msg(format!("`count`: no string `count.{key}`")))?;
        Ok(Value::String(crate::i18n::plural(strings, forms, &lang, n)))
    });
    let l = Arc::clone(lookup);
    tera.register_function("format_date", move |args: &HashMap<String, Value>| {
        let (_, strings) = strings_of(&l, args, "format_date")?;
        let date = string_arg(args, "date", "format_date")?
            .ok_or_else(|| tera::Error::msg("`format_date` needs `date` (YYYY-MM-DD)"))?;
        Ok(Value::String(
            crate::i18n::format_date(strings, &date).unwrap_or(date),
        ))
    });
    let l = Arc::clone(lookup);
    tera.register_function("format_number", move |args: &HashMap<String, Value>| {
        let (_, strings) = strings_of(&l, args, "format_number")?;
        let n = args
            .get("n")
            .and_then(Value::as_f64)
            .ok_or_else(|| tera::Error::msg("`format_number` needs a number `n`"))?;
        Ok(Value::String(crate::i18n::format_number(strings, n)))
    });
    let l = Arc::clone(lookup);
    tera.register_function("format_list", move |args: &HashMap<String, Value>| {
        let (_, strings) = strings_of(&l, args, "format_list")?;
        let items: Vec<String> = args
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| tera::Error::msg("`format_list` needs a list `items`"))?
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        Ok(Value::String(crate::i18n::format_list(strings, &items)))
    });
}

fn string_arg(
    args: &HashMap<String, Value>,
    name: &str,
    function: &str,
) -> tera::Result<Option<String>> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(tera::Error::msg(format!(
            "`{function}`: argument `{name}` must be a string, got {other}"
        ))),
    }
}

/// The `json_script` filter.
fn json_script(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(crate::site::html::json_for_script(value)))
}

/// Registers the template functions on `tera`; they read the template values of `lookup`. And
/// the filter `json_script`: a value as JSON that may stand inside a `<script>` element
/// (JSON-LD), where tera's `json_encode` would let a `</script>` in a title end the element.
pub(crate) fn register_functions(tera: &mut tera::Tera, lookup: &Arc<Lookup>) {
    tera.register_filter("json_script", json_script);
    register_locale_functions(tera, lookup);
    let l = Arc::clone(lookup);
    tera.register_function("get_page", move |args: &HashMap<String, Value>| {
        get_page(&l, args)
    });
    let l = Arc::clone(lookup);
    tera.register_function("get_section", move |args: &HashMap<String, Value>| {
        get_section(&l, args)
    });
    let l = Arc::clone(lookup);
    tera.register_function("get_url", move |args: &HashMap<String, Value>| {
        get_url(&l, args)
    });
}

/// The language whose content `get_page` and `get_section` read: the `lang` argument's, else
/// the default. A code the site does not have reads the default language's content, as a key
/// without a version in the language does (`get_url(path="@/…")` reads the same way).
fn content_lang(l: &Lookup, code: Option<&str>) -> LangId {
    code.and_then(|c| l.langs.id(c)).unwrap_or(LangId::DEFAULT)
}

/// `get_page(path, lang)`: the full value of a page.
fn get_page(l: &Lookup, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = string_arg(args, "path", "get_page")?.ok_or_else(|| {
        tera::Error::msg("`get_page` needs `path`, e.g. get_page(path=\"om/mandat.md\")")
    })?;
    let lang = string_arg(args, "lang", "get_page")?;
    match l.find(
        path.trim_start_matches("@/"),
        content_lang(l, lang.as_deref()),
    ) {
        Some(Target::Page(i)) => {
            note_read(Target::Page(i));
            Ok((**l.page(i)).clone())
        }
        _ => Err(tera::Error::msg(format!("`get_page`: no page `{path}`"))),
    }
}

/// `get_section(path, lang)`: the value of a section, with its pages.
fn get_section(l: &Lookup, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = string_arg(args, "path", "get_section")?.ok_or_else(|| {
        tera::Error::msg("`get_section` needs `path`, e.g. get_section(path=\"moter/_index.md\")")
    })?;
    let lang = string_arg(args, "lang", "get_section")?;
    match l.find(
        path.trim_start_matches("@/"),
        content_lang(l, lang.as_deref()),
    ) {
        Some(Target::Section(i)) => {
            note_read(Target::Section(i));
            Ok((**l.section(i)).clone())
        }
        _ => Err(tera::Error::msg(format!(
            "`get_section`: no section `{path}`"
        ))),
    }
}

/// `get_url(path, lang)`: the URL of a generated page (`@decisions`), of content (`@/key.md`),
/// or of a file of the output.
fn get_url(l: &Lookup, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = string_arg(args, "path", "get_url")?
        .ok_or_else(|| tera::Error::msg("`get_url` needs `path`"))?;
    let explicit_lang = string_arg(args, "lang", "get_url")?;
    // `lang`, else the default; `None` for a code the site does not have.
    let lang = match &explicit_lang {
        Some(code) => l.langs.id(code),
        None => Some(LangId::DEFAULT),
    };
    if let Some(name) = path.strip_prefix('@').filter(|p| !p.starts_with('/')) {
        let registers = lang.map(|id| &l.registers[id.index()]);
        return registers
            .and_then(|r| r.get(name.replace('-', "_")))
            .cloned()
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "`get_url`: no generated page `{path}`; this site has: {}",
                    registers
                        .and_then(Value::as_object)
                        .map(|o| o
                            .keys()
                            .map(|k| format!("@{}", k.replace('_', "-")))
                            .collect::<Vec<_>>()
                            .join(", "))
                        .unwrap_or_default()
                ))
            });
    }
    if let Some(key) = path.strip_prefix("@/") {
        let (key, anchor) = match key.split_once('#') {
            Some((k, a)) => (k, format!("#{a}")),
            None => (key, String::new()),
        };
        return match l.find(key, lang.unwrap_or(LangId::DEFAULT)) {
            Some(Target::Page(i)) => Ok(Value::String(format!(
                "{}{anchor}",
                l.page(i)["permalink"].as_str().unwrap_or_default()
            ))),
            Some(Target::Section(i)) => Ok(Value::String(format!(
                "{}{anchor}",
                l.section(i)["permalink"].as_str().unwrap_or_default()
            ))),
            None => Err(tera::Error::msg(format!("`get_url`: no content `{path}`"))),
        };
    }
    // A plain path is a file of the output; with `lang` it is that language's copy
    // (`atom.xml` of English is `/en/atom.xml`).
    let prefix = lang.map(|id| l.langs.prefix(id)).ok_or_else(|| {
        let code = explicit_lang.unwrap_or_default();
        tera::Error::msg(format!("`get_url`: no language `{code}` in config.toml"))
    })?;
    Ok(Value::String(format!(
        "{}{prefix}{}",
        l.base_url,
        path.trim_start_matches('/')
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A title that tries to end the script element, or hide the end in a comment, stays a
    /// JSON string inside it.
    #[test]
    fn json_script_keeps_a_hostile_title_inside_its_script() {
        let mut tera = tera::Tera::default();
        tera.register_filter("json_script", json_script);
        tera.add_raw_template(
            "t",
            r#"<script type="application/ld+json">{"name":{{ x | json_script | safe }}}</script>"#,
        )
        .unwrap();
        let attack = "</script><!--<script>alert(1)</script> & \u{2028}";
        let mut ctx = tera::Context::new();
        ctx.insert("x", attack);
        let html = tera.render("t", &ctx).unwrap();
        let inner = html
            .strip_prefix(r#"<script type="application/ld+json">"#)
            .and_then(|h| h.strip_suffix("</script>"))
            .unwrap();
        assert!(!inner.contains('<') && !inner.contains('>'), "{inner}");
        let back: Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], attack);
    }
}
