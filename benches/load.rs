//! Load figures: task-detail poll latency (p50 / p99) and polls/s through the app's own client
//! (`OcpClient`, decoding included) for 64 and 200 concurrent clients against the in-process
//! simulator on loopback, and the time the state machine takes per key with 50 running tasks in
//! the tasks pane (the frame budget is 16 ms).
//!
//! `cargo bench --bench load` (add `-- --quick` for a 2 s run per figure).

// A measurement harness, like a test: a failed set-up may stop it with a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::actions::{Action, Keymap};
use obtui::app::state::{App, Settings};
use obtui::config::Theme;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui_api::ocp::models::{Paged, TaskInstance};
use obtui_api::ocp::{OcpClient, OcpConfig, PageQuery, TaskFilter};
use obtui_api::secret::Secret;
use std::time::{Duration, Instant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn polls(rt: &tokio::runtime::Runtime, url: &str, ids: &[i64], clients: usize, secs: u64) {
    let (mut lat, errors, elapsed) = rt.block_on(async {
        let end = Instant::now() + Duration::from_secs(secs);
        let t0 = Instant::now();
        let mut hs = Vec::new();
        for c in 0..clients {
            let client =
                OcpClient::new(OcpConfig::new(url, "admin", Secret::new("aaAA11__"))).unwrap();
            let ids = ids.to_vec();
            hs.push(tokio::spawn(async move {
                let (mut lat, mut errors, mut i) = (Vec::new(), 0u64, c);
                while Instant::now() < end {
                    let t = Instant::now();
                    match client.get_task(ids[i % ids.len()]).await {
                        Ok(_) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                        Err(_) => errors += 1,
                    }
                    i += 1;
                }
                (lat, errors)
            }));
        }
        let (mut all, mut errors) = (Vec::new(), 0);
        for h in hs {
            if let Ok((l, e)) = h.await {
                all.extend(l);
                errors += e;
            }
        }
        (all, errors, t0.elapsed().as_secs_f64())
    });
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{clients:>4} clients: {:>8.0} polls/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {errors}",
        lat.len() as f64 / elapsed,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
    );
}

fn key_handling(rounds: usize) {
    let settings = Settings {
        profile: "bench".into(),
        url: "http://127.0.0.1:1".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_secs(1),
        demo: false,
        ascii: false,
        insecure: false,
    };
    let mut app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocp/tasks-instances-list.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let list: Paged<TaskInstance> = serde_json::from_value(v["data"].clone()).unwrap();
    let tasks: Vec<TaskInstance> = (0..50)
        .map(|i| {
            let mut t = list.contents[0].clone();
            t.id = 5_000_000 + i;
            t.status = serde_json::from_value(serde_json::json!("RUNNING")).unwrap();
            t
        })
        .collect();
    app.perform(Action::PaneTasks);
    let keys = [
        KeyCode::Down,
        KeyCode::Up,
        KeyCode::PageDown,
        KeyCode::Char('s'),
        KeyCode::Char('g'),
    ];
    let mut per_key = Vec::new();
    let mut per_poll = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        app.on_view(
            ViewJob::Pane(PaneKind::Tasks),
            Ok(ViewData::Tasks(obtui::poll::convert::ocp::tasks(&tasks))),
            Instant::now(),
            0,
        );
        per_poll.push(t.elapsed().as_secs_f64() * 1000.0);
        for k in keys {
            let t = Instant::now();
            let _ = app.on_event(Event::Key(KeyEvent::new(k, KeyModifiers::NONE)));
            per_key.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    per_key.sort_by(|a, b| a.total_cmp(b));
    per_poll.sort_by(|a, b| a.total_cmp(b));
    println!(
        "50 running tasks: key p50 {:.4} ms  p99 {:.4} ms (frame budget 16 ms); poll applied p99 {:.3} ms",
        percentile(&per_key, 0.5),
        percentile(&per_key, 0.99),
        percentile(&per_poll, 0.99),
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let secs = if quick { 2 } else { 10 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt
        .block_on(obtui_sim::start(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            obtui_sim::SimOptions::default(),
        ))
        .unwrap();
    let url = sim.url();
    let ids: Vec<i64> = rt.block_on(async {
        let c = OcpClient::new(OcpConfig::new(&url, "admin", Secret::new("aaAA11__"))).unwrap();
        c.list_tasks(&PageQuery::new(1, 10), &TaskFilter::default())
            .await
            .unwrap()
            .contents
            .iter()
            .map(|t| t.id)
            .collect()
    });
    println!("task-detail polls through OcpClient, {secs} s each, loopback:");
    for clients in [64, 200] {
        polls(&rt, &url, &ids, clients, secs);
    }
    key_handling(if quick { 200 } else { 2000 });
    rt.block_on(sim.shutdown());
}
