//! Drawing the live task DAG view: title bar, the graph (or list) viewport, the side
//! panel with the selected subtask and its log tail, the full-screen log and the
//! confirmation dialog.
//!
//! The graph is painted straight into the frame buffer, only inside the viewport:
//! [`Layout::visible`] / [`Layout::visible_cells`] find what to draw by binary search,
//! so a frame costs the screen, not the graph.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use crate::app::actions::Action;
use crate::app::dag::confirm::op_action;
use crate::app::dag::{DagMode, DagView, UpstreamSet};
use crate::app::hit::DagDrawn;
use crate::app::notify::Level;
use crate::config::theme::{Theme, Tone};
use crate::ui::glyph::tone_glyph;
use obtui_task::layout::{display_width, Rect as GridRect, NODE};
use obtui_task::text::{
    aggregate_counts, edge_glyph, fit_label, fit_middle, fmt_duration, node_duration, node_label,
    op_glyph, status_glyph,
};
use obtui_task::{NodeRef, NodeStatus, TaskGraph, TaskNode, TaskState};

/// Borders for terminals that cannot show box drawing.
const ASCII_BORDER: ratatui::symbols::border::Set = ratatui::symbols::border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

fn bordered(ascii: bool) -> Block<'static> {
    let b = Block::default().borders(Borders::ALL);
    if ascii {
        b.border_set(ASCII_BORDER)
    } else {
        b
    }
}

/// Replaces the few non-ASCII characters the panels use.
fn asciify(s: &str) -> String {
    s.replace(" · ", ", ")
        .chars()
        .map(|c| match c {
            '·' => ',',
            '→' => '>',
            '←' => '<',
            '…' => '~',
            '—' => '-',
            '×' => 'x',
            '↑' => '^',
            '─' => '-',
            '▏' => '_',
            c if c.is_ascii() => c,
            _ => '?',
        })
        .collect()
}

fn asciify_lines(lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .map(|l| {
            let spans: Vec<Span<'static>> = l
                .spans
                .into_iter()
                .map(|sp| Span::styled(asciify(&sp.content), sp.style))
                .collect();
            Line::from(spans).style(l.style)
        })
        .collect()
}

use crate::app::dag::NARROW;

pub fn node_tone(s: &NodeStatus, blocked: bool) -> Tone {
    if blocked && s.is_waiting() {
        return Tone::Blocked;
    }
    match s {
        NodeStatus::Successful => Tone::Ok,
        NodeStatus::Running => Tone::Running,
        NodeStatus::Pending => Tone::Pending,
        NodeStatus::Ready => Tone::Ready,
        NodeStatus::Failed => Tone::Failed,
        NodeStatus::Canceling => Tone::Canceling,
        NodeStatus::Unknown(_) => Tone::Unknown,
    }
}

pub fn task_tone(s: &TaskState) -> Tone {
    match s {
        TaskState::Successful => Tone::Ok,
        TaskState::RolledBack => Tone::RolledBack,
        TaskState::Running => Tone::Running,
        TaskState::Pending => Tone::Pending,
        TaskState::Ready => Tone::Ready,
        TaskState::Failed => Tone::Failed,
        TaskState::Unknown(_) => Tone::Unknown,
    }
}

/// How long one spinner step shows. One step a second, on the wall clock's second: the
/// spinners of all running nodes then move in the same frame as the durations' last digit
/// and the header's age, so an open DAG with nothing changing costs one small frame a
/// second (about 100 B at 200x60) instead of eight (600-700 B/s at 8 Hz), which a thin SSH
/// link carries. The runtime wakes on the same boundary (`runtime::next_animation_tick`).
pub const SPINNER_STEP_MS: i64 = 1000;

/// The clock the view shows: `now_ms` down to the animation step. Running durations then
/// tick on the wall clock's second, with the spinners, rather than each at its own start's
/// offset: a frame drawn between two seconds (a poll's answer) carries only what the poll
/// changed, and no duration digit (a shown duration is at most a second behind, as it
/// shows whole seconds anyway).
pub fn animation_clock(now_ms: i64) -> i64 {
    now_ms - now_ms.rem_euclid(SPINNER_STEP_MS)
}

/// The spinner frame at `now_ms`: steps once per [`SPINNER_STEP_MS`].
pub fn frame_of(now_ms: i64) -> usize {
    (now_ms.div_euclid(SPINNER_STEP_MS)).rem_euclid(10) as usize
}

/// How often the graph's and the list's running nodes move: their spinners and durations
/// step every ten seconds, all in one frame, while the side panel shows the selected node's
/// every second. A fan-out of running nodes then costs a thin link one small frame each ten
/// seconds instead of a glyph and a duration per node every second (`bytes_per_second_…` in
/// PERFORMANCE.md).
pub const GRAPH_STEP_MS: i64 = 10_000;

/// The clock and spinner frame the graph and the list draw running nodes with.
pub fn graph_clock(now_ms: i64) -> (i64, usize) {
    let at = now_ms - now_ms.rem_euclid(GRAPH_STEP_MS);
    (at, at.div_euclid(GRAPH_STEP_MS).rem_euclid(10) as usize)
}

/// The whole DAG view inside `area`. Updates the view's scroll offsets (to keep the
/// selection visible) and remembers where things were drawn (for the mouse).
/// Draw the DAG view; returns what it laid out (regions for the mouse, the scroll it showed),
/// which the app takes back through `App::on_drawn`.
pub fn draw(
    f: &mut Frame,
    area: Rect,
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    now_ms: i64,
) -> DagDrawn {
    let mut out = DagDrawn {
        scroll: v.scroll,
        list_top: v.list_top,
        ..DagDrawn::default()
    };
    draw_into(f, area, v, theme, ascii, animation_clock(now_ms), &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn draw_into(
    f: &mut Frame,
    area: Rect,
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    now_ms: i64,
    out: &mut DagDrawn,
) {
    if area.width < 20 || area.height < 6 {
        f.render_widget(Paragraph::new("DAG view: terminal too small"), area);
        return;
    }
    let header_h = 1 + u16::from(v.stale.is_some() || v.notice().is_some());
    let header = Rect {
        height: header_h,
        ..area
    };
    let body = Rect {
        y: area.y + header_h,
        height: area.height - header_h,
        ..area
    };
    out.eta = Some(draw_header(f, header, v, theme, ascii, now_ms));
    if v.graph.is_none() {
        out.geom = Default::default();
        let msg = match &v.stale {
            Some(s) => Line::styled(
                format!("cannot load task {}: {}", v.task_id, s.message),
                Style::default().fg(theme.error),
            ),
            None => Line::styled(format!("loading task {}…", v.task_id), theme.muted()),
        };
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: false }), body);
        return;
    }
    if v.log_full {
        out.geom.graph = Rect::default();
        out.geom.side = Rect::default();
        out.geom.log = body;
        draw_full_log(f, body, v, theme, ascii);
    } else {
        let (main, side) = if area.width >= NARROW {
            let sw = crate::app::dag::split_width(body.width).1;
            (
                Rect {
                    width: body.width - sw,
                    ..body
                },
                Rect {
                    x: body.x + body.width - sw,
                    width: sw,
                    ..body
                },
            )
        } else {
            let sh = (body.height * 2 / 5)
                .max(6)
                .min(body.height.saturating_sub(4));
            (
                Rect {
                    height: body.height - sh,
                    ..body
                },
                Rect {
                    y: body.y + body.height - sh,
                    height: sh,
                    ..body
                },
            )
        };
        out.geom.graph = main;
        out.geom.side = side;
        match v.mode {
            DagMode::Graph => {
                out.scroll = draw_graph(f.buffer_mut(), main, v, theme, ascii, now_ms)
            }
            DagMode::List => {
                out.list_top = draw_list(f.buffer_mut(), main, v, theme, ascii, now_ms)
            }
        }
        draw_search_line(f, main, v, theme, ascii);
        out.geom.log = draw_side(f, side, v, theme, ascii, now_ms);
    }
    if v.confirm.is_some() {
        draw_confirm(f, area, v, theme, ascii);
    }
}

fn draw_header(
    f: &mut Frame,
    area: Rect,
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    now_ms: i64,
) -> crate::app::dag::EtaAt {
    let (eta_key, eta) = v.eta(now_ms);
    let mut spans = Vec::new();
    let title = Style::default()
        .fg(theme.title)
        .add_modifier(Modifier::BOLD);
    match &v.graph {
        None => spans.push(Span::styled(format!(" task {} ", v.task_id), title)),
        Some(g) => {
            spans.push(Span::styled(format!(" {} ", g.name), title));
            spans.push(Span::styled(format!("#{} ", g.id), theme.muted()));
            let tone = task_tone(&g.status);
            spans.push(Span::styled(
                format!("{} {}", tone_glyph(tone, ascii), g.status),
                theme.tone_style(tone),
            ));
            // A finished rollback says so in its state already.
            if g.operation != obtui_task::NodeOp::Execute && g.status != TaskState::RolledBack {
                spans.push(Span::styled(format!(" ({})", g.operation), theme.muted()));
            }
            let (done, total) = g.progress();
            let filled = (done * 10).checked_div(total).unwrap_or(0).min(10);
            let (full, empty) = if ascii { ("#", "-") } else { ("█", "░") };
            spans.push(Span::raw("  "));
            spans.push(Span::styled(
                full.repeat(filled),
                Style::default().fg(theme.tone(Tone::Ok)),
            ));
            spans.push(Span::styled(empty.repeat(10 - filled), theme.muted()));
            // The count keeps the width of the total, so "9/32" → "10/32" does not shift
            // and resend everything after it on the line.
            let w = total.to_string().len();
            spans.push(Span::raw(format!(" {done:>w$}/{total}")));
            // Fixed width (`Eta::short` is always `Eta::WIDTH` wide), so a changing ETA does
            // not shift and redraw what follows it.
            if let Some(e) = eta {
                spans.push(Span::styled(
                    format!("  ETA {}", e.short()),
                    Style::default().fg(theme.accent),
                ));
            }
            if v.follow {
                spans.push(Span::styled(
                    "  following",
                    Style::default().fg(theme.accent),
                ));
            }
            let mode = match v.mode {
                DagMode::Graph => "  graph",
                DagMode::List => "  list",
            };
            spans.push(Span::styled(mode, theme.muted()));
            let elided = v.layout().elided;
            if v.mode == DagMode::Graph && elided > 0 {
                spans.push(Span::styled(
                    format!("  {elided} edges not drawn (too tangled; the list shows them)"),
                    Style::default().fg(theme.warn),
                ));
            }
        }
    }
    let mut lines = vec![Line::from(spans)];
    if let Some(s) = &v.stale {
        let age = crate::model::fmt::short_age(v.now().saturating_duration_since(s.since));
        lines.push(Line::styled(
            format!(" stale since {age} — {}", s.message),
            Style::default()
                .fg(theme.stale)
                .add_modifier(Modifier::BOLD),
        ));
    } else if let Some((level, text)) = v.notice() {
        let c = match level {
            Level::Info => theme.info,
            Level::Warn => theme.warn,
            Level::Error => theme.error,
        };
        lines.push(Line::styled(format!(" {text}"), Style::default().fg(c)));
    }
    if ascii {
        lines = asciify_lines(lines);
    }
    f.render_widget(Paragraph::new(lines), area);
    (eta_key, eta)
}

/// Writes `s` at column `x` (may start left of `clip`), cut to `clip`. Returns the column
/// after the text.
fn put(buf: &mut Buffer, clip: Rect, x: i64, y: u16, s: &str, style: Style) -> i64 {
    let mut x = x;
    let right = (clip.x + clip.width) as i64;
    if y < clip.y || y >= clip.y + clip.height {
        return x + display_width(s) as i64;
    }
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0) as i64;
        if w == 0 {
            continue;
        }
        if x >= clip.x as i64 && x + w <= right {
            if let Some(c) = buf.cell_mut((x as u16, y)) {
                c.set_char(ch).set_style(style);
            }
            for k in 1..w {
                if let Some(c) = buf.cell_mut(((x + k) as u16, y)) {
                    c.set_symbol("").set_style(style);
                }
            }
        }
        x += w;
    }
    x
}

fn edge_style(theme: &Theme, class: u8) -> Style {
    match class {
        2 => Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
        1 => Style::default().fg(theme.tone(Tone::Failed)),
        _ => theme.muted(),
    }
}

/// The selection's upstream nodes and edges (marked on the graph). Walked per frame: it costs
/// the size of the upstream part only.
fn upstream_set(v: &DagView) -> UpstreamSet {
    let Some(slot) = v.sel_slot() else {
        return UpstreamSet::default();
    };
    let n = v.layout.nodes.len();
    let mut set = UpstreamSet {
        slots: vec![false; n],
        edges: Vec::new(),
    };
    let mut stack = vec![slot];
    while let Some(s) = stack.pop() {
        for &e in v.slot_in.get(s).map(Vec::as_slice).unwrap_or(&[]) {
            set.edges.push(e);
            if let Some(from) = v.layout.edges.get(e).map(|re| re.from) {
                if from < n && !set.slots[from] {
                    set.slots[from] = true;
                    stack.push(from);
                }
            }
        }
    }
    set
}

/// The scroll that shows the graph in a `w`×`h` viewport: the view's own, moved to bring the
/// selection in (or to the centre) when it asked to, never past the end of the graph.
fn view_scroll(v: &DagView, w: u32, h: u32) -> (u32, u32) {
    let lw = v.layout.width;
    let lh = v.layout.height;
    let (mut sx, mut sy) = v.scroll;
    if v.reveal {
        if let Some(p) = v.sel_slot().and_then(|s| v.layout.nodes.get(s)) {
            if v.center {
                sx = (p.center() as i64 - w as i64 / 2).max(0) as u32;
                sy = (p.y as i64 - h as i64 / 2).max(0) as u32;
            } else {
                // A node leaving the view brings it back a third of the way in, not just
                // inside the edge: following a chain or a fan-out then scrolls once per
                // several steps instead of redrawing the whole graph on every one.
                let m = if h >= 8 { 2 } else { 0 };
                if p.y < sy + m {
                    sy = (p.y + 1 + h / 3)
                        .saturating_sub(h)
                        .min(p.y.saturating_sub(m));
                }
                if p.y + 1 + m > sy + h {
                    sy = p.y.saturating_sub(h / 3).max(p.y + 1 + m - h);
                }
                if p.x + p.w > sx + w {
                    sx =
                        p.x.saturating_sub(w / 4)
                            .max((p.x + p.w + 1).saturating_sub(w));
                }
                if p.x < sx {
                    sx = (p.x + p.w + 1 + w / 4)
                        .saturating_sub(w)
                        .min(p.x.saturating_sub(1));
                }
            }
        }
    }
    (sx.min(lw.saturating_sub(w)), sy.min(lh.saturating_sub(h)))
}

/// Returns the scroll it drew at.
fn draw_graph(
    buf: &mut Buffer,
    area: Rect,
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    now_ms: i64,
) -> (u32, u32) {
    let (w, h) = (area.width as u32, area.height as u32);
    let scroll = view_scroll(v, w, h);
    let (now_ms, frame) = graph_clock(now_ms);
    let ups = upstream_set(v);
    let Some(g) = v.graph.as_ref() else {
        return scroll;
    };
    if g.nodes.is_empty() {
        let msg = match g.stage {
            Some((s, m)) => format!("no node details in this response (stage {s}/{m})"),
            None => "this task has no subtasks".into(),
        };
        put(buf, area, area.x as i64 + 1, area.y, &msg, theme.muted());
        return scroll;
    }
    let (sx, sy) = scroll;
    let view = GridRect { x: sx, y: sy, w, h };
    let lay = &v.layout;
    // Edge classes inside the viewport: 1 = leaves a FAILED node, 2 = on the selection's
    // upstream path. Only edges that can touch the viewport are walked.
    let mut class = vec![0u8; (w * h) as usize];
    let mut mark = |e: usize, c: u8| {
        let Some(re) = lay.edges.get(e) else { return };
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        for &(x, y) in &re.points {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        if x1 < sx || y1 < sy || x0 >= sx + w || y0 >= sy + h {
            return;
        }
        for (x, y) in re.cells() {
            if x >= sx && y >= sy && x < sx + w && y < sy + h {
                let k = ((y - sy) * w + (x - sx)) as usize;
                class[k] = class[k].max(c);
            }
        }
    };
    for (i, n) in g.nodes.iter().enumerate() {
        if n.status == NodeStatus::Failed {
            if let Some(s) = lay.slot_of(i) {
                for &e in v.slot_out.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                    mark(e, 1);
                }
            }
        }
    }
    for &e in &ups.edges {
        mark(e, 2);
    }
    for c in lay.visible_cells(view) {
        let k = ((c.y - sy) * w + (c.x - sx)) as usize;
        let st = edge_style(theme, class.get(k).copied().unwrap_or(0));
        let sym = edge_glyph(c.mask, ascii, false);
        let (x, y) = (
            (area.x as u32 + c.x - sx) as u16,
            (area.y as u32 + c.y - sy) as u16,
        );
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.set_char(sym).set_style(st);
        }
    }
    let sel = v.sel_slot();
    for (slot, p) in lay.visible(view) {
        let x = area.x as i64 + p.x as i64 - sx as i64;
        let y = (area.y as u32 + p.y - sy) as u16;
        let selected = sel == Some(slot);
        let marked = v.upstream_marks && ups.slots.get(slot).copied().unwrap_or(false);
        match &p.node {
            NodeRef::Single(i) => {
                let Some(n) = g.nodes.get(*i) else { continue };
                let blocked = v.blocked.get(*i).copied().unwrap_or(false);
                let label = NodeLabel::new(
                    n,
                    p.w as usize,
                    lay.duration_width as usize,
                    blocked,
                    ascii,
                    now_ms,
                    frame,
                );
                let hit = v.is_match(*i);
                label.paint(buf, area, x, y, theme, selected, hit, marked);
            }
            NodeRef::Aggregate { members, .. } => {
                let text = node_label(g, p, lay, &v.blocked, ascii, now_ms, frame);
                let (ok, run, fail, wait) = aggregate_counts(g, members);
                let tone = if fail > 0 {
                    Tone::Failed
                } else if run > 0 {
                    Tone::Running
                } else if wait == 0 {
                    Tone::Ok
                } else {
                    Tone::Pending
                };
                let _ = ok;
                let dw = lay.duration_width as usize;
                let wdt = p.w as usize;
                let bar = (wdt.saturating_sub(dw + 11), wdt.saturating_sub(dw + 1));
                let mut col = 0usize;
                let mut cx = x;
                let mut s = [0u8; 4];
                for ch in text.chars() {
                    let mut st = if col == 1 {
                        theme.tone_style(tone)
                    } else if col >= bar.0 && col < bar.1 {
                        Style::default().fg(theme.tone(Tone::Ok))
                    } else if col == 0 {
                        theme.muted()
                    } else {
                        Style::default().fg(theme.fg)
                    };
                    if selected {
                        st = st.add_modifier(Modifier::REVERSED);
                    }
                    if marked {
                        st = st.add_modifier(Modifier::UNDERLINED);
                    }
                    cx = put(buf, area, cx, y, ch.encode_utf8(&mut s), st);
                    col += ch.width().unwrap_or(0);
                }
            }
        }
    }
    // Off-screen content: a hint at the edges.
    let more_left = sx > 0;
    let more_right = sx + w < lay.width;
    if more_left || more_right {
        let (l, r) = if ascii { ("<", ">") } else { ("◂", "▸") };
        let y = area.y + area.height - 1;
        if more_left {
            put(buf, area, area.x as i64, y, l, theme.muted());
        }
        if more_right {
            put(
                buf,
                area,
                (area.x + area.width - 1) as i64,
                y,
                r,
                theme.muted(),
            );
        }
    }
    scroll
}

/// The parts of a node's one-line label, `glyph op ␣ name ␣ duration`.
struct NodeLabel {
    glyph: char,
    op: char,
    name: String,
    dur: String,
    tone: Tone,
    status: NodeStatus,
}

impl NodeLabel {
    fn new(
        n: &TaskNode,
        w: usize,
        dw: usize,
        blocked: bool,
        ascii: bool,
        now_ms: i64,
        frame: usize,
    ) -> NodeLabel {
        let name_cols = w.saturating_sub(4 + dw);
        // Runs after the first show as ×N at the end of the name slot; widths never change.
        // The target (`· 10.0.0.1 in zone1`) stays whole when the name must be cut: it is
        // what tells the nodes of a fan-out apart.
        let name = if n.run_count > 1 && name_cols >= 12 {
            let suffix = format!(" {}{}", if ascii { 'x' } else { '×' }, n.run_count);
            let sw = display_width(&suffix).min(name_cols);
            format!(
                "{}{suffix}",
                fit_label(&n.name, n.target.as_deref(), name_cols - sw).trim_end()
            )
        } else {
            fit_label(&n.name, n.target.as_deref(), name_cols)
        };
        let dur = node_duration(n.started, n.finished, &n.status, now_ms)
            .map(fmt_duration)
            .unwrap_or_default();
        NodeLabel {
            glyph: status_glyph(&n.status, blocked, ascii, frame),
            op: op_glyph(&n.operation, ascii),
            name: fit_middle(&name, name_cols),
            dur: format!("{dur:>dw$}"),
            tone: node_tone(&n.status, blocked),
            status: n.status.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn paint(
        &self,
        buf: &mut Buffer,
        clip: Rect,
        x: i64,
        y: u16,
        theme: &Theme,
        selected: bool,
        hit: bool,
        marked: bool,
    ) {
        // A running node's glyph is bold, not its name: when it finishes only the glyph
        // and the duration are redrawn, not the whole label (bytes over SSH).
        let glyph = match self.status {
            NodeStatus::Running => theme.tone_style(self.tone).add_modifier(Modifier::BOLD),
            _ => theme.tone_style(self.tone),
        };
        let mut name = match (&self.status, self.tone) {
            (_, Tone::Blocked) => theme
                .tone_style(Tone::Blocked)
                .add_modifier(Modifier::ITALIC),
            (NodeStatus::Failed, _) => theme.tone_style(Tone::Failed),
            (NodeStatus::Canceling, _) => theme.tone_style(Tone::Canceling),
            (NodeStatus::Pending, _) => theme.muted(),
            _ => Style::default().fg(theme.fg),
        };
        let mut dur = match self.status {
            NodeStatus::Running | NodeStatus::Canceling => Style::default().fg(theme.fg),
            _ => theme.muted(),
        };
        let mut op = theme.muted();
        let mut gl = glyph;
        let mut gap = Style::default();
        if hit {
            name = name.add_modifier(Modifier::UNDERLINED);
        }
        if marked {
            name = name.fg(theme.accent).add_modifier(Modifier::BOLD);
        }
        if selected {
            for s in [&mut name, &mut dur, &mut op, &mut gl, &mut gap] {
                *s = s.add_modifier(Modifier::REVERSED);
            }
        }
        let mut b = [0u8; 4];
        let mut cx = put(buf, clip, x, y, self.glyph.encode_utf8(&mut b), gl);
        cx = put(buf, clip, cx, y, self.op.encode_utf8(&mut b), op);
        cx = put(buf, clip, cx, y, " ", gap);
        cx = put(buf, clip, cx, y, &self.name, name);
        cx = put(buf, clip, cx, y, " ", gap);
        put(buf, clip, cx, y, &self.dur, dur);
    }
}

/// Returns the first row it drew.
fn draw_list(
    buf: &mut Buffer,
    area: Rect,
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    now_ms: i64,
) -> usize {
    let h = area.height as usize;
    let mut top = v.list_top;
    if v.reveal {
        if let Some(r) = v.sel_row() {
            if v.center {
                top = r.saturating_sub(h / 2);
            } else if r < top {
                top = r;
            } else if r >= top + h {
                top = r + 1 - h;
            }
        }
    }
    let top = top.min(v.rows.len().saturating_sub(h));
    let (now_ms, frame) = graph_clock(now_ms);
    let Some(g) = v.graph.as_ref() else {
        return top;
    };
    let sel = v.sel_row();
    let end = (top + h).min(v.rows.len());
    let gutter = v.rows[top..end]
        .iter()
        .map(|r| r.lanes.len())
        .max()
        .unwrap_or(0)
        .max(v.list_gutter());
    let dw = v.params.duration_width;
    // The name column takes the room the page's labels need, up to what the viewport
    // leaves after the gutter, the op glyph, the duration and the widest extra (`×3`,
    // a fan-out's counts): names are cut only when that room runs out.
    let (mut want, mut extra_w) = (1usize, 0usize);
    for row in &v.rows[top..end] {
        match &row.node {
            NodeRef::Single(i) => {
                if let Some(n) = g.nodes.get(*i) {
                    want = want.max(display_width(&n.label()));
                    if n.run_count > 1 {
                        extra_w = extra_w.max(2 + n.run_count.to_string().len());
                    }
                }
            }
            NodeRef::Aggregate { members, .. } => {
                if let Some(n) = members.first().and_then(|&m| g.nodes.get(m)) {
                    want = want.max(display_width(&n.name));
                }
                extra_w = extra_w.max(4 * 5 + 4);
            }
        }
    }
    let avail = (area.width as usize).saturating_sub(gutter + 1 + 1 + 1 + dw + extra_w);
    let name_cols = want.min(avail.max(want.min(v.params.name_width)));
    for (k, r) in (top..end).enumerate() {
        let row = &v.rows[r];
        let y = area.y + k as u16;
        let selected = sel == Some(r);
        let (glyph, tone, op, name, target, dur, extra, status, idx) = match &row.node {
            NodeRef::Single(i) => {
                let Some(n) = g.nodes.get(*i) else { continue };
                let blocked = v.blocked.get(*i).copied().unwrap_or(false);
                (
                    status_glyph(&n.status, blocked, ascii, frame),
                    node_tone(&n.status, blocked),
                    op_glyph(&n.operation, ascii),
                    n.name.as_str(),
                    n.target.as_deref(),
                    node_duration(n.started, n.finished, &n.status, now_ms)
                        .map(fmt_duration)
                        .unwrap_or_default(),
                    if n.run_count > 1 {
                        format!(" {}{}", if ascii { 'x' } else { '×' }, n.run_count)
                    } else {
                        String::new()
                    },
                    n.status.clone(),
                    Some(*i),
                )
            }
            NodeRef::Aggregate {
                members, branches, ..
            } => {
                let (ok, run, fail, wait) = aggregate_counts(g, members);
                let st = if fail > 0 {
                    NodeStatus::Failed
                } else if run > 0 {
                    NodeStatus::Running
                } else if wait == 0 {
                    NodeStatus::Successful
                } else {
                    NodeStatus::Pending
                };
                let mut extra = format!(" {}{branches}", if ascii { 'x' } else { '×' });
                for (s, c) in [
                    (NodeStatus::Successful, ok),
                    (NodeStatus::Running, run),
                    (NodeStatus::Failed, fail),
                    (NodeStatus::Pending, wait),
                ] {
                    if c > 0 {
                        extra.push_str(&format!(" {}{c}", status_glyph(&s, false, ascii, 0)));
                    }
                }
                let name = members
                    .first()
                    .and_then(|&m| g.nodes.get(m))
                    .map_or("", |n| n.name.as_str());
                (
                    status_glyph(&st, false, ascii, frame),
                    node_tone(&st, false),
                    if ascii { '>' } else { '▸' },
                    name,
                    None,
                    String::new(),
                    extra,
                    st,
                    None,
                )
            }
        };
        let rev = |s: Style| {
            if selected {
                s.add_modifier(Modifier::REVERSED)
            } else {
                s
            }
        };
        let mut x = area.x as i64;
        let mut b = [0u8; 4];
        for (c, &m) in row.lanes.iter().enumerate() {
            if m == NODE || c == row.node_col {
                x = put(
                    buf,
                    area,
                    x,
                    y,
                    glyph.encode_utf8(&mut b),
                    if status == NodeStatus::Running {
                        theme.tone_style(tone).add_modifier(Modifier::BOLD)
                    } else {
                        theme.tone_style(tone)
                    },
                );
            } else {
                x = put(
                    buf,
                    area,
                    x,
                    y,
                    edge_glyph(m, ascii, true).encode_utf8(&mut b),
                    theme.muted(),
                );
            }
        }
        x = put(
            buf,
            area,
            x,
            y,
            &" ".repeat(gutter - row.lanes.len() + 1),
            Style::default(),
        );
        x = put(buf, area, x, y, op.encode_utf8(&mut b), rev(theme.muted()));
        let mut name_style = match (&status, tone) {
            (_, Tone::Blocked) => theme
                .tone_style(Tone::Blocked)
                .add_modifier(Modifier::ITALIC),
            (NodeStatus::Failed, _) => theme.tone_style(Tone::Failed),
            (NodeStatus::Pending, _) => theme.muted(),
            _ => Style::default().fg(theme.fg),
        };
        if idx.is_some_and(|i| v.is_match(i)) {
            name_style = name_style.add_modifier(Modifier::UNDERLINED);
        }
        x = put(
            buf,
            area,
            x,
            y,
            &fit_label(name, target, name_cols),
            rev(name_style),
        );
        x = put(buf, area, x, y, " ", rev(Style::default()));
        x = put(buf, area, x, y, &format!("{dur:>dw$}"), rev(theme.muted()));
        put(buf, area, x, y, &extra, rev(theme.muted()));
    }
    top
}

fn draw_search_line(f: &mut Frame, area: Rect, v: &DagView, theme: &Theme, ascii: bool) {
    if !v.search.editing && v.search.matches.is_empty() {
        return;
    }
    let y = area.y + area.height.saturating_sub(1);
    let r = Rect {
        y,
        height: 1,
        ..area
    };
    let n = v.search.matches.len();
    let text = if v.search.editing {
        format!(
            "/{}▏ {n} match{}",
            v.search.query(),
            if n == 1 { "" } else { "es" }
        )
    } else {
        format!(
            "\"{}\": {n} match{} — n/N",
            v.search.query(),
            if n == 1 { "" } else { "es" }
        )
    };
    let text = if ascii { asciify(&text) } else { text };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(Line::styled(text, Style::default().fg(theme.accent))),
        r,
    );
}

/// One log line from the task model, without control characters.
fn clean_line(s: &str) -> String {
    let mut b = crate::app::dag::LogBuf::default();
    b.feed("", s);
    b.line(0).unwrap_or_default().to_string()
}

fn names(g: &TaskGraph, v: &DagView, ids: &[String], max: usize) -> String {
    if ids.is_empty() {
        return "—".into();
    }
    let mut out: Vec<String> = ids
        .iter()
        .take(max)
        .map(|id| match v.index.get(id).and_then(|&i| g.nodes.get(i)) {
            Some(n) => n.label(),
            None => format!("#{id}"),
        })
        .collect();
    if ids.len() > max {
        out.push(format!("+{}", ids.len() - max));
    }
    out.join(", ")
}

/// At most this many `key value` lines of a node's or a task's documented details in the
/// side panel; `obtui task show` prints them all, whole.
const SIDE_DETAILS: usize = 4;

/// `key value` lines, each cut with `…` to `width` columns, at most [`SIDE_DETAILS`] of them
/// and then how many were left out.
fn detail_lines(details: &[(String, String)], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (k, val) in details.iter().take(SIDE_DETAILS) {
        let room = width.saturating_sub(display_width(k) + 1);
        out.push(Line::from(vec![
            Span::styled(format!("{k} "), theme.muted()),
            Span::raw(crate::app::table::fit_end(&clean_line(val), room).into_owned()),
        ]));
    }
    if details.len() > SIDE_DETAILS {
        out.push(Line::styled(
            format!(
                "+{} more (obtui task show lists all)",
                details.len() - SIDE_DETAILS
            ),
            theme.muted(),
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn side_lines(
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    now_ms: i64,
    width: u16,
    compact: bool,
    reason: Vec<Line<'static>>,
) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let (Some(g), Some(i)) = (v.graph.as_ref(), v.sel_idx()) else {
        lines.push(Line::styled("no subtask selected", theme.muted()));
        return lines;
    };
    let Some(n) = g.nodes.get(i) else {
        return lines;
    };
    let blocked = v.blocked.get(i).copied().unwrap_or(false);
    let tone = node_tone(&n.status, blocked);
    let frame = frame_of(now_ms);
    if let Some(NodeRef::Aggregate {
        members, branches, ..
    }) = v
        .sel_slot()
        .and_then(|s| v.layout.nodes.get(s))
        .map(|p| &p.node)
    {
        let (ok, run, fail, wait) = aggregate_counts(g, members);
        let mut text = format!("{}{branches}", if ascii { 'x' } else { '×' });
        for (st, c) in [
            (NodeStatus::Successful, ok),
            (NodeStatus::Running, run),
            (NodeStatus::Failed, fail),
            (NodeStatus::Pending, wait),
        ] {
            if c > 0 {
                text.push_str(&format!(" {}{c}", status_glyph(&st, false, ascii, 0)));
            }
        }
        text.push_str(" · space expands");
        lines.push(Line::styled(text, theme.muted()));
    }
    lines.push(Line::from(vec![
        Span::styled(
            format!("{} ", status_glyph(&n.status, blocked, ascii, frame)),
            theme.tone_style(tone),
        ),
        Span::styled(
            n.name.clone(),
            Style::default().fg(theme.fg).add_modifier(Modifier::BOLD),
        ),
    ]));
    let mut st = vec![Span::styled(n.status.to_string(), theme.tone_style(tone))];
    if blocked {
        st.push(Span::styled(
            " (blocked by a failed upstream)",
            theme.tone_style(Tone::Blocked),
        ));
    }
    if n.operation != obtui_task::NodeOp::Execute {
        st.push(Span::raw(format!(" · {}", n.operation)));
    }
    if n.run_count > 1 {
        st.push(Span::raw(format!(
            " · run {}{}",
            if ascii { 'x' } else { '×' },
            n.run_count
        )));
    }
    if let Some(d) = node_duration(n.started, n.finished, &n.status, now_ms) {
        st.push(Span::raw(format!(" · {}", fmt_duration(d))));
    }
    lines.push(Line::from(st));
    if let Some(t) = &n.target {
        lines.push(Line::from(vec![
            Span::styled("on ", theme.muted()),
            Span::styled(t.clone(), Style::default().fg(theme.accent)),
        ]));
    }
    // The failure's reason right under the status, before anything that may be cut.
    lines.extend(reason);
    if compact {
        return lines;
    }
    let field = |k: &str, val: String| {
        Line::from(vec![
            Span::styled(format!("{k} "), theme.muted()),
            Span::raw(val),
        ])
    };
    let mut idl = n.id.clone();
    if let Some(s) = n.series_id {
        idl.push_str(&format!(" · series {s}"));
    }
    if let Some(p) = n.parallel_idx {
        idl.push_str(&format!(" · parallel {p}"));
    }
    lines.push(field("id", idl));
    if !n.description.is_empty() && n.description != n.name {
        lines.push(field("desc", n.description.clone()));
    }
    let mut run = Vec::new();
    if let Some(t) = n.timeout_secs {
        let ms = t.min(i64::MAX as u64 / 1000) as i64 * 1000;
        run.push(format!("timeout {}", fmt_duration(ms)));
    }
    // The executor, unless the target line above already names it.
    if let Some(e) = n
        .executor
        .as_ref()
        .filter(|e| !n.target.as_ref().is_some_and(|t| t.contains(e.as_str())))
    {
        run.push(format!("on {e}"));
    }
    if !run.is_empty() {
        lines.push(Line::styled(run.join(" · "), Style::default().fg(theme.fg)));
    }
    if n.started.is_some() || n.finished.is_some() {
        let s = n
            .started
            .map(|t| v.zone.stamp(t, now_ms))
            .unwrap_or_else(|| "—".into());
        let e = n
            .finished
            .filter(|_| n.status.is_finished())
            .map(|t| v.zone.stamp(t, now_ms))
            .unwrap_or_else(|| "…".into());
        lines.push(field("time", format!("{s} → {e}")));
    }
    if n.prohibit_skip {
        lines.push(Line::styled(
            "skip refused by the server (prohibitSkip)",
            theme.muted(),
        ));
    }
    lines.extend(detail_lines(&n.details, width as usize, theme));
    lines.push(field("up", names(g, v, &n.upstreams, 3)));
    lines.push(field("down", names(g, v, &n.downstreams, 3)));
    for c in n.children.iter().take(6) {
        let cs = c.status.clone().unwrap_or(NodeStatus::Pending);
        let ct = node_tone(&cs, false);
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} ", status_glyph(&cs, false, ascii, frame)),
                theme.tone_style(ct),
            ),
            Span::raw(c.execute_agent.clone().unwrap_or_else(|| "—".into())),
            Span::styled(format!(" {}", c.name), theme.muted()),
        ]));
    }
    if n.children.len() > 6 {
        lines.push(Line::styled(
            format!("  … {} more", n.children.len() - 6),
            theme.muted(),
        ));
    }
    // Operations that apply now, with their keys: the node's, then the task's.
    let key_style = Style::default()
        .fg(theme.hint_key)
        .add_modifier(Modifier::BOLD);
    let mut any = false;
    for (node, label) in [(Some(i), ""), (None, "task: ")] {
        let mut ops: Vec<Span<'static>> = Vec::new();
        for &op in g.ops(node) {
            if g.allowed(op, node).is_ok() {
                if ops.is_empty() && !label.is_empty() {
                    ops.push(Span::styled(label, theme.muted()));
                }
                ops.push(Span::styled(
                    v.key_label(op_action(op, node.is_some())),
                    key_style,
                ));
                ops.push(Span::raw(format!(" {}  ", op.name())));
            }
        }
        if !ops.is_empty() {
            any = true;
            lines.push(Line::from(ops));
        }
    }
    if !any {
        lines.push(Line::styled("no operation applies now", theme.muted()));
    }
    // The task's own documented details, last: the first to go when room is short.
    let mut task = Vec::new();
    if let Some(c) = g.created {
        task.push(("created".to_string(), v.zone.stamp(c, now_ms)));
    }
    task.extend(g.details.iter().cloned());
    if !task.is_empty() {
        lines.push(Line::styled(
            "task",
            Style::default()
                .fg(theme.title)
                .add_modifier(Modifier::BOLD),
        ));
        lines.extend(detail_lines(&task, width as usize, theme));
    }
    lines
}

/// Returns where the log panel went (empty when there was no room).
fn draw_side(
    f: &mut Frame,
    area: Rect,
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    now_ms: i64,
) -> Rect {
    let unit = match v.backend {
        obtui_task::Backend::Ocp => "subtask",
        obtui_task::Backend::Obshell => "node",
    };
    let title = match v.selected_node() {
        Some(n) => format!(" {unit} #{} ", n.id),
        None => format!(" {unit} "),
    };
    let block = bordered(ascii)
        .border_style(theme.border())
        .title(Line::styled(title, Style::default().fg(theme.title)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let reason = match v.selected_node() {
        Some(n) if n.status == NodeStatus::Failed => {
            crate::ui::log::reason_rows(v, theme, inner.width, now_ms)
        }
        _ => Vec::new(),
    };
    // The name, the status and the whole reason come before the log.
    let must = 2 + reason.len() as u16;
    let mut lines = side_lines(v, theme, ascii, now_ms, inner.width, v.log_open, reason);
    if ascii {
        lines = asciify_lines(lines);
    }
    let want = lines.len() as u16;
    let min_log = if v.log_open {
        inner.height.saturating_sub(want + 1)
    } else {
        3
    };
    let fields_h = want
        .min(inner.height.saturating_sub(min_log.min(inner.height) + 1))
        .max(inner.height.min(2))
        .max(must.min(inner.height));
    let fields = Rect {
        height: fields_h.min(inner.height),
        ..inner
    };
    f.render_widget(Paragraph::new(lines), fields);
    let rest_y = fields.y + fields.height;
    let rest_h = (inner.y + inner.height).saturating_sub(rest_y);
    if rest_h < 2 {
        return Rect::default();
    }
    let sep = Rect {
        y: rest_y,
        height: 1,
        ..inner
    };
    let log = Rect {
        y: rest_y + 1,
        height: rest_h - 1,
        ..inner
    };
    let state = crate::ui::log::state_label(v);
    let mut label = format!(
        "─ log · {state} · {} full log ",
        v.key_label(Action::DagOpen)
    );
    for (a, what) in [(Action::LogFirstError, "error"), (Action::LogWrap, "wrap")] {
        let more = format!("· {} {what} ", v.key_label(a));
        if display_width(&label) + display_width(&more) < sep.width as usize {
            label.push_str(&more);
        }
    }
    let label = if ascii {
        asciify(&label.replace('⏎', "enter"))
    } else {
        label
    };
    let fill = (sep.width as usize).saturating_sub(display_width(&label));
    let line = format!("{label}{}", if ascii { "-" } else { "─" }.repeat(fill));
    f.render_widget(Paragraph::new(Line::styled(line, theme.border())), sep);
    draw_log_lines(f, log, v, theme, ascii, true);
    log
}

/// `preview`: the side panel's log (compact lines, paged while following); else the
/// full-screen log, every line as the server wrote it, tailing.
fn draw_log_lines(
    f: &mut Frame,
    area: Rect,
    v: &DagView,
    theme: &Theme,
    ascii: bool,
    preview: bool,
) {
    let node = v.selected_node();
    let msg = if v.log.is_empty() {
        Some(match node {
            Some(n) if n.status.is_waiting() && n.started.is_none() => "not started: no log yet",
            _ if !v.log.loaded => {
                if ascii {
                    "loading log..."
                } else {
                    "loading log…"
                }
            }
            _ => "(empty log)",
        })
    } else {
        None
    };
    // obshell carries its sub_tasks' logs in the DAG itself: show those until a log
    // poll brings more.
    if let Some(n) = node.filter(|_| v.log.is_empty()) {
        let kept: Vec<&String> = n.children.iter().flat_map(|c| c.logs.iter()).collect();
        if !kept.is_empty() {
            let start = kept.len().saturating_sub(area.height as usize);
            let lines: Vec<Line> = kept[start..]
                .iter()
                .map(|l| Line::raw(clean_line(l)))
                .collect();
            let mut p = Paragraph::new(lines);
            if v.logv.wrap {
                p = p.wrap(Wrap { trim: false });
            }
            f.render_widget(p, area);
            return;
        }
    }
    if let Some(m) = msg {
        f.render_widget(Paragraph::new(Line::styled(m, theme.muted())), area);
        return;
    }
    let mut lines = crate::ui::log::log_rows(v, theme, ascii, area.width, area.height, preview);
    if ascii {
        lines = asciify_lines(lines);
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn draw_full_log(f: &mut Frame, area: Rect, v: &DagView, theme: &Theme, ascii: bool) {
    let name = v
        .selected_node()
        .map(|n| format!("{} (#{})", n.name, n.id))
        .unwrap_or_default();
    let state = crate::ui::log::state_label(v);
    let dropped = if v.log.dropped > 0 {
        format!(" · {} earlier lines dropped", v.log.dropped)
    } else {
        String::new()
    };
    let search = crate::ui::log::search_label(v)
        .map(|s| format!(" · {s}"))
        .unwrap_or_default();
    let title = format!(
        " log · {name} · {} lines{dropped} · {state}{search} · {}/esc back ",
        v.log.len(),
        v.key_label(Action::LogClose)
    );
    let title = if ascii { asciify(&title) } else { title };
    let mut block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border());
    if ascii {
        block = block.border_set(ASCII_BORDER);
    }
    let block = block.title(Line::styled(title, Style::default().fg(theme.title)));
    let mut inner = block.inner(area);
    f.render_widget(block, area);
    if v.search.editing && v.log_search && inner.height > 1 {
        inner.height -= 1;
        let at = Rect {
            y: inner.y + inner.height,
            height: 1,
            ..inner
        };
        let (k, n) = v.logv.position();
        let line = Line::from(vec![
            Span::styled("/", Style::default().fg(theme.accent)),
            Span::raw(v.search.query().to_string()),
            Span::styled(format!("  {k}/{n}  ⏎ keep · esc clear"), theme.muted()),
        ]);
        f.render_widget(Paragraph::new(line), at);
        let cx = at.x + 1 + v.search.input.visual_cursor() as u16;
        f.set_cursor_position((cx.min(at.x + at.width.saturating_sub(1)), at.y));
    }
    draw_log_lines(f, inner, v, theme, ascii, false);
}

fn draw_confirm(f: &mut Frame, area: Rect, v: &DagView, theme: &Theme, ascii: bool) {
    let Some(c) = &v.confirm else { return };
    let w = area.width.saturating_sub(4).min(64);
    let h = (c.lines.len() as u16 + 6).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let block = bordered(ascii)
        .border_style(Style::default().fg(theme.warn))
        .title(Line::styled(
            format!(" {} ", c.title),
            Style::default().fg(theme.warn).add_modifier(Modifier::BOLD),
        ));
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(l.clone())).collect();
    lines.push(Line::raw(""));
    let on = theme.selected().add_modifier(Modifier::BOLD);
    let off = Style::default().fg(theme.fg);
    let (cancel, ok) = if c.on_confirm { (off, on) } else { (on, off) };
    lines.push(Line::from(vec![
        Span::raw("  "),
        Span::styled("[ Cancel ]", cancel),
        Span::raw("   "),
        Span::styled("[ Confirm ]", ok),
    ]));
    // The live (rebound) keys, first of each action.
    lines.push(Line::styled(
        format!(
            "{} confirm · {} cancel · {} choose",
            v.key_label(Action::OpConfirm),
            v.key_label(Action::OpCancel),
            v.key_label(Action::OpToggle)
        ),
        theme.muted(),
    ));
    if ascii {
        lines = asciify_lines(lines);
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use obtui_task::text::SPINNER;

    /// A running node still visibly runs: its glyph moves at every wall-clock second, and
    /// never between two (so frames inside a second send nothing for it).
    #[test]
    fn spinner_steps_once_per_second_on_the_second() {
        let running = NodeStatus::Running;
        let t0 = 1_728_552_000_000i64;
        for off in [0, 1, 500, 999] {
            assert_eq!(animation_clock(t0 + off), t0);
        }
        // A running node's duration moves only on the second, with its spinner.
        let started = t0 - 95_400;
        let dur = |now: i64| {
            node_duration(Some(started), None, &running, animation_clock(now)).map(fmt_duration)
        };
        assert_eq!(dur(t0 + 100), dur(t0 + 900));
        assert_ne!(dur(t0 + 900), dur(t0 + 1000));
        for k in 0..12 {
            let s = t0 + k * 1000;
            let a = status_glyph(&running, false, false, frame_of(s));
            for off in [1, 125, 500, 999] {
                assert_eq!(a, status_glyph(&running, false, false, frame_of(s + off)));
            }
            let b = status_glyph(&running, false, false, frame_of(s + 1000));
            assert_ne!(a, b, "second {k}: the spinner did not move");
            assert!(SPINNER.contains(&a) && SPINNER.contains(&b));
        }
    }
}
