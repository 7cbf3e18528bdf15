//! The settings as an operator gives them: values in every accepted form, the order of the
//! sources, the file's keys and mistakes, and what `Debug` and `--help` show.

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, FromArgMatches, Parser};
use secrecy::ExposeSecret;

use super::values::{duration, duration_or_off};
use super::*;

/// The settings alone, as the server's command line carries them.
#[derive(Debug, Parser)]
struct Cmd {
    #[command(flatten)]
    settings: Settings,
}

/// `args` after the program name, with the file they name (the process's environment is
/// read too: the tests use no setting a test environment sets).
fn parse(args: &[&str]) -> anyhow::Result<Settings> {
    let argv: Vec<OsString> = std::iter::once("auth-server")
        .chain(args.iter().copied())
        .map(OsString::from)
        .collect();
    let command = Cmd::command();
    let matches = command.clone().try_get_matches_from(&argv)?;
    let matches = with_config_file(&command, &argv, matches)?;
    let settings = Settings::from_arg_matches(&matches)?;
    settings.check()?;
    Ok(settings)
}

fn toml_file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn durations_are_written_as_people_write_them() {
    for (text, expected) in [
        ("2s", 2),
        ("15m", 900),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("1.5h", 5400),
        ("15 m", 900),
        ("2 weeks", 1_209_600),
        ("30d", 2_592_000),
        ("1w", 604_800),
        ("90", 90),
        (" 15m ", 900),
    ] {
        assert_eq!(duration(text).unwrap(), secs(expected), "{text}");
    }
    for bad in ["0", "0s", "500ms", "5x", "m", "", "-1s"] {
        assert!(duration(bad).is_err(), "{bad:?} accepted");
    }
    assert_eq!(duration_or_off("0").unwrap(), Duration::ZERO);
    assert_eq!(duration_or_off("0s").unwrap(), Duration::ZERO);
    assert_eq!(duration_or_off("10s").unwrap(), secs(10));
    assert!(duration_or_off("100ms").is_err(), "a grace shorter than a second would be zero");
}

#[test]
fn defaults_are_the_declared_ones() {
    let settings = Settings::default();
    assert_eq!(settings.bind, "127.0.0.1:8080".parse().unwrap());
    assert_eq!(settings.data_dir, PathBuf::from("./data"));
    assert_eq!(settings.database_url().as_str(), "sqlite://./data/auth.db");
    assert_eq!((settings.access_ttl, settings.refresh_ttl), (secs(900), secs(2_592_000)));
    assert_eq!(settings.algorithm, jwt_extended::Algorithm::HS256);
    assert_eq!((settings.login_max_failures, settings.login_address_max_failures), (5, 50));
    assert_eq!(settings.registration, Registration::Open);
    assert_eq!(settings.registration_max_per_address, 20);
    assert_eq!(settings.registration_window, secs(600));
    assert_eq!(settings.header_timeout, secs(30));
    assert_eq!(settings.connection_threads, None, "one per core, decided at start-up");
    assert_eq!(settings.refresh_reuse_grace, secs(10));
    assert_eq!(settings.trusted_proxy_hops, 0);
    assert!(settings.cors_origins.is_empty());
    assert_eq!(settings.page_title, "auth-server");
    assert!(settings.admin().is_none());
    assert!(!settings.cookie_secure);
    assert_eq!((settings.hashing_queue, settings.hashing_priority_queue), (64, None));
    assert_eq!(settings.device_cookie_ttl, secs(2_592_000));
}

#[test]
fn connection_threads_take_a_count_or_zero() {
    assert_eq!(parse(&["--connection-threads", "3"]).unwrap().connection_threads, Some(3));
    assert_eq!(parse(&["--connection-threads", "0"]).unwrap().connection_threads, Some(0));
    assert!(parse(&["--connection-threads", "-1"]).is_err());
    assert!(parse(&["--connection-threads", "many"]).is_err());
}

#[test]
fn the_database_defaults_to_the_data_dir() {
    let settings = parse(&["--data-dir", "/srv/auth"]).unwrap();
    assert_eq!(settings.database_url().as_str(), "sqlite:///srv/auth/auth.db");
    let settings = parse(&["--database-url", "postgres://db/auth"]).unwrap();
    assert_eq!(settings.database_url().as_str(), "postgres://db/auth");
}

#[test]
fn a_humane_duration_from_a_flag_and_from_the_file() {
    let file = toml_file("access-ttl = \"1h30m\"\nrefresh-ttl = 86400\nrefresh-reuse-grace = \"0\"\n");
    let config = file.path().to_str().unwrap();
    let settings = parse(&["--config", config, "--login-window", "2h"]).unwrap();
    assert_eq!(settings.login_window, secs(7200));
    assert_eq!(settings.access_ttl, secs(5400));
    assert_eq!(
        settings.refresh_ttl,
        secs(86_400),
        "a TOML integer is seconds, as a bare flag value is"
    );
    assert_eq!(settings.refresh_reuse_grace, Duration::ZERO);
}

#[test]
fn flags_beat_the_file_which_beats_the_defaults() {
    let file = toml_file("access-ttl = \"2m\"\nrefresh-ttl = \"2d\"\n");
    let config = file.path().to_str().unwrap();
    let settings = parse(&["--access-ttl", "1m", "--config", config]).unwrap();
    assert_eq!(settings.access_ttl, secs(60));
    assert_eq!(settings.refresh_ttl, secs(172_800));
    assert_eq!(settings.bind, "127.0.0.1:8080".parse().unwrap());
}

#[test]
fn every_kind_of_value_has_its_toml_form() {
    let file = toml_file(
        r#"
        bind = "0.0.0.0:9000"
        cookie-secure = true
        log-format = "json"
        registration = "closed"
        hashing-queue = 8
        hashing-priority-queue = 4
        device-cookie-ttl = "7d"
        cors-origins = ["https://a.example", "https://b.example:8443"]
        verification-key-files = ["old.pem", "older.pem"]
        admin-username = "root"
        admin-password = "file-admin-password"
        "#,
    );
    let settings = parse(&["--config", file.path().to_str().unwrap()]).unwrap();
    assert_eq!(settings.bind, "0.0.0.0:9000".parse().unwrap());
    assert!(settings.cookie_secure);
    assert_eq!(settings.log_format, LogFormat::Json);
    assert_eq!(settings.registration, Registration::Closed);
    assert_eq!((settings.hashing_queue, settings.hashing_priority_queue), (8, Some(4)));
    assert_eq!(settings.device_cookie_ttl, secs(7 * 86_400));
    assert_eq!(&*settings.cors_origins, ["https://a.example", "https://b.example:8443"]);
    assert_eq!(
        settings.verification_key_files,
        [PathBuf::from("old.pem"), PathBuf::from("older.pem")]
    );
    let (username, password) = settings.admin().unwrap();
    assert_eq!((username, password.expose_secret()), ("root", "file-admin-password"));
}

#[test]
fn a_bare_flag_turns_a_switch_on() {
    assert!(parse(&["--cookie-secure"]).unwrap().cookie_secure);
    assert!(!parse(&["--cookie-secure=false"]).unwrap().cookie_secure);
}

#[test]
fn mistakes_in_the_file_name_the_file_and_the_setting() {
    let unknown = toml_file("no-such-key = 1\n");
    let message = format!("{:#}", parse(&["--config", unknown.path().to_str().unwrap()]).unwrap_err());
    assert!(message.contains("no-such-key") && message.contains("unknown key"), "{message}");
    assert!(message.contains(&unknown.path().display().to_string()), "{message}");

    let zero = toml_file("access-ttl = \"0s\"\n");
    let message = format!("{:#}", parse(&["--config", zero.path().to_str().unwrap()]).unwrap_err());
    assert!(message.contains("--access-ttl") && message.contains("zero"), "{message}");
    assert!(message.contains(&zero.path().display().to_string()), "{message}");

    let table = toml_file("[bind]\nport = 1\n");
    let message = format!("{:#}", parse(&["--config", table.path().to_str().unwrap()]).unwrap_err());
    assert!(message.contains("bind"), "{message}");

    let flag_only = toml_file("config = \"other.toml\"\n");
    assert!(
        parse(&["--config", flag_only.path().to_str().unwrap()]).is_err(),
        "a file naming another file"
    );

    let message = format!("{:#}", parse(&["--config", "/nonexistent/auth.toml"]).unwrap_err());
    assert!(message.contains("reading config file /nonexistent/auth.toml"), "{message}");
}

#[test]
fn bad_values_name_the_setting() {
    for (args, names) in [
        (&["--access-ttl", "5y5"][..], "--access-ttl"),
        (&["--algorithm", "XS999"][..], "unknown algorithm"),
        (&["--page-title", " "][..], "--page-title"),
        (&["--cors-origins", "*"][..], "exact origin"),
        (&["--admin-username", "root"][..], "--admin-password"),
        (&["--admin-password", "pass"][..], "--admin-username"),
    ] {
        let message = parse(args).unwrap_err().to_string();
        assert!(message.contains(names), "{args:?}: {message}");
    }
}

#[test]
fn cors_origins_must_be_exact() {
    let parsed: Origins = " https://a.example ,,http://b.example:8080".parse().unwrap();
    assert_eq!(&*parsed, ["https://a.example", "http://b.example:8080"]);
    assert!("".parse::<Origins>().unwrap().is_empty());
    for bad in ["*", "https://*.example.com", "a.example", "https://a.example/"] {
        assert!(bad.parse::<Origins>().is_err(), "{bad} accepted");
    }
}

#[test]
fn debug_hides_every_password() {
    let settings = parse(&[
        "--admin-username",
        "root",
        "--admin-password",
        "admin-pass-123",
        "--database-url",
        "postgres://app:db-pass-456@db.internal:5432/auth",
        "--redis-url",
        "redis://:redis-pass-789@cache:6379/0",
    ])
    .unwrap();
    let printed = format!("{settings:?}");
    for secret in ["admin-pass-123", "db-pass-456", "redis-pass-789"] {
        assert!(!printed.contains(secret), "{secret} leaked in {printed}");
    }
    assert!(printed.contains("db.internal:5432/auth"), "{printed}");
    assert!(printed.contains("root"), "{printed}");
    assert!(printed.contains("access_ttl: 900s"), "{printed}");
    assert_eq!(settings.admin().unwrap().1.expose_secret(), "admin-pass-123");
}

#[test]
fn urls_without_passwords_are_unchanged() {
    assert_eq!(redact_url("sqlite://./data/auth.db"), "sqlite://./data/auth.db");
    assert_eq!(redact_url("redis://cache:6379"), "redis://cache:6379");
    assert_eq!(redact_url("postgres://u:p@h/db?x=@"), "postgres://u:[redacted]@h/db?x=@");
    assert_eq!(ServiceUrl::from("postgres://u:p@h/db").to_string(), "postgres://u:[redacted]@h/db");
}

#[test]
fn every_setting_has_its_variable_and_help_shows_the_default() {
    let mut command = Cmd::command();
    command.build();
    for arg in command.get_arguments().filter(|arg| arg.get_long().is_some_and(|l| l != "help")) {
        let long = arg.get_long().unwrap();
        let expected = format!("AUTH_{}", long.to_uppercase().replace('-', "_"));
        assert_eq!(arg.get_env().map(|e| e.to_string_lossy().into_owned()), Some(expected), "--{long}");
        assert!(arg.is_global_set(), "--{long} only before the subcommand");
    }
    let help = command.render_long_help().to_string();
    let access = help.split("--access-ttl").nth(1).unwrap().split("--refresh-ttl").next().unwrap();
    assert!(access.contains("[default: 15m]"), "{access}");
    assert!(access.contains("[env: AUTH_ACCESS_TTL"), "{access}");
    assert!(help.contains("[default: 127.0.0.1:8080]"), "{help}");
}
