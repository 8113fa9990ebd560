//! The world's mutable state (cluster, SINGLE agents, DAGs), and each agent's view of it.
//!
//! A leaf of the obshell simulator: it knows the cluster, the agents and the DAGs, and nothing
//! that serves them.

use rand::rngs::StdRng;
use std::collections::BTreeSet;

use obtui_api::obshell::models::{
    AgentAddr, AgentIdentity, AgentsStatus, ObAgent, ObInfo, ObclusterSummary,
};

use super::agents::{AgentView, SingleAgent};
use super::cluster::Cluster;
use super::consts::{AGENT_VERSION, OB_VERSION};
use super::dag::{Dag, Ids};

/// Everything that changes, under one lock.
pub struct State {
    pub cluster: Cluster,
    /// Agents that started outside the cluster (whatever their identity is now).
    pub singles: Vec<SingleAgent>,
    pub dags: Vec<Dag>,
    pub ids: Ids,
    /// Node names that fail once in every scale-out started from now on.
    pub fail_nodes: BTreeSet<String>,
    pub rng: StdRng,
}

impl State {
    /// Bring every DAG up to `now`.
    pub fn advance(&mut self, now: i64) {
        let State {
            cluster, dags, ids, ..
        } = self;
        for d in dags.iter_mut() {
            d.advance(now, ids, cluster);
        }
    }

    pub fn dag(&self, dag_id: i64) -> Option<&Dag> {
        self.dags.iter().find(|d| d.dag_id == dag_id)
    }

    pub fn dag_mut(&mut self, dag_id: i64) -> Option<&mut Dag> {
        self.dags.iter_mut().find(|d| d.dag_id == dag_id)
    }
}

impl State {
    /// The agent at `me` as it is now; `None` when no agent of the world has that address.
    pub fn view(&self, me: &AgentAddr) -> Option<AgentView> {
        if let Some(a) = self.cluster.agent(&me.ip, me.port) {
            return Some(AgentView {
                addr: me.clone(),
                identity: AgentIdentity::ClusterAgent,
                zone: a.zone.clone(),
                pid: a.pid,
                start_at_ns: a.start_at_ns,
                sql_port: Some(a.sql_port),
                version: AGENT_VERSION.into(),
                ob_version: OB_VERSION.into(),
            });
        }
        let single = self.singles.iter().find(|s| s.addr() == *me)?;
        let scaling = self
            .dags
            .iter()
            .find(|d| !d.is_finished() && d.job.target == *me);
        Some(AgentView {
            addr: me.clone(),
            identity: if scaling.is_some() {
                AgentIdentity::ScalingOut
            } else {
                AgentIdentity::Single
            },
            zone: scaling.map(|d| d.job.zone.clone()).unwrap_or_default(),
            pid: single.pid,
            start_at_ns: single.start_at_ns,
            version: single.version.clone(),
            ob_version: single.ob_version.clone(),
            sql_port: None,
        })
    }

    /// `/ob/info` as `me` answers it: the cluster's (followers forward to the master, so every
    /// member gives the same), or a lone agent's zero-valued one.
    pub fn ob_info_for(&self, me: &AgentView) -> ObInfo {
        if me.is_cluster_agent() {
            return self.cluster.ob_info();
        }
        ObInfo {
            agent_info: vec![ObAgent {
                ip: me.addr.ip.clone(),
                port: me.addr.port,
                zone: me.zone.clone(),
                identity: me.identity.clone(),
                version: AGENT_VERSION.into(),
            }],
            obcluster_info: ObclusterSummary {
                id: 0,
                name: String::new(),
                version: String::new(),
                topology: None,
                is_shared_storage: false,
            },
        }
    }

    /// `/agents/status` as `me` answers it: every member, or just itself outside the cluster.
    pub fn agents_status_for(&self, me: &AgentView) -> AgentsStatus {
        if me.is_cluster_agent() {
            return self.cluster.agents_status();
        }
        AgentsStatus::from([(me.addr.to_string(), me.status())])
    }
}
