//! Random keys, pastes and answers against every wizard: nothing panics, drawing included, and
//! a submit is never sent while another is unanswered.

use crate::wizard_common;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use obtui::app::wizard::*;
use obtui::config::Theme;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use wizard_common::*;

fn random_key(rng: &mut SmallRng) -> KeyEvent {
    const CHARS: &[char] = &[
        'a', 'Z', '1', '_', '-', ' ', 'r', 'y', 'n', 's', 'b', '集', '\u{7}', '.', ':', ',',
    ];
    let code = match rng.gen_range(0..26) {
        0 => KeyCode::Tab,
        1 => KeyCode::BackTab,
        2..=5 => KeyCode::Enter,
        6 if rng.gen_ratio(1, 3) => KeyCode::Esc,
        7 => KeyCode::Up,
        8 => KeyCode::Down,
        24 => KeyCode::Left,
        25 => KeyCode::Right,
        9 => KeyCode::Backspace,
        10 => KeyCode::Delete,
        11 => KeyCode::Home,
        12 => KeyCode::End,
        13 => KeyCode::PageDown,
        _ => KeyCode::Char(CHARS[rng.gen_range(0..CHARS.len())]),
    };
    let modifiers = if rng.gen_ratio(1, 8) {
        KeyModifiers::CONTROL
    } else if matches!(code, KeyCode::Char(_)) && rng.gen_ratio(1, 20) {
        KeyModifiers::ALT
    } else {
        KeyModifiers::NONE
    };
    let kind = if rng.gen_ratio(1, 15) {
        KeyEventKind::Release
    } else {
        KeyEventKind::Press
    };
    KeyEvent {
        code,
        modifiers,
        kind,
        state: KeyEventState::NONE,
    }
}

#[test]
fn random_input_never_panics_and_never_double_submits() {
    let theme = Theme::builtin_default();
    for (seed, kind) in WizardKind::ALL.into_iter().enumerate() {
        let mut rng = SmallRng::seed_from_u64(0x0b7 + seed as u64);
        let ctx = WizardContext {
            ocp_version: Some("4.3.0".into()),
            // A scale-out acts on its agent's cluster (a named other one fails its precheck).
            cluster: (kind != WizardKind::ScaleOut).then(|| (7, "terran".into())),
            proxy_cluster_id: Some(5),
            ..Default::default()
        };
        // Start from a filled form at the precheck, so random keys reach the later steps too.
        let start = |ctx: &WizardContext| {
            let mut w = open(kind, ctx.clone());
            fill_forms(&mut w);
            // The take-over precheck is OCP's: answer it as passed.
            w.on_precheck(Ok(vec![PrecheckItem::pass("OCP take-over precheck", "ok")]));
            w
        };
        let mut w = start(&ctx);
        let mut in_flight = false;
        let mut submits = 0;
        for i in 0..2000 {
            // Random walks wander off into the forms; start over from the filled form often.
            if i % 100 == 0 {
                w = start(&ctx);
                in_flight = false;
            }
            let effects = if rng.gen_ratio(1, 40) {
                let text = ["10.0.0.1\n", "a\nb", "terran", "aaBB11__", "\u{1b}[31m", ""]
                    [rng.gen_range(0..6)];
                w.handle_paste(text);
                Vec::new()
            } else {
                w.handle_key(random_key(&mut rng))
            };
            for e in effects {
                match e {
                    WizardEffect::NeedData(r) => {
                        let resp = if rng.gen_ratio(1, 10) {
                            failed(&r)
                        } else {
                            answer(&r)
                        };
                        w.on_data(resp);
                    }
                    WizardEffect::RunPrecheck(_) => {
                        let r = match rng.gen_range(0..3) {
                            0 => Err("HTTP 500: boom".into()),
                            1 => Ok(vec![PrecheckItem::fail("x", "y", "z")]),
                            _ => Ok(vec![PrecheckItem::pass("x", "y")]),
                        };
                        w.on_precheck(r);
                    }
                    WizardEffect::Submit(_) => {
                        assert!(
                            !in_flight,
                            "{kind:?} step {i}: a second submit while one is unanswered"
                        );
                        in_flight = true;
                        submits += 1;
                    }
                    // A look-up after an unknown outcome (`r`): nothing found, still unknown.
                    WizardEffect::FindTask(..) => {
                        w.on_submit_unknown_found(None);
                    }
                    WizardEffect::App(_) => {}
                    WizardEffect::Close
                    | WizardEffect::OpenTask(_)
                    | WizardEffect::OpenTaskGroup(_) => {
                        w = start(&ctx);
                        in_flight = false;
                    }
                }
            }
            if in_flight && rng.gen_ratio(1, 5) {
                in_flight = false;
                let effects = match rng.gen_range(0..3) {
                    0 => w.on_submit(SubmitOutcome::Ok("1".into())),
                    1 => w.on_submit(SubmitOutcome::Err(SubmitError {
                        status: Some(400),
                        message: "no".into(),
                        ..Default::default()
                    })),
                    _ => {
                        w.on_submit(SubmitOutcome::Unknown);
                        w.on_submit_unknown_found(rng.gen_ratio(1, 2).then(|| "2".to_string()))
                    }
                };
                if effects.iter().any(|e| matches!(e, WizardEffect::Close)) {
                    w = start(&ctx);
                }
            }
            if i % 10 == 0 {
                let (wd, ht) = [(80, 24), (60, 12), (120, 40), (24, 6)][rng.gen_range(0..4)];
                render(&mut w, wd, ht, &theme);
            }
        }
        // Upgrade also wants the cluster name typed, which random keys rarely manage.
        if kind != WizardKind::UpgradeCluster {
            assert!(
                submits > 0,
                "{kind:?}: the random walk never reached a submit"
            );
        }
    }
}

fn failed(r: &data::DataRequest) -> data::DataResponse {
    use data::{DataRequest as Q, DataResponse as A};
    fn e<T>() -> Result<T, obtui::model::wizard::WizardError> {
        Err("HTTP 503: unavailable".into())
    }
    match r {
        Q::Packages => A::Packages(e()),
        Q::Idcs => A::Idcs(e()),
        Q::Hosts => A::Hosts(e()),
        Q::HostTypes => A::HostTypes(e()),
        Q::Credentials => A::Credentials(e()),
        Q::Clusters => A::Clusters(e()),
        Q::ProxyClusters => A::ProxyClusters(e()),
        Q::ClusterDetail { .. } => A::ClusterDetail(e()),
        Q::AgentCluster => A::AgentCluster(e()),
        Q::Agents => A::Agents(e()),
        Q::AgentInfo { ip, port } => A::AgentInfo {
            ip: ip.clone(),
            port: *port,
            result: e(),
        },
    }
}
