//! Layered (Sugiyama-style) layout of a [`TaskGraph`] on a character grid.
//!
//! Pure: integer cells, no terminal types. Steps (reference: dag-rendering.md §3, §5.1):
//! fan-out groups → aggregate units; Kahn topological order in model order (cycles
//! broken deterministically); longest-path layers; dummy vertices for long edges;
//! model-order rows improved by barycenter sweeps only when crossings drop; x by
//! neighbour-mean wishes with block merging (no overlaps, chains straight); edges
//! routed on channel rows between layers as 4-bit cell masks.
//!
//! The layout depends only on ids, names, edges, model order and params — never on
//! status or times — so a status change repaints cells but moves nothing.

use std::cmp::Reverse;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, BinaryHeap};
use std::hash::{Hash, Hasher};

use unicode_width::UnicodeWidthStr;

use super::graph::{kahn, Csr};
use super::model::{model_rank, IdHasher, TaskGraph};
// Re-exported: callers have always found the orders next to the layout.
pub use super::model::{model_cmp, topo_order};

/// Edge cell mask bits. A cell's glyph follows from the OR of its bits.
pub const UP: u8 = 1;
pub const DOWN: u8 = 2;
pub const LEFT: u8 = 4;
pub const RIGHT: u8 = 8;
/// A vertical line crossing an unrelated horizontal one: drawn as the vertical only,
/// because a `┼` would read as "connected".
pub const CROSS: u8 = 16;

/// Columns after the name in an aggregate label: ` ×N`, per-status counts, a 10-cell
/// bar and the duration slot.
pub const AGGREGATE_EXTRA: usize = 34;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LayoutParams {
    /// Most columns a node's name may take (longer names get a middle ellipsis).
    pub name_width: usize,
    /// Fixed, right-aligned duration slot.
    pub duration_width: usize,
    /// Least number of blank columns between two nodes of a layer.
    pub gap: usize,
    /// Fan-out groups with more branches than this collapse into one aggregate node.
    pub collapse_threshold: usize,
    /// Fork node ids whose group stays expanded although wide.
    pub expanded: BTreeSet<String>,
    /// Fork node ids whose group collapses although narrow.
    pub collapsed: BTreeSet<String>,
    /// Most barycenter sweep rounds (each one down and one up).
    pub sweeps: usize,
}

impl Default for LayoutParams {
    fn default() -> Self {
        LayoutParams {
            name_width: 24,
            duration_width: 6,
            gap: 2,
            collapse_threshold: 8,
            expanded: BTreeSet::new(),
            collapsed: BTreeSet::new(),
            sweeps: 4,
        }
    }
}

impl LayoutParams {
    /// Display columns the name gets in a label.
    pub fn name_cols(&self, name: &str) -> usize {
        display_width(name).clamp(1, self.name_width.max(1))
    }

    /// `glyph op ␣ name ␣ duration`.
    pub fn node_width(&self, name: &str) -> usize {
        3 + self.name_cols(name) + 1 + self.duration_width
    }

    pub fn aggregate_width(&self, name: &str) -> usize {
        self.node_width(name) + AGGREGATE_EXTRA
    }
}

pub fn display_width(s: &str) -> usize {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    UnicodeWidthStr::width(s)
}

/// What a placed node stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeRef {
    /// One task node (index into `TaskGraph::nodes`).
    Single(usize),
    /// A collapsed fan-out: `branches` parallel chains from `fork` (to `join`).
    Aggregate {
        fork: usize,
        join: Option<usize>,
        members: Vec<usize>,
        branches: usize,
    },
}

impl NodeRef {
    /// The task node indices this stands for.
    pub fn members(&self) -> &[usize] {
        match self {
            NodeRef::Single(i) => std::slice::from_ref(i),
            NodeRef::Aggregate { members, .. } => members,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedNode {
    pub node: NodeRef,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub layer: u32,
}

impl PlacedNode {
    /// Column where edges leave and enter.
    pub fn center(&self) -> u32 {
        self.x + self.w / 2
    }
}

/// One dependency drawn top to bottom: from `from`'s bottom `(center, y+1)` to
/// `to`'s top `(center, y-1)`. `reversed` means the real dependency runs the other way
/// (an edge that closed a cycle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutedEdge {
    /// Indices into `Layout::nodes`.
    pub from: usize,
    pub to: usize,
    pub reversed: bool,
    /// Orthogonal polyline: consecutive points share x or y.
    pub points: Vec<(u32, u32)>,
}

impl RoutedEdge {
    /// Every cell on the polyline, in order.
    pub fn cells(&self) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for (k, &(x, y)) in self.points.iter().enumerate() {
            if k == 0 {
                out.push((x, y));
                continue;
            }
            let (mut cx, mut cy) = self.points[k - 1];
            while (cx, cy) != (x, y) {
                if cx != x {
                    cx = if cx < x { cx + 1 } else { cx - 1 };
                } else {
                    cy = if cy < y { cy + 1 } else { cy - 1 };
                }
                out.push((cx, cy));
            }
        }
        out
    }
}

/// A grid cell with wire in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeCell {
    pub x: u32,
    pub y: u32,
    pub mask: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    /// Sorted by `(y, x)`.
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<RoutedEdge>,
    /// Merged wire cells, sorted by `(y, x)`.
    pub cells: Vec<EdgeCell>,
    /// Edge crossings left after ordering (between adjacent layers).
    pub crossings: usize,
    /// Edges left undrawn because routing them would pass the wire budgets
    /// ([`DUMMY_BUDGET_PER_UNIT`], [`WIRE_BUDGET_PER_UNIT`]); only tangled graphs get there.
    /// They stay in `edges` with no points, so navigation still follows them.
    pub elided: usize,
    /// [`layout_key`] of the input; relayout only when it changes.
    pub key: u64,
    /// The duration slot of labels (from the params), for label rendering.
    pub duration_width: u32,
    /// Per task node: index into `nodes` (aggregate members map to the aggregate).
    slot: Vec<Option<usize>>,
    /// Indices into `edges`, sorted by `(to, from)`, for upstream look-ups.
    by_target: Vec<usize>,
}

/// A move of the selection in the graph view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Along an edge to a node below (the one nearest in column).
    Down,
    /// Along an edge to a node above (the one nearest in column).
    Up,
    /// The previous node in the same layer.
    Left,
    /// The next node in the same layer.
    Right,
}

impl Layout {
    /// Index into `nodes` of the placed node that shows task node `idx`.
    pub fn slot_of(&self, idx: usize) -> Option<usize> {
        self.slot.get(idx).copied().flatten()
    }

    /// The placed node covering cell `(x, y)`.
    pub fn node_at(&self, x: u32, y: u32) -> Option<usize> {
        let lo = self.nodes.partition_point(|n| n.y < y);
        let hi = self.nodes.partition_point(|n| n.y <= y);
        let row = &self.nodes[lo..hi];
        let k = row.partition_point(|n| n.x + n.w <= x);
        match row.get(k) {
            Some(n) if n.x <= x => Some(lo + k),
            _ => None,
        }
    }

    /// Placed nodes intersecting `r`, with their indices. Cost follows the viewport.
    pub fn visible(&self, r: Rect) -> impl Iterator<Item = (usize, &PlacedNode)> + '_ {
        let lo = self.nodes.partition_point(|n| n.y < r.y);
        let hi = self
            .nodes
            .partition_point(|n| n.y < r.y.saturating_add(r.h));
        let right = r.x.saturating_add(r.w);
        RowRanges {
            items: &self.nodes[..hi],
            pos: lo,
            key: |n: &PlacedNode| (n.y, n.x, n.x + n.w),
        }
        .flat_map(move |(start, row)| {
            let k = row.partition_point(|n| n.x + n.w <= r.x);
            let end = row.partition_point(|n| n.x < right);
            (k..end.max(k)).map(move |i| (start + i, &row[i]))
        })
    }

    /// Placed nodes below `slot` joined to it by an edge (drawn direction).
    pub fn downstream(&self, slot: usize) -> impl Iterator<Item = usize> + '_ {
        let lo = self.edges.partition_point(|e| e.from < slot);
        self.edges[lo..]
            .iter()
            .take_while(move |e| e.from == slot)
            .map(|e| e.to)
    }

    /// Placed nodes above `slot` joined to it by an edge (drawn direction).
    pub fn upstream(&self, slot: usize) -> impl Iterator<Item = usize> + '_ {
        let lo = self.by_target.partition_point(|&e| self.edges[e].to < slot);
        self.by_target[lo..]
            .iter()
            .map(|&e| &self.edges[e])
            .take_while(move |e| e.to == slot)
            .map(|e| e.from)
    }

    /// Where the selection goes from `slot`; `None` when there is nowhere to go.
    /// Up/down pick the neighbour whose centre is nearest (left one on a tie).
    pub fn step(&self, slot: usize, step: Step) -> Option<usize> {
        let here = self.nodes.get(slot)?;
        let c = i64::from(here.center());
        let nearest = |it: &mut dyn Iterator<Item = usize>| {
            it.min_by_key(|&k| {
                (
                    (i64::from(self.nodes[k].center()) - c).abs(),
                    self.nodes[k].x,
                )
            })
        };
        match step {
            Step::Down => nearest(&mut self.downstream(slot)),
            Step::Up => nearest(&mut self.upstream(slot)),
            Step::Left => slot.checked_sub(1).filter(|&k| self.nodes[k].y == here.y),
            Step::Right => {
                Some(slot + 1).filter(|&k| self.nodes.get(k).is_some_and(|n| n.y == here.y))
            }
        }
    }

    /// Wire cells inside `r`.
    pub fn visible_cells(&self, r: Rect) -> impl Iterator<Item = &EdgeCell> + '_ {
        let lo = self.cells.partition_point(|c| c.y < r.y);
        let hi = self
            .cells
            .partition_point(|c| c.y < r.y.saturating_add(r.h));
        let right = r.x.saturating_add(r.w);
        RowRanges {
            items: &self.cells[..hi],
            pos: lo,
            key: |c: &EdgeCell| (c.y, c.x, c.x + 1),
        }
        .flat_map(move |(_, row)| {
            let k = row.partition_point(|c| c.x < r.x);
            let end = row.partition_point(|c| c.x < right);
            row[k..end.max(k)].iter()
        })
    }
}

/// Splits a `(y, x)`-sorted slice into rows.
struct RowRanges<'a, T, F> {
    items: &'a [T],
    pos: usize,
    key: F,
}

impl<'a, T, F: Fn(&T) -> (u32, u32, u32)> Iterator for RowRanges<'a, T, F> {
    type Item = (usize, &'a [T]);
    fn next(&mut self) -> Option<Self::Item> {
        let first = self.items.get(self.pos)?;
        let y = (self.key)(first).0;
        let rest = &self.items[self.pos..];
        let len = rest.partition_point(|t| (self.key)(t).0 <= y);
        let start = self.pos;
        self.pos += len.max(1);
        Some((start, &rest[..len.max(1)]))
    }
}

// ---------------------------------------------------------------------------------
// Hashing (model order and topological order live in `model`)

/// Hash of everything the layout depends on in the graph: ids, names, model-order
/// fields and edges — not statuses or times.
pub fn topology_hash(g: &TaskGraph) -> u64 {
    topology_hash_with(g, &g.edges())
}

fn topology_hash_with(g: &TaskGraph, edges: &[(usize, usize)]) -> u64 {
    // A fast hash: this runs on every poll of the task to decide whether to relayout.
    let mut h = IdHasher::default();
    g.nodes.len().hash(&mut h);
    for n in &g.nodes {
        n.id.hash(&mut h);
        n.name.hash(&mut h);
        n.target.hash(&mut h);
        n.series_id.hash(&mut h);
        n.parallel_idx.hash(&mut h);
    }
    edges.hash(&mut h);
    h.finish()
}

fn key_of(topology: u64, p: &LayoutParams) -> u64 {
    let mut h = DefaultHasher::new();
    topology.hash(&mut h);
    p.hash(&mut h);
    h.finish()
}

/// [`topology_hash`] combined with the params.
pub fn layout_key(g: &TaskGraph, p: &LayoutParams) -> u64 {
    key_of(topology_hash(g), p)
}

// ---------------------------------------------------------------------------------
// Units: single nodes and collapsed fan-out groups

/// A fan-out group: parallel chains from one fork to one common join (or all to sinks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanOut {
    pub fork: usize,
    pub join: Option<usize>,
    /// Each branch's nodes, head first; branches in model order.
    pub branches: Vec<Vec<usize>>,
}

/// All fan-out groups of the graph (any width). A group qualifies when every child
/// of the fork starts a simple chain (in-degree 1, out-degree ≤ 1) and all chains
/// end in the same join node (or all end without one).
pub fn fan_outs(g: &TaskGraph) -> Vec<FanOut> {
    let (succs, preds) = Csr::both(g.nodes.len(), &g.edges());
    fan_outs_with(&preds, &succs, &model_rank(g))
}

fn fan_outs_with(ups: &Csr, downs: &Csr, rank: &[usize]) -> Vec<FanOut> {
    let n = rank.len();
    let mut out = Vec::new();
    'fork: for f in 0..n {
        if downs.len(f) < 2 {
            continue;
        }
        let mut children = downs.row(f).to_vec();
        children.sort_by_key(|&c| rank[c]);
        let mut branches = Vec::with_capacity(children.len());
        let mut end: Option<Option<usize>> = None;
        for &c in &children {
            if ups.len(c) != 1 {
                continue 'fork;
            }
            let mut chain = vec![c];
            let mut v = c;
            let target = loop {
                match downs.row(v) {
                    [] => break None,
                    &[w] => {
                        if ups.len(w) != 1 {
                            break Some(w);
                        }
                        if w == f || chain.len() > n {
                            continue 'fork;
                        }
                        chain.push(w);
                        v = w;
                    }
                    _ => continue 'fork,
                }
            };
            match end {
                None => end = Some(target),
                Some(e) if e == target => {}
                Some(_) => continue 'fork,
            }
            branches.push(chain);
        }
        if let Some(join) = end {
            if join == Some(f) {
                continue;
            }
            out.push(FanOut {
                fork: f,
                join,
                branches,
            });
        }
    }
    out
}

struct Units {
    refs: Vec<NodeRef>,
    widths: Vec<usize>,
    rank: Vec<usize>,
    preds: Csr,
    succs: Csr,
    /// Per task node: its unit.
    unit_of: Vec<usize>,
    /// The task's edges between node indices (input to the topology hash).
    node_edges: Vec<(usize, usize)>,
}

fn build_units(g: &TaskGraph, p: &LayoutParams) -> Units {
    let n = g.nodes.len();
    let node_edges = g.edges();
    let node_rank = model_rank(g);
    let mut unit_of = vec![usize::MAX; n];
    let mut refs = Vec::new();
    let mut widths = Vec::new();
    let mut unit_rank_key = Vec::new();
    let (downs, ups) = Csr::both(n, &node_edges);
    for fo in fan_outs_with(&ups, &downs, &node_rank) {
        let fork_id = &g.nodes[fo.fork].id;
        let wide = fo.branches.len() > p.collapse_threshold && !p.expanded.contains(fork_id);
        if !(wide || p.collapsed.contains(fork_id)) {
            continue;
        }
        let mut members: Vec<usize> = fo.branches.iter().flatten().copied().collect();
        if members.iter().any(|&m| unit_of[m] != usize::MAX) {
            continue;
        }
        members.sort_by_key(|&m| node_rank[m]);
        let u = refs.len();
        for &m in &members {
            unit_of[m] = u;
        }
        let first = members.first().copied().unwrap_or(fo.fork);
        widths.push(p.aggregate_width(&g.nodes[first].name));
        unit_rank_key.push(node_rank[first]);
        refs.push(NodeRef::Aggregate {
            fork: fo.fork,
            join: fo.join,
            members,
            branches: fo.branches.len(),
        });
    }
    let collapsed_any = !refs.is_empty();
    for v in 0..n {
        if unit_of[v] == usize::MAX {
            unit_of[v] = refs.len();
            widths.push(p.node_width(&g.nodes[v].label()));
            unit_rank_key.push(node_rank[v]);
            refs.push(NodeRef::Single(v));
        }
    }
    let m = refs.len();
    let (succs, preds) = if collapsed_any {
        let mut edges: Vec<(usize, usize)> = node_edges
            .iter()
            .map(|&(a, b)| (unit_of[a], unit_of[b]))
            .filter(|(a, b)| a != b)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        Csr::both(m, &edges)
    } else {
        // Units are the nodes, in order: reuse the node adjacency.
        (downs, ups)
    };
    let mut idx: Vec<usize> = (0..m).collect();
    idx.sort_unstable_by_key(|&u| (unit_rank_key[u], u));
    let mut rank = vec![0; m];
    for (r, &u) in idx.iter().enumerate() {
        rank[u] = r;
    }
    Units {
        refs,
        widths,
        rank,
        preds,
        succs,
        unit_of,
        node_edges,
    }
}

// ---------------------------------------------------------------------------------
// The layout

/// Wire vertices (one per layer a long edge crosses) the layout may create per node, on top
/// of [`DUMMY_BUDGET_BASE`]. Real task DAGs (chains with fan-outs) use a handful; a random
/// graph with many long edges would need a number quadratic in its size (100,000 nodes:
/// billions), so past the budget the longest edges are left undrawn and counted in
/// [`Layout::elided`]. One per node: every later step (sweeps, routing, wire cells) grows with
/// the wire vertices, and a random 5,000-node tangle laid out with two per node spent a quarter
/// more time for edges too long to follow on screen anyway (the list view shows them all).
pub const DUMMY_BUDGET_PER_UNIT: usize = 1;
pub const DUMMY_BUDGET_BASE: usize = 5_000;
/// Wire cells the layout may draw per node, on top of [`WIRE_BUDGET_BASE`]. The OCP-shaped
/// benchmark DAGs use about 13 per node, a 5,000-branch fan-out laid flat about 38.
pub const WIRE_BUDGET_PER_UNIT: usize = 32;
pub const WIRE_BUDGET_BASE: usize = 200_000;
/// Segment visits the barycenter sweeps may spend (each sweep visits every segment twice):
/// real task DAGs reach zero crossings in their first sweep or start there; a random tangle of
/// 5,000 nodes gets one sweep instead of four.
pub const SWEEP_BUDGET: usize = 40_000;

/// Lays out the graph. Never fails: cycles are broken (the closing edge is drawn
/// reversed), dangling edges and self-loops are ignored (see `TaskGraph::validate`).
pub fn layout(g: &TaskGraph, p: &LayoutParams) -> Layout {
    let mut units = build_units(g, p);
    let key = key_of(topology_hash_with(g, &units.node_edges), p);
    let m = units.refs.len();
    if m == 0 {
        return Layout {
            key,
            duration_width: p.duration_width as u32,
            ..Layout::default()
        };
    }
    let order = kahn(&units.rank, &units.preds, &units.succs);
    let mut pos_topo = vec![0usize; m];
    for (k, &u) in order.iter().enumerate() {
        pos_topo[u] = k;
    }
    // Effective edges point forward in the topological order.
    let mut eff: Vec<(usize, usize, bool)> = Vec::with_capacity(units.succs.items.len());
    for a in 0..m {
        for &b in units.succs.row(a) {
            if pos_topo[a] < pos_topo[b] {
                eff.push((a, b, false));
            } else {
                eff.push((b, a, true));
            }
        }
    }
    eff.sort_unstable();
    eff.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);

    // Longest-path layering.
    let eff_rev: Vec<(usize, usize)> = eff.iter().map(|&(a, b, _)| (b, a)).collect();
    let eff_preds = Csr::new(m, &eff_rev);
    let mut layer = vec![0usize; m];
    for &v in &order {
        layer[v] = eff_preds
            .row(v)
            .iter()
            .map(|&u| layer[u] + 1)
            .max()
            .unwrap_or(0);
    }
    let n_layers = layer.iter().copied().max().unwrap_or(0) + 1;

    // Drawn edges: all of them, unless their wire vertices would blow the budget; then the
    // shortest first, until it is spent.
    let span = |&(a, b, _): &(usize, usize, bool)| layer[b] - layer[a] - 1;
    let budget = DUMMY_BUDGET_PER_UNIT * m + DUMMY_BUDGET_BASE;
    let mut drawn = vec![true; eff.len()];
    let spans: Vec<usize> = eff.iter().map(span).collect();
    let mut elided = spend_budget(&spans, budget, &mut drawn);

    // Vertices: units, then dummies. Segments join vertices of adjacent layers.
    let mut v_layer: Vec<usize> = layer.clone();
    let mut v_width: Vec<usize> = units.widths.clone();
    let mut v_key: Vec<(usize, usize)> = (0..m).map(|u| (units.rank[u], 0)).collect();
    let mut segs: Vec<(usize, usize)> = Vec::with_capacity(eff.len());
    let mut edge_segs: Vec<(usize, usize)> = Vec::with_capacity(eff.len()); // (first seg, count)
    let mut dummy_edge: Vec<usize> = Vec::new(); // per dummy (vertex `m + k`): its edge
    for (e, &(a, b, _)) in eff.iter().enumerate() {
        let first = segs.len();
        if !drawn[e] {
            edge_segs.push((first, 0));
            continue;
        }
        let mut prev = a;
        for l in layer[a] + 1..layer[b] {
            let d = v_layer.len();
            v_layer.push(l);
            v_width.push(1);
            v_key.push((units.rank[b], 1 + units.rank[a]));
            dummy_edge.push(e);
            segs.push((prev, d));
            prev = d;
        }
        segs.push((prev, b));
        edge_segs.push((first, segs.len() - first));
    }
    let nv = v_layer.len();
    let (vsucc, vpred) = Csr::both(nv, &segs);
    let mut seg_edges = vec![0usize; segs.len()];
    for (e, &(first, count)) in edge_segs.iter().enumerate() {
        seg_edges[first..first + count].fill(e);
    }
    let seg_edge = |s: usize| seg_edges[s];

    // Layers as one flat array; initial order per layer: model order.
    let by_layer: Vec<(usize, usize)> = (0..nv).map(|v| (v_layer[v], v)).collect();
    let layers = Csr::new(n_layers, &by_layer);
    let (layer_start, mut flat) = (layers.start, layers.items);
    for l in 0..n_layers {
        let layer = &mut flat[layer_start[l]..layer_start[l + 1]];
        if !layer
            .windows(2)
            .all(|w| (v_key[w[0]], w[0]) < (v_key[w[1]], w[1]))
        {
            layer.sort_unstable_by_key(|&v| (v_key[v], v));
        }
    }
    let mut pos = vec![0usize; nv];
    set_positions(&flat, &layer_start, &mut pos);
    let gap_pairs: Vec<(usize, usize)> = segs
        .iter()
        .enumerate()
        .map(|(s, &(a, _))| (v_layer[a], s))
        .collect();
    let gaps = Csr::new(n_layers, &gap_pairs);
    let mut scratch = Scratch::default();
    let mut best = count_crossings(&layer_start, &gaps, &segs, &pos, &mut scratch);
    let mut best_flat = flat.clone();
    // Sweeps cost a pass over every segment each (and a crossing count): a tangled graph with
    // tens of thousands of wire segments gets fewer of them, so its first layout stays fast.
    let sweeps = p.sweeps.min((SWEEP_BUDGET / segs.len().max(1)).max(1));
    for _ in 0..sweeps {
        if best == 0 {
            break;
        }
        for down in [true, false] {
            let nbrs = if down { &vpred } else { &vsucc };
            sweep(&mut flat, &layer_start, &mut pos, nbrs, down, &mut scratch);
            let c = count_crossings(&layer_start, &gaps, &segs, &pos, &mut scratch);
            if c < best {
                best = c;
                best_flat.clone_from(&flat);
            }
        }
    }
    let flat = best_flat;
    set_positions(&flat, &layer_start, &mut pos);

    // x placement.
    let x = place_x(
        &flat,
        &layer_start,
        &v_width,
        &vpred,
        &vsucc,
        p.gap as i64,
        &mut scratch,
    );
    let center = |v: usize| -> u32 { (x[v] + (v_width[v] / 2) as i64) as u32 };

    // Routing per gap; this also fixes how many rows each gap needs.
    let route_all = |gaps: &Csr, scratch: &mut Scratch| {
        let mut routing = Routing {
            seg_track: vec![0; segs.len()],
            seg_net: vec![0; segs.len()],
            ..Routing::default()
        };
        let mut gap_rows = vec![1usize; n_layers.saturating_sub(1)];
        let mut gap_nets = vec![0usize; n_layers];
        for (l, rows) in gap_rows.iter_mut().enumerate() {
            gap_nets[l] = routing.nets.len();
            *rows = route_gap(gaps.row(l), &segs, &center, &mut routing, scratch);
        }
        if let Some(last) = gap_nets.last_mut() {
            *last = routing.nets.len();
        }
        (routing, gap_rows, gap_nets)
    };
    let (mut routing, mut gap_rows, mut gap_nets) = route_all(&gaps, &mut scratch);

    // Wire cells: a segment costs its share of its net's horizontal run plus its gap's
    // rows. Wide, tangled layers (random graphs) would need wire quadratic in their size;
    // past the budget the costliest edges are left undrawn, like the long ones above, and
    // the rest routed again.
    let mut net_size = vec![0usize; routing.nets.len()];
    for (s, &net) in routing.seg_net.iter().enumerate() {
        if drawn[seg_edge(s)] {
            net_size[net] += 1;
        }
    }
    let seg_cost = |s: usize| -> usize {
        let net = &routing.nets[routing.seg_net[s]];
        let run = (net.hi - net.lo) as usize + 1;
        run / net_size[routing.seg_net[s]].max(1) + gap_rows[v_layer[segs[s].0]]
    };
    let costs: Vec<usize> = (0..eff.len())
        .map(|e| {
            let (first, count) = edge_segs[e];
            (first..first + count).map(seg_cost).sum()
        })
        .collect();
    let wire_budget = WIRE_BUDGET_PER_UNIT * m + WIRE_BUDGET_BASE;
    let more = spend_budget(&costs, wire_budget, &mut drawn);
    if more > 0 {
        elided += more;
        let pairs: Vec<(usize, usize)> = gap_pairs
            .iter()
            .copied()
            .filter(|&(_, s)| drawn[seg_edge(s)])
            .collect();
        (routing, gap_rows, gap_nets) = route_all(&Csr::new(n_layers, &pairs), &mut scratch);
    }
    let mut row_of_layer = vec![0u32; n_layers];
    for l in 1..n_layers {
        row_of_layer[l] = row_of_layer[l - 1] + 1 + gap_rows[l - 1] as u32;
    }
    let height = row_of_layer[n_layers - 1] + 1;

    // Cells, row band by row band (a node row, then its gap), so only small runs sort.
    let mut raw: Vec<u128> = Vec::new(); // packed (y, x, net, mask)
    let mut cells = Vec::with_capacity(segs.len() * 4);
    let mut grid: Vec<CellAcc> = Vec::new();
    for l in 0..n_layers {
        // Dummies of a layer sit left to right on distinct columns: already merged.
        for &v in &flat[layer_start[l]..layer_start[l + 1]] {
            if v >= m && drawn[dummy_edge[v - m]] {
                cells.push(EdgeCell {
                    x: center(v),
                    y: row_of_layer[l],
                    mask: UP | DOWN,
                });
            }
        }
        let Some(&rows) = gap_rows.get(l) else {
            continue;
        };
        let nets = gap_nets[l]..gap_nets[l + 1];
        let (y0, rows) = (row_of_layer[l] + 1, rows as u32);
        let Some((x0, x1, count)) = routing.extent(nets.clone(), rows) else {
            continue;
        };
        let w = (x1 - x0) as usize + 1;
        let area = w * rows as usize;
        if area <= 4 * count + 64 {
            grid.clear();
            grid.resize(area, CellAcc::default());
            let mut d = Dense {
                x0,
                y0,
                w,
                cells: &mut grid,
            };
            routing.emit(nets, y0, rows, &mut d);
            for (r, row) in grid.chunks_exact(w).enumerate() {
                for (k, c) in row.iter().enumerate() {
                    if c.touched() {
                        cells.push(EdgeCell {
                            x: x0 + k as u32,
                            y: y0 + r as u32,
                            mask: c.finish(),
                        });
                    }
                }
            }
        } else {
            raw.clear();
            routing.emit(nets, y0, rows, &mut raw);
            merge_cells(&mut raw, &mut cells);
        }
    }

    // Placed nodes, sorted by (y, x).
    // Layer by layer, left to right: `flat` already holds that order (x grows along a
    // layer), dummies aside.
    let mut placed_idx = vec![0usize; m];
    let mut nodes = Vec::with_capacity(m);
    for (k, u) in flat.iter().copied().filter(|&v| v < m).enumerate() {
        placed_idx[u] = k;
        nodes.push(PlacedNode {
            node: std::mem::replace(&mut units.refs[u], NodeRef::Single(0)),
            x: x[u] as u32,
            y: row_of_layer[layer[u]],
            w: v_width[u] as u32,
            layer: layer[u] as u32,
        });
    }
    let slot = units.unit_of.iter().map(|&u| Some(placed_idx[u])).collect();

    // Edge polylines.
    let mut edges = Vec::with_capacity(eff.len());
    for (e, &(a, b, reversed)) in eff.iter().enumerate() {
        let (first, count) = if drawn[e] { edge_segs[e] } else { (0, 0) };
        let mut points = Vec::with_capacity(2 + 2 * count);
        for (s, &(sa, sb)) in segs.iter().enumerate().skip(first).take(count) {
            let l = v_layer[sa];
            let g0 = row_of_layer[l] + 1;
            let g1 = row_of_layer[l + 1] - 1;
            let (ax, bx) = (center(sa), center(sb));
            push_point(&mut points, (ax, g0));
            if ax != bx {
                let ty = g0 + routing.seg_track[s];
                push_point(&mut points, (ax, ty));
                push_point(&mut points, (bx, ty));
            }
            push_point(&mut points, (bx, g1));
        }
        edges.push(RoutedEdge {
            from: placed_idx[a],
            to: placed_idx[b],
            reversed,
            points,
        });
    }
    let edges = sort_edges(edges, nodes.len());
    let by_target = targets_order(&edges, nodes.len());

    let width = nodes
        .iter()
        .map(|n| n.x + n.w)
        .chain(cells.iter().map(|c| c.x + 1))
        .max()
        .unwrap_or(0);
    Layout {
        width,
        height,
        nodes,
        edges,
        cells,
        crossings: best,
        elided,
        key,
        duration_width: p.duration_width as u32,
        slot,
        by_target,
    }
}

/// Keeps the cheapest of the `drawn` edges (by `costs`) while their total fits `budget` and
/// marks the rest undrawn; returns how many it marked. Nothing changes when all fit.
fn spend_budget(costs: &[usize], budget: usize, drawn: &mut [bool]) -> usize {
    let total: usize = (0..costs.len())
        .filter(|&e| drawn[e])
        .map(|e| costs[e])
        .sum();
    if total <= budget {
        return 0;
    }
    let mut by_cost: Vec<(usize, usize)> = (0..costs.len())
        .filter(|&e| drawn[e])
        .map(|e| (costs[e], e))
        .collect();
    by_cost.sort_unstable();
    let (mut used, mut marked) = (0, 0);
    for (c, e) in by_cost {
        if used + c <= budget {
            used += c;
        } else {
            drawn[e] = false;
            marked += 1;
        }
    }
    marked
}

/// Edges sorted by `(from, to)` (pairs are unique): bucketed by `from`, then each short
/// bucket sorted.
fn sort_edges(edges: Vec<RoutedEdge>, n: usize) -> Vec<RoutedEdge> {
    let mut start = vec![0usize; n + 1];
    for e in &edges {
        start[e.from + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut slots: Vec<Option<RoutedEdge>> = Vec::with_capacity(edges.len());
    slots.resize_with(edges.len(), || None);
    let mut fill = start.clone();
    for e in edges {
        let k = fill[e.from];
        fill[e.from] += 1;
        slots[k] = Some(e);
    }
    for w in start.windows(2) {
        slots[w[0]..w[1]].sort_unstable_by_key(|e| e.as_ref().map(|e| e.to));
    }
    slots.into_iter().flatten().collect()
}

/// Indices into `edges` sorted by `(to, from)`.
fn targets_order(edges: &[RoutedEdge], n: usize) -> Vec<usize> {
    let mut start = vec![0usize; n + 1];
    for e in edges {
        start[e.to + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut out = vec![0usize; edges.len()];
    // `edges` is sorted by `from`, so each bucket fills in `from` order already.
    for (i, e) in edges.iter().enumerate() {
        out[start[e.to]] = i;
        start[e.to] += 1;
    }
    out
}

fn push_point(points: &mut Vec<(u32, u32)>, p: (u32, u32)) {
    if points.last() != Some(&p) {
        points.push(p);
    }
}

/// Buffers reused across layers, so per-layer work does not allocate.
#[derive(Default)]
struct Scratch {
    keyed: Vec<(f64, usize)>,
    pairs: Vec<(usize, usize)>,
    tree: Vec<usize>,
    wishes: Vec<f64>,
    blocks: Vec<Block>,
    by_a: Vec<usize>,
    by_b: Vec<usize>,
    nets: Vec<(NetKey, usize)>,
    cols: Vec<u32>,
}

fn set_positions(flat: &[usize], layer_start: &[usize], pos: &mut [usize]) {
    for w in layer_start.windows(2) {
        for (i, &v) in flat[w[0]..w[1]].iter().enumerate() {
            pos[v] = i;
        }
    }
}

/// One barycenter sweep: each layer sorted (stably) by the mean position of its
/// neighbours in the layer before it; vertices without neighbours keep their place.
fn sweep(
    flat: &mut [usize],
    layer_start: &[usize],
    pos: &mut [usize],
    nbrs: &Csr,
    down: bool,
    s: &mut Scratch,
) {
    let n = layer_start.len() - 1;
    let order: Box<dyn Iterator<Item = usize>> = if down {
        Box::new(1..n)
    } else {
        Box::new((0..n.saturating_sub(1)).rev())
    };
    for l in order {
        let layer = &mut flat[layer_start[l]..layer_start[l + 1]];
        s.keyed.clear();
        s.keyed.extend(layer.iter().map(|&v| {
            let ns = nbrs.row(v);
            let b = if ns.is_empty() {
                pos[v] as f64
            } else {
                ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
            };
            (b, v)
        }));
        s.keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (i, (slot, &(_, v))) in layer.iter_mut().zip(s.keyed.iter()).enumerate() {
            *slot = v;
            pos[v] = i;
        }
    }
}

/// Crossings between adjacent layers (Barth–Jünger–Mutzel style with a Fenwick tree).
fn count_crossings(
    layer_start: &[usize],
    gaps: &Csr,
    segs: &[(usize, usize)],
    pos: &[usize],
    s: &mut Scratch,
) -> usize {
    let mut total = 0usize;
    for l in 0..layer_start.len().saturating_sub(2) {
        let in_gap = gaps.row(l);
        if in_gap.len() < 2 {
            continue;
        }
        let size = layer_start[l + 2] - layer_start[l + 1];
        s.pairs.clear();
        s.pairs
            .extend(in_gap.iter().map(|&k| (pos[segs[k].0], pos[segs[k].1])));
        s.pairs.sort_unstable();
        s.tree.clear();
        s.tree.resize(size + 1, 0);
        for (seen, &(_, pb)) in s.pairs.iter().enumerate() {
            // Count earlier segments whose lower end is strictly to the right.
            let mut i = pb + 1;
            let mut le = 0;
            while i > 0 {
                le += s.tree[i];
                i -= i & i.wrapping_neg();
            }
            total += seen - le;
            let mut i = pb + 1;
            while i <= size {
                s.tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// x of each vertex: down, up, down passes; each vertex wishes its centre at the mean
/// centre of its neighbours in the previous layer; overlaps resolve by merging blocks
/// placed at the mean of their members' wishes.
fn place_x(
    flat: &[usize],
    layer_start: &[usize],
    width: &[usize],
    preds: &Csr,
    succs: &Csr,
    gap: i64,
    s: &mut Scratch,
) -> Vec<i64> {
    let mut x = vec![0i64; width.len()];
    let n = layer_start.len() - 1;
    for l in 0..n {
        let mut cur = 0i64;
        for &v in &flat[layer_start[l]..layer_start[l + 1]] {
            x[v] = cur;
            cur += width[v] as i64 + gap;
        }
    }
    for (down, nbrs) in [(true, preds), (false, succs), (true, preds)] {
        let order: Box<dyn Iterator<Item = usize>> = if down {
            Box::new(1..n)
        } else {
            Box::new((0..n.saturating_sub(1)).rev())
        };
        for l in order {
            let layer = &flat[layer_start[l]..layer_start[l + 1]];
            s.wishes.clear();
            s.wishes.extend(layer.iter().map(|&v| {
                let ns = nbrs.row(v);
                if ns.is_empty() {
                    x[v] as f64
                } else {
                    let c = ns
                        .iter()
                        .map(|&u| (x[u] + (width[u] / 2) as i64) as f64)
                        .sum::<f64>()
                        / ns.len() as f64;
                    c - (width[v] / 2) as f64
                }
            }));
            place_layer(layer, &s.wishes, width, gap, &mut x, &mut s.blocks);
        }
    }
    let min = x.iter().copied().min().unwrap_or(0);
    for v in &mut x {
        *v -= min;
    }
    x
}

struct Block {
    start: usize,
    sum: f64,
    count: f64,
    width: i64,
}

/// Pool-adjacent-violators over one layer: blocks of touching vertices sit at the mean
/// of their members' wished positions.
fn place_layer(
    order: &[usize],
    wish: &[f64],
    width: &[usize],
    gap: i64,
    x: &mut [i64],
    blocks: &mut Vec<Block>,
) {
    blocks.clear();
    for (k, &v) in order.iter().enumerate() {
        let mut cur = Block {
            start: k,
            sum: wish[k],
            count: 1.0,
            width: width[v] as i64,
        };
        while let Some(prev) = blocks.last() {
            let prev_p = prev.sum / prev.count;
            let cur_p = cur.sum / cur.count;
            if prev_p + (prev.width + gap) as f64 <= cur_p {
                break;
            }
            let shift = (prev.width + gap) as f64;
            cur = Block {
                start: prev.start,
                sum: prev.sum + cur.sum - cur.count * shift,
                count: prev.count + cur.count,
                width: prev.width + gap + cur.width,
            };
            blocks.pop();
        }
        blocks.push(cur);
    }
    let mut prev_end: Option<i64> = None;
    for (bi, b) in blocks.iter().enumerate() {
        let end = blocks.get(bi + 1).map_or(order.len(), |nb| nb.start);
        let mut cx = (b.sum / b.count + 0.5).floor() as i64;
        for &v in &order[b.start..end] {
            // Rounding may pull a block one column into its neighbour; push it back.
            if let Some(pe) = prev_end {
                cx = cx.max(pe + gap);
            }
            x[v] = cx;
            cx += width[v] as i64 + gap;
            prev_end = Some(x[v] + width[v] as i64);
        }
    }
}

/// Which horizontal bus a segment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum NetKey {
    Fork(usize),
    Join(usize),
    Single(usize, usize),
}

/// One bus of a gap: a horizontal run on `track` from `lo` to `hi`, with verticals
/// up to the sources (`tops`) and down to the targets (`bottoms`), both ranges into
/// `Routing::cols`.
struct Net {
    track: Option<u32>,
    lo: u32,
    hi: u32,
    tops: (usize, usize),
    bottoms: (usize, usize),
}

#[derive(Default)]
struct Routing {
    nets: Vec<Net>,
    cols: Vec<u32>,
    /// Track of each segment in its gap.
    seg_track: Vec<u32>,
    /// Net (index into `nets`) of each segment.
    seg_net: Vec<usize>,
}

impl Routing {
    /// Bounding box `(x0, x1)` of the given nets' cells and an upper bound of their count.
    fn extent(&self, nets: std::ops::Range<usize>, rows: u32) -> Option<(u32, u32, usize)> {
        let mut bx: Option<(u32, u32)> = None;
        let mut count = 0usize;
        for net in &self.nets[nets] {
            let tops = &self.cols[net.tops.0..net.tops.1];
            let bottoms = &self.cols[net.bottoms.0..net.bottoms.1];
            for &c in tops.iter().chain(bottoms) {
                bx = Some(bx.map_or((c, c), |(a, b)| (a.min(c), b.max(c))));
            }
            if net.track.is_some() && net.lo < net.hi {
                bx = Some(bx.map_or((net.lo, net.hi), |(a, b)| (a.min(net.lo), b.max(net.hi))));
                count += (net.hi - net.lo + 1) as usize;
            }
            count += (tops.len() + bottoms.len()) * rows as usize;
        }
        bx.map(|(a, b)| (a, b, count))
    }

    /// Cells of the given nets: `(y, x, net id, mask)`, each net's cells together.
    fn emit<S: CellSink>(&self, nets: std::ops::Range<usize>, y0: u32, rows: u32, out: &mut S) {
        let y1 = y0 + rows - 1;
        for i in nets {
            let net = &self.nets[i];
            let id = i as u32;
            let tops = &self.cols[net.tops.0..net.tops.1];
            let bottoms = &self.cols[net.bottoms.0..net.bottoms.1];
            let Some(track) = net.track else {
                for &c in tops {
                    for y in y0..=y1 {
                        out.put(y, c, id, UP | DOWN);
                    }
                }
                continue;
            };
            let ty = y0 + track;
            for &c in tops {
                for y in y0..ty {
                    out.put(y, c, id, UP | DOWN);
                }
                out.put(ty, c, id, UP);
            }
            for &c in bottoms {
                out.put(ty, c, id, DOWN);
                for y in ty + 1..=y1 {
                    out.put(y, c, id, UP | DOWN);
                }
            }
            if net.lo < net.hi {
                out.put(ty, net.lo, id, RIGHT);
                out.put(ty, net.hi, id, LEFT);
                for c in net.lo + 1..net.hi {
                    out.put(ty, c, id, LEFT | RIGHT);
                }
            }
        }
    }
}

/// Groups the segments of one gap into nets (fork buses, join buses, single jogs),
/// gives each net that needs a horizontal run a track row, and returns the rows the
/// gap needs.
fn route_gap(
    in_gap: &[usize],
    segs: &[(usize, usize)],
    center: &dyn Fn(usize) -> u32,
    r: &mut Routing,
    s: &mut Scratch,
) -> usize {
    let first_net = r.nets.len();
    if let &[k] = in_gap {
        // The common case (chains): no grouping needed.
        let (a, b) = segs[k];
        let (ax, bx) = (center(a), center(b));
        let c = r.cols.len();
        r.cols.extend([ax, bx]);
        let track = (ax != bx).then_some(0);
        r.nets.push(Net {
            track,
            lo: ax.min(bx),
            hi: ax.max(bx),
            tops: (c, c + 1),
            bottoms: (c + 1, c + 2),
        });
        r.seg_track[k] = 0;
        r.seg_net[k] = r.nets.len() - 1;
        return 1;
    }
    s.by_a.clear();
    s.by_a.extend(in_gap.iter().map(|&k| segs[k].0));
    s.by_a.sort_unstable();
    s.by_b.clear();
    s.by_b.extend(in_gap.iter().map(|&k| segs[k].1));
    s.by_b.sort_unstable();
    let count =
        |v: &[usize], x: usize| v.partition_point(|&y| y <= x) - v.partition_point(|&y| y < x);
    s.nets.clear();
    for &k in in_gap {
        let (a, b) = segs[k];
        let key = if count(&s.by_a, a) >= 2 {
            NetKey::Fork(a)
        } else if count(&s.by_b, b) >= 2 {
            NetKey::Join(b)
        } else {
            NetKey::Single(a, b)
        };
        s.nets.push((key, k));
    }
    s.nets.sort_unstable();
    let mut i = 0;
    while i < s.nets.len() {
        let key = s.nets[i].0;
        let mut j = i;
        while j < s.nets.len() && s.nets[j].0 == key {
            j += 1;
        }
        let group = &s.nets[i..j];
        let (mut lo, mut hi) = (u32::MAX, 0);
        let start = r.cols.len();
        let mut ntops = 0;
        for side in [0, 1] {
            s.cols.clear();
            s.cols.extend(
                group
                    .iter()
                    .map(|&(_, k)| center(if side == 0 { segs[k].0 } else { segs[k].1 })),
            );
            s.cols.sort_unstable();
            s.cols.dedup();
            if let (Some(&l), Some(&h)) = (s.cols.first(), s.cols.last()) {
                lo = lo.min(l);
                hi = hi.max(h);
            }
            if side == 0 {
                ntops = s.cols.len();
            }
            r.cols.extend_from_slice(&s.cols);
        }
        let end = r.cols.len();
        r.nets.push(Net {
            track: None,
            lo,
            hi,
            tops: (start, start + ntops),
            bottoms: (start + ntops, end),
        });
        i = j;
    }
    let tracks = assign_tracks(&mut r.nets[first_net..], &r.cols);
    // Every segment takes its net's track.
    let mut i = 0;
    let mut ni = first_net;
    while i < s.nets.len() {
        let key = s.nets[i].0;
        let track = r.nets[ni].track.unwrap_or(0);
        while i < s.nets.len() && s.nets[i].0 == key {
            r.seg_track[s.nets[i].1] = track;
            r.seg_net[s.nets[i].1] = ni;
            i += 1;
        }
        ni += 1;
    }
    tracks.max(1)
}

/// Gives every net with a horizontal run a track row and returns the number of
/// tracks. Nets on one row never touch. Where a net leaves a column downwards (a
/// source above) and another net enters the same column from its track (a target
/// below), the first must run on a higher track, or the two verticals would overlap
/// and draw an edge that does not exist; those constraints are honoured with a
/// constrained left-edge pass (a constraint cycle is broken by taking the leftmost
/// waiting net).
fn assign_tracks(nets: &mut [Net], cols: &[u32]) -> usize {
    let need = |n: &Net| n.lo < n.hi;
    match nets.iter().filter(|n| need(n)).count() {
        0 => return 0,
        1 => {
            for n in nets.iter_mut().filter(|n| n.lo < n.hi) {
                n.track = Some(0);
            }
            return 1;
        }
        _ => {}
    }
    let tops_of = |n: &Net| &cols[n.tops.0..n.tops.1];
    let bottoms_of = |n: &Net| &cols[n.bottoms.0..n.bottoms.1];
    let mut tops: Vec<(u32, usize)> = Vec::new();
    for (i, n) in nets.iter().enumerate() {
        if need(n) {
            tops.extend(tops_of(n).iter().map(|&c| (c, i)));
        }
    }
    tops.sort_unstable();
    let mut above: Vec<(usize, usize)> = Vec::new();
    for (b, n) in nets.iter().enumerate() {
        if !need(n) {
            continue;
        }
        for &c in bottoms_of(n) {
            let from = tops.partition_point(|t| t.0 < c);
            for &(_, a) in tops[from..].iter().take_while(|t| t.0 == c) {
                if a != b && bottoms_of(&nets[a]).binary_search(&c).is_err() {
                    above.push((a, b));
                }
            }
        }
    }
    // Two nets ending in one column: a reader coming down the upper one may turn into
    // the lower one's bus. That is harmless only when the lower bus has no other
    // target (it leads sideways to its sources, which go up), so a single-target net
    // (a join) runs below a multi-target one (a fork).
    let mut bottoms: Vec<(u32, usize)> = Vec::new();
    for (i, n) in nets.iter().enumerate() {
        if need(n) {
            bottoms.extend(bottoms_of(n).iter().map(|&c| (c, i)));
        }
    }
    bottoms.sort_unstable();
    for group in bottoms.chunk_by(|x, y| x.0 == y.0).filter(|g| g.len() > 1) {
        for &(_, b) in group
            .iter()
            .filter(|&&(_, b)| bottoms_of(&nets[b]).len() == 1)
        {
            for &(_, a) in group
                .iter()
                .filter(|&&(_, a)| bottoms_of(&nets[a]).len() > 1)
            {
                above.push((a, b));
            }
        }
    }
    let mut order: Vec<usize> = (0..nets.len()).filter(|&i| need(&nets[i])).collect();
    order.sort_by_key(|&i| (nets[i].lo, nets[i].hi, i));
    if above.is_empty() {
        // Plain interval colouring: reuse the track that freed up first.
        let mut free: BinaryHeap<Reverse<(u32, u32)>> = BinaryHeap::new();
        let mut tracks = 0u32;
        for i in order {
            let t = match free.peek() {
                Some(&Reverse((hi, t))) if hi < nets[i].lo => {
                    free.pop();
                    t
                }
                _ => {
                    tracks += 1;
                    tracks - 1
                }
            };
            nets[i].track = Some(t);
            free.push(Reverse((nets[i].hi, t)));
        }
        return tracks as usize;
    }
    above.sort_unstable();
    above.dedup();
    let mut waiting_on = vec![0usize; nets.len()];
    for &(_, b) in &above {
        waiting_on[b] += 1;
    }
    let below = Csr::new(nets.len(), &above);
    let mut done = vec![false; nets.len()];
    let mut track = 0u32;
    while !order.is_empty() {
        let mut last_hi: Option<u32> = None;
        let mut placed = Vec::new();
        for &i in &order {
            if waiting_on[i] == 0 && last_hi.is_none_or(|h| h < nets[i].lo) {
                last_hi = Some(nets[i].hi);
                placed.push(i);
            }
        }
        if placed.is_empty() {
            placed.push(order[0]);
        }
        for &i in &placed {
            done[i] = true;
            nets[i].track = Some(track);
            for &b in below.row(i) {
                waiting_on[b] = waiting_on[b].saturating_sub(1);
            }
        }
        order.retain(|&i| !done[i]);
        track += 1;
    }
    track as usize
}

const V: u8 = UP | DOWN;
const H: u8 = LEFT | RIGHT;

/// One cell of a band being merged: the masks of the nets seen so far, folded.
#[derive(Clone, Copy, Default)]
struct CellAcc {
    net: u32,
    /// The current net's mask so far.
    mask: u8,
    /// Earlier nets' masks, ORed.
    all: u8,
    /// `ACC_*` bits.
    flags: u8,
}

const ACC_TOUCHED: u8 = 1;
const ACC_MULTI: u8 = 2;
const ACC_VERT: u8 = 4;
const ACC_HORIZ: u8 = 8;
const ACC_MIXED: u8 = 16;

impl CellAcc {
    fn fold(&mut self) {
        let m = self.mask;
        self.all |= m;
        self.flags |= match m {
            V => ACC_VERT,
            H => ACC_HORIZ,
            _ => ACC_MIXED,
        };
    }

    fn add(&mut self, net: u32, m: u8) {
        if self.flags & ACC_TOUCHED == 0 {
            self.flags = ACC_TOUCHED;
            self.net = net;
            self.mask = m;
        } else if self.net == net {
            self.mask |= m;
        } else {
            self.fold();
            self.flags |= ACC_MULTI;
            self.net = net;
            self.mask = m;
        }
    }

    fn touched(&self) -> bool {
        self.flags & ACC_TOUCHED != 0
    }

    fn finish(mut self) -> u8 {
        self.fold();
        let want = ACC_MULTI | ACC_VERT | ACC_HORIZ;
        if self.flags & (want | ACC_MIXED) == want {
            V | CROSS
        } else {
            self.all
        }
    }
}

/// Where [`Routing::emit`] writes cells.
trait CellSink {
    fn put(&mut self, y: u32, x: u32, net: u32, mask: u8);
}

/// Sparse cells packed into one integer each, `(y, x, net, mask)` from the high bits down, so
/// sorting them is a plain integer sort (a tuple comparison was most of a tangled layout).
impl CellSink for Vec<u128> {
    fn put(&mut self, y: u32, x: u32, net: u32, mask: u8) {
        self.push(pack_cell(y, x, net, mask));
    }
}

fn pack_cell(y: u32, x: u32, net: u32, mask: u8) -> u128 {
    (u128::from(y) << 72) | (u128::from(x) << 40) | (u128::from(net) << 8) | u128::from(mask)
}

fn unpack_cell(c: u128) -> (u32, u32, u32, u8) {
    ((c >> 72) as u32, (c >> 40) as u32, (c >> 8) as u32, c as u8)
}

/// A band's bounding box as a dense grid: cells merge as they are written.
struct Dense<'a> {
    x0: u32,
    y0: u32,
    w: usize,
    cells: &'a mut [CellAcc],
}

impl CellSink for Dense<'_> {
    fn put(&mut self, y: u32, x: u32, net: u32, mask: u8) {
        let k = (y - self.y0) as usize * self.w + (x - self.x0) as usize;
        if let Some(c) = self.cells.get_mut(k) {
            c.add(net, mask);
        }
    }
}

/// ORs the masks per cell; a cell where one net passes straight down and another
/// straight across becomes a crossing (vertical kept, `CROSS` set). For sparse bands;
/// dense ones merge on a grid as they are written ([`Dense`]), with the same result.
fn merge_cells(raw: &mut [u128], out: &mut Vec<EdgeCell>) {
    raw.sort_unstable();
    let mut i = 0;
    while i < raw.len() {
        let (y, x, _, _) = unpack_cell(raw[i]);
        let at = raw[i] >> 40;
        let mut all = 0u8;
        // Per net in this cell: its union mask, folded into a few flags.
        let (mut nets, mut vert, mut horiz, mut only_straight) = (0usize, false, false, true);
        while i < raw.len() && raw[i] >> 40 == at {
            let net = raw[i] >> 8;
            let mut m = 0u8;
            while i < raw.len() && raw[i] >> 8 == net {
                m |= unpack_cell(raw[i]).3;
                i += 1;
            }
            all |= m;
            nets += 1;
            vert |= m == V;
            horiz |= m == H;
            only_straight &= m == V || m == H;
        }
        let mask = if nets > 1 && vert && horiz && only_straight {
            V | CROSS
        } else {
            all
        };
        out.push(EdgeCell { x, y, mask });
    }
}

// ---------------------------------------------------------------------------------
// List view

/// One row of the list view: a node (or aggregate) and its lane gutter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub node: NodeRef,
    /// Gutter cells, two per lane (lane, connector); the node's own cell is `NODE`.
    pub lanes: Vec<u8>,
    /// Index in `lanes` of the node's cell.
    pub node_col: usize,
}

/// Marks the node's own cell in a list gutter.
pub const NODE: u8 = 32;

/// Most lanes a list gutter draws. An edge waiting on a lane further right still keeps its
/// lane (so the rows stay right), it is only not drawn; a node whose lane is past the
/// limit sits just right of the last drawn lane. Real task DAGs stay far below it; random
/// graphs would otherwise need a gutter as wide as the graph is long.
pub const MAX_LANES: usize = 48;

/// One row per node (or collapsed group) in topological order, with a git-log style
/// lane gutter: a lane stays open while an edge waits for its target row.
///
/// Linear in nodes and edges (times the drawn gutter): the lanes waiting for a node and the
/// free lanes are indexed, not searched.
pub fn list_rows(g: &TaskGraph, p: &LayoutParams) -> Vec<ListRow> {
    let units = build_units(g, p);
    let order = kahn(&units.rank, &units.preds, &units.succs);
    let m = units.refs.len();
    let mut pos = vec![0usize; m];
    for (k, &u) in order.iter().enumerate() {
        pos[u] = k;
    }
    // `lanes[c]`: the unit lane `c` waits for. `waiting[u]`: the lanes waiting for `u`.
    // `free`: the empty lanes below `lanes.len()`.
    let mut lanes: Vec<Option<usize>> = Vec::new();
    let mut waiting: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut free: BTreeSet<usize> = BTreeSet::new();
    let mut rows = Vec::with_capacity(m);
    for &v in &order {
        let mut mine = std::mem::take(&mut waiting[v]);
        mine.sort_unstable();
        let nc = match mine.first() {
            Some(&c) => c,
            None => match free.pop_first() {
                Some(c) => c,
                None => {
                    lanes.push(None);
                    lanes.len() - 1
                }
            },
        };
        let passing: Vec<bool> = lanes
            .iter()
            .take(MAX_LANES)
            .map(|l| l.is_some() && *l != Some(v))
            .collect();
        for &c in &mine {
            lanes[c] = None;
        }
        let mut outs: Vec<usize> = units
            .succs
            .row(v)
            .iter()
            .copied()
            .filter(|&w| pos[w] > pos[v])
            .collect();
        outs.sort_by_key(|&w| pos[w]);
        let mut opened = Vec::new();
        if let Some((&first, rest)) = outs.split_first() {
            lanes[nc] = Some(first);
            waiting[first].push(nc);
            for &w in rest {
                // The first empty lane right of the node; the lanes that end here are not
                // in `free` yet, so they are not reused on their own row.
                let c = match free.range(nc + 1..).next().copied() {
                    Some(c) => {
                        free.remove(&c);
                        c
                    }
                    None => {
                        lanes.push(None);
                        lanes.len() - 1
                    }
                };
                lanes[c] = Some(w);
                waiting[w].push(c);
                opened.push(c);
            }
        }
        for &c in mine.iter().chain([&nc]) {
            if lanes[c].is_none() {
                free.insert(c);
            }
        }
        // Drawn: the first `MAX_LANES` lanes, and the node's own cell.
        let dc = nc.min(MAX_LANES);
        let width = lanes
            .len()
            .max(nc + 1)
            .max(passing.len())
            .min(MAX_LANES)
            .max(dc + 1);
        let mut cells = vec![0u8; width * 2];
        for (i, &p) in passing.iter().enumerate() {
            if p {
                cells[i * 2] |= UP | DOWN;
            }
        }
        for &c in mine.iter().skip(1).filter(|&&c| c < MAX_LANES) {
            cells[c * 2] |= UP | if c > nc { LEFT } else { RIGHT };
        }
        for &c in opened.iter().filter(|&&c| c < MAX_LANES) {
            cells[c * 2] |= DOWN | LEFT;
        }
        let reach_right = mine
            .iter()
            .chain(&opened)
            .copied()
            .filter(|&c| c > nc)
            .max()
            .map(|c| c.min(MAX_LANES));
        let reach_left = mine.iter().copied().filter(|&c| c < nc).min();
        let hline = |from: usize, to: usize, cells: &mut Vec<u8>| {
            for (k, cell) in cells.iter_mut().enumerate().take(to).skip(from) {
                if k == dc * 2 {
                    continue;
                }
                if *cell == UP | DOWN {
                    *cell |= CROSS;
                } else if *cell & CROSS == 0 {
                    *cell |= LEFT | RIGHT;
                }
            }
        };
        if let Some(r) = reach_right {
            hline(dc * 2 + 1, r * 2, &mut cells);
        }
        if let Some(l) = reach_left {
            hline(l * 2 + 1, dc * 2, &mut cells);
        }
        cells[dc * 2] = NODE;
        while cells.len() > dc * 2 + 1 && cells.last() == Some(&0) {
            cells.pop();
        }
        while lanes.last() == Some(&None) {
            lanes.pop();
            free.remove(&lanes.len());
        }
        rows.push(ListRow {
            node: units.refs[v].clone(),
            lanes: cells,
            node_col: dc * 2,
        });
    }
    rows
}
