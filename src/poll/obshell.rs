//! The obshell backend behind the DAG view and its operations. What the panes show of an
//! obshell agent is converted in `poll::convert::obshell`.

use obtui_api::obshell::models::DagOperation;
use obtui_api::obshell::ObshellClient;
use obtui_api::ApiError;
use obtui_task::{Op, TaskGraph};

/// One poll of a DAG, as the neutral graph.
pub async fn task_graph(c: &ObshellClient, id: &str) -> Result<TaskGraph, ApiError> {
    let d = c.dag(id, true).await?;
    TaskGraph::try_from(&d).map_err(|e| ApiError::Request(e.to_string()))
}

/// The log of a node: its sub_tasks' logs, each headed by the agent that ran it.
pub async fn node_log(c: &ObshellClient, node_id: &str) -> Result<String, ApiError> {
    let node = c.node(node_id).await?;
    let mut out = String::new();
    for st in node.sub_tasks.unwrap_or_default() {
        let agent = st
            .execute_agent
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_else(|| "?".into());
        out.push_str(&format!("── {} on {agent} ──\n", st.name));
        for l in c.sub_task_logs(&st.id).await? {
            out.push_str(&l.log_content);
            if !l.log_content.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// DAG operators (RETRY / ROLLBACK / CANCEL / PASS) and node PASS.
pub async fn operate(
    c: &ObshellClient,
    dag: &str,
    op: Op,
    node: Option<&str>,
) -> Result<(), ApiError> {
    match (op, node) {
        (Op::Pass, Some(n)) => c.pass_node(n).await,
        (Op::Retry, None) => c.operate_dag(dag, DagOperation::Retry).await,
        (Op::Rollback, None) => c.operate_dag(dag, DagOperation::Rollback).await,
        (Op::Cancel, None) => c.operate_dag(dag, DagOperation::Cancel).await,
        (Op::Pass, None) => c.operate_dag(dag, DagOperation::Pass).await,
        (op, _) => Err(ApiError::Request(format!(
            "obshell has no {} operation for this target",
            op.name()
        ))),
    }
}
