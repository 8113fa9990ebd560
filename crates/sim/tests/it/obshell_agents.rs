//! obshell agents on their own loopback ports (`start_agents`), driven by the obshell client:
//! identities, scale-out of a SINGLE agent into the cluster, expiry rejection,
//! and the per-port fault injection.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use obtui_api::obshell::crypto::{self, HEADER};
use obtui_api::obshell::models::*;
use obtui_api::obshell::{ObshellClient, ObshellConfig};
use obtui_api::secret::Secret;
use obtui_api::ApiError;
use obtui_sim::obshell::{
    credentials_eq, start_agents, start_agents_with, ObshellAgents, ObshellSim,
};
use obtui_sim::Clock;

const PASSWORD: &str = "rootpass";

/// The agents of a world whose clock moves only when a test steps it (DAGs at speed 1).
async fn agents() -> ObshellAgents {
    let sim = ObshellSim::with_clock(5, 1.0, Secret::new(PASSWORD), Clock::manual_now());
    start_agents_with(sim, "127.0.0.1:0".parse().unwrap())
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

/// Step the world's clock a second at a time until the DAG satisfies `done`; fail when ten
/// simulated minutes pass without it. No real time is waited for.
async fn step_dag(
    a: &ObshellAgents,
    c: &ObshellClient,
    id: &str,
    done: impl Fn(&DagDetail) -> bool,
) -> DagDetail {
    for _ in 0..600 {
        let d = c.dag(id, true).await.unwrap();
        if done(&d) {
            return d;
        }
        assert!(a.sim().clock().advance(Duration::from_secs(1)));
    }
    let d = c.dag(id, true).await.unwrap();
    panic!("DAG {id} stuck: {:?} stage {}", d.state, d.stage);
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
    let a = agents().await;
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
    let a = agents().await;
    let master = client(a.cluster_agent().addr, PASSWORD);
    let single_ep = a.singles().next().unwrap().clone();
    let target = single_ep.agent.clone();
    assert_eq!(target.to_string(), single_ep.addr.to_string());

    let dag = master
        .scale_out(&scale_out_req(&target, "zone2", 2882))
        .await
        .unwrap();
    assert_eq!((dag.name.as_str(), dag.max_stage), ("Cluster scale out", 9));
    let done = step_dag(&a, &master, &dag.id, |d| d.is_finished()).await;
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
    // The clock moves only when stepped, so the scale-out is still running while we look.
    let a = agents().await;
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
    let d = step_dag(&a, &master, &dag.id, |d| d.is_finished()).await;
    assert_eq!(
        (d.state, d.operator),
        (TaskState::Failed, TaskOperator::Cancel)
    );
    let info = client(singles[0].addr, "").info().await.unwrap();
    assert_eq!(info.identity, AgentIdentity::Single);
    a.shutdown().await;
}

#[tokio::test]
async fn expired_headers_are_refused_before_the_password_and_replays_are_not() {
    let a = agents().await;
    let addr = a.cluster_agent().addr;
    let uri = "/api/v1/ob/info";
    let header = sealed_header(addr, uri, PASSWORD, now_secs() + 60).await;
    let (status, v) = get_with_header(addr, uri, &header).await;
    assert_eq!(status, 200, "{v}");
    // The very same header again: the real agent keeps no record of headers, so it passes
    // until it expires (a client must not come to rely on a replay rejection).
    let (status, v) = get_with_header(addr, uri, &header).await;
    assert_eq!(status, 200, "{v}");

    // Expired.
    let old = sealed_header(addr, uri, PASSWORD, now_secs() - 2).await;
    let (status, v) = get_with_header(addr, uri, &old).await;
    assert_eq!(
        (status, &v["error"]["errCode"]),
        (401, &codes::EXPIRED.into())
    );
    assert_eq!(v["error"]["code"], 10008);
    // Expired with a wrong password: the timestamp is checked first (secure/auth.go).
    let old_wrong = sealed_header(addr, uri, "wrong", now_secs() - 2).await;
    let (status, v) = get_with_header(addr, uri, &old_wrong).await;
    assert_eq!(
        (status, &v["error"]["errCode"]),
        (401, &codes::EXPIRED.into()),
        "{v}"
    );
    // A fresh header with the wrong password: the password is the reason.
    let wrong = sealed_header(addr, uri, "wrong", now_secs() + 60).await;
    for _ in 0..2 {
        let (status, v) = get_with_header(addr, uri, &wrong).await;
        assert_eq!(
            (status, &v["error"]["errCode"]),
            (401, &codes::INCORRECT_OB_PASSWORD.into())
        );
    }
    // Headers expire by the client's (wall) clock: a world stepped an hour ahead still
    // accepts a header that is fresh by it.
    assert!(a.sim().clock().advance(Duration::from_secs(3600)));
    let fresh = sealed_header(addr, uri, PASSWORD, now_secs() + 60).await;
    assert_eq!(get_with_header(addr, uri, &fresh).await.0, 200);
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
    let a = agents().await;
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
    let failed = step_dag(&a, &master, &dag.id, |d| d.is_finished()).await;
    assert_eq!(failed.state, TaskState::Failed);
    assert_eq!(
        failed.failed_node().unwrap().name,
        "Wait remote deploy finish"
    );
    master
        .operate_dag(&dag.id, DagOperation::Retry)
        .await
        .unwrap();
    let done = step_dag(&a, &master, &dag.id, |d| d.is_finished()).await;
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

/// `DELETE /api/v1/zone/{name}` (outside obshell's Verify() groups): 204 for a zone that does
/// not exist, `OB.Zone.NotEmpty` for a zone with units; a SINGLE agent cannot.
#[tokio::test]
async fn delete_zone_answers_as_obshell_does() {
    let a = agents().await;
    let addr = a.cluster_agent().addr;
    let http = reqwest::Client::new();
    let del = |addr: SocketAddr, zone: &str| {
        http.delete(format!("{}/api/v1/zone/{zone}", url(addr)))
            .send()
    };
    let r = del(addr, "no_such_zone").await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let r = del(addr, "zone2").await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["errCode"], "OB.Zone.NotEmpty", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("zone2"));
    let single = a.singles().next().expect("a SINGLE agent").addr;
    let r = del(single, "zone2").await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["errCode"], codes::IDENTITY_NOT_SUPPORT, "{v}");
    a.shutdown().await;
}

/// The scale-out reads the target agent's `/info` and applies obshell's version rules: the same
/// OceanBase version string, no newer obshell, and an older one only from 4.2.4.1 on.
#[tokio::test]
async fn scale_out_checks_the_targets_versions() {
    let a = agents().await;
    let master = client(a.cluster_agent().addr, PASSWORD);
    let target = a.singles().next().expect("a SINGLE agent").agent.clone();
    let refused = |version: &'static str, ob: &'static str, code: &'static str| {
        let (a, master, target) = (&a, &master, &target);
        async move {
            assert!(a.sim().set_single_versions(target, version, ob));
            let info = client(a.singles().next().unwrap().addr, "")
                .info()
                .await
                .unwrap();
            assert_eq!(
                (info.version.as_str(), info.ob_version.as_str()),
                (version, ob)
            );
            let e = master
                .scale_out(&scale_out_req(target, "zone1", 2882))
                .await
                .unwrap_err();
            let (status, got, message) = server_code(&e);
            assert_eq!((status, got.as_str()), (400, code), "{message}");
        }
    };
    // A build tag makes another OceanBase version: obshell compares the strings.
    refused(
        "4.5.0.0-20260508",
        "4.3.5.2_102000042025061818-7b6c1d0e",
        "Agent.OB.Version.Inconsistent",
    )
    .await;
    refused("4.6.0.0-1", "4.3.5.2", "OB.Cluster.ScaleOutHigherVersion").await;
    refused("4.2.4.0-1", "4.3.5.2", "OB.Cluster.ScaleOutLowerVersion").await;
    // Older but from 4.2.4.1 on: accepted (obshell upgrades it as it joins).
    assert!(a
        .sim()
        .set_single_versions(&target, "4.2.4.1-100", "4.3.5.2"));
    let dag = master
        .scale_out(&scale_out_req(&target, "zone1", 2882))
        .await
        .unwrap();
    assert_eq!(dag.name, "Cluster scale out");
    a.shutdown().await;
}
