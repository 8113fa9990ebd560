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

fn key(a: &mut App, c: crossterm::event::KeyCode) {
    a.on_event(crossterm::event::Event::Key(
        crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE),
    ));
}

/// Page through the help overlay at `w`×`h` to its end; every page's text.
fn help_pages(a: &mut App, w: u16, h: u16) -> Vec<String> {
    use crossterm::event::KeyCode;
    key(a, KeyCode::Char('?'));
    let mut pages = vec![render(a, w, h).join("\n")];
    for _ in 0..2_000 {
        key(a, KeyCode::Char('j'));
        let p = render(a, w, h).join("\n");
        if pages.last() == Some(&p) {
            break;
        }
        pages.push(p);
    }
    pages
}

#[test]
fn help_wraps_scrolls_to_its_end_and_lists_every_registry_action() {
    for (w, h) in [(80u16, 24u16), (120, 36)] {
        let mut a = app(false);
        clusters(&mut a);
        let pages = help_pages(&mut a, w, h);
        assert!(pages.len() > 3, "help does not scroll at {w}x{h}");
        // The first page says there is more below, the last that it is the end.
        assert!(
            pages[0].contains(" of ") && pages[0].contains('↓'),
            "{}",
            pages[0]
        );
        let last = pages.last().unwrap();
        assert!(last.contains('↑') && !last.contains("↑↓"), "{last}");
        // Nothing is cut: every action's name, whole, on some page (a cut line loses its end).
        let all = pages.join("\n");
        for s in obtui::app::actions::SPECS {
            assert!(
                all.contains(&format!("[{}]", s.name)),
                "[{}] is never shown whole at {w}x{h}",
                s.name
            );
        }
        for section in [
            "Wizard form",
            "Wizard select list",
            "Task log (side panel and full screen)",
            "Full-screen log",
            "Task DAG view",
        ] {
            assert!(all.contains(section), "{section} missing at {w}x{h}");
        }
    }
}

#[test]
fn help_scroll_stops_at_the_last_line() {
    use crossterm::event::KeyCode;
    let mut a = app(false);
    let pages = help_pages(&mut a, 80, 24);
    let n = pages.len();
    // Far past the end, one step up moves at once (the scroll did not run on unseen).
    for _ in 0..50 {
        key(&mut a, KeyCode::Char('j'));
    }
    render(&mut a, 80, 24);
    key(&mut a, KeyCode::Char('k'));
    let up = render(&mut a, 80, 24).join("\n");
    assert_eq!(up, pages[n - 2]);
}

#[test]
fn the_header_says_polling_is_paused_while_a_wizard_is_open() {
    use crossterm::event::KeyCode;
    let mut a = app(false);
    clusters(&mut a);
    for w in [80u16, 120] {
        let head = render(&mut a, w, 24)[0].clone();
        assert!(head.contains("⟳ 5s") && !head.contains("paused"), "{head}");
    }
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.view(), &View::Wizard);
    for w in [80u16, 120, 200] {
        let head = render(&mut a, w, 24)[0].clone();
        assert!(
            head.contains("paused") && !head.contains('⟳'),
            "{w}: {head}"
        );
    }
    // The error history is not polled either.
    key(&mut a, KeyCode::Esc);
    let _ = render(&mut a, 120, 24);
    if a.view() == &View::Wizard {
        key(&mut a, KeyCode::Char('y'));
    }
    assert!(matches!(a.view(), View::Pane(_)));
    key(&mut a, KeyCode::Char('E'));
    assert!(render(&mut a, 120, 24)[0].contains("paused"));
}

#[test]
fn input_modes_and_dialogs_show_their_own_keys_only() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut a = app(false);
    clusters(&mut a);
    key(&mut a, KeyCode::Char('/'));
    let f = footer(&mut a, 120);
    assert!(
        f.contains("⏎ keep filter") && f.contains("esc clear"),
        "{f}"
    );
    assert!(!f.contains("create") && !f.contains("q quit"), "{f}");
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char(':'));
    let f = footer(&mut a, 120);
    assert!(f.contains("⏎ run") && f.contains("tab complete"), "{f}");
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('?'));
    let f = footer(&mut a, 120);
    assert!(f.contains("esc close") && !f.contains("create"), "{f}");
    key(&mut a, KeyCode::Esc);
    // A failed task's retry asks first: the dialog's footer offers its answers.
    open(
        &mut a,
        task(Backend::Ocp, TaskState::Failed, NodeStatus::Failed),
    );
    a.on_event(Event::Key(KeyEvent::new(
        KeyCode::Char('t'),
        KeyModifiers::CONTROL,
    )));
    assert!(a.dag.as_ref().unwrap().confirm.is_some());
    let f = footer(&mut a, 120);
    assert!(f.contains("y send") && f.contains("n do not send"), "{f}");
    assert!(!f.contains("retry"), "{f}");
}

/// The real binary at 120×36: the first screen's footer keeps help, quit and the scale-out;
/// the help says where it is; a wizard's header says polling is paused.
#[test]
fn the_demo_first_screen_help_and_a_wizard_in_tmux() {
    use crate::common::tmux::{bin, Tmux};
    const T: Duration = Duration::from_secs(30);
    let t = Tmux::start(
        "hints-120x36",
        120,
        36,
        &[
            ("LANG", "C.UTF-8"),
            ("TZ", "UTC"),
            ("XDG_CONFIG_HOME", "/nonexistent-obtui-test"),
        ],
        &[bin(), "demo"],
    );
    let s = t.wait_text("terran", T);
    let foot = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    for want in ["? help", "q quit", "o scale out", "c create"] {
        assert!(
            foot.contains(want),
            "{want:?} missing from the footer:\n{s}"
        );
    }
    t.keys(&["?"]);
    let s = t.wait_for("the help's position", T, |s| {
        s.contains(" of ") && s.contains('↓')
    });
    assert!(s.contains("[create_cluster]"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the help closed", T, |s| !s.contains("Keys —"));
    t.keys(&["c"]);
    let s = t.wait_for("the create wizard", T, |s| s.contains("› Create cluster"));
    let head = s.lines().next().unwrap();
    assert!(head.contains("paused") && !head.contains('⟳'), "{s}");
    t.keys(&["Escape"]);
    let s = t.wait_for("back on the clusters", T, |s| {
        s.lines().next().is_some_and(|h| h.contains('⟳'))
    });
    assert!(!s.lines().next().unwrap().contains("paused"), "{s}");
}

#[test]
fn at_80_columns_a_failed_tasks_footer_keeps_its_retry() {
    let mut a = app(false);
    open(
        &mut a,
        task(Backend::Ocp, TaskState::Failed, NodeStatus::Failed),
    );
    let f = footer(&mut a, 80);
    for want in ["^t retry task", "? help", "q quit"] {
        assert!(f.contains(want), "{want:?} missing: {f}");
    }
    // Nothing that would do nothing: no running node to jump to.
    assert!(!f.contains("running"), "{f}");
}
