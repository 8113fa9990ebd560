//! The simulated cluster: three agents in three zones, plus whatever scale-outs add.

use std::collections::BTreeMap;

use obtui_api::obshell::models::{
    agent_state, ob_state, AgentIdentity, AgentInfo, AgentRef, AgentStatus, AgentsStatus, ObAgent,
    ObInfo, ObclusterInfo, ObclusterSummary, ResourceStats, RootServer, ServerInfo, TopologyServer,
    ZoneInfo,
};
use obtui_api::obshell::time::format_rfc3339;

pub use super::consts::{AGENT_VERSION, BUILD_VERSION, HOME_PATH, OB_VERSION, OFFSET_SECS};

/// One agent with its observer.
#[derive(Debug, Clone, PartialEq)]
pub struct SimAgent {
    pub ip: String,
    pub port: u16,
    pub zone: String,
    pub svr_port: u16,
    pub sql_port: u16,
    pub with_rootserver: bool,
    pub pid: i64,
    pub start_at_ns: i64,
    pub server_id: i64,
}

impl SimAgent {
    pub fn addr(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }

    fn status(&self) -> AgentStatus {
        AgentStatus {
            agent: AgentRef {
                ip: self.ip.clone(),
                port: self.port,
                identity: AgentIdentity::ClusterAgent,
            },
            state: agent_state::RUNNING,
            version: AGENT_VERSION.into(),
            pid: self.pid,
            start_at: self.start_at_ns,
            port: self.port,
            ob_state: ob_state::AVAILABLE,
            sql_port: Some(self.sql_port),
            under_maintenance: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: i64,
    pub name: String,
    /// agents[0] is the one answering (the master).
    pub agents: Vec<SimAgent>,
}

impl Cluster {
    /// 10.186.1.1-3:2886 in zone1-3; the first holds the root service.
    pub fn new(start_at_ns: i64, pid: i64) -> Self {
        let agents = (1..=3)
            .map(|i| SimAgent {
                ip: format!("10.186.1.{i}"),
                port: 2886,
                zone: format!("zone{i}"),
                svr_port: 2882,
                sql_port: 2881,
                with_rootserver: i == 1,
                pid: pid + i64::from(i) - 1,
                start_at_ns: start_at_ns + i64::from(i - 1) * 1_250_000_000,
                server_id: i64::from(i),
            })
            .collect();
        Cluster {
            id: 1,
            name: "obshell-sim".into(),
            agents,
        }
    }

    pub fn master(&self) -> &SimAgent {
        // new() always makes three agents and nothing removes the first.
        &self.agents[0]
    }

    pub fn zones(&self) -> Vec<String> {
        let mut z: Vec<String> = self.agents.iter().map(|a| a.zone.clone()).collect();
        z.sort();
        z.dedup();
        z
    }

    pub fn has_zone(&self, zone: &str) -> bool {
        self.agents.iter().any(|a| a.zone == zone)
    }

    pub fn agent(&self, ip: &str, port: u16) -> Option<&SimAgent> {
        self.agents.iter().find(|a| a.ip == ip && a.port == port)
    }

    pub fn server(&self, ip: &str, svr_port: u16) -> Option<&SimAgent> {
        self.agents
            .iter()
            .find(|a| a.ip == ip && a.svr_port == svr_port)
    }

    pub fn add(&mut self, mut agent: SimAgent) {
        if self.agent(&agent.ip, agent.port).is_none() {
            agent.server_id = self.agents.iter().map(|a| a.server_id).max().unwrap_or(0) + 1;
            self.agents.push(agent);
        }
    }

    pub fn remove(&mut self, ip: &str, port: u16) {
        // Never the master: the simulator answers as agents[0].
        if let Some(pos) = self
            .agents
            .iter()
            .position(|a| a.ip == ip && a.port == port)
        {
            if pos > 0 {
                self.agents.remove(pos);
            }
        }
    }

    pub fn info(&self) -> AgentInfo {
        let m = self.master();
        AgentInfo {
            pid: m.pid,
            state: agent_state::RUNNING,
            start_at: m.start_at_ns,
            home_path: HOME_PATH.into(),
            ob_version: OB_VERSION.into(),
            architecture: std::env::consts::ARCH.into(),
            ip: m.ip.clone(),
            port: m.port,
            zone: m.zone.clone(),
            identity: AgentIdentity::ClusterAgent,
            version: AGENT_VERSION.into(),
            is_obproxy_agent: false,
            security: false,
            supported_auth: vec!["v2".into()],
        }
    }

    pub fn status(&self, under_maintenance: bool) -> AgentStatus {
        AgentStatus {
            under_maintenance,
            ..self.master().status()
        }
    }

    pub fn agents_status(&self) -> AgentsStatus {
        self.agents.iter().map(|a| (a.addr(), a.status())).collect()
    }

    pub fn ob_info(&self) -> ObInfo {
        let mut topology: BTreeMap<String, Vec<TopologyServer>> = BTreeMap::new();
        for a in &self.agents {
            topology
                .entry(a.zone.clone())
                .or_default()
                .push(TopologyServer {
                    svr_ip: a.ip.clone(),
                    svr_port: a.svr_port,
                    sql_port: a.sql_port,
                    agent_port: a.port,
                    with_rootserver: if a.with_rootserver { "YES" } else { "NO" }.into(),
                    status: "ACTIVE".into(),
                    build_version: BUILD_VERSION.into(),
                });
        }
        ObInfo {
            agent_info: self
                .agents
                .iter()
                .map(|a| ObAgent {
                    ip: a.ip.clone(),
                    port: a.port,
                    zone: a.zone.clone(),
                    identity: AgentIdentity::ClusterAgent,
                    version: AGENT_VERSION.into(),
                })
                .collect(),
            obcluster_info: ObclusterSummary {
                id: self.id,
                name: self.name.clone(),
                version: OB_VERSION.into(),
                topology: Some(topology),
                is_shared_storage: false,
            },
        }
    }

    pub fn obcluster_info(&self) -> ObclusterInfo {
        const GIB: i64 = 1 << 30;
        let per_server_mem = 32 * GIB;
        let per_server_disk = 200 * GIB;
        let n = self.agents.len() as i64;
        let zones = self
            .zones()
            .into_iter()
            .map(|z| {
                let servers: Vec<&SimAgent> = self.agents.iter().filter(|a| a.zone == z).collect();
                let rs = servers
                    .iter()
                    .find(|a| a.with_rootserver)
                    .or(servers.first());
                ZoneInfo {
                    name: z.clone(),
                    idc_name: "idc1".into(),
                    region_name: "sys_region".into(),
                    status: "ACTIVE".into(),
                    inner_status: "ACTIVE".into(),
                    root_server: rs.map(|a| RootServer {
                        ip: a.ip.clone(),
                        role: if a.with_rootserver {
                            "LEADER"
                        } else {
                            "FOLLOWER"
                        }
                        .into(),
                        zone: z.clone(),
                        svr_port: a.svr_port,
                    }),
                    servers: servers
                        .iter()
                        .map(|a| ServerInfo {
                            id: a.server_id,
                            ip: a.ip.clone(),
                            svr_port: a.svr_port,
                            sql_port: a.sql_port,
                            version: BUILD_VERSION.into(),
                            with_rootserver: a.with_rootserver,
                            status: "ACTIVE".into(),
                            ob_status: Some("ACTIVE".into()),
                            inner_status: "ACTIVE".into(),
                            start_time: format_rfc3339(a.start_at_ns / 1_000_000, OFFSET_SECS),
                            stop_time: format_rfc3339(0, OFFSET_SECS),
                            stats: Some(serde_json::json!({
                                "cpu_core_total": 16.0, "cpu_core_assigned": 4.0,
                                "memory_in_bytes_total": per_server_mem,
                                "memory_in_bytes_assigned": 8 * GIB,
                                "disk_in_bytes_total": per_server_disk,
                                "disk_in_bytes_assigned": 40 * GIB,
                                "ip": a.ip, "port": a.svr_port, "zone": a.zone,
                            })),
                            architecture: std::env::consts::ARCH.into(),
                            data_dir: Some(format!("{HOME_PATH}/store")),
                            redo_dir: Some(format!("{HOME_PATH}/store/redo")),
                            log_dir: Some(format!("{HOME_PATH}/log")),
                            obshell_port: Some(a.port),
                        })
                        .collect(),
                }
            })
            .collect();
        ObclusterInfo {
            cluster_name: self.name.clone(),
            cluster_id: self.id,
            status: "AVAILABLE".into(),
            is_community_edition: true,
            is_standalone: false,
            ob_version: OB_VERSION.into(),
            dead_lock_detection_enabled: Some(true),
            startup_mode: Some("NORMAL".into()),
            is_shared_storage: false,
            stats: ResourceStats {
                cpu_core_total: 16.0 * n as f64,
                cpu_core_assigned: 4.0 * n as f64,
                cpu_core_assigned_percent: 25.0,
                memory_total: format!("{}G", 32 * n),
                memory_assigned: format!("{}G", 8 * n),
                memory_in_bytes_total: per_server_mem * n,
                memory_in_bytes_assigned: 8 * GIB * n,
                memory_assigned_percent: 25.0,
                disk_total: format!("{}G", 200 * n),
                disk_assigned: format!("{}G", 40 * n),
                disk_in_bytes_total: per_server_disk * n,
                disk_in_bytes_assigned: 40 * GIB * n,
                disk_assigned_percent: 20.0,
            },
            zones,
            tenants: vec![serde_json::json!({
                "tenant_id": 1, "tenant_name": "sys", "mode": "MYSQL", "status": "NORMAL",
                "locked": "NO", "primary_zone": "RANDOM",
            })],
            tenant_stats: Vec::new(),
        }
    }
}
