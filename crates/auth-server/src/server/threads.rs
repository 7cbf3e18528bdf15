//! Connection threads: every accepted connection is served, for its whole life, by one of
//! a few threads, each with its own single-threaded Tokio runtime and event loop (thread
//! per core, as Node.js's cluster workers or actix-web's workers do), instead of by
//! tokio's shared work-stealing pool.
//!
//! Why: on the shared pool a connection's readiness, its task and the caches its
//! requests warm (the verified-token cache and request metrics are per thread) move
//! between cores, and idle workers are woken to steal. Pinned, the same requests cost
//! the server less CPU and the machine answered more of them (figures in
//! docs/performance.md). The price: no stealing. A thread busy with its connections does
//! not take over another's, so connections are dealt round-robin to spread them; and a
//! deployment whose few keep-alive connections carry very unequal load can choose the
//! shared pool (`--connection-threads 0`).
//!
//! Everything else stays on the main runtime: the accept loop, start-up, the background
//! tasks. A stream accepted there is handed over as a standard socket and registered
//! with its thread's event loop there, so its readiness is never relayed between threads.

use std::future::Future;
use std::io;
use std::thread::JoinHandle;

use futures_util::FutureExt;
use futures_util::future::{self, Either};
use tokio::net::TcpStream;
use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;

/// The running connection threads. Dropping them (a server future cancelled mid-way)
/// stops them without waiting; [`ConnectionThreads::stop`] also waits.
pub(crate) struct ConnectionThreads {
    threads: Vec<Thread>,
    next: usize,
}

struct Thread {
    runtime: Handle,
    stop: Option<oneshot::Sender<()>>,
    joined: Option<JoinHandle<()>>,
}

impl ConnectionThreads {
    /// Starts `count` threads (at least one). They log where the caller logs: the
    /// caller's current `tracing` dispatcher (a test's scoped one included) becomes theirs.
    pub(crate) fn start(count: usize) -> io::Result<Self> {
        let dispatch = scoped_dispatcher();
        let threads = (0..count.max(1))
            .map(|index| {
                let runtime = Builder::new_current_thread().enable_all().build()?;
                let handle = runtime.handle().clone();
                let (stop, stopped) = oneshot::channel::<()>();
                let dispatch = dispatch.clone();
                let joined = std::thread::Builder::new().name(format!("connections-{index}")).spawn(move || {
                    let _logging = dispatch.map(|dispatch| tracing::dispatcher::set_default(&dispatch));
                    // Until told to stop (or the sender is gone); dropping the runtime
                    // then cancels the connections still open.
                    let _ = runtime.block_on(stopped);
                })?;
                Ok(Thread {
                    runtime: handle,
                    stop: Some(stop),
                    joined: Some(joined),
                })
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(ConnectionThreads { threads, next: 0 })
    }

    /// Serves `stream` on the next thread in turn: `serve` runs there with the stream
    /// registered with that thread's event loop.
    pub(crate) fn spawn<F, Fut>(&mut self, stream: TcpStream, serve: F) -> io::Result<()>
    where
        F: FnOnce(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        // Out of the accept loop's event loop; still non-blocking, as `from_std` needs.
        let stream = stream.into_std()?;
        let thread = &self.threads[self.next];
        self.next = (self.next + 1) % self.threads.len();
        // `lazy` + `flatten` rather than an `async` block, which would keep `serve`'s
        // captures beside the future it returns for the connection's whole life (about
        // 300 bytes per connection); `Flatten` holds one or the other.
        let task = future::lazy(move |_| match TcpStream::from_std(stream) {
            Ok(stream) => Either::Left(serve(stream)),
            Err(error) => {
                tracing::warn!(%error, "handing a connection to its thread failed");
                Either::Right(future::ready(()))
            }
        });
        thread.runtime.spawn(task.flatten());
        Ok(())
    }

    /// Stops every thread and waits until each has dropped its runtime (and with it any
    /// connection still open).
    pub(crate) async fn stop(mut self) {
        self.signal_stop();
        let joins: Vec<JoinHandle<()>> = self.threads.iter_mut().filter_map(|thread| thread.joined.take()).collect();
        // Joining blocks: off the async thread, which may be the only one its runtime has.
        let _ = tokio::task::spawn_blocking(move || {
            for join in joins {
                let _ = join.join();
            }
        })
        .await;
    }

    /// Tells every thread still running to stop.
    fn signal_stop(&mut self) {
        for thread in &mut self.threads {
            if let Some(stop) = thread.stop.take() {
                let _ = stop.send(());
            }
        }
    }
}

/// The caller's dispatcher when it is scoped to its thread (a test's), `None` when it is
/// the global one, which every thread sees anyway: a scoped default anywhere makes every
/// `tracing` call in the process look up its thread's default first. tracing has no
/// other way to tell the two apart than their `Debug` text; should that text change,
/// the dispatcher is passed on either way, which is slower but still logs correctly.
fn scoped_dispatcher() -> Option<tracing::Dispatch> {
    tracing::dispatcher::get_default(|current| (!format!("{current:?}").starts_with("Dispatch::Global")).then(|| current.clone()))
}

impl Drop for ConnectionThreads {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Accepts `count` connections on the test's runtime and hands each to `threads`,
    /// whose task writes back the name of the thread serving it.
    async fn serve_names(threads: &mut ConnectionThreads, count: usize) -> Vec<String> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut names = Vec::new();
        for _ in 0..count {
            let mut client = TcpStream::connect(addr).await.unwrap();
            let (accepted, _) = listener.accept().await.unwrap();
            threads
                .spawn(accepted, |mut stream| async move {
                    let name = std::thread::current().name().unwrap_or_default().to_string();
                    stream.write_all(name.as_bytes()).await.unwrap();
                })
                .unwrap();
            let mut name = String::new();
            client.read_to_string(&mut name).await.unwrap();
            names.push(name);
        }
        names
    }

    #[tokio::test]
    async fn connections_are_dealt_round_robin_and_served_on_their_thread() {
        let mut threads = ConnectionThreads::start(2).unwrap();
        let names = serve_names(&mut threads, 4).await;
        assert_eq!(names, ["connections-0", "connections-1", "connections-0", "connections-1"]);
        threads.stop().await;
    }

    #[tokio::test]
    async fn stop_ends_the_threads_and_the_connections_they_hold() {
        let mut threads = ConnectionThreads::start(1).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        // A connection that would stay open for good, holding a marker while it does.
        let held = Arc::new(());
        let marker = Arc::clone(&held);
        threads
            .spawn(accepted, move |stream| async move {
                let _marker = marker;
                let _stream = stream;
                std::future::pending::<()>().await;
            })
            .unwrap();
        threads.stop().await;
        assert_eq!(Arc::strong_count(&held), 1, "the connection's task was dropped");
        let mut rest = Vec::new();
        assert_eq!(client.read_to_end(&mut rest).await.unwrap(), 0, "the socket was closed");
    }

    #[test]
    fn only_a_scoped_dispatcher_is_passed_on() {
        let subscriber = tracing_subscriber::fmt().finish();
        let _scoped = tracing::subscriber::set_default(subscriber);
        assert!(scoped_dispatcher().is_some());
        let global = std::thread::spawn(scoped_dispatcher).join().unwrap();
        assert!(global.is_none(), "a thread without a scoped dispatcher sees the global one");
    }

    #[tokio::test]
    async fn the_threads_log_through_the_callers_dispatcher() {
        #[derive(Clone, Default)]
        struct Lines(Arc<Mutex<Vec<u8>>>);
        impl io::Write for Lines {
            fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let mut threads = {
            let _scoped = tracing::subscriber::set_default(subscriber);
            ConnectionThreads::start(1).unwrap()
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        threads
            .spawn(accepted, |mut stream| async move {
                tracing::warn!("written on a connection thread");
                stream.write_all(b"done").await.unwrap();
            })
            .unwrap();
        let mut answer = String::new();
        client.read_to_string(&mut answer).await.unwrap();
        threads.stop().await;
        let logged = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains("written on a connection thread"), "{logged:?}");
    }
}
