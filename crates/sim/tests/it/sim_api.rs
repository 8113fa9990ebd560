//! The OCP simulator over real HTTP: envelope, auth, paging, shapes against the docs'
//! samples, task engine operations, mutations, fault injection, determinism and scale.

use std::time::{Duration, Instant};

use obtui_sim::{self as sim, Clock, SimHandle, SimOptions};
use reqwest::StatusCode;
use serde_json::{json, Value};

const USER: &str = "admin";
const PASS: &str = "aaAA11__";

/// A simulator whose clock moves only when a test steps it ([`poll`] does), so what a test
/// sees follows from its steps alone, not from how fast the machine is.
async fn start(opts: SimOptions) -> (SimHandle, reqwest::Client) {
    let opts = SimOptions {
        clock: Clock::manual_now(),
        ..opts
    };
    let s = sim::start("127.0.0.1:0".parse().unwrap(), opts)
        .await
        .expect("sim starts");
    let c = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    (s, c)
}

async fn start_fast() -> (SimHandle, reqwest::Client) {
    start(SimOptions {
        speed: 200.0,
        ..Default::default()
    })
    .await
}

async fn get(c: &reqwest::Client, s: &SimHandle, path: &str) -> (StatusCode, Value) {
    let r = c
        .get(format!("{}{}", s.url(), path))
        .basic_auth(USER, Some(PASS))
        .send()
        .await
        .expect("request");
    let st = r.status();
    let body = r.json::<Value>().await.expect("json body");
    (st, body)
}

async fn post(c: &reqwest::Client, s: &SimHandle, path: &str, body: Value) -> (StatusCode, Value) {
    let r = c
        .post(format!("{}{}", s.url(), path))
        .basic_auth(USER, Some(PASS))
        .json(&body)
        .send()
        .await
        .expect("request");
    let st = r.status();
    let text = r.text().await.expect("body");
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (st, v)
}

async fn data(c: &reqwest::Client, s: &SimHandle, path: &str) -> Value {
    let (st, v) = get(c, s, path).await;
    assert_eq!(st, StatusCode::OK, "{path}: {v}");
    assert_eq!(v["successful"], true);
    v["data"].clone()
}

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/ocp/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key path of `fx` exists in `mine` with the same JSON type (a `null` in the fixture
/// accepts anything; arrays compare their first elements; an empty list of scalars such as
/// `upstreams: []` is fine). Known doc typos are skipped.
fn shape(fx: &Value, mine: &Value, path: &str, errs: &mut Vec<String>) {
    match (fx, mine) {
        (Value::Null, _) => {}
        (Value::Object(f), Value::Object(m)) => {
            for (k, fv) in f {
                if k == "descripiton" {
                    continue;
                }
                // Free-form maps (task context): only their type matters.
                if k == "stringMap" || k == "listMap" {
                    if !m.get(k).is_some_and(Value::is_object) {
                        errs.push(format!("{path}.{k}: not an object"));
                    }
                    continue;
                }
                match m.get(k) {
                    Some(mv) => shape(fv, mv, &format!("{path}.{k}"), errs),
                    None => errs.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(f), Value::Array(m)) => {
            if let (Some(f0), Some(m0)) = (f.first(), m.first()) {
                shape(f0, m0, &format!("{path}[0]"), errs);
            } else if f.first().is_some_and(|x| x.is_object()) && m.is_empty() {
                errs.push(format!("{path}: empty, the sample has items"));
            }
        }
        (f, m) if kind(f) == kind(m) => {}
        (f, m) => errs.push(format!(
            "{path}: {} in the sample, {} here",
            kind(f),
            kind(m)
        )),
    }
}

fn assert_shape(fx: &Value, mine: &Value, what: &str) {
    let mut errs = Vec::new();
    shape(fx, mine, "", &mut errs);
    assert!(
        errs.is_empty(),
        "{what} differs from the docs' sample:\n{}",
        errs.join("\n")
    );
}

/// Compare a response's first list item (or `data`) with the fixture's.
fn assert_item_shape(fx_file: &str, fx_item: &Value, mine: &Value) {
    assert_shape(fx_item, mine, fx_file);
}

/// Simulated time one [`poll`] step moves the clock.
const STEP: Duration = Duration::from_millis(250);
/// Ten simulated minutes: more than any task of these tests needs at its speed.
const MAX_STEPS: usize = 2400;

/// Read `path` until `done` holds, stepping the simulator's clock between reads; fail when
/// [`MAX_STEPS`] steps pass without it. No real time is waited for.
async fn poll<F: Fn(&Value) -> bool>(
    c: &reqwest::Client,
    s: &SimHandle,
    path: &str,
    done: F,
) -> Value {
    for _ in 0..MAX_STEPS {
        let d = data(c, s, path).await;
        if done(&d) {
            return d;
        }
        assert!(s.advance(STEP), "the clock is manual");
    }
    let d = data(c, s, path).await;
    panic!("still not done after {MAX_STEPS} steps of {STEP:?}: {path}: {d}");
}

async fn wait_task(c: &reqwest::Client, s: &SimHandle, id: i64, status: &str) -> Value {
    let want = status.to_string();
    poll(c, s, &format!("/api/v2/tasks/instances/{id}"), move |t| {
        t["status"] == want.as_str()
    })
    .await
}

/// Free hosts in `idc`, as ids.
async fn free_hosts(c: &reqwest::Client, s: &SimHandle, idc: &str) -> Vec<i64> {
    let hosts = data(c, s, "/api/v2/compute/hosts?size=2000").await;
    hosts["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["services"].as_array().is_some_and(|a| a.is_empty()) && h["idcName"] == idc)
        .filter_map(|h| h["id"].as_i64())
        .collect()
}

async fn ob_rpm(c: &reqwest::Client, s: &SimHandle, version: &str) -> String {
    let p = data(
        c,
        s,
        &format!("/api/v2/software-packages?type=OB_SERVER_INSTALL_PACKAGE&version={version}"),
    )
    .await;
    p["contents"][0]["fileName"].as_str().unwrap().to_string()
}

async fn cluster_by_name(c: &reqwest::Client, s: &SimHandle, name: &str) -> Option<Value> {
    let d = data(c, s, &format!("/api/v2/ob/clusters?name={name}&size=100")).await;
    d["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .cloned()
}

async fn create(
    c: &reqwest::Client,
    s: &SimHandle,
    name: &str,
    n_hosts: usize,
) -> (StatusCode, Value) {
    let hosts = free_hosts(c, s, "hz1").await;
    assert!(hosts.len() >= n_hosts, "free hosts: {hosts:?}");
    let rpm = ob_rpm(c, s, "4.2.2.0").await;
    post(
        c,
        s,
        "/api/v2/ob/clusters",
        json!({
            "type": "PRIMARY", "name": name, "password": "Secret_123", "primaryZone": "",
            "rpmName": rpm,
            "zones": [{ "name": "zone1", "idcName": "hz1", "servers": &hosts[..n_hosts] }],
        }),
    )
    .await
}

fn failed_subtask(t: &Value) -> Value {
    t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "FAILED")
        .cloned()
        .unwrap_or_else(|| panic!("no failed subtask: {t}"))
}

// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_is_required_and_failures_use_the_error_envelope() {
    let (s, c) = start(SimOptions::default()).await;
    let url = format!("{}/api/v2/ob/clusters", s.url());
    for req in [
        c.get(&url),
        c.get(&url).basic_auth(USER, Some("wrong")),
        c.get(&url).header("Authorization", "Basic !!"),
    ] {
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["successful"], false);
        assert_eq!(v["status"], 401);
        assert!(v["error"]["code"].is_number());
        assert!(v["error"]["message"].is_string());
        assert_eq!(v["traceId"].as_str().unwrap().len(), 16);
        assert_shape(&fixture("error-429-throttled.json"), &v, "401 envelope");
    }
    // The probes need no auth and answer plain text.
    let t = c
        .get(format!("{}/api/v2/time", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(t.status(), StatusCode::OK);
    assert!(t.text().await.unwrap().contains("+08:00"));
    let st = c
        .get(format!("{}/api/status", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(st.text().await.unwrap(), "okay");
    // /info is un-enveloped but authenticated.
    let r = c
        .get(format!("{}/api/v2/info", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (code, info) = get(&c, &s, "/api/v2/info").await;
    assert_eq!(code, StatusCode::OK);
    assert_shape(&fixture("ocp-info.json"), &info, "info");
    assert!(info["buildVersion"].as_str().unwrap().starts_with("4.2.2"));
    assert!(info["name"].as_str().unwrap().contains("sim"));
    // Envelope fields and rate-limit headers on a success.
    let r = c
        .get(&url)
        .basic_auth(USER, Some(PASS))
        .send()
        .await
        .unwrap();
    assert!(r.headers().contains_key("ratelimit-limit"));
    assert!(r.headers().contains_key("ratelimit-remaining"));
    assert!(r.headers().contains_key("ratelimit-reset"));
    let v: Value = r.json().await.unwrap();
    assert_shape(
        &fixture("ob-clusters-list.json"),
        &v,
        "cluster list envelope",
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_sorting_and_filters() {
    let (s, c) = start(SimOptions::default()).await;
    let all = data(&c, &s, "/api/v2/ob/clusters?size=100").await;
    let total = all["page"]["totalElements"].as_u64().unwrap();
    assert_eq!(total, 4);
    let p1 = data(&c, &s, "/api/v2/ob/clusters?page=1&size=3&sort=id,asc").await;
    let p2 = data(&c, &s, "/api/v2/ob/clusters?page=2&size=3&sort=id,asc").await;
    assert_eq!(
        p1["page"],
        json!({"number":1,"size":3,"totalElements":4,"totalPages":2})
    );
    assert_eq!(p1["contents"].as_array().unwrap().len(), 3);
    assert_eq!(p2["contents"].as_array().unwrap().len(), 1);
    assert!(p1["contents"][2]["id"].as_i64() < p2["contents"][0]["id"].as_i64());
    // Default size is 10; size is clamped to 2000.
    let d = data(&c, &s, "/api/v2/compute/hosts").await;
    assert_eq!(d["page"]["size"], 10);
    assert_eq!(d["contents"].as_array().unwrap().len(), 10);
    let d = data(&c, &s, "/api/v2/compute/hosts?size=50000").await;
    assert_eq!(d["page"]["size"], 2000);
    // Sorting by name, both ways.
    let names = |d: &Value| -> Vec<String> {
        d["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect()
    };
    let asc = names(&data(&c, &s, "/api/v2/ob/clusters?sort=name,asc").await);
    let desc = names(&data(&c, &s, "/api/v2/ob/clusters?sort=name,desc").await);
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    assert_eq!(desc, asc.iter().rev().cloned().collect::<Vec<_>>());
    // Filters: case-insensitive name, status lists, host keyword, task status.
    let d = data(&c, &s, "/api/v2/ob/clusters?name=TERR").await;
    assert_eq!(names(&d), vec!["terran"]);
    let d = data(&c, &s, "/api/v2/ob/clusters?status=OPERATING").await;
    assert!(
        names(&d).contains(&"terran".to_string()),
        "seeded upgrade runs on terran"
    );
    let d = data(
        &c,
        &s,
        "/api/v2/ob/clusters?status=RUNNING,OPERATING&size=100",
    )
    .await;
    assert_eq!(d["page"]["totalElements"], 4);
    let d = data(&c, &s, "/api/v2/compute/hosts?keyword=10.10.0.1&size=100").await;
    assert!(d["contents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["innerIpAddress"].as_str().unwrap().contains("10.10.0.1")));
    assert!(d["page"]["totalElements"].as_u64().unwrap() >= 1);
    let d = data(&c, &s, "/api/v2/tasks/instances?status=FAILED").await;
    assert_eq!(d["page"]["totalElements"], 1);
    let d = data(
        &c,
        &s,
        "/api/v2/tasks/instances?status=RUNNING&name=upgrade",
    )
    .await;
    assert_eq!(d["page"]["totalElements"], 1);
    let d = data(
        &c,
        &s,
        "/api/v2/software-packages?type=OBPROXY_INSTALL_PACKAGE",
    )
    .await;
    assert!(d["contents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["type"] == "OBPROXY_INSTALL_PACKAGE"));
    // Malformed parameters are 400 envelopes.
    for q in [
        "page=abc",
        "size=-3",
        "sort=bogus,asc",
        "sort=id,sideways",
        "name=%zz",
    ] {
        let (st, v) = get(&c, &s, &format!("/api/v2/ob/clusters?{q}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(v["successful"], false);
        assert_eq!(v["status"], 400);
    }
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_endpoints_match_the_docs_samples() {
    let (s, c) = start(SimOptions::default()).await;
    let first = |f: &str| fixture(f)["data"]["contents"][0].clone();
    let clusters = data(&c, &s, "/api/v2/ob/clusters?name=terran").await;
    let terran = clusters["contents"][0].clone();
    assert_item_shape(
        "ob-clusters-list.json",
        &first("ob-clusters-list.json"),
        &terran,
    );
    let id = terran["id"].as_i64().unwrap();
    let detail = data(&c, &s, &format!("/api/v2/ob/clusters/{id}")).await;
    assert_eq!(detail["name"], "terran");
    let zones = data(&c, &s, &format!("/api/v2/ob/clusters/{id}/zones")).await;
    assert_item_shape(
        "ob-cluster-zones.json",
        &first("ob-cluster-zones.json"),
        &zones["contents"][0],
    );
    let servers = data(&c, &s, &format!("/api/v2/ob/clusters/{id}/servers")).await;
    assert_item_shape(
        "ob-cluster-servers.json",
        &first("ob-cluster-servers.json"),
        &servers["contents"][0],
    );
    let zs = data(
        &c,
        &s,
        &format!("/api/v2/ob/clusters/{id}/zones/zone1/servers"),
    )
    .await;
    assert_item_shape(
        "ob-cluster-zone-servers.json",
        &first("ob-cluster-zone-servers.json"),
        &zs["contents"][0],
    );
    let tenants = data(&c, &s, &format!("/api/v2/ob/clusters/{id}/tenants")).await;
    assert_item_shape(
        "ob-cluster-tenants.json",
        &first("ob-cluster-tenants.json"),
        &tenants["contents"][0],
    );
    assert!(tenants["contents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "sys"));
    let all = data(&c, &s, "/api/v2/ob/tenants").await;
    assert_item_shape(
        "ob-tenants-all.json",
        &first("ob-tenants-all.json"),
        &all["contents"][0],
    );
    let stats = data(&c, &s, &format!("/api/v2/ob/clusters/{id}/stats")).await;
    assert_shape(&fixture("ob-cluster-stats.json")["data"], &stats, "stats");
    let ss = data(&c, &s, &format!("/api/v2/ob/clusters/{id}/serverStats")).await;
    assert_item_shape(
        "ob-cluster-server-stats.json",
        &first("ob-cluster-server-stats.json"),
        &ss["contents"][0],
    );
    let units = data(&c, &s, &format!("/api/v2/ob/clusters/{id}/units")).await;
    assert_item_shape(
        "ob-cluster-units.json",
        &first("ob-cluster-units.json"),
        &units["contents"][0],
    );

    let hosts = data(&c, &s, "/api/v2/compute/hosts?sort=id,asc").await;
    let h0 = hosts["contents"][0].clone();
    assert_item_shape(
        "compute-hosts-list.json",
        &first("compute-hosts-list.json"),
        &h0,
    );
    let hd = data(&c, &s, &format!("/api/v2/compute/hosts/{}", h0["id"])).await;
    assert_shape(
        &fixture("compute-host-detail.json")["data"],
        &hd,
        "host detail",
    );
    for (path, fx) in [
        ("/api/v2/compute/hostTypes", "compute-host-types-list.json"),
        ("/api/v2/compute/idcs", "compute-idcs-list.json"),
        ("/api/v2/compute/regions", "compute-regions-list.json"),
        ("/api/v2/software-packages", "software-packages-list.json"),
        ("/api/v2/obproxy/clusters", "obproxy-clusters-list.json"),
    ] {
        let d = data(&c, &s, path).await;
        assert_item_shape(fx, &first(fx), &d["contents"][0]);
        assert!(d["page"]["totalElements"].as_u64().unwrap() >= 1);
    }
    let idcs = data(&c, &s, "/api/v2/compute/idcs").await;
    assert_eq!(idcs["page"]["totalElements"], 2);
    assert!(idcs["contents"][0]["regionName"].is_string());
    let creds = data(&c, &s, "/api/v2/profiles/me/credentials?targetType=HOST").await;
    let cr = &creds["contents"][0];
    assert_eq!(cr["targetType"], "HOST");
    assert!(cr["sshCredentialProperty"]["username"].is_string());
    assert!(cr["sshCredentialProperty"]["type"].is_string());
    assert!(!creds.to_string().contains("passphrase"));
    let proxies = data(&c, &s, "/api/v2/obproxy/clusters").await;
    let modes: Vec<&str> = proxies["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["workMode"].as_str().unwrap())
        .collect();
    assert!(modes.contains(&"CONFIG_URL") && modes.contains(&"RS_LIST"));
    let pd = data(
        &c,
        &s,
        &format!("/api/v2/obproxy/clusters/{}", proxies["contents"][0]["id"]),
    )
    .await;
    assert!(!pd["obproxies"].as_array().unwrap().is_empty());

    // Tasks: list (the sample's second item has no tenant), detail, log.
    let tasks = data(&c, &s, "/api/v2/tasks/instances?status=FAILED").await;
    let fx_tasks = fixture("tasks-instances-list.json");
    assert_item_shape(
        "tasks-instances-list.json",
        &fx_tasks["data"]["contents"][1],
        &tasks["contents"][0],
    );
    let tid = tasks["contents"][0]["id"].as_i64().unwrap();
    let (_, detail) = get(&c, &s, &format!("/api/v2/tasks/instances/{tid}")).await;
    let failed = failed_subtask(&detail["data"]);
    let fx_detail = fixture("task-instance-detail.json");
    let mut detail_item = detail.clone();
    // compare against a subtask that ran (the sample's subtasks all finished)
    detail_item["data"]["subtasks"] = json!([failed.clone()]);
    assert_shape(&fx_detail, &detail_item, "task detail");
    let (_, log) = get(
        &c,
        &s,
        &format!(
            "/api/v2/tasks/instances/{tid}/subtasks/{}/log",
            failed["id"]
        ),
    )
    .await;
    assert_shape(&fixture("subtask-log.json"), &log, "subtask log");
    let text = log["data"]["log"].as_str().unwrap();
    assert!(text.contains("ERROR"), "{text}");
    assert!(text.starts_with("############{EXECUTE}"));
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_and_bad_input_get_envelopes() {
    let (s, c) = start(SimOptions::default()).await;
    for path in [
        "/api/v2/ob/clusters/999999",
        "/api/v2/ob/clusters/999999/zones",
        "/api/v2/compute/hosts/1",
        "/api/v2/obproxy/clusters/5",
        "/api/v2/tasks/instances/1",
        "/api/v2/tasks/instances/1/subtasks/2/log",
        "/api/v2/no/such/thing",
    ] {
        let (st, v) = get(&c, &s, path).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(v["successful"], false);
        assert!(v["error"]["code"].is_number());
    }
    let (_, v) = get(&c, &s, "/api/v2/tasks/instances/1").await;
    assert_eq!(v["error"]["code"], 20000);
    for path in ["/api/v2/ob/clusters/abc", "/api/v2/compute/hosts/1.5"] {
        let (st, v) = get(&c, &s, path).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(v["status"], 400);
    }
    // Malformed bodies
    let r = c
        .post(format!("{}/api/v2/ob/clusters", s.url()))
        .basic_auth(USER, Some(PASS))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["successful"], false);
    let (st, v) = post(&c, &s, "/api/v2/ob/clusters", json!({"name": 5})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let (st, v) = post(&c, &s, "/api/v2/ob/clusters", json!({})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("name is required") && msg.contains("rpmName"),
        "{msg}"
    );
    // Wrong method: envelope too.
    let r = c
        .delete(format!("{}/api/v2/ob/clusters", s.url()))
        .basic_auth(USER, Some(PASS))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json::<Value>().await.unwrap()["successful"], false);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_cluster_runs_to_success_and_the_cluster_appears() {
    let (s, c) = start_fast().await;
    let (st, v) = create(&c, &s, "kerrigan", 2).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_shape(
        &fixture("obproxy-cluster-create.json"),
        &v,
        "async TaskInstance",
    );
    let task = &v["data"];
    assert_eq!(task["creator"], "admin");
    assert!(task["clusterId"].is_number());
    let subs = task["subtasks"].as_array().unwrap();
    let rpm: Vec<&Value> = subs.iter().filter(|s| s["name"] == "Install rpm").collect();
    assert_eq!(rpm.len(), 2, "one Install rpm per server");
    let mut idx: Vec<i64> = rpm
        .iter()
        .map(|s| s["parallelIdx"].as_i64().unwrap())
        .collect();
    idx.sort();
    assert_eq!(idx, vec![0, 1]);
    // The cluster exists at once, CREATING; its hosts are no longer free.
    let cl = cluster_by_name(&c, &s, "kerrigan")
        .await
        .expect("cluster listed");
    assert!(cl["status"] == "CREATING" || cl["status"] == "RUNNING");
    let (st, v) = create(&c, &s, "kerrigan", 1).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "duplicate name: {v}");
    let tid = task["id"].as_i64().unwrap();
    let done = wait_task(&c, &s, tid, "SUCCESSFUL").await;
    assert!(done["finishTime"].is_string());
    for sub in done["subtasks"].as_array().unwrap() {
        assert_eq!(sub["status"], "SUCCESSFUL");
        assert_eq!(sub["runTime"], 1);
    }
    let cl = cluster_by_name(&c, &s, "kerrigan").await.unwrap();
    assert_eq!(cl["status"], "RUNNING");
    assert_eq!(cl["serverCount"], 2);
    assert_eq!(cl["obVersion"], "4.2.2.0");
    let list = data(
        &c,
        &s,
        &format!("/api/v2/tasks/instances?clusterId={}", cl["id"]),
    )
    .await;
    assert_eq!(list["page"]["totalElements"], 1);
    // Validation
    let rpm = ob_rpm(&c, &s, "4.2.2.0").await;
    for (body, needle) in [
        (
            json!({"type":"PRIMARY","name":"1bad","password":"x","rpmName":rpm,"zones":[{"name":"zone1","idcName":"hz1","servers":[1]}]}),
            "invalid",
        ),
        (
            json!({"type":"PRIMARY","name":"okname","password":"x","rpmName":"nope.rpm","zones":[{"name":"zone1","idcName":"hz1","servers":[1]}]}),
            "rpmName",
        ),
        (
            json!({"type":"PRIMARY","name":"okname","password":"","rpmName":rpm,"zones":[{"name":"zone1","idcName":"hz1","servers":[1]}]}),
            "password",
        ),
        (
            json!({"type":"PRIMARY","name":"okname","password":"x","rpmName":rpm,"zones":[{"name":"zone1","idcName":"hz1","servers":[1]}]}),
            "does not exist",
        ),
    ] {
        let (st, v) = post(&c, &s, "/api/v2/ob/clusters", body).await;
        assert_eq!(st, StatusCode::BAD_REQUEST);
        assert!(
            v["error"]["message"].as_str().unwrap().contains(needle),
            "{v}"
        );
    }
    let used = cl["zones"][0]["servers"][0]["hostId"].clone();
    let (st, v) = post(&c, &s, "/api/v2/ob/clusters", json!({"type":"PRIMARY","name":"other","password":"x","rpmName":rpm,"zones":[{"name":"zone1","idcName":"hz1","servers":[used]}]})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("not free"),
        "{v}"
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_subtask_then_retry_succeeds() {
    let (s, c) = start(SimOptions {
        speed: 200.0,
        fail_subtasks: vec!["Install rpm".into()],
        ..Default::default()
    })
    .await;
    let (_, v) = create(&c, &s, "retry_me", 1).await;
    let tid = v["data"]["id"].as_i64().unwrap();
    let t = wait_task(&c, &s, tid, "FAILED").await;
    let f = failed_subtask(&t);
    assert_eq!(f["name"], "Install rpm");
    let sid = f["id"].as_i64().unwrap();
    let log = data(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/subtasks/{sid}/log"),
    )
    .await;
    assert!(log["log"].as_str().unwrap().contains("ERROR"));
    // Invalid operations: 400 + TASK_STATE_INVALID.
    let ok_sub = t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "SUCCESSFUL")
        .unwrap()["id"]
        .clone();
    for path in [
        format!("/api/v2/tasks/instances/{tid}/subtasks/{ok_sub}/skip"),
        format!("/api/v2/tasks/instances/{tid}/subtasks/{ok_sub}/retry"),
        format!("/api/v2/tasks/instances/{tid}/subtasks/{sid}/cancel"),
    ] {
        let (st, v) = post(&c, &s, &path, Value::Null).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(v["error"]["code"], 20003, "{v}");
    }
    let (st, v) = post(&c, &s, "/api/v2/tasks/instances/424242/retry", Value::Null).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["error"]["code"], 20000);
    // Retry the task.
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/retry"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["operation"], "RETRY");
    assert!(v["data"]["creator"].is_object());
    let t = wait_task(&c, &s, tid, "SUCCESSFUL").await;
    let again = t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == sid)
        .unwrap()
        .clone();
    assert_eq!(again["runTime"], 2);
    assert_eq!(again["status"], "SUCCESSFUL");
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/retry"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "retry of a SUCCESSFUL task");
    assert_eq!(
        cluster_by_name(&c, &s, "retry_me").await.unwrap()["status"],
        "RUNNING"
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subtask_retry_and_skip() {
    let (s, c) = start_fast().await;
    // Inject the failure through the control endpoint this time.
    let r = c
        .post(format!("{}/sim/fail-subtask", s.url()))
        .json(&json!({"name": "Do io bench"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, v) = create(&c, &s, "skipper", 1).await;
    let tid = v["data"]["id"].as_i64().unwrap();
    let t = wait_task(&c, &s, tid, "FAILED").await;
    let sid = failed_subtask(&t)["id"].as_i64().unwrap();
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/subtasks/{sid}/skip"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_shape(&fixture("subtask-skip.json"), &v, "skip");
    let t = wait_task(&c, &s, tid, "SUCCESSFUL").await;
    let skipped = t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == sid)
        .unwrap()
        .clone();
    assert_eq!(
        (skipped["status"].as_str(), skipped["operation"].as_str()),
        (Some("SUCCESSFUL"), Some("SKIP"))
    );

    // Subtask retry on a second task.
    let (_, v) = create(&c, &s, "retrier", 1).await;
    let tid = v["data"]["id"].as_i64().unwrap();
    let t = wait_task(&c, &s, tid, "FAILED").await;
    let sid = failed_subtask(&t)["id"].as_i64().unwrap();
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/subtasks/{sid}/retry"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_shape(
        &fixture("subtask-retry.json")["data"],
        &{
            let mut x = v["data"].clone();
            // the sample shows a finished subtask; ours was just re-queued
            x["startTime"] = json!("t");
            x["finishTime"] = json!("t");
            x
        },
        "subtask retry",
    );
    assert_eq!(v["data"]["operation"], "RETRY");
    wait_task(&c, &s, tid, "SUCCESSFUL").await;
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_running_subtask_ends_failed_with_cancel() {
    // Slow, so that the clock's steps stop inside the first subtask's run.
    let (s, c) = start(SimOptions {
        speed: 0.02,
        ..Default::default()
    })
    .await;
    let (_, v) = create(&c, &s, "canceled", 1).await;
    let tid = v["data"]["id"].as_i64().unwrap();
    let t = poll(&c, &s, &format!("/api/v2/tasks/instances/{tid}"), |t| {
        t["subtasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["status"] == "RUNNING")
    })
    .await;
    let running = t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["status"] == "RUNNING")
        .unwrap()["id"]
        .clone();
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/subtasks/{running}/cancel"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_shape(&fixture("subtask-cancel.json"), &v, "cancel");
    let t = wait_task(&c, &s, tid, "FAILED").await;
    let sub = t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == running)
        .unwrap()
        .clone();
    assert_eq!(sub["status"], "FAILED");
    assert_eq!(sub["operation"], "CANCEL");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_undoes_a_failed_create() {
    let (s, c) = start(SimOptions {
        speed: 200.0,
        fail_subtasks: vec!["Bootstrap ob".into()],
        ..Default::default()
    })
    .await;
    let before = free_hosts(&c, &s, "hz1").await;
    let (_, v) = create(&c, &s, "doomed", 1).await;
    let tid = v["data"]["id"].as_i64().unwrap();
    wait_task(&c, &s, tid, "FAILED").await;
    assert_eq!(free_hosts(&c, &s, "hz1").await.len(), before.len() - 1);
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/rollback"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["operation"], "ROLLBACK");
    let t = wait_task(&c, &s, tid, "SUCCESSFUL").await;
    assert_eq!(t["operation"], "ROLLBACK");
    assert!(t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["operation"] == "ROLLBACK"));
    assert!(cluster_by_name(&c, &s, "doomed").await.is_none());
    assert_eq!(free_hosts(&c, &s, "hz1").await, before);
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/rollback"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], 20003);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn takeover_precheck_and_takeover() {
    let (s, c) = start_fast().await;
    let body = json!({"address":"10.186.0.50","port":2881,"rootSysPassword":"RootSys_123"});
    let (st, v) = post(&c, &s, "/api/v2/ob/clusters/takeOverPreCheck", body.clone()).await;
    assert_eq!(st, StatusCode::OK);
    let d = &v["data"];
    assert_eq!(d["clusterName"], "nova");
    assert_eq!(d["result"]["valid"], true);
    assert!(d["result"]["messages"].as_array().unwrap().is_empty());
    let items = d["checkItems"].as_array().unwrap();
    assert!(items
        .iter()
        .all(|i| i["name"].is_string() && i["reason"].is_string() && i["fix"].is_string()));
    assert!(
        items.iter().any(|i| i["result"] == "WARN"),
        "hosts not in OCP warn"
    );
    // Wrong password and unknown address fail with reasons.
    let (_, v) = post(
        &c,
        &s,
        "/api/v2/ob/clusters/takeOverPreCheck",
        json!({"address":"10.186.0.50","port":2881,"rootSysPassword":"bad"}),
    )
    .await;
    assert_eq!(v["data"]["result"]["valid"], false);
    assert!(v["data"]["checkItems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["result"] == "FAIL" && i["name"] == "root@sys password"));
    let (_, v) = post(
        &c,
        &s,
        "/api/v2/ob/clusters/takeOverPreCheck",
        json!({"address":"10.1.2.3","port":2881,"rootSysPassword":"x"}),
    )
    .await;
    assert_eq!(v["data"]["result"]["valid"], false);
    let (st, _) = post(
        &c,
        &s,
        "/api/v2/ob/clusters/takeOverPreCheck",
        json!({"port":2881}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // The standby cannot go first.
    let (st, v) = post(&c, &s, "/api/v2/ob/clusters/takeOver", json!({"address":"10.186.1.50","port":2881,"rootSysPassword":"RootSys_123","hostInfo":{"hostTypeId":1,"credentialId":1}})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], 11042);
    // Without hostInfo the unknown hosts cannot be added.
    let (st, v) = post(&c, &s, "/api/v2/ob/clusters/takeOver", body.clone()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(v["error"]["message"].as_str().unwrap().contains("hostInfo"));
    let mut full = body.clone();
    full["hostInfo"] = json!({"kind":"DEDICATED_PHYSICAL_MACHINE","hostTypeId":1,"credentialId":1});
    let (st, v) = post(&c, &s, "/api/v2/ob/clusters/takeOver", full.clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["name"], "Take over primary OB cluster");
    let cid = v["data"]["clusterId"].as_i64().unwrap();
    let tid = v["data"]["id"].as_i64().unwrap();
    let names: Vec<&str> = v["data"]["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Run io calibration") && names.contains(&"Mc unlock ob clusters"));
    let cl = data(&c, &s, &format!("/api/v2/ob/clusters/{cid}")).await;
    assert!(cl["status"] == "TAKINGOVER" || cl["status"] == "RUNNING");
    wait_task(&c, &s, tid, "SUCCESSFUL").await;
    let cl = data(&c, &s, &format!("/api/v2/ob/clusters/{cid}")).await;
    assert_eq!(cl["status"], "RUNNING");
    assert_eq!(cl["serverCount"], 3);
    let hosts = data(&c, &s, "/api/v2/compute/hosts?keyword=10.186.0.&size=100").await;
    assert_eq!(hosts["page"]["totalElements"], 3);
    // Now managed: a second precheck fails; the standby passes.
    let (_, v) = post(&c, &s, "/api/v2/ob/clusters/takeOverPreCheck", body).await;
    assert_eq!(v["data"]["result"]["valid"], false);
    let (_, v) = post(
        &c,
        &s,
        "/api/v2/ob/clusters/takeOverPreCheck",
        json!({"address":"10.186.1.50","port":2881,"rootSysPassword":"RootSys_123"}),
    )
    .await;
    assert_eq!(v["data"]["result"]["valid"], true, "{v}");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_accepts_both_bodies_and_changes_the_version() {
    let (s, c) = start_fast().await;
    let protoss = cluster_by_name(&c, &s, "protoss").await.unwrap();
    let id = protoss["id"].as_i64().unwrap();
    // Downgrade and unknown packages are refused.
    let old = ob_rpm(&c, &s, "4.2.1.2").await;
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/ob/clusters/{id}/upgrade"),
        json!({"rpmFileName": old}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/ob/clusters/{id}/upgrade"),
        json!({"rpmFileName": "x.rpm"}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = post(
        &c,
        &s,
        "/api/v2/ob/clusters/777777/upgrade",
        json!({"rpmFileName": old}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // 4.2 body.
    let rpm = ob_rpm(&c, &s, "4.2.3.1").await;
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/ob/clusters/{id}/upgrade"),
        json!({"rpmFileName": rpm}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let tid = v["data"]["id"].as_i64().unwrap();
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/ob/clusters/{id}/upgrade"),
        json!({"rpmFileName": rpm}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "one change at a time");
    wait_task(&c, &s, tid, "SUCCESSFUL").await;
    let cl = data(&c, &s, &format!("/api/v2/ob/clusters/{id}")).await;
    assert_eq!(
        (cl["obVersion"].as_str(), cl["status"].as_str()),
        (Some("4.2.3.1"), Some("RUNNING"))
    );
    // 4.3 body with a zone order.
    let zones: Vec<Value> = cl["zones"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|z| z["name"].clone())
        .collect();
    let mut body = json!({"upgradeMode":"ROLLING","destVersion":"4.3.2.1","operatingSystem":"el7","freezeServer":true,"zoneOrder": zones});
    // The 4.3 page still requires the deprecated rpmFileName.
    let path = format!("/api/v2/ob/clusters/{id}/upgrade");
    let (st, v) = post(&c, &s, &path, body.clone()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("rpmFileName"), "{v}");
    body["rpmFileName"] = ob_rpm(&c, &s, "4.2.3.1").await.into();
    let (st, v) = post(&c, &s, &path, body.clone()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "another package: {v}");
    body["rpmFileName"] = ob_rpm(&c, &s, "4.3.2.1").await.into();
    let (st, v) = post(&c, &s, &path, body).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let stops: Vec<&str> = v["data"]["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["name"] == "Stop zone")
        .map(|x| x["description"].as_str().unwrap())
        .collect();
    assert_eq!(stops.len(), zones.len());
    assert_eq!(
        stops[0],
        format!("Stop zone {}", zones[0].as_str().unwrap())
    );
    wait_task(&c, &s, v["data"]["id"].as_i64().unwrap(), "SUCCESSFUL").await;
    let cl = data(&c, &s, &format!("/api/v2/ob/clusters/{id}")).await;
    assert_eq!(cl["obVersion"], "4.3.2.1");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obproxy_takeover_adds_proxies() {
    let (s, c) = start_fast().await;
    let proxies = data(&c, &s, "/api/v2/obproxy/clusters").await;
    let pid = proxies["contents"][0]["id"].as_i64().unwrap();
    let before = proxies["contents"][0]["obproxies"]
        .as_array()
        .unwrap()
        .len();
    let host = free_hosts(&c, &s, "sh1").await[0];
    let (st, v) = post(
        &c,
        &s,
        &format!("/api/v2/obproxy/clusters/{pid}/takeOver"),
        json!({"hosts":[{"hostId":host,"sqlPort":2883,"proxysysPasswd":"p"}]}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_shape(&fixture("obproxy-takeover.json"), &v, "OBProxy takeover");
    let tid = v["data"]["contents"][0]["id"].as_i64().unwrap();
    assert_eq!(v["data"]["contents"][0]["hostId"], host);
    wait_task(&c, &s, tid, "SUCCESSFUL").await;
    let pd = data(&c, &s, &format!("/api/v2/obproxy/clusters/{pid}")).await;
    let ps = pd["obproxies"].as_array().unwrap();
    assert_eq!(ps.len(), before + 1);
    assert!(ps
        .iter()
        .any(|p| p["hostId"] == host && p["status"] == "RUNNING"));
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/obproxy/clusters/{pid}/takeOver"),
        json!({"hosts":[{"hostId":host,"sqlPort":2883}]}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "host already runs an OBProxy");
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/obproxy/clusters/{pid}/takeOver"),
        json!({"hosts":[]}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = post(
        &c,
        &s,
        "/api/v2/obproxy/clusters/4/takeOver",
        json!({"hosts":[{"hostId":host}]}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    s.shutdown().await;
}

/// The id of the host with `ip`.
async fn host_with_ip(c: &reqwest::Client, s: &SimHandle, ip: &str) -> i64 {
    let hosts = data(c, s, "/api/v2/compute/hosts?size=2000").await;
    hosts["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["innerIpAddress"] == ip || h["ip"] == ip)
        .and_then(|h| h["id"].as_i64())
        .unwrap_or_else(|| panic!("no host {ip}"))
}

/// An OBProxy whose root@proxysys password is not the default is taken over only with that
/// password in its host's entry (`hosts[].proxysysPasswd`, OCP 4.3); a top-level one is no
/// field of the body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obproxy_takeover_needs_each_hosts_proxysys_password() {
    use obtui_sim::inventory::{PROXY_CANDIDATE_PREFIX, PROXY_CANDIDATE_PROXYSYS_PASSWORD as PW};
    let (s, c) = start_fast().await;
    let proxies = data(&c, &s, "/api/v2/obproxy/clusters").await;
    let pid = proxies["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "proxy_main")
        .and_then(|p| p["id"].as_i64())
        .expect("proxy_main");
    let host = host_with_ip(&c, &s, &format!("{PROXY_CANDIDATE_PREFIX}11")).await;
    let path = format!("/api/v2/obproxy/clusters/{pid}/takeOver");
    for (body, why) in [
        (
            json!({"hosts":[{"hostId":host,"sqlPort":2883}],"proxysysPasswd":PW}),
            "no root@proxysys password",
        ),
        (
            json!({"hosts":[{"hostId":host,"sqlPort":2883,"proxysysPasswd":"nope"}]}),
            "is wrong",
        ),
    ] {
        let (st, v) = post(&c, &s, &path, body).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
        let msg = v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(msg.contains("root@proxysys") && msg.contains(why), "{v}");
    }
    // A proxy that breaks a take-over condition is refused too (1.7.6 < 1.8.0).
    let old = host_with_ip(&c, &s, &format!("{PROXY_CANDIDATE_PREFIX}12")).await;
    let (st, v) = post(
        &c,
        &s,
        &path,
        json!({"hosts":[{"hostId":old,"sqlPort":2883}]}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("1.7.6"), "{v}");
    let (st, v) = post(
        &c,
        &s,
        &path,
        json!({"hosts":[{"hostId":host,"sqlPort":2883,"proxysysPasswd":PW}]}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let tid = v["data"]["contents"][0]["id"].as_i64().unwrap();
    wait_task(&c, &s, tid, "SUCCESSFUL").await;
    s.shutdown().await;
}

/// OCP's public API has no OBProxy take-over precheck, and the simulator serves none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_obproxy_takeover_precheck_route() {
    let (s, c) = start_fast().await;
    let (st, v) = post(
        &c,
        &s,
        "/api/v2/obproxy/clusters/1/takeOverPreCheck",
        json!({"hosts":[{"hostId":1,"sqlPort":2883}]}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_injection() {
    let (s, c) = start(SimOptions::default()).await;
    let faults = format!("{}/sim/faults", s.url());
    let hosts = format!("{}/api/v2/compute/hosts", s.url());
    let get_hosts = || c.get(&hosts).basic_auth(USER, Some(PASS)).send();

    // 500 with an envelope, then without, limited to a path prefix.
    c.post(&faults)
        .json(&json!({"error_status":500,"error_count":1,"path_prefix":"/api/v2/compute"}))
        .send()
        .await
        .unwrap();
    let (st, _) = get(&c, &s, "/api/v2/ob/clusters").await;
    assert_eq!(st, StatusCode::OK, "other paths unaffected");
    let r = get_hosts().await.unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["successful"], false);
    assert_eq!(v["status"], 500);
    // OCP's unexpected error is COMMON_UNEXPECTED, 10010 (there is no 10000).
    assert_eq!(v["error"]["code"], 10010, "{v}");
    c.post(&faults)
        .json(&json!({"error_status":503,"error_count":1,"error_body":false}))
        .send()
        .await
        .unwrap();
    let r = get_hosts().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.bytes().await.unwrap().is_empty());
    assert_eq!(
        get_hosts().await.unwrap().status(),
        StatusCode::OK,
        "count exhausted"
    );

    // Garbage bodies: 200 but not JSON.
    c.post(&faults)
        .json(&json!({"garbage_count":2}))
        .send()
        .await
        .unwrap();
    for _ in 0..2 {
        let r = get_hosts().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let b = r.bytes().await.unwrap();
        assert!(serde_json::from_slice::<Value>(&b).is_err());
    }
    // Dropped connection mid-body.
    c.post(&faults)
        .json(&json!({"drop_count":1}))
        .send()
        .await
        .unwrap();
    let r = get_hosts().await;
    match r {
        Err(_) => {}
        Ok(resp) => assert!(resp.bytes().await.is_err(), "body must break"),
    }
    assert_eq!(get_hosts().await.unwrap().status(), StatusCode::OK);

    // A huge body: the real answer behind a first member of 3 MB, no Content-Length.
    let plain: Value = get_hosts().await.unwrap().json().await.unwrap();
    c.post(&faults)
        .json(&json!({"huge_count":1,"huge_mb":3}))
        .send()
        .await
        .unwrap();
    let r = get_hosts().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.content_length().is_none(), "streamed without a length");
    let b = r.bytes().await.unwrap();
    assert!(b.len() >= 3 * 1024 * 1024, "{} bytes", b.len());
    let mut padded: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(padded["padding"].as_str().unwrap().len(), 3 * 1024 * 1024);
    padded.as_object_mut().unwrap().remove("padding");
    assert_eq!(
        padded["data"], plain["data"],
        "the real answer follows the padding"
    );
    assert!(get_hosts().await.unwrap().bytes().await.unwrap().len() < 1024 * 1024);

    // Latency: not answered before the delay.
    c.post(&faults)
        .json(&json!({"latency_ms":300}))
        .send()
        .await
        .unwrap();
    let t0 = Instant::now();
    assert_eq!(get_hosts().await.unwrap().status(), StatusCode::OK);
    assert!(t0.elapsed() >= Duration::from_millis(300));
    let st: Value = c
        .get(format!("{}/sim/state", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(st["faults"]["latency_ms"], 300);
    assert_eq!(st["takeover"]["address"], "10.186.0.50");
    c.delete(&faults).send().await.unwrap();
    let st: Value = c.get(&faults).send().await.unwrap().json().await.unwrap();
    assert_eq!(st["faults"]["latency_ms"], 0);
    let r = c
        .post(&faults)
        .json(&json!({"bogus":1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Password change mid-session.
    c.post(format!("{}/sim/password", s.url()))
        .json(&json!({"password":"n3w_Pass"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        get_hosts().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let r = c
        .get(&hosts)
        .basic_auth(USER, Some("n3w_Pass"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_seed_same_inventory_other_seed_differs() {
    let inv = |seed: u64| async move {
        let (s, c) = start(SimOptions {
            seed,
            ..Default::default()
        })
        .await;
        let mut out = Vec::new();
        for p in [
            "/api/v2/ob/clusters?size=2000",
            "/api/v2/compute/hosts?size=2000",
            "/api/v2/obproxy/clusters",
            "/api/v2/software-packages?size=100",
        ] {
            out.push(data(&c, &s, p).await);
        }
        s.shutdown().await;
        out
    };
    let a = inv(7).await;
    let b = inv(7).await;
    for (x, y) in a.iter().zip(&b) {
        if x != y {
            let (xs, ys) = (x.to_string(), y.to_string());
            let at = xs
                .bytes()
                .zip(ys.bytes())
                .position(|(p, q)| p != q)
                .unwrap_or(0);
            panic!(
                "same seed, different JSON near: {}",
                &xs[at.saturating_sub(200)..(at + 100).min(xs.len())]
            );
        }
    }
    let d = inv(8).await;
    assert!(a != d, "another seed gives another inventory");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_1000_counts() {
    let t0 = Instant::now();
    let (s, c) = start(SimOptions {
        scale: 1000,
        ..Default::default()
    })
    .await;
    let _built_in = t0.elapsed();
    let cl = data(&c, &s, "/api/v2/ob/clusters?size=1").await;
    assert_eq!(cl["page"]["totalElements"], 1000);
    let h = data(&c, &s, "/api/v2/compute/hosts?size=2000&page=2").await;
    let total = h["page"]["totalElements"].as_u64().unwrap();
    assert!((9_500..=11_000).contains(&total), "{total} hosts");
    assert_eq!(h["contents"].as_array().unwrap().len(), 2000);
    assert_eq!(
        h["page"]["totalPages"].as_u64().unwrap(),
        total.div_ceil(2000)
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_running_task_progresses_and_logs_grow() {
    let (s, c) = start(SimOptions {
        speed: 20.0,
        ..Default::default()
    })
    .await;
    let running = data(&c, &s, "/api/v2/tasks/instances?status=RUNNING").await;
    let tid = running["contents"][0]["id"].as_i64().unwrap();
    // Nothing moves until the clock is stepped.
    let first = data(&c, &s, &format!("/api/v2/tasks/instances/{tid}")).await;
    assert_eq!(
        data(&c, &s, &format!("/api/v2/tasks/instances/{tid}")).await["subtasks"],
        first["subtasks"]
    );
    // At 20x the first subtasks finish quickly; the log of a finished one has lines.
    let t = poll(&c, &s, &format!("/api/v2/tasks/instances/{tid}"), |t| {
        t["subtasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["status"] == "SUCCESSFUL")
            .count()
            >= 3
    })
    .await;
    let done = t["subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["status"] == "SUCCESSFUL")
        .unwrap()
        .clone();
    assert!(done["startTime"].is_string() && done["finishTime"].is_string());
    let log = data(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/subtasks/{}/log", done["id"]),
    )
    .await;
    assert!(log["log"].as_str().unwrap().lines().count() >= 4);
    // Ordering invariant: no subtask started before its upstreams finished.
    let subs = t["subtasks"].as_array().unwrap();
    for sub in subs.iter().filter(|x| x["startTime"].is_string()) {
        for up in sub["upstreams"].as_array().unwrap() {
            let u = subs.iter().find(|x| &x["id"] == up).unwrap();
            assert_eq!(
                u["status"], "SUCCESSFUL",
                "{} started before {}",
                sub["name"], u["name"]
            );
        }
    }
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obshell_agent_api_is_mounted_beside_ocp() {
    let (s, c) = start(SimOptions::default()).await;
    let r = c
        .get(format!("{}/api/v1/secret", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["data"]["public_key"].is_string(),
        "the agent's secret: {v}"
    );
    let r = c
        .get(format!("{}/api/v1/no_such_route", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The fault layer covers the agent API too.
    c.post(format!("{}/sim/faults", s.url()))
        .json(&json!({"error_status":502,"error_count":1,"path_prefix":"/api/v1"}))
        .send()
        .await
        .unwrap();
    let r = c
        .get(format!("{}/api/v1/secret", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_input_never_breaks_the_server() {
    use rand::{Rng, SeedableRng};
    let (s, c) = start_fast().await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let posts = [
        "/api/v2/ob/clusters",
        "/api/v2/ob/clusters/takeOverPreCheck",
        "/api/v2/ob/clusters/takeOver",
        "/api/v2/ob/clusters/1001/upgrade",
        "/api/v2/obproxy/clusters/1031/takeOver",
        "/sim/faults",
        "/sim/fail-subtask",
    ];
    let gets = [
        "/api/v2/ob/clusters",
        "/api/v2/compute/hosts",
        "/api/v2/tasks/instances",
        "/api/v2/ob/tenants",
        "/api/v2/software-packages",
    ];
    let pieces = [
        "{",
        "}",
        "[",
        "]",
        "\"name\"",
        ":",
        ",",
        "null",
        "-1",
        "1e999",
        "\"zones\"",
        "\"servers\"",
        "[1,2]",
        "\"hosts\"",
        "{\"hostId\":",
        "\"\u{fffd}\"",
        "9223372036854775808",
        "true",
        "%",
        "\"port\":",
        "\"address\":\"10.186.0.50\"",
        "\"rpmFileName\":",
        "\"destVersion\":\"4\"",
    ];
    for i in 0..150 {
        let body: String = (0..rng.gen_range(0..12))
            .map(|_| pieces[rng.gen_range(0..pieces.len())])
            .collect();
        let path = posts[i % posts.len()];
        let r = c
            .post(format!("{}{}", s.url(), path))
            .basic_auth(USER, Some(PASS))
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let st = r.status();
        assert!(st.as_u16() < 500, "{path} {body:?} → {st}");
        let v: Value = r
            .json()
            .await
            .unwrap_or_else(|e| panic!("{path} {body:?}: not JSON: {e}"));
        if st != StatusCode::OK {
            assert!(v["error"]["message"].is_string(), "{path} {body:?}: {v}");
        }
        let q: String = (0..rng.gen_range(0..6))
            .map(|_| {
                [
                    "page=", "size=", "sort=", "status=", "name=", "&", "%", "x", "-9", "id,desc",
                    "==",
                ][rng.gen_range(0..11)]
            })
            .collect();
        let path = gets[i % gets.len()];
        let r = c
            .get(format!("{}{}?{}", s.url(), path, q))
            .basic_auth(USER, Some(PASS))
            .send()
            .await
            .unwrap();
        assert!(r.status().as_u16() < 500, "{path}?{q}");
        r.json::<Value>()
            .await
            .unwrap_or_else(|e| panic!("{path}?{q}: not JSON: {e}"));
    }
    // Still serving normally.
    c.delete(format!("{}/sim/faults", s.url()))
        .send()
        .await
        .unwrap();
    c.delete(format!("{}/sim/fail-subtask", s.url()))
        .send()
        .await
        .unwrap();
    let d = data(&c, &s, "/api/v2/ob/clusters").await;
    assert!(d["page"]["totalElements"].as_u64().unwrap() >= 4);
    s.shutdown().await;
}

/// The tenant detail in the documented shape (zones with resource pools and units), its
/// units the same ones the cluster's unit list shows, and every tenant listed once across
/// the pages of `/ob/tenants`, at every scale.
#[tokio::test]
async fn tenants_list_page_and_detail_with_units() {
    for scale in [1, 3] {
        let (s, c) = start(SimOptions {
            scale,
            ..Default::default()
        })
        .await;
        let clusters = data(&c, &s, "/api/v2/ob/clusters?size=2000").await;
        let cluster_tenants: i64 = clusters["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["tenantCount"].as_i64().unwrap())
            .sum();
        // Paged in threes: each tenant once, as many as the clusters announce.
        let mut ids = Vec::new();
        let mut page = 1;
        loop {
            let d = data(&c, &s, &format!("/api/v2/ob/tenants?page={page}&size=3")).await;
            let items = d["contents"].as_array().unwrap().clone();
            ids.extend(items.iter().map(|t| t["id"].as_i64().unwrap()));
            if page >= d["page"]["totalPages"].as_i64().unwrap() {
                assert_eq!(
                    d["page"]["totalElements"].as_i64().unwrap(),
                    ids.len() as i64
                );
                break;
            }
            page += 1;
        }
        assert_eq!(ids.len() as i64, cluster_tenants, "scale {scale}");
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "pages overlap at scale {scale}");

        // Every tenant's detail, at scale 1: shape and units.
        if scale != 1 {
            continue;
        }
        let all = data(&c, &s, "/api/v2/ob/tenants?size=2000").await;
        for t in all["contents"].as_array().unwrap() {
            let (cid, tid) = (&t["clusterId"], &t["id"]);
            let d = data(&c, &s, &format!("/api/v2/ob/clusters/{cid}/tenants/{tid}")).await;
            assert_shape(
                &fixture("ob-tenant-detail.json")["data"],
                &d,
                "tenant detail",
            );
            let units = data(&c, &s, &format!("/api/v2/ob/clusters/{cid}/units")).await;
            let mut listed: Vec<(String, String)> = units["contents"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|u| u["tenantId"] == *tid)
                .map(|u| (u["svrIp"].to_string(), u["zone"].to_string()))
                .collect();
            let mut detailed: Vec<(String, String)> = d["zones"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|z| z["units"].as_array().unwrap().clone())
                .map(|u| (u["serverIp"].to_string(), u["zoneName"].to_string()))
                .collect();
            listed.sort();
            detailed.sort();
            assert!(!detailed.is_empty(), "{}", t["name"]);
            assert_eq!(listed, detailed, "tenant {}", t["name"]);
            for z in d["zones"].as_array().unwrap() {
                let pool = &z["resourcePool"];
                assert_eq!(
                    pool["unitCount"].as_u64().unwrap() as usize,
                    z["units"].as_array().unwrap().len()
                );
            }
        }
        // An unknown tenant is a 404, not an empty detail.
        let cid = &all["contents"][0]["clusterId"];
        let (st, _) = get(
            &c,
            &s,
            &format!("/api/v2/ob/clusters/{cid}/tenants/999999999"),
        )
        .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
}
