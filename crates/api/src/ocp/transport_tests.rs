//! The client against a scripted HTTP server on loopback: headers, query strings, paths, body
//! caps, rate limits, timeouts and the cluster-detail fallback.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::error::TransportKind;
use crate::secret::Secret;
use crate::ApiError;

use super::*;

#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Bytes,
}

type Responder = Arc<dyn Fn(&Seen) -> Response + Send + Sync>;

#[derive(Clone)]
struct Script {
    respond: Responder,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn handle(State(s): State<Script>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let seen = Seen {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts.headers,
        body,
    };
    let resp = (s.respond)(&seen);
    if let Ok(mut v) = s.seen.lock() {
        v.push(seen);
    }
    resp
}

/// Start a server answering with `respond`; returns a client for it and the request log.
async fn scripted(
    respond: impl Fn(&Seen) -> Response + Send + Sync + 'static,
) -> (OcpClient, Arc<Mutex<Vec<Seen>>>) {
    let script = Script {
        respond: Arc::new(respond),
        seen: Arc::new(Mutex::new(Vec::new())),
    };
    let seen = script.seen.clone();
    let app = Router::new().fallback(handle).with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mut cfg = OcpConfig::new(format!("http://{addr}"), "admin", Secret::new("aaAA11__"));
    cfg.request_timeout = Duration::from_secs(5);
    (OcpClient::new(cfg).expect("client"), seen)
}

fn json(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn ok(data: &str) -> Response {
    json(
        200,
        &format!(r#"{{"data":{data},"successful":true,"status":200,"traceId":"t","server":"s"}}"#),
    )
}

fn log(seen: &Arc<Mutex<Vec<Seen>>>) -> Vec<Seen> {
    seen.lock().map(|v| v.clone()).unwrap_or_default()
}

#[tokio::test]
async fn every_request_carries_basic_auth_and_the_documented_headers() {
    let (c, seen) = scripted(|s| {
        if s.path == "/api/v2/time" {
            "2020-11-11T15:46:27.316+08:00".into_response()
        } else {
            ok(r#"{"contents":[],"page":{"number":1,"size":10,"totalElements":0,"totalPages":0}}"#)
        }
    })
    .await;
    let p = c
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect("list");
    assert!(p.contents.is_empty());
    assert_eq!(
        c.time().await.expect("time"),
        "2020-11-11T15:46:27.316+08:00"
    );
    let v = log(&seen);
    assert_eq!(v.len(), 2);
    let h = &v[0].headers;
    // base64("admin:aaAA11__")
    assert_eq!(
        h.get("authorization").and_then(|v| v.to_str().ok()),
        Some("Basic YWRtaW46YWFBQTExX18=")
    );
    assert_eq!(
        h.get("accept-language").and_then(|v| v.to_str().ok()),
        Some("en-US")
    );
    assert_eq!(
        h.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let ua = h
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(ua.starts_with("obtui/"), "{ua}");
    assert_eq!(
        h.get("accept").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    // The time probe is documented as unauthenticated, and answers text.
    assert!(v[1].headers.get("authorization").is_none());
    let accept = v[1]
        .headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(accept.starts_with("text/plain"), "{accept}");
}

#[tokio::test]
async fn list_filters_go_into_the_query_string() {
    let (c, seen) = scripted(|_| ok(r#"{"contents":null}"#)).await;
    let f = TaskFilter {
        status: vec!["RUNNING".into(), "FAILED".into()],
        cluster_name: Some("terran".into()),
        cluster_id: Some(22),
        ..TaskFilter::default()
    };
    let p = c
        .list_tasks(&PageQuery::new(2, 50).sorted("id,desc"), &f)
        .await
        .expect("tasks");
    assert!(p.contents.is_empty() && p.page.is_none());
    let v = log(&seen);
    assert_eq!(v[0].path, "/api/v2/tasks/instances");
    let q = &v[0].query;
    for part in [
        "page=2",
        "size=50",
        "sort=id%2Cdesc",
        "status=RUNNING%2CFAILED",
        "clusterId=22",
        "clusterName=terran",
        "cluterName=terran",
    ] {
        assert!(q.split('&').any(|p| p == part), "{part} not in {q}");
    }
    c.list_host_credentials(&PageQuery::default())
        .await
        .expect("creds");
    let v = log(&seen);
    assert_eq!(v[1].path, "/api/v2/profiles/me/credentials");
    assert!(v[1].query.contains("targetType=HOST"), "{}", v[1].query);
}

#[tokio::test]
async fn writes_post_typed_json_with_the_secret_in_plain_text() {
    let task = r#"{"id":13089035,"name":"Take over primary OB cluster","status":"RUNNING","clusterId":5000034,"creator":"admin","subtasks":[]}"#;
    let (c, seen) = scripted(move |_| ok(task)).await;
    let body = TakeoverRequest {
        root_sys_password: Secret::new("r00t!"),
        address: "10.0.0.1".into(),
        port: 2881,
        ..TakeoverRequest::default()
    };
    let t = c.takeover(&body).await.expect("takeover");
    assert_eq!(t.id, 13089035);
    assert_eq!(t.cluster_id(), Some(5000034));
    c.retry_task(7).await.expect("retry");
    c.skip_subtask(7, 8).await.expect("skip (data ignored)");
    let v = log(&seen);
    assert_eq!(v[0].method, Method::POST);
    assert_eq!(v[0].path, "/api/v2/ob/clusters/takeOver");
    let sent: serde_json::Value = serde_json::from_slice(&v[0].body).expect("json body");
    assert_eq!(sent["rootSysPassword"], "r00t!");
    assert_eq!(sent["port"], 2881);
    assert_eq!(v[1].path, "/api/v2/tasks/instances/7/retry");
    assert_eq!(v[2].path, "/api/v2/tasks/instances/7/subtasks/8/skip");
}

#[tokio::test]
async fn rate_limit_reset_fills_retry_after() {
    let (c, _) = scripted(|_| {
        let mut r = json(
            429,
            r#"{"error":{"code":0,"message":"Excessive number of requests."},"successful":false,"status":429,"traceId":""}"#,
        );
        r.headers_mut().insert(
            "RateLimit-Reset",
            axum::http::HeaderValue::from_static("30"),
        );
        r
    })
    .await;
    match c.get_task(1).await {
        Err(ApiError::Server {
            status,
            retry_after_secs,
            ..
        }) => {
            assert_eq!(status, 429);
            assert_eq!(retry_after_secs, Some(30));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_or_without_content_length() {
    let (c, _) = scripted(|s| {
        if s.path.ends_with("/1") {
            // Known length.
            json(200, &"x".repeat(300_000))
        } else {
            // Streamed, no length.
            let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'{'; 16_384])));
            Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
        }
    })
    .await;
    let c = c.with_max_body(100_000);
    for id in [1, 2] {
        match c.get_task(id).await {
            Err(ApiError::Decode { status, detail, .. }) => {
                assert_eq!(status, 200);
                assert!(detail.contains("body too large"), "{detail}");
            }
            other => panic!("task {id}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn proxy_html_and_wrong_password_are_typed_errors() {
    let (c, _) = scripted(|s| {
        if s.path.starts_with("/api/v2/compute") {
            (
                StatusCode::BAD_GATEWAY,
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            )
                .into_response()
        } else {
            json(
                401,
                r#"{"timestamp":"2024-01-01T00:00:00Z","status":401,"error":"Unauthorized","path":"/api/v2/ob/clusters"}"#,
            )
        }
    })
    .await;
    match c.get_host(1).await {
        Err(ApiError::Decode {
            status, snippet, ..
        }) => {
            assert_eq!(status, 502);
            assert!(snippet.contains("502 Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    let e = c.get_cluster(1).await.expect_err("401");
    assert!(e.is_unauthorized(), "{e:?}");
}

#[tokio::test]
async fn cluster_detail_falls_back_to_the_list_on_404() {
    let (c, seen) = scripted(|s| {
        if s.path == "/api/v2/ob/clusters" {
            ok(
                r#"{"contents":[{"id":7,"name":"terran","status":"RUNNING"},{"id":9,"name":"zerg","status":"TAKINGOVER"}],"page":{"number":1,"size":2000,"totalElements":2,"totalPages":1}}"#,
            )
        } else {
            json(
                404,
                r#"{"error":{"code":10002,"message":"Resource not found"},"successful":false,"status":404}"#,
            )
        }
    })
    .await;
    let cl = c.get_cluster(9).await.expect("fallback");
    assert_eq!(cl.name, "zerg");
    assert_eq!(cl.status, ClusterStatus::TakingOver);
    match c.get_cluster(8).await {
        Err(ApiError::Server {
            status, message, ..
        }) => {
            assert_eq!(status, 404);
            assert!(message.contains("cluster 8"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let v = log(&seen);
    assert_eq!(v[0].path, "/api/v2/ob/clusters/9");
    assert_eq!(v[1].path, "/api/v2/ob/clusters");
    assert!(v[1].query.contains("size=2000"), "{}", v[1].query);
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_transport_errors() {
    let (c, _) = scripted(|_| ok("{}")).await;
    // A server that accepts but never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = silent.local_addr().expect("addr");
    let keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            held.push(sock);
        }
    });
    let mut cfg = OcpConfig::new(format!("http://{addr}"), "a", Secret::new("b"));
    cfg.request_timeout = Duration::from_millis(300);
    let slow = OcpClient::new(cfg).expect("client");
    match slow.get_task(1).await {
        Err(e @ ApiError::Transport { .. }) => {
            assert!(matches!(
                e,
                ApiError::Transport {
                    kind: TransportKind::Timeout,
                    ..
                }
            ));
            assert!(e.outcome_unknown());
        }
        other => panic!("{other:?}"),
    }
    keep.abort();
    // Nothing listens on a port just released.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let gone = OcpClient::new(OcpConfig::new(
        format!("http://127.0.0.1:{port}"),
        "a",
        Secret::new("b"),
    ))
    .expect("client");
    match gone.info().await {
        Err(ApiError::Transport { kind, .. }) => assert_eq!(kind, TransportKind::Connect),
        other => panic!("{other:?}"),
    }
    // The working client is unaffected.
    assert!(c.info().await.is_ok());
}

/// A server that reads each request and, for the first `hang_ups`, closes the connection
/// without a word; then answers `{}`. Counts the requests it read.
async fn hangs_up_first(
    hang_ups: usize,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    let seen = std::sync::Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = l.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut got = Vec::new();
                // Read the head, and the body its Content-Length announces.
                loop {
                    let Ok(n) = sock.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let len = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if got.len() >= end + 4 + len {
                        break;
                    }
                }
                if count.fetch_add(1, Ordering::SeqCst) < hang_ups {
                    return; // dropped: the connection closes with no answer
                }
                let body = r#"{"data":{},"successful":true}"#;
                let _ = sock
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_read_whose_connection_breaks_goes_once_more_a_write_never() {
    use std::sync::atomic::Ordering;
    // A GET: the first connection is hung up on, the second try is answered.
    let (url, seen) = hangs_up_first(1).await;
    let c = OcpClient::new(OcpConfig::new(url, "a", Secret::new("b"))).expect("client");
    assert!(c.info().await.is_ok());
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    // Two hang-ups in a row: the read fails, after exactly two tries.
    let (url, seen) = hangs_up_first(2).await;
    let c = OcpClient::new(OcpConfig::new(url, "a", Secret::new("b"))).expect("client");
    match c.info().await {
        Err(ApiError::Transport { kind, .. }) => assert_eq!(kind, TransportKind::Reset),
        other => panic!("{other:?}"),
    }
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    // A write whose answer is lost is sent once: its outcome is unknown, never re-sent.
    let (url, seen) = hangs_up_first(1).await;
    let c = OcpClient::new(OcpConfig::new(url, "a", Secret::new("b"))).expect("client");
    let e = c.retry_task(7).await.expect_err("no answer");
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}
