//! The owned snapshots the view poller brings back for a pane or a detail screen.

use obtui_api::ocp::models::{Host, ObCluster, ObproxyCluster, Server, TaskInstance, Tenant, Zone};

#[derive(Debug, Clone)]
pub struct ClusterDetail {
    pub cluster: ObCluster,
    pub zones: Vec<Zone>,
    pub servers: Vec<Server>,
    pub tenants: Vec<Tenant>,
    pub tasks: Vec<TaskInstance>,
}

/// The snapshot a job produced.
#[derive(Debug, Clone)]
pub enum ViewData {
    Clusters {
        clusters: Vec<ObCluster>,
        running: Vec<TaskInstance>,
    },
    Hosts(Vec<Host>),
    Proxies(Vec<ObproxyCluster>),
    Tasks(Vec<TaskInstance>),
    ClusterDetail(Box<ClusterDetail>),
    HostDetail(Box<Host>),
    ProxyDetail(Box<ObproxyCluster>),
}
