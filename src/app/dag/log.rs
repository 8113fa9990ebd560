//! The subtask log buffer. OCP (and obshell) return the whole log on every poll, so the
//! buffer appends only what is new, keeps a bounded tail (lines and bytes), and strips
//! control characters so a log can never drive the terminal.

use std::collections::VecDeque;

/// Most lines kept.
pub const MAX_LINES: usize = 5_000;
/// Most bytes kept (sum of kept line lengths).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Longer lines are cut (a log without newlines must not become one huge line).
pub const MAX_LINE: usize = 2_000;
/// Bytes remembered just before the consumed prefix, to recognise the same log next time.
const ANCHOR: usize = 64;

#[derive(Debug, Clone, Default)]
pub struct LogBuf {
    node: Option<String>,
    lines: VecDeque<String>,
    bytes: usize,
    /// The unfinished last line (no newline yet).
    partial: String,
    /// Bytes of the server's text already consumed.
    consumed: usize,
    /// The last bytes of the consumed prefix.
    anchor: String,
    /// Lines dropped from the front (or skipped) so far.
    pub dropped: u64,
    /// Lines scrolled up from the bottom; 0 follows the end.
    pub scroll: usize,
    /// Polled at least once for this node.
    pub loaded: bool,
    /// Lines popped from the front since the log started: a line's absolute number is this
    /// plus its index, so a pinned line or a search match survives the front being dropped.
    popped: u64,
    /// A line (absolute number) pinned at the top of the view (a jump to an ERROR line or a
    /// search match); `None` shows the end, `scroll` lines up.
    pub top: Option<u64>,
}

impl LogBuf {
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// Forget everything and start on `node`.
    pub fn reset(&mut self, node: Option<String>) {
        *self = LogBuf {
            node,
            ..LogBuf::default()
        };
    }

    /// Takes the server's whole log text; appends only what was not seen yet. A text that
    /// does not continue the previous one (log rotated, different node) starts over.
    pub fn feed(&mut self, node: &str, full: &str) {
        if self.node.as_deref() != Some(node) {
            self.reset(Some(node.to_string()));
        }
        self.loaded = true;
        let continues = self.consumed <= full.len()
            && full.is_char_boundary(self.consumed)
            && full[..self.consumed].ends_with(self.anchor.as_str());
        let new = if continues {
            &full[self.consumed..]
        } else {
            let keep_scroll = self.scroll;
            self.reset(Some(node.to_string()));
            self.loaded = true;
            self.scroll = keep_scroll.min(MAX_LINES);
            full
        };
        let before = self.lines.len();
        self.append(new);
        self.consumed = full.len();
        let mut a = full.len().saturating_sub(ANCHOR);
        while !full.is_char_boundary(a) {
            a += 1;
        }
        self.anchor = full[a..].to_string();
        // Keep a scrolled-up view still while lines arrive below it.
        if self.scroll > 0 {
            let added = self.lines.len().saturating_sub(before);
            self.scroll = (self.scroll + added).min(self.lines.len());
        }
    }

    fn append(&mut self, mut new: &str) {
        if new.is_empty() {
            return;
        }
        // Only the tail can survive the bounds: skip straight to it.
        if new.len() > MAX_BYTES + MAX_LINE {
            let mut cut = new.len() - MAX_BYTES;
            while !new.is_char_boundary(cut) {
                cut += 1;
            }
            let skipped = &new[..cut];
            self.dropped += skipped.bytes().filter(|&b| b == b'\n').count() as u64;
            self.dropped += u64::from(!self.partial.is_empty());
            self.partial.clear();
            new = &new[cut..];
            // Resume at a line start.
            match new.find('\n') {
                Some(i) => new = &new[i + 1..],
                None => new = "",
            }
        }
        let mut parts = new.split('\n');
        let first = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        push_clean(&mut self.partial, first);
        if let Some((last, complete)) = rest.split_last() {
            let done = std::mem::take(&mut self.partial);
            self.push_line(done);
            for l in complete {
                let mut s = String::new();
                push_clean(&mut s, l);
                self.push_line(s);
            }
            push_clean(&mut self.partial, last);
        }
    }

    fn push_line(&mut self, line: String) {
        self.bytes += line.len();
        self.lines.push_back(line);
        while self.lines.len() > MAX_LINES || self.bytes > MAX_BYTES {
            match self.lines.pop_front() {
                Some(l) => {
                    self.bytes -= l.len();
                    self.dropped += 1;
                    self.popped += 1;
                }
                None => break,
            }
        }
    }

    /// Kept complete lines plus the unfinished one.
    pub fn len(&self) -> usize {
        self.lines.len() + usize::from(!self.partial.is_empty())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held (lines and the unfinished one).
    pub fn bytes(&self) -> usize {
        self.bytes + self.partial.len()
    }

    pub fn line(&self, i: usize) -> Option<&str> {
        match self.lines.get(i) {
            Some(l) => Some(l.as_str()),
            None if i == self.lines.len() && !self.partial.is_empty() => Some(&self.partial),
            None => None,
        }
    }

    /// The `rows` lines to show, honouring the scroll position.
    pub fn window(&self, rows: usize) -> impl Iterator<Item = &str> + '_ {
        let len = self.len();
        let scroll = self.scroll.min(len);
        let end = len - scroll;
        let start = end.saturating_sub(rows);
        (start..end).filter_map(move |i| self.line(i))
    }

    /// Scroll `d` lines up (negative: down). A pinned line moves with it; scrolling down
    /// to the end of an unpinned log follows it again.
    pub fn scroll_by(&mut self, d: isize) {
        let max = self.len().saturating_sub(1);
        if let Some(t) = self.top_index() {
            let t = (t as isize - d).clamp(0, max as isize) as usize;
            self.top = Some(self.popped + t as u64);
            return;
        }
        self.scroll = (self.scroll as isize + d).clamp(0, max as isize) as usize;
    }

    /// Show the first line at the top.
    pub fn to_start(&mut self) {
        self.top = Some(self.popped);
        self.scroll = 0;
    }

    /// Follow the end again.
    pub fn to_end(&mut self) {
        self.top = None;
        self.scroll = 0;
    }

    pub fn following(&self) -> bool {
        self.scroll == 0 && self.top.is_none()
    }

    /// The absolute number of the line at index `i`.
    pub fn abs(&self, i: usize) -> u64 {
        self.popped + i as u64
    }

    /// The index of the line with absolute number `a`, if it is still kept.
    pub fn index_of_abs(&self, a: u64) -> Option<usize> {
        let i = usize::try_from(a.checked_sub(self.popped)?).ok()?;
        (i < self.len()).then_some(i)
    }

    /// The index of the pinned top line (clamped to what is kept).
    pub fn top_index(&self) -> Option<usize> {
        let t = self.top?;
        let i = t.saturating_sub(self.popped);
        Some(
            usize::try_from(i)
                .unwrap_or(usize::MAX)
                .min(self.len().saturating_sub(1)),
        )
    }

    /// Pin line `i` at the top of the view.
    pub fn pin(&mut self, i: usize) {
        self.top = Some(self.abs(i));
        self.scroll = 0;
    }

    /// Every kept line, oldest first.
    pub fn lines(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(move |i| self.line(i))
    }

    /// The whole kept log as one text (for saving), with a note when the front was dropped.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.bytes() + self.len() + 64);
        if self.dropped > 0 {
            out.push_str(&format!(
                "[obtui: {} earlier lines were not kept]\n",
                self.dropped
            ));
        }
        for l in self.lines() {
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    /// The index of the first line whose level is ERROR.
    pub fn first_error(&self) -> Option<usize> {
        (0..self.len()).find(|&i| self.line(i).is_some_and(is_error_line))
    }

    /// The failure's reason: the last ERROR line that is not a stack frame, whole.
    pub fn last_error(&self) -> Option<&str> {
        (0..self.len())
            .rev()
            .filter_map(|i| self.line(i))
            .find(|l| {
                is_error_line(l) && {
                    let m = JavaLine::parse(l).map_or(*l, |j| &l[j.message..]);
                    let m = m.trim_start();
                    !(m.starts_with("at ") || m.starts_with("..."))
                }
            })
    }
}

impl LogBuf {
    /// The server's UTC offset as the log itself states it: OCP opens each run of a subtask
    /// with `############{EXECUTE}{2021-08-25T15:09:32.697+08:00}############`, while its log
    /// lines carry the server's local time without a zone. The last such header wins.
    pub fn server_offset(&self) -> Option<i32> {
        (0..self.len())
            .rev()
            .filter_map(|i| self.line(i))
            .find_map(|l| {
                if !l.starts_with("####") {
                    return None;
                }
                l.split(['{', '}'])
                    .filter(|p| p.contains('T'))
                    .find_map(obtui_api::time::offset_secs_of)
            })
    }
}

/// The instant of a Java log line (`2026-12-05 15:05:45.123 …`, the server's local time),
/// given the server's offset; `None` when the line has no such time.
pub fn line_time_ms(line: &str, offset_secs: i32) -> Option<i64> {
    JavaLine::parse(line)?;
    let mut words = line.split_whitespace();
    let (date, time) = (words.next()?, words.next()?);
    let sign = if offset_secs < 0 { '-' } else { '+' };
    let off = offset_secs.unsigned_abs();
    let stamp = format!(
        "{date}T{time}{sign}{:02}:{:02}",
        off / 3600,
        (off % 3600) / 60
    );
    obtui_api::time::parse_ms(&stamp)
}

/// Is this an ERROR line (a Java log line of level ERROR, or a line that starts with it)?
pub fn is_error_line(l: &str) -> bool {
    match JavaLine::parse(l) {
        Some(j) => &l[j.level.clone()] == "ERROR",
        None => l.trim_start().starts_with("ERROR"),
    }
}

/// The parts of an OCP (Spring Boot style) log line:
/// `2026-12-05 15:05:45.123 ERROR 57200 --- [thread,trace] c.o.o.Foo : message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaLine {
    /// Byte range of the level word.
    pub level: std::ops::Range<usize>,
    /// Byte range of the prefix after the level (process id, thread and trace, logger),
    /// up to the message.
    pub prefix: std::ops::Range<usize>,
    /// Byte offset where the message starts.
    pub message: usize,
}

impl JavaLine {
    pub fn parse(l: &str) -> Option<JavaLine> {
        if !l.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let dash = l.find(" --- [")?;
        let head = &l[..dash];
        // date, time, level, pid
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in head.char_indices() {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    words.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push(s..head.len());
        }
        let [_, _, level, pid] = words.as_slice() else {
            return None;
        };
        let close = dash + l[dash..].find("] ")?;
        let colon = close + l[close..].find(" : ")?;
        Some(JavaLine {
            level: level.clone(),
            prefix: pid.start..colon + 3,
            message: colon + 3,
        })
    }
}

/// How the log is shown: wrapped or scrolled sideways, the Java prefix shown dimmed or folded,
/// and the search in it. Kept across nodes (only the search restarts with another log).
#[derive(Debug, Clone)]
pub struct LogView {
    /// Wrap long lines (the default), else scroll sideways by `hscroll` columns.
    pub wrap: bool,
    pub hscroll: usize,
    /// Hide the process, thread/trace and logger part of Java log lines.
    pub fold_prefix: bool,
    /// The search (ASCII case-insensitive) and the matching lines' absolute numbers.
    pub query: String,
    pub matches: Vec<u64>,
    /// The absolute number of the current match.
    pub current: Option<u64>,
}

impl Default for LogView {
    fn default() -> Self {
        LogView {
            wrap: true,
            hscroll: 0,
            fold_prefix: false,
            query: String::new(),
            matches: Vec::new(),
            current: None,
        }
    }
}

impl LogView {
    /// Find the query's lines again in `buf`.
    pub fn recompute(&mut self, buf: &LogBuf) {
        self.matches.clear();
        if self.query.is_empty() {
            self.current = None;
            return;
        }
        for (i, l) in buf.lines().enumerate() {
            if find_ci(l, &self.query).is_some() {
                self.matches.push(buf.abs(i));
            }
        }
        if self.current.is_some_and(|c| !self.matches.contains(&c)) {
            self.current = None;
        }
    }

    /// "3/12" (or "0/0"): the current match's place among all.
    pub fn position(&self) -> (usize, usize) {
        let k = self
            .current
            .and_then(|c| self.matches.iter().position(|&m| m == c))
            .map_or(0, |k| k + 1);
        (k, self.matches.len())
    }
}

/// Byte offset of `needle` in `hay`, ignoring ASCII case.
pub fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len() - n.len())
        .find(|&i| hay.is_char_boundary(i) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Appends `s` without control characters: tabs become spaces, ANSI escape sequences
/// (colours, cursor moves, OSC titles) and `\r` vanish, and the line stops growing at
/// [`MAX_LINE`] bytes.
fn push_clean(out: &mut String, s: &str) {
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if out.len() >= MAX_LINE {
            return;
        }
        match c {
            '\t' => out.push_str("    "),
            '\u{1b}' => match it.next() {
                // CSI: parameters up to a final byte in @..~
                Some('[') => {
                    for d in it.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
                // OSC: up to BEL or ST (ESC \)
                Some(']') => {
                    while let Some(d) = it.next() {
                        if d == '\u{7}' {
                            break;
                        }
                        if d == '\u{1b}' {
                            it.next_if_eq(&'\\');
                            break;
                        }
                    }
                }
                _ => {}
            },
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_only_new_text_and_keeps_the_partial_line() {
        let mut b = LogBuf::default();
        b.feed("1", "a\nb");
        assert_eq!(b.window(10).collect::<Vec<_>>(), ["a", "b"]);
        b.feed("1", "a\nbc\nd\n");
        assert_eq!(b.window(10).collect::<Vec<_>>(), ["a", "bc", "d"]);
        b.feed("1", "a\nbc\nd\n");
        assert_eq!(b.len(), 3);
        // A log that does not continue the old one starts over.
        b.feed("1", "x\n");
        assert_eq!(b.window(10).collect::<Vec<_>>(), ["x"]);
        // Another node starts over too.
        b.feed("2", "y\n");
        assert_eq!(b.node(), Some("2"));
        assert_eq!(b.window(10).collect::<Vec<_>>(), ["y"]);
    }

    #[test]
    fn java_lines_split_into_level_prefix_and_message() {
        let l = "2026-12-05 15:05:45.123 ERROR 57200 --- [pool-subtask-executor-thread-24,t-1] c.o.o.s.t.b.cluster.Foo : it broke : badly";
        let j = JavaLine::parse(l).unwrap();
        assert_eq!(&l[j.level.clone()], "ERROR");
        assert!(l[j.prefix.clone()].starts_with("57200 --- [pool"));
        assert_eq!(&l[j.message..], "it broke : badly");
        assert!(JavaLine::parse("plain text --- [x] y : z").is_none());
        assert!(is_error_line(l));
        let mut b = LogBuf::default();
        b.feed(
            "1",
            &format!("{l}\n2026-12-05 15:05:45.124 ERROR 1 --- [t] c.Foo : \tat x.y(Z.java:1)\n"),
        );
        assert_eq!(b.last_error(), Some(l));
        assert_eq!(b.first_error(), Some(0));
    }

    #[test]
    fn a_log_line_time_is_read_in_the_offset_its_run_header_states() {
        let mut b = LogBuf::default();
        b.feed(
            "1",
            "############{EXECUTE}{2026-12-05T08:37:00.000+08:00}############\n\
             2026-12-05 08:37:08.123 ERROR 1 --- [t] c.Foo : it broke\n",
        );
        assert_eq!(b.server_offset(), Some(8 * 3600));
        let l = b.last_error().unwrap();
        // 08:37:08.123 at +08:00 is 00:37:08.123Z.
        assert_eq!(
            line_time_ms(l, 8 * 3600),
            obtui_api::time::parse_ms("2026-12-05T00:37:08.123Z")
        );
        assert_eq!(line_time_ms("not a java line", 0), None);
        let mut plain = LogBuf::default();
        plain.feed("1", "2026-12-05 08:37:08.123 ERROR 1 --- [t] c.Foo : x\n");
        assert_eq!(plain.server_offset(), None);
    }

    #[test]
    fn control_characters_are_stripped() {
        let mut b = LogBuf::default();
        b.feed("1", "\x1b[31mred\x1b[0m\r\n\tx\n");
        assert_eq!(b.window(10).collect::<Vec<_>>(), ["red", "    x"]);
        b.feed(
            "1",
            "\x1b[31mred\x1b[0m\r\n\tx\n\x1b]0;title\x07ok \x1b]2;t\x1b\\done\n",
        );
        assert_eq!(b.window(1).collect::<Vec<_>>(), ["ok done"]);
    }
}
