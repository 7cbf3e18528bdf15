//! Crash safety: registrations, logins and revocations (`/logout`, `/logout/access`,
//! `/logout/refresh`, `/logout-all`, `DELETE /sessions/{id}`) sent concurrently to a real
//! server process, which is SIGKILLed as soon as a random number of operations — drawn
//! from a seed printed at the start; `CRASH_SEED=<n>` replays it — have been
//! acknowledged. A new process on the same data directory and database must then hold
//! every acknowledged write (the users log in, their sessions are listed and work) and
//! every acknowledged revocation (`401 Token has been revoked`). A request in flight at
//! the kill is neither acknowledged nor required: the sessions it touches are only held
//! to what was acknowledged before it.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::backend::say;
use crate::forge::segment;
use crate::helpers::{Config, Http, PASSWORD, s};
use crate::processes::Server;

/// Clients sending operations at the same time, each on users of its own.
const WORKERS: usize = 6;
/// The kill comes after this many acknowledged operations (drawn from the seed).
const KILL_AFTER: RangeInclusive<usize> = 40..=150;
/// Longest the workload may take to reach the kill.
const WORKLOAD: Duration = Duration::from_secs(60);

/// What the server acknowledged about a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Live,
    /// Its access token was revoked alone (`/logout/access`); the session is still active.
    AccessRevoked,
    Revoked,
}

#[derive(Debug)]
struct Session {
    sid: String,
    access: String,
    refresh: String,
    state: State,
    /// An unacknowledged request may have revoked it (it was in flight at the kill).
    in_doubt: bool,
}

#[derive(Debug)]
struct User {
    name: String,
    sessions: Vec<Session>,
}

/// One operation on a worker's users (indexes into its ledger).
#[derive(Debug, Clone, Copy)]
enum Op {
    Register,
    Login(usize),
    Logout(usize, usize),
    LogoutAccess(usize, usize),
    LogoutRefresh(usize, usize),
    LogoutAll(usize, usize),
    DeleteSession { user: usize, by: usize, target: usize },
}

/// Counts acknowledgements across workers and wakes the test at the chosen one.
struct Trigger {
    acks: AtomicUsize,
    at: usize,
    reached: Notify,
}

impl Trigger {
    fn ack(&self) {
        if self.acks.fetch_add(1, Ordering::SeqCst) + 1 == self.at {
            self.reached.notify_one();
        }
    }
}

/// Everything a worker's operations had acknowledged.
struct Ledger {
    worker: usize,
    seed: u64,
    users: Vec<User>,
}

impl Ledger {
    fn session(&mut self, (user, session): (usize, usize)) -> &mut Session {
        &mut self.users[user].sessions[session]
    }

    /// The next operation: a registration first, then alternately a revocation and a
    /// login (or registration), on randomly chosen users and sessions.
    fn choose(&self, rng: &mut StdRng, step: usize) -> Op {
        let revocation_turn = step % 2 == 1;
        if self.users.is_empty() || (!revocation_turn && rng.gen_bool(0.3)) {
            return Op::Register;
        }
        let user = rng.gen_range(0..self.users.len());
        if !revocation_turn {
            return Op::Login(user);
        }
        let sessions = &self.users[user].sessions;
        let with = |states: &[State]| -> Vec<usize> { (0..sessions.len()).filter(|&i| states.contains(&sessions[i].state)).collect() };
        let live = with(&[State::Live]);
        let open = with(&[State::Live, State::AccessRevoked]);
        let mut choices = Vec::new();
        if let Some(&by) = live.choose(rng) {
            choices.extend([Op::Logout(user, by), Op::LogoutAccess(user, by), Op::LogoutAll(user, by)]);
            if let Some(&target) = open.iter().filter(|&&t| t != by).collect::<Vec<_>>().choose(rng) {
                choices.push(Op::DeleteSession { user, by, target: *target });
            }
        }
        if let Some(&session) = open.choose(rng) {
            choices.push(Op::LogoutRefresh(user, session));
        }
        choices.choose(rng).copied().unwrap_or(Op::Login(user))
    }

    /// The request of `op`.
    fn request(&self, http: &Http, op: Op) -> reqwest::RequestBuilder {
        let at = |u: usize, i: usize| &self.users[u].sessions[i];
        let credentials = |name: &str| json!({ "username": name, "password": PASSWORD });
        match op {
            Op::Register => {
                let name = format!("w{}_u{}", self.worker, self.users.len());
                http.req(Method::POST, "/api/v1/auth/register", None).json(&credentials(&name))
            }
            Op::Login(u) => http
                .req(Method::POST, "/api/v1/auth/login", None)
                .json(&credentials(&self.users[u].name)),
            Op::Logout(u, i) => http.req(Method::POST, "/api/v1/auth/logout", Some(&at(u, i).access)),
            Op::LogoutAccess(u, i) => http.req(Method::POST, "/api/v1/auth/logout/access", Some(&at(u, i).access)),
            Op::LogoutRefresh(u, i) => http.req(Method::POST, "/api/v1/auth/logout/refresh", Some(&at(u, i).refresh)),
            Op::LogoutAll(u, i) => http.req(Method::POST, "/api/v1/auth/logout-all", Some(&at(u, i).access)),
            Op::DeleteSession { user, by, target } => {
                let path = format!("/api/v1/auth/sessions/{}", at(user, target).sid);
                http.req(Method::DELETE, &path, Some(&at(user, by).access))
            }
        }
    }

    /// Records the acknowledged outcome of `op`, which must be its success.
    fn acknowledged(&mut self, op: Op, status: StatusCode, body: Value) {
        let expected = match op {
            Op::Register => StatusCode::CREATED,
            Op::DeleteSession { .. } => StatusCode::NO_CONTENT,
            _ => StatusCode::OK,
        };
        assert_eq!(status, expected, "{op:?} answered {body} (CRASH_SEED={})", self.seed);
        let new_session = |body: &Value| {
            let access = s(body, "access_token");
            Session {
                sid: segment(&access, 1)["sid"].as_str().expect("sid claim").to_string(),
                refresh: s(body, "refresh_token"),
                access,
                state: State::Live,
                in_doubt: false,
            }
        };
        match op {
            Op::Register => self.users.push(User {
                name: s(&body["user"], "username"),
                sessions: vec![new_session(&body)],
            }),
            Op::Login(u) => self.users[u].sessions.push(new_session(&body)),
            Op::Logout(u, i) | Op::LogoutRefresh(u, i) => self.session((u, i)).state = State::Revoked,
            Op::LogoutAccess(u, i) => self.session((u, i)).state = State::AccessRevoked,
            Op::DeleteSession { user, target, .. } => self.session((user, target)).state = State::Revoked,
            Op::LogoutAll(u, _) => {
                let sessions = &mut self.users[u].sessions;
                let open = sessions.iter().filter(|s| s.state != State::Revoked).count();
                assert_eq!(body["revoked_sessions"], open, "{body} (CRASH_SEED={})", self.seed);
                sessions.iter_mut().for_each(|s| s.state = State::Revoked);
            }
        }
    }

    /// `op` got no answer: the sessions it would revoke are in doubt.
    fn unanswered(&mut self, op: Op) {
        match op {
            Op::Register | Op::Login(_) => {}
            Op::Logout(u, i) | Op::LogoutAccess(u, i) | Op::LogoutRefresh(u, i) => self.session((u, i)).in_doubt = true,
            Op::DeleteSession { user, target, .. } => self.session((user, target)).in_doubt = true,
            Op::LogoutAll(u, _) => self.users[u].sessions.iter_mut().for_each(|s| s.in_doubt = true),
        }
    }
}

/// Sends operations until one goes unanswered (the server was killed); its choices are
/// drawn from the test's `seed` and the worker's index.
async fn worker(http: Http, worker: usize, seed: u64, trigger: Arc<Trigger>) -> Ledger {
    let mut rng = StdRng::seed_from_u64(seed ^ (worker as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut ledger = Ledger {
        worker,
        seed,
        users: Vec::new(),
    };
    for step in 0.. {
        let op = ledger.choose(&mut rng, step);
        let answer = match ledger.request(&http, op).send().await {
            Ok(response) => {
                let status = response.status();
                response.text().await.map(|text| (status, text))
            }
            Err(e) => Err(e),
        };
        match answer {
            Ok((status, text)) => {
                ledger.acknowledged(op, status, serde_json::from_str(&text).unwrap_or(Value::Null));
                trigger.ack();
            }
            Err(_) => {
                ledger.unanswered(op);
                break;
            }
        }
    }
    ledger
}

/// The restarted server holds every acknowledged write and revocation; returns how many
/// sessions were checked listed and revoked.
async fn verify(http: &Http, ledgers: &[Ledger], seed: u64) -> (usize, usize) {
    let (mut listed, mut revoked) = (0, 0);
    for user in ledgers.iter().flat_map(|l| &l.users) {
        let context = format!("{} (CRASH_SEED={seed})", user.name);
        let (status, body) = http.try_login(&user.name, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "acknowledged user cannot log in: {context} {body}");
        let (status, body) = http.get("/api/v1/auth/sessions", &s(&body, "access_token")).await;
        assert_eq!(status, StatusCode::OK, "{context} {body}");
        let ids: HashSet<&str> = body["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        for session in &user.sessions {
            let what = format!("session {} of {context}: {:?}", session.sid, session.state);
            let secret = http.get("/api/v1/secret", &session.access).await;
            match (session.state, session.in_doubt) {
                (State::Live, false) => {
                    assert!(ids.contains(session.sid.as_str()), "not listed: {what}");
                    assert_eq!(secret.0, StatusCode::OK, "{what} {}", secret.1);
                    listed += 1;
                }
                (State::AccessRevoked, in_doubt) => {
                    assert!(in_doubt || ids.contains(session.sid.as_str()), "not listed: {what}");
                    assert_revoked(secret, &what);
                    revoked += 1;
                }
                (State::Revoked, _) => {
                    assert!(!ids.contains(session.sid.as_str()), "still listed: {what}");
                    assert_revoked(secret, &what);
                    assert_revoked(http.refresh(&session.refresh).await, &what);
                    revoked += 1;
                }
                (State::Live, true) => {}
            }
        }
    }
    (listed, revoked)
}

fn assert_revoked((status, body): (StatusCode, Value), what: &str) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revocation lost: {what} {body}");
    assert_eq!(body["msg"], "Token has been revoked", "{what} {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_and_revocations_survive_a_sigkill() {
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .map_or_else(rand::random, |s| s.parse().expect("CRASH_SEED is a number"));
    let kill_after = StdRng::seed_from_u64(seed).gen_range(KILL_AFTER);
    say(&format!(
        "[crash] CRASH_SEED={seed}: SIGKILL after {kill_after} acknowledged operations"
    ));
    // Every worker registers from 127.0.0.1: lift the per-address registration limit.
    let config = Config {
        extra: auth_server::settings::Settings {
            registration_max_per_address: 100_000,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut server = Server::start(config).await;

    let trigger = Arc::new(Trigger {
        acks: AtomicUsize::new(0),
        at: kill_after,
        reached: Notify::new(),
    });
    let mut workers = JoinSet::new();
    for index in 0..WORKERS {
        let (http, trigger) = (Http::new(server.base.clone()), trigger.clone());
        workers.spawn(worker(http, index, seed, trigger));
    }
    let reached = tokio::time::timeout(WORKLOAD, async {
        tokio::select! {
            _ = trigger.reached.notified() => {}
            Some(done) = workers.join_next() => panic!("a worker stopped before the kill: {:?}", done.map(|l| l.users.len())),
        }
    });
    reached.await.expect("the workload reached the kill in time");
    server.instance.kill();
    let mut ledgers = Vec::new();
    while let Some(ledger) = workers.join_next().await {
        ledgers.push(ledger.expect("worker"));
    }
    let acked = trigger.acks.load(Ordering::SeqCst);
    assert!(acked >= kill_after);

    server.restart().await;
    let (listed, revoked) = verify(&server, &ledgers, seed).await;
    let users: usize = ledgers.iter().map(|l| l.users.len()).sum();
    say(&format!(
        "[crash] {acked} acknowledged; after restart: {users} users log in, {listed} live and {revoked} revoked sessions hold"
    ));
    // With more acknowledgements than workers, some worker got past a revocation.
    assert!(users > 0 && revoked > 0, "CRASH_SEED={seed}");
}
