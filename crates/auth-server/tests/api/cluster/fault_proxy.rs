//! A TCP proxy the fault tests put between a server and PostgreSQL: `cut()` closes every
//! connection and refuses new ones (the database "goes away" for this server only,
//! without touching the shared PostgreSQL), `restore()` lets connections through again;
//! [`upstream`] and [`through`] build the addresses for a test database.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

use crate::helpers::DataDir;

struct Shared {
    up: AtomicBool,
    connections: Mutex<Vec<AbortHandle>>,
}

/// A running proxy to one upstream address.
pub struct Proxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free local port and forwards to `upstream`.
    pub async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy port");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            up: AtomicBool::new(true),
            connections: Mutex::new(Vec::new()),
        });
        let state = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !state.up.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                state.connections.lock().unwrap().push(task.abort_handle());
            }
        });
        Proxy { addr, shared, accept }
    }

    /// Closes every open connection and refuses new ones.
    pub fn cut(&self) {
        self.shared.up.store(false, Ordering::SeqCst);
        for connection in self.shared.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.shared.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// `host:port` of the test database of `dir`.
pub fn upstream(dir: &DataDir) -> String {
    crate::backend::Backend::require(crate::backend::Backend::PostgresRedis);
    let url = dir.database_url().expect("a PostgreSQL test database");
    let (_, authority, _) = split(&url);
    authority.rsplit_once('@').map_or(authority, |(_, host)| host).to_string()
}

/// The database URL of `dir` with `proxy` in place of the server.
pub fn through(dir: &DataDir, proxy: &Proxy) -> String {
    let url = dir.database_url().expect("a PostgreSQL test database");
    let (scheme, authority, path) = split(&url);
    let at = authority
        .rsplit_once('@')
        .map_or(String::new(), |(credentials, _)| format!("{credentials}@"));
    format!("{scheme}://{at}{}/{path}", proxy.addr)
}

/// Scheme, authority and path (without its `/`) of a URL.
fn split(url: &str) -> (&str, &str, &str) {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (authority, path) = rest.split_once('/').expect("a URL with a database path");
    (scheme, authority, path)
}
