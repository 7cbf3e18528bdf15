//! Request and response plumbing every route uses: the one error type and its JSON
//! answers (`error`, `token_errors`), extractors (`extract`, `caller`), the client's
//! address (`client_ip`), login CSRF (`cross_site`) and the middleware stack's pieces
//! (`middleware`). Knows the state, never a route.

pub mod caller;
pub mod client_ip;
pub mod cross_site;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod token_errors;
