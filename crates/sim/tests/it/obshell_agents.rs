//! obshell agents on their own loopback ports (`start_agents`), driven by the obshell client:
//! identities, scale-out of a SINGLE agent into the cluster, replay and expiry rejection,
//! and the per-port fault injection.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use obtui_api::obshell::crypto::{self, HEADER};
use obtui_api::obshell::models::*;
use obtui_api::obshell::{ObshellClient, ObshellConfig};
use obtui_api::secret::Secret;
use obtui_api::ApiError;
use obtui_sim::obshell::{credentials_eq, start_agents, ObshellAgents};

const PASSWORD: &str = "rootpass";

async fn agents(speed: f64) -> ObshellAgents {
    start_agents(
        "127.0.0.1:0".parse().unwrap(),
        5,
        speed,
        Secret::new(PASSWORD),
    )
    .await
    .unwrap()
}

fn url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

fn client(addr: SocketAddr, password: &str) -> ObshellClient {
    ObshellClient::new(ObshellConfig::new(url(addr), Secret::new(password))).unwrap()
}

fn scale_out_req(target: &AgentAddr, zone: &str, rpc_port: u16) -> ScaleOutRequest {
    ScaleOutRequest {
        agent_info: target.clone(),
        ob_configs: BTreeMap::from([
            ("mysql_port".to_string(), (rpc_port - 1).to_string()),
            ("rpc_port".to_string(), rpc_port.to_string()),
        ]),
        zone: zone.into(),
        target_agent_password: None,
    }
}

async fn wait_dag(c: &ObshellClient, id: &str, done: impl Fn(&DagDetail) -> bool) -> DagDetail {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = c.dag(id, true).await.unwrap();
        if done(&d) {
            return d;
        }
        assert!(
            Instant::now() < deadline,
            "DAG {id} stuck: {:?} stage {}",
            d.state,
            d.stage
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn server_code(e: &ApiError) -> (u16, String, String) {
    match e {
        ApiError::Server {
            status,
            code,
            message,
            ..
        } => (*status, code.clone().unwrap_or_default(), message.clone()),
        other => panic!("expected a server error, got {other:?}"),
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// One sealed header for `uri` on the agent at `addr` (its own public key).
async fn sealed_header(addr: SocketAddr, uri: &str, password: &str, expires: i64) -> String {
    let key = client(addr, "").secret().await.unwrap().public_key;
    let pk = crypto::parse_public_key(&key).unwrap();
    let mut rng = rand::thread_rng();
    crypto::seal_request(&mut rng, &pk, &Secret::new(password), uri, None, expires)
        .unwrap()
        .header_value
}

async fn get_with_header(addr: SocketAddr, uri: &str, header: &str) -> (u16, serde_json::Value) {
    let resp = reqwest::Client::new()
        .get(format!("{}{uri}", url(addr)))
        .header(HEADER, header)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn every_agent_has_its_own_port_and_identity() {
    let a = agents(1.0).await;
    assert_eq!(a.agents.len(), 5);
    let mut ports: Vec<u16> = a.agents.iter().map(|e| e.addr.port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 5, "one port per agent");

    let lines = a.lines();
    assert_eq!(
        lines[0],
        format!(
            "obshell {} CLUSTER AGENT (10.186.1.1:2886 zone1)",
            a.agents[0].addr
        )
    );
    assert_eq!(lines[4], format!("obshell {} SINGLE", a.agents[4].addr));
    assert_eq!(a.singles().count(), 2);

    let mut keys = Vec::new();
    for (i, e) in a.agents.iter().enumerate() {
        let c = client(e.addr, PASSWORD);
        let info = c.info().await.unwrap();
        let st = c.status().await.unwrap();
        if i < 3 {
            assert_eq!(info.identity, AgentIdentity::ClusterAgent);
            assert_eq!(
                (info.ip.clone(), info.port),
                (format!("10.186.1.{}", i + 1), 2886)
            );
            assert_eq!(info.zone, format!("zone{}", i + 1));
            assert_eq!(st.ob_state, ob_state::AVAILABLE);
            assert_eq!(e.zone.as_deref(), Some(info.zone.as_str()));
            // Any cluster agent serves the cluster's views.
            assert_eq!(c.ob_info().await.unwrap().agent_info.len(), 3);
        } else {
            // A SINGLE agent is its own loopback address, with no zone and no observer.
            assert_eq!(info.identity, AgentIdentity::Single);
            assert_eq!((info.ip.as_str(), info.port), ("127.0.0.1", e.addr.port()));
            assert_eq!(info.zone, "");
            assert_eq!(st.agent.identity, AgentIdentity::Single);
            assert_eq!(st.ob_state, ob_state::NOT_RUNNING);
            assert_eq!(e.identity, "SINGLE");
            // /ob/info on a SINGLE agent: itself, zero-valued cluster, no topology.
            let ob = c.ob_info().await.unwrap();
            assert_eq!(ob.agent_info.len(), 1);
            assert_eq!(ob.obcluster_info.id, 0);
            assert!(ob.obcluster_info.topology.is_none());
            assert!(c.unfinished_dags().await.unwrap().is_empty());
        }
        let secret = c.secret().await.unwrap();
        assert_eq!((secret.ip, secret.port), (info.ip, info.port));
        keys.push(secret.public_key);
    }
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 5, "every agent has its own RSA key");
    a.shutdown().await;
}

#[tokio::test]
async fn a_single_agent_scaled_out_becomes_a_cluster_agent() {
    let a = agents(1000.0).await;
    let master = client(a.cluster_agent().addr, PASSWORD);
    let single_ep = a.singles().next().unwrap().clone();
    let target = single_ep.agent.clone();
    assert_eq!(target.to_string(), single_ep.addr.to_string());

    let dag = master
        .scale_out(&scale_out_req(&target, "zone2", 2882))
        .await
        .unwrap();
    assert_eq!((dag.name.as_str(), dag.max_stage), ("Cluster scale out", 9));
    let done = wait_dag(&master, &dag.id, |d| d.is_finished()).await;
    assert_eq!(done.state, TaskState::Succeed);

    // The agent's own view changed...
    let single = client(single_ep.addr, PASSWORD);
    let info = single.info().await.unwrap();
    assert_eq!(info.identity, AgentIdentity::ClusterAgent);
    assert_eq!(info.zone, "zone2");
    assert_eq!(
        single.status().await.unwrap().agent.identity,
        AgentIdentity::ClusterAgent
    );
    // ...it now needs the root password, like every cluster agent...
    let e = client(single_ep.addr, "wrong").ob_info().await.unwrap_err();
    assert_eq!(server_code(&e).1, codes::INCORRECT_OB_PASSWORD.to_string());
    assert_eq!(single.ob_info().await.unwrap().agent_info.len(), 4);
    // ...and the cluster lists it.
    let key = target.to_string();
    let all = master.agents_status().await.unwrap();
    assert_eq!(all[&key].agent.identity, AgentIdentity::ClusterAgent);
    let cl = master.obcluster_info().await.unwrap();
    let zone2 = cl.zones.iter().find(|z| z.name == "zone2").unwrap();
    assert!(zone2
        .servers
        .iter()
        .any(|s| s.ip == "127.0.0.1" && s.obshell_port == Some(target.port)));
    // The tasks are cluster tasks: the new member serves them too.
    assert_eq!(
        single.dag(&dag.id, false).await.unwrap().state,
        TaskState::Succeed
    );

    // Scaling out an agent that is already in the cluster is refused.
    let e = master
        .scale_out(&scale_out_req(&target, "zone2", 2892))
        .await
        .unwrap_err();
    let (status, code, message) = server_code(&e);
    assert_eq!((status, code.as_str()), (400, codes::IDENTITY_NOT_SUPPORT));
    assert_eq!(
        message,
        format!("'{key}' is 'CLUSTER AGENT', instead of 'SINGLE', does not support this operation")
    );
    let member = AgentAddr {
        ip: "10.186.1.2".into(),
        port: 2886,
    };
    let e = master
        .scale_out(&scale_out_req(&member, "zone2", 2892))
        .await
        .unwrap_err();
    assert_eq!(server_code(&e).1, codes::IDENTITY_NOT_SUPPORT);

    // The start-up lines keep the identities the agents started with.
    assert_eq!(a.lines()[3], format!("obshell {} SINGLE", single_ep.addr));
    a.shutdown().await;
}

#[tokio::test]
async fn scaling_out_identity_and_receiver_rules() {
    // Speed 1: a scale-out takes ~20 s, so it is still running while we look.
    let a = agents(1.0).await;
    let master = client(a.cluster_agent().addr, PASSWORD);
    let singles: Vec<_> = a.singles().cloned().collect();

    // Only a cluster agent runs a scale-out.
    let e = client(singles[0].addr, "")
        .scale_out(&scale_out_req(&singles[1].agent, "zone1", 2882))
        .await
        .unwrap_err();
    let (status, code, message) = server_code(&e);
    assert_eq!((status, code.as_str()), (400, codes::IDENTITY_NOT_SUPPORT));
    assert!(
        message.contains("is 'SINGLE', instead of 'CLUSTER AGENT'"),
        "{message}"
    );
    // obcluster/info is a CLUSTER AGENT route too.
    let e = client(singles[0].addr, "")
        .obcluster_info()
        .await
        .unwrap_err();
    assert_eq!(server_code(&e).1, codes::IDENTITY_NOT_SUPPORT);

    // A follower receives scale-outs as well; it runs the serial nodes itself.
    let follower = client(a.agents[1].addr, PASSWORD);
    let dag = follower
        .scale_out(&scale_out_req(&singles[0].agent, "zone4", 2882))
        .await
        .unwrap();
    assert_eq!(dag.max_stage, 11, "a new zone adds two stages");
    let info = client(singles[0].addr, "").info().await.unwrap();
    assert_eq!(info.identity, AgentIdentity::ScalingOut);
    assert_eq!(info.zone, "zone4");
    let e = master
        .scale_out(&scale_out_req(&singles[0].agent, "zone4", 2882))
        .await
        .unwrap_err();
    assert!(server_code(&e).2.contains("'SCALING OUT'"));
    let d = master.dag(&dag.id, true).await.unwrap();
    let runner = d.nodes.unwrap()[0].sub_tasks.as_ref().unwrap()[0]
        .execute_agent
        .clone()
        .unwrap();
    assert_eq!(runner.to_string(), "10.186.1.2:2886");

    // Cancelled, the agent is SINGLE again.
    master
        .operate_dag(&dag.id, DagOperation::Cancel)
        .await
        .unwrap();
    a.sim().tick();
    let deadline = Instant::now() + Duration::from_secs(20);
    while master.dag(&dag.id, false).await.unwrap().state != TaskState::Failed {
        assert!(Instant::now() < deadline, "cancel did not finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let info = client(singles[0].addr, "").info().await.unwrap();
    assert_eq!(info.identity, AgentIdentity::Single);
    a.shutdown().await;
}

#[tokio::test]
async fn replayed_and_expired_headers_are_refused() {
    let a = agents(1.0).await;
    let addr = a.cluster_agent().addr;
    let uri = "/api/v1/ob/info";
    let header = sealed_header(addr, uri, PASSWORD, now_secs() + 60).await;
    let (status, v) = get_with_header(addr, uri, &header).await;
    assert_eq!(status, 200, "{v}");
    // The very same header again: refused, with the code that makes a client re-seal.
    let (status, v) = get_with_header(addr, uri, &header).await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["errCode"], codes::EXPIRED);
    assert_eq!(v["error"]["code"], 10008);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already used"));
    // A fresh header for the same request is fine.
    let fresh = sealed_header(addr, uri, PASSWORD, now_secs() + 60).await;
    assert_eq!(get_with_header(addr, uri, &fresh).await.0, 200);

    // Expired.
    let old = sealed_header(addr, uri, PASSWORD, now_secs() - 2).await;
    let (status, v) = get_with_header(addr, uri, &old).await;
    assert_eq!(
        (status, &v["error"]["errCode"]),
        (401, &codes::EXPIRED.into())
    );
    // A refused header is not remembered as used: the wrong password stays the reason.
    let wrong = sealed_header(addr, uri, "wrong", now_secs() + 60).await;
    for _ in 0..2 {
        let (status, v) = get_with_header(addr, uri, &wrong).await;
        assert_eq!(
            (status, &v["error"]["errCode"]),
            (401, &codes::INCORRECT_OB_PASSWORD.into())
        );
    }
    // The client seals every request afresh, so repeated calls all pass.
    let c = client(addr, PASSWORD);
    for _ in 0..5 {
        assert!(c.ob_info().await.is_ok());
    }
    a.shutdown().await;
}

#[test]
fn credentials_compare_equal_and_unequal() {
    assert!(credentials_eq(b"rootpass", b"rootpass"));
    assert!(!credentials_eq(b"rootpass", b"rootpasS"));
    assert!(!credentials_eq(b"rootpass", b"rootpass "));
    assert!(!credentials_eq(b"rootpass", b""));
    assert!(credentials_eq(b"", b""));
    let long = vec![b'x'; 10_000];
    assert!(credentials_eq(&long, &long.clone()));
    let mut other = long.clone();
    other[9_999] = b'y';
    assert!(!credentials_eq(&long, &other));
}

#[tokio::test]
async fn faults_apply_to_the_port_they_were_posted_to() {
    let a = agents(1000.0).await;
    let follower = a.agents[1].addr;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/sim/faults", url(follower)))
        .body(r#"{"error_status":503,"error_count":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // The cluster agent is unaffected.
    assert!(client(a.cluster_agent().addr, PASSWORD)
        .info()
        .await
        .is_ok());
    // The follower answers 503 once, in obshell's envelope, then recovers.
    let r = http
        .get(format!("{}/api/v1/info", url(follower)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["successful"], false);
    assert_eq!(v["status"], 503);
    assert_eq!(v["error"]["errCode"], codes::UNEXPECTED);
    assert!(client(follower, PASSWORD).info().await.is_ok());

    // Garbage and dropped bodies surface as client errors, not as data.
    http.post(format!("{}/sim/faults", url(follower)))
        .body(r#"{"garbage_count":1,"drop_count":1,"path_prefix":"/api/v1/status"}"#)
        .send()
        .await
        .unwrap();
    let c = client(follower, PASSWORD);
    assert!(c.info().await.is_ok(), "outside the prefix");
    assert!(c.status().await.is_err());
    assert!(c.status().await.is_err());
    assert!(c.status().await.is_ok());
    let r = http
        .delete(format!("{}/sim/faults", url(follower)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // A failing node posted to any port fails the next scale-out once; RETRY finishes it.
    let r = http
        .post(format!("{}/sim/fail-subtask", url(a.agents[2].addr)))
        .body(r#"{"name":"Wait remote deploy finish"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let master = client(a.cluster_agent().addr, PASSWORD);
    let target = a.singles().next().unwrap().agent.clone();
    let dag = master
        .scale_out(&scale_out_req(&target, "zone1", 2882))
        .await
        .unwrap();
    let failed = wait_dag(&master, &dag.id, |d| d.is_finished()).await;
    assert_eq!(failed.state, TaskState::Failed);
    assert_eq!(
        failed.failed_node().unwrap().name,
        "Wait remote deploy finish"
    );
    master
        .operate_dag(&dag.id, DagOperation::Retry)
        .await
        .unwrap();
    let done = wait_dag(&master, &dag.id, |d| d.is_finished()).await;
    assert_eq!(done.state, TaskState::Succeed);

    // /sim/state shows the agent's current identity.
    let single_port = a.singles().next().unwrap().addr;
    let v: serde_json::Value = http
        .get(format!("{}/sim/state", url(single_port)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["identity"], "CLUSTER AGENT");
    // Paths outside /api/v1 and /sim get obshell's 404.
    let r = http
        .get(format!("{}/nope", url(follower)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    a.shutdown().await;
}

#[tokio::test]
async fn a_port_in_use_is_a_clear_error() {
    // Hold a port, then ask for the agents to start two ports below it.
    let held = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let held_addr = held.local_addr().unwrap();
    let Some(start) = held_addr.port().checked_sub(2) else {
        return;
    };
    let listen: SocketAddr = format!("127.0.0.1:{start}").parse().unwrap();
    let e = start_agents(listen, 1, 1.0, Secret::new(PASSWORD))
        .await
        .unwrap_err();
    let text = format!("{e:#}");
    assert!(text.contains("cannot listen on 127.0.0.1:"), "{text}");
    drop(held);
}
