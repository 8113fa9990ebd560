//! The network side of the wizards: fetch the data a form needs, call the API precheck, send
//! the write once, and find the task a write with an unknown outcome may have created.
//!
//! Each request goes to the server it names: OCP for the OCP wizards' data and writes, the
//! session's obshell agent (or, for a target's `/info`, the agent at that address) for the
//! scale-out.

use crate::model::wizard::data::{
    AgentBrief, AgentCluster, AgentServer, AgentZone, AgentsView, DataRequest, DataResponse,
};
use crate::model::wizard::precheck::PrecheckAnswer;
use crate::model::wizard::request::SubmitOutcome;
use crate::model::wizard::request::{OcpWrite, PrecheckRequest, SubmitRequest, TaskLookup, Write};
use crate::model::wizard::WizardError;
use crate::poll::fetch::Backends;
use obtui_api::obshell::{ObshellClient, ObshellConfig};
use obtui_api::ocp::client::{
    all_pages, ClusterFilter, HostFilter, PackageFilter, PageQuery, ServerFilter, TaskFilter,
};
use obtui_api::ocp::OcpClient;
use obtui_api::secret::Secret;
use obtui_api::ApiError;
use std::time::Duration;

/// Keep the client's error typed (status, code, traceId) on its way to the wizard.
fn msg(e: ApiError) -> WizardError {
    WizardError::from_api(&e)
}

const NO_OCP: &str = "this profile has no OCP";
const NO_OBSHELL: &str = "this profile has no obshell agent";

/// Answer one `NeedData`, from the server the request names.
pub async fn fetch_data(b: &Backends, req: DataRequest) -> DataResponse {
    match req {
        DataRequest::AgentCluster => DataResponse::AgentCluster(match &b.obshell {
            Some(o) => o
                .obcluster_info()
                .await
                .map(|i| agent_cluster(&i))
                .map_err(msg),
            None => Err(WizardError::local(NO_OBSHELL)),
        }),
        DataRequest::Agents => DataResponse::Agents(match &b.obshell {
            Some(o) => {
                let (me, ob) = tokio::join!(o.info(), o.ob_info());
                match (me, ob) {
                    (Ok(me), Ok(ob)) => Ok(agents_view(&me, &ob)),
                    (Err(e), _) | (_, Err(e)) => Err(msg(e)),
                }
            }
            None => Err(WizardError::local(NO_OBSHELL)),
        }),
        DataRequest::AgentInfo { ip, port } => {
            let result = agent_info(&ip, port).await;
            DataResponse::AgentInfo { ip, port, result }
        }
        other => match &b.ocp {
            Some(c) => fetch_ocp(c, other).await,
            None => failed(other, NO_OCP),
        },
    }
}

/// The answer "could not load" for an OCP request.
fn failed(req: DataRequest, why: &str) -> DataResponse {
    let why = WizardError::local(why);
    match req {
        DataRequest::Packages => DataResponse::Packages(Err(why)),
        DataRequest::Idcs => DataResponse::Idcs(Err(why)),
        DataRequest::Hosts => DataResponse::Hosts(Err(why)),
        DataRequest::HostTypes => DataResponse::HostTypes(Err(why)),
        DataRequest::Credentials => DataResponse::Credentials(Err(why)),
        DataRequest::Clusters => DataResponse::Clusters(Err(why)),
        DataRequest::ProxyClusters => DataResponse::ProxyClusters(Err(why)),
        DataRequest::ClusterDetail { .. } => DataResponse::ClusterDetail(Err(why)),
        DataRequest::AgentCluster => DataResponse::AgentCluster(Err(why)),
        DataRequest::Agents => DataResponse::Agents(Err(why)),
        DataRequest::AgentInfo { ip, port } => DataResponse::AgentInfo {
            ip,
            port,
            result: Err(why),
        },
    }
}

/// `GET http://ip:port/api/v1/info`: public, so no password is sent. Short timeouts: an address
/// that does not answer is a precheck finding, not something to wait for.
async fn agent_info(ip: &str, port: u16) -> Result<AgentBrief, WizardError> {
    let host = if ip.contains(':') && !ip.starts_with('[') {
        format!("[{ip}]")
    } else {
        ip.to_string()
    };
    let mut cfg = ObshellConfig::new(format!("http://{host}:{port}"), Secret::default());
    cfg.connect_timeout = Duration::from_secs(3);
    cfg.request_timeout = Duration::from_secs(8);
    let c = ObshellClient::new(cfg).map_err(msg)?;
    let i = c.info().await.map_err(msg)?;
    Ok(AgentBrief {
        ip: i.ip.clone(),
        port: i.port,
        identity: i.identity.as_str().to_string(),
        version: i.version.clone(),
        ob_version: i.ob_version.clone(),
        zone: i.zone.clone(),
    })
}

/// The wizard's view of `/obcluster/info`.
pub fn agent_cluster(i: &obtui_api::obshell::ObclusterInfo) -> AgentCluster {
    AgentCluster {
        name: i.cluster_name.clone(),
        ob_version: i.ob_version.clone(),
        zones: i
            .zones
            .iter()
            .map(|z| AgentZone {
                name: z.name.clone(),
                servers: z
                    .servers
                    .iter()
                    .map(|s| AgentServer {
                        ip: s.ip.clone(),
                        rpc_port: s.svr_port,
                        sql_port: s.sql_port,
                        status: s.status.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The wizard's view of `/info` (the agent answering) and `/ob/info` (its cluster's agents).
pub fn agents_view(
    me: &obtui_api::obshell::AgentInfo,
    ob: &obtui_api::obshell::ObInfo,
) -> AgentsView {
    AgentsView {
        receiver: AgentBrief {
            ip: me.ip.clone(),
            port: me.port,
            identity: me.identity.as_str().to_string(),
            version: me.version.clone(),
            ob_version: me.ob_version.clone(),
            zone: me.zone.clone(),
        },
        members: ob
            .agent_info
            .iter()
            .map(|a| AgentBrief {
                ip: a.ip.clone(),
                port: a.port,
                identity: a.identity.as_str().to_string(),
                version: a.version.clone(),
                ob_version: String::new(),
                zone: a.zone.clone(),
            })
            .collect(),
        ob_version: if ob.obcluster_info.version.is_empty() {
            me.ob_version.clone()
        } else {
            ob.obcluster_info.version.clone()
        },
    }
}

async fn fetch_ocp(c: &OcpClient, req: DataRequest) -> DataResponse {
    match req {
        DataRequest::Packages => {
            let f = PackageFilter {
                types: vec![
                    "OB_SERVER_INSTALL_PACKAGE".into(),
                    "OBPROXY_INSTALL_PACKAGE".into(),
                ],
                ..Default::default()
            };
            let r = all_pages(2000, |p| {
                let f = f.clone();
                async move { c.list_software_packages(&p, &f).await }
            })
            .await;
            DataResponse::Packages(r.map(|v| v.iter().map(Into::into).collect()).map_err(msg))
        }
        DataRequest::Idcs => {
            let r = all_pages(2000, |p| async move { c.list_idcs(&p).await }).await;
            DataResponse::Idcs(r.map(|v| v.iter().map(Into::into).collect()).map_err(msg))
        }
        DataRequest::Hosts => {
            let r = all_pages(2000, |p| async move {
                c.list_hosts(&p, &HostFilter::default()).await
            })
            .await;
            DataResponse::Hosts(r.map(|v| v.iter().map(Into::into).collect()).map_err(msg))
        }
        DataRequest::HostTypes => {
            let r = all_pages(2000, |p| async move { c.list_host_types(&p).await }).await;
            DataResponse::HostTypes(r.map(|v| v.iter().map(Into::into).collect()).map_err(msg))
        }
        DataRequest::Credentials => {
            let r = all_pages(2000, |p| async move { c.list_host_credentials(&p).await }).await;
            DataResponse::Credentials(r.map(|v| v.iter().map(Into::into).collect()).map_err(msg))
        }
        DataRequest::Clusters => {
            let r = all_pages(2000, |p| async move {
                c.list_clusters(&p, &ClusterFilter::default()).await
            })
            .await;
            DataResponse::Clusters(r.map(|v| v.iter().map(Into::into).collect()).map_err(msg))
        }
        DataRequest::ProxyClusters => {
            let r = all_pages(2000, |p| async move { c.list_obproxy_clusters(&p).await }).await;
            // The list may omit each cluster's proxies; the detail has them.
            let r = match r {
                Ok(list) => {
                    let mut full = Vec::with_capacity(list.len());
                    for pc in list {
                        if pc.obproxies.is_empty() {
                            full.push(c.get_obproxy_cluster(pc.id).await.unwrap_or(pc));
                        } else {
                            full.push(pc);
                        }
                    }
                    Ok(full)
                }
                Err(e) => Err(e),
            };
            DataResponse::ProxyClusters(r.map(|v| v.iter().map(Into::into).collect()).map_err(msg))
        }
        DataRequest::ClusterDetail { cluster_id } => {
            let running = TaskFilter {
                cluster_id: Some(cluster_id),
                status: vec!["RUNNING".into()],
                ..Default::default()
            };
            let sf = ServerFilter::default();
            let page = PageQuery::new(1, 100);
            let (cluster, servers, tasks) = tokio::join!(
                c.get_cluster(cluster_id),
                c.list_servers(cluster_id, &sf),
                c.list_tasks(&page, &running)
            );
            let r = match (cluster, servers, tasks) {
                (Ok(cl), Ok(sv), Ok(t)) => Ok(crate::model::wizard::convert::cluster_detail(
                    &cl,
                    &sv,
                    &t.contents,
                )),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(msg(e)),
            };
            DataResponse::ClusterDetail(r)
        }
        other => failed(other, "not an OCP request"),
    }
}

/// Call the API precheck; the app turns its answer into check items.
pub async fn precheck(b: &Backends, req: PrecheckRequest) -> Result<PrecheckAnswer, WizardError> {
    let c = b.ocp.as_ref().ok_or_else(|| WizardError::local(NO_OCP))?;
    match req {
        PrecheckRequest::TakeoverCluster(body) => c
            .takeover_precheck(&body)
            .await
            .map(PrecheckAnswer::Takeover)
            .map_err(msg),
    }
}

/// Send the write to the server it names. Exactly once: a timeout, a broken connection, a
/// truncated answer or a bare 5xx after sending is reported as `Unknown` (the write rule of
/// `ApiError::write_outcome`), never retried here; the wizard then asks for `find`.
pub async fn submit(b: &Backends, req: &SubmitRequest) -> SubmitOutcome {
    if let Write::ScaleOut(body) = &req.write {
        let Some(o) = &b.obshell else {
            return SubmitOutcome::from_result(Err(ApiError::Request(NO_OBSHELL.into())));
        };
        // On an unknown outcome the app looks for the DAG (find_dag) as for an OCP task.
        return SubmitOutcome::from_result(o.scale_out(body).await.map(|d| d.id));
    }
    let Some(c) = &b.ocp else {
        return SubmitOutcome::from_result(Err(ApiError::Request(NO_OCP.into())));
    };
    let one = |t: obtui_api::ocp::TaskInstance| vec![t.id.to_string()];
    let r: Result<Vec<String>, ApiError> = match &req.write {
        Write::ScaleOut(_) => Err(ApiError::Request(NO_OBSHELL.into())),
        OcpWrite::CreateCluster(b) => c.create_cluster(b).await.map(one),
        OcpWrite::TakeoverCluster(b) => c.takeover(b).await.map(one),
        OcpWrite::UpgradeCluster { cluster_id, body } => {
            c.upgrade_cluster(*cluster_id, body).await.map(one)
        }
        OcpWrite::TakeoverProxy {
            proxy_cluster_id,
            body,
        } => c
            .obproxy_takeover(*proxy_cluster_id, body)
            .await
            .and_then(|ts| {
                if ts.is_empty() {
                    return Err(ApiError::Request(
                        "the server accepted the takeover but returned no task".into(),
                    ));
                }
                Ok(ts.iter().map(|t| t.id.to_string()).collect::<Vec<_>>())
            }),
    };
    match r {
        // One task per host: all of them are followed (a group in the Tasks pane).
        Ok(ids) if ids.len() > 1 => SubmitOutcome::Many(ids),
        r => SubmitOutcome::from_result(r.map(|ids| ids.into_iter().next().unwrap_or_default())),
    }
}

/// How far before the submit (by our clock) a task's start may lie and still be ours: the
/// server's clock and ours may differ a little. Small on purpose: a task that started well
/// before the submit is someone else's.
pub const CLAIM_SKEW_MS: i64 = 5_000;

/// The start of a task, if it can be read (Unix ms).
fn start_ms(start: Option<&str>, create: Option<&str>) -> Option<i64> {
    start
        .and_then(obtui_api::time::parse_ms)
        .or_else(|| create.and_then(obtui_api::time::parse_ms))
}

/// Why one OCP task is not the one this request created (`None`: it is).
/// The host a task runs for: its `hostId`, or the `host_id` of its context's string map (a
/// list answer may leave `hostId` out; the context comes as an object or as OCP's
/// `Context(… stringMap={…, host_id=3, …} …)` text).
fn task_host(t: &obtui_api::ocp::TaskInstance) -> Option<i64> {
    if t.host_id.is_some() {
        return t.host_id;
    }
    match t.context.as_ref()? {
        serde_json::Value::Object(o) => match o.get("stringMap")?.get("host_id")? {
            serde_json::Value::String(s) => s.trim().parse().ok(),
            v => v.as_i64(),
        },
        serde_json::Value::String(s) => {
            let map = &s[s.find("stringMap={")? + "stringMap={".len()..];
            let map = &map[..map.find('}').unwrap_or(map.len())];
            map.split(", ").find_map(|kv| {
                kv.trim()
                    .strip_prefix("host_id=")
                    .and_then(|v| v.trim().parse().ok())
            })
        }
        _ => None,
    }
}

pub fn task_mismatch(
    t: &obtui_api::ocp::TaskInstance,
    l: &TaskLookup,
    user: &str,
) -> Option<String> {
    if !t
        .name
        .to_lowercase()
        .contains(&l.name_contains.to_lowercase())
    {
        return Some(format!("its name is not a \"{}\" task", l.name_contains));
    }
    // The target of a write on hosts (the OBProxy takeover): the task's host is one of them.
    if !l.host_ids.is_empty() {
        match task_host(t) {
            Some(h) if l.host_ids.contains(&h) => {}
            Some(h) => return Some(format!("its host is {h}, not one this request names")),
            None => return Some("it names no host".into()),
        }
    } else if l.cluster_id.is_none() && l.cluster_name.is_none() {
        // The target: the task must name the cluster this request is about.
        return Some("this request names no cluster to compare the task's target with".into());
    }
    let t_name = t
        .cluster
        .as_ref()
        .and_then(|c| c.name.as_deref())
        .map(|n| n.to_string());
    let t_id = t.cluster_id();
    if let Some(want) = &l.cluster_name {
        match &t_name {
            Some(n) if n == want => {}
            Some(n) => return Some(format!("its cluster is {n}, not {want}")),
            None if l.cluster_id.is_some() && t_id == l.cluster_id => {}
            None => return Some("it names no cluster".into()),
        }
    }
    if let (Some(want), Some(got)) = (l.cluster_id, t_id) {
        if want != got {
            return Some(format!("its cluster id is {got}, not {want}"));
        }
    }
    if let Some(who) = t.creator.as_ref().and_then(|c| c.name()) {
        if !user.is_empty() && who != user {
            return Some(format!("it was started by {who}, not {user}"));
        }
    }
    match start_ms(t.start_time.as_deref(), t.create_time.as_deref()) {
        None => Some("its start time is unknown".into()),
        Some(s) if s + CLAIM_SKEW_MS < l.submitted_at_ms => Some(format!(
            "it started {} s before the submit",
            (l.submitted_at_ms - s) / 1000
        )),
        Some(_) => None,
    }
}

pub use crate::model::wizard::request::LookupReport;

/// After an unknown outcome on obshell: the "Cluster scale out" DAG started at or after the
/// submit. obshell's documented DAG shape carries no target (its `additional_data` is empty,
/// its nodes run on the cluster's agents), so the target cannot be compared; obshell runs one
/// cluster-wide DAG at a time, so a DAG of that name that started after the submit is ours.
pub async fn find_dag(o: &ObshellClient, l: &TaskLookup) -> LookupReport {
    let mut r = LookupReport::default();
    let dags = match o.unfinished_dags().await {
        Ok(d) => d,
        Err(e) => {
            r.checked
                .push(format!("the unfinished DAGs could not be listed: {e}"));
            return r;
        }
    };
    let want = l.name_contains.to_lowercase();
    for d in dags {
        let why = if !d.name.to_lowercase().contains(&want) {
            Some(format!("its name is not \"{}\"", l.name_contains))
        } else {
            match start_ms(Some(&d.start_time), None) {
                None => Some("it has not started (start time unset)".into()),
                Some(s) if s + CLAIM_SKEW_MS < l.submitted_at_ms => Some(format!(
                    "it started {} s before the submit",
                    (l.submitted_at_ms - s) / 1000
                )),
                Some(_) => None,
            }
        };
        match why {
            None if r.task.is_none() => r.task = Some(d.id.clone()),
            None => r.checked.push(format!(
                "DAG {} {}: a second match, not claimed",
                d.id, d.name
            )),
            Some(w) => r.checked.push(format!("DAG {} {}: {w}", d.id, d.name)),
        }
    }
    if r.checked.is_empty() && r.task.is_none() {
        r.checked.push("no unfinished DAG on the agent".into());
    }
    r
}

/// After an unknown outcome: the task this request created, if one provably is (its name,
/// its cluster, its creator, a start at or after the submit less [`CLAIM_SKEW_MS`]).
pub async fn find_task(c: &OcpClient, l: &TaskLookup) -> LookupReport {
    let mut r = LookupReport::default();
    let f = TaskFilter {
        cluster_id: l.cluster_id,
        ..Default::default()
    };
    let page = match c
        .list_tasks(&PageQuery::new(1, 50).sorted("id,desc"), &f)
        .await
    {
        Ok(p) => p,
        Err(e) => {
            r.checked
                .push(format!("the task list could not be read: {e}"));
            return r;
        }
    };
    for t in &page.contents {
        // A write on hosts: the list's summary carries no host, the task's detail does. Only
        // tasks of the right kind are read again.
        let detail;
        let t = if !l.host_ids.is_empty()
            && task_host(t).is_none()
            && t.name
                .to_lowercase()
                .contains(&l.name_contains.to_lowercase())
        {
            match c.get_task(t.id).await {
                Ok(d) => {
                    detail = d;
                    &detail
                }
                Err(e) => {
                    r.checked
                        .push(format!("task #{} {}: could not be read: {e}", t.id, t.name));
                    continue;
                }
            }
        } else {
            t
        };
        match task_mismatch(t, l, c.user()) {
            None if r.task.is_none() => r.task = Some(t.id.to_string()),
            None => r.checked.push(format!(
                "task #{} {}: a second match, not claimed",
                t.id, t.name
            )),
            Some(why) => {
                // Only tasks of the right kind are worth listing; the rest are counted.
                if t.name
                    .to_lowercase()
                    .contains(&l.name_contains.to_lowercase())
                {
                    r.checked.push(format!("task #{} {}: {why}", t.id, t.name));
                }
            }
        }
    }
    if r.task.is_none() {
        r.checked.push(format!(
            "{} recent task(s) read; none is a \"{}\" task of this request",
            page.contents.len(),
            l.name_contains
        ));
    }
    r
}

/// Look again for the task of a write whose outcome is unknown, on the server it went to.
pub async fn find(b: &Backends, l: &TaskLookup, backend: obtui_task::Backend) -> LookupReport {
    match (backend, &b.ocp, &b.obshell) {
        (obtui_task::Backend::Obshell, _, Some(o)) => find_dag(o, l).await,
        (obtui_task::Backend::Ocp, Some(c), _) => find_task(c, l).await,
        _ => LookupReport {
            task: None,
            checked: vec!["the server of this write is not connected".into()],
        },
    }
}
