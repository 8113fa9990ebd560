//! The simulator verifies OCP AccessKey (AK/SK) signatures through its HTTP API as the OCP API
//! reference describes: the signing client is accepted for GETs with several query parameters
//! and POSTs with bodies; a wrong secret, a changed path, query or body, and a date 16 minutes
//! off are refused with OCP's 401 envelope; HTTP Basic keeps working beside it.

use std::sync::Arc;
use std::time::Duration;

use obtui_api::ocp::sign::{self, AccessKey};
use obtui_api::ocp::*;
use obtui_api::secret::Secret;
use obtui_api::ApiError;
use obtui_sim::clock::Clock;
use obtui_sim::{SimHandle, SimOptions};

const AK: &str = "gDCcIqbkJJINjXBn";
const SK: &str = "d75332c5eed8d440a84a35ac6248d397";

async fn sim() -> SimHandle {
    obtui_sim::start(
        "127.0.0.1:0".parse().expect("addr"),
        SimOptions {
            access_key: Some(AccessKey::new(AK, Secret::new(SK))),
            clock: Clock::manual_now(),
            ..SimOptions::default()
        },
    )
    .await
    .expect("simulator starts")
}

fn signing(s: &SimHandle, secret: &str) -> OcpClient {
    let mut cfg = OcpConfig::new(s.url(), "nobody", Secret::default());
    cfg.access_key = Some(AccessKey::new(AK, Secret::new(secret)));
    let clock = s.state.clock().clone();
    // The client reads the same (manual) time as the simulator.
    OcpClient::new(cfg)
        .expect("client")
        .with_clock(Arc::new(move || clock.now_ms()))
}

fn refused(e: &ApiError) -> (u16, Option<String>, String) {
    match e {
        ApiError::Server {
            status,
            code,
            message,
            ..
        } => (*status, code.clone(), message.clone()),
        other => panic!("not a server refusal: {other:?}"),
    }
}

#[tokio::test]
async fn signed_gets_and_posts_are_accepted() {
    let s = sim().await;
    let c = signing(&s, SK);
    let filter = TaskFilter {
        status: vec!["RUNNING".into(), "FAILED".into()],
        name: Some("add zone".into()),
        ..TaskFilter::default()
    };
    c.list_tasks(&PageQuery::new(1, 20).sorted("id,desc"), &filter)
        .await
        .expect("GET with several query parameters");
    let clusters = c
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect("clusters");
    assert!(!clusters.contents.is_empty());
    // A POST with a body: a task operation the simulator refuses on its merits (not a 401).
    let r = c.retry_task(999_999_999).await;
    if let Err(e) = &r {
        assert_ne!(e.status(), Some(401), "{e:?}");
    }
    // HTTP Basic still works beside the access key.
    let basic =
        OcpClient::new(OcpConfig::new(s.url(), "admin", Secret::new("aaAA11__"))).expect("client");
    basic
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect("basic");
    s.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_or_an_old_date_is_refused_with_the_401_envelope() {
    let s = sim().await;
    let e = signing(&s, "not-the-secret")
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect_err("wrong secret");
    let (status, code, message) = refused(&e);
    assert_eq!((status, code.as_deref()), (401, Some("30000")), "{message}");
    assert!(message.contains("signature mismatch"), "{message}");
    // The client's clock 16 minutes behind the server's.
    let clock = s.state.clock().clone();
    let mut cfg = OcpConfig::new(s.url(), "nobody", Secret::default());
    cfg.access_key = Some(AccessKey::new(AK, Secret::new(SK)));
    let late = OcpClient::new(cfg)
        .expect("client")
        .with_clock(Arc::new(move || clock.now_ms() - 16 * 60 * 1000));
    let e = late
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect_err("old date");
    let (status, _, message) = refused(&e);
    assert_eq!(status, 401);
    assert!(message.contains("15 minutes"), "{message}");
    // 14 minutes is within the window.
    let clock = s.state.clock().clone();
    let mut cfg = OcpConfig::new(s.url(), "nobody", Secret::default());
    cfg.access_key = Some(AccessKey::new(AK, Secret::new(SK)));
    let close = OcpClient::new(cfg)
        .expect("client")
        .with_clock(Arc::new(move || clock.now_ms() - 14 * 60 * 1000));
    close
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect("14 minutes off is accepted");
    // A retry after the server's clock moved on is signed afresh and accepted.
    assert!(s.state.advance(Duration::from_secs(30 * 60)));
    signing(&s, SK)
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect("fresh date");
    s.shutdown().await;
}

/// One request signed for `path?query` with `body`, then sent as `send_path?send_query` with
/// `send_body`: the status the simulator answers.
async fn send_tampered(
    s: &SimHandle,
    (method, path, query, body): (&str, &str, &str, &str),
    (send_path, send_query, send_body): (&str, &str, &str),
) -> (u16, String) {
    let url = reqwest::Url::parse(&s.url()).expect("url");
    let host = format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port().unwrap_or(80)
    );
    let date = sign::http_date(s.state.now_ms());
    let q = sign::parse_query(query);
    let parts = sign::SignedParts {
        method,
        body: Some(body.as_bytes()),
        content_type: "application/json",
        date: &date,
        host: &host,
        headers: &[],
        path,
        query: &q,
    };
    let auth = sign::authorization(&AccessKey::new(AK, Secret::new(SK)), &parts);
    let target = if send_query.is_empty() {
        format!("{}{send_path}", s.url())
    } else {
        format!("{}{send_path}?{send_query}", s.url())
    };
    let r = reqwest::Client::new()
        .request(method.parse().expect("method"), target)
        .header("content-type", "application/json")
        .header("date", date)
        .header("authorization", auth)
        .body(send_body.to_string())
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_changed_path_query_or_body_breaks_the_signature() {
    let s = sim().await;
    let get = ("GET", "/api/v2/ob/clusters", "page=1&size=10", "");
    // As signed: accepted.
    let (status, _) = send_tampered(&s, get, ("/api/v2/ob/clusters", "page=1&size=10", "")).await;
    assert_eq!(status, 200);
    // Another path, another query value, an extra parameter.
    for (p, q) in [
        ("/api/v2/compute/hosts", "page=1&size=10"),
        ("/api/v2/ob/clusters", "page=2&size=10"),
        ("/api/v2/ob/clusters", "page=1&size=10&name=x"),
    ] {
        let (status, text) = send_tampered(&s, get, (p, q, "")).await;
        assert_eq!(status, 401, "{p}?{q}: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json envelope");
        assert_eq!(v["successful"], false, "{text}");
        assert_eq!(v["error"]["code"], 30000, "{text}");
    }
    // A body changed after signing.
    let post = ("POST", "/api/v2/tasks/instances/1/retry", "", r#"{"a":1}"#);
    let (status, text) = send_tampered(
        &s,
        post,
        ("/api/v2/tasks/instances/1/retry", "", r#"{"a":2}"#),
    )
    .await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("signature mismatch"), "{text}");
    // Parameters in another order are the same request.
    let (status, _) = send_tampered(&s, get, ("/api/v2/ob/clusters", "size=10&page=1", "")).await;
    assert_eq!(status, 200);
    s.shutdown().await;
}
