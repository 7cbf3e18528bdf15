//! Login throttling and the registration limit, built so they cannot be raced, bypassed
//! or turned against innocent users:
//!
//! - every login attempt is *reserved* against the account (by canonical username)
//!   before its password is hashed, atomically, so N concurrent guesses cannot all slip
//!   under a limit of 5; a success clears that account only;
//! - one password check per account runs at a time (and per address over its limit);
//! - the per-address limit is separate and much looser, and never refuses a correct
//!   password: an address over it gets its wrong guesses answered 429 and its checks run
//!   one at a time, but a user behind the same NAT or proxy still logs in;
//! - a login from a trusted device (a valid device cookie for the account it names,
//!   `infra/device.rs`) is reserved against that device instead of the account: a flood
//!   that locked the account out does not lock out its owner's devices, while a device
//!   that fails `account_limit` times is locked out itself, so a stolen cookie buys no
//!   more guesses than the account allows; its success clears the device's count, not
//!   the account's, so the flood stays locked out;
//! - registration is limited per address.
//!
//! The counters live in process memory, or in Redis when `AUTH_REDIS_URL` is set so every
//! instance counts the same attempts; either way entries leave with their window.

mod in_memory;
mod in_redis;
mod turns;

pub use in_memory::MemoryCounters;
pub use in_redis::RedisCounters;
pub use turns::{Turn, Turns};

use std::time::Duration;

use crate::infra::device::Device;
use crate::infra::redis::RedisClient;
use crate::infra::store::StoreError;
use crate::infra::usernames::username_key;

/// What one reservation found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// Seconds until the reserved key has room again, when it had none (nothing was
    /// counted then).
    pub refused_for: Option<u64>,
    /// Seconds until the peeked key is under its limit, when it is at it.
    pub peek_limited_for: Option<u64>,
    /// The event counted, to take back if the attempt never ran.
    pub counted: Option<Event>,
}

/// One counted event, as its store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Its time, in memory.
    At(std::time::Instant),
    /// Its sorted-set member, in Redis.
    Member(String),
}

/// Sliding-window event counters, here or in Redis.
pub enum Counters {
    /// In this process.
    Memory(MemoryCounters),
    /// In Redis, shared by every instance.
    Redis(RedisCounters),
}

impl Counters {
    /// Counters over `window`, in Redis under `namespace` when a client is given.
    pub fn new(window: Duration, redis: Option<RedisClient>, namespace: &'static str) -> Self {
        match redis {
            Some(client) => Counters::Redis(RedisCounters::new(client, namespace, window)),
            None => Counters::Memory(MemoryCounters::new(window)),
        }
    }

    /// Atomically: counts an event for `key` unless it has `max` already, and looks at
    /// `peek`'s count against its own limit.
    pub async fn reserve(&self, key: &str, max: u32, peek: Option<(&str, u32)>) -> Result<Reservation, StoreError> {
        match self {
            Counters::Memory(c) => Ok(c.reserve(key, max, peek)),
            Counters::Redis(c) => c.reserve(key, max, peek).await,
        }
    }

    /// Counts an event for `key`.
    pub async fn add(&self, key: &str, max: u32) -> Result<(), StoreError> {
        match self {
            Counters::Memory(c) => {
                c.add(key, max);
                Ok(())
            }
            Counters::Redis(c) => c.add(key, max).await,
        }
    }

    /// Takes back one event of `key` (an attempt that was never checked).
    pub async fn release(&self, key: &str, event: Event) -> Result<(), StoreError> {
        match (self, event) {
            (Counters::Memory(c), Event::At(at)) => {
                c.release(key, at);
                Ok(())
            }
            (Counters::Redis(c), Event::Member(member)) => c.release(key, &member).await,
            _ => Ok(()),
        }
    }

    /// Forgets `key`'s events.
    pub async fn clear(&self, key: &str) -> Result<(), StoreError> {
        match self {
            Counters::Memory(c) => {
                c.clear(key);
                Ok(())
            }
            Counters::Redis(c) => c.clear(key).await,
        }
    }

    /// Keys held in process memory (`None` in Redis, where each key expires with its
    /// window).
    pub fn tracked_keys(&self) -> Option<usize> {
        match self {
            Counters::Memory(c) => Some(c.tracked_keys()),
            Counters::Redis(_) => None,
        }
    }
}

/// The login limits: strict per account, loose per address.
pub struct LoginThrottle {
    counters: Counters,
    account_limit: u32,
    address_limit: u32,
    turns: Turns,
}

/// A login attempt allowed to check its password: its account's (or trusted device's)
/// turn is held until it is dropped.
pub struct LoginAttempt<'a> {
    throttle: &'a LoginThrottle,
    /// The key the attempt was reserved against: the account, or the trusted device.
    account: String,
    address: String,
    counted: Option<Event>,
    /// Set when the address is over its limit: a wrong password is answered 429.
    address_limited_for: Option<u64>,
    _turns: Vec<Turn>,
}

impl LoginThrottle {
    /// `account_limit` attempts per account and `address_limit` failures per client
    /// address within `window`, in Redis when a client is given.
    pub fn new(account_limit: u32, address_limit: u32, window: Duration, redis: Option<RedisClient>) -> Self {
        LoginThrottle {
            counters: Counters::new(window, redis, "throttle:"),
            account_limit: account_limit.max(1),
            address_limit: address_limit.max(1),
            turns: Turns::default(),
        }
    }

    /// Reserves an attempt on `username`'s account from `address`, or on `device` when the
    /// attempt comes from a trusted one: `Ok(Err(seconds))` when that key is over its
    /// limit (nothing is checked then), else the attempt, once no other check of the same
    /// key (or limited address) is running.
    pub async fn begin(&self, username: &str, address: &str, device: Option<&Device>) -> Result<Result<LoginAttempt<'_>, u64>, StoreError> {
        let account = match device {
            Some(device) => format!("device:{}", device.id),
            None => format!("user:{}", username_key(username)),
        };
        let address = format!("ip:{address}");
        let found = self
            .counters
            .reserve(&account, self.account_limit, Some((&address, self.address_limit)))
            .await?;
        if let Some(wait) = found.refused_for {
            return Ok(Err(wait));
        }
        // Account (or device) first, then address: no one ever waits for an account while
        // holding an address, so turns cannot deadlock.
        let mut turns = vec![self.turns.take(&account).await];
        if found.peek_limited_for.is_some() {
            turns.push(self.turns.take(&address).await);
        }
        Ok(Ok(LoginAttempt {
            throttle: self,
            account,
            address,
            counted: found.counted,
            address_limited_for: found.peek_limited_for,
            _turns: turns,
        }))
    }

    /// Keys the in-memory counters hold (`None` in Redis).
    pub fn tracked_keys(&self) -> Option<usize> {
        self.counters.tracked_keys()
    }

    /// Accounts or addresses with a check running or waiting.
    pub fn busy_keys(&self) -> usize {
        self.turns.len()
    }
}

impl LoginAttempt<'_> {
    /// The password was right: the account's (or trusted device's) count starts again
    /// (no other account's or device's, and not the address's).
    pub async fn succeeded(self) -> Result<(), StoreError> {
        self.throttle.counters.clear(&self.account).await
    }

    /// The password could not be checked (the hashing queue was full): the attempt does
    /// not count against the account, so an overloaded server locks no one out.
    pub async fn abandoned(self) -> Result<(), StoreError> {
        match self.counted.clone() {
            Some(event) => self.throttle.counters.release(&self.account, event).await,
            None => Ok(()),
        }
    }

    /// The password was wrong: the failure counts against the address (the account's
    /// attempt was counted when reserved). `Some(seconds)` when the address is over its
    /// limit, to be answered 429.
    pub async fn failed(self) -> Result<Option<u64>, StoreError> {
        self.throttle.counters.add(&self.address, self.throttle.address_limit).await?;
        Ok(self.address_limited_for)
    }
}

/// Registrations allowed per client address within a window.
pub struct RegistrationLimit {
    counters: Counters,
    limit: u32,
}

impl RegistrationLimit {
    /// `limit` registrations per address within `window`, in Redis when a client is given.
    pub fn new(limit: u32, window: Duration, redis: Option<RedisClient>) -> Self {
        RegistrationLimit {
            counters: Counters::new(window, redis, "registrations:"),
            limit: limit.max(1),
        }
    }

    /// Counts a registration attempt from `address`; `Some(seconds)` when the address has
    /// used up its limit (not counted then).
    pub async fn reserve(&self, address: &str) -> Result<Option<u64>, StoreError> {
        let found = self.counters.reserve(&format!("ip:{address}"), self.limit, None).await?;
        Ok(found.refused_for)
    }
}
