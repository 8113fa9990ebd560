//! The network side of the wizards: fetch the data a form needs, call the API precheck, send
//! the write once, and find the task a write with an unknown outcome may have created.

use crate::api::ocp::client::{
    all_pages, ClusterFilter, HostFilter, PackageFilter, PageQuery, ServerFilter, TaskFilter,
};
use crate::api::ocp::OcpClient;
use crate::api::ApiError;
use crate::app::wizard::data::{DataRequest, DataResponse};
use crate::app::wizard::precheck::{takeover_items, PrecheckItem};
use crate::app::wizard::request::{OcpWrite, PrecheckRequest, SubmitRequest, TaskLookup};
use crate::app::wizard::SubmitOutcome;

fn msg(e: ApiError) -> String {
    e.to_string()
}

/// Answer one `NeedData`.
pub async fn fetch_data(c: &OcpClient, req: DataRequest) -> DataResponse {
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
                (Ok(cl), Ok(sv), Ok(t)) => Ok(crate::app::wizard::convert::cluster_detail(
                    &cl,
                    &sv,
                    &t.contents,
                )),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(msg(e)),
            };
            DataResponse::ClusterDetail(r)
        }
    }
}

/// Call the API precheck and turn its answer into check items.
pub async fn precheck(c: &OcpClient, req: PrecheckRequest) -> Result<Vec<PrecheckItem>, String> {
    match req {
        PrecheckRequest::TakeoverCluster(body) => c
            .takeover_precheck(&body)
            .await
            .map(|r| takeover_items(&r))
            .map_err(msg),
    }
}

/// Send the write. Exactly once: a timeout or a broken connection after sending is reported as
/// `Unknown`, never retried here.
pub async fn submit(c: &OcpClient, req: &SubmitRequest) -> SubmitOutcome {
    let r: Result<String, ApiError> = match &req.write {
        OcpWrite::CreateCluster(b) => c.create_cluster(b).await.map(|t| t.id.to_string()),
        OcpWrite::TakeoverCluster(b) => c.takeover(b).await.map(|t| t.id.to_string()),
        OcpWrite::UpgradeCluster { cluster_id, body } => c
            .upgrade_cluster(*cluster_id, body)
            .await
            .map(|t| t.id.to_string()),
        OcpWrite::TakeoverProxy {
            proxy_cluster_id,
            body,
        } => c
            .obproxy_takeover(*proxy_cluster_id, body)
            .await
            .and_then(|ts| {
                ts.first().map(|t| t.id.to_string()).ok_or_else(|| {
                    ApiError::Request(
                        "the server accepted the takeover but returned no task".into(),
                    )
                })
            }),
    };
    SubmitOutcome::from_result(r)
}

/// After an unknown outcome: look for a task matching the lookup that started after the submit.
pub async fn find_task(c: &OcpClient, l: &TaskLookup) -> Option<String> {
    let f = TaskFilter {
        cluster_id: l.cluster_id,
        ..Default::default()
    };
    let page = c
        .list_tasks(&PageQuery::new(1, 50).sorted("id,desc"), &f)
        .await
        .ok()?;
    let want = l.name_contains.to_lowercase();
    page.contents
        .iter()
        .find(|t| {
            let started = t
                .start_time
                .as_deref()
                .or(t.create_time.as_deref())
                .and_then(crate::api::ocp::models::parse_time_millis)
                .unwrap_or(0);
            // Allow for clock skew between us and the server.
            t.name.to_lowercase().contains(&want) && started + 120_000 >= l.submitted_at_ms
        })
        .map(|t| t.id.to_string())
}
