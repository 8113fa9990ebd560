//! The DAG header's ETA against the simulator: a rollback shows no figure until it has
//! rolled something back (the forward run's durations say nothing about an undo).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use obtui::app::state::{App, View};
use obtui::model::pane::PaneKind;
use obtui_sim::{self as sim, SimOptions};
use obtui_task::{NodeOp, NodeStatus, TaskState};
use std::net::SocketAddr;
use std::time::Duration;

use crate::common;
use common::rig::Driver;

fn rig(url: String) -> Driver {
    common::rig::ocp_driver(url)
}

fn header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains('#'))
        .unwrap_or("")
        .to_string()
}

fn rolled_back(a: &App) -> usize {
    a.dag.as_ref().and_then(|d| d.graph()).map_or(0, |g| {
        g.nodes
            .iter()
            .filter(|n| n.operation == NodeOp::Rollback && n.status == NodeStatus::Successful)
            .count()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_shows_eta_unknown_until_it_has_rolled_something_back() {
    let h = sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions {
            clock: obtui_sim::Clock::manual_now(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut r = rig(h.url());
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
    r.until("the graph", |a| {
        a.dag
            .as_ref()
            .and_then(|d| d.graph())
            .map(|g| g.status.clone())
            == Some(TaskState::Failed)
    })
    .await;
    // The forward run has finished nodes with real durations.
    assert!(r
        .app
        .dag
        .as_ref()
        .and_then(|d| d.graph())
        .is_some_and(|g| g.nodes.iter().any(|n| n.status == NodeStatus::Successful)));

    r.press(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL));
    r.press(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    r.until("the rollback to run", |a| {
        a.dag
            .as_ref()
            .and_then(|d| d.graph())
            .is_some_and(|g| g.operation == NodeOp::Rollback && g.status == TaskState::Running)
    })
    .await;
    // The clock stands still: nothing is rolled back yet, so no figure is offered.
    assert_eq!(rolled_back(&r.app), 0);
    let head = header(&r.screen());
    assert!(head.contains("ETA unknown"), "{head}");

    // Step the clock until the rollback ends: once over, no ETA at all.
    for _ in 0..600 {
        let polls = r.app.dag.as_ref().map(|d| d.last_poll);
        h.advance(Duration::from_secs(2));
        r.until("a poll", |a| a.dag.as_ref().map(|d| d.last_poll) != polls)
            .await;
        let done = r
            .app
            .dag
            .as_ref()
            .and_then(|d| d.graph())
            .is_some_and(|g| g.status.is_finished());
        if done {
            break;
        }
    }
    let g = r.app.dag.as_ref().and_then(|d| d.graph()).unwrap().clone();
    assert_eq!(g.status, TaskState::RolledBack, "{:?}", g.status);
    let head = header(&r.screen());
    assert!(!head.contains("ETA"), "{head}");
    h.shutdown().await;
}
