//! Notifications: flash messages in the footer, the error history (`E`), and the notes about
//! this run shown in the help overlay (they arrive as messages, e.g. the demo's agents).

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

/// How long a flash message stays.
pub const FLASH_TTL: Duration = Duration::from_secs(4);
/// At most this many flashes are kept (the newest shows).
const MAX_FLASHES: usize = 3;
/// Errors remembered for the history view.
pub const ERROR_HISTORY: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone)]
pub struct Flash {
    pub level: Level,
    pub text: String,
    pub until: Instant,
}

/// An error remembered in the history view (`E`).
#[derive(Debug, Clone)]
pub struct ErrorEntry {
    pub at: SystemTime,
    pub context: String,
    pub message: String,
    pub trace_id: Option<String>,
}

/// Everything the app has to tell the user that is not the data on screen.
#[derive(Debug, Default)]
pub struct Notifications {
    pub flashes: VecDeque<Flash>,
    pub errors: VecDeque<ErrorEntry>,
    /// Lines about this run for the help overlay.
    pub notes: Vec<String>,
}

impl Notifications {
    /// A message for the footer until `now + FLASH_TTL`; an error is also remembered.
    pub fn flash(&mut self, level: Level, text: impl Into<String>, now: Instant) {
        let text = text.into();
        if level == Level::Error {
            self.remember_error("", &text, None, SystemTime::now());
        }
        self.show(level, text, now);
    }

    /// A message for the footer only: for an error the caller has already remembered (with
    /// its context and traceId), so that one error is one entry in the history.
    pub fn show(&mut self, level: Level, text: impl Into<String>, now: Instant) {
        let text = text.into();
        self.flashes.push_back(Flash {
            level,
            text,
            until: now + FLASH_TTL,
        });
        while self.flashes.len() > MAX_FLASHES {
            self.flashes.pop_front();
        }
    }

    /// Keep an error for the history view (bounded: the oldest goes first).
    pub fn remember_error(
        &mut self,
        context: &str,
        message: &str,
        trace_id: Option<String>,
        at: SystemTime,
    ) {
        self.errors.push_back(ErrorEntry {
            at,
            context: context.to_string(),
            message: message.to_string(),
            trace_id,
        });
        while self.errors.len() > ERROR_HISTORY {
            self.errors.pop_front();
        }
    }

    /// Drop the flashes whose time is up; true when one went.
    pub fn expire(&mut self, now: Instant) -> bool {
        let before = self.flashes.len();
        self.flashes.retain(|f| f.until > now);
        self.flashes.len() != before
    }

    /// When the next flash expires, if any.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.flashes.iter().map(|f| f.until).min()
    }

    /// The flash on show: the newest.
    pub fn current(&self) -> Option<&Flash> {
        self.flashes.back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flashes_expire_and_stay_bounded() {
        let mut n = Notifications::default();
        let t0 = Instant::now();
        for i in 0..5 {
            n.flash(Level::Info, format!("m{i}"), t0);
        }
        assert_eq!(n.flashes.len(), MAX_FLASHES);
        assert_eq!(n.current().map(|f| f.text.as_str()), Some("m4"));
        assert_eq!(n.next_expiry(), Some(t0 + FLASH_TTL));
        assert!(!n.expire(t0 + FLASH_TTL - Duration::from_millis(1)));
        assert!(n.expire(t0 + FLASH_TTL));
        assert!(n.current().is_none());
        assert!(n.next_expiry().is_none());
    }

    #[test]
    fn errors_are_remembered_with_their_trace_and_bounded() {
        let mut n = Notifications::default();
        n.flash(Level::Error, "boom", Instant::now());
        n.flash(Level::Warn, "careful", Instant::now());
        assert_eq!(n.errors.len(), 1, "only errors go to the history");
        for i in 0..ERROR_HISTORY + 10 {
            n.remember_error(
                "fetch",
                &format!("e{i}"),
                Some(format!("t{i}")),
                SystemTime::now(),
            );
        }
        assert_eq!(n.errors.len(), ERROR_HISTORY);
        let last = n
            .errors
            .back()
            .map(|e| (e.message.clone(), e.trace_id.clone()));
        assert_eq!(
            last,
            Some((
                format!("e{}", ERROR_HISTORY + 9),
                Some(format!("t{}", ERROR_HISTORY + 9))
            ))
        );
    }
}
