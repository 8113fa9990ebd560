//! Wire models of the OCP REST API v2 responses.
//!
//! Every shape the public docs show parses: all fields are optional or defaulted, unknown fields
//! are ignored and unknown enum values are kept as `Unknown(String)`, because OCP versions differ
//! and a dashboard must still show what it can.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// `null` (or a missing key, with `#[serde(default)]`) becomes the type's default: docs emit
/// `"contents": null`, `"downstreams": null`, `"servers": null`.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string field that some servers send as a number or a boolean.
fn lenient_string<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// A list of strings where items may be strings or other JSON (objects are kept as JSON text).
fn lenient_strings<'de, D>(d: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Option::<Vec<Value>>::deserialize(d)? {
        None => Vec::new(),
        Some(items) => items
            .into_iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
    })
}

/// Defines a string enum of the wire that keeps unknown values.
///
/// Known values match case-insensitively (docs show `"Oracle"` and `"MYSQL"` side by side);
/// serialization writes the canonical spelling, or the unknown text as received.
/// `Unknown("")` is the default and stands for "absent or null".
macro_rules! wire_enum {
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
            /// A value this build does not know (or `""` when absent).
            Unknown(String),
        }

        impl $name {
            /// Every known variant, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(s) => s.as_str(),
                }
            }

            /// Parse a wire value; anything unknown is kept verbatim.
            pub fn from_wire(s: &str) -> Self {
                $( if s.eq_ignore_ascii_case($text) { return $name::$variant; } )+
                $name::Unknown(s.to_string())
            }

            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from_wire(s))
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Doc tables type some statuses as Integer; accept any scalar.
                Ok(match Value::deserialize(d)? {
                    Value::Null => $name::default(),
                    Value::String(s) => $name::from_wire(&s),
                    other => $name::Unknown(other.to_string()),
                })
            }
        }
    };
}

wire_enum! {
    /// OceanBase cluster status (reference §4.1).
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

wire_enum! {
    /// `PRIMARY` or `STANDBY`.
    pub enum ClusterType {
        Primary = "PRIMARY",
        Standby = "STANDBY",
    }
}

wire_enum! {
    /// OBServer status (reference §4.4).
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

wire_enum! {
    /// Tenant compatibility mode; compared case-insensitively (`"Oracle"` vs `"MYSQL"`).
    pub enum TenantMode {
        Mysql = "MYSQL",
        Oracle = "ORACLE",
    }
}

wire_enum! {
    /// Tenant status (reference §4.7).
    pub enum TenantStatus {
        Normal = "NORMAL",
        Creating = "CREATING",
        Modifying = "MODIFYING",
        Deleting = "DELETING",
    }
}

wire_enum! {
    /// Host status (reference §5.1).
    pub enum HostStatus {
        New = "NEW",
        Available = "AVAILABLE",
        Online = "ONLINE",
        Offline = "OFFLINE",
        Deleting = "DELETING",
    }
}

wire_enum! {
    /// OBProxy status (reference §7).
    pub enum ObproxyStatus {
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

wire_enum! {
    /// Task status: only three values; FAILED is resumable by retry or rollback.
    pub enum TaskStatus {
        Running = "RUNNING",
        Failed = "FAILED",
        Successful = "SUCCESSFUL",
    }
}

impl TaskStatus {
    /// FAILED or SUCCESSFUL: the task does not advance by itself any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self, TaskStatus::Failed | TaskStatus::Successful)
    }
}

wire_enum! {
    /// Subtask status. There is no CANCELED/SKIPPED: cancel ends FAILED, skip ends SUCCESSFUL.
    pub enum SubtaskStatus {
        Pending = "PENDING",
        Ready = "READY",
        Running = "RUNNING",
        Canceling = "CANCELING",
        Failed = "FAILED",
        Successful = "SUCCESSFUL",
    }
}

impl SubtaskStatus {
    pub fn is_terminal(&self) -> bool {
        matches!(self, SubtaskStatus::Failed | SubtaskStatus::Successful)
    }
}

wire_enum! {
    /// How a task or subtask is being run.
    pub enum Operation {
        Execute = "EXECUTE",
        Retry = "RETRY",
        Rollback = "ROLLBACK",
        Skip = "SKIP",
        Cancel = "CANCEL",
        RollbackSkip = "ROLLBACK_SKIP",
    }
}

wire_enum! {
    /// Task type. The docs spell `SYS_ONECE`; OCP Express says `SYS_ONCE`: both are kept.
    pub enum TaskType {
        Manual = "MANUAL",
        SysOnece = "SYS_ONECE",
        SysOnce = "SYS_ONCE",
        Scheduled = "SCHEDULED",
        SysScheduled = "SYS_SCHEDULED",
    }
}

// ---------------------------------------------------------------------------------------------
// Paging

/// `data.page` of a paged list. `number` is 1-based.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PageInfo {
    #[serde(deserialize_with = "null_default")]
    pub number: i64,
    #[serde(deserialize_with = "null_default")]
    pub size: i64,
    #[serde(deserialize_with = "null_default")]
    pub total_elements: i64,
    /// The doc tables say `totalPage`, every JSON sample says `totalPages`.
    #[serde(alias = "totalPage", deserialize_with = "null_default")]
    pub total_pages: i64,
}

/// `data` of a list endpoint: `{contents, page?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, bound(deserialize = "T: Deserialize<'de>"))]
pub struct Paged<T> {
    #[serde(deserialize_with = "null_default")]
    pub contents: Vec<T>,
    pub page: Option<PageInfo>,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged {
            contents: Vec::new(),
            page: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Info

/// `GET /api/v2/info` (no envelope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OcpInfo {
    pub artifact: Option<String>,
    pub build_version: Option<String>,
    pub build_java_version: Option<String>,
    pub build_time: Option<String>,
    pub name: Option<String>,
    pub spring_boot_version: Option<String>,
    pub group: Option<String>,
}

impl OcpInfo {
    /// The OCP version as obdeploy reads it: `buildVersion` up to the first `_` or `-`
    /// (`"4.2.1_20231123"` → `"4.2.1"`, `"2.5.0-SNAPSHOT"` → `"2.5.0"`).
    pub fn version(&self) -> Option<&str> {
        let v = self.build_version.as_deref()?.trim();
        let head = v.split(['_', '-']).next().unwrap_or(v);
        if head.is_empty() {
            None
        } else {
            Some(head)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Clusters, zones, servers, tenants

/// A root server entry; the key is snake_case `sql_port` in every sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RootServer {
    pub address: Option<String>,
    pub role: Option<String>,
    #[serde(alias = "sqlPort")]
    pub sql_port: Option<i64>,
}

/// V3.1.1 cluster list only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlarmSummary {
    pub count: Option<i64>,
    pub level: Option<i64>,
    pub link_data_url: Option<String>,
    pub link_url: Option<String>,
}

/// An OceanBase cluster as OCP lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObCluster {
    /// OCP-side id, used in every `/ob/clusters/{id}` path.
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// The cluster id inside OceanBase.
    pub ob_cluster_id: Option<i64>,
    pub ob_version: Option<String>,
    /// Newer OCP (4.3) also sends the full build version.
    pub full_version: Option<String>,
    pub status: ClusterStatus,
    #[serde(rename = "type")]
    pub cluster_type: Option<ClusterType>,
    pub region_count: Option<i64>,
    pub tenant_count: Option<i64>,
    pub partition_count: Option<i64>,
    pub server_count: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub root_servers: Vec<RootServer>,
    pub primary_cluster: Option<Value>,
    #[serde(deserialize_with = "null_default")]
    pub standby_clusters: Vec<Value>,
    pub delay_time: Option<f64>,
    pub sync_status: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub zones: Vec<Zone>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub creator: Option<Creator>,
    pub fail_to_query_from_ob_reason: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub alarm_summaries: Vec<AlarmSummary>,
}

/// A zone, as embedded in a cluster or listed by `/ob/clusters/{id}/zones`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Zone {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub cluster_id: Option<i64>,
    pub ob_cluster_id: Option<i64>,
    pub idc_id: Option<i64>,
    pub idc_name: Option<String>,
    pub region_name: Option<String>,
    pub status: Option<String>,
    pub inner_status: Option<String>,
    pub operate_status: Option<String>,
    pub compaction_status: Option<String>,
    pub server_count: Option<i64>,
    pub host_count: Option<i64>,
    pub root_server: Option<RootServer>,
    #[serde(deserialize_with = "null_default")]
    pub servers: Vec<Server>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
}

/// An OBServer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Server {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    pub ip: Option<String>,
    /// RPC port.
    pub port: Option<i64>,
    pub sql_port: Option<i64>,
    /// Full build string, e.g. `2.2.73_2020…-b6aa…(Nov 17 2020 16:09:04)`.
    pub version: Option<String>,
    /// The doc table says `withRootServer`; the JSON key is `withRootserver`.
    #[serde(rename = "withRootserver", alias = "withRootServer")]
    pub with_rootserver: Option<bool>,
    pub status: ServerStatus,
    pub inner_status: Option<String>,
    pub cluster_id: Option<i64>,
    pub zone_name: Option<String>,
    pub region_name: Option<String>,
    pub idc_name: Option<String>,
    pub host_id: Option<i64>,
    pub host_type_name: Option<String>,
    pub start_time: Option<String>,
    /// May be the epoch sentinel (`1970-01-01T08:00:00+08:00`): see [`crate::time::parse_set_ms`].
    pub stop_time: Option<String>,
    pub update_time: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub available_operations: Vec<String>,
}

/// A tenant (list item or detail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Tenant {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub ob_tenant_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub ob_cluster_id: Option<i64>,
    pub cluster_type: Option<ClusterType>,
    pub cluster_status: Option<ClusterStatus>,
    pub mode: Option<TenantMode>,
    pub status: TenantStatus,
    pub primary_zone: Option<String>,
    pub zone_list: Option<String>,
    pub locality: Option<String>,
    pub locked: Option<bool>,
    pub readonly: Option<bool>,
    pub ob_version: Option<String>,
    pub description: Option<String>,
    pub charset: Option<String>,
    pub collation: Option<String>,
    pub whitelist: Option<String>,
    pub sql_audit_enabled: Option<bool>,
    pub create_time: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub zones: Vec<TenantZone>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantZone {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub replica_type: Option<String>,
    pub resource_pool: Option<ResourcePool>,
    #[serde(deserialize_with = "null_default")]
    pub units: Vec<TenantUnit>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourcePool {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub unit_count: Option<i64>,
    pub unit_config: Option<UnitConfig>,
}

/// Unit spec; sizes in GB (`*Size`) or bytes (`*Byte`), CPU as decimals (`5.00`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UnitConfig {
    pub max_cpu_core_count: Option<f64>,
    pub min_cpu_core_count: Option<f64>,
    pub max_memory_size: Option<f64>,
    pub min_memory_size: Option<f64>,
    pub max_memory_byte: Option<i64>,
    pub min_memory_byte: Option<i64>,
    pub log_disk_size: Option<f64>,
    pub log_disk_size_byte: Option<i64>,
    pub max_iops: Option<i64>,
    pub min_iops: Option<i64>,
    pub iops_weight: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantUnit {
    pub id: Option<i64>,
    pub resource_pool_id: Option<i64>,
    pub server_id: Option<i64>,
    pub server_ip: Option<String>,
    pub server_port: Option<i64>,
    pub zone_name: Option<String>,
    pub status: Option<String>,
}

/// `GET /ob/clusters/{id}/stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterStats {
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub ob_cluster_id: Option<i64>,
    #[serde(flatten)]
    pub resources: ResourceStats,
}

/// `GET /ob/clusters/{id}/serverStats` item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServerStats {
    pub ip: Option<String>,
    pub port: Option<i64>,
    pub zone: Option<String>,
    #[serde(flatten)]
    pub resources: ResourceStats,
}

/// Resource totals shared by cluster and server stats.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceStats {
    pub cpu_total: Option<f64>,
    pub cpu_assigned: Option<f64>,
    pub memory_total_byte: Option<i64>,
    pub memory_assigned_byte: Option<i64>,
    pub log_disk_total_byte: Option<i64>,
    pub log_disk_assigned_byte: Option<i64>,
    pub log_disk_used_byte: Option<i64>,
    pub data_disk_total_byte: Option<i64>,
    pub data_disk_used_byte: Option<i64>,
}

/// `GET /ob/clusters/{id}/units` item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UnitInfo {
    pub ob_unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub ob_tenant_id: Option<i64>,
    pub svr_ip: Option<String>,
    pub svr_port: Option<i64>,
    pub zone: Option<String>,
    pub unit_config: Option<UnitConfig>,
    pub status: Option<String>,
    pub migrate_type: Option<String>,
    pub migrate_opposite_svr_ip: Option<String>,
    pub migrate_opposite_svr_port: Option<i64>,
    pub manual_migrate: Option<bool>,
    pub log_disk_used_byte: Option<i64>,
    pub data_disk_used_byte: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Hosts and friends

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostService {
    pub name: Option<String>,
    pub version: Option<String>,
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    pub software_package_id: Option<i64>,
}

/// A host managed by OCP.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Host {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    pub name: Option<String>,
    pub alias: Option<String>,
    pub description: Option<String>,
    pub inner_ip_address: Option<String>,
    pub ssh_port: Option<i64>,
    /// `DEDICATED_PHYSICAL_MACHINE` or `DEDICATED_CONTAINER`.
    pub kind: Option<String>,
    /// A string or a list, null for physical machines.
    pub publish_ports: Option<Value>,
    pub operating_system: Option<String>,
    pub operating_system_release: Option<String>,
    pub architecture: Option<String>,
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub services: Vec<HostService>,
    pub status: HostStatus,
    pub idc_id: Option<i64>,
    pub idc_name: Option<String>,
    pub idc_description: Option<String>,
    pub type_id: Option<i64>,
    pub type_name: Option<String>,
    pub type_description: Option<String>,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
    pub region_description: Option<String>,
    pub host_agent_id: Option<i64>,
    pub host_agent_version: Option<String>,
    pub host_agent_status: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
}

/// A host type ("model").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostType {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Two doc samples misspell the key `descripiton`.
    #[serde(alias = "descripiton")]
    pub description: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
}

/// A data center.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Idc {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(alias = "descripiton")]
    pub description: Option<String>,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Region {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub description: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
}

/// A password-box credential. Only the non-secret parts are modelled, so nothing secret a
/// server might echo back is kept in memory or shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Credential {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// `HOST`, `OB`, …
    pub target_type: Option<String>,
    pub description: Option<String>,
    pub ssh_credential_property: Option<SshCredentialInfo>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SshCredentialInfo {
    /// `PASSWORD` or `PRIVATE_KEY`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub username: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// OBProxy

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObLink {
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub ob_cluster_id: Option<i64>,
    pub cluster_type: Option<ClusterType>,
    pub username: Option<String>,
    pub status: Option<ClusterStatus>,
    pub connections: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VersionCount {
    pub version: Option<String>,
    pub count: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IdcCount {
    pub idc_name: Option<String>,
    pub count: Option<i64>,
}

/// An OBProxy cluster; `obproxies` is filled by the list sample and the detail endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObproxyCluster {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub address: Option<String>,
    pub port: Option<i64>,
    /// `CONFIG_URL` or `RS_LIST`.
    pub work_mode: Option<String>,
    pub config_url: Option<String>,
    pub parameter_version: Option<i64>,
    pub creator_id: Option<i64>,
    pub creator_name: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub ob_links: Vec<ObLink>,
    #[serde(deserialize_with = "null_default")]
    pub versions: Vec<VersionCount>,
    #[serde(deserialize_with = "null_default")]
    pub topo: Vec<IdcCount>,
    #[serde(deserialize_with = "null_default")]
    pub obproxies: Vec<Obproxy>,
}

/// One OBProxy process.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Obproxy {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    pub cluster_id: Option<i64>,
    pub host_id: Option<i64>,
    pub ip: Option<String>,
    pub sql_port: Option<i64>,
    pub exporter_port: Option<i64>,
    pub idc_name: Option<String>,
    pub version: Option<String>,
    pub status: ObproxyStatus,
    /// `NORMAL` or `OPERATING`.
    pub operate_status: Option<String>,
    pub architecture: Option<String>,
    pub parameter_version: Option<i64>,
    pub last_active_time: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Software packages

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SoftwarePackage {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    pub name: Option<String>,
    /// The rpm name the create / upgrade bodies want.
    pub file_name: Option<String>,
    pub extension: Option<String>,
    /// Bytes.
    pub size: Option<i64>,
    pub sha1: Option<String>,
    pub download_url: Option<String>,
    /// `OB_SERVER_INSTALL_PACKAGE`, `OBPROXY_INSTALL_PACKAGE`, …
    #[serde(rename = "type")]
    pub package_type: Option<String>,
    pub version: Option<String>,
    pub build_number: Option<String>,
    pub operating_system: Option<String>,
    pub architecture: Option<String>,
    pub deletable: Option<bool>,
    pub create_time: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub installation_data_list: Vec<Value>,
}

// ---------------------------------------------------------------------------------------------
// Prechecks

/// `{valid, messages}` of a precheck.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrecheckVerdict {
    pub valid: Option<bool>,
    #[serde(deserialize_with = "lenient_strings")]
    pub messages: Vec<String>,
}

/// One check of a precheck, when the server itemizes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckItem {
    #[serde(deserialize_with = "lenient_string")]
    pub name: Option<String>,
    /// `PASS`, `WARN`, `FAILED`, … (or a boolean on some servers, kept as text).
    #[serde(deserialize_with = "lenient_string")]
    pub result: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub reason: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub fix: Option<String>,
}

/// Result of the cluster takeover precheck (also fits switchover / failover prechecks).
///
/// Its full schema is unpublished, so the whole `data` is kept in `raw` for display.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeoverPrecheckResult {
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub ob_cluster_id: Option<i64>,
    pub result: Option<PrecheckVerdict>,
    pub check_items: Vec<CheckItem>,
    #[serde(skip)]
    pub raw: Value,
}

impl TakeoverPrecheckResult {
    /// True only when the server said `result.valid == true` and no item failed.
    pub fn passed(&self) -> bool {
        let valid = self.result.as_ref().and_then(|r| r.valid) == Some(true);
        let items_ok = self.check_items.iter().all(|i| {
            !matches!(
                i.result.as_deref().map(str::to_ascii_uppercase).as_deref(),
                Some("FAIL" | "FAILED" | "FALSE" | "ERROR")
            )
        });
        valid && items_ok
    }
}

impl<'de> Deserialize<'de> for TakeoverPrecheckResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct Fields {
            cluster_id: Option<i64>,
            cluster_name: Option<String>,
            ob_cluster_id: Option<i64>,
            result: Option<PrecheckVerdict>,
            #[serde(deserialize_with = "null_default")]
            check_items: Vec<CheckItem>,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = if raw.is_object() {
            serde_json::from_value(raw.clone()).map_err(serde::de::Error::custom)?
        } else {
            Fields::default()
        };
        Ok(TakeoverPrecheckResult {
            cluster_id: f.cluster_id,
            cluster_name: f.cluster_name,
            ob_cluster_id: f.ob_cluster_id,
            result: f.result,
            check_items: f.check_items,
            raw,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Tasks

/// The task creator: a user name (async TaskInstance) or a user object (list / detail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Creator {
    Name(String),
    User {
        #[serde(default)]
        id: Option<i64>,
        #[serde(default)]
        name: Option<String>,
    },
}

impl Creator {
    pub fn name(&self) -> Option<&str> {
        match self {
            Creator::Name(n) => Some(n.as_str()),
            Creator::User { name, .. } => name.as_deref(),
        }
    }
}

/// `cluster` of a task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskCluster {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub ob_cluster_id: Option<i64>,
    #[serde(rename = "type")]
    pub cluster_type: Option<ClusterType>,
}

/// `tenant` of a task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskTenant {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub ob_tenant_id: Option<i64>,
    pub mode: Option<TenantMode>,
}

/// A task instance. One struct for all three shapes of the docs: the list item
/// (BasicTaskInstance), the detail (WrappedTaskInstance) and the async-operation result
/// (TaskInstance; older samples call the children `tasks`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskInstance {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub status: TaskStatus,
    pub operation: Option<Operation>,
    #[serde(rename = "type")]
    pub task_type: Option<TaskType>,
    pub creator: Option<Creator>,
    /// A `"Context(…)"` string in old samples, an object `{stringMap, listMap, …}` in newer ones.
    pub context: Option<Value>,
    pub cluster: Option<TaskCluster>,
    pub tenant: Option<TaskTenant>,
    pub cluster_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub host_id: Option<i64>,
    /// The OCP server (IP) running the task.
    pub executor: Option<String>,
    pub task_definition_id: Option<i64>,
    pub prohibit_rollback: Option<bool>,
    pub create_time: Option<String>,
    pub start_time: Option<String>,
    pub finish_time: Option<String>,
    #[serde(alias = "tasks", deserialize_with = "null_default")]
    pub subtasks: Vec<SubtaskInstance>,
}

impl TaskInstance {
    /// The OCP cluster id, from `clusterId` or `cluster.id`.
    pub fn cluster_id(&self) -> Option<i64> {
        self.cluster_id
            .or_else(|| self.cluster.as_ref().and_then(|c| c.id))
    }

    /// The subtasks in `seriesId` order (the response order is arbitrary).
    pub fn subtasks_by_series(&self) -> Vec<&SubtaskInstance> {
        let mut v: Vec<&SubtaskInstance> = self.subtasks.iter().collect();
        v.sort_by_key(|s| (s.series_id.unwrap_or(i64::MAX), s.id));
        v
    }

    pub fn subtask(&self, id: i64) -> Option<&SubtaskInstance> {
        self.subtasks.iter().find(|s| s.id == id)
    }
}

/// A subtask (a node of the task's DAG).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubtaskInstance {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub description: Option<String>,
    pub series_id: Option<i64>,
    pub class_name: Option<String>,
    /// Seconds.
    pub timeout: Option<i64>,
    pub status: SubtaskStatus,
    pub operation: Option<Operation>,
    pub executor: Option<String>,
    /// Number of executions so far.
    pub run_time: Option<i64>,
    pub create_time: Option<String>,
    pub start_time: Option<String>,
    pub finish_time: Option<String>,
    /// `JAVA_TASK`.
    pub node_type: Option<String>,
    /// -1 = not parallel. Doc tables spell `paralleIdx`.
    #[serde(alias = "paralleIdx")]
    pub parallel_idx: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub upstreams: Vec<i64>,
    /// Doc tables spell `downstream`.
    #[serde(alias = "downstream", deserialize_with = "null_default")]
    pub downstreams: Vec<i64>,
    pub prohibit_rollback: Option<bool>,
    /// Seen in 2024 samples only.
    pub prohibit_skip: Option<bool>,
    pub context: Option<Value>,
}

/// `GET …/subtasks/{id}/log`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubtaskLog {
    #[serde(deserialize_with = "null_default")]
    pub log: String,
}

// ---------------------------------------------------------------------------------------------
// Times

// The old names of the OCP timestamp readers, kept so code written against them still builds;
// both live in [`crate::time`] (`parse_ms`, `parse_system_time`), which new code uses.
pub use crate::time::{parse_ms as parse_time_millis, parse_system_time as parse_time};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_keep_unknown_and_match_case_insensitively() {
        let m: TenantMode = serde_json::from_str("\"Oracle\"").expect("mode");
        assert_eq!(m, TenantMode::Oracle);
        let s: ClusterStatus = serde_json::from_str("\"HIBERNATING\"").expect("status");
        assert_eq!(s, ClusterStatus::Unknown("HIBERNATING".into()));
        assert_eq!(serde_json::to_string(&s).expect("ser"), "\"HIBERNATING\"");
        let t: TaskType = serde_json::from_str("\"SYS_ONECE\"").expect("type");
        assert_eq!(t, TaskType::SysOnece);
        let t: TaskType = serde_json::from_str("\"SYS_ONCE\"").expect("type");
        assert_eq!(t, TaskType::SysOnce);
        let n: TaskStatus = serde_json::from_str("3").expect("number");
        assert_eq!(n, TaskStatus::Unknown("3".into()));
        let n: SubtaskStatus = serde_json::from_str("null").expect("null");
        assert_eq!(n, SubtaskStatus::default());
        assert_eq!(
            Operation::from_wire("rollback_skip"),
            Operation::RollbackSkip
        );
    }

    #[test]
    fn info_version() {
        let mut i = OcpInfo {
            build_version: Some("2.5.0-SNAPSHOT".into()),
            ..OcpInfo::default()
        };
        assert_eq!(i.version(), Some("2.5.0"));
        i.build_version = Some("4.2.1_20231123".into());
        assert_eq!(i.version(), Some("4.2.1"));
        i.build_version = Some("".into());
        assert_eq!(i.version(), None);
    }

    #[test]
    fn creator_both_shapes() {
        let c: Creator = serde_json::from_str("\"admin\"").expect("name");
        assert_eq!(c, Creator::Name("admin".into()));
        let c: Creator = serde_json::from_str(r#"{"id":100,"name":"admin"}"#).expect("user");
        assert_eq!(c.name(), Some("admin"));
        assert!(matches!(c, Creator::User { id: Some(100), .. }));
    }

    #[test]
    fn task_nulls_become_empty() {
        let t: TaskInstance = serde_json::from_str(
            r#"{"id":1,"name":null,"status":null,"subtasks":null,"creator":null}"#,
        )
        .expect("task");
        assert_eq!(t.id, 1);
        assert!(t.subtasks.is_empty());
        assert!(t.creator.is_none());
        let s: SubtaskInstance =
            serde_json::from_str(r#"{"id":2,"downstreams":null,"paralleIdx":3}"#).expect("sub");
        assert!(s.downstreams.is_empty());
        assert_eq!(s.parallel_idx, Some(3));
    }

    #[test]
    fn precheck_keeps_raw_and_items() {
        let p: TakeoverPrecheckResult = serde_json::from_str(
            r#"{"clusterName":"c1","result":{"valid":false,"messages":["x"]},
                "checkItems":[{"name":"ports","result":"FAILED","reason":"2881 busy","fix":"free it"}],
                "extra":{"a":1}}"#,
        )
        .expect("precheck");
        assert_eq!(p.cluster_name.as_deref(), Some("c1"));
        assert_eq!(p.check_items.len(), 1);
        assert_eq!(p.check_items[0].fix.as_deref(), Some("free it"));
        assert_eq!(p.raw["extra"]["a"], 1);
        assert!(!p.passed());
    }
}
