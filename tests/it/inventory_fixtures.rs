//! Every OCP doc sample the panes show converts into the neutral inventory with its fields in
//! place, in both documented shapes where OCP versions differ (a task's children as `tasks` or
//! `subtasks`, its cluster as `clusterId` or `cluster{}`, its creator as a name or a user).

use obtui::model::inventory as inv;
use obtui::poll::convert::ocp as conv;
use obtui_api::ocp::envelope::decode_required;
use obtui_api::ocp::models::*;
use obtui_api::ocp::RawResponse;
use obtui_task::TaskState;
use serde::de::DeserializeOwned;
use std::path::PathBuf;

fn data<T: DeserializeOwned>(name: &str) -> T {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocp")
        .join(name);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    decode_required(&RawResponse::new(200, bytes)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn clusters() {
    let p: Paged<ObCluster> = data("ob-clusters-list.json");
    assert!(!p.contents.is_empty());
    for w in &p.contents {
        let c = conv::cluster(w);
        assert_eq!((c.id, &c.name), (w.id, &w.name));
        assert_eq!(c.ob_cluster_id, w.ob_cluster_id);
        assert_eq!(c.version, w.ob_version.clone().or(w.full_version.clone()));
        assert_eq!(c.status.label(), w.status.as_str());
        assert_eq!(
            c.role.as_ref().map(|r| r.label().to_string()),
            w.cluster_type.as_ref().map(|t| t.as_str().to_string())
        );
        assert_eq!(c.tenant_count, w.tenant_count);
        assert_eq!(c.zones.len(), w.zones.len());
        assert_eq!(c.root_servers.len(), w.root_servers.len());
        assert_eq!(c.query_failure, w.fail_to_query_from_ob_reason);
        if let Some(n) = w.server_count {
            assert_eq!(c.servers_total(), n);
        }
    }
    let first = conv::cluster(&p.contents[0]);
    assert_eq!(first.status, inv::ClusterStatus::Running);
    assert_eq!(first.role, Some(inv::ClusterRole::Primary));
}

#[test]
fn zones_servers_tenants() {
    let z: Paged<Zone> = data("ob-cluster-zones.json");
    for w in &z.contents {
        let c = conv::zone(w);
        assert_eq!(c.name, w.name);
        assert_eq!((&c.idc, &c.region), (&w.idc_name, &w.region_name));
        assert_eq!(c.server_count, w.server_count);
        assert_eq!(c.servers.len(), w.servers.len());
    }
    for name in ["ob-cluster-servers.json", "ob-cluster-zone-servers.json"] {
        let s: Paged<Server> = data(name);
        assert!(!s.contents.is_empty(), "{name}");
        for w in &s.contents {
            let c = conv::server(w);
            assert_eq!((c.id, &c.ip), (w.id, &w.ip));
            assert_eq!((c.rpc_port, c.sql_port), (w.port, w.sql_port));
            assert_eq!(c.with_rootserver, w.with_rootserver == Some(true));
            assert_eq!(c.status.label(), w.status.as_str());
            assert_eq!(c.zone, w.zone_name);
        }
    }
    let s: Paged<Server> = data("ob-cluster-servers.json");
    assert_eq!(
        conv::server(&s.contents[0]).status,
        inv::ServerStatus::Running
    );
    let t: Paged<Tenant> = data("ob-cluster-tenants.json");
    for w in &t.contents {
        let c = conv::tenant(w);
        assert_eq!(c.name, w.name);
        assert_eq!(c.status.label(), w.status.as_str());
        assert_eq!(c.primary_zone, w.primary_zone);
    }
    // The docs spell the mode `Oracle` and `MYSQL`: both are known.
    assert_eq!(
        conv::tenant(&t.contents[0]).mode,
        Some(inv::TenantMode::Oracle)
    );
}

fn check_host(w: &Host) {
    let h = conv::host(w);
    assert_eq!(
        (h.id, &h.ip, &h.hostname),
        (w.id, &w.inner_ip_address, &w.name)
    );
    assert_eq!(h.status.label(), w.status.as_str());
    assert_eq!(h.kind.as_ref().map(|k| k.label()), w.kind.as_deref());
    assert_eq!((&h.idc, &h.region), (&w.idc_name, &w.region_name));
    assert_eq!(h.ssh_port, w.ssh_port);
    assert_eq!(h.agent.version, w.host_agent_version);
    assert_eq!(h.services.len(), w.services.len());
    for (s, ws) in h.services.iter().zip(&w.services) {
        assert_eq!(
            s.kind.as_ref().map(|k| k.label()),
            ws.service_type.as_deref()
        );
        assert_eq!(s.name, ws.name);
    }
}

#[test]
fn hosts() {
    let p: Paged<Host> = data("compute-hosts-list.json");
    p.contents.iter().for_each(check_host);
    let h: Host = data("compute-host-detail.json");
    check_host(&h);
    assert_eq!(conv::host(&h).kind, Some(inv::HostKind::Physical));
}

#[test]
fn proxy_clusters() {
    let p: Paged<ObproxyCluster> = data("obproxy-clusters-list.json");
    assert!(!p.contents.is_empty());
    for w in &p.contents {
        let c = conv::proxy_cluster(w);
        assert_eq!((c.id, &c.name), (w.id, &w.name));
        assert_eq!((&c.address, c.port), (&w.address, w.port));
        assert_eq!(
            c.start_mode.as_ref().map(|m| m.label()),
            w.work_mode.as_deref()
        );
        assert_eq!(c.proxies.len(), w.obproxies.len());
        for (x, wx) in c.proxies.iter().zip(&w.obproxies) {
            assert_eq!((&x.ip, x.sql_port), (&wx.ip, wx.sql_port));
            assert_eq!(x.status.label(), wx.status.as_str());
        }
        assert_eq!(c.links.len(), w.ob_links.len());
        assert_eq!(c.versions.len(), w.versions.len());
    }
    assert_eq!(
        conv::proxy_cluster(&p.contents[0]).start_mode,
        Some(inv::ProxyStartMode::ConfigUrl)
    );
}

#[test]
fn tasks_in_the_list_shape() {
    let p: Paged<TaskInstance> = data("tasks-instances-list.json");
    for w in &p.contents {
        let t = conv::task(w);
        assert_eq!((t.id, &t.name), (w.id, &w.name));
        // A SUCCESSFUL task whose subtasks were rolled back reads ROLLED BACK.
        let rolled_back = w.subtasks.iter().any(|s| {
            s.operation
                .as_ref()
                .is_some_and(|o| o.as_str() == "ROLLBACK")
        });
        if rolled_back && w.status.as_str() == "SUCCESSFUL" {
            assert_eq!(t.status, TaskState::RolledBack);
        } else {
            assert_eq!(t.status.to_string(), w.status.as_str());
        }
        assert_eq!(t.cluster_id, w.cluster_id());
        assert_eq!(
            t.creator.as_deref(),
            w.creator.as_ref().and_then(|c| c.name())
        );
        assert_eq!(t.start_time, w.start_time);
        assert_eq!(t.started.is_some(), w.start_time.is_some());
        assert_eq!(t.subtasks.len(), w.subtasks.len());
    }
    let first = conv::task(&p.contents[0]);
    // The docs' sample: SUCCESSFUL, with a subtask whose operation is ROLLBACK.
    assert_eq!(first.status, TaskState::RolledBack);
    // Finished: its duration is the recorded one, whatever the clock says now.
    assert!(first.duration_ms(i64::MAX).is_some_and(|d| d > 0));
}

#[test]
fn tasks_in_the_detail_and_the_old_async_shape() {
    let d: TaskInstance = data("task-instance-detail.json");
    let t = conv::task(&d);
    assert_eq!(t.subtasks.len(), d.subtasks.len());
    assert_eq!(
        t.done_subtasks(),
        d.subtasks
            .iter()
            .filter(|s| s.status == SubtaskStatus::Successful)
            .count()
    );
    // Old samples name the children `tasks` and the cluster in `cluster{}`.
    let old: TaskInstance = data("ob-cluster-create.json");
    let t = conv::task(&old);
    assert_eq!(t.id, 108088);
    assert_eq!(t.status, TaskState::Running);
    assert_eq!(t.subtasks.len(), 23);
    assert_eq!(t.cluster_id, Some(22));
    assert_eq!(t.cluster_name.as_deref(), Some("terran"));
    assert!(t
        .subtasks
        .iter()
        .any(|s| s.status == obtui_task::NodeStatus::Running));
}
