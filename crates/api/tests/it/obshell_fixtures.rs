//! Every obshell fixture (reconstructed from the Go structs, see tests/fixtures/obshell/README.md)
//! parses with the client's envelope decoder into the typed models, with the right values.

use obtui_api::obshell::client::decode_response;
use obtui_api::obshell::models::*;
use obtui_api::obshell::time;
use obtui_api::ApiError;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/obshell")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decode as the client does, using the HTTP status recorded in the envelope.
fn decode<T: serde::de::DeserializeOwned>(name: &str) -> Result<Option<T>, ApiError> {
    let body = fixture(name);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let status = v["status"].as_u64().unwrap() as u16;
    decode_response(status, &body)
}

fn data<T: serde::de::DeserializeOwned>(name: &str) -> T {
    decode::<T>(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .unwrap_or_else(|| panic!("{name}: no data"))
}

fn server_error(name: &str) -> (u16, Option<String>, String, Option<String>) {
    match decode::<serde_json::Value>(name) {
        Err(ApiError::Server {
            status,
            code,
            message,
            trace_id,
            ..
        }) => (status, code, message, trace_id),
        other => panic!("{name}: expected a server error, got {other:?}"),
    }
}

#[test]
fn info_cluster_and_single_agent() {
    let i: AgentInfo = data("info-cluster-agent.json");
    assert_eq!(i.identity, AgentIdentity::ClusterAgent);
    assert_eq!(i.start_at, 1_779_242_400_123_456_789);
    assert_eq!((i.ip.as_str(), i.port), ("10.0.0.1", 2886));
    assert_eq!(i.ob_version, "4.3.5.2");
    assert_eq!(i.version, "4.5.0.0-20260508");
    assert_eq!(i.home_path, "/home/admin/oceanbase");
    assert_eq!(i.supported_auth, vec!["v2".to_string()]);
    assert!(!i.security && !i.is_obproxy_agent);

    let s: AgentInfo = data("info-single-agent.json");
    assert_eq!(s.identity, AgentIdentity::Single);
    assert_eq!(s.zone, "");
    assert_eq!(s.ip, "10.0.0.4");
}

#[test]
fn status_and_agents_status() {
    let s: AgentStatus = data("status.json");
    assert_eq!(s.agent.identity, AgentIdentity::ClusterAgent);
    assert_eq!(s.state, agent_state::RUNNING);
    assert_eq!(s.ob_state, ob_state::AVAILABLE);
    assert_eq!(s.sql_port, Some(2881));
    assert_eq!(s.start_at, 1_779_242_400_123_456_789);
    assert!(!s.under_maintenance);
    // /status carries an empty traceId; it must not become Some("").
    let body = fixture("status.json");
    let env: Envelope<AgentStatus> = serde_json::from_slice(&body).unwrap();
    assert_eq!(env.trace_id, "");

    let all: AgentsStatus = data("agents-status.json");
    assert_eq!(all.len(), 2);
    assert_eq!(all["10.0.0.2:2886"].pid, 77102);
    assert_eq!(all["10.0.0.1:2886"].agent.ip, "10.0.0.1");
}

#[test]
fn secret_key_parses() {
    let s: AgentSecret = data("secret.json");
    assert_eq!(s.port, 2886);
    let key = obtui_api::obshell::crypto::parse_public_key(&s.public_key).unwrap();
    assert_eq!(rsa::traits::PublicKeyParts::size(&key), 128);
}

#[test]
fn ob_info_cluster_and_single() {
    let o: ObInfo = data("ob-info.json");
    assert_eq!(o.agent_info.len(), 3);
    assert_eq!(o.agent_info[2].zone, "zone3");
    assert_eq!(o.obcluster_info.name, "demo");
    assert_eq!(o.obcluster_info.id, 1);
    let topo = o.obcluster_info.topology.as_ref().unwrap();
    assert_eq!(topo.len(), 3);
    let z1 = &topo["zone1"][0];
    assert_eq!(z1.svr_ip, "10.0.0.1");
    assert_eq!(z1.with_rootserver, "YES");
    assert_eq!(z1.status, "ACTIVE");
    assert_eq!(
        (z1.svr_port, z1.sql_port, z1.agent_port),
        (2882, 2881, 2886)
    );

    let single: ObInfo = data("ob-info-single.json");
    assert_eq!(single.agent_info[0].identity, AgentIdentity::Single);
    assert!(single.obcluster_info.topology.is_none());
    assert_eq!(single.obcluster_info.id, 0);
}

#[test]
fn scale_out_response_is_a_ready_dag_without_nodes() {
    let d: DagDetail = data("scale-out-response.json");
    assert_eq!(d.id, "13");
    assert_eq!(d.dag_id, 3);
    assert_eq!(d.name, "Cluster scale out");
    assert_eq!((d.stage, d.max_stage), (1, 9));
    assert_eq!(d.state, TaskState::Ready);
    assert_eq!(d.operator, TaskOperator::Run);
    assert_eq!(d.maintenance_type, Some(maintenance::GLOBAL));
    assert!(d.nodes.is_none());
    assert!(d.additional_data.is_none());
}

const SCALE_OUT_NODES: [&str; 9] = [
    "Integrate server config",
    "Create local scale out dag",
    "Wait scale out ready",
    "Wait remote deploy finish",
    "Wait remote start finish",
    "Prev check for scale_out",
    "Add server for scale_out",
    "Add agent for scale_out",
    "Check cluster scale_out whether finished",
];

#[test]
fn running_dag_with_details() {
    let d: DagDetail = data("dag-scale-out-running.json");
    assert_eq!(d.state, TaskState::Running);
    assert_eq!(d.stage, 4);
    let nodes = d.nodes.as_ref().unwrap();
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, SCALE_OUT_NODES);
    assert_eq!(nodes[3].state, TaskState::Running);
    assert!(time::is_unset(&nodes[3].end_time));
    assert!(!time::is_unset(&nodes[3].start_time));
    let pending = &nodes[4];
    assert_eq!(pending.state, TaskState::Pending);
    let st = &pending.sub_tasks.as_ref().unwrap()[0];
    assert!(st.task_logs.is_none());
    assert_eq!(st.execute_times, 0);
    assert_eq!(
        st.execute_agent.as_ref().unwrap().to_string(),
        "10.0.0.1:2886"
    );
    // While running, the DAG's end_time can be before its start_time (as in the docs).
    assert!(
        time::parse_rfc3339_ms(&d.end_time).unwrap()
            < time::parse_rfc3339_ms(&d.start_time).unwrap()
    );
}

#[test]
fn succeeded_dag_with_and_without_details() {
    let d: DagDetail = data("dag-scale-out-succeed.json");
    assert_eq!(d.state, TaskState::Succeed);
    assert_eq!((d.stage, d.max_stage), (9, 9));
    let nodes = d.nodes.as_ref().unwrap();
    assert!(nodes.iter().all(|n| n.state == TaskState::Succeed));
    assert_eq!(nodes[1].id, "122");
    assert_eq!(nodes[1].node_id, 22);
    let logs = nodes[1].sub_tasks.as_ref().unwrap()[0]
        .task_logs
        .as_ref()
        .unwrap();
    assert!(logs[1].contains("genericID:20167772164028861"));
    assert!(d.failed_node().is_none());

    let bare: DagDetail = data("dag-scale-out-succeed-no-details.json");
    assert!(bare.nodes.is_none());
    assert_eq!(bare.state, TaskState::Succeed);
}

#[test]
fn failed_dag_names_its_failed_node_and_error_log() {
    let d: DagDetail = data("dag-scale-out-failed.json");
    assert_eq!(d.state, TaskState::Failed);
    assert_eq!(d.stage, 5);
    let f = d.failed_node().unwrap();
    assert_eq!(f.name, "Wait remote start finish");
    let st = &f.sub_tasks.as_ref().unwrap()[0];
    assert_eq!(st.state, TaskState::Failed);
    let last = st.task_logs.as_ref().unwrap().last().unwrap();
    assert!(last.starts_with("ERROR: [Common.Unexpected]:"));
    assert!(d.is_finished());
}

#[test]
fn node_sub_task_and_logs() {
    let n: Node = data("node-detail.json");
    assert_eq!(n.id, "122");
    assert_eq!(n.sub_tasks.as_ref().unwrap().len(), 1);

    let s: SubTask = data("sub-task-detail.json");
    assert_eq!(s.task_id, 22);
    assert_eq!(s.execute_times, 1);
    assert_eq!(s.execute_agent.unwrap().port, 2886);

    let logs: Contents<SubTaskLog> = data("sub-task-logs.json");
    let logs = logs.into_vec();
    assert_eq!(logs.len(), 2);
    assert_eq!(logs[0].id, 101);
    assert_eq!(logs[1].sub_task_id, 22);
    assert!(!logs[1].is_sync);
    assert!(logs[1].log_content.contains("success"));
}

#[test]
fn unfinished_dags_full_empty_and_null() {
    let c: Contents<DagDetail> = data("unfinished-dags.json");
    let dags = c.into_vec();
    assert_eq!(dags.len(), 1);
    assert_eq!(dags[0].state, TaskState::Running);
    assert_eq!(dags[0].nodes.as_ref().unwrap().len(), 9);

    let empty: Contents<DagDetail> = data("unfinished-dags-empty.json");
    assert!(empty.into_vec().is_empty());

    let null = br#"{"successful":true,"status":200,"traceId":"a","data":{"contents":null}}"#;
    let c: Contents<DagDetail> = decode_response(200, null).unwrap().unwrap();
    assert!(c.contents.is_none());
    assert!(c.into_vec().is_empty());
}

#[test]
fn dag_operate_response_has_no_data() {
    let r = decode::<serde_json::Value>("dag-operate-response.json").unwrap();
    assert!(r.is_none());
}

#[test]
fn no_content_and_nodes_null_and_missing_fields() {
    assert!(decode_response::<DagDetail>(204, b"").unwrap().is_none());
    let d: DagDetail = serde_json::from_str(
        r#"{"id":"11","dag_id":1,"name":"x","stage":1,"max_stage":9,"state":"READY",
            "operator":"RUN","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z",
            "additional_data":null,"nodes":null}"#,
    )
    .unwrap();
    assert!(d.nodes.is_none());
    assert!(d.maintenance_type.is_none());
    assert!(time::is_unset(&d.start_time));
    // A sub_task with execute_agent and task_logs null still parses.
    let s: SubTask = serde_json::from_str(
        r#"{"id":11,"state":"PENDING","execute_agent":null,"task_logs":null}"#,
    )
    .unwrap();
    assert_eq!(s.id, "11");
    assert!(s.execute_agent.is_none());
}

#[test]
fn current_error_shape() {
    let (status, code, message, trace) = server_error("error-404-task-not-found.json");
    assert_eq!(status, 404);
    assert_eq!(code.as_deref(), Some(codes::TASK_NOT_FOUND));
    assert_eq!(message, "Task not found: record not found");
    assert_eq!(trace.as_deref(), Some("ab12cd34ef56ab78"));

    // errCode wins over the legacy code when both are present.
    let (status, code, ..) = server_error("error-401-incorrect-ob-password.json");
    assert_eq!(status, 401);
    assert_eq!(code.as_deref(), Some(codes::INCORRECT_OB_PASSWORD));
    let (_, code, ..) = server_error("error-401-header-decrypt-failed.json");
    assert_eq!(code.as_deref(), Some(codes::DECRYPT_FAILED));

    for (file, status, want) in [
        ("error-400-bind-json.json", 400, codes::BIND_JSON_FAILED),
        (
            "error-400-header-not-found.json",
            400,
            codes::HEADER_NOT_FOUND,
        ),
        (
            "error-400-identity-not-support.json",
            400,
            codes::IDENTITY_NOT_SUPPORT,
        ),
        (
            "error-400-retry-not-failed-dag.json",
            400,
            codes::RETRY_NOT_FAILED_DAG,
        ),
        ("error-401-expired.json", 401, codes::EXPIRED),
        ("error-401-uri-mismatch.json", 401, codes::URI_MISMATCH),
        ("error-404-no-route.json", 404, codes::NOT_FOUND),
        (
            "error-404-not-under-maintenance.json",
            404,
            codes::TASK_NOT_FOUND,
        ),
    ] {
        let (s, c, m, _) = server_error(file);
        assert_eq!(s, status, "{file}");
        assert_eq!(c.as_deref(), Some(want), "{file}");
        assert!(!m.is_empty(), "{file}");
    }
}

#[test]
fn legacy_pre_4_3_1_error_shape() {
    let (status, code, message, trace) = server_error("error-legacy-pre-4.3.1-unauthorized.json");
    assert_eq!(status, 401);
    assert_eq!(code.as_deref(), Some("10008"));
    assert_eq!(message, "Verification failed: %!v(MISSING)");
    assert_eq!(trace.as_deref(), Some("672cc42c132a4b91"));
}

#[test]
fn non_json_bodies_are_decode_errors() {
    let html = b"<html><body>502 Bad Gateway</body></html>";
    match decode_response::<DagDetail>(502, html) {
        Err(ApiError::Decode {
            status, snippet, ..
        }) => {
            assert_eq!(status, 502);
            assert!(snippet.contains("502 Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        decode_response::<DagDetail>(200, b"{\"successful\":true,\"data\":"),
        Err(ApiError::Decode { status: 200, .. })
    ));
    // JSON of the wrong shape inside data is a decode error too, not a panic.
    assert!(matches!(
        decode_response::<DagDetail>(200, br#"{"successful":true,"status":200,"data":"text"}"#),
        Err(ApiError::Decode { .. })
    ));
    // An error status without an error object still reports the status.
    match decode_response::<DagDetail>(503, br#"{"successful":false,"status":503}"#) {
        Err(ApiError::Server { status, code, .. }) => {
            assert_eq!(status, 503);
            assert!(code.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn request_fixtures_match_the_request_models() {
    let v: serde_json::Value = serde_json::from_slice(&fixture("request-scale-out.json")).unwrap();
    let req = ScaleOutRequest {
        agent_info: AgentAddr {
            ip: "10.0.0.4".into(),
            port: 2886,
        },
        ob_configs: v["obConfigs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect(),
        zone: "zone2".into(),
        target_agent_password: Some(obtui_api::secret::Secret::new("")),
    };
    assert_eq!(req.to_json(), v);

    let op: OperatorRequest =
        serde_json::from_slice(&fixture("request-dag-operator-retry.json")).unwrap();
    assert_eq!(DagOperation::parse(&op.operator), Some(DagOperation::Retry));
    let op: OperatorRequest =
        serde_json::from_slice(&fixture("request-node-operator-pass.json")).unwrap();
    assert_eq!(op.operator, "PASS");
}

/// obshell's upgrade bodies carry the package's `release` with its distribution suffix
/// (`103000012025101011.el7`); the real agent refuses one without it (400
/// `Package.ReleaseFormat.Invalid`).
#[test]
fn upgrade_request_fixtures_carry_the_distribution_suffix() {
    for name in [
        "request-ob-upgrade.json",
        "request-agent-upgrade-check.json",
    ] {
        let v: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
        let release = v["release"].as_str().unwrap_or_default();
        let (build, dist) = release.rsplit_once('.').unwrap_or((release, ""));
        assert!(
            !build.is_empty()
                && build.chars().all(|c| c.is_ascii_digit())
                && dist.starts_with("el")
                && dist[2..].chars().all(|c| c.is_ascii_digit())
                && dist.len() > 2,
            "{name}: release {release:?} lacks the distribution suffix"
        );
    }
}

#[test]
fn alerts_an_observer_one_and_a_silenced_tenant_one() {
    use obtui_api::obshell::{Alert, AlertFilter};
    let c: Contents<Alert> = data("alarm-alerts.json");
    let a = c.into_vec();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].fingerprint, "6f1c8e2a9d3b4c71");
    assert_eq!(a[0].rule, "ob_host_disk_percent_over_threshold");
    assert_eq!(a[0].severity, "critical");
    assert_eq!(a[0].instance.kind, "observer");
    assert_eq!(a[0].instance.observer.as_deref(), Some("10.0.0.2"));
    assert_eq!(a[0].instance.obtenant, None);
    assert_eq!(
        (a[0].starts_at, a[0].updated_at, a[0].ends_at),
        (Some(1779240120), Some(1779243720), Some(1779244020))
    );
    assert_eq!(a[0].status.state, "active");
    assert_eq!(a[0].labels.len(), 6);
    assert!(a[0].description.contains("91.2%"));
    assert_eq!(a[1].instance.kind, "obtenant");
    assert_eq!(a[1].instance.obtenant.as_deref(), Some("t1"));
    assert_eq!(a[1].status.state, "suppressed");
    assert_eq!(a[1].status.silenced_by.len(), 1);

    // The request body: parses, and serializes back to the same JSON.
    let body: serde_json::Value =
        serde_json::from_slice(&fixture("request-alarm-alerts.json")).unwrap();
    let f: AlertFilter = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(f.severity.as_deref(), Some("critical"));
    assert_eq!(f.start_time, Some(1779235200));
    assert_eq!(serde_json::to_value(&f).unwrap(), body);
    // An empty filter is `{}`.
    assert_eq!(
        serde_json::to_string(&AlertFilter::default()).unwrap(),
        "{}"
    );
}
