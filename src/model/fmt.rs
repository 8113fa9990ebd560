//! Text formats every layer shares: ages and durations as the screens print them.

/// `0.4s`, `3s`, `2m05s`, `1h05m`, `1d02h`: the one age format, from the time module.
pub use obtui_api::time::format_age as short_age;

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ages() {
        assert_eq!(short_age(Duration::from_secs(5)), "5s");
        assert_eq!(short_age(Duration::from_millis(500)), "0.5s");
        assert_eq!(short_age(Duration::from_secs(125)), "2m05s");
        assert_eq!(short_age(Duration::from_secs(3900)), "1h05m");
        assert_eq!(short_age(Duration::from_secs(90_000)), "1d01h");
    }
}
