//! The `request` log span, made only when a line of its request is written.
//!
//! Every log line written while a request is handled names it (`request{id=…}` in text,
//! the `span`/`spans` objects in JSON). Creating that span for every request cost about a
//! tenth of a `/secret` request's instructions and of its CPU time (its registry slot, its
//! formatted `id`, entering and leaving it on each poll and when the request's future is
//! dropped, closing it; figures in docs/performance.md), although at the default `info`
//! level a request that succeeds writes no line at all.
//!
//! So the request scope hands the ids to [`RequestLog`], which keeps them in a task-local
//! [`Pending`] for the request's future, and [`RequestSpanFormat`], the event formatter,
//! makes the span from them when the first line of the request is written and enters it
//! for each line: the lines read the same as with a span made up front (a test writes them
//! both ways in every log format). The span is closed when the request's future is dropped.
//!
//! The formatter runs inside the subscriber, where `tracing` does not let a span be made
//! through the current dispatcher (it hands nested calls a no-op one whenever any thread
//! has a scoped dispatcher), so the span is made through the subscriber's own [`Dispatch`],
//! which the formatter holds weakly, from a callsite of its own with the same name, target,
//! level and fields as [`new_span`]'s.
//!
//! Spans are made up front where something needs them before a line is written: when
//! `RUST_LOG` has span or field directives (`[request{id=…}]=trace`: [`EnvFilter`] then
//! decides by the span; logging.rs adds [`LazyRequestSpans`] only with the static filter)
//! and when `debug` is on (the request scope logs the request's headers before its future
//! runs). One difference remains: a span opened inside a request before its first line is
//! not a child of `request`; the server opens none, and one that wants it as its parent
//! gets its id from [`current`].
//!
//! [`EnvFilter`]: tracing_subscriber::EnvFilter

use std::cell::OnceCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use tracing::dispatcher::WeakDispatch;
use tracing::span::{Attributes, Id};
use tracing::{Dispatch, Event, Instrument, Level, Metadata, Span, Subscriber};
use tracing_core::callsite::DefaultCallsite;
use tracing_core::field::Value;
use tracing_core::metadata::Kind;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

tokio::task_local! {
    static REQUEST: Pending;
}

/// The name, target, level and fields of [`new_span`]'s span, for the spans made later.
static LATER: Metadata<'static> = tracing_core::metadata! {
    name: "request",
    target: module_path!(),
    level: Level::INFO,
    fields: &["id", "client_request_id"],
    callsite: &LATER_CALLSITE,
    kind: Kind::SPAN,
};
static LATER_CALLSITE: DefaultCallsite = DefaultCallsite::new(&LATER);

/// The request span with its fields, made now. Lines written in it read the same as in
/// the span [`RequestSpanFormat`] makes later (a test checks it).
pub fn new_span(id: uuid::Uuid, client_id: Option<&str>) -> Span {
    // Only the ids are span fields: span fields are formatted when the span is made, while
    // method and path are only needed on the request's status line (docs/performance.md).
    tracing::info_span!("request", id = %id.hyphenated(), client_request_id = client_id)
}

/// The ids of a request whose span is not made yet, and the span once it is.
#[derive(Debug)]
pub struct Pending {
    id: uuid::Uuid,
    client_id: Option<Box<str>>,
    /// `None` inside when the subscriber does not want it.
    span: OnceCell<Option<Made>>,
}

/// A span made by [`Pending`], closed when the request's future is dropped.
#[derive(Debug)]
struct Made {
    id: Id,
    dispatch: Dispatch,
}

impl Drop for Made {
    fn drop(&mut self) {
        self.dispatch.try_close(self.id.clone());
    }
}

impl Pending {
    /// The server's id of the request and the client's own, if it sent one.
    pub fn new(id: uuid::Uuid, client_id: Option<&str>) -> Pending {
        Pending {
            id,
            client_id: client_id.map(Box::from),
            span: OnceCell::new(),
        }
    }

    /// The span, made through `dispatch` the first time.
    fn span(&self, dispatch: impl FnOnce() -> Option<Dispatch>) -> Option<&Made> {
        self.span.get_or_init(|| self.make(dispatch()?)).as_ref()
    }

    fn make(&self, dispatch: Dispatch) -> Option<Made> {
        if !dispatch.enabled(&LATER) {
            return None;
        }
        let fields = LATER.fields();
        let (id_field, client_field) = (fields.field("id")?, fields.field("client_request_id")?);
        let id = tracing::field::display(self.id.hyphenated());
        let client_id = self.client_id.as_deref();
        let values = [
            (&id_field, Some(&id as &dyn Value)),
            (&client_field, client_id.as_ref().map(|c| c as &dyn Value)),
        ];
        let id = dispatch.new_span(&Attributes::new(&LATER, &fields.value_set(&values)));
        Some(Made { id, dispatch })
    }
}

/// The current request's span id, its span made now if no line has needed it yet; `None`
/// outside a lazily logged request (an up-front span is then [`Span::current`]).
pub fn current() -> Option<Id> {
    REQUEST
        .try_with(|pending| {
            pending
                .span(|| Some(tracing::dispatcher::get_default(Dispatch::clone)))
                .map(|made| made.id.clone())
        })
        .ok()
        .flatten()
}

/// A request's span, made up front or left to its first line.
#[derive(Debug)]
pub enum RequestLog {
    /// Made up front, entered by the request's future.
    UpFront(Span),
    /// Made by the first line written while the request's future runs.
    Later(Pending),
}

impl RequestLog {
    /// The request's span for its ids, made now if `up_front` or if the subscriber is not
    /// [`lazy_spans_allowed`].
    pub fn new(id: uuid::Uuid, client_id: Option<&str>, up_front: bool) -> RequestLog {
        if up_front || !lazy_spans_allowed() {
            RequestLog::UpFront(new_span(id, client_id))
        } else {
            RequestLog::Later(Pending::new(id, client_id))
        }
    }

    /// Runs `f` inside the span if it is made, as is otherwise.
    pub fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        match self {
            RequestLog::UpFront(span) => span.in_scope(f),
            RequestLog::Later(_) => f(),
        }
    }

    /// `future` with its lines in the span.
    pub fn instrument<F>(self, future: F) -> Pin<Box<dyn Future<Output = F::Output> + Send>>
    where
        F: Future + Send + 'static,
    {
        match self {
            RequestLog::UpFront(span) => Box::pin(future.instrument(span)),
            RequestLog::Later(pending) => Box::pin(REQUEST.scope(pending, future)),
        }
    }
}

/// Whether the current subscriber writes lines through [`RequestSpanFormat`] and decides by
/// level and target alone, so that requests may leave their span to it.
pub fn lazy_spans_allowed() -> bool {
    tracing::dispatcher::get_default(|dispatch| dispatch.is::<LazyRequestSpans>())
}

/// Marks a subscriber as [`lazy_spans_allowed`]; it does nothing else.
#[derive(Debug, Clone, Copy, Default)]
pub struct LazyRequestSpans;

impl<S: Subscriber> tracing_subscriber::Layer<S> for LazyRequestSpans {}

/// The subscriber a [`RequestSpanFormat`] makes spans through, set once it is built.
#[derive(Debug, Clone, Default)]
pub struct SubscriberHandle(Arc<OnceLock<WeakDispatch>>);

impl SubscriberHandle {
    /// Tells the formatters holding this handle which subscriber they are part of; the
    /// callsite of the spans they make is registered with it here, outside any dispatch.
    pub fn set(&self, dispatch: &Dispatch) {
        let _ = self.0.set(dispatch.downgrade());
        LATER_CALLSITE.register();
    }

    /// Wraps an event formatter in a [`RequestSpanFormat`] making spans through this
    /// handle's subscriber (for `fmt::Layer::map_event_format`).
    pub fn formatter<E>(&self) -> impl FnOnce(E) -> RequestSpanFormat<E> + use<E> {
        let handle = self.clone();
        move |inner| RequestSpanFormat::new(inner, handle)
    }

    fn dispatch(&self) -> Option<Dispatch> {
        self.0.get().and_then(WeakDispatch::upgrade)
    }
}

/// An event formatter that writes each line of a lazily logged request inside its span,
/// made on the first line.
#[derive(Debug, Clone)]
pub struct RequestSpanFormat<E> {
    inner: E,
    subscriber: SubscriberHandle,
}

impl<E> RequestSpanFormat<E> {
    /// `inner` writing each line; spans are made through the subscriber `subscriber` is set to.
    pub fn new(inner: E, subscriber: SubscriberHandle) -> Self {
        RequestSpanFormat { inner, subscriber }
    }
}

impl<S, N, E> FormatEvent<S, N> for RequestSpanFormat<E>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    E: FormatEvent<S, N>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let in_request = REQUEST.try_with(|pending| {
            let Some(span) = pending.span(|| self.subscriber.dispatch()) else {
                return self.inner.format_event(ctx, writer.by_ref(), event);
            };
            // The formatter finds the event's spans through the current one: the request's
            // is entered unless it is there already (a child span of it is current).
            let within = ctx
                .lookup_current()
                .is_some_and(|current| current.scope().any(|open| open.id() == span.id));
            if within {
                return self.inner.format_event(ctx, writer.by_ref(), event);
            }
            span.dispatch.enter(&span.id);
            let written = self.inner.format_event(ctx, writer.by_ref(), event);
            span.dispatch.exit(&span.id);
            written
        });
        match in_request {
            Ok(written) => written,
            Err(_) => self.inner.format_event(ctx, writer, event),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::{Context, SubscriberExt};

    use super::*;
    use crate::settings::LogFormat;
    use crate::telemetry::logging::{LogFilter, subscriber};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    const ID: uuid::Uuid = uuid::Uuid::from_u128(0x0193c4f2_7d4e_7abc_8def_0123456789ab);

    /// What a request writes: lines in two polls (the second after a yield), one of them
    /// in a span opened inside.
    async fn request_lines() {
        tracing::info!(status = 401u16, "request finished");
        tokio::task::yield_now().await;
        tracing::warn!(path = "/api/v1/secret", "second poll");
        let inner = match current() {
            Some(request) => tracing::info_span!(parent: request, "inner", user = 7),
            None => tracing::info_span!("inner", user = 7),
        };
        inner.in_scope(|| tracing::error!(error = "boom", "in a child span"));
    }

    /// The lines of one request whose span is made up front or later, with `client_id`
    /// sent or not, in `format`, and a line after it; timestamps cut off.
    fn lines(format: LogFormat, ansi: bool, up_front: bool, client_id: Option<&'static str>) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let dispatch = subscriber(format, LogFilter::parse("info"), move || writer.clone(), ansi);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        tracing::dispatcher::with_default(&dispatch, || {
            let log = RequestLog::new(ID, client_id, up_front);
            assert_eq!(matches!(log, RequestLog::UpFront(_)), up_front);
            runtime.block_on(log.instrument(request_lines()));
            tracing::info!("outside");
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| match format {
                LogFormat::Json => {
                    let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
                    value.as_object_mut().unwrap().remove("timestamp");
                    value.to_string()
                }
                LogFormat::Pretty => line.split_once(' ').unwrap().1.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn lines_read_the_same_as_with_a_span_made_up_front() {
        for (format, ansi) in [(LogFormat::Pretty, false), (LogFormat::Pretty, true), (LogFormat::Json, false)] {
            for client_id in [None, Some("abc-123")] {
                let later = lines(format, ansi, false, client_id);
                let up_front = lines(format, ansi, true, client_id);
                assert_eq!(later.lines().count(), 4, "{later}");
                assert_eq!(later, up_front, "{format:?}, ansi {ansi}, client id {client_id:?}");
                let (inside, outside) = later.rsplit_once('\n').unwrap();
                for line in inside.lines() {
                    assert!(line.contains("0193c4f2-7d4e-7abc-8def-0123456789ab"), "{line}");
                    assert_eq!(line.contains("abc-123"), client_id.is_some(), "{line}");
                }
                assert!(!outside.contains("0193c4f2"), "a line outside the request names it: {outside}");
            }
        }
    }

    /// Counts the `request` spans made and closed.
    #[derive(Clone, Default)]
    struct Lifecycle {
        made: Arc<AtomicUsize>,
        closed: Arc<AtomicUsize>,
    }

    impl<S: Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Lifecycle {
        fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
            if attrs.metadata().name() == "request" {
                self.made.fetch_add(1, Ordering::SeqCst);
            }
        }
        fn on_close(&self, id: Id, ctx: Context<'_, S>) {
            if ctx.metadata(&id).is_some_and(|meta| meta.name() == "request") {
                self.closed.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    impl Lifecycle {
        /// Spans made and closed so far.
        fn counts(&self) -> (usize, usize) {
            (self.made.load(Ordering::SeqCst), self.closed.load(Ordering::SeqCst))
        }
    }

    #[test]
    fn the_span_is_made_once_on_the_first_line_and_closed_with_the_request() {
        let lifecycle = Lifecycle::default();
        let handle = SubscriberHandle::default();
        let dispatch = Dispatch::new(
            tracing_subscriber::registry().with(LazyRequestSpans).with(lifecycle.clone()).with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::sink)
                    .map_event_format(handle.formatter()),
            ),
        );
        handle.set(&dispatch);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        tracing::dispatcher::with_default(&dispatch, || {
            let quiet = RequestLog::new(ID, None, false);
            runtime.block_on(quiet.instrument(tokio::task::yield_now()));
            assert_eq!(lifecycle.counts(), (0, 0), "a request writing no line makes no span");

            let log = RequestLog::new(ID, None, false);
            let inside = lifecycle.clone();
            runtime.block_on(log.instrument(async move {
                tracing::info!("first");
                let id = current();
                tracing::info!("second");
                tokio::task::yield_now().await;
                tracing::info!("third");
                assert_eq!(current(), id);
                assert!(id.is_some());
                assert_eq!(inside.counts(), (1, 0));
            }));
            assert_eq!(lifecycle.counts(), (1, 1), "closed when the request's future is dropped");

            // Dropped before it finished (a client gone mid-request).
            let log = RequestLog::new(ID, None, false);
            let mut unfinished = log.instrument(async {
                tracing::info!("before waiting");
                std::future::pending::<()>().await;
            });
            let waker = std::task::Waker::noop();
            assert!(unfinished.as_mut().poll(&mut std::task::Context::from_waker(waker)).is_pending());
            assert_eq!(lifecycle.counts(), (2, 1));
            drop(unfinished);
            assert_eq!(lifecycle.counts(), (2, 2));
        });
        assert!(current().is_none(), "outside a request");
    }

    #[test]
    fn span_directives_keep_spans_made_up_front() {
        let dispatch = subscriber(LogFormat::Pretty, LogFilter::parse("info,[request]=debug"), std::io::sink, false);
        tracing::dispatcher::with_default(&dispatch, || {
            assert!(!lazy_spans_allowed());
            assert!(matches!(RequestLog::new(ID, None, false), RequestLog::UpFront(_)));
        });
        let dispatch = subscriber(LogFormat::Json, LogFilter::parse("warn,auth_server=info"), std::io::sink, false);
        tracing::dispatcher::with_default(&dispatch, || assert!(lazy_spans_allowed()));
    }
}
