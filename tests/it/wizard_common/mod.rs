//! Helpers shared by the wizard tests: keys, small inventories, rendering to a buffer.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use obtui::app::wizard::{Wizard, WizardContext, WizardEffect, WizardKind};
use obtui::config::Theme;
use obtui::model::wizard::data::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

pub const PW: &str = "aaBB11__xyz";

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}
pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}
pub fn release(k: KeyEvent) -> KeyEvent {
    KeyEvent {
        kind: KeyEventKind::Release,
        ..k
    }
}

/// Press keys; collect every effect.
pub fn press(w: &mut Wizard, keys: &[KeyEvent]) -> Vec<WizardEffect> {
    keys.iter().flat_map(|k| w.handle_key(*k)).collect()
}
pub fn typ(w: &mut Wizard, s: &str) -> Vec<WizardEffect> {
    s.chars()
        .flat_map(|c| w.handle_key(key(KeyCode::Char(c))))
        .collect()
}
pub fn tab(w: &mut Wizard) {
    w.handle_key(key(KeyCode::Tab));
}
pub fn enter(w: &mut Wizard) -> Vec<WizardEffect> {
    w.handle_key(key(KeyCode::Enter))
}
pub fn focused_id(w: &Wizard) -> &'static str {
    w.focused().map(|f| f.id).unwrap_or("")
}
/// Tab until the field with this id has focus (panics after 40 tabs).
pub fn focus_on(w: &mut Wizard, id: &str) {
    for _ in 0..40 {
        if focused_id(w) == id {
            return;
        }
        tab(w);
    }
    panic!("never reached field {id}; at {}", focused_id(w));
}

pub fn host(id: i64, status: &str, idc: &str) -> Host {
    Host {
        id,
        ip: format!("10.0.0.{id}"),
        name: format!("h{id}"),
        status: status.into(),
        idc_name: Some(idc.into()),
        architecture: Some("x86_64".into()),
        ..Default::default()
    }
}

pub fn ob_package(version: &str, build: &str, arch: &str) -> Package {
    Package {
        id: 1,
        file_name: format!("oceanbase-{version}-{build}.el7.{arch}.rpm"),
        name: "oceanbase".into(),
        version: version.into(),
        build_number: Some(build.into()),
        operating_system: "el7".into(),
        architecture: arch.into(),
        package_type: "OB_SERVER_INSTALL_PACKAGE".into(),
    }
}

/// Answers for every data request a wizard can make, from one small inventory.
pub fn answer(req: &DataRequest) -> DataResponse {
    match req {
        DataRequest::Packages => DataResponse::Packages(Ok(vec![
            ob_package("4.2.1.2", "102000042023120514", "x86_64"),
            ob_package("4.2.2.0", "100000102024010415", "x86_64"),
        ])),
        DataRequest::Idcs => DataResponse::Idcs(Ok(vec![
            Idc {
                id: 1,
                name: "hz1".into(),
                region_name: Some("hz".into()),
            },
            Idc {
                id: 2,
                name: "hz2".into(),
                region_name: Some("hz".into()),
            },
        ])),
        DataRequest::Hosts => DataResponse::Hosts(Ok(vec![
            host(1, "ONLINE", "hz1"),
            host(2, "ONLINE", "hz2"),
            host(3, "NEW", "hz1"),
        ])),
        DataRequest::HostTypes => DataResponse::HostTypes(Ok(vec![HostType {
            id: 281,
            name: "x86-16c".into(),
        }])),
        DataRequest::Credentials => DataResponse::Credentials(Ok(vec![Credential {
            id: 32765,
            name: "root-ssh".into(),
            target_type: "HOST".into(),
        }])),
        DataRequest::Clusters => DataResponse::Clusters(Ok(vec![ClusterBrief {
            id: 7,
            name: "terran".into(),
            ob_cluster_id: Some(1),
            version: "4.2.1.2".into(),
            status: "RUNNING".into(),
            cluster_type: "PRIMARY".into(),
        }])),
        DataRequest::ProxyClusters => DataResponse::ProxyClusters(Ok(vec![ProxyCluster {
            id: 5,
            name: "px".into(),
            work_mode: Some("CONFIG_URL".into()),
            ob_links: vec![ObLink {
                cluster_name: "terran".into(),
                ob_cluster_id: Some(1),
                status: Some("RUNNING".into()),
            }],
            proxies: vec![],
            versions: vec!["4.2.1.0".into()],
        }])),
        DataRequest::ClusterDetail { cluster_id } => {
            DataResponse::ClusterDetail(Ok(ClusterDetail {
                cluster: ClusterBrief {
                    id: *cluster_id,
                    name: "terran".into(),
                    ob_cluster_id: Some(1),
                    version: "4.2.1.2".into(),
                    status: "RUNNING".into(),
                    cluster_type: "PRIMARY".into(),
                },
                zones: vec![
                    ZoneInfo {
                        name: "zone1".into(),
                        idc_name: Some("hz1".into()),
                        servers: vec![ServerInfo {
                            ip: "10.0.0.1".into(),
                            host_id: Some(1),
                            status: "RUNNING".into(),
                            version: None,
                        }],
                    },
                    ZoneInfo {
                        name: "zone2".into(),
                        idc_name: Some("hz2".into()),
                        servers: vec![ServerInfo {
                            ip: "10.0.0.2".into(),
                            host_id: Some(2),
                            status: "RUNNING".into(),
                            version: None,
                        }],
                    },
                ],
                primary_cluster: None,
                standby_clusters: vec![],
                running_tasks: vec![],
            }))
        }
        // obshell: a two-zone cluster on 10.0.1.x; any address asked about is a SINGLE agent
        // of the same versions.
        DataRequest::AgentCluster => DataResponse::AgentCluster(Ok(AgentCluster {
            name: "obshell-sim".into(),
            ob_version: "4.3.5.2".into(),
            zones: (1..=2)
                .map(|i| AgentZone {
                    name: format!("zone{i}"),
                    servers: vec![AgentServer {
                        ip: format!("10.0.1.{i}"),
                        rpc_port: 2882,
                        sql_port: 2881,
                        status: "ACTIVE".into(),
                    }],
                })
                .collect(),
        })),
        DataRequest::Agents => {
            let agent = |i: u8| AgentBrief {
                ip: format!("10.0.1.{i}"),
                port: 2886,
                identity: "CLUSTER AGENT".into(),
                version: "4.5.0.0-20260508".into(),
                ob_version: "4.3.5.2".into(),
                zone: format!("zone{i}"),
            };
            DataResponse::Agents(Ok(AgentsView {
                receiver: agent(1),
                members: vec![agent(1), agent(2)],
                ob_version: "4.3.5.2".into(),
            }))
        }
        DataRequest::AgentInfo { ip, port } => DataResponse::AgentInfo {
            ip: ip.clone(),
            port: *port,
            result: Ok(AgentBrief {
                ip: ip.clone(),
                port: *port,
                identity: "SINGLE".into(),
                version: "4.5.0.0-20260508".into(),
                ob_version: "4.3.5.2".into(),
                zone: String::new(),
            }),
        },
    }
}

/// Answer every `NeedData` in `effects`; return the other effects.
pub fn serve(w: &mut Wizard, effects: Vec<WizardEffect>) -> Vec<WizardEffect> {
    let mut rest = Vec::new();
    for e in effects {
        match e {
            WizardEffect::NeedData(r) => rest.extend(w.on_data(answer(&r))),
            other => rest.push(other),
        }
    }
    rest
}

pub fn open(kind: WizardKind, ctx: WizardContext) -> Wizard {
    let (mut w, effects) = Wizard::open(kind, ctx, false).expect("opens");
    let rest = serve(&mut w, effects);
    assert!(rest.is_empty(), "{rest:?}");
    w
}

pub fn upgrade_ctx(ocp: Option<&str>) -> WizardContext {
    WizardContext {
        ocp_version: ocp.map(Into::into),
        cluster: Some((7, "terran".into())),
        proxy_cluster_id: None,
        ..Default::default()
    }
}

pub fn submits(e: &[WizardEffect]) -> usize {
    e.iter()
        .filter(|e| matches!(e, WizardEffect::Submit(_)))
        .count()
}

/// Render at `w`×`h` and return the screen as lines of text.
/// The form window's height goes back into the wizard, as the runtime does after a frame.
pub fn render(wz: &mut Wizard, width: u16, height: u16, theme: &Theme) -> Vec<String> {
    let (lines, rows) = draw_lines(wz, width, height, theme);
    if let Some(r) = rows {
        wz.viewport = r;
    }
    lines
}

/// The screen as lines, and the form window's height.
fn draw_lines(wz: &Wizard, width: u16, height: u16, theme: &Theme) -> (Vec<String>, Option<usize>) {
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let mut rows = None;
    term.draw(|f| {
        rows = obtui::ui::wizard::draw(
            f,
            f.area(),
            wz,
            theme,
            obtui::app::actions::Keymap::shared_defaults(),
        )
    })
    .expect("draw");
    let buf = term.backend().buffer().clone();
    let lines = (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect();
    (lines, rows)
}

/// The screen at 80x24 (the wizard itself is not changed).
pub fn screen(wz: &Wizard) -> String {
    draw_lines(wz, 80, 24, &Theme::builtin_default())
        .0
        .join("\n")
}

/// A create-cluster wizard filled in by keys up to (not into) the precheck step.
pub fn filled_create() -> Wizard {
    use crossterm::event::KeyCode::*;
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    typ(&mut w, "zerg");
    focus_on(&mut w, "package");
    enter(&mut w); // open the list
    typ(&mut w, "4.2.2"); // filter
    enter(&mut w);
    focus_on(&mut w, "password");
    typ(&mut w, PW);
    tab(&mut w);
    typ(&mut w, PW);
    assert!(w.step_errors(0).is_empty(), "{:?}", w.step_errors(0));
    press(&mut w, &[ctrl('n')]);
    assert_eq!(w.step, 1);
    // The zones group: header, then zone 1's fields.
    press(&mut w, &[key(Down)]);
    assert_eq!(focused_id(&w), "zone_name");
    typ(&mut w, "z1");
    tab(&mut w);
    enter(&mut w);
    typ(&mut w, "hz1");
    enter(&mut w);
    tab(&mut w);
    enter(&mut w);
    press(&mut w, &[key(Char(' ')), key(Enter)]); // tick 10.0.0.1
    assert!(w.step_errors(1).is_empty(), "{:?}", w.step_errors(1));
    w
}

/// Give every visible required field of the current step a valid value, then go on.
pub fn fill_step(w: &mut Wizard) {
    use obtui::app::wizard::{FieldKind, Rule, Value};
    use obtui_api::secret::Secret;
    for (p, _) in w.step_errors(w.step) {
        let Some(f) = w.at(p) else { continue };
        let v = match &f.kind {
            FieldKind::Password { .. } => Value::Secret(Secret::new(PW)),
            FieldKind::Select { options, .. } => Value::One(
                options
                    .as_ref()
                    .and_then(|o| o.first())
                    .map(|c| c.value.clone()),
            ),
            FieldKind::MultiSelect { options, .. } => Value::Many(
                options
                    .iter()
                    .flatten()
                    .take(1)
                    .map(|c| c.value.clone())
                    .collect(),
            ),
            FieldKind::Port => Value::Text("2883".into()),
            FieldKind::Number { .. } => Value::Text("1".into()),
            _ => Value::Text(match f.rule {
                Rule::Address => "10.0.0.1".into(),
                Rule::PublishPorts => "2881:2881".into(),
                _ => "abc".into(),
            }),
        };
        let id = f.id;
        match p.item {
            None => w.set_named(id, v),
            Some((i, _)) => {
                let group = w.fields[p.top].id;
                w.set_in_named(group, i, id, v);
            }
        }
    }
    let e = press(w, &[ctrl('n')]);
    serve(w, e);
}

/// Fill every form step and stop at the precheck step.
pub fn fill_forms(w: &mut Wizard) {
    use obtui::app::wizard::StepKind;
    for _ in 0..w.steps.len() {
        if !matches!(w.current_step().kind, StepKind::Form(_)) {
            return;
        }
        fill_step(w);
    }
}
