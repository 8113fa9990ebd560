//! The binary with an OCP AccessKey: `task show` signs its requests (no password asked, none
//! in the environment) and the simulator's verifier accepts them; a wrong secret is refused;
//! `config check` names the mode and never the secret.

use obtui_api::ocp::client::{PageQuery, TaskFilter};
use obtui_api::ocp::{AccessKey, OcpClient, OcpConfig};
use obtui_api::secret::Secret;
use obtui_sim::{self as sim, SimOptions};
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};

const AK: &str = "gDCcIqbkJJINjXBn";
const SK: &str = "d75332c5eed8d440a84a35ac6248d397";

fn obtui(args: &[&str], env: &[(&str, &str)], config_home: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_obtui"));
    c.args(args)
        .env_remove("OBTUI_PASSWORD")
        .env_remove("OBTUI_ACCESS_KEY_ID")
        .env_remove("OBTUI_ACCESS_KEY_SECRET")
        .env("XDG_CONFIG_HOME", config_home)
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run obtui")
}

#[test]
fn task_show_signs_with_the_access_key_and_asks_no_password() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (h, task) = rt.block_on(async {
        let h = sim::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimOptions {
                access_key: Some(AccessKey::new(AK, Secret::new(SK))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let c = OcpClient::new(OcpConfig::new(h.url(), "admin", Secret::new("aaAA11__"))).unwrap();
        let t = c
            .list_tasks(&PageQuery::new(1, 10), &TaskFilter::default())
            .await
            .unwrap()
            .contents[0]
            .id;
        (h, t)
    });
    let url = h.url();
    let id = task.to_string();
    let args = ["task", "show", id.as_str(), "--url", url.as_str()];
    // At the most verbose log level: neither the secret nor the signed header is logged.
    let verbose: Vec<&str> = args.iter().copied().chain(["-vvv"]).collect();
    let out = obtui(
        &verbose,
        &[("OBTUI_ACCESS_KEY_ID", AK), ("OBTUI_ACCESS_KEY_SECRET", SK)],
        "/nonexistent-obtui-test",
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!stderr.contains("assword"), "no password asked: {stderr}");
    assert!(
        !stderr.contains(SK) && !stderr.contains("OCP-ACCESS-KEY-HMACSHA1 "),
        "{stderr}"
    );
    assert!(stderr.contains("OCP request"), "the log is on: {stderr}");
    assert!(stdout.contains(&id), "{stdout}\n{stderr}");
    assert!(
        !stderr.contains("401"),
        "the signed request was accepted: {stderr}"
    );
    // A wrong secret: refused by the verifier, and the secret is not printed.
    let out = obtui(
        &args,
        &[
            ("OBTUI_ACCESS_KEY_ID", AK),
            ("OBTUI_ACCESS_KEY_SECRET", "wrong-secret-1234"),
        ],
        "/nonexistent-obtui-test",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("signature mismatch"), "{stderr}");
    assert!(!stderr.contains("wrong-secret-1234"), "{stderr}");
    rt.block_on(h.shutdown());
}

#[test]
fn config_check_names_the_access_key_mode_without_the_secret() {
    let dir = std::env::temp_dir().join(format!("obtui-aksk-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("obtui")).unwrap();
    let sk_file = dir.join("sk");
    std::fs::write(&sk_file, SK).unwrap();
    std::fs::write(
        dir.join("obtui/config.toml"),
        format!(
            "[profiles.ak]\nurl = \"http://127.0.0.1:1\"\naccess_key_id = \"{AK}\"\naccess_key_secret_command = \"cat {}\"\n[profiles.basic]\nurl = \"http://127.0.0.1:1\"\n",
            sk_file.display()
        ),
    )
    .unwrap();
    let out = obtui(&["config", "check"], &[], dir.to_str().unwrap());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("AccessKey {AK} (AK/SK signature"))
            && stdout.contains("access_key_secret_command"),
        "{stdout}"
    );
    assert!(
        stdout.contains("admin with a password (HTTP Basic)"),
        "{stdout}"
    );
    // The command is named; the secret it prints is never shown.
    assert!(!stdout.contains(SK), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
