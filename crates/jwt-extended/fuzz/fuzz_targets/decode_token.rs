//! Arbitrary bytes as a token through `JwtManager::decode_token` (and its
//! `allow_expired` twin): never a panic, and whatever is accepted satisfies the invariants
//! of `jwt_extended_fuzz::check_decoded`.
#![no_main]

use jwt_extended_fuzz::{HEADER_BEARER, decode_checked};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Tokens reach the decoder as text (header values, cookies, JSON strings).
    let token = String::from_utf8_lossy(data);
    if let Ok(decoded) = decode_checked(&HEADER_BEARER, &token) {
        // Only tokens signed with the fuzz secret can get here: the signature covers
        // everything before the last dot, so changing it must break the token.
        let (signed, _) = token.rsplit_once('.').expect("an accepted token has segments");
        let tampered = format!("{signed}x.{}", &token[signed.len() + 1..]);
        assert!(HEADER_BEARER.decode_token(&tampered).is_err(), "tampered token accepted");
        assert!(decoded.claims.subject().is_some());
    }
});
