//! Commands run in the app: the argument picks the target whatever is selected elsewhere,
//! unknown names are refused with what exists, Tab / Up / Down edit the line, and Esc comes
//! back from a jump.

use crate::app::actions::Keymap;
use crate::app::state::{App, DetailTarget, Mode, Settings, View};
use crate::app::wizard::WizardKind;
use crate::config::Theme;
use crate::model::inventory::{Cluster, Host, TaskSummary};
use crate::model::jobs::ViewJob;
use crate::model::pane::PaneKind;
use crate::model::view::ViewData;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui_task::TaskState;
use std::time::{Duration, Instant};

fn app() -> App {
    let settings = Settings {
        profile: "p".into(),
        url: "http://10.9.9.9:8080".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_secs(5),
        demo: false,
        ascii: false,
        insecure: false,
    };
    let mut app = App::new(settings, Theme::builtin_default(), Keymap::defaults());
    let clusters = [(1, "terran"), (2, "zerg"), (3, "protoss")]
        .map(|(id, name)| Cluster {
            id,
            name: name.into(),
            ..Cluster::default()
        })
        .to_vec();
    app.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters,
            running: Ok(vec![]),
        }),
        Instant::now(),
        0,
    );
    app
}

fn load_tasks(app: &mut App) {
    let task = |id: i64, cluster: &str| TaskSummary {
        id,
        name: "Upgrade cluster".into(),
        status: TaskState::Failed,
        cluster_id: None,
        cluster_name: Some(cluster.into()),
        creator: None,
        start_time: None,
        started: None,
        finished: None,
        subtasks: vec![],
        source: Default::default(),
    };
    app.on_view(
        ViewJob::Pane(PaneKind::Tasks),
        Ok(ViewData::Tasks(vec![
            task(13089003, "zerg"),
            task(13089002, "terran"),
        ])),
        Instant::now(),
        0,
    );
}

fn key(app: &mut App, c: KeyCode) {
    app.on_event(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn command(app: &mut App, line: &str) {
    key(app, KeyCode::Char(':'));
    typ(app, line);
    key(app, KeyCode::Enter);
}

fn last_flash(app: &App) -> String {
    app.notify
        .flashes
        .back()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

fn typed(app: &App) -> String {
    match &app.mode {
        Mode::Command(c) => c.input.value().to_string(),
        other => panic!("not in command mode: {other:?}"),
    }
}

#[test]
fn upgrade_opens_on_the_named_cluster_not_the_selected_one() {
    let mut a = app();
    // terran is selected in the clusters pane; the user is on the Tasks pane.
    assert_eq!(
        a.pane(PaneKind::Clusters)
            .table
            .selected_row()
            .map(|r| r.id.clone()),
        Some("1".into())
    );
    key(&mut a, KeyCode::Char('4'));
    command(&mut a, "upgrade zerg");
    let w = a.wizard.as_ref().expect("the upgrade wizard opens");
    assert_eq!(w.kind, WizardKind::UpgradeCluster);
    assert_eq!(w.ctx.cluster, Some((2, "zerg".to_string())));
    assert!(
        w.title()
            .starts_with("Upgrade cluster zerg · OCP at 10.9.9.9:8080"),
        "{}",
        w.title()
    );
    // Closing it comes back to the Tasks pane.
    assert_eq!(a.view(), &View::Wizard);
    a.breadcrumbs()
        .last()
        .unwrap()
        .contains("zerg")
        .then_some(())
        .expect("crumb");
}

#[test]
fn an_unknown_or_missing_name_is_refused_with_what_exists() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    command(&mut a, "upgrade zergx");
    assert!(a.wizard.is_none());
    assert_eq!(
        last_flash(&a),
        "no cluster 'zergx'; clusters: zerg, terran, protoss"
    );
    // Without a name, away from the clusters pane, it does not guess.
    command(&mut a, "upgrade");
    assert!(a.wizard.is_none());
    assert!(
        last_flash(&a).contains(":upgrade NAME (terran, zerg, protoss)"),
        "{}",
        last_flash(&a)
    );
    command(&mut a, "cluster nope");
    assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
    assert!(last_flash(&a).starts_with("no cluster 'nope'"));
    command(&mut a, "takeover now");
    assert!(a.wizard.is_none());
    assert_eq!(last_flash(&a), ":takeover takes no argument");
    command(&mut a, "scale-out zergx");
    assert!(last_flash(&a).contains("no cluster 'zergx'") || last_flash(&a).contains("obshell"));
}

#[test]
fn takeover_and_case_insensitive_names() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    command(&mut a, "takeover");
    assert_eq!(
        a.wizard.as_ref().map(|w| w.kind),
        Some(WizardKind::TakeoverCluster)
    );
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
    command(&mut a, "upgrade ZERG");
    assert_eq!(
        a.wizard.as_ref().and_then(|w| w.ctx.cluster.clone()),
        Some((2, "zerg".to_string()))
    );
}

#[test]
fn task_opens_its_dag_and_esc_comes_back() {
    let mut a = app();
    load_tasks(&mut a);
    key(&mut a, KeyCode::Char('4'));
    command(&mut a, "task 13089002");
    assert_eq!(a.view(), &View::Dag("13089002".into()));
    assert_eq!(a.dag.as_ref().map(|d| d.task_id.as_str()), Some("13089002"));
    assert_eq!(a.breadcrumbs(), vec!["Tasks", "task 13089002"]);
    // A jump from the DAG to a cluster, and Esc back to the same DAG, then to the Tasks.
    command(&mut a, "cluster zerg");
    assert_eq!(a.view(), &View::Detail(DetailTarget::Cluster(2)));
    assert_eq!(
        a.pane(PaneKind::Clusters)
            .table
            .selected_row()
            .map(|r| r.id.clone()),
        Some("2".into())
    );
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view(), &View::Dag("13089002".into()));
    assert_eq!(a.dag.as_ref().map(|d| d.task_id.as_str()), Some("13089002"));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
    // An id the list does not hold (it holds them all) is refused with the newest.
    command(&mut a, "task 42424242");
    assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
    assert_eq!(
        last_flash(&a),
        "no task '42424242'; tasks: 13089003, 13089002"
    );
    command(&mut a, "task abc");
    assert!(last_flash(&a).starts_with("no task 'abc'"));
    command(&mut a, "task");
    assert!(
        last_flash(&a).contains("usage: :task ID"),
        "{}",
        last_flash(&a)
    );
}

#[test]
fn tasks_takes_its_filter() {
    let mut a = app();
    load_tasks(&mut a);
    command(&mut a, "tasks zerg");
    assert_eq!(a.view(), &View::Pane(PaneKind::Tasks));
    let t = &a.pane(PaneKind::Tasks).table;
    assert_eq!(t.filter, "zerg");
    assert_eq!(t.view.len(), 1);
    // Esc returns to the clusters pane the jump started from.
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view(), &View::Pane(PaneKind::Clusters));
}

#[test]
fn host_waits_for_the_host_list_then_opens_it() {
    let mut a = app();
    command(&mut a, "host 10.0.0.12");
    // The hosts were never loaded: their pane loads, and the command runs then.
    assert_eq!(a.view(), &View::Pane(PaneKind::Hosts));
    assert!(a.run_pending().is_empty());
    let hosts = [(11, "10.0.0.11"), (12, "10.0.0.12")]
        .map(|(id, ip)| Host {
            id,
            ip: Some(ip.into()),
            ..Host::default()
        })
        .to_vec();
    a.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Ok(ViewData::Hosts(hosts)),
        Instant::now(),
        0,
    );
    a.run_pending();
    assert_eq!(a.view(), &View::Detail(DetailTarget::Host(12)));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view(), &View::Pane(PaneKind::Hosts));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view(), &View::Pane(PaneKind::Clusters));
    command(&mut a, "host 10.0.0.99");
    assert_eq!(
        last_flash(&a),
        "no host '10.0.0.99'; hosts: 10.0.0.11, 10.0.0.12"
    );
}

#[test]
fn tab_completes_names_and_cycles_both_ways() {
    let mut a = app();
    key(&mut a, KeyCode::Char(':'));
    typ(&mut a, "upg");
    key(&mut a, KeyCode::Tab);
    assert_eq!(typed(&a), "upgrade");
    typ(&mut a, " ");
    key(&mut a, KeyCode::Tab);
    assert_eq!(typed(&a), "upgrade terran");
    key(&mut a, KeyCode::Tab);
    assert_eq!(typed(&a), "upgrade zerg");
    key(&mut a, KeyCode::Tab);
    assert_eq!(typed(&a), "upgrade protoss");
    key(&mut a, KeyCode::Tab);
    assert_eq!(typed(&a), "upgrade terran");
    key(&mut a, KeyCode::BackTab);
    assert_eq!(typed(&a), "upgrade protoss");
    // Typing starts a new run from what is typed.
    for _ in 0.."protoss".len() {
        key(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "z");
    assert_eq!(typed(&a), "upgrade z");
    key(&mut a, KeyCode::Tab);
    assert_eq!(typed(&a), "upgrade zerg");
    // Several commands share a prefix: repeated Tab walks them.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char(':'));
    typ(&mut a, "pro");
    key(&mut a, KeyCode::Tab);
    let first = typed(&a);
    key(&mut a, KeyCode::Tab);
    let second = typed(&a);
    assert_ne!(first, second, "repeated Tab moves to the next match");
    assert!(first.starts_with("pro") && second.starts_with("pro"));
}

#[test]
fn up_and_down_walk_this_sessions_commands() {
    let mut a = app();
    load_tasks(&mut a);
    command(&mut a, "tasks zerg");
    command(&mut a, "cluster terran");
    key(&mut a, KeyCode::Char(':'));
    typ(&mut a, "hos");
    key(&mut a, KeyCode::Up);
    assert_eq!(typed(&a), "cluster terran");
    key(&mut a, KeyCode::Up);
    assert_eq!(typed(&a), "tasks zerg");
    key(&mut a, KeyCode::Up);
    assert_eq!(typed(&a), "tasks zerg");
    key(&mut a, KeyCode::Down);
    assert_eq!(typed(&a), "cluster terran");
    key(&mut a, KeyCode::Down);
    assert_eq!(typed(&a), "hos", "back to what was being typed");
    assert_eq!(a.command_history, vec!["tasks zerg", "cluster terran"]);
}

#[test]
fn an_agents_task_list_does_not_refuse_an_id() {
    // An obshell agent lists its unfinished DAGs only: a finished one still opens.
    let mut a = app();
    a.task_backend = obtui_task::Backend::Obshell;
    load_tasks(&mut a);
    command(&mut a, "task 42");
    assert_eq!(a.view(), &View::Dag("42".into()));
    assert_eq!(
        a.dag.as_ref().map(|d| d.backend),
        Some(obtui_task::Backend::Obshell)
    );
}

#[test]
fn an_obshell_dag_in_a_mixed_tasks_pane_opens_by_its_agents_id() {
    // OCP and an agent in one session: the DAG's row carries an internal id, but `:task`
    // completes and opens it by the id the agent knows it by, on the agent.
    let mut a = app();
    let dag = TaskSummary {
        id: -1,
        name: "Scale out".into(),
        status: TaskState::Running,
        cluster_id: None,
        cluster_name: None,
        creator: None,
        start_time: None,
        started: None,
        finished: None,
        subtasks: vec![],
        source: crate::model::inventory::TaskSource::Obshell {
            agent: "10.0.0.1:2886".into(),
            dag: "11000000000100000001".into(),
        },
    };
    let ocp = TaskSummary {
        id: 13089003,
        source: Default::default(),
        ..dag.clone()
    };
    a.on_view(
        ViewJob::Pane(PaneKind::Tasks),
        Ok(ViewData::Tasks(vec![ocp, dag])),
        Instant::now(),
        0,
    );
    let names = a.names().tasks;
    assert_eq!(names, vec!["13089003", "11000000000100000001"]);
    command(&mut a, "task 11000000000100000001");
    assert_eq!(a.view(), &View::Dag("11000000000100000001".into()));
    assert_eq!(
        a.dag.as_ref().map(|d| d.backend),
        Some(obtui_task::Backend::Obshell)
    );
    // The internal id is no task of the server's.
    command(&mut a, "task -1");
    assert_eq!(a.view(), &View::Dag("11000000000100000001".into()));
}
