//! The Tenants pane in the app: `5` and `:tenants` open it, its rows and filter, Enter opens
//! the tenant (the poller is asked for that tenant of that cluster), and the detail lists its
//! units and tasks; a cluster detail's tenants open the same detail.

use crate::app::actions::Keymap;
use crate::app::detail::DetailItem;
use crate::app::state::{App, DetailTarget, Settings, View};
use crate::config::Theme;
use crate::model::inventory::{
    Cluster, TaskSummary, Tenant, TenantMode, TenantStatus, TenantUnit, TenantZone, UnitSpec,
};
use crate::model::jobs::ViewJob;
use crate::model::pane::PaneKind;
use crate::model::view::{ClusterDetail, TenantDetail, ViewData};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui_task::TaskState;
use std::time::{Duration, Instant};

fn app() -> App {
    let settings = Settings {
        profile: "p".into(),
        url: "http://10.9.9.9:8080".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_secs(5),
        demo: false,
        ascii: false,
        insecure: false,
    };
    App::new(settings, Theme::builtin_default(), Keymap::defaults())
}

fn key(app: &mut App, c: KeyCode) {
    app.on_event(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn tenant(id: i64, name: &str, cluster: (i64, &str), mode: TenantMode, locked: bool) -> Tenant {
    Tenant {
        id,
        name: name.into(),
        cluster_id: Some(cluster.0),
        cluster_name: Some(cluster.1.into()),
        mode: Some(mode),
        status: TenantStatus::Normal,
        primary_zone: Some("zone1".into()),
        locality: Some("FULL{1}@zone1, FULL{1}@zone2".into()),
        locked: Some(locked),
        read_only: Some(false),
        ..Tenant::default()
    }
}

fn load(app: &mut App) {
    app.on_view(
        ViewJob::Pane(PaneKind::Tenants),
        Ok(ViewData::Tenants(vec![
            tenant(10, "sys", (1, "terran"), TenantMode::Mysql, false),
            tenant(11, "orders", (1, "terran"), TenantMode::Oracle, true),
            tenant(20, "sys", (2, "zerg"), TenantMode::Mysql, false),
        ])),
        Instant::now(),
        0,
    );
}

#[test]
fn five_opens_the_tenants_pane_and_polls_only_it() {
    let mut a = app();
    key(&mut a, KeyCode::Char('5'));
    assert_eq!(a.view(), &View::Pane(PaneKind::Tenants));
    assert_eq!(a.view_job(), Some(ViewJob::Pane(PaneKind::Tenants)));
    key(&mut a, KeyCode::Char('1'));
    // `:tenants ord` opens it filtered.
    key(&mut a, KeyCode::Char(':'));
    typ(&mut a, "tenants ord");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.view(), &View::Pane(PaneKind::Tenants));
    load(&mut a);
    let t = &a.pane(PaneKind::Tenants).table;
    assert_eq!(t.view.len(), 1, "filtered to orders");
    assert_eq!(
        t.selected_row().map(|r| r.cells[0].as_str()),
        Some("orders")
    );
}

#[test]
fn rows_show_cluster_mode_replicas_and_flags() {
    let mut a = app();
    key(&mut a, KeyCode::Char('5'));
    load(&mut a);
    let rows = &a.pane(PaneKind::Tenants).table.rows;
    assert_eq!(rows.len(), 3);
    let orders = rows.iter().find(|r| r.id == "11").expect("orders");
    assert_eq!(orders.cells[0], "orders");
    assert_eq!(orders.cells[2], "terran");
    assert_eq!(orders.cells[3], "Oracle");
    assert_eq!(orders.cells[4], "NORMAL");
    assert!(
        orders.cells[6].starts_with("2 · FULL{1}@zone1"),
        "{:?}",
        orders.cells
    );
    assert_eq!(orders.cells[7], "locked");
    // Two tenants named sys: the cluster tells them apart; the filter finds by cluster.
    key(&mut a, KeyCode::Char('/'));
    typ(&mut a, "zerg");
    key(&mut a, KeyCode::Enter);
    let t = &a.pane(PaneKind::Tenants).table;
    assert_eq!(t.view.len(), 1);
    assert_eq!(t.selected_row().map(|r| r.id.as_str()), Some("20"));
}

#[test]
fn enter_opens_the_tenant_with_its_units_and_tasks() {
    let mut a = app();
    key(&mut a, KeyCode::Char('5'));
    load(&mut a);
    key(&mut a, KeyCode::Char('/'));
    typ(&mut a, "orders");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    let target = DetailTarget::Tenant {
        cluster: 1,
        tenant: 11,
    };
    assert_eq!(a.view(), &View::Detail(target));
    assert_eq!(
        a.view_job(),
        Some(ViewJob::TenantDetail {
            cluster: 1,
            tenant: 11
        })
    );
    let mut t = tenant(11, "orders", (1, "terran"), TenantMode::Oracle, true);
    t.zones = vec![TenantZone {
        name: "zone1".into(),
        replica_type: Some("FULL".into()),
        pool: Some("orders_pool".into()),
        unit_count: Some(1),
        spec: Some(UnitSpec {
            max_cpu: Some(4.0),
            min_cpu: Some(4.0),
            max_memory_gib: Some(16.0),
            min_memory_gib: Some(16.0),
        }),
        units: vec![TenantUnit {
            id: Some(7),
            zone: Some("zone1".into()),
            server: Some("10.0.0.1:2882".into()),
            server_ip: Some("10.0.0.1".into()),
            status: Some("ACTIVE".into()),
        }],
    }];
    let task = TaskSummary {
        id: 99,
        name: "Modify tenant".into(),
        status: TaskState::Running,
        cluster_id: Some(1),
        cluster_name: None,
        creator: None,
        start_time: None,
        started: None,
        finished: None,
        subtasks: vec![],
        source: Default::default(),
    };
    a.on_view(
        ViewJob::TenantDetail {
            cluster: 1,
            tenant: 11,
        },
        Ok(ViewData::TenantDetail(Box::new(TenantDetail {
            tenant: t,
            tasks: Ok(vec![task]),
        }))),
        Instant::now(),
        0,
    );
    let d = a.detail.as_ref().expect("detail");
    assert!(d.data.is_some());
    let items = d.items();
    assert!(matches!(&items[0], DetailItem::Server { ip } if ip == "10.0.0.1"));
    assert!(matches!(&items[1], DetailItem::Task { id, .. } if id == "99"));
    assert_eq!(a.breadcrumbs(), vec!["Tenants", "tenant orders"]);
    if let Some(ViewData::TenantDetail(td)) = &d.data {
        assert_eq!(td.tenant.unit_spec().as_deref(), Some("4C 16G"));
    }
    // Esc comes back to the pane.
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view(), &View::Pane(PaneKind::Tenants));
}

#[test]
fn a_cluster_details_tenant_opens_the_tenant() {
    let mut a = app();
    a.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: vec![Cluster {
                id: 1,
                name: "terran".into(),
                ..Cluster::default()
            }],
            running: Ok(vec![]),
        }),
        Instant::now(),
        0,
    );
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.view(), &View::Detail(DetailTarget::Cluster(1)));
    a.on_view(
        ViewJob::ClusterDetail(1),
        Ok(ViewData::ClusterDetail(Box::new(ClusterDetail {
            cluster: Cluster {
                id: 1,
                name: "terran".into(),
                ..Cluster::default()
            },
            zones: vec![],
            servers: Ok(vec![]),
            tenants: Ok(vec![tenant(
                11,
                "orders",
                (1, "terran"),
                TenantMode::Mysql,
                false,
            )]),
            tasks: Ok(vec![]),
        }))),
        Instant::now(),
        0,
    );
    // The tenant is the only item: j selects it, Enter opens it.
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.view(),
        &View::Detail(DetailTarget::Tenant {
            cluster: 1,
            tenant: 11
        })
    );
}
