//! Text formats every layer shares: ages and durations as the screens print them.

/// `3s`, `2m05s`, `1h05m`.
pub fn short_age(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        if d.as_millis() < 10_000 && d.subsec_millis() != 0 && s < 1 {
            return format!("{:.1}s", d.as_secs_f64());
        }
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600)
    }
}

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
