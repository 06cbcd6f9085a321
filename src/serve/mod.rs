//! `styre serve`: build in memory, serve on loopback, rebuild on every change, reload browsers.
//!
//! Rebuilds are incremental (`crate::incremental`): an edit of a page's text re-renders the
//! outputs that show it and patches the served output in place; a template edit, the outputs
//! whose template uses it; anything else rebuilds the site. Stale search indexes are rebuilt
//! once edits pause. The watcher rebuilds as soon as every written file is closed (or after
//! a few quiet milliseconds), without a fixed debounce.
//!
//! The server never dies on a bad edit. A failed rebuild keeps the last good site online, prints
//! the errors in the terminal, and sends them to every open page, which shows them in an
//! overlay until the next good build reloads it. Nothing is written to disk.
//!
//! Live reload needs no inline script: served HTML pages get a `<script src>` tag for
//! `/__styre/livereload.js`, which listens to server-sent events on `/__styre/events`.
//!
//! This file starts the server and holds what its parts share; the parts: `watch` (the file
//! watcher and its bursts of events), `publish` (what a rebuild changes in what is served),
//! `page` (answering a request from the served output), `livereload` (the script and its
//! events) and `host` (only requests addressed to this computer are answered).

mod host;
mod livereload;
mod page;
mod publish;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::routing::get;
use tokio::sync::broadcast;

use crate::incremental::Session;
use crate::load::LoadOptions;
use crate::output::Output;
use crate::ui::Shell;

/// Options of `styre serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub interface: IpAddr,
    pub port: u16,
    pub drafts: bool,
}

/// What the browser is told after a rebuild.
#[derive(Debug, Clone)]
enum Notice {
    Reload,
    Failed(String),
}

#[derive(Default)]
struct Current {
    /// The last good build.
    output: Option<Output>,
    /// The errors of the last build, if it failed.
    error: Option<String>,
}

#[derive(Clone)]
struct AppState {
    current: Arc<RwLock<Current>>,
    notices: broadcast::Sender<Notice>,
    /// The site's folder (canonical): copied files are served only from below it.
    root: Arc<PathBuf>,
    /// The address listened on: requests must be addressed to it or to a loopback name.
    local: SocketAddr,
}

/// Runs the server until interrupted.
pub fn serve(options: ServeOptions, shell: Shell) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    runtime.block_on(run(options, shell))
}

async fn run(options: ServeOptions, shell: Shell) -> Result<(), String> {
    let addr = SocketAddr::new(options.interface, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let base_url = format!("http://{local}");
    let load_options = LoadOptions {
        drafts: options.drafts,
        base_url: Some(base_url.clone()),
    };

    let (notices, _) = broadcast::channel(16);
    let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
    let state = AppState {
        current: Arc::new(RwLock::new(Current::default())),
        notices,
        root: Arc::new(root.clone()),
        local,
    };
    // Watch before the first build, so that a save during it is not missed.
    let watching = watch::start_watching(&root, shell);
    let mut session = Session::new(&root, load_options);
    publish::publish_build(session.full(), &state, shell);
    shell.status(&format!(
        "Serving {} at {base_url}/ (live reload on; Ctrl+C stops)",
        options.root.display()
    ));
    if let Some((watcher, rx)) = watching {
        let watcher_state = state.clone();
        std::thread::spawn(move || {
            let _watcher = watcher;
            watch::watch(&root, rx, session, &watcher_state, shell)
        });
    }

    let app = Router::new()
        .route("/__styre/livereload.js", get(livereload::livereload_js))
        .route("/__styre/events", get(livereload::events))
        .fallback(get(page::page))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            host::check_host,
        ))
        .with_state(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}
