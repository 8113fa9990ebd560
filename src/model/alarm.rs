//! Alarms (OCP's alarms, an obshell agent's alerts) and OCP's audit events, in the neutral
//! model both backends map into.

use std::fmt;

/// How bad an alarm is. OCP numbers its levels 1–5 (Stopped, Critical, Warning, Caution,
/// Reminder); obshell names severities (critical, major, minor, warning, info).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlarmLevel {
    /// OCP level 1, "Stopped" (newer OCPs: "Down").
    Down,
    Critical,
    Warning,
    Caution,
    Info,
    Other(String),
}

impl AlarmLevel {
    /// OCP's number.
    pub fn from_ocp(level: Option<i64>) -> AlarmLevel {
        match level {
            Some(1) => AlarmLevel::Down,
            Some(2) => AlarmLevel::Critical,
            Some(3) => AlarmLevel::Warning,
            Some(4) => AlarmLevel::Caution,
            Some(5) => AlarmLevel::Info,
            Some(n) => AlarmLevel::Other(n.to_string()),
            None => AlarmLevel::Other("?".into()),
        }
    }

    /// obshell's severity: critical → Critical, major and warning → Warning, minor → Caution.
    pub fn from_severity(s: &str) -> AlarmLevel {
        match s.to_ascii_lowercase().as_str() {
            "critical" => AlarmLevel::Critical,
            "major" | "warning" => AlarmLevel::Warning,
            "minor" => AlarmLevel::Caution,
            "info" => AlarmLevel::Info,
            "" => AlarmLevel::Other("?".into()),
            _ => AlarmLevel::Other(s.to_string()),
        }
    }

    /// The header's short word: `down`, `crit`, `warn`, `caution`, `info`.
    pub fn short(&self) -> &str {
        match self {
            AlarmLevel::Down => "down",
            AlarmLevel::Critical => "crit",
            AlarmLevel::Warning => "warn",
            AlarmLevel::Caution => "caution",
            AlarmLevel::Info => "info",
            AlarmLevel::Other(s) => s,
        }
    }

    /// Down and Critical: the header shows them in the error colour.
    pub fn is_severe(&self) -> bool {
        matches!(self, AlarmLevel::Down | AlarmLevel::Critical)
    }
}

impl fmt::Display for AlarmLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AlarmLevel::Down => "DOWN",
            AlarmLevel::Critical => "CRITICAL",
            AlarmLevel::Warning => "WARNING",
            AlarmLevel::Caution => "CAUTION",
            AlarmLevel::Info => "INFO",
            AlarmLevel::Other(s) => s,
        })
    }
}

/// What an alarm is about, as far as obtui can open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlarmTarget {
    Cluster {
        name: String,
    },
    Tenant {
        cluster: String,
        tenant: String,
    },
    Host {
        ip: String,
    },
    /// OCP itself, a service, or nothing obtui has a screen for.
    Other,
}

impl AlarmTarget {
    /// `cluster terran`, `tenant t1 of terran`, `host 10.0.0.2`.
    pub fn label(&self) -> Option<String> {
        match self {
            AlarmTarget::Cluster { name } => Some(format!("cluster {name}")),
            AlarmTarget::Tenant { cluster, tenant } => {
                Some(format!("tenant {tenant} of {cluster}"))
            }
            AlarmTarget::Host { ip } => Some(format!("host {ip}")),
            AlarmTarget::Other => None,
        }
    }
}

/// One alarm.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    /// OCP's id; an obshell alert's fingerprint (hex) read as a number.
    pub id: i64,
    pub level: AlarmLevel,
    /// `Active`, `Inactive`, `Silenced`, `Inhibited` (OCP); `active`, `suppressed`,
    /// `unprocessed` (obshell).
    pub status: String,
    /// OCP's scope (`ObCluster`, `Host`, …) or obshell's instance type.
    pub scope: Option<String>,
    pub target: AlarmTarget,
    /// The target as the server words it (`service=OCP:svr_ip=…`).
    pub target_text: String,
    pub alarm_type: Option<String>,
    pub summary: String,
    pub description: String,
    /// Unix ms.
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    pub resolved: Option<i64>,
    /// The server's labels, sorted by key.
    pub labels: Vec<(String, String)>,
}

impl Alarm {
    /// Counted in the header: active, not silenced or resolved.
    pub fn is_active(&self) -> bool {
        self.resolved.is_none()
            && matches!(
                self.status.to_ascii_lowercase().as_str(),
                "active" | "unprocessed"
            )
    }
}

/// Active alarms by level, for the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmCounts {
    /// Each level present with its count, worst first.
    pub by_level: Vec<(AlarmLevel, u32)>,
    /// Active alarms the server has beyond those counted (one page was read).
    pub more: u64,
}

impl AlarmCounts {
    /// Count the active ones of `alarms`; `total` is how many active ones the server has.
    pub fn of(alarms: &[Alarm], total: Option<u64>) -> AlarmCounts {
        let mut by: std::collections::BTreeMap<AlarmLevel, u32> = Default::default();
        let mut n = 0u64;
        for a in alarms.iter().filter(|a| a.is_active()) {
            *by.entry(a.level.clone()).or_default() += 1;
            n += 1;
        }
        AlarmCounts {
            by_level: by.into_iter().collect(),
            more: total.map(|t| t.saturating_sub(n)).unwrap_or(0),
        }
    }

    pub fn total(&self) -> u64 {
        self.by_level
            .iter()
            .map(|(_, n)| u64::from(*n))
            .sum::<u64>()
            + self.more
    }

    /// `▲ 1 crit 2 warn` (`+N` when more are active than were read); empty with none.
    pub fn label(&self, ascii: bool) -> String {
        if self.total() == 0 {
            return String::new();
        }
        let mut s = String::from(if ascii { "^" } else { "▲" });
        for (l, n) in &self.by_level {
            s.push_str(&format!(" {n} {}", l.short()));
        }
        if self.more > 0 {
            s.push_str(&format!(" +{}", self.more));
        }
        s
    }

    pub fn any_severe(&self) -> bool {
        self.by_level.iter().any(|(l, _)| l.is_severe())
    }
}

/// One of OCP's audit events: who did what to what, when, and how it ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditEvent {
    pub id: i64,
    pub operator: Option<String>,
    /// `CREATE_OB_CLUSTER`, `RESTART_OCP_AGENT`, …
    pub operation: Option<String>,
    pub event_type: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<i64>,
    pub resource_name: Option<String>,
    /// `SUCCESS` | `FAILED`.
    pub result: Option<String>,
    pub task_id: Option<i64>,
    /// `NEW` | `RETRY`.
    pub execution: Option<String>,
    /// The request's parameters, as the server sent them (JSON text).
    pub info: Option<String>,
    pub client_ip: Option<String>,
    /// Unix ms.
    pub start: Option<i64>,
    pub end: Option<i64>,
}
