//! obshell answers → inventory. With an obshell agent alone the panes still work: the cluster
//! comes from `/obcluster/info` (zones, servers and their status), the agents
//! (`/agents/status`, zones from `/ob/info`) are the hosts, and the unfinished DAGs are the
//! tasks. What obshell does not say is left empty (no role, no creator, no host type), not
//! made up.

use super::text;
use crate::model::inventory as inv;
use obtui_api::obshell::models::{
    self as om, agent_state, AgentsStatus, DagDetail, ObInfo, ObclusterInfo,
};
use obtui_api::obshell::time;
use obtui_task::{NodeStatus, TaskState};

/// obshell spells server states `ACTIVE` / `INACTIVE`; OCP's spellings pass through.
pub fn server_status(s: &str) -> inv::ServerStatus {
    match s.to_ascii_uppercase().as_str() {
        "ACTIVE" | "RUNNING" => inv::ServerStatus::Running,
        "INACTIVE" | "STOPPED" => inv::ServerStatus::Stopped,
        other => inv::ServerStatus::parse(other),
    }
}

/// The cluster's own status; an available cluster with a server not running is shown as
/// operating (something is being done to it), the way OCP shows it.
pub fn cluster_status(s: &str, servers: &[inv::Server]) -> inv::ClusterStatus {
    match s.to_ascii_uppercase().as_str() {
        "" | "AVAILABLE" | "ACTIVE" | "RUNNING" => {
            if servers
                .iter()
                .any(|x| x.status != inv::ServerStatus::Running)
            {
                inv::ClusterStatus::Operating
            } else {
                inv::ClusterStatus::Running
            }
        }
        other => inv::ClusterStatus::parse(other),
    }
}

/// `/obcluster/info` as a cluster, with its zones and servers.
pub fn cluster(info: &ObclusterInfo) -> inv::Cluster {
    let zones: Vec<inv::Zone> = info
        .zones
        .iter()
        .map(|z| inv::Zone {
            name: z.name.clone(),
            idc: text(&z.idc_name),
            region: text(&z.region_name),
            status: text(&z.status),
            server_count: None,
            servers: z
                .servers
                .iter()
                .map(|s| inv::Server {
                    id: s.id,
                    ip: Some(s.ip.clone()),
                    rpc_port: Some(i64::from(s.svr_port)),
                    sql_port: Some(i64::from(s.sql_port)),
                    status: server_status(&s.status),
                    with_rootserver: s.with_rootserver,
                    zone: Some(z.name.clone()),
                })
                .collect(),
        })
        .collect();
    let all: Vec<inv::Server> = zones.iter().flat_map(|z| z.servers.clone()).collect();
    let root_servers = info
        .zones
        .iter()
        .filter_map(|z| z.root_server.as_ref())
        .map(|r| inv::RootServer {
            address: Some(format!("{}:{}", r.ip, r.svr_port)),
            role: text(&r.role),
        })
        .collect();
    inv::Cluster {
        id: info.cluster_id,
        name: info.cluster_name.clone(),
        ob_cluster_id: Some(info.cluster_id),
        version: text(&info.ob_version),
        // obshell does not tell a primary from a standby.
        role: None,
        status: cluster_status(&info.status, &all),
        zones,
        server_count: None,
        tenant_count: Some(info.tenants.len() as i64),
        root_servers,
        query_failure: None,
    }
}

fn agent_state_name(state: i32) -> String {
    match state {
        agent_state::STARTING => "STARTING".into(),
        agent_state::RUNNING => "RUNNING".into(),
        agent_state::STOPPING => "STOPPING".into(),
        agent_state::STOPPED => "STOPPED".into(),
        agent_state::UNKNOWN => "UNKNOWN".into(),
        other => other.to_string(),
    }
}

/// The agents as hosts: each agent's address, identity, zone and state. Agents have no id of
/// their own; a host's id is its place in the `ip:port`-ordered map (1-based), stable while the
/// agents are.
pub fn hosts(agents: &AgentsStatus, ob: Option<&ObInfo>) -> Vec<inv::Host> {
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
                .and_then(|x| text(&x.zone));
            let status = match a.state {
                agent_state::RUNNING => inv::HostStatus::Online,
                agent_state::STARTING => inv::HostStatus::Available,
                _ => inv::HostStatus::Offline,
            };
            inv::Host {
                id: i as i64 + 1,
                ip: Some(a.agent.ip.clone()),
                hostname: Some(key.clone()),
                kind: Some(inv::HostKind::ObshellAgent),
                status,
                type_name: text(a.agent.identity.as_str()),
                idc: zone,
                agent: inv::HostAgent {
                    id: None,
                    version: text(&a.version),
                    status: Some(if a.under_maintenance {
                        "MAINTENANCE".into()
                    } else {
                        agent_state_name(a.state)
                    }),
                },
                services: vec![inv::HostService {
                    kind: Some(inv::ServiceKind::Obshell),
                    name: Some(format!("agent {}:{}", a.agent.ip, a.agent.port)),
                    version: text(&a.version),
                }],
                ..Default::default()
            }
        })
        .collect()
}

fn node_status(s: &om::TaskState) -> NodeStatus {
    match s {
        om::TaskState::Succeed => NodeStatus::Successful,
        om::TaskState::Failed => NodeStatus::Failed,
        om::TaskState::Running => NodeStatus::Running,
        om::TaskState::Ready => NodeStatus::Ready,
        om::TaskState::Pending => NodeStatus::Pending,
        om::TaskState::Other(o) => NodeStatus::Unknown(o.clone()),
    }
}

/// An unfinished DAG (pending, ready, running) is a task the cluster is busy with: it shows as
/// running, like OCP's tasks, whose states are only running, failed and successful.
fn dag_status(s: &om::TaskState) -> TaskState {
    match s {
        om::TaskState::Succeed => TaskState::Successful,
        om::TaskState::Failed => TaskState::Failed,
        om::TaskState::Running | om::TaskState::Ready | om::TaskState::Pending => {
            TaskState::Running
        }
        om::TaskState::Other(o) => TaskState::Unknown(o.clone()),
    }
}

/// The `host:port` of an agent's base URL (`http://10.0.0.1:2886/` → `10.0.0.1:2886`).
pub fn agent_label(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// A DAG of the agent at `agent` as a row of the tasks pane (its nodes as subtasks, for the
/// progress column).
pub fn task(agent: &str, d: &DagDetail) -> inv::TaskSummary {
    let set = |t: &str| Some(t.to_string()).filter(|t| !time::is_unset(t));
    let start_time = set(&d.start_time);
    inv::TaskSummary {
        id: inv::dag_row_id(&d.id),
        source: inv::TaskSource::Obshell {
            agent: agent.to_string(),
            dag: d.id.clone(),
        },
        name: d.name.clone(),
        status: dag_status(&d.state).with_operation(d.operator == om::TaskOperator::Rollback),
        cluster_id: None,
        cluster_name: None,
        creator: None,
        started: start_time.as_deref().and_then(time::parse_rfc3339_ms),
        finished: set(&d.end_time).as_deref().and_then(time::parse_rfc3339_ms),
        start_time,
        subtasks: d
            .nodes
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .map(|n| inv::SubtaskSummary {
                name: n.name.clone(),
                status: node_status(&n.state),
                target: None,
            })
            .collect(),
    }
}

pub fn tasks(agent: &str, dags: &[DagDetail]) -> Vec<inv::TaskSummary> {
    dags.iter().map(|d| task(agent, d)).collect()
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

    /// `/obcluster/info` in the shape of `bo.ClusterInfo` (see the obshell reference).
    fn obcluster_info() -> ObclusterInfo {
        serde_json::from_value(serde_json::json!({
            "cluster_name": "obdemo", "cluster_id": 1714, "status": "AVAILABLE",
            "is_community_edition": true, "is_standalone": false, "ob_version": "4.2.1.0",
            "zones": [
                {"name": "zone1", "idc_name": "hz1", "region_name": "HANGZHOU",
                 "status": "ACTIVE", "inner_status": "ACTIVE",
                 "root_server": {"ip": "10.0.0.1", "role": "LEADER", "zone": "zone1",
                                 "svr_port": 2882},
                 "servers": [
                    {"id": 1, "ip": "10.0.0.1", "svr_port": 2882, "sql_port": 2881,
                     "version": "4.2.1.0", "with_rootserver": "YES", "status": "ACTIVE",
                     "inner_status": "ACTIVE", "start_time": "2026-05-20T10:00:00+08:00"}
                 ]},
                {"name": "zone2", "idc_name": "", "region_name": "HANGZHOU",
                 "status": "ACTIVE", "inner_status": "ACTIVE", "root_server": null,
                 "servers": [
                    {"id": 2, "ip": "10.0.0.2", "svr_port": 2882, "sql_port": 2881,
                     "with_rootserver": "NO", "status": "INACTIVE"},
                    {"id": 3, "ip": "10.0.0.3", "svr_port": 2882, "sql_port": 2881,
                     "with_rootserver": "NO", "status": "MIGRATING"}
                 ]}
            ],
            "tenants": [{"tenant_name": "sys"}, {"tenant_name": "t1"}]
        }))
        .unwrap()
    }

    #[test]
    fn obcluster_info_becomes_a_cluster() {
        let c = cluster(&obcluster_info());
        assert_eq!((c.id, c.name.as_str()), (1714, "obdemo"));
        assert_eq!(c.ob_cluster_id, Some(1714));
        assert_eq!(c.version.as_deref(), Some("4.2.1.0"));
        assert_eq!(c.role, None, "obshell says nothing of primary or standby");
        assert_eq!(c.tenant_count, Some(2));
        assert_eq!(c.zones.len(), 2);
        assert_eq!(c.servers_total(), 3);
        assert_eq!(c.zones[0].idc.as_deref(), Some("hz1"));
        assert_eq!(c.zones[1].idc, None, "an empty idc is none");
        let s = &c.zones[0].servers[0];
        assert_eq!(s.status, inv::ServerStatus::Running);
        assert!(s.with_rootserver);
        assert_eq!((s.rpc_port, s.sql_port), (Some(2882), Some(2881)));
        assert_eq!(s.zone.as_deref(), Some("zone1"));
        assert_eq!(c.zones[1].servers[0].status, inv::ServerStatus::Stopped);
        // A state this build has no name for is shown, not lost.
        assert_eq!(
            c.zones[1].servers[1].status,
            inv::ServerStatus::Other("MIGRATING".into())
        );
        // Available, but not every server runs: the cluster is being worked on.
        assert_eq!(c.status, inv::ClusterStatus::Operating);
        assert_eq!(c.root_servers.len(), 1);
        assert_eq!(c.root_servers[0].address.as_deref(), Some("10.0.0.1:2882"));
        assert_eq!(c.root_servers[0].role.as_deref(), Some("LEADER"));
    }

    #[test]
    fn a_cluster_with_every_server_up_is_running() {
        let mut info = obcluster_info();
        info.zones.truncate(1);
        assert_eq!(cluster(&info).status, inv::ClusterStatus::Running);
        info.status = "STOPPED".into();
        assert_eq!(cluster(&info).status, inv::ClusterStatus::Stopped);
    }

    #[test]
    fn agents_become_hosts() {
        let status: AgentsStatus =
            serde_json::from_value(fixture("agents-status.json")["data"].clone()).unwrap();
        let ob: ObInfo = serde_json::from_value(fixture("ob-info.json")["data"].clone()).unwrap();
        let hosts = hosts(&status, Some(&ob));
        assert_eq!(hosts.len(), status.len());
        for (i, ((key, a), h)) in status.iter().zip(&hosts).enumerate() {
            assert_eq!(h.id, i as i64 + 1);
            assert_eq!(h.hostname.as_deref(), Some(key.as_str()));
            assert_eq!(h.ip.as_deref(), Some(a.agent.ip.as_str()));
            assert_eq!(h.kind, Some(inv::HostKind::ObshellAgent));
            assert_eq!(h.type_name.as_deref(), Some(a.agent.identity.as_str()));
            let want = match a.state {
                agent_state::RUNNING => inv::HostStatus::Online,
                agent_state::STARTING => inv::HostStatus::Available,
                _ => inv::HostStatus::Offline,
            };
            assert_eq!(h.status, want);
            assert_eq!(h.services.len(), 1);
            assert_eq!(h.services[0].kind, Some(inv::ServiceKind::Obshell));
            let zone = ob
                .agent_info
                .iter()
                .find(|x| x.ip == a.agent.ip && x.port == a.agent.port)
                .map(|x| x.zone.clone())
                .filter(|z| !z.is_empty());
            assert_eq!(h.idc, zone);
        }
        assert!(
            hosts.iter().any(|h| h.idc.is_some()),
            "the fixture's agents have zones"
        );
        // Without /ob/info the hosts are still there, without zones.
        assert!(super::hosts(&status, None).iter().all(|h| h.idc.is_none()));
    }

    #[test]
    fn dag_fixture_becomes_a_tasks_pane_row() {
        let v = fixture("dag-scale-out-failed.json");
        let d: DagDetail = serde_json::from_value(v["data"].clone()).unwrap();
        let t = task(&agent_label("http://10.0.0.1:2886/"), &d);
        assert_eq!(t.name, d.name);
        assert_eq!(t.status, TaskState::Failed);
        assert_eq!(t.subtasks.len(), d.nodes.as_ref().map_or(0, |n| n.len()));
        assert!(t.subtasks.iter().any(|s| s.status == NodeStatus::Failed));
        // Its own id opens it on its agent; the row id never meets an OCP task's.
        assert_eq!(t.shown_id(), d.id);
        assert_eq!(
            t.open_target(),
            (d.id.clone(), obtui_task::Backend::Obshell)
        );
        assert!(t.id < 0);
        assert_eq!(t.source.label(), "obshell 10.0.0.1:2886");
        assert_eq!(t.creator, None);
        assert!(t.started.is_some());
    }
}
