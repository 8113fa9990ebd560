//! The Tenants pane end to end against the simulator, headless: `5` lists every tenant of
//! every cluster (as many as the clusters count), Enter opens one with its zones and units
//! from the tenant detail, and a cluster detail's tenant opens the same screen.

use crossterm::event::KeyCode;
use obtui::app::detail::DetailItem;
use obtui::app::panes::PaneData;
use obtui::app::state::{App, DetailTarget, View};
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui_sim::{self as sim, SimOptions};
use std::net::SocketAddr;

use crate::common;
use common::rig::Driver;

fn rig(url: String) -> Driver {
    common::rig::ocp_driver(url)
}

fn detail_loaded(a: &App) -> bool {
    a.detail.as_ref().is_some_and(|d| d.data.is_some())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_of_every_cluster_and_a_tenants_units() {
    let h = sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions {
            scale: 2,
            ..SimOptions::default()
        },
    )
    .await
    .unwrap();
    let mut r = rig(h.url());
    r.until("clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    let PaneData::Clusters { clusters, .. } = &r.app.pane(PaneKind::Clusters).data else {
        panic!("clusters");
    };
    let expected: i64 = clusters.iter().filter_map(|c| c.tenant_count).sum();
    assert!(
        expected > clusters.len() as i64,
        "the simulator has tenants"
    );

    r.code(KeyCode::Char('5'));
    r.until("tenants", |a| a.pane(PaneKind::Tenants).loaded)
        .await;
    assert_eq!(
        r.app.pane(PaneKind::Tenants).table.rows.len() as i64,
        expected
    );
    let screen = r.screen();
    assert!(
        screen.contains("5 Tenants") && screen.contains("sys") && screen.contains("NORMAL"),
        "{screen}"
    );

    // A tenant other than sys: its detail has a pool and units per zone.
    r.code(KeyCode::Char('/'));
    for c in "sys".chars() {
        r.code(KeyCode::Char(c));
    }
    r.code(KeyCode::Enter);
    r.code(KeyCode::Enter);
    assert!(
        matches!(r.app.view(), View::Detail(DetailTarget::Tenant { .. })),
        "{:?}",
        r.app.view()
    );
    r.until("the tenant", detail_loaded).await;
    let d = r.app.detail.as_ref().unwrap();
    let Some(ViewData::TenantDetail(td)) = &d.data else {
        panic!("{:?}", d.data);
    };
    assert_eq!(td.tenant.name, "sys");
    assert!(!td.tenant.zones.is_empty());
    assert!(td.tenant.zones.iter().all(|z| !z.units.is_empty()));
    assert!(td.tenant.unit_spec().is_some());
    // The screen marks the same items the keys walk.
    let (_, lines) = obtui::ui::panes::detail_lines(
        d.data.as_ref().unwrap(),
        &d.parts,
        &r.app.theme,
        false,
        0,
        None,
        &d.folded,
    );
    assert_eq!(lines.len(), d.items().len());
    let screen = r.screen();
    assert!(
        screen.contains("Zones and replicas") && screen.contains("unit spec"),
        "{screen}"
    );

    // `d`: the tenant's own JSON, as the server sent it; Esc back to the detail.
    r.code(KeyCode::Char('d'));
    r.until("the tenant's JSON", |a| {
        a.raw.as_ref().is_some_and(|r| matches!(r.doc, Some(Ok(_))))
    })
    .await;
    let text = r.app.raw.as_ref().unwrap().text().unwrap().to_string();
    assert!(
        text.contains("\"resourcePool\"") && text.contains("\"name\": \"sys\""),
        "{text}"
    );
    r.code(KeyCode::Esc);
    assert!(matches!(
        r.app.view(),
        View::Detail(DetailTarget::Tenant { .. })
    ));

    // From a cluster's detail, its tenant opens the same screen.
    r.code(KeyCode::Char('1'));
    r.code(KeyCode::Enter);
    r.until("the cluster", |a| {
        matches!(a.view(), View::Detail(DetailTarget::Cluster(_))) && detail_loaded(a)
    })
    .await;
    let n = r.app.detail.as_ref().unwrap().items().len();
    let mut found = false;
    for _ in 0..=n {
        r.code(KeyCode::Char('j'));
        let d = r.app.detail.as_ref().unwrap();
        if matches!(
            d.selected.and_then(|i| d.items().get(i).cloned()),
            Some(DetailItem::Tenant { .. })
        ) {
            found = true;
            break;
        }
    }
    assert!(found, "no tenant item in the cluster detail");
    r.code(KeyCode::Enter);
    r.until("the tenant from the cluster", |a| {
        matches!(a.view(), View::Detail(DetailTarget::Tenant { .. })) && detail_loaded(a)
    })
    .await;
}
