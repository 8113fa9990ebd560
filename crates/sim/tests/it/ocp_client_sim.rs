//! The OCP client against the embedded simulator over loopback HTTP: every endpoint, the
//! error paths (wrong password, unknown ids, invalid task operations) and injected faults.

use std::future::Future;
use std::time::Duration;

use obtui_api::error::TransportKind;
use obtui_api::ocp::*;
use obtui_api::secret::Secret;
use obtui_api::ApiError;
use obtui_sim::{SimHandle, SimOptions};

const USER: &str = "admin";
const PASSWORD: &str = "aaAA11__";

/// A simulator whose clock moves only when a test steps it ([`eventually`] does).
async fn sim_with(opts: SimOptions) -> SimHandle {
    let opts = SimOptions {
        clock: obtui_sim::Clock::manual_now(),
        ..opts
    };
    obtui_sim::start("127.0.0.1:0".parse().expect("addr"), opts)
        .await
        .expect("simulator starts")
}

/// A fast simulator: tasks finish within a few simulated seconds.
async fn sim() -> SimHandle {
    sim_with(SimOptions {
        speed: 50.0,
        ..SimOptions::default()
    })
    .await
}

fn client_for(sim: &SimHandle, password: &str) -> OcpClient {
    OcpClient::new(OcpConfig::new(sim.url(), USER, Secret::new(password))).expect("client")
}

fn client(sim: &SimHandle) -> OcpClient {
    client_for(sim, PASSWORD)
}

/// `POST` a control request to the simulator.
async fn control(sim: &SimHandle, path: &str, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sim.url()))
        .json(&body)
        .send()
        .await
        .expect("control request");
    assert!(r.status().is_success(), "{path}: HTTP {}", r.status());
}

/// Poll `f` until it yields `Some`, stepping the simulator's clock by 250 ms between polls;
/// fail after ten simulated minutes. No real time is waited for.
async fn eventually<T, F, Fut>(sim: &SimHandle, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..2400 {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            sim.advance(Duration::from_millis(250)),
            "the clock is manual"
        );
    }
    panic!("{what}: not reached in ten simulated minutes");
}

async fn wait_task(
    sim: &SimHandle,
    c: &OcpClient,
    id: i64,
    what: &str,
    done: fn(&TaskInstance) -> bool,
) -> TaskInstance {
    eventually(sim, what, || async {
        let t = c.get_task(id).await.expect("task detail");
        done(&t).then_some(t)
    })
    .await
}

fn status_of(e: &ApiError) -> Option<u16> {
    e.status()
}

// ---- reads ------------------------------------------------------------------------------------

#[tokio::test]
async fn service_probes() {
    let s = sim().await;
    let c = client(&s);
    let info = c.info().await.expect("info");
    assert!(info.build_version.is_some(), "{info:?}");
    assert!(info.version().is_some());
    let t = c.time().await.expect("time");
    assert!(parse_time(&t).is_some(), "time {t:?}");
    assert_eq!(c.status().await.expect("status"), "okay");
}

#[tokio::test]
async fn clusters_zones_servers_tenants_stats() {
    let s = sim().await;
    let c = client(&s);
    let page = c
        .list_clusters(&PageQuery::new(1, 10), &ClusterFilter::default())
        .await
        .expect("clusters");
    assert!(!page.contents.is_empty());
    let info = page.page.clone().expect("page info");
    assert_eq!(info.number, 1);
    assert!(info.total_elements >= page.contents.len() as i64);
    // Walking every page gives totalElements clusters, each once.
    let all = all_pages(3, |p| {
        let c = c.clone();
        async move { c.list_clusters(&p, &ClusterFilter::default()).await }
    })
    .await
    .expect("all pages");
    assert_eq!(all.len() as i64, info.total_elements);
    let mut ids: Vec<i64> = all.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "pages overlap");

    let running = all
        .iter()
        .find(|c| c.status == ClusterStatus::Running && !c.zones.is_empty())
        .or_else(|| all.first())
        .expect("a cluster");
    let detail = c.get_cluster(running.id).await.expect("detail");
    assert_eq!((detail.id, &detail.name), (running.id, &running.name));

    // Name filter (case-insensitive keyword).
    let kw = running.name.to_uppercase();
    let found = c
        .list_clusters(
            &PageQuery::new(1, 100),
            &ClusterFilter {
                name: Some(kw.clone()),
                status: Vec::new(),
            },
        )
        .await
        .expect("filtered");
    assert!(found.contents.iter().any(|x| x.id == running.id));
    assert!(found
        .contents
        .iter()
        .all(|x| x.name.to_uppercase().contains(&kw)));
    let by_name = c
        .find_cluster_by_name(&running.name)
        .await
        .expect("by name");
    assert_eq!(by_name.map(|x| x.id), Some(running.id));
    // Status filter.
    let only = c
        .list_clusters(
            &PageQuery::new(1, 100),
            &ClusterFilter {
                name: None,
                status: vec!["RUNNING".into()],
            },
        )
        .await
        .expect("status filter");
    assert!(only
        .contents
        .iter()
        .all(|x| x.status == ClusterStatus::Running));

    let zones = c.list_zones(running.id).await.expect("zones");
    assert!(!zones.is_empty());
    let servers = c
        .list_servers(running.id, &ServerFilter::default())
        .await
        .expect("servers");
    assert!(!servers.is_empty());
    assert!(servers
        .iter()
        .all(|s| s.sql_port.is_some() && s.ip.is_some()));
    assert!(
        servers.iter().any(|s| s.with_rootserver == Some(true)),
        "some server hosts the root service"
    );
    let zone = &zones[0].name;
    let zs = c
        .list_zone_servers(running.id, zone)
        .await
        .expect("zone servers");
    assert!(!zs.is_empty());
    assert!(zs
        .iter()
        .all(|s| s.zone_name.as_deref() == Some(zone.as_str())));
    let in_zone = servers
        .iter()
        .filter(|s| s.zone_name.as_deref() == Some(zone.as_str()))
        .count();
    assert_eq!(zs.len(), in_zone);

    let tenants = c
        .list_cluster_tenants(running.id, &PageQuery::default(), &TenantFilter::default())
        .await
        .expect("tenants");
    assert!(
        tenants.contents.iter().any(|t| t.name == "sys"),
        "every cluster has sys"
    );
    assert!(tenants
        .contents
        .iter()
        .all(|t| t.cluster_id == Some(running.id)));
    let sys = tenants
        .contents
        .iter()
        .find(|t| t.name == "sys")
        .expect("sys");
    let td = c.get_tenant(running.id, sys.id).await.expect("tenant");
    assert_eq!(td.id, sys.id);
    let everyone = c
        .list_tenants(&PageQuery::new(1, 2000), &TenantFilter::default())
        .await
        .expect("all tenants");
    assert!(everyone.contents.len() >= tenants.contents.len());

    let stats = c.cluster_stats(running.id).await.expect("stats");
    assert_eq!(stats.cluster_id, Some(running.id));
    assert!(stats.resources.cpu_total.unwrap_or(0.0) > 0.0);
}

#[tokio::test]
async fn hosts_types_credentials_idcs_regions() {
    let s = sim().await;
    let c = client(&s);
    let hosts = c
        .list_hosts(&PageQuery::new(1, 50), &HostFilter::default())
        .await
        .expect("hosts");
    assert!(!hosts.contents.is_empty());
    let h = &hosts.contents[0];
    let d = c.get_host(h.id).await.expect("host detail");
    assert_eq!(d.id, h.id);
    assert_eq!(d.inner_ip_address, h.inner_ip_address);
    // Keyword: the IP finds the host.
    let ip = h.inner_ip_address.clone().expect("ip");
    let hit = c
        .list_hosts(
            &PageQuery::new(1, 50),
            &HostFilter {
                keyword: Some(ip.clone()),
                status: Vec::new(),
            },
        )
        .await
        .expect("keyword");
    assert!(hit.contents.iter().any(|x| x.id == h.id));

    let types = c
        .list_host_types(&PageQuery::default())
        .await
        .expect("host types");
    assert!(!types.contents.is_empty());
    let creds = c
        .list_host_credentials(&PageQuery::default())
        .await
        .expect("credentials");
    assert!(!creds.contents.is_empty());
    assert!(creds
        .contents
        .iter()
        .all(|c| c.target_type.as_deref() == Some("HOST")));
    let idcs = c.list_idcs(&PageQuery::default()).await.expect("idcs");
    assert!(!idcs.contents.is_empty());
    let regions = c
        .list_regions(&PageQuery::default())
        .await
        .expect("regions");
    assert!(!regions.contents.is_empty());
    assert!(idcs.contents.iter().all(|i| i
        .region_id
        .is_none_or(|r| regions.contents.iter().any(|x| x.id == r))));
}

#[tokio::test]
async fn obproxy_and_packages() {
    let s = sim().await;
    let c = client(&s);
    let proxies = c
        .list_obproxy_clusters(&PageQuery::default())
        .await
        .expect("obproxy clusters");
    assert!(!proxies.contents.is_empty());
    let p = &proxies.contents[0];
    let d = c.get_obproxy_cluster(p.id).await.expect("obproxy detail");
    assert_eq!((d.id, &d.name), (p.id, &p.name));
    assert!(!d.obproxies.is_empty(), "detail lists its obproxies");
    assert!(d.obproxies.iter().all(|o| o.sql_port.is_some()));

    let all = c
        .list_software_packages(&PageQuery::new(1, 200), &PackageFilter::default())
        .await
        .expect("packages");
    assert!(!all.contents.is_empty());
    let ob = c
        .list_software_packages(
            &PageQuery::new(1, 200),
            &PackageFilter {
                types: vec!["OB_SERVER_INSTALL_PACKAGE".into()],
                ..PackageFilter::default()
            },
        )
        .await
        .expect("ob packages");
    assert!(!ob.contents.is_empty());
    assert!(ob
        .contents
        .iter()
        .all(|p| p.package_type.as_deref() == Some("OB_SERVER_INSTALL_PACKAGE")));
    assert!(ob
        .contents
        .iter()
        .all(|p| p.file_name.as_deref().is_some_and(|f| f.ends_with(".rpm"))));
}

#[tokio::test]
async fn tasks_list_detail_and_log() {
    let s = sim().await;
    let c = client(&s);
    let list = c
        .list_tasks(&PageQuery::new(1, 50), &TaskFilter::default())
        .await
        .expect("tasks");
    assert!(!list.contents.is_empty(), "the simulator seeds tasks");
    let t = &list.contents[0];
    let d = c.get_task(t.id).await.expect("detail");
    assert_eq!((d.id, &d.name), (t.id, &t.name));
    assert!(!d.subtasks.is_empty());
    // Every edge points inside the task, from both ends.
    for st in &d.subtasks {
        for u in &st.upstreams {
            let up = d.subtask(*u).expect("upstream exists");
            assert!(up.downstreams.contains(&st.id));
        }
    }
    let ran = d
        .subtasks
        .iter()
        .find(|s| s.status != SubtaskStatus::Pending)
        .unwrap_or(&d.subtasks[0]);
    let log = c.subtask_log(d.id, ran.id).await.expect("log");
    if ran.status.is_terminal() {
        assert!(!log.log.is_empty(), "a finished subtask has a log");
    }

    // Filters: by status and by cluster (id, and name via clusterName/cluterName).
    let failed = c
        .list_tasks(
            &PageQuery::new(1, 100),
            &TaskFilter {
                status: vec!["FAILED".into()],
                ..TaskFilter::default()
            },
        )
        .await
        .expect("failed tasks");
    assert!(failed
        .contents
        .iter()
        .all(|t| t.status == TaskStatus::Failed));
    if let Some(cl) = list.contents.iter().find_map(|t| t.cluster.clone()) {
        let id = cl.id.expect("cluster id");
        let by_id = c
            .list_tasks(
                &PageQuery::new(1, 100),
                &TaskFilter {
                    cluster_id: Some(id),
                    ..TaskFilter::default()
                },
            )
            .await
            .expect("by cluster id");
        assert!(!by_id.contents.is_empty());
        assert!(by_id.contents.iter().all(|t| t.cluster_id() == Some(id)));
        let by_name = c
            .list_tasks(
                &PageQuery::new(1, 100),
                &TaskFilter {
                    cluster_name: cl.name.clone(),
                    ..TaskFilter::default()
                },
            )
            .await
            .expect("by cluster name");
        assert!(by_name
            .contents
            .iter()
            .all(|t| t.cluster.as_ref().and_then(|c| c.name.clone()) == cl.name));
    }
}

// ---- errors -----------------------------------------------------------------------------------

#[tokio::test]
async fn wrong_password_is_401() {
    let s = sim().await;
    let bad = client_for(&s, "wrong");
    let e = bad
        .list_clusters(&PageQuery::default(), &ClusterFilter::default())
        .await
        .expect_err("401");
    assert!(e.is_unauthorized(), "{e:?}");
    assert!(!e.is_transient());
    // The unauthenticated probe still answers.
    assert!(bad.time().await.is_ok());
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let s = sim().await;
    let c = client(&s);
    for (what, r) in [
        ("task", c.get_task(987_654_321).await.map(|_| ())),
        ("cluster", c.get_cluster(987_654_321).await.map(|_| ())),
        ("host", c.get_host(987_654_321).await.map(|_| ())),
        (
            "obproxy cluster",
            c.get_obproxy_cluster(987_654_321).await.map(|_| ()),
        ),
        ("stats", c.cluster_stats(987_654_321).await.map(|_| ())),
    ] {
        match r {
            Err(e @ ApiError::Server { .. }) => assert_eq!(status_of(&e), Some(404), "{what}: {e}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn invalid_task_operations_are_400() {
    let s = sim().await;
    let c = client(&s);
    let list = c
        .list_tasks(
            &PageQuery::new(1, 100),
            &TaskFilter {
                status: vec!["SUCCESSFUL".into()],
                ..TaskFilter::default()
            },
        )
        .await
        .expect("tasks");
    let t = list.contents.first().expect("a successful task");
    let d = c.get_task(t.id).await.expect("detail");
    let done = d.subtasks.first().expect("a subtask");
    assert_eq!(done.status, SubtaskStatus::Successful);
    let e = c
        .retry_task(d.id)
        .await
        .expect_err("retry of a SUCCESSFUL task");
    assert_eq!(e.status(), Some(400), "{e}");
    let e = c
        .skip_subtask(d.id, done.id)
        .await
        .expect_err("skip of a SUCCESSFUL subtask");
    assert_eq!(e.status(), Some(400), "{e}");
    let e = c
        .cancel_subtask(d.id, done.id)
        .await
        .expect_err("cancel of a finished subtask");
    assert_eq!(e.status(), Some(400), "{e}");
    let e = c
        .retry_subtask(d.id, done.id)
        .await
        .expect_err("retry of a SUCCESSFUL subtask");
    assert_eq!(e.status(), Some(400), "{e}");
    match c.skip_subtask(d.id, 987_654_321).await {
        Err(e) => assert!(matches!(e.status(), Some(400 | 404)), "{e}"),
        Ok(()) => panic!("skip of an unknown subtask succeeded"),
    }
}

// ---- faults -----------------------------------------------------------------------------------

#[tokio::test]
async fn injected_faults_become_typed_errors() {
    let s = sim().await;
    let c = client(&s);
    let page = PageQuery::default();
    let f = HostFilter::default();

    control(&s, "/sim/faults", serde_json::json!({"garbage_count": 2})).await;
    for _ in 0..2 {
        match c.list_hosts(&page, &f).await {
            Err(ApiError::Decode { status, .. }) => assert_eq!(status, 200),
            other => panic!("garbage: {other:?}"),
        }
    }
    assert!(c.list_hosts(&page, &f).await.is_ok(), "faults are used up");

    control(
        &s,
        "/sim/faults",
        serde_json::json!({"error_status": 429, "error_count": 1}),
    )
    .await;
    match c.list_hosts(&page, &f).await {
        Err(e @ ApiError::Server { .. }) => {
            assert_eq!(e.status(), Some(429));
            assert!(e.is_transient());
            if let ApiError::Server {
                retry_after_secs, ..
            } = e
            {
                assert!(retry_after_secs.is_some(), "RateLimit-Reset is read");
            }
        }
        other => panic!("429: {other:?}"),
    }

    control(
        &s,
        "/sim/faults",
        serde_json::json!({"error_status": 503, "error_count": 1, "error_body": false}),
    )
    .await;
    match c.list_hosts(&page, &f).await {
        Err(e) => {
            assert_eq!(e.status(), Some(503), "{e:?}");
            assert!(e.is_transient());
        }
        Ok(_) => panic!("503 expected"),
    }

    // One broken answer to a read: the client asks once more and gets the list.
    control(&s, "/sim/faults", serde_json::json!({"drop_count": 1})).await;
    assert!(c.list_hosts(&page, &f).await.is_ok());
    // Two in a row: the read fails, typed.
    control(&s, "/sim/faults", serde_json::json!({"drop_count": 2})).await;
    match c.list_hosts(&page, &f).await {
        Err(ApiError::Transport { kind, .. }) => assert_eq!(kind, TransportKind::Reset),
        Err(ApiError::Decode { .. }) => {}
        other => panic!("drop: {other:?}"),
    }
    assert!(c.list_hosts(&page, &f).await.is_ok());

    control(&s, "/sim/faults", serde_json::json!({"latency_ms": 3000})).await;
    let mut cfg = OcpConfig::new(s.url(), USER, Secret::new(PASSWORD));
    cfg.request_timeout = Duration::from_millis(300);
    let impatient = OcpClient::new(cfg).expect("client");
    match impatient.list_hosts(&page, &f).await {
        Err(ApiError::Transport { kind, .. }) => assert_eq!(kind, TransportKind::Timeout),
        other => panic!("latency: {other:?}"),
    }
}

// ---- writes -----------------------------------------------------------------------------------

/// Hosts OCP can hand to a new cluster: online and running nothing.
async fn free_hosts(c: &OcpClient) -> Vec<Host> {
    let all = all_pages(500, |p| {
        let c = c.clone();
        async move { c.list_hosts(&p, &HostFilter::default()).await }
    })
    .await
    .expect("hosts");
    all.into_iter()
        .filter(|h| h.services.is_empty() && h.status == HostStatus::Online)
        .collect()
}

async fn ob_packages(c: &OcpClient) -> Vec<SoftwarePackage> {
    c.list_software_packages(
        &PageQuery::new(1, 200),
        &PackageFilter {
            types: vec!["OB_SERVER_INSTALL_PACKAGE".into()],
            ..PackageFilter::default()
        },
    )
    .await
    .expect("packages")
    .contents
}

fn create_body(name: &str, rpm: &str, host: &Host) -> CreateClusterRequest {
    CreateClusterRequest {
        cluster_type: ClusterType::Primary,
        name: name.to_string(),
        password: Secret::new("Root_pw_1"),
        primary_zone: None,
        rpm_name: Some(rpm.to_string()),
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

/// Create a one-server cluster on a free host and return its task.
async fn create_on_free_host(c: &OcpClient, name: &str, nth: usize) -> TaskInstance {
    let hosts = free_hosts(c).await;
    let host = hosts.get(nth).expect("enough free hosts");
    let pkgs = ob_packages(c).await;
    let rpm = pkgs
        .first()
        .and_then(|p| p.file_name.clone())
        .expect("an OB package");
    let t = c
        .create_cluster(&create_body(name, &rpm, host))
        .await
        .expect("create cluster");
    assert!(t.id > 0);
    assert!(!t.subtasks.is_empty(), "the task comes back with its DAG");
    t
}

fn finished(t: &TaskInstance) -> bool {
    t.status.is_terminal()
}

fn failed(t: &TaskInstance) -> bool {
    t.status == TaskStatus::Failed
}

fn failed_subtask(t: &TaskInstance) -> &SubtaskInstance {
    t.subtasks
        .iter()
        .find(|s| s.status == SubtaskStatus::Failed)
        .expect("a FAILED subtask")
}

#[tokio::test]
async fn create_cluster_runs_to_a_running_cluster() {
    let s = sim().await;
    let c = client(&s);
    let t = create_on_free_host(&c, "obtui_it_create", 0).await;
    assert_eq!(t.name, "Create primary OB cluster");
    let done = wait_task(&s, &c, t.id, "create task", finished).await;
    assert_eq!(done.status, TaskStatus::Successful, "{done:?}");
    assert!(done
        .subtasks
        .iter()
        .all(|s| s.status == SubtaskStatus::Successful));
    let cl = c
        .find_cluster_by_name("obtui_it_create")
        .await
        .expect("lookup")
        .expect("the new cluster is listed");
    assert_eq!(cl.status, ClusterStatus::Running);
    let listed = c
        .list_tasks(
            &PageQuery::new(1, 100),
            &TaskFilter {
                cluster_id: Some(cl.id),
                ..TaskFilter::default()
            },
        )
        .await
        .expect("tasks of the cluster");
    assert!(listed.contents.iter().any(|x| x.id == t.id));
    // The same name again is refused.
    let hosts = free_hosts(&c).await;
    let rpm = ob_packages(&c).await[0]
        .file_name
        .clone()
        .unwrap_or_default();
    if let Some(h) = hosts.first() {
        let e = c
            .create_cluster(&create_body("obtui_it_create", &rpm, h))
            .await
            .expect_err("duplicate name");
        assert_eq!(e.status(), Some(400), "{e}");
    }
}

#[tokio::test]
async fn failed_subtask_log_then_subtask_retry() {
    let s = sim_with(SimOptions {
        speed: 50.0,
        fail_subtasks: vec!["Install rpm".into()],
        ..SimOptions::default()
    })
    .await;
    let c = client(&s);
    let t = create_on_free_host(&c, "obtui_it_retry", 0).await;
    let f = wait_task(&s, &c, t.id, "failure", failed).await;
    let bad = failed_subtask(&f);
    assert_eq!(bad.name, "Install rpm");
    let log = c.subtask_log(f.id, bad.id).await.expect("log");
    assert!(!log.log.is_empty(), "a failed subtask explains itself");
    // Nothing downstream of the failure ran.
    for d in &bad.downstreams {
        let down = f.subtask(*d).expect("downstream");
        assert_eq!(down.status, SubtaskStatus::Pending, "{}", down.name);
    }
    if let Some(st) = c.retry_subtask(f.id, bad.id).await.expect("retry subtask") {
        assert_eq!(st.id, bad.id);
    }
    let done = wait_task(&s, &c, t.id, "success after retry", finished).await;
    assert_eq!(done.status, TaskStatus::Successful);
    let again = done.subtask(bad.id).expect("same subtask");
    assert_eq!(again.status, SubtaskStatus::Successful);
    assert!(again.run_time.unwrap_or(0) >= 2, "it ran twice: {again:?}");
}

#[tokio::test]
async fn failed_task_retry_and_skip() {
    let s = sim().await;
    let c = client(&s);
    // Set the failure at run time through the control endpoint.
    control(
        &s,
        "/sim/fail-subtask",
        serde_json::json!({"name": "Do io bench"}),
    )
    .await;
    let a = create_on_free_host(&c, "obtui_it_task_retry", 0).await;
    let b = create_on_free_host(&c, "obtui_it_skip", 1).await;

    let fa = wait_task(&s, &c, a.id, "failure of a", failed).await;
    assert_eq!(failed_subtask(&fa).name, "Do io bench");
    let r = c.retry_task(fa.id).await.expect("retry task");
    if let Some(r) = r {
        assert_eq!(r.id, fa.id);
    }
    let da = wait_task(&s, &c, a.id, "a after retry", finished).await;
    assert_eq!(da.status, TaskStatus::Successful);

    let fb = wait_task(&s, &c, b.id, "failure of b", failed).await;
    let bad = failed_subtask(&fb).id;
    c.skip_subtask(fb.id, bad).await.expect("skip");
    let db = wait_task(&s, &c, b.id, "b after skip", finished).await;
    assert_eq!(db.status, TaskStatus::Successful);
    let skipped = db.subtask(bad).expect("skipped subtask");
    assert_eq!(skipped.status, SubtaskStatus::Successful);
    assert_eq!(skipped.operation, Some(Operation::Skip));
}

#[tokio::test]
async fn failed_task_rollback() {
    let s = sim_with(SimOptions {
        speed: 50.0,
        fail_subtasks: vec!["Bootstrap ob".into()],
        ..SimOptions::default()
    })
    .await;
    let c = client(&s);
    let t = create_on_free_host(&c, "obtui_it_rollback", 0).await;
    let f = wait_task(&s, &c, t.id, "failure", failed).await;
    assert_eq!(failed_subtask(&f).name, "Bootstrap ob");
    c.rollback_task(f.id).await.expect("rollback");
    let done = wait_task(&s, &c, t.id, "rollback end", |t| {
        t.status.is_terminal() && t.operation == Some(Operation::Rollback)
    })
    .await;
    assert_eq!(done.operation, Some(Operation::Rollback));
    // A rolled-back task cannot be retried.
    if done.status == TaskStatus::Failed {
        assert_eq!(
            c.retry_task(done.id).await.expect_err("retry").status(),
            Some(400)
        );
    }
}

#[tokio::test]
async fn cancel_a_running_subtask() {
    // Slow, so that the clock's steps stop inside "Install rpm"'s run.
    let s = sim_with(SimOptions {
        speed: 2.0,
        ..SimOptions::default()
    })
    .await;
    let c = client(&s);
    let t = create_on_free_host(&c, "obtui_it_cancel", 0).await;
    let running = eventually(&s, "a running Install rpm", || async {
        let d = c.get_task(t.id).await.expect("detail");
        d.subtasks
            .iter()
            .find(|s| s.name == "Install rpm" && s.status == SubtaskStatus::Running)
            .map(|s| s.id)
    })
    .await;
    c.cancel_subtask(t.id, running).await.expect("cancel");
    let d = wait_task(&s, &c, t.id, "canceled subtask fails the task", failed).await;
    let st = d.subtask(running).expect("subtask");
    assert_eq!(st.status, SubtaskStatus::Failed);
}

#[tokio::test]
async fn takeover_precheck_and_takeover() {
    use obtui_sim::inventory::{TAKEOVER_ADDRESS, TAKEOVER_PASSWORD, TAKEOVER_PORT};
    let s = sim().await;
    let c = client(&s);
    let hosts = free_hosts(&c).await;
    let types = c
        .list_host_types(&PageQuery::default())
        .await
        .expect("host types")
        .contents;
    let creds = c
        .list_host_credentials(&PageQuery::default())
        .await
        .expect("credentials")
        .contents;
    let body = TakeoverRequest {
        root_sys_password: Secret::new(TAKEOVER_PASSWORD),
        address: TAKEOVER_ADDRESS.to_string(),
        port: u16::try_from(TAKEOVER_PORT).expect("port"),
        connection_mode: Some(ConnectionMode::Direct),
        host_info: Some(TakeoverHostInfo {
            kind: Some("DEDICATED_PHYSICAL_MACHINE".into()),
            host_type_id: types.first().map(|t| t.id).unwrap_or(1),
            credential_id: creds.first().map(|c| c.id).unwrap_or(1),
            ..TakeoverHostInfo::default()
        }),
        ..TakeoverRequest::default()
    };
    let _ = hosts;

    let pre = c
        .takeover_precheck(&body.precheck())
        .await
        .expect("precheck");
    assert!(pre.passed(), "{:?}", pre.raw);
    assert!(pre.raw.is_object());

    // A wrong password fails the precheck, as an invalid result or as a 4xx.
    let mut wrong = body.precheck();
    wrong.root_sys_password = Secret::new("nope");
    match c.takeover_precheck(&wrong).await {
        Ok(p) => assert!(!p.passed(), "{:?}", p.raw),
        Err(e) => assert!(matches!(e.status(), Some(400..=499)), "{e}"),
    }

    let t = c.takeover(&body).await.expect("takeover");
    assert!(t.id > 0);
    let new_cluster = t.cluster_id().expect("the task names the new cluster");
    let done = wait_task(&s, &c, t.id, "takeover", finished).await;
    assert_eq!(done.status, TaskStatus::Successful, "{done:?}");
    let cl = c
        .get_cluster(new_cluster)
        .await
        .expect("taken-over cluster");
    assert_eq!(cl.status, ClusterStatus::Running);
    assert!(!c.list_zones(new_cluster).await.expect("zones").is_empty());
}

#[tokio::test]
async fn upgrade_with_both_body_shapes() {
    let s = sim().await;
    let c = client(&s);
    let clusters = c
        .list_clusters(&PageQuery::new(1, 100), &ClusterFilter::default())
        .await
        .expect("clusters")
        .contents;
    let pkgs = ob_packages(&c).await;
    let newest = pkgs
        .iter()
        .filter_map(|p| Some((p.version.clone()?, p.file_name.clone()?)))
        .max_by(|a, b| version_key(&a.0).cmp(&version_key(&b.0)))
        .expect("a package");
    let older: Vec<&ObCluster> = clusters
        .iter()
        .filter(|c| {
            c.status == ClusterStatus::Running
                && c.ob_version
                    .as_deref()
                    .is_some_and(|v| version_key(v) < version_key(&newest.0))
        })
        .collect();
    assert!(older.len() >= 2, "two clusters to upgrade: {clusters:?}");

    let t = c
        .upgrade_cluster(
            older[0].id,
            &UpgradeRequest::Rpm(RpmUpgrade {
                rpm_file_name: newest.1.clone(),
            }),
        )
        .await
        .expect("rpm upgrade");
    assert!(t.id > 0);
    // 4.3 still requires the deprecated rpmFileName next to the new fields.
    let mut versioned = VersionedUpgrade {
        rpm_file_name: None,
        upgrade_mode: "ROLLING".into(),
        dest_version: newest.0.clone(),
        operating_system: "el7".into(),
        freeze_server: Some(true),
        zone_order: None,
    };
    let e = c
        .upgrade_cluster(older[1].id, &UpgradeRequest::Versioned(versioned.clone()))
        .await
        .expect_err("no rpmFileName");
    assert_eq!(e.status(), Some(400), "{e}");
    assert!(e.to_string().contains("rpmFileName"), "{e}");
    versioned.rpm_file_name = Some(newest.1.clone());
    let t2 = c
        .upgrade_cluster(older[1].id, &UpgradeRequest::Versioned(versioned))
        .await
        .expect("versioned upgrade");
    for (id, cl) in [(t.id, older[0].id), (t2.id, older[1].id)] {
        let done = wait_task(&s, &c, id, "upgrade", finished).await;
        assert_eq!(done.status, TaskStatus::Successful, "{done:?}");
        let after = c.get_cluster(cl).await.expect("cluster");
        assert_eq!(after.ob_version.as_deref(), Some(newest.0.as_str()));
    }
    // An unknown package is refused.
    let e = c
        .upgrade_cluster(
            older[0].id,
            &UpgradeRequest::Rpm(RpmUpgrade {
                rpm_file_name: "no-such-package.rpm".into(),
            }),
        )
        .await
        .expect_err("unknown rpm");
    assert!(matches!(e.status(), Some(400 | 404)), "{e}");
}

fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-', '_'])
        .map(|p| p.parse::<u64>().unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn obproxy_takeover_returns_one_task_per_host() {
    let s = sim().await;
    let c = client(&s);
    let proxies = c
        .list_obproxy_clusters(&PageQuery::default())
        .await
        .expect("proxies")
        .contents;
    let target = proxies.first().expect("an OBProxy cluster");
    let host = free_hosts(&c)
        .await
        .into_iter()
        .next()
        .expect("a free host");
    let body = ObproxyTakeoverRequest {
        hosts: vec![ObproxyTakeoverHost {
            host_id: host.id,
            sql_port: 2883,
            proxysys_passwd: None,
        }],
    };
    let tasks = c
        .obproxy_takeover(target.id, &body)
        .await
        .expect("takeover");
    assert_eq!(tasks.len(), 1);
    let done = wait_task(&s, &c, tasks[0].id, "obproxy takeover", finished).await;
    assert_eq!(done.status, TaskStatus::Successful, "{done:?}");
    let d = c.get_obproxy_cluster(target.id).await.expect("detail");
    assert!(d.obproxies.iter().any(|o| o.host_id == Some(host.id)));
    let e = c
        .obproxy_takeover(987_654_321, &body)
        .await
        .expect_err("unknown OBProxy cluster");
    assert_eq!(e.status(), Some(404), "{e}");
}
