//! Simulated obshell DAGs: the "Cluster scale out" template, time-driven advancement, the DAG
//! operators (RETRY / ROLLBACK / CANCEL / PASS, node PASS) and their rules, and rendering as the
//! wire's `DagDetailDTO` / `NodeDetailDTO` / `TaskDetailDTO`.
//!
//! Nodes run in stage order, one at a time; each has one sub_task executed by the master agent
//! (scale-out nodes are serial). Progress is computed from the clock whenever the state is
//! read, so it does not depend on how often anyone polls.

use rand::rngs::StdRng;
use rand::Rng;
use std::collections::BTreeSet;
use std::net::IpAddr;

use obtui_api::obshell::models::{
    codes, maintenance, AgentAddr, DagDetail, DagOperation, Node, SubTask, SubTaskLog,
    TaskOperator, TaskState,
};
use obtui_api::obshell::time::format_rfc3339;

use super::cluster::{Cluster, SimAgent};
use super::wire::{ObErr, OFFSET_SECS};

pub const SCALE_OUT_DAG: &str = "Cluster scale out";

/// Node names of "Cluster scale out" in stage order, with their duration at speed 1 (ms).
/// The two zone nodes are present only when the zone is new.
const SCALE_OUT_NODES: [(&str, u64, bool); 11] = [
    ("Integrate server config", 1000, false),
    ("Create local scale out dag", 1200, false),
    ("Wait scale out ready", 2000, false),
    ("Wait remote deploy finish", 3000, false),
    ("Wait remote start finish", 3500, false),
    ("Prev check for scale_out", 1000, false),
    ("Add new zone for scale_out", 1000, true),
    ("Start new zone for scale_out", 1500, true),
    ("Add server for scale_out", 1500, false),
    ("Add agent for scale_out", 1000, false),
    ("Check cluster scale_out whether finished", 1500, false),
];

/// A cancel takes effect after this long (at speed 1).
const CANCEL_MS: u64 = 500;

#[derive(Debug, Clone)]
pub struct LogRec {
    pub id: i64,
    pub execute_times: i32,
    pub content: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct SubTaskRec {
    pub id: i64,
    pub state: TaskState,
    pub operator: TaskOperator,
    pub start_ms: i64,
    pub end_ms: i64,
    pub execute_times: i32,
    pub agent: AgentAddr,
    pub logs: Vec<LogRec>,
}

#[derive(Debug, Clone)]
pub struct NodeRec {
    pub id: i64,
    pub name: String,
    pub state: TaskState,
    pub operator: TaskOperator,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Run time at the DAG's speed.
    pub duration_ms: i64,
    pub sub: SubTaskRec,
}

/// The scale-out being carried out by a DAG.
#[derive(Debug, Clone)]
pub struct ScaleOutJob {
    pub target: AgentAddr,
    pub zone: String,
    pub sql_port: u16,
    pub rpc_port: u16,
    /// Generic id of the target's companion "Local scale out" DAG.
    pub local_dag_id: String,
}

#[derive(Debug, Clone)]
pub struct Dag {
    pub dag_id: i64,
    pub name: String,
    pub state: TaskState,
    pub operator: TaskOperator,
    /// 1-based index of the current node.
    pub stage: usize,
    pub start_ms: i64,
    pub end_ms: i64,
    pub nodes: Vec<NodeRec>,
    pub job: ScaleOutJob,
    /// Node names that fail on their first run.
    pub fail_once: BTreeSet<String>,
    /// When the pending CANCEL takes effect.
    cancel_at: Option<i64>,
    /// Time of the last event; the next node starts here.
    cursor: i64,
}

/// Id counters shared by every DAG (dags, nodes and sub_tasks live in separate id spaces).
#[derive(Debug, Clone)]
pub struct Ids {
    pub dag: i64,
    pub node: i64,
    pub sub_task: i64,
    pub log: i64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            dag: 0,
            node: 0,
            sub_task: 0,
            log: 100,
        }
    }
}

/// `"1" + id`: a cluster task's generic id.
pub fn generic_id(db_id: i64) -> String {
    format!("1{db_id}")
}

/// A parsed generic id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenericId {
    /// Stored in OceanBase (prefix 1).
    Cluster(i64),
    /// Stored in some agent's sqlite (prefixes 2-5); the simulator has none.
    Local,
}

/// Parse a generic id; malformed → 400 `Task.GenericID.Invalid`.
pub fn parse_generic_id(id: &str) -> Result<GenericId, ObErr> {
    let invalid = || ObErr::bad_request(codes::GENERIC_ID_INVALID, format!("Invalid ID: {id}"));
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let rest = &id[1..];
    match id.as_bytes()[0] {
        b'1' => rest
            .parse::<i64>()
            .map(GenericId::Cluster)
            .map_err(|_| invalid()),
        b'2' | b'4' if rest.len() > 15 => Ok(GenericId::Local),
        b'3' | b'5' if rest.len() > 44 => Ok(GenericId::Local),
        _ => Err(invalid()),
    }
}

/// The generic id a local DAG on `agent` gets: `"2" + %010d(ipv4) + %05d(port) + id`
/// (`"3" + %039d(ipv6)` for IPv6).
pub fn local_generic_id(agent: &AgentAddr, id: i64) -> String {
    match agent.ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => format!("2{:010}{:05}{id}", u32::from(v4), agent.port),
        Ok(IpAddr::V6(v6)) => format!("3{:039}{:05}{id}", u128::from(v6), agent.port),
        Err(_) => format!("2{:010}{:05}{id}", 0, agent.port),
    }
}

impl Dag {
    /// A new "Cluster scale out" DAG: READY / RUN, stage 1, nodes and sub_tasks PENDING / RUN.
    #[allow(clippy::too_many_arguments)]
    pub fn scale_out(
        ids: &mut Ids,
        rng: &mut StdRng,
        speed: f64,
        now: i64,
        master: &SimAgent,
        job: ScaleOutJob,
        new_zone: bool,
        fail_once: BTreeSet<String>,
    ) -> Dag {
        ids.dag += 1;
        let runner = AgentAddr {
            ip: master.ip.clone(),
            port: master.port,
        };
        let nodes = SCALE_OUT_NODES
            .iter()
            .filter(|(_, _, zone_only)| new_zone || !zone_only)
            .map(|(name, ms, _)| {
                ids.node += 1;
                ids.sub_task += 1;
                let jitter = rng.gen_range(0.8..1.2);
                NodeRec {
                    id: ids.node,
                    name: (*name).to_string(),
                    state: TaskState::Pending,
                    operator: TaskOperator::Run,
                    start_ms: 0,
                    end_ms: 0,
                    duration_ms: scaled(*ms as f64 * jitter, speed),
                    sub: SubTaskRec {
                        id: ids.sub_task,
                        state: TaskState::Pending,
                        operator: TaskOperator::Run,
                        start_ms: 0,
                        end_ms: 0,
                        execute_times: 0,
                        agent: runner.clone(),
                        logs: Vec::new(),
                    },
                }
            })
            .collect();
        Dag {
            dag_id: ids.dag,
            name: SCALE_OUT_DAG.into(),
            state: TaskState::Ready,
            operator: TaskOperator::Run,
            stage: 1,
            start_ms: now,
            end_ms: now,
            nodes,
            job,
            fail_once,
            cancel_at: None,
            cursor: now,
        }
    }

    pub fn generic_id(&self) -> String {
        generic_id(self.dag_id)
    }

    pub fn max_stage(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    /// Advance to `now`: start the current node, finish it when its time is up, move on.
    /// Node effects on the cluster (adding or removing the new agent) happen here.
    pub fn advance(&mut self, now: i64, ids: &mut Ids, cluster: &mut Cluster) {
        // Bounded: every pass starts or finishes a node, or returns.
        for _ in 0..(self.nodes.len() * 2 + 4) {
            if self.is_finished() {
                return;
            }
            if let Some(at) = self.cancel_at {
                if now >= at {
                    self.finish_cancel(at, ids);
                }
                return;
            }
            if self.nodes.is_empty() {
                self.state = TaskState::Succeed;
                return;
            }
            if self.state == TaskState::Ready {
                self.state = TaskState::Running;
                if self.start_ms == 0 {
                    self.start_ms = self.cursor;
                }
            }
            let rollback = self.operator == TaskOperator::Rollback;
            let idx = self.stage.clamp(1, self.nodes.len()) - 1;
            let target = self.job.target.to_string();
            let cursor = self.cursor;
            let node = &mut self.nodes[idx];
            if node.state != TaskState::Running {
                start_node(node, cursor, rollback, &target, &self.job, ids);
                continue;
            }
            let run_ms = if rollback {
                node.duration_ms / 2
            } else {
                node.duration_ms
            };
            let done_at = node.start_ms.saturating_add(run_ms);
            if done_at > now {
                return;
            }
            self.cursor = done_at;
            node.end_ms = done_at;
            node.sub.end_ms = done_at;
            if rollback {
                node.state = TaskState::Succeed;
                node.sub.state = TaskState::Succeed;
                let line = format!("rollback {} done", node.name);
                push_log(&mut node.sub, ids, line, done_at);
                if node.name == "Add agent for scale_out" {
                    cluster.remove(&self.job.target.ip, self.job.target.port);
                }
                if self.stage <= 1 {
                    self.state = TaskState::Succeed;
                    self.end_ms = done_at;
                    return;
                }
                self.stage -= 1;
                continue;
            }
            let first_run = node.sub.execute_times <= 1;
            if first_run && self.fail_once.contains(&node.name) {
                node.state = TaskState::Failed;
                node.sub.state = TaskState::Failed;
                let line = failure_line(&node.name, &target);
                push_log(&mut node.sub, ids, line, done_at);
                self.state = TaskState::Failed;
                self.end_ms = done_at;
                return;
            }
            node.state = TaskState::Succeed;
            node.sub.state = TaskState::Succeed;
            for line in success_lines(&node.name, &target, &self.job) {
                push_log(&mut node.sub, ids, line, done_at);
            }
            if node.name == "Add agent for scale_out" {
                add_target(cluster, &self.job, done_at);
            }
            if self.stage >= self.nodes.len() {
                self.state = TaskState::Succeed;
                self.end_ms = done_at;
                return;
            }
            self.stage += 1;
        }
    }

    fn finish_cancel(&mut self, at: i64, ids: &mut Ids) {
        self.cancel_at = None;
        let idx = self.stage.clamp(1, self.nodes.len().max(1)) - 1;
        if let Some(node) = self.nodes.get_mut(idx) {
            node.state = TaskState::Failed;
            node.operator = TaskOperator::Cancel;
            if node.start_ms == 0 {
                node.start_ms = at;
            }
            node.end_ms = at;
            node.sub.state = TaskState::Failed;
            node.sub.operator = TaskOperator::Cancel;
            if node.sub.start_ms == 0 {
                node.sub.start_ms = at;
            }
            node.sub.end_ms = at;
            let line = format!(
                "ERROR: [Common.Unexpected]: Unexpected error: task '{}' canceled",
                node.name
            );
            push_log(&mut node.sub, ids, line, at);
        }
        self.state = TaskState::Failed;
        self.operator = TaskOperator::Cancel;
        if self.start_ms == 0 {
            self.start_ms = at;
        }
        self.end_ms = at;
    }

    /// Apply a DAG operator with obshell's preconditions.
    pub fn operate(&mut self, op: DagOperation, now: i64, speed: f64) -> Result<(), ObErr> {
        let bad = |code: &'static str, msg: &str| ObErr::bad_request(code, msg.to_string());
        match op {
            DagOperation::Retry => {
                if self.state != TaskState::Failed {
                    return Err(bad(
                        codes::RETRY_NOT_FAILED_DAG,
                        "Failed to set DAG retry: DAG state is not failed",
                    ));
                }
                self.state = TaskState::Ready;
                self.operator = TaskOperator::Run;
                self.start_ms = 0;
                self.end_ms = 0;
                self.cursor = now;
                if let Some(node) = self.current_mut() {
                    node.state = TaskState::Pending;
                    node.operator = TaskOperator::Retry;
                    node.start_ms = 0;
                    node.end_ms = 0;
                    node.sub.state = TaskState::Pending;
                    node.sub.operator = TaskOperator::Retry;
                    node.sub.start_ms = 0;
                    node.sub.end_ms = 0;
                }
            }
            DagOperation::Rollback => {
                if self.state != TaskState::Failed {
                    return Err(bad(
                        codes::ROLLBACK_NOT_FAILED_DAG,
                        "Failed to set DAG rollback: DAG state is not failed",
                    ));
                }
                self.state = TaskState::Ready;
                self.operator = TaskOperator::Rollback;
                self.start_ms = 0;
                self.end_ms = 0;
                self.cursor = now;
                let stage = self.stage;
                for n in self.nodes.iter_mut().take(stage) {
                    n.operator = TaskOperator::Rollback;
                    n.sub.operator = TaskOperator::Rollback;
                    // PENDING marks "not rolled back yet"; advance() starts each in turn.
                    n.state = TaskState::Pending;
                    n.sub.state = TaskState::Pending;
                    n.start_ms = 0;
                    n.sub.start_ms = 0;
                }
            }
            DagOperation::Cancel => {
                if self.is_finished() {
                    return Err(bad(
                        codes::CANCEL_FINISHED_DAG,
                        "Failed to cancel DAG: DAG is finished",
                    ));
                }
                self.state = TaskState::Ready;
                self.operator = TaskOperator::Cancel;
                self.start_ms = 0;
                self.end_ms = 0;
                if let Some(node) = self.current_mut() {
                    node.state = TaskState::Pending;
                    node.operator = TaskOperator::Cancel;
                    node.sub.state = TaskState::Pending;
                    node.sub.operator = TaskOperator::Cancel;
                }
                self.cancel_at = Some(now.saturating_add(scaled(CANCEL_MS as f64, speed)));
            }
            DagOperation::Pass => {
                if self.state != TaskState::Failed {
                    return Err(bad(
                        codes::PASS_NOT_FAILED_DAG,
                        "Failed to pass DAG: DAG is not failed",
                    ));
                }
                for n in self.nodes.iter_mut() {
                    if n.state != TaskState::Succeed {
                        n.state = TaskState::Succeed;
                        n.operator = TaskOperator::Pass;
                        n.sub.state = TaskState::Succeed;
                        n.sub.operator = TaskOperator::Pass;
                    }
                }
                self.state = TaskState::Succeed;
                self.operator = TaskOperator::Pass;
                self.stage = self.nodes.len().max(1);
                self.end_ms = now;
            }
        }
        Ok(())
    }

    /// `POST /task/node/{id}` `{"operator":"PASS"}`: skip the failed node and run on.
    pub fn pass_node(&mut self, node_id: i64, now: i64) -> Result<(), ObErr> {
        let Some(idx) = self.nodes.iter().position(|n| n.id == node_id) else {
            return Err(ObErr::task_not_found());
        };
        let name = self.nodes[idx].name.clone();
        if self.nodes[idx].state != TaskState::Failed {
            return Err(ObErr::bad_request(
                codes::NODE_PASS_NOT_FAILED_NODE,
                format!("Failed to pass node: node {name} is not failed"),
            ));
        }
        if self.state != TaskState::Failed {
            return Err(ObErr::bad_request(
                codes::NODE_PASS_NOT_FAILED_DAG,
                "Failed to pass node: assigned DAG is not failed",
            ));
        }
        let node = &mut self.nodes[idx];
        node.state = TaskState::Succeed;
        node.operator = TaskOperator::Pass;
        node.end_ms = now;
        node.sub.state = TaskState::Succeed;
        node.sub.operator = TaskOperator::Pass;
        node.sub.end_ms = now;
        if idx + 1 >= self.nodes.len() {
            self.state = TaskState::Succeed;
            self.stage = self.nodes.len();
            self.end_ms = now;
        } else {
            self.state = TaskState::Ready;
            self.operator = TaskOperator::Run;
            self.stage = idx + 2;
            self.start_ms = 0;
            self.end_ms = 0;
            self.cursor = now;
        }
        Ok(())
    }

    fn current_mut(&mut self) -> Option<&mut NodeRec> {
        let idx = self.stage.checked_sub(1)?;
        self.nodes.get_mut(idx)
    }

    pub fn node(&self, node_id: i64) -> Option<&NodeRec> {
        self.nodes.iter().find(|n| n.id == node_id)
    }

    pub fn sub_task(&self, sub_task_id: i64) -> Option<&SubTaskRec> {
        self.nodes
            .iter()
            .map(|n| &n.sub)
            .find(|s| s.id == sub_task_id)
    }

    /// Node name owning a sub_task (the sub_task's own name).
    fn sub_task_name(&self, sub_task_id: i64) -> &str {
        self.nodes
            .iter()
            .find(|n| n.sub.id == sub_task_id)
            .map(|n| n.name.as_str())
            .unwrap_or("")
    }

    /// `DagDetailDTO`, with nodes when `details`.
    pub fn to_dto(&self, details: bool) -> DagDetail {
        DagDetail {
            id: self.generic_id(),
            dag_id: self.dag_id,
            name: self.name.clone(),
            stage: self.stage.min(self.max_stage()).max(1) as i32,
            max_stage: self.max_stage() as i32,
            maintenance_type: Some(maintenance::GLOBAL),
            maintenance_key: Some(String::new()),
            state: self.state.clone(),
            operator: self.operator.clone(),
            start_time: fmt_time(self.start_ms),
            end_time: fmt_time(self.end_ms),
            additional_data: details.then(|| serde_json::json!({})),
            nodes: details.then(|| self.nodes.iter().map(|n| node_dto(n, None)).collect()),
        }
    }

    /// `NodeDetailDTO` for `GET /task/node/{id}`.
    pub fn node_dto(&self, node_id: i64) -> Option<Node> {
        self.node(node_id).map(|n| node_dto(n, None))
    }

    /// `TaskDetailDTO` for `GET /task/sub_task/{id}`.
    pub fn sub_task_dto(&self, sub_task_id: i64) -> Option<SubTask> {
        let s = self.sub_task(sub_task_id)?;
        Some(sub_task_dto(s, self.sub_task_name(sub_task_id)))
    }

    /// `GET /task/sub_task/{id}/logs`.
    pub fn sub_task_logs(&self, sub_task_id: i64) -> Option<Vec<SubTaskLog>> {
        let s = self.sub_task(sub_task_id)?;
        Some(
            s.logs
                .iter()
                .map(|l| SubTaskLog {
                    id: l.id,
                    sub_task_id: s.id,
                    execute_times: l.execute_times,
                    log_content: l.content.clone(),
                    is_sync: false,
                    create_time: fmt_time(l.at_ms),
                    update_time: fmt_time(l.at_ms),
                })
                .collect(),
        )
    }
}

fn node_dto(n: &NodeRec, additional: Option<serde_json::Value>) -> Node {
    Node {
        id: generic_id(n.id),
        node_id: n.id,
        name: n.name.clone(),
        state: n.state.clone(),
        operator: n.operator.clone(),
        start_time: fmt_time(n.start_ms),
        end_time: fmt_time(n.end_ms),
        additional_data: additional,
        sub_tasks: Some(vec![sub_task_dto(&n.sub, &n.name)]),
    }
}

fn sub_task_dto(s: &SubTaskRec, name: &str) -> SubTask {
    // obshell fills task_logs only once the sub_task has run (RUNNING or finished).
    let ran = s.state == TaskState::Running || s.state.is_finished();
    SubTask {
        id: generic_id(s.id),
        task_id: s.id,
        name: name.to_string(),
        state: s.state.clone(),
        operator: s.operator.clone(),
        start_time: fmt_time(s.start_ms),
        end_time: fmt_time(s.end_ms),
        additional_data: None,
        execute_times: s.execute_times,
        execute_agent: Some(s.agent.clone()),
        task_logs: ran.then(|| s.logs.iter().map(|l| l.content.clone()).collect()),
    }
}

/// Unset times are the epoch, which obshell prints in its own zone.
fn fmt_time(ms: i64) -> String {
    format_rfc3339(ms.max(0), OFFSET_SECS)
}

fn scaled(ms: f64, speed: f64) -> i64 {
    // `as` saturates; the clamp keeps sums with unix-ms times far from overflow.
    ((ms / speed).round() as i64).clamp(1, 1_000_000_000_000)
}

fn start_node(
    node: &mut NodeRec,
    at: i64,
    rollback: bool,
    target: &str,
    job: &ScaleOutJob,
    ids: &mut Ids,
) {
    node.state = TaskState::Running;
    node.start_ms = at;
    node.end_ms = 0;
    node.sub.state = TaskState::Running;
    node.sub.start_ms = at;
    node.sub.end_ms = 0;
    if rollback {
        let line = format!("rollback {}", node.name);
        push_log(&mut node.sub, ids, line, at);
        return;
    }
    node.sub.execute_times += 1;
    let line = first_line(&node.name, target, job);
    push_log(&mut node.sub, ids, line, at);
}

fn push_log(sub: &mut SubTaskRec, ids: &mut Ids, content: String, at: i64) {
    ids.log += 1;
    // Bound memory: a sub_task that is retried forever keeps only its latest lines.
    if sub.logs.len() >= 200 {
        sub.logs.remove(0);
    }
    sub.logs.push(LogRec {
        id: ids.log,
        execute_times: sub.execute_times,
        content,
        at_ms: at,
    });
}

fn first_line(node: &str, target: &str, job: &ScaleOutJob) -> String {
    match node {
        "Integrate server config" => format!("integrate server config of {target}"),
        "Create local scale out dag" => "create local scale out dag, target version: ".into(),
        "Wait scale out ready" => format!("wait agent {target} ready for scale out"),
        "Wait remote deploy finish" => {
            "task Create observer workdir: create dir /home/admin/oceanbase/store".into()
        }
        "Wait remote start finish" => "task Start observer: start observer".into(),
        "Prev check for scale_out" => "PrevCheckTask execute".into(),
        "Add new zone for scale_out" => format!("add zone {}", job.zone),
        "Start new zone for scale_out" => format!("start zone {}", job.zone),
        "Add server for scale_out" => "AddServerTask execute".into(),
        "Add agent for scale_out" => format!("add agent {target}"),
        _ => "FinishTask execute".into(),
    }
}

fn success_lines(node: &str, target: &str, job: &ScaleOutJob) -> Vec<String> {
    match node {
        "Create local scale out dag" => vec![format!(
            "create local scale out dag success, genericID:{}",
            job.local_dag_id
        )],
        "Wait scale out ready" => {
            vec!["local scale out dag task Be scaling agent is succeed".into()]
        }
        "Add server for scale_out" => vec![format!(
            "alter system add server '{}:{}' zone '{}' success",
            job.target.ip, job.rpc_port, job.zone
        )],
        "Check cluster scale_out whether finished" => {
            vec![format!("server {target} is active, scale out finished")]
        }
        _ => Vec::new(),
    }
}

fn failure_line(node: &str, target: &str) -> String {
    match node {
        "Wait scale out ready" | "Wait remote deploy finish" | "Wait remote start finish" => {
            format!(
                "ERROR: [Common.Unexpected]: Unexpected error: get remote dag failed, Post \"http://{target}/rpc/v1/task/dag\": dial tcp {target}: connect: connection refused"
            )
        }
        _ => format!(
            "ERROR: [Common.Unexpected]: Unexpected error: {node} failed on {target} (simulated)"
        ),
    }
}

fn add_target(cluster: &mut Cluster, job: &ScaleOutJob, at_ms: i64) {
    let m = cluster.master();
    let agent = SimAgent {
        ip: job.target.ip.clone(),
        port: job.target.port,
        zone: job.zone.clone(),
        svr_port: job.rpc_port,
        sql_port: job.sql_port,
        with_rootserver: false,
        pid: m.pid + 1000 + cluster.agents.len() as i64,
        start_at_ns: at_ms.saturating_mul(1_000_000),
        server_id: 0,
    };
    cluster.add(agent);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn job() -> ScaleOutJob {
        let target = AgentAddr {
            ip: "10.186.1.4".into(),
            port: 2886,
        };
        ScaleOutJob {
            local_dag_id: local_generic_id(&target, 1),
            target,
            zone: "zone1".into(),
            sql_port: 2881,
            rpc_port: 2882,
        }
    }

    fn new_dag(fail: &[&str], new_zone: bool) -> (Dag, Ids, Cluster) {
        let mut ids = Ids::default();
        let mut rng = StdRng::seed_from_u64(1);
        let cluster = Cluster::new(0, 100);
        let dag = Dag::scale_out(
            &mut ids,
            &mut rng,
            1.0,
            1_000,
            cluster.master(),
            job(),
            new_zone,
            fail.iter().map(|s| s.to_string()).collect(),
        );
        (dag, ids, cluster)
    }

    fn run(dag: &mut Dag, ids: &mut Ids, cluster: &mut Cluster, until: i64) {
        dag.advance(until, ids, cluster);
    }

    #[test]
    fn generic_ids() {
        assert_eq!(parse_generic_id("13").unwrap(), GenericId::Cluster(3));
        assert!(parse_generic_id("1").is_err());
        assert!(parse_generic_id("x1").is_err());
        assert!(parse_generic_id("9").is_err());
        assert_eq!(
            local_generic_id(
                &AgentAddr {
                    ip: "10.0.0.1".into(),
                    port: 2886
                },
                4
            ),
            "20167772161028864"
        );
        assert_eq!(
            parse_generic_id("20167772161028864").unwrap(),
            GenericId::Local
        );
    }

    #[test]
    fn scale_out_runs_to_success_in_stage_order() {
        let (mut dag, mut ids, mut cluster) = new_dag(&[], false);
        assert_eq!(dag.max_stage(), 9);
        let dto = dag.to_dto(false);
        assert_eq!(
            (dto.state, dto.stage, dto.nodes),
            (TaskState::Ready, 1, None)
        );
        run(&mut dag, &mut ids, &mut cluster, 1_000);
        assert_eq!(dag.state, TaskState::Running);
        assert_eq!(dag.nodes[0].state, TaskState::Running);
        run(&mut dag, &mut ids, &mut cluster, 1_000_000);
        assert_eq!(dag.state, TaskState::Succeed);
        assert_eq!(dag.stage, 9);
        assert!(cluster.agent("10.186.1.4", 2886).is_some());
        // Nodes ran one after another.
        for w in dag.nodes.windows(2) {
            assert!(w[0].end_ms <= w[1].start_ms);
        }
        let dto = dag.to_dto(true);
        let nodes = dto.nodes.unwrap();
        assert!(nodes.iter().all(|n| n.sub_tasks.as_ref().unwrap()[0]
            .task_logs
            .as_ref()
            .is_some_and(|l| !l.is_empty())));
    }

    #[test]
    fn new_zone_adds_two_nodes() {
        let (dag, ..) = new_dag(&[], true);
        assert_eq!(dag.max_stage(), 11);
        assert_eq!(dag.nodes[6].name, "Add new zone for scale_out");
    }

    #[test]
    fn failure_retry_and_operator_rules() {
        let (mut dag, mut ids, mut cluster) = new_dag(&["Wait remote start finish"], false);
        assert!(dag.operate(DagOperation::Retry, 0, 1.0).is_err());
        run(&mut dag, &mut ids, &mut cluster, 1_000_000);
        assert_eq!(dag.state, TaskState::Failed);
        assert_eq!(dag.stage, 5);
        let failed = &dag.nodes[4].sub;
        assert!(failed.logs.last().unwrap().content.starts_with("ERROR: "));
        assert_eq!(
            dag.operate(DagOperation::Cancel, 0, 1.0).unwrap_err().code,
            codes::CANCEL_FINISHED_DAG
        );
        dag.operate(DagOperation::Retry, 1_000_000, 1.0).unwrap();
        assert_eq!(dag.state, TaskState::Ready);
        assert_eq!(dag.nodes[4].operator, TaskOperator::Retry);
        run(&mut dag, &mut ids, &mut cluster, 2_000_000);
        assert_eq!(dag.state, TaskState::Succeed);
        assert_eq!(dag.operator, TaskOperator::Run);
        assert_eq!(dag.nodes[4].sub.execute_times, 2);
        assert_eq!(
            dag.operate(DagOperation::Pass, 0, 1.0).unwrap_err().code,
            codes::PASS_NOT_FAILED_DAG
        );
        assert_eq!(
            dag.operate(DagOperation::Rollback, 0, 1.0)
                .unwrap_err()
                .code,
            codes::ROLLBACK_NOT_FAILED_DAG
        );
    }

    #[test]
    fn rollback_counts_down_and_ends_succeed_rollback() {
        let (mut dag, mut ids, mut cluster) = new_dag(&["Prev check for scale_out"], false);
        run(&mut dag, &mut ids, &mut cluster, 1_000_000);
        assert_eq!((dag.state.clone(), dag.stage), (TaskState::Failed, 6));
        dag.operate(DagOperation::Rollback, 1_000_000, 1.0).unwrap();
        run(&mut dag, &mut ids, &mut cluster, 1_000_001);
        assert_eq!(dag.state, TaskState::Running);
        assert_eq!(dag.stage, 6);
        run(&mut dag, &mut ids, &mut cluster, 3_000_000);
        assert_eq!(dag.state, TaskState::Succeed);
        assert_eq!(dag.operator, TaskOperator::Rollback);
        assert_eq!(dag.stage, 1);
        assert!(cluster.agent("10.186.1.4", 2886).is_none());
    }

    #[test]
    fn cancel_then_pass_and_node_pass() {
        let (mut dag, mut ids, mut cluster) = new_dag(&[], false);
        run(&mut dag, &mut ids, &mut cluster, 1_500);
        dag.operate(DagOperation::Cancel, 1_500, 1.0).unwrap();
        assert_eq!(
            (dag.state.clone(), dag.operator.clone()),
            (TaskState::Ready, TaskOperator::Cancel)
        );
        run(&mut dag, &mut ids, &mut cluster, 100_000);
        assert_eq!(dag.state, TaskState::Failed);
        assert_eq!(dag.operator, TaskOperator::Cancel);
        assert_eq!(dag.nodes[0].operator, TaskOperator::Cancel);
        dag.operate(DagOperation::Pass, 100_000, 1.0).unwrap();
        assert_eq!(
            (dag.state.clone(), dag.operator.clone()),
            (TaskState::Succeed, TaskOperator::Pass)
        );

        let (mut dag, mut ids, mut cluster) = new_dag(&["Integrate server config"], false);
        run(&mut dag, &mut ids, &mut cluster, 100_000);
        let second = dag.nodes[1].id;
        assert_eq!(
            dag.pass_node(second, 0).unwrap_err().code,
            codes::NODE_PASS_NOT_FAILED_NODE
        );
        let first = dag.nodes[0].id;
        dag.pass_node(first, 100_000).unwrap();
        assert_eq!(dag.stage, 2);
        run(&mut dag, &mut ids, &mut cluster, 1_000_000);
        assert_eq!(dag.state, TaskState::Succeed);
        assert_eq!(dag.nodes[0].operator, TaskOperator::Pass);
    }
}
