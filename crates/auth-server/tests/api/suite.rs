// The modules of the API suite, included by every binary that runs it (`api`,
// `api_postgres`, `api_postgres_redis`); paths are relative to the including `main.rs`.
#[path = "../api/attacks.rs"]
mod attacks;
#[path = "../api/attacks_state.rs"]
mod attacks_state;
#[path = "../api/audit.rs"]
mod audit;
#[path = "../api/backend.rs"]
mod backend;
#[path = "../api/cookies.rs"]
mod cookies;
#[path = "../api/crash.rs"]
mod crash;
#[path = "../api/forge.rs"]
mod forge;
#[path = "../api/headers.rs"]
mod headers;
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/input.rs"]
mod input;
#[path = "../api/items.rs"]
mod items;
#[path = "../api/limits.rs"]
mod limits;
#[path = "../api/login.rs"]
mod login;
#[path = "../api/logout.rs"]
mod logout;
#[path = "../api/openapi.rs"]
mod openapi;
#[path = "../api/password.rs"]
mod password;
// Real server processes (the crash and audit tests); the cluster parts are unused here.
#[allow(dead_code)]
#[path = "../cluster/processes.rs"]
mod processes;
#[path = "../api/proxy.rs"]
mod proxy;
#[path = "../api/refresh.rs"]
mod refresh;
#[path = "../api/register.rs"]
mod register;
#[path = "../api/restart.rs"]
mod restart;
#[path = "../api/sessions.rs"]
mod sessions;
#[path = "../api/throttle.rs"]
mod throttle;
#[path = "../api/tokens.rs"]
mod tokens;
#[path = "../api/users.rs"]
mod users;
#[path = "../api/users_admin.rs"]
mod users_admin;
#[path = "../api/authorization.rs"]
mod authorization;
#[path = "../api/grace.rs"]
mod grace;
#[path = "../api/session_cookies.rs"]
mod session_cookies;
#[path = "../api/token_rules.rs"]
mod token_rules;
