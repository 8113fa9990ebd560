//! Alarms and audit events over real HTTP: the documented shapes key by key, alarms raised by a
//! failed task and cleared by its retry or rollback, the `/sim/faults` alarm, and an audit
//! event for every write.

use std::time::Duration;

use obtui_sim::{self as sim, Clock, SimHandle, SimOptions};
use reqwest::StatusCode;
use serde_json::{json, Value};

const USER: &str = "admin";
const PASS: &str = "aaAA11__";

async fn start(fail: &[&str]) -> (SimHandle, reqwest::Client) {
    let opts = SimOptions {
        clock: Clock::manual_now(),
        speed: 200.0,
        fail_subtasks: fail.iter().map(|s| s.to_string()).collect(),
        ..SimOptions::default()
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

async fn data(c: &reqwest::Client, s: &SimHandle, path: &str) -> Value {
    let r = c
        .get(format!("{}{path}", s.url()))
        .basic_auth(USER, Some(PASS))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["successful"], true, "{path}: {v}");
    v["data"].clone()
}

async fn post(c: &reqwest::Client, s: &SimHandle, path: &str, body: Value) -> (StatusCode, Value) {
    let r = c
        .post(format!("{}{path}", s.url()))
        .basic_auth(USER, Some(PASS))
        .json(&body)
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap_or(Value::Null))
}

fn fixture(name: &str) -> Value {
    let p = format!(
        "{}/../../tests/fixtures/ocp/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// Every key of the sample's object is in ours, with the same JSON type (null accepts any).
fn same_keys(sample: &Value, mine: &Value, what: &str) {
    let (Some(f), Some(m)) = (sample.as_object(), mine.as_object()) else {
        panic!("{what}: not objects");
    };
    for (k, fv) in f {
        let mv = m
            .get(k)
            .unwrap_or_else(|| panic!("{what}.{k}: missing in {mine}"));
        let same = matches!(
            (fv, mv),
            (Value::Null, _)
                | (Value::Bool(_), Value::Bool(_))
                | (Value::Number(_), Value::Number(_))
                | (Value::String(_), Value::String(_))
                | (Value::Array(_), Value::Array(_))
                | (Value::Object(_), Value::Object(_))
        );
        assert!(same, "{what}.{k}: {fv} in the sample, {mv} here");
    }
}

/// Step the manual clock until `path`'s data satisfies `done`.
async fn poll(
    c: &reqwest::Client,
    s: &SimHandle,
    path: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..2400 {
        let d = data(c, s, path).await;
        if done(&d) {
            return d;
        }
        assert!(s.advance(Duration::from_millis(250)));
    }
    panic!("{path} never got there: {}", data(c, s, path).await);
}

async fn create_cluster(c: &reqwest::Client, s: &SimHandle, name: &str) -> i64 {
    let hosts = data(c, s, "/api/v2/compute/hosts?size=2000").await;
    let host = hosts["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["services"].as_array().is_some_and(|a| a.is_empty()) && h["idcName"] == "hz1")
        .and_then(|h| h["id"].as_i64())
        .expect("a free host");
    let p = data(
        c,
        s,
        "/api/v2/software-packages?type=OB_SERVER_INSTALL_PACKAGE&version=4.2.2.0",
    )
    .await;
    let rpm = p["contents"][0]["fileName"].as_str().unwrap().to_string();
    let (st, v) = post(
        c,
        s,
        "/api/v2/ob/clusters",
        json!({
            "type": "PRIMARY", "name": name, "password": "Secret_123", "primaryZone": "",
            "rpmName": rpm,
            "zones": [{ "name": "zone1", "idcName": "hz1", "servers": [host] }],
        }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["data"]["id"].as_i64().unwrap()
}

fn active(list: &Value) -> Vec<Value> {
    list["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "Active")
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_task_raises_an_alarm_and_its_retry_clears_it() {
    let (s, c) = start(&["Install rpm"]).await;
    assert!(active(&data(&c, &s, "/api/v2/alarm/alarms").await).is_empty());
    let tid = create_cluster(&c, &s, "alarmed").await;
    let list = poll(&c, &s, "/api/v2/alarm/alarms?status=Active", |d| {
        d["page"]["totalElements"] == 1
    })
    .await;
    let a = &list["contents"][0];
    assert_eq!(a["level"], 2);
    assert_eq!(a["scope"], "ObCluster");
    assert_eq!(a["target"], "ob_cluster=alarmed");
    assert_eq!(a["labels"]["ob_cluster"], "alarmed");
    assert_eq!(a["labels"]["alarm_level"], "Critical");
    assert_eq!(a["labels"]["task_id"], tid.to_string());
    assert!(a["summary"].as_str().unwrap().contains(&tid.to_string()));
    assert!(a.get("resolvedAt").is_none());
    let id = a["id"].as_i64().unwrap();
    // The filters: by level, by cluster, by keyword.
    let none = data(&c, &s, "/api/v2/alarm/alarms?level=1").await;
    assert_eq!(none["page"]["totalElements"], 0);
    let by = data(
        &c,
        &s,
        "/api/v2/alarm/alarms?obCluster=alarmed&keyword=failed",
    )
    .await;
    assert_eq!(by["page"]["totalElements"], 1);

    // Retry: the task succeeds and its alarm is resolved.
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/retry"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let one = poll(&c, &s, &format!("/api/v2/alarm/alarms/{id}"), |a| {
        a["status"] == "Inactive"
    })
    .await;
    assert!(one["resolvedAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(one["labels"]["alarm_status"], "Inactive");
    assert_eq!(
        data(&c, &s, &format!("/api/v2/tasks/instances/{tid}")).await["status"],
        "SUCCESSFUL"
    );
    let left = data(&c, &s, "/api/v2/alarm/alarms?status=Active").await;
    assert_eq!(left["page"]["totalElements"], 0);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_task_clears_its_alarm() {
    let (s, c) = start(&["Bootstrap ob"]).await;
    let tid = create_cluster(&c, &s, "doomed").await;
    poll(&c, &s, "/api/v2/alarm/alarms?status=Active", |d| {
        d["page"]["totalElements"] == 1
    })
    .await;
    let (st, _) = post(
        &c,
        &s,
        &format!("/api/v2/tasks/instances/{tid}/rollback"),
        Value::Null,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    poll(&c, &s, "/api/v2/alarm/alarms?status=Active", |d| {
        d["page"]["totalElements"] == 0
    })
    .await;
    let all = data(&c, &s, "/api/v2/alarm/alarms?status=Inactive").await;
    assert_eq!(all["page"]["totalElements"], 1);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alarm_fault_raises_and_resolves_with_the_documented_shape() {
    let (s, c) = start(&[]).await;
    let r = c
        .post(format!("{}/sim/faults", s.url()))
        .json(&json!({"alarm": {"level": 1, "cluster": "terran", "tenant": "sys", "summary": "tenant down"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let id = v["alarm"]["id"].as_i64().unwrap();
    assert_eq!(v["alarm"]["scope"], "ObTenant");

    let list = data(&c, &s, "/api/v2/alarm/alarms?status=Active&page=1&size=10").await;
    let sample = fixture("alarm-alarms-list.json");
    same_keys(&sample["data"]["page"], &list["page"], "page");
    let mine = &list["contents"][0];
    same_keys(&sample["data"]["contents"][0], mine, "alarm");
    assert_eq!(mine["level"], 1);
    assert_eq!(mine["summary"], "tenant down");
    assert_eq!(mine["labels"]["tenant_name"], "sys");
    assert_eq!(mine["labels"]["alarm_level"], "Stopped");
    // The sample's own alarm labels are ours too.
    for k in [
        "alarm_name",
        "alarm_type",
        "alarm_level",
        "alarm_status",
        "alarm_scope",
        "alarm_summary",
        "alarm_description",
        "alarm_target",
        "alarm_active_at",
        "alarm_updated_at",
        "app",
        "app_type",
    ] {
        assert!(mine["labels"][k].is_string(), "labels.{k}: {mine}");
    }
    // A size above 200 is cut to 200.
    let big = data(&c, &s, "/api/v2/alarm/alarms?size=2000").await;
    assert_eq!(big["page"]["size"], 200);

    let one = data(&c, &s, &format!("/api/v2/alarm/alarms/{id}")).await;
    same_keys(
        &fixture("alarm-alarm-detail.json")["data"],
        &{
            // The detail sample is an Inactive alarm: resolve ours first to compare every key.
            let r = c
                .post(format!("{}/sim/faults", s.url()))
                .json(&json!({"alarm": {"resolve": id}}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            data(&c, &s, &format!("/api/v2/alarm/alarms/{id}")).await
        },
        "alarm detail",
    );
    assert_eq!(one["status"], "Active");
    let notes = data(&c, &s, "/api/v2/alarm/notifications").await;
    same_keys(
        &fixture("alarm-notifications-list.json")["data"]["contents"][0],
        &notes["contents"][0],
        "notification",
    );
    // Unknown names and levels are refused.
    for bad in [
        json!({"level": 9}),
        json!({"cluster": "nope"}),
        json!({"tenant": "sys"}),
    ] {
        let r = c
            .post(format!("{}/sim/faults", s.url()))
            .json(&json!({ "alarm": bad }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let r = c
        .get(format!("{}/api/v2/alarm/alarms/424242", s.url()))
        .basic_auth(USER, Some(PASS))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accepted_write_records_an_audit_event() {
    let (s, c) = start(&["Install rpm"]).await;
    let none = data(&c, &s, "/api/v2/audit/events").await;
    assert_eq!(none["page"]["totalElements"], 0, "reads are not audited");
    let tid = create_cluster(&c, &s, "audited").await;
    // A refused write is recorded as FAILED; a precheck is not a write.
    let (st, _) = post(&c, &s, "/api/v2/tasks/instances/424242/retry", Value::Null).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let _ = post(&c, &s, "/api/v2/ob/clusters/takeOverPreCheck", json!({})).await;
    // Unauthenticated writes are not accepted, nor recorded.
    let r = c
        .post(format!("{}/api/v2/ob/clusters/1/upgrade", s.url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let ev = data(&c, &s, "/api/v2/audit/events?page=1&size=10").await;
    assert_eq!(ev["page"]["totalElements"], 2, "{ev}");
    let sample = fixture("audit-events-list.json");
    same_keys(&sample["data"]["page"], &ev["page"], "page");
    // Newest first.
    // (A refused retry of an unknown task names no resource: only its keys are checked.)
    let failed = &ev["contents"][0];
    for k in sample["data"]["contents"][0].as_object().unwrap().keys() {
        assert!(failed.get(k).is_some(), "event.{k}: missing in {failed}");
    }
    assert_eq!(failed["operationEvent"], "RETRY_TASK");
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["eventInfo"], r#"{"taskId":424242}"#);
    let created = &ev["contents"][1];
    same_keys(&sample["data"]["contents"][0], created, "event");
    assert_eq!(created["operationEvent"], "CREATE_OB_CLUSTER");
    assert_eq!(created["eventType"], "OB_CLUSTER_MANAGEMENT");
    assert_eq!(created["resourceType"], "OB_CLUSTER");
    assert_eq!(created["resourceName"], "audited");
    assert_eq!(created["operatorName"], USER);
    assert_eq!(created["status"], "SUCCESS");
    assert_eq!(created["taskId"], tid);
    // No body, no password, in the event.
    assert!(!ev.to_string().contains("Secret_123"));

    // Filters and order.
    let ok = data(&c, &s, "/api/v2/audit/events?status=SUCCESS").await;
    assert_eq!(ok["page"]["totalElements"], 1);
    let named = data(&c, &s, "/api/v2/audit/events?resourceName=audit").await;
    assert_eq!(named["contents"][0]["id"], created["id"]);
    let oldest = data(&c, &s, "/api/v2/audit/events?order=startTime,asc").await;
    assert_eq!(oldest["contents"][0]["operationEvent"], "CREATE_OB_CLUSTER");
    s.shutdown().await;
}
