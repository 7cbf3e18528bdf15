//! A session's life: started with a token pair (`start`), delivered as JSON or cookies
//! (`response`), checked by the server's token rules (`token_rules`), ended one at a time
//! or all at once with a revocation horizon (`end`), and shown to people (`view`).

pub mod end;
pub mod response;
pub mod start;
pub mod token_rules;
pub mod view;
