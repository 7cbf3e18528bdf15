//! The rules the routes share, so no route module imports another: how a session starts,
//! is delivered, rotates and ends (`sessions`), what a valid account looks like and how it
//! is shown (`users`), and the audit trail of security events (`audit`). Knows HTTP only
//! through `http` (errors, extractors), never a router.

pub mod audit;
pub mod sessions;
pub mod users;
