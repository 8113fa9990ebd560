//! A headless session driver for the wizard end-to-end tests: the real `App` and `Session`
//! (pollers, HTTP clients) against a simulator, keys in, background answers delivered, the
//! screen drawn into a `TestBackend`.

#![allow(dead_code)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::state::{App, Effect};
use obtui::app::wizard::{PrecheckItem, PrecheckState, StepKind, Wizard, WizardEffect};
use obtui::runtime::{deliver, Msg, Session};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A server (the simulator, or obshell agents) and the driver talking to it; derefs to the
/// driver.
pub struct Rig<S> {
    pub server: S,
    pub d: Driver,
}

impl<S> std::ops::Deref for Rig<S> {
    type Target = Driver;
    fn deref(&self) -> &Driver {
        &self.d
    }
}

impl<S> std::ops::DerefMut for Rig<S> {
    fn deref_mut(&mut self) -> &mut Driver {
        &mut self.d
    }
}

pub struct Driver {
    pub app: App,
    pub session: Session,
    pub rx: mpsc::Receiver<Msg>,
    pub term: Terminal<TestBackend>,
    /// Every wizard effect sent to the network, in order (to count submits).
    pub sent: Vec<WizardEffect>,
    /// How long `until` waits.
    pub deadline: Duration,
}

/// A driver for a plain OCP session against `url` (the simulator's password, refresh 200 ms):
/// the real app and session, as the end-to-end tests of panes and views use them.
pub fn ocp_driver(url: String) -> Driver {
    use obtui::app::actions::Keymap;
    use obtui::app::state::Settings;
    use obtui::config::Theme;
    use obtui_api::secret::Secret;
    let r = super::resolved("test", url, Duration::from_millis(200));
    let (tx, rx) = mpsc::channel(64);
    let session = Session::start(&r, Secret::new("aaAA11__"), None, &tx).unwrap();
    let settings = Settings {
        profile: "test".into(),
        url: r.url.clone(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_millis(200),
        demo: true,
        ascii: false,
        insecure: false,
    };
    let app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    Driver::new(app, session, rx, Duration::from_secs(30))
}

impl Driver {
    pub fn new(app: App, session: Session, rx: mpsc::Receiver<Msg>, deadline: Duration) -> Self {
        let d = Driver {
            app,
            session,
            rx,
            term: Terminal::new(TestBackend::new(120, 40)).expect("terminal"),
            sent: Vec::new(),
            deadline,
        };
        d.session.steer(&d.app);
        d
    }

    pub fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            if let Effect::Wizard(w) = &e {
                self.sent.push((**w).clone());
            }
            self.session.apply_network(e);
        }
        self.session.steer(&self.app);
    }

    pub fn press(&mut self, k: KeyEvent) {
        let effects = self.app.on_event(Event::Key(k));
        self.apply(effects);
    }

    pub fn code(&mut self, c: KeyCode) {
        self.press(KeyEvent::new(c, KeyModifiers::NONE));
    }

    pub fn typ(&mut self, s: &str) {
        for c in s.chars() {
            self.code(KeyCode::Char(c));
        }
    }

    /// Deliver background answers until `pred` holds (panics with the screen after the deadline).
    pub async fn until(&mut self, what: &str, pred: impl Fn(&App) -> bool) {
        let end = Instant::now() + self.deadline;
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
            self.session.steer(&self.app);
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&mut self) -> String {
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

    pub fn wiz(&self) -> &Wizard {
        self.app.wizard.as_ref().expect("a wizard is open")
    }

    pub fn focused(&self) -> &'static str {
        self.wiz().focused().map(|f| f.id).unwrap_or("")
    }

    /// On the precheck step: wait for the precheck to finish and return its items (panics if
    /// it could not run).
    pub async fn precheck_items(&mut self) -> Vec<PrecheckItem> {
        let kind = self.wiz().current_step().kind.clone();
        assert_eq!(kind, StepKind::Precheck, "{}", self.screen());
        self.until("the precheck", |a| {
            a.wizard.as_ref().is_some_and(|w| {
                matches!(
                    w.precheck.state,
                    PrecheckState::Done | PrecheckState::Failed(_)
                )
            })
        })
        .await;
        if let PrecheckState::Failed(e) = &self.wiz().precheck.state {
            panic!("the precheck could not run: {e}");
        }
        self.wiz().precheck.items.clone()
    }
}
