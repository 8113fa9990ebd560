//! Writes whose outcome is unknown, against the simulator with a fault that lets the server act
//! and then loses its answer (`lose_count`), or that answers nothing at all (`drop_count`):
//! the outcome is "unknown" (never "rejected"), the look-up claims only the request's own task,
//! and the server sees exactly one POST.

use obtui::app::wizard::{SubmitOutcome, SubmitRequest, TaskLookup, WizardKind, Write};
use obtui::poll::fetch::Backends;
use obtui::poll::wizard::{find_task, submit};
use obtui_api::ocp::client::{all_pages, HostFilter, PackageFilter, PageQuery, TaskFilter};
use obtui_api::ocp::*;
use obtui_api::secret::Secret;
use obtui_sim::{SimHandle, SimOptions};

async fn sim() -> SimHandle {
    obtui_sim::start("127.0.0.1:0".parse().expect("addr"), SimOptions::default())
        .await
        .expect("simulator starts")
}

fn client(sim: &SimHandle) -> OcpClient {
    OcpClient::new(OcpConfig::new(sim.url(), "admin", Secret::new("aaAA11__"))).expect("client")
}

async fn faults(sim: &SimHandle, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/sim/faults", sim.url()))
        .json(&body)
        .send()
        .await
        .expect("control request");
    assert!(r.status().is_success(), "HTTP {}", r.status());
}

/// A create body for `name` on the `nth` free host.
async fn create_body(c: &OcpClient, name: &str, nth: usize) -> CreateClusterRequest {
    let hosts = all_pages(500, |p| {
        let c = c.clone();
        async move { c.list_hosts(&p, &HostFilter::default()).await }
    })
    .await
    .expect("hosts");
    let free: Vec<Host> = hosts
        .into_iter()
        .filter(|h| h.services.is_empty() && h.status == HostStatus::Online)
        .collect();
    let host = free.get(nth).expect("enough free hosts");
    let rpm = c
        .list_software_packages(
            &PageQuery::new(1, 200),
            &PackageFilter {
                types: vec!["OB_SERVER_INSTALL_PACKAGE".into()],
                ..PackageFilter::default()
            },
        )
        .await
        .expect("packages")
        .contents
        .first()
        .and_then(|p| p.file_name.clone())
        .expect("an OB package");
    CreateClusterRequest {
        cluster_type: ClusterType::Primary,
        name: name.to_string(),
        password: Secret::new("Root_pw_1"),
        primary_zone: None,
        rpm_name: Some(rpm),
        zones: vec![CreateClusterZone {
            name: "zone1".into(),
            idc_name: host.idc_name.clone().unwrap_or_default(),
            servers: vec![host.id],
            ..CreateClusterZone::default()
        }],
        full_version: None,
        ob_cluster_id: None,
        startup_parameters: Vec::new(),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The request the create wizard sends for `body`, as `do_submit` stamps it.
fn request(body: CreateClusterRequest) -> SubmitRequest {
    SubmitRequest {
        kind: WizardKind::CreateCluster,
        lookup: TaskLookup {
            host_ids: Vec::new(),
            cluster_id: None,
            cluster_name: Some(body.name.clone()),
            name_contains: "Create".into(),
            submitted_at_ms: now_ms(),
        },
        write: Write::CreateCluster(body),
    }
}

/// The create tasks the server holds for cluster `name`.
async fn create_tasks_for(c: &OcpClient, name: &str) -> Vec<TaskInstance> {
    c.list_tasks(&PageQuery::new(1, 100), &TaskFilter::default())
        .await
        .expect("tasks")
        .contents
        .into_iter()
        .filter(|t| {
            t.name.contains("Create")
                && t.cluster.as_ref().and_then(|c| c.name.as_deref()) == Some(name)
        })
        .collect()
}

#[tokio::test]
async fn a_lost_answer_never_claims_another_clusters_create_task() {
    let s = sim().await;
    let c = client(&s);
    // Someone else's create, a moment ago.
    let theirs = c
        .create_cluster(&create_body(&c, "wt2", 0).await)
        .await
        .expect("their create");
    // Ours: the answer is dropped before the server acts.
    let req = request(create_body(&c, "probe9", 1).await);
    faults(
        &s,
        serde_json::json!({"drop_count": 1, "path_prefix": "/api/v2/ob/clusters"}),
    )
    .await;
    let b = Backends {
        ocp: Some(c.clone()),
        obshell: None,
    };
    assert_eq!(submit(&b, &req).await, SubmitOutcome::Unknown);
    let r = find_task(&c, &req.lookup).await;
    assert_eq!(r.task, None, "claimed {:?}: {:?}", r.task, r.checked);
    let said = r.checked.join("\n");
    assert!(
        said.contains(&format!("task #{}", theirs.id)) && said.contains("wt2"),
        "the report names the task looked at and why it is not ours: {said}"
    );
    assert!(create_tasks_for(&c, "probe9").await.is_empty());
}

#[tokio::test]
async fn an_answer_lost_after_the_create_is_unknown_and_the_own_task_is_claimed() {
    let s = sim().await;
    let c = client(&s);
    let b = Backends {
        ocp: Some(c.clone()),
        obshell: None,
    };
    // A cut connection, a gateway's empty 502 and 504, an empty 500: all after the server acted.
    for (i, status) in [0u16, 502, 504, 500].into_iter().enumerate() {
        let name = format!("probe{i}");
        let req = request(create_body(&c, &name, i).await);
        faults(
            &s,
            serde_json::json!({"lose_count": 1, "lose_status": status,
                "path_prefix": "/api/v2/ob/clusters"}),
        )
        .await;
        let o = submit(&b, &req).await;
        assert_eq!(o, SubmitOutcome::Unknown, "lose_status {status}: {o:?}");
        // The server saw exactly one POST: one create task for this cluster.
        let mine = create_tasks_for(&c, &name).await;
        assert_eq!(mine.len(), 1, "lose_status {status}: {mine:?}");
        let r = find_task(&c, &req.lookup).await;
        assert_eq!(
            r.task,
            Some(mine[0].id.to_string()),
            "lose_status {status}: {:?}",
            r.checked
        );
    }
}

#[tokio::test]
async fn an_enveloped_500_is_a_rejection() {
    let s = sim().await;
    let c = client(&s);
    let b = Backends {
        ocp: Some(c.clone()),
        obshell: None,
    };
    let req = request(create_body(&c, "probe_env", 0).await);
    faults(
        &s,
        serde_json::json!({"error_status": 500, "error_count": 1, "error_body": true,
            "path_prefix": "/api/v2/ob/clusters"}),
    )
    .await;
    match submit(&b, &req).await {
        SubmitOutcome::Err(e) => assert_eq!(e.status, Some(500)),
        o => panic!("{o:?}"),
    }
    // Without the envelope the same status is unknown.
    faults(
        &s,
        serde_json::json!({"error_status": 500, "error_count": 1, "error_body": false}),
    )
    .await;
    assert_eq!(submit(&b, &req).await, SubmitOutcome::Unknown);
}

#[tokio::test]
async fn a_scale_out_whose_answer_is_lost_after_the_dag_started_is_unknown_and_claimed() {
    use obtui_api::obshell::{ObshellClient, ObshellConfig, ScaleOutRequest};
    let a = obtui_sim::obshell::start_agents(
        "127.0.0.1:0".parse().expect("addr"),
        5,
        1.0,
        Secret::new("rootpass"),
    )
    .await
    .expect("agents start");
    let url = format!("http://{}", a.cluster_agent().addr);
    let o = ObshellClient::new(ObshellConfig::new(url.clone(), Secret::new("rootpass")))
        .expect("client");
    let target = a.singles().next().expect("a single agent").agent.clone();
    let req = SubmitRequest {
        kind: WizardKind::ScaleOut,
        lookup: TaskLookup {
            host_ids: Vec::new(),
            cluster_id: None,
            cluster_name: None,
            name_contains: "Cluster scale out".into(),
            submitted_at_ms: now_ms(),
        },
        write: Write::ScaleOut(ScaleOutRequest {
            agent_info: target,
            ob_configs: [("mysql_port", "2881"), ("rpc_port", "2882")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            zone: "zone2".into(),
            target_agent_password: None,
        }),
    };
    // The agent starts the DAG, then a gateway answers an empty 504.
    let r = reqwest::Client::new()
        .post(format!("{url}/sim/faults"))
        .json(&serde_json::json!({"lose_count": 1, "lose_status": 504,
            "path_prefix": "/api/v1/ob/scale_out"}))
        .send()
        .await
        .expect("control request");
    assert!(r.status().is_success());
    let b = Backends {
        ocp: None,
        obshell: Some(o.clone()),
    };
    assert_eq!(submit(&b, &req).await, SubmitOutcome::Unknown);
    let dags: Vec<_> = o
        .unfinished_dags()
        .await
        .expect("dags")
        .into_iter()
        .filter(|d| d.name == "Cluster scale out")
        .collect();
    assert_eq!(dags.len(), 1, "exactly one scale-out reached the agent");
    let found = obtui::poll::wizard::find_dag(&o, &req.lookup).await;
    assert_eq!(found.task, Some(dags[0].id.clone()), "{:?}", found.checked);
    // A DAG that started well before a submit is not that submit's.
    let later = TaskLookup {
        host_ids: Vec::new(),
        submitted_at_ms: now_ms() + 60_000,
        ..req.lookup.clone()
    };
    let found = obtui::poll::wizard::find_dag(&o, &later).await;
    assert_eq!(found.task, None);
    assert!(
        found
            .checked
            .iter()
            .any(|c| c.contains("before the submit")),
        "{:?}",
        found.checked
    );
    a.shutdown().await;
}

/// The OBProxy takeover names no cluster: its tasks ("Take over obproxy", one per host) are
/// claimed by their host. Someone else's takeover on another host a moment before is never
/// claimed; an answer lost after the server acted is "unknown" and the request's own task is
/// found, with exactly one POST sent.
#[tokio::test]
async fn a_lost_proxy_takeover_answer_claims_only_the_task_of_its_own_host() {
    let s = sim().await;
    let c = client(&s);
    let b = Backends {
        ocp: Some(c.clone()),
        obshell: None,
    };
    let proxy_cluster = c
        .list_obproxy_clusters(&PageQuery::new(1, 10))
        .await
        .expect("OBProxy clusters")
        .contents
        .first()
        .map(|p| p.id)
        .expect("an OBProxy cluster");
    let hosts = all_pages(500, |p| {
        let c = c.clone();
        async move { c.list_hosts(&p, &HostFilter::default()).await }
    })
    .await
    .expect("hosts");
    let free: Vec<i64> = hosts
        .into_iter()
        .filter(|h| h.services.is_empty() && h.status == HostStatus::Online)
        .map(|h| h.id)
        .collect();
    let body = |host: i64| ObproxyTakeoverRequest {
        hosts: vec![ObproxyTakeoverHost {
            host_id: host,
            sql_port: 2883,
            proxysys_passwd: None,
        }],
    };
    // Someone else's takeover of another host, a moment ago.
    let theirs = c
        .obproxy_takeover(proxy_cluster, &body(free[0]))
        .await
        .expect("their takeover");
    let req = SubmitRequest {
        kind: WizardKind::TakeoverProxy,
        lookup: TaskLookup {
            cluster_id: None,
            cluster_name: None,
            host_ids: vec![free[1]],
            name_contains: "obproxy".into(),
            submitted_at_ms: now_ms(),
        },
        write: Write::TakeoverProxy {
            proxy_cluster_id: proxy_cluster,
            body: body(free[1]),
        },
    };
    faults(
        &s,
        serde_json::json!({"lose_count": 1, "lose_status": 502,
            "path_prefix": "/api/v2/obproxy/clusters"}),
    )
    .await;
    let o = submit(&b, &req).await;
    assert_eq!(o, SubmitOutcome::Unknown, "{o:?}");
    let tasks = c
        .list_tasks(
            &PageQuery::new(1, 100).sorted("id,desc"),
            &TaskFilter::default(),
        )
        .await
        .expect("tasks")
        .contents;
    // The list's summaries carry no host: the details of the takeover tasks do.
    let mut mine = Vec::new();
    for t in tasks
        .iter()
        .filter(|t| t.name.to_lowercase().contains("obproxy"))
    {
        let d = c.get_task(t.id).await.expect("task detail");
        if d.host_id == Some(free[1]) {
            mine.push(d);
        }
    }
    assert_eq!(mine.len(), 1, "one POST, one task: {mine:?}");
    let r = find_task(&c, &req.lookup).await;
    assert_eq!(r.task, Some(mine[0].id.to_string()), "{:?}", r.checked);
    assert!(
        r.checked
            .iter()
            .any(|l| l.contains(&format!("task #{}", theirs[0].id))),
        "their task was looked at and refused: {:?}",
        r.checked
    );
}
