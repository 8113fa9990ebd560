//! Field validators: pure functions from the typed text to `Ok` or the rule in words.
//!
//! Rules chosen (documented here because OCP publishes them only in its console):
//! - cluster name: 1–48 characters, ASCII letters, digits and `_`, starting with a letter
//!   (OCP's create-cluster form; the same rule is used for zone names, up to 32 characters);
//! - new root@sys password: 8–32 characters, at least 2 upper-case letters, 2 lower-case letters,
//!   2 digits and 2 special characters from `~!@#%^&*_-+=|(){}[]:;,.?/` and nothing else (the
//!   strictest of OCP's password rules, the one its console applies to root@sys);
//! - an existing password (take-over): anything printable, up to 128 characters — OCP checks it.

/// Special characters OCP accepts in OceanBase passwords.
pub const PASSWORD_SPECIALS: &str = "~!@#%^&*_-+=|(){}[]:;,.?/";

/// Reject control characters (pasted newlines, tabs, escape sequences) in any single-line value.
pub fn no_control(s: &str) -> Result<(), String> {
    if s.chars().any(|c| c.is_control()) {
        return Err("control characters (newline, tab, escape) are not allowed".into());
    }
    Ok(())
}

fn name_rule(s: &str, what: &str, max: usize) -> Result<(), String> {
    let rule = format!("1–{max} letters, digits or _, starting with a letter");
    no_control(s)?;
    if s.is_empty() {
        return Err(format!("{what} is required ({rule})"));
    }
    if !s.is_ascii() {
        return Err(format!("only ASCII letters, digits and _ ({rule})"));
    }
    if s.len() > max {
        return Err(format!("too long: {} characters ({rule})", s.len()));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!("must start with a letter ({rule})"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!("{c:?} is not allowed ({rule})"));
    }
    Ok(())
}

/// An OceanBase cluster name as OCP accepts it.
pub fn cluster_name(s: &str) -> Result<(), String> {
    name_rule(s, "cluster name", 48)
}

/// A zone name.
pub fn zone_name(s: &str) -> Result<(), String> {
    name_rule(s, "zone name", 32)
}

/// A password being set (root@sys of a new cluster).
pub fn new_password(s: &str) -> Result<(), String> {
    no_control(s)?;
    let n = s.chars().count();
    if n < 8 {
        return Err("too short: 8–32 characters".into());
    }
    if n > 32 {
        return Err("too long: 8–32 characters".into());
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || PASSWORD_SPECIALS.contains(*c)))
    {
        let shown = if c == ' ' {
            "space".to_string()
        } else {
            format!("{c:?}")
        };
        return Err(format!(
            "{shown} is not allowed: letters, digits and {PASSWORD_SPECIALS} only"
        ));
    }
    let count = |f: fn(&char) -> bool| s.chars().filter(f).count();
    let upper = count(|c| c.is_ascii_uppercase());
    let lower = count(|c| c.is_ascii_lowercase());
    let digit = count(|c| c.is_ascii_digit());
    let special = count(|c| PASSWORD_SPECIALS.contains(*c));
    let mut missing = Vec::new();
    if upper < 2 {
        missing.push("2 upper-case letters");
    }
    if lower < 2 {
        missing.push("2 lower-case letters");
    }
    if digit < 2 {
        missing.push("2 digits");
    }
    if special < 2 {
        missing.push("2 special characters");
    }
    if !missing.is_empty() {
        return Err(format!("needs at least {}", missing.join(", ")));
    }
    Ok(())
}

/// A password that already exists somewhere (OCP checks it; we only refuse what cannot be typed).
pub fn existing_password(s: &str) -> Result<(), String> {
    no_control(s)?;
    if s.is_empty() {
        return Err("password is required".into());
    }
    if s.chars().count() > 128 {
        return Err("too long (at most 128 characters)".into());
    }
    Ok(())
}

/// The second copy of a password.
pub fn passwords_match(a: &str, b: &str) -> Result<(), String> {
    if a != b {
        return Err("passwords differ".into());
    }
    Ok(())
}

/// A TCP port a service listens on.
pub fn port(s: &str) -> Result<u16, String> {
    let rule = "port 1024–65535";
    let v = number(s, 1024, 65535).map_err(|_| rule.to_string())?;
    u16::try_from(v).map_err(|_| rule.to_string())
}

/// An SSH port (22 is allowed).
pub fn ssh_port(s: &str) -> Result<u16, String> {
    let rule = "port 1–65535";
    let v = number(s, 1, 65535).map_err(|_| rule.to_string())?;
    u16::try_from(v).map_err(|_| rule.to_string())
}

/// A whole number in `min..=max`.
pub fn number(s: &str, min: i64, max: i64) -> Result<i64, String> {
    let rule = format!("a whole number {min}–{max}");
    no_control(s)?;
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("required ({rule})"));
    }
    if !t.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(format!("not a number ({rule})"));
    }
    let v: i64 = t.parse().map_err(|_| format!("not a number ({rule})"))?;
    if v < min || v > max {
        return Err(format!("out of range ({rule})"));
    }
    Ok(v)
}

/// A host name or IPv4 / IPv6 address (no port, no scheme).
pub fn address(s: &str) -> Result<(), String> {
    let rule = "an IP address or host name, without port";
    no_control(s)?;
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("address is required ({rule})"));
    }
    if t.len() > 253 {
        return Err(format!("too long ({rule})"));
    }
    if t.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    if t.contains("://") || t.contains('/') {
        return Err(format!("no scheme or path ({rule})"));
    }
    if t.contains(':') {
        return Err(format!("put the port in the port field ({rule})"));
    }
    // A dotted quad that did not parse is a mistyped IP, not a host name.
    if t.split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(format!("not a valid IPv4 address ({rule})"));
    }
    let ok_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if !t.split('.').all(ok_label) {
        return Err(format!("not a valid host name ({rule})"));
    }
    Ok(())
}

/// A memory or disk size such as `16G`, `512M`, `1T` (unit required; B, K, M, G, T, P).
pub fn size(s: &str) -> Result<u64, String> {
    let rule = "a number with a unit: K, M, G, T or P (e.g. 16G)";
    no_control(s)?;
    let t = s.trim();
    let t = t
        .strip_suffix(['B', 'b'])
        .filter(|r| !r.is_empty())
        .unwrap_or(t);
    let Some(unit) = t.chars().last() else {
        return Err(format!("required ({rule})"));
    };
    let shift = match unit.to_ascii_uppercase() {
        'K' => 10,
        'M' => 20,
        'G' => 30,
        'T' => 40,
        'P' => 50,
        c if c.is_ascii_digit() => return Err(format!("missing unit ({rule})")),
        c => return Err(format!("unknown unit {c:?} ({rule})")),
    };
    let digits = &t[..t.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("not a number ({rule})"));
    }
    let n: u64 = digits.parse().map_err(|_| format!("too large ({rule})"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("too large ({rule})"))
}

/// A single-line free text of at most `max` characters.
pub fn text(s: &str, max: usize, required: bool) -> Result<(), String> {
    no_control(s)?;
    if required && s.trim().is_empty() {
        return Err("required".into());
    }
    if s.chars().count() > max {
        return Err(format!("too long (at most {max} characters)"));
    }
    Ok(())
}

/// Host port mappings for containers: `8080:8080,2881:2881`.
pub fn publish_ports(s: &str) -> Result<(), String> {
    let rule = "host:container pairs separated by commas, e.g. 2881:2881,2882:2882";
    no_control(s)?;
    if s.trim().is_empty() {
        return Err(format!("required for containers ({rule})"));
    }
    for pair in s.split(',') {
        let mut it = pair.trim().split(':');
        let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
            return Err(format!("{:?} is not host:container ({rule})", pair.trim()));
        };
        if ssh_port(a).is_err() || ssh_port(b).is_err() {
            return Err(format!("{:?}: ports must be 1–65535 ({rule})", pair.trim()));
        }
    }
    Ok(())
}

/// Text typed into or pasted into a single-line field: newlines and other control characters
/// are stripped (a paste of `abc\n` becomes `abc`).
pub fn strip_control(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_names() {
        assert!(cluster_name("terran").is_ok());
        assert!(cluster_name("ob_4_2").is_ok());
        assert!(cluster_name(&"a".repeat(48)).is_ok());
        let e = cluster_name(&"a".repeat(49)).unwrap_err();
        assert!(e.contains("too long") && e.contains("1–48"), "{e}");
        assert!(cluster_name("").unwrap_err().contains("required"));
        assert!(cluster_name("1abc")
            .unwrap_err()
            .contains("start with a letter"));
        assert!(cluster_name("ab-c").unwrap_err().contains("'-'"));
        assert!(cluster_name("集群").unwrap_err().contains("ASCII"));
        assert!(cluster_name("abc\n").unwrap_err().contains("control"));
    }

    #[test]
    fn passwords() {
        assert!(new_password("aaBB11__").is_ok());
        assert!(new_password("aB1_").unwrap_err().contains("too short"));
        assert!(new_password(&"aB1_".repeat(9))
            .unwrap_err()
            .contains("too long"));
        let e = new_password("aaaaBB11").unwrap_err();
        assert!(e.contains("special"), "{e}");
        let e = new_password("aaaaaaaa").unwrap_err();
        assert!(e.contains("upper-case") && e.contains("digits"), "{e}");
        assert!(new_password("aaBB11_ _").unwrap_err().contains("space"));
        assert!(new_password("aaBB11__é")
            .unwrap_err()
            .contains("not allowed"));
        assert!(new_password("aaBB11_\n_").unwrap_err().contains("control"));
        assert_eq!(passwords_match("a", "b").unwrap_err(), "passwords differ");
        assert!(passwords_match("a", "a").is_ok());
        assert!(existing_password("x y$").is_ok());
        assert!(existing_password("").is_err());
    }

    #[test]
    fn ports_and_numbers() {
        assert_eq!(port("2881"), Ok(2881));
        assert_eq!(port("80").unwrap_err(), "port 1024–65535");
        assert_eq!(port("65536").unwrap_err(), "port 1024–65535");
        assert!(port("28x1").is_err());
        assert!(port("").is_err());
        assert_eq!(ssh_port("22"), Ok(22));
        assert_eq!(number("5", 1, 9), Ok(5));
        assert!(number("99999999999999999999", 1, 9).is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(size("16G"), Ok(16 << 30));
        assert_eq!(size("512m"), Ok(512 << 20));
        assert_eq!(size("1TB"), Ok(1 << 40));
        assert!(size("16Q").unwrap_err().contains("unknown unit"));
        assert!(size("16").unwrap_err().contains("missing unit"));
        assert!(size("G").is_err());
        assert!(size("").is_err());
        assert!(size("99999999999P").unwrap_err().contains("too large"));
        assert!(size("1.5G").is_err());
    }

    #[test]
    fn addresses() {
        assert!(address("10.0.0.1").is_ok());
        assert!(address("::1").is_ok());
        assert!(address("ob-1.example.com").is_ok());
        assert!(address("10.0.0.1:2881").unwrap_err().contains("port field"));
        assert!(address("http://x").is_err());
        assert!(address("300.1.1.1").unwrap_err().contains("IPv4"));
        assert!(address("").is_err());
        assert!(address("bad_host").is_err());
    }

    #[test]
    fn publish_port_pairs() {
        assert!(publish_ports("2881:2881,2882:2882").is_ok());
        assert!(publish_ports("2881").is_err());
        assert!(publish_ports("1:2:3").is_err());
        assert!(publish_ports("").is_err());
    }

    #[test]
    fn stripping() {
        assert_eq!(strip_control("abc\r\n"), "abc");
        assert_eq!(strip_control("a\tb"), "ab");
    }
}
