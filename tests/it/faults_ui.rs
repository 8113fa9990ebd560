//! The dashboard under server faults: the real poller and app against the simulator with
//! injected faults. Each case checks the app shows what is wrong (status, message, traceId),
//! keeps the last good data marked stale, stays usable, and recovers by itself.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::actions::Keymap;
use obtui::app::state::{App, Settings};
use obtui::config::Theme;
use obtui::model::pane::PaneKind;
use obtui::runtime::{deliver, spawn_view_poller, Msg};
use obtui_api::ocp::{OcpClient, OcpConfig};
use obtui_api::secret::Secret;
use obtui_sim::{self as sim, SimOptions};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(20);

fn app() -> App {
    let settings = Settings {
        profile: "test".into(),
        url: String::new(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_millis(100),
        demo: true,
        ascii: false,
        insecure: false,
    };
    App::new(settings, Theme::builtin_default(), Keymap::defaults())
}

struct Rig {
    app: App,
    rx: mpsc::Receiver<Msg>,
    poller: obtui::poll::PollerHandle<obtui::model::jobs::ViewJob>,
    url: String,
    http: reqwest::Client,
}

impl Rig {
    async fn new(url: &str, timeout: Duration) -> Rig {
        let mut cfg = OcpConfig::new(url, "admin", Secret::new("aaAA11__"));
        cfg.request_timeout = timeout;
        cfg.connect_timeout = Duration::from_secs(2);
        let client = OcpClient::new(cfg).unwrap();
        let (tx, rx) = mpsc::channel(32);
        let poller = spawn_view_poller(
            obtui::poll::fetch::Backends {
                ocp: Some(client),
                obshell: None,
            },
            tx,
        );
        let app = app();
        poller.set(app.view_job(), app.settings.refresh);
        Rig {
            app,
            rx,
            poller,
            url: url.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// Feed poller messages to the app until `pred` holds.
    async fn until(&mut self, what: &str, pred: impl Fn(&App) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !pred(&self.app) {
            let left = end.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(m)) => {
                    deliver(&mut self.app, m);
                }
                _ => panic!(
                    "timed out waiting for: {what}; pane error: {:?}",
                    self.pane().error.as_ref().map(|e| &e.message)
                ),
            }
            self.poller
                .set(self.app.view_job(), self.app.settings.refresh);
        }
    }

    fn pane(&self) -> &obtui::app::state::PaneState {
        self.app.pane(self.app.current_pane())
    }

    async fn fault(&self, body: serde_json::Value) {
        let r = self
            .http
            .post(format!("{}/sim/faults", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    async fn clear(&self) {
        self.http
            .delete(format!("{}/sim/faults", self.url))
            .send()
            .await
            .unwrap();
    }

    fn error_text(&self) -> String {
        self.pane()
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }
}

async fn sim() -> sim::SimHandle {
    sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_faults_show_status_keep_stale_data_and_recover() {
    let h = sim().await;
    let mut r = Rig::new(&h.url(), Duration::from_secs(2)).await;
    r.until("first data", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    let rows = r.pane().table.rows.len();
    assert!(rows > 0);

    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            serde_json::json!({"error_status": 500, "error_count": 1000, "error_body": true}),
            "HTTP 500",
        ),
        (
            serde_json::json!({"error_status": 500, "error_count": 1000, "error_body": false}),
            "HTTP 500",
        ),
        (
            serde_json::json!({"error_status": 502, "error_count": 1000, "error_body": false}),
            "HTTP 502",
        ),
        (
            serde_json::json!({"error_status": 503, "error_count": 1000, "error_body": true}),
            "HTTP 503",
        ),
        (
            serde_json::json!({"error_status": 429, "error_count": 1000, "error_body": true}),
            "HTTP 429",
        ),
        (
            serde_json::json!({"garbage_count": 1000}),
            "unreadable response",
        ),
        (serde_json::json!({"drop_count": 1000}), ""),
        (serde_json::json!({"latency_ms": 3000}), "timed out"),
    ];
    for (fault, expect) in cases {
        r.fault(fault.clone()).await;
        r.until(&format!("error for {fault}"), |a| {
            a.pane(PaneKind::Clusters).error.is_some()
        })
        .await;
        let msg = r.error_text();
        assert!(msg.contains(expect), "{fault}: {msg}");
        // The last good rows stay on screen, and input is still handled at once.
        assert_eq!(r.pane().table.rows.len(), rows, "{fault}");
        r.app.on_event(Event::Key(KeyEvent::new(
            KeyCode::Char('j'),
            KeyModifiers::NONE,
        )));
        r.app.on_event(Event::Key(KeyEvent::new(
            KeyCode::Char('2'),
            KeyModifiers::NONE,
        )));
        assert_eq!(r.app.current_pane(), PaneKind::Hosts);
        r.app.on_event(Event::Key(KeyEvent::new(
            KeyCode::Char('1'),
            KeyModifiers::NONE,
        )));
        r.poller.set(r.app.view_job(), r.app.settings.refresh);
        r.clear().await;
        r.poller.refresh();
        r.until(&format!("recovery from {fault}"), |a| {
            a.pane(PaneKind::Clusters).error.is_none()
        })
        .await;
    }
    // The server's traceId of an enveloped error reached the error history.
    assert!(
        r.app.notify.errors.iter().any(|e| e.trace_id.is_some()),
        "{:?}",
        r.app.notify.errors.back()
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_changed_mid_session_shows_401() {
    let h = sim().await;
    let mut r = Rig::new(&h.url(), Duration::from_secs(2)).await;
    r.until("first data", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    r.http
        .post(format!("{}/sim/password", h.url()))
        .json(&serde_json::json!({"password": "changed"}))
        .send()
        .await
        .unwrap();
    r.poller.refresh();
    r.until("401", |a| a.pane(PaneKind::Clusters).error.is_some())
        .await;
    assert!(r.error_text().contains("HTTP 401"), "{}", r.error_text());
    assert!(r.pane().loaded, "old data kept");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restart_and_refused_connections_recover() {
    let h = sim().await;
    let addr = h.addr;
    let mut r = Rig::new(&h.url(), Duration::from_secs(2)).await;
    r.until("first data", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    h.shutdown().await;
    r.poller.refresh();
    r.until("connection refused", |a| {
        a.pane(PaneKind::Clusters).error.is_some()
    })
    .await;
    assert!(
        r.error_text().contains("connection refused"),
        "{}",
        r.error_text()
    );
    // Back on the same port: the poller's backoff finds it again by itself.
    let h2 = sim::start(addr, SimOptions::default()).await.unwrap();
    r.until("recovery after restart", |a| {
        a.pane(PaneKind::Clusters).error.is_none()
    })
    .await;
    h2.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_failure_is_named() {
    let mut r = Rig::new(
        "http://obtui-nonexistent.invalid:8080",
        Duration::from_secs(2),
    )
    .await;
    r.until("dns error", |a| a.pane(PaneKind::Clusters).error.is_some())
        .await;
    let m = r.error_text();
    assert!(
        m.contains("name not resolved") || m.contains("dns") || m.contains("resolve"),
        "{m}"
    );
    assert!(!r.pane().loaded);
}

/// One failed request is one entry in the error history (`E`), with its traceId: the footer
/// flash of a pane error must not remember the same error a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_server_error_is_one_history_entry() {
    let h = sim().await;
    let mut r = Rig::new(&h.url(), Duration::from_secs(2)).await;
    r.until("first data", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    assert!(r.app.notify.errors.is_empty(), "{:?}", r.app.notify.errors);
    r.fault(serde_json::json!({
        "error_status": 500, "error_count": 1, "error_body": true,
        "path_prefix": "/api/v2/ob/clusters"
    }))
    .await;
    r.poller.refresh();
    r.until("the error", |a| a.pane(PaneKind::Clusters).error.is_some())
        .await;
    r.until("recovery", |a| a.pane(PaneKind::Clusters).error.is_none())
        .await;
    let errors: Vec<_> = r.app.notify.errors.iter().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].trace_id.is_some(), "{errors:?}");
    assert!(errors[0].message.contains("HTTP 500"), "{errors:?}");
    h.shutdown().await;
}
