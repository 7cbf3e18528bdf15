//! The OpenAPI schema of each account field, stated from the same limits the validators
//! in `validate` apply, so that a value the document allows is a value the server takes
//! (and the other way round): the request types name these with `schema_with`. The
//! patterns are written for the three regex dialects that read them (ECMA-262 in
//! browsers, Python's `re` in schemathesis, Rust's `regex` in this module's tests), and
//! the tests check each one against its validator.

use time::Date;
use utoipa::openapi::schema::{KnownFormat, SchemaFormat, SchemaType};
use utoipa::openapi::{ObjectBuilder, Type};

use crate::domain::users::validate::{AGE_RANGE, BIRTH_FROM_YEAR, EMAIL_LEN, MOBILE_LEN, PASSWORD_LEN, USERNAME_LEN};

/// What `validate::username` accepts (with [`USERNAME_LEN`]).
pub const USERNAME_PATTERN: &str = r"^[A-Za-z0-9_.@-]+$";

/// What `validate::email` accepts (with [`EMAIL_LEN`]): one `@`, something before it, a
/// domain of dot-separated non-empty labels after it, and no white space (Unicode's
/// `White_Space`) or control character anywhere.
pub const EMAIL_PATTERN: &str = concat!(
    r"^[^@\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+",
    r"@[^@.\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+",
    r"(?:\.[^@.\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+)+$",
);

/// What `validate::mobile` accepts (with [`MOBILE_LEN`]): an optional `+`, then 5 to 15
/// digits, the first one leading, grouped by any spaces or `-`.
pub const MOBILE_PATTERN: &str = r"^\+?[0-9](?:[ -]*[0-9]){4,14}[ -]*$";

/// A username.
pub fn username() -> ObjectBuilder {
    text(USERNAME_LEN)
        .pattern(Some(USERNAME_PATTERN))
        .description(Some("3–64 characters of letters, digits, `_ . - @`"))
        .examples(["alice"])
}

/// A new password (counted in characters).
pub fn password() -> ObjectBuilder {
    text(PASSWORD_LEN)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .description(Some("8–1024 characters"))
        .examples(["correct horse battery staple"])
}

/// An email address, or `null` (none, or clear it in a PATCH).
pub fn email() -> ObjectBuilder {
    nullable(Type::String)
        .max_length(Some(EMAIL_LEN))
        .pattern(Some(EMAIL_PATTERN))
        .description(Some("`name@example.com`: at most 254 characters, no spaces"))
        .examples(["alice@example.com"])
}

/// A phone number, or `null`.
pub fn mobile() -> ObjectBuilder {
    nullable(Type::String)
        .max_length(Some(MOBILE_LEN))
        .pattern(Some(MOBILE_PATTERN))
        .description(Some("An optional `+` and 5 to 15 digits, grouped by spaces or `-`"))
        .examples(["+44 20 7946 0958"])
}

/// An age, or `null`.
pub fn age() -> ObjectBuilder {
    nullable(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(*AGE_RANGE.start()))
        .maximum(Some(*AGE_RANGE.end()))
        .examples([36])
}

/// A date of birth, or `null`: a calendar date (`format: date`) from 1850 up to today.
/// JSON Schema has no bound for dates, so the pattern states it, as of the day the
/// document is made (at start-up: a server running for days allows a few more).
pub fn birth() -> ObjectBuilder {
    nullable(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(birth_pattern(crate::infra::clock::today())))
        .description(Some("`YYYY-MM-DD`, from 1850-01-01 to today"))
        .examples(["1990-04-23"])
}

fn text((min, max): (usize, usize)) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
}

fn nullable(kind: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([kind, Type::Null]))
}

/// `YYYY-MM-DD` from the first day of [`BIRTH_FROM_YEAR`] to `today` (the calendar's own
/// rules, such as February's length, are `format: date`'s).
fn birth_pattern(today: Date) -> String {
    let (year, month, day) = (today.year() as u32, today.month() as u32, today.day() as u32);
    const ANY_MONTH: &str = "(?:0[1-9]|1[0-2])";
    const ANY_DAY: &str = "(?:0[1-9]|[12][0-9]|3[01])";
    let mut dates = Vec::new();
    if year > BIRTH_FROM_YEAR {
        dates.push(format!("{}-{ANY_MONTH}-{ANY_DAY}", numbers(BIRTH_FROM_YEAR, year - 1, 4)));
    }
    if month > 1 {
        dates.push(format!("{year}-{}-{ANY_DAY}", numbers(1, month - 1, 2)));
    }
    dates.push(format!("{year}-{month:02}-{}", numbers(1, day, 2)));
    format!("^(?:{})$", dates.join("|"))
}

/// A regex for the decimal numbers `low..=high`, written with `width` digits.
fn numbers(low: u32, high: u32, width: usize) -> String {
    format!(
        "(?:{})",
        digit_ranges(&format!("{low:0width$}"), &format!("{high:0width$}")).join("|")
    )
}

/// The alternatives matching every digit string from `low` to `high` (same length).
fn digit_ranges(low: &str, high: &str) -> Vec<String> {
    let (Some(l), Some(h)) = (low.chars().next(), high.chars().next()) else {
        return vec![String::new()];
    };
    let rest = low.len() - 1;
    let (low_rest, high_rest) = (&low[1..], &high[1..]);
    let any_rest = |prefix: String| match rest {
        0 => prefix,
        1 => format!("{prefix}[0-9]"),
        _ => format!("{prefix}[0-9]{{{rest}}}"),
    };
    let digits = |from: char, to: char| if from == to { from.to_string() } else { format!("[{from}-{to}]") };
    if l == h {
        return digit_ranges(low_rest, high_rest).into_iter().map(|r| format!("{l}{r}")).collect();
    }
    let (lowest, highest) = ("0".repeat(rest), "9".repeat(rest));
    let mut out = Vec::new();
    // The first digit's own range, then whole runs of middle digits, then the last one's.
    let first_full = if low_rest == lowest { l } else { next(l) };
    let last_full = if high_rest == highest { h } else { prev(h) };
    if low_rest != lowest {
        out.extend(digit_ranges(low_rest, &highest).into_iter().map(|r| format!("{l}{r}")));
    }
    if first_full <= last_full {
        out.push(any_rest(digits(first_full, last_full)));
    }
    if high_rest != highest {
        out.extend(digit_ranges(&lowest, high_rest).into_iter().map(|r| format!("{h}{r}")));
    }
    out
}

fn next(digit: char) -> char {
    char::from(digit as u8 + 1)
}

fn prev(digit: char) -> char {
    char::from(digit as u8 - 1)
}

#[cfg(test)]
mod tests;
