//! The server's notion of "now", in Unix seconds, and its wire format (RFC 3339).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Today's date (UTC), the bound of dates that may not be in the future.
pub fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// `2026-11-23T08:00:00Z`.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}
