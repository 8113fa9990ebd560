//! The obshell backend behind the panes, the DAG view and its operations.
//!
//! With an obshell agent alone the panes still work: the cluster comes from
//! `/obcluster/info` (zones, servers and their status), the agents are the hosts, and the
//! unfinished DAGs are the tasks. The data is turned into the same models the OCP panes use, so
//! one set of panes serves both backends.

use obtui_api::obshell::models::{
    self as om, agent_state, AgentsStatus, DagDetail, DagOperation, ObInfo, ObclusterInfo,
};
use obtui_api::obshell::ObshellClient;
use obtui_api::ocp::models as ocp;
use obtui_api::ApiError;
use obtui_task::{Op, TaskGraph};

fn server_status(s: &str) -> ocp::ServerStatus {
    match s.to_ascii_uppercase().as_str() {
        "ACTIVE" | "RUNNING" => ocp::ServerStatus::Running,
        "INACTIVE" | "STOPPED" => ocp::ServerStatus::Stopped,
        "DELETING" => ocp::ServerStatus::Deleting,
        other => ocp::ServerStatus::from_wire(other),
    }
}

fn cluster_status(s: &str, servers: &[ocp::Server]) -> ocp::ClusterStatus {
    match s.to_ascii_uppercase().as_str() {
        "" | "AVAILABLE" | "ACTIVE" | "RUNNING" => {
            if servers
                .iter()
                .any(|x| x.status != ocp::ServerStatus::Running)
            {
                ocp::ClusterStatus::Operating
            } else {
                ocp::ClusterStatus::Running
            }
        }
        other => ocp::ClusterStatus::from_wire(other),
    }
}

/// `/obcluster/info` as a cluster of the clusters pane (with its zones and servers).
pub fn cluster_from(info: &ObclusterInfo) -> ocp::ObCluster {
    let zones: Vec<ocp::Zone> = info
        .zones
        .iter()
        .map(|z| {
            let servers: Vec<ocp::Server> = z
                .servers
                .iter()
                .map(|s| ocp::Server {
                    id: s.id,
                    ip: Some(s.ip.clone()),
                    port: Some(i64::from(s.svr_port)),
                    sql_port: Some(i64::from(s.sql_port)),
                    version: Some(s.version.clone()).filter(|v| !v.is_empty()),
                    with_rootserver: Some(s.with_rootserver),
                    status: server_status(&s.status),
                    inner_status: Some(s.inner_status.clone()).filter(|v| !v.is_empty()),
                    zone_name: Some(z.name.clone()),
                    idc_name: Some(z.idc_name.clone()).filter(|v| !v.is_empty()),
                    region_name: Some(z.region_name.clone()).filter(|v| !v.is_empty()),
                    start_time: Some(s.start_time.clone()).filter(|v| !v.is_empty()),
                    ..Default::default()
                })
                .collect();
            ocp::Zone {
                name: z.name.clone(),
                idc_name: Some(z.idc_name.clone()).filter(|v| !v.is_empty()),
                region_name: Some(z.region_name.clone()).filter(|v| !v.is_empty()),
                status: Some(z.status.clone()).filter(|v| !v.is_empty()),
                inner_status: Some(z.inner_status.clone()).filter(|v| !v.is_empty()),
                server_count: Some(servers.len() as i64),
                servers,
                ..Default::default()
            }
        })
        .collect();
    let all: Vec<ocp::Server> = zones.iter().flat_map(|z| z.servers.clone()).collect();
    let root_servers = info
        .zones
        .iter()
        .filter_map(|z| z.root_server.as_ref())
        .map(|r| ocp::RootServer {
            address: Some(format!("{}:{}", r.ip, r.svr_port)),
            role: Some(r.role.clone()),
            sql_port: None,
        })
        .collect();
    ocp::ObCluster {
        id: info.cluster_id,
        name: info.cluster_name.clone(),
        ob_cluster_id: Some(info.cluster_id),
        ob_version: Some(info.ob_version.clone()).filter(|v| !v.is_empty()),
        status: cluster_status(&info.status, &all),
        cluster_type: Some(ocp::ClusterType::Primary),
        server_count: Some(all.len() as i64),
        tenant_count: Some(info.tenants.len() as i64),
        root_servers,
        zones,
        ..Default::default()
    }
}

/// The agents as hosts: `ip:port` of each agent, its identity, zone and state.
pub fn hosts_from(agents: &AgentsStatus, ob: Option<&ObInfo>) -> Vec<ocp::Host> {
    agents
        .iter()
        .enumerate()
        .map(|(i, (key, a))| {
            let zone = ob
                .and_then(|o| {
                    o.agent_info
                        .iter()
                        .find(|x| x.ip == a.agent.ip && x.port == a.agent.port)
                })
                .map(|x| x.zone.clone())
                .filter(|z| !z.is_empty());
            let status = match a.state {
                agent_state::RUNNING => ocp::HostStatus::Online,
                agent_state::STARTING => ocp::HostStatus::Available,
                _ => ocp::HostStatus::Offline,
            };
            ocp::Host {
                id: i as i64 + 1,
                name: Some(key.clone()),
                inner_ip_address: Some(a.agent.ip.clone()),
                ssh_port: None,
                kind: Some("OBSHELL_AGENT".into()),
                status,
                idc_name: zone.clone(),
                type_name: Some(a.agent.identity.as_str().to_string()),
                host_agent_version: Some(a.version.clone()),
                host_agent_status: Some(if a.under_maintenance {
                    "MAINTENANCE".into()
                } else {
                    "RUNNING".into()
                }),
                services: vec![ocp::HostService {
                    name: Some(format!("agent {}:{}", a.agent.ip, a.agent.port)),
                    service_type: Some("OBSHELL".into()),
                    version: Some(a.version.clone()),
                    ..Default::default()
                }],
                ..Default::default()
            }
        })
        .collect()
}

fn dag_status(d: &DagDetail) -> ocp::TaskStatus {
    match d.state {
        om::TaskState::Succeed => ocp::TaskStatus::Successful,
        om::TaskState::Failed => ocp::TaskStatus::Failed,
        _ => ocp::TaskStatus::Running,
    }
}

/// A DAG as a row of the tasks pane (its nodes as subtasks, for the progress column).
pub fn task_from(d: &DagDetail) -> ocp::TaskInstance {
    let subtasks = d
        .nodes
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|n| ocp::SubtaskInstance {
            id: n.id.parse().unwrap_or(0),
            name: n.name.clone(),
            status: match n.state {
                om::TaskState::Succeed => ocp::SubtaskStatus::Successful,
                om::TaskState::Failed => ocp::SubtaskStatus::Failed,
                om::TaskState::Running => ocp::SubtaskStatus::Running,
                om::TaskState::Ready => ocp::SubtaskStatus::Ready,
                _ => ocp::SubtaskStatus::Pending,
            },
            ..Default::default()
        })
        .collect();
    ocp::TaskInstance {
        id: d.id.parse().unwrap_or(0),
        name: d.name.clone(),
        status: dag_status(d),
        start_time: Some(d.start_time.clone()).filter(|t| !obtui_api::time::is_unset(t)),
        finish_time: Some(d.end_time.clone()).filter(|t| !obtui_api::time::is_unset(t)),
        creator: Some(ocp::Creator::Name("obshell".into())),
        subtasks,
        ..Default::default()
    }
}

/// One poll of a DAG, as the neutral graph.
pub async fn task_graph(c: &ObshellClient, id: &str) -> Result<TaskGraph, ApiError> {
    let d = c.dag(id, true).await?;
    TaskGraph::try_from(&d).map_err(|e| ApiError::Request(e.to_string()))
}

/// The log of a node: its sub_tasks' logs, each headed by the agent that ran it.
pub async fn node_log(c: &ObshellClient, node_id: &str) -> Result<String, ApiError> {
    let node = c.node(node_id).await?;
    let mut out = String::new();
    for st in node.sub_tasks.unwrap_or_default() {
        let agent = st
            .execute_agent
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_else(|| "?".into());
        out.push_str(&format!("── {} on {agent} ──\n", st.name));
        for l in c.sub_task_logs(&st.id).await? {
            out.push_str(&l.log_content);
            if !l.log_content.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// DAG operators (RETRY / ROLLBACK / CANCEL / PASS) and node PASS.
pub async fn operate(
    c: &ObshellClient,
    dag: &str,
    op: Op,
    node: Option<&str>,
) -> Result<(), ApiError> {
    match (op, node) {
        (Op::Pass, Some(n)) => c.pass_node(n).await,
        (Op::Retry, None) => c.operate_dag(dag, DagOperation::Retry).await,
        (Op::Rollback, None) => c.operate_dag(dag, DagOperation::Rollback).await,
        (Op::Cancel, None) => c.operate_dag(dag, DagOperation::Cancel).await,
        (Op::Pass, None) => c.operate_dag(dag, DagOperation::Pass).await,
        (op, _) => Err(ApiError::Request(format!(
            "obshell has no {} operation for this target",
            op.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> serde_json::Value {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/obshell")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    #[test]
    fn dag_fixture_becomes_a_tasks_pane_row() {
        let v = fixture("dag-scale-out-failed.json");
        let d: DagDetail = serde_json::from_value(v["data"].clone()).unwrap();
        let t = task_from(&d);
        assert_eq!(t.name, d.name);
        assert_eq!(t.status, ocp::TaskStatus::Failed);
        assert_eq!(t.subtasks.len(), d.nodes.as_ref().map_or(0, |n| n.len()));
        assert!(t
            .subtasks
            .iter()
            .any(|s| s.status == ocp::SubtaskStatus::Failed));
        assert_eq!(t.id.to_string(), d.id);
    }
}
