//! Phase 3, **render**: the resolved [`Site`] in, an in-memory [`Output`] out.
//!
//! Pure with respect to the file system: it reads nothing but the site (static files are
//! listed as copies, not read) and writes nothing itself (`styre build` may hand it a
//! [`Sink`] that takes each file as it is made). Every output file is one [`Job`]; jobs run in
//! parallel and are collected into a sorted map, so the output is byte-identical run to run.
//!
//! What each job reads is explicit in [`Job`]: a page job reads its page, its template chain,
//! the config and whatever the template looks up through `get_page`/`get_section`/`get_url`;
//! listings (sections, feeds, the sitemap) read the pages they list. This is the map a later
//! incremental rebuild follows.

pub mod i18n;
pub mod search;
pub mod template_limits;
pub mod templates;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Language;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::governance::view::View;
use crate::output::{Output, OutputFile, file_for};
use crate::resolve::{Page, Section, Site, Target};

/// One output file to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// Index into `site.pages`.
    Page(usize),
    /// Index into `site.sections`.
    Section(usize),
    /// The 404 page of a language (index into `config.languages`).
    NotFound(usize),
    /// The Atom feed of a language.
    Feed(usize),
    Sitemap,
    Robots,
    /// Index into `site.aliases`.
    Alias(usize),
    /// The permalink page of a case (index into `site.governance.cases`) in a language.
    Case(usize, usize),
    /// The decision register of a language.
    Decisions(usize),
    /// The follow-up tracker of a language.
    FollowUps(usize),
    /// An open-data file: dataset (index into `governance::data::DATASETS`) and format.
    Data(usize, DataFormat),
    /// The open-data page (`/data/`) of a language.
    DataPage(usize),
    /// The iCalendar file of meetings.
    Calendar,
    /// The Atom feed of the decision register of a language.
    DecisionFeed(usize),
    /// The search page of a language.
    Search(usize),
    /// The meeting archive of a body for a year in a language: (body, year, language).
    Archive(usize, i32, usize),
}

/// The files of an open dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataFormat {
    Json,
    Csv,
    Schema,
}

/// A job's output file (path, bytes), or the problem it hit (`None` when that problem was
/// already reported elsewhere, such as a template that does not parse).
type JobResult = Result<(String, Vec<u8>), Option<Diagnostic>>;

/// Renders the whole site. Problems (template errors) go to `diags`.
pub fn render(site: &Site, diags: &mut Diagnostics) -> Output {
    Rendering::full(site, diags, Mode::Memory).1
}

/// Where rendered files can go as soon as they are made (`styre build` writes them into the
/// staging folder while other pages still render): output path, bytes.
pub type Sink<'a> = dyn Fn(&str, &[u8]) + Sync + 'a;

/// What a full render is for.
#[derive(Clone, Copy)]
pub enum Mode<'a> {
    /// Keep every file in the output (`styre serve`, tests).
    Memory,
    /// Hand each rendered file to the sink as it is made (`styre build`).
    Stream(&'a Sink<'a>),
    /// Render every page (a template may fail) and keep nothing: `styre check`. The search
    /// index's files, which cannot fail, are not made; its pages are rendered.
    Check,
}

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

/// What rendering keeps between runs: the template engine, the template values of pages and
/// sections, the search indexes, and which jobs looked up which page or section through
/// `get_page`/`get_section`. A full build makes one and drops it; `styre serve` keeps it and
/// re-runs only the jobs an edit reaches ([`Rendering::rerender_bodies`],
/// [`Rendering::retemplate`], [`Rendering::refresh_search`]).
pub struct Rendering {
    tera: tera::Tera,
    lookup: Arc<Lookup>,
    /// The open-data records (they feed the data files and the data page).
    data: Vec<Vec<Value>>,
    /// The search index of each language (in config order), when the site has search; the
    /// bytes of its files are handed to the output, their paths stay.
    search: Vec<crate::search::LanguageIndex>,
    search_files: Vec<Vec<String>>,
    /// Page or section → the jobs whose templates fetched it with `get_page`/`get_section`.
    readers: HashMap<Target, BTreeSet<Job>>,
    /// The interface strings each template reads (`templates::string_keys`), per language:
    /// template → language → `t`. Templates that need them all are absent.
    strings: TemplateStrings,
}

type TemplateStrings = HashMap<String, HashMap<String, Value>>;

/// What `t` holds for each template that reads only some strings: just those.
fn template_strings(site: &Site, lookup: &Lookup) -> TemplateStrings {
    crate::templates::string_keys(&site.templates)
        .into_iter()
        .filter_map(|(name, keys)| {
            let keys = keys?;
            let per_language = lookup
                .strings
                .iter()
                .map(|(lang, all)| {
                    let some: serde_json::Map<String, Value> = keys
                        .iter()
                        .filter_map(|k| Some((k.clone(), all.get(k)?.clone())))
                        .collect();
                    (lang.clone(), Value::Object(some))
                })
                .collect();
            Some((name, per_language))
        })
        .collect()
}

thread_local! {
    /// The pages and sections the job running on this thread fetched from its templates. A job
    /// runs on one thread from start to end: nothing inside `Renderer::run` hands work to rayon
    /// (which could run another job's piece on this thread mid-job); keep it so.
    static READS: RefCell<Vec<Target>> = const { RefCell::new(Vec::new()) };
}

fn note_read(target: Target) {
    READS.with(|r| r.borrow_mut().push(target));
}

impl Rendering {
    /// Renders the whole site: the kept state and the output. Streamed or checked, rendered
    /// files are listed in the output as
    /// [`OutputFile::Written`](crate::output::OutputFile::Written).
    pub fn full(site: &Site, diags: &mut Diagnostics, mode: Mode) -> (Self, Output) {
        let discard = |_: &str, _: &[u8]| {};
        let sink: Option<&Sink> = match mode {
            Mode::Memory => None,
            Mode::Stream(sink) => Some(sink),
            Mode::Check => Some(&discard),
        };
        let search_files = !matches!(mode, Mode::Check);
        let mut tera = crate::templates::build(&site.templates, diags);
        let lookup = Arc::new(Lookup::new(site));
        register_functions(&mut tera, &lookup);
        let data = if site.governance.has_content() {
            crate::governance::data::records(site)
        } else {
            Vec::new()
        };
        let strings = template_strings(site, &lookup);
        let mut rendering = Self {
            tera,
            lookup,
            data,
            search: Vec::new(),
            search_files: Vec::new(),
            readers: HashMap::new(),
            strings,
        };
        let config = &site.config;
        let jobs = Self::jobs(site);

        // The search indexes are built while the pages are rendered (the two share the cores);
        // only the search pages wait for them.
        let (search, results) = rayon::join(
            || {
                if config.build_search_index {
                    config
                        .languages
                        .par_iter()
                        .map(|l| crate::search::build_language(site, &l.code, search_files))
                        .collect()
                } else {
                    Vec::new()
                }
            },
            || rendering.run_jobs(site, &jobs, sink),
        );
        rendering.search = search;
        let mut files = rendering.collect(results, sink.is_some(), diags);
        if config.build_search_index {
            let jobs: Vec<Job> = (0..config.languages.len()).map(Job::Search).collect();
            let results = rendering.run_jobs(site, &jobs, sink);
            files.extend(rendering.collect(results, sink.is_some(), diags));
        }

        let mut output = Output::default();
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
        // The governance templates link their stylesheet; the decision register its filter.
        if site.governance.has_content() {
            output.insert_bytes("styre-governance.css", crate::templates::GOVERNANCE_CSS);
            output.insert_bytes("styre-filter.js", crate::templates::FILTER_JS);
        }
        if config.highlight_code {
            output.insert_bytes(
                "syntax.css",
                crate::highlight::stylesheet(&config.highlight_theme, &config.highlight_theme_dark),
            );
        }
        for page in &site.pages {
            for (rel, source) in &page.assets {
                let dir = file_for(&page.path);
                let dir = dir.trim_end_matches("index.html");
                output.insert_copy(format!("{dir}{rel}"), source.clone());
            }
        }
        for section in &site.sections {
            for (rel, source) in &section.assets {
                let dir = file_for(&section.path);
                let dir = dir.trim_end_matches("index.html");
                output.insert_copy(format!("{dir}{rel}"), source.clone());
            }
        }
        if config.build_search_index {
            for li in &mut rendering.search {
                let files = std::mem::take(&mut li.files);
                rendering
                    .search_files
                    .push(files.iter().map(|(p, _)| p.clone()).collect());
                for (path, bytes) in files {
                    output.insert_bytes(path, bytes);
                }
            }
            output.insert_bytes("styre-search.js", crate::templates::SEARCH_JS);
            // The stemmers the site's languages need, and no others.
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
        for (path, file) in files {
            output.files.insert(path, file);
        }
        (rendering, output)
    }

    /// Every job of the site but the search pages (which wait for the search indexes).
    fn jobs(site: &Site) -> Vec<Job> {
        let config = &site.config;
        let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
        jobs.extend((0..site.sections.len()).map(Job::Section));
        jobs.extend((0..config.languages.len()).map(Job::NotFound));
        if config.generate_feed {
            jobs.extend((0..config.languages.len()).map(Job::Feed));
        }
        if config.generate_sitemap {
            jobs.push(Job::Sitemap);
        }
        if config.generate_robots_txt {
            jobs.push(Job::Robots);
        }
        jobs.extend((0..site.aliases.len()).map(Job::Alias));
        for l in 0..config.languages.len() {
            jobs.extend((0..site.governance.cases.len()).map(|i| Job::Case(i, l)));
            if !site.governance.meetings.is_empty() {
                jobs.push(Job::Decisions(l));
                jobs.push(Job::FollowUps(l));
                if config.generate_feed {
                    jobs.push(Job::DecisionFeed(l));
                }
            }
            if site.governance.has_content() {
                jobs.push(Job::DataPage(l));
            }
            for (b, year) in site.governance.archive_years() {
                jobs.push(Job::Archive(b, year, l));
            }
        }
        if !site.governance.meetings.is_empty() {
            jobs.push(Job::Calendar);
        }
        if site.governance.has_content() {
            for d in 0..crate::governance::data::DATASETS.len() {
                for format in [DataFormat::Json, DataFormat::Csv, DataFormat::Schema] {
                    jobs.push(Job::Data(d, format));
                }
            }
        }
        jobs
    }

    /// Runs jobs in parallel; each result comes with the pages and sections its templates
    /// fetched. With a `sink`, each file goes there and its result keeps only the path.
    fn run_jobs(
        &self,
        site: &Site,
        jobs: &[Job],
        sink: Option<&Sink>,
    ) -> Vec<(Job, JobResult, Vec<Target>)> {
        let renderer = Renderer {
            site,
            tera: &self.tera,
            lookup: &self.lookup,
            search: &self.search,
            data: &self.data,
            strings: &self.strings,
        };
        jobs.par_iter()
            .map(|&job| {
                READS.with(|r| r.borrow_mut().clear());
                let mut result = renderer.run(job);
                let reads = READS.with(|r| std::mem::take(&mut *r.borrow_mut()));
                if let (Some(sink), Ok((path, bytes))) = (sink, &mut result) {
                    sink(path, bytes);
                    *bytes = Vec::new();
                }
                (job, result, reads)
            })
            .collect()
    }

    /// Files of the jobs that succeeded (written to the sink, if there was one); problems to
    /// `diags`; what each job read is noted.
    fn collect(
        &mut self,
        results: Vec<(Job, JobResult, Vec<Target>)>,
        streamed: bool,
        diags: &mut Diagnostics,
    ) -> Vec<(String, OutputFile)> {
        let mut files = Vec::with_capacity(results.len());
        for (job, result, reads) in results {
            for target in reads {
                self.readers.entry(target).or_default().insert(job);
            }
            match result {
                Ok((path, _)) if streamed => files.push((path, OutputFile::Written)),
                Ok((path, bytes)) => files.push((path, OutputFile::Bytes(bytes))),
                Err(Some(d)) => diags.push(d),
                Err(None) => {}
            }
        }
        files
    }

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
        let mut pages: BTreeSet<usize> = changed
            .iter()
            .filter_map(|t| match *t {
                Target::Page(i) => Some(i),
                Target::Section(_) => None,
            })
            .collect();
        // Every version of a document holds the diffs of the history it shows.
        if pages.iter().any(|&i| is_document(site, i)) {
            pages.extend((0..site.pages.len()).filter(|&j| is_document(site, j)));
        }
        let mut lookup = (*self.lookup).clone();
        let mut jobs: BTreeSet<Job> = BTreeSet::new();
        let mut touched: BTreeSet<Target> = changed.iter().copied().collect();
        for &i in &pages {
            lookup.pages[i] = Arc::new(Lookup::page_entry(site, i));
            jobs.insert(Job::Page(i));
            touched.insert(Target::Page(i));
            // The sections listing it (their values hold its word count).
            touched.extend(
                (0..site.sections.len())
                    .filter(|&s| site.sections[s].pages.contains(&i))
                    .map(Target::Section),
            );
        }
        for &target in &touched {
            if let Target::Section(s) = target {
                lookup.sections[s] = Arc::new(Lookup::section_entry(site, s));
                jobs.insert(Job::Section(s));
            }
            if let Some(readers) = self.readers.get(&target) {
                jobs.extend(readers);
            }
        }
        if site.config.generate_feed {
            jobs.extend((0..site.config.languages.len()).map(Job::Feed));
        }
        self.lookup = Arc::new(lookup);
        register_functions(&mut self.tera, &self.lookup);
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
        self.tera = crate::templates::build(&site.templates, diags);
        register_functions(&mut self.tera, &self.lookup);
        self.strings = template_strings(site, &self.lookup);
        let users = crate::templates::users_of(&site.templates, changed);
        let mut jobs: BTreeSet<Job> = Self::jobs(site)
            .into_iter()
            .filter(|job| template_of(site, *job).is_some_and(|t| users.contains(t)))
            .collect();
        if site.config.build_search_index && users.contains("search.html") {
            jobs.extend((0..site.config.languages.len()).map(Job::Search));
        }
        self.rerun(site, jobs, diags)
    }

    /// Builds the search index of the languages `langs` (indexes into `config.languages`)
    /// again, and their search pages.
    pub fn refresh_search(
        &mut self,
        site: &Site,
        langs: &BTreeSet<usize>,
        diags: &mut Diagnostics,
    ) -> Patch {
        if !site.config.build_search_index {
            return Patch::default();
        }
        let fresh: Vec<(usize, crate::search::LanguageIndex)> = langs
            .par_iter()
            .filter_map(|&l| {
                let lang = site.config.languages.get(l)?;
                Some((l, crate::search::build_language(site, &lang.code, true)))
            })
            .collect();
        let mut removed = Vec::new();
        let mut files = Vec::new();
        for (l, mut index) in fresh {
            let (Some(old), Some(old_files)) =
                (self.search.get_mut(l), self.search_files.get_mut(l))
            else {
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

    fn rerun(&mut self, site: &Site, jobs: BTreeSet<Job>, diags: &mut Diagnostics) -> Patch {
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

/// The template a job renders with, if any.
fn template_of(site: &Site, job: Job) -> Option<&str> {
    Some(match job {
        Job::Page(i) => &site.pages[i].template,
        Job::Section(i) => &site.sections[i].template,
        Job::NotFound(_) => "404.html",
        Job::Feed(_) => "atom.xml",
        Job::Sitemap => "sitemap.xml",
        Job::Robots => "robots.txt",
        Job::Case(..) => "case.html",
        Job::Decisions(_) => "decisions.html",
        Job::FollowUps(_) => "follow-ups.html",
        Job::DataPage(_) => "open-data.html",
        Job::DecisionFeed(_) => "decisions.xml",
        Job::Search(_) => "search.html",
        Job::Archive(..) => "archive.html",
        Job::Alias(_) | Job::Data(..) | Job::Calendar => return None,
    })
}

struct Renderer<'a> {
    site: &'a Site,
    tera: &'a tera::Tera,
    lookup: &'a Lookup,
    /// The search index of each language (in config order), when the site has search.
    search: &'a [crate::search::LanguageIndex],
    /// The open-data records, computed once (they feed the data files and the data page).
    data: &'a [Vec<Value>],
    strings: &'a TemplateStrings,
}

impl Renderer<'_> {
    fn run(&self, job: Job) -> JobResult {
        let site = self.site;
        let config = &site.config;
        match job {
            Job::Page(i) => {
                let page = &site.pages[i];
                let mut ctx = self.base_context(&page.source.lang, &page.path);
                self.content_context(&mut ctx, &self.lookup.pages[i]);
                ctx.insert("page", &*self.lookup.pages[i]);
                ctx.insert(
                    "breadcrumbs",
                    &self.trail(&page.source.lang, Some(&page.section_key)),
                );
                let html = self.render_template(&page.template, &mut ctx, &page.source.file)?;
                let html = self.finish_html(html, &page.template, &page.source.file)?;
                Ok((file_for(&page.path), html))
            }
            Job::Section(i) => {
                let section = &site.sections[i];
                let mut ctx = self.base_context(&section.source.lang, &section.path);
                self.content_context(&mut ctx, &self.lookup.sections[i]);
                ctx.insert("section", &*self.lookup.sections[i]);
                ctx.insert(
                    "breadcrumbs",
                    &self.trail(&section.source.lang, section.parent_key.as_deref()),
                );
                if section.parent_key.is_none() {
                    let view = crate::governance::view::View::new(site, &section.source.lang);
                    ctx.insert("overview", &crate::governance::view::overview(&view));
                }
                let html =
                    self.render_template(&section.template, &mut ctx, &section.source.file)?;
                let html = self.finish_html(html, &section.template, &section.source.file)?;
                Ok((file_for(&section.path), html))
            }
            Job::NotFound(l) => {
                let lang = &config.languages[l];
                let path = format!("{}404.html", config.language_prefix(&lang.code));
                let mut ctx = self.base_context(&lang.code, &path);
                let file = site.templates.file_of("404.html");
                let html = self.render_template("404.html", &mut ctx, &file)?;
                Ok((file_for(&path), self.finish_html(html, "404.html", &file)?))
            }
            Job::Feed(l) => {
                let lang = &config.languages[l];
                let path = format!("{}atom.xml", config.language_prefix(&lang.code));
                let mut ctx = self.base_context(&lang.code, &path);
                let (pages, last_updated) = self.feed_pages(&lang.code);
                ctx.insert("pages", &pages);
                ctx.insert("last_updated", &last_updated);
                ctx.insert("feed_url", &config.absolute_url(&path));
                let xml = self.render_template(
                    "atom.xml",
                    &mut ctx,
                    &site.templates.file_of("atom.xml"),
                )?;
                Ok((file_for(&path), xml.into_bytes()))
            }
            Job::Sitemap => {
                let mut ctx = self.base_context(&config.default_language, "/sitemap.xml");
                ctx.insert("entries", &self.sitemap_entries());
                let xml = self.render_template(
                    "sitemap.xml",
                    &mut ctx,
                    &site.templates.file_of("sitemap.xml"),
                )?;
                Ok(("sitemap.xml".into(), xml.into_bytes()))
            }
            Job::Robots => {
                let mut ctx = self.base_context(&config.default_language, "/robots.txt");
                let text = self.render_template(
                    "robots.txt",
                    &mut ctx,
                    &site.templates.file_of("robots.txt"),
                )?;
                Ok(("robots.txt".into(), text.into_bytes()))
            }
            Job::Case(i, l) => {
                let lang = &config.languages[l].code;
                let view = View::new(site, lang);
                let (mut ctx, path) =
                    self.generated_context(l, |lang| site.governance.case_path(i, lang));
                let case = view.case_page(i);
                let body = &site.governance.bodies[site.governance.cases[i].body];
                let mut trail =
                    self.trail(lang, Some(site.sections[body.section].source.key.as_str()));
                if case["meeting"].is_object() {
                    trail.push(json!({"title": case["meeting"]["title"], "permalink": case["meeting"]["permalink"], "text_lang": case["meeting"]["text_lang"]}));
                }
                ctx.insert("breadcrumbs", &trail);
                ctx.insert("case", &case);
                self.generated("case.html", &mut ctx, &path)
            }
            Job::Decisions(l) => {
                let lang = &config.languages[l].code;
                let view = View::new(site, lang);
                let (mut ctx, path) =
                    self.generated_context(l, |lang| site.governance.decisions_path(lang));
                ctx.insert("register", &view.decisions());
                self.generated("decisions.html", &mut ctx, &path)
            }
            Job::FollowUps(l) => {
                let lang = &config.languages[l].code;
                let view = View::new(site, lang);
                let (mut ctx, path) =
                    self.generated_context(l, |lang| site.governance.follow_ups_path(lang));
                ctx.insert("tracker", &view.follow_ups());
                self.generated("follow-ups.html", &mut ctx, &path)
            }
            Job::Data(d, format) => {
                use crate::governance::data;
                let set = &data::DATASETS[d];
                let records = self.data.get(d).map_or(&[][..], Vec::as_slice);
                Ok(match format {
                    DataFormat::Json => (
                        format!("data/{}.json", set.name),
                        data::json_file(site, set, records).into_bytes(),
                    ),
                    DataFormat::Csv => (
                        format!("data/{}.csv", set.name),
                        data::csv_file(set, records),
                    ),
                    DataFormat::Schema => (
                        format!("data/{}.schema.json", set.name),
                        data::schema(site, set).into_bytes(),
                    ),
                })
            }
            Job::DataPage(l) => {
                let (mut ctx, path) =
                    self.generated_context(l, |lang| site.governance.data_page_path(lang));
                ctx.insert(
                    "catalogue",
                    &crate::governance::data::catalogue(site, self.data),
                );
                self.generated("open-data.html", &mut ctx, &path)
            }
            Job::Calendar => Ok((
                "data/moter.ics".into(),
                crate::governance::data::icalendar(site).into_bytes(),
            )),
            Job::DecisionFeed(l) => {
                let lang = &config.languages[l].code;
                let view = View::new(site, lang);
                let register = view.decisions_path();
                let path = format!("{register}atom.xml");
                let mut ctx = self.base_context(lang, &path);
                ctx.insert("register", &view.decisions());
                ctx.insert("feed_url", &config.absolute_url(&path));
                ctx.insert("register_url", &config.absolute_url(&register));
                let xml = self.render_template(
                    "decisions.xml",
                    &mut ctx,
                    &site.templates.file_of("decisions.xml"),
                )?;
                Ok((path.trim_start_matches('/').to_string(), xml.into_bytes()))
            }
            Job::Archive(b, year, l) => {
                let lang = &config.languages[l].code;
                let (mut ctx, path) =
                    self.generated_context(l, |lang| site.governance.archive_path(b, year, lang));
                let body = &site.governance.bodies[b];
                ctx.insert(
                    "breadcrumbs",
                    &self.trail(lang, Some(site.sections[body.section].source.key.as_str())),
                );
                ctx.insert("archive", &View::new(site, lang).archive(b, year));
                self.generated("archive.html", &mut ctx, &path)
            }
            Job::Search(l) => {
                let (mut ctx, path) =
                    self.generated_context(l, |lang| site.governance.search_path(lang));
                let lang = &config.languages[l].code;
                let Some(index) = self.search.get(l) else {
                    return Err(None);
                };
                let bodies: Vec<Value> = site
                    .governance
                    .bodies
                    .iter()
                    .map(|b| json!({"id": b.id, "title": site.sections[b.section].title()}))
                    .collect();
                ctx.insert(
                    "search",
                    &json!({
                        "base": config.absolute_url(&format!("/search/{lang}/")),
                        "stemmer": crate::search::stemmer_script(lang).map(|s| config.absolute_url(&format!("/{s}"))),
                        "script": config.absolute_url("/styre-search.js"),
                        "types": index.types,
                        "years": index.years,
                        "bodies": bodies,
                        "dirs": config.languages.iter().map(|l| (l.code.clone(), l.direction.as_str())).collect::<std::collections::BTreeMap<_, _>>(),
                    }),
                );
                self.generated("search.html", &mut ctx, &path)
            }
            Job::Alias(i) => {
                let alias = &site.aliases[i];
                Ok((
                    file_for(&alias.path),
                    alias_html(&alias.target).into_bytes(),
                ))
            }
        }
    }

    /// A generated page (case, register): its template, at `path`.
    fn generated(&self, template: &str, ctx: &mut tera::Context, path: &str) -> JobResult {
        if !self.site.templates.templates.contains_key(template) {
            // Built-in templates always exist; this guards the list of them.
            return Err(Some(Diagnostic::error(
                self.site.templates.file_of(template),
                format!("template `{template}` does not exist"),
            )));
        }
        let file = self.site.templates.file_of(template);
        let html = self.render_template(template, ctx, &file)?;
        Ok((file_for(path), self.finish_html(html, template, &file)?))
    }

    /// What `base.html` needs to know of the page or section it frames: its key (for the
    /// language switcher), its real translations (for `hreflang`), and, for a fallback, the
    /// attributes that mark its text as the original's language.
    fn content_context(&self, ctx: &mut tera::Context, value: &Value) {
        ctx.insert("current_key", &value["key"]);
        // Where the language switcher leads: this content in each language (a translation or
        // a stand-in), else that language's home (a page written only in another language).
        let key = value["key"].as_str().unwrap_or_default();
        let links: serde_json::Map<String, Value> = self
            .site
            .config
            .languages
            .iter()
            .filter_map(|l| {
                let target = self
                    .lookup
                    .find(key, &l.code)
                    .or_else(|| self.lookup.find("_index.md", &l.code))?;
                let permalink = match target {
                    Target::Page(i) => self.site.pages[i].permalink.clone(),
                    Target::Section(i) => self.site.sections[i].permalink.clone(),
                };
                Some((l.code.clone(), Value::String(permalink)))
            })
            .collect();
        ctx.insert("language_links", &links);
        ctx.insert("translations", &value["translations"]);
        let fallback = &value["fallback"];
        ctx.insert("fallback", fallback);
        let attrs = match (fallback["lang"].as_str(), fallback["dir"].as_str()) {
            (Some(lang), Some(dir)) => format!(
                " lang=\"{}\" dir=\"{}\"",
                crate::site::html::escape(lang),
                crate::site::html::escape(dir)
            ),
            _ => String::new(),
        };
        ctx.insert("content_attrs", &attrs);
    }

    /// The way from the home page down to section `key` (included), for breadcrumbs: each
    /// section's `title` (empty for a home section without one), `permalink` and `text_lang`
    /// (`{lang, dir}` of the original on a stand-in for a missing translation, else null).
    fn trail(&self, lang: &str, key: Option<&str>) -> Vec<Value> {
        let site = self.site;
        let mut out = Vec::new();
        let mut key = key.map(str::to_string);
        while let Some(k) = key.as_deref() {
            let Some(crate::resolve::Target::Section(i)) = site.get(k, lang) else {
                break;
            };
            let s = &site.sections[i];
            let original = site.config.language(&site.config.default_language);
            out.push(json!({
                "title": s.title(),
                "permalink": s.permalink,
                "text_lang": s.source.fallback.then(|| json!({
                    "lang": site.config.default_language,
                    "dir": original.map_or("ltr", |l| l.direction.as_str()),
                })),
            }));
            key = s.parent_key.clone();
        }
        out.reverse();
        out
    }

    fn base_context(&self, lang: &str, path: &str) -> tera::Context {
        let config = &self.site.config;
        let language = config
            .language(lang)
            .or_else(|| config.language(&config.default_language));
        let mut ctx = tera::Context::new();
        ctx.insert("config", &self.lookup.config);
        ctx.insert("lang", lang);
        ctx.insert("language", &language.map(LanguageView::from));
        ctx.insert("current_path", path);
        ctx.insert("current_key", &Value::Null);
        ctx.insert("language_links", &Value::Null);
        ctx.insert("breadcrumbs", &Value::Array(Vec::new()));
        ctx.insert("translations", &Value::Array(Vec::new()));
        ctx.insert("fallback", &Value::Null);
        ctx.insert("content_attrs", "");
        ctx.insert("current_url", &config.absolute_url(path));
        ctx.insert(
            "registers",
            self.lookup.registers.get(lang).unwrap_or(&Value::Null),
        );
        ctx
    }

    /// The context of a generated page in language `l`: it exists in every language, at the
    /// path `path_in` gives for each, and those are its translations.
    fn generated_context(
        &self,
        l: usize,
        path_in: impl Fn(&str) -> String,
    ) -> (tera::Context, String) {
        let config = &self.site.config;
        let lang = &config.languages[l].code;
        let path = path_in(lang);
        let mut ctx = self.base_context(lang, &path);
        let translations: Vec<Value> = config
            .languages
            .iter()
            .map(|other| json!({"lang": other.code, "permalink": config.absolute_url(&path_in(&other.code))}))
            .collect();
        ctx.insert("translations", &translations);
        ctx.insert("breadcrumbs", &self.trail(lang, Some("_index.md")));
        (ctx, path)
    }

    fn render_template(
        &self,
        name: &str,
        ctx: &mut tera::Context,
        file: &std::path::Path,
    ) -> Result<String, Option<Diagnostic>> {
        // The interface strings of the context's language: those the template reads, or all.
        let lang = ctx
            .get("lang")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let t = self
            .strings
            .get(name)
            .and_then(|by_lang| by_lang.get(&lang))
            .or_else(|| self.lookup.strings.get(&lang))
            .unwrap_or(&Value::Null);
        ctx.insert("t", t);
        crate::template_limits::begin_render();
        self.tera.render(name, ctx).map_err(|e| {
            if !self.tera.get_template_names().any(|n| n == name) {
                // The template is missing or did not parse: reported once, not per page.
                return None;
            }
            if let Some(too_deep) = crate::template_limits::macro_overflow() {
                // At the macro, the same for every page: reported once.
                return Some(too_deep);
            }
            let template_file = self.site.templates.file_of(name);
            let shown = if file.as_os_str().is_empty() {
                template_file.clone()
            } else {
                file.to_path_buf()
            };
            Some(
                Diagnostic::error(
                    shown,
                    format!(
                        "rendering with template `{name}` failed: {}",
                        crate::templates::error_chain(&e)
                    ),
                )
                .hint(format!(
                    "the problem is in {} or in the data this file gives it (docs/templates.md lists the context)",
                    template_file.display()
                )),
            )
        })
    }

    /// Minifies a page (unless `minify_html = false`). minify-html recurses once per level of
    /// nesting, so a page nested deeper than [`crate::nesting::PAGE_LIMIT`] is refused: an error
    /// on `file`, the page made with `template`.
    fn finish_html(
        &self,
        html: String,
        template: &str,
        file: &std::path::Path,
    ) -> Result<Vec<u8>, Option<Diagnostic>> {
        if !self.site.config.minify_html {
            return Ok(html.into_bytes());
        }
        let limit = crate::nesting::PAGE_LIMIT;
        if crate::nesting::Nesting::new(limit).feed(&html).is_some() {
            let template_file = self.site.templates.file_of(template);
            return Err(Some(
                Diagnostic::error(
                    file,
                    format!(
                        "the page made with template `{template}` nests elements more than {limit} levels deep"
                    ),
                )
                .hint(format!(
                    "styre minifies pages up to {limit} levels deep; flatten the markup {} writes (docs/templates.md)",
                    template_file.display()
                )),
            ));
        }
        let mut cfg = minify_html::Cfg::new();
        cfg.keep_closing_tags = true;
        cfg.keep_html_and_head_opening_tags = true;
        Ok(minify_html::minify(html.as_bytes(), &cfg))
    }

    fn feed_pages(&self, lang: &str) -> (Vec<Value>, String) {
        let site = self.site;
        let tz = &site.config.timezone;
        let mut dated: Vec<&Page> = site
            .pages
            .iter()
            .filter(|p| p.source.lang == lang && !p.source.fallback && p.date().is_some())
            .collect();
        dated.sort_by(|a, b| {
            b.date()
                .cmp(&a.date())
                .then_with(|| a.source.key.cmp(&b.source.key))
        });
        dated.truncate(site.config.feed_limit);
        let last_updated = dated
            .iter()
            .filter_map(|p| p.updated().max(p.date()))
            .max()
            .map(|d| d.rfc3339(tz))
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        let pages = dated
            .iter()
            .map(|p| {
                json!({
                    "title": p.title(),
                    "description": p.source.meta.description,
                    "permalink": p.permalink,
                    "lang": p.source.lang,
                    "date_rfc3339": p.date().map(|d| d.rfc3339(tz)),
                    "updated_rfc3339": p.updated().map(|d| d.rfc3339(tz)),
                    "content": p.rendered.html,
                })
            })
            .collect();
        (pages, last_updated)
    }

    fn sitemap_entries(&self) -> Vec<Value> {
        let site = self.site;
        let mut entries: Vec<(String, Value)> = Vec::new();
        let alternates = |key: &str| -> Vec<Value> {
            let versions = site.translations(key);
            if versions.len() < 2 {
                return Vec::new();
            }
            versions
                .iter()
                .map(|(lang, t)| json!({"lang": lang, "permalink": site.permalink_of(*t)}))
                .collect()
        };
        // Fallbacks are copies of their original (their canonical link says so): not listed.
        for p in site.pages.iter().filter(|p| !p.source.fallback) {
            let lastmod = p.updated().max(p.date()).map(|d| d.ymd());
            entries.push((
                p.permalink.clone(),
                json!({"permalink": p.permalink, "lastmod": lastmod, "alternates": alternates(&p.source.key)}),
            ));
        }
        for s in site.sections.iter().filter(|s| !s.source.fallback) {
            entries.push((
                s.permalink.clone(),
                json!({"permalink": s.permalink, "lastmod": null, "alternates": alternates(&s.source.key)}),
            ));
        }
        // Generated pages (case pages, registers, archives, the open-data page) exist in every
        // language, each version an alternate of the others.
        let reg = &site.governance;
        let config = &site.config;
        let mut generated: Vec<PathIn<'_>> = Vec::new();
        for i in 0..reg.cases.len() {
            generated.push(Box::new(move |lang| reg.case_path(i, lang)));
        }
        for (b, year) in reg.archive_years() {
            generated.push(Box::new(move |lang| reg.archive_path(b, year, lang)));
        }
        for name in ["decisions", "follow-ups", "open-data"] {
            if reg.generated_path(name, &config.default_language).is_some() {
                generated.push(Box::new(move |lang| {
                    reg.generated_path(name, lang).unwrap_or_default()
                }));
            }
        }
        for path_in in &generated {
            let versions: Vec<Value> = config
                .languages
                .iter()
                .map(|l| json!({"lang": l.code, "permalink": config.absolute_url(&path_in(&l.code))}))
                .collect();
            for v in &versions {
                let permalink = v["permalink"].as_str().unwrap_or_default().to_string();
                let alternates = if versions.len() > 1 {
                    versions.clone()
                } else {
                    Vec::new()
                };
                entries.push((
                    permalink.clone(),
                    json!({"permalink": permalink, "lastmod": null, "alternates": alternates}),
                ));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.into_iter().map(|(_, v)| v).collect()
    }
}

/// The path of one generated page in a given language.
type PathIn<'a> = Box<dyn Fn(&str) -> String + 'a>;

/// A redirect page for an alias: a meta refresh (allowed by a strict CSP, unlike a script),
/// a canonical link, and a visible link for people.
fn alias_html(target: &str) -> String {
    let t = crate::site::html::escape(target);
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Redirect</title>\
         <link rel=\"canonical\" href=\"{t}\"><meta name=\"robots\" content=\"noindex\">\
         <meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\
         <body><p><a href=\"{t}\">{t}</a></p></body></html>\n"
    )
}

#[derive(Serialize)]
struct LanguageView<'a> {
    code: &'a str,
    name: &'a str,
    direction: &'a str,
    locale: &'a str,
    title: &'a str,
    description: &'a str,
    is_default: bool,
}

impl<'a> From<&'a Language> for LanguageView<'a> {
    fn from(l: &'a Language) -> Self {
        Self {
            code: &l.code,
            name: &l.name,
            direction: l.direction.as_str(),
            locale: &l.locale,
            title: &l.title,
            description: &l.description,
            is_default: l.is_default,
        }
    }
}

/// Template data computed once per build and shared by every job and template function.
/// Cheap to clone (the big parts are shared), so an incremental rebuild can replace a few
/// values in a copy.
#[derive(Clone)]
struct Lookup {
    config: Value,
    default_language: String,
    base_url: String,
    /// The URL prefix of each language (`/` for the default one, `/en/` for English).
    prefixes: HashMap<String, String>,
    /// The interface strings of each language (`t` in templates).
    strings: HashMap<String, Value>,
    /// The generated pages of each language (`registers` in templates, `get_url(path="@…")`).
    registers: HashMap<String, Value>,
    /// Full page values (`page` in page templates, `get_page`).
    pages: Vec<Arc<Value>>,
    /// Section values with their page lists (`section`, `get_section`).
    sections: Vec<Arc<Value>>,
    index: Arc<HashMap<(String, String), Target>>,
}

impl Lookup {
    fn new(site: &Site) -> Self {
        let config = &site.config;
        let pages: Vec<Arc<Value>> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| Arc::new(Self::page_entry(site, i)))
            .collect();
        let sections = (0..site.sections.len())
            .map(|i| Arc::new(Self::section_entry(site, i)))
            .collect();
        let mut index = HashMap::new();
        for l in &config.languages {
            for (i, p) in site.pages.iter().enumerate() {
                if p.source.lang == l.code {
                    index.insert((p.source.key.clone(), l.code.clone()), Target::Page(i));
                }
            }
            for (i, s) in site.sections.iter().enumerate() {
                if s.source.lang == l.code {
                    index.insert((s.source.key.clone(), l.code.clone()), Target::Section(i));
                }
            }
        }
        Self {
            config: json!({
                "base_url": config.base_url,
                "title": config.title,
                "description": config.description,
                "default_language": config.default_language,
                "languages": config.languages.iter().map(LanguageView::from).collect::<Vec<_>>(),
                "generate_feed": config.generate_feed,
                "generate_sitemap": config.generate_sitemap,
                "highlight_code": config.highlight_code,
                "timezone": config.timezone_name,
                "extra": config.extra,
            }),
            default_language: config.default_language.clone(),
            base_url: config.base_url.clone(),
            prefixes: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), config.language_prefix(&l.code)))
                .collect(),
            strings: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), site.strings.of(&l.code)))
                .collect(),
            registers: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), View::new(site, &l.code).registers()))
                .collect(),
            pages,
            sections,
            index: Arc::new(index),
        }
    }

    /// The translations of a page or section by key: `[{lang, permalink}]`.
    fn translations(site: &Site, key: &str) -> Vec<Value> {
        site.translations(key)
            .into_iter()
            .map(|(lang, t)| json!({"lang": lang, "permalink": site.permalink_of(t)}))
            .collect()
    }

    /// The full value of page `i`, with its governance record under the record's kind.
    fn page_entry(site: &Site, i: usize) -> Value {
        let p = &site.pages[i];
        let mut v = page_value(site, p, Self::translations(site, &p.source.key), true);
        if let Some((name, kind)) = crate::governance::view::page_kind(site, i)
            && let Some(o) = v.as_object_mut()
        {
            o.insert(name.into(), kind);
        }
        v
    }

    /// The value of section `i`, with the short values of the pages it lists.
    fn section_entry(site: &Site, i: usize) -> Value {
        let s = &site.sections[i];
        let listed: Vec<Value> = s
            .pages
            .iter()
            .map(|&p| page_value(site, &site.pages[p], Vec::new(), false))
            .collect();
        let mut v = section_value(site, s, listed, Self::translations(site, &s.source.key));
        if s.source.meta.body.is_some()
            && let Some(o) = v.as_object_mut()
        {
            o.insert(
                "body".into(),
                crate::governance::view::body(&View::new(site, &s.source.lang), i),
            );
        }
        v
    }

    fn find(&self, key: &str, lang: &str) -> Option<Target> {
        self.index
            .get(&(key.to_string(), lang.to_string()))
            .or_else(|| {
                self.index
                    .get(&(key.to_string(), self.default_language.clone()))
            })
            .copied()
    }
}

fn page_value(site: &Site, p: &Page, translations: Vec<Value>, full: bool) -> Value {
    let tz = &site.config.timezone;
    let meta = &p.source.meta;
    let words = p.rendered.word_count;
    let assets: Vec<String> = p
        .assets
        .iter()
        .map(|(rel, _)| format!("{}{rel}", p.permalink))
        .collect();
    let mut v = json!({
        "kind": "page",
        "key": p.source.key,
        "relative_path": p.source.file,
        "lang": p.source.lang,
        "title": p.title(),
        "description": meta.description,
        "date": p.date().map(|d| d.to_string()),
        "updated": p.updated().map(|d| d.to_string()),
        "date_rfc3339": p.date().map(|d| d.rfc3339(tz)),
        "slug": p.slug,
        "path": p.path,
        "permalink": p.permalink,
        "weight": meta.weight,
        "draft": meta.draft,
        "in_search_index": meta.in_search_index,
        "section": p.section_key,
        "word_count": words,
        "reading_time": words.div_ceil(200).max(1),
        "assets": assets,
        "translations": translations,
        "fallback": fallback_value(site, &p.source.key, p.source.fallback),
        "extra": crate::toml_input::to_json(&meta.extra),
    });
    if full && let Some(obj) = v.as_object_mut() {
        obj.insert("content".into(), Value::String(p.rendered.html.clone()));
        obj.insert(
            "toc".into(),
            serde_json::to_value(&p.rendered.toc).unwrap_or(Value::Null),
        );
    }
    v
}

/// For a stand-in of a missing translation: the language its text is in, that language's
/// direction and name, and the original's URL (the canonical one). Null for real pages.
fn fallback_value(site: &Site, key: &str, fallback: bool) -> Value {
    if !fallback {
        return Value::Null;
    }
    let config = &site.config;
    let original = config.language(&config.default_language);
    let permalink = site
        .get(key, &config.default_language)
        .map(|t| site.permalink_of(t).to_string());
    json!({
        "lang": config.default_language,
        "dir": original.map(|l| l.direction.as_str()),
        "name": original.map(|l| l.name.as_str()),
        "permalink": permalink,
    })
}

fn section_value(site: &Site, s: &Section, pages: Vec<Value>, translations: Vec<Value>) -> Value {
    let meta = &s.source.meta;
    json!({
        "kind": "section",
        "key": s.source.key,
        "relative_path": s.source.file,
        "lang": s.source.lang,
        "title": s.title(),
        "description": meta.description,
        "path": s.path,
        "permalink": s.permalink,
        "weight": meta.weight,
        "content": s.rendered.html,
        "toc": s.rendered.toc,
        "word_count": s.rendered.word_count,
        "pages": pages,
        "subsections": s.subsections,
        "parent": s.parent_key,
        "translations": translations,
        "fallback": fallback_value(site, &s.source.key, s.source.fallback),
        "extra": crate::toml_input::to_json(&meta.extra),
    })
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
        let strings = l.strings.get(&lang).ok_or_else(|| {
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

fn register_functions(tera: &mut tera::Tera, lookup: &Arc<Lookup>) {
    register_locale_functions(tera, lookup);
    let l = Arc::clone(lookup);
    tera.register_function("get_page", move |args: &HashMap<String, Value>| {
        let path = string_arg(args, "path", "get_page")?.ok_or_else(|| {
            tera::Error::msg("`get_page` needs `path`, e.g. get_page(path=\"om/mandat.md\")")
        })?;
        let lang =
            string_arg(args, "lang", "get_page")?.unwrap_or_else(|| l.default_language.clone());
        match l.find(path.trim_start_matches("@/"), &lang) {
            Some(Target::Page(i)) => {
                note_read(Target::Page(i));
                Ok((*l.pages[i]).clone())
            }
            _ => Err(tera::Error::msg(format!("`get_page`: no page `{path}`"))),
        }
    });
    let l = Arc::clone(lookup);
    tera.register_function("get_section", move |args: &HashMap<String, Value>| {
        let path = string_arg(args, "path", "get_section")?.ok_or_else(|| {
            tera::Error::msg(
                "`get_section` needs `path`, e.g. get_section(path=\"moter/_index.md\")",
            )
        })?;
        let lang =
            string_arg(args, "lang", "get_section")?.unwrap_or_else(|| l.default_language.clone());
        match l.find(path.trim_start_matches("@/"), &lang) {
            Some(Target::Section(i)) => {
                note_read(Target::Section(i));
                Ok((*l.sections[i]).clone())
            }
            _ => Err(tera::Error::msg(format!(
                "`get_section`: no section `{path}`"
            ))),
        }
    });
    let l = Arc::clone(lookup);
    tera.register_function("get_url", move |args: &HashMap<String, Value>| {
        let path = string_arg(args, "path", "get_url")?
            .ok_or_else(|| tera::Error::msg("`get_url` needs `path`"))?;
        let explicit_lang = string_arg(args, "lang", "get_url")?;
        let lang = explicit_lang
            .clone()
            .unwrap_or_else(|| l.default_language.clone());
        if let Some(name) = path.strip_prefix('@').filter(|p| !p.starts_with('/')) {
            return l
                .registers
                .get(&lang)
                .and_then(|r| r.get(name.replace('-', "_")))
                .cloned()
                .ok_or_else(|| {
                    tera::Error::msg(format!(
                        "`get_url`: no generated page `{path}`; this site has: {}",
                        l.registers
                            .get(&lang)
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
            return match l.find(key, &lang) {
                Some(Target::Page(i)) => Ok(Value::String(format!(
                    "{}{anchor}",
                    l.pages[i]["permalink"].as_str().unwrap_or_default()
                ))),
                Some(Target::Section(i)) => Ok(Value::String(format!(
                    "{}{anchor}",
                    l.sections[i]["permalink"].as_str().unwrap_or_default()
                ))),
                None => Err(tera::Error::msg(format!("`get_url`: no content `{path}`"))),
            };
        }
        // A plain path is a file of the output; with `lang` it is that language's copy
        // (`atom.xml` of English is `/en/atom.xml`).
        let prefix = match &explicit_lang {
            Some(code) => l.prefixes.get(code).ok_or_else(|| {
                tera::Error::msg(format!("`get_url`: no language `{code}` in config.toml"))
            })?,
            None => "/",
        };
        Ok(Value::String(format!(
            "{}{prefix}{}",
            l.base_url,
            path.trim_start_matches('/')
        )))
    });
}
