//! End to end: the real binary in a pseudo-terminal (tmux) against the in-process simulator.

use crate::common;

use common::sim::LoopbackSim;
use common::tmux::{bin, Tmux};
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

#[test]
fn demo_switches_panes_filters_and_quits_cleanly() {
    let t = Tmux::start(
        "panes",
        140,
        40,
        &[("LANG", "C.UTF-8")],
        &[bin(), "demo", "--speed", "5"],
    );
    let s = t.wait_text("terran", T);
    assert!(s.contains("1 Clusters"), "{s}");
    assert!(s.contains("OCP 4.2.2 (sim)") || s.contains("OCP "), "{s}");

    t.keys(&["2"]);
    let s = t.wait_for("hosts pane", T, |s| {
        s.contains("Hosts [") && s.contains("HOSTNAME")
    });
    let total: usize = s
        .split("Hosts [")
        .nth(1)
        .and_then(|r| r.split(']').next())
        .and_then(|n| n.parse().ok())
        .expect("row count in the title");
    assert!(total >= 10, "{s}");

    // Filter to one IDC: the count drops and every visible row matches.
    t.keys(&["/"]);
    t.literal("hz1");
    let s = t.wait_for("filtered count", T, |s| {
        s.contains(&format!("/{total}] /hz1")) || s.contains("] /hz1")
    });
    assert!(s.contains("/hz1"), "{s}");
    t.keys(&["Enter"]);

    // Command mode with completion.
    t.keys(&[":"]);
    t.literal("prox");
    t.keys(&["Tab", "Enter"]);
    t.wait_for("obproxy pane", T, |s| {
        s.contains("OBProxy [") && s.contains("START MODE")
    });

    t.keys(&["4"]);
    t.wait_for("tasks pane", T, |s| {
        s.contains("Tasks [") && s.contains("PROGRESS")
    });

    // A command names its target from any pane: zerg's upgrade from the Tasks pane (Tab
    // completes the name), the target in the wizard's title and the way back in the header.
    t.keys(&[":"]);
    t.literal("upgrade ze");
    t.keys(&["Tab"]);
    t.wait_text(":upgrade zerg", T);
    t.keys(&["Enter"]);
    let s = t.wait_text("Upgrade cluster zerg · OCP at", T);
    assert!(s.contains("Tasks › Upgrade cluster zerg"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("back on the tasks pane", T, |s| {
        s.contains("Tasks [") && !s.contains("Upgrade cluster zerg")
    });
    t.keys(&[":"]);
    t.literal("upgrade zergx");
    t.keys(&["Enter"]);
    t.wait_text("no cluster 'zergx'; clusters: zerg,", T);

    t.keys(&["?"]);
    t.wait_text("any other key closes", T);
    t.keys(&["x"]);

    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    assert_eq!(t.exit_status(), Some(0));
    // The alternate screen is gone: the shell's screen is back.
    let s = t.screen();
    assert!(!s.contains("1 Clusters"), "terminal not restored:\n{s}");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in ["TERM", "HUP"] {
        let t = Tmux::start(&format!("sig{sig}"), 120, 30, &[], &[bin(), "demo"]);
        t.wait_text("terran", T);
        // The pane runs obtui directly, so its pid is obtui's.
        let pid = t.pane_pid().expect("pane pid");
        common::tmux::signal(pid, sig);
        t.wait_for("exit", T, |_| t.dead());
        let s = t.screen();
        assert!(
            !s.contains("1 Clusters"),
            "signal {sig}: terminal not restored:\n{s}"
        );
    }
}

#[test]
fn dumb_terminal_is_refused_clearly() {
    // tmux sets TERM for its panes itself, so set it inside the command.
    let t = Tmux::start("dumb", 100, 20, &[], &["env", "TERM=dumb", bin(), "demo"]);
    // The message first (a process may be reaped before tmux has read its last output).
    t.wait_for("the refusal", T, |_| {
        t.history().contains("TERM=dumb cannot show")
    });
    t.wait_for("exit", T, |_| t.dead());
    let s = t.history();
    assert!(
        s.contains("TERM=dumb cannot show a full-screen interface"),
        "{s}"
    );
    assert_ne!(t.exit_status(), Some(0));
}

#[test]
fn profile_switch_live_and_login_again_after_a_password_change() {
    let lab = LoopbackSim::start(obtui_sim::SimOptions {
        seed: 7,
        ..Default::default()
    });
    let dir = std::env::temp_dir().join(format!("obtui-e2e-prof-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("obtui")).unwrap();
    let cfg = dir.join("obtui/config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[profiles.lab]\nurl = \"{}\"\nuser = \"admin\"\npassword_command = \"echo aaAA11__\"\nproduction = true\nread_only = true\n[profiles.nopw]\nurl = \"{}\"\n",
            lab.url, lab.url
        ),
    )
    .unwrap();
    let xdg = dir.to_string_lossy().to_string();
    let t = Tmux::start(
        "profile",
        140,
        30,
        &[],
        &["env", &format!("XDG_CONFIG_HOME={xdg}"), bin(), "demo"],
    );
    t.wait_text("profile: demo", T);
    t.keys(&[":"]);
    t.literal("profile lab");
    t.keys(&["Enter"]);
    let s = t.wait_text("profile: lab", T);
    assert!(s.contains(&lab.url), "{s}");
    assert!(s.contains(" RO"), "the lab profile is read-only:\n{s}");
    t.wait_text("Clusters [", T);

    // The server's password changes: the pane says 401, :login takes a new one (masked).
    let url = format!("{}/sim/password", lab.url);
    lab.rt.block_on(async {
        reqwest::Client::new()
            .post(url)
            .json(&serde_json::json!({"password": "n3w-Secret"}))
            .send()
            .await
            .unwrap();
    });
    t.keys(&["C-r"]);
    t.wait_text("HTTP 401", T);
    t.keys(&[":"]);
    t.literal("login");
    t.keys(&["Enter"]);
    t.wait_text("Password for admin", T);
    t.literal("n3w-Secret");
    let s = t.wait_text("••••••••••", T);
    assert!(!s.contains("n3w-Secret"), "the password is masked:\n{s}");
    t.keys(&["Enter"]);
    t.wait_for("recovered", T, |s| {
        s.contains("Clusters [") && !s.contains("stale since")
    });

    // A profile without password_command asks for the password.
    t.keys(&[":"]);
    t.literal("profile nopw");
    t.keys(&["Enter"]);
    t.wait_text("Password for admin", T);
    t.keys(&["Escape"]);
    // Esc and a key sent together read as Alt-key: wait for the prompt to close first.
    t.wait_for("prompt closed", T, |s| !s.contains("Password for admin"));
    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    drop(lab);
    let _ = std::fs::remove_dir_all(&dir);
}
