//! What a screen asks the pollers for. The app says which job is current; the poller for it
//! fetches only that (latest wins).

use crate::model::pane::PaneKind;
use obtui_task::Backend;

/// A thing on screen that needs data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewJob {
    Pane(PaneKind),
    ClusterDetail(i64),
    HostDetail(i64),
    ProxyDetail(i64),
    /// A tenant: its cluster's id and its own.
    TenantDetail {
        cluster: i64,
        tenant: i64,
    },
    /// One alarm, by id (an obshell alert by its fingerprint's number).
    AlarmDetail(i64),
    /// One audit event, by id (found among the newest).
    EventDetail(i64),
}

/// What the task poller should fetch: the task on screen in the DAG view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskJob {
    pub task: String,
    pub backend: Backend,
}

/// The log of one subtask of the task on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogJob {
    pub task: String,
    pub node: String,
    pub backend: Backend,
}

/// One object whose JSON the raw view shows (`d`). Fetched when asked, one object by its id,
/// and dropped when the view closes: the lists never keep their rows' JSON (10,000 hosts would
/// hold a second copy of every row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawTarget {
    Cluster(i64),
    Host(i64),
    Proxy(i64),
    Tenant { cluster: i64, tenant: i64 },
    Task { id: String, backend: Backend },
}

impl RawTarget {
    /// What the view's title names: `host 7`, `task 13089003`, `obshell DAG 13`.
    pub fn title(&self) -> String {
        match self {
            RawTarget::Cluster(id) => format!("cluster {id}"),
            RawTarget::Host(id) => format!("host {id}"),
            RawTarget::Proxy(id) => format!("OBProxy cluster {id}"),
            RawTarget::Tenant { tenant, .. } => format!("tenant {tenant}"),
            RawTarget::Task {
                id,
                backend: Backend::Ocp,
            } => format!("task {id}"),
            RawTarget::Task {
                id,
                backend: Backend::Obshell,
            } => format!("obshell DAG {id}"),
        }
    }
}
