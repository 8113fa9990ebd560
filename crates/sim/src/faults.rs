//! Fault injection and the `/sim/` control endpoints.
//!
//! Everything here is meant for demos and tests of how a client copes with a misbehaving OCP.
//!
//! **Failing subtasks.** A subtask whose name is in the fail list fails on its *first* run
//! (status `FAILED`, the task ends `FAILED`, error lines in its log); a retry then succeeds.
//! The same list reaches the obshell simulator: its DAG nodes of that name (e.g. "Wait remote
//! start finish") fail once too.
//! Set the list at start (`SimOptions::fail_subtasks`, CLI `--fail-subtask NAME`, repeatable)
//! or at run time:
//!
//! ```text
//! curl -X POST localhost:PORT/sim/fail-subtask -d '{"name":"Run io calibration"}'
//! curl -X DELETE localhost:PORT/sim/fail-subtask          # clear the list
//! ```
//!
//! **A big running task** (`POST /sim/tasks`, JSON `{"subtasks": N}`, 3 ≤ N ≤ 100,000): a
//! RUNNING "Rolling upgrade OB cluster" of exactly N subtasks in the documented task shape (a
//! chain of batches, each fanning out to 64 servers twice); it advances at the simulator's
//! speed (a batch takes about a minute at speed 1) and changes no inventory. Answers
//! `{"id": TASK_ID, "subtasks": N}`.
//!
//! **Request counts** (`GET /sim/state` → `requests`): `total` API requests answered, and per
//! path (numeric segments read `{id}`) `requests` and `firstPages` (requests without a `page`
//! or with `page=1`: how many times a paged list was walked from its start).
//!
//! **HTTP faults** (`POST /sim/faults`, JSON; every field optional, given fields replace the
//! current ones; `DELETE /sim/faults` clears all; `GET /sim/faults` shows them):
//!
//! | field | effect |
//! |---|---|
//! | `latency_ms` | every matching request waits this long before it is answered (until cleared) |
//! | `error_status`, `error_count` | the next `error_count` matching requests get HTTP `error_status` (default 500) |
//! | `error_body` | with `true` (default) those errors carry the OCP error envelope; `false` sends an empty body |
//! | `garbage_count` | the next N matching requests get a 200 with a body that is not JSON (alternately truncated JSON and an HTML proxy page) |
//! | `drop_count` | the next N matching requests get a 200 whose body stream breaks after a few bytes (the connection is closed mid-body) |
//! | `huge_count`, `huge_mb` | the next N matching requests get their real answer padded to `huge_mb` MB (default 50, at most 512): a valid JSON object whose first member is one huge string, streamed without a length |
//! | `lose_count`, `lose_status` | the next N matching **writes** (any method but GET/HEAD) are acted on — the real handler runs and changes the state — and then the answer is lost: with `lose_status` 0 (default) the connection is cut mid-body; with a status (e.g. 502, 504, 500) that status is sent with an empty body, as a gateway in front would. The case a client must call "outcome unknown" |
//! | `path_prefix` | only requests whose path starts with this are affected (default: every path outside `/sim/`) |
//!
//! | `alarm` | raises an OCP alarm now (nothing to do with HTTP): `{"level": 1..=5 (default 2), "cluster": NAME, "tenant": NAME (with cluster), "host": IP, "summary", "description", "alarm_type"}`, every field optional; the scope follows from what is named (tenant, cluster, host, else OCP itself). `{"alarm": {"resolve": ID}}` resolves alarm ID. The answer carries the alarm's JSON as `alarm`. See [`crate::alarms`] |
//!
//! One fault is applied per request, checked in the order lose (writes only), error, garbage,
//! drop, huge; latency applies on top. Examples:
//!
//! ```text
//! curl -X POST localhost:PORT/sim/faults -d '{"latency_ms":5000}'
//! curl -X POST localhost:PORT/sim/faults -d '{"error_status":500,"error_count":3,"error_body":false}'
//! curl -X POST localhost:PORT/sim/faults -d '{"error_status":429,"error_count":1}'
//! curl -X POST localhost:PORT/sim/faults -d '{"garbage_count":2,"path_prefix":"/api/v2/compute"}'
//! curl -X POST localhost:PORT/sim/faults -d '{"drop_count":1}'
//! curl -X POST localhost:PORT/sim/faults -d '{"huge_count":1,"huge_mb":100}'
//! curl -X POST localhost:PORT/sim/faults -d '{"lose_count":1,"path_prefix":"/api/v2/ob/clusters"}'
//! curl -X POST localhost:PORT/sim/faults -d '{"lose_count":1,"lose_status":502}'
//! curl -X POST localhost:PORT/sim/faults -d '{"alarm":{"level":1,"cluster":"terran","summary":"observer down"}}'
//! curl -X POST localhost:PORT/sim/faults -d '{"alarm":{"resolve":1000200}}'
//! curl -X DELETE localhost:PORT/sim/faults
//! ```
//!
//! **Password change.** `POST /sim/password {"password":"new"}` changes the password the
//! OCP API (and the obshell agent) accepts, to show what a client does when its stored
//! password goes stale.
//!
//! **State.** `GET /sim/state` summarises inventory counts, tasks by status, active faults
//! and the fail list.
//!
//! The `/sim/` endpoints need no authentication but answer only loopback peers.
//!
//! **Rate-limit headers.** Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset` (a 60 s window of 6,000 requests). They are informational: the
//! simulator never throttles by itself; inject `error_status: 429` to test throttling.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::envelope::{self, Fail, RequestStart, REQUEST_START};
use super::params::json_body;
use super::SimState;
use obtui_api::secret::Secret;

/// Requests per rate-limit window advertised in the headers.
pub const RATE_LIMIT: u32 = 6000;
const RATE_WINDOW: Duration = Duration::from_secs(60);
/// The longest latency a fault may ask for (keeps a typo from hanging a client for hours).
const MAX_LATENCY_MS: u64 = 120_000;
/// Padding of a huge body when the spec names no size.
const DEFAULT_HUGE_MB: u32 = 50;
/// The largest padding a fault may ask for.
const MAX_HUGE_MB: u32 = 512;

/// The active HTTP faults.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Faults {
    pub latency_ms: u64,
    pub error_status: u16,
    pub error_count: u32,
    pub error_body: bool,
    pub garbage_count: u32,
    pub drop_count: u32,
    pub huge_count: u32,
    pub huge_mb: u32,
    pub lose_count: u32,
    pub lose_status: u16,
    pub path_prefix: Option<String>,
    /// How many garbage bodies were served (alternates their kind).
    #[serde(skip)]
    garbage_served: u32,
}

/// `POST /sim/faults` body; absent fields keep their current value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub latency_ms: Option<u64>,
    pub error_status: Option<u16>,
    pub error_count: Option<u32>,
    pub error_body: Option<bool>,
    pub garbage_count: Option<u32>,
    pub drop_count: Option<u32>,
    pub huge_count: Option<u32>,
    pub huge_mb: Option<u32>,
    pub lose_count: Option<u32>,
    pub lose_status: Option<u16>,
    pub path_prefix: Option<String>,
    /// Raise (or resolve) an alarm instead: see [`crate::alarms`].
    pub alarm: Option<crate::alarms::AlarmSpec>,
}

impl Faults {
    /// Merge a spec into the active faults.
    pub fn apply(&mut self, s: FaultSpec) -> Result<(), Fail> {
        if let Some(st) = s.error_status {
            if !(400..=599).contains(&st) {
                return Err(Fail::bad("error_status must be 400..=599"));
            }
        }
        if let Some(st) = s.lose_status {
            if st != 0 && !(400..=599).contains(&st) {
                return Err(Fail::bad("lose_status must be 0 or 400..=599"));
            }
        }
        if let Some(v) = s.lose_count {
            self.lose_count = v;
        }
        if let Some(v) = s.lose_status {
            self.lose_status = v;
        }
        if let Some(v) = s.latency_ms {
            self.latency_ms = v.min(MAX_LATENCY_MS);
        }
        if let Some(v) = s.error_status {
            self.error_status = v;
        }
        if let Some(v) = s.error_count {
            self.error_count = v;
            if self.error_status == 0 {
                self.error_status = 500;
            }
        }
        self.error_body = s
            .error_body
            .unwrap_or(self.error_body || s.error_count.is_some());
        if let Some(v) = s.garbage_count {
            self.garbage_count = v;
        }
        if let Some(v) = s.drop_count {
            self.drop_count = v;
        }
        if let Some(v) = s.huge_count {
            self.huge_count = v;
        }
        if let Some(v) = s.huge_mb {
            self.huge_mb = v.min(MAX_HUGE_MB);
        }
        if let Some(p) = s.path_prefix {
            self.path_prefix = if p.is_empty() { None } else { Some(p) };
        }
        Ok(())
    }

    fn matches(&self, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
    }

    /// For a write (`is_write`): whether its answer is to be lost after the handler has acted,
    /// and how (`Lost::Cut`, or an empty answer of a status). Counts one request.
    pub(crate) fn take_lost(&mut self, path: &str, is_write: bool) -> Option<Lost> {
        if !is_write || self.lose_count == 0 || !self.matches(path) {
            return None;
        }
        self.lose_count -= 1;
        Some(match self.lose_status {
            0 => Lost::Cut,
            s => Lost::Empty(s),
        })
    }

    /// Take the fault for one request: its latency and at most one failure.
    pub(crate) fn take(&mut self, path: &str) -> (u64, Action) {
        if !self.matches(path) {
            return (0, Action::Pass);
        }
        let action = if self.error_count > 0 {
            self.error_count -= 1;
            Action::Error(self.error_status.max(400), self.error_body)
        } else if self.garbage_count > 0 {
            self.garbage_count -= 1;
            self.garbage_served += 1;
            Action::Garbage(self.garbage_served % 2 == 1)
        } else if self.drop_count > 0 {
            self.drop_count -= 1;
            Action::Drop
        } else if self.huge_count > 0 {
            self.huge_count -= 1;
            Action::Huge(if self.huge_mb == 0 {
                DEFAULT_HUGE_MB
            } else {
                self.huge_mb
            })
        } else {
            Action::Pass
        };
        (self.latency_ms, action)
    }
}

/// What one request gets (shared with the obshell agents' ports).
pub(crate) enum Action {
    Pass,
    /// Status, with an envelope?
    Error(u16, bool),
    /// Truncated JSON (true) or an HTML page (false).
    Garbage(bool),
    Drop,
    /// The real answer padded to this many MB.
    Huge(u32),
}

/// How the answer of a write that was acted on is lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Lost {
    /// The connection is cut mid-body.
    Cut,
    /// This status with an empty body (a gateway's 502/504, an empty 500).
    Empty(u16),
}

/// Whether a request may change state: any method but GET and HEAD.
pub(crate) fn is_write(method: &axum::http::Method) -> bool {
    !matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD)
}

/// Run the real handler (it acts), drop its answer, and send `lost` instead.
pub(crate) async fn lose_answer(resp: Response, lost: Lost, cut_start: &'static [u8]) -> Response {
    // Drain the real answer so the handler's work is complete, then forget it.
    let _ = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024).await;
    match lost {
        Lost::Cut => drop_response(cut_start),
        Lost::Empty(s) => StatusCode::from_u16(s)
            .unwrap_or(StatusCode::BAD_GATEWAY)
            .into_response(),
    }
}

/// A fixed rate-limit window, only to fill the headers.
#[derive(Debug)]
pub struct RateWindow {
    start: Instant,
    used: u32,
    /// API requests answered since start (served in `/sim/state` for request-rate checks).
    total: u64,
    /// Per path (numeric segments as `{id}`): requests, and those that start a list walk.
    paths: std::collections::BTreeMap<String, PathCount>,
}

/// Requests to one path.
#[derive(Debug, Default, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathCount {
    pub requests: u64,
    /// Without `page`, or with `page=1` (or 0): a paged list walked from its start.
    pub first_pages: u64,
}

/// `/api/v2/tasks/instances/13089004` → `/api/v2/tasks/instances/{id}`: few keys, whatever the
/// ids (a request for a path that does not exist still counts once under its own shape).
fn path_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str("{id}");
        } else {
            out.push_str(seg);
        }
    }
    out
}

fn is_first_page(query: Option<&str>) -> bool {
    let Some(q) = query else { return true };
    match q.split('&').find_map(|kv| kv.strip_prefix("page=")) {
        None => true,
        Some(v) => v.parse::<u64>().is_ok_and(|p| p <= 1),
    }
}

impl Default for RateWindow {
    fn default() -> Self {
        RateWindow {
            start: Instant::now(),
            used: 0,
            total: 0,
            paths: Default::default(),
        }
    }
}

impl RateWindow {
    /// Count one request to `path` by its shape.
    fn count_path(&mut self, path: &str, query: Option<&str>) {
        // Bounded: a client probing random paths cannot grow the map without end.
        const MAX_KEYS: usize = 512;
        let key = path_key(path);
        if !self.paths.contains_key(&key) && self.paths.len() >= MAX_KEYS {
            return;
        }
        let c = self.paths.entry(key).or_default();
        c.requests = c.requests.saturating_add(1);
        if is_first_page(query) {
            c.first_pages = c.first_pages.saturating_add(1);
        }
    }

    /// Count one request; returns (remaining, seconds to reset).
    fn hit(&mut self) -> (u32, u64) {
        if self.start.elapsed() >= RATE_WINDOW {
            self.start = Instant::now();
            self.used = 0;
        }
        self.used = self.used.saturating_add(1);
        self.total = self.total.saturating_add(1);
        let reset = RATE_WINDOW.saturating_sub(self.start.elapsed()).as_secs() + 1;
        (RATE_LIMIT.saturating_sub(self.used), reset)
    }
}

fn is_control(path: &str) -> bool {
    path == "/sim" || path.starts_with("/sim/")
}

/// The one middleware in front of everything: loopback check for `/sim/`, injected faults,
/// rate-limit headers, and the request start time for the envelope's `duration`.
pub async fn layer(State(state): State<SimState>, req: Request, next: Next) -> Response {
    let start = RequestStart {
        at: Instant::now(),
        clock: state.clock().clone(),
    };
    // With a manual clock nothing else moves tasks between steps (the ticker may not have
    // run since `Clock::advance`): bring them up to the clock's now, so that what a request
    // sees follows from the steps taken alone.
    if start.clock.is_manual() {
        state.tick();
    }
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    if is_control(&path) {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        // No ConnectInfo means an in-process router (tests): that is local too.
        if peer.is_some_and(|ip| !ip.is_loopback()) {
            return Fail::new(
                StatusCode::FORBIDDEN,
                super::envelope::code::ILLEGAL_ARGUMENT,
                "simulator controls answer loopback clients only",
            )
            .into_response();
        }
        return REQUEST_START.scope(start, next.run(req)).await;
    }
    let lost = state.faults().take_lost(&path, is_write(req.method()));
    if let Some(lost) = lost {
        let resp = REQUEST_START.scope(start, next.run(req)).await;
        return lose_answer(resp, lost, b"{\"data\":{\"id\":").await;
    }
    let (latency, action) = state.faults().take(&path);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let mut resp = match action {
        Action::Pass => REQUEST_START.scope(start, next.run(req)).await,
        Action::Error(status, with_body) => error_response(status, with_body),
        Action::Garbage(truncated) => garbage_response(
            truncated,
            "{\"data\":{\"contents\":[{\"id\":1000001,\"name\":\"terr",
        ),
        Action::Drop => drop_response(b"{\"data\":{\"contents\":[{\"id\":"),
        Action::Huge(mb) => {
            huge_response(REQUEST_START.scope(start, next.run(req)).await, mb).await
        }
    };
    let (remaining, reset) = {
        let mut rate = state.rate();
        rate.count_path(&path, query.as_deref());
        rate.hit()
    };
    let h = resp.headers_mut();
    h.insert("RateLimit-Limit", HeaderValue::from(RATE_LIMIT));
    h.insert("RateLimit-Remaining", HeaderValue::from(remaining));
    h.insert("RateLimit-Reset", HeaderValue::from(reset));
    resp
}

fn error_response(status: u16, with_body: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if !with_body {
        return status.into_response();
    }
    let (code, message) = if status == StatusCode::TOO_MANY_REQUESTS {
        (0, "Excessive number of requests. You have exceeded the request limit for the current throttling window.")
    } else {
        (
            super::envelope::code::UNEXPECTED,
            "Internal error (injected by the obtui simulator)",
        )
    };
    let body = envelope::error_body(status, code, message);
    let mut resp = (status, Json(body)).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    resp
}

/// A 200 that is not JSON: `truncated_json` (the start of a real answer), or an HTML page
/// from a proxy in front.
pub(crate) fn garbage_response(truncated: bool, truncated_json: &'static str) -> Response {
    let (ctype, body) = if truncated {
        ("application/json", truncated_json)
    } else {
        (
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        )
    };
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    resp
}

/// A 200 whose body breaks after `start`: the connection is cut mid-body.
pub(crate) fn drop_response(start: &'static [u8]) -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(start)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection dropped by fault injection",
        )),
    ];
    let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// The real answer `resp` with a first member `"padding"` of `mb` MB added, streamed in
/// 64 KB chunks with no `Content-Length` (so a client cannot refuse it by the header alone).
/// An answer that is not a JSON object is sent after the padding as it is (the body is then
/// not JSON, which is also worth surviving).
pub(crate) async fn huge_response(resp: Response, mb: u32) -> Response {
    const CHUNK: usize = 64 * 1024;
    let (mut parts, body) = resp.into_parts();
    let real = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let rest = match real.first() {
        Some(b'{') if real.len() > 2 => {
            let mut r = b"\",".to_vec();
            r.extend_from_slice(&real[1..]);
            r
        }
        _ => {
            let mut r = b"\"}".to_vec();
            r.extend_from_slice(&real);
            r
        }
    };
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let total = mb as usize * 1024 * 1024;
    let chunks = total / CHUNK;
    let head = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(Bytes::from_static(b"{\"padding\":\""))
    });
    let pad = futures_util::stream::iter((0..chunks).map(move |_| Ok(filler.clone())));
    let tail = futures_util::stream::once(async move { Ok(Bytes::from(rest)) });
    use futures_util::StreamExt;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from_stream(head.chain(pad).chain(tail)))
}

/// `/sim/...`: faults, fail list, password, state. No auth, loopback only (checked in
/// [`layer`]).
pub fn control_routes() -> Router<SimState> {
    Router::new()
        .route(
            "/sim/faults",
            get(get_faults).post(post_faults).delete(delete_faults),
        )
        .route(
            "/sim/fail-subtask",
            post(post_fail_subtask).delete(delete_fail_subtask),
        )
        .route("/sim/password", post(post_password))
        .route("/sim/tasks", post(post_big_task))
        .route("/sim/state", get(get_state))
}

async fn get_faults(State(st): State<SimState>) -> Response {
    let f = st.faults().clone();
    Json(json!({ "faults": f })).into_response()
}

async fn post_faults(State(st): State<SimState>, body: Result<Bytes, BytesRejection>) -> Response {
    let spec: FaultSpec = match json_body(body) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let mut spec = spec;
    let alarm = match spec.alarm.take() {
        Some(a) => {
            let now = st.now_ms();
            match super::alarms::apply_spec(&mut st.db(), a, now) {
                Ok(v) => Some(v),
                Err(e) => return e.into_response(),
            }
        }
        None => None,
    };
    let mut f = st.faults();
    match f.apply(spec) {
        Ok(()) => match alarm {
            Some(a) => Json(json!({ "faults": *f, "alarm": a })).into_response(),
            None => Json(json!({ "faults": *f })).into_response(),
        },
        Err(e) => e.into_response(),
    }
}

async fn delete_faults(State(st): State<SimState>) -> Response {
    *st.faults() = Faults::default();
    Json(json!({ "faults": Faults::default() })).into_response()
}

#[derive(Deserialize)]
struct NameBody {
    name: String,
}

async fn post_fail_subtask(
    State(st): State<SimState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let b: NameBody = match json_body(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if b.name.trim().is_empty() {
        return Fail::bad("name must not be empty").into_response();
    }
    st.add_fail_name(&b.name);
    let names = st.db().fail_names.clone();
    Json(json!({ "failSubtasks": names })).into_response()
}

async fn delete_fail_subtask(State(st): State<SimState>) -> Response {
    st.clear_fail_names();
    Json(json!({ "failSubtasks": [] })).into_response()
}

#[derive(Deserialize)]
struct PasswordBody {
    password: String,
}

async fn post_password(
    State(st): State<SimState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let b: PasswordBody = match json_body(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if b.password.is_empty() {
        return Fail::bad("password must not be empty").into_response();
    }
    st.set_password(Secret::new(b.password));
    Json(json!({ "changed": true })).into_response()
}

#[derive(Deserialize)]
struct BigTaskBody {
    subtasks: u64,
}

async fn post_big_task(
    State(st): State<SimState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let b: BigTaskBody = match json_body(body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let max = super::engine::MAX_BIG_TASK as u64;
    if !(3..=max).contains(&b.subtasks) {
        return Fail::bad(format!(
            "subtasks must be between 3 and {max}, not {}",
            b.subtasks
        ))
        .into_response();
    }
    let n = b.subtasks as usize;
    let now = st.now_ms();
    let id = super::engine::big_task(&mut st.db(), n, now);
    Json(json!({ "id": id, "subtasks": n })).into_response()
}

async fn get_state(State(st): State<SimState>) -> Response {
    let faults = st.faults().clone();
    let (requests, paths) = {
        let r = st.rate();
        (r.total, r.paths.clone())
    };
    let db = st.db();
    let mut by_status = std::collections::BTreeMap::<String, usize>::new();
    for t in db.tasks.iter() {
        *by_status.entry(t.status.clone()).or_default() += 1;
    }
    let running: Vec<_> = db
        .tasks
        .iter()
        .filter(|t| t.status == "RUNNING")
        .map(|t| json!({ "id": t.id, "name": t.name }))
        .collect();
    Json(json!({
        "seed": st.seed(),
        "scale": st.scale(),
        "speed": db.speed,
        "clusters": db.inv.clusters.len(),
        "hosts": db.inv.hosts.len(),
        "freeHosts": db.inv.hosts.iter().filter(|h| h.is_free()).count(),
        "obproxyClusters": db.inv.proxies.len(),
        "tenants": db.inv.tenants().count(),
        "tasks": by_status,
        "runningTasks": running,
        "failSubtasks": db.fail_names,
        "faults": faults,
        "requests": { "total": requests, "paths": paths },
        "takeover": {
            "address": super::inventory::TAKEOVER_ADDRESS,
            "port": super::inventory::TAKEOVER_PORT,
            "rootSysPassword": super::inventory::TAKEOVER_PASSWORD,
            "unmanaged": db.inv.unmanaged.iter().map(|u| json!({
                "name": u.name,
                "type": u.kind,
                "version": u.version,
                "address": u.servers.first().map(|(_, ip)| ip.clone()).unwrap_or_default(),
                "managed": db.inv.clusters.iter().any(|c| c.name == u.name && c.ob_cluster_id == u.ob_cluster_id),
            })).collect::<Vec<_>>(),
        },
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_decrement_and_prefix_filters() {
        let mut f = Faults::default();
        f.apply(FaultSpec {
            error_count: Some(1),
            garbage_count: Some(1),
            path_prefix: Some("/api/v2/compute".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(f.take("/api/v2/ob/clusters").1, Action::Pass));
        assert!(matches!(
            f.take("/api/v2/compute/hosts").1,
            Action::Error(500, true)
        ));
        assert!(matches!(
            f.take("/api/v2/compute/hosts").1,
            Action::Garbage(_)
        ));
        assert!(matches!(f.take("/api/v2/compute/hosts").1, Action::Pass));
    }

    #[test]
    fn faults_are_taken_in_order_and_filtered_by_prefix_on_an_agent_path() {
        let mut p = Faults::default();
        p.apply(FaultSpec {
            error_count: Some(1),
            garbage_count: Some(1),
            drop_count: Some(1),
            path_prefix: Some("/api/v1/ob".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(p.take("/api/v1/info").1, Action::Pass));
        assert!(matches!(
            p.take("/api/v1/ob/info").1,
            Action::Error(500, true)
        ));
        assert!(matches!(p.take("/api/v1/ob/info").1, Action::Garbage(true)));
        assert!(matches!(p.take("/api/v1/ob/info").1, Action::Drop));
        assert!(matches!(p.take("/api/v1/ob/info").1, Action::Pass));
        p.apply(FaultSpec {
            huge_count: Some(1),
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(p.take("/api/v1/ob/info").1, Action::Huge(50)));
        assert!(matches!(p.take("/api/v1/ob/info").1, Action::Pass));
    }

    #[test]
    fn lost_answers_count_writes_only() {
        let mut f = Faults::default();
        f.apply(FaultSpec {
            lose_count: Some(2),
            path_prefix: Some("/api/v2/ob/clusters".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(f.take_lost("/api/v2/ob/clusters", false), None);
        assert_eq!(f.take_lost("/api/v2/tasks", true), None);
        assert_eq!(f.take_lost("/api/v2/ob/clusters", true), Some(Lost::Cut));
        f.apply(FaultSpec {
            lose_status: Some(502),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            f.take_lost("/api/v2/ob/clusters", true),
            Some(Lost::Empty(502))
        );
        assert_eq!(f.take_lost("/api/v2/ob/clusters", true), None);
        assert!(f
            .apply(FaultSpec {
                lose_status: Some(200),
                ..Default::default()
            })
            .is_err());
    }

    #[test]
    fn rejects_bad_status() {
        let mut f = Faults::default();
        assert!(f
            .apply(FaultSpec {
                error_status: Some(200),
                ..Default::default()
            })
            .is_err());
    }
}
