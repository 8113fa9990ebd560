//! Wire answers → the neutral inventory (`model::inventory`). The pollers are the only part of
//! the root crate that reads the backends' wire models for the panes; everything above them
//! sees what these converters produce.

pub mod alarm;
pub mod obshell;
pub mod ocp;

/// `Some(s)` unless the backend sent an empty string for "none".
fn text(s: &str) -> Option<String> {
    Some(s.to_string()).filter(|v| !v.is_empty())
}
