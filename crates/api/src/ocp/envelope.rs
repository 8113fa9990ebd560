//! The OCP response envelope: `{data, successful, timestamp, duration, status, traceId, server}`
//! on success, `{error:{code, message, debugMessage?, subErrors?}, …}` on failure.
//!
//! Decoding never panics: a body that is not the documented JSON (HTML from a proxy, truncated
//! JSON, an empty body) becomes [`ApiError::Decode`] naming the status and the body's first bytes.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{snippet, Cause};
use crate::ocp::models::TaskInstance;
use crate::ApiError;

/// What the transport hands to the decoder: the HTTP status, the body, and the headers the
/// decoder cares about.
#[derive(Debug, Clone, Default)]
pub struct RawResponse {
    pub status: u16,
    /// `RateLimit-Reset` (or `Retry-After`) in seconds, when sent.
    pub retry_after_secs: Option<u64>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        RawResponse {
            status,
            retry_after_secs: None,
            body: body.into(),
        }
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The metadata of a success envelope, for status lines and tickets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnvelopeMeta {
    pub trace_id: Option<String>,
    pub server: Option<String>,
    pub timestamp: Option<String>,
    pub duration_ms: Option<i64>,
}

fn decode_error(resp: &RawResponse, detail: impl Into<String>) -> ApiError {
    ApiError::Decode {
        status: resp.status,
        detail: detail.into(),
        snippet: snippet(&resp.body),
        cause: None,
    }
}

/// [`decode_error`] keeping the parser's error as the cause.
fn decode_error_from(resp: &RawResponse, what: &str, e: serde_json::Error) -> ApiError {
    ApiError::Decode {
        status: resp.status,
        detail: format!("{what}: {e}"),
        snippet: snippet(&resp.body),
        cause: Some(Cause::new(e)),
    }
}

fn string_field(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parse the body as a JSON object, or explain why it is not one.
fn parse_object(resp: &RawResponse) -> Result<Map<String, Value>, ApiError> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error(resp, "empty body"));
    }
    match serde_json::from_slice::<Value>(&resp.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(decode_error(
            resp,
            format!("expected a JSON object, got {}", json_kind(&other)),
        )),
        Err(e) if e.is_eof() => Err(decode_error_from(resp, "truncated JSON", e)),
        Err(e) => Err(decode_error_from(resp, "not JSON", e)),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Build the error for a failed envelope (`error` present, `successful:false` or a non-2xx
/// status). Accepts OCP's `{error:{code,message,…}}` and Spring's default
/// `{status, error:"Unauthorized", message, path}`.
fn server_error(resp: &RawResponse, obj: &Map<String, Value>) -> ApiError {
    let mut code = None;
    let mut message = String::new();
    match obj.get("error") {
        Some(Value::Object(err)) => {
            code = match err.get("code") {
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                _ => None,
            };
            message = string_field(err, "message").unwrap_or_default();
            let subs: Vec<String> = match err.get("subErrors") {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|s| match s {
                        Value::Object(o) => {
                            let m = string_field(o, "message")?;
                            Some(match string_field(o, "field") {
                                Some(f) => format!("{f}: {m}"),
                                None => m,
                            })
                        }
                        Value::String(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if !subs.is_empty() {
                let joined = subs.join("; ");
                message = if message.is_empty() {
                    joined
                } else {
                    format!("{message} ({joined})")
                };
            }
            if message.is_empty() {
                message = string_field(err, "debugMessage").unwrap_or_default();
            }
        }
        Some(Value::String(s)) => {
            // Spring Boot's default error body.
            message = string_field(obj, "message")
                .filter(|m| !m.is_empty() && m != "No message available")
                .map(|m| format!("{s}: {m}"))
                .unwrap_or_else(|| s.clone());
        }
        _ => {}
    }
    if message.is_empty() {
        message = string_field(obj, "message").unwrap_or_else(|| default_message(resp.status));
    }
    // A 200 that says `successful:false` carries the real status inside.
    let status = match obj.get("status").and_then(Value::as_u64) {
        Some(s) if resp.is_success() && (400..600).contains(&s) => s as u16,
        _ => resp.status,
    };
    ApiError::Server {
        status,
        code,
        message,
        trace_id: string_field(obj, "traceId"),
        retry_after_secs: resp.retry_after_secs,
        // OCP's own failure envelope: an `error` object, or `successful:false`. Spring's
        // default page (`error` a string) and other shapes come from in front of the API.
        envelope: matches!(obj.get("error"), Some(Value::Object(_)))
            || obj.get("successful") == Some(&Value::Bool(false)),
    }
}

fn default_message(status: u16) -> String {
    match status {
        200..=299 => "request failed (successful=false)".to_string(),
        401 => "unauthorized (wrong user or password?)".to_string(),
        403 => "forbidden".to_string(),
        404 => "not found".to_string(),
        429 => "too many requests".to_string(),
        _ => format!("request failed with HTTP {status}"),
    }
}

/// True when the parsed object is a failure envelope.
fn is_failure(resp: &RawResponse, obj: &Map<String, Value>) -> bool {
    !resp.is_success()
        || obj.get("successful") == Some(&Value::Bool(false))
        || matches!(obj.get("error"), Some(e) if !e.is_null())
}

fn meta(obj: &Map<String, Value>) -> EnvelopeMeta {
    EnvelopeMeta {
        trace_id: string_field(obj, "traceId"),
        server: string_field(obj, "server"),
        timestamp: string_field(obj, "timestamp"),
        duration_ms: obj.get("duration").and_then(Value::as_i64),
    }
}

/// Decode an enveloped response into its `data` (missing and `null` are both `None`).
pub fn decode_envelope<T: DeserializeOwned>(resp: &RawResponse) -> Result<Option<T>, ApiError> {
    decode_envelope_with_meta(resp).map(|(d, _)| d)
}

/// [`decode_envelope`], also returning the envelope's traceId, server and timing.
pub fn decode_envelope_with_meta<T: DeserializeOwned>(
    resp: &RawResponse,
) -> Result<(Option<T>, EnvelopeMeta), ApiError> {
    let _work = crate::work::timed();
    if let Some(done) = decode_success_typed(resp) {
        return Ok(done);
    }
    let mut obj = parse_object(resp)?;
    if is_failure(resp, &obj) {
        return Err(server_error(resp, &obj));
    }
    let m = meta(&obj);
    match obj.remove("data") {
        None | Some(Value::Null) => Ok((None, m)),
        Some(data) => match serde_json::from_value::<T>(data) {
            Ok(d) => Ok((Some(d), m)),
            Err(e) => Err(decode_error_from(resp, "unexpected data shape", e)),
        },
    }
}

/// A success envelope decoded in one pass from the bytes straight into `T`: no
/// `serde_json::Value` tree of the whole body (which costs several times the body in memory and
/// a second walk to convert). Unknown fields are skipped without being built.
#[derive(serde::Deserialize)]
#[serde(bound(deserialize = "T: serde::Deserialize<'de>"))]
struct TypedEnvelope<T> {
    #[serde(default)]
    data: Option<T>,
    #[serde(default)]
    successful: Option<Value>,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "traceId")]
    trace_id: Option<Value>,
    #[serde(default)]
    server: Option<Value>,
    #[serde(default)]
    timestamp: Option<Value>,
    #[serde(default)]
    duration: Option<Value>,
}

fn scalar_string(v: Option<Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The fast path of [`decode_envelope_with_meta`]: a 2xx answer that parses as a success
/// envelope with `data` of the expected shape. Anything else (an error envelope, a body that is
/// not JSON, a `data` of another shape) returns `None`, and the slow path, which explains the
/// failure precisely, decides.
fn decode_success_typed<T: DeserializeOwned>(
    resp: &RawResponse,
) -> Option<(Option<T>, EnvelopeMeta)> {
    // Only an object: a derived struct would also accept a JSON array as its fields in order.
    let first = resp.body.iter().find(|b| !b.is_ascii_whitespace());
    if !resp.is_success() || first != Some(&b'{') {
        return None;
    }
    let env: TypedEnvelope<T> = serde_json::from_slice(&resp.body).ok()?;
    if env.successful == Some(Value::Bool(false)) || env.error.is_some() {
        return None;
    }
    let meta = EnvelopeMeta {
        trace_id: scalar_string(env.trace_id),
        server: scalar_string(env.server),
        timestamp: scalar_string(env.timestamp),
        duration_ms: env.duration.as_ref().and_then(Value::as_i64),
    };
    Some((env.data, meta))
}

/// Decode an enveloped response whose `data` must be present.
pub fn decode_required<T: DeserializeOwned>(resp: &RawResponse) -> Result<T, ApiError> {
    decode_envelope::<T>(resp)?.ok_or_else(|| decode_error(resp, "response has no data"))
}

/// Decode a response of an operation without payload (skip, cancel, …). An empty 2xx body is
/// accepted too, since a proxy may turn the envelope into `204 No Content`.
pub fn decode_void(resp: &RawResponse) -> Result<(), ApiError> {
    if resp.is_success() && resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    decode_envelope::<serde::de::IgnoredAny>(resp).map(|_| ())
}

/// Decode an un-enveloped JSON body (`GET /api/v2/info`). Errors still come as envelopes.
pub fn decode_plain<T: DeserializeOwned>(resp: &RawResponse) -> Result<T, ApiError> {
    let _work = crate::work::timed();
    let obj = parse_object(resp)?;
    if is_failure(resp, &obj) {
        return Err(server_error(resp, &obj));
    }
    serde_json::from_value(Value::Object(obj))
        .map_err(|e| decode_error_from(resp, "unexpected shape", e))
}

/// Decode a plain-text body (`GET /api/v2/time`, `/api/status`).
pub fn decode_text(resp: &RawResponse) -> Result<String, ApiError> {
    let _work = crate::work::timed();
    if !resp.is_success() {
        return Err(match parse_object(resp) {
            Ok(obj) => server_error(resp, &obj),
            Err(e) => e,
        });
    }
    match std::str::from_utf8(&resp.body) {
        // Some gateways wrap the text in JSON quotes.
        Ok(s) => Ok(s.trim().trim_matches('"').to_string()),
        Err(_) => Err(decode_error(resp, "body is not UTF-8 text")),
    }
}

/// Decodes the task detail (`GET /api/v2/tasks/instances/{id}`) in one pass from the bytes.
///
/// The generic envelope decoder builds a `serde_json::Value` tree of the whole body and then
/// converts it: for a task of thousands of subtasks that tree is most of a poll's cost. Here
/// a success envelope goes straight into [`TaskInstance`] (unknown fields skipped). Anything
/// else — a failure envelope, an HTTP error, a shape this typed pass rejects — takes the
/// generic path, so errors and lenient cases read exactly as before.
pub fn decode_task_detail(resp: &RawResponse) -> Result<TaskInstance, ApiError> {
    let _work = crate::work::timed();
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(default)]
        successful: Option<bool>,
        #[serde(default)]
        error: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        data: Option<TaskInstance>,
    }
    if (200..300).contains(&resp.status) {
        if let Ok(Envelope {
            successful: None | Some(true),
            error: None,
            data: Some(t),
        }) = serde_json::from_slice::<Envelope>(&resp.body)
        {
            return Ok(t);
        }
    }
    decode_required(resp)
}

/// A task detail's `data` split for an incremental poll: the task without its subtasks, and
/// each subtask's JSON as the server sent it (borrowed from `data`). A poller compares each
/// subtask's bytes with the last poll's and decodes only those that changed. `None` for a
/// shape this does not split (not an object, no `subtasks` array, the old `tasks` shape, a
/// key with escapes): the caller decodes the whole task then.
pub fn split_task_detail(data: &[u8]) -> Option<(TaskInstance, Vec<&serde_json::value::RawValue>)> {
    use serde_json::value::RawValue;
    let _work = crate::work::timed();
    let mut map: std::collections::BTreeMap<&str, &RawValue> = serde_json::from_slice(data).ok()?;
    if map.contains_key("tasks") {
        return None;
    }
    let raw = map.remove("subtasks")?;
    let subtasks: Vec<&RawValue> = serde_json::from_str(raw.get()).ok()?;
    let mut shell = String::with_capacity(data.len().min(4096));
    shell.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            shell.push(',');
        }
        shell.push('"');
        shell.push_str(k);
        shell.push_str("\":");
        shell.push_str(v.get());
    }
    shell.push('}');
    let task: TaskInstance = serde_json::from_str(&shell).ok()?;
    Some((task, subtasks))
}

/// Where the `data` of a successful answer lies in its body (a byte range), found without
/// building anything: the envelope is scanned and `data` kept as raw JSON. `None` for an
/// error status, a failure envelope, or a body that is not one JSON object.
///
/// OCP's envelope changes on every answer (`timestamp`, `traceId`, `duration`) while a big
/// task's `data` is the same between most polls: comparing this range with the last one
/// tells a poller that nothing changed, at the cost of a scan instead of a decode.
pub fn success_data_span(resp: &RawResponse) -> Option<std::ops::Range<usize>> {
    let _work = crate::work::timed();
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(default)]
        successful: Option<bool>,
        #[serde(default)]
        error: Option<serde::de::IgnoredAny>,
        #[serde(borrow, default)]
        data: Option<&'a serde_json::value::RawValue>,
    }
    if !(200..300).contains(&resp.status) {
        return None;
    }
    match serde_json::from_slice::<Envelope>(&resp.body).ok()? {
        Envelope {
            successful: None | Some(true),
            error: None,
            data: Some(raw),
        } => {
            let start = (raw.get().as_ptr() as usize).checked_sub(resp.body.as_ptr() as usize)?;
            let end = start + raw.get().len();
            (end <= resp.body.len()).then_some(start..end)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocp::models::{ObCluster, Paged};

    #[test]
    fn the_data_span_ignores_the_envelope_and_refuses_failures() {
        let a = resp(
            200,
            r#"{"data":{"id":1,"subtasks":[{"id":2}]},"timestamp":"t1","traceId":"a","successful":true}"#,
        );
        let b = resp(
            200,
            r#"{"traceId":"b","duration":7,"data":{"id":1,"subtasks":[{"id":2}]},"timestamp":"t2"}"#,
        );
        let (sa, sb) = (
            success_data_span(&a).expect("a"),
            success_data_span(&b).expect("b"),
        );
        assert_eq!(&a.body[sa.clone()], br#"{"id":1,"subtasks":[{"id":2}]}"#);
        assert_eq!(a.body[sa], b.body[sb]);
        for r in [
            resp(200, r#"{"successful":false,"data":{"id":1}}"#),
            resp(200, r#"{"error":{"code":1},"data":{"id":1}}"#),
            resp(500, r#"{"data":{"id":1}}"#),
            resp(200, r#"{"data":{"id":1}"#),
            resp(200, ""),
            resp(200, r#"{"successful":true}"#),
        ] {
            assert_eq!(
                success_data_span(&r),
                None,
                "{:?}",
                String::from_utf8_lossy(&r.body)
            );
        }
    }

    fn resp(status: u16, body: &str) -> RawResponse {
        RawResponse::new(status, body.as_bytes().to_vec())
    }

    #[test]
    fn success_with_and_without_data() {
        let r = resp(
            200,
            r#"{"data":{"contents":[{"id":1,"name":"a"}]},"successful":true,"status":200,"traceId":"t1","server":"s","duration":3}"#,
        );
        let (d, m) = decode_envelope_with_meta::<Paged<ObCluster>>(&r).expect("ok");
        assert_eq!(d.expect("data").contents[0].name, "a");
        assert_eq!(m.trace_id.as_deref(), Some("t1"));
        assert_eq!(m.duration_ms, Some(3));
        let r = resp(200, r#"{"successful":true,"status":200}"#);
        assert_eq!(decode_envelope::<Value>(&r).expect("ok"), None);
        let r = resp(200, r#"{"data":null,"successful":true}"#);
        assert_eq!(decode_envelope::<Value>(&r).expect("ok"), None);
        assert!(matches!(
            decode_required::<Value>(&r),
            Err(ApiError::Decode { status: 200, .. })
        ));
        decode_void(&r).expect("void");
        decode_void(&resp(204, "")).expect("no content");
    }

    /// The one-pass typed decoder and the tree decoder agree on every success envelope, and
    /// every failure still reaches the precise error path.
    #[test]
    fn the_typed_fast_path_agrees_with_the_tree() {
        let bodies = [
            r#"{"data":{"contents":[{"id":1,"name":"a"}],"page":{"totalPages":1}},"successful":true,"traceId":42,"server":"","timestamp":"2024-01-01T00:00:00Z","duration":"x","extra":[1,{"a":null}]}"#,
            r#"{"data":{"contents":null},"successful":null,"error":null}"#,
            r#"{"successful":true}"#,
        ];
        for b in bodies {
            let r = resp(200, b);
            let fast = decode_success_typed::<Paged<ObCluster>>(&r).expect("fast path");
            let mut obj = parse_object(&r).expect("object");
            let slow_meta = meta(&obj);
            let slow: Option<Paged<ObCluster>> = match obj.remove("data") {
                None | Some(Value::Null) => None,
                Some(d) => Some(serde_json::from_value(d).expect("data")),
            };
            assert_eq!(fast.0, slow, "{b}");
            assert_eq!(fast.1, slow_meta, "{b}");
        }
        // Failures and odd bodies are left to the slow path.
        for (status, b) in [
            (
                200,
                r#"{"successful":false,"status":403,"error":{"code":1,"message":"no"}}"#,
            ),
            (
                200,
                r#"{"data":{"contents":[]},"error":{"message":"half"}}"#,
            ),
            (500, r#"{"data":{"contents":[]},"successful":true}"#),
            (200, r#"{"data":{"contents":"nope"}}"#),
            (200, "<html>"),
        ] {
            let r = resp(status, b);
            assert!(
                decode_success_typed::<Paged<ObCluster>>(&r).is_none(),
                "{b}"
            );
            assert!(decode_envelope::<Paged<ObCluster>>(&r).is_err(), "{b}");
        }
    }

    #[test]
    fn wrong_data_shape_is_decode_error() {
        let r = resp(200, r#"{"data":{"contents":"nope"},"successful":true}"#);
        match decode_envelope::<Paged<ObCluster>>(&r) {
            Err(ApiError::Decode { status, detail, .. }) => {
                assert_eq!(status, 200);
                assert!(detail.contains("unexpected data shape"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn html_502_from_proxy() {
        let r = resp(
            502,
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>",
        );
        match decode_envelope::<Value>(&r) {
            Err(e @ ApiError::Decode { .. }) => {
                let ApiError::Decode {
                    status,
                    ref detail,
                    ref snippet,
                    ref cause,
                } = e
                else {
                    unreachable!()
                };
                assert_eq!(status, 502);
                assert!(detail.starts_with("not JSON"), "{detail}");
                // The parser's error is kept as the source, not only as text.
                let cause = cause.as_ref().expect("serde_json cause");
                assert!(cause.get().is::<serde_json::Error>());
                assert!(std::error::Error::source(&e).is_some());
                assert!(snippet.starts_with("<html>"), "{snippet}");
                assert!(e.is_transient());
                assert!(e.to_string().contains("HTTP 502"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn truncated_and_empty_bodies() {
        let r = resp(200, r#"{"data":{"contents":[{"id":1,"na"#);
        match decode_envelope::<Value>(&r) {
            Err(ApiError::Decode { detail, .. }) => {
                assert!(detail.contains("truncated"), "{detail}")
            }
            other => panic!("{other:?}"),
        }
        for body in ["", "  \n"] {
            match decode_envelope::<Value>(&resp(200, body)) {
                Err(ApiError::Decode { status, detail, .. }) => {
                    assert_eq!(status, 200);
                    assert_eq!(detail, "empty body");
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            decode_envelope::<Value>(&resp(500, "")),
            Err(ApiError::Decode { status: 500, .. })
        ));
        assert!(matches!(
            decode_envelope::<Value>(&resp(200, "[1,2]")),
            Err(ApiError::Decode { .. })
        ));
    }

    #[test]
    fn error_code_number_or_string_and_sub_errors() {
        let r = resp(
            400,
            r#"{"error":{"code":"TASK_STATE_INVALID","message":"Task state invalid","debugMessage":"x"},"successful":false,"status":400,"traceId":"abc"}"#,
        );
        match decode_envelope::<Value>(&r) {
            Err(ApiError::Server {
                status,
                code,
                message,
                trace_id,
                ..
            }) => {
                assert_eq!(status, 400);
                assert_eq!(code.as_deref(), Some("TASK_STATE_INVALID"));
                assert_eq!(message, "Task state invalid");
                assert_eq!(trace_id.as_deref(), Some("abc"));
            }
            other => panic!("{other:?}"),
        }
        let r = resp(
            400,
            r#"{"error":{"code":10001,"message":"Illegal argument","subErrors":[{"object":"req","field":"port","rejectedValue":0,"message":"must be > 0"},{"message":"name required"}]},"successful":false,"status":400,"traceId":""}"#,
        );
        match decode_envelope::<Value>(&r) {
            Err(ApiError::Server {
                code,
                message,
                trace_id,
                ..
            }) => {
                assert_eq!(code.as_deref(), Some("10001"));
                assert_eq!(
                    message,
                    "Illegal argument (port: must be > 0; name required)"
                );
                assert_eq!(trace_id, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn throttled_429_keeps_retry_after() {
        let body = include_str!("../../../../tests/fixtures/ocp/error-429-throttled.json");
        let mut r = resp(429, body);
        r.retry_after_secs = Some(7);
        match decode_envelope::<Value>(&r) {
            Err(e @ ApiError::Server { .. }) => {
                assert!(e.is_transient());
                let ApiError::Server {
                    status,
                    code,
                    ref message,
                    retry_after_secs,
                    ..
                } = e
                else {
                    unreachable!()
                };
                assert_eq!(status, 429);
                assert_eq!(code.as_deref(), Some("0"));
                assert!(message.starts_with("Excessive number of requests."));
                assert_eq!(retry_after_secs, Some(7));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn successful_false_with_http_200() {
        let r = resp(
            200,
            r#"{"successful":false,"status":500,"error":{"code":11042,"message":"Precheck of the cluster to be taken over failed."},"traceId":"t"}"#,
        );
        match decode_envelope::<Value>(&r) {
            Err(ApiError::Server {
                status,
                code,
                message,
                ..
            }) => {
                assert_eq!(status, 500);
                assert_eq!(code.as_deref(), Some("11042"));
                assert!(message.contains("Precheck"));
            }
            other => panic!("{other:?}"),
        }
        // No error object at all.
        let r = resp(200, r#"{"successful":false,"data":{"x":1}}"#);
        match decode_envelope::<Value>(&r) {
            Err(ApiError::Server {
                status, message, ..
            }) => {
                assert_eq!(status, 200);
                assert!(message.contains("successful=false"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn spring_default_error_body() {
        let r = resp(
            401,
            r#"{"timestamp":"2024-01-01T00:00:00.000+00:00","status":401,"error":"Unauthorized","message":"","path":"/api/v2/ob/clusters"}"#,
        );
        let e = decode_envelope::<Value>(&r).expect_err("401");
        assert!(e.is_unauthorized());
        match e {
            ApiError::Server { message, code, .. } => {
                assert_eq!(message, "Unauthorized");
                assert_eq!(code, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_and_text_bodies() {
        let info: crate::ocp::models::OcpInfo = decode_plain(&resp(
            200,
            include_str!("../../../../tests/fixtures/ocp/ocp-info.json"),
        ))
        .expect("info");
        assert_eq!(info.version(), Some("2.5.0"));
        assert_eq!(
            decode_text(&resp(200, "2020-11-11T15:46:27.316+08:00\n")).expect("time"),
            "2020-11-11T15:46:27.316+08:00"
        );
        assert_eq!(decode_text(&resp(200, "\"okay\"")).expect("quoted"), "okay");
        assert!(matches!(
            decode_text(&resp(503, "<html>down</html>")),
            Err(ApiError::Decode { status: 503, .. })
        ));
        assert!(matches!(
            decode_plain::<Value>(&resp(404, r#"{"error":{"code":10002,"message":"nope"}}"#)),
            Err(ApiError::Server { status: 404, .. })
        ));
    }

    #[test]
    fn task_detail_fast_path_agrees_with_the_generic_decoder() {
        use crate::ocp::models::TaskInstance;
        let body = r#"{"data":{"id":7,"name":"t","status":"RUNNING","creator":{"id":1,"name":"a"},
            "subtasks":[{"id":2,"name":"s","status":"RUNNING","upstreams":null,"downstream":[3],
            "paralleIdx":-1,"context":{"x":[1,2]},"nodeType":"JAVA_TASK"},
            {"id":3,"name":"u\"q","status":3,"upstreams":[2]}]},"successful":true,"traceId":"x"}"#;
        let r = RawResponse::new(200, body);
        let fast = decode_task_detail(&r).expect("fast");
        let slow: TaskInstance = decode_required(&r).expect("slow");
        assert_eq!(fast, slow);
        assert_eq!(fast.subtasks.len(), 2);
        // Failure envelopes and HTTP errors read as before.
        for (status, body) in [
            (
                200,
                r#"{"successful":false,"status":400,"error":{"code":"X","message":"m"}}"#,
            ),
            (500, r#"{"data":{"id":1}}"#),
            (200, r#"{"data":null,"successful":true}"#),
            (
                200,
                r#"{"data":{"id":1},"error":{"code":"X","message":"m"}}"#,
            ),
        ] {
            let r = RawResponse::new(status, body);
            let fast = decode_task_detail(&r).map_err(|e| e.to_string());
            let slow = decode_required::<TaskInstance>(&r).map_err(|e| e.to_string());
            assert_eq!(fast, slow, "{body}");
            assert!(fast.is_err(), "{body}");
        }
    }
}
