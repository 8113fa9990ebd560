//! The owned snapshots the view poller brings back for a pane or a detail screen, in the
//! backend-neutral inventory model.

use super::inventory::{Cluster, Host, ProxyCluster, Server, TaskSummary, Tenant, Zone};

#[derive(Debug, Clone)]
pub struct ClusterDetail {
    pub cluster: Cluster,
    pub zones: Vec<Zone>,
    pub servers: Vec<Server>,
    pub tenants: Vec<Tenant>,
    pub tasks: Vec<TaskSummary>,
}

/// The snapshot a job produced.
#[derive(Debug, Clone)]
pub enum ViewData {
    Clusters {
        clusters: Vec<Cluster>,
        running: Vec<TaskSummary>,
    },
    Hosts(Vec<Host>),
    Proxies(Vec<ProxyCluster>),
    Tasks(Vec<TaskSummary>),
    ClusterDetail(Box<ClusterDetail>),
    HostDetail(Box<Host>),
    ProxyDetail(Box<ProxyCluster>),
}
