//! The grid layout, list view and text rendering of task graphs.

use std::collections::{BTreeSet, HashSet};

use obtui_task::gen::{
    generate_chain, generate_ocp_like, generate_ocp_shaped, generate_random, generate_wide,
};
use obtui_task::layout::*;
use obtui_task::model::*;
use obtui_task::text::{render_list_text, render_text};
use proptest::prelude::*;

/// `(id, upstreams)`; names equal ids; everything SUCCESSFUL in 12 s.
fn graph(spec: &[(&str, &[&str])]) -> TaskGraph {
    let mut g = TaskGraph::new("1", "t", Backend::Ocp);
    for (i, (id, ups)) in spec.iter().enumerate() {
        let mut n = TaskNode::new(*id, *id);
        n.series_id = Some(i as i64);
        n.upstreams = ups.iter().map(|s| s.to_string()).collect();
        n.status = NodeStatus::Successful;
        n.started = Some(0);
        n.finished = Some(12_000);
        g.nodes.push(n);
    }
    g.normalize();
    g
}

fn text(g: &TaskGraph, p: &LayoutParams, ascii: bool) -> String {
    render_text(g, &layout(g, p), ascii)
}

fn lines(s: &[&str]) -> String {
    s.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn chain_is_one_straight_column() {
    let g = graph(&[("a", &[]), ("b", &["a"]), ("c", &["b"])]);
    let want = lines(&[
        "✔  a    12s",
        "     │",
        "✔  b    12s",
        "     │",
        "✔  c    12s",
    ]);
    assert_eq!(text(&g, &LayoutParams::default(), false), want);
}

#[test]
fn diamond_forks_and_joins_on_buses() {
    let g = graph(&[("a", &[]), ("b", &["a"]), ("c", &["a"]), ("d", &["b", "c"])]);
    let want = lines(&[
        "      ✔  a    12s",
        "     ┌─────┴──────┐",
        "✔  b    12s  ✔  c    12s",
        "     └──────┬─────┘",
        "       ✔  d    12s",
    ]);
    assert_eq!(text(&g, &LayoutParams::default(), false), want);
}

#[test]
fn three_way_fan_out_and_fan_in() {
    let g = graph(&[
        ("s0", &[]),
        ("s1", &["s0"]),
        ("u0", &["s1"]),
        ("u1", &["s1"]),
        ("u2", &["s1"]),
        ("s2", &["u0", "u1", "u2"]),
    ]);
    let want = lines(&[
        "              ✔  s0    12s",
        "                    │",
        "              ✔  s1    12s",
        "      ┌─────────────┼─────────────┐",
        "✔  u0    12s  ✔  u1    12s  ✔  u2    12s",
        "      └─────────────┼─────────────┘",
        "              ✔  s2    12s",
    ]);
    assert_eq!(text(&g, &LayoutParams::default(), false), want);
    let list = lines(&[
        "✔      s0    12s",
        "✔─┬─╮  s1    12s",
        "✔ │ │  u0    12s",
        "│ ✔ │  u1    12s",
        "│ │ ✔  u2    12s",
        "✔─┴─╯  s2    12s",
    ]);
    let p = LayoutParams::default();
    assert_eq!(render_list_text(&g, &list_rows(&g, &p), &p, false), list);
}

#[test]
fn unequal_branches_keep_the_long_edge_straight() {
    let g = graph(&[
        ("a", &[]),
        ("b1", &["a"]),
        ("b2", &["b1"]),
        ("b3", &["b2"]),
        ("c", &["a"]),
        ("d", &["b3", "c"]),
    ]);
    let want = lines(&[
        "       ✔  a    12s",
        "      ┌─────┴──────┐",
        "✔  b1    12s  ✔  c    12s",
        "      │            │",
        "✔  b2    12s       │",
        "      │            │",
        "✔  b3    12s       │",
        "      └──────┬─────┘",
        "        ✔  d    12s",
    ]);
    assert_eq!(text(&g, &LayoutParams::default(), false), want);
}

fn wide_with_statuses() -> TaskGraph {
    let mut spec: Vec<(String, Vec<String>)> = vec![("start".into(), vec![])];
    for i in 0..10 {
        spec.push((format!("srv{i}"), vec!["start".into()]));
    }
    spec.push(("end".into(), (0..10).map(|i| format!("srv{i}")).collect()));
    let refs: Vec<(&str, Vec<&str>)> = spec
        .iter()
        .map(|(id, ups)| (id.as_str(), ups.iter().map(String::as_str).collect()))
        .collect();
    let refs2: Vec<(&str, &[&str])> = refs.iter().map(|(id, ups)| (*id, ups.as_slice())).collect();
    let mut g = graph(&refs2);
    g.nodes[2].status = NodeStatus::Failed;
    for n in &mut g.nodes[3..6] {
        n.status = NodeStatus::Running;
        n.finished = None;
    }
    for n in &mut g.nodes[6..] {
        n.status = NodeStatus::Pending;
        n.started = None;
        n.finished = None;
    }
    g
}

#[test]
fn wide_fan_out_collapses_into_an_aggregate_node() {
    let g = wide_with_statuses();
    let p = LayoutParams::default();
    let l = layout(&g, &p);
    assert_eq!(l.nodes.len(), 3);
    let NodeRef::Aggregate {
        members, branches, ..
    } = &l.nodes[1].node
    else {
        panic!("middle node is an aggregate: {:?}", l.nodes[1].node);
    };
    assert_eq!((*branches, members.len()), (10, 10));
    // `end` waits below a FAILED member: blocked.
    let want = lines(&[
        "                 ✔  start    12s",
        "                        │",
        "▸✖ srv0 ×10 ✔1 ⠋3 ✖1 ◌5        █░░░░░░░░░    12s",
        "                        │",
        "                  ⊘  end",
    ]);
    assert_eq!(render_text(&g, &l, false), want);
    let ascii = lines(&[
        "                 +  start    12s",
        "                        |",
        ">x srv0 x10 +1 >3 x1 .5        #---------    12s",
        "                        |",
        "                  -  end",
    ]);
    assert_eq!(
        render_text(&g, &l, true),
        ascii,
        "ASCII set; `end` is blocked by the failed member"
    );

    // Expanding the group by its fork id shows every branch.
    let mut p2 = p.clone();
    p2.expanded.insert("start".into());
    let l2 = layout(&g, &p2);
    assert_eq!(l2.nodes.len(), 12);
    assert_ne!(l2.key, l.key);
    // Collapsing a narrow group on request.
    let g3 = graph(&[("a", &[]), ("b", &["a"]), ("c", &["a"]), ("d", &["b", "c"])]);
    let mut p3 = p.clone();
    p3.collapsed.insert("a".into());
    assert_eq!(layout(&g3, &p3).nodes.len(), 3);
}

#[test]
fn ascii_mode_uses_plain_characters() {
    let mut g = graph(&[("a", &[]), ("b", &["a"]), ("c", &["a"]), ("d", &["b", "c"])]);
    g.nodes[1].status = NodeStatus::Failed;
    g.nodes[2].operation = NodeOp::Skip;
    g.nodes[3].status = NodeStatus::Pending;
    g.nodes[3].started = None;
    let want = lines(&[
        "      +  a    12s",
        "     +-----+------+",
        "x  b    12s  +s c    12s",
        "     +------+-----+",
        "       -  d",
    ]);
    let out = text(&g, &LayoutParams::default(), true);
    assert_eq!(out, want);
    assert!(out.is_ascii());
}

#[test]
fn long_names_get_a_middle_ellipsis_and_fixed_width() {
    let mut g = graph(&[("a", &[])]);
    g.nodes[0].name = "Check cluster scale_out whether finished".into();
    let p = LayoutParams {
        name_width: 12,
        ..LayoutParams::default()
    };
    assert_eq!(text(&g, &p, false), "✔  Check …ished    12s\n");
    g.nodes[0].name = "扩容检查".into();
    let l = layout(&g, &p);
    assert_eq!(
        l.nodes[0].w,
        3 + 8 + 1 + 6,
        "CJK names count two columns a character"
    );
    assert_eq!(render_text(&g, &l, false), "✔  扩容检查    12s\n");
}

#[test]
fn cycles_and_broken_ids_still_render() {
    let mut g = graph(&[
        ("a", &["c"]),
        ("b", &["a"]),
        ("c", &["b"]),
        ("d", &["d", "ghost"]),
        ("a", &["b"]),
    ]);
    g.nodes[1].downstreams.push("nowhere".into());
    let p = LayoutParams::default();
    let l = layout(&g, &p);
    assert_eq!(l.nodes.len(), 5);
    assert!(
        l.edges.iter().any(|e| e.reversed),
        "the edge closing the cycle is drawn reversed"
    );
    let out = render_text(&g, &l, false);
    assert_eq!(out.matches("12s").count(), 5);
    assert_eq!(list_rows(&g, &p).len(), 5);
}

#[test]
fn topology_hash_ignores_status_and_sees_edges() {
    let g = generate_ocp_like(200, 3);
    let mut g2 = g.clone();
    for n in &mut g2.nodes {
        n.status = NodeStatus::Failed;
        n.started = Some(5);
        n.run_count = 3;
    }
    assert_eq!(topology_hash(&g), topology_hash(&g2));
    let last = g2.nodes.len() - 1;
    let first_id = g2.nodes[0].id.clone();
    g2.nodes[last].upstreams.push(first_id);
    assert_ne!(topology_hash(&g), topology_hash(&g2));
}

#[test]
fn node_at_and_visible_find_nodes_by_cell() {
    let g = generate_ocp_shaped(60, 4, 2, 3, 9);
    let l = layout(&g, &LayoutParams::default());
    for (i, n) in l.nodes.iter().enumerate() {
        assert_eq!(l.node_at(n.x, n.y), Some(i));
        assert_eq!(l.node_at(n.x + n.w - 1, n.y), Some(i));
        assert_ne!(l.node_at(n.x + n.w, n.y), Some(i));
        assert_eq!(
            l.node_at(n.x, n.y + 1),
            None,
            "the row under a node is wire"
        );
    }
    for m in 0..g.nodes.len() {
        let slot = l.slot_of(m).expect("every task node is shown");
        assert!(l.nodes[slot].node.members().contains(&m));
    }
}

#[test]
fn big_chain_and_wide_fan_out_lay_out() {
    let p = LayoutParams::default();
    let chain = generate_chain(100_000, 1);
    let l = layout(&chain, &p);
    assert_eq!(l.nodes.len(), 100_000);
    assert_eq!(l.height, 2 * 100_000 - 1);
    let x0 = l.nodes[0].center();
    assert!(
        l.nodes.iter().all(|n| n.center() == x0),
        "a chain is straight"
    );
    assert_eq!(list_rows(&chain, &p).len(), 100_000);

    let wide = generate_wide(5_000, 1);
    let l = layout(&wide, &p);
    assert_eq!(l.nodes.len(), 3, "collapsed by default");
    let mut open = p.clone();
    open.expanded.insert(wide.nodes[0].id.clone());
    let l = layout(&wide, &open);
    assert_eq!(l.nodes.len(), 5_000);
    assert_eq!(l.height, 5);
    assert_eq!(l.crossings, 0);
    let visible = l
        .visible(Rect {
            x: 1_000,
            y: 0,
            w: 200,
            h: 5,
        })
        .count();
    assert!((5..=20).contains(&visible), "{visible}");
}

// ---------------------------------------------------------------------------------
// Properties

/// A random DAG: edges only from lower to higher index.
fn arb_dag(max: usize) -> impl Strategy<Value = TaskGraph> {
    (1..max)
        .prop_flat_map(|n| {
            (
                Just(n),
                proptest::collection::vec((0..n, 0..n), 0..n * 2),
                any::<u64>(),
            )
        })
        .prop_map(|(n, pairs, seed)| {
            let mut g = TaskGraph::new("p", "p", Backend::Ocp);
            for i in 0..n {
                let mut node = TaskNode::new(
                    format!("n{i}"),
                    format!("step-{}", "x".repeat((i * 7 + seed as usize) % 30)),
                );
                node.series_id = Some(((i as u64 * 31 + seed) % 17) as i64);
                g.nodes.push(node);
            }
            for (a, b) in pairs {
                if a < b {
                    let id = g.nodes[a].id.clone();
                    g.nodes[b].upstreams.push(id);
                }
            }
            g.normalize();
            g
        })
}

/// Anything goes: cycles, self-loops, dangling and duplicate ids.
fn arb_messy(max: usize) -> impl Strategy<Value = TaskGraph> {
    (1..max)
        .prop_flat_map(|n| {
            (
                Just(n),
                proptest::collection::vec((0..n + 2, 0..n + 2), 0..n * 3),
            )
        })
        .prop_map(|(n, pairs)| {
            let mut g = TaskGraph::new("m", "m", Backend::Ocp);
            for i in 0..n {
                g.nodes.push(TaskNode::new(
                    format!("n{}", i % (n - n / 4).max(1)),
                    format!("m{i}"),
                ));
            }
            for (a, b) in pairs {
                let target = b % n;
                g.nodes[target].upstreams.push(format!("n{a}"));
            }
            g
        })
}

/// Series-parallel: chains and properly nested fan-out/fan-in blocks, numbered in
/// creation order (as OCP numbers its subtasks).
#[derive(Debug, Clone)]
enum Sp {
    Leaf,
    Chain(Vec<Sp>),
    Fan(Vec<Sp>),
}

fn arb_sp() -> impl Strategy<Value = Sp> {
    let leaf = Just(Sp::Leaf);
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..4).prop_map(Sp::Chain),
            proptest::collection::vec(inner, 2..5).prop_map(Sp::Fan),
        ]
    })
}

/// Adds `sp` after `prev`; returns the exit node.
fn build_sp(g: &mut TaskGraph, sp: &Sp, prev: Option<usize>) -> usize {
    fn add(g: &mut TaskGraph, prev: &[usize]) -> usize {
        let i = g.nodes.len();
        let mut n = TaskNode::new(format!("{i}"), format!("t{i}"));
        n.series_id = Some(i as i64);
        n.upstreams = prev.iter().map(|&p| g.nodes[p].id.clone()).collect();
        g.nodes.push(n);
        i
    }
    let before: Vec<usize> = prev.into_iter().collect();
    match sp {
        Sp::Leaf => add(g, &before),
        Sp::Chain(parts) => {
            let mut last = prev;
            for part in parts {
                last = Some(build_sp(g, part, last));
            }
            last.unwrap_or_else(|| add(g, &before))
        }
        Sp::Fan(branches) => {
            let fork = add(g, &before);
            let ends: Vec<usize> = branches
                .iter()
                .map(|b| build_sp(g, b, Some(fork)))
                .collect();
            add(g, &ends)
        }
    }
}

fn sp_graph(sp: &Sp) -> TaskGraph {
    let mut g = TaskGraph::new("sp", "sp", Backend::Ocp);
    build_sp(&mut g, sp, None);
    g.normalize();
    g
}

fn check_geometry(g: &TaskGraph, l: &Layout, p: &LayoutParams) -> Result<(), TestCaseError> {
    // Nodes: sorted, no overlaps (gap kept), every task node shown once.
    for w in l.nodes.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        prop_assert!((a.y, a.x) < (b.y, b.x));
        if a.y == b.y {
            prop_assert!(a.x + a.w + p.gap as u32 <= b.x, "overlap {:?} {:?}", a, b);
        }
    }
    let mut seen = HashSet::new();
    for n in &l.nodes {
        for &m in n.node.members() {
            prop_assert!(seen.insert(m));
        }
        prop_assert!(n.x + n.w <= l.width && n.y < l.height);
    }
    prop_assert_eq!(seen.len(), g.nodes.len());
    // Edges: a path of adjacent cells from the source's bottom to the target's top,
    // drawn in the merged cells, never through a node.
    for e in &l.edges {
        let (from, to) = (&l.nodes[e.from], &l.nodes[e.to]);
        prop_assert!(from.layer < to.layer);
        let cells = e.cells();
        prop_assert_eq!(cells.first().copied(), Some((from.center(), from.y + 1)));
        prop_assert_eq!(cells.last().copied(), Some((to.center(), to.y - 1)));
        for w in cells.windows(2) {
            let d = w[0].0.abs_diff(w[1].0) + w[0].1.abs_diff(w[1].1);
            prop_assert_eq!(d, 1, "gap in {:?}", e);
        }
        for &(x, y) in &cells {
            prop_assert!(
                l.node_at(x, y).is_none(),
                "edge through a node at {},{}",
                x,
                y
            );
            let drawn = l
                .cells
                .binary_search_by_key(&(y, x), |c| (c.y, c.x))
                .is_ok();
            prop_assert!(drawn, "cell {},{} of {:?} not drawn", x, y, e);
        }
    }
    Ok(())
}

/// Follows the drawn wires from a node's bottom the way a reader does: down or
/// sideways, never up, straight through crossings. Returns the nodes reached.
fn read_from(l: &Layout, from: usize) -> BTreeSet<usize> {
    let mask = |x: u32, y: u32| {
        l.cells
            .binary_search_by_key(&(y, x), |c| (c.y, c.x))
            .ok()
            .map(|i| l.cells[i].mask)
    };
    let n = &l.nodes[from];
    // (x, y, entered from: 0 above, 1 the left, 2 the right)
    let mut stack = vec![(n.center(), n.y + 1, 0u8)];
    let mut seen = HashSet::new();
    let mut out = BTreeSet::new();
    while let Some((x, y, came)) = stack.pop() {
        if !seen.insert((x, y, came)) {
            continue;
        }
        let Some(m) = mask(x, y) else { continue };
        let cross = m & CROSS != 0;
        let enters = match came {
            0 => m & UP != 0,
            1 => cross || m & LEFT != 0,
            _ => cross || m & RIGHT != 0,
        };
        if !enters {
            continue;
        }
        let (down, left, right) = if cross {
            (came == 0, came == 2, came == 1)
        } else {
            (m & DOWN != 0, m & LEFT != 0, m & RIGHT != 0)
        };
        if down {
            match l.node_at(x, y + 1) {
                Some(t) => {
                    out.insert(t);
                }
                None => stack.push((x, y + 1, 0)),
            }
        }
        if left && x > 0 {
            stack.push((x - 1, y, 2));
        }
        if right {
            stack.push((x + 1, y, 1));
        }
    }
    out
}

/// Every node's real targets are reachable along the drawing; with `exact`, nothing
/// else is (no wire suggests an edge that does not exist).
fn check_reading(l: &Layout, exact: bool) -> Result<(), TestCaseError> {
    for s in 0..l.nodes.len() {
        let want: BTreeSet<usize> = l
            .edges
            .iter()
            .filter(|e| e.from == s)
            .map(|e| e.to)
            .collect();
        let got = read_from(l, s);
        if exact {
            prop_assert_eq!(&got, &want, "reading from node {}", s);
        } else {
            prop_assert!(
                got.is_superset(&want),
                "node {} reaches {:?}, wants {:?}",
                s,
                got,
                want
            );
        }
    }
    Ok(())
}

/// List gutters are continuous: a lane leaving a row downwards enters the next row
/// from above (or ends in that row's node), and no lane appears from nowhere.
fn check_lanes(rows: &[ListRow]) -> Result<(), TestCaseError> {
    let at = |r: &ListRow, k: usize| r.lanes.get(k).copied().unwrap_or(0);
    for (i, w) in rows.windows(2).enumerate() {
        let (a, b) = (&w[0], &w[1]);
        prop_assert_eq!(at(a, a.node_col), NODE);
        for k in (0..a.lanes.len().max(b.lanes.len())).step_by(2) {
            let (ma, mb) = (at(a, k), at(b, k));
            if ma != NODE && ma & DOWN != 0 {
                prop_assert!(
                    mb == NODE || mb & UP != 0,
                    "row {} lane {} goes nowhere",
                    i,
                    k / 2
                );
            }
            if mb != NODE && mb & UP != 0 {
                prop_assert!(
                    ma == NODE || ma & DOWN != 0,
                    "row {} lane {} comes from nowhere",
                    i + 1,
                    k / 2
                );
            }
        }
    }
    Ok(())
}

fn shuffle_status(g: &TaskGraph, seed: u64) -> TaskGraph {
    let mut g = g.clone();
    let all = [
        NodeStatus::Pending,
        NodeStatus::Ready,
        NodeStatus::Running,
        NodeStatus::Failed,
        NodeStatus::Successful,
    ];
    for (i, n) in g.nodes.iter_mut().enumerate() {
        let k = (seed as usize).wrapping_add(i * 7) % all.len();
        n.status = all[k].clone();
        n.operation = if k == 1 {
            NodeOp::Retry
        } else {
            NodeOp::Execute
        };
        n.started = Some(k as i64 * 1000);
        n.finished = Some(k as i64 * 99_000);
        n.run_count = k as u32;
    }
    g
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_dags_lay_out_cleanly(g in arb_dag(40), seed in any::<u64>(), narrow in any::<bool>()) {
        let p = LayoutParams { collapse_threshold: if narrow { 2 } else { 8 }, ..LayoutParams::default() };
        let l = layout(&g, &p);
        check_geometry(&g, &l, &p)?;
        check_reading(&l, false)?;
        // A status-only change moves nothing.
        let g2 = shuffle_status(&g, seed);
        prop_assert_eq!(&layout(&g2, &p), &l);
        // Rendering covers exactly the layout's rows.
        let out = render_text(&g2, &l, false);
        prop_assert_eq!(out.lines().count(), l.height as usize);
        let rows = list_rows(&g, &p);
        prop_assert_eq!(rows.len(), l.nodes.len());
        check_lanes(&rows)?;
    }

    #[test]
    fn series_parallel_dags_have_no_crossings(sp in arb_sp()) {
        let g = sp_graph(&sp);
        let p = LayoutParams::default();
        let l = layout(&g, &p);
        prop_assert_eq!(l.crossings, 0);
        check_geometry(&g, &l, &p)?;
        check_reading(&l, true)?;
        let expanded = LayoutParams { collapse_threshold: usize::MAX, ..p.clone() };
        let l = layout(&g, &expanded);
        prop_assert_eq!(l.crossings, 0);
        check_geometry(&g, &l, &expanded)?;
        check_reading(&l, true)?;
    }

    #[test]
    fn messy_graphs_never_panic(g in arb_messy(30)) {
        let p = LayoutParams::default();
        let l = layout(&g, &p);
        check_geometry(&g, &l, &p)?;
        let _ = render_text(&g, &l, true);
        let _ = obtui_task::text::render_list_text(&g, &list_rows(&g, &p), &p, false);
        let _ = (g.validate(), g.critical_path(), g.eta(0), g.progress());
        let (nodes, _) = (g.nodes.len(), 0);
        prop_assert_eq!(topo_order(&g).len(), nodes);
    }

    #[test]
    fn visible_matches_a_full_scan(g in arb_dag(40), x in 0u32..120, y in 0u32..60, w in 0u32..80, h in 0u32..30) {
        let l = layout(&g, &LayoutParams::default());
        let r = Rect { x, y, w, h };
        let got: Vec<usize> = l.visible(r).map(|(i, _)| i).collect();
        let want: Vec<usize> = l.nodes.iter().enumerate()
            .filter(|(_, n)| n.y >= y && n.y < y + h && n.x < x + w && n.x + n.w > x)
            .map(|(i, _)| i).collect();
        prop_assert_eq!(got, want);
        let cells: Vec<(u32, u32)> = l.visible_cells(r).map(|c| (c.x, c.y)).collect();
        let want: Vec<(u32, u32)> = l.cells.iter()
            .filter(|c| c.y >= y && c.y < y + h && c.x >= x && c.x < x + w)
            .map(|c| (c.x, c.y)).collect();
        prop_assert_eq!(cells, want);
    }
}

#[test]
fn steps_follow_edges_and_layers() {
    let g = graph(&[
        ("s0", &[]),
        ("s1", &["s0"]),
        ("u0", &["s1"]),
        ("u1", &["s1"]),
        ("u2", &["s1"]),
        ("s2", &["u0", "u1", "u2"]),
    ]);
    let l = layout(&g, &LayoutParams::default());
    let slot = |id: &str| l.slot_of(g.find(id).expect("id")).expect("placed");
    let name = |k: Option<usize>| {
        k.map(|k| match &l.nodes[k].node {
            NodeRef::Single(i) => g.nodes[*i].id.clone(),
            NodeRef::Aggregate { .. } => "agg".into(),
        })
    };
    assert_eq!(name(l.step(slot("s0"), Step::Down)).as_deref(), Some("s1"));
    assert_eq!(
        name(l.step(slot("s1"), Step::Down)).as_deref(),
        Some("u1"),
        "the middle child is nearest"
    );
    assert_eq!(name(l.step(slot("u0"), Step::Right)).as_deref(), Some("u1"));
    assert_eq!(name(l.step(slot("u2"), Step::Right)), None);
    assert_eq!(name(l.step(slot("u0"), Step::Left)), None);
    assert_eq!(name(l.step(slot("s2"), Step::Up)).as_deref(), Some("u1"));
    assert_eq!(name(l.step(slot("s0"), Step::Up)), None);
    let ups: Vec<String> = l
        .upstream(slot("s2"))
        .map(|k| name(Some(k)).unwrap_or_default())
        .collect();
    assert_eq!(ups, ["u0", "u1", "u2"]);
    assert_eq!(l.downstream(slot("s1")).count(), 3);
    assert_eq!(l.step(999, Step::Down), None);
}

#[test]
fn summary_and_failure_lines_for_watch() {
    use obtui_task::text::{failure_lines, summary_line};
    let mut g = graph(&[("a", &[]), ("b", &["a"]), ("c", &["b"])]);
    g.name = "Scale out".into();
    g.started = Some(0);
    g.nodes[1].status = NodeStatus::Running;
    g.nodes[1].finished = None;
    g.nodes[2].status = NodeStatus::Pending;
    g.nodes[2].started = None;
    g.nodes[2].finished = None;
    assert_eq!(
        summary_line(&g, 20_000, false),
        "Scale out #1 · RUNNING · 1/3 ███░░░░░░░ · 20s · ETA unknown"
    );
    g.nodes[1].status = NodeStatus::Failed;
    g.nodes[1].finished = Some(15_000);
    g.nodes[1].children.push(SubNode {
        id: "9".into(),
        status: Some(NodeStatus::Failed),
        execute_agent: Some("10.0.0.1:2886".into()),
        logs: vec!["start".into(), "ERROR: boom".into()],
        ..SubNode::default()
    });
    g.status = TaskState::Failed;
    g.finished = Some(15_000);
    assert_eq!(
        summary_line(&g, 20_000, true),
        "Scale out #1 | FAILED | 1/3 ###------- | 15s | failed at 'b'"
    );
    assert_eq!(
        failure_lines(&g, false),
        ["✖ b (b) on 10.0.0.1:2886: ERROR: boom"]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn ocp_like_drawings_read_exactly(nodes in 2usize..250, seed in any::<u64>(), width in 1usize..12) {
        let g = generate_ocp_shaped(nodes, width, 1 + (seed % 3) as usize, 2 + (seed % 3) as usize, seed);
        for p in [LayoutParams::default(), LayoutParams { collapse_threshold: usize::MAX, ..LayoutParams::default() }] {
            let l = layout(&g, &p);
            prop_assert_eq!(l.crossings, 0);
            check_geometry(&g, &l, &p)?;
            check_reading(&l, true)?;
        }
    }
}

// ---------------------------------------------------------------------------------
// Tangled graphs: bounded wire, the rest undrawn and counted

/// A chain of `n` with `long` extra edges, each skipping about half the chain: every one
/// would need a wire vertex on each layer it crosses.
fn chain_with_long_edges(n: usize, long: usize) -> TaskGraph {
    let mut g = generate_chain(n, 3);
    for k in 0..long {
        let from = k * (n / 2) / long.max(1);
        let to = (from + n / 2 + k % 7).min(n - 1);
        let id = g.nodes[from].id.clone();
        g.nodes[to].upstreams.push(id);
    }
    g.normalize();
    g
}

#[test]
fn real_task_shapes_draw_every_edge() {
    let p = LayoutParams::default();
    for g in [generate_ocp_like(5_000, 1), generate_chain(20_000, 1)] {
        let l = layout(&g, &p);
        assert_eq!(l.elided, 0, "{} nodes", g.nodes.len());
        assert!(l.edges.iter().all(|e| !e.points.is_empty()));
    }
    let wide = generate_wide(5_000, 1);
    let mut open = p.clone();
    open.expanded.insert(wide.nodes[0].id.clone());
    assert_eq!(
        layout(&wide, &open).elided,
        0,
        "a flat 5,000-branch fan-out"
    );
}

#[test]
fn long_edges_past_the_budget_are_left_undrawn_and_counted() {
    let p = LayoutParams::default();
    let (n, long) = (3_000, 150);
    let g = chain_with_long_edges(n, long);
    let l = layout(&g, &p);
    assert!(l.elided > 0 && l.elided <= long, "elided {}", l.elided);
    assert_eq!(l.edges.len(), n - 1 + long, "undrawn edges stay navigable");
    let undrawn = l.edges.iter().filter(|e| e.points.is_empty()).count();
    assert_eq!(undrawn, l.elided);
    // Every chain edge is short and stays drawn; the drawing of the rest is exact.
    let drawn: Vec<RoutedEdge> = l
        .edges
        .iter()
        .filter(|e| !e.points.is_empty())
        .cloned()
        .collect();
    assert!(drawn.len() >= n - 1);
    let mut only_drawn = l.clone();
    only_drawn.edges = drawn;
    check_geometry(&g, &only_drawn, &p).unwrap();
    let dummies = l.cells.len();
    assert!(
        dummies <= 2 * (WIRE_BUDGET_PER_UNIT * n + WIRE_BUDGET_BASE),
        "{dummies} wire cells"
    );
}

#[test]
fn list_gutter_is_capped_and_stays_continuous() {
    let p = LayoutParams::default();
    let g = chain_with_long_edges(2_000, 300);
    let rows = list_rows(&g, &p);
    assert_eq!(rows.len(), 2_000);
    let widest = rows.iter().map(|r| r.lanes.len()).max().unwrap();
    assert!(widest > 40, "the long edges open many lanes ({widest})");
    assert!(widest <= 2 * MAX_LANES + 1, "gutter {widest}");
    check_lanes(&rows).unwrap();
    // A small graph's gutter is unchanged by the cap: one lane per open edge.
    let small = chain_with_long_edges(40, 6);
    let rows = list_rows(&small, &p);
    let widest = rows.iter().map(|r| r.lanes.len()).max().unwrap();
    assert!((3..=2 * 8).contains(&widest), "gutter {widest}");
    check_lanes(&rows).unwrap();
}

#[test]
fn random_dags_lay_out_validly() {
    let p = LayoutParams::default();
    for (n, seed) in [(40, 1), (300, 2), (1_000, 3)] {
        let g = generate_random(n, seed);
        assert_eq!(g.nodes.len(), n);
        assert!(g.validate().is_empty(), "a random DAG is a DAG");
        assert_eq!(g, generate_random(n, seed), "seeded");
        let l = layout(&g, &p);
        // A tangle may leave its longest edges undrawn (counted); what is drawn is exact.
        let undrawn = l.edges.iter().filter(|e| e.points.is_empty()).count();
        assert_eq!(undrawn, l.elided, "{n} nodes, seed {seed}");
        assert!(
            l.elided * 10 < l.edges.len(),
            "{n} nodes: {} undrawn",
            l.elided
        );
        let mut only_drawn = l.clone();
        only_drawn.edges.retain(|e| !e.points.is_empty());
        if let Err(e) = check_geometry(&g, &only_drawn, &p) {
            panic!("{n} nodes, seed {seed}: {e}");
        }
    }
}
