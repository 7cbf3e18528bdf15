//! `Authorization: Bearer <jwt>`, parsed the way Flask-JWT-Extended parses it: the value
//! may list several schemes (`Basic x, Bearer <jwt>`); exactly one entry must start with
//! the configured type; surrounding spaces and commas are ignored.

use std::borrow::Cow;

use http::request::Parts;

use super::{FoundToken, Lookup};
use crate::config::{JwtConfig, TokenLocation};
use crate::error::JwtError;

pub(super) fn lookup<'a>(parts: &'a Parts, config: &JwtConfig) -> Result<Lookup<'a>, JwtError> {
    let name = &config.header_name;
    let raw = match parts.headers.get(name.as_str()) {
        None => return Ok(Lookup::Missing(format!("Missing {name} Header"))),
        Some(value) => value,
    };
    let Ok(value) = raw.to_str() else {
        return Err(bad_header(config));
    };
    match parse(value, &config.header_type) {
        Parsed::Token(token) => Ok(Lookup::Found(FoundToken {
            token: Cow::Borrowed(token),
            location: TokenLocation::Headers,
            csrf: None,
        })),
        Parsed::Empty => Ok(Lookup::Missing(format!("Missing {name} Header"))),
        Parsed::NoEntryOfType => {
            let kind = &config.header_type;
            Ok(Lookup::Missing(format!(
                "Missing '{kind}' type in '{name}' header. Expected '{name}: {kind} <JWT>'"
            )))
        }
        Parsed::Malformed => Err(bad_header(config)),
    }
}

fn bad_header(config: &JwtConfig) -> JwtError {
    let name = &config.header_name;
    let msg = if config.header_type.is_empty() {
        format!("Bad {name} header. Expected '{name}: <JWT>'")
    } else {
        format!("Bad {name} header. Expected '{name}: {} <JWT>'", config.header_type)
    };
    JwtError::InvalidToken(Cow::Owned(msg))
}

/// The result of parsing one header value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed<'a> {
    Token(&'a str),
    Empty,
    NoEntryOfType,
    Malformed,
}

/// Parses a header value for `header_type` (empty type: the whole value is the token).
pub(crate) fn parse<'a>(value: &'a str, header_type: &str) -> Parsed<'a> {
    if let Some(token) = plain(value, header_type) {
        return Parsed::Token(token);
    }
    // Header values arrive as visible ASCII. There, splitting on ASCII whitespace bytes is
    // the same as Python's `str.split()` (and `split_whitespace`), and several times faster
    // over a long token. U+000B is whitespace to both but not to `is_ascii_whitespace`, so
    // a value containing it takes the general path.
    if value.is_ascii() && !value.contains('\u{b}') {
        parse_with::<AsciiSpaces>(value, header_type)
    } else {
        parse_with::<UnicodeSpaces>(value, header_type)
    }
}

/// The value almost every client sends, `<type> <token>` with nothing around it, read in
/// one pass over the token instead of the five that trimming and splitting take. `None`
/// sends anything else down the general path, which gives the same answer for this shape.
fn plain<'a>(value: &'a str, header_type: &str) -> Option<&'a str> {
    let type_is_one_word = !header_type.is_empty() && header_type.bytes().all(|b| b.is_ascii_graphic() && b != b',');
    if !type_is_one_word {
        return None;
    }
    let token = value.strip_prefix(header_type)?.strip_prefix(' ')?;
    // Visible ASCII but the comma: no whitespace (U+000B included) and nothing to split
    // on. A fold rather than `all` so that the check is vectorised.
    let one_word = token.bytes().fold(true, |ok, b| ok & (b > b' ') & (b < 0x7f) & (b != b','));
    (!token.is_empty() && one_word).then_some(token)
}

/// Which characters count as whitespace, and the string operations that follow from it.
trait Spaces {
    fn trim(s: &str) -> &str;
    fn trim_start(s: &str) -> &str;
    fn words(s: &str) -> impl Iterator<Item = &str>;
}

/// Unicode whitespace, as Python's `str.split()`.
struct UnicodeSpaces;
impl Spaces for UnicodeSpaces {
    fn trim(s: &str) -> &str {
        s.trim()
    }
    fn trim_start(s: &str) -> &str {
        s.trim_start()
    }
    fn words(s: &str) -> impl Iterator<Item = &str> {
        s.split_whitespace()
    }
}

/// ASCII whitespace except U+000B: only for strings that are ASCII without U+000B.
struct AsciiSpaces;
impl Spaces for AsciiSpaces {
    fn trim(s: &str) -> &str {
        s.trim_ascii()
    }
    fn trim_start(s: &str) -> &str {
        s.trim_ascii_start()
    }
    fn words(s: &str) -> impl Iterator<Item = &str> {
        s.split_ascii_whitespace()
    }
}

fn parse_with<'a, W: Spaces>(value: &'a str, header_type: &str) -> Parsed<'a> {
    let value = W::trim(value).trim_matches(',');
    if value.is_empty() {
        return Parsed::Empty;
    }
    if header_type.is_empty() {
        let mut words = W::words(value);
        return match (words.next(), words.next()) {
            (Some(token), None) => Parsed::Token(token),
            _ => Parsed::Malformed,
        };
    }
    let mut matching = split_entries::<W>(value).filter(|entry| W::words(entry).next() == Some(header_type));
    let (Some(entry), None) = (matching.next(), matching.next()) else {
        return Parsed::NoEntryOfType;
    };
    let mut words = W::words(entry);
    match (words.next(), words.next(), words.next()) {
        (Some(_), Some(token), None) => Parsed::Token(token),
        _ => Parsed::Malformed,
    }
}

/// Splits on `,` followed by optional whitespace (Python's `re.split(r",\s*", ...)`).
fn split_entries<W: Spaces>(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .enumerate()
        .map(|(i, entry)| if i == 0 { entry } else { W::trim_start(entry) })
        .filter(|e| !e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_flask_jwt_extended() {
        assert_eq!(parse("Bearer abc", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("  Bearer abc , ", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("Basic x, Bearer abc", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("Bearer abc,Basic x,", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("Basic x", "Bearer"), Parsed::NoEntryOfType);
        assert_eq!(parse("bearer abc", "Bearer"), Parsed::NoEntryOfType);
        assert_eq!(parse("Bearer a, Bearer b", "Bearer"), Parsed::NoEntryOfType);
        assert_eq!(parse("Bearer", "Bearer"), Parsed::Malformed);
        assert_eq!(parse("Bearer a b", "Bearer"), Parsed::Malformed);
        assert_eq!(parse("", "Bearer"), Parsed::Empty);
        assert_eq!(parse(" , ", "Bearer"), Parsed::Empty);
        assert_eq!(parse("abc", ""), Parsed::Token("abc"));
        assert_eq!(parse("Bearer abc", ""), Parsed::Malformed);
    }

    #[test]
    fn ascii_fast_path_agrees_with_unicode_rules() {
        let values = [
            "Bearer abc",
            "\tBearer\x0c abc\r\n,",
            "Bearer\u{b}abc",
            "Basic x,\x0cBearer abc",
            " , Bearer a b",
            "Bearer a,Bearer b",
            "abc",
            ",, ,",
        ];
        for value in values {
            for kind in ["Bearer", ""] {
                assert_eq!(parse_with::<UnicodeSpaces>(value, kind), parse(value, kind), "{value:?} / {kind:?}");
            }
        }
        // U+000B splits words in Python; the fast path must not be taken for it.
        assert_eq!(parse("Bearer\u{b}abc", "Bearer"), Parsed::Token("abc"));
    }

    proptest::proptest! {
        /// The one-pass reading of `<type> <token>` never disagrees with the general rules.
        #[test]
        fn plain_values_read_like_the_general_path(
            value in "(Bearer|JWT|Bearer Foo|B,x)?[ ,\t]{0,2}[A-Za-z0-9._=+/, \t-]{0,12}",
            kind in "Bearer|JWT|Bearer Foo|B,x|,|",
        ) {
            if let Some(token) = plain(&value, &kind) {
                proptest::prop_assert_eq!(parse_with::<UnicodeSpaces>(&value, &kind), Parsed::Token(token));
            }
            proptest::prop_assert_eq!(parse(&value, &kind), parse_with::<UnicodeSpaces>(&value, &kind));
        }
    }
}
