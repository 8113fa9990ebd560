//! Drawing: one function per part of the screen. Every colour comes from the theme; nothing
//! here mutates app state except the scroll window and the geometry the mouse needs.

pub mod alarms;
pub mod backend;
pub mod glyph;
pub mod panes;
pub use crate::model::fmt::short_age;
pub mod widgets;

use crate::app::actions::Action;
use crate::app::hit::{Drawn, TableDrawn};
use crate::app::notify::Level;
use crate::app::state::{App, Mode, View};
use crate::app::table::fit_end;
use crate::app::table::{Align, StatusFilter};
use crate::model::pane::PaneKind;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row as TRow, Table, Wrap};
use ratatui::Frame;
use std::time::{Duration, Instant};

pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 12;

/// Draw the whole screen from the app's state; returns what was laid out, for the app to take
/// back through `App::on_drawn` (paging, the mouse, the scroll shown).
pub fn draw(f: &mut Frame, app: &App) -> Drawn {
    let area = f.area();
    let mut out = Drawn {
        size: (area.width, area.height),
        ..Drawn::default()
    };
    draw_screen(f, app, area, &mut out);
    out
}

fn draw_screen(f: &mut Frame, app: &App, area: Rect, out: &mut Drawn) {
    if area.width < MIN_W || area.height < MIN_H {
        let msg = format!(
            "obtui needs at least {MIN_W}×{MIN_H}; this terminal is {}×{}. Enlarge it or press q.",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, app, header);
    draw_tabs(f, app, tabs);
    match app.view() {
        View::Pane(k) => out.table = draw_pane(f, app, *k, body),
        View::Detail(_) => {
            let (max, scroll) = widgets::draw_detail(f, app, body);
            out.detail_max_scroll = Some(max);
            out.detail_scroll = Some(scroll);
        }
        View::Wizard => {
            if let Some(w) = app.wizard.as_ref() {
                out.wizard_rows = wizard::draw(f, body, w, &app.theme, &app.keymap);
            }
        }
        View::Dag(_) => {
            let now = app.frozen_now.unwrap_or_else(crate::app::panes::now_ms);
            if let Some(d) = app.dag.as_ref() {
                out.dag = Some(dag::draw(f, body, d, &app.theme, app.settings.ascii, now));
            }
        }
        View::Errors => widgets::draw_errors(f, app, body),
        View::Raw => {
            if let Some(r) = app.raw.as_ref() {
                let name = app.raw_title(&r.target);
                out.raw_rows = Some(widgets::draw_raw(f, r, &name, &app.theme, body));
            }
        }
    }
    draw_status(f, app, status);
    draw_footer(f, app, footer);
    if let Mode::Help(h) = &app.mode {
        out.help_max_scroll = Some(draw_help(f, app, area, h.scroll));
    }
    if app.settings.ascii {
        asciify(f.buffer_mut());
    }
}

/// A non-UTF-8 terminal shows anything but ASCII as mojibake: after drawing, every cell that is
/// not ASCII becomes its nearest ASCII look-alike (box lines, bars, arrows, punctuation).
pub fn asciify(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.is_ascii() {
            continue;
        }
        let c = sym.chars().next().unwrap_or(' ');
        let r = match c {
            '─' | '━' | '═' | '╌' | '┄' => "-",
            '│' | '┃' | '║' | '╎' | '┆' => "|",
            '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' | '╔'
            | '╗' | '╚' | '╝' => "+",
            '█' | '▉' | '▊' | '▋' | '▌' | '▍' | '▎' | '▏' | '■' => "#",
            '░' | '▒' | '▓' => ".",
            '…' | '·' | '•' => ".",
            '—' | '–' => "-",
            '›' | '→' | '▸' | '▶' | '»' => ">",
            '‹' | '←' | '◂' | '«' => "<",
            '↑' | '▲' => "^",
            '↓' | '▼' | '▾' => "v",
            '⏎' => "J",
            '⟳' => "@",
            '✔' | '✓' => "+",
            '✖' | '✗' => "x",
            '◌' => ".",
            '◷' => "o",
            '⊘' => "-",
            '⊗' => "!",
            '●' | '◉' => "*",
            '↷' => "s",
            '↻' => "r",
            '↶' => "b",
            '×' => "x",
            c if ('\u{2800}'..='\u{28ff}').contains(&c) => ">",
            _ => "?",
        };
        cell.set_symbol(r);
    }
}

fn draw_header(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let s = &app.settings;
    let label = app
        .server_label
        .clone()
        .or_else(|| app.ocp_version.as_ref().map(|v| format!("OCP {v}")));
    let version = match label {
        Some(v) if s.demo => format!("{v} (sim)"),
        Some(v) => v,
        None => "connecting…".into(),
    };
    let age = app
        .last_refresh
        .map(|at| {
            // Fixed width: a shorter age must not shift the header (bytes over SSH). Whole
            // seconds: a view polled every second then reads "0s ago" frame after frame
            // instead of resending tenths with every poll, log line and tick.
            // Under two seconds reads `<2s`: a view polled every second (a live DAG) would
            // otherwise flip between 0s and 1s with every poll, a frame each for nothing.
            let age = Instant::now().saturating_duration_since(at);
            if age < Duration::from_secs(2) {
                format!("{:>5} ago", "<2s")
            } else {
                format!("{:>5} ago", short_age(Duration::from_secs(age.as_secs())))
            }
        })
        .unwrap_or_else(|| "loading".into());
    // A big list's first load: the first page is on screen, the rest is on its way.
    let age = match app.loading_progress() {
        Some((done, total)) => format!("loading {done}/{total}"),
        None => age,
    };
    // The view poller stretches its interval for a costly list; say so, with the interval it
    // really uses (nothing extra when it is the configured one).
    let every = match app.adapted_refresh() {
        Some(every) => format!("{} auto", short_age(every)),
        None => short_age(s.refresh),
    };
    // Nothing is polled behind a wizard or the error history: the age grows because the data
    // is not refreshed, and the header says so instead of the interval.
    let every = if app.polling_paused() {
        "paused".to_string()
    } else {
        format!("⟳ {every}")
    };
    let profile_style = if s.production {
        Style::default()
            .fg(t.production)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::default().fg(t.accent).add_modifier(Modifier::BOLD)
    };
    let sep = Span::styled(" │ ", t.muted());
    let alarms = alarm_spans(app);
    let mut left = vec![Span::styled(
        " obtui",
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    )];
    left.extend(alarms.iter().cloned());
    left.extend([
        sep.clone(),
        Span::styled(format!("profile: {}", s.profile), profile_style),
        sep.clone(),
        Span::styled(version, Style::default().fg(t.header_fg)),
        sep.clone(),
        Span::styled(s.url.clone(), t.muted()),
    ]);
    // The fleet view: every profile with its state instead of one profile's server.
    let fleet = app.fleet_summary();
    if !fleet.is_empty() {
        left.truncate(2 + alarms.len());
        for (i, m) in fleet.iter().enumerate() {
            if i > 0 {
                left.push(Span::styled(" · ", t.muted()));
            }
            use crate::app::fleet::MemberState;
            let style = match m.state {
                MemberState::Fresh => Style::default().fg(t.ok),
                MemberState::Loading => t.muted(),
                MemberState::Stale => Style::default().fg(t.stale),
                _ => Style::default().fg(t.error),
            };
            // The profile the keys act on (the selected row's) stands out.
            let style = if m.active {
                style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            } else {
                style
            };
            let age = match (m.state, m.since) {
                (MemberState::Fresh | MemberState::Loading, _) | (_, None) => String::new(),
                (_, Some(since)) => format!(
                    " {}",
                    short_age(Duration::from_secs(
                        Instant::now().saturating_duration_since(since).as_secs()
                    ))
                ),
            };
            let ro = if m.read_only { " RO" } else { "" };
            left.push(Span::styled(
                format!("{}{ro}: {}{age}", m.name, m.state.label()),
                style,
            ));
        }
    }
    let (badge, badge_color) = if s.read_only {
        (" RO ", t.badge_ro)
    } else {
        (" RW ", t.badge_rw)
    };
    let mut right = vec![];
    if s.insecure {
        right.push(Span::styled(
            " INSECURE TLS ",
            Style::default()
                .fg(t.error)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ));
        right.push(Span::raw(" "));
    } else if crate::config::profile::is_plain_http_remote(&s.url) {
        right.push(Span::styled(
            " HTTP ",
            Style::default()
                .fg(t.warn)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ));
        right.push(Span::raw(" "));
    }
    if app.access_key_id.is_some() {
        // Requests are signed with an AccessKey (AK/SK), not a password (HTTP Basic).
        right.push(Span::styled(
            " AK/SK ",
            Style::default()
                .fg(t.accent)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ));
        right.push(Span::raw(" "));
    }
    let info_at = right.len();
    right.extend([
        // Every time on screen is in this zone: said once, here.
        Span::styled(
            format!("{} · {every} · {age} ", app.zone.label()),
            t.muted(),
        ),
        Span::styled(
            badge,
            if t.mono {
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            } else {
                Style::default()
                    .fg(badge_color)
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED)
            },
        ),
    ]);
    let right_w: usize = right.iter().map(|s| s.width()).sum();
    let left_w: usize = left.iter().map(|s| s.width()).sum();
    let gap = (area.width as usize).saturating_sub(left_w + right_w);
    if gap == 0 && fleet.is_empty() {
        // Narrow: drop the URL first (the alarm count stays).
        left.truncate(5 + alarms.len());
    }
    let left_w: usize = left.iter().map(|s| s.width()).sum();
    // Still too wide: the zone by its offset alone, then without the refresh interval —
    // the zone and the badge always stay.
    let short = app
        .zone
        .label()
        .rsplit(' ')
        .next()
        .unwrap_or("UTC")
        .to_string();
    for text in [
        format!("{short} · {every} · {age} "),
        if app.polling_paused() {
            format!("{short} · paused{age} ")
        } else {
            format!("{short} · {age} ")
        },
    ] {
        let right_w: usize = right.iter().map(|s| s.width()).sum();
        if left_w + right_w < area.width as usize {
            break;
        }
        if let Some(sp) = right.get_mut(info_at) {
            *sp = Span::styled(text, t.muted());
        }
    }
    let right_w: usize = right.iter().map(|s| s.width()).sum();
    left.push(Span::raw(
        " ".repeat((area.width as usize).saturating_sub(left_w + right_w)),
    ));
    left.extend(right);
    f.render_widget(
        Paragraph::new(Line::from(left)).style(Style::default().bg(t.header_bg)),
        area,
    );
}

/// The header's count of active alarms by level (`▲ 1 crit 2 warn`), right after the name:
/// the first thing an operator sees. Red when any is down or critical, in the warning colour
/// otherwise; `stale` when the last count failed; nothing when there are none.
fn alarm_spans(app: &App) -> Vec<Span<'static>> {
    let t = &app.theme;
    let Some(c) = app.alarm_counts.as_ref() else {
        return vec![];
    };
    let label = c.label(app.settings.ascii);
    if label.is_empty() {
        return vec![];
    }
    let colour = if c.any_severe() { t.error } else { t.warn };
    let style = if t.mono {
        Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::default().fg(colour).add_modifier(Modifier::BOLD)
    };
    let mut out = vec![Span::raw(" "), Span::styled(format!(" {label} "), style)];
    if app.alarm_counts_stale {
        out.push(Span::styled(" stale", Style::default().fg(t.stale)));
    }
    out
}

fn draw_tabs(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let cur = app.current_pane();
    let mut spans = vec![Span::raw(" ")];
    for (k, label) in crate::app::state::tab_labels(area.width, cur) {
        let style = if k == cur {
            if t.mono {
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            } else {
                Style::default()
                    .fg(t.tab_active)
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            }
        } else {
            Style::default().fg(t.tab_inactive)
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let crumbs = app.breadcrumbs();
    if crumbs.len() > 1 {
        let used = Line::from(spans.clone()).width() + 2;
        let text = crumb_trail(&crumbs, (area.width as usize).saturating_sub(used));
        spans.push(Span::styled(format!("  {text}"), t.muted()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The breadcrumbs in `room` columns: the oldest give way first (`… › `), then the newest is
/// cut with `…`; never cut without saying so.
fn crumb_trail(crumbs: &[String], room: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut from = 0;
    let mut text = crumbs.join(" › ");
    while text.width() > room && from + 1 < crumbs.len() {
        from += 1;
        text = format!("… › {}", crumbs[from..].join(" › "));
    }
    crate::app::table::fit_end(&text, room).into_owned()
}

fn draw_pane(f: &mut Frame, app: &App, kind: PaneKind, area: Rect) -> Option<TableDrawn> {
    let show_summary = crate::app::panes::has_summary(kind) && area.height >= 16;
    let (table_area, summary_area) = if show_summary {
        let [a, b] = Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    let drawn = draw_table(f, app, kind, table_area);
    if let Some(sa) = summary_area {
        widgets::draw_summary(f, app, kind, sa);
    }
    drawn
}

fn draw_table(f: &mut Frame, app: &App, kind: PaneKind, area: Rect) -> Option<TableDrawn> {
    let theme = &app.theme;
    let cols = app.columns(kind);
    let cols: &[crate::app::table::Column] = &cols;
    let pane = &app.panes[kind.index()];
    let total = pane.table.rows.len();
    let shown = pane.table.view.len();
    let mut title = vec![Span::styled(
        format!(" {} ", kind.title()),
        Style::default()
            .fg(theme.title)
            .add_modifier(Modifier::BOLD),
    )];
    let status = pane.table.status_filter;
    use crate::config::theme::Tone;
    let group = app.shown_task_group().filter(|_| kind == PaneKind::Tasks);
    title.push(Span::styled(
        if group.is_some() {
            format!("[{shown}/{total}] ")
        } else if pane.table.filter.is_empty() && status == StatusFilter::All {
            format!("[{total}] ")
        } else if pane.table.filter.is_empty() {
            format!("[{shown}/{total}] ")
        } else {
            format!("[{shown}/{total}] /{} ", pane.table.filter)
        },
        theme.muted(),
    ));
    // A write's group of tasks: what it was and how its tasks stand together.
    if let Some(g) = group {
        let mut n = [0usize; 4];
        for &i in &pane.table.view {
            let k = match pane.table.rows.get(i).map(|r| r.tone) {
                Some(Tone::Running | Tone::Pending | Tone::Ready | Tone::Canceling) => 0,
                Some(Tone::Ok) => 1,
                Some(Tone::Failed) => 2,
                _ => 3,
            };
            n[k] += 1;
        }
        let mut parts = vec![format!("group: {} · {} tasks", g.label, g.count)];
        for (k, what) in [
            (0, "running"),
            (1, "successful"),
            (2, "failed"),
            (3, "other"),
        ] {
            if n[k] > 0 {
                parts.push(format!("{} {what}", n[k]));
            }
        }
        if shown < g.count {
            parts.push(format!("{} not listed yet", g.count - shown));
        }
        let tone = if n[2] > 0 {
            Tone::Failed
        } else if n[0] > 0 || shown < g.count {
            Tone::Running
        } else {
            Tone::Ok
        };
        title.push(Span::styled(
            format!("{} ", parts.join(" · ")),
            theme.tone_style(tone).add_modifier(Modifier::BOLD),
        ));
    }
    // The tasks pane says which statuses it shows (`f` cycles them).
    if kind == PaneKind::Tasks {
        title.push(Span::styled(
            format!("status: {} ", status.label()),
            if status == StatusFilter::All {
                theme.muted()
            } else {
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD)
            },
        ));
    }
    if let Some(c) = pane.table.sort_col {
        let arrow = if pane.table.sort_desc { "↓" } else { "↑" };
        title.push(Span::styled(
            format!(
                "sort {}{arrow} ",
                cols.get(c).map(|c| c.title).unwrap_or("")
            ),
            theme.muted(),
        ));
    }
    if let Some(e) = pane.error.as_ref().filter(|_| pane.loaded) {
        title.push(Span::styled(
            format!(
                " stale since {} — {} ",
                short_age(Instant::now().saturating_duration_since(e.since)),
                e.message
            ),
            Style::default()
                .fg(theme.stale)
                .add_modifier(Modifier::BOLD),
        ));
    }
    // A secondary part that failed: its column keeps the last good value, marked here.
    for (part, p) in pane.parts.iter().filter(|_| pane.loaded) {
        let text = if p.known {
            format!(
                " {} stale since {} — {} ",
                part.label(),
                short_age(Instant::now().saturating_duration_since(p.since)),
                p.message
            )
        } else {
            format!(" {} unknown — {} ", part.label(), p.message)
        };
        title.push(Span::styled(
            text,
            Style::default()
                .fg(theme.stale)
                .add_modifier(Modifier::BOLD),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Line::from(title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if !pane.loaded {
        let msg = match &pane.error {
            Some(e) => format!("cannot load {}: {}", kind.title(), e.message),
            None => format!("loading {}…", kind.title()),
        };
        f.render_widget(
            Paragraph::new(msg)
                .style(theme.muted())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return None;
    }
    let body_h = inner.height.saturating_sub(1) as usize;
    let offset = pane.table.offset_for(body_h);
    let selected = pane.table.selected;
    let fitted = crate::app::table::fit_columns(cols, &pane.table.widths, inner.width);
    let visible: Vec<usize> = fitted.iter().map(|&(i, _)| i).collect();
    let col_w: Vec<usize> = {
        let mut v = vec![0usize; cols.len()];
        for &(i, w) in &fitted {
            v[i] = usize::from(w);
        }
        v
    };
    let widths: Vec<Constraint> = fitted.iter().map(|&(_, w)| Constraint::Length(w)).collect();
    let header_cols: Vec<(u16, u16, usize)> = Layout::horizontal(widths.clone())
        .spacing(1)
        .split(Rect { height: 1, ..inner })
        .iter()
        .zip(&visible)
        .map(|(r, &i)| (r.x, r.width, i))
        .collect();
    let ascii = app.settings.ascii;
    let header = TRow::new(visible.iter().map(|&i| {
        let c = &cols[i];
        let mark = match pane.table.sort_col {
            Some(s) if s == i => {
                if pane.table.sort_desc {
                    "↓"
                } else {
                    "↑"
                }
            }
            _ => "",
        };
        Line::from(format!("{}{mark}", c.title)).alignment(align(c.align))
    }))
    .style(
        Style::default()
            .fg(theme.table_header)
            .add_modifier(Modifier::BOLD),
    );
    let end = (offset + body_h).min(pane.table.view.len());
    let rows = pane.table.view[offset..end]
        .iter()
        .enumerate()
        .map(|(n, &ri)| {
            let r = &pane.table.rows[ri];
            let cells = visible.iter().map(|&ci| {
                let text = r.cells.get(ci).map(String::as_str).unwrap_or("");
                let w = col_w.get(ci).copied().unwrap_or(0);
                if Some(ci) == r.status_col {
                    Line::from(Span::styled(
                        format!(
                            "{} {}",
                            crate::ui::glyph::tone_glyph(r.tone, ascii),
                            fit_end(text, w.saturating_sub(2))
                        ),
                        theme.tone_style(r.tone),
                    ))
                } else {
                    Line::from(fit_end(text, w).into_owned()).alignment(align(cols[ci].align))
                }
            });
            let row = TRow::new(cells);
            if offset + n == selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let drawn = TableDrawn {
        pane: kind,
        page_rows: body_h.max(1),
        top: inner.y + 1,
        header_cols,
        offset,
    };
    if pane.table.view.is_empty() {
        f.render_widget(TableOrEmpty::empty(&pane.table.filter, theme), inner);
        return Some(drawn);
    }
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    f.render_widget(table, inner);
    Some(drawn)
}

struct TableOrEmpty;
impl TableOrEmpty {
    fn empty(filter: &str, theme: &crate::config::Theme) -> Paragraph<'static> {
        let msg = if filter.is_empty() {
            "nothing here".to_string()
        } else {
            format!("no rows match /{filter} — Esc clears the filter")
        };
        Paragraph::new(msg).style(theme.muted())
    }
}

fn align(a: Align) -> ratatui::layout::Alignment {
    match a {
        Align::Left => ratatui::layout::Alignment::Left,
        Align::Right => ratatui::layout::Alignment::Right,
    }
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    match &app.mode {
        Mode::Filter(fi) | Mode::RawSearch(fi) => {
            let input = &fi.input;
            let line = Line::from(vec![
                Span::styled("/", Style::default().fg(t.accent)),
                Span::raw(input.value().to_string()),
            ]);
            f.render_widget(Paragraph::new(line), area);
            f.set_cursor_position((area.x + 1 + input.visual_cursor() as u16, area.y));
        }
        Mode::Command(c) => {
            let input = &c.input;
            let hint = format!("  {}", crate::app::command::hint(input.value(), &c.names));
            let line = Line::from(vec![
                Span::styled(":", Style::default().fg(t.accent)),
                Span::raw(input.value().to_string()),
                Span::styled(hint, t.muted()),
            ]);
            f.render_widget(Paragraph::new(line), area);
            f.set_cursor_position((area.x + 1 + input.visual_cursor() as u16, area.y));
        }
        Mode::Password(p) => {
            let (prompt, input) = (&p.prompt, &p.input);
            let line = Line::from(vec![
                Span::styled(
                    format!("{prompt}: "),
                    Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
                ),
                Span::raw("•".repeat(input.len())),
                Span::styled("   ⏎ log in · esc cancel", t.muted()),
            ]);
            f.render_widget(Paragraph::new(line), area);
        }
        _ => {
            if let Some(fl) = app.notify.current() {
                let (c, tag) = match fl.level {
                    Level::Info => (t.info, "info"),
                    Level::Warn => (t.warn, "warn"),
                    Level::Error => (t.error, "error"),
                };
                let line = Line::from(vec![
                    Span::styled(
                        format!(" {tag}: "),
                        Style::default().fg(c).add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(fl.text.clone(), Style::default().fg(c)),
                ]);
                f.render_widget(Paragraph::new(line), area);
            }
        }
    }
}

fn draw_footer(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    for (_, key, text) in footer_hints(app, area.width) {
        spans.push(Span::styled(
            key,
            Style::default().fg(t.hint_key).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(
            format!(" {text}  "),
            Style::default().fg(t.hint_text),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The footer's hints that fit in `width` columns, as `(action, key, words)`: what the app
/// says can be done now ([`App::hints`]), in its order. Help and quit are kept whatever else
/// is dropped (one leading space, then `key words` and two spaces each).
pub fn footer_hints(app: &App, width: u16) -> Vec<(Action, String, String)> {
    let items: Vec<(Action, String, String)> = app
        .hints()
        .into_iter()
        .map(|a| {
            let s = crate::app::actions::spec(a);
            let text = s
                .short
                .map(str::to_string)
                .unwrap_or_else(|| short_desc(s.desc));
            (a, app.keymap.label(a), text)
        })
        .collect();
    let w = |(_, k, t): &(Action, String, String)| k.chars().count() + t.chars().count() + 3;
    let kept = |a: Action| matches!(a, Action::Help | Action::Quit);
    let mut room = (width as usize)
        .saturating_sub(1 + items.iter().filter(|i| kept(i.0)).map(w).sum::<usize>());
    let mut out = Vec::new();
    for it in items.iter().filter(|i| !kept(i.0)) {
        if w(it) <= room {
            room -= w(it);
            out.push(it.clone());
        }
    }
    let mut room = (width as usize).saturating_sub(1 + out.iter().map(w).sum::<usize>());
    for it in items.iter().filter(|i| kept(i.0)) {
        if w(it) <= room {
            room -= w(it);
            out.push(it.clone());
        }
    }
    out
}

/// Footer hints use the first words of the description.
fn short_desc(d: &str) -> String {
    let d = d.split(" (").next().unwrap_or(d);
    let d = d.trim_end_matches(" wizard");
    d.to_lowercase()
}

/// Split `text` into lines of at most `width` columns, at spaces where it can (a word
/// longer than a line is cut). Never returns an empty list.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut w = 0usize;
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let ww = word.chars().count();
            let need = if w == 0 { ww } else { w + 1 + ww };
            if need <= width {
                if w > 0 {
                    line.push(' ');
                }
                line.push_str(&word);
                w = need;
                break;
            }
            if w > 0 {
                out.push(std::mem::take(&mut line));
                w = 0;
                continue;
            }
            // A word wider than the line: cut it.
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            out.push(head);
        }
    }
    if w > 0 || out.is_empty() {
        out.push(line);
    }
    out
}

/// The help overlay's lines for an inner width: every scope of the registry (the active
/// ones first), each key with its description wrapped under its own column, then the run's
/// notes. Nothing is cut: a long line continues on the next.
pub fn help_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let t = &app.theme;
    let width = width as usize;
    const KEYS: usize = 16;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut last = None;
    let active = app.screen_scopes();
    for e in crate::app::actions::help_entries(&app.keymap, &active) {
        let s = crate::app::actions::spec(e.action);
        if last != Some(s.scope) {
            if last.is_some() {
                lines.push(Line::raw(""));
            }
            let mark = if active.contains(&s.scope) {
                ""
            } else {
                " (other screens)"
            };
            lines.push(Line::styled(
                format!("{}{mark}", s.scope.title()),
                Style::default().fg(t.title).add_modifier(Modifier::BOLD),
            ));
            last = Some(s.scope);
        }
        let note = if s.dangerous {
            if app.settings.read_only {
                "  (off: read-only)"
            } else {
                "  (asks first)"
            }
        } else {
            ""
        };
        let text = format!("{}{note}  [{}]", s.desc, s.name);
        let key_style = Style::default().fg(t.hint_key).add_modifier(Modifier::BOLD);
        // Keys wider than their column get a line of their own.
        let keys = format!("  {}", e.keys);
        let narrow = width < KEYS + 12;
        let (first_key, room) = if narrow || keys.chars().count() >= KEYS {
            lines.push(Line::styled(keys, key_style));
            (None, width.saturating_sub(if narrow { 4 } else { KEYS }))
        } else {
            (Some(keys), width.saturating_sub(KEYS))
        };
        let indent = if narrow { 4 } else { KEYS };
        for (i, part) in wrap_words(&text, room).into_iter().enumerate() {
            let lead = match (&first_key, i) {
                (Some(k), 0) => Span::styled(format!("{k:<KEYS$}"), key_style),
                _ => Span::raw(" ".repeat(indent)),
            };
            let body = match part.find("  [") {
                Some(at) => vec![
                    Span::raw(part[..at].to_string()),
                    Span::styled(part[at..].to_string(), t.muted()),
                ],
                None if part.starts_with('[') => vec![Span::styled(part, t.muted())],
                None => vec![Span::raw(part)],
            };
            let mut spans = vec![lead];
            spans.extend(body);
            lines.push(Line::from(spans));
        }
    }
    // What this run offers (the demo's take-over targets and obshell agents).
    let notes = &app.notify.notes;
    if !notes.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "This run",
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ));
        for n in notes {
            for part in wrap_words(n, width.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {part}")));
            }
        }
    }
    lines
}

/// The help overlay's window over `area`.
fn help_rect(area: Rect) -> Rect {
    let w = area.width.saturating_sub(8).min(100);
    let h = area.height.saturating_sub(4);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 2,
        width: w,
        height: h,
    }
}

/// Draw the help overlay; returns the most it can scroll (its last line at the bottom).
fn draw_help(f: &mut Frame, app: &App, area: Rect, scroll: u16) -> u16 {
    let t = &app.theme;
    let r = help_rect(area);
    f.render_widget(Clear, r);
    let inner_w = r.width.saturating_sub(2);
    let view_h = r.height.saturating_sub(2);
    let lines = help_lines(app, inner_w);
    let total = lines.len();
    let max = (total as u16).saturating_sub(view_h);
    let top = scroll.min(max);
    let last = (top as usize + view_h as usize).min(total);
    let more = match (top > 0, (last) < total) {
        (true, true) => "↑↓",
        (true, false) => "↑",
        (false, true) => "↓",
        (false, false) => "",
    };
    let position = if total > view_h as usize {
        format!(" {}–{last} of {total} {more} ", top + 1)
    } else {
        format!(" {total} lines ")
    };
    let scroll_keys = format!(
        "{}/{} {}/{}",
        app.keymap.label(Action::HelpDown),
        app.keymap.label(Action::HelpUp),
        app.keymap.label(Action::HelpPageDown),
        app.keymap.label(Action::HelpPageUp)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.accent))
        .title(
            Line::from(format!(
                " Keys — {scroll_keys} scroll · any other key closes "
            ))
            .style(Style::default().fg(t.title)),
        )
        .title_bottom(
            Line::from(position)
                .style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD))
                .right_aligned(),
        );
    f.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), r);
    max
}

pub mod dag;
pub mod log;
pub mod wizard;

#[cfg(test)]
mod poll_label_tests {
    use crate::app::state::{App, Settings};
    use crate::config::Theme;
    use crate::model::inventory::Host;
    use crate::model::jobs::ViewJob;
    use crate::model::pane::PaneKind;
    use crate::model::view::{ViewData, ViewProgress};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use std::time::{Duration, Instant};

    fn app() -> App {
        let settings = Settings {
            profile: "p".into(),
            url: "http://127.0.0.1:1".into(),
            user: "admin".into(),
            read_only: false,
            production: false,
            refresh: Duration::from_secs(5),
            demo: false,
            ascii: false,
            insecure: false,
        };
        let mut app = App::new(
            settings,
            Theme::builtin_default(),
            crate::app::actions::Keymap::defaults(),
        );
        app.perform(crate::app::actions::Action::PaneHosts);
        app
    }

    fn header(app: &App) -> String {
        let mut term = Terminal::new(TestBackend::new(140, 20)).unwrap();
        term.draw(|f| {
            super::draw(f, app);
        })
        .unwrap();
        let buf = term.backend().buffer();
        (0..140).map(|x| buf[(x, 0)].symbol()).collect()
    }

    fn hosts(n: i64) -> Vec<Host> {
        (0..n)
            .map(|id| Host {
                id,
                hostname: Some(format!("h{id}")),
                ..Host::default()
            })
            .collect()
    }

    #[test]
    fn breadcrumbs_give_way_oldest_first_and_say_when_cut() {
        let c: Vec<String> = ["Clusters", "cluster terran", "Upgrade cluster terran"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            super::crumb_trail(&c, 80),
            "Clusters › cluster terran › Upgrade cluster terran"
        );
        assert_eq!(
            super::crumb_trail(&c, 45),
            "… › cluster terran › Upgrade cluster terran"
        );
        assert_eq!(super::crumb_trail(&c, 40), "… › Upgrade cluster terran");
        let t = super::crumb_trail(&c, 20);
        assert!(t.ends_with('…') && t.starts_with("… › Upgrade"), "{t}");
        assert!(
            unicode_width::UnicodeWidthStr::width(t.as_str()) <= 20,
            "{t}"
        );
    }

    #[test]
    fn the_headers_age_counts_whole_seconds_from_two() {
        let mut app = app();
        let now = Instant::now();
        let job = ViewJob::Pane(PaneKind::Hosts);
        app.on_view(job, Ok(ViewData::Hosts(hosts(3))), now, 0);
        for (ago, want) in [
            (300u64, "  <2s ago"),
            (1_700, "  <2s ago"),
            (2_400, "   2s ago"),
            (61_000, "1m01s ago"),
        ] {
            app.last_refresh = now.checked_sub(Duration::from_millis(ago));
            let h = header(&app);
            assert!(h.contains(want), "{ago} ms: {h}");
        }
    }

    #[test]
    fn the_header_says_when_requests_are_signed_with_an_access_key() {
        let mut app = app();
        assert!(!header(&app).contains("AK/SK"), "{}", header(&app));
        app.access_key_id = Some("gDCcIqbkJJINjXBn".into());
        let h = header(&app);
        assert!(h.contains(" AK/SK "), "{h}");
        // :login asks for no password: it reads the key again.
        let effects = app.perform(crate::app::actions::Action::Login);
        assert!(
            matches!(effects.as_slice(), [crate::app::state::Effect::Login(pw)] if pw.is_empty()),
            "{effects:?}"
        );
        assert!(!matches!(app.mode, crate::app::state::Mode::Password(_)));
    }

    #[test]
    fn the_header_names_a_stretched_interval_and_a_first_load_in_progress() {
        let mut app = app();
        let job = ViewJob::Pane(PaneKind::Hosts);
        // The configured refresh: no extra label.
        app.on_view_interval(job.clone(), Duration::from_secs(5));
        let h = header(&app);
        assert!(h.contains("⟳ 5s ·") && !h.contains("auto"), "{h}");
        // The first page of four arrives: on screen at once, with the progress.
        app.on_view_progress(ViewProgress {
            job: job.clone(),
            done: 1,
            total: 4,
            first: Some(ViewData::Hosts(hosts(3))),
        });
        assert_eq!(app.pane(PaneKind::Hosts).table.view.len(), 3);
        assert!(header(&app).contains("loading 1/4"), "{}", header(&app));
        app.on_view_progress(ViewProgress {
            job: job.clone(),
            done: 3,
            total: 4,
            first: None,
        });
        assert!(header(&app).contains("loading 3/4"));
        // The complete answer replaces the first page and ends the progress.
        app.on_view(
            job.clone(),
            Ok(ViewData::Hosts(hosts(10))),
            Instant::now(),
            0,
        );
        app.on_view_interval(job.clone(), Duration::from_secs(20));
        assert_eq!(app.pane(PaneKind::Hosts).table.view.len(), 10);
        let h = header(&app);
        assert!(h.contains("⟳ 20s auto ·") && !h.contains("loading"), "{h}");
        // A later first page (pane already loaded) does not hide the complete list.
        app.on_view_progress(ViewProgress {
            job: job.clone(),
            done: 1,
            total: 4,
            first: Some(ViewData::Hosts(hosts(2))),
        });
        assert_eq!(app.pane(PaneKind::Hosts).table.view.len(), 10);
        // Another screen's interval is not shown on this one.
        app.on_view_interval(ViewJob::Pane(PaneKind::Clusters), Duration::from_secs(40));
        assert!(!header(&app).contains("40s"));
    }
}
