//! DAG view benchmarks on generated OCP-like graphs (50, 1,000 and 5,000 nodes): full
//! layout, a status-only poll (no relayout), and one frame of the DAG view at 200x60 on
//! TestBackend. With Graphviz installed, the same graph goes through `dot -Tplain` as the
//! anchor (dag-rendering.md §4–5.5).
//!
//! Prints `name value unit budget` lines. Run: `cargo bench --bench dag`.

// A measurement harness, like a test: a failed set-up may stop it with a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use obtui::app::dag::DagView;
use obtui::config::Theme;
use obtui_task::gen::generate_ocp_like;
use obtui_task::layout::{layout, LayoutParams};
use obtui_task::{NodeStatus, TaskGraph};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Median of `reps` runs of `f`.
fn time<F: FnMut()>(reps: usize, mut f: F) -> Duration {
    f(); // warm-up
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// `name value unit budget` (budget `-` when there is none), plus a verdict column.
fn report(name: &str, d: Duration, budget_ms: Option<f64>) {
    let ms = d.as_secs_f64() * 1000.0;
    match budget_ms {
        Some(b) => {
            let verdict = if ms <= b { "ok" } else { "OVER" };
            println!("{name:<24} {ms:>10.3} ms {b:<6} {verdict}");
        }
        None => println!("{name:<24} {ms:>10.3} ms -"),
    }
}

fn dot_source(g: &TaskGraph) -> String {
    let mut s = String::from("digraph G {\n  node [shape=box];\n");
    for n in &g.nodes {
        s.push_str(&format!(
            "  \"{}\" [label=\"{}\"];\n",
            n.id,
            n.name.replace('"', "'")
        ));
    }
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    for (a, b) in g.edges() {
        s.push_str(&format!("  \"{}\" -> \"{}\";\n", ids[a], ids[b]));
    }
    s.push_str("}\n");
    s
}

/// Wall time of one `dot -Tplain` run on the graph, or `None` when dot is not there.
fn time_dot(g: &TaskGraph) -> Option<Result<Duration, String>> {
    let src = dot_source(g);
    let path = std::env::temp_dir().join(format!(
        "obtui-bench-{}-{}.dot",
        std::process::id(),
        g.nodes.len()
    ));
    if let Err(e) = std::fs::write(&path, &src) {
        return Some(Err(format!("cannot write {}: {e}", path.display())));
    }
    let t = Instant::now();
    let out = Command::new("dot")
        .arg("-Tplain")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let d = t.elapsed();
    let _ = std::fs::remove_file(&path);
    match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(Err(e.to_string())),
        Ok(o) if !o.status.success() => {
            Some(Err(String::from_utf8_lossy(&o.stderr).trim().to_string()))
        }
        Ok(_) => Some(Ok(d)),
    }
}

fn main() {
    let theme = Theme::builtin_default();
    let p = LayoutParams::default();
    let mut dot_missing = false;
    for (n, layout_budget) in [(50usize, 1.0), (1_000, 1.0), (5_000, 5.0)] {
        let g = generate_ocp_like(n, 42);
        let reps = if n <= 1_000 { 50 } else { 15 };
        let lay = time(reps, || {
            std::hint::black_box(layout(&g, &p));
        });
        report(&format!("layout_{n}"), lay, Some(layout_budget));

        // A status-only poll: topology hash + blocked set, no relayout.
        let mut v = DagView::new(g.id.clone(), g.backend);
        v.on_graph(g.clone(), Instant::now());
        let gen = v.layout_generation();
        let mut g2 = g.clone();
        if let Some(k) = g2
            .nodes
            .iter()
            .position(|x| x.status == NodeStatus::Pending)
        {
            g2.nodes[k].status = NodeStatus::Running;
        }
        // Copies made up front: the poller hands over an owned graph, cloning is not ours.
        let mut copies: Vec<TaskGraph> = (0..=reps).map(|_| g2.clone()).collect();
        let poll = time(reps, || {
            if let Some(c) = copies.pop() {
                v.on_graph(c, Instant::now());
            }
        });
        assert_eq!(v.layout_generation(), gen, "a status-only poll relaid out");
        report(&format!("status_poll_{n}"), poll, None);

        // One frame at 200x60, the selection in the middle of the graph.
        let now = g.latest_time().unwrap_or(0);
        let mut term = match Terminal::new(TestBackend::new(200, 60)) {
            Ok(t) => t,
            Err(e) => {
                println!("frame_{n} skipped: {e}");
                continue;
            }
        };
        let mut tick = 0i64;
        let frame = time(reps.max(30), || {
            tick += 125; // a spinner tick: the running cells change each frame
            let mut drawn = None;
            let _ = term.draw(|f| {
                drawn = Some(obtui::ui::dag::draw(
                    f,
                    f.area(),
                    &v,
                    &theme,
                    false,
                    now + tick,
                ))
            });
            if let Some(d) = drawn {
                v.on_drawn(d);
            }
        });
        report(&format!("frame_200x60_{n}"), frame, Some(1.0));

        if dot_missing {
            continue;
        }
        match time_dot(&g) {
            None => {
                println!("dot_{n} skipped: Graphviz `dot` is not installed");
                dot_missing = true;
            }
            Some(Err(e)) => println!("dot_{n} failed: {e}"),
            Some(Ok(d)) => {
                report(&format!("dot_tplain_{n}"), d, None);
                let ratio = d.as_secs_f64() / lay.as_secs_f64().max(1e-9);
                println!("{:<24} {ratio:>10.0} x -", format!("dot_over_layout_{n}"));
            }
        }
        let _ = std::io::stdout().flush();
    }
}
