//! OCP wire models → inventory.
//!
//! The wire models already accept both documented shapes where OCP versions differ (serde
//! aliases: `tasks`/`subtasks`, `withRootServer`/`withRootserver`, a creator as a name or a
//! user object, …); what is left to settle here is where the same fact sits in either shape:
//! a task's cluster in `clusterId` or `cluster.id`, a cluster's version in `obVersion` or (4.3)
//! only `fullVersion`, a server count reported or left to the zones.

use crate::model::inventory as inv;
use obtui_api::ocp::models as ocp;
use obtui_task::{NodeStatus, TaskState};

pub fn cluster_status(s: &ocp::ClusterStatus) -> inv::ClusterStatus {
    use inv::ClusterStatus as I;
    use ocp::ClusterStatus as W;
    match s {
        W::Running => I::Running,
        W::Creating => I::Creating,
        W::Deleting => I::Deleting,
        W::Starting => I::Starting,
        W::Restarting => I::Restarting,
        W::Stopping => I::Stopping,
        W::Stopped => I::Stopped,
        W::TakingOver => I::TakingOver,
        W::MovingOut => I::MovingOut,
        W::Switchover => I::Switchover,
        W::Failover => I::Failover,
        W::Operating => I::Operating,
        W::Unavailable => I::Unavailable,
        W::Upgrading => I::Upgrading,
        W::Abandoned => I::Abandoned,
        W::Importing => I::Importing,
        W::Unknown(o) => I::Other(o.clone()),
    }
}

fn cluster_role(t: &ocp::ClusterType) -> inv::ClusterRole {
    match t {
        ocp::ClusterType::Primary => inv::ClusterRole::Primary,
        ocp::ClusterType::Standby => inv::ClusterRole::Standby,
        ocp::ClusterType::Unknown(o) => inv::ClusterRole::Other(o.clone()),
    }
}

pub fn server_status(s: &ocp::ServerStatus) -> inv::ServerStatus {
    use inv::ServerStatus as I;
    use ocp::ServerStatus as W;
    match s {
        W::Creating => I::Creating,
        W::Running => I::Running,
        W::Stopping => I::Stopping,
        W::Stopped => I::Stopped,
        W::Starting => I::Starting,
        W::Restarting => I::Restarting,
        W::Deleting => I::Deleting,
        W::Unavailable => I::Unavailable,
        W::Operating => I::Operating,
        W::Deleted => I::Deleted,
        W::Unknown(o) => I::Other(o.clone()),
    }
}

pub fn host_status(s: &ocp::HostStatus) -> inv::HostStatus {
    use inv::HostStatus as I;
    use ocp::HostStatus as W;
    match s {
        W::New => I::New,
        W::Available => I::Available,
        W::Online => I::Online,
        W::Offline => I::Offline,
        W::Deleting => I::Deleting,
        W::Unknown(o) => I::Other(o.clone()),
    }
}

pub fn proxy_status(s: &ocp::ObproxyStatus) -> inv::ProxyStatus {
    use inv::ProxyStatus as I;
    use ocp::ObproxyStatus as W;
    match s {
        W::Creating => I::Creating,
        W::Running => I::Running,
        W::Restarting => I::Restarting,
        W::Upgrading => I::Upgrading,
        W::Refreshing => I::Refreshing,
        W::Deleting => I::Deleting,
        W::Unavailable => I::Unavailable,
        W::TakingOver => I::TakingOver,
        W::Unknown(o) => I::Other(o.clone()),
    }
}

fn tenant_status(s: &ocp::TenantStatus) -> inv::TenantStatus {
    use inv::TenantStatus as I;
    use ocp::TenantStatus as W;
    match s {
        W::Normal => I::Normal,
        W::Creating => I::Creating,
        W::Modifying => I::Modifying,
        W::Deleting => I::Deleting,
        W::Unknown(o) => I::Other(o.clone()),
    }
}

fn tenant_mode(m: &ocp::TenantMode) -> inv::TenantMode {
    match m {
        ocp::TenantMode::Mysql => inv::TenantMode::Mysql,
        ocp::TenantMode::Oracle => inv::TenantMode::Oracle,
        ocp::TenantMode::Unknown(o) => inv::TenantMode::Other(o.clone()),
    }
}

pub fn task_status(s: &ocp::TaskStatus) -> TaskState {
    match s {
        ocp::TaskStatus::Running => TaskState::Running,
        ocp::TaskStatus::Failed => TaskState::Failed,
        ocp::TaskStatus::Successful => TaskState::Successful,
        ocp::TaskStatus::Unknown(o) => TaskState::Unknown(o.clone()),
    }
}

pub fn subtask_status(s: &ocp::SubtaskStatus) -> NodeStatus {
    use ocp::SubtaskStatus as W;
    match s {
        W::Pending => NodeStatus::Pending,
        W::Ready => NodeStatus::Ready,
        W::Running => NodeStatus::Running,
        W::Canceling => NodeStatus::Canceling,
        W::Failed => NodeStatus::Failed,
        W::Successful => NodeStatus::Successful,
        W::Unknown(o) => NodeStatus::Unknown(o.clone()),
    }
}

pub fn server(s: &ocp::Server) -> inv::Server {
    inv::Server {
        id: s.id,
        ip: s.ip.clone(),
        rpc_port: s.port,
        sql_port: s.sql_port,
        status: server_status(&s.status),
        with_rootserver: s.with_rootserver == Some(true),
        zone: s.zone_name.clone(),
    }
}

pub fn zone(z: &ocp::Zone) -> inv::Zone {
    inv::Zone {
        name: z.name.clone(),
        idc: z.idc_name.clone(),
        region: z.region_name.clone(),
        status: z.status.clone(),
        server_count: z.server_count,
        servers: z.servers.iter().map(server).collect(),
    }
}

pub fn cluster(c: &ocp::ObCluster) -> inv::Cluster {
    inv::Cluster {
        id: c.id,
        name: c.name.clone(),
        ob_cluster_id: c.ob_cluster_id,
        version: c.ob_version.clone().or_else(|| c.full_version.clone()),
        role: c.cluster_type.as_ref().map(cluster_role),
        status: cluster_status(&c.status),
        zones: c.zones.iter().map(zone).collect(),
        server_count: c.server_count,
        tenant_count: c.tenant_count,
        root_servers: c
            .root_servers
            .iter()
            .map(|r| inv::RootServer {
                address: r.address.clone(),
                role: r.role.clone(),
            })
            .collect(),
        query_failure: c.fail_to_query_from_ob_reason.clone(),
    }
}

pub fn tenant(t: &ocp::Tenant) -> inv::Tenant {
    inv::Tenant {
        id: t.id,
        name: t.name.clone(),
        cluster_id: t.cluster_id,
        cluster_name: t.cluster_name.clone(),
        mode: t.mode.as_ref().map(tenant_mode),
        status: tenant_status(&t.status),
        primary_zone: t.primary_zone.clone(),
        locality: t.locality.clone(),
        zone_list: t.zone_list.clone(),
        locked: t.locked,
        read_only: t.readonly,
        ob_version: t.ob_version.clone(),
        charset: t.charset.clone(),
        created: t.create_time.clone(),
        zones: t.zones.iter().map(tenant_zone).collect(),
    }
}

fn tenant_zone(z: &ocp::TenantZone) -> inv::TenantZone {
    const GIB: f64 = (1u64 << 30) as f64;
    let pool = z.resource_pool.as_ref();
    let spec = pool.and_then(|p| p.unit_config.as_ref()).map(|u| {
        // Sizes in GB (`*Size`) or bytes (`*Byte`), whichever the server sent.
        let gib =
            |size: Option<f64>, bytes: Option<i64>| size.or_else(|| bytes.map(|b| b as f64 / GIB));
        inv::UnitSpec {
            max_cpu: u.max_cpu_core_count,
            min_cpu: u.min_cpu_core_count,
            max_memory_gib: gib(u.max_memory_size, u.max_memory_byte),
            min_memory_gib: gib(u.min_memory_size, u.min_memory_byte),
        }
    });
    inv::TenantZone {
        name: z.name.clone(),
        replica_type: z.replica_type.clone(),
        pool: pool.and_then(|p| p.name.clone()),
        unit_count: pool.and_then(|p| p.unit_count),
        spec,
        units: z
            .units
            .iter()
            .map(|u| inv::TenantUnit {
                id: u.id,
                zone: u.zone_name.clone().or_else(|| Some(z.name.clone())),
                server: u.server_ip.as_ref().map(|ip| match u.server_port {
                    Some(p) => format!("{ip}:{p}"),
                    None => ip.clone(),
                }),
                server_ip: u.server_ip.clone(),
                status: u.status.clone(),
            })
            .collect(),
    }
}

pub fn host(h: &ocp::Host) -> inv::Host {
    inv::Host {
        id: h.id,
        ip: h.inner_ip_address.clone(),
        hostname: h.name.clone(),
        alias: h.alias.clone(),
        description: h.description.clone(),
        kind: h.kind.as_deref().map(inv::HostKind::parse),
        status: host_status(&h.status),
        type_id: h.type_id,
        type_name: h.type_name.clone(),
        idc_id: h.idc_id,
        idc: h.idc_name.clone(),
        region_id: h.region_id,
        region: h.region_name.clone(),
        ssh_port: h.ssh_port,
        publish_ports: h.publish_ports.as_ref().map(|v| v.to_string()),
        os: h.operating_system.clone(),
        os_release: h.operating_system_release.clone(),
        architecture: h.architecture.clone(),
        serial_number: h.serial_number.clone(),
        agent: inv::HostAgent {
            id: h.host_agent_id,
            version: h.host_agent_version.clone(),
            status: h.host_agent_status.clone(),
        },
        created: h.create_time.clone(),
        updated: h.update_time.clone(),
        services: h
            .services
            .iter()
            .map(|s| inv::HostService {
                kind: s.service_type.as_deref().map(inv::ServiceKind::parse),
                name: s.name.clone(),
                version: s.version.clone(),
            })
            .collect(),
    }
}

/// [`host`] by value: the strings move out of the wire model instead of being copied (a list of
/// 100,000 hosts is converted without a second copy of its strings).
pub fn into_host(h: ocp::Host) -> inv::Host {
    let publish_ports = h.publish_ports.as_ref().map(|v| v.to_string());
    let kind = h.kind.as_deref().map(inv::HostKind::parse);
    let status = host_status(&h.status);
    inv::Host {
        id: h.id,
        ip: h.inner_ip_address,
        hostname: h.name,
        alias: h.alias,
        description: h.description,
        kind,
        status,
        type_id: h.type_id,
        type_name: h.type_name,
        idc_id: h.idc_id,
        idc: h.idc_name,
        region_id: h.region_id,
        region: h.region_name,
        ssh_port: h.ssh_port,
        publish_ports,
        os: h.operating_system,
        os_release: h.operating_system_release,
        architecture: h.architecture,
        serial_number: h.serial_number,
        agent: inv::HostAgent {
            id: h.host_agent_id,
            version: h.host_agent_version,
            status: h.host_agent_status,
        },
        created: h.create_time,
        updated: h.update_time,
        services: h
            .services
            .into_iter()
            .map(|s| inv::HostService {
                kind: s.service_type.as_deref().map(inv::ServiceKind::parse),
                name: s.name,
                version: s.version,
            })
            .collect(),
    }
}

pub fn proxy(p: &ocp::Obproxy) -> inv::Proxy {
    inv::Proxy {
        host_id: p.host_id,
        ip: p.ip.clone(),
        sql_port: p.sql_port,
        exporter_port: p.exporter_port,
        version: p.version.clone(),
        status: proxy_status(&p.status),
        idc: p.idc_name.clone(),
    }
}

pub fn proxy_cluster(p: &ocp::ObproxyCluster) -> inv::ProxyCluster {
    inv::ProxyCluster {
        id: p.id,
        name: p.name.clone(),
        address: p.address.clone(),
        port: p.port,
        start_mode: p.work_mode.as_deref().map(inv::ProxyStartMode::parse),
        config_url: p.config_url.clone(),
        creator: p.creator_name.clone(),
        created: p.create_time.clone(),
        versions: p
            .versions
            .iter()
            .map(|v| inv::VersionCount {
                version: v.version.clone(),
                count: v.count,
            })
            .collect(),
        proxies: p.obproxies.iter().map(proxy).collect(),
        links: p
            .ob_links
            .iter()
            .map(|l| inv::ProxyLink {
                cluster_name: l.cluster_name.clone(),
                ob_cluster_id: l.ob_cluster_id,
                username: l.username.clone(),
                status: l.status.as_ref().map(cluster_status),
            })
            .collect(),
    }
}

/// A task as the lists show it. The cluster is `clusterId` or `cluster.{id,name}` (both
/// shapes are documented); the creator a name or a user object.
pub fn task(t: &ocp::TaskInstance) -> inv::TaskSummary {
    inv::TaskSummary {
        id: t.id,
        source: inv::TaskSource::Ocp,
        name: t.name.clone(),
        status: task_status(&t.status).with_operation(
            t.operation == Some(ocp::Operation::Rollback)
                || t.subtasks
                    .iter()
                    .any(|s| s.operation == Some(ocp::Operation::Rollback)),
        ),
        cluster_id: t.cluster_id(),
        cluster_name: t.cluster.as_ref().and_then(|c| c.name.clone()),
        creator: t
            .creator
            .as_ref()
            .and_then(|c| c.name())
            .map(str::to_string),
        start_time: t.start_time.clone(),
        started: t.start_time.as_deref().and_then(ocp::parse_time_millis),
        finished: t.finish_time.as_deref().and_then(ocp::parse_time_millis),
        subtasks: t
            .subtasks
            .iter()
            .map(|s| inv::SubtaskSummary {
                name: s.name.clone(),
                status: subtask_status(&s.status),
                target: obtui_task::convert::subtask_target(
                    &s.name,
                    s.description.as_deref(),
                    s.context.as_ref(),
                    s.parallel_idx,
                    s.executor.as_deref(),
                    t.executor.as_deref(),
                ),
            })
            .collect(),
    }
}

pub fn clusters(v: &[ocp::ObCluster]) -> Vec<inv::Cluster> {
    v.iter().map(cluster).collect()
}

pub fn hosts(v: &[ocp::Host]) -> Vec<inv::Host> {
    v.iter().map(host).collect()
}

pub fn proxy_clusters(v: &[ocp::ObproxyCluster]) -> Vec<inv::ProxyCluster> {
    v.iter().map(proxy_cluster).collect()
}

pub fn tasks(v: &[ocp::TaskInstance]) -> Vec<inv::TaskSummary> {
    v.iter().map(task).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_converts_the_same_by_value_and_by_reference() {
        let h: ocp::Host = serde_json::from_value(serde_json::json!({
            "id": 7, "name": "h7", "innerIpAddress": "10.0.0.7", "kind": "DEDICATED_CONTAINER",
            "publishPorts": ["2881:2881"], "status": "ONLINE", "idcName": "idc1",
            "regionName": "r1", "operatingSystem": "CentOS", "hostAgentVersion": "4.2",
            "services": [{"serviceType": "OB_SERVER", "name": "ob1", "version": "4.2.1"}]
        }))
        .unwrap();
        assert_eq!(into_host(h.clone()), host(&h));
    }

    #[test]
    fn unknown_wire_statuses_survive() {
        let s: ocp::Server = serde_json::from_value(serde_json::json!({
            "id": 1, "ip": "10.0.0.1", "status": "MIGRATING", "withRootServer": true
        }))
        .unwrap();
        let s = server(&s);
        assert_eq!(s.status, inv::ServerStatus::Other("MIGRATING".into()));
        assert_eq!(s.status.to_string(), "MIGRATING");
        assert!(s.with_rootserver);
    }

    #[test]
    fn a_task_finds_its_cluster_in_either_shape() {
        let flat: ocp::TaskInstance = serde_json::from_value(serde_json::json!({
            "id": 5, "name": "t", "status": "RUNNING", "clusterId": 7, "creator": "admin",
            "startTime": "2021-09-02T08:39:29.295+08:00"
        }))
        .unwrap();
        let nested: ocp::TaskInstance = serde_json::from_value(serde_json::json!({
            "id": 5, "name": "t", "status": "RUNNING",
            "cluster": {"id": 7, "name": "c7"}, "creator": {"id": 1, "name": "admin"},
            "tasks": [{"id": 1, "name": "a", "status": "SUCCESSFUL"}]
        }))
        .unwrap();
        let (a, b) = (task(&flat), task(&nested));
        assert_eq!((a.cluster_id, b.cluster_id), (Some(7), Some(7)));
        assert_eq!(b.cluster_name.as_deref(), Some("c7"));
        assert_eq!(a.creator, b.creator);
        assert!(a.started.is_some());
        assert_eq!(b.done_subtasks(), 1);
    }

    fn fixture(name: &str) -> serde_json::Value {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ocp")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    #[test]
    fn the_documented_tenant_lists_convert_with_both_mode_spellings() {
        for f in ["ob-tenants-all.json", "ob-cluster-tenants.json"] {
            let list: Vec<ocp::Tenant> =
                serde_json::from_value(fixture(f)["data"]["contents"].clone()).unwrap();
            let t: Vec<inv::Tenant> = list.iter().map(tenant).collect();
            assert_eq!(t.len(), 2, "{f}");
            // `"Oracle"` and `"MYSQL"` in the same sample.
            assert_eq!(t[0].mode, Some(inv::TenantMode::Oracle), "{f}");
            assert_eq!(t[1].mode, Some(inv::TenantMode::Mysql), "{f}");
            assert_eq!((t[0].id, t[0].cluster_id), (10, Some(1)));
            assert_eq!(t[0].cluster_name.as_deref(), Some("foo"));
            assert_eq!(t[0].replicas(), Some(3));
            assert_eq!(t[1].replicas(), Some(1));
            assert_eq!((t[1].locked, t[1].read_only), (Some(true), Some(false)));
            assert_eq!(t[0].primary_zone.as_deref(), Some("zone2,zone3;zone1"));
            // A list carries no units: the spec is unknown, not zero.
            assert_eq!((t[0].unit_spec(), t[0].unit_count()), (None, None));
        }
    }

    #[test]
    fn the_documented_tenant_detail_converts_with_its_units() {
        let d: ocp::Tenant =
            serde_json::from_value(fixture("ob-tenant-detail.json")["data"].clone()).unwrap();
        let t = tenant(&d);
        assert_eq!((t.id, t.cluster_id), (14000001, Some(12000001)));
        assert_eq!(t.zones.len(), 1);
        let z = &t.zones[0];
        assert_eq!(z.replica_type.as_deref(), Some("FULL"));
        assert_eq!(z.pool.as_deref(), Some("sys_pool"));
        assert_eq!(t.unit_spec().as_deref(), Some("2.5-5C 8-9G"));
        assert_eq!(t.unit_count(), Some(1));
        assert_eq!(z.units[0].server.as_deref(), Some("xxx.xxx.xxx.xxx:2882"));
        assert_eq!(z.units[0].status.as_deref(), Some("ACTIVE"));
    }

    #[test]
    fn a_unit_spec_in_bytes_reads_as_gib() {
        let d: ocp::Tenant = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "t", "status": "NORMAL",
            "zones": [{"name": "z1", "resourcePool": {"unitCount": 2, "unitConfig": {
                "maxCpuCoreCount": 4, "minCpuCoreCount": 4,
                "maxMemoryByte": 17179869184u64, "minMemoryByte": 17179869184u64}}}]
        }))
        .unwrap();
        let t = tenant(&d);
        assert_eq!(t.unit_spec().as_deref(), Some("4C 16G"));
        assert_eq!(t.unit_count(), Some(2));
    }

    #[test]
    fn a_cluster_version_falls_back_to_the_full_version() {
        let c: ocp::ObCluster = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "c", "status": "RUNNING", "fullVersion": "4.3.0.1-100000"
        }))
        .unwrap();
        assert_eq!(cluster(&c).version.as_deref(), Some("4.3.0.1-100000"));
    }
}
