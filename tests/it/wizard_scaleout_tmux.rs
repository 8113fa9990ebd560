//! The scale-out wizard end to end with the real binary in a terminal (tmux): an obshell-only
//! profile (temporary `XDG_CONFIG_HOME`) points at simulated obshell agents served from this
//! test process. One SINGLE agent is scaled out through the API first, so a server holds
//! 2881/2882 on 127.0.0.1; the wizard then adds the other SINGLE agent on that host: the
//! precheck FAILs on the port clash, the ports are fixed, the request is submitted and
//! confirmed, the DAG reaches SUCCEED, and the cluster detail lists the new server.

use crate::common;

use common::obshell::scale_out_directly;
use common::tmux::{bin, Tmux};
use obtui_api::obshell::AgentAddr;
use obtui_api::secret::Secret;
use std::time::Duration;

const T: Duration = Duration::from_secs(30);
const PASSWORD: &str = "rootpass";

#[test]
fn scale_out_wizard_in_the_terminal() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let agents = rt
        .block_on(obtui_sim::obshell::start_agents(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            5,
            20.0,
            Secret::new(PASSWORD),
        ))
        .expect("obshell agents");
    let url = format!("http://{}", agents.cluster_agent().addr);
    let singles: Vec<AgentAddr> = agents.singles().map(|e| e.agent.clone()).collect();
    assert_eq!(singles.len(), 2);
    let (first, target) = (singles[0].clone(), singles[1].clone());
    rt.block_on(scale_out_directly(&url, PASSWORD, &first, "zone1", T));

    let dir = std::env::temp_dir().join(format!("obtui-e2e-scale-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("obtui")).unwrap();
    std::fs::write(
        dir.join("obtui/config.toml"),
        format!("[profiles.ob]\nobshell_url = \"{url}\"\nrefresh = 1\n"),
    )
    .unwrap();
    let xdg = dir.to_string_lossy().to_string();
    let t = Tmux::start(
        "scaleout",
        130,
        40,
        &[("LANG", "C.UTF-8")],
        &[
            "env",
            &format!("XDG_CONFIG_HOME={xdg}"),
            &format!("OBTUI_PASSWORD={PASSWORD}"),
            bin(),
            "--profile",
            "ob",
        ],
    );
    t.wait_for("the obshell cluster", T, |s| {
        s.contains("obshell-sim") && s.contains("Clusters [")
    });

    // Open the wizard by command and fill the target.
    t.keys(&[":"]);
    t.literal("scale-out");
    t.keys(&["Enter"]);
    t.wait_text("Target agent IP", T);
    t.literal(&target.ip);
    t.keys(&["Tab", "C-u"]);
    t.literal(&target.port.to_string());
    t.wait_text(&format!("{}", target.port), T);
    // The zone list: Enter opens it, typing filters, Enter takes the match.
    t.keys(&["Tab", "Enter"]);
    t.wait_text("new zone…", T);
    t.literal("zone2");
    t.keys(&["Enter"]);
    t.wait_for("the list closed", T, |s| !s.contains("new zone…"));
    t.keys(&["C-n"]);
    t.wait_text("mysql_port", T);

    // Default ports 2881 / 2882: the precheck FAILs on the clash with the first server.
    t.keys(&["C-n"]);
    // The whole list, not only its header line: a frame can be captured half-written.
    let s = t.wait_for("the precheck", T, |s| {
        s.contains(" FAIL — ") && s.contains("FAIL ports free")
    });
    assert!(s.contains("FAIL ports free"), "{s}");
    assert!(s.contains(&format!("{}:2882", target.ip)), "{s}");
    t.keys(&["Enter"]);
    t.wait_text("Submit is refused", T);

    // Back to the obConfigs (focus on mysql_port), new ports, check again.
    t.keys(&["b"]);
    t.wait_for("the obConfigs step", T, |s| {
        s.contains("rpc_port") && !s.contains("FAIL ports")
    });
    t.keys(&["C-u"]);
    t.literal("3881");
    t.keys(&["Tab", "C-u"]);
    t.literal("3882");
    t.wait_text("3882", T);
    t.keys(&["C-n"]);
    // Wait for the whole list, not only its header line: a frame can be captured half-written.
    let s = t.wait_for("the precheck to pass", T, |s| {
        s.contains("0 FAIL — Enter continues") && s.contains("PASS ports free")
    });
    assert!(!s.contains("FAIL ports"), "{s}");

    // Summary, then the confirmation (Tab to Submit, Enter).
    t.keys(&["Enter"]);
    // The precheck step names the request too: wait for the summary's body.
    t.wait_for("the summary with the request body", T, |s| {
        s.contains("POST /api/v1/ob/scale_out") && s.contains("\"rpc_port\": \"3882\"")
    });
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", T, |s| {
        s.contains("Cancel") && s.contains("Submit")
    });
    t.keys(&["Tab", "Enter"]);

    // The obshell DAG opens and runs to SUCCEED.
    let s = t.wait_for("the DAG to succeed", T, |s| {
        // The header line: name, id, state.
        s.lines()
            .any(|l| l.contains("Cluster scale out #") && l.contains("SUCCESSFUL"))
    });
    assert!(s.contains("Add server for scale_out"), "{s}");

    // Back to the clusters pane: the cluster detail lists the new server.
    t.keys(&["Escape"]);
    t.wait_for("the clusters pane", T, |s| {
        s.contains("Clusters [") && !s.contains("Add server for scale_out")
    });
    t.keys(&["Enter"]);
    let s = t.wait_for("the new server in the detail", T, |s| {
        s.contains("rpc 3882") && s.contains("sql 3881")
    });
    assert!(
        s.lines()
            .any(|l| l.contains(&target.ip) && l.contains("rpc 3882")),
        "{s}"
    );

    t.keys(&["Escape"]);
    t.wait_for("the detail closed", T, |s| !s.contains("rpc 3882"));
    t.keys(&["q"]);
    t.wait_for("exit", T, |_| t.dead());
    assert_eq!(t.exit_status(), Some(0));
    rt.block_on(agents.shutdown());
    let _ = std::fs::remove_dir_all(&dir);
}
