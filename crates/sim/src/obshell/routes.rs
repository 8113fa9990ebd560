//! The `/api/v1` handlers, each answering as one agent of the world.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use super::agents::AgentView;
use super::dag::{local_generic_id, parse_generic_id, Dag, GenericId, ScaleOutJob};
use super::this_agent::Agent;
use super::wire::{ObErr, ReqCtx, OFFSET_SECS};
use super::world::State as World;
use super::{auth, ObshellSim};
use obtui_api::obshell::models::{codes, AgentAddr, AgentIdentity, AgentSecret, DagOperation};
use obtui_api::obshell::time::format_rfc3339;

/// DAGs kept in memory.
const MAX_DAGS: usize = 500;

/// `'<addr>' is '<identity>', instead of '<wanted>', does not support this operation`.
fn identity_not_supported(v: &AgentView, wanted: &str) -> ObErr {
    ObErr::bad_request(
        codes::IDENTITY_NOT_SUPPORT,
        format!(
            "'{}' is '{}', instead of '{wanted}', does not support this operation",
            v.addr,
            v.identity.as_str()
        ),
    )
}

pub fn router(sim: ObshellSim, me: AgentAddr) -> Router {
    let sim = Agent {
        sim,
        me: Arc::new(me),
    };
    let authed = Router::new()
        .route("/api/v1/ob/info", get(ob_info).fallback(no_route))
        .route(
            "/api/v1/agents/status",
            get(agents_status).fallback(no_route),
        )
        .route(
            "/api/v1/obcluster/info",
            get(obcluster_info).fallback(no_route),
        )
        .route("/api/v1/ob/scale_out", post(scale_out).fallback(no_route))
        .route(
            "/api/v1/task/dag/unfinish",
            get(unfinished_dags).fallback(no_route),
        )
        .route("/api/v1/task/dags/ob", get(cluster_dags).fallback(no_route))
        .route(
            "/api/v1/task/dag/{id}",
            get(get_dag).post(operate_dag).fallback(no_route),
        )
        .route(
            "/api/v1/task/node/{id}",
            get(get_node).post(operate_node).fallback(no_route),
        )
        .route(
            "/api/v1/task/sub_task/{id}",
            get(get_sub_task).fallback(no_route),
        )
        .route(
            "/api/v1/task/sub_task/{id}/logs",
            get(get_sub_task_logs).fallback(no_route),
        )
        .route_layer(middleware::from_fn_with_state(sim.clone(), auth::verify));
    let open = Router::new()
        .route("/api/v1/info", get(info).fallback(no_route))
        .route(
            "/api/v1/status",
            get(status).post(status).fallback(no_route),
        )
        .route("/api/v1/secret", get(secret).fallback(no_route))
        .route("/api/v1/time", get(time).fallback(no_route))
        // obshell's `zone` group is not among its Verify() groups: no auth.
        .route(
            "/api/v1/zone/{name}",
            axum::routing::delete(delete_zone).fallback(no_route),
        )
        // A route, not a fallback, so that this router still merges into the main one.
        .route("/api/v1/{*rest}", any(no_route));
    Router::new()
        .merge(authed)
        .merge(open)
        .layer(middleware::from_fn_with_state(sim.clone(), auth::decrypt))
        .with_state(sim)
}

async fn no_route(ctx: ReqCtx) -> Response {
    ctx.fail(ObErr::route_not_found())
}

async fn info(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    let mut info = a.view(&a.sim.state()).info();
    info.security = a.sim.has_agent_password();
    info.supported_auth = a.sim.supported_auth();
    ctx.ok(info)
}

/// The simulated network: an agent address on a host of `10.186.1.0/24` or of loopback that
/// no simulated agent serves answers as a SINGLE agent of this agent's versions (so scripts,
/// tests and the SDK check can scale out hosts they name); any other address is unreachable,
/// and a scale-out to it is refused as obshell refuses it.
pub const SIMULATED_SUBNET: &str = "10.186.1.";

/// The version rules of `HandleClusterScaleOut` (obshell `executor/ob/scale_out.go`).
fn scale_out_versions(me: &AgentView, target: &AgentView, addr: &AgentAddr) -> Result<(), ObErr> {
    if target.ob_version != me.ob_version {
        return Err(ObErr::bad_request(
            "Agent.OB.Version.Inconsistent",
            format!(
                "ob version is not consistent between {addr}({}) and {}({})",
                target.ob_version, me.addr, me.ob_version
            ),
        ));
    }
    let core = |v: &str| v.split('-').next().unwrap_or(v).to_string();
    let (mine, theirs) = (core(&me.version), core(&target.version));
    match crate::inventory::version_cmp(&mine, &theirs) {
        std::cmp::Ordering::Less => Err(ObErr::bad_request(
            "OB.Cluster.ScaleOutHigherVersion",
            format!(
                "scale out a higer version agent({theirs}) into cluster agent({mine}) is not allowed"
            ),
        )),
        std::cmp::Ordering::Greater
            if crate::inventory::version_cmp(&theirs, MIN_SCALE_OUT_AGENT)
                == std::cmp::Ordering::Less =>
        {
            Err(ObErr::bad_request(
                "OB.Cluster.ScaleOutLowerVersion",
                format!(
                    "scale out a lower version agent({theirs} before {MIN_SCALE_OUT_AGENT}) into cluster agent({mine}) is not allowed"
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The oldest obshell that may join a cluster of a newer one (`constant.AGENT_V4241`).
const MIN_SCALE_OUT_AGENT: &str = "4.2.4.1";

/// `DELETE /api/v1/zone/{name}` (obshell `executor/ob/delete_zone.go`): 204 when there is no
/// such zone; a zone that holds units is refused (`OB.Zone.NotEmpty`, checked before the
/// agent's own zone). Every zone of the simulated cluster holds units of the sys tenant, so no
/// delete-zone DAG is ever started here.
async fn delete_zone(State(a): State<Agent>, ctx: ReqCtx, Path(name): Path<String>) -> Response {
    let st = a.sim.state();
    let me = a.view(&st);
    if !me.is_cluster_agent() {
        return ctx.fail(identity_not_supported(&me, "CLUSTER AGENT"));
    }
    if name.trim().is_empty() {
        return ctx.fail(ObErr::bad_request(
            "OB.Zone.Name.Empty",
            "zone name is empty",
        ));
    }
    if !st.cluster.has_zone(&name) {
        return StatusCode::NO_CONTENT.into_response();
    }
    ctx.fail(ObErr::bad_request(
        "OB.Zone.NotEmpty",
        format!("The zone '{name}' is not empty and can not be deleted"),
    ))
}

async fn status(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    let status = a.view(&a.sim.state()).status();
    ctx.ok(status)
}

async fn secret(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    let body = AgentSecret {
        ip: a.me.ip.clone(),
        port: a.me.port,
        public_key: a.sim.agent_public_key_b64(&a.me),
    };
    ctx.ok(body)
}

async fn time(ctx: ReqCtx) -> Response {
    ctx.ok(format_rfc3339(ctx.clock.now_ms(), OFFSET_SECS))
}

async fn ob_info(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    let st = a.sim.state();
    let info = st.ob_info_for(&a.view(&st));
    drop(st);
    ctx.ok(info)
}

async fn agents_status(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    let st = a.sim.state();
    let all = st.agents_status_for(&a.view(&st));
    drop(st);
    ctx.ok(all)
}

/// CLUSTER AGENT only.
async fn obcluster_info(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    let st = a.sim.state();
    let me = a.view(&st);
    let res = if me.is_cluster_agent() {
        Ok(st.cluster.obcluster_info())
    } else {
        Err(identity_not_supported(&me, "CLUSTER AGENT"))
    };
    drop(st);
    match res {
        Ok(info) => ctx.ok(info),
        Err(e) => ctx.fail(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Body binding, with gin's behaviour: Go's decoder matches keys case-insensitively.

fn parse_object(body: &[u8], go_type: &str) -> Result<Map<String, Value>, ObErr> {
    if body.is_empty() {
        return Err(ObErr::bind_json("EOF"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(ObErr::bind_json(format!(
            "json: cannot unmarshal {} into Go value of type {go_type}",
            json_kind(&other)
        ))),
        Err(e) => Err(ObErr::bind_json(format!("invalid JSON: {e}"))),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Field lookup: exact name first, then case-insensitive. `null` counts as absent.
fn field<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.get(name)
        .or_else(|| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

fn string_field(
    m: &Map<String, Value>,
    name: &str,
    go_field: &str,
) -> Result<Option<String>, ObErr> {
    match field(m, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ObErr::bind_json(format!(
            "json: cannot unmarshal {} into Go struct field {go_field} of type string",
            json_kind(other)
        ))),
    }
}

struct ScaleOutParam {
    target: AgentAddr,
    ob_configs: BTreeMap<String, String>,
    zone: String,
}

fn bind_scale_out(body: &[u8]) -> Result<ScaleOutParam, ObErr> {
    const P: &str = "ClusterScaleOutParam.ScaleOutParam";
    let m = parse_object(body, "param.ClusterScaleOutParam")?;
    let agent = match field(&m, "agentInfo") {
        None => return Err(ObErr::required(&format!("{P}.AgentInfo"))),
        Some(Value::Object(a)) => a,
        Some(other) => {
            return Err(ObErr::bind_json(format!(
            "json: cannot unmarshal {} into Go struct field {P}.agentInfo of type meta.AgentInfo",
            json_kind(other)
        )))
        }
    };
    let ip = string_field(agent, "ip", "AgentInfo.agentInfo.ip")?.unwrap_or_default();
    let port = match field(agent, "port") {
        None => 0,
        Some(Value::Number(n)) => match n.as_i64() {
            Some(p) => p,
            None => {
                return Err(ObErr::bind_json(format!(
                    "json: cannot unmarshal number {n} into Go struct field AgentInfo.agentInfo.port of type int"
                )))
            }
        },
        Some(other) => {
            return Err(ObErr::bind_json(format!(
                "json: cannot unmarshal {} into Go struct field AgentInfo.agentInfo.port of type int",
                json_kind(other)
            )))
        }
    };
    let configs = match field(&m, "obConfigs") {
        None => return Err(ObErr::required(&format!("{P}.ObConfigs"))),
        Some(Value::Object(c)) => c,
        Some(other) => {
            return Err(ObErr::bind_json(format!(
                "json: cannot unmarshal {} into Go struct field {P}.obConfigs of type map[string]string",
                json_kind(other)
            )))
        }
    };
    let mut ob_configs = BTreeMap::new();
    for (k, v) in configs {
        match v {
            Value::String(s) => {
                ob_configs.insert(k.clone(), s.clone());
            }
            other => {
                return Err(ObErr::bind_json(format!(
                    "json: cannot unmarshal {} into Go struct field {P}.obConfigs of type string",
                    json_kind(other)
                )))
            }
        }
    }
    let zone = string_field(&m, "zone", "ScaleOutParam.zone")?.unwrap_or_default();
    // Optional; only its type is checked (the simulated target has no password).
    string_field(
        &m,
        "targetAgentPassword",
        "ClusterScaleOutParam.targetAgentPassword",
    )?;
    if ip.is_empty() {
        return Err(ObErr::required(&format!("{P}.AgentInfo.Ip")));
    }
    if port == 0 {
        return Err(ObErr::required(&format!("{P}.AgentInfo.Port")));
    }
    if zone.is_empty() {
        return Err(ObErr::required(&format!("{P}.Zone")));
    }
    let port = u16::try_from(port)
        .ok()
        .filter(|p| *p >= 1024)
        .ok_or_else(|| invalid_port(&port.to_string()))?;
    Ok(ScaleOutParam {
        target: AgentAddr { ip, port },
        ob_configs,
        zone,
    })
}

fn invalid_port(p: &str) -> ObErr {
    ObErr::bad_request(
        codes::INVALID_PORT,
        format!("The port '{p}' is invalid, must be in [1024, 65535]"),
    )
}

/// A port from obConfigs (`mysql_port`, or the camelCase spelling of the 4.2 docs' example).
fn config_port(
    configs: &BTreeMap<String, String>,
    names: [&str; 2],
    default: u16,
) -> Result<u16, ObErr> {
    match names.iter().find_map(|n| configs.get(*n)) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p >= 1024)
            .ok_or_else(|| invalid_port(v)),
    }
}

async fn scale_out(State(a): State<Agent>, ctx: ReqCtx, body: Bytes) -> Response {
    match do_scale_out(&a, &body) {
        Ok(dto) => ctx.ok(dto),
        Err(e) => ctx.fail(e),
    }
}

fn do_scale_out(a: &Agent, body: &[u8]) -> Result<obtui_api::obshell::models::DagDetail, ObErr> {
    let sim = &a.sim;
    let p = bind_scale_out(body)?;
    if p.target.ip.parse::<IpAddr>().is_err() {
        return Err(ObErr::bad_request(
            codes::INVALID_IP,
            format!("'{}' is not a valid IP address", p.target.ip),
        ));
    }
    let sql_port = config_port(&p.ob_configs, ["mysql_port", "mysqlPort"], 2881)?;
    let rpc_port = config_port(&p.ob_configs, ["rpc_port", "rpcPort"], 2882)?;
    if sql_port == rpc_port {
        return Err(ObErr::bad_request(
            codes::ILLEGAL_ARGUMENT,
            format!("The input parameter 'obConfigs' is illegal: mysql_port and rpc_port are both {sql_port}"),
        ));
    }
    let now = sim.now_ms();
    let speed = sim.speed();
    let mut st = sim.state();
    st.advance(now);
    // obshell's order: the receiver must be a cluster agent, then the target SINGLE.
    let me = a.view(&st);
    if !me.is_cluster_agent() {
        return Err(identity_not_supported(&me, "CLUSTER AGENT"));
    }
    // A member or an agent being added is not SINGLE; any other address is a SINGLE host.
    let identity = if st.cluster.agent(&p.target.ip, p.target.port).is_some() {
        Some(AgentIdentity::ClusterAgent)
    } else if st
        .dags
        .iter()
        .any(|d| !d.is_finished() && d.job.target == p.target)
    {
        Some(AgentIdentity::ScalingOut)
    } else {
        None
    };
    if let Some(identity) = identity {
        return Err(ObErr::bad_request(
            codes::IDENTITY_NOT_SUPPORT,
            format!(
                "'{}' is '{}', instead of 'SINGLE', does not support this operation",
                p.target,
                identity.as_str()
            ),
        ));
    }
    // obshell reads the target's `/info` (`http.SendGetRequest` in `HandleClusterScaleOut`):
    // an address no agent answers on is refused as obshell does ("get … status failed", an
    // unexpected error); then the OceanBase versions must be the same string, and the agent
    // versions (without the build) obey its rules.
    let virtual_single = |a: &AgentAddr| {
        a.ip.strip_prefix(SIMULATED_SUBNET)
            .and_then(|h| h.parse::<u8>().ok())
            .is_some()
            || a.ip.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    };
    let seen = st.view(&p.target).or_else(|| {
        virtual_single(&p.target).then(|| AgentView {
            addr: p.target.clone(),
            identity: AgentIdentity::Single,
            ..me.clone()
        })
    });
    let Some(t) = seen else {
        return Err(ObErr::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::UNEXPECTED,
            format!("get {} status failed", p.target),
        ));
    };
    scale_out_versions(&me, &t, &p.target)?;
    if st.cluster.server(&p.target.ip, rpc_port).is_some() {
        return Err(ObErr::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::AGENT_ALREADY_EXISTS,
            format!("Agent {}:{rpc_port} already exists in cluster", p.target.ip),
        ));
    }
    if let Some(busy) = st.dags.iter().find(|d| !d.is_finished()) {
        return Err(ObErr::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::CLUSTER_UNDER_MAINTENANCE_WITH_DAG,
            format!(
                "OceanBase cluster is under maintenance by DAG: {}, please try again later",
                busy.generic_id()
            ),
        ));
    }
    let new_zone = !st.cluster.has_zone(&p.zone);
    let local_seq = 1 + st.dags.iter().filter(|d| d.job.target == p.target).count() as i64;
    let job = ScaleOutJob {
        local_dag_id: local_generic_id(&p.target, local_seq),
        target: p.target,
        zone: p.zone,
        sql_port,
        rpc_port,
    };
    let fail_once = st.fail_nodes.clone();
    // Serial nodes run on the agent that created the DAG: the receiver.
    let runner = st
        .cluster
        .agent(&a.me.ip, a.me.port)
        .unwrap_or_else(|| st.cluster.master())
        .clone();
    let World { ids, rng, .. } = &mut *st;
    let dag = Dag::scale_out(ids, rng, speed, now, &runner, job, new_zone, fail_once);
    let dto = dag.to_dto(false);
    // Bound memory in long demo sessions: forget the oldest finished DAGs.
    while st.dags.len() >= MAX_DAGS {
        match st.dags.iter().position(Dag::is_finished) {
            Some(i) => {
                st.dags.remove(i);
            }
            None => break,
        }
    }
    st.dags.push(dag);
    Ok(dto)
}

// ---------------------------------------------------------------------------------------------
// Tasks

/// `show_details` with Go's `strconv.ParseBool`; absent means true.
fn show_details(query: Option<&str>) -> Result<bool, ObErr> {
    let Some(q) = query else { return Ok(true) };
    let Some(v) = q
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .find(|(k, _)| *k == "show_details")
        .map(|(_, v)| v)
    else {
        return Ok(true);
    };
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        other => Err(ObErr::bad_request(
            codes::ILLEGAL_ARGUMENT,
            format!("Illegal argument: strconv.ParseBool: parsing \"{other}\": invalid syntax"),
        )),
    }
}

/// The database id of a cluster task; local ids (other agents' sqlite) are never found here.
fn cluster_id(id: &str) -> Result<i64, ObErr> {
    match parse_generic_id(id)? {
        GenericId::Cluster(n) => Ok(n),
        GenericId::Local => Err(ObErr::task_not_found()),
    }
}

async fn get_dag(
    State(a): State<Agent>,
    ctx: ReqCtx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let res = (|| {
        let details = show_details(q.as_deref())?;
        let dag_id = cluster_id(&id)?;
        let mut st = a.cluster_state().ok_or_else(ObErr::task_not_found)?;
        st.advance(a.sim.now_ms());
        st.dag(dag_id)
            .map(|d| d.to_dto(details))
            .ok_or_else(ObErr::task_not_found)
    })();
    match res {
        Ok(d) => ctx.ok(d),
        Err(e) => ctx.fail(e),
    }
}

async fn unfinished_dags(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    // Outside the cluster an agent has no cluster DAGs (and this one runs no local ones).
    let dags: Vec<_> = match a.cluster_state() {
        Some(st) => st
            .dags
            .iter()
            .filter(|d| !d.is_finished())
            .map(|d| d.to_dto(true))
            .collect(),
        None => Vec::new(),
    };
    // A Go nil slice: nothing unfinished serializes as `contents: null`.
    let contents = if dags.is_empty() {
        Value::Null
    } else {
        serde_json::to_value(dags).unwrap_or(Value::Null)
    };
    ctx.ok(serde_json::json!({ "contents": contents }))
}

/// `GET /task/dags/ob`: every cluster DAG, finished or not.
async fn cluster_dags(State(a): State<Agent>, ctx: ReqCtx) -> Response {
    let dags: Vec<_> = match a.cluster_state() {
        Some(st) => st.dags.iter().map(|d| d.to_dto(true)).collect(),
        None => Vec::new(),
    };
    let contents = if dags.is_empty() {
        Value::Null
    } else {
        serde_json::to_value(dags).unwrap_or(Value::Null)
    };
    ctx.ok(serde_json::json!({ "contents": contents }))
}

fn bind_operator(body: &[u8]) -> Result<String, ObErr> {
    let m = parse_object(body, "task.DagOperator")?;
    match string_field(&m, "operator", "DagOperator.operator")? {
        Some(s) if !s.is_empty() => Ok(s.to_ascii_uppercase()),
        _ => Err(ObErr::required("DagOperator.Operator")),
    }
}

async fn operate_dag(
    State(a): State<Agent>,
    ctx: ReqCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let res = (|| {
        let op_text = bind_operator(&body)?;
        let dag_id = cluster_id(&id)?;
        let op = DagOperation::parse(&op_text).ok_or_else(|| {
            ObErr::bad_request(
                codes::DAG_OP_NOT_SUPPORT,
                format!("Operator {op_text} is not supported"),
            )
        })?;
        let now = a.sim.now_ms();
        let speed = a.sim.speed();
        let mut st = a.cluster_state().ok_or_else(ObErr::task_not_found)?;
        st.advance(now);
        let dag = st.dag_mut(dag_id).ok_or_else(ObErr::task_not_found)?;
        dag.operate(op, now, speed)
    })();
    match res {
        Ok(()) => ctx.ok_empty(),
        Err(e) => ctx.fail(e),
    }
}

async fn get_node(State(a): State<Agent>, ctx: ReqCtx, Path(id): Path<String>) -> Response {
    let res = (|| {
        let node_id = cluster_id(&id)?;
        let mut st = a.cluster_state().ok_or_else(ObErr::task_not_found)?;
        st.advance(a.sim.now_ms());
        st.dags
            .iter()
            .find_map(|d| d.node_dto(node_id))
            .ok_or_else(ObErr::task_not_found)
    })();
    match res {
        Ok(n) => ctx.ok(n),
        Err(e) => ctx.fail(e),
    }
}

async fn operate_node(
    State(a): State<Agent>,
    ctx: ReqCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let res = (|| {
        let op = bind_operator(&body)?;
        let node_id = cluster_id(&id)?;
        if op != "PASS" {
            return Err(ObErr::bad_request(
                codes::NODE_OP_NOT_SUPPORT,
                format!("Operator {op} is not supported"),
            ));
        }
        let now = a.sim.now_ms();
        let mut st = a.cluster_state().ok_or_else(ObErr::task_not_found)?;
        st.advance(now);
        let dag = st
            .dags
            .iter_mut()
            .find(|d| d.node(node_id).is_some())
            .ok_or_else(ObErr::task_not_found)?;
        dag.pass_node(node_id, now)
    })();
    match res {
        Ok(()) => ctx.ok_empty(),
        Err(e) => ctx.fail(e),
    }
}

async fn get_sub_task(State(a): State<Agent>, ctx: ReqCtx, Path(id): Path<String>) -> Response {
    let res = (|| {
        let sub_id = cluster_id(&id)?;
        let mut st = a.cluster_state().ok_or_else(ObErr::task_not_found)?;
        st.advance(a.sim.now_ms());
        st.dags
            .iter()
            .find_map(|d| d.sub_task_dto(sub_id))
            .ok_or_else(ObErr::task_not_found)
    })();
    match res {
        Ok(s) => ctx.ok(s),
        Err(e) => ctx.fail(e),
    }
}

async fn get_sub_task_logs(
    State(a): State<Agent>,
    ctx: ReqCtx,
    Path(id): Path<String>,
) -> Response {
    let res = (|| {
        let sub_id = cluster_id(&id)?;
        let mut st = a.cluster_state().ok_or_else(ObErr::task_not_found)?;
        st.advance(a.sim.now_ms());
        st.dags
            .iter()
            .find_map(|d| d.sub_task_logs(sub_id))
            .ok_or_else(ObErr::task_not_found)
    })();
    match res {
        Ok(logs) => ctx.ok(serde_json::json!({ "contents": logs })),
        Err(e) => ctx.fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_details_follows_parse_bool() {
        assert!(show_details(None).unwrap());
        assert!(show_details(Some("show_details=True")).unwrap());
        assert!(!show_details(Some("a=1&show_details=0")).unwrap());
        assert!(show_details(Some("show_details=yes")).is_err());
    }

    #[test]
    fn scale_out_binding_errors() {
        let e = bind_scale_out(br#"{"agentInfo":{"ip":"10.0.0.4","port":2886},"obConfigs":{}}"#)
            .err()
            .unwrap();
        assert_eq!(e.code, codes::BIND_JSON_FAILED);
        assert!(e.message.contains("'Zone' failed on the 'required' tag"));
        let e = bind_scale_out(
            br#"{"agentInfo":{"ip":"10.0.0.4","port":2886},"obConfigs":{"rpc_port":2882},"zone":"z"}"#,
        )
        .err()
        .unwrap();
        assert!(e.message.contains("of type string"));
        let ok = bind_scale_out(
            br#"{"AgentInfo":{"IP":"10.0.0.4","Port":2886},"obconfigs":{"a":"b"},"Zone":"z"}"#,
        )
        .ok()
        .unwrap();
        assert_eq!(ok.target.port, 2886);
        assert_eq!(ok.zone, "z");
        let e = bind_scale_out(
            br#"{"agentInfo":{"ip":"10.0.0.4","port":80},"obConfigs":{},"zone":"z"}"#,
        )
        .err()
        .unwrap();
        assert_eq!(e.code, codes::INVALID_PORT);
        assert!(bind_scale_out(b"\0").is_err());
        assert!(bind_scale_out(b"").is_err());
    }
}
