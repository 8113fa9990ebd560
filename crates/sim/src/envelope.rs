//! The OCP response envelope (ocp-api.md §2): success, page and error bodies.

use std::time::Instant;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::clock::{self, Clock};

/// What the `server` field says: the responding app server.
pub const SERVER_NAME: &str = "obtui-sim";

/// When the current request entered the middleware (feeds `duration`), and the simulator's
/// clock (feeds `timestamp`).
#[derive(Debug, Clone)]
pub struct RequestStart {
    pub at: Instant,
    pub clock: Clock,
}

tokio::task_local! {
    pub static REQUEST_START: RequestStart;
}

fn duration_ms() -> i64 {
    REQUEST_START
        .try_with(|t| i64::try_from(t.at.elapsed().as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Now by the simulator's clock; the wall clock outside a request.
fn now_ms() -> i64 {
    REQUEST_START
        .try_with(|t| t.clock.now_ms())
        .unwrap_or_else(|_| clock::wall_ms())
}

/// A fresh 16-hex-digit trace id, like OCP's.
pub fn trace_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = (status, bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn base(status: StatusCode, successful: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("successful".into(), Value::Bool(successful));
    m.insert("timestamp".into(), Value::String(clock::iso(now_ms())));
    m.insert("duration".into(), json!(duration_ms()));
    m.insert("status".into(), json!(status.as_u16()));
    m.insert("traceId".into(), Value::String(trace_id()));
    m.insert("server".into(), Value::String(SERVER_NAME.into()));
    m
}

/// `{data, successful:true, …}` with HTTP 200.
pub fn ok(data: Value) -> Response {
    let mut m = base(StatusCode::OK, true);
    m.insert("data".into(), data);
    json_response(StatusCode::OK, &Value::Object(m))
}

/// The envelope without `data`, for operations that return nothing (skip, cancel).
pub fn ok_empty() -> Response {
    json_response(StatusCode::OK, &Value::Object(base(StatusCode::OK, true)))
}

/// `data: {contents}` without `page` (zones, servers, OBProxy takeover result).
pub fn contents(items: Vec<Value>) -> Response {
    ok(json!({ "contents": items }))
}

/// One page of a list: `data: {contents, page:{number,size,totalElements,totalPages}}`.
pub fn page(items: Vec<Value>, number: usize, size: usize, total: usize) -> Response {
    let total_pages = if size == 0 { 0 } else { total.div_ceil(size) };
    ok(json!({
        "contents": items,
        "page": {
            "number": number,
            "size": size,
            "totalElements": total,
            "totalPages": total_pages,
        }
    }))
}

/// The error body `{error:{code,message}, successful:false, status, …}`.
pub fn error_body(status: StatusCode, code: i64, message: &str) -> Value {
    let mut m = base(status, false);
    m.insert("error".into(), json!({ "code": code, "message": message }));
    Value::Object(m)
}

/// Error codes, following OCP Express's published ranges (ocp-api.md §2.2).
pub mod code {
    pub const ILLEGAL_ARGUMENT: i64 = 10001;
    pub const NOT_FOUND: i64 = 10002;
    /// `COMMON_UNEXPECTED`: OCP's code for an unexpected error (there is no 10000).
    pub const UNEXPECTED: i64 = 10010;
    pub const TASK_NOT_EXISTS: i64 = 20000;
    pub const TASK_STATE_INVALID: i64 = 20003;
    pub const TASK_PROHIBIT_ROLLBACK: i64 = 20004;
    pub const NOT_AUTHENTICATED: i64 = 30000;
    pub const BAD_CREDENTIALS: i64 = 30004;
    /// "Precheck of the cluster to be taken over failed" (OCP FAQ).
    pub const TAKEOVER_PRECHECK_FAILED: i64 = 11042;
}

/// A failed request, rendered as the error envelope with the matching HTTP status.
#[derive(Debug, Clone)]
pub struct Fail {
    pub status: StatusCode,
    pub code: i64,
    pub message: String,
}

impl Fail {
    pub fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Fail {
            status,
            code,
            message: message.into(),
        }
    }
    /// 400, illegal argument.
    pub fn bad(message: impl Into<String>) -> Self {
        Fail::new(StatusCode::BAD_REQUEST, code::ILLEGAL_ARGUMENT, message)
    }
    /// 404, resource not found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Fail::new(StatusCode::NOT_FOUND, code::NOT_FOUND, message)
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &error_body(self.status, self.code, &self.message),
        )
    }
}

/// Handler result: a ready response or an error envelope.
pub type Reply = Result<Response, Fail>;
