//! Footer hints follow the state, and the `?` help: through the app and the UI
//! (TestBackend). The footer offers only what does something now (per pane, selection, task
//! state, task source and read-only profile), always keeps `?` and `q`, and the help scrolls,
//! wraps and lists every mode's keys.

use obtui::app::actions::{Action, Keymap};
use obtui::app::state::{App, Settings, View};
use obtui::config::Theme;
use obtui::model::inventory::Cluster;
use obtui::model::jobs::{TaskJob, ViewJob};
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui_task::{Backend, NodeStatus, TaskGraph, TaskNode, TaskState};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::{Duration, Instant};

pub fn app(read_only: bool) -> App {
    let settings = Settings {
        profile: "demo".into(),
        url: "http://127.0.0.1:8080".into(),
        user: "admin".into(),
        read_only,
        production: false,
        refresh: Duration::from_secs(5),
        demo: true,
        ascii: false,
        insecure: false,
    };
    let mut a = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    a.ocp_version = Some("4.2.2".into());
    a.has_obshell = true;
    a.frozen_now = Some(1_704_067_200_000);
    a
}

pub fn render(a: &mut App, w: u16, h: u16) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    term.draw(|f| drawn = Some(obtui::ui::draw(f, a))).unwrap();
    if let Some(d) = drawn {
        a.on_drawn(d);
    }
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect()
}

fn footer(a: &mut App, w: u16) -> String {
    render(a, w, 36).last().cloned().unwrap()
}

fn clusters(a: &mut App) {
    let cs = (1..=3)
        .map(|i| Cluster {
            id: i,
            name: format!("c{i}"),
            ..Cluster::default()
        })
        .collect();
    a.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: cs,
            running: Ok(vec![]),
        }),
        Instant::now(),
        0,
    );
}

/// A two-node task: the first node finished, the second in `last` state.
fn task(backend: Backend, status: TaskState, last: NodeStatus) -> TaskGraph {
    let mut g = TaskGraph::new("7", "Upgrade cluster", backend);
    let mut a = TaskNode::new("1", "Check versions");
    a.status = NodeStatus::Successful;
    let mut b = TaskNode::new("2", "Restart observer");
    b.status = last;
    b.upstreams = vec!["1".into()];
    g.nodes = vec![a, b];
    g.normalize();
    g.status = status;
    g
}

fn open(a: &mut App, g: TaskGraph) {
    let backend = g.backend;
    a.open_task(g.id.clone(), backend);
    a.on_task(
        TaskJob {
            task: g.id.clone(),
            backend,
        },
        Ok(g),
        Instant::now(),
    );
    assert!(matches!(a.view(), View::Dag(_)));
}

#[test]
fn the_clusters_footer_keeps_help_quit_and_scale_out_at_120_columns() {
    let mut a = app(false);
    clusters(&mut a);
    let f = footer(&mut a, 120);
    for want in ["? help", "q quit", "o scale out", "c create", "u upgrade"] {
        assert!(f.contains(want), "{want:?} missing: {f}");
    }
    // Esc does nothing on an unfiltered top-level pane: not offered.
    assert!(!f.contains("esc"), "{f}");
    // At 80 columns help and quit still show.
    let f = footer(&mut a, 80);
    assert!(f.contains("? help") && f.contains("q quit"), "{f}");
    // Without an obshell agent there is no scale-out to offer.
    a.has_obshell = false;
    assert!(!footer(&mut a, 120).contains("scale out"));
}

#[test]
fn read_only_hides_every_write_from_the_footer() {
    let mut a = app(true);
    clusters(&mut a);
    let f = footer(&mut a, 200);
    for gone in ["create", "take over", "upgrade", "scale out"] {
        assert!(!f.contains(gone), "{gone:?} offered read-only: {f}");
    }
    open(
        &mut a,
        task(Backend::Ocp, TaskState::Failed, NodeStatus::Failed),
    );
    let f = footer(&mut a, 200);
    assert!(!f.contains("retry"), "{f}");
}

#[test]
fn a_running_ocp_task_offers_no_task_retry() {
    let mut a = app(false);
    open(
        &mut a,
        task(Backend::Ocp, TaskState::Running, NodeStatus::Running),
    );
    let hints = a.hints();
    assert!(!hints.contains(&Action::RetryTask), "{hints:?}");
    assert!(!hints.contains(&Action::NextFailed), "{hints:?}");
    let f = footer(&mut a, 200);
    assert!(!f.contains("^t"), "{f}");
    assert!(f.contains("? help") && f.contains("q quit"), "{f}");
}

#[test]
fn a_failed_ocp_task_offers_its_retry_and_the_failed_subtasks() {
    let mut a = app(false);
    open(
        &mut a,
        task(Backend::Ocp, TaskState::Failed, NodeStatus::Failed),
    );
    let hints = a.hints();
    assert!(hints.contains(&Action::RetryTask), "{hints:?}");
    assert!(hints.contains(&Action::NextFailed), "{hints:?}");
    assert!(!hints.contains(&Action::CancelTask), "{hints:?}");
    assert!(footer(&mut a, 200).contains("^t retry task"));
}

#[test]
fn an_obshell_dag_offers_what_its_panel_offers() {
    let mut a = app(false);
    open(
        &mut a,
        task(Backend::Obshell, TaskState::Running, NodeStatus::Running),
    );
    let f = footer(&mut a, 200);
    assert!(!f.contains("^t"), "{f}");
    assert!(f.contains("^x cancel task"), "{f}");
    // The panel lists the same operation.
    let screen = render(&mut a, 200, 36).join("\n");
    assert!(screen.contains("^x cancel"), "{screen}");
}
