//! The fleet view end to end: the real binary in tmux with two profiles of a config file,
//! each an `obtui sim` process. One simulator is killed midway: its profile turns stale (its
//! rows stay, marked), the other keeps refreshing, and the run goes on.

use crate::common;

use common::tmux::{bin, Tmux};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

/// An `obtui sim` process on a free port; killed when dropped.
struct SimProc {
    child: Child,
    url: String,
    /// Kept open: the simulator prints more lines, and a closed pipe would end it.
    _out: BufReader<std::process::ChildStdout>,
}

impl SimProc {
    fn start(seed: &str) -> SimProc {
        let mut child = Command::new(bin())
            .args(["sim", "--listen", "127.0.0.1:0", "--seed", seed])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("obtui sim");
        let out = child.stdout.take().expect("stdout");
        let mut out = BufReader::new(out);
        let mut line = String::new();
        out.read_line(&mut line).expect("first line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        SimProc {
            child,
            url,
            _out: out,
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SimProc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The age a header entry gives after `prefix` ("west RO: stale 12s" → 12 s).
fn secs_after(header: &str, prefix: &str) -> Option<u64> {
    let rest = header.split(prefix).nth(1)?;
    let word = rest.split_whitespace().next()?;
    let n: String = word.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u64 = n.parse().ok()?;
    Some(if word.ends_with('m') { n * 60 } else { n })
}

/// A config dir with profiles `east` and `west` (read-only) at the two simulators.
fn config_dir(name: &str, east: &SimProc, west: &SimProc) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("obtui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("obtui")).unwrap();
    std::fs::write(
        dir.join("obtui/config.toml"),
        format!(
            "[profiles.east]\nurl = \"{}\"\nuser = \"admin\"\n\n\
             [profiles.west]\nurl = \"{}\"\nuser = \"admin\"\nread_only = true\n",
            east.url, west.url
        ),
    )
    .unwrap();
    dir
}

/// The TUI in tmux with the config of `dir` and `args`.
fn tui(name: &str, dir: &std::path::Path, args: &[&str]) -> Tmux {
    let xdg = dir.to_string_lossy().to_string();
    let mut cmd = vec![
        "env".to_string(),
        format!("XDG_CONFIG_HOME={xdg}"),
        format!("XDG_STATE_HOME={xdg}"),
        "OBTUI_PASSWORD=aaAA11__".into(),
        bin().into(),
    ];
    cmd.extend(args.iter().map(|a| a.to_string()));
    let argv: Vec<&str> = cmd.iter().map(String::as_str).collect();
    Tmux::start(name, 150, 40, &[("LANG", "C.UTF-8")], &argv)
}

#[test]
fn fleet_keeps_refreshing_when_one_profiles_server_dies() {
    let east = SimProc::start("1");
    let mut west = SimProc::start("2");
    let dir = config_dir("fleet", &east, &west);
    let t = tui(
        "fleet",
        &dir,
        &["--profile", "east", "--profile", "west", "--refresh", "1"],
    );
    // The hosts pane: one request a round, refreshed every second.
    t.wait_text("Clusters [", T);
    t.keys(&["2"]);
    // One host of each simulator (both seed the same names) fits the screen.
    t.wait_text("Hosts [", T);
    t.keys(&["/"]);
    t.literal("ob-hz1-00001");
    t.keys(&["Enter"]);
    let s = t.wait_for("both profiles fresh with rows", T, |s| {
        let header = s.lines().next().unwrap_or("");
        header.contains("east: fresh")
            && header.contains("west RO: fresh")
            && s.contains("│east ")
            && s.contains("│west RO ")
    });
    assert!(s.contains("PROFILE"), "{s}");

    west.kill();
    // West's rows stay, marked stale, and the header says since when; east still refreshes:
    // with west stale for 3 s or more, the last refresh (east's) is under two seconds old (`<2s ago`).
    let s = t.wait_for("west stale for 3 s while east refreshes", T, |s| {
        let header = s.lines().next().unwrap_or("");
        header.contains("east: fresh")
            && secs_after(header, "west RO: stale").is_some_and(|n| n >= 3)
            && header.contains(" <2s ago")
    });
    assert!(s.contains("│west RO stale"), "{s}");
    assert!(s.contains("│east "), "{s}");

    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    assert_eq!(t.exit_status(), Some(0), "{}", t.history());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_fleet_command_opens_every_profile_of_the_config_file() {
    let east = SimProc::start("1");
    let west = SimProc::start("2");
    let dir = config_dir("fleetcmd", &east, &west);
    let t = tui("fleetcmd", &dir, &["--profile", "east"]);
    let s = t.wait_text("Clusters [", T);
    assert!(s.contains("profile: east"), "{s}");
    assert!(
        !s.contains("PROFILE"),
        "one profile has no PROFILE column:\n{s}"
    );
    t.keys(&[":"]);
    t.literal("fleet");
    t.keys(&["Enter"]);
    let s = t.wait_for("both profiles open", T, |s| {
        let header = s.lines().next().unwrap_or("");
        header.contains("east: fresh")
            && header.contains("west RO: fresh")
            && s.contains("│west RO ")
            && s.contains("│east ")
    });
    assert!(s.contains("PROFILE"), "{s}");
    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    assert_eq!(t.exit_status(), Some(0), "{}", t.history());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_fleet_opens_two_ocps_and_an_obshell_agent() {
    let t = Tmux::start(
        "demofleet",
        150,
        40,
        &[("LANG", "C.UTF-8")],
        &[bin(), "demo", "--fleet"],
    );
    let s = t.wait_for("three fresh profiles", T, |s| {
        let header = s.lines().next().unwrap_or("");
        header.contains("ocp-a: fresh")
            && header.contains("ocp-b: fresh")
            && header.contains("obshell: fresh")
    });
    // Each profile lists its clusters; the agent's is its own one.
    for p in ["│ocp-a ", "│ocp-b ", "│obshell "] {
        assert!(s.contains(p), "{p}:\n{s}");
    }
    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    assert_eq!(t.exit_status(), Some(0), "{}", t.history());
}
