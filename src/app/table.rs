//! A resource table's state: rows, filter, sort and selection, independent of drawing.
//!
//! The table keeps, beside the rows, an index that makes a keystroke cheap at 100,000 rows:
//!
//! - the lower-case search text of every row, once, in one buffer (no per-row allocation);
//! - a sort key per row for the sorted column, computed once (a parsed number, or the
//!   lower-case text when it differs from the cell), so a comparison never allocates;
//! - the full sorted order of all rows: a filter change walks it and never sorts;
//! - whether each row passes the current filter: a filter that only narrows the last one
//!   (`hz` → `hz1`) tests only the rows it showed.
//!
//! [`TableState::update_rows`] replaces a few rows in place (a poll where little changed): only
//! those rows are lower-cased, keyed and tested again, and the order is repaired only when
//! one of them moved. The selection is kept by row id across refreshes.

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

/// Display columns of a cell as drawn: a status cell carries its glyph and a space.
pub fn cell_width(row: &Row, c: usize) -> u16 {
    let w = row
        .cells
        .get(c)
        .map_or(0, |t| unicode_width::UnicodeWidthStr::width(t.as_str()));
    let w = if row.status_col == Some(c) { w + 2 } else { w };
    w.min(u16::MAX as usize) as u16
}

/// Widens `widths` to hold every cell of `row`.
fn merge_widths(widths: &mut Vec<u16>, row: &Row) {
    if widths.len() < row.cells.len() {
        widths.resize(row.cells.len(), 0);
    }
    for (c, w) in widths.iter_mut().enumerate().take(row.cells.len()) {
        *w = (*w).max(cell_width(row, c));
    }
}

/// The columns shown in `width` cells and the width of each, in order, from what their
/// contents need (`content[i]`: the widest cell of column `i`; a column without an entry
/// needs its preferred width):
///
/// - a column never gets less than its title plus a cell for the sort arrow;
/// - a number column gets the whole of its widest number: numbers are never cut;
/// - a text column may be cut (with `…`, when drawn) down to its preferred width, no less;
/// - when even those minimums do not fit, columns go, highest `drop` first; and while a
///   column would be cut, columns of lower priority (higher `drop`) go to make it room;
/// - the room left widens the text columns towards what they need, in order, and then the
///   last column takes the rest — so columns grow with the terminal.
pub fn fit_columns(cols: &[Column], content: &[u16], width: u16) -> Vec<(usize, u16)> {
    let title = |i: usize| unicode_width::UnicodeWidthStr::width(cols[i].title) as u16 + 1;
    let need = |i: usize| -> u16 {
        content
            .get(i)
            .copied()
            .unwrap_or(cols[i].width)
            .max(title(i))
    };
    let min = |i: usize| -> u16 {
        if cols[i].numeric {
            need(i)
        } else {
            need(i).min(cols[i].width).max(title(i))
        }
    };
    let total = |k: &[usize], w: &dyn Fn(usize) -> u16| -> u32 {
        k.iter()
            .map(|&i| u32::from(w(i)) + 1)
            .sum::<u32>()
            .saturating_sub(1)
    };
    let mut keep: Vec<usize> = (0..cols.len()).collect();
    while total(&keep, &min) > u32::from(width) {
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
    let allocate = |keep: &[usize]| -> Vec<(usize, u16)> {
        let mut out: Vec<(usize, u16)> = keep.iter().map(|&i| (i, min(i))).collect();
        let mut spare = u32::from(width).saturating_sub(total(keep, &min));
        for (i, w) in out.iter_mut() {
            let more = u32::from(need(*i).saturating_sub(*w)).min(spare);
            *w += more as u16;
            spare -= more;
        }
        if let Some((_, w)) = out.last_mut() {
            *w = w.saturating_add(spare.min(u32::from(u16::MAX)) as u16);
        }
        out
    };
    // The most important column whose text would be cut is worth more than any column that
    // goes before it when narrow: those go, lowest first, until nothing is cut or nothing
    // less important is left to drop.
    loop {
        let out = allocate(&keep);
        let cut = out
            .iter()
            .filter(|&&(i, w)| w < need(i))
            .map(|&(i, _)| cols[i].drop)
            .min();
        let Some(cut) = cut else { return out };
        let victim = keep
            .iter()
            .enumerate()
            .filter(|(_, &i)| cols[i].drop > cut)
            .max_by_key(|(n, &i)| (cols[i].drop, *n))
            .map(|(n, _)| n);
        match victim {
            Some(n) => {
                keep.remove(n);
            }
            None => return out,
        }
    }
}

/// `s` cut to `cols` display columns, ending in `…` when it was longer.
pub fn fit_end(s: &str, cols: usize) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(s) <= cols {
        return std::borrow::Cow::Borrowed(s);
    }
    if cols == 0 {
        return std::borrow::Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > cols {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// One row: the cells as text, plus what the UI needs to colour it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Stable identity (the resource id), used to keep the selection across refreshes.
    pub id: String,
    pub cells: Vec<String>,
    /// Which column holds the status, and its tone.
    pub status_col: Option<usize>,
    pub tone: Tone,
}

impl Row {
    pub fn new(
        id: impl Into<String>,
        cells: Vec<String>,
        status_col: Option<usize>,
        tone: Tone,
    ) -> Row {
        Row {
            id: id.into(),
            cells,
            status_col,
            tone,
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
    /// The widest cell of each column over all rows (as drawn), kept as rows come and go:
    /// recomputed with every new row set, widened by updates and added pages.
    pub widths: Vec<u16>,
    /// What the rows are filtered and sorted with; derived from the fields above and checked
    /// against them on every change, so setting a public field directly stays correct.
    index: Index,
}

/// The derived state behind [`TableState::view`].
#[derive(Debug, Clone, Default)]
struct Index {
    /// The lower-case text of every row: each cell followed by U+001F, rows one after the other
    /// (a row updated in place is appended; the old text is garbage until compaction).
    text: String,
    /// Each row's range of `text`.
    spans: Vec<(usize, usize)>,
    /// Bytes of `text` no row points at.
    garbage: usize,
    /// The sort key of each row for `keys_col`.
    keys: Keys,
    keys_col: Option<(usize, bool)>,
    /// All rows in display order; follows `order_spec`.
    order: Vec<usize>,
    order_spec: Option<OrderSpec>,
    /// Whether each row passes `filter_spec` (the filter text and the status filter).
    hits: Vec<bool>,
    filter_spec: Option<(String, StatusFilter)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderSpec {
    /// The sort column and whether it is numeric.
    col: Option<(usize, bool)>,
    desc: bool,
    running_first: bool,
}

/// Sort keys, one per row, computed once when the sort column is chosen or a row changes.
#[derive(Debug, Clone, Default)]
enum Keys {
    #[default]
    None,
    /// The leading number of the cell (ties: the cell's text).
    Num(Vec<f64>),
    /// The cell's lower-case text; `None` when the cell is already lower-case (no copy).
    Text(Vec<Option<Box<str>>>),
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

/// The words of a filter, lower-case: every word must match; a word starting with `!` must not.
fn terms(filter: &str) -> Vec<(bool, String)> {
    filter
        .to_lowercase()
        .split_whitespace()
        .map(|t| match t.strip_prefix('!') {
            Some(rest) => (false, rest.to_string()),
            None => (true, t.to_string()),
        })
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// Whether every row `new` keeps was kept by `old` as well (so only `old`'s rows need a test):
/// each old word is implied by a new one (`hz` by `hz1`; `!hz1` by `!hz`).
fn narrows(old: &[(bool, String)], new: &[(bool, String)]) -> bool {
    // Alternatives (`a|b`) are not compared: such a filter is applied to every row.
    if old.iter().chain(new).any(|(_, t)| t.contains('|')) {
        return false;
    }
    old.iter().all(|(want, t)| {
        new.iter().any(|(w, n)| {
            w == want
                && if *want {
                    n.contains(t.as_str())
                } else {
                    t.contains(n.as_str())
                }
        })
    })
}

fn row_matches(text: &str, tone: Tone, status: StatusFilter, terms: &[(bool, String)]) -> bool {
    // A word with `|` holds alternatives: `13089005|13089006` keeps a row with either (a
    // take-over's group of tasks); `!a|b` keeps rows with neither.
    status.keeps(tone)
        && terms.iter().all(|(want, t)| {
            let hit = if t.contains('|') {
                t.split('|').any(|a| !a.is_empty() && text.contains(a))
            } else {
                text.contains(t.as_str())
            };
            hit == *want
        })
}

/// Appends the lower-case text of `row` to `text`; returns its range.
fn push_text(text: &mut String, row: &Row) -> (usize, usize) {
    let start = text.len();
    for c in &row.cells {
        if c.is_ascii() {
            let at = text.len();
            text.push_str(c);
            if let Some(s) = text.get_mut(at..) {
                s.make_ascii_lowercase();
            }
        } else {
            text.push_str(&c.to_lowercase());
        }
        text.push('\u{1f}');
    }
    (start, text.len())
}

fn num_key(row: &Row, c: usize) -> f64 {
    num(cell(row, c))
}

fn text_key(row: &Row, c: usize) -> Option<Box<str>> {
    let s = cell(row, c);
    if s.is_ascii() {
        s.bytes()
            .any(|b| b.is_ascii_uppercase())
            .then(|| s.to_ascii_lowercase().into_boxed_str())
    } else {
        let l = s.to_lowercase();
        (l != s).then(|| l.into_boxed_str())
    }
}

fn is_running(r: &Row) -> bool {
    r.tone == Tone::Running
}

/// The display order of rows `a` and `b`: running first (when asked), the sort key (reversed
/// when descending), then the row's place in the data (as a stable sort of it would).
fn cmp_rows(rows: &[Row], keys: &Keys, spec: OrderSpec, a: usize, b: usize) -> Ordering {
    let (ra, rb) = (&rows[a], &rows[b]);
    if spec.running_first {
        let o = is_running(rb).cmp(&is_running(ra));
        if o != Ordering::Equal {
            return o;
        }
    }
    let o = match (spec.col, keys) {
        (Some((c, _)), Keys::Num(k)) => k[a]
            .partial_cmp(&k[b])
            .unwrap_or(Ordering::Equal)
            .then_with(|| cell(ra, c).cmp(cell(rb, c))),
        (Some((c, _)), Keys::Text(k)) => {
            let x = k[a].as_deref().unwrap_or_else(|| cell(ra, c));
            let y = k[b].as_deref().unwrap_or_else(|| cell(rb, c));
            x.cmp(y)
        }
        _ => Ordering::Equal,
    };
    let o = if spec.desc { o.reverse() } else { o };
    o.then(a.cmp(&b))
}

impl Index {
    fn text_of(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .and_then(|&(s, e)| self.text.get(s..e))
            .unwrap_or("")
    }

    /// Lower-cases every row again (new rows, or an index out of step with them).
    fn rebuild_text(&mut self, rows: &[Row]) {
        let need: usize = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.len() + 1).sum::<usize>())
            .sum();
        self.text = String::with_capacity(need + need / 8);
        self.spans = rows.iter().map(|r| push_text(&mut self.text, r)).collect();
        self.garbage = 0;
        self.order_spec = None;
        self.keys_col = None;
        self.filter_spec = None;
        self.hits = vec![false; rows.len()];
    }

    /// Replaces one row's text, compacting the buffer instead of letting it grow.
    fn replace_text(&mut self, i: usize, row: &Row) {
        let need: usize = row.cells.iter().map(|c| c.len() + 4).sum();
        if self.text.len() + need > self.text.capacity() && self.garbage > 0 {
            self.compact(need);
        }
        if let Some(&(s, e)) = self.spans.get(i) {
            self.garbage += e - s;
        }
        let span = push_text(&mut self.text, row);
        if let Some(x) = self.spans.get_mut(i) {
            *x = span;
        }
    }

    /// Copies the live text into a fresh buffer (no lower-casing again).
    fn compact(&mut self, extra: usize) {
        let live = self.text.len() - self.garbage;
        let mut t = String::with_capacity(live + live / 8 + extra);
        for span in &mut self.spans {
            let start = t.len();
            t.push_str(self.text.get(span.0..span.1).unwrap_or(""));
            *span = (start, t.len());
        }
        self.text = t;
        self.garbage = 0;
    }

    fn compute_keys(&mut self, rows: &[Row], col: Option<(usize, bool)>) {
        self.keys = match col {
            None => Keys::None,
            Some((c, true)) => Keys::Num(rows.iter().map(|r| num_key(r, c)).collect()),
            Some((c, false)) => Keys::Text(rows.iter().map(|r| text_key(r, c)).collect()),
        };
        self.keys_col = col;
    }

    fn update_key(&mut self, i: usize, row: &Row) {
        match (&mut self.keys, self.keys_col) {
            (Keys::Num(k), Some((c, _))) => {
                if let Some(x) = k.get_mut(i) {
                    *x = num_key(row, c);
                }
            }
            (Keys::Text(k), Some((c, _))) => {
                if let Some(x) = k.get_mut(i) {
                    *x = text_key(row, c);
                }
            }
            _ => {}
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

    fn order_spec(&self) -> OrderSpec {
        OrderSpec {
            col: self
                .sort_col
                .map(|c| (c, self.numeric_cols.get(c).copied().unwrap_or(false))),
            desc: self.sort_desc,
            running_first: self.running_first,
        }
    }

    /// The selected row's index in `rows`.
    fn selected_index(&self) -> Option<usize> {
        self.view.get(self.selected).copied()
    }

    /// Replace the rows, keeping the selection on the same id when it still exists.
    pub fn set_rows(&mut self, rows: Vec<Row>) {
        let keep = self.selected_row().map(|r| r.id.clone());
        self.rows = rows;
        self.widths.clear();
        for r in &self.rows {
            merge_widths(&mut self.widths, r);
        }
        self.index.rebuild_text(&self.rows);
        self.refresh();
        if let Some(id) = keep {
            if let Some(pos) = self.view.iter().position(|&i| self.rows[i].id == id) {
                self.selected = pos;
            }
        }
        self.clamp();
    }

    /// Replace some rows in place (each keeps its index, and its id): only these rows are
    /// lower-cased, keyed and filtered again; the order is repaired only when one of them
    /// moved. A row equal to the one it replaces costs one comparison.
    pub fn update_rows(&mut self, changes: impl IntoIterator<Item = (usize, Row)>) {
        let keep = self.selected_index();
        let spec = self.order_spec();
        let consistent = self.index.spans.len() == self.rows.len()
            && self.index.order_spec == Some(spec)
            && self.index.keys_col == spec.col
            && self.index.order.len() == self.rows.len()
            && self.index.hits.len() == self.rows.len()
            && self
                .index
                .filter_spec
                .as_ref()
                .map(|(f, s)| (f.as_str(), *s))
                == Some((self.filter.as_str(), self.status_filter));
        let terms = terms(&self.filter);
        let mut moved: Vec<usize> = Vec::new();
        let mut hits_changed = false;
        for (i, row) in changes {
            let Some(old) = self.rows.get(i) else {
                continue;
            };
            if *old == row {
                continue;
            }
            if consistent {
                let key_changed = spec
                    .col
                    .is_some_and(|(c, _)| old.cells.get(c) != row.cells.get(c));
                if key_changed {
                    self.index.update_key(i, &row);
                }
                if key_changed || (spec.running_first && is_running(old) != is_running(&row)) {
                    moved.push(i);
                }
                self.index.replace_text(i, &row);
                let hit = row_matches(self.index.text_of(i), row.tone, self.status_filter, &terms);
                if self.index.hits[i] != hit {
                    self.index.hits[i] = hit;
                    hits_changed = true;
                }
            }
            merge_widths(&mut self.widths, &row);
            self.rows[i] = row;
        }
        if !consistent {
            self.index.rebuild_text(&self.rows);
            self.refresh();
        } else if !moved.is_empty() || hits_changed {
            if !moved.is_empty() {
                self.reorder(&moved);
            }
            let hits = &self.index.hits;
            self.view.clear();
            self.view
                .extend(self.index.order.iter().copied().filter(|&i| hits[i]));
        } else {
            return;
        }
        // The same index holds the same id: the selection stays on its row.
        if let Some(i) = keep {
            if let Some(pos) = self.view.iter().position(|&v| v == i) {
                self.selected = pos;
            }
        }
        self.clamp();
    }

    /// Adds rows at the end (the next page of a list that loads progressively): only the new
    /// rows are lower-cased, keyed and tested; they are sorted among themselves and merged
    /// into the order. The selection stays on its row.
    pub fn extend_rows(&mut self, more: Vec<Row>) {
        if more.is_empty() {
            return;
        }
        let keep = self.selected_index();
        let spec = self.order_spec();
        let n = self.rows.len();
        let consistent = self.index.spans.len() == n
            && self.index.order_spec == Some(spec)
            && self.index.keys_col == spec.col
            && self.index.order.len() == n
            && self.index.hits.len() == n
            && self
                .index
                .filter_spec
                .as_ref()
                .map(|(f, s)| (f.as_str(), *s))
                == Some((self.filter.as_str(), self.status_filter));
        for r in &more {
            merge_widths(&mut self.widths, r);
        }
        self.rows.extend(more);
        if !consistent {
            self.index.rebuild_text(&self.rows);
            self.refresh();
        } else {
            let terms = terms(&self.filter);
            let idx = &mut self.index;
            for r in &self.rows[n..] {
                let span = push_text(&mut idx.text, r);
                idx.spans.push(span);
                let (s, e) = span;
                idx.hits.push(row_matches(
                    idx.text.get(s..e).unwrap_or(""),
                    r.tone,
                    self.status_filter,
                    &terms,
                ));
                match (&mut idx.keys, spec.col) {
                    (Keys::Num(k), Some((c, _))) => k.push(num_key(r, c)),
                    (Keys::Text(k), Some((c, _))) => k.push(text_key(r, c)),
                    _ => {}
                }
            }
            let (rows, keys) = (&self.rows, &idx.keys);
            let mut tail: Vec<usize> = (n..rows.len()).collect();
            if spec.col.is_some() || spec.running_first {
                tail.sort_unstable_by(|&a, &b| cmp_rows(rows, keys, spec, a, b));
                let head = std::mem::take(&mut idx.order);
                let mut merged = Vec::with_capacity(rows.len());
                let (mut a, mut b) = (head.into_iter().peekable(), tail.into_iter().peekable());
                while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
                    if cmp_rows(rows, keys, spec, x, y) == Ordering::Greater {
                        merged.push(y);
                        b.next();
                    } else {
                        merged.push(x);
                        a.next();
                    }
                }
                merged.extend(a);
                merged.extend(b);
                idx.order = merged;
            } else {
                idx.order.extend(tail);
            }
            let hits = &idx.hits;
            self.view.clear();
            self.view
                .extend(idx.order.iter().copied().filter(|&i| hits[i]));
        }
        if let Some(i) = keep {
            if let Some(pos) = self.view.iter().position(|&v| v == i) {
                self.selected = pos;
            }
        }
        self.clamp();
    }

    /// Puts the `moved` rows back in their place in `order`: a few by binary insertion, many
    /// by sorting again.
    fn reorder(&mut self, moved: &[usize]) {
        let spec = self.order_spec();
        let (rows, keys) = (&self.rows, &self.index.keys);
        let order = &mut self.index.order;
        if moved.len() > 64 {
            order.sort_unstable_by(|&a, &b| cmp_rows(rows, keys, spec, a, b));
            return;
        }
        let mut out = vec![false; rows.len()];
        for &i in moved {
            out[i] = true;
        }
        order.retain(|&i| !out[i]);
        for &i in moved {
            // A row changed twice in one batch is placed once.
            if !std::mem::replace(&mut out[i], false) {
                continue;
            }
            let at = order.partition_point(|&j| cmp_rows(rows, keys, spec, j, i) == Ordering::Less);
            order.insert(at, i);
        }
    }

    /// Brings the index and `view` up to the rows and the public fields, doing only what
    /// changed: the keys when the sort column changed, the order when the sort did, the
    /// filter's tests when the filter did (only the shown rows when it narrowed).
    fn refresh(&mut self) {
        let n = self.rows.len();
        if self.index.spans.len() != n || self.index.hits.len() != n {
            self.index.rebuild_text(&self.rows);
        }
        let spec = self.order_spec();
        if self.index.keys_col != spec.col || self.index.order.len() != n {
            self.index.compute_keys(&self.rows, spec.col);
            self.index.order_spec = None;
        }
        let order_changed = self.index.order_spec != Some(spec);
        if order_changed {
            let (rows, keys) = (&self.rows, &self.index.keys);
            let order = &mut self.index.order;
            order.clear();
            order.extend(0..n);
            if spec.col.is_some() || spec.running_first {
                order.sort_unstable_by(|&a, &b| cmp_rows(rows, keys, spec, a, b));
            }
            self.index.order_spec = Some(spec);
        }
        let same_filter = self
            .index
            .filter_spec
            .as_ref()
            .map(|(f, s)| (f.as_str(), *s))
            == Some((self.filter.as_str(), self.status_filter));
        if same_filter && !order_changed {
            return;
        }
        let new_terms = terms(&self.filter);
        let status = self.status_filter;
        let narrowing = !same_filter
            && self
                .index
                .filter_spec
                .as_ref()
                .is_some_and(|(f, s)| *s == status && narrows(&terms(f), &new_terms));
        let Index {
            text,
            spans,
            hits,
            order,
            ..
        } = &mut self.index;
        let rows = &self.rows;
        let test = |i: usize| {
            let (s, e) = spans[i];
            row_matches(
                text.get(s..e).unwrap_or(""),
                rows[i].tone,
                status,
                &new_terms,
            )
        };
        if narrowing && !order_changed {
            // Only the rows shown can still be shown, in the same order.
            self.view.retain(|&i| {
                let h = test(i);
                hits[i] = h;
                h
            });
        } else {
            if !same_filter {
                for (i, h) in hits.iter_mut().enumerate() {
                    if !narrowing || *h {
                        *h = test(i);
                    }
                }
            }
            self.view.clear();
            self.view.extend(order.iter().copied().filter(|&i| hits[i]));
        }
        if !same_filter {
            self.index.filter_spec = Some((self.filter.clone(), status));
        }
    }

    pub fn set_filter(&mut self, f: &str) {
        let keep = self.selected_index();
        if self.filter != f {
            self.filter = f.to_string();
        }
        self.refresh();
        self.selected = keep
            .and_then(|i| self.view.iter().position(|&v| v == i))
            .unwrap_or(0);
        self.clamp();
    }

    /// Show only the rows of one status (keeping the selection when it is still shown).
    pub fn set_status_filter(&mut self, f: StatusFilter) {
        let keep = self.selected_index();
        self.status_filter = f;
        self.refresh();
        self.selected = keep
            .and_then(|i| self.view.iter().position(|&v| v == i))
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
        let keep = self.selected_index();
        self.refresh();
        if let Some(i) = keep {
            if let Some(pos) = self.view.iter().position(|&v| v == i) {
                self.selected = pos;
            }
        }
        self.clamp();
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
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(s.len());
    s.get(..end)
        .and_then(|d| d.parse().ok())
        .unwrap_or(f64::NEG_INFINITY)
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
    fn columns_fit_their_contents_numbers_whole_titles_whole() {
        let cols = [
            Column::text("NAME", 10),
            Column::num("OB ID", 6).drop(1),
            Column::text("NOTE", 8).drop(2),
        ];
        // Room for everything: each column as wide as its widest cell, the rest to the last.
        let fit = fit_columns(&cols, &[14, 10, 20], 60);
        assert_eq!(fit, vec![(0, 14), (1, 10), (2, 34)]);
        // Narrower: the note is cut first (its minimum is its preferred width), the
        // number stays whole.
        let fit = fit_columns(&cols, &[14, 10, 20], 36);
        assert_eq!(fit, vec![(0, 14), (1, 10), (2, 10)]);
        // Narrower still: the note goes first; the name gets its whole width back.
        let fit = fit_columns(&cols, &[14, 10, 20], 26);
        assert_eq!(fit, vec![(0, 14), (1, 11)]);
        // A cut column of higher priority sends a lower one away: the note (drop 2) goes
        // so that the name (drop 0) is whole.
        let fit = fit_columns(&cols, &[24, 10, 20], 40);
        assert_eq!(fit, vec![(0, 24), (1, 15)]);
        // A title is never cut (DURATION keeps its eight letters and the sort arrow).
        let fit = fit_columns(&[Column::text("DURATION", 4)], &[3], 40);
        assert!(fit[0].1 >= 9);
        assert_eq!(fit_end("ob-standard-16c64g", 10), "ob-standa…");
        assert_eq!(fit_end("short", 10), "short");
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

    /// The table as it was before the index: filter then stable sort on every change, from
    /// the rows alone. The reference the indexed table must agree with.
    #[derive(Default)]
    struct Naive {
        rows: Vec<Row>,
        view: Vec<usize>,
        selected: usize,
        filter: String,
        sort_col: Option<usize>,
        sort_desc: bool,
        numeric: Vec<bool>,
        running_first: bool,
        status: StatusFilter,
    }

    impl Naive {
        fn sel_id(&self) -> Option<String> {
            self.view
                .get(self.selected)
                .map(|&i| self.rows[i].id.clone())
        }
        fn pos(&self, id: &str) -> Option<usize> {
            self.view.iter().position(|&i| self.rows[i].id == id)
        }
        fn clamp(&mut self) {
            if self.view.is_empty() {
                self.selected = 0;
            } else if self.selected >= self.view.len() {
                self.selected = self.view.len() - 1;
            }
        }
        /// Rows replaced, the selection kept by id when still shown.
        fn set_rows(&mut self, rows: Vec<Row>) {
            let keep = self.sel_id();
            self.rows = rows;
            self.rebuild();
            if let Some(p) = keep.and_then(|id| self.pos(&id)) {
                self.selected = p;
            }
            self.clamp();
        }
        /// A filter change: the selection kept by id, else the first row.
        fn refilter(&mut self) {
            let keep = self.sel_id();
            self.rebuild();
            self.selected = keep.and_then(|id| self.pos(&id)).unwrap_or(0);
            self.clamp();
        }
        fn resort(&mut self) {
            let rows = self.rows.clone();
            self.set_rows(rows);
        }
        fn rebuild(&mut self) {
            let ts = terms(&self.filter);
            let search: Vec<String> = self
                .rows
                .iter()
                .map(|r| {
                    r.cells
                        .iter()
                        .map(|c| format!("{}\u{1f}", c.to_lowercase()))
                        .collect()
                })
                .collect();
            self.view = (0..self.rows.len())
                .filter(|&i| self.status.keeps(self.rows[i].tone))
                .filter(|&i| ts.iter().all(|(w, t)| search[i].contains(t.as_str()) == *w))
                .collect();
            let rows = &self.rows;
            let by = self
                .sort_col
                .map(|c| (c, self.numeric.get(c).copied().unwrap_or(false)));
            let (desc, rf) = (self.sort_desc, self.running_first);
            if by.is_some() || rf {
                self.view.sort_by(|&a, &b| {
                    let (ra, rb) = (&rows[a], &rows[b]);
                    if rf {
                        let o = (rb.tone == Tone::Running).cmp(&(ra.tone == Tone::Running));
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    let o = match by {
                        Some((c, true)) => {
                            let (x, y) = (cell(ra, c), cell(rb, c));
                            num(x)
                                .partial_cmp(&num(y))
                                .unwrap_or(Ordering::Equal)
                                .then_with(|| x.cmp(y))
                        }
                        Some((c, false)) => {
                            cell(ra, c).to_lowercase().cmp(&cell(rb, c).to_lowercase())
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
    }

    /// A small deterministic generator (xorshift): the same cases on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len())]
        }
    }

    const WORDS: &[&str] = &[
        "hz1",
        "HZ2",
        "Sh1",
        "node-01",
        "Node-10",
        "ONLINE",
        "offline",
        "—",
        "Straße",
        "ÉTÉ",
        "10.0.1.2",
        "10.0.12.1",
        "a",
        "B",
        "",
    ];
    const NUMS: &[&str] = &["1", "10", "9", "100", "-3.5", "—", "12a", "0.5", "", "007"];
    const TONES: &[Tone] = &[
        Tone::Ok,
        Tone::Running,
        Tone::Failed,
        Tone::Canceling,
        Tone::Pending,
    ];

    fn random_row(g: &mut Rng, id: &str) -> Row {
        let cells = vec![
            format!("{}{}", g.pick(WORDS), g.pick(WORDS)),
            g.pick(NUMS).to_string(),
            g.pick(WORDS).to_string(),
            g.pick(NUMS).to_string(),
        ];
        Row::new(id, cells, Some(2), TONES[g.below(TONES.len())])
    }

    fn random_query(g: &mut Rng, prev: &str) -> String {
        match g.below(5) {
            // Typing on: one more character of a word.
            0 | 1 => {
                let w = g.pick(WORDS);
                let ch = w
                    .chars()
                    .nth(g.below(w.chars().count().max(1)))
                    .unwrap_or('1');
                format!("{prev}{ch}")
            }
            // Backspace.
            2 => {
                let mut s = prev.to_string();
                s.pop();
                s
            }
            // A new query: words, some negated, a stray space.
            _ => (0..g.below(3) + 1)
                .map(|_| {
                    let w = g.pick(WORDS);
                    let w: String = w.chars().take(g.below(4) + 1).collect();
                    if g.below(4) == 0 {
                        format!("!{w}")
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(if g.below(2) == 0 { " " } else { "  " }),
        }
    }

    #[test]
    fn indexed_table_agrees_with_the_naive_one_over_random_edits() {
        for seed in 1..=120u64 {
            let mut g = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let numeric = vec![false, true, false, true];
            let mut t = TableState::new(numeric.clone());
            let mut n = Naive {
                numeric,
                ..Default::default()
            };
            let rf = g.below(3) == 0;
            t.running_first = rf;
            n.running_first = rf;
            let mut next_id = 0usize;
            let mut fresh = |g: &mut Rng, k: usize| -> Vec<Row> {
                (0..k)
                    .map(|_| {
                        next_id += 1;
                        random_row(g, &format!("r{next_id}"))
                    })
                    .collect()
            };
            let k = g.below(60) + 1;
            let rows = fresh(&mut g, k);
            t.set_rows(rows.clone());
            n.set_rows(rows);
            for step in 0..80 {
                let what = g.below(10);
                match what {
                    0..=2 => {
                        let q = random_query(&mut g, &t.filter.clone());
                        t.set_filter(&q);
                        n.filter = q;
                        n.refilter();
                    }
                    3 => {
                        let f = [
                            StatusFilter::All,
                            StatusFilter::Running,
                            StatusFilter::Failed,
                        ][g.below(3)];
                        t.set_status_filter(f);
                        n.status = f;
                        n.refilter();
                    }
                    4 => {
                        let c = g.below(5);
                        t.sort_by(c);
                        if n.sort_col == Some(c) {
                            n.sort_desc = !n.sort_desc;
                        } else {
                            n.sort_col = Some(c);
                            n.sort_desc = false;
                        }
                        n.resort();
                    }
                    5 => {
                        t.sort_next(4);
                        n.sort_col = match n.sort_col {
                            None => Some(0),
                            Some(c) if c + 1 < 4 => Some(c + 1),
                            _ => None,
                        };
                        n.resort();
                    }
                    6 | 7 => {
                        // A poll that changed a few rows in place (same ids, same places).
                        let k = g.below(4) + 1;
                        let mut changes = Vec::new();
                        let mut all = n.rows.clone();
                        for _ in 0..k {
                            if all.is_empty() {
                                break;
                            }
                            let i = g.below(all.len());
                            let mut r = random_row(&mut g, &all[i].id);
                            if g.below(3) == 0 {
                                r.cells = all[i].cells.clone();
                            }
                            all[i] = r.clone();
                            changes.push((i, r));
                        }
                        t.update_rows(changes);
                        n.set_rows(all);
                    }
                    8 if g.below(2) == 0 => {
                        // The next page of a list that loads progressively.
                        let k = g.below(6);
                        let more = fresh(&mut g, k);
                        let mut all = n.rows.clone();
                        all.extend(more.iter().cloned());
                        t.extend_rows(more);
                        n.set_rows(all);
                    }
                    8 => {
                        // A poll with hosts added, removed and moved.
                        let mut all = n.rows.clone();
                        all.retain(|_| g.below(5) != 0);
                        if g.below(2) == 0 {
                            all.reverse();
                        }
                        let k = g.below(5);
                        all.extend(fresh(&mut g, k));
                        t.set_rows(all.clone());
                        n.set_rows(all);
                    }
                    _ => {
                        let d = g.below(7) as isize - 3;
                        t.move_by(d);
                        if !n.view.is_empty() {
                            let last = n.view.len() as isize - 1;
                            n.selected = (n.selected as isize + d).clamp(0, last) as usize;
                        }
                    }
                }
                let ctx = || {
                    format!(
                        "seed {seed} step {step} op {what} filter {:?} sort {:?} desc {} status {:?}",
                        t.filter, t.sort_col, t.sort_desc, t.status_filter
                    )
                };
                assert_eq!(t.rows, n.rows, "{}", ctx());
                assert_eq!(t.view, n.view, "{}", ctx());
                assert_eq!(t.selected, n.selected, "{}", ctx());
            }
        }
    }

    #[test]
    fn selection_follows_its_row_when_an_update_moves_it() {
        let mut t = TableState::new(vec![false, true, false]);
        t.set_rows(rows());
        t.sort_by(1); // count: 9 (zerg), 10 (terran), 100 (protoss)
        t.select_id("1");
        assert_eq!(t.selected, 1);
        // terran's count grows past protoss: it moves to the end, the selection with it.
        let mut r = t.rows[0].clone();
        r.cells[1] = "1000".into();
        t.update_rows([(0, r)]);
        let ids: Vec<&str> = t.view.iter().map(|&i| t.rows[i].id.as_str()).collect();
        assert_eq!(ids, ["2", "3", "1"]);
        assert_eq!(t.selected_row().unwrap().id, "1");
        // A filter that hides it, then an update that shows it again.
        t.set_filter("terran");
        assert_eq!(t.view, vec![0]);
        let mut r = t.rows[2].clone();
        r.cells[0] = "terran-2".into();
        t.update_rows([(2, r)]);
        let ids: Vec<&str> = t.view.iter().map(|&i| t.rows[i].id.as_str()).collect();
        assert_eq!(ids, ["3", "1"]);
        assert_eq!(t.selected_row().unwrap().id, "1");
    }

    #[test]
    fn narrowing_and_negation_edges() {
        assert!(narrows(&terms("hz"), &terms("hz1")));
        assert!(narrows(&terms("!hz1"), &terms("!hz")));
        assert!(!narrows(&terms("!hz"), &terms("!hz1")));
        assert!(!narrows(&terms("hz1"), &terms("hz")));
        assert!(narrows(&terms(""), &terms("x")));
        assert!(narrows(&terms("a b"), &terms("b ab")));
        // Alternatives are never taken as a narrowing: the whole set is filtered again.
        assert!(!narrows(&terms("ter"), &terms("terran|zerg")));
        assert!(!narrows(&terms("terran|zerg"), &terms("terran")));
    }

    #[test]
    fn a_word_with_bars_keeps_rows_with_any_of_its_alternatives() {
        let mut t = TableState::default();
        t.set_rows(rows());
        let ids = |t: &TableState| -> Vec<String> {
            let mut v: Vec<String> = t.view.iter().map(|&i| t.rows[i].id.clone()).collect();
            v.sort();
            v
        };
        t.set_filter("terran|protoss");
        assert_eq!(ids(&t), ["1", "3"]);
        // Narrowed by typing on, then widened again: always the same rule.
        t.set_filter("terran|protoss|zerg");
        assert_eq!(ids(&t), ["1", "2", "3"]);
        t.set_filter("!terran|zerg");
        assert_eq!(ids(&t), ["3"]);
        t.set_filter("terran|");
        assert_eq!(ids(&t), ["1"], "an empty alternative matches nothing");
    }
}
