//! Recording of every request and answer (`obtui --record DIR`), to share what a real server
//! said in a bug report and to replay it (`obtui sim --replay DIR`).
//!
//! One JSON file per exchange, numbered in the order the answers arrived (`000001.json`, …):
//! the server kind, method, path, query, status, the answer's headers that matter
//! (content type, rate limits), the request body and the answer body. What never goes in:
//! request headers (so no `Authorization`, no AK/SK signature, no obshell encrypted header,
//! no `Date`), and the value of every JSON field or query parameter whose name says it holds a
//! secret (passwords, root@sys and agent passwords, secrets, keys, tokens): those become
//! `"******"`. An encrypted (non-JSON) request body is replaced by a note of its size.
//!
//! With redaction on, IP addresses and host names are replaced consistently across the whole
//! recording (`198.18.0.1`, `host-1.example`, …): an address is learned where a field named
//! like an address or host carries it (`svrIp`, `hostname`, `address`, the server URL, …) and
//! replaced wherever it appears afterwards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// What replaces a secret.
pub const MASK: &str = "******";

/// One request and its answer, as they went over the wire.
#[derive(Debug, Clone, Default)]
pub struct Exchange<'a> {
    /// `ocp` or `obshell`.
    pub server: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    /// The raw query string (without `?`).
    pub query: &'a str,
    pub status: u16,
    /// The answer's headers worth keeping (others are dropped).
    pub response_headers: Vec<(String, String)>,
    pub request_body: Option<&'a [u8]>,
    pub response_body: &'a [u8],
}

/// Writes exchanges into a directory.
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    seq: AtomicU64,
    redactor: Option<Mutex<Redactor>>,
}

static ACTIVE: OnceLock<Arc<Recorder>> = OnceLock::new();

/// Make `r` the process's recorder: every client built afterwards records through it.
pub fn install(r: Arc<Recorder>) -> bool {
    ACTIVE.set(r).is_ok()
}

/// The process's recorder, if recording.
pub fn active() -> Option<Arc<Recorder>> {
    ACTIVE.get().cloned()
}

impl Recorder {
    /// Record into `dir` (created, private to the user); `redact` replaces addresses and names.
    pub fn create(dir: &Path, redact: bool) -> std::io::Result<Recorder> {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        // Continue after the files already there, so a second session adds to the recording.
        let last = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".json")?.parse::<u64>().ok()
            })
            .max()
            .unwrap_or(0);
        Ok(Recorder {
            dir: dir.to_path_buf(),
            seq: AtomicU64::new(last),
            redactor: redact.then(|| Mutex::new(Redactor::default())),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Learn `url`'s host as a name to redact (the server's own address).
    pub fn learn_url(&self, url: &str) {
        if let Some(r) = &self.redactor {
            let host = url
                .split("://")
                .nth(1)
                .unwrap_or(url)
                .split(['/', '?'])
                .next()
                .unwrap_or("");
            let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
            if let Ok(mut r) = r.lock() {
                r.learn(host);
            }
        }
    }

    /// Write one exchange; a failure to write is logged, never fatal (never with a body).
    pub fn record(&self, ex: &Exchange<'_>) {
        let n = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let mut v = serde_json::json!({
            "seq": n,
            "server": ex.server,
            "method": ex.method,
            "path": ex.path,
            "query": scrub_query(ex.query),
            "status": ex.status,
            "responseHeaders": ex.response_headers.iter().cloned().collect::<BTreeMap<_, _>>(),
            "requestBody": ex.request_body.map(body_value),
            "responseBody": body_value(ex.response_body),
        });
        scrub(&mut v);
        if let Some(r) = &self.redactor {
            if let Ok(mut r) = r.lock() {
                r.learn_from(&v, false);
                r.apply(&mut v);
            }
        }
        let path = self.dir.join(format!("{n:06}.json"));
        let text = serde_json::to_string_pretty(&v).unwrap_or_default();
        if let Err(e) = write_private(&path, text.as_bytes()) {
            tracing::warn!("cannot write the recording {}: {e}", path.display());
        }
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(bytes)
}

/// A body as JSON when it is JSON, as text when it is text, else a note of its size.
fn body_value(b: &[u8]) -> Value {
    if b.is_empty() {
        return Value::Null;
    }
    if let Ok(v) = serde_json::from_slice::<Value>(b) {
        return v;
    }
    match std::str::from_utf8(b) {
        // Text that is not JSON: an encrypted obshell body is base64 — not kept.
        Ok(t) if t.len() < 4096 && !looks_encoded(t) => Value::String(t.to_string()),
        _ => Value::String(format!("<{} bytes not recorded>", b.len())),
    }
}

fn looks_encoded(t: &str) -> bool {
    t.len() >= 16
        && !t.contains(' ')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '\n'))
}

/// Whether a field or parameter named `key` holds a secret.
pub fn is_secret_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace(['_', '-'], "");
    [
        "password",
        "passwd",
        "pwd",
        "secret",
        "accesskey",
        "privatekey",
        "token",
        "credential",
        "authorization",
    ]
    .iter()
    .any(|s| k.contains(s))
}

/// Replace the text of every secret-named field, at any depth (a flag or a number under such
/// a name, `passwordSet: true`, is no secret and keeps its type, so a replay still decodes).
pub fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if is_secret_name(k) {
                    mask_strings(val);
                } else {
                    scrub(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

fn mask_strings(v: &mut Value) {
    match v {
        Value::String(s) => *s = MASK.into(),
        Value::Array(a) => a.iter_mut().for_each(mask_strings),
        Value::Object(m) => m.values_mut().for_each(mask_strings),
        _ => {}
    }
}

fn scrub_query(q: &str) -> String {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, _)) if is_secret_name(k) => format!("{k}={MASK}"),
            _ => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Consistent replacement of IP addresses and host names.
#[derive(Debug, Default)]
pub struct Redactor {
    map: BTreeMap<String, String>,
    ips: usize,
    hosts: usize,
}

/// The words of a field name (`svrIp` → `svr`, `ip`; `host_name` → `host`, `name`).
fn words(k: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in k.chars() {
        if c == '_' || c == '-' || c == '.' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else if c.is_ascii_uppercase() && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            cur.push(c.to_ascii_lowercase());
        } else {
            cur.push(c.to_ascii_lowercase());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a field named `k` holds an address or a host name.
fn is_address_key(k: &str) -> bool {
    let w = words(k);
    let has = |x: &str| w.iter().any(|y| y == x);
    [
        "ip",
        "ips",
        "address",
        "addresses",
        "addr",
        "url",
        "urls",
        "domain",
        "hostname",
        "hostnames",
    ]
    .iter()
    .any(|x| has(x))
        || matches!(w.as_slice(), [h] if h == "host" || h == "hosts")
        || w.windows(2).any(|p| p[0] == "host" && p[1] == "name")
}

/// The IPv4 addresses in `s` (dotted quads not inside a longer run of digits and dots).
fn ipv4s(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.')) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let tok = s[start..i].trim_end_matches('.');
            let parts: Vec<&str> = tok.split('.').collect();
            if parts.len() == 4
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
            {
                out.push(tok.to_string());
            }
        } else {
            i += 1;
        }
    }
    out
}

impl Redactor {
    /// Learn one address or host name.
    pub fn learn(&mut self, token: &str) {
        let t = token.trim().trim_start_matches('[').trim_end_matches(']');
        if t.is_empty() || self.map.contains_key(t) || t == "localhost" {
            return;
        }
        let ips = ipv4s(t);
        if !ips.is_empty() {
            for ip in ips {
                if !self.map.contains_key(&ip) {
                    self.ips += 1;
                    let n = self.ips;
                    self.map
                        .insert(ip, format!("198.18.{}.{}", (n / 250) % 250, n % 250 + 1));
                }
            }
            return;
        }
        // A host name: letters, digits, dots and dashes, with a letter.
        let looks_like_host = t.len() >= 2
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && t.chars().any(|c| c.is_ascii_alphabetic());
        if looks_like_host {
            self.hosts += 1;
            self.map
                .insert(t.to_string(), format!("host-{}.example", self.hosts));
        }
    }

    /// Learn the addresses and names in the fields named like addresses or hosts.
    pub fn learn_from(&mut self, v: &Value, under_address_key: bool) {
        match v {
            Value::Object(m) => {
                for (k, val) in m {
                    self.learn_from(val, is_address_key(k));
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.learn_from(x, under_address_key)),
            Value::String(s) if under_address_key => {
                // `host:port`, URLs (their host only) and lists: learn each piece.
                for piece in s.split([',', ';', ' ']) {
                    let piece = match piece.split_once("://") {
                        Some((_, rest)) => rest.split(['/', '?']).next().unwrap_or(""),
                        None if piece.contains('/') => continue,
                        None => piece,
                    };
                    let piece = piece.rsplit_once('@').map_or(piece, |(_, h)| h);
                    let host = match piece.rsplit_once(':') {
                        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
                        _ => piece,
                    };
                    self.learn(host);
                }
            }
            _ => {}
        }
    }

    /// Replace every learned address and name, in every string and object key.
    pub fn apply(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.replace(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.apply(x)),
            Value::Object(m) => {
                let old = std::mem::take(m);
                for (k, mut val) in old {
                    self.apply(&mut val);
                    m.insert(self.replace(&k), val);
                }
            }
            _ => {}
        }
    }

    /// `s` with every learned token replaced (whole tokens only: `10.0.0.1` does not touch
    /// `10.0.0.12`).
    pub fn replace(&self, s: &str) -> String {
        let mut out = s.to_string();
        // Longest first, so a name that contains another is replaced whole.
        let mut keys: Vec<&String> = self.map.keys().collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
        for k in keys {
            if !out.contains(k.as_str()) {
                continue;
            }
            let to = &self.map[k];
            let mut res = String::with_capacity(out.len());
            let mut rest = out.as_str();
            while let Some(at) = rest.find(k.as_str()) {
                let before = rest[..at].chars().next_back();
                let after = rest[at + k.len()..].chars().next();
                let boundary = |c: Option<char>| {
                    c.is_none_or(|c| {
                        !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
                    })
                };
                res.push_str(&rest[..at]);
                if boundary(before) && boundary(after) {
                    res.push_str(to);
                } else {
                    res.push_str(k);
                }
                rest = &rest[at + k.len()..];
            }
            res.push_str(rest);
            out = res;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_at_any_depth_and_in_queries() {
        let mut v = serde_json::json!({
            "rootSysPassword": "r00t!",
            "hosts": [{"proxysysPasswd": "p", "ip": "10.0.0.1"}],
            "accessKeySecret": "sk",
            "agentPassword": "a",
            "name": "ok",
            "passwordSet": true,
            "hostCredential": {"username": "u", "password": "hp"},
        });
        scrub(&mut v);
        let t = v.to_string();
        assert!(
            t.contains("\"passwordSet\":true") && !t.contains("hp"),
            "{t}"
        );
        for s in ["r00t!", "\"p\"", "\"sk\"", "\"a\""] {
            assert!(!t.contains(s), "{s} in {t}");
        }
        assert!(
            t.contains("\"name\":\"ok\"") && t.contains("10.0.0.1"),
            "{t}"
        );
        assert_eq!(scrub_query("page=1&password=x"), "page=1&password=******");
    }

    #[test]
    fn addresses_and_names_are_replaced_consistently_but_not_versions() {
        let mut r = Redactor::default();
        assert!(is_address_key("svrIp") && is_address_key("hostName") && is_address_key("ip"));
        assert!(!is_address_key("description") && !is_address_key("hostType"));
        let mut a = serde_json::json!({
            "svrIp": "10.0.0.1", "hostname": "db-prod-1.corp", "obVersion": "4.2.1.0",
            "description": "zip", "hostType": "OBSERVER", "url": "http://gw.corp:80/api/v2",
            "note": "agent 10.0.0.1:2886 on db-prod-1.corp, not 10.0.0.12"
        });
        r.learn_from(&a, false);
        r.apply(&mut a);
        let t = a.to_string();
        assert!(!t.contains("10.0.0.1\"") && !t.contains("db-prod-1"), "{t}");
        assert!(t.contains("\"svrIp\":\"198.18.0.2\""), "{t}");
        assert!(t.contains("agent 198.18.0.2:2886 on host-1.example"), "{t}");
        assert!(t.contains("4.2.1.0"), "a version is not an address: {t}");
        assert!(
            t.contains("10.0.0.12"),
            "not learned, not a whole-token match: {t}"
        );
        assert!(
            t.contains("OBSERVER") && t.contains("/api/v2") && !t.contains("gw.corp"),
            "{t}"
        );
        // The same address in a later answer gets the same replacement.
        let mut b = serde_json::json!({"x": "10.0.0.1"});
        r.apply(&mut b);
        assert_eq!(b["x"], "198.18.0.2");
    }

    #[test]
    fn recordings_are_numbered_files_without_secrets() {
        let dir = std::env::temp_dir().join(format!("obtui-rec-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let rec = Recorder::create(&dir, true).unwrap();
        rec.learn_url("http://ocp.corp.example:8080");
        rec.record(&Exchange {
            server: "ocp",
            method: "POST",
            path: "/api/v2/ob/clusters/takeOver",
            query: "",
            status: 200,
            response_headers: vec![("content-type".into(), "application/json".into())],
            request_body: Some(br#"{"address":"10.1.2.3","rootSysPassword":"r00t!"}"#),
            response_body: br#"{"data":{"id":1,"url":"http://ocp.corp.example:8080/x"}}"#,
        });
        rec.record(&Exchange {
            server: "obshell",
            method: "POST",
            path: "/api/v1/ob/init",
            request_body: Some(b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"),
            response_body: b"",
            ..Exchange::default()
        });
        let one = std::fs::read_to_string(dir.join("000001.json")).unwrap();
        assert!(!one.contains("r00t!") && one.contains(MASK), "{one}");
        assert!(
            !one.contains("10.1.2.3") && !one.contains("ocp.corp.example"),
            "{one}"
        );
        let two = std::fs::read_to_string(dir.join("000002.json")).unwrap();
        assert!(
            two.contains("bytes not recorded") && !two.contains("QUJD"),
            "{two}"
        );
        // A second recorder continues the numbering.
        let again = Recorder::create(&dir, false).unwrap();
        again.record(&Exchange::default());
        assert!(dir.join("000003.json").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
