//! obshell's alerts: `POST /api/v1/alarm/alerts` (obshell-api.md §8.7). A POST because the
//! filter is the body; `{}` lists everything the configured Alertmanager holds.

use serde::{Deserialize, Serialize};

/// One alert (`alert.Alert`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Alert {
    pub fingerprint: String,
    pub rule: String,
    /// `critical` | `major` | `minor` | `warning` | `info`.
    pub severity: String,
    pub instance: AlertInstance,
    /// Unix seconds.
    pub starts_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub status: AlertStatus,
    #[serde(deserialize_with = "null_vec")]
    pub labels: Vec<AlertLabel>,
    pub summary: String,
    pub description: String,
}

/// What an alert is about (`oceanbase.OBInstance`): the type is the most specific one present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertInstance {
    /// `obcluster` | `obzone` | `obtenant` | `observer`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obcluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obzone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obtenant: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertStatus {
    #[serde(deserialize_with = "null_vec")]
    pub inhibited_by: Vec<String>,
    #[serde(deserialize_with = "null_vec")]
    pub silenced_by: Vec<String>,
    /// `active` | `unprocessed` | `suppressed`.
    pub state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertLabel {
    pub key: String,
    pub value: String,
}

/// The body of `POST /api/v1/alarm/alerts` (`alert.AlertFilter`; every field omitted when
/// empty: `{}` lists all).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<AlertInstance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
}

fn null_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}
