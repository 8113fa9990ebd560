//! Every OCP JSON sample of the public docs parses into the typed models, with the fields that
//! matter checked. Fixtures: `tests/fixtures/ocp/` (verbatim doc code blocks) and
//! `tests/fixtures/seeds/` (request / response examples taken from the API pages).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use obtui_api::ocp::envelope::{decode_envelope, decode_plain, decode_required, decode_void};
use obtui_api::ocp::*;
use obtui_api::ApiError;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests")
        .join("fixtures")
        .join(sub)
}

fn read(rel: &str) -> Vec<u8> {
    let p = dir("").join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The `data` of an enveloped 200 response.
fn data<T: DeserializeOwned>(rel: &str) -> T {
    decode_required(&RawResponse::new(200, read(rel))).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The DAG edges agree from both ends and point at subtasks of the same task.
fn assert_edges_consistent(t: &TaskInstance) {
    let by_id: HashMap<i64, &SubtaskInstance> = t.subtasks.iter().map(|s| (s.id, s)).collect();
    assert_eq!(by_id.len(), t.subtasks.len(), "duplicate subtask ids");
    for s in &t.subtasks {
        for u in &s.upstreams {
            let up = by_id
                .get(u)
                .unwrap_or_else(|| panic!("dangling upstream {u}"));
            assert!(up.downstreams.contains(&s.id), "{u} -> {} missing", s.id);
        }
        for d in &s.downstreams {
            let down = by_id
                .get(d)
                .unwrap_or_else(|| panic!("dangling downstream {d}"));
            assert!(down.upstreams.contains(&s.id), "{} -> {d} missing", s.id);
        }
    }
}

fn sub(t: &TaskInstance, id: i64) -> &SubtaskInstance {
    t.subtask(id)
        .unwrap_or_else(|| panic!("subtask {id} missing in task {}", t.id))
}

/// A request body parses into its typed struct and serializes back to the same JSON.
fn round_trip<T: DeserializeOwned + serde::Serialize>(rel: &str) -> T {
    let original = json(rel);
    let typed: T =
        serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let back = serde_json::to_value(&typed).expect("serialize");
    assert_eq!(back, original, "{rel} does not round-trip");
    typed
}

// ---- info, errors, envelopes without data ---------------------------------------------------

fn ocp_info() {
    let info: OcpInfo =
        decode_plain(&RawResponse::new(200, read("ocp/ocp-info.json"))).expect("info");
    assert_eq!(info.build_version.as_deref(), Some("2.5.0-SNAPSHOT"));
    assert_eq!(info.version(), Some("2.5.0"));
    assert_eq!(info.artifact.as_deref(), Some("ocp-server"));
    assert_eq!(info.spring_boot_version.as_deref(), Some("2.2.5.RELEASE"));
}

fn error_429() {
    let mut r = RawResponse::new(429, read("ocp/error-429-throttled.json"));
    r.retry_after_secs = Some(12);
    match decode_envelope::<Value>(&r) {
        Err(ApiError::Server {
            status,
            code,
            message,
            trace_id,
            retry_after_secs,
            envelope,
        }) => {
            assert!(envelope, "the throttling answer is OCP's own envelope");
            assert_eq!(status, 429);
            assert_eq!(code.as_deref(), Some("0"));
            assert!(message.contains("throttling window"), "{message}");
            assert_eq!(trace_id, None, "empty traceId is no traceId");
            assert_eq!(retry_after_secs, Some(12));
        }
        other => panic!("{other:?}"),
    }
    // The same body behind HTTP 200 still fails: `successful:false` and the inner status win.
    match decode_envelope::<Value>(&RawResponse::new(200, read("ocp/error-429-throttled.json"))) {
        Err(ApiError::Server { status, .. }) => assert_eq!(status, 429),
        other => panic!("{other:?}"),
    }
}

fn subtask_skip() {
    decode_void(&RawResponse::new(200, read("ocp/subtask-skip.json"))).expect("skip");
    let none: Option<Value> =
        decode_envelope(&RawResponse::new(200, read("ocp/subtask-skip.json"))).expect("env");
    assert_eq!(none, None);
}

fn subtask_cancel() {
    decode_void(&RawResponse::new(200, read("ocp/subtask-cancel.json"))).expect("cancel");
}

// ---- tasks ----------------------------------------------------------------------------------

fn tasks_list() {
    let p: Paged<TaskInstance> = data("ocp/tasks-instances-list.json");
    let page = p.page.clone().expect("page");
    assert_eq!(
        (
            page.number,
            page.size,
            page.total_elements,
            page.total_pages
        ),
        (1, 10, 2, 1)
    );
    assert_eq!(p.contents.len(), 2);
    let t = &p.contents[0];
    assert_eq!(t.id, 6202983);
    assert_eq!(t.name, "Prepare tenant");
    assert_eq!(t.status, TaskStatus::Successful);
    assert_eq!(
        t.creator,
        Some(Creator::User {
            id: Some(200),
            name: Some("system".into())
        })
    );
    let c = t.cluster.as_ref().expect("cluster");
    assert_eq!(c.id, Some(1));
    assert_eq!(c.cluster_type, Some(ClusterType::Primary));
    assert_eq!(t.cluster_id(), Some(1));
    let tenant = t.tenant.as_ref().expect("tenant");
    assert_eq!(tenant.mode, Some(TenantMode::Oracle));
    assert_eq!(tenant.ob_tenant_id, Some(1584));
    assert_eq!(t.subtasks.len(), 3);
    assert_eq!(sub(t, 9009987).operation, Some(Operation::Rollback));
    assert_eq!(sub(t, 9009987).status, SubtaskStatus::Pending);
    assert!(
        sub(t, 9009987).upstreams.is_empty(),
        "list items carry no edges"
    );
    assert_eq!(p.contents[1].subtasks.len(), 6);
    assert_eq!(
        p.contents[1].creator.as_ref().and_then(Creator::name),
        Some("admin")
    );
    assert!(p.contents[1].tenant.is_none());
}

fn task_detail() {
    let t: TaskInstance = data("ocp/task-instance-detail.json");
    assert_eq!(t.id, 35000312);
    assert_eq!(t.name, "Reinstall OCP agent");
    assert_eq!(t.status, TaskStatus::Successful);
    assert_eq!(t.task_type, Some(TaskType::Manual));
    assert_eq!(t.operation, Some(Operation::Execute));
    assert_eq!(t.task_definition_id, Some(-1));
    assert_eq!(t.prohibit_rollback, Some(false));
    assert!(matches!(
        t.creator,
        Some(Creator::User { id: Some(100), .. })
    ));
    assert!(t.context.is_none() && t.cluster.is_none());
    assert_eq!(
        t.start_time.as_deref(),
        Some("2021-08-25T15:09:31.74+08:00")
    );
    assert!(parse_time(t.start_time.as_deref().unwrap_or_default()).is_some());
    assert_eq!(t.subtasks.len(), 4);
    let s = sub(&t, 13000336);
    assert_eq!(s.name, "Install ocp agent");
    assert_eq!(s.upstreams, vec![13000333]);
    assert_eq!(s.downstreams, vec![13000334]);
    assert_eq!(s.series_id, Some(0));
    assert_eq!(s.timeout, Some(5400));
    assert_eq!(s.parallel_idx, Some(-1));
    assert_eq!(s.node_type.as_deref(), Some("JAVA_TASK"));
    assert_eq!(s.run_time, Some(1));
    assert!(sub(&t, 13000335).upstreams.is_empty());
    assert!(sub(&t, 13000334).downstreams.is_empty());
    let order: Vec<i64> = t.subtasks_by_series().iter().map(|s| s.id).collect();
    assert_eq!(order, vec![13000336, 13000334, 13000333, 13000335]);
    assert_edges_consistent(&t);
}

fn subtask_log() {
    let l: SubtaskLog = data("ocp/subtask-log.json");
    assert!(l
        .log
        .starts_with("############{EXECUTE}{2021-08-25T15:09:32.697+08:00}"));
    assert!(l.log.contains("new state: SUCCESSFUL"));
    assert!(l.log.lines().count() > 10);
}

fn subtask_retry() {
    let s: SubtaskInstance = data("ocp/subtask-retry.json");
    assert_eq!(s.id, 13000333);
    assert_eq!(s.status, SubtaskStatus::Successful);
    assert_eq!(s.upstreams, vec![13000335]);
    assert_eq!(s.downstreams, vec![13000336]);
    assert_eq!(s.executor.as_deref(), Some("xxx.xxx.xxx.xxx"));
}

/// Shape A: `tasks`, creator object, context string.
fn check_old_shape(rel: &str, id: i64, name: &str, count: usize, cluster: i64) -> TaskInstance {
    let t: TaskInstance = data(rel);
    assert_eq!(t.id, id);
    assert_eq!(t.name, name);
    assert_eq!(t.status, TaskStatus::Running);
    assert_eq!(t.subtasks.len(), count, "{rel}: `tasks` read as subtasks");
    assert!(matches!(
        t.creator,
        Some(Creator::User { id: Some(100), .. })
    ));
    assert!(
        matches!(&t.context, Some(Value::String(s)) if s.starts_with("Context(parallelIdx=-1")),
        "{rel}: context string"
    );
    assert_eq!(t.cluster_id(), Some(cluster));
    assert_edges_consistent(&t);
    t
}

fn cluster_create() {
    let t = check_old_shape(
        "ocp/ob-cluster-create.json",
        108088,
        "Create primary OB cluster",
        23,
        22,
    );
    assert_eq!(
        t.cluster.as_ref().and_then(|c| c.name.as_deref()),
        Some("terran")
    );
    let s = sub(&t, 129858);
    assert_eq!(s.name, "Prepare install cluster");
    assert_eq!(s.status, SubtaskStatus::Running);
    assert!(s.upstreams.is_empty());
    assert_eq!(s.downstreams, vec![129862]);
    assert_eq!(sub(&t, 129864).upstreams, vec![129848]);
    assert!(sub(&t, 129864).downstreams.is_empty());
    assert!(t
        .subtasks
        .iter()
        .all(|s| s.series_id.is_none() && s.node_type.is_none()));
}

fn cluster_upgrade() {
    let t = check_old_shape(
        "ocp/ob-cluster-upgrade.json",
        108368,
        "Submit upgrade OB cluster dag",
        5,
        22,
    );
    assert_eq!(sub(&t, 130230).upstreams, vec![130233]);
    assert_eq!(sub(&t, 130230).downstreams, vec![130229]);
}

fn zone_create() {
    let t = check_old_shape(
        "ocp/ob-cluster-zone-create.json",
        107618,
        "Add OB zone",
        25,
        21,
    );
    assert_eq!(sub(&t, 129203).name, "Start zone");
    assert_eq!(sub(&t, 129203).upstreams, vec![129210]);
}

fn server_add() {
    let t = check_old_shape(
        "ocp/ob-cluster-server-add.json",
        107720,
        "Add OB server",
        21,
        21,
    );
    assert_eq!(sub(&t, 129357).upstreams, vec![129367]);
    assert_eq!(sub(&t, 129357).downstreams, vec![129370]);
}

fn hosts_batch_create() {
    let p: Paged<TaskInstance> = data("ocp/compute-hosts-batch-create.json");
    assert!(p.page.is_none());
    assert_eq!(p.contents.len(), 1);
    let t = &p.contents[0];
    assert_eq!((t.id, t.name.as_str()), (35006655, "Prepare host"));
    assert_eq!(t.host_id, Some(4000002));
    assert_eq!(t.creator, Some(Creator::Name("admin".into())));
    assert_eq!(t.task_type, Some(TaskType::Manual));
    assert_eq!(t.subtasks.len(), 5);
    let s = sub(t, 13006992);
    assert_eq!(s.status, SubtaskStatus::Ready);
    assert_eq!(s.downstreams, vec![13006991]);
    assert_eq!(sub(t, 13006993).upstreams, vec![13006994]);
    assert_edges_consistent(t);
}

fn obproxy_task_contents(rel: &str) {
    let p: Paged<TaskInstance> = data(rel);
    assert_eq!(p.contents.len(), 1);
    let t = &p.contents[0];
    assert_eq!((t.id, t.name.as_str()), (33001, "Install obproxy"));
    assert_eq!(t.creator.as_ref().and_then(Creator::name), Some("admin"));
    assert!(matches!(t.creator, Some(Creator::Name(_))));
    let ctx = t.context.as_ref().expect("context");
    assert_eq!(ctx["stringMap"]["obproxy_cluster_id"], "1");
    assert_eq!(ctx["listMap"]["commands_to_check"][0], "nc");
    assert_eq!(t.subtasks.len(), 12);
    let s = sub(t, 34803);
    assert_eq!(
        s.class_name.as_deref(),
        Some("com.alipay.ocp.service.task.business.obproxy.SyncObproxyParameterTask")
    );
    assert_eq!(
        (s.upstreams.clone(), s.downstreams.clone()),
        (vec![34798], vec![34800])
    );
    assert!(sub(t, 34801).upstreams.is_empty());
    assert!(sub(t, 34805).downstreams.is_empty());
    assert_edges_consistent(t);
}

fn obproxy_takeover() {
    obproxy_task_contents("ocp/obproxy-takeover.json");
}

fn obproxy_batch_add() {
    obproxy_task_contents("ocp/obproxy-batch-add.json");
}

fn obproxy_cluster_create() {
    let t: TaskInstance = data("ocp/obproxy-cluster-create.json");
    assert_eq!((t.id, t.name.as_str()), (31257, "Install obproxy"));
    assert_eq!(t.creator, Some(Creator::Name("admin".into())));
    assert_eq!(
        t.context.as_ref().map(|c| c["parallel"].clone()),
        Some(Value::Bool(false))
    );
    assert_eq!(t.subtasks.len(), 2);
    assert_eq!(sub(&t, 32955).upstreams, vec![32954]);
    assert_eq!(sub(&t, 32955).timeout, Some(0));
    assert_edges_consistent(&t);
}

// ---- clusters ---------------------------------------------------------------------------------

fn clusters_list() {
    let p: Paged<ObCluster> = data("ocp/ob-clusters-list.json");
    assert_eq!(p.page.as_ref().map(|p| p.total_elements), Some(1));
    let c = &p.contents[0];
    assert_eq!((c.id, c.name.as_str()), (1000002, "test"));
    assert_eq!(c.ob_cluster_id, Some(4));
    assert_eq!(c.status, ClusterStatus::Running);
    assert_eq!(c.cluster_type, Some(ClusterType::Primary));
    assert_eq!(c.creator, Some(Creator::Name("admin".into())));
    assert_eq!(c.root_servers.len(), 1);
    assert_eq!(c.root_servers[0].sql_port, Some(2881));
    assert_eq!(c.root_servers[0].role.as_deref(), Some("LEADER"));
    assert!(c.standby_clusters.is_empty());
    assert_eq!(c.zones.len(), 1);
    assert_eq!(c.zones[0].operate_status.as_deref(), Some("NORMAL"));
    assert!(c.zones[0].servers.is_empty());
    assert_eq!(c.tenant_count, Some(0));
}

fn check_servers(rel: &str) {
    let p: Paged<Server> = data(rel);
    assert!(p.page.is_none());
    let s = &p.contents[0];
    assert_eq!(s.id, 1000001);
    assert_eq!(s.with_rootserver, Some(true));
    assert_eq!((s.port, s.sql_port), (Some(2882), Some(2881)));
    assert_eq!(s.status, ServerStatus::Running);
    assert!(s
        .version
        .as_deref()
        .unwrap_or_default()
        .starts_with("2.2.73_"));
    // The epoch sentinel means "never stopped".
    assert_eq!(s.stop_time.as_deref(), Some("1970-01-01T08:00:00+08:00"));
    assert_eq!(parse_time(s.stop_time.as_deref().unwrap_or_default()), None);
    assert!(parse_time(s.start_time.as_deref().unwrap_or_default()).is_some());
}

fn servers() {
    check_servers("ocp/ob-cluster-servers.json");
}

fn zone_servers() {
    check_servers("ocp/ob-cluster-zone-servers.json");
}

fn zones() {
    let p: Paged<Zone> = data("ocp/ob-cluster-zones.json");
    let z = &p.contents[0];
    assert_eq!(z.name, "zone1");
    assert_eq!((z.cluster_id, z.ob_cluster_id), (Some(12000001), Some(22)));
    assert_eq!(z.compaction_status.as_deref(), Some("IDLE"));
    assert_eq!(z.root_server.as_ref().and_then(|r| r.sql_port), Some(2881));
    let s = &z.servers[0];
    assert_eq!(s.with_rootserver, Some(true));
    assert_eq!(s.host_type_name.as_deref(), Some("forge"));
    assert_eq!(s.start_time.as_deref(), Some("2021-09-02T08:39:29.295684Z"));
    assert_eq!(
        parse_time_millis(s.start_time.as_deref().unwrap_or_default()),
        Some(1_630_571_969_295)
    );
    assert_eq!(parse_time(s.stop_time.as_deref().unwrap_or_default()), None);
}

fn cluster_stats() {
    let s: ClusterStats = data("ocp/ob-cluster-stats.json");
    assert_eq!((s.cluster_id, s.ob_cluster_id), (Some(105), Some(122)));
    assert_eq!(s.cluster_name.as_deref(), Some("test4210"));
    assert_eq!(s.resources.cpu_total, Some(8.0));
    assert_eq!(s.resources.cpu_assigned, Some(3.5));
    assert_eq!(s.resources.data_disk_total_byte, Some(837_518_622_720));
}

fn server_stats() {
    let p: Paged<ServerStats> = data("ocp/ob-cluster-server-stats.json");
    let s = &p.contents[0];
    assert_eq!((s.port, s.zone.as_deref()), (Some(2882), Some("zone1")));
    assert_eq!(s.resources.memory_total_byte, Some(46_385_646_796));
}

fn units() {
    let p: Paged<UnitInfo> = data("ocp/ob-cluster-units.json");
    let u = &p.contents[0];
    assert_eq!((u.ob_unit_id, u.tenant_id), (Some(1), Some(5883)));
    let cfg = u.unit_config.as_ref().expect("unit config");
    assert_eq!(cfg.max_cpu_core_count, Some(2.0));
    assert_eq!(cfg.log_disk_size_byte, Some(8_589_934_592));
}

fn check_tenants(rel: &str, first_name: &str) {
    let p: Paged<Tenant> = data(rel);
    let page = p.page.clone().expect("page");
    assert_eq!((page.total_elements, page.total_pages), (9, 1));
    assert_eq!(p.contents.len(), 2);
    let (a, b) = (&p.contents[0], &p.contents[1]);
    assert_eq!((a.id, a.name.as_str()), (10, first_name));
    // "Oracle" and "MYSQL" in the same sample.
    assert_eq!(a.mode, Some(TenantMode::Oracle));
    assert_eq!(b.mode, Some(TenantMode::Mysql));
    assert_eq!(a.status, TenantStatus::Normal);
    assert_eq!(b.locked, Some(true));
    assert_eq!(a.zone_list.as_deref(), Some("zone1;zone2;zone3"));
}

fn cluster_tenants() {
    check_tenants("ocp/ob-cluster-tenants.json", "first");
}

fn all_tenants() {
    check_tenants("ocp/ob-tenants-all.json", "foo1");
}

fn alarms_list() {
    let p: Paged<Alarm> = data("ocp/alarm-alarms-list.json");
    assert!(!p.contents.is_empty());
    let a = &p.contents[0];
    assert_eq!(a.id, 1000160);
    assert_eq!(a.level, Some(1));
    assert_eq!(a.status.as_deref(), Some("Active"));
    assert_eq!(a.scope.as_deref(), Some("Host"));
    assert_eq!(a.app_type.as_deref(), Some("OCP"));
    assert_eq!(a.alarm_type.as_deref(), Some("no_enough_exporter"));
    assert_eq!(
        a.target.as_deref(),
        Some("service=OCP:svr_ip=xxx.xxx.xxx.xxx")
    );
    assert_eq!(a.active_at.as_deref(), Some("2020-12-03T01:44:04Z"));
    assert_eq!(a.updated_at.as_deref(), Some("2020-12-03T01:45:04Z"));
    assert_eq!(a.resolved_at, None);
    assert!(a
        .description
        .as_deref()
        .unwrap_or("")
        .contains("6 exporter"));
    assert_eq!(a.label("alarm_level"), Some("Stopped"));
    assert_eq!(a.label("svr_ip"), Some("xxx.xxx.xxx.xxx"));
    // Six fraction digits in the same sample.
    assert_eq!(
        obtui_api::time::parse_ms(a.gmt_modified.as_deref().unwrap()).map(|ms| ms % 1000),
        Some(48)
    );
    let page = p.page.expect("page");
    assert!(page.total_elements >= p.contents.len() as i64);
}

fn alarm_detail() {
    let a: Alarm = data("ocp/alarm-alarm-detail.json");
    assert_eq!(a.id, 1000159);
    assert_eq!(a.label("alarm_status"), Some("Inactive"));
    assert_eq!(a.active_at.as_deref(), Some("2020-12-03T00:52:03Z"));
    assert!(a.summary.is_some() && a.description.is_some());
}

fn alarm_notifications() {
    let p: Paged<AlarmNotification> = data("ocp/alarm-notifications-list.json");
    assert_eq!(p.contents.len(), 2);
    let n = &p.contents[0];
    assert_eq!(n.alarm_ids, vec![1000160]);
    assert_eq!(n.status.as_deref(), Some("Failed"));
    assert_eq!(n.level, Some(1));
    assert!(n.message.as_deref().unwrap_or("").contains("clearance"));
    assert_eq!(n.is_aggregated, Some(false));
    assert_eq!(p.contents[1].status.as_deref(), Some("Success"));
}

fn audit_events() {
    let p: Paged<AuditEvent> = data("ocp/audit-events-list.json");
    assert_eq!(p.contents.len(), 3);
    let e = &p.contents[0];
    assert_eq!(e.id, 112);
    assert_eq!(e.operation_event.as_deref(), Some("RESTART_OCP_AGENT"));
    assert_eq!(e.event_type.as_deref(), Some("COMPUTE_HOST_MANAGEMENT"));
    assert_eq!(e.resource_type.as_deref(), Some("COMPUTE_HOST"));
    assert_eq!((e.resource_id, e.operator_id), (Some(20), Some(100)));
    assert_eq!(e.operator_name.as_deref(), Some("admin"));
    assert_eq!(e.status.as_deref(), Some("FAILED"));
    assert_eq!(e.execution_type.as_deref(), Some("NEW"));
    assert_eq!(e.event_info.as_deref(), Some("{\"hostId\":20}"));
    assert_eq!(e.start_time.as_deref(), Some("2021-09-03T10:45:30+08:00"));
    assert_eq!((e.task_id, e.parent_resource.as_deref()), (None, None));
}

fn tenant_detail() {
    let t: Tenant = data("ocp/ob-tenant-detail.json");
    assert_eq!((t.id, t.name.as_str()), (14000001, "sys"));
    assert_eq!(t.cluster_status, Some(ClusterStatus::Running));
    assert_eq!(t.sql_audit_enabled, Some(true));
    let z = &t.zones[0];
    let pool = z.resource_pool.as_ref().expect("pool");
    assert_eq!(
        pool.unit_config.as_ref().and_then(|c| c.min_cpu_core_count),
        Some(2.5)
    );
    assert_eq!(z.units[0].server_port, Some(2882));
}

fn switchover_precheck() {
    let p: TakeoverPrecheckResult = data("ocp/ob-cluster-switchover-precheck.json");
    let r = p.result.as_ref().expect("result");
    assert_eq!(r.valid, Some(false));
    assert_eq!(r.messages.len(), 2);
    assert!(r.messages[1].contains("LOG_BACKUP"));
    assert!(!p.passed());
    assert!(p.check_items.is_empty());
    assert_eq!(p.raw["result"]["valid"], false);
}

// ---- hosts ------------------------------------------------------------------------------------

fn check_host(h: &Host) {
    assert_eq!(h.id, 3000002);
    assert_eq!(h.status, HostStatus::Online);
    assert_eq!(h.ssh_port, Some(22));
    assert_eq!(h.alias, None);
    assert_eq!(h.publish_ports, None);
    assert_eq!(h.host_agent_id, Some(6000001));
    assert_eq!(h.services.len(), 1);
    assert_eq!(h.services[0].service_type.as_deref(), Some("OB_CLUSTER"));
    assert_eq!(h.services[0].software_package_id, None);
}

fn hosts_list() {
    let p: Paged<Host> = data("ocp/compute-hosts-list.json");
    assert_eq!(p.page.as_ref().map(|p| p.total_pages), Some(1));
    check_host(&p.contents[0]);
}

fn host_detail() {
    let h: Host = data("ocp/compute-host-detail.json");
    check_host(&h);
    assert_eq!(h.name.as_deref(), Some("OceanBase152105.et15qa"));
}

fn host_types() {
    let p: Paged<HostType> = data("ocp/compute-host-types-list.json");
    assert_eq!(
        (p.contents[0].id, p.contents[0].name.as_str()),
        (1, "beijing")
    );
}

fn host_type_create() {
    let t: HostType = data("ocp/compute-host-type-create.json");
    assert_eq!((t.id, t.name.as_str()), (1000001, "tiny"));
    assert_eq!(t.create_time, None);
}

fn idcs() {
    let p: Paged<Idc> = data("ocp/compute-idcs-list.json");
    assert_eq!(p.contents[0].id, 1);
}

fn idc_create() {
    let i: Idc = data("ocp/compute-idc-create.json");
    assert_eq!((i.id, i.name.as_str()), (1000002, "test-idc"));
    assert_eq!(i.region_id, Some(1000002));
    assert_eq!(i.region_name.as_deref(), Some("testregion"));
}

fn regions() {
    let p: Paged<Region> = data("ocp/compute-regions-list.json");
    assert_eq!(p.page.as_ref().map(|p| p.total_elements), Some(2));
    let names: Vec<&str> = p.contents.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["testregion", "beijing"]);
}

fn region_create() {
    let r: Region = data("ocp/compute-region-create.json");
    assert_eq!((r.id, r.name.as_str()), (3000003, "shanghai"));
}

// ---- packages, OBProxy ----------------------------------------------------------------------

fn packages() {
    let p: Paged<SoftwarePackage> = data("ocp/software-packages-list.json");
    assert_eq!(p.contents.len(), 2);
    let s = &p.contents[0];
    assert_eq!(s.id, 12);
    assert_eq!(
        s.file_name.as_deref(),
        Some("t-oceanbase-ocp-agent-2.4.2-1898294.alios7.x86_64.rpm")
    );
    assert_eq!(s.package_type.as_deref(), Some("OCP_AGENT_INSTALL_PACKAGE"));
    assert_eq!(s.size, Some(31_017_340));
    assert_eq!(s.deletable, Some(true));
}

fn package_upload() {
    let s: SoftwarePackage = data("ocp/software-package-upload.json");
    assert_eq!((s.id, s.version.as_deref()), (26, Some("3.1.2")));
    assert_eq!(s.build_number.as_deref(), Some("20210812221645"));
}

fn obproxy_clusters() {
    let p: Paged<ObproxyCluster> = data("ocp/obproxy-clusters-list.json");
    let c = &p.contents[0];
    assert_eq!((c.id, c.name.as_str()), (1, "test"));
    assert_eq!(c.work_mode.as_deref(), Some("CONFIG_URL"));
    assert_eq!(c.creator_name.as_deref(), Some("admin"));
    assert!(c.ob_links.is_empty());
    assert_eq!(c.obproxies.len(), 1);
    let o = &c.obproxies[0];
    assert_eq!(
        (o.host_id, o.sql_port, o.exporter_port),
        (Some(2), Some(2883), Some(2884))
    );
    assert_eq!(o.status, ObproxyStatus::Unavailable);
    assert_eq!(c.versions[0].version.as_deref(), Some("1.9.1.1-1919579"));
    assert_eq!(c.topo[0].idc_name.as_deref(), Some("am171"));
}

// ---- request bodies ---------------------------------------------------------------------------

fn create_request(rel: &str) {
    let r: CreateClusterRequest = round_trip(rel);
    assert_eq!(r.cluster_type, ClusterType::Primary);
    assert_eq!(r.name, "terran");
    assert_eq!(r.password.expose(), "xxxxx");
    assert_eq!(r.primary_zone.as_deref(), Some(""));
    assert_eq!(r.zones[0].servers, vec![1]);
    let masked = r.to_masked_json();
    assert_eq!(masked["password"], "******");
    assert_eq!(masked["zones"][0]["idcName"], "hz2");
}

fn cluster_create_request() {
    create_request("ocp/ob-cluster-create.request.json");
}

fn upgrade_request(rel: &str) {
    let r: UpgradeRequest = round_trip(rel);
    match r {
        UpgradeRequest::Rpm(r) => assert_eq!(
            r.rpm_file_name,
            "oceanbase-2.2.75-20210108170301.el7.x86_64.rpm"
        ),
        other => panic!("{other:?}"),
    }
}

fn cluster_upgrade_request() {
    upgrade_request("ocp/ob-cluster-upgrade.request.json");
}

/// The 4.3 body: mode, destination version and OS (the sample leaves out the deprecated but
/// still required `rpmFileName`, which obtui adds).
fn cluster_upgrade_43_request() {
    let r: UpgradeRequest = round_trip("ocp/ob-cluster-upgrade-4.3.request.json");
    let UpgradeRequest::Versioned(v) = r else {
        panic!("{r:?}")
    };
    assert_eq!(v.dest_version, "2.2.77-202204041221");
    assert_eq!(v.rpm_file_name, None);
}

fn zone_create_request() {
    let r: AddZoneRequest = round_trip("ocp/ob-cluster-zone-create.request.json");
    assert_eq!((r.name.as_str(), r.idc_name.as_str()), ("zone2", "hz2"));
}

fn server_add_request() {
    let r: AddServersRequest = round_trip("ocp/ob-cluster-server-add.request.json");
    assert_eq!(
        (r.zone_name.as_str(), r.servers.clone()),
        ("zone2", vec![1])
    );
}

fn obproxy_takeover_request() {
    let r: ObproxyTakeoverRequest = round_trip("ocp/obproxy-takeover.request.json");
    assert_eq!(r.hosts[0].host_id, 1);
    assert_eq!(r.hosts[0].sql_port, 2883);
    assert!(r.hosts[0].proxysys_passwd.is_none());
}

/// OCP 4.3 reads the root@proxysys password per host.
fn obproxy_takeover_43_request() {
    let r: ObproxyTakeoverRequest = round_trip("ocp/obproxy-takeover-4.3.request.json");
    assert_eq!(r.hosts[0].host_id, 1);
    let pw = r.hosts[0]
        .proxysys_passwd
        .as_ref()
        .expect("per-host password");
    assert_eq!(pw.expose(), "xxxx");
    assert_eq!(r.to_masked_json()["hosts"][0]["proxysysPasswd"], "******");
}

/// Bodies of operations this client does not send; they are still valid doc JSON.
fn untyped_requests() {
    assert_eq!(
        json("ocp/ob-cluster-servers-batch-delete.request.json")["servers"][0],
        1
    );
    let h = json("ocp/compute-hosts-batch-create.request.json");
    assert_eq!(h["credentialId"], 2000001);
    assert_eq!(
        h["hostBasicDataList"][0]["innerIpAddress"],
        "xxx.xxx.xxx.xxx"
    );
    let c = json("ocp/obproxy-cluster-create.request.json");
    assert_eq!(c["obLinks"][0]["username"], "proxyro");
    assert_eq!(
        json("ocp/obproxy-batch-add.request.json")["exporterPort"],
        2884
    );
}

// ---- seeds (API pages) ----------------------------------------------------------------------

fn seed_takeover_request() {
    let r: TakeoverRequest = round_trip("seeds/takeover.request.json");
    assert_eq!(r.port, 2888);
    assert_eq!(r.root_sys_password.expose(), "xxxxx");
    assert!(r.connection_mode.is_none() && r.host_info.is_none());
    assert_eq!(r.to_masked_json()["rootSysPassword"], "******");
}

fn seed_takeover_response() {
    let t: TaskInstance = data("seeds/takeover.response.json");
    assert_eq!(
        (t.id, t.name.as_str()),
        (13089035, "Take over primary OB cluster")
    );
    assert_eq!(t.cluster_id(), Some(5000034));
    assert_eq!(t.creator, Some(Creator::Name("admin".into())));
    assert_eq!(t.prohibit_rollback, Some(false));
    assert_eq!(t.subtasks.len(), 26);
    let first = sub(&t, 13104477);
    assert_eq!(first.name, "Mc lock ob clusters");
    assert_eq!(first.status, SubtaskStatus::Ready);
    assert!(first.upstreams.is_empty());
    assert_eq!(first.downstreams, vec![13104470]);
    assert_eq!(first.prohibit_skip, Some(false));
    assert_eq!(sub(&t, 13104469).parallel_idx, Some(0));
    assert_eq!(sub(&t, 13104481).upstreams, vec![13104476]);
    assert!(sub(&t, 13104478).downstreams.is_empty());
    assert_edges_consistent(&t);
}

fn seed_cluster_create_request() {
    create_request("seeds/cluster-create.request.json");
}

fn seed_cluster_create_response() {
    let t = check_old_shape(
        "seeds/cluster-create.response.json",
        108088,
        "Create primary OB cluster",
        23,
        22,
    );
    assert_eq!(sub(&t, 129849).name, "Set sys primary zone");
}

fn seed_cluster_upgrade_request() {
    upgrade_request("seeds/cluster-upgrade.request.json");
}

fn seed_cluster_upgrade_response() {
    check_old_shape(
        "seeds/cluster-upgrade.response.json",
        108368,
        "Submit upgrade OB cluster dag",
        5,
        22,
    );
}

// ---- registry -------------------------------------------------------------------------------

macro_rules! fixtures {
    ($($test:ident => $file:literal),+ $(,)?) => {
        mod each {
            $( #[test] fn $test() { super::$test() } )+
        }
        const CASES: &[(&str, fn())] = &[$(($file, $test)),+];
    };
}

fixtures! {
    ocp_info => "ocp/ocp-info.json",
    error_429 => "ocp/error-429-throttled.json",
    subtask_skip => "ocp/subtask-skip.json",
    subtask_cancel => "ocp/subtask-cancel.json",
    tasks_list => "ocp/tasks-instances-list.json",
    task_detail => "ocp/task-instance-detail.json",
    subtask_log => "ocp/subtask-log.json",
    subtask_retry => "ocp/subtask-retry.json",
    cluster_create => "ocp/ob-cluster-create.json",
    cluster_upgrade => "ocp/ob-cluster-upgrade.json",
    zone_create => "ocp/ob-cluster-zone-create.json",
    server_add => "ocp/ob-cluster-server-add.json",
    hosts_batch_create => "ocp/compute-hosts-batch-create.json",
    obproxy_takeover => "ocp/obproxy-takeover.json",
    obproxy_batch_add => "ocp/obproxy-batch-add.json",
    obproxy_cluster_create => "ocp/obproxy-cluster-create.json",
    clusters_list => "ocp/ob-clusters-list.json",
    servers => "ocp/ob-cluster-servers.json",
    zone_servers => "ocp/ob-cluster-zone-servers.json",
    zones => "ocp/ob-cluster-zones.json",
    cluster_stats => "ocp/ob-cluster-stats.json",
    server_stats => "ocp/ob-cluster-server-stats.json",
    units => "ocp/ob-cluster-units.json",
    cluster_tenants => "ocp/ob-cluster-tenants.json",
    all_tenants => "ocp/ob-tenants-all.json",
    tenant_detail => "ocp/ob-tenant-detail.json",
    alarms_list => "ocp/alarm-alarms-list.json",
    alarm_detail => "ocp/alarm-alarm-detail.json",
    alarm_notifications => "ocp/alarm-notifications-list.json",
    audit_events => "ocp/audit-events-list.json",
    switchover_precheck => "ocp/ob-cluster-switchover-precheck.json",
    hosts_list => "ocp/compute-hosts-list.json",
    host_detail => "ocp/compute-host-detail.json",
    host_types => "ocp/compute-host-types-list.json",
    host_type_create => "ocp/compute-host-type-create.json",
    idcs => "ocp/compute-idcs-list.json",
    idc_create => "ocp/compute-idc-create.json",
    regions => "ocp/compute-regions-list.json",
    region_create => "ocp/compute-region-create.json",
    packages => "ocp/software-packages-list.json",
    package_upload => "ocp/software-package-upload.json",
    obproxy_clusters => "ocp/obproxy-clusters-list.json",
    cluster_create_request => "ocp/ob-cluster-create.request.json",
    cluster_upgrade_request => "ocp/ob-cluster-upgrade.request.json",
    zone_create_request => "ocp/ob-cluster-zone-create.request.json",
    server_add_request => "ocp/ob-cluster-server-add.request.json",
    obproxy_takeover_request => "ocp/obproxy-takeover.request.json",
    obproxy_takeover_43_request => "ocp/obproxy-takeover-4.3.request.json",
    cluster_upgrade_43_request => "ocp/ob-cluster-upgrade-4.3.request.json",
    untyped_requests => "ocp/ob-cluster-servers-batch-delete.request.json",
    seed_takeover_request => "seeds/takeover.request.json",
    seed_takeover_response => "seeds/takeover.response.json",
    seed_cluster_create_request => "seeds/cluster-create.request.json",
    seed_cluster_create_response => "seeds/cluster-create.response.json",
    seed_cluster_upgrade_request => "seeds/cluster-upgrade.request.json",
    seed_cluster_upgrade_response => "seeds/cluster-upgrade.response.json",
}

/// Files checked by `untyped_requests` besides the one it is registered under.
const ALSO_COVERED: &[&str] = &[
    "ocp/compute-hosts-batch-create.request.json",
    "ocp/obproxy-cluster-create.request.json",
    "ocp/obproxy-batch-add.request.json",
];

#[test]
fn every_fixture_file_has_a_parsing_test() {
    let mut on_disk = BTreeSet::new();
    for sub in ["ocp", "seeds"] {
        let entries = std::fs::read_dir(dir(sub)).expect("fixture dir");
        for e in entries {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            on_disk.insert(format!("{sub}/{name}"));
        }
    }
    let covered: BTreeSet<String> = CASES
        .iter()
        .map(|(f, _)| f.to_string())
        .chain(ALSO_COVERED.iter().map(|f| f.to_string()))
        .collect();
    let untested: Vec<&String> = on_disk.difference(&covered).collect();
    assert!(untested.is_empty(), "fixtures without a test: {untested:?}");
    let missing: Vec<&String> = covered.difference(&on_disk).collect();
    assert!(
        missing.is_empty(),
        "tests for missing fixtures: {missing:?}"
    );
    assert!(on_disk.len() >= 53, "only {} fixtures found", on_disk.len());
}

#[test]
fn every_enveloped_fixture_decodes_as_json_data() {
    // A generic pass: each response fixture is a well-formed success envelope (or the 429 one).
    for (file, _) in CASES {
        if file.contains(".request.") || file.ends_with("ocp-info.json") {
            continue;
        }
        let r = RawResponse::new(200, read(file));
        let res = decode_envelope::<Value>(&r);
        if file.ends_with("error-429-throttled.json") {
            assert!(res.is_err());
        } else {
            res.unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }
}
