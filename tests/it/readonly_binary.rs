//! Read-only mode, second line of defence: the real binary with `--read-only` in a terminal
//! (tmux) against a simulator wrapped in a layer that counts every write it receives. Every
//! default key in every view, each followed by "yes" to whatever dialog it opened, every wizard
//! command, and mouse clicks over the screen: the simulator sees zero writes.

use crate::common;

use common::tmux::{bin, Tmux};
use obtui::app::actions::{Action, ActionSpec, KeyCodeOrd, Keymap, Scope, SPECS};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

/// A simulator whose router counts requests that would change something.
struct CountingSim {
    url: String,
    writes: Arc<AtomicUsize>,
    reads: Arc<AtomicUsize>,
    _rt: tokio::runtime::Runtime,
}

fn start_counting_sim() -> CountingSim {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let writes = Arc::new(AtomicUsize::new(0));
    let reads = Arc::new(AtomicUsize::new(0));
    let (w, r) = (writes.clone(), reads.clone());
    let url = rt.block_on(async move {
        let state = obtui_sim::SimState::new(obtui_sim::SimOptions {
            seed: 3,
            fail_subtasks: vec!["Run io calibration".into()],
            ..Default::default()
        });
        let app = obtui_sim::router(state.clone()).layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let (w, r) = (w.clone(), r.clone());
                async move {
                    let m = req.method().clone();
                    let control = req.uri().path().starts_with("/sim/");
                    if !control {
                        if m == axum::http::Method::GET || m == axum::http::Method::HEAD {
                            r.fetch_add(1, Ordering::SeqCst);
                        } else {
                            w.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    next.run(req).await
                }
            },
        ));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let svc = app.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, svc).await;
        });
        // Tasks advance (and fail) as in the real simulator.
        tokio::spawn(async move {
            let mut iv = tokio::time::interval(obtui_sim::TICK);
            loop {
                iv.tick().await;
                state.tick();
            }
        });
        format!("http://{addr}")
    });
    CountingSim {
        url,
        writes,
        reads,
        _rt: rt,
    }
}

/// A registry key as tmux `send-keys` arguments: (literal?, text).
fn tmux_key(k: &obtui::app::actions::Key) -> Option<(bool, String)> {
    let base = match k.code {
        KeyCodeOrd::Char(c) => {
            if k.ctrl || k.alt {
                c.to_string()
            } else {
                return Some((true, c.to_string()));
            }
        }
        KeyCodeOrd::F(n) => format!("F{n}"),
        KeyCodeOrd::Enter => "Enter".into(),
        KeyCodeOrd::Esc => "Escape".into(),
        KeyCodeOrd::Tab => "Tab".into(),
        KeyCodeOrd::BackTab => "BTab".into(),
        KeyCodeOrd::Backspace => "BSpace".into(),
        KeyCodeOrd::Delete => "DC".into(),
        KeyCodeOrd::Up => "Up".into(),
        KeyCodeOrd::Down => "Down".into(),
        KeyCodeOrd::Left => "Left".into(),
        KeyCodeOrd::Right => "Right".into(),
        KeyCodeOrd::PageUp => "PPage".into(),
        KeyCodeOrd::PageDown => "NPage".into(),
        KeyCodeOrd::Home => "Home".into(),
        KeyCodeOrd::End => "End".into(),
    };
    let mut s = String::new();
    if k.ctrl {
        s.push_str("C-");
    }
    if k.alt {
        s.push_str("M-");
    }
    s.push_str(&base);
    Some((false, s))
}

fn press(t: &Tmux, k: &(bool, String)) {
    if k.0 {
        t.literal(&k.1);
    } else if k.1 == "Escape" {
        esc(t);
    } else {
        t.keys(&[&k.1]);
    }
}

/// A lone Escape. A terminal cannot tell "Esc, then 1" from "Alt-1" when both bytes arrive in
/// one read, so a person's typing gap is kept after it (this waits on no server).
fn esc(t: &Tmux) {
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(20));
}

/// "Yes" to any dialog, every way there is; then back out of whatever opened.
fn yes_and_back(t: &Tmux) {
    t.literal("y");
    t.keys(&["Right", "Enter"]);
    t.literal("Y");
    esc(t);
    // A filter typed by the answers above would hide rows from the next key: clear it.
    t.literal("/");
    esc(t);
    back_to_a_pane(t);
}

/// Escape until the screen is a pane again (no breadcrumb trail, no overlay), whatever the
/// last keys opened.
fn back_to_a_pane(t: &Tmux) {
    for _ in 0..10 {
        let s = t.screen();
        let crumbs = s.lines().nth(1).unwrap_or("");
        if !crumbs.contains('›') && !s.contains("any other key closes") {
            return;
        }
        esc(t);
    }
}

fn click(t: &Tmux, x: u16, y: u16) {
    // SGR mouse report (1-based), press and release, as a terminal sends it.
    t.literal(&format!("\x1b[<0;{};{}M", x + 1, y + 1));
    t.literal(&format!("\x1b[<0;{};{}m", x + 1, y + 1));
}

fn lit(s: &str) -> (bool, String) {
    (true, s.to_string())
}
fn named(s: &str) -> (bool, String) {
    (false, s.to_string())
}

/// The default keys of the registry actions that `pick` selects (never Quit, which ends the run).
fn registry_keys(pick: impl Fn(&ActionSpec) -> bool) -> Vec<(bool, String)> {
    let km = Keymap::defaults();
    let mut keys = Vec::new();
    for spec in SPECS {
        if matches!(spec.action, Action::Quit) || !pick(spec) {
            continue;
        }
        for k in km.keys(spec.action) {
            if let Some(tk) = tmux_key(k) {
                if !keys.contains(&tk) {
                    keys.push(tk);
                }
            }
        }
    }
    keys
}

/// The DAG of the simulator's seeded failed upgrade: retry, rollback and skip are on offer.
fn failed_dag_view() -> View {
    (
        vec![
            lit("4"),
            // The filter stays on the pane: clear what the last round left, then filter.
            lit("/"),
            named("Escape"),
            lit("/"),
            lit("FAILED"),
            named("Enter"),
            named("Enter"),
        ],
        "T retry",
    )
}

struct Session {
    t: Tmux,
    dir: std::path::PathBuf,
}

fn start_app(name: &str, sim: &CountingSim, read_only: bool) -> Session {
    let dir = std::env::temp_dir().join(format!("obtui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let xdg = dir.to_string_lossy().to_string();
    let mut cmd = vec![
        "env".to_string(),
        format!("XDG_CONFIG_HOME={xdg}"),
        format!("XDG_STATE_HOME={xdg}"),
        "OBTUI_PASSWORD=aaAA11__".into(),
        bin().into(),
        "--url".into(),
        sim.url.clone(),
        "--user".into(),
        "admin".into(),
    ];
    if read_only {
        cmd.push("--read-only".into());
    }
    let argv: Vec<&str> = cmd.iter().map(String::as_str).collect();
    let t = Tmux::start(name, 120, 36, &[], &argv);
    let s = t.wait_text("Clusters [", T);
    assert_eq!(s.contains(" RO"), read_only, "badge:\n{s}");
    // The tasks pane has its rows before any key looks for one.
    t.literal("4");
    t.wait_for("tasks loaded", T, |s| {
        s.contains("Tasks [") && !s.contains("Tasks [0]") && !s.contains("loading")
    });
    t.literal("1");
    t.wait_text("Clusters [", T);
    Session { t, dir }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// From each view: each key, then yes to whatever it opened, then back out.
/// A view: the keys that reach it and a text on screen once it has its data.
type View = (Vec<(bool, String)>, &'static str);

/// From each view, its keys (`extras`: also every wizard command and clicks over the screen).
/// A view, the keys to press there, and whether to add the wizard commands and clicks.
type Plan = (View, Vec<(bool, String)>, bool);

fn sweep(t: &Tmux, views: &[Plan]) -> usize {
    let mut pressed = 0usize;
    for ((v, ready), keys, extras) in views {
        let mut last: Option<&(bool, String)> = None;
        for k in keys {
            back_to_a_pane(t);
            for key in v {
                press(t, key);
            }
            t.wait_for(&format!("{ready:?} after key {last:?}"), T, |s| {
                s.contains(ready)
            });
            last = Some(k);
            press(t, k);
            yes_and_back(t);
            pressed += 1;
        }
        if *extras {
            for cmd in ["create", "takeover", "upgrade", "proxy-takeover"] {
                t.literal(":");
                t.literal(cmd);
                t.keys(&["Enter"]);
                yes_and_back(t);
            }
            for key in v {
                press(t, key);
            }
            for y in (0..36).step_by(3) {
                for x in (0..120).step_by(10) {
                    click(t, x, y);
                    click(t, x, y);
                    t.literal("y");
                    t.keys(&["Enter"]);
                }
            }
        }
        // Catch up before the next view: the app has read every key sent so far.
        esc(t);
        esc(t);
        esc(t);
        t.literal("2");
        t.wait_for("hosts pane after the sweep", T, |s| s.contains("Hosts ["));
        assert!(!t.dead(), "obtui exited during the sweep:\n{}", t.screen());
    }
    pressed
}

#[test]
fn read_only_binary_sends_no_write() {
    let sim = start_counting_sim();
    // The counter itself works: one write through the layer.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/api/v2/tasks/instances/1/retry", sim.url))
            .basic_auth("admin", Some("wrong"))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(status.is_client_error());
    assert_eq!(sim.writes.swap(0, Ordering::SeqCst), 1);

    let s = start_app("ro", &sim, true);
    // Each view gets the keys of its scopes; the global and table keys once, from the clusters
    // pane. End is left out of the detail view: it crashes debug builds today (see
    // `readonly_actions::end_in_a_detail_view_draws`).
    let scoped = |scopes: &'static [Scope]| registry_keys(move |s| scopes.contains(&s.scope));
    let detail_keys = registry_keys(|s| {
        matches!(s.scope, Scope::Detail | Scope::Global) && s.action != Action::End
    });
    let views = [
        (
            (vec![lit("1")], "Clusters ["),
            scoped(&[Scope::Global, Scope::Table, Scope::Clusters]),
            true,
        ),
        (
            (vec![lit("3")], "OBProxy ["),
            scoped(&[Scope::Proxies]),
            false,
        ),
        ((vec![lit("4")], "Tasks ["), scoped(&[Scope::Tasks]), true),
        (
            (vec![lit("1"), named("Enter")], "cluster "),
            detail_keys,
            false,
        ),
        (
            (vec![lit("4"), named("Enter")], "task "),
            scoped(&[Scope::Dag]),
            false,
        ),
        (
            failed_dag_view(),
            scoped(&[Scope::Dag, Scope::Global]),
            true,
        ),
    ];
    let reads_before = sim.reads.load(Ordering::SeqCst);
    let pressed = sweep(&s.t, &views);
    assert!(pressed > 60, "{pressed}");
    assert!(
        sim.reads.load(Ordering::SeqCst) > reads_before,
        "the app did talk to the simulator"
    );
    assert_eq!(
        sim.writes.load(Ordering::SeqCst),
        0,
        "the simulator received writes from a read-only session"
    );
    s.t.literal("q");
    s.t.wait_for("exit", T, |_| s.t.dead());
    drop(s);

    // Then read-write, on the failed task: the same harness does reach the server, so the
    // read-only sweep above would have seen a bypass.
    {
        let s = start_app("rw", &sim, false);
        // One write is enough (and the task is no longer failed after it).
        let retry = registry_keys(|s| s.action == Action::RetryTask);
        sweep(&s.t, &[(failed_dag_view(), retry, false)]);
        let w = sim.writes.swap(0, Ordering::SeqCst);
        assert!(
            w > 0,
            "read-write mode sent no write: the sweep cannot see one"
        );
        s.t.literal("q");
        s.t.wait_for("exit", T, |_| s.t.dead());
    }
}
