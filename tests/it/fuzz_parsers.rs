//! Fuzzing every parser that reads the network or files: OCP and obshell envelopes and models,
//! the obshell header and body decryption, the task model conversions (then laid out and drawn),
//! themes, the config file and key specs.
//!
//! Each target first replays its corpus (`tests/corpus/<target>/`, inputs that once mattered or
//! that sit on an edge), then mutated documented fixtures, then proptest-generated input. Case
//! counts are bounded so the whole file runs in seconds in a debug build. The property is the same
//! everywhere: a value or an error, never a panic; errors stay short whatever the input size.

use std::path::{Path, PathBuf};

use obtui::app::actions::Key;
use obtui::config::{ConfigFile, Theme};
use obtui_api::obshell::crypto::{self, AesKeys};
use obtui_api::obshell::{self as obshell};
use obtui_api::ocp::envelope::{
    decode_envelope, decode_plain, decode_required, decode_text, decode_void,
};
use obtui_api::ocp::{self as ocp, RawResponse};
use obtui_sim::obshell::crypto as agent_crypto;
use obtui_task::layout::{layout, list_rows, LayoutParams};
use obtui_task::model::TaskGraph;
use obtui_task::text::{render_list_text, render_text};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Inputs

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The kept corpus of one target; every target has at least one input there.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let c = files_in(&root().join("tests/corpus").join(target));
    assert!(!c.is_empty(), "tests/corpus/{target} is empty");
    c
}

fn fixtures(dir: &str) -> Vec<Vec<u8>> {
    files_in(&root().join("tests/fixtures").join(dir))
        .into_iter()
        .collect()
}

fn json_fixtures(dir: &str) -> Vec<Value> {
    fixtures(dir)
        .iter()
        .filter_map(|b| serde_json::from_slice(b).ok())
        .collect()
}

/// Byte-level damage: flips, cuts, insertions, duplicated spans, NULs and invalid UTF-8.
fn mutate_bytes(src: &[u8], rng: &mut StdRng) -> Vec<u8> {
    let mut b = src.to_vec();
    for _ in 0..rng.gen_range(1..6) {
        let len = b.len();
        match rng.gen_range(0..7) {
            0 if len > 0 => {
                let i = rng.gen_range(0..len);
                b[i] ^= 1 << rng.gen_range(0..8);
            }
            1 if len > 0 => b.truncate(rng.gen_range(0..len)),
            2 => {
                let i = rng.gen_range(0..=len);
                let junk: &[u8] = [
                    &b"\0"[..],
                    b"\xff\xfe",
                    b"{",
                    b"]",
                    b"\"",
                    b"\\u00",
                    b"1e999",
                    b"-0",
                    b"null",
                    b"\xe2\x80",
                ][rng.gen_range(0..10)];
                b.splice(i..i, junk.iter().copied());
            }
            3 if len > 1 => {
                let a = rng.gen_range(0..len);
                let z = rng.gen_range(a..len.min(a + 64));
                let piece = b[a..z].to_vec();
                let at = rng.gen_range(0..=b.len());
                b.splice(at..at, piece);
            }
            4 if len > 1 => {
                let a = rng.gen_range(0..len);
                let z = rng.gen_range(a..len.min(a + 32) + 1).min(len);
                b.drain(a..z);
            }
            5 if len > 0 => {
                let i = rng.gen_range(0..len);
                b[i] = rng.gen();
            }
            _ => b.reverse(),
        }
    }
    b
}

/// A value of a random type, including the edges of each (huge numbers, empty and very long
/// strings, deep nesting).
fn odd_value(rng: &mut StdRng) -> Value {
    match rng.gen_range(0..14) {
        0 => Value::Null,
        1 => Value::Bool(rng.gen()),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(i64::MAX),
        4 => serde_json::json!(u64::MAX),
        5 => serde_json::json!(1.5e300),
        6 => serde_json::json!(""),
        7 => Value::String("x".repeat(rng.gen_range(1..5000))),
        8 => serde_json::json!("0000-00-00T99:99:99+99:99"),
        9 => serde_json::json!([]),
        10 => serde_json::json!({}),
        11 => serde_json::json!("名前\u{202e}\u{0}\u{1b}[2J"),
        12 => {
            let mut v = Value::Null;
            for _ in 0..rng.gen_range(1..100) {
                v = serde_json::json!([v]);
            }
            v
        }
        _ => serde_json::json!(-9_223_372_036_854_775_808i64),
    }
}

/// Structural damage that keeps the text valid JSON: a random node replaced, removed or
/// duplicated, so the typed decoders (not the JSON parser) get exercised.
fn mutate_json(v: &mut Value, rng: &mut StdRng, depth: u32) {
    let descend = depth < 12 && rng.gen_bool(0.75);
    match v {
        Value::Object(m) if !m.is_empty() => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = &keys[rng.gen_range(0..keys.len())];
            if descend {
                if let Some(child) = m.get_mut(k) {
                    mutate_json(child, rng, depth + 1);
                }
            } else {
                match rng.gen_range(0..3) {
                    0 => {
                        m.remove(k);
                    }
                    1 => {
                        m.insert(k.clone(), odd_value(rng));
                    }
                    _ => {
                        m.insert(k.to_uppercase(), odd_value(rng));
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = rng.gen_range(0..a.len());
            if descend {
                mutate_json(&mut a[i], rng, depth + 1);
            } else {
                match rng.gen_range(0..3) {
                    0 => {
                        a.remove(i);
                    }
                    1 => {
                        let dup = a[i].clone();
                        for _ in 0..rng.gen_range(1..50) {
                            a.push(dup.clone());
                        }
                    }
                    _ => a[i] = odd_value(rng),
                }
            }
        }
        _ => *v = odd_value(rng),
    }
}

fn mutated_json(src: &Value, seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut v = src.clone();
    for _ in 0..rng.gen_range(1..4) {
        mutate_json(&mut v, &mut rng, 0);
    }
    serde_json::to_vec(&v).unwrap()
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        ".{0,20}".prop_map(Value::String),
        prop_oneof![
            Just("RUNNING"),
            Just("FAILED"),
            Just("SUCCESSFUL"),
            Just("SUCCEED"),
            Just("PENDING"),
            Just("2026-05-20T10:15:02.512331+08:00"),
            Just("2021-08-25T15:09:31+08:00"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    let keys = prop_oneof![
        Just("data".to_string()),
        Just("id".to_string()),
        Just("name".to_string()),
        Just("status".to_string()),
        Just("state".to_string()),
        Just("nodes".to_string()),
        Just("sub_tasks".to_string()),
        Just("subtasks".to_string()),
        Just("tasks".to_string()),
        Just("upstreams".to_string()),
        Just("downstreams".to_string()),
        Just("seriesId".to_string()),
        Just("stage".to_string()),
        Just("max_stage".to_string()),
        Just("successful".to_string()),
        Just("error".to_string()),
        Just("contents".to_string()),
        Just("startTime".to_string()),
        Just("start_time".to_string()),
        "[a-z_]{1,8}",
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const STATUSES: [u16; 10] = [200, 201, 204, 400, 401, 404, 429, 500, 502, 503];
const MUTANT_STATUSES: [u16; 2] = [200, 503];

// ---------------------------------------------------------------------------------------------
// Targets: each takes one input and must return without panicking.

/// Every error must at least print. (How long it may get is checked by
/// `error_messages_stay_short` and `trace_ids_stay_short` below.)
fn short(e: &impl std::fmt::Display, _input_len: usize) {
    let _ = e.to_string();
}

/// Lay out and draw a graph that came from the network: the path a task view takes.
fn exercise_graph(g: &TaskGraph) {
    let p = LayoutParams::default();
    let l = layout(g, &p);
    let _ = render_text(g, &l, false);
    let rows = list_rows(g, &p);
    let _ = render_list_text(g, &rows, &p, true);
    let _ = (g.validate(), g.progress(), g.critical_path(), g.eta(0));
}

macro_rules! ocp_decode {
    ($resp:expr, $len:expr, $($t:ty),+ $(,)?) => {{
        $(
            match decode_envelope::<$t>($resp) {
                Ok(_) => {}
                Err(e) => short(&e, $len),
            }
        )+
    }};
}

fn target_ocp_envelope(body: &[u8]) {
    target_ocp_envelope_at(body, &STATUSES)
}

/// Mutated inputs take a success and an error status only: the decoders branch on success vs
/// failure, not on the exact code, and ten statuses per mutant would make the run slow.
fn target_ocp_envelope_at(body: &[u8], statuses: &[u16]) {
    for &status in statuses {
        let resp = RawResponse::new(status, body.to_vec());
        ocp_decode!(
            &resp,
            body.len(),
            Value,
            ocp::Paged<ocp::ObCluster>,
            ocp::Paged<ocp::Host>,
            ocp::Paged<ocp::TaskInstance>,
            ocp::Paged<ocp::ObproxyCluster>,
            ocp::Paged<ocp::SoftwarePackage>,
            ocp::Paged<ocp::Tenant>,
            ocp::Paged<ocp::Zone>,
            ocp::Paged<ocp::Server>,
            ocp::Paged<ocp::HostType>,
            ocp::Paged<ocp::Credential>,
            ocp::ObCluster,
            ocp::Host,
            ocp::SubtaskLog,
            ocp::TakeoverPrecheckResult,
            ocp::ClusterStats,
        );
        match decode_required::<ocp::TaskInstance>(&resp) {
            Ok(t) => exercise_graph(&TaskGraph::from(&t)),
            Err(e) => short(&e, body.len()),
        }
        if let Err(e) = decode_void(&resp) {
            short(&e, body.len());
        }
        if let Err(e) = decode_plain::<ocp::OcpInfo>(&resp) {
            short(&e, body.len());
        }
        if let Err(e) = decode_text(&resp) {
            short(&e, body.len());
        }
    }
}

/// A bare model (no envelope), the way the converters and the list endpoints see `data`.
fn target_ocp_models(body: &[u8]) {
    if let Ok(t) = serde_json::from_slice::<ocp::TaskInstance>(body) {
        exercise_graph(&TaskGraph::from(&t));
        let _ = (t.cluster_id(), t.subtasks_by_series());
    }
    let _ = serde_json::from_slice::<ocp::ObCluster>(body);
    let _ = serde_json::from_slice::<ocp::Host>(body);
    let _ = serde_json::from_slice::<ocp::ObproxyCluster>(body);
    if let Ok(p) = serde_json::from_slice::<ocp::TakeoverPrecheckResult>(body) {
        let _ = p.passed();
    }
    if let Ok(i) = serde_json::from_slice::<ocp::OcpInfo>(body) {
        let _ = i.version();
    }
    if let Ok(s) = std::str::from_utf8(body) {
        let _ = ocp::parse_time_millis(s);
        let _ = ocp::parse_time(s);
    }
}

macro_rules! obshell_decode {
    ($status:expr, $body:expr, $($t:ty),+ $(,)?) => {{
        $(
            match obshell::client::decode_response::<$t>($status, $body) {
                Ok(_) => {}
                Err(e) => short(&e, $body.len()),
            }
        )+
    }};
}

fn target_obshell_envelope(body: &[u8]) {
    target_obshell_envelope_at(body, &STATUSES)
}

fn target_obshell_envelope_at(body: &[u8], statuses: &[u16]) {
    for &status in statuses {
        obshell_decode!(
            status,
            body,
            Value,
            obshell::AgentInfo,
            obshell::AgentStatus,
            obshell::AgentSecret,
            obshell::AgentsStatus,
            obshell::ObInfo,
            obshell::ObclusterInfo,
            obshell::Node,
            obshell::SubTask,
            Vec<obshell::SubTaskLog>,
            obshell::Contents<obshell::DagDetail>,
        );
        match obshell::client::decode_response::<obshell::DagDetail>(status, body) {
            Ok(Some(d)) => {
                let _ = (d.is_finished(), d.failed_node());
            }
            Ok(None) => {}
            Err(e) => short(&e, body.len()),
        }
    }
}

fn target_task_convert(body: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Ok(g) = TaskGraph::from_obshell_dag(&v) {
            exercise_graph(&g);
        }
    }
    target_ocp_models(body);
}

fn target_theme(text: &[u8]) {
    let s = String::from_utf8_lossy(text);
    if let Ok(t) = Theme::parse(&s) {
        let _ = t.degraded(obtui::config::theme::ColorDepth::Ansi16);
    }
    let _ = obtui::config::theme::parse_color(&s);
}

fn target_config(text: &[u8]) {
    let s = String::from_utf8_lossy(text);
    let _ = ConfigFile::parse(&s);
}

fn target_key(text: &[u8]) {
    let s = String::from_utf8_lossy(text);
    if let Ok(k) = Key::parse(&s) {
        // Surrounding blanks never change the key, and its label is printable.
        assert_eq!(Key::parse(&format!("  {s}\t")), Ok(k), "{s:?}");
        assert!(!k.label().is_empty());
    }
}

/// The simulator's side of obshell auth: decrypt a header value, then a body with its keys.
fn target_obshell_crypto(input: &[u8], sk: &rsa::RsaPrivateKey) {
    let s = String::from_utf8_lossy(input);
    if let Ok(h) = agent_crypto::decrypt_header(sk, &s) {
        let _ = agent_crypto::header_ts_unix(&h);
        if let Ok(keys) = agent_crypto::header_aes_keys(&h) {
            let _ = agent_crypto::decrypt_body(&keys, input);
        }
    }
    let _ = agent_crypto::header_from_json(input);
    let _ = agent_crypto::aes_keys_from_b64(&s);
    let _ = agent_crypto::rsa_decrypt_blocks(sk, input);
    let _ = crypto::parse_public_key(&s);
    let _ = agent_crypto::parse_private_key(&s);
    let keys = AesKeys {
        key: [7; 16],
        iv: [9; 16],
    };
    let _ = agent_crypto::decrypt_body(&keys, input);
}

// ---------------------------------------------------------------------------------------------
// Corpus replay

#[test]
fn corpus_replays_cleanly() {
    let sk = vector_key();
    type Target<'a> = (&'a str, &'a dyn Fn(&[u8]));
    let targets: [Target; 8] = [
        ("ocp_envelope", &target_ocp_envelope),
        ("ocp_models", &target_ocp_models),
        ("obshell_envelope", &target_obshell_envelope),
        ("task_convert", &target_task_convert),
        ("theme", &target_theme),
        ("config", &target_config),
        ("key", &target_key),
        ("obshell_crypto", &|b: &[u8]| target_obshell_crypto(b, &sk)),
    ];
    for (name, f) in targets {
        for input in corpus(name) {
            f(&input);
        }
    }
}

#[test]
fn documented_fixtures_still_decode() {
    // The corpus' seeds: if the valid inputs stopped decoding, the fuzzing below would only
    // ever see errors.
    let task = std::fs::read(root().join("tests/fixtures/ocp/task-instance-detail.json")).unwrap();
    let t: ocp::TaskInstance = decode_required(&RawResponse::new(200, task)).unwrap();
    assert!(!TaskGraph::from(&t).nodes.is_empty());
    let dag: Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/fixtures/obshell/dag-scale-out-running.json")).unwrap(),
    )
    .unwrap();
    assert!(!TaskGraph::from_obshell_dag(&dag).unwrap().nodes.is_empty());
    for name in ["default", "light", "mono"] {
        let text = std::fs::read_to_string(root().join(format!("themes/{name}.toml"))).unwrap();
        Theme::parse(&text).unwrap();
    }
}

/// A server (or a proxy in front of it) can answer with megabytes of text; the error the UI
/// shows and logs must stay a line or two, like the snippet of an undecodable body already is.
#[test]
fn error_messages_stay_short() {
    let long = "x".repeat(200_000);
    let ocp_error = serde_json::json!({
        "successful": false, "status": 500,
        "error": {"code": "E", "message": long}, "traceId": "t",
    });
    let body = serde_json::to_vec(&ocp_error).unwrap();
    let e = decode_envelope::<Value>(&RawResponse::new(500, body)).unwrap_err();
    assert!(
        e.to_string().len() <= 4096,
        "OCP server error: {} bytes",
        e.to_string().len()
    );
    // A string where an object belongs: serde's message quotes the whole string.
    let ob = serde_json::to_vec(&serde_json::json!(long)).unwrap();
    let e = obshell::client::decode_response::<obshell::DagDetail>(200, &ob).unwrap_err();
    assert!(
        e.to_string().len() <= 4096,
        "obshell decode error: {} bytes",
        e.to_string().len()
    );
    let ocp_data =
        serde_json::to_vec(&serde_json::json!({"successful": true, "data": long})).unwrap();
    let e = decode_required::<ocp::TaskInstance>(&RawResponse::new(200, ocp_data)).unwrap_err();
    assert!(
        e.to_string().len() <= 4096,
        "OCP decode error: {} bytes",
        e.to_string().len()
    );
}

/// The traceId is shown beside every error; a 10,000-character one must not flood the line.
#[test]
fn trace_ids_stay_short() {
    let body = serde_json::json!({
        "successful": false, "status": 500,
        "error": {"message": "boom"}, "traceId": "t".repeat(10_000),
    });
    let e = decode_envelope::<Value>(&RawResponse::new(500, serde_json::to_vec(&body).unwrap()))
        .unwrap_err();
    assert!(e.to_string().len() <= 4096, "{} bytes", e.to_string().len());
}

/// A 50 MB body (a proxy's error page, a runaway log): an error, not a hang or a crash. A big
/// valid list (8 MB, ~170,000 clusters) still decodes; the clients cap what they read before this.
#[test]
fn fifty_megabyte_bodies() {
    let junk = vec![b'<'; 50 * 1024 * 1024];
    assert!(decode_envelope::<Value>(&RawResponse::new(200, junk.clone())).is_err());
    assert!(obshell::client::decode_response::<Value>(200, &junk).is_err());
    let mut json = b"{\"successful\":true,\"data\":{\"contents\":[".to_vec();
    while json.len() < 8 * 1024 * 1024 {
        json.extend_from_slice(b"{\"id\":1,\"name\":\"terran\",\"status\":\"RUNNING\"},");
    }
    json.extend_from_slice(b"{}]}}");
    let r = decode_envelope::<ocp::Paged<ocp::ObCluster>>(&RawResponse::new(200, json));
    assert!(r.is_ok(), "a big but valid list decodes: {r:?}");
}

// ---------------------------------------------------------------------------------------------
// Mutated fixtures (deterministic seeds: a failure names the fixture and the seed)

const MUTATIONS_PER_FIXTURE: u64 = 12;

#[test]
fn mutated_ocp_fixtures() {
    let docs = json_fixtures("ocp");
    let raw = fixtures("ocp");
    for (i, v) in docs.iter().enumerate() {
        for seed in 0..MUTATIONS_PER_FIXTURE {
            let body = mutated_json(v, seed);
            target_ocp_envelope_at(&body, &MUTANT_STATUSES);
            if let Some(data) = v.get("data") {
                target_ocp_models(&mutated_json(data, seed));
            }
        }
        let _ = i;
    }
    for (i, b) in raw.iter().enumerate() {
        for seed in 0..MUTATIONS_PER_FIXTURE {
            let mut rng = StdRng::seed_from_u64(seed ^ ((i as u64) << 32));
            target_ocp_envelope_at(&mutate_bytes(b, &mut rng), &MUTANT_STATUSES);
        }
    }
}

#[test]
fn mutated_obshell_fixtures() {
    let docs = json_fixtures("obshell");
    for v in &docs {
        for seed in 0..MUTATIONS_PER_FIXTURE {
            let body = mutated_json(v, seed);
            target_obshell_envelope_at(&body, &MUTANT_STATUSES);
            target_task_convert(&body);
        }
    }
    for (i, b) in fixtures("obshell").iter().enumerate() {
        for seed in 0..MUTATIONS_PER_FIXTURE {
            let mut rng = StdRng::seed_from_u64(seed ^ ((i as u64) << 32));
            target_obshell_envelope_at(&mutate_bytes(b, &mut rng), &MUTANT_STATUSES);
        }
    }
}

#[test]
fn mutated_task_fixtures() {
    for v in json_fixtures("task") {
        for seed in 0..MUTATIONS_PER_FIXTURE * 2 {
            target_task_convert(&mutated_json(&v, seed));
            if let Some(d) = v.get("data") {
                target_task_convert(&mutated_json(d, seed));
            }
        }
    }
}

#[test]
fn mutated_themes_and_config() {
    let mut themes = Vec::new();
    for name in ["default", "light", "mono"] {
        themes.push(std::fs::read(root().join(format!("themes/{name}.toml"))).unwrap());
    }
    let configs = corpus("config");
    for (i, b) in themes.iter().chain(configs.iter()).enumerate() {
        for seed in 0..MUTATIONS_PER_FIXTURE * 4 {
            let mut rng = StdRng::seed_from_u64(seed ^ ((i as u64) << 32));
            let m = mutate_bytes(b, &mut rng);
            target_theme(&m);
            target_config(&m);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The obshell header and body decryption, from the simulator's side

fn vector_key() -> rsa::RsaPrivateKey {
    let v: Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/fixtures/obshell/crypto-test-vector-x-ocs-header.json"))
            .unwrap(),
    )
    .unwrap();
    agent_crypto::parse_private_key(v["rsa_private_key_pkcs1_der_b64"].as_str().unwrap()).unwrap()
}

#[test]
fn damaged_sdk_headers_and_bodies_are_errors() {
    use base64::Engine as _;
    let v: Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/fixtures/obshell/crypto-test-vector-x-ocs-header.json"))
            .unwrap(),
    )
    .unwrap();
    let sk = vector_key();
    let header = v["header_value"].as_str().unwrap();
    let body = v["body_on_wire"].as_str().unwrap();
    let keys =
        agent_crypto::header_aes_keys(&agent_crypto::decrypt_header(&sk, header).unwrap()).unwrap();
    // Every truncation of the header and the body: an error (or, for the body, a shorter
    // plaintext when the cut lands on a block boundary), never a panic.
    for n in 0..header.len() {
        target_obshell_crypto(&header.as_bytes()[..n], &sk);
    }
    for n in 0..body.len() {
        let _ = agent_crypto::decrypt_body(&keys, &body.as_bytes()[..n]);
    }
    // Flipped ciphertext bytes, re-encoded as valid base64.
    let raw = base64::engine::general_purpose::STANDARD
        .decode(header)
        .unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..64 {
        let damaged = mutate_bytes(&raw, &mut rng);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&damaged);
        assert!(
            agent_crypto::decrypt_header(&sk, &b64).is_err()
                || damaged == raw
                || damaged.len().is_multiple_of(128),
            "a damaged header decrypted"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Generated input

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_everywhere(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        target_ocp_envelope(&body);
        target_ocp_models(&body);
        target_obshell_envelope(&body);
        target_task_convert(&body);
        target_theme(&body);
        target_config(&body);
        target_key(&body);
    }

    #[test]
    fn arbitrary_json_everywhere(v in arb_json()) {
        let body = serde_json::to_vec(&v).unwrap();
        target_ocp_envelope(&body);
        target_obshell_envelope(&body);
        target_task_convert(&body);
        let wrapped = serde_json::to_vec(&serde_json::json!({"successful": true, "data": v})).unwrap();
        target_ocp_envelope(&wrapped);
        target_obshell_envelope(&wrapped);
        target_task_convert(&wrapped);
    }

    #[test]
    fn arbitrary_key_specs(s in "(ctrl[-+]|alt[-+]|shift[-+]){0,3}([a-zA-Z0-9]|f[0-9]{1,3}|space|pgdn|pgup|enter|esc|tab|.{1,4})") {
        target_key(s.as_bytes());
    }

    #[test]
    fn arbitrary_theme_lines(lines in proptest::collection::vec(
        "(name|mono|\\[colors\\]|[a-z_]{1,12}) ?= ?(\"[#a-zA-Z0-9]{0,9}\"|true|[0-9]{1,4}|\\[\\])",
        0..12,
    )) {
        let text = lines.join("\n");
        target_theme(text.as_bytes());
        target_config(text.as_bytes());
    }
}

proptest! {
    // RSA decryption is slow in a debug build; fewer cases.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_obshell_headers(input in proptest::collection::vec(any::<u8>(), 0..600)) {
        use base64::Engine as _;
        let sk = vector_key();
        target_obshell_crypto(&input, &sk);
        // The same bytes as valid base64, so the RSA layer (not only base64) sees them.
        let b64 = base64::engine::general_purpose::STANDARD.encode(&input);
        target_obshell_crypto(b64.as_bytes(), &sk);
    }
}
