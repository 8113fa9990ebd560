//! Fuzzing the simulator's request decoding over loopback: arbitrary methods, paths, queries,
//! auth headers and bodies on the OCP side, and on the obshell side every way an `X-OCS-Header`
//! and an encrypted body can be wrong (missing, not base64, random ciphertext, truncated, another
//! URI, expired, a wrong password, replayed, a body that does not decrypt). Every answer is JSON
//! with a status below 500, and the simulator keeps serving. (`sim_api.rs` already throws
//! random JSON bodies at the OCP write endpoints; this covers the rest of the request.)
//!
//! `tests/corpus/sim_requests/` holds requests replayed first: line one `METHOD PATH`, then
//! `Header: value` lines, a blank line, and the body.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use obtui_api::obshell::crypto::{self, AesKeys, AuthHeader, HEADER};
use obtui_api::secret::Secret;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::path::Path;

const PASS: &str = "aaAA11__";

async fn sim() -> obtui_sim::SimHandle {
    obtui_sim::start(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        obtui_sim::SimOptions {
            speed: 50.0,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// Send one request; the answer must be JSON below 500. Returns the status.
async fn check(
    c: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> StatusCode {
    let mut rb = c.request(method.clone(), format!("{base}{path}"));
    for (k, v) in headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    let what = format!("{method} {path} {headers:?} {} body bytes", body.len());
    let r = match rb.body(body).send().await {
        Ok(r) => r,
        // reqwest refuses some header values or URLs before sending: not the server's doing.
        Err(e) if e.is_builder() => return StatusCode::BAD_REQUEST,
        Err(e) => panic!("{what}: {e}"),
    };
    let st = r.status();
    assert!(st.as_u16() < 500, "{what} → {st}");
    let bytes = r.bytes().await.unwrap();
    if method != Method::HEAD && !bytes.is_empty() {
        serde_json::from_slice::<Value>(&bytes).unwrap_or_else(|e| {
            panic!(
                "{what} → {st}: not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            )
        });
    } else if method != Method::HEAD {
        assert!(st.is_success(), "{what} → {st} with an empty body");
    }
    st
}

fn basic(user: &str, pass: &str) -> (String, String) {
    (
        "Authorization".into(),
        format!("Basic {}", B64.encode(format!("{user}:{pass}"))),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_requests_replay() {
    let s = sim().await;
    let c = reqwest::Client::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/sim_requests");
    let mut n = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        let raw = std::fs::read(&p).unwrap();
        let split = raw
            .windows(2)
            .position(|w| w == b"\n\n")
            .unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let body = raw.get(split + 2..).unwrap_or_default().to_vec();
        let mut lines = head.lines();
        let first = lines.next().unwrap();
        let (m, path) = first.split_once(' ').unwrap();
        let mut headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !headers.iter().any(|(k, _)| k == "Authorization") {
            headers.push(basic("admin", PASS));
        }
        let method = Method::from_bytes(m.as_bytes()).unwrap();
        check(&c, &s.url(), method, path, &headers, body).await;
        n += 1;
    }
    assert!(n >= 10, "{n} corpus requests");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ocp_side_arbitrary_requests() {
    let s = sim().await;
    let c = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(0x0c9);
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
        Method::OPTIONS,
        Method::from_bytes(b"BREW").unwrap(),
    ];
    let templates = [
        "/api/v2/ob/clusters/{}",
        "/api/v2/ob/clusters/{}/zones",
        "/api/v2/ob/clusters/{}/servers",
        "/api/v2/ob/clusters/{}/tenants/{}",
        "/api/v2/ob/clusters/{}/upgrade",
        "/api/v2/compute/hosts/{}",
        "/api/v2/obproxy/clusters/{}",
        "/api/v2/obproxy/clusters/{}/takeOver",
        "/api/v2/tasks/instances/{}",
        "/api/v2/tasks/instances/{}/retry",
        "/api/v2/tasks/instances/{}/subtasks/{}",
        "/api/v2/tasks/instances/{}/subtasks/{}/log",
        "/api/v2/tasks/instances/{}/subtasks/{}/skip",
        "/api/v2/{}",
        "/api/{}",
        "/{}",
        "/sim/{}",
    ];
    let ids = [
        "1",
        "0",
        "-1",
        "1001",
        "9223372036854775807",
        "9223372036854775808",
        "99999999999999999999999",
        "1e3",
        "abc",
        "%00",
        "%ff%fe",
        "..",
        "%2e%2e%2f",
        "名前",
        "%E5%90%8D",
        "",
        "1;DROP",
        "{}",
    ];
    let queries = [
        "",
        "?page=-1&size=0",
        "?page=99999999999&size=99999999999",
        "?size=1e9",
        "?sort=",
        "?sort=nope,sideways",
        "?status=%ff",
        "?name=&name=&name=",
        "?%",
        "?a=b=c&&&",
        "?page=1&page=2",
    ];
    let auths: Vec<Vec<(String, String)>> = vec![
        vec![basic("admin", PASS)],
        vec![],
        vec![basic("admin", "wrong")],
        vec![basic("", "")],
        vec![("Authorization".into(), "Basic !!!not-base64".into())],
        vec![(
            "Authorization".into(),
            format!("Basic {}", B64.encode("no-colon")),
        )],
        vec![(
            "Authorization".into(),
            format!("Basic {}", B64.encode([0xff, 0xfe, b':', 0x80])),
        )],
        vec![("Authorization".into(), "Bearer x".into())],
        vec![("Authorization".into(), "Basic".into())],
    ];
    let bodies: [&[u8]; 8] = [
        b"",
        b"{}",
        b"[]",
        b"null",
        b"{\"name\":",
        b"\xff\xfe\x00",
        b"{\"destVersion\":1e999}",
        b"<xml/>",
    ];
    let ctypes = [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
        "",
    ];
    let mut seen_4xx = 0;
    for _ in 0..400 {
        let t = templates[rng.gen_range(0..templates.len())];
        let mut path = String::new();
        for (i, piece) in t.split("{}").enumerate() {
            if i > 0 {
                path.push_str(ids[rng.gen_range(0..ids.len())]);
            }
            path.push_str(piece);
        }
        path.push_str(queries[rng.gen_range(0..queries.len())]);
        let method = methods[rng.gen_range(0..methods.len())].clone();
        let mut headers = auths[rng.gen_range(0..auths.len())].clone();
        let ct = ctypes[rng.gen_range(0..ctypes.len())];
        if !ct.is_empty() {
            headers.push(("Content-Type".into(), ct.into()));
        }
        let body = bodies[rng.gen_range(0..bodies.len())].to_vec();
        let st = check(&c, &s.url(), method, &path, &headers, body).await;
        if st.is_client_error() {
            seen_4xx += 1;
        }
    }
    assert!(seen_4xx > 100, "most of these are refused: {seen_4xx}");
    // A 1 MB body and a long path are refused or served, not a crash.
    let big = vec![b'{'; 1 << 20];
    check(
        &c,
        &s.url(),
        Method::POST,
        "/api/v2/ob/clusters",
        &[basic("admin", PASS)],
        big,
    )
    .await;
    let long = format!("/api/v2/ob/clusters/{}", "9".repeat(4000));
    check(
        &c,
        &s.url(),
        Method::GET,
        &long,
        &[basic("admin", PASS)],
        vec![],
    )
    .await;
    // Still serving.
    let st = check(
        &c,
        &s.url(),
        Method::GET,
        "/api/v2/ob/clusters",
        &[basic("admin", PASS)],
        vec![],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    s.shutdown().await;
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obshell_side_bad_headers_and_bodies() {
    let s = sim().await;
    let c = reqwest::Client::new();
    let base = s.url();
    let secret: Value = c
        .get(format!("{base}/api/v1/secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pk = crypto::parse_public_key(secret["data"]["public_key"].as_str().unwrap()).unwrap();
    let mut rng = StdRng::seed_from_u64(0x0b5);
    let pw = Secret::new(PASS);
    let h = |v: String| vec![(HEADER.to_string(), v)];
    let seal = |rng: &mut StdRng, uri: &str, pw: &Secret, ts: i64, body: Option<&[u8]>| {
        crypto::seal_request(rng, &pk, pw, uri, body, ts).unwrap()
    };

    let get_uri = "/api/v1/ob/info";
    let post_uri = "/api/v1/ob/scale_out";
    // The control: a good header is accepted.
    let good = seal(&mut rng, get_uri, &pw, now_unix() + 60, None);
    let st = check(
        &c,
        &base,
        Method::GET,
        get_uri,
        &h(good.header_value.clone()),
        vec![],
    )
    .await;
    assert!(st.is_success(), "a good header: {st}");

    let mut bad_headers: Vec<(&str, Vec<(String, String)>)> = vec![
        ("missing", vec![]),
        ("empty", h(String::new())),
        ("not base64", h("!!!*".into())),
        ("base64 of nothing", h("====".into())),
        ("short ciphertext", h(B64.encode([1u8; 16]))),
        (
            "random ciphertext",
            h(B64.encode((0..256).map(|_| rng.gen()).collect::<Vec<u8>>())),
        ),
        (
            "truncated",
            h(good.header_value[..good.header_value.len() / 2].to_string()),
        ),
        (
            "another uri",
            h(seal(
                &mut rng,
                "/api/v1/agents/status",
                &pw,
                now_unix() + 60,
                None,
            )
            .header_value),
        ),
        (
            "expired",
            h(seal(&mut rng, get_uri, &pw, now_unix() - 3600, None).header_value),
        ),
        (
            "wrong password",
            h(seal(
                &mut rng,
                get_uri,
                &Secret::new("nope"),
                now_unix() + 60,
                None,
            )
            .header_value),
        ),
        (
            "huge",
            h(B64.encode((0..64 * 1024).map(|_| rng.gen()).collect::<Vec<u8>>())),
        ),
    ];
    // A header whose JSON is not what the server expects, encrypted properly.
    for plain in [
        &b"not json"[..],
        b"[]",
        b"{}",
        b"{\"auth\":1,\"ts\":\"soon\",\"uri\":null,\"keys\":\"AAAA\"}",
    ] {
        let cipher =
            crypto::rsa_encrypt_chunked(&mut rng, &pk, plain, crypto::HEADER_CHUNK).unwrap();
        bad_headers.push(("odd header json", h(B64.encode(cipher))));
    }
    for (what, headers) in &bad_headers {
        let st = check(&c, &base, Method::GET, get_uri, headers, vec![]).await;
        assert!(st.is_client_error(), "{what}: refused with a 4xx, got {st}");
    }

    // Good headers, bodies that do not decrypt or do not decode.
    let body_cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("not base64", b"%%%".to_vec()),
        ("plain json", b"{\"zone\":\"z\"}".to_vec()),
        ("random ciphertext", B64.encode([7u8; 48]).into_bytes()),
        ("partial block", B64.encode([7u8; 20]).into_bytes()),
        ("1 MB", vec![b'A'; 1 << 20]),
    ];
    for (what, body) in body_cases {
        let sealed = seal(&mut rng, post_uri, &pw, now_unix() + 60, Some(b"{}"));
        let st = check(
            &c,
            &base,
            Method::POST,
            post_uri,
            &h(sealed.header_value),
            body,
        )
        .await;
        assert!(st.is_client_error(), "body {what}: {st}");
    }
    // Encrypted properly, but not a scale-out request.
    for plain in [&b"[]"[..], b"null", b"{\"agentInfo\":7}", b"\xff\xfe"] {
        let keys = AesKeys::generate(&mut rng);
        let header = AuthHeader::new(pw.clone(), now_unix() + 60, post_uri, &keys);
        let hv = header.encrypt(&mut rng, &pk).unwrap();
        let body = keys.encrypt_body(plain).into_bytes();
        let st = check(&c, &base, Method::POST, post_uri, &h(hv), body).await;
        assert!(st.is_client_error(), "{plain:?}: {st}");
    }
    // Random ids and methods on the DAG routes with a good header each time.
    let ids = ["0", "-1", "abc", "99999999999999999999", "%00", "名"];
    for id in ids {
        for (m, uri) in [
            (Method::GET, format!("/api/v1/task/dag/{id}")),
            (Method::POST, format!("/api/v1/task/dag/{id}")),
            (Method::GET, format!("/api/v1/task/node/{id}")),
            (Method::GET, format!("/api/v1/task/sub_task/{id}/logs")),
            (Method::DELETE, format!("/api/v1/task/sub_task/{id}")),
        ] {
            let sealed = seal(
                &mut rng,
                &uri,
                &pw,
                now_unix() + 60,
                Some(b"{\"operator\":\"x\"}"),
            );
            let body = sealed.body.unwrap_or_default().into_bytes();
            check(&c, &base, m, &uri, &h(sealed.header_value), body).await;
        }
    }
    // Still serving.
    let good = seal(&mut rng, get_uri, &pw, now_unix() + 60, None);
    let st = check(
        &c,
        &base,
        Method::GET,
        get_uri,
        &h(good.header_value),
        vec![],
    )
    .await;
    assert!(st.is_success());
    s.shutdown().await;
}
