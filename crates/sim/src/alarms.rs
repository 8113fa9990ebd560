//! Alarms and audit events (ocp-api.md §14.5, §14.6).
//!
//! **Alarms.** The task engine raises one when a task ends `FAILED` (level 2 Critical, on the
//! task's cluster, or its host, or OCP itself) and resolves it when the same task later ends
//! `SUCCESSFUL` (after a retry) or is rolled back. `POST /sim/faults {"alarm": {…}}` raises one
//! by hand (see [`crate::faults`]). `GET /api/v2/alarm/alarms` lists them (filters `status`,
//! `level`, `scope`, `obCluster`, `obTenant`, `hostIp`, `keyword`; `size` at most 200; newest
//! first), `GET /api/v2/alarm/alarms/{id}` is one, and `GET /api/v2/alarm/notifications` is
//! one `Success` notification per alarm raised. Times are UTC with `Z`, as in the samples;
//! `labels` repeat the fields as strings.
//!
//! **Audit events.** Every write the OCP API accepts (any authenticated request but GET and
//! HEAD, prechecks aside) records an event: who (the configured user), what (an
//! `operationEvent` such as `CREATE_OB_CLUSTER`, `RETRY_TASK`), the resource (type, id, name),
//! the result (`SUCCESS` for a 2xx answer, `FAILED` otherwise), the task it started, and the
//! path's ids as `eventInfo` — never the body, which may carry passwords.
//! `GET /api/v2/audit/events` lists them newest first (filters `status`, `resourceName`,
//! `operatorName`, `eventType`, `operationEvent`; `order=startTime,asc` for oldest first).

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use super::envelope::{self, Fail, Reply};
use super::params::{contains_ci, in_list, Params};
use super::{Db, SimState};

/// Alarm levels as OCP numbers them (1–5) and names them in `labels.alarm_level`.
pub const LEVELS: [&str; 5] = ["Stopped", "Critical", "Warning", "Caution", "Reminder"];

/// The most a list page holds (the doc's limit).
const MAX_ALARM_PAGE: usize = 200;

/// One alarm.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub id: i64,
    pub alarm_type: String,
    pub app_type: String,
    /// `ObCluster` | `ObTenant` | `Host` | `Service`.
    pub scope: String,
    /// 1–5.
    pub level: i64,
    pub name: String,
    pub summary: String,
    pub description: String,
    pub cluster: Option<(i64, String)>,
    pub tenant: Option<String>,
    pub host_ip: Option<String>,
    pub active_ms: i64,
    pub updated_ms: i64,
    pub resolved_ms: Option<i64>,
    /// The task whose failure raised it.
    pub task_id: Option<i64>,
}

impl Alarm {
    pub fn active(&self) -> bool {
        self.resolved_ms.is_none()
    }

    pub fn status(&self) -> &'static str {
        if self.active() {
            "Active"
        } else {
            "Inactive"
        }
    }

    /// `ob_cluster=name:tenant_name=t1`, `svr_ip=10.0.0.1`, `service=OCP`.
    pub fn target(&self) -> String {
        let mut parts = Vec::new();
        if let Some((_, name)) = &self.cluster {
            parts.push(format!("ob_cluster={name}"));
        }
        if let Some(t) = &self.tenant {
            parts.push(format!("tenant_name={t}"));
        }
        if let Some(ip) = &self.host_ip {
            parts.push(format!("svr_ip={ip}"));
        }
        if parts.is_empty() {
            parts.push("service=OCP".into());
        }
        parts.join(":")
    }

    fn level_name(&self) -> &'static str {
        usize::try_from(self.level - 1)
            .ok()
            .and_then(|i| LEVELS.get(i))
            .copied()
            .unwrap_or("Reminder")
    }

    /// The documented alarm object.
    pub fn to_json(&self) -> Value {
        let mut labels = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            labels.insert(k.to_string(), v);
        };
        put("alarm_name", self.name.clone());
        put("alarm_type", self.alarm_type.clone());
        put("alarm_level", self.level_name().into());
        put("alarm_status", self.status().into());
        put("alarm_scope", self.scope.clone());
        put("alarm_summary", self.summary.clone());
        put("alarm_description", self.description.clone());
        put("alarm_target", self.target());
        put("alarm_active_at", utc(self.active_ms));
        put("alarm_updated_at", utc(self.updated_ms));
        put("alarm_id", self.id.to_string());
        put("app", self.app_type.clone());
        put("app_type", self.app_type.clone());
        if let Some(r) = self.resolved_ms {
            put("alarm_resolved_at", utc(r));
        }
        if let Some((id, name)) = &self.cluster {
            put("ob_cluster", name.clone());
            put("ob_cluster_id", id.to_string());
        }
        if let Some(t) = &self.tenant {
            put("tenant_name", t.clone());
        }
        if let Some(ip) = &self.host_ip {
            put("svr_ip", ip.clone());
            put("host_ip", ip.clone());
        }
        if let Some(t) = self.task_id {
            put("task_id", t.to_string());
        }
        let mut v = json!({
            "id": self.id,
            "alarmType": self.alarm_type,
            "appType": self.app_type,
            "scope": self.scope,
            "level": self.level,
            "status": self.status(),
            "target": self.target(),
            "summary": self.summary,
            "description": self.description,
            "activeAt": utc(self.active_ms),
            "updatedAt": utc(self.updated_ms),
            "gmtCreate": utc(self.active_ms),
            "gmtModified": utc(self.updated_ms),
            "labels": labels,
        });
        if let (Some(r), Some(m)) = (self.resolved_ms, v.as_object_mut()) {
            m.insert("resolvedAt".into(), Value::String(utc(r)));
        }
        v
    }
}

/// `2020-12-03T01:44:04Z`: alarm times are UTC, whole seconds.
pub fn utc(ms: i64) -> String {
    jiff::Timestamp::from_second(ms.div_euclid(1000))
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Every alarm the simulator raised, oldest first.
#[derive(Debug, Clone)]
pub struct Alarms {
    pub list: Vec<Alarm>,
    next_id: i64,
}

impl Default for Alarms {
    fn default() -> Self {
        Alarms {
            list: Vec::new(),
            next_id: 1_000_200,
        }
    }
}

impl Alarms {
    /// Raise `a` (its id is assigned here); returns the id.
    pub fn raise(&mut self, mut a: Alarm) -> i64 {
        a.id = self.next_id;
        self.next_id += 1;
        let id = a.id;
        self.list.push(a);
        id
    }

    /// Resolve an active alarm; false when there is none of that id.
    pub fn resolve(&mut self, id: i64, now: i64) -> bool {
        match self.list.iter_mut().find(|a| a.id == id && a.active()) {
            Some(a) => {
                a.resolved_ms = Some(now);
                a.updated_ms = now;
                true
            }
            None => false,
        }
    }

    pub fn get(&self, id: i64) -> Option<&Alarm> {
        self.list.iter().find(|a| a.id == id)
    }

    pub fn active(&self) -> impl Iterator<Item = &Alarm> {
        self.list.iter().filter(|a| a.active())
    }
}

/// What the engine knows of a task that ended.
pub struct EndedTask {
    pub id: i64,
    pub name: String,
    pub cluster: Option<(i64, String)>,
    pub host_id: Option<i64>,
}

/// A task ended FAILED: raise its alarm (once while it stays active).
pub fn task_failed(db: &mut Db, t: &EndedTask, now: i64) {
    if db
        .alarms
        .active()
        .any(|a| a.task_id == Some(t.id) && a.alarm_type == "ocp_task_failed")
    {
        return;
    }
    let host_ip = match (&t.cluster, t.host_id) {
        (None, Some(h)) => db.inv.host(h).map(|h| h.ip.clone()),
        _ => None,
    };
    let (scope, on) = match (&t.cluster, &host_ip) {
        (Some((_, name)), _) => ("ObCluster", format!("cluster {name}")),
        (None, Some(ip)) => ("Host", format!("host {ip}")),
        (None, None) => ("Service", "OCP".to_string()),
    };
    let summary = format!("Task {} failed: {} on {on}", t.id, t.name);
    db.alarms.raise(Alarm {
        id: 0,
        alarm_type: "ocp_task_failed".into(),
        app_type: if t.cluster.is_some() { "OB" } else { "OCP" }.into(),
        scope: scope.into(),
        level: 2,
        name: "OCP task failed".into(),
        description: format!(
            "{summary}. Retry the failed subtask or roll the task back; the alarm clears when \
             the task succeeds or is rolled back."
        ),
        summary,
        cluster: t.cluster.clone(),
        tenant: None,
        host_ip,
        active_ms: now,
        updated_ms: now,
        resolved_ms: None,
        task_id: Some(t.id),
    });
}

/// A task succeeded or was rolled back: resolve the alarms its failure raised.
pub fn task_cleared(db: &mut Db, task_id: i64, now: i64) {
    let ids: Vec<i64> = db
        .alarms
        .active()
        .filter(|a| a.task_id == Some(task_id))
        .map(|a| a.id)
        .collect();
    for id in ids {
        db.alarms.resolve(id, now);
    }
}

/// `POST /sim/faults {"alarm": {…}}`: every field optional; `resolve` (an id) clears one
/// instead of raising.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    /// 1–5 (default 2, Critical).
    pub level: Option<i64>,
    /// A cluster name of the inventory (its id is looked up).
    pub cluster: Option<String>,
    /// A tenant name (with `cluster`).
    pub tenant: Option<String>,
    /// A host IP.
    pub host: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub alarm_type: Option<String>,
    pub resolve: Option<i64>,
}

/// Raise (or resolve) the alarm a fault spec describes; the alarm's JSON, or why not.
pub fn apply_spec(db: &mut Db, s: AlarmSpec, now: i64) -> Result<Value, Fail> {
    if let Some(id) = s.resolve {
        if !db.alarms.resolve(id, now) {
            return Err(Fail::not_found(format!("no active alarm {id}")));
        }
        return Ok(db.alarms.get(id).map(Alarm::to_json).unwrap_or(Value::Null));
    }
    let level = s.level.unwrap_or(2);
    if !(1..=5).contains(&level) {
        return Err(Fail::bad("alarm level must be 1..=5"));
    }
    let cluster = match s.cluster.as_deref() {
        Some(name) => {
            let c = db
                .inv
                .clusters
                .iter()
                .find(|c| c.name == name)
                .ok_or_else(|| Fail::bad(format!("no cluster named {name:?}")))?;
            if let Some(t) = s.tenant.as_deref() {
                if !c.tenants.iter().any(|x| x.name == t) {
                    return Err(Fail::bad(format!("cluster {name} has no tenant {t:?}")));
                }
            }
            Some((c.id, c.name.clone()))
        }
        None if s.tenant.is_some() => return Err(Fail::bad("a tenant alarm needs its cluster")),
        None => None,
    };
    let scope = match (&cluster, &s.tenant, &s.host) {
        (Some(_), Some(_), _) => "ObTenant",
        (Some(_), None, _) => "ObCluster",
        (None, _, Some(_)) => "Host",
        _ => "Service",
    };
    let target = match (&cluster, &s.tenant, &s.host) {
        (Some((_, c)), Some(t), _) => format!("tenant {t} of {c}"),
        (Some((_, c)), None, _) => format!("cluster {c}"),
        (None, _, Some(h)) => format!("host {h}"),
        _ => "OCP".into(),
    };
    let summary = s
        .summary
        .unwrap_or_else(|| format!("{} alarm on {target}", LEVELS[(level - 1) as usize]));
    let a = Alarm {
        id: 0,
        alarm_type: s.alarm_type.unwrap_or_else(|| "sim_injected".into()),
        app_type: if cluster.is_some() { "OB" } else { "OCP" }.into(),
        scope: scope.into(),
        level,
        name: "Injected alarm".into(),
        description: s.description.unwrap_or_else(|| summary.clone()),
        summary,
        cluster,
        tenant: s.tenant,
        host_ip: s.host,
        active_ms: now,
        updated_ms: now,
        resolved_ms: None,
        task_id: None,
    };
    let id = db.alarms.raise(a);
    Ok(db.alarms.get(id).map(Alarm::to_json).unwrap_or(Value::Null))
}

// ---------------------------------------------------------------------------------------
// Audit events

/// One audit event.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: i64,
    pub operation_event: String,
    pub event_type: String,
    pub resource_type: String,
    pub resource_id: Option<i64>,
    pub resource_name: Option<String>,
    pub operator_name: String,
    pub success: bool,
    pub task_id: Option<i64>,
    pub event_info: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl AuditEvent {
    /// The documented AuditEventHistory object.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "operationEvent": self.operation_event,
            "eventType": self.event_type,
            "resourceType": self.resource_type,
            "resourceId": self.resource_id,
            "resourceName": self.resource_name,
            "operatorName": self.operator_name,
            "operatorId": 100,
            "status": if self.success { "SUCCESS" } else { "FAILED" },
            "executionType": "NEW",
            "eventInfo": self.event_info,
            "clientIp": "127.0.0.1",
            "startTime": super::clock::iso_secs(self.start_ms),
            "endTime": super::clock::iso_secs(self.end_ms),
        });
        if let (Some(t), Some(m)) = (self.task_id, v.as_object_mut()) {
            m.insert("taskId".into(), json!(t));
        }
        v
    }
}

/// Every audit event, oldest first.
#[derive(Debug, Default)]
pub struct AuditLog {
    pub list: Vec<AuditEvent>,
}

/// What a write's path says about it: event type, operation, resource type, the id in the
/// path, and the path's ids for `eventInfo`.
struct WriteKind {
    event_type: &'static str,
    operation: String,
    resource_type: &'static str,
    resource_id: Option<i64>,
    task_id: Option<i64>,
    info: BTreeMap<&'static str, i64>,
}

/// `takeOver` → `TAKE_OVER`.
fn screaming(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out.replace('-', "_")
}

fn classify(method: &Method, path: &str) -> Option<WriteKind> {
    let segs: Vec<&str> = path
        .trim_start_matches("/api/v2/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    // A precheck changes nothing.
    if segs
        .last()
        .is_some_and(|s| s.to_ascii_lowercase().contains("precheck"))
    {
        return None;
    }
    let num = |i: usize| segs.get(i).and_then(|s| s.parse::<i64>().ok());
    let mut info = BTreeMap::new();
    let verb_of_method = match *method {
        Method::POST => "CREATE",
        Method::DELETE => "DELETE",
        _ => "UPDATE",
    };
    // The last word of the path that is not an id nor a collection already named.
    let action = segs
        .iter()
        .rev()
        .find(|s| s.parse::<i64>().is_err())
        .copied()
        .unwrap_or_default();
    let k = match segs.as_slice() {
        ["tasks", "instances", _, rest @ ..] => {
            let task = num(2);
            if let Some(t) = task {
                info.insert("taskId", t);
            }
            let op = match rest {
                [op] => format!("{}_TASK", screaming(op)),
                [_, sub, op] => {
                    if let Ok(s) = sub.parse::<i64>() {
                        info.insert("subtaskId", s);
                    }
                    format!("{}_SUBTASK", screaming(op))
                }
                _ => format!("{verb_of_method}_TASK"),
            };
            WriteKind {
                event_type: "OB_CLUSTER_MANAGEMENT",
                operation: op,
                resource_type: "OB_CLUSTER",
                resource_id: None,
                task_id: task,
                info,
            }
        }
        ["ob", "clusters", rest @ ..] => {
            let cluster = num(2);
            if let Some(c) = cluster {
                info.insert("clusterId", c);
            }
            let tenant = match rest {
                [_, "tenants", t, ..] => t.parse::<i64>().ok(),
                _ => None,
            };
            if let Some(t) = tenant {
                info.insert("tenantId", t);
            }
            let on_tenant = rest.get(1) == Some(&"tenants");
            let (event_type, resource_type, noun) = if on_tenant {
                ("OB_TENANT_MANAGEMENT", "OB_TENANT", "TENANT")
            } else {
                ("OB_CLUSTER_MANAGEMENT", "OB_CLUSTER", "OB_CLUSTER")
            };
            let operation = match (rest, action) {
                ([], _) => "CREATE_OB_CLUSTER".to_string(),
                ([_, "zones"], _) => "ADD_OB_ZONES".to_string(),
                ([_, "servers"], _) => "ADD_OB_SERVERS".to_string(),
                ([_, "tenants"], _) => "CREATE_TENANT".to_string(),
                ([id], _) | ([_, "tenants", id], _) if id.parse::<i64>().is_ok() => {
                    format!("{verb_of_method}_{noun}")
                }
                (_, a) => format!("{}_{noun}", screaming(a)),
            };
            WriteKind {
                event_type,
                operation,
                resource_type,
                resource_id: if on_tenant { tenant } else { cluster },
                task_id: None,
                info,
            }
        }
        ["obproxy", rest @ ..] => {
            let id = num(2);
            if let Some(p) = id {
                info.insert("obproxyClusterId", p);
            }
            let operation = match rest {
                ["clusters"] => "CREATE_OB_PROXY_CLUSTER".to_string(),
                _ => format!("{}_OB_PROXY", screaming(action)),
            };
            WriteKind {
                event_type: "OB_PROXY_CLUSTER_MANAGEMENT",
                operation,
                resource_type: "OB_PROXY_CLUSTER",
                resource_id: id,
                task_id: None,
                info,
            }
        }
        ["compute", rest @ ..] => {
            let id = num(2);
            if let Some(h) = id {
                info.insert("hostId", h);
            }
            let operation = match rest {
                ["hosts"] | ["hosts", "batchCreate"] => "ADD_HOST".to_string(),
                [_, _] => format!("{verb_of_method}_HOST"),
                _ => format!("{}_HOST", screaming(action)),
            };
            WriteKind {
                event_type: "COMPUTE_HOST_MANAGEMENT",
                operation,
                resource_type: "COMPUTE_HOST",
                resource_id: id,
                task_id: None,
                info,
            }
        }
        _ => WriteKind {
            event_type: "OCP_CLUSTER_MANAGEMENT",
            operation: format!("{verb_of_method}_{}", screaming(action)),
            resource_type: "OCP_CLUSTER",
            resource_id: None,
            task_id: None,
            info,
        },
    };
    Some(k)
}

/// The task id a write's answer names (`data.id` of a task instance).
fn task_in_answer(body: &[u8]) -> Option<i64> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let d = v.get("data")?;
    // A task instance carries subtasks or a task definition.
    if d.get("subtasks").is_some() || d.get("taskDefinitionId").is_some() {
        return d.get("id")?.as_i64();
    }
    None
}

/// Name the resource from the inventory (or the task the write started or acted on).
fn fill_resource(db: &Db, k: &mut WriteKind) -> Option<String> {
    if k.resource_id.is_none() {
        if let Some(c) = k
            .task_id
            .and_then(|t| db.tasks.get(t))
            .and_then(|t| t.cluster.as_ref())
        {
            k.resource_id = Some(c.id);
        }
    }
    let id = k.resource_id?;
    match k.resource_type {
        "OB_CLUSTER" => db.inv.cluster(id).map(|c| c.name.clone()),
        "OB_TENANT" => db
            .inv
            .clusters
            .iter()
            .flat_map(|c| c.tenants.iter())
            .find(|t| t.id == id)
            .map(|t| t.name.clone()),
        "OB_PROXY_CLUSTER" => db.inv.proxy(id).map(|p| p.name.clone()),
        "COMPUTE_HOST" => db.inv.host(id).map(|h| h.ip.clone()),
        _ => None,
    }
}

/// Route layer (inside authentication): record every write the API accepted.
pub async fn audit_layer(State(st): State<SimState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if method == Method::GET || method == Method::HEAD {
        return next.run(req).await;
    }
    let Some(mut kind) = classify(&method, req.uri().path()) else {
        return next.run(req).await;
    };
    let start_ms = st.now_ms();
    let resp = next.run(req).await;
    let (parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 << 20).await {
        Ok(b) => b,
        Err(e) => {
            return Fail::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                envelope::code::ILLEGAL_ARGUMENT,
                format!("answer unreadable: {e}"),
            )
            .into_response()
        }
    };
    let success = parts.status.is_success();
    if kind.task_id.is_none() && success {
        kind.task_id = task_in_answer(&bytes);
    }
    let end_ms = st.now_ms();
    {
        let db = st.db();
        let name = fill_resource(&db, &mut kind);
        drop(db);
        let mut log = st.audit();
        let id = 1000 + log.list.len() as i64;
        log.list.push(AuditEvent {
            id,
            operation_event: kind.operation,
            event_type: kind.event_type.into(),
            resource_type: kind.resource_type.into(),
            resource_id: kind.resource_id,
            resource_name: name,
            operator_name: st.user().to_string(),
            success,
            task_id: kind.task_id,
            event_info: serde_json::to_string(&kind.info).unwrap_or_else(|_| "{}".into()),
            start_ms,
            end_ms,
        });
    }
    Response::from_parts(parts, Body::from(bytes))
}

// ---------------------------------------------------------------------------------------
// Routes

pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/api/v2/alarm/alarms", get(list_alarms))
        .route("/api/v2/alarm/alarms/{id}", get(get_alarm))
        .route("/api/v2/alarm/notifications", get(list_notifications))
        .route("/api/v2/audit/events", get(list_events))
}

fn paging(p: &Params, max: usize) -> Result<(usize, usize), Fail> {
    let (page, size) = p.paging()?;
    Ok((page, size.min(max)))
}

fn one_page<T>(items: Vec<T>, page: usize, size: usize) -> (Vec<T>, usize) {
    let total = items.len();
    let rows = items
        .into_iter()
        .skip(page.saturating_sub(1).saturating_mul(size))
        .take(size)
        .collect();
    (rows, total)
}

async fn list_alarms(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = Params::parse(q.as_deref())?;
    let (page, size) = paging(&p, MAX_ALARM_PAGE)?;
    let status = p.list("status");
    let level = p.int("level")?;
    let scope = p.list("scope");
    let cluster = p.get("obCluster").map(str::to_string);
    let tenant = p.get("obTenant").map(str::to_string);
    let host = p.get("hostIp").map(str::to_string);
    let keyword = p.get("keyword").map(str::to_string);
    let db = st.db();
    let items: Vec<&Alarm> = db
        .alarms
        .list
        .iter()
        .rev()
        .filter(|a| in_list(&status, a.status()))
        .filter(|a| level.is_none_or(|l| a.level == l))
        .filter(|a| in_list(&scope, &a.scope))
        .filter(|a| {
            cluster
                .as_deref()
                .is_none_or(|c| a.cluster.as_ref().is_some_and(|(_, n)| n == c))
        })
        .filter(|a| {
            tenant
                .as_deref()
                .is_none_or(|t| a.tenant.as_deref() == Some(t))
        })
        .filter(|a| {
            host.as_deref()
                .is_none_or(|h| a.host_ip.as_deref() == Some(h))
        })
        .filter(|a| {
            keyword
                .as_deref()
                .is_none_or(|k| contains_ci(&a.summary, k) || contains_ci(&a.description, k))
        })
        .collect();
    let (rows, total) = one_page(items, page, size);
    let out = rows.into_iter().map(Alarm::to_json).collect();
    Ok(envelope::page(out, page, size, total))
}

async fn get_alarm(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let Path(raw) = p.map_err(|e| Fail::bad(format!("bad path: {e}")))?;
    let id = raw
        .trim()
        .parse::<i64>()
        .map_err(|_| Fail::bad(format!("alarm id must be an integer, got {raw:?}")))?;
    let db = st.db();
    let a = db
        .alarms
        .get(id)
        .ok_or_else(|| Fail::not_found(format!("Alarm not found: {id}")))?;
    Ok(envelope::ok(a.to_json()))
}

async fn list_notifications(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = Params::parse(q.as_deref())?;
    let (page, size) = paging(&p, MAX_ALARM_PAGE)?;
    let db = st.db();
    let items: Vec<&Alarm> = db.alarms.list.iter().rev().collect();
    let (rows, total) = one_page(items, page, size);
    let out = rows
        .into_iter()
        .map(|a| {
            let v = a.to_json();
            json!({
                "id": 1_001_000 + a.id - 1_000_200,
                "alarmIds": [a.id],
                "alarmType": a.alarm_type,
                "appType": a.app_type,
                "scope": a.scope,
                "level": a.level,
                "message": format!("[Alert notification]\n- Alert target {}\n- Alert details {}", a.target(), a.description),
                "status": "Success",
                "channelId": 100000,
                "channelResponse": "",
                "generatedAt": utc(a.active_ms),
                "sentAt": utc(a.active_ms),
                "isAggregated": false,
                "labels": v.get("labels").cloned().unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok(envelope::page(out, page, size, total))
}

async fn list_events(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = Params::parse(q.as_deref())?;
    let (page, size) = p.paging()?;
    let status = p.list("status");
    let event_type = p.list("eventType");
    let operation = p.list("operationEvent");
    let name = p.get("resourceName").map(str::to_string);
    let operator = p.get("operatorName").map(str::to_string);
    let oldest_first = match p.get("order").map(|o| o.replace(' ', "")) {
        None => false,
        Some(o) if o.eq_ignore_ascii_case("startTime,asc") || o == "startTime" => true,
        Some(o) if o.eq_ignore_ascii_case("startTime,desc") => false,
        Some(o) => {
            return Err(Fail::bad(format!(
                "cannot order by {o:?}; use startTime,asc or startTime,desc"
            )))
        }
    };
    let log = st.audit();
    let mut items: Vec<&AuditEvent> = log
        .list
        .iter()
        .filter(|e| in_list(&status, if e.success { "SUCCESS" } else { "FAILED" }))
        .filter(|e| in_list(&event_type, &e.event_type))
        .filter(|e| in_list(&operation, &e.operation_event))
        .filter(|e| {
            name.as_deref().is_none_or(|n| {
                e.resource_name
                    .as_deref()
                    .is_some_and(|r| contains_ci(r, n))
            })
        })
        .filter(|e| operator.as_deref().is_none_or(|o| e.operator_name == o))
        .collect();
    if !oldest_first {
        items.reverse();
    }
    let (rows, total) = one_page(items, page, size);
    let out = rows.into_iter().map(AuditEvent::to_json).collect();
    Ok(envelope::page(out, page, size, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_named_as_ocp_names_them() {
        let k = classify(&Method::POST, "/api/v2/ob/clusters").unwrap();
        assert_eq!(k.operation, "CREATE_OB_CLUSTER");
        let k = classify(&Method::POST, "/api/v2/ob/clusters/7/upgrade").unwrap();
        assert_eq!(
            (k.operation.as_str(), k.resource_id),
            ("UPGRADE_OB_CLUSTER", Some(7))
        );
        let k = classify(&Method::POST, "/api/v2/ob/clusters/takeOver").unwrap();
        assert_eq!(k.operation, "TAKE_OVER_OB_CLUSTER");
        assert!(classify(&Method::POST, "/api/v2/ob/clusters/takeOverPreCheck").is_none());
        let k = classify(&Method::POST, "/api/v2/tasks/instances/5/subtasks/9/skip").unwrap();
        assert_eq!((k.operation.as_str(), k.task_id), ("SKIP_SUBTASK", Some(5)));
        let k = classify(&Method::POST, "/api/v2/tasks/instances/5/retry").unwrap();
        assert_eq!(k.operation, "RETRY_TASK");
        let k = classify(&Method::POST, "/api/v2/ob/clusters/3/tenants/4/lock").unwrap();
        assert_eq!(
            (k.operation.as_str(), k.resource_id),
            ("LOCK_TENANT", Some(4))
        );
        assert_eq!(k.resource_type, "OB_TENANT");
        let k = classify(&Method::POST, "/api/v2/obproxy/clusters/2/takeOver").unwrap();
        assert_eq!(k.operation, "TAKE_OVER_OB_PROXY");
        assert_eq!(
            serde_json::to_string(&k.info).unwrap(),
            r#"{"obproxyClusterId":2}"#
        );
    }

    #[test]
    fn alarm_times_are_utc_seconds() {
        assert_eq!(utc(1_606_959_844_048), "2020-12-03T01:44:04Z");
    }
}
