//! obshell helpers for the scale-out tests.

#![allow(dead_code)]

use obtui_api::obshell::{AgentAddr, ObshellClient, ObshellConfig, ScaleOutRequest, TaskState};
use obtui_api::secret::Secret;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Scale `target` into the cluster behind `url` through the API (default ports 2881 / 2882),
/// and wait up to `deadline` for its DAG to succeed.
pub async fn scale_out_directly(
    url: &str,
    password: &str,
    target: &AgentAddr,
    zone: &str,
    deadline: Duration,
) {
    let c = ObshellClient::new(ObshellConfig::new(url, Secret::new(password))).expect("client");
    let configs: BTreeMap<String, String> = [("mysql_port", "2881"), ("rpc_port", "2882")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dag = c
        .scale_out(&ScaleOutRequest {
            agent_info: target.clone(),
            ob_configs: configs,
            zone: zone.into(),
            target_agent_password: None,
        })
        .await
        .expect("scale out");
    let end = Instant::now() + deadline;
    loop {
        let d = c.dag(&dag.id, false).await.expect("dag");
        match d.state {
            TaskState::Succeed => return,
            TaskState::Failed => panic!("the first scale-out failed: {d:?}"),
            _ if Instant::now() > end => panic!("the first scale-out did not finish: {d:?}"),
            // Poll the simulator's DAG; it finishes within a second or two.
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
