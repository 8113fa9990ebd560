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

/// The first pages of a big list while the rest is still on its way (first load only).
#[derive(Debug, Clone)]
pub struct ViewProgress {
    pub job: crate::model::jobs::ViewJob,
    /// Pages fetched so far, and how many the server announced.
    pub done: u32,
    pub total: u32,
    /// The first page's rows, sent once (later progress carries only the counts).
    pub first: Option<ViewData>,
}

/// What the header shows about the view poller: the interval it actually uses, and a first
/// load still in progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollStatus {
    /// The interval the view poller chose for `job` after its last round.
    pub interval: Option<(crate::model::jobs::ViewJob, std::time::Duration)>,
    /// `done` of `total` pages of `job` fetched so far (first load only).
    pub loading: Option<(crate::model::jobs::ViewJob, u32, u32)>,
}
