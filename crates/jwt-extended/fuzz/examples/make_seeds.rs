//! Writes the seed corpora under `seeds/<target>/`: valid tokens signed with the fuzz
//! secret (no expiry, so the seeds stay valid), placed the way each target reads its
//! input. Run from the fuzz directory: `cargo run --example make_seeds` (stable is fine).

use std::path::Path;

use jwt_extended::Lifetime;
use jwt_extended_fuzz::COOKIES;

fn write(target: &str, name: &str, bytes: impl AsRef<[u8]>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    std::fs::create_dir_all(&dir).expect("create the seed directory");
    std::fs::write(dir.join(name), bytes).expect("write a seed");
}

fn prefixed(selector: u8, text: &str) -> Vec<u8> {
    let mut bytes = vec![selector];
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

fn main() {
    let jwt = &*COOKIES;
    let access = jwt.access_token("alice").fresh(true).issue().expect("access token");
    let refresh = jwt
        .refresh_token("alice")
        .lifetime(Lifetime::Unlimited)
        .session("s1")
        .issue()
        .expect("refresh token");
    let expired = jwt
        .access_token("bob")
        .lifetime(Lifetime::Expires(std::time::Duration::ZERO))
        .issue()
        .expect("token");
    let (a, r) = (&access.token, &refresh.token);
    let csrf = access.csrf.as_deref().expect("cookie CSRF is on");
    let refresh_csrf = refresh.csrf.as_deref().expect("cookie CSRF is on");

    write("decode_token", "access", a);
    write("decode_token", "refresh", r);
    write("decode_token", "expired", &expired.token);
    write("decode_token", "segments", "e30.e30");
    write("decode_token", "padding", "eyJhbGciOiJIUzI1NiJ9.e30=.AA==");

    // Raw bytes for the `arbitrary` decoder: a spread of selector values.
    write("decode_signed", "zeros", [0u8; 48]);
    write("decode_signed", "ramp", (0u8..=127).collect::<Vec<_>>());
    write(
        "decode_signed",
        "text",
        b"HS256\x03sub\x02alice\x01exp\x05\x00\x10iat\x07\xff".as_slice(),
    );

    write("authorization_header", "bearer", prefixed(0, &format!("Bearer {a}")));
    write("authorization_header", "refresh", prefixed(0, &format!("Bearer {r}")));
    write(
        "authorization_header",
        "schemes",
        prefixed(0, &format!("Basic dXNlcjpwdw==, Bearer {a} ,")),
    );
    write("authorization_header", "custom_type", prefixed(1, &format!("JWT {a}")));
    write("authorization_header", "untyped", prefixed(2, a));
    write("authorization_header", "malformed", prefixed(0, "Bearer a b, Bearer"));

    let cookie = |name: &str, token: &str, csrf_name: &str, csrf: &str| format!("{name}={token}; {csrf_name}={csrf}");
    let access_cookie = cookie("access_token_cookie", a, "csrf_access_token", csrf);
    let refresh_cookie = cookie("refresh_token_cookie", r, "csrf_refresh_token", refresh_csrf);
    let post = 1;
    write("cookie_csrf", "get", prefixed(0, &format!("\n{access_cookie}")));
    write("cookie_csrf", "post", prefixed(post, &format!("{csrf}\n{access_cookie}")));
    write(
        "cookie_csrf",
        "post_mismatch",
        prefixed(post, &format!("{refresh_csrf}\n{access_cookie}")),
    );
    write("cookie_csrf", "post_missing", prefixed(post | 16, &format!("\n{access_cookie}")));
    write(
        "cookie_csrf",
        "refresh",
        prefixed(post | 8, &format!("{refresh_csrf}\na=1\n{refresh_cookie}")),
    );
    write(
        "cookie_csrf",
        "quoted",
        prefixed(4, &format!("{csrf}\nx=\"1\"; access_token_cookie=\"{a}\"")),
    );
    println!("seeds written under {}/seeds", env!("CARGO_MANIFEST_DIR"));
}
