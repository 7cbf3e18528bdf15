//! A token's or session's id (`jti`, `sid`) in the form the in-memory revocation maps are
//! keyed by: UUIDs as 16-byte integers (a million revoked tokens cost tens of megabytes,
//! not hundreds), anything else as its text.
//!
//! Parsing the UUID is most of what a revocation check costs when the verified-token cache
//! answers, so [`Claims::compact_ids`](crate::claims::Claims::compact_ids) parses a token's
//! ids once and every copy of its claims (the cache hands out copies) shares them.

/// An identifier stored compactly: UUIDs as `u128`, anything else as a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CompactId {
    Uuid(u128),
    Text(Box<str>),
}

impl CompactId {
    pub(crate) fn new(s: &str) -> Self {
        // Only the canonical lowercase hyphenated spelling maps to the compact form, so two
        // spellings of one UUID remain two different ids.
        let canonical = s.len() == 36 && !s.bytes().any(|b| b.is_ascii_uppercase());
        match uuid::Uuid::try_parse(s) {
            Ok(u) if canonical => CompactId::Uuid(u.as_u128()),
            _ => CompactId::Text(s.into()),
        }
    }
}

/// The compact ids of one token's claims.
#[derive(Debug)]
pub(crate) struct ClaimIds {
    /// The token's `jti`.
    pub(crate) token: Option<CompactId>,
    /// The session's `sid`.
    pub(crate) session: Option<CompactId>,
}

impl ClaimIds {
    pub(crate) fn new(jti: Option<&str>, session_id: Option<&str>) -> Self {
        ClaimIds {
            token: jti.map(CompactId::new),
            session: session_id.map(CompactId::new),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_uuids_are_compacted() {
        let id = "a8098c1a-f86e-11da-bd1a-00112444be1e";
        assert_eq!(CompactId::new(id), CompactId::Uuid(0xa8098c1a_f86e_11da_bd1a_00112444be1e));
        assert!(matches!(CompactId::new("A8098C1A-F86E-11DA-BD1A-00112444BE1E"), CompactId::Text(_)));
        assert!(matches!(CompactId::new("a8098c1af86e11dabd1a00112444be1e"), CompactId::Text(_)));
        assert!(matches!(CompactId::new("not-a-uuid"), CompactId::Text(_)));
    }

    #[test]
    fn claim_ids_are_the_ids_of_each_claim() {
        let ids = ClaimIds::new(Some("a8098c1a-f86e-11da-bd1a-00112444be1e"), None);
        assert_eq!(ids.token, Some(CompactId::new("a8098c1a-f86e-11da-bd1a-00112444be1e")));
        assert_eq!(ids.session, None);
        let ids = ClaimIds::new(None, Some("s-1"));
        assert_eq!((ids.token, ids.session), (None, Some(CompactId::Text("s-1".into()))));
    }
}
