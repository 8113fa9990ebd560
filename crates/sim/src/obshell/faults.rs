//! Fault injection and controls on each agent's own port (see [`super::start_agents`]).
//!
//! The OCP simulator's fault layer works on its own state, so the agent ports carry this
//! small equivalent. It takes the same `POST /sim/faults` JSON (the OCP simulator's
//! [`FaultSpec`]: `latency_ms`, `error_status` + `error_count`, `error_body`,
//! `garbage_count`, `drop_count`, `huge_count` + `huge_mb`, `lose_count` + `lose_status`,
//! `path_prefix`), but **per port**: faults posted to
//! `127.0.0.1:2887` affect only the agent on that port. Injected errors carry obshell's
//! envelope (`Common.Unexpected`, or a bare status with `"error_body": false`), garbage is a
//! 200 with a body that is not JSON, a drop cuts the connection mid-body.
//!
//! | route (on every agent port) | effect |
//! |---|---|
//! | `GET` / `POST` / `DELETE /sim/faults` | show / merge / clear this port's faults |
//! | `POST /sim/fail-subtask {"name": N}` (or `/sim/fail-node`), `DELETE` the same | make scale-out DAG nodes named N, in DAGs started from now on, fail once (whole world); clear the list |
//! | `POST /sim/password {"password": P}` | change the root@sys password every agent accepts |
//! | `GET /sim/state` | this agent (address, identity, zone), its faults, the fail list, the DAGs |
//!
//! ```text
//! curl -X POST 127.0.0.1:2887/sim/faults -d '{"error_status":503,"error_count":2}'
//! curl -X POST 127.0.0.1:2886/sim/fail-subtask -d '{"name":"Wait remote start finish"}'
//! ```
//!
//! The `/sim/` routes need no authentication but answer only loopback peers.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::wire::{random_trace_id, ObErr, ReqCtx};
use super::ObshellSim;
use crate::faults::{
    drop_response, garbage_response, huge_response, is_write, lose_answer, Action, FaultSpec,
    Faults,
};
use obtui_api::obshell::models::{codes, AgentAddr};
use obtui_api::secret::Secret;

/// One port's faults: the OCP simulator's, on this port alone.
pub type PortFaults = Faults;

/// State of an agent port's outer layer and `/sim/` routes.
#[derive(Clone)]
pub struct Control {
    pub sim: ObshellSim,
    pub me: AgentAddr,
    pub faults: Arc<Mutex<PortFaults>>,
}

impl Control {
    pub fn new(sim: ObshellSim, me: AgentAddr) -> Self {
        Control {
            sim,
            me,
            faults: Arc::new(Mutex::new(PortFaults::default())),
        }
    }

    fn faults(&self) -> MutexGuard<'_, PortFaults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn is_control(path: &str) -> bool {
    path == "/sim" || path.starts_with("/sim/")
}

/// In front of everything on an agent port: the loopback check for `/sim/`, then this
/// port's faults.
pub async fn layer(State(c): State<Control>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_control(&path) {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip());
        // No ConnectInfo means an in-process router (tests): that is local too.
        if peer.is_some_and(|ip| !ip.is_loopback()) {
            return control_error(
                StatusCode::FORBIDDEN,
                "simulator controls answer loopback clients only",
            );
        }
        return next.run(req).await;
    }
    let lost = c.faults().take_lost(&path, is_write(req.method()));
    if let Some(lost) = lost {
        let resp = next.run(req).await;
        return lose_answer(resp, lost, b"{\"successful\":true,\"data\":{").await;
    }
    let (latency, action) = c.faults().take(&path);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match action {
        Action::Pass => next.run(req).await,
        Action::Error(status, with_body) => error_response(status, with_body, &req, &c.sim),
        Action::Garbage(truncated) => garbage_response(
            truncated,
            "{\"successful\":true,\"data\":{\"agent_info\":[{\"ip\":\"10.186",
        ),
        Action::Drop => drop_response(b"{\"successful\":true,\"data\":{"),
        Action::Huge(mb) => huge_response(next.run(req).await, mb).await,
    }
}

fn error_response(status: u16, with_body: bool, req: &Request, sim: &ObshellSim) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if !with_body {
        return status.into_response();
    }
    let uri = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let mut resp = ReqCtx::new(random_trace_id(), uri, sim.clock().clone()).fail(ObErr::new(
        status,
        codes::UNEXPECTED,
        "Unexpected error: injected by the obtui simulator",
    ));
    if status == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    resp
}

fn control_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Parse a control body; any problem is a 400 with a JSON reason.
fn control_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(control_error(
            StatusCode::BAD_REQUEST,
            &format!("bad JSON body: {e}"),
        ))
    })
}

/// `/sim/...` on an agent port.
pub fn control_routes(c: Control) -> Router {
    Router::new()
        .route(
            "/sim/faults",
            get(get_faults).post(post_faults).delete(delete_faults),
        )
        .route(
            "/sim/fail-subtask",
            post(post_fail_node).delete(delete_fail_nodes),
        )
        .route(
            "/sim/fail-node",
            post(post_fail_node).delete(delete_fail_nodes),
        )
        .route("/sim/password", post(post_password))
        .route("/sim/state", get(get_state))
        .with_state(c)
}

async fn get_faults(State(c): State<Control>) -> Response {
    let f = c.faults().clone();
    Json(json!({ "faults": f })).into_response()
}

async fn post_faults(State(c): State<Control>, body: Bytes) -> Response {
    let spec: FaultSpec = match control_body(&body) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let mut g = c.faults();
    match g.apply(spec) {
        Ok(()) => Json(json!({ "faults": *g })).into_response(),
        Err(_) => control_error(StatusCode::BAD_REQUEST, "error_status must be 400..=599"),
    }
}

async fn delete_faults(State(c): State<Control>) -> Response {
    *c.faults() = PortFaults::default();
    Json(json!({ "faults": Faults::default() })).into_response()
}

#[derive(Deserialize)]
struct NameBody {
    name: String,
}

async fn post_fail_node(State(c): State<Control>, body: Bytes) -> Response {
    let b: NameBody = match control_body(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    if b.name.trim().is_empty() {
        return control_error(StatusCode::BAD_REQUEST, "name must not be empty");
    }
    c.sim.fail_node(&b.name);
    Json(json!({ "failSubtasks": c.sim.fail_nodes() })).into_response()
}

async fn delete_fail_nodes(State(c): State<Control>) -> Response {
    c.sim.clear_fail_nodes();
    Json(json!({ "failSubtasks": [] })).into_response()
}

#[derive(Deserialize)]
struct PasswordBody {
    password: String,
}

async fn post_password(State(c): State<Control>, body: Bytes) -> Response {
    let b: PasswordBody = match control_body(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    if b.password.is_empty() {
        return control_error(StatusCode::BAD_REQUEST, "password must not be empty");
    }
    c.sim.set_password(Secret::new(b.password));
    Json(json!({ "changed": true })).into_response()
}

async fn get_state(State(c): State<Control>) -> Response {
    let faults = c.faults().clone();
    let st = c.sim.state();
    let me = st.view(&c.me);
    let dags: Vec<_> = st
        .dags
        .iter()
        .map(|d| {
            json!({
                "id": d.generic_id(),
                "name": d.name,
                "state": d.state.as_str(),
                "operator": d.operator.as_str(),
                "stage": d.stage,
                "maxStage": d.max_stage(),
                "target": d.job.target.to_string(),
            })
        })
        .collect();
    let body = json!({
        "agent": c.me.to_string(),
        "identity": me.as_ref().map(|v| v.identity.as_str().to_string()),
        "zone": me.as_ref().map(|v| v.zone.clone()).filter(|z| !z.is_empty()),
        "clusterAgents": st.cluster.agents.iter().map(|a| a.addr()).collect::<Vec<_>>(),
        "failSubtasks": st.fail_nodes,
        "dags": dags,
        "faults": faults,
    });
    drop(st);
    Json(body).into_response()
}
