//! A screen's secondary requests (the clusters pane's running tasks, the cluster detail's
//! tenants, servers and tasks) have their own freshness: when one fails, its last good value
//! stays, marked stale (or "unknown" when there never was one), and its error reaches the footer
//! and the error history once, with its status, message and traceId. Driven against the
//! simulator with its fault injection (`/sim/faults` with `path_prefix`).

use obtui::app::actions::Keymap;
use obtui::app::state::{App, Settings, View};
use obtui::config::Theme;
use obtui::model::pane::PaneKind;
use obtui::runtime::Session;
use obtui_api::secret::Secret;
use obtui_sim::{self as sim, SimHandle, SimOptions};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::mpsc;

use crate::common;
use common::rig::Driver;

type Rig = common::rig::Rig<SimHandle>;

/// The RUNNING TASK column of the clusters pane.
const RUNNING_COL: usize = 9;

async fn rig() -> Rig {
    rig_with_faults(None).await
}

/// A rig whose simulator has `faults` in place before the session's first request.
async fn rig_with_faults(faults: Option<serde_json::Value>) -> Rig {
    let sim = sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .expect("simulator");
    if let Some(f) = faults {
        post(&sim, "/sim/faults", f).await;
    }
    let resolved = common::resolved("parts", sim.url(), Duration::from_millis(150));
    let settings = Settings {
        profile: "parts".into(),
        url: sim.url(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: resolved.refresh,
        demo: true,
        ascii: false,
        insecure: false,
    };
    let (tx, rx) = mpsc::channel(64);
    let session = Session::start(&resolved, Secret::new("aaAA11__"), None, &tx).expect("session");
    let app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    Rig {
        server: sim,
        d: Driver::new(app, session, rx, Duration::from_secs(30)),
    }
}

async fn post(sim: &SimHandle, path: &str, body: serde_json::Value) -> serde_json::Value {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sim.url()))
        .json(&body)
        .send()
        .await
        .expect("control request");
    assert!(r.status().is_success(), "HTTP {}", r.status());
    r.json().await.unwrap_or(serde_json::Value::Null)
}

async fn stop(r: Rig) {
    drop(r.d);
    r.server.shutdown().await;
}

fn running_cell(app: &App, cluster: &str) -> Option<String> {
    app.pane(PaneKind::Clusters)
        .table
        .rows
        .iter()
        .find(|r| r.id == cluster)
        .and_then(|r| r.cells.get(RUNNING_COL).cloned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_running_task_list_keeps_the_column_marked_stale_and_reports_once() {
    let mut r = rig().await;
    // A long task running on the first cluster.
    let task = post(
        &r.server,
        "/sim/tasks",
        serde_json::json!({"subtasks": 300}),
    )
    .await;
    let task_id = task["id"].as_i64().expect("task id");
    let want = format!("#{task_id} ");
    r.until("the running task in its cluster's row", |a| {
        a.pane(PaneKind::Clusters).table.rows.iter().any(|row| {
            row.cells
                .get(RUNNING_COL)
                .is_some_and(|c| c.starts_with(&want))
        })
    })
    .await;
    let cluster = r
        .app
        .pane(PaneKind::Clusters)
        .table
        .rows
        .iter()
        .find(|row| {
            row.cells
                .get(RUNNING_COL)
                .is_some_and(|c| c.starts_with(&want))
        })
        .map(|row| row.id.clone())
        .expect("the row");
    assert!(r.app.notify.errors.is_empty());

    // One failed round of the running-task list.
    post(
        &r.server,
        "/sim/faults",
        serde_json::json!({"error_status": 500, "error_count": 1, "path_prefix": "/api/v2/tasks"}),
    )
    .await;
    r.until("the running-task list's error in the history", |a| {
        !a.notify.errors.is_empty()
    })
    .await;
    // The column keeps its last good value, and says it is stale.
    let cell = running_cell(&r.app, &cluster).expect("the row is still there");
    assert!(cell.starts_with(&want), "RUNNING TASK became {cell:?}");
    let screen = r.screen();
    assert!(
        screen.contains("running tasks stale since"),
        "no stale mark:\n{screen}"
    );
    // The footer and the history carry the error: status, message, traceId; once.
    assert_eq!(r.app.notify.errors.len(), 1, "{:?}", r.app.notify.errors);
    let e = &r.app.notify.errors[0];
    assert!(e.message.contains("HTTP 500"), "{e:?}");
    assert!(e.trace_id.is_some(), "no traceId: {e:?}");
    assert!(e.context.contains("running tasks"), "{e:?}");
    let footer = r.app.notify.current().map(|f| f.text.clone());
    assert!(
        footer.as_deref().is_some_and(|f| f.contains("HTTP 500")),
        "footer: {footer:?}"
    );

    // The next good round clears the mark; nothing more in the history.
    r.until("the running tasks fresh again", |a| {
        a.pane(PaneKind::Clusters).parts.is_empty()
    })
    .await;
    let screen = r.screen();
    assert!(!screen.contains("stale since"), "{screen}");
    assert_eq!(r.app.notify.errors.len(), 1);
    stop(r).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_task_list_that_never_loaded_says_unknown() {
    let mut r = rig_with_faults(Some(serde_json::json!(
        {"error_status": 503, "error_count": 100000, "path_prefix": "/api/v2/tasks"}
    )))
    .await;
    r.until("the clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    let first = r.app.pane(PaneKind::Clusters).table.rows[0].id.clone();
    assert_eq!(running_cell(&r.app, &first).as_deref(), Some("unknown"));
    let screen = r.screen();
    assert!(screen.contains("running tasks unknown"), "{screen}");
    assert!(screen.contains("running task: unknown"), "{screen}");
    assert!(r
        .app
        .notify
        .errors
        .iter()
        .all(|e| e.message.contains("HTTP 503")));
    assert!(!r.app.notify.errors.is_empty());
    stop(r).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_tenant_list_does_not_show_as_no_tenants() {
    let mut r = rig().await;
    r.until("the clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    // The detail of the selected cluster.
    r.code(crossterm::event::KeyCode::Enter);
    let id = match r.app.view() {
        View::Detail(obtui::app::state::DetailTarget::Cluster(id)) => *id,
        v => panic!("not a cluster detail: {v:?}"),
    };
    r.until("the detail with its tenants", |a| {
        a.detail.as_ref().is_some_and(|d| {
            matches!(&d.data, Some(obtui::model::view::ViewData::ClusterDetail(c))
                if c.tenants.as_ref().is_ok_and(|t| !t.is_empty()))
        })
    })
    .await;
    let screen = r.screen();
    let header = screen
        .lines()
        .find_map(|l| l.find("Tenants (").map(|i| l[i..].to_string()))
        .expect("a tenants section");
    let count = header
        .trim_start_matches("Tenants (")
        .split(')')
        .next()
        .unwrap_or("")
        .to_string();
    assert_ne!(count, "0");

    post(
        &r.server,
        "/sim/faults",
        serde_json::json!({"error_status": 500, "error_count": 1,
            "path_prefix": format!("/api/v2/ob/clusters/{id}/tenants")}),
    )
    .await;
    r.until("the tenant list's error in the history", |a| {
        !a.notify.errors.is_empty()
    })
    .await;
    let screen = r.screen();
    assert!(!screen.contains("Tenants (0)"), "{screen}");
    assert!(
        screen.contains(&format!("Tenants ({count}) — stale since")),
        "{screen}"
    );
    assert_eq!(r.app.notify.errors.len(), 1);
    let e = &r.app.notify.errors[0];
    assert!(e.context.contains("tenants"), "{e:?}");
    assert!(
        e.message.contains("HTTP 500") && e.trace_id.is_some(),
        "{e:?}"
    );
    let footer = r.app.notify.current().map(|f| f.text.clone());
    assert!(
        footer.as_deref().is_some_and(|f| f.contains("tenants")),
        "footer: {footer:?}"
    );

    // Never loaded: "unknown", not an empty list.
    post(
        &r.server,
        "/sim/faults",
        serde_json::json!({"error_status": 500, "error_count": 100000,
            "path_prefix": format!("/api/v2/ob/clusters/{id}/tenants")}),
    )
    .await;
    r.code(crossterm::event::KeyCode::Esc);
    r.code(crossterm::event::KeyCode::Enter);
    r.until("the detail again", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    let screen = r.screen();
    assert!(screen.contains("Tenants — unknown"), "{screen}");
    assert!(!screen.contains("Tenants (0)"), "{screen}");
    stop(r).await;
}
