//! Live reload: the script served pages load, the server-sent events that tell it to reload
//! or to show the errors of a failed build, and the tag added to every served HTML page.

use axum::extract::State;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::{AppState, Notice};

const LIVERELOAD_JS: &str = include_str!("../builtin/livereload.js");
const SCRIPT_TAG: &str = "<script src=\"/__styre/livereload.js\" defer></script>";

pub(super) async fn livereload_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVERELOAD_JS,
    )
        .into_response()
}

pub(super) async fn events(
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

/// Adds the live-reload script before `</body>` (or at the end).
pub(super) fn inject_script(mut html: Vec<u8>) -> Vec<u8> {
    let needle = b"</body>";
    match html.windows(needle.len()).rposition(|w| w == needle) {
        Some(i) => {
            html.splice(i..i, SCRIPT_TAG.bytes());
        }
        None => html.extend_from_slice(SCRIPT_TAG.as_bytes()),
    }
    html
}

pub(super) fn error_page(text: &str) -> Vec<u8> {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\
         <body><h1>The site does not build yet</h1><pre>{}</pre>{SCRIPT_TAG}</body></html>",
        crate::site::html::escape(text)
    )
    .into_bytes()
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
}
