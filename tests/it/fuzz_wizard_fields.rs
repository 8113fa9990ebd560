//! Every typed field of every wizard refuses bad values with a message, and a good value clears
//! it. The walk is driven by the wizards' own field lists (every step, every visible text, number,
//! port and password field, group items included), so a field added later is covered without
//! editing this table; only the value table below knows about rules.

use crate::wizard_common;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use obtui::app::wizard::validate;
use obtui::app::wizard::{
    Field, FieldKind, FieldPath, Rule, StepKind, Value, Wizard, WizardContext, WizardKind,
};
use obtui_api::secret::Secret;
use wizard_common::{key, open};

/// Meets every password rule (2 upper, 2 lower, 2 digits, 2 specials, 8–32).
const GOOD_PW: &str = "AAbb11!!xy";

fn ctrl(c: char) -> KeyEvent {
    KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

/// Open a wizard with every conditional field switched on.
fn open_all(kind: WizardKind) -> Wizard {
    let ctx = WizardContext {
        ocp_version: Some("4.3.1".into()),
        cluster: Some((7, "terran".into())),
        proxy_cluster_id: Some(5),
        ..Default::default()
    };
    let mut w = open(kind, ctx);
    if kind == WizardKind::TakeoverCluster {
        w.set_named("mode", Value::One(Some("proxy".into())));
        w.set_named("standby", Value::Bool(true));
        w.set_named("new_hosts", Value::Bool(true));
        w.set_named("host_kind", Value::One(Some("CONTAINER".into())));
    }
    w
}

fn is_typed(f: &Field) -> bool {
    matches!(
        f.kind,
        FieldKind::Text | FieldKind::Number { .. } | FieldKind::Port | FieldKind::Password { .. }
    )
}

/// (step, path) of every visible typed field, group items included.
fn typed_fields(w: &Wizard) -> Vec<(usize, FieldPath)> {
    let mut out = Vec::new();
    for (si, step) in w.steps.iter().enumerate() {
        let StepKind::Form(ids) = &step.kind else {
            continue;
        };
        for id in ids {
            let top = w.index_named(id).unwrap();
            let f = &w.fields[top];
            if !w.is_visible(f) {
                continue;
            }
            if is_typed(f) {
                out.push((si, FieldPath { top, item: None }));
            }
            for (i, item) in f.items().iter().enumerate() {
                for (s, sf) in item.iter().enumerate() {
                    if is_typed(sf) && w.is_visible(sf) {
                        out.push((
                            si,
                            FieldPath {
                                top,
                                item: Some((i, s)),
                            },
                        ));
                    }
                }
            }
        }
    }
    out
}

fn good_value(f: &Field) -> String {
    match (&f.kind, f.rule) {
        (FieldKind::Password { .. }, _) => GOOD_PW.into(),
        (_, Rule::ClusterName) => "obcluster_1".into(),
        (_, Rule::ZoneName) => "zone1".into(),
        (_, Rule::Address) => "10.0.0.9".into(),
        (_, Rule::PublishPorts) => "2881:2881,2882:2882".into(),
        (FieldKind::Port, Rule::SshPort) => "22".into(),
        (FieldKind::Port, _) => "2883".into(),
        (FieldKind::Number { min, .. }, _) => min.to_string(),
        // Free text (the upgrade's zone order): the cluster's zones.
        _ if f.id == "zone_order" => "zone1,zone2".into(),
        _ => "ok".into(),
    }
}

/// Values the field must refuse, with what each one exercises.
fn bad_values(f: &Field) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = Vec::new();
    if f.required {
        v.push(("empty", String::new()));
        if !matches!(f.kind, FieldKind::Password { .. }) {
            v.push(("blank", "   ".into()));
        }
    }
    // Typing stops at the input cap (512); every rule here is shorter than that.
    v.push(("too long", "a".repeat(600)));
    match (&f.kind, f.rule) {
        (FieldKind::Password { .. }, Rule::NewPassword) => {
            v.push(("too short", "Ab1!".into()));
            v.push(("no digits or specials", "abcdefghijk".into()));
            v.push(("unicode", "ÄÄöö11!!xy".into()));
            v.push(("space", "AA bb11!!xy".into()));
        }
        (FieldKind::Password { .. }, _) => {}
        (_, Rule::ClusterName | Rule::ZoneName) => {
            v.push(("space and punctuation", "bad name!".into()));
            v.push(("leading digit", "9lives".into()));
            v.push(("unicode", "集群一".into()));
            v.push(("dash", "a-b".into()));
        }
        (_, Rule::Address) => {
            v.push(("scheme", "http://10.0.0.1/".into()));
            v.push(("port inside", "10.0.0.1:2881".into()));
            v.push(("bad quad", "10.0.0.256".into()));
            v.push(("empty label", "a..b".into()));
            v.push(("unicode", "数据库.example".into()));
        }
        (_, Rule::PublishPorts) => {
            v.push(("not a pair", "2881".into()));
            v.push(("port out of range", "2881:70000".into()));
            v.push(("letters", "a:b".into()));
        }
        (FieldKind::Port, rule) => {
            v.push(("size unit", "16Q".into()));
            v.push(("letters", "22a".into()));
            v.push(("zero", "0".into()));
            v.push(("over 65535", "65536".into()));
            v.push(("huge", "99999999999999999999".into()));
            v.push(("negative", "-1".into()));
            v.push(("fullwidth digits", "２８８１".into()));
            v.push(("fraction", "2881.5".into()));
            if rule != Rule::SshPort {
                v.push(("privileged", "80".into()));
            }
        }
        (FieldKind::Number { max, .. }, _) => {
            v.push(("size unit", "16Q".into()));
            v.push(("below range", "0".into()));
            v.push(("above range", (max.saturating_add(1)).to_string()));
            v.push(("fraction", "1.5".into()));
            v.push(("arabic digits", "١٢".into()));
            v.push(("dashes", "1-2".into()));
        }
        _ => {}
    }
    v
}

fn clear(w: &mut Wizard) {
    w.handle_key(ctrl('e'));
    w.handle_key(ctrl('u'));
    w.handle_key(ctrl('k'));
}

fn type_str(w: &mut Wizard, s: &str) {
    for c in s.chars() {
        w.handle_key(key(KeyCode::Char(c)));
    }
}

fn value_of(w: &Wizard, p: FieldPath) -> String {
    match &w.at(p).unwrap().value {
        Value::Text(s) => s.clone(),
        Value::Secret(s) => s.expose().to_string(),
        other => panic!("not a typed value: {other:?}"),
    }
}

fn error_of(w: &Wizard, step: usize, p: FieldPath) -> Option<String> {
    let direct = w.at(p).unwrap().error.clone();
    let listed = w
        .step_errors(step)
        .into_iter()
        .find(|(q, _)| *q == p)
        .map(|(_, e)| e);
    assert_eq!(direct, listed, "step_errors agrees with the field");
    direct
}

fn focus(w: &mut Wizard, step: usize, p: FieldPath) {
    w.step = step;
    w.focus = p;
}

/// Put a good value in every typed field, so cross-field rules (repeat password) hold.
fn fill_good(w: &mut Wizard, fields: &[(usize, FieldPath)]) {
    for &(step, p) in fields {
        let good = good_value(w.at(p).unwrap());
        focus(w, step, p);
        clear(w);
        type_str(w, &good);
    }
}

#[test]
fn every_field_of_every_wizard_refuses_bad_values() {
    let mut checked = 0;
    let mut fields_seen = 0;
    for kind in WizardKind::ALL {
        let mut w = open_all(kind);
        let fields = typed_fields(&w);
        assert!(!fields.is_empty(), "{kind:?} has typed fields");
        fill_good(&mut w, &fields);
        for &(step, p) in &fields {
            fields_seen += 1;
            let f = w.at(p).unwrap().clone();
            let good = good_value(&f);
            focus(&mut w, step, p);
            assert_eq!(
                error_of(&w, step, p),
                None,
                "{kind:?}/{}: good value {good:?} accepted",
                f.id
            );
            for (what, bad) in bad_values(&f) {
                clear(&mut w);
                type_str(&mut w, &bad);
                let err = error_of(&w, step, p);
                assert!(
                    err.as_deref().is_some_and(|e| !e.trim().is_empty()),
                    "{kind:?}/{}: {what} value {:?} has no message",
                    f.id,
                    value_of(&w, p)
                );
                assert!(w.at(p).unwrap().touched, "the message is shown (touched)");
                clear(&mut w);
                type_str(&mut w, &good);
                assert_eq!(
                    error_of(&w, step, p),
                    None,
                    "{kind:?}/{}: the good value clears the {what} message",
                    f.id
                );
                checked += 1;
            }
        }
    }
    assert!(fields_seen >= 10, "walked {fields_seen} fields");
    eprintln!("{checked} bad values over {fields_seen} fields");
}

#[test]
fn control_characters_and_pasted_newlines_never_reach_a_field() {
    for kind in WizardKind::ALL {
        let mut w = open_all(kind);
        let fields = typed_fields(&w);
        fill_good(&mut w, &fields);
        for &(step, p) in &fields {
            let f = w.at(p).unwrap().clone();
            let good = good_value(&f);
            focus(&mut w, step, p);
            // Control keys are not text.
            for c in [
                '\u{1b}', '\u{7}', '\u{0}', '\n', '\r', '\t', '\u{7f}', '\u{9b}',
            ] {
                w.handle_key(key(KeyCode::Char(c)));
            }
            assert_eq!(
                value_of(&w, p),
                good,
                "{kind:?}/{}: control key typed",
                f.id
            );
            // A paste with a line break (or an escape) inside is refused, with a notice.
            for paste in ["abc\ndef", "x\r\ny", "\u{1b}[2Jx", "a\tb", "a\u{0}b"] {
                w.notice = None;
                w.handle_paste(paste);
                assert_eq!(value_of(&w, p), good, "{kind:?}/{}: {paste:?} pasted", f.id);
                assert!(
                    w.notice
                        .as_deref()
                        .is_some_and(|n| n.contains("not pasted")),
                    "{kind:?}/{}: no notice for {paste:?}",
                    f.id
                );
            }
            // A trailing newline (copied from a terminal) is trimmed, the rest kept.
            clear(&mut w);
            w.handle_paste(&format!("{good}\n"));
            assert_eq!(value_of(&w, p), good, "{kind:?}/{}: trailing newline", f.id);
            assert_eq!(error_of(&w, step, p), None);
        }
    }
}

#[test]
fn repeat_password_must_match() {
    let mut w = open_all(WizardKind::CreateCluster);
    let fields = typed_fields(&w);
    fill_good(&mut w, &fields);
    let p2 = FieldPath {
        top: w.index_named("password2").unwrap(),
        item: None,
    };
    focus(&mut w, 0, p2);
    clear(&mut w);
    type_str(&mut w, "AAbb11!!xz");
    let e = error_of(&w, 0, p2).or_else(|| {
        let p1 = FieldPath {
            top: w.index_named("password").unwrap(),
            item: None,
        };
        error_of(&w, 0, p1)
    });
    assert!(e.is_some_and(|e| e.contains("differ")));
}

#[test]
fn validators_refuse_the_classic_bad_values() {
    // The size validator has no field yet; the rule is kept honest here.
    for bad in [
        "16Q",
        "",
        "G",
        "16",
        "-1G",
        "1.5G",
        "١٦G",
        "99999999999999999999P",
        "16G\n",
    ] {
        assert!(validate::size(bad).is_err(), "size {bad:?}");
    }
    assert_eq!(validate::size("16G"), Ok(16 << 30));
    assert_eq!(validate::size("512MB"), Ok(512 << 20));
    for bad in ["0", "1023", "65536", "", "x", "2881\n", "+2881"] {
        assert!(validate::port(bad).is_err(), "port {bad:?}");
    }
    for bad in ["pass\nword", "pass\u{1b}word"] {
        assert!(validate::existing_password(bad).is_err());
        assert!(validate::new_password(bad).is_err());
    }
    assert!(validate::existing_password(&"p".repeat(129)).is_err());
    // Secrets compare by value but never print.
    let s = Secret::new(GOOD_PW);
    assert!(!format!("{s:?} {s}").contains(GOOD_PW));
}
