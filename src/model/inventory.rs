//! The inventory the panes and detail screens show, in neither backend's wire format.
//!
//! OCP and an obshell agent describe clusters, servers and hosts differently; the pollers
//! convert both (`poll::convert`) into these types, so the app and the drawing code read one
//! model, as they read one [`obtui_task::TaskGraph`] for a task's DAG. Only what a screen shows
//! is kept. Statuses are enums both backends map into; a value this build has no name for is
//! kept verbatim in `Other` and shown as the backend spelled it, not lost. Texts stay `Option`:
//! `None` is drawn as `—`.

use obtui_task::{NodeStatus, TaskState};
use std::fmt;

/// A status enum: named variants with their display spelling, plus `Other` for anything else.
macro_rules! status_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value without a name here, as the backend sent it (`""` when absent).
            Other(String),
        }

        impl $name {
            /// The spelling shown on screen (the OCP wire spelling for the named variants).
            pub fn label(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Case-insensitive; anything else is kept verbatim as `Other`.
            pub fn parse(s: &str) -> Self {
                $( if s.eq_ignore_ascii_case($text) { return $name::$variant; } )+
                $name::Other(s.to_string())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

status_enum! {
    /// An OceanBase cluster's state. Besides running, stopped and unreachable, the rest are
    /// operations in progress.
    pub enum ClusterStatus {
        Running = "RUNNING",
        Creating = "CREATING",
        Deleting = "DELETING",
        Starting = "STARTING",
        Restarting = "RESTARTING",
        Stopping = "STOPPING",
        Stopped = "STOPPED",
        TakingOver = "TAKINGOVER",
        MovingOut = "MOVINGOUT",
        Switchover = "SWITCHOVER",
        Failover = "FAILOVER",
        Operating = "OPERATING",
        Unavailable = "UNAVAILABLE",
        Upgrading = "UPGRADING",
        Abandoned = "ABANDONED",
        Importing = "IMPORTING",
    }
}

status_enum! {
    /// A cluster's role in a primary/standby pair.
    pub enum ClusterRole {
        Primary = "PRIMARY",
        Standby = "STANDBY",
    }
}

status_enum! {
    /// An OBServer's state.
    pub enum ServerStatus {
        Creating = "CREATING",
        Running = "RUNNING",
        Stopping = "STOPPING",
        Stopped = "STOPPED",
        Starting = "STARTING",
        Restarting = "RESTARTING",
        Deleting = "DELETING",
        Unavailable = "UNAVAILABLE",
        Operating = "OPERATING",
        Deleted = "DELETED",
    }
}

status_enum! {
    pub enum TenantMode {
        Mysql = "MYSQL",
        Oracle = "ORACLE",
    }
}

status_enum! {
    pub enum TenantStatus {
        Normal = "NORMAL",
        Creating = "CREATING",
        Modifying = "MODIFYING",
        Deleting = "DELETING",
    }
}

status_enum! {
    /// A host's state (for an obshell agent: online = running, available = starting).
    pub enum HostStatus {
        New = "NEW",
        Available = "AVAILABLE",
        Online = "ONLINE",
        Offline = "OFFLINE",
        Deleting = "DELETING",
    }
}

status_enum! {
    /// What a host is.
    pub enum HostKind {
        Physical = "DEDICATED_PHYSICAL_MACHINE",
        Container = "DEDICATED_CONTAINER",
        /// A host known only as the obshell agent running on it.
        ObshellAgent = "OBSHELL_AGENT",
    }
}

status_enum! {
    /// What runs on a host.
    pub enum ServiceKind {
        ObCluster = "OB_CLUSTER",
        ObProxy = "OB_PROXY",
        Obshell = "OBSHELL",
        OcpAgent = "OCP_AGENT",
    }
}

status_enum! {
    /// An OBProxy process's state.
    pub enum ProxyStatus {
        Creating = "CREATING",
        Running = "RUNNING",
        Restarting = "RESTARTING",
        Upgrading = "UPGRADING",
        Refreshing = "REFRESHING",
        Deleting = "DELETING",
        Unavailable = "UNAVAILABLE",
        TakingOver = "TAKINGOVER",
    }
}

status_enum! {
    /// How an OBProxy cluster finds its OceanBase clusters.
    pub enum ProxyStartMode {
        ConfigUrl = "CONFIG_URL",
        RsList = "RS_LIST",
    }
}

/// A root server of a cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RootServer {
    /// `ip:port`.
    pub address: Option<String>,
    /// `LEADER`, `FOLLOWER`, …
    pub role: Option<String>,
}

/// An OBServer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Server {
    pub id: i64,
    pub ip: Option<String>,
    pub rpc_port: Option<i64>,
    pub sql_port: Option<i64>,
    pub status: ServerStatus,
    pub with_rootserver: bool,
    pub zone: Option<String>,
}

/// A zone, with its servers when the backend lists them inline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Zone {
    pub name: String,
    pub idc: Option<String>,
    pub region: Option<String>,
    /// Shown as the backend says it (OCP and obshell spell zone states differently; nothing
    /// decides on it).
    pub status: Option<String>,
    /// The count the backend reports; `servers` may be left out of a listing.
    pub server_count: Option<i64>,
    pub servers: Vec<Server>,
}

impl Zone {
    /// The reported count, else the servers listed.
    pub fn servers_total(&self) -> i64 {
        self.server_count.unwrap_or(self.servers.len() as i64)
    }
}

/// An OceanBase cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cluster {
    /// The backend's handle: OCP's id, or the cluster id inside OceanBase for obshell.
    pub id: i64,
    pub name: String,
    /// The cluster id inside OceanBase.
    pub ob_cluster_id: Option<i64>,
    pub version: Option<String>,
    pub role: Option<ClusterRole>,
    pub status: ClusterStatus,
    pub zones: Vec<Zone>,
    /// The count the backend reports, if any (see [`Cluster::servers_total`]).
    pub server_count: Option<i64>,
    pub tenant_count: Option<i64>,
    pub root_servers: Vec<RootServer>,
    /// Why the manager cannot query the cluster right now (OCP's `failToQueryFromObReason`).
    pub query_failure: Option<String>,
}

impl Cluster {
    /// The reported count, else the sum over the zones.
    pub fn servers_total(&self) -> i64 {
        self.server_count
            .unwrap_or_else(|| self.zones.iter().map(Zone::servers_total).sum())
    }
}

/// A tenant of a cluster: a list row, and with `zones` filled, the tenant's detail.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tenant {
    pub id: i64,
    pub name: String,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub mode: Option<TenantMode>,
    pub status: TenantStatus,
    pub primary_zone: Option<String>,
    /// `FULL{1}@zone1, FULL{1}@zone2`.
    pub locality: Option<String>,
    /// `zone1;zone2`.
    pub zone_list: Option<String>,
    pub locked: Option<bool>,
    pub read_only: Option<bool>,
    pub ob_version: Option<String>,
    pub charset: Option<String>,
    pub created: Option<String>,
    /// Zones with their resource pool and units (the detail only; empty in a list).
    pub zones: Vec<TenantZone>,
}

/// One zone of a tenant: its replica, resource pool and units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantZone {
    pub name: String,
    pub replica_type: Option<String>,
    pub pool: Option<String>,
    pub unit_count: Option<i64>,
    pub spec: Option<UnitSpec>,
    pub units: Vec<TenantUnit>,
}

/// A unit spec: CPU cores and memory (GiB), min and max.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitSpec {
    pub max_cpu: Option<f64>,
    pub min_cpu: Option<f64>,
    pub max_memory_gib: Option<f64>,
    pub min_memory_gib: Option<f64>,
}

impl UnitSpec {
    /// `4C 16G` (the max; `2.5-5C 8-9G` when min and max differ).
    pub fn label(&self) -> String {
        fn num(v: f64) -> String {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        }
        fn range(min: Option<f64>, max: Option<f64>, unit: &str) -> Option<String> {
            match (min, max) {
                (Some(a), Some(b)) if a != b => Some(format!("{}-{}{unit}", num(a), num(b))),
                (_, Some(b)) => Some(format!("{}{unit}", num(b))),
                (Some(a), None) => Some(format!("{}{unit}", num(a))),
                (None, None) => None,
            }
        }
        [
            range(self.min_cpu, self.max_cpu, "C"),
            range(self.min_memory_gib, self.max_memory_gib, "G"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// A unit of a tenant on one server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantUnit {
    pub id: Option<i64>,
    pub zone: Option<String>,
    /// `10.0.0.1:2882`.
    pub server: Option<String>,
    pub server_ip: Option<String>,
    pub status: Option<String>,
}

impl Tenant {
    /// The unit spec of its zones when they share one (the detail only).
    pub fn unit_spec(&self) -> Option<String> {
        let mut specs: Vec<String> = self
            .zones
            .iter()
            .filter_map(|z| z.spec.as_ref().map(UnitSpec::label))
            .collect();
        specs.dedup();
        match specs.len() {
            0 => None,
            1 => specs.pop(),
            _ => Some("mixed".into()),
        }
    }

    /// Units per zone (the detail only): the pools' unit count, else the units listed.
    pub fn unit_count(&self) -> Option<i64> {
        let n: Vec<i64> = self
            .zones
            .iter()
            .filter_map(|z| {
                z.unit_count
                    .or_else(|| (!z.units.is_empty()).then_some(z.units.len() as i64))
            })
            .collect();
        n.iter().max().copied()
    }

    /// Replicas from the locality (`FULL{1}@zone1, FULL{1}@zone2` → 2), else the zone list.
    pub fn replicas(&self) -> Option<usize> {
        if let Some(l) = self.locality.as_deref().filter(|l| !l.trim().is_empty()) {
            return Some(l.split(',').filter(|p| p.contains('@')).count());
        }
        self.zone_list
            .as_deref()
            .map(|z| z.split([';', ',']).filter(|p| !p.trim().is_empty()).count())
    }
}

/// A service on a host.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostService {
    pub kind: Option<ServiceKind>,
    pub name: Option<String>,
    pub version: Option<String>,
}

/// The management agent on a host (OCP's host agent, or the obshell agent itself).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostAgent {
    pub id: Option<i64>,
    pub version: Option<String>,
    pub status: Option<String>,
}

/// A host (for obshell: an agent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Host {
    pub id: i64,
    pub ip: Option<String>,
    pub hostname: Option<String>,
    pub alias: Option<String>,
    pub description: Option<String>,
    pub kind: Option<HostKind>,
    pub status: HostStatus,
    pub type_id: Option<i64>,
    /// The host type (OCP), or the agent's identity (obshell).
    pub type_name: Option<String>,
    pub idc_id: Option<i64>,
    /// The IDC (OCP), or the agent's zone (obshell).
    pub idc: Option<String>,
    pub region_id: Option<i64>,
    pub region: Option<String>,
    pub ssh_port: Option<i64>,
    /// As the backend wrote it (a port, a list of them).
    pub publish_ports: Option<String>,
    pub os: Option<String>,
    pub os_release: Option<String>,
    pub architecture: Option<String>,
    pub serial_number: Option<String>,
    pub agent: HostAgent,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub services: Vec<HostService>,
}

/// One OBProxy process.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proxy {
    /// The host it runs on (OCP's host id).
    pub host_id: Option<i64>,
    pub ip: Option<String>,
    pub sql_port: Option<i64>,
    pub exporter_port: Option<i64>,
    pub version: Option<String>,
    pub status: ProxyStatus,
    pub idc: Option<String>,
}

/// How many proxies of an OBProxy cluster run one version.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VersionCount {
    pub version: Option<String>,
    pub count: Option<i64>,
}

/// An OceanBase cluster an OBProxy cluster serves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyLink {
    pub cluster_name: Option<String>,
    pub ob_cluster_id: Option<i64>,
    pub username: Option<String>,
    pub status: Option<ClusterStatus>,
}

/// An OBProxy cluster and its proxies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyCluster {
    pub id: i64,
    pub name: String,
    pub address: Option<String>,
    pub port: Option<i64>,
    pub start_mode: Option<ProxyStartMode>,
    pub config_url: Option<String>,
    pub creator: Option<String>,
    pub created: Option<String>,
    pub versions: Vec<VersionCount>,
    /// Filled by the detail (and by some listings).
    pub proxies: Vec<Proxy>,
    pub links: Vec<ProxyLink>,
}

/// A subtask (a node of the task's DAG) as the task lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubtaskSummary {
    pub name: String,
    pub status: NodeStatus,
    /// The server / zone / host it acts on (`obtui_task::convert::subtask_target`).
    pub target: Option<String>,
}

/// Where a task lives: OCP, or an obshell agent (a DAG, by its generic id).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TaskSource {
    #[default]
    Ocp,
    Obshell {
        /// The agent's `host:port`.
        agent: String,
        /// The DAG's generic id (a string: IPv6 local ids do not fit a number).
        dag: String,
    },
}

impl TaskSource {
    /// The SOURCE column: `OCP`, `obshell 10.0.0.1:2886`.
    pub fn label(&self) -> String {
        match self {
            TaskSource::Ocp => "OCP".into(),
            TaskSource::Obshell { agent, .. } => format!("obshell {agent}"),
        }
    }
}

/// The row id of an obshell DAG in a list that also holds OCP tasks: negative, so it never
/// meets an OCP task id (obshell's generic ids reuse small numbers: `"13"` is dag 3).
pub fn dag_row_id(dag: &str) -> i64 {
    let n = dag.parse::<i64>().unwrap_or_else(|_| {
        // FNV-1a of an id too long for a number (IPv6 local DAGs), kept positive.
        let h = dag.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        (h >> 1) as i64
    });
    -(n.max(0) % i64::MAX) - 1
}

/// A task as the lists show it (the full DAG is a [`obtui_task::TaskGraph`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSummary {
    /// OCP's task id; for an obshell DAG [`dag_row_id`] of its generic id (the id to open
    /// is in `source`).
    pub id: i64,
    /// OCP or the obshell agent it came from (the Tasks pane's SOURCE column).
    pub source: TaskSource,
    pub name: String,
    pub status: TaskState,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub creator: Option<String>,
    /// The start as the server wrote it (its own clock time).
    pub start_time: Option<String>,
    /// Unix milliseconds.
    pub started: Option<i64>,
    pub finished: Option<i64>,
    pub subtasks: Vec<SubtaskSummary>,
}

impl TaskSummary {
    /// The id as shown and as opened: OCP's number, or the DAG's generic id.
    pub fn shown_id(&self) -> String {
        match &self.source {
            TaskSource::Ocp => self.id.to_string(),
            TaskSource::Obshell { dag, .. } => dag.clone(),
        }
    }

    /// What opens this task's DAG view: its id and the backend that serves it.
    pub fn open_target(&self) -> (String, obtui_task::Backend) {
        match &self.source {
            TaskSource::Ocp => (self.id.to_string(), obtui_task::Backend::Ocp),
            TaskSource::Obshell { dag, .. } => (dag.clone(), obtui_task::Backend::Obshell),
        }
    }

    pub fn done_subtasks(&self) -> usize {
        self.subtasks
            .iter()
            .filter(|s| s.status == NodeStatus::Successful)
            .count()
    }

    /// How long it ran, or has been running at `now` (unix ms).
    pub fn duration_ms(&self, now: i64) -> Option<i64> {
        let start = self.started?;
        let end = match self.finished {
            Some(e) if e >= start => e,
            _ if self.status == TaskState::Running => now,
            _ => return None,
        };
        Some(end - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_are_kept_and_shown_verbatim() {
        let s = ServerStatus::parse("MIGRATING");
        assert_eq!(s, ServerStatus::Other("MIGRATING".into()));
        assert_eq!(s.to_string(), "MIGRATING");
        assert_eq!(ServerStatus::parse("running"), ServerStatus::Running);
        assert_eq!(ClusterStatus::default().to_string(), "");
    }

    #[test]
    fn counts_fall_back_to_what_is_listed() {
        let z = Zone {
            servers: vec![Server::default(), Server::default()],
            ..Default::default()
        };
        let c = Cluster {
            zones: vec![
                z.clone(),
                Zone {
                    server_count: Some(3),
                    ..z
                },
            ],
            ..Default::default()
        };
        assert_eq!(c.servers_total(), 5);
        assert_eq!(
            Cluster {
                server_count: Some(9),
                ..c
            }
            .servers_total(),
            9
        );
    }

    #[test]
    fn a_running_task_runs_until_now() {
        let t = TaskSummary {
            id: 1,
            source: TaskSource::Ocp,
            name: "x".into(),
            status: TaskState::Running,
            cluster_id: None,
            cluster_name: None,
            creator: None,
            start_time: None,
            started: Some(1_000),
            finished: None,
            subtasks: vec![],
        };
        assert_eq!(t.duration_ms(61_000), Some(60_000));
        let done = TaskSummary {
            status: TaskState::Failed,
            ..t.clone()
        };
        assert_eq!(done.duration_ms(61_000), None);
        let finished = TaskSummary {
            finished: Some(3_000),
            ..done
        };
        assert_eq!(finished.duration_ms(61_000), Some(2_000));
    }

    #[test]
    fn dag_row_ids_never_meet_ocp_ids_and_differ_per_dag() {
        assert!(dag_row_id("13") < 0);
        assert_ne!(dag_row_id("13"), dag_row_id("14"));
        let v6 = "3".to_string() + &"1".repeat(39) + "0288612";
        assert!(dag_row_id(&v6) < 0);
        assert_ne!(dag_row_id(&v6), dag_row_id(&(v6.clone() + "3")));
        assert!(dag_row_id("") < 0);
    }
}
