//! The accept loop: what `axum::serve` does, with the connection settings in our hands.
//!
//! `axum::serve` offers HTTP/2 next to HTTP/1.1 by reading each connection's first bytes
//! before handing them to hyper; hyper then finds its 8 KiB read buffer already holding
//! those bytes and doubles it, so every connection kept 16 KiB of read buffer (measured in
//! docs/performance.md). We serve HTTP/1.1 only,
//! straight from hyper (HTTP/2 and TLS belong to the proxy in front, see the README's
//! deployment section), which also makes each connection's task smaller. Everything else
//! is as before: the client address as `ConnectInfo`, accept errors survived, and on
//! shutdown no new connections while in-flight requests finish. One thing is added: a cap
//! on open connections. At the cap the loop stops accepting, so further clients wait in
//! the kernel's accept queue (and time out there) instead of each costing a task, a
//! descriptor and buffers until the process runs out of memory or descriptors. And the
//! accepted connections are served on connection threads (`threads.rs`), one event loop
//! per core, rather than on tokio's shared pool.

mod threads;

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use futures_util::FutureExt;
use http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::Semaphore;
use tower::Service;

use threads::ConnectionThreads;

/// How connections are served.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// See [`serve`].
    pub header_timeout: Duration,
    /// See [`serve`].
    pub drain_limit: Duration,
    /// Connections open at once; the next one is accepted when one closes.
    pub max_connections: usize,
    /// Threads that serve connections, each on its own event loop (see `threads.rs`);
    /// 0 serves them on the caller's runtime, tokio's shared work-stealing pool.
    pub connection_threads: usize,
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for the open
/// connections to finish their requests (idle ones are closed at once).
///
/// A connection whose client takes longer than `header_timeout` to send a request's
/// headers is closed: counted from the connection's start, then from each answer, so it
/// also bounds how long a kept-alive connection may sit idle. Without it (hyper applies
/// the timeout only when given a timer), a slowloris client trickling one header byte at a
/// time, or simply opening connections and sending nothing, held a task, a descriptor and
/// its buffers for as long as it liked. Cost: hyper boxes and arms a new timer for each
/// request (a small one, measured in docs/performance.md).
///
/// The drain after `shutdown` lasts at most `drain_limit` (the request deadline: no request
/// may legitimately take longer): a connection holding half a request keeps hyper's
/// graceful shutdown waiting for it, and a stop must not wait on a client.
pub async fn serve(listener: TcpListener, router: Router, options: ServeOptions, shutdown: impl Future<Output = ()> + Send + 'static) {
    let ServeOptions {
        header_timeout,
        drain_limit,
        max_connections,
        connection_threads,
    } = options;
    let mut http = hyper::server::conn::http1::Builder::new();
    // Vectored writes stay on (hyper's default for TCP), although each connection then keeps
    // a small write queue for its life: without them hyper copies every body into the
    // connection's write buffer, which keeps the capacity of the largest body it ever sent
    // (the Swagger UI bundle is 1.7 MB) until the connection closes.
    http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let connections = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(max_connections.clamp(1, Semaphore::MAX_PERMITS)));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut at_cap_logged = false;
    let mut threads = match connection_threads {
        0 => None,
        count => match ConnectionThreads::start(count) {
            Ok(threads) => Some(threads),
            Err(error) => {
                tracing::error!(%error, "starting the connection threads failed; serving on the shared runtime");
                None
            }
        },
    };
    loop {
        let slot = match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => {
                at_cap_logged = false;
                slot
            }
            Err(_) => {
                if !at_cap_logged {
                    tracing::warn!(max_connections, "connection cap reached; new clients wait until one closes");
                    at_cap_logged = true;
                }
                tokio::select! {
                    slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore is never closed"),
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    survive_accept_error(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = ConnectionService {
            router: router.clone(),
            remote,
        };
        let done = move |result: Result<(), hyper::Error>| {
            if let Err(error) = result {
                // A client that goes away mid-request is not the server's problem.
                tracing::trace!(%error, "connection ended with an error");
            }
            drop(slot);
        };
        match &mut threads {
            None => {
                let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
                // A combinator rather than an `async` block: an `async` block awaiting a
                // future it captured stores that future twice in its state (the capture
                // and the awaited copy), which doubled the size of every connection's task.
                tokio::spawn(connection.map(done));
            }
            Some(threads) => {
                let (watcher, http) = (connections.watcher(), http.clone());
                let handed = threads.spawn(stream, move |stream| {
                    watcher.watch(http.serve_connection(TokioIo::new(stream), service)).map(done)
                });
                if let Err(error) = handed {
                    tracing::warn!(%error, "handing a connection to its thread failed");
                }
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(drain_limit, connections.shutdown()).await.is_err() {
        tracing::warn!(?drain_limit, "connections still open after the drain limit were dropped");
    }
    if let Some(threads) = threads {
        threads.stop().await;
    }
}

/// Handshakes the kernel completes ahead of `accept` (it caps this at
/// `net.core.somaxconn`, 4096 on current kernels). `TcpListener::bind` asks for 1024: a
/// burst of 10,000 clients opening connections at once overflowed that queue, the kernel
/// dropped the handshakes it could not queue, and those clients waited 1, 3, then 7 s to
/// retry (`TcpExtListenOverflows` in `nstat`; the benchmark's slowest connection took 5.4 s).
const ACCEPT_BACKLOG: u32 = 4096;

/// A listener on `addr` with a deeper accept queue than [`TcpListener::bind`]'s, otherwise
/// the same (address reuse on Unix, so a restart does not wait for old connections).
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(ACCEPT_BACKLOG)
}

/// Connection errors concern one client only; anything else (out of file descriptors,
/// most likely) is logged and waited out for a moment instead of spinning on `accept`.
async fn survive_accept_error(error: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// The router as hyper calls it on one connection, with the peer address for
/// `ConnectInfo<SocketAddr>` (the client IP of throttling and the audit log).
#[derive(Clone)]
struct ConnectionService {
    router: Router,
    remote: SocketAddr,
}

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Response;
    type Error = Infallible;
    /// Boxed: hyper keeps a slot for this future in every connection, allocated for the
    /// connection's life; a pointer there instead of the router's future (which holds the
    /// whole request until first polled) costs one short-lived allocation per request.
    type Future = Pin<Box<RouteFuture<Infallible>>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        request.extensions_mut().insert(ConnectInfo(self.remote));
        // A router is always ready; cloning it is one reference count.
        Box::pin(self.router.clone().call(request))
    }
}
