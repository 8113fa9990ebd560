//! Each agent's own view of the world: who it is right now (identity, zone) and its answers
//! to the routes that differ per agent (`/info`, `/status`, `/secret`, `/ob/info`,
//! `/agents/status`).

use obtui_api::obshell::models::{
    agent_state, ob_state, AgentAddr, AgentIdentity, AgentInfo, AgentRef, AgentStatus,
};

use super::consts::{AGENT_VERSION, HOME_PATH};

/// An agent that started outside the cluster. It keeps this record when a scale-out makes it
/// a cluster member (and a rollback makes it SINGLE again).
#[derive(Debug, Clone, PartialEq)]
pub struct SingleAgent {
    pub ip: String,
    pub port: u16,
    pub pid: i64,
    pub start_at_ns: i64,
    /// Its obshell version (`4.5.0.0-20260508`), as its `/info` says.
    pub version: String,
    /// The OceanBase version it installs, as its `/info` says.
    pub ob_version: String,
}

impl SingleAgent {
    pub fn addr(&self) -> AgentAddr {
        AgentAddr {
            ip: self.ip.clone(),
            port: self.port,
        }
    }
}

/// What one agent is right now.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentView {
    pub addr: AgentAddr,
    pub identity: AgentIdentity,
    /// Empty for a SINGLE agent.
    pub zone: String,
    pub pid: i64,
    pub start_at_ns: i64,
    /// The observer's SQL port, once the agent runs one in the cluster.
    pub sql_port: Option<u16>,
    /// Its obshell version and the OceanBase version it installs.
    pub version: String,
    pub ob_version: String,
}

impl AgentView {
    /// A member of the initialised cluster: it may serve cluster routes and tasks.
    pub fn is_cluster_agent(&self) -> bool {
        self.identity == AgentIdentity::ClusterAgent
    }

    pub fn info(&self) -> AgentInfo {
        AgentInfo {
            pid: self.pid,
            state: agent_state::RUNNING,
            start_at: self.start_at_ns,
            home_path: HOME_PATH.into(),
            ob_version: self.ob_version.clone(),
            architecture: std::env::consts::ARCH.into(),
            ip: self.addr.ip.clone(),
            port: self.addr.port,
            zone: self.zone.clone(),
            identity: self.identity.clone(),
            version: self.version.clone(),
            is_obproxy_agent: false,
            security: false,
            supported_auth: vec!["v2".into()],
        }
    }

    pub fn status(&self) -> AgentStatus {
        AgentStatus {
            agent: AgentRef {
                ip: self.addr.ip.clone(),
                port: self.addr.port,
                identity: self.identity.clone(),
            },
            state: agent_state::RUNNING,
            version: AGENT_VERSION.into(),
            pid: self.pid,
            start_at: self.start_at_ns,
            port: self.addr.port,
            // Outside the cluster no observer runs on the host yet.
            ob_state: if self.is_cluster_agent() {
                ob_state::AVAILABLE
            } else {
                ob_state::NOT_RUNNING
            },
            sql_port: self.sql_port,
            under_maintenance: false,
        }
    }
}
