//! The key a username is stored, looked up and throttled by (RFC 8265's
//! UsernameCaseMapped profile). It lives here, below the store and the throttle that key
//! by it; `domain::users::validate` re-exports it with the other username rules.

/// The key a username is stored, looked up and throttled by: RFC 8265's
/// UsernameCaseMapped profile, so two spellings that a person would read as the same name
/// name the same account. In the RFC's order: fullwidth and halfwidth forms mapped to
/// their plain decompositions (only those: NFKC would also fold `²` or `①`, which the
/// profile keeps), Unicode Default Case Folding (`ß` → `ss`, `Σ`/`ς` → `σ`), then NFC.
pub fn username_key(username: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut width_mapped = String::with_capacity(username.len());
    for c in username.chars() {
        if is_width_variant(c) {
            width_mapped.extend(std::iter::once(c).nfkc());
        } else {
            width_mapped.push(c);
        }
    }
    caseless::default_case_fold_str(&width_mapped).nfc().collect()
}

/// Whether `c` may have a `<wide>` or `<narrow>` compatibility decomposition
/// (UnicodeData.txt): the ideographic space and the Halfwidth and Fullwidth Forms block,
/// where every assigned character has one (unassigned ones have none, so NFKC keeps them).
fn is_width_variant(c: char) -> bool {
    matches!(c, '\u{3000}' | '\u{FF01}'..='\u{FFEE}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_keys_follow_rfc_8265_username_case_mapped() {
        for same in ["vicky", "VICKY", "Vicky", "ｖｉｃｋｙ", "ＶＩＣＫＹ"] {
            assert_eq!(username_key(same), "vicky", "{same}");
        }
        // Case folding, not lowercasing: the final sigma and sharp s fold too.
        assert_eq!(username_key("ΟΔΥΣΣΕΥΣ"), username_key("οδυσσευς"));
        assert_eq!(username_key("STRASSE"), username_key("straße"));
        // NFC: a precomposed and a decomposed é are one name.
        assert_eq!(username_key("ren\u{00e9}"), username_key("rene\u{0301}"));
        // Halfwidth katakana compose with their voiced mark once width-mapped.
        assert_eq!(username_key("\u{FF76}\u{FF9E}"), "\u{30AC}");
        // Only width is mapped, not every compatibility form.
        assert_ne!(username_key("x²"), username_key("x2"));
        assert_ne!(username_key("alice"), username_key("alice2"));
    }
}
