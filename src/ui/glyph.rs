//! Glyphs that read without colour.

use crate::config::theme::Tone;

/// One glyph per tone, distinct without colour; ASCII when the locale cannot show them.
pub fn tone_glyph(t: Tone, ascii: bool) -> &'static str {
    match (t, ascii) {
        (Tone::Ok, false) => "✔",
        (Tone::Running, false) => "●",
        (Tone::Pending, false) => "◌",
        (Tone::Ready, false) => "◷",
        (Tone::Failed, false) => "✖",
        (Tone::Warning, false) => "▲",
        (Tone::Canceling, false) => "⊗",
        (Tone::Blocked, false) => "⊘",
        (Tone::RolledBack, false) => "↶",
        (Tone::Unknown, false) => "?",
        (Tone::Ok, true) => "+",
        (Tone::Running, true) => ">",
        (Tone::Pending, true) => ".",
        (Tone::Ready, true) => "o",
        (Tone::Failed, true) => "x",
        (Tone::Warning, true) => "!",
        (Tone::Canceling, true) => "~",
        (Tone::Blocked, true) => "-",
        (Tone::RolledBack, true) => "<",
        (Tone::Unknown, true) => "?",
    }
}
