//! Scale out a cluster through its obshell agent: `POST /api/v1/ob/scale_out`.
//!
//! The target is a SINGLE agent, named by address. obshell checks little before it starts the
//! DAG, and a DAG that fails half-way leaves a server to clean up, so the checks here repeat
//! what obshell checks (identity, versions, membership) and add what it does not (ports already
//! used on that host, sizes that parse, memory_limit above system_memory), all computed from
//! the cluster agent's answers and the target's own `/info`.

use super::data::{compare_versions, AgentBrief, DataRequest, Inventory};
use super::request::{SubmitRequest, TaskLookup, Write};
use super::{
    validate, Choice, Cond, Field, FieldPath, Rule, Step, StepKind, Value, Wizard, WizardContext,
};
use crate::model::wizard::precheck::PrecheckItem;
use crate::model::wizard::WizardKind;
use obtui_api::obshell::{AgentAddr, ScaleOutRequest};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Scale out a cluster (obshell).
#[derive(Debug)]
pub struct ScaleOutSpec;

impl super::WizardSpec for ScaleOutSpec {
    fn form(&self, ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
        form(ctx)
    }
    fn needs(&self, w: &Wizard) -> Vec<DataRequest> {
        needs(w)
    }
    fn options(
        &self,
        w: &Wizard,
        id: &str,
        item: Option<(usize, usize)>,
    ) -> Option<Option<Vec<Choice>>> {
        options(w, id, item)
    }
    fn cross_check(&self, w: &Wizard) -> Vec<(FieldPath, String)> {
        cross_check(w)
    }
    fn submit_request(&self, w: &Wizard) -> Result<(SubmitRequest, String), String> {
        submit_request(w)
    }
    /// The cluster named on purpose (`:scale-out NAME`), else the agent's own, once known.
    fn target_name(&self, w: &Wizard) -> Option<String> {
        w.ctx
            .cluster
            .as_ref()
            .map(|(_, n)| n.clone())
            .or_else(|| w.inventory.agent_cluster.as_ref().map(|c| c.name.clone()))
    }
    fn computed_precheck(&self, w: &Wizard) -> Vec<PrecheckItem> {
        let mut out: Vec<PrecheckItem> = named_cluster_check(w).into_iter().collect();
        out.extend(precheck(&form_values(w), &w.inventory));
        out
    }
}
/// A cluster named on purpose (`:scale-out NAME`) must be the one the agent manages: the
/// request goes to that agent, whatever name was typed.
fn named_cluster_check(w: &Wizard) -> Option<PrecheckItem> {
    let (_, want) = w.ctx.cluster.as_ref()?;
    let got = &w.inventory.agent_cluster.as_ref()?.name;
    let agent = w
        .ctx
        .agent
        .as_deref()
        .unwrap_or("the session's obshell agent");
    Some(if got == want {
        PrecheckItem::pass("agent's cluster", format!("{agent} manages cluster {got}"))
    } else {
        PrecheckItem::fail(
            "agent's cluster",
            format!("{agent} manages cluster {got}, not {want}"),
            format!("scale out {got} (:scale-out {got}), or use a profile whose obshell_url is an agent of {want}"),
        )
    })
}

/// The select value that stands for "a zone not in the cluster yet".
pub const NEW_ZONE: &str = "+new";

/// The oldest agent obshell lets join a cluster (`OB.Cluster.ScaleOutLowerVersion`).
pub const MIN_AGENT_VERSION: &str = "4.2.4.1";

/// obConfigs offered with a value, in form order: (key, default).
pub const PREFILLED: [(&str, &str); 6] = [
    ("mysql_port", "2881"),
    ("rpc_port", "2882"),
    ("memory_limit", "16G"),
    ("system_memory", "8G"),
    ("log_disk_size", "24G"),
    ("datafile_size", "24G"),
];

/// obConfigs whose values are sizes (a number and a unit).
const SIZE_KEYS: [&str; 6] = [
    "memory_limit",
    "system_memory",
    "log_disk_size",
    "datafile_size",
    "datafile_maxsize",
    "datafile_next",
];

/// Ports obshell reads when the configs omit them.
const DEFAULT_SQL_PORT: u16 = 2881;
const DEFAULT_RPC_PORT: u16 = 2882;

/// The form, as the checks and the request need it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScaleOutForm {
    /// The target agent's address.
    pub ip: String,
    pub port: u16,
    /// The zone the server joins (an existing one, or a new name).
    pub zone: String,
    /// Every obConfig to send, as strings; empty values are left out.
    pub configs: BTreeMap<String, String>,
}

field_ids! {
    /// The scale-out form's fixed fields (key, value: an extra obConfig's). The obConfig
    /// fields of [`PREFILLED`] are named by their obConfig key, so they are looked up by name.
    pub enum Id {
        Ip = "ip",
        Port = "port",
        Zone = "zone",
        NewZone = "new_zone",
        Password = "password",
        Extra = "extra",
        Key = "key",
        Value = "value",
    }
}

impl ScaleOutForm {
    /// A config's port, with obshell's default when it is not given.
    fn port_of(&self, keys: [&str; 2], default: u16) -> Result<u16, String> {
        match keys.iter().find_map(|k| self.configs.get(*k)) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("{}={v:?} is not a port", keys[0])),
        }
    }
    pub fn sql_port(&self) -> Result<u16, String> {
        self.port_of(["mysql_port", "mysqlPort"], DEFAULT_SQL_PORT)
    }
    pub fn rpc_port(&self) -> Result<u16, String> {
        self.port_of(["rpc_port", "rpcPort"], DEFAULT_RPC_PORT)
    }
}

fn needs(w: &Wizard) -> Vec<DataRequest> {
    let mut v = vec![DataRequest::AgentCluster, DataRequest::Agents];
    let ip = w.text(Id::Ip).trim();
    if validate::address(ip).is_ok() {
        if let Ok(port) = validate::port(w.text(Id::Port)) {
            v.push(DataRequest::AgentInfo {
                ip: ip.to_string(),
                port,
            });
        }
    }
    v
}

fn form(_ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
    let mut fields = vec![
        Field::text(
            Id::Ip.key(),
            "Target agent IP",
            "the SINGLE obshell agent to add, at the address the cluster reaches it by",
            Rule::Address,
        ),
        Field::port(
            Id::Port.key(),
            "Target agent port",
            "the target agent's HTTP port (obshell's default is 2886)",
            2886,
        ),
        Field::select(
            Id::Zone.key(),
            "Zone",
            "an existing zone, or a new one (a new zone adds two stages to the DAG)",
            None,
        ),
        Field::text(
            Id::NewZone.key(),
            "New zone name",
            "1–32 characters: letters, digits and _; must start with a letter",
            Rule::ZoneName,
        )
        .when(Cond::Eq(Id::Zone.key(), NEW_ZONE)),
        Field::password(
            Id::Password.key(),
            "Target agent password",
            "optional: the target agent's password, if it has one (obshell 4.2.6 and later)",
            Rule::ExistingPassword,
        )
        .optional(),
    ];
    for (key, default) in PREFILLED {
        let f = match key {
            "mysql_port" => Field::port(
                "mysql_port",
                "mysql_port",
                "the new server's SQL port",
                DEFAULT_SQL_PORT,
            ),
            "rpc_port" => Field::port(
                "rpc_port",
                "rpc_port",
                "the new server's RPC port",
                DEFAULT_RPC_PORT,
            ),
            _ => Field::text(key, key, size_help(key), Rule::MaxLen(32))
                .optional()
                .with_value(Value::Text(default.into())),
        };
        fields.push(f);
    }
    let pair = vec![
        Field::text(
            Id::Key.key(),
            "Key",
            "an observer parameter name, e.g. cpu_count",
            Rule::MaxLen(128),
        ),
        Field::text(
            Id::Value.key(),
            "Value",
            "its value; sent as a string",
            Rule::MaxLen(256),
        ),
    ];
    fields.push(Field::group(
        Id::Extra.key(),
        "More obConfigs",
        "further observer parameters as key / value pairs",
        pair,
        0,
        32,
        "parameter",
    ));
    let steps = vec![
        Step {
            title: "Target",
            kind: StepKind::Form(vec![
                Id::Ip.key(),
                Id::Port.key(),
                Id::Zone.key(),
                Id::NewZone.key(),
                Id::Password.key(),
            ]),
        },
        Step {
            title: "obConfigs",
            // The obConfig fields are named by their keys, in PREFILLED's order.
            kind: StepKind::Form(
                PREFILLED
                    .iter()
                    .map(|(k, _)| *k)
                    .chain([Id::Extra.key()])
                    .collect(),
            ),
        },
        Step {
            title: "Precheck",
            kind: StepKind::Precheck,
        },
        Step {
            title: "Summary",
            kind: StepKind::Summary,
        },
    ];
    (steps, fields)
}

fn size_help(key: &str) -> &'static str {
    match key {
        "memory_limit" => "memory for the observer, e.g. 16G (empty leaves it out)",
        "system_memory" => "memory reserved for the system tenant, below memory_limit, e.g. 8G",
        "log_disk_size" => "the clog disk size, e.g. 24G (empty leaves it out)",
        _ => "the data file size, e.g. 24G (empty leaves it out)",
    }
}

fn options(w: &Wizard, id: &str, _item: Option<(usize, usize)>) -> Option<Option<Vec<Choice>>> {
    match Id::from_key(id)? {
        Id::Zone => {
            let new = Choice::new(
                NEW_ZONE,
                "new zone…",
                "a zone the cluster does not have yet (adds two DAG stages)",
            );
            let Some(c) = &w.inventory.agent_cluster else {
                // Without the list a new zone can still be named.
                return match w.inventory.error_for(&DataRequest::AgentCluster) {
                    Some(_) => Some(Some(vec![new])),
                    None => Some(None),
                };
            };
            let mut v: Vec<Choice> = c
                .zones
                .iter()
                .map(|z| {
                    let ips: Vec<&str> = z.servers.iter().map(|s| s.ip.as_str()).collect();
                    Choice::new(
                        &z.name,
                        &z.name,
                        format!("{} server(s): {}", z.servers.len(), ips.join(", ")),
                    )
                })
                .collect();
            v.push(new);
            Some(Some(v))
        }
        _ => None,
    }
}

/// Rules across fields: extra keys neither repeat nor shadow the fields above. (Equal ports
/// are the precheck's to report: a form rule would fire half-way through typing them.)
fn cross_check(w: &Wizard) -> Vec<(FieldPath, String)> {
    let mut out = Vec::new();
    // obshell names agents by IP (`agentInfo.ip`); a host name is refused by the server.
    if let Some(i) = w.index(Id::Ip) {
        let ip = w.text(Id::Ip).trim();
        if validate::address(ip).is_ok() && ip.parse::<std::net::IpAddr>().is_err() {
            out.push((
                FieldPath { top: i, item: None },
                "an IP address: obshell names agents by IP, not by host name".into(),
            ));
        }
    }
    if let Some(top) = w.index(Id::Extra) {
        let mut seen: Vec<String> = PREFILLED.iter().map(|(k, _)| k.to_string()).collect();
        for (i, item) in w.items(Id::Extra).iter().enumerate() {
            let Some(k) = item.iter().position(|f| f.id == Id::Key.key()) else {
                continue;
            };
            let key = item[k].text_value().trim();
            let path = FieldPath {
                top,
                item: Some((i, k)),
            };
            if key.chars().any(char::is_whitespace) {
                out.push((path, "a parameter name has no spaces".into()));
            } else if PREFILLED.iter().any(|(p, _)| *p == key) {
                out.push((path, format!("{key} has its own field above")));
            } else if !key.is_empty() && seen.iter().any(|s| s == key) {
                out.push((path, format!("{key} is given twice")));
            }
            seen.push(key.to_string());
        }
    }
    out
}

pub fn form_values(w: &Wizard) -> ScaleOutForm {
    let zone = match w.choice(Id::Zone) {
        Some(NEW_ZONE) => w.text(Id::NewZone).trim().to_string(),
        Some(z) => z.to_string(),
        None => String::new(),
    };
    let mut configs = BTreeMap::new();
    for (key, _) in PREFILLED {
        let v = w.text_named(key).trim();
        if !v.is_empty() {
            configs.insert(key.to_string(), v.to_string());
        }
    }
    for item in w.items(Id::Extra) {
        let get = |id: Id| {
            item.iter()
                .find(|f| f.id == id.key())
                .map(|f| f.text_value().trim().to_string())
                .unwrap_or_default()
        };
        let (k, v) = (get(Id::Key), get(Id::Value));
        if !k.is_empty() {
            configs.entry(k).or_insert(v);
        }
    }
    ScaleOutForm {
        ip: w.text(Id::Ip).trim().to_string(),
        port: validate::port(w.text(Id::Port)).unwrap_or(0),
        zone,
        configs,
    }
}

/// An agent version without its build, as obshell compares it (`4.5.0.0-20260508` →
/// `4.5.0.0`).
fn agent_core(v: &str) -> &str {
    v.split('-').next().unwrap_or(v)
}

/// The checks. Each names what it found and what to do about it.
pub fn precheck(f: &ScaleOutForm, inv: &Inventory) -> Vec<PrecheckItem> {
    let mut out = Vec::new();
    let addr = format!("{}:{}", f.ip, f.port);

    // The agent the session talks to must be able to run a scale-out.
    let receiver = inv.agents.as_ref().map(|a| &a.receiver);
    match receiver {
        None => out.push(PrecheckItem::fail(
            "cluster agent",
            "the obshell agent's identity is not loaded",
            "press r to load it again",
        )),
        Some(r) if r.identity == "CLUSTER AGENT" => out.push(PrecheckItem::pass(
            "cluster agent",
            format!(
                "{}:{} is a CLUSTER AGENT (obshell {})",
                r.ip, r.port, r.version
            ),
        )),
        Some(r) => out.push(PrecheckItem::fail(
            "cluster agent",
            format!(
                "{}:{} is {}, not CLUSTER AGENT: only a cluster agent scales out",
                r.ip, r.port, r.identity
            ),
            "point the profile's obshell_url at an agent of the cluster",
        )),
    }

    // The target: reachable, SINGLE, same OceanBase, acceptable agent version.
    let target: Option<&AgentBrief> = match inv.target_at(&f.ip, f.port) {
        None => {
            out.push(PrecheckItem::fail(
                "target reachable",
                format!("{addr} was not asked yet"),
                "press r to run the precheck again",
            ));
            None
        }
        Some(Err(e)) => {
            out.push(PrecheckItem::fail(
                "target reachable",
                format!("GET http://{addr}/api/v1/info: {e}"),
                "check the address and port, and that obshell runs on the target",
            ));
            None
        }
        Some(Ok(t)) => {
            out.push(PrecheckItem::pass(
                "target reachable",
                format!("{addr} answers: {} obshell {}", t.identity, t.version),
            ));
            Some(t)
        }
    };
    if let Some(t) = target {
        if t.identity == "SINGLE" {
            out.push(PrecheckItem::pass(
                "target is SINGLE",
                format!("{addr} belongs to no cluster"),
            ));
        } else {
            out.push(PrecheckItem::fail(
                "target is SINGLE",
                format!("{addr} is {}, not SINGLE", t.identity),
                "choose an agent that is not in a cluster (or remove it from its cluster first)",
            ));
        }
        // obshell's own rules (`executor/ob/scale_out.go`): the OceanBase versions of the
        // receiving agent and the target, as their `/info` says, are equal strings; the agent
        // versions (without the build, after `-`) compare as versions: a newer target is
        // refused, an older one only when it is below 4.2.4.1.
        let mine_ob = receiver
            .map(|r| r.ob_version.as_str())
            .filter(|v| !v.is_empty());
        match mine_ob {
            None => out.push(PrecheckItem::warn(
                "same OceanBase version",
                "the cluster agent does not say its OceanBase version",
                "check the target installs the cluster's version",
            )),
            Some(c) if c == t.ob_version => out.push(PrecheckItem::pass(
                "same OceanBase version",
                format!("both {c}"),
            )),
            Some(c) => out.push(PrecheckItem::fail(
                "same OceanBase version",
                format!(
                    "the target has OceanBase {}, the cluster agent {c} (obshell wants the same string: Agent.OB.Version.Inconsistent)",
                    if t.ob_version.is_empty() {
                        "(none)"
                    } else {
                        &t.ob_version
                    },
                ),
                "install the cluster's OceanBase version on the target",
            )),
        }
        let theirs = agent_core(&t.version);
        match receiver.map(|r| agent_core(&r.version)).filter(|v| !v.is_empty()) {
            None => out.push(PrecheckItem::warn(
                "agent version",
                "the cluster agent's version is unknown",
                "press r once the agents are loaded",
            )),
            Some(mine) => match compare_versions(mine, theirs) {
                Ordering::Less => out.push(PrecheckItem::fail(
                    "agent version",
                    format!(
                        "the target's obshell {theirs} is newer than the cluster's {mine} (OB.Cluster.ScaleOutHigherVersion)"
                    ),
                    "upgrade the cluster's obshell first, or install the cluster's version on the target",
                )),
                Ordering::Greater
                    if compare_versions(theirs, MIN_AGENT_VERSION) == Ordering::Less =>
                {
                    out.push(PrecheckItem::fail(
                        "agent version",
                        format!(
                            "the target's obshell {theirs} is older than the cluster's {mine} and than {MIN_AGENT_VERSION} (OB.Cluster.ScaleOutLowerVersion)"
                        ),
                        format!(
                            "install obshell {mine} (or {MIN_AGENT_VERSION} or later) on the target"
                        ),
                    ))
                }
                Ordering::Greater => out.push(PrecheckItem::pass(
                    "agent version",
                    format!("target {theirs} < cluster {mine}: obshell upgrades it as it joins"),
                )),
                Ordering::Equal => out.push(PrecheckItem::pass(
                    "agent version",
                    format!("both {mine}"),
                )),
            },
        }
    }

    // Ports: valid, distinct, and free on that host.
    let ports = match (f.sql_port(), f.rpc_port()) {
        (Ok(s), Ok(r)) if s == r => {
            out.push(PrecheckItem::fail(
                "ports",
                format!("mysql_port and rpc_port are both {s}"),
                "give them different ports",
            ));
            None
        }
        (Ok(s), Ok(r)) => Some((s, r)),
        (Err(e), _) | (_, Err(e)) => {
            out.push(PrecheckItem::fail(
                "ports",
                e,
                "type a port from 1 to 65535",
            ));
            None
        }
    };
    let servers: Vec<(&str, &super::data::AgentServer)> = inv
        .agent_cluster
        .iter()
        .flat_map(|c| c.zones.iter())
        .flat_map(|z| z.servers.iter().map(move |s| (z.name.as_str(), s)))
        .collect();
    let agent_cluster_known = inv.agent_cluster.is_some();
    if !agent_cluster_known {
        out.push(PrecheckItem::fail(
            "cluster known",
            "the cluster's zones and servers are not loaded",
            "press r to load them again",
        ));
    }
    // Not already in the cluster, as an agent or as a server.
    let member = inv
        .agents
        .iter()
        .flat_map(|a| a.members.iter())
        .any(|m| m.ip == f.ip && m.port == f.port);
    let server = ports.and_then(|(_, rpc)| {
        servers
            .iter()
            .find(|(_, s)| s.ip == f.ip && s.rpc_port == rpc)
    });
    match (member, server) {
        (true, _) => out.push(PrecheckItem::fail(
            "not in the cluster",
            format!("the agent {addr} is already a member of the cluster"),
            "choose another agent",
        )),
        (false, Some((z, s))) => out.push(PrecheckItem::fail(
            "not in the cluster",
            format!("the server {}:{} is already in {z}", s.ip, s.rpc_port),
            "choose another agent or another rpc_port",
        )),
        (false, None) if agent_cluster_known && inv.agents.is_some() => out.push(
            PrecheckItem::pass("not in the cluster", format!("{addr} is not a member")),
        ),
        (false, None) => {}
    }
    if let Some((sql, rpc)) = ports {
        let mut clashes = Vec::new();
        for (zone, s) in &servers {
            if s.ip != f.ip {
                continue;
            }
            for (name, p) in [("mysql_port", sql), ("rpc_port", rpc)] {
                if p == s.sql_port {
                    clashes.push(format!(
                        "{name} {p} is the SQL port of {}:{} ({zone})",
                        s.ip, s.rpc_port
                    ));
                }
                if p == s.rpc_port {
                    clashes.push(format!(
                        "{name} {p} is the RPC port of {}:{} ({zone})",
                        s.ip, s.rpc_port
                    ));
                }
            }
        }
        let agents = inv
            .agents
            .iter()
            .flat_map(|a| a.members.iter())
            .map(|m| (m.ip.as_str(), m.port))
            .chain(std::iter::once((f.ip.as_str(), f.port)));
        for (ip, port) in agents {
            if ip != f.ip {
                continue;
            }
            for (name, p) in [("mysql_port", sql), ("rpc_port", rpc)] {
                if p == port {
                    let what = format!("{name} {p} is the obshell agent port of {ip}:{port}");
                    if !clashes.contains(&what) {
                        clashes.push(what);
                    }
                }
            }
        }
        if clashes.is_empty() {
            if agent_cluster_known {
                out.push(PrecheckItem::pass(
                    "ports free",
                    format!("{sql} and {rpc} are not in use on {} by the cluster", f.ip),
                ));
            }
        } else {
            out.push(PrecheckItem::fail(
                "ports free",
                clashes.join("; "),
                "choose mysql_port and rpc_port not used on that host",
            ));
        }
    }

    // Sizes parse, and memory_limit leaves room above system_memory.
    let mut sizes = BTreeMap::new();
    let mut bad = Vec::new();
    for key in SIZE_KEYS {
        if let Some(v) = f.configs.get(key) {
            match validate::size(v) {
                Ok(n) => {
                    sizes.insert(key, n);
                }
                Err(e) => bad.push(format!("{key}={v:?}: {e}")),
            }
        }
    }
    if bad.is_empty() {
        if !sizes.is_empty() {
            let list: Vec<String> = sizes
                .keys()
                .filter_map(|k| f.configs.get(*k).map(|v| format!("{k}={v}")))
                .collect();
            out.push(PrecheckItem::pass("sizes", list.join(", ")));
        }
    } else {
        out.push(PrecheckItem::fail(
            "sizes",
            bad.join("; "),
            "write sizes as a number and a unit: 16G, 512M, 1T",
        ));
    }
    if let (Some(m), Some(s)) = (sizes.get("memory_limit"), sizes.get("system_memory")) {
        let (mv, sv) = (
            f.configs
                .get("memory_limit")
                .map(String::as_str)
                .unwrap_or(""),
            f.configs
                .get("system_memory")
                .map(String::as_str)
                .unwrap_or(""),
        );
        if m > s {
            out.push(PrecheckItem::pass(
                "memory_limit above system_memory",
                format!("{mv} > {sv}"),
            ));
        } else {
            out.push(PrecheckItem::fail(
                "memory_limit above system_memory",
                format!("memory_limit {mv} is not above system_memory {sv}"),
                "raise memory_limit or lower system_memory",
            ));
        }
    }

    // The zone: an existing one, or a new one (more stages).
    if f.zone.is_empty() {
        out.push(PrecheckItem::fail(
            "zone",
            "no zone chosen",
            "choose a zone on the Target step",
        ));
    } else if let Some(c) = &inv.agent_cluster {
        match c.zones.iter().find(|z| z.name == f.zone) {
            Some(z) => out.push(PrecheckItem::pass(
                "zone",
                format!("{} has {} server(s)", z.name, z.servers.len()),
            )),
            None => out.push(PrecheckItem::warn(
                "zone",
                format!(
                    "{} is a new zone: the DAG adds and starts it (11 stages instead of 9)",
                    f.zone
                ),
                "fine if a new zone is meant; otherwise choose an existing one",
            )),
        }
    }
    out
}

fn submit_request(w: &Wizard) -> Result<(SubmitRequest, String), String> {
    let f = form_values(w);
    if f.ip.is_empty() || f.port == 0 {
        return Err("the target agent's address is incomplete".into());
    }
    if f.zone.is_empty() {
        return Err("choose a zone".into());
    }
    let body = ScaleOutRequest {
        agent_info: AgentAddr {
            ip: f.ip.clone(),
            port: f.port,
        },
        ob_configs: f.configs.clone(),
        zone: f.zone.clone(),
        target_agent_password: w.secret(Id::Password).filter(|s| !s.is_empty()).cloned(),
    };
    let new_zone = w
        .inventory
        .agent_cluster
        .as_ref()
        .is_some_and(|c| !c.zones.iter().any(|z| z.name == f.zone));
    let zone = if new_zone {
        format!("the new zone {}", f.zone)
    } else {
        format!("zone {}", f.zone)
    };
    let effect = format!(
        "The cluster agent adds the SINGLE agent {}:{} and its server (rpc_port {}) to {zone} \
         in a \"Cluster scale out\" DAG of {} stages.",
        f.ip,
        f.port,
        f.rpc_port().map(|p| p.to_string()).unwrap_or_default(),
        if new_zone { 11 } else { 9 },
    );
    let lookup = TaskLookup {
        host_ids: Vec::new(),
        cluster_id: None,
        cluster_name: None,
        name_contains: "Cluster scale out".into(),
        submitted_at_ms: 0,
    };
    Ok((
        SubmitRequest {
            kind: WizardKind::ScaleOut,
            write: Write::ScaleOut(body),
            lookup,
        },
        effect,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::wizard::CheckResult;
    use crate::model::wizard::data::{
        AgentCluster, AgentServer, AgentZone, AgentsView, TargetInfo,
    };

    fn agent(ip: &str, port: u16, identity: &str, version: &str, zone: &str) -> AgentBrief {
        AgentBrief {
            ip: ip.into(),
            port,
            identity: identity.into(),
            version: version.into(),
            ob_version: "4.3.5.2".into(),
            zone: zone.into(),
        }
    }

    /// Three servers in three zones; 10.0.0.9 already runs one server (of zone3), and the
    /// SINGLE agent 10.0.0.9:2890 answers.
    fn inventory() -> Inventory {
        let server = |ip: &str, rpc: u16, sql: u16| AgentServer {
            ip: ip.into(),
            rpc_port: rpc,
            sql_port: sql,
            status: "ACTIVE".into(),
        };
        let zone = |n: &str, s: AgentServer| AgentZone {
            name: n.into(),
            servers: vec![s],
        };
        Inventory {
            agent_cluster: Some(AgentCluster {
                name: "ob".into(),
                ob_version: "4.3.5.2".into(),
                zones: vec![
                    zone("zone1", server("10.0.0.1", 2882, 2881)),
                    zone("zone2", server("10.0.0.2", 2882, 2881)),
                    zone("zone3", server("10.0.0.9", 2882, 2881)),
                ],
            }),
            agents: Some(AgentsView {
                receiver: agent(
                    "10.0.0.1",
                    2886,
                    "CLUSTER AGENT",
                    "4.5.0.0-20260508",
                    "zone1",
                ),
                members: vec![
                    agent(
                        "10.0.0.1",
                        2886,
                        "CLUSTER AGENT",
                        "4.5.0.0-20260508",
                        "zone1",
                    ),
                    agent(
                        "10.0.0.2",
                        2886,
                        "CLUSTER AGENT",
                        "4.5.0.0-20260508",
                        "zone2",
                    ),
                    agent(
                        "10.0.0.9",
                        2886,
                        "CLUSTER AGENT",
                        "4.5.0.0-20260508",
                        "zone3",
                    ),
                ],
                ob_version: "4.3.5.2".into(),
            }),
            target: Some(TargetInfo {
                ip: "10.0.0.9".into(),
                port: 2890,
                result: Ok(agent("10.0.0.9", 2890, "SINGLE", "4.5.0.0-20260508", "")),
            }),
            ..Default::default()
        }
    }

    fn form(sql: &str, rpc: &str) -> ScaleOutForm {
        let mut configs = BTreeMap::new();
        for (k, v) in [
            ("mysql_port", sql),
            ("rpc_port", rpc),
            ("memory_limit", "16G"),
            ("system_memory", "8G"),
            ("log_disk_size", "24G"),
            ("datafile_size", "24G"),
        ] {
            configs.insert(k.to_string(), v.to_string());
        }
        ScaleOutForm {
            ip: "10.0.0.9".into(),
            port: 2890,
            zone: "zone1".into(),
            configs,
        }
    }

    fn result(items: &[PrecheckItem], name: &str) -> Option<CheckResult> {
        items.iter().find(|i| i.name == name).map(|i| i.result)
    }

    fn fails(items: &[PrecheckItem]) -> Vec<&str> {
        items
            .iter()
            .filter(|i| i.result == CheckResult::Fail)
            .map(|i| i.name.as_str())
            .collect()
    }

    #[test]
    fn a_free_single_agent_passes() {
        let items = precheck(&form("3881", "3882"), &inventory());
        assert!(fails(&items).is_empty(), "{items:#?}");
        assert_eq!(result(&items, "zone"), Some(CheckResult::Pass));
        assert_eq!(result(&items, "ports free"), Some(CheckResult::Pass));
    }

    #[test]
    fn a_port_used_on_that_host_fails() {
        // 2881 / 2882 are the ports of the server already on 10.0.0.9.
        let items = precheck(&form("2881", "2882"), &inventory());
        assert_eq!(result(&items, "ports free"), Some(CheckResult::Fail));
        assert_eq!(
            result(&items, "not in the cluster"),
            Some(CheckResult::Fail)
        );
        let item = items.iter().find(|i| i.name == "ports free").unwrap();
        assert!(item.reason.contains("10.0.0.9:2882"), "{}", item.reason);
        // Only one of them clashing is enough.
        let items = precheck(&form("3881", "2881"), &inventory());
        assert_eq!(result(&items, "ports free"), Some(CheckResult::Fail));
        assert_eq!(
            result(&items, "not in the cluster"),
            Some(CheckResult::Pass)
        );
        // The target's own agent port is taken too.
        let items = precheck(&form("2890", "3882"), &inventory());
        assert_eq!(result(&items, "ports free"), Some(CheckResult::Fail));
        // The same ports on another host are fine.
        let mut f = form("2881", "2882");
        f.ip = "10.0.0.7".into();
        let mut inv = inventory();
        inv.target = Some(TargetInfo {
            ip: "10.0.0.7".into(),
            port: 2890,
            result: Ok(agent("10.0.0.7", 2890, "SINGLE", "4.5.0.0-20260508", "")),
        });
        let items = precheck(&f, &inv);
        assert!(fails(&items).is_empty(), "{items:#?}");
    }

    #[test]
    fn a_target_that_is_not_single_fails() {
        let mut inv = inventory();
        inv.target = Some(TargetInfo {
            ip: "10.0.0.9".into(),
            port: 2890,
            result: Ok(agent(
                "10.0.0.9",
                2890,
                "FOLLOWER",
                "4.5.0.0-20260508",
                "zone3",
            )),
        });
        let items = precheck(&form("3881", "3882"), &inv);
        assert_eq!(fails(&items), vec!["target is SINGLE"]);
    }

    #[test]
    fn an_unreachable_or_unasked_target_fails() {
        let mut inv = inventory();
        inv.target = Some(TargetInfo {
            ip: "10.0.0.9".into(),
            port: 2890,
            result: Err("connection refused".into()),
        });
        let items = precheck(&form("3881", "3882"), &inv);
        assert_eq!(result(&items, "target reachable"), Some(CheckResult::Fail));
        // An answer for another address does not count for this one.
        let mut f = form("3881", "3882");
        f.port = 2891;
        let items = precheck(&f, &inventory());
        assert_eq!(result(&items, "target reachable"), Some(CheckResult::Fail));
    }

    #[test]
    fn a_new_zone_warns() {
        let mut f = form("3881", "3882");
        f.zone = "zone9".into();
        let items = precheck(&f, &inventory());
        assert_eq!(result(&items, "zone"), Some(CheckResult::Warn));
        assert!(fails(&items).is_empty());
    }

    #[test]
    fn memory_limit_must_exceed_system_memory() {
        let mut f = form("3881", "3882");
        f.configs.insert("memory_limit".into(), "8G".into());
        let items = precheck(&f, &inventory());
        assert_eq!(fails(&items), vec!["memory_limit above system_memory"]);
        f.configs.insert("memory_limit".into(), "4096M".into());
        let items = precheck(&f, &inventory());
        assert_eq!(fails(&items), vec!["memory_limit above system_memory"]);
        f.configs.insert("memory_limit".into(), "9G".into());
        assert!(fails(&precheck(&f, &inventory())).is_empty());
    }

    #[test]
    fn sizes_must_parse() {
        let mut f = form("3881", "3882");
        f.configs.insert("memory_limit".into(), "16Q".into());
        let items = precheck(&f, &inventory());
        assert_eq!(fails(&items), vec!["sizes"]);
        let item = items.iter().find(|i| i.name == "sizes").unwrap();
        assert!(item.reason.contains("memory_limit"), "{}", item.reason);
        f.configs.insert("memory_limit".into(), "16G".into());
        f.configs.insert("datafile_size".into(), "lots".into());
        assert_eq!(fails(&precheck(&f, &inventory())), vec!["sizes"]);
    }

    #[test]
    fn versions_follow_obshells_rules() {
        let at = |t: &AgentBrief, inv: &mut Inventory| {
            inv.target = Some(TargetInfo {
                ip: "10.0.0.9".into(),
                port: 2890,
                result: Ok(t.clone()),
            });
        };
        let mut inv = inventory();
        let f = form("3881", "3882");
        let mut t = agent("10.0.0.9", 2890, "SINGLE", "4.5.0.0-20260508", "");
        t.ob_version = "4.2.1.0".into();
        at(&t, &mut inv);
        assert_eq!(fails(&precheck(&f, &inv)), vec!["same OceanBase version"]);
        // obshell compares the OceanBase versions as strings: a build tag on one side is a
        // different version.
        t.ob_version = "4.3.5.2_102000042025061818-7b6c1d0e".into();
        at(&t, &mut inv);
        assert_eq!(fails(&precheck(&f, &inv)), vec!["same OceanBase version"]);
        t.ob_version = "4.3.5.2".into();
        // Older than the cluster's and than 4.2.4.1: ScaleOutLowerVersion.
        t.version = "4.2.4.0-1".into();
        at(&t, &mut inv);
        assert_eq!(fails(&precheck(&f, &inv)), vec!["agent version"]);
        // Older than the cluster's, 4.2.4.1 or later: obshell upgrades it as it joins.
        t.version = "4.2.4.1-100".into();
        at(&t, &mut inv);
        assert!(fails(&precheck(&f, &inv)).is_empty());
        // Newer than the cluster's agent: ScaleOutHigherVersion.
        t.version = "4.6.0.0-1".into();
        at(&t, &mut inv);
        assert_eq!(fails(&precheck(&f, &inv)), vec!["agent version"]);
        // Below 4.2.4.1 but the cluster's own version (builds differ): no check refuses it.
        if let Some(a) = inv.agents.as_mut() {
            a.receiver.version = "4.2.3.0-7".into();
        }
        t.version = "4.2.3.0-9".into();
        at(&t, &mut inv);
        assert!(
            fails(&precheck(&f, &inv)).is_empty(),
            "{:?}",
            precheck(&f, &inv)
        );
    }

    #[test]
    fn a_member_agent_is_not_added_twice() {
        let mut inv = inventory();
        inv.target = Some(TargetInfo {
            ip: "10.0.0.2".into(),
            port: 2886,
            result: Ok(agent("10.0.0.2", 2886, "SINGLE", "4.5.0.0-20260508", "")),
        });
        let mut f = form("3881", "3882");
        f.ip = "10.0.0.2".into();
        f.port = 2886;
        assert!(fails(&precheck(&f, &inv)).contains(&"not in the cluster"));
    }

    fn press(w: &mut Wizard, code: crossterm::event::KeyCode) -> Vec<super::super::WizardEffect> {
        w.handle_key(crossterm::event::KeyEvent::new(
            code,
            crossterm::event::KeyModifiers::NONE,
        ))
    }

    /// A wizard filled up to the summary, with every data request answered from `inventory()`.
    fn at_summary() -> Wizard {
        use super::super::{DataResponse, WizardEffect};
        let (mut w, effects) =
            Wizard::open(WizardKind::ScaleOut, WizardContext::default(), false).unwrap();
        let inv = inventory();
        let answer = |w: &mut Wizard, effects: Vec<WizardEffect>| {
            for e in effects {
                if let WizardEffect::NeedData(r) = e {
                    let resp = match r {
                        DataRequest::AgentCluster => {
                            DataResponse::AgentCluster(Ok(inv.agent_cluster.clone().unwrap()))
                        }
                        DataRequest::Agents => {
                            DataResponse::Agents(Ok(inv.agents.clone().unwrap()))
                        }
                        DataRequest::AgentInfo { ip, port } => DataResponse::AgentInfo {
                            ip,
                            port,
                            result: inv.target.clone().unwrap().result,
                        },
                        other => panic!("scale-out asked for {other:?}"),
                    };
                    w.on_data(resp);
                }
            }
        };
        answer(&mut w, effects);
        w.set_named("ip", Value::Text("10.0.0.9".into()));
        w.set_named("port", Value::Text("2890".into()));
        w.set_named("zone", Value::One(Some("zone2".into())));
        w.set_named(
            "password",
            Value::Secret(obtui_api::secret::Secret::new("Tgt_secret_42")),
        );
        w.set_named("mysql_port", Value::Text("3881".into()));
        w.set_named("rpc_port", Value::Text("3882".into()));
        w.set_in_named("extra", 0, "key", Value::Text("cpu_count".into()));
        w.set_in_named("extra", 0, "value", Value::Text("16".into()));
        let e = w.advance();
        answer(&mut w, e);
        let e = w.advance();
        answer(&mut w, e);
        assert!(w.precheck_passed(), "{:#?}", w.precheck.items);
        press(&mut w, crossterm::event::KeyCode::Enter);
        assert_eq!(w.current_step().kind, StepKind::Summary);
        w
    }

    #[test]
    fn the_request_carries_strings_and_the_password_only_on_the_wire() {
        use super::super::WizardEffect;
        let mut w = at_summary();
        let s = w.summary.clone().unwrap();
        assert_eq!(s.path, "/api/v1/ob/scale_out");
        assert!(
            s.masked_json.contains("\"cpu_count\": \"16\""),
            "{}",
            s.masked_json
        );
        assert!(s.masked_json.contains("\"mysql_port\": \"3881\""));
        assert!(!s.masked_json.contains("Tgt_secret_42"));
        press(&mut w, crossterm::event::KeyCode::Enter);
        press(&mut w, crossterm::event::KeyCode::Tab);
        let effects = press(&mut w, crossterm::event::KeyCode::Enter);
        let [WizardEffect::Submit(req)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(req.write.backend(), obtui_task::Backend::Obshell);
        let Write::ScaleOut(body) = &req.write else {
            panic!("{:?}", req.write)
        };
        let wire = body.to_json();
        assert_eq!(wire["targetAgentPassword"], "Tgt_secret_42");
        assert_eq!(wire["agentInfo"]["port"], 2890);
        assert!(wire["obConfigs"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.is_string()));
        assert!(!format!("{req:?}").contains("Tgt_secret_42"));
        // Accepted: the DAG opens, the form closes, the password is gone.
        let effects = w.on_submit(crate::app::wizard::SubmitOutcome::Ok("11".into()));
        assert!(
            matches!(effects.as_slice(), [WizardEffect::OpenTask(id), WizardEffect::Close] if id == "11")
        );
        assert!(w.secret(Id::Password).unwrap().is_empty());
    }

    #[test]
    fn discarding_wipes_the_password() {
        let mut w = at_summary();
        press(&mut w, crossterm::event::KeyCode::Esc);
        assert!(w.discard_prompt);
        let effects = press(&mut w, crossterm::event::KeyCode::Char('y'));
        assert!(matches!(
            effects.as_slice(),
            [super::super::WizardEffect::Close]
        ));
        assert!(w.secret(Id::Password).unwrap().is_empty());
        assert!(w.prepared.is_none());
    }

    #[test]
    fn a_new_zone_is_named_in_the_form() {
        let mut w = at_summary();
        w.set_named("zone", Value::One(Some(NEW_ZONE.into())));
        let i = w.index_named("new_zone").unwrap();
        assert!(w.is_visible(&w.fields[i]));
        assert!(!w.step_errors(0).is_empty(), "the new zone needs a name");
        w.set_named("new_zone", Value::Text("zone9".into()));
        assert!(w.step_errors(0).is_empty());
        assert_eq!(form_values(&w).zone, "zone9");
        // A host name is not an agent address for obshell.
        w.set_named("ip", Value::Text("db-host-9".into()));
        assert!(!w.step_errors(0).is_empty());
        w.set_named("ip", Value::Text("10.0.0.9".into()));
        // The extra key may not shadow a field of its own.
        w.set_in_named("extra", 0, "key", Value::Text("rpc_port".into()));
        assert!(!w.step_errors(1).is_empty());
    }

    #[test]
    fn nothing_loaded_fails_without_panicking() {
        let items = precheck(&ScaleOutForm::default(), &Inventory::default());
        let f = fails(&items);
        assert!(f.contains(&"cluster agent"));
        assert!(f.contains(&"target reachable"));
        assert!(f.contains(&"zone"));
    }

    #[test]
    fn ids_match_the_form() {
        let ctx = super::super::WizardContext::default();
        let (w, _) = super::super::Wizard::open(super::super::WizardKind::ScaleOut, ctx, false)
            .expect("opens");
        let config_keys: Vec<&str> = PREFILLED.iter().map(|(k, _)| *k).collect();
        super::super::assert_ids_match(&w, Id::ALL, Id::from_key, &config_keys);
    }
}
