//! The settings as the real binary reads them: from flags, `AUTH_*` variables and the
//! `--config` file in that order, durations written as people write them, defaults shown
//! by `--help`, and passwords kept out of `--help` and the start-up log.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

/// The binary with only `env` in its environment.
fn auth_server(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auth-server"));
    command.args(args).env_clear().envs(env.iter().copied());
    command
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    auth_server(args, env).stdin(Stdio::null()).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The log lines of `serve` up to the one saying it listens; then the server is stopped.
fn start_up_log(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let data = tempfile::tempdir().unwrap();
    let mut all = vec!["serve", "--bind", "127.0.0.1:0", "--log-format", "json", "--data-dir"];
    all.push(data.path().to_str().unwrap());
    all.extend_from_slice(args);
    let mut env = env.to_vec();
    env.push(("RUST_LOG", "info,auth_server=debug"));
    let mut child = auth_server(&all, &env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let listening = line.contains("auth-server listening on");
        lines.push(line);
        if listening {
            break;
        }
    }
    let _ = child.kill();
    child.wait().unwrap();
    assert!(
        lines.last().is_some_and(|l| l.contains("listening")),
        "the server did not start:\n{}",
        lines.join("\n")
    );
    lines
}

/// The `settings` line of a start-up log: the resolved settings' `Debug`.
fn settings_line(lines: &[String]) -> &str {
    lines
        .iter()
        .find(|l| l.contains(r#""message":"settings""#))
        .unwrap_or_else(|| panic!("no settings line in\n{}", lines.join("\n")))
}

#[test]
fn flags_beat_the_environment_which_beats_the_file_with_humane_durations() {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    writeln!(file, "access-ttl = \"5m\"\nrefresh-ttl = \"2h\"\nlogin-window = \"1h\"").unwrap();
    let config = file.path().to_str().unwrap();
    let lines = start_up_log(
        &["--login-window", "30m"],
        &[
            ("AUTH_CONFIG", config),
            ("AUTH_ACCESS_TTL", "1h30m"),
            ("AUTH_LOGIN_WINDOW", "20m"),
            ("AUTH_REGISTRATION_WINDOW", "90"),
        ],
    );
    let settings = settings_line(&lines);
    assert!(settings.contains("access_ttl: 5400s"), "environment over file: {settings}");
    assert!(settings.contains("refresh_ttl: 7200s"), "file over default: {settings}");
    assert!(settings.contains("login_window: 1800s"), "flag over environment: {settings}");
    assert!(settings.contains("registration_window: 90s"), "plain seconds: {settings}");
    assert!(settings.contains("request_timeout: 30s"), "default: {settings}");
}

#[test]
fn passwords_never_reach_the_start_up_log() {
    let password = "start-up-admin-password-8d1f";
    let lines = start_up_log(&["--admin-username", "root"], &[("AUTH_ADMIN_PASSWORD", password)]);
    let settings = settings_line(&lines);
    assert!(settings.contains("admin_username: Some(\\\"root\\\")"), "{settings}");
    assert!(
        settings.contains("admin_password: Some(") && settings.contains("REDACTED"),
        "{settings}"
    );
    assert!(lines.iter().any(|l| l.contains("admin account ready")), "{lines:?}");
    for line in &lines {
        assert!(!line.contains(password), "the admin password leaked: {line}");
    }
}

#[test]
fn help_shows_defaults_and_variables_but_hides_passwords() {
    let out = run(
        &["--help"],
        &[
            ("AUTH_ACCESS_TTL", "1h"),
            ("AUTH_ADMIN_PASSWORD", "help-admin-password"),
            ("AUTH_DATABASE_URL", "postgres://app:help-db-password@db/auth"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let help = text(&out.stdout);
    let access = help.split("--access-ttl").nth(1).unwrap().split("--refresh-ttl").next().unwrap();
    assert!(access.contains("Access token lifetime"), "{access}");
    assert!(
        access.contains("[env: AUTH_ACCESS_TTL=1h]") && access.contains("[default: 15m]"),
        "{access}"
    );
    assert!(
        help.contains("[default: 30d]") && help.contains("[default: 127.0.0.1:8080]"),
        "{help}"
    );
    for secret in ["help-admin-password", "help-db-password"] {
        assert!(!help.contains(secret), "{secret} shown by --help");
    }
}

#[test]
fn a_bad_value_names_its_setting_and_source() {
    let out = run(&["decode", "x"], &[("AUTH_ACCESS_TTL", "0")]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--access-ttl") && stderr.contains("zero"), "{stderr}");

    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    writeln!(file, "refresh-reuse-grace = \"soon\"").unwrap();
    let config = file.path().to_str().unwrap();
    let out = run(&["--config", config, "decode", "x"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(config) && stderr.contains("--refresh-reuse-grace"), "{stderr}");
}

#[test]
fn gen_key_reads_no_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("hs.key");
    let out = run(
        &["gen-key", "--alg", "HS256", "--out", out_file.to_str().unwrap()],
        &[("AUTH_CONFIG", "/nonexistent/auth.toml")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}
