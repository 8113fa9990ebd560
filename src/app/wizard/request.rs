//! The write a wizard asks the app to send, and how it went.
//!
//! A request keeps its JSON body with every secret replaced by a mask, and the secrets apart.
//! The summary step shows the masked body; only [`ApiRequest::wire_body`] puts the secrets in,
//! at the moment the app sends it.

use crate::api::ApiError;
use crate::secret::Secret;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

/// What a masked secret looks like in the summary and in logs.
pub const MASK: &str = "******";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
}

impl HttpMethod {
    pub fn as_str(&self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// One OCP call with a JSON body.
#[derive(Clone)]
pub struct ApiRequest {
    pub method: HttpMethod,
    /// Path below the OCP base URL, e.g. `/api/v2/ob/clusters`.
    pub path: String,
    masked: Value,
    /// JSON pointer (into the body) → secret that goes there.
    secrets: Vec<(String, Secret)>,
}

impl std::fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &self.masked)
            .finish()
    }
}

impl ApiRequest {
    pub fn post(path: impl Into<String>, body: Value) -> ApiRequest {
        ApiRequest {
            method: HttpMethod::Post,
            path: path.into(),
            masked: body,
            secrets: Vec::new(),
        }
    }

    /// Put a secret at a top-level key (or a JSON pointer when `key` starts with `/`).
    pub fn with_secret(mut self, key: &str, secret: &Secret) -> ApiRequest {
        let pointer = if key.starts_with('/') {
            key.to_string()
        } else {
            format!("/{key}")
        };
        if let Some((parent, leaf)) = pointer.rsplit_once('/') {
            let target = if parent.is_empty() {
                Some(&mut self.masked)
            } else {
                self.masked.pointer_mut(parent)
            };
            if let Some(Value::Object(map)) = target {
                map.insert(leaf.to_string(), Value::String(MASK.into()));
                self.secrets.push((pointer, secret.clone()));
            }
        }
        self
    }

    /// The body with secrets masked: for the summary, logs and error reports.
    pub fn masked_body(&self) -> &Value {
        &self.masked
    }

    /// The masked body, pretty-printed.
    pub fn masked_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.masked).unwrap_or_else(|_| "{}".into())
    }

    /// The exact bytes to send, secrets included. Wiped when dropped.
    pub fn wire_body(&self) -> Zeroizing<String> {
        let mut v = self.masked.clone();
        for (p, s) in &self.secrets {
            if let Some(slot) = v.pointer_mut(p) {
                *slot = Value::String(s.expose().to_string());
            }
        }
        let out = Zeroizing::new(serde_json::to_string(&v).unwrap_or_else(|_| "{}".into()));
        for (p, _) in &self.secrets {
            if let Some(Value::String(s)) = v.pointer_mut(p) {
                s.zeroize();
            }
        }
        out
    }

    /// Wipe the secrets this request carries.
    pub fn wipe(&mut self) {
        for (_, s) in &mut self.secrets {
            s.clear();
        }
    }
}

/// Hints for finding the task a timed-out submit may have created
/// (`GET /api/v2/tasks/instances?…` filtered by these, started after `submitted_at`).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLookup {
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    /// A word the task's name contains, e.g. "Create", "Take over", "upgrade".
    pub name_contains: String,
    /// Wall-clock time the request was sent (Unix ms).
    pub submitted_at_ms: i64,
}

/// The write itself.
#[derive(Debug, Clone)]
pub struct SubmitRequest {
    pub kind: super::WizardKind,
    pub request: ApiRequest,
    pub lookup: TaskLookup,
}

/// An API precheck to call (cluster take-over).
#[derive(Debug, Clone)]
pub struct PrecheckRequest {
    pub kind: super::WizardKind,
    pub request: ApiRequest,
}

/// How a submit failed, as the operator needs it for a ticket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubmitError {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub trace_id: Option<String>,
}

impl SubmitError {
    pub fn from_api(e: &ApiError) -> SubmitError {
        match e {
            ApiError::Server {
                status,
                code,
                message,
                trace_id,
                ..
            } => SubmitError {
                status: Some(*status),
                code: code.clone(),
                message: message.clone(),
                trace_id: trace_id.clone().filter(|t| !t.is_empty()),
            },
            other => SubmitError {
                status: other.status(),
                code: None,
                message: other.to_string(),
                trace_id: None,
            },
        }
    }

    /// One line: `HTTP 400 [10001]: message (traceId …)`.
    pub fn line(&self) -> String {
        let mut s = match self.status {
            Some(st) => format!("HTTP {st}"),
            None => "no response".to_string(),
        };
        if let Some(c) = self.code.as_deref().filter(|c| !c.is_empty() && *c != "0") {
            s.push_str(&format!(" [{c}]"));
        }
        s.push_str(": ");
        s.push_str(&self.message);
        if let Some(t) = &self.trace_id {
            s.push_str(&format!(" (traceId {t})"));
        }
        s
    }
}

/// The app's answer to a submit.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitOutcome {
    /// Accepted; the id of the task it created.
    Ok(String),
    /// Refused or failed before reaching the server.
    Err(SubmitError),
    /// Sent, but no answer (timeout, reset): it may have been acted on. The app looks for the
    /// task it may have created and calls `on_submit_unknown_found`.
    Unknown,
}

impl SubmitOutcome {
    /// Map a client result: timeouts and resets after sending are `Unknown`, never `Err`.
    pub fn from_result(r: Result<String, ApiError>) -> SubmitOutcome {
        match r {
            Ok(id) => SubmitOutcome::Ok(id),
            Err(e) if e.outcome_unknown() => SubmitOutcome::Unknown,
            Err(e) => SubmitOutcome::Err(SubmitError::from_api(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_only_on_the_wire() {
        let pw = Secret::new("aaBB11__");
        let r = ApiRequest::post(
            "/api/v2/ob/clusters",
            json!({"name":"terran","hostInfo":{"kind":"X"}}),
        )
        .with_secret("password", &pw)
        .with_secret("/hostInfo/pass", &pw);
        assert_eq!(r.masked_body()["password"], MASK);
        assert_eq!(r.masked_body()["hostInfo"]["pass"], MASK);
        assert!(!r.masked_pretty().contains("aaBB11__"));
        assert!(!format!("{r:?}").contains("aaBB11__"));
        let wire: Value = serde_json::from_str(&r.wire_body()).unwrap();
        assert_eq!(wire["password"], "aaBB11__");
        assert_eq!(wire["hostInfo"]["pass"], "aaBB11__");
        assert_eq!(wire["name"], "terran");
    }

    #[test]
    fn error_line_keeps_status_code_and_trace() {
        let e = ApiError::Server {
            status: 400,
            code: Some("10001".into()),
            message: "bad name".into(),
            trace_id: Some("abc".into()),
            retry_after_secs: None,
        };
        let s = SubmitError::from_api(&e);
        assert_eq!(s.line(), "HTTP 400 [10001]: bad name (traceId abc)");
        let t = ApiError::Transport {
            kind: crate::api::error::TransportKind::Timeout,
            message: "x".into(),
        };
        assert_eq!(SubmitOutcome::from_result(Err(t)), SubmitOutcome::Unknown);
    }
}
