//! The live task DAG view's state: the graph of the last poll, its cached layout, the
//! selection (by node id, so it survives relayout and polls), folding, search, follow
//! mode, the log pane and the confirmation dialog for writes.
//!
//! The layout is recomputed only when the layout key (topology + fold state) changes; a
//! status-only poll repaints cells and moves nothing (dag-rendering.md §3.2).

pub mod confirm;
pub mod log;
mod nav;
pub mod reconcile;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

use crate::app::actions::{spec, Action, Key, Keymap, Scope, SPECS};
use crate::app::notify::Level;
use obtui_task::layout::{
    layout, layout_key, list_rows, topo_order, Layout, LayoutParams, ListRow, NodeRef,
};
use obtui_task::{Backend, NodeStatus, Op, TaskGraph, TaskNode};

pub use confirm::Confirm;
pub use log::{LogBuf, LogView};

/// What the view asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum DagEffect {
    /// Send a confirmed write. `node: None` targets the whole task.
    Operate { op: Op, node: Option<String> },
    /// Leave the DAG view.
    Close,
    /// Show a message in the app's flash line.
    Flash(Level, String),
    /// Save a log to a new file named after `name` (the runtime picks the directory and
    /// never overwrites a file).
    SaveLog { name: String, text: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DagMode {
    Graph,
    List,
}

/// The last poll failed: the graph on screen is from before.
#[derive(Debug, Clone)]
pub struct Stale {
    pub message: String,
    pub since: Instant,
    pub failures: u32,
}

/// Search by name (or id): the typed text and the matching nodes in reading order.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub input: Input,
    pub editing: bool,
    /// Task node indices, in reading order.
    pub matches: Vec<usize>,
    /// Selection when the search started (Esc goes back to it).
    origin: Option<String>,
}

impl Search {
    pub fn query(&self) -> &str {
        self.input.value()
    }
}

pub use crate::app::hit::Geometry;

pub use crate::app::hit::EtaAt;

/// Below this width the side panel goes under the graph instead of beside it.
pub const NARROW: u16 = 72;

/// `(graph, side panel)` widths of a DAG view `cols` wide: the panel takes two fifths
/// (at least 30, leaving the graph 20) beside the graph, or goes under it when narrow.
pub fn split_width(cols: u16) -> (u16, u16) {
    if cols >= NARROW {
        let side = (cols * 2 / 5).max(30).min(cols.saturating_sub(20));
        (cols - side, side)
    } else {
        (cols, cols)
    }
}

/// Most columns a node's label (name and target) takes in a graph viewport `cols` wide:
/// two fifths of it, at least 24 (what 80 columns leave) and at most 60, so labels grow
/// with the terminal and a fan-out's nodes still sit side by side.
pub fn name_width_for(cols: u16) -> usize {
    (usize::from(cols) * 2 / 5).clamp(24, 60)
}

/// A second click on the same cell within this time is a double-click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// How long an operation's result stays in the header.
const NOTICE_TTL: Duration = Duration::from_secs(15);

pub struct DagView {
    pub task_id: String,
    pub backend: Backend,
    pub(crate) graph: Option<TaskGraph>,
    pub(crate) layout: Layout,
    pub(crate) rows: Vec<ListRow>,
    pub(crate) params: LayoutParams,
    /// The label width the viewport allows ([`name_width_for`]) and the widest label of
    /// the graph: `params.name_width` is the smaller.
    wanted_name_width: usize,
    max_label: usize,
    layout_gen: u64,
    /// Task node indices in reading (topological) order, and each node's position in it.
    pub(crate) order: Vec<usize>,
    order_pos: Vec<usize>,
    pub(crate) index: HashMap<String, usize>,
    /// Placed-node adjacency from the routed edges (top to bottom), edge indices.
    pub(crate) slot_in: Vec<Vec<usize>>,
    pub(crate) slot_out: Vec<Vec<usize>>,
    /// Placed nodes per layer, left to right.
    layers: Vec<Vec<usize>>,
    /// Per task node: its list row.
    row_of: Vec<usize>,
    /// Per task node: PENDING/READY below a FAILED node.
    pub(crate) blocked: Vec<bool>,
    pub(crate) selected: Option<String>,
    /// Column that j/k aim for, so moving through a fork and back keeps the branch.
    goal_x: Option<u32>,
    pub mode: DagMode,
    pub follow: bool,
    /// Mark every upstream of the selection (`u`).
    pub upstream_marks: bool,
    pub search: Search,
    /// Viewport offset in layout cells (graph mode).
    pub(crate) scroll: (u32, u32),
    /// First row shown in list mode.
    pub(crate) list_top: usize,
    /// Bring the selection into view at the next draw.
    pub(crate) reveal: bool,
    /// Centre the selection at the next draw.
    pub(crate) center: bool,
    pub log: LogBuf,
    /// How the log is shown (wrap, sideways scroll, prefix, search).
    pub logv: LogView,
    /// The search input edits the log's search (full-screen log), not the node search.
    pub log_search: bool,
    pub log_open: bool,
    pub log_full: bool,
    pub confirm: Option<Confirm>,
    pub stale: Option<Stale>,
    pub last_poll: Option<Instant>,
    /// The last operation's outcome, shown in the header.
    pub notice: Option<(Level, String, Instant)>,
    /// An operation sent and not answered yet.
    pub pending: Option<(Op, Option<String>)>,
    key_labels: BTreeMap<Action, String>,
    pub(crate) geom: Geometry,
    last_click: Option<(Instant, u16, u16)>,
    /// A fixed clock for reproducible screens; `None` is the real clock.
    pub clock: Option<Instant>,
    /// The zone the side panel shows times in (the app's).
    pub zone: obtui_api::time::ShownZone,
    /// The profile the task belongs to, named in confirmations when several are open.
    pub profile: Option<String>,
    /// `(now_ms / 1000, poll count)` → ETA, so a frame does not redo the estimate.
    eta_cache: Option<EtaAt>,
    polls: u64,
    /// `(layout generation, selected slot)` → upstream slots and edges.
    /// Widest lane gutter of the list view.
    list_gutter: usize,
    /// Downstream node indices per node (CSR), valid for the current topology.
    down_start: Vec<usize>,
    down_items: Vec<usize>,
}

/// The placed nodes and routed edges above the selection.
#[derive(Debug, Clone, Default)]
pub(crate) struct UpstreamSet {
    pub slots: Vec<bool>,
    pub edges: Vec<usize>,
}

impl DagView {
    pub fn new(task_id: String, backend: Backend) -> DagView {
        DagView {
            task_id,
            backend,
            graph: None,
            layout: Layout::default(),
            rows: Vec::new(),
            params: LayoutParams::default(),
            wanted_name_width: LayoutParams::default().name_width,
            max_label: 1,
            layout_gen: 0,
            order: Vec::new(),
            order_pos: Vec::new(),
            index: HashMap::new(),
            slot_in: Vec::new(),
            slot_out: Vec::new(),
            layers: Vec::new(),
            row_of: Vec::new(),
            blocked: Vec::new(),
            selected: None,
            goal_x: None,
            mode: DagMode::Graph,
            follow: false,
            upstream_marks: false,
            search: Search::default(),
            scroll: (0, 0),
            list_top: 0,
            reveal: true,
            center: false,
            log: LogBuf::default(),
            logv: LogView::default(),
            log_search: false,
            log_open: false,
            log_full: false,
            confirm: None,
            stale: None,
            last_poll: None,
            notice: None,
            pending: None,
            key_labels: default_labels(),
            geom: Geometry::default(),
            last_click: None,
            clock: None,
            zone: obtui_api::time::ShownZone::utc(),
            profile: None,
            eta_cache: None,
            polls: 0,
            list_gutter: 0,
            down_start: Vec::new(),
            down_items: Vec::new(),
        }
    }

    /// Key labels for the side panel's operation list, from the live (rebound) keymap.
    pub fn set_keymap(&mut self, km: &Keymap) {
        for s in SPECS {
            self.key_labels.insert(s.action, km.label(s.action));
        }
    }

    pub fn key_label(&self, a: Action) -> String {
        self.key_labels
            .get(&a)
            .cloned()
            .unwrap_or_else(|| "—".into())
    }

    pub fn graph(&self) -> Option<&TaskGraph> {
        self.graph.as_ref()
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn list(&self) -> &[ListRow] {
        &self.rows
    }

    /// Incremented on every relayout (tests assert a status-only poll keeps it).
    pub fn layout_generation(&self) -> u64 {
        self.layout_gen
    }

    pub fn scroll(&self) -> (u32, u32) {
        self.scroll
    }

    /// Size node labels for a graph viewport `cols` wide (see [`name_width_for`]); lays the
    /// graph out again when that changes the width, keeping the selection where it was.
    pub fn fit_graph_width(&mut self, cols: u16) {
        if cols == 0 {
            return;
        }
        self.wanted_name_width = name_width_for(cols);
        // Only a width that changes some label lays the graph out again.
        let eff = self.wanted_name_width.min(self.max_label).max(1);
        if self.graph.is_some() && eff != self.params.name_width {
            let anchor = self.screen_anchor();
            self.relayout(anchor);
            self.reveal = true;
        }
    }

    /// [`Self::fit_graph_width`] for a terminal (or DAG area) `cols` wide.
    pub fn fit_width(&mut self, cols: u16) {
        self.fit_graph_width(split_width(cols).0);
    }

    /// Take back what the frame laid out: the regions (for the mouse and paging) and the
    /// scroll it drew at, which brought the selection into view if that was asked.
    pub fn on_drawn(&mut self, d: crate::app::hit::DagDrawn) {
        if d.geom.graph.width > 0 {
            self.fit_graph_width(d.geom.graph.width);
        }
        self.geom = d.geom;
        self.scroll = d.scroll;
        self.list_top = d.list_top;
        if d.eta.is_some() {
            self.eta_cache = d.eta;
        }
        self.reveal = false;
        self.center = false;
    }

    pub(crate) fn list_gutter(&self) -> usize {
        self.list_gutter
    }

    pub(crate) fn now(&self) -> Instant {
        self.clock.unwrap_or_else(Instant::now)
    }

    // ----- poller input -----

    /// A poll result. Relayout only when the topology (or fold state) changed.
    pub fn on_graph(&mut self, g: TaskGraph, at: Instant) {
        // Nothing changed since the last poll (the common case for a big task between
        // status changes): only the poll's time and staleness move; the layout, the
        // blocked set, the ETA and the selection stay as they are.
        if self.graph.as_ref() == Some(&g) {
            self.stale = None;
            self.last_poll = Some(at);
            return;
        }
        let first = self.graph.is_none();
        // A running task opens following its running frontier; any move by hand stops it.
        if first && g.status == obtui_task::TaskState::Running {
            self.follow = true;
        }
        let relayout = first || layout_key(&g, &self.params) != self.layout.key;
        let anchor = if relayout { self.screen_anchor() } else { None };
        self.graph = Some(g);
        self.polls += 1;
        self.eta_cache = None;
        if relayout {
            self.relayout(anchor);
        }
        if first && self.layout.elided > 0 && self.mode == DagMode::Graph {
            // A graph too tangled to route in full opens as the list, which shows every
            // edge; the graph stays one key away, with the undrawn edges counted.
            self.mode = DagMode::List;
            self.notice = Some((
                Level::Warn,
                format!(
                    "{} of {} edges are too tangled to draw: showing the list view",
                    self.layout.elided,
                    self.layout.edges.len()
                ),
                self.now(),
            ));
        }
        self.blocked = self.compute_blocked();
        self.stale = None;
        self.last_poll = Some(at);
        if self.follow {
            self.jump_frontier();
        } else if self.sel_idx().is_none() {
            self.select_default();
        }
    }

    /// The poll failed: keep the last graph, say since when it is stale.
    pub fn on_error(&mut self, message: String, at: Instant) {
        match &mut self.stale {
            Some(s) => {
                s.message = message;
                s.failures += 1;
            }
            None => {
                self.stale = Some(Stale {
                    message,
                    since: at,
                    failures: 1,
                })
            }
        }
    }

    /// The whole log of `node_id` as the server returned it; only the new part is kept.
    /// Answers for a node that is no longer selected are dropped.
    pub fn on_log(&mut self, node_id: &str, full_text: &str) {
        if self.selected.as_deref() != Some(node_id) {
            return;
        }
        self.log.feed(node_id, full_text);
        self.logv.recompute(&self.log);
    }

    /// The result of an operation the app sent after [`DagEffect::Operate`]. An unknown
    /// outcome is not a failure: the app decides it from the next polls (`on_op_verdict`).
    pub fn on_op_result(&mut self, op: Op, node: Option<String>, result: reconcile::OpOutcome) {
        use reconcile::OpOutcome;
        self.pending = None;
        let what = self.op_phrase(op, node.as_deref());
        let (level, text) = match result {
            OpOutcome::Accepted => (Level::Info, format!("{what}: requested")),
            OpOutcome::Rejected(e) => (Level::Error, format!("{what} failed: {e}")),
            OpOutcome::NotSent(e) => (Level::Error, format!("{what} not sent: {e}")),
            OpOutcome::Unknown(e) => (
                Level::Warn,
                format!("{what}: sent, outcome unknown ({e}) — checking"),
            ),
        };
        self.notice = Some((level, text, self.now()));
    }

    /// What the polls after an unknown outcome showed.
    pub fn on_op_verdict(&mut self, op: Op, node: Option<&str>, v: reconcile::Verdict) {
        let what = self.op_phrase(op, node);
        let (level, text) = match v {
            reconcile::Verdict::TookEffect(s) => (Level::Info, format!("{what}: {s}")),
            reconcile::Verdict::DidNot(s) => (Level::Warn, format!("{what}: {s}")),
            reconcile::Verdict::Wait => return,
        };
        self.notice = Some((level, text, self.now()));
    }

    /// The notice to show now, if it has not expired.
    pub fn notice(&self) -> Option<(Level, &str)> {
        let (l, t, at) = self.notice.as_ref()?;
        (self.now().saturating_duration_since(*at) < NOTICE_TTL).then_some((*l, t.as_str()))
    }

    // ----- what the app asks -----

    /// Whether `a` would do something now: a task or subtask operation the task's state and
    /// backend allow (the same rule the side panel lists), a log action with a log to act
    /// on, a jump with somewhere to go. The footer offers only these.
    pub fn offers(&self, a: Action) -> bool {
        let node = self.sel_idx();
        let op = |op: Op, node_level: bool| {
            let Some(g) = &self.graph else { return false };
            if self.pending.is_some() {
                return false;
            }
            let at = if node_level {
                match node {
                    Some(i) => Some(i),
                    None => return false,
                }
            } else {
                None
            };
            g.allowed(op, at).is_ok()
        };
        let any = |pred: fn(&NodeStatus) -> bool| {
            self.graph
                .as_ref()
                .is_some_and(|g| g.nodes.iter().any(|n| pred(&n.status)))
        };
        match a {
            Action::RetryTask => op(Op::Retry, false),
            Action::RollbackTask => op(Op::Rollback, false),
            Action::CancelTask => op(Op::Cancel, false),
            Action::PassTask => op(Op::Pass, false),
            Action::RetrySubtask => op(Op::Retry, true),
            Action::SkipSubtask => op(Op::Skip, true),
            Action::CancelSubtask => op(Op::Cancel, true),
            Action::PassSubtask => op(Op::Pass, true),
            Action::DagOpen | Action::LogFull | Action::Open => self.selected.is_some(),
            Action::NextFailed | Action::PrevFailed => any(|s| *s == NodeStatus::Failed),
            Action::NextRunning | Action::PrevRunning => {
                any(|s| matches!(s, NodeStatus::Running | NodeStatus::Canceling))
            }
            Action::SearchNext | Action::SearchPrev => !self.search.matches.is_empty(),
            Action::LogWrap | Action::LogSave | Action::LogSearch | Action::LogPrefix => {
                !self.log.is_empty()
            }
            Action::LogFirstError => self.log.first_error().is_some(),
            Action::LogLeft | Action::LogRight | Action::LogFullLeft | Action::LogFullRight => {
                !self.log.is_empty() && !self.logv.wrap
            }
            Action::LogSearchNext | Action::LogSearchPrev => !self.logv.matches.is_empty(),
            _ => true,
        }
    }

    pub fn selected_node(&self) -> Option<&TaskNode> {
        let g = self.graph.as_ref()?;
        g.nodes.get(self.sel_idx()?)
    }

    /// The node whose log the app should poll: the selection, once it has started
    /// (a node that never ran has no log to fetch).
    pub fn log_target(&self) -> Option<String> {
        self.selected_node()
            .filter(|n| !(n.status.is_waiting() && n.started.is_none()))
            .map(|n| n.id.clone())
    }

    /// Poll fast (~1 s) while something runs or nothing is loaded yet.
    pub fn wants_fast_poll(&self) -> bool {
        let Some(g) = &self.graph else { return true };
        if self.pending.is_some() {
            return true;
        }
        g.status == obtui_task::TaskState::Running
            || g.nodes
                .iter()
                .any(|n| matches!(n.status, NodeStatus::Running | NodeStatus::Canceling))
    }

    /// ETA of the task, recomputed at most once a second of `now_ms` or per poll.
    /// The ETA at `now_ms`, with the key it is good for (this second, this poll). Computed
    /// at most once per key: the frame hands the answer back (`on_drawn`) to be kept.
    pub fn eta(&self, now_ms: i64) -> EtaAt {
        let key = (now_ms / 1000, self.polls);
        if let Some((k, v)) = self.eta_cache {
            if k == key {
                return (key, v);
            }
        }
        (key, self.graph.as_ref().and_then(|g| g.eta(now_ms)))
    }

    // ----- layout -----

    /// Where the selection is on screen (relative to the viewport), in the current layout.
    pub(super) fn screen_anchor(&self) -> Option<(i64, i64)> {
        let p = self.sel_slot().and_then(|s| self.layout.nodes.get(s))?;
        Some((
            p.x as i64 - self.scroll.0 as i64,
            p.y as i64 - self.scroll.1 as i64,
        ))
    }

    /// Lays the graph out again; `anchor` (from [`Self::screen_anchor`] before the graph or
    /// the fold state changed) keeps the selection at the same screen cell.
    pub(super) fn relayout(&mut self, anchor: Option<(i64, i64)>) {
        let Some(g) = &self.graph else { return };
        // Labels take what they need up to the width the viewport allows: the params (and
        // so the layout's key) change only when some label's width does.
        self.max_label = g
            .nodes
            .iter()
            .map(|n| obtui_task::layout::display_width(&n.label()))
            .max()
            .unwrap_or(1);
        self.params.name_width = self.wanted_name_width.min(self.max_label).max(1);
        self.layout = layout(g, &self.params);
        self.rows = list_rows(g, &self.params);
        self.layout_gen += 1;
        self.order = topo_order(g);
        self.order_pos = vec![0; g.nodes.len()];
        for (k, &v) in self.order.iter().enumerate() {
            if let Some(p) = self.order_pos.get_mut(v) {
                *p = k;
            }
        }
        self.index = g
            .index()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let n = self.layout.nodes.len();
        self.slot_in = vec![Vec::new(); n];
        self.slot_out = vec![Vec::new(); n];
        for (e, re) in self.layout.edges.iter().enumerate() {
            if let Some(v) = self.slot_out.get_mut(re.from) {
                v.push(e);
            }
            if let Some(v) = self.slot_in.get_mut(re.to) {
                v.push(e);
            }
        }
        let n_layers = self
            .layout
            .nodes
            .iter()
            .map(|p| p.layer as usize + 1)
            .max()
            .unwrap_or(0);
        self.layers = vec![Vec::new(); n_layers];
        for (s, p) in self.layout.nodes.iter().enumerate() {
            self.layers[p.layer as usize].push(s);
        }
        for l in &mut self.layers {
            let nodes = &self.layout.nodes;
            l.sort_by_key(|&s| nodes[s].x);
        }
        self.row_of = vec![0; g.nodes.len()];
        for (r, row) in self.rows.iter().enumerate() {
            for &m in row.node.members() {
                if let Some(x) = self.row_of.get_mut(m) {
                    *x = r;
                }
            }
        }
        self.list_gutter = self.rows.iter().map(|r| r.lanes.len()).max().unwrap_or(0);
        let edges = g.edges();
        let n = g.nodes.len();
        self.down_start = vec![0; n + 1];
        for &(a, _) in &edges {
            self.down_start[a + 1] += 1;
        }
        for i in 0..n {
            self.down_start[i + 1] += self.down_start[i];
        }
        let mut fill = self.down_start.clone();
        self.down_items = vec![0; edges.len()];
        for &(a, b) in &edges {
            self.down_items[fill[a]] = b;
            fill[a] += 1;
        }
        self.recompute_matches();
        if let (Some((sx, sy)), Some(p)) = (
            anchor,
            self.sel_slot().and_then(|s| self.layout.nodes.get(s)),
        ) {
            self.scroll = (
                (p.x as i64 - sx).max(0) as u32,
                (p.y as i64 - sy).max(0) as u32,
            );
        }
        self.reveal = true;
    }

    /// PENDING/READY nodes below a FAILED one, over the cached adjacency (the topology
    /// is unchanged between relayouts, so the edges need not be rebuilt every poll).
    fn compute_blocked(&self) -> Vec<bool> {
        let Some(g) = &self.graph else {
            return Vec::new();
        };
        let n = g.nodes.len();
        if self.down_start.len() != n + 1 {
            return g.blocked();
        }
        let mut reach = vec![false; n];
        let mut stack: Vec<usize> = (0..n)
            .filter(|&i| g.nodes[i].status == NodeStatus::Failed)
            .collect();
        while let Some(v) = stack.pop() {
            for &w in &self.down_items[self.down_start[v]..self.down_start[v + 1]] {
                if !reach[w] {
                    reach[w] = true;
                    stack.push(w);
                }
            }
        }
        reach
            .iter()
            .zip(&g.nodes)
            .map(|(&r, node)| r && node.status.is_waiting())
            .collect()
    }

    // ----- selection -----

    pub(crate) fn sel_idx(&self) -> Option<usize> {
        let id = self.selected.as_deref()?;
        let i = *self.index.get(id)?;
        self.graph.as_ref()?.nodes.get(i).map(|_| i)
    }

    /// The placed node showing the selection.
    pub(crate) fn sel_slot(&self) -> Option<usize> {
        self.layout.slot_of(self.sel_idx()?)
    }

    pub(crate) fn sel_row(&self) -> Option<usize> {
        self.row_of.get(self.sel_idx()?).copied()
    }

    fn select_idx(&mut self, i: usize) {
        let Some(id) = self
            .graph
            .as_ref()
            .and_then(|g| g.nodes.get(i))
            .map(|n| n.id.clone())
        else {
            return;
        };
        if self.log.node() != Some(id.as_str()) {
            self.log.reset(Some(id.clone()));
            self.logv.recompute(&self.log);
        }
        self.selected = Some(id);
        self.reveal = true;
    }

    /// Select what a placed node stands for; an aggregate selects its most telling member.
    fn select_slot(&mut self, slot: usize) {
        let Some(p) = self.layout.nodes.get(slot) else {
            return;
        };
        let i = match &p.node {
            NodeRef::Single(i) => *i,
            NodeRef::Aggregate { members, .. } => self.best_member(members),
        };
        self.select_idx(i);
    }

    fn best_member(&self, members: &[usize]) -> usize {
        let Some(g) = &self.graph else {
            return members.first().copied().unwrap_or(0);
        };
        let find = |want: fn(&NodeStatus) -> bool| {
            members
                .iter()
                .copied()
                .find(|&m| g.nodes.get(m).is_some_and(|n| want(&n.status)))
        };
        find(|s| *s == NodeStatus::Failed)
            .or_else(|| find(|s| matches!(s, NodeStatus::Running | NodeStatus::Canceling)))
            .or_else(|| members.first().copied())
            .unwrap_or(0)
    }

    /// First FAILED, else first running, else the first node.
    fn select_default(&mut self) {
        let Some(g) = &self.graph else { return };
        let pick = self
            .order
            .iter()
            .copied()
            .find(|&i| g.nodes[i].status == NodeStatus::Failed)
            .or_else(|| {
                self.order.iter().copied().find(|&i| {
                    matches!(
                        g.nodes[i].status,
                        NodeStatus::Running | NodeStatus::Canceling
                    )
                })
            })
            .or_else(|| self.order.first().copied());
        match pick {
            Some(i) => self.select_idx(i),
            None => self.selected = None,
        }
    }

    /// The running frontier: the first running node, else the first failed, else the first
    /// that has not started, else the last.
    fn jump_frontier(&mut self) {
        let Some(g) = &self.graph else { return };
        let running = |i: usize| {
            matches!(
                g.nodes[i].status,
                NodeStatus::Running | NodeStatus::Canceling
            )
        };
        // A selected node that still runs stays selected: following does not hop between
        // the nodes of a fan-out on every poll (each hop repaints the side panel).
        if self.sel_idx().is_some_and(running) {
            return;
        }
        let find = |want: &dyn Fn(usize) -> bool| self.order.iter().copied().find(|&i| want(i));
        // When it finishes, the running node nearest to it on screen takes over (same row
        // first, then the fewest columns away), so the graph scrolls as little as it can.
        let here = self
            .sel_slot()
            .and_then(|s| self.layout.nodes.get(s))
            .map(|p| (p.y, p.center()));
        let nearest = here.and_then(|(y, x)| {
            self.order
                .iter()
                .copied()
                .filter(|&i| running(i))
                .filter_map(|i| {
                    let p = self.layout.nodes.get(self.layout.slot_of(i)?)?;
                    Some(((p.y.abs_diff(y), p.center().abs_diff(x)), i))
                })
                .min_by_key(|&(d, _)| d)
                .map(|(_, i)| i)
        });
        let pick = nearest
            .or_else(|| find(&|i| running(i)))
            .or_else(|| find(&|i| g.nodes[i].status == NodeStatus::Failed))
            .or_else(|| find(&|i| g.nodes[i].status.is_waiting()))
            .or_else(|| self.order.last().copied());
        if let Some(i) = pick {
            if self.sel_idx() != Some(i) {
                self.select_idx(i);
            }
            self.goal_x = None;
        }
    }

    // ----- search -----

    fn recompute_matches(&mut self) {
        let q = self.search.query().trim().to_lowercase();
        self.search.matches.clear();
        let Some(g) = &self.graph else { return };
        if q.is_empty() {
            return;
        }
        for &i in &self.order {
            let n = &g.nodes[i];
            if n.label().to_lowercase().contains(&q) || n.id == q {
                self.search.matches.push(i);
            }
        }
    }

    pub fn is_match(&self, idx: usize) -> bool {
        !self.search.matches.is_empty()
            && self
                .search
                .matches
                .binary_search_by_key(&self.order_pos.get(idx), |&m| self.order_pos.get(m))
                .is_ok()
    }

    /// Next (or previous) match after the selection in reading order, wrapping.
    fn search_step(&mut self, forward: bool) -> Vec<DagEffect> {
        if self.search.matches.is_empty() {
            let msg = if self.search.query().is_empty() {
                "no search yet: / searches by name".to_string()
            } else {
                format!("no node matches \"{}\"", self.search.query())
            };
            return vec![DagEffect::Flash(Level::Info, msg)];
        }
        let cur = self.sel_idx().and_then(|i| self.order_pos.get(i).copied());
        let m = &self.search.matches;
        let pos = |i: usize| self.order_pos.get(i).copied().unwrap_or(0);
        let pick = match (cur, forward) {
            (None, true) => m.first(),
            (None, false) => m.last(),
            (Some(c), true) => m.iter().find(|&&i| pos(i) > c).or(m.first()),
            (Some(c), false) => m.iter().rev().find(|&&i| pos(i) < c).or(m.last()),
        };
        if let Some(&i) = pick {
            self.select_idx(i);
            self.set_goal_to_selection();
        }
        vec![]
    }

    fn on_search_key(&mut self, k: KeyEvent, km: &Keymap) {
        match km.lookup_event(&[Scope::DagSearch], &k) {
            Some(Action::SearchCancel) => {
                self.search.editing = false;
                self.search.input = Input::default();
                self.search.matches.clear();
                if let Some(id) = self.search.origin.take() {
                    if let Some(&i) = self.index.get(&id) {
                        self.select_idx(i);
                    }
                }
            }
            Some(Action::SearchAccept) => {
                self.search.editing = false;
                self.search.origin = None;
            }
            _ => {
                self.search.input.handle_event(&Event::Key(k));
                self.recompute_matches();
                // Incremental: show the first match at or after where the search started.
                let origin = self
                    .search
                    .origin
                    .as_ref()
                    .and_then(|id| self.index.get(id))
                    .and_then(|&i| self.order_pos.get(i).copied())
                    .unwrap_or(0);
                let pick = self
                    .search
                    .matches
                    .iter()
                    .copied()
                    .find(|&i| self.order_pos.get(i).copied().unwrap_or(0) >= origin)
                    .or(self.search.matches.first().copied());
                if let Some(i) = pick {
                    self.select_idx(i);
                    self.set_goal_to_selection();
                }
            }
        }
    }

    fn set_goal_to_selection(&mut self) {
        self.goal_x = self
            .sel_slot()
            .and_then(|s| self.layout.nodes.get(s))
            .map(|p| p.center());
    }

    // ----- input -----

    /// The registry scopes active in the view, most specific first: its modal states
    /// (confirmation dialog, search input) take every key.
    pub fn scopes(&self) -> Vec<Scope> {
        if self.confirm.is_some() {
            vec![Scope::TaskConfirm, Scope::Always]
        } else if self.search.editing {
            vec![Scope::DagSearch, Scope::Always]
        } else if self.log_full {
            vec![Scope::LogFull, Scope::Log, Scope::Global, Scope::Always]
        } else {
            vec![Scope::Dag, Scope::Log, Scope::Global, Scope::Always]
        }
    }

    /// Keys for modal states (search input, confirmation dialog), with the default keys.
    pub fn on_key(&mut self, k: KeyEvent) -> Option<Vec<DagEffect>> {
        self.on_key_with(k, Keymap::shared_defaults())
    }

    /// Keys for modal states (search input, confirmation dialog). `None`: not consumed,
    /// the app looks the key up in the registry and calls [`DagView::perform`].
    pub fn on_key_with(&mut self, k: KeyEvent, km: &Keymap) -> Option<Vec<DagEffect>> {
        if self.confirm.is_some() {
            return Some(self.on_confirm_key(k, km));
        }
        if self.search.editing {
            if self.log_search {
                self.on_log_search_key(k, km);
            } else {
                self.on_search_key(k, km);
            }
            return Some(vec![]);
        }
        None
    }

    /// Run a registry action.
    pub fn perform(&mut self, a: Action, read_only: bool) -> Vec<DagEffect> {
        if spec(a).dangerous && read_only {
            return vec![DagEffect::Flash(
                Level::Warn,
                format!(
                    "read-only mode: {} is not available",
                    spec(a).desc.to_lowercase()
                ),
            )];
        }
        if self.log_full {
            if let Some(fx) = self.log_action(a) {
                return fx;
            }
        }
        if let Some(fx) = self.log_key(a) {
            return fx;
        }
        let manual = matches!(
            a,
            Action::Up
                | Action::Down
                | Action::DagLeft
                | Action::DagRight
                | Action::NextFailed
                | Action::PrevFailed
                | Action::NextRunning
                | Action::PrevRunning
                | Action::DagFirst
                | Action::DagLast
                | Action::Home
                | Action::End
                | Action::PageUp
                | Action::PageDown
                | Action::SearchNext
                | Action::SearchPrev
        );
        if manual {
            self.follow = false;
        }
        match a {
            Action::Up => self.move_vertical(false),
            Action::Down => self.move_vertical(true),
            Action::DagLeft => self.move_sideways(false),
            Action::DagRight => self.move_sideways(true),
            Action::PageUp => self.page(false),
            Action::PageDown => self.page(true),
            Action::NextFailed => {
                return self.jump_status(true, "FAILED", |s| *s == NodeStatus::Failed)
            }
            Action::PrevFailed => {
                return self.jump_status(false, "FAILED", |s| *s == NodeStatus::Failed)
            }
            Action::NextRunning => {
                return self.jump_status(true, "RUNNING", |s| {
                    matches!(s, NodeStatus::Running | NodeStatus::Canceling)
                })
            }
            Action::PrevRunning => {
                return self.jump_status(false, "RUNNING", |s| {
                    matches!(s, NodeStatus::Running | NodeStatus::Canceling)
                })
            }
            Action::DagFirst | Action::Home => self.jump_end(false),
            Action::DagLast | Action::End => self.jump_end(true),
            Action::ToggleView => {
                self.mode = match self.mode {
                    DagMode::Graph => DagMode::List,
                    DagMode::List => DagMode::Graph,
                };
                self.reveal = true;
            }
            Action::Fold => return self.toggle_fold(),
            Action::Open | Action::DagOpen => {
                if let Some(NodeRef::Aggregate { .. }) = self
                    .sel_slot()
                    .and_then(|s| self.layout.nodes.get(s))
                    .map(|p| &p.node)
                {
                    if self.mode == DagMode::Graph {
                        return self.toggle_fold();
                    }
                }
                // What the panel promises: the selected node's log, full screen.
                if self.selected.is_some() {
                    self.log_full = true;
                }
            }
            Action::LogFull if self.selected.is_some() => {
                self.log_full = !self.log_full;
                self.log.scroll = 0;
            }
            Action::Follow => {
                self.follow = !self.follow;
                if self.follow {
                    self.jump_frontier();
                }
                let msg = if self.follow {
                    "follow: on (keeps the running node in view)"
                } else {
                    "follow: off"
                };
                return vec![DagEffect::Flash(Level::Info, msg.into())];
            }
            Action::Search => {
                self.search.editing = true;
                self.search.input = Input::default();
                self.search.matches.clear();
                self.search.origin = self.selected.clone();
            }
            Action::SearchNext => return self.search_step(true),
            Action::SearchPrev => return self.search_step(false),
            Action::Upstream => self.upstream_marks = !self.upstream_marks,
            Action::Center => {
                self.center = true;
                self.reveal = true;
            }
            Action::Back => {
                if self.log_full {
                    self.log_full = false;
                } else if self.log_open {
                    self.log_open = false;
                } else if self.upstream_marks {
                    self.upstream_marks = false;
                } else if !self.search.matches.is_empty() {
                    self.search = Search::default();
                } else {
                    return vec![DagEffect::Close];
                }
            }
            Action::RetryTask => return self.request_op(Op::Retry, false),
            Action::RollbackTask => return self.request_op(Op::Rollback, false),
            Action::CancelTask => return self.request_op(Op::Cancel, false),
            Action::PassTask => return self.request_op(Op::Pass, false),
            Action::RetrySubtask => return self.request_op(Op::Retry, true),
            Action::SkipSubtask => return self.request_op(Op::Skip, true),
            Action::CancelSubtask => return self.request_op(Op::Cancel, true),
            Action::PassSubtask => return self.request_op(Op::Pass, true),
            _ => {}
        }
        vec![]
    }

    /// The log's own keys (side panel and full screen); `None`: not a log key.
    fn log_key(&mut self, a: Action) -> Option<Vec<DagEffect>> {
        let flash = |m: &str| vec![DagEffect::Flash(Level::Info, m.to_string())];
        let fx = match a {
            Action::LogWrap => {
                self.logv.wrap = !self.logv.wrap;
                self.logv.hscroll = 0;
                flash(if self.logv.wrap {
                    "log wrap: on"
                } else {
                    "log wrap: off (← → or < > scroll sideways)"
                })
            }
            Action::LogLeft | Action::LogFullLeft => return Some(self.log_sideways(false)),
            Action::LogRight | Action::LogFullRight => return Some(self.log_sideways(true)),
            Action::LogPrefix => {
                self.logv.fold_prefix = !self.logv.fold_prefix;
                flash(if self.logv.fold_prefix {
                    "log: thread / trace prefix folded"
                } else {
                    "log: thread / trace prefix shown (dimmed)"
                })
            }
            Action::LogFirstError => match self.log.first_error() {
                Some(i) => {
                    self.log.pin(i);
                    vec![]
                }
                None if self.log.is_empty() => flash("no log yet"),
                None => flash("no ERROR line in this log"),
            },
            Action::LogSave => {
                if self.log.is_empty() {
                    return Some(flash("the log is empty: nothing to save"));
                }
                let node = self.selected.clone().unwrap_or_default();
                let name = format!("task-{}-{}", self.task_id, node);
                let name: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                vec![DagEffect::SaveLog {
                    name,
                    text: self.log.text(),
                }]
            }
            Action::LogSearch => {
                self.search.editing = true;
                self.log_search = true;
                self.search.input = Input::new(self.logv.query.clone());
                vec![]
            }
            Action::LogSearchNext => self.log_search_step(true),
            Action::LogSearchPrev => self.log_search_step(false),
            Action::LogClose => {
                self.log_full = false;
                vec![]
            }
            _ => return None,
        };
        Some(fx)
    }

    fn log_sideways(&mut self, right: bool) -> Vec<DagEffect> {
        if self.logv.wrap {
            return vec![DagEffect::Flash(
                Level::Info,
                "the log wraps: w turns wrapping off to scroll sideways".into(),
            )];
        }
        let widest = self
            .log
            .lines()
            .map(obtui_task::layout::display_width)
            .max()
            .unwrap_or(0);
        self.logv.hscroll = if right {
            // No further than the widest line's end at the right edge of the log.
            let view = (self.geom.log.width as usize).saturating_sub(2).max(1);
            (self.logv.hscroll + 16).min(widest.saturating_sub(view))
        } else {
            self.logv.hscroll.saturating_sub(16)
        };
        vec![]
    }

    /// n / N in the log: the next (previous) matching line after the one shown, wrapping;
    /// it is pinned at the top of the view.
    fn log_search_step(&mut self, forward: bool) -> Vec<DagEffect> {
        if self.logv.matches.is_empty() {
            let msg = if self.logv.query.is_empty() {
                "no search yet: / searches the log".to_string()
            } else {
                format!("no line matches \"{}\"", self.logv.query)
            };
            return vec![DagEffect::Flash(Level::Info, msg)];
        }
        let m = &self.logv.matches;
        let pick = match self.logv.current {
            None => {
                let from = self.log.top.unwrap_or(0);
                if forward {
                    m.iter().find(|&&x| x >= from).or(m.first())
                } else {
                    m.iter().rev().find(|&&x| x <= from).or(m.last())
                }
            }
            Some(c) if forward => m.iter().find(|&&x| x > c).or(m.first()),
            Some(c) => m.iter().rev().find(|&&x| x < c).or(m.last()),
        }
        .copied();
        self.show_log_match(pick);
        vec![]
    }

    fn show_log_match(&mut self, pick: Option<u64>) {
        self.logv.current = pick;
        if let Some(i) = pick.and_then(|a| self.log.index_of_abs(a)) {
            self.log.pin(i);
        }
    }

    fn on_log_search_key(&mut self, k: KeyEvent, km: &Keymap) {
        match km.lookup_event(&[Scope::DagSearch], &k) {
            Some(Action::SearchCancel) => {
                self.search.editing = false;
                self.log_search = false;
                self.search.input = Input::default();
                self.logv.query.clear();
                self.logv.recompute(&self.log);
            }
            Some(Action::SearchAccept) => {
                self.search.editing = false;
                self.log_search = false;
                self.search.input = Input::default();
            }
            _ => {
                self.search.input.handle_event(&Event::Key(k));
                self.logv.query = self.search.input.value().to_string();
                self.logv.current = None;
                self.logv.recompute(&self.log);
                // Incremental: the first match from the line shown at the top (or the start).
                let from = self.log.top.unwrap_or(0);
                let m = &self.logv.matches;
                let pick = m.iter().find(|&&x| x >= from).or(m.first()).copied();
                self.show_log_match(pick);
            }
        }
    }

    /// Keys of the full-screen log; `None` falls through to the normal handling.
    fn log_action(&mut self, a: Action) -> Option<Vec<DagEffect>> {
        let page = self.geom.log.height.max(2) as isize - 1;
        match a {
            Action::Up => self.log.scroll_by(1),
            Action::Down => self.log.scroll_by(-1),
            Action::PageUp => self.log.scroll_by(page),
            Action::PageDown => self.log.scroll_by(-page),
            Action::Home | Action::DagFirst => self.log.to_start(),
            Action::End | Action::DagLast => self.log.to_end(),
            _ => return None,
        }
        Some(vec![])
    }

    pub fn on_mouse(&mut self, m: MouseEvent) -> Vec<DagEffect> {
        if self.confirm.is_some() {
            return vec![];
        }
        let inside = |r: Rect| {
            m.column >= r.x && m.column < r.x + r.width && m.row >= r.y && m.row < r.y + r.height
        };
        let shift = m.modifiers.contains(KeyModifiers::SHIFT);
        let over_log = self.log_full || inside(self.geom.log);
        match m.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = m.kind == MouseEventKind::ScrollDown;
                if over_log {
                    self.log.scroll_by(if down { -3 } else { 3 });
                } else if self.mode == DagMode::List {
                    self.list_top = if down {
                        (self.list_top + 3).min(self.rows.len().saturating_sub(1))
                    } else {
                        self.list_top.saturating_sub(3)
                    };
                } else if shift {
                    self.follow = false;
                    self.scroll_x(if down { 6 } else { -6 });
                } else {
                    self.follow = false;
                    self.scroll_y(if down { 3 } else { -3 });
                }
            }
            MouseEventKind::ScrollLeft if !over_log => {
                self.follow = false;
                self.scroll_x(-6)
            }
            MouseEventKind::ScrollRight if !over_log => {
                self.follow = false;
                self.scroll_x(6)
            }
            MouseEventKind::ScrollLeft => {
                self.log_sideways(false);
            }
            MouseEventKind::ScrollRight => {
                self.log_sideways(true);
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let g = self.geom.graph;
                if self.log_full || !inside(g) {
                    return vec![];
                }
                let now = self.now();
                let double = matches!(self.last_click, Some((t, c, r)) if c == m.column && r == m.row && now.saturating_duration_since(t) < DOUBLE_CLICK);
                self.last_click = Some((now, m.column, m.row));
                let (dx, dy) = ((m.column - g.x) as u32, (m.row - g.y) as u32);
                let before = self.selected.clone();
                match self.mode {
                    DagMode::Graph => {
                        let (x, y) = (dx + self.scroll.0, dy + self.scroll.1);
                        let Some(slot) = self.layout.node_at(x, y) else {
                            return vec![];
                        };
                        if self.sel_slot() != Some(slot) {
                            self.select_slot(slot);
                        }
                    }
                    DagMode::List => {
                        let r = self.list_top + dy as usize;
                        if r >= self.rows.len() {
                            return vec![];
                        }
                        if self.sel_row() != Some(r) {
                            self.select_row(r);
                        }
                    }
                }
                self.follow = false;
                self.set_goal_to_selection();
                if double || (before.is_some() && before == self.selected) {
                    self.log_open = true;
                    self.log.scroll = 0;
                }
            }
            _ => {}
        }
        vec![]
    }

    fn scroll_x(&mut self, d: i64) {
        let max = self.layout.width.saturating_sub(1) as i64;
        self.scroll.0 = (self.scroll.0 as i64 + d).clamp(0, max.max(0)) as u32;
        self.reveal = false;
    }

    fn scroll_y(&mut self, d: i64) {
        let max = self.layout.height.saturating_sub(1) as i64;
        self.scroll.1 = (self.scroll.1 as i64 + d).clamp(0, max.max(0)) as u32;
        self.reveal = false;
    }

    /// "retry of subtask 'x' (#id)" / "rollback of the task".
    pub(crate) fn op_phrase(&self, op: Op, node: Option<&str>) -> String {
        let name = node.and_then(|id| {
            let g = self.graph.as_ref()?;
            let i = *self.index.get(id)?;
            g.nodes.get(i).map(|n| n.label())
        });
        let unit = match self.backend {
            Backend::Ocp => "subtask",
            Backend::Obshell => "node",
        };
        match (node, name) {
            (Some(id), Some(n)) => format!("{} of {unit} '{n}' (#{id})", op.name()),
            (Some(id), None) => format!("{} of {unit} #{id}", op.name()),
            (None, _) => format!("{} of the task", op.name()),
        }
    }
}

fn default_labels() -> BTreeMap<Action, String> {
    SPECS
        .iter()
        .map(|s| {
            let label = s
                .keys
                .first()
                .and_then(|k| Key::parse(k).ok())
                .map(|k| k.label())
                .unwrap_or_else(|| "—".into());
            (s.action, label)
        })
        .collect()
}
