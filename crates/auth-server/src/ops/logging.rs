//! The log output: human-readable lines for terminals or one JSON object per line for
//! collectors (`--log-format`), filtered by `RUST_LOG` (default `info`). The server logs
//! to stdout; the one-shot CLI commands log to stderr so their stdout stays clean.

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::settings::LogFormat;

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    Stdout,
    Stderr,
}

/// Installs the global subscriber (once; later calls are ignored).
pub fn init_tracing(format: LogFormat) {
    init_tracing_to(format, LogTarget::Stdout);
}

/// Installs the global subscriber writing to `target`.
pub fn init_tracing_to(format: LogFormat, target: LogTarget) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let subscriber = match target {
        LogTarget::Stdout => subscriber(format, filter, std::io::stdout, std::io::stdout().is_terminal()),
        LogTarget::Stderr => subscriber(format, filter, std::io::stderr, std::io::stderr().is_terminal()),
    };
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The subscriber the server uses, writing to any writer (tests capture the output).
pub fn subscriber<W>(format: LogFormat, filter: EnvFilter, writer: W, ansi: bool) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Json => Box::new(builder.json().with_current_span(true).with_span_list(true).finish()),
        LogFormat::Pretty => Box::new(builder.with_ansi(ansi).finish()),
    }
}
