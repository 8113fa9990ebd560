//! Record and replay: the panes drawn from a recording of the simulator (`--record`, here a
//! client's recorder) and served back by `obtui sim --replay`'s server are the panes drawn
//! from the simulator itself; the recording holds no password and, redacted, no address.

use obtui::app::actions::Keymap;
use obtui::app::state::{App, Settings};
use obtui::config::Theme;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::poll::fetch::{fetch_view, Backends, ProgressSink};
use obtui::poll::Round;
use obtui_api::ocp::{OcpClient, OcpConfig};
use obtui_api::record::Recorder;
use obtui_api::secret::Secret;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOW: i64 = 1_704_067_200_000;

/// Every pane, fetched through `client` and drawn; the header line (it names the URL) is left
/// out.
async fn panes(client: OcpClient) -> Vec<String> {
    let b = Backends {
        ocp: Some(client),
        obshell: None,
    };
    let sink: ProgressSink = Arc::new(|_| {});
    let settings = Settings {
        profile: "p".into(),
        url: "http://x".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_secs(5),
        demo: false,
        ascii: false,
        insecure: false,
    };
    let mut app = App::new(
        settings,
        Theme::load("default", Path::new("/nonexistent")).0,
        Keymap::defaults(),
    );
    app.frozen_now = Some(NOW);
    let mut out = Vec::new();
    for kind in PaneKind::ALL {
        let job = ViewJob::Pane(kind);
        let (r, _) = fetch_view(b.clone(), job.clone(), Round { first: false }, sink.clone()).await;
        assert!(r.is_ok(), "{kind:?}: {r:?}");
        app.on_view(job, r, Instant::now(), 0);
        app.perform(match kind {
            PaneKind::Clusters => obtui::app::actions::Action::PaneClusters,
            PaneKind::Hosts => obtui::app::actions::Action::PaneHosts,
            PaneKind::Proxies => obtui::app::actions::Action::PaneProxies,
            PaneKind::Tasks => obtui::app::actions::Action::PaneTasks,
            PaneKind::Tenants => obtui::app::actions::Action::PaneTenants,
            PaneKind::Alarms => obtui::app::actions::Action::PaneAlarms,
            PaneKind::Events => obtui::app::actions::Action::PaneEvents,
        });
        let mut term = Terminal::new(TestBackend::new(160, 30)).unwrap();
        term.draw(|f| {
            obtui::ui::draw(f, &app);
        })
        .unwrap();
        let buf = term.backend().buffer();
        let text: Vec<String> = (1..30)
            .map(|y| (0..160).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect();
        out.push(text.join("\n"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_session_replays_to_the_same_panes() {
    let dir = std::env::temp_dir().join(format!("obtui-record-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sim = obtui_sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        obtui_sim::SimOptions {
            clock: obtui_sim::clock::Clock::manual_now(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let rec = Arc::new(Recorder::create(&dir, false).unwrap());
    let live = OcpClient::new(OcpConfig::new(sim.url(), "admin", Secret::new("aaAA11__")))
        .unwrap()
        .with_recorder(rec);
    let expected = panes(live).await;
    sim.shutdown().await;

    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(files.len() >= 4, "{} files", files.len());
    for f in &files {
        assert!(!f.contains("aaAA11__") && !f.contains("Basic "), "{f}");
    }

    let replay = obtui_sim::replay::start(SocketAddr::from(([127, 0, 0, 1], 0)), &dir)
        .await
        .unwrap();
    // Any credentials: the recording has none to check.
    let c = OcpClient::new(OcpConfig::new(replay.url(), "someone", Secret::new("x"))).unwrap();
    let got = panes(c).await;
    for (kind, (a, b)) in PaneKind::ALL.iter().zip(expected.iter().zip(&got)) {
        assert_eq!(a, b, "{kind:?} differs after replay");
    }
    // The panes have rows, not just an error or an empty table.
    for p in &expected {
        assert!(
            p.lines().filter(|l| !l.trim().is_empty()).count() > 5,
            "{p}"
        );
    }
    replay.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redacted_recording_keeps_no_address_of_the_estate() {
    let dir = std::env::temp_dir().join(format!("obtui-redact-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sim = obtui_sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), Default::default())
        .await
        .unwrap();
    let rec = Arc::new(Recorder::create(&dir, true).unwrap());
    let live = OcpClient::new(OcpConfig::new(sim.url(), "admin", Secret::new("aaAA11__")))
        .unwrap()
        .with_recorder(rec);
    let hosts = live
        .list_hosts(&Default::default(), &Default::default())
        .await
        .unwrap();
    let ip = hosts.contents[0]
        .inner_ip_address
        .clone()
        .unwrap_or_default();
    assert!(!ip.is_empty());
    sim.shutdown().await;
    let all: String = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        !all.contains(&format!("\"{ip}\"")),
        "{ip} still in the recording"
    );
    assert!(
        !all.contains("127.0.0.1"),
        "the server's address is redacted"
    );
    assert!(
        all.contains("198.18."),
        "addresses are replaced, not dropped"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The binary: `--record DIR --redact` writes the recording (no password, no address), and
/// `task show` against the replay of it prints what it printed against the simulator.
#[test]
fn the_binary_records_and_a_replay_answers_the_same() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("obtui-record-bin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sim = rt.block_on(async {
        obtui_sim::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            obtui_sim::SimOptions {
                clock: obtui_sim::clock::Clock::manual_now(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
    });
    let id = rt.block_on(async {
        let c =
            OcpClient::new(OcpConfig::new(sim.url(), "admin", Secret::new("aaAA11__"))).unwrap();
        // A finished task: its text does not move with the wall clock between the two runs.
        let failed = obtui_api::ocp::TaskFilter {
            status: vec!["FAILED".into()],
            ..Default::default()
        };
        c.list_tasks(&Default::default(), &failed)
            .await
            .unwrap()
            .contents[0]
            .id
            .to_string()
    });
    let run = |url: &str, extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_obtui"))
            .args(extra)
            .args(["task", "show", id.as_str(), "--width", "120", "--url", url])
            .env("OBTUI_PASSWORD", "aaAA11__")
            .env("XDG_CONFIG_HOME", "/nonexistent-obtui-test")
            .env_remove("OBTUI_ACCESS_KEY_ID")
            .output()
            .unwrap()
    };
    let d = dir.to_str().unwrap();
    let live = run(&sim.url(), &["--record", d, "--redact"]);
    assert!(
        !live.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    rt.block_on(sim.shutdown());
    let all: String = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(!all.is_empty() && !all.contains("aaAA11__") && !all.contains("127.0.0.1"));
    let replay = rt.block_on(obtui_sim::replay::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        &dir,
    ));
    let replay = replay.unwrap();
    let again = run(&replay.url(), &[]);
    // The same text, but for the server's address: redacted the same way everywhere.
    assert_eq!(
        String::from_utf8_lossy(&live.stdout).replace("127.0.0.1", "198.18.0.2"),
        String::from_utf8_lossy(&again.stdout)
    );
    rt.block_on(replay.shutdown());
    let _ = std::fs::remove_dir_all(&dir);
}
