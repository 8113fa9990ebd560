//! One Tasks pane for OCP's tasks and an obshell agent's DAGs: a SOURCE column, both open
//! in the DAG view, and a DAG the session knows stays listed when the agent's list drops it.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::actions::Keymap;
use obtui::app::state::{App, Settings, View};
use obtui::config::Theme;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui::poll::convert::{obshell as ob, ocp as conv};
use obtui_api::obshell::DagDetail;
use obtui_api::ocp::models::{Paged, TaskInstance};
use obtui_api::ApiError;
use obtui_task::Backend;
use std::path::Path;
use std::time::{Duration, Instant};

const AGENT: &str = "10.0.0.1:2886";

fn json(dir: &str, name: &str) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn app() -> App {
    let settings = Settings {
        profile: "demo".into(),
        url: "http://127.0.0.1:8080".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_secs(5),
        demo: true,
        ascii: false,
        insecure: false,
    };
    let mut a = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    a.frozen_now = Some(1_704_067_200_000);
    a.has_obshell = true;
    a.obshell_url = Some(format!("http://{AGENT}"));
    a
}

fn ocp_tasks() -> Vec<obtui::model::inventory::TaskSummary> {
    let p: Paged<TaskInstance> =
        serde_json::from_value(json("ocp", "tasks-instances-list.json")["data"].clone()).unwrap();
    conv::tasks(&p.contents)
}

fn dag() -> DagDetail {
    serde_json::from_value(json("obshell", "dag-scale-out-failed.json")["data"].clone()).unwrap()
}

fn round(a: &mut App, dags: Result<Vec<DagDetail>, ApiError>) {
    a.on_view(
        ViewJob::Pane(PaneKind::Tasks),
        Ok(ViewData::TasksAndDags {
            tasks: ocp_tasks(),
            dags: dags.map(|d| ob::tasks(AGENT, &d)),
        }),
        Instant::now(),
        0,
    );
}

/// `(ID, SOURCE)` of every row, in the table's order.
fn rows(a: &App) -> Vec<(String, String)> {
    let t = &a.pane(PaneKind::Tasks).table;
    t.view
        .iter()
        .map(|&i| {
            let c = &t.rows[i].cells;
            (c[0].clone(), c.last().unwrap().clone())
        })
        .collect()
}

fn select(a: &mut App, id: &str) {
    let t = &a.pane(PaneKind::Tasks).table;
    let at = t
        .view
        .iter()
        .position(|&i| t.rows[i].cells[0] == id)
        .unwrap_or_else(|| panic!("no row {id}: {:?}", rows(a)));
    a.pane_mut(PaneKind::Tasks).table.selected = at;
}

fn enter(a: &mut App) {
    a.on_event(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
}

#[test]
fn ocp_tasks_and_obshell_dags_share_the_pane_with_a_source_column_and_both_open() {
    let mut a = app();
    a.on_event(Event::Key(KeyEvent::new(
        KeyCode::Char('4'),
        KeyModifiers::NONE,
    )));
    let d = dag();
    round(&mut a, Ok(vec![d.clone()]));
    let r = rows(&a);
    let n_ocp = ocp_tasks().len();
    assert_eq!(r.len(), n_ocp + 1, "{r:?}");
    assert_eq!(r.iter().filter(|x| x.1 == "OCP").count(), n_ocp, "{r:?}");
    assert!(
        r.contains(&(d.id.clone(), format!("obshell {AGENT}"))),
        "{r:?}"
    );
    assert_eq!(
        obtui::app::panes::columns(PaneKind::Tasks)
            .last()
            .unwrap()
            .title,
        "SOURCE"
    );

    // The DAG opens on its agent, under its own generic id.
    select(&mut a, &d.id);
    enter(&mut a);
    let v = a.dag.as_ref().expect("the DAG view");
    assert_eq!(
        (v.task_id.as_str(), v.backend),
        (d.id.as_str(), Backend::Obshell)
    );
    assert!(matches!(a.view(), View::Dag(_)));
    a.on_event(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));

    // An OCP task opens on OCP.
    let first = ocp_tasks()[0].id.to_string();
    select(&mut a, &first);
    enter(&mut a);
    let v = a.dag.as_ref().expect("the DAG view");
    assert_eq!(
        (v.task_id.as_str(), v.backend),
        (first.as_str(), Backend::Ocp)
    );
}

#[test]
fn a_known_dag_stays_listed_when_the_agent_stops_listing_it_or_fails() {
    let mut a = app();
    let d = dag();
    round(&mut a, Ok(vec![d.clone()]));
    // An agent that lists only unfinished DAGs: the finished one is gone from its answer.
    round(&mut a, Ok(vec![]));
    assert!(rows(&a).iter().any(|r| r.0 == d.id), "{:?}", rows(&a));
    // The agent's list fails this round: the DAGs are kept (marked stale), OCP's rows too.
    round(&mut a, Err(ApiError::Request("agent down".into())));
    let r = rows(&a);
    assert!(r.iter().any(|x| x.0 == d.id), "{r:?}");
    assert_eq!(r.len(), ocp_tasks().len() + 1, "no duplicate: {r:?}");
}

#[test]
fn a_dag_opened_in_the_session_is_listed_with_the_state_its_view_saw() {
    let mut a = app();
    round(&mut a, Ok(vec![]));
    assert!(rows(&a).iter().all(|r| r.1 == "OCP"));
    // A DAG the session opened (as a wizard does after its submit), then polled.
    a.open_task("13".into(), Backend::Obshell);
    let mut v = json("obshell", "dag-scale-out-failed.json");
    v["data"]["id"] = "13".into();
    let g = obtui_task::TaskGraph::from_obshell_dag(&v).unwrap();
    a.on_task(
        obtui::model::jobs::TaskJob {
            task: "13".into(),
            backend: Backend::Obshell,
        },
        Ok(g),
        Instant::now(),
    );
    round(&mut a, Ok(vec![]));
    let t = &a.pane(PaneKind::Tasks).table;
    let row = t
        .rows
        .iter()
        .find(|r| r.cells[0] == "13")
        .unwrap_or_else(|| panic!("{:?}", rows(&a)));
    assert_eq!(row.cells[2], "FAILED");
    assert_eq!(row.cells.last().unwrap(), &format!("obshell {AGENT}"));
}

/// End to end: an OCP simulator and an obshell agent in one session. A scale-out DAG the
/// agent ran (and finished) is listed beside OCP's tasks, SOURCE naming the agent, and Enter
/// opens it on the agent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_ocp_and_an_agent_the_tasks_pane_lists_the_agents_finished_dag_and_opens_it() {
    use obtui::runtime::Session;
    use obtui_api::obshell::AgentAddr;
    use obtui_api::secret::Secret;
    use std::net::SocketAddr;

    const PASSWORD: &str = "rootpass";
    let ocp = obtui_sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        obtui_sim::SimOptions::default(),
    )
    .await
    .unwrap();
    let agents = obtui_sim::obshell::start_agents(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        11,
        50.0,
        Secret::new(PASSWORD),
    )
    .await
    .unwrap();
    let agent_url = format!("http://{}", agents.cluster_agent().addr);
    let single: AgentAddr = agents.singles().next().unwrap().agent.clone();
    crate::common::obshell::scale_out_directly(
        &agent_url,
        PASSWORD,
        &single,
        "zone1",
        Duration::from_secs(60),
    )
    .await;

    let mut resolved = crate::common::resolved("test", ocp.url(), Duration::from_millis(200));
    resolved.obshell_url = Some(agent_url.clone());
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    let session = Session::start(
        &resolved,
        Secret::new("aaAA11__"),
        Some(Secret::new(PASSWORD)),
        &tx,
    )
    .unwrap();
    let mut a = app();
    a.frozen_now = None;
    let agent = agents.cluster_agent().addr.to_string();
    a.obshell_url = Some(format!("http://{agent}"));
    let mut r = crate::common::rig::Driver::new(a, session, rx, Duration::from_secs(30));
    r.code(KeyCode::Char('4'));
    let source = format!("obshell {agent}");
    let want = source.clone();
    r.until("the agent's DAG beside OCP's tasks", move |a| {
        let rows = rows(a);
        rows.iter().any(|x| x.1 == "OCP") && rows.iter().any(|x| x.1 == want)
    })
    .await;
    let (id, status) = {
        let t = &r.app.pane(PaneKind::Tasks).table;
        let row = t
            .rows
            .iter()
            .find(|x| x.cells.last() == Some(&source))
            .unwrap();
        (row.cells[0].clone(), row.cells[2].clone())
    };
    assert_eq!(status, "SUCCESSFUL", "a finished DAG is listed");
    select(&mut r.app, &id);
    r.code(KeyCode::Enter);
    let v = r.app.dag.as_ref().expect("the DAG view");
    assert_eq!(
        (v.task_id.as_str(), v.backend),
        (id.as_str(), Backend::Obshell)
    );
    r.until("its graph from the agent", |a| {
        a.dag
            .as_ref()
            .and_then(|d| d.graph())
            .is_some_and(|g| g.name == "Cluster scale out")
    })
    .await;
    ocp.shutdown().await;
}
