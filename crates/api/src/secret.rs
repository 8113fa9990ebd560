//! A password held in memory: zeroed on drop, never printed.

use std::fmt;
use zeroize::Zeroizing;

/// A secret string (OCP password, root@sys password, agent password).
///
/// `Debug` and `Display` print a mask, so a secret cannot leak through a log line, a panic
/// message or an error. The bytes are wiped when the value is dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(Zeroizing::new(s.into()))
    }
    /// The plain text, for the one place that must send it.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }
    /// Wipe the value now (it is also wiped on drop).
    pub fn clear(&mut self) {
        self.0 = Zeroizing::new(String::new());
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("aaAA11__");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "aaAA11__");
    }

    #[test]
    fn clear_empties() {
        let mut s = Secret::new("x");
        s.clear();
        assert!(s.is_empty());
    }
}
