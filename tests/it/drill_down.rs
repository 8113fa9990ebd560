//! Drill-down from a detail view: its zones, servers, tasks and clusters are selected with
//! `j` / `k`; Enter opens them (a task its DAG, a server its host, a zone folds); `c` goes
//! from a host or an OBProxy to its cluster. Against the simulator, headless.

use crossterm::event::KeyCode;
use obtui::app::detail::DetailItem;
use obtui::app::state::{App, DetailTarget, View};
use obtui::model::pane::PaneKind;
use obtui_sim::{self as sim, SimOptions};
use std::net::SocketAddr;

use crate::common;
use common::rig::Driver;

fn rig(url: String) -> Driver {
    common::rig::ocp_driver(url)
}

fn items(a: &App) -> Vec<DetailItem> {
    a.detail.as_ref().map(|d| d.items()).unwrap_or_default()
}

fn selected(a: &App) -> Option<DetailItem> {
    let d = a.detail.as_ref()?;
    d.items().get(d.selected?).cloned()
}

async fn open_detail(r: &mut Driver) {
    r.code(KeyCode::Enter);
    r.until("the detail", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
}

/// `j` until the selected item passes `pred` (panics if none does).
fn select_first(r: &mut Driver, pred: impl Fn(&DetailItem) -> bool) -> DetailItem {
    let n = items(&r.app).len();
    for _ in 0..=n {
        if let Some(i) = selected(&r.app).filter(|i| pred(i)) {
            return i;
        }
        r.code(KeyCode::Char('j'));
    }
    panic!("no such item in {:?}", items(&r.app));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_detail_opens_its_servers_tasks_and_folds_zones() {
    let h = sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap();
    let mut r = rig(h.url());
    // The hosts are known once the Hosts pane has been shown.
    r.code(KeyCode::Char('2'));
    r.until("hosts", |a| a.pane(PaneKind::Hosts).loaded).await;
    r.code(KeyCode::Char('1'));
    r.until("clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    open_detail(&mut r).await;
    let cluster_view = r.app.view().clone();
    // The screen marks the same items the keys walk, one line each.
    {
        let d = r.app.detail.as_ref().unwrap();
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
    }

    // Nothing selected at first; j selects the first zone, drawn reversed.
    assert_eq!(selected(&r.app), None);
    r.code(KeyCode::Char('j'));
    let Some(DetailItem::Zone { name }) = selected(&r.app) else {
        panic!("{:?}", items(&r.app));
    };
    let before = items(&r.app).len();
    let screen = r.screen();
    assert!(screen.contains(&format!("▾ {name}")), "{screen}");
    // Enter folds the zone's servers away, and again unfolds them.
    r.code(KeyCode::Enter);
    assert!(items(&r.app).len() < before, "{:?}", items(&r.app));
    let screen = r.screen();
    assert!(
        screen.contains(&format!("▸ {name}")) && screen.contains("servers folded"),
        "{screen}"
    );
    r.code(KeyCode::Enter);
    assert_eq!(items(&r.app).len(), before);

    // A server opens its host.
    let DetailItem::Server { ip } =
        select_first(&mut r, |i| matches!(i, DetailItem::Server { .. }))
    else {
        unreachable!()
    };
    r.code(KeyCode::Enter);
    assert!(
        matches!(r.app.view(), View::Detail(DetailTarget::Host(_))),
        "{:?}",
        r.app.view()
    );
    r.until("the host", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    let screen = r.screen();
    assert!(screen.contains(&format!("Host {ip}")), "{screen}");
    // From the host, `c` jumps to the cluster it serves (this one); Esc walks back.
    r.code(KeyCode::Char('c'));
    assert_eq!(r.app.view(), &cluster_view, "the host's cluster");
    r.until("the cluster from the host", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    r.code(KeyCode::Esc);
    assert!(
        matches!(r.app.view(), View::Detail(DetailTarget::Host(_))),
        "{:?}",
        r.app.view()
    );
    assert!(
        matches!(
            r.app.detail.as_ref().map(|d| &d.target),
            Some(DetailTarget::Host(_))
        ),
        "the host's own state comes back"
    );
    r.code(KeyCode::Esc);
    assert_eq!(r.app.view(), &cluster_view, "Esc goes back to the cluster");
    r.until("the detail again", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;

    // A task opens its DAG.
    let DetailItem::Task { id, .. } =
        select_first(&mut r, |i| matches!(i, DetailItem::Task { .. }))
    else {
        unreachable!()
    };
    // `d` on it shows that task's JSON, not the cluster's.
    r.code(KeyCode::Char('d'));
    assert_eq!(
        r.app.raw.as_ref().map(|x| x.target.clone()),
        Some(obtui::model::jobs::RawTarget::Task {
            id: id.clone(),
            backend: obtui_task::Backend::Ocp
        })
    );
    r.until("the task's JSON", |a| {
        a.raw.as_ref().is_some_and(|x| matches!(x.doc, Some(Ok(_))))
    })
    .await;
    r.code(KeyCode::Esc);
    assert_eq!(r.app.view(), &cluster_view);
    r.code(KeyCode::Enter);
    assert_eq!(r.app.view(), &View::Dag(id.clone()));
    r.code(KeyCode::Esc);
    assert_eq!(r.app.view(), &cluster_view);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_goes_from_an_obproxy_to_its_cluster() {
    let h = sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap();
    let mut r = rig(h.url());
    r.until("clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    r.code(KeyCode::Char('3'));
    r.until("proxies", |a| a.pane(PaneKind::Proxies).loaded)
        .await;
    // An OBProxy cluster with a linked OceanBase cluster.
    let rows = r.app.pane(PaneKind::Proxies).table.view.len();
    let mut linked = None;
    for _ in 0..rows {
        open_detail(&mut r).await;
        linked = items(&r.app).into_iter().find_map(|i| match i {
            DetailItem::Cluster { name } => Some(name),
            _ => None,
        });
        if linked.is_some() {
            break;
        }
        r.code(KeyCode::Esc);
        r.code(KeyCode::Char('j'));
    }
    let name = linked.expect("an OBProxy cluster linked to a cluster");
    r.code(KeyCode::Char('c'));
    assert!(
        matches!(r.app.view(), View::Detail(DetailTarget::Cluster(_))),
        "{:?}",
        r.app.view()
    );
    r.until("the cluster", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    let screen = r.screen();
    assert!(screen.contains(&format!("Cluster {name}")), "{screen}");
    // Back to the OBProxy: its servers open their hosts (the Hosts pane filtered when it
    // has not been loaded yet).
    r.code(KeyCode::Esc);
    r.until("the OBProxy again", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    let DetailItem::Proxy { ip } = select_first(&mut r, |i| matches!(i, DetailItem::Proxy { .. }))
    else {
        unreachable!()
    };
    r.code(KeyCode::Enter);
    assert_eq!(r.app.view(), &View::Pane(PaneKind::Hosts));
    assert_eq!(r.app.pane(PaneKind::Hosts).table.filter, ip);
    h.shutdown().await;
}
