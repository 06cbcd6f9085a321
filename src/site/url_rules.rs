//! The rules for what authors write as URLs, ids and site paths, read as hostile input: every
//! value here ends up in an attribute, a file name or a URL of the output.
//!
//! - [`scheme`] reads a URL's scheme as a browser does (leading and trailing control characters
//!   and spaces trimmed, tabs and line breaks anywhere dropped, case ignored);
//! - [`check_url`] accepts what a typed URL field may hold: `http:`, `https:`, `mailto:`,
//!   `tel:` and relative URLs;
//! - [`is_id`] is the rule for `id` keys (docs/content-model.md);
//! - [`base_url_problem`] is the rule for `base_url` (docs/configuration.md).

/// The schemes a typed URL field (an attachment's `url`, `licence_url`) may use.
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Schemes that run code or smuggle content in a link: Markdown links with them get a warning.
pub const SCRIPT_SCHEMES: &[&str] = &["javascript", "data", "vbscript"];

/// The URL as a browser parses it: leading and trailing C0 controls and spaces trimmed, ASCII
/// tabs and line breaks removed wherever they are.
fn as_browser_reads(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The scheme of `url` in lower case (`javascript` for ` JavaScript:alert(1)`), or `None` for a
/// relative URL.
pub fn scheme(url: &str) -> Option<String> {
    let url = as_browser_reads(url);
    let (head, _) = url.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| head.to_ascii_lowercase())
}

/// `Err(scheme)` when `url` uses a scheme other than [`ALLOWED_SCHEMES`].
pub fn check_url(url: &str) -> Result<(), String> {
    match scheme(url) {
        Some(s) if !ALLOWED_SCHEMES.contains(&s.as_str()) => Err(s),
        _ => Ok(()),
    }
}

/// The scheme of a Markdown link target that is one of [`SCRIPT_SCHEMES`].
pub fn script_scheme(url: &str) -> Option<String> {
    scheme(url).filter(|s| SCRIPT_SCHEMES.contains(&s.as_str()))
}

/// An id: lower-case ASCII letters and digits, in words joined by single `-`
/// (`^[a-z0-9]+(-[a-z0-9]+)*$`).
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// What an id would be if written by the rule: lower-cased, runs of anything else one `-`.
pub fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "my-id".into() } else { out }
}

/// Why `base_url` (a trailing `/` already removed) is not one styre accepts, or `None` when it
/// is: an absolute `http://` or `https://` URL with a host (and optional port and path), a path
/// starting with a single `/`, or empty. No spaces, control characters, quotes, `<`, `>`, `\`,
/// query or fragment anywhere.
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    if url.is_empty() {
        return None;
    }
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "\"'<>\\`?#".contains(c))
    {
        return Some(
            "spaces, control characters, quotes, `<`, `>`, `\\`, `?` and `#` are not allowed",
        );
    }
    if let Some(rest) = url.strip_prefix('/') {
        if rest.starts_with('/') {
            return Some("`//` starts a URL on another host, not a path");
        }
        return path_problem(rest);
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some("not an http(s) URL or a path starting with `/`");
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.find(']') {
        Some(i) if authority.starts_with('[') => {
            let rest = &authority[i + 1..];
            let port = (!rest.is_empty()).then(|| rest.strip_prefix(':').unwrap_or("?"));
            (&authority[..=i], port)
        }
        _ => match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[') {
        v6.strip_suffix(']')
            .is_some_and(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_hexdigit() || c == ':'))
    } else {
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
    };
    if !host_ok {
        return Some("the URL has no valid host");
    }
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("the port is not a number");
    }
    path_problem(path.trim_start_matches('/')).or(if path.starts_with("//") {
        Some("`//` in a path")
    } else {
        None
    })
}

fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return None;
    }
    if path
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == ".." || s.to_ascii_lowercase().contains("%2e"))
    {
        return Some("empty, `.` and `..` segments are not allowed in the path");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        assert_eq!(scheme("javascript:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(scheme(" \u{1}JaVaScRiPt:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("java\tscr\nipt:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("DATA:text/html,x").as_deref(), Some("data"));
        assert_eq!(scheme("vedlegg/a.pdf"), None);
        assert_eq!(scheme("./a:b"), None);
        assert_eq!(scheme("/a:b"), None);
        assert_eq!(scheme("#x"), None);
        assert_eq!(scheme("1x:y"), None);
    }

    #[test]
    fn typed_urls_take_four_schemes_and_relative_urls() {
        for ok in [
            "https://x.no/a",
            "HTTP://x.no",
            "mailto:post@x.no",
            "tel:+4712345678",
            "vedlegg/a.pdf",
            "/a/",
            "#x",
            "?q=1",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " data:text/html,x",
            "VBScript:x",
            "ftp://x",
            "file:///etc/passwd",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_are_lower_case_words() {
        for ok in ["produktstyret", "digital-henvisning", "2024", "a-1-b"] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in [
            "",
            "../../evil",
            "Veikart",
            "a--b",
            "-a",
            "a-",
            "a b",
            "æ",
            "a_b",
            "a.b",
        ] {
            assert!(!is_id(bad), "{bad}");
        }
        assert_eq!(suggest_id("../../Evil Id"), "evil-id");
        assert_eq!(suggest_id("§"), "my-id");
    }

    #[test]
    fn base_urls() {
        for ok in [
            "",
            "https://styre.example.no",
            "http://127.0.0.1:1111",
            "https://x.no/portal",
            "https://[::1]:8080",
            "http://[::1]",
            "/portal",
            "/",
        ] {
            let ok = ok.trim_end_matches('/');
            assert_eq!(base_url_problem(ok), None, "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "x",
            "https://",
            "https:///x",
            "https://x.no:port",
            "https://x.no/a b",
            "https://x.no\"><script>",
            "//evil.example",
            "/a/../b",
            "/a/%2e%2e/b",
            "ftp://x.no",
            "https://x.no?a=1",
        ] {
            assert!(base_url_problem(bad).is_some(), "{bad}");
        }
    }
}
