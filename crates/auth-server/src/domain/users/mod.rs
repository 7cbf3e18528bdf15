//! Accounts: the validation rules of every user field (`validate`) and their OpenAPI
//! schemas (`fields`), a partial update (`patch`), the public view (`view`) and the
//! start-up / command-line administrator (`provision`).

pub mod fields;
pub mod patch;
pub mod provision;
pub mod validate;
mod view;

pub use view::UserView;
