//! `POST /sim/tasks`: a big running task in the documented task shape, for performance work,
//! and the per-path request counts of `GET /sim/state`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use obtui_api::ocp::models::{SubtaskStatus, TaskInstance, TaskStatus};
use obtui_api::ocp::{OcpClient, OcpConfig};
use obtui_api::secret::Secret;
use obtui_sim::{Clock, SimHandle, SimOptions};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn start() -> (SimHandle, reqwest::Client) {
    let s = obtui_sim::start(
        "127.0.0.1:0".parse().unwrap(),
        SimOptions {
            clock: Clock::manual_now(),
            ..SimOptions::default()
        },
    )
    .await
    .expect("sim starts");
    let c = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    (s, c)
}

async fn post_task(c: &reqwest::Client, s: &SimHandle, body: &str) -> (StatusCode, Value) {
    let r = c
        .post(format!("{}/sim/tasks", s.url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn state(c: &reqwest::Client, s: &SimHandle) -> Value {
    c.get(format!("{}/sim/state", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn client(s: &SimHandle) -> OcpClient {
    OcpClient::new(OcpConfig::new(s.url(), "admin", Secret::new("aaAA11__"))).unwrap()
}

/// Every dependency names a subtask of the task, both directions agree, and the graph is
/// acyclic (Kahn's algorithm reaches every node).
fn check_dag(t: &TaskInstance) {
    let ids: HashSet<i64> = t.subtasks.iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), t.subtasks.len(), "ids are unique");
    let by_id: HashMap<i64, _> = t.subtasks.iter().map(|s| (s.id, s)).collect();
    let mut indeg: HashMap<i64, usize> = HashMap::new();
    for s in &t.subtasks {
        for u in &s.upstreams {
            assert!(by_id[u].downstreams.contains(&s.id), "{u} -> {}", s.id);
        }
        for d in &s.downstreams {
            assert!(by_id[d].upstreams.contains(&s.id), "{} -> {d}", s.id);
        }
        indeg.insert(s.id, s.upstreams.len());
    }
    let mut ready: Vec<i64> = indeg
        .iter()
        .filter(|(_, &n)| n == 0)
        .map(|(&id, _)| id)
        .collect();
    assert_eq!(ready.len(), 1, "one start node");
    let mut seen = 0;
    while let Some(id) = ready.pop() {
        seen += 1;
        for d in &by_id[&id].downstreams {
            let n = indeg.get_mut(d).unwrap();
            *n -= 1;
            if *n == 0 {
                ready.push(*d);
            }
        }
    }
    assert_eq!(seen, t.subtasks.len(), "acyclic");
}

#[tokio::test]
async fn a_big_task_runs_slowly_in_the_documented_shape() {
    let (s, c) = start().await;
    let (st, v) = post_task(&c, &s, r#"{"subtasks": 5000}"#).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["subtasks"], 5000);
    let id = v["id"].as_i64().expect("an id");

    let running = state(&c, &s).await;
    assert!(
        running["runningTasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id),
        "{running}"
    );

    // Through the real client: the detail parses into the documented model.
    let ocp = client(&s);
    let t = ocp.get_task(id).await.expect("the detail parses");
    assert_eq!(t.subtasks.len(), 5000);
    assert_eq!(t.status, TaskStatus::Running);
    check_dag(&t);
    // Fan-outs to servers: parallel subtasks carry their index and their server.
    let parallel = t
        .subtasks
        .iter()
        .filter(|s| s.parallel_idx.is_some_and(|p| p >= 0))
        .count();
    assert!(parallel > 4000, "{parallel} parallel subtasks");
    let joins = t
        .subtasks
        .iter()
        .filter(|s| s.upstreams.len() == 64)
        .count();
    assert!(joins >= 70, "{joins} joins of a 64-wide batch");
    let series: HashSet<Option<i64>> = t.subtasks.iter().map(|s| s.series_id).collect();
    assert_eq!(series.len(), 5000, "every subtask has its own seriesId");

    // It advances, slowly: a minute later the first batch is under way, most is pending.
    assert!(s.advance(Duration::from_secs(60)));
    let t2 = ocp.get_task(id).await.unwrap();
    let count = |st: SubtaskStatus| t2.subtasks.iter().filter(|x| x.status == st).count();
    assert!(count(SubtaskStatus::Successful) >= 2, "some finished");
    assert!(
        count(SubtaskStatus::Running) + count(SubtaskStatus::Ready) > 0,
        "some run"
    );
    assert!(count(SubtaskStatus::Pending) > 4500, "most wait");
    assert_eq!(t2.status, TaskStatus::Running);

    // The detail requests are counted under the path's shape; list walks count first pages.
    let _ = ocp.get_task(id).await.unwrap();
    let st = state(&c, &s).await;
    let detail = &st["requests"]["paths"]["/api/v2/tasks/instances/{id}"];
    assert_eq!(detail["requests"], 3, "{st}");
    assert_eq!(detail["firstPages"], 3);
    for (q, first) in [("", 1), ("?page=1&size=10", 2), ("?page=2&size=10", 2)] {
        let r = c
            .get(format!("{}/api/v2/compute/hosts{q}", s.url()))
            .basic_auth("admin", Some("aaAA11__"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let st = state(&c, &s).await;
        assert_eq!(
            st["requests"]["paths"]["/api/v2/compute/hosts"]["firstPages"], first,
            "{q}"
        );
    }
}

#[tokio::test]
async fn a_twenty_thousand_subtask_task_is_served_and_advanced_quickly() {
    let (s, c) = start().await;
    let (st, v) = post_task(&c, &s, &json!({ "subtasks": 20_000 }).to_string()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    // Ticks stay cheap at this size (dependencies are looked up by index, not searched):
    // generous bounds, a shared machine, a debug build.
    let t0 = std::time::Instant::now();
    for _ in 0..20 {
        assert!(s.advance(Duration::from_millis(200)));
    }
    assert!(
        t0.elapsed() < Duration::from_secs(20),
        "20 ticks took {:?}",
        t0.elapsed()
    );
    let t = client(&s).get_task(id).await.unwrap();
    assert_eq!(t.subtasks.len(), 20_000);
    check_dag(&t);
}

#[tokio::test]
async fn bad_big_task_requests_are_refused() {
    let (s, c) = start().await;
    for body in [
        r#"{"subtasks": 2}"#,
        r#"{"subtasks": 100001}"#,
        r#"{"subtasks": -5}"#,
        r#"{"subtasks": "many"}"#,
        r#"{}"#,
        "not json",
        "",
    ] {
        let (st, v) = post_task(&c, &s, body).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}: {v}");
    }
    let st = state(&c, &s).await;
    let before = st["runningTasks"].as_array().unwrap().len();
    assert!(before >= 1, "the seeded upgrade runs");
    let (ok, _) = post_task(&c, &s, r#"{"subtasks": 3}"#).await;
    assert_eq!(ok, StatusCode::OK);
    let st = state(&c, &s).await;
    assert_eq!(st["runningTasks"].as_array().unwrap().len(), before + 1);
}
