//! What the last frame laid out, as the app needs it: the terminal size, the page height and
//! the table's place for paging and the mouse, the DAG view's regions and the scroll it showed,
//! the wizard's visible rows. The drawing layer returns it ([`Drawn`]); the runtime hands it to
//! `App::on_drawn`. Drawing itself never writes the state.

use crate::model::pane::PaneKind;
use ratatui::layout::Rect;

/// Where the parts were drawn last, for the mouse and page keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Geometry {
    pub graph: Rect,
    pub side: Rect,
    pub log: Rect,
}

/// An ETA and the (second, poll) it was computed for.
pub type EtaAt = ((i64, u64), Option<obtui_task::Eta>);

/// One frame's layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drawn {
    pub size: (u16, u16),
    pub table: Option<TableDrawn>,
    /// The most the detail view can scroll (its last line at the bottom).
    pub detail_max_scroll: Option<u16>,
    /// The scroll the detail view drew at (moved to show a newly selected item).
    pub detail_scroll: Option<u16>,
    pub dag: Option<DagDrawn>,
    /// Rows of the wizard's form window.
    pub wizard_rows: Option<usize>,
    /// The most the help overlay can scroll (its last line at the bottom).
    pub help_max_scroll: Option<u16>,
    /// Lines of the raw JSON view's window.
    pub raw_rows: Option<usize>,
}

/// Where a pane's table went.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDrawn {
    pub pane: PaneKind,
    /// Body rows (one page).
    pub page_rows: usize,
    /// Screen row of the first body row (the header is the row above).
    pub top: u16,
    /// (x, width, column index) of each visible column header.
    pub header_cols: Vec<(u16, u16, usize)>,
    /// The first row shown (the selection kept in view).
    pub offset: usize,
}

/// Where the DAG view's parts went, and the scroll it drew at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DagDrawn {
    pub geom: Geometry,
    pub scroll: (u32, u32),
    pub list_top: usize,
    /// The ETA the header showed, for the view to keep until the next second or poll.
    pub eta: Option<EtaAt>,
}

/// A screen cell inside a rectangle.
pub fn inside(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
}

/// The column whose header holds screen column `col`, from a frame's header geometry.
pub fn header_column(cols: &[(u16, u16, usize)], col: u16) -> Option<usize> {
    cols.iter()
        .find(|(x, w, _)| col >= *x && col < x + w)
        .map(|&(_, _, i)| i)
}

/// The table row (index into the visible rows) at screen row `row`, if it is a body row.
pub fn table_row(t: &TableDrawn, row: u16) -> Option<usize> {
    (row >= t.top && usize::from(row - t.top) < t.page_rows)
        .then(|| t.offset + usize::from(row - t.top))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> TableDrawn {
        TableDrawn {
            pane: PaneKind::Hosts,
            page_rows: 10,
            top: 4,
            header_cols: vec![(1, 15, 0), (17, 8, 1), (26, 18, 2)],
            offset: 30,
        }
    }

    #[test]
    fn header_cells_map_to_their_column() {
        let t = table();
        assert_eq!(header_column(&t.header_cols, 1), Some(0));
        assert_eq!(
            header_column(&t.header_cols, 16),
            None,
            "the gap between columns"
        );
        assert_eq!(header_column(&t.header_cols, 20), Some(1));
        assert_eq!(header_column(&t.header_cols, 43), Some(2));
        assert_eq!(header_column(&t.header_cols, 44), None);
    }

    #[test]
    fn body_rows_map_through_the_offset() {
        let t = table();
        assert_eq!(table_row(&t, 3), None, "the header row");
        assert_eq!(table_row(&t, 4), Some(30));
        assert_eq!(table_row(&t, 13), Some(39));
        assert_eq!(table_row(&t, 14), None, "below the last body row");
    }

    #[test]
    fn inside_is_half_open() {
        let r = Rect::new(2, 3, 4, 5);
        assert!(inside(r, 2, 3));
        assert!(inside(r, 5, 7));
        assert!(!inside(r, 6, 7));
        assert!(!inside(r, 5, 8));
        assert!(!inside(Rect::default(), 0, 0));
    }
}
