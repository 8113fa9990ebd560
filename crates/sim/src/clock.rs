//! Wall-clock milliseconds and the ISO-8601 strings OCP puts in its JSON.
//!
//! OCP servers answer in their local zone; the samples use `+08:00`, so the simulator does too.
//! Written by hand (days-from-civil) to avoid a date crate for two formats.

use std::time::{SystemTime, UNIX_EPOCH};

/// Offset of every timestamp the simulator prints: UTC+08:00, like the docs' samples.
const OFFSET_MS: i64 = 8 * 3600 * 1000;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Fixed base for seeded inventory times (2024-01-08T10:00:00+08:00), so that the same seed
/// yields the same JSON on every run.
pub const INVENTORY_BASE_MS: i64 = 1_704_679_200_000;

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    milli: u32,
}

fn parts(ms: i64) -> Parts {
    let local = ms + OFFSET_MS;
    let days = local.div_euclid(86_400_000);
    let rem = local.rem_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Parts {
        year,
        month,
        day,
        hour: (rem / 3_600_000) as u32,
        min: ((rem / 60_000) % 60) as u32,
        sec: ((rem / 1000) % 60) as u32,
        milli: (rem % 1000) as u32,
    }
}

/// `2024-01-08T10:11:12.345+08:00`
pub fn iso(ms: i64) -> String {
    let p = parts(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+08:00",
        p.year, p.month, p.day, p.hour, p.min, p.sec, p.milli
    )
}

/// `2024-01-08T10:11:12+08:00` (the second-precision form OCP uses for create/update times).
pub fn iso_secs(ms: i64) -> String {
    let p = parts(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        p.year, p.month, p.day, p.hour, p.min, p.sec
    )
}

/// `2024-01-08 10:11:12.345`, the prefix of an OCP log line.
pub fn log_stamp(ms: i64) -> String {
    let p = parts(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        p.year, p.month, p.day, p.hour, p.min, p.sec, p.milli
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso(0), "1970-01-01T08:00:00.000+08:00");
        assert_eq!(iso(INVENTORY_BASE_MS), "2024-01-08T10:00:00.000+08:00");
        assert_eq!(
            iso_secs(INVENTORY_BASE_MS + 61_500),
            "2024-01-08T10:01:01+08:00"
        );
        assert_eq!(log_stamp(951_782_400_000), "2000-02-29 08:00:00.000");
    }
}
