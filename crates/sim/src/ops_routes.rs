//! Write endpoints of the OCP API: create cluster, takeover (precheck + takeover), upgrade,
//! OBProxy takeover, and task / subtask operations.
//!
//! Every async operation answers with a TaskInstance (shape B: `creator` a string, `context`
//! an object, `subtasks` with `className`) whose `id` is the new task; the change it makes is
//! visible at once (cluster CREATING / TAKINGOVER / OPERATING, OBProxy TAKINGOVER) and lands
//! when the task succeeds.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

use super::engine::{self, ClusterRef, NewTask, TaskKind};
use super::envelope::{self, code, Fail, Reply};
use super::inventory::{version_cmp, Cluster, Server, Tenant, Zone};
use super::ocp_routes::{parse_id, path1, path2, task_missing};
use super::params::json_body;
use super::takeover::{self, TakeoverReq};
use super::{templates, SimState};

pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/api/v2/ob/clusters", post(create_cluster))
        .route(
            "/api/v2/ob/clusters/takeOverPreCheck",
            post(takeover_precheck),
        )
        .route("/api/v2/ob/clusters/takeOver", post(take_over))
        .route("/api/v2/ob/clusters/{id}/upgrade", post(upgrade))
        .route(
            "/api/v2/obproxy/clusters/{id}/takeOver",
            post(obproxy_take_over),
        )
        .route("/api/v2/tasks/instances/{id}/retry", post(task_retry))
        .route("/api/v2/tasks/instances/{id}/rollback", post(task_rollback))
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/retry",
            post(subtask_retry),
        )
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/skip",
            post(subtask_skip),
        )
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/cancel",
            post(subtask_cancel),
        )
}

/// Cluster names: a letter first, then letters, digits or `_`, at most 48 characters
/// (OCP's rule for cluster names; the sim enforces exactly this).
pub fn valid_cluster_name(name: &str) -> bool {
    let mut cs = name.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 48
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Zone names: same alphabet as cluster names, at most 128 characters.
fn valid_zone_name(name: &str) -> bool {
    let mut cs = name.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 128
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn bad_all(problems: Vec<String>) -> Result<(), Fail> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Fail::bad(problems.join("; ")))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    name: Option<String>,
    rpm_name: Option<String>,
    full_version: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    password: Option<String>,
    primary_zone: Option<String>,
    ob_cluster_id: Option<i64>,
    zones: Option<Vec<ZoneBody>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ZoneBody {
    name: Option<String>,
    idc_name: Option<String>,
    servers: Option<Vec<i64>>,
}

fn cluster_ref(c: &Cluster) -> ClusterRef {
    ClusterRef {
        id: c.id,
        name: c.name.clone(),
        ob_cluster_id: c.ob_cluster_id,
        kind: c.kind.clone(),
    }
}

fn instance_reply(st: &SimState, task_id: i64) -> Reply {
    let db = st.db();
    let t = db.tasks.get(task_id).ok_or_else(|| task_missing(task_id))?;
    Ok(envelope::ok(engine::instance_json(t)))
}

/// `POST /api/v2/ob/clusters` (seed 001 / `ob-cluster-create.request.json`).
async fn create_cluster(State(st): State<SimState>, body: Result<Bytes, BytesRejection>) -> Reply {
    let b: CreateBody = json_body(body)?;
    let now = st.now_ms();
    let task_id = {
        let mut guard = st.db();
        let db = &mut *guard;
        let mut problems = Vec::new();
        let name = b.name.clone().unwrap_or_default();
        if name.is_empty() {
            problems.push("name is required".to_string());
        } else if !valid_cluster_name(&name) {
            problems.push(format!(
                "name {name:?} is invalid: start with a letter, then letters, digits or '_', at most 48 characters"
            ));
        } else if db.inv.clusters.iter().any(|c| c.name == name) {
            problems.push(format!("a cluster named {name} already exists"));
        }
        let kind = b.kind.clone().unwrap_or_default();
        if kind != "PRIMARY" && kind != "STANDBY" {
            problems.push(format!("type must be PRIMARY or STANDBY, got {kind:?}"));
        }
        if b.password.as_deref().is_none_or(str::is_empty) {
            problems.push("password (root@sys) is required".into());
        }
        let pkg = match (&b.rpm_name, &b.full_version) {
            (Some(rpm), _) => db
                .inv
                .packages
                .iter()
                .find(|p| p.kind == "OB_SERVER_INSTALL_PACKAGE" && &p.file_name == rpm),
            (None, Some(fv)) => db.inv.packages.iter().find(|p| {
                p.kind == "OB_SERVER_INSTALL_PACKAGE" && format!("{}-{}", p.version, p.build) == *fv
            }),
            (None, None) => None,
        };
        match (&pkg, &b.rpm_name, &b.full_version) {
            (Some(_), _, _) => {}
            (None, None, None) => problems.push("rpmName is required".into()),
            (None, Some(r), _) => problems.push(format!(
                "rpmName {r:?} is not a known OceanBase server package (see GET /api/v2/software-packages?type=OB_SERVER_INSTALL_PACKAGE)"
            )),
            (None, None, Some(fv)) => problems.push(format!("no OceanBase package for fullVersion {fv:?}")),
        }
        let zones = b.zones.as_deref().unwrap_or_default();
        if zones.is_empty() {
            problems.push("zones must list at least one zone".into());
        }
        let mut seen_zone = BTreeSet::new();
        let mut seen_host = BTreeSet::new();
        for (i, z) in zones.iter().enumerate() {
            let zname = z.name.clone().unwrap_or_default();
            if !valid_zone_name(&zname) {
                problems.push(format!("zones[{i}].name {zname:?} is invalid"));
            } else if !seen_zone.insert(zname.clone()) {
                problems.push(format!("zone {zname} is listed twice"));
            }
            let idc = z.idc_name.clone().unwrap_or_default();
            let idc_id = db.inv.idcs.iter().find(|x| x.name == idc).map(|x| x.id);
            if idc_id.is_none() {
                problems.push(format!("zone {zname}: IDC {idc:?} does not exist"));
            }
            let servers = z.servers.as_deref().unwrap_or_default();
            if servers.is_empty() {
                problems.push(format!(
                    "zone {zname}: servers must list at least one host id"
                ));
            }
            for hid in servers {
                if !seen_host.insert(*hid) {
                    problems.push(format!("host {hid} is used twice"));
                    continue;
                }
                match db.inv.host(*hid) {
                    None => problems.push(format!("host {hid} does not exist")),
                    // An OBProxy may share its host with an OBServer (OCP deploys them
                    // side by side); another OceanBase server may not.
                    Some(h)
                        if h.status != "ONLINE"
                            || h.services.iter().any(|s| s.kind == "OB_CLUSTER") =>
                    {
                        problems.push(format!(
                            "host {hid} ({}) is not free: {}",
                            h.ip,
                            if h.services.is_empty() {
                                format!("status {}", h.status)
                            } else {
                                h.services
                                    .iter()
                                    .map(|s| s.name.clone())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        ))
                    }
                    Some(h) if Some(h.idc_id) != idc_id && idc_id.is_some() => {
                        problems.push(format!(
                            "host {hid} ({}) is in IDC {}, not in {idc}",
                            h.ip,
                            db.inv.idc_name(h.idc_id)
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        bad_all(problems)?;
        let Some(pkg) = pkg.cloned() else {
            return Err(Fail::bad("rpmName is required"));
        };

        // Build the cluster in CREATING state; it turns RUNNING when the task succeeds.
        let id = db.inv.alloc_id();
        let ob_cluster_id = b.ob_cluster_id.unwrap_or(id % 100_000);
        let mut zone_list = Vec::new();
        let mut servers_for_plan = Vec::new();
        for z in zones {
            let zname = z.name.clone().unwrap_or_default();
            let idc_id = db
                .inv
                .idcs
                .iter()
                .find(|x| Some(&x.name) == z.idc_name.as_ref())
                .map(|x| x.id)
                .unwrap_or(1);
            let mut servers = Vec::new();
            for (k, hid) in z.servers.iter().flatten().enumerate() {
                let ip = db.inv.host(*hid).map(|h| h.ip.clone()).unwrap_or_default();
                let sid = db.inv.alloc_id();
                servers.push(Server {
                    id: sid,
                    host_id: *hid,
                    ip: ip.clone(),
                    port: 2882,
                    sql_port: 2881,
                    status: "CREATING".into(),
                    with_rootserver: k == 0,
                    start_ms: now,
                    update_ms: now,
                });
                servers_for_plan.push((zname.clone(), ip));
                if let Some(h) = db.inv.host_mut(*hid) {
                    h.services
                        .push(engine::ob_service(&name, ob_cluster_id, &pkg.version));
                    h.update_ms = now;
                }
            }
            zone_list.push(Zone {
                name: zname,
                idc_id,
                status: "CREATING".into(),
                servers,
                create_ms: now,
            });
        }
        let tenant_id = db.inv.alloc_id();
        let cluster = Cluster {
            id,
            name: name.clone(),
            ob_cluster_id,
            version: pkg.version.clone(),
            build: pkg.build.clone(),
            status: "CREATING".into(),
            kind: kind.clone(),
            primary_id: None,
            tenants: vec![Tenant {
                id: tenant_id,
                ob_tenant_id: 1,
                name: "sys".into(),
                mode: "MYSQL".into(),
                status: "NORMAL".into(),
                locked: false,
                readonly: false,
                primary_zone: b.primary_zone.clone().unwrap_or_default(),
                description: Some("system tenant".into()),
                create_ms: now,
            }],
            zones: zone_list,
            creator: "admin".into(),
            create_ms: now,
            update_ms: now,
        };
        let plan = templates::create_cluster(&servers_for_plan);
        let mut sm = BTreeMap::new();
        sm.insert("cluster_name".into(), name.clone());
        sm.insert("cluster_id".into(), id.to_string());
        sm.insert("cluster_type".into(), kind.clone());
        sm.insert("ob_cluster_id".into(), ob_cluster_id.to_string());
        sm.insert("ob_version".into(), pkg.version.clone());
        sm.insert("rpm_name".into(), pkg.file_name.clone());
        sm.insert(
            "primary_zone".into(),
            b.primary_zone.clone().unwrap_or_default(),
        );
        sm.insert("target_cluster_status".into(), "RUNNING".into());
        let mut lm = BTreeMap::new();
        lm.insert(
            "zone_names".into(),
            cluster.zones.iter().map(|z| z.name.clone()).collect(),
        );
        lm.insert(
            "host_ids".into(),
            cluster
                .servers()
                .map(|(_, s)| s.host_id.to_string())
                .collect(),
        );
        let spec = NewTask {
            name: if kind == "STANDBY" {
                "Create standby OB cluster".into()
            } else {
                "Create primary OB cluster".into()
            },
            kind: TaskKind::CreateCluster { cluster_id: id },
            cluster: Some(cluster_ref(&cluster)),
            host_id: None,
            prohibit_rollback: false,
            string_map: sm,
            list_map: lm,
        };
        db.inv.clusters.push(cluster);
        let tid = db.tasks.create(spec, &plan, now);
        engine::advance(db, now);
        tid
    };
    instance_reply(&st, task_id)
}

/// `POST /api/v2/ob/clusters/takeOverPreCheck`.
async fn takeover_precheck(
    State(st): State<SimState>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    let req: TakeoverReq = json_body(body)?;
    let db = st.db();
    let p = takeover::precheck(&db.inv, &req)?;
    Ok(envelope::ok(p.json(&db.inv, &req)))
}

/// `POST /api/v2/ob/clusters/takeOver`: precheck again, then add the cluster (TAKINGOVER)
/// and its hosts, and start "Take over primary/standby OB cluster".
async fn take_over(State(st): State<SimState>, body: Result<Bytes, BytesRejection>) -> Reply {
    let req: TakeoverReq = json_body(body)?;
    let now = st.now_ms();
    let task_id = {
        let mut guard = st.db();
        let db = &mut *guard;
        let p = takeover::precheck(&db.inv, &req)?;
        if !p.valid() {
            return Err(Fail::new(
                StatusCode::BAD_REQUEST,
                code::TAKEOVER_PRECHECK_FAILED,
                format!(
                    "Precheck of the cluster to be taken over failed. Cause: {}",
                    p.messages().join("; ")
                ),
            ));
        }
        let u = p
            .found
            .and_then(|i| db.inv.unmanaged.get(i))
            .cloned()
            .ok_or_else(|| Fail::bad("no cluster found at that address"))?;
        let missing: Vec<String> = u
            .servers
            .iter()
            .filter(|(_, ip)| db.inv.host_by_ip(ip).is_none())
            .map(|(_, ip)| ip.clone())
            .collect();
        let mut type_id = 1;
        if !missing.is_empty() {
            let Some(hi) = &req.host_info else {
                return Err(Fail::bad(format!(
                    "hostInfo is required: hosts {} are not in OCP",
                    missing.join(", ")
                )));
            };
            let mut problems = Vec::new();
            match hi.host_type_id {
                Some(t) if db.inv.host_type(t).is_some() => type_id = t,
                Some(t) => problems.push(format!("hostInfo.hostTypeId {t} does not exist")),
                None => problems.push("hostInfo.hostTypeId is required".into()),
            }
            match hi.credential_id {
                Some(c) if db.inv.credentials.iter().any(|x| x.id == c) => {}
                Some(c) => problems.push(format!("hostInfo.credentialId {c} does not exist")),
                None => problems.push("hostInfo.credentialId is required".into()),
            }
            let kind = hi.kind.as_deref().unwrap_or("DEDICATED_PHYSICAL_MACHINE");
            if kind != "DEDICATED_PHYSICAL_MACHINE" && kind != "DEDICATED_CONTAINER" {
                problems.push(format!("hostInfo.kind {kind:?} is not DEDICATED_PHYSICAL_MACHINE or DEDICATED_CONTAINER"));
            }
            bad_all(problems)?;
        }
        let id = db.inv.alloc_id();
        let mut added = Vec::new();
        let mut zones: Vec<Zone> = Vec::new();
        for (k, (zname, ip)) in u.servers.iter().enumerate() {
            let zi = zones
                .iter()
                .position(|z| &z.name == zname)
                .unwrap_or_else(|| {
                    zones.push(Zone {
                        name: zname.clone(),
                        // zone3 (and later) in the second IDC, like the seeded clusters.
                        idc_id: if zones.len() >= 2 { 2 } else { 1 },
                        status: "TAKINGOVER".into(),
                        servers: Vec::new(),
                        create_ms: now,
                    });
                    zones.len() - 1
                });
            let idc_id = zones.get(zi).map(|z| z.idc_id).unwrap_or(1);
            let host_id = match db.inv.host_by_ip(ip) {
                Some(h) => h.id,
                None => {
                    let (hid, _) = db.inv.add_host_with_ip(idc_id, type_id, now, ip.clone());
                    if let Some(kind) = req.host_info.as_ref().and_then(|h| h.kind.clone()) {
                        if let Some(h) = db.inv.host_mut(hid) {
                            h.kind = kind;
                        }
                    }
                    added.push(hid);
                    hid
                }
            };
            if let Some(h) = db.inv.host_mut(host_id) {
                h.services
                    .push(engine::ob_service(&u.name, u.ob_cluster_id, &u.version));
            }
            let sid = db.inv.alloc_id();
            if let Some(z) = zones.get_mut(zi) {
                z.servers.push(Server {
                    id: sid,
                    host_id,
                    ip: ip.clone(),
                    port: 2882,
                    sql_port: 2881,
                    status: "RUNNING".into(),
                    with_rootserver: z.servers.is_empty() && k < 3,
                    start_ms: now - 86_400_000,
                    update_ms: now,
                });
            }
        }
        let mut tenants = vec![Tenant {
            id: db.inv.alloc_id(),
            ob_tenant_id: 1,
            name: "sys".into(),
            mode: "MYSQL".into(),
            status: "NORMAL".into(),
            locked: false,
            readonly: false,
            primary_zone: zones
                .iter()
                .map(|z| z.name.clone())
                .collect::<Vec<_>>()
                .join(";"),
            description: Some("system tenant".into()),
            create_ms: now,
        }];
        for (i, (tname, mode)) in u.tenants.iter().enumerate() {
            tenants.push(Tenant {
                id: db.inv.alloc_id(),
                ob_tenant_id: 1002 + 2 * i as i64,
                name: tname.clone(),
                mode: mode.clone(),
                status: "NORMAL".into(),
                locked: false,
                readonly: u.kind == "STANDBY",
                primary_zone: zones.first().map(|z| z.name.clone()).unwrap_or_default(),
                description: None,
                create_ms: now,
            });
        }
        let primary_id = u
            .primary_name
            .as_ref()
            .and_then(|pn| db.inv.clusters.iter().find(|c| &c.name == pn).map(|c| c.id));
        let cluster = Cluster {
            id,
            name: u.name.clone(),
            ob_cluster_id: u.ob_cluster_id,
            version: u.version.clone(),
            build: u.build.clone(),
            status: "TAKINGOVER".into(),
            kind: u.kind.clone(),
            primary_id,
            zones,
            tenants,
            creator: "admin".into(),
            create_ms: now,
            update_ms: now,
        };
        let plan = templates::take_over(&engine::server_list(&cluster));
        let mut sm = BTreeMap::new();
        sm.insert("cluster_name".into(), u.name.clone());
        sm.insert("cluster_id".into(), id.to_string());
        sm.insert("ob_cluster_id".into(), u.ob_cluster_id.to_string());
        sm.insert(
            "cluster_version".into(),
            format!("{}-{}", u.version, u.build),
        );
        sm.insert(
            "connection_mode".into(),
            req.connection_mode
                .clone()
                .unwrap_or_else(|| "direct".into()),
        );
        sm.insert(
            "switch_config_url".into(),
            req.switch_config_url.unwrap_or(true).to_string(),
        );
        let mut lm = BTreeMap::new();
        lm.insert(
            "server_ips".into(),
            u.servers.iter().map(|(_, ip)| ip.clone()).collect(),
        );
        let spec = NewTask {
            name: if u.kind == "STANDBY" {
                "Take over standby OB cluster".into()
            } else {
                "Take over primary OB cluster".into()
            },
            kind: TaskKind::TakeOver {
                cluster_id: id,
                added_hosts: added,
            },
            cluster: Some(cluster_ref(&cluster)),
            host_id: None,
            prohibit_rollback: false,
            string_map: sm,
            list_map: lm,
        };
        db.inv.clusters.push(cluster);
        let tid = db.tasks.create(spec, &plan, now);
        engine::advance(db, now);
        tid
    };
    instance_reply(&st, task_id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpgradeBody {
    rpm_file_name: Option<String>,
    upgrade_mode: Option<String>,
    dest_version: Option<String>,
    operating_system: Option<String>,
    freeze_server: Option<bool>,
    zone_order: Option<Vec<String>>,
}

/// `POST /api/v2/ob/clusters/{id}/upgrade`: `{rpmFileName}` (≤ 4.2) or
/// `{rpmFileName, upgradeMode, destVersion, operatingSystem, freezeServer?, zoneOrder?}` (4.3).
async fn upgrade(
    State(st): State<SimState>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let b: UpgradeBody = json_body(body)?;
    let now = st.now_ms();
    let task_id = {
        let mut guard = st.db();
        let db = &mut *guard;
        let c = db
            .inv
            .cluster(id)
            .cloned()
            .ok_or_else(|| Fail::not_found(format!("OB cluster not found: id={id}")))?;
        if c.status != "RUNNING" {
            return Err(Fail::bad(format!(
                "cluster {} is {}; it must be RUNNING to upgrade",
                c.name, c.status
            )));
        }
        if let Some(t) = db.tasks.running_for_cluster(id) {
            return Err(Fail::bad(format!(
                "cluster {} has a running task {} ({}); wait for it to finish",
                c.name, t.id, t.name
            )));
        }
        let servers = db
            .inv
            .packages
            .iter()
            .filter(|p| p.kind == "OB_SERVER_INSTALL_PACKAGE");
        // The 4.3 page marks `rpmFileName` deprecated but still required next to the new
        // fields; both must then name the same package.
        if b.dest_version.is_some() && b.rpm_file_name.is_none() {
            return Err(Fail::bad(
                "rpmFileName is required (deprecated since 4.3, still required with destVersion)",
            ));
        }
        let pkg = if let (Some(rpm), None) = (&b.rpm_file_name, &b.dest_version) {
            servers
                .clone()
                .find(|p| &p.file_name == rpm)
                .ok_or_else(|| {
                    Fail::bad(format!(
                        "rpmFileName {rpm:?} is not a known OceanBase server package"
                    ))
                })?
        } else if let Some(dest) = &b.dest_version {
            let mode = b.upgrade_mode.as_deref().unwrap_or_default();
            if mode.is_empty() {
                return Err(Fail::bad(
                    "upgradeMode is required with destVersion (e.g. ROLLING)",
                ));
            }
            if mode != "ROLLING" && mode != "STOP_SERVICE" {
                return Err(Fail::bad(format!(
                    "upgradeMode must be ROLLING or STOP_SERVICE, got {mode:?}"
                )));
            }
            let os = b.operating_system.clone();
            servers
                .clone()
                .find(|p| {
                    (p.version == *dest || format!("{}-{}", p.version, p.build) == *dest)
                        && os.as_deref().is_none_or(|o| o == p.os)
                })
                .ok_or_else(|| {
                    Fail::bad(format!(
                        "no OceanBase package for destVersion {dest:?}{}",
                        os.map(|o| format!(" on {o}")).unwrap_or_default()
                    ))
                })?
        } else {
            return Err(Fail::bad(
                "rpmFileName (or upgradeMode + destVersion) is required",
            ));
        }
        .clone();
        if let (Some(rpm), Some(dest)) = (&b.rpm_file_name, &b.dest_version) {
            if &pkg.file_name != rpm {
                return Err(Fail::bad(format!(
                    "rpmFileName {rpm:?} and destVersion {dest:?} name different packages"
                )));
            }
        }
        match version_cmp(&pkg.version, &c.version) {
            std::cmp::Ordering::Greater => {}
            std::cmp::Ordering::Equal => {
                return Err(Fail::bad(format!(
                    "cluster {} already runs {}",
                    c.name, c.version
                )))
            }
            std::cmp::Ordering::Less => {
                return Err(Fail::bad(format!(
                    "downgrade from {} to {} is not supported",
                    c.version, pkg.version
                )))
            }
        }
        let zones: Vec<String> = c.zones.iter().map(|z| z.name.clone()).collect();
        let order = match &b.zone_order {
            Some(o) if !o.is_empty() => {
                let mut a = o.clone();
                a.sort();
                let mut z = zones.clone();
                z.sort();
                if a != z {
                    return Err(Fail::bad(format!(
                        "zoneOrder must list each zone of the cluster once: {}",
                        zones.join(", ")
                    )));
                }
                o.clone()
            }
            _ => zones,
        };
        let _ = b.freeze_server;
        engine::upgrade_task_ordered(db, &c, &pkg.version, &pkg.build, &order, now)
            .ok_or_else(|| Fail::not_found(format!("OB cluster not found: id={id}")))?
    };
    {
        let mut db = st.db();
        engine::advance(&mut db, now);
    }
    instance_reply(&st, task_id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProxyTakeOverBody {
    /// OCP 4.3 reads the root@proxysys password per host; a top-level one is no field of the
    /// body, and is ignored like any unknown field.
    hosts: Option<Vec<ProxyHost>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProxyHost {
    host_id: Option<i64>,
    sql_port: Option<i64>,
    proxysys_passwd: Option<String>,
}

/// `POST /api/v2/obproxy/clusters/{id}/takeOver`: one task per host, in `data.contents`.
async fn obproxy_take_over(
    State(st): State<SimState>,
    p: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    let id = parse_id(&path1(p)?, "OBProxy cluster id")?;
    let b: ProxyTakeOverBody = json_body(body)?;
    let now = st.now_ms();
    let mut guard = st.db();
    let db = &mut *guard;
    let pc = db
        .inv
        .proxy(id)
        .cloned()
        .ok_or_else(|| Fail::not_found(format!("OBProxy cluster not found: id={id}")))?;
    let hosts = b.hosts.unwrap_or_default();
    let mut problems = Vec::new();
    if hosts.is_empty() {
        problems.push("hosts must list at least one {hostId, sqlPort}".to_string());
    }
    let mut seen = BTreeSet::new();
    for (i, h) in hosts.iter().enumerate() {
        let Some(hid) = h.host_id else {
            problems.push(format!("hosts[{i}].hostId is required"));
            continue;
        };
        let port = h.sql_port.unwrap_or(2883);
        if !(1..=65535).contains(&port) {
            problems.push(format!("hosts[{i}].sqlPort {port} is not a port"));
        }
        if !seen.insert(hid) {
            problems.push(format!("host {hid} is listed twice"));
        }
        match db.inv.host(hid) {
            None => problems.push(format!("host {hid} does not exist")),
            Some(x) if x.services.iter().any(|s| s.kind == "OB_PROXY") => problems.push(format!(
                "host {hid} ({}) already runs an OBProxy managed by OCP",
                x.ip
            )),
            Some(x) if x.status != "ONLINE" => {
                problems.push(format!("host {hid} ({}) is {}", x.ip, x.status))
            }
            Some(_) => {}
        }
        if h.proxysys_passwd.as_deref() == Some("") {
            problems.push(format!(
                "hosts[{i}].proxysysPasswd must not be empty when given"
            ));
        }
        problems.extend(super::proxy_takeover::take_over_problems(
            &db.inv,
            &pc,
            hid,
            port,
            h.proxysys_passwd.as_deref(),
        ));
    }
    bad_all(problems)?;
    let mut task_ids = Vec::new();
    for h in &hosts {
        let Some(hid) = h.host_id else { continue };
        let ip = db.inv.host(hid).map(|x| x.ip.clone()).unwrap_or_default();
        let oid = db.inv.alloc_id();
        let port = h.sql_port.unwrap_or(2883);
        // An OBProxy that ran unmanaged on this host is managed from now on, at its version.
        let version = match db
            .inv
            .unmanaged_proxies
            .iter()
            .position(|u| u.host_id == Some(hid) && u.sql_port == port)
        {
            Some(i) => db.inv.unmanaged_proxies.remove(i).version,
            None => "4.2.1.0-11".to_string(),
        };
        if let Some(p) = db.inv.proxy_mut(id) {
            let mut proxy = engine::new_obproxy(oid, hid, ip.clone(), port, now);
            proxy.version.clone_from(&version);
            p.proxies.push(proxy);
            p.update_ms = now;
        }
        if let Some(x) = db.inv.host_mut(hid) {
            x.services.push(super::inventory::HostService {
                name: pc.name.clone(),
                kind: "OB_PROXY".into(),
                version: version.clone(),
            });
        }
        let mut sm = BTreeMap::new();
        sm.insert("obproxy_cluster_id".into(), id.to_string());
        sm.insert("obproxy_cluster_name".into(), pc.name.clone());
        sm.insert("obproxy_server_id".into(), oid.to_string());
        sm.insert("host_id".into(), hid.to_string());
        sm.insert("package_name".into(), "obproxy-ce".into());
        sm.insert("package_version".into(), "4.2.1.0-11".into());
        let mut lm = BTreeMap::new();
        lm.insert(
            "process_keywords".into(),
            vec!["obproxy".to_string(), "obproxyd.sh".into()],
        );
        let mut plan = templates::obproxy_take_over();
        for n in plan.nodes.iter_mut() {
            n.executor = Some(ip.clone());
        }
        let tid = db.tasks.create(
            NewTask {
                name: "Take over obproxy".into(),
                kind: TaskKind::ProxyTakeOver {
                    proxy_cluster_id: id,
                    obproxy_id: oid,
                    host_id: hid,
                },
                cluster: None,
                host_id: Some(hid),
                prohibit_rollback: false,
                string_map: sm,
                list_map: lm,
            },
            &plan,
            now,
        );
        task_ids.push(tid);
    }
    engine::advance(db, now);
    let out = task_ids
        .iter()
        .filter_map(|t| db.tasks.get(*t))
        .map(engine::instance_json)
        .collect();
    Ok(envelope::contents(out))
}

fn ids(p: Result<Path<(String, String)>, PathRejection>) -> Result<(i64, i64), Fail> {
    let (a, b) = path2(p)?;
    Ok((parse_id(&a, "task id")?, parse_id(&b, "subtask id")?))
}

async fn task_retry(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let id = parse_id(&path1(p)?, "task id")?;
    let mut db = st.db();
    engine::retry_task(&mut db, id, st.now_ms())?;
    let t = db.tasks.get(id).ok_or_else(|| task_missing(id))?;
    Ok(envelope::ok(engine::wrapped_json(t)))
}

async fn task_rollback(
    State(st): State<SimState>,
    p: Result<Path<String>, PathRejection>,
) -> Reply {
    let id = parse_id(&path1(p)?, "task id")?;
    let mut db = st.db();
    engine::rollback_task(&mut db, id, st.now_ms())?;
    let t = db.tasks.get(id).ok_or_else(|| task_missing(id))?;
    Ok(envelope::ok(engine::wrapped_json(t)))
}

async fn subtask_retry(
    State(st): State<SimState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Reply {
    let (id, sid) = ids(p)?;
    let mut db = st.db();
    engine::retry_subtask(&mut db, id, sid, st.now_ms())?;
    let s = db
        .tasks
        .get(id)
        .and_then(|t| t.subtasks.iter().find(|s| s.id == sid))
        .ok_or_else(|| task_missing(id))?;
    Ok(envelope::ok(engine::subtask_json(s, false)))
}

async fn subtask_skip(
    State(st): State<SimState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Reply {
    let (id, sid) = ids(p)?;
    let mut db = st.db();
    engine::skip_subtask(&mut db, id, sid, st.now_ms())?;
    Ok(envelope::ok_empty())
}

async fn subtask_cancel(
    State(st): State<SimState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Reply {
    let (id, sid) = ids(p)?;
    let mut db = st.db();
    engine::cancel_subtask(&mut db, id, sid)?;
    Ok(envelope::ok_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_name_rules() {
        assert!(valid_cluster_name("terran"));
        assert!(valid_cluster_name("ob_01"));
        assert!(!valid_cluster_name("1ob"));
        assert!(!valid_cluster_name("_ob"));
        assert!(!valid_cluster_name("ob-01"));
        assert!(!valid_cluster_name(""));
        assert!(valid_cluster_name(&"a".repeat(48)));
        assert!(!valid_cluster_name(&"a".repeat(49)));
    }
}
