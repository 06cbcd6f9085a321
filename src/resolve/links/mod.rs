//! Part of phase 2, **resolve**: what links in Markdown point at. [`KeyResolver`] answers
//! `@/` keys, case IDs and `@generated` names for the Markdown renderer; [`check_links`] reports
//! `@/` links whose file or heading does not exist, and [`report_unknown_cases`] the case IDs
//! that name no case and the other problems a rendered text carries.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, shifted};
use crate::governance::registry::{CaseId, Registry};
use crate::markdown::{LinkResolver, script_link, too_deep};
use crate::resolve::ContentIndex;
use crate::site::ids::LangId;

use super::{Page, Pages, Section, Sections, Site, Target};

pub(crate) struct KeyResolver<'a> {
    pub(crate) config: &'a Config,
    pub(crate) index: &'a ContentIndex,
    pub(crate) pages: &'a Pages,
    pub(crate) sections: &'a Sections,
    pub(crate) governance: &'a Registry,
    pub(crate) lang: LangId,
}

impl LinkResolver for KeyResolver<'_> {
    fn resolve(&self, key: &str) -> Option<String> {
        let target = self.index.get_or_default(key, self.lang)?;
        Some(match target {
            Target::Page(i) => self.pages[i].permalink.clone(),
            Target::Section(i) => self.sections[i].permalink.clone(),
        })
    }

    fn case(&self, id: &str) -> Option<(CaseId, String)> {
        let i = self.governance.find_case(id)?;
        let path = self.governance.case_path(i, self.lang);
        Some((i, self.config.absolute_url(path)))
    }

    fn generated(&self, name: &str) -> Option<String> {
        self.governance
            .generated_path(name, self.lang)
            .map(|p| self.config.absolute_url(&p))
    }
}

/// Checks every `@/` link of the site (after [`update_body`]).
pub fn check_all_links(site: &Site, diags: &mut Diagnostics) {
    check_links(site, &BTreeSet::new(), diags);
}

/// Reports `@/` links whose target or anchor does not exist.
pub(crate) fn check_links(site: &Site, failed: &BTreeSet<String>, diags: &mut Diagnostics) {
    let mut keys: Vec<&str> = site.index.keys().collect();
    keys.sort_unstable();
    let items = (site.pages().map(|(_, p)| (&p.source, &p.rendered)))
        .map(|(s, r)| (&s.file, s.lang, s.body_offset, s.fallback, r))
        .chain(
            (site.sections().map(|(_, s)| (&s.source, &s.rendered)))
                .map(|(s, r)| (&s.file, s.lang, s.body_offset, s.fallback, r)),
        );
    for (file, lang, offset, fallback, rendered) in items {
        if fallback {
            check_standin_anchors(site, (file, lang, offset), rendered, diags);
            continue;
        }
        for link in &rendered.links {
            let at = (file.as_path(), shifted(&link.span, offset));
            if let Some(name) = link.key.strip_prefix('@') {
                if !link.resolved {
                    diags.push(site.governance.unknown_generated(at, name, lang));
                }
                continue;
            }
            let Some(target) = site.get_or_default(&link.key, lang) else {
                if !failed.contains(&link.key) {
                    diags.push(broken_key(at, &link.key, &keys));
                }
                continue;
            };
            let Some(anchor) = &link.anchor else { continue };
            let (anchors, _) = anchors_of(site, target);
            if !anchors.iter().any(|a| a == anchor) {
                diags.push(broken_anchor(at, &link.key, anchor, anchors));
            }
        }
    }
}

/// A stand-in repeats its original's links, which are checked there; but where a link's
/// target has a version in the stand-in's language, the anchor must exist in that version too.
fn check_standin_anchors(
    site: &Site,
    (file, lang, offset): (&Path, LangId, usize),
    rendered: &crate::markdown::Rendered,
    diags: &mut Diagnostics,
) {
    for link in &rendered.links {
        let Some(anchor) = &link.anchor else { continue };
        let Some(target) = site.get(&link.key, lang) else {
            continue;
        };
        let (anchors, target_file) = anchors_of(site, target);
        if site.is_fallback(target) || anchors.iter().any(|a| a == anchor) {
            continue;
        }
        let at = (file, shifted(&link.span, offset));
        let d = broken_anchor(at, &link.key, anchor, anchors);
        let lang = site.config.langs.code(lang);
        diags.push(Diagnostic {
            message: format!(
                "broken anchor: `@/{}` has no heading `#{anchor}` in {}, the `{lang}` version \
                 that this page's `{lang}` stand-in links to",
                link.key,
                target_file.display()
            ),
            ..d
        });
    }
}

/// The anchors (heading ids, footnote names) of a page or section, and its file.
fn anchors_of(site: &Site, target: Target) -> (&[String], &Path) {
    match target {
        Target::Page(i) => (&site.page(i).rendered.anchors, &site.page(i).source.file),
        Target::Section(i) => (
            &site.section(i).rendered.anchors,
            &site.section(i).source.file,
        ),
    }
}

/// Where a link is written: its file and the byte range in it.
type At<'a> = (&'a Path, Range<usize>);

/// `@/key` that names no content file.
fn broken_key((file, span): At, key: &str, keys: &[&str]) -> Diagnostic {
    let d = Diagnostic::at(
        file,
        span,
        format!("broken internal link: `@/{key}` does not exist"),
        "no content file at this path",
    );
    match did_you_mean(key, keys) {
        Some(best) => d.hint(format!("did you mean `@/{best}`?")),
        None => d.hint("internal links name a file below content/, e.g. @/om/mandat.md"),
    }
}

/// `@/key#anchor` whose target has no such heading or footnote.
fn broken_anchor((file, span): At, key: &str, anchor: &str, anchors: &[String]) -> Diagnostic {
    let candidates: Vec<&str> = anchors.iter().map(String::as_str).collect();
    let d = Diagnostic::at(
        file,
        span,
        format!("broken anchor: `@/{key}` has no heading `#{anchor}`"),
        "no such anchor",
    );
    match did_you_mean(anchor, &candidates) {
        Some(best) => d.hint(format!("did you mean `#{best}`?")),
        None if candidates.is_empty() => d.hint("the target has no headings"),
        None => d.hint(format!("its anchors: {}", candidates.join(", "))),
    }
}

/// Case IDs written after "sak" that name no case, and links with script schemes: worth a
/// warning, not a failed build. Texts nested too deep: an error.
pub(crate) fn report_unknown_cases<'a>(
    pages: impl IntoIterator<Item = &'a Page>,
    sections: impl IntoIterator<Item = &'a Section>,
    diags: &mut Diagnostics,
) {
    let bodies = (pages.into_iter())
        .filter(|p| !p.source.fallback)
        .map(|p| (&p.source.file, p.source.body_offset, &p.rendered))
        .chain(
            (sections.into_iter())
                .filter(|s| !s.source.fallback)
                .map(|s| (&s.source.file, s.source.body_offset, &s.rendered)),
        );
    for (file, offset, rendered) in bodies {
        for m in rendered
            .cases
            .iter()
            .filter(|m| m.case.is_none() && m.reported)
        {
            diags.push(
                Diagnostic::at(
                    file,
                    shifted(&m.span, offset),
                    format!("unknown case `{}`", m.id),
                    "no case with this ID",
                )
                .hint("check the ID; a case from a meeting outside the archive can be declared in a follow-up item")
                .warning(),
            );
        }
        for (span, scheme) in &rendered.script_links {
            diags.push(script_link(file, shifted(span, offset), scheme));
        }
        for (span, c) in &rendered.forbidden {
            diags.push(crate::input::forbidden_at(
                file,
                shifted(span, offset),
                *c,
                "written as a character reference in this text",
            ));
        }
        if let Some(at) = rendered.too_deep {
            let label = format!("level {} starts here", crate::nesting::BODY_LIMIT + 1);
            diags.push(too_deep(file, shifted(&(at..at + 1), offset), label));
        }
    }
}

#[cfg(test)]
mod tests;
