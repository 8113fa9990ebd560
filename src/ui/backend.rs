//! A ratatui backend that writes fewer bytes than `CrosstermBackend`, for thin SSH links.
//!
//! ratatui hands a backend only the cells that changed. `CrosstermBackend` then starts every
//! frame from the default colours, ends it with a reset of colours and attributes, moves the
//! cursor with an absolute `ESC[row;colH` before every run of cells, and hides the cursor on
//! every frame. This backend instead
//!
//! - remembers the terminal's colours and attributes from one frame to the next, and sends
//!   only what differs for the next cell (a changed foreground alone is one `ESC[3xm`);
//! - remembers where the terminal's cursor is, and reaches the next cell with the shortest
//!   of an absolute move, a relative one on the same row (`ESC[nC`, `ESC[nD`), or CR/LF for
//!   the start of a following row;
//! - hides or shows the cursor only when that changes;
//! - erases a run of eight or more blank default cells (text going away) with one
//!   `ESC[nX` (ECH, VT220 and every terminal emulator since) instead of n spaces;
//! - with [`LeanBackend::synchronized`], wraps each frame in synchronized output (DEC mode
//!   2026) only when the frame writes something: a frame with no changed cell (a poll that
//!   changed nothing, a timer tick inside the same second) sends zero bytes, not the 16 B
//!   of an empty begin/end pair.
//!
//! What it remembers is forgotten (and the terminal reset to a known state) whenever the
//! screen is cleared: on start, after a resize, and after Ctrl-Z / `fg` (`term::resume`
//! clears). Nothing else writes to the terminal between frames except OSC 52 (clipboard)
//! and the synchronized-update markers, which change neither colours nor the cursor.
//! `term::restore` resets the attributes before handing the terminal back.

use std::io::{self, Write};

use crossterm::{
    cursor::{Hide, MoveTo, Show},
    queue,
    style::{
        Attribute as CAttribute, Colors, Print, SetAttribute, SetBackgroundColor, SetColors,
        SetForegroundColor, SetUnderlineColor,
    },
    terminal::{self, Clear},
};
use ratatui::{
    backend::{Backend, ClearType, IntoCrossterm, WindowSize},
    buffer::Cell,
    layout::{Position, Size},
    style::{Color, Modifier},
};
use unicode_width::UnicodeWidthStr;

/// The terminal's drawing state as this backend left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    const DEFAULT: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };
}

pub struct LeanBackend<W: Write> {
    writer: W,
    pen: Pen,
    /// Where the terminal's cursor is, when known for sure.
    cursor: Option<(u16, u16)>,
    /// Whether the cursor is shown, when known.
    visible: Option<bool>,
    /// Columns of the screen at the last `size()` (0: unknown). `size()` takes `&self`.
    cols: std::cell::Cell<u16>,
    /// Wrap frames in synchronized-output markers.
    sync: bool,
    /// Which cells are known to be blank on the terminal (for ECH across unchanged cells).
    shade: Shade,
    /// A begin marker was sent and its end is due at the next flush.
    in_frame: bool,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(writer: W) -> Self {
        LeanBackend {
            writer,
            pen: Pen::DEFAULT,
            cursor: None,
            visible: None,
            cols: std::cell::Cell::new(0),
            sync: false,
            in_frame: false,
            shade: Shade::default(),
        }
    }

    /// Wrap each frame that writes anything in synchronized output (`ESC[?2026h` …
    /// `ESC[?2026l`), so SSH and tmux never show half a frame; a frame that writes nothing
    /// sends nothing at all.
    pub fn synchronized(mut self) -> Self {
        self.sync = true;
        self
    }

    /// Opens the frame's synchronized update before its first byte.
    fn begin(&mut self) -> io::Result<()> {
        if self.sync && !self.in_frame {
            self.in_frame = true;
            self.writer.write_all(b"\x1b[?2026h")?;
        }
        Ok(())
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// Forget what the terminal looks like: the next frame sets everything it needs.
    fn forget(&mut self) -> io::Result<()> {
        queue!(self.writer, SetAttribute(CAttribute::Reset))?;
        self.pen = Pen::DEFAULT;
        self.cursor = None;
        self.visible = None;
        Ok(())
    }

    /// Moves the cursor to `(x, y)` with the fewest bytes.
    fn move_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        let Some((cx, cy)) = self.cursor else {
            return queue!(self.writer, MoveTo(x, y));
        };
        if (cx, cy) == (x, y) {
            return Ok(());
        }
        // Lengths first, so a move costs no allocation on the drawing path.
        let absolute = 4 + digits(y as u32 + 1) + digits(x as u32 + 1);
        let forward = |n: u16| if n == 1 { 3 } else { 3 + digits(n as u32) };
        let w = &mut self.writer;
        if cy == y {
            let (len, n, dir) = if x > cx {
                (forward(x - cx), x - cx, 'C')
            } else {
                (3 + digits((cx - x) as u32), cx - x, 'D')
            };
            if len < absolute {
                return if n == 1 && dir == 'C' {
                    w.write_all(b"\x1b[C")
                } else {
                    write!(w, "\x1b[{n}{dir}")
                };
            }
        } else if y > cy && y - cy <= 2 {
            // CR, LF per row (raw mode: LF only moves down), then forward.
            let rows = (y - cy) as usize;
            let len = 1 + rows + if x > 0 { forward(x) } else { 0 };
            if len < absolute {
                w.write_all(if rows == 1 { b"\r\n" } else { b"\r\n\n" })?;
                return match x {
                    0 => Ok(()),
                    1 => w.write_all(b"\x1b[C"),
                    _ => write!(w, "\x1b[{x}C"),
                };
            }
        }
        write!(w, "\x1b[{};{}H", y as u32 + 1, x as u32 + 1)
    }

    fn set_pen(&mut self, cell: &Cell) -> io::Result<()> {
        let to = Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        };
        let from = self.pen;
        if from.modifier != to.modifier {
            queue_modifier_diff(&mut self.writer, from.modifier, to.modifier)?;
        }
        match (from.fg != to.fg, from.bg != to.bg) {
            (true, true) => queue!(
                self.writer,
                SetColors(Colors::new(to.fg.into_crossterm(), to.bg.into_crossterm()))
            )?,
            (true, false) => queue!(self.writer, SetForegroundColor(to.fg.into_crossterm()))?,
            (false, true) => queue!(self.writer, SetBackgroundColor(to.bg.into_crossterm()))?,
            (false, false) => {}
        }
        if from.underline != to.underline {
            queue!(
                self.writer,
                SetUnderlineColor(to.underline.into_crossterm())
            )?;
        }
        self.pen = to;
        Ok(())
    }
}

/// Which cells of the terminal hold a blank default cell, as far as this backend knows:
/// everything after a full clear, then what it wrote since. Unknown cells count as not blank.
#[derive(Debug, Default)]
struct Shade {
    blank: Vec<bool>,
    /// Columns the cells were recorded at; another width forgets them.
    cols: u16,
    /// What a cell not recorded yet holds: blank after a full clear, unknown otherwise.
    rest: bool,
}

impl Shade {
    fn reset(&mut self, cleared: bool, cols: u16) {
        self.blank.clear();
        self.rest = cleared;
        self.cols = cols;
    }

    fn blank(&self, x: u16, y: u16, cols: u16) -> bool {
        if cols != self.cols || x >= cols {
            return false;
        }
        let i = y as usize * cols as usize + x as usize;
        self.blank.get(i).copied().unwrap_or(self.rest)
    }

    fn set(&mut self, x: u16, y: u16, cols: u16, blank: bool) {
        if cols != self.cols {
            self.reset(false, cols);
        }
        if x >= cols {
            return;
        }
        let i = y as usize * cols as usize + x as usize;
        if i >= self.blank.len() {
            // Bounded by the screen: a terminal has at most 65,535 rows of as many columns.
            self.blank.resize(i + 1, self.rest);
        }
        self.blank[i] = blank;
    }
}

/// The shortest run of blank cells erased with ECH (`ESC[nX`, 4–5 bytes) rather than
/// written as spaces.
const ERASE_RUN: usize = 8;

/// A space with the terminal's default colours and no attribute: what ECH leaves behind.
fn is_plain_blank(c: &Cell) -> bool {
    c.symbol() == " "
        && c.fg == Color::Reset
        && c.bg == Color::Reset
        && c.underline_color == Color::Reset
        && c.modifier.is_empty()
}

/// Decimal digits of `n`.
fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// The attribute changes from `from` to `to`. Bold and dim share one off switch ("normal
/// intensity"), as do the two blinks: the one that stays on is set again.
fn queue_modifier_diff<W: Write>(w: &mut W, from: Modifier, to: Modifier) -> io::Result<()> {
    let removed = from - to;
    let mut again = Modifier::empty();
    for (group, off) in [
        (Modifier::BOLD | Modifier::DIM, CAttribute::NormalIntensity),
        (
            Modifier::SLOW_BLINK | Modifier::RAPID_BLINK,
            CAttribute::NoBlink,
        ),
    ] {
        if removed.intersects(group) {
            queue!(w, SetAttribute(off))?;
            again |= from & to & group;
        }
    }
    for (m, off) in [
        (Modifier::REVERSED, CAttribute::NoReverse),
        (Modifier::ITALIC, CAttribute::NoItalic),
        (Modifier::UNDERLINED, CAttribute::NoUnderline),
        (Modifier::CROSSED_OUT, CAttribute::NotCrossedOut),
        (Modifier::HIDDEN, CAttribute::NoHidden),
    ] {
        if removed.contains(m) {
            queue!(w, SetAttribute(off))?;
        }
    }
    let added = (to - from) | again;
    for (m, on) in [
        (Modifier::REVERSED, CAttribute::Reverse),
        (Modifier::BOLD, CAttribute::Bold),
        (Modifier::ITALIC, CAttribute::Italic),
        (Modifier::UNDERLINED, CAttribute::Underlined),
        (Modifier::DIM, CAttribute::Dim),
        (Modifier::CROSSED_OUT, CAttribute::CrossedOut),
        (Modifier::SLOW_BLINK, CAttribute::SlowBlink),
        (Modifier::RAPID_BLINK, CAttribute::RapidBlink),
        (Modifier::HIDDEN, CAttribute::Hidden),
    ] {
        if added.contains(m) {
            queue!(w, SetAttribute(on))?;
        }
    }
    Ok(())
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        let mut k = 0;
        while k < cells.len() {
            let (x, y, cell) = cells[k];
            k += 1;
            self.begin()?;
            self.move_to(x, y)?;
            // A run of blank default cells (a panel's old text going away) is erased with
            // one `ESC[nX` instead of n spaces.
            // Cells ratatui left out (unchanged) are crossed when this backend knows they
            // are blank already.
            if is_plain_blank(cell) {
                let cols = self.cols.get();
                let (mut c, mut j, mut end, mut taken) = (x + 1, k, x + 1, 1usize);
                while c < cols {
                    match cells.get(j) {
                        Some(&(cx, cy, cell)) if cy == y && cx == c => {
                            if !is_plain_blank(cell) {
                                break;
                            }
                            j += 1;
                            taken += 1;
                            end = c + 1;
                        }
                        _ if self.shade.blank(c, y, cols) => {}
                        _ => break,
                    }
                    c += 1;
                }
                if taken >= ERASE_RUN {
                    if self.pen.bg != Color::Reset {
                        queue!(
                            self.writer,
                            SetBackgroundColor(Color::Reset.into_crossterm())
                        )?;
                        self.pen.bg = Color::Reset;
                    }
                    write!(self.writer, "\x1b[{}X", end - x)?;
                    for cx in x..end {
                        self.shade.set(cx, y, cols, true);
                    }
                    self.cursor = Some((x, y));
                    k = j;
                    continue;
                }
            }
            self.set_pen(cell)?;
            let sym = cell.symbol();
            queue!(self.writer, Print(sym))?;
            // Only a one-column symbol short of the right edge leaves the cursor where it
            // is certain to be (wide glyphs are measured differently by some terminals, and
            // the last column leaves a pending wrap).
            let next = x.saturating_add(1);
            self.cursor = (sym.width() == 1 && next < self.cols.get()).then_some((next, y));
            let cols = self.cols.get();
            self.shade.set(x, y, cols, is_plain_blank(cell));
            if sym.width() > 1 {
                self.shade.set(next, y, cols, false);
            }
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(false) {
            self.begin()?;
            queue!(self.writer, Hide)?;
            self.visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(true) {
            self.begin()?;
            queue!(self.writer, Show)?;
            self.visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        crossterm::cursor::position()
            .map(|(x, y)| Position { x, y })
            .map_err(|e| io::Error::other(e.to_string()))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        if self.cursor != Some((x, y)) {
            self.begin()?;
        }
        self.move_to(x, y)?;
        self.cursor = Some((x, y));
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Cleared cells take the current background: reset first.
        self.forget()?;
        self.shade
            .reset(clear_type == ClearType::All, self.cols.get());
        queue!(
            self.writer,
            Clear(match clear_type {
                ClearType::All => terminal::ClearType::All,
                ClearType::AfterCursor => terminal::ClearType::FromCursorDown,
                ClearType::BeforeCursor => terminal::ClearType::FromCursorUp,
                ClearType::CurrentLine => terminal::ClearType::CurrentLine,
                ClearType::UntilNewLine => terminal::ClearType::UntilNewLine,
            })
        )?;
        self.writer.flush()
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = terminal::size()?;
        self.cols.set(width);
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let s = terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: s.columns,
                height: s.rows,
            },
            pixels: Size {
                width: s.width,
                height: s.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.in_frame {
            self.in_frame = false;
            self.writer.write_all(b"\x1b[?2026l")?;
        }
        self.writer.flush()
    }
}

impl<W: Write> LeanBackend<W> {
    /// The screen's width, as `size()` learns it from the terminal (for writers that are
    /// not a terminal). Without it the cursor is never trusted after a write.
    pub fn set_columns(&mut self, cols: u16) {
        if cols != self.cols.get() {
            self.cols.set(cols);
            self.cursor = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    /// Replays what a backend wrote on a tiny terminal model: the cursor, the pen, cells.
    /// Understands exactly the sequences both backends use.
    struct Screen {
        w: u16,
        cells: Vec<(String, Pen)>,
        x: u16,
        y: u16,
        pen: Pen,
    }

    fn color(params: &[u16], i: &mut usize) -> Color {
        let kind = params[*i];
        match params.get(*i + 1).copied() {
            Some(5) => {
                let c = Color::Indexed(params[*i + 2] as u8);
                *i += 2;
                c
            }
            Some(2) => {
                let c = Color::Rgb(
                    params[*i + 2] as u8,
                    params[*i + 3] as u8,
                    params[*i + 4] as u8,
                );
                *i += 4;
                c
            }
            _ => {
                let _ = kind;
                Color::Reset
            }
        }
    }

    impl Screen {
        fn new(w: u16, h: u16) -> Screen {
            Screen {
                w,
                cells: vec![(" ".into(), Pen::DEFAULT); (w * h) as usize],
                x: 0,
                y: 0,
                pen: Pen::DEFAULT,
            }
        }

        fn sgr(&mut self, params: &[u16]) {
            let mut i = 0;
            if params.is_empty() {
                self.pen = Pen::DEFAULT;
            }
            while i < params.len() {
                let p = params[i];
                let m = &mut self.pen.modifier;
                match p {
                    0 => self.pen = Pen::DEFAULT,
                    1 => m.insert(Modifier::BOLD),
                    2 => m.insert(Modifier::DIM),
                    3 => m.insert(Modifier::ITALIC),
                    4 => m.insert(Modifier::UNDERLINED),
                    5 => m.insert(Modifier::SLOW_BLINK),
                    6 => m.insert(Modifier::RAPID_BLINK),
                    7 => m.insert(Modifier::REVERSED),
                    8 => m.insert(Modifier::HIDDEN),
                    9 => m.insert(Modifier::CROSSED_OUT),
                    22 => m.remove(Modifier::BOLD | Modifier::DIM),
                    23 => m.remove(Modifier::ITALIC),
                    24 => m.remove(Modifier::UNDERLINED),
                    25 => m.remove(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK),
                    27 => m.remove(Modifier::REVERSED),
                    28 => m.remove(Modifier::HIDDEN),
                    29 => m.remove(Modifier::CROSSED_OUT),
                    38 => self.pen.fg = color(params, &mut i),
                    48 => self.pen.bg = color(params, &mut i),
                    58 => self.pen.underline = color(params, &mut i),
                    39 => self.pen.fg = Color::Reset,
                    49 => self.pen.bg = Color::Reset,
                    59 => self.pen.underline = Color::Reset,
                    _ => panic!("unexpected SGR {p}"),
                }
                i += 1;
            }
        }

        fn feed(&mut self, bytes: &[u8]) {
            let s = std::str::from_utf8(bytes).unwrap();
            let mut it = s.chars().peekable();
            while let Some(c) = it.next() {
                match c {
                    '\r' => self.x = 0,
                    '\n' => self.y += 1,
                    '\x1b' => {
                        assert_eq!(it.next(), Some('['));
                        let mut body = String::new();
                        let fin = loop {
                            let c = it.next().unwrap();
                            if c.is_ascii_alphabetic() {
                                break c;
                            }
                            body.push(c);
                        };
                        if body.starts_with('?') {
                            continue; // cursor show / hide
                        }
                        let params: Vec<u16> = body
                            .split(';')
                            .filter(|p| !p.is_empty())
                            .map(|p| p.parse().unwrap())
                            .collect();
                        let n = params.first().copied().unwrap_or(1);
                        match fin {
                            'H' => {
                                self.y = params[0] - 1;
                                self.x = params[1] - 1;
                            }
                            'C' => self.x += n,
                            'D' => self.x -= n,
                            'm' => self.sgr(&params),
                            'X' => {
                                // Erase n characters from the cursor, which stays: blanks
                                // with the current background and nothing else.
                                for k in 0..n.min(self.w - self.x) {
                                    let i = (self.y * self.w + self.x + k) as usize;
                                    self.cells[i] = (
                                        " ".into(),
                                        Pen {
                                            bg: self.pen.bg,
                                            ..Pen::DEFAULT
                                        },
                                    );
                                }
                            }
                            'J' => {
                                for c in &mut self.cells {
                                    *c = (" ".into(), Pen::DEFAULT);
                                }
                            }
                            _ => panic!("unexpected CSI {body}{fin}"),
                        }
                    }
                    c => {
                        let k = (self.y * self.w + self.x) as usize;
                        self.cells[k] = (c.to_string(), self.pen);
                        self.x += 1;
                    }
                }
            }
        }
    }

    fn cells_of(buf: &Buffer) -> Vec<(String, Pen)> {
        buf.content
            .iter()
            .map(|c| {
                (
                    c.symbol().to_string(),
                    Pen {
                        fg: c.fg,
                        bg: c.bg,
                        underline: c.underline_color,
                        modifier: c.modifier,
                    },
                )
            })
            .collect()
    }

    /// A pseudo-random screen: runs of styled text at random places.
    fn scene(seed: u64, area: Rect) -> Buffer {
        let mut buf = Buffer::empty(area);
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        // Named colours go out as their 256-colour index; the model reads indices back.
        let colors = [
            Color::Reset,
            Color::Indexed(1),
            Color::Indexed(244),
            Color::Rgb(1, 2, 3),
            Color::Indexed(10),
        ];
        let mods = [
            Modifier::empty(),
            Modifier::BOLD,
            Modifier::DIM,
            Modifier::BOLD | Modifier::DIM,
            Modifier::REVERSED | Modifier::UNDERLINED,
            Modifier::ITALIC | Modifier::CROSSED_OUT,
            Modifier::SLOW_BLINK | Modifier::RAPID_BLINK,
            Modifier::RAPID_BLINK | Modifier::HIDDEN | Modifier::DIM,
        ];
        for _ in 0..(next() % 12) {
            let x = (next() % area.width as u64) as u16;
            let y = (next() % area.height as u64) as u16;
            let len = (next() % 12) as usize;
            let style = Style::default()
                .fg(colors[(next() % 5) as usize])
                .bg(colors[(next() % 5) as usize])
                .add_modifier(mods[(next() % mods.len() as u64) as usize]);
            let text: String = (0..len)
                .map(|k| (b'a' + ((next() + k as u64) % 26) as u8) as char)
                .collect();
            buf.set_stringn(x, y, &text, (area.width - x) as usize, style);
        }
        buf
    }

    /// A writer whose bytes can be counted from outside.
    #[derive(Clone, Default)]
    struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Sink {
        fn len(&self) -> usize {
            self.0.borrow().len()
        }
    }

    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Frame after frame of random changes: the replayed screen always equals the buffer,
    /// and the lean backend never writes more than ratatui's own.
    #[test]
    fn replays_exactly_and_never_writes_more_than_crossterm_backend() {
        let area = Rect::new(0, 0, 40, 8);
        let mut lean = LeanBackend::new(Vec::new());
        lean.set_columns(area.width);
        let sink = Sink::default();
        let mut plain = ratatui::backend::CrosstermBackend::new(sink.clone());
        let mut screen = Screen::new(area.width, area.height);
        // Cleared first, as a session starts: blank runs then go out as ECH, across the
        // unchanged blank cells too.
        lean.clear().unwrap();
        screen.feed(lean.writer());
        let mut prev = Buffer::empty(area);
        let (mut lean_bytes, mut plain_bytes) = (0, 0);
        for seed in 1..400u64 {
            let next = scene(seed, area);
            let diff = prev.diff(&next);
            let before = lean.writer().len();
            lean.draw(diff.iter().copied()).unwrap();
            lean.hide_cursor().unwrap();
            screen.feed(&lean.writer()[before..]);
            let want = cells_of(&next);
            if let Some(k) = (0..want.len()).find(|&k| screen.cells[k] != want[k]) {
                panic!(
                    "frame {seed}, cell {k}: screen {:?}, buffer {:?}",
                    screen.cells[k], want[k]
                );
            }
            lean_bytes += lean.writer().len() - before;
            let before = sink.len();
            plain.draw(diff.iter().copied()).unwrap();
            plain.hide_cursor().unwrap();
            plain_bytes += sink.len() - before;
            prev = next;
        }
        assert!(
            lean_bytes * 10 < plain_bytes * 9,
            "lean {lean_bytes} B vs ratatui's {plain_bytes} B"
        );
    }

    #[test]
    fn short_moves_are_relative_and_state_carries_over() {
        let mut b = LeanBackend::new(Vec::new());
        b.set_columns(80);
        let area = Rect::new(0, 0, 80, 4);
        let mut buf = Buffer::empty(area);
        buf.set_string(0, 0, "ab", Style::default().fg(Color::Red));
        buf.set_string(10, 0, "cd", Style::default().fg(Color::Red));
        buf.set_string(0, 1, "ef", Style::default().fg(Color::Red));
        let empty = Buffer::empty(area);
        b.draw(empty.diff(&buf).into_iter()).unwrap();
        let out = String::from_utf8(b.writer().clone()).unwrap();
        assert_eq!(out, "\x1b[1;1H\x1b[38;5;1mab\x1b[8Ccd\r\nef");
        // The next frame keeps the red pen: one changed cell is a move and a letter.
        let mut next = buf.clone();
        next.set_string(1, 1, "X", Style::default().fg(Color::Red));
        let n = b.writer().len();
        b.draw(buf.diff(&next).into_iter()).unwrap();
        assert_eq!(&b.writer()[n..], b"\x1b[1DX");
    }

    /// A frame that changes nothing writes nothing: ratatui's diff is empty, and the
    /// cursor's visibility is sent only when it changes.
    #[test]
    fn two_identical_frames_write_zero_bytes() {
        let area = Rect::new(0, 0, 40, 8);
        let mut t = ratatui::Terminal::new(LeanBackend::new(Vec::new())).unwrap();
        t.backend_mut().set_columns(area.width);
        let paint = |f: &mut ratatui::Frame| {
            f.buffer_mut()
                .set_string(2, 3, "⠋ running 12s", Style::default().fg(Color::Yellow));
        };
        t.draw(paint).unwrap();
        t.draw(paint).unwrap();
        let n = t.backend().writer().len();
        assert!(n > 0);
        for _ in 0..3 {
            t.draw(paint).unwrap();
        }
        assert_eq!(
            t.backend().writer().len(),
            n,
            "an unchanged frame wrote bytes"
        );
    }

    /// Synchronized output wraps a frame that changed something, and nothing else: an
    /// unchanged frame sends no empty begin/end pair.
    #[test]
    fn synchronized_markers_only_around_frames_that_write() {
        let backend = LeanBackend::new(Vec::new()).synchronized();
        let mut t = ratatui::Terminal::new(backend).unwrap();
        t.backend_mut().set_columns(40);
        let paint = |f: &mut ratatui::Frame, s: &str| {
            f.buffer_mut().set_string(1, 1, s, Style::default());
        };
        t.draw(|f| paint(f, "a")).unwrap();
        let first = String::from_utf8(t.backend().writer().clone()).unwrap();
        assert!(first.starts_with("\x1b[?2026h"), "{first:?}");
        assert!(first.ends_with("\x1b[?2026l"), "{first:?}");
        let n = t.backend().writer().len();
        t.draw(|f| paint(f, "a")).unwrap();
        assert_eq!(
            t.backend().writer().len(),
            n,
            "an unchanged frame wrote bytes"
        );
        t.draw(|f| paint(f, "b")).unwrap();
        assert_eq!(
            &t.backend().writer()[n..],
            b"\x1b[?2026h\x1b[1Db\x1b[?2026l"
        );
    }

    /// Text going away: a long blank run is one ECH, with the background reset first when
    /// the pen carries one; short runs stay spaces; the replay matches the buffer.
    #[test]
    fn blank_runs_are_erased_with_ech() {
        let area = Rect::new(0, 0, 60, 3);
        let mut b = LeanBackend::new(Vec::new());
        b.set_columns(area.width);
        let mut before = Buffer::empty(area);
        before.set_string(2, 0, "a long line of log text", Style::default());
        before.set_string(2, 1, "short", Style::default());
        before.set_string(0, 2, "x", Style::default().bg(Color::Indexed(4)));
        let mut screen = Screen::new(area.width, area.height);
        // A session starts with a cleared screen: every cell is known blank.
        b.clear().unwrap();
        b.draw(Buffer::empty(area).diff(&before).into_iter())
            .unwrap();
        screen.feed(b.writer());
        let mut after = Buffer::empty(area);
        after.set_string(0, 2, "x", Style::default().bg(Color::Indexed(4)));
        let n = b.writer().len();
        b.draw(before.diff(&after).into_iter()).unwrap();
        let out = String::from_utf8(b.writer()[n..].to_vec()).unwrap();
        screen.feed(&b.writer()[n..]);
        assert_eq!(screen.cells, cells_of(&after), "{out:?}");
        assert!(out.contains("\x1b[49m\x1b[23X"), "{out:?}");
        assert!(
            out.ends_with("     "),
            "a 5-cell run is written as spaces: {out:?}"
        );
        assert!(out.len() < 40, "{} B: {out:?}", out.len());
    }

    #[test]
    fn clear_and_cursor_visibility_reset_what_is_remembered() {
        let mut b = LeanBackend::new(Vec::new());
        b.hide_cursor().unwrap();
        b.hide_cursor().unwrap();
        assert_eq!(b.writer().as_slice(), b"\x1b[?25l");
        b.clear().unwrap();
        let n = b.writer().len();
        b.hide_cursor().unwrap();
        assert_eq!(
            &b.writer()[n..],
            b"\x1b[?25l",
            "after a clear the state is unknown"
        );
        assert!(String::from_utf8_lossy(b.writer()).contains("\x1b[0m\x1b[2J"));
    }
}
