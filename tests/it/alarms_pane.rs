//! The Alarms and Events panes end to end against the simulator, headless: the header counts
//! active alarms by level from the first round on (one count request a minute, not one a
//! round), `6` lists them worst first, `/` filters by level or target, `t` and the detail's
//! Enter open the alarm's target through the `:` jumps, and `7` lists OCP's audit events of
//! the writes the simulator accepted, with their detail.

use crossterm::event::KeyCode;
use obtui::app::state::{App, DetailTarget, View};
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui_sim::{self as sim, SimHandle, SimOptions};
use serde_json::{json, Value};
use std::net::SocketAddr;

use crate::common;
use common::rig::Driver;

async fn start() -> SimHandle {
    sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap()
}

async fn fault(h: &SimHandle, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}/sim/faults", h.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{body}");
    r.json().await.unwrap()
}

async fn state(h: &SimHandle) -> Value {
    reqwest::get(format!("{}/sim/state", h.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn detail_loaded(a: &App) -> bool {
    a.detail.as_ref().is_some_and(|d| d.data.is_some())
}

fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_counts_alarms_and_the_pane_lists_filters_and_opens_their_targets() {
    let h = start().await;
    h.state.demo_alarm().unwrap();
    let host = h.state.db().inv.hosts[0].ip.clone();
    fault(
        &h,
        json!({"alarm": {"level": 1, "host": host, "summary": "host unreachable"}}),
    )
    .await;
    fault(&h, json!({"alarm": {"level": 3, "cluster": "terran", "tenant": "sys", "summary": "sys tenant slow"}})).await;

    let mut r: Driver = common::rig::ocp_driver(h.url());
    r.until("clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    r.until("the alarm count", |a| a.alarm_counts.is_some())
        .await;
    let screen = r.screen();
    assert!(
        header(&screen).contains("▲ 1 down 1 crit 1 warn"),
        "{screen}"
    );

    // The Clusters pane polls every 200 ms; the count is asked for once a minute.
    let first = r.app.pane(PaneKind::Clusters).last_ok;
    r.until("five more rounds", |a| {
        a.pane(PaneKind::Clusters).last_ok != first && a.last_refresh.is_some()
    })
    .await;
    for _ in 0..4 {
        let at = r.app.pane(PaneKind::Clusters).last_ok;
        r.until("a round", |a| a.pane(PaneKind::Clusters).last_ok != at)
            .await;
    }
    let s = state(&h).await;
    assert_eq!(
        s["requests"]["paths"]["/api/v2/alarm/alarms"]["requests"], 1,
        "{}",
        s["requests"]
    );

    // 6: the Alarms pane, worst first.
    r.code(KeyCode::Char('6'));
    r.until("alarms", |a| a.pane(PaneKind::Alarms).loaded).await;
    let rows = &r.app.pane(PaneKind::Alarms).table.rows;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].cells[0], "DOWN");
    assert_eq!(rows[0].cells[1], format!("host {host}"));
    assert_eq!(rows[1].cells[1], "cluster terran");
    assert_eq!(rows[2].cells[1], "tenant sys of terran");
    let screen = r.screen();
    assert!(
        screen.contains("6 Alarms") && screen.contains("CRITICAL") && screen.contains("clog disk"),
        "{screen}"
    );

    // Filter by level, then by target.
    r.code(KeyCode::Char('/'));
    r.typ("warning");
    r.code(KeyCode::Enter);
    assert_eq!(r.app.pane(PaneKind::Alarms).table.view.len(), 1);
    r.code(KeyCode::Esc);
    r.code(KeyCode::Char('/'));
    r.typ("terran");
    r.code(KeyCode::Enter);
    assert_eq!(r.app.pane(PaneKind::Alarms).table.view.len(), 2);
    r.code(KeyCode::Esc);
    r.code(KeyCode::Char('/'));
    r.typ("clog");
    r.code(KeyCode::Enter);
    assert_eq!(r.app.pane(PaneKind::Alarms).table.view.len(), 1);

    // t on the cluster alarm: the cluster's detail, over the Alarms pane (Esc comes back).
    r.code(KeyCode::Char('t'));
    let View::Detail(DetailTarget::Cluster(id)) = r.app.view().clone() else {
        panic!("{:?}", r.app.view());
    };
    r.until("the cluster", detail_loaded).await;
    let Some(ViewData::ClusterDetail(c)) = &r.app.detail.as_ref().unwrap().data else {
        panic!("cluster detail");
    };
    assert_eq!((c.cluster.id, c.cluster.name.as_str()), (id, "terran"));
    r.code(KeyCode::Esc);
    assert_eq!(r.app.view(), &View::Pane(PaneKind::Alarms));

    // Enter: the alarm's detail with its full description; Enter there opens its target.
    r.code(KeyCode::Enter);
    assert!(matches!(r.app.view(), View::Detail(DetailTarget::Alarm(_))));
    r.until("the alarm", detail_loaded).await;
    let screen = r.screen();
    assert!(
        screen.contains("Free space or add disk") && screen.contains("first seen"),
        "{screen}"
    );
    r.code(KeyCode::Enter);
    assert!(
        matches!(r.app.view(), View::Detail(DetailTarget::Cluster(i)) if *i == id),
        "{:?}",
        r.app.view()
    );

    // The host alarm: `:host IP` loads the Hosts pane first, then opens the host.
    r.code(KeyCode::Char('6'));
    r.until("alarms", |a| a.pane(PaneKind::Alarms).loaded).await;
    r.code(KeyCode::Esc);
    r.code(KeyCode::Char('/'));
    r.typ(&host);
    r.code(KeyCode::Enter);
    r.code(KeyCode::Char('t'));
    r.until("the host", |a| {
        matches!(a.view(), View::Detail(DetailTarget::Host(_))) && detail_loaded(a)
    })
    .await;
    let Some(ViewData::HostDetail(hd)) = &r.app.detail.as_ref().unwrap().data else {
        panic!("host detail");
    };
    assert_eq!(hd.ip.as_deref(), Some(host.as_str()));

    // The tenant alarm: the Tenants pane knows no tenants yet, so it opens filtered to it.
    r.code(KeyCode::Char('6'));
    r.until("alarms", |a| a.pane(PaneKind::Alarms).loaded).await;
    r.code(KeyCode::Esc);
    r.code(KeyCode::Char('/'));
    r.typ("sys tenant");
    r.code(KeyCode::Enter);
    r.code(KeyCode::Char('t'));
    assert_eq!(r.app.view(), &View::Pane(PaneKind::Tenants));
    assert_eq!(r.app.pane(PaneKind::Tenants).table.filter, "sys");

    // Resolving one: the pane's next round lists two and the header counts two.
    let id = r.app.pane(PaneKind::Alarms).table.rows[0]
        .id
        .parse::<i64>()
        .unwrap();
    fault(&h, json!({"alarm": {"resolve": id}})).await;
    r.code(KeyCode::Char('6'));
    r.until("two alarms", |a| {
        a.pane(PaneKind::Alarms).table.rows.len() == 2
            && a.alarm_counts.as_ref().is_some_and(|c| c.total() == 2)
    })
    .await;
    let screen = r.screen();
    assert!(header(&screen).contains("▲ 1 crit 1 warn"), "{screen}");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_alarm_no_count_and_the_events_pane_lists_the_accepted_writes() {
    let h = start().await;
    let c = reqwest::Client::new();
    let r = c
        .post(format!("{}/api/v2/tasks/instances/424242/retry", h.url()))
        .basic_auth("admin", Some("aaAA11__"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let mut r: Driver = common::rig::ocp_driver(h.url());
    r.until("clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    r.until("the alarm count", |a| a.alarm_counts.is_some())
        .await;
    let screen = r.screen();
    assert!(!header(&screen).contains('▲'), "{screen}");

    r.code(KeyCode::Char('7'));
    r.until("events", |a| a.pane(PaneKind::Events).loaded).await;
    let rows = &r.app.pane(PaneKind::Events).table.rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].cells[1], "admin");
    assert_eq!(rows[0].cells[2], "RETRY_TASK");
    assert_eq!(rows[0].cells[4], "FAILED");
    let screen = r.screen();
    assert!(
        screen.contains("7 Events") && screen.contains("RETRY_TASK"),
        "{screen}"
    );

    // :events FILTER filters it.
    r.code(KeyCode::Char(':'));
    r.typ("events SUCCESS");
    r.code(KeyCode::Enter);
    assert_eq!(r.app.pane(PaneKind::Events).table.view.len(), 0);
    r.code(KeyCode::Esc);

    r.code(KeyCode::Enter);
    assert!(matches!(r.app.view(), View::Detail(DetailTarget::Event(_))));
    r.until("the event", detail_loaded).await;
    let screen = r.screen();
    assert!(
        screen.contains(r#"{"taskId":424242}"#) && screen.contains("who"),
        "{screen}"
    );
    h.shutdown().await;
}
