//! How log lines without colours write their fields: the same text as tracing-subscriber's
//! `DefaultFields`, without going through its styling.
//!
//! `DefaultFields` paints every field name italic and every `=` dimmed, and with colours off
//! it still formats both through `nu_ansi_term` with an empty style. The request span's `id`
//! is formatted that way on every request, and the painting was about 700 of the 2,000
//! instructions its creation costs (docs/performance.md). Plain `name=value` fields are
//! written here directly; the message, error values (whose text the default sanitises of
//! terminal escapes) and `r#` and `log.` names are handed to `DefaultVisitor` itself, so
//! they cannot come out differently. A test formats the same events and spans both ways.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing_subscriber::field::{MakeVisitor, VisitFmt, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};

/// `DefaultFields` for writers without ANSI colours.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainFields;

impl<'w> MakeVisitor<Writer<'w>> for PlainFields {
    type Visitor = PlainVisitor<'w>;

    fn make_visitor(&self, writer: Writer<'w>) -> PlainVisitor<'w> {
        PlainVisitor {
            writer,
            is_empty: true,
            result: Ok(()),
        }
    }
}

/// Writes one event's or span's fields, separated by spaces as `DefaultVisitor` does.
pub struct PlainVisitor<'w> {
    writer: Writer<'w>,
    is_empty: bool,
    result: fmt::Result,
}

impl PlainVisitor<'_> {
    /// Fields the default writes in its own way (see the module documentation).
    fn is_special(name: &str) -> bool {
        name == "message" || name.starts_with("r#") || name.starts_with("log.")
    }

    /// `record` done by a `DefaultVisitor` on the same line, continuing its spacing.
    fn by_default(&mut self, name: &str, record: impl FnOnce(&mut DefaultVisitor<'_>)) {
        let mut visitor = DefaultVisitor::new(self.writer.by_ref(), self.is_empty);
        record(&mut visitor);
        self.result = visitor.finish();
        // The default skips `log.` fields without writing anything, a space included.
        self.is_empty &= name.starts_with("log.");
    }
}

impl Visit for PlainVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.by_default(field.name(), |visitor| visitor.record_str(field, value));
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if self.result.is_ok() {
            self.by_default(field.name(), |visitor| visitor.record_error(field, value));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if self.result.is_err() {
            return;
        }
        let name = field.name();
        if Self::is_special(name) {
            return self.by_default(name, |visitor| visitor.record_debug(field, value));
        }
        // One write of ` name=value` when it fits the stack buffer: a span's fields are
        // written into a new `String`, which three writes grew twice (name, then value).
        let space = if self.is_empty { "" } else { " " };
        self.is_empty = false;
        let mut staged = Staged::default();
        self.result = match write!(staged, "{space}{name}={value:?}") {
            Ok(()) => self.writer.write_str(staged.as_str()),
            Err(fmt::Error) => write!(self.writer, "{space}{name}={value:?}"),
        };
    }
}

/// Text formatted on the stack, up to `STAGED` bytes; longer text is an error, after which
/// the caller formats straight into its writer instead.
struct Staged {
    bytes: [u8; STAGED],
    len: usize,
}

/// Room for a request id field (` client_request_id=` and 128 characters) and most others.
const STAGED: usize = 160;

impl Default for Staged {
    fn default() -> Self {
        Staged {
            bytes: [0; STAGED],
            len: 0,
        }
    }
}

impl Staged {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever appended, so the bytes are always valid UTF-8.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for Staged {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl VisitOutput<fmt::Result> for PlainVisitor<'_> {
    fn finish(self) -> fmt::Result {
        self.result
    }
}

impl VisitFmt for PlainVisitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        &mut self.writer
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::fmt::format::DefaultFields;

    use super::PlainFields;

    /// Everything written, shared with the test.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[derive(Debug)]
    struct Cause;
    impl std::fmt::Display for Cause {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the disk is \x1b[31mfull\x1b[0m")
        }
    }
    impl std::error::Error for Cause {}

    #[derive(Debug)]
    struct Failure(Cause);
    impl std::fmt::Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("writing failed")
        }
    }
    impl std::error::Error for Failure {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    /// Spans and events with every kind of field, their values recorded every way.
    fn log_everything() {
        let r#type = "access";
        let error: &(dyn std::error::Error + 'static) = &Failure(Cause);
        let alone: &(dyn std::error::Error + 'static) = &Cause;
        let span = tracing::info_span!("request", id = %"0193c4f2-7d4e-7abc", client_request_id = tracing::field::Empty);
        span.record("client_request_id", "abc-123");
        let _entered = span.enter();
        tracing::info!("a message alone");
        tracing::info!(status = 401u16, latency_ms = 0.25f64, ok = false, delta = -3i64, "request finished");
        tracing::warn!(path = "/api/v1/secret", method = %"GET", headers = ?["a", "b"], "quoted \"and\" \x1b[1mbold\x1b[0m");
        tracing::info!(r#type, kind = r#type, "raw names");
        tracing::error!(error, "with a source");
        tracing::error!(error = alone, "without one");
        tracing::info!(message = "as a field", extra = 1);
        tracing::info!(only = "fields", and = 2);
        let inner = tracing::debug_span!("inner", user = 7, name = "bob");
        inner.in_scope(|| tracing::debug!(log.target = "hidden", after = true, "log fields skipped"));
        tracing::info!(empty = "", text = "two words");
        let long = "x".repeat(300);
        tracing::info!(first = 1, long = %long, last = "after the long one", "longer than the stack buffer");
    }

    fn output<N>(fields: N) -> String
    where
        N: for<'w> tracing_subscriber::fmt::FormatFields<'w> + Send + Sync + 'static,
    {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_ansi(false)
            .without_time()
            .with_max_level(tracing::Level::DEBUG)
            .fmt_fields(fields)
            .finish();
        tracing::subscriber::with_default(subscriber, log_everything);
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn writes_what_the_default_writes_without_colours() {
        let plain = output(PlainFields);
        let default = output(DefaultFields::new());
        assert_eq!(plain.lines().count(), 11, "{plain}");
        assert_eq!(plain, default);
        // The cases this must get right, visible in the shared text.
        assert!(
            plain.contains("request{id=0193c4f2-7d4e-7abc client_request_id=\"abc-123\"}"),
            "{plain}"
        );
        assert!(plain.contains("status=401 latency_ms=0.25 ok=false delta=-3"), "{plain}");
        assert!(plain.contains("error.sources=["), "{plain}");
        assert!(!plain.contains('\x1b'), "terminal escapes are sanitised: {plain}");
    }
}
