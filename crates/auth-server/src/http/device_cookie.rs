//! The device cookie on the wire (what it proves is in `infra/device.rs`): read from the
//! login request's `Cookie` header, and set by a successful login. It is sent only to the
//! login route (`Path`), never readable by scripts (`HttpOnly`), never on a cross-site
//! request (`SameSite=Strict`), and `Secure` with the server's other cookies (then named
//! with the `__Secure-` prefix, so a page over plain HTTP cannot plant one).

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use http::request::Parts;
use http::{HeaderMap, HeaderValue};

use crate::infra::device::{Device, DeviceCookies};
use crate::state::AppState;

/// The cookie's name without the `__Secure-` prefix.
pub const DEVICE_COOKIE: &str = "login_device";
/// The only route it is sent to.
pub const DEVICE_COOKIE_PATH: &str = "/api/v1/auth/login";
/// Values looked at per request: a browser sends one, but several cookies of one name
/// (other paths, a planted one) must not buy unbounded HMAC work.
const MAX_VALUES: usize = 4;

fn cookie_name(secure: bool) -> String {
    if secure {
        format!("__Secure-{DEVICE_COOKIE}")
    } else {
        DEVICE_COOKIE.to_string()
    }
}

/// The device cookie values a request carries (usually none or one).
#[derive(Debug, Clone, Default)]
pub struct PresentedDevice {
    values: Vec<String>,
}

impl FromRequestParts<AppState> for PresentedDevice {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(PresentedDevice::from_headers(&parts.headers, state.settings.cookie_secure))
    }
}

impl PresentedDevice {
    fn from_headers(headers: &HeaderMap, secure: bool) -> Self {
        let name = cookie_name(secure);
        let values = headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(n, _)| *n == name)
            .map(|(_, value)| value.trim_matches('"').to_string())
            .take(MAX_VALUES)
            .collect();
        PresentedDevice { values }
    }

    /// The device, when one of the values is a valid cookie for `account` at `now`.
    pub fn trusted(&self, devices: &DeviceCookies, account: i64, now: i64) -> Option<Device> {
        self.values.iter().find_map(|value| devices.verify(value, account, now))
    }
}

/// Adds a `Set-Cookie` with a new device cookie for `account` to `headers`.
pub fn set_device_cookie(headers: &mut HeaderMap, devices: &DeviceCookies, secure: bool, account: i64, now: i64) {
    let value = devices.issue(account, now);
    let secure_attr = if secure { "; Secure" } else { "" };
    let cookie = format!(
        "{}={value}; Path={DEVICE_COOKIE_PATH}; Max-Age={}; HttpOnly; SameSite=Strict{secure_attr}",
        cookie_name(secure),
        devices.ttl_secs()
    );
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        headers.append(http::header::SET_COOKIE, cookie);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_scoped_and_read_back() {
        let devices = DeviceCookies::new(b"secret", 3600);
        for secure in [false, true] {
            let mut set = HeaderMap::new();
            set_device_cookie(&mut set, &devices, secure, 5, 1_000);
            let cookie = set.get(http::header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
            assert!(
                cookie.contains("; Path=/api/v1/auth/login; Max-Age=3600; HttpOnly; SameSite=Strict"),
                "{cookie}"
            );
            assert_eq!(cookie.ends_with("; Secure"), secure, "{cookie}");
            assert_eq!(cookie.starts_with("__Secure-login_device="), secure, "{cookie}");
            let pair = cookie.split(';').next().unwrap();
            let mut sent = HeaderMap::new();
            sent.insert(http::header::COOKIE, format!("other=1; {pair}").parse().unwrap());
            let presented = PresentedDevice::from_headers(&sent, secure);
            assert!(presented.trusted(&devices, 5, 1_001).is_some());
            assert!(presented.trusted(&devices, 6, 1_001).is_none());
            // The unprefixed name is not read when cookies are Secure.
            assert!(PresentedDevice::from_headers(&sent, !secure).trusted(&devices, 5, 1_001).is_none());
        }
    }
}
