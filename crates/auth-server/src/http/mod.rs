//! Request and response plumbing every route uses: the one error type and its JSON
//! answers (`error`, `token_errors`) with their OpenAPI descriptions (`answers`),
//! extractors (`extract`, `caller`, `body_token`), the client's address (`client_ip`),
//! login CSRF (`cross_site`), the device cookie (`device_cookie`) and the middleware stack's pieces (`middleware`). Knows the
//! state, never a route.

pub mod answers;
pub mod body_token;
pub mod caller;
pub mod client_ip;
pub mod cross_site;
pub mod device_cookie;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod token_errors;
