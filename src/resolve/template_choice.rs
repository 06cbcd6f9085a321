//! Part of phase 2, **resolve**: which template renders a page or a section. A `template` in
//! the front matter wins (and must exist), then the governance record's own template, then the
//! nearest section up the tree that sets `page_template`, then the defaults.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::load::templates::TemplateSources;
use crate::load::{LoadedSection, PageSource};
use crate::site::ids::LangId;

fn check_template(
    name: &str,
    span: Option<std::ops::Range<usize>>,
    file: &PathBuf,
    templates: &TemplateSources,
    diags: &mut Diagnostics,
) {
    if templates.templates.contains_key(name) {
        return;
    }
    let names: Vec<&str> = templates.templates.keys().map(String::as_str).collect();
    let message = format!("template `{name}` does not exist");
    let d = match span {
        Some(span) => Diagnostic::at(file, span, message, "no such template"),
        None => Diagnostic::error(file, message),
    };
    let d = match did_you_mean(name, &names) {
        Some(best) => d.hint(format!("did you mean `{best}`?")),
        None => d.hint(format!(
            "create templates/{name}, or use one of: {}",
            names.join(", ")
        )),
    };
    diags.push(d);
}

pub(crate) fn section_template(
    s: &LoadedSection,
    templates: &TemplateSources,
    diags: &mut Diagnostics,
) -> String {
    match &s.source.meta.template {
        Some(t) => {
            let span = s.source.fm_span(t.span());
            check_template(t.get_ref(), Some(span), &s.source.file, templates, diags);
            t.get_ref().clone()
        }
        None if s.parent_key.is_none() => "index.html".into(),
        None if s.source.meta.body.is_some() => "body.html".into(),
        None => "section.html".into(),
    }
}

pub(crate) fn page_template(
    source: &PageSource,
    parent: Option<&LoadedSection>,
    sections: &[LoadedSection],
    section_index: &HashMap<(String, LangId), usize>,
    templates: &TemplateSources,
    diags: &mut Diagnostics,
) -> String {
    if let Some(t) = &source.meta.template {
        let span = source.fm_span(t.span());
        check_template(t.get_ref(), Some(span), &source.file, templates, diags);
        return t.get_ref().clone();
    }
    if let Some(kind) = &source.meta.kind {
        return kind.template().into();
    }
    // The nearest section up the tree that sets `page_template` (each parent in its child's
    // language).
    let find = |k: &str, lang: LangId| {
        section_index
            .get(&(k.to_string(), lang))
            .map(|i| &sections[*i])
    };
    for s in super::ancestors(parent, find) {
        if let Some(t) = &s.source.meta.page_template {
            let span = s.source.fm_span(t.span());
            check_template(t.get_ref(), Some(span), &s.source.file, templates, diags);
            return t.get_ref().clone();
        }
    }
    "page.html".into()
}

/// A translation that leaves its governance table out shows its original's record, in the
/// original's template.
pub(crate) fn inherit_kind_templates(pages: &mut super::Pages) {
    let kind_templates: HashMap<String, &'static str> = pages
        .values()
        .filter(|p| p.source.lang.is_default())
        .filter_map(|p| {
            Some((
                p.source.key.clone(),
                p.source.meta.kind.as_ref()?.template(),
            ))
        })
        .collect();
    for p in pages.values_mut() {
        if p.source.meta.kind.is_none()
            && p.source.meta.template.is_none()
            && let Some(t) = kind_templates.get(&p.source.key)
        {
            p.template = (*t).to_string();
        }
    }
}
