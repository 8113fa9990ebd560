//! Reading why a task failed, through the real binary in a terminal of 80 columns: the
//! reason in the side panel, Enter opens the log, wrapped to its end, Ctrl-S saves it.

use crate::common::tmux::{bin, Tmux};
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

/// The inside of the right-most box of each row (the side panel), rows joined.
fn side_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|r| {
            let end = r.rfind('│')?;
            let start = r[..end].rfind('│')?;
            Some(r[start + '│'.len_utf8()..end].to_string())
        })
        .collect()
}

#[test]
fn at_80_columns_the_failed_upgrade_says_why_and_its_log_is_saved() {
    let dir = std::env::temp_dir().join(format!("obtui-logtmux-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state");
    let config = dir.join("config");
    let t = Tmux::start(
        "i16log",
        80,
        24,
        &[
            ("LANG", "C.UTF-8"),
            ("XDG_STATE_HOME", state.to_str().unwrap()),
            ("XDG_CONFIG_HOME", config.to_str().unwrap()),
        ],
        &[bin(), "demo"],
    );
    t.wait_text("terran", T);
    t.keys(&["4"]);
    t.wait_for("the failed task in the list", T, |s| s.contains("FAILED"));
    // The failed upgrade is the second row.
    t.keys(&["j"]);
    t.keys(&["Enter"]);
    t.wait_text("Upgrade pre check", T);
    // The side panel: the reason, whole, wrapped.
    let s = t.wait_for("the reason in the side panel", T, |s| {
        side_text(s)
            .replace(' ', "")
            .contains("majorcompactioninprogress;waitforittofinish")
    });
    assert!(side_text(&s).contains("error · "), "{s}");
    // Enter opens the log full screen, wrapped: the ERROR line ends on screen.
    t.keys(&["Enter"]);
    let s = t.wait_text(" log · Upgrade pre check", T);
    let joined: String = s.lines().collect();
    assert!(
        joined.contains("wait for it to finish"),
        "the end of the reason is on screen:\n{s}"
    );
    // Ctrl-S saves the whole log; a second save never overwrites the first.
    t.keys(&["C-s"]);
    let s = t.wait_text("log saved to", T);
    let first = state.join("obtui");
    assert!(
        s.contains(first.to_str().unwrap()) || s.contains("task-"),
        "{s}"
    );
    t.keys(&["C-s"]);
    t.wait_text("-1.log", T);
    let files: Vec<_> = std::fs::read_dir(&first)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "log") && p.to_string_lossy().contains("task-")
        })
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(
            text.contains("has a major compaction in progress; wait for it to finish"),
            "{text}"
        );
        assert!(
            text.contains("--- [pool-subtask-executor"),
            "the whole lines: {text}"
        );
    }
    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    let _ = std::fs::remove_dir_all(&dir);
}
