//! Incremental rebuilds (serve): what depends on what. After a body edit, a template edit or
//! the search indexes falling behind, these re-run only the render jobs the change reaches
//! (`Rendering::rerender_bodies`, `Rendering::retemplate`, `Rendering::refresh_search`) and
//! return their files as a [`Patch`]; [`users_of`] finds the templates a template edit reaches.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::Diagnostics;
use crate::load::templates::TemplateSources;
use crate::output::{Output, OutputFile};
use crate::render::Rendering;
use crate::render::functions::register_functions;
use crate::render::jobs::{self, Job, template_of};
use crate::render::values::template_strings;
use crate::resolve::{PageId, Site, Target};
use crate::site::ids::LangId;

/// The output files of re-run jobs: written or replaced (`files`) and no longer produced
/// (`removed`).
#[derive(Debug, Default)]
pub struct Patch {
    pub files: Vec<(String, Vec<u8>)>,
    pub removed: Vec<String>,
    /// How many jobs ran.
    pub jobs: usize,
}

impl Patch {
    /// Applies the patch to an output.
    pub fn apply(self, output: &mut Output) {
        for path in self.removed {
            output.files.remove(&path);
        }
        for (path, bytes) in self.files {
            output.insert_bytes(path, bytes);
        }
    }
}

impl Rendering {
    /// After the Markdown of `changed` pages and sections was rendered again (nothing else
    /// about them changed: see `resolve::update_body`), recomputes their template values and
    /// runs every job that shows them: their own pages, the sections that list them, the
    /// templates that fetched them, the feeds, and, for a version of a governing document,
    /// every version's page (each shows the change from the one before). The search indexes
    /// are left to [`Rendering::refresh_search`].
    pub fn rerender_bodies(
        &mut self,
        site: &Site,
        changed: &[Target],
        diags: &mut Diagnostics,
    ) -> Patch {
        use crate::governance::view::is_document;
        let mut pages: BTreeSet<PageId> = changed
            .iter()
            .filter_map(|t| match *t {
                Target::Page(i) => Some(i),
                Target::Section(_) => None,
            })
            .collect();
        // Every version of a document holds the diffs of the history it shows.
        if pages.iter().any(|&i| is_document(site, i)) {
            pages.extend(site.page_ids().filter(|&j| is_document(site, j)));
        }
        let mut lookup = (*self.lookup).clone();
        let mut jobs: BTreeSet<Job> = BTreeSet::new();
        let mut touched: BTreeSet<Target> = changed.iter().copied().collect();
        for &i in &pages {
            lookup.refresh_page(site, i);
            jobs.insert(Job::Page(i));
            touched.insert(Target::Page(i));
            // The sections listing it (their values hold its word count).
            touched.extend(
                (site.sections())
                    .filter(|(_, s)| s.pages.contains(&i))
                    .map(|(s, _)| Target::Section(s)),
            );
        }
        for &target in &touched {
            if let Target::Section(s) = target {
                lookup.refresh_section(site, s);
                jobs.insert(Job::Section(s));
            }
            if let Some(readers) = self.readers.get(&target) {
                jobs.extend(readers);
            }
        }
        if site.config.generate_feed {
            jobs.extend(site.config.langs.ids().map(Job::Feed));
        }
        self.lookup = Arc::new(lookup);
        self.rerun(site, jobs, diags)
    }

    /// After templates changed (`changed`: their names; the set of templates and their files
    /// is as before), builds the template engine again and runs every job whose template uses
    /// one of them, directly or through `extends`, `include` or `import`.
    pub fn retemplate(
        &mut self,
        site: &Site,
        changed: &BTreeSet<String>,
        diags: &mut Diagnostics,
    ) -> Patch {
        let (found_before, errors_before) = (diags.len(), diags.error_count());
        (self.tera, self.unusable) =
            crate::templates::build_noting_unusable(&site.templates, diags);
        self.templates_broken = (diags.error_count() > errors_before).then_some(found_before);
        self.folded = Default::default();
        self.strings = template_strings(site, &self.lookup);
        let users = users_of(&site.templates, changed);
        let mut jobs: BTreeSet<Job> = jobs::jobs(site)
            .into_iter()
            .filter(|job| template_of(site, *job).is_some_and(|t| users.contains(t)))
            .collect();
        if site.config.build_search_index && users.contains("search.html") {
            jobs.extend(site.config.langs.ids().map(Job::Search));
        }
        self.rerun(site, jobs, diags)
    }

    /// Builds the search index of the languages `langs` again, and their search pages.
    pub fn refresh_search(
        &mut self,
        site: &Site,
        langs: &BTreeSet<LangId>,
        diags: &mut Diagnostics,
    ) -> Patch {
        if !site.config.build_search_index {
            return Patch::default();
        }
        let fresh: Vec<(LangId, crate::search::LanguageIndex)> = langs
            .par_iter()
            .map(|&l| (l, crate::search::build_language(site, l, true)))
            .collect();
        let mut removed = Vec::new();
        let mut files = Vec::new();
        for (l, mut index) in fresh {
            let (Some(old), Some(old_files)) = (
                self.search.get_mut(l.index()),
                self.search_files.get_mut(l.index()),
            ) else {
                continue;
            };
            let new_files = std::mem::take(&mut index.files);
            let paths: Vec<String> = new_files.iter().map(|(p, _)| p.clone()).collect();
            removed.extend(old_files.iter().filter(|p| !paths.contains(p)).cloned());
            files.extend(new_files);
            *old = index;
            *old_files = paths;
        }
        let mut patch = self.rerun(site, langs.iter().map(|&l| Job::Search(l)).collect(), diags);
        patch.files.extend(files);
        patch.removed = removed;
        patch
    }

    /// Runs `jobs` again and returns their files. The template functions are registered on
    /// the engine again first: they hold the template values, and either may have changed.
    fn rerun(&mut self, site: &Site, jobs: BTreeSet<Job>, diags: &mut Diagnostics) -> Patch {
        register_functions(&mut self.tera, &self.lookup);
        let jobs: Vec<Job> = jobs.into_iter().collect();
        let results = self.run_jobs(site, &jobs, None);
        Patch {
            files: self
                .collect(results, false, diags)
                .into_iter()
                .filter_map(|(path, file)| match file {
                    OutputFile::Bytes(bytes) => Some((path, bytes)),
                    _ => None,
                })
                .collect(),
            removed: Vec::new(),
            jobs: jobs.len(),
        }
    }
}

/// The templates that use any of `names`, directly or through others (`extends`, `include`,
/// `import`), and those named. Found by the quoted name in a template's text: tera names the
/// templates a template uses with string literals, so this finds every user (and at worst a
/// template that merely quotes the name).
pub(crate) fn users_of(sources: &TemplateSources, names: &BTreeSet<String>) -> BTreeSet<String> {
    let start = names.iter().map(String::as_str).collect();
    let text = |name: &str| &*sources.templates[name].text;
    crate::templates::reach(sources, start, |candidate, member| {
        crate::templates::names_template(text(candidate), member)
    })
    .into_iter()
    .map(str::to_string)
    .chain(names.iter().cloned())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::templates::TemplateSource;

    #[test]
    fn a_template_is_used_through_extends_include_and_import() {
        let mut sources = TemplateSources::default();
        for (name, text) in [
            ("base.html", "{% block content %}{% endblock %}"),
            ("page.html", "{% extends \"base.html\" %}"),
            // Any of tera's quotes names a template.
            ("news.html", "{% extends `page.html` %}"),
            ("list.html", "{% include 'news.html' %}"),
            ("macros.html", "{% macro m() %}{% endmacro %}"),
            ("case.html", "{% import \"macros.html\" as m %}"),
        ] {
            sources.templates.insert(
                name.into(),
                TemplateSource {
                    file: format!("templates/{name}").into(),
                    text: Arc::from(text),
                },
            );
        }
        let users = |name: &str| {
            users_of(&sources, &BTreeSet::from([name.to_string()]))
                .into_iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            users("base.html"),
            ["base.html", "list.html", "news.html", "page.html"]
        );
        assert_eq!(users("macros.html"), ["case.html", "macros.html"]);
        assert_eq!(users("list.html"), ["list.html"]);
    }
}
