//! Create cluster: `POST /api/v2/ob/clusters`.
//!
//! OCP has no precheck for creating a cluster; the checks here are computed from the host,
//! cluster and package lists.

use super::data::{DataRequest, Inventory};
use super::request::{OcpWrite, SubmitRequest, TaskLookup};
use super::{loaded, Choice, Field, FieldPath, Rule, Step, StepKind, Value, Wizard, WizardContext};
use crate::model::wizard::precheck::PrecheckItem;
use crate::model::wizard::WizardKind;
use obtui_api::ocp::{ClusterType, CreateClusterRequest, CreateClusterZone};
use std::collections::BTreeMap;

/// Create a cluster (OCP).
#[derive(Debug)]
pub struct CreateSpec;

impl super::WizardSpec for CreateSpec {
    fn form(&self, ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
        form(ctx)
    }
    fn target_name(&self, w: &Wizard) -> Option<String> {
        Some(w.text(Id::Name).trim().to_string())
    }
    fn needs(&self, _w: &Wizard) -> Vec<DataRequest> {
        needs()
    }
    fn options(
        &self,
        w: &Wizard,
        id: &str,
        item: Option<(usize, usize)>,
    ) -> Option<Option<Vec<Choice>>> {
        options(w, id, item)
    }
    fn derived_options(&self) -> &'static [&'static str] {
        // The primary zone is chosen among the zones typed above.
        const DERIVED: &[&str] = &[Id::PrimaryZone.key()];
        DERIVED
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
}
pub const PACKAGE_TYPE: &str = "OB_SERVER_INSTALL_PACKAGE";

/// The form's values, without the password.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateForm {
    pub name: String,
    pub cluster_type: String,
    pub rpm_name: String,
    pub zones: Vec<ZoneForm>,
    pub primary_zone: Option<String>,
}

field_ids! {
    /// The create form's fields (zone_name, idc, hosts: a zone's).
    pub enum Id {
        Name = "name",
        Type = "type",
        Package = "package",
        Password = "password",
        Password2 = "password2",
        Zones = "zones",
        PrimaryZone = "primary_zone",
        ZoneName = "zone_name",
        Idc = "idc",
        Hosts = "hosts",
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZoneForm {
    pub name: String,
    pub idc: String,
    pub hosts: Vec<i64>,
}

fn needs() -> Vec<DataRequest> {
    vec![
        DataRequest::Packages,
        DataRequest::Idcs,
        DataRequest::Hosts,
        DataRequest::Clusters,
    ]
}

fn form(_ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
    let types = vec![
        Choice::new("PRIMARY", "PRIMARY", "a new primary cluster"),
        Choice::new("STANDBY", "STANDBY", "a standby of an existing primary"),
    ];
    let zone = vec![
        Field::text(
            Id::ZoneName.key(),
            "Zone name",
            "1–32 characters: letters, digits and _; must start with a letter",
            Rule::ZoneName,
        ),
        Field::select(
            Id::Idc.key(),
            "IDC",
            "the data centre of this zone's hosts (from OCP's IDC list)",
            None,
        ),
        Field::multi(
            Id::Hosts.key(),
            "Hosts",
            "free hosts for this zone's OBServers (Space ticks, Enter done)",
        ),
    ];
    let fields = vec![
        Field::text(Id::Name.key(), "Cluster name", "1–48 characters: letters, digits and _; must start with a letter", Rule::ClusterName),
        Field::select(Id::Type.key(), "Type", "PRIMARY, or STANDBY of an existing primary", Some(types))
            .with_value(Value::One(Some("PRIMARY".into()))),
        Field::select(Id::Package.key(), "OceanBase package", "the server RPM to install (OCP software packages)", None),
        Field::password(
            Id::Password.key(),
            "root@sys password",
            "8–32 characters; at least 2 each of upper-case, lower-case, digits and ~!@#%^&*_-+=|(){}[]:;,.?/",
            Rule::NewPassword,
        ),
        Field::password(Id::Password2.key(), "Repeat password", "type the same password again", Rule::ExistingPassword),
        Field::group(Id::Zones.key(), "Zones", "one zone per IDC; an odd number of zones keeps a majority", zone, 1, 9, "zone"),
        Field::select(Id::PrimaryZone.key(), "Primary zone", "optional: the zone that leads (empty lets OCP decide)", Some(Vec::new()))
            .optional(),
    ];
    let steps = vec![
        Step {
            title: "Cluster",
            kind: StepKind::Form(vec![
                Id::Name.key(),
                Id::Type.key(),
                Id::Package.key(),
                Id::Password.key(),
                Id::Password2.key(),
            ]),
        },
        Step {
            title: "Zones",
            kind: StepKind::Form(vec![Id::Zones.key(), Id::PrimaryZone.key()]),
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

fn options(w: &Wizard, id: &str, _item: Option<(usize, usize)>) -> Option<Option<Vec<Choice>>> {
    let inv = &w.inventory;
    match Id::from_key(id)? {
        Id::Package => loaded(&inv.packages, |p| {
            (p.package_type == PACKAGE_TYPE).then(|| {
                Choice::new(
                    &p.file_name,
                    &p.file_name,
                    format!(
                        "{} · {} · {}",
                        p.full_version(),
                        p.operating_system,
                        p.architecture
                    ),
                )
            })
        }),
        Id::Idc => loaded(&inv.idcs, |i| {
            Some(Choice::new(
                &i.name,
                &i.name,
                i.region_name
                    .clone()
                    .map(|r| format!("region {r}"))
                    .unwrap_or_default(),
            ))
        }),
        // Each host says its state and what already runs on it; a host that is not ONLINE
        // is refused by the form (cross_check), one an OBProxy uses is warned about.
        Id::Hosts => loaded(&inv.hosts, |h| {
            h.is_free().then(|| {
                let uses = h.uses();
                let used = if uses.is_empty() {
                    "free".to_string()
                } else {
                    format!("in use: {}", uses.join(", "))
                };
                let state = if h.status == "ONLINE" {
                    h.status.clone()
                } else {
                    format!("{} (not usable)", h.status)
                };
                let detail = format!(
                    "{state} · {used} · {} · {}",
                    h.idc_name.as_deref().unwrap_or("no IDC"),
                    h.architecture.as_deref().unwrap_or("?")
                );
                Choice::new(h.id.to_string(), &h.ip, detail)
            })
        }),
        Id::PrimaryZone => {
            let names = w
                .items(Id::Zones)
                .iter()
                .filter_map(|it| it.first().map(|f| f.text_value().trim().to_string()))
                .filter(|n| !n.is_empty())
                .map(|n| Choice::new(&n, &n, ""))
                .collect();
            Some(Some(names))
        }
        _ => None,
    }
}

fn cross_check(w: &Wizard) -> Vec<(FieldPath, String)> {
    let mut out = Vec::new();
    // Unique among the clusters OCP manages (the precheck checks again with fresh data).
    if let (Some(cs), Some(i)) = (&w.inventory.clusters, w.index(Id::Name)) {
        let name = w.text(Id::Name).trim();
        if let Some(c) = cs.iter().find(|c| c.name == name) {
            out.push((
                FieldPath { top: i, item: None },
                format!("OCP already has a cluster named {} (id {})", c.name, c.id),
            ));
        }
    }
    if let (Some(a), Some(b), Some(i)) = (
        w.secret(Id::Password),
        w.secret(Id::Password2),
        w.index(Id::Password2),
    ) {
        if !b.is_empty() && a.expose() != b.expose() {
            out.push((FieldPath { top: i, item: None }, "passwords differ".into()));
        }
    }
    let Some(top) = w.index(Id::Zones) else {
        return out;
    };
    let mut seen_names: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_hosts: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in w.items(Id::Zones).iter().enumerate() {
        let name = item
            .first()
            .map(|f| f.text_value().trim().to_string())
            .unwrap_or_default();
        if !name.is_empty() {
            if let Some(prev) = seen_names.insert(name.clone(), i) {
                out.push((
                    FieldPath {
                        top,
                        item: Some((i, 0)),
                    },
                    format!("zone {name} is already zone {}", prev + 1),
                ));
            }
        }
        if let Some(hosts) = item.get(2) {
            // A host that is not ONLINE cannot take an OBServer: refused here, with why.
            for h in hosts.choices() {
                let Some(host) = h.parse::<i64>().ok().and_then(|id| w.inventory.host(id)) else {
                    continue;
                };
                if host.status != "ONLINE" {
                    out.push((
                        FieldPath {
                            top,
                            item: Some((i, 2)),
                        },
                        format!("host {} is {}: choose an ONLINE host", host.ip, host.status),
                    ));
                }
            }
            for h in hosts.choices() {
                if let Some(prev) = seen_hosts.insert(h.clone(), i) {
                    let label = hosts.choice_label(h);
                    out.push((
                        FieldPath {
                            top,
                            item: Some((i, 2)),
                        },
                        format!("host {label} is also in zone {}", prev + 1),
                    ));
                }
            }
        }
    }
    if let (Some(pz), Some(i)) = (w.choice(Id::PrimaryZone), w.index(Id::PrimaryZone)) {
        if !seen_names.contains_key(pz) {
            out.push((
                FieldPath { top: i, item: None },
                format!("{pz} is not one of the zones above"),
            ));
        }
    }
    out
}

pub fn form_values(w: &Wizard) -> CreateForm {
    let zones = w
        .items(Id::Zones)
        .iter()
        .map(|it| ZoneForm {
            name: it
                .first()
                .map(|f| f.text_value().trim().to_string())
                .unwrap_or_default(),
            idc: it
                .get(1)
                .and_then(|f| f.choice())
                .unwrap_or_default()
                .to_string(),
            hosts: it
                .get(2)
                .map(|f| f.choices().iter().filter_map(|h| h.parse().ok()).collect())
                .unwrap_or_default(),
        })
        .collect();
    CreateForm {
        name: w.text(Id::Name).trim().to_string(),
        cluster_type: w.choice(Id::Type).unwrap_or("PRIMARY").to_string(),
        rpm_name: w.choice(Id::Package).unwrap_or_default().to_string(),
        zones,
        primary_zone: w.choice(Id::PrimaryZone).map(str::to_string),
    }
}

/// The checks OCP does not do for us, from the data we have.
pub fn precheck(f: &CreateForm, inv: &Inventory) -> Vec<PrecheckItem> {
    let mut out = Vec::new();
    // Name unused.
    match &inv.clusters {
        None => out.push(PrecheckItem::fail(
            "cluster name unused",
            "the cluster list is not loaded",
            "press r to load it again",
        )),
        Some(cs) => match cs.iter().find(|c| c.name.eq_ignore_ascii_case(&f.name)) {
            Some(c) if c.name == f.name => out.push(PrecheckItem::fail(
                "cluster name unused",
                format!(
                    "OCP already manages a cluster named {} (id {})",
                    c.name, c.id
                ),
                "choose another name",
            )),
            Some(c) => out.push(PrecheckItem::warn(
                "cluster name unused",
                format!(
                    "{} differs from existing cluster {} only by case",
                    f.name, c.name
                ),
                "choose a name that is clearly different",
            )),
            None => out.push(PrecheckItem::pass(
                "cluster name unused",
                format!("no cluster named {}", f.name),
            )),
        },
    }
    // Package present, and matching the hosts' architecture.
    let pkg = inv
        .packages
        .as_ref()
        .and_then(|ps| ps.iter().find(|p| p.file_name == f.rpm_name));
    match (&inv.packages, pkg) {
        (None, _) => out.push(PrecheckItem::fail(
            "package present",
            "the package list is not loaded",
            "press r to load it again",
        )),
        (Some(_), None) => out.push(PrecheckItem::fail(
            "package present",
            format!("{} is not among OCP's software packages", f.rpm_name),
            "upload the RPM to OCP (software packages) or choose another",
        )),
        (Some(_), Some(p)) => {
            out.push(PrecheckItem::pass(
                "package present",
                format!("{} ({})", p.file_name, p.architecture),
            ));
            let wrong: Vec<String> = f
                .zones
                .iter()
                .flat_map(|z| z.hosts.iter())
                .filter_map(|id| inv.host(*id))
                .filter(|h| {
                    h.architecture
                        .as_deref()
                        .is_some_and(|a| !a.is_empty() && a != p.architecture)
                })
                .map(|h| format!("{} ({})", h.ip, h.architecture.as_deref().unwrap_or("?")))
                .collect();
            if !wrong.is_empty() {
                out.push(PrecheckItem::fail(
                    "package architecture",
                    format!(
                        "package is {} but hosts are not: {}",
                        p.architecture,
                        wrong.join(", ")
                    ),
                    "choose the package built for the hosts' architecture",
                ));
            }
        }
    }
    // Hosts free and ONLINE.
    for z in &f.zones {
        for id in &z.hosts {
            let name = format!(
                "host {} free and ONLINE",
                inv.host(*id).map(|h| h.ip.as_str()).unwrap_or("?")
            );
            let item = match (&inv.hosts, inv.host(*id)) {
                (None, _) => PrecheckItem::fail(name, "the host list is not loaded", "press r to load it again"),
                (Some(_), None) => PrecheckItem::fail(
                    format!("host #{id} free and ONLINE"),
                    format!("host #{id} is not in OCP any more"),
                    "choose another host in the Zones step",
                ),
                (Some(_), Some(h)) if !h.is_free() => {
                    PrecheckItem::fail(name, "already runs an OceanBase server", "choose a free host")
                }
                (Some(_), Some(h)) if h.status != "ONLINE" => PrecheckItem::fail(
                    name,
                    format!("status is {}", h.status),
                    "wait until the OCP agent is installed and the host is ONLINE, or choose another",
                ),
                (Some(_), Some(h)) => {
                    let uses = h.uses();
                    match h.idc_name.as_deref() {
                        // OCP refuses a zone's server from another IDC (400 on submit).
                        Some(idc) if !idc.is_empty() && idc != z.idc => PrecheckItem::fail(
                            name,
                            format!("ONLINE, but in IDC {idc} while zone {} is in {}", z.name, z.idc),
                            "put the host in a zone of its own IDC",
                        ),
                        // Another service (an OBProxy) already runs there: it would share the
                        // host's CPU, memory and ports with the new OBServer.
                        _ if !uses.is_empty() => PrecheckItem::warn(
                            name,
                            format!("ONLINE, but in use: {} runs on it", uses.join(", ")),
                            "choose a free host, or keep it if the OBServer is to share the host",
                        ),
                        _ => PrecheckItem::pass(name, format!("ONLINE, free, zone {}", z.name)),
                    }
                }
            };
            out.push(item);
        }
    }
    // One zone per IDC.
    let mut per_idc: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for z in &f.zones {
        per_idc
            .entry(z.idc.as_str())
            .or_default()
            .push(z.name.as_str());
    }
    let shared: Vec<String> = per_idc
        .iter()
        .filter(|(_, zs)| zs.len() > 1)
        .map(|(idc, zs)| format!("{} in {idc}", zs.join(" and ")))
        .collect();
    if shared.is_empty() {
        out.push(PrecheckItem::pass(
            "one zone per IDC",
            format!("{} zone(s) in {} IDC(s)", f.zones.len(), per_idc.len()),
        ));
    } else {
        out.push(PrecheckItem::warn(
            "one zone per IDC",
            format!(
                "zones share an IDC: {}; losing that IDC loses all of them",
                shared.join("; ")
            ),
            "place each zone in its own IDC where you have them",
        ));
    }
    // Odd zone count.
    let n = f.zones.len();
    if n % 2 == 1 {
        let tol = (n - 1) / 2;
        out.push(PrecheckItem::pass(
            "odd zone count",
            format!("{n} zone(s): a majority survives losing {tol} zone(s)"),
        ));
    } else {
        out.push(PrecheckItem::warn(
            "odd zone count",
            format!(
                "{n} zones: losing {} zone(s) loses the majority, no better than {}",
                n / 2,
                match n - 1 {
                    1 => "1 zone".to_string(),
                    k => format!("{k} zones"),
                }
            ),
            "use an odd number of zones (1, 3 or 5)",
        ));
    }
    out
}

fn submit_request(w: &Wizard) -> Result<(SubmitRequest, String), String> {
    let f = form_values(w);
    let pw = w.secret(Id::Password).ok_or("no password field")?;
    let body = CreateClusterRequest {
        cluster_type: ClusterType::from_wire(&f.cluster_type),
        name: f.name.clone(),
        password: pw.clone(),
        // The documented sample sends "" for "let OCP decide".
        primary_zone: Some(f.primary_zone.clone().unwrap_or_default()),
        rpm_name: Some(f.rpm_name.clone()),
        zones: f
            .zones
            .iter()
            .map(|z| CreateClusterZone {
                name: z.name.clone(),
                idc_name: z.idc.clone(),
                servers: z.hosts.clone(),
                ..Default::default()
            })
            .collect(),
        full_version: None,
        ob_cluster_id: None,
        startup_parameters: Vec::new(),
    };
    let hosts: usize = f.zones.iter().map(|z| z.hosts.len()).sum();
    let effect = format!(
        "Creates {} cluster {} from {} on {hosts} host(s) in {} zone(s). OCP installs the package, bootstraps the cluster and sets the root@sys password.",
        f.cluster_type,
        f.name,
        f.rpm_name,
        f.zones.len()
    );
    let lookup = TaskLookup {
        host_ids: Vec::new(),
        cluster_id: None,
        cluster_name: Some(f.name),
        name_contains: "Create".into(),
        submitted_at_ms: 0,
    };
    let write = OcpWrite::CreateCluster(body);
    Ok((
        SubmitRequest {
            kind: WizardKind::CreateCluster,
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

    fn host(id: i64, status: &str, idc: &str, ob: bool) -> Host {
        Host {
            id,
            ip: format!("10.0.0.{id}"),
            status: status.into(),
            idc_name: Some(idc.into()),
            architecture: Some("x86_64".into()),
            services: if ob {
                vec![HostService {
                    service_type: "OB_CLUSTER".into(),
                    ..Default::default()
                }]
            } else {
                vec![]
            },
            ..Default::default()
        }
    }

    fn inv() -> Inventory {
        Inventory {
            clusters: Some(vec![ClusterBrief {
                id: 1,
                name: "terran".into(),
                ..Default::default()
            }]),
            packages: Some(vec![Package {
                file_name: "oceanbase-4.2.1.2.el7.x86_64.rpm".into(),
                architecture: "x86_64".into(),
                package_type: PACKAGE_TYPE.into(),
                ..Default::default()
            }]),
            hosts: Some(vec![
                host(1, "ONLINE", "hz1", false),
                host(2, "NEW", "hz2", false),
                host(3, "ONLINE", "hz3", true),
            ]),
            ..Default::default()
        }
    }

    fn result(items: &[PrecheckItem], name: &str) -> CheckResult {
        items
            .iter()
            .find(|i| i.name.starts_with(name))
            .map(|i| i.result)
            .unwrap_or_else(|| panic!("no item {name}: {items:?}"))
    }

    #[test]
    fn good_single_zone_passes() {
        let f = CreateForm {
            name: "zerg".into(),
            cluster_type: "PRIMARY".into(),
            rpm_name: "oceanbase-4.2.1.2.el7.x86_64.rpm".into(),
            zones: vec![ZoneForm {
                name: "z1".into(),
                idc: "hz1".into(),
                hosts: vec![1],
            }],
            primary_zone: None,
        };
        let items = precheck(&f, &inv());
        assert!(
            items.iter().all(|i| i.result == CheckResult::Pass),
            "{items:?}"
        );
    }

    #[test]
    fn bad_inputs_fail_and_warn() {
        let f = CreateForm {
            name: "terran".into(),
            cluster_type: "PRIMARY".into(),
            rpm_name: "missing.rpm".into(),
            zones: vec![
                ZoneForm {
                    name: "z1".into(),
                    idc: "hz1".into(),
                    hosts: vec![1, 2],
                },
                ZoneForm {
                    name: "z2".into(),
                    idc: "hz1".into(),
                    hosts: vec![3, 99],
                },
            ],
            primary_zone: None,
        };
        let items = precheck(&f, &inv());
        assert_eq!(result(&items, "cluster name unused"), CheckResult::Fail);
        assert_eq!(result(&items, "package present"), CheckResult::Fail);
        assert_eq!(result(&items, "host 10.0.0.1"), CheckResult::Pass);
        assert_eq!(result(&items, "host 10.0.0.2"), CheckResult::Fail); // NEW, not ONLINE
        assert_eq!(result(&items, "host 10.0.0.3"), CheckResult::Fail); // runs OceanBase
        assert_eq!(result(&items, "host #99"), CheckResult::Fail); // gone
        assert_eq!(result(&items, "one zone per IDC"), CheckResult::Warn);
        assert_eq!(result(&items, "odd zone count"), CheckResult::Warn);
        let odd = items.iter().find(|i| i.name == "odd zone count");
        let reason = odd.map(|i| i.reason.clone()).unwrap_or_default();
        assert!(reason.ends_with("no better than 1 zone"), "{reason}");
    }

    #[test]
    fn a_host_an_obproxy_uses_is_not_called_free() {
        let mut inv = inv();
        let mut h = host(4, "ONLINE", "hz1", false);
        h.services = vec![HostService {
            service_type: "OB_PROXY".into(),
            name: Some("proxy_main".into()),
            version: None,
        }];
        assert_eq!(h.uses(), vec!["OBProxy proxy_main".to_string()]);
        inv.hosts.as_mut().unwrap().push(h);
        let f = CreateForm {
            name: "zerg".into(),
            cluster_type: "PRIMARY".into(),
            rpm_name: "oceanbase-4.2.1.2.el7.x86_64.rpm".into(),
            zones: vec![ZoneForm {
                name: "z1".into(),
                idc: "hz1".into(),
                hosts: vec![4],
            }],
            primary_zone: None,
        };
        let items = precheck(&f, &inv);
        assert_eq!(result(&items, "host 10.0.0.4"), CheckResult::Warn);
        let it = items.iter().find(|i| i.name.starts_with("host 10.0.0.4"));
        assert!(
            it.is_some_and(|i| i.reason.contains("OBProxy proxy_main")),
            "{it:?}"
        );
    }

    #[test]
    fn nothing_loaded_fails_rather_than_passes() {
        let f = CreateForm {
            name: "a".into(),
            zones: vec![ZoneForm {
                hosts: vec![1],
                ..Default::default()
            }],
            ..Default::default()
        };
        let items = precheck(&f, &Inventory::default());
        assert_eq!(result(&items, "cluster name unused"), CheckResult::Fail);
        assert_eq!(result(&items, "package present"), CheckResult::Fail);
        assert_eq!(result(&items, "host"), CheckResult::Fail);
    }

    #[test]
    fn ids_match_the_form() {
        let (w, _) =
            super::super::Wizard::open(WizardKind::CreateCluster, WizardContext::default(), false)
                .expect("opens");
        super::super::assert_ids_match(&w, Id::ALL, Id::from_key, &[]);
    }
}
