//! Serving a recording (`obtui sim --replay DIR`): the answers a real server gave, as recorded
//! by `obtui --record DIR`, for the same requests. A request matches a recorded one by method,
//! path and query (parameters in any order); a repeated GET gets the latest answer recorded,
//! other methods get their recorded answers in turn (the last one again after that). A request
//! the recording does not have is a 404 in OCP's error envelope, saying so.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;
use tokio::sync::oneshot;

use crate::envelope::Fail;

/// One recorded answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

type Key = (String, String, String);

/// A recording, indexed by request.
#[derive(Debug, Default)]
pub struct Recording {
    answers: BTreeMap<Key, Vec<Answer>>,
    /// How many answers of each non-GET request were served.
    served: Mutex<BTreeMap<Key, usize>>,
}

/// The query as a comparable string: pairs sorted.
fn canonical_query(q: &str) -> String {
    let mut pairs: Vec<&str> = q.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_unstable();
    pairs.join("&")
}

impl Recording {
    /// Read every `NNNNNN.json` of `dir`, in order.
    pub fn load(dir: &Path) -> anyhow::Result<Recording> {
        let mut files: Vec<(u64, std::path::PathBuf)> = std::fs::read_dir(dir)
            .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let n = e
                    .file_name()
                    .to_string_lossy()
                    .strip_suffix(".json")?
                    .parse::<u64>()
                    .ok()?;
                Some((n, e.path()))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            anyhow::bail!(
                "{}: no recorded exchanges (NNNNNN.json files)",
                dir.display()
            );
        }
        let mut rec = Recording::default();
        for (_, path) in files {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let v: Value = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let key = (
                s("method").to_ascii_uppercase(),
                s("path"),
                canonical_query(&s("query")),
            );
            let headers = v
                .get("responseHeaders")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            let answer = Answer {
                status: v
                    .get("status")
                    .and_then(Value::as_u64)
                    .and_then(|n| u16::try_from(n).ok())
                    .unwrap_or(200),
                headers,
                body: v.get("responseBody").cloned().filter(|b| !b.is_null()),
            };
            rec.answers.entry(key).or_default().push(answer);
        }
        Ok(rec)
    }

    /// How many exchanges the recording holds.
    pub fn len(&self) -> usize {
        self.answers.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The answer for a request, if recorded.
    pub fn answer(&self, method: &str, path: &str, query: &str) -> Option<Answer> {
        let key = (
            method.to_ascii_uppercase(),
            path.to_string(),
            canonical_query(query),
        );
        let list = self.answers.get(&key)?;
        if key.0 == "GET" || key.0 == "HEAD" {
            return list.last().cloned();
        }
        let mut served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        let n = served.entry(key).or_insert(0);
        let a = list.get(*n).or(list.last()).cloned();
        *n += 1;
        a
    }
}

async fn serve_answer(State(rec): State<Arc<Recording>>, req: Request) -> Response {
    let (method, path, query) = (
        req.method().to_string(),
        req.uri().path().to_string(),
        req.uri().query().unwrap_or("").to_string(),
    );
    let Some(a) = rec.answer(&method, &path, &query) else {
        return Fail::not_found(format!(
            "not in the recording: {method} {path}{}",
            if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            }
        ))
        .into_response();
    };
    let body = match &a.body {
        None => Vec::new(),
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(v) => serde_json::to_vec(v).unwrap_or_default(),
    };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
    for (k, v) in &a.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::try_from(k.as_str()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(name, value);
        }
    }
    resp
}

/// The router serving `rec`.
pub fn router(rec: Arc<Recording>) -> Router {
    Router::new().fallback(serve_answer).with_state(rec)
}

/// A running replay server.
pub struct ReplayHandle {
    pub addr: SocketAddr,
    pub exchanges: usize,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl ReplayHandle {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            let abort = s.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(2), s)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

/// Load the recording in `dir` and serve it on `listen`.
pub async fn start(listen: SocketAddr, dir: &Path) -> anyhow::Result<ReplayHandle> {
    let rec = Arc::new(Recording::load(dir)?);
    let exchanges = rec.len();
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel();
    let app = router(rec);
    let server = tokio::spawn(crate::serve::serve(
        listener,
        app,
        crate::serve::Limits::default(),
        rx,
    ));
    Ok(ReplayHandle {
        addr,
        exchanges,
        shutdown: Some(tx),
        server: Some(server),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_answer_for_a_get_and_answers_in_turn_for_a_post() {
        let dir = std::env::temp_dir().join(format!("obtui-replay-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let write = |n: u32, method: &str, query: &str, status: u16, body: &str| {
            let v = serde_json::json!({
                "method": method, "path": "/api/v2/x", "query": query, "status": status,
                "responseHeaders": {"content-type": "application/json"},
                "responseBody": serde_json::from_str::<Value>(body).unwrap(),
            });
            std::fs::write(dir.join(format!("{n:06}.json")), v.to_string()).unwrap();
        };
        write(1, "GET", "b=2&a=1", 200, r#"{"n":1}"#);
        write(2, "GET", "a=1&b=2", 200, r#"{"n":2}"#);
        write(3, "POST", "", 500, r#"{"n":3}"#);
        write(4, "POST", "", 200, r#"{"n":4}"#);
        let rec = Recording::load(&dir).unwrap();
        assert_eq!(rec.len(), 4);
        let get = rec.answer("GET", "/api/v2/x", "a=1&b=2").unwrap();
        assert_eq!(get.body, Some(serde_json::json!({"n": 2})));
        let posts: Vec<u16> = (0..3)
            .map(|_| rec.answer("POST", "/api/v2/x", "").unwrap().status)
            .collect();
        assert_eq!(posts, [500, 200, 200]);
        assert!(rec.answer("GET", "/api/v2/x", "a=9").is_none());
        assert!(rec.answer("DELETE", "/api/v2/x", "").is_none());
        let _ = std::fs::remove_dir_all(&dir);
        assert!(Recording::load(&dir).is_err());
    }
}
