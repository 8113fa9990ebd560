//! Conversions into the neutral [`TaskGraph`]: OCP task instances (all three shapes of
//! the docs) and obshell DAGs (as documented JSON, or the typed client model).

use serde_json::Value;

use super::model::{Backend, NodeOp, NodeStatus, SubNode, TaskGraph, TaskNode, TaskState};
use obtui_api::ocp::models::{SubtaskInstance, TaskInstance};
use obtui_api::time::parse_set_ms;

fn ocp_time(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(parse_set_ms)
}

fn op_or_execute(s: &str) -> NodeOp {
    if s.is_empty() {
        NodeOp::Execute
    } else {
        NodeOp::parse(s)
    }
}

impl From<&TaskInstance> for TaskGraph {
    /// Works for the list item (no edges: subtasks come out unconnected), the detail and
    /// the async-operation result (old `tasks` shape without seriesId: ordered by id and
    /// topology in the layout).
    fn from(t: &TaskInstance) -> TaskGraph {
        let mut g = TaskGraph::new(t.id.to_string(), t.name.clone(), Backend::Ocp);
        g.status = TaskState::parse(t.status.as_str());
        g.operation = t
            .operation
            .as_ref()
            .map_or(NodeOp::Execute, |o| op_or_execute(o.as_str()));
        g.kind = t
            .task_type
            .as_ref()
            .map(|k| k.as_str().to_string())
            .unwrap_or_default();
        g.creator = t
            .creator
            .as_ref()
            .and_then(|c| c.name())
            .map(str::to_string);
        g.cluster = t
            .cluster
            .as_ref()
            .and_then(|c| c.name.clone())
            .or_else(|| t.cluster_id().map(|id| format!("#{id}")));
        g.started = ocp_time(&t.start_time);
        g.finished = ocp_time(&t.finish_time);
        g.prohibit_rollback = t.prohibit_rollback.unwrap_or(false);
        g.created = ocp_time(&t.create_time);
        g.details = ocp_task_details(t);
        let rolled_back = g.operation == NodeOp::Rollback
            || t.subtasks.iter().any(|s| {
                s.operation
                    .as_ref()
                    .is_some_and(|o| NodeOp::parse(o.as_str()) == NodeOp::Rollback)
            });
        g.status = g.status.clone().with_operation(rolled_back);
        g.nodes = t
            .subtasks
            .iter()
            .map(|s| ocp_node(s, t.executor.as_deref()))
            .collect();
        g.normalize();
        g
    }
}

/// One OCP subtask as a graph node, its edges as the server lists them (before
/// [`TaskGraph::normalize`] mirrors them).
fn ocp_node(s: &SubtaskInstance, task_executor: Option<&str>) -> TaskNode {
    TaskNode {
        target: subtask_target(
            &s.name,
            s.description.as_deref(),
            s.context.as_ref(),
            s.parallel_idx,
            s.executor.as_deref(),
            task_executor,
        ),
        id: s.id.to_string(),
        name: s.name.clone(),
        description: s.description.clone().unwrap_or_default(),
        status: NodeStatus::parse(s.status.as_str()),
        operation: s
            .operation
            .as_ref()
            .map_or(NodeOp::Execute, |o| op_or_execute(o.as_str())),
        series_id: s.series_id,
        parallel_idx: s.parallel_idx.filter(|&p| p >= 0),
        run_count: s.run_time.unwrap_or(0).clamp(0, u32::MAX as i64) as u32,
        timeout_secs: s.timeout.filter(|&t| t > 0).map(|t| t as u64),
        created: ocp_time(&s.create_time),
        started: ocp_time(&s.start_time),
        finished: ocp_time(&s.finish_time),
        executor: s.executor.clone(),
        upstreams: s.upstreams.iter().map(i64::to_string).collect(),
        downstreams: s.downstreams.iter().map(i64::to_string).collect(),
        prohibit_rollback: s.prohibit_rollback.unwrap_or(false),
        prohibit_skip: s.prohibit_skip.unwrap_or(false),
        details: s
            .node_type
            .iter()
            .filter(|t| !t.trim().is_empty())
            .map(|t| ("type".to_string(), t.trim().to_string()))
            .chain(
                s.context
                    .iter()
                    .flat_map(|c| prefixed("ctx.", context_pairs(c))),
            )
            .collect(),
        children: Vec::new(),
    }
}

/// A poll of a task whose subtasks are the same as the last poll's but for `changed`
/// (`(index, new, old)`: the subtask at that index as the server sent it now and last time):
/// the last graph with those nodes converted again and the task's own fields from `shell` (the
/// task without its subtasks). `None` when a change touches the topology (an id, a series, an
/// edge): the caller converts the whole task then. The result equals `TaskGraph::from` of the
/// whole new task.
pub fn patch_ocp(
    last: &TaskGraph,
    shell: &TaskInstance,
    changed: &[(usize, SubtaskInstance, SubtaskInstance)],
) -> Option<TaskGraph> {
    let same_shape = |a: &SubtaskInstance, b: &SubtaskInstance| {
        a.id == b.id
            && a.series_id == b.series_id
            && a.upstreams == b.upstreams
            && a.downstreams == b.downstreams
    };
    let mut g = TaskGraph::from(shell);
    let mut nodes = last.nodes.clone();
    for (k, new, old) in changed {
        let slot = nodes.get_mut(*k)?;
        if !same_shape(new, old) || slot.id != new.id.to_string() {
            return None;
        }
        let mut n = ocp_node(new, shell.executor.as_deref());
        // The edges as the last poll normalised them (unchanged on both sides).
        n.upstreams = std::mem::take(&mut slot.upstreams);
        n.downstreams = std::mem::take(&mut slot.downstreams);
        *slot = n;
    }
    // As `From` does: a task is rolling back when any of its subtasks is.
    if g.operation != NodeOp::Rollback && nodes.iter().any(|n| n.operation == NodeOp::Rollback) {
        g.status = TaskState::parse(shell.status.as_str()).with_operation(true);
    }
    g.nodes = nodes;
    Some(g)
}

/// The task's documented fields that have no place of their own in [`TaskGraph`].
fn ocp_task_details(t: &TaskInstance) -> Vec<(String, String)> {
    let mut d = Vec::new();
    let tenant = t.tenant.as_ref();
    let tenant_name = tenant
        .and_then(|x| x.name.clone())
        .filter(|n| !n.is_empty());
    let tenant_id = t.tenant_id.or_else(|| tenant.and_then(|x| x.id));
    match (tenant_name, tenant_id) {
        (Some(n), Some(id)) => d.push(("tenant".into(), format!("{n} #{id}"))),
        (Some(n), None) => d.push(("tenant".into(), n)),
        (None, Some(id)) => d.push(("tenant".into(), format!("#{id}"))),
        (None, None) => {}
    }
    if let Some(h) = t.host_id {
        d.push(("host".into(), format!("#{h}")));
    }
    if let Some(e) = t
        .executor
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        d.push(("executor".into(), e.to_string()));
    }
    // -1 is what the docs' samples send for "no definition".
    if let Some(id) = t.task_definition_id.filter(|&id| id >= 0) {
        d.push(("definition".into(), format!("#{id}")));
    }
    if let Some(c) = &t.context {
        d.extend(prefixed("ctx.", context_pairs(c)));
    }
    d
}

fn prefixed(prefix: &str, pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| (format!("{prefix}{k}"), v))
        .collect()
}

/// A JSON value as one line of text: strings bare, `null` as nothing, the rest as JSON.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.trim().to_string()),
        Value::Array(a) => Some(format!(
            "[{}]",
            a.iter().filter_map(scalar).collect::<Vec<_>>().join(", ")
        )),
        v => Some(v.to_string()),
    }
}

/// The entries of an OCP task or subtask `context` (the object, or OCP's `Context(…)` text):
/// those of `stringMap`, then of `listMap` (as `[a, b]`), then any other key but
/// `parallel` / `parallelIdx` (shown elsewhere); package and version entries first. A context that is neither gives itself,
/// under the key `context`.
pub fn context_pairs(ctx: &Value) -> Vec<(String, String)> {
    let owned;
    let obj = match ctx {
        Value::String(s) if s.trim().is_empty() => return Vec::new(),
        Value::String(s) => match parse_context_text(s) {
            Some(v) => {
                owned = v;
                &owned
            }
            None => return vec![("context".into(), s.trim().to_string())],
        },
        v => v,
    };
    let Some(m) = obj.as_object() else {
        return scalar(obj)
            .map(|v| ("context".to_string(), v))
            .into_iter()
            .collect();
    };
    let mut out = Vec::new();
    for section in ["stringMap", "listMap"] {
        if let Some(Value::Object(sm)) = m.get(section) {
            out.extend(
                sm.iter()
                    .filter_map(|(k, v)| scalar(v).map(|v| (k.clone(), v))),
            );
        }
    }
    for (k, v) in m {
        if matches!(
            k.as_str(),
            "stringMap" | "listMap" | "parallel" | "parallelIdx"
        ) {
            continue;
        }
        if let Some(v) = scalar(v) {
            out.push((k.clone(), v));
        }
    }
    // What an operator looks for first (the package, the versions) leads; a view that
    // shows only the first few entries keeps them.
    out.sort_by_key(|(k, _)| {
        let k = k.to_ascii_lowercase();
        !(k.contains("rpm") || k.contains("version") || k.contains("package"))
    });
    out
}

/// obshell's `additional_data` as `data.` entries.
fn additional_data(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| scalar(v).map(|v| (format!("data.{k}"), v)))
            .collect(),
        Some(v) => scalar(v)
            .map(|v| ("data".to_string(), v))
            .into_iter()
            .collect(),
        None => Vec::new(),
    }
}

/// obshell's `maintenance_type` by name (`engine/task/maintenance_type.go`), with the key.
fn maintenance(dag: &Value) -> Option<String> {
    let t = dag.get("maintenance_type").and_then(Value::as_i64)?;
    let name = match t {
        0 => "NOT_BOOTSTRAP".to_string(),
        1 => "NOT_UNDER_MAINTENANCE".to_string(),
        2 => "GLOBAL".to_string(),
        3 => "TENANT".to_string(),
        4 => "OBPROXY".to_string(),
        n => n.to_string(),
    };
    match dag
        .get("maintenance_key")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(k) => Some(format!("{name} {k}")),
        None => Some(name),
    }
}

impl From<TaskInstance> for TaskGraph {
    fn from(t: TaskInstance) -> TaskGraph {
        TaskGraph::from(&t)
    }
}

/// What a subtask acts on — the server, zone or host that tells the nodes of a fan-out
/// apart — from its own fields, most specific first:
///
/// 1. a description that is the name plus a qualifier (`Install rpm (10.0.0.1 in zone1)`,
///    `Stop zone zone1`): the qualifier;
/// 2. its `context` (documented for SubtaskInstance, as an object or OCP's
///    `Context(parallelIdx=…, stringMap={…}, listMap={…})` text): a server, zone or host
///    entry of `stringMap`, or for a parallel subtask the `parallelIdx`-th item of such a
///    list in `listMap`;
/// 3. for a parallel subtask, its `executor` when it differs from the task's.
pub fn subtask_target(
    name: &str,
    description: Option<&str>,
    context: Option<&Value>,
    parallel_idx: Option<i64>,
    executor: Option<&str>,
    task_executor: Option<&str>,
) -> Option<String> {
    let parallel = parallel_idx.filter(|&p| p >= 0);
    if let Some(q) = description.and_then(|d| qualifier(name, d)) {
        return Some(q);
    }
    if let Some(t) = context.and_then(|c| context_target(c, parallel)) {
        return Some(t);
    }
    let exec = executor.map(str::trim).filter(|e| !e.is_empty())?;
    (parallel.is_some() && Some(exec) != task_executor.map(str::trim)).then(|| exec.to_string())
}

/// `Install rpm (10.0.0.1 in zone1)` → `10.0.0.1 in zone1`; `Stop zone zone1` → `zone1`.
fn qualifier(name: &str, desc: &str) -> Option<String> {
    let name = name.trim();
    let rest = desc.trim().strip_prefix(name)?.trim();
    let rest = match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => inner.trim(),
        None => rest.trim_start_matches([':', '-', ',']).trim(),
    };
    (!name.is_empty() && !rest.is_empty() && rest.chars().count() <= 64).then(|| rest.to_string())
}

/// Keys of a context that name what a step acts on, most specific first.
const TARGET_KEYS: [&str; 6] = ["server", "ip", "host", "zone", "address", "agent"];

fn target_rank(key: &str) -> Option<usize> {
    let k = key.to_ascii_lowercase();
    TARGET_KEYS.iter().position(|t| k.contains(t))
}

fn context_target(ctx: &Value, parallel: Option<i64>) -> Option<String> {
    let owned;
    let ctx = match ctx {
        Value::String(s) => {
            owned = parse_context_text(s)?;
            &owned
        }
        v => v,
    };
    let mut best: Option<(usize, String)> = None;
    let mut offer = |rank: usize, v: String| {
        if !v.trim().is_empty() && best.as_ref().is_none_or(|(r, _)| rank < *r) {
            best = Some((rank, v.trim().to_string()));
        }
    };
    if let Some(Value::Object(m)) = ctx.get("stringMap") {
        for (k, v) in m {
            if let (Some(r), Some(s)) = (target_rank(k), v.as_str()) {
                offer(r, s.to_string());
            }
        }
    }
    let idx = parallel
        .or_else(|| ctx.get("parallelIdx").and_then(Value::as_i64))
        .filter(|&p| p >= 0);
    if let (Some(p), Some(Value::Object(m))) = (idx, ctx.get("listMap")) {
        for (k, v) in m {
            let item = v.as_array().and_then(|a| a.get(p as usize));
            if let (Some(r), Some(s)) = (target_rank(k), item.and_then(Value::as_str)) {
                offer(r, s.to_string());
            }
        }
    }
    best.map(|(_, v)| v)
}

/// OCP's `Context(parallelIdx=0, stringMap={a=b, c=d}, listMap={k=[x, y]})` as the object
/// form. Values with commas or braces inside cannot be told apart and are read as far as
/// they go; nothing here fails.
fn parse_context_text(s: &str) -> Option<Value> {
    let body = s.trim().strip_prefix("Context(")?.strip_suffix(')')?;
    let mut out = serde_json::Map::new();
    if let Some(p) = body
        .split(',')
        .find_map(|part| part.trim().strip_prefix("parallelIdx="))
        .and_then(|v| v.trim().parse::<i64>().ok())
    {
        out.insert("parallelIdx".into(), Value::from(p));
    }
    let section = |key: &str| -> Option<&str> {
        let start = body.find(&format!("{key}={{"))? + key.len() + 2;
        let rest = body.get(start..)?;
        let mut depth = 0usize;
        for (i, c) in rest.char_indices() {
            match c {
                '{' | '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                '}' if depth == 0 => return rest.get(..i),
                '}' => depth -= 1,
                _ => {}
            }
        }
        None
    };
    let entries = |text: &str| -> Vec<(String, String)> {
        let mut v = Vec::new();
        let (mut depth, mut cur) = (0usize, String::new());
        for c in text.chars().chain(std::iter::once(',')) {
            match c {
                '[' | '{' => {
                    depth += 1;
                    cur.push(c)
                }
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    cur.push(c)
                }
                ',' if depth == 0 => {
                    if let Some((k, val)) = cur.split_once('=') {
                        v.push((k.trim().to_string(), val.trim().to_string()));
                    }
                    cur.clear();
                }
                _ => cur.push(c),
            }
        }
        v
    };
    if let Some(sm) = section("stringMap") {
        let m: serde_json::Map<String, Value> = entries(sm)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        out.insert("stringMap".into(), Value::Object(m));
    }
    if let Some(lm) = section("listMap") {
        let m: serde_json::Map<String, Value> = entries(lm)
            .into_iter()
            .map(|(k, v)| {
                let items = v
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(|x| Value::String(x.trim().to_string()))
                    .collect();
                (k, Value::Array(items))
            })
            .collect();
        out.insert("listMap".into(), Value::Object(m));
    }
    Some(Value::Object(out))
}

/// A string field that may come as a JSON string or number (generic ids).
fn str_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text(v: &Value, key: &str) -> String {
    str_field(v, key).unwrap_or_default()
}

fn time(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_str).and_then(parse_set_ms)
}

/// `(start, end)`, with the end dropped while not finished (a running obshell DAG or
/// node may carry an end before its start).
fn times(v: &Value, finished: bool) -> (Option<i64>, Option<i64>) {
    let start = time(v, "start_time");
    let end = if finished { time(v, "end_time") } else { None };
    (start, end)
}

/// Why an obshell DAG could not be read into a [`TaskGraph`].
#[derive(Debug, thiserror::Error)]
pub enum DagError {
    #[error("obshell DAG: not a JSON object")]
    NotObject,
    #[error("obshell DAG: no `id`")]
    NoId,
    /// `what` is `obshell DAG` or `obshell node`.
    #[error("{what}: `{key}` is neither an array nor null")]
    NotArray {
        what: &'static str,
        key: &'static str,
    },
    #[error("obshell DAG: node #{0} is not an object")]
    NodeNotObject(usize),
    /// The typed model did not serialise (it always does; kept rather than unwrapped).
    #[error("obshell DAG: {0}")]
    Json(#[from] serde_json::Error),
}

fn array<'a>(v: &'a Value, key: &'static str, what: &'static str) -> Result<&'a [Value], DagError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(DagError::NotArray { what, key }),
    }
}

impl TaskGraph {
    /// Builds the graph of an obshell DAG from its JSON (`DagDetailDTO`, or a whole
    /// response envelope around one). Nodes, in stage order, become a chain; each
    /// node's sub_tasks become its `children`; `stage`/`max_stage` are kept for
    /// progress. `nodes: null` (no details) gives a graph without nodes.
    pub fn from_obshell_dag(v: &Value) -> Result<TaskGraph, DagError> {
        let dag = match v.get("data") {
            Some(d) if v.get("state").is_none() && d.is_object() => d,
            _ => v,
        };
        if !dag.is_object() {
            return Err(DagError::NotObject);
        }
        let id = str_field(dag, "id")
            .or_else(|| str_field(dag, "dag_id"))
            .ok_or(DagError::NoId)?;
        let mut g = TaskGraph::new(id, text(dag, "name"), Backend::Obshell);
        g.operation = op_or_execute(&text(dag, "operator"));
        g.status =
            TaskState::parse(&text(dag, "state")).with_operation(g.operation == NodeOp::Rollback);
        (g.started, g.finished) = times(dag, g.status.is_finished());
        let num = |k: &str| {
            dag.get(k)
                .and_then(Value::as_u64)
                .map(|n| n.min(u32::MAX as u64) as u32)
        };
        if let (Some(stage), Some(max)) = (num("stage"), num("max_stage")) {
            g.stage = Some((stage.min(max), max));
        }
        if let Some(d) = dag.get("dag_id").and_then(Value::as_i64) {
            g.details.push(("dag".into(), d.to_string()));
        }
        if let Some(m) = maintenance(dag) {
            g.details.push(("maintenance".into(), m));
        }
        g.details
            .extend(additional_data(dag.get("additional_data")));
        let nodes = array(dag, "nodes", "obshell DAG")?;
        for (k, n) in nodes.iter().enumerate() {
            if !n.is_object() {
                return Err(DagError::NodeNotObject(k));
            }
            let status = NodeStatus::parse(&text(n, "state"));
            let (started, finished) = times(n, status.is_finished());
            let mut node = TaskNode::new(
                str_field(n, "id").unwrap_or_else(|| format!("stage-{}", k + 1)),
                text(n, "name"),
            );
            node.status = status;
            node.operation = op_or_execute(&text(n, "operator"));
            node.series_id = Some(k as i64 + 1);
            node.started = started;
            node.finished = finished;
            node.details = additional_data(n.get("additional_data"));
            for (j, s) in array(n, "sub_tasks", "obshell node")?.iter().enumerate() {
                let st = NodeStatus::parse(&text(s, "state"));
                let (started, finished) = times(s, st.is_finished());
                let agent = s.get("execute_agent").and_then(|a| {
                    let ip = a.get("ip")?.as_str()?;
                    Some(match a.get("port").and_then(Value::as_u64) {
                        Some(p) => format!("{ip}:{p}"),
                        None => ip.to_string(),
                    })
                });
                let logs = match s.get("task_logs") {
                    Some(Value::Array(a)) => a
                        .iter()
                        .filter_map(|l| l.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                };
                node.children.push(SubNode {
                    id: str_field(s, "id").unwrap_or_else(|| format!("{}-{j}", node.id)),
                    name: text(s, "name"),
                    status: Some(st),
                    operation: Some(op_or_execute(&text(s, "operator"))),
                    execute_agent: agent,
                    run_count: s
                        .get("execute_times")
                        .and_then(Value::as_u64)
                        .map_or(0, |n| n.min(u32::MAX as u64) as u32),
                    started,
                    finished,
                    logs,
                });
            }
            node.run_count = node.children.iter().map(|c| c.run_count).max().unwrap_or(0);
            if let [only] = node.children.as_slice() {
                node.executor = only.execute_agent.clone();
            }
            node.description = match node.children.len() {
                0 | 1 => String::new(),
                n => format!("parallel on {n} agents"),
            };
            if let Some(prev) = g.nodes.last() {
                node.upstreams.push(prev.id.clone());
            }
            g.nodes.push(node);
        }
        g.normalize();
        Ok(g)
    }
}

impl TryFrom<&obtui_api::obshell::models::DagDetail> for TaskGraph {
    type Error = DagError;

    /// Through the documented JSON shape, so both entry points agree by construction.
    fn try_from(d: &obtui_api::obshell::models::DagDetail) -> Result<TaskGraph, DagError> {
        let v = serde_json::to_value(d)?;
        TaskGraph::from_obshell_dag(&v)
    }
}
