//! Every performance figure in one run, each printed as `name value unit budget verdict`.
//!
//! In-process figures (frame render, filter, layout, an RSS anchor) use the library's real
//! types; terminal figures (start-up, idle CPU, RSS, requests, filter keystrokes, live-DAG
//! polls, bytes written) run the release binary in a pseudo-terminal this program opens
//! itself, against `obtui sim --scale N` (~10 hosts per scale unit), and read the TUI
//! process's /proc and the simulator's request counters. A figure that cannot be measured
//! prints SKIP with the reason and is listed at the end.
//!
//! Run everything: `scripts/bench`. By hand: `cargo bench --bench perf -- [--quick]
//! [--only a,b] [--no-dot] [--dump]` (`--only` takes substrings of figure groups: render,
//! filter, layout, rss, sim, startup, bytes, demoidle, fleet, dagpoll, scale10k, scale100k,
//! curve; `idle` selects scale10k and demoidle).

// A measurement harness, like a test: a failed set-up may stop it with a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The bench opens its own pseudo-terminal (openpty, setsid, TIOCSCTTY, TIOCSWINSZ) and reads
// thread CPU time: libc calls with no safe wrapper among the project's dependencies. The
// program itself has no unsafe code (the workspace denies it).
#![allow(unsafe_code)]

use obtui::app::actions::Keymap;
use obtui::app::dag::DagView;
use obtui::app::state::{App, Settings};
use obtui::config::Theme;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui::poll::convert::ocp as conv;
use obtui_api::ocp::models::{Host, HostService, HostStatus, ObCluster};
use obtui_task::{gen, layout, Backend, LayoutParams, TaskGraph};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BUILT_BIN: &str = env!("CARGO_BIN_EXE_obtui");

/// The binary measured: the one cargo built for the bench, or `OBTUI_BENCH_BIN` (another
/// build, e.g. the release tarball's, to compare profiles: PERFORMANCE.md, "Release binary").
fn bin() -> String {
    std::env::var("OBTUI_BENCH_BIN").unwrap_or_else(|_| BUILT_BIN.to_string())
}
const COLS: u16 = 200;
const ROWS: u16 = 60;
const SIM_PASSWORD: &str = "aaAA11__";

// ---------------------------------------------------------------------------------
// Reporting

#[derive(Clone, Copy)]
enum Budget {
    Lt(f64),
    Le(f64),
    Reported,
}

struct Report {
    over: Vec<String>,
    /// Figures this machine could not measure, with the reason.
    skipped: Vec<String>,
}

impl Report {
    fn fig(&mut self, name: &str, value: f64, unit: &str, budget: Budget) {
        let (b, ok) = match budget {
            Budget::Lt(x) => (format!("<{x}"), value < x),
            Budget::Le(x) => (format!("<={x}"), value <= x),
            Budget::Reported => ("reported".to_string(), true),
        };
        let verdict = match budget {
            Budget::Reported => "info",
            _ if ok => "ok",
            _ => "OVER",
        };
        let v = if value.abs() >= 1000.0 || value.fract() == 0.0 {
            format!("{value:.0}")
        } else {
            format!("{value:.3}")
        };
        println!("{name:<44} {v:>10} {unit:<6} {b:<9} {verdict}");
        if verdict == "OVER" {
            self.over.push(format!("{name} {v} {unit} {b}"));
        }
    }

    fn note(&self, s: &str) {
        println!("# {s}");
    }

    fn skip(&mut self, name: &str, why: &str) {
        println!("{name:<44} {:>10} {:<6} {:<9} SKIP  # {why}", "-", "-", "-");
        self.skipped.push(format!("{name}: {why}"));
    }
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time of this thread in ms: on a shared machine, the part of a wall time that is
/// the code's own work.
fn thread_cpu_ms() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
}

// ---------------------------------------------------------------------------------
// Data through the real app types

fn hosts(n: usize) -> Vec<Host> {
    (0..n)
        .map(|i| Host {
            id: 1_000_000 + i as i64,
            name: Some(format!("ob-node-{i:05}.prod")),
            inner_ip_address: Some(format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)),
            status: if i % 17 == 0 {
                HostStatus::Offline
            } else {
                HostStatus::Online
            },
            kind: Some("DEDICATED_PHYSICAL_MACHINE".into()),
            type_name: Some(["small", "medium", "large"][i % 3].into()),
            idc_name: Some(["hz1", "hz2", "sh1", "sz1"][i % 4].into()),
            region_name: Some(["hangzhou", "shanghai"][i % 2].into()),
            ssh_port: Some(22),
            services: vec![HostService {
                name: Some(format!("cluster{}:{}", i / 10, i % 3)),
                service_type: Some("OB_CLUSTER".into()),
                ..Default::default()
            }],
            ..Default::default()
        })
        .collect()
}

fn clusters(n: usize) -> Vec<ObCluster> {
    (0..n)
        .map(|i| {
            serde_json::from_value(serde_json::json!({
                "id": i, "name": format!("cluster{i:05}"), "obClusterId": 1000 + i,
                "obVersion": "4.2.1.2", "type": if i % 2 == 0 { "PRIMARY" } else { "STANDBY" },
                "status": "RUNNING", "serverCount": 6, "tenantCount": 4,
                "zones": [{"name": "zone1", "idcName": "hz1", "serverCount": 2}]
            }))
            .unwrap_or_default()
        })
        .collect()
}

fn app() -> App {
    let settings = Settings {
        profile: "bench".into(),
        url: "http://127.0.0.1:1".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_secs(5),
        demo: true,
        ascii: false,
        insecure: false,
    };
    App::new(settings, Theme::builtin_default(), Keymap::defaults())
}

fn loaded_app(n_clusters: usize, n_hosts: usize) -> App {
    let mut a = app();
    a.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: conv::clusters(&clusters(n_clusters)),
            running: Ok(vec![]),
        }),
        Instant::now(),
        0,
    );
    a.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Ok(ViewData::Hosts(conv::hosts(&hosts(n_hosts)))),
        Instant::now(),
        0,
    );
    a
}

// ---------------------------------------------------------------------------------
// In-process figures

fn bench_render(r: &mut Report) {
    let mut a = loaded_app(10_000, 10_000);
    let mut term = match Terminal::new(TestBackend::new(COLS, ROWS)) {
        Ok(t) => t,
        Err(e) => return r.skip("frame_render_clusters_10k_200x60", &e.to_string()),
    };
    let mut times = Vec::new();
    for i in 0..400 {
        // Move the selection so every frame has something to draw.
        a.pane_mut(PaneKind::Clusters)
            .table
            .move_by(if i % 2 == 0 { 1 } else { -1 });
        let t = Instant::now();
        let mut drawn = None;
        let _ = term.draw(|f| drawn = Some(obtui::ui::draw(f, &a)));
        if let Some(d) = drawn {
            a.on_drawn(d);
        }
        if i >= 20 {
            times.push(ms(t.elapsed()));
        }
    }
    r.fig(
        "frame_render_clusters_10k_rows_200x60",
        median(&mut times),
        "ms",
        Budget::Lt(1.0),
    );
}

/// Heap bytes in use (glibc's own count: small chunks plus mmapped blocks).
fn heap_bytes() -> f64 {
    // SAFETY: a plain query of the allocator's counters.
    let m = unsafe { libc::mallinfo2() };
    (m.uordblks + m.hblkhd) as f64
}

/// What an operator types: each prefix of these is one keystroke (then the query is erased
/// one character at a time, also one keystroke each).
const FILTER_QUERIES: &[&str] = &[
    "hz1",
    "10.0.1",
    "node-0999",
    "hz1 !off",
    "online large",
    "cluster12",
    "!online",
];

/// p50 and p99 of thread CPU per filter keystroke on `n` hosts, sorted by `sort` or not.
fn filter_keystrokes(a: &mut App, rounds: usize) -> (f64, f64) {
    let mut times = Vec::new();
    for _ in 0..rounds {
        for q in FILTER_QUERIES {
            let steps: Vec<&str> = (1..=q.len())
                .chain((0..q.len()).rev())
                .filter_map(|k| q.get(..k))
                .collect();
            for s in steps {
                let t = thread_cpu_ms();
                a.pane_mut(PaneKind::Hosts).table.set_filter(s);
                times.push(thread_cpu_ms() - t);
            }
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn bench_filter(r: &mut Report) {
    r.note("filter: thread CPU per keystroke through App/TableState; heap from mallinfo2");
    for (n, label, budget, rounds) in [
        (10_000usize, "10k", 2.0, 20usize),
        (100_000, "100k", 30.0, 2),
    ] {
        let heap0 = heap_bytes();
        let data = conv::hosts(&hosts(n));
        let heap_data = heap_bytes() - heap0;
        let mut a = app();
        let t = thread_cpu_ms();
        a.on_view(
            ViewJob::Pane(PaneKind::Hosts),
            Ok(ViewData::Hosts(data)),
            Instant::now(),
            0,
        );
        let first = thread_cpu_ms() - t;
        let heap_app = heap_bytes() - heap0;
        a.perform(obtui::app::actions::Action::PaneHosts);
        r.fig(
            &format!("app_heap_{label}_hosts_model"),
            heap_data / 1048576.0,
            "MB",
            Budget::Reported,
        );
        r.fig(
            &format!("app_heap_{label}_hosts_model_plus_table"),
            heap_app / 1048576.0,
            "MB",
            Budget::Reported,
        );
        r.fig(
            &format!("on_view_first_{label}_hosts"),
            first,
            "ms",
            Budget::Reported,
        );

        let (p50, p99) = filter_keystrokes(&mut a, rounds);
        r.fig(
            &format!("filter_{label}_hosts_per_keystroke"),
            p50,
            "ms",
            Budget::Lt(budget),
        );
        r.fig(
            &format!("filter_{label}_hosts_per_keystroke_p99"),
            p99,
            "ms",
            Budget::Lt(budget),
        );
        // Sort by HOSTNAME (text), then by ID (numeric) reversed.
        for (col, rev, name) in [(2usize, false, "hostname"), (1, true, "id_desc")] {
            let t = thread_cpu_ms();
            {
                let tb = &mut a.pane_mut(PaneKind::Hosts).table;
                tb.set_filter("");
                tb.sort_by(col);
                if rev {
                    tb.sort_reverse();
                }
            }
            let sort_ms = thread_cpu_ms() - t;
            r.fig(
                &format!("sort_{label}_hosts_by_{name}"),
                sort_ms,
                "ms",
                Budget::Reported,
            );
            let (p50, p99) = filter_keystrokes(&mut a, rounds);
            r.fig(
                &format!("filter_{label}_hosts_sorted_{name}_per_keystroke"),
                p50,
                "ms",
                Budget::Lt(budget),
            );
            r.fig(
                &format!("filter_{label}_hosts_sorted_{name}_per_keystroke_p99"),
                p99,
                "ms",
                Budget::Lt(budget),
            );
        }

        // A poll that brings the same hosts again, with a sort column and a filter active;
        // then one where a few hosts changed status.
        a.pane_mut(PaneKind::Hosts).table.set_filter("hz1");
        let mut times = Vec::new();
        for _ in 0..rounds.max(3) {
            let data = conv::hosts(&hosts(n));
            let t = thread_cpu_ms();
            a.on_view(
                ViewJob::Pane(PaneKind::Hosts),
                Ok(ViewData::Hosts(data)),
                Instant::now(),
                0,
            );
            times.push(thread_cpu_ms() - t);
        }
        r.fig(
            &format!("on_view_unchanged_{label}_hosts"),
            median(&mut times),
            "ms",
            Budget::Lt(budget),
        );
        // Part of any poll: freeing the snapshot it replaces (or the one it brought).
        let mut times = Vec::new();
        for _ in 0..rounds.max(3) {
            let data = conv::hosts(&hosts(n));
            let t = thread_cpu_ms();
            drop(data);
            times.push(thread_cpu_ms() - t);
        }
        r.fig(
            &format!("of_which_free_snapshot_{label}_hosts"),
            median(&mut times),
            "ms",
            Budget::Reported,
        );
        let mut times = Vec::new();
        for k in 0..rounds.max(3) {
            let mut wire = hosts(n);
            for i in (k..n).step_by(n / 5) {
                wire[i].status = HostStatus::Offline;
            }
            let data = conv::hosts(&wire);
            let t = thread_cpu_ms();
            a.on_view(
                ViewJob::Pane(PaneKind::Hosts),
                Ok(ViewData::Hosts(data)),
                Instant::now(),
                0,
            );
            times.push(thread_cpu_ms() - t);
        }
        r.fig(
            &format!("on_view_5_changed_{label}_hosts"),
            median(&mut times),
            "ms",
            Budget::Lt(budget),
        );
        drop(a);
    }
}

fn to_dot(g: &TaskGraph) -> String {
    let mut s = String::from("digraph task {\n");
    for n in &g.nodes {
        s.push_str(&format!("  \"{}\" [label=\"{}\"];\n", n.id, n.name));
    }
    for n in &g.nodes {
        for d in &n.downstreams {
            s.push_str(&format!("  \"{}\" -> \"{}\";\n", n.id, d));
        }
    }
    s.push_str("}\n");
    s
}

fn dot_available() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn bench_layout(r: &mut Report, quick: bool, no_dot: bool, tmp: &Path) {
    let p = LayoutParams::default();
    let have_dot = !no_dot && dot_available();
    if no_dot {
        r.note("--no-dot: dot timings skipped");
    } else if !have_dot {
        r.note("`dot` not found (apt-get install graphviz): dot timings and ratios skipped");
    }
    for (n, budget, reps) in [(1000usize, 1.0, 200usize), (5000, 5.0, 60)] {
        let g = gen::generate_ocp_like(n, 7);
        let reps = if quick { reps / 4 } else { reps };
        // Warm up (page faults, allocator), then time.
        let l = layout::layout(&g, &p);
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        for _ in 0..reps {
            let c = thread_cpu_ms();
            let t = Instant::now();
            let l2 = layout::layout(&g, &p);
            times.push(ms(t.elapsed()));
            cpu.push(thread_cpu_ms() - c);
            std::hint::black_box(&l2);
        }
        let ours = median(&mut times);
        r.fig(
            &format!("dag_layout_{n}_nodes"),
            ours,
            "ms",
            Budget::Le(budget),
        );
        r.fig(
            &format!("dag_layout_{n}_nodes_min_anchor"),
            times.first().copied().unwrap_or(f64::NAN),
            "ms",
            Budget::Reported,
        );
        r.fig(
            &format!("dag_layout_{n}_nodes_thread_cpu_anchor"),
            median(&mut cpu),
            "ms",
            Budget::Reported,
        );
        r.note(&format!(
            "layout {n}: {} nodes, {} placed, {} layers tall {} rows, {} crossings",
            g.nodes.len(),
            l.nodes.len(),
            l.nodes.last().map_or(0, |x| x.layer + 1),
            l.height,
            l.crossings
        ));
        if !have_dot {
            r.skip(&format!("dot_tplain_{n}_nodes"), "dot not installed");
            continue;
        }
        let file = tmp.join(format!("dag{n}.dot"));
        if std::fs::write(&file, to_dot(&g)).is_err() {
            r.skip(
                &format!("dot_tplain_{n}_nodes"),
                "cannot write the DOT file",
            );
            continue;
        }
        let mut dts = Vec::new();
        for _ in 0..if quick { 1 } else { 3 } {
            let t = Instant::now();
            let ok = Command::new("dot")
                .arg("-Tplain")
                .arg(&file)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                break;
            }
            dts.push(ms(t.elapsed()));
        }
        if dts.is_empty() {
            r.skip(&format!("dot_tplain_{n}_nodes"), "dot failed");
            continue;
        }
        let dot = median(&mut dts);
        r.fig(
            &format!("dot_tplain_{n}_nodes"),
            dot,
            "ms",
            Budget::Reported,
        );
        r.fig(
            &format!("dot_over_layout_ratio_{n}_nodes"),
            dot / ours,
            "x",
            Budget::Reported,
        );
    }
}

// ---------------------------------------------------------------------------------
// RSS: measured in a fresh child process so nothing else this run allocated counts.

fn vm_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn child_rss_data() {
    let mut a = loaded_app(10, 10_000);
    let g = gen::generate_ocp_like(5000, 7);
    let mut v = DagView::new(g.id.clone(), Backend::Ocp);
    v.on_graph(g, Instant::now());
    a.dag = Some(v);
    // Draw the hosts pane once so render-side caches exist too.
    a.perform(obtui::app::actions::Action::PaneHosts);
    // TestBackend cannot fail (its error type is `Infallible`).
    let Ok(mut t) = Terminal::new(TestBackend::new(COLS, ROWS));
    let mut drawn = None;
    let _ = t.draw(|f| drawn = Some(obtui::ui::draw(f, &a)));
    if let Some(d) = drawn {
        a.on_drawn(d);
    }
    let rss = vm_kb("VmRSS:").unwrap_or(0);
    println!("rss_kb {rss}");
    std::hint::black_box(&a);
}

fn child_rss_log() {
    let g = gen::generate_ocp_like(60, 3);
    let mut v = DagView::new(g.id.clone(), Backend::Ocp);
    v.on_graph(g, Instant::now());
    let Some(node) = v.selected_node().map(|n| n.id.clone()) else {
        println!("error no node selected");
        return;
    };
    // The server returns the whole log on every poll; it grows by 1 MB between polls.
    const TOTAL: usize = 100 * 1024 * 1024;
    let mut full = String::with_capacity(0);
    let mut i = 0u64;
    while full.len() < TOTAL {
        let step_end = (full.len() + 1024 * 1024).min(TOTAL);
        while full.len() < step_end {
            i += 1;
            full.push_str(&format!(
                "2026-11-22 05:00:{:02}.{:03} INFO [task-runner] step {i}: copying package chunk {i} of the observer rpm to 10.0.{}.{}\n",
                i % 60,
                i % 1000,
                i % 256,
                (i / 256) % 256
            ));
        }
        v.on_log(&node, &full);
    }
    let fed = full.len();
    drop(full);
    let rss = vm_kb("VmRSS:").unwrap_or(0);
    println!("rss_kb {rss}");
    println!("fed_bytes {fed}");
    std::hint::black_box(&v);
}

fn rss_child(mode: &str) -> Option<(u64, String)> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).arg("--child").arg(mode).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let kb = text
        .lines()
        .find_map(|l| l.strip_prefix("rss_kb "))
        .and_then(|v| v.trim().parse().ok())?;
    Some((kb, text))
}

fn bench_rss(r: &mut Report) {
    match rss_child("rss-data") {
        // Not the TUI's RSS (no runtime, HTTP client or JSON pages): an in-process anchor.
        // The budgeted RSS is the real binary's, `rss_tui_hosts_pane_*` (scale groups).
        Some((kb, _)) => r.fig(
            "rss_in_process_10k_hosts_5000_node_task_anchor",
            kb as f64 / 1024.0,
            "MB",
            Budget::Reported,
        ),
        None => r.skip(
            "rss_in_process_10k_hosts_5000_node_task_anchor",
            "child failed",
        ),
    }
    match rss_child("rss-log") {
        Some((kb, _)) => r.fig(
            "rss_after_following_100MB_of_log",
            kb as f64 / 1024.0,
            "MB",
            Budget::Lt(60.0),
        ),
        None => r.skip("rss_after_following_100MB_of_log", "child failed"),
    }
    let base = rss_child("rss-base").map(|(kb, _)| kb);
    if let Some(kb) = base {
        r.fig(
            "rss_bench_process_baseline_anchor",
            kb as f64 / 1024.0,
            "MB",
            Budget::Reported,
        );
    }
}

// ---------------------------------------------------------------------------------
// Processes: the simulator and the TUI in a pseudo-terminal

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        // Our own child only, by pid.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Option<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
    l.local_addr().ok().map(|a| a.port())
}

fn http_get(port: u16, path: &str, auth: bool) -> Option<String> {
    use std::net::TcpStream;
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let auth = if auth {
        use base64::Engine;
        let b = base64::engine::general_purpose::STANDARD.encode(format!("admin:{SIM_PASSWORD}"));
        format!("Authorization: Basic {b}\r\n")
    } else {
        String::new()
    };
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let body = text.split_once("\r\n\r\n")?.1.to_string();
    if text.contains("Transfer-Encoding: chunked") || text.contains("transfer-encoding: chunked") {
        return Some(dechunk(&body));
    }
    Some(body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((len, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(len.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn sim_state(port: u16) -> Option<serde_json::Value> {
    serde_json::from_str(&http_get(port, "/sim/state", false)?).ok()
}

fn start_sim(extra: &[&str], home: &Path) -> Option<(Proc, u16)> {
    let port = free_port()?;
    let child = Command::new(bin())
        .arg("sim")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .args(extra)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let p = Proc(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if sim_state(port).is_some() {
            return Some((p, port));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

type Chunks = Arc<Mutex<Vec<(Instant, Vec<u8>)>>>;

struct Pty {
    proc_: Proc,
    master: File,
    chunks: Chunks,
    reader: Option<std::thread::JoinHandle<()>>,
}

fn winsize(cols: u16, rows: u16) -> libc::winsize {
    libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

impl Pty {
    /// The release binary on the slave side of a fresh pty of `cols`x`rows`.
    fn spawn(args: &[&str], env: &[(&str, String)], home: &Path) -> std::io::Result<Pty> {
        let (mut m, mut s) = (-1, -1);
        let ws = winsize(COLS, ROWS);
        // SAFETY: out-pointers to two ints; null name and termios are allowed.
        let rc =
            unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: openpty returned two fresh descriptors that we now own.
        let (master, slave) = unsafe { (File::from_raw_fd(m), File::from_raw_fd(s)) };
        // SAFETY: plain fcntl on our own descriptor.
        unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
        let mut cmd = Command::new(bin());
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("TERM", "xterm-256color")
            .env("COLORTERM", "truecolor")
            .env("LANG", "C.UTF-8");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        drop(cmd);
        let chunks: Chunks = Arc::default();
        let mut rd = master.try_clone()?;
        let mut answer = master.try_clone()?;
        let sink = chunks.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = vec![0u8; 65536];
            loop {
                match rd.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let now = Instant::now();
                        // Answer like a terminal does, at once: device attributes (no
                        // kitty keyboard protocol) and the cursor position.
                        let got = &buf[..n];
                        if got.windows(3).any(|w| w == b"\x1b[c") {
                            let _ = answer.write_all(b"\x1b[?62;22c");
                        }
                        if got.windows(4).any(|w| w == b"\x1b[6n") {
                            let _ = answer.write_all(b"\x1b[1;1R");
                        }
                        if let Ok(mut c) = sink.lock() {
                            c.push((now, got.to_vec()));
                        }
                    }
                }
            }
        });
        Ok(Pty {
            proc_: Proc(child),
            master,
            chunks,
            reader: Some(reader),
        })
    }

    fn pid(&self) -> u32 {
        self.proc_.0.id()
    }

    fn keys(&mut self, s: &str) {
        let _ = self.master.write_all(s.as_bytes());
        let _ = self.master.flush();
    }

    fn resize(&self, cols: u16, rows: u16) {
        let ws = winsize(cols, rows);
        // SAFETY: TIOCSWINSZ with a valid winsize on our own master descriptor.
        unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ as _, &ws) };
    }

    fn total(&self) -> usize {
        self.chunks
            .lock()
            .map(|c| c.iter().map(|x| x.1.len()).sum())
            .unwrap_or(0)
    }

    fn snapshot(&self) -> Vec<(Instant, Vec<u8>)> {
        self.chunks.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Polls `f` on the frames so far until it holds or the deadline passes.
    fn wait_for(&self, timeout: Duration, f: impl Fn(&[Frame]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if f(&frames(&self.snapshot(), COLS, ROWS)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    fn quit(mut self) {
        self.keys("q");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.proc_.0.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.proc_.0.kill();
        let _ = self.proc_.0.wait();
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }
}

/// user + system CPU ticks of a process, from /proc.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the `(comm)` which may contain spaces.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state): utime is field 14, stime 15.
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

// ---------------------------------------------------------------------------------
// A small screen model: enough of a terminal to know what each frame changed.

#[derive(Clone)]
struct Screen {
    w: usize,
    h: usize,
    cells: Vec<char>,
    x: usize,
    y: usize,
}

impl Screen {
    fn new(w: u16, h: u16) -> Screen {
        let (w, h) = (w as usize, h as usize);
        Screen {
            w,
            h,
            cells: vec![' '; w * h],
            x: 0,
            y: 0,
        }
    }

    fn row(&self, y: usize) -> String {
        self.cells[y * self.w..(y + 1) * self.w].iter().collect()
    }

    fn text(&self) -> String {
        (0..self.h).map(|y| self.row(y) + "\n").collect()
    }

    fn put(&mut self, c: char) {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if cw == 0 {
            return;
        }
        if self.x < self.w && self.y < self.h {
            self.cells[self.y * self.w + self.x] = c;
            if cw == 2 && self.x + 1 < self.w {
                self.cells[self.y * self.w + self.x + 1] = '\0';
            }
        }
        self.x += cw;
    }

    fn feed(&mut self, text: &str) {
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '\x1b' => match it.next() {
                    Some('[') => {
                        let mut params = String::new();
                        let mut fin = '\0';
                        for d in it.by_ref() {
                            if ('\x40'..='\x7e').contains(&d) {
                                fin = d;
                                break;
                            }
                            params.push(d);
                        }
                        let nums: Vec<usize> = params
                            .trim_start_matches('?')
                            .split(';')
                            .map(|p| p.parse().unwrap_or(0))
                            .collect();
                        let n0 = nums.first().copied().unwrap_or(0);
                        match fin {
                            'H' | 'f' => {
                                self.y = n0.max(1) - 1;
                                self.x = nums.get(1).copied().unwrap_or(1).max(1) - 1;
                            }
                            'G' => self.x = n0.max(1) - 1,
                            'C' => self.x += n0.max(1),
                            'D' => self.x = self.x.saturating_sub(n0.max(1)),
                            'A' => self.y = self.y.saturating_sub(n0.max(1)),
                            'B' => self.y += n0.max(1),
                            'J' if n0 == 2 || n0 == 3 => self.cells.fill(' '),
                            'X' if self.y < self.h => {
                                let end = (self.x + n0.max(1)).min(self.w);
                                for x in self.x.min(end)..end {
                                    self.cells[self.y * self.w + x] = ' ';
                                }
                            }
                            'K' if self.y < self.h => {
                                for x in self.x..self.w {
                                    self.cells[self.y * self.w + x] = ' ';
                                }
                            }
                            _ => {}
                        }
                    }
                    Some(']') => {
                        // OSC: up to BEL or ST.
                        while let Some(d) = it.next() {
                            if d == '\x07' {
                                break;
                            }
                            if d == '\x1b' {
                                it.next();
                                break;
                            }
                        }
                    }
                    _ => {}
                },
                '\r' => self.x = 0,
                '\n' => self.y += 1,
                c if (c as u32) < 0x20 => {}
                c => self.put(c),
            }
        }
    }
}

const SYNC_END: &[u8] = b"\x1b[?2026l";

/// One synchronized frame as the terminal received it.
struct Frame {
    /// When its last byte arrived.
    at: Instant,
    /// Bytes from the end of the previous frame up to and including this frame's end.
    bytes: usize,
    /// Cells whose character changed: (x, y, before, after).
    changed: Vec<(usize, usize, char, char)>,
    /// The frame's bytes (for `--dump`).
    raw: Vec<u8>,
    screen_after: Screen,
}

fn frames(chunks: &[(Instant, Vec<u8>)], w: u16, h: u16) -> Vec<Frame> {
    let mut all = Vec::new();
    let mut times = Vec::new();
    for (t, c) in chunks {
        all.extend_from_slice(c);
        times.push((all.len(), *t));
    }
    let mut out = Vec::new();
    let mut screen = Screen::new(w, h);
    let mut start = 0;
    let mut i = 0;
    while i + SYNC_END.len() <= all.len() {
        if &all[i..i + SYNC_END.len()] != SYNC_END {
            i += 1;
            continue;
        }
        let end = i + SYNC_END.len();
        let before = screen.clone();
        screen.feed(&String::from_utf8_lossy(&all[start..end]));
        let mut changed = Vec::new();
        if before.w == screen.w {
            for (k, (a, b)) in before.cells.iter().zip(&screen.cells).enumerate() {
                if a != b {
                    changed.push((k % screen.w, k / screen.w, *a, *b));
                }
            }
        }
        let at = times
            .iter()
            .find(|(off, _)| *off >= end)
            .map_or_else(Instant::now, |x| x.1);
        out.push(Frame {
            at,
            bytes: end - start,
            changed,
            raw: all[start..end].to_vec(),
            screen_after: screen.clone(),
        });
        start = end;
        i = end;
    }
    out
}

// ---------------------------------------------------------------------------------
// Terminal figures

fn tmp_home(base: &Path, name: &str) -> PathBuf {
    let d = base.join(name);
    let _ = std::fs::create_dir_all(d.join("config"));
    let _ = std::fs::create_dir_all(d.join("state"));
    d
}

/// A frame with data: the header shows "… ago" once the first poll landed.
fn has_data(f: &Frame) -> bool {
    f.screen_after.row(0).contains(" ago")
}

fn bench_startup(r: &mut Report, quick: bool, tmp: &Path) {
    let home = tmp_home(tmp, "startup");
    let mut first_any = Vec::new();
    let mut first_full = Vec::new();
    for _ in 0..if quick { 2 } else { 5 } {
        let t0 = Instant::now();
        let pty = match Pty::spawn(&["demo"], &[], &home) {
            Ok(p) => p,
            Err(e) => return r.skip("startup_to_first_full_frame_demo", &e.to_string()),
        };
        let ok = pty.wait_for(Duration::from_secs(10), |fs| fs.iter().any(has_data));
        let fs = frames(&pty.snapshot(), COLS, ROWS);
        pty.quit();
        if !ok {
            return r.skip(
                "startup_to_first_full_frame_demo",
                "no frame with data in 10 s",
            );
        }
        if let Some(f) = fs.first() {
            first_any.push(ms(f.at - t0));
        }
        if let Some(f) = fs.iter().find(|f| has_data(f)) {
            first_full.push(ms(f.at - t0));
        }
    }
    r.fig(
        "startup_to_first_full_frame_demo",
        median(&mut first_full),
        "ms",
        Budget::Lt(150.0),
    );
    r.fig(
        "startup_to_first_frame_any_demo_anchor",
        median(&mut first_any),
        "ms",
        Budget::Reported,
    );
}

fn tui_args(port: u16, refresh: &str) -> Vec<String> {
    vec![
        "--url".into(),
        format!("http://127.0.0.1:{port}"),
        "--user".into(),
        "admin".into(),
        "--refresh".into(),
        refresh.into(),
    ]
}

fn requests_total(port: u16) -> Option<u64> {
    sim_state(port)?.get("requests")?.get("total")?.as_u64()
}

// ---------------------------------------------------------------------------------
// The real binary at real scale: `obtui sim --scale N` and the TUI in a pty, measured from
// /proc (the TUI process itself) and the simulator's request counters.

/// Follows a pty's output frame by frame, from where it last stopped (no re-parse of the
/// whole session on every check: a 100k-host session writes a lot).
struct Tracker {
    screen: Screen,
    /// Chunks of the pty already taken.
    next_chunk: usize,
    /// Bytes after the last complete frame, with the arrival time of the chunk that ended each.
    pending: Vec<u8>,
    pending_times: Vec<(usize, Instant)>,
    /// Frames seen so far.
    frames: usize,
}

impl Tracker {
    fn new() -> Tracker {
        Tracker {
            screen: Screen::new(COLS, ROWS),
            next_chunk: 0,
            pending: Vec::new(),
            pending_times: Vec::new(),
            frames: 0,
        }
    }

    /// Takes the new output; calls `f(frame end time, screen after the frame)` for every
    /// complete frame in order, stopping early (true) when `f` says so.
    fn step(&mut self, pty: &Pty, f: &mut impl FnMut(Instant, &Screen) -> bool) -> bool {
        let new: Vec<(Instant, Vec<u8>)> = match pty.chunks.lock() {
            Ok(c) => c
                .get(self.next_chunk..)
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        self.next_chunk += new.len();
        for (t, c) in new {
            self.pending.extend_from_slice(&c);
            self.pending_times.push((self.pending.len(), t));
        }
        let mut hit = false;
        let mut start = 0;
        let mut i = 0;
        while !hit && i + SYNC_END.len() <= self.pending.len() {
            if &self.pending[i..i + SYNC_END.len()] != SYNC_END {
                i += 1;
                continue;
            }
            let end = i + SYNC_END.len();
            self.screen
                .feed(&String::from_utf8_lossy(&self.pending[start..end]));
            self.frames += 1;
            let at = self
                .pending_times
                .iter()
                .find(|(off, _)| *off >= end)
                .map_or_else(Instant::now, |x| x.1);
            hit = f(at, &self.screen);
            start = end;
            i = end;
        }
        self.pending.drain(..start);
        self.pending_times.retain_mut(|(off, _)| {
            if *off > start {
                *off -= start;
                true
            } else {
                false
            }
        });
        hit
    }

    /// Waits (up to `timeout`) for a frame for which `f` holds; its end time.
    fn wait(
        &mut self,
        pty: &Pty,
        timeout: Duration,
        mut f: impl FnMut(Instant, &Screen) -> bool,
    ) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        let mut found = None;
        loop {
            if self.step(pty, &mut |at, s| {
                let ok = f(at, s);
                if ok {
                    found = Some(at);
                }
                ok
            }) {
                return found;
            }
            if Instant::now() >= deadline || pty.exited() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// The screen now (after every complete frame received so far).
    fn settle(&mut self, pty: &Pty) -> &Screen {
        self.step(pty, &mut |_, _| false);
        &self.screen
    }
}

impl Pty {
    fn exited(&self) -> bool {
        // `try_wait` needs `&mut`; /proc tells without reaping.
        std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))
            .map(|s| {
                s.rfind(')')
                    .and_then(|i| s.get(i + 2..i + 3))
                    .is_none_or(|st| st == "Z" || st == "X")
            })
            .unwrap_or(true)
    }
}

/// `obtui sim` with these flags, ready when `/sim/state` answers (or `None` at the deadline).
fn start_sim_within(extra: &[&str], home: &Path, timeout: Duration) -> Option<(Proc, u16)> {
    let port = free_port()?;
    let child = Command::new(bin())
        .arg("sim")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .args(extra)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut p = Proc(child);
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if sim_state(port).is_some() {
            return Some((p, port));
        }
        if matches!(p.0.try_wait(), Ok(Some(_))) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn http_post(port: u16, path: &str, body: &str) -> Option<String> {
    use std::net::TcpStream;
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.1 200") {
        return None;
    }
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Some(dechunk(body));
    }
    Some(body.to_string())
}

/// Requests the simulator answered for one path shape (`/api/v2/tasks/instances/{id}`):
/// (all, first pages of a list walk).
fn path_requests(port: u16, path: &str) -> Option<(u64, u64)> {
    let s = sim_state(port)?;
    let p = s.get("requests")?.get("paths")?;
    match p.get(path) {
        Some(c) => Some((c.get("requests")?.as_u64()?, c.get("firstPages")?.as_u64()?)),
        // The simulator counts paths (a build without the counters has no `paths` at all).
        None => Some((0, 0)),
    }
}

const HOSTS_PATH: &str = "/api/v2/compute/hosts";
const TASK_DETAIL_PATH: &str = "/api/v2/tasks/instances/{id}";

/// Process CPU (utime + stime) in ms.
fn cpu_ms(pid: u32) -> Option<f64> {
    cpu_ticks(pid).map(|t| t as f64 * 1000.0 / clk_tck())
}

fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A pane's table has its data: its title is on screen and it no longer says "loading".
fn pane_loaded(s: &Screen, title: &str) -> bool {
    let text = s.text();
    text.contains(&format!(" {title} [")) && !text.contains(&format!("loading {title}…"))
}

/// The table title shows `n` rows in all (`[n]`, or `[shown/n]` under a filter).
fn pane_total(s: &Screen, title: &str, n: u64) -> bool {
    let text = s.text();
    text.contains(&format!(" {title} [{n}]")) || text.contains(&format!("/{n}] "))
}

/// What one simulator scale measured, for the scaling curve.
#[derive(Default, Clone)]
struct ScalePoint {
    label: String,
    hosts: u64,
    sim_start_ms: f64,
    startup_ms: Option<f64>,
    hosts_loaded_ms: Option<f64>,
    rss_mb: Option<f64>,
    idle_pct: Option<f64>,
    poll_ms: Option<f64>,
    filter_p99: Option<f64>,
    filter_sorted_p99: Option<f64>,
}

/// Budgets of one scale: (label, sim scale, budgets) — `None` budgets are reported only.
struct ScaleSpec {
    label: &'static str,
    scale: u32,
    idle: Option<f64>,
    rss: Option<f64>,
    requests: Option<f64>,
    filter: Option<f64>,
}

fn budget(b: Option<f64>) -> Budget {
    b.map_or(Budget::Reported, Budget::Lt)
}

const SCALE_10K: ScaleSpec = ScaleSpec {
    label: "10k",
    scale: 1000,
    idle: Some(0.5),
    rss: Some(40.0),
    requests: Some(15.0),
    filter: Some(2.0),
};
const SCALE_100K: ScaleSpec = ScaleSpec {
    label: "100k",
    scale: 10_000,
    idle: Some(2.0),
    rss: Some(250.0),
    requests: Some(15.0),
    filter: Some(30.0),
};
const SCALE_1K: ScaleSpec = ScaleSpec {
    label: "1k",
    scale: 100,
    idle: None,
    rss: None,
    requests: None,
    filter: None,
};
const SCALE_30K: ScaleSpec = ScaleSpec {
    label: "30k",
    scale: 3000,
    idle: None,
    rss: None,
    requests: None,
    filter: None,
};

/// One simulator scale, two TUI sessions against it:
/// 1. the default refresh (no `--refresh`): start-up to data, each inventory pane's requests
///    per minute, and on the hosts pane idle CPU, RSS and CPU per hosts poll;
/// 2. `--refresh 3600` (no poll lands between keystrokes, so the figure is the filter's own
///    path: key → filter → sort → draw): filter keystrokes without and with a sort column.
fn bench_scale(r: &mut Report, spec: &ScaleSpec, quick: bool, tmp: &Path) -> Option<ScalePoint> {
    let l = spec.label;
    let home = tmp_home(tmp, &format!("scale{l}"));
    let t0 = Instant::now();
    let scale = spec.scale.to_string();
    let Some((_sim, port)) =
        start_sim_within(&["--scale", &scale], &home, Duration::from_secs(300))
    else {
        r.skip(
            &format!("idle_cpu_hosts_pane_default_refresh_{l}"),
            "the simulator did not start in 300 s",
        );
        return None;
    };
    let mut pt = ScalePoint {
        label: l.to_string(),
        sim_start_ms: ms(t0.elapsed()),
        ..ScalePoint::default()
    };
    let st = sim_state(port)?;
    pt.hosts = st.get("hosts").and_then(|v| v.as_u64()).unwrap_or(0);
    let clusters = st.get("clusters").and_then(|v| v.as_u64()).unwrap_or(0);
    r.note(&format!(
        "scale {l}: obtui sim --scale {scale}: {} hosts, {clusters} clusters; simulator ready in {:.1} s",
        pt.hosts,
        pt.sim_start_ms / 1000.0
    ));
    r.fig(
        &format!("sim_ready_scale_{l}_anchor"),
        pt.sim_start_ms,
        "ms",
        Budget::Reported,
    );
    // Loading 100,000 hosts is slow today: generous deadlines, each one reported if hit.
    let load_deadline = Duration::from_secs(if spec.scale >= 3000 { 240 } else { 60 });
    inventory_session(r, spec, quick, &home, port, load_deadline, &mut pt);
    keystroke_session(r, spec, quick, &home, port, load_deadline, &mut pt);
    Some(pt)
}

fn inventory_session(
    r: &mut Report,
    spec: &ScaleSpec,
    quick: bool,
    home: &Path,
    port: u16,
    load: Duration,
    pt: &mut ScalePoint,
) {
    let l = spec.label;
    let idle_name = format!("idle_cpu_hosts_pane_default_refresh_{l}");
    let args = [
        "--url".to_string(),
        format!("http://127.0.0.1:{port}"),
        "--user".into(),
        "admin".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [("OBTUI_PASSWORD", SIM_PASSWORD.to_string())];
    let t0 = Instant::now();
    let mut pty = match Pty::spawn(&args, &env, home) {
        Ok(p) => p,
        Err(e) => return r.skip(&idle_name, &e.to_string()),
    };
    let mut tr = Tracker::new();
    // Start-up against a simulator already running: spawn → the first frame with data.
    let Some(at) = tr.wait(&pty, load, |_, s| {
        s.row(0).contains(" ago") && pane_loaded(s, "Clusters")
    }) else {
        pty.quit();
        return r.skip(&idle_name, &format!("no clusters on screen in {load:?}"));
    };
    pt.startup_ms = Some(ms(at - t0));
    r.fig(
        &format!("startup_to_data_tui_against_sim_{l}"),
        ms(at - t0),
        "ms",
        Budget::Reported,
    );
    let pid = pty.pid();
    let (pane_win, idle_win) = if quick { (15u64, 20u64) } else { (30, 60) };
    // Each pane: shown until its data is on screen, then a window of requests.
    let per_pane = |pty: &mut Pty, tr: &mut Tracker, key: &str, title: &str| -> Option<f64> {
        pty.keys(key);
        tr.wait(pty, load, |_, s| pane_loaded(s, title))?;
        // Let the switch's own first poll finish (it counts in the window otherwise).
        std::thread::sleep(Duration::from_secs(1));
        let a = requests_total(port)?;
        let t = Instant::now();
        std::thread::sleep(Duration::from_secs(pane_win));
        let b = requests_total(port)?;
        tr.settle(pty);
        Some((b - a) as f64 * 60.0 / t.elapsed().as_secs_f64())
    };
    for (key, title, name) in [
        ("1", "Clusters", "clusters"),
        ("3", "OBProxy", "proxies"),
        ("4", "Tasks", "tasks"),
    ] {
        let fig = format!("requests_per_min_{name}_pane_{l}");
        match per_pane(&mut pty, &mut tr, key, title) {
            Some(v) => r.fig(&fig, v, "req/m", budget(spec.requests).le()),
            None => r.skip(&fig, "the pane did not load, or no request counter"),
        }
    }
    // The hosts pane: idle CPU, RSS, requests, CPU per poll.
    pty.keys("2");
    let t_hosts = Instant::now();
    let hosts = pt.hosts;
    if tr
        .wait(&pty, load, |_, s| pane_total(s, "Hosts", hosts))
        .is_none()
    {
        pty.quit();
        return r.skip(
            &idle_name,
            &format!("{hosts} hosts not on screen in {load:?}"),
        );
    }
    pt.hosts_loaded_ms = Some(ms(t_hosts.elapsed()));
    r.fig(
        &format!("hosts_pane_loaded_{l}_anchor"),
        ms(t_hosts.elapsed()),
        "ms",
        Budget::Reported,
    );
    std::thread::sleep(Duration::from_secs(2));
    let req0 = requests_total(port);
    let walks0 = path_requests(port, HOSTS_PATH);
    let bytes0 = pty.total();
    let cpu0 = cpu_ms(pid);
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(idle_win));
    let cpu1 = cpu_ms(pid);
    let el = t.elapsed().as_secs_f64();
    let req1 = requests_total(port);
    let walks1 = path_requests(port, HOSTS_PATH);
    let bytes1 = pty.total();
    let rss = proc_status_kb(pid, "VmRSS:");
    let hwm = proc_status_kb(pid, "VmHWM:");
    tr.settle(&pty);
    pty.quit();
    match (cpu0, cpu1) {
        (Some(a), Some(b)) => {
            let pct = (b - a) / 10.0 / el;
            pt.idle_pct = Some(pct);
            r.fig(&idle_name, pct, "%core", budget(spec.idle));
            if let (Some((_, w0)), Some((_, w1))) = (walks0, walks1) {
                if w1 > w0 {
                    let per = (b - a) / (w1 - w0) as f64;
                    pt.poll_ms = Some(per);
                    r.fig(
                        &format!("cpu_per_hosts_poll_{l}"),
                        per,
                        "ms",
                        Budget::Reported,
                    );
                    r.fig(
                        &format!("hosts_polls_per_min_{l}_anchor"),
                        (w1 - w0) as f64 * 60.0 / el,
                        "poll/m",
                        Budget::Reported,
                    );
                } else {
                    r.skip(
                        &format!("cpu_per_hosts_poll_{l}"),
                        &format!("no hosts poll in the {idle_win} s window"),
                    );
                }
            }
        }
        _ => r.skip(&idle_name, "no /proc/PID/stat"),
    }
    match (req0, req1) {
        (Some(a), Some(b)) => r.fig(
            &format!("requests_per_min_hosts_pane_{l}"),
            (b - a) as f64 * 60.0 / el,
            "req/m",
            budget(spec.requests).le(),
        ),
        _ => r.skip(
            &format!("requests_per_min_hosts_pane_{l}"),
            "the simulator has no request counter",
        ),
    }
    r.fig(
        &format!("idle_bytes_written_per_second_{l}_anchor"),
        (bytes1 - bytes0) as f64 / el,
        "B/s",
        Budget::Reported,
    );
    match rss {
        Some(kb) => {
            pt.rss_mb = Some(kb as f64 / 1024.0);
            r.fig(
                &format!("rss_tui_hosts_pane_{l}"),
                kb as f64 / 1024.0,
                "MB",
                budget(spec.rss),
            );
        }
        None => r.skip(&format!("rss_tui_hosts_pane_{l}"), "no /proc/PID/status"),
    }
    if let Some(kb) = hwm {
        r.fig(
            &format!("rss_tui_peak_vmhwm_{l}_anchor"),
            kb as f64 / 1024.0,
            "MB",
            Budget::Reported,
        );
    }
}

/// Filter queries typed one key at a time on the hosts pane, each then erased key by key:
/// narrowing and widening keystrokes alike.
const QUERIES: [&str; 6] = ["ob-hz1-0", "10.10.1", "sh1", "ob_004", "online", "free"];

/// The filter prompt (`/query`) is on the status line, above the key hints.
fn filter_prompt(s: &Screen) -> bool {
    s.row(ROWS as usize - 2).starts_with('/')
}

fn keystroke_session(
    r: &mut Report,
    spec: &ScaleSpec,
    quick: bool,
    home: &Path,
    port: u16,
    load: Duration,
    pt: &mut ScalePoint,
) {
    let l = spec.label;
    let name = |sorted: bool, p: &str| {
        format!(
            "filter_keystroke_{}_{p}_{l}",
            if sorted { "sorted" } else { "unsorted" }
        )
    };
    let args = tui_args(port, "3600");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [("OBTUI_PASSWORD", SIM_PASSWORD.to_string())];
    let mut pty = match Pty::spawn(&args, &env, home) {
        Ok(p) => p,
        Err(e) => return r.skip(&name(true, "p99"), &e.to_string()),
    };
    let mut tr = Tracker::new();
    let hosts = pt.hosts;
    let loaded = tr
        .wait(&pty, load, |_, s| pane_loaded(s, "Clusters"))
        .is_some()
        && {
            pty.keys("2");
            tr.wait(&pty, load, |_, s| pane_total(s, "Hosts", hosts))
                .is_some()
        };
    if !loaded {
        pty.quit();
        return r.skip(&name(true, "p99"), "the hosts pane did not load");
    }
    let reps = if quick { 1 } else { 3 };
    let mut timeouts = 0;
    let mut type_queries = |pty: &mut Pty, tr: &mut Tracker| -> Vec<f64> {
        let mut times = Vec::new();
        for _ in 0..reps {
            for q in QUERIES {
                pty.keys("/");
                if tr
                    .wait(pty, Duration::from_secs(10), |_, s| filter_prompt(s))
                    .is_none()
                {
                    timeouts += 1;
                    if std::env::args().any(|a| a == "--dump") {
                        println!(
                            "## no filter prompt after `/`; the screen:\n{}",
                            tr.settle(pty).text()
                        );
                    }
                    continue;
                }
                // Type the query, then erase it: every key is timed to the frame showing it.
                let mut steps: Vec<(String, String)> = Vec::new();
                for i in 1..=q.len() {
                    steps.push((q[i - 1..i].to_string(), q[..i].to_string()));
                }
                for i in (0..q.len()).rev() {
                    steps.push(("\x7f".to_string(), q[..i].to_string()));
                }
                for (key, shown) in steps {
                    // Typing pace: the loop draws at most once per 16 ms frame slot, so a key
                    // sent right after the previous frame would wait for the slot, not for
                    // the filter. 50 ms apart is a fast typist (20 keys a second).
                    std::thread::sleep(Duration::from_millis(50));
                    let t = Instant::now();
                    pty.keys(&key);
                    let want = format!("] /{shown} ");
                    let got = tr.wait(pty, Duration::from_secs(20), |at, s| {
                        at >= t
                            && if shown.is_empty() {
                                !s.text().contains("] /")
                            } else {
                                s.text().contains(&want)
                            }
                    });
                    match got {
                        Some(at) => times.push(ms(at.saturating_duration_since(t))),
                        None => timeouts += 1,
                    }
                }
                // Leave filter mode with the filter empty.
                pty.keys("\x1b");
                let _ = tr.wait(pty, Duration::from_secs(5), |_, s| !filter_prompt(s));
            }
        }
        times
    };
    // The TUI's CPU over all the keys as well: on a busy machine the wall time waits for a
    // core; the CPU time per key is the work itself (key, filter, sort, draw).
    let pid = pty.pid();
    let c0 = cpu_ms(pid);
    let plain = type_queries(&mut pty, &mut tr);
    let c1 = cpu_ms(pid);
    // A sort column: `s` sorts by the next column (name after the first press).
    pty.keys("s");
    let sorted_on = tr
        .wait(&pty, Duration::from_secs(30), |_, s| {
            s.text().contains("] sort ")
        })
        .is_some();
    let c2 = cpu_ms(pid);
    let sorted = if sorted_on {
        type_queries(&mut pty, &mut tr)
    } else {
        Vec::new()
    };
    let c3 = cpu_ms(pid);
    pty.quit();
    if timeouts > 0 {
        r.note(&format!(
            "scale {l}: {timeouts} keystrokes showed no frame within the deadline (not counted)"
        ));
    }
    let cpu = [
        c0.zip(c1).map(|(a, b)| b - a),
        c2.zip(c3).map(|(a, b)| b - a),
    ];
    for (is_sorted, mut v) in [(false, plain), (true, sorted)] {
        if let Some(c) = cpu[usize::from(is_sorted)].filter(|_| !v.is_empty()) {
            r.fig(
                &name(is_sorted, "cpu_per_key_anchor"),
                c / v.len() as f64,
                "ms",
                Budget::Reported,
            );
        }
        if v.is_empty() {
            r.skip(
                &name(is_sorted, "p99"),
                if is_sorted && !sorted_on {
                    "no sort column came on screen after `s`"
                } else {
                    "no keystroke reached the screen"
                },
            );
            continue;
        }
        v.sort_by(|a, b| a.total_cmp(b));
        let p99 = percentile(&v, 0.99);
        if is_sorted {
            pt.filter_sorted_p99 = Some(p99);
        } else {
            pt.filter_p99 = Some(p99);
        }
        r.fig(
            &name(is_sorted, "p50"),
            percentile(&v, 0.5),
            "ms",
            Budget::Reported,
        );
        r.fig(&name(is_sorted, "p99"), p99, "ms", budget(spec.filter));
        r.note(&format!(
            "scale {l}: {} keystrokes {}, max {:.2} ms",
            v.len(),
            if is_sorted {
                "with a sort column"
            } else {
                "without sort"
            },
            v.last().copied().unwrap_or(0.0)
        ));
    }
}

impl Budget {
    /// The same bound, inclusive (requests per minute: "at most 15").
    fn le(self) -> Budget {
        match self {
            Budget::Lt(x) => Budget::Le(x),
            b => b,
        }
    }
}

fn print_curve(r: &Report, pts: &[ScalePoint]) {
    if pts.is_empty() {
        return;
    }
    let f = |v: Option<f64>, d: usize| v.map_or("-".to_string(), |x| format!("{x:.d$}"));
    r.note("scaling curve (the real binary against `obtui sim --scale N`):");
    r.note("scale  hosts    sim_ready_s  startup_ms  hosts_loaded_ms  rss_MB  idle_%core  cpu_per_poll_ms  filter_p99_ms  filter_sorted_p99_ms");
    for p in pts {
        r.note(&format!(
            "{:<5}  {:<8} {:>11.1}  {:>10}  {:>15}  {:>6}  {:>10}  {:>15}  {:>13}  {:>20}",
            p.label,
            p.hosts,
            p.sim_start_ms / 1000.0,
            f(p.startup_ms, 0),
            f(p.hosts_loaded_ms, 0),
            f(p.rss_mb, 1),
            f(p.idle_pct, 2),
            f(p.poll_ms, 1),
            f(p.filter_p99, 2),
            f(p.filter_sorted_p99, 2),
        ));
    }
}

/// The live DAG of a running task with `n` subtasks, on the real binary: CPU of the TUI per
/// task poll the simulator answered. The baseline is the same view on the simulator's small
/// seeded task (32 subtasks): its CPU per second (spinner, header, a tiny poll) is
/// subtracted over the window, so what remains is the big task's poll: parse, convert,
/// update (and any layout or drawing a poll causes).
fn bench_dagpoll(r: &mut Report, quick: bool, tmp: &Path) {
    let home = tmp_home(tmp, "dagpoll");
    let Some((_sim, port)) = start_sim_within(&[], &home, Duration::from_secs(30)) else {
        return r.skip("dag_poll_5000_subtasks", "simulator did not start");
    };
    let small = sim_state(port).and_then(|s| {
        s.get("runningTasks")?
            .as_array()?
            .iter()
            .find_map(|t| t.get("id")?.as_i64())
    });
    let win = Duration::from_secs(if quick { 10 } else { 20 });
    let base = small.and_then(|id| dag_window(port, &home, id, "Upgrade OB cluster", win));
    let base_rate = match base {
        Some((cpu, el, polls)) => {
            let rate = cpu / el;
            r.fig(
                "dag_view_baseline_small_task_cpu_anchor",
                rate / 10.0,
                "%core",
                Budget::Reported,
            );
            r.note(&format!(
                "baseline: the seeded 32-subtask task's live DAG, {polls} polls in {el:.1} s"
            ));
            rate
        }
        None => {
            r.note("no baseline (the seeded task's DAG did not open): per-poll figures are raw");
            0.0
        }
    };
    for (n, b) in [(5000u64, 10.0), (20_000, 50.0)] {
        let fig = format!("dag_poll_{n}_subtasks");
        let id = http_post(port, "/sim/tasks", &format!("{{\"subtasks\":{n}}}"))
            .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("id")?.as_i64());
        let Some(id) = id else {
            r.skip(&fig, "the simulator has no POST /sim/tasks");
            continue;
        };
        match dag_window(port, &home, id, "Rolling upgrade OB cluster", win) {
            Some((cpu, el, polls)) if polls > 0 => {
                let raw = cpu / polls as f64;
                let net = (cpu - base_rate * el).max(0.0) / polls as f64;
                r.fig(&fig, net, "ms", Budget::Lt(b));
                r.fig(
                    &format!("dag_poll_{n}_subtasks_raw_anchor"),
                    raw,
                    "ms",
                    Budget::Reported,
                );
                r.fig(
                    &format!("dag_polls_per_s_{n}_subtasks_anchor"),
                    polls as f64 / el,
                    "poll/s",
                    Budget::Reported,
                );
            }
            Some(_) => r.skip(&fig, "the TUI did not poll the task in the window"),
            None => r.skip(&fig, "the task's live DAG did not open"),
        }
    }
}

/// Opens task `id`'s live DAG in a fresh TUI (Tasks pane, filter by id, open), waits for the
/// first layout, then measures: (CPU ms of the TUI, seconds, task polls answered).
fn dag_window(
    port: u16,
    home: &Path,
    id: i64,
    name: &str,
    win: Duration,
) -> Option<(f64, f64, u64)> {
    let args: Vec<String> = [
        "--url".to_string(),
        format!("http://127.0.0.1:{port}"),
        "--user".into(),
        "admin".into(),
    ]
    .into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [("OBTUI_PASSWORD", SIM_PASSWORD.to_string())];
    let mut pty = Pty::spawn(&args, &env, home).ok()?;
    let mut tr = Tracker::new();
    let long = Duration::from_secs(60);
    let ok = tr
        .wait(&pty, long, |_, s| pane_loaded(s, "Clusters"))
        .is_some()
        && {
            pty.keys("4");
            tr.wait(&pty, long, |_, s| pane_loaded(s, "Tasks"))
                .is_some()
        }
        && {
            pty.keys("/");
            pty.keys(&id.to_string());
            let want = format!("/{id} ");
            tr.wait(&pty, long, |_, s| s.text().contains(&want))
                .is_some()
        }
        && {
            pty.keys("\r");
            tr.wait(&pty, long, |_, s| {
                !filter_prompt(s) && s.text().contains("[1/")
            })
            .is_some()
        }
        && {
            pty.keys("\r");
            let idt = id.to_string();
            // The DAG view: the task's name and id on screen, the table gone.
            tr.wait(&pty, long, |_, s| {
                let t = s.text();
                t.contains(name) && t.contains(&idt) && !t.contains(" Tasks [")
            })
            .is_some()
        };
    if !ok {
        pty.quit();
        return None;
    }
    // The first poll and layout land, then the window.
    std::thread::sleep(Duration::from_secs(3));
    tr.settle(&pty);
    let pid = pty.pid();
    let (p0, _) = path_requests(port, TASK_DETAIL_PATH)?;
    let c0 = cpu_ms(pid)?;
    let t = Instant::now();
    std::thread::sleep(win);
    let c1 = cpu_ms(pid)?;
    let el = t.elapsed().as_secs_f64();
    let (p1, _) = path_requests(port, TASK_DETAIL_PATH)?;
    tr.settle(&pty);
    pty.quit();
    Some((c1 - c0, el, p1 - p0))
}

/// `obtui demo` (the simulator in the same process), clusters pane, its default refresh, no keys.
fn bench_demo_idle(r: &mut Report, quick: bool, tmp: &Path) {
    let name = "demo_idle_cpu_clusters_pane_scale1";
    let home = tmp_home(tmp, "demoidle");
    let pty = match Pty::spawn(&["demo"], &[], &home) {
        Ok(p) => p,
        Err(e) => return r.skip(name, &e.to_string()),
    };
    let mut tr = Tracker::new();
    if tr
        .wait(&pty, Duration::from_secs(30), |_, s| {
            s.row(0).contains(" ago") && pane_loaded(s, "Clusters")
        })
        .is_none()
    {
        pty.quit();
        return r.skip(name, "no clusters on screen in 30 s");
    }
    // The obshell agents start in the background (key generation): let them settle.
    std::thread::sleep(Duration::from_secs(5));
    let pid = pty.pid();
    let c0 = cpu_ms(pid);
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(if quick { 15 } else { 30 }));
    let c1 = cpu_ms(pid);
    let el = t.elapsed().as_secs_f64();
    tr.settle(&pty);
    pty.quit();
    match (c0, c1) {
        (Some(a), Some(b)) => r.fig(name, (b - a) / 10.0 / el, "%core", Budget::Lt(1.0)),
        _ => r.skip(name, "no /proc/PID/stat"),
    }
}

/// The fleet view with three profiles (two OCP simulators and one obshell agent, each its
/// own `obtui sim` process): idle CPU on the clusters pane, and the requests each profile's
/// server receives a minute (the budget holds per profile and pane: ≤ 15).
fn bench_fleet_idle(r: &mut Report, quick: bool, tmp: &Path) {
    let cpu_name = "fleet_idle_cpu_clusters_pane_3_profiles";
    let req_name = "fleet_requests_per_min_per_profile_clusters_pane_3_profiles";
    let home = tmp_home(tmp, "fleet");
    let mut sims = Vec::new();
    for seed in ["1", "2", "3"] {
        match start_sim(&["--seed", seed], &home) {
            Some(s) => sims.push(s),
            None => {
                r.skip(cpu_name, "a simulator did not start");
                return r.skip(req_name, "a simulator did not start");
            }
        }
    }
    let url = |i: usize| format!("http://127.0.0.1:{}", sims[i].1);
    let config = format!(
        "[profiles.ocp-a]\nurl = \"{}\"\nuser = \"admin\"\n\n\
         [profiles.ocp-b]\nurl = \"{}\"\nuser = \"admin\"\n\n\
         [profiles.agent]\nobshell_url = \"{}\"\n",
        url(0),
        url(1),
        url(2)
    );
    let dir = home.join("config").join("obtui");
    if std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(dir.join("config.toml"), config))
        .is_err()
    {
        r.skip(cpu_name, "cannot write the config file");
        return r.skip(req_name, "cannot write the config file");
    }
    let env = [("OBTUI_PASSWORD", "aaAA11__".to_string())];
    let pty = match Pty::spawn(&["--all-profiles"], &env, &home) {
        Ok(p) => p,
        Err(e) => {
            r.skip(cpu_name, &e.to_string());
            return r.skip(req_name, &e.to_string());
        }
    };
    let mut tr = Tracker::new();
    if tr
        .wait(&pty, Duration::from_secs(30), |_, s| {
            let h = s.row(0);
            h.matches(": fresh").count() == 3 && pane_loaded(s, "Clusters")
        })
        .is_none()
    {
        pty.quit();
        r.skip(cpu_name, "three fresh profiles not on screen in 30 s");
        return r.skip(req_name, "three fresh profiles not on screen in 30 s");
    }
    // Each profile's first rounds are done; measure the steady state.
    std::thread::sleep(Duration::from_secs(2));
    let pid = pty.pid();
    let ports: Vec<u16> = sims.iter().map(|s| s.1).collect();
    let req0: Vec<Option<u64>> = ports.iter().map(|p| requests_total(*p)).collect();
    let c0 = cpu_ms(pid);
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(if quick { 30 } else { 60 }));
    let c1 = cpu_ms(pid);
    let el = t.elapsed().as_secs_f64();
    let req1: Vec<Option<u64>> = ports.iter().map(|p| requests_total(*p)).collect();
    tr.settle(&pty);
    pty.quit();
    match (c0, c1) {
        (Some(a), Some(b)) => r.fig(cpu_name, (b - a) / 10.0 / el, "%core", Budget::Lt(1.0)),
        _ => r.skip(cpu_name, "no /proc/PID/stat"),
    }
    let per_min: Option<Vec<f64>> = req0
        .iter()
        .zip(&req1)
        .map(|(a, b)| Some((b.as_ref()? - a.as_ref()?) as f64 * 60.0 / el))
        .collect();
    match per_min {
        Some(v) => {
            r.note(&format!(
                "fleet requests a minute per profile: {}",
                v.iter()
                    .map(|x| format!("{x:.1}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let worst = v.into_iter().fold(0.0, f64::max);
            r.fig(req_name, worst, "req/m", Budget::Le(15.0));
        }
        None => r.skip(req_name, "no request counter"),
    }
    drop(sims);
}

/// `obtui demo --scale N`: spawn → the end of the first synchronized frame with data (the
/// header's age: the first poll landed). The in-process simulator builds its inventory first,
/// and that counts: it is what a user waits for.
fn bench_startup_scale(r: &mut Report, quick: bool, tmp: &Path) {
    for (scale, label, b, reps) in [(1000u32, "10k", 300.0, 3usize), (10_000, "100k", 1500.0, 2)] {
        let fig = format!("startup_first_frame_with_data_demo_{label}");
        let home = tmp_home(tmp, &format!("startup{label}"));
        let scale_s = scale.to_string();
        let mut times = Vec::new();
        let mut any = Vec::new();
        let mut why = None;
        for _ in 0..if quick { 1 } else { reps } {
            let t0 = Instant::now();
            let pty = match Pty::spawn(&["demo", "--scale", &scale_s], &[], &home) {
                Ok(p) => p,
                Err(e) => {
                    why = Some(e.to_string());
                    break;
                }
            };
            let mut tr = Tracker::new();
            let mut first = None;
            let got = tr.wait(&pty, Duration::from_secs(120), |at, s| {
                first.get_or_insert(at);
                s.row(0).contains(" ago")
            });
            pty.quit();
            match got {
                Some(at) => {
                    times.push(ms(at - t0));
                    if let Some(f) = first {
                        any.push(ms(f - t0));
                    }
                }
                None => {
                    why = Some("no frame with data in 120 s".into());
                    break;
                }
            }
        }
        if times.is_empty() {
            r.skip(&fig, why.as_deref().unwrap_or("not run"));
            continue;
        }
        r.fig(&fig, median(&mut times), "ms", Budget::Lt(b));
        if !any.is_empty() {
            r.fig(
                &format!("startup_first_frame_any_demo_{label}_anchor"),
                median(&mut any),
                "ms",
                Budget::Reported,
            );
        }
    }
}

/// A task DAG open in the real binary; frames where a subtask turned successful or failed.
fn bench_bytes(r: &mut Report, quick: bool, tmp: &Path) {
    let home = tmp_home(tmp, "bytes");
    let Some((_sim, port)) = start_sim(&["--speed", "3"], &home) else {
        return r.skip(
            "bytes_one_subtask_status_change_200x60",
            "simulator did not start",
        );
    };
    let running = sim_state(port).and_then(|s| {
        s.get("runningTasks")?
            .as_array()?
            .iter()
            .find_map(|t| t.get("id")?.as_i64())
    });
    let Some(task) = running else {
        return r.skip(
            "bytes_one_subtask_status_change_200x60",
            "no running task in the simulator",
        );
    };
    let args = tui_args(port, "5");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [("OBTUI_PASSWORD", SIM_PASSWORD.to_string())];
    let mut pty = match Pty::spawn(&args, &env, &home) {
        Ok(p) => p,
        Err(e) => return r.skip("bytes_one_subtask_status_change_200x60", &e.to_string()),
    };
    if !pty.wait_for(Duration::from_secs(10), |fs| fs.iter().any(has_data)) {
        pty.quit();
        return r.skip("bytes_one_subtask_status_change_200x60", "no data in 10 s");
    }
    pty.keys("4");
    std::thread::sleep(Duration::from_millis(1500));
    pty.keys("/");
    std::thread::sleep(Duration::from_millis(200));
    pty.keys(&task.to_string());
    std::thread::sleep(Duration::from_millis(300));
    pty.keys("\r");
    std::thread::sleep(Duration::from_millis(300));
    pty.keys("\r");
    std::thread::sleep(Duration::from_secs(2));
    let opened = frames(&pty.snapshot(), COLS, ROWS).len();
    std::thread::sleep(Duration::from_secs(if quick { 20 } else { 45 }));
    // Full repaint at 200x60: resize away and back; the second frame after is a full draw.
    let before_resize = frames(&pty.snapshot(), COLS, ROWS).len();
    pty.resize(COLS - 1, ROWS);
    std::thread::sleep(Duration::from_millis(400));
    let mid = pty.snapshot().len();
    pty.resize(COLS, ROWS);
    std::thread::sleep(Duration::from_millis(600));
    let chunks = pty.snapshot();
    pty.quit();

    let fs = frames(&chunks[..mid.min(chunks.len())], COLS, ROWS);
    let done = |c: char| matches!(c, '✔' | '✖');
    // Status glyph classes; the running spinner's frames are one class.
    let class = |c: char| match c {
        '◌' => Some(0),
        '◷' => Some(1),
        '⊘' => Some(2),
        '✔' => Some(3),
        '✖' => Some(4),
        '⊗' => Some(5),
        c if obtui_task::text::SPINNER.contains(&c) => Some(6),
        _ => None,
    };
    // One subtask changed status: one glyph changed class in the graph, plus the side
    // panel's copy when it is the selected node. Frames where a finish releases several
    // successors at once are counted apart.
    let mut single = Vec::new();
    let mut change = Vec::new();
    let mut other = Vec::new();
    // Every watched frame: (arrival, bytes, has a status change), for bytes per second.
    let mut timeline: Vec<(Instant, usize, bool)> = Vec::new();
    let dump = std::env::args().any(|a| a == "--dump");
    for f in fs.iter().take(before_resize).skip(opened) {
        let finished = f
            .changed
            .iter()
            .filter(|&&(_, _, a, b)| done(b) && !done(a))
            .count();
        let transitions = f
            .changed
            .iter()
            .filter(|&&(_, _, a, b)| matches!((class(a), class(b)), (Some(x), Some(y)) if x != y))
            .count();
        // Any status change counts (a start as well as a finish): a start is when a
        // following view hands over to the new node.
        if transitions > 0 {
            if finished > 0 && transitions <= 2 {
                single.push(f.bytes as f64);
            }
            if dump {
                println!("## status-change frame, {} B, changed cells:", f.bytes);
                for &(x, y, a, b) in &f.changed {
                    println!("##   ({x},{y}) {a:?} -> {b:?}");
                }
                println!(
                    "## bytes: {}",
                    String::from_utf8_lossy(&f.raw).escape_debug()
                );
            }
            change.push(f.bytes as f64);
        } else {
            if dump && other.len() < 40 {
                println!("## other frame, {} B, changed cells:", f.bytes);
                for &(x, y, a, b) in &f.changed {
                    println!("##   ({x},{y}) {a:?} -> {b:?}");
                }
            }
            other.push(f.bytes as f64);
        }
        timeline.push((f.at, f.bytes, transitions > 0));
    }
    // Bytes per second with the DAG open and no status change: every frame strictly between
    // two status-change frames at least 3 s apart (spinners, durations, the header's age all
    // counted), over the time between them.
    let (mut quiet_bytes, mut quiet_secs, mut windows) = (0usize, 0f64, 0usize);
    let marks: Vec<usize> = (0..timeline.len()).filter(|&i| timeline[i].2).collect();
    for w in marks.windows(2) {
        let (a, b) = (w[0], w[1]);
        let secs = (timeline[b].0 - timeline[a].0).as_secs_f64();
        if secs >= 3.0 {
            quiet_bytes += timeline[a + 1..b].iter().map(|x| x.1).sum::<usize>();
            quiet_secs += secs;
            windows += 1;
        }
    }
    if windows > 0 {
        r.note(&format!(
            "no-change windows: {windows}, {quiet_secs:.1} s, {quiet_bytes} B"
        ));
        r.fig(
            "bytes_per_second_dag_open_no_status_change_3x_anchor",
            quiet_bytes as f64 / quiet_secs,
            "B/s",
            Budget::Reported,
        );
    }
    if change.is_empty() {
        r.skip(
            "bytes_per_status_change_every_frame_median",
            "no subtask changed status while watched",
        );
    } else {
        let mut sorted = change.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        r.fig(
            "bytes_per_status_change_every_frame_median",
            median(&mut change.clone()),
            "B",
            Budget::Lt(200.0),
        );
        r.fig(
            "bytes_per_status_change_every_frame_p90",
            percentile(&sorted, 0.9),
            "B",
            Budget::Lt(400.0),
        );
    }
    let in_dag = fs
        .get(opened.saturating_sub(1))
        .is_some_and(|f| f.screen_after.text().contains(&task.to_string()));
    if single.is_empty() {
        r.skip(
            "bytes_one_subtask_status_change_200x60",
            &format!(
                "no subtask changed status while watched (DAG view reached: {in_dag}; {} frames)",
                other.len()
            ),
        );
    } else {
        r.note(&format!(
            "task {task}: {} frames with one status change, {} with any status change, {} other frames",
            single.len(),
            change.len(),
            other.len()
        ));
        r.fig(
            "bytes_one_subtask_status_change_200x60",
            median(&mut single),
            "B",
            Budget::Lt(200.0),
        );
        r.fig(
            "bytes_any_status_change_frame_median",
            median(&mut change.clone()),
            "B",
            Budget::Reported,
        );
        let mut c2 = change.clone();
        c2.sort_by(|a, b| a.total_cmp(b));
        r.fig(
            "bytes_one_subtask_status_change_max",
            c2.last().copied().unwrap_or(0.0),
            "B",
            Budget::Reported,
        );
    }
    if !other.is_empty() {
        r.fig(
            "bytes_other_frame_median_anchor",
            median(&mut other),
            "B",
            Budget::Reported,
        );
    }
    // The repaint after growing back to 200x60: bytes after `mid`, up to the frame end.
    let tail: Vec<(Instant, Vec<u8>)> = chunks[mid.min(chunks.len())..].to_vec();
    let full = frames(&tail, COLS, ROWS);
    match full.iter().map(|f| f.bytes).max() {
        Some(b) => r.fig("bytes_full_repaint_200x60", b as f64, "B", Budget::Reported),
        None => r.skip("bytes_full_repaint_200x60", "no frame after the resize"),
    }
}

/// Whether a frame shows any subtask changing status: a status glyph turning into one of
/// another class (waiting → running, running → done, …; a spinner's step is not a change).
fn status_changes(f: &Frame) -> bool {
    let class = |c: char| match c {
        '◌' => Some(0),
        '◷' => Some(1),
        '⊘' => Some(2),
        '✔' => Some(3),
        '✖' => Some(4),
        '⊗' => Some(5),
        c if obtui_task::text::SPINNER.contains(&c) => Some(6),
        _ => None,
    };
    f.changed
        .iter()
        .any(|&(_, _, a, b)| matches!((class(a), class(b)), (Some(x), Some(y)) if x != y))
}

/// A live DAG watched for `secs` in the real binary against `obtui sim --speed SPEED`, with
/// `keys` pressed once the task is open (e.g. `a`: follow off). Returns the frames watched.
fn dag_session(
    tmp: &Path,
    label: &str,
    speed: &str,
    keys: &str,
    secs: u64,
) -> Result<Vec<Frame>, String> {
    let home = tmp_home(tmp, label);
    let (_sim, port) = start_sim(&["--speed", speed], &home).ok_or("simulator did not start")?;
    let task = sim_state(port)
        .and_then(|s| {
            s.get("runningTasks")?
                .as_array()?
                .iter()
                .find_map(|t| t.get("id")?.as_i64())
        })
        .ok_or("no running task in the simulator")?;
    let args = tui_args(port, "5");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [("OBTUI_PASSWORD", SIM_PASSWORD.to_string())];
    let mut pty = Pty::spawn(&args, &env, &home).map_err(|e| e.to_string())?;
    if !pty.wait_for(Duration::from_secs(10), |fs| fs.iter().any(has_data)) {
        pty.quit();
        return Err("no data in 10 s".into());
    }
    pty.keys("4");
    std::thread::sleep(Duration::from_millis(1500));
    pty.keys("/");
    std::thread::sleep(Duration::from_millis(200));
    pty.keys(&task.to_string());
    std::thread::sleep(Duration::from_millis(300));
    pty.keys("\r");
    std::thread::sleep(Duration::from_millis(300));
    pty.keys("\r");
    std::thread::sleep(Duration::from_secs(2));
    if !keys.is_empty() {
        pty.keys(keys);
        std::thread::sleep(Duration::from_millis(500));
    }
    let opened = frames(&pty.snapshot(), COLS, ROWS).len();
    std::thread::sleep(Duration::from_secs(secs));
    let chunks = pty.snapshot();
    pty.quit();
    let fs = frames(&chunks, COLS, ROWS);
    let in_dag = fs
        .get(opened.saturating_sub(1))
        .is_some_and(|f| f.screen_after.text().contains(&task.to_string()));
    if !in_dag {
        return Err(format!("the DAG view of task {task} was not reached"));
    }
    Ok(fs.into_iter().skip(opened).collect())
}

/// Bytes per second over the stretches between two status changes (any: a start too, which
/// moves a following view to the new node) at least 3 s apart.
fn quiet_rate(fs: &[Frame]) -> Option<(f64, usize)> {
    let marks: Vec<usize> = (0..fs.len()).filter(|&i| status_changes(&fs[i])).collect();
    let (mut bytes, mut secs, mut n) = (0usize, 0f64, 0usize);
    for w in marks.windows(2) {
        let (a, b) = (w[0], w[1]);
        let d = (fs[b].at - fs[a].at).as_secs_f64();
        if d >= 3.0 {
            bytes += fs[a + 1..b].iter().map(|f| f.bytes).sum::<usize>();
            secs += d;
            n += 1;
        }
    }
    (n > 0).then(|| (bytes as f64 / secs, n))
}

/// The live DAG at the simulator's real pace (log lines and status changes as a real task
/// writes them), and at 3x with following turned off (`a`): what a thin link carries.
fn bench_bytes_paced(r: &mut Report, quick: bool, tmp: &Path) {
    let secs = if quick { 25 } else { 60 };
    match dag_session(tmp, "bytes1x", "1", "", secs) {
        Ok(fs) => match quiet_rate(&fs).inspect(|_| {
            if std::env::args().any(|a| a == "--dump") {
                for f in &fs {
                    let mut rows: Vec<usize> = f.changed.iter().map(|c| c.1).collect();
                    rows.dedup();
                    let cells: String = f.changed.iter().take(12).map(|c| c.3).collect();
                    println!(
                        "## 1x frame {} B, status change {}, rows {rows:?} {cells:?}",
                        f.bytes,
                        status_changes(f)
                    );
                }
            }
        }) {
            Some((rate, n)) => {
                r.note(&format!("real pace: {n} windows without a status change"));
                r.fig(
                    "bytes_per_second_dag_open_no_status_change",
                    rate,
                    "B/s",
                    Budget::Lt(150.0),
                );
            }
            None => r.skip(
                "bytes_per_second_dag_open_no_status_change",
                "no window of 3 s without a status change between two changes",
            ),
        },
        Err(e) => r.skip("bytes_per_second_dag_open_no_status_change", &e),
    }
    match dag_session(tmp, "bytes3xoff", "3", "a", if quick { 20 } else { 45 }) {
        Ok(fs) => {
            let mut change: Vec<f64> = fs
                .iter()
                .filter(|f| status_changes(f))
                .map(|f| f.bytes as f64)
                .collect();
            if change.is_empty() {
                return r.skip(
                    "bytes_per_status_change_follow_off_median_anchor",
                    "no status change",
                );
            }
            change.sort_by(|a, b| a.total_cmp(b));
            r.fig(
                "bytes_per_status_change_follow_off_median_anchor",
                median(&mut change.clone()),
                "B",
                Budget::Reported,
            );
            r.fig(
                "bytes_per_status_change_follow_off_p90_anchor",
                percentile(&change, 0.9),
                "B",
                Budget::Reported,
            );
        }
        Err(e) => r.skip("bytes_per_status_change_follow_off_median_anchor", &e),
    }
}

/// 64 clients polling one task's detail as fast as they can.
fn bench_sim(r: &mut Report, quick: bool, tmp: &Path) {
    let home = tmp_home(tmp, "sim");
    let Some((_sim, port)) = start_sim(&[], &home) else {
        return r.skip(
            "sim_task_detail_polls_per_s_64_clients",
            "simulator did not start",
        );
    };
    let task = sim_state(port).and_then(|s| {
        s.get("runningTasks")?
            .as_array()?
            .iter()
            .find_map(|t| t.get("id")?.as_i64())
    });
    let Some(task) = task else {
        return r.skip("sim_task_detail_polls_per_s_64_clients", "no task");
    };
    let url = format!("http://127.0.0.1:{port}/api/v2/tasks/instances/{task}");
    let secs = if quick { 3 } else { 10 };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return r.skip("sim_task_detail_polls_per_s_64_clients", &e.to_string()),
    };
    let (lat, errors, el) = rt.block_on(async move {
        let end = Instant::now() + Duration::from_secs(secs);
        let t0 = Instant::now();
        let mut hs = Vec::new();
        for _ in 0..64 {
            let url = url.clone();
            hs.push(tokio::spawn(async move {
                let c = reqwest::Client::new();
                let mut lat = Vec::new();
                let mut errors = 0u64;
                while Instant::now() < end {
                    let t = Instant::now();
                    let ok = match c
                        .get(&url)
                        .basic_auth("admin", Some(SIM_PASSWORD))
                        .send()
                        .await
                    {
                        Ok(resp) => resp.status().is_success() && resp.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        lat.push(ms(t.elapsed()));
                    } else {
                        errors += 1;
                    }
                }
                (lat, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for h in hs {
            if let Ok((l, e)) = h.await {
                all.extend(l);
                errors += e;
            }
        }
        (all, errors, t0.elapsed().as_secs_f64())
    });
    let mut lat = lat;
    lat.sort_by(|a, b| a.total_cmp(b));
    r.fig(
        "sim_task_detail_polls_per_s_64_clients",
        lat.len() as f64 / el,
        "req/s",
        Budget::Reported,
    );
    r.fig(
        "sim_task_detail_latency_p50",
        percentile(&lat, 0.5),
        "ms",
        Budget::Reported,
    );
    r.fig(
        "sim_task_detail_latency_p99",
        percentile(&lat, 0.99),
        "ms",
        Budget::Reported,
    );
    if errors > 0 {
        r.note(&format!("{errors} requests failed during the load run"));
    }
}

// ---------------------------------------------------------------------------------

fn machine(r: &Report) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|x| x.1.trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024);
    let n = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    r.note(&format!(
        "machine: {n} CPUs ({cpu}), {mem} MB RAM, loadavg {}",
        load.trim()
    ));
    r.note("columns: name value unit budget verdict");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        match args.get(i + 1).map(String::as_str) {
            Some("rss-data") => child_rss_data(),
            Some("rss-log") => child_rss_log(),
            Some("rss-base") => println!("rss_kb {}", vm_kb("VmRSS:").unwrap_or(0)),
            _ => {}
        }
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let only: Vec<String> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let want = |g: &str| only.is_empty() || only.iter().any(|o| g.contains(o.as_str()));
    let tmp = std::env::temp_dir().join(format!("obtui-perf-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);

    let mut r = Report {
        over: Vec::new(),
        skipped: Vec::new(),
    };
    machine(&r);
    if want("render") {
        bench_render(&mut r);
    }
    if want("filter") {
        bench_filter(&mut r);
    }
    if want("layout") {
        bench_layout(&mut r, quick, args.iter().any(|a| a == "--no-dot"), &tmp);
    }
    if want("rss") {
        bench_rss(&mut r);
    }
    if want("sim") {
        bench_sim(&mut r, quick, &tmp);
    }
    if want("startup") {
        bench_startup(&mut r, quick, &tmp);
    }
    if want("startup") {
        bench_startup_scale(&mut r, quick, &tmp);
    }
    if want("bytes") {
        bench_bytes(&mut r, quick, &tmp);
        bench_bytes_paced(&mut r, quick, &tmp);
    }
    if want("demoidle") {
        bench_demo_idle(&mut r, quick, &tmp);
    }
    if want("fleet") {
        bench_fleet_idle(&mut r, quick, &tmp);
    }
    if want("dagpoll") {
        bench_dagpoll(&mut r, quick, &tmp);
    }
    // The inventory at scale: `idle` (the old group's name) selects the 10k scale too.
    let mut curve = Vec::new();
    let scales = [
        ("curve", &SCALE_1K),
        ("scale10k", &SCALE_10K),
        ("curve", &SCALE_30K),
        ("scale100k", &SCALE_100K),
    ];
    for (group, spec) in scales {
        let on = want(group) || (group == "scale10k" && want("idle"));
        // The 30k point only in a full run: it is the longest after 100k.
        if !on || (quick && spec.scale == 3000) {
            continue;
        }
        if let Some(p) = bench_scale(&mut r, spec, quick, &tmp) {
            curve.push(p);
        }
    }
    print_curve(&r, &curve);
    let _ = std::fs::remove_dir_all(&tmp);
    if !r.skipped.is_empty() {
        println!("# perf: NOT MEASURED on this machine: {}", r.skipped.len());
        for s in &r.skipped {
            println!("# SKIP {s}");
        }
    }
    if r.over.is_empty() {
        println!("# perf: every figure within budget");
    } else {
        println!("# perf: OVER budget: {}", r.over.len());
        for o in &r.over {
            println!("# OVER {o}");
        }
    }
}
