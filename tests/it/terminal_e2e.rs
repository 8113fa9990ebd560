//! The terminal under abuse, with the real binary in tmux: a 20x5 window and back, a resize
//! storm, a C locale (ASCII only), Ctrl-C and SIGINT, Ctrl-Z with `fg` under a job-control
//! shell, and a panic. (`tests/tui_e2e.rs` covers SIGTERM, SIGHUP and TERM=dumb.)

use crate::common;

use common::sim::LoopbackSim;
use common::tmux::{bin, Tmux};
use std::process::Command;
use std::time::Duration;

const T: Duration = Duration::from_secs(20);
/// Exits get longer: shutting down the HTTP pools and pollers on a loaded machine.
const EXIT: Duration = Duration::from_secs(40);

/// tmux commands the helper does not wrap, on the same server (`Tmux::start` names its socket
/// `obtui-test-<name>-<pid>`).
fn tmux(name: &str, args: &[&str]) {
    let socket = format!("obtui-test-{name}-{}", std::process::id());
    let out = Command::new("tmux")
        .arg("-L")
        .arg(&socket)
        .args(args)
        .output()
        .expect("tmux");
    assert!(
        out.status.success(),
        "tmux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn resize(name: &str, w: u16, h: u16) {
    tmux(
        name,
        &[
            "resize-window",
            "-t",
            name,
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ],
    );
}

/// A simulator on loopback for the binary to talk to. (`obtui demo` would do, but it also
/// generates obshell agent keys, and quitting waits for that: see `EXIT`.)
struct Lab {
    /// Kept alive (and shut down on drop) for as long as the test runs.
    _sim: LoopbackSim,
    url: String,
}

impl Lab {
    fn start() -> Lab {
        let sim = LoopbackSim::start(obtui_sim::SimOptions::default());
        let url = sim.url.clone();
        Lab { _sim: sim, url }
    }

    /// The command line that runs obtui against this simulator.
    fn argv(&self) -> Vec<String> {
        vec![
            "OBTUI_PASSWORD=aaAA11__".into(),
            bin().into(),
            "--url".into(),
            self.url.clone(),
            "--user".into(),
            "admin".into(),
        ]
    }
}

/// obtui in tmux against a fresh simulator, its first screen loaded.
fn start_obtui(name: &str, env: &[&str]) -> (Tmux, Lab) {
    let lab = Lab::start();
    let argv = lab.argv();
    let mut cmd: Vec<&str> = vec!["env"];
    cmd.extend_from_slice(env);
    cmd.extend(argv.iter().map(String::as_str));
    let t = Tmux::start(name, 120, 30, &[], &cmd);
    t.wait_text("terran", T);
    (t, lab)
}

#[test]
fn tiny_window_says_so_and_recovers() {
    let name = "tiny";
    let (t, _lab) = start_obtui(name, &[]);
    resize(name, 20, 5);
    let s = t.wait_for("the too-small message", T, |s| {
        s.contains("obtui") && s.contains("needs") && !s.contains("terran")
    });
    assert!(!t.dead(), "no crash at 20x5:\n{s}");
    for (w, h) in [(1, 1), (2, 1), (59, 19), (60, 20)] {
        resize(name, w, h);
    }
    resize(name, 120, 30);
    t.wait_text("terran", T);
    t.literal("2");
    t.wait_text("Hosts [", T);
    let pid = t.pane_pid();
    t.literal("q");
    // tmux records the status late (after 1x1 it can lag for long): the zombie's code counts.
    t.wait_for("exit", EXIT, |_| t.exit_code(pid).is_some());
    assert_eq!(t.exit_code(pid), Some(0), "{}", t.screen());
}

#[test]
fn resize_storm_then_keys_still_work() {
    use rand::{Rng, SeedableRng};
    let name = "storm";
    let (t, _lab) = start_obtui(name, &[]);
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    // From 2x2 up: at 1x1 tmux itself (not obtui) sometimes falls over.
    for _ in 0..150 {
        resize(name, rng.gen_range(2..250), rng.gen_range(2..80));
    }
    resize(name, 120, 30);
    // The last size is drawn before a key is sent, so the key meets a settled screen.
    t.wait_for("a frame at 120x30", T, |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.starts_with(" obtui") && l.chars().count() >= 110)
            && s.contains("terran")
    });
    t.literal("2");
    t.wait_text("Hosts [", T);
    t.literal("4");
    t.wait_text("Tasks [", T);
    assert!(!t.dead());
    // No quit here: after a storm tmux's own server sometimes dies (its socket gone, the pane
    // unreadable), which would fail this test for tmux's sake; `tiny_window_says_so_and_recovers`
    // checks the clean exit after resizes.
}

/// Status glyphs fall back to ASCII under a C locale.
#[test]
fn c_locale_uses_ascii_status_glyphs() {
    let (t, _lab) = start_obtui("clocale", &["LANG=C", "LC_ALL=C", "LC_CTYPE=C"]);
    t.literal("4");
    let s = t.wait_text("Tasks [", T);
    for g in ['✔', '●', '✖', '⠋', '◌', '⊘'] {
        assert!(!s.contains(g), "{g} under LANG=C:\n{s}");
    }
    t.literal("q");
    t.wait_for("exit", EXIT, |_| t.dead());
}

/// Everything, borders and punctuation included, is ASCII under a C locale (a terminal in that
/// locale shows anything else as mojibake).
#[test]
fn c_locale_draws_ascii_only() {
    let (t, _lab) = start_obtui("clocale-all", &["LANG=C", "LC_ALL=C", "LC_CTYPE=C"]);
    t.literal("4");
    let s = t.wait_text("Tasks [", T);
    assert!(
        s.is_ascii(),
        "non-ASCII on screen under LANG=C: {:?}",
        s.chars().filter(|c| !c.is_ascii()).collect::<String>()
    );
    t.literal("q");
    t.wait_for("exit", EXIT, |_| t.dead());
}

#[test]
fn ctrl_c_quits_and_restores() {
    let (t, _lab) = start_obtui("ctrlc", &[]);
    let pid = t.pane_pid();
    t.keys(&["C-c"]);
    t.wait_for("exit on Ctrl-C", EXIT, |_| t.exited(pid));
    // tmux may not have recorded the status yet when it reaps late.
    if t.dead() {
        if let Some(code) = t.exit_status() {
            assert_eq!(code, 0);
        }
    }
    assert!(!t.screen().contains("1 Clusters"), "{}", t.screen());
}

/// SIGINT from outside (`kill -INT`, `timeout -s INT`, a supervisor): raw mode turns Ctrl-C
/// into a key, but the signal itself must restore the terminal like SIGTERM does.
#[test]
fn sigint_restores_the_terminal() {
    let (t, _lab) = start_obtui("sigint", &[]);
    let pid = t.pane_pid().expect("pane pid");
    common::tmux::signal(pid, "INT");
    t.wait_for("exit on SIGINT", EXIT, |_| t.dead());
    let s = t.screen();
    assert!(!s.contains("1 Clusters"), "terminal not restored:\n{s}");
}

#[test]
fn ctrl_z_suspends_and_fg_resumes() {
    // A job-control shell in the pane, so Ctrl-Z has somewhere to return to.
    let t = Tmux::start(
        "suspend",
        120,
        30,
        &[],
        &["env", "PS1=READY$ ", "bash", "--norc", "--noprofile", "-i"],
    );
    t.wait_text("READY$", T);
    let lab = Lab::start();
    t.literal(&lab.argv().join(" "));
    t.keys(&["Enter"]);
    t.wait_text("terran", T);
    t.keys(&["C-z"]);
    let s = t.wait_for("the shell back", T, |s| {
        s.contains("Stopped") && !s.contains("1 Clusters")
    });
    assert!(s.contains("READY$"), "{s}");
    t.literal("fg");
    t.keys(&["Enter"]);
    t.wait_for("obtui back on screen", T, |s| {
        s.contains("1 Clusters") && s.contains("terran")
    });
    t.literal("2");
    t.wait_text("Hosts [", T);
    t.literal("q");
    let s = t.wait_for("the prompt after quitting", EXIT, |s| {
        !s.contains("1 Clusters") && s.trim_end().ends_with("READY$")
    });
    assert!(!s.contains("Hosts ["), "{s}");
    t.literal("exit");
    t.keys(&["Enter"]);
}

/// The child half of `a_panic_restores_the_terminal`: only does something when that test runs
/// this binary in a terminal with `OBTUI_PANIC_PROBE=1`.
#[test]
fn panic_probe_child() {
    if std::env::var_os("OBTUI_PANIC_PROBE").is_none() {
        return;
    }
    let (mut term, _guard) = obtui::runtime::term::enter().expect("a terminal");
    term.draw(|f| {
        f.render_widget(
            ratatui::widgets::Paragraph::new("PANIC-PROBE on the alternate screen"),
            f.area(),
        )
    })
    .unwrap();
    // A panic while the TUI owns the terminal, as a bug in drawing would cause. The hook must
    // leave the alternate screen and raw mode before the message is printed.
    let v: Vec<u8> = Vec::new();
    let i = v.len() + 3;
    let _ = v[i];
}

/// No panic is reachable from outside the binary any more, so the test binary itself enters the
/// TUI in a real terminal (tmux) and panics: the message lands on the normal screen, the probe's
/// frame is gone, and the shell's terminal is usable (cooked mode: a typed line echoes).
#[test]
fn a_panic_restores_the_terminal() {
    let exe = std::env::current_exe().unwrap();
    let exe = exe.to_string_lossy().to_string();
    let t = Tmux::start(
        "panic",
        120,
        30,
        &[],
        &["env", "PS1=READY$ ", "bash", "--norc", "--noprofile", "-i"],
    );
    t.wait_text("READY$", T);
    t.literal(&format!(
        "OBTUI_PANIC_PROBE=1 RUST_BACKTRACE=0 {exe} --exact terminal_e2e::panic_probe_child --nocapture --test-threads 1"
    ));
    t.keys(&["Enter"]);
    let s = t.wait_for("the panic message on the normal screen", T, |s| {
        s.contains("panicked") && s.trim_end().ends_with("READY$")
    });
    assert!(!s.contains("PANIC-PROBE on the alternate"), "{s}");
    assert!(
        s.contains("index out of bounds"),
        "the panic came from inside the TUI, not from entering it:\n{s}"
    );
    // Cooked mode again: the shell echoes what is typed.
    t.literal("echo restored-$((40+2))");
    t.keys(&["Enter"]);
    t.wait_text("restored-42", T);
    t.literal("exit");
    t.keys(&["Enter"]);
}
