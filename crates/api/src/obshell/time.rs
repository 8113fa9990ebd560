//! RFC 3339 timestamps as obshell writes them (Go `time.Time`, RFC3339Nano, local offset).
//!
//! obshell marks "not started / not finished" with the Unix epoch in the server's zone
//! (`1970-01-01T08:00:00+08:00`); older servers used Go's zero time (`0001-01-01T00:00:00Z`).

/// Unix milliseconds of an RFC 3339 timestamp, or `None` when it does not parse.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = s.get(start..i)?;
        if frac.is_empty() {
            return None;
        }
        let mut ms = String::from(frac);
        ms.truncate(3);
        while ms.len() < 3 {
            ms.push('0');
        }
        millis = ms.parse().ok()?;
    }
    let offset_secs = match s.get(i..)? {
        "Z" | "z" => 0,
        rest if rest.len() == 6 && matches!(rest.as_bytes()[0], b'+' | b'-') => {
            let rb = rest.as_bytes();
            if rb[3] != b':' {
                return None;
            }
            let h = num(i + 1..i + 3)?;
            let m = num(i + 4..i + 6)?;
            let sign = if rb[0] == b'-' { -1 } else { 1 };
            sign * (h * 3600 + m * 60)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(secs * 1000 + millis)
}

/// True for obshell's "no time yet" markers: the Unix epoch in any zone, Go's zero time, or an
/// unparsable value.
pub fn is_unset(s: &str) -> bool {
    match parse_rfc3339_ms(s) {
        None => true,
        Some(ms) => ms == 0 || ms < -62_000_000_000_000,
    }
}

/// Format unix milliseconds as RFC 3339 with microseconds in the given UTC offset, the way the
/// obshell samples look (`2026-05-20T10:15:02.512331+08:00`); whole seconds print without a
/// fraction, like Go does (`1970-01-01T08:00:00+08:00`).
pub fn format_rfc3339(unix_ms: i64, offset_secs: i32) -> String {
    let local = unix_ms + i64::from(offset_secs) * 1000;
    let days = local.div_euclid(86_400_000);
    let rem = local.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss, ms) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let frac = if ms == 0 {
        String::new()
    } else {
        format!(".{:06}", ms * 1000)
    };
    let off = if offset_secs == 0 {
        "Z".to_string()
    } else {
        let sign = if offset_secs < 0 { '-' } else { '+' };
        let a = offset_secs.unsigned_abs();
        format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
    };
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{frac}{off}")
}

// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_obshell_timestamps() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T08:00:00+08:00"), Some(0));
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(
            parse_rfc3339_ms("2026-05-20T10:15:02.418263551+08:00"),
            Some(1_779_243_302_418)
        );
        assert_eq!(
            parse_rfc3339_ms("0001-01-01T00:00:00Z"),
            Some(-62_135_596_800_000)
        );
        assert_eq!(parse_rfc3339_ms("2026-05-20 10:15"), None);
        assert_eq!(parse_rfc3339_ms("2026-13-20T10:15:02Z"), None);
        assert_eq!(parse_rfc3339_ms(""), None);
        assert_eq!(parse_rfc3339_ms("2026-05-20T10:15:02.+08:00"), None);
    }

    #[test]
    fn unset_markers() {
        assert!(is_unset("1970-01-01T08:00:00+08:00"));
        assert!(is_unset("0001-01-01T00:00:00Z"));
        assert!(is_unset("junk"));
        assert!(!is_unset("2026-05-20T10:15:02.512331+08:00"));
    }

    #[test]
    fn format_round_trips() {
        assert_eq!(format_rfc3339(0, 8 * 3600), "1970-01-01T08:00:00+08:00");
        let ms = 1_779_243_302_512;
        let s = format_rfc3339(ms, 8 * 3600);
        assert_eq!(s, "2026-05-20T10:15:02.512000+08:00");
        assert_eq!(parse_rfc3339_ms(&s), Some(ms));
        assert_eq!(format_rfc3339(ms, 0), "2026-05-20T02:15:02.512000Z");
        assert_eq!(parse_rfc3339_ms(&format_rfc3339(-1, -5 * 3600)), Some(-1));
    }
}
