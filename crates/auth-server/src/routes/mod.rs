//! Handlers only, one module per resource, each exporting its router. Two route modules
//! never import each other: what they share lives in `domain` or `http`.

pub mod auth;
pub mod items;
pub mod ops;
pub mod users;
pub mod web;
