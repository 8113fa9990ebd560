//! The fleet view, headless: two simulators open at once as two profiles, through the real
//! app, sessions and pollers (`runtime::start_fleet`). Rows merge with a PROFILE column; a
//! failing profile is marked stale (rows and header) while the other keeps refreshing; a
//! refused login reads "login needed"; read-only is the row's own profile's; an operation's
//! confirmation and a wizard's question name the row's profile.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::actions::Keymap;
use obtui::app::fleet::{row_member, MemberState};
use obtui::app::state::{App, Settings, View};
use obtui::config::Theme;
use obtui::model::pane::PaneKind;
use obtui::runtime::fleet::{forward, FleetMember};
use obtui::runtime::{deliver, start_fleet, Msg, Session, Sessions};
use obtui_api::secret::Secret;
use obtui_sim::{self as sim, SimHandle, SimOptions};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

use crate::common;

const PW: &str = "aaAA11__";

struct Fleet {
    app: App,
    sessions: Sessions,
    rx: mpsc::Receiver<Msg>,
    term: Terminal<TestBackend>,
    sims: Vec<SimHandle>,
}

/// Profile `alpha` (seed 1) and `beta` (seed 2); `beta_ro`: beta is read-only; `beta_pw`:
/// the password beta's session uses.
async fn fleet(beta_ro: bool, beta_pw: &str) -> Fleet {
    let a = sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .expect("simulator a");
    let b = sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions {
            seed: 2,
            ..Default::default()
        },
    )
    .await
    .expect("simulator b");
    let refresh = Duration::from_millis(150);
    let ra = common::resolved("alpha", a.url(), refresh);
    let mut rb = common::resolved("beta", b.url(), refresh);
    rb.read_only = beta_ro;
    let settings = Settings {
        profile: "alpha".into(),
        url: a.url(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh,
        demo: true,
        ascii: false,
        insecure: false,
    };
    let mut app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    let (tx, rx) = mpsc::channel(64);
    let first_tx = forward(|m| Msg::Member(0, Box::new(m)), &tx);
    let s = Session::start(&ra, Secret::new(PW), None, &first_tx).expect("session a");
    let mut sessions = Sessions::single(s, ra);
    let members = [FleetMember {
        resolved: rb,
        password: Secret::new(beta_pw),
        obshell_password: None,
    }];
    start_fleet(&mut app, &mut sessions, &members, false, None, &tx);
    sessions.steer(&app);
    Fleet {
        app,
        sessions,
        rx,
        term: Terminal::new(TestBackend::new(140, 40)).expect("terminal"),
        sims: vec![a, b],
    }
}

impl Fleet {
    fn apply(&mut self, effects: Vec<obtui::app::state::Effect>) {
        for e in effects {
            if let Some(s) = self.sessions.get(self.app.fleet_active()) {
                s.apply_network(e);
            }
        }
        self.sessions.steer(&self.app);
    }

    fn press(&mut self, k: KeyEvent) {
        let effects = self.app.on_event(Event::Key(k));
        self.apply(effects);
    }

    fn key(&mut self, c: KeyCode) {
        self.press(KeyEvent::new(c, KeyModifiers::NONE));
    }

    async fn until(&mut self, what: &str, pred: impl Fn(&App) -> bool) {
        let end = Instant::now() + Duration::from_secs(30);
        while !pred(&self.app) {
            let left = end.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(m)) => {
                    let effects = deliver(&mut self.app, m);
                    self.apply(effects);
                }
                _ => {
                    let screen = self.screen();
                    panic!("timed out waiting for: {what}\n{screen}");
                }
            }
            self.sessions.steer(&self.app);
        }
    }

    fn screen(&mut self) -> String {
        let app = &mut self.app;
        let mut drawn = None;
        self.term
            .draw(|f| drawn = Some(obtui::ui::draw(f, app)))
            .expect("draw");
        if let Some(d) = drawn {
            app.on_drawn(d);
        }
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    /// Select the first row of member `m` in the pane on screen that `pick` accepts.
    fn select_member_row(&mut self, m: usize, pick: impl Fn(&[String]) -> bool) {
        let kind = self.app.current_pane();
        let t = &mut self.app.pane_mut(kind).table;
        let id = t
            .rows
            .iter()
            .find(|r| row_member(r) == Some(m) && pick(&r.cells))
            .map(|r| r.id.clone())
            .unwrap_or_else(|| panic!("no row of member {m}"));
        assert!(t.select_id(&id));
    }

    async fn shutdown(self) {
        drop(self.sessions);
        for s in self.sims {
            s.shutdown().await;
        }
    }
}

fn both_loaded(a: &App, k: PaneKind) -> bool {
    let rows = &a.pane(k).table.rows;
    rows.iter().any(|r| row_member(r) == Some(0)) && rows.iter().any(|r| row_member(r) == Some(1))
}

fn state_of(a: &App, name: &str) -> Option<MemberState> {
    a.fleet_summary()
        .into_iter()
        .find(|m| m.name == name)
        .map(|m| m.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_of_every_profile_merge_with_a_profile_column() {
    let mut f = fleet(false, PW).await;
    f.until("clusters of both profiles", |a| {
        both_loaded(a, PaneKind::Clusters)
    })
    .await;
    let screen = f.screen();
    assert!(screen.contains("PROFILE"), "{screen}");
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains("alpha: fresh"), "{header}");
    assert!(header.contains("beta: fresh"), "{header}");
    // Each profile's rows say whose they are, in the first column.
    let rows = &f.app.pane(PaneKind::Clusters).table.rows;
    for r in rows {
        let want = if row_member(r) == Some(0) {
            "alpha"
        } else {
            "beta"
        };
        assert_eq!(r.cells[0], want, "{:?}", r.cells);
    }
    // The same cluster id on both servers is two rows.
    let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), rows.len());

    // Opening a beta row's detail fetches it from beta's server: its name is beta's.
    f.select_member_row(1, |_| true);
    let name = f
        .app
        .pane(PaneKind::Clusters)
        .table
        .selected_row()
        .map(|r| r.cells[1].clone())
        .unwrap();
    f.key(KeyCode::Enter);
    assert_eq!(f.app.settings.profile, "beta");
    f.until("beta's cluster detail", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    let screen = f.screen();
    assert!(screen.contains("profile beta"), "{screen}");
    assert!(screen.contains(&format!("Cluster {name}")), "{screen}");
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_profile_is_marked_stale_and_never_blocks_the_others() {
    let mut f = fleet(false, PW).await;
    // The hosts pane: one request a round, so it refreshes at the configured interval.
    f.key(KeyCode::Char('2'));
    f.until("hosts of both profiles", |a| {
        both_loaded(a, PaneKind::Hosts)
    })
    .await;
    // Beta's server fails every request from now on.
    let r = reqwest::Client::new()
        .post(format!("{}/sim/faults", f.sims[1].url()))
        .json(&serde_json::json!({"error_status": 503, "error_count": 1_000_000}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    f.until("beta stale", |a| {
        state_of(a, "beta") == Some(MemberState::Stale)
    })
    .await;
    // Alpha goes on refreshing: a later round still arrives.
    let alpha_ok =
        |a: &App| a.fleet.as_ref().unwrap().members[0].panes[PaneKind::Hosts.index()].last_ok;
    let before = alpha_ok(&f.app);
    assert!(before.is_some());
    f.until("alpha refreshed after beta failed", |a| {
        alpha_ok(a) > before
    })
    .await;
    assert_eq!(state_of(&f.app, "alpha"), Some(MemberState::Fresh));
    // Beta's rows stay, marked stale; alpha's are not.
    let rows = &f.app.pane(PaneKind::Hosts).table.rows;
    assert!(rows
        .iter()
        .filter(|r| row_member(r) == Some(1))
        .all(|r| r.cells[0] == "beta stale"));
    assert!(rows
        .iter()
        .filter(|r| row_member(r) == Some(0))
        .all(|r| r.cells[0] == "alpha"));
    let screen = f.screen();
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains("beta: stale"), "{header}");
    assert!(header.contains("alpha: fresh"), "{header}");
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_reads_login_needed_for_that_profile_only() {
    let mut f = fleet(false, "wrong-password").await;
    f.until("beta refused", |a| {
        state_of(a, "beta") == Some(MemberState::LoginNeeded)
            && a.pane(PaneKind::Clusters)
                .table
                .rows
                .iter()
                .any(|r| row_member(r) == Some(0))
    })
    .await;
    assert_eq!(state_of(&f.app, "alpha"), Some(MemberState::Fresh));
    let screen = f.screen();
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or("")
            .contains("beta: login needed"),
        "{screen}"
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_is_the_rows_own_profiles() {
    let mut f = fleet(true, PW).await;
    f.until("clusters of both profiles", |a| {
        both_loaded(a, PaneKind::Clusters)
    })
    .await;
    // Beta's rows say RO; alpha's do not.
    let rows = &f.app.pane(PaneKind::Clusters).table.rows;
    assert!(rows
        .iter()
        .filter(|r| row_member(r) == Some(1))
        .all(|r| r.cells[0] == "beta RO"));
    assert!(rows
        .iter()
        .filter(|r| row_member(r) == Some(0))
        .all(|r| r.cells[0] == "alpha"));

    // On a beta row a write is refused.
    f.select_member_row(1, |_| true);
    f.key(KeyCode::Char('u'));
    assert!(f.app.settings.read_only);
    assert!(f.app.wizard.is_none());
    assert!(f.screen().contains(" RO "));

    // On an alpha row the upgrade wizard opens, and names alpha where it writes.
    f.select_member_row(0, |_| true);
    f.key(KeyCode::Char('u'));
    assert!(!f.app.settings.read_only);
    let w = f.app.wizard.as_ref().expect("upgrade wizard on alpha");
    assert!(w.question().contains("profile alpha"), "{}", w.question());
    assert!(w.title().contains("profile alpha"), "{}", w.title());
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operations_confirmation_names_the_rows_profile() {
    let mut f = fleet(false, PW).await;
    f.key(KeyCode::Char('4'));
    f.until("a failed task of beta", |a| {
        a.pane(PaneKind::Tasks)
            .table
            .rows
            .iter()
            .any(|r| row_member(r) == Some(1) && r.cells.iter().any(|c| c.contains("FAILED")))
            && both_loaded(a, PaneKind::Tasks)
    })
    .await;
    f.select_member_row(1, |c| c.iter().any(|c| c.contains("FAILED")));
    f.key(KeyCode::Enter);
    assert!(matches!(f.app.view(), View::Dag(_)));
    assert_eq!(f.app.settings.profile, "beta");
    f.until("the task's graph", |a| {
        a.dag.as_ref().is_some_and(|d| d.graph().is_some())
    })
    .await;
    f.press(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
    let c = f
        .app
        .dag
        .as_ref()
        .and_then(|d| d.confirm.as_ref())
        .expect("a confirmation");
    assert_eq!(c.lines.first().map(String::as_str), Some("Profile: beta"));
    let screen = f.screen();
    assert!(screen.contains("Profile: beta"), "{screen}");
    // While the DAG is open, alpha's rows do not steal the focus.
    f.key(KeyCode::Esc);
    assert_eq!(f.app.settings.profile, "beta");
    f.shutdown().await;
}
