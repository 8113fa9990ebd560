//! Cluster takeover precheck: which checks pass, warn or fail for a takeover request.
//!
//! The sim knows a few clusters that OCP does not manage yet (see
//! [`Inventory::unmanaged`](super::inventory::Inventory)); the primary `nova` answers on
//! `10.186.0.50:2881` with root@sys password `RootSys_123`. Its standby `nova_dr` is at
//! `10.186.1.50:2881` (fails until `nova` is taken over) and `legacy` at `10.186.2.50:2881`
//! runs an unsupported version with one OBServer down.

use serde::Deserialize;
use serde_json::{json, Value};

use super::envelope::Fail;
use super::inventory::{version_cmp, Inventory, Unmanaged};

/// Body of `takeOverPreCheck` and `takeOver` (ocp-api.md §8.2).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TakeoverReq {
    pub root_sys_password: Option<String>,
    pub address: Option<String>,
    pub port: Option<i64>,
    pub connection_mode: Option<String>,
    pub cluster_name: Option<String>,
    pub ob_cluster_id: Option<i64>,
    pub proxyro_password: Option<String>,
    pub save_to_credential: Option<bool>,
    pub switch_config_url: Option<bool>,
    pub host_info: Option<HostInfo>,
}

/// `hostInfo`: how to add the cluster's hosts OCP does not know yet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostInfo {
    pub kind: Option<String>,
    pub publish_ports: Option<String>,
    pub host_type_id: Option<i64>,
    pub credential_id: Option<i64>,
    pub ssh_port: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: &'static str,
    /// `PASS`, `WARN` or `FAIL`.
    pub result: &'static str,
    pub reason: String,
    pub fix: String,
}

fn pass(name: &'static str, reason: String) -> Check {
    Check {
        name,
        result: "PASS",
        reason,
        fix: String::new(),
    }
}

fn warn(name: &'static str, reason: String, fix: &str) -> Check {
    Check {
        name,
        result: "WARN",
        reason,
        fix: fix.into(),
    }
}

fn fail(name: &'static str, reason: String, fix: &str) -> Check {
    Check {
        name,
        result: "FAIL",
        reason,
        fix: fix.into(),
    }
}

/// The outcome of a precheck.
#[derive(Debug, Clone)]
pub struct Precheck {
    /// Index into `inv.unmanaged` of the cluster found at the address.
    pub found: Option<usize>,
    pub checks: Vec<Check>,
}

impl Precheck {
    pub fn valid(&self) -> bool {
        !self.checks.iter().any(|c| c.result == "FAIL")
    }
    pub fn messages(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.result == "FAIL")
            .map(|c| format!("{}: {}", c.name, c.reason))
            .collect()
    }
    /// `data` of the precheck answer. **The simulator's own shape**: OCP's published page
    /// covers only the opening of this answer (`clusterName`, …) and no sample, so `result
    /// {valid, messages}` follows the documented switchover precheck and `checkItems` is the
    /// simulator's invention; obtui reads every part of it as optional.
    pub fn json(&self, inv: &Inventory, req: &TakeoverReq) -> Value {
        let u = self.found.and_then(|i| inv.unmanaged.get(i));
        json!({
            "clusterName": u.map(|u| u.name.clone()).or_else(|| req.cluster_name.clone()).unwrap_or_default(),
            "obClusterId": u.map(|u| json!(u.ob_cluster_id)).unwrap_or(Value::Null),
            "obVersion": u.map(|u| json!(u.version)).unwrap_or(Value::Null),
            "clusterType": u.map(|u| json!(u.kind)).unwrap_or(Value::Null),
            "result": { "valid": self.valid(), "messages": self.messages() },
            "checkItems": self.checks.iter().map(|c| json!({
                "name": c.name,
                "result": c.result,
                "reason": c.reason,
                "fix": c.fix,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The oldest OceanBase version the simulated OCP takes over.
pub const MIN_TAKEOVER_VERSION: &str = "3.1.0";

fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Is the unmanaged cluster `u` already in OCP (same name and obClusterId)?
pub fn is_managed(inv: &Inventory, u: &Unmanaged) -> bool {
    inv.clusters
        .iter()
        .any(|c| c.name == u.name && c.ob_cluster_id == u.ob_cluster_id)
}

fn out(checks: Vec<Check>, found: Option<usize>) -> Result<Precheck, Fail> {
    Ok(Precheck { found, checks })
}

/// Run the checks. Missing required fields are a 400, not a failed check.
pub fn precheck(inv: &Inventory, req: &TakeoverReq) -> Result<Precheck, Fail> {
    let password = req
        .root_sys_password
        .as_deref()
        .ok_or_else(|| Fail::bad("rootSysPassword is required"))?;
    let address = req
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| Fail::bad("address is required"))?;
    let port = req.port.ok_or_else(|| Fail::bad("port is required"))?;
    if !(1..=65535).contains(&port) {
        return Err(Fail::bad(format!("port must be 1..65535, got {port}")));
    }
    let mode = req.connection_mode.as_deref().unwrap_or("direct");
    if mode != "direct" && mode != "proxy" {
        return Err(Fail::bad(format!(
            "connectionMode must be direct or proxy, got {mode:?}"
        )));
    }
    let mut checks = Vec::new();

    if mode == "proxy" && req.cluster_name.as_deref().is_none_or(str::is_empty) {
        checks.push(fail(
            "Connection parameters",
            "clusterName is required when connectionMode is proxy".into(),
            "Give the name of the cluster behind the OBProxy, or connect directly to an OBServer.",
        ));
        return out(checks, None);
    }
    if !is_ipv4(address) {
        checks.push(fail(
            "Address reachable",
            format!("{address:?} is not an IPv4 address"),
            "Use the IP of an OBServer (direct) or of an OBProxy (proxy).",
        ));
        return out(checks, None);
    }

    // Find the cluster behind the address.
    let found = if mode == "direct" {
        inv.unmanaged
            .iter()
            .position(|u| u.servers.iter().any(|(_, ip)| ip == address))
    } else {
        let name = req.cluster_name.as_deref().unwrap_or_default();
        let is_proxy = inv
            .proxies
            .iter()
            .any(|p| p.proxies.iter().any(|o| o.ip == address));
        if is_proxy {
            inv.unmanaged.iter().position(|u| u.name == name)
        } else {
            None
        }
    };
    let expected_port = if mode == "direct" { 2881 } else { 2883 };
    let Some(idx) = found else {
        let managed = inv
            .clusters
            .iter()
            .find(|c| c.servers().any(|(_, s)| s.ip == address));
        match managed {
            Some(c) => {
                checks.push(pass("Address reachable", format!("connected to {address}:{port}")));
                checks.push(fail(
                    "Not managed by this OCP",
                    format!("{address} belongs to cluster {} (id {}), already managed by this OCP", c.name, c.id),
                    "Nothing to do: the cluster is already in OCP.",
                ));
            }
            None => checks.push(fail(
                "Address reachable",
                format!("cannot connect to {address}:{port}: connection timed out"),
                "Check the address and port and that OCP can reach it (firewall). The OBServer SQL port is usually 2881, OBProxy 2883.",
            )),
        }
        return out(checks, None);
    };
    let u = &inv.unmanaged[idx];
    if port != expected_port {
        checks.push(fail(
            "Address reachable",
            format!("connection refused on {address}:{port}"),
            &format!("{address} answers SQL on port {expected_port}."),
        ));
        return out(checks, Some(idx));
    }
    checks.push(pass(
        "Address reachable",
        format!("connected to {address}:{port} ({mode})"),
    ));
    if password != u.root_password {
        checks.push(fail(
            "root@sys password",
            "ERROR 1045 (42000): Access denied for user 'root'@'sys'".into(),
            "Enter the root@sys password of the cluster being taken over.",
        ));
        return out(checks, Some(idx));
    }
    checks.push(pass("root@sys password", "logged in as root@sys".into()));

    if let Some(id) = req.ob_cluster_id {
        if id != u.ob_cluster_id {
            checks.push(fail(
                "Cluster identity",
                format!(
                    "obClusterId {id} does not match the cluster at {address} ({})",
                    u.ob_cluster_id
                ),
                "Leave obClusterId empty or use the cluster's own id.",
            ));
        }
    }

    if is_managed(inv, u) {
        checks.push(fail(
            "Not managed by this OCP",
            format!(
                "cluster {} (obClusterId {}) is already managed by this OCP",
                u.name, u.ob_cluster_id
            ),
            "Nothing to do: the cluster is already in OCP.",
        ));
    } else if inv.clusters.iter().any(|c| c.name == u.name) {
        checks.push(fail(
            "Cluster name unique",
            format!("another cluster named {} already exists in OCP", u.name),
            "Rename or remove the other cluster first.",
        ));
    } else {
        checks.push(pass(
            "Not managed by this OCP",
            format!("cluster {} is not in OCP yet", u.name),
        ));
    }

    if version_cmp(&u.version, MIN_TAKEOVER_VERSION) == std::cmp::Ordering::Less {
        checks.push(fail(
            "OceanBase version supported",
            format!("OceanBase {} is not supported; OCP 4.2.2 takes over {MIN_TAKEOVER_VERSION} and later", u.version),
            "Upgrade the cluster (e.g. with obd) before taking it over.",
        ));
    } else {
        checks.push(pass(
            "OceanBase version supported",
            format!("OceanBase {}-{}", u.version, u.build),
        ));
    }

    if u.stopped.is_empty() {
        checks.push(pass(
            "All OBServers active",
            format!("{} OBServers ACTIVE", u.servers.len()),
        ));
    } else {
        checks.push(fail(
            "All OBServers active",
            format!("OBServer {} is INACTIVE", u.stopped.join(", ")),
            "Start the stopped OBServers and recheck.",
        ));
    }

    if let Some(primary) = &u.primary_name {
        let ok = inv
            .unmanaged
            .iter()
            .find(|p| &p.name == primary)
            .is_some_and(|p| is_managed(inv, p));
        if ok {
            checks.push(pass(
                "Primary cluster managed",
                format!("primary cluster {primary} is managed by this OCP"),
            ));
        } else {
            checks.push(fail(
                "Primary cluster managed",
                format!(
                    "{} is a standby of {primary}, which OCP does not manage",
                    u.name
                ),
                &format!("Take over the primary cluster {primary} first."),
            ));
        }
    }

    let mut missing = Vec::new();
    let mut busy = Vec::new();
    for (_, ip) in &u.servers {
        match inv.host_by_ip(ip) {
            None => missing.push(ip.clone()),
            Some(h) if !h.services.is_empty() => busy.push(format!(
                "{ip} ({})",
                h.services
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(_) => {}
        }
    }
    if !busy.is_empty() {
        checks.push(fail(
            "Hosts available",
            format!("hosts already run other services: {}", busy.join("; ")),
            "Free those hosts in OCP first.",
        ));
    } else if missing.is_empty() {
        checks.push(pass("Hosts in OCP", "all hosts are in OCP".into()));
    } else if req.host_info.is_some() {
        checks.push(pass(
            "Hosts in OCP",
            format!(
                "{} hosts will be added with hostInfo: {}",
                missing.len(),
                missing.join(", ")
            ),
        ));
    } else {
        checks.push(warn(
            "Hosts in OCP",
            format!(
                "{} hosts are not in OCP: {}",
                missing.len(),
                missing.join(", ")
            ),
            "Pass hostInfo {kind, hostTypeId, credentialId} with the takeover so OCP adds them.",
        ));
    }
    match req.proxyro_password.as_deref().filter(|p| !p.is_empty()) {
        None => checks.push(warn(
            "proxyro user",
            "proxyroPassword not given; OCP will set a new proxyro@sys password".into(),
            "Pass proxyroPassword if OBProxies already connect to this cluster as proxyro.",
        )),
        Some(p) if p == u.proxyro_password => checks.push(pass(
            "proxyro user",
            "logged in as proxyro@sys; OBProxies keep their password".into(),
        )),
        Some(_) => checks.push(fail(
            "proxyro user",
            "ERROR 1045 (42000): Access denied for user 'proxyro'@'sys'".into(),
            "Give the proxyro@sys password OBProxies use now, or none to let OCP set a new one.",
        )),
    }
    out(checks, Some(idx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{TAKEOVER_ADDRESS, TAKEOVER_PASSWORD};

    fn req(addr: &str, pw: &str) -> TakeoverReq {
        TakeoverReq {
            root_sys_password: Some(pw.into()),
            address: Some(addr.into()),
            port: Some(2881),
            ..Default::default()
        }
    }

    #[test]
    fn the_demo_cluster_passes() {
        let inv = Inventory::generate(1, 1);
        let p = precheck(&inv, &req(TAKEOVER_ADDRESS, TAKEOVER_PASSWORD)).unwrap();
        assert!(p.valid(), "{:?}", p.checks);
        assert!(p.checks.iter().any(|c| c.result == "WARN"));
    }

    #[test]
    fn the_proxyro_password_is_checked_when_given() {
        use crate::inventory::TAKEOVER_PROXYRO_PASSWORD;
        let inv = Inventory::generate(1, 1);
        let proxyro = |p: Option<&str>| {
            let mut r = req(TAKEOVER_ADDRESS, TAKEOVER_PASSWORD);
            r.proxyro_password = p.map(str::to_string);
            let p = precheck(&inv, &r).unwrap();
            p.checks
                .into_iter()
                .find(|c| c.name == "proxyro user")
                .map(|c| c.result)
        };
        assert_eq!(proxyro(None), Some("WARN"));
        assert_eq!(proxyro(Some("")), Some("WARN"));
        assert_eq!(proxyro(Some(TAKEOVER_PROXYRO_PASSWORD)), Some("PASS"));
        assert_eq!(proxyro(Some("nope")), Some("FAIL"));
    }

    #[test]
    fn wrong_password_unreachable_and_old_versions_fail() {
        let inv = Inventory::generate(1, 1);
        let p = precheck(&inv, &req(TAKEOVER_ADDRESS, "nope")).unwrap();
        assert!(!p.valid());
        assert_eq!(p.checks.last().map(|c| c.name), Some("root@sys password"));
        let p = precheck(&inv, &req("10.9.9.9", TAKEOVER_PASSWORD)).unwrap();
        assert_eq!(p.checks[0].result, "FAIL");
        let p = precheck(&inv, &req("10.186.2.50", TAKEOVER_PASSWORD)).unwrap();
        let failed: Vec<&str> = p
            .checks
            .iter()
            .filter(|c| c.result == "FAIL")
            .map(|c| c.name)
            .collect();
        assert_eq!(
            failed,
            vec!["OceanBase version supported", "All OBServers active"]
        );
        let p = precheck(&inv, &req("10.186.1.50", TAKEOVER_PASSWORD)).unwrap();
        assert!(p
            .checks
            .iter()
            .any(|c| c.name == "Primary cluster managed" && c.result == "FAIL"));
        assert!(precheck(&inv, &TakeoverReq::default()).is_err());
    }
}
