//! OCP's alarms (`/api/v2/alarm/…`) and audit events (`/api/v2/audit/events`): wire models and
//! the query each list takes (ocp-api.md §14.5, §14.6).

use super::models::null_default;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An alarm (list item of `GET /alarm/alarms`, or the `data` of `GET /alarm/alarms/{id}`).
/// `appType` and `scope` stay open strings: newer OCPs spell them differently (`OB` →
/// `OceanBase`, `ObCluster` → `Cluster`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Alarm {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    pub alarm_type: Option<String>,
    pub app_type: Option<String>,
    pub scope: Option<String>,
    /// 1–5 = Stopped, Critical, Warning, Caution, Reminder.
    pub level: Option<i64>,
    /// `Active` | `Inactive` | `Silenced` | `Inhibited`.
    pub status: Option<String>,
    pub target: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub active_at: Option<String>,
    pub updated_at: Option<String>,
    /// Only once Inactive.
    pub resolved_at: Option<String>,
    pub gmt_create: Option<String>,
    pub gmt_modified: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
}

impl Alarm {
    /// A label by name (`ob_cluster`, `tenant_name`, `svr_ip`, …), when not empty.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// One alarm notification (`GET /alarm/notifications`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlarmNotification {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    #[serde(deserialize_with = "null_default")]
    pub alarm_ids: Vec<i64>,
    pub alarm_type: Option<String>,
    pub app_type: Option<String>,
    pub scope: Option<String>,
    pub level: Option<i64>,
    pub message: Option<String>,
    /// `Pending` | `Sending` | `Success` | `Failed` | `Limited`.
    pub status: Option<String>,
    pub channel_id: Option<i64>,
    pub channel_response: Option<String>,
    pub generated_at: Option<String>,
    pub sent_at: Option<String>,
    pub is_aggregated: Option<bool>,
    #[serde(deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
}

/// What `GET /alarm/alarms` filters on (empty fields are not sent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlarmFilter {
    /// `Active` | `Inactive` | `Silenced` | `Inhibited`.
    pub status: Option<String>,
    /// 1–5.
    pub level: Option<i64>,
    pub scope: Option<String>,
    pub ob_cluster: Option<String>,
    pub ob_tenant: Option<String>,
    pub host_ip: Option<String>,
    pub keyword: Option<String>,
}

/// One audit event (`GET /audit/events`): who did what, to what, when, and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AuditEvent {
    #[serde(deserialize_with = "null_default")]
    pub id: i64,
    pub operation_event: Option<String>,
    pub event_type: Option<String>,
    /// `COMPUTE_HOST` | `OB_TENANT` | `OB_CLUSTER` | `OB_PROXY_CLUSTER` | `OCP_USER` | …
    pub resource_type: Option<String>,
    pub resource_id: Option<i64>,
    pub resource_name: Option<String>,
    pub parent_resource: Option<String>,
    pub operator_name: Option<String>,
    pub operator_id: Option<i64>,
    /// `SUCCESS` | `FAILED`.
    pub status: Option<String>,
    pub task_id: Option<i64>,
    /// `NEW` | `RETRY`.
    pub execution_type: Option<String>,
    /// The request's parameters as a JSON string.
    pub event_info: Option<String>,
    pub client_ip: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
}

/// What `GET /audit/events` filters on. Its sort parameter is `order` (`startTime,desc`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub resource_name: Option<String>,
    /// `SUCCESS` | `FAILED`.
    pub status: Option<String>,
    pub order: Option<String>,
}
