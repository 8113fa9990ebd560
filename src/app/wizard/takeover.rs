//! Take over a cluster: `POST /api/v2/ob/clusters/takeOverPreCheck`, then
//! `POST /api/v2/ob/clusters/takeOver`. This is the one wizard whose precheck is OCP's own.

use super::data::DataRequest;
use super::request::{OcpWrite, PrecheckRequest, SubmitRequest, TaskLookup};
use super::{
    loaded, Choice, Cond, Field, FieldPath, Rule, Step, StepKind, Value, Wizard, WizardContext,
};
use crate::model::wizard::precheck::{CheckResult, PrecheckItem};
use crate::model::wizard::WizardKind;
use obtui_api::ocp::{ConnectionMode, TakeoverHostInfo, TakeoverRequest};

/// Take over a cluster (OCP); its precheck is OCP's own.
#[derive(Debug)]
pub struct TakeoverSpec;

impl super::WizardSpec for TakeoverSpec {
    fn form(&self, ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
        form(ctx)
    }
    /// The name given for it, else where it is reached.
    fn target_name(&self, w: &Wizard) -> Option<String> {
        let name = w.text(Id::ClusterName).trim();
        let addr = w.text(Id::Address).trim();
        match (name.is_empty(), addr.is_empty()) {
            (false, true) => Some(name.to_string()),
            (false, false) => Some(format!("{name} at {addr}:{}", w.text(Id::Port).trim())),
            (true, false) => Some(format!("at {addr}:{}", w.text(Id::Port).trim())),
            (true, true) => None,
        }
    }
    fn needs(&self, _w: &Wizard) -> Vec<DataRequest> {
        needs()
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
    fn precheck_request(&self, w: &Wizard) -> Option<PrecheckRequest> {
        precheck_request(w)
    }
    fn explain_precheck(&self, w: &Wizard, items: Vec<PrecheckItem>) -> Vec<PrecheckItem> {
        explain(w, items)
    }
}
field_ids! {
    /// The take-over form's fields.
    pub enum Id {
        Mode = "mode",
        Address = "address",
        Port = "port",
        RootPassword = "root_password",
        ProxyroPassword = "proxyro_password",
        ClusterName = "cluster_name",
        Standby = "standby",
        ObClusterId = "ob_cluster_id",
        SwitchConfigUrl = "switch_config_url",
        SaveToCredential = "save_to_credential",
        NewHosts = "new_hosts",
        HostKind = "host_kind",
        PublishPorts = "publish_ports",
        HostType = "host_type",
        SshPort = "ssh_port",
        Credential = "credential",
    }
}

pub const CONTAINER: &str = "DEDICATED_CONTAINER";
pub const PHYSICAL: &str = "DEDICATED_PHYSICAL_MACHINE";

fn needs() -> Vec<DataRequest> {
    vec![DataRequest::HostTypes, DataRequest::Credentials]
}

fn form(_ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
    let modes = vec![
        Choice::new("direct", "direct", "connect to an OBServer (port 2881)"),
        Choice::new("proxy", "proxy", "connect through an OBProxy (port 2883)"),
    ];
    let kinds = vec![
        Choice::new(PHYSICAL, "physical machine", PHYSICAL),
        Choice::new(CONTAINER, "container", CONTAINER),
    ];
    let proxy = || Cond::Eq(Id::Mode.key(), "proxy");
    let new_hosts = || Cond::On(Id::NewHosts.key());
    let fields = vec![
        Field::select(
            Id::Mode.key(),
            "Connection mode",
            "direct to an OBServer, or through an OBProxy",
            Some(modes),
        )
        .with_value(Value::One(Some("direct".into()))),
        Field::text(
            Id::Address.key(),
            "Address",
            "an OBServer's IP (direct) or the OBProxy's address (proxy)",
            Rule::Address,
        ),
        Field::port(
            Id::Port.key(),
            "Port",
            "SQL port: 2881 for an OBServer, 2883 for an OBProxy",
            2881,
        ),
        Field::password(
            Id::RootPassword.key(),
            "root@sys password",
            "the cluster's current root@sys password",
            Rule::ExistingPassword,
        ),
        // Both modes (OCP documents it for takeOver and takeOverPreCheck alike): OBProxies
        // that already connect as proxyro@sys keep working when OCP is given the password.
        Field::password(
            Id::ProxyroPassword.key(),
            "proxyro password",
            "proxyro@sys password OBProxies connect with; empty: OCP sets a new one",
            Rule::ExistingPassword,
        )
        .optional(),
        Field::text(
            Id::ClusterName.key(),
            "Cluster name",
            "the cluster's name as OBProxy knows it",
            Rule::ClusterName,
        )
        .when(proxy()),
        Field::toggle(
            Id::Standby.key(),
            "Standby cluster",
            "the cluster is a standby (then its obClusterId is needed)",
            false,
        )
        .when(proxy()),
        Field::number(
            Id::ObClusterId.key(),
            "obClusterId",
            "the cluster id inside OceanBase (1–4294967295)",
            1,
            4_294_967_295,
        )
        .when(Cond::All(vec![proxy(), Cond::On(Id::Standby.key())])),
        Field::toggle(
            Id::SwitchConfigUrl.key(),
            "Switch ConfigUrl",
            "point the cluster's ConfigUrl to this OCP",
            true,
        ),
        Field::toggle(
            Id::SaveToCredential.key(),
            "Save to password box",
            "keep the root@sys password in OCP's password box",
            true,
        ),
        Field::toggle(
            Id::NewHosts.key(),
            "Hosts new to OCP",
            "some of the cluster's hosts are not in OCP yet",
            false,
        ),
        Field::select(
            Id::HostKind.key(),
            "Host kind",
            "physical machine or container",
            Some(kinds),
        )
        .with_value(Value::One(Some(PHYSICAL.into())))
        .when(new_hosts()),
        Field::text(
            Id::PublishPorts.key(),
            "Publish ports",
            "container port mappings, e.g. 2881:2881,2882:2882",
            Rule::PublishPorts,
        )
        .when(Cond::All(vec![
            new_hosts(),
            Cond::Eq(Id::HostKind.key(), CONTAINER),
        ])),
        Field::select(
            Id::HostType.key(),
            "Host type",
            "OCP host type for the new hosts",
            None,
        )
        .when(new_hosts()),
        {
            let mut f = Field::port(
                Id::SshPort.key(),
                "SSH port",
                "SSH port of the new hosts",
                22,
            )
            .when(new_hosts());
            f.rule = Rule::SshPort;
            f
        },
        Field::select(
            Id::Credential.key(),
            "SSH credential",
            "a HOST credential from OCP's password box",
            None,
        )
        .when(new_hosts()),
    ];
    let steps = vec![
        Step {
            title: "Connection",
            kind: StepKind::Form(vec![
                Id::Mode.key(),
                Id::Address.key(),
                Id::Port.key(),
                Id::RootPassword.key(),
                Id::ProxyroPassword.key(),
                Id::ClusterName.key(),
                Id::Standby.key(),
                Id::ObClusterId.key(),
            ]),
        },
        Step {
            title: "Options",
            kind: StepKind::Form(vec![
                Id::SwitchConfigUrl.key(),
                Id::SaveToCredential.key(),
                Id::NewHosts.key(),
                Id::HostKind.key(),
                Id::PublishPorts.key(),
                Id::HostType.key(),
                Id::SshPort.key(),
                Id::Credential.key(),
            ]),
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

fn options(w: &Wizard, id: &str, _item: Option<(usize, usize)>) -> Option<Option<Vec<Choice>>> {
    let inv = &w.inventory;
    match Id::from_key(id)? {
        Id::HostType => loaded(&inv.host_types, |t| {
            Some(Choice::new(
                t.id.to_string(),
                &t.name,
                format!("id {}", t.id),
            ))
        }),
        Id::Credential => loaded(&inv.credentials, |c| {
            (c.target_type.is_empty() || c.target_type == "HOST")
                .then(|| Choice::new(c.id.to_string(), &c.name, format!("id {}", c.id)))
        }),
        _ => None,
    }
}

fn cross_check(_w: &Wizard) -> Vec<(FieldPath, String)> {
    Vec::new()
}

fn visible(w: &Wizard, id: Id) -> bool {
    w.field(id).is_some_and(|f| w.is_visible(f))
}

/// The take-over body from the form; the precheck body is derived from it.
fn body(w: &Wizard) -> TakeoverRequest {
    let mode = match w.choice(Id::Mode) {
        Some("proxy") => ConnectionMode::Proxy,
        _ => ConnectionMode::Direct,
    };
    let host_info = w.flag(Id::NewHosts).then(|| {
        let kind = w.choice(Id::HostKind).unwrap_or(PHYSICAL).to_string();
        TakeoverHostInfo {
            publish_ports: (kind == CONTAINER).then(|| w.text(Id::PublishPorts).trim().to_string()),
            kind: Some(kind),
            host_type_id: w
                .choice(Id::HostType)
                .and_then(|v| v.parse().ok())
                .unwrap_or_default(),
            credential_id: w
                .choice(Id::Credential)
                .and_then(|v| v.parse().ok())
                .unwrap_or_default(),
            ssh_port: w.text(Id::SshPort).trim().parse().ok(),
        }
    });
    TakeoverRequest {
        root_sys_password: w.secret(Id::RootPassword).cloned().unwrap_or_default(),
        address: w.text(Id::Address).trim().to_string(),
        port: w.text(Id::Port).trim().parse().unwrap_or(0),
        save_to_credential: Some(w.flag(Id::SaveToCredential)),
        connection_mode: Some(mode),
        cluster_name: visible(w, Id::ClusterName)
            .then(|| w.text(Id::ClusterName).trim().to_string()),
        ob_cluster_id: if visible(w, Id::ObClusterId) {
            w.text(Id::ObClusterId).trim().parse().ok()
        } else {
            None
        },
        switch_config_url: Some(w.flag(Id::SwitchConfigUrl)),
        host_info,
        proxyro_password: w
            .secret(Id::ProxyroPassword)
            .filter(|s| !s.is_empty())
            .cloned(),
    }
}

/// OCP's precheck speaks of request fields (`hostInfo`, `proxyroPassword`); the user sees form
/// fields. Advice naming a field is told as the form field that sets it, and a finding the
/// form already answers (the take-over sends `hostInfo`, which the precheck does not take)
/// says what will happen instead of asking for what is already given.
fn explain(w: &Wizard, items: Vec<PrecheckItem>) -> Vec<PrecheckItem> {
    let said = |i: &PrecheckItem, word: &str| i.fix.contains(word) || i.reason.contains(word);
    let host_info_set = w.flag(Id::NewHosts)
        && w.choice(Id::HostType).is_some()
        && w.choice(Id::Credential).is_some();
    items
        .into_iter()
        .map(|mut i| {
            if matches!(i.result, CheckResult::Pass | CheckResult::Info) {
                return i;
            }
            if said(&i, "hostInfo") {
                if host_info_set {
                    i.result = CheckResult::Pass;
                    i.reason = format!(
                        "{}; the take-over adds them with the host settings of the Options step",
                        i.reason
                    );
                    i.fix = String::new();
                } else {
                    i.fix = "turn on \"Hosts new to OCP\" in the Options step and choose a host \
                             type and an SSH credential: the take-over then adds them"
                        .into();
                }
            } else if said(&i, "proxyroPassword") {
                i.fix = "enter the proxyro password in the Connection step if OBProxies already \
                         connect to this cluster as proxyro@sys; leave it empty to let OCP set a \
                         new one"
                    .into();
            }
            i
        })
        .collect()
}

fn precheck_request(w: &Wizard) -> Option<PrecheckRequest> {
    if w.secret(Id::RootPassword).is_none_or(|s| s.is_empty())
        || w.text(Id::Address).trim().is_empty()
    {
        return None;
    }
    Some(PrecheckRequest::TakeoverCluster(body(w).precheck()))
}

fn submit_request(w: &Wizard) -> Result<(SubmitRequest, String), String> {
    let addr = format!("{}:{}", w.text(Id::Address).trim(), w.text(Id::Port).trim());
    let mut effect = format!(
        "OCP takes over the cluster at {addr} ({} connection)",
        w.choice(Id::Mode).unwrap_or("direct")
    );
    if w.flag(Id::SwitchConfigUrl) {
        effect.push_str("; its ConfigUrl is switched to this OCP");
    }
    if w.flag(Id::NewHosts) {
        effect.push_str("; hosts not yet in OCP are added with the host settings given");
    }
    effect.push('.');
    let name = visible(w, Id::ClusterName).then(|| w.text(Id::ClusterName).trim().to_string());
    let lookup = TaskLookup {
        host_ids: Vec::new(),
        cluster_id: None,
        cluster_name: name,
        name_contains: "Take over".into(),
        submitted_at_ms: 0,
    };
    let write = OcpWrite::TakeoverCluster(body(w));
    Ok((
        SubmitRequest {
            kind: WizardKind::TakeoverCluster,
            write,
            lookup,
        },
        effect,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{Wizard, WizardContext, WizardKind};
    use super::*;

    #[test]
    fn ids_match_the_form() {
        let (w, _) = Wizard::open(WizardKind::TakeoverCluster, WizardContext::default(), false)
            .expect("opens");
        super::super::assert_ids_match(&w, Id::ALL, Id::from_key, &[]);
    }
}
