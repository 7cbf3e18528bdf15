//! The log output: human-readable lines for terminals or one JSON object per line for
//! collectors (`--log-format`), filtered by `RUST_LOG` (default `info`). The server logs
//! to stdout; the one-shot CLI commands log to stderr so their stdout stays clean.

use std::io::IsTerminal;

use tracing::{Dispatch, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::settings::LogFormat;
use crate::telemetry::plain_fields::PlainFields;
use crate::telemetry::request_span::{LazyRequestSpans, SubscriberHandle};

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
    let filter = LogFilter::parse(&std::env::var("RUST_LOG").unwrap_or_default());
    let subscriber = match target {
        LogTarget::Stdout => subscriber(format, filter, std::io::stdout, std::io::stdout().is_terminal()),
        LogTarget::Stderr => subscriber(format, filter, std::io::stderr, std::io::stderr().is_terminal()),
    };
    let _ = tracing::dispatcher::set_global_default(subscriber);
}

/// Which lines are written, from `RUST_LOG` directives (blank means `info`).
///
/// Plain `target=level` lists, which is what is usually set, become a static [`Targets`]
/// filter. Span and field directives (`[request{id=...}]=debug`) need [`EnvFilter`], which
/// looks every span up in a map behind a lock shared by all worker threads when it is
/// created, entered, exited and closed, i.e. several times per request.
pub enum LogFilter {
    Static(Box<Targets>),
    Dynamic(Box<EnvFilter>),
}

impl LogFilter {
    pub fn parse(directives: &str) -> LogFilter {
        let directives = if directives.trim().is_empty() { "info" } else { directives };
        // `Targets` would read `[span]=debug` as a target named "[span]": anything with a
        // span or field part goes to `EnvFilter`.
        let plain = !directives.contains(['[', '{']);
        match directives.parse::<Targets>() {
            Ok(targets) if plain => LogFilter::Static(Box::new(targets)),
            _ => LogFilter::Dynamic(Box::new(EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info")))),
        }
    }

    fn into_layer(self) -> Box<dyn Layer<Registry> + Send + Sync> {
        match self {
            LogFilter::Static(targets) => targets,
            LogFilter::Dynamic(filter) => filter,
        }
    }
}

/// The subscriber the server uses, writing to any writer (tests capture the output).
pub fn subscriber<W>(format: LogFormat, filter: LogFilter, writer: W, ansi: bool) -> Dispatch
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    // Requests leave their span to the line formatter unless the filter decides by spans
    // (see request_span.rs); the formatter makes it through this subscriber.
    let lazy_spans = matches!(filter, LogFilter::Static(_)).then_some(LazyRequestSpans);
    let handle = SubscriberHandle::default();
    let filtered = tracing_subscriber::registry().with(filter.into_layer()).with(lazy_spans);
    let lines = tracing_subscriber::fmt::layer().with_writer(writer);
    let subscriber: Box<dyn Subscriber + Send + Sync> = match format {
        LogFormat::Json => Box::new(
            filtered.with(
                lines
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .map_event_format(handle.formatter()),
            ),
        ),
        LogFormat::Pretty if ansi => Box::new(filtered.with(lines.with_ansi(true).map_event_format(handle.formatter()))),
        // The same text as the default fields, without their styling (see plain_fields.rs).
        LogFormat::Pretty => Box::new(filtered.with(lines.with_ansi(false).fmt_fields(PlainFields).map_event_format(handle.formatter()))),
    };
    let dispatch = Dispatch::new(subscriber);
    handle.set(&dispatch);
    dispatch
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::LogFilter;

    fn static_targets(directives: &str) -> Box<tracing_subscriber::filter::Targets> {
        match LogFilter::parse(directives) {
            LogFilter::Static(targets) => targets,
            LogFilter::Dynamic(_) => panic!("{directives:?} should not need EnvFilter"),
        }
    }

    #[test]
    fn plain_target_lists_get_the_static_filter_with_the_same_levels() {
        let targets = static_targets("warn,auth_server=debug");
        assert!(targets.would_enable("auth_server::ops::request_scope", &Level::DEBUG));
        assert!(!targets.would_enable("auth_server::ops::request_scope", &Level::TRACE));
        assert!(targets.would_enable("hyper", &Level::WARN));
        assert!(!targets.would_enable("hyper", &Level::INFO));
    }

    #[test]
    fn a_blank_filter_means_info() {
        let targets = static_targets("  ");
        assert!(targets.would_enable("auth_server", &Level::INFO));
        assert!(!targets.would_enable("auth_server", &Level::DEBUG));
    }

    #[test]
    fn span_and_field_directives_keep_env_filter() {
        for directives in ["info,[request]=debug", "info,[request{id=abc}]=trace", "auth_server[{id}]=debug"] {
            assert!(matches!(LogFilter::parse(directives), LogFilter::Dynamic(_)), "{directives}");
        }
    }
}
