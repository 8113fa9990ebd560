//! Request bodies of the OCP write operations.
//!
//! Password fields are [`Secret`]s: their plain text goes only onto the wire (a custom
//! serializer), `Debug` masks them, and `to_masked_json()` gives the exact JSON a wizard can show
//! with every secret replaced by `"******"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::secret::Secret;

use super::models::ClusterType;

/// What a wizard shows in place of a secret.
pub const MASK: &str = "******";

fn ser_secret<S: Serializer>(s: &Secret, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.expose())
}

fn ser_opt_secret<S: Serializer>(s: &Option<Secret>, ser: S) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => ser.serialize_str(s.expose()),
        None => ser.serialize_none(),
    }
}

fn de_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    Ok(Secret::new(String::deserialize(d)?))
}

fn de_opt_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(Secret::new))
}

/// Replace the values of `keys` (at any depth) with [`MASK`]; nulls stay null.
fn mask_keys(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if keys.contains(&k.as_str()) {
                    if !val.is_null() {
                        *val = Value::String(MASK.to_string());
                    }
                } else {
                    mask_keys(val, keys);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| mask_keys(i, keys)),
        _ => {}
    }
}

/// Adds `to_masked_json` (the wire JSON, secrets masked) and `to_json` (the wire JSON).
macro_rules! masked_body {
    ($ty:ty, [$($key:literal),*]) => {
        impl $ty {
            /// The JSON keys that hold secrets.
            pub const SECRET_FIELDS: &'static [&'static str] = &[$($key),*];

            /// The exact JSON that will be sent, with secrets replaced by `"******"`.
            pub fn to_masked_json(&self) -> Value {
                let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
                mask_keys(&mut v, Self::SECRET_FIELDS);
                v
            }
        }
    };
}

/// `{name, value}` startup parameter (4.3.x bodies).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

// ---------------------------------------------------------------------------------------------

/// A zone of a new cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateClusterZone {
    pub name: String,
    pub idc_name: String,
    /// Host ids.
    pub servers: Vec<i64>,
    /// 4.3.x only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// 4.3.x only: per-zone rpm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpm_name: Option<String>,
    /// 4.3.x only: host id of the zone's root server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_server: Option<i64>,
}

/// `POST /api/v2/ob/clusters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateClusterRequest {
    #[serde(rename = "type")]
    pub cluster_type: ClusterType,
    pub name: String,
    /// root@sys password.
    #[serde(serialize_with = "ser_secret", deserialize_with = "de_secret")]
    pub password: Secret,
    /// The doc sample sends `""`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_zone: Option<String>,
    /// Package `fileName`, e.g. `oceanbase-2.2.73-20201211175814.el7.x86_64.rpm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpm_name: Option<String>,
    pub zones: Vec<CreateClusterZone>,
    /// 4.3.x only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_version: Option<String>,
    /// 4.3.x only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ob_cluster_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub startup_parameters: Vec<NameValue>,
}
masked_body!(CreateClusterRequest, ["password"]);

// ---------------------------------------------------------------------------------------------

/// `direct` (to an OBServer) or `proxy` (through an OBProxy).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionMode {
    #[default]
    Direct,
    Proxy,
}

/// `POST /api/v2/ob/clusters/takeOverPreCheck`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeoverPrecheckRequest {
    #[serde(serialize_with = "ser_secret", deserialize_with = "de_secret")]
    pub root_sys_password: Secret,
    pub address: String,
    pub port: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_mode: Option<ConnectionMode>,
    /// Required with `proxy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// Required with `proxy` for a standby.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ob_cluster_id: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_secret",
        deserialize_with = "de_opt_secret"
    )]
    pub proxyro_password: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_to_credential: Option<bool>,
}
masked_body!(
    TakeoverPrecheckRequest,
    ["rootSysPassword", "proxyroPassword"]
);

/// Hosts of the cluster that OCP does not know yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeoverHostInfo {
    /// `DEDICATED_PHYSICAL_MACHINE` (default) or `DEDICATED_CONTAINER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_ports: Option<String>,
    pub host_type_id: i64,
    pub credential_id: i64,
    /// Sent by obdeploy; not in the doc table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_port: Option<u16>,
}

/// `POST /api/v2/ob/clusters/takeOver`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeoverRequest {
    #[serde(serialize_with = "ser_secret", deserialize_with = "de_secret")]
    pub root_sys_password: Secret,
    pub address: String,
    pub port: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_to_credential: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_mode: Option<ConnectionMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ob_cluster_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch_config_url: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_info: Option<TakeoverHostInfo>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_secret",
        deserialize_with = "de_opt_secret"
    )]
    pub proxyro_password: Option<Secret>,
}
masked_body!(TakeoverRequest, ["rootSysPassword", "proxyroPassword"]);

impl TakeoverRequest {
    /// The precheck body for the same connection (same address, credentials and mode).
    pub fn precheck(&self) -> TakeoverPrecheckRequest {
        TakeoverPrecheckRequest {
            root_sys_password: self.root_sys_password.clone(),
            address: self.address.clone(),
            port: self.port,
            connection_mode: self.connection_mode,
            cluster_name: self.cluster_name.clone(),
            ob_cluster_id: self.ob_cluster_id,
            proxyro_password: self.proxyro_password.clone(),
            save_to_credential: self.save_to_credential,
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// Upgrade body of OCP 3.x–4.2: the target rpm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RpmUpgrade {
    pub rpm_file_name: String,
}

/// Upgrade body of OCP 4.3: mode and destination version, plus `rpmFileName`, which the 4.3
/// page marks deprecated but still required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionedUpgrade {
    /// The target package's `fileName` (deprecated in 4.3, still required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpm_file_name: Option<String>,
    /// e.g. `ROLLING`.
    pub upgrade_mode: String,
    /// e.g. `2.2.77-202204041221`.
    pub dest_version: String,
    /// e.g. `el7`.
    pub operating_system: String,
    /// Minor compaction before stopping servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freeze_server: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_order: Option<Vec<String>>,
}

/// `POST /api/v2/ob/clusters/{id}/upgrade`; the body depends on the OCP version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UpgradeRequest {
    Versioned(VersionedUpgrade),
    Rpm(RpmUpgrade),
}
masked_body!(UpgradeRequest, []);

// ---------------------------------------------------------------------------------------------

/// `POST /api/v2/ob/clusters/{id}/zones`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddZoneRequest {
    pub name: String,
    pub idc_name: String,
    /// Host ids.
    pub servers: Vec<i64>,
}
masked_body!(AddZoneRequest, []);

/// `POST /api/v2/ob/clusters/{id}/servers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddServersRequest {
    pub zone_name: String,
    /// Host ids.
    pub servers: Vec<i64>,
}
masked_body!(AddServersRequest, []);

// ---------------------------------------------------------------------------------------------

/// One OBProxy to take over.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObproxyTakeoverHost {
    pub host_id: i64,
    pub sql_port: u16,
    /// This OBProxy's root@proxysys password (4.3.x reads it per host,
    /// `obproxy-takeover-4.3.request.json`); needed when it is not the default.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_secret",
        deserialize_with = "de_opt_secret"
    )]
    pub proxysys_passwd: Option<Secret>,
}

/// `POST /api/v2/obproxy/clusters/{id}/takeOver`. OCP's public API has no OBProxy take-over
/// precheck: obtui computes one from documented reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObproxyTakeoverRequest {
    pub hosts: Vec<ObproxyTakeoverHost>,
}
masked_body!(ObproxyTakeoverRequest, ["proxysysPasswd"]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_on_the_wire_masked_elsewhere() {
        let r = TakeoverRequest {
            root_sys_password: Secret::new("s3cr3t!"),
            address: "10.0.0.1".into(),
            port: 2881,
            proxyro_password: Some(Secret::new("pr0xy")),
            ..TakeoverRequest::default()
        };
        let wire = serde_json::to_string(&r).expect("json");
        assert!(wire.contains(r#""rootSysPassword":"s3cr3t!""#), "{wire}");
        assert!(wire.contains(r#""proxyroPassword":"pr0xy""#), "{wire}");
        assert!(!wire.contains("hostInfo"), "{wire}");
        let masked = r.to_masked_json();
        assert_eq!(masked["rootSysPassword"], MASK);
        assert_eq!(masked["proxyroPassword"], MASK);
        assert_eq!(masked["address"], "10.0.0.1");
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("s3cr3t") && !dbg.contains("pr0xy"), "{dbg}");
        let p = r.precheck().to_masked_json();
        assert_eq!(p["rootSysPassword"], MASK);
        assert_eq!(p["port"], 2881);
    }

    #[test]
    fn upgrade_bodies_by_version() {
        let old = UpgradeRequest::Rpm(RpmUpgrade {
            rpm_file_name: "oceanbase-2.2.75-20210108170301.el7.x86_64.rpm".into(),
        });
        assert_eq!(
            serde_json::to_string(&old).expect("json"),
            r#"{"rpmFileName":"oceanbase-2.2.75-20210108170301.el7.x86_64.rpm"}"#
        );
        let new = UpgradeRequest::Versioned(VersionedUpgrade {
            rpm_file_name: None,
            upgrade_mode: "ROLLING".into(),
            dest_version: "4.3.3.0".into(),
            operating_system: "el7".into(),
            freeze_server: None,
            zone_order: Some(vec!["z1".into(), "z2".into()]),
        });
        assert_eq!(
            serde_json::to_string(&new).expect("json"),
            r#"{"upgradeMode":"ROLLING","destVersion":"4.3.3.0","operatingSystem":"el7","zoneOrder":["z1","z2"]}"#
        );
        let back: UpgradeRequest = serde_json::from_str(r#"{"rpmFileName":"x.rpm"}"#).expect("rpm");
        assert!(matches!(back, UpgradeRequest::Rpm(_)));
    }

    #[test]
    fn obproxy_takeover_without_password_omits_it() {
        let r = ObproxyTakeoverRequest {
            hosts: vec![ObproxyTakeoverHost {
                host_id: 1,
                sql_port: 2883,
                proxysys_passwd: None,
            }],
        };
        assert_eq!(
            serde_json::to_string(&r).expect("json"),
            r#"{"hosts":[{"hostId":1,"sqlPort":2883}]}"#
        );
    }
}
