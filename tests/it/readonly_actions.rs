//! Read-only mode cannot be bypassed from the state machine: every action of the registry, by its
//! default keys and called directly, every `:command`, mouse clicks over the whole screen and a
//! long random key storm, in every view (the four panes, detail, the DAG of a failed OCP task and
//! of a failed obshell DAG, its full-screen log, help, errors, filter and command modes) — and
//! every dialog answered "yes" — never yields a write effect.
//!
//! The same harness in read-write mode must reach writes (a confirmed operation, an opened
//! wizard), which proves it presses the keys that would send one. The real binary against a
//! simulator that counts writes is the second line (`tests/it/readonly_binary.rs`).

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use obtui::app::actions::{KeyCodeOrd, Keymap, SPECS};
use obtui::app::state::{App, Effect, Settings};
use obtui::app::wizard::WizardEffect;
use obtui::config::Theme;
use obtui::model::jobs::TaskJob;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui::poll::convert::ocp as conv;
use obtui_api::ocp::models::{Host, ObCluster, ObproxyCluster, Paged, TaskInstance};
use obtui_task::model::{Backend, NodeStatus, TaskGraph, TaskState};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::time::{Duration, Instant};

const NOW: i64 = 1_704_067_200_000;

fn fixture<T: serde::de::DeserializeOwned>(dir: &str, name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    serde_json::from_value(v["data"].clone()).unwrap()
}

fn loaded(read_only: bool) -> App {
    let settings = Settings {
        profile: "prod".into(),
        url: "http://127.0.0.1:8080".into(),
        user: "admin".into(),
        read_only,
        production: true,
        refresh: Duration::from_secs(5),
        demo: false,
        ascii: false,
        insecure: false,
    };
    let mut app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    app.frozen_now = Some(NOW);
    app.ocp_version = Some("4.3.1".into());
    let clusters: Paged<ObCluster> = fixture("ocp", "ob-clusters-list.json");
    let tasks: Paged<TaskInstance> = fixture("ocp", "tasks-instances-list.json");
    let hosts: Paged<Host> = fixture("ocp", "compute-hosts-list.json");
    let proxies: Paged<ObproxyCluster> = fixture("ocp", "obproxy-clusters-list.json");
    let at = Instant::now();
    app.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: conv::clusters(&clusters.contents),
            running: Ok(conv::tasks(&tasks.contents.clone())),
        }),
        at,
        0,
    );
    app.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Ok(ViewData::Hosts(conv::hosts(&hosts.contents))),
        at,
        0,
    );
    app.on_view(
        ViewJob::Pane(PaneKind::Proxies),
        Ok(ViewData::Proxies(conv::proxy_clusters(&proxies.contents))),
        at,
        0,
    );
    app.on_view(
        ViewJob::Pane(PaneKind::Tasks),
        Ok(ViewData::Tasks(conv::tasks(&tasks.contents))),
        at,
        0,
    );
    app
}

/// A task with a failed subtask: retry, skip, rollback, cancel and pass are all on offer.
fn failed_graph(backend: Backend) -> TaskGraph {
    let mut g = match backend {
        Backend::Ocp => {
            let t: TaskInstance = fixture("ocp", "task-instance-detail.json");
            TaskGraph::from(&t)
        }
        _ => {
            let v: serde_json::Value = serde_json::from_slice(
                &std::fs::read(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("tests/fixtures/obshell/dag-scale-out-failed.json"),
                )
                .unwrap(),
            )
            .unwrap();
            TaskGraph::from_obshell_dag(&v).unwrap()
        }
    };
    g.status = TaskState::Failed;
    if let Some(n) = g.nodes.iter_mut().find(|n| n.status != NodeStatus::Failed) {
        n.status = NodeStatus::Failed;
    }
    g
}

fn open_dag(app: &mut App, backend: Backend) {
    let g = failed_graph(backend);
    let id = g.id.clone();
    app.open_task(id.clone(), backend);
    app.on_task(TaskJob { task: id, backend }, Ok(g), Instant::now());
}

/// Draw once (the mouse needs the table geometry). A drawing panic is not what this file tests
/// (see `end_in_a_detail_view_draws`), so it is contained here and the sweep goes on.
fn render(app: &mut App) {
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut drawn = None;
        let r = term
            .draw(|f| drawn = Some(obtui::ui::draw(f, app)))
            .map(|_| ());
        if let Some(d) = drawn {
            app.on_drawn(d);
        }
        r
    }));
}

fn ev(code: KeyCode, mods: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, mods))
}

fn code_of(k: KeyCodeOrd) -> KeyCode {
    match k {
        KeyCodeOrd::Char(c) => KeyCode::Char(c),
        KeyCodeOrd::F(n) => KeyCode::F(n),
        KeyCodeOrd::Enter => KeyCode::Enter,
        KeyCodeOrd::Esc => KeyCode::Esc,
        KeyCodeOrd::Tab => KeyCode::Tab,
        KeyCodeOrd::BackTab => KeyCode::BackTab,
        KeyCodeOrd::Backspace => KeyCode::Backspace,
        KeyCodeOrd::Delete => KeyCode::Delete,
        KeyCodeOrd::Up => KeyCode::Up,
        KeyCodeOrd::Down => KeyCode::Down,
        KeyCodeOrd::Left => KeyCode::Left,
        KeyCodeOrd::Right => KeyCode::Right,
        KeyCodeOrd::PageUp => KeyCode::PageUp,
        KeyCodeOrd::PageDown => KeyCode::PageDown,
        KeyCodeOrd::Home => KeyCode::Home,
        KeyCodeOrd::End => KeyCode::End,
    }
}

/// Every default key of the registry as a terminal event.
fn all_default_keys() -> Vec<Event> {
    let km = Keymap::defaults();
    let mut out = Vec::new();
    for s in SPECS {
        for k in km.keys(s.action) {
            let mut m = KeyModifiers::NONE;
            if k.ctrl {
                m |= KeyModifiers::CONTROL;
            }
            if k.alt {
                m |= KeyModifiers::ALT;
            }
            let e = ev(code_of(k.code), m);
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    out
}

/// Answer whatever dialog is open with "yes", every way there is.
fn say_yes() -> Vec<Event> {
    let n = KeyModifiers::NONE;
    vec![
        ev(KeyCode::Char('y'), n),
        ev(KeyCode::Right, n),
        ev(KeyCode::Enter, n),
        ev(KeyCode::Tab, n),
        ev(KeyCode::Enter, n),
        ev(KeyCode::Char('Y'), n),
    ]
}

struct Scenario {
    name: &'static str,
    setup: fn(&mut App),
}

fn scenarios() -> Vec<Scenario> {
    fn pane(app: &mut App, k: PaneKind) {
        let a = match k {
            PaneKind::Clusters => obtui::app::actions::Action::PaneClusters,
            PaneKind::Hosts => obtui::app::actions::Action::PaneHosts,
            PaneKind::Proxies => obtui::app::actions::Action::PaneProxies,
            PaneKind::Tasks => obtui::app::actions::Action::PaneTasks,
            PaneKind::Tenants => obtui::app::actions::Action::PaneTenants,
            PaneKind::Alarms => obtui::app::actions::Action::PaneAlarms,
            PaneKind::Events => obtui::app::actions::Action::PaneEvents,
        };
        app.perform(a);
    }
    use obtui::app::actions::Action as A;
    vec![
        Scenario {
            name: "clusters",
            setup: |a| pane(a, PaneKind::Clusters),
        },
        Scenario {
            name: "hosts",
            setup: |a| pane(a, PaneKind::Hosts),
        },
        Scenario {
            name: "proxies",
            setup: |a| pane(a, PaneKind::Proxies),
        },
        Scenario {
            name: "tasks",
            setup: |a| pane(a, PaneKind::Tasks),
        },
        Scenario {
            name: "tenants",
            setup: |a| pane(a, PaneKind::Tenants),
        },
        Scenario {
            name: "alarms",
            setup: |a| pane(a, PaneKind::Alarms),
        },
        Scenario {
            name: "events",
            setup: |a| pane(a, PaneKind::Events),
        },
        Scenario {
            name: "cluster detail",
            setup: |a| {
                pane(a, PaneKind::Clusters);
                a.perform(A::Open);
            },
        },
        Scenario {
            name: "host detail",
            setup: |a| {
                pane(a, PaneKind::Hosts);
                a.perform(A::Open);
            },
        },
        Scenario {
            name: "proxy detail",
            setup: |a| {
                pane(a, PaneKind::Proxies);
                a.perform(A::Open);
            },
        },
        Scenario {
            name: "ocp dag",
            setup: |a| open_dag(a, Backend::Ocp),
        },
        Scenario {
            name: "obshell dag",
            setup: |a| open_dag(a, Backend::Obshell),
        },
        Scenario {
            name: "dag list view, full log",
            setup: |a| {
                open_dag(a, Backend::Ocp);
                a.perform(A::ToggleView);
                a.on_event(ev(KeyCode::Char('L'), KeyModifiers::NONE));
            },
        },
        Scenario {
            name: "errors",
            setup: |a| {
                a.perform(A::ErrorLog);
            },
        },
        Scenario {
            name: "help",
            setup: |a| {
                a.perform(A::Help);
            },
        },
    ]
}

fn is_write(e: &Effect) -> bool {
    match e {
        Effect::Operate { .. } => true,
        Effect::Wizard(w) => matches!(**w, WizardEffect::Submit(_)),
        _ => false,
    }
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    effects: Vec<(String, Effect)>,
    wizard_opened: bool,
}

impl Tally {
    fn feed(&mut self, app: &mut App, where_: &str, evs: &[Event]) {
        for e in evs {
            self.inputs += 1;
            for fx in app.on_event(e.clone()) {
                self.effects.push((format!("{where_} after {e:?}"), fx));
            }
            if app.wizard.is_some() {
                self.wizard_opened = true;
            }
            if app.quit {
                return;
            }
        }
    }
    fn writes(&self) -> Vec<&(String, Effect)> {
        self.effects.iter().filter(|(_, e)| is_write(e)).collect()
    }
}

fn fresh(read_only: bool, s: &Scenario) -> App {
    let mut app = loaded(read_only);
    (s.setup)(&mut app);
    render(&mut app);
    app
}

/// The whole sweep for one mode.
fn sweep(read_only: bool) -> Tally {
    let mut t = Tally::default();
    let keys = all_default_keys();
    let commands = [
        "create",
        "takeover",
        "upgrade",
        "proxy-takeover",
        "profile other",
        "login",
        "errors",
        "help",
    ];
    for s in scenarios() {
        // Each key (then yes to any dialog), and each action called directly.
        for k in &keys {
            let mut app = fresh(read_only, &s);
            t.feed(&mut app, s.name, std::slice::from_ref(k));
            t.feed(&mut app, s.name, &say_yes());
        }
        for spec in SPECS {
            let mut app = fresh(read_only, &s);
            t.inputs += 1;
            for fx in app.perform(spec.action) {
                t.effects
                    .push((format!("{} perform {:?}", s.name, spec.action), fx));
            }
            if app.wizard.is_some() {
                t.wizard_opened = true;
            }
            t.feed(&mut app, s.name, &say_yes());
        }
        // Every command, typed.
        for c in commands {
            let mut app = fresh(read_only, &s);
            let mut evs = vec![ev(KeyCode::Char(':'), KeyModifiers::NONE)];
            evs.extend(
                c.chars()
                    .map(|ch| ev(KeyCode::Char(ch), KeyModifiers::NONE)),
            );
            evs.push(ev(KeyCode::Enter, KeyModifiers::NONE));
            evs.extend(say_yes());
            t.feed(&mut app, s.name, &evs);
        }
        // Clicks over the whole screen, each twice (a second click opens), then yes.
        let mut app = fresh(read_only, &s);
        for y in 0..30u16 {
            for x in (0..100u16).step_by(4) {
                let click = Event::Mouse(MouseEvent {
                    kind: MouseEventKind::Down(MouseButton::Left),
                    column: x,
                    row: y,
                    modifiers: KeyModifiers::NONE,
                });
                t.feed(&mut app, s.name, &[click.clone(), click]);
                t.feed(&mut app, s.name, &say_yes());
                if app.quit || app.stack.len() > 3 {
                    app = fresh(read_only, &s);
                }
            }
        }
        // A random storm of registry keys, answers, Esc and typed letters.
        let mut rng = StdRng::seed_from_u64(s.name.len() as u64);
        let mut pool = keys.clone();
        pool.extend(say_yes());
        pool.push(ev(KeyCode::Esc, KeyModifiers::NONE));
        pool.extend(
            "abcxyz:"
                .chars()
                .map(|c| ev(KeyCode::Char(c), KeyModifiers::NONE)),
        );
        let mut app = fresh(read_only, &s);
        for _ in 0..1500 {
            let e = pool[rng.gen_range(0..pool.len())].clone();
            t.feed(&mut app, s.name, &[e]);
            if app.quit {
                app = fresh(read_only, &s);
            }
            if rng.gen_ratio(1, 50) {
                render(&mut app);
            }
        }
    }
    t
}

#[test]
fn read_only_never_yields_a_write() {
    let t = sweep(true);
    let writes = t.writes();
    assert!(
        writes.is_empty(),
        "{} writes in read-only mode, first: {:?}",
        writes.len(),
        writes.first()
    );
    assert!(!t.wizard_opened, "a wizard opened in read-only mode");
    assert!(
        !t.effects
            .iter()
            .any(|(_, e)| matches!(e, Effect::Wizard(_))),
        "a wizard effect in read-only mode"
    );
    eprintln!(
        "read-only: {} inputs, {} effects, 0 writes",
        t.inputs,
        t.effects.len()
    );
}

#[test]
fn the_same_sweep_reaches_writes_in_read_write_mode() {
    let t = sweep(false);
    assert!(
        t.effects
            .iter()
            .any(|(_, e)| matches!(e, Effect::Operate { .. })),
        "no confirmed operation reached: the harness would not see a bypass"
    );
    assert!(t.wizard_opened, "no wizard opened in read-write mode");
}

/// End in a detail view scrolls to `u16::MAX`, and ratatui's Paragraph then overflows
/// `area.height + scroll` while drawing: a panic in debug builds, a blank panel in release.
#[test]
fn end_in_a_detail_view_draws() {
    let mut app = loaded(true);
    app.perform(obtui::app::actions::Action::PaneHosts);
    app.perform(obtui::app::actions::Action::Open);
    app.on_event(ev(KeyCode::End, KeyModifiers::NONE));
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| {
        obtui::ui::draw(f, &app);
    })
    .unwrap();
}
