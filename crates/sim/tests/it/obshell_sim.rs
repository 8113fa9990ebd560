//! The obshell simulator driven by the obshell client over loopback HTTP.

use std::collections::BTreeMap;
use std::time::Duration;

use obtui_api::obshell::client::decode_response;
use obtui_api::obshell::crypto::{self, HEADER};
use obtui_api::obshell::models::*;
use obtui_api::obshell::{ObshellClient, ObshellConfig, PasswordKind};
use obtui_api::secret::Secret;
use obtui_api::ApiError;
use obtui_sim::obshell::ObshellSim;
use obtui_sim::Clock;

const PASSWORD: &str = "rootpass";

struct Served {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(sim: &ObshellSim) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = sim.router();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Served {
        url: format!("http://{addr}"),
        task,
    }
}

fn client(url: &str, password: &str) -> ObshellClient {
    ObshellClient::new(ObshellConfig::new(url, Secret::new(password))).unwrap()
}

/// A world whose clock moves only when a test steps it (DAGs at speed 1).
async fn setup() -> (ObshellSim, Served, ObshellClient) {
    let sim = ObshellSim::with_clock(7, 1.0, Secret::new(PASSWORD), Clock::manual_now());
    let served = serve(&sim).await;
    let c = client(&served.url, PASSWORD);
    (sim, served, c)
}

fn scale_out_req(ip: &str, zone: &str) -> ScaleOutRequest {
    ScaleOutRequest {
        agent_info: AgentAddr {
            ip: ip.into(),
            port: 2886,
        },
        ob_configs: BTreeMap::from([
            ("mysql_port".to_string(), "2881".to_string()),
            ("rpc_port".to_string(), "2882".to_string()),
            ("memory_limit".to_string(), "16G".to_string()),
        ]),
        zone: zone.into(),
        target_agent_password: Some(Secret::new("")),
    }
}

/// Simulated time one step moves the world's clock.
const STEP: Duration = Duration::from_secs(1);
/// A scale-out takes ~20 s at speed 1; no DAG of these tests needs ten minutes.
const MAX_STEPS: usize = 600;

/// Step the world's clock a second at a time until the DAG satisfies `done`; fail when ten
/// simulated minutes pass without it. No real time is waited for.
async fn step_dag(
    sim: &ObshellSim,
    c: &ObshellClient,
    id: &str,
    done: impl Fn(&DagDetail) -> bool,
) -> DagDetail {
    for _ in 0..MAX_STEPS {
        let d = c.dag(id, true).await.unwrap();
        if done(&d) {
            return d;
        }
        assert!(sim.clock().advance(STEP), "the clock is manual");
    }
    let d = c.dag(id, true).await.unwrap();
    panic!(
        "DAG {id} stuck after {MAX_STEPS} steps: {:?} stage {}",
        d.state, d.stage
    );
}

fn server_code(e: &ApiError) -> (u16, String) {
    match e {
        ApiError::Server { status, code, .. } => (*status, code.clone().unwrap_or_default()),
        other => panic!("expected a server error, got {other:?}"),
    }
}

/// Send one sealed request by hand (for tampering).
#[allow(clippy::too_many_arguments)]
async fn raw_sealed(
    url: &str,
    key_b64: &str,
    method: reqwest::Method,
    header_uri: &str,
    path: &str,
    password: &str,
    body: Option<&[u8]>,
    expires: i64,
) -> (u16, serde_json::Value) {
    let pk = crypto::parse_public_key(key_b64).unwrap();
    let sealed = {
        let mut rng = rand::thread_rng();
        crypto::seal_request(
            &mut rng,
            &pk,
            &Secret::new(password),
            header_uri,
            body,
            expires,
        )
        .unwrap()
    };
    let mut req = reqwest::Client::new()
        .request(method, format!("{url}{path}"))
        .header(HEADER, sealed.header_value);
    if let Some(b) = sealed.body {
        req = req.body(b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn info_status_secret_and_cluster_views() {
    let (sim, served, c) = setup().await;
    let info = c.info().await.unwrap();
    assert_eq!(info.identity, AgentIdentity::ClusterAgent);
    assert_eq!((info.ip.as_str(), info.port), ("10.186.1.1", 2886));
    assert_eq!(info.supported_auth, vec!["v2".to_string()]);
    assert!(
        info.start_at > 1_000_000_000_000_000_000,
        "startAt is in ns"
    );

    let st = c.status().await.unwrap();
    assert_eq!(st.ob_state, ob_state::AVAILABLE);
    assert_eq!(st.agent.identity, AgentIdentity::ClusterAgent);
    // /status has an empty traceId; other routes have 16 hex characters.
    let raw = reqwest::get(format!("{}/api/v1/status", served.url))
        .await
        .unwrap();
    assert_eq!(
        raw.headers()["content-type"]
            .to_str()
            .unwrap()
            .split(';')
            .next(),
        Some("application/json")
    );
    let v: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(v["traceId"], "");
    let v: serde_json::Value = reqwest::get(format!("{}/api/v1/info", served.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["traceId"].as_str().unwrap().len(), 16);

    let secret = c.secret().await.unwrap();
    assert_eq!(secret.public_key, sim.public_key_b64());
    let pk = crypto::parse_public_key(&secret.public_key).unwrap();
    assert_eq!(rsa::traits::PublicKeyParts::size(&pk), 128);

    let ob = c.ob_info().await.unwrap();
    assert_eq!(ob.agent_info.len(), 3);
    let topo = ob.obcluster_info.topology.unwrap();
    assert_eq!(topo.keys().collect::<Vec<_>>(), ["zone1", "zone2", "zone3"]);
    assert_eq!(topo["zone1"][0].with_rootserver, "YES");

    let all = c.agents_status().await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.contains_key("10.186.1.2:2886"));

    let cl = c.obcluster_info().await.unwrap();
    assert_eq!(cl.zones.len(), 3);
    assert!(cl.zones[0].servers[0].with_rootserver);
    assert_eq!(cl.ob_version, "4.3.5.2");

    // Nothing running yet: contents null, read as empty.
    assert!(c.unfinished_dags().await.unwrap().is_empty());
    assert!(c.cluster_dags().await.unwrap().is_empty());
}

#[tokio::test]
async fn scale_out_runs_to_succeed() {
    let (sim, _served, c) = setup().await;
    let dag = c
        .scale_out(&scale_out_req("10.186.1.4", "zone1"))
        .await
        .unwrap();
    assert_eq!(dag.name, "Cluster scale out");
    assert_eq!(dag.state, TaskState::Ready);
    assert_eq!((dag.stage, dag.max_stage), (1, 9));
    assert!(dag.nodes.is_none());
    assert!(dag.id.starts_with('1'));
    // Nothing moves until the clock is stepped, however long the requests take: the first
    // node started at creation time, and there it stays.
    for _ in 0..3 {
        let still = c.dag(&dag.id, false).await.unwrap();
        assert_eq!((still.state, still.stage), (TaskState::Running, 1));
    }

    let done = step_dag(&sim, &c, &dag.id, |d| d.is_finished()).await;
    assert_eq!(done.state, TaskState::Succeed);
    assert_eq!(done.stage, done.max_stage);
    let nodes = done.nodes.as_ref().unwrap();
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Integrate server config",
            "Create local scale out dag",
            "Wait scale out ready",
            "Wait remote deploy finish",
            "Wait remote start finish",
            "Prev check for scale_out",
            "Add server for scale_out",
            "Add agent for scale_out",
            "Check cluster scale_out whether finished",
        ]
    );
    for n in nodes {
        assert_eq!(n.state, TaskState::Succeed);
        let st = &n.sub_tasks.as_ref().unwrap()[0];
        assert_eq!(
            st.execute_agent.as_ref().unwrap().to_string(),
            "10.186.1.1:2886"
        );
        assert!(!st.task_logs.as_ref().unwrap().is_empty());
    }
    let create = &nodes[1].sub_tasks.as_ref().unwrap()[0];
    let logs = c.sub_task_logs(&create.id).await.unwrap();
    assert!(logs.iter().any(|l| l
        .log_content
        .starts_with("create local scale out dag success, genericID:2")));
    let node = c.node(&nodes[1].id).await.unwrap();
    assert_eq!(node.name, "Create local scale out dag");
    let sub = c.sub_task(&create.id).await.unwrap();
    assert_eq!(sub.state, TaskState::Succeed);

    // The new agent is now part of the cluster.
    let ob = c.ob_info().await.unwrap();
    assert_eq!(ob.agent_info.len(), 4);
    assert_eq!(ob.obcluster_info.topology.unwrap()["zone1"].len(), 2);
    assert!(c.unfinished_dags().await.unwrap().is_empty());
    // Finished, it is still listed among the cluster's DAGs (`/task/dags/ob`).
    let all = c.cluster_dags().await.unwrap();
    assert!(
        all.iter()
            .any(|d| d.id == dag.id && d.state == TaskState::Succeed),
        "{all:?}"
    );

    // Scaling out the same agent again is refused: it is no longer SINGLE.
    let e = c
        .scale_out(&scale_out_req("10.186.1.4", "zone1"))
        .await
        .unwrap_err();
    assert_eq!(
        server_code(&e),
        (400, codes::IDENTITY_NOT_SUPPORT.to_string())
    );
    // A RETRY on a succeeded DAG is refused with the documented code.
    let e = c
        .operate_dag(&dag.id, DagOperation::Retry)
        .await
        .unwrap_err();
    assert_eq!(
        server_code(&e),
        (400, codes::RETRY_NOT_FAILED_DAG.to_string())
    );
}

#[tokio::test]
async fn new_zone_adds_two_stages() {
    let (sim, _served, c) = setup().await;
    let dag = c
        .scale_out(&scale_out_req("10.186.1.9", "zone4"))
        .await
        .unwrap();
    assert_eq!(dag.max_stage, 11);
    let done = step_dag(&sim, &c, &dag.id, |d| d.is_finished()).await;
    assert_eq!(done.state, TaskState::Succeed);
    assert_eq!(
        done.nodes.unwrap()[6].name,
        "Add new zone for scale_out".to_string()
    );
}

#[tokio::test]
async fn failing_node_then_retry_succeeds() {
    let (sim, _served, c) = setup().await;
    sim.fail_node("Wait remote start finish");
    let dag = c
        .scale_out(&scale_out_req("10.186.1.5", "zone2"))
        .await
        .unwrap();
    let failed = step_dag(&sim, &c, &dag.id, |d| d.is_finished()).await;
    assert_eq!(failed.state, TaskState::Failed);
    assert_eq!(failed.stage, 5);
    let node = failed.failed_node().unwrap();
    assert_eq!(node.name, "Wait remote start finish");
    let st = &node.sub_tasks.as_ref().unwrap()[0];
    assert_eq!(st.state, TaskState::Failed);
    // The SDK builds its error message from the failed sub_task's last log line.
    assert!(st
        .task_logs
        .as_ref()
        .unwrap()
        .last()
        .unwrap()
        .starts_with("ERROR: ["));

    // CANCEL is refused on a finished DAG.
    let e = c
        .operate_dag(&dag.id, DagOperation::Cancel)
        .await
        .unwrap_err();
    assert_eq!(
        server_code(&e),
        (400, codes::CANCEL_FINISHED_DAG.to_string())
    );

    c.operate_dag(&dag.id, DagOperation::Retry).await.unwrap();
    let after = c.dag(&dag.id, false).await.unwrap();
    assert!(
        after.state == TaskState::Ready
            || after.state == TaskState::Running
            || after.state == TaskState::Succeed
    );
    let done = step_dag(&sim, &c, &dag.id, |d| d.is_finished()).await;
    assert_eq!(done.state, TaskState::Succeed);
    assert_eq!(done.operator, TaskOperator::Run);
    let retried = &done.nodes.unwrap()[4];
    assert_eq!(retried.operator, TaskOperator::Retry);
    assert_eq!(retried.sub_tasks.as_ref().unwrap()[0].execute_times, 2);
}

#[tokio::test]
async fn rollback_cancel_pass_and_node_pass_over_the_wire() {
    let (sim, _served, c) = setup().await;
    sim.fail_node("Prev check for scale_out");
    let dag = c
        .scale_out(&scale_out_req("10.186.1.6", "zone3"))
        .await
        .unwrap();
    step_dag(&sim, &c, &dag.id, |d| d.state == TaskState::Failed).await;
    c.operate_dag(&dag.id, DagOperation::Rollback)
        .await
        .unwrap();
    let done = step_dag(&sim, &c, &dag.id, |d| d.is_finished()).await;
    assert_eq!(
        (done.state, done.operator, done.stage),
        (TaskState::Succeed, TaskOperator::Rollback, 1)
    );

    // Node PASS on the failed node lets the DAG run on.
    let dag = c
        .scale_out(&scale_out_req("10.186.1.7", "zone3"))
        .await
        .unwrap();
    let failed = step_dag(&sim, &c, &dag.id, |d| d.state == TaskState::Failed).await;
    let node_id = failed.failed_node().unwrap().id.clone();
    c.pass_node(&node_id).await.unwrap();
    let done = step_dag(&sim, &c, &dag.id, |d| d.is_finished()).await;
    assert_eq!(done.state, TaskState::Succeed);
    let passed = done
        .nodes
        .unwrap()
        .into_iter()
        .find(|n| n.id == node_id)
        .unwrap();
    assert_eq!(passed.operator, TaskOperator::Pass);
    let e = c.pass_node(&node_id).await.unwrap_err();
    assert_eq!(
        server_code(&e),
        (400, codes::NODE_PASS_NOT_FAILED_NODE.to_string())
    );

    // DAG PASS.
    let dag = c
        .scale_out(&scale_out_req("10.186.1.8", "zone3"))
        .await
        .unwrap();
    step_dag(&sim, &c, &dag.id, |d| d.state == TaskState::Failed).await;
    c.operate_dag(&dag.id, DagOperation::Pass).await.unwrap();
    let d = c.dag(&dag.id, true).await.unwrap();
    assert_eq!(
        (d.state, d.operator),
        (TaskState::Succeed, TaskOperator::Pass)
    );

    // CANCEL a running DAG (a fresh world: its clock has not moved, so the DAG is running).
    let (sim2, _served2, c2) = setup().await;
    let dag = c2
        .scale_out(&scale_out_req("10.186.1.10", "zone1"))
        .await
        .unwrap();
    // A second scale-out while one runs is refused: the cluster is under maintenance.
    let e = c2
        .scale_out(&scale_out_req("10.186.1.11", "zone1"))
        .await
        .unwrap_err();
    assert_eq!(
        server_code(&e),
        (500, codes::CLUSTER_UNDER_MAINTENANCE_WITH_DAG.to_string())
    );
    assert_eq!(c2.unfinished_dags().await.unwrap().len(), 1);
    c2.operate_dag(&dag.id, DagOperation::Cancel).await.unwrap();
    let done = step_dag(&sim2, &c2, &dag.id, |d| d.is_finished()).await;
    assert_eq!(
        (&done.state, &done.operator),
        (&TaskState::Failed, &TaskOperator::Cancel)
    );
    assert_eq!(done.failed_node().unwrap().operator, TaskOperator::Cancel);
}

#[tokio::test]
async fn wrong_password_is_401_with_err_code() {
    let (_sim, served, _c) = setup().await;
    let bad = client(&served.url, "wrong");
    let e = bad.ob_info().await.unwrap_err();
    assert_eq!(
        server_code(&e),
        (401, codes::INCORRECT_OB_PASSWORD.to_string())
    );
    assert!(e.trace_id().is_some());
    // Plain routes need no password.
    assert!(bad.info().await.is_ok());
    // The agent header is checked against the same password.
    let mut cfg = ObshellConfig::new(served.url.clone(), Secret::new(PASSWORD));
    cfg.password_kind = PasswordKind::Agent;
    assert!(ObshellClient::new(cfg).unwrap().ob_info().await.is_ok());
}

#[tokio::test]
async fn header_tampering_expiry_and_missing_header() {
    let (sim, served, _c) = setup().await;
    let key = sim.public_key_b64();
    let later = now_secs() + 60;
    // Header made for one URI, sent to another.
    let (status, v) = raw_sealed(
        &served.url,
        &key,
        reqwest::Method::GET,
        "/api/v1/ob/info",
        "/api/v1/agents/status",
        PASSWORD,
        None,
        later,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["errCode"], codes::URI_MISMATCH);
    assert_eq!(v["error"]["code"], 10008);
    assert_eq!(v["successful"], false);
    assert_eq!(v["status"], 401);

    // The query string is part of the URI.
    let (status, v) = raw_sealed(
        &served.url,
        &key,
        reqwest::Method::GET,
        "/api/v1/task/dag/11",
        "/api/v1/task/dag/11?show_details=True",
        PASSWORD,
        None,
        later,
    )
    .await;
    assert_eq!(
        (status, v["error"]["errCode"].as_str()),
        (401, Some(codes::URI_MISMATCH))
    );

    // Expired.
    let (status, v) = raw_sealed(
        &served.url,
        &key,
        reqwest::Method::GET,
        "/api/v1/ob/info",
        "/api/v1/ob/info",
        PASSWORD,
        None,
        now_secs() - 5,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["errCode"], codes::EXPIRED);

    // No header on an auth route.
    let resp = reqwest::get(format!("{}/api/v1/ob/info", served.url))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body = resp.bytes().await.unwrap();
    let e = decode_response::<ObInfo>(400, &body).unwrap_err();
    assert_eq!(server_code(&e).1, codes::HEADER_NOT_FOUND);

    // An undecryptable header fails on any route, with legacy code 1.
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/info", served.url))
        .header(HEADER, "AAAA")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], 1);
    assert_eq!(v["error"]["errCode"], codes::DECRYPT_FAILED);

    // Unknown route under /api/v1.
    let resp = reqwest::get(format!("{}/api/v1/nope", served.url))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["errCode"], codes::NOT_FOUND);
}

#[tokio::test]
async fn bad_bodies_and_ids() {
    let (sim, served, c) = setup().await;
    let key = sim.public_key_b64();
    let later = now_secs() + 60;
    let post = |body: &'static [u8]| {
        let key = key.clone();
        let url = served.url.clone();
        async move {
            raw_sealed(
                &url,
                &key,
                reqwest::Method::POST,
                "/api/v1/ob/scale_out",
                "/api/v1/ob/scale_out",
                PASSWORD,
                Some(body),
                later,
            )
            .await
        }
    };
    let (status, v) = post(b"{not json").await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["errCode"], codes::BIND_JSON_FAILED);
    assert!(v["error"].get("code").is_none());

    let (status, v) =
        post(br#"{"agentInfo":{"ip":"10.186.1.4","port":2886},"obConfigs":{}}"#).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("'Zone' failed on the 'required' tag"));

    let (status, v) = post(br#"{"agentInfo":{"ip":"10.186.1.4","port":2886},"obConfigs":{"rpc_port":2882},"zone":"zone1"}"#).await;
    assert_eq!(
        (status, v["error"]["errCode"].as_str()),
        (400, Some(codes::BIND_JSON_FAILED))
    );

    let (status, v) =
        post(br#"{"agentInfo":{"ip":"10.186.1.400","port":2886},"obConfigs":{},"zone":"zone1"}"#)
            .await;
    assert_eq!(
        (status, v["error"]["errCode"].as_str()),
        (400, Some(codes::INVALID_IP))
    );

    let (status, v) = post(br#"{"agentInfo":{"ip":"10.186.1.4","port":2886},"obConfigs":{"mysql_port":"99999"},"zone":"zone1"}"#).await;
    assert_eq!(
        (status, v["error"]["errCode"].as_str()),
        (400, Some(codes::INVALID_PORT))
    );

    // The observer 10.186.1.1:2882 exists already (another agent port on the same host).
    let (status, v) =
        post(br#"{"agentInfo":{"ip":"10.186.1.1","port":2887},"obConfigs":{},"zone":"zone1"}"#)
            .await;
    assert_eq!(
        (status, v["error"]["errCode"].as_str()),
        (500, Some(codes::AGENT_ALREADY_EXISTS))
    );

    // A target no agent answers on: obshell's GET of its /info fails, and so does the
    // scale-out (an unexpected error naming the address).
    let (status, v) =
        post(br#"{"agentInfo":{"ip":"192.0.2.10","port":2886},"obConfigs":{},"zone":"zone1"}"#)
            .await;
    assert_eq!(
        (status, v["error"]["errCode"].as_str()),
        (500, Some(codes::UNEXPECTED)),
        "{v}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("get 192.0.2.10:2886 status failed")),
        "{v}"
    );

    // Unknown and malformed ids.
    let e = c.dag("1999", true).await.unwrap_err();
    assert_eq!(server_code(&e), (404, codes::TASK_NOT_FOUND.to_string()));
    let e = c.sub_task("1999").await.unwrap_err();
    assert_eq!(server_code(&e), (404, codes::TASK_NOT_FOUND.to_string()));
    let e = c.node("20167772161028864").await.unwrap_err();
    assert_eq!(server_code(&e), (404, codes::TASK_NOT_FOUND.to_string()));
    let e = c.dag("9", true).await.unwrap_err();
    assert_eq!(
        server_code(&e),
        (400, codes::GENERIC_ID_INVALID.to_string())
    );
    let e = c
        .operate_dag("1999", DagOperation::Retry)
        .await
        .unwrap_err();
    assert_eq!(server_code(&e).0, 404);
}

#[tokio::test]
async fn client_refetches_the_key_after_an_agent_restart() {
    let (sim, _served, c) = setup().await;
    assert!(c.ob_info().await.is_ok());
    let old = sim.public_key_b64();
    sim.rotate_key(8);
    assert_ne!(sim.public_key_b64(), old);
    // The cached key is now wrong: the first try gets 401 decrypt-failed, the client fetches
    // /secret again and the retry succeeds.
    assert_eq!(c.ob_info().await.unwrap().agent_info.len(), 3);
    // Writes are retried the same way.
    sim.rotate_key(9);
    let e = c
        .operate_dag("1999", DagOperation::Retry)
        .await
        .unwrap_err();
    assert_eq!(server_code(&e).1, codes::TASK_NOT_FOUND);
}

/// Replays the request sequence the real obshell==0.0.9 SDK sent (method, exact URI with
/// `show_details=True`, decrypted body) through the same encryption: every request must pass
/// the simulator's checks.
#[tokio::test]
async fn replays_the_sdk_wire_sequence() {
    let (sim, served, _c) = setup().await;
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/obshell/sdk-wire-sequence.json");
    let seq: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let key = sim.public_key_b64();
    let mut sealed_count = 0;
    for r in seq["requests"].as_array().unwrap() {
        let method: reqwest::Method = r["method"].as_str().unwrap().parse().unwrap();
        let uri = r["uri"].as_str().unwrap();
        let body = r
            .get("decrypted_body")
            .map(|b| serde_json::to_vec(b).unwrap());
        let (status, v) = if r["auth_header"].is_null() {
            let resp = reqwest::Client::new()
                .request(method, format!("{}{uri}", served.url))
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<serde_json::Value>().await.unwrap())
        } else {
            sealed_count += 1;
            raw_sealed(
                &served.url,
                &key,
                method,
                uri,
                uri,
                PASSWORD,
                body.as_deref(),
                now_secs() + 60,
            )
            .await
        };
        if uri == "/api/v1/task/dag/11" {
            // RETRY: allowed only on a failed DAG; this one runs or succeeded.
            assert_eq!(status, 400, "{uri}: {v}");
            assert_eq!(v["error"]["errCode"], codes::RETRY_NOT_FAILED_DAG);
        } else {
            assert_eq!(status, 200, "{} {uri}: {v}", r["method"]);
            assert_eq!(v["successful"], true);
        }
        if uri == "/api/v1/ob/scale_out" {
            // The SDK then polls generic id "11": the first DAG of a fresh agent.
            assert_eq!(v["data"]["id"], "11");
        }
    }
    assert_eq!(sealed_count, 7);
}

/// Agent-password mode: with an agent password set (a cluster whose OceanBase password is not
/// yet initialized is reached so), `X-OCS-Agent-Header` must carry it, the root@sys password
/// there is refused as obshell does, `X-OCS-Header` still takes only the root password, and
/// `/api/v1/info` says `security: true`.
#[tokio::test]
async fn agent_password_mode_checks_the_agent_header_against_the_agent_password() {
    let (sim, served, root) = setup().await;
    assert!(!root.info().await.unwrap().security);
    sim.set_agent_password(Some(Secret::new("agentPw1")));
    assert!(root.info().await.unwrap().security);
    let agent = |pw: &str| {
        let mut cfg = ObshellConfig::new(served.url.clone(), Secret::new(pw));
        cfg.password_kind = PasswordKind::Agent;
        ObshellClient::new(cfg).unwrap()
    };
    assert!(agent("agentPw1").ob_info().await.is_ok());
    let e = agent(PASSWORD).ob_info().await.unwrap_err();
    assert_eq!(
        server_code(&e),
        (401, codes::INCORRECT_AGENT_PASSWORD.to_string())
    );
    let e = client(&served.url, "agentPw1").ob_info().await.unwrap_err();
    assert_eq!(
        server_code(&e),
        (401, codes::INCORRECT_OB_PASSWORD.to_string())
    );
    assert!(root.ob_info().await.is_ok());
    // Cleared, the agent header falls back to the root@sys password again.
    sim.set_agent_password(None);
    assert!(agent(PASSWORD).ob_info().await.is_ok());
}

/// An agent whose `/api/v1/info` lists no v2 in `supportedAuth` (obshell 4.2.2.0) reads only
/// `X-OCS-Auth`: the client sees that and sends it (the password checked, a wrong one refused),
/// while the v2 header is to such an agent no header at all. A current agent ignores
/// `X-OCS-Auth` the same way.
#[tokio::test]
async fn an_agent_without_v2_auth_is_reached_with_x_ocs_auth() {
    let (sim, served, root) = setup().await;
    // A current agent: v2 only, X-OCS-Auth is no credential.
    let key = sim.public_key_b64();
    let pk = crypto::parse_public_key(&key).unwrap();
    let legacy_get = |password: &str| {
        let value = crypto::seal_legacy_header(
            &mut rand::thread_rng(),
            &pk,
            &Secret::new(password),
            now_secs() + 60,
        )
        .unwrap();
        let url = format!("{}/api/v1/ob/info", served.url);
        async move {
            let resp = reqwest::Client::new()
                .get(url)
                .header(crypto::LEGACY_HEADER, value)
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let v: serde_json::Value = resp.json().await.unwrap();
            (status, v)
        }
    };
    let (status, v) = legacy_get(PASSWORD).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["error"]["errCode"], codes::HEADER_NOT_FOUND, "{v}");

    sim.set_supported_auth(vec!["v1".into()]);
    let (status, v) = legacy_get(PASSWORD).await;
    assert_eq!(status, 200, "{v}");
    // A client made now asks /info first and picks X-OCS-Auth.
    let fresh = client(&served.url, PASSWORD);
    assert_eq!(
        obtui_api::obshell::AuthVersion::of(&fresh.info().await.unwrap()),
        obtui_api::obshell::AuthVersion::V1
    );
    assert!(fresh.ob_info().await.is_ok());
    let e = client(&served.url, "wrong").ob_info().await.unwrap_err();
    assert_eq!(
        server_code(&e),
        (401, codes::INCORRECT_OB_PASSWORD.to_string())
    );
    // The v2 header means nothing to it.
    let (status, v) = raw_sealed(
        &served.url,
        &key,
        reqwest::Method::GET,
        "/api/v1/ob/info",
        "/api/v1/ob/info",
        PASSWORD,
        None,
        now_secs() + 60,
    )
    .await;
    assert_eq!(status, 400, "{v}");
    drop(root);
}
