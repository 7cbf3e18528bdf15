//! The `--config` TOML file, the source between the environment and the defaults. Its
//! keys are the flags' names; each value is handed to clap as that flag, placed before the
//! command line, for the settings that neither the command line nor the environment gave.
//! A file's value therefore goes through the same parser as the flag's, and the file needs
//! no list of keys of its own: every setting is a key as soon as it is a flag.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Command};

use super::Settings;

/// `matches` (of `argv`, parsed by `command` without the file) completed with the
/// settings of the `--config` file, when one is named.
pub fn with_config_file(command: &Command, argv: &[OsString], matches: ArgMatches) -> anyhow::Result<ArgMatches> {
    let Some(path) = matches.get_one::<PathBuf>("config") else {
        return Ok(matches);
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("reading config file {}", path.display()))?;
    let table: toml::Table = text.parse().with_context(|| format!("parsing config file {}", path.display()))?;
    let settings = Settings::augment_args(Command::new("settings"));
    let mut from_file = Vec::new();
    for (key, value) in &table {
        let flag = flag_for(&settings, key, value, &matches).with_context(|| format!("config file {}: {key}", path.display()))?;
        from_file.extend(flag);
    }
    let Some((program, given)) = argv.split_first() else {
        bail!("no program name in the command line");
    };
    let argv = std::iter::once(program.clone()).chain(from_file).chain(given.iter().cloned());
    command.clone().try_get_matches_from(argv).map_err(|e| in_file(path, &e))
}

/// `--key=value` for the file's `key`, unless the command line or the environment gave it.
fn flag_for(settings: &Command, key: &str, value: &toml::Value, matches: &ArgMatches) -> anyhow::Result<Option<OsString>> {
    let Some(arg) = settings
        .get_arguments()
        .find(|arg| arg.get_long() == Some(key) && arg.get_id() != "config")
    else {
        bail!("unknown key (the keys are the flags' names, such as access-ttl)");
    };
    let source = matches.value_source(arg.get_id().as_str());
    if matches!(source, Some(ValueSource::CommandLine | ValueSource::EnvVariable)) {
        return Ok(None);
    }
    Ok(Some(format!("--{key}={}", flag_value(value)?).into()))
}

/// A TOML value as the flag's text; a list is the flag's comma-separated form.
fn flag_value(value: &toml::Value) -> anyhow::Result<String> {
    Ok(match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Array(items) => items.iter().map(flag_value).collect::<anyhow::Result<Vec<_>>>()?.join(","),
        toml::Value::Datetime(_) | toml::Value::Table(_) => bail!("use a string, a number, true/false or a list"),
    })
}

/// clap's complaint about a value from the file, which names the setting by its flag (the
/// file's key), without the advice about `--help`.
fn in_file(path: &Path, error: &clap::Error) -> anyhow::Error {
    let rendered = error.render().to_string();
    let complaint = rendered.split("\n\n").next().unwrap_or_default();
    let complaint = complaint.strip_prefix("error: ").unwrap_or(complaint).trim();
    anyhow::anyhow!("config file {}: {complaint}", path.display())
}
