//! The obshell response envelope and error values, as the agent writes them.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde::Serialize;
use std::convert::Infallible;
use std::time::Instant;

use crate::clock::Clock;
use obtui_api::obshell::crypto::AuthHeader;
use obtui_api::obshell::models::codes;
use obtui_api::obshell::time::format_rfc3339;

pub use super::consts::OFFSET_SECS;

/// Which header carried the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// `X-OCS-Header`: root@sys password.
    Ob,
    /// `X-OCS-Agent-Header`: agent password.
    Agent,
    /// `X-OCS-Auth` (auth version v1, obshell 4.2.2.0): root@sys password, no uri, body in
    /// plaintext.
    Legacy,
}

/// Per-request context the decrypt layer leaves in the request extensions.
#[derive(Debug, Clone)]
pub struct ReqCtx {
    pub trace_id: String,
    pub started: Instant,
    /// The decrypted auth header, when one came.
    pub header: Option<(HeaderKind, AuthHeader)>,
    /// The raw request target (path and query) as received.
    pub raw_uri: String,
    /// The simulator's clock, for the envelope's `timestamp`.
    pub clock: Clock,
}

impl ReqCtx {
    pub fn new(trace_id: String, raw_uri: String, clock: Clock) -> Self {
        ReqCtx {
            trace_id,
            started: Instant::now(),
            header: None,
            raw_uri,
            clock,
        }
    }

    pub fn ok(&self, data: impl Serialize) -> Response {
        let data = serde_json::to_value(data).unwrap_or(serde_json::Value::Null);
        self.respond(StatusCode::OK, Some(data), None)
    }

    /// 200 without `data` (DAG operations).
    pub fn ok_empty(&self) -> Response {
        self.respond(StatusCode::OK, None, None)
    }

    pub fn fail(&self, e: ObErr) -> Response {
        let mut error = serde_json::Map::new();
        if let Some(c) = e.legacy {
            error.insert("code".into(), c.into());
        }
        error.insert("errCode".into(), e.code.into());
        error.insert("message".into(), e.message.into());
        self.respond(e.status, None, Some(serde_json::Value::Object(error)))
    }

    fn respond(
        &self,
        status: StatusCode,
        data: Option<serde_json::Value>,
        error: Option<serde_json::Value>,
    ) -> Response {
        let mut env = serde_json::Map::new();
        env.insert("successful".into(), status.is_success().into());
        env.insert(
            "timestamp".into(),
            format_rfc3339(self.clock.now_ms(), OFFSET_SECS).into(),
        );
        env.insert(
            "duration".into(),
            (self.started.elapsed().as_millis() as u64).into(),
        );
        env.insert("status".into(), status.as_u16().into());
        env.insert("traceId".into(), self.trace_id.clone().into());
        if let Some(d) = data {
            env.insert("data".into(), d);
        }
        if let Some(e) = error {
            env.insert("error".into(), e);
        }
        let body = serde_json::to_vec(&env).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        resp
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReqCtx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ReqCtx>()
            .cloned()
            .unwrap_or_else(|| {
                let uri = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                // Outside the decrypt layer (which leaves the context with the world's clock).
                ReqCtx::new(random_trace_id(), uri, Clock::default())
            }))
    }
}

/// 16 random hex characters, like obshell's trace ids.
pub fn random_trace_id() -> String {
    let n: u64 = rand::thread_rng().gen();
    format!("{n:016x}")
}

/// An obshell error: HTTP status, errCode, legacy code (where one exists), message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObErr {
    pub status: StatusCode,
    pub code: &'static str,
    pub legacy: Option<i64>,
    pub message: String,
}

impl ObErr {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ObErr {
            status,
            code,
            legacy: None,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ObErr::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        ObErr {
            legacy: Some(codes::LEGACY_UNAUTHORIZED),
            ..ObErr::new(StatusCode::UNAUTHORIZED, code, message)
        }
    }

    pub fn bind_json(detail: impl std::fmt::Display) -> Self {
        ObErr::bad_request(
            codes::BIND_JSON_FAILED,
            format!("Bind JSON failed: {detail}"),
        )
    }

    /// gin's validator text for a missing `binding:"required"` field.
    pub fn required(path: &str) -> Self {
        let field = path.rsplit('.').next().unwrap_or(path);
        ObErr::bind_json(format!(
            "Key: '{path}' Error:Field validation for '{field}' failed on the 'required' tag"
        ))
    }

    pub fn task_not_found() -> Self {
        ObErr::new(
            StatusCode::NOT_FOUND,
            codes::TASK_NOT_FOUND,
            "Task not found: record not found",
        )
    }

    pub fn route_not_found() -> Self {
        ObErr::new(
            StatusCode::NOT_FOUND,
            codes::NOT_FOUND,
            "Element not found: 404 not found",
        )
    }
}
