//! The simulator's inventory: regions, IDCs, host types, credentials, hosts, OceanBase
//! clusters (zones, servers, tenants), OBProxy clusters, software packages, and the
//! "unmanaged" clusters that only the takeover endpoints can see.
//!
//! Built from a seed with a small PRNG, so the same seed gives the same JSON; `scale`
//! multiplies clusters (and their hosts) for load tests.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::clock::INVENTORY_BASE_MS;

#[derive(Debug, Clone)]
pub struct Region {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub create_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Idc {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub region_id: i64,
    pub create_ms: i64,
}

#[derive(Debug, Clone)]
pub struct HostType {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub create_ms: i64,
}

/// A password-box entry. The secret itself is never stored or served.
#[derive(Debug, Clone)]
pub struct Credential {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// `PASSWORD` or `PRIVATE_KEY`.
    pub kind: String,
    pub username: String,
    pub create_ms: i64,
}

#[derive(Debug, Clone)]
pub struct HostService {
    pub name: String,
    pub kind: String,
    pub version: String,
}

#[derive(Debug, Clone)]
pub struct Host {
    pub id: i64,
    pub name: String,
    pub ip: String,
    pub ssh_port: i64,
    pub kind: String,
    pub idc_id: i64,
    pub type_id: i64,
    pub status: String,
    pub agent_id: i64,
    pub agent_version: String,
    pub agent_status: String,
    pub os: String,
    pub os_release: String,
    pub arch: String,
    pub services: Vec<HostService>,
    pub create_ms: i64,
    pub update_ms: i64,
}

impl Host {
    /// A host OCP can hand to a new cluster or proxy: online and running nothing.
    pub fn is_free(&self) -> bool {
        self.services.is_empty() && self.status == "ONLINE"
    }
}

#[derive(Debug, Clone)]
pub struct Server {
    pub id: i64,
    pub host_id: i64,
    pub ip: String,
    pub port: i64,
    pub sql_port: i64,
    pub status: String,
    pub with_rootserver: bool,
    pub start_ms: i64,
    pub update_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub idc_id: i64,
    pub status: String,
    pub servers: Vec<Server>,
    pub create_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: i64,
    pub ob_tenant_id: i64,
    pub name: String,
    /// `MYSQL` or `ORACLE`.
    pub mode: String,
    pub status: String,
    pub locked: bool,
    pub readonly: bool,
    pub primary_zone: String,
    pub description: Option<String>,
    pub create_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: i64,
    pub name: String,
    pub ob_cluster_id: i64,
    /// `4.2.1.2`
    pub version: String,
    /// `102000042023120514`
    pub build: String,
    pub status: String,
    /// `PRIMARY` or `STANDBY`.
    pub kind: String,
    pub primary_id: Option<i64>,
    pub zones: Vec<Zone>,
    pub tenants: Vec<Tenant>,
    pub creator: String,
    pub create_ms: i64,
    pub update_ms: i64,
}

impl Cluster {
    pub fn servers(&self) -> impl Iterator<Item = (&Zone, &Server)> {
        self.zones
            .iter()
            .flat_map(|z| z.servers.iter().map(move |s| (z, s)))
    }
    pub fn server_count(&self) -> usize {
        self.zones.iter().map(|z| z.servers.len()).sum()
    }
    /// `4.2.1.2-102000042023120514`
    pub fn full_version(&self) -> String {
        format!("{}-{}", self.version, self.build)
    }
}

#[derive(Debug, Clone)]
pub struct Obproxy {
    pub id: i64,
    pub host_id: i64,
    pub ip: String,
    pub sql_port: i64,
    pub exporter_port: i64,
    pub version: String,
    pub status: String,
    pub operate_status: String,
    pub last_active_ms: i64,
}

#[derive(Debug, Clone)]
pub struct ProxyCluster {
    pub id: i64,
    pub name: String,
    /// `CONFIG_URL` or `RS_LIST`.
    pub work_mode: String,
    pub address: String,
    pub port: i64,
    pub parameter_version: i64,
    /// OB cluster ids this proxy cluster connects to (as proxyro).
    pub links: Vec<i64>,
    pub proxies: Vec<Obproxy>,
    pub create_ms: i64,
    pub update_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Package {
    pub id: i64,
    pub name: String,
    pub file_name: String,
    pub version: String,
    pub build: String,
    /// `OB_SERVER_INSTALL_PACKAGE`, `OBPROXY_INSTALL_PACKAGE`, `OCP_AGENT_INSTALL_PACKAGE`.
    pub kind: String,
    pub os: String,
    pub arch: String,
    pub size: i64,
    pub sha1: String,
    pub create_ms: i64,
}

/// A cluster that exists "out there" but not in this OCP: only takeover can see it.
#[derive(Debug, Clone)]
pub struct Unmanaged {
    pub name: String,
    pub ob_cluster_id: i64,
    pub version: String,
    pub build: String,
    pub kind: String,
    /// Name of its primary, for a standby.
    pub primary_name: Option<String>,
    /// `(zone, ip)` of each OBServer; SQL port 2881, RPC 2882.
    pub servers: Vec<(String, String)>,
    /// The root@sys password the precheck accepts.
    pub root_password: String,
    /// The proxyro@sys password OBProxies already connect with (`proxyroPassword` of the
    /// take-over must match it when given).
    pub proxyro_password: String,
    /// IPs of OBServers that are down (the precheck fails on them).
    pub stopped: Vec<String>,
    /// Tenants besides sys.
    pub tenants: Vec<(String, String)>,
}

/// An OBProxy running somewhere that OCP does not manage: only the OBProxy take-over
/// (`POST /api/v2/obproxy/clusters/{id}/takeOver`) sees it. Each of the conditions of the
/// take-over (OCP docs, "Take over an OBProxy") can be made to fail by one of these.
#[derive(Debug, Clone)]
pub struct UnmanagedProxy {
    /// Its host in OCP, when OCP knows the host.
    pub host_id: Option<i64>,
    pub ip: String,
    pub sql_port: i64,
    /// e.g. `4.2.1.0`
    pub version: String,
    /// The standard RPM installs into `/opt/taobao/install/obproxy-{version}`.
    pub install_path: String,
    /// The owner of each obproxy process on the host.
    pub processes: Vec<String>,
    /// `CONFIG_URL` or `RS_LIST`.
    pub work_mode: String,
    /// Names of the OceanBase clusters it can connect to.
    pub clusters: Vec<String>,
    /// Its root@proxysys password; empty = the default, which OCP knows without being told.
    pub proxysys_password: String,
    /// What this one is for, in a few words (the demo's notes).
    pub note: String,
}

impl UnmanagedProxy {
    /// Where the standard RPM of this version installs.
    pub fn standard_path(&self) -> String {
        format!("/opt/taobao/install/obproxy-{}", self.version)
    }
}

/// Everything the simulator knows, behind one lock in `SimState`.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub regions: Vec<Region>,
    pub idcs: Vec<Idc>,
    pub host_types: Vec<HostType>,
    pub credentials: Vec<Credential>,
    pub hosts: Vec<Host>,
    pub clusters: Vec<Cluster>,
    pub proxies: Vec<ProxyCluster>,
    pub packages: Vec<Package>,
    pub unmanaged: Vec<Unmanaged>,
    /// OBProxies not managed by OCP, candidates for the OBProxy take-over.
    pub unmanaged_proxies: Vec<UnmanagedProxy>,
    pub next_id: i64,
    /// Hosts are numbered in creation order, so `hosts` stays sorted by id.
    pub host_seq: u32,
}

/// The root@sys password of every unmanaged cluster the takeover precheck knows.
pub const TAKEOVER_PASSWORD: &str = "RootSys_123";
/// The proxyro@sys password of every unmanaged cluster the takeover precheck knows.
pub const TAKEOVER_PROXYRO_PASSWORD: &str = "Proxyro_123";
/// Address of the unmanaged primary cluster ready to be taken over.
pub const TAKEOVER_ADDRESS: &str = "10.186.0.50";
pub const TAKEOVER_PORT: i64 = 2881;
/// The unmanaged cluster that fails the takeover precheck (old version, an OBServer down).
pub const TAKEOVER_FAILING_ADDRESS: &str = "10.186.2.50";
/// OBProxies out there that OCP does not manage live in this /24 (see [`UnmanagedProxy`]).
pub const PROXY_CANDIDATE_PREFIX: &str = "10.186.5.";
/// The root@proxysys password of the one OBProxy candidate whose password is not the default
/// (`…5.11`): its take-over needs it in `hosts[].proxysysPasswd`.
pub const PROXY_CANDIDATE_PROXYSYS_PASSWORD: &str = "ProxySys_11";
/// The oldest OBProxy OCP takes over.
pub const MIN_PROXY_TAKEOVER_VERSION: &str = "1.8.0";

/// OceanBase server builds the package list offers, oldest first: (version, build).
pub const OB_BUILDS: &[(&str, &str)] = &[
    ("4.2.1.2", "102000042023120514"),
    ("4.2.2.0", "100000102024010920"),
    ("4.2.3.1", "101000032024051115"),
    ("4.3.0.1", "100000242024032211"),
    ("4.3.2.1", "101000012024073016"),
];

/// The build number of a known OceanBase version.
pub fn build_of(version: &str) -> String {
    OB_BUILDS
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, b)| b.to_string())
        .unwrap_or_else(|| "100000012024010100".into())
}

/// The `version` string an OBServer reports, e.g. `4.2.1.2_102000042023120514-…(Dec 05 2023 …)`.
pub fn server_version_string(version: &str, build: &str) -> String {
    format!("{version}_{build}-5d4b5e5e2c4e5a1c0c9d7c3f0e7d2b1a9f8e6c4d(Jan 08 2024 10:00:00)")
}

/// Compare dotted versions numerically (`4.2.10` > `4.2.9`).
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parse = |s: &str| -> Vec<u64> {
        s.split(['.', '-', '_'])
            .map(|p| p.parse::<u64>().unwrap_or(0))
            .collect()
    };
    parse(a).cmp(&parse(b))
}

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

impl Inventory {
    pub fn alloc_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }
    pub fn host(&self, id: i64) -> Option<&Host> {
        let i = self.hosts.binary_search_by_key(&id, |h| h.id).ok()?;
        self.hosts.get(i)
    }
    pub fn host_mut(&mut self, id: i64) -> Option<&mut Host> {
        let i = self.hosts.binary_search_by_key(&id, |h| h.id).ok()?;
        self.hosts.get_mut(i)
    }
    /// Add a host with the next id and address; returns its id and IP.
    pub fn add_host(&mut self, idc_id: i64, type_id: i64, create_ms: i64) -> (i64, String) {
        let n = self.host_seq + 1;
        let ip = format!("10.10.{}.{}", n / 250, n % 250 + 1);
        self.add_host_with_ip(idc_id, type_id, create_ms, ip)
    }
    /// Add a host at a given address (takeover brings hosts OCP did not know).
    pub fn add_host_with_ip(
        &mut self,
        idc_id: i64,
        type_id: i64,
        create_ms: i64,
        ip: String,
    ) -> (i64, String) {
        self.host_seq += 1;
        let n = self.host_seq;
        let id = 3_000_000 + i64::from(n);
        let idc = self.idc_name(idc_id);
        self.hosts.push(Host {
            id,
            name: format!("ob-{idc}-{n:05}"),
            ip: ip.clone(),
            ssh_port: 22,
            kind: "DEDICATED_PHYSICAL_MACHINE".into(),
            idc_id,
            type_id,
            status: "ONLINE".into(),
            agent_id: 6_000_000 + i64::from(n),
            agent_version: "4.2.2-20240108".into(),
            agent_status: "AVAILABLE".into(),
            os: "3.10.0-1160.el7.x86_64".into(),
            os_release: "el7".into(),
            arch: "x86_64".into(),
            services: Vec::new(),
            create_ms,
            update_ms: create_ms,
        });
        (id, ip)
    }
    pub fn cluster(&self, id: i64) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.id == id)
    }
    pub fn cluster_mut(&mut self, id: i64) -> Option<&mut Cluster> {
        self.clusters.iter_mut().find(|c| c.id == id)
    }
    pub fn idc(&self, id: i64) -> Option<&Idc> {
        self.idcs.iter().find(|i| i.id == id)
    }
    pub fn region(&self, id: i64) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }
    pub fn host_type(&self, id: i64) -> Option<&HostType> {
        self.host_types.iter().find(|t| t.id == id)
    }
    pub fn proxy(&self, id: i64) -> Option<&ProxyCluster> {
        self.proxies.iter().find(|p| p.id == id)
    }
    pub fn proxy_mut(&mut self, id: i64) -> Option<&mut ProxyCluster> {
        self.proxies.iter_mut().find(|p| p.id == id)
    }
    pub fn idc_name(&self, id: i64) -> String {
        self.idc(id).map(|i| i.name.clone()).unwrap_or_default()
    }
    pub fn region_of_idc(&self, idc_id: i64) -> Option<&Region> {
        self.idc(idc_id).and_then(|i| self.region(i.region_id))
    }
    pub fn host_by_ip(&self, ip: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.ip == ip)
    }
    /// All tenants with their cluster, in cluster order.
    pub fn tenants(&self) -> impl Iterator<Item = (&Cluster, &Tenant)> {
        self.clusters
            .iter()
            .flat_map(|c| c.tenants.iter().map(move |t| (c, t)))
    }

    /// Build the seeded inventory. `scale` ≥ 1; at 1000 it holds ~1,000 clusters and ~10,000
    /// hosts.
    pub fn generate(seed: u64, scale: u32) -> Inventory {
        let mut g = Gen {
            rng: SmallRng::seed_from_u64(seed),
            inv: Inventory {
                next_id: 1000,
                ..Default::default()
            },
        };
        g.base();
        g.named_clusters();
        g.extra_clusters(scale.max(1));
        g.proxies();
        g.free_hosts(6);
        g.offline_host();
        g.packages();
        g.unmanaged();
        g.unmanaged_proxies();
        g.inv
    }
}

struct Gen {
    rng: SmallRng,
    inv: Inventory,
}

/// Tenant names the generator draws from (besides sys).
const TENANT_NAMES: &[(&str, &str)] = &[
    ("tpcc", "MYSQL"),
    ("app_meta", "MYSQL"),
    ("ora_prod", "ORACLE"),
    ("billing", "MYSQL"),
    ("report", "ORACLE"),
];

impl Gen {
    fn t(&mut self, max_days: i64) -> i64 {
        INVENTORY_BASE_MS - self.rng.gen_range(DAY..=max_days.max(2) * DAY)
    }

    fn base(&mut self) {
        let inv = &mut self.inv;
        inv.regions = vec![
            Region {
                id: 1,
                name: "hangzhou".into(),
                description: Some("East China 1".into()),
                create_ms: INVENTORY_BASE_MS - 400 * DAY,
            },
            Region {
                id: 2,
                name: "shanghai".into(),
                description: Some("East China 2".into()),
                create_ms: INVENTORY_BASE_MS - 400 * DAY,
            },
        ];
        inv.idcs = vec![
            Idc {
                id: 1,
                name: "hz1".into(),
                description: Some("Hangzhou Xixi".into()),
                region_id: 1,
                create_ms: INVENTORY_BASE_MS - 399 * DAY,
            },
            Idc {
                id: 2,
                name: "sh1".into(),
                description: Some("Shanghai Jinqiao".into()),
                region_id: 2,
                create_ms: INVENTORY_BASE_MS - 399 * DAY,
            },
        ];
        inv.host_types = vec![
            HostType {
                id: 1,
                name: "ob-standard".into(),
                description: Some("32C 256G NVMe".into()),
                create_ms: INVENTORY_BASE_MS - 398 * DAY,
            },
            HostType {
                id: 2,
                name: "proxy-small".into(),
                description: Some("8C 32G".into()),
                create_ms: INVENTORY_BASE_MS - 398 * DAY,
            },
        ];
        inv.credentials = vec![
            Credential {
                id: 1,
                name: "root-ssh".into(),
                description: "root password for OB hosts".into(),
                kind: "PASSWORD".into(),
                username: "root".into(),
                create_ms: INVENTORY_BASE_MS - 398 * DAY,
            },
            Credential {
                id: 2,
                name: "admin-key".into(),
                description: "admin private key (sudo)".into(),
                kind: "PRIVATE_KEY".into(),
                username: "admin".into(),
                create_ms: INVENTORY_BASE_MS - 397 * DAY,
            },
        ];
    }

    /// A new host in `idc_id`, addressed from the 10.10.x.y range.
    fn new_host(&mut self, idc_id: i64, type_id: i64) -> (i64, String) {
        let create_ms = self.t(300);
        let upd = create_ms + self.rng.gen_range(HOUR..=30 * DAY);
        let (id, ip) = self.inv.add_host(idc_id, type_id, create_ms);
        if let Some(h) = self.inv.hosts.last_mut() {
            h.update_ms = upd;
        }
        (id, ip)
    }

    /// Add a cluster with `zones` zones of `per_zone` servers; zone3 lives in the second IDC.
    #[allow(clippy::too_many_arguments)]
    fn cluster(
        &mut self,
        name: &str,
        version: &str,
        kind: &str,
        primary_id: Option<i64>,
        zones: usize,
        per_zone: usize,
        tenants: usize,
    ) -> i64 {
        let id = self.inv.alloc_id();
        let create_ms = self.t(200);
        let ob_cluster_id = self.rng.gen_range(1..=9_999);
        let mut zone_list = Vec::new();
        for z in 0..zones {
            let idc_id = if z == 2 { 2 } else { 1 };
            let mut servers = Vec::new();
            for s in 0..per_zone {
                let (host_id, ip) = self.new_host(idc_id, 1);
                let sid = self.inv.alloc_id();
                servers.push(Server {
                    id: sid,
                    host_id,
                    ip,
                    port: 2882,
                    sql_port: 2881,
                    status: "RUNNING".into(),
                    with_rootserver: s == 0,
                    start_ms: create_ms + HOUR,
                    update_ms: create_ms + 2 * HOUR,
                });
                if let Some(h) = self.inv.host_mut(host_id) {
                    h.services.push(HostService {
                        name: format!("{name}:{ob_cluster_id}"),
                        kind: "OB_CLUSTER".into(),
                        version: version.into(),
                    });
                }
            }
            zone_list.push(Zone {
                name: format!("zone{}", z + 1),
                idc_id,
                status: "RUNNING".into(),
                servers,
                create_ms,
            });
        }
        let zone_names: Vec<String> = zone_list.iter().map(|z| z.name.clone()).collect();
        let mut tenant_list = vec![Tenant {
            id: self.inv.alloc_id(),
            ob_tenant_id: 1,
            name: "sys".into(),
            mode: "MYSQL".into(),
            status: "NORMAL".into(),
            locked: false,
            readonly: false,
            primary_zone: zone_names.join(";"),
            description: Some("system tenant".into()),
            create_ms,
        }];
        for (i, &(tname, mode)) in TENANT_NAMES.iter().take(tenants).enumerate() {
            tenant_list.push(Tenant {
                id: self.inv.alloc_id(),
                ob_tenant_id: 1002 + 2 * i as i64,
                name: tname.into(),
                mode: mode.into(),
                status: "NORMAL".into(),
                locked: false,
                readonly: kind == "STANDBY",
                primary_zone: zone_names.first().cloned().unwrap_or_default(),
                description: None,
                create_ms: create_ms + DAY,
            });
        }
        self.inv.clusters.push(Cluster {
            id,
            name: name.into(),
            ob_cluster_id,
            version: version.into(),
            build: build_of(version),
            status: "RUNNING".into(),
            kind: kind.into(),
            primary_id,
            zones: zone_list,
            tenants: tenant_list,
            creator: "admin".into(),
            create_ms,
            update_ms: create_ms + 3 * DAY,
        });
        id
    }

    fn named_clusters(&mut self) {
        let per = self.rng.gen_range(1..=2);
        let terran = self.cluster("terran", "4.2.1.2", "PRIMARY", None, 3, per, 3);
        let zerg_zones = self.rng.gen_range(1..=3);
        self.cluster("zerg", "4.2.1.2", "STANDBY", Some(terran), zerg_zones, 1, 3);
        let pz = self.rng.gen_range(1..=3);
        let pt = self.rng.gen_range(1..=2);
        self.cluster("protoss", "4.2.2.0", "PRIMARY", None, pz, 1, pt);
        let xs = self.rng.gen_range(1..=3);
        self.cluster("xelnaga", "4.3.0.1", "PRIMARY", None, 1, xs, 1);
    }

    /// Clusters beyond the four named ones: `scale` clusters in all, each with ~10 hosts.
    fn extra_clusters(&mut self, scale: u32) {
        let named = self.inv.clusters.len() as u32;
        for i in 0..scale.saturating_sub(named) {
            let zones = self.rng.gen_range(1..=3);
            let per = self.rng.gen_range(1..=3);
            let (version, _) = OB_BUILDS[self.rng.gen_range(0..OB_BUILDS.len())];
            let tenants = self.rng.gen_range(0..=3);
            let name = format!("ob_{:04}", i + 1);
            self.cluster(&name, version, "PRIMARY", None, zones, per, tenants);
            // Spare hosts so that the fleet is ~10 hosts per cluster, like a real site.
            for _ in zones * per..10 {
                let idc = self.rng.gen_range(1..=2);
                self.new_host(idc, 1);
            }
        }
    }

    fn proxy_host(&mut self, idc: i64, cluster_name: &str, version: &str) -> (i64, String) {
        let (id, ip) = self.new_host(idc, 2);
        if let Some(h) = self.inv.host_mut(id) {
            h.name = h.name.replace("ob-", "proxy-");
            h.services.push(HostService {
                name: cluster_name.into(),
                kind: "OB_PROXY".into(),
                version: version.into(),
            });
        }
        (id, ip)
    }

    fn proxies(&mut self) {
        let terran = self.inv.clusters.first().map(|c| c.id).unwrap_or(0);
        let protoss = self.inv.clusters.get(2).map(|c| c.id).unwrap_or(0);
        let specs = [
            ("proxy_main", "CONFIG_URL", vec![terran, protoss], 2usize),
            ("proxy_rs", "RS_LIST", vec![protoss], 1usize),
        ];
        for (name, mode, links, n) in specs {
            let id = self.inv.alloc_id();
            let create_ms = self.t(100);
            let version = "4.2.1.0-11";
            let mut proxies = Vec::new();
            for i in 0..n {
                let (host_id, ip) = self.proxy_host(1 + (i as i64 % 2), name, version);
                proxies.push(Obproxy {
                    id: self.inv.alloc_id(),
                    host_id,
                    ip,
                    sql_port: 2883,
                    exporter_port: 2884,
                    version: version.into(),
                    status: "RUNNING".into(),
                    operate_status: "NORMAL".into(),
                    last_active_ms: INVENTORY_BASE_MS - 60_000,
                });
            }
            let address = proxies.first().map(|p| p.ip.clone()).unwrap_or_default();
            self.inv.proxies.push(ProxyCluster {
                id,
                name: name.into(),
                work_mode: mode.into(),
                address,
                port: 2883,
                parameter_version: 3,
                links,
                proxies,
                create_ms,
                update_ms: create_ms + DAY,
            });
        }
    }

    /// Hosts that run nothing yet: candidates for create cluster and OBProxy takeover.
    fn free_hosts(&mut self, n: usize) {
        for i in 0..n {
            let idc = 1 + (i as i64 % 2);
            self.new_host(idc, 1);
        }
    }

    /// One host whose agent is down: something for the on-call view to find.
    fn offline_host(&mut self) {
        let (id, _) = self.new_host(2, 1);
        if let Some(h) = self.inv.host_mut(id) {
            h.status = "OFFLINE".into();
            h.agent_status = "OFFLINE".into();
        }
    }

    fn packages(&mut self) {
        let mut pkgs = Vec::new();
        for (i, (v, b)) in OB_BUILDS.iter().enumerate() {
            pkgs.push(Package {
                id: 0,
                name: "oceanbase".into(),
                file_name: format!("oceanbase-{v}-{b}.el7.x86_64.rpm"),
                version: (*v).into(),
                build: (*b).into(),
                kind: "OB_SERVER_INSTALL_PACKAGE".into(),
                os: "el7".into(),
                arch: "x86_64".into(),
                size: 380_000_000 + 7_000_000 * i as i64,
                sha1: String::new(),
                create_ms: INVENTORY_BASE_MS - (40 - 5 * i as i64) * DAY,
            });
        }
        for (v, b) in [("4.2.1.0", "11"), ("4.2.3.0", "3")] {
            pkgs.push(Package {
                id: 0,
                name: "obproxy-ce".into(),
                file_name: format!("obproxy-ce-{v}-{b}.el7.x86_64.rpm"),
                version: v.into(),
                build: b.into(),
                kind: "OBPROXY_INSTALL_PACKAGE".into(),
                os: "el7".into(),
                arch: "x86_64".into(),
                size: 48_000_000,
                sha1: String::new(),
                create_ms: INVENTORY_BASE_MS - 30 * DAY,
            });
        }
        pkgs.push(Package {
            id: 0,
            name: "t-oceanbase-ocp-agent".into(),
            file_name: "t-oceanbase-ocp-agent-4.2.2-20240108.el7.x86_64.rpm".into(),
            version: "4.2.2".into(),
            build: "20240108".into(),
            kind: "OCP_AGENT_INSTALL_PACKAGE".into(),
            os: "el7".into(),
            arch: "x86_64".into(),
            size: 52_000_000,
            sha1: String::new(),
            create_ms: INVENTORY_BASE_MS - 20 * DAY,
        });
        for (i, p) in pkgs.iter_mut().enumerate() {
            p.id = 10 + i as i64;
            p.sha1 = format!(
                "{:016x}{:016x}{:08x}",
                self.rng.gen::<u64>(),
                self.rng.gen::<u64>(),
                self.rng.gen::<u32>()
            );
        }
        self.inv.packages = pkgs;
    }

    fn unmanaged(&mut self) {
        let servers = |prefix: &str, n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| (format!("zone{}", i + 1), format!("{prefix}.{}", 50 + i)))
                .collect()
        };
        self.inv.unmanaged = vec![
            Unmanaged {
                name: "nova".into(),
                ob_cluster_id: 1_700_000_001,
                version: "4.2.2.0".into(),
                build: build_of("4.2.2.0"),
                kind: "PRIMARY".into(),
                primary_name: None,
                servers: servers("10.186.0", 3),
                root_password: TAKEOVER_PASSWORD.into(),
                proxyro_password: TAKEOVER_PROXYRO_PASSWORD.into(),
                stopped: Vec::new(),
                tenants: vec![("orders".into(), "MYSQL".into())],
            },
            Unmanaged {
                name: "nova_dr".into(),
                ob_cluster_id: 1_700_000_002,
                version: "4.2.2.0".into(),
                build: build_of("4.2.2.0"),
                kind: "STANDBY".into(),
                primary_name: Some("nova".into()),
                servers: servers("10.186.1", 3),
                root_password: TAKEOVER_PASSWORD.into(),
                proxyro_password: TAKEOVER_PROXYRO_PASSWORD.into(),
                stopped: Vec::new(),
                tenants: vec![("orders".into(), "MYSQL".into())],
            },
            Unmanaged {
                name: "legacy".into(),
                ob_cluster_id: 1_700_000_003,
                version: "2.2.77".into(),
                build: "20210811143425".into(),
                kind: "PRIMARY".into(),
                primary_name: None,
                servers: servers("10.186.2", 2),
                root_password: TAKEOVER_PASSWORD.into(),
                proxyro_password: TAKEOVER_PROXYRO_PASSWORD.into(),
                stopped: vec!["10.186.2.51".into()],
                tenants: Vec::new(),
            },
        ];
    }
}

impl Gen {
    /// OBProxies OCP does not manage, on hosts added last so every other id stays as it was.
    /// Against `proxy_main` (CONFIG_URL, terran + protoss) the first two pass and the others
    /// each fail one condition; the RS_LIST one passes against `proxy_rs`.
    fn unmanaged_proxies(&mut self) {
        struct Spec {
            n: u8,
            idc: i64,
            in_ocp: bool,
            online: bool,
            version: &'static str,
            path: Option<&'static str>,
            processes: &'static [&'static str],
            mode: &'static str,
            clusters: &'static [&'static str],
            proxysys: &'static str,
            note: &'static str,
        }
        let specs = [
            Spec {
                n: 10,
                idc: 1,
                in_ocp: true,
                online: true,
                version: "4.2.1.0",
                path: None,
                processes: &["admin"],
                mode: "CONFIG_URL",
                clusters: &["terran"],
                proxysys: "",
                note: "passes (proxy_main)",
            },
            Spec {
                n: 11,
                idc: 2,
                in_ocp: true,
                online: true,
                version: "3.2.3.5",
                path: None,
                processes: &["admin"],
                mode: "CONFIG_URL",
                clusters: &["terran", "protoss"],
                proxysys: PROXY_CANDIDATE_PROXYSYS_PASSWORD,
                note: "passes (proxy_main) with its root@proxysys password",
            },
            Spec {
                n: 12,
                idc: 1,
                in_ocp: true,
                online: true,
                version: "1.7.6",
                path: None,
                processes: &["admin"],
                mode: "CONFIG_URL",
                clusters: &["terran"],
                proxysys: "",
                note: "fails: version 1.7.6 < 1.8.0",
            },
            Spec {
                n: 13,
                idc: 2,
                in_ocp: true,
                online: true,
                version: "4.2.1.0",
                path: None,
                processes: &["admin"],
                mode: "RS_LIST",
                clusters: &["protoss"],
                proxysys: "",
                note: "fails against proxy_main: RS_LIST start mode (passes for proxy_rs)",
            },
            Spec {
                n: 14,
                idc: 1,
                in_ocp: true,
                online: true,
                version: "4.2.1.0",
                path: Some("/home/admin/obproxy"),
                processes: &["admin", "root"],
                mode: "CONFIG_URL",
                clusters: &["terran", "zerg"],
                proxysys: "",
                note: "fails: not the RPM path, two processes, links zerg",
            },
            Spec {
                n: 15,
                idc: 2,
                in_ocp: true,
                online: false,
                version: "4.2.1.0",
                path: None,
                processes: &["admin"],
                mode: "CONFIG_URL",
                clusters: &["protoss"],
                proxysys: "",
                note: "fails: host OFFLINE, not reachable",
            },
            Spec {
                n: 16,
                idc: 1,
                in_ocp: false,
                online: true,
                version: "4.2.1.0",
                path: None,
                processes: &["admin"],
                mode: "CONFIG_URL",
                clusters: &["terran"],
                proxysys: "",
                note: "fails: host not added to OCP",
            },
        ];
        for sp in specs {
            let ip = format!("{PROXY_CANDIDATE_PREFIX}{}", sp.n);
            let host_id = if sp.in_ocp {
                let create_ms = self.t(60);
                let (id, _) = self.inv.add_host_with_ip(sp.idc, 2, create_ms, ip.clone());
                if let Some(h) = self.inv.host_mut(id) {
                    h.name = h.name.replace("ob-", "proxy-");
                    if !sp.online {
                        h.status = "OFFLINE".into();
                        h.agent_status = "OFFLINE".into();
                    }
                }
                Some(id)
            } else {
                None
            };
            let mut p = UnmanagedProxy {
                host_id,
                ip,
                sql_port: 2883,
                version: sp.version.into(),
                install_path: String::new(),
                processes: sp.processes.iter().map(|s| s.to_string()).collect(),
                work_mode: sp.mode.into(),
                clusters: sp.clusters.iter().map(|s| s.to_string()).collect(),
                proxysys_password: sp.proxysys.into(),
                note: sp.note.into(),
            };
            p.install_path = sp
                .path
                .map(str::to_string)
                .unwrap_or_else(|| p.standard_path());
            self.inv.unmanaged_proxies.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_inventory() {
        let a = Inventory::generate(7, 1);
        let b = Inventory::generate(7, 1);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn base_inventory_has_the_promised_parts() {
        let inv = Inventory::generate(1, 1);
        assert_eq!(inv.clusters.len(), 4);
        assert!(inv
            .clusters
            .iter()
            .any(|c| c.kind == "STANDBY" && c.primary_id.is_some()));
        assert_eq!(inv.proxies.len(), 2);
        assert!(inv.hosts.iter().filter(|h| h.is_free()).count() >= 4);
        assert!(inv.hosts.len() >= 12, "{} hosts", inv.hosts.len());
        assert!(inv
            .unmanaged
            .iter()
            .any(|u| u.servers.iter().any(|(_, ip)| ip == TAKEOVER_ADDRESS)));
    }

    #[test]
    fn scale_multiplies() {
        let inv = Inventory::generate(1, 1000);
        assert_eq!(inv.clusters.len(), 1000);
        assert!(inv.hosts.len() >= 9_500, "{} hosts", inv.hosts.len());
        let mut ids: Vec<i64> = inv.hosts.iter().map(|h| h.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), inv.hosts.len());
        let mut ips: Vec<&str> = inv.hosts.iter().map(|h| h.ip.as_str()).collect();
        ips.sort_unstable();
        ips.dedup();
        assert_eq!(ips.len(), inv.hosts.len());
    }
}
