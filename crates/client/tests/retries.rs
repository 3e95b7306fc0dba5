//! Which calls are tried again: a canned server answers 503 a given number of times.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sessiondesk_client::protocol::ActionRequest;
use sessiondesk_client::{server_url, Client, Options};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers `failures` requests with 503, then `{"status":"ok"}`-like bodies; counts them.
async fn canned(failures: usize, body: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = vec![0u8; 65536];
            let _ = sock.read(&mut buf).await;
            let answer = if n < failures {
                "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    .to_string()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = sock.write_all(answer.as_bytes()).await;
        }
    });
    (url, count)
}

fn fast() -> Options {
    Options {
        backoff: Duration::from_millis(5),
        ..Options::default()
    }
}

#[tokio::test]
async fn reads_are_tried_again_after_a_503() {
    let (url, count) = canned(2, r#"{"status":"ok"}"#).await;
    let c = Client::new(&url, fast()).unwrap();
    assert_eq!(c.health().await.unwrap()["status"], "ok");
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn reads_give_up_after_the_last_try() {
    let (url, count) = canned(10, "{}").await;
    let c = Client::new(&url, fast()).unwrap();
    let err = c.health().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.code(), "http_503");
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

const RECEIPT: &str =
    r#"{"action":"session.ended","ended":1,"receipts":[],"reason":null,"ticket":null}"#;

#[tokio::test]
async fn a_write_without_a_key_is_sent_once() {
    let (url, count) = canned(1, RECEIPT).await;
    let c = Client::new(&url, fast()).unwrap();
    let err = c
        .revoke_session("ses_x", &ActionRequest::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_write_with_a_key_is_tried_again() {
    let (url, count) = canned(1, RECEIPT).await;
    let c = Client::new(&url, fast()).unwrap();
    let receipt = c
        .revoke_session("ses_x", &ActionRequest::default(), Some("k"))
        .await
        .unwrap();
    assert_eq!(receipt.ended, 1);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[test]
fn server_urls_must_be_https_except_to_this_machine() {
    assert_eq!(
        server_url("https://auth.example.com").unwrap().as_str(),
        "https://auth.example.com/"
    );
    assert_eq!(
        server_url(" https://example.com/sessiondesk ")
            .unwrap()
            .as_str(),
        "https://example.com/sessiondesk/"
    );
    for ok in [
        "http://127.0.0.1:8710",
        "http://localhost:1",
        "http://[::1]:80",
    ] {
        assert!(server_url(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://auth.example.com",
        "http://10.0.0.1",
        "ftp://example.com",
        "example.com",
        "https://example.com/?a=1",
        "",
    ] {
        let err = server_url(bad).unwrap_err();
        assert_eq!(err.code(), "invalid_url", "{bad}");
    }
}
