//! From OCP wire models to the wizard's inventory types, so the app answers `NeedData` with one
//! call per list.

use super::data;
use obtui_api::ocp;
use serde_json::Value;

impl From<&ocp::SoftwarePackage> for data::Package {
    fn from(p: &ocp::SoftwarePackage) -> Self {
        data::Package {
            id: p.id,
            file_name: p.file_name.clone().unwrap_or_default(),
            name: p.name.clone().unwrap_or_default(),
            version: p.version.clone().unwrap_or_default(),
            build_number: p.build_number.clone(),
            operating_system: p.operating_system.clone().unwrap_or_default(),
            architecture: p.architecture.clone().unwrap_or_default(),
            package_type: p.package_type.clone().unwrap_or_default(),
        }
    }
}

impl From<&ocp::Idc> for data::Idc {
    fn from(i: &ocp::Idc) -> Self {
        data::Idc {
            id: i.id,
            name: i.name.clone(),
            region_name: i.region_name.clone(),
        }
    }
}

impl From<&ocp::Host> for data::Host {
    fn from(h: &ocp::Host) -> Self {
        data::Host {
            id: h.id,
            ip: h.inner_ip_address.clone().unwrap_or_default(),
            name: h.name.clone().unwrap_or_default(),
            status: h.status.as_str().to_string(),
            idc_name: h.idc_name.clone(),
            architecture: h.architecture.clone(),
            operating_system: h.operating_system.clone(),
            services: h
                .services
                .iter()
                .map(|s| data::HostService {
                    service_type: s.service_type.clone().unwrap_or_default(),
                    name: s.name.clone(),
                    version: s.version.clone(),
                })
                .collect(),
        }
    }
}

impl From<&ocp::HostType> for data::HostType {
    fn from(t: &ocp::HostType) -> Self {
        data::HostType {
            id: t.id,
            name: t.name.clone(),
        }
    }
}

impl From<&ocp::Credential> for data::Credential {
    fn from(c: &ocp::Credential) -> Self {
        data::Credential {
            id: c.id,
            name: c.name.clone(),
            target_type: c.target_type.clone().unwrap_or_default(),
        }
    }
}

impl From<&ocp::ObCluster> for data::ClusterBrief {
    fn from(c: &ocp::ObCluster) -> Self {
        data::ClusterBrief {
            id: c.id,
            name: c.name.clone(),
            ob_cluster_id: c.ob_cluster_id,
            // The full build string when OCP gives one: it decides "newer" by build too.
            version: c
                .full_version
                .clone()
                .or_else(|| c.ob_version.clone())
                .unwrap_or_default(),
            status: c.status.as_str().to_string(),
            cluster_type: c
                .cluster_type
                .as_ref()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        }
    }
}

impl From<&ocp::ObproxyCluster> for data::ProxyCluster {
    fn from(p: &ocp::ObproxyCluster) -> Self {
        data::ProxyCluster {
            id: p.id,
            name: p.name.clone(),
            work_mode: p.work_mode.clone(),
            ob_links: p
                .ob_links
                .iter()
                .map(|l| data::ObLink {
                    cluster_name: l.cluster_name.clone().unwrap_or_default(),
                    ob_cluster_id: l.ob_cluster_id,
                    status: l.status.as_ref().map(|s| s.as_str().to_string()),
                })
                .collect(),
            proxies: p
                .obproxies
                .iter()
                .map(|o| data::ProxyServer {
                    id: o.id,
                    host_id: o.host_id.unwrap_or_default(),
                    ip: o.ip.clone().unwrap_or_default(),
                    sql_port: o
                        .sql_port
                        .and_then(|v| u16::try_from(v).ok())
                        .unwrap_or_default(),
                    exporter_port: o.exporter_port.and_then(|v| u16::try_from(v).ok()),
                    version: o.version.clone(),
                    status: o.status.as_str().to_string(),
                })
                .collect(),
            versions: p
                .versions
                .iter()
                .filter_map(|v| v.version.clone())
                .collect(),
        }
    }
}

/// A linked cluster's name from the loosely typed `primaryCluster` / `standbyClusters[]`.
fn linked_name(v: &Value) -> Option<String> {
    ["name", "clusterName", "obClusterName"]
        .iter()
        .find_map(|k| v.get(k).and_then(Value::as_str))
        .map(str::to_string)
}

/// One cluster in full: the cluster (list entry or detail), its servers
/// (`GET …/clusters/{id}/servers`) and its RUNNING tasks (`GET /api/v2/tasks/instances?…`).
pub fn cluster_detail(
    c: &ocp::ObCluster,
    servers: &[ocp::Server],
    running: &[ocp::TaskInstance],
) -> data::ClusterDetail {
    let server = |s: &ocp::Server| data::ServerInfo {
        ip: s.ip.clone().unwrap_or_default(),
        host_id: s.host_id,
        status: s.status.as_str().to_string(),
        version: s.version.clone(),
    };
    let mut zones: Vec<data::ZoneInfo> = c
        .zones
        .iter()
        .map(|z| data::ZoneInfo {
            name: z.name.clone(),
            idc_name: z.idc_name.clone(),
            servers: z.servers.iter().map(server).collect(),
        })
        .collect();
    // The servers endpoint is authoritative (the list's zones[].servers is often empty).
    if !servers.is_empty() {
        for z in &mut zones {
            z.servers.clear();
        }
        for s in servers {
            let zn = s.zone_name.clone().unwrap_or_default();
            match zones.iter_mut().find(|z| z.name == zn) {
                Some(z) => z.servers.push(server(s)),
                None => zones.push(data::ZoneInfo {
                    name: zn,
                    idc_name: s.idc_name.clone(),
                    servers: vec![server(s)],
                }),
            }
        }
    }
    data::ClusterDetail {
        cluster: c.into(),
        zones,
        primary_cluster: c.primary_cluster.as_ref().and_then(linked_name),
        standby_clusters: c.standby_clusters.iter().filter_map(linked_name).collect(),
        running_tasks: running
            .iter()
            .filter(|t| t.status.as_str() == "RUNNING")
            .map(|t| data::TaskBrief {
                id: t.id,
                name: t.name.clone(),
                status: t.status.as_str().to_string(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/tests/fixtures/ocp/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn documented_samples_convert() {
        let hosts: Vec<ocp::Host> =
            serde_json::from_value(fixture("compute-hosts-list.json")["data"]["contents"].clone())
                .unwrap();
        let h: data::Host = (&hosts[0]).into();
        assert!(h.id > 0 && !h.status.is_empty());
        let pkgs: Vec<ocp::SoftwarePackage> = serde_json::from_value(
            fixture("software-packages-list.json")["data"]["contents"].clone(),
        )
        .unwrap();
        let p: data::Package = (&pkgs[0]).into();
        assert_eq!(
            p.file_name,
            "t-oceanbase-ocp-agent-2.4.2-1898294.alios7.x86_64.rpm"
        );
        assert_eq!(p.full_version(), "2.4.2-1898294");
        let pcs: Vec<ocp::ObproxyCluster> = serde_json::from_value(
            fixture("obproxy-clusters-list.json")["data"]["contents"].clone(),
        )
        .unwrap();
        let pc: data::ProxyCluster = (&pcs[0]).into();
        assert_eq!((pc.proxies[0].host_id, pc.proxies[0].sql_port), (2, 2883));
        assert_eq!(pc.work_mode.as_deref(), Some("CONFIG_URL"));
        let cs: Vec<ocp::ObCluster> =
            serde_json::from_value(fixture("ob-clusters-list.json")["data"]["contents"].clone())
                .unwrap();
        let servers: Vec<ocp::Server> =
            serde_json::from_value(fixture("ob-cluster-servers.json")["data"]["contents"].clone())
                .unwrap();
        let d = cluster_detail(&cs[0], &servers, &[]);
        assert_eq!(d.cluster.name, "test");
        assert_eq!(d.cluster.status, "RUNNING");
        assert!(d.zones.iter().map(|z| z.servers.len()).sum::<usize>() >= 1);
    }
}
