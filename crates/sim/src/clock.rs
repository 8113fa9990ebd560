//! The simulator's time: a [`Clock`] it reads wherever it needs "now", and the ISO-8601
//! strings OCP puts in its JSON.
//!
//! A [`Clock`] is the wall clock by default; [`Clock::manual`] makes one that only moves when
//! told to ([`Clock::advance`]), so a test can create a task and step time to make its subtasks
//! advance deterministically instead of running the engine fast and waiting.
//!
//! What reads the clock: task and DAG progress, every timestamp written into JSON and logs, and
//! the seeded tasks' start times. What does not: the obshell auth header's expiry and the replay
//! guard (the header's `ts` comes from the client's real clock, so it is checked against the
//! real one), request durations, and the rate-limit window (both measure real elapsed time).
//!
//! OCP servers answer in their local zone; the samples use `+08:00`, so the simulator does too.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::Timestamp;

/// Offset of every timestamp the simulator prints: UTC+08:00, like the docs' samples.
const OFFSET: Offset = Offset::constant(8);

/// Milliseconds since the Unix epoch, now, by the wall clock.
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Where the simulator reads "now". Cheap to clone; clones share one time.
#[derive(Clone, Default)]
pub struct Clock(Source);

#[derive(Clone, Default)]
enum Source {
    /// The wall clock.
    #[default]
    System,
    /// Unix milliseconds that move only by [`Clock::advance`] / [`Clock::set_ms`].
    Manual(Arc<AtomicI64>),
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Source::System => f.write_str("Clock::System"),
            Source::Manual(ms) => write!(f, "Clock::Manual({})", ms.load(Ordering::SeqCst)),
        }
    }
}

impl Clock {
    /// The wall clock (the default).
    pub fn system() -> Clock {
        Clock(Source::System)
    }

    /// A clock stopped at `start_ms` (Unix milliseconds) until advanced.
    pub fn manual(start_ms: i64) -> Clock {
        Clock(Source::Manual(Arc::new(AtomicI64::new(start_ms))))
    }

    /// A clock stopped at the wall clock's current time until advanced (so timestamps still
    /// look current).
    pub fn manual_now() -> Clock {
        Clock::manual(wall_ms())
    }

    /// Whether this clock moves only when told to.
    pub fn is_manual(&self) -> bool {
        matches!(self.0, Source::Manual(_))
    }

    /// Unix milliseconds now, by this clock.
    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Source::System => wall_ms(),
            Source::Manual(ms) => ms.load(Ordering::SeqCst),
        }
    }

    /// Move a manual clock forward by `by` (saturating). The wall clock cannot be moved: on a
    /// system clock this does nothing and returns false.
    pub fn advance(&self, by: Duration) -> bool {
        match &self.0 {
            Source::System => false,
            Source::Manual(ms) => {
                let step = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
                let mut cur = ms.load(Ordering::SeqCst);
                loop {
                    let next = cur.saturating_add(step);
                    match ms.compare_exchange(cur, next, Ordering::SeqCst, Ordering::SeqCst) {
                        Ok(_) => return true,
                        Err(seen) => cur = seen,
                    }
                }
            }
        }
    }

    /// Set a manual clock to `ms` (it may go backwards; the engine never moves a task back).
    /// Does nothing on a system clock and returns false.
    pub fn set_ms(&self, to: i64) -> bool {
        match &self.0 {
            Source::System => false,
            Source::Manual(ms) => {
                ms.store(to, Ordering::SeqCst);
                true
            }
        }
    }
}

/// Fixed base for seeded inventory times (2024-01-08T10:00:00+08:00), so that the same seed
/// yields the same JSON on every run.
pub const INVENTORY_BASE_MS: i64 = 1_704_679_200_000;

/// The civil time at +08:00 of `ms`, clamped to the range jiff represents (years -9999..=9999).
fn civil(ms: i64) -> DateTime {
    let ts = Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    OFFSET.to_datetime(ts)
}

/// `2024-01-08T10:11:12.345+08:00`
pub fn iso(ms: i64) -> String {
    let t = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+08:00",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// `2024-01-08T10:11:12+08:00` (the second-precision form OCP uses for create/update times).
pub fn iso_secs(ms: i64) -> String {
    let t = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `2024-01-08 10:11:12.345`, the prefix of an OCP log line.
pub fn log_stamp(ms: i64) -> String {
    let t = civil(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
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
        // Before the epoch, and across a day boundary in +08:00.
        assert_eq!(iso(-1), "1970-01-01T07:59:59.999+08:00");
        assert_eq!(iso_secs(1_704_643_200_000 - 1), "2024-01-07T23:59:59+08:00");
        // Out of range does not panic.
        assert!(iso(i64::MAX).starts_with("9999-12-31T"));
        assert!(iso(i64::MIN).starts_with("-"));
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = Clock::manual(1_000);
        let other = c.clone();
        assert_eq!(c.now_ms(), 1_000);
        assert!(c.advance(Duration::from_millis(250)));
        assert_eq!(other.now_ms(), 1_250, "clones share one time");
        assert!(other.set_ms(5));
        assert_eq!(c.now_ms(), 5);
        assert!(c.is_manual());
        c.set_ms(i64::MAX - 1);
        c.advance(Duration::from_secs(10));
        assert_eq!(c.now_ms(), i64::MAX);
    }

    #[test]
    fn system_clock_follows_the_wall_and_cannot_be_moved() {
        let c = Clock::default();
        assert!(!c.is_manual());
        let before = wall_ms();
        assert!(!c.advance(Duration::from_secs(3600)));
        let now = c.now_ms();
        assert!(now >= before && now < before + 60_000);
    }
}
