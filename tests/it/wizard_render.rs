//! Drawing wizards into a TestBackend: secrets never on screen, the focused field visible at
//! 80x24, precheck glyphs readable without colour, dialogs and states.

use crate::wizard_common;

use crossterm::event::KeyCode::*;
use obtui::app::wizard::*;
use obtui::config::theme::{Theme, BUILTIN};
use obtui_api::secret::Secret;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use wizard_common::*;

fn mono() -> Theme {
    Theme::parse(BUILTIN[2].1).unwrap()
}

/// The screen line holding the focus marker.
fn focus_line(lines: &[String]) -> Option<&String> {
    lines.iter().find(|l| l.contains('▶'))
}

fn assert_focus_visible(w: &mut Wizard, width: u16, height: u16) {
    let lines = render(w, width, height, &Theme::builtin_default());
    let label = w.focused().map(|f| f.label).unwrap_or("");
    let line = focus_line(&lines)
        .unwrap_or_else(|| panic!("no focused row on screen:\n{}", lines.join("\n")));
    assert!(
        line.contains(label),
        "focused {label:?} not on its row {line:?}:\n{}",
        lines.join("\n")
    );
}

#[test]
fn passwords_never_reach_the_screen() {
    let mut w = filled_create();
    // Masked in the form.
    press(&mut w, &[ctrl('p')]);
    focus_on(&mut w, "password");
    let text = screen(&w);
    assert!(!text.contains(PW), "{text}");
    assert!(text.contains(&"•".repeat(PW.len())), "{text}");
    // Masked in the summary, with the JSON and the path shown.
    press(&mut w, &[ctrl('n')]);
    let e = press(&mut w, &[ctrl('n')]);
    assert_eq!(w.step, 2);
    serve(&mut w, e);
    enter(&mut w);
    assert_eq!(w.step, 3);
    let text = screen(&w);
    assert!(text.contains("POST /api/v2/ob/clusters"), "{text}");
    assert!(text.contains("\"password\": \"******\""), "{text}");
    assert!(!text.contains(PW), "{text}");
    // And in the confirmation and in-flight screens.
    enter(&mut w);
    let text = screen(&w);
    assert!(
        text.contains("[ Cancel ]") && text.contains("[ Submit ]"),
        "{text}"
    );
    assert!(!text.contains(PW));
    w.handle_key(key(Tab));
    enter(&mut w);
    let text = screen(&w);
    assert!(text.contains("submitting"), "{text}");
    assert!(!text.contains(PW));
}

#[test]
fn reveal_while_held() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    focus_on(&mut w, "password");
    typ(&mut w, PW);
    assert!(!screen(&w).contains(PW));
    w.handle_key(ctrl('r'));
    assert!(screen(&w).contains(PW), "shown while held");
    w.handle_key(release(ctrl('r')));
    assert!(!screen(&w).contains(PW), "hidden on release");
    // Terminals without release events: the next key hides it.
    w.handle_key(ctrl('r'));
    w.handle_key(key(Tab));
    assert!(!screen(&w).contains(PW));
}

#[test]
fn every_step_of_every_wizard_shows_the_focused_field_at_80x24() {
    for kind in WizardKind::ALL {
        let ctx = WizardContext {
            ocp_version: Some("4.3.1".into()),
            cluster: Some((7, "terran".into())),
            proxy_cluster_id: Some(5),
            ..Default::default()
        };
        let mut w = open(kind, ctx);
        // Turn on every conditional field, so the forms are as long as they get.
        if kind == WizardKind::TakeoverCluster {
            w.set_named("mode", Value::One(Some("proxy".into())));
            w.set_named("standby", Value::Bool(true));
            w.set_named("new_hosts", Value::Bool(true));
            w.set_named("host_kind", Value::One(Some("DEDICATED_CONTAINER".into())));
        }
        for step in 0..w.steps.len() {
            if !matches!(w.steps[step].kind, StepKind::Form(_)) {
                continue;
            }
            while w.step < step {
                press(&mut w, &[ctrl('n')]);
                if w.step < step {
                    // Fill whatever blocks the step, then go on.
                    fill_step(&mut w);
                }
            }
            // Walk every field, top to bottom and back.
            let n = w.layout().iter().filter(|r| r.focusable()).count();
            for _ in 0..n {
                assert_focus_visible(&mut w, 80, 24);
                assert_focus_visible(&mut w, 80, 20);
                tab(&mut w);
            }
            for _ in 0..n {
                w.handle_key(key(BackTab));
                assert_focus_visible(&mut w, 80, 24);
            }
        }
    }
}

#[test]
fn many_zones_scroll_and_the_focus_stays_on_screen() {
    let mut w = filled_create();
    for i in 1..7 {
        w.set_in_named("zones", i, "zone_name", Value::Text(format!("z{}", i + 1)));
    }
    assert_eq!(w.items_named("zones").len(), 7);
    // Down through every row of every zone: each step keeps the focused row on screen.
    press(&mut w, &[key(Up), key(Up), key(Up)]);
    for _ in 0..30 {
        assert_focus_visible(&mut w, 80, 24);
        w.handle_key(key(Down));
    }
    assert_eq!(focused_id(&w), "primary_zone");
    let lines = render(&mut w, 80, 24, &Theme::builtin_default());
    assert!(
        lines.iter().any(|l| l.contains('↑')),
        "a mark says rows are hidden above"
    );
}

#[test]
fn errors_show_under_the_field_in_the_error_colour() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    typ(&mut w, "9lives");
    let theme = Theme::builtin_default();
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| {
        obtui::ui::wizard::draw(
            f,
            f.area(),
            &w,
            &theme,
            obtui::app::actions::Keymap::shared_defaults(),
        );
    })
    .unwrap();
    let buf = term.backend().buffer().clone();
    let (mut row, mut col) = (None, None);
    for y in 0..24u16 {
        let line: String = (0..80u16)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if line.contains("✖ must start with a letter") {
            row = Some(y);
            col = (0..80u16).find(|x| buf[(*x, y)].symbol() == "✖");
        }
    }
    let (y, x) = (
        row.expect("error line"),
        col.unwrap_or_else(|| panic!("error glyph:\n{}", screen(&w))),
    );
    assert_eq!(buf[(x, y)].fg, theme.error);
    let above: String = (0..80u16)
        .map(|x| buf[(x, y - 1)].symbol().to_string())
        .collect();
    assert!(
        above.contains("Cluster name"),
        "the error sits under its field: {above}"
    );
}

#[test]
fn precheck_table_reads_in_mono() {
    let mut w = filled_create();
    let e = press(&mut w, &[ctrl('n')]);
    for eff in e {
        if let WizardEffect::NeedData(r) = eff {
            let resp = match r {
                data::DataRequest::Hosts => {
                    data::DataResponse::Hosts(Ok(vec![host(1, "OFFLINE", "hz1")]))
                }
                other => answer(&other),
            };
            w.on_data(resp);
        }
    }
    for theme in [Theme::builtin_default(), mono()] {
        let text = render(&mut w, 80, 24, &theme).join("\n");
        assert!(
            text.contains("computed from API data — OCP has no precheck for this operation"),
            "{text}"
        );
        assert!(text.contains("✔ PASS") && text.contains("✖ FAIL"), "{text}");
        assert!(
            text.contains("status is OFFLINE") && text.contains("fix:"),
            "{text}"
        );
        assert!(text.contains("refused"), "{text}");
    }
}

#[test]
fn precheck_from_the_api_says_so() {
    let mut w = open(WizardKind::TakeoverCluster, WizardContext::default());
    w.set_named("address", Value::Text("10.0.0.9".into()));
    w.set_named("root_password", Value::Secret(Secret::new("Root-pw-1")));
    press(&mut w, &[ctrl('n'), ctrl('n')]);
    let text = screen(&w);
    assert!(
        text.contains("takeOverPreCheck") && text.contains("running"),
        "{text}"
    );
    w.on_precheck(Ok(vec![PrecheckItem::warn(
        "OCP precheck message",
        "ntp offset 40ms",
        "watch it",
    )]));
    let text = screen(&w);
    assert!(
        text.contains("▲ WARN") && text.contains("ntp offset"),
        "{text}"
    );
    assert!(!text.contains("Root-pw-1"));
}

#[test]
fn a_precheck_failing_with_a_server_error_shows_its_trace_id() {
    let mut w = open(WizardKind::TakeoverCluster, WizardContext::default());
    w.set_named("address", Value::Text("10.0.0.9".into()));
    w.set_named("root_password", Value::Secret(Secret::new("Root-pw-1")));
    press(&mut w, &[ctrl('n'), ctrl('n')]);
    let err = obtui_api::ApiError::Server {
        status: 502,
        code: None,
        message: "bad gateway".into(),
        trace_id: Some("abc123".into()),
        retry_after_secs: None,
        envelope: true,
    };
    w.on_precheck(Err(err.into()));
    let text = screen(&w);
    assert!(
        text.contains("HTTP 502") && text.contains("traceId abc123"),
        "{text}"
    );
}

#[test]
fn select_list_filters_as_you_type() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    focus_on(&mut w, "package");
    typ(&mut w, "4.2.2"); // typing on a select opens its list with the filter
    let text = screen(&w);
    assert!(
        text.contains("filter: 4.2.2") && text.contains("(1 of 2)"),
        "{text}"
    );
    assert!(text.contains("oceanbase-4.2.2.0"), "{text}");
    assert!(!text.contains("oceanbase-4.2.1.2"), "{text}");
    w.handle_key(key(Enter));
    assert_eq!(
        w.choice_named("package"),
        Some("oceanbase-4.2.2.0-100000102024010415.el7.x86_64.rpm")
    );
}

#[test]
fn upgrade_confirmation_asks_for_the_name() {
    let mut w = open(WizardKind::UpgradeCluster, upgrade_ctx(None));
    enter(&mut w);
    enter(&mut w);
    let e = press(&mut w, &[ctrl('n')]);
    serve(&mut w, e);
    enter(&mut w);
    enter(&mut w);
    typ(&mut w, "ter");
    let text = screen(&w);
    assert!(
        text.contains("Type the cluster name (terran) to confirm") && text.contains("> ter"),
        "{text}"
    );
}

#[test]
fn discard_dialog_and_tiny_areas() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    typ(&mut w, "abc");
    w.handle_key(key(Esc));
    let text = screen(&w);
    assert!(text.contains("Discard this form?"), "{text}");
    // Very small areas draw without panicking.
    for (wd, ht) in [(1, 1), (10, 3), (20, 5), (30, 8)] {
        render(&mut w, wd, ht, &Theme::builtin_default());
    }
}

#[test]
fn long_summaries_scroll_with_marks() {
    let mut w = filled_create();
    let e = press(&mut w, &[ctrl('n')]);
    serve(&mut w, e);
    enter(&mut w);
    assert_eq!(w.step, 3);
    let text = screen(&w);
    assert!(
        text.contains("↓ more") && !text.contains("↑ more"),
        "{text}"
    );
    for _ in 0..40 {
        w.handle_key(key(Down));
    }
    let text = screen(&w);
    assert!(text.contains("↑ more") && text.contains('}'), "{text}");
}

#[test]
fn rows_cut_by_the_window_edge_draw_at_every_height() {
    // Seven zones with every field in error: rows are two lines tall, so the window's top edge
    // often falls between a field and its error line.
    let mut w = filled_create();
    for i in 1..7 {
        w.set_in_named("zones", i, "zone_name", Value::Text(String::new()));
    }
    press(&mut w, &[ctrl('n')]); // refused: marks every field touched, errors show
    assert_eq!(w.step, 1);
    for h in 8..=24u16 {
        press(&mut w, &[key(Up); 40]);
        for _ in 0..40 {
            let lines = render(&mut w, 80, h, &Theme::builtin_default());
            let label = w.focused().map(|f| f.label).unwrap_or("");
            let line = focus_line(&lines)
                .unwrap_or_else(|| panic!("h={h}: no focus\n{}", lines.join("\n")));
            assert!(line.contains(label), "h={h}: {line}");
            w.handle_key(key(Down));
        }
    }
}

/// Every wizard names what it acts on and where the request goes: in its title on every step
/// (form, precheck, summary) and in the submit confirmation.
#[test]
fn every_wizard_names_its_target_and_server_from_first_step_to_confirmation() {
    let ocp = "OCP at 10.9.9.9:8080";
    let agent = "the obshell agent at 10.0.0.5:2886";
    for kind in WizardKind::ALL {
        let ctx = WizardContext {
            cluster: (kind == WizardKind::UpgradeCluster).then(|| (7, "terran".to_string())),
            proxy_cluster_id: Some(5),
            server: "http://10.9.9.9:8080".into(),
            agent: Some("http://10.0.0.5:2886/".into()),
            ..Default::default()
        };
        let mut w = open(kind, ctx);
        let (title, question) = match kind {
            WizardKind::CreateCluster => {
                let t = render(&mut w, 120, 30, &Theme::builtin_default())[0].clone();
                assert!(
                    t.contains("Create cluster (name not set yet) · OCP at"),
                    "{t}"
                );
                typ(&mut w, "zerg");
                (
                    format!("Create cluster zerg · {ocp}"),
                    format!("Send this request to {ocp} for new cluster zerg?"),
                )
            }
            WizardKind::TakeoverCluster => {
                w.set_named("address", Value::Text("10.0.0.1".into()));
                (
                    format!("Take over cluster at 10.0.0.1:2881 · {ocp}"),
                    format!("Send this request to {ocp} for cluster at 10.0.0.1:2881?"),
                )
            }
            WizardKind::UpgradeCluster => (
                format!("Upgrade cluster terran · {ocp}"),
                format!("Send this request to {ocp} for cluster terran?"),
            ),
            WizardKind::TakeoverProxy => (
                format!("Take over OBProxy px · {ocp}"),
                format!("Send this request to {ocp} for OBProxy cluster px?"),
            ),
            // The agent's own cluster, as it answered.
            WizardKind::ScaleOut => (
                format!("Scale out cluster obshell-sim · {agent}"),
                format!("Send this request to {agent} for cluster obshell-sim?"),
            ),
        };
        for step in 0..w.steps.len() {
            w.step = step;
            let lines = render(&mut w, 140, 30, &Theme::builtin_default());
            assert!(
                lines[0].contains(&title),
                "{kind:?} step {step}: {title:?} not in the title\n{}",
                lines.join("\n")
            );
        }
        w.step = w.steps.len() - 1;
        w.confirm = Some(Confirm {
            submit_focused: false,
            expected: None,
            typed: String::new(),
        });
        let text = render(&mut w, 140, 40, &Theme::builtin_default()).join("\n");
        let flat: String = text
            .lines()
            .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            flat.contains(&question),
            "{kind:?}: {question:?} not in the confirmation\n{text}"
        );
        assert!(!text.contains("Send this request to OCP?"), "{text}");
    }
}

/// `:scale-out NAME` names a cluster; the request goes to the session's agent whatever name
/// was typed, so a name that is not the agent's cluster fails the precheck and says whose it is.
#[test]
fn scale_out_of_a_named_cluster_checks_the_agent_manages_it() {
    let names = |cluster: &str| {
        let ctx = WizardContext {
            cluster: Some((3, cluster.to_string())),
            agent: Some("http://10.0.0.5:2886".into()),
            ..Default::default()
        };
        let w = open(WizardKind::ScaleOut, ctx);
        assert!(w
            .title()
            .starts_with(&format!("Scale out cluster {cluster} · ")));
        spec_for(WizardKind::ScaleOut)
            .computed_precheck(&w)
            .into_iter()
            .find(|i| i.name == "agent's cluster")
            .expect("the check is there")
    };
    let bad = names("zerg");
    assert_eq!(bad.result, CheckResult::Fail);
    assert!(
        bad.reason
            .contains("10.0.0.5:2886 manages cluster obshell-sim, not zerg"),
        "{bad:?}"
    );
    assert_eq!(names("obshell-sim").result, CheckResult::Pass);
}
