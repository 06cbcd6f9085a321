//! Only requests addressed to this computer are answered: the `Host` check of `styre serve`
//! against DNS rebinding, and the `403` that says which address to open instead.

use std::net::{IpAddr, SocketAddr};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Answers only requests addressed to this computer (see [`host_allowed`]): a page on another
/// site whose name is made to point at 127.0.0.1 (DNS rebinding) could otherwise read the dev
/// server, drafts included. Its requests carry that other name in `Host`.
pub(super) async fn check_host(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
