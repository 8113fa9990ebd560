//! `obtui watch` and `obtui task show`: the real binary against the simulator.

use obtui_api::ocp::client::{PageQuery, TaskFilter};
use obtui_api::ocp::{OcpClient, OcpConfig};
use obtui_api::secret::Secret;
use obtui_sim::{self as sim, SimOptions};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn obtui(url: &str, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(args)
        .args(["--url", url, "--user", "admin"])
        .env("OBTUI_PASSWORD", password)
        .env("XDG_CONFIG_HOME", "/nonexistent-obtui-test")
        .output()
        .expect("run obtui")
}

/// Start a simulator; return it with the ids of its running and failed tasks.
fn sim_with_tasks(rt: &tokio::runtime::Runtime, speed: f64) -> (sim::SimHandle, i64, i64) {
    rt.block_on(async {
        let h = sim::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimOptions {
                speed,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let c = OcpClient::new(OcpConfig::new(h.url(), "admin", Secret::new("aaAA11__"))).unwrap();
        let page = PageQuery::new(1, 100);
        let running = c
            .list_tasks(
                &page,
                &TaskFilter {
                    status: vec!["RUNNING".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let failed = c
            .list_tasks(
                &page,
                &TaskFilter {
                    status: vec!["FAILED".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let r = running
            .contents
            .first()
            .expect("the simulator seeds a running task")
            .id;
        let f = failed
            .contents
            .first()
            .expect("the simulator seeds a failed task")
            .id;
        (h, r, f)
    })
}

#[test]
fn watch_follows_a_running_task_to_success_and_exits_0() {
    let rt = rt();
    let (h, running, _) = sim_with_tasks(&rt, 400.0);
    let out = obtui(
        &h.url(),
        "aaAA11__",
        &["watch", &running.to_string(), "--interval", "0.2"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{text}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&format!("task #{running}")), "{text}");
    assert!(text.contains("RUNNING → SUCCESSFUL"), "{text}");
    assert!(text.contains("progress "), "{text}");
    assert!(text.trim_end().ends_with("SUCCESSFUL"), "{text}");
}

#[test]
fn watch_on_a_failed_task_prints_the_failure_and_exits_1() {
    let rt = rt();
    let (h, _, failed) = sim_with_tasks(&rt, 1.0);
    let out = obtui(&h.url(), "aaAA11__", &["watch", &failed.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAILED subtask #"), "{text}");
    assert!(text.trim_end().ends_with("FAILED"), "{text}");

    // JSON mode: one object per line, ending with the end event.
    let out = obtui(
        &h.url(),
        "aaAA11__",
        &["watch", &failed.to_string(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(lines.first().unwrap()["event"], "task");
    assert!(lines
        .iter()
        .any(|l| l["event"] == "failed_subtask" && l["log_tail"].is_array()));
    let end = lines.last().unwrap();
    assert_eq!(end["event"], "end");
    assert_eq!(end["exit"], 1);
}

#[test]
fn watch_exits_2_on_auth_and_not_found_and_refused() {
    let rt = rt();
    let (h, running, _) = sim_with_tasks(&rt, 1.0);
    let out = obtui(&h.url(), "wrong-password", &["watch", &running.to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("HTTP 401"));

    let out = obtui(&h.url(), "aaAA11__", &["watch", "987654321"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("HTTP 404"));

    // Nothing listens on port 9 of loopback.
    let out = obtui("http://127.0.0.1:9", "x", &["watch", "1"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A row of `task show`'s list: it starts with its subtask's (numeric) id.
fn is_row(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
}

/// `task show` prints the documented fields the list has no column for, whole: the task's
/// creation time, executor, host, tenant and context entries under the header, a subtask type
/// all subtasks share once, and obshell's `dag_id` and maintenance.
#[test]
fn task_show_prints_the_documented_details() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let show = |path: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_obtui"))
            .args(["task", "show", "--ascii", "--file"])
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let has = |s: &str, k: &str, v: &str| {
        s.lines().any(|l| {
            l.starts_with("  ") && l.trim_start().starts_with(k) && l.trim_end().ends_with(v)
        })
    };
    let s = show(&root.join("ocp/task-instance-detail.json"));
    assert!(has(&s, "created", "2021-08-25T07:09:31Z"), "{s}");
    assert!(has(&s, "executor", "xxx.xxx.xxx.xxx"), "{s}");
    assert!(has(&s, "subtask type", "JAVA_TASK"), "{s}");
    assert!(!s.contains("definition"), "-1 is no definition:\n{s}");
    let s = show(&root.join("ocp/obproxy-cluster-create.json"));
    assert!(has(&s, "ctx.prohibit_rollback", "false"), "{s}");
    let s = show(&root.join("ocp/ob-cluster-upgrade.json"));
    assert!(
        has(
            &s,
            "ctx.upgrade_versions",
            "[2.2.74, 2.2.75-20210108170301]"
        ),
        "{s}"
    );
    let s = show(&root.join("obshell/dag-scale-out-failed.json"));
    assert!(has(&s, "dag", "3"), "{s}");
    assert!(has(&s, "maintenance", "GLOBAL"), "{s}");

    // A subtask's own context and prohibitSkip, on a line of its own after the list.
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("ocp/task-instance-detail.json")).unwrap(),
    )
    .unwrap();
    v["data"]["subtasks"][0]["context"] =
        serde_json::json!({"stringMap": {"rpm_name": "oceanbase-4.2.1.el7.rpm"}});
    v["data"]["subtasks"][0]["prohibitSkip"] = serde_json::json!(true);
    v["data"]["hostId"] = serde_json::json!(2);
    v["data"]["tenant"] = serde_json::json!({"id": 169, "name": "zhiqiong"});
    let id = v["data"]["subtasks"][0]["id"].clone();
    let path = std::env::temp_dir().join(format!("obtui-details-{}.json", std::process::id()));
    std::fs::write(&path, v.to_string()).unwrap();
    let s = show(&path);
    let _ = std::fs::remove_file(&path);
    assert!(has(&s, "host", "#2"), "{s}");
    assert!(has(&s, "tenant", "zhiqiong #169"), "{s}");
    let line = s
        .lines()
        .find(|l| l.starts_with(&format!("subtask {id}:")))
        .unwrap_or_else(|| panic!("no detail line for subtask {id}:\n{s}"));
    assert!(
        line.contains("ctx.rpm_name=oceanbase-4.2.1.el7.rpm"),
        "{line}"
    );
    assert!(line.contains("prohibitSkip"), "{line}");
    assert!(
        !line.contains("JAVA_TASK"),
        "the shared type is said once:\n{s}"
    );
}

#[test]
fn task_show_renders_every_task_fixture_and_a_live_task() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocp");
    let mut shown = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        // Every fixture whose data is a task (any of the three shapes).
        let data = &v["data"];
        let is_task = data.get("subtasks").is_some() || data.get("tasks").is_some();
        if !is_task || path.to_string_lossy().ends_with(".request.json") {
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_obtui"))
            .args(["task", "show", "--ascii", "--file"])
            .arg(&path)
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let name = data["name"].as_str().unwrap();
        assert!(
            s.starts_with(&format!("task #{} {name}", data["id"])),
            "{}:\n{s}",
            path.display()
        );
        let n = data
            .get("subtasks")
            .or(data.get("tasks"))
            .and_then(|x| x.as_array())
            .unwrap()
            .len();
        assert_eq!(
            s.lines().filter(|l| is_row(l)).count(),
            n,
            "{}: one line per subtask:\n{s}",
            path.display()
        );
        shown += 1;
    }
    assert!(shown >= 5, "only {shown} task fixtures found");

    // A bare task object (no envelope) works too, and garbage is a clear error.
    let bare = std::env::temp_dir().join(format!("obtui-bare-{}.json", std::process::id()));
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("task-instance-detail.json")).unwrap(),
    )
    .unwrap();
    std::fs::write(&bare, v["data"].to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(["task", "show", "--file"])
        .arg(&bare)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&bare, "<html>502</html>").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(["task", "show", "--file"])
        .arg(&bare)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not JSON"));
    let _ = std::fs::remove_file(&bare);

    // From the server.
    let rt = rt();
    let (h, running, _) = sim_with_tasks(&rt, 1.0);
    let out = obtui(
        &h.url(),
        "aaAA11__",
        &["task", "show", &running.to_string()],
    );
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{s}");
    assert!(s.starts_with(&format!("task #{running}")), "{s}");
    assert!(s.lines().count() > 5, "{s}");
}

/// `task show` to a pipe: full names, every subtask's id, and on a failed task the failed
/// subtasks with the tail of their logs and exit 1 (as `watch`); `--width` fits names.
#[test]
fn task_show_gives_full_names_ids_and_the_failure_with_exit_1() {
    let rt = rt();
    let (h, running, failed) = sim_with_tasks(&rt, 1.0);
    let task = rt.block_on(async {
        let c = OcpClient::new(OcpConfig::new(h.url(), "admin", Secret::new("aaAA11__"))).unwrap();
        c.get_task(running).await.unwrap()
    });
    let out = obtui(
        &h.url(),
        "aaAA11__",
        &["task", "show", &running.to_string()],
    );
    let s = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{s}");
    assert!(
        !s.contains('…'),
        "nothing cut when the output is a pipe:\n{s}"
    );
    for sub in &task.subtasks {
        let line = s
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{} ", sub.id)))
            .unwrap_or_else(|| panic!("no line for subtask {}:\n{s}", sub.id));
        assert!(line.contains(&sub.name), "{line}");
    }
    // --width fits the names into the width asked for.
    let out = obtui(
        &h.url(),
        "aaAA11__",
        &["task", "show", &running.to_string(), "--width", "60"],
    );
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains('…'), "{s}");
    for l in s.lines().skip(1) {
        assert!(
            l.chars().count() <= 60,
            "{} columns: {l}",
            l.chars().count()
        );
    }
    // A failed task: the reason, then exit 1.
    let out = obtui(&h.url(), "aaAA11__", &["task", "show", &failed.to_string()]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("FAILED subtask #"), "{s}");
    assert!(s.contains("ERROR"), "the log's tail is printed:\n{s}");
    assert!(s.contains("major compaction in progress"), "{s}");
}

/// `task show --file` reads obshell's DAGs (`DagDetailDTO`: string ids), in an envelope or
/// bare, with or without node details; the exit status follows the DAG's state.
#[test]
fn task_show_reads_obshell_dags() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/obshell");
    let show = |path: &Path| {
        Command::new(env!("CARGO_BIN_EXE_obtui"))
            .args(["task", "show", "--ascii", "--file"])
            .arg(path)
            .output()
            .unwrap()
    };
    for (file, code, nodes) in [
        ("dag-scale-out-succeed.json", 0, 9),
        ("dag-scale-out-running.json", 0, 9),
        ("dag-scale-out-failed.json", 1, 9),
        ("dag-scale-out-succeed-no-details.json", 0, 0),
    ] {
        let out = show(&dir.join(file));
        let s = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{file}: {s}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(s.starts_with("task #13 Cluster scale out"), "{file}:\n{s}");
        let rows = s
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("FAILED"))
            .filter(|l| is_row(l))
            .count();
        assert_eq!(rows, nodes, "{file}: one line per node:\n{s}");
        if code == 1 {
            assert!(
                s.contains("FAILED node 125") && s.contains("Wait remote start finish"),
                "{file}:\n{s}"
            );
        }
    }
    // The bare DAG, without its envelope.
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("dag-scale-out-failed.json")).unwrap(),
    )
    .unwrap();
    let bare = std::env::temp_dir().join(format!("obtui-bare-dag-{}.json", std::process::id()));
    std::fs::write(&bare, v["data"].to_string()).unwrap();
    let out = show(&bare);
    let _ = std::fs::remove_file(&bare);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("task #13 Cluster scale out"));
}

/// `watch` follows several tasks together (an OBProxy take-over gives one per host): each line
/// names its task, and the exit code is the worst one.
#[test]
fn watch_follows_several_tasks_and_exits_with_the_worst() {
    let rt = rt();
    let (h, running, failed) = sim_with_tasks(&rt, 400.0);
    let out = obtui(
        &h.url(),
        "aaAA11__",
        &[
            "watch",
            &running.to_string(),
            &failed.to_string(),
            "--interval",
            "0.2",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for id in [running, failed] {
        assert!(
            text.lines()
                .filter(|l| !l.starts_with("FAILED subtask") && !l.starts_with("    "))
                .filter(|l| l.starts_with(&format!("#{id}  ")))
                .count()
                >= 2,
            "{id}:\n{text}"
        );
    }
    assert!(
        text.contains(&format!("#{running}  "))
            && text.contains(&format!("task #{running} SUCCESSFUL")),
        "{text}"
    );
    assert!(text.contains(&format!("task #{failed} FAILED")), "{text}");
    // Every line of a task that can be followed is prefixed; a bad id makes the exit 2.
    let out = obtui(
        &h.url(),
        "aaAA11__",
        &[
            "watch",
            &running.to_string(),
            "987654321",
            "--interval",
            "0.2",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("#987654321  "));
    drop(h);
}

/// `watch` and `task show` with an obshell-only profile read the agent's DAGs by their ids: a
/// scale-out DAG followed to its end (exit 0), shown as the list view, and an unknown id is an
/// error (exit 2) with the agent's message.
#[test]
fn watch_and_task_show_read_an_obshell_agents_dags() {
    use obtui_api::obshell::{AgentAddr, ObshellClient, ObshellConfig, ScaleOutRequest};
    let rt = rt();
    let (agents, url, dag) = rt.block_on(async {
        let agents = obtui_sim::obshell::start_agents(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            11,
            20.0,
            Secret::new("rootpass"),
        )
        .await
        .expect("obshell agents");
        let url = format!("http://{}", agents.cluster_agent().addr);
        let target: AgentAddr = agents
            .singles()
            .next()
            .expect("a SINGLE agent")
            .agent
            .clone();
        let c =
            ObshellClient::new(ObshellConfig::new(url.as_str(), Secret::new("rootpass"))).unwrap();
        let configs = [("mysql_port", "2881"), ("rpc_port", "2882")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let dag = c
            .scale_out(&ScaleOutRequest {
                agent_info: target,
                ob_configs: configs,
                zone: "zone4".into(),
                target_agent_password: None,
            })
            .await
            .expect("scale out");
        (agents, url, dag.id)
    });
    let home = std::env::temp_dir().join(format!("obtui-watch-agent-{}", std::process::id()));
    let dir = home.join("obtui");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("[profiles.agent]\nobshell_url = \"{url}\"\n"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_obtui"))
            .args(["--profile", "agent"])
            .args(args)
            .env("XDG_CONFIG_HOME", &home)
            .env("XDG_STATE_HOME", &home)
            .env("OBTUI_OBSHELL_PASSWORD", "rootpass")
            .output()
            .expect("run obtui")
    };
    let w = run(&["watch", &dag, "--interval", "0.2"]);
    let text = String::from_utf8_lossy(&w.stdout);
    assert_eq!(
        w.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&w.stderr)
    );
    assert!(text.contains(&format!("task #{dag}")), "{text}");
    assert!(text.contains("SUCCESSFUL"), "{text}");
    let s = run(&["task", "show", &dag]);
    let shown = String::from_utf8_lossy(&s.stdout);
    assert_eq!(s.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("Cluster scale out") && shown.contains("Wait scale out ready"),
        "the list view of an obshell DAG: {shown}"
    );
    let bad = run(&["watch", "999999"]);
    assert_eq!(bad.status.code(), Some(2));
    drop(agents);
    let _ = std::fs::remove_dir_all(&home);
}
