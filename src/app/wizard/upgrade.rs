//! Upgrade a cluster: `POST /api/v2/ob/clusters/{id}/upgrade`.
//!
//! The body follows OCP's version: up to 4.2 `{rpmFileName}`; from 4.3 `{upgradeMode,
//! destVersion, operatingSystem, freezeServer, zoneOrder}`. OCP has no upgrade precheck; the
//! checks here are computed from the cluster, its tasks, its hosts and the package list.

use super::create::PACKAGE_TYPE;
use super::data::{compare_versions, version_core, DataRequest, Inventory, Package};
use super::request::{OcpWrite, SubmitRequest, TaskLookup};
use super::{Choice, Field, FieldPath, Rule, Step, StepKind, Value, Wizard, WizardContext};
use crate::model::wizard::precheck::PrecheckItem;
use crate::model::wizard::WizardKind;
use obtui_api::ocp::{RpmUpgrade, UpgradeRequest, VersionedUpgrade};
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// Upgrade a cluster (OCP); the user types the cluster's name to confirm.
#[derive(Debug)]
pub struct UpgradeSpec;

impl super::WizardSpec for UpgradeSpec {
    fn form(&self, ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
        form(ctx)
    }
    fn check_open(&self, ctx: &WizardContext) -> Result<(), String> {
        match ctx.cluster {
            Some(_) => Ok(()),
            None => Err("select the cluster to upgrade first".into()),
        }
    }
    fn needs(&self, w: &Wizard) -> Vec<DataRequest> {
        needs(&w.ctx)
    }
    fn options(
        &self,
        w: &Wizard,
        id: &str,
        item: Option<(usize, usize)>,
    ) -> Option<Option<Vec<Choice>>> {
        options(w, id, item)
    }
    fn prefill(&self, w: &mut Wizard) {
        prefill(w)
    }
    fn cross_check(&self, w: &Wizard) -> Vec<(FieldPath, String)> {
        cross_check(w)
    }
    fn submit_request(&self, w: &Wizard) -> Result<(SubmitRequest, String), String> {
        submit_request(w)
    }
    fn computed_precheck(&self, w: &Wizard) -> Vec<PrecheckItem> {
        precheck(&form_values(w), &w.inventory)
    }
    fn target_name(&self, w: &Wizard) -> Option<String> {
        w.ctx.cluster.as_ref().map(|(_, n)| n.clone())
    }
    fn confirm_name(&self, w: &Wizard) -> Option<String> {
        w.ctx.cluster.as_ref().map(|(_, n)| n.clone())
    }
}
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpgradeForm {
    pub cluster_id: i64,
    pub cluster_name: String,
    /// The chosen package's file name.
    pub rpm_file_name: String,
    pub zone_order: Vec<String>,
}

field_ids! {
    /// The upgrade form's fields.
    pub enum Id {
        Package = "package",
        UpgradeMode = "upgrade_mode",
        FreezeServer = "freeze_server",
        ZoneOrder = "zone_order",
    }
}

fn needs(ctx: &WizardContext) -> Vec<DataRequest> {
    let mut v = vec![
        DataRequest::Packages,
        DataRequest::Hosts,
        DataRequest::Clusters,
    ];
    if let Some((id, _)) = ctx.cluster {
        v.insert(0, DataRequest::ClusterDetail { cluster_id: id });
    }
    v
}

fn form(ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
    let mut fields = vec![Field::select(
        Id::Package.key(),
        "Target version",
        "OceanBase packages newer than the cluster's version",
        None,
    )];
    let mut ids = vec![Id::Package.key()];
    if ctx.ocp_is_43() {
        fields.push(
            Field::select(
                Id::UpgradeMode.key(),
                "Upgrade mode",
                "ROLLING upgrades zone by zone, keeping the service up",
                Some(vec![Choice::new(
                    "ROLLING",
                    "ROLLING",
                    "zone by zone, service stays up",
                )]),
            )
            .with_value(Value::One(Some("ROLLING".into()))),
        );
        fields.push(Field::toggle(
            Id::FreezeServer.key(),
            "Freeze first",
            "run a minor compaction before stopping each OBServer",
            true,
        ));
        fields.push(Field::text(
            Id::ZoneOrder.key(),
            "Zone order",
            "the cluster's zones, comma-separated, in the order to upgrade",
            Rule::MaxLen(512),
        ));
        ids.extend([
            Id::UpgradeMode.key(),
            Id::FreezeServer.key(),
            Id::ZoneOrder.key(),
        ]);
    }
    let steps = vec![
        Step {
            title: "Target",
            kind: StepKind::Form(ids),
        },
        Step {
            title: "Precheck",
            kind: StepKind::Precheck,
        },
        Step {
            title: "Summary",
            kind: StepKind::Summary,
        },
    ];
    (steps, fields)
}

/// Packages a cluster of `version` may move to.
fn candidates<'a>(inv: &'a Inventory, version: &str) -> Vec<&'a Package> {
    let mut v: Vec<&Package> = inv
        .packages
        .iter()
        .flatten()
        .filter(|p| p.package_type == PACKAGE_TYPE && is_newer(&p.full_version(), version))
        .collect();
    v.sort_by(|a, b| compare_versions(&b.full_version(), &a.full_version()));
    v
}

/// Newer by core version, or by build when both carry one.
fn is_newer(target: &str, current: &str) -> bool {
    if target.contains('-') && current.contains('-') {
        compare_versions(target, current) == Ordering::Greater
    } else {
        compare_versions(version_core(target), version_core(current)) == Ordering::Greater
    }
}

fn options(w: &Wizard, id: &str, _item: Option<(usize, usize)>) -> Option<Option<Vec<Choice>>> {
    match Id::from_key(id)? {
        Id::Package => {
            let (Some(_), Some(c)) = (&w.inventory.packages, &w.inventory.cluster) else {
                return Some(None);
            };
            Some(Some(
                candidates(&w.inventory, &c.cluster.version)
                    .into_iter()
                    .map(|p| {
                        Choice::new(
                            &p.file_name,
                            p.full_version(),
                            format!(
                                "{} · {} · {}",
                                p.operating_system, p.architecture, p.file_name
                            ),
                        )
                    })
                    .collect(),
            ))
        }
        _ => None,
    }
}

/// Fill the zone order from the cluster once it is known.
fn prefill(w: &mut Wizard) {
    let Some(c) = &w.inventory.cluster else {
        return;
    };
    let order = c
        .zones
        .iter()
        .map(|z| z.name.clone())
        .collect::<Vec<_>>()
        .join(",");
    if let Some(f) = w.field_mut(Id::ZoneOrder) {
        if !f.touched && f.text_value().is_empty() {
            f.cursor = order.chars().count();
            f.value = Value::Text(order);
        }
    }
}

fn parse_order(s: &str) -> Vec<String> {
    s.split(',')
        .map(|z| z.trim().to_string())
        .filter(|z| !z.is_empty())
        .collect()
}

fn cross_check(w: &Wizard) -> Vec<(FieldPath, String)> {
    let (Some(i), Some(c)) = (w.index(Id::ZoneOrder), &w.inventory.cluster) else {
        return Vec::new();
    };
    let typed = parse_order(w.text(Id::ZoneOrder));
    let want: BTreeSet<&str> = c.zones.iter().map(|z| z.name.as_str()).collect();
    let got: BTreeSet<&str> = typed.iter().map(String::as_str).collect();
    if got.len() != typed.len() {
        return vec![(
            FieldPath { top: i, item: None },
            "a zone is listed twice".into(),
        )];
    }
    if got != want {
        let all = want.iter().copied().collect::<Vec<_>>().join(",");
        return vec![(
            FieldPath { top: i, item: None },
            format!("list each zone once: {all}"),
        )];
    }
    Vec::new()
}

pub fn form_values(w: &Wizard) -> UpgradeForm {
    let (id, name) = w.ctx.cluster.clone().unwrap_or_default();
    UpgradeForm {
        cluster_id: id,
        cluster_name: name,
        rpm_file_name: w.choice(Id::Package).unwrap_or_default().to_string(),
        zone_order: parse_order(w.text(Id::ZoneOrder)),
    }
}

pub fn precheck(f: &UpgradeForm, inv: &Inventory) -> Vec<PrecheckItem> {
    let mut out = Vec::new();
    let Some(c) = &inv.cluster else {
        out.push(PrecheckItem::fail(
            "cluster known",
            format!("details of cluster {} are not loaded", f.cluster_name),
            "press r to load them again",
        ));
        return out;
    };
    // Cluster RUNNING.
    if c.cluster.status == "RUNNING" {
        out.push(PrecheckItem::pass(
            "cluster RUNNING",
            format!("{} is RUNNING", c.cluster.name),
        ));
    } else {
        out.push(PrecheckItem::fail(
            "cluster RUNNING",
            format!("{} is {}", c.cluster.name, c.cluster.status),
            "wait for the cluster to return to RUNNING",
        ));
    }
    // No running task.
    if c.running_tasks.is_empty() {
        out.push(PrecheckItem::pass(
            "no running task",
            "no task is running on the cluster",
        ));
    } else {
        let list: Vec<String> = c
            .running_tasks
            .iter()
            .map(|t| format!("#{} {}", t.id, t.name))
            .collect();
        out.push(PrecheckItem::fail(
            "no running task",
            format!("running: {}", list.join(", ")),
            "wait for these tasks to finish (Tasks pane), or fix them",
        ));
    }
    // Target newer and present for every architecture of the cluster's hosts.
    let pkg = inv
        .packages
        .as_ref()
        .and_then(|ps| ps.iter().find(|p| p.file_name == f.rpm_file_name));
    match pkg {
        None => out.push(PrecheckItem::fail(
            "package present",
            format!("{} is not among OCP's software packages", f.rpm_file_name),
            "upload the package to OCP or choose another target",
        )),
        Some(p) => {
            let target = p.full_version();
            if is_newer(&target, &c.cluster.version) {
                out.push(PrecheckItem::pass(
                    "target newer",
                    format!("{} → {target}", c.cluster.version),
                ));
            } else {
                out.push(PrecheckItem::fail(
                    "target newer",
                    format!(
                        "{target} is not newer than the cluster's {}",
                        c.cluster.version
                    ),
                    "choose a newer version",
                ));
            }
            let archs: BTreeSet<String> = c
                .zones
                .iter()
                .flat_map(|z| z.servers.iter())
                .filter_map(|s| s.host_id.and_then(|h| inv.host(h)))
                .filter_map(|h| h.architecture.clone())
                .filter(|a| !a.is_empty())
                .collect();
            if archs.is_empty() {
                out.push(PrecheckItem::warn(
                    "package for the architecture",
                    "the hosts' architecture is unknown",
                    "check a package for the hosts' architecture is uploaded",
                ));
            }
            for a in &archs {
                let found = inv.packages.iter().flatten().any(|q| {
                    q.package_type == PACKAGE_TYPE
                        && q.full_version() == target
                        && &q.architecture == a
                });
                if found {
                    out.push(PrecheckItem::pass(
                        format!("package for {a}"),
                        format!("{target} for {a} is uploaded"),
                    ));
                } else {
                    out.push(PrecheckItem::fail(
                        format!("package for {a}"),
                        format!("no {target} package for {a}"),
                        format!("upload the {a} build of {target} to OCP"),
                    ));
                }
            }
        }
    }
    // All servers RUNNING.
    let not_running: Vec<String> = c
        .zones
        .iter()
        .flat_map(|z| z.servers.iter().map(move |s| (z, s)))
        .filter(|(_, s)| s.status != "RUNNING")
        .map(|(z, s)| format!("{} ({}, {})", s.ip, z.name, s.status))
        .collect();
    let total: usize = c.zones.iter().map(|z| z.servers.len()).sum();
    if not_running.is_empty() {
        out.push(PrecheckItem::pass(
            "all servers RUNNING",
            format!("{total} server(s) RUNNING"),
        ));
    } else {
        out.push(PrecheckItem::fail(
            "all servers RUNNING",
            format!("not running: {}", not_running.join(", ")),
            "start or repair these OBServers first",
        ));
    }
    // Standby before primary.
    if c.cluster.cluster_type == "STANDBY" {
        let primary = c
            .primary_cluster
            .clone()
            .unwrap_or_else(|| "its primary".into());
        out.push(PrecheckItem::pass(
            "standby / primary order",
            format!("standby first; upgrade {primary} after this"),
        ));
    } else if c.standby_clusters.is_empty() {
        out.push(PrecheckItem::pass(
            "standby / primary order",
            "no standby clusters",
        ));
    } else {
        let target = pkg.map(Package::full_version).unwrap_or_default();
        let behind: Vec<String> = c
            .standby_clusters
            .iter()
            .filter(|name| {
                let v = inv
                    .clusters
                    .iter()
                    .flatten()
                    .find(|x| &&x.name == name)
                    .map(|x| x.version.as_str());
                v.is_none_or(|v| is_newer(&target, v))
            })
            .cloned()
            .collect();
        if behind.is_empty() {
            out.push(PrecheckItem::pass(
                "standby / primary order",
                "the standby clusters are already upgraded",
            ));
        } else {
            out.push(PrecheckItem::warn(
                "standby / primary order",
                format!(
                    "standby cluster(s) not yet at the target: {}",
                    behind.join(", ")
                ),
                "upgrade the standby clusters first, then this primary",
            ));
        }
    }
    out
}

fn submit_request(w: &Wizard) -> Result<(SubmitRequest, String), String> {
    let f = form_values(w);
    let pkg = w
        .inventory
        .packages
        .iter()
        .flatten()
        .find(|p| p.file_name == f.rpm_file_name)
        .ok_or_else(|| format!("{} is not in the package list", f.rpm_file_name))?;
    let body = if w.ctx.ocp_is_43() {
        // 4.3 still requires the deprecated rpmFileName next to the new fields.
        UpgradeRequest::Versioned(VersionedUpgrade {
            rpm_file_name: Some(f.rpm_file_name.clone()),
            upgrade_mode: w.choice(Id::UpgradeMode).unwrap_or("ROLLING").to_string(),
            dest_version: pkg.full_version(),
            operating_system: pkg.operating_system.clone(),
            freeze_server: Some(w.flag(Id::FreezeServer)),
            zone_order: Some(f.zone_order.clone()),
        })
    } else {
        UpgradeRequest::Rpm(RpmUpgrade {
            rpm_file_name: f.rpm_file_name.clone(),
        })
    };
    let write = OcpWrite::UpgradeCluster {
        cluster_id: f.cluster_id,
        body,
    };
    let from = w
        .inventory
        .cluster
        .as_ref()
        .map(|c| c.cluster.version.clone())
        .unwrap_or_default();
    let effect = format!(
        "Upgrades cluster {} (id {}) from {from} to {}. OBServers restart zone by zone; this cannot be rolled back to the old version.",
        f.cluster_name,
        f.cluster_id,
        pkg.full_version()
    );
    let lookup = TaskLookup {
        host_ids: Vec::new(),
        cluster_id: Some(f.cluster_id),
        cluster_name: Some(f.cluster_name),
        name_contains: "upgrade".into(),
        submitted_at_ms: 0,
    };
    Ok((
        SubmitRequest {
            kind: WizardKind::UpgradeCluster,
            write,
            lookup,
        },
        effect,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::data::*;
    use super::*;
    use crate::model::wizard::precheck::CheckResult;

    fn pkg(v: &str, arch: &str) -> Package {
        Package {
            file_name: format!("oceanbase-{v}.el7.{arch}.rpm"),
            version: v.into(),
            architecture: arch.into(),
            operating_system: "el7".into(),
            package_type: PACKAGE_TYPE.into(),
            ..Default::default()
        }
    }

    fn inv(status: &str, server: &str, tasks: usize) -> Inventory {
        Inventory {
            packages: Some(vec![pkg("4.2.2.0", "x86_64"), pkg("4.2.1.0", "x86_64")]),
            hosts: Some(vec![
                Host {
                    id: 1,
                    architecture: Some("x86_64".into()),
                    ..Default::default()
                },
                Host {
                    id: 2,
                    architecture: Some("aarch64".into()),
                    ..Default::default()
                },
            ]),
            clusters: Some(vec![ClusterBrief {
                name: "s1".into(),
                version: "4.2.1.0".into(),
                ..Default::default()
            }]),
            cluster: Some(ClusterDetail {
                cluster: ClusterBrief {
                    id: 7,
                    name: "terran".into(),
                    version: "4.2.1.0".into(),
                    status: status.into(),
                    cluster_type: "PRIMARY".into(),
                    ..Default::default()
                },
                zones: vec![ZoneInfo {
                    name: "z1".into(),
                    servers: vec![
                        ServerInfo {
                            ip: "a".into(),
                            host_id: Some(1),
                            status: "RUNNING".into(),
                            ..Default::default()
                        },
                        ServerInfo {
                            ip: "b".into(),
                            host_id: Some(2),
                            status: server.into(),
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                }],
                standby_clusters: vec!["s1".into()],
                running_tasks: (0..tasks)
                    .map(|i| TaskBrief {
                        id: i as i64,
                        name: "t".into(),
                        status: "RUNNING".into(),
                    })
                    .collect(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn result(items: &[PrecheckItem], name: &str) -> CheckResult {
        items
            .iter()
            .find(|i| i.name.starts_with(name))
            .map(|i| i.result)
            .unwrap_or_else(|| panic!("no {name}: {items:?}"))
    }

    #[test]
    fn computed_checks() {
        let f = UpgradeForm {
            cluster_id: 7,
            cluster_name: "terran".into(),
            rpm_file_name: "oceanbase-4.2.2.0.el7.x86_64.rpm".into(),
            zone_order: vec![],
        };
        let items = precheck(&f, &inv("RUNNING", "RUNNING", 0));
        assert_eq!(result(&items, "cluster RUNNING"), CheckResult::Pass);
        assert_eq!(result(&items, "no running task"), CheckResult::Pass);
        assert_eq!(result(&items, "target newer"), CheckResult::Pass);
        assert_eq!(result(&items, "package for x86_64"), CheckResult::Pass);
        assert_eq!(result(&items, "package for aarch64"), CheckResult::Fail);
        assert_eq!(result(&items, "standby / primary order"), CheckResult::Warn);

        let items = precheck(&f, &inv("OPERATING", "STOPPED", 2));
        assert_eq!(result(&items, "cluster RUNNING"), CheckResult::Fail);
        assert_eq!(result(&items, "no running task"), CheckResult::Fail);
        assert_eq!(result(&items, "all servers RUNNING"), CheckResult::Fail);

        let old = UpgradeForm {
            rpm_file_name: "oceanbase-4.2.1.0.el7.x86_64.rpm".into(),
            ..f.clone()
        };
        assert_eq!(
            result(
                &precheck(&old, &inv("RUNNING", "RUNNING", 0)),
                "target newer"
            ),
            CheckResult::Fail
        );
        let gone = UpgradeForm {
            rpm_file_name: "nope.rpm".into(),
            ..f
        };
        assert_eq!(
            result(
                &precheck(&gone, &inv("RUNNING", "RUNNING", 0)),
                "package present"
            ),
            CheckResult::Fail
        );
        assert_eq!(
            result(&precheck(&old, &Inventory::default()), "cluster known"),
            CheckResult::Fail
        );
    }

    #[test]
    fn only_newer_packages_are_offered() {
        let i = inv("RUNNING", "RUNNING", 0);
        let c = candidates(&i, "4.2.1.0");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].version, "4.2.2.0");
        assert!(is_newer("2.2.75-20210108170301", "2.2.73-20201211175814"));
        assert!(!is_newer("2.2.73", "2.2.73-20201211175814"));
    }

    #[test]
    fn ids_match_the_form() {
        let ctx = WizardContext {
            ocp_version: Some("4.3.0".into()),
            cluster: Some((1, "terran".into())),
            proxy_cluster_id: None,
            ..Default::default()
        };
        let (w, _) = Wizard::open(WizardKind::UpgradeCluster, ctx, false).expect("opens");
        super::super::assert_ids_match(&w, Id::ALL, Id::from_key, &[]);
    }
}
