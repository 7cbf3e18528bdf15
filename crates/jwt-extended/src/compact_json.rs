//! A fast path for [`crate::json::scan`]: the compact objects tokens carry (no whitespace,
//! no escapes, printable ASCII strings, small non-negative integers, booleans, `null`, no
//! nesting) read in one pass, without serde's visitors. Reading a token's header and
//! payload through serde was an eighth of the instructions of a request whose token the
//! verified-token cache does not hold (docs/performance.md).
//!
//! It answers only when it is sure: anything else, valid or not (whitespace, an escape, a
//! float, a nested value, a repeated name, a syntax error), is `None`, and the full scan
//! decides with its own accept/reject set and error messages. A proptest checks that
//! whatever this path answers, the full scan answers the same.

use serde_json::Value;

/// Member names remembered for the duplicate check; an object with more takes the full scan.
const MAX_OTHERS: usize = 32;

/// Integers up to this many digits are read here (they all fit a `u64`); longer ones take
/// the full scan.
const MAX_DIGITS: usize = 18;

/// The members `slot` places, as [`crate::json::scan`] would give them, when `bytes` is a
/// compact object of the simple shapes above; `None` otherwise.
pub(crate) fn scan<const N: usize>(bytes: &[u8], slot: &impl Fn(&str) -> Option<usize>) -> Option<[Option<Value>; N]> {
    let mut found = [const { None }; N];
    let mut others = [""; MAX_OTHERS];
    let mut other_count = 0;
    // One UTF-8 check for the whole object (the fast path reads ASCII only, so every
    // slice below falls on a character boundary) instead of one per string.
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = Reader { text, bytes, at: 0 };
    reader.expect(b'{')?;
    if reader.peek()? == b'}' {
        reader.at += 1;
        return reader.at_end().then_some(found);
    }
    loop {
        let key = reader.string()?;
        reader.expect(b':')?;
        match slot(key).filter(|&i| i < N) {
            Some(i) if found[i].is_some() => return None,
            Some(i) => found[i] = Some(reader.value()?),
            None => {
                if other_count == MAX_OTHERS || others[..other_count].contains(&key) {
                    return None;
                }
                others[other_count] = key;
                other_count += 1;
                reader.skip_value()?;
            }
        }
        match reader.next()? {
            b',' => {}
            b'}' => return reader.at_end().then_some(found),
            _ => return None,
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

/// Whether `byte` ends a string's plain run: a quote, a backslash, or anything but
/// printable ASCII.
fn ends_plain_run(byte: u8) -> bool {
    !(b' '..=b'~').contains(&byte) | (byte == b'"') | (byte == b'\\')
}

/// The length of the plain run `bytes` starts with, read eight bytes at a time as one
/// `u64`: most strings in a token are shorter than 16 bytes, and a byte-by-byte search
/// for their end cost more than the rest of reading them.
fn plain_run(bytes: &[u8]) -> usize {
    let (words, tail) = bytes.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let ends = ending_bytes(u64::from_le_bytes(*word));
        if ends != 0 {
            return i * 8 + (ends.trailing_zeros() / 8) as usize;
        }
    }
    let len = words.len() * 8;
    len + tail.iter().position(|&b| ends_plain_run(b)).unwrap_or(tail.len())
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `word` (little-endian) that [`ends_plain_run`], as their high bits. Only
/// the lowest one is exact (a borrow or carry out of a flagged byte can flag the byte
/// above it), and the lowest is all [`plain_run`] reads.
fn ending_bytes(word: u64) -> u64 {
    // The high bit of `x - 1` without the high bit of `x`: bytes that are zero.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    let not_ascii_or_delete = word | word.wrapping_add(ONES);
    let quote = zero(word ^ (ONES * u64::from(b'"')));
    let backslash = zero(word ^ (ONES * u64::from(b'\\')));
    (control | not_ascii_or_delete | quote | backslash) & HIGH_BITS
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// A string of printable ASCII without escapes.
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = start + plain_run(&self.bytes[start..]);
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        self.at = end + 1;
        self.text.get(start..end)
    }

    /// A literal (`true`, `false`, `null`) or an integer, which must end the member.
    fn scalar(&mut self) -> Option<Value> {
        let rest = &self.bytes[self.at..];
        let (value, len) = match rest.first()? {
            b't' if rest.starts_with(b"true") => (Value::Bool(true), 4),
            b'f' if rest.starts_with(b"false") => (Value::Bool(false), 5),
            b'n' if rest.starts_with(b"null") => (Value::Null, 4),
            b'0'..=b'9' => {
                let len = rest.iter().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len());
                if len > MAX_DIGITS || (rest[0] == b'0' && len > 1) {
                    return None;
                }
                let number = rest[..len].iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
                (Value::from(number), len)
            }
            _ => return None,
        };
        // `1.5`, `1e3` or `truex` are left to the full scan.
        if !matches!(rest.get(len), Some(b',' | b'}')) {
            return None;
        }
        self.at += len;
        Some(value)
    }

    fn value(&mut self) -> Option<Value> {
        if self.peek()? == b'"' {
            return self.string().map(|s| Value::String(s.to_owned()));
        }
        self.scalar()
    }

    fn skip_value(&mut self) -> Option<()> {
        if self.peek()? == b'"' {
            return self.string().map(drop);
        }
        self.scalar().map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn names<'a>(list: &'a [&'a str]) -> impl Fn(&str) -> Option<usize> + 'a {
        move |key| list.iter().position(|n| *n == key)
    }

    #[test]
    fn a_token_payload_takes_the_fast_path() {
        let payload = br#"{"csrf":"e9851114-1e81-4ca8-a513-1d5ade2eca94","exp":1796558009,"fresh":true,"iat":1796557109,"is_admin":false,"jti":"08a6ed0d-a39e-4876-b97f-da0a5bced04b","nbf":1796557109,"role":"user","sid":"01a24b25-f971-7156-8724-a5ecdc38537f","sub":"1","type":"access","username":"profile","x":null}"#;
        let [exp, sub, fresh] = scan(payload, &names(&["exp", "sub", "fresh"])).expect("the fast path reads it");
        assert_eq!(exp, Some(Value::from(1796558009u64)));
        assert_eq!(sub, Some(Value::from("1")));
        assert_eq!(fresh, Some(Value::Bool(true)));
        assert!(scan::<1>(br#"{"alg":"HS256","kid":"hs-1","typ":"JWT"}"#, &names(&["alg"])).is_some());
        assert!(scan::<1>(b"{}", &names(&["alg"])).is_some());
    }

    #[test]
    fn anything_unusual_is_left_to_the_full_scan() {
        for text in [
            &br#"{"a":1,"a":2}"#[..],
            br#"{"x":1,"x":2}"#,
            br#"{ "a":1}"#,
            br#"{"a":1.5}"#,
            br#"{"a":1e3}"#,
            br#"{"a":-1}"#,
            br#"{"a":01}"#,
            br#"{"a":"\u0041"}"#,
            br#"{"a":[1]}"#,
            br#"{"a":{}}"#,
            br#"{"a":1,}"#,
            br#"{"a":1}x"#,
            br#"{"a":truex}"#,
            "{\"a\":\"é\"}".as_bytes(),
            br#"{"a":12345678901234567890}"#,
            b"[1]",
            b"{",
        ] {
            assert!(scan::<1>(text, &names(&["a"])).is_none(), "{}", String::from_utf8_lossy(text));
        }
    }

    proptest::proptest! {
        /// The chunked search for a string's end finds the first byte that ends it.
        #[test]
        fn plain_runs_end_at_the_first_ending_byte(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                8 => b' '..=b'~',
                1 => proptest::num::u8::ANY,
                // Each side of every boundary the word-at-a-time test draws.
                1 => proptest::sample::select(vec![0, 0x1f, b' ', b'!', b'"', b'#', b'[', b'\\', b']', b'~', 0x7f, 0x80, 0xff]),
            ],
            0..80,
        )) {
            let naive = bytes.iter().position(|&b| ends_plain_run(b)).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(plain_run(&bytes), naive);
        }

        /// Whatever the fast path answers, the full scan (serde) answers the same; and it
        /// answers for the members tokens are made of.
        #[test]
        fn the_fast_path_agrees_with_the_full_scan(
            members in proptest::collection::vec(
                ("(sub|exp|x|y|s\\\\u0075b|a\"b|)", "(0|1|17|1796557109|01|-1|1.5|1e3|12345678901234567890|\"v\"|\"\"|\"a b\"|\"\\\\n\"|\"é\"|true|false|null|tru|\\[1\\]|\\{\\}|\"[a-z0-9-]{10,40}\"|\"[a-z]{10,30}(\\\\n|é|\t)[a-z]{0,20}\")"),
                0..6,
            ),
            separator in "(,|, | ,)",
            trailing in "( |x|,|\\})?",
        ) {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let text = format!("{{{}}}{trailing}", body.join(&separator));
            let slot = names(&["sub", "exp"]);
            let full: Result<[Option<Value>; 2], _> = json::scan_full(text.as_bytes(), &slot);
            if let Some(fast) = scan::<2>(text.as_bytes(), &slot) {
                proptest::prop_assert_eq!(Some(fast), full.ok(), "{}", text);
            }
        }
    }
}
