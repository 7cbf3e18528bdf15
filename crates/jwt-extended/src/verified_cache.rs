//! Tokens this thread verified recently, so that a client presenting the same token again
//! skips base64, JSON parsing and the signature: that decode was a sixth of the CPU time
//! of a protected request (perf on `/api/v1/secret`), and a client sends the same access
//! token for its whole lifetime.
//!
//! A hit needs the same bytes (all of them compared, however early they differ), the same
//! manager (whose keys and decode settings never change once built) and time claims that
//! still hold now (`iat`, `nbf` and `exp`, with the leeway); anything else takes the full
//! path, so an expired token gets the usual error. Only successful verifications are
//! stored, so a forged token can neither enter nor evict. Everything that depends on the
//! route or on state (type, freshness, CSRF, revocation, the verifier callback) runs on
//! every request as before.
//!
//! One small table per thread (tokio's workers): a hit takes no lock and writes nothing
//! another core reads. Direct-mapped: a flood of distinct valid tokens only evicts
//! entries, and the table never grows past [`SLOTS`] entries per thread.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use subtle::ConstantTimeEq;

use crate::claims::DecodedToken;
use crate::decode::Validity;

/// Entries per thread (a power of two). About 1.5 KB each for a typical token.
const SLOTS: usize = 128;

/// The bytes hashed to choose a slot: the end of the signature, random for real tokens.
const HASHED_SUFFIX: usize = 32;

/// A new id for a manager's entries: a hit needs the manager that stored the entry.
pub(crate) fn new_owner() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

struct Entry {
    owner: u64,
    /// [`Table::locate`]'s hash of `token`: a token that differs from the stored one is
    /// told apart without reading the stored bytes, which are cold in memory by then.
    hash: u64,
    token: Box<str>,
    decoded: DecodedToken,
    validity: Validity,
}

struct Table {
    hasher: foldhash::fast::RandomState,
    slots: Vec<Option<Entry>>,
}

impl Table {
    /// The hash of `token` and the slot it chooses.
    fn locate(&self, token: &str) -> (u64, usize) {
        let suffix = &token.as_bytes()[token.len().saturating_sub(HASHED_SUFFIX)..];
        let hash = self.hasher.hash_one(suffix);
        (hash, (hash as usize) & (SLOTS - 1))
    }
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table {
        hasher: foldhash::fast::RandomState::default(),
        slots: Vec::new(),
    });
}

/// The token `owner` verified earlier on this thread, if its times still hold at `now`.
pub(crate) fn get(owner: u64, token: &str, now: f64, leeway: f64) -> Option<DecodedToken> {
    TABLE
        .try_with(|table| {
            let table = table.borrow();
            let (hash, slot) = table.locate(token);
            let entry = table.slots.get(slot)?.as_ref()?;
            // The hash first: unequal, it says only that the token is not the stored one,
            // and nothing about how much of it matches (the key is random per thread).
            (entry.hash == hash
                && entry.owner == owner
                && same_bytes(entry.token.as_bytes(), token.as_bytes())
                && entry.validity.holds_at(now, leeway))
            .then(|| entry.decoded.clone())
        })
        .ok()
        .flatten()
}

/// Whether `a` and `b` are equal, in a time that depends on their length only: a forged
/// token that lands in a real token's slot must not learn, from how soon a comparison
/// stops, how many of its leading bytes are right.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut difference = 0u64;
    let (a_words, a_rest) = a.split_at(a.len() - a.len() % 8);
    let (b_words, b_rest) = b.split_at(a_words.len());
    for (x, y) in a_words.chunks_exact(8).zip(b_words.chunks_exact(8)) {
        let x = u64::from_ne_bytes(x.try_into().unwrap_or_default());
        let y = u64::from_ne_bytes(y.try_into().unwrap_or_default());
        difference |= x ^ y;
    }
    for (x, y) in a_rest.iter().zip(b_rest) {
        difference |= u64::from(x ^ y);
    }
    // Word-wise XOR above, one constant-time decision here: `subtle` keeps the compiler
    // from turning the accumulation into an early exit, at no cost per byte.
    difference.ct_eq(&0).into()
}

/// Remembers that `owner` verified `token`, replacing whatever shared its slot.
pub(crate) fn put(owner: u64, token: &str, decoded: &DecodedToken, validity: Validity) {
    // Fails only while the thread is shutting down; the next request decodes again.
    let _ = TABLE.try_with(|table| {
        let mut table = table.borrow_mut();
        if table.slots.is_empty() {
            table.slots.resize_with(SLOTS, || None);
        }
        let (hash, slot) = table.locate(token);
        table.slots[slot] = Some(Entry {
            owner,
            hash,
            token: token.into(),
            decoded: decoded.clone(),
            validity,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::JwtManager;

    fn manager() -> JwtManager {
        JwtManager::builder()
            .secret("a-secret-of-at-least-thirty-two-bytes!")
            .build()
            .unwrap()
    }

    fn validity(expires_at: f64) -> Validity {
        Validity {
            issued_at: Some(expires_at - 100.0),
            not_before: Some(expires_at - 100.0),
            expires_at: Some(expires_at),
        }
    }

    const FOREVER: Validity = Validity {
        issued_at: None,
        not_before: None,
        expires_at: None,
    };

    #[test]
    fn a_stored_token_is_found_by_its_owner_only_while_its_times_hold() {
        let jwt = manager();
        let token = jwt.create_access_token("alice").unwrap();
        let decoded = jwt.decode_token(&token).unwrap();
        let owner = new_owner();
        assert!(get(owner, &token, 1_000.0, 0.0).is_none(), "nothing stored yet");
        put(owner, &token, &decoded, validity(1_000.0));

        assert_eq!(get(owner, &token, 999.0, 0.0), Some(decoded));
        assert!(get(owner, &token, 1_000.0, 0.0).is_none(), "exp <= now is expired");
        assert!(get(owner, &token, 1_004.0, 5.0).is_some(), "within the leeway");
        assert!(get(owner, &token, 899.0, 0.0).is_none(), "before nbf and iat");
        assert!(get(new_owner(), &token, 999.0, 0.0).is_none(), "another manager");
    }

    #[test]
    fn byte_comparison_finds_every_difference() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLW9mLWV4YWN0bHktZm9ydHk";
        assert!(same_bytes(token.as_bytes(), token.as_bytes()));
        assert!(same_bytes(b"", b""));
        assert!(!same_bytes(token.as_bytes(), &token.as_bytes()[1..]));
        for i in 0..token.len() {
            let mut changed = token.as_bytes().to_vec();
            changed[i] ^= 1;
            assert!(!same_bytes(token.as_bytes(), &changed), "byte {i}");
        }
    }

    #[test]
    fn only_the_same_bytes_hit() {
        let jwt = manager();
        let token = jwt.create_access_token("alice").unwrap();
        let owner = new_owner();
        put(owner, &token, &jwt.decode_token(&token).unwrap(), FOREVER);
        // Same suffix (so the same slot), different payload.
        let (_, signature) = token.rsplit_once('.').unwrap();
        let other = jwt.create_access_token("mallory").unwrap();
        let (other_input, _) = other.rsplit_once('.').unwrap();
        let spliced = format!("{other_input}.{signature}");
        assert!(get(owner, &spliced, 0.0, 0.0).is_none());
        assert!(get(owner, &token[..token.len() - 1], 0.0, 0.0).is_none());
        assert!(get(owner, &token, 0.0, 0.0).is_some());
    }

    #[test]
    fn a_token_in_the_same_slot_replaces_the_entry() {
        let jwt = manager();
        let owner = new_owner();
        let tokens: Vec<String> = (0..SLOTS * 4)
            .map(|i| jwt.create_access_token(&format!("user{i}")).unwrap())
            .collect();
        let first = &tokens[0];
        let slot = TABLE.with(|t| t.borrow().locate(first).1);
        let rival = tokens[1..]
            .iter()
            .find(|t| TABLE.with(|table| table.borrow().locate(t).1) == slot)
            .expect("some token among 4 x SLOTS shares the slot");
        put(owner, first, &jwt.decode_token(first).unwrap(), FOREVER);
        put(owner, rival, &jwt.decode_token(rival).unwrap(), FOREVER);
        assert!(get(owner, first, 0.0, 0.0).is_none());
        assert!(get(owner, rival, 0.0, 0.0).is_some());
        assert_eq!(TABLE.with(|t| t.borrow().slots.len()), SLOTS);
    }
}
