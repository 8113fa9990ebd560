//! The backend-neutral task graph: one shape for OCP task instances and obshell DAGs.
//!
//! Plain data plus the facts derived from it (progress, blocked nodes, critical path,
//! ETA, which operations are allowed). Layout and text output read this model only.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Duration;

use super::graph::{kahn, Csr};

/// Which server the task came from; decides which operations exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Ocp,
    Obshell,
}

/// State of the task (OCP task status / obshell DAG state).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskState {
    Pending,
    Ready,
    Running,
    Failed,
    Successful,
    /// Finished after a rollback: OCP says SUCCESSFUL (obshell SUCCEED) with the task's
    /// operation ROLLBACK. The change it was started for was undone, so it is shown apart
    /// from a success. Never parsed from a status word: the conversions set it.
    RolledBack,
    Unknown(String),
}

impl TaskState {
    /// Parses OCP (`SUCCESSFUL`) and obshell (`SUCCEED`) spellings.
    pub fn parse(s: &str) -> TaskState {
        match s.to_ascii_uppercase().as_str() {
            "PENDING" => TaskState::Pending,
            "READY" => TaskState::Ready,
            "RUNNING" => TaskState::Running,
            "FAILED" => TaskState::Failed,
            "SUCCESSFUL" | "SUCCEED" | "SUCCEEDED" => TaskState::Successful,
            _ => TaskState::Unknown(s.to_string()),
        }
    }

    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            TaskState::Failed | TaskState::Successful | TaskState::RolledBack
        )
    }

    /// The state to show for a task in `status` under `operation`: a finished rollback is
    /// [`TaskState::RolledBack`], anything else stays as it is.
    pub fn with_operation(self, rolled_back: bool) -> TaskState {
        match self {
            TaskState::Successful if rolled_back => TaskState::RolledBack,
            s => s,
        }
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            TaskState::Pending => "PENDING",
            TaskState::Ready => "READY",
            TaskState::Running => "RUNNING",
            TaskState::Failed => "FAILED",
            TaskState::Successful => "SUCCESSFUL",
            TaskState::RolledBack => "ROLLED BACK",
            TaskState::Unknown(s) => s,
        };
        f.write_str(s)
    }
}

/// Status of one node (OCP subtask / obshell node or sub_task).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeStatus {
    Pending,
    Ready,
    Running,
    Canceling,
    Failed,
    Successful,
    Unknown(String),
}

impl NodeStatus {
    pub fn parse(s: &str) -> NodeStatus {
        match s.to_ascii_uppercase().as_str() {
            "PENDING" => NodeStatus::Pending,
            "READY" => NodeStatus::Ready,
            "RUNNING" => NodeStatus::Running,
            "CANCELING" | "CANCELLING" => NodeStatus::Canceling,
            "FAILED" => NodeStatus::Failed,
            "SUCCESSFUL" | "SUCCEED" | "SUCCEEDED" => NodeStatus::Successful,
            _ => NodeStatus::Unknown(s.to_string()),
        }
    }

    pub fn is_finished(&self) -> bool {
        matches!(self, NodeStatus::Failed | NodeStatus::Successful)
    }

    /// Not started yet (PENDING / READY).
    pub fn is_waiting(&self) -> bool {
        matches!(self, NodeStatus::Pending | NodeStatus::Ready)
    }
}

impl fmt::Display for NodeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            NodeStatus::Pending => "PENDING",
            NodeStatus::Ready => "READY",
            NodeStatus::Running => "RUNNING",
            NodeStatus::Canceling => "CANCELING",
            NodeStatus::Failed => "FAILED",
            NodeStatus::Successful => "SUCCESSFUL",
            NodeStatus::Unknown(s) => s,
        };
        f.write_str(s)
    }
}

/// The operation a task or node is under (OCP `operation`, obshell `operator`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeOp {
    /// OCP `EXECUTE`, obshell `RUN`.
    Execute,
    Retry,
    Rollback,
    Skip,
    Cancel,
    RollbackSkip,
    Pass,
    Unknown(String),
}

impl NodeOp {
    pub fn parse(s: &str) -> NodeOp {
        match s.to_ascii_uppercase().as_str() {
            "EXECUTE" | "RUN" => NodeOp::Execute,
            "RETRY" => NodeOp::Retry,
            "ROLLBACK" => NodeOp::Rollback,
            "SKIP" => NodeOp::Skip,
            "CANCEL" => NodeOp::Cancel,
            "ROLLBACK_SKIP" => NodeOp::RollbackSkip,
            "PASS" => NodeOp::Pass,
            _ => NodeOp::Unknown(s.to_string()),
        }
    }
}

impl fmt::Display for NodeOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            NodeOp::Execute => "EXECUTE",
            NodeOp::Retry => "RETRY",
            NodeOp::Rollback => "ROLLBACK",
            NodeOp::Skip => "SKIP",
            NodeOp::Cancel => "CANCEL",
            NodeOp::RollbackSkip => "ROLLBACK_SKIP",
            NodeOp::Pass => "PASS",
            NodeOp::Unknown(s) => s,
        };
        f.write_str(s)
    }
}

/// An operation a user can ask for. With `node: None` it targets the whole task
/// (OCP task retry/rollback, obshell DAG operator); with a node it targets that node
/// (OCP subtask retry/skip/cancel, obshell node PASS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Retry,
    Rollback,
    Skip,
    Cancel,
    Pass,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::Retry, Op::Rollback, Op::Skip, Op::Cancel, Op::Pass];

    pub fn name(self) -> &'static str {
        match self {
            Op::Retry => "retry",
            Op::Rollback => "rollback",
            Op::Skip => "skip",
            Op::Cancel => "cancel",
            Op::Pass => "pass",
        }
    }
}

/// Between a node's name and its target in a label.
pub const TARGET_SEP: &str = " · ";

/// A child of a node: an obshell sub_task (one per agent on parallel nodes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubNode {
    pub id: String,
    pub name: String,
    pub status: Option<NodeStatus>,
    pub operation: Option<NodeOp>,
    /// `ip:port` of the agent that runs it.
    pub execute_agent: Option<String>,
    pub run_count: u32,
    pub started: Option<i64>,
    pub finished: Option<i64>,
    pub logs: Vec<String>,
}

/// One node of the graph (an OCP subtask, an obshell node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskNode {
    pub id: String,
    pub name: String,
    pub description: String,
    pub status: NodeStatus,
    pub operation: NodeOp,
    pub series_id: Option<i64>,
    /// `None` when not parallel (OCP sends -1).
    pub parallel_idx: Option<i64>,
    /// Number of executions (OCP `runTime`, obshell `execute_times`).
    pub run_count: u32,
    pub timeout_secs: Option<u64>,
    /// Unix milliseconds.
    pub created: Option<i64>,
    pub started: Option<i64>,
    pub finished: Option<i64>,
    pub executor: Option<String>,
    /// The server / zone / host this node acts on, when its own fields say so (see
    /// `convert::subtask_target`): what tells the nodes of a fan-out apart.
    pub target: Option<String>,
    pub upstreams: Vec<String>,
    pub downstreams: Vec<String>,
    pub prohibit_rollback: bool,
    /// OCP's `prohibitSkip`: the server refuses to skip this subtask.
    pub prohibit_skip: bool,
    /// Documented fields with no place of their own, in the order to show them: OCP's
    /// `nodeType` and the entries of `context`, obshell's `additional_data`. Values whole.
    pub details: Vec<(String, String)>,
    pub children: Vec<SubNode>,
}

impl TaskNode {
    /// A node with only an id and a name; everything else empty / PENDING / EXECUTE.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> TaskNode {
        TaskNode {
            id: id.into(),
            name: name.into(),
            description: String::new(),
            status: NodeStatus::Pending,
            operation: NodeOp::Execute,
            series_id: None,
            parallel_idx: None,
            run_count: 0,
            timeout_secs: None,
            created: None,
            started: None,
            finished: None,
            executor: None,
            target: None,
            upstreams: Vec::new(),
            downstreams: Vec::new(),
            prohibit_rollback: false,
            prohibit_skip: false,
            details: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The name with the node's target: `Install rpm · 10.0.0.1 in zone1`.
    pub fn label(&self) -> String {
        match &self.target {
            Some(t) => format!("{}{TARGET_SEP}{t}", self.name),
            None => self.name.clone(),
        }
    }

    /// Observed wall time: finished − started, or now − started while running.
    pub fn observed_ms(&self, now_ms: i64) -> Option<i64> {
        let start = self.started?;
        let end = match (&self.status, self.finished) {
            (s, Some(f)) if s.is_finished() => f,
            (NodeStatus::Running | NodeStatus::Canceling, _) => now_ms,
            _ => return None,
        };
        Some(end.saturating_sub(start).max(0))
    }
}

/// The whole task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskGraph {
    /// Task id (OCP numeric id or obshell generic id), as a string.
    pub id: String,
    pub name: String,
    pub status: TaskState,
    pub operation: NodeOp,
    /// OCP `type` (MANUAL, SYS_ONECE, …); empty when unknown.
    pub kind: String,
    pub creator: Option<String>,
    pub cluster: Option<String>,
    pub started: Option<i64>,
    pub finished: Option<i64>,
    pub prohibit_rollback: bool,
    pub backend: Backend,
    /// obshell `(stage, max_stage)`.
    pub stage: Option<(u32, u32)>,
    /// Unix milliseconds (OCP `createTime`).
    pub created: Option<i64>,
    /// Documented fields with no place of their own, in the order to show them: OCP's
    /// `tenant`, `hostId`, `executor`, `taskDefinitionId` and the entries of `context`
    /// (`ctx.` keys); obshell's `dag_id`, maintenance and `additional_data` (`data.` keys).
    /// Values whole; a view cuts them.
    pub details: Vec<(String, String)>,
    pub nodes: Vec<TaskNode>,
}

/// Something wrong with the graph's structure. Reported as data; layout copes with all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphIssue {
    DuplicateId(String),
    /// `from → to` where one end does not exist.
    DanglingEdge {
        from: String,
        to: String,
    },
    SelfLoop(String),
    /// Ids of the nodes on one cycle, in edge order.
    Cycle(Vec<String>),
}

impl fmt::Display for GraphIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphIssue::DuplicateId(id) => write!(f, "duplicate node id {id}"),
            GraphIssue::DanglingEdge { from, to } => {
                write!(f, "edge {from} → {to} names a missing node")
            }
            GraphIssue::SelfLoop(id) => write!(f, "node {id} depends on itself"),
            GraphIssue::Cycle(ids) => write!(f, "cycle: {}", ids.join(" → ")),
        }
    }
}

/// Estimated duration of a node that has no observation and no better guess.
pub const DEFAULT_NODE_ESTIMATE_MS: i64 = 30_000;

/// Finished nodes needed before a node of a kind not seen yet is estimated (see
/// [`TaskGraph::eta`]).
pub const ETA_MIN_SAMPLES: usize = 3;

/// How long a running task has left: a range, or unknown when the task has not shown
/// enough to say (better no figure than a confident wrong one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eta {
    Unknown,
    Range { low: Duration, high: Duration },
}

impl Eta {
    /// Columns of [`Eta::short`]: it is always this wide, so a header that shows it does
    /// not shift (and redraw) what follows when the figure changes.
    pub const WIDTH: usize = 7;

    /// `unknown`, `~20s`, `20s-2m`, `1h+`, `>99h`, padded to [`Eta::WIDTH`]. The low end
    /// rounds down and the high end up, each to one unit, so the range never claims more
    /// precision than it has.
    pub fn short(&self) -> String {
        let s = match *self {
            Eta::Unknown => "unknown".to_string(),
            Eta::Range { low, high } => {
                let (lo, hi) = (coarse(low.as_secs(), false), coarse(high.as_secs(), true));
                match (lo, hi) {
                    (None, _) => ">99h".to_string(),
                    (Some(lo), None) => format!("{lo}+"),
                    (Some(lo), Some(hi)) if lo == hi => format!("~{lo}"),
                    (Some(lo), Some(hi)) => format!("{lo}-{hi}"),
                }
            }
        };
        format!("{s:<w$}", w = Self::WIDTH)
    }
}

/// One unit, at most three characters: `59s`, `60m`, `99h`; `None` from 100 hours.
fn coarse(secs: u64, up: bool) -> Option<String> {
    let div = |n: u64, d: u64| if up { n.div_ceil(d) } else { n / d };
    if secs < 60 {
        Some(format!("{secs}s"))
    } else if secs < 3_600 {
        Some(format!("{}m", div(secs, 60)))
    } else {
        let h = div(secs, 3_600);
        (h < 100).then(|| format!("{h}h"))
    }
}

impl TaskGraph {
    /// An empty graph (useful for building by hand and in tests).
    pub fn new(id: impl Into<String>, name: impl Into<String>, backend: Backend) -> TaskGraph {
        TaskGraph {
            id: id.into(),
            name: name.into(),
            status: TaskState::Running,
            operation: NodeOp::Execute,
            kind: String::new(),
            creator: None,
            cluster: None,
            started: None,
            finished: None,
            prohibit_rollback: false,
            backend,
            stage: None,
            created: None,
            details: Vec::new(),
            nodes: Vec::new(),
        }
    }

    /// Map from node id to the index of its first occurrence.
    pub fn index(&self) -> HashMap<&str, usize> {
        let mut m = HashMap::with_capacity(self.nodes.len());
        for (i, n) in self.nodes.iter().enumerate() {
            m.entry(n.id.as_str()).or_insert(i);
        }
        m
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// Makes upstreams and downstreams agree: each lists the union of both directions.
    /// Order is kept (first mention wins); duplicates are removed. Dangling ids stay
    /// (`validate` reports them).
    pub fn normalize(&mut self) {
        // Index pairs first, ids cloned only for the mentions that are really missing:
        // servers list most edges on both ends, and a task of thousands of subtasks made
        // a clone of every id per mention (and a hash set of clones per node) before.
        let (add_up, add_down) = {
            let index = IdIndex::new(&self.nodes);
            let mut up_pairs: Vec<(usize, usize)> = Vec::new();
            let mut down_pairs: Vec<(usize, usize)> = Vec::new();
            for (i, n) in self.nodes.iter().enumerate() {
                for d in &n.downstreams {
                    if let Some(&j) = index.get(d) {
                        up_pairs.push((j, i));
                    }
                }
                for u in &n.upstreams {
                    if let Some(&j) = index.get(u) {
                        down_pairs.push((j, i));
                    }
                }
            }
            let nodes = &self.nodes;
            let missing = |pairs: Vec<(usize, usize)>, list: fn(&TaskNode) -> &Vec<String>| {
                let mut out: Vec<Vec<String>> = vec![Vec::new(); nodes.len()];
                let rows = Csr::new(nodes.len(), &pairs);
                for (j, node) in nodes.iter().enumerate() {
                    let have = list(node);
                    let row = rows.row(j);
                    if row.is_empty() {
                        continue;
                    }
                    let set: Option<HashSet<&str>> =
                        (have.len() > 16).then(|| have.iter().map(String::as_str).collect());
                    for &i in row {
                        let id = nodes[i].id.as_str();
                        let present = match &set {
                            Some(s) => s.contains(id),
                            None => have.iter().any(|h| h == id),
                        };
                        if !present {
                            out[j].push(id.to_string());
                        }
                    }
                }
                out
            };
            (
                missing(up_pairs, |n| &n.upstreams),
                missing(down_pairs, |n| &n.downstreams),
            )
        };
        for ((n, mut up), mut down) in self.nodes.iter_mut().zip(add_up).zip(add_down) {
            n.upstreams.append(&mut up);
            n.downstreams.append(&mut down);
            dedup_keep_order(&mut n.upstreams);
            dedup_keep_order(&mut n.downstreams);
        }
    }

    /// Edges `(upstream, downstream)` as node indices, from both directions, without
    /// duplicates, self-loops or dangling ids. Sorted.
    pub fn edges(&self) -> Vec<(usize, usize)> {
        let index = IdIndex::new(&self.nodes);
        let mut out = Vec::with_capacity(
            self.nodes
                .iter()
                .map(|n| n.upstreams.len() + n.downstreams.len())
                .sum(),
        );
        for (i, n) in self.nodes.iter().enumerate() {
            for u in &n.upstreams {
                if let Some(&j) = index.get(u.as_str()) {
                    if j != i {
                        out.push((j, i));
                    }
                }
            }
            for d in &n.downstreams {
                if let Some(&j) = index.get(d.as_str()) {
                    if j != i {
                        out.push((i, j));
                    }
                }
            }
        }
        sort_dedup_pairs(out, self.nodes.len())
    }

    /// Upstream and downstream index lists per node, built from `edges()`.
    pub fn adjacency(&self) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let mut ups = vec![Vec::new(); self.nodes.len()];
        let mut downs = vec![Vec::new(); self.nodes.len()];
        for (a, b) in self.edges() {
            downs[a].push(b);
            ups[b].push(a);
        }
        (ups, downs)
    }

    /// Structural problems: duplicate ids, dangling edges, self-loops, cycles.
    pub fn validate(&self) -> Vec<GraphIssue> {
        let mut issues = Vec::new();
        let mut seen = HashSet::new();
        let mut dup_reported = HashSet::new();
        for n in &self.nodes {
            if !seen.insert(n.id.as_str()) && dup_reported.insert(n.id.as_str()) {
                issues.push(GraphIssue::DuplicateId(n.id.clone()));
            }
        }
        let mut dangling = HashSet::new();
        let mut loops = HashSet::new();
        for n in &self.nodes {
            let pairs = n
                .upstreams
                .iter()
                .map(|u| (u.as_str(), n.id.as_str()))
                .chain(n.downstreams.iter().map(|d| (n.id.as_str(), d.as_str())));
            for (from, to) in pairs {
                if from == to {
                    if loops.insert(from) {
                        issues.push(GraphIssue::SelfLoop(from.to_string()));
                    }
                } else if (!seen.contains(from) || !seen.contains(to))
                    && dangling.insert((from, to))
                {
                    issues.push(GraphIssue::DanglingEdge {
                        from: from.to_string(),
                        to: to.to_string(),
                    });
                }
            }
        }
        for cycle in self.cycles() {
            issues.push(GraphIssue::Cycle(
                cycle.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            ));
        }
        issues
    }

    /// One representative cycle per strongly connected component with more than one
    /// node (iterative Tarjan, so deep graphs cannot overflow the stack).
    fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.nodes.len();
        let (_, downs) = self.adjacency();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0usize;
        let mut comps: Vec<Vec<usize>> = Vec::new();
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut call: Vec<(usize, usize)> = vec![(root, 0)];
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (v, ref mut ei)) = call.last_mut() {
                if let Some(&w) = downs[v].get(*ei) {
                    *ei += 1;
                    if index[w] == usize::MAX {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        call.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                } else {
                    call.pop();
                    if let Some(&(parent, _)) = call.last() {
                        low[parent] = low[parent].min(low[v]);
                    }
                    if low[v] == index[v] {
                        let mut comp = Vec::new();
                        while let Some(w) = stack.pop() {
                            on_stack[w] = false;
                            comp.push(w);
                            if w == v {
                                break;
                            }
                        }
                        if comp.len() > 1 {
                            comps.push(comp);
                        }
                    }
                }
            }
        }
        // Walk each component from its smallest index along in-component edges until a
        // node repeats: that closes one concrete cycle to show the user.
        comps
            .into_iter()
            .map(|comp| {
                let set: HashSet<usize> = comp.iter().copied().collect();
                let start = comp.iter().copied().min().unwrap_or(0);
                let mut path = vec![start];
                let mut pos: HashMap<usize, usize> = HashMap::from([(start, 0)]);
                let mut v = start;
                loop {
                    let Some(&w) = downs[v].iter().find(|w| set.contains(w)) else {
                        break path;
                    };
                    if let Some(&p) = pos.get(&w) {
                        break path.split_off(p);
                    }
                    pos.insert(w, path.len());
                    path.push(w);
                    v = w;
                }
            })
            .collect()
    }

    /// `(done, total)`: SUCCESSFUL nodes over all nodes. Without nodes (obshell DAG
    /// fetched without details) it falls back to stage / max_stage.
    pub fn progress(&self) -> (usize, usize) {
        if self.nodes.is_empty() {
            if let Some((stage, max)) = self.stage {
                let max = max as usize;
                let stage = (stage as usize).min(max);
                let done = match self.status {
                    TaskState::Successful | TaskState::RolledBack => max,
                    _ => stage.saturating_sub(1),
                };
                return (done, max);
            }
            return (0, 0);
        }
        let done = self
            .nodes
            .iter()
            .filter(|n| n.status == NodeStatus::Successful)
            .count();
        (done, self.nodes.len())
    }

    /// For every node: PENDING/READY with a FAILED ancestor (it will not run until
    /// someone acts). O(V+E), cycle-safe.
    pub fn blocked(&self) -> Vec<bool> {
        let (_, downs) = self.adjacency();
        let mut reach = vec![false; self.nodes.len()];
        let mut queue: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].status == NodeStatus::Failed)
            .collect();
        while let Some(v) = queue.pop() {
            for &w in &downs[v] {
                if !reach[w] {
                    reach[w] = true;
                    queue.push(w);
                }
            }
        }
        reach
            .iter()
            .zip(&self.nodes)
            .map(|(&r, n)| r && n.status.is_waiting())
            .collect()
    }

    /// Whether one node is BLOCKED (see [`TaskGraph::blocked`]).
    pub fn is_blocked(&self, idx: usize) -> bool {
        let Some(node) = self.nodes.get(idx) else {
            return false;
        };
        if !node.status.is_waiting() {
            return false;
        }
        let (ups, _) = self.adjacency();
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = vec![idx];
        seen[idx] = true;
        while let Some(v) = queue.pop() {
            for &u in &ups[v] {
                if !seen[u] {
                    if self.nodes[u].status == NodeStatus::Failed {
                        return true;
                    }
                    seen[u] = true;
                    queue.push(u);
                }
            }
        }
        false
    }

    /// The latest timestamp in the graph: a clock-free "now" for derived facts.
    pub fn latest_time(&self) -> Option<i64> {
        let task = [self.started, self.finished];
        self.nodes
            .iter()
            .flat_map(|n| [n.created, n.started, n.finished])
            .chain(task)
            .flatten()
            .max()
    }

    /// Typical duration of a finished node here (median), used to guess unstarted ones.
    fn typical_ms(&self) -> i64 {
        let mut d: Vec<i64> = self
            .nodes
            .iter()
            .filter(|n| n.status == NodeStatus::Successful)
            .filter_map(|n| n.observed_ms(0))
            .collect();
        if d.is_empty() {
            return DEFAULT_NODE_ESTIMATE_MS;
        }
        d.sort_unstable();
        d[d.len() / 2].max(1000)
    }

    /// Duration estimate per node: observed when finished, max(elapsed, guess) when
    /// running, else the median of finished nodes (or a default) capped by the timeout.
    pub fn estimates_ms(&self, now_ms: i64) -> Vec<i64> {
        let typical = self.typical_ms();
        self.nodes
            .iter()
            .map(|n| {
                let guess = match n.timeout_secs {
                    Some(t) if t > 0 => {
                        typical.min(t.saturating_mul(1000).min(i64::MAX as u64) as i64)
                    }
                    _ => typical,
                };
                match (&n.status, n.observed_ms(now_ms)) {
                    (s, Some(d)) if s.is_finished() => d,
                    (NodeStatus::Running | NodeStatus::Canceling, Some(d)) => d.max(guess),
                    (s, None) if s.is_finished() => 0,
                    _ => guess,
                }
            })
            .collect()
    }

    /// Node indices along the longest path by duration ([`TaskGraph::estimates_ms`]),
    /// from a source to a sink. Clock-free: running nodes are measured up to the
    /// latest timestamp in the graph. Cycle edges are ignored.
    pub fn critical_path(&self) -> Vec<usize> {
        self.critical_path_at(self.latest_time().unwrap_or(0))
    }

    pub fn critical_path_at(&self, now_ms: i64) -> Vec<usize> {
        let est = self.estimates_ms(now_ms);
        let (ups, _) = self.adjacency();
        let order = topo_order(self);
        let mut best = vec![0i64; self.nodes.len()];
        let mut prev = vec![usize::MAX; self.nodes.len()];
        let mut pos = vec![0usize; self.nodes.len()];
        for (k, &v) in order.iter().enumerate() {
            pos[v] = k;
        }
        for &v in &order {
            let mut b = 0i64;
            for &u in &ups[v] {
                // Only edges that go forward in the order: cycles cannot loop.
                if pos[u] < pos[v] && (best[u] > b || (best[u] == b && prev[v] == usize::MAX)) {
                    b = best[u];
                    prev[v] = u;
                }
            }
            best[v] = b.saturating_add(est[v]);
        }
        let Some(end) = order
            .iter()
            .copied()
            .max_by_key(|&v| (best[v], std::cmp::Reverse(pos[v])))
        else {
            return Vec::new();
        };
        let mut path = vec![end];
        let mut v = end;
        while prev[v] != usize::MAX {
            v = prev[v];
            path.push(v);
        }
        path.reverse();
        path
    }

    /// Remaining time until the task finishes, along the longest chain of unfinished work,
    /// as a range from what this task has shown (see [`Eta`]). `None` when the task is
    /// finished, a node failed (it needs a user action first), or there are no nodes.
    ///
    /// Each remaining node is estimated from the finished nodes *of the same kind* (same
    /// name) in this run: between the fastest and the slowest of them. A node of a kind not
    /// seen yet takes the span of every finished node, but only once three have finished;
    /// with less to go on the answer is [`Eta::Unknown`]. Under a rollback only the nodes
    /// being rolled back count, and only rolled-back durations are evidence: the forward
    /// run says nothing about how long an undo takes. A running node past the slowest of its
    /// kind makes the answer unknown. A node's timeout caps its estimate.
    pub fn eta(&self, now_ms: i64) -> Option<Eta> {
        if self.status.is_finished() || self.nodes.is_empty() {
            return None;
        }
        if self.nodes.iter().any(|n| n.status == NodeStatus::Failed) {
            return None;
        }
        let rollback = self.operation == NodeOp::Rollback;
        // Which nodes belong to this run (the rest never run in it).
        let in_run = |n: &TaskNode| !rollback || n.operation == NodeOp::Rollback;
        let mut by_kind: HashMap<&str, (i64, i64)> = HashMap::new();
        let (mut all_min, mut all_max, mut samples) = (i64::MAX, 0i64, 0usize);
        for n in &self.nodes {
            if n.status != NodeStatus::Successful || !in_run(n) || n.operation == NodeOp::Skip {
                continue;
            }
            let Some(d) = n.observed_ms(now_ms) else {
                continue;
            };
            let e = by_kind.entry(n.name.as_str()).or_insert((d, d));
            e.0 = e.0.min(d);
            e.1 = e.1.max(d);
            all_min = all_min.min(d);
            all_max = all_max.max(d);
            samples += 1;
        }
        let (ups, _) = self.adjacency();
        let order = topo_order(self);
        let mut pos = vec![0usize; self.nodes.len()];
        for (k, &v) in order.iter().enumerate() {
            pos[v] = k;
        }
        let mut rem = vec![(0i64, 0i64); self.nodes.len()];
        let (mut low, mut high) = (0i64, 0i64);
        for &v in &order {
            let n = &self.nodes[v];
            let own = if n.status.is_finished() || !in_run(n) {
                (0, 0)
            } else {
                let (lo, hi) = match by_kind.get(n.name.as_str()) {
                    Some(&r) => r,
                    None if samples >= ETA_MIN_SAMPLES => (all_min, all_max),
                    None => return Some(Eta::Unknown),
                };
                let cap = match n.timeout_secs {
                    Some(t) if t > 0 => t.saturating_mul(1000).min(i64::MAX as u64) as i64,
                    _ => i64::MAX,
                };
                let (lo, hi) = (lo.min(cap), hi.min(cap));
                match n.status {
                    NodeStatus::Running | NodeStatus::Canceling => {
                        let elapsed = n.observed_ms(now_ms).unwrap_or(0);
                        if elapsed > hi {
                            return Some(Eta::Unknown);
                        }
                        ((lo - elapsed).max(0), hi - elapsed)
                    }
                    _ => (lo, hi),
                }
            };
            let before = ups[v]
                .iter()
                .filter(|&&u| pos[u] < pos[v])
                .fold((0i64, 0i64), |(a, b), &u| {
                    (a.max(rem[u].0), b.max(rem[u].1))
                });
            rem[v] = (
                before.0.saturating_add(own.0),
                before.1.saturating_add(own.1),
            );
            low = low.max(rem[v].0);
            high = high.max(rem[v].1);
        }
        let ms = |x: i64| Duration::from_millis(x.max(0) as u64);
        Some(Eta::Range {
            low: ms(low),
            high: ms(high),
        })
    }

    /// The operations that exist for this backend at task level (`node: None`) or
    /// node level.
    pub fn ops(&self, node: Option<usize>) -> &'static [Op] {
        match (self.backend, node) {
            (Backend::Ocp, None) => &[Op::Retry, Op::Rollback],
            (Backend::Ocp, Some(_)) => &[Op::Retry, Op::Skip, Op::Cancel],
            (Backend::Obshell, None) => &[Op::Retry, Op::Rollback, Op::Cancel, Op::Pass],
            (Backend::Obshell, Some(_)) => &[Op::Pass],
        }
    }

    /// Whether `op` may be sent now; `Err` says why not, in words a user can act on.
    /// OCP rules: ocp-api.md §9.4; obshell rules: the DAG/node operator preconditions.
    pub fn allowed(&self, op: Op, node: Option<usize>) -> Result<(), NotAllowed> {
        if !self.ops(node).contains(&op) {
            return Err(NotAllowed::NotOffered {
                backend: self.backend,
                op,
                node_level: node.is_some(),
            });
        }
        let n = match node {
            Some(i) => match self.nodes.get(i) {
                Some(n) => Some(n),
                None => return Err(NotAllowed::NoNode(i)),
            },
            None => None,
        };
        let status = || self.status.clone();
        let node_state = |n: &TaskNode| (n.name.clone(), n.status.clone());
        match (self.backend, n) {
            (Backend::Ocp, None) => {
                if self.status != TaskState::Failed {
                    return Err(NotAllowed::TaskNotFailed {
                        status: status(),
                        op,
                    });
                }
                match op {
                    Op::Retry if self.operation == NodeOp::Rollback => {
                        Err(NotAllowed::RollbackNotRetryable)
                    }
                    Op::Rollback if self.prohibit_rollback => Err(NotAllowed::RollbackProhibited),
                    _ => Ok(()),
                }
            }
            (Backend::Ocp, Some(n)) => match op {
                Op::Retry | Op::Skip if n.status != NodeStatus::Failed => {
                    let (name, status) = node_state(n);
                    Err(NotAllowed::SubtaskNotFailed { name, status, op })
                }
                Op::Skip if n.prohibit_skip => Err(NotAllowed::SkipProhibited {
                    name: n.name.clone(),
                }),
                Op::Retry if n.operation == NodeOp::Rollback => {
                    Err(NotAllowed::SubtaskRollbackNotRetryable {
                        name: n.name.clone(),
                    })
                }
                Op::Cancel if n.status != NodeStatus::Running => {
                    let (name, status) = node_state(n);
                    Err(NotAllowed::SubtaskNotRunning { name, status })
                }
                _ => Ok(()),
            },
            (Backend::Obshell, None) => match op {
                Op::Cancel if self.status.is_finished() => {
                    Err(NotAllowed::DagFinished { status: status() })
                }
                Op::Cancel => Ok(()),
                _ if self.status != TaskState::Failed => Err(NotAllowed::DagNotFailed {
                    status: status(),
                    op,
                }),
                _ => Ok(()),
            },
            (Backend::Obshell, Some(n)) => {
                if n.status != NodeStatus::Failed {
                    let (name, status) = node_state(n);
                    Err(NotAllowed::NodeNotFailed { name, status })
                } else if self.status != TaskState::Failed {
                    Err(NotAllowed::NodeDagNotFailed { status: status() })
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Why an operation may not be sent now ([`TaskGraph::allowed`]). The text is for the user;
/// the fields let a caller decide (e.g. point at the operations that do exist).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAllowed {
    /// The backend has no such operation at that level (task or node).
    #[error("{} has no {} for {}", backend_name(*.backend), .op.name(), if *.node_level { "a single subtask" } else { "a whole task" })]
    NotOffered {
        backend: Backend,
        op: Op,
        node_level: bool,
    },
    #[error("no node #{0} in this task")]
    NoNode(usize),
    #[error("the task is {status}; only a FAILED task can {}", verb(*.op))]
    TaskNotFailed { status: TaskState, op: Op },
    #[error("the task failed while rolling back; a rollback cannot be retried")]
    RollbackNotRetryable,
    #[error("this task prohibits rollback")]
    RollbackProhibited,
    #[error("subtask '{name}' is {status}; only a FAILED subtask can be {}", past(*.op))]
    SubtaskNotFailed {
        name: String,
        status: NodeStatus,
        op: Op,
    },
    #[error("subtask '{name}' prohibits skipping (prohibitSkip); retry it or roll the task back")]
    SkipProhibited { name: String },
    #[error("subtask '{name}' failed while rolling back; it cannot be retried")]
    SubtaskRollbackNotRetryable { name: String },
    #[error("subtask '{name}' is {status}; only a RUNNING subtask can be canceled")]
    SubtaskNotRunning { name: String, status: NodeStatus },
    #[error("the DAG is {status}; only an unfinished DAG can be canceled")]
    DagFinished { status: TaskState },
    #[error("the DAG is {status}; only a FAILED DAG can {}", verb(*.op))]
    DagNotFailed { status: TaskState, op: Op },
    #[error("node '{name}' is {status}; only a FAILED node can be passed")]
    NodeNotFailed { name: String, status: NodeStatus },
    #[error("the DAG is {status}; a node can be passed only in a FAILED DAG")]
    NodeDagNotFailed { status: TaskState },
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Ocp => "OCP",
        Backend::Obshell => "obshell",
    }
}

fn verb(op: Op) -> &'static str {
    match op {
        Op::Retry => "be retried",
        Op::Rollback => "be rolled back",
        Op::Skip => "be skipped",
        Op::Cancel => "be canceled",
        Op::Pass => "be passed",
    }
}

fn past(op: Op) -> &'static str {
    match op {
        Op::Retry => "retried",
        Op::Rollback => "rolled back",
        Op::Skip => "skipped",
        Op::Cancel => "canceled",
        Op::Pass => "passed",
    }
}

fn dedup_keep_order(v: &mut Vec<String>) {
    // Short lists (nearly all): compare in place, no allocation.
    if v.len() <= 16 {
        let mut k = 0;
        while k < v.len() {
            if v[..k].contains(&v[k]) {
                v.remove(k);
            } else {
                k += 1;
            }
        }
        return;
    }
    let keep: Vec<bool> = {
        let mut seen = HashSet::with_capacity(v.len());
        v.iter().map(|s| seen.insert(s.as_str())).collect()
    };
    let mut it = keep.into_iter();
    v.retain(|_| it.next().unwrap_or(true));
}

/// Node id → first index with that id. OCP subtask ids are numbers close together: they
/// index a table directly. Other short ids are kept inline in a hash table, so a look-up
/// never chases a pointer to another node's string.
enum IdIndex<'a> {
    Numeric { min: u64, slots: Vec<usize> },
    Inline(HashMap<InlineId, usize, BuildHasherDefault<IdHasher>>),
    Str(HashMap<&'a str, usize, BuildHasherDefault<IdHasher>>),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct InlineId([u8; 24]);

impl InlineId {
    /// The id's bytes and its length in the last byte; `None` when too long.
    fn new(s: &str) -> Option<InlineId> {
        let b = s.as_bytes();
        if b.len() > 23 {
            return None;
        }
        let mut a = [0u8; 24];
        a[..b.len()].copy_from_slice(b);
        a[23] = b.len() as u8;
        Some(InlineId(a))
    }
}

/// The value of a canonical decimal id ("0", "17"; not "017", "+1" or "1e3"), so that
/// equal numbers mean equal strings.
fn canonical_number(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 18 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut v = 0u64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
    }
    Some(v)
}

impl<'a> IdIndex<'a> {
    fn new(nodes: &'a [TaskNode]) -> IdIndex<'a> {
        if let Some(ix) = Self::numeric(nodes) {
            return ix;
        }
        let mut m: HashMap<InlineId, usize, BuildHasherDefault<IdHasher>> =
            HashMap::with_capacity_and_hasher(nodes.len(), Default::default());
        for (i, n) in nodes.iter().enumerate() {
            match InlineId::new(&n.id) {
                Some(k) => {
                    m.entry(k).or_insert(i);
                }
                None => {
                    let mut m: HashMap<&str, usize, BuildHasherDefault<IdHasher>> =
                        HashMap::with_capacity_and_hasher(nodes.len(), Default::default());
                    for (i, n) in nodes.iter().enumerate() {
                        m.entry(n.id.as_str()).or_insert(i);
                    }
                    return IdIndex::Str(m);
                }
            }
        }
        IdIndex::Inline(m)
    }

    fn numeric(nodes: &[TaskNode]) -> Option<IdIndex<'static>> {
        let (mut min, mut max) = (u64::MAX, 0u64);
        for n in nodes {
            let v = canonical_number(&n.id)?;
            min = min.min(v);
            max = max.max(v);
        }
        let span = usize::try_from(max.checked_sub(min)?).ok()?;
        if span > 4 * nodes.len() + 64 {
            return None;
        }
        let mut slots = vec![usize::MAX; span + 1];
        for (i, n) in nodes.iter().enumerate() {
            let k = canonical_number(&n.id)? - min;
            let slot = slots.get_mut(k as usize)?;
            if *slot == usize::MAX {
                *slot = i;
            }
        }
        Some(IdIndex::Numeric { min, slots })
    }

    fn get(&self, id: &str) -> Option<&usize> {
        match self {
            IdIndex::Numeric { min, slots } => {
                let k = canonical_number(id)?.checked_sub(*min)?;
                slots
                    .get(usize::try_from(k).ok()?)
                    .filter(|&&i| i != usize::MAX)
            }
            IdIndex::Inline(m) => m.get(&InlineId::new(id)?),
            IdIndex::Str(m) => m.get(id),
        }
    }
}

/// A fast hasher for node ids inside one graph (FxHash's mixing step). Ids come from one
/// server; a crafted collision costs time, never correctness.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ (rest.len() as u64) << 59);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Sorted, deduplicated pairs with first elements below `n`: a counting pass by the first
/// element, then small sorts of each row (rows are short in task graphs).
fn sort_dedup_pairs(pairs: Vec<(usize, usize)>, n: usize) -> Vec<(usize, usize)> {
    let mut start = vec![0usize; n + 1];
    for &(a, _) in &pairs {
        start[a + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut seconds = vec![0usize; pairs.len()];
    for &(a, b) in &pairs {
        seconds[fill[a]] = b;
        fill[a] += 1;
    }
    let mut out = pairs;
    out.clear();
    for a in 0..n {
        let row = &mut seconds[start[a]..start[a + 1]];
        row.sort_unstable();
        let mut last = None;
        for &b in row.iter() {
            if last != Some(b) {
                out.push((a, b));
                last = Some(b);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Model order and topological order

/// Model order: `(seriesId, parallelIdx, name, id)`; without a seriesId (old OCP
/// shape) siblings order by numeric id.
pub fn model_cmp(a: &TaskNode, b: &TaskNode) -> Ordering {
    let sa = a.series_id.unwrap_or(i64::MAX);
    let sb = b.series_id.unwrap_or(i64::MAX);
    sa.cmp(&sb)
        .then(
            a.parallel_idx
                .unwrap_or(-1)
                .cmp(&b.parallel_idx.unwrap_or(-1)),
        )
        .then_with(|| {
            if a.series_id.is_some() && b.series_id.is_some() {
                a.name.cmp(&b.name)
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| id_cmp(&a.id, &b.id))
        .then_with(|| a.name.cmp(&b.name))
}

/// Numeric-aware id comparison ("9" < "10").
fn id_cmp(a: &str, b: &str) -> Ordering {
    let num = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if num(a) && num(b) {
        let ta = a.trim_start_matches('0');
        let tb = b.trim_start_matches('0');
        ta.len().cmp(&tb.len()).then(ta.cmp(tb))
    } else {
        a.cmp(b)
    }
}

/// Rank of each task node in model order.
pub(crate) fn model_rank(g: &TaskGraph) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..g.nodes.len()).collect();
    // Servers list nodes in model order almost always: check before sorting.
    let sorted = g
        .nodes
        .windows(2)
        .all(|w| model_cmp(&w[0], &w[1]) == Ordering::Less);
    if !sorted {
        idx.sort_by(|&a, &b| model_cmp(&g.nodes[a], &g.nodes[b]).then(a.cmp(&b)));
    }
    let mut rank = vec![0; idx.len()];
    for (r, &v) in idx.iter().enumerate() {
        rank[v] = r;
    }
    rank
}

/// Task node indices in topological order (model order among ready nodes; cycles
/// broken deterministically).
pub fn topo_order(g: &TaskGraph) -> Vec<usize> {
    let (succs, preds) = Csr::both(g.nodes.len(), &g.edges());
    kahn(&model_rank(g), &preds, &succs)
}
