//! The axum glue: the layer, the extractors and the error responses.

mod current_user;
mod extract;
mod handlers;
mod layer;
mod response;
mod typed;

pub use current_user::{CurrentUser, UserLoader, UserLookupError};
pub use extract::{Access, AnyType, Fresh, Jwt, Lenient, Policy, Refresh, Require};
pub use layer::{JwtLayer, JwtService};
pub use response::{ErrorHandlers, JwtRejection, default_response, default_status};
pub use typed::TypedClaims;
