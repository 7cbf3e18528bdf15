//! Throttle counters in process memory (one instance, or instances without Redis, each
//! counting on its own). Every read and write happens under one lock, so a reservation
//! (check and count) is atomic; entries older than the window are dropped as they are
//! met, and a sweep of the whole map once per window drops keys nobody touched since, so
//! memory holds at most the keys seen in the last two windows.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::infra::throttle::{Event, Reservation};

/// Event times per key within a sliding window.
pub struct MemoryCounters {
    window: Duration,
    state: Mutex<State>,
}

struct State {
    events: HashMap<String, VecDeque<Instant>>,
    next_sweep: Instant,
}

impl State {
    /// The live events of `key` (those within the window before `now`), pruned.
    fn live(&mut self, key: &str, now: Instant, window: Duration) -> Option<&mut VecDeque<Instant>> {
        let events = self.events.get_mut(key)?;
        while events.front().is_some_and(|t| now.duration_since(*t) >= window) {
            events.pop_front();
        }
        Some(events)
    }

    /// Seconds until `key` has fewer than `max` live events; `None` when it has already.
    fn wait(&mut self, key: &str, max: u32, now: Instant, window: Duration) -> Option<u64> {
        let events = self.live(key, now, window)?;
        if events.len() < max as usize {
            return None;
        }
        // The oldest event that keeps the key at its limit.
        let oldest = events[events.len() - max as usize];
        Some(window.saturating_sub(now.duration_since(oldest)).as_secs().max(1))
    }

    /// Records an event for `key`, keeping only the newest `max`.
    fn add(&mut self, key: &str, max: u32, now: Instant) {
        let events = self.events.entry(key.to_string()).or_default();
        events.push_back(now);
        while events.len() > max as usize {
            events.pop_front();
        }
    }

    fn sweep(&mut self, now: Instant, window: Duration) {
        if now < self.next_sweep {
            return;
        }
        self.events
            .retain(|_, events| events.back().is_some_and(|t| now.duration_since(*t) < window));
        self.next_sweep = now + window;
    }
}

impl MemoryCounters {
    /// Counts events within `window`.
    pub fn new(window: Duration) -> Self {
        MemoryCounters {
            window,
            state: Mutex::new(State {
                events: HashMap::new(),
                next_sweep: Instant::now() + window,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts an event for `key` unless it already has `max` (then says how long to wait),
    /// and says whether `peek` is at its own limit, in one step.
    pub fn reserve(&self, key: &str, max: u32, peek: Option<(&str, u32)>) -> Reservation {
        self.reserve_at(key, max, peek, Instant::now())
    }

    fn reserve_at(&self, key: &str, max: u32, peek: Option<(&str, u32)>, now: Instant) -> Reservation {
        let mut state = self.state();
        state.sweep(now, self.window);
        let refused_for = state.wait(key, max, now, self.window);
        if refused_for.is_none() {
            state.add(key, max, now);
        }
        let peek_limited_for = peek.and_then(|(key, max)| state.wait(key, max, now, self.window));
        Reservation {
            counted: refused_for.is_none().then_some(Event::At(now)),
            refused_for,
            peek_limited_for,
        }
    }

    /// Counts an event for `key` (keeping at most `max`, all a limit of `max` needs).
    pub fn add(&self, key: &str, max: u32) {
        self.add_at(key, max, Instant::now());
    }

    fn add_at(&self, key: &str, max: u32, now: Instant) {
        let mut state = self.state();
        state.sweep(now, self.window);
        state.add(key, max, now);
    }

    /// Takes back the event of `key` counted at `at`.
    pub fn release(&self, key: &str, at: Instant) {
        let mut state = self.state();
        if let Some(events) = state.events.get_mut(key)
            && let Some(i) = events.iter().rposition(|t| *t == at)
        {
            events.remove(i);
        }
    }

    /// Forgets the events of `key`.
    pub fn clear(&self, key: &str) {
        self.state().events.remove(key);
    }

    /// How many keys are held (memory stays bounded: tests check it).
    pub fn tracked_keys(&self) -> usize {
        self.state().events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn reservations_stop_at_the_limit_and_clear_per_key() {
        let c = MemoryCounters::new(MINUTE);
        let now = Instant::now();
        for _ in 0..2 {
            assert_eq!(c.reserve_at("user:alice", 2, None, now).refused_for, None);
        }
        let refused = c.reserve_at("user:alice", 2, None, now).refused_for.unwrap();
        assert!((1..=60).contains(&refused));
        // A refused reservation is not counted: the window still ends at the same time.
        assert_eq!(c.reserve_at("user:alice", 2, None, now + MINUTE).refused_for, None);
        c.clear("user:alice");
        let taken = c.reserve_at("user:alice", 1, None, now);
        assert_eq!(taken.refused_for, None);
        assert!(c.reserve_at("user:alice", 1, None, now).refused_for.is_some());
        // An attempt taken back frees its slot.
        let Some(Event::At(at)) = taken.counted else { panic!("{taken:?}") };
        c.release("user:alice", at);
        assert_eq!(c.reserve_at("user:alice", 1, None, now).refused_for, None);
        assert_eq!(c.reserve_at("user:bob", 1, None, now).refused_for, None);
    }

    #[test]
    fn peeking_reports_without_counting() {
        let c = MemoryCounters::new(MINUTE);
        let now = Instant::now();
        c.add_at("ip:1", 2, now);
        let r = c.reserve_at("user:a", 5, Some(("ip:1", 2)), now);
        assert_eq!((r.refused_for, r.peek_limited_for), (None, None));
        c.add_at("ip:1", 2, now);
        assert!(c.reserve_at("user:b", 5, Some(("ip:1", 2)), now).peek_limited_for.is_some());
        assert_eq!(c.reserve_at("user:c", 5, Some(("ip:1", 2)), now + MINUTE).peek_limited_for, None);
    }

    #[test]
    fn keys_untouched_for_a_window_are_dropped() {
        let c = MemoryCounters::new(MINUTE);
        let start = Instant::now();
        for i in 0..10_000 {
            c.add_at(&format!("user:{i}"), 5, start);
        }
        assert_eq!(c.tracked_keys(), 10_000);
        c.add_at("user:late", 5, start + MINUTE + MINUTE);
        assert_eq!(c.tracked_keys(), 1);
    }
}
