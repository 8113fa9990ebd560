//! Take over OBProxies into an OBProxy cluster: `POST /api/v2/obproxy/clusters/{id}/takeOver`
//! with `{hosts:[{hostId, sqlPort}]}` (4.3 adds each host's `proxysysPasswd`).
//!
//! OCP's public API has no OBProxy take-over precheck, so none is called: the checks are
//! computed locally from the OBProxy cluster, host and cluster lists, and the table says so. Every item
//! names the proxy it is about, so `x` on the precheck step takes the failing proxies out of the
//! list and runs the precheck again.

use super::data::{compare_versions, DataRequest, Inventory};
use super::request::{OcpWrite, SubmitRequest, TaskLookup};
use super::{
    loaded, Choice, Field, FieldKind, FieldPath, PrecheckState, Rule, Step, StepKind, Value,
    Wizard, WizardContext, WizardEffect,
};
use crate::model::wizard::precheck::{CheckResult, PrecheckItem};
use crate::model::wizard::WizardKind;
use obtui_api::ocp::{ObproxyTakeoverHost, ObproxyTakeoverRequest};
use std::collections::{BTreeMap, BTreeSet};

/// Take over OBProxies (OCP); a precheck computed locally (OCP has none).
#[derive(Debug)]
pub struct ProxySpec;

impl super::WizardSpec for ProxySpec {
    fn form(&self, ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
        form(ctx)
    }
    fn needs(&self, _w: &Wizard) -> Vec<DataRequest> {
        needs()
    }
    /// The OBProxy cluster chosen (its name once OCP's list is in, else its id).
    fn target_name(&self, w: &Wizard) -> Option<String> {
        let id: i64 = w.choice(Id::ProxyCluster)?.parse().ok()?;
        let name = w
            .inventory
            .proxy_clusters
            .iter()
            .flatten()
            .find(|p| p.id == id)
            .map(|p| p.name.clone());
        Some(name.unwrap_or_else(|| format!("#{id}")))
    }
    fn options(
        &self,
        w: &Wizard,
        id: &str,
        item: Option<(usize, usize)>,
    ) -> Option<Option<Vec<Choice>>> {
        options(w, id, item)
    }
    fn prefill(&self, w: &mut Wizard) {
        prefill(w)
    }
    fn cross_check(&self, w: &Wizard) -> Vec<(FieldPath, String)> {
        cross_check(w)
    }
    fn submit_request(&self, w: &Wizard) -> Result<(SubmitRequest, String), String> {
        submit_request(w)
    }
    fn computed_precheck(&self, w: &Wizard) -> Vec<PrecheckItem> {
        local_items(&form_values(w), &w.inventory)
    }
    fn drops_failing(&self) -> bool {
        true
    }
    fn drop_failing(&self, w: &mut Wizard) -> Vec<WizardEffect> {
        drop_failing(w)
    }
}
/// Oldest OBProxy OCP can take over.
pub const MIN_PROXY_VERSION: &str = "1.8.0";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyForm {
    pub proxy_cluster_id: Option<i64>,
    /// (host id, SQL port)
    pub hosts: Vec<(i64, u16)>,
}

field_ids! {
    /// The OBProxy take-over form's fields (host, sql_port: a proxy's).
    pub enum Id {
        ProxyCluster = "proxy_cluster",
        Proxies = "proxies",
        ProxysysPassword = "proxysys_password",
        Host = "host",
        SqlPort = "sql_port",
        HostProxysysPassword = "host_proxysys_password",
    }
}

fn needs() -> Vec<DataRequest> {
    vec![
        DataRequest::ProxyClusters,
        DataRequest::Hosts,
        DataRequest::Clusters,
    ]
}

fn form(_ctx: &WizardContext) -> (Vec<Step>, Vec<Field>) {
    // The root@proxysys password is in 4.3's body, per host. Older OCPs document none, but a
    // proxy with a non-default password needs it whatever the version: offered always, sent
    // only when typed (one for all, or a proxy's own).
    let item = vec![
        Field::select(
            Id::Host.key(),
            "Host",
            "the host running the OBProxy to take over (must be in OCP)",
            None,
        ),
        Field::port(
            Id::SqlPort.key(),
            "SQL port",
            "the OBProxy's SQL port (usually 2883)",
            2883,
        ),
        Field::password(
            Id::HostProxysysPassword.key(),
            "root@proxysys password",
            "optional: this OBProxy's root@proxysys password, when it differs from the one for all",
            Rule::ExistingPassword,
        )
        .optional(),
    ];
    let fields = vec![
        Field::select(
            Id::ProxyCluster.key(),
            "OBProxy cluster",
            "the OBProxy cluster that takes the OBProxies over",
            None,
        ),
        Field::group(
            Id::Proxies.key(),
            "OBProxies",
            "each host with its SQL port",
            item,
            1,
            64,
            "OBProxy",
        ),
        Field::password(
            Id::ProxysysPassword.key(),
            "root@proxysys password (all)",
            "optional: the OBProxies' root@proxysys password (OCP 4.3 reads it per host), sent for each OBProxy without its own; needed when it is not the default",
            Rule::ExistingPassword,
        )
        .optional(),
    ];
    let ids = vec![
        Id::ProxyCluster.key(),
        Id::Proxies.key(),
        Id::ProxysysPassword.key(),
    ];
    let steps = vec![
        Step {
            title: "OBProxies",
            kind: StepKind::Form(ids),
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
        Id::ProxyCluster => loaded(&inv.proxy_clusters, |p| {
            let mode = p.work_mode.as_deref().unwrap_or("?");
            Some(Choice::new(
                p.id.to_string(),
                &p.name,
                format!("{mode} · {} OBProxies", p.proxies.len()),
            ))
        }),
        Id::Host => loaded(&inv.hosts, |h| {
            let proxy = h.services.iter().any(|s| s.service_type == "OB_PROXY");
            let detail = format!(
                "{} · {}{}",
                h.status,
                h.idc_name.as_deref().unwrap_or("no IDC"),
                if proxy { " · OBProxy" } else { "" }
            );
            Some(Choice::new(h.id.to_string(), &h.ip, detail))
        }),
        _ => None,
    }
}

/// Preselect the OBProxy cluster the user came from.
fn prefill(w: &mut Wizard) {
    let Some(id) = w.ctx.proxy_cluster_id else {
        return;
    };
    let known = w
        .inventory
        .proxy_clusters
        .iter()
        .flatten()
        .any(|p| p.id == id);
    if let Some(f) = w.field_mut(Id::ProxyCluster) {
        if known && !f.touched && f.choice().is_none() {
            f.value = Value::One(Some(id.to_string()));
        }
    }
}

fn cross_check(w: &Wizard) -> Vec<(FieldPath, String)> {
    let mut out = Vec::new();
    let Some(top) = w.index(Id::Proxies) else {
        return out;
    };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, item) in w.items(Id::Proxies).iter().enumerate() {
        if let Some(h) = item.first().and_then(|f| f.choice()) {
            if let Some(prev) = seen.insert(h, i) {
                out.push((
                    FieldPath {
                        top,
                        item: Some((i, 0)),
                    },
                    format!("this host is already OBProxy {}", prev + 1),
                ));
            }
        }
    }
    out
}

pub fn form_values(w: &Wizard) -> ProxyForm {
    ProxyForm {
        proxy_cluster_id: w.choice(Id::ProxyCluster).and_then(|v| v.parse().ok()),
        hosts: w
            .items(Id::Proxies)
            .iter()
            .filter_map(|it| {
                let h = it.first()?.choice()?.parse().ok()?;
                let p = it.get(1)?.text_value().trim().parse().ok()?;
                Some((h, p))
            })
            .collect(),
    }
}

pub fn precheck(f: &ProxyForm, inv: &Inventory) -> Vec<PrecheckItem> {
    let mut out = Vec::new();
    let target = f
        .proxy_cluster_id
        .and_then(|id| inv.proxy_clusters.iter().flatten().find(|p| p.id == id));
    let Some(target) = target else {
        out.push(PrecheckItem::fail(
            "OBProxy cluster known",
            "the chosen OBProxy cluster is not in OCP's list",
            "press r to reload, or choose another cluster",
        ));
        return out;
    };
    for (host_id, port) in &f.hosts {
        let subject = host_id.to_string();
        out.extend(
            host_checks(inv, *host_id, *port)
                .into_iter()
                .map(|i| i.about(subject.clone())),
        );
    }
    out.extend(link_checks(target, inv));
    out
}

/// The computed checks of one proxy.
fn host_checks(inv: &Inventory, host_id: i64, port: u16) -> Vec<PrecheckItem> {
    let mut out = Vec::new();
    let (host_id, port) = (&host_id, &port);
    {
        let Some(h) = inv.host(*host_id) else {
            out.push(PrecheckItem::fail(
                format!("host #{host_id} exists and ONLINE"),
                "the host is not in OCP",
                "add the host to OCP (Hosts) first",
            ));
            return out;
        };
        // Host exists and ONLINE.
        let name = format!("host {} exists and ONLINE", h.ip);
        if h.status == "ONLINE" {
            out.push(PrecheckItem::pass(name, "ONLINE"));
        } else {
            out.push(PrecheckItem::fail(
                name,
                format!("status is {}", h.status),
                "wait until the OCP agent is installed and the host is ONLINE",
            ));
        }
        // Port in range and not taken.
        let pname = format!("port {port} on {}", h.ip);
        let taken = inv
            .proxy_clusters
            .iter()
            .flatten()
            .flat_map(|c| c.proxies.iter().map(move |p| (c, p)))
            .find(|(_, p)| {
                p.host_id == *host_id && (p.sql_port == *port || p.exporter_port == Some(*port))
            });
        if *port < 1024 {
            out.push(PrecheckItem::fail(
                pname,
                "below 1024",
                "use the OBProxy's real SQL port (1024–65535)",
            ));
        } else if let Some((c, p)) = taken {
            out.push(PrecheckItem::fail(
                pname,
                format!(
                    "already managed by OCP as OBProxy #{} of cluster {}",
                    p.id, c.name
                ),
                "this OBProxy is taken over already; remove it from the list",
            ));
        } else if (*port == 2881 || *port == 2882) && !h.is_free() {
            out.push(PrecheckItem::fail(
                pname,
                "the host runs an OBServer, which uses 2881/2882",
                "use the OBProxy's SQL port (usually 2883)",
            ));
        } else {
            out.push(PrecheckItem::pass(
                pname,
                "in range and not used by a managed OBProxy",
            ));
        }
        // Version known.
        let vname = format!("OBProxy version on {}", h.ip);
        let version = h
            .services
            .iter()
            .find(|s| s.service_type == "OB_PROXY")
            .and_then(|s| s.version.clone());
        match version {
            Some(v) if compare_versions(&v, MIN_PROXY_VERSION) == std::cmp::Ordering::Less => out
                .push(PrecheckItem::fail(
                    vname,
                    format!("{v} is older than {MIN_PROXY_VERSION}"),
                    format!("upgrade the OBProxy to {MIN_PROXY_VERSION} or later first"),
                )),
            Some(v) => out.push(PrecheckItem::pass(vname, v)),
            None => out.push(PrecheckItem::warn(
                vname,
                "OCP does not report an OBProxy version on this host",
                format!(
                    "make sure it is {MIN_PROXY_VERSION} or later, installed from the standard RPM"
                ),
            )),
        }
    }
    out
}

/// Checks of the target cluster's links and start mode (the same for every proxy).
fn link_checks(target: &super::data::ProxyCluster, inv: &Inventory) -> Vec<PrecheckItem> {
    let mut out = Vec::new();
    // Cluster links resolvable.
    if target.ob_links.is_empty() {
        out.push(PrecheckItem::warn(
            "cluster links resolvable",
            format!("{} links to no OceanBase cluster", target.name),
            "the OBProxies taken over must serve clusters this OBProxy cluster links to",
        ));
    }
    for link in &target.ob_links {
        let name = format!("link to {}", link.cluster_name);
        match &inv.clusters {
            None => out.push(PrecheckItem::warn(
                name,
                "the cluster list is not loaded",
                "press r to retry",
            )),
            Some(cs) if cs.iter().any(|c| c.name == link.cluster_name) => out.push(
                PrecheckItem::pass(name, "the cluster is managed by this OCP"),
            ),
            Some(_) => out.push(PrecheckItem::warn(
                name,
                format!("{} is not a cluster this OCP manages", link.cluster_name),
                "take the cluster over first, or check the link",
            )),
        }
    }
    // The start-up mode cannot be read from the API.
    out.push(PrecheckItem::warn(
        "start-up mode matches",
        format!(
            "the target starts in {} mode; the OBProxies' mode cannot be read from OCP",
            target.work_mode.as_deref().unwrap_or("an unknown")
        ),
        "make sure the OBProxies taken over start in the same mode",
    ));
    out
}

/// The OBProxy take-over precheck. OCP's public API has none, so every check is computed here
/// from documented reads (`GET /api/v2/obproxy/clusters[/{id}]`, `/api/v2/compute/hosts`,
/// `/api/v2/ob/clusters`); the first item says so and names what no read can show.
pub fn local_items(f: &ProxyForm, inv: &Inventory) -> Vec<PrecheckItem> {
    let mut out = vec![PrecheckItem::warn(
        "local checks",
        "OCP has no OBProxy take-over precheck: every check below is computed locally from OCP's OBProxy cluster, host and cluster lists",
        "not checked locally: each proxy's install path (/opt/taobao/install/obproxy-{version}), its obproxy processes (one, owned by admin), the clusters it connects to and its root@proxysys password; check them on each host",
    )];
    out.extend(precheck(f, inv));
    out
}

/// `x` on the precheck step: take every proxy with a FAIL out of the list and check again.
fn drop_failing(w: &mut Wizard) -> Vec<WizardEffect> {
    if w.precheck.state != PrecheckState::Done {
        w.notice = Some("run the precheck first (r)".into());
        return Vec::new();
    }
    let failing: BTreeSet<i64> = w
        .precheck
        .items
        .iter()
        .filter(|i| i.result == CheckResult::Fail)
        .filter_map(|i| i.subject.as_deref()?.parse().ok())
        .collect();
    if failing.is_empty() {
        w.notice = Some(if w.precheck.fails() > 0 {
            "the failing checks are not about one OBProxy: fix them and press r".into()
        } else {
            "no OBProxy fails a check".into()
        });
        return Vec::new();
    }
    let Some(top) = w.index(Id::Proxies) else {
        return Vec::new();
    };
    let host_of = |it: &Vec<Field>| -> Option<i64> { it.first()?.choice()?.parse().ok() };
    let items = w.items(Id::Proxies);
    let keep: Vec<Vec<Field>> = items
        .iter()
        .filter(|it| host_of(it).is_none_or(|h| !failing.contains(&h)))
        .cloned()
        .collect();
    let removed: Vec<String> = items
        .iter()
        .filter_map(|it| {
            let h = host_of(it)?;
            failing
                .contains(&h)
                .then(|| it.first().map(|f| f.choice_label(&h.to_string())))
                .flatten()
        })
        .collect();
    if keep.is_empty() {
        w.notice = Some(
            "every OBProxy in the list fails: fix them, or go back (←) and choose others".into(),
        );
        return Vec::new();
    }
    if let Some(Field {
        kind: FieldKind::Group { items, .. },
        ..
    }) = w.fields.get_mut(top)
    {
        *items = keep;
    }
    w.changed();
    w.notice = Some(format!(
        "removed {} failing OBProxy(ies): {}; checking the rest again",
        removed.len(),
        removed.join(", ")
    ));
    w.start_precheck()
}

fn submit_request(w: &Wizard) -> Result<(SubmitRequest, String), String> {
    let f = form_values(w);
    let id = f.proxy_cluster_id.ok_or("choose an OBProxy cluster")?;
    let all = w.secret(Id::ProxysysPassword).filter(|s| !s.is_empty());
    let body = ObproxyTakeoverRequest {
        hosts: w
            .items(Id::Proxies)
            .iter()
            .filter_map(|it| {
                let host_id = it.first()?.choice()?.parse().ok()?;
                let sql_port = it.get(1)?.text_value().trim().parse().ok()?;
                let own = it.get(2).and_then(Field::secret).filter(|s| !s.is_empty());
                Some(ObproxyTakeoverHost {
                    host_id,
                    sql_port,
                    proxysys_passwd: own.or(all).cloned(),
                })
            })
            .collect(),
    };
    let write = OcpWrite::TakeoverProxy {
        proxy_cluster_id: id,
        body,
    };
    let name = w
        .field(Id::ProxyCluster)
        .map(|f| f.choice_label(&id.to_string()))
        .unwrap_or_default();
    let effect = format!(
        "OBProxy cluster {name} takes over {} OBProxy(ies); OCP manages them from then on.",
        f.hosts.len()
    );
    // One "Take over obproxy" task per host: a task is ours when its host is one of these.
    let lookup = TaskLookup {
        cluster_id: None,
        cluster_name: None,
        host_ids: f.hosts.iter().map(|(h, _)| *h).collect(),
        name_contains: "obproxy".into(),
        submitted_at_ms: 0,
    };
    Ok((
        SubmitRequest {
            kind: WizardKind::TakeoverProxy,
            write,
            lookup,
        },
        effect,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::data::*;
    use super::*;
    use crate::model::wizard::precheck::CheckResult;

    fn inv() -> Inventory {
        let svc = |t: &str, v: Option<&str>| HostService {
            service_type: t.into(),
            version: v.map(Into::into),
            ..Default::default()
        };
        Inventory {
            hosts: Some(vec![
                Host {
                    id: 1,
                    ip: "h1".into(),
                    status: "ONLINE".into(),
                    services: vec![svc("OB_PROXY", Some("4.2.1.0"))],
                    ..Default::default()
                },
                Host {
                    id: 2,
                    ip: "h2".into(),
                    status: "OFFLINE".into(),
                    services: vec![svc("OB_PROXY", Some("1.7.0"))],
                    ..Default::default()
                },
                Host {
                    id: 3,
                    ip: "h3".into(),
                    status: "ONLINE".into(),
                    services: vec![svc("OB_CLUSTER", None)],
                    ..Default::default()
                },
            ]),
            clusters: Some(vec![ClusterBrief {
                name: "terran".into(),
                ..Default::default()
            }]),
            proxy_clusters: Some(vec![ProxyCluster {
                id: 5,
                name: "px".into(),
                work_mode: Some("CONFIG_URL".into()),
                ob_links: vec![
                    ObLink {
                        cluster_name: "terran".into(),
                        ..Default::default()
                    },
                    ObLink {
                        cluster_name: "ghost".into(),
                        ..Default::default()
                    },
                ],
                proxies: vec![ProxyServer {
                    id: 9,
                    host_id: 3,
                    sql_port: 2883,
                    ..Default::default()
                }],
                versions: vec![],
            }]),
            ..Default::default()
        }
    }

    fn result(items: &[PrecheckItem], name: &str) -> CheckResult {
        items
            .iter()
            .find(|i| i.name.starts_with(name))
            .map(|i| i.result)
            .unwrap_or_else(|| panic!("no {name}: {items:?}"))
    }

    #[test]
    fn computed_checks() {
        let f = ProxyForm {
            proxy_cluster_id: Some(5),
            hosts: vec![(1, 2883), (2, 2883), (3, 2883), (4, 2883)],
        };
        let items = precheck(&f, &inv());
        assert_eq!(result(&items, "host h1"), CheckResult::Pass);
        assert_eq!(result(&items, "port 2883 on h1"), CheckResult::Pass);
        assert_eq!(result(&items, "OBProxy version on h1"), CheckResult::Pass);
        assert_eq!(result(&items, "host h2"), CheckResult::Fail);
        assert_eq!(result(&items, "OBProxy version on h2"), CheckResult::Fail);
        assert_eq!(result(&items, "port 2883 on h3"), CheckResult::Fail);
        assert_eq!(result(&items, "OBProxy version on h3"), CheckResult::Warn);
        assert_eq!(result(&items, "host #4"), CheckResult::Fail);
        assert_eq!(result(&items, "link to terran"), CheckResult::Pass);
        assert_eq!(result(&items, "link to ghost"), CheckResult::Warn);
        let f = ProxyForm {
            proxy_cluster_id: Some(6),
            hosts: vec![],
        };
        assert_eq!(
            result(&precheck(&f, &inv()), "OBProxy cluster known"),
            CheckResult::Fail
        );
        let f = ProxyForm {
            proxy_cluster_id: Some(5),
            hosts: vec![(3, 2881)],
        };
        assert_eq!(
            result(&precheck(&f, &inv()), "port 2881 on h3"),
            CheckResult::Fail
        );
    }

    #[test]
    fn computed_items_name_their_proxy_and_say_they_are_local() {
        let f = ProxyForm {
            proxy_cluster_id: Some(5),
            hosts: vec![(1, 2883), (2, 2883)],
        };
        let items = local_items(&f, &inv());
        assert_eq!(items[0].name, "local checks");
        assert_eq!(items[0].result, CheckResult::Warn);
        assert!(items[0].reason.contains("computed locally"));
        assert!(items[0].fix.contains("root@proxysys"));
        assert!(items
            .iter()
            .filter(|i| i.name.contains("h2"))
            .all(|i| i.subject.as_deref() == Some("2")));
        // The cluster-wide checks are about no single proxy.
        assert!(items
            .iter()
            .filter(|i| i.name.starts_with("link to"))
            .all(|i| i.subject.is_none()));
    }

    #[test]
    fn x_removes_the_failing_proxies_and_checks_again() {
        use crate::app::wizard::DataResponse;
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let ctx = WizardContext {
            ocp_version: Some("4.2.2".into()),
            cluster: None,
            proxy_cluster_id: Some(5),
            ..Default::default()
        };
        let (mut w, _) = Wizard::open(WizardKind::TakeoverProxy, ctx, false).unwrap();
        let data = inv();
        w.on_data(DataResponse::ProxyClusters(Ok(data
            .proxy_clusters
            .clone()
            .unwrap())));
        w.on_data(DataResponse::Hosts(Ok(data.hosts.clone().unwrap())));
        w.on_data(DataResponse::Clusters(Ok(data.clusters.clone().unwrap())));
        w.set_in_named("proxies", 0, "host", Value::One(Some("1".into())));
        w.set_in_named("proxies", 1, "host", Value::One(Some("2".into())));
        let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        // No server precheck is called: the checks are computed from fresh data.
        let refetch = |e: &[WizardEffect]| {
            !e.is_empty() && e.iter().all(|e| matches!(e, WizardEffect::NeedData(_)))
        };
        let e = w.handle_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
        assert!(refetch(&e), "{e:?}");
        // Before the answer, x does nothing.
        assert!(w.handle_key(x).is_empty());
        let answer = |w: &mut Wizard| {
            w.on_data(DataResponse::ProxyClusters(Ok(data
                .proxy_clusters
                .clone()
                .unwrap())));
            w.on_data(DataResponse::Hosts(Ok(data.hosts.clone().unwrap())));
            w.on_data(DataResponse::Clusters(Ok(data.clusters.clone().unwrap())));
            assert_eq!(w.precheck.state, PrecheckState::Done);
            assert_eq!(w.precheck.items[0].name, "local checks");
        };
        answer(&mut w);
        assert!(w.precheck.fails() > 0, "h2 is OFFLINE and too old");
        let e = w.handle_key(x);
        assert!(refetch(&e), "{e:?}");
        assert_eq!(form_values(&w).hosts, vec![(1, 2883)]);
        assert!(
            w.notice.as_deref().unwrap_or("").contains("h2"),
            "{:?}",
            w.notice
        );
        answer(&mut w);
        assert_eq!(w.precheck.fails(), 0, "{:?}", w.precheck.items);
        assert!(w.handle_key(x).is_empty());
        assert_eq!(w.notice.as_deref(), Some("no OBProxy fails a check"));
        // Every proxy failing: nothing is removed, the list never goes empty.
        w.set_in_named("proxies", 0, "host", Value::One(Some("2".into())));
        w.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE));
        answer(&mut w);
        assert!(w.handle_key(x).is_empty());
        assert_eq!(form_values(&w).hosts, vec![(2, 2883)]);
        assert!(w.notice.as_deref().unwrap_or("").contains("every OBProxy"));
    }

    #[test]
    fn ids_match_the_form() {
        let ctx = super::super::WizardContext {
            ocp_version: Some("4.3.0".into()),
            ..Default::default()
        };
        let (w, _) =
            super::super::Wizard::open(super::super::WizardKind::TakeoverProxy, ctx, false)
                .expect("opens");
        super::super::assert_ids_match(&w, Id::ALL, Id::from_key, &[]);
    }
}
