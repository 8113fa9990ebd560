//! The text of the Alarms and Events panes' summaries and of an alarm's and an audit event's
//! detail.

use crate::app::alarm_pane::{alarm_tone, event_resource, event_tone, target_cell};
use crate::config::theme::Theme;
use crate::model::alarm::{Alarm, AlarmTarget, AuditEvent};
use obtui_api::time::ShownZone;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

fn label<'a>(t: &Theme, k: &'a str) -> Span<'a> {
    Span::styled(format!("{k}: "), t.muted())
}

fn kv(t: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {k:<14}"), t.muted()),
        Span::raw(v),
    ])
}

fn section(t: &Theme, title: String) -> Line<'static> {
    Line::from(Span::styled(
        title,
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    ))
}

fn o(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn when(ms: Option<i64>, now: i64, zone: &ShownZone) -> String {
    match ms {
        Some(ms) => format!(
            "{} ({} ago)",
            zone.stamp(ms, now),
            crate::model::fmt::short_age(std::time::Duration::from_millis(
                u64::try_from(now.saturating_sub(ms)).unwrap_or(0)
            ))
        ),
        None => "—".into(),
    }
}

/// The summary strip under the Alarms pane: the target (and the key that opens it) and the
/// description.
pub fn alarm_summary(a: &Alarm, t: &Theme, target_key: &str) -> Vec<Line<'static>> {
    let mut first = vec![label(t, "target"), Span::raw(target_cell(a))];
    if a.target != AlarmTarget::Other {
        first.push(Span::styled(
            format!("  ({target_key} opens it)"),
            t.muted(),
        ));
    }
    vec![
        Line::from(first),
        Line::from(vec![
            label(t, "description"),
            Span::raw(a.description.clone()),
        ]),
    ]
}

/// The summary strip under the Events pane: the request's parameters and the task.
pub fn event_summary(e: &AuditEvent, t: &Theme) -> Vec<Line<'static>> {
    let mut second = vec![
        label(t, "execution"),
        Span::raw(format!("{}  ", o(&e.execution))),
    ];
    if let Some(task) = e.task_id {
        second.push(label(t, "task"));
        second.push(Span::raw(format!("{task} (:task {task} opens its DAG)")));
    }
    vec![
        Line::from(vec![label(t, "parameters"), Span::raw(o(&e.info))]),
        Line::from(second),
    ]
}

/// An alarm's detail: everything the server sent, the description in full (wrapped to
/// `width`), and its target as the one selectable item.
pub fn alarm_detail(
    a: &Alarm,
    t: &Theme,
    ascii: bool,
    now: i64,
    zone: &ShownZone,
    width: usize,
) -> (Vec<Line<'static>>, Vec<usize>) {
    let tone = alarm_tone(a);
    let mut out = vec![section(t, format!("Alarm {} — {}", a.id, a.summary))];
    out.push(Line::from(vec![
        Span::styled(format!("  {:<14}", "level"), t.muted()),
        Span::styled(
            format!("{} {}", crate::ui::glyph::tone_glyph(tone, ascii), a.level),
            t.tone_style(tone),
        ),
    ]));
    out.push(kv(t, "status", a.status.clone()));
    out.push(kv(t, "scope", o(&a.scope)));
    out.push(kv(t, "type", o(&a.alarm_type)));
    out.push(kv(t, "first seen", when(a.first_seen, now, zone)));
    out.push(kv(t, "last seen", when(a.last_seen, now, zone)));
    if a.resolved.is_some() {
        out.push(kv(t, "resolved", when(a.resolved, now, zone)));
    }
    out.push(kv(
        t,
        "server target",
        if a.target_text.is_empty() {
            "—".into()
        } else {
            a.target_text.clone()
        },
    ));
    out.push(Line::raw(""));
    out.push(section(t, "Description".into()));
    for l in crate::ui::wrap_words(&a.description, width.saturating_sub(4).max(20)) {
        out.push(Line::raw(format!("  {l}")));
    }
    out.push(Line::raw(""));
    let mut items = vec![];
    out.push(section(t, "Target (⏎ opens it)".into()));
    match a.target.label() {
        Some(l) => {
            out.push(Line::raw(format!("  {l}")));
            items.push(out.len() - 1);
        }
        None => out.push(Line::styled("  nothing obtui can open", t.muted())),
    }
    if !a.labels.is_empty() {
        out.push(Line::raw(""));
        out.push(section(t, format!("Labels ({})", a.labels.len())));
        for (k, v) in &a.labels {
            out.push(kv(t, k, v.clone()));
        }
    }
    (out, items)
}

/// An audit event's detail: who did what to what, when, with what result.
pub fn event_detail(
    e: &AuditEvent,
    t: &Theme,
    ascii: bool,
    now: i64,
    zone: &ShownZone,
) -> (Vec<Line<'static>>, Vec<usize>) {
    let tone = event_tone(e);
    let mut out = vec![section(
        t,
        format!("Audit event {} — {}", e.id, o(&e.operation)),
    )];
    out.push(Line::from(vec![
        Span::styled(format!("  {:<14}", "result"), t.muted()),
        Span::styled(
            format!(
                "{} {}",
                crate::ui::glyph::tone_glyph(tone, ascii),
                o(&e.result)
            ),
            t.tone_style(tone),
        ),
    ]));
    out.push(kv(t, "who", o(&e.operator)));
    out.push(kv(t, "client", o(&e.client_ip)));
    out.push(kv(t, "what", o(&e.operation)));
    out.push(kv(t, "event type", o(&e.event_type)));
    out.push(kv(t, "resource", event_resource(e)));
    out.push(kv(t, "started", when(e.start, now, zone)));
    out.push(kv(t, "ended", when(e.end, now, zone)));
    out.push(kv(t, "execution", o(&e.execution)));
    out.push(kv(
        t,
        "task",
        e.task_id
            .map(|x| format!("{x} (:task {x} opens its DAG)"))
            .unwrap_or_else(|| "—".into()),
    ));
    out.push(kv(t, "parameters", o(&e.info)));
    (out, vec![])
}
