//! The client signing with an AccessKey, against a loopback server that records what arrives:
//! each request carries `Date` and an `Authorization` that the documented rules recompute from
//! the request as received, never the password; a later send is signed again with its own date.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::sign::{self, AccessKey};
use super::*;
use crate::secret::Secret;

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The signature the server computes from the request as received.
    fn expected_authorization(&self, key: &AccessKey) -> String {
        let query = sign::parse_query(&self.query);
        let parts = sign::SignedParts {
            method: &self.method,
            body: Some(&self.body),
            content_type: self.header("content-type").unwrap_or(""),
            date: self.header("date").unwrap_or(""),
            host: self.header("host").unwrap_or(""),
            headers: &self.headers,
            path: &self.path,
            query: &query,
        };
        sign::authorization(key, &parts)
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

async fn record(State(log): State<Log>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        body: body.to_vec(),
    };
    if let Ok(mut v) = log.lock() {
        v.push(seen);
    }
    (
        [("content-type", "application/json")],
        r#"{"successful":true,"data":{"contents":[],"page":{"number":1,"size":10,"totalElements":0,"totalPages":1}}}"#,
    )
        .into_response()
}

fn key() -> AccessKey {
    AccessKey::new(
        "cqammmxBpfGjFlto",
        Secret::new("2fc0c299cc94c6be266f2ceece765d4d"),
    )
}

async fn signing_client() -> (OcpClient, Log, Arc<AtomicI64>) {
    let log: Log = Arc::default();
    let app = Router::new().fallback(record).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mut cfg = OcpConfig::new(
        format!("http://{addr}"),
        "admin",
        Secret::new("pw-not-sent"),
    );
    cfg.access_key = Some(key());
    let now = Arc::new(AtomicI64::new(1_673_926_437_000));
    let clock = now.clone();
    let c = OcpClient::new(cfg)
        .expect("client")
        .with_clock(Arc::new(move || clock.load(Ordering::SeqCst)));
    (c, log, now)
}

fn take(log: &Log) -> Vec<Seen> {
    log.lock().map(|v| v.clone()).unwrap_or_default()
}

#[tokio::test]
async fn every_request_is_signed_as_sent_and_never_carries_the_password() {
    let (c, log, _) = signing_client().await;
    assert_eq!(c.access_key_id(), Some("cqammmxBpfGjFlto"));
    // A GET with several query parameters, one of them a list and one with spaces.
    let filter = TaskFilter {
        name: Some("add zone: z1".into()),
        status: vec!["RUNNING".into(), "FAILED".into()],
        cluster_id: Some(7),
        ..TaskFilter::default()
    };
    c.list_tasks(&PageQuery::new(2, 50).sorted("id,desc"), &filter)
        .await
        .expect("list");
    // A POST with a body.
    c.retry_task(42).await.ok();
    let v = take(&log);
    assert_eq!(v.len(), 2);
    for s in &v {
        let auth = s.header("authorization").expect("authorization");
        assert!(
            auth.starts_with("OCP-ACCESS-KEY-HMACSHA1 cqammmxBpfGjFlto:"),
            "{auth}"
        );
        assert_eq!(
            auth,
            s.expected_authorization(&key()),
            "{} {}",
            s.method,
            s.path
        );
        assert_eq!(s.header("date"), Some("Tue, 17 Jan 2023 03:33:57 GMT"));
        assert!(!auth.contains("Basic"));
        assert!(s.headers.iter().all(|(_, v)| !v.contains("pw-not-sent")));
    }
    assert!(
        v[0].query.contains("status=") && v[0].query.contains("page=2"),
        "{}",
        v[0].query
    );
    assert_eq!(v[1].method, "POST");
    assert!(!v[1].body.is_empty());
    // Changing what was signed breaks the signature.
    let mut tampered = v[0].clone();
    tampered.query = tampered.query.replace("page=2", "page=3");
    assert_ne!(
        tampered.expected_authorization(&key()),
        v[0].header("authorization").unwrap_or("").to_string()
    );
}

#[tokio::test]
async fn a_later_send_of_the_same_request_gets_a_fresh_date_and_signature() {
    let (c, log, now) = signing_client().await;
    c.retry_task(42).await.ok();
    // The retry goes out twenty minutes later: a reused Date would be refused by OCP.
    now.fetch_add(20 * 60 * 1000, Ordering::SeqCst);
    c.retry_task(42).await.ok();
    let v = take(&log);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].header("date"), Some("Tue, 17 Jan 2023 03:33:57 GMT"));
    assert_eq!(v[1].header("date"), Some("Tue, 17 Jan 2023 03:53:57 GMT"));
    assert_ne!(v[0].header("authorization"), v[1].header("authorization"));
    assert_eq!(
        v[1].header("authorization").unwrap_or(""),
        v[1].expected_authorization(&key())
    );
}

#[tokio::test]
async fn the_unauthenticated_probes_are_not_signed() {
    let (c, log, _) = signing_client().await;
    c.time().await.ok();
    let v = take(&log);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].header("authorization"), None);
}
