//! The client address used for login throttling and recorded with sessions: the socket
//! address, unless the operator says how many reverse proxies in front of the server
//! append to `X-Forwarded-For` (`--trusted-proxy-hops`). Only those rightmost entries were
//! written by proxies we trust; anything further left is whatever the client sent.

use std::convert::Infallible;

use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;

use crate::state::AppState;

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;

/// The client address: with `hops` > 0, the `hops`-th `X-Forwarded-For` entry from the
/// right (all such headers read in order, as one list); the socket address when `hops`
/// is 0, or the header is missing, too short or that entry is not an address.
pub fn client_ip(headers: &HeaderMap, socket: Option<IpAddr>, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return socket;
    }
    forwarded_for(headers, hops).or(socket)
}

fn forwarded_for(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let mut entries = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        entries.extend(value.to_str().ok()?.split(',').map(str::trim));
    }
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// Longest user agent kept with a session.
const MAX_USER_AGENT: usize = 512;

/// The client a session was started from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The `User-Agent` header, truncated.
    pub user_agent: Option<String>,
    /// The client address: the peer address (the router is served with connect info),
    /// or the trusted `X-Forwarded-For` hop (see `client_ip.rs`).
    pub ip: Option<String>,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
        let socket = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let ip = client_ip(&parts.headers, socket, state.settings.trusted_proxy_hops).map(|ip| ip.to_string());
        Ok(ClientInfo { user_agent, ip })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOCKET: &str = "10.0.0.9";

    fn ip(headers: &[&str], hops: usize) -> String {
        let mut map = HeaderMap::new();
        for h in headers {
            map.append("x-forwarded-for", h.parse().unwrap());
        }
        client_ip(&map, Some(SOCKET.parse().unwrap()), hops).unwrap().to_string()
    }

    #[test]
    fn without_trusted_hops_the_header_is_ignored() {
        assert_eq!(ip(&["203.0.113.7"], 0), SOCKET);
    }

    #[test]
    fn the_hop_counts_from_the_right() {
        assert_eq!(ip(&["198.51.100.1, 203.0.113.7"], 1), "203.0.113.7");
        assert_eq!(ip(&["198.51.100.1, 203.0.113.7"], 2), "198.51.100.1");
        // Several headers form one list, in order.
        assert_eq!(ip(&["198.51.100.1", "203.0.113.7, 192.0.2.4"], 3), "198.51.100.1");
        assert_eq!(ip(&["2001:db8::1"], 1), "2001:db8::1");
        assert_eq!(ip(&["[2001:db8::1]:4711"], 1), "2001:db8::1");
        assert_eq!(ip(&["203.0.113.7:4711"], 1), "203.0.113.7");
    }

    #[test]
    fn missing_short_or_garbled_headers_fall_back_to_the_socket() {
        assert_eq!(ip(&[], 1), SOCKET);
        assert_eq!(ip(&["203.0.113.7"], 2), SOCKET);
        assert_eq!(ip(&["not-an-ip"], 1), SOCKET);
        assert_eq!(ip(&["203.0.113.7, "], 1), SOCKET);
        assert_eq!(ip(&["unknown, 203.0.113.7"], 2), SOCKET);
    }
}
