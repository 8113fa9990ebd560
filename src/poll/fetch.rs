//! What the view poller fetches for each screen: one round of requests, one owned snapshot.

use super::convert::ocp;
use super::BoxFut;
use crate::model::jobs::{LogJob, TaskJob, ViewJob};
use crate::model::pane::PaneKind;
use crate::model::view::{ClusterDetail, ViewData};
use obtui_api::ocp::client::{
    all_pages, ClusterFilter, HostFilter, PageQuery, ServerFilter, TaskFilter, TenantFilter,
};

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

pub fn fetch_view(b: Backends, job: ViewJob) -> BoxFut<Result<ViewData, ApiError>> {
    Box::pin(async move {
        match (b.ocp, b.obshell) {
            (Some(c), _) => fetch_view_ocp(c, job).await,
            (None, Some(o)) => fetch_view_obshell(o, job).await,
            (None, None) => Err(no_backend()),
        }
    })
}

async fn fetch_view_obshell(
    o: obtui_api::obshell::ObshellClient,
    job: ViewJob,
) -> Result<ViewData, ApiError> {
    use super::convert::obshell as ob;
    match job {
        ViewJob::Pane(PaneKind::Clusters) => {
            let (info, dags) = tokio::join!(o.obcluster_info(), o.unfinished_dags());
            let running = dags.map(|d| ob::tasks(&d)).unwrap_or_default();
            Ok(ViewData::Clusters {
                clusters: vec![ob::cluster(&info?)],
                running,
            })
        }
        ViewJob::Pane(PaneKind::Hosts) => {
            let (agents, info) = tokio::join!(o.agents_status(), o.ob_info());
            Ok(ViewData::Hosts(ob::hosts(&agents?, info.ok().as_ref())))
        }
        // An obshell agent knows no OBProxy clusters.
        ViewJob::Pane(PaneKind::Proxies) => Ok(ViewData::Proxies(vec![])),
        ViewJob::Pane(PaneKind::Tasks) => {
            Ok(ViewData::Tasks(ob::tasks(&o.unfinished_dags().await?)))
        }
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
                servers,
                tenants: vec![],
                tasks: dags.map(|d| ob::tasks(&d)).unwrap_or_default(),
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
    }
}

async fn fetch_view_ocp(c: OcpClient, job: ViewJob) -> Result<ViewData, ApiError> {
    {
        match job {
            ViewJob::Pane(PaneKind::Clusters) => {
                let running_filter = TaskFilter {
                    status: vec!["RUNNING".into()],
                    ..Default::default()
                };
                let (clusters, running) = tokio::join!(
                    all_pages(2000, |p| {
                        let c = c.clone();
                        async move { c.list_clusters(&p, &ClusterFilter::default()).await }
                    }),
                    all_pages(2000, |p| {
                        let c = c.clone();
                        let f = running_filter.clone();
                        async move { c.list_tasks(&p, &f).await }
                    })
                );
                // The running-task column is a nicety: a failure there must not hide the clusters.
                Ok(ViewData::Clusters {
                    clusters: ocp::clusters(&clusters?),
                    running: running.map(|t| ocp::tasks(&t)).unwrap_or_default(),
                })
            }
            ViewJob::Pane(PaneKind::Hosts) => Ok(ViewData::Hosts(ocp::hosts(
                &all_pages(2000, |p| {
                    let c = c.clone();
                    async move { c.list_hosts(&p, &HostFilter::default()).await }
                })
                .await?,
            ))),
            ViewJob::Pane(PaneKind::Proxies) => Ok(ViewData::Proxies(ocp::proxy_clusters(
                &all_pages(2000, |p| {
                    let c = c.clone();
                    async move { c.list_obproxy_clusters(&p).await }
                })
                .await?,
            ))),
            ViewJob::Pane(PaneKind::Tasks) => {
                // The newest 500 tasks: enough for an operator's view, bounded for big estates.
                let page = PageQuery::new(1, 500).sorted("id,desc");
                Ok(ViewData::Tasks(ocp::tasks(
                    &c.list_tasks(&page, &TaskFilter::default()).await?.contents,
                )))
            }
            ViewJob::ClusterDetail(id) => {
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
                    servers: servers
                        .map(|v| v.iter().map(ocp::server).collect())
                        .unwrap_or_default(),
                    tenants: tenants
                        .map(|p| p.contents.iter().map(ocp::tenant).collect())
                        .unwrap_or_default(),
                    tasks: tasks.map(|p| ocp::tasks(&p.contents)).unwrap_or_default(),
                })))
            }
            ViewJob::HostDetail(id) => Ok(ViewData::HostDetail(Box::new(ocp::host(
                &c.get_host(id).await?,
            )))),
            ViewJob::ProxyDetail(id) => Ok(ViewData::ProxyDetail(Box::new(ocp::proxy_cluster(
                &c.get_obproxy_cluster(id).await?,
            )))),
        }
    }
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
        let t = c.get_task(id).await?;
        Ok(obtui_task::TaskGraph::from(&t))
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
