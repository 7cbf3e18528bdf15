//! Accounts: the validation rules of every user field (`validate`), a partial update
//! (`patch`), the public view (`view`) and the start-up / command-line administrator
//! (`provision`).

pub mod patch;
pub mod provision;
pub mod validate;
mod view;

pub use view::UserView;
