//! `[keys]` rebinding end to end: the real binary (`obtui demo`) in a terminal (tmux) with a
//! config file whose `[keys]` moves a wizard key (`wizard_cancel`: Esc → F2) and the keys of
//! the task operation confirmation (`op_confirm`: y → Z, `op_cancel`: n/Esc → x). The new keys
//! do the actions, the old defaults no longer do, and the wizard's footer names the new key.

use crate::common;

use common::tmux::{bin, Tmux};
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

/// A lone Escape. A terminal cannot tell "Esc, then x" from "Alt-x" when both bytes arrive in
/// one read, so a person's typing gap is kept after it (this waits on no server).
fn esc(t: &Tmux) {
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(20));
}

#[test]
fn rebound_wizard_and_confirmation_keys_replace_the_defaults() {
    let dir = std::env::temp_dir().join(format!("obtui-keys-rebind-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("obtui")).unwrap();
    std::fs::write(
        dir.join("obtui/config.toml"),
        "[keys]\nwizard_cancel = \"f2\"\nop_confirm = \"Z\"\nop_cancel = \"x\"\n",
    )
    .unwrap();
    let xdg = dir.to_string_lossy().to_string();
    let t = Tmux::start(
        "keysrebind",
        140,
        40,
        &[("LANG", "C.UTF-8")],
        &["env", &format!("XDG_CONFIG_HOME={xdg}"), bin(), "demo"],
    );
    let s = t.wait_text("terran", T);
    assert!(
        !s.contains("[keys]"),
        "the rebinding is valid, no warning:\n{s}"
    );

    // ----- the wizard: F2 leaves it, Esc no longer does; the footer says F2 -----
    t.literal("c");
    // The whole frame: the form and its footer (a capture can land between the two).
    let s = t.wait_for("the wizard and its footer", T, |s| {
        s.contains("Cluster name*") && s.contains("next step")
    });
    let footer = s
        .lines()
        .find(|l| l.contains("next step"))
        .unwrap_or_else(|| panic!("no footer hints:\n{s}"));
    assert!(footer.contains("F2 cancel"), "footer: {footer}");
    assert!(!footer.contains("esc cancel"), "footer: {footer}");

    // The old key: Esc. Were it still bound, the unedited wizard would close at once and the
    // text below would land nowhere; it is typed into the name field instead.
    esc(&t);
    t.literal("kx1");
    t.wait_for("the name typed after Esc", T, |s| {
        s.lines()
            .any(|l| l.contains("Cluster name*") && l.contains("kx1"))
    });
    // The new key: F2 leaves, asking first since the form has an edit.
    t.keys(&["F2"]);
    t.wait_text("Discard this form?", T);
    t.literal("y");
    t.wait_for("back on the clusters pane", T, |s| {
        s.contains("Clusters [") && !s.contains("Create cluster")
    });

    // ----- the task operation confirmation: x cancels, Z confirms, y / n do nothing -----
    // The demo's failed upgrade task: the status filter cycles all → running → failed.
    t.literal("4");
    t.wait_text("Tasks [", T);
    t.literal("f");
    t.wait_text("status: running", T);
    t.literal("f");
    t.wait_for("the failed task", T, |s| {
        s.contains("status: failed") && s.contains("Upgrade OB cluster")
    });
    t.keys(&["Enter"]);
    t.wait_for("the DAG view", T, |s| s.contains("Upgrade pre check"));
    t.literal("f");
    t.wait_for("the failed subtask selected", T, |s| {
        s.contains("✖ Upgrade pre check") && s.contains("T retry")
    });

    // The new cancel key closes the dialog, and nothing is sent.
    t.literal("T");
    t.wait_text("Retry subtask?", T);
    // Its hint line names the live keys.
    let s = t.wait_text("Z confirm · x cancel", T);
    assert!(!s.contains("y confirm"), "{s}");
    t.literal("x");
    let s = t.wait_for("the dialog closed by x", T, |s| {
        !s.contains("Retry subtask?")
    });
    assert!(s.contains("✖ FAILED"), "nothing sent, still failed:\n{s}");
    assert!(!s.contains("retry of subtask"), "nothing sent:\n{s}");

    // The old keys (y Y confirm, n N q cancel) do nothing: had one confirmed or cancelled,
    // the dialog would be gone before Z, which outside it does nothing, and no retry would
    // be requested. The new confirm key sends the retry.
    t.literal("T");
    t.wait_text("Retry subtask?", T);
    t.literal("yYnNq");
    t.literal("Z");
    // Wait for both: a capture can catch a frame half painted (the header's notice already
    // there, the dialog's rows not yet); a dialog that stays fails by the deadline.
    t.wait_for("the retry sent and the dialog closed", T, |s| {
        s.contains("retry of subtask 'Upgrade pre check") && !s.contains("Retry subtask?")
    });

    t.literal("q");
    t.wait_for("exit", T, |_| t.dead());
    assert_eq!(t.exit_status(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
