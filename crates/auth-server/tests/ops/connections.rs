//! The accept loop (`server/`), spoken to over raw TCP: HTTP/1.1 keep-alive answers
//! pipelined requests in order on the connection threads and on the shared runtime, connections beyond `--max-connections` wait for a free slot, a client that opens with the HTTP/2 preface gets a
//! closed connection instead of a hang, and clients too slow to send their headers (on a
//! connection's first request or a later one, or idle after an answer) are disconnected
//! after the header timeout.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestServer, spawn, spawn_with};

/// Writes `bytes` on a new connection and reads until the server closes it.
async fn exchange(server: &TestServer, bytes: &[u8]) -> String {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn pipelined_requests_on_one_connection_are_answered_in_order() {
    let server = spawn().await;
    let answer = exchange(
        &server,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /no-such-route HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(
        statuses(&answer),
        ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"],
        "{answer}"
    );
    server.stop().await;
}

/// Connections are served on connection threads (one per core by default) or, with
/// `--connection-threads 0`, on the shared runtime: either way, with more connections
/// than threads at once, every connection gets its pipelined answers in order.
#[tokio::test]
async fn every_way_of_serving_connections_answers_many_at_once() {
    for threads in [Some(0), Some(1), Some(3), None] {
        let server = spawn_with(|settings| settings.connection_threads = threads).await;
        let answers = futures_util::future::join_all((0..8).map(|_| {
            exchange(
                &server,
                b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n\
                  GET /no-such-route HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            )
        }))
        .await;
        for answer in &answers {
            assert_eq!(
                statuses(answer),
                ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found"],
                "--connection-threads {threads:?}: {answer}"
            );
        }
        server.stop().await;
    }
}

/// The status lines of every answer on a connection, in order.
fn statuses(answer: &str) -> Vec<&str> {
    // A status line follows the previous body directly (no newline after a body).
    answer
        .match_indices("HTTP/1.1 ")
        .map(|(at, _)| answer[at..].lines().next().unwrap())
        .collect()
}

/// hyper's buffers start at 1 KiB here (vendor/README.md), so a request head of many
/// kilobytes makes the read buffer grow over several reads, and the answers after it on
/// the same connection must come out whole and in order.
#[tokio::test]
async fn a_request_head_many_times_the_first_buffer_is_served_and_the_connection_goes_on() {
    let server = spawn().await;
    let padding = "p".repeat(24 * 1024);
    let mut requests = format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: {padding}\r\n\r\n").into_bytes();
    requests.extend_from_slice(b"GET /no-such-route HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.extend_from_slice(format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: {padding}\r\nConnection: close\r\n\r\n").as_bytes());
    let answer = exchange(&server, &requests).await;
    assert_eq!(
        statuses(&answer),
        ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"],
        "{answer}"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_http2_prior_knowledge_client_is_disconnected_not_left_waiting() {
    let server = spawn().await;
    let answer = exchange(&server, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
    assert_eq!(answer, "", "hyper closes the connection without an HTTP/1.1 answer");
    // The server still serves HTTP/1.1 afterwards.
    let health = server.client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let server = spawn_with(|args| args.header_timeout = Duration::from_secs(1)).await;
    let started = std::time::Instant::now();
    // No blank line: the header section never ends (slowloris).
    let answer = exchange(&server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n").await;
    assert_eq!(answer, "", "closed without an answer");
    assert!(started.elapsed() >= Duration::from_millis(900), "closed before the timeout");
    server.stop().await;
}

#[tokio::test]
async fn a_kept_alive_connection_is_closed_once_idle_for_the_header_timeout() {
    let server = spawn_with(|args| args.header_timeout = Duration::from_secs(1)).await;
    // HTTP/1.1 keeps the connection open after the answer; the client then says nothing.
    let answer = exchange(&server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    server.stop().await;
}

#[tokio::test]
async fn a_slow_second_request_head_on_a_kept_alive_connection_is_disconnected() {
    // hyper keeps one header-read timer per connection and resets it for every request
    // head after the first (vendor/README.md): the reset timer must still fire.
    let server = spawn_with(|args| args.header_timeout = Duration::from_secs(1)).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    assert!(health_on(&mut stream).await.starts_with("HTTP/1.1 200"));
    let started = std::time::Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest))
        .await
        .expect("the server closes the connection")
        .unwrap();
    assert!(rest.is_empty(), "closed without an answer: {}", String::from_utf8_lossy(&rest));
    assert!(started.elapsed() >= Duration::from_millis(900), "closed before the timeout");
    server.stop().await;
}

/// Sends one keep-alive request on `stream` and reads its whole (small) answer.
async fn health_on(stream: &mut TcpStream) -> String {
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buffer = vec![0_u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
        .await
        .expect("an answer")
        .unwrap();
    String::from_utf8_lossy(&buffer[..read]).into_owned()
}

#[tokio::test]
async fn a_connection_beyond_the_cap_waits_until_one_closes() {
    let server = spawn_with(|settings| settings.max_connections = 1).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut first = TcpStream::connect(&addr).await.unwrap();
    assert!(health_on(&mut first).await.starts_with("HTTP/1.1 200"));

    // The kernel completes the second handshake, but the server does not take the
    // connection while the first holds the only slot: its request stays unanswered.
    let mut second = TcpStream::connect(&addr).await.unwrap();
    second.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buffer = vec![0_u8; 4096];
    let early = tokio::time::timeout(Duration::from_millis(500), second.read(&mut buffer)).await;
    assert!(early.is_err(), "answered while the cap was reached: {early:?}");
    // The first connection is still served.
    assert!(health_on(&mut first).await.starts_with("HTTP/1.1 200"));

    drop(first);
    let read = tokio::time::timeout(Duration::from_secs(10), second.read(&mut buffer))
        .await
        .expect("answered once the first connection closed")
        .unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    server.stop().await;
}
