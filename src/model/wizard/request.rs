//! The write a wizard asks the app to send, and how it went.
//!
//! Requests carry the typed bodies of `obtui_api::ocp` and `obtui_api::obshell` (secrets are
//! `Secret`s that only the serializer exposes); the summary step shows their `to_masked_json()`.

use obtui_api::obshell::ScaleOutRequest;
use obtui_api::ocp::{
    CreateClusterRequest, ObproxyTakeoverRequest, TakeoverPrecheckRequest, TakeoverRequest,
    UpgradeRequest,
};
use obtui_api::ApiError;
use obtui_task::Backend;
use serde_json::Value;

pub use obtui_api::ocp::MASK;

/// The name the write enum had when every write went to OCP.
pub type OcpWrite = Write;

/// One write, typed. The app sends it with the matching `OcpClient` or `ObshellClient` method.
#[derive(Debug, Clone)]
pub enum Write {
    /// `OcpClient::create_cluster`
    CreateCluster(CreateClusterRequest),
    /// `OcpClient::takeover`
    TakeoverCluster(TakeoverRequest),
    /// `OcpClient::upgrade_cluster(cluster_id, body)`
    UpgradeCluster {
        cluster_id: i64,
        body: UpgradeRequest,
    },
    /// `OcpClient::obproxy_takeover(proxy_cluster_id, body)`: one task per host.
    TakeoverProxy {
        proxy_cluster_id: i64,
        body: ObproxyTakeoverRequest,
    },
    /// `ObshellClient::scale_out`: answered with the "Cluster scale out" DAG.
    ScaleOut(ScaleOutRequest),
}

impl Write {
    pub fn method(&self) -> &'static str {
        "POST"
    }

    /// The server that takes this write, and where the task it creates lives.
    pub fn backend(&self) -> Backend {
        match self {
            Write::ScaleOut(_) => Backend::Obshell,
            _ => Backend::Ocp,
        }
    }

    pub fn path(&self) -> String {
        match self {
            OcpWrite::CreateCluster(_) => "/api/v2/ob/clusters".into(),
            OcpWrite::TakeoverCluster(_) => "/api/v2/ob/clusters/takeOver".into(),
            OcpWrite::UpgradeCluster { cluster_id, .. } => {
                format!("/api/v2/ob/clusters/{cluster_id}/upgrade")
            }
            OcpWrite::TakeoverProxy {
                proxy_cluster_id, ..
            } => {
                format!("/api/v2/obproxy/clusters/{proxy_cluster_id}/takeOver")
            }
            OcpWrite::ScaleOut(_) => "/api/v1/ob/scale_out".into(),
        }
    }

    /// The JSON body as it will be sent, secrets masked.
    pub fn masked_body(&self) -> Value {
        match self {
            OcpWrite::CreateCluster(b) => b.to_masked_json(),
            OcpWrite::TakeoverCluster(b) => b.to_masked_json(),
            OcpWrite::UpgradeCluster { body, .. } => body.to_masked_json(),
            OcpWrite::TakeoverProxy { body, .. } => body.to_masked_json(),
            OcpWrite::ScaleOut(b) => b.to_masked_json(),
        }
    }

    pub fn masked_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.masked_body()).unwrap_or_else(|_| "{}".into())
    }

    /// Wipe the secrets this request carries.
    pub fn wipe(&mut self) {
        match self {
            OcpWrite::CreateCluster(b) => b.password.clear(),
            OcpWrite::TakeoverCluster(b) => {
                b.root_sys_password.clear();
                if let Some(p) = &mut b.proxyro_password {
                    p.clear();
                }
            }
            OcpWrite::UpgradeCluster { .. } => {}
            OcpWrite::TakeoverProxy { body, .. } => {
                for p in body
                    .hosts
                    .iter_mut()
                    .filter_map(|h| h.proxysys_passwd.as_mut())
                {
                    p.clear();
                }
            }
            OcpWrite::ScaleOut(b) => {
                if let Some(p) = &mut b.target_agent_password {
                    p.clear();
                }
            }
        }
    }
}

/// Hints for finding the task a timed-out submit may have created
/// (`GET /api/v2/tasks/instances?…` filtered by these, started after `submitted_at`).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLookup {
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    /// The hosts the write acts on, for a write that names no cluster (the OBProxy takeover:
    /// one task per host). When not empty, a task's host must be one of them.
    pub host_ids: Vec<i64>,
    /// A word the task's name contains, e.g. "Create", "Take over", "upgrade".
    pub name_contains: String,
    /// Wall-clock time the request was sent (Unix ms).
    pub submitted_at_ms: i64,
}

/// What a look-up after an unknown outcome found: the task (only one that provably belongs
/// to the request), and one line per task looked at, saying why it is not ours.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LookupReport {
    pub task: Option<String>,
    pub checked: Vec<String>,
}

/// The write itself.
#[derive(Debug, Clone)]
pub struct SubmitRequest {
    pub kind: super::WizardKind,
    pub write: Write,
    pub lookup: TaskLookup,
}

/// An API precheck to call, then answer `on_precheck` with its items.
#[derive(Debug, Clone)]
pub enum PrecheckRequest {
    /// `OcpClient::takeover_precheck`, mapped by `precheck::takeover_items`.
    TakeoverCluster(TakeoverPrecheckRequest),
}

impl PrecheckRequest {
    pub fn path(&self) -> String {
        match self {
            PrecheckRequest::TakeoverCluster(_) => "/api/v2/ob/clusters/takeOverPreCheck".into(),
        }
    }
    pub fn masked_body(&self) -> Value {
        match self {
            PrecheckRequest::TakeoverCluster(b) => b.to_masked_json(),
        }
    }
}

/// How a submit failed, as the operator needs it for a ticket (the wizards' one error type).
pub type SubmitError = super::error::WizardError;

/// The app's answer to a submit.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitOutcome {
    /// Accepted; the id of the task it created.
    Ok(String),
    /// Accepted; the ids of the tasks it created, one per host (an OBProxy take-over answers
    /// `data.contents[]`, one task for each host taken over).
    Many(Vec<String>),
    /// Refused or failed before reaching the server.
    Err(SubmitError),
    /// Sent, but no answer (timeout, reset): it may have been acted on. The app looks for the
    /// task it may have created and calls `on_submit_unknown_found`.
    Unknown,
}

impl SubmitOutcome {
    /// Map a client result: timeouts and resets after sending are `Unknown`, never `Err`.
    pub fn from_result(r: Result<String, ApiError>) -> SubmitOutcome {
        match r {
            Ok(id) => SubmitOutcome::Ok(id),
            Err(e) if e.outcome_unknown() => SubmitOutcome::Unknown,
            Err(e) => SubmitOutcome::Err(SubmitError::from_api(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_only_on_the_wire() {
        let mut w = OcpWrite::TakeoverProxy {
            proxy_cluster_id: 5,
            body: ObproxyTakeoverRequest {
                hosts: vec![obtui_api::ocp::ObproxyTakeoverHost {
                    host_id: 1,
                    sql_port: 2883,
                    proxysys_passwd: Some(obtui_api::secret::Secret::new("aaBB11__")),
                }],
            },
        };
        assert_eq!(w.path(), "/api/v2/obproxy/clusters/5/takeOver");
        assert_eq!(w.masked_body()["hosts"][0]["proxysysPasswd"], MASK);
        assert!(!w.masked_pretty().contains("aaBB11__"));
        assert!(!format!("{w:?}").contains("aaBB11__"));
        let OcpWrite::TakeoverProxy { body, .. } = &w else {
            unreachable!()
        };
        assert!(serde_json::to_string(body).unwrap().contains("aaBB11__"));
        w.wipe();
        let OcpWrite::TakeoverProxy { body, .. } = &w else {
            unreachable!()
        };
        assert!(body.hosts[0].proxysys_passwd.as_ref().unwrap().is_empty());
    }

    #[test]
    fn error_line_keeps_status_code_and_trace() {
        let e = ApiError::Server {
            status: 400,
            code: Some("10001".into()),
            message: "bad name".into(),
            trace_id: Some("abc".into()),
            retry_after_secs: None,
            envelope: true,
        };
        let s = SubmitError::from_api(&e);
        assert_eq!(s.line(), "HTTP 400 [10001]: bad name (traceId abc)");
        let t = ApiError::Transport {
            kind: obtui_api::error::TransportKind::Timeout,
            message: "x".into(),
        };
        assert_eq!(SubmitOutcome::from_result(Err(t)), SubmitOutcome::Unknown);
    }
}
