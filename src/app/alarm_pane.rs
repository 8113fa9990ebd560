//! The Alarms and Events panes: their columns, rows and tones, and what an alarm's target
//! opens.

use super::table::{Column, Row};
use crate::config::theme::Tone;
use crate::model::alarm::{Alarm, AlarmLevel, AlarmTarget, AuditEvent};
use obtui_api::time::ShownZone;

// The level and the target stay at every width: they are what an operator acts on.
pub const ALARM_COLS: &[Column] = &[
    Column::text("LEVEL", 8),
    Column::text("TARGET", 22),
    Column::text("SUMMARY", 40),
    Column::text("FIRST SEEN", 14).drop(2),
    Column::text("LAST SEEN", 14).drop(1),
    Column::text("STATUS", 9).drop(3),
    Column::text("TYPE", 24).drop(4),
];

pub const EVENT_COLS: &[Column] = &[
    Column::text("WHEN", 14),
    Column::text("WHO", 10),
    Column::text("WHAT", 24),
    Column::text("RESOURCE", 20),
    Column::text("RESULT", 8),
    Column::text("TYPE", 24).drop(3),
    Column::num("TASK", 9).drop(2),
    Column::text("CLIENT", 15).drop(1),
];

pub fn level_tone(l: &AlarmLevel) -> Tone {
    match l {
        AlarmLevel::Down | AlarmLevel::Critical => Tone::Failed,
        AlarmLevel::Warning => Tone::Warning,
        AlarmLevel::Caution => Tone::Pending,
        AlarmLevel::Info => Tone::Ready,
        AlarmLevel::Other(_) => Tone::Unknown,
    }
}

pub fn alarm_tone(a: &Alarm) -> Tone {
    if a.is_active() {
        level_tone(&a.level)
    } else {
        Tone::Ok
    }
}

/// The TARGET cell: what obtui can open (`cluster terran`), else the server's own words.
pub fn target_cell(a: &Alarm) -> String {
    a.target.label().unwrap_or_else(|| {
        if a.target_text.is_empty() {
            "—".into()
        } else {
            a.target_text.clone()
        }
    })
}

fn stamp(ms: Option<i64>, now: i64, zone: &ShownZone) -> String {
    ms.map(|ms| zone.stamp(ms, now))
        .unwrap_or_else(|| "—".into())
}

pub fn alarm_row(a: &Alarm, now: i64, zone: &ShownZone) -> Row {
    Row::new(
        a.id.to_string(),
        vec![
            a.level.to_string(),
            target_cell(a),
            a.summary.clone(),
            stamp(a.first_seen, now, zone),
            stamp(a.last_seen, now, zone),
            a.status.clone(),
            a.alarm_type.clone().unwrap_or_default(),
        ],
        Some(0),
        alarm_tone(a),
    )
}

pub fn event_tone(e: &AuditEvent) -> Tone {
    match e.result.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("SUCCESS") => Tone::Ok,
        Some("FAILED") => Tone::Failed,
        _ => Tone::Unknown,
    }
}

/// `OB_CLUSTER terran` (the type, then the name or the id).
pub fn event_resource(e: &AuditEvent) -> String {
    let what = e
        .resource_name
        .clone()
        .or_else(|| e.resource_id.map(|i| format!("#{i}")));
    match (&e.resource_type, what) {
        (Some(t), Some(w)) => format!("{t} {w}"),
        (Some(t), None) => t.clone(),
        (None, Some(w)) => w,
        (None, None) => "—".into(),
    }
}

pub fn event_row(e: &AuditEvent, now: i64, zone: &ShownZone) -> Row {
    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    Row::new(
        e.id.to_string(),
        vec![
            stamp(e.start, now, zone),
            o(&e.operator),
            o(&e.operation),
            event_resource(e),
            o(&e.result),
            o(&e.event_type),
            e.task_id.map(|t| t.to_string()).unwrap_or_default(),
            o(&e.client_ip),
        ],
        Some(4),
        event_tone(e),
    )
}

/// What Enter / `t` on an alarm opens.
pub fn target_of(alarms: &[Alarm], id: i64) -> Option<AlarmTarget> {
    alarms.iter().find(|a| a.id == id).map(|a| a.target.clone())
}
