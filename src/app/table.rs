//! A resource table's state: rows, filter, sort and selection, independent of drawing.
//!
//! Filtering and sorting work on precomputed lower-case keys so a keystroke in the filter of a
//! 10,000-row pane stays cheap; the selection is kept by row id across refreshes.

use crate::config::theme::Tone;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: &'static str,
    /// Preferred width in cells; the last column takes the rest.
    pub width: u16,
    pub align: Align,
    /// Sort numerically (ids, counts) rather than as text.
    pub numeric: bool,
    /// Which columns go first when the terminal is narrow: 0 never, higher sooner.
    pub drop: u8,
}

impl Column {
    pub const fn text(title: &'static str, width: u16) -> Column {
        Column {
            title,
            width,
            align: Align::Left,
            numeric: false,
            drop: 0,
        }
    }
    pub const fn num(title: &'static str, width: u16) -> Column {
        Column {
            title,
            width,
            align: Align::Right,
            numeric: true,
            drop: 0,
        }
    }
    pub const fn drop(mut self, d: u8) -> Column {
        self.drop = d;
        self
    }
}

/// The columns that fit in `width` cells (with one cell between columns), in order: the
/// highest `drop` goes first, and the last column may shrink to half its width.
pub fn fitting_columns(cols: &[Column], width: u16) -> Vec<usize> {
    let mut keep: Vec<usize> = (0..cols.len()).collect();
    let need = |k: &[usize]| -> u32 {
        k.iter()
            .enumerate()
            .map(|(n, &i)| {
                let w = cols[i].width as u32;
                let w = if n + 1 == k.len() { w.div_ceil(2) } else { w };
                w + 1
            })
            .sum()
    };
    while need(&keep) > width as u32 {
        let victim = keep
            .iter()
            .enumerate()
            .filter(|(_, &i)| cols[i].drop > 0)
            .max_by_key(|(n, &i)| (cols[i].drop, *n))
            .map(|(n, _)| n);
        match victim {
            Some(n) => {
                keep.remove(n);
            }
            None => break,
        }
    }
    keep
}

/// One row: the cells as text, plus what the UI needs to colour it.
#[derive(Debug, Clone)]
pub struct Row {
    /// Stable identity (the resource id), used to keep the selection across refreshes.
    pub id: String,
    pub cells: Vec<String>,
    /// Which column holds the status, and its tone.
    pub status_col: Option<usize>,
    pub tone: Tone,
    /// Lower-case text of all cells, for the filter.
    search: String,
}

impl Row {
    pub fn new(
        id: impl Into<String>,
        cells: Vec<String>,
        status_col: Option<usize>,
        tone: Tone,
    ) -> Row {
        let mut search = String::new();
        for c in &cells {
            search.push_str(&c.to_lowercase());
            search.push('\u{1f}');
        }
        Row {
            id: id.into(),
            cells,
            status_col,
            tone,
            search,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TableState {
    pub rows: Vec<Row>,
    /// Indices into `rows`, filtered and sorted.
    pub view: Vec<usize>,
    /// Position in `view`.
    pub selected: usize,
    /// First visible position in `view`.
    pub offset: usize,
    pub filter: String,
    pub sort_col: Option<usize>,
    pub sort_desc: bool,
    /// Columns that sort numerically.
    pub numeric_cols: Vec<bool>,
    /// Running rows first (the tasks pane).
    pub running_first: bool,
    /// Rows of one status only (the tasks pane's `f`).
    pub status_filter: StatusFilter,
}

/// Which rows a status filter keeps, by the tone of their status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    All,
    Running,
    Failed,
}

impl StatusFilter {
    /// The cycle: all → running → failed → all.
    pub fn next(self) -> StatusFilter {
        match self {
            StatusFilter::All => StatusFilter::Running,
            StatusFilter::Running => StatusFilter::Failed,
            StatusFilter::Failed => StatusFilter::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Running => "running",
            StatusFilter::Failed => "failed",
        }
    }

    fn keeps(self, tone: Tone) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::Running => matches!(tone, Tone::Running | Tone::Canceling),
            StatusFilter::Failed => tone == Tone::Failed,
        }
    }
}

impl TableState {
    pub fn new(numeric_cols: Vec<bool>) -> TableState {
        TableState {
            numeric_cols,
            ..Default::default()
        }
    }

    /// Replace the rows, keeping the selection on the same id when it still exists.
    pub fn set_rows(&mut self, rows: Vec<Row>) {
        let keep = self.selected_row().map(|r| r.id.clone());
        self.rows = rows;
        self.rebuild();
        if let Some(id) = keep {
            if let Some(pos) = self.view.iter().position(|&i| self.rows[i].id == id) {
                self.selected = pos;
            }
        }
        self.clamp();
    }

    pub fn set_filter(&mut self, f: &str) {
        let keep = self.selected_row().map(|r| r.id.clone());
        self.filter = f.to_string();
        self.rebuild();
        self.selected = keep
            .and_then(|id| self.view.iter().position(|&i| self.rows[i].id == id))
            .unwrap_or(0);
        self.clamp();
    }

    /// Show only the rows of one status (keeping the selection when it is still shown).
    pub fn set_status_filter(&mut self, f: StatusFilter) {
        let keep = self.selected_row().map(|r| r.id.clone());
        self.status_filter = f;
        self.rebuild();
        self.selected = keep
            .and_then(|id| self.view.iter().position(|&i| self.rows[i].id == id))
            .unwrap_or(0);
        self.clamp();
    }

    /// Sort by `col`; choosing the sorted column again reverses the order.
    pub fn sort_by(&mut self, col: usize) {
        if self.sort_col == Some(col) {
            self.sort_desc = !self.sort_desc;
        } else {
            self.sort_col = Some(col);
            self.sort_desc = false;
        }
        self.resort();
    }

    /// Sort by the next column (wrapping to unsorted).
    pub fn sort_next(&mut self, ncols: usize) {
        self.sort_col = match self.sort_col {
            None if ncols > 0 => Some(0),
            Some(c) if c + 1 < ncols => Some(c + 1),
            _ => None,
        };
        self.resort();
    }

    pub fn sort_reverse(&mut self) {
        self.sort_desc = !self.sort_desc;
        self.resort();
    }

    fn resort(&mut self) {
        let keep = self.selected_row().map(|r| r.id.clone());
        self.rebuild();
        if let Some(id) = keep {
            if let Some(pos) = self.view.iter().position(|&i| self.rows[i].id == id) {
                self.selected = pos;
            }
        }
        self.clamp();
    }

    fn rebuild(&mut self) {
        let needle = self.filter.to_lowercase();
        // Every word must match; a word starting with `!` must not.
        let terms: Vec<(bool, &str)> = needle
            .split_whitespace()
            .map(|t| match t.strip_prefix('!') {
                Some(rest) => (false, rest),
                None => (true, t),
            })
            .filter(|(_, t)| !t.is_empty())
            .collect();
        let status = self.status_filter;
        self.view = (0..self.rows.len())
            .filter(|&i| status.keeps(self.rows[i].tone))
            .filter(|&i| {
                terms
                    .iter()
                    .all(|(want, t)| self.rows[i].search.contains(t) == *want)
            })
            .collect();
        let rows = &self.rows;
        let running_first = self.running_first;
        let by_col = self
            .sort_col
            .map(|c| (c, self.numeric_cols.get(c).copied().unwrap_or(false)));
        let desc = self.sort_desc;
        if by_col.is_some() || running_first {
            self.view.sort_by(|&a, &b| {
                let (ra, rb) = (&rows[a], &rows[b]);
                if running_first {
                    let o = (rb.tone == Tone::Running).cmp(&(ra.tone == Tone::Running));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                let o = match by_col {
                    Some((c, numeric)) => {
                        let (x, y) = (cell(ra, c), cell(rb, c));
                        if numeric {
                            num(x)
                                .partial_cmp(&num(y))
                                .unwrap_or(Ordering::Equal)
                                .then_with(|| x.cmp(y))
                        } else {
                            x.to_lowercase().cmp(&y.to_lowercase())
                        }
                    }
                    None => Ordering::Equal,
                };
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
        }
    }

    fn clamp(&mut self) {
        if self.view.is_empty() {
            self.selected = 0;
            self.offset = 0;
        } else if self.selected >= self.view.len() {
            self.selected = self.view.len() - 1;
        }
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.view.get(self.selected).and_then(|&i| self.rows.get(i))
    }

    pub fn select_id(&mut self, id: &str) -> bool {
        match self.view.iter().position(|&i| self.rows[i].id == id) {
            Some(p) => {
                self.selected = p;
                true
            }
            None => false,
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    pub fn home(&mut self) {
        self.selected = 0;
    }

    pub fn end(&mut self) {
        self.selected = self.view.len().saturating_sub(1);
    }

    /// The first visible position of a window of `height` rows that keeps the selection inside
    /// it (the app stores it back after the frame: `App::on_drawn`).
    pub fn offset_for(&self, height: usize) -> usize {
        if height == 0 {
            return self.offset;
        }
        let mut offset = self.offset;
        if self.selected < offset {
            offset = self.selected;
        } else if self.selected >= offset + height {
            offset = self.selected + 1 - height;
        }
        offset.min(self.view.len().saturating_sub(height))
    }
}

fn cell(r: &Row, c: usize) -> &str {
    r.cells.get(c).map(String::as_str).unwrap_or("")
}

fn num(s: &str) -> f64 {
    let digits: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    digits.parse().unwrap_or(f64::NEG_INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        vec![
            Row::new(
                "1",
                vec!["terran".into(), "10".into(), "RUNNING".into()],
                Some(2),
                Tone::Ok,
            ),
            Row::new(
                "2",
                vec!["zerg".into(), "9".into(), "TAKINGOVER".into()],
                Some(2),
                Tone::Running,
            ),
            Row::new(
                "3",
                vec!["protoss".into(), "100".into(), "STOPPED".into()],
                Some(2),
                Tone::Failed,
            ),
        ]
    }

    #[test]
    fn filter_is_case_insensitive_and_multi_term() {
        let mut t = TableState::new(vec![false, true, false]);
        t.set_rows(rows());
        t.set_filter("ZER");
        assert_eq!(t.view.len(), 1);
        assert_eq!(t.selected_row().unwrap().id, "2");
        t.set_filter("r running");
        assert_eq!(t.view, vec![0]);
        t.set_filter("!zerg");
        assert_eq!(t.view, vec![0, 2]);
        t.set_filter("r !running");
        assert_eq!(t.view, vec![1, 2]);
        t.set_filter("nomatch");
        assert!(t.selected_row().is_none());
    }

    #[test]
    fn numeric_sort_and_reverse() {
        let mut t = TableState::new(vec![false, true, false]);
        t.set_rows(rows());
        t.sort_next(3); // name
        t.sort_next(3); // count (numeric)
        let ids: Vec<&str> = t.view.iter().map(|&i| t.rows[i].id.as_str()).collect();
        assert_eq!(ids, ["2", "1", "3"]);
        t.sort_reverse();
        let ids: Vec<&str> = t.view.iter().map(|&i| t.rows[i].id.as_str()).collect();
        assert_eq!(ids, ["3", "1", "2"]);
    }

    #[test]
    fn selection_follows_id_across_refresh() {
        let mut t = TableState::new(vec![]);
        t.set_rows(rows());
        t.move_by(2);
        assert_eq!(t.selected_row().unwrap().id, "3");
        let mut r = rows();
        r.reverse();
        t.set_rows(r);
        assert_eq!(t.selected_row().unwrap().id, "3");
        t.set_rows(vec![]);
        assert!(t.selected_row().is_none());
        t.move_by(1);
        t.end();
        assert_eq!(t.selected, 0);
    }

    #[test]
    fn running_first() {
        let mut t = TableState::new(vec![]);
        t.running_first = true;
        t.set_rows(rows());
        assert_eq!(t.rows[t.view[0]].id, "2");
    }

    #[test]
    fn status_filter_cycles_running_failed_all() {
        let mut t = TableState::new(vec![]);
        t.set_rows(vec![
            Row::new("1", vec!["a".into()], None, Tone::Running),
            Row::new("2", vec!["b".into()], None, Tone::Failed),
            Row::new("3", vec!["c".into()], None, Tone::Ok),
            Row::new("4", vec!["d".into()], None, Tone::Canceling),
        ]);
        let ids = |t: &TableState| -> Vec<String> {
            t.view.iter().map(|&i| t.rows[i].id.clone()).collect()
        };
        assert_eq!(t.view.len(), 4);
        let f = t.status_filter.next();
        t.set_status_filter(f);
        assert_eq!(f, StatusFilter::Running);
        assert_eq!(ids(&t), ["1", "4"]);
        t.set_status_filter(t.status_filter.next());
        assert_eq!(ids(&t), ["2"]);
        assert_eq!(t.status_filter.label(), "failed");
        t.set_status_filter(t.status_filter.next());
        assert_eq!(t.view.len(), 4);
    }

    #[test]
    fn scroll_window_keeps_selection_visible() {
        let mut t = TableState::new(vec![]);
        t.set_rows(
            (0..100)
                .map(|i| Row::new(i.to_string(), vec![i.to_string()], None, Tone::Ok))
                .collect(),
        );
        t.move_by(50);
        let off = t.offset_for(10);
        assert!(off <= 50 && 50 < off + 10);
        t.offset = off;
        t.move_by(-1);
        assert_eq!(t.offset_for(10), off, "a move inside the window keeps it");
        t.home();
        assert_eq!(t.offset_for(10), 0);
    }
}
