//! Plain-text rendering of a laid-out task graph (for `obtui task show` / `watch` and
//! snapshot tests). The glyph and label helpers are shared with the terminal view so
//! both draw the same characters.

use super::layout::{
    display_width, Layout, LayoutParams, ListRow, NodeRef, PlacedNode, AGGREGATE_EXTRA, CROSS,
    DOWN, LEFT, NODE, RIGHT, UP,
};
use super::model::{NodeOp, NodeStatus, TaskGraph, TARGET_SEP};

/// Braille spinner frames for RUNNING nodes (animated by the UI; text output uses frame 0).
pub const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Status glyph (dag-rendering.md §5.3). `blocked` = PENDING/READY with a FAILED ancestor.
pub fn status_glyph(status: &NodeStatus, blocked: bool, ascii: bool, frame: usize) -> char {
    if blocked && status.is_waiting() {
        return if ascii { '-' } else { '⊘' };
    }
    match (status, ascii) {
        (NodeStatus::Pending, false) => '◌',
        (NodeStatus::Pending, true) => '.',
        (NodeStatus::Ready, false) => '◷',
        (NodeStatus::Ready, true) => 'o',
        (NodeStatus::Running, false) => SPINNER[frame % SPINNER.len()],
        (NodeStatus::Running, true) => '>',
        (NodeStatus::Canceling, false) => '⊗',
        (NodeStatus::Canceling, true) => '!',
        (NodeStatus::Failed, false) => '✖',
        (NodeStatus::Failed, true) => 'x',
        (NodeStatus::Successful, false) => '✔',
        (NodeStatus::Successful, true) => '+',
        (NodeStatus::Unknown(_), _) => '?',
    }
}

/// The 1-column operation slot after the status glyph; blank for EXECUTE so widths
/// never change.
pub fn op_glyph(op: &NodeOp, ascii: bool) -> char {
    match (op, ascii) {
        (NodeOp::Execute, _) => ' ',
        (NodeOp::Skip | NodeOp::RollbackSkip | NodeOp::Pass, false) => '↷',
        (NodeOp::Skip | NodeOp::RollbackSkip | NodeOp::Pass, true) => 's',
        (NodeOp::Retry, false) => '↻',
        (NodeOp::Retry, true) => 'r',
        (NodeOp::Rollback, false) => '↶',
        (NodeOp::Rollback, true) => 'b',
        (NodeOp::Cancel, _) => 'c',
        (NodeOp::Unknown(_), _) => ' ',
    }
}

/// Box-drawing glyph for an edge cell mask. `rounded` uses `╭╮╰╯` corners (list view).
pub fn edge_glyph(mask: u8, ascii: bool, rounded: bool) -> char {
    if mask & CROSS != 0 {
        return if ascii { '|' } else { '│' };
    }
    let m = mask & (UP | DOWN | LEFT | RIGHT);
    if ascii {
        return match m {
            0 => ' ',
            x if x & (LEFT | RIGHT) == 0 => '|',
            x if x & (UP | DOWN) == 0 => '-',
            _ => '+',
        };
    }
    const UD: u8 = UP | DOWN;
    const LR: u8 = LEFT | RIGHT;
    match m {
        0 => ' ',
        UP | DOWN | UD => '│',
        LEFT | RIGHT | LR => '─',
        x if x == DOWN | RIGHT => {
            if rounded {
                '╭'
            } else {
                '┌'
            }
        }
        x if x == DOWN | LEFT => {
            if rounded {
                '╮'
            } else {
                '┐'
            }
        }
        x if x == UP | RIGHT => {
            if rounded {
                '╰'
            } else {
                '└'
            }
        }
        x if x == UP | LEFT => {
            if rounded {
                '╯'
            } else {
                '┘'
            }
        }
        x if x == UD | RIGHT => '├',
        x if x == UD | LEFT => '┤',
        x if x == DOWN | LR => '┬',
        x if x == UP | LR => '┴',
        _ => '┼',
    }
}

/// `12s`, `1m02s`, `1h05m`, `3d02h`: the one duration format of every screen (the time
/// module's age format, in whole seconds).
pub fn fmt_duration(ms: i64) -> String {
    obtui_api::time::format_age_ms(ms.max(0) / 1000 * 1000)
}

/// `s` fitted to exactly `cols` display columns: padded, or shortened with a middle
/// ellipsis.
pub fn fit_middle(s: &str, cols: usize) -> String {
    let w = display_width(s);
    if w <= cols {
        return format!("{s}{}", " ".repeat(cols - w));
    }
    if cols == 0 {
        return String::new();
    }
    let keep = cols - 1;
    let (head_cols, tail_cols) = (keep - keep / 2, keep / 2);
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = display_width(c.encode_utf8(&mut [0; 4]));
        if used + cw > head_cols {
            break;
        }
        head.push(c);
        used += cw;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut tused = 0;
    for c in s.chars().rev() {
        let cw = display_width(c.encode_utf8(&mut [0; 4]));
        if tused + cw > tail_cols {
            break;
        }
        tail.push(c);
        tused += cw;
    }
    let tail: String = tail.into_iter().rev().collect();
    let mut out = format!("{head}…{tail}");
    let pad = cols.saturating_sub(used + 1 + tused);
    out.push_str(&" ".repeat(pad));
    out
}

/// A node's label in exactly `cols` columns: the name and its target (`Install rpm ·
/// 10.0.0.1 in zone1`) whole when they fit; else the name whole with the target's first
/// word (`· 10.0.0.1`); else, when the name fits on its own, the name alone: a name that fits
/// is never cut to make room for a target. Only a name that must be cut anyway shares its
/// room with the target's first word (what tells a fan-out's nodes apart), as long as eight
/// columns of the name remain.
pub fn fit_label(name: &str, target: Option<&str>, cols: usize) -> String {
    let Some(t) = target else {
        return fit_middle(name, cols);
    };
    let short = t.split_whitespace().next().unwrap_or(t);
    for t in [t, short] {
        let full = format!("{name}{TARGET_SEP}{t}");
        if display_width(&full) <= cols {
            return fit_middle(&full, cols);
        }
    }
    if display_width(name) <= cols {
        return fit_middle(name, cols);
    }
    let tail = format!("{TARGET_SEP}{short}");
    let room = cols.saturating_sub(display_width(&tail));
    if room >= 8 {
        return format!("{}{tail}", fit_middle(name, room));
    }
    fit_middle(name, cols)
}

fn fit_right(s: &str, cols: usize) -> String {
    let w = display_width(s);
    if w >= cols {
        fit_middle(s, cols)
    } else {
        format!("{}{s}", " ".repeat(cols - w))
    }
}

/// Duration shown for a node: wall time when finished, elapsed when running, none
/// while waiting.
pub fn node_duration(
    started: Option<i64>,
    finished: Option<i64>,
    status: &NodeStatus,
    now_ms: i64,
) -> Option<i64> {
    let start = started?;
    match status {
        s if s.is_finished() => finished.map(|f| f.saturating_sub(start)),
        NodeStatus::Running | NodeStatus::Canceling => Some(now_ms.saturating_sub(start)),
        _ => None,
    }
}

/// Per-status member counts of an aggregate: (successful, running, failed, waiting).
pub fn aggregate_counts(g: &TaskGraph, members: &[usize]) -> (usize, usize, usize, usize) {
    let mut c = (0, 0, 0, 0);
    for n in members.iter().filter_map(|&m| g.nodes.get(m)) {
        match n.status {
            NodeStatus::Successful => c.0 += 1,
            NodeStatus::Running | NodeStatus::Canceling => c.1 += 1,
            NodeStatus::Failed => c.2 += 1,
            _ => c.3 += 1,
        }
    }
    c
}

/// The label text of a placed node, exactly `placed.w` columns wide.
/// `blocked` comes from [`TaskGraph::blocked`]; `frame` picks the spinner frame.
pub fn node_label(
    g: &TaskGraph,
    placed: &PlacedNode,
    layout: &Layout,
    blocked: &[bool],
    ascii: bool,
    now_ms: i64,
    frame: usize,
) -> String {
    let dw = layout.duration_width as usize;
    let w = placed.w as usize;
    match &placed.node {
        NodeRef::Single(i) => {
            let Some(n) = g.nodes.get(*i) else {
                return " ".repeat(w);
            };
            let glyph = status_glyph(
                &n.status,
                blocked.get(*i).copied().unwrap_or(false),
                ascii,
                frame,
            );
            let dur = node_duration(n.started, n.finished, &n.status, now_ms)
                .map(fmt_duration)
                .unwrap_or_default();
            let name_cols = w.saturating_sub(4 + dw);
            format!(
                "{glyph}{} {} {}",
                op_glyph(&n.operation, ascii),
                fit_label(&n.name, n.target.as_deref(), name_cols),
                fit_right(&dur, dw)
            )
        }
        NodeRef::Aggregate {
            members, branches, ..
        } => {
            let (ok, run, fail, wait) = aggregate_counts(g, members);
            let status = if fail > 0 {
                NodeStatus::Failed
            } else if run > 0 {
                NodeStatus::Running
            } else if wait == 0 {
                NodeStatus::Successful
            } else {
                NodeStatus::Pending
            };
            let glyph = status_glyph(&status, false, ascii, frame);
            let expander = if ascii { '>' } else { '▸' };
            let name = members
                .first()
                .and_then(|&m| g.nodes.get(m))
                .map_or("", |n| n.name.as_str());
            let name_cols = w.saturating_sub(4 + dw + AGGREGATE_EXTRA);
            let mut counts = String::new();
            for (k, c) in [
                (NodeStatus::Successful, ok),
                (NodeStatus::Running, run),
                (NodeStatus::Failed, fail),
                (NodeStatus::Pending, wait),
            ] {
                if c > 0 {
                    counts.push_str(&format!(" {}{c}", status_glyph(&k, false, ascii, 0)));
                }
            }
            let total = members.len().max(1);
            let filled = ok * 10 / total;
            let bar: String = if ascii {
                format!("{}{}", "#".repeat(filled), "-".repeat(10 - filled))
            } else {
                format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
            };
            let start = members
                .iter()
                .filter_map(|&m| g.nodes.get(m)?.started)
                .min();
            let end = if run > 0 || wait > 0 {
                Some(now_ms)
            } else {
                members
                    .iter()
                    .filter_map(|&m| g.nodes.get(m)?.finished)
                    .max()
            };
            let dur = match (start, end) {
                (Some(s), Some(e)) => fmt_duration(e.saturating_sub(s)),
                _ => String::new(),
            };
            let head = format!(" ×{branches}{counts}");
            let head = if ascii { head.replace('×', "x") } else { head };
            // tail = head (padded) + ' ' + bar(10) + ' ' + dur(dw)
            let head_cols = (AGGREGATE_EXTRA + 1).saturating_sub(12);
            format!(
                "{expander}{glyph} {}{} {bar} {}",
                fit_middle(name, name_cols),
                fit_middle(&head, head_cols),
                fit_right(&dur, dw)
            )
        }
    }
}

/// The whole layout as text; running nodes are measured up to the latest time in the graph.
pub fn render_text(g: &TaskGraph, layout: &Layout, ascii: bool) -> String {
    render_text_at(g, layout, ascii, g.latest_time().unwrap_or(0))
}

/// The whole layout as text, running durations measured up to `now_ms`.
pub fn render_text_at(g: &TaskGraph, layout: &Layout, ascii: bool, now_ms: i64) -> String {
    let blocked = g.blocked();
    let mut out = String::new();
    let (mut ni, mut ci) = (0usize, 0usize);
    let mut row: Vec<char> = Vec::new();
    for y in 0..layout.height {
        row.clear();
        let put = |row: &mut Vec<char>, x: usize, c: char| {
            if row.len() <= x {
                row.resize(x + 1, ' ');
            }
            row[x] = c;
        };
        while let Some(c) = layout.cells.get(ci).filter(|c| c.y == y) {
            put(&mut row, c.x as usize, edge_glyph(c.mask, ascii, false));
            ci += 1;
        }
        while let Some(n) = layout.nodes.get(ni).filter(|n| n.y == y) {
            let label = node_label(g, n, layout, &blocked, ascii, now_ms, 0);
            let mut x = n.x as usize;
            for ch in label.chars() {
                let cw = display_width(ch.encode_utf8(&mut [0; 4]));
                put(&mut row, x, ch);
                // A wide character covers the next cell too: mark it as taken.
                for k in 1..cw {
                    put(&mut row, x + k, '\0');
                }
                x += cw.max(1);
            }
            ni += 1;
        }
        let line: String = row.iter().filter(|&&c| c != '\0').collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The list view as text: lane gutter, then the node label.
pub fn render_list_text(g: &TaskGraph, rows: &[ListRow], p: &LayoutParams, ascii: bool) -> String {
    render_list_text_at(g, rows, p, ascii, g.latest_time().unwrap_or(0))
}

pub fn render_list_text_at(
    g: &TaskGraph,
    rows: &[ListRow],
    p: &LayoutParams,
    ascii: bool,
    now_ms: i64,
) -> String {
    let blocked = g.blocked();
    let gutter = rows.iter().map(|r| r.lanes.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rows {
        let (glyph, op, name, target, dur, extra) = match &r.node {
            NodeRef::Single(i) => match g.nodes.get(*i) {
                Some(n) => (
                    status_glyph(
                        &n.status,
                        blocked.get(*i).copied().unwrap_or(false),
                        ascii,
                        0,
                    ),
                    op_glyph(&n.operation, ascii),
                    n.name.as_str(),
                    n.target.as_deref(),
                    node_duration(n.started, n.finished, &n.status, now_ms)
                        .map(fmt_duration)
                        .unwrap_or_default(),
                    String::new(),
                ),
                None => continue,
            },
            NodeRef::Aggregate {
                members, branches, ..
            } => {
                let (ok, run, fail, wait) = aggregate_counts(g, members);
                let name = members
                    .first()
                    .and_then(|&m| g.nodes.get(m))
                    .map_or("", |n| n.name.as_str());
                let glyph = if fail > 0 {
                    status_glyph(&NodeStatus::Failed, false, ascii, 0)
                } else if run > 0 {
                    status_glyph(&NodeStatus::Running, false, ascii, 0)
                } else if wait == 0 {
                    status_glyph(&NodeStatus::Successful, false, ascii, 0)
                } else {
                    status_glyph(&NodeStatus::Pending, false, ascii, 0)
                };
                let mut extra = format!(" {}{branches}", if ascii { 'x' } else { '×' });
                for (k, c) in [
                    (NodeStatus::Successful, ok),
                    (NodeStatus::Running, run),
                    (NodeStatus::Failed, fail),
                    (NodeStatus::Pending, wait),
                ] {
                    if c > 0 {
                        extra.push_str(&format!(" {}{c}", status_glyph(&k, false, ascii, 0)));
                    }
                }
                (glyph, ' ', name, None, String::new(), extra)
            }
        };
        let mut line = String::new();
        for (k, &m) in r.lanes.iter().enumerate() {
            if m == NODE || k == r.node_col {
                line.push(glyph);
            } else {
                line.push(edge_glyph(m, ascii, true));
            }
        }
        line.push_str(&" ".repeat(gutter - r.lanes.len() + 1));
        line.push(op);
        let label_cols = match target {
            Some(t) => p.name_cols(&format!("{name}{TARGET_SEP}{t}")),
            None => p.name_cols(name),
        };
        line.push_str(&fit_label(name, target, label_cols));
        line.push(' ');
        line.push_str(&fit_right(&dur, p.duration_width));
        line.push_str(&extra);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `width` cells of progress bar for `done / total`.
pub fn progress_bar(done: usize, total: usize, width: usize, ascii: bool) -> String {
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(0);
    let (full, empty) = if ascii { ("#", "-") } else { ("█", "░") };
    format!("{}{}", full.repeat(filled), empty.repeat(width - filled))
}

/// One line about the whole task, for `task show` / `watch`:
/// `name #id · STATUS · done/total bar · elapsed · ETA`, plus the first failed node.
pub fn summary_line(g: &TaskGraph, now_ms: i64, ascii: bool) -> String {
    let sep = if ascii { " | " } else { " · " };
    let (done, total) = g.progress();
    let mut parts = vec![
        format!("{} #{}", g.name, g.id),
        g.status.to_string(),
        format!("{done}/{total} {}", progress_bar(done, total, 10, ascii)),
    ];
    if let Some(start) = g.started {
        let end = if g.status.is_finished() {
            g.finished.unwrap_or(now_ms)
        } else {
            now_ms
        };
        parts.push(fmt_duration(end.saturating_sub(start)));
    }
    if let Some(eta) = g.eta(now_ms) {
        parts.push(format!("ETA {}", eta.short().trim_end()));
    }
    if let Some(f) = g.nodes.iter().find(|n| n.status == NodeStatus::Failed) {
        parts.push(format!("failed at '{}'", f.label()));
    }
    parts.join(sep)
}

/// One line per FAILED node: glyph, name, id and the last log line it carries
/// (obshell sub_tasks bring their logs; OCP logs are fetched separately).
pub fn failure_lines(g: &TaskGraph, ascii: bool) -> Vec<String> {
    let glyph = status_glyph(&NodeStatus::Failed, false, ascii, 0);
    g.nodes
        .iter()
        .filter(|n| n.status == NodeStatus::Failed)
        .map(|n| {
            let last = n
                .children
                .iter()
                .filter(|c| c.status == Some(NodeStatus::Failed))
                .find_map(|c| c.logs.last().map(|l| (c.execute_agent.as_deref(), l)));
            match last {
                Some((Some(agent), log)) => {
                    format!("{glyph} {} ({}) on {agent}: {log}", n.name, n.id)
                }
                Some((None, log)) => format!("{glyph} {} ({}): {log}", n.name, n.id),
                None => format!("{glyph} {} ({})", n.name, n.id),
            }
        })
        .collect()
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn a_label_never_cuts_the_name_for_its_target() {
        let name = "Upgrade precheck";
        let t = Some("10.0.0.1 in zone1");
        assert_eq!(
            fit_label(name, t, 40).trim_end(),
            "Upgrade precheck · 10.0.0.1 in zone1"
        );
        assert_eq!(
            fit_label(name, t, 30).trim_end(),
            "Upgrade precheck · 10.0.0.1"
        );
        // No room for the target beside the whole name: the name alone, whole.
        assert_eq!(fit_label(name, t, 24).trim_end(), "Upgrade precheck");
        // A name cut anyway shares its room with the server (a fan-out's branches stay
        // apart), while eight of its columns remain.
        let long = "Restart observer with new version";
        let l = fit_label(long, t, 24);
        assert!(l.contains('…') && l.ends_with(" · 10.0.0.1"), "{l}");
        assert_eq!(display_width(&l), 24);
        let cut = fit_label(name, t, 10);
        assert!(cut.contains('…') && !cut.contains('·'), "{cut}");
        assert_eq!(display_width(&cut), 10);
    }
}
