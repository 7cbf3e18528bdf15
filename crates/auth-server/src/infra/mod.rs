//! Everything that talks to the world outside the process and knows no HTTP: the
//! database (`store`), Redis (`redis`), the revocation mirror (`revocation`), login
//! throttling counters (`throttle`), signing keys (`signing`) and the device cookies
//! signed with a key derived from them (`device`), password hashing
//! (`password`), the clock, and the one module allowed `unsafe` (`os`).

pub mod clock;
pub mod device;
pub mod keygen;
pub mod os;
pub mod password;
pub mod redis;
pub mod revocation;
pub mod signing;
pub mod store;
pub mod throttle;
pub mod usernames;
