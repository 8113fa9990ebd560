//! The real binary in a terminal (tmux) against a simulator with injected faults that take
//! real time or real memory: a 5 s latency (slow but under the request timeout), a 30 s
//! latency (past it), a 50 MB body (under the 64 MB cap: decoded) and a 100 MB one (over it:
//! refused while being read). Each time the screen must keep answering keys, say what is
//! wrong, keep the last rows, and recover by itself once the fault is cleared.
//! `tests/it/faults_ui.rs` covers the other faults against the poller and app in-process.

use crate::common;

use common::sim::LoopbackSim;
use common::tmux::{bin, Tmux};
use std::time::Duration;

/// Deadline for ordinary screens.
const T: Duration = Duration::from_secs(20);
/// The binary's OCP request timeout is 20 s; a 30 s latency shows up after that.
const PAST_TIMEOUT: Duration = Duration::from_secs(45);

struct Sim {
    lab: LoopbackSim,
    http: reqwest::Client,
}

impl Sim {
    fn start() -> Sim {
        Sim {
            lab: LoopbackSim::start(obtui_sim::SimOptions::default()),
            http: reqwest::Client::new(),
        }
    }

    /// `/sim/faults`: POST `body`, or DELETE with `None`; returns the active faults.
    fn faults(
        &self,
        method: reqwest::Method,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        self.lab.rt.block_on(async {
            let mut req = self
                .http
                .request(method, format!("{}/sim/faults", self.lab.url));
            if let Some(b) = body {
                req = req.json(&b);
            }
            let r = req.send().await.unwrap();
            assert!(r.status().is_success());
            r.json::<serde_json::Value>().await.unwrap_or_default()
        })
    }

    fn fault(&self, body: serde_json::Value) {
        self.faults(reqwest::Method::POST, Some(body));
    }

    fn clear(&self) {
        self.faults(reqwest::Method::DELETE, None);
    }

    fn huge_left(&self) -> u64 {
        self.faults(reqwest::Method::GET, None)["faults"]["huge_count"]
            .as_u64()
            .unwrap()
    }
}

/// Peak resident memory of a process, from /proc.
fn peak_rss_kb(pid: i32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The clusters pane's title line (third row of the screen).
fn title(screen: &str) -> &str {
    screen.lines().nth(2).unwrap_or("")
}

#[test]
fn slow_and_huge_answers_keep_the_screen_alive_and_recover() {
    let sim = Sim::start();
    let dir = std::env::temp_dir().join(format!("obtui-faults-bin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let xdg = dir.to_string_lossy().to_string();
    let (cfg, state) = (
        format!("XDG_CONFIG_HOME={xdg}"),
        format!("XDG_STATE_HOME={xdg}"),
    );
    let argv = [
        "env",
        &cfg,
        &state,
        "OBTUI_PASSWORD=aaAA11__",
        bin(),
        "--url",
        &sim.lab.url,
        "--user",
        "admin",
        "--refresh",
        "2",
    ];
    let t = Tmux::start("faultsbin", 160, 40, &[], &argv);
    t.wait_for("the clusters", T, |s| {
        s.contains("Clusters [4]") && s.contains("terran")
    });
    let pid = t.pane_pid().expect("the pane's process");

    // 5 s latency, under the timeout: a pane opened meanwhile says it is loading (the key was
    // handled while the request was still out), then fills in without an error.
    sim.fault(serde_json::json!({"latency_ms": 5000}));
    t.literal("2");
    let s = t.wait_text("loading Hosts", T);
    assert!(title(&s).contains("Hosts"), "{s}");
    let s = t.wait_for("the hosts after 5 s", T, |s| {
        title(s).contains("Hosts [") && !s.contains("loading Hosts")
    });
    assert!(!s.contains("stale") && !s.contains("timed out"), "{s}");
    // Waiting 5 s for the server is not work: the refresh is not stretched to minutes.
    let every = s
        .lines()
        .next()
        .and_then(|h| h.split('⟳').nth(1))
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    assert!(
        every.ends_with('s') && !every.contains('m'),
        "refresh after a slow answer: {every:?}\n{s}"
    );
    t.literal("1");
    t.wait_for("back on clusters", T, |s| title(s).contains("Clusters ["));

    // 30 s latency, past the 20 s timeout: stale with the reason, rows kept, keys answered.
    sim.fault(serde_json::json!({"latency_ms": 30000}));
    t.keys(&["C-r"]);
    let s = t.wait_for("the timeout", PAST_TIMEOUT, |s| {
        title(s).contains("stale since") && title(s).contains("timed out")
    });
    assert!(s.contains("terran"), "the last good rows stay:\n{s}");
    t.literal("?");
    t.wait_text("Everywhere", T);
    t.keys(&["Escape"]);
    t.wait_for("help closed", T, |s| title(s).contains("Clusters ["));
    sim.clear();
    let s = t.wait_for("recovery from the latency", T, |s| {
        title(s).contains("Clusters [4]") && !title(s).contains("stale")
    });
    assert!(s.contains("terran"));

    // A 50 MB answer (under the 64 MB cap) is read and decoded: the rows stay fresh.
    sim.fault(serde_json::json!({
        "huge_count": 1000, "huge_mb": 50, "path_prefix": "/api/v2/ob/clusters"
    }));
    t.keys(&["C-r"]);
    let deadline = std::time::Instant::now() + T;
    while sim.huge_left() > 1000 - 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "two 50 MB answers served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let s = t.wait_for("fresh rows after 50 MB bodies", T, |s| {
        title(s).contains("Clusters [4]") && !title(s).contains("stale")
    });
    assert!(s.contains("terran"));

    // A 100 MB answer (over the cap) is refused while being read, named, and survived.
    sim.fault(serde_json::json!({"huge_mb": 100}));
    t.keys(&["C-r"]);
    let s = t.wait_for("the too-large error", T, |s| {
        title(s).contains("stale since") && title(s).contains("too large")
    });
    assert!(s.contains("terran"), "the last good rows stay:\n{s}");
    let peak = peak_rss_kb(pid);
    assert!(
        peak < 400 * 1024,
        "reading stops at the cap: peak RSS {peak} kB"
    );
    sim.clear();
    t.wait_for("recovery from the huge body", T, |s| {
        title(s).contains("Clusters [4]") && !title(s).contains("stale")
    });

    t.literal("q");
    t.wait_for("exit", T, |_| t.exited(Some(pid)));
    let _ = std::fs::remove_dir_all(&dir);
}
