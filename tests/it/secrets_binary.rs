//! A known password typed into the real binary never lands anywhere but the wire: the create
//! wizard (root@sys password twice, through precheck, summary and submit) and `:login` are driven
//! in tmux against `obtui -vvv demo` (trace logging), the screen is captured after every step,
//! and then every screen, the log files, the audit log, everything under the state and config
//! directories and the terminal left behind are searched for it.

use crate::common;

use common::tmux::{bin, Tmux};
use std::path::Path;
use std::time::Duration;

const T: Duration = Duration::from_secs(20);
const PW: &str = "Zx98!unique-Secret";
const LOGIN_PW: &str = "Lg7#unique-Login";

struct Run {
    t: Tmux,
    screens: Vec<(String, String)>,
}

impl Run {
    fn snap(&mut self, step: &str) -> String {
        let s = self.t.screen();
        self.screens.push((step.to_string(), s.clone()));
        s
    }
    fn wait(&mut self, step: &str, text: &str) -> String {
        self.t.wait_text(text, T);
        self.snap(step)
    }
    fn wait_for(&mut self, step: &str, pred: impl Fn(&str) -> bool) -> String {
        self.t.wait_for(step, T, pred);
        self.snap(step)
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                files_under(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

#[test]
fn typed_passwords_appear_nowhere() {
    let dir = std::env::temp_dir().join(format!("obtui-secrets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let xdg = dir.to_string_lossy().to_string();
    let t = Tmux::start(
        "secrets",
        120,
        40,
        &[],
        &[
            "env",
            &format!("XDG_STATE_HOME={xdg}"),
            &format!("XDG_CONFIG_HOME={xdg}"),
            "RUST_BACKTRACE=1",
            bin(),
            "-vvv",
            "demo",
            "--speed",
            "20",
        ],
    );
    let mut r = Run {
        t,
        screens: Vec::new(),
    };
    r.wait("start", "terran");

    // Create cluster: name, package, the password twice.
    r.t.literal(":");
    r.t.literal("create");
    r.t.keys(&["Enter"]);
    r.wait("wizard", "Cluster name");
    r.t.literal("secretcheck1");
    r.t.keys(&["Tab", "Tab", "Enter"]);
    r.wait("package list", "filter:");
    r.t.keys(&["Enter", "Tab"]);
    r.t.literal(PW);
    r.wait_for("password typed", |s| s.contains("••••••••••••••••••"));
    r.t.keys(&["Tab"]);
    r.t.literal(PW);
    r.wait_for("password repeated", |s| {
        s.matches("••••••••••••••••••").count() >= 2
    });
    // Reveal is held only while Ctrl-R is down; tmux cannot hold a key, so it is not pressed.
    r.t.keys(&["Enter"]);
    r.wait("zones step", "Enter adds a zone");
    r.t.keys(&["Tab"]);
    r.t.literal("zone1");
    r.t.keys(&["Tab", "Enter"]);
    r.wait("idc list", "filter:");
    r.t.keys(&["Enter", "Tab", "Enter"]);
    r.wait("hosts list", "filter:");
    r.t.keys(&["Space", "Enter"]);
    r.wait_for("zone filled", |s| {
        s.contains("zone1") && !s.contains("filter:")
    });
    r.t.keys(&["C-n"]);
    r.wait("precheck", "0 FAIL");
    r.t.keys(&["Enter"]);
    r.wait("summary", "POST /api/v2/ob/clusters");
    r.t.keys(&["Enter"]);
    r.wait("confirm", "Send this request");
    r.t.keys(&["Tab", "Enter"]);
    let s = r.wait("task opened", "Create primary OB cluster");
    assert!(s.contains("task "), "the live DAG of the new task:\n{s}");

    // :login with another known password (the demo refuses it: an error path too).
    r.t.keys(&["Escape"]);
    r.wait_for("back to the panes", |s| !s.contains("› task"));
    r.t.literal(":");
    r.t.literal("login");
    r.t.keys(&["Enter"]);
    r.wait("login prompt", "Password for admin");
    r.t.literal(LOGIN_PW);
    r.wait("login typed", "••••••••••••••••");
    r.t.keys(&["Enter"]);
    r.wait("login refused", "HTTP 401");
    r.t.keys(&["C-r"]);
    r.snap("after refresh");
    r.t.literal("q");
    r.t.wait_for("exit", T, |_| r.t.dead());
    r.snap("terminal after exit");

    // Everything written: screens, then every file under the XDG dirs.
    for (step, s) in &r.screens {
        for pw in [PW, LOGIN_PW] {
            assert!(!s.contains(pw), "screen at {step} shows a password:\n{s}");
        }
        assert!(!s.contains("panicked"), "a panic at {step}:\n{s}");
    }
    let mut files = Vec::new();
    files_under(&dir, &mut files);
    let log = files
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == "obtui.log"))
        .unwrap_or_else(|| panic!("-vvv writes a log file; found {files:?}"));
    let log_text = std::fs::read_to_string(log).unwrap();
    assert!(
        log_text.lines().count() > 3,
        "the trace log has lines to search:\n{log_text}"
    );
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for pw in [PW, LOGIN_PW] {
            assert!(!text.contains(pw), "{} contains a password", f.display());
            // Not even base64'd or in JSON-escaped form.
            use base64::Engine as _;
            let b64 = base64::engine::general_purpose::STANDARD.encode(pw);
            assert!(
                !text.contains(&b64),
                "{} contains a password in base64",
                f.display()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
