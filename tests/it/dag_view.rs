//! The live task DAG view: screens (insta snapshots over TestBackend) and behaviour
//! (keys routed through the registry, polls, writes behind a confirmation, the log buffer).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use obtui::app::actions::{Action, Key, Keymap};
use obtui::app::dag::log::{MAX_BYTES, MAX_LINES};
use obtui::app::dag::{DagEffect, DagMode, DagView};
use obtui::app::state::Level;
use obtui::config::Theme;
use obtui_api::ocp::models::TaskInstance;
use obtui_task::gen::{generate_ocp_like, generate_wide};
use obtui_task::{Backend, NodeOp, NodeStatus, Op, TaskGraph, TaskNode, TaskState};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::time::{Duration, Instant};

/// 2024-10-10T09:20:00Z: every running duration is measured against this.
const NOW: i64 = 1_728_552_000_000;

/// `(id, upstreams, status)`; names are `step-<id>`. Finished nodes took 12 s, running
/// ones started 95 s before NOW.
fn graph(spec: &[(&str, &[&str], NodeStatus)]) -> TaskGraph {
    let mut g = TaskGraph::new("42", "Demo task", Backend::Ocp);
    for (i, (id, ups, st)) in spec.iter().enumerate() {
        let mut n = TaskNode::new(*id, format!("step-{id}"));
        n.series_id = Some(i as i64);
        n.upstreams = ups.iter().map(|s| s.to_string()).collect();
        n.status = st.clone();
        n.run_count = u32::from(!st.is_waiting());
        n.timeout_secs = Some(600);
        match st {
            NodeStatus::Successful | NodeStatus::Failed => {
                n.started = Some(NOW - 600_000 + i as i64 * 20_000);
                n.finished = n.started.map(|s| s + 12_000);
            }
            NodeStatus::Running | NodeStatus::Canceling => n.started = Some(NOW - 95_000),
            _ => {}
        }
        g.nodes.push(n);
    }
    g.normalize();
    let failed = g.nodes.iter().any(|n| n.status == NodeStatus::Failed);
    let running = g.nodes.iter().any(|n| !n.status.is_finished());
    g.status = if failed {
        TaskState::Failed
    } else if running {
        TaskState::Running
    } else {
        TaskState::Successful
    };
    g.started = Some(NOW - 600_000);
    g
}

use NodeStatus::{Failed, Pending, Ready, Running, Successful};

fn chain() -> TaskGraph {
    graph(&[
        ("1", &[], Successful),
        ("2", &["1"], Successful),
        ("3", &["2"], Running),
        ("4", &["3"], Pending),
    ])
}

fn diamond() -> TaskGraph {
    graph(&[
        ("a", &[], Successful),
        ("b", &["a"], Successful),
        ("c", &["a"], Running),
        ("d", &["b", "c"], Pending),
    ])
}

fn fan() -> TaskGraph {
    graph(&[
        ("s0", &[], Successful),
        ("s1", &["s0"], Successful),
        ("u0", &["s1"], Successful),
        ("u1", &["s1"], Running),
        ("u2", &["s1"], Ready),
        ("s2", &["u0", "u1", "u2"], Pending),
        ("s3", &["s2"], Pending),
    ])
}

fn failed_with_blocked_tail() -> TaskGraph {
    graph(&[
        ("p", &[], Successful),
        ("q", &["p"], Successful),
        ("r", &["q"], Failed),
        ("s", &["q"], Successful),
        ("t", &["r", "s"], Pending),
        ("u", &["t"], Pending),
    ])
}

fn rollback_in_progress() -> TaskGraph {
    let mut g = graph(&[
        ("1", &[], Successful),
        ("2", &["1"], Successful),
        ("3", &["2"], Running),
        ("4", &["3"], Failed),
        ("5", &["4"], Pending),
    ]);
    g.status = TaskState::Running;
    g.operation = NodeOp::Rollback;
    for n in &mut g.nodes[1..4] {
        n.operation = NodeOp::Rollback;
    }
    g.nodes[3].run_count = 3;
    g.nodes[3].operation = NodeOp::Retry;
    g.nodes[0].operation = NodeOp::Skip;
    g
}

fn seed(name: &str) -> TaskGraph {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seeds")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let t: TaskInstance = serde_json::from_value(v["data"].clone()).unwrap();
    TaskGraph::from(&t)
}

fn obshell_failed() -> TaskGraph {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/task/dag-scale-out-failed.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    TaskGraph::from_obshell_dag(&v).unwrap()
}

fn theme() -> Theme {
    Theme::builtin_default()
}

fn view(g: TaskGraph) -> DagView {
    let mut v = DagView::new(g.id.clone(), g.backend);
    let at = Instant::now();
    v.clock = Some(at);
    v.on_graph(g, at);
    v
}

fn render_opts(v: &mut DagView, w: u16, h: u16, ascii: bool) -> String {
    render_at(v, w, h, ascii, NOW)
}

/// Generated graphs carry their own clock: render them at their latest time.
fn render_gen(v: &mut DagView, w: u16, h: u16) -> String {
    let now = v.graph().and_then(|g| g.latest_time()).unwrap_or(NOW) + 5_000;
    render_at(v, w, h, false, now)
}

fn render_at(v: &mut DagView, w: u16, h: u16, ascii: bool, now: i64) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let t = theme();
    let mut drawn = None;
    term.draw(|f| drawn = Some(obtui::ui::dag::draw(f, f.area(), v, &t, ascii, now)))
        .unwrap();
    if let Some(d) = drawn {
        v.on_drawn(d);
    }
    let buf = term.backend().buffer().clone();
    let mut text = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn render(v: &mut DagView, w: u16, h: u16) -> String {
    render_opts(v, w, h, false)
}

/// A key as the app routes it: modal states first, then the registry.
fn press(v: &mut DagView, code: KeyCode, mods: KeyModifiers, read_only: bool) -> Vec<DagEffect> {
    let ev = KeyEvent::new(code, mods);
    if let Some(fx) = v.on_key(ev) {
        return fx;
    }
    let km = Keymap::defaults();
    let Some(k) = Key::from_event(&ev) else {
        return vec![];
    };
    match km.lookup(&v.scopes(), k) {
        Some(Action::Open) | None if code == KeyCode::Enter => v.perform(Action::Open, read_only),
        Some(a) => v.perform(a, read_only),
        None => vec![],
    }
}

fn key(v: &mut DagView, c: char) -> Vec<DagEffect> {
    press(v, KeyCode::Char(c), KeyModifiers::NONE, false)
}

fn sel(v: &DagView) -> String {
    v.selected_node().map(|n| n.id.clone()).unwrap_or_default()
}

fn select(v: &mut DagView, id: &str) {
    for _ in 0..v.graph().map_or(0, |g| g.nodes.len()) + 1 {
        if sel(v) == id {
            return;
        }
        key(v, 'l');
        if sel(v) == id {
            return;
        }
        key(v, 'j');
    }
    // Fall back to search by id.
    key(v, '/');
    for c in id.chars() {
        key(v, c);
    }
    press(v, KeyCode::Enter, KeyModifiers::NONE, false);
    assert_eq!(sel(v), id, "could not select {id}");
}

// ----- screens -----

#[test]
fn screens_of_basic_shapes() {
    for (name, g, w, h) in [
        ("chain", chain(), 100, 16),
        ("diamond", diamond(), 100, 16),
        ("fan_out_fan_in", fan(), 120, 20),
        ("failed_blocked_tail", failed_with_blocked_tail(), 110, 20),
        ("rollback_in_progress", rollback_in_progress(), 100, 18),
    ] {
        let mut v = view(g);
        insta::assert_snapshot!(name, render(&mut v, w, h));
    }
}

#[test]
fn screens_of_the_seed_tasks() {
    for (name, file) in [
        ("seed_takeover", "takeover.response.json"),
        ("seed_cluster_create", "cluster-create.response.json"),
        ("seed_cluster_upgrade", "cluster-upgrade.response.json"),
    ] {
        let mut v = view(seed(file));
        insta::assert_snapshot!(name, render(&mut v, 120, 40));
    }
}

#[test]
fn screens_at_80x24_and_160x48_list_and_ascii() {
    let g = generate_ocp_like(60, 7);
    let mut v = view(g.clone());
    insta::assert_snapshot!("generated_80x24", render_gen(&mut v, 80, 24));
    insta::assert_snapshot!("generated_160x48", render_gen(&mut v, 160, 48));
    key(&mut v, 'v');
    assert_eq!(v.mode, DagMode::List);
    insta::assert_snapshot!("generated_list_120x30", render_gen(&mut v, 120, 30));
    let mut v = view(fan());
    insta::assert_snapshot!("fan_ascii", render_opts(&mut v, 100, 18, true));
    let mut v = view(obshell_failed());
    insta::assert_snapshot!("obshell_failed_120x30", render(&mut v, 120, 30));
    // A wide fan-out collapses into an aggregate node with counts and a bar.
    let mut w = generate_wide(14, 5);
    w.nodes[4].status = Failed;
    w.nodes[4].finished = w.nodes[4].started.map(|s| s + 3_000);
    let mut v = view(w);
    insta::assert_snapshot!("aggregate_120x16", render_gen(&mut v, 120, 16));
}

#[test]
fn screens_of_dialog_stale_and_full_log() {
    let mut v = view(failed_with_blocked_tail());
    assert_eq!(sel(&v), "r", "a failed node is selected first");
    key(&mut v, 'T');
    assert!(v.confirm.is_some());
    insta::assert_snapshot!("confirm_retry_100x24", render(&mut v, 100, 24));
    press(&mut v, KeyCode::Esc, KeyModifiers::NONE, false);

    let at = v.clock.unwrap();
    v.on_error("HTTP 502 Bad Gateway (traceId 9f8e)".into(), at);
    v.clock = Some(at + Duration::from_secs(12));
    insta::assert_snapshot!("stale_100x20", render(&mut v, 100, 20));

    v.on_log(
        "r",
        "2024-10-10 09:19:01 start\n2024-10-10 09:19:02 \x1b[31mERROR\x1b[0m disk full\n",
    );
    key(&mut v, 'L');
    assert!(v.log_full);
    insta::assert_snapshot!("full_log_80x12", render(&mut v, 80, 12));
    press(&mut v, KeyCode::Esc, KeyModifiers::NONE, false);
    assert!(!v.log_full);
}

#[test]
fn tiny_and_narrow_areas_do_not_panic() {
    let mut v = view(generate_ocp_like(200, 3));
    for (w, h) in [(1, 1), (20, 6), (40, 12), (60, 30), (71, 24), (300, 5)] {
        render(&mut v, w, h);
    }
    let mut v = DagView::new("9".into(), Backend::Ocp);
    assert!(render(&mut v, 60, 10).contains("loading task 9"));
    v.on_error("connection refused".into(), Instant::now());
    assert!(render(&mut v, 60, 10).contains("cannot load task 9: connection refused"));
}

// ----- navigation -----

#[test]
fn j_k_follow_edges_and_h_l_move_across_a_layer() {
    let mut v = view(diamond());
    // The running node is selected first.
    assert_eq!(sel(&v), "c");
    key(&mut v, 'g');
    assert_eq!(sel(&v), "a");
    key(&mut v, 'j');
    let first = sel(&v);
    assert!(first == "b" || first == "c");
    key(&mut v, 'l');
    assert_eq!(sel(&v), "c");
    key(&mut v, 'l');
    assert_eq!(sel(&v), "c", "no node right of c");
    key(&mut v, 'h');
    assert_eq!(sel(&v), "b");
    key(&mut v, 'l');
    key(&mut v, 'j');
    assert_eq!(sel(&v), "d");
    // Back up the branch we came down.
    key(&mut v, 'k');
    assert_eq!(sel(&v), "c");
    key(&mut v, 'k');
    assert_eq!(sel(&v), "a");
    key(&mut v, 'k');
    assert_eq!(sel(&v), "a", "a root has no upstream");
    key(&mut v, 'G');
    assert_eq!(sel(&v), "d");
    // Arrow keys are the same actions.
    press(&mut v, KeyCode::Up, KeyModifiers::NONE, false);
    assert!(sel(&v) == "b" || sel(&v) == "c");
}

#[test]
fn f_and_r_jump_to_failed_and_running_nodes() {
    let mut g = graph(&[
        ("1", &[], Successful),
        ("2", &["1"], Failed),
        ("3", &["1"], Running),
        ("4", &["1"], Failed),
        ("5", &["2", "3", "4"], Pending),
    ]);
    g.status = TaskState::Failed;
    let mut v = view(g);
    key(&mut v, 'g');
    let fx = key(&mut v, 'f');
    assert_eq!(sel(&v), "2");
    assert_eq!(fx, vec![DagEffect::Flash(Level::Info, "FAILED 1/2".into())]);
    key(&mut v, 'f');
    assert_eq!(sel(&v), "4");
    key(&mut v, 'f');
    assert_eq!(sel(&v), "2", "wraps");
    key(&mut v, 'F');
    assert_eq!(sel(&v), "4");
    key(&mut v, 'r');
    assert_eq!(sel(&v), "3");
    let mut v = view(chain());
    let fx = key(&mut v, 'f');
    assert_eq!(
        fx,
        vec![DagEffect::Flash(Level::Info, "no FAILED node".into())]
    );
}

#[test]
fn an_identical_poll_leaves_the_view_untouched_but_fresh() {
    let g = fan();
    let mut v = view(g.clone());
    let gen = v.layout_generation();
    select(&mut v, "u2");
    render(&mut v, 120, 20);
    let (scroll, before) = (v.scroll(), v.graph().cloned());
    v.on_error("timeout".into(), Instant::now());
    assert!(v.stale.is_some());
    let at = Instant::now();
    v.on_graph(g.clone(), at);
    assert_eq!(v.layout_generation(), gen);
    assert_eq!(v.graph().cloned(), before);
    assert_eq!(sel(&v), "u2");
    assert_eq!(v.scroll(), scroll);
    assert!(v.stale.is_none(), "a good poll clears the stale mark");
    assert_eq!(v.last_poll, Some(at));
}

#[test]
fn selection_survives_a_status_only_poll_without_relayout() {
    let g = fan();
    let mut v = view(g.clone());
    let gen = v.layout_generation();
    select(&mut v, "u2");
    render(&mut v, 120, 20);
    let scroll = v.scroll();
    // Same topology, new statuses: no relayout, same selection, nothing moves.
    let mut g2 = g.clone();
    g2.nodes[4].status = Running;
    g2.nodes[4].started = Some(NOW - 1000);
    g2.nodes[3].status = Successful;
    g2.nodes[3].finished = Some(NOW);
    v.on_graph(g2, Instant::now());
    assert_eq!(v.layout_generation(), gen);
    assert_eq!(sel(&v), "u2");
    assert_eq!(v.selected_node().unwrap().status, Running);
    render(&mut v, 120, 20);
    assert_eq!(v.scroll(), scroll);
    // A node appears: relayout, selection kept by id.
    let mut g3 = g.clone();
    let mut extra = TaskNode::new("u3", "step-u3");
    extra.series_id = Some(5);
    extra.parallel_idx = Some(3);
    extra.upstreams = vec!["s1".into()];
    extra.downstreams = vec!["s2".into()];
    g3.nodes.push(extra);
    g3.normalize();
    v.on_graph(g3, Instant::now());
    assert_eq!(v.layout_generation(), gen + 1);
    assert_eq!(sel(&v), "u2");
    // The selected node vanishes: a sensible default is picked.
    v.on_graph(chain(), Instant::now());
    assert_eq!(sel(&v), "3", "the running node");
}

#[test]
fn search_with_slash_then_n_and_esc() {
    let mut g = fan();
    g.nodes[2].name = "upload m0".into();
    g.nodes[3].name = "upload m1".into();
    g.nodes[4].name = "upload m2".into();
    let mut v = view(g);
    key(&mut v, 'g');
    key(&mut v, '/');
    // While typing, letters are text, not actions.
    for c in "UPLOAD".chars() {
        key(&mut v, c);
    }
    assert_eq!(v.search.matches.len(), 3);
    assert_eq!(sel(&v), "u0");
    let text = render(&mut v, 120, 20);
    assert!(text.contains("/UPLOAD▏ 3 matches"), "{text}");
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    key(&mut v, 'n');
    assert_eq!(sel(&v), "u1");
    key(&mut v, 'n');
    key(&mut v, 'n');
    assert_eq!(sel(&v), "u0", "wraps");
    key(&mut v, 'N');
    assert_eq!(sel(&v), "u2");
    // Esc while typing goes back to where the search started.
    key(&mut v, 'g');
    key(&mut v, '/');
    key(&mut v, 'm');
    key(&mut v, '1');
    assert_eq!(sel(&v), "u1");
    press(&mut v, KeyCode::Esc, KeyModifiers::NONE, false);
    assert_eq!(sel(&v), "s0");
    assert!(v.search.matches.is_empty());
    let fx = key(&mut v, 'n');
    assert!(matches!(&fx[..], [DagEffect::Flash(_, m)] if m.contains("/ searches")));
}

#[test]
fn fold_expands_and_collapses_fan_outs() {
    let mut v = view(generate_wide(14, 1));
    let gen = v.layout_generation();
    // 12 branches > threshold: one aggregate node.
    assert_eq!(v.layout().nodes.len(), 3);
    key(&mut v, 'g');
    key(&mut v, 'j');
    let text = render(&mut v, 120, 20);
    assert!(text.contains("×12"), "{text}");
    key(&mut v, ' ');
    assert_eq!(v.layout().nodes.len(), 14);
    assert_eq!(v.layout_generation(), gen + 1);
    // The selection is one member; folding again collapses its group.
    key(&mut v, 'z');
    assert_eq!(v.layout().nodes.len(), 3);
    let fx = {
        key(&mut v, 'g');
        key(&mut v, 'k');
        let mut c = view(chain());
        key(&mut c, ' ')
    };
    assert!(matches!(&fx[..], [DagEffect::Flash(_, m)] if m.contains("nothing to fold")));
}

#[test]
fn follow_keeps_the_running_frontier_selected() {
    let g = chain();
    let mut v = view(g.clone());
    key(&mut v, 'g');
    key(&mut v, 'a');
    assert!(v.follow);
    assert_eq!(sel(&v), "3");
    let mut g2 = g.clone();
    g2.nodes[2].status = Successful;
    g2.nodes[2].finished = Some(NOW);
    g2.nodes[3].status = Running;
    g2.nodes[3].started = Some(NOW);
    v.on_graph(g2, Instant::now());
    assert_eq!(sel(&v), "4");
    // Moving by hand ends follow mode.
    key(&mut v, 'k');
    assert!(!v.follow);
}

#[test]
fn mouse_click_selects_and_second_click_opens_the_log() {
    let mut v = view(diamond());
    render(&mut v, 100, 16);
    // Find where node "d" is drawn.
    let text = render(&mut v, 100, 16);
    let (row, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("step-d"))
        .unwrap();
    let col = line
        .find("step-d")
        .map(|b| line[..b].chars().count())
        .unwrap() as u16;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: col,
        row: row as u16,
        modifiers: KeyModifiers::NONE,
    };
    v.on_mouse(click);
    assert_eq!(sel(&v), "d");
    assert!(!v.log_open);
    v.on_mouse(click);
    assert!(v.log_open);
    // The wheel scrolls without panicking, also sideways.
    for kind in [
        MouseEventKind::ScrollDown,
        MouseEventKind::ScrollUp,
        MouseEventKind::ScrollRight,
    ] {
        v.on_mouse(MouseEvent {
            kind,
            column: 1,
            row: 3,
            modifiers: KeyModifiers::SHIFT,
        });
    }
}

// ----- writes -----

#[test]
fn confirmation_defaults_to_cancel() {
    let mut v = view(failed_with_blocked_tail());
    assert_eq!(sel(&v), "r");
    // Enter on the default answer sends nothing and closes the dialog.
    assert!(key(&mut v, 'T').is_empty());
    let c = v.confirm.as_ref().unwrap();
    assert!(!c.on_confirm);
    assert!(c.lines.iter().any(|l| l.contains("Demo task")));
    assert!(c.lines.iter().any(|l| l.contains("step-r")));
    assert!(press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false).is_empty());
    assert!(v.confirm.is_none());
    // Keys other than the dialog's do nothing while it is open.
    key(&mut v, 'T');
    assert!(key(&mut v, 'j').is_empty());
    assert_eq!(sel(&v), "r");
    // `y` sends exactly one write.
    let fx = key(&mut v, 'y');
    assert_eq!(
        fx,
        vec![DagEffect::Operate {
            op: Op::Retry,
            node: Some("r".into())
        }]
    );
    assert!(v.confirm.is_none());
    assert!(v.pending.is_some());
    v.on_op_result(
        Op::Retry,
        Some("r".into()),
        obtui::app::dag::reconcile::OpOutcome::Rejected(
            "HTTP 400 TASK_STATE_INVALID (traceId ab12)".into(),
        ),
    );
    assert!(v.pending.is_none());
    let text = render(&mut v, 110, 20);
    assert!(
        text.contains("retry of subtask 'step-r' (#r) failed: HTTP 400"),
        "{text}"
    );
    // Moving to Confirm and pressing Enter sends it too.
    key(&mut v, 'K');
    press(&mut v, KeyCode::Right, KeyModifiers::NONE, false);
    let fx = press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    assert_eq!(
        fx,
        vec![DagEffect::Operate {
            op: Op::Skip,
            node: Some("r".into())
        }]
    );
    // Task-level retry (ctrl-t) targets the whole task.
    press(&mut v, KeyCode::Char('t'), KeyModifiers::CONTROL, false);
    let fx = key(&mut v, 'y');
    assert_eq!(
        fx,
        vec![DagEffect::Operate {
            op: Op::Retry,
            node: None
        }]
    );
}

#[test]
fn read_only_refuses_and_disallowed_ops_say_why() {
    let mut v = view(failed_with_blocked_tail());
    let fx = key(&mut v, 'T');
    assert!(v.confirm.is_some());
    key(&mut v, 'n');
    let fx2 = press(&mut v, KeyCode::Char('T'), KeyModifiers::NONE, true);
    assert!(v.confirm.is_none(), "{fx:?}");
    assert!(matches!(&fx2[..], [DagEffect::Flash(Level::Warn, m)] if m.contains("read-only")));
    // A successful subtask cannot be retried; a pending one cannot be canceled.
    select(&mut v, "q");
    let fx = key(&mut v, 'T');
    assert!(v.confirm.is_none());
    assert!(
        matches!(&fx[..], [DagEffect::Flash(Level::Warn, m)] if m.contains("only a FAILED subtask")),
        "{fx:?}"
    );
    select(&mut v, "u");
    let fx = key(&mut v, 'C');
    assert!(
        matches!(&fx[..], [DagEffect::Flash(Level::Warn, m)] if m.contains("only a RUNNING subtask")),
        "{fx:?}"
    );
    // OCP has no task-level cancel.
    let fx = press(&mut v, KeyCode::Char('x'), KeyModifiers::CONTROL, false);
    assert!(
        matches!(&fx[..], [DagEffect::Flash(Level::Warn, m)] if m.contains("OCP has no cancel")),
        "{fx:?}"
    );
    // obshell nodes are passed, not skipped: the message says which key does that.
    let mut o = view(obshell_failed());
    let failed = o
        .graph()
        .unwrap()
        .nodes
        .iter()
        .find(|n| n.status == Failed)
        .unwrap()
        .id
        .clone();
    assert_eq!(sel(&o), failed);
    let fx = key(&mut o, 'K');
    assert!(
        matches!(&fx[..], [DagEffect::Flash(Level::Warn, m)] if m.contains("P pass")),
        "{fx:?}"
    );
    key(&mut o, 'P');
    let fx = key(&mut o, 'y');
    assert_eq!(
        fx,
        vec![DagEffect::Operate {
            op: Op::Pass,
            node: Some(failed)
        }]
    );
}

#[test]
fn confirmed_op_is_checked_again_against_the_newest_poll() {
    let g = failed_with_blocked_tail();
    let mut v = view(g.clone());
    key(&mut v, 'T');
    let mut g2 = g.clone();
    g2.nodes[2].status = Running;
    v.on_graph(g2, Instant::now());
    let fx = key(&mut v, 'y');
    assert!(
        matches!(&fx[..], [DagEffect::Flash(Level::Warn, m)] if m.starts_with("not sent")),
        "{fx:?}"
    );
}

// ----- polling and the log -----

#[test]
fn stale_keeps_the_graph_and_fast_poll_follows_running_work() {
    let mut v = view(chain());
    assert!(v.wants_fast_poll());
    v.on_error("timeout".into(), Instant::now());
    assert!(v.graph().is_some());
    assert!(v.stale.is_some());
    let mut done = chain();
    for n in &mut done.nodes {
        n.status = Successful;
        n.finished = Some(NOW);
        n.started.get_or_insert(NOW - 1000);
    }
    done.status = TaskState::Successful;
    v.on_graph(done, Instant::now());
    assert!(v.stale.is_none());
    assert!(!v.wants_fast_poll());
    assert_eq!(v.log_target(), Some(sel(&v)));
}

#[test]
fn log_appends_only_new_text_and_ignores_other_nodes() {
    let mut v = view(chain());
    let id = sel(&v);
    v.on_log(&id, "one\ntw");
    v.on_log(&id, "one\ntwo\nthree\n");
    let lines: Vec<&str> = v.log.window(10).collect();
    assert_eq!(lines, ["one", "two", "three"]);
    // A late answer for another node is dropped.
    v.on_log("1", "other\n");
    assert_eq!(v.log.len(), 3);
    // Moving the selection starts a fresh log.
    key(&mut v, 'k');
    assert!(v.log.is_empty());
}

#[test]
fn full_screen_log_scrolls_and_follows_again() {
    let mut v = view(chain());
    let id = sel(&v);
    let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
    v.on_log(&id, &text);
    key(&mut v, 'L');
    let screen = render(&mut v, 80, 12);
    assert!(screen.contains("line 99"), "{screen}");
    key(&mut v, 'k');
    key(&mut v, 'k');
    assert!(!v.log.following());
    let screen = render(&mut v, 80, 12);
    assert!(
        screen.contains("line 97") && !screen.contains("line 99"),
        "{screen}"
    );
    // New lines do not move a scrolled-up view.
    let more = format!("{text}line 100\n");
    v.on_log(&id, &more);
    assert!(!render(&mut v, 80, 12).contains("line 100"));
    key(&mut v, 'G');
    assert!(v.log.following());
    assert!(render(&mut v, 80, 12).contains("line 100"));
    // j/k move the log, not the selection, while it is full screen.
    assert_eq!(sel(&v), id);
}

#[test]
fn log_stays_bounded_when_fed_100_mb() {
    let mut v = view(chain());
    let id = sel(&v);
    let line = format!("{} ", "x".repeat(99));
    let mut full = String::with_capacity(101 * 1024 * 1024);
    let mut n = 0u64;
    while full.len() < 100 * 1024 * 1024 {
        // About 1 MiB per poll, like a busy log re-fetched whole.
        let target = full.len() + 1024 * 1024;
        while full.len() < target {
            full.push_str(&line);
            full.push_str(&n.to_string());
            full.push('\n');
            n += 1;
        }
        v.on_log(&id, &full);
        assert!(v.log.len() <= MAX_LINES);
        assert!(v.log.bytes() <= MAX_BYTES);
    }
    assert_eq!(v.log.len(), MAX_LINES);
    let last = v.log.line(v.log.len() - 1).unwrap();
    assert!(last.ends_with(&format!(" {}", n - 1)), "{last}");
    assert!(v.log.dropped >= n - MAX_LINES as u64);
    // A whole 100 MB log arriving at once is cut to its tail, too.
    let mut w = view(chain());
    w.on_log(&id, &full);
    assert!(w.log.len() <= MAX_LINES && w.log.bytes() <= MAX_BYTES);
    assert_eq!(w.log.line(w.log.len() - 1), Some(last));
}

// ----- robustness -----

mod fuzz {
    use super::*;
    use obtui_task::gen::generate_ocp_shaped;
    use proptest::prelude::*;

    const KEYS: &[char] = &[
        'j', 'k', 'h', 'l', 'f', 'F', 'r', 'R', 'g', 'G', 'v', ' ', 'z', 'L', 'a', '/', 'n', 'N',
        'u', '.', 'T', 'K', 'C', 'P', 'y', 's', '1',
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Any key and mouse sequence on any generated graph: no panic, and the selection
        /// always names a node of the graph.
        #[test]
        fn keys_and_mouse_never_break_the_view(
            nodes in 1usize..120,
            width in 1usize..12,
            seed in 0u64..1000,
            keys in proptest::collection::vec(0usize..40, 1..60),
            size in (20u16..160, 6u16..50),
        ) {
            let g = generate_ocp_shaped(nodes, width, 2, 2, seed);
            let mut v = view(g.clone());
            for (step, k) in keys.into_iter().enumerate() {
                match KEYS.get(k) {
                    Some(&c) => { key(&mut v, c); }
                    None if k % 3 == 0 => {
                        press(&mut v, KeyCode::Esc, KeyModifiers::NONE, false);
                    }
                    None if k % 3 == 1 => {
                        press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
                    }
                    None => {
                        let kind = [
                            MouseEventKind::Down(MouseButton::Left),
                            MouseEventKind::ScrollDown,
                            MouseEventKind::ScrollUp,
                        ][k % 3];
                        v.on_mouse(MouseEvent {
                            kind,
                            column: (k * 7 % size.0 as usize) as u16,
                            row: (k * 3 % size.1 as usize) as u16,
                            modifiers: KeyModifiers::NONE,
                        });
                    }
                }
                if step % 7 == 0 {
                    render(&mut v, size.0, size.1);
                }
                if step % 11 == 0 {
                    v.on_graph(g.clone(), Instant::now());
                }
                if let Some(id) = v.selected_node().map(|n| n.id.clone()) {
                    prop_assert!(g.nodes.iter().any(|n| n.id == id));
                }
            }
            render(&mut v, size.0, size.1);
        }
    }
}

/// A graph too tangled to route in full opens as the list (every edge shown) with a
/// warning; the graph view says how many edges it left out.
#[test]
fn a_tangled_graph_opens_as_the_list_and_counts_undrawn_edges() {
    let mut g = obtui_task::gen::generate_chain(3_000, 3);
    for k in 0..150 {
        let from = k * 10;
        let id = g.nodes[from].id.clone();
        g.nodes[from + 1_500].upstreams.push(id);
    }
    g.normalize();
    let mut v = view(g);
    assert_eq!(v.mode, DagMode::List);
    let (level, text) = v.notice().expect("a notice");
    assert_eq!(level, Level::Warn);
    assert!(text.contains("too tangled to draw"), "{text}");
    let elided = v.layout().elided;
    assert!(elided > 0);
    key(&mut v, 'v');
    assert_eq!(v.mode, DagMode::Graph);
    let screen = render_gen(&mut v, 160, 30);
    assert!(
        screen.contains(&format!("{elided} edges not drawn")),
        "{screen}"
    );
    // A well-formed graph opens as the graph, without the warning.
    let mut v = view(chain());
    assert_eq!(v.mode, DagMode::Graph);
    assert!(!render(&mut v, 100, 16).contains("not drawn"));
}

// ----- reading why it failed: the log (issue 16) -----

/// A Java log line as OCP writes it, at `ms` past 15:05:45.
fn java(level: &str, ms: u32, msg: &str) -> String {
    format!(
        "2026-12-05 15:05:45.{ms:03} {level:<5} 57200 --- [pool-subtask-executor-thread-24,7f3a9c1e2b4d] c.o.o.s.t.b.cluster.UpgradePreCheckTask : {msg}"
    )
}

/// A reason of about 300 characters that ends with a word found nowhere else.
fn long_reason() -> String {
    let mut r = String::from("Upgrade pre check failed:");
    let mut k = 0;
    while r.len() < 270 {
        r.push_str(&format!(" tenant t{k} has a major compaction in progress;"));
        k += 1;
    }
    r.push_str(" wait-for-it-to-finish-END");
    r
}

/// The log of the failed node `r`: INFO lines, the reason as an ERROR line of ~400
/// characters (prefix included), a stack frame, and the state change.
fn failed_log() -> String {
    let mut t = String::new();
    for i in 0..6 {
        t.push_str(&java("INFO", i, &format!("step {i} of the pre check")));
        t.push('\n');
    }
    t.push_str(&java("ERROR", 100, &long_reason()));
    t.push('\n');
    t.push_str(&java(
        "ERROR",
        101,
        "\tat com.oceanbase.ocp.service.task.executor.SubtaskExecutor.run(SubtaskExecutor.java:212)",
    ));
    t.push('\n');
    t.push_str(&java(
        "INFO",
        102,
        "Set state for subtask: r, new state: FAILED",
    ));
    t.push('\n');
    t
}

fn failed_view_with_log() -> DagView {
    let mut v = view(failed_with_blocked_tail());
    assert_eq!(sel(&v), "r");
    v.on_log("r", &failed_log());
    v
}

/// The screen's rows, untrimmed, and its buffer.
fn render_buf(v: &mut DagView, w: u16, h: u16) -> (Vec<String>, ratatui::buffer::Buffer) {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let t = theme();
    let mut drawn = None;
    term.draw(|f| drawn = Some(obtui::ui::dag::draw(f, f.area(), v, &t, false, NOW)))
        .unwrap();
    if let Some(d) = drawn {
        v.on_drawn(d);
    }
    let buf = term.backend().buffer().clone();
    let rows = (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect();
    (rows, buf)
}

/// The text of the side panel's inside, row after row (between the last two `│` of a row).
fn side_text(rows: &[String]) -> String {
    rows.iter()
        .filter_map(|r| {
            let end = r.rfind('│')?;
            let start = r[..end].rfind('│')?;
            Some(r[start + '│'.len_utf8()..end].to_string())
        })
        .collect()
}

#[test]
fn enter_opens_the_selected_subtasks_log_and_the_panel_says_so() {
    let mut v = failed_view_with_log();
    let screen = render(&mut v, 120, 30);
    assert!(screen.contains("⏎ full log"), "{screen}");
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    assert!(v.log_full, "Enter opens the selected subtask's log");
    let screen = render(&mut v, 120, 30);
    assert!(screen.contains(" log · step-r (#r)"), "{screen}");
    // Enter (or L, or Esc) goes back to the graph.
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    assert!(!v.log_full);
    key(&mut v, 'L');
    assert!(v.log_full);
    press(&mut v, KeyCode::Esc, KeyModifiers::NONE, false);
    assert!(!v.log_full);
}

#[test]
fn at_80_columns_a_300_character_reason_is_read_to_its_end() {
    let mut v = failed_view_with_log();
    // The side panel: the reason (the last ERROR line that is not a stack frame), whole.
    let (rows, _) = render_buf(&mut v, 80, 24);
    let side = side_text(&rows);
    // No run header states the server's offset: its time, said to be the server's.
    assert!(
        side.contains("error · 15:05:45 server time"),
        "{}",
        rows.join("\n")
    );
    assert!(
        side.replace(' ', "")
            .contains(&long_reason().replace(' ', "")),
        "the whole reason is in the side panel:\n{}",
        rows.join("\n")
    );
    // The full-screen log wraps by default: the ERROR line ends on screen.
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    let (rows, _) = render_buf(&mut v, 80, 24);
    let all: String = rows.concat();
    assert!(
        all.contains("wait-for-it-to-finish-END"),
        "{}",
        rows.join("\n")
    );
    assert!(
        all.contains("SubtaskExecutor.java:212)"),
        "{}",
        rows.join("\n")
    );
}

#[test]
fn w_turns_wrap_off_and_arrows_scroll_sideways_with_an_indicator() {
    let mut v = failed_view_with_log();
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    key(&mut v, 'w');
    assert!(!v.logv.wrap);
    let (rows, _) = render_buf(&mut v, 80, 24);
    let screen = rows.join("\n");
    assert!(!screen.contains("wait-for-it-to-finish-END"), "{screen}");
    assert!(screen.contains('»'), "a cut line says so: {screen}");
    assert!(screen.contains("nowrap"), "{screen}");
    // Right (or l) scrolls; the left edge then says text is hidden there.
    for _ in 0..40 {
        press(&mut v, KeyCode::Right, KeyModifiers::NONE, false);
    }
    key(&mut v, 'h');
    key(&mut v, 'l');
    assert!(v.logv.hscroll > 0);
    let (rows, _) = render_buf(&mut v, 80, 24);
    let screen = rows.join("\n");
    assert!(screen.contains('«'), "{screen}");
    assert!(screen.contains(&format!("→{}", v.logv.hscroll)), "{screen}");
    assert!(
        screen.contains("finish-END"),
        "scrolled to the end: {screen}"
    );
    // The selection did not move: h/l scroll the log while it is full screen.
    assert_eq!(sel(&v), "r");
    key(&mut v, 'w');
    assert!(v.logv.wrap);
    assert_eq!(v.logv.hscroll, 0);
}

#[test]
fn slash_searches_the_log_n_and_shift_n_step_and_matches_are_highlighted() {
    let mut v = view(failed_with_blocked_tail());
    let text: String = (0..40)
        .map(|i| {
            if i % 3 == 0 {
                format!("line {i} has the Needle in it\n")
            } else {
                format!("line {i} plain\n")
            }
        })
        .collect();
    v.on_log("r", &text);
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    key(&mut v, '/');
    for c in "needle".chars() {
        key(&mut v, c);
    }
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    assert!(v.log_full, "Enter keeps the search and the log");
    assert_eq!(v.logv.position(), (1, 14));
    key(&mut v, 'n');
    key(&mut v, 'n');
    let (rows, buf) = render_buf(&mut v, 80, 12);
    let screen = rows.join("\n");
    assert!(screen.contains("/needle 3/14"), "{screen}");
    // The current match is at the top of the log.
    assert!(rows[2].starts_with("line 6 has the Needle"), "{screen}");
    // Its word is highlighted.
    let x = rows[2].find("Needle").unwrap() as u16;
    assert_ne!(buf[(x, 2)].style().bg, buf[(0, 2)].style().bg, "{screen}");
    key(&mut v, 'N');
    assert_eq!(v.logv.position(), (2, 14));
    // Wraps around.
    for _ in 0..13 {
        key(&mut v, 'n');
    }
    assert_eq!(v.logv.position(), (1, 14));
    // The node search is untouched.
    assert!(v.search.matches.is_empty());
}

#[test]
fn e_jumps_to_the_first_error_line_in_the_panel_and_full_screen() {
    let mut v = view(failed_with_blocked_tail());
    let mut text: String = (0..60)
        .map(|i| format!("{}\n", java("INFO", i, "busy")))
        .collect();
    text.push_str(&java("ERROR", 500, "first-error-here"));
    text.push('\n');
    text.extend((0..60).map(|i| format!("{}\n", java("INFO", i, "after"))));
    // The reason in the side panel is the last ERROR line, not this one.
    text.push_str(&java("ERROR", 900, "the last error"));
    text.push('\n');
    v.on_log("r", &text);
    let (rows, _) = render_buf(&mut v, 120, 30);
    assert!(
        !side_text(&rows).contains("first-error-here"),
        "{}",
        rows.join("\n")
    );
    key(&mut v, 'e');
    let (rows, _) = render_buf(&mut v, 120, 30);
    assert!(
        side_text(&rows).contains("first-error-here"),
        "{}",
        rows.join("\n")
    );
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    let (rows, _) = render_buf(&mut v, 100, 20);
    assert!(rows[2].contains("ERROR"), "{}", rows.join("\n"));
    assert!(
        rows[2..4].concat().contains("first-error-here"),
        "{}",
        rows.join("\n")
    );
    // End follows the end again.
    press(&mut v, KeyCode::End, KeyModifiers::NONE, false);
    assert!(v.log.following());
}

#[test]
fn the_java_prefix_is_dimmed_and_p_folds_it() {
    let mut v = failed_view_with_log();
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    let (rows, buf) = render_buf(&mut v, 200, 20);
    let y = rows.iter().position(|r| r.contains("step 0 of")).unwrap();
    let x = rows[y].find("pool-subtask").unwrap() as u16;
    let m = rows[y].find("step 0 of").unwrap() as u16;
    assert_eq!(buf[(x, y as u16)].style().fg, Some(theme().muted));
    assert_ne!(buf[(m, y as u16)].style().fg, Some(theme().muted));
    key(&mut v, 'p');
    let screen = render(&mut v, 80, 20);
    assert!(!screen.contains("pool-subtask"), "{screen}");
    assert!(
        screen.contains("2026-12-05 15:05:45.000 INFO … step 0 of the pre check"),
        "{screen}"
    );
}

#[test]
fn ctrl_s_saves_the_whole_log_not_the_screen() {
    let mut v = failed_view_with_log();
    let fx = press(&mut v, KeyCode::Char('s'), KeyModifiers::CONTROL, false);
    match fx.as_slice() {
        [DagEffect::SaveLog { name, text }] => {
            assert_eq!(name, "task-42-r");
            // Tabs are kept as spaces, like on screen; nothing else changes.
            assert_eq!(text, &failed_log().replace('\t', "    "));
        }
        other => panic!("{other:?}"),
    }
    // Nothing to save: it says so.
    let mut v = view(chain());
    let fx = press(&mut v, KeyCode::Char('s'), KeyModifiers::CONTROL, false);
    assert!(matches!(fx.as_slice(), [DagEffect::Flash(..)]), "{fx:?}");
}

/// A chain of `n` nodes, the first `done` finished and the next one running.
fn long_chain(n: usize, done: usize) -> TaskGraph {
    let ids: Vec<String> = (0..n).map(|i| format!("n{i:02}")).collect();
    let ups: Vec<Vec<&str>> = (0..n)
        .map(|i| {
            if i == 0 {
                vec![]
            } else {
                vec![ids[i - 1].as_str()]
            }
        })
        .collect();
    let spec: Vec<(&str, &[&str], NodeStatus)> = (0..n)
        .map(|i| {
            let st = match i.cmp(&done) {
                std::cmp::Ordering::Less => Successful,
                std::cmp::Ordering::Equal => Running,
                std::cmp::Ordering::Greater => Pending,
            };
            (ids[i].as_str(), ups[i].as_slice(), st)
        })
        .collect();
    graph(&spec)
}

#[test]
fn a_running_task_follows_its_frontier_until_moved_by_hand() {
    let mut v = view(long_chain(40, 0));
    assert!(v.follow, "a running task opens following");
    let first = render(&mut v, 100, 20);
    assert!(
        first.lines().next().unwrap().contains("following"),
        "{first}"
    );
    // The running node stays on screen as the task progresses.
    for done in 1..40 {
        v.on_graph(long_chain(40, done), Instant::now());
        assert_eq!(sel(&v), format!("n{done:02}"));
        let screen = render(&mut v, 100, 20);
        let name = format!("step-n{done:02}");
        let graph_part: String = screen
            .lines()
            .skip(1)
            .map(|l| l.chars().take(50).collect::<String>())
            .collect();
        assert!(graph_part.contains(&name), "{name} off screen:\n{screen}");
    }
    // A move by hand stops following; the header says so; `a` turns it on again.
    let mut v = view(long_chain(40, 5));
    key(&mut v, 'k');
    assert!(!v.follow);
    let header = |v: &mut DagView| render(v, 100, 20).lines().next().unwrap_or("").to_string();
    assert!(!header(&mut v).contains("following"));
    v.on_graph(long_chain(40, 6), Instant::now());
    assert_eq!(sel(&v), "n04", "not following: the selection stays");
    key(&mut v, 'a');
    assert!(v.follow);
    assert_eq!(sel(&v), "n06");
    assert!(header(&mut v).contains("following"));
    // A finished or failed task does not open following.
    let v = view(failed_with_blocked_tail());
    assert!(!v.follow);
}

/// The side panel's error line reads in the screen's zone like every other time: the log's
/// run header says the server's offset, and the line's server-local time is converted.
#[test]
fn the_error_lines_time_is_shown_in_the_screens_zone() {
    let mut v = view(failed_with_blocked_tail());
    let log = format!(
        "############{{EXECUTE}}{{2026-12-05T15:05:40.000+08:00}}############\n{}",
        failed_log()
    );
    v.on_log("r", &log);
    // The screen's zone is UTC (the default): 15:05:45 at +08:00 is 07:05:45Z.
    let (rows, _) = render_buf(&mut v, 120, 30);
    let side = side_text(&rows);
    assert!(
        side.contains("error · 2026-12-05 07:05:45"),
        "{}",
        rows.join("\n")
    );
    let line = rows
        .iter()
        .find(|l| l.contains("│error ·"))
        .expect("the error line");
    assert!(!line.contains("15:05:45"), "{line}");
    // Shown at +08:00 it is the server's own clock again.
    v.zone = obtui_api::time::ShownZone::server(8 * 3600);
    let (rows, _) = render_buf(&mut v, 120, 30);
    assert!(
        side_text(&rows).contains("error · 2026-12-05 15:05:45"),
        "{}",
        rows.join("\n")
    );
}

/// The side panel shows the documented details: the subtask's type, its context entries (a
/// long value cut with `…`) and that the server refuses to skip it, and under `task` the
/// task's creation time, executor, host and tenant.
#[test]
fn side_panel_shows_the_documented_details_compactly() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocp/task-instance-detail.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let long = format!("oceanbase-{}.el7.x86_64.rpm", "4.2.1".repeat(40));
    v["data"]["subtasks"][0]["context"] = serde_json::json!({
        "stringMap": {"rpm_name": long},
        "listMap": {"versions": ["4.2.1", "4.2.2"]}
    });
    v["data"]["subtasks"][0]["prohibitSkip"] = serde_json::json!(true);
    v["data"]["hostId"] = serde_json::json!(7);
    v["data"]["tenant"] = serde_json::json!({"id": 169, "name": "zhiqiong"});
    let id = v["data"]["subtasks"][0]["id"].to_string();
    let t: TaskInstance = serde_json::from_value(v["data"].clone()).unwrap();
    let mut view = view(TaskGraph::from(&t));
    select(&mut view, &id);
    let s = render(&mut view, 160, 48);
    assert!(s.contains("type JAVA_TASK"), "{s}");
    assert!(s.contains("ctx.versions [4.2.1, 4.2.2]"), "{s}");
    let rpm = s
        .lines()
        .find(|l| l.contains("ctx.rpm_name oceanbase-4.2.1"))
        .unwrap_or_else(|| panic!("no rpm line:\n{s}"));
    assert!(rpm.contains('…') && !rpm.contains(".el7"), "{rpm}");
    assert!(s.contains("skip refused by the server"), "{s}");
    for want in [
        "executor xxx.xxx.xxx.xxx",
        "host #7",
        "tenant zhiqiong #169",
        "created ",
    ] {
        assert!(s.contains(want), "{want}:\n{s}");
    }
}

// ----- a live DAG over a thin link (issue 14: bytes per status change and per second) -----

/// A fan-out of five servers, `run` of them running.
fn wide_fan(run: &[usize]) -> TaskGraph {
    let ids: Vec<String> = (0..5).map(|k| format!("w{k}")).collect();
    let mut spec: Vec<(&str, Vec<&str>, NodeStatus)> = vec![("top", vec![], Successful)];
    for (k, id) in ids.iter().enumerate() {
        let st = if run.contains(&k) { Running } else { Pending };
        spec.push((id.as_str(), vec!["top"], st));
    }
    spec.push(("end", ids.iter().map(String::as_str).collect(), Pending));
    let spec: Vec<(&str, &[&str], NodeStatus)> = spec
        .iter()
        .map(|(id, ups, st)| (*id, ups.as_slice(), st.clone()))
        .collect();
    graph(&spec)
}

#[test]
fn follow_stays_on_a_node_while_it_runs_then_takes_the_nearest_running_one() {
    let mut v = view(wide_fan(&[2, 4]));
    assert!(v.follow, "a running task opens following");
    assert_eq!(sel(&v), "w2", "the first running node in order");
    // w2 finishes while w0 and w3 run: the one nearest to it on screen (w3) takes over,
    // not the first in order (w0).
    let mut g = wide_fan(&[0, 3]);
    g.nodes[3].status = Successful;
    g.nodes[3].finished = Some(NOW);
    v.on_graph(g, Instant::now());
    assert_eq!(sel(&v), "w3");
    // w1 starts, before w3 in order: w3 still runs, so the selection stays.
    let mut g = wide_fan(&[0, 1, 3]);
    g.nodes[3].status = Successful;
    v.on_graph(g, Instant::now());
    assert_eq!(
        sel(&v),
        "w3",
        "following does not hop while the followed node runs"
    );
    assert!(v.follow);
}

#[test]
fn running_nodes_in_the_graph_step_every_ten_seconds_the_side_panel_every_second() {
    let mut v = view(chain());
    let row_of = |text: &str, what: &str| -> String {
        text.lines()
            .find(|l| l.contains(what))
            .unwrap_or_default()
            .to_string()
    };
    let base = NOW - NOW.rem_euclid(10_000);
    let at = |v: &mut DagView, ms: i64| render_at(v, 160, 30, false, base + ms);
    let (a, b, c) = (at(&mut v, 1_000), at(&mut v, 4_000), at(&mut v, 11_000));
    // The graph's label of the running node `step-3` (left of the side panel).
    let graph_part = |t: &str| {
        t.lines()
            .filter_map(|l| l.split('│').next())
            .find(|g| g.contains("step-3"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(graph_part(&a).contains("step-3"), "{a}");
    assert_eq!(
        graph_part(&a),
        graph_part(&b),
        "the graph moved within ten seconds"
    );
    assert_ne!(
        graph_part(&a),
        graph_part(&c),
        "the graph did not move after ten seconds"
    );
    // The side panel's status line counts seconds.
    assert_ne!(row_of(&a, "RUNNING ·"), row_of(&b, "RUNNING ·"));
}

#[test]
fn the_side_panels_log_fills_downwards_and_moves_on_in_steps() {
    let mut v = view(chain());
    assert_eq!(sel(&v), "3");
    let mut text = String::new();
    let mut big_moves = 0;
    let mut prev: Option<Vec<String>> = None;
    for i in 0..80 {
        text.push_str(&java("INFO", i % 1000, &format!("line {i} of the upgrade")));
        text.push('\n');
        v.on_log("3", &text);
        let (rows, _) = render_buf(&mut v, 160, 40);
        let side: Vec<String> = rows
            .iter()
            .map(|r| {
                let end = r.rfind('│').unwrap_or(0);
                let start = r[..end].rfind('│').unwrap_or(end);
                r[start..end].to_string()
            })
            .collect();
        let all = side.concat();
        assert!(
            all.contains(&format!("line {i} of")),
            "line {i} is not on screen"
        );
        if let Some(p) = prev {
            let changed = p.iter().zip(&side).filter(|(a, b)| a != b).count();
            if changed > 1 {
                big_moves += 1;
            }
        }
        prev = Some(side);
    }
    // A tail that moves by one line per line would change every row 60+ times; the paged
    // panel changes one row per line and moves on a few times.
    assert!(
        big_moves <= 12,
        "the panel moved {big_moves} times in 80 lines"
    );
}

#[test]
fn the_side_panel_shows_compact_lines_and_the_full_log_every_column() {
    let mut v = view(chain());
    v.on_log(
        "3",
        &format!(
            "{}\n{}\n",
            java("INFO", 7, "copying the rpm"),
            java("WARN", 8, "slow disk")
        ),
    );
    let (rows, _) = render_buf(&mut v, 160, 30);
    let side = side_text(&rows);
    assert!(side.contains("15:05:45 copying the rpm"), "{side}");
    assert!(side.contains("15:05:45 WARN slow disk"), "{side}");
    assert!(
        !side.contains("57200 ---"),
        "the Java prefix is left out: {side}"
    );
    press(&mut v, KeyCode::Enter, KeyModifiers::NONE, false);
    assert!(v.log_full);
    let full = render(&mut v, 200, 30);
    assert!(
        full.contains("2026-12-05 15:05:45.007 INFO  57200 --- [pool-subtask"),
        "{full}"
    );
}
