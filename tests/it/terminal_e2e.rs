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

/// The exit code of the pane's program, polled until known (tmux records it late).
fn wait_exit_code(t: &Tmux, pid: Option<i32>, what: &str) -> Option<i32> {
    t.wait_for(what, EXIT, |_| t.exited(pid));
    let deadline = std::time::Instant::now() + T;
    loop {
        if let Some(c) = t.exit_code(pid) {
            return Some(c);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Killed by a signal, obtui restores the terminal and exits with 128 + the signal's number,
/// as shells expect (`$?` after `kill -TERM` is 143), never 0. SIGQUIT (Ctrl-\ or `kill
/// -QUIT`) too: by default it would leave the terminal raw and write a core file.
#[test]
fn signals_restore_the_terminal_and_exit_128_plus_n() {
    for (sig, n) in [("TERM", 15), ("HUP", 1), ("INT", 2), ("QUIT", 3)] {
        let (t, _lab) = start_obtui(&format!("exit{sig}"), &[]);
        let pid = t.pane_pid();
        common::tmux::signal(pid.expect("pane pid"), sig);
        let code = wait_exit_code(&t, pid, "exit on the signal");
        let s = t.screen();
        assert!(
            !s.contains("1 Clusters"),
            "SIG{sig}: terminal not restored:\n{s}"
        );
        assert_eq!(code, Some(128 + n), "SIG{sig}: exit code\n{s}");
    }
}

/// No core file may hold the password: even under `ulimit -c unlimited` obtui sets its own
/// core size limit to 0 (and makes itself not dumpable; a unit test checks that part).
#[test]
fn core_dumps_are_off_while_running() {
    let lab = Lab::start();
    let script = format!("ulimit -c unlimited && exec env {}", lab.argv().join(" "));
    let t = Tmux::start("nocore", 120, 30, &[], &["sh", "-c", &script]);
    t.wait_text("terran", T);
    let pid = t.pane_pid().expect("pane pid");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .expect("a core size line");
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], &["0", "0"], "{core}");
    t.literal("q");
    t.wait_for("exit", EXIT, |_| t.dead());
}

/// A `password_command` runs with no obtui secret in its environment: the obshell agent's
/// password command must not see the OCP password (`OBTUI_PASSWORD`).
#[test]
fn password_commands_get_no_secret_in_their_environment() {
    let lab = Lab::start();
    let dir = std::env::temp_dir().join(format!("obtui-e2e-env-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("obtui")).unwrap();
    let dump = dir.join("env.txt");
    std::fs::write(
        dir.join("obtui/config.toml"),
        format!(
            "[profiles.lab]\nurl = \"{}\"\nuser = \"admin\"\nobshell_url = \"http://127.0.0.1:9\"\nobshell_password_command = \"env > {} && echo aaAA11__\"\n",
            lab.url,
            dump.display()
        ),
    )
    .unwrap();
    let xdg = format!("XDG_CONFIG_HOME={}", dir.display());
    let t = Tmux::start(
        "childenv",
        120,
        30,
        &[],
        &[
            "env",
            &xdg,
            "OBTUI_PASSWORD=aaAA11__",
            bin(),
            "--profile",
            "lab",
        ],
    );
    t.wait_text("terran", T);
    let env = std::fs::read_to_string(&dump).unwrap();
    assert!(
        env.contains("XDG_CONFIG_HOME="),
        "the dump is the child's env:\n{env}"
    );
    assert!(
        !env.contains("aaAA11__") && !env.contains("OBTUI_PASSWORD"),
        "a secret in the child's environment:\n{env}"
    );
    t.literal("q");
    t.wait_for("exit", EXIT, |_| t.dead());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `:profile NAME` takes the password from the same places as the start (here
/// `OBTUI_PASSWORD`) instead of prompting; a profile with only an obshell agent names the
/// agent's URL in its prompt (not "at :").
#[test]
fn profile_switch_uses_the_start_password_sources_and_names_the_endpoint() {
    let lab = Lab::start();
    let dir = std::env::temp_dir().join(format!("obtui-e2e-psw-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("obtui")).unwrap();
    std::fs::write(
        dir.join("obtui/config.toml"),
        format!(
            "[profiles.lab]\nurl = \"{u}\"\nuser = \"admin\"\n[profiles.nopw]\nurl = \"{u}\"\nuser = \"admin\"\n[profiles.agent]\nobshell_url = \"http://127.0.0.1:9\"\n",
            u = lab.url
        ),
    )
    .unwrap();
    let xdg = format!("XDG_CONFIG_HOME={}", dir.display());
    let t = Tmux::start(
        "pswenv",
        140,
        30,
        &[],
        &[
            "env",
            &xdg,
            "OBTUI_PASSWORD=aaAA11__",
            bin(),
            "--profile",
            "lab",
        ],
    );
    t.wait_text("terran", T);
    t.keys(&[":"]);
    t.literal("profile nopw");
    t.keys(&["Enter"]);
    let s = t.wait_for("the switch or a prompt", T, |s| {
        s.contains("profile: nopw") || s.contains("Password for")
    });
    assert!(
        !s.contains("Password for"),
        "prompted despite OBTUI_PASSWORD:\n{s}"
    );
    t.wait_text("terran", T);
    t.literal("q");
    t.wait_for("exit", EXIT, |_| t.dead());
    drop(t);

    // Without a password anywhere, the obshell-only profile's prompt names its agent.
    let t = Tmux::start("pswagent", 140, 30, &[], &["env", &xdg, bin(), "demo"]);
    t.wait_text("profile: demo", T);
    t.keys(&[":"]);
    t.literal("profile agent");
    t.keys(&["Enter"]);
    let s = t.wait_text("Password for", T);
    assert!(
        s.contains("http://127.0.0.1:9"),
        "the prompt names no endpoint:\n{s}"
    );
    assert!(!s.contains(" at :"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("prompt closed", T, |s| !s.contains("Password for"));
    t.keys(&["q"]);
    t.wait_for("exit", EXIT, |_| t.dead());
    let _ = std::fs::remove_dir_all(&dir);
}
