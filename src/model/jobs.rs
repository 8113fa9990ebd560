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
