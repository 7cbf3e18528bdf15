//! Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): every
//! successful login hands the client a value naming the account, a random nonce and an
//! expiry, signed with a key derived from the server's signing key. A later login for the
//! same account carrying a valid one comes from a device that knew the password before:
//! the per-account lockout a guessing flood triggers does not refuse it, and its check
//! goes to the hashing queue's priority lane. The nonce names the device for its own
//! failure limit (`infra/throttle`), so a stolen cookie cannot be used to guess.
//!
//! The key is derived (HKDF-SHA256) from the signing key's own bytes, so every instance
//! sharing the signing key accepts the cookies of the others, and nothing new needs
//! storing; rotating the signing key ends every device's trust (its next login is an
//! untrusted one, and a success sets a new cookie).

use aws_lc_rs::{hkdf, hmac};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

const NONCE_BYTES: usize = 16;
const TAG_BYTES: usize = 32;
/// Bound before any decoding: base64 of the nonce and tag, an expiry, two dots.
const MAX_VALUE_LEN: usize = 120;

/// Signs and checks device cookie values.
pub struct DeviceCookies {
    key: hmac::Key,
    ttl_secs: i64,
}

/// A device that presented a valid cookie for the account it logs in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The cookie's nonce (base64url): the key its failures are counted under.
    pub id: String,
}

impl DeviceCookies {
    /// Cookies signed with a key derived from `secret` (the signing key's bytes), valid
    /// for `ttl_secs`.
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"auth-server device cookie v1").extract(secret);
        let okm = prk
            .expand(&[b"hmac-sha256"], hmac::HMAC_SHA256)
            .expect("one HMAC-SHA256 key is within HKDF's output limit");
        DeviceCookies {
            key: hmac::Key::from(okm),
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(i64::MAX),
        }
    }

    /// How long a new cookie lives, in seconds.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    fn tag(&self, account: i64, nonce: &str, expires: i64) -> hmac::Tag {
        let mut ctx = hmac::Context::with_key(&self.key);
        ctx.update(&account.to_be_bytes());
        ctx.update(nonce.as_bytes());
        ctx.update(b".");
        ctx.update(&expires.to_be_bytes());
        ctx.sign()
    }

    /// A new cookie value for `account` (a user id), valid from `now` (unix seconds).
    pub fn issue(&self, account: i64, now: i64) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let nonce = URL_SAFE_NO_PAD.encode(nonce);
        let expires = now.saturating_add(self.ttl_secs);
        let tag = URL_SAFE_NO_PAD.encode(self.tag(account, &nonce, expires));
        format!("{nonce}.{expires}.{tag}")
    }

    /// The device, when `value` was issued by this server for `account` and has not
    /// expired at `now`; `None` for anything else (forged, expired, another account's,
    /// malformed), which is then an untrusted attempt like one without a cookie.
    pub fn verify(&self, value: &str, account: i64, now: i64) -> Option<Device> {
        if value.len() > MAX_VALUE_LEN {
            return None;
        }
        let mut parts = value.split('.');
        let (nonce, expires, tag) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let decoded_nonce = URL_SAFE_NO_PAD.decode(nonce).ok()?;
        let expires: i64 = expires.parse().ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        if decoded_nonce.len() != NONCE_BYTES || tag.len() != TAG_BYTES {
            return None;
        }
        let expected = self.tag(account, nonce, expires);
        let genuine: bool = expected.as_ref().ct_eq(&tag).into();
        (genuine && now < expires).then(|| Device { id: nonce.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const DAY: u64 = 86_400;

    #[test]
    fn a_cookie_is_valid_only_for_its_account_until_it_expires() {
        let cookies = DeviceCookies::new(b"signing secret", 30 * DAY);
        let value = cookies.issue(7, NOW);
        let device = cookies.verify(&value, 7, NOW + 1).expect("valid");
        assert_eq!(device.id, value.split('.').next().unwrap());
        assert_eq!(cookies.verify(&value, 8, NOW + 1), None, "another account's");
        let expiry = NOW + 30 * DAY as i64;
        assert!(cookies.verify(&value, 7, expiry - 1).is_some());
        assert_eq!(cookies.verify(&value, 7, expiry), None, "expired");
        assert_ne!(cookies.issue(7, NOW), value, "each cookie has its own nonce");
    }

    #[test]
    fn forged_or_malformed_values_are_refused() {
        let cookies = DeviceCookies::new(b"signing secret", 30 * DAY);
        let other_key = DeviceCookies::new(b"another secret", 30 * DAY);
        let value = cookies.issue(7, NOW);
        assert_eq!(cookies.verify(&other_key.issue(7, NOW), 7, NOW), None, "another key's");
        let (nonce, rest) = value.split_once('.').unwrap();
        let (expires, tag) = rest.split_once('.').unwrap();
        let later = expires.parse::<i64>().unwrap() + 1000;
        let mut flipped = tag.to_string().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        for forged in [
            format!("{nonce}.{later}.{tag}"),
            format!("{nonce}.{expires}.{flipped}"),
            format!("AAAAAAAAAAAAAAAAAAAAAA.{expires}.{tag}"),
            format!("{value}.x"),
            format!("{nonce}.{expires}"),
            format!("{nonce}.{expires}.{}", "A".repeat(200)),
            format!("{nonce}.soon.{tag}"),
            String::new(),
            "...".into(),
        ] {
            assert_eq!(cookies.verify(&forged, 7, NOW), None, "{forged}");
        }
    }
}
