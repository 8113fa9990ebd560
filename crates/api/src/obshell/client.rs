//! The obshell HTTP client: plain routes, routes behind the hybrid-encryption header, and the
//! response envelope.

use reqwest::{Method, StatusCode, Url};
use rsa::RsaPublicKey;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::crypto::{self, AGENT_HEADER, HEADER, HEADER_LIFETIME_SECS, LEGACY_HEADER};
use super::models::{
    codes, AgentInfo, AgentSecret, AgentStatus, AgentsStatus, Contents, DagDetail, DagOperation,
    Envelope, Node, ObInfo, ObclusterInfo, ScaleOutRequest, SubTask, SubTaskLog,
};
use crate::error::{snippet, ApiError, Cause, RequestError};
use crate::secret::Secret;

/// Largest response body read; obshell answers are a few kB.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Which password the client holds; it picks the header name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasswordKind {
    /// The root@sys (OceanBase) password, sent in `X-OCS-Header`.
    #[default]
    RootSys,
    /// The agent password, sent in `X-OCS-Agent-Header`.
    Agent,
}

/// obshell's auth scheme: v2 (hybrid encryption, `X-OCS-Header` / `X-OCS-Agent-Header`) or
/// the v1 of obshell 4.2.2.0 (`X-OCS-Auth`, plaintext body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVersion {
    V1,
    V2,
}

impl AuthVersion {
    /// The scheme an agent takes, from its `/api/v1/info`: v2 when `supportedAuth` lists it,
    /// v1 when the list has only v1; with no list, v1 for obshell 4.2.2.0 and v2 after it (the
    /// SDK's `__confirm_auth_version`).
    pub fn of(info: &AgentInfo) -> AuthVersion {
        let has = |v: &str| {
            info.supported_auth
                .iter()
                .any(|s| s.trim().eq_ignore_ascii_case(v))
        };
        if has("v2") {
            AuthVersion::V2
        } else if has("v1")
            || (info.supported_auth.is_empty() && info.version.starts_with("4.2.2.0"))
        {
            AuthVersion::V1
        } else {
            AuthVersion::V2
        }
    }
}

/// How to reach one obshell agent.
#[derive(Debug, Clone)]
pub struct ObshellConfig {
    /// `http://host:2886` (a path prefix is kept; `/api/v1/...` is appended).
    pub base_url: String,
    /// root@sys password, or the agent password (see `password_kind`).
    pub password: Secret,
    pub password_kind: PasswordKind,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl ObshellConfig {
    pub fn new(base_url: impl Into<String>, password: Secret) -> Self {
        ObshellConfig {
            base_url: base_url.into(),
            password,
            password_kind: PasswordKind::RootSys,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Client of one obshell agent. Cheap to clone; clones share the connection pool and the cached
/// public key.
#[derive(Clone)]
pub struct ObshellClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// scheme://host:port, without a trailing slash.
    origin: String,
    /// Path prefix of the base URL, without a trailing slash ("" normally).
    prefix: String,
    password: Secret,
    kind: PasswordKind,
    /// The agent's RSA key from `/api/v1/secret`, fetched on first use.
    public_key: Mutex<Option<Arc<RsaPublicKey>>>,
    /// The agent's auth scheme, from `/api/v1/info` on the first authenticated call.
    auth_version: Mutex<Option<AuthVersion>>,
    /// `--record`: every exchange is written here (the plain request body, secrets masked;
    /// never the encrypted header).
    recorder: Option<Arc<crate::record::Recorder>>,
}

impl fmt::Debug for ObshellClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObshellClient")
            .field(
                "base",
                &format!("{}{}", self.inner.origin, self.inner.prefix),
            )
            .field("password", &self.inner.password)
            .finish()
    }
}

/// A request with its body still in plaintext.
struct Call<'a> {
    method: Method,
    /// Path under the base URL plus `?query`, e.g. `/api/v1/task/dag/13?show_details=true`.
    target: String,
    body: Option<&'a [u8]>,
    auth: bool,
}

impl ObshellClient {
    pub fn new(config: ObshellConfig) -> Result<Self, ApiError> {
        const SERVER: &str = "obshell";
        let raw = config.base_url.trim();
        let url = Url::parse(raw).map_err(|e| RequestError::BadUrl {
            server: SERVER,
            url: raw.to_string(),
            cause: Cause::new(e),
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(RequestError::CredentialsInUrl { server: SERVER }.into());
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(RequestError::NotHttp {
                server: SERVER,
                url: raw.to_string(),
            }
            .into());
        }
        let host = url
            .host_str()
            .ok_or(RequestError::NoHost { server: SERVER })?;
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        let origin = match url.port() {
            Some(p) => format!("{}://{host}:{p}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        };
        let prefix = url.path().trim_end_matches('/').to_string();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| RequestError::HttpClient(Cause::new(e)))?;
        Ok(ObshellClient {
            inner: Arc::new(Inner {
                http,
                origin,
                prefix,
                password: config.password,
                kind: config.password_kind,
                public_key: Mutex::new(None),
                auth_version: Mutex::new(None),
                recorder: crate::record::active(),
            }),
        })
    }

    /// The agent's base URL (for display; it never carries credentials).
    pub fn base_url(&self) -> String {
        format!("{}{}", self.inner.origin, self.inner.prefix)
    }

    /// `GET /api/v1/info` (no auth).
    pub async fn info(&self) -> Result<AgentInfo, ApiError> {
        self.get_data("/api/v1/info", false).await
    }

    /// `GET /api/v1/status` (no auth).
    pub async fn status(&self) -> Result<AgentStatus, ApiError> {
        self.get_data("/api/v1/status", false).await
    }

    /// `GET /api/v1/secret` (no auth): the agent's public key.
    pub async fn secret(&self) -> Result<AgentSecret, ApiError> {
        self.get_data("/api/v1/secret", false).await
    }

    /// `GET /api/v1/ob/info`.
    pub async fn ob_info(&self) -> Result<ObInfo, ApiError> {
        self.get_data("/api/v1/ob/info", true).await
    }

    /// `GET /api/v1/agents/status`: every agent, keyed `"ip:port"`.
    pub async fn agents_status(&self) -> Result<AgentsStatus, ApiError> {
        self.get_data("/api/v1/agents/status", true).await
    }

    /// `GET /api/v1/obcluster/info` (CLUSTER AGENT only).
    pub async fn obcluster_info(&self) -> Result<ObclusterInfo, ApiError> {
        self.get_data("/api/v1/obcluster/info", true).await
    }

    /// `POST /api/v1/ob/scale_out`: starts the "Cluster scale out" DAG (returned without nodes).
    pub async fn scale_out(&self, req: &ScaleOutRequest) -> Result<DagDetail, ApiError> {
        let body = zeroize::Zeroizing::new(serde_json::to_vec(&req.to_json()).map_err(|e| {
            RequestError::Body {
                what: "scale-out body",
                cause: Cause::new(e),
            }
        })?);
        let data = self
            .send(Call {
                method: Method::POST,
                target: "/api/v1/ob/scale_out".into(),
                body: Some(&body),
                auth: true,
            })
            .await?;
        require(data)
    }

    /// `POST /api/v1/alarm/alerts` with a filter (`{}`: every alert). An agent without a
    /// configured Alertmanager answers 500 `Config.NotFound`.
    pub async fn alerts(
        &self,
        filter: &super::alarm::AlertFilter,
    ) -> Result<Vec<super::alarm::Alert>, ApiError> {
        let body = serde_json::to_vec(filter).map_err(|e| RequestError::Body {
            what: "alert filter",
            cause: Cause::new(e),
        })?;
        let data: Option<Contents<super::alarm::Alert>> = self
            .send(Call {
                method: Method::POST,
                target: "/api/v1/alarm/alerts".into(),
                body: Some(&body),
                auth: true,
            })
            .await?;
        Ok(data.map(Contents::into_vec).unwrap_or_default())
    }

    /// `GET /api/v1/task/dag/{id}?show_details=…`; with details the nodes and sub_tasks come too.
    pub async fn dag(&self, id: &str, show_details: bool) -> Result<DagDetail, ApiError> {
        let id = check_id(id)?;
        self.get_data(
            &format!("/api/v1/task/dag/{id}?show_details={show_details}"),
            true,
        )
        .await
    }

    /// The `data` of a GET (`/api/v1/...`) as the agent sent it, pretty-printed (a "raw JSON"
    /// view of one object).
    pub async fn get_json(&self, target: &str) -> Result<String, ApiError> {
        let v: serde_json::Value = self.get_data(target, true).await?;
        serde_json::to_string_pretty(&v).map_err(|e| ApiError::Decode {
            status: 200,
            detail: format!("cannot print the answer: {e}"),
            snippet: String::new(),
            cause: None,
        })
    }

    /// `GET /api/v1/task/node/{id}?show_details=true` (false crashes some servers).
    pub async fn node(&self, id: &str) -> Result<Node, ApiError> {
        let id = check_id(id)?;
        self.get_data(&format!("/api/v1/task/node/{id}?show_details=true"), true)
            .await
    }

    /// `GET /api/v1/task/sub_task/{id}`.
    pub async fn sub_task(&self, id: &str) -> Result<SubTask, ApiError> {
        let id = check_id(id)?;
        self.get_data(&format!("/api/v1/task/sub_task/{id}"), true)
            .await
    }

    /// `GET /api/v1/task/sub_task/{id}/logs`.
    pub async fn sub_task_logs(&self, id: &str) -> Result<Vec<SubTaskLog>, ApiError> {
        let id = check_id(id)?;
        let c: Contents<SubTaskLog> = self
            .get_data(&format!("/api/v1/task/sub_task/{id}/logs"), true)
            .await?;
        Ok(c.into_vec())
    }

    /// `GET /api/v1/task/dag/unfinish` (`contents: null` reads as empty).
    pub async fn unfinished_dags(&self) -> Result<Vec<DagDetail>, ApiError> {
        let data: Option<Contents<DagDetail>> = self
            .send(Call {
                method: Method::GET,
                target: "/api/v1/task/dag/unfinish".into(),
                body: None,
                auth: true,
            })
            .await?;
        Ok(data.map(Contents::into_vec).unwrap_or_default())
    }

    /// `GET /api/v1/task/dags/ob`: every cluster DAG the agent keeps, finished ones too
    /// (`contents: null` reads as empty).
    pub async fn cluster_dags(&self) -> Result<Vec<DagDetail>, ApiError> {
        let data: Option<Contents<DagDetail>> = self
            .send(Call {
                method: Method::GET,
                target: "/api/v1/task/dags/ob".into(),
                body: None,
                auth: true,
            })
            .await?;
        Ok(data.map(Contents::into_vec).unwrap_or_default())
    }

    /// `POST /api/v1/task/dag/{id}` `{"operator": …}`. Success carries no data.
    pub async fn operate_dag(&self, id: &str, op: DagOperation) -> Result<(), ApiError> {
        let id = check_id(id)?;
        let body = serde_json::json!({ "operator": op.as_str() }).to_string();
        let _: Option<serde_json::Value> = self
            .send(Call {
                method: Method::POST,
                target: format!("/api/v1/task/dag/{id}"),
                body: Some(body.as_bytes()),
                auth: true,
            })
            .await?;
        Ok(())
    }

    /// `POST /api/v1/task/node/{id}` `{"operator": "PASS"}`: skip one failed node.
    pub async fn pass_node(&self, id: &str) -> Result<(), ApiError> {
        let id = check_id(id)?;
        let _: Option<serde_json::Value> = self
            .send(Call {
                method: Method::POST,
                target: format!("/api/v1/task/node/{id}"),
                body: Some(br#"{"operator":"PASS"}"#),
                auth: true,
            })
            .await?;
        Ok(())
    }

    /// Drop the cached public key (the next authenticated call fetches it again).
    pub fn forget_public_key(&self) {
        if let Ok(mut g) = self.inner.public_key.lock() {
            *g = None;
        }
    }

    async fn get_data<T: DeserializeOwned>(&self, target: &str, auth: bool) -> Result<T, ApiError> {
        let data = self
            .send(Call {
                method: Method::GET,
                target: target.to_string(),
                body: None,
                auth,
            })
            .await?;
        require(data)
    }

    async fn public_key(&self) -> Result<Arc<RsaPublicKey>, ApiError> {
        if let Some(k) = self.inner.public_key.lock().ok().and_then(|g| g.clone()) {
            return Ok(k);
        }
        // send_once, not secret(): an async fn must not recurse through send().
        let call = Call {
            method: Method::GET,
            target: "/api/v1/secret".into(),
            body: None,
            auth: false,
        };
        let secret: AgentSecret = require(self.send_once(&call, None).await?)?;
        let key = crypto::parse_public_key(&secret.public_key).map_err(|e| ApiError::Decode {
            status: 200,
            detail: format!("public key from /api/v1/secret: {e}"),
            snippet: snippet(secret.public_key.as_bytes()),
            cause: Some(Cause::new(e)),
        })?;
        let key = Arc::new(key);
        if let Ok(mut g) = self.inner.public_key.lock() {
            *g = Some(key.clone());
        }
        Ok(key)
    }

    /// The agent's auth scheme, asked of `/api/v1/info` once.
    async fn auth_version(&self) -> AuthVersion {
        if let Some(v) = self.inner.auth_version.lock().ok().and_then(|g| *g) {
            return v;
        }
        let call = Call {
            method: Method::GET,
            target: "/api/v1/info".into(),
            body: None,
            auth: false,
        };
        // An /info that fails says nothing about the scheme: take today's (v2) without
        // remembering it, and let the call itself report what is wrong.
        let Ok(info) = self
            .send_once::<AgentInfo>(&call, None)
            .await
            .and_then(require)
        else {
            return AuthVersion::V2;
        };
        let v = AuthVersion::of(&info);
        if let Ok(mut g) = self.inner.auth_version.lock() {
            *g = Some(v);
        }
        v
    }

    async fn send<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<Option<T>, ApiError> {
        if !call.auth {
            return self.send_once(&call, None).await;
        }
        let version = self.auth_version().await;
        // A 401 "decrypt failed" means the agent has a new key (it restarted): fetch it again
        // and re-send once. The server rejected the request before acting, so a write is safe
        // to repeat.
        let mut refetched = false;
        loop {
            let key = self.public_key().await?;
            match self.send_sealed(&call, &key, version).await {
                Err(e) if !refetched && is_decrypt_failure(&e) => {
                    self.forget_public_key();
                    refetched = true;
                }
                other => return other,
            }
        }
    }

    async fn send_sealed<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        key: &RsaPublicKey,
        version: AuthVersion,
    ) -> Result<Option<T>, ApiError> {
        match version {
            AuthVersion::V2 => self.send_once(call, Some(key)).await,
            AuthVersion::V1 => self.send_with(call, Seal::Legacy(key)).await,
        }
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        key: Option<&RsaPublicKey>,
    ) -> Result<Option<T>, ApiError> {
        match key {
            Some(k) => self.send_with(call, Seal::V2(k)).await,
            None => self.send_with(call, Seal::Plain).await,
        }
    }

    async fn send_with<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        seal: Seal<'_>,
    ) -> Result<Option<T>, ApiError> {
        let uri = format!("{}{}", self.inner.prefix, call.target);
        let url = format!("{}{}", self.inner.origin, uri);
        let mut req = self.inner.http.request(call.method.clone(), &url);
        if let Seal::Legacy(key) = seal {
            let expires = unix_now() + HEADER_LIFETIME_SECS;
            let value = {
                let mut rng = rand::thread_rng();
                crypto::seal_legacy_header(&mut rng, key, &self.inner.password, expires)
            }
            .map_err(|e| RequestError::Seal(Cause::new(e)))?;
            req = req.header(LEGACY_HEADER, value);
        }
        let key = match seal {
            Seal::V2(k) => Some(k),
            Seal::Plain | Seal::Legacy(_) => None,
        };
        match key {
            Some(key) => {
                let expires = unix_now() + HEADER_LIFETIME_SECS;
                let sealed = {
                    let mut rng = rand::thread_rng();
                    crypto::seal_request(
                        &mut rng,
                        key,
                        &self.inner.password,
                        &uri,
                        call.body,
                        expires,
                    )
                }
                .map_err(|e| RequestError::Seal(Cause::new(e)))?;
                let name = match self.inner.kind {
                    PasswordKind::RootSys => HEADER,
                    PasswordKind::Agent => AGENT_HEADER,
                };
                req = req.header(name, sealed.header_value);
                if let Some(body) = sealed.body {
                    req = req.body(body);
                }
            }
            None => {
                if let Some(body) = call.body {
                    req = req
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.to_vec());
                }
            }
        }
        let mut resp = req.send().await.map_err(ApiError::from_reqwest)?;
        let status = resp.status();
        let resp_content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| ("content-type".to_string(), v.to_string()));
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(ApiError::from_reqwest)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(ApiError::Decode {
                    status: status.as_u16(),
                    detail: format!("response larger than {MAX_BODY} bytes"),
                    snippet: snippet(&body),
                    cause: None,
                });
            }
            body.extend_from_slice(&chunk);
        }
        if let Some(rec) = &self.inner.recorder {
            let (path, query) = uri.split_once('?').unwrap_or((uri.as_str(), ""));
            rec.record(&crate::record::Exchange {
                server: "obshell",
                method: call.method.as_str(),
                path,
                query,
                status: status.as_u16(),
                response_headers: resp_content_type.into_iter().collect(),
                request_body: call.body,
                response_body: &body,
            });
        }
        decode_response(status.as_u16(), &body)
    }
}

/// How a request travels: plain, v2 (sealed header and body), or v1 (`X-OCS-Auth`, plain body).
#[derive(Clone, Copy)]
enum Seal<'a> {
    Plain,
    V2(&'a RsaPublicKey),
    Legacy(&'a RsaPublicKey),
}

/// Decode one obshell response: the envelope, both error shapes, 204, `data` absent.
///
/// Returns `Ok(None)` when the answer carries no `data` (204, or a DAG operation's bare 200).
pub fn decode_response<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<Option<T>, ApiError> {
    let _work = crate::work::timed();
    let ok = StatusCode::from_u16(status).is_ok_and(|s| s.is_success());
    if status == 204 || (ok && body.iter().all(u8::is_ascii_whitespace)) {
        return Ok(None);
    }
    let env: Envelope<serde_json::Value> =
        serde_json::from_slice(body).map_err(|e| ApiError::Decode {
            status,
            detail: format!("not an obshell response: {e}"),
            snippet: snippet(body),
            cause: Some(Cause::new(e)),
        })?;
    let trace_id = Some(env.trace_id.clone()).filter(|t| !t.is_empty());
    if !ok || env.error.is_some() || !env.successful {
        let (code, message) = match &env.error {
            Some(err) => (err.best_code(), err.message.clone()),
            None => (
                None,
                StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("request failed")
                    .to_string(),
            ),
        };
        return Err(ApiError::Server {
            status,
            code,
            message,
            trace_id,
            retry_after_secs: None,
            // obshell's own failure answer carries `error`; a bare status does not.
            envelope: env.error.is_some(),
        });
    }
    match env.data {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(data) => serde_json::from_value(data)
            .map(Some)
            .map_err(|e| ApiError::Decode {
                status,
                detail: format!("unexpected data: {e}"),
                snippet: snippet(body),
                cause: Some(Cause::new(e)),
            }),
    }
}

fn require<T>(data: Option<T>) -> Result<T, ApiError> {
    data.ok_or_else(|| ApiError::Decode {
        status: 200,
        detail: "response has no data".into(),
        snippet: String::new(),
        cause: None,
    })
}

fn is_decrypt_failure(e: &ApiError) -> bool {
    match e {
        ApiError::Server {
            status: 401, code, ..
        } => {
            let c = code.as_deref().unwrap_or("");
            c == codes::DECRYPT_FAILED || c == codes::LEGACY_DECRYPT.to_string()
        }
        _ => false,
    }
}

/// Generic ids are decimal digits; anything else would change the request path.
fn check_id(id: &str) -> Result<&str, ApiError> {
    let id = id.trim();
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RequestError::TaskId(id.to_string()).into());
    }
    Ok(id)
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_version_follows_supported_auth_then_the_version() {
        let info = |list: &[&str], version: &str| AgentInfo {
            supported_auth: list.iter().map(|s| s.to_string()).collect(),
            version: version.into(),
            ..AgentInfo::default()
        };
        assert_eq!(AuthVersion::of(&info(&["v2"], "4.3.0.0")), AuthVersion::V2);
        assert_eq!(AuthVersion::of(&info(&["v1", "v2"], "")), AuthVersion::V2);
        assert_eq!(AuthVersion::of(&info(&["v1"], "4.3.0.0")), AuthVersion::V1);
        assert_eq!(
            AuthVersion::of(&info(&[], "4.2.2.0-20231226")),
            AuthVersion::V1
        );
        assert_eq!(AuthVersion::of(&info(&[], "4.2.3.0-1")), AuthVersion::V2);
        assert_eq!(AuthVersion::of(&info(&["v3"], "")), AuthVersion::V2);
    }

    #[test]
    fn ids_must_be_digits() {
        assert_eq!(check_id("13").unwrap(), "13");
        assert!(check_id("").is_err());
        assert!(check_id("1/../x").is_err());
        assert!(check_id("13?x=1").is_err());
    }

    #[test]
    fn base_url_prefix_is_kept_and_credentials_refused() {
        let c = ObshellClient::new(ObshellConfig::new(
            "http://10.0.0.1:2886/proxy/",
            Secret::new("pw-hidden"),
        ))
        .unwrap();
        assert_eq!(c.inner.origin, "http://10.0.0.1:2886");
        assert_eq!(c.inner.prefix, "/proxy");
        assert!(
            ObshellClient::new(ObshellConfig::new("http://u:p@h:1", Secret::new("x"))).is_err()
        );
        assert!(ObshellClient::new(ObshellConfig::new("ftp://h", Secret::new("x"))).is_err());
        assert!(!format!("{c:?}").contains("pw-hidden"));
    }

    #[test]
    fn decrypt_failure_is_recognised_in_both_shapes() {
        let mk = |code: &str| ApiError::Server {
            status: 401,
            code: Some(code.into()),
            message: String::new(),
            trace_id: None,
            retry_after_secs: None,
            envelope: true,
        };
        assert!(is_decrypt_failure(&mk(codes::DECRYPT_FAILED)));
        assert!(is_decrypt_failure(&mk("1")));
        assert!(!is_decrypt_failure(&mk(codes::INCORRECT_OB_PASSWORD)));
    }
}
