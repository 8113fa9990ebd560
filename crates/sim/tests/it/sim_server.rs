//! The simulator's HTTP server itself: request timeouts, authentication before routing, and
//! bind errors that name the address.

use std::time::{Duration, Instant};

use obtui_sim::serve::Limits;
use obtui_sim::{self as sim, SimOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest a test waits for the server to close a stalled connection; the configured
/// timeouts are far shorter, the default ones far longer.
const DEADLINE: Duration = Duration::from_secs(5);

async fn short_limits() -> sim::SimHandle {
    let limits = Limits {
        header: Duration::from_millis(300),
        body: Duration::from_millis(300),
    };
    sim::start_with(
        "127.0.0.1:0".parse().unwrap(),
        SimOptions::default(),
        limits,
    )
    .await
    .unwrap()
}

/// Send `bytes` and read until the server closes the connection; returns what it sent and
/// how long that took. Panics when it is still open after [`DEADLINE`].
async fn send_and_wait_for_close(addr: std::net::SocketAddr, bytes: &[u8]) -> (String, Duration) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes).await.unwrap();
    let t0 = Instant::now();
    let mut got = Vec::new();
    let read = tokio::time::timeout(DEADLINE, async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the connection is still open after {DEADLINE:?}; got {:?}",
        String::from_utf8_lossy(&got)
    );
    (String::from_utf8_lossy(&got).into_owned(), t0.elapsed())
}

#[tokio::test]
async fn a_half_sent_request_head_is_closed_after_the_header_timeout() {
    let h = short_limits().await;
    let (_, took) =
        send_and_wait_for_close(h.addr, b"GET /api/v2/time HTTP/1.1\r\nHost: x\r\n").await;
    assert!(took < DEADLINE, "{took:?}");
    // A complete request on a new connection is still served.
    let r = reqwest::get(format!("{}/api/v2/time", h.url()))
        .await
        .unwrap();
    assert!(r.status().is_success());
    h.shutdown().await;
}

#[tokio::test]
async fn a_stalled_request_body_is_cut_after_the_body_timeout() {
    let h = short_limits().await;
    let head = "POST /sim/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Content-Length: 100\r\n\r\n{\"drop_";
    let (answer, took) = send_and_wait_for_close(h.addr, head.as_bytes()).await;
    assert!(took < DEADLINE, "{took:?}");
    // No fault was set from a body that never arrived.
    assert!(!answer.starts_with("HTTP/1.1 200"), "{answer}");
    h.shutdown().await;
}

#[tokio::test]
async fn a_wrong_method_on_a_protected_path_asks_for_credentials_first() {
    let h = sim::start("127.0.0.1:0".parse().unwrap(), SimOptions::default())
        .await
        .unwrap();
    let c = reqwest::Client::new();
    let url = format!("{}/api/v2/ob/clusters", h.url());
    let r = c.delete(&url).send().await.unwrap();
    assert_eq!(r.status(), 401, "{:?}", r.text().await);
    let r = c
        .delete(&url)
        .basic_auth("admin", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // With credentials, the method is what is wrong.
    let r = c
        .delete(&url)
        .basic_auth("admin", Some("aaAA11__"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // The public probe stays public.
    let r = c
        .delete(format!("{}/api/v2/time", h.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    h.shutdown().await;
}

#[tokio::test]
async fn a_port_in_use_is_an_error_naming_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let err = match sim::start(addr, SimOptions::default()).await {
        Ok(_) => panic!("started on a port in use"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains(&addr.to_string()), "{err}");
    assert!(err.to_lowercase().contains("in use"), "{err}");
}
