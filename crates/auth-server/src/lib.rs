//! `auth-server`: the Flask-JWT-Extended tutorials' application — register, log in,
//! refresh, log out, protected and admin-only resources, a web page — built on the
//! `jwt-extended` library, ready to run on an embedded SQLite file, or as several
//! instances sharing PostgreSQL and Redis.

#![deny(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod error;
pub mod extract;
#[doc(hidden)]
pub mod fuzzing;
pub mod hash_memory;
pub mod hashing_pool;
pub mod items;
pub mod ops;
pub mod os;
pub mod password;
pub mod redis_client;
pub mod revocation;
pub mod serve;
pub mod settings;
pub mod signing;
pub mod startup;
pub mod state;
pub mod store;
pub mod throttle;
pub mod users;
pub mod web;

pub use startup::Application;
