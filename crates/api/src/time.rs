//! Time on the wire, in one place: reading the timestamps OCP and obshell send, writing them
//! back, and ages. Built on `jiff`; every instant here is Unix milliseconds (`i64`), which is
//! what the models and the task graph carry.
//!
//! Shapes read (all with an offset; a bare local time is refused, since the server's zone is
//! unknown):
//! - OCP (ISO 8601 with offset, any number of fraction digits):
//!   `2024-01-08T10:11:12.345+08:00`, `2021-08-25T15:09:31Z`, `2021-08-25T15:09:31.74+08:00`;
//! - obshell (Go's RFC3339Nano in the server's zone): `2026-05-20T10:15:02.418263551+08:00`;
//! - the other ISO 8601 spellings: a space or lower-case `t` for `T`, lower-case `z`, offsets
//!   `±HHMM` and `±HH`, a comma for the decimal point, a trailing `[Zone/Name]` annotation,
//!   fractions longer than nanoseconds (cut to nanoseconds), surrounding white space.
//!
//! "Not set yet" markers: OCP and obshell both write the Unix epoch in the server's zone
//! (`1970-01-01T08:00:00+08:00`); old obshell servers wrote Go's zero time
//! (`0001-01-01T00:00:00Z`). [`parse_set_ms`] and [`is_unset`] read every instant at or before
//! the epoch as such a marker.

use std::time::{Duration, SystemTime};

use jiff::tz::Offset;
use jiff::Timestamp;

/// Unix milliseconds of a timestamp in any of the shapes above, or `None` when it does not
/// parse. The epoch marker reads as `Some(0)`; see [`parse_set_ms`]. Sub-millisecond digits
/// are dropped (floor), so `…59.9995Z` is in the same millisecond as `…59.999Z`.
pub fn parse_ms(s: &str) -> Option<i64> {
    let ts = parse_timestamp(s)?;
    i64::try_from(ts.as_nanosecond().div_euclid(1_000_000)).ok()
}

/// Like [`parse_ms`], but the "not set yet" markers (the epoch in any zone, Go's zero time,
/// anything at or before the epoch) read as `None`.
pub fn parse_set_ms(s: &str) -> Option<i64> {
    parse_ms(s).filter(|&ms| ms > 0)
}

/// True for a "not set yet" marker or an unreadable value (obshell's `start_time` of a DAG
/// that has not started, its `end_time` while running).
pub fn is_unset(s: &str) -> bool {
    parse_set_ms(s).is_none()
}

/// A set timestamp as a `SystemTime` (`None` for markers and unreadable values).
pub fn parse_system_time(s: &str) -> Option<SystemTime> {
    let ms = u64::try_from(parse_set_ms(s)?).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms))
}

/// The `jiff` parse behind [`parse_ms`], after the normalisations jiff does not do itself.
fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    // jiff reads at most nine fraction digits; the servers never send more, but the old
    // hand-written parsers took any number, so longer fractions are cut, not refused.
    let cut;
    let s = match long_fraction(s) {
        Some((keep_to, resume_at)) => {
            cut = format!("{}{}", s.get(..keep_to)?, s.get(resume_at..)?);
            cut.as_str()
        }
        None => s,
    };
    // Four-digit years only: jiff also reads `+002024-…` (extended years) and basic-format
    // dates, neither of which a server writes, and a time zone annotation alone (without an
    // offset) is no offset.
    let b = s.as_bytes();
    if b.len() < 20 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    s.parse::<Timestamp>().ok()
}

/// For a fraction of more than nine digits: where to cut it and where the text resumes.
fn long_fraction(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let dot = 19;
    if !matches!(b.get(dot), Some(b'.' | b',')) {
        return None;
    }
    let digits = b[dot + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (digits > 9).then_some((dot + 1 + 9, dot + 1 + digits))
}

/// RFC 3339 in a fixed UTC offset, the way obshell writes it (Go's RFC3339Nano at
/// microsecond precision): `2026-05-20T10:15:02.512331+08:00`; whole seconds print without a
/// fraction (`1970-01-01T08:00:00+08:00`) and offset zero as `Z`. Offsets beyond ±25:59:59 are
/// written as UTC; instants beyond jiff's range (years ±9999) are clamped to it.
pub fn format_rfc3339(unix_ms: i64, offset_secs: i32) -> String {
    let ts = Timestamp::from_millisecond(unix_ms).unwrap_or(if unix_ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    let offset = Offset::from_seconds(offset_secs).unwrap_or(Offset::UTC);
    let dt = offset.to_datetime(ts);
    let micros = dt.subsec_nanosecond() / 1000;
    let frac = if micros == 0 {
        String::new()
    } else {
        format!(".{micros:06}")
    };
    let secs = offset.seconds();
    let off = if secs == 0 {
        "Z".to_string()
    } else {
        let sign = if secs < 0 { '-' } else { '+' };
        let a = secs.unsigned_abs();
        format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}{off}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// [`format_rfc3339`] in UTC: `2026-05-20T02:15:02.512000Z`.
pub fn format_utc(unix_ms: i64) -> String {
    format_rfc3339(unix_ms, 0)
}

/// Unix milliseconds of an HTTP `Date` header (RFC 9110's IMF-fixdate, `Sun, 06 Nov 1994
/// 08:49:37 GMT`, and the other RFC 2822 spellings), or `None` when it does not parse. The
/// fallback for a server's clock when it has no time endpoint (whole seconds only).
pub fn parse_http_date(s: &str) -> Option<i64> {
    let ts = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(s.trim())
        .ok()?;
    i64::try_from(ts.as_nanosecond().div_euclid(1_000_000)).ok()
}

/// Now, in Unix milliseconds (0 if the clock reads before the epoch).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// How long from `since_ms` to `now_ms`; never negative (a server clock ahead of ours gives
/// zero, not a negative age).
pub fn age_ms(since_ms: i64, now_ms: i64) -> i64 {
    now_ms.saturating_sub(since_ms).max(0)
}

/// A short age for a table cell: `0.4s` (under a second), `3s`, `2m05s`, `1h05m`, `3d02h`.
pub fn format_age(d: Duration) -> String {
    let s = d.as_secs();
    if s < 1 && d.subsec_millis() != 0 {
        format!("{:.1}s", d.as_secs_f64())
    } else if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600)
    }
}

/// [`format_age`] of a millisecond count (negative counts read as zero).
pub fn format_age_ms(ms: i64) -> String {
    format_age(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

/// Which zone the screens show times in (`time_zone` in config.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZoneSetting {
    /// This machine's zone (`TZ`, else `/etc/localtime`).
    #[default]
    Local,
    Utc,
    /// The zone the server writes its timestamps in (their UTC offset).
    Server,
}

impl ZoneSetting {
    /// `local`, `utc` or `server` (any case); anything else is `None`.
    pub fn parse(s: &str) -> Option<ZoneSetting> {
        match s.trim().to_ascii_lowercase().as_str() {
            "local" => Some(ZoneSetting::Local),
            "utc" | "z" => Some(ZoneSetting::Utc),
            "server" => Some(ZoneSetting::Server),
            _ => None,
        }
    }
}

/// The UTC offset, in seconds, a timestamp was written with (`+08:00` → 28800, `Z` → 0);
/// `None` when it does not parse or carries no offset.
pub fn offset_secs_of(s: &str) -> Option<i32> {
    parse_timestamp(s)?;
    let s = s.trim();
    // Drop a `[Zone/Name]` annotation, then read the offset at the end.
    let s = match s.find('[') {
        Some(i) => s.get(..i)?,
        None => s,
    };
    if s.ends_with(['Z', 'z']) {
        return Some(0);
    }
    let at = s.rfind(['+', '-'])?;
    // The date's own dashes are before the `T`: an offset comes after the time.
    if at < 19 {
        return None;
    }
    let sign = if s.as_bytes().get(at) == Some(&b'-') {
        -1
    } else {
        1
    };
    let digits: String = s
        .get(at + 1..)?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits.get(..2)?.parse::<i32>().ok()?,
            digits.get(2..)?.parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    Some(sign * (h * 3600 + m * 60))
}

/// The zone times are shown in, resolved: one per screen, named once in the header.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownZone {
    tz: jiff::tz::TimeZone,
    label: String,
}

impl Default for ShownZone {
    fn default() -> Self {
        ShownZone::utc()
    }
}

impl ShownZone {
    pub fn utc() -> ShownZone {
        ShownZone {
            tz: jiff::tz::TimeZone::UTC,
            label: "UTC".into(),
        }
    }

    /// This machine's zone; UTC when it cannot be found out.
    pub fn local() -> ShownZone {
        let tz = jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC);
        let label = format!(
            "local {}",
            offset_label(tz.to_offset(Timestamp::now()).seconds())
        );
        ShownZone { tz, label }
    }

    /// A server's zone, known by the offset its timestamps carry.
    pub fn server(offset_secs: i32) -> ShownZone {
        let off = Offset::from_seconds(offset_secs).unwrap_or(Offset::UTC);
        ShownZone {
            tz: jiff::tz::TimeZone::fixed(off),
            label: format!("server {}", offset_label(off.seconds())),
        }
    }

    /// What the header says: `UTC`, `local UTC+08:00`, `server UTC+08:00`.
    pub fn label(&self) -> &str {
        &self.label
    }

    fn civil(&self, unix_ms: i64) -> jiff::civil::DateTime {
        let ts = Timestamp::from_millisecond(unix_ms).unwrap_or(if unix_ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        self.tz.to_datetime(ts)
    }

    /// `15:04:20`.
    pub fn clock(&self, unix_ms: i64) -> String {
        let d = self.civil(unix_ms);
        format!("{:02}:{:02}:{:02}", d.hour(), d.minute(), d.second())
    }

    /// `15:04:20` on the day of `now_ms`, `12-05 15:04:20` on another day of its year,
    /// `2025-12-05 15:04:20` in another year: short where it can be, never ambiguous.
    pub fn stamp(&self, unix_ms: i64, now_ms: i64) -> String {
        let (d, now) = (self.civil(unix_ms), self.civil(now_ms));
        let clock = self.clock(unix_ms);
        if d.date() == now.date() {
            clock
        } else if d.year() == now.year() {
            format!("{:02}-{:02} {clock}", d.month(), d.day())
        } else {
            format!("{:04}-{:02}-{:02} {clock}", d.year(), d.month(), d.day())
        }
    }
}

/// `UTC`, `UTC+08:00`, `UTC-03:30`.
fn offset_label(secs: i32) -> String {
    if secs == 0 {
        return "UTC".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_setting_and_server_offsets() {
        assert_eq!(ZoneSetting::parse(" UTC "), Some(ZoneSetting::Utc));
        assert_eq!(ZoneSetting::parse("server"), Some(ZoneSetting::Server));
        assert_eq!(ZoneSetting::parse("Local"), Some(ZoneSetting::Local));
        assert_eq!(ZoneSetting::parse("Asia/Shanghai"), None);
        assert_eq!(offset_secs_of("2021-08-25T15:09:31.74+08:00"), Some(28_800));
        assert_eq!(offset_secs_of("2021-08-25T15:09:31Z"), Some(0));
        assert_eq!(offset_secs_of("2021-08-25T15:09:31-0330"), Some(-12_600));
        assert_eq!(offset_secs_of("2021-08-25 15:09:31"), None);
        assert_eq!(offset_secs_of("garbage"), None);
    }

    #[test]
    fn one_zone_one_format() {
        // 2021-08-25T07:09:31Z, shown in UTC and in the server's +08:00.
        let t = parse_ms("2021-08-25T15:09:31+08:00").unwrap();
        let (utc, server) = (ShownZone::utc(), ShownZone::server(28_800));
        assert_eq!(utc.clock(t), "07:09:31");
        assert_eq!(server.clock(t), "15:09:31");
        assert_eq!(server.label(), "server UTC+08:00");
        assert_eq!(utc.stamp(t, t + 3_600_000), "07:09:31");
        assert_eq!(utc.stamp(t, t + 86_400_000), "08-25 07:09:31");
        assert_eq!(utc.stamp(t, t + 400 * 86_400_000), "2021-08-25 07:09:31");
        // The same instant is "today" in one zone and "yesterday" in another.
        let late = parse_ms("2021-08-25T23:30:00Z").unwrap();
        let next = parse_ms("2021-08-26T00:30:00Z").unwrap();
        assert_eq!(utc.stamp(late, next), "08-25 23:30:00");
        assert_eq!(server.stamp(late, next), "07:30:00");
        assert!(ShownZone::local().label().starts_with("local UTC"));
    }

    #[test]
    fn http_dates_read_as_unix_ms() {
        // RFC 9110's example, and the same instant as OCP writes it.
        let want = parse_ms("1994-11-06T08:49:37Z");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), want);
        assert_eq!(parse_http_date(" Sun, 06 Nov 1994 08:49:37 +0000 "), want);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 16:49:37 +0800"), want);
        for bad in [
            "",
            "yesterday",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "1994-11-06T08:49:37Z",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ocp_shapes() {
        assert_eq!(parse_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_ms("1970-01-01T08:00:00+08:00"), Some(0));
        // 2021-08-25T07:09:31Z = 1629875371
        assert_eq!(
            parse_ms("2021-08-25T15:09:31+08:00"),
            Some(1_629_875_371_000)
        );
        assert_eq!(
            parse_ms("2021-08-25T15:09:31.74+08:00"),
            Some(1_629_875_371_740)
        );
        assert_eq!(
            parse_ms("2021-08-25T15:09:31.7+08:00"),
            Some(1_629_875_371_700)
        );
        assert_eq!(
            parse_ms("2021-08-25T07:09:31.295684Z"),
            Some(1_629_875_371_295)
        );
        assert_eq!(
            parse_ms("2021-08-24T22:09:31.000-09:00"),
            Some(1_629_875_371_000)
        );
        assert_eq!(
            parse_ms("2024-01-08T10:11:12.345+08:00"),
            Some(1_704_679_872_345)
        );
        // Leap day.
        assert_eq!(parse_ms("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
    }

    #[test]
    fn obshell_shapes() {
        assert_eq!(parse_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(
            parse_ms("2026-05-20T10:15:02.418263551+08:00"),
            Some(1_779_243_302_418)
        );
        assert_eq!(
            parse_ms("2021-09-02T08:39:29.295684Z"),
            Some(1_630_571_969_295)
        );
        assert_eq!(parse_ms("0001-01-01T00:00:00Z"), Some(-62_135_596_800_000));
    }

    #[test]
    fn odd_shapes() {
        let want = Some(1_629_875_371_000);
        for s in [
            "2021-08-25 15:09:31+08:00",
            "2021-08-25t15:09:31+08:00",
            "2021-08-25T07:09:31z",
            "2021-08-25T15:09:31+0800",
            "2021-08-25T15:09:31+08",
            "  2021-08-25T15:09:31+08:00\n",
            "2021-08-25T15:09:31+08:00[Asia/Shanghai]",
        ] {
            assert_eq!(parse_ms(s), want, "{s:?}");
        }
        assert_eq!(
            parse_ms("2021-08-25 15:09:31-0130"),
            Some(1_629_909_571_000)
        );
        assert_eq!(
            parse_ms("2021-08-25T15:09:31,74+08:00"),
            Some(1_629_875_371_740)
        );
        // More fraction digits than nanoseconds: cut, not refused.
        assert_eq!(
            parse_ms("2021-08-25T15:09:31.123456789123+08:00"),
            Some(1_629_875_371_123)
        );
        // A leap second reads as the last second of its minute (jiff clamps :60 to :59).
        assert_eq!(parse_ms("2016-12-31T23:59:60Z"), Some(1_483_228_799_000));
        // Before the epoch, the fraction floors like the seconds do.
        assert_eq!(parse_ms("1969-12-31T23:59:59.9995Z"), Some(-1));
        assert_eq!(parse_ms("1969-12-31T23:59:59.999Z"), Some(-1));
    }

    #[test]
    fn refuses_garbage_and_bare_local_times() {
        for s in [
            "",
            "2021",
            "2021-08-25",
            "2021-08-25T15:09:31",
            "2026-05-20 10:15",
            "2021-13-25T15:09:31Z",
            "2021-02-30T15:09:31Z",
            "2021-08-25T15:09:31.Z",
            "2026-05-20T10:15:02.+08:00",
            "2021-08-25T15:09:31Zjunk",
            "２０２１-08-25T15:09:31Z",
            "abcd-ef-ghTij:kl:mnZ",
            "x021-08-25T15:09:31Z",
            "2021-08-25T15:09:31[Asia/Shanghai]",
            "+002021-08-25T15:09:31Z",
            "20210825T150931Z",
            "2021-08-25T15:09:31.1234567890",
        ] {
            assert_eq!(parse_ms(s), None, "{s:?}");
        }
    }

    #[test]
    fn unset_markers() {
        assert!(is_unset("1970-01-01T08:00:00+08:00"));
        assert!(is_unset("1970-01-01T00:00:00Z"));
        assert!(is_unset("0001-01-01T00:00:00Z"));
        assert!(is_unset("junk"));
        assert!(!is_unset("2026-05-20T10:15:02.512331+08:00"));
        assert_eq!(parse_set_ms("1970-01-01T08:00:00+08:00"), None);
        assert_eq!(parse_system_time("1970-01-01T08:00:00+08:00"), None);
        let t = parse_system_time("2021-08-25T15:09:31+08:00").expect("valid");
        let d = t.duration_since(SystemTime::UNIX_EPOCH).expect("after");
        assert_eq!(d.as_secs(), 1_629_875_371);
    }

    #[test]
    fn format_round_trips() {
        assert_eq!(format_rfc3339(0, 8 * 3600), "1970-01-01T08:00:00+08:00");
        let ms = 1_779_243_302_512;
        let s = format_rfc3339(ms, 8 * 3600);
        assert_eq!(s, "2026-05-20T10:15:02.512000+08:00");
        assert_eq!(parse_ms(&s), Some(ms));
        assert_eq!(format_utc(ms), "2026-05-20T02:15:02.512000Z");
        assert_eq!(
            format_rfc3339(ms, -(5 * 3600 + 30 * 60)),
            "2026-05-19T20:45:02.512000-05:30"
        );
        assert_eq!(parse_ms(&format_rfc3339(-1, -5 * 3600)), Some(-1));
        // Out of range: clamped / UTC, never a panic.
        assert!(format_rfc3339(i64::MAX, 0).starts_with("9999-12-"));
        assert!(format_rfc3339(i64::MIN, 0).starts_with("-9999-01-"));
        assert_eq!(format_rfc3339(0, i32::MAX), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn ages() {
        assert_eq!(age_ms(1_000, 4_500), 3_500);
        assert_eq!(age_ms(5_000, 4_500), 0);
        assert_eq!(age_ms(i64::MIN, i64::MAX), i64::MAX);
        assert_eq!(format_age(Duration::from_millis(400)), "0.4s");
        assert_eq!(format_age(Duration::from_secs(3)), "3s");
        assert_eq!(format_age(Duration::from_secs(125)), "2m05s");
        assert_eq!(format_age(Duration::from_secs(3900)), "1h05m");
        assert_eq!(format_age(Duration::from_secs(3 * 86_400 + 7200)), "3d02h");
        assert_eq!(format_age_ms(-5), "0s");
        assert!(now_ms() > 1_700_000_000_000);
    }
}
