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

#[test]
fn fleet_keeps_refreshing_when_one_profiles_server_dies() {
    let east = SimProc::start("1");
    let mut west = SimProc::start("2");
    let dir = std::env::temp_dir().join(format!("obtui-fleet-{}", std::process::id()));
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
    let xdg = dir.to_string_lossy().to_string();
    let t = Tmux::start(
        "fleet",
        150,
        40,
        &[("LANG", "C.UTF-8")],
        &[
            "env",
            &format!("XDG_CONFIG_HOME={xdg}"),
            &format!("XDG_STATE_HOME={xdg}"),
            "OBTUI_PASSWORD=aaAA11__",
            bin(),
            "--profile",
            "east",
            "--profile",
            "west",
            "--refresh",
            "1",
        ],
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
    // with west stale for 3 s or more, the last refresh (east's) is at most a second old.
    let s = t.wait_for("west stale for 3 s while east refreshes", T, |s| {
        let header = s.lines().next().unwrap_or("");
        header.contains("east: fresh")
            && secs_after(header, "west RO: stale").is_some_and(|n| n >= 3)
            && (header.contains(" 0s ago") || header.contains(" 1s ago"))
    });
    assert!(s.contains("│west RO stale"), "{s}");
    assert!(s.contains("│east "), "{s}");

    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    assert_eq!(t.exit_status(), Some(0), "{}", t.history());
    let _ = std::fs::remove_dir_all(&dir);
}
