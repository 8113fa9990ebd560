//! What a detail view lists that can be selected and opened (drill-down): a cluster's zones,
//! servers and tasks; a host's OceanBase cluster; an OBProxy cluster's proxies and linked
//! clusters. The UI draws the same items in the same order and marks the selected one.

use crate::model::inventory::{Server, ServiceKind};
use crate::model::view::ViewData;
use obtui_task::Backend;
use std::collections::BTreeSet;

/// One selectable line of a detail view, and what Enter on it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailItem {
    /// A zone: Enter folds / unfolds its servers.
    Zone { name: String },
    /// An OceanBase server: Enter opens its host.
    Server { ip: String },
    /// A task of the cluster: Enter opens its DAG.
    Task { id: String, backend: Backend },
    /// An OBProxy process: Enter opens its host.
    Proxy { ip: String },
    /// A cluster a host serves or an OBProxy links to: Enter opens it.
    Cluster { name: String },
    /// A tenant of the cluster: Enter opens it.
    Tenant { cluster: i64, tenant: i64 },
    /// A tenant known by its cluster's name and its own (an alarm's target): Enter opens it.
    TenantNamed { cluster: String, tenant: String },
}

/// The servers listed under zone `zone` (the servers part when it came, else the zone's own).
pub fn zone_servers<'a>(
    known: &'a [Server],
    zone: &'a crate::model::inventory::Zone,
) -> Vec<&'a Server> {
    let servers: Vec<&Server> = known
        .iter()
        .filter(|s| s.zone.as_deref() == Some(zone.name.as_str()))
        .collect();
    if servers.is_empty() {
        zone.servers.iter().collect()
    } else {
        servers
    }
}

/// The selectable items of a detail's data, in the order they are drawn; the servers of the
/// zones in `folded` are not listed.
pub fn items(data: &ViewData, folded: &BTreeSet<String>) -> Vec<DetailItem> {
    let mut out = vec![];
    match data {
        ViewData::ClusterDetail(d) => {
            let known: &[Server] = d.servers.as_deref().unwrap_or_default();
            for z in &d.zones {
                out.push(DetailItem::Zone {
                    name: z.name.clone(),
                });
                if folded.contains(&z.name) {
                    continue;
                }
                for s in zone_servers(known, z) {
                    out.push(DetailItem::Server {
                        ip: s.ip.clone().unwrap_or_default(),
                    });
                }
            }
            // OCP's tenants (an obshell agent's have no id here and cannot be opened).
            for t in d.tenants.iter().flatten().filter(|t| t.id != 0) {
                out.push(DetailItem::Tenant {
                    cluster: t.cluster_id.unwrap_or(d.cluster.id),
                    tenant: t.id,
                });
            }
            for t in d.tasks.iter().flatten() {
                let (id, backend) = t.open_target();
                out.push(DetailItem::Task { id, backend });
            }
        }
        ViewData::AlarmDetail(a) => {
            use crate::model::alarm::AlarmTarget;
            match &a.target {
                AlarmTarget::Cluster { name } => {
                    out.push(DetailItem::Cluster { name: name.clone() })
                }
                AlarmTarget::Tenant { cluster, tenant } => out.push(DetailItem::TenantNamed {
                    cluster: cluster.clone(),
                    tenant: tenant.clone(),
                }),
                AlarmTarget::Host { ip } => out.push(DetailItem::Server { ip: ip.clone() }),
                AlarmTarget::Other => {}
            }
        }
        ViewData::TenantDetail(d) => {
            for u in d.tenant.zones.iter().flat_map(|z| &z.units) {
                out.push(DetailItem::Server {
                    ip: u.server_ip.clone().unwrap_or_default(),
                });
            }
            for t in d.tasks.iter().flatten() {
                let (id, backend) = t.open_target();
                out.push(DetailItem::Task { id, backend });
            }
        }
        ViewData::HostDetail(h) => {
            for s in &h.services {
                if s.kind == Some(ServiceKind::ObCluster) {
                    if let Some(name) = &s.name {
                        out.push(DetailItem::Cluster { name: name.clone() });
                    }
                }
            }
        }
        ViewData::ProxyDetail(p) => {
            for x in &p.proxies {
                out.push(DetailItem::Proxy {
                    ip: x.ip.clone().unwrap_or_default(),
                });
            }
            for l in &p.links {
                if let Some(name) = &l.cluster_name {
                    out.push(DetailItem::Cluster { name: name.clone() });
                }
            }
        }
        _ => {}
    }
    out
}
