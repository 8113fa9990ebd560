//! The inventory panes: which columns each has, how API models become rows, and what the
//! summary strip and the detail view show.

use super::actions::Scope;
use super::alarm_pane::{alarm_row, event_row};
use super::table::{Column, Row, TableState};
use crate::config::theme::Tone;
use crate::model::alarm::{Alarm, AuditEvent};
use crate::model::inventory::{
    Cluster, ClusterStatus, Host, HostKind, HostStatus, ProxyCluster, ProxyStartMode, ProxyStatus,
    ServerStatus, ServiceKind, SubtaskSummary, TaskSummary, Tenant, TenantMode, TenantStatus,
};
use crate::model::pane::PaneKind;
use crate::model::view::ViewData;
use obtui_api::time::ShownZone;
use obtui_task::{NodeStatus, TaskState};

const CLUSTER_COLS: &[Column] = &[
    Column::text("NAME", 16),
    Column::num("ID", 6).drop(2),
    Column::num("OB ID", 8).drop(4),
    Column::text("VERSION", 10).drop(1),
    Column::text("TYPE", 8).drop(3),
    Column::text("STATUS", 13),
    Column::num("ZONES", 5).drop(5),
    Column::num("SERVERS", 7).drop(3),
    Column::num("TENANTS", 7).drop(4),
    Column::text("RUNNING TASK", 24).drop(2),
];

const HOST_COLS: &[Column] = &[
    Column::text("IP", 15),
    Column::num("ID", 8).drop(4),
    Column::text("HOSTNAME", 18).drop(2),
    Column::text("STATUS", 11),
    Column::text("KIND", 9).drop(5),
    Column::text("HOST TYPE", 10).drop(4),
    Column::text("IDC / REGION", 18).drop(3),
    Column::text("CREDENTIAL", 10).drop(5),
    Column::text("USED BY", 20).drop(1),
];

const PROXY_COLS: &[Column] = &[
    Column::text("NAME", 18),
    Column::num("ID", 6).drop(4),
    Column::text("VERSION", 14).drop(2),
    Column::text("START MODE", 10).drop(3),
    Column::text("STATUS", 13),
    Column::text("CONNECT", 21).drop(1),
    Column::num("PROXIES", 7).drop(3),
    Column::text("LINKED CLUSTERS", 24).drop(2),
];

// The cluster stays at every width: two upgrades must not read the same.
const TASK_COLS: &[Column] = &[
    Column::num("ID", 8),
    Column::text("NAME", 24),
    Column::text("STATUS", 12),
    Column::text("PROGRESS", 14).drop(3),
    Column::text("CLUSTER", 14),
    Column::text("CREATOR", 8).drop(4),
    Column::text("START", 14).drop(2),
    Column::text("DURATION", 9).drop(1),
    Column::text("SOURCE", 6).drop(5),
];

// The cluster stays at every width: two clusters may each have a tenant of the same name.
const TENANT_COLS: &[Column] = &[
    Column::text("NAME", 16),
    Column::num("ID", 8).drop(4),
    Column::text("CLUSTER", 14),
    Column::text("MODE", 6).drop(3),
    Column::text("STATUS", 10),
    Column::text("PRIMARY ZONE", 18).drop(2),
    Column::text("LOCALITY", 30).drop(1),
    Column::text("FLAGS", 16).drop(5),
];

pub fn scope(k: PaneKind) -> Scope {
    match k {
        PaneKind::Clusters => Scope::Clusters,
        PaneKind::Hosts => Scope::Table,
        PaneKind::Proxies => Scope::Proxies,
        PaneKind::Tasks => Scope::Tasks,
        PaneKind::Tenants => Scope::Table,
        PaneKind::Alarms => Scope::Alarms,
        PaneKind::Events => Scope::Table,
    }
}

pub fn columns(k: PaneKind) -> &'static [Column] {
    match k {
        PaneKind::Clusters => CLUSTER_COLS,
        PaneKind::Hosts => HOST_COLS,
        PaneKind::Proxies => PROXY_COLS,
        PaneKind::Tasks => TASK_COLS,
        PaneKind::Tenants => TENANT_COLS,
        PaneKind::Alarms => super::alarm_pane::ALARM_COLS,
        PaneKind::Events => super::alarm_pane::EVENT_COLS,
    }
}

/// Panes with a summary strip under the table.
pub fn has_summary(_k: PaneKind) -> bool {
    true
}

/// The typed data behind a pane's rows.
#[derive(Debug, Clone)]
pub enum PaneData {
    Clusters {
        clusters: Vec<Cluster>,
        /// The running tasks; `None` when they could never be loaded (the column says
        /// "unknown", not "none").
        running: Option<Vec<TaskSummary>>,
    },
    Hosts(Vec<Host>),
    Proxies(Vec<ProxyCluster>),
    Tasks(Vec<TaskSummary>),
    Tenants(Vec<Tenant>),
    Alarms(Vec<Alarm>),
    Events(Vec<AuditEvent>),
}

impl PaneData {
    pub fn empty(k: PaneKind) -> PaneData {
        match k {
            PaneKind::Clusters => PaneData::Clusters {
                clusters: vec![],
                running: Some(vec![]),
            },
            PaneKind::Hosts => PaneData::Hosts(vec![]),
            PaneKind::Proxies => PaneData::Proxies(vec![]),
            PaneKind::Tasks => PaneData::Tasks(vec![]),
            PaneKind::Tenants => PaneData::Tenants(vec![]),
            PaneKind::Alarms => PaneData::Alarms(vec![]),
            PaneKind::Events => PaneData::Events(vec![]),
        }
    }

    /// The pane's data from a snapshot. A secondary part that failed this round is `None`
    /// here: the app puts the last good value back before it gets this far (see
    /// `App::on_view`).
    pub fn from_view(k: PaneKind, v: ViewData) -> Option<PaneData> {
        Some(match (k, v) {
            (PaneKind::Clusters, ViewData::Clusters { clusters, running }) => PaneData::Clusters {
                clusters,
                running: running.ok(),
            },
            (PaneKind::Hosts, ViewData::Hosts(h) | ViewData::AgentHosts { hosts: h, .. }) => {
                PaneData::Hosts(h)
            }
            (PaneKind::Proxies, ViewData::Proxies(p)) => PaneData::Proxies(p),
            (PaneKind::Tasks, ViewData::Tasks(t)) => PaneData::Tasks(t),
            (PaneKind::Tenants, ViewData::Tenants(t)) => PaneData::Tenants(t),
            (PaneKind::Alarms, ViewData::Alarms { alarms, .. }) => PaneData::Alarms(alarms),
            (PaneKind::Events, ViewData::Events(e)) => PaneData::Events(e),
            (PaneKind::Tasks, ViewData::TasksAndDags { mut tasks, dags }) => {
                tasks.extend(dags.unwrap_or_default());
                PaneData::Tasks(tasks)
            }
            _ => return None,
        })
    }

    /// Rows for the table; `now` (unix ms) is the clock running durations are measured against.
    pub fn rows(&self, now: i64, zone: &ShownZone) -> Vec<Row> {
        match self {
            PaneData::Clusters { clusters, running } => clusters
                .iter()
                .map(|c| cluster_row(c, running.as_deref()))
                .collect(),
            PaneData::Hosts(h) => h.iter().map(host_row).collect(),
            PaneData::Proxies(p) => p.iter().map(proxy_row).collect(),
            PaneData::Tasks(t) => t.iter().map(|x| task_row(x, now, zone)).collect(),
            PaneData::Tenants(t) => t.iter().map(tenant_row).collect(),
            PaneData::Alarms(a) => a.iter().map(|x| alarm_row(x, now, zone)).collect(),
            PaneData::Events(e) => e.iter().map(|x| event_row(x, now, zone)).collect(),
        }
    }

    /// The ids of the items, in order.
    fn ids(&self) -> Vec<i64> {
        match self {
            PaneData::Clusters { clusters, .. } => clusters.iter().map(|c| c.id).collect(),
            PaneData::Hosts(h) => h.iter().map(|x| x.id).collect(),
            PaneData::Proxies(p) => p.iter().map(|x| x.id).collect(),
            PaneData::Tasks(t) => t.iter().map(|x| x.id).collect(),
            PaneData::Tenants(t) => t.iter().map(|x| x.id).collect(),
            PaneData::Alarms(a) => a.iter().map(|x| x.id).collect(),
            PaneData::Events(e) => e.iter().map(|x| x.id).collect(),
        }
    }

    /// Brings `table`, whose rows were built from `self`, up to `new`.
    ///
    /// When the same ids come back in the same order (a poll where little changed), each item
    /// is compared with the one it replaces and only the rows of changed items are built and
    /// handed to [`TableState::update_rows`], which filters and places only them; items after
    /// them (the next page of a list loading progressively) go to
    /// [`TableState::extend_rows`]. A running
    /// task's row is built again on every poll (its duration counts from `now`), and a
    /// cluster's when its running task changed. Any other change (items added, removed or
    /// moved) builds every row again.
    pub fn update_table(&self, new: &PaneData, table: &mut TableState, now: i64, zone: &ShownZone) {
        let (old_ids, new_ids) = (self.ids(), new.ids());
        let n = old_ids.len();
        if table.rows.len() != n || new_ids.get(..n) != Some(old_ids.as_slice()) {
            table.set_rows(new.rows(now, zone));
            return;
        }
        // The same items first, perhaps more after them (the next page): the rest is added.
        let more = match new {
            PaneData::Clusters { clusters, running } => clusters
                .get(n..)
                .unwrap_or_default()
                .iter()
                .map(|c| cluster_row(c, running.as_deref()))
                .collect(),
            PaneData::Hosts(h) => h
                .get(n..)
                .unwrap_or_default()
                .iter()
                .map(host_row)
                .collect(),
            PaneData::Proxies(p) => p
                .get(n..)
                .unwrap_or_default()
                .iter()
                .map(proxy_row)
                .collect(),
            PaneData::Tasks(t) => t
                .get(n..)
                .unwrap_or_default()
                .iter()
                .map(|x| task_row(x, now, zone))
                .collect(),
            PaneData::Tenants(t) => t
                .get(n..)
                .unwrap_or_default()
                .iter()
                .map(tenant_row)
                .collect(),
            PaneData::Alarms(a) => a
                .get(n..)
                .unwrap_or_default()
                .iter()
                .map(|x| alarm_row(x, now, zone))
                .collect(),
            PaneData::Events(e) => e
                .get(n..)
                .unwrap_or_default()
                .iter()
                .map(|x| event_row(x, now, zone))
                .collect(),
        };
        let changes: Vec<(usize, Row)> = match (self, new) {
            (
                PaneData::Clusters {
                    clusters: old,
                    running: old_running,
                },
                PaneData::Clusters { clusters, running },
            ) => {
                let task = |id: i64, r: Option<&[TaskSummary]>| {
                    r.map(|r| running_task_for(id, r).map(|t| (t.id, t.name.clone())))
                };
                changed(old, clusters, |a, b| {
                    a != b || task(a.id, old_running.as_deref()) != task(b.id, running.as_deref())
                })
                .map(|(i, c)| (i, cluster_row(c, running.as_deref())))
                .collect()
            }
            (PaneData::Hosts(old), PaneData::Hosts(new)) => changed(old, new, |a, b| a != b)
                .map(|(i, h)| (i, host_row(h)))
                .collect(),
            (PaneData::Proxies(old), PaneData::Proxies(new)) => changed(old, new, |a, b| a != b)
                .map(|(i, p)| (i, proxy_row(p)))
                .collect(),
            (PaneData::Tenants(old), PaneData::Tenants(new)) => changed(old, new, |a, b| a != b)
                .map(|(i, t)| (i, tenant_row(t)))
                .collect(),
            (PaneData::Alarms(old), PaneData::Alarms(new)) => changed(old, new, |a, b| a != b)
                .map(|(i, a)| (i, alarm_row(a, now, zone)))
                .collect(),
            (PaneData::Events(old), PaneData::Events(new)) => changed(old, new, |a, b| a != b)
                .map(|(i, e)| (i, event_row(e, now, zone)))
                .collect(),
            (PaneData::Tasks(old), PaneData::Tasks(new)) => {
                changed(old, new, |a, b| a != b || b.status == TaskState::Running)
                    .map(|(i, t)| (i, task_row(t, now, zone)))
                    .collect()
            }
            _ => {
                table.set_rows(new.rows(now, zone));
                return;
            }
        };
        table.update_rows(changes);
        table.extend_rows(more);
    }
}

/// The items of `new` (with their index) for which `differs` says the row must be built again.
fn changed<'a, T>(
    old: &'a [T],
    new: &'a [T],
    differs: impl Fn(&T, &T) -> bool + 'a,
) -> impl Iterator<Item = (usize, &'a T)> + 'a {
    old.iter()
        .zip(new)
        .enumerate()
        .filter(move |(_, (a, b))| differs(a, b))
        .map(|(i, (_, b))| (i, b))
}

pub fn cluster_tone(s: &ClusterStatus) -> Tone {
    match s {
        ClusterStatus::Running => Tone::Ok,
        ClusterStatus::Stopped | ClusterStatus::Unavailable | ClusterStatus::Abandoned => {
            Tone::Failed
        }
        ClusterStatus::Other(_) => Tone::Unknown,
        _ => Tone::Running,
    }
}

pub fn server_tone(s: &ServerStatus) -> Tone {
    match s {
        ServerStatus::Running => Tone::Ok,
        ServerStatus::Stopped | ServerStatus::Unavailable | ServerStatus::Deleted => Tone::Failed,
        ServerStatus::Other(_) => Tone::Unknown,
        _ => Tone::Running,
    }
}

pub fn host_tone(s: &HostStatus) -> Tone {
    match s {
        HostStatus::Online => Tone::Ok,
        HostStatus::Available | HostStatus::New => Tone::Ready,
        HostStatus::Offline => Tone::Failed,
        HostStatus::Deleting => Tone::Running,
        HostStatus::Other(_) => Tone::Unknown,
    }
}

pub fn proxy_tone(s: &ProxyStatus) -> Tone {
    match s {
        ProxyStatus::Running => Tone::Ok,
        ProxyStatus::Unavailable => Tone::Failed,
        ProxyStatus::Other(_) => Tone::Unknown,
        _ => Tone::Running,
    }
}

pub fn tenant_tone(s: &TenantStatus) -> Tone {
    match s {
        TenantStatus::Normal => Tone::Ok,
        TenantStatus::Creating | TenantStatus::Modifying | TenantStatus::Deleting => Tone::Running,
        TenantStatus::Other(_) => Tone::Unknown,
    }
}

/// `MySQL` / `Oracle` (the wire spells them either way).
pub fn tenant_mode(m: &Option<TenantMode>) -> String {
    match m {
        Some(TenantMode::Mysql) => "MySQL".into(),
        Some(TenantMode::Oracle) => "Oracle".into(),
        Some(o) => o.to_string(),
        None => "—".into(),
    }
}

/// `locked, read-only`; empty when neither; `?` for a flag the server did not send.
pub fn tenant_flags(t: &Tenant) -> String {
    let mut f = vec![];
    for (v, name) in [(t.locked, "locked"), (t.read_only, "read-only")] {
        match v {
            Some(true) => f.push(name.to_string()),
            Some(false) => {}
            None => f.push(format!("{name}?")),
        }
    }
    f.join(", ")
}

/// `3 · FULL{1}@zone1, …` (replicas, then the locality as sent).
pub fn tenant_locality(t: &Tenant) -> String {
    match (
        t.replicas(),
        t.locality.as_deref().or(t.zone_list.as_deref()),
    ) {
        (Some(n), Some(l)) => format!("{n} · {l}"),
        (None, Some(l)) => l.to_string(),
        (Some(n), None) => n.to_string(),
        (None, None) => "—".into(),
    }
}

fn tenant_row(t: &Tenant) -> Row {
    let cluster = t
        .cluster_name
        .clone()
        .or_else(|| t.cluster_id.map(|i| format!("#{i}")))
        .unwrap_or_else(|| "—".into());
    Row::new(
        t.id.to_string(),
        vec![
            t.name.clone(),
            t.id.to_string(),
            cluster,
            tenant_mode(&t.mode),
            t.status.to_string(),
            opt(&t.primary_zone),
            tenant_locality(t),
            tenant_flags(t),
        ],
        Some(4),
        tenant_tone(&t.status),
    )
}

pub fn task_tone(s: &TaskState) -> Tone {
    match s {
        TaskState::Successful => Tone::Ok,
        TaskState::RolledBack => Tone::RolledBack,
        TaskState::Failed => Tone::Failed,
        TaskState::Running => Tone::Running,
        TaskState::Pending => Tone::Pending,
        TaskState::Ready => Tone::Ready,
        TaskState::Unknown(_) => Tone::Unknown,
    }
}

pub fn subtask_tone(s: &NodeStatus) -> Tone {
    match s {
        NodeStatus::Successful => Tone::Ok,
        NodeStatus::Failed => Tone::Failed,
        NodeStatus::Running => Tone::Running,
        NodeStatus::Pending => Tone::Pending,
        NodeStatus::Ready => Tone::Ready,
        NodeStatus::Canceling => Tone::Canceling,
        NodeStatus::Unknown(_) => Tone::Unknown,
    }
}

pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "—".into())
}

pub fn running_task_for(cluster_id: i64, running: &[TaskSummary]) -> Option<&TaskSummary> {
    running
        .iter()
        .find(|t| t.status == TaskState::Running && t.cluster_id == Some(cluster_id))
}

/// A cluster's row; `running` is `None` when the running tasks were never loaded.
fn cluster_row(c: &Cluster, running: Option<&[TaskSummary]>) -> Row {
    let servers = c.servers_total();
    let task = match running {
        Some(r) => running_task_for(c.id, r)
            .map(|t| format!("#{} {}", t.shown_id(), t.name))
            .unwrap_or_default(),
        None => "unknown".into(),
    };
    Row::new(
        c.id.to_string(),
        vec![
            c.name.clone(),
            c.id.to_string(),
            opt(&c.ob_cluster_id),
            opt(&c.version),
            opt(&c.role),
            c.status.to_string(),
            c.zones.len().to_string(),
            servers.to_string(),
            opt(&c.tenant_count),
            task,
        ],
        Some(5),
        cluster_tone(&c.status),
    )
}

/// What uses a host, from its services (`cluster01:1` for an OB cluster).
pub fn host_used_by(h: &Host) -> String {
    let mut parts: Vec<String> = h
        .services
        .iter()
        .filter(|s| s.kind != Some(ServiceKind::OcpAgent))
        .map(|s| {
            let kind = match &s.kind {
                Some(ServiceKind::ObCluster) => "ob",
                Some(ServiceKind::ObProxy) => "proxy",
                Some(ServiceKind::Obshell) => "obshell",
                Some(other) => other.label(),
                None => "?",
            };
            format!("{kind}:{}", s.name.as_deref().unwrap_or("?"))
        })
        .collect();
    parts.dedup();
    if parts.is_empty() {
        "free".into()
    } else {
        parts.join(", ")
    }
}

pub fn kind_short(k: &Option<HostKind>) -> String {
    match k {
        Some(HostKind::Physical) => "physical".into(),
        Some(HostKind::Container) => "container".into(),
        Some(HostKind::ObshellAgent) => "agent".into(),
        Some(o) => o.label().to_lowercase(),
        None => "—".into(),
    }
}

fn host_row(h: &Host) -> Row {
    let idc = format!(
        "{} / {}",
        h.idc.as_deref().unwrap_or("—"),
        h.region.as_deref().unwrap_or("—")
    );
    let cred = match h.ssh_port {
        Some(p) => format!("ssh:{p}"),
        None => "—".into(),
    };
    Row::new(
        h.id.to_string(),
        vec![
            opt(&h.ip),
            h.id.to_string(),
            h.hostname
                .clone()
                .or_else(|| h.alias.clone())
                .unwrap_or_else(|| "—".into()),
            h.status.to_string(),
            kind_short(&h.kind),
            opt(&h.type_name),
            idc,
            cred,
            host_used_by(h),
        ],
        Some(3),
        host_tone(&h.status),
    )
}

/// An OBProxy cluster's status: the worst of its proxies (none: unknown).
pub fn proxy_cluster_status(p: &ProxyCluster) -> (String, Tone) {
    if p.proxies.is_empty() {
        return ("—".into(), Tone::Unknown);
    }
    let worst = p
        .proxies
        .iter()
        .max_by_key(|x| match proxy_tone(&x.status) {
            Tone::Failed => 3,
            Tone::Running => 2,
            Tone::Unknown => 1,
            _ => 0,
        })
        .map(|x| x.status.clone())
        .unwrap_or_default();
    let tone = proxy_tone(&worst);
    (worst.to_string(), tone)
}

fn proxy_row(p: &ProxyCluster) -> Row {
    let version = p
        .versions
        .iter()
        .filter_map(|v| v.version.clone())
        .chain(p.proxies.iter().filter_map(|x| x.version.clone()))
        .next()
        .map(|v| short_version(&v))
        .unwrap_or_else(|| "—".into());
    let mode = match &p.start_mode {
        Some(ProxyStartMode::ConfigUrl) => "ConfigUrl".to_string(),
        Some(ProxyStartMode::RsList) => "RsList".to_string(),
        Some(o) => o.to_string(),
        None => "—".into(),
    };
    let connect = match (&p.address, p.port) {
        (Some(a), Some(port)) => format!("{a}:{port}"),
        (Some(a), None) => a.clone(),
        _ => "—".into(),
    };
    let count = p
        .versions
        .iter()
        .map(|v| v.count.unwrap_or(0))
        .sum::<i64>()
        .max(p.proxies.len() as i64);
    let links: Vec<String> = p
        .links
        .iter()
        .filter_map(|l| l.cluster_name.clone())
        .collect();
    let (status, tone) = proxy_cluster_status(p);
    Row::new(
        p.id.to_string(),
        vec![
            p.name.clone(),
            p.id.to_string(),
            version,
            mode,
            status,
            connect,
            count.to_string(),
            if links.is_empty() {
                "—".into()
            } else {
                links.join(", ")
            },
        ],
        Some(4),
        tone,
    )
}

/// `obproxy-3.2.3-1.el7.x86_64.rpm` → `3.2.3-1`.
pub fn short_version(v: &str) -> String {
    let v = v
        .trim_start_matches("obproxy-")
        .trim_start_matches("oceanbase-");
    let v = v.trim_end_matches(".rpm");
    let parts: Vec<&str> = v.split('.').collect();
    // Drop `.el7.x86_64` style suffixes.
    let keep: Vec<&str> = parts
        .iter()
        .take_while(|p| !p.starts_with("el") && !p.starts_with("x86") && !p.starts_with("aarch"))
        .copied()
        .collect();
    if keep.is_empty() {
        v.to_string()
    } else {
        keep.join(".")
    }
}

pub fn now_ms() -> i64 {
    obtui_api::time::now_ms()
}

/// A 10-cell bar plus done/total.
pub fn progress_bar(done: usize, total: usize, ascii: bool) -> String {
    let cells = 8usize;
    let filled = if total == 0 {
        0
    } else {
        (done * cells).div_ceil(total).min(cells)
    };
    let (f, e) = if ascii { ('#', '.') } else { ('█', '░') };
    let bar: String = std::iter::repeat_n(f, filled)
        .chain(std::iter::repeat_n(e, cells - filled))
        .collect();
    format!("{bar} {done}/{total}")
}

fn task_row(t: &TaskSummary, now: i64, zone: &ShownZone) -> Row {
    let total = t.subtasks.len();
    let done = t.done_subtasks();
    let progress = if total == 0 {
        "—".to_string()
    } else {
        progress_bar(done, total, false)
    };
    let cluster = t
        .cluster_name
        .clone()
        .or_else(|| t.cluster_id.map(|i| format!("#{i}")))
        .unwrap_or_else(|| "—".into());
    let start = t
        .started
        .map(|ms| zone.stamp(ms, now))
        .unwrap_or_else(|| "—".into());
    let dur = task_duration_ms(t, now)
        .map(fmt_duration_ms)
        .unwrap_or_else(|| "—".into());
    Row::new(
        t.id.to_string(),
        vec![
            t.shown_id(),
            t.name.clone(),
            t.status.to_string(),
            progress,
            cluster,
            t.creator.clone().unwrap_or_else(|| "—".into()),
            start,
            dur,
            t.source.label(),
        ],
        Some(2),
        task_tone(&t.status),
    )
}

/// Subtasks named for a summary line: one entry per name, with the targets of a fan-out
/// in brackets (`Restart observer (10.0.0.1 in zone1, 10.0.0.2 in zone1)`), and `×N`
/// for repeats that carry no target.
pub fn subtask_names<'a>(subs: impl IntoIterator<Item = &'a SubtaskSummary>) -> String {
    let mut groups: Vec<(&str, Vec<&str>, usize)> = Vec::new();
    for s in subs {
        let k = match groups.iter().position(|g| g.0 == s.name) {
            Some(k) => k,
            None => {
                groups.push((s.name.as_str(), Vec::new(), 0));
                groups.len() - 1
            }
        };
        let g = &mut groups[k];
        g.2 += 1;
        if let Some(t) = s.target.as_deref() {
            g.1.push(t);
        }
    }
    groups
        .into_iter()
        .map(|(name, targets, n)| {
            let untargeted = n - targets.len();
            let mut out = name.to_string();
            if !targets.is_empty() {
                out.push_str(&format!(" ({})", targets.join(", ")));
            }
            if untargeted > 1 || (untargeted == 1 && !targets.is_empty()) {
                out.push_str(&format!(" ×{untargeted}"));
            }
            out
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn task_duration_ms(t: &TaskSummary, now: i64) -> Option<i64> {
    t.duration_ms(now)
}

/// `12s`, `1m02s`, `1h05m`.
pub fn fmt_duration_ms(ms: i64) -> String {
    crate::model::fmt::short_age(std::time::Duration::from_millis(
        ms.max(0) as u64 / 1000 * 1000,
    ))
}

// ----- summary strip and detail view -----

/// What `y` copies on a row: the IP for hosts, the id otherwise.
pub fn copy_value(data: &PaneData, row: &Row) -> Option<String> {
    match data {
        PaneData::Hosts(_) => row.cells.first().cloned().filter(|s| s != "—"),
        _ => Some(row.id.split('@').next().unwrap_or(&row.id).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_shorten() {
        assert_eq!(short_version("obproxy-3.2.3-1.el7.x86_64.rpm"), "3.2.3-1");
        assert_eq!(short_version("4.2.1.2"), "4.2.1.2");
    }

    #[test]
    fn progress() {
        assert_eq!(progress_bar(0, 4, true), "........ 0/4");
        assert_eq!(progress_bar(4, 4, true), "######## 4/4");
        assert_eq!(progress_bar(1, 8, false), "█░░░░░░░ 1/8");
    }

    #[test]
    fn host_rows_show_what_uses_them() {
        use crate::model::inventory::HostService;
        let h = Host {
            id: 7,
            ip: Some("10.0.0.7".into()),
            status: HostStatus::Online,
            kind: Some(HostKind::Physical),
            services: vec![
                HostService {
                    kind: Some(ServiceKind::ObCluster),
                    name: Some("c1:1".into()),
                    version: None,
                },
                HostService {
                    kind: Some(ServiceKind::OcpAgent),
                    name: Some("a".into()),
                    version: None,
                },
            ],
            ..Default::default()
        };
        let r = host_row(&h);
        assert_eq!(r.cells[0], "10.0.0.7");
        assert_eq!(r.cells[4], "physical");
        assert_eq!(r.cells[8], "ob:c1:1");
        assert_eq!(r.tone, Tone::Ok);
    }

    #[test]
    fn a_poll_updates_the_table_as_a_fresh_build_would() {
        let host = |id: i64, status: HostStatus| Host {
            id,
            ip: Some(format!("10.0.0.{id}")),
            status,
            ..Default::default()
        };
        let polls = [
            vec![host(3, HostStatus::Online), host(1, HostStatus::Offline)],
            // The next page.
            vec![
                host(3, HostStatus::Online),
                host(1, HostStatus::Offline),
                host(2, HostStatus::Online),
            ],
            // One changed.
            vec![
                host(3, HostStatus::Offline),
                host(1, HostStatus::Offline),
                host(2, HostStatus::Online),
            ],
            // Removed and moved.
            vec![host(2, HostStatus::Online), host(3, HostStatus::Offline)],
        ];
        let mut data = PaneData::empty(PaneKind::Hosts);
        let mut t = TableState::new(HOST_COLS.iter().map(|c| c.numeric).collect());
        t.sort_by(3);
        t.set_filter("10.0");
        for hosts in polls {
            let new = PaneData::Hosts(hosts);
            data.update_table(&new, &mut t, 0, &ShownZone::utc());
            data = new;
            let mut fresh = TableState::new(HOST_COLS.iter().map(|c| c.numeric).collect());
            fresh.sort_by(3);
            fresh.set_filter("10.0");
            fresh.set_rows(data.rows(0, &ShownZone::utc()));
            assert_eq!(t.rows, fresh.rows);
            assert_eq!(t.view, fresh.view);
        }
    }
}
