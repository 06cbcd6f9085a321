//! styre: a static site generator for public governance portals.
//!
//! The pipeline (see ARCHITECTURE.md): [`load`] reads the files, [`resolve`] links them into a
//! [`resolve::Site`], [`render`] turns the site into an in-memory [`output::Output`], and
//! [`output::publish`] writes it. [`build_site`] runs the first three; the CLI decides whether
//! and where to write.

pub(crate) mod diagnostics;
pub(crate) mod governance;
pub(crate) mod incremental;
pub(crate) mod init;
pub(crate) mod load;
pub(crate) mod render;
pub(crate) mod resolve;
pub(crate) mod serve;
pub(crate) mod site;
#[cfg(test)]
mod testing;
pub(crate) mod translations;
pub(crate) mod ui;
pub(crate) mod write;

// The modules of each phase under their old names, so that paths stay short and stable.
pub(crate) use load::{config, date, front_matter, input, toml_input};
pub(crate) use render::{i18n, search, template_limits, templates};
pub(crate) use resolve::{claims, highlight, markdown, nesting};
pub(crate) use site::{slug, url_rules};
pub(crate) use write as output;

// The public surface: what the `styre` binary and the integration tests use. Every module is
// crate-private, so the compiler reports what nothing uses.
pub use diagnostics::Diagnostics;
pub use governance::case_id::{CaseNumbers, Format, candidates};
pub use governance::scaffold::new_meeting;
pub use incremental::{Outcome, Session};
pub use init::init;
pub use load::front_matter::{parse_page, parse_section, split as split_front_matter};
pub use load::{LoadOptions, config::Config, date::Date};
pub use render::search::{SearchLanguage, tokenize};
pub use render::templates::{BUILTIN_CSS, FILTER_JS, GOVERNANCE_CSS, SEARCH_JS, STEMMER_JS};
pub use resolve::Site;
pub use resolve::highlight::stylesheet;
pub use resolve::markdown::{LinkResolver, RenderOptions, render as render_markdown};
pub use serve::{ServeOptions, serve};
pub use site::url_rules::base_url_problem;
pub use translations::{json as matrix_json, matrix, table as matrix_table};
pub use ui::{Shell, count_line, counted};
pub use write::create::create_new;
pub use write::{Output, OutputFile, OutputLock, PublishError, Staging, check_target};

use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use diagnostics::SourceMap;

/// The stack of each thread styre's work runs on ([`on_styre_threads`]): far more than the
/// limits the input is held to need (`nesting`, `template_limits`, `search::MAX_TERM_CHARS`), so
/// that what libraries do by recursion (tera rendering templates, macros and long expressions,
/// the minifier, the search index's tries) has room to spare. A thread's stack is reserved, and
/// only the part used is ever touched.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

static THREADS: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
    rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("styre-{i}"))
        .build()
        .ok()
});

/// Runs `work`, and every parallel loop inside it, on styre's own threads (as many as rayon
/// would start, each with a [`STACK_SIZE`] stack); on the calling thread if they could not be
/// started. Every entry point that loads, resolves or renders a site goes through it.
pub fn on_styre_threads<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match &*THREADS {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Counts for the one-line build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub languages: usize,
}

/// What one run of load → resolve → render produced.
#[derive(Debug)]
pub struct Build {
    /// The rendered site; present when the run got that far, even with errors (for `check`).
    pub output: Option<Output>,
    pub stats: Stats,
    pub diagnostics: Diagnostics,
    /// File texts, so diagnostics can quote lines.
    pub sources: SourceMap,
    pub elapsed: Duration,
}

impl Build {
    /// The output, if the run had no errors.
    pub fn ok(&self) -> Option<&Output> {
        if self.diagnostics.has_errors() {
            None
        } else {
            self.output.as_ref()
        }
    }
}

/// The resolved site (load → resolve, nothing rendered), or the file texts of what could be
/// read when loading failed: what commands that only read the site (`styre new`) need.
pub enum Resolved {
    Site(Box<resolve::Site>),
    Failed(SourceMap),
}

/// Runs load → resolve on the site at `root`; problems go to `diagnostics`.
pub fn resolve_site(root: &Path, options: &LoadOptions, diagnostics: &mut Diagnostics) -> Resolved {
    on_styre_threads(|| resolve_site_here(root, options, diagnostics))
}

fn resolve_site_here(
    root: &Path,
    options: &LoadOptions,
    diagnostics: &mut Diagnostics,
) -> Resolved {
    let Some(loaded) = load::load(root, options, diagnostics) else {
        let mut sources = SourceMap::default();
        if let Some(text) = load::config_text(root) {
            sources.insert(config::CONFIG_FILE, text);
        }
        return Resolved::Failed(sources);
    };
    Resolved::Site(Box::new(resolve::resolve(loaded, diagnostics)))
}

/// Runs load → resolve → render on the site at `root`, entirely in memory.
pub fn build_site(root: &Path, options: &LoadOptions) -> Build {
    let (build, state) = build_site_with_state(root, options);
    drop_in_background(state);
    build
}

/// Frees a large value (the resolved site, the template values: hundreds of thousands of
/// allocations on a big site) on another thread, while the caller goes on writing the output.
fn drop_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// What `styre check` runs: everything a build does that can find a problem (every page is
/// rendered, then dropped; the search index's files are not made), and the resolved site (for
/// reports on it, such as the translation matrix) when loading got that far.
pub fn check_site(root: &Path, options: &LoadOptions) -> (Build, Option<Box<resolve::Site>>) {
    let (build, kept) = build_site_with(root, options, render::Mode::Check);
    (
        build,
        kept.map(|(site, rendering)| {
            drop_in_background(rendering);
            site
        }),
    )
}

/// Like [`build_site`], but each rendered file goes to `sink` as soon as it is made (listed in
/// the output as [`output::OutputFile::Written`]), so that writing overlaps rendering.
pub fn build_site_into(root: &Path, options: &LoadOptions, sink: &render::Sink) -> Build {
    let (build, state) = build_site_with(root, options, render::Mode::Stream(sink));
    drop_in_background(state);
    build
}

/// Like [`build_site`], and also returns the resolved site and the rendering state (what an
/// incremental rebuild starts from) when loading got that far.
pub fn build_site_with_state(
    root: &Path,
    options: &LoadOptions,
) -> (Build, Option<(Box<resolve::Site>, render::Rendering)>) {
    build_site_with(root, options, render::Mode::Memory)
}

fn build_site_with(
    root: &Path,
    options: &LoadOptions,
    mode: render::Mode,
) -> (Build, Option<(Box<resolve::Site>, render::Rendering)>) {
    on_styre_threads(|| build_site_here(root, options, mode))
}

fn build_site_here(
    root: &Path,
    options: &LoadOptions,
    mode: render::Mode,
) -> (Build, Option<(Box<resolve::Site>, render::Rendering)>) {
    let start = Instant::now();
    let mut diagnostics = Diagnostics::new();
    let site = match resolve_site_here(root, options, &mut diagnostics) {
        Resolved::Site(site) => site,
        Resolved::Failed(sources) => {
            diagnostics.sort();
            let build = Build {
                output: None,
                stats: Stats::default(),
                diagnostics,
                sources,
                elapsed: start.elapsed(),
            };
            return (build, None);
        }
    };
    let (rendering, output) = render::Rendering::full(&site, &mut diagnostics, mode);
    diagnostics.sort();
    let stats = Stats {
        pages: site.page_ids().len(),
        sections: site.sections().filter(|(_, s)| !s.synthetic).count(),
        files: output.files.len(),
        languages: site.config.languages.len(),
    };
    let build = Build {
        output: Some(output),
        stats,
        diagnostics,
        sources: site.sources.clone(),
        elapsed: start.elapsed(),
    };
    (build, Some((site, rendering)))
}
