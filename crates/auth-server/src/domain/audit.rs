//! The audit log: the security-relevant events (logins, refreshes, reuse detections,
//! revocations, password changes, user deletions) in one vocabulary. Each is one
//! structured `tracing` event with target `audit` (the request id comes from the
//! enclosing `request` span) and one increment of `auth_audit_events_total{event}`.
//! Handlers call [`record`]; nothing secret (passwords, tokens, hashes) is ever a field.

use crate::http::caller::Identity;
use crate::http::client_ip::ClientInfo;
use crate::telemetry::metrics::AUDIT_EVENTS;

/// The `tracing` target of audit events (filter with `RUST_LOG=audit=info`).
pub const TARGET: &str = "audit";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    /// An account was created.
    Register,
    /// A password was accepted by login or fresh-login.
    LoginSuccess,
    /// A password was refused (login, fresh-login or password change).
    LoginFailure,
    /// A password check was refused unchecked: too many failures.
    LoginThrottled,
    /// A refresh token was rotated.
    Refresh,
    /// A consumed refresh token was presented again; its session was revoked.
    RefreshReuse,
    /// `/logout`: an access token and its session were revoked.
    Logout,
    /// `/logout/access`: one access token was revoked.
    LogoutAccess,
    /// `/logout/refresh`: a refresh token's session was revoked.
    LogoutRefresh,
    /// `/logout-all`: every session of the user was revoked.
    LogoutAll,
    /// `DELETE /sessions/{id}`: one session was revoked by id.
    SessionRevoked,
    /// The password was changed; the other sessions were revoked.
    PasswordChanged,
    /// A user was deleted (by an admin or by itself).
    UserDeleted,
    /// The refresh token a session's latest rotation consumed came again within the reuse
    /// grace window (a second tab, a retried request) and got the same successor.
    RefreshRepeated,
    /// A user became an admin (by an admin, or `create-admin --promote`); its earlier
    /// tokens were revoked.
    UserPromoted,
    /// An admin became an ordinary user; its earlier tokens were revoked.
    UserDemoted,
    /// An admin disabled an account; its tokens were revoked.
    UserDisabled,
    /// An admin enabled a disabled account.
    UserEnabled,
    /// A password was set for the user by an admin or `create-admin`; its sessions ended.
    PasswordSet,
}

impl AuditEvent {
    /// Every event, in the order of the metric's label values.
    pub const ALL: [AuditEvent; 19] = [
        AuditEvent::Register,
        AuditEvent::LoginSuccess,
        AuditEvent::LoginFailure,
        AuditEvent::LoginThrottled,
        AuditEvent::Refresh,
        AuditEvent::RefreshReuse,
        AuditEvent::Logout,
        AuditEvent::LogoutAccess,
        AuditEvent::LogoutRefresh,
        AuditEvent::LogoutAll,
        AuditEvent::SessionRevoked,
        AuditEvent::PasswordChanged,
        AuditEvent::UserDeleted,
        AuditEvent::RefreshRepeated,
        AuditEvent::UserPromoted,
        AuditEvent::UserDemoted,
        AuditEvent::UserDisabled,
        AuditEvent::UserEnabled,
        AuditEvent::PasswordSet,
    ];

    /// The `event` field and metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::Register => "register",
            AuditEvent::LoginSuccess => "login_success",
            AuditEvent::LoginFailure => "login_failure",
            AuditEvent::LoginThrottled => "login_throttled",
            AuditEvent::Refresh => "refresh",
            AuditEvent::RefreshReuse => "refresh_reuse",
            AuditEvent::Logout => "logout",
            AuditEvent::LogoutAccess => "logout_access",
            AuditEvent::LogoutRefresh => "logout_refresh",
            AuditEvent::LogoutAll => "logout_all",
            AuditEvent::SessionRevoked => "session_revoked",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::UserDeleted => "user_deleted",
            AuditEvent::RefreshRepeated => "refresh_repeated",
            AuditEvent::UserPromoted => "user_promoted",
            AuditEvent::UserDemoted => "user_demoted",
            AuditEvent::UserDisabled => "user_disabled",
            AuditEvent::UserEnabled => "user_enabled",
            AuditEvent::PasswordSet => "password_set",
        }
    }

    /// Events an operator should look at (logged at `warn`, the others at `info`).
    fn is_alarm(self) -> bool {
        matches!(
            self,
            AuditEvent::LoginFailure | AuditEvent::LoginThrottled | AuditEvent::RefreshReuse
        )
    }
}

/// Who and what an event is about; unset fields are left out of the log line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    /// The user the event is about.
    pub user_id: Option<i64>,
    /// The username as given (failed logins, where there may be no user).
    pub username: Option<&'a str>,
    /// The session concerned (`sid`; the revoked one for `session_revoked`).
    pub session: Option<&'a str>,
    /// The client address (see `http/client_ip.rs`).
    pub client_ip: Option<&'a str>,
    /// How many sessions were revoked (`logout_all`, `password_changed`).
    pub sessions_revoked: Option<usize>,
    /// Who acted, when not the user itself (an admin deleting a user).
    pub by: Option<i64>,
}

impl<'a> Subject<'a> {
    /// The caller of a token-authenticated request, from `client`.
    pub fn caller(caller: &'a Identity, client: &'a ClientInfo) -> Self {
        Subject {
            user_id: Some(caller.id),
            session: caller.session_id.as_deref(),
            client_ip: client.ip.as_deref(),
            ..Default::default()
        }
    }

    /// A user named `username` (a login attempt, a new account), from `client`.
    pub fn named(username: &'a str, client: &'a ClientInfo) -> Self {
        Subject {
            username: Some(clip(username)),
            client_ip: client.ip.as_deref(),
            ..Default::default()
        }
    }

    /// With the user id.
    pub fn user(self, user_id: i64) -> Self {
        Subject {
            user_id: Some(user_id),
            ..self
        }
    }

    /// With the session concerned.
    pub fn session(self, session: Option<&'a str>) -> Self {
        Subject { session, ..self }
    }

    /// With the user who acted, when it is not the user the event is about.
    pub fn by(self, actor: i64) -> Self {
        Subject {
            by: (Some(actor) != self.user_id).then_some(actor),
            ..self
        }
    }

    /// With the number of sessions revoked.
    pub fn sessions_revoked(self, count: usize) -> Self {
        Subject {
            sessions_revoked: Some(count),
            ..self
        }
    }
}

/// Usernames as given by clients are cut to the longest valid one (bounded log lines).
fn clip(username: &str) -> &str {
    let max = crate::domain::users::validate::USERNAME_LEN.1;
    username.char_indices().nth(max).map_or(username, |(end, _)| &username[..end])
}

/// Logs `event` about `subject` on the `audit` target and counts it.
pub fn record(event: AuditEvent, subject: Subject<'_>) {
    metrics::counter!(AUDIT_EVENTS, "event" => event.as_str()).increment(1);
    // tracing fixes a callsite's level at compile time, so a function cannot choose it:
    // the macro writes the one event twice, once per level.
    macro_rules! emit {
        ($level:expr) => {
            tracing::event!(
                target: TARGET,
                $level,
                event = event.as_str(),
                user_id = subject.user_id,
                username = subject.username,
                session = subject.session,
                client_ip = subject.client_ip,
                sessions_revoked = subject.sessions_revoked.map(|n| n as u64),
                by = subject.by,
                "audit event"
            )
        };
    }
    if event.is_alarm() {
        emit!(tracing::Level::WARN);
    } else {
        emit!(tracing::Level::INFO);
    }
}

/// Registers every audit event's counter at zero, so a scrape shows the whole vocabulary
/// before the first event happens.
pub fn register_metrics() {
    for event in AuditEvent::ALL {
        metrics::counter!(AUDIT_EVENTS, "event" => event.as_str()).increment(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_its_own_label() {
        let labels: std::collections::HashSet<_> = AuditEvent::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(labels.len(), AuditEvent::ALL.len());
        assert!(labels.iter().all(|l| l.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }

    #[test]
    fn usernames_are_clipped_on_character_boundaries() {
        assert_eq!(clip("alice"), "alice");
        let long = "é".repeat(100);
        assert_eq!(clip(&long).chars().count(), 64);
    }

    #[test]
    fn events_are_counted() {
        let handle = crate::telemetry::metrics::handle();
        record(AuditEvent::UserDeleted, Subject::default());
        assert!(handle.render().contains("auth_audit_events_total{event=\"user_deleted\"}"));
    }
}
