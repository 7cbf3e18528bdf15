//! Graceful shutdown: a request in flight when the shutdown is triggered still gets its
//! answer, while new connections are refused.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::sync::Notify;

use crate::helpers::{client, serve_routes, settings};

#[tokio::test]
async fn an_in_flight_request_completes_after_shutdown_is_triggered() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), |_| {});
    let started = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let slow = {
        let (started, release) = (started.clone(), release.clone());
        move || async move {
            started.notify_one();
            release.notified().await;
            "finished"
        }
    };
    let (addr, stop, server) = serve_routes(Router::new().route("/slow", get(slow)), &settings).await;

    let in_flight = tokio::spawn(client().get(format!("http://{addr}/slow")).send());
    started.notified().await;
    stop.send(()).unwrap();

    // Wait (bounded) until the server has stopped accepting: shutdown is under way while
    // the slow request is still being handled.
    tokio::time::timeout(Duration::from_secs(10), async {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the listener closes after the shutdown signal");
    assert!(!server.is_finished(), "the server waits for the in-flight request");

    release.notify_one();
    let response = in_flight.await.unwrap().expect("the in-flight request is answered");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finished");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once the request is done")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn half_a_request_does_not_hold_up_the_shutdown() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), |a| {
        a.request_timeout = Duration::from_secs(1);
        a.header_timeout = Duration::from_secs(3600);
    });
    let (addr, stop, server) = serve_routes(Router::new().route("/", get(|| async { "ok" })), &settings).await;
    // Headers begun, never finished: hyper's graceful shutdown waits for such a connection.
    let mut half = tokio::net::TcpStream::connect(addr).await.unwrap();
    half.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Le").await.unwrap();
    // The server has the connection once a complete request on another one is answered.
    assert_eq!(client().get(format!("http://{addr}/")).send().await.unwrap().status(), 200);
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the drain is bounded by the request deadline, not the client")
        .unwrap()
        .unwrap();
    drop(half);
}
