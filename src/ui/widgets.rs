//! Smaller pieces: the detail view, the summary strip under a table, the error history.

use crate::app::panes;
use crate::app::state::App;
use crate::model::pane::PaneKind;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use std::time::Instant;

pub use crate::ui::glyph::tone_glyph;

pub fn draw_summary(f: &mut Frame, app: &App, kind: PaneKind, area: Rect) {
    let t = &app.theme;
    let pane = app.pane(kind);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(Span::styled(
            " summary — ⏎ for detail ",
            t.muted(),
        )));
    let lines = match (pane.table.selected_row(), &pane.data) {
        // The key that opens an alarm's target, as the keymap binds it.
        (Some(row), crate::app::panes::PaneData::Alarms(a)) => {
            let key = app.keymap.label(crate::app::actions::Action::AlarmTarget);
            a.iter()
                .find(|x| x.id.to_string() == row.id)
                .map(|a| crate::ui::alarms::alarm_summary(a, t, &key))
                .unwrap_or_default()
        }
        (Some(row), _) => crate::ui::panes::summary_lines(&pane.data, &pane.parts, row, t),
        (None, _) => vec![Line::styled("no selection", t.muted())],
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The selected item's line drawn reversed.
fn mark_selected(lines: &mut [Line<'static>], items: &[usize], selected: Option<usize>) {
    if let Some(line) = selected
        .and_then(|i| items.get(i))
        .and_then(|&l| lines.get_mut(l))
    {
        *line = std::mem::take(line).patch_style(Modifier::REVERSED);
    }
}

/// Returns the most the detail can scroll (its last line at the bottom).
/// Draws the detail view; returns the most it can scroll and the scroll it drew at (moved to
/// bring a newly selected item into view).
pub fn draw_detail(f: &mut Frame, app: &App, area: Rect) -> (u16, u16) {
    let Some(d) = &app.detail else { return (0, 0) };
    let t = &app.theme;
    let now = app.frozen_now.unwrap_or_else(panes::now_ms);
    let (lines, items) = match &d.data {
        Some(crate::model::view::ViewData::AlarmDetail(a)) => {
            let (mut lines, items) = crate::ui::alarms::alarm_detail(
                a,
                t,
                app.settings.ascii,
                now,
                &app.zone,
                area.width as usize,
            );
            mark_selected(&mut lines, &items, d.selected);
            (lines, items)
        }
        Some(crate::model::view::ViewData::EventDetail(e)) => {
            crate::ui::alarms::event_detail(e, t, app.settings.ascii, now, &app.zone)
        }
        Some(data) => crate::ui::panes::detail_lines(
            data,
            &d.parts,
            t,
            app.settings.ascii,
            app.frozen_now.unwrap_or_else(panes::now_ms),
            d.selected,
            &d.folded,
        ),
        None => (
            match &d.error {
                Some(e) => vec![Line::styled(
                    format!("cannot load: {}", e.message),
                    Style::default().fg(t.error),
                )],
                None => vec![Line::styled("loading…", t.muted())],
            },
            vec![],
        ),
    };
    // End scrolls "as far as it goes": clamp to the content (its last line at the bottom), so
    // the next Up moves at once.
    let inner = area.height.saturating_sub(2) as usize;
    let max = lines.len().saturating_sub(inner).min(u16::MAX as usize) as u16;
    let mut scroll = d.scroll.min(max);
    if let (true, Some(&l)) = (d.reveal, d.selected.and_then(|i| items.get(i))) {
        let l = l.min(u16::MAX as usize) as u16;
        let h = (inner as u16).max(1);
        if l < scroll {
            scroll = l;
        } else if l >= scroll + h {
            scroll = (l + 1 - h).min(max);
        }
    }
    let crumbs = app.breadcrumbs();
    let mut title = vec![Span::styled(
        format!(" {} ", crumbs.last().cloned().unwrap_or_default()),
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    )];
    if let Some(e) = &d.error {
        title.push(Span::styled(
            format!(
                " stale since {} — {} ",
                crate::model::fmt::short_age(Instant::now().saturating_duration_since(e.since)),
                e.message
            ),
            Style::default().fg(t.stale).add_modifier(Modifier::BOLD),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(title));
    f.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
    (max, scroll)
}

pub fn draw_errors(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(Span::styled(
            format!(
                " Error history [{}] — y copies the newest traceId, Esc back ",
                app.notify.errors.len()
            ),
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        )));
    let inner_h = area.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = if app.notify.errors.is_empty() {
        vec![Line::styled("no errors so far", t.muted())]
    } else {
        app.notify
            .errors
            .iter()
            .rev()
            .take(inner_h)
            .map(|e| {
                let ms =
                    e.at.duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_millis().min(i64::MAX as u128) as i64);
                let ts = app.zone.clock(ms);
                let mut spans = vec![
                    Span::styled(format!("{ts} "), t.muted()),
                    Span::styled(
                        if e.context.is_empty() {
                            String::new()
                        } else {
                            format!("{}: ", e.context)
                        },
                        Style::default().fg(t.accent),
                    ),
                    Span::styled(e.message.clone(), Style::default().fg(t.error)),
                ];
                if let Some(tr) = &e.trace_id {
                    if !e.message.contains(tr.as_str()) {
                        spans.push(Span::styled(format!("  traceId {tr}"), t.muted()));
                    }
                }
                Line::from(spans)
            })
            .collect()
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// `HH:MM:SS` (UTC) of a wall-clock time.
pub fn fmt_clock(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, (day % 3600) / 60, day % 60)
}

/// The raw JSON view: the object's text, scrolled, with the search's matches marked (the
/// current one reversed). Returns the lines the window holds (for paging).
pub fn draw_raw(
    f: &mut Frame,
    r: &crate::app::raw::RawView,
    name: &str,
    t: &crate::config::Theme,
    area: Rect,
) -> usize {
    let inner_h = area.height.saturating_sub(2) as usize;
    let mut title = format!(" JSON of {name} ");
    if let Some(n) = &r.note {
        title.push_str(&format!("({n}) "));
    }
    if !r.query.is_empty() {
        match r.current {
            Some(c) => title.push_str(&format!("/{} {}/{} ", r.query, c + 1, r.matches.len())),
            None => title.push_str(&format!("/{} no match ", r.query)),
        }
    }
    if !r.lines.is_empty() {
        title.push_str(&format!(
            "{}-{}/{} ",
            r.scroll + 1,
            (r.scroll + inner_h).min(r.lines.len()),
            r.lines.len()
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(Span::styled(
            title,
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        )));
    let lines: Vec<Line> = match &r.doc {
        None => vec![Line::styled("loading…", t.muted())],
        Some(Err(e)) => vec![Line::styled(
            format!("cannot load the JSON: {e}"),
            Style::default().fg(t.error),
        )],
        Some(Ok(_)) => {
            let cur = r.current_line();
            let q = r.query.to_lowercase();
            r.lines
                .iter()
                .enumerate()
                .skip(r.scroll)
                .take(inner_h)
                .map(|(i, l)| {
                    if q.is_empty() || !l.to_lowercase().contains(&q) {
                        return Line::raw(l.clone());
                    }
                    let style = if Some(i) == cur {
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default().fg(t.accent).add_modifier(Modifier::BOLD)
                    };
                    Line::styled(l.clone(), style)
                })
                .collect()
        }
    };
    f.render_widget(Paragraph::new(lines).block(block), area);
    inner_h
}
