//! `obtui watch TASK_ID` and `obtui task show`: plain-text task output for scripts and CI.
//!
//! `watch` prints each subtask status change as a line (time, subtask, old → new) and a
//! progress line, and exits 0 if the task succeeded, 1 if it failed (after printing the failed
//! subtasks and the tail of their logs) or was rolled back, 2 on connection / auth /
//! not-found errors.

use obtui_api::obshell::ObshellClient;
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

/// Where the tasks are read: OCP's task instances, or an obshell agent's DAGs (a profile
/// with only `obshell_url`).
pub enum Source {
    Ocp(OcpClient),
    Obshell(ObshellClient),
}

impl Source {
    /// The task as a graph, and OCP's own task instance (for its failed subtasks' logs).
    async fn fetch(
        &self,
        id: &str,
    ) -> Result<(TaskGraph, Option<TaskInstance>), obtui_api::ApiError> {
        match self {
            Source::Ocp(c) => {
                let n: i64 = id.parse().map_err(|_| {
                    obtui_api::ApiError::Request(format!("{id:?} is not an OCP task id (a number)"))
                })?;
                let t = c.get_task(n).await?;
                Ok((TaskGraph::from(&t), Some(t)))
            }
            Source::Obshell(c) => crate::poll::obshell::task_graph(c, id)
                .await
                .map(|g| (g, None)),
        }
    }

    fn ocp(&self) -> Option<&OcpClient> {
        match self {
            Source::Ocp(c) => Some(c),
            Source::Obshell(_) => None,
        }
    }
}

/// Follow a task until it ends. Returns the exit code.
pub async fn watch(
    source: &Source,
    task_id: &str,
    opts: &WatchOptions,
    out: &mut dyn Write,
) -> i32 {
    watch_all(source, &[task_id.to_string()], opts, out).await
}

/// Follow several tasks (the OBProxy take-over's one task per host) together until every one
/// ends; each poll round asks for each unfinished task once. With more than one task, every
/// line starts with its task's id. The exit code is the worst of them: 2 if any could not be
/// followed, else 1 if any failed or was rolled back, else 0.
pub async fn watch_all(
    client: &Source,
    task_ids: &[String],
    opts: &WatchOptions,
    out: &mut dyn Write,
) -> i32 {
    if let Ok(mut z) = ZONE.write() {
        *z = Some(opts.zone.clone());
    }
    let several = task_ids.len() > 1;
    let mut follows: Vec<Follow> = task_ids
        .iter()
        .map(|id| Follow::new(id.clone(), several))
        .collect();
    loop {
        let mut wait: Option<Duration> = None;
        for f in follows.iter_mut().filter(|f| f.exit.is_none()) {
            if let Some(w) = f.step(client, opts, out).await {
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
        }
        if follows.iter().all(|f| f.exit.is_some()) {
            let codes = follows.iter().filter_map(|f| f.exit);
            return if codes.clone().any(|c| c == EXIT_ERROR) {
                EXIT_ERROR
            } else {
                codes.max().unwrap_or(EXIT_OK)
            };
        }
        tokio::time::sleep(wait.unwrap_or(opts.interval)).await;
    }
}

/// What `watch` knows of one task between polls.
struct Follow {
    id: String,
    /// `#ID  ` before each line when several tasks are followed.
    prefix: String,
    last: HashMap<String, NodeStatus>,
    last_task: Option<TaskState>,
    errors: u32,
    first: bool,
    /// Set once the task ended (or could not be followed): its exit code.
    exit: Option<i32>,
}

impl Follow {
    fn new(id: String, several: bool) -> Follow {
        Follow {
            prefix: if several {
                format!("#{id}  ")
            } else {
                String::new()
            },
            id,
            last: HashMap::new(),
            last_task: None,
            errors: 0,
            first: true,
            exit: None,
        }
    }

    /// One poll: print what changed; `Some(wait)` asks for a longer pause after an error.
    async fn step(
        &mut self,
        client: &Source,
        opts: &WatchOptions,
        out: &mut dyn Write,
    ) -> Option<Duration> {
        let p = self.prefix.clone();
        let (g, t) = match client.fetch(&self.id).await {
            Ok(x) => {
                self.errors = 0;
                x
            }
            Err(e) => {
                let fatal =
                    self.first || matches!(e.status(), Some(401 | 403 | 404)) || !e.is_transient();
                self.errors += 1;
                emit(
                    out,
                    opts.json,
                    format!("{p}{}  error: {e}", clock()),
                    json!({"event": "error", "time": clock(), "task": self.id, "message": e.to_string(), "status": e.status(), "traceId": e.trace_id()}),
                );
                if fatal || self.errors >= MAX_CONSECUTIVE_ERRORS {
                    self.exit = Some(EXIT_ERROR);
                    return None;
                }
                return Some(crate::poll::backoff(opts.interval, self.errors));
            }
        };
        if self.first {
            emit(
                out,
                opts.json,
                format!(
                    "{p}{}  task #{} {} — {} ({} subtasks; times {})",
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
        let mut changed = self.first;
        // Changes in model order, so the lines read like the task's progress.
        let mut order: Vec<usize> = (0..g.nodes.len()).collect();
        order.sort_by(|&a, &b| obtui_task::layout::model_cmp(&g.nodes[a], &g.nodes[b]));
        for i in order {
            let n = &g.nodes[i];
            let old = self.last.insert(n.id.clone(), n.status.clone());
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
                    format!("{p}{}  {}  {from} → {}", clock(), n.label(), n.status),
                    json!({"event": "status", "time": clock(), "task": g.id, "subtask_id": n.id, "subtask": n.name, "target": n.target, "from": old.map(|o| o.to_string()), "to": n.status.to_string()}),
                );
            }
        }
        if self.last_task.as_ref() != Some(&g.status) {
            changed = true;
            self.last_task = Some(g.status.clone());
        }
        if changed {
            let (done, total) = g.progress();
            emit(
                out,
                opts.json,
                format!("{p}{}", progress_text(&g)),
                json!({"event": "progress", "time": clock(), "task": g.id, "done": done, "total": total, "status": g.status.to_string()}),
            );
        }
        self.first = false;
        match g.status {
            TaskState::Successful => {
                emit(
                    out,
                    opts.json,
                    format!("{p}{}  task #{} SUCCESSFUL", clock(), g.id),
                    json!({"event": "end", "time": clock(), "task": g.id, "status": "SUCCESSFUL", "exit": EXIT_OK}),
                );
                self.exit = Some(EXIT_OK);
            }
            // The change was undone: not a success for a script waiting on it.
            TaskState::RolledBack => {
                emit(
                    out,
                    opts.json,
                    format!(
                        "{p}{}  task #{} {} (its change was undone)",
                        clock(),
                        g.id,
                        state_label(&g.status, false)
                    ),
                    json!({"event": "end", "time": clock(), "task": g.id, "status": "ROLLED_BACK", "exit": EXIT_FAILED}),
                );
                self.exit = Some(EXIT_FAILED);
            }
            TaskState::Failed => {
                report_failure(client, t.as_ref(), &g, opts.json, out).await;
                self.exit = Some(EXIT_FAILED);
            }
            _ => {}
        }
        None
    }
}

async fn report_failure(
    client: &Source,
    t: Option<&TaskInstance>,
    g: &TaskGraph,
    json_mode: bool,
    out: &mut dyn Write,
) {
    match t {
        Some(t) => failed_subtasks(client.ocp(), t, g, json_mode, out).await,
        // An obshell DAG carries its failed sub_tasks' logs itself.
        None if json_mode => {
            for n in g.nodes.iter().filter(|n| n.status == NodeStatus::Failed) {
                let logs: Vec<&String> = n
                    .children
                    .iter()
                    .filter(|c| c.status == Some(NodeStatus::Failed))
                    .flat_map(|c| c.logs[c.logs.len().saturating_sub(LOG_TAIL)..].iter())
                    .collect();
                emit(
                    out,
                    true,
                    String::new(),
                    json!({"event": "failed_subtask", "task": g.id, "subtask_id": n.id, "subtask": n.name, "log_tail": logs}),
                );
            }
        }
        None => failed_nodes(g, out),
    }
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

/// A task read from a file: an OCP task instance, or an obshell DAG (`DagDetailDTO`).
#[derive(Debug, Clone)]
pub enum SavedTask {
    Ocp(Box<TaskInstance>),
    Obshell(Box<TaskGraph>),
}

impl SavedTask {
    pub fn graph(&self) -> TaskGraph {
        match self {
            SavedTask::Ocp(t) => TaskGraph::from(t.as_ref()),
            SavedTask::Obshell(g) => g.as_ref().clone(),
        }
    }
}

/// An obshell DAG rather than an OCP task: its ids are strings (`"id": "13"`, OCP's are
/// numbers), or it has obshell's own keys.
fn is_obshell_dag(obj: &serde_json::Value) -> bool {
    obj.get("id").is_some_and(serde_json::Value::is_string)
        || obj.get("dag_id").is_some()
        || obj.get("max_stage").is_some()
}

/// Parse a saved task or DAG: a whole response envelope (`{"data": {...}}`) or the bare object,
/// from OCP (a task instance) or obshell (a `DagDetailDTO`, with or without node details).
pub fn parse_saved_task(text: &str) -> Result<SavedTask, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let obj = match v.get("data") {
            Some(d) if d.is_object() && v.get("state").is_none() => d,
            _ => &v,
        };
        let failed = v.get("successful") == Some(&serde_json::Value::Bool(false));
        if obj.is_object() && !failed && is_obshell_dag(obj) {
            if obj.get("state").is_none_or(serde_json::Value::is_null) {
                return Err("an obshell DAG without a `state`: not a DAG".into());
            }
            return TaskGraph::from_obshell_dag(obj)
                .map(|g| SavedTask::Obshell(Box::new(g)))
                .map_err(|e| format!("not a DAG: {e}"));
        }
    }
    parse_task_json(text).map(|t| SavedTask::Ocp(Box::new(t)))
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
    render_graph(&TaskGraph::from(t), ascii, now_ms, width)
}

/// [`render_task`] for any task graph (an obshell DAG's too).
pub fn render_graph(g: &TaskGraph, ascii: bool, now_ms: i64, width: Option<usize>) -> String {
    let g = g.clone();
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
    let (task_details, shared_type) = task_details(&g);
    let key_w = task_details
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in &task_details {
        s.push_str(&format!("  {k:<key_w$}  {v}\n"));
    }
    let text = render_list_text_at(&g, &rows, &params, ascii, now_ms);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == ids.len() {
        for (id, l) in ids.iter().zip(lines) {
            s.push_str(&format!("{id:>id_w$}  {l}\n"));
        }
    } else {
        s.push_str(&text);
    }
    let unit = match g.backend {
        obtui_task::Backend::Ocp => "subtask",
        obtui_task::Backend::Obshell => "node",
    };
    for n in &g.nodes {
        let mut parts: Vec<String> = n
            .details
            .iter()
            .filter(|(k, _)| !(shared_type.is_some() && k == "type"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if n.prohibit_skip {
            parts.push("skip refused by the server (prohibitSkip)".into());
        }
        if !parts.is_empty() {
            s.push_str(&format!("{unit} {}: {}\n", n.id, parts.join(" · ")));
        }
    }
    s
}

/// The task's documented details for `task show`, whole: its creation time (UTC), then the
/// graph's details, then the subtasks' `type` when every subtask shares it (said once instead
/// of on each subtask; the second value is that type).
fn task_details(g: &TaskGraph) -> (Vec<(String, String)>, Option<String>) {
    let mut out = Vec::new();
    if let Some(c) = g.created {
        out.push(("created".to_string(), obtui_api::time::format_utc(c)));
    }
    out.extend(g.details.iter().cloned());
    let type_of = |n: &obtui_task::TaskNode| {
        n.details
            .iter()
            .find(|(k, _)| k == "type")
            .map(|(_, v)| v.clone())
    };
    let first = g.nodes.first().and_then(type_of);
    let shared = first.filter(|t| g.nodes.iter().all(|n| type_of(n).as_ref() == Some(t)));
    if let Some(t) = &shared {
        out.push(("subtask type".to_string(), t.clone()));
    }
    (out, shared)
}

/// The exit status of `task show`, like `watch`'s: 1 for a failed or rolled-back task, else 0.
pub fn show_exit(t: &TaskInstance) -> i32 {
    graph_exit(&TaskGraph::from(t))
}

/// [`show_exit`] for any task graph.
pub fn graph_exit(g: &TaskGraph) -> i32 {
    match g.status {
        TaskState::Failed | TaskState::RolledBack => EXIT_FAILED,
        _ => EXIT_OK,
    }
}

/// The failed nodes of a saved obshell DAG, each failed sub-task with the tail of the logs
/// the DAG carries (a DAG saved without node details has none).
pub fn failed_nodes(g: &TaskGraph, out: &mut dyn Write) {
    for n in g.nodes.iter().filter(|n| n.status == NodeStatus::Failed) {
        let _ = writeln!(out, "FAILED node {} {}", n.id, n.label());
        for c in n
            .children
            .iter()
            .filter(|c| c.status == Some(NodeStatus::Failed))
        {
            let _ = writeln!(out, "  sub-task {} {}", c.id, c.name);
            for l in &c.logs[c.logs.len().saturating_sub(LOG_TAIL)..] {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
}
