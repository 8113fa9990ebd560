//! The neutral task model: derived facts, operation rules, validation, conversions.

use std::time::Duration;

use obtui_api::ocp::models::TaskInstance;
use obtui_task::layout::topo_order;
use obtui_task::model::*;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/task/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `(id, upstreams, status, started s, finished s)`; names equal ids.
type Spec<'a> = (&'a str, &'a [&'a str], NodeStatus, Option<i64>, Option<i64>);

fn graph(backend: Backend, spec: &[Spec]) -> TaskGraph {
    let mut g = TaskGraph::new("1", "test", backend);
    for (i, (id, ups, status, start, end)) in spec.iter().enumerate() {
        let mut n = TaskNode::new(*id, *id);
        n.series_id = Some(i as i64);
        n.upstreams = ups.iter().map(|s| s.to_string()).collect();
        n.status = status.clone();
        n.started = start.map(|s| s * 1000);
        n.finished = end.map(|s| s * 1000);
        g.nodes.push(n);
    }
    g.normalize();
    g
}

use NodeStatus::{Failed, Pending, Ready, Running, Successful};

#[test]
fn progress_counts_successful_nodes_and_falls_back_to_stage() {
    let g = graph(
        Backend::Ocp,
        &[
            ("a", &[], Successful, Some(0), Some(5)),
            ("b", &["a"], Running, Some(5), None),
            ("c", &["b"], Pending, None, None),
        ],
    );
    assert_eq!(g.progress(), (1, 3));

    let mut d = TaskGraph::new("13", "Cluster scale out", Backend::Obshell);
    d.stage = Some((4, 9));
    assert_eq!(d.progress(), (3, 9), "stage 4 running: three stages done");
    d.status = TaskState::Successful;
    d.stage = Some((9, 9));
    assert_eq!(d.progress(), (9, 9));
    assert_eq!(TaskGraph::new("x", "x", Backend::Ocp).progress(), (0, 0));
}

#[test]
fn blocked_means_waiting_below_a_failed_node() {
    let g = graph(
        Backend::Ocp,
        &[
            ("a", &[], Successful, Some(0), Some(1)),
            ("b", &["a"], Failed, Some(1), Some(2)),
            ("c", &["b"], Pending, None, None),
            ("d", &["c"], Ready, None, None),
            ("e", &["a"], Pending, None, None),
            ("f", &["b"], Running, Some(2), None),
        ],
    );
    assert_eq!(g.blocked(), vec![false, false, true, true, false, false]);
    for i in 0..g.nodes.len() {
        assert_eq!(g.is_blocked(i), g.blocked()[i], "node {i}");
    }
    assert!(
        !g.is_blocked(99),
        "out of range is not blocked, not a panic"
    );
}

#[test]
fn ocp_task_operations_follow_the_documented_preconditions() {
    let mut g = graph(
        Backend::Ocp,
        &[
            ("a", &[], Successful, Some(0), Some(1)),
            ("b", &["a"], Failed, Some(1), Some(2)),
            ("c", &["a"], Running, Some(1), None),
            ("d", &["b", "c"], Pending, None, None),
        ],
    );
    g.status = TaskState::Running;
    let err = g.allowed(Op::Retry, None).unwrap_err().to_string();
    assert!(err.contains("RUNNING") && err.contains("FAILED"), "{err}");

    g.status = TaskState::Failed;
    assert_eq!(g.allowed(Op::Retry, None), Ok(()));
    assert_eq!(g.allowed(Op::Rollback, None), Ok(()));
    g.prohibit_rollback = true;
    assert!(g
        .allowed(Op::Rollback, None)
        .unwrap_err()
        .to_string()
        .contains("prohibits rollback"));
    g.operation = NodeOp::Rollback;
    assert!(g
        .allowed(Op::Retry, None)
        .unwrap_err()
        .to_string()
        .contains("rolling back"));
    assert!(g
        .allowed(Op::Cancel, None)
        .unwrap_err()
        .to_string()
        .contains("OCP has no cancel"));
    assert!(g
        .allowed(Op::Pass, Some(1))
        .unwrap_err()
        .to_string()
        .contains("OCP has no pass"));

    // Subtasks: retry/skip a FAILED one, cancel a RUNNING one.
    assert_eq!(g.allowed(Op::Retry, Some(1)), Ok(()));
    assert_eq!(g.allowed(Op::Skip, Some(1)), Ok(()));
    assert!(g
        .allowed(Op::Cancel, Some(1))
        .unwrap_err()
        .to_string()
        .contains("only a RUNNING subtask"));
    assert_eq!(g.allowed(Op::Cancel, Some(2)), Ok(()));
    let err = g.allowed(Op::Skip, Some(0)).unwrap_err().to_string();
    assert!(
        err.contains("'a' is SUCCESSFUL") && err.contains("skipped"),
        "{err}"
    );
    g.nodes[1].operation = NodeOp::Rollback;
    assert!(g
        .allowed(Op::Retry, Some(1))
        .unwrap_err()
        .to_string()
        .contains("rolling back"));
    assert_eq!(
        g.allowed(Op::Skip, Some(1)),
        Ok(()),
        "a failed rollback step can still be skipped"
    );
    assert!(g.allowed(Op::Retry, Some(42)).is_err());
    assert_eq!(g.ops(None), &[Op::Retry, Op::Rollback]);
    assert_eq!(g.ops(Some(0)), &[Op::Retry, Op::Skip, Op::Cancel]);
}

#[test]
fn obshell_dag_operations_follow_the_operator_rules() {
    let mut g = graph(
        Backend::Obshell,
        &[
            ("n1", &[], Successful, Some(0), Some(1)),
            ("n2", &["n1"], Failed, Some(1), Some(2)),
            ("n3", &["n2"], Pending, None, None),
        ],
    );
    g.status = TaskState::Successful;
    assert!(g
        .allowed(Op::Retry, None)
        .unwrap_err()
        .to_string()
        .contains("only a FAILED DAG"));
    assert!(g
        .allowed(Op::Cancel, None)
        .unwrap_err()
        .to_string()
        .contains("only an unfinished DAG"));
    g.status = TaskState::Running;
    assert_eq!(g.allowed(Op::Cancel, None), Ok(()));
    assert!(g.allowed(Op::Pass, None).is_err());
    g.status = TaskState::Failed;
    for op in [Op::Retry, Op::Rollback, Op::Pass] {
        assert_eq!(g.allowed(op, None), Ok(()), "{op:?}");
    }
    assert!(g
        .allowed(Op::Skip, None)
        .unwrap_err()
        .to_string()
        .contains("obshell has no skip"));
    assert_eq!(g.allowed(Op::Pass, Some(1)), Ok(()));
    assert!(g
        .allowed(Op::Pass, Some(2))
        .unwrap_err()
        .to_string()
        .contains("only a FAILED node"));
    assert!(g
        .allowed(Op::Retry, Some(1))
        .unwrap_err()
        .to_string()
        .contains("obshell has no retry for a single subtask"));
}

#[test]
fn critical_path_follows_the_longest_durations() {
    // a(10) → b(30) → d(5); a → c(10) → d
    let g = graph(
        Backend::Ocp,
        &[
            ("a", &[], Successful, Some(0), Some(10)),
            ("c", &["a"], Successful, Some(10), Some(20)),
            ("b", &["a"], Successful, Some(10), Some(40)),
            ("d", &["b", "c"], Successful, Some(40), Some(45)),
        ],
    );
    let names: Vec<&str> = g
        .critical_path()
        .iter()
        .map(|&i| g.nodes[i].id.as_str())
        .collect();
    assert_eq!(names, ["a", "b", "d"]);
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn range(low: u64, high: u64) -> Option<Eta> {
    Some(Eta::Range {
        low: secs(low),
        high: secs(high),
    })
}

#[test]
fn eta_is_a_range_from_finished_nodes_of_the_same_kind_along_the_longest_chain() {
    // Two "copy" nodes took 20 s and 40 s; a third copy runs for 10 s; "d" (a copy) waits.
    let mut g = graph(
        Backend::Ocp,
        &[
            ("a", &[], Successful, Some(0), Some(20)),
            ("b", &["a"], Successful, Some(20), Some(60)),
            ("c", &["b"], Running, Some(60), None),
            ("d", &["c"], Pending, None, None),
            ("e", &["a"], Pending, None, None),
        ],
    );
    for n in &mut g.nodes {
        n.name = "copy".into();
    }
    g.status = TaskState::Running;
    // c: 20–40 s minus 10 s elapsed = 10–30 s; d: 20–40 s; e alone: 20–40 s.
    assert_eq!(g.eta(70_000), range(30, 70));
    // A timeout below what was seen caps the high end.
    g.nodes[3].timeout_secs = Some(5);
    assert_eq!(g.eta(70_000), range(20, 40), "max(c+d: 15–35, e: 20–40)");
    let path: Vec<&str> = g
        .critical_path_at(70_000)
        .iter()
        .map(|&i| g.nodes[i].id.as_str())
        .collect();
    assert_eq!(path, ["a", "b", "c", "d"]);

    g.nodes[2].status = Failed;
    assert_eq!(g.eta(70_000), None, "a failed node needs a user first");
    g.nodes[2].status = Running;
    g.status = TaskState::Successful;
    assert_eq!(g.eta(70_000), None);
}

#[test]
fn eta_is_unknown_without_enough_finished_work_to_estimate_from() {
    // A 26-step task one fast step in: no figure can be trusted yet.
    let mut g = TaskGraph::new("1", "upgrade", Backend::Ocp);
    for i in 0..26 {
        let mut n = TaskNode::new(format!("s{i}"), format!("s{i}"));
        n.series_id = Some(i);
        if i > 0 {
            n.upstreams = vec![format!("s{}", i - 1)];
        }
        match i {
            0 => {
                n.status = Successful;
                n.started = Some(0);
                n.finished = Some(1_000);
            }
            1 => {
                n.status = Running;
                n.started = Some(1_000);
            }
            _ => {}
        }
        g.nodes.push(n);
    }
    g.normalize();
    g.status = TaskState::Running;
    assert_eq!(
        g.eta(2_000),
        Some(Eta::Unknown),
        "one sample of another kind"
    );
    // Nothing finished at all: unknown, not the old 30 s-a-node guess.
    g.nodes[0].status = Running;
    g.nodes[0].finished = None;
    assert_eq!(g.eta(2_000), Some(Eta::Unknown));
}

#[test]
fn eta_of_other_kinds_needs_three_samples_and_spans_what_was_seen() {
    let mut g = graph(
        Backend::Ocp,
        &[
            ("a", &[], Successful, Some(0), Some(2)),
            ("b", &["a"], Successful, Some(2), Some(12)),
            ("c", &["b"], Successful, Some(12), Some(16)),
            ("d", &["c"], Pending, None, None),
        ],
    );
    g.status = TaskState::Running;
    // d is of a kind not seen yet: anything between the fastest and the slowest step.
    assert_eq!(g.eta(16_000), range(2, 10));
    // A running node past the slowest step seen: its remaining time is not known.
    g.nodes[3].status = Running;
    g.nodes[3].started = Some(16_000);
    assert_eq!(g.eta(40_000), Some(Eta::Unknown));
}

#[test]
fn eta_of_a_rollback_counts_only_rolled_back_nodes_and_waits_for_data() {
    // Forward: a, b took 200 s each; c failed; then a rollback undoes c, b, a.
    let mut g = graph(
        Backend::Ocp,
        &[
            ("a", &[], Pending, Some(0), Some(200)),
            ("b", &["a"], Pending, Some(200), Some(400)),
            ("c", &["b"], Pending, Some(400), Some(410)),
            ("d", &["c"], Pending, None, None),
        ],
    );
    for n in &mut g.nodes[..3] {
        n.operation = NodeOp::Rollback;
        n.name = "undo".into();
    }
    g.status = TaskState::Running;
    g.operation = NodeOp::Rollback;
    // Nothing rolled back yet: no figure (the forward run's 200 s say nothing about undoing).
    assert_eq!(g.eta(500_000), Some(Eta::Unknown));
    // c undone in 1 s: b and a are the same kind, 1 s each; d never ran and is not waited for.
    g.nodes[2].status = Successful;
    g.nodes[2].started = Some(500_000);
    g.nodes[2].finished = Some(501_000);
    assert_eq!(g.eta(501_000), range(2, 2));
}

#[test]
fn eta_short_form_is_fixed_width_and_honest() {
    let cases = [
        (Eta::Unknown, "unknown"),
        (
            Eta::Range {
                low: secs(20),
                high: secs(20),
            },
            "~20s",
        ),
        (
            Eta::Range {
                low: secs(20),
                high: secs(70),
            },
            "20s-2m",
        ),
        (
            Eta::Range {
                low: secs(59),
                high: secs(3_599),
            },
            "59s-60m",
        ),
        (
            Eta::Range {
                low: secs(3_600),
                high: secs(400_000),
            },
            "1h+",
        ),
        (
            Eta::Range {
                low: secs(500_000),
                high: secs(900_000),
            },
            ">99h",
        ),
    ];
    for (eta, want) in cases {
        let s = eta.short();
        assert_eq!(s.trim_end(), want, "{eta:?}");
        assert_eq!(
            s.chars().count(),
            Eta::WIDTH,
            "{s:?} is not {} wide",
            Eta::WIDTH
        );
    }
}

#[test]
fn validate_reports_structure_problems_as_data() {
    let mut g = graph(
        Backend::Ocp,
        &[
            ("a", &["c"], Pending, None, None),
            ("b", &["a"], Pending, None, None),
            ("c", &["b"], Pending, None, None),
            ("d", &["d", "ghost"], Pending, None, None),
            ("a", &[], Pending, None, None),
        ],
    );
    g.nodes[1].downstreams.push("nowhere".into());
    let issues = g.validate();
    assert!(
        issues.contains(&GraphIssue::DuplicateId("a".into())),
        "{issues:?}"
    );
    assert!(
        issues.contains(&GraphIssue::SelfLoop("d".into())),
        "{issues:?}"
    );
    assert!(
        issues.contains(&GraphIssue::DanglingEdge {
            from: "ghost".into(),
            to: "d".into()
        }),
        "{issues:?}"
    );
    assert!(
        issues.contains(&GraphIssue::DanglingEdge {
            from: "b".into(),
            to: "nowhere".into()
        }),
        "{issues:?}"
    );
    let cycle = issues
        .iter()
        .find_map(|i| match i {
            GraphIssue::Cycle(c) => Some(c.clone()),
            _ => None,
        })
        .expect("a cycle is reported");
    assert_eq!(cycle, ["a", "b", "c"]);
    // Derived facts cope.
    assert_eq!(topo_order(&g).len(), 5);
    let _ = (g.critical_path(), g.eta(0), g.blocked());
}

#[test]
fn normalize_makes_both_directions_agree() {
    let mut g = TaskGraph::new("1", "t", Backend::Ocp);
    let mut a = TaskNode::new("a", "a");
    a.downstreams = vec!["b".into(), "b".into()];
    let b = TaskNode::new("b", "b");
    let mut c = TaskNode::new("c", "c");
    c.upstreams = vec!["b".into()];
    g.nodes = vec![a, b, c];
    g.normalize();
    assert_eq!(g.nodes[0].downstreams, ["b"]);
    assert_eq!(g.nodes[1].upstreams, ["a"]);
    assert_eq!(g.nodes[1].downstreams, ["c"]);
    assert_eq!(g.edges(), vec![(0, 1), (1, 2)]);
    assert!(g.validate().is_empty());
}

fn ocp_task(name: &str) -> TaskGraph {
    let v = fixture(name);
    let t: TaskInstance = serde_json::from_value(v["data"].clone()).expect("TaskInstance");
    TaskGraph::from(&t)
}

fn order_ids(g: &TaskGraph) -> Vec<String> {
    topo_order(g)
        .iter()
        .map(|&i| g.nodes[i].id.clone())
        .collect()
}

#[test]
fn ocp_detail_converts_with_edges_times_and_creator() {
    let g = ocp_task("task-instance-detail.json");
    assert_eq!(g.id, "35000312");
    assert_eq!(g.name, "Reinstall OCP agent");
    assert_eq!(g.backend, Backend::Ocp);
    assert_eq!(g.status, TaskState::Successful);
    assert_eq!(g.kind, "MANUAL");
    assert_eq!(g.creator.as_deref(), Some("admin"));
    assert_eq!(g.cluster, None);
    assert_eq!(g.started, Some(1_629_875_371_740));
    assert_eq!(g.nodes.len(), 4);
    assert_eq!(
        order_ids(&g),
        ["13000335", "13000333", "13000336", "13000334"]
    );
    assert_eq!(g.edges().len(), 3);
    assert!(g.validate().is_empty());
    let install = &g.nodes[g.find("13000336").expect("install node")];
    assert_eq!(install.name, "Install ocp agent");
    assert_eq!(install.series_id, Some(0));
    assert_eq!(install.parallel_idx, None, "-1 means not parallel");
    assert_eq!(install.timeout_secs, Some(5400));
    assert_eq!(install.run_count, 1);
    assert_eq!(install.observed_ms(0), Some(52_182 - 36_821));
    assert_eq!(install.upstreams, ["13000333"]);
    assert_eq!(install.downstreams, ["13000334"]);
    assert_eq!(g.progress(), (4, 4));
    assert_eq!(
        g.allowed(Op::Retry, None).unwrap_err().to_string(),
        "the task is SUCCESSFUL; only a FAILED task can be retried"
    );
}

#[test]
fn ocp_old_tasks_shape_converts_and_orders_by_topology() {
    let g = ocp_task("ob-cluster-create.json");
    assert_eq!(g.id, "108088");
    assert_eq!(g.cluster.as_deref(), Some("terran"));
    assert_eq!(g.creator.as_deref(), Some("admin"));
    assert_eq!(g.status, TaskState::Running);
    assert_eq!(g.nodes.len(), 23);
    assert_eq!(g.edges().len(), 22);
    assert!(g.nodes.iter().all(|n| n.series_id.is_none()));
    assert!(g.validate().is_empty());
    let order = order_ids(&g);
    assert_eq!(order.first().map(String::as_str), Some("129858"));
    assert_eq!(&order[..4], ["129858", "129862", "129854", "129869"]);
    assert_eq!(order.last().map(String::as_str), Some("129864"));
    assert_eq!(g.progress(), (0, 23));
    let running: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| n.status == Running)
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(running, ["Prepare install cluster"]);
}

#[test]
fn ocp_list_items_convert_without_edges() {
    let v = fixture("tasks-instances-list.json");
    let items: Vec<TaskInstance> =
        serde_json::from_value(v["data"]["contents"].clone()).expect("list");
    let graphs: Vec<TaskGraph> = items.iter().map(TaskGraph::from).collect();
    assert_eq!(graphs.len(), 2);
    assert_eq!(graphs[0].id, "6202983");
    assert_eq!(
        graphs[0].cluster.as_deref(),
        Some("ob20daily.xiaojun.chengxj")
    );
    assert_eq!(graphs[0].creator.as_deref(), Some("system"));
    assert_eq!(graphs[0].nodes.len(), 3);
    assert_eq!(graphs[0].nodes[2].operation, NodeOp::Rollback);
    assert_eq!(graphs[1].nodes.len(), 6);
    assert!(graphs.iter().all(|g| g.edges().is_empty()));
    // Without seriesId, unconnected subtasks order by numeric id.
    assert_eq!(order_ids(&graphs[0]), ["9009987", "9009988", "9009989"]);
}

#[test]
fn creator_as_plain_string_converts() {
    let t: TaskInstance = serde_json::from_value(serde_json::json!({
        "id": 7, "name": "Add host", "status": "FAILED", "creator": "admin", "clusterId": 3,
        "operation": "RETRY", "subtasks": []
    }))
    .expect("TaskInstance");
    let g = TaskGraph::from(&t);
    assert_eq!(g.creator.as_deref(), Some("admin"));
    assert_eq!(g.cluster.as_deref(), Some("#3"));
    assert_eq!(g.status, TaskState::Failed);
    assert_eq!(g.operation, NodeOp::Retry);
}

#[test]
fn obshell_failed_dag_converts_to_a_chain_with_agents() {
    let g = TaskGraph::from_obshell_dag(&fixture("dag-scale-out-failed.json")).expect("dag");
    assert_eq!(g.id, "13");
    assert_eq!(g.name, "Cluster scale out");
    assert_eq!(g.backend, Backend::Obshell);
    assert_eq!(g.status, TaskState::Failed);
    assert_eq!(g.operation, NodeOp::Execute);
    assert_eq!(g.stage, Some((5, 9)));
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        ["121", "122", "123", "124", "125", "126", "127", "128", "129"]
    );
    assert_eq!(g.edges(), (0..8).map(|i| (i, i + 1)).collect::<Vec<_>>());
    let failed = &g.nodes[4];
    assert_eq!(failed.name, "Wait remote start finish");
    assert_eq!(failed.status, Failed);
    assert_eq!(failed.executor.as_deref(), Some("10.0.0.1:2886"));
    assert_eq!(failed.children.len(), 1);
    assert_eq!(
        failed.children[0].execute_agent.as_deref(),
        Some("10.0.0.1:2886")
    );
    assert!(failed.children[0]
        .logs
        .last()
        .is_some_and(|l| l.starts_with("ERROR: [Common.Unexpected]")));
    assert_eq!(g.nodes[5].started, None, "the zero time means not started");
    assert_eq!(
        g.blocked(),
        [false, false, false, false, false, true, true, true, true]
    );
    assert_eq!(g.progress(), (4, 9));
    assert_eq!(g.allowed(Op::Retry, None), Ok(()));
    assert_eq!(g.allowed(Op::Pass, Some(4)), Ok(()));
    assert!(g.allowed(Op::Cancel, None).is_err());
}

#[test]
fn obshell_running_and_detail_less_dags_convert() {
    let g = TaskGraph::from_obshell_dag(&fixture("dag-scale-out-running.json")).expect("dag");
    assert_eq!(g.status, TaskState::Running);
    assert_eq!(g.finished, None, "a running DAG's end_time is ignored");
    assert_eq!(g.progress(), (3, 9));
    assert_eq!(g.nodes[3].status, Running);
    assert!(g.eta(g.latest_time().unwrap_or(0)).is_some());

    let g = TaskGraph::from_obshell_dag(&fixture("dag-scale-out-succeed-no-details.json"))
        .expect("dag");
    assert!(g.nodes.is_empty());
    assert_eq!(g.progress(), (9, 9));

    let v = fixture("unfinished-dags.json");
    let dags = v["data"]["contents"].as_array().expect("contents");
    let g = TaskGraph::from_obshell_dag(&dags[0]).expect("dag");
    assert_eq!(
        (g.id.as_str(), g.nodes.len(), g.stage),
        ("13", 9, Some((4, 9)))
    );
}

#[test]
fn obshell_typed_model_and_json_agree() {
    let v = fixture("dag-scale-out-failed.json");
    let typed: obtui_api::obshell::models::DagDetail =
        serde_json::from_value(v["data"].clone()).expect("typed");
    let a = TaskGraph::try_from(&typed).expect("from typed");
    let b = TaskGraph::from_obshell_dag(&v).expect("from json");
    assert_eq!(a, b);
}

#[test]
fn obshell_bad_json_is_an_error_not_a_panic() {
    for bad in [
        serde_json::json!(null),
        serde_json::json!([1, 2]),
        serde_json::json!({"name": "x"}),
        serde_json::json!({"id": "1", "nodes": 5}),
        serde_json::json!({"id": "1", "nodes": [1]}),
        serde_json::json!({"id": "1", "nodes": [{"id": "2", "sub_tasks": "x"}]}),
    ] {
        assert!(TaskGraph::from_obshell_dag(&bad).is_err(), "{bad}");
    }
    let g = TaskGraph::from_obshell_dag(
        &serde_json::json!({"id": 11, "state": "weird", "stage": 12, "max_stage": 3}),
    )
    .expect("lenient");
    assert_eq!(g.status, TaskState::Unknown("weird".into()));
    assert_eq!(g.stage, Some((3, 3)), "stage is clamped to max_stage");
}

mod extremes {
    use super::*;
    use obtui_task::layout::{layout, LayoutParams};
    use obtui_task::text::{render_text_at, summary_line};
    use proptest::prelude::*;

    fn arb_time() -> impl Strategy<Value = Option<i64>> {
        prop_oneof![
            Just(None),
            Just(Some(i64::MIN)),
            Just(Some(i64::MAX)),
            Just(Some(0)),
            any::<i64>().prop_map(Some)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever times and statuses a server sends, derived facts and text never panic.
        #[test]
        fn derived_facts_survive_any_times(
            times in proptest::collection::vec((arb_time(), arb_time(), 0usize..6, proptest::option::of(any::<u64>())), 1..12),
            now in any::<i64>(),
        ) {
            let statuses = [Pending, Ready, Running, NodeStatus::Canceling, Failed, Successful];
            let mut g = TaskGraph::new("1", "t", Backend::Ocp);
            g.started = times[0].0;
            for (i, (s, f, k, timeout)) in times.iter().enumerate() {
                let mut n = TaskNode::new(i.to_string(), format!("n{i}"));
                n.started = *s;
                n.finished = *f;
                n.status = statuses[*k].clone();
                n.timeout_secs = *timeout;
                if i > 0 {
                    n.upstreams.push((i - 1).to_string());
                }
                g.nodes.push(n);
            }
            g.normalize();
            let _ = (g.eta(now), g.critical_path(), g.critical_path_at(now), g.progress(), g.blocked());
            let l = layout(&g, &LayoutParams::default());
            let _ = render_text_at(&g, &l, false, now);
            let _ = summary_line(&g, now, true);
        }
    }
}

/// A subtask OCP marks `prohibitSkip` is not offered a skip, and the refusal says why; retry
/// stays open.
#[test]
fn prohibit_skip_subtasks_are_not_skipped() {
    let t: TaskInstance = serde_json::from_value(serde_json::json!({
        "id": 7, "name": "Take over", "status": "FAILED",
        "subtasks": [
            {"id": 1, "name": "Check ob", "status": "SUCCESSFUL", "downstreams": [2]},
            {"id": 2, "name": "Lock cluster", "status": "FAILED", "upstreams": [1],
             "downstreams": [3], "prohibitSkip": true},
            {"id": 3, "name": "Sync", "status": "FAILED", "upstreams": [2],
             "prohibitSkip": false}
        ]
    }))
    .unwrap();
    let g = TaskGraph::from(&t);
    let at = |id: &str| g.nodes.iter().position(|n| n.id == id).unwrap();
    assert!(g.nodes[at("2")].prohibit_skip);
    let err = g.allowed(Op::Skip, Some(at("2"))).unwrap_err();
    assert_eq!(
        err,
        NotAllowed::SkipProhibited {
            name: "Lock cluster".into()
        }
    );
    assert!(err.to_string().contains("prohibits skipping"), "{err}");
    assert_eq!(g.allowed(Op::Retry, Some(at("2"))), Ok(()));
    assert_eq!(g.allowed(Op::Skip, Some(at("3"))), Ok(()));
}

fn ocp_fixture(name: &str) -> TaskInstance {
    let path = format!(
        "{}/../../tests/fixtures/ocp/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let data = match v["data"].get("contents") {
        Some(c) => c[0].clone(),
        None => v["data"].clone(),
    };
    serde_json::from_value(data).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn detail<'a>(d: &'a [(String, String)], key: &str) -> Option<&'a str> {
    d.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The documented task fields with no place of their own reach the model: `createTime`,
/// `executor`, `taskDefinitionId` (not the -1 of "none"), `hostId`, `tenant`, the context's
/// entries (the `Context(…)` text of old samples and the object of newer ones), and the
/// subtasks' `nodeType`, `context` and `prohibitSkip`.
#[test]
fn ocp_documented_fields_are_carried() {
    let t = ocp_fixture("task-instance-detail.json");
    let g = TaskGraph::from(&t);
    assert_eq!(
        g.created,
        obtui_api::time::parse_set_ms("2021-08-25T15:09:31+08:00")
    );
    assert_eq!(detail(&g.details, "executor"), Some("xxx.xxx.xxx.xxx"));
    assert_eq!(detail(&g.details, "definition"), None, "-1 means none");
    let n = g.nodes.iter().find(|n| n.id == "13000336").unwrap();
    assert_eq!(detail(&n.details, "type"), Some("JAVA_TASK"));

    let g = TaskGraph::from(&ocp_fixture("obproxy-takeover.json"));
    assert_eq!(detail(&g.details, "host"), Some("#2"));
    assert_eq!(
        detail(&g.details, "ctx.commands_to_check"),
        Some("[nc]"),
        "{:?}",
        g.details
    );
    assert!(g.details.iter().all(|(k, _)| k != "ctx.parallelIdx"));

    let g = TaskGraph::from(&ocp_fixture("ob-cluster-upgrade.json"));
    assert_eq!(
        detail(&g.details, "ctx.cluster_version"),
        Some("2.2.73-20201211175814")
    );
    assert_eq!(
        detail(&g.details, "ctx.upgrade_versions"),
        Some("[2.2.74, 2.2.75-20210108170301]")
    );

    let list: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../../tests/fixtures/ocp/tasks-instances-list.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let t: TaskInstance = serde_json::from_value(list["data"]["contents"][0].clone()).unwrap();
    let g = TaskGraph::from(&t);
    assert_eq!(detail(&g.details, "tenant"), Some("zhiqiong #169"));

    // A subtask's context and prohibitSkip.
    let mut t = ocp_fixture("task-instance-detail.json");
    t.subtasks[0].context = Some(serde_json::json!({
        "stringMap": {"rpm_name": "oceanbase-4.2.1.el7.rpm"},
        "listMap": {"servers": ["10.0.0.1:2882", "10.0.0.2:2882"]},
        "parallelIdx": -1
    }));
    t.subtasks[0].prohibit_skip = Some(true);
    let id = t.subtasks[0].id.to_string();
    let g = TaskGraph::from(&t);
    let n = g.nodes.iter().find(|n| n.id == id).unwrap();
    assert!(n.prohibit_skip);
    assert_eq!(
        detail(&n.details, "ctx.rpm_name"),
        Some("oceanbase-4.2.1.el7.rpm")
    );
    assert_eq!(
        detail(&n.details, "ctx.servers"),
        Some("[10.0.0.1:2882, 10.0.0.2:2882]")
    );
}

/// obshell's `dag_id`, maintenance type and key, and `additional_data` reach the model.
#[test]
fn obshell_documented_fields_are_carried() {
    let g = TaskGraph::from_obshell_dag(&fixture("dag-scale-out-failed.json")).unwrap();
    assert_eq!(detail(&g.details, "dag"), Some("3"));
    assert_eq!(detail(&g.details, "maintenance"), Some("GLOBAL"));
    let mut v = fixture("dag-scale-out-failed.json");
    v["data"]["maintenance_type"] = Value::from(3);
    v["data"]["maintenance_key"] = Value::from("t1");
    v["data"]["additional_data"] = serde_json::json!({"main_dag_id": "12"});
    v["data"]["nodes"][0]["additional_data"] = serde_json::json!({"zone": "z1"});
    let g = TaskGraph::from_obshell_dag(&v).unwrap();
    assert_eq!(detail(&g.details, "maintenance"), Some("TENANT t1"));
    assert_eq!(detail(&g.details, "data.main_dag_id"), Some("12"));
    assert_eq!(detail(&g.nodes[0].details, "data.zone"), Some("z1"));
}
