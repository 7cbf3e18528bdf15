//! Input rules for accounts (username, password) and profile fields (email, mobile, age,
//! birth), collected per field so one 400 names every field that failed, and the
//! canonical form of a username that makes `VICKY`, `vicky` and `ｖｉｃｋｙ` one account.
//! `fields` states the same rules in the OpenAPI document; its tests hold the two together.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use time::macros::format_description;

use crate::http::error::ApiError;
pub use crate::infra::usernames::username_key;

/// Shortest and longest accepted username, in characters.
pub const USERNAME_LEN: (usize, usize) = (3, 64);
/// Shortest and longest accepted password, in characters.
pub const PASSWORD_LEN: (usize, usize) = (8, 1024);
/// Longest accepted email address, in characters.
pub const EMAIL_LEN: usize = 254;
/// Longest accepted phone number, in characters (digits, `+`, spaces and `-`).
pub const MOBILE_LEN: usize = 32;
/// Accepted ages.
pub const AGE_RANGE: std::ops::RangeInclusive<i64> = 0..=150;
/// The earliest accepted year of birth.
pub const BIRTH_FROM_YEAR: u32 = 1850;

/// Field errors gathered while checking one request.
#[derive(Debug, Default)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    /// Records that `field` failed with `message`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_string()).or_default().push(message.into());
    }

    /// Records `check`'s complaint about `field`, if any.
    pub fn check(&mut self, field: &str, check: Result<(), String>) {
        if let Err(message) = check {
            self.add(field, message);
        }
    }

    /// `Ok` when nothing failed, else the 400 naming every failed field.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() { Ok(()) } else { Err(ApiError::fields(self.0)) }
    }
}

fn length(value: &str, (min, max): (usize, usize)) -> Result<(), String> {
    let n = value.chars().count();
    if n < min {
        Err(format!("must be at least {min} characters"))
    } else if n > max {
        Err(format!("must be at most {max} characters"))
    } else {
        Ok(())
    }
}

/// 3–64 characters of ASCII letters, digits, `_`, `.`, `-` and `@`.
pub fn username(value: &str) -> Result<(), String> {
    length(value, USERNAME_LEN)?;
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@'))
    {
        Ok(())
    } else {
        Err("may contain only letters, digits, '_', '.', '-' and '@'".into())
    }
}

/// 8–1024 characters.
pub fn password(value: &str) -> Result<(), String> {
    length(value, PASSWORD_LEN)
}

/// A plausible address: `local@domain.tld`, no spaces, at most 254 characters.
pub fn email(value: &str) -> Result<(), String> {
    let invalid = || Err("must be an email address like name@example.com".to_string());
    if value.chars().count() > EMAIL_LEN || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return invalid();
    }
    match value.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..") =>
        {
            Ok(())
        }
        _ => invalid(),
    }
}

/// A phone number: optional `+`, then 5–15 digits, optionally grouped by spaces or `-`.
pub fn mobile(value: &str) -> Result<(), String> {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    let shape_ok = rest.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') && rest.starts_with(|c: char| c.is_ascii_digit());
    if shape_ok && (5..=15).contains(&digits) && value.len() <= MOBILE_LEN {
        Ok(())
    } else {
        Err("must be a phone number: optional '+' and 5 to 15 digits".into())
    }
}

/// Between 0 and 150.
pub fn age(value: i64) -> Result<(), String> {
    if AGE_RANGE.contains(&value) {
        Ok(())
    } else {
        Err("must be between 0 and 150".into())
    }
}

/// A calendar date `YYYY-MM-DD`, not in the future.
pub fn birth(value: &str) -> Result<(), String> {
    birth_on(value, crate::infra::clock::today())
}

/// [`birth`], with `today` as the last acceptable date.
pub(crate) fn birth_on(value: &str, today: time::Date) -> Result<(), String> {
    let not_a_date = || "must be a date like 1990-04-23".to_string();
    // Exactly `YYYY-MM-DD`: the year format alone would also take a sign (`+1990`).
    if value.len() != 10 || !value.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(not_a_date());
    }
    let date = time::Date::parse(value, format_description!("[year]-[month]-[day]")).map_err(|_| not_a_date())?;
    if date > today {
        return Err("must not be in the future".into());
    }
    if date.year() < BIRTH_FROM_YEAR as i32 {
        return Err("must be after 1850".into());
    }
    Ok(())
}

/// Checks the profile fields that are present.
pub fn profile(errors: &mut FieldErrors, email_: Option<&str>, mobile_: Option<&str>, age_: Option<i64>, birth_: Option<&str>) {
    if let Some(v) = email_ {
        errors.check("email", email(v));
    }
    if let Some(v) = mobile_ {
        errors.check("mobile", mobile(v));
    }
    if let Some(v) = age_ {
        errors.check("age", age(v));
    }
    if let Some(v) = birth_ {
        errors.check("birth", birth(v));
    }
}

/// An integer, also when written with a zero fraction (`36.0`) or, in a query string, as
/// such text: JSON Schema's `integer` counts `36.0` as one, so the server reads it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeNumber(pub i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WholeNumberVisitor)
    }
}

struct WholeNumberVisitor;

impl serde::de::Visitor<'_> for WholeNumberVisitor {
    type Value = WholeNumber;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<WholeNumber, E> {
        Ok(WholeNumber(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<WholeNumber, E> {
        i64::try_from(n).map(WholeNumber).map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<WholeNumber, E> {
        // Within ±2^53 every integer is exact, and no rule of the API reaches past it.
        if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
            Ok(WholeNumber(n as i64))
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Float(n), &self))
        }
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<WholeNumber, E> {
        match (text.parse::<i64>(), text.parse::<f64>()) {
            (Ok(n), _) => Ok(WholeNumber(n)),
            (_, Ok(n)) if n.is_finite() => self.visit_f64(n),
            _ => Err(E::invalid_value(serde::de::Unexpected::Str(text), &self)),
        }
    }
}

/// For PATCH bodies: an absent field is `None`, `null` is `Some(None)`, a value `Some(Some(v))`.
pub fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(username("alice").is_ok());
        assert!(username("a.l-i_c@e9").is_ok());
        assert!(username("al").is_err());
        assert!(username(&"a".repeat(65)).is_err());
        assert!(username(&"a".repeat(64)).is_ok());
        assert!(username("al ice").is_err());
        assert!(username("alïce").is_err());
    }

    #[test]
    fn passwords_count_characters() {
        assert!(password("1234567").is_err());
        assert!(password("12345678").is_ok());
        assert!(password(&"é".repeat(1024)).is_ok());
        assert!(password(&"é".repeat(1025)).is_err());
    }

    #[test]
    fn profile_fields() {
        assert!(email("a@example.com").is_ok());
        for bad in ["a", "a@b", "@b.c", "a@b..c", "a b@c.d", "a@b.c.", "a@@b.c"] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(mobile("+44 20 7946 0958").is_ok());
        assert!(mobile("0123-456").is_ok());
        for bad in ["12", "+", "phone", "+-12345", "1234567890123456"] {
            assert!(mobile(bad).is_err(), "{bad}");
        }
        assert!(age(0).is_ok() && age(150).is_ok() && age(-1).is_err() && age(151).is_err());
        assert!(birth("1990-04-23").is_ok());
        assert!(birth("1990-02-30").is_err());
        assert!(birth("9999-01-01").is_err());
        assert!(birth("23/04/1990").is_err());
    }

    #[test]
    fn whole_numbers_may_have_a_zero_fraction() {
        let read = |json: &str| serde_json::from_str::<WholeNumber>(json).map(|n| n.0).ok();
        assert_eq!(read("36"), Some(36));
        assert_eq!(read("36.0"), Some(36));
        assert_eq!(read("-0.0"), Some(0));
        assert_eq!(read(r#""36""#), Some(36));
        assert_eq!(read("36.5"), None);
        assert_eq!(read("1e300"), None);
        assert_eq!(read("true"), None);
        assert_eq!(read(r#""nan""#), None);
    }

    #[test]
    fn errors_collect_every_field() {
        let mut errors = FieldErrors::default();
        profile(&mut errors, Some("nope"), None, Some(200), None);
        match errors.finish() {
            Err(ApiError::Validation { errors, .. }) => assert_eq!(errors.keys().collect::<Vec<_>>(), ["age", "email"]),
            other => panic!("{other:?}"),
        }
    }
}
