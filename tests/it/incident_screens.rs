//! Issue 16, items 4, 5, 6 and 8, through the app and the UI (TestBackend), the real
//! simulator's task JSON, and the real binary (`watch`, `task show`):
//! fan-out nodes name their target; text is cut only when there is no room and numbers
//! never; a rolled-back task never reads as a success; every time in one zone.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::actions::Keymap;
use obtui::app::dag::DagView;
use obtui::app::state::{App, Settings};
use obtui::config::Theme;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::model::view::ViewData;
use obtui::poll::convert::ocp as conv;
use obtui_api::ocp::client::{PageQuery, TaskFilter};
use obtui_api::ocp::models::{Host, ObCluster, Paged, TaskInstance};
use obtui_api::ocp::{OcpClient, OcpConfig};
use obtui_api::secret::Secret;
use obtui_api::time::{ShownZone, ZoneSetting};
use obtui_task::{TaskGraph, TaskState};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::sim::LoopbackSim;

/// 2024-01-01T00:00:00Z.
const NOW: i64 = 1_704_067_200_000;
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 36), (200, 60)];

fn fixture_json(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocp")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn app(theme: &str) -> App {
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
    let mut app = App::new(
        settings,
        Theme::load(theme, Path::new("/nonexistent")).0,
        Keymap::defaults(),
    );
    app.frozen_now = Some(NOW);
    app.ocp_version = Some("4.2.2".into());
    app
}

fn render(app: &mut App, w: u16, h: u16) -> (String, Buffer) {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    term.draw(|f| drawn = Some(obtui::ui::draw(f, app)))
        .unwrap();
    if let Some(d) = drawn {
        app.on_drawn(d);
    }
    let buf = term.backend().buffer().clone();
    (text_of(&buf), buf)
}

fn text_of(buf: &Buffer) -> String {
    let mut text = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn key(app: &mut App, c: char) {
    app.on_event(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )));
}

fn tasks_view(app: &mut App, tasks: &[TaskInstance]) {
    app.on_view(
        ViewJob::Pane(PaneKind::Tasks),
        Ok(ViewData::Tasks(conv::tasks(tasks))),
        Instant::now(),
        0,
    );
}

/// The header row of the bordered table and the row holding `needle`, split on the
/// table's vertical borders.
fn table_line<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
}

// ---------------------------------------------------------------------------------------
// The simulator's tasks

struct SimTasks {
    sim: LoopbackSim,
    running: TaskInstance,
    failed: TaskInstance,
}

fn client(url: &str) -> OcpClient {
    OcpClient::new(OcpConfig::new(
        url.to_string(),
        "admin",
        Secret::new("aaAA11__"),
    ))
    .unwrap()
}

fn sim_tasks(speed: f64) -> SimTasks {
    let sim = LoopbackSim::start(obtui_sim::SimOptions {
        speed,
        ..Default::default()
    });
    let c = client(&sim.url);
    let (running, failed) = sim.rt.block_on(async {
        let page = PageQuery::new(1, 100);
        let of = |s: &str| TaskFilter {
            status: vec![s.into()],
            ..Default::default()
        };
        let r = c.list_tasks(&page, &of("RUNNING")).await.unwrap();
        let f = c.list_tasks(&page, &of("FAILED")).await.unwrap();
        let r = c.get_task(r.contents[0].id).await.unwrap();
        let f = c.get_task(f.contents[0].id).await.unwrap();
        (r, f)
    });
    SimTasks {
        sim,
        running,
        failed,
    }
}

// ---------------------------------------------------------------------------------------
// Item 4: the nodes of a fan-out are told apart

#[test]
fn the_simulators_fan_out_subtasks_carry_their_targets() {
    let s = sim_tasks(1.0);
    // The running upgrade (terran): one rpm install per server.
    let g = TaskGraph::from(&s.running);
    let rpm: Vec<_> = g
        .nodes
        .iter()
        .filter(|n| n.name == "Install new version rpm")
        .collect();
    assert!(rpm.len() >= 2, "the upgrade fans out per server");
    let targets: std::collections::BTreeSet<_> = rpm
        .iter()
        .map(|n| n.target.clone().expect("every branch names its server"))
        .collect();
    assert_eq!(targets.len(), rpm.len(), "distinct targets: {targets:?}");
    // Each target is the server the subtask's own fields name (its executor).
    for n in &rpm {
        let t = n.target.as_deref().unwrap();
        let exec = n.executor.as_deref().unwrap();
        assert!(t.contains(exec), "{t} names {exec}");
    }
    // Single steps have none: the label is the name.
    let first = g.nodes.iter().find(|n| n.name == "Start node").unwrap();
    assert_eq!(first.target, None);
    assert_eq!(first.label(), "Start node");
}

#[test]
fn a_target_comes_from_the_description_the_context_or_a_parallel_executor() {
    use obtui_task::convert::subtask_target as t;
    // The description qualifies the name.
    assert_eq!(
        t(
            "Install rpm",
            Some("Install rpm (10.0.0.1 in zone1)"),
            None,
            Some(0),
            None,
            None
        ),
        Some("10.0.0.1 in zone1".into())
    );
    assert_eq!(
        t("Stop zone", Some("Stop zone zone2"), None, None, None, None),
        Some("zone2".into())
    );
    // The same text (the docs' samples) says nothing.
    assert_eq!(
        t(
            "Install ocp agent",
            Some("Install ocp agent"),
            None,
            Some(-1),
            Some("xxx.xxx.xxx.xxx"),
            Some("xxx.xxx.xxx.xxx")
        ),
        None
    );
    // The context, as an object and as OCP's Context(...) text.
    let ctx = json!({"parallelIdx": 1, "stringMap": {"task_id": "7"}, "listMap": {"server_ips": ["10.0.0.1", "10.0.0.2"]}});
    assert_eq!(
        t(
            "Restart observer",
            Some("Restart observer"),
            Some(&ctx),
            Some(1),
            None,
            None
        ),
        Some("10.0.0.2".into())
    );
    let text = json!(
        "Context(parallelIdx=0, stringMap={zone_name=zone3, task_instance_id=5}, listMap={})"
    );
    assert_eq!(
        t("Start zone", None, Some(&text), None, None, None),
        Some("zone3".into())
    );
    // A parallel subtask on its own executor.
    assert_eq!(
        t(
            "Install rpm",
            None,
            None,
            Some(2),
            Some("10.0.0.9"),
            Some("10.1.1.1")
        ),
        Some("10.0.0.9".into())
    );
    assert_eq!(
        t(
            "Install rpm",
            None,
            None,
            None,
            Some("10.0.0.9"),
            Some("10.1.1.1")
        ),
        None
    );
}

/// Three branches of one fan-out: same name, one server each.
fn fan_task() -> TaskInstance {
    let sub = |id: i64,
               desc: &str,
               status: &str,
               ups: Vec<i64>,
               downs: Vec<i64>,
               par: i64,
               ip: &str| {
        json!({
            "id": id, "name": if par >= 0 { "Restart observer with new version" } else { desc },
            "description": desc, "status": status, "operation": "EXECUTE",
            "seriesId": id - 100, "parallelIdx": par, "executor": ip,
            "upstreams": ups, "downstreams": downs,
            "startTime": "2023-12-31T23:58:00Z",
            "finishTime": if status == "SUCCESSFUL" { json!("2023-12-31T23:59:00Z") } else { Value::Null },
        })
    };
    let v = json!({
        "id": 13089009, "name": "Upgrade OB cluster", "status": "RUNNING", "operation": "EXECUTE",
        "executor": "10.9.9.9",
        "cluster": {"id": 3, "name": "zerg", "obClusterId": 1700000001u64},
        "startTime": "2023-12-31T23:50:00Z",
        "subtasks": [
            sub(101, "Stop zone zone1", "SUCCESSFUL", vec![], vec![102, 103, 104], -1, "10.9.9.9"),
            sub(102, "Restart observer with new version (10.0.0.1 in zone1)", "SUCCESSFUL", vec![101], vec![105], 0, "10.0.0.1"),
            sub(103, "Restart observer with new version (10.0.0.2 in zone1)", "RUNNING", vec![101], vec![105], 1, "10.0.0.2"),
            sub(104, "Restart observer with new version (10.0.0.3 in zone1)", "RUNNING", vec![101], vec![105], 2, "10.0.0.3"),
            sub(105, "Wait node", "PENDING", vec![102, 103, 104], vec![], -1, "10.9.9.9"),
        ]
    });
    serde_json::from_value(v).unwrap()
}

fn dag(t: &TaskInstance) -> DagView {
    let g = TaskGraph::from(t);
    let mut v = DagView::new(g.id.clone(), g.backend);
    v.clock = Some(Instant::now());
    v.on_graph(g, Instant::now());
    v
}

fn render_dag(v: &mut DagView, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::builtin_default();
    let mut drawn = None;
    term.draw(|f| drawn = Some(obtui::ui::dag::draw(f, f.area(), v, &theme, false, NOW)))
        .unwrap();
    if let Some(d) = drawn {
        v.on_drawn(d);
    }
    text_of(term.backend().buffer())
}

#[test]
fn fan_out_nodes_show_their_server_in_the_graph_the_list_and_the_side_panel() {
    let t = fan_task();
    for (w, h) in SIZES {
        let mut v = dag(&t);
        render_dag(&mut v, w, h);
        let text = render_dag(&mut v, w, h);
        // The graph shows every branch side by side where there is room; where there is
        // not, the branch on screen still names its server (not a cut IP).
        assert!(
            text.contains("· 10.0.0.2"),
            "{w}x{h} graph: the branch on screen\n{text}"
        );
        assert!(!text.contains("…."), "{w}x{h} graph: an IP cut\n{text}");
        // A name that fits on its own is never cut for its server.
        assert!(
            text.contains("Stop zone zone1") && text.contains("Wait node"),
            "{w}x{h}\n{text}"
        );
        if w >= 200 {
            // The whole name first, then as much of the target as fits.
            assert!(
                text.contains("Restart observer with new version · 10.0.0.1"),
                "{w}x{h}\n{text}"
            );
        }
        // The list view.
        v.perform(obtui::app::actions::Action::ToggleView, false);
        let text = render_dag(&mut v, w, h);
        if w >= 120 {
            for ip in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
                assert!(text.contains(ip), "{w}x{h} list: {ip} missing\n{text}");
            }
        } else {
            // No room for name and server: the name, whole, has priority (the side panel
            // names the selected branch's server).
            assert!(
                text.contains("Restart observer with new version  ") && !text.contains("Restart…"),
                "{w}x{h} list: the name first\n{text}"
            );
            assert!(text.contains("on 10.0.0.2 in zone1"), "{text}");
        }
        if w >= 120 {
            assert!(
                text.contains("Restart observer with new version · 10.0.0.3 in zone1"),
                "{w}x{h}: the whole label has room\n{text}"
            );
        }
    }
    // The side panel of a branch says where it runs (found by a search on its server).
    let mut v = dag(&t);
    render_dag(&mut v, 200, 60);
    v.perform(obtui::app::actions::Action::Search, false);
    for k in "10.0.0.3".chars() {
        v.on_key(KeyEvent::new(KeyCode::Char(k), KeyModifiers::NONE));
    }
    v.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(v.selected_node().unwrap().id, "104");
    let text = render_dag(&mut v, 200, 60);
    assert!(text.contains("on 10.0.0.3 in zone1"), "{text}");
}

#[test]
fn the_tasks_summary_lists_running_branches_by_server() {
    let mut a = app("default");
    tasks_view(&mut a, &[fan_task()]);
    key(&mut a, '4');
    let (text, _) = render(&mut a, 120, 36);
    assert!(
        text.contains(
            "running: Restart observer with new version (10.0.0.2 in zone1, 10.0.0.3 in zone1)"
        ),
        "{text}"
    );
}

#[test]
fn watch_lines_name_the_server_of_each_branch() {
    let s = sim_tasks(400.0);
    let out = Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(["watch", &s.running.id.to_string(), "--interval", "0.2"])
        .args(["--url", &s.sim.url, "--user", "admin"])
        .env("OBTUI_PASSWORD", "aaAA11__")
        .env("XDG_CONFIG_HOME", "/nonexistent-obtui-test")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let rpm: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("Install new version rpm") && l.contains("→ SUCCESSFUL"))
        .collect();
    assert!(rpm.len() >= 2, "{text}");
    for l in &rpm {
        assert!(l.contains("Install new version rpm · 10."), "{l}");
    }
    let distinct: std::collections::BTreeSet<_> = rpm.iter().map(|l| &l[10..]).collect();
    assert_eq!(distinct.len(), rpm.len(), "{text}");
    // The first line names the zone the times are in.
    assert!(
        text.lines().next().unwrap().contains("times local"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// Item 5: text is cut only when there is no room; numbers never

fn cluster_with_big_ids() -> Vec<ObCluster> {
    let mut v = fixture_json("ob-clusters-list.json");
    let c = &mut v["data"]["contents"][0];
    c["obClusterId"] = json!(1_700_000_001u64);
    c["id"] = json!(1_000_002);
    let p: Paged<ObCluster> = serde_json::from_value(v["data"].clone()).unwrap();
    p.contents
}

fn hosts_with_long_fields() -> Vec<Host> {
    let mut v = fixture_json("compute-hosts-list.json");
    let h = &mut v["data"]["contents"][0];
    h["typeName"] = json!("ob-standard-16c64g");
    h["services"] = json!([{"name": "terran:4", "type": "OB_CLUSTER"}, {"name": "zerg:7", "type": "OB_CLUSTER"}]);
    let p: Paged<Host> = serde_json::from_value(v["data"].clone()).unwrap();
    p.contents
}

#[test]
fn numbers_are_never_cut_and_titles_are_whole_at_every_size() {
    for (w, h) in SIZES {
        let mut a = app("default");
        a.on_view(
            ViewJob::Pane(PaneKind::Clusters),
            Ok(ViewData::Clusters {
                clusters: conv::clusters(&cluster_with_big_ids()),
                running: Ok(vec![]),
            }),
            Instant::now(),
            0,
        );
        let (text, _) = render(&mut a, w, h);
        let header = table_line(&text, "NAME");
        let row = table_line(&text, "PRIMARY");
        // The ids are whole wherever their column is shown.
        assert!(
            row.contains(" 1000002 ") || !header.contains(" ID"),
            "{w}x{h}\n{text}"
        );
        if header.contains("OB ID") {
            assert!(row.contains("1700000001"), "{w}x{h}: OB ID cut\n{text}");
        }
        assert!(
            !row.contains(" 000002"),
            "{w}x{h}: an id cut from the left\n{text}"
        );
    }
    // At 200 columns every column is there.
    let mut a = app("default");
    a.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: conv::clusters(&cluster_with_big_ids()),
            running: Ok(vec![]),
        }),
        Instant::now(),
        0,
    );
    let (text, _) = render(&mut a, 200, 60);
    assert!(
        table_line(&text, "PRIMARY").contains("1700000001"),
        "{text}"
    );
}

#[test]
fn host_text_grows_with_the_terminal_and_is_cut_with_an_ellipsis_only_when_needed() {
    for (w, h) in SIZES {
        let mut a = app("default");
        a.on_view(
            ViewJob::Pane(PaneKind::Hosts),
            Ok(ViewData::Hosts(conv::hosts(&hosts_with_long_fields()))),
            Instant::now(),
            0,
        );
        key(&mut a, '2');
        let (text, _) = render(&mut a, w, h);
        let header = table_line(&text, "IP ");
        let row = table_line(&text, "xx.xx.xx.xx");
        if header.contains("HOST TYPE") {
            assert!(row.contains("ob-standard-16c64g"), "{w}x{h}\n{text}");
        }
        if header.contains("USED BY") {
            let whole = row.contains("ob:terran:4, ob:zerg:7");
            let ellipsis = row.contains('…');
            assert!(whole || ellipsis, "{w}x{h}: cut without …\n{text}");
            if w >= 120 {
                assert!(whole, "{w}x{h}: room to show it whole\n{text}");
            }
        }
        if w >= 120 {
            assert!(row.contains("OceanBase152105.et15sqa"), "{w}x{h}\n{text}");
        } else {
            assert!(
                row.contains("OceanBase152105.et15sqa") || row.contains("OceanBase152105.e…"),
                "{w}x{h}\n{text}"
            );
        }
    }
}

#[test]
fn the_tasks_pane_keeps_cluster_and_whole_titles_at_80x24() {
    let mut a = app("default");
    let mut t1 = fan_task();
    let mut t2 = fan_task();
    t2.id = 13089010;
    if let Some(c) = t2.cluster.as_mut() {
        c.name = Some("xelnaga".into());
    }
    t1.name = "Upgrade OB cluster".into();
    tasks_view(&mut a, &[t1, t2]);
    key(&mut a, '4');
    for (w, h) in SIZES {
        let (text, _) = render(&mut a, w, h);
        let header = table_line(&text, "STATUS");
        assert!(header.contains("CLUSTER"), "{w}x{h}\n{text}");
        assert!(header.contains("DURATION"), "{w}x{h}: DURATION cut\n{text}");
        assert!(
            table_line(&text, "13089009").contains("zerg"),
            "{w}x{h}\n{text}"
        );
        assert!(
            table_line(&text, "13089010").contains("xelnaga"),
            "{w}x{h}\n{text}"
        );
    }
}

#[test]
fn dag_labels_grow_with_the_terminal() {
    let long = "Prepare reinstalling OCP agent and its configuration";
    let mut t = fan_task();
    t.subtasks[0].name = long.into();
    t.subtasks[0].description = Some(long.into());
    let mut v = dag(&t);
    render_dag(&mut v, 200, 60);
    let text = render_dag(&mut v, 200, 60);
    assert!(
        text.contains(long),
        "200 columns have room for 52 characters\n{text}"
    );
    let mut v = dag(&t);
    render_dag(&mut v, 80, 24);
    let text = render_dag(&mut v, 80, 24);
    assert!(
        text.contains('…'),
        "80 columns do not: an ellipsis says so\n{text}"
    );
    // The list view takes the room it has.
    let mut v = dag(&t);
    v.perform(obtui::app::actions::Action::ToggleView, false);
    render_dag(&mut v, 160, 40);
    let text = render_dag(&mut v, 160, 40);
    assert!(text.contains(long), "{text}");
}

// ---------------------------------------------------------------------------------------
// Item 6: a rolled-back task is not a success

fn rolled_back() -> TaskInstance {
    let mut v = serde_json::to_value(fan_task()).unwrap();
    v["id"] = json!(13089011);
    v["status"] = json!("SUCCESSFUL");
    v["operation"] = json!("ROLLBACK");
    v["finishTime"] = json!("2023-12-31T23:59:30Z");
    for s in v["subtasks"].as_array_mut().unwrap() {
        s["operation"] = json!("ROLLBACK");
        s["status"] = json!("SUCCESSFUL");
    }
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_rolled_back_task_reads_rolled_back_in_its_own_colour_and_in_mono() {
    let g = TaskGraph::from(&rolled_back());
    assert_eq!(g.status, TaskState::RolledBack);
    assert!(g.status.is_finished());
    // The DAG header: the state once, not "SUCCESSFUL (ROLLBACK)".
    let mut v = dag(&rolled_back());
    let text = render_dag(&mut v, 120, 30);
    let head = text.lines().next().unwrap();
    assert!(head.contains("↶ ROLLED BACK"), "{head}");
    assert!(
        !head.contains("SUCCESSFUL") && !head.contains("(ROLLBACK)"),
        "{head}"
    );
    for theme in ["default", "mono"] {
        let mut a = app(theme);
        tasks_view(&mut a, &[rolled_back(), fan_task()]);
        key(&mut a, '4');
        let (text, buf) = render(&mut a, 120, 36);
        let row = table_line(&text, "13089011");
        assert!(row.contains("↶ ROLLED BACK"), "{theme}\n{text}");
        assert!(!row.contains("SUCCESSFUL"), "{theme}\n{text}");
        let y = text
            .lines()
            .position(|l| l.contains("↶ ROLLED BACK"))
            .unwrap() as u16;
        let x = text.lines().nth(y as usize).unwrap();
        let x = x[..x.find('↶').unwrap()].chars().count() as u16;
        let cell = &buf[(x, y)];
        if theme == "default" {
            assert_eq!(cell.fg, a.theme.st_rolled_back);
            assert_ne!(a.theme.st_rolled_back, a.theme.st_ok);
        } else {
            // Mono: no colour, but a glyph, a word and a modifier of its own.
            assert!(
                cell.modifier.contains(ratatui::style::Modifier::ITALIC),
                "{cell:?}"
            );
        }
    }
}

#[test]
fn the_list_sample_of_the_docs_reads_as_rolled_back() {
    // The docs' list sample: a SUCCESSFUL task whose subtasks were rolled back.
    let p: Paged<TaskInstance> =
        serde_json::from_value(fixture_json("tasks-instances-list.json")["data"].clone()).unwrap();
    let t = conv::tasks(&p.contents);
    assert_eq!(t[0].status, TaskState::RolledBack);
    assert_eq!(t[1].status, TaskState::Successful);
}

#[test]
fn watch_and_task_show_say_rolled_back_and_watch_exits_1() {
    let s = sim_tasks(400.0);
    let c = client(&s.sim.url);
    let id = s.failed.id;
    let done = s.sim.rt.block_on(async {
        c.rollback_task(id).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let t = c.get_task(id).await.unwrap();
            if t.status.as_str() != "RUNNING" || Instant::now() > deadline {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    assert_eq!(done.status.as_str(), "SUCCESSFUL");
    let out = Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(["watch", &id.to_string()])
        .args(["--url", &s.sim.url, "--user", "admin"])
        .env("OBTUI_PASSWORD", "aaAA11__")
        .env("XDG_CONFIG_HOME", "/nonexistent-obtui-test")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.trim_end().contains("↶ ROLLED BACK"), "{text}");
    assert!(!text.trim_end().ends_with("SUCCESSFUL"), "{text}");

    let file = std::env::temp_dir().join(format!("obtui-rolled-back-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_string(&done).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(["task", "show", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().next().unwrap().contains("↶ ROLLED BACK"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// Item 8: one zone, named once; one duration format

#[test]
fn every_time_is_in_the_chosen_zone_and_the_header_names_it() {
    // 23:50Z on the 31st is 07:50 on the 1st at +08:00 — the server's day, and NOW's.
    let mut t = fan_task();
    t.start_time = Some("2024-01-01T07:50:00+08:00".into());
    let mut a = app("default");
    tasks_view(&mut a, &[t.clone()]);
    key(&mut a, '4');
    let (text, _) = render(&mut a, 200, 60);
    assert!(text.lines().next().unwrap().contains("UTC ·"), "{text}");
    assert!(
        table_line(&text, "13089009").contains("12-31 23:50:00"),
        "{text}"
    );

    a.set_time_zone(ZoneSetting::Server);
    tasks_view(&mut a, &[t]);
    let (text, _) = render(&mut a, 200, 60);
    assert!(
        text.lines().next().unwrap().contains("server UTC+08:00"),
        "{text}"
    );
    let row = table_line(&text, "13089009");
    assert!(
        row.contains(" 07:50:00 "),
        "same day as now in that zone: {row}"
    );
    assert!(!text.contains('Z'), "no per-time zone suffix\n{text}");

    // A DAG opened from here shows its times in the same zone.
    a.open_task("13089009".into(), obtui_task::Backend::Ocp);
    assert_eq!(a.dag.as_ref().unwrap().zone, a.zone);
}

#[test]
fn the_side_panel_and_error_history_use_the_apps_zone() {
    let mut v = dag(&fan_task());
    v.zone = ShownZone::server(8 * 3600);
    render_dag(&mut v, 200, 60);
    let text = render_dag(&mut v, 200, 60);
    // The selected node started 23:58:00Z = 07:58:00 at +08:00, on NOW's day there.
    assert!(text.contains("time 07:58:00 → "), "{text}");
    assert!(
        !text.contains("07:58:00Z") && !text.contains("23:58:00"),
        "{text}"
    );

    let mut a = app("default");
    a.zone = ShownZone::server(8 * 3600);
    a.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Err(obtui_api::ApiError::Transport {
            kind: obtui_api::error::TransportKind::Timeout,
            message: "boom".into(),
        }),
        Instant::now(),
        0,
    );
    key(&mut a, 'E');
    let (text, _) = render(&mut a, 120, 36);
    let now = obtui_api::time::now_ms();
    let expect = ShownZone::server(8 * 3600).clock(now);
    // The error happened within this test: its time is within a minute of now, in +08:00.
    assert!(
        text.contains(&expect[..5])
            || text.contains(&ShownZone::server(8 * 3600).clock(now - 60_000)[..5]),
        "{expect}\n{text}"
    );
}

#[test]
fn durations_read_the_same_everywhere() {
    use obtui_task::text::fmt_duration;
    for ms in [
        0,
        999,
        12_000,
        62_000,
        3_900_000,
        90_000_000,
        500 * 3_600_000,
    ] {
        assert_eq!(
            fmt_duration(ms),
            obtui::model::fmt::short_age(Duration::from_secs((ms / 1000) as u64)),
            "{ms}"
        );
    }
    assert_eq!(fmt_duration(90_000_000), "1d01h");
}

#[test]
fn time_zone_is_a_checked_config_setting() {
    use obtui::config::profile::ConfigFile;
    assert_eq!(
        ConfigFile::parse("").unwrap().zone_setting(),
        ZoneSetting::Local
    );
    assert_eq!(
        ConfigFile::parse("time_zone = \"utc\"")
            .unwrap()
            .zone_setting(),
        ZoneSetting::Utc
    );
    assert_eq!(
        ConfigFile::parse("time_zone = \"server\"")
            .unwrap()
            .zone_setting(),
        ZoneSetting::Server
    );
    let e = ConfigFile::parse("time_zone = \"mars\"").unwrap_err();
    assert!(e.contains("time_zone") && e.contains("local"), "{e}");
}

// ---------------------------------------------------------------------------------------
// The real binary at 80x24 (tmux): the zone in the header, CLUSTER kept, branches named.

#[test]
fn the_demo_at_80x24_names_zone_cluster_and_branch_servers() {
    use crate::common::tmux::{bin, Tmux};
    const T: Duration = Duration::from_secs(30);
    let t = Tmux::start(
        "i16-80x24",
        80,
        24,
        &[
            ("LANG", "C.UTF-8"),
            // A POSIX zone string: no zone database needed.
            ("TZ", "CST-8"),
            ("XDG_CONFIG_HOME", "/nonexistent-obtui-test"),
        ],
        &[bin(), "demo", "--speed", "2"],
    );
    let s = t.wait_text("terran", T);
    // The zone (by its offset when 80 columns are tight) and the RW badge both fit.
    let head = s.lines().next().unwrap();
    assert!(
        head.contains("UTC+08:00") && head.trim_end().ends_with("RW"),
        "{s}"
    );
    t.keys(&["4"]);
    let s = t.wait_for("the tasks pane", T, |s| {
        s.contains("Tasks [") && s.matches("Upgrade OB cluster").count() >= 2
    });
    let header = s.lines().find(|l| l.contains("STATUS")).unwrap();
    assert!(
        header.contains("CLUSTER") && header.contains("DURATION"),
        "{s}"
    );
    let upgrades: Vec<&str> = s
        .lines()
        .filter(|l| l.contains("Upgrade OB cluster"))
        .collect();
    assert_eq!(upgrades.len(), 2, "{s}");
    assert!(upgrades.iter().any(|l| l.contains("terran")), "{s}");
    assert!(upgrades.iter().any(|l| l.contains("xelnaga")), "{s}");
    // The running upgrade (first: running tasks lead): its rpm branches name their server.
    t.keys(&["Enter"]);
    let s = t.wait_text("· 10.10.", T);
    assert!(!s.contains("…."), "an address cut:\n{s}");
}
