//! Generated task graphs shaped like OCP tasks, for benchmarks and tests.
//!
//! Mirrors `gen_dag.py` (the dot benchmark's generator): a main chain of steps; every
//! third step fans out into per-server branches (a short chain each: upload → install
//! → verify), which join again in the next step.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::model::{Backend, NodeStatus, TaskGraph, TaskNode, TaskState};

const T0: i64 = 1_700_000_000_000;

/// About `nodes` nodes (never more), `width` servers per fan-out; the seed picks the
/// progress (how many nodes are done) and the durations.
pub fn generate_ocp_like(nodes: usize, seed: u64) -> TaskGraph {
    generate_ocp_shaped(nodes, 8, 3, 3, seed)
}

/// Like [`generate_ocp_like`] with explicit fan-out width, branch length and period.
pub fn generate_ocp_shaped(
    target: usize,
    width: usize,
    branch_len: usize,
    fan_every: usize,
    seed: u64,
) -> TaskGraph {
    let mut g = TaskGraph::new(
        format!("gen-{seed}"),
        format!("Generated OCP-like task ({target} nodes)"),
        Backend::Ocp,
    );
    let width = width.max(1);
    let branch_len = branch_len.max(1);
    let fan_every = fan_every.max(1);
    let mut prev: Vec<usize> = Vec::new();
    let mut step = 0usize;
    while g.nodes.len() < target {
        let s = add(&mut g, format!("s{step}"), None);
        for &p in &prev {
            link(&mut g, p, s);
        }
        prev = vec![s];
        let fits = g.nodes.len() + width * branch_len < target + width;
        if step % fan_every == fan_every - 1 && fits && g.nodes.len() + width * branch_len <= target
        {
            let mut tails = Vec::with_capacity(width);
            for w in 0..width {
                let mut last = s;
                for k in 0..branch_len {
                    let n = add(&mut g, format!("s{step}_srv{w}_t{k}"), Some(w as i64));
                    link(&mut g, last, n);
                    last = n;
                }
                tails.push(last);
            }
            prev = tails;
        }
        step += 1;
    }
    apply_progress(&mut g, seed);
    g
}

/// A straight chain of `n` nodes.
pub fn generate_chain(n: usize, seed: u64) -> TaskGraph {
    let mut g = TaskGraph::new(
        format!("chain-{seed}"),
        format!("Chain of {n}"),
        Backend::Ocp,
    );
    for i in 0..n {
        let v = add(&mut g, format!("t{i}"), None);
        if i > 0 {
            link(&mut g, v - 1, v);
        }
    }
    apply_progress(&mut g, seed);
    g
}

/// One fork, `n - 2` parallel nodes, one join.
pub fn generate_wide(n: usize, seed: u64) -> TaskGraph {
    let mut g = TaskGraph::new(
        format!("wide-{seed}"),
        format!("Fan-out of {n}"),
        Backend::Ocp,
    );
    let start = add(&mut g, "start".into(), None);
    let mids: Vec<usize> = (0..n.saturating_sub(2))
        .map(|i| add(&mut g, format!("srv{i}"), Some(i as i64)))
        .collect();
    let end = add(&mut g, "end".into(), None);
    for &m in &mids {
        link(&mut g, start, m);
        link(&mut g, m, end);
    }
    apply_progress(&mut g, seed);
    g
}

/// A random DAG of `n` nodes (seeded): nodes come in a topological order; each takes 0–3
/// upstreams, mostly among the few nodes just before it, sometimes a long edge back to
/// any earlier node, and now and then a hub that many later nodes hang from (wide
/// fan-out, varied fan-in). Shapes no server template has: the layout's worst case.
pub fn generate_random(n: usize, seed: u64) -> TaskGraph {
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x05ee_dda6);
    let mut g = TaskGraph::new(
        format!("rand-{seed}"),
        format!("Random DAG ({n} nodes)"),
        Backend::Ocp,
    );
    let mut hub = 0usize;
    for i in 0..n {
        let v = add(&mut g, format!("r{i}"), None);
        if i == 0 {
            continue;
        }
        if rng.gen_range(0..50) == 0 {
            hub = rng.gen_range(0..i);
        }
        let fan_in = match rng.gen_range(0..10) {
            0 => 0,
            1..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let mut ups: Vec<usize> = Vec::with_capacity(fan_in + 1);
        for _ in 0..fan_in {
            let u = match rng.gen_range(0..10) {
                0 => rng.gen_range(0..i),
                1 => hub,
                _ => i - rng.gen_range(1..=i.min(12)),
            };
            if !ups.contains(&u) {
                ups.push(u);
            }
        }
        for u in ups {
            link(&mut g, u, v);
        }
    }
    apply_progress(&mut g, seed);
    g
}

fn add(g: &mut TaskGraph, name: String, parallel: Option<i64>) -> usize {
    let i = g.nodes.len();
    let mut n = TaskNode::new((1000 + i).to_string(), name.clone());
    n.description = name;
    n.series_id = Some(i as i64);
    n.parallel_idx = parallel;
    n.timeout_secs = Some(600);
    g.nodes.push(n);
    i
}

fn link(g: &mut TaskGraph, a: usize, b: usize) {
    let (ida, idb) = (g.nodes[a].id.clone(), g.nodes[b].id.clone());
    g.nodes[a].downstreams.push(idb);
    g.nodes[b].upstreams.push(ida);
}

/// Nodes are created in a topological order: the first part is done, a few run.
fn apply_progress(g: &mut TaskGraph, seed: u64) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let n = g.nodes.len();
    let done = if n == 0 { 0 } else { rng.gen_range(0..=n) };
    let running = rng.gen_range(1..=4usize);
    let mut t = T0;
    g.started = Some(T0);
    for (i, node) in g.nodes.iter_mut().enumerate() {
        node.created = Some(T0);
        if i < done {
            let d = rng.gen_range(500..60_000);
            node.status = NodeStatus::Successful;
            node.run_count = 1;
            node.started = Some(t);
            node.finished = Some(t + d);
            t += d / 4;
        } else if i < done + running {
            node.status = NodeStatus::Running;
            node.run_count = 1;
            node.started = Some(t);
        } else {
            node.status = NodeStatus::Pending;
        }
    }
    g.status = if done == n {
        TaskState::Successful
    } else {
        TaskState::Running
    };
    if done == n {
        g.finished = Some(t);
    }
}
