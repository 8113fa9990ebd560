//! RFC 3339 timestamps to Unix milliseconds, without a date-time dependency.

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (also with a space for `T`, a
/// lower-case `z`, or `±HHMM`). `None` on anything else.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let frac = &b[start..i.min(start + 3)];
        let mut v = 0i64;
        for (k, d) in frac.iter().enumerate() {
            v += i64::from(d - b'0') * [100, 10, 1][k];
        }
        ms = v;
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&c @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (h, m) = match rest.len() {
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                _ => return None,
            };
            let v = h * 60 + m;
            if c == b'-' {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset_min * 60;
    Some(secs * 1000 + ms)
}

/// Like [`parse_rfc3339_ms`], but the Unix epoch (obshell's "not started" zero time)
/// and anything before it read as `None`.
pub fn parse_time_nonzero(s: &str) -> Option<i64> {
    parse_rfc3339_ms(s).filter(|&t| t > 0)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_fractions_and_zero_time() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ms("1970-01-01T08:00:00+08:00"), Some(0));
        assert_eq!(parse_time_nonzero("1970-01-01T08:00:00+08:00"), None);
        assert_eq!(
            parse_rfc3339_ms("2021-08-25T15:09:31+08:00"),
            Some(1_629_875_371_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2021-08-25T15:09:31.74+08:00"),
            Some(1_629_875_371_740)
        );
        assert_eq!(
            parse_rfc3339_ms("2021-09-02T08:39:29.295684Z"),
            Some(1_630_571_969_295)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-05-20T10:15:02.418263551+08:00"),
            Some(1_779_243_302_418)
        );
        assert_eq!(
            parse_rfc3339_ms("2021-08-25 15:09:31-0130"),
            Some(1_629_909_571_000)
        );
        for bad in [
            "",
            "2021-08-25",
            "2021-13-25T15:09:31Z",
            "2021-08-25T15:09:31",
            "2021-08-25T15:09:31.Z",
            "x021-08-25T15:09:31Z",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }
}
