//! Fuzzing the DAG layout with graphs no server should send but some will: cycles, self-loops,
//! dangling and duplicate ids, edges declared only on one side, empty and huge names, wild
//! parameters, and 100,000 nodes of that. The answer is always a drawing (or the list view),
//! never a panic or a hang. `task_layout.rs` covers the geometry of well-formed graphs and
//! a 100,000-node chain; this file covers the broken ones.

use obtui_task::layout::{
    layout, list_rows, topo_order, LayoutParams, Rect, MAX_LANES, WIRE_BUDGET_BASE,
    WIRE_BUDGET_PER_UNIT,
};
use obtui_task::model::{Backend, NodeStatus, TaskGraph, TaskNode};
use obtui_task::text::{render_list_text, render_text};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const STATUSES: [NodeStatus; 7] = [
    NodeStatus::Pending,
    NodeStatus::Ready,
    NodeStatus::Running,
    NodeStatus::Successful,
    NodeStatus::Failed,
    NodeStatus::Canceling,
    NodeStatus::Unknown(String::new()),
];

/// `n` nodes with ids drawn from `0..ids` (so some repeat), and `edges` random edges put on
/// either end (upstreams of the target or downstreams of the source), some to ids that do not
/// exist, some to the node itself.
fn broken_graph(n: usize, edges: usize, seed: u64) -> TaskGraph {
    let mut rng = StdRng::seed_from_u64(seed);
    let ids = (n - n / 10).max(1);
    let mut g = TaskGraph::new("fuzz", "fuzz", Backend::Ocp);
    for i in 0..n {
        let id = format!("{}", rng.gen_range(0..ids));
        let name = match rng.gen_range(0..8) {
            0 => String::new(),
            1 => "x".repeat(rng.gen_range(50..400)),
            2 => "节点名称很长的子任务".repeat(rng.gen_range(1..6)),
            3 => "a\u{0301}\u{200d}\u{1f600}\t\u{1b}[31m".into(),
            _ => format!("step {i}"),
        };
        let mut node = TaskNode::new(id, name);
        node.status = STATUSES[rng.gen_range(0..STATUSES.len())].clone();
        node.series_id = rng.gen_bool(0.8).then(|| rng.gen_range(-5..n as i64));
        node.started = rng
            .gen_bool(0.5)
            .then(|| rng.gen_range(i64::MIN / 2..i64::MAX / 2));
        node.finished = rng.gen_bool(0.3).then(|| rng.gen());
        g.nodes.push(node);
    }
    for _ in 0..edges {
        let a = rng.gen_range(0..n);
        let b = rng.gen_range(0..n);
        let target = match rng.gen_range(0..10) {
            0 => "ghost".to_string(),
            1 => g.nodes[b].id.clone(),
            _ => g.nodes[a].id.clone(),
        };
        if rng.gen_bool(0.5) {
            g.nodes[b].upstreams.push(target);
        } else {
            g.nodes[b].downstreams.push(target);
        }
    }
    g
}

fn wild_params(rng: &mut StdRng, g: &TaskGraph) -> LayoutParams {
    let mut p = LayoutParams {
        name_width: rng.gen_range(0..60),
        duration_width: rng.gen_range(0..12),
        gap: rng.gen_range(0..6),
        collapse_threshold: rng.gen_range(0..20),
        sweeps: rng.gen_range(0..8),
        ..LayoutParams::default()
    };
    for n in g.nodes.iter().take(5) {
        if rng.gen_bool(0.5) {
            p.expanded.insert(n.id.clone());
        } else {
            p.collapsed.insert(n.id.clone());
        }
    }
    p.expanded.insert("ghost".into());
    p
}

/// Everything a task view does with a graph, each step on its own.
fn exercise(g: &TaskGraph, p: &LayoutParams) {
    let l = layout(g, p);
    assert!(
        l.nodes.len() <= g.nodes.len().max(1),
        "more boxes than nodes"
    );
    let _ = render_text(g, &l, false);
    let _ = render_text(g, &l, true);
    for slot in 0..l.nodes.len().min(50) {
        let _ = l.downstream(slot).count();
        let _ = l.upstream(slot).count();
    }
    let _ = l
        .visible(Rect {
            x: 0,
            y: 0,
            w: 200,
            h: 60,
        })
        .count();
    let _ = l
        .visible_cells(Rect {
            x: u32::MAX - 10,
            y: u32::MAX - 10,
            w: 200,
            h: 60,
        })
        .count();
    let rows = list_rows(g, p);
    let _ = render_list_text(g, &rows, p, false);
    assert_eq!(topo_order(g).len(), g.nodes.len());
    let _ = (g.validate(), g.progress(), g.critical_path(), g.eta(0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn broken_graphs_lay_out(n in 1usize..60, density in 0usize..4, seed in any::<u64>()) {
        let g = broken_graph(n, n * density, seed);
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        exercise(&g, &LayoutParams::default());
        exercise(&g, &wild_params(&mut rng, &g));
    }

    /// Every node a self-loop, or every node the same id: the degenerate extremes.
    #[test]
    fn all_self_loops_or_all_one_id(n in 1usize..40, same_id in any::<bool>()) {
        let mut g = TaskGraph::new("t", "t", Backend::Obshell);
        for i in 0..n {
            let id = if same_id { "x".to_string() } else { i.to_string() };
            let mut node = TaskNode::new(id.clone(), format!("n{i}"));
            node.upstreams.push(id.clone());
            node.downstreams.push(id);
            g.nodes.push(node);
        }
        exercise(&g, &LayoutParams::default());
    }
}

#[test]
fn empty_graph() {
    let g = TaskGraph::new("t", "t", Backend::Ocp);
    exercise(&g, &LayoutParams::default());
}

fn broken_at_scale(n: usize) {
    let g = broken_graph(n, n * 3 / 2, 42);
    let p = LayoutParams::default();
    let l = layout(&g, &p);
    assert!(!l.nodes.is_empty());
    let visible = l
        .visible(Rect {
            x: 0,
            y: 0,
            w: 200,
            h: 60,
        })
        .count();
    assert!(visible > 0, "something is on the first screen");
    // Wire stays within the budget (with slack for the estimate), whatever is undrawn is
    // counted, and the list gutter is capped.
    let budget = WIRE_BUDGET_PER_UNIT * n + WIRE_BUDGET_BASE;
    assert!(l.cells.len() <= 2 * budget, "{} wire cells", l.cells.len());
    let undrawn = l.edges.iter().filter(|e| e.points.is_empty()).count();
    assert_eq!(undrawn, l.elided);
    let rows = list_rows(&g, &p);
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| r.lanes.len() <= 2 * MAX_LANES + 1));
    assert_eq!(topo_order(&g).len(), n);
}

/// 2,000 nodes with cycles, self-loops, dangling and duplicate ids and 3,000 random edges.
#[test]
fn two_thousand_broken_nodes() {
    broken_at_scale(2_000);
}

/// The same at 100,000 nodes: a drawing in bounded time and memory (release: about 3 s and
/// 230 MB; before the wire budgets the layout grew quadratically and ran out of memory).
#[test]
fn a_hundred_thousand_broken_nodes() {
    broken_at_scale(100_000);
}
