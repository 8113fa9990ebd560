//! Drive the real `obtui` binary in a pseudo-terminal through tmux, as a person would:
//! send keys, read the screen. Every wait polls with a deadline; nothing sleeps blindly.

#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    pub session: String,
    /// The pane's process, read once at start (tmux forgets it when it reaps the pane).
    pid: Option<i32>,
}

impl Tmux {
    /// Start `cmd` (argv) in a detached tmux session of the given size.
    pub fn start(name: &str, width: u16, height: u16, env: &[(&str, &str)], cmd: &[&str]) -> Tmux {
        let socket = format!("obtui-test-{}-{}", name, std::process::id());
        let mut t = Tmux {
            socket,
            session: name.to_string(),
            pid: None,
        };
        let mut args: Vec<String> = vec![
            "-L".into(),
            t.socket.clone(),
            "-f".into(),
            "/dev/null".into(),
            // Keep the pane after its program exits, set before the program starts: one that
            // exits at once (a refusal) would otherwise take the session with it.
            "start-server".into(),
            ";".into(),
            "set-option".into(),
            "-g".into(),
            "remain-on-exit".into(),
            "on".into(),
            ";".into(),
            "new-session".into(),
            "-d".into(),
            "-s".into(),
            t.session.clone(),
            "-x".into(),
            width.to_string(),
            "-y".into(),
            height.to_string(),
        ];
        for (k, v) in env {
            args.push("-e".into());
            args.push(format!("{k}={v}"));
        }
        args.extend(cmd.iter().map(|s| s.to_string()));
        let out = Command::new("tmux")
            .args(&args)
            .output()
            .expect("tmux must be installed for the terminal tests (scripts/test installs it)");
        assert!(
            out.status.success(),
            "tmux failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.pid = t.pane_pid();
        t
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "capture-pane",
                "-p",
                "-t",
                &self.session,
            ])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Everything the pane shows and its scrollback, wrapped lines joined.
    pub fn history(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "capture-pane",
                "-p",
                "-J",
                "-S",
                "-200",
                "-t",
                &self.session,
            ])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Send keys (tmux key names: "Enter", "Escape", "C-c", or literal text with `literal`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-L", &self.socket, "send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        let out = Command::new("tmux")
            .args(&args)
            .output()
            .expect("tmux send-keys");
        assert!(out.status.success());
    }

    pub fn literal(&self, text: &str) {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "send-keys",
                "-t",
                &self.session,
                "-l",
                text,
            ])
            .output()
            .expect("tmux send-keys");
        assert!(out.status.success());
    }

    /// Wait until the screen satisfies `pred`; panic with the last screen after `timeout`.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&self, text: &str, timeout: Duration) -> String {
        self.wait_for(text, timeout, |s| s.contains(text))
    }

    /// The pane's process has exited (remain-on-exit keeps the pane): tmux says so, or the
    /// process is gone or a zombie (tmux reaps its panes late under load).
    pub fn dead(&self) -> bool {
        self.tmux_dead() || self.pid.is_some_and(zombie_or_gone)
    }

    fn tmux_dead(&self) -> bool {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{pane_dead}",
            ])
            .output();
        match out {
            Ok(o) => String::from_utf8_lossy(&o.stdout).trim() == "1",
            Err(_) => true,
        }
    }

    /// The pane's program has exited: tmux says so, or (tmux reaps its panes late under load)
    /// the process is gone or a zombie.
    pub fn exited(&self, pid: Option<i32>) -> bool {
        self.dead() || pid.is_some_and(zombie_or_gone)
    }

    /// The exit code of the pane's program once it has exited: tmux's record, or, while tmux
    /// has not reaped it yet (it lags under load), the zombie's own code from /proc.
    pub fn exit_code(&self, pid: Option<i32>) -> Option<i32> {
        self.tmux_status().or_else(|| zombie_code(pid?))
    }

    /// The exit code: tmux's record, or the zombie's own while tmux has not reaped it. Between
    /// tmux reaping the process and recording its status neither is there: asked right after
    /// [`Self::dead`], it waits (up to 10 s) for the record.
    pub fn exit_status(&self) -> Option<i32> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(code) = self.exit_code(self.pid) {
                return Some(code);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    fn tmux_status(&self) -> Option<i32> {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{pane_dead_status}",
            ])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    pub fn pane_pid(&self) -> Option<i32> {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{pane_pid}",
            ])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Fields 3.. of /proc/PID/stat (state first), if the process still exists.
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.rsplit(") ").next()?;
    Some(rest.split_whitespace().map(str::to_string).collect())
}

fn zombie_or_gone(pid: i32) -> bool {
    stat_fields(pid).is_none_or(|f| f.first().map(String::as_str) == Some("Z"))
}

/// A zombie's exit code (field 52 of its stat is the wait status).
fn zombie_code(pid: i32) -> Option<i32> {
    let f = stat_fields(pid)?;
    if f.first().map(String::as_str) != Some("Z") {
        return None;
    }
    let status: i32 = f.get(52 - 3)?.parse().ok()?;
    Some(if status & 0x7f == 0 {
        (status >> 8) & 0xff
    } else {
        128 + (status & 0x7f)
    })
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_obtui")
}

/// Send signal `name` (`TERM`, `HUP`, `INT`, …) to process `pid`, with kill(1).
pub fn signal(pid: i32, name: &str) {
    let ok = std::process::Command::new("kill")
        .args(["-s", name, &pid.to_string()])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "kill -s {name} {pid} failed");
}
