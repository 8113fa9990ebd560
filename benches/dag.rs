//! DAG view benchmarks on generated OCP-like graphs (50, 1,000 and 5,000 nodes): full
//! layout, a status-only poll (no relayout), and one frame of the DAG view at 200x60 on
//! TestBackend. With Graphviz installed, the same graph goes through `dot -Tplain` as the
//! anchor (dag-rendering.md §4–5.5).
//!
//! Also: one poll of a running task of 5,000 and 20,000 subtasks measured from the bytes a
//! server sends (the documented OCP detail envelope) through decoding, conversion and the
//! view's update; and the first (cold) and warm layout on OCP-shaped and random DAGs of
//! 1k, 5k and 20k nodes.
//!
//! Prints `name value unit budget verdict` lines. Run: `cargo bench --bench dag`.

// A measurement harness, like a test: a failed set-up may stop it with a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use obtui::app::dag::DagView;
use obtui::config::Theme;
use obtui_api::ocp::envelope::decode_task_detail;
use obtui_api::ocp::RawResponse;
use obtui_api::time::format_rfc3339;
use obtui_task::gen::{generate_ocp_like, generate_random};
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

/// The task as `GET /api/v2/tasks/instances/{id}` sends it (task-instance-detail.json's
/// shape: every documented subtask field, times with a +08:00 offset, one line).
fn ocp_body(g: &TaskGraph) -> Vec<u8> {
    let t = |ms: Option<i64>| ms.map(|m| format_rfc3339(m, 8 * 3600));
    let id = |s: &str| s.parse::<i64>().unwrap_or(0);
    let subtasks: Vec<serde_json::Value> = g
        .nodes
        .iter()
        .map(|n| {
            serde_json::json!({
                "createTime": t(n.created),
                "description": n.description,
                "downstreams": n.downstreams.iter().map(|d| id(d)).collect::<Vec<_>>(),
                "executor": "10.0.0.1",
                "finishTime": t(n.finished),
                "id": id(&n.id),
                "name": n.name,
                "nodeType": "JAVA_TASK",
                "operation": "EXECUTE",
                "parallelIdx": n.parallel_idx.unwrap_or(-1),
                "prohibitRollback": false,
                "runTime": n.run_count,
                "seriesId": n.series_id,
                "startTime": t(n.started),
                "status": n.status.to_string(),
                "timeout": n.timeout_secs,
                "upstreams": n.upstreams.iter().map(|d| id(d)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let body = serde_json::json!({
        "data": {
            "createTime": t(g.started),
            "creator": {"id": 100, "name": "admin"},
            "executor": "10.0.0.1",
            "id": 35000312,
            "name": g.name,
            "operation": "EXECUTE",
            "prohibitRollback": false,
            "startTime": t(g.started),
            "status": "RUNNING",
            "subtasks": subtasks,
            "type": "MANUAL",
        },
        "duration": 30,
        "server": "ocp",
        "status": 200,
        "successful": true,
        "timestamp": "2021-08-25T15:10:01.123+08:00",
        "traceId": "6a1f3e0c9b2d4e57",
    });
    serde_json::to_vec(&body).unwrap()
}

/// Bytes → TaskGraph, the way `poll::fetch::fetch_task` reads an OCP answer.
fn decode(body: &[u8]) -> TaskGraph {
    let r = RawResponse::new(200, body.to_vec());
    TaskGraph::from(&decode_task_detail(&r).unwrap())
}

/// One poll of a running task of `n` subtasks: parse + convert + update, with one
/// subtask changing status between polls (the view updates in place, no relayout).
/// Also the identical-body poll (nothing changed) and the parts on their own.
fn bench_poll(n: usize) {
    let g = generate_ocp_like(n, 42);
    let mut g2 = g.clone();
    if let Some(k) = g2
        .nodes
        .iter()
        .position(|x| x.status == NodeStatus::Pending)
    {
        g2.nodes[k].status = NodeStatus::Running;
        g2.nodes[k].started = g2.latest_time();
    }
    let (a, b) = (ocp_body(&g), ocp_body(&g2));
    println!("# poll_{n}: body {} KB", a.len() / 1024);
    let mut v = DagView::new("35000312".into(), obtui_task::Backend::Ocp);
    v.on_graph(decode(&a), Instant::now());
    let gen = v.layout_generation();
    let reps = if n <= 5_000 { 15 } else { 7 };
    let mut flip = false;
    let poll = time(reps, || {
        flip = !flip;
        let body = if flip { &b } else { &a };
        v.on_graph(decode(body), Instant::now());
    });
    assert_eq!(v.layout_generation(), gen, "a status-only poll relaid out");
    let budget = if n <= 5_000 { 10.0 } else { 50.0 };
    report(
        &format!("dag_poll_{n}_parse_convert_update"),
        poll,
        Some(budget),
    );
    let same = time(reps, || v.on_graph(decode(&a), Instant::now()));
    report(&format!("dag_poll_{n}_unchanged"), same, Some(budget));
    let parse = time(reps, || {
        let r = RawResponse::new(200, a.clone());
        std::hint::black_box(decode_task_detail(&r).unwrap());
    });
    report(&format!("dag_poll_{n}_parse_only"), parse, None);
    let t = decode_task_detail(&RawResponse::new(200, a.clone())).unwrap();
    let conv = time(reps, || {
        std::hint::black_box(TaskGraph::from(&t));
    });
    report(&format!("dag_poll_{n}_convert_only"), conv, None);
}

/// Layout of one graph: the first call (cold: nothing of this graph cached, the first
/// layout a view does when it opens) and the warm median.
fn bench_layout_cold_warm(kind: &str, g: &TaskGraph, budget_cold: Option<f64>) {
    let p = LayoutParams::default();
    let n = g.nodes.len();
    let t = Instant::now();
    std::hint::black_box(layout(g, &p));
    let cold = t.elapsed();
    report(&format!("layout_{kind}_{n}_first"), cold, budget_cold);
    let reps = if n <= 5_000 { 15 } else { 5 };
    let warm = time(reps, || {
        std::hint::black_box(layout(g, &p));
    });
    report(&format!("layout_{kind}_{n}_warm"), warm, budget_cold);
}

fn main() {
    let theme = Theme::builtin_default();
    let p = LayoutParams::default();
    let mut dot_missing = false;
    // The first layouts of the process, before anything else warmed the allocator.
    for n in [1_000usize, 5_000, 20_000] {
        let budget = (n == 5_000).then_some(5.0);
        bench_layout_cold_warm("ocp", &generate_ocp_like(n, 11), budget);
        let budget = (n == 5_000).then_some(20.0);
        bench_layout_cold_warm("random", &generate_random(n, 11), budget);
    }
    for n in [5_000usize, 20_000] {
        bench_poll(n);
    }
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
