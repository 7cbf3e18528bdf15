//! Graceful shutdown: a request in flight when the shutdown is triggered still gets its
//! answer, while new connections are refused.

use std::sync::Arc;
use std::time::Duration;

use auth_server::startup;
use axum::Router;
use axum::routing::get;
use tokio::sync::{Notify, oneshot};

use crate::helpers::{client, settings};

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
    let router = startup::with_middleware(Router::new().route("/slow", get(slow)), &settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(startup::run(listener, router, settings.header_timeout, async {
        let _ = stopped.await;
    }));

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
