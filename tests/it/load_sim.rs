//! Load, bounded in count and time, loopback only: the simulator holds 200 concurrent clients
//! (each its own `OcpClient` and connection pool, the app's own poll path with decoding) polling
//! task detail 20 times each with zero errors; and the state machine with 50 running tasks in the
//! tasks pane handles every key without I/O (the app has no client; keys return effects) and
//! draws the 50 rows. Latency and per-key time are figures for `benches/load.rs`, not asserts.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::actions::Keymap;
use obtui::app::state::{App, Effect, Settings};
use obtui::config::Theme;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui::poll::convert::ocp as conv;
use obtui_api::ocp::models::{Paged, TaskInstance};
use obtui_api::ocp::{OcpClient, OcpConfig, PageQuery, TaskFilter};
use obtui_api::secret::Secret;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 200;
const POLLS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_clients_poll_task_detail_without_errors() {
    let sim = obtui_sim::start(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        obtui_sim::SimOptions::default(),
    )
    .await
    .unwrap();
    let cfg = || OcpConfig::new(sim.url(), "admin", Secret::new("aaAA11__"));
    let first = OcpClient::new(cfg()).unwrap();
    let tasks = first
        .list_tasks(&PageQuery::new(1, 10), &TaskFilter::default())
        .await
        .unwrap();
    let ids: Vec<i64> = tasks.contents.iter().map(|t| t.id).collect();
    assert!(!ids.is_empty());

    let ok = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let start = Instant::now();
    let mut handles = Vec::new();
    for c in 0..CLIENTS {
        let client = OcpClient::new(cfg()).unwrap();
        let (ok, errors, ids) = (ok.clone(), errors.clone(), ids.clone());
        handles.push(tokio::spawn(async move {
            for i in 0..POLLS {
                let id = ids[(c + i) % ids.len()];
                match client.get_task(id).await {
                    Ok(t) if t.id == id => {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(t) => errors
                        .lock()
                        .unwrap()
                        .push(format!("asked {id}, got {}", t.id)),
                    Err(e) => errors.lock().unwrap().push(e.to_string()),
                }
            }
        }));
    }
    // Bounded in time: the whole run, or the test fails instead of hanging.
    let all = futures_util::future::join_all(handles);
    tokio::time::timeout(Duration::from_secs(120), all)
        .await
        .expect("200 clients x 20 polls finish within 2 minutes");
    let errors = errors.lock().unwrap().clone();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(ok.load(Ordering::Relaxed), CLIENTS * POLLS);
    eprintln!(
        "{} polls by {CLIENTS} clients in {:?}",
        CLIENTS * POLLS,
        start.elapsed()
    );
    // The simulator still answers, and counted every poll.
    let st: serde_json::Value = reqwest::get(format!("{}/sim/state", sim.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(st["requests"]["total"].as_u64().unwrap() >= (CLIENTS * POLLS) as u64);
    sim.shutdown().await;
}

fn fifty_running_tasks() -> Vec<TaskInstance> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocp/tasks-instances-list.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let list: Paged<TaskInstance> = serde_json::from_value(v["data"].clone()).unwrap();
    let base = list.contents[0].clone();
    (0..50)
        .map(|i| {
            let mut t = base.clone();
            t.id = 5_000_000 + i;
            t.name = format!("Running task {i:02}");
            t.status = serde_json::from_value(serde_json::json!("RUNNING")).unwrap();
            t
        })
        .collect()
}

#[test]
fn fifty_running_tasks_keys_do_no_io_and_every_row_is_drawn() {
    let settings = Settings {
        profile: "p".into(),
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
    app.frozen_now = Some(1_704_067_200_000);
    app.on_view(
        ViewJob::Pane(PaneKind::Tasks),
        Ok(ViewData::Tasks(conv::tasks(&fifty_running_tasks()))),
        Instant::now(),
        0,
    );
    app.perform(obtui::app::actions::Action::PaneTasks);
    let mut term = Terminal::new(TestBackend::new(160, 90)).unwrap();
    let mut drawn = None;
    term.draw(|f| drawn = Some(obtui::ui::draw(f, &app)))
        .unwrap();
    if let Some(d) = drawn {
        app.on_drawn(d);
    }
    let screen: String = {
        let buf = term.backend().buffer();
        (0..90)
            .map(|y| (0..160).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
            .collect()
    };
    let drawn = (0..50)
        .filter(|i| screen.contains(&format!("Running task {i:02}")))
        .count();
    assert_eq!(
        drawn, 50,
        "every running task is on a 90-line screen:\n{screen}"
    );

    // Navigation, filter, sort, open and back: the only effects are requests for the runner
    // (refresh), never work done in place; a poll result arriving between keys changes nothing.
    let keys = [
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::PageDown,
        KeyCode::Up,
        KeyCode::Char('s'),
        KeyCode::Char('S'),
        KeyCode::Char('/'),
        KeyCode::Char('1'),
        KeyCode::Esc,
        KeyCode::Char('G'),
        KeyCode::Char('g'),
    ];
    for round in 0..20 {
        for k in keys {
            let fx = app.on_event(Event::Key(KeyEvent::new(k, KeyModifiers::NONE)));
            assert!(
                fx.iter()
                    .all(|e| matches!(e, Effect::RefreshNow | Effect::Copy(_))),
                "{k:?}: {fx:?}"
            );
        }
        app.on_view(
            ViewJob::Pane(PaneKind::Tasks),
            Ok(ViewData::Tasks(conv::tasks(&fifty_running_tasks()))),
            Instant::now(),
            0,
        );
        if round % 5 == 0 {
            let mut drawn = None;
            term.draw(|f| drawn = Some(obtui::ui::draw(f, &app)))
                .unwrap();
            if let Some(d) = drawn {
                app.on_drawn(d);
            }
        }
    }
    assert_eq!(app.pane(PaneKind::Tasks).table.view.len(), 50);
}
