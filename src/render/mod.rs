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

mod assets;
mod context;
mod feeds;
pub(crate) mod functions;
pub mod i18n;
pub(crate) mod jobs;
mod output_links;
pub mod search;
pub mod template_limits;
pub mod templates;
pub(crate) mod values;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, OutputFile};
use crate::resolve::{Site, Target};
use crate::site::ids::LangId;
use context::Renderer;
use functions::{noting_reads, register_functions};
use values::{Lookup, TemplateStrings, template_strings};

pub use jobs::Job;

/// A job's output file (path, bytes), or the problem it hit (`None` when that problem was
/// already reported elsewhere, such as a template that does not parse).
pub(crate) type JobResult = Result<(String, Vec<u8>), Option<Diagnostic>>;

/// A job, what it gave, and the pages and sections its templates fetched.
pub(crate) type JobRun = (Job, JobResult, Vec<Target>);

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

/// What rendering keeps between runs: the template engine, the template values of pages and
/// sections, the search indexes, and which jobs looked up which page or section through
/// `get_page`/`get_section`. A full build makes one and drops it; `styre serve` keeps it and
/// re-runs only the jobs an edit reaches (`rerender_bodies`, `retemplate` and `refresh_search`,
/// in `incremental::deps`).
pub struct Rendering {
    pub(crate) tera: tera::Tera,
    pub(crate) lookup: Arc<Lookup>,
    /// The open-data records (they feed the data files and the data page).
    pub(crate) data: Vec<Vec<Value>>,
    /// The search index of each language (in config order), when the site has search; the
    /// bytes of its files are handed to the output, their paths stay.
    pub(crate) search: Vec<crate::search::LanguageIndex>,
    pub(crate) search_files: Vec<Vec<String>>,
    /// Page or section → the jobs whose templates fetched it with `get_page`/`get_section`.
    pub(crate) readers: HashMap<Target, BTreeSet<Job>>,
    /// The interface strings each template reads (`templates::string_keys`), per language:
    /// template → language → `t`. Templates that need them all are absent.
    pub(crate) strings: TemplateStrings,
    /// When a template did not load (syntax, nesting, a cycle): the first of its findings. The
    /// pages that then fail to render are its consequences, told in one hint under it.
    pub(crate) templates_broken: Option<usize>,
    /// The templates that cannot render because of it (they use a template that did not load).
    pub(crate) unusable: BTreeSet<String>,
    /// How many jobs failed so far because of it (counted by the parallel jobs).
    pub(crate) folded: std::sync::atomic::AtomicUsize,
}

impl Rendering {
    /// Renders the whole site: the kept state and the output. Streamed or checked, rendered
    /// files are listed in the output as
    /// [`OutputFile::Written`](crate::output::OutputFile::Written).
    pub fn full(site: &Site, diags: &mut Diagnostics, mode: Mode) -> (Self, Output) {
        // A check keeps no page, only the local links of each (checked once all files are
        // known).
        let links = std::sync::Mutex::new(BTreeMap::new());
        let note_links = |path: &str, bytes: &[u8]| {
            if path.ends_with(".html") {
                let found = output_links::local_links(path, bytes, &site.config.base_url);
                if let Ok(mut all) = links.lock() {
                    all.insert(path.to_string(), found);
                }
            }
        };
        let sink: Option<&Sink> = match mode {
            Mode::Memory => None,
            Mode::Stream(sink) => Some(sink),
            Mode::Check => Some(&note_links),
        };
        let search_files = !matches!(mode, Mode::Check);
        let mut rendering = Self::new(site, diags);
        let files = rendering.render_all(site, sink, search_files, diags);

        let mut output = Output::default();
        assets::insert_static_and_builtin(site, &mut output);
        assets::insert_bundle_assets(site, &mut output);
        if site.config.build_search_index {
            rendering.hand_over_search_files(&mut output);
            assets::insert_search_scripts(&site.config, &mut output);
        }
        for (path, file) in files {
            output.files.insert(path, file);
        }
        // Links into pages that failed to render are consequences of that failure, not news:
        // the check of the output waits for a site that renders whole.
        if matches!(mode, Mode::Check) && !diags.has_errors() {
            let links = links.into_inner().unwrap_or_default();
            output_links::report_broken(site, &links, &output, diags);
        }
        (rendering, output)
    }

    /// The template engine (template errors to `diags`) with its functions, the template
    /// values, and the open-data records; no search index yet, and no job has run.
    fn new(site: &Site, diags: &mut Diagnostics) -> Self {
        let (found_before, errors_before) = (diags.len(), diags.error_count());
        let (mut tera, unusable) = crate::templates::build_noting_unusable(&site.templates, diags);
        let templates_broken = (diags.error_count() > errors_before).then_some(found_before);
        let lookup = Arc::new(Lookup::new(site));
        register_functions(&mut tera, &lookup);
        let data = if site.governance.has_content() {
            crate::governance::data::records(site)
        } else {
            Vec::new()
        };
        let strings = template_strings(site, &lookup);
        Self {
            tera,
            lookup,
            data,
            search: Vec::new(),
            search_files: Vec::new(),
            readers: HashMap::new(),
            strings,
            templates_broken,
            unusable,
            folded: Default::default(),
        }
    }

    /// Runs every job, the search pages last; the search indexes (their files only when
    /// `search_files`) are built while the other pages are rendered.
    fn render_all(
        &mut self,
        site: &Site,
        sink: Option<&Sink>,
        search_files: bool,
        diags: &mut Diagnostics,
    ) -> Vec<(String, OutputFile)> {
        let config = &site.config;
        let jobs = jobs::jobs(site);

        // The search indexes are built while the pages are rendered (the two share the cores);
        // only the search pages wait for them.
        let (search, results) = rayon::join(
            || {
                if config.build_search_index {
                    let langs: Vec<LangId> = config.langs.ids().collect();
                    langs
                        .par_iter()
                        .map(|&l| crate::search::build_language(site, l, search_files))
                        .collect()
                } else {
                    Vec::new()
                }
            },
            || self.run_jobs(site, &jobs, sink),
        );
        self.search = search;
        let mut files = self.collect(results, sink.is_some(), diags);
        if config.build_search_index {
            let jobs: Vec<Job> = config.langs.ids().map(Job::Search).collect();
            let results = self.run_jobs(site, &jobs, sink);
            files.extend(self.collect(results, sink.is_some(), diags));
        }
        files
    }

    /// Moves the files of the search indexes into the output, keeping their paths (what a
    /// refreshed index replaces or removes).
    fn hand_over_search_files(&mut self, output: &mut Output) {
        for li in &mut self.search {
            let files = std::mem::take(&mut li.files);
            self.search_files
                .push(files.iter().map(|(p, _)| p.clone()).collect());
            for (path, bytes) in files {
                output.insert_bytes(path, bytes);
            }
        }
    }

    /// Runs jobs in parallel; each result comes with the pages and sections its templates
    /// fetched. With a `sink`, each file goes there and its result keeps only the path.
    pub(crate) fn run_jobs(&self, site: &Site, jobs: &[Job], sink: Option<&Sink>) -> Vec<JobRun> {
        let renderer = Renderer {
            site,
            tera: &self.tera,
            lookup: &self.lookup,
            search: &self.search,
            data: &self.data,
            strings: &self.strings,
            unusable: &self.unusable,
            folded: &self.folded,
        };
        jobs.par_iter()
            .map(|&job| {
                let (mut result, reads) = noting_reads(|| renderer.run(job));
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
    pub(crate) fn collect(
        &mut self,
        results: Vec<JobRun>,
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
        self.note_folded(diags);
        files
    }

    /// Under the first error of a template that did not load: how many pages could not be
    /// rendered because of it (one count for every round of jobs).
    fn note_folded(&self, diags: &mut Diagnostics) {
        const FOLDED: &str = "could not be rendered because of this";
        let n = self.folded.load(std::sync::atomic::Ordering::Relaxed);
        if let Some(first) = self.templates_broken.filter(|_| n > 0)
            && let Some(d) = diags.get_mut(first)
        {
            d.hints.retain(|h| !h.contains(FOLDED));
            let pages = if n == 1 { "page" } else { "pages" };
            d.hints
                .push(format!("{n} {pages} {FOLDED}; they are once it is fixed"));
        }
    }
}
