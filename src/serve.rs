//! `styre serve`: build in memory, serve on loopback, rebuild on every change, reload browsers.
//!
//! The server never dies on a bad edit. A failed rebuild keeps the last good site online, prints
//! the errors in the terminal, and sends them to every open page, which shows them in an
//! overlay until the next good build reloads it. Nothing is written to disk.
//!
//! Live reload needs no inline script: served HTML pages get a `<script src>` tag for
//! `/__styre/livereload.js`, which listens to server-sent events on `/__styre/events`.

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
    let state = AppState {
        current: Arc::new(RwLock::new(Current::default())),
        notices,
    };
    rebuild(&options.root, &load_options, &state, shell);
    shell.status(&format!(
        "Serving {} at {base_url}/ (live reload on; Ctrl+C stops)",
        options.root.display()
    ));

    let watcher_state = state.clone();
    let root = options.root.clone();
    std::thread::spawn(move || watch(&root, &load_options, &watcher_state, shell));

    let app = Router::new()
        .route("/__styre/livereload.js", get(livereload_js))
        .route("/__styre/events", get(events))
        .fallback(get(page))
        .with_state(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}

fn rebuild(root: &Path, options: &LoadOptions, state: &AppState, shell: Shell) {
    let build = crate::build_site(root, options);
    shell.diagnostics(&build.diagnostics, &build.sources);
    let mut current = match state.current.write() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    };
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

/// Watches the site and rebuilds after each burst of changes.
fn watch(root: &Path, options: &LoadOptions, state: &AppState, shell: Shell) {
    use notify_debouncer_full::notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer =
        match notify_debouncer_full::new_debouncer(Duration::from_millis(50), None, tx) {
            Ok(d) => d,
            Err(e) => {
                shell.status(&format!(
                    "error: cannot watch {}: {e}; live reload is off",
                    root.display()
                ));
                return;
            }
        };
    if let Err(e) = debouncer.watch(root, RecursiveMode::Recursive) {
        shell.status(&format!(
            "error: cannot watch {}: {e}; live reload is off",
            root.display()
        ));
        return;
    }
    for result in rx {
        let Ok(events) = result else { continue };
        // Reading a file (which the build itself does) raises access events on some platforms;
        // only a change to the tree may trigger a rebuild, or every build would trigger the next.
        let relevant = events
            .iter()
            .filter(|e| {
                use notify_debouncer_full::notify::EventKind;
                matches!(
                    e.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                )
            })
            .flat_map(|e| e.paths.iter())
            .any(|p| change_kind(root, p).is_some());
        if relevant {
            rebuild(root, options, state, shell);
        }
    }
}

/// What kind of input a changed path is, or `None` for paths the site does not read (the
/// output folder, editor backups, hidden files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Config,
    Content,
    Template,
    Static,
    Theme,
}

pub fn change_kind(root: &Path, path: &Path) -> Option<ChangeKind> {
    let rel = path.strip_prefix(root).ok()?;
    let name = rel.file_name()?.to_string_lossy();
    if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
        return None;
    }
    if rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return None;
    }
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    match first.as_ref() {
        "config.toml" => Some(ChangeKind::Config),
        "content" => Some(ChangeKind::Content),
        "templates" => Some(ChangeKind::Template),
        "static" => Some(ChangeKind::Static),
        "themes" => Some(ChangeKind::Theme),
        _ => None,
    }
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
        OutputFile::Copy(src) => match std::fs::read(src) {
            Ok(b) => b,
            Err(e) => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("cannot read {}: {e}", src.display()),
                )
                    .into_response();
            }
        },
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
        crate::templates::escape(text)
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
    fn script_goes_before_body_end() {
        let html = inject_script(b"<html><body><p>x</p></body></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<html><body><p>x</p>{SCRIPT_TAG}</body></html>")
        );
    }

    #[test]
    fn changes_are_classified() {
        let root = Path::new("/site");
        assert_eq!(
            change_kind(root, Path::new("/site/content/a.md")),
            Some(ChangeKind::Content)
        );
        assert_eq!(
            change_kind(root, Path::new("/site/config.toml")),
            Some(ChangeKind::Config)
        );
        assert_eq!(
            change_kind(root, Path::new("/site/templates/page.html")),
            Some(ChangeKind::Template)
        );
        assert_eq!(
            change_kind(root, Path::new("/site/public/index.html")),
            None
        );
        assert_eq!(
            change_kind(root, Path::new("/site/content/.a.md.swp")),
            None
        );
        assert_eq!(change_kind(root, Path::new("/site/content/a.md~")), None);
    }

    #[test]
    fn percent_decoding_handles_norwegian_paths() {
        assert_eq!(percent_decode("/m%C3%B8te/"), "/møte/");
        assert_eq!(percent_decode("/100%"), "/100%");
    }
}
