//! `obtui watch TASK_ID` and `obtui task show`: plain-text task output for scripts and CI.
//!
//! `watch` prints each subtask status change as a line (time, subtask, old → new) and a
//! progress line, and exits 0 if the task succeeded, 1 if it failed (after printing the failed
//! subtasks and the tail of their logs) or was rolled back, 2 on connection / auth /
//! not-found errors.

use obtui_api::ocp::models::TaskInstance;
use obtui_api::ocp::OcpClient;
use obtui_task::layout::{list_rows, LayoutParams, NodeRef};
use obtui_task::model::{NodeStatus, TaskGraph, TaskState};
use obtui_task::text::render_list_text_at;
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// How many consecutive failed polls end the watch (the network may flap briefly).
const MAX_CONSECUTIVE_ERRORS: u32 = 5;
/// Lines of each failed subtask's log printed at the end.
const LOG_TAIL: usize = 20;

pub struct WatchOptions {
    pub interval: Duration,
    pub json: bool,
    /// The zone the lines' times are in (`time_zone` in config.toml), named on the first line.
    pub zone: obtui_api::time::ShownZone,
}

/// The zone of the running watch (one per process; UTC until a watch starts).
static ZONE: std::sync::RwLock<Option<obtui_api::time::ShownZone>> = std::sync::RwLock::new(None);

/// Now, `HH:MM:SS` in the watch's zone.
fn clock() -> String {
    let now = obtui_api::time::now_ms();
    match ZONE
        .read()
        .ok()
        .and_then(|z| z.as_ref().map(|z| z.clock(now)))
    {
        Some(s) => s,
        None => obtui_api::time::ShownZone::utc().clock(now),
    }
}

fn emit(out: &mut dyn Write, json_mode: bool, text: String, obj: serde_json::Value) {
    let _ = if json_mode {
        writeln!(out, "{obj}")
    } else {
        writeln!(out, "{text}")
    };
    let _ = out.flush();
}

fn progress_text(g: &TaskGraph) -> String {
    let (done, total) = g.progress();
    let running: Vec<String> = g
        .nodes
        .iter()
        .filter(|n| n.status == NodeStatus::Running)
        .map(|n| n.label())
        .collect();
    let pct = (done * 100).checked_div(total).unwrap_or(0);
    let mut s = format!(
        "{}  progress {done}/{total} ({pct}%)  task {}",
        clock(),
        state_label(&g.status, false)
    );
    if !running.is_empty() {
        s.push_str(&format!("  running: {}", running.join(", ")));
    }
    s
}

/// Follow a task until it ends. Returns the exit code.
pub async fn watch(
    client: &OcpClient,
    task_id: i64,
    opts: &WatchOptions,
    out: &mut dyn Write,
) -> i32 {
    if let Ok(mut z) = ZONE.write() {
        *z = Some(opts.zone.clone());
    }
    let mut last: HashMap<String, NodeStatus> = HashMap::new();
    let mut last_task: Option<TaskState> = None;
    let mut errors = 0u32;
    let mut first = true;
    loop {
        let t = match client.get_task(task_id).await {
            Ok(t) => {
                errors = 0;
                t
            }
            Err(e) => {
                let fatal =
                    first || matches!(e.status(), Some(401 | 403 | 404)) || !e.is_transient();
                errors += 1;
                emit(
                    out,
                    opts.json,
                    format!("{}  error: {e}", clock()),
                    json!({"event": "error", "time": clock(), "message": e.to_string(), "status": e.status(), "traceId": e.trace_id()}),
                );
                if fatal || errors >= MAX_CONSECUTIVE_ERRORS {
                    return EXIT_ERROR;
                }
                tokio::time::sleep(crate::poll::backoff(opts.interval, errors)).await;
                continue;
            }
        };
        let g = TaskGraph::from(&t);
        if first {
            emit(
                out,
                opts.json,
                format!(
                    "{}  task #{} {} — {} ({} subtasks; times {})",
                    clock(),
                    g.id,
                    g.name,
                    state_label(&g.status, false),
                    g.nodes.len(),
                    opts.zone.label()
                ),
                json!({"event": "task", "time": clock(), "task": g.id, "name": g.name, "status": g.status.to_string(), "subtasks": g.nodes.len()}),
            );
        }
        let mut changed = first;
        // Changes in model order, so the lines read like the task's progress.
        let mut order: Vec<usize> = (0..g.nodes.len()).collect();
        order.sort_by(|&a, &b| obtui_task::layout::model_cmp(&g.nodes[a], &g.nodes[b]));
        for i in order {
            let n = &g.nodes[i];
            let old = last.insert(n.id.clone(), n.status.clone());
            let show = match &old {
                Some(o) => o != &n.status,
                // On the first poll, only what has started is news.
                None => !matches!(n.status, NodeStatus::Pending | NodeStatus::Ready),
            };
            if show {
                changed = true;
                let from = old
                    .as_ref()
                    .map(|o| o.to_string())
                    .unwrap_or_else(|| "—".into());
                emit(
                    out,
                    opts.json,
                    format!("{}  {}  {from} → {}", clock(), n.label(), n.status),
                    json!({"event": "status", "time": clock(), "task": g.id, "subtask_id": n.id, "subtask": n.name, "target": n.target, "from": old.map(|o| o.to_string()), "to": n.status.to_string()}),
                );
            }
        }
        if last_task.as_ref() != Some(&g.status) {
            changed = true;
            last_task = Some(g.status.clone());
        }
        if changed {
            let (done, total) = g.progress();
            emit(
                out,
                opts.json,
                progress_text(&g),
                json!({"event": "progress", "time": clock(), "task": g.id, "done": done, "total": total, "status": g.status.to_string()}),
            );
        }
        first = false;
        match g.status {
            TaskState::Successful => {
                emit(
                    out,
                    opts.json,
                    format!("{}  task #{} SUCCESSFUL", clock(), g.id),
                    json!({"event": "end", "time": clock(), "task": g.id, "status": "SUCCESSFUL", "exit": EXIT_OK}),
                );
                return EXIT_OK;
            }
            // The change was undone: not a success for a script waiting on it.
            TaskState::RolledBack => {
                emit(
                    out,
                    opts.json,
                    format!(
                        "{}  task #{} {} (its change was undone)",
                        clock(),
                        g.id,
                        state_label(&g.status, false)
                    ),
                    json!({"event": "end", "time": clock(), "task": g.id, "status": "ROLLED_BACK", "exit": EXIT_FAILED}),
                );
                return EXIT_FAILED;
            }
            TaskState::Failed => {
                report_failure(client, &t, &g, opts.json, out).await;
                return EXIT_FAILED;
            }
            _ => {}
        }
        tokio::time::sleep(opts.interval).await;
    }
}

async fn report_failure(
    client: &OcpClient,
    t: &TaskInstance,
    g: &TaskGraph,
    json_mode: bool,
    out: &mut dyn Write,
) {
    failed_subtasks(Some(client), t, g, json_mode, out).await;
    emit(
        out,
        json_mode,
        format!("{}  task #{} FAILED", clock(), g.id),
        json!({"event": "end", "time": clock(), "task": g.id, "status": "FAILED", "exit": EXIT_FAILED}),
    );
}

/// Each failed subtask with the tail of its log (`watch` at the end of a failed task, and
/// `task show`). Without a client (a saved task) there is no log to fetch.
pub async fn failed_subtasks(
    client: Option<&OcpClient>,
    t: &TaskInstance,
    g: &TaskGraph,
    json_mode: bool,
    out: &mut dyn Write,
) {
    for s in t.subtasks.iter().filter(|s| s.status.as_str() == "FAILED") {
        let log = match client {
            Some(c) => match c.subtask_log(t.id, s.id).await {
                Ok(l) => l.log,
                Err(e) => format!("(log unavailable: {e})"),
            },
            None => "(no log in a saved task)".to_string(),
        };
        let lines: Vec<&str> = log.lines().collect();
        let tail = &lines[lines.len().saturating_sub(LOG_TAIL)..];
        if json_mode {
            emit(
                out,
                true,
                String::new(),
                json!({"event": "failed_subtask", "task": g.id, "subtask_id": s.id, "subtask": s.name, "log_tail": tail}),
            );
        } else {
            let _ = writeln!(out, "FAILED subtask #{} {}", s.id, s.name);
            for l in tail {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
}

/// Parse a saved task: a whole response envelope (`{"data": {...}}`) or the bare task object.
pub fn parse_task_json(text: &str) -> Result<TaskInstance, String> {
    // A file saved by some Windows tools starts with a UTF-8 byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Some(map) = v.as_object() else {
        return Err("expected a task object (or a response envelope with one in `data`)".into());
    };
    // An OCP error envelope (`successful:false` / `error`): say what the server said.
    if map.get("successful") == Some(&serde_json::Value::Bool(false))
        || map.get("error").is_some_and(|e| !e.is_null())
    {
        let raw = obtui_api::ocp::RawResponse::new(200, text.as_bytes().to_vec());
        return Err(
            match obtui_api::ocp::envelope::decode_plain::<serde_json::Value>(&raw) {
                Err(e) => format!("a saved error response, not a task: {e}"),
                Ok(_) => "a saved error response, not a task".to_string(),
            },
        );
    }
    let obj = match map.get("data") {
        Some(d) if d.is_object() => d,
        Some(_) => return Err("a response envelope whose `data` holds no task".into()),
        None => &v,
    };
    // serde fills every missing field with a default, so `{}` would pass as "task #0":
    // a task has at least its numeric id and a status (or its subtasks).
    let has = |k: &str| obj.get(k).is_some_and(|x| !x.is_null());
    if !obj.get("id").is_some_and(serde_json::Value::is_i64)
        || !(has("status") || has("subtasks") || has("tasks"))
    {
        return Err(
            "no task in this JSON (a task has an `id` and a `status`; give the bare task or \
             a response envelope with the task in `data`)"
                .into(),
        );
    }
    serde_json::from_value(obj.clone()).map_err(|e| format!("not a task: {e}"))
}

/// A task's state as plain text: a rollback carries its glyph, so it never reads as a
/// success (`↶ ROLLED BACK`, ASCII `< ROLLED BACK`).
pub fn state_label(s: &TaskState, ascii: bool) -> String {
    match s {
        TaskState::RolledBack => format!("{} {s}", if ascii { '<' } else { '↶' }),
        s => s.to_string(),
    }
}

/// The list view of a task as plain text, with a header line; each row starts with its
/// subtask id (a script acts on it), and fan-outs are listed in full. `width`: the line width
/// to fit names into (`None`: full names, whatever their length).
pub fn render_task(t: &TaskInstance, ascii: bool, now_ms: i64, width: Option<usize>) -> String {
    let g = TaskGraph::from(t);
    let (done, total) = g.progress();
    let mut params = LayoutParams {
        collapse_threshold: usize::MAX,
        name_width: usize::MAX,
        ..LayoutParams::default()
    };
    let rows = list_rows(&g, &params);
    let ids: Vec<&str> = rows
        .iter()
        .filter_map(|r| match &r.node {
            NodeRef::Single(i) => g.nodes.get(*i).map(|n| n.id.as_str()),
            NodeRef::Aggregate { fork, .. } => {
                Some(g.nodes.get(*fork).map_or("", |n| n.id.as_str()))
            }
        })
        .collect();
    let id_w = ids.iter().map(|i| i.len()).max().unwrap_or(0);
    if let Some(w) = width {
        let gutter = rows.iter().map(|r| r.lanes.len()).max().unwrap_or(0);
        // id, two spaces, lanes, a space, the op glyph, the name, a space, the duration.
        let fixed = id_w + 2 + gutter + 2 + 1 + params.duration_width;
        params.name_width = w.saturating_sub(fixed).max(8);
    }
    let mut s = format!(
        "task #{} {} — {} {done}/{total}\n",
        g.id,
        g.name,
        state_label(&g.status, ascii)
    );
    let text = render_list_text_at(&g, &rows, &params, ascii, now_ms);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == ids.len() {
        for (id, l) in ids.iter().zip(lines) {
            s.push_str(&format!("{id:>id_w$}  {l}\n"));
        }
    } else {
        s.push_str(&text);
    }
    s
}

/// The exit status of `task show`, like `watch`'s: 1 for a failed or rolled-back task, else 0.
pub fn show_exit(t: &TaskInstance) -> i32 {
    match TaskGraph::from(t).status {
        TaskState::Failed | TaskState::RolledBack => EXIT_FAILED,
        _ => EXIT_OK,
    }
}
