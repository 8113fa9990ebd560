//! The wizard framework driven by keys, as the app drives it: validation, conditional fields,
//! discard, precheck gate, submit-once, errors, secrets.

use crate::wizard_common;

use crossterm::event::KeyCode::*;
use obtui::app::wizard::*;
use obtui::model::wizard::data::{DataRequest, DataResponse};
use obtui::model::wizard::request::MASK;
use wizard_common::*;

#[test]
fn read_only_mode_offers_no_wizard() {
    for k in WizardKind::ALL {
        let err = Wizard::open(k, upgrade_ctx(None), true).unwrap_err();
        assert!(err.contains("read-only"), "{err}");
    }
    assert!(Wizard::open(WizardKind::UpgradeCluster, WizardContext::default(), false).is_err());
}

#[test]
fn commands_name_the_wizards() {
    assert_eq!(
        WizardKind::from_command(":create"),
        Some(WizardKind::CreateCluster)
    );
    assert_eq!(
        WizardKind::from_command("takeover"),
        Some(WizardKind::TakeoverCluster)
    );
    assert_eq!(
        WizardKind::from_command(":upgrade"),
        Some(WizardKind::UpgradeCluster)
    );
    assert_eq!(
        WizardKind::from_command(":proxy-takeover"),
        Some(WizardKind::TakeoverProxy)
    );
    assert_eq!(WizardKind::from_command(":nope"), None);
}

#[test]
fn opening_asks_for_the_data_it_needs() {
    let (_, e) = Wizard::open(WizardKind::CreateCluster, WizardContext::default(), false).unwrap();
    let reqs: Vec<_> = e
        .iter()
        .filter_map(|e| {
            if let WizardEffect::NeedData(r) = e {
                Some(r.clone())
            } else {
                None
            }
        })
        .collect();
    for r in [
        DataRequest::Packages,
        DataRequest::Idcs,
        DataRequest::Hosts,
        DataRequest::Clusters,
    ] {
        assert!(reqs.contains(&r), "{reqs:?}");
    }
    let (_, e) = Wizard::open(WizardKind::UpgradeCluster, upgrade_ctx(None), false).unwrap();
    assert!(e.iter().any(|e| matches!(
        e,
        WizardEffect::NeedData(DataRequest::ClusterDetail { cluster_id: 7 })
    )));
}

#[test]
fn validation_is_inline_and_in_words() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    assert_eq!(focused_id(&w), "name");
    typ(&mut w, "1abc");
    let f = w.field_named("name").unwrap();
    assert!(f.touched);
    assert!(
        f.error
            .as_deref()
            .unwrap()
            .contains("must start with a letter"),
        "{:?}",
        f.error
    );
    press(&mut w, &[key(Home), key(Delete)]);
    assert_eq!(w.text_named("name"), "abc");
    assert_eq!(w.field_named("name").unwrap().error, None);
    press(&mut w, &[key(End), ctrl('u')]);
    typ(&mut w, "terran");
    let e = w.field_named("name").unwrap().error.clone().unwrap();
    assert!(e.contains("already has a cluster named terran"), "{e}");
    press(&mut w, &[ctrl('u')]);
    typ(&mut w, "abc");
    typ(&mut w, "集");
    assert!(w
        .field_named("name")
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("ASCII"));
    press(&mut w, &[key(Backspace)]);
    assert_eq!(w.text_named("name"), "abc");
    assert_eq!(w.field_named("name").unwrap().error, None);
    focus_on(&mut w, "password");
    typ(&mut w, "short");
    assert!(w
        .field_named("password")
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("8–32"));
    press(&mut w, &[ctrl('u')]);
    typ(&mut w, PW);
    assert_eq!(w.field_named("password").unwrap().error, None);
    tab(&mut w);
    typ(&mut w, "aaBB11__xyZ");
    assert_eq!(
        w.field_named("password2").unwrap().error.as_deref(),
        Some("passwords differ")
    );
}

#[test]
fn a_step_with_errors_does_not_advance_and_focuses_the_first() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    typ(&mut w, "ok_name");
    press(&mut w, &[ctrl('n')]);
    assert_eq!(w.step, 0);
    assert_eq!(focused_id(&w), "package");
    assert!(w.notice.as_deref().unwrap().contains("to fix"));
    // Untouched fields now show their errors too.
    assert!(w.field_named("password").unwrap().touched);
}

#[test]
fn pasted_newlines_are_stripped_at_the_end_and_refused_inside() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    w.handle_paste("terran2\r\n");
    assert_eq!(w.text_named("name"), "terran2");
    w.handle_paste("x\ny");
    assert_eq!(w.text_named("name"), "terran2");
    assert!(w.notice.as_deref().unwrap().contains("line break"));
    focus_on(&mut w, "password");
    w.handle_paste(&format!("{PW}\n"));
    assert_eq!(w.secret_named("password").unwrap().expose(), PW);
}

#[test]
fn proxy_mode_shows_its_fields_and_hides_them_otherwise() {
    let mut w = open(WizardKind::TakeoverCluster, WizardContext::default());
    let ids = |w: &Wizard| -> Vec<&'static str> {
        w.layout()
            .iter()
            .filter_map(|r| w.at(r.path))
            .map(|f| f.id)
            .collect()
    };
    // The proxyro password is for both modes (OCP takes it with a direct connection too).
    assert!(ids(&w).contains(&"proxyro_password"));
    assert!(!ids(&w).contains(&"cluster_name"));
    assert_eq!(focused_id(&w), "mode");
    enter(&mut w);
    typ(&mut w, "proxy");
    enter(&mut w);
    assert_eq!(w.choice_named("mode"), Some("proxy"));
    let v = ids(&w);
    assert!(
        v.contains(&"proxyro_password") && v.contains(&"cluster_name") && v.contains(&"standby"),
        "{v:?}"
    );
    assert!(!v.contains(&"ob_cluster_id"));
    focus_on(&mut w, "standby");
    press(&mut w, &[key(Char(' '))]);
    assert!(ids(&w).contains(&"ob_cluster_id"));
    // Back to direct: all of them go away, and their values are not sent.
    w.set_named("mode", Value::One(Some("direct".into())));
    let v = ids(&w);
    assert!(
        v.contains(&"proxyro_password")
            && !v.contains(&"ob_cluster_id")
            && !v.contains(&"cluster_name")
    );
    // Hidden fields never block a step.
    w.set_named("address", Value::Text("10.0.0.1".into()));
    w.set_named(
        "root_password",
        Value::Secret(obtui_api::secret::Secret::new("x")),
    );
    assert!(w.step_errors(0).is_empty(), "{:?}", w.step_errors(0));
}

#[test]
fn esc_on_a_filled_form_asks_first() {
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    // Empty: Esc closes at once.
    assert!(matches!(
        w.handle_key(key(Esc)).as_slice(),
        [WizardEffect::Close]
    ));
    let mut w = open(WizardKind::CreateCluster, WizardContext::default());
    typ(&mut w, "abc");
    focus_on(&mut w, "password");
    typ(&mut w, PW);
    assert!(w.handle_key(key(Esc)).is_empty());
    assert!(w.discard_prompt);
    // Default is keep editing.
    assert!(enter(&mut w).is_empty());
    assert!(!w.discard_prompt);
    assert_eq!(w.text_named("name"), "abc");
    w.handle_key(key(Esc));
    let e = w.handle_key(key(Char('y')));
    assert!(matches!(e.as_slice(), [WizardEffect::Close]));
    assert!(
        w.secret_named("password").unwrap().is_empty(),
        "secret wiped on discard"
    );
}

#[test]
fn the_precheck_gate_and_exactly_one_submit() {
    let mut w = filled_create();
    // Leave the zones step: the precheck asks for fresh data and runs when it has it.
    let e = enter(&mut w); // Enter on hosts opens the list; Tab to the last field first
    assert!(e.is_empty());
    w.handle_key(key(Esc)); // close the list
    focus_on(&mut w, "primary_zone");
    let e = enter(&mut w);
    assert!(w.popup.is_some(), "Enter on a select opens its list");
    w.handle_key(key(Esc));
    let e2 = press(&mut w, &[ctrl('n')]);
    assert!(e.is_empty());
    assert_eq!(w.step, 2);
    assert_eq!(w.precheck.state, PrecheckState::Running);
    assert!(e2.iter().all(|e| matches!(e, WizardEffect::NeedData(_))) && !e2.is_empty());
    // Hosts changed meanwhile: host 1 is now NEW, so a check FAILs.
    for eff in e2 {
        if let WizardEffect::NeedData(r) = eff {
            let resp = match r {
                DataRequest::Hosts => DataResponse::Hosts(Ok(vec![host(1, "NEW", "hz1")])),
                other => answer(&other),
            };
            w.on_data(resp);
        }
    }
    assert_eq!(w.precheck.state, PrecheckState::Done);
    assert_eq!(w.precheck.source, PrecheckSource::Computed);
    assert!(w.precheck.fails() >= 1, "{:?}", w.precheck.items);
    // Submit is refused while any FAIL.
    assert!(enter(&mut w).is_empty());
    assert_eq!(w.step, 2);
    assert!(
        w.notice.as_deref().unwrap().contains("refused"),
        "{:?}",
        w.notice
    );
    // The host comes ONLINE; r re-runs.
    let e = w.handle_key(key(Char('r')));
    serve(&mut w, e);
    assert_eq!(w.precheck.fails(), 0, "{:?}", w.precheck.items);
    assert!(enter(&mut w).is_empty());
    assert_eq!(w.step, 3);
    let s = w.summary.clone().unwrap();
    assert_eq!((s.method, s.path.as_str()), ("POST", "/api/v2/ob/clusters"));
    assert!(!s.masked_json.contains(PW));
    assert!(s.masked_json.contains(MASK));
    // The confirmation defaults to Cancel: Enter cancels.
    assert!(enter(&mut w).is_empty());
    assert!(w.confirm.is_some());
    assert!(enter(&mut w).is_empty());
    assert!(w.confirm.is_none());
    // Submit: Enter, Tab to Submit, Enter; then hammer Enter.
    enter(&mut w);
    w.handle_key(key(Tab));
    let mut effects = enter(&mut w);
    for _ in 0..5 {
        effects.extend(enter(&mut w));
        effects.extend(w.handle_key(key(Char('s'))));
    }
    assert_eq!(submits(&effects), 1);
    assert_eq!(w.submit, SubmitState::InFlight);
    let Some(WizardEffect::Submit(req)) = effects
        .into_iter()
        .find(|e| matches!(e, WizardEffect::Submit(_)))
    else {
        unreachable!()
    };
    assert_eq!(req.write.path(), "/api/v2/ob/clusters");
    let OcpWrite::CreateCluster(body) = &req.write else {
        panic!("{req:?}")
    };
    // The wire JSON (the typed body's serialization) carries the password; nothing else does.
    let wire = serde_json::to_value(body).unwrap();
    assert_eq!(wire["password"], PW);
    assert_eq!(wire["name"], "zerg");
    assert_eq!(wire["type"], "PRIMARY");
    assert_eq!(
        wire["rpmName"],
        "oceanbase-4.2.2.0-100000102024010415.el7.x86_64.rpm"
    );
    assert_eq!(
        wire["zones"],
        serde_json::json!([{"name":"z1","idcName":"hz1","servers":[1]}])
    );
    assert_eq!(wire["primaryZone"], "");
    assert!(!format!("{req:?}").contains(PW));
    assert!(
        !format!("{w:?}").contains(PW),
        "the wizard's Debug masks secrets"
    );
    // Success: open the task, close, wipe.
    let e = w.on_submit(SubmitOutcome::Ok("108088".into()));
    assert!(
        matches!(e.as_slice(), [WizardEffect::OpenTask(id), WizardEffect::Close] if id == "108088")
    );
    assert!(w.secret_named("password").unwrap().is_empty());
    assert!(w.secret_named("password2").unwrap().is_empty());
    // A late duplicate answer does nothing.
    assert!(w.on_submit(SubmitOutcome::Ok("1".into())).is_empty());
}

fn at_summary() -> Wizard {
    let mut w = filled_create();
    let e = press(&mut w, &[ctrl('n')]);
    serve(&mut w, e);
    assert_eq!(w.precheck.fails(), 0, "{:?}", w.precheck.items);
    enter(&mut w);
    assert_eq!(w.step, 3);
    w
}

fn confirm_submit(w: &mut Wizard) -> Vec<WizardEffect> {
    enter(w);
    w.handle_key(key(Tab));
    enter(w)
}

#[test]
fn an_api_error_keeps_every_field_and_shows_status_message_trace() {
    let mut w = at_summary();
    assert_eq!(submits(&confirm_submit(&mut w)), 1);
    let err = SubmitError {
        status: Some(400),
        code: Some("10001".into()),
        message: "zone z1: host busy".into(),
        trace_id: Some("ec3bd39a90c748d4".into()),
    };
    assert!(w.on_submit(SubmitOutcome::Err(err.clone())).is_empty());
    assert_eq!(w.submit, SubmitState::Failed(err));
    assert_eq!(w.text_named("name"), "zerg");
    assert_eq!(w.secret_named("password").unwrap().expose(), PW);
    assert_eq!(w.secret_named("password2").unwrap().expose(), PW);
    assert_eq!(w.items_named("zones")[0][0].text_value(), "z1");
    let text = screen(&w);
    assert!(
        text.contains("HTTP 400")
            && text.contains("ec3bd39a90c748d4")
            && text.contains("host busy"),
        "{text}"
    );
    // It may be sent again, once.
    let e = confirm_submit(&mut w);
    assert_eq!(submits(&e), 1);
    assert!(enter(&mut w).is_empty());
}

#[test]
fn a_timeout_looks_for_the_task_before_anything_is_resent() {
    let mut w = at_summary();
    confirm_submit(&mut w);
    // Unknown: the wizard asks for the look-up, never for a second submit.
    let e = w.on_submit(SubmitOutcome::Unknown);
    assert!(
        matches!(e.as_slice(), [WizardEffect::FindTask(..)]),
        "{e:?}"
    );
    assert_eq!(w.submit, SubmitState::Searching);
    // Keys do nothing while looking.
    assert_eq!(submits(&confirm_submit(&mut w)), 0);
    let e = w.on_submit_unknown_found(Some("42".into()));
    assert!(
        matches!(e.as_slice(), [WizardEffect::OpenTask(id), WizardEffect::Close] if id == "42")
    );
    assert!(w.secret_named("password").unwrap().is_empty());

    let mut w = at_summary();
    confirm_submit(&mut w);
    let e = w.on_submit(SubmitOutcome::Unknown);
    assert!(
        matches!(e.as_slice(), [WizardEffect::FindTask(l, _)] if l.cluster_name.as_deref() == Some("zerg")),
        "{e:?}"
    );
    assert!(w
        .on_lookup(obtui::app::wizard::LookupReport {
            task: None,
            checked: vec!["task #7 Create primary OB cluster: its cluster is wt2, not zerg".into()],
        })
        .is_empty());
    assert!(
        matches!(&w.submit, SubmitState::Unknown(c) if c.len() == 1),
        "{:?}",
        w.submit
    );
    // Every field is kept, and the screen says what was checked.
    assert_eq!(w.text_named("name"), "zerg");
    assert_eq!(w.secret_named("password").unwrap().expose(), PW);
    let text = screen(&w);
    assert!(
        text.contains("outcome unknown") && text.contains("wt2"),
        "{text}"
    );
    // Enter never sends a second write; `r` looks again (and only looks).
    assert_eq!(submits(&confirm_submit(&mut w)), 0);
    let e = w.handle_key(key(Char('r')));
    assert!(
        matches!(e.as_slice(), [WizardEffect::FindTask(..)]),
        "{e:?}"
    );
    assert_eq!(w.submit, SubmitState::Searching);
    let e = w.on_lookup(obtui::app::wizard::LookupReport {
        task: Some("9".into()),
        checked: vec![],
    });
    assert!(matches!(e.as_slice(), [WizardEffect::OpenTask(id), WizardEffect::Close] if id == "9"));
}

#[test]
fn editing_after_the_precheck_invalidates_it() {
    let mut w = at_summary();
    // Back to the form, change the name, and the old precheck no longer counts.
    // ← leaves the summary and the precheck; in a form, ← moves the cursor and Ctrl-P goes back.
    press(&mut w, &[key(Left), key(Left)]);
    assert_eq!(w.step, 1);
    press(&mut w, &[key(Left)]);
    assert_eq!(w.step, 1);
    press(&mut w, &[ctrl('p')]);
    assert_eq!(w.step, 0);
    focus_on(&mut w, "name");
    typ(&mut w, "x");
    assert!(!w.precheck_passed());
    let e = press(&mut w, &[ctrl('n'), ctrl('n')]);
    assert_eq!(w.step, 2);
    assert_eq!(w.precheck.state, PrecheckState::Running);
    serve(&mut w, e);
    assert!(w.precheck_passed());
}

#[test]
fn zones_are_a_repeatable_group() {
    let mut w = filled_create();
    // Up to the group header, Enter adds a zone and focuses its first field.
    press(&mut w, &[key(Up), key(Up), key(Up)]);
    assert_eq!(w.focus.item, None);
    assert_eq!(focused_id(&w), "zones");
    enter(&mut w);
    assert_eq!(w.items_named("zones").len(), 2);
    assert_eq!(w.focus.item, Some((1, 0)));
    typ(&mut w, "z1");
    let err = w.items_named("zones")[1][0].error.clone().unwrap();
    assert!(err.contains("already zone 1"), "{err}");
    press(&mut w, &[ctrl('x')]);
    assert_eq!(w.items_named("zones").len(), 1);
    // The last zone cannot be removed.
    assert_eq!(focused_id(&w), "zones");
    press(&mut w, &[key(Down), ctrl('x')]);
    assert!(w.notice.as_deref().unwrap().contains("at least 1"));
    assert_eq!(w.items_named("zones").len(), 1);
}

#[test]
fn takeover_calls_the_api_precheck_and_renders_its_items() {
    let mut w = open(WizardKind::TakeoverCluster, WizardContext::default());
    w.set_named("mode", Value::One(Some("proxy".into())));
    w.set_named("address", Value::Text("10.0.0.9".into()));
    w.set_named("port", Value::Text("2883".into()));
    w.set_named(
        "root_password",
        Value::Secret(obtui_api::secret::Secret::new("root-Secret-1")),
    );
    w.set_named(
        "proxyro_password",
        Value::Secret(obtui_api::secret::Secret::new("proxyro-Secret-2")),
    );
    w.set_named("cluster_name", Value::Text("ob01".into()));
    press(&mut w, &[ctrl('n')]);
    assert_eq!(w.step, 1);
    let e = press(&mut w, &[ctrl('n')]);
    let [WizardEffect::RunPrecheck(req)] = e.as_slice() else {
        panic!("{e:?}")
    };
    assert_eq!(req.path(), "/api/v2/ob/clusters/takeOverPreCheck");
    let masked = req.masked_body();
    assert_eq!(masked["rootSysPassword"], MASK);
    assert_eq!(masked["proxyroPassword"], MASK);
    assert_eq!(masked["connectionMode"], "proxy");
    assert_eq!(masked["clusterName"], "ob01");
    assert_eq!(masked["port"], 2883);
    assert!(masked.get("obClusterId").is_none());
    let PrecheckRequest::TakeoverCluster(body) = req;
    let wire = serde_json::to_value(body).unwrap();
    assert_eq!(wire["rootSysPassword"], "root-Secret-1");
    // OCP says no: the items FAIL and block.
    let parsed: obtui_api::ocp::TakeoverPrecheckResult = serde_json::from_value(
        serde_json::json!({"result":{"valid":false,"messages":["10.0.0.9: clock offset 800ms"]}}),
    )
    .unwrap();
    w.on_precheck(Ok(precheck::takeover_items(&parsed)));
    assert_eq!(w.precheck.source, PrecheckSource::Api);
    assert_eq!(w.precheck.fails(), 1);
    assert!(enter(&mut w).is_empty());
    assert_eq!(w.step, 2);
    // r calls it again; this time it passes, and the take-over body follows.
    let e = w.handle_key(key(Char('r')));
    assert!(matches!(e.as_slice(), [WizardEffect::RunPrecheck(_)]));
    w.on_precheck(Err("HTTP 502: bad gateway".into()));
    assert!(matches!(w.precheck.state, PrecheckState::Failed(_)));
    assert!(enter(&mut w).is_empty());
    w.handle_key(key(Char('r')));
    w.on_precheck(Ok(vec![PrecheckItem::pass("OCP take-over precheck", "ok")]));
    enter(&mut w);
    assert_eq!(w.step, 3);
    let e = confirm_submit(&mut w);
    let Some(WizardEffect::Submit(req)) = e.first() else {
        panic!("{e:?}")
    };
    assert_eq!(req.write.path(), "/api/v2/ob/clusters/takeOver");
    let b = req.write.masked_body();
    assert_eq!(b["switchConfigUrl"], true);
    assert_eq!(b["saveToCredential"], true);
    assert!(b.get("hostInfo").is_none());
}

#[test]
fn takeover_host_info_for_hosts_new_to_ocp() {
    let mut w = open(WizardKind::TakeoverCluster, WizardContext::default());
    w.set_named("address", Value::Text("10.0.0.9".into()));
    w.set_named(
        "root_password",
        Value::Secret(obtui_api::secret::Secret::new("x")),
    );
    press(&mut w, &[ctrl('n')]);
    focus_on(&mut w, "new_hosts");
    press(&mut w, &[key(Char(' '))]);
    // The host fields appear; host type and credential are required.
    press(&mut w, &[ctrl('n')]);
    assert_eq!(w.step, 1);
    assert_eq!(focused_id(&w), "host_type");
    enter(&mut w);
    enter(&mut w);
    focus_on(&mut w, "credential");
    enter(&mut w);
    enter(&mut w);
    w.set_named("host_kind", Value::One(Some("DEDICATED_CONTAINER".into())));
    assert!(
        !w.step_errors(1).is_empty(),
        "publish ports are required for containers"
    );
    w.set_named("publish_ports", Value::Text("2881:2881".into()));
    assert!(w.step_errors(1).is_empty(), "{:?}", w.step_errors(1));
    press(&mut w, &[ctrl('n')]);
    w.on_precheck(Ok(vec![]));
    enter(&mut w);
    let b = w.summary.clone().unwrap().masked_json;
    let v: serde_json::Value = serde_json::from_str(&b).unwrap();
    assert_eq!(
        v["hostInfo"],
        serde_json::json!({"kind":"DEDICATED_CONTAINER","publishPorts":"2881:2881","hostTypeId":281,"sshPort":22,"credentialId":32765})
    );
}

#[test]
fn upgrade_body_follows_the_ocp_version_and_asks_for_the_name() {
    for (ocp, new_shape) in [
        (None, false),
        (Some("4.2.2_20240315"), false),
        (Some("4.3.1"), true),
    ] {
        let mut w = open(WizardKind::UpgradeCluster, upgrade_ctx(ocp));
        assert_eq!(focused_id(&w), "package");
        let opts = w
            .field_named("package")
            .unwrap()
            .options()
            .unwrap()
            .to_vec();
        assert_eq!(opts.len(), 1, "only versions newer than 4.2.1.2: {opts:?}");
        enter(&mut w);
        enter(&mut w);
        if new_shape {
            assert_eq!(
                w.text_named("zone_order"),
                "zone1,zone2",
                "prefilled from the cluster"
            );
        }
        let e = press(&mut w, &[ctrl('n')]);
        serve(&mut w, e);
        assert_eq!(w.precheck.fails(), 0, "{:?}", w.precheck.items);
        enter(&mut w);
        let s = w.summary.clone().unwrap();
        assert_eq!(s.path, "/api/v2/ob/clusters/7/upgrade");
        let v: serde_json::Value = serde_json::from_str(&s.masked_json).unwrap();
        if new_shape {
            assert_eq!(v["upgradeMode"], "ROLLING");
            assert_eq!(v["destVersion"], "4.2.2.0-100000102024010415");
            assert_eq!(v["operatingSystem"], "el7");
            assert_eq!(v["freezeServer"], true);
            assert_eq!(v["zoneOrder"], serde_json::json!(["zone1", "zone2"]));
            // 4.3 still requires the deprecated rpmFileName; every key of the 4.3 sample is sent.
            assert_eq!(
                v["rpmFileName"],
                "oceanbase-4.2.2.0-100000102024010415.el7.x86_64.rpm"
            );
            let sample: serde_json::Value = serde_json::from_str(include_str!(
                "../fixtures/ocp/ob-cluster-upgrade-4.3.request.json"
            ))
            .unwrap();
            for k in sample.as_object().unwrap().keys() {
                assert!(v.get(k).is_some(), "{k} missing from {v}");
            }
        } else {
            assert_eq!(
                v,
                serde_json::json!({"rpmFileName":"oceanbase-4.2.2.0-100000102024010415.el7.x86_64.rpm"})
            );
        }
        // The confirmation wants the cluster's name typed.
        enter(&mut w);
        assert_eq!(
            w.confirm.as_ref().unwrap().expected.as_deref(),
            Some("terran")
        );
        w.handle_key(key(Tab));
        assert_eq!(submits(&enter(&mut w)), 0);
        typ(&mut w, "terra");
        assert_eq!(submits(&enter(&mut w)), 0);
        typ(&mut w, "n");
        assert_eq!(submits(&enter(&mut w)), 1);
    }
}

#[test]
fn upgrade_zone_order_must_name_each_zone_once() {
    let mut w = open(WizardKind::UpgradeCluster, upgrade_ctx(Some("4.3.0")));
    w.set_named("zone_order", Value::Text("zone1,zone1".into()));
    assert!(w
        .field_named("zone_order")
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("twice"));
    w.set_named("zone_order", Value::Text("zone1".into()));
    assert!(w
        .field_named("zone_order")
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("zone1,zone2"));
    w.set_named("zone_order", Value::Text("zone2, zone1".into()));
    assert_eq!(w.field_named("zone_order").unwrap().error, None);
}

#[test]
fn proxy_takeover_body_and_checks() {
    let ctx = WizardContext {
        ocp_version: Some("4.3.2".into()),
        cluster: None,
        proxy_cluster_id: Some(5),
        ..Default::default()
    };
    let mut w = open(WizardKind::TakeoverProxy, ctx);
    assert_eq!(
        w.choice_named("proxy_cluster"),
        Some("5"),
        "preselected from the pane"
    );
    w.set_in_named("proxies", 0, "host", Value::One(Some("1".into())));
    w.set_in_named("proxies", 1, "host", Value::One(Some("2".into())));
    w.set_in_named("proxies", 1, "sql_port", Value::Text("3883".into()));
    w.set_named(
        "proxysys_password",
        Value::Secret(obtui_api::secret::Secret::new("proxysys-Pw9")),
    );
    // The same host twice is a field error.
    w.set_in_named("proxies", 1, "host", Value::One(Some("1".into())));
    assert!(w.items_named("proxies")[1][0]
        .error
        .as_deref()
        .unwrap()
        .contains("already"));
    w.set_in_named("proxies", 1, "host", Value::One(Some("2".into())));
    assert_eq!(w.items_named("proxies")[1][0].error, None);
    // The second proxy has a root@proxysys password of its own.
    w.set_in_named(
        "proxies",
        1,
        "host_proxysys_password",
        Value::Secret(obtui_api::secret::Secret::new("own-Pw7")),
    );
    let e = press(&mut w, &[ctrl('n')]);
    assert_eq!(w.step, 1);
    // OCP has no OBProxy take-over precheck: none is called, the checks are computed locally
    // from fresh data, and the first item says so.
    let rest = serve(&mut w, e);
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(w.precheck.source, PrecheckSource::Computed);
    assert_eq!(w.precheck.state, PrecheckState::Done);
    assert_eq!(w.precheck.items[0].name, "local checks");
    assert!(w.precheck.items[0].reason.contains("computed locally"));
    assert_eq!(w.precheck.fails(), 0, "{:?}", w.precheck.items);
    assert!(w
        .precheck
        .items
        .iter()
        .any(|i| i.name == "link to terran" && i.result == CheckResult::Pass));
    enter(&mut w);
    let s = w.summary.clone().unwrap();
    assert_eq!(s.path, "/api/v2/obproxy/clusters/5/takeOver");
    let v: serde_json::Value = serde_json::from_str(&s.masked_json).unwrap();
    // OCP 4.3 reads the password per host (obproxy-takeover-4.3.request.json), never at the top.
    assert_eq!(
        v,
        serde_json::json!({"hosts":[
            {"hostId":1,"sqlPort":2883,"proxysysPasswd":MASK},
            {"hostId":2,"sqlPort":3883,"proxysysPasswd":MASK}
        ]})
    );
    let e = confirm_submit(&mut w);
    let Some(WizardEffect::Submit(req)) = e.first() else {
        panic!("{e:?}")
    };
    let obtui::model::wizard::request::Write::TakeoverProxy { body, .. } = &req.write else {
        panic!("{:?}", req.write)
    };
    let wire = serde_json::to_value(body).unwrap();
    assert_eq!(wire["hosts"][0]["proxysysPasswd"], "proxysys-Pw9");
    assert_eq!(wire["hosts"][1]["proxysysPasswd"], "own-Pw7");
    assert!(wire.get("proxysysPasswd").is_none(), "{wire}");
}

#[test]
fn load_errors_show_and_ctrl_l_reloads() {
    let (mut w, _) =
        Wizard::open(WizardKind::CreateCluster, WizardContext::default(), false).unwrap();
    w.on_data(DataResponse::Packages(Err(
        "HTTP 503: maintenance (traceId t1)".into(),
    )));
    focus_on(&mut w, "package");
    let text = screen(&w);
    assert!(
        text.contains("cannot load") && text.contains("503"),
        "{text}"
    );
    let e = w.handle_key(ctrl('l'));
    assert!(e
        .iter()
        .any(|e| matches!(e, WizardEffect::NeedData(DataRequest::Packages))));
    serve(&mut w, e);
    assert!(w.field_named("package").unwrap().options().is_some());
}
