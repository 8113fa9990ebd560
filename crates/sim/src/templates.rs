//! Task DAG templates. Names, order and shape follow the OCP docs' samples:
//! create cluster (seed 001 / `ob-cluster-create.json`), cluster takeover (seed 000),
//! upgrade (seed 003 / `ob-cluster-upgrade.json`, plus per-zone rolling steps), OBProxy
//! takeover (`obproxy-takeover.json`).
//!
//! Steps that run once per OBServer (or per zone) fan out as parallel subtasks with
//! `parallelIdx` 0..n and join in a "Wait node", as in the takeover sample.
//!
//! Good demo failure points (`--fail-subtask NAME`): "Install rpm", "Do io bench",
//! "Bootstrap ob" (create); "Run io calibration", "Register config url" (takeover);
//! "Upgrade pre check", "Restart observer with new version" (upgrade);
//! "Check obproxy process" (OBProxy takeover).

/// One subtask of a template.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub description: String,
    /// Duration at speed 1.0, seconds.
    pub secs: f64,
    /// The `timeout` OCP advertises for this subtask, seconds.
    pub timeout: i64,
    pub class_name: String,
    pub parallel_idx: i64,
    /// The executing host (the OBServer for per-server steps).
    pub executor: Option<String>,
    /// Indices of upstream nodes.
    pub ups: Vec<usize>,
}

/// A template being built: nodes plus the current frontier that the next step depends on.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub nodes: Vec<Node>,
    tail: Vec<usize>,
}

fn class_of(area: &str, name: &str) -> String {
    let camel: String = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    format!("com.oceanbase.ocp.service.task.business.{area}.{camel}Task")
}

impl Plan {
    fn push(&mut self, area: &str, name: &str, desc: String, secs: f64, timeout: i64) -> usize {
        let idx = self.nodes.len();
        self.nodes.push(Node {
            name: name.into(),
            description: desc,
            secs,
            timeout,
            class_name: class_of(area, name),
            parallel_idx: -1,
            executor: None,
            ups: self.tail.clone(),
        });
        idx
    }

    /// A single step after the current frontier.
    pub fn step(&mut self, area: &str, name: &str, secs: f64, timeout: i64) -> &mut Self {
        let idx = self.push(area, name, name.into(), secs, timeout);
        self.tail = vec![idx];
        self
    }

    /// A single step with its own description.
    pub fn step_desc(
        &mut self,
        area: &str,
        name: &str,
        desc: String,
        secs: f64,
        timeout: i64,
    ) -> &mut Self {
        let idx = self.push(area, name, desc, secs, timeout);
        self.tail = vec![idx];
        self
    }

    /// One parallel step per target (`(label, executor ip)`), joined by a "Wait node".
    pub fn fan(
        &mut self,
        area: &str,
        name: &str,
        targets: &[(String, String)],
        secs: f64,
        timeout: i64,
    ) -> &mut Self {
        let mut new_tail = Vec::new();
        for (i, (label, ip)) in targets.iter().enumerate() {
            let idx = self.push(area, name, format!("{name} ({label})"), secs, timeout);
            if let Some(n) = self.nodes.get_mut(idx) {
                n.parallel_idx = i as i64;
                n.executor = Some(ip.clone());
                // Parallel copies differ a little in speed, like real hosts.
                n.secs = secs * (1.0 + 0.15 * (i % 3) as f64);
            }
            new_tail.push(idx);
        }
        if !new_tail.is_empty() {
            self.tail = new_tail;
        }
        self.step("common", "Wait node", 1.0, 30)
    }
}

/// `(zone, ip)` of each OBServer of a cluster being created, taken over or upgraded.
pub type ServerList = [(String, String)];

fn per_server(servers: &ServerList) -> Vec<(String, String)> {
    servers
        .iter()
        .map(|(z, ip)| (format!("{ip} in {z}"), ip.clone()))
        .collect()
}

/// "Create primary OB cluster" (seed 001), with per-server fan-out.
pub fn create_cluster(servers: &ServerList) -> Plan {
    let s = per_server(servers);
    let mut p = Plan::default();
    p.step("cluster", "Prepare install cluster", 2.0, 300)
        .fan("cluster", "Pre check for install OB", &s, 4.0, 600)
        .fan("host", "Install rpm", &s, 15.0, 1800)
        .fan("cluster", "Make dir for ob", &s, 3.0, 300)
        .step("cluster", "Do io bench", 12.0, 1800)
        .step("cluster", "Bootstrap ob", 15.0, 1800)
        .step("cluster", "Restart observer process", 8.0, 1200)
        .step("cluster", "Wait observer accessible", 6.0, 1200)
        .step("cluster", "Set sys password", 2.0, 60)
        .step("cluster", "Create default user", 2.0, 180)
        .step("cluster", "Set sys primary zone", 2.0, 60)
        .step("cluster", "Wait cluster accessible", 4.0, 1200)
        .fan("host", "Refresh ocp agent config", &s, 5.0, 3600)
        .step("host", "Start ocp agent service", 4.0, 600)
        .step("cluster", "Sync cluster info", 3.0, 60)
        .step("cluster", "Sync all tenant information", 3.0, 300)
        .step("cluster", "Update OB cluster status", 1.0, 30)
        .step("cluster", "Trigger compaction", 8.0, 3600)
        .step("obproxy", "Link obproxy", 2.0, 300);
    p
}

/// "Take over primary OB cluster" (seed 000), with per-server and per-zone fan-out.
pub fn take_over(servers: &ServerList) -> Plan {
    let s = per_server(servers);
    let mut zones: Vec<(String, String)> = Vec::new();
    for (z, ip) in servers {
        if !zones.iter().any(|(name, _)| name == z) {
            zones.push((z.clone(), ip.clone()));
        }
    }
    let mut p = Plan::default();
    p.step("cluster", "Mc lock ob clusters", 1.0, 60)
        .step("cluster", "Prepare take over cluster", 2.0, 30)
        .step("host", "Reserve host", 3.0, 1800)
        .step("cluster", "Create default user", 2.0, 180)
        .step("cluster", "Register config url", 2.0, 60)
        .fan("cluster", "Run io calibration", &s, 10.0, 1800)
        .step("cluster", "Record root service list", 2.0, 60)
        .step("cluster", "Wait cluster accessible", 4.0, 1200)
        .fan("cluster", "Update server process info", &s, 3.0, 5000)
        .step("cluster", "Attach cluster attributes", 3.0, 1800)
        .fan("host", "Refresh ocp agent config", &s, 5.0, 3600)
        .fan("host", "Active agent modules", &s, 6.0, 1800)
        .step("cluster", "Sync cluster info", 3.0, 60)
        .step("cluster", "Sync all tenant information", 4.0, 300)
        .step("cluster", "Set proxyro password to sys tenant", 2.0, 600)
        .fan("cluster", "Update observer status", &s, 2.0, 300)
        .fan("cluster", "Update zone status", &zones, 2.0, 1800)
        .step("cluster", "Update OB cluster status", 1.0, 30)
        .step(
            "cluster",
            "Create resource manager for default user",
            2.0,
            180,
        )
        .step("cluster", "Mc unlock ob clusters", 1.0, 60);
    p
}

/// "Upgrade OB cluster" (seed 003's steps around a per-zone rolling upgrade).
/// `zone_order` lists zones in the order they are upgraded.
pub fn upgrade(servers: &ServerList, zone_order: &[String], to_version: &str) -> Plan {
    let s = per_server(servers);
    let mut p = Plan::default();
    p.step("common", "Start node", 1.0, 30)
        .step("cluster", "Prepare upgrade cluster", 2.0, 300)
        .step("cluster", "Submit cluster upgrade task", 2.0, 300)
        .step_desc(
            "cluster",
            "Upgrade pre check",
            format!("Upgrade pre check (target {to_version})"),
            5.0,
            600,
        )
        .fan("host", "Install new version rpm", &s, 20.0, 1800);
    for zone in zone_order {
        let in_zone: Vec<(String, String)> = servers
            .iter()
            .filter(|(z, _)| z == zone)
            .map(|(z, ip)| (format!("{ip} in {z}"), ip.clone()))
            .collect();
        p.step_desc(
            "cluster",
            "Stop zone",
            format!("Stop zone {zone}"),
            10.0,
            1800,
        )
        .fan(
            "cluster",
            "Restart observer with new version",
            &in_zone,
            30.0,
            3600,
        )
        .step_desc(
            "cluster",
            "Start zone",
            format!("Start zone {zone}"),
            8.0,
            1800,
        )
        .step_desc(
            "cluster",
            "Wait zone servers active",
            format!("Wait servers of {zone} active"),
            15.0,
            3600,
        );
    }
    p.step("cluster", "Execute upgrade post script", 6.0, 3600)
        .step("common", "Wait dag success", 2.0, 86400)
        .step("cluster", "Update OB cluster status", 1.0, 30);
    p
}

/// OBProxy takeover on one host (after `obproxy-takeover.json`'s "Install obproxy" DAG).
pub fn obproxy_take_over() -> Plan {
    let mut p = Plan::default();
    p.step("obproxy", "Prepare obproxy takeover", 1.0, 300)
        .step("obproxy", "Check obproxy process", 2.0, 300)
        .step("obproxy", "Check obproxy version", 2.0, 300)
        .step("obproxy", "Check obproxy startup mode", 2.0, 300)
        .step("obproxy", "Sync obproxy parameter", 3.0, 30)
        .step(
            "obproxy",
            "Set obproxy user and password for connect",
            2.0,
            30,
        )
        .step("host", "Refresh ocp agent config", 4.0, 3600)
        .step("obproxy", "Register obproxy exporter", 2.0, 30)
        .step("obproxy", "Update obproxy status", 1.0, 300)
        .step("obproxy", "Finish node", 0.5, 0);
    p
}

/// Parallel width of [`big`]'s fan-out steps.
pub const BIG_WIDTH: usize = 64;

/// A large rolling operation of exactly `n` subtasks (at least 3), for performance work: a
/// chain of batches, each "Prepare batch" → "Install rpm" on [`BIG_WIDTH`] servers → join →
/// "Restart observer with new version" on the same servers → join → "Check batch", the shape
/// of an upgrade across a big estate. `hosts` are the executor addresses, cycled.
pub fn big(n: usize, hosts: &[String]) -> Plan {
    let n = n.max(3);
    let ip = |k: usize| -> String {
        match hosts.get(k % hosts.len().max(1)) {
            Some(h) => h.clone(),
            None => format!("10.{}.{}.{}", (k / 65536) % 256, (k / 256) % 256, k % 256),
        }
    };
    let mut p = Plan::default();
    p.step("common", "Start node", 1.0, 30);
    let block = 2 * BIG_WIDTH + 4;
    let mut batch = 0usize;
    // Room is kept for the closing step.
    while p.nodes.len() + block < n {
        let targets: Vec<(String, String)> = (0..BIG_WIDTH)
            .map(|i| {
                let a = ip(batch * BIG_WIDTH + i);
                (format!("{a} in batch {}", batch + 1), a)
            })
            .collect();
        batch += 1;
        p.step_desc(
            "cluster",
            "Prepare batch",
            format!("Prepare batch {batch}"),
            2.0,
            300,
        )
        .fan("host", "Install new version rpm", &targets, 20.0, 1800)
        .fan(
            "cluster",
            "Restart observer with new version",
            &targets,
            30.0,
            3600,
        )
        .step_desc(
            "cluster",
            "Check batch",
            format!("Check servers of batch {batch}"),
            3.0,
            600,
        );
    }
    // What is left, less the closing step: one more fan (its join counts) or a single step.
    let rest = n - p.nodes.len() - 1;
    if rest >= 2 {
        let targets: Vec<(String, String)> = (0..rest - 1)
            .map(|i| {
                let a = ip(batch * BIG_WIDTH + i);
                (format!("{a} (last batch)"), a)
            })
            .collect();
        p.fan("cluster", "Update server process info", &targets, 3.0, 5000);
    } else if rest == 1 {
        p.step("cluster", "Sync cluster info", 3.0, 60);
    }
    p.step("cluster", "Update OB cluster status", 1.0, 30);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn servers(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| (format!("zone{}", i % 3 + 1), format!("10.0.0.{i}")))
            .collect()
    }

    #[test]
    fn single_server_create_matches_the_seed_chain() {
        let p = create_cluster(&servers(1));
        let names: Vec<&str> = p.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names.first(), Some(&"Prepare install cluster"));
        assert_eq!(names.last(), Some(&"Link obproxy"));
        assert!(names.contains(&"Bootstrap ob"));
        // a chain: every node but the first has exactly one upstream
        assert!(p.nodes.iter().skip(1).all(|n| n.ups.len() == 1));
        let total: f64 = p.nodes.iter().map(|n| n.secs).sum();
        assert!((60.0..=150.0).contains(&total), "{total}");
    }

    #[test]
    fn fan_out_sets_parallel_index_and_joins() {
        let p = create_cluster(&servers(3));
        let rpm: Vec<&Node> = p.nodes.iter().filter(|n| n.name == "Install rpm").collect();
        assert_eq!(rpm.len(), 3);
        assert_eq!(
            rpm.iter().map(|n| n.parallel_idx).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        let join = p
            .nodes
            .iter()
            .position(|n| n.name == "Wait node" && n.ups.len() == 3)
            .expect("a join");
        assert!(join > 0);
    }

    #[test]
    fn big_has_exactly_n_nodes_in_topological_order() {
        let hosts: Vec<String> = (0..10).map(|i| format!("10.0.0.{i}")).collect();
        for n in [0, 3, 4, 5, 133, 134, 135, 5000, 20_000] {
            let p = big(n, &hosts);
            assert_eq!(p.nodes.len(), n.max(3), "n = {n}");
            for (i, node) in p.nodes.iter().enumerate() {
                assert!(node.ups.iter().all(|u| *u < i), "n = {n}, node {i}");
                assert_eq!(node.ups.is_empty(), i == 0, "n = {n}, node {i}");
            }
        }
        let p = big(5000, &hosts);
        // Two joins per batch wait for a whole batch; the closing fan takes what is left.
        let joins = p.nodes.iter().filter(|n| n.ups.len() == BIG_WIDTH).count();
        assert_eq!(joins, 2 * ((5000 - 2) / (2 * BIG_WIDTH + 4)), "{joins}");
        let widest = p.nodes.iter().map(|n| n.ups.len()).max().unwrap_or(0);
        assert!(widest <= 2 * BIG_WIDTH + 3, "{widest}");
        assert!(big(5000, &[])
            .nodes
            .iter()
            .all(|n| n.executor.as_deref() != Some("")));
    }

    #[test]
    fn upgrade_rolls_zone_by_zone() {
        let zones = vec!["zone1".to_string(), "zone2".to_string()];
        let p = upgrade(&servers(2), &zones, "4.2.2.0");
        let stops: Vec<&str> = p
            .nodes
            .iter()
            .filter(|n| n.name == "Stop zone")
            .map(|n| n.description.as_str())
            .collect();
        assert_eq!(stops, vec!["Stop zone zone1", "Stop zone zone2"]);
        // upstream indices always point backwards: a DAG in topological order
        for (i, n) in p.nodes.iter().enumerate() {
            assert!(n.ups.iter().all(|u| *u < i));
        }
    }
}
