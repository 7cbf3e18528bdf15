//! The axum glue: the layer, the extractors and the error responses. Its items are
//! re-exported at the crate root (`jwt_extended::Jwt`); the module itself stays private
//! so that `use jwt_extended::*` brings no name `axum` to clash with the axum crate.

mod compose;
mod current_user;
mod extract;
mod handlers;
mod layer;
mod policy;
mod response;
mod source;
mod typed;

pub use compose::{Amend, Amendment, InLocations, Locations, NoRevocationCheck, Only, Require, Rules, SkipRevocation, location};
pub use current_user::{CurrentUser, UserLoader, UserLookupError};
pub use extract::Jwt;
pub use layer::{JwtLayer, JwtService};
pub use policy::{Access, AnyType, Fresh, Lenient, Policy, Refresh};
pub use response::{ErrorHandlers, JwtRejection, default_response, default_status};
pub use source::{FromLayer, FromState, ManagerSource};
pub use typed::TypedClaims;
