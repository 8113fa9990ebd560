//! The raw JSON view (`d` on a row or a detail): the object as the server sent it, fetched by
//! its id when asked, scrollable, searchable (`/`, `n`, `N`) and copied whole with `y`
//! (OSC 52).
//!
//! Memory: nothing of a row's JSON is kept by the lists. The view asks for the one object
//! when it opens and holds that text only while it is on screen, so a 10,000-host pane costs
//! no second copy of its rows.

use crate::model::jobs::RawTarget;

/// The raw JSON of one object, while it is on screen.
#[derive(Debug, Clone)]
pub struct RawView {
    pub target: RawTarget,
    /// `None` while the request is out; the error's text when it failed.
    pub doc: Option<Result<String, String>>,
    /// How the text was obtained when it is not the object's own answer.
    pub note: Option<String>,
    /// The text's lines (split once when it arrives).
    pub lines: Vec<String>,
    /// First line shown.
    pub scroll: usize,
    /// Lines the last frame showed (paging), handed back by the runtime.
    pub page: usize,
    pub query: String,
    /// Lines that hold the query, in order, and which of them is current.
    pub matches: Vec<usize>,
    pub current: Option<usize>,
}

impl RawView {
    pub fn new(target: RawTarget) -> RawView {
        RawView {
            target,
            doc: None,
            note: None,
            lines: Vec::new(),
            scroll: 0,
            page: 20,
            query: String::new(),
            matches: Vec::new(),
            current: None,
        }
    }

    pub fn set_doc(&mut self, doc: Result<(String, Option<String>), String>) {
        match doc {
            Ok((text, note)) => {
                self.lines = text.lines().map(str::to_string).collect();
                self.doc = Some(Ok(text));
                self.note = note;
            }
            Err(e) => {
                self.lines = Vec::new();
                self.doc = Some(Err(e));
            }
        }
        self.scroll = self.scroll.min(self.max_scroll());
        let q = std::mem::take(&mut self.query);
        self.search(&q);
    }

    /// The text to copy: the whole document.
    pub fn text(&self) -> Option<&str> {
        match &self.doc {
            Some(Ok(t)) => Some(t),
            _ => None,
        }
    }

    pub fn max_scroll(&self) -> usize {
        self.lines.len().saturating_sub(self.page.max(1))
    }

    pub fn scroll_by(&mut self, d: isize) {
        let s = (self.scroll as isize).saturating_add(d).max(0) as usize;
        self.scroll = s.min(self.max_scroll());
    }

    pub fn top(&mut self) {
        self.scroll = 0;
    }

    pub fn bottom(&mut self) {
        self.scroll = self.max_scroll();
    }

    /// Search for `q` (case-insensitive) and go to the first match at or after the top line.
    pub fn search(&mut self, q: &str) {
        self.query = q.to_string();
        self.matches.clear();
        self.current = None;
        if q.is_empty() {
            return;
        }
        let q = q.to_lowercase();
        self.matches = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&q))
            .map(|(i, _)| i)
            .collect();
        let from = self.scroll;
        self.current = self
            .matches
            .iter()
            .position(|&m| m >= from)
            .or((!self.matches.is_empty()).then_some(0));
        self.reveal();
    }

    /// Next (`forward`) or previous match, wrapping around.
    pub fn step(&mut self, forward: bool) {
        let n = self.matches.len();
        if n == 0 {
            return;
        }
        self.current = Some(match self.current {
            None => 0,
            Some(c) if forward => (c + 1) % n,
            Some(c) => (c + n - 1) % n,
        });
        self.reveal();
    }

    /// The line of the current match.
    pub fn current_line(&self) -> Option<usize> {
        self.current.and_then(|c| self.matches.get(c).copied())
    }

    fn reveal(&mut self) {
        if let Some(l) = self.current_line() {
            let page = self.page.max(1);
            if l < self.scroll || l >= self.scroll + page {
                self.scroll = l.saturating_sub(page / 3).min(self.max_scroll());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(n: usize) -> RawView {
        let mut v = RawView::new(RawTarget::Host(7));
        v.page = 10;
        let text: Vec<String> = (0..n)
            .map(|i| {
                if i % 25 == 0 {
                    format!("  \"ip\": \"10.0.0.{i}\",")
                } else {
                    format!("  \"k{i}\": {i},")
                }
            })
            .collect();
        v.set_doc(Ok((text.join("\n"), None)));
        v
    }

    #[test]
    fn search_finds_every_line_and_n_wraps_and_keeps_the_match_in_view() {
        let mut v = view(100);
        v.search("IP");
        assert_eq!(v.matches, [0, 25, 50, 75]);
        assert_eq!(v.current_line(), Some(0));
        v.step(true);
        v.step(true);
        assert_eq!(v.current_line(), Some(50));
        assert!(v.scroll <= 50 && 50 < v.scroll + v.page, "{}", v.scroll);
        v.step(true);
        v.step(true);
        assert_eq!(v.current_line(), Some(0), "wraps");
        v.step(false);
        assert_eq!(v.current_line(), Some(75));
        v.search("nothing here");
        assert_eq!(v.current_line(), None);
    }

    #[test]
    fn scrolling_stays_within_the_document() {
        let mut v = view(30);
        v.scroll_by(-5);
        assert_eq!(v.scroll, 0);
        v.scroll_by(1000);
        assert_eq!(v.scroll, 20);
        v.top();
        assert_eq!(v.scroll, 0);
        v.bottom();
        assert_eq!(v.scroll, 20);
        assert!(v.text().is_some_and(|t| t.contains("10.0.0.25")));
    }

    #[test]
    fn an_error_is_kept_as_text_and_copies_nothing() {
        let mut v = RawView::new(RawTarget::Cluster(1));
        assert!(v.text().is_none());
        v.set_doc(Err("HTTP 404".into()));
        assert!(v.text().is_none());
        assert!(matches!(&v.doc, Some(Err(e)) if e == "HTTP 404"));
    }
}
