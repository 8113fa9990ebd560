//! The live DAG view against the simulator: the real session (pollers, operations over HTTP)
//! drives the app state machine with key events, headless.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use obtui::app::actions::Keymap;
use obtui::app::state::{App, Settings, View};
use obtui::config::Theme;
use obtui::model::pane::PaneKind;
use obtui::runtime::Session;
use obtui_api::secret::Secret;
use obtui_sim::{self as sim, SimOptions};
use obtui_task::{NodeStatus, TaskState};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::mpsc;

use crate::common;

use common::rig::Driver;

const DEADLINE: Duration = Duration::from_secs(30);

/// The app and a real session against the simulator at `url`, with an audit log if given.
fn rig(url: String, audit: Option<std::path::PathBuf>) -> Driver {
    let r = common::resolved("test", url, Duration::from_millis(200));
    let (tx, rx) = mpsc::channel(64);
    let mut session = Session::start(&r, Secret::new("aaAA11__"), None, &tx).unwrap();
    if let Some(p) = audit {
        session = session.with_audit(
            std::sync::Arc::new(obtui::audit::AuditLog::at(p)),
            "test",
            "admin",
        );
    }
    let settings = Settings {
        profile: "test".into(),
        url: r.url.clone(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_millis(200),
        demo: true,
        ascii: false,
        insecure: false,
    };
    let app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    Driver::new(app, session, rx, DEADLINE)
}

fn graph_status(app: &App) -> Option<TaskState> {
    app.dag.as_ref()?.graph().map(|g| g.status.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_subtask_is_retried_from_the_dag_view_and_the_task_turns_green() {
    let h = sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions {
            speed: 100.0,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let audit =
        std::env::temp_dir().join(format!("obtui-dag-live-audit-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&audit);
    let mut r = rig(h.url(), Some(audit.clone()));
    // The tasks pane, then the seeded FAILED upgrade.
    r.press(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE));
    r.until("tasks", |a| a.pane(PaneKind::Tasks).loaded).await;
    let failed = {
        let t = &r.app.pane(PaneKind::Tasks).table;
        t.view
            .iter()
            .position(|&i| t.rows[i].cells[2] == "FAILED")
            .expect("a failed task")
    };
    r.app.pane_mut(PaneKind::Tasks).table.selected = failed;
    r.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(matches!(r.app.view(), View::Dag(_)));
    r.until("the graph", |a| graph_status(a) == Some(TaskState::Failed))
        .await;

    // `f` selects the failed node; its log arrives by the log poller.
    r.press(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE));
    let node = r.app.dag.as_ref().unwrap().selected_node().unwrap().clone();
    assert_eq!(node.status, NodeStatus::Failed);
    r.until("the failed node's log", |a| {
        a.dag.as_ref().is_some_and(|d| !d.log.is_empty())
    })
    .await;

    // Retry the subtask: the dialog defaults to Cancel, so Enter alone sends nothing.
    r.press(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT));
    assert!(r.app.dag.as_ref().unwrap().confirm.is_some());
    r.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(r.app.dag.as_ref().unwrap().confirm.is_none());
    // Two more polls after the cancelled dialog: a retry would have shown by then.
    let before = r.app.dag.as_ref().and_then(|d| d.last_poll);
    for _ in 0..2 {
        let mark = r.app.dag.as_ref().and_then(|d| d.last_poll);
        r.until("a poll after cancel", |a| {
            a.dag.as_ref().and_then(|d| d.last_poll) != mark
        })
        .await;
    }
    assert_ne!(r.app.dag.as_ref().and_then(|d| d.last_poll), before);
    assert_eq!(
        graph_status(&r.app),
        Some(TaskState::Failed),
        "Enter on Cancel must not retry"
    );

    r.press(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT));
    r.press(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    r.until("the task to succeed", |a| {
        graph_status(a) == Some(TaskState::Successful)
    })
    .await;
    let g = r.app.dag.as_ref().unwrap().graph().unwrap().clone();
    let n = g.nodes.iter().find(|n| n.id == node.id).unwrap();
    assert_eq!(n.status, NodeStatus::Successful);
    assert!(n.run_count >= 2, "retried: {}", n.run_count);

    // Exactly one write reached the audit log: the retry, with its path, and nothing secret.
    let text = std::fs::read_to_string(&audit).expect("audit log written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["method"], "POST");
    assert!(
        v["path"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/subtasks/{}/retry", node.id)),
        "{v}"
    );
    assert_eq!(v["profile"], "test");
    assert!(!text.contains("aaAA11__"));
    let _ = std::fs::remove_file(&audit);

    // Closing the view stops its polling.
    r.press(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    assert!(r.app.dag.is_none());
    assert!(r.app.task_job().is_none() && r.app.log_job().is_none());
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_the_rules_forbid_is_refused_with_the_reason_and_not_sent() {
    let h = sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions {
            speed: 1.0,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut r = rig(h.url(), None);
    r.press(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE));
    r.until("tasks", |a| a.pane(PaneKind::Tasks).loaded).await;
    // The seeded running upgrade sorts first.
    r.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    r.until("the running graph", |a| {
        graph_status(a) == Some(TaskState::Running)
    })
    .await;
    r.press(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
    assert!(
        r.app.dag.as_ref().unwrap().confirm.is_none(),
        "no dialog for a forbidden retry"
    );
    let flash = r
        .app
        .notify
        .flashes
        .back()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(
        flash.contains("FAILED"),
        "the reason names the rule: {flash}"
    );
    h.shutdown().await;
}

/// A write whose audit line cannot be written is refused before it is sent (the default,
/// `audit_required = true`): with audit.log replaced by a directory, a retry says why and the
/// server never sees it (the failed node stays failed, its run count unchanged).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_cannot_be_audited_is_refused_before_it_is_sent() {
    let h = sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions {
            speed: 100.0,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The audit log's path is a directory: no line can be appended.
    let audit = std::env::temp_dir().join(format!("obtui-dag-audit-dir-{}", std::process::id()));
    std::fs::create_dir_all(&audit).unwrap();
    let mut r = rig(h.url(), Some(audit.clone()));
    r.press(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE));
    r.until("tasks", |a| a.pane(PaneKind::Tasks).loaded).await;
    let failed = {
        let t = &r.app.pane(PaneKind::Tasks).table;
        t.view
            .iter()
            .position(|&i| t.rows[i].cells[2] == "FAILED")
            .expect("a failed task")
    };
    r.app.pane_mut(PaneKind::Tasks).table.selected = failed;
    r.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    r.until("the graph", |a| graph_status(a) == Some(TaskState::Failed))
        .await;
    r.press(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE));
    let node = r.app.dag.as_ref().unwrap().selected_node().unwrap().clone();
    assert_eq!(node.status, NodeStatus::Failed);

    r.press(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT));
    r.press(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    r.until("the answer to the retry", |a| {
        a.dag
            .as_ref()
            .is_some_and(|d| d.pending.is_none() && d.notice().is_some())
    })
    .await;
    let notice = r.app.dag.as_ref().unwrap().notice().unwrap().1.to_string();
    assert!(
        notice.contains("audit log") && notice.contains("not sent"),
        "the refusal names the audit log: {notice}"
    );
    // Two more polls: a retry that went out would show by then.
    for _ in 0..2 {
        let mark = r.app.dag.as_ref().and_then(|d| d.last_poll);
        r.until("a poll", |a| {
            a.dag.as_ref().and_then(|d| d.last_poll) != mark
        })
        .await;
    }
    let g = r.app.dag.as_ref().unwrap().graph().unwrap().clone();
    let n = g.nodes.iter().find(|n| n.id == node.id).unwrap();
    assert_eq!(n.status, NodeStatus::Failed, "the retry reached the server");
    assert_eq!(n.run_count, node.run_count);
    let _ = std::fs::remove_dir_all(&audit);
    h.shutdown().await;
}

/// The notice of the DAG view, if any.
fn dag_notice(app: &App) -> String {
    app.dag
        .as_ref()
        .and_then(|d| d.notice.as_ref().map(|n| n.1.clone()))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_whose_answer_is_lost_after_the_server_acted_is_unknown_then_reconciled() {
    let h = sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions {
            speed: 100.0,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let audit = std::env::temp_dir().join(format!(
        "obtui-dag-unknown-audit-{}.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&audit);
    let mut r = rig(h.url(), Some(audit.clone()));
    r.press(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE));
    r.until("tasks", |a| a.pane(PaneKind::Tasks).loaded).await;
    let failed = {
        let t = &r.app.pane(PaneKind::Tasks).table;
        t.view
            .iter()
            .position(|&i| t.rows[i].cells[2] == "FAILED")
            .expect("a failed task")
    };
    r.app.pane_mut(PaneKind::Tasks).table.selected = failed;
    r.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    r.until("the graph", |a| graph_status(a) == Some(TaskState::Failed))
        .await;
    // The server retries the task, then a gateway answers an empty 502 (and, the second
    // time, the connection is cut): both are "outcome unknown", never "failed".
    let resp = reqwest::Client::new()
        .post(format!("{}/sim/faults", h.url()))
        .json(&serde_json::json!({"lose_count": 1, "lose_status": 502,
            "path_prefix": "/api/v2/tasks/instances"}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    r.press(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
    assert!(r.app.dag.as_ref().unwrap().confirm.is_some());
    r.press(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    r.until("the answer", |a| {
        let n = dag_notice(a);
        n.contains("outcome unknown") || n.contains("took effect") || n.contains("failed")
    })
    .await;
    assert!(
        !dag_notice(&r.app).contains("failed"),
        "{}",
        dag_notice(&r.app)
    );
    r.until("the reconciliation", |a| {
        dag_notice(a).contains("took effect")
    })
    .await;
    assert!(
        dag_notice(&r.app).starts_with("retry of the task"),
        "{}",
        dag_notice(&r.app)
    );
    let text = std::fs::read_to_string(&audit).expect("audit log written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["outcome"], "unknown", "{v}");
    let _ = std::fs::remove_file(&audit);
    h.shutdown().await;
}
