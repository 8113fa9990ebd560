//! The owned snapshots the view poller brings back for a pane or a detail screen, in the
//! backend-neutral inventory model.

use super::inventory::{Cluster, Host, ProxyCluster, Server, TaskSummary, Tenant, Zone};
use obtui_api::ApiError;

/// A secondary request of a screen: one whose failure must not hide the rest of the screen
/// (the primary request failing fails the whole snapshot), and must not show as empty data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The clusters pane's RUNNING TASK column (the running tasks).
    RunningTasks,
    /// The cluster detail's servers.
    Servers,
    /// The cluster detail's tenants.
    Tenants,
    /// The cluster detail's tasks.
    Tasks,
    /// The zones of obshell agents (the hosts pane's IDC / REGION column on an agent).
    AgentZones,
    /// The obshell agent's DAGs, listed in the Tasks pane beside OCP's tasks.
    AgentDags,
}

impl Part {
    /// How the screen names the part (section headers, the footer, the error history).
    pub fn label(self) -> &'static str {
        match self {
            Part::RunningTasks => "running tasks",
            Part::Servers => "servers",
            Part::Tenants => "tenants",
            Part::Tasks => "tasks",
            Part::AgentZones => "agent zones",
            Part::AgentDags => "obshell DAGs",
        }
    }
}

/// What one secondary request of a snapshot brought: its value, or this round's error. The app
/// keeps the last good value in place of an error (marked stale), so an `Err` that reaches the
/// screen means the part was never loaded: "unknown", never an empty list.
pub type PartResult<T> = Result<T, ApiError>;

#[derive(Debug, Clone)]
pub struct ClusterDetail {
    pub cluster: Cluster,
    pub zones: Vec<Zone>,
    pub servers: PartResult<Vec<Server>>,
    pub tenants: PartResult<Vec<Tenant>>,
    pub tasks: PartResult<Vec<TaskSummary>>,
}

/// A tenant with its zones and units, and the tasks that name it.
#[derive(Debug, Clone)]
pub struct TenantDetail {
    pub tenant: Tenant,
    pub tasks: PartResult<Vec<TaskSummary>>,
}

/// The snapshot a job produced.
#[derive(Debug, Clone)]
pub enum ViewData {
    Clusters {
        clusters: Vec<Cluster>,
        running: PartResult<Vec<TaskSummary>>,
    },
    Hosts(Vec<Host>),
    /// An obshell agent's hosts, with the zones of its agents (a second request).
    AgentHosts {
        hosts: Vec<Host>,
        zones: PartResult<()>,
    },
    Proxies(Vec<ProxyCluster>),
    Tasks(Vec<TaskSummary>),
    /// Every tenant of every cluster.
    Tenants(Vec<Tenant>),
    /// The active alarms (worst first), and how many the server has in all.
    Alarms {
        alarms: Vec<crate::model::alarm::Alarm>,
        total: Option<u64>,
    },
    /// OCP's newest audit events.
    Events(Vec<crate::model::alarm::AuditEvent>),
    AlarmDetail(Box<crate::model::alarm::Alarm>),
    EventDetail(Box<crate::model::alarm::AuditEvent>),
    /// OCP's tasks and an obshell agent's DAGs (a second request), for one Tasks pane.
    TasksAndDags {
        tasks: Vec<TaskSummary>,
        dags: PartResult<Vec<TaskSummary>>,
    },
    ClusterDetail(Box<ClusterDetail>),
    HostDetail(Box<Host>),
    ProxyDetail(Box<ProxyCluster>),
    TenantDetail(Box<TenantDetail>),
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
