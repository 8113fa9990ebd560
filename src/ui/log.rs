//! Drawing a task log (the DAG view's side panel and its full-screen log): long lines wrapped
//! (or cut at the side and scrolled with an indicator), the thread / trace prefix of Java log
//! lines dimmed or folded so the message stands out, the level coloured, search matches
//! highlighted; and the failure's reason for the side panel.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::app::dag::log::{find_ci, JavaLine, LogView};
use crate::app::dag::DagView;
use crate::config::theme::Theme;

/// One drawn character and its style.
type Cell = (char, Style);

/// A log line as styled cells.
/// `compact` (the side panel's preview): the prefix folded and the date left out, so a
/// typical line takes one row of the panel.
fn cells(
    l: &str,
    logv: &LogView,
    theme: &Theme,
    fold: bool,
    compact: bool,
    current: bool,
) -> Vec<Cell> {
    let plain = Style::default().fg(theme.fg);
    let mut out: Vec<Cell> = Vec::with_capacity(l.len());
    let push = |s: &str, st: Style, out: &mut Vec<Cell>| out.extend(s.chars().map(|c| (c, st)));
    match JavaLine::parse(l) {
        Some(j) => {
            let level = &l[j.level.clone()];
            let (lv, msg) = match level {
                "ERROR" | "FATAL" => {
                    let e = Style::default().fg(theme.error);
                    (e.add_modifier(Modifier::BOLD), e)
                }
                "WARN" | "WARNING" => {
                    let w = Style::default().fg(theme.warn);
                    (w.add_modifier(Modifier::BOLD), w)
                }
                _ => (theme.muted(), plain),
            };
            let stamp = &l[..j.level.start];
            match stamp.split_once(' ').filter(|_| compact) {
                // `2026-12-06 14:27:43.057  INFO 57200 --- [thread] logger : message` →
                // `14:27:43 message`; a level other than INFO (or DEBUG) stays, coloured.
                Some((_, time)) => {
                    let time = time.trim();
                    push(
                        time.split('.').next().unwrap_or(time),
                        theme.muted(),
                        &mut out,
                    );
                    push(" ", plain, &mut out);
                    if !matches!(level, "INFO" | "DEBUG" | "TRACE") {
                        push(level, lv, &mut out);
                        push(" ", plain, &mut out);
                    }
                }
                None => {
                    push(stamp, plain, &mut out);
                    push(level, lv, &mut out);
                    if fold {
                        push(" … ", theme.muted(), &mut out);
                    } else {
                        push(&l[j.level.end..j.prefix.start], plain, &mut out);
                        push(&l[j.prefix.clone()], theme.muted(), &mut out);
                    }
                }
            }
            push(&l[j.message..], msg, &mut out);
        }
        None => push(l, plain, &mut out),
    }
    if !logv.query.is_empty() {
        let text: String = out.iter().map(|c| c.0).collect();
        let hl = if current {
            Style::default()
                .fg(theme.bg)
                .bg(theme.accent)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        };
        let qlen = logv.query.chars().count();
        let mut from = 0;
        while let Some(b) = find_ci(&text[from..], &logv.query) {
            let start = text[..from + b].chars().count();
            for c in out.iter_mut().skip(start).take(qlen) {
                c.1 = c.1.patch(hl);
            }
            from += b + logv.query.len().max(1);
            if from >= text.len() {
                break;
            }
        }
    }
    out
}

fn width_of(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn to_line(cells: &[Cell]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut cur = String::new();
    let mut style = None;
    for &(c, st) in cells {
        if style != Some(st) {
            if let Some(s) = style {
                spans.push(Span::styled(std::mem::take(&mut cur), s));
            }
            style = Some(st);
        }
        cur.push(c);
    }
    if let Some(s) = style {
        spans.push(Span::styled(cur, s));
    }
    Line::from(spans)
}

/// The cells wrapped to `width` columns: at least one row.
fn wrap(cells: &[Cell], width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut start = 0;
    let mut w = 0;
    for (i, &(c, _)) in cells.iter().enumerate() {
        let cw = width_of(c);
        if w + cw > width && i > start {
            rows.push(to_line(&cells[start..i]));
            start = i;
            w = 0;
        }
        w += cw;
    }
    rows.push(to_line(&cells[start..]));
    rows
}

/// The cells from column `skip`, cut to `width` columns, with `«` / `»` where text is hidden.
fn cut(cells: &[Cell], skip: usize, width: usize, theme: &Theme, ascii: bool) -> Line<'static> {
    let width = width.max(1);
    let mut col = 0;
    let mut shown: Vec<Cell> = Vec::new();
    let mut used = 0;
    let mut more = false;
    for &(c, st) in cells {
        let cw = width_of(c);
        if col < skip {
            col += cw;
            continue;
        }
        if used + cw > width {
            more = true;
            break;
        }
        shown.push((c, st));
        used += cw;
    }
    let mark = theme.muted().add_modifier(Modifier::BOLD);
    let (l, r) = if ascii { ('<', '>') } else { ('«', '»') };
    if skip > 0 && !cells.is_empty() {
        match shown.first_mut() {
            Some(first) => *first = (l, mark),
            None => shown.push((l, mark)),
        }
    }
    if more {
        // Make room for the mark in the last column.
        while used + 1 > width {
            match shown.pop() {
                Some((c, _)) => used -= width_of(c),
                None => break,
            }
        }
        shown.push((r, mark));
    }
    to_line(&shown)
}

/// The rows for log line `i`.
fn rows_for(
    v: &DagView,
    i: usize,
    width: usize,
    theme: &Theme,
    ascii: bool,
    compact: bool,
) -> Vec<Line<'static>> {
    let Some(l) = v.log.line(i) else {
        return Vec::new();
    };
    let current = v.logv.current.is_some() && v.logv.current == Some(v.log.abs(i));
    let c = cells(l, &v.logv, theme, v.logv.fold_prefix, compact, current);
    if v.logv.wrap {
        wrap(&c, width)
    } else {
        vec![cut(&c, v.logv.hscroll, width, theme, ascii)]
    }
}

/// The rows of the log that fit `width` × `height`: from the pinned top line down, or up from
/// the end (`scroll` lines above it), so the last line shown is always shown whole when wrapped.
pub fn log_rows(
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    width: u16,
    height: u16,
    paged: bool,
) -> Vec<Line<'static>> {
    let (width, height) = (width as usize, height as usize);
    let len = v.log.len();
    if height == 0 || len == 0 {
        return Vec::new();
    }
    if let Some(t) = v.log.top_index() {
        let mut rows = Vec::new();
        for i in t..len {
            rows.extend(rows_for(v, i, width, theme, ascii, paged));
            if rows.len() >= height {
                break;
            }
        }
        rows.truncate(height);
        return rows;
    }
    let end = len - v.log.scroll.min(len);
    let mut chunks: Vec<Vec<Line<'static>>> = Vec::new();
    let mut n = 0;
    let mut i = end;
    while i > 0 && n < height {
        i -= 1;
        let r = rows_for(v, i, width, theme, ascii, paged);
        n += r.len();
        chunks.push(r);
    }
    // Paged (the side panel following the end): the view starts at a line whose absolute
    // number is a multiple of a step (a power of two, about three quarters of the lines that
    // fit), the first such line from which the end still fits; new lines fill the rows
    // below, and the view moves on by a step when they no longer fit. A tail that moved by
    // one line per new line would redraw every row of the panel for each line over SSH;
    // this way a new line costs its own rows, and the panel is redrawn once per step.
    let first_fit = if n > height { i + 1 } else { i };
    if paged && v.log.scroll == 0 && first_fit > 0 && first_fit < end {
        let fit = (end - first_fit) as u64;
        let step = 1u64 << (fit * 3 / 4).max(1).ilog2();
        let page = v.log.abs(first_fit).div_ceil(step) * step;
        if let Some(start) = v.log.index_of_abs(page).filter(|&s| s < end) {
            let mut rows = Vec::new();
            for k in start..end {
                rows.extend(rows_for(v, k, width, theme, ascii, paged));
            }
            if rows.len() <= height {
                return rows;
            }
        }
    }
    let mut rows: Vec<Line<'static>> = chunks.into_iter().rev().flatten().collect();
    if rows.len() > height {
        rows.drain(..rows.len() - height);
    }
    rows
}

/// The failure's reason for the side panel: the message of the log's last ERROR line (not a
/// stack frame), whole, wrapped to `width`, under a label.
pub fn reason_rows(v: &DagView, theme: &Theme, width: u16, now_ms: i64) -> Vec<Line<'static>> {
    let Some(l) = v.log.last_error() else {
        return Vec::new();
    };
    let (msg, when) = match JavaLine::parse(l) {
        Some(j) => {
            // The line's time is the server's local time: shown in the screen's zone when
            // the log says the server's offset, else as it is, marked as the server's.
            let when = match v
                .log
                .server_offset()
                .and_then(|off| crate::app::dag::log::line_time_ms(l, off))
            {
                Some(ms) => v.zone.stamp(ms, now_ms),
                None => {
                    let time = l[..j.level.start].split_whitespace().nth(1).unwrap_or("");
                    let time = time.split('.').next().unwrap_or(time);
                    if time.is_empty() {
                        String::new()
                    } else {
                        format!("{time} server time")
                    }
                }
            };
            (&l[j.message..], when)
        }
        None => (l, String::new()),
    };
    let err = Style::default().fg(theme.error);
    let mut rows = vec![Line::from(vec![
        Span::styled("error", err.add_modifier(Modifier::BOLD)),
        Span::styled(
            if when.is_empty() {
                String::new()
            } else {
                format!(" · {when}")
            },
            theme.muted(),
        ),
    ])];
    let c: Vec<Cell> = msg.trim().chars().map(|ch| (ch, err)).collect();
    rows.extend(wrap(&c, width as usize));
    rows
}

/// What the log view shows now, for a title: "following", "↑12", "line 40", and "nowrap →32".
pub fn state_label(v: &DagView) -> String {
    let mut s = match v.log.top_index() {
        Some(t) => format!("line {}/{}", t + 1, v.log.len()),
        None if v.log.following() => "following".to_string(),
        None => format!("↑{}", v.log.scroll),
    };
    if !v.logv.wrap {
        s.push_str(" · nowrap");
        if v.logv.hscroll > 0 {
            s.push_str(&format!(" →{}", v.logv.hscroll));
        }
    }
    s
}

/// The search's place, "/query 3/12", when there is one.
pub fn search_label(v: &DagView) -> Option<String> {
    if v.logv.query.is_empty() {
        return None;
    }
    let (k, n) = v.logv.position();
    Some(format!("/{} {k}/{n}", v.logv.query))
}
