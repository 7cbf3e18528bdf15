//! Each schema against its validator: for a corpus of ordinary, boundary and hostile
//! values, the pattern (and lengths) allow exactly what the validator accepts.

use regex::Regex;
use time::macros::date;

use super::*;
use crate::domain::users::validate;

/// Whether `value` passes the schema `object` (pattern and length; the type is a string).
fn allowed(object: &utoipa::openapi::schema::Object, value: &str) -> bool {
    let chars = value.chars().count();
    let pattern = object.pattern.as_deref().map(|p| Regex::new(p).expect("the pattern compiles"));
    pattern.is_none_or(|p| p.is_match(value))
        && object.min_length.is_none_or(|min| chars >= min)
        && object.max_length.is_none_or(|max| chars <= max)
}

fn agree(object: ObjectBuilder, check: impl Fn(&str) -> Result<(), String>, corpus: &[String]) {
    let object = object.build();
    for value in corpus {
        assert_eq!(
            allowed(&object, value),
            check(value).is_ok(),
            "{value:?} (schema pattern {:?})",
            object.pattern
        );
    }
}

/// Strings around the rules: separators, white space of every kind, control characters,
/// non-ASCII letters and lengths at and past each limit.
fn corpus(extra: &[&str]) -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        " ",
        "a",
        "al",
        "alice",
        "a.l-i_c@e9",
        "al ice",
        "alïce",
        "ａｌｉｃｅ",
        "a\u{0}b",
        "a\tb",
        "abc\n",
        "a\u{85}bc",
        "a\u{a0}bc",
        "a\u{2028}bc",
        "a\u{3000}bc",
        "a\u{feff}bc",
        "a\u{200b}bc",
        "+",
        "+-1",
        "-",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    values.extend(extra.iter().map(|s| s.to_string()));
    for n in [2, 3, 8, 31, 32, 33, 64, 65, 253, 254, 255, 1024, 1025] {
        values.push("a".repeat(n));
        values.push("é".repeat(n));
        values.push(format!("{}@example.com", "a".repeat(n.saturating_sub(12))));
        values.push("1".repeat(n));
    }
    values
}

#[test]
fn usernames_and_passwords() {
    agree(username(), validate::username, &corpus(&["a@b", "A-Z_0.9", "x/y", "ab"]));
    agree(password(), validate::password, &corpus(&["1234567", "12345678", "pass word"]));
}

#[test]
fn email_addresses() {
    let extra = [
        "a@example.com",
        "a@b",
        "@b.c",
        "a@b..c",
        "a b@c.d",
        "a@b.c.",
        "a@.b.c",
        "a@@b.c",
        "a@b@c.d",
        "a.b@c.d",
        "ä@ö.ü",
        "a@b.c\u{0}",
        "a@b\u{a0}.c",
        "a@b.c\u{feff}",
        "\"q\"@x.y",
        "a@b-c.d",
    ];
    agree(email(), validate::email, &corpus(&extra));
}

#[test]
fn phone_numbers() {
    let extra = [
        "+44 20 7946 0958",
        "0123-456",
        "12345",
        "1234",
        "123456789012345",
        "1234567890123456",
        "+ 12345",
        "1 2 3 4 5",
        "12345 ",
        "12345-",
        "1--2--3--4--5",
        " 12345",
        "+12345",
        "++12345",
        "1234５",
        "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5",
        "1  2  3  4  5  6  7  8  9  0  1",
    ];
    agree(mobile(), validate::mobile, &corpus(&extra));
}

#[test]
fn dates_of_birth_up_to_today() {
    let today = date!(2026 - 03 - 15);
    let pattern = Regex::new(&birth_pattern(today)).unwrap();
    let mut values = vec![
        "1849-12-31",
        "1850-01-01",
        "1899-12-31",
        "1990-04-23",
        "1999-12-31",
        "2000-02-29",
        "2025-12-31",
        "2026-01-31",
        "2026-02-28",
        "2026-03-01",
        "2026-03-14",
        "2026-03-15",
        "2026-03-16",
        "2026-03-31",
        "2026-04-01",
        "2026-12-31",
        "2027-01-01",
        "9999-01-01",
        "0990-01-01",
        "+1990-01-01",
        "1990-4-23",
        "1990-04-23T00:00",
        "19900423",
        "",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    // Every day of a few whole years, in and out of range (the calendar itself is
    // `format: date`'s: the pattern allows 31 days in any month).
    for year in [1849, 1850, 1851, 1900, 1999, 2000, 2009, 2010, 2019, 2025, 2026, 2027] {
        let mut day = time::Date::from_calendar_date(year, time::Month::January, 1).unwrap();
        while day.year() == year {
            values.push(day.to_string());
            day = day.next_day().unwrap();
        }
    }
    for value in values {
        let is_calendar_date = time::Date::parse(&value, time::macros::format_description!("[year]-[month]-[day]")).is_ok();
        assert_eq!(
            pattern.is_match(&value) && is_calendar_date,
            validate::birth_on(&value, today).is_ok(),
            "{value}"
        );
    }
    // The first day of a year and of a month are edges of their own.
    for today in [
        date!(2026 - 01 - 01),
        date!(2026 - 12 - 31),
        date!(1850 - 01 - 01),
        date!(2030 - 10 - 09),
    ] {
        let pattern = Regex::new(&birth_pattern(today)).unwrap();
        assert!(pattern.is_match(&today.to_string()), "{today}");
        assert!(!pattern.is_match(&today.next_day().unwrap().to_string()), "{today}");
        assert!(pattern.is_match("1850-01-01") && !pattern.is_match("1849-12-31"), "{today}");
    }
}

#[test]
fn number_ranges() {
    for (low, high, width) in [(1850, 2025, 4), (1, 12, 2), (1, 9, 2), (10, 31, 2), (0, 9999, 4), (7, 7, 2)] {
        let pattern = Regex::new(&format!("^{}$", numbers(low, high, width))).unwrap();
        for n in 0..10u32.pow(width as u32) {
            let text = format!("{n:0width$}");
            assert_eq!(pattern.is_match(&text), (low..=high).contains(&n), "{text} in {low}..={high}");
        }
    }
}

#[test]
fn ages() {
    let object = serde_json::to_value(age().build()).unwrap();
    assert_eq!((object["minimum"].as_i64(), object["maximum"].as_i64()), (Some(0), Some(150)));
    assert!(validate::age(0).is_ok() && validate::age(150).is_ok());
    assert!(validate::age(-1).is_err() && validate::age(151).is_err());
}
