//! The conditions of an OBProxy take-over (OCP docs, "Take over an OBProxy"), as the
//! simulator's `POST /api/v2/obproxy/clusters/{id}/takeOver` applies them to the OBProxies OCP
//! does not manage yet. OCP's public API has no OBProxy take-over precheck, so the simulator
//! serves none: a take-over that breaks a condition is refused (400) with every reason.
//!
//! The conditions: the host is added to OCP; the proxy is reachable; its version is at least
//! 1.8.0; it was installed from the RPM into `/opt/taobao/install/obproxy-{version}`; the host
//! runs exactly one obproxy process, owned by admin; it starts in the same mode as the target
//! cluster; the clusters it connects to are a subset of the target's (ConfigUrl) or the same
//! (RsList); and a root@proxysys password that is not the default is given for its host
//! (`hosts[].proxysysPasswd`, OCP 4.3).

use std::collections::BTreeSet;

use serde::Deserialize;

use super::envelope::Fail;
use super::inventory::{version_cmp, Inventory, ProxyCluster, MIN_PROXY_TAKEOVER_VERSION};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrecheckBody {
    pub hosts: Option<Vec<PrecheckHost>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrecheckHost {
    pub host_id: Option<i64>,
    pub sql_port: Option<i64>,
}

/// One line of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub host_id: i64,
    pub ip: String,
    pub name: &'static str,
    /// `PASS`, `WARN` or `FAIL`.
    pub result: &'static str,
    pub reason: String,
    pub fix: String,
}

pub const HOST_ADDED: &str = "host added to OCP";
pub const NOT_MANAGED: &str = "not managed by OCP yet";
pub const REACHABLE: &str = "reachable";
pub const PROCESS: &str = "one obproxy process owned by admin";
pub const VERSION: &str = "version 1.8.0 or later";
pub const RPM_PATH: &str = "installed from the RPM";
pub const START_MODE: &str = "same start mode as the target";
pub const CLUSTERS: &str = "connectable clusters";

/// Validate the body (400 on a malformed one) and run every check for every proxy.
pub fn precheck(
    inv: &Inventory,
    target: &ProxyCluster,
    body: &PrecheckBody,
) -> Result<Vec<Item>, Fail> {
    let hosts = body.hosts.as_deref().unwrap_or_default();
    let mut problems = Vec::new();
    if hosts.is_empty() {
        problems.push("hosts must list at least one {hostId, sqlPort}".to_string());
    }
    let mut seen = BTreeSet::new();
    for (i, h) in hosts.iter().enumerate() {
        match h.host_id {
            None => problems.push(format!("hosts[{i}].hostId is required")),
            Some(id) if !seen.insert(id) => problems.push(format!("host {id} is listed twice")),
            Some(_) => {}
        }
        if let Some(p) = h.sql_port {
            if !(1..=65535).contains(&p) {
                problems.push(format!("hosts[{i}].sqlPort {p} is not a port"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Fail::bad(problems.join("; ")));
    }
    let mut out = Vec::new();
    for h in hosts {
        let Some(id) = h.host_id else { continue };
        check_one(inv, target, id, h.sql_port.unwrap_or(2883), &mut out);
    }
    Ok(out)
}

fn check_one(inv: &Inventory, target: &ProxyCluster, host_id: i64, port: i64, out: &mut Vec<Item>) {
    let mut ip = String::new();
    let mut push =
        |ip: &str, name: &'static str, result: &'static str, reason: String, fix: &str| {
            out.push(Item {
                host_id,
                ip: ip.to_string(),
                name,
                result,
                reason,
                fix: fix.to_string(),
            })
        };
    let Some(host) = inv.host(host_id) else {
        push(
            &ip,
            HOST_ADDED,
            "FAIL",
            format!("host {host_id} is not in OCP"),
            "Add the OBProxy's host to OCP (Hosts), then recheck.",
        );
        return;
    };
    ip.clone_from(&host.ip);
    push(
        &ip,
        HOST_ADDED,
        "PASS",
        format!("{} ({}) is in OCP", host.ip, host.name),
        "",
    );
    let managed = inv.proxies.iter().find(|c| {
        c.proxies
            .iter()
            .any(|p| p.host_id == host_id && p.sql_port == port)
    });
    if let Some(c) = managed {
        push(
            &ip,
            NOT_MANAGED,
            "FAIL",
            format!(
                "{}:{port} is already an OBProxy of cluster {}",
                host.ip, c.name
            ),
            "Remove it from the list: it is taken over already.",
        );
        return;
    }
    if host.status != "ONLINE" {
        push(
            &ip,
            REACHABLE,
            "FAIL",
            format!(
                "host {} is {}: OCP's agent cannot reach it",
                host.ip, host.status
            ),
            "Bring the host and its OCP agent back online, then recheck.",
        );
        return;
    }
    let Some(p) = inv
        .unmanaged_proxies
        .iter()
        .find(|p| p.host_id == Some(host_id) || p.ip == host.ip)
    else {
        push(
            &ip,
            PROCESS,
            "FAIL",
            format!("no obproxy process runs on {}", host.ip),
            "Start the OBProxy on this host, or remove the host from the list.",
        );
        return;
    };
    if p.sql_port != port {
        push(
            &ip,
            REACHABLE,
            "FAIL",
            format!(
                "connection refused on {}:{port}; the obproxy there listens on {}",
                host.ip, p.sql_port
            ),
            "Use the OBProxy's SQL port.",
        );
        return;
    }
    push(
        &ip,
        REACHABLE,
        "PASS",
        format!("connected to {}:{port}", host.ip),
        "",
    );
    if version_cmp(&p.version, MIN_PROXY_TAKEOVER_VERSION) == std::cmp::Ordering::Less {
        push(
            &ip,
            VERSION,
            "FAIL",
            format!(
                "OBProxy {} is older than {MIN_PROXY_TAKEOVER_VERSION}",
                p.version
            ),
            "Upgrade the OBProxy to 1.8.0 or later before taking it over.",
        );
    } else {
        push(&ip, VERSION, "PASS", format!("OBProxy {}", p.version), "");
    }
    if p.install_path == p.standard_path() {
        push(
            &ip,
            RPM_PATH,
            "PASS",
            format!("installed in {}", p.install_path),
            "",
        );
    } else {
        push(
            &ip,
            RPM_PATH,
            "FAIL",
            format!(
                "installed in {}, not in {} (the standard RPM's path)",
                p.install_path,
                p.standard_path()
            ),
            "Reinstall the OBProxy from the standard RPM package.",
        );
    }
    let owners: Vec<&str> = p.processes.iter().map(String::as_str).collect();
    match owners.as_slice() {
        ["admin"] => push(
            &ip,
            PROCESS,
            "PASS",
            "one obproxy process, owned by admin".into(),
            "",
        ),
        [] => push(
            &ip,
            PROCESS,
            "FAIL",
            format!("no obproxy process runs on {}", host.ip),
            "Start the OBProxy as admin, then recheck.",
        ),
        [one] => push(
            &ip,
            PROCESS,
            "FAIL",
            format!("the obproxy process is owned by {one}, not admin"),
            "Restart the OBProxy as the admin user.",
        ),
        many => push(
            &ip,
            PROCESS,
            "FAIL",
            format!(
                "{} obproxy processes (owners: {})",
                many.len(),
                many.join(", ")
            ),
            "Stop the extra obproxy processes so that exactly one, owned by admin, is left.",
        ),
    }
    if p.work_mode == target.work_mode {
        push(
            &ip,
            START_MODE,
            "PASS",
            format!("both start in {} mode", p.work_mode),
            "",
        );
    } else {
        push(
            &ip,
            START_MODE,
            "FAIL",
            format!(
                "the OBProxy starts in {} mode, {} in {} mode",
                p.work_mode, target.name, target.work_mode
            ),
            "Take it over into an OBProxy cluster of the same start mode, or restart it in that mode.",
        );
    }
    let theirs: BTreeSet<&str> = p.clusters.iter().map(String::as_str).collect();
    let ours: BTreeSet<&str> = target
        .links
        .iter()
        .filter_map(|id| inv.cluster(*id))
        .map(|c| c.name.as_str())
        .collect();
    let list = |s: &BTreeSet<&str>| {
        if s.is_empty() {
            "none".to_string()
        } else {
            s.iter().copied().collect::<Vec<_>>().join(", ")
        }
    };
    if target.work_mode == "RS_LIST" {
        if theirs == ours {
            push(
                &ip,
                CLUSTERS,
                "PASS",
                format!("the same clusters: {}", list(&ours)),
                "",
            );
        } else {
            push(
                &ip,
                CLUSTERS,
                "FAIL",
                format!(
                    "RsList mode needs the same clusters: the OBProxy connects to {}, {} to {}",
                    list(&theirs),
                    target.name,
                    list(&ours)
                ),
                "Make both connect to exactly the same OceanBase clusters.",
            );
        }
    } else {
        let extra: BTreeSet<&str> = theirs.difference(&ours).copied().collect();
        if extra.is_empty() {
            push(
                &ip,
                CLUSTERS,
                "PASS",
                format!("{} are among {}'s clusters", list(&theirs), target.name),
                "",
            );
        } else {
            push(
                &ip,
                CLUSTERS,
                "FAIL",
                format!(
                    "it connects to {}, which {} does not",
                    list(&extra),
                    target.name
                ),
                "Link those clusters to the target OBProxy cluster, or choose another target.",
            );
        }
    }
}

/// Why the take-over of the OBProxy at `host_id:port` must be refused (empty: it may go on).
/// Only a host where an unmanaged OBProxy runs is checked; `password` is the host's
/// `proxysysPasswd`.
pub fn take_over_problems(
    inv: &Inventory,
    target: &ProxyCluster,
    host_id: i64,
    port: i64,
    password: Option<&str>,
) -> Vec<String> {
    let Some(host) = inv.host(host_id) else {
        return Vec::new();
    };
    let Some(p) = inv
        .unmanaged_proxies
        .iter()
        .find(|p| p.host_id == Some(host_id) || p.ip == host.ip)
    else {
        return Vec::new();
    };
    let mut items = Vec::new();
    check_one(inv, target, host_id, port, &mut items);
    let mut out: Vec<String> = items
        .iter()
        .filter(|i| i.result == "FAIL")
        .map(|i| format!("OBProxy {}:{port}: {} ({})", host.ip, i.reason, i.name))
        .collect();
    if !p.proxysys_password.is_empty() && password != Some(p.proxysys_password.as_str()) {
        let why = if password.is_none() {
            "no root@proxysys password was given for this host (hosts[].proxysysPasswd) and it is not the default"
        } else {
            "the root@proxysys password given for this host (hosts[].proxysysPasswd) is wrong"
        };
        out.push(format!(
            "OBProxy {}:{port}: access denied for root@proxysys: {why}",
            host.ip
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::PROXY_CANDIDATE_PREFIX;

    fn inv() -> Inventory {
        Inventory::generate(1, 1)
    }

    fn target<'a>(inv: &'a Inventory, name: &str) -> &'a ProxyCluster {
        inv.proxies
            .iter()
            .find(|p| p.name == name)
            .expect("proxy cluster")
    }

    fn host_of(inv: &Inventory, n: u8) -> Option<i64> {
        inv.host_by_ip(&format!("{PROXY_CANDIDATE_PREFIX}{n}"))
            .map(|h| h.id)
    }

    fn run(inv: &Inventory, t: &str, hosts: &[(i64, i64)]) -> Vec<Item> {
        let body = PrecheckBody {
            hosts: Some(
                hosts
                    .iter()
                    .map(|(h, p)| PrecheckHost {
                        host_id: Some(*h),
                        sql_port: Some(*p),
                    })
                    .collect(),
            ),
        };
        precheck(inv, target(inv, t), &body).expect("checks")
    }

    fn failed(items: &[Item], host: i64) -> Vec<&'static str> {
        items
            .iter()
            .filter(|i| i.host_id == host && i.result == "FAIL")
            .map(|i| i.name)
            .collect()
    }

    #[test]
    fn each_candidate_passes_or_fails_its_condition() {
        let inv = inv();
        let h: Vec<i64> = (10..=15)
            .map(|n| host_of(&inv, n).expect("host in OCP"))
            .collect();
        assert!(
            host_of(&inv, 16).is_none(),
            "the last one's host is not in OCP"
        );
        let all: Vec<(i64, i64)> = h.iter().map(|id| (*id, 2883)).collect();
        let items = run(&inv, "proxy_main", &all);
        assert!(failed(&items, h[0]).is_empty(), "{items:?}");
        assert!(failed(&items, h[1]).is_empty(), "{items:?}");
        assert_eq!(failed(&items, h[2]), vec![VERSION]);
        assert_eq!(failed(&items, h[3]), vec![START_MODE]);
        assert_eq!(failed(&items, h[4]), vec![RPM_PATH, PROCESS, CLUSTERS]);
        assert_eq!(failed(&items, h[5]), vec![REACHABLE]);
        // Every item names its proxy and says why; a FAIL says what to do.
        assert!(items
            .iter()
            .all(|i| !i.ip.is_empty() && !i.reason.is_empty()));
        assert!(items
            .iter()
            .filter(|i| i.result == "FAIL")
            .all(|i| !i.fix.is_empty()));
        // The RsList one against the RsList cluster: same mode, the same clusters.
        let items = run(&inv, "proxy_rs", &[(h[3], 2883)]);
        assert!(failed(&items, h[3]).is_empty(), "{items:?}");
        // ...but a ConfigUrl proxy linked to fewer clusters is not "the same" in RsList mode.
        let items = run(&inv, "proxy_rs", &[(h[0], 2883)]);
        assert_eq!(failed(&items, h[0]), vec![START_MODE, CLUSTERS]);
    }

    #[test]
    fn unknown_hosts_wrong_ports_managed_and_idle_hosts_fail() {
        let inv = inv();
        let items = run(&inv, "proxy_main", &[(987_654, 2883)]);
        assert_eq!(failed(&items, 987_654), vec![HOST_ADDED]);
        let good = host_of(&inv, 10).expect("host");
        assert_eq!(
            failed(&run(&inv, "proxy_main", &[(good, 2999)]), good),
            vec![REACHABLE]
        );
        let managed = &target(&inv, "proxy_main").proxies[0];
        assert_eq!(
            failed(
                &run(&inv, "proxy_main", &[(managed.host_id, 2883)]),
                managed.host_id
            ),
            vec![NOT_MANAGED]
        );
        let idle = inv
            .hosts
            .iter()
            .find(|h| h.is_free())
            .expect("a free host")
            .id;
        assert_eq!(
            failed(&run(&inv, "proxy_main", &[(idle, 2883)]), idle),
            vec![PROCESS]
        );
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let inv = inv();
        let t = target(&inv, "proxy_main");
        assert!(precheck(&inv, t, &PrecheckBody::default()).is_err());
        let twice = PrecheckBody {
            hosts: Some(vec![
                PrecheckHost {
                    host_id: Some(1),
                    sql_port: None,
                },
                PrecheckHost {
                    host_id: Some(1),
                    sql_port: Some(70_000),
                },
                PrecheckHost {
                    host_id: None,
                    sql_port: None,
                },
            ]),
        };
        let Err(e) = precheck(&inv, t, &twice) else {
            panic!("accepted")
        };
        let text = format!("{e:?}");
        assert!(
            text.contains("twice") && text.contains("70000") && text.contains("hostId"),
            "{text}"
        );
    }
}
