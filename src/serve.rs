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

// Serves copied files (static files, attachments) from the site on each request, under the
// rule a build follows (`read_copied`): the documented exception to "only load reads".
#![allow(clippy::disallowed_methods)]

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::incremental::{Outcome, Session, change_kind};
use crate::load::LoadOptions;
use crate::output::{Output, OutputFile};
use crate::ui::Shell;

const LIVERELOAD_JS: &str = include_str!("builtin/livereload.js");
const SCRIPT_TAG: &str = "<script src=\"/__styre/livereload.js\" defer></script>";

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
    let watching = start_watching(&root, shell);
    let mut session = Session::new(&root, load_options);
    publish_build(session.full(), &state, shell);
    shell.status(&format!(
        "Serving {} at {base_url}/ (live reload on; Ctrl+C stops)",
        options.root.display()
    ));
    if let Some((watcher, rx)) = watching {
        let watcher_state = state.clone();
        std::thread::spawn(move || {
            let _watcher = watcher;
            watch(&root, rx, session, &watcher_state, shell)
        });
    }

    let app = Router::new()
        .route("/__styre/livereload.js", get(livereload_js))
        .route("/__styre/events", get(events))
        .fallback(get(page))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            check_host,
        ))
        .with_state(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Publishes a full build: the new output, or the errors with the last good site kept.
fn publish_build(build: crate::Build, state: &AppState, shell: Shell) {
    shell.diagnostics(&build.diagnostics, &build.sources);
    let mut current = lock(state);
    if build.diagnostics.has_errors() {
        let text = build.diagnostics.render(&build.sources, false);
        shell.status(if current.output.is_some() {
            "Rebuild failed; still serving the last good site."
        } else {
            "Build failed; fix the errors above and save again."
        });
        current.error = Some(text.clone());
        let _ = state.notices.send(Notice::Failed(text));
    } else {
        shell.status(&format!(
            "Rebuilt {} pages in {} ms",
            build.stats.pages,
            build.elapsed.as_millis()
        ));
        current.output = build.output;
        current.error = None;
        let _ = state.notices.send(Notice::Reload);
    }
}

fn lock(state: &AppState) -> std::sync::RwLockWriteGuard<'_, Current> {
    match state.current.write() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Applies the outcome of a batch of changes to what is served.
fn publish(outcome: Outcome, state: &AppState, shell: Shell) {
    match outcome {
        Outcome::Unchanged { reload } => {
            // Copied files are read from disk on each request: reloading shows them.
            if reload {
                let _ = state.notices.send(Notice::Reload);
            }
        }
        Outcome::Rebuilt(build) => publish_build(build, state, shell),
        Outcome::Patched {
            patch,
            diagnostics,
            sources,
            what,
            elapsed,
            reload,
        } => {
            shell.diagnostics(&diagnostics, &sources);
            let (files, jobs) = (patch.files.len(), patch.jobs);
            {
                let mut current = lock(state);
                if let Some(output) = current.output.as_mut() {
                    patch.apply(output);
                }
                current.error = None;
            }
            if reload {
                let _ = state.notices.send(Notice::Reload);
            }
            shell.status(&format!(
                "Updated {what}: {jobs} outputs rendered again, {files} files replaced, in {} ms",
                elapsed.as_millis()
            ));
        }
        Outcome::Failed {
            diagnostics,
            sources,
        } => {
            shell.diagnostics(&diagnostics, &sources);
            shell.status("Rebuild failed; still serving the last good site.");
            let text = diagnostics.render(&sources, false);
            lock(state).error = Some(text.clone());
            let _ = state.notices.send(Notice::Failed(text));
        }
    }
}

/// How long the watcher waits for more events of one save before rebuilding, unless every
/// file written was closed (an editor's save can be several writes, or a write and a rename).
const QUIET: Duration = Duration::from_millis(8);
/// How long the watcher waits for a rename that may follow a closed file (`sed -i`, editors
/// that write a copy and rename it over the file).
const SAVED: Duration = Duration::from_millis(1);
/// The longest a burst of events delays a rebuild.
const BURST: Duration = Duration::from_millis(100);
/// How long edits must pause before the watcher rebuilds the search indexes they made stale.
const SEARCH_DELAY: Duration = Duration::from_millis(250);

/// The file watcher's events.
type Events = std::sync::mpsc::Receiver<notify::Result<notify::Event>>;

/// Starts watching the site, or says why it cannot (the site is still served, without reload).
fn start_watching(root: &Path, shell: Shell) -> Option<(notify::RecommendedWatcher, Events)> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel();
    let watching = notify::recommended_watcher(tx).and_then(|mut w| {
        w.watch(root, RecursiveMode::Recursive)?;
        Ok(w)
    });
    match watching {
        Ok(watcher) => Some((watcher, rx)),
        Err(e) => {
            shell.status(&format!(
                "error: cannot watch {}: {e}; live reload is off",
                root.display()
            ));
            None
        }
    }
}

/// Watches the site; after each burst of changes, brings the session up to date and publishes
/// the result; when edits pause, rebuilds the search indexes they made stale.
fn watch(root: &Path, rx: Events, mut session: Session, state: &AppState, shell: Shell) {
    use std::sync::mpsc::RecvTimeoutError;
    // When the site last changed (the search indexes wait for edits to pause).
    let mut last_change = std::time::Instant::now();
    loop {
        let wait = if session.search_pending() {
            SEARCH_DELAY.saturating_sub(last_change.elapsed())
        } else {
            Duration::from_secs(3600)
        };
        let first = match rx.recv_timeout(wait) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => {
                if let Some(outcome) = session.refresh_search() {
                    publish(outcome, state, shell);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut burst = Burst::default();
        burst.absorb(root, first);
        let deadline = std::time::Instant::now() + BURST;
        loop {
            let now = std::time::Instant::now();
            if now >= deadline {
                break;
            }
            let wait = if burst.saved() {
                SAVED
            } else {
                QUIET.min(deadline - now)
            };
            match rx.recv_timeout(wait) {
                Ok(event) => burst.absorb(root, event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if burst.rescan {
            // The watcher lost events (an overflow, an error): only a whole build is sure.
            last_change = std::time::Instant::now();
            publish_build(session.full(), state, shell);
        } else if !burst.paths.is_empty() {
            last_change = std::time::Instant::now();
            publish(session.changed(&burst.paths), state, shell);
        }
    }
}

/// The changes of one burst of file events.
#[derive(Default)]
struct Burst {
    /// Changed paths the site reads.
    paths: Vec<PathBuf>,
    /// Of those, the files written and not closed yet.
    open: Vec<PathBuf>,
    /// The watcher may have missed events: rebuild everything.
    rescan: bool,
}

impl Burst {
    fn absorb(&mut self, root: &Path, event: notify::Result<notify::Event>) {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
        let event = match event {
            Ok(event) if !event.need_rescan() => event,
            _ => {
                self.rescan = true;
                return;
            }
        };
        match event.kind {
            // Reading a file (which the build itself does) raises access events; only a change
            // to the tree counts, or every build would trigger the next.
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => {
                // Written now, closed later (a rename or a removal is complete at once).
                let writing = matches!(
                    event.kind,
                    EventKind::Create(CreateKind::File | CreateKind::Any)
                        | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
                );
                for p in event.paths {
                    if change_kind(root, &p).is_none() {
                        continue;
                    }
                    if writing && !self.open.contains(&p) {
                        self.open.push(p.clone());
                    }
                    if !self.paths.contains(&p) {
                        self.paths.push(p);
                    }
                }
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                self.open.retain(|p| !event.paths.contains(p));
            }
            _ => {}
        }
    }

    /// Every changed file was closed after writing: the save is complete.
    fn saved(&self) -> bool {
        !self.paths.is_empty() && self.open.is_empty()
    }
}

/// Answers only requests addressed to this computer (see [`host_allowed`]): a page on another
/// site whose name is made to point at 127.0.0.1 (DNS rebinding) could otherwise read the dev
/// server, drafts included. Its requests carry that other name in `Host`.
async fn check_host(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()));
    match host {
        Some(host) if host_allowed(&host, state.local.ip()) => next.run(request).await,
        host => forbidden_host(host.as_deref(), state.local),
    }
}

/// Whether a `Host` header (name or address, with or without a port) names this server:
/// `localhost`, `*.localhost`, a loopback address (`127.x.y.z`, `[::1]`), or the address
/// listened on. When listening on every interface (`0.0.0.0`, `::`), any IP address is
/// accepted: an address in `Host` cannot be rebound, only a name can.
fn host_allowed(host: &str, interface: IpAddr) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let is_port = |p: &str| p.is_empty() || p.bytes().all(|b| b.is_ascii_digit());
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((v6, port)) if port.is_empty() || port.strip_prefix(':').is_some_and(is_port) => {
                return v6
                    .parse::<std::net::Ipv6Addr>()
                    .is_ok_and(|ip| ip_allowed(IpAddr::V6(ip), interface));
            }
            _ => return false,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host.as_str(),
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip_allowed(IpAddr::V4(ip), interface))
}

fn ip_allowed(ip: IpAddr, interface: IpAddr) -> bool {
    ip.is_loopback() || ip == interface || interface.is_unspecified()
}

/// `403 Forbidden`, saying why and which address to use instead.
fn forbidden_host(host: Option<&str>, local: SocketAddr) -> Response {
    let addressed = match host {
        Some(host) => {
            let shown: String = host.chars().filter(|c| !c.is_control()).take(100).collect();
            format!("this request was addressed to `{shown}`")
        }
        None => "this request named no host (no Host header)".to_string(),
    };
    let open = if local.ip().is_unspecified() {
        format!("http://127.0.0.1:{}/", local.port())
    } else {
        format!("http://{local}/")
    };
    let body = format!(
        "403 Forbidden: styre serve answers only requests addressed to this computer \
         (localhost, 127.0.0.1, [::1] or the --interface address); {addressed}.\n\
         This keeps pages of other sites from reading the dev server through a name that \
         points here (DNS rebinding).\nOpen {open} instead.\n"
    );
    (
        StatusCode::FORBIDDEN,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn livereload_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVERELOAD_JS,
    )
        .into_response()
}

async fn events(
    State(state): State<AppState>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let initial = state
        .current
        .read()
        .ok()
        .and_then(|c| c.error.clone())
        .map(Notice::Failed);
    let updates = BroadcastStream::new(state.notices.subscribe()).filter_map(|n| n.ok());
    let stream = tokio_stream::iter(initial).chain(updates).map(|notice| {
        Ok(match notice {
            Notice::Reload => Event::default().event("reload").data("reload"),
            Notice::Failed(text) => Event::default().event("failed").data(text),
        })
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let path = percent_decode(uri.path());
    let current = match state.current.read() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    };
    let Some(output) = &current.output else {
        let text = current.error.clone().unwrap_or_default();
        return html_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html",
            error_page(&text),
        );
    };
    if !uri.path().ends_with('/')
        && output
            .lookup(&path)
            .is_some_and(|(file, _)| file.ends_with("/index.html"))
    {
        let location = format!("{}/", uri.path());
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    let (status, found) = match output.lookup(&path) {
        Some(found) => (StatusCode::OK, Some(found)),
        None => (StatusCode::NOT_FOUND, output.lookup("/404.html")),
    };
    let Some((file, content)) = found else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let bytes = match content {
        OutputFile::Bytes(b) => b.clone(),
        OutputFile::Copy(src) => match read_copied(&state.root, src) {
            Ok(b) => b,
            Err((status, why)) => return (status, why).into_response(),
        },
        // The server renders into memory; a file already written to disk is not its.
        OutputFile::Written => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "not kept in memory").into_response();
        }
    };
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    if mime.essence_str() == "text/html" {
        return html_response(status, "text/html", inject_script(bytes));
    }
    let mut response = (status, bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(mime.essence_str()) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

/// A copied file (static, attachment) as the server reads it at request time, under the rule a
/// build follows: a plain file inside the site. A file replaced by a link since the build (to
/// `/etc/passwd`, say) is refused, not followed.
fn read_copied(root: &Path, src: &Path) -> Result<Vec<u8>, (StatusCode, String)> {
    let unreadable = |e: std::io::Error| {
        (
            StatusCode::NOT_FOUND,
            format!("cannot read {}: {e}", src.display()),
        )
    };
    let meta = std::fs::symlink_metadata(src).map_err(unreadable)?;
    let real = std::fs::canonicalize(src).map_err(unreadable)?;
    if !meta.file_type().is_file() || !real.starts_with(root) {
        return Err((
            StatusCode::FORBIDDEN,
            format!(
                "{} is not a plain file of the site (a link?); styre serves no links",
                src.display()
            ),
        ));
    }
    std::fs::read(&real).map_err(unreadable)
}

fn html_response(status: StatusCode, _mime: &str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject_script(mut html: Vec<u8>) -> Vec<u8> {
    let needle = b"</body>";
    match html.windows(needle.len()).rposition(|w| w == needle) {
        Some(i) => {
            html.splice(i..i, SCRIPT_TAG.bytes());
        }
        None => html.extend_from_slice(SCRIPT_TAG.as_bytes()),
    }
    html
}

fn error_page(text: &str) -> Vec<u8> {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\
         <body><h1>The site does not build yet</h1><pre>{}</pre>{SCRIPT_TAG}</body></html>",
        crate::site::html::escape(text)
    )
    .into_bytes()
}

fn percent_decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_files_are_read_only_as_plain_files_inside_the_site() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("passwd");
        std::fs::write(&secret, "root:x:0:0").unwrap();
        let site = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(site.path()).unwrap();
        let plain = root.join("static/a.txt");
        std::fs::create_dir_all(plain.parent().unwrap()).unwrap();
        std::fs::write(&plain, "a").unwrap();
        assert_eq!(read_copied(&root, &plain).unwrap(), b"a");
        // The file is replaced by a link after the build; so is a folder.
        std::fs::remove_file(&plain).unwrap();
        std::os::unix::fs::symlink(&secret, &plain).unwrap();
        let (status, why) = read_copied(&root, &plain).unwrap_err();
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(why.contains("not a plain file of the site"), "{why}");
        let linked_dir = root.join("static/docs");
        std::os::unix::fs::symlink(outside.path(), &linked_dir).unwrap();
        let (status, _) = read_copied(&root, &linked_dir.join("passwd")).unwrap_err();
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = read_copied(&root, &root.join("static/gone.txt")).unwrap_err();
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn script_goes_before_body_end() {
        let html = inject_script(b"<html><body><p>x</p></body></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<html><body><p>x</p>{SCRIPT_TAG}</body></html>")
        );
    }

    #[test]
    fn only_hosts_naming_this_computer_are_answered() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.:1111",
            "styre.localhost:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.8.9.10:80",
            "[::1]",
            "[::1]:1111",
        ] {
            assert!(host_allowed(host, loopback), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "evillocalhost",
            "127.0.0.1.evil.example",
            "192.168.1.5:1111",
            "[::2]:1111",
            "[::1",
            "::1",
            "localhost:11x",
            "",
        ] {
            assert!(!host_allowed(host, loopback), "{host}");
        }
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        assert!(host_allowed("192.168.1.5:1111", lan));
        assert!(!host_allowed("192.168.1.6:1111", lan));
        assert!(host_allowed("localhost:1111", lan));
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("10.0.0.7:1111", any));
        assert!(host_allowed("[fe80::1]:1111", "::".parse().unwrap()));
        assert!(!host_allowed("evil.example:1111", any));
    }

    #[test]
    fn percent_decoding_handles_norwegian_paths() {
        assert_eq!(percent_decode("/m%C3%B8te/"), "/møte/");
        assert_eq!(percent_decode("/100%"), "/100%");
    }
}
