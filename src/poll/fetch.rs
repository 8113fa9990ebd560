//! What the view poller fetches for each screen: one round of requests, one owned snapshot.

use super::convert::ocp;
use super::{BoxFut, Cost, Round};
use crate::model::jobs::{LogJob, RawTarget, TaskJob, ViewJob};
use crate::model::pane::PaneKind;
use crate::model::view::{ClusterDetail, ViewData, ViewProgress};
use obtui_api::ocp::client::{
    each_page, ClusterFilter, HostFilter, PageQuery, ServerFilter, TaskFilter, TenantFilter,
    MAX_PAGE_SIZE,
};
use obtui_api::ocp::Paged;

use obtui_api::ocp::OcpClient;
use obtui_api::ApiError;

/// The servers a session talks to: an OCP, an obshell agent, or both.
#[derive(Clone, Default)]
pub struct Backends {
    pub ocp: Option<OcpClient>,
    pub obshell: Option<obtui_api::obshell::ObshellClient>,
}

fn no_backend() -> ApiError {
    ApiError::Request("this profile has neither an OCP URL nor an obshell agent".into())
}

/// Where a first load reports its progress (the runtime forwards it to the app; dropping a
/// report is harmless, the complete answer follows).
pub type ProgressSink = std::sync::Arc<dyn Fn(ViewProgress) + Send + Sync>;

/// One round of the view poller: the snapshot, and what it cost in requests. A detail screen is
/// a fixed handful of calls whatever the inventory's size and counts as one, so it keeps the
/// configured refresh; the panes count every page of every list they walk.
pub fn fetch_view(
    b: Backends,
    job: ViewJob,
    round: Round,
    progress: ProgressSink,
) -> BoxFut<(Result<ViewData, ApiError>, Cost)> {
    Box::pin(async move {
        match (b.ocp, b.obshell) {
            // One Tasks pane for both: OCP's tasks and the agent's DAGs (one more request,
            // only while the Tasks pane is on screen).
            (Some(c), Some(o)) if job == ViewJob::Pane(PaneKind::Tasks) => {
                let ((tasks, cost), dags) =
                    tokio::join!(fetch_view_ocp(c, job, round, progress), agent_dags(&o));
                let data = tasks.map(|t| match t {
                    ViewData::Tasks(tasks) => ViewData::TasksAndDags { tasks, dags },
                    other => other,
                });
                let requests = cost.requests + 1;
                (data, Cost { requests })
            }
            (Some(c), _) => fetch_view_ocp(c, job, round, progress).await,
            (None, Some(o)) => {
                let requests = match job {
                    ViewJob::Pane(PaneKind::Clusters | PaneKind::Hosts) => 2,
                    // Answered without asking the agent.
                    ViewJob::Pane(PaneKind::Tenants | PaneKind::Events)
                    | ViewJob::TenantDetail { .. }
                    | ViewJob::EventDetail(_)
                    | ViewJob::ProxyDetail(_) => 0,
                    _ => 1,
                };
                (fetch_view_obshell(o, job).await, Cost { requests })
            }
            (None, None) => (Err(no_backend()), Cost { requests: 0 }),
        }
    })
}

/// The agent's DAGs for the Tasks pane: every cluster DAG it keeps (`/task/dags/ob`), or,
/// from an agent without that route (404), the unfinished ones.
async fn agent_dags(
    o: &obtui_api::obshell::ObshellClient,
) -> Result<Vec<crate::model::inventory::TaskSummary>, ApiError> {
    let agent = super::convert::obshell::agent_label(&o.base_url());
    let dags = match o.cluster_dags().await {
        Err(e) if e.status() == Some(404) => o.unfinished_dags().await,
        r => r,
    }?;
    Ok(super::convert::obshell::tasks(&agent, &dags))
}

async fn fetch_view_obshell(
    o: obtui_api::obshell::ObshellClient,
    job: ViewJob,
) -> Result<ViewData, ApiError> {
    use super::convert::obshell as ob;
    let agent = ob::agent_label(&o.base_url());
    match job {
        ViewJob::Pane(PaneKind::Clusters) => {
            let (info, dags) = tokio::join!(o.obcluster_info(), o.unfinished_dags());
            Ok(ViewData::Clusters {
                clusters: vec![ob::cluster(&info?)],
                running: dags.map(|d| ob::tasks(&agent, &d)),
            })
        }
        ViewJob::Pane(PaneKind::Hosts) => {
            let (agents, info) = tokio::join!(o.agents_status(), o.ob_info());
            let (info, zones) = match info {
                Ok(i) => (Some(i), Ok(())),
                Err(e) => (None, Err(e)),
            };
            Ok(ViewData::AgentHosts {
                hosts: ob::hosts(&agents?, info.as_ref()),
                zones,
            })
        }
        // An obshell agent knows no OBProxy clusters.
        ViewJob::Pane(PaneKind::Proxies) => Ok(ViewData::Proxies(vec![])),
        ViewJob::Pane(PaneKind::Tasks) => Ok(ViewData::Tasks(agent_dags(&o).await?)),
        ViewJob::Pane(PaneKind::Tenants) | ViewJob::TenantDetail { .. } => Err(ApiError::Request(
            "the tenant list is not available on an obshell agent".into(),
        )),
        ViewJob::ClusterDetail(_) => {
            let (info, dags) = tokio::join!(o.obcluster_info(), o.unfinished_dags());
            let cluster = ob::cluster(&info?);
            let servers = cluster
                .zones
                .iter()
                .flat_map(|z| z.servers.clone())
                .collect();
            Ok(ViewData::ClusterDetail(Box::new(ClusterDetail {
                zones: cluster.zones.clone(),
                servers: Ok(servers),
                // An agent knows no tenants of its own: an empty list is the truth here.
                tenants: Ok(vec![]),
                tasks: dags.map(|d| ob::tasks(&agent, &d)),
                cluster,
            })))
        }
        ViewJob::HostDetail(id) => {
            let (agents, info) = tokio::join!(o.agents_status(), o.ob_info());
            ob::hosts(&agents?, info.ok().as_ref())
                .into_iter()
                .find(|h| h.id == id)
                .map(|h| ViewData::HostDetail(Box::new(h)))
                .ok_or_else(|| ApiError::Request(format!("agent {id} is gone")))
        }
        ViewJob::ProxyDetail(_) => Err(ApiError::Request(
            "an obshell agent has no OBProxy clusters".into(),
        )),
        ViewJob::Pane(PaneKind::Alarms) => super::alarms::obshell_alarms(&o).await,
        ViewJob::AlarmDetail(id) => super::alarms::obshell_alarm_detail(&o, id).await,
        ViewJob::Pane(PaneKind::Events) | ViewJob::EventDetail(_) => {
            Err(super::alarms::events_not_on_obshell())
        }
    }
}

/// The JSON the server sends for one object (the raw view, `d`): the single object fetched
/// by its id, pretty-printed. OCP's undocumented `GET /ob/clusters/{id}` may be missing (404
/// or 405): the cluster is then shown as the list sent it, re-encoded (the second value
/// says so).
pub fn fetch_raw(b: Backends, t: RawTarget) -> BoxFut<Result<(String, Option<String>), ApiError>> {
    Box::pin(async move {
        let none = |r: Result<String, ApiError>| r.map(|s| (s, None));
        match (&b.ocp, &b.obshell, t) {
            (
                _,
                Some(o),
                RawTarget::Task {
                    id,
                    backend: obtui_task::Backend::Obshell,
                },
            ) => none(
                o.get_json(&format!("/api/v1/task/dag/{id}?show_details=true"))
                    .await,
            ),
            (Some(c), _, RawTarget::Task { id, .. }) => {
                none(c.get_json(&["tasks", "instances", &id]).await)
            }
            (Some(c), _, RawTarget::Host(id)) => {
                none(c.get_json(&["compute", "hosts", &id.to_string()]).await)
            }
            (Some(c), _, RawTarget::Proxy(id)) => {
                none(c.get_json(&["obproxy", "clusters", &id.to_string()]).await)
            }
            (Some(c), _, RawTarget::Tenant { cluster, tenant }) => none(
                c.get_json(&[
                    "ob",
                    "clusters",
                    &cluster.to_string(),
                    "tenants",
                    &tenant.to_string(),
                ])
                .await,
            ),
            (Some(c), _, RawTarget::Cluster(id)) => {
                match c.get_json(&["ob", "clusters", &id.to_string()]).await {
                    Err(e) if matches!(e.status(), Some(404 | 405)) => {
                        let cl = c.get_cluster(id).await?;
                        let text = serde_json::to_string_pretty(&cl).map_err(|e| {
                            ApiError::Request(format!("cannot print the cluster: {e}"))
                        })?;
                        Ok((
                            text,
                            Some("from the cluster list (no single-cluster route)".into()),
                        ))
                    }
                    r => none(r),
                }
            }
            (None, Some(o), RawTarget::Cluster(_)) => {
                none(o.get_json("/api/v1/obcluster/info").await)
            }
            (None, Some(o), RawTarget::Host(_)) => none(o.get_json("/api/v1/agents/status").await),
            (_, _, t) => Err(ApiError::Request(format!(
                "{} has no JSON on this profile's server",
                t.title()
            ))),
        }
    })
}

/// Items of the small page a first load starts with.
const FIRST_PAGE: u32 = 100;

/// Walk a paged list, converting page by page (each page's wire models are dropped as soon as
/// they are converted), and on a first load hand the first page to `progress` at once, then
/// the page counts. Returns the converted items and the requests sent (also on failure).
async fn walk<W, U, F, Fut>(
    fetch_page: F,
    mut convert: impl FnMut(Vec<W>) -> Vec<U>,
    first_view: impl Fn(&[U]) -> ViewData,
    job: &ViewJob,
    round: Round,
    progress: &ProgressSink,
) -> (Result<Vec<U>, ApiError>, u32)
where
    F: Fn(PageQuery) -> Fut,
    Fut: std::future::Future<Output = Result<Paged<W>, ApiError>>,
{
    let mut requests = 0u32;
    let mut out: Vec<U> = Vec::new();
    // A first load asks for a small page first: the server answers it in a fraction of the time
    // of a 2,000-item page, so the screen has rows at once. A list that fits in it is done; a
    // bigger one is then walked in full pages (the small page's items come again, once).
    let mut sent_first = false;
    if round.first {
        requests += 1;
        match fetch_page(PageQuery::new(1, FIRST_PAGE)).await {
            Ok(p) => {
                let n = p.contents.len() as i64;
                let total = p.page.as_ref().map(|i| i.total_elements).unwrap_or(n);
                let converted = {
                    let _work = obtui_api::work::timed();
                    convert(p.contents)
                };
                if total <= n || n < i64::from(FIRST_PAGE) {
                    return (Ok(converted), requests);
                }
                let pages = (total + i64::from(MAX_PAGE_SIZE) - 1) / i64::from(MAX_PAGE_SIZE);
                progress(ViewProgress {
                    job: job.clone(),
                    done: 0,
                    total: u32::try_from(pages).unwrap_or(u32::MAX),
                    first: Some(first_view(&converted)),
                });
                sent_first = true;
            }
            Err(e) => return (Err(e), requests),
        }
    }
    let r = each_page(
        MAX_PAGE_SIZE,
        |p| {
            requests += 1;
            fetch_page(p)
        },
        |items, at| {
            let total = at.total_pages.unwrap_or(at.page);
            if out.capacity() == 0 && total > 1 {
                // One allocation for the whole list instead of doubling through it.
                out.reserve_exact(items.len().saturating_mul(total as usize));
            }
            let _work = obtui_api::work::timed();
            let converted = convert(items);
            if round.first && total > at.page {
                progress(ViewProgress {
                    job: job.clone(),
                    done: at.page,
                    total,
                    first: (at.page == 1 && !sent_first).then(|| first_view(&converted)),
                });
            }
            out.extend(converted);
        },
    )
    .await;
    (r.map(|_| out), requests)
}

async fn fetch_view_ocp(
    c: OcpClient,
    job: ViewJob,
    round: Round,
    progress: ProgressSink,
) -> (Result<ViewData, ApiError>, Cost) {
    let one = Cost { requests: 1 };
    match job {
        ViewJob::Pane(PaneKind::Clusters) => {
            let running_filter = TaskFilter {
                status: vec!["RUNNING".into()],
                ..Default::default()
            };
            let no_progress: ProgressSink = std::sync::Arc::new(|_| {});
            let ((clusters, n1), (running, n2)) = tokio::join!(
                walk(
                    |p| {
                        let c = c.clone();
                        async move { c.list_clusters(&p, &ClusterFilter::default()).await }
                    },
                    |v| v.iter().map(ocp::cluster).collect(),
                    |first| ViewData::Clusters {
                        clusters: first.to_vec(),
                        // The first page while the rest loads; the round's answer follows.
                        running: Ok(vec![]),
                    },
                    &job,
                    round,
                    &progress,
                ),
                walk(
                    |p| {
                        let c = c.clone();
                        let f = running_filter.clone();
                        async move { c.list_tasks(&p, &f).await }
                    },
                    |v| ocp::tasks(&v),
                    |_| ViewData::Tasks(vec![]),
                    &job,
                    Round { first: false },
                    &no_progress,
                )
            );
            let cost = Cost { requests: n1 + n2 };
            // A failure of the running tasks must not hide the clusters, nor show as "none":
            // it travels as that part's error (the app keeps the last good list, marked stale).
            let r = clusters.map(|clusters| ViewData::Clusters { clusters, running });
            (r, cost)
        }
        ViewJob::Pane(PaneKind::Hosts) => {
            let (r, n) = walk(
                |p| {
                    let c = c.clone();
                    async move { c.list_hosts(&p, &HostFilter::default()).await }
                },
                |v| v.into_iter().map(ocp::into_host).collect(),
                |first| ViewData::Hosts(first.to_vec()),
                &job,
                round,
                &progress,
            )
            .await;
            (r.map(ViewData::Hosts), Cost { requests: n })
        }
        ViewJob::Pane(PaneKind::Proxies) => {
            let (r, n) = walk(
                |p| {
                    let c = c.clone();
                    async move { c.list_obproxy_clusters(&p).await }
                },
                |v| ocp::proxy_clusters(&v),
                |first| ViewData::Proxies(first.to_vec()),
                &job,
                round,
                &progress,
            )
            .await;
            (r.map(ViewData::Proxies), Cost { requests: n })
        }
        ViewJob::Pane(PaneKind::Tenants) => {
            let (r, n) = walk(
                |p| {
                    let c = c.clone();
                    async move { c.list_tenants(&p, &TenantFilter::default()).await }
                },
                |v| v.iter().map(ocp::tenant).collect(),
                |first| ViewData::Tenants(first.to_vec()),
                &job,
                round,
                &progress,
            )
            .await;
            (r.map(ViewData::Tenants), Cost { requests: n })
        }
        ViewJob::Pane(PaneKind::Tasks) => {
            // The newest 500 tasks: enough for an operator's view, bounded for big estates.
            let page = PageQuery::new(1, 500).sorted("id,desc");
            let r = c
                .list_tasks(&page, &TaskFilter::default())
                .await
                .map(|p| ViewData::Tasks(ocp::tasks(&p.contents)));
            (r, one)
        }
        ViewJob::ClusterDetail(id) => (fetch_cluster_detail(&c, id).await, one),
        ViewJob::HostDetail(id) => (
            c.get_host(id)
                .await
                .map(|h| ViewData::HostDetail(Box::new(ocp::into_host(h)))),
            one,
        ),
        ViewJob::TenantDetail { cluster, tenant } => {
            (fetch_tenant_detail(&c, cluster, tenant).await, one)
        }
        ViewJob::Pane(PaneKind::Alarms) => {
            let (r, n) = super::alarms::ocp_alarms(&c).await;
            (r, Cost { requests: n })
        }
        ViewJob::AlarmDetail(id) => (super::alarms::ocp_alarm_detail(&c, id).await, one),
        ViewJob::Pane(PaneKind::Events) => (super::alarms::ocp_events(&c).await, one),
        ViewJob::EventDetail(id) => (super::alarms::ocp_event_detail(&c, id).await, one),
        ViewJob::ProxyDetail(id) => (
            c.get_obproxy_cluster(id)
                .await
                .map(|p| ViewData::ProxyDetail(Box::new(ocp::proxy_cluster(&p)))),
            one,
        ),
    }
}

async fn fetch_cluster_detail(c: &OcpClient, id: i64) -> Result<ViewData, ApiError> {
    let sf = ServerFilter::default();
    let tf = TenantFilter::default();
    let tp = PageQuery::new(1, 500);
    let kp = PageQuery::new(1, 50).sorted("id,desc");
    let kf = TaskFilter {
        cluster_id: Some(id),
        ..Default::default()
    };
    let (cluster, zones, servers, tenants, tasks) = tokio::join!(
        c.get_cluster(id),
        c.list_zones(id),
        c.list_servers(id, &sf),
        c.list_cluster_tenants(id, &tp, &tf),
        c.list_tasks(&kp, &kf)
    );
    Ok(ViewData::ClusterDetail(Box::new(ClusterDetail {
        cluster: ocp::cluster(&cluster?),
        zones: zones?.iter().map(ocp::zone).collect(),
        // The cluster and its zones are the screen; the rest are parts with their own
        // freshness (a failure keeps the last good list, marked stale, in the app).
        servers: servers.map(|v| v.iter().map(ocp::server).collect()),
        tenants: tenants.map(|p| p.contents.iter().map(ocp::tenant).collect()),
        tasks: tasks.map(|p| ocp::tasks(&p.contents)),
    })))
}

/// A tenant's detail: the tenant (zones, pools, units) and the tasks that name it (a part of
/// its own: its failure shows as unknown, not as none).
async fn fetch_tenant_detail(
    c: &OcpClient,
    cluster: i64,
    tenant: i64,
) -> Result<ViewData, ApiError> {
    let kp = PageQuery::new(1, 50).sorted("id,desc");
    let kf = TaskFilter {
        tenant_id: Some(tenant),
        ..Default::default()
    };
    let (t, tasks) = tokio::join!(c.get_tenant(cluster, tenant), c.list_tasks(&kp, &kf));
    Ok(ViewData::TenantDetail(Box::new(
        crate::model::view::TenantDetail {
            tenant: ocp::tenant(&t?),
            tasks: tasks.map(|p| ocp::tasks(&p.contents)),
        },
    )))
}

/// One poll of the task on screen, converted to the neutral graph.
pub fn fetch_task(b: Backends, job: TaskJob) -> BoxFut<Result<obtui_task::TaskGraph, ApiError>> {
    Box::pin(async move {
        if job.backend == obtui_task::Backend::Obshell {
            let o = b.obshell.ok_or_else(no_backend)?;
            return super::obshell::task_graph(&o, &job.task).await;
        }
        let c = b.ocp.ok_or_else(no_backend)?;
        let id = parse_id(&job.task)?;
        let r = c.get_task_raw(id).await?;
        let span = obtui_api::ocp::envelope::success_data_span(&r);
        let key = (c.base_url().to_string(), id);
        if let Some(span) = &span {
            if let Some(g) = last_task().unchanged(&key, &r.body[span.clone()]) {
                return Ok(g);
            }
        }
        if let Some(span) = &span {
            if let Some(g) = last_task().patched(&key, &r.body[span.clone()]) {
                return Ok(g);
            }
        }
        let t = obtui_api::ocp::envelope::decode_task_detail(&r)?;
        let g = {
            let _work = obtui_api::work::timed();
            obtui_task::TaskGraph::from(&t)
        };
        if let Some(span) = span {
            last_task().keep(key, &r.body[span], &g);
        }
        Ok(g)
    })
}

/// Where each subtask's JSON lies in `data` (`None`: a shape the incremental poll does not
/// split).
fn subtask_spans(data: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    let (_, raws) = obtui_api::ocp::envelope::split_task_detail(data)?;
    let base = data.as_ptr() as usize;
    raws.iter()
        .map(|r| {
            let start = (r.get().as_ptr() as usize).checked_sub(base)?;
            let end = start + r.get().len();
            (end <= data.len()).then_some(start..end)
        })
        .collect()
}

/// The last task detail polled: its `data` as the server sent it and the graph made from it.
/// A big running task's `data` is the same between most polls (only the envelope's time and
/// trace id change); the next poll whose `data` is byte-for-byte the same takes the graph
/// from here instead of decoding and converting thousands of subtasks again. One task is
/// kept: the one on screen.
struct LastTask {
    key: (String, i64),
    data: Vec<u8>,
    graph: obtui_task::TaskGraph,
    /// Each subtask's bytes in `data`, for the next poll to find the ones that changed.
    spans: Option<Vec<std::ops::Range<usize>>>,
}

#[derive(Default)]
struct LastTaskSlot(Option<LastTask>);

impl LastTaskSlot {
    fn unchanged(&self, key: &(String, i64), data: &[u8]) -> Option<obtui_task::TaskGraph> {
        let last = self.0.as_ref()?;
        (last.key == *key && last.data == data).then(|| {
            let _work = obtui_api::work::timed();
            last.graph.clone()
        })
    }

    fn keep(&mut self, key: (String, i64), data: &[u8], graph: &obtui_task::TaskGraph) {
        let _work = obtui_api::work::timed();
        self.0 = Some(LastTask {
            key,
            data: data.to_vec(),
            graph: graph.clone(),
            spans: subtask_spans(data),
        });
    }

    /// A poll of the same task whose subtasks are the last poll's but for a few (statuses,
    /// times: the common change of a running task): only those are decoded and converted, the
    /// rest of the graph is the last one. `None` when the shape or the topology changed (the
    /// caller decodes the whole task) or nothing is kept for this task.
    fn patched(&mut self, key: &(String, i64), data: &[u8]) -> Option<obtui_task::TaskGraph> {
        use obtui_api::ocp::models::SubtaskInstance;
        let _work = obtui_api::work::timed();
        let last = self.0.as_ref().filter(|l| l.key == *key)?;
        let spans = last.spans.as_ref()?;
        let (shell, raws) = obtui_api::ocp::envelope::split_task_detail(data)?;
        if raws.len() != spans.len() {
            return None;
        }
        let mut changed = Vec::new();
        for (k, (raw, span)) in raws.iter().zip(spans).enumerate() {
            let old = last.data.get(span.clone())?;
            if raw.get().as_bytes() != old {
                let new: SubtaskInstance = serde_json::from_str(raw.get()).ok()?;
                let old: SubtaskInstance = serde_json::from_slice(old).ok()?;
                changed.push((k, new, old));
            }
        }
        let g = obtui_task::convert::patch_ocp(&last.graph, &shell, &changed)?;
        let base = data.as_ptr() as usize;
        let spans = raws
            .iter()
            .map(|r| {
                let start = (r.get().as_ptr() as usize).checked_sub(base)?;
                Some(start..start + r.get().len())
            })
            .collect();
        self.0 = Some(LastTask {
            key: key.clone(),
            data: data.to_vec(),
            graph: g.clone(),
            spans,
        });
        Some(g)
    }
}

fn last_task() -> std::sync::MutexGuard<'static, LastTaskSlot> {
    static LAST: std::sync::Mutex<LastTaskSlot> = std::sync::Mutex::new(LastTaskSlot(None));
    // A poisoned slot only held a cache: start it again.
    LAST.lock().unwrap_or_else(|p| {
        let mut g = p.into_inner();
        *g = LastTaskSlot::default();
        g
    })
}

/// The whole log of one subtask (the view keeps only what is new).
pub fn fetch_log(b: Backends, job: LogJob) -> BoxFut<Result<String, ApiError>> {
    Box::pin(async move {
        if job.backend == obtui_task::Backend::Obshell {
            let o = b.obshell.ok_or_else(no_backend)?;
            return super::obshell::node_log(&o, &job.node).await;
        }
        let c = b.ocp.ok_or_else(no_backend)?;
        let task = parse_id(&job.task)?;
        let node = parse_id(&job.node)?;
        Ok(c.subtask_log(task, node).await?.log)
    })
}

/// Send a task operation. OCP's rules are checked by the server too (400 when not allowed).
pub async fn operate(
    b: &Backends,
    backend: obtui_task::Backend,
    task: &str,
    op: obtui_task::Op,
    node: Option<&str>,
) -> Result<(), ApiError> {
    use obtui_task::Op;
    if backend == obtui_task::Backend::Obshell {
        let o = b.obshell.as_ref().ok_or_else(no_backend)?;
        return super::obshell::operate(o, task, op, node).await;
    }
    let c = b.ocp.as_ref().ok_or_else(no_backend)?;
    let t = parse_id(task)?;
    match (op, node) {
        (Op::Retry, None) => c.retry_task(t).await.map(|_| ()),
        (Op::Rollback, None) => c.rollback_task(t).await.map(|_| ()),
        (Op::Retry, Some(n)) => c.retry_subtask(t, parse_id(n)?).await.map(|_| ()),
        (Op::Skip, Some(n)) => c.skip_subtask(t, parse_id(n)?).await,
        (Op::Cancel, Some(n)) => c.cancel_subtask(t, parse_id(n)?).await,
        (op, _) => Err(ApiError::Request(format!(
            "OCP has no {} operation for this target",
            op.name()
        ))),
    }
}

fn parse_id(s: &str) -> Result<i64, ApiError> {
    s.parse()
        .map_err(|_| ApiError::Request(format!("not an OCP id: {s:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_task_is_reused_only_for_the_same_server_task_and_data() {
        let g = obtui_task::gen::generate_ocp_like(40, 3);
        let mut slot = LastTaskSlot::default();
        let key = ("http://ocp:8080".to_string(), 7);
        assert!(slot.unchanged(&key, b"{}").is_none(), "nothing kept yet");
        slot.keep(key.clone(), br#"{"id":7}"#, &g);
        assert_eq!(slot.unchanged(&key, br#"{"id":7}"#), Some(g.clone()));
        // One byte of data changed, another task, another server: decode again.
        assert!(slot.unchanged(&key, br#"{"id":8}"#).is_none());
        assert!(slot
            .unchanged(&(key.0.clone(), 8), br#"{"id":7}"#)
            .is_none());
        assert!(slot
            .unchanged(&("http://other:8080".into(), 7), br#"{"id":7}"#)
            .is_none());
    }

    /// The `data` of a task detail as OCP sends it, from a generated graph: every documented
    /// subtask field, a context object on some, times with an offset.
    fn task_data(g: &obtui_task::TaskGraph, op: &str) -> Vec<u8> {
        let t = |ms: Option<i64>| ms.map(|m| obtui_api::time::format_rfc3339(m, 8 * 3600));
        let id = |s: &str| s.parse::<i64>().unwrap_or(0);
        let subtasks: Vec<serde_json::Value> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(k, n)| {
                let mut v = serde_json::json!({
                    "createTime": t(n.created), "description": n.description,
                    "downstreams": n.downstreams.iter().map(|d| id(d)).collect::<Vec<_>>(),
                    "executor": "10.0.0.1", "finishTime": t(n.finished), "id": id(&n.id),
                    "name": n.name, "nodeType": "JAVA_TASK", "operation": op,
                    "parallelIdx": n.parallel_idx.unwrap_or(-1), "prohibitRollback": false,
                    "runTime": n.run_count, "seriesId": n.series_id, "startTime": t(n.started),
                    "status": n.status.to_string(), "timeout": n.timeout_secs,
                    "upstreams": n.upstreams.iter().map(|d| id(d)).collect::<Vec<_>>(),
                });
                if k % 7 == 0 {
                    v["context"] =
                        serde_json::json!({"stringMap": {"ip": format!("10.0.0.{}", k % 250)}});
                }
                v
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({
            "id": 35000312, "name": g.name, "status": g.status.to_string(),
            "operation": "EXECUTE", "executor": "10.0.0.9", "subtasks": subtasks,
            "creator": {"id": 100, "name": "admin"}, "clusterId": 3,
        }))
        .unwrap()
    }

    fn full(data: &[u8]) -> obtui_task::TaskGraph {
        let t: obtui_api::ocp::models::TaskInstance = serde_json::from_slice(data).unwrap();
        obtui_task::TaskGraph::from(&t)
    }

    /// A poll whose subtasks changed status (and times, operation): only those are decoded,
    /// and the graph equals a whole conversion of the new answer — over many random polls.
    /// A change of topology, of the subtask count or of the shape converts the whole task.
    #[test]
    fn a_patched_poll_equals_a_whole_conversion() {
        use obtui_task::NodeStatus;
        let key = ("http://ocp".to_string(), 35000312);
        let mut g = obtui_task::gen::generate_ocp_like(300, 5);
        let mut slot = LastTaskSlot::default();
        let first = task_data(&g, "EXECUTE");
        slot.keep(key.clone(), &first, &full(&first));
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let statuses = [
            NodeStatus::Running,
            NodeStatus::Successful,
            NodeStatus::Failed,
            NodeStatus::Pending,
        ];
        for round in 0..40 {
            for _ in 0..(next() % 4 + 1) {
                let k = (next() % g.nodes.len() as u64) as usize;
                g.nodes[k].status = statuses[(next() % 4) as usize].clone();
                g.nodes[k].started = Some(1_700_000_000_000 + (next() % 100_000) as i64);
                g.nodes[k].run_count += 1;
            }
            let op = if round == 30 { "ROLLBACK" } else { "EXECUTE" };
            let data = task_data(&g, op);
            let got = slot
                .patched(&key, &data)
                .expect("a status-only change is patched");
            assert_eq!(got, full(&data), "round {round}");
        }
        // Another task, an edge more, a subtask fewer, the old `tasks` shape: not patched.
        let data = task_data(&g, "EXECUTE");
        assert!(slot.patched(&(key.0.clone(), 1), &data).is_none());
        let mut h = g.clone();
        let extra = h.nodes[3].id.clone();
        h.nodes[10].upstreams.push(extra);
        assert!(slot.patched(&key, &task_data(&h, "EXECUTE")).is_none());
        let mut h = g.clone();
        h.nodes.pop();
        assert!(slot.patched(&key, &task_data(&h, "EXECUTE")).is_none());
        let old_shape = String::from_utf8(data)
            .unwrap()
            .replace("\"subtasks\"", "\"tasks\"");
        assert!(slot.patched(&key, old_shape.as_bytes()).is_none());
    }

    use obtui_api::ocp::OcpConfig;
    use obtui_api::secret::Secret;
    use std::sync::{Arc, Mutex};

    /// An obshell agent alone lists no tenants: the pane says so (an error naming the agent,
    /// never an empty list that reads as "no tenants"), and nothing is sent to ask.
    #[tokio::test]
    async fn an_agent_alone_says_tenants_are_not_available() {
        let o = obtui_api::obshell::ObshellClient::new(obtui_api::obshell::ObshellConfig::new(
            "http://127.0.0.1:1",
            Secret::new("x"),
        ))
        .unwrap();
        let b = Backends {
            ocp: None,
            obshell: Some(o),
        };
        for job in [
            ViewJob::Pane(PaneKind::Tenants),
            ViewJob::TenantDetail {
                cluster: 1,
                tenant: 2,
            },
        ] {
            let (r, cost) =
                fetch_view(b.clone(), job, Round { first: true }, Arc::new(|_| {})).await;
            let e = r.expect_err("no tenant list on an agent");
            assert!(
                e.to_string().contains("not available on an obshell agent"),
                "{e}"
            );
            assert_eq!(cost.requests, 0);
        }
    }

    /// Against the simulator at a few thousand hosts (two pages of 2,000): a first load shows a
    /// small first page at once, reports the pages, then completes; a later round walks the
    /// full pages only and reports nothing. Each round counts the requests it sent.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_first_load_shows_a_small_page_first_then_the_whole_list() {
        let sim = obtui_sim::start(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            obtui_sim::SimOptions {
                scale: 300,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let c =
            OcpClient::new(OcpConfig::new(sim.url(), "admin", Secret::new("aaAA11__"))).unwrap();
        let b = Backends {
            ocp: Some(c),
            obshell: None,
        };
        let seen: Arc<Mutex<Vec<ViewProgress>>> = Arc::default();
        let s = seen.clone();
        let sink: ProgressSink = Arc::new(move |p| s.lock().unwrap().push(p));
        let job = ViewJob::Pane(PaneKind::Hosts);
        let (r, cost) =
            fetch_view(b.clone(), job.clone(), Round { first: true }, sink.clone()).await;
        let Ok(ViewData::Hosts(all)) = r else {
            panic!("hosts: {r:?}")
        };
        let pages = all.len().div_ceil(MAX_PAGE_SIZE as usize) as u32;
        assert!(pages >= 2, "{} hosts", all.len());
        assert_eq!(cost.requests, 1 + pages);
        let p = seen.lock().unwrap().clone();
        assert_eq!(p.len(), pages as usize, "{p:?}");
        match &p[0].first {
            Some(ViewData::Hosts(first)) => {
                assert_eq!(first.len(), FIRST_PAGE as usize);
                assert_eq!(first[..], all[..FIRST_PAGE as usize]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!((p[0].done, p[0].total), (0, pages));
        assert!(p[1..].iter().all(|x| x.first.is_none() && x.total == pages));
        assert_eq!(p.last().map(|x| x.done), Some(pages - 1));
        // A later round: the full pages only, no progress.
        seen.lock().unwrap().clear();
        let (r, cost) = fetch_view(b, job, Round { first: false }, sink).await;
        assert!(matches!(r, Ok(ViewData::Hosts(ref h)) if h.len() == all.len()));
        assert_eq!(cost.requests, pages);
        assert!(seen.lock().unwrap().is_empty());
        sim.shutdown().await;
    }
}
