//! OCP's alarms and audit events, and an obshell agent's alerts, into `model::alarm`.

use crate::model::alarm::{Alarm, AlarmLevel, AlarmTarget, AuditEvent};
use obtui_api::obshell::Alert;
use obtui_api::ocp;
use obtui_api::time::parse_set_ms;

fn ms(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(parse_set_ms)
}

/// A value of `target`'s `key=value:key=value` text.
fn target_part<'a>(target: &'a str, key: &str) -> Option<&'a str> {
    target.split(':').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == key)
            .then_some(v.trim())
            .filter(|v| !v.is_empty())
    })
}

/// What an OCP alarm is about: from its labels (`ob_cluster`, `tenant_name`, `svr_ip`), else
/// its target text, chosen by its scope (`ObTenant` / `Tenant`, `ObCluster` / `Cluster`,
/// `Host`); a scope obtui has no screen for names the most specific thing it carries.
fn ocp_target(a: &ocp::Alarm) -> AlarmTarget {
    let target = a.target.as_deref().unwrap_or_default();
    let pick = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| a.label(k).or_else(|| target_part(target, k)))
            .map(str::to_string)
    };
    let cluster = pick(&["ob_cluster", "ob_cluster_name", "obcluster", "cluster"]);
    let tenant = pick(&["tenant_name", "ob_tenant", "obtenant", "tenant"]);
    let host = pick(&["svr_ip", "host_ip", "ip"]);
    let scope = a.scope.as_deref().unwrap_or_default().to_ascii_lowercase();
    let tenant_t = || match (&cluster, &tenant) {
        (Some(c), Some(t)) => Some(AlarmTarget::Tenant {
            cluster: c.clone(),
            tenant: t.clone(),
        }),
        _ => None,
    };
    let cluster_t = || cluster.clone().map(|name| AlarmTarget::Cluster { name });
    let host_t = || host.clone().map(|ip| AlarmTarget::Host { ip });
    let t = match scope.as_str() {
        "obtenant" | "tenant" => tenant_t().or_else(cluster_t),
        "obcluster" | "cluster" => cluster_t(),
        "host" => host_t(),
        _ => tenant_t().or_else(cluster_t).or_else(host_t),
    };
    t.unwrap_or(AlarmTarget::Other)
}

pub fn ocp_alarm(a: &ocp::Alarm) -> Alarm {
    Alarm {
        id: a.id,
        level: AlarmLevel::from_ocp(a.level),
        status: a
            .status
            .clone()
            .or_else(|| a.label("alarm_status").map(str::to_string))
            .unwrap_or_else(|| "?".into()),
        scope: a.scope.clone(),
        target: ocp_target(a),
        target_text: a.target.clone().unwrap_or_default(),
        alarm_type: a.alarm_type.clone(),
        summary: a.summary.clone().unwrap_or_default(),
        description: a.description.clone().unwrap_or_default(),
        first_seen: ms(&a.active_at).or_else(|| ms(&a.gmt_create)),
        last_seen: ms(&a.updated_at).or_else(|| ms(&a.gmt_modified)),
        resolved: ms(&a.resolved_at),
        labels: a
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// An obshell alert; its fingerprint (16 hex digits) is its id.
pub fn obshell_alert(a: &Alert) -> Alarm {
    let i = &a.instance;
    let target = match (i.kind.as_str(), &i.obcluster, &i.obtenant, &i.observer) {
        ("obtenant", Some(c), Some(t), _) => AlarmTarget::Tenant {
            cluster: c.clone(),
            tenant: t.clone(),
        },
        ("observer", _, _, Some(ip)) => AlarmTarget::Host { ip: ip.clone() },
        (_, Some(c), _, _) => AlarmTarget::Cluster { name: c.clone() },
        (_, None, _, Some(ip)) => AlarmTarget::Host { ip: ip.clone() },
        _ => AlarmTarget::Other,
    };
    let text = [
        ("obcluster", &i.obcluster),
        ("obzone", &i.obzone),
        ("obtenant", &i.obtenant),
        ("observer", &i.observer),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
    .collect::<Vec<_>>()
    .join(":");
    let mut labels: Vec<(String, String)> = a
        .labels
        .iter()
        .map(|l| (l.key.clone(), l.value.clone()))
        .collect();
    labels.sort();
    let secs = |s: Option<i64>| s.filter(|&s| s > 0).map(|s| s.saturating_mul(1000));
    Alarm {
        id: u64::from_str_radix(&a.fingerprint, 16)
            .map(|n| n as i64)
            .unwrap_or_else(|_| fnv(&a.fingerprint)),
        level: AlarmLevel::from_severity(&a.severity),
        status: if a.status.state.is_empty() {
            "?".into()
        } else {
            a.status.state.clone()
        },
        scope: Some(i.kind.clone()).filter(|k| !k.is_empty()),
        target,
        target_text: text,
        alarm_type: Some(a.rule.clone()).filter(|r| !r.is_empty()),
        summary: a.summary.clone(),
        description: a.description.clone(),
        first_seen: secs(a.starts_at),
        last_seen: secs(a.updated_at),
        resolved: None,
        labels,
    }
}

/// A stable number for a fingerprint that is not hex.
fn fnv(s: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// Worst first, then newest first.
pub fn sort_alarms(v: &mut [Alarm]) {
    v.sort_by(|a, b| {
        a.level
            .cmp(&b.level)
            .then(b.first_seen.cmp(&a.first_seen))
            .then(b.id.cmp(&a.id))
    });
}

pub fn audit_event(e: &ocp::AuditEvent) -> AuditEvent {
    AuditEvent {
        id: e.id,
        operator: e.operator_name.clone(),
        operation: e.operation_event.clone(),
        event_type: e.event_type.clone(),
        resource_type: e.resource_type.clone(),
        resource_id: e.resource_id,
        resource_name: e.resource_name.clone(),
        result: e.status.clone(),
        task_id: e.task_id,
        execution: e.execution_type.clone(),
        info: e.event_info.clone(),
        client_ip: e.client_ip.clone(),
        start: ms(&e.start_time),
        end: ms(&e.end_time),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::alarm::AlarmCounts;

    fn fixture(name: &str) -> serde_json::Value {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    #[test]
    fn the_documented_alarms_convert_with_their_host_target_and_times() {
        let list: Vec<ocp::Alarm> = serde_json::from_value(
            fixture("ocp/alarm-alarms-list.json")["data"]["contents"].clone(),
        )
        .unwrap();
        let a = ocp_alarm(&list[0]);
        assert_eq!(a.level, AlarmLevel::Down);
        assert_eq!(a.status, "Active");
        assert!(a.is_active());
        assert_eq!(
            a.target,
            AlarmTarget::Host {
                ip: "xxx.xxx.xxx.xxx".into()
            }
        );
        // 2020-12-03T01:44:04Z
        assert_eq!(a.first_seen, Some(1_606_959_844_000));
        assert_eq!(a.last_seen, Some(1_606_959_904_000));
        assert!(a.description.contains("6 exporter"));
        let c = AlarmCounts::of(&[a], Some(3));
        assert_eq!(c.label(false), "▲ 1 down +2");
        let d: ocp::Alarm =
            serde_json::from_value(fixture("ocp/alarm-alarm-detail.json")["data"].clone()).unwrap();
        let d = ocp_alarm(&d);
        assert!(!d.is_active(), "an Inactive alarm is not counted");
    }

    #[test]
    fn a_cluster_or_tenant_alarm_targets_what_its_scope_names() {
        let a: ocp::Alarm = serde_json::from_value(serde_json::json!({
            "id": 1, "level": 2, "scope": "ObTenant", "status": "Active",
            "target": "ob_cluster=terran:tenant_name=t1",
            "labels": {"ob_cluster": "terran", "tenant_name": "t1", "svr_ip": "10.0.0.1"}
        }))
        .unwrap();
        assert_eq!(
            ocp_alarm(&a).target,
            AlarmTarget::Tenant {
                cluster: "terran".into(),
                tenant: "t1".into()
            }
        );
        // From the target text alone, with a newer OCP's scope spelling.
        let a: ocp::Alarm = serde_json::from_value(serde_json::json!({
            "id": 2, "level": 3, "scope": "Cluster", "target": "ob_cluster=zerg"
        }))
        .unwrap();
        assert_eq!(
            ocp_alarm(&a).target,
            AlarmTarget::Cluster {
                name: "zerg".into()
            }
        );
        assert_eq!(ocp_alarm(&a).level, AlarmLevel::Warning);
    }

    #[test]
    fn the_documented_obshell_alerts_convert() {
        let v = fixture("obshell/alarm-alerts.json");
        let list: Vec<Alert> = serde_json::from_value(v["data"]["contents"].clone()).unwrap();
        let a: Vec<Alarm> = list.iter().map(obshell_alert).collect();
        assert_eq!(a[0].id, 0x6f1c8e2a9d3b4c71);
        assert_eq!(a[0].level, AlarmLevel::Critical);
        assert_eq!(
            a[0].target,
            AlarmTarget::Host {
                ip: "10.0.0.2".into()
            }
        );
        assert_eq!(a[0].first_seen, Some(1_779_240_120_000));
        assert!(a[0].is_active());
        assert_eq!(
            a[1].target,
            AlarmTarget::Tenant {
                cluster: "demo".into(),
                tenant: "t1".into()
            }
        );
        assert_eq!(a[1].level, AlarmLevel::Warning);
        // Silenced: listed, not counted.
        assert!(!a[1].is_active());
        assert_eq!(AlarmCounts::of(&a, None).label(true), "^ 1 crit");
    }

    #[test]
    fn the_documented_audit_events_convert() {
        let list: Vec<ocp::AuditEvent> = serde_json::from_value(
            fixture("ocp/audit-events-list.json")["data"]["contents"].clone(),
        )
        .unwrap();
        let e = audit_event(&list[0]);
        assert_eq!(e.operator.as_deref(), Some("admin"));
        assert_eq!(e.operation.as_deref(), Some("RESTART_OCP_AGENT"));
        assert_eq!(e.result.as_deref(), Some("FAILED"));
        assert_eq!(e.resource_name.as_deref(), Some("xxx.xxx.xxx.2"));
        // 2021-09-03T10:45:30+08:00
        assert_eq!(e.start, Some(1_630_637_130_000));
        assert_eq!(e.end.map(|x| x - e.start.unwrap()), Some(3000));
    }
}
