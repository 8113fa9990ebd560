//! What a wizard asks the app to fetch, and the plain inventory it gets back.
//!
//! These are the wizard's own small views of OCP objects: the app converts API models into them,
//! so the wizard (and its computed prechecks) do not depend on the wire shapes.

use super::error::WizardError;
use std::collections::BTreeMap;

/// Data a wizard needs. The app fetches it in the background and answers with a [`DataResponse`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DataRequest {
    /// `GET /api/v2/software-packages?type=OB_SERVER_INSTALL_PACKAGE` (OceanBase server packages).
    Packages,
    /// `GET /api/v2/compute/idcs`
    Idcs,
    /// `GET /api/v2/compute/hosts`
    Hosts,
    /// `GET /api/v2/compute/hostTypes`
    HostTypes,
    /// `GET /api/v2/profiles/me/credentials?targetType=HOST`
    Credentials,
    /// `GET /api/v2/ob/clusters`
    Clusters,
    /// `GET /api/v2/obproxy/clusters` (with each cluster's `obproxies[]` and `obLinks[]`).
    ProxyClusters,
    /// One cluster with its zones and servers, plus its RUNNING tasks
    /// (`GET /api/v2/tasks/instances?clusterId=…&status=RUNNING`).
    ClusterDetail { cluster_id: i64 },
    /// The cluster as the session's obshell agent reports it: zones and servers with their
    /// ports (`GET /api/v1/obcluster/info`).
    AgentCluster,
    /// The agent the session talks to and its cluster's agents (`GET /api/v1/info` and
    /// `GET /api/v1/ob/info`).
    Agents,
    /// Another agent's own view of itself (`GET http://ip:port/api/v1/info`, unauthenticated).
    AgentInfo { ip: String, port: u16 },
}

/// The app's answer to a [`DataRequest`]; `Err` carries why, typed (status, code, traceId).
#[derive(Debug, Clone)]
pub enum DataResponse {
    Packages(Result<Vec<Package>, WizardError>),
    Idcs(Result<Vec<Idc>, WizardError>),
    Hosts(Result<Vec<Host>, WizardError>),
    HostTypes(Result<Vec<HostType>, WizardError>),
    Credentials(Result<Vec<Credential>, WizardError>),
    Clusters(Result<Vec<ClusterBrief>, WizardError>),
    ProxyClusters(Result<Vec<ProxyCluster>, WizardError>),
    ClusterDetail(Result<ClusterDetail, WizardError>),
    AgentCluster(Result<AgentCluster, WizardError>),
    Agents(Result<AgentsView, WizardError>),
    AgentInfo {
        ip: String,
        port: u16,
        result: Result<AgentBrief, WizardError>,
    },
}

impl DataResponse {
    /// The request this answers.
    pub fn request(&self) -> DataRequest {
        match self {
            DataResponse::Packages(_) => DataRequest::Packages,
            DataResponse::Idcs(_) => DataRequest::Idcs,
            DataResponse::Hosts(_) => DataRequest::Hosts,
            DataResponse::HostTypes(_) => DataRequest::HostTypes,
            DataResponse::Credentials(_) => DataRequest::Credentials,
            DataResponse::Clusters(_) => DataRequest::Clusters,
            DataResponse::ProxyClusters(_) => DataRequest::ProxyClusters,
            DataResponse::ClusterDetail(r) => DataRequest::ClusterDetail {
                cluster_id: r.as_ref().map(|c| c.cluster.id).unwrap_or_default(),
            },
            DataResponse::AgentCluster(_) => DataRequest::AgentCluster,
            DataResponse::Agents(_) => DataRequest::Agents,
            DataResponse::AgentInfo { ip, port, .. } => DataRequest::AgentInfo {
                ip: ip.clone(),
                port: *port,
            },
        }
    }
}

/// A software package (`SoftwarePackageMeta`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Package {
    pub id: i64,
    /// e.g. `oceanbase-4.2.1.2-102000042023120514.el7.x86_64.rpm` (the value OCP bodies carry).
    pub file_name: String,
    pub name: String,
    /// e.g. `4.2.1.2`
    pub version: String,
    pub build_number: Option<String>,
    /// e.g. `el7`, `alios7`
    pub operating_system: String,
    /// e.g. `x86_64`, `aarch64`
    pub architecture: String,
    /// `OB_SERVER_INSTALL_PACKAGE`, `OBPROXY_INSTALL_PACKAGE`, …
    pub package_type: String,
}

impl Package {
    /// `version-buildNumber`, the form 4.3's upgrade body calls `destVersion`.
    pub fn full_version(&self) -> String {
        match &self.build_number {
            Some(b) if !b.is_empty() && !self.version.contains('-') => {
                format!("{}-{b}", self.version)
            }
            _ => self.version.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Idc {
    pub id: i64,
    pub name: String,
    pub region_name: Option<String>,
}

/// A host known to OCP.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Host {
    pub id: i64,
    pub ip: String,
    pub name: String,
    /// `NEW`, `AVAILABLE`, `ONLINE`, `OFFLINE`, `DELETING`
    pub status: String,
    pub idc_name: Option<String>,
    pub architecture: Option<String>,
    pub operating_system: Option<String>,
    /// Service types running on the host: `OB_CLUSTER`, `OB_PROXY`, …
    pub services: Vec<HostService>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostService {
    pub service_type: String,
    pub name: Option<String>,
    pub version: Option<String>,
}

impl Host {
    /// Free for a new OceanBase server: no OceanBase service on it yet.
    pub fn is_free(&self) -> bool {
        !self.services.iter().any(|s| s.service_type == "OB_CLUSTER")
    }

    /// What runs on the host, in words (`OBProxy proxy_main`, `OceanBase terran`); empty
    /// when nothing does.
    pub fn uses(&self) -> Vec<String> {
        self.services
            .iter()
            .map(|s| {
                let what = match s.service_type.as_str() {
                    "OB_PROXY" => "OBProxy",
                    "OB_CLUSTER" => "OceanBase",
                    other => other,
                };
                match s.name.as_deref().filter(|n| !n.is_empty()) {
                    Some(n) => format!("{what} {n}"),
                    None => what.to_string(),
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostType {
    pub id: i64,
    pub name: String,
}

/// A credential from the password box.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Credential {
    pub id: i64,
    pub name: String,
    pub target_type: String,
}

/// A cluster as the cluster list gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterBrief {
    pub id: i64,
    pub name: String,
    pub ob_cluster_id: Option<i64>,
    pub version: String,
    pub status: String,
    /// `PRIMARY` | `STANDBY`
    pub cluster_type: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerInfo {
    pub ip: String,
    pub host_id: Option<i64>,
    pub status: String,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZoneInfo {
    pub name: String,
    pub idc_name: Option<String>,
    pub servers: Vec<ServerInfo>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskBrief {
    pub id: i64,
    pub name: String,
    pub status: String,
}

/// One cluster in full: zones, servers, standby links and running tasks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterDetail {
    pub cluster: ClusterBrief,
    pub zones: Vec<ZoneInfo>,
    /// For a standby: its primary's name.
    pub primary_cluster: Option<String>,
    /// For a primary: its standbys' names.
    pub standby_clusters: Vec<String>,
    pub running_tasks: Vec<TaskBrief>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyServer {
    pub id: i64,
    pub host_id: i64,
    pub ip: String,
    pub sql_port: u16,
    pub exporter_port: Option<u16>,
    pub version: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObLink {
    pub cluster_name: String,
    pub ob_cluster_id: Option<i64>,
    pub status: Option<String>,
}

/// An OBProxy cluster with its proxies and the OceanBase clusters it links to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyCluster {
    pub id: i64,
    pub name: String,
    /// `CONFIG_URL` | `RS_LIST`
    pub work_mode: Option<String>,
    pub ob_links: Vec<ObLink>,
    pub proxies: Vec<ProxyServer>,
    /// Versions reported by the cluster (`versions[].version`).
    pub versions: Vec<String>,
}

/// An agent as it describes itself (`/info`) or as its cluster lists it (`/ob/info`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentBrief {
    pub ip: String,
    pub port: u16,
    /// `SINGLE`, `CLUSTER AGENT`, `MASTER`, `FOLLOWER`, …
    pub identity: String,
    /// The agent's own version, e.g. `4.2.4.1-…`.
    pub version: String,
    /// The OceanBase version it runs or installs (empty when unknown).
    pub ob_version: String,
    pub zone: String,
}

/// The agent the session talks to, and every agent of its cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentsView {
    pub receiver: AgentBrief,
    pub members: Vec<AgentBrief>,
    /// The cluster's OceanBase version.
    pub ob_version: String,
}

/// An observer with the ports it holds on its host.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentServer {
    pub ip: String,
    pub rpc_port: u16,
    pub sql_port: u16,
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentZone {
    pub name: String,
    pub servers: Vec<AgentServer>,
}

/// The cluster an obshell agent belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentCluster {
    pub name: String,
    pub ob_version: String,
    pub zones: Vec<AgentZone>,
}

/// The answer about one agent address: kept with its address, so an answer for an address
/// the user has since changed is not taken for the new one.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetInfo {
    pub ip: String,
    pub port: u16,
    /// The agent's `/info`, or why it could not be read (unreachable, not an agent).
    pub result: Result<AgentBrief, WizardError>,
}

/// Everything the wizard has received. `None` = not loaded yet.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub packages: Option<Vec<Package>>,
    pub idcs: Option<Vec<Idc>>,
    pub hosts: Option<Vec<Host>>,
    pub host_types: Option<Vec<HostType>>,
    pub credentials: Option<Vec<Credential>>,
    pub clusters: Option<Vec<ClusterBrief>>,
    pub proxy_clusters: Option<Vec<ProxyCluster>>,
    pub cluster: Option<ClusterDetail>,
    pub agent_cluster: Option<AgentCluster>,
    pub agents: Option<AgentsView>,
    /// The last agent looked up by address (an unreachable one is a finding, not a load error).
    pub target: Option<TargetInfo>,
    /// Load errors by request, shown where the data would be.
    pub errors: BTreeMap<DataRequest, WizardError>,
}

impl Inventory {
    /// Store one answer; an error keeps the previous data (stale beats empty) and records why.
    pub fn apply(&mut self, r: DataResponse) {
        let key = r.request();
        fn put<T>(
            slot: &mut Option<T>,
            r: Result<T, WizardError>,
            key: DataRequest,
            errs: &mut BTreeMap<DataRequest, WizardError>,
        ) {
            match r {
                Ok(v) => {
                    *slot = Some(v);
                    errs.remove(&key);
                }
                Err(e) => {
                    errs.insert(key, e);
                }
            }
        }
        let errs = &mut self.errors;
        match r {
            DataResponse::Packages(r) => put(&mut self.packages, r, key, errs),
            DataResponse::Idcs(r) => put(&mut self.idcs, r, key, errs),
            DataResponse::Hosts(r) => put(&mut self.hosts, r, key, errs),
            DataResponse::HostTypes(r) => put(&mut self.host_types, r, key, errs),
            DataResponse::Credentials(r) => put(&mut self.credentials, r, key, errs),
            DataResponse::Clusters(r) => put(&mut self.clusters, r, key, errs),
            DataResponse::ProxyClusters(r) => put(&mut self.proxy_clusters, r, key, errs),
            DataResponse::AgentCluster(r) => put(&mut self.agent_cluster, r, key, errs),
            DataResponse::Agents(r) => put(&mut self.agents, r, key, errs),
            DataResponse::AgentInfo { ip, port, result } => {
                self.target = Some(TargetInfo { ip, port, result })
            }
            DataResponse::ClusterDetail(r) => {
                // The error variant cannot name its cluster; file it under the detail slot.
                let key = match (&r, &self.cluster) {
                    (Err(_), Some(c)) => DataRequest::ClusterDetail {
                        cluster_id: c.cluster.id,
                    },
                    _ => key,
                };
                if r.is_err() {
                    self.errors
                        .retain(|k, _| !matches!(k, DataRequest::ClusterDetail { .. }));
                }
                put(&mut self.cluster, r, key, &mut self.errors)
            }
        }
    }

    /// What is known about the agent at `ip:port`, if it was looked up.
    pub fn target_at(&self, ip: &str, port: u16) -> Option<&Result<AgentBrief, WizardError>> {
        self.target
            .as_ref()
            .filter(|t| t.ip == ip && t.port == port)
            .map(|t| &t.result)
    }

    pub fn host(&self, id: i64) -> Option<&Host> {
        self.hosts.as_ref()?.iter().find(|h| h.id == id)
    }

    /// The load error for a kind of data, if its last load failed.
    pub fn error_for(&self, req: &DataRequest) -> Option<&WizardError> {
        match req {
            DataRequest::ClusterDetail { .. } => self
                .errors
                .iter()
                .find(|(k, _)| matches!(k, DataRequest::ClusterDetail { .. }))
                .map(|(_, v)| v),
            _ => self.errors.get(req),
        }
    }
}

/// Compare OceanBase / OBProxy version strings: numeric dotted parts first, then the build
/// suffix after `-` (numerically when both are numbers). `4.2.1.2 < 4.2.10`, `4.2.1-100 < 4.2.1-200`.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(v: &str) -> (Vec<u64>, &str) {
        let v = v.trim().trim_start_matches(['v', 'V']);
        let (main, build) = v.split_once('-').unwrap_or((v, ""));
        let nums = main
            .split('.')
            .map(|p| {
                let d: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
                d.parse().unwrap_or(0)
            })
            .collect();
        (nums, build)
    }
    let (an, ab) = split(a);
    let (bn, bb) = split(b);
    let len = an.len().max(bn.len());
    for i in 0..len {
        let x = an.get(i).copied().unwrap_or(0);
        let y = bn.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    match (ab.parse::<u64>(), bb.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => ab.cmp(bb),
    }
}

/// Only the leading `major.minor.patch…` part of a version, for "is this newer" questions that
/// must not depend on build numbers the cluster list does not give.
pub fn version_core(v: &str) -> &str {
    v.split_once('-').map(|(m, _)| m).unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("4.2.1.2", "4.2.10"), Less);
        assert_eq!(compare_versions("4.2.1", "4.2.1.0"), Equal);
        assert_eq!(compare_versions("4.3.0.1", "4.2.5"), Greater);
        assert_eq!(
            compare_versions("2.2.75-20210108170301", "2.2.75-20201211175814"),
            Greater
        );
        assert_eq!(compare_versions("1.9.1.1-1919579", "1.8.0"), Greater);
        assert_eq!(compare_versions("", "1"), Less);
        assert_eq!(version_core("2.2.77-202204041221"), "2.2.77");
    }

    #[test]
    fn errors_keep_stale_data() {
        let mut inv = Inventory::default();
        inv.apply(DataResponse::Idcs(Ok(vec![Idc {
            id: 1,
            name: "hz1".into(),
            region_name: None,
        }])));
        inv.apply(DataResponse::Idcs(Err("HTTP 500".into())));
        assert_eq!(inv.idcs.as_ref().map(Vec::len), Some(1));
        assert_eq!(
            inv.error_for(&DataRequest::Idcs).map(ToString::to_string),
            Some("HTTP 500".into())
        );
        inv.apply(DataResponse::Idcs(Ok(vec![])));
        assert_eq!(inv.error_for(&DataRequest::Idcs), None);
    }

    #[test]
    fn full_version() {
        let p = Package {
            version: "4.2.1.2".into(),
            build_number: Some("102".into()),
            ..Default::default()
        };
        assert_eq!(p.full_version(), "4.2.1.2-102");
    }
}
