//! The OCP REST API v2 client: HTTP Basic or an AccessKey signature (AK/SK) on every request,
//! typed endpoints, bounded bodies.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, ACCEPT_LANGUAGE, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Cause, RequestError, TransportKind};
use crate::secret::Secret;
use crate::ApiError;

use super::alarm::*;
use super::envelope::{
    decode_envelope, decode_plain, decode_required, decode_text, decode_void, RawResponse,
};
use super::models::*;
use super::requests::*;

/// Largest body the client reads; more is refused, so a broken server cannot exhaust memory.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;
/// OCP refuses pages larger than this.
pub const MAX_PAGE_SIZE: u32 = 2000;
/// [`all_pages`] stops after this many pages whatever `totalPages` says.
pub const MAX_PAGES: u32 = 500;

/// Where and how to reach OCP.
#[derive(Clone)]
pub struct OcpConfig {
    /// e.g. `http://10.0.0.1:8080`.
    pub base_url: String,
    pub user: String,
    pub password: Secret,
    /// Sign every request with this AccessKey instead of sending the password (HTTP Basic).
    pub access_key: Option<super::sign::AccessKey>,
    /// Language of server messages.
    pub accept_language: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// PEM file of a private CA to trust (beside the built-in roots).
    pub ca_cert: Option<std::path::PathBuf>,
    /// Accept any TLS certificate. Only when the user asks (`--insecure`).
    pub insecure: bool,
}

impl OcpConfig {
    pub fn new(base_url: impl Into<String>, user: impl Into<String>, password: Secret) -> Self {
        OcpConfig {
            base_url: base_url.into(),
            user: user.into(),
            password,
            ..OcpConfig::default()
        }
    }
}

impl Default for OcpConfig {
    fn default() -> Self {
        OcpConfig {
            base_url: String::new(),
            user: String::new(),
            password: Secret::default(),
            access_key: None,
            accept_language: "en-US".to_string(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            ca_cert: None,
            insecure: false,
        }
    }
}

impl fmt::Debug for OcpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OcpConfig")
            .field("base_url", &self.base_url)
            .field("user", &self.user)
            .field("password", &self.password)
            .field("access_key", &self.access_key)
            .field("accept_language", &self.accept_language)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("ca_cert", &self.ca_cert)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// `page` (1-based), `size` (≤ 2000) and `sort` (`"name,asc"`) of a list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    pub page: u32,
    pub size: u32,
    pub sort: Option<String>,
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            page: 1,
            size: 100,
            sort: None,
        }
    }
}

impl PageQuery {
    pub fn new(page: u32, size: u32) -> Self {
        PageQuery {
            page,
            size,
            sort: None,
        }
    }

    pub fn sorted(mut self, sort: impl Into<String>) -> Self {
        self.sort = Some(sort.into());
        self
    }

    fn push(&self, q: &mut Query) {
        q.push(("page", self.page.max(1).to_string()));
        q.push(("size", self.size.clamp(1, MAX_PAGE_SIZE).to_string()));
        if let Some(s) = self.sort.as_deref().filter(|s| !s.is_empty()) {
            q.push(("sort", s.to_string()));
        }
    }
}

type Query = Vec<(&'static str, String)>;

fn push_opt(q: &mut Query, key: &'static str, v: &Option<String>) {
    if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
        q.push((key, v.to_string()));
    }
}

fn push_list(q: &mut Query, key: &'static str, v: &[String]) {
    let items: Vec<&str> = v
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    if !items.is_empty() {
        q.push((key, items.join(",")));
    }
}

fn push_num(q: &mut Query, key: &'static str, v: Option<i64>) {
    if let Some(v) = v {
        q.push((key, v.to_string()));
    }
}

/// Filters of `GET /ob/clusters`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterFilter {
    /// Case-insensitive keyword.
    pub name: Option<String>,
    pub status: Vec<String>,
}

/// Filters of the tenant lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantFilter {
    pub name: Option<String>,
    pub mode: Vec<String>,
    pub status: Vec<String>,
}

/// Filters of `GET /ob/clusters/{id}/servers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerFilter {
    pub region_name: Option<String>,
    pub idc_name: Option<String>,
}

/// Filters of `GET /compute/hosts`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostFilter {
    /// Hostname, IP or service.
    pub keyword: Option<String>,
    pub status: Vec<String>,
}

/// Filters of `GET /software-packages`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageFilter {
    pub keyword: Option<String>,
    /// e.g. `OB_SERVER_INSTALL_PACKAGE`.
    pub types: Vec<String>,
    pub versions: Vec<String>,
    pub operating_system: Option<String>,
    pub architecture: Option<String>,
}

/// Filters of `GET /tasks/instances`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    /// Fuzzy.
    pub name: Option<String>,
    pub status: Vec<String>,
    pub task_type: Option<String>,
    pub cluster_id: Option<i64>,
    /// Sent as both `clusterName` and the docs' `cluterName`.
    pub cluster_name: Option<String>,
    pub tenant_id: Option<i64>,
    pub host_id: Option<i64>,
}

/// Where the client reads "now" (Unix milliseconds) for a signature's `Date`.
pub type NowFn = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    base_str: String,
    user: String,
    password: Secret,
    access_key: Option<super::sign::AccessKey>,
    now_ms: NowFn,
    max_body: usize,
    /// `--record`: every exchange is written here, secrets removed.
    recorder: Option<Arc<crate::record::Recorder>>,
}

/// A cheap-to-clone handle on one OCP.
#[derive(Clone)]
pub struct OcpClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for OcpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OcpClient")
            .field("base_url", &self.inner.base_str)
            .field("user", &self.inner.user)
            .finish_non_exhaustive()
    }
}

impl OcpClient {
    pub fn new(cfg: OcpConfig) -> Result<Self, ApiError> {
        let trimmed = cfg.base_url.trim().trim_end_matches('/');
        const SERVER: &str = "OCP";
        let base = Url::parse(trimmed).map_err(|e| RequestError::BadUrl {
            server: SERVER,
            url: trimmed.to_string(),
            cause: Cause::new(e),
        })?;
        if !base.username().is_empty() || base.password().is_some() {
            return Err(RequestError::CredentialsInUrl { server: SERVER }.into());
        }
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(RequestError::NotHttp {
                server: SERVER,
                url: trimmed.to_string(),
            }
            .into());
        }
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let lang = HeaderValue::from_str(&cfg.accept_language)
            .map_err(|_| RequestError::AcceptLanguage(cfg.accept_language.clone()))?;
        headers.insert(ACCEPT_LANGUAGE, lang);
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("obtui/", env!("CARGO_PKG_VERSION"))),
        );
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .default_headers(headers)
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout);
        if let Some(path) = &cfg.ca_cert {
            let pem = std::fs::read(path).map_err(|e| RequestError::CaCertRead {
                path: path.clone(),
                cause: Cause::new(e),
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                RequestError::CaCertPem {
                    path: path.clone(),
                    cause: Cause::new(e),
                }
            })?;
            if certs.is_empty() {
                return Err(RequestError::CaCertEmpty { path: path.clone() }.into());
            }
            for c in certs {
                builder = builder.add_root_certificate(c);
            }
        }
        if cfg.insecure {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let http = builder
            .build()
            .map_err(|e| RequestError::HttpClient(Cause::new(e)))?;
        Ok(OcpClient {
            inner: Arc::new(Inner {
                http,
                base_str: base.as_str().trim_end_matches('/').to_string(),
                base,
                user: cfg.user,
                password: cfg.password,
                access_key: cfg.access_key,
                now_ms: Arc::new(crate::time::now_ms),
                max_body: DEFAULT_MAX_BODY,
                recorder: crate::record::active().inspect(|r| r.learn_url(trimmed)),
            }),
        })
    }

    /// The same client with another body cap (tests, or very large inventories).
    pub fn with_max_body(&self, max_body: usize) -> Self {
        let mut i = (*self.inner).clone();
        i.max_body = max_body;
        OcpClient { inner: Arc::new(i) }
    }

    /// The same client reading "now" from `now_ms` for its signatures' `Date` (tests).
    pub fn with_clock(&self, now_ms: NowFn) -> Self {
        let mut i = (*self.inner).clone();
        i.now_ms = now_ms;
        OcpClient { inner: Arc::new(i) }
    }

    /// The same client recording its exchanges into `rec` (instead of the process's recorder).
    pub fn with_recorder(&self, rec: Arc<crate::record::Recorder>) -> Self {
        let mut i = (*self.inner).clone();
        rec.learn_url(&i.base_str);
        i.recorder = Some(rec);
        OcpClient { inner: Arc::new(i) }
    }

    /// The AccessKey id requests are signed with; `None`: HTTP Basic.
    pub fn access_key_id(&self) -> Option<&str> {
        self.inner.access_key.as_ref().map(|k| k.id.as_str())
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_str
    }

    pub fn user(&self) -> &str {
        &self.inner.user
    }

    // ---- transport --------------------------------------------------------------------------

    fn url(&self, segments: &[&str]) -> Result<Url, ApiError> {
        let mut url = self.inner.base.clone();
        {
            let mut p = url.path_segments_mut().map_err(|_| RequestError::NotHttp {
                server: "OCP",
                url: self.inner.base.to_string(),
            })?;
            p.pop_if_empty();
            p.extend(segments);
        }
        Ok(url)
    }

    /// Sign (AK/SK, at each send: a second try gets a fresh Date and signature) and send.
    async fn execute(
        &self,
        mut request: reqwest::Request,
        probe: bool,
    ) -> Result<reqwest::Response, ApiError> {
        if let (false, Some(key)) = (probe, &self.inner.access_key) {
            sign_request(&mut request, key, (self.inner.now_ms)());
        }
        self.inner
            .http
            .execute(request)
            .await
            .map_err(ApiError::from_reqwest)
    }

    /// Send one request and read the body up to the cap.
    async fn send(
        &self,
        method: Method,
        segments: &[&str],
        query: &Query,
        body: Option<Vec<u8>>,
        probe: bool,
    ) -> Result<RawResponse, ApiError> {
        let url = self.url(segments)?;
        let started = std::time::Instant::now();
        let (method_name, path) = (method.to_string(), url.path().to_string());
        let mut req = self.inner.http.request(method, url);
        if !query.is_empty() {
            req = req.query(query);
        }
        if probe {
            // The probes answer text/plain and need no auth; a JSON-only Accept could get a 406.
            req = req.header(ACCEPT, "text/plain, */*");
        } else if self.inner.access_key.is_none() {
            req = req.basic_auth(&self.inner.user, Some(self.inner.password.expose()));
        }
        // Wiped when dropped: a body may carry a password (masked before it is written).
        let recorded_body = self
            .inner
            .recorder
            .as_ref()
            .and(body.clone())
            .map(zeroize::Zeroizing::new);
        if let Some(b) = body {
            req = req.body(b);
        }
        let request = req.build().map_err(ApiError::from_reqwest)?;
        let recorded_query = request.url().query().unwrap_or("").to_string();
        // A read may go once more when its connection broke (a pooled connection the server or
        // a gateway closed as it was reused, or an answer cut mid-body): a GET changes nothing,
        // so the second try cannot do anything twice. Writes never go twice (their broken
        // answer is "outcome unknown", decided from the server's state).
        let again = (method_name == "GET")
            .then(|| request.try_clone())
            .flatten();
        let mut sent = self.execute(request, probe).await;
        if let (
            Err(ApiError::Transport {
                kind: TransportKind::Reset,
                message,
            }),
            Some(again),
        ) = (&sent, again)
        {
            tracing::debug!(method = %method_name, path = %path, error = %message, "OCP read broke; sent once more");
            sent = self.execute(again, probe).await;
        }
        let mut resp = match sent {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(method = %method_name, path = %path, error = %e, "OCP request failed");
                return Err(e);
            }
        };
        let status = resp.status().as_u16();
        tracing::debug!(
            method = %method_name,
            path = %path,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "OCP request"
        );
        let kept_headers: Vec<(String, String)> = if self.inner.recorder.is_some() {
            resp.headers()
                .iter()
                .filter(|(k, _)| {
                    let k = k.as_str();
                    k == "content-type" || k == "retry-after" || k.starts_with("ratelimit")
                })
                .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_string())))
                .collect()
        } else {
            Vec::new()
        };
        let retry_after_secs = header_secs(resp.headers(), "ratelimit-reset")
            .or_else(|| header_secs(resp.headers(), "retry-after"));
        let cap = self.inner.max_body;
        let too_large = |got: &[u8]| ApiError::Decode {
            status,
            detail: format!("body too large (over {cap} bytes)"),
            snippet: crate::error::snippet(got),
            cause: None,
        };
        if resp.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large(&[]));
        }
        // Sized once from Content-Length when the server sends it: growing by doubling would
        // briefly hold up to twice a big page.
        let hint = resp.content_length().unwrap_or(0).min(cap as u64) as usize;
        let mut buf: Vec<u8> = Vec::with_capacity(hint);
        while let Some(chunk) = resp.chunk().await.map_err(ApiError::from_reqwest)? {
            if buf.len() + chunk.len() > cap {
                return Err(too_large(&buf));
            }
            buf.extend_from_slice(&chunk);
        }
        if let Some(rec) = &self.inner.recorder {
            rec.record(&crate::record::Exchange {
                server: "ocp",
                method: &method_name,
                path: &path,
                query: &recorded_query,
                status,
                response_headers: kept_headers,
                request_body: recorded_body.as_ref().map(|b| b.as_slice()),
                response_body: &buf,
            });
        }
        Ok(RawResponse {
            status,
            retry_after_secs,
            body: buf,
        })
    }

    async fn get_raw(&self, segments: &[&str], query: &Query) -> Result<RawResponse, ApiError> {
        self.send(Method::GET, segments, query, None, false).await
    }

    async fn post_raw<B: Serialize + ?Sized>(
        &self,
        segments: &[&str],
        body: Option<&B>,
    ) -> Result<RawResponse, ApiError> {
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| RequestError::Body {
                what: "request body",
                cause: Cause::new(e),
            })?,
            // OCP documents no bodies for these POSTs; send an empty object for strict servers.
            None => b"{}".to_vec(),
        };
        self.send(Method::POST, segments, &Vec::new(), Some(bytes), false)
            .await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &Query,
    ) -> Result<T, ApiError> {
        decode_required(&self.get_raw(segments, query).await?)
    }

    async fn get_paged<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &Query,
    ) -> Result<Paged<T>, ApiError> {
        Ok(decode_envelope::<Paged<T>>(&self.get_raw(segments, query).await?)?.unwrap_or_default())
    }

    // ---- service ----------------------------------------------------------------------------

    /// `GET /api/v2/info` (un-enveloped).
    pub async fn info(&self) -> Result<OcpInfo, ApiError> {
        decode_plain(&self.get_raw(&["api", "v2", "info"], &Vec::new()).await?)
    }

    /// `GET /api/v2/time`: the server clock as text; needs no auth (a liveness probe).
    pub async fn time(&self) -> Result<String, ApiError> {
        let r = self
            .send(Method::GET, &["api", "v2", "time"], &Vec::new(), None, true)
            .await?;
        decode_text(&r)
    }

    /// `GET /api/status`: `okay`, `bad`, `bad monitordb`.
    pub async fn status(&self) -> Result<String, ApiError> {
        let r = self
            .send(Method::GET, &["api", "status"], &Vec::new(), None, true)
            .await?;
        decode_text(&r)
    }

    // ---- clusters ---------------------------------------------------------------------------

    pub async fn list_clusters(
        &self,
        page: &PageQuery,
        filter: &ClusterFilter,
    ) -> Result<Paged<ObCluster>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        push_opt(&mut q, "name", &filter.name);
        push_list(&mut q, "status", &filter.status);
        self.get_paged(&["api", "v2", "ob", "clusters"], &q).await
    }

    /// `GET /ob/clusters/{id}`. Undocumented, so when it answers 404 (or 405) the cluster is
    /// looked up in the list instead; a real "not found" then is a 404 error.
    pub async fn get_cluster(&self, id: i64) -> Result<ObCluster, ApiError> {
        let ids = id.to_string();
        let r = self
            .get_raw(&["api", "v2", "ob", "clusters", &ids], &Vec::new())
            .await?;
        if !matches!(r.status, 404 | 405) {
            return decode_required(&r);
        }
        let all = all_pages(MAX_PAGE_SIZE, |p| {
            let c = self.clone();
            async move { c.list_clusters(&p, &ClusterFilter::default()).await }
        })
        .await?;
        all.into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| ApiError::Server {
                status: 404,
                code: None,
                message: format!("cluster {id} not found"),
                trace_id: None,
                retry_after_secs: None,
                envelope: false,
            })
    }

    /// The cluster with this exact name, if any (the list filter is a keyword match).
    pub async fn find_cluster_by_name(&self, name: &str) -> Result<Option<ObCluster>, ApiError> {
        let filter = ClusterFilter {
            name: Some(name.to_string()),
            status: Vec::new(),
        };
        let all = all_pages(MAX_PAGE_SIZE, |p| {
            let c = self.clone();
            let f = filter.clone();
            async move { c.list_clusters(&p, &f).await }
        })
        .await?;
        Ok(all.into_iter().find(|c| c.name == name))
    }

    pub async fn list_zones(&self, cluster_id: i64) -> Result<Vec<Zone>, ApiError> {
        let id = cluster_id.to_string();
        let p: Paged<Zone> = self
            .get_paged(&["api", "v2", "ob", "clusters", &id, "zones"], &Vec::new())
            .await?;
        Ok(p.contents)
    }

    pub async fn list_servers(
        &self,
        cluster_id: i64,
        filter: &ServerFilter,
    ) -> Result<Vec<Server>, ApiError> {
        let id = cluster_id.to_string();
        let mut q = Query::new();
        push_opt(&mut q, "regionName", &filter.region_name);
        push_opt(&mut q, "idcName", &filter.idc_name);
        let p: Paged<Server> = self
            .get_paged(&["api", "v2", "ob", "clusters", &id, "servers"], &q)
            .await?;
        Ok(p.contents)
    }

    pub async fn list_zone_servers(
        &self,
        cluster_id: i64,
        zone_name: &str,
    ) -> Result<Vec<Server>, ApiError> {
        let id = cluster_id.to_string();
        let p: Paged<Server> = self
            .get_paged(
                &[
                    "api", "v2", "ob", "clusters", &id, "zones", zone_name, "servers",
                ],
                &Vec::new(),
            )
            .await?;
        Ok(p.contents)
    }

    pub async fn list_cluster_tenants(
        &self,
        cluster_id: i64,
        page: &PageQuery,
        filter: &TenantFilter,
    ) -> Result<Paged<Tenant>, ApiError> {
        let id = cluster_id.to_string();
        let q = tenant_query(page, filter);
        self.get_paged(&["api", "v2", "ob", "clusters", &id, "tenants"], &q)
            .await
    }

    pub async fn list_tenants(
        &self,
        page: &PageQuery,
        filter: &TenantFilter,
    ) -> Result<Paged<Tenant>, ApiError> {
        let q = tenant_query(page, filter);
        self.get_paged(&["api", "v2", "ob", "tenants"], &q).await
    }

    pub async fn get_tenant(&self, cluster_id: i64, tenant_id: i64) -> Result<Tenant, ApiError> {
        let (c, t) = (cluster_id.to_string(), tenant_id.to_string());
        self.get(
            &["api", "v2", "ob", "clusters", &c, "tenants", &t],
            &Vec::new(),
        )
        .await
    }

    // ---- alarms and audit events ---------------------------------------------------------

    /// `GET /api/v2/alarm/alarms` (size at most 200).
    pub async fn list_alarms(
        &self,
        page: &PageQuery,
        filter: &AlarmFilter,
    ) -> Result<Paged<Alarm>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        push_opt(&mut q, "status", &filter.status);
        if let Some(l) = filter.level {
            q.push(("level", l.to_string()));
        }
        push_opt(&mut q, "scope", &filter.scope);
        push_opt(&mut q, "obCluster", &filter.ob_cluster);
        push_opt(&mut q, "obTenant", &filter.ob_tenant);
        push_opt(&mut q, "hostIp", &filter.host_ip);
        push_opt(&mut q, "keyword", &filter.keyword);
        self.get_paged(&["api", "v2", "alarm", "alarms"], &q).await
    }

    /// `GET /api/v2/alarm/alarms/{id}`: `data` is the alarm itself.
    pub async fn get_alarm(&self, id: i64) -> Result<Alarm, ApiError> {
        let id = id.to_string();
        self.get(&["api", "v2", "alarm", "alarms", &id], &Vec::new())
            .await
    }

    /// `GET /api/v2/alarm/notifications`.
    pub async fn list_alarm_notifications(
        &self,
        page: &PageQuery,
    ) -> Result<Paged<AlarmNotification>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        self.get_paged(&["api", "v2", "alarm", "notifications"], &q)
            .await
    }

    /// `GET /api/v2/audit/events` (its sort is `order`, not `sort`).
    pub async fn list_audit_events(
        &self,
        page: &PageQuery,
        filter: &AuditFilter,
    ) -> Result<Paged<AuditEvent>, ApiError> {
        let mut q = Query::new();
        q.push(("page", page.page.max(1).to_string()));
        q.push(("size", page.size.clamp(1, MAX_PAGE_SIZE).to_string()));
        push_opt(&mut q, "resourceName", &filter.resource_name);
        push_opt(&mut q, "status", &filter.status);
        push_opt(&mut q, "order", &filter.order);
        self.get_paged(&["api", "v2", "audit", "events"], &q).await
    }

    pub async fn cluster_stats(&self, cluster_id: i64) -> Result<ClusterStats, ApiError> {
        let id = cluster_id.to_string();
        self.get(&["api", "v2", "ob", "clusters", &id, "stats"], &Vec::new())
            .await
    }

    pub async fn server_stats(&self, cluster_id: i64) -> Result<Vec<ServerStats>, ApiError> {
        let id = cluster_id.to_string();
        let p: Paged<ServerStats> = self
            .get_paged(
                &["api", "v2", "ob", "clusters", &id, "serverStats"],
                &Vec::new(),
            )
            .await?;
        Ok(p.contents)
    }

    pub async fn list_units(&self, cluster_id: i64) -> Result<Vec<UnitInfo>, ApiError> {
        let id = cluster_id.to_string();
        let p: Paged<UnitInfo> = self
            .get_paged(&["api", "v2", "ob", "clusters", &id, "units"], &Vec::new())
            .await?;
        Ok(p.contents)
    }

    // ---- hosts ------------------------------------------------------------------------------

    pub async fn list_hosts(
        &self,
        page: &PageQuery,
        filter: &HostFilter,
    ) -> Result<Paged<Host>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        push_opt(&mut q, "keyword", &filter.keyword);
        push_list(&mut q, "status", &filter.status);
        self.get_paged(&["api", "v2", "compute", "hosts"], &q).await
    }

    pub async fn get_host(&self, host_id: i64) -> Result<Host, ApiError> {
        let id = host_id.to_string();
        self.get(&["api", "v2", "compute", "hosts", &id], &Vec::new())
            .await
    }

    pub async fn list_host_types(&self, page: &PageQuery) -> Result<Paged<HostType>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        self.get_paged(&["api", "v2", "compute", "hostTypes"], &q)
            .await
    }

    /// SSH credentials of the password box (`targetType=HOST`).
    pub async fn list_host_credentials(
        &self,
        page: &PageQuery,
    ) -> Result<Paged<Credential>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        q.push(("targetType", "HOST".to_string()));
        self.get_paged(&["api", "v2", "profiles", "me", "credentials"], &q)
            .await
    }

    pub async fn list_idcs(&self, page: &PageQuery) -> Result<Paged<Idc>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        self.get_paged(&["api", "v2", "compute", "idcs"], &q).await
    }

    pub async fn list_regions(&self, page: &PageQuery) -> Result<Paged<Region>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        self.get_paged(&["api", "v2", "compute", "regions"], &q)
            .await
    }

    // ---- OBProxy and packages ---------------------------------------------------------------

    pub async fn list_obproxy_clusters(
        &self,
        page: &PageQuery,
    ) -> Result<Paged<ObproxyCluster>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        self.get_paged(&["api", "v2", "obproxy", "clusters"], &q)
            .await
    }

    /// The OBProxy cluster with its `obproxies[]`.
    pub async fn get_obproxy_cluster(&self, id: i64) -> Result<ObproxyCluster, ApiError> {
        let id = id.to_string();
        self.get(&["api", "v2", "obproxy", "clusters", &id], &Vec::new())
            .await
    }

    pub async fn list_software_packages(
        &self,
        page: &PageQuery,
        filter: &PackageFilter,
    ) -> Result<Paged<SoftwarePackage>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        push_opt(&mut q, "keyword", &filter.keyword);
        push_list(&mut q, "type", &filter.types);
        push_list(&mut q, "version", &filter.versions);
        push_opt(&mut q, "operatingSystem", &filter.operating_system);
        push_opt(&mut q, "architecture", &filter.architecture);
        self.get_paged(&["api", "v2", "software-packages"], &q)
            .await
    }

    /// The `data` of a GET under `/api/v2/` as the server sent it, pretty-printed: what a
    /// "raw JSON" view shows of one object (`segments` after `api/v2`, e.g. `["compute",
    /// "hosts", "7"]`). A failure is the same typed error as any other call.
    pub async fn get_json(&self, segments: &[&str]) -> Result<String, ApiError> {
        let mut path = vec!["api", "v2"];
        path.extend_from_slice(segments);
        let v: serde_json::Value = self.get(&path, &Vec::new()).await?;
        serde_json::to_string_pretty(&v).map_err(|e| ApiError::Decode {
            status: 200,
            detail: format!("cannot print the answer: {e}"),
            snippet: String::new(),
            cause: None,
        })
    }

    // ---- tasks ------------------------------------------------------------------------------

    pub async fn list_tasks(
        &self,
        page: &PageQuery,
        filter: &TaskFilter,
    ) -> Result<Paged<TaskInstance>, ApiError> {
        let mut q = Query::new();
        page.push(&mut q);
        push_opt(&mut q, "name", &filter.name);
        push_list(&mut q, "status", &filter.status);
        push_opt(&mut q, "type", &filter.task_type);
        push_num(&mut q, "clusterId", filter.cluster_id);
        // The docs spell the filter `cluterName`; other sources say `clusterName`.
        push_opt(&mut q, "clusterName", &filter.cluster_name);
        push_opt(&mut q, "cluterName", &filter.cluster_name);
        push_num(&mut q, "tenantId", filter.tenant_id);
        push_num(&mut q, "hostId", filter.host_id);
        self.get_paged(&["api", "v2", "tasks", "instances"], &q)
            .await
    }

    pub async fn get_task(&self, task_id: i64) -> Result<TaskInstance, ApiError> {
        let r = self.get_task_raw(task_id).await?;
        crate::ocp::envelope::decode_task_detail(&r)
    }

    /// The task detail's answer as it came, for a poller that decodes it only when its
    /// `data` changed ([`crate::ocp::envelope::success_data_span`]); transport errors as
    /// [`Self::get_task`] has them.
    pub async fn get_task_raw(&self, task_id: i64) -> Result<RawResponse, ApiError> {
        let id = task_id.to_string();
        self.get_raw(&["api", "v2", "tasks", "instances", &id], &Vec::new())
            .await
    }

    pub async fn subtask_log(&self, task_id: i64, subtask_id: i64) -> Result<SubtaskLog, ApiError> {
        let (t, s) = (task_id.to_string(), subtask_id.to_string());
        let r = self
            .get_raw(
                &["api", "v2", "tasks", "instances", &t, "subtasks", &s, "log"],
                &Vec::new(),
            )
            .await?;
        Ok(decode_envelope(&r)?.unwrap_or_default())
    }

    /// Retry all failed subtasks. The docs return the task; OCP Express returns no data.
    pub async fn retry_task(&self, task_id: i64) -> Result<Option<TaskInstance>, ApiError> {
        let id = task_id.to_string();
        let r = self
            .post_raw::<()>(&["api", "v2", "tasks", "instances", &id, "retry"], None)
            .await?;
        decode_envelope(&r)
    }

    pub async fn rollback_task(&self, task_id: i64) -> Result<Option<TaskInstance>, ApiError> {
        let id = task_id.to_string();
        let r = self
            .post_raw::<()>(&["api", "v2", "tasks", "instances", &id, "rollback"], None)
            .await?;
        decode_envelope(&r)
    }

    pub async fn retry_subtask(
        &self,
        task_id: i64,
        subtask_id: i64,
    ) -> Result<Option<SubtaskInstance>, ApiError> {
        let r = self.subtask_op(task_id, subtask_id, "retry").await?;
        decode_envelope(&r)
    }

    /// Mark a failed subtask SUCCESSFUL and go on.
    pub async fn skip_subtask(&self, task_id: i64, subtask_id: i64) -> Result<(), ApiError> {
        decode_void(&self.subtask_op(task_id, subtask_id, "skip").await?)
    }

    /// Stop a running subtask (it ends FAILED).
    pub async fn cancel_subtask(&self, task_id: i64, subtask_id: i64) -> Result<(), ApiError> {
        decode_void(&self.subtask_op(task_id, subtask_id, "cancel").await?)
    }

    async fn subtask_op(
        &self,
        task_id: i64,
        subtask_id: i64,
        op: &str,
    ) -> Result<RawResponse, ApiError> {
        let (t, s) = (task_id.to_string(), subtask_id.to_string());
        self.post_raw::<()>(
            &["api", "v2", "tasks", "instances", &t, "subtasks", &s, op],
            None,
        )
        .await
    }

    // ---- cluster lifecycle ------------------------------------------------------------------

    pub async fn create_cluster(
        &self,
        body: &CreateClusterRequest,
    ) -> Result<TaskInstance, ApiError> {
        let r = self
            .post_raw(&["api", "v2", "ob", "clusters"], Some(body))
            .await?;
        decode_required(&r)
    }

    pub async fn takeover_precheck(
        &self,
        body: &TakeoverPrecheckRequest,
    ) -> Result<TakeoverPrecheckResult, ApiError> {
        let r = self
            .post_raw(
                &["api", "v2", "ob", "clusters", "takeOverPreCheck"],
                Some(body),
            )
            .await?;
        decode_required(&r)
    }

    /// Take over a cluster; the task's `clusterId` is the new OCP cluster id.
    pub async fn takeover(&self, body: &TakeoverRequest) -> Result<TaskInstance, ApiError> {
        let r = self
            .post_raw(&["api", "v2", "ob", "clusters", "takeOver"], Some(body))
            .await?;
        decode_required(&r)
    }

    pub async fn upgrade_cluster(
        &self,
        cluster_id: i64,
        body: &UpgradeRequest,
    ) -> Result<TaskInstance, ApiError> {
        let id = cluster_id.to_string();
        let r = self
            .post_raw(&["api", "v2", "ob", "clusters", &id, "upgrade"], Some(body))
            .await?;
        decode_required(&r)
    }

    pub async fn add_zone(
        &self,
        cluster_id: i64,
        body: &AddZoneRequest,
    ) -> Result<TaskInstance, ApiError> {
        let id = cluster_id.to_string();
        let r = self
            .post_raw(&["api", "v2", "ob", "clusters", &id, "zones"], Some(body))
            .await?;
        decode_required(&r)
    }

    pub async fn add_servers(
        &self,
        cluster_id: i64,
        body: &AddServersRequest,
    ) -> Result<TaskInstance, ApiError> {
        let id = cluster_id.to_string();
        let r = self
            .post_raw(&["api", "v2", "ob", "clusters", &id, "servers"], Some(body))
            .await?;
        decode_required(&r)
    }

    /// Take OBProxies over into an OBProxy cluster: one task per host.
    pub async fn obproxy_takeover(
        &self,
        obproxy_cluster_id: i64,
        body: &ObproxyTakeoverRequest,
    ) -> Result<Vec<TaskInstance>, ApiError> {
        let id = obproxy_cluster_id.to_string();
        let r = self
            .post_raw(
                &["api", "v2", "obproxy", "clusters", &id, "takeOver"],
                Some(body),
            )
            .await?;
        Ok(decode_envelope::<Paged<TaskInstance>>(&r)?
            .unwrap_or_default()
            .contents)
    }
}

/// Add `Date` and the AK/SK `Authorization` to a request built to be sent: the signature covers
/// the method, body, content type, date, host, `x-ocp-` headers, path and query as they go out.
fn sign_request(request: &mut reqwest::Request, key: &super::sign::AccessKey, now_ms: i64) {
    use super::sign;
    use reqwest::header::{AUTHORIZATION, DATE};
    // The client's default Content-Type is merged only at send time: set it here so the
    // signed value is the one sent.
    if !request.headers().contains_key(CONTENT_TYPE) {
        request
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    let date = sign::http_date(now_ms);
    let url = request.url();
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => String::new(),
    };
    let query = url.query().map(sign::parse_query).unwrap_or_default();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let method = request.method().as_str().to_string();
    let body = request.body().and_then(|b| b.as_bytes());
    let parts = sign::SignedParts {
        method: &method,
        body,
        content_type: &content_type,
        date: &date,
        host: &host,
        headers: &headers,
        path: url.path(),
        query: &query,
    };
    let auth = zeroize::Zeroizing::new(sign::authorization(key, &parts));
    if let (Ok(mut a), Ok(d)) = (HeaderValue::from_str(&auth), HeaderValue::from_str(&date)) {
        a.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, a);
        request.headers_mut().insert(DATE, d);
    }
}

fn tenant_query(page: &PageQuery, filter: &TenantFilter) -> Query {
    let mut q = Query::new();
    page.push(&mut q);
    push_opt(&mut q, "name", &filter.name);
    push_list(&mut q, "mode", &filter.mode);
    push_list(&mut q, "status", &filter.status);
    q
}

/// Seconds until a rate-limit window resets. `RateLimit-Reset` means seconds from now; some
/// gateways send a Unix time instead, which is turned into seconds from now.
fn header_secs(h: &HeaderMap, name: &str) -> Option<u64> {
    let v = h.get(name)?.to_str().ok()?.trim();
    let secs = v.parse::<u64>().ok().or_else(|| {
        v.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && *f >= 0.0)
            .map(|f| f.ceil() as u64)
    })?;
    const UNIX_TIME_FLOOR: u64 = 1_000_000_000;
    if secs < UNIX_TIME_FLOOR {
        return Some(secs);
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(secs.saturating_sub(now))
}

/// Walk a paged list from page 1 until `totalPages` (or an empty / short page), `size` items a
/// page (capped at 2000), and never more than [`MAX_PAGES`] pages, so a server that lies about
/// its totals cannot keep us looping.
pub async fn all_pages<T, F, Fut>(size: u32, fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(PageQuery) -> Fut,
    Fut: Future<Output = Result<Paged<T>, ApiError>>,
{
    let mut out = Vec::new();
    each_page(size, fetch, |items, _| out.extend(items)).await?;
    Ok(out)
}

/// Where a paged walk is: pages fetched so far (1-based) and how many the server announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageProgress {
    pub page: u32,
    /// From `totalPages`, or `totalElements` over the page size; `None` for an unpaged answer.
    pub total_pages: Option<u32>,
}

/// [`all_pages`], handing each page's items to `each` as soon as the page is decoded, so the
/// caller converts page by page and the wire models of one page are dropped before the next
/// is decoded. The next page is requested before this one is handed on, so the server works
/// on it while the caller converts. Returns how many pages (requests) it took.
pub async fn each_page<T, F, Fut, G>(size: u32, mut fetch: F, mut each: G) -> Result<u32, ApiError>
where
    F: FnMut(PageQuery) -> Fut,
    Fut: Future<Output = Result<Paged<T>, ApiError>>,
    G: FnMut(Vec<T>, PageProgress),
{
    let size = size.clamp(1, MAX_PAGE_SIZE);
    let mut seen: i64 = 0;
    let mut page = 1;
    let mut p = fetch(PageQuery::new(page, size)).await?;
    loop {
        let n = p.contents.len();
        seen += n as i64;
        let (more, total_pages) = match &p.page {
            Some(info) if info.total_pages > 0 => {
                (i64::from(page) < info.total_pages, Some(info.total_pages))
            }
            Some(info) => (
                seen < info.total_elements,
                Some((info.total_elements.max(seen) + i64::from(size) - 1) / i64::from(size)),
            ),
            // Unpaged answer: everything came at once.
            None => (false, None),
        };
        let total_pages =
            total_pages.map(|t| u32::try_from(t.clamp(1, i64::from(MAX_PAGES))).unwrap_or(page));
        let at = PageProgress {
            page,
            total_pages: total_pages.map(|t| t.max(page)),
        };
        if !more || n == 0 || page >= MAX_PAGES {
            each(p.contents, at);
            return Ok(page);
        }
        // The next page is asked for before this one is handed on: the server prepares it (and
        // the answer travels) while this page is converted, instead of after. `join!` polls the
        // request first, which sends it; the conversion then runs; then the answer is awaited.
        let next = fetch(PageQuery::new(page + 1, size));
        let contents = p.contents;
        let (r, ()) = tokio::join!(next, async { each(contents, at) });
        p = r?;
        page += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let cfg = OcpConfig::new("http://127.0.0.1:8080/", "admin", Secret::new("aaAA11__"));
        assert!(!format!("{cfg:?}").contains("aaAA11__"));
        let c = OcpClient::new(cfg).expect("client");
        let d = format!("{c:?}");
        assert!(!d.contains("aaAA11__"), "{d}");
        assert!(d.contains("admin"));
        assert_eq!(c.base_url(), "http://127.0.0.1:8080");
    }

    #[test]
    fn bad_urls_are_request_errors() {
        for u in ["", "not a url", "ftp://x", "http://u:p@host:8080"] {
            let r = OcpClient::new(OcpConfig::new(u, "a", Secret::new("b")));
            assert!(matches!(r, Err(ApiError::Build(_))), "{u}");
        }
    }

    #[test]
    fn build_errors_keep_their_cause() {
        use std::error::Error as _;
        let e = OcpClient::new(OcpConfig::new("not a url", "a", Secret::new("b")))
            .expect_err("bad URL");
        let ApiError::Build(RequestError::BadUrl { server, url, cause }) = &e else {
            panic!("{e:?}");
        };
        assert_eq!((*server, url.as_str()), ("OCP", "not a url"));
        assert_eq!(cause.to_string(), "relative URL without a base");
        assert!(e.source().is_some());
        // Credentials are never echoed.
        let e = OcpClient::new(OcpConfig::new("http://u:pw9@h:8080", "a", Secret::new("b")))
            .expect_err("credentials");
        assert!(!e.to_string().contains("pw9"), "{e}");
        let mut cfg = OcpConfig::new("http://h:8080", "a", Secret::new("b"));
        cfg.ca_cert = Some("/nonexistent/ca.pem".into());
        let e = OcpClient::new(cfg).expect_err("missing CA file");
        let ApiError::Build(RequestError::CaCertRead { cause, .. }) = &e else {
            panic!("{e:?}");
        };
        let io = cause
            .get()
            .downcast_ref::<std::io::Error>()
            .expect("io cause");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert!(
            e.to_string().starts_with("--cacert /nonexistent/ca.pem: "),
            "{e}"
        );
    }

    #[test]
    fn url_segments_are_escaped_and_keep_a_base_path() {
        let c = OcpClient::new(OcpConfig::new(
            "https://gw.example/ocp/",
            "a",
            Secret::new("b"),
        ))
        .expect("client");
        let u = c
            .url(&[
                "api", "v2", "ob", "clusters", "1", "zones", "zone 1/x", "servers",
            ])
            .expect("url");
        assert_eq!(
            u.as_str(),
            "https://gw.example/ocp/api/v2/ob/clusters/1/zones/zone%201%2Fx/servers"
        );
    }

    #[test]
    fn rate_limit_reset_as_delta_or_unix_time() {
        let mut h = HeaderMap::new();
        h.insert("ratelimit-reset", HeaderValue::from_static("42"));
        assert_eq!(header_secs(&h, "ratelimit-reset"), Some(42));
        let soon = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() + 30)
            .unwrap_or(0);
        h.insert(
            "ratelimit-reset",
            HeaderValue::from_str(&soon.to_string()).expect("value"),
        );
        let got = header_secs(&h, "ratelimit-reset").unwrap_or(999);
        assert!((28..=30).contains(&got), "{got}");
        h.insert("ratelimit-reset", HeaderValue::from_static("soon"));
        assert_eq!(header_secs(&h, "ratelimit-reset"), None);
        assert_eq!(header_secs(&h, "retry-after"), None);
    }

    #[test]
    fn page_query_is_clamped() {
        let mut q = Query::new();
        PageQuery::new(0, 5000).sorted("id,asc").push(&mut q);
        assert_eq!(
            q,
            vec![
                ("page", "1".to_string()),
                ("size", "2000".to_string()),
                ("sort", "id,asc".to_string())
            ]
        );
    }

    fn page_of(n: usize, total_pages: i64) -> Paged<u32> {
        Paged {
            contents: (0..n as u32).collect(),
            page: Some(PageInfo {
                number: 1,
                size: n as i64,
                total_elements: 0,
                total_pages,
            }),
        }
    }

    #[tokio::test]
    async fn all_pages_walks_until_total_pages() {
        let mut calls = Vec::new();
        let v = all_pages(3, |p| {
            calls.push(p.page);
            async move { Ok(page_of(3, 4)) }
        })
        .await
        .expect("pages");
        assert_eq!(v.len(), 12);
        assert_eq!(calls, vec![1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn all_pages_survives_a_lying_server() {
        let mut calls = 0u32;
        let v = all_pages(1, |_| {
            calls += 1;
            async move { Ok(page_of(1, i64::MAX)) }
        })
        .await
        .expect("pages");
        assert_eq!(calls, MAX_PAGES);
        assert_eq!(v.len(), MAX_PAGES as usize);
        // An empty page ends the walk whatever the totals say.
        let mut calls = 0u32;
        let v = all_pages(10, |_| {
            calls += 1;
            async move { Ok(page_of(0, 99)) }
        })
        .await
        .expect("pages");
        assert!(v.is_empty());
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn each_page_hands_over_every_page_with_its_progress() {
        let mut seen = Vec::new();
        let pages = each_page(
            3,
            |_| async move { Ok(page_of(3, 4)) },
            |items, at| seen.push((items.len(), at)),
        )
        .await
        .expect("pages");
        assert_eq!(pages, 4);
        let totals: Vec<_> = seen
            .iter()
            .map(|(n, at)| (*n, at.page, at.total_pages))
            .collect();
        assert_eq!(
            totals,
            vec![
                (3, 1, Some(4)),
                (3, 2, Some(4)),
                (3, 3, Some(4)),
                (3, 4, Some(4))
            ]
        );
        // Only totalElements: the page count follows from the page size.
        let mut seen = Vec::new();
        each_page(
            2,
            |p| async move {
                Ok(Paged {
                    contents: if p.page < 3 { vec![1u32, 2] } else { vec![1] },
                    page: Some(PageInfo {
                        number: i64::from(p.page),
                        size: 2,
                        total_elements: 5,
                        total_pages: 0,
                    }),
                })
            },
            |_, at| seen.push(at.total_pages),
        )
        .await
        .expect("pages");
        assert_eq!(seen, vec![Some(3), Some(3), Some(3)]);
    }

    #[tokio::test]
    async fn each_page_asks_for_the_next_page_before_handing_on_this_one() {
        use std::sync::Mutex;
        // A request is sent when its future is first polled: the log shows when.
        let log = Mutex::new(Vec::new());
        let pages = each_page(
            3,
            |q| {
                let log = &log;
                async move {
                    log.lock().expect("log").push(format!("send {}", q.page));
                    tokio::task::yield_now().await;
                    Ok(page_of(3, 3))
                }
            },
            |_, at| log.lock().expect("log").push(format!("each {}", at.page)),
        )
        .await
        .expect("pages");
        assert_eq!(pages, 3);
        assert_eq!(
            log.into_inner().expect("log"),
            ["send 1", "send 2", "each 1", "send 3", "each 2", "each 3"]
        );
    }

    #[tokio::test]
    async fn all_pages_stops_on_error_and_on_unpaged_answer() {
        let r: Result<Vec<u32>, _> =
            all_pages(10, |_| async { Err(ApiError::Request("boom".into())) }).await;
        assert!(r.is_err());
        let v = all_pages(10, |_| async {
            Ok(Paged {
                contents: vec![1u32, 2],
                page: None,
            })
        })
        .await
        .expect("unpaged");
        assert_eq!(v, vec![1, 2]);
    }
}
