//! The scale-out wizard against the simulated obshell agents, driven by keys: the app, a real
//! session (client, hybrid encryption, HTTP) and the simulator's cluster agent plus its SINGLE
//! agents on their own loopback ports, with an obshell-only profile.
//!
//! One SINGLE agent is scaled out first through the API, so a server already holds ports
//! 2881/2882 on 127.0.0.1. The wizard then targets the other SINGLE agent on that host: the
//! precheck FAILs on the port clash, the ports are fixed, the precheck passes, the summary masks
//! the password, the confirmation sends exactly one request, the obshell DAG opens and runs to
//! SUCCEED, and the new server shows in the clusters pane and the cluster detail.

use crossterm::event::{Event, KeyCode};
use obtui::app::actions::Keymap;
use obtui::app::panes::PaneData;
use obtui::app::state::{App, Effect, Settings, View};
use obtui::app::wizard::{CheckResult, StepKind, SubmitState, WizardEffect, WizardKind};
use obtui::config::profile::Resolved;
use obtui::config::Theme;
use obtui::model::pane::PaneKind;
use obtui::runtime::Session;
use obtui_api::obshell::AgentAddr;
use obtui_api::secret::Secret;
use obtui_sim::obshell::{start_agents, ObshellAgents};
use obtui_task::Backend;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::mpsc;

use crate::common;

use crate::wizard_common;

use common::obshell::scale_out_directly;
use common::rig::Driver;
use wizard_common::{ctrl, key};

const DEADLINE: Duration = Duration::from_secs(60);
const PASSWORD: &str = "rootpass";
const TARGET_PASSWORD: &str = "Tgt_secret_42";

fn settings(url: &str, refresh: Duration) -> Settings {
    Settings {
        profile: "scale".into(),
        url: url.into(),
        user: "root".into(),
        read_only: false,
        production: false,
        refresh,
        demo: true,
        ascii: false,
        insecure: false,
    }
}

type Rig = common::rig::Rig<ObshellAgents>;

impl Rig {
    async fn new() -> Rig {
        let agents = start_agents(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            11,
            50.0,
            Secret::new(PASSWORD),
        )
        .await
        .expect("obshell agents");
        let url = format!("http://{}", agents.cluster_agent().addr);
        let refresh = Duration::from_millis(150);
        let resolved = Resolved {
            profile_name: "scale".into(),
            url: String::new(),
            user: "root".into(),
            read_only: false,
            theme: None,
            refresh,
            production: false,
            password_command: None,
            plaintext_password: None,
            ca_cert: None,
            insecure: false,
            obshell_url: Some(url),
            obshell_password_command: None,
            obshell_password_kind: Default::default(),
            access_key_id: None,
            access_key_secret_command: None,
        };
        let (tx, rx) = mpsc::channel(64);
        let session = Session::start(&resolved, Secret::new(PASSWORD), None, &tx).expect("session");
        let mut app = App::new(
            settings("", refresh),
            Theme::builtin_default(),
            Keymap::defaults(),
        );
        // As run_tui sets them for a profile with an obshell agent and no OCP.
        app.task_backend = Backend::Obshell;
        app.has_obshell = true;
        Rig {
            server: agents,
            d: Driver::new(app, session, rx, DEADLINE),
        }
    }

    fn focus(&mut self, id: &str) {
        for _ in 0..40 {
            if self.focused() == id {
                return;
            }
            self.code(KeyCode::Tab);
        }
        panic!("never reached field {id}; at {}", self.focused());
    }

    /// Replace the focused text field's value by typing.
    fn retype(&mut self, s: &str) {
        self.press(ctrl('u'));
        self.typ(s);
    }

    fn submits(&self) -> usize {
        self.sent
            .iter()
            .filter(|e| matches!(e, WizardEffect::Submit(_)))
            .count()
    }

    async fn precheck_done(&mut self) -> Vec<(String, CheckResult, String)> {
        let items = self.precheck_items().await;
        items
            .into_iter()
            .map(|i| (i.name, i.result, i.reason))
            .collect()
    }
}

fn result(items: &[(String, CheckResult, String)], name: &str) -> Option<CheckResult> {
    items.iter().find(|i| i.0 == name).map(|i| i.1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_out_fails_on_a_port_clash_then_succeeds_and_the_server_appears() {
    let mut r = Rig::new().await;
    let url = format!("http://{}", r.server.cluster_agent().addr);
    let singles: Vec<AgentAddr> = r.server.singles().map(|e| e.agent.clone()).collect();
    assert_eq!(singles.len(), 2, "two SINGLE agents");
    let (first, target) = (singles[0].clone(), singles[1].clone());
    assert_eq!(first.ip, target.ip, "both SINGLE agents on one host");
    scale_out_directly(&url, PASSWORD, &first, "zone1", DEADLINE).await;

    // `o` on the clusters pane opens the wizard.
    r.until("the clusters pane", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    r.code(KeyCode::Char('o'));
    let view = r.app.view().clone();
    assert_eq!(view, View::Wizard, "{}", r.screen());
    assert_eq!(r.wiz().kind, WizardKind::ScaleOut);
    r.until("the zones", |a| {
        a.wizard
            .as_ref()
            .and_then(|w| w.field_named("zone"))
            .is_some_and(|f| f.options().is_some_and(|o| o.len() >= 4))
    })
    .await;

    // Target: the second SINGLE agent, zone2, with a password.
    assert_eq!(r.focused(), "ip");
    r.typ(&target.ip);
    r.code(KeyCode::Tab);
    assert_eq!(r.focused(), "port");
    r.retype(&target.port.to_string());
    r.focus("zone");
    r.code(KeyCode::Enter);
    assert!(r.wiz().popup.is_some(), "the zone list opens");
    r.typ("zone2");
    r.code(KeyCode::Enter);
    assert_eq!(r.wiz().choice_named("zone"), Some("zone2"));
    r.focus("password");
    r.typ(TARGET_PASSWORD);
    r.press(ctrl('n'));
    let step = r.wiz().step;
    assert_eq!(step, 1, "{}", r.screen());

    // obConfigs keep their defaults (2881 / 2882): they clash with the first server.
    assert_eq!(r.wiz().text_named("mysql_port"), "2881");
    assert_eq!(r.wiz().text_named("memory_limit"), "16G");
    r.press(ctrl('n'));
    let items = r.precheck_done().await;
    assert_eq!(
        result(&items, "ports free"),
        Some(CheckResult::Fail),
        "{items:#?}"
    );
    let clash = items.iter().find(|i| i.0 == "ports free").unwrap();
    assert!(
        clash.2.contains(&format!("{}:2882", target.ip)),
        "the clash names the server: {}",
        clash.2
    );
    assert_eq!(result(&items, "target is SINGLE"), Some(CheckResult::Pass));
    assert_eq!(
        result(&items, "same OceanBase version"),
        Some(CheckResult::Pass)
    );
    assert_eq!(result(&items, "agent version"), Some(CheckResult::Pass));
    assert!(r.screen().contains("FAIL"));
    // Submit is refused while a check fails.
    r.code(KeyCode::Enter);
    assert_eq!(r.wiz().current_step().kind, StepKind::Precheck);
    assert!(r
        .wiz()
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("refused")));

    // Fix the ports and check again.
    r.code(KeyCode::Char('b'));
    assert_eq!(r.wiz().step, 1);
    r.focus("mysql_port");
    r.retype("3881");
    r.focus("rpc_port");
    r.retype("3882");
    r.press(ctrl('n'));
    let items = r.precheck_done().await;
    assert!(items.iter().all(|i| i.1 != CheckResult::Fail), "{items:#?}");
    assert_eq!(result(&items, "ports free"), Some(CheckResult::Pass));
    assert_eq!(result(&items, "zone"), Some(CheckResult::Pass));

    // Summary: the exact request, the password masked.
    r.code(KeyCode::Enter);
    assert_eq!(r.wiz().current_step().kind, StepKind::Summary);
    let s = r.wiz().summary.clone().expect("a summary");
    assert_eq!(s.path, "/api/v1/ob/scale_out");
    assert!(
        s.masked_json.contains("\"rpc_port\": \"3882\""),
        "{}",
        s.masked_json
    );
    assert!(s.masked_json.contains("\"zone\": \"zone2\""));
    assert!(s.masked_json.contains("******"));
    assert!(!s.masked_json.contains(TARGET_PASSWORD));
    assert!(!r.screen().contains(TARGET_PASSWORD));

    // Confirm: Enter alone cancels; Tab to Submit and Enter sends exactly once.
    r.code(KeyCode::Enter);
    assert!(r.wiz().confirm.is_some());
    r.code(KeyCode::Enter);
    assert!(r.wiz().confirm.is_none());
    assert_eq!(r.submits(), 0);
    r.code(KeyCode::Enter);
    r.code(KeyCode::Tab);
    r.code(KeyCode::Enter);
    assert_eq!(r.submits(), 1);
    r.code(KeyCode::Enter);
    assert_eq!(r.submits(), 1, "keys while the submit is out send nothing");
    r.until("the DAG view", |a| {
        matches!(a.view(), View::Dag(_))
            || a.wizard
                .as_ref()
                .is_some_and(|w| matches!(w.submit, SubmitState::Failed(_)))
    })
    .await;
    if let Some(w) = &r.app.wizard {
        panic!("submit failed: {:?}", w.submit);
    }
    let dag = r.app.dag.as_ref().expect("the DAG view");
    assert_eq!(dag.backend, Backend::Obshell, "the DAG is obshell's");
    let id = dag.task_id.clone();
    r.until("the DAG to succeed", |a| {
        a.dag
            .as_ref()
            .and_then(|d| d.graph())
            .is_some_and(|g| g.id == id && g.status == obtui_task::TaskState::Successful)
    })
    .await;
    let screen = r.screen();
    assert!(screen.contains("Cluster scale out"), "{screen}");

    // Back on the clusters pane: the new server is there, and in the cluster detail.
    while matches!(r.app.view(), View::Dag(_)) {
        r.code(KeyCode::Esc);
    }
    assert_eq!(r.app.view(), &View::Pane(PaneKind::Clusters));
    let ip = target.ip.clone();
    r.until("the new server in the clusters pane", move |a| {
        let PaneData::Clusters { clusters, .. } = &a.pane(PaneKind::Clusters).data else {
            return false;
        };
        clusters.iter().any(|c| {
            c.zones.iter().any(|z| {
                z.name == "zone2"
                    && z.servers
                        .iter()
                        .any(|s| s.ip.as_deref() == Some(ip.as_str()) && s.rpc_port == Some(3882))
            })
        })
    })
    .await;
    r.code(KeyCode::Enter);
    r.until("the cluster detail", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    let screen = r.screen();
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&target.ip) && l.contains("rpc 3882") && l.contains("sql 3881")),
        "the detail lists the new server\n{screen}"
    );

    // The finished DAG is not lost: the Tasks pane lists it (SOURCE: the agent), and Enter
    // opens it again.
    while r.app.view() != &View::Pane(PaneKind::Clusters) {
        r.code(KeyCode::Esc);
    }
    r.code(KeyCode::Char('4'));
    let want = id.clone();
    r.until("the finished DAG in the Tasks pane", move |a| {
        let t = &a.pane(PaneKind::Tasks).table;
        t.view.iter().any(|&i| {
            let c = &t.rows[i].cells;
            c[0] == want
                && c[2] == "SUCCESSFUL"
                && c.last().is_some_and(|s| s.starts_with("obshell "))
        })
    })
    .await;
    let at = {
        let t = &r.app.pane(PaneKind::Tasks).table;
        t.view
            .iter()
            .position(|&i| t.rows[i].cells[0] == id)
            .unwrap()
    };
    r.app.pane_mut(PaneKind::Tasks).table.selected = at;
    r.code(KeyCode::Enter);
    let v = r.app.dag.as_ref().expect("the DAG view again");
    assert_eq!(
        (v.task_id.as_str(), v.backend),
        (id.as_str(), Backend::Obshell)
    );
    r.until("its graph", |a| {
        a.dag
            .as_ref()
            .and_then(|d| d.graph())
            .is_some_and(|g| g.id == id)
    })
    .await;
}

#[tokio::test]
async fn the_wizard_needs_an_obshell_agent_and_ocp_wizards_need_an_ocp() {
    let mut app = App::new(
        settings("http://127.0.0.1:9", Duration::from_secs(2)),
        Theme::builtin_default(),
        Keymap::defaults(),
    );
    // An OCP profile without an obshell agent: scale-out is refused with a reason.
    assert!(app.open_wizard(WizardKind::ScaleOut).is_empty());
    assert!(app.wizard.is_none());
    assert!(app
        .notify
        .flashes
        .iter()
        .any(|f| f.text.contains("obshell agent")));
    // With an obshell agent it opens, and asks for the cluster and its agents.
    app.has_obshell = true;
    let effects = app.open_wizard(WizardKind::ScaleOut);
    assert_eq!(
        app.wizard.as_ref().map(|w| w.kind),
        Some(WizardKind::ScaleOut)
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Wizard(w)
        if matches!(**w, WizardEffect::NeedData(obtui::app::wizard::DataRequest::AgentCluster)))));
    // An obshell-only profile: OCP wizards are refused, scale-out opens (by command too).
    let mut app = App::new(
        settings("", Duration::from_secs(2)),
        Theme::builtin_default(),
        Keymap::defaults(),
    );
    app.task_backend = Backend::Obshell;
    app.has_obshell = true;
    assert!(app.open_wizard(WizardKind::CreateCluster).is_empty());
    assert!(app.wizard.is_none());
    app.on_event(Event::Key(key(KeyCode::Char(':'))));
    for c in "scale-out".chars() {
        app.on_event(Event::Key(key(KeyCode::Char(c))));
    }
    app.on_event(Event::Key(key(KeyCode::Enter)));
    assert_eq!(
        app.wizard.as_ref().map(|w| w.kind),
        Some(WizardKind::ScaleOut)
    );
}
