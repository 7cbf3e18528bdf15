//! Input rules for accounts (username, password) and profile fields (email, mobile, age,
//! birth), collected per field so one 400 names every field that failed, and the
//! canonical form of a username that makes `VICKY`, `vicky` and `ｖｉｃｋｙ` one account.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use time::macros::format_description;

use crate::http::error::ApiError;
pub use crate::infra::usernames::username_key;

/// Shortest and longest accepted username, in characters.
pub const USERNAME_LEN: (usize, usize) = (3, 64);
/// Shortest and longest accepted password, in characters.
pub const PASSWORD_LEN: (usize, usize) = (8, 1024);

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
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
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
    if shape_ok && (5..=15).contains(&digits) && value.len() <= 32 {
        Ok(())
    } else {
        Err("must be a phone number: optional '+' and 5 to 15 digits".into())
    }
}

/// Between 0 and 150.
pub fn age(value: i64) -> Result<(), String> {
    if (0..=150).contains(&value) {
        Ok(())
    } else {
        Err("must be between 0 and 150".into())
    }
}

/// A calendar date `YYYY-MM-DD`, not in the future.
pub fn birth(value: &str) -> Result<(), String> {
    let date =
        time::Date::parse(value, format_description!("[year]-[month]-[day]")).map_err(|_| "must be a date like 1990-04-23".to_string())?;
    if date > time::OffsetDateTime::now_utc().date() {
        return Err("must not be in the future".into());
    }
    if date.year() < 1850 {
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
    fn errors_collect_every_field() {
        let mut errors = FieldErrors::default();
        profile(&mut errors, Some("nope"), None, Some(200), None);
        match errors.finish() {
            Err(ApiError::Validation { errors, .. }) => assert_eq!(errors.keys().collect::<Vec<_>>(), ["age", "email"]),
            other => panic!("{other:?}"),
        }
    }
}
