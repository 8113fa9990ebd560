//! Read endpoints of the OCP API: inventory lists and details, tasks, logs, probes.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::clock;
use super::engine;
use super::envelope::{self, code, Fail, Reply};
use super::inventory::Inventory;
use super::params::{contains_ci, in_list, sort_and_page, Key, Params};
use super::views;
use super::SimState;

/// Routes that need HTTP Basic.
pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/api/v2/info", get(info))
        .route("/api/v2/ob/clusters", get(list_clusters))
        .route("/api/v2/ob/clusters/{id}", get(get_cluster))
        .route("/api/v2/ob/clusters/{id}/zones", get(cluster_zones))
        .route("/api/v2/ob/clusters/{id}/servers", get(cluster_servers))
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/servers",
            get(zone_servers),
        )
        .route("/api/v2/ob/clusters/{id}/tenants", get(cluster_tenants))
        .route("/api/v2/ob/clusters/{id}/tenants/{tid}", get(tenant_detail))
        .route("/api/v2/ob/clusters/{id}/stats", get(cluster_stats))
        .route("/api/v2/ob/clusters/{id}/serverStats", get(server_stats))
        .route("/api/v2/ob/clusters/{id}/units", get(units))
        .route("/api/v2/ob/tenants", get(all_tenants))
        .route("/api/v2/compute/hosts", get(list_hosts))
        .route("/api/v2/compute/hosts/{id}", get(get_host))
        .route("/api/v2/compute/hostTypes", get(list_host_types))
        .route("/api/v2/compute/idcs", get(list_idcs))
        .route("/api/v2/compute/regions", get(list_regions))
        .route("/api/v2/profiles/me/credentials", get(list_credentials))
        .route("/api/v2/obproxy/clusters", get(list_proxies))
        .route("/api/v2/obproxy/clusters/{id}", get(get_proxy))
        .route("/api/v2/software-packages", get(list_packages))
        .route("/api/v2/tasks/instances", get(list_tasks))
        .route("/api/v2/tasks/instances/{id}", get(get_task))
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/log",
            get(subtask_log),
        )
}

/// The unauthenticated probes: `/api/v2/time` and `/api/status` (plain text).
pub fn public_routes() -> Router<SimState> {
    Router::new()
        .route("/api/v2/time", get(time))
        .route("/api/status", get(status))
}

fn plain(text: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain;charset=UTF-8")], text).into_response()
}

async fn time(State(st): State<SimState>) -> Response {
    plain(clock::iso(st.now_ms()))
}

async fn status() -> Response {
    plain("okay".into())
}

async fn info() -> Response {
    Json(views::info()).into_response()
}

/// A numeric path id; anything else is a 400 envelope.
pub fn parse_id(raw: &str, what: &str) -> Result<i64, Fail> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| Fail::bad(format!("{what} must be an integer, got {raw:?}")))
}

/// One path parameter, as a string, with rejections mapped to the envelope.
pub fn path1(p: Result<Path<String>, PathRejection>) -> Result<String, Fail> {
    p.map(|Path(s)| s)
        .map_err(|e| Fail::bad(format!("bad path: {e}")))
}

/// Two path parameters.
pub fn path2(p: Result<Path<(String, String)>, PathRejection>) -> Result<(String, String), Fail> {
    p.map(|Path(s)| s)
        .map_err(|e| Fail::bad(format!("bad path: {e}")))
}

fn params(q: Option<String>) -> Result<Params, Fail> {
    Params::parse(q.as_deref())
}

fn cluster_missing(id: i64) -> Fail {
    Fail::not_found(format!("OB cluster not found: id={id}"))
}

fn with_cluster<T>(
    inv: &Inventory,
    id: i64,
    f: impl FnOnce(&super::inventory::Cluster) -> T,
) -> Result<T, Fail> {
    inv.cluster(id).map(f).ok_or_else(|| cluster_missing(id))
}

async fn list_clusters(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let (page, size) = p.paging()?;
    let sort = p.sort(&["id", "name", "status", "createTime", "obVersion", "type"])?;
    let name = p.get("name").map(str::to_string);
    let status = p.list("status");
    let db = st.db();
    let inv = &db.inv;
    let items: Vec<_> = inv
        .clusters
        .iter()
        .filter(|c| name.as_deref().is_none_or(|n| contains_ci(&c.name, n)))
        .filter(|c| in_list(&status, &c.status))
        .collect();
    let (rows, total) = sort_and_page(
        items,
        &sort,
        |c, f| match f {
            "name" => Key::Str(c.name.clone()),
            "status" => Key::Str(c.status.clone()),
            "createTime" => Key::Int(c.create_ms),
            "obVersion" => Key::Str(c.version.clone()),
            "type" => Key::Str(c.kind.clone()),
            _ => Key::Int(c.id),
        },
        page,
        size,
    );
    let out = rows.iter().map(|c| views::cluster(inv, c)).collect();
    Ok(envelope::page(out, page, size, total))
}

async fn get_cluster(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let db = st.db();
    let v = with_cluster(&db.inv, id, |c| views::cluster(&db.inv, c))?;
    Ok(envelope::ok(v))
}

async fn cluster_zones(
    State(st): State<SimState>,
    p: Result<Path<String>, PathRejection>,
) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let db = st.db();
    let inv = &db.inv;
    let v = with_cluster(inv, id, |c| {
        c.zones
            .iter()
            .map(|z| views::zone(inv, c, z))
            .collect::<Vec<_>>()
    })?;
    Ok(envelope::contents(v))
}

async fn cluster_servers(
    State(st): State<SimState>,
    p: Result<Path<String>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let p = params(q)?;
    let region = p.get("regionName").map(str::to_string);
    let idc = p.get("idcName").map(str::to_string);
    let db = st.db();
    let inv = &db.inv;
    let v = with_cluster(inv, id, |c| {
        c.servers()
            .filter(|(z, _)| idc.as_deref().is_none_or(|i| inv.idc_name(z.idc_id) == i))
            .filter(|(z, _)| {
                region
                    .as_deref()
                    .is_none_or(|r| inv.region_of_idc(z.idc_id).is_some_and(|x| x.name == r))
            })
            .map(|(z, s)| views::server(inv, c, z, s))
            .collect::<Vec<_>>()
    })?;
    Ok(envelope::contents(v))
}

async fn zone_servers(
    State(st): State<SimState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Reply {
    let (id, zone) = path2(p)?;
    let id = parse_id(&id, "cluster id")?;
    let db = st.db();
    let inv = &db.inv;
    let c = inv.cluster(id).ok_or_else(|| cluster_missing(id))?;
    let z = c
        .zones
        .iter()
        .find(|z| z.name == zone)
        .ok_or_else(|| Fail::not_found(format!("zone {zone} not found in cluster {id}")))?;
    let v = z
        .servers
        .iter()
        .map(|s| views::server(inv, c, z, s))
        .collect();
    Ok(envelope::contents(v))
}

fn tenant_page(
    rows: Vec<(&super::inventory::Cluster, &super::inventory::Tenant)>,
    p: &Params,
) -> Reply {
    let (page, size) = p.paging()?;
    let sort = p.sort(&["id", "name", "status", "createTime", "clusterName"])?;
    let name = p.get("name").map(str::to_string);
    let mode = p.list("mode");
    let status = p.list("status");
    let locked = p.bool("locked")?;
    let readonly = p.bool("readonly")?;
    let items: Vec<_> = rows
        .into_iter()
        .filter(|(_, t)| name.as_deref().is_none_or(|n| contains_ci(&t.name, n)))
        .filter(|(_, t)| in_list(&mode, &t.mode))
        .filter(|(_, t)| in_list(&status, &t.status))
        .filter(|(_, t)| locked.is_none_or(|l| t.locked == l))
        .filter(|(_, t)| readonly.is_none_or(|r| t.readonly == r))
        .collect();
    let (rows, total) = sort_and_page(
        items,
        &sort,
        |(c, t), f| match f {
            "name" => Key::Str(t.name.clone()),
            "status" => Key::Str(t.status.clone()),
            "createTime" => Key::Int(t.create_ms),
            "clusterName" => Key::Str(c.name.clone()),
            _ => Key::Int(t.id),
        },
        page,
        size,
    );
    let out = rows.iter().map(|(c, t)| views::tenant(c, t)).collect();
    Ok(envelope::page(out, page, size, total))
}

async fn cluster_tenants(
    State(st): State<SimState>,
    p: Result<Path<String>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let p = params(q)?;
    let db = st.db();
    let c = db.inv.cluster(id).ok_or_else(|| cluster_missing(id))?;
    tenant_page(c.tenants.iter().map(|t| (c, t)).collect(), &p)
}

async fn all_tenants(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let db = st.db();
    tenant_page(db.inv.tenants().collect(), &p)
}

async fn tenant_detail(
    State(st): State<SimState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Reply {
    let (id, tid) = path2(p)?;
    let id = parse_id(&id, "cluster id")?;
    let tid = parse_id(&tid, "tenant id")?;
    let db = st.db();
    let c = db.inv.cluster(id).ok_or_else(|| cluster_missing(id))?;
    let t = c
        .tenants
        .iter()
        .find(|t| t.id == tid)
        .ok_or_else(|| Fail::not_found(format!("tenant not found: id={tid}")))?;
    let mut v = views::tenant(c, t);
    if let Some(m) = v.as_object_mut() {
        m.insert("charset".into(), json!("utf8mb4"));
        m.insert("collation".into(), json!("utf8mb4_general_ci"));
        m.insert("whitelist".into(), json!("%"));
        m.insert("clusterStatus".into(), json!(c.status));
        m.insert("sqlAuditEnabled".into(), json!(true));
        m.insert("zones".into(), json!(views::tenant_zones(c, t)));
    }
    Ok(envelope::ok(v))
}

async fn cluster_stats(
    State(st): State<SimState>,
    p: Result<Path<String>, PathRejection>,
) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let db = st.db();
    let v = with_cluster(&db.inv, id, views::cluster_stats)?;
    Ok(envelope::ok(v))
}

async fn server_stats(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let db = st.db();
    let v = with_cluster(&db.inv, id, views::server_stats)?;
    Ok(envelope::contents(v))
}

async fn units(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let id = parse_id(&path1(p)?, "cluster id")?;
    let db = st.db();
    let v = with_cluster(&db.inv, id, views::units)?;
    Ok(envelope::contents(v))
}

async fn list_hosts(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let (page, size) = p.paging()?;
    let sort = p.sort(&["id", "name", "status", "createTime", "innerIpAddress"])?;
    let keyword = p.get("keyword").map(str::to_string);
    let status = p.list("status");
    let included = p.list("includedServiceType");
    let excluded = p.list("excludedServiceType");
    let db = st.db();
    let inv = &db.inv;
    let items: Vec<_> = inv
        .hosts
        .iter()
        .filter(|h| {
            keyword.as_deref().is_none_or(|k| {
                contains_ci(&h.name, k)
                    || h.ip.contains(k)
                    || h.services.iter().any(|s| contains_ci(&s.name, k))
            })
        })
        .filter(|h| in_list(&status, &h.status))
        .filter(|h| included.is_empty() || h.services.iter().any(|s| in_list(&included, &s.kind)))
        .filter(|h| {
            !h.services
                .iter()
                .any(|s| !excluded.is_empty() && in_list(&excluded, &s.kind))
        })
        .collect();
    let (rows, total) = sort_and_page(
        items,
        &sort,
        |h, f| match f {
            "name" => Key::Str(h.name.clone()),
            "status" => Key::Str(h.status.clone()),
            "createTime" => Key::Int(h.create_ms),
            "innerIpAddress" => Key::Str(h.ip.clone()),
            _ => Key::Int(h.id),
        },
        page,
        size,
    );
    let out = rows.iter().map(|h| views::host(inv, h)).collect();
    Ok(envelope::page(out, page, size, total))
}

async fn get_host(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let id = parse_id(&path1(p)?, "host id")?;
    let db = st.db();
    let h = db
        .inv
        .host(id)
        .ok_or_else(|| Fail::not_found(format!("host not found: id={id}")))?;
    Ok(envelope::ok(views::host(&db.inv, h)))
}

/// A small paged list with `id`/`name` sorting (host types, IDCs, regions, credentials).
fn simple_page(items: Vec<(i64, String, i64, Value)>, p: &Params) -> Reply {
    let (page, size) = p.paging()?;
    let sort = p.sort(&["id", "name", "createTime"])?;
    let (rows, total) = sort_and_page(
        items,
        &sort,
        |(id, name, ct, _), f| match f {
            "name" => Key::Str(name.clone()),
            "createTime" => Key::Int(*ct),
            _ => Key::Int(*id),
        },
        page,
        size,
    );
    let out = rows.into_iter().map(|(_, _, _, v)| v).collect();
    Ok(envelope::page(out, page, size, total))
}

async fn list_host_types(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let db = st.db();
    let items = db
        .inv
        .host_types
        .iter()
        .map(|t| (t.id, t.name.clone(), t.create_ms, views::host_type(t)))
        .collect();
    simple_page(items, &p)
}

async fn list_idcs(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let db = st.db();
    let items = db
        .inv
        .idcs
        .iter()
        .map(|i| (i.id, i.name.clone(), i.create_ms, views::idc(&db.inv, i)))
        .collect();
    simple_page(items, &p)
}

async fn list_regions(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let db = st.db();
    let items = db
        .inv
        .regions
        .iter()
        .map(|r| (r.id, r.name.clone(), r.create_ms, views::region(r)))
        .collect();
    simple_page(items, &p)
}

async fn list_credentials(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let target = p.list("targetType");
    let db = st.db();
    let items = db
        .inv
        .credentials
        .iter()
        .filter(|_| in_list(&target, "HOST"))
        .map(|c| (c.id, c.name.clone(), c.create_ms, views::credential(c)))
        .collect();
    simple_page(items, &p)
}

async fn list_proxies(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let (page, size) = p.paging()?;
    let sort = p.sort(&["id", "name", "createTime"])?;
    let name = p.get("name").map(str::to_string);
    let db = st.db();
    let inv = &db.inv;
    let items: Vec<_> = inv
        .proxies
        .iter()
        .filter(|x| name.as_deref().is_none_or(|n| contains_ci(&x.name, n)))
        .collect();
    let (rows, total) = sort_and_page(
        items,
        &sort,
        |x, f| match f {
            "name" => Key::Str(x.name.clone()),
            "createTime" => Key::Int(x.create_ms),
            _ => Key::Int(x.id),
        },
        page,
        size,
    );
    let out = rows.iter().map(|x| views::proxy_cluster(inv, x)).collect();
    Ok(envelope::page(out, page, size, total))
}

async fn get_proxy(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let id = parse_id(&path1(p)?, "OBProxy cluster id")?;
    let db = st.db();
    let x = db
        .inv
        .proxy(id)
        .ok_or_else(|| Fail::not_found(format!("OBProxy cluster not found: id={id}")))?;
    Ok(envelope::ok(views::proxy_cluster(&db.inv, x)))
}

async fn list_packages(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let (page, size) = p.paging()?;
    let sort = p.sort(&["id", "name", "createTime", "version", "fileName"])?;
    let kinds = p.list("type");
    let versions = p.list("version");
    let keyword = p.get("keyword").map(str::to_string);
    let db = st.db();
    let items: Vec<_> = db
        .inv
        .packages
        .iter()
        .filter(|x| in_list(&kinds, &x.kind))
        .filter(|x| in_list(&versions, &x.version))
        .filter(|x| {
            keyword
                .as_deref()
                .is_none_or(|k| contains_ci(&x.file_name, k))
        })
        .collect();
    let (rows, total) = sort_and_page(
        items,
        &sort,
        |x, f| match f {
            "name" => Key::Str(x.name.clone()),
            "createTime" => Key::Int(x.create_ms),
            "version" => Key::Str(x.version.clone()),
            "fileName" => Key::Str(x.file_name.clone()),
            _ => Key::Int(x.id),
        },
        page,
        size,
    );
    let out = rows.iter().map(|x| views::package(x)).collect();
    Ok(envelope::page(out, page, size, total))
}

async fn list_tasks(State(st): State<SimState>, RawQuery(q): RawQuery) -> Reply {
    let p = params(q)?;
    let (page, size) = p.paging()?;
    // Newest first unless asked otherwise, like OCP's task list.
    let sort = p
        .sort(&["id", "name", "status", "createTime", "startTime"])?
        .or_else(|| Some(("id".into(), true)));
    let status = p.list("status");
    let name = p.get("name").map(str::to_string);
    let cluster_id = p.int("clusterId")?;
    let host_id = p.int("hostId")?;
    // No simulated task names a tenant: a tenant's tasks are none (never every task).
    let tenant_id = p.int("tenantId")?;
    // The docs spell it `cluterName`; MCP clients send `clusterName`. Accept both.
    let cluster_name = p
        .get("clusterName")
        .or_else(|| p.get("cluterName"))
        .map(str::to_string);
    let db = st.db();
    let items: Vec<_> = db
        .tasks
        .iter()
        .filter(|t| in_list(&status, &t.status))
        .filter(|t| name.as_deref().is_none_or(|n| contains_ci(&t.name, n)))
        .filter(|t| cluster_id.is_none_or(|c| t.cluster.as_ref().is_some_and(|x| x.id == c)))
        .filter(|t| host_id.is_none_or(|h| t.host_id == Some(h)))
        .filter(|_| tenant_id.is_none())
        .filter(|t| {
            cluster_name
                .as_deref()
                .is_none_or(|n| t.cluster.as_ref().is_some_and(|x| contains_ci(&x.name, n)))
        })
        .collect();
    let (rows, total) = sort_and_page(
        items,
        &sort,
        |t, f| match f {
            "name" => Key::Str(t.name.clone()),
            "status" => Key::Str(t.status.clone()),
            "createTime" => Key::Int(t.create_ms),
            "startTime" => Key::Int(t.start_ms),
            _ => Key::Int(t.id),
        },
        page,
        size,
    );
    let out = rows.iter().map(|t| engine::basic_json(t)).collect();
    Ok(envelope::page(out, page, size, total))
}

pub fn task_missing(id: i64) -> Fail {
    Fail::new(
        axum::http::StatusCode::NOT_FOUND,
        code::TASK_NOT_EXISTS,
        format!("Task instance not found: {id}"),
    )
}

async fn get_task(State(st): State<SimState>, p: Result<Path<String>, PathRejection>) -> Reply {
    let id = parse_id(&path1(p)?, "task id")?;
    let db = st.db();
    let t = db.tasks.get(id).ok_or_else(|| task_missing(id))?;
    Ok(envelope::ok(engine::wrapped_json(t)))
}

async fn subtask_log(
    State(st): State<SimState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Reply {
    let (id, sid) = path2(p)?;
    let id = parse_id(&id, "task id")?;
    let sid = parse_id(&sid, "subtask id")?;
    let db = st.db();
    let t = db.tasks.get(id).ok_or_else(|| task_missing(id))?;
    let s = t.subtasks.iter().find(|s| s.id == sid).ok_or_else(|| {
        Fail::new(
            axum::http::StatusCode::NOT_FOUND,
            code::TASK_NOT_EXISTS,
            format!("Subtask instance not found: {sid} in task {id}"),
        )
    })?;
    Ok(envelope::ok(json!({ "log": engine::log_text(s) })))
}
