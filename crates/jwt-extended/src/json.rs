//! The JSON objects inside a token (its header and its payload), read strictly and only as
//! far as a request needs.
//!
//! Two parsers that disagree on which of two `sub` members counts must never both see a
//! valid token, so duplicate member names are refused. And a protected request only needs
//! a dozen registered claims, so [`scan`] checks the whole object (the same accept/reject
//! set and error messages as parsing it into a `serde_json::Map`) but builds values only
//! for the members asked for; the full map is built on first use by [`LazyObject`].
//! Building it on every request was a fifth of the instructions of a `/secret` call.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The members that `slot` gives a place (parsed, at that place), after checking the
/// whole object: the values of the other members are validated as `serde_json::Value`
/// would be, without being built. `slot` must give distinct names distinct places.
pub(crate) fn scan<const N: usize>(bytes: &[u8], slot: impl Fn(&str) -> Option<usize>) -> Result<[Option<Value>; N], serde_json::Error> {
    if let Some(found) = crate::compact_json::scan(bytes, &slot) {
        return Ok(found);
    }
    scan_full(bytes, slot)
}

/// [`scan`] through serde alone, without the fast path for compact objects.
pub(crate) fn scan_full<const N: usize>(
    bytes: &[u8],
    slot: impl Fn(&str) -> Option<usize>,
) -> Result<[Option<Value>; N], serde_json::Error> {
    scan_with(bytes, slot, Duplicates::Refuse)
}

/// Like [`scan`], but a repeated member name is not an error: the last value counts, as
/// with `serde_json::Value` and Python's `json` (what Flask hands FJE for a request body).
// Only the layer reads request bodies.
#[cfg_attr(not(feature = "axum"), allow(dead_code))]
pub(crate) fn scan_last_wins<const N: usize>(
    bytes: &[u8],
    slot: impl Fn(&str) -> Option<usize>,
) -> Result<[Option<Value>; N], serde_json::Error> {
    scan_with(bytes, slot, Duplicates::LastWins)
}

fn scan_with<const N: usize>(
    bytes: &[u8],
    slot: impl Fn(&str) -> Option<usize>,
    duplicates: Duplicates,
) -> Result<[Option<Value>; N], serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let found = Scan::<_, N> { slot, duplicates }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(found)
}

/// What a repeated member name means: an attack on a token (two parsers could disagree
/// on which `sub` counts), an everyday overwrite in a request body.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "axum"), allow(dead_code))]
enum Duplicates {
    Refuse,
    LastWins,
}

/// Parses a whole object, refusing duplicate member names.
pub(crate) fn parse_map(bytes: &[u8]) -> Result<Map<String, Value>, serde_json::Error> {
    serde_json::from_slice::<StrictObject>(bytes).map(|StrictObject(map)| map)
}

/// The JSON text of an object already checked by [`scan`], and its map once built.
#[derive(Clone)]
pub(crate) struct LazyObject {
    json: Vec<u8>,
    map: OnceLock<Map<String, Value>>,
}

impl LazyObject {
    /// `json` must have passed [`scan`].
    pub(crate) fn new(json: Vec<u8>) -> Self {
        LazyObject {
            json,
            map: OnceLock::new(),
        }
    }

    /// The map, built on first use; `complete` adds what the caller's view adds (defaults).
    pub(crate) fn get(&self, complete: impl FnOnce(&mut Map<String, Value>)) -> &Map<String, Value> {
        self.map.get_or_init(|| {
            // `scan` accepted these bytes and refuses everything `parse_map` refuses, so
            // this cannot fail; an empty map would be the safe answer if it ever did.
            let mut map = parse_map(&self.json).unwrap_or_default();
            complete(&mut map);
            map
        })
    }

    /// Takes the map out, building it if needed.
    pub(crate) fn into_map(mut self, complete: impl FnOnce(&mut Map<String, Value>)) -> Map<String, Value> {
        self.get(complete);
        self.map.take().unwrap_or_default()
    }
}

/// A JSON object that refuses duplicate keys.
struct StrictObject(Map<String, Value>);

impl<'de> de::Deserialize<'de> for StrictObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = StrictObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a json object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StrictObject, A::Error> {
                let mut map = Map::new();
                while let Some(key) = access.next_key::<String>()? {
                    match map.entry(key) {
                        serde_json::map::Entry::Occupied(entry) => return Err(duplicate(entry.key())),
                        serde_json::map::Entry::Vacant(entry) => {
                            entry.insert(access.next_value()?);
                        }
                    }
                }
                Ok(StrictObject(map))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

fn duplicate<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("duplicate key {key:?}"))
}

struct Scan<F, const N: usize> {
    slot: F,
    duplicates: Duplicates,
}

impl<'de, const N: usize, F: Fn(&str) -> Option<usize>> DeserializeSeed<'de> for Scan<F, N> {
    type Value = [Option<Value>; N];
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, const N: usize, F: Fn(&str) -> Option<usize>> Visitor<'de> for Scan<F, N> {
    type Value = [Option<Value>; N];

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a json object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut found = [const { None }; N];
        // A member with a place is a duplicate when its place is taken; only the others
        // need remembering.
        let mut others = SeenKeys::default();
        let refuse = self.duplicates == Duplicates::Refuse;
        while let Some(Key(key)) = access.next_key()? {
            match (self.slot)(&key).filter(|&i| i < N) {
                Some(i) if refuse && found[i].is_some() => return Err(duplicate(&key)),
                Some(i) => found[i] = Some(access.next_value()?),
                None if refuse && !others.insert(key.clone()) => return Err(duplicate(&key)),
                None => {
                    access.next_value::<Valid>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Member names seen so far: a list for the usual dozen, a set past that (a hostile 8 KiB
/// token can hold a thousand members).
#[derive(Default)]
struct SeenKeys<'de> {
    few: Vec<Cow<'de, str>>,
    many: HashSet<Cow<'de, str>>,
}

impl<'de> SeenKeys<'de> {
    const FEW: usize = 32;

    /// `false` when `key` was seen before.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if self.few.len() < Self::FEW {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().cloned());
        }
        self.many.insert(key)
    }
}

/// A member name, borrowed from the input unless it holds escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Any JSON value, checked through the same `deserialize_any` path as
/// `serde_json::Value` (so numbers out of range, bad escapes and nesting depth fail the
/// same way) but not built. `IgnoredAny` would skip numbers without range checks.
struct Valid;

impl<'de> de::Deserialize<'de> for Valid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Valid)
    }
}

impl<'de> Visitor<'de> for Valid {
    type Value = Valid;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_none<E: de::Error>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Valid, D::Error> {
        deserializer.deserialize_any(Valid)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Valid, A::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Valid)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Valid, A::Error> {
        while map.next_key::<Valid>()?.is_some() {
            map.next_value::<Valid>()?;
        }
        Ok(Valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<'a>(list: &'a [&'a str]) -> impl Fn(&str) -> Option<usize> + 'a {
        move |key| list.iter().position(|n| *n == key)
    }

    fn error_text<T>(r: Result<T, &serde_json::Error>) -> Option<String> {
        r.err().map(|e| e.to_string())
    }

    #[test]
    fn scan_picks_the_wanted_members() {
        let [a, b, missing] = scan(br#"{"a":1,"x":{"y":[1,"z"]},"b":"two"}"#, names(&["a", "b", "c"])).unwrap();
        assert_eq!(a, Some(Value::from(1)));
        assert_eq!(b, Some(Value::from("two")));
        assert_eq!(missing, None);
        // Escaped names are compared unescaped, like the map's keys.
        let [sub] = scan(br#"{"s\u0075b":"1"}"#, names(&["sub"])).unwrap();
        assert_eq!(sub, Some(Value::from("1")));
    }

    #[test]
    fn scan_refuses_duplicates_even_when_escaped_or_many() {
        assert!(scan::<1>(br#"{"sub":"1","s\u0075b":"2"}"#, names(&["sub"])).is_err());
        assert!(scan::<1>(br#"{"x":1,"x":2}"#, names(&["sub"])).is_err());
        let mut many: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
        assert!(scan::<1>(format!("{{{}}}", many.join(",")).as_bytes(), names(&["sub"])).is_ok());
        many.push("\"k3\":0".into());
        assert!(scan::<1>(format!("{{{}}}", many.join(",")).as_bytes(), names(&["sub"])).is_err());
    }

    proptest::proptest! {
        /// `scan` accepts and refuses exactly what the full parse does, with the same
        /// error text (the error messages are part of the FJE-compatible answers).
        #[test]
        fn scan_agrees_with_the_full_parse(
            members in proptest::collection::vec(
                ("(sub|exp|x|s\\\\u0075b|\\\\ud800|a\\\\\"b)", "(1|1e400|-0|\"v\"|\"\\\\ud800\"|\\[1,\\{\\}\\]|\\{\"a\":1,\"a\":2\\}|null|tru|\\[\\[\\[1\\]\\]\\])"),
                0..5,
            ),
            trailing in "( |x|,|\\})?",
        ) {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let text = format!("{{{}}}{trailing}", body.join(","));
            let scanned = scan(text.as_bytes(), names(&["sub", "exp"]));
            let parsed = parse_map(text.as_bytes());
            proptest::prop_assert_eq!(error_text(scanned.as_ref()), error_text(parsed.as_ref()), "{}", text);
            if let (Ok([sub, exp]), Ok(map)) = (scanned, parsed) {
                proptest::prop_assert_eq!(sub.as_ref(), map.get("sub"));
                proptest::prop_assert_eq!(exp.as_ref(), map.get("exp"));
            }
        }
    }

    #[test]
    fn scan_last_wins_keeps_the_last_duplicate_and_still_checks_the_rest() {
        let [a] = scan_last_wins(br#"{"a":"1","x":0,"x":1,"a":"2"}"#, names(&["a"])).unwrap();
        assert_eq!(a, Some(Value::from("2")));
        // Past the wanted member the document must still be one valid object.
        assert!(scan_last_wins::<1>(br#"{"a":"1","x":1e400}"#, names(&["a"])).is_err());
        assert!(scan_last_wins::<1>(br#"{"a":"1"} x"#, names(&["a"])).is_err());
        assert!(scan_last_wins::<1>(br#"["a"]"#, names(&["a"])).is_err());
    }

    proptest::proptest! {
        /// A body scan finds what `serde_json::Value` (the former body lookup) finds.
        #[test]
        fn scan_last_wins_agrees_with_a_value_parse(
            members in proptest::collection::vec(("(a|b|x|\\\\u0061)", "(1|1e400|\"v\"|null|\\[1\\]|\\{\"a\":1,\"a\":2\\})"), 0..5),
            trailing in "( |x|\\})?",
        ) {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let text = format!("{{{}}}{trailing}", body.join(","));
            let scanned = scan_last_wins(text.as_bytes(), names(&["a", "b"]));
            match serde_json::from_slice::<Value>(text.as_bytes()) {
                Ok(Value::Object(map)) => {
                    let [a, b] = scanned.expect("the scan accepts what the parse accepts");
                    proptest::prop_assert_eq!(a.as_ref(), map.get("a"));
                    proptest::prop_assert_eq!(b.as_ref(), map.get("b"));
                }
                _ => proptest::prop_assert!(scanned.is_err(), "{}", text),
            }
        }
    }

    #[test]
    fn lazy_objects_build_their_map_once_with_the_callers_defaults() {
        let lazy = LazyObject::new(br#"{"a":1}"#.to_vec());
        let map = lazy.get(|m| {
            m.insert("d".into(), Value::Bool(true));
        });
        assert_eq!(map.len(), 2);
        assert_eq!(lazy.get(|_| unreachable!("built once")).len(), 2);
    }
}
