//! obshell wire models: the response envelope, agent and cluster info, DAGs, requests.
//!
//! Field names follow the Go structs of obshell (see the reference). Everything a server may
//! omit or null is `#[serde(default)]` / `Option`, so an older or newer agent still parses.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

use crate::secret::Secret;

// ---------------------------------------------------------------------------------------------
// Envelope and errors

/// Every `/api/v1` response: `{successful, timestamp, duration, status, traceId, data?, error?}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Envelope<T> {
    #[serde(default)]
    pub successful: bool,
    #[serde(default)]
    pub timestamp: String,
    /// Milliseconds.
    #[serde(default)]
    pub duration: i64,
    #[serde(default)]
    pub status: u16,
    #[serde(rename = "traceId", default)]
    pub trace_id: String,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<WireError>,
}

/// The `error` object. Current servers (≥ 4.3.1) send `errCode` plus a legacy `code` where one
/// exists; older ones send only `code`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct WireError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(rename = "errCode", default, skip_serializing_if = "Option::is_none")]
    pub err_code: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(rename = "subErrors", default, skip_serializing_if = "Option::is_none")]
    pub sub_errors: Option<Vec<serde_json::Value>>,
}

impl WireError {
    /// The code a caller branches on: `errCode` when present, else the legacy numeric `code`.
    pub fn best_code(&self) -> Option<String> {
        match &self.err_code {
            Some(c) if !c.is_empty() => Some(c.clone()),
            _ => self.code.map(|c| c.to_string()),
        }
    }
}

/// A slice result, which obshell wraps as `{"contents": [...]}`; `null` means empty.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Contents<T> {
    #[serde(default = "Option::default")]
    pub contents: Option<Vec<T>>,
}

impl<T> Contents<T> {
    pub fn into_vec(self) -> Vec<T> {
        self.contents.unwrap_or_default()
    }
}

/// errCode / legacy code values a client branches on.
pub mod codes {
    pub const DECRYPT_FAILED: &str = "Security.Authentication.Header.DecryptFailed";
    pub const INCORRECT_OB_PASSWORD: &str = "Security.Authentication.IncorrectOceanbasePassword";
    pub const INCORRECT_AGENT_PASSWORD: &str = "Security.Authentication.IncorrectAgentPassword";
    pub const EXPIRED: &str = "Security.Authentication.Expired";
    pub const URI_MISMATCH: &str = "Security.Authentication.Header.UriMismatch";
    pub const HEADER_NOT_FOUND: &str = "Request.Header.NotFound";
    pub const BIND_JSON_FAILED: &str = "Common.BindJsonFailed";
    pub const ILLEGAL_ARGUMENT: &str = "Common.IllegalArgument";
    pub const INVALID_IP: &str = "Common.InvalidIp";
    pub const INVALID_PORT: &str = "Common.InvalidPort";
    pub const NOT_FOUND: &str = "Common.NotFound";
    pub const UNEXPECTED: &str = "Common.Unexpected";
    pub const TASK_NOT_FOUND: &str = "Task.NotFound";
    pub const GENERIC_ID_INVALID: &str = "Task.GenericID.Invalid";
    pub const DAG_OP_NOT_SUPPORT: &str = "Task.Dag.Operator.NotSupport";
    pub const RETRY_NOT_FAILED_DAG: &str = "Task.Dag.Operator.RetryNotFailedDag";
    pub const ROLLBACK_NOT_FAILED_DAG: &str = "Task.Dag.Operator.RollbackNotFailedDag";
    pub const PASS_NOT_FAILED_DAG: &str = "Task.Dag.Operator.PassNotFailedDag";
    pub const CANCEL_FINISHED_DAG: &str = "Task.Dag.Operator.CancelFinishedDag";
    pub const NODE_OP_NOT_SUPPORT: &str = "Task.Node.Operator.NotSupport";
    pub const NODE_PASS_NOT_FAILED_NODE: &str = "Task.Node.Operator.PassNotFailedNode";
    pub const NODE_PASS_NOT_FAILED_DAG: &str = "Task.Node.Operator.PassNotFailedDag";
    pub const AGENT_ALREADY_EXISTS: &str = "Agent.AlreadyExists";
    pub const IDENTITY_NOT_SUPPORT: &str = "Agent.Identify.NotSupportOperation";
    pub const CLUSTER_UNDER_MAINTENANCE_WITH_DAG: &str = "OB.Cluster.UnderMaintenanceWithDag";
    /// Legacy numeric codes.
    pub const LEGACY_DECRYPT: i64 = 1;
    pub const LEGACY_UNAUTHORIZED: i64 = 10008;
}

// ---------------------------------------------------------------------------------------------
// Small enums carried as strings. Unknown values are kept, not rejected, so a newer server
// never breaks parsing.

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version does not know.
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s.as_str()))
            }
        }
    };
}

string_enum!(
    /// State of a DAG, node or sub_task.
    TaskState {
        Pending => "PENDING",
        Ready => "READY",
        Running => "RUNNING",
        Failed => "FAILED",
        Succeed => "SUCCEED",
    }
);

impl TaskState {
    /// FAILED or SUCCEED.
    pub fn is_finished(&self) -> bool {
        matches!(self, TaskState::Failed | TaskState::Succeed)
    }
}

impl Default for TaskState {
    fn default() -> Self {
        TaskState::Other(String::new())
    }
}

string_enum!(
    /// Operator recorded on a DAG, node or sub_task.
    TaskOperator {
        Run => "RUN",
        Retry => "RETRY",
        Rollback => "ROLLBACK",
        Cancel => "CANCEL",
        Pass => "PASS",
    }
);

impl Default for TaskOperator {
    fn default() -> Self {
        TaskOperator::Other(String::new())
    }
}

string_enum!(
    /// Agent identity (`/info`, `/status`, `/ob/info`).
    AgentIdentity {
        Master => "MASTER",
        Follower => "FOLLOWER",
        Single => "SINGLE",
        ClusterAgent => "CLUSTER AGENT",
        TakeOverMaster => "TAKE OVER MASTER",
        TakeOverFollower => "TAKE OVER FOLLOWER",
        ScalingOut => "SCALING OUT",
        ScalingIn => "SCALING IN",
        Unidentified => "UNIDENTIFIED",
    }
);

impl Default for AgentIdentity {
    fn default() -> Self {
        AgentIdentity::Other(String::new())
    }
}

/// An operation on a whole DAG: `POST /api/v1/task/dag/{id}` `{"operator": …}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DagOperation {
    /// Only on a FAILED DAG: run again from the failed node.
    Retry,
    /// Only on a FAILED DAG: undo the finished nodes, counting the stage down.
    Rollback,
    /// Only on an unfinished DAG.
    Cancel,
    /// Only on a FAILED DAG: mark it succeeded.
    Pass,
}

impl DagOperation {
    pub fn as_str(self) -> &'static str {
        match self {
            DagOperation::Retry => "RETRY",
            DagOperation::Rollback => "ROLLBACK",
            DagOperation::Cancel => "CANCEL",
            DagOperation::Pass => "PASS",
        }
    }

    /// Case-insensitive, as the server upper-cases the value.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "RETRY" => Some(DagOperation::Retry),
            "ROLLBACK" => Some(DagOperation::Rollback),
            "CANCEL" => Some(DagOperation::Cancel),
            "PASS" => Some(DagOperation::Pass),
            _ => None,
        }
    }
}

impl fmt::Display for DagOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of the DAG and node operation routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRequest {
    pub operator: String,
}

// ---------------------------------------------------------------------------------------------
// Lenient field helpers

/// Generic ids are strings on the wire; accept a number too.
fn de_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Null => Ok(String::new()),
        other => Err(de::Error::custom(format!("id is {other}, not a string"))),
    }
}

/// `null` → default, for Go fields that are strings or numbers but may be null in old versions.
fn de_null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `with_rootserver` is `"YES"`/`"NO"` in `/ob/info` and a bool in `/obcluster/info`.
fn de_yes_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => Ok(b),
        serde_json::Value::String(s) => Ok(matches!(
            s.to_ascii_uppercase().as_str(),
            "YES" | "TRUE" | "1"
        )),
        serde_json::Value::Number(n) => Ok(n.as_i64().unwrap_or(0) != 0),
        _ => Ok(false),
    }
}

// ---------------------------------------------------------------------------------------------
// Agent info

/// `{ip, port}` of an agent (scale-out target, sub_task `execute_agent`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub struct AgentAddr {
    #[serde(default, deserialize_with = "de_null_default")]
    pub ip: String,
    #[serde(default, deserialize_with = "de_null_default")]
    pub port: u16,
}

impl fmt::Display for AgentAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ip.contains(':') {
            write!(f, "[{}]:{}", self.ip, self.port)
        } else {
            write!(f, "{}:{}", self.ip, self.port)
        }
    }
}

/// `GET /api/v1/info` (Go `meta.AgentStatus`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentInfo {
    #[serde(default)]
    pub pid: i64,
    /// Agent service state: 0 unknown, 1 starting, 2 running, 3 stopping, 4 stopped.
    #[serde(default)]
    pub state: i32,
    /// Unix nanoseconds.
    #[serde(default)]
    pub start_at: i64,
    #[serde(default)]
    pub home_path: String,
    #[serde(default)]
    pub ob_version: String,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub port: u16,
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub identity: AgentIdentity,
    /// obshell `VERSION-RELEASE`.
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub is_obproxy_agent: bool,
    /// True when an agent password is set.
    #[serde(default)]
    pub security: bool,
    #[serde(default, deserialize_with = "de_null_default")]
    pub supported_auth: Vec<String>,
}

/// `agent` inside `/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct AgentRef {
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub port: u16,
    #[serde(default)]
    pub identity: AgentIdentity,
}

/// `GET /api/v1/status` (Go `http.AgentStatus`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentStatus {
    #[serde(default)]
    pub agent: AgentRef,
    /// 0 unknown, 1 starting, 2 running, 3 stopping, 4 stopped.
    #[serde(default)]
    pub state: i32,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub pid: i64,
    /// Unix nanoseconds.
    #[serde(default)]
    pub start_at: i64,
    #[serde(default)]
    pub port: u16,
    /// 0 process not running, 1 running without connection, 2 restricted, 3 available.
    #[serde(default)]
    pub ob_state: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql_port: Option<u16>,
    /// True when the local task engine is not running.
    #[serde(default)]
    pub under_maintenance: bool,
}

/// Agent service states (`state`).
pub mod agent_state {
    pub const UNKNOWN: i32 = 0;
    pub const STARTING: i32 = 1;
    pub const RUNNING: i32 = 2;
    pub const STOPPING: i32 = 3;
    pub const STOPPED: i32 = 4;
}

/// OceanBase process states (`obState`).
pub mod ob_state {
    pub const NOT_RUNNING: i32 = 0;
    pub const NO_CONNECTION: i32 = 1;
    pub const RESTRICTED: i32 = 2;
    pub const AVAILABLE: i32 = 3;
}

/// `GET /api/v1/agents/status`: `"ip:port"` → status (a map, not wrapped in `contents`).
pub type AgentsStatus = BTreeMap<String, AgentStatus>;

/// `GET /api/v1/secret`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct AgentSecret {
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub port: u16,
    /// base64 of a PKCS#1 DER RSA public key.
    #[serde(default)]
    pub public_key: String,
}

// ---------------------------------------------------------------------------------------------
// Cluster info

/// `GET /api/v1/ob/info` (Go `param.ObInfoResp`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ObInfo {
    #[serde(default, deserialize_with = "de_null_default")]
    pub agent_info: Vec<ObAgent>,
    #[serde(default)]
    pub obcluster_info: ObclusterSummary,
}

/// One agent in `/ob/info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ObAgent {
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub port: u16,
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub identity: AgentIdentity,
    #[serde(default)]
    pub version: String,
}

/// `obcluster_info` in `/ob/info`; zero-valued with `topology: null` on a SINGLE agent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ObclusterSummary {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub version: String,
    /// zone → servers.
    #[serde(default)]
    pub topology: Option<BTreeMap<String, Vec<TopologyServer>>>,
    #[serde(default)]
    pub is_shared_storage: bool,
}

/// One server in `/ob/info` topology.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct TopologyServer {
    #[serde(default)]
    pub svr_ip: String,
    #[serde(default)]
    pub svr_port: u16,
    #[serde(default)]
    pub sql_port: u16,
    #[serde(default)]
    pub agent_port: u16,
    /// `"YES"` / `"NO"` on the wire.
    #[serde(default)]
    pub with_rootserver: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub build_version: String,
}

/// `GET /api/v1/obcluster/info` (Go `bo.ClusterInfo`; CLUSTER AGENT only).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ObclusterInfo {
    #[serde(default)]
    pub cluster_name: String,
    #[serde(default)]
    pub cluster_id: i64,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub is_community_edition: bool,
    #[serde(default)]
    pub is_standalone: bool,
    #[serde(default)]
    pub ob_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_lock_detection_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_mode: Option<String>,
    #[serde(default)]
    pub is_shared_storage: bool,
    #[serde(default)]
    pub stats: ResourceStats,
    #[serde(default, deserialize_with = "de_null_default")]
    pub zones: Vec<ZoneInfo>,
    /// Tenants, kept raw: the dashboard shows them only in passing.
    #[serde(default, deserialize_with = "de_null_default")]
    pub tenants: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "de_null_default")]
    pub tenant_stats: Vec<serde_json::Value>,
}

/// Resource totals (`BaseResourceStats`, plus the disk fields of a server's stats).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ResourceStats {
    #[serde(default)]
    pub cpu_core_total: f64,
    #[serde(default)]
    pub cpu_core_assigned: f64,
    #[serde(default)]
    pub cpu_core_assigned_percent: f64,
    #[serde(default)]
    pub memory_total: String,
    #[serde(default)]
    pub memory_assigned: String,
    #[serde(default)]
    pub memory_in_bytes_total: i64,
    #[serde(default)]
    pub memory_in_bytes_assigned: i64,
    #[serde(default)]
    pub memory_assigned_percent: f64,
    #[serde(default)]
    pub disk_total: String,
    #[serde(default)]
    pub disk_assigned: String,
    #[serde(default)]
    pub disk_in_bytes_total: i64,
    #[serde(default)]
    pub disk_in_bytes_assigned: i64,
    #[serde(default)]
    pub disk_assigned_percent: f64,
}

/// A zone in `/obcluster/info`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ZoneInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub idc_name: String,
    #[serde(default)]
    pub region_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub inner_status: String,
    #[serde(default)]
    pub root_server: Option<RootServer>,
    #[serde(default, deserialize_with = "de_null_default")]
    pub servers: Vec<ServerInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct RootServer {
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub svr_port: u16,
}

/// An observer in `/obcluster/info`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ServerInfo {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub svr_port: u16,
    #[serde(default)]
    pub sql_port: u16,
    #[serde(default)]
    pub version: String,
    #[serde(default, deserialize_with = "de_yes_bool")]
    pub with_rootserver: bool,
    /// ACTIVE, INACTIVE, DELETING, …
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ob_status: Option<String>,
    #[serde(default)]
    pub inner_status: String,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub stop_time: String,
    #[serde(default)]
    pub stats: Option<serde_json::Value>,
    #[serde(default)]
    pub architecture: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redo_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obshell_port: Option<u16>,
}

// ---------------------------------------------------------------------------------------------
// Requests

/// `POST /api/v1/ob/scale_out` body (Go `ClusterScaleOutParam`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleOutRequest {
    /// The agent being added (it must be a SINGLE agent).
    pub agent_info: AgentAddr,
    /// observer configs; values are strings on the wire (`map[string]string`). `mysql_port` and
    /// `rpc_port` set the new server's ports.
    pub ob_configs: BTreeMap<String, String>,
    /// Target zone; a new zone adds two DAG nodes (max_stage 11 instead of 9).
    pub zone: String,
    /// The target agent's password, when it has one (obshell ≥ 4.2.6).
    pub target_agent_password: Option<Secret>,
}

impl ScaleOutRequest {
    /// The JSON as sent (inside the encrypted body).
    pub fn to_json(&self) -> serde_json::Value {
        self.json_with_password(|s| s.expose().to_string())
    }

    /// The JSON with the password masked, for confirmation dialogs and logs.
    pub fn to_masked_json(&self) -> serde_json::Value {
        self.json_with_password(|s| {
            if s.is_empty() {
                String::new()
            } else {
                "******".to_string()
            }
        })
    }

    fn json_with_password(&self, show: impl Fn(&Secret) -> String) -> serde_json::Value {
        let mut v = serde_json::json!({
            "agentInfo": { "ip": self.agent_info.ip, "port": self.agent_info.port },
            "obConfigs": self.ob_configs,
            "zone": self.zone,
        });
        if let (Some(p), Some(map)) = (&self.target_agent_password, v.as_object_mut()) {
            map.insert(
                "targetAgentPassword".into(),
                serde_json::Value::String(show(p)),
            );
        }
        v
    }
}

// ---------------------------------------------------------------------------------------------
// DAGs

/// `DagDetailDTO`: `GET /api/v1/task/dag/{id}`, and the answer of every mutating route.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct DagDetail {
    /// Generic id (`"1" + dag_id` for a cluster DAG).
    #[serde(default, deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub dag_id: i64,
    #[serde(default)]
    pub name: String,
    /// 1-based index of the node running (or failed).
    #[serde(default)]
    pub stage: i32,
    #[serde(default)]
    pub max_stage: i32,
    /// 0 NOT_BOOTSTRAP, 1 NOT_UNDER_MAINTENANCE, 2 GLOBAL, 3 TENANT, 4 OBPROXY (since 2025-05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_type: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_key: Option<String>,
    #[serde(default)]
    pub state: TaskState,
    #[serde(default)]
    pub operator: TaskOperator,
    /// RFC 3339; see [`crate::time::is_unset`] for "not yet".
    #[serde(default, deserialize_with = "de_null_default")]
    pub start_time: String,
    #[serde(default, deserialize_with = "de_null_default")]
    pub end_time: String,
    #[serde(default)]
    pub additional_data: Option<serde_json::Value>,
    /// `null` unless details were asked for (and in the answers of mutating routes).
    #[serde(default)]
    pub nodes: Option<Vec<Node>>,
}

impl DagDetail {
    pub fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    /// The first FAILED node, if any.
    pub fn failed_node(&self) -> Option<&Node> {
        self.nodes
            .as_deref()?
            .iter()
            .find(|n| n.state == TaskState::Failed)
    }
}

/// `NodeDetailDTO`: a node of a DAG, or `GET /api/v1/task/node/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Node {
    #[serde(default, deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub node_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub state: TaskState,
    #[serde(default)]
    pub operator: TaskOperator,
    #[serde(default, deserialize_with = "de_null_default")]
    pub start_time: String,
    #[serde(default, deserialize_with = "de_null_default")]
    pub end_time: String,
    #[serde(default)]
    pub additional_data: Option<serde_json::Value>,
    /// One per agent for a parallel node; exactly one for a serial node.
    #[serde(default)]
    pub sub_tasks: Option<Vec<SubTask>>,
}

/// `TaskDetailDTO`: a sub_task, or `GET /api/v1/task/sub_task/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct SubTask {
    #[serde(default, deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub task_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub state: TaskState,
    #[serde(default)]
    pub operator: TaskOperator,
    #[serde(default, deserialize_with = "de_null_default")]
    pub start_time: String,
    #[serde(default, deserialize_with = "de_null_default")]
    pub end_time: String,
    #[serde(default)]
    pub additional_data: Option<serde_json::Value>,
    #[serde(default)]
    pub execute_times: i32,
    /// Always an object on real servers; `None` tolerated.
    #[serde(default)]
    pub execute_agent: Option<AgentAddr>,
    /// Filled once the sub_task runs; `null` before.
    #[serde(default)]
    pub task_logs: Option<Vec<String>>,
}

/// One entry of `GET /api/v1/task/sub_task/{id}/logs` (`{"contents": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct SubTaskLog {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub sub_task_id: i64,
    #[serde(default)]
    pub execute_times: i32,
    #[serde(default)]
    pub log_content: String,
    #[serde(default)]
    pub is_sync: bool,
    #[serde(default)]
    pub create_time: String,
    #[serde(default)]
    pub update_time: String,
}

/// The log list of one sub_task.
pub type SubTaskLogs = Vec<SubTaskLog>;

/// DAG maintenance types (`maintenance_type`).
pub mod maintenance {
    pub const NOT_BOOTSTRAP: i32 = 0;
    pub const NOT_UNDER_MAINTENANCE: i32 = 1;
    pub const GLOBAL: i32 = 2;
    pub const TENANT: i32 = 3;
    pub const OBPROXY: i32 = 4;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_are_kept() {
        let s: TaskState = serde_json::from_str("\"PAUSED\"").unwrap();
        assert_eq!(s, TaskState::Other("PAUSED".into()));
        assert_eq!(
            serde_json::to_string(&TaskState::Succeed).unwrap(),
            "\"SUCCEED\""
        );
        let i: AgentIdentity = serde_json::from_str("\"CLUSTER AGENT\"").unwrap();
        assert_eq!(i, AgentIdentity::ClusterAgent);
    }

    #[test]
    fn dag_operation_parse_is_case_insensitive() {
        assert_eq!(DagOperation::parse("retry"), Some(DagOperation::Retry));
        assert_eq!(DagOperation::parse("Pass"), Some(DagOperation::Pass));
        assert_eq!(DagOperation::parse("RUN"), None);
    }

    #[test]
    fn masked_scale_out_json_hides_the_password_only() {
        let req = ScaleOutRequest {
            agent_info: AgentAddr {
                ip: "10.0.0.4".into(),
                port: 2886,
            },
            ob_configs: BTreeMap::from([("mysql_port".to_string(), "2881".to_string())]),
            zone: "zone2".into(),
            target_agent_password: Some(Secret::new("s3cret")),
        };
        let plain = req.to_json();
        assert_eq!(plain["targetAgentPassword"], "s3cret");
        assert_eq!(plain["agentInfo"]["port"], 2886);
        assert_eq!(plain["obConfigs"]["mysql_port"], "2881");
        let masked = req.to_masked_json();
        assert_eq!(masked["targetAgentPassword"], "******");
        assert!(!masked.to_string().contains("s3cret"));
        assert!(!format!("{req:?}").contains("s3cret"));
        let none = ScaleOutRequest {
            target_agent_password: None,
            ..req
        };
        assert!(none.to_json().get("targetAgentPassword").is_none());
    }

    #[test]
    fn legacy_error_code_is_used_when_err_code_is_absent() {
        let e: WireError = serde_json::from_str(r#"{"code":10008,"message":"x"}"#).unwrap();
        assert_eq!(e.best_code().as_deref(), Some("10008"));
        let e: WireError =
            serde_json::from_str(r#"{"code":1,"errCode":"A.B","message":"x"}"#).unwrap();
        assert_eq!(e.best_code().as_deref(), Some("A.B"));
    }
}
