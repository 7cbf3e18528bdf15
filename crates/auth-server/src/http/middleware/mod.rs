//! The layers every request passes: its scope (request id, deadline, metrics, one log
//! line), body and header limits, the security headers, and credentials kept out of logs.

pub mod limits;
pub mod request_id;
pub mod request_scope;
pub mod security_headers;
pub mod sensitive;
