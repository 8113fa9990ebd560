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

    pub fn scroll_by(&mut self, d: isize) {
        let max = self.len().saturating_sub(1);
        self.scroll = (self.scroll as isize + d).clamp(0, max as isize) as usize;
    }

    pub fn following(&self) -> bool {
        self.scroll == 0
    }
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
