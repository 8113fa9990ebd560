//! The task engine: tasks are DAGs of subtasks that advance in dependency order.
//!
//! Each call to [`advance`] (every 200 ms from the ticker) moves subtasks
//! `PENDING → READY → RUNNING → SUCCESSFUL | FAILED` up to the current time. Times are
//! computed, not sampled: a subtask that starts at `t` ends at `t + duration / speed` even
//! if the tick comes later, and its downstream starts from that end. So a fast `speed` runs a
//! whole DAG in one tick and the recorded times stay consistent.
//!
//! Operations follow ocp-api.md §9.4 (OCP Express's rules):
//! - task retry: task FAILED and operation ≠ ROLLBACK → RUNNING/RETRY; failed subtasks re-run;
//! - task rollback: task FAILED and not prohibitRollback → RUNNING/ROLLBACK. Simplified: every
//!   subtask that ran is rolled back in reverse dependency order (operation ROLLBACK, status
//!   PENDING → RUNNING → SUCCESSFUL); when all are rolled back the task ends SUCCESSFUL with
//!   operation ROLLBACK and the task's change is undone (a created or taken-over cluster is
//!   removed, an upgrade leaves the old version, a taken-over OBProxy is removed);
//! - subtask retry: FAILED and operation ≠ ROLLBACK; skip: FAILED → SUCCESSFUL/SKIP and the
//!   downstream continues; cancel: RUNNING → CANCELING → FAILED/CANCEL.
//!
//! A task is RUNNING while any subtask can still make progress; then SUCCESSFUL if all
//! succeeded, else FAILED.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::clock::{iso, log_stamp};
use super::envelope::{code, Fail};
use super::inventory::{HostService, Obproxy};
use super::templates::Plan;
use super::Db;

/// Subtask status values (ocp-api.md §9.3).
pub mod st {
    pub const PENDING: &str = "PENDING";
    pub const READY: &str = "READY";
    pub const RUNNING: &str = "RUNNING";
    pub const CANCELING: &str = "CANCELING";
    pub const FAILED: &str = "FAILED";
    pub const SUCCESSFUL: &str = "SUCCESSFUL";
}

/// Operation values.
pub mod op {
    pub const EXECUTE: &str = "EXECUTE";
    pub const RETRY: &str = "RETRY";
    pub const ROLLBACK: &str = "ROLLBACK";
    pub const SKIP: &str = "SKIP";
    pub const CANCEL: &str = "CANCEL";
}

/// Lines kept per subtask log; older lines are dropped.
pub const MAX_LOG_LINES: usize = 2000;
/// Time a subtask spends READY before it runs, at speed 1.0.
const READY_DELAY_MS: f64 = 300.0;
/// The executor (OCP server) address in task JSON.
pub const OCP_EXECUTOR: &str = "127.0.0.1";

#[derive(Debug, Clone)]
pub struct Subtask {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub series_id: i64,
    pub parallel_idx: i64,
    pub timeout: i64,
    pub class_name: String,
    pub status: String,
    pub operation: String,
    pub executor: String,
    pub run_time: i64,
    pub create_ms: i64,
    pub start_ms: Option<i64>,
    pub finish_ms: Option<i64>,
    pub upstreams: Vec<i64>,
    pub downstreams: Vec<i64>,
    pub prohibit_rollback: bool,
    /// Duration at speed 1.0.
    pub dur_ms: f64,
    ready_ms: i64,
    end_ms: i64,
    fail_this_run: bool,
    lines_total: usize,
    lines_done: usize,
    pub log: VecDeque<String>,
}

/// What a task changes when it succeeds (or undoes when rolled back).
#[derive(Debug, Clone, PartialEq)]
pub enum TaskKind {
    CreateCluster {
        cluster_id: i64,
    },
    TakeOver {
        cluster_id: i64,
        added_hosts: Vec<i64>,
    },
    Upgrade {
        cluster_id: i64,
        to_version: String,
        to_build: String,
    },
    ProxyTakeOver {
        proxy_cluster_id: i64,
        obproxy_id: i64,
        host_id: i64,
    },
    /// Seeded history with no effect.
    Record,
}

/// `{id, name, obClusterId, type}` of the task's cluster, kept even if the cluster goes away.
#[derive(Debug, Clone)]
pub struct ClusterRef {
    pub id: i64,
    pub name: String,
    pub ob_cluster_id: i64,
    pub kind: String,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: i64,
    pub name: String,
    pub kind: TaskKind,
    pub cluster: Option<ClusterRef>,
    pub host_id: Option<i64>,
    pub status: String,
    pub operation: String,
    pub creator: String,
    pub executor: String,
    pub prohibit_rollback: bool,
    pub create_ms: i64,
    pub start_ms: i64,
    pub finish_ms: Option<i64>,
    /// When the last operation (start, retry, skip, rollback) happened; nothing is READY before.
    resume_ms: i64,
    pub string_map: BTreeMap<String, String>,
    pub list_map: BTreeMap<String, Vec<String>>,
    pub subtasks: Vec<Subtask>,
}

/// All tasks, ordered by id.
#[derive(Debug, Clone)]
pub struct Tasks {
    list: Vec<Task>,
    next_task: i64,
    next_subtask: i64,
}

impl Default for Tasks {
    fn default() -> Self {
        Tasks {
            list: Vec::new(),
            next_task: 13_089_000,
            next_subtask: 13_104_000,
        }
    }
}

impl Tasks {
    pub fn iter(&self) -> impl Iterator<Item = &Task> {
        self.list.iter()
    }
    pub fn get(&self, id: i64) -> Option<&Task> {
        let i = self.list.binary_search_by_key(&id, |t| t.id).ok()?;
        self.list.get(i)
    }
    pub fn get_mut(&mut self, id: i64) -> Option<&mut Task> {
        let i = self.list.binary_search_by_key(&id, |t| t.id).ok()?;
        self.list.get_mut(i)
    }
    pub fn len(&self) -> usize {
        self.list.len()
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    /// Is a task of this cluster still running (OCP allows one change at a time)?
    pub fn running_for_cluster(&self, cluster_id: i64) -> Option<&Task> {
        self.list.iter().find(|t| {
            t.status == st::RUNNING && t.cluster.as_ref().is_some_and(|c| c.id == cluster_id)
        })
    }

    /// Instantiate `plan` as a new RUNNING task started at `now`.
    pub fn create(&mut self, spec: NewTask, plan: &Plan, now: i64) -> i64 {
        self.next_task += 1;
        let id = self.next_task;
        let first = self.next_subtask + 1;
        self.next_subtask += plan.nodes.len() as i64;
        let n = plan.nodes.len();
        let mut downs: Vec<Vec<i64>> = vec![Vec::new(); n];
        for (i, node) in plan.nodes.iter().enumerate() {
            for u in &node.ups {
                if let Some(d) = downs.get_mut(*u) {
                    d.push(first + i as i64);
                }
            }
        }
        // OCP numbers seriesId in no particular order (obdiag: "use seriesId, not the
        // response order"); a fixed permutation keeps that property deterministic.
        let series = |i: usize| ((i * 7 + 3) % n.max(1)) as i64;
        let subtasks = plan
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let secs = node.secs.max(0.05);
                Subtask {
                    id: first + i as i64,
                    name: node.name.clone(),
                    description: node.description.clone(),
                    series_id: series(i),
                    parallel_idx: node.parallel_idx,
                    timeout: node.timeout,
                    class_name: node.class_name.clone(),
                    status: st::PENDING.into(),
                    operation: op::EXECUTE.into(),
                    executor: node.executor.clone().unwrap_or_else(|| OCP_EXECUTOR.into()),
                    run_time: 0,
                    create_ms: now,
                    start_ms: None,
                    finish_ms: None,
                    upstreams: node.ups.iter().map(|u| first + *u as i64).collect(),
                    downstreams: downs.get(i).cloned().unwrap_or_default(),
                    prohibit_rollback: false,
                    dur_ms: secs * 1000.0,
                    ready_ms: now,
                    end_ms: now,
                    fail_this_run: false,
                    lines_total: ((secs / 2.0) as usize).clamp(3, 60),
                    lines_done: 0,
                    log: VecDeque::new(),
                }
            })
            .collect();
        self.list.push(Task {
            id,
            name: spec.name,
            kind: spec.kind,
            cluster: spec.cluster,
            host_id: spec.host_id,
            status: st::RUNNING.into(),
            operation: op::EXECUTE.into(),
            creator: "admin".into(),
            executor: OCP_EXECUTOR.into(),
            prohibit_rollback: spec.prohibit_rollback,
            create_ms: now,
            start_ms: now,
            finish_ms: None,
            resume_ms: now,
            string_map: spec.string_map,
            list_map: spec.list_map,
            subtasks,
        });
        id
    }
}

/// What a new task is about.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub name: String,
    pub kind: TaskKind,
    pub cluster: Option<ClusterRef>,
    pub host_id: Option<i64>,
    pub prohibit_rollback: bool,
    pub string_map: BTreeMap<String, String>,
    pub list_map: BTreeMap<String, Vec<String>>,
}

/// How a task ended in this advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Succeeded,
    Failed,
    RolledBack,
}

fn push_log(sub: &mut Subtask, line: String) {
    sub.log.push_back(line);
    while sub.log.len() > MAX_LOG_LINES {
        sub.log.pop_front();
    }
}

fn thread_tag(sub: &Subtask) -> String {
    format!(
        "[pool-subtask-executor-thread-{},{:016x},{:012x}]",
        sub.id % 64,
        (sub.id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
        (sub.id as u64).wrapping_mul(0x2545_f491) & 0xffff_ffff_ffff
    )
}

fn short_class(class: &str) -> String {
    // "com.oceanbase.ocp.service.task.business.cluster.InstallRpmTask" → "c.o.o.s.t.b.cluster.InstallRpmTask"
    let parts: Vec<&str> = class.split('.').collect();
    let n = parts.len();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i + 2 >= n {
                (*p).to_string()
            } else {
                p.chars().next().map(String::from).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn info_line(sub: &Subtask, t: i64, level: &str, logger: &str, msg: &str) -> String {
    format!(
        "{}  {:<5} 57200 --- {} {:<40} : {}",
        log_stamp(t),
        level,
        thread_tag(sub),
        logger,
        msg
    )
}

/// The body lines of a subtask's run: a few specific to what it does, the rest progress.
fn body_line(sub: &Subtask, k: usize, task: &TaskCtx) -> String {
    let ip = &sub.executor;
    let specific: Option<String> = match (sub.name.as_str(), k) {
        ("Install rpm" | "Install new version rpm", 0) => {
            Some(format!("Installing package {} on host {ip}", task.rpm))
        }
        ("Install rpm" | "Install new version rpm", 1) => Some(format!(
            "Exec command on host {ip}: sudo rpm -Uvh --force /tmp/{}",
            task.rpm
        )),
        ("Run io calibration" | "Do io bench", 0) => Some(format!(
            "Start io calibration on {ip}, data dir /data/1, file size 10G"
        )),
        ("Run io calibration" | "Do io bench", 2) => {
            Some("io calibration: 4K random read 52000 iops, 2M seq read 1830 MB/s".into())
        }
        ("Bootstrap ob", 0) => Some(format!(
            "Execute bootstrap sql on {ip}: ALTER SYSTEM BOOTSTRAP ZONE 'zone1' SERVER '{ip}:2882'"
        )),
        ("Stop zone" | "Start zone", 0) => Some(format!("Execute sql: {}", sub.description)),
        ("Restart observer with new version" | "Restart observer process", 0) => Some(format!(
            "Stop observer process on {ip}, pid found, sending SIGTERM"
        )),
        ("Restart observer with new version" | "Restart observer process", 1) => Some(format!(
            "Start observer on {ip}: cd /home/admin/oceanbase && bin/observer -p 2881 -P 2882"
        )),
        ("Upgrade pre check", 0) => Some(format!(
            "Check upgrade path {} -> {}",
            task.from_version, task.to_version
        )),
        ("Register config url", 0) => Some(
            "Set obconfig_url to http://127.0.0.1:8080/services?Action=ObRootServiceInfo".into(),
        ),
        ("Check obproxy process", 0) => Some(format!(
            "Exec command on host {ip}: ps -ef | grep obproxy | grep -v grep"
        )),
        (_, 0) => Some(format!(
            "[{}] begin",
            sub.class_name.rsplit('.').next().unwrap_or("")
        )),
        _ => None,
    };
    specific.unwrap_or_else(|| {
        format!(
            "{} in progress, step {}/{} on {ip}",
            sub.name,
            k + 1,
            sub.lines_total
        )
    })
}

fn failure_lines(sub: &Subtask) -> Vec<String> {
    let ip = &sub.executor;
    let reason = match sub.name.as_str() {
        "Run io calibration" | "Do io bench" => format!(
            "io calibration failed on {ip}: data disk /data/1 write throughput 38 MB/s is below the required 100 MB/s"
        ),
        "Install rpm" | "Install new version rpm" => format!(
            "Exec command failed on host {ip}: rpm -Uvh: error: Failed dependencies: libaio.so.1()(64bit) is needed"
        ),
        "Bootstrap ob" => format!(
            "Bootstrap failed: ERROR 4012 (HY000): Timeout, observer {ip}:2882 did not respond"
        ),
        "Upgrade pre check" => "Upgrade pre check failed: tenant tpcc has a major compaction in progress; wait for it to finish".into(),
        "Register config url" => "Failed to register config url: ERROR 1227 (42501): Access denied; root@sys lacks privilege".into(),
        "Check obproxy process" => format!(
            "No running obproxy process found on host {ip}; the takeover needs exactly one"
        ),
        _ => format!("{} failed on {ip}: unexpected error, see details above", sub.name),
    };
    vec![
        reason.clone(),
        format!("com.oceanbase.ocp.core.exception.OcpException: {reason}"),
        "\tat com.oceanbase.ocp.service.task.executor.SubtaskExecutor.run(SubtaskExecutor.java:212)".into(),
    ]
}

/// Task-wide values that log lines mention.
struct TaskCtx {
    rpm: String,
    from_version: String,
    to_version: String,
    task_id: i64,
}

impl TaskCtx {
    fn of(task: &Task) -> TaskCtx {
        let get = |k: &str| task.string_map.get(k).cloned().unwrap_or_default();
        TaskCtx {
            rpm: get("rpm_name"),
            from_version: get("cluster_version"),
            to_version: get("target_version"),
            task_id: task.id,
        }
    }
}

fn begin_run(
    sub: &mut Subtask,
    start: i64,
    speed: f64,
    fail_names: &BTreeSet<String>,
    ctx: &TaskCtx,
) {
    let rollback = sub.operation == op::ROLLBACK;
    sub.status = st::RUNNING.into();
    sub.run_time += 1;
    sub.start_ms = Some(start);
    sub.finish_ms = None;
    let base = if rollback {
        sub.dur_ms / 3.0
    } else {
        sub.dur_ms
    };
    let dur = (base / speed).max(1.0) as i64;
    sub.fail_this_run = !rollback && sub.run_time == 1 && fail_names.contains(&sub.name);
    sub.end_ms = if sub.fail_this_run {
        start + (dur as f64 * 0.6) as i64
    } else {
        start + dur
    };
    sub.lines_done = 0;
    if !sub.log.is_empty() {
        push_log(sub, String::new());
    }
    push_log(
        sub,
        format!(
            "############{{{}}}{{{}}}############",
            sub.operation,
            iso(start)
        ),
    );
    let line = info_line(
        sub,
        start,
        "INFO",
        "c.o.o.c.m.t.model.SubtaskInstanceEntity",
        &format!(
            "Run subtask, id={}, context=Context(parallelIdx={}, stringMap={{task_instance_id={}, task_operation={}, sub_task_instance_id={}}}), executor={}",
            sub.id,
            sub.parallel_idx,
            ctx.task_id,
            sub.operation.to_lowercase(),
            sub.id,
            OCP_EXECUTOR
        ),
    );
    push_log(sub, line);
}

/// Emit the body lines due by `until`.
fn emit_lines(sub: &mut Subtask, until: i64, ctx: &TaskCtx) {
    let Some(start) = sub.start_ms else { return };
    let span = (sub.end_ms - start).max(1);
    let logger = short_class(&sub.class_name);
    while sub.lines_done < sub.lines_total {
        let k = sub.lines_done;
        let t = start + span * (k as i64 + 1) / (sub.lines_total as i64 + 1);
        if t > until {
            break;
        }
        if sub.fail_this_run && k * 10 >= sub.lines_total * 6 {
            break;
        }
        let msg = if sub.operation == op::ROLLBACK {
            format!(
                "Rollback {}: undo step {}/{}",
                sub.name,
                k + 1,
                sub.lines_total
            )
        } else {
            body_line(sub, k, ctx)
        };
        let line = info_line(sub, t, "INFO", &logger, &msg);
        push_log(sub, line);
        sub.lines_done += 1;
    }
}

fn finish_run(sub: &mut Subtask, ctx: &TaskCtx) {
    let end = sub.end_ms;
    emit_lines(sub, end, ctx);
    sub.finish_ms = Some(end);
    if sub.fail_this_run {
        sub.status = st::FAILED.into();
        let logger = short_class(&sub.class_name);
        for l in failure_lines(sub) {
            let line = info_line(sub, end, "ERROR", &logger, &l);
            push_log(sub, line);
        }
    } else {
        sub.status = st::SUCCESSFUL.into();
    }
    let line = info_line(
        sub,
        end,
        "INFO",
        "c.o.o.c.m.t.model.SubtaskInstanceEntity",
        &format!(
            "Set state for subtask: {}, current state: RUNNING, new state: {}",
            sub.id, sub.status
        ),
    );
    push_log(sub, line);
}

fn index_of(task: &Task, id: i64) -> Option<usize> {
    // Subtask ids are handed out in a block (`Tasks::create`), so the index is the offset from
    // the first; the search is only the fallback. A 20,000-subtask task's dependency checks
    // would otherwise be quadratic on every tick.
    let first = task.subtasks.first()?.id;
    if let Ok(i) = usize::try_from(id.wrapping_sub(first)) {
        if task.subtasks.get(i).is_some_and(|s| s.id == id) {
            return Some(i);
        }
    }
    task.subtasks.iter().position(|s| s.id == id)
}

/// Can subtask `i` become READY now, and from when?
fn ready_time(task: &Task, i: usize) -> Option<i64> {
    let sub = task.subtasks.get(i)?;
    if sub.status != st::PENDING {
        return None;
    }
    let mut at = task.resume_ms;
    if task.operation == op::ROLLBACK {
        if sub.operation != op::ROLLBACK {
            return None;
        }
        // Undo in reverse: every downstream that is being rolled back must be done.
        for d in &sub.downstreams {
            let ds = index_of(task, *d).and_then(|j| task.subtasks.get(j))?;
            if ds.operation == op::ROLLBACK {
                if ds.status != st::SUCCESSFUL {
                    return None;
                }
                at = at.max(ds.finish_ms.unwrap_or(at));
            }
        }
    } else {
        if sub.operation == op::ROLLBACK {
            return None;
        }
        for u in &sub.upstreams {
            let us = index_of(task, *u).and_then(|j| task.subtasks.get(j))?;
            if us.status != st::SUCCESSFUL {
                return None;
            }
            at = at.max(us.finish_ms.unwrap_or(at));
        }
    }
    Some(at)
}

/// Advance one task to `now`; returns how it ended if it ended in this call.
fn advance_task(
    task: &mut Task,
    now: i64,
    speed: f64,
    fail_names: &BTreeSet<String>,
) -> Option<Outcome> {
    if task.status != st::RUNNING {
        return None;
    }
    let ctx = TaskCtx::of(task);
    // Executor pickup latency: scaled down when fast, never longer than at speed 1.
    let ready_delay = (READY_DELAY_MS / speed).min(READY_DELAY_MS) as i64;
    // Each pass moves at least one subtask one state; the bound guards against a bug looping.
    for _ in 0..(task.subtasks.len() * 6 + 6) {
        let mut changed = false;
        for i in 0..task.subtasks.len() {
            // The state as a `&'static str`: no allocation per subtask per pass.
            let status = match task.subtasks[i].status.as_str() {
                st::PENDING => st::PENDING,
                st::READY => st::READY,
                st::RUNNING => st::RUNNING,
                st::CANCELING => st::CANCELING,
                _ => "",
            };
            match status {
                st::PENDING => {
                    if let Some(at) = ready_time(task, i) {
                        if at <= now {
                            let sub = &mut task.subtasks[i];
                            sub.status = st::READY.into();
                            sub.ready_ms = at;
                            changed = true;
                        }
                    }
                }
                st::READY => {
                    let sub = &mut task.subtasks[i];
                    let start = sub.ready_ms + ready_delay;
                    if start <= now {
                        begin_run(sub, start, speed, fail_names, &ctx);
                        changed = true;
                    }
                }
                st::RUNNING => {
                    let sub = &mut task.subtasks[i];
                    if sub.end_ms <= now {
                        finish_run(sub, &ctx);
                        changed = true;
                    } else {
                        emit_lines(sub, now, &ctx);
                    }
                }
                st::CANCELING => {
                    let sub = &mut task.subtasks[i];
                    sub.status = st::FAILED.into();
                    sub.operation = op::CANCEL.into();
                    sub.finish_ms = Some(now);
                    let logger = short_class(&sub.class_name);
                    let line = info_line(
                        sub,
                        now,
                        "WARN",
                        &logger,
                        "Subtask canceled by user, thread interrupted",
                    );
                    push_log(sub, line);
                    changed = true;
                }
                _ => {}
            }
        }
        if !changed {
            break;
        }
    }
    settle(task, now)
}

/// Decide the task status once nothing more can move.
fn settle(task: &mut Task, now: i64) -> Option<Outcome> {
    let busy = task
        .subtasks
        .iter()
        .any(|s| s.status == st::READY || s.status == st::RUNNING || s.status == st::CANCELING);
    let can_start = (0..task.subtasks.len()).any(|i| ready_time(task, i).is_some());
    if busy || can_start {
        return None;
    }
    let last_finish = task
        .subtasks
        .iter()
        .filter_map(|s| s.finish_ms)
        .max()
        .unwrap_or(now);
    task.finish_ms = Some(last_finish);
    if task.operation == op::ROLLBACK {
        let all_undone = task
            .subtasks
            .iter()
            .filter(|s| s.operation == op::ROLLBACK)
            .all(|s| s.status == st::SUCCESSFUL);
        if all_undone {
            task.status = st::SUCCESSFUL.into();
            return Some(Outcome::RolledBack);
        }
        task.status = st::FAILED.into();
        return Some(Outcome::Failed);
    }
    if task.subtasks.iter().all(|s| s.status == st::SUCCESSFUL) {
        task.status = st::SUCCESSFUL.into();
        Some(Outcome::Succeeded)
    } else {
        task.status = st::FAILED.into();
        Some(Outcome::Failed)
    }
}

/// Advance every running task to `now` and land the changes of those that ended.
pub fn advance(db: &mut Db, now: i64) {
    let speed = db.speed;
    let mut ended = Vec::new();
    for task in db.tasks.list.iter_mut() {
        if let Some(o) = advance_task(task, now, speed, &db.fail_names) {
            ended.push((task.kind.clone(), o, ended_task(task)));
        }
    }
    for (kind, outcome, t) in ended {
        land(db, &kind, outcome, now);
        alarm_on_end(db, &t, outcome, now);
    }
}

fn ended_task(t: &Task) -> crate::alarms::EndedTask {
    crate::alarms::EndedTask {
        id: t.id,
        name: t.name.clone(),
        cluster: t.cluster.as_ref().map(|c| (c.id, c.name.clone())),
        host_id: t.host_id,
    }
}

/// A task that failed raises an alarm; one that succeeded or was rolled back clears its own.
fn alarm_on_end(db: &mut Db, t: &crate::alarms::EndedTask, outcome: Outcome, now: i64) {
    match outcome {
        Outcome::Failed => crate::alarms::task_failed(db, t, now),
        Outcome::Succeeded | Outcome::RolledBack => crate::alarms::task_cleared(db, t.id, now),
    }
}

/// Apply a finished task's effect on the inventory.
fn land(db: &mut Db, kind: &TaskKind, outcome: Outcome, now: i64) {
    let inv = &mut db.inv;
    match (kind, outcome) {
        (
            TaskKind::CreateCluster { cluster_id } | TaskKind::TakeOver { cluster_id, .. },
            Outcome::Succeeded,
        ) => {
            if let Some(c) = inv.cluster_mut(*cluster_id) {
                c.status = "RUNNING".into();
                c.update_ms = now;
                for z in c.zones.iter_mut() {
                    z.status = "RUNNING".into();
                    for s in z.servers.iter_mut() {
                        s.status = "RUNNING".into();
                        s.start_ms = now;
                        s.update_ms = now;
                    }
                }
            }
        }
        (TaskKind::CreateCluster { cluster_id }, Outcome::RolledBack) => {
            remove_cluster(db, *cluster_id, &[]);
        }
        (
            TaskKind::TakeOver {
                cluster_id,
                added_hosts,
            },
            Outcome::RolledBack,
        ) => {
            remove_cluster(db, *cluster_id, added_hosts);
        }
        (
            TaskKind::Upgrade {
                cluster_id,
                to_version,
                to_build,
            },
            Outcome::Succeeded,
        ) => {
            let mut service_name = None;
            if let Some(c) = inv.cluster_mut(*cluster_id) {
                c.version = to_version.clone();
                c.build = to_build.clone();
                c.status = "RUNNING".into();
                c.update_ms = now;
                service_name = Some(format!("{}:{}", c.name, c.ob_cluster_id));
            }
            if let Some(name) = service_name {
                for h in inv.hosts.iter_mut() {
                    for s in h.services.iter_mut().filter(|s| s.name == name) {
                        s.version = to_version.clone();
                    }
                }
            }
        }
        (TaskKind::Upgrade { cluster_id, .. }, Outcome::RolledBack) => {
            if let Some(c) = inv.cluster_mut(*cluster_id) {
                c.status = "RUNNING".into();
                c.update_ms = now;
            }
        }
        (
            TaskKind::ProxyTakeOver {
                proxy_cluster_id,
                obproxy_id,
                ..
            },
            Outcome::Succeeded,
        ) => {
            if let Some(p) = inv.proxy_mut(*proxy_cluster_id) {
                for o in p.proxies.iter_mut().filter(|o| o.id == *obproxy_id) {
                    o.status = "RUNNING".into();
                    o.operate_status = "NORMAL".into();
                    o.last_active_ms = now;
                }
                p.update_ms = now;
            }
        }
        (
            TaskKind::ProxyTakeOver {
                proxy_cluster_id,
                obproxy_id,
                host_id,
            },
            Outcome::RolledBack,
        ) => {
            let mut name = None;
            if let Some(p) = inv.proxy_mut(*proxy_cluster_id) {
                p.proxies.retain(|o| o.id != *obproxy_id);
                name = Some(p.name.clone());
            }
            if let (Some(h), Some(name)) = (inv.host_mut(*host_id), name) {
                h.services
                    .retain(|s| !(s.kind == "OB_PROXY" && s.name == name));
            }
        }
        _ => {}
    }
}

fn remove_cluster(db: &mut Db, cluster_id: i64, added_hosts: &[i64]) {
    let inv = &mut db.inv;
    let Some(pos) = inv.clusters.iter().position(|c| c.id == cluster_id) else {
        return;
    };
    let c = inv.clusters.remove(pos);
    let service = format!("{}:{}", c.name, c.ob_cluster_id);
    for (_, s) in c.servers() {
        if let Some(h) = inv.host_mut(s.host_id) {
            h.services.retain(|x| x.name != service);
        }
    }
    inv.hosts.retain(|h| !added_hosts.contains(&h.id));
}

// ---------------------------------------------------------------------------------------
// Operations (ocp-api.md §9.4)

fn task_missing(id: i64) -> Fail {
    Fail::new(
        StatusCode::NOT_FOUND,
        code::TASK_NOT_EXISTS,
        format!("Task instance not found: {id}"),
    )
}

fn state_invalid(msg: String) -> Fail {
    Fail::new(StatusCode::BAD_REQUEST, code::TASK_STATE_INVALID, msg)
}

fn task_and_sub(db: &mut Db, task_id: i64, sub_id: i64) -> Result<(&mut Task, usize), Fail> {
    let task = db
        .tasks
        .get_mut(task_id)
        .ok_or_else(|| task_missing(task_id))?;
    let i = index_of(task, sub_id).ok_or_else(|| {
        Fail::new(
            StatusCode::NOT_FOUND,
            code::TASK_NOT_EXISTS,
            format!("Subtask instance not found: {sub_id} in task {task_id}"),
        )
    })?;
    Ok((task, i))
}

/// Run the engine once for a task right after an operation, so the answer shows its effect.
fn kick(db: &mut Db, task_id: i64, now: i64) {
    let speed = db.speed;
    let mut ended = None;
    if let Some(t) = db.tasks.get_mut(task_id) {
        ended =
            advance_task(t, now, speed, &db.fail_names).map(|o| (t.kind.clone(), o, ended_task(t)));
    }
    if let Some((kind, o, t)) = ended {
        land(db, &kind, o, now);
        alarm_on_end(db, &t, o, now);
    }
}

/// Task retry: FAILED and operation ≠ ROLLBACK.
pub fn retry_task(db: &mut Db, id: i64, now: i64) -> Result<(), Fail> {
    let task = db.tasks.get_mut(id).ok_or_else(|| task_missing(id))?;
    if task.status != st::FAILED || task.operation == op::ROLLBACK {
        return Err(state_invalid(format!(
            "Task {id} cannot be retried: status {}, operation {} (needs FAILED and not ROLLBACK)",
            task.status, task.operation
        )));
    }
    task.status = st::RUNNING.into();
    task.operation = op::RETRY.into();
    task.finish_ms = None;
    task.resume_ms = now;
    for s in task.subtasks.iter_mut().filter(|s| s.status == st::FAILED) {
        s.status = st::PENDING.into();
        s.operation = op::RETRY.into();
    }
    kick(db, id, now);
    Ok(())
}

/// Task rollback: FAILED and not prohibitRollback.
pub fn rollback_task(db: &mut Db, id: i64, now: i64) -> Result<(), Fail> {
    let task = db.tasks.get_mut(id).ok_or_else(|| task_missing(id))?;
    if task.prohibit_rollback {
        return Err(Fail::new(
            StatusCode::BAD_REQUEST,
            code::TASK_PROHIBIT_ROLLBACK,
            format!("Task {id} prohibits rollback"),
        ));
    }
    if task.status != st::FAILED {
        return Err(state_invalid(format!(
            "Task {id} cannot be rolled back: status {} (needs FAILED)",
            task.status
        )));
    }
    task.status = st::RUNNING.into();
    task.operation = op::ROLLBACK.into();
    task.finish_ms = None;
    task.resume_ms = now;
    for s in task.subtasks.iter_mut() {
        let undone = s.operation == op::ROLLBACK && s.status == st::SUCCESSFUL;
        if !undone && s.run_time > 0 && (s.status == st::SUCCESSFUL || s.status == st::FAILED) {
            s.status = st::PENDING.into();
            s.operation = op::ROLLBACK.into();
        }
    }
    kick(db, id, now);
    Ok(())
}

/// Subtask retry: FAILED and operation ≠ ROLLBACK.
pub fn retry_subtask(db: &mut Db, task_id: i64, sub_id: i64, now: i64) -> Result<(), Fail> {
    let (task, i) = task_and_sub(db, task_id, sub_id)?;
    if task.operation == op::ROLLBACK {
        return Err(state_invalid(format!(
            "Task {task_id} is rolling back; roll the task back again instead of retrying subtask {sub_id}"
        )));
    }
    let sub = &mut task.subtasks[i];
    if sub.status != st::FAILED || sub.operation == op::ROLLBACK {
        return Err(state_invalid(format!(
            "Subtask {sub_id} cannot be retried: status {}, operation {} (needs FAILED and not ROLLBACK)",
            sub.status, sub.operation
        )));
    }
    sub.status = st::PENDING.into();
    sub.operation = op::RETRY.into();
    if task.status != st::RUNNING {
        task.status = st::RUNNING.into();
        task.finish_ms = None;
    }
    task.resume_ms = now;
    kick(db, task_id, now);
    Ok(())
}

/// Subtask skip: FAILED → SUCCESSFUL with operation SKIP; the downstream continues.
pub fn skip_subtask(db: &mut Db, task_id: i64, sub_id: i64, now: i64) -> Result<(), Fail> {
    let (task, i) = task_and_sub(db, task_id, sub_id)?;
    let sub = &mut task.subtasks[i];
    if sub.status != st::FAILED {
        return Err(state_invalid(format!(
            "Subtask {sub_id} cannot be skipped: status {} (needs FAILED)",
            sub.status
        )));
    }
    sub.status = st::SUCCESSFUL.into();
    sub.operation = op::SKIP.into();
    sub.finish_ms = Some(now);
    let logger = short_class(&sub.class_name);
    let line = info_line(sub, now, "WARN", &logger, "Subtask skipped by user");
    push_log(sub, line);
    if task.status != st::RUNNING {
        task.status = st::RUNNING.into();
        task.finish_ms = None;
    }
    task.resume_ms = now;
    kick(db, task_id, now);
    Ok(())
}

/// Subtask cancel: RUNNING → CANCELING (→ FAILED/CANCEL on the next advance).
pub fn cancel_subtask(db: &mut Db, task_id: i64, sub_id: i64) -> Result<(), Fail> {
    let (_, i) = task_and_sub(db, task_id, sub_id)?;
    let task = db
        .tasks
        .get_mut(task_id)
        .ok_or_else(|| task_missing(task_id))?;
    let sub = &mut task.subtasks[i];
    if sub.status != st::RUNNING {
        return Err(state_invalid(format!(
            "Subtask {sub_id} cannot be canceled: status {} (needs RUNNING)",
            sub.status
        )));
    }
    sub.status = st::CANCELING.into();
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Seeded history

fn cluster_ref(c: &super::inventory::Cluster) -> ClusterRef {
    ClusterRef {
        id: c.id,
        name: c.name.clone(),
        ob_cluster_id: c.ob_cluster_id,
        kind: c.kind.clone(),
    }
}

/// `(zone, ip)` of every server of a cluster.
pub fn server_list(c: &super::inventory::Cluster) -> Vec<(String, String)> {
    c.servers()
        .map(|(z, s)| (z.name.clone(), s.ip.clone()))
        .collect()
}

/// Run a task at speed 1 up to `until`, failing `fail` subtasks.
fn replay(db: &mut Db, id: i64, until: i64, fail: &[&str]) {
    let names: BTreeSet<String> = fail.iter().map(|s| s.to_string()).collect();
    if let Some(t) = db.tasks.get_mut(id) {
        advance_task(t, until, 1.0, &names);
    }
}

/// Seed history: a finished create, a finished takeover, a FAILED upgrade (failed pre
/// check, retry succeeds) and a RUNNING upgrade that takes a few minutes at speed 1.
pub fn seed_tasks(db: &mut Db, now: i64, scale: u32) {
    let clusters = db.inv.clusters.clone();
    let by_name = |n: &str| clusters.iter().find(|c| c.name == n);
    if let Some(terran) = by_name("terran") {
        let start = terran.create_ms;
        let plan = super::templates::take_over(&server_list(terran));
        let id = db.tasks.create(
            NewTask {
                name: "Take over primary OB cluster".into(),
                kind: TaskKind::Record,
                cluster: Some(cluster_ref(terran)),
                host_id: None,
                prohibit_rollback: false,
                string_map: BTreeMap::new(),
                list_map: BTreeMap::new(),
            },
            &plan,
            start,
        );
        replay(db, id, start + 24 * 3_600_000, &[]);
    }
    let mut history: Vec<&super::inventory::Cluster> = by_name("protoss").into_iter().collect();
    // Bigger inventories get some history too (bounded: logs cost memory).
    history.extend(
        clusters
            .iter()
            .skip(4)
            .step_by(10)
            .take(((scale / 10) as usize).min(20)),
    );
    for c in history {
        let rpm = format!("oceanbase-{}-{}.el7.x86_64.rpm", c.version, c.build);
        let plan = super::templates::create_cluster(&server_list(c));
        let mut sm = BTreeMap::new();
        sm.insert("rpm_name".to_string(), rpm);
        sm.insert("cluster_name".to_string(), c.name.clone());
        let id = db.tasks.create(
            NewTask {
                name: "Create primary OB cluster".into(),
                kind: TaskKind::Record,
                cluster: Some(cluster_ref(c)),
                host_id: None,
                prohibit_rollback: false,
                string_map: sm,
                list_map: BTreeMap::new(),
            },
            &plan,
            c.create_ms,
        );
        replay(db, id, c.create_ms + 24 * 3_600_000, &[]);
    }
    if let Some(x) = by_name("xelnaga") {
        let start = now - 2 * 3_600_000;
        upgrade_task(db, x.id, "4.3.2.1", start);
        if let Some(id) = db.tasks.list.last().map(|t| t.id) {
            replay(db, id, now, &["Upgrade pre check"]);
        }
    }
    if let Some(t) = by_name("terran") {
        upgrade_task(db, t.id, "4.2.2.0", now);
        if let Some(id) = db.tasks.list.last().map(|t| t.id) {
            kick(db, id, now);
        }
    }
}

/// Most subtasks [`big_task`] accepts.
pub const MAX_BIG_TASK: usize = 100_000;

/// Start a large running task of exactly `n` subtasks ([`super::templates::big`]) on the first
/// cluster, with the inventory's hosts as executors; returns its id. It changes nothing when
/// it ends (`TaskKind::Record`). For performance work: `POST /sim/tasks`.
pub fn big_task(db: &mut Db, n: usize, now: i64) -> i64 {
    let n = n.clamp(3, MAX_BIG_TASK);
    let hosts: Vec<String> = db.inv.hosts.iter().map(|h| h.ip.clone()).collect();
    let plan = super::templates::big(n, &hosts);
    let cluster = db.inv.clusters.first().map(cluster_ref);
    let mut sm = BTreeMap::new();
    sm.insert("subtask_count".to_string(), n.to_string());
    if let Some(c) = &cluster {
        sm.insert("cluster_name".to_string(), c.name.clone());
    }
    let id = db.tasks.create(
        NewTask {
            name: format!("Rolling upgrade OB cluster ({n} subtasks)"),
            kind: TaskKind::Record,
            cluster,
            host_id: None,
            prohibit_rollback: false,
            string_map: sm,
            list_map: BTreeMap::new(),
        },
        &plan,
        now,
    );
    kick(db, id, now);
    id
}

/// Start an upgrade of `cluster_id` to `to_version` (validated by the caller); returns the task id.
pub fn upgrade_task(db: &mut Db, cluster_id: i64, to_version: &str, now: i64) -> Option<i64> {
    let c = db.inv.cluster(cluster_id)?.clone();
    let to_build = super::inventory::build_of(to_version);
    let zones: Vec<String> = c.zones.iter().map(|z| z.name.clone()).collect();
    upgrade_task_ordered(db, &c, to_version, &to_build, &zones, now)
}

/// Start an upgrade with an explicit zone order.
pub fn upgrade_task_ordered(
    db: &mut Db,
    c: &super::inventory::Cluster,
    to_version: &str,
    to_build: &str,
    zone_order: &[String],
    now: i64,
) -> Option<i64> {
    let plan = super::templates::upgrade(&server_list(c), zone_order, to_version);
    let rpm = format!("oceanbase-{to_version}-{to_build}.el7.x86_64.rpm");
    let mut sm = BTreeMap::new();
    sm.insert("cluster_name".into(), c.name.clone());
    sm.insert("cluster_id".into(), c.id.to_string());
    sm.insert("cluster_version".into(), c.full_version());
    sm.insert("target_version".into(), format!("{to_version}-{to_build}"));
    sm.insert("rpm_name".into(), rpm);
    sm.insert("target_cluster_status".into(), "RUNNING".into());
    let mut lm = BTreeMap::new();
    lm.insert("zone_names".into(), zone_order.to_vec());
    lm.insert(
        "upgrade_versions".into(),
        vec![format!("{to_version}-{to_build}")],
    );
    let id = db.tasks.create(
        NewTask {
            name: "Upgrade OB cluster".into(),
            kind: TaskKind::Upgrade {
                cluster_id: c.id,
                to_version: to_version.into(),
                to_build: to_build.into(),
            },
            cluster: Some(cluster_ref(c)),
            host_id: None,
            prohibit_rollback: false,
            string_map: sm,
            list_map: lm,
        },
        &plan,
        now,
    );
    if let Some(cm) = db.inv.cluster_mut(c.id) {
        // updateTime moves when the upgrade lands, so a fresh sim's JSON stays deterministic.
        cm.status = "OPERATING".into();
    }
    Some(id)
}

/// Add the OBProxy that an OBProxy takeover brings in (status TAKINGOVER until it succeeds).
pub fn new_obproxy(id: i64, host_id: i64, ip: String, sql_port: i64, now: i64) -> Obproxy {
    Obproxy {
        id,
        host_id,
        ip,
        sql_port,
        exporter_port: 2884,
        version: "4.2.1.0-11".into(),
        status: "TAKINGOVER".into(),
        operate_status: "OPERATING".into(),
        last_active_ms: now,
    }
}

/// The host service entry of an OB cluster.
pub fn ob_service(name: &str, ob_cluster_id: i64, version: &str) -> HostService {
    HostService {
        name: format!("{name}:{ob_cluster_id}"),
        kind: "OB_CLUSTER".into(),
        version: version.into(),
    }
}

// ---------------------------------------------------------------------------------------
// JSON (ocp-api.md §9.2, fixtures task-instance-detail.json, tasks-instances-list.json,
// obproxy-takeover.json)

fn opt_time(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |t| Value::String(iso(t)))
}

/// A full SubtaskInstance; `with_class` adds `className` as the async samples have it.
pub fn subtask_json(s: &Subtask, with_class: bool) -> Value {
    let mut v = json!({
        "id": s.id,
        "name": s.name,
        "description": s.description,
        "seriesId": s.series_id,
        "timeout": s.timeout,
        "status": s.status,
        "operation": s.operation,
        "executor": s.executor,
        "runTime": s.run_time,
        "createTime": iso(s.create_ms),
        "startTime": opt_time(s.start_ms),
        "finishTime": opt_time(s.finish_ms),
        "nodeType": "JAVA_TASK",
        "parallelIdx": s.parallel_idx,
        "upstreams": s.upstreams,
        "downstreams": s.downstreams,
        "prohibitRollback": s.prohibit_rollback,
    });
    if with_class {
        if let Some(m) = v.as_object_mut() {
            m.insert("className".into(), json!(s.class_name));
        }
    }
    v
}

fn cluster_ref_json(c: &ClusterRef) -> Value {
    json!({ "id": c.id, "name": c.name, "obClusterId": c.ob_cluster_id, "type": c.kind })
}

fn creator_obj(t: &Task) -> Value {
    json!({ "id": 100, "name": t.creator })
}

/// BasicTaskInstance (task list).
pub fn basic_json(t: &Task) -> Value {
    let mut v = json!({
        "id": t.id,
        "name": t.name,
        "creator": creator_obj(t),
        "status": t.status,
        "operation": t.operation,
        "type": "MANUAL",
        "createTime": iso(t.create_ms),
        "startTime": iso(t.start_ms),
        "finishTime": opt_time(t.finish_ms),
        "subtasks": t.subtasks.iter().map(|s| json!({
            "id": s.id,
            "name": s.name,
            "description": s.description,
            "status": s.status,
            "operation": s.operation,
        })).collect::<Vec<_>>(),
    });
    if let (Some(m), Some(c)) = (v.as_object_mut(), &t.cluster) {
        m.insert("cluster".into(), cluster_ref_json(c));
    }
    v
}

/// WrappedTaskInstance (detail, retry, rollback): `creator` object, full subtasks.
pub fn wrapped_json(t: &Task) -> Value {
    let mut v = json!({
        "id": t.id,
        "name": t.name,
        "taskDefinitionId": -1,
        "creator": creator_obj(t),
        "status": t.status,
        "type": "MANUAL",
        "operation": t.operation,
        "executor": t.executor,
        "prohibitRollback": t.prohibit_rollback,
        "createTime": iso(t.create_ms),
        "startTime": iso(t.start_ms),
        "finishTime": opt_time(t.finish_ms),
        "subtasks": t.subtasks.iter().map(|s| subtask_json(s, false)).collect::<Vec<_>>(),
    });
    if let Some(m) = v.as_object_mut() {
        if let Some(c) = &t.cluster {
            m.insert("cluster".into(), cluster_ref_json(c));
        }
        if let Some(h) = t.host_id {
            m.insert("hostId".into(), json!(h));
        }
    }
    v
}

/// TaskInstance as async operations return it (shape B): `creator` a string, `context`
/// object, subtasks with `className`.
pub fn instance_json(t: &Task) -> Value {
    let mut sm: serde_json::Map<String, Value> = t
        .string_map
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    sm.insert(
        "prohibit_rollback".into(),
        json!(t.prohibit_rollback.to_string()),
    );
    let mut v = json!({
        "id": t.id,
        "name": t.name,
        "taskDefinitionId": -1,
        "creator": t.creator,
        "executor": t.executor,
        "status": t.status,
        "operation": t.operation,
        "type": "MANUAL",
        "prohibitRollback": t.prohibit_rollback,
        "createTime": iso(t.create_ms),
        "startTime": iso(t.start_ms),
        "finishTime": opt_time(t.finish_ms),
        "context": {
            "listMap": t.list_map,
            "parallel": false,
            "parallelIdx": -1,
            "stringMap": sm,
        },
        "subtasks": t.subtasks.iter().map(|s| subtask_json(s, true)).collect::<Vec<_>>(),
    });
    if let Some(m) = v.as_object_mut() {
        if let Some(c) = &t.cluster {
            m.insert("clusterId".into(), json!(c.id));
        }
        if let Some(h) = t.host_id {
            m.insert("hostId".into(), json!(h));
        }
    }
    v
}

/// The log text of a subtask, `\n`-joined.
pub fn log_text(s: &Subtask) -> String {
    let mut out = String::new();
    for l in &s.log {
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{inventory::Inventory, templates};
    use super::*;

    fn db(speed: f64) -> Db {
        Db {
            inv: Inventory::generate(1, 1),
            tasks: Tasks::default(),
            fail_names: BTreeSet::new(),
            speed,
            alarms: Default::default(),
        }
    }

    fn simple(db: &mut Db, now: i64) -> i64 {
        let servers = vec![("zone1".to_string(), "10.0.0.1".to_string())];
        let plan = templates::obproxy_take_over();
        let _ = servers;
        db.tasks.create(
            NewTask {
                name: "t".into(),
                kind: TaskKind::Record,
                cluster: None,
                host_id: None,
                prohibit_rollback: false,
                string_map: BTreeMap::new(),
                list_map: BTreeMap::new(),
            },
            &plan,
            now,
        )
    }

    #[test]
    fn runs_to_success_in_dependency_order() {
        let mut d = db(1.0);
        let id = simple(&mut d, 0);
        advance(&mut d, 1_000);
        let t = d.tasks.get(id).unwrap();
        assert_eq!(t.status, st::RUNNING);
        assert_eq!(t.subtasks[0].status, st::RUNNING);
        assert_eq!(t.subtasks[1].status, st::PENDING);
        advance(&mut d, 3_600_000);
        let t = d.tasks.get(id).unwrap();
        assert_eq!(t.status, st::SUCCESSFUL);
        for s in &t.subtasks {
            for u in &s.upstreams {
                let up = t.subtasks.iter().find(|x| x.id == *u).unwrap();
                assert!(up.finish_ms.unwrap() <= s.start_ms.unwrap());
            }
            assert_eq!(s.run_time, 1);
            assert!(s.log.len() >= 4, "log of {}", s.name);
        }
    }

    #[test]
    fn failure_then_retry_then_success() {
        let mut d = db(10.0);
        d.fail_names.insert("Check obproxy version".into());
        let id = simple(&mut d, 0);
        advance(&mut d, 3_600_000);
        let t = d.tasks.get(id).unwrap();
        assert_eq!(t.status, st::FAILED);
        let failed = t.subtasks.iter().find(|s| s.status == st::FAILED).unwrap();
        assert_eq!(failed.name, "Check obproxy version");
        assert!(log_text(failed).contains("ERROR"));
        // downstream never started
        assert!(t.subtasks.iter().any(|s| s.status == st::PENDING));
        // invalid ops are refused
        assert!(retry_task(&mut d, id + 1, 0).is_err());
        assert!(rollback_task(&mut d, id, 3_600_000).is_ok());
        advance(&mut d, 7_200_000);
        let t = d.tasks.get(id).unwrap();
        assert_eq!(
            (t.status.as_str(), t.operation.as_str()),
            (st::SUCCESSFUL, op::ROLLBACK)
        );
        assert!(retry_task(&mut d, id, 7_200_000).is_err());
    }

    #[test]
    fn retry_reruns_failed_subtask() {
        let mut d = db(10.0);
        d.fail_names.insert("Sync obproxy parameter".into());
        let id = simple(&mut d, 0);
        advance(&mut d, 3_600_000);
        retry_task(&mut d, id, 3_600_000).unwrap();
        assert_eq!(d.tasks.get(id).unwrap().operation, op::RETRY);
        advance(&mut d, 7_200_000);
        let t = d.tasks.get(id).unwrap();
        assert_eq!(t.status, st::SUCCESSFUL);
        let s = t
            .subtasks
            .iter()
            .find(|s| s.name == "Sync obproxy parameter")
            .unwrap();
        assert_eq!(s.run_time, 2);
        assert_eq!(s.operation, op::RETRY);
    }

    #[test]
    fn skip_lets_downstream_continue_and_cancel_fails() {
        let mut d = db(10.0);
        d.fail_names.insert("Check obproxy version".into());
        let id = simple(&mut d, 0);
        advance(&mut d, 3_600_000);
        let sid = d
            .tasks
            .get(id)
            .unwrap()
            .subtasks
            .iter()
            .find(|s| s.status == st::FAILED)
            .unwrap()
            .id;
        assert!(cancel_subtask(&mut d, id, sid).is_err());
        skip_subtask(&mut d, id, sid, 3_600_000).unwrap();
        advance(&mut d, 7_200_000);
        let t = d.tasks.get(id).unwrap();
        assert_eq!(t.status, st::SUCCESSFUL);
        assert!(skip_subtask(&mut d, id, sid, 7_200_000).is_err());

        let id2 = simple(&mut d, 8_000_000);
        advance(&mut d, 8_000_100);
        let running = d
            .tasks
            .get(id2)
            .unwrap()
            .subtasks
            .iter()
            .find(|s| s.status == st::RUNNING)
            .unwrap()
            .id;
        cancel_subtask(&mut d, id2, running).unwrap();
        advance(&mut d, 8_000_200);
        let t = d.tasks.get(id2).unwrap();
        let s = t.subtasks.iter().find(|s| s.id == running).unwrap();
        assert_eq!(
            (s.status.as_str(), s.operation.as_str()),
            (st::FAILED, op::CANCEL)
        );
        assert_eq!(t.status, st::FAILED);
    }

    #[test]
    fn seeded_history_has_the_promised_tasks() {
        let mut d = db(1.0);
        seed_tasks(&mut d, 1_800_000_000_000, 1);
        let statuses: Vec<&str> = d.tasks.iter().map(|t| t.status.as_str()).collect();
        assert!(statuses.contains(&st::SUCCESSFUL));
        assert!(statuses.contains(&st::FAILED));
        assert!(statuses.contains(&st::RUNNING));
        let failed = d.tasks.iter().find(|t| t.status == st::FAILED).unwrap();
        let fs = failed
            .subtasks
            .iter()
            .find(|s| s.status == st::FAILED)
            .unwrap();
        assert!(log_text(fs).contains("compaction"));
    }

    #[test]
    fn logs_are_bounded() {
        let mut s = Tasks::default();
        let id = s.create(
            NewTask {
                name: "t".into(),
                kind: TaskKind::Record,
                cluster: None,
                host_id: None,
                prohibit_rollback: false,
                string_map: BTreeMap::new(),
                list_map: BTreeMap::new(),
            },
            &templates::obproxy_take_over(),
            0,
        );
        let sub = &mut s.get_mut(id).unwrap().subtasks[0];
        for i in 0..(MAX_LOG_LINES + 50) {
            push_log(sub, format!("{i}"));
        }
        assert_eq!(sub.log.len(), MAX_LOG_LINES);
        assert_eq!(sub.log.front().map(String::as_str), Some("50"));
    }
}
