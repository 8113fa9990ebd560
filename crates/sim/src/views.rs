//! JSON for inventory items, field by field as the docs' samples (ocp-fixtures/) show them.

use serde_json::{json, Value};

use super::clock::{iso, iso_secs};
use super::inventory::{
    server_version_string, Cluster, Credential, Host, HostType, Idc, Inventory, Obproxy, Package,
    ProxyCluster, Region, Server, Tenant, Zone,
};

fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |v| Value::String(v.clone()))
}

pub fn region(r: &Region) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "description": opt(&r.description),
        "createTime": iso_secs(r.create_ms),
        "updateTime": iso_secs(r.create_ms),
    })
}

pub fn idc(inv: &Inventory, i: &Idc) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "description": opt(&i.description),
        "regionId": i.region_id,
        "regionName": inv.region(i.region_id).map(|r| r.name.clone()).unwrap_or_default(),
        "createTime": iso_secs(i.create_ms),
        "updateTime": iso_secs(i.create_ms),
    })
}

pub fn host_type(t: &HostType) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "description": opt(&t.description),
        "createTime": iso_secs(t.create_ms),
        "updateTime": iso_secs(t.create_ms),
    })
}

/// A password-box entry: never the passphrase.
pub fn credential(c: &Credential) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "targetType": "HOST",
        "description": c.description,
        "sshCredentialProperty": { "type": c.kind, "username": c.username },
        "createTime": iso_secs(c.create_ms),
        "updateTime": iso_secs(c.create_ms),
    })
}

pub fn host(inv: &Inventory, h: &Host) -> Value {
    let idc = inv.idc(h.idc_id);
    let region = inv.region_of_idc(h.idc_id);
    let ty = inv.host_type(h.type_id);
    json!({
        "id": h.id,
        "name": h.name,
        "alias": Value::Null,
        "description": Value::Null,
        "operatingSystem": h.os,
        "operatingSystemRelease": h.os_release,
        "architecture": h.arch,
        "serialNumber": Value::Null,
        "innerIpAddress": h.ip,
        "sshPort": h.ssh_port,
        "kind": h.kind,
        "publishPorts": Value::Null,
        "services": h.services.iter().map(|s| json!({
            "name": s.name,
            "version": s.version,
            "type": s.kind,
            "softwarePackageId": Value::Null,
        })).collect::<Vec<_>>(),
        "status": h.status,
        "idcId": h.idc_id,
        "idcName": idc.map(|i| i.name.clone()).unwrap_or_default(),
        "idcDescription": idc.map_or(Value::Null, |i| opt(&i.description)),
        "typeId": h.type_id,
        "typeName": ty.map(|t| t.name.clone()).unwrap_or_default(),
        "typeDescription": ty.map_or(Value::Null, |t| opt(&t.description)),
        "regionId": region.map(|r| r.id).unwrap_or(0),
        "regionName": region.map(|r| r.name.clone()).unwrap_or_default(),
        "regionDescription": region.map_or(Value::Null, |r| opt(&r.description)),
        "hostAgentId": h.agent_id,
        "hostAgentVersion": h.agent_version,
        "hostAgentStatus": h.agent_status,
        "createTime": iso_secs(h.create_ms),
        "updateTime": iso_secs(h.update_ms),
    })
}

fn root_server(z: &Zone) -> Value {
    match z.servers.iter().find(|s| s.with_rootserver) {
        Some(s) => json!({
            "address": format!("{}:{}", s.ip, s.port),
            "role": if z.name == "zone1" { "LEADER" } else { "FOLLOWER" },
            "sql_port": s.sql_port,
        }),
        None => Value::Null,
    }
}

pub fn server(inv: &Inventory, c: &Cluster, z: &Zone, s: &Server) -> Value {
    let host = inv.host(s.host_id);
    let stop = if s.status == "STOPPED" {
        iso_secs(s.update_ms)
    } else {
        "1970-01-01T08:00:00+08:00".into()
    };
    json!({
        "id": s.id,
        "ip": s.ip,
        "port": s.port,
        "sqlPort": s.sql_port,
        "version": server_version_string(&c.version, &c.build),
        "withRootserver": s.with_rootserver,
        "status": s.status,
        "innerStatus": if s.status == "RUNNING" { "ACTIVE" } else { "INACTIVE" },
        "clusterId": c.id,
        "zoneName": z.name,
        "regionName": inv.region_of_idc(z.idc_id).map(|r| r.name.clone()).unwrap_or_default(),
        "idcName": inv.idc_name(z.idc_id),
        "hostId": s.host_id,
        "hostTypeName": host.and_then(|h| inv.host_type(h.type_id)).map(|t| t.name.clone()).unwrap_or_default(),
        "startTime": iso_secs(s.start_ms),
        "stopTime": stop,
        "updateTime": iso_secs(s.update_ms),
        "availableOperations": available_operations(&s.status),
    })
}

fn available_operations(status: &str) -> Vec<&'static str> {
    match status {
        "RUNNING" => vec!["STOP", "RESTART", "DELETE", "REPLACE"],
        "STOPPED" => vec!["START", "DELETE", "REPLACE"],
        _ => vec![],
    }
}

fn zone_status(c: &Cluster, z: &Zone) -> String {
    if c.status == "CREATING" || c.status == "TAKINGOVER" {
        c.status.clone()
    } else {
        z.status.clone()
    }
}

/// A zone as `/ob/clusters/{id}/zones` returns it.
pub fn zone(inv: &Inventory, c: &Cluster, z: &Zone) -> Value {
    let servers: Vec<Value> = z.servers.iter().map(|s| server(inv, c, z, s)).collect();
    json!({
        "name": z.name,
        "clusterId": c.id,
        "obClusterId": c.ob_cluster_id,
        "idcId": z.idc_id,
        "idcName": inv.idc_name(z.idc_id),
        "regionName": inv.region_of_idc(z.idc_id).map(|r| r.name.clone()).unwrap_or_default(),
        "status": zone_status(c, z),
        "innerStatus": "ACTIVE",
        "compactionStatus": "IDLE",
        "rootServer": root_server(z),
        "serverCount": z.servers.len(),
        "hostCount": z.servers.len(),
        "servers": servers,
        "createTime": iso_secs(z.create_ms),
        "updateTime": iso_secs(c.update_ms),
    })
}

/// A zone as embedded in the cluster list (sample keys of `ob-clusters-list.json`).
fn cluster_zone(inv: &Inventory, c: &Cluster, z: &Zone) -> Value {
    json!({
        "name": z.name,
        "idcId": z.idc_id,
        "idcName": inv.idc_name(z.idc_id),
        "regionName": inv.region_of_idc(z.idc_id).map(|r| r.name.clone()).unwrap_or_default(),
        "innerStatus": "ACTIVE",
        "operateStatus": if c.status == "RUNNING" { "NORMAL" } else { "OPERATING" },
        "status": zone_status(c, z),
        "serverCount": z.servers.len(),
        "servers": z.servers.iter().map(|s| server(inv, c, z, s)).collect::<Vec<_>>(),
    })
}

fn cluster_ref(c: &Cluster) -> Value {
    json!({ "id": c.id, "name": c.name, "obClusterId": c.ob_cluster_id, "type": c.kind })
}

pub fn cluster(inv: &Inventory, c: &Cluster) -> Value {
    let regions: std::collections::BTreeSet<i64> = c
        .zones
        .iter()
        .filter_map(|z| inv.idc(z.idc_id).map(|i| i.region_id))
        .collect();
    let standbys: Vec<Value> = inv
        .clusters
        .iter()
        .filter(|s| s.primary_id == Some(c.id))
        .map(cluster_ref)
        .collect();
    let primary = c
        .primary_id
        .and_then(|p| inv.cluster(p))
        .map_or(Value::Null, cluster_ref);
    let standby = c.kind == "STANDBY";
    json!({
        "id": c.id,
        "name": c.name,
        "obClusterId": c.ob_cluster_id,
        "obVersion": c.version,
        "fullVersion": c.full_version(),
        "status": c.status,
        "type": c.kind,
        "regionCount": regions.len(),
        "tenantCount": c.tenants.len(),
        "serverCount": c.server_count(),
        "partitionCount": 0,
        "rootServers": c.zones.iter().map(root_server).filter(|v| !v.is_null()).collect::<Vec<_>>(),
        "primaryCluster": primary,
        "standbyClusters": standbys,
        "delayTime": if standby { json!(0.35) } else { Value::Null },
        "syncStatus": if standby { json!("SYNCHRONIZING") } else { Value::Null },
        "zones": c.zones.iter().map(|z| cluster_zone(inv, c, z)).collect::<Vec<_>>(),
        "creator": c.creator,
        "failToQueryFromObReason": Value::Null,
        "createTime": iso_secs(c.create_ms),
        "updateTime": iso_secs(c.update_ms),
    })
}

pub fn tenant(c: &Cluster, t: &Tenant) -> Value {
    let zone_list: Vec<&str> = c.zones.iter().map(|z| z.name.as_str()).collect();
    let locality: Vec<String> = zone_list.iter().map(|z| format!("FULL{{1}}@{z}")).collect();
    json!({
        "id": t.id,
        "name": t.name,
        "obTenantId": t.ob_tenant_id,
        "clusterName": c.name,
        "clusterId": c.id,
        "obClusterId": c.ob_cluster_id,
        "clusterType": c.kind,
        "mode": t.mode,
        "createTime": iso_secs(t.create_ms),
        "primaryZone": t.primary_zone,
        "zoneList": zone_list.join(";"),
        "locality": locality.join(", "),
        "status": t.status,
        "locked": t.locked,
        "readonly": t.readonly,
        "obVersion": c.version,
        "description": opt(&t.description),
    })
}

/// `/ob/clusters/{id}/stats`, derived from the server count so totals stay plausible.
pub fn cluster_stats(c: &Cluster) -> Value {
    const GIB: i64 = 1 << 30;
    let n = c.server_count() as i64;
    let tenants = c.tenants.len() as i64;
    json!({
        "clusterId": c.id,
        "clusterName": c.name,
        "obClusterId": c.ob_cluster_id,
        "cpuTotal": 30 * n,
        "cpuAssigned": (2 * tenants).min(30 * n) as f64 + 0.5,
        "memoryTotalByte": 200 * GIB * n,
        "memoryAssignedByte": 12 * GIB * tenants.max(1),
        "logDiskTotalByte": 600 * GIB * n,
        "logDiskAssignedByte": 36 * GIB * tenants.max(1),
        "logDiskUsedByte": 3 * GIB * tenants.max(1),
        "dataDiskTotalByte": 3000 * GIB * n,
        "dataDiskUsedByte": 40 * GIB * tenants.max(1) + 190 * (1 << 20),
    })
}

/// `/ob/clusters/{id}/serverStats`: the cluster totals split evenly over its servers.
pub fn server_stats(c: &Cluster) -> Vec<Value> {
    let total = cluster_stats(c);
    let n = c.server_count().max(1) as f64;
    let share = |k: &str| total[k].as_f64().unwrap_or(0.0) / n;
    c.servers()
        .map(|(z, s)| {
            json!({
                "ip": s.ip,
                "port": s.port,
                "zone": z.name,
                "cpuTotal": share("cpuTotal").round() as i64,
                "cpuAssigned": share("cpuAssigned"),
                "memoryTotalByte": share("memoryTotalByte") as i64,
                "memoryAssignedByte": share("memoryAssignedByte") as i64,
                "logDiskTotalByte": share("logDiskTotalByte") as i64,
                "logDiskAssignedByte": share("logDiskAssignedByte") as i64,
                "logDiskUsedByte": share("logDiskUsedByte") as i64,
                "dataDiskTotalByte": share("dataDiskTotalByte") as i64,
                "dataDiskUsedByte": share("dataDiskUsedByte") as i64,
            })
        })
        .collect()
}

/// A tenant's unit spec: CPU cores and memory in GiB (the same in every zone).
fn unit_spec(t: &Tenant) -> (i64, i64) {
    if t.name == "sys" {
        (2, 5)
    } else {
        (4, 16)
    }
}

/// A tenant detail's `zones[]`: in each zone of the cluster a FULL replica, a resource pool
/// of one unit, on the zone's first server (the units `/ob/clusters/{id}/units` lists).
pub fn tenant_zones(c: &Cluster, t: &Tenant) -> Vec<Value> {
    let (cpu, mem) = unit_spec(t);
    let pool_id = t.id * 100;
    c.zones
        .iter()
        .enumerate()
        .map(|(zi, z)| {
            let units: Vec<Value> = z
                .servers
                .first()
                .map(|s| {
                    json!({
                        "id": t.ob_tenant_id * 100 + zi as i64 + 1,
                        "resourcePoolId": pool_id + zi as i64,
                        "serverId": s.id,
                        "serverIp": s.ip,
                        "serverPort": s.port,
                        "zoneName": z.name,
                        "status": "ACTIVE",
                    })
                })
                .into_iter()
                .collect();
            json!({
                "name": z.name,
                "replicaType": "FULL",
                "resourcePool": {
                    "id": pool_id + zi as i64,
                    "name": format!("{}_pool_{}", t.name, z.name),
                    "unitCount": units.len(),
                    "unitConfig": {
                        "maxCpuCoreCount": cpu as f64,
                        "minCpuCoreCount": cpu as f64,
                        "maxMemorySize": mem,
                        "minMemorySize": mem,
                    },
                },
                "units": units,
            })
        })
        .collect()
}

/// `/ob/clusters/{id}/units`: one unit per tenant in each zone, on the zone's first server.
pub fn units(c: &Cluster) -> Vec<Value> {
    const GIB: i64 = 1 << 30;
    let mut out = Vec::new();
    for t in &c.tenants {
        let (cpu, mem) = unit_spec(t);
        for (zi, z) in c.zones.iter().enumerate() {
            let Some(s) = z.servers.first() else { continue };
            out.push(json!({
                "obUnitId": t.ob_tenant_id * 100 + zi as i64 + 1,
                "tenantId": t.id,
                "tenantName": t.name,
                "obTenantId": t.ob_tenant_id,
                "svrIp": s.ip,
                "svrPort": s.port,
                "zone": z.name,
                "unitConfig": {
                    "maxCpuCoreCount": cpu,
                    "minCpuCoreCount": cpu,
                    "maxMemoryByte": mem * GIB,
                    "minMemoryByte": mem * GIB,
                    "maxMemorySize": mem,
                    "minMemorySize": mem,
                    "logDiskSizeByte": 3 * mem * GIB,
                    "logDiskSize": 3 * mem,
                    "maxIops": 0,
                    "minIops": 0,
                    "iopsWeight": cpu,
                },
                "status": "ACTIVE",
                "migrateType": Value::Null,
                "migrateOppositeSvrIp": Value::Null,
                "migrateOppositeSvrPort": Value::Null,
                "manualMigrate": false,
                "logDiskUsedByte": 660 * (1 << 20),
                "dataDiskUsedByte": 80 * (1 << 20),
            }));
        }
    }
    out
}

pub fn obproxy(inv: &Inventory, p: &ProxyCluster, o: &Obproxy) -> Value {
    let idc = inv
        .host(o.host_id)
        .map(|h| inv.idc_name(h.idc_id))
        .unwrap_or_default();
    json!({
        "id": o.id,
        "clusterId": p.id,
        "hostId": o.host_id,
        "idcName": idc,
        "lastActiveTime": iso_secs(o.last_active_ms),
        "parameterVersion": p.parameter_version,
        "ip": o.ip,
        "sqlPort": o.sql_port,
        "exporterPort": o.exporter_port,
        "version": o.version,
        "status": o.status,
        "operateStatus": o.operate_status,
        "architecture": "x86_64",
    })
}

pub fn proxy_cluster(inv: &Inventory, p: &ProxyCluster) -> Value {
    let mut versions: Vec<(String, usize)> = Vec::new();
    let mut topo: Vec<(String, usize)> = Vec::new();
    for o in &p.proxies {
        match versions.iter_mut().find(|(v, _)| *v == o.version) {
            Some((_, n)) => *n += 1,
            None => versions.push((o.version.clone(), 1)),
        }
        let idc = inv
            .host(o.host_id)
            .map(|h| inv.idc_name(h.idc_id))
            .unwrap_or_default();
        match topo.iter_mut().find(|(i, _)| *i == idc) {
            Some((_, n)) => *n += 1,
            None => topo.push((idc, 1)),
        }
    }
    let links: Vec<Value> = p
        .links
        .iter()
        .filter_map(|id| inv.cluster(*id))
        .map(|c| {
            json!({
                "clusterId": c.id,
                "clusterName": c.name,
                "obClusterId": c.ob_cluster_id,
                "clusterType": c.kind,
                "username": "proxyro",
                "status": c.status,
                "connections": 12.0,
            })
        })
        .collect();
    let config_url = if p.work_mode == "CONFIG_URL" {
        json!(format!(
            "http://127.0.0.1:8080/services?Action=GetObProxyConfig&User_ID=alibaba&UID=admin&ObproxyClusterName={}",
            p.name
        ))
    } else {
        Value::Null
    };
    json!({
        "id": p.id,
        "name": p.name,
        "parameterVersion": p.parameter_version,
        "creatorId": 100,
        "creatorName": "admin",
        "createTime": iso_secs(p.create_ms),
        "updateTime": iso_secs(p.update_ms),
        "configUrl": config_url,
        "address": p.address,
        "port": p.port,
        "workMode": p.work_mode,
        "obLinks": links,
        "versions": versions.into_iter().map(|(v, n)| json!({"version": v, "count": n})).collect::<Vec<_>>(),
        "topo": topo.into_iter().map(|(i, n)| json!({"idcName": i, "count": n})).collect::<Vec<_>>(),
        "obproxies": p.proxies.iter().map(|o| obproxy(inv, p, o)).collect::<Vec<_>>(),
    })
}

pub fn package(p: &Package) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "fileName": p.file_name,
        "extension": "rpm",
        "size": p.size,
        "sha1": p.sha1,
        "downloadUrl": format!("http://127.0.0.1:8080/api/v2/files/sys-package/{}", p.file_name),
        "type": p.kind,
        "version": p.version,
        "buildNumber": p.build,
        "operatingSystem": p.os,
        "architecture": p.arch,
        "deletable": true,
        "installationDataList": [],
        "createTime": iso_secs(p.create_ms),
    })
}

/// `/api/v2/info` (no envelope). `name` says this is the simulator.
pub fn info() -> Value {
    json!({
        "artifact": "ocp-server",
        "buildVersion": "4.2.2-20240108",
        "buildJavaVersion": "1.8",
        "buildTime": iso(super::clock::INVENTORY_BASE_MS),
        "name": "ocp-server (obtui sim)",
        "springBootVersion": "2.7.18",
        "group": "com.oceanbase",
    })
}
