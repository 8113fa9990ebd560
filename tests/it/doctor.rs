//! `obtui doctor`: the real binary against the simulator (a clean run, a wrong password, a
//! skewed clock, an unreachable host, https with and without `--cacert`), against bad config
//! files, and in tmux for the terminal part. No run may print a secret.

use crate::common::sim::LoopbackSim;
use crate::common::tmux::{bin, Tmux};
use obtui_sim::{Clock, SimOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const PASSWORD: &str = "aaAA11__";

/// A private home for one test: config and state under it.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("obtui-doctor-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("config/obtui")).unwrap();
        Home(dir)
    }

    fn config(&self) -> PathBuf {
        self.0.join("config/obtui/config.toml")
    }

    fn write_config(&self, text: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(self.config(), text).unwrap();
        std::fs::set_permissions(self.config(), std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn doctor(&self, password: Option<&str>, args: &[&str]) -> (Output, String) {
        let mut c = Command::new(bin());
        c.arg("doctor")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.0)
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("XDG_STATE_HOME", self.0.join("state"))
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null());
        if let Some(p) = password {
            c.env("OBTUI_PASSWORD", p);
        }
        let out = c.output().expect("run obtui doctor");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out, text)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The checklist line of check `name` (`  STATUS  name  detail`), and the fix under it.
fn line<'a>(text: &'a str, name: &str) -> (&'a str, Option<&'a str>) {
    let lines: Vec<&str> = text.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.len() > 8 && l[8..].starts_with(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no check {name:?} in:\n{text}"));
    // A detail of several lines goes on, indented, before the fix.
    let mut j = i + 1;
    while lines.get(j).is_some_and(|l| l.starts_with(&" ".repeat(24))) {
        j += 1;
    }
    let fix = lines
        .get(j)
        .filter(|l| l.trim_start().starts_with("fix:"))
        .copied();
    (lines[i], fix)
}

fn status<'a>(text: &'a str, name: &str) -> &'a str {
    line(text, name).0[2..6].trim()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

#[test]
fn a_clean_run_against_the_simulator_passes() {
    let sim = LoopbackSim::start(SimOptions::default());
    let home = Home::new("clean");
    let (out, text) = home.doctor(Some(PASSWORD), &["--url", &sim.url, "--user", "admin"]);
    assert_eq!(code(&out), 0, "{text}");
    for name in [
        "DNS",
        "TCP connect",
        "TLS",
        "service",
        "clock skew",
        "password",
        "authentication",
        "version",
        "list request",
        "state dir",
        "audit log",
    ] {
        assert_eq!(status(&text, name), "PASS", "{name}:\n{text}");
    }
    assert!(line(&text, "version").0.contains("OCP 4."), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
    assert!(
        !text.contains(PASSWORD),
        "the password is never printed:\n{text}"
    );
    assert!(text.contains("0 failed"), "{text}");
}

#[test]
fn a_wrong_password_fails_with_a_fix_and_is_not_printed() {
    let sim = LoopbackSim::start(SimOptions::default());
    let home = Home::new("wrongpw");
    let wrong = "wrong-Secret-9";
    let (out, text) = home.doctor(Some(wrong), &["--url", &sim.url, "--user", "admin"]);
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "authentication");
    assert!(l.contains("FAIL") && l.contains("401"), "{text}");
    assert!(fix.is_some_and(|f| f.contains("password")), "{text}");
    assert_eq!(status(&text, "version"), "SKIP");
    assert_eq!(status(&text, "list request"), "SKIP");
    // What needs no password still passes.
    assert_eq!(status(&text, "TCP connect"), "PASS");
    assert_eq!(status(&text, "clock skew"), "PASS");
    assert!(!text.contains(wrong), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[test]
fn an_unreachable_server_fails_at_tcp_and_skips_the_rest() {
    // A port nobody listens on: bound, then released.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let home = Home::new("unreachable");
    let url = format!("http://127.0.0.1:{port}");
    let (out, text) = home.doctor(Some(PASSWORD), &["--url", &url]);
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "TCP connect");
    assert!(l.contains("FAIL"), "{text}");
    assert!(fix.is_some_and(|f| f.contains("nothing listens")), "{text}");
    for name in ["authentication", "version", "clock skew", "list request"] {
        assert_eq!(status(&text, name), "SKIP", "{name}:\n{text}");
    }
}

#[test]
fn an_unresolvable_host_fails_at_dns() {
    let home = Home::new("dns");
    let (out, text) = home.doctor(
        Some(PASSWORD),
        &["--url", "http://no-such-host.invalid:8080"],
    );
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "DNS");
    assert!(
        l.contains("FAIL") && l.contains("no-such-host.invalid"),
        "{text}"
    );
    assert!(fix.is_some_and(|f| f.contains("/etc/hosts")), "{text}");
    assert_eq!(status(&text, "authentication"), "SKIP", "{text}");
}

#[test]
fn a_skewed_clock_on_the_server_fails_with_a_fix() {
    let ahead = obtui_sim::clock::wall_ms() + 10 * 60 * 1000;
    let sim = LoopbackSim::start(SimOptions {
        clock: Clock::manual(ahead),
        ..SimOptions::default()
    });
    let home = Home::new("skew");
    let (out, text) = home.doctor(Some(PASSWORD), &["--url", &sim.url]);
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "clock skew");
    assert!(l.contains("FAIL") && l.contains("behind"), "{text}");
    assert!(fix.is_some_and(|f| f.contains("NTP")), "{text}");
    assert_eq!(status(&text, "authentication"), "PASS", "{text}");
}

#[test]
fn a_config_others_can_read_warns_and_its_password_source_stays_secret() {
    let sim = LoopbackSim::start(SimOptions::default());
    let home = Home::new("perms");
    let pw_file = home.0.join("pw");
    std::fs::write(&pw_file, format!("{PASSWORD}\n")).unwrap();
    home.write_config(
        &format!(
            "default_profile = \"lab\"\n[profiles.lab]\nurl = \"{}\"\nuser = \"admin\"\npassword_command = \"cat {}\"\n",
            sim.url,
            pw_file.display()
        ),
        0o644,
    );
    let (out, text) = home.doctor(None, &[]);
    assert_eq!(code(&out), 0, "a warning is not a failure:\n{text}");
    let (l, fix) = line(&text, "permissions");
    assert!(l.contains("WARN") && l.contains("644"), "{text}");
    assert!(fix.is_some_and(|f| f.contains("chmod 600")), "{text}");
    assert!(
        line(&text, "password").0.contains("password_command"),
        "{text}"
    );
    assert_eq!(status(&text, "authentication"), "PASS", "{text}");
    assert!(!text.contains(PASSWORD), "{text}");

    // The same file, private: the warning goes.
    home.write_config(&std::fs::read_to_string(home.config()).unwrap(), 0o600);
    let (_, text) = home.doctor(None, &[]);
    assert_eq!(status(&text, "permissions"), "PASS", "{text}");
}

#[test]
fn a_config_that_does_not_parse_fails_and_names_the_line() {
    let home = Home::new("badcfg");
    home.write_config("[profiles.a]\nurll = \"http://x:1\"\n", 0o600);
    let (out, text) = home.doctor(None, &[]);
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "config file");
    assert!(l.contains("FAIL") && l.contains("line 2"), "{text}");
    assert!(fix.is_some(), "{text}");
    assert_eq!(status(&text, "server"), "SKIP", "{text}");
}

#[test]
fn a_plaintext_password_in_a_readable_config_fails() {
    let home = Home::new("plaintext");
    let secret = "plain-Text-77";
    home.write_config(
        &format!("[profiles.a]\nurl = \"http://127.0.0.1:1\"\npassword = \"{secret}\"\n"),
        0o644,
    );
    let (out, text) = home.doctor(None, &["--profile", "a"]);
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "permissions");
    assert!(l.contains("FAIL"), "{text}");
    assert!(fix.is_some_and(|f| f.contains("chmod 600")), "{text}");
    assert!(!text.contains(secret), "{text}");
}

#[test]
fn json_is_one_document_with_the_verdict() {
    let sim = LoopbackSim::start(SimOptions::default());
    let home = Home::new("json");
    let (out, _) = home.doctor(Some(PASSWORD), &["--json", "--url", &sim.url]);
    assert_eq!(code(&out), 0);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(v["ok"], true);
    assert_eq!(v["summary"]["fail"], 0);
    let checks = v["checks"].as_array().unwrap();
    let auth = checks
        .iter()
        .find(|c| c["name"] == "authentication")
        .unwrap();
    assert_eq!(auth["status"], "PASS");
    assert_eq!(auth["section"], "server");
    assert!(checks.iter().any(|c| c["section"] == "terminal"));
}

/// A TLS front for the simulator with the test CA's certificate for 127.0.0.1 / localhost.
fn tls_front(sim: &LoopbackSim) -> u16 {
    use rustls::pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    #[allow(deprecated)] // the provider obtui links (see src/cli/doctor/server.rs)
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(cfg));
    let backend = sim.url.trim_start_matches("http://").to_string();
    let listener = sim
        .rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    sim.rt.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let backend = backend.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(&backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

#[test]
fn https_needs_the_private_ca_and_passes_with_cacert() {
    let sim = LoopbackSim::start(SimOptions::default());
    let port = tls_front(&sim);
    let url = format!("https://127.0.0.1:{port}");
    let home = Home::new("tls");

    let (out, text) = home.doctor(Some(PASSWORD), &["--url", &url]);
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "TLS");
    assert!(l.contains("FAIL") && l.contains("does not trust"), "{text}");
    assert!(fix.is_some_and(|f| f.contains("--cacert")), "{text}");
    assert_eq!(status(&text, "authentication"), "SKIP", "{text}");

    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem");
    let (out, text) = home.doctor(
        Some(PASSWORD),
        &["--url", &url, "--cacert", ca.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{text}");
    let (l, _) = line(&text, "TLS");
    assert!(l.contains("PASS") && l.contains("ca.pem"), "{text}");
    assert_eq!(status(&text, "authentication"), "PASS", "{text}");
    assert_eq!(status(&text, "list request"), "PASS", "{text}");
}

#[test]
fn in_tmux_the_terminal_is_probed_and_named() {
    let home = Home::new("tmux");
    let state = home.0.join("state");
    let config = home.0.join("config");
    let t = Tmux::start(
        "doctor",
        100,
        40,
        &[
            ("HOME", home.0.to_str().unwrap()),
            ("XDG_CONFIG_HOME", config.to_str().unwrap()),
            ("XDG_STATE_HOME", state.to_str().unwrap()),
            ("TERM", "tmux-256color"),
            ("LANG", "C.UTF-8"),
        ],
        &[bin(), "doctor"],
    );
    let s = t.wait_for("the summary", Duration::from_secs(30), |s| {
        s.contains(" passed, ")
    });
    let text = t.history();
    assert_eq!(status(&text, "TERM"), "PASS", "{s}");
    assert!(line(&text, "TERM").0.contains("tmux-256color"), "{text}");
    assert!(line(&text, "size").0.contains("100x40"), "{text}");
    assert!(
        line(&text, "multiplexer").0.contains("inside tmux"),
        "{text}"
    );
    // tmux answers the device-attributes query, so the modes were asked, not skipped.
    assert_ne!(status(&text, "sync output"), "SKIP", "{text}");
    assert_ne!(status(&text, "mouse"), "SKIP", "{text}");
    assert!(
        !text.contains("interactive"),
        "stdin and stdout are the pane:\n{text}"
    );
    t.wait_for("exit", Duration::from_secs(10), |_| t.dead());
    assert_eq!(t.exit_status(), Some(0), "{text}");
}

#[test]
fn an_obshell_profile_checks_the_agent_and_its_password() {
    // The simulator serves obshell's API beside OCP's, with the same password.
    let sim = LoopbackSim::start(SimOptions::default());
    let home = Home::new("obshell");
    home.write_config(
        &format!(
            "default_profile = \"agent\"\n[profiles.agent]\nobshell_url = \"{}\"\n",
            sim.url
        ),
        0o600,
    );
    let (out, text) = home.doctor(Some(PASSWORD), &[]);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("server  obshell"), "{text}");
    assert!(line(&text, "agent").0.contains("obshell 4."), "{text}");
    assert_eq!(status(&text, "clock skew"), "PASS", "{text}");
    assert_eq!(status(&text, "authentication"), "PASS", "{text}");

    let (out, text) = home.doctor(Some("not-the-Password-1"), &[]);
    assert_eq!(code(&out), 1, "{text}");
    let (l, fix) = line(&text, "authentication");
    assert!(l.contains("FAIL"), "{text}");
    assert!(
        fix.is_some_and(|f| f.contains("OBTUI_OBSHELL_PASSWORD")),
        "{text}"
    );
    assert!(!text.contains("not-the-Password-1"), "{text}");
}

#[test]
fn an_access_key_profile_is_checked_with_signed_requests_and_its_secret_stays_secret() {
    const AK: &str = "gDCcIqbkJJINjXBn";
    const SK: &str = "d75332c5eed8d440a84a35ac6248d397";
    let sim = LoopbackSim::start(SimOptions {
        access_key: Some(obtui_api::ocp::AccessKey::new(
            AK,
            obtui_api::secret::Secret::new(SK),
        )),
        ..SimOptions::default()
    });
    let home = Home::new("aksk");
    let sk_file = home.0.join("sk");
    std::fs::write(&sk_file, format!("{SK}\n")).unwrap();
    let bad_file = home.0.join("bad");
    std::fs::write(&bad_file, "not-the-secret-9\n").unwrap();
    home.write_config(
        &format!(
            "[profiles.ak]\nurl = \"{}\"\naccess_key_id = \"{AK}\"\naccess_key_secret_command = \"cat {}\"\n[profiles.bad]\nurl = \"{}\"\naccess_key_id = \"{AK}\"\naccess_key_secret_command = \"cat {}\"\n",
            sim.url,
            sk_file.display(),
            sim.url,
            bad_file.display()
        ),
        0o600,
    );
    // No OBTUI_PASSWORD and no terminal: nothing to ask, the key is enough.
    let (out, text) = home.doctor(None, &["--profile", "ak"]);
    assert_eq!(code(&out), 0, "{text}");
    assert_eq!(status(&text, "access key"), "PASS", "{text}");
    assert_eq!(status(&text, "authentication"), "PASS", "{text}");
    assert!(
        line(&text, "authentication").0.contains("AK/SK signature"),
        "{text}"
    );
    assert!(!text.contains(SK), "the secret is never printed:\n{text}");
    let (out, text) = home.doctor(None, &["--profile", "bad"]);
    assert_ne!(code(&out), 0, "{text}");
    assert_eq!(status(&text, "authentication"), "FAIL", "{text}");
    assert!(!text.contains("not-the-secret-9"), "{text}");
}
