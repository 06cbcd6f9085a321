//! Answering a request from the served output: the page or file at the URL (the site's 404
//! page when there is none), a redirect to the folder's URL, the error page while the site does
//! not build, and copied files read from the site as a build would read them.

// Serves copied files (static files, attachments) from the site on each request, under the
// rule a build follows (`read_copied`): the documented exception to "only load reads".
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::output::{Output, OutputFile};

use super::livereload::{error_page, inject_script};
use super::{AppState, Current};

pub(super) async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let path = percent_decode(uri.path());
    let current = read_current(&state);
    let Some(output) = &current.output else {
        return not_built(&current);
    };
    if let Some(redirect) = folder_redirect(output, &uri, &path) {
        return redirect;
    }
    let (status, found) = find_file(output, &path);
    let Some((file, content)) = found else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    match file_bytes(&state.root, content) {
        Ok(bytes) => file_response(status, file, bytes),
        Err(response) => response,
    }
}

/// What is served now (a panic while it was replaced leaves it as it was).
fn read_current(state: &AppState) -> std::sync::RwLockReadGuard<'_, Current> {
    match state.current.read() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// `503`, with the errors of the last build, while no build has succeeded yet.
fn not_built(current: &Current) -> Response {
    let text = current.error.clone().unwrap_or_default();
    html_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/html",
        error_page(&text),
    )
}

/// `301` to the URL with a trailing `/`, when the URL names a folder's `index.html`.
fn folder_redirect(output: &Output, uri: &Uri, path: &str) -> Option<Response> {
    if !uri.path().ends_with('/')
        && output
            .lookup(path)
            .is_some_and(|(file, _)| file.ends_with("/index.html"))
    {
        let location = format!("{}/", uri.path());
        return Some(
            (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response(),
        );
    }
    None
}

/// The file at the URL path with `200`, else the site's 404 page (if any) with `404`.
fn find_file<'a>(
    output: &'a Output,
    path: &str,
) -> (StatusCode, Option<(&'a str, &'a OutputFile)>) {
    match output.lookup(path) {
        Some(found) => (StatusCode::OK, Some(found)),
        None => (StatusCode::NOT_FOUND, output.lookup("/404.html")),
    }
}

/// The bytes of a served file: rendered in memory, or a copied file read from the site now.
fn file_bytes(root: &Path, content: &OutputFile) -> Result<Vec<u8>, Response> {
    match content {
        OutputFile::Bytes(b) => Ok(b.clone()),
        OutputFile::Copy(src) => {
            read_copied(root, src).map_err(|(status, why)| (status, why).into_response())
        }
        // The server renders into memory; a file already written to disk is not its.
        OutputFile::Written => {
            Err((StatusCode::INTERNAL_SERVER_ERROR, "not kept in memory").into_response())
        }
    }
}

/// The response for a file, typed by its name; an HTML page gets the live-reload script.
fn file_response(status: StatusCode, file: &str, bytes: Vec<u8>) -> Response {
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
    fn percent_decoding_handles_norwegian_paths() {
        assert_eq!(percent_decode("/m%C3%B8te/"), "/møte/");
        assert_eq!(percent_decode("/100%"), "/100%");
    }
}
