//! OCP's AccessKey (AK/SK) request signature, as the OCP API reference's "Rules for generating
//! a signature by using AK/SK" page specifies it (OCP ≥ 4.0.3):
//!
//! ```text
//! message   = Method \n Content-MD5 \n Content-Type \n Date \n Host \n x-ocp-headers \n path?query
//! signature = Base64(HMAC-SHA1(SK, message))
//! Authorization: OCP-ACCESS-KEY-HMACSHA1 {AK}:{signature}
//! Date: Tue, 17 Jan 2023 03:36:01 GMT      (RFC 1123; within 15 minutes of the server's clock)
//! ```
//!
//! - Content-MD5: the upper-case hex MD5 of the body (32 digits), or empty without a body.
//! - x-ocp-headers: `name:value` of every header named `x-ocp-…`, sorted by name, one a line.
//! - query: `?` and the parameters sorted by name, `name=value` joined by `&`; a repeated name
//!   has its values sorted and joined by `,`; names and values percent-encoded as RFC 3986 says
//!   (only `A-Z a-z 0-9 - . _ ~` stay as they are, `%XX` upper-case).
//!
//! The client signs with these functions and the simulator verifies with the same ones; the
//! tests hold them to the doc's published example signatures.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

use crate::secret::Secret;

/// The `Authorization` scheme of an HMAC-SHA1 signature (upper case, as the doc requires).
pub const SCHEME: &str = "OCP-ACCESS-KEY-HMACSHA1";
/// How far the request's `Date` may be from the server's clock.
pub const MAX_SKEW_MS: i64 = 15 * 60 * 1000;

/// An OCP AccessKey pair: the id (AK) is not secret, the secret (SK) is masked and wiped.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub id: String,
    pub secret: Secret,
}

impl AccessKey {
    pub fn new(id: impl Into<String>, secret: Secret) -> AccessKey {
        AccessKey {
            id: id.into(),
            secret,
        }
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &self.secret)
            .finish()
    }
}

/// What the signature covers, as the request is sent.
#[derive(Debug, Clone, Default)]
pub struct SignedParts<'a> {
    pub method: &'a str,
    /// The body as sent; `None` or empty: no body.
    pub body: Option<&'a [u8]>,
    pub content_type: &'a str,
    /// The `Date` header's value.
    pub date: &'a str,
    /// `host[:port]` as in the `Host` header.
    pub host: &'a str,
    /// Every header (name, value); only the `x-ocp-` ones are signed.
    pub headers: &'a [(String, String)],
    /// The path as sent (percent-encoded as on the wire).
    pub path: &'a str,
    /// The decoded query parameters, in any order.
    pub query: &'a [(String, String)],
}

/// Upper-case hex MD5 of the body, or empty when there is none.
pub fn content_md5(body: Option<&[u8]>) -> String {
    match body {
        Some(b) if !b.is_empty() => {
            let d = Md5::digest(b);
            d.iter().map(|x| format!("{x:02X}")).collect()
        }
        _ => String::new(),
    }
}

/// RFC 3986 percent-encoding: unreserved characters stay, every other byte is `%XX`.
pub fn rfc3986(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The signed path and query: the path, then `?` and the sorted, encoded parameters.
pub fn path_and_query(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_string();
    }
    let mut by_key: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (k, v) in query {
        let values = by_key.entry(k.as_str()).or_default();
        if !v.is_empty() {
            values.push(v.as_str());
        }
    }
    let params: Vec<String> = by_key
        .into_iter()
        .map(|(k, mut vs)| {
            vs.sort_unstable();
            format!("{}={}", rfc3986(k), rfc3986(&vs.join(",")))
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

/// The `x-ocp-` headers, sorted by name, `name:value` one a line (values of a repeated name
/// joined by `,` in the order sent).
pub fn ocp_headers(headers: &[(String, String)]) -> String {
    let mut by_name: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for (k, v) in headers {
        let k = k.to_ascii_lowercase();
        if k.starts_with("x-ocp-") {
            by_name.entry(k).or_default().push(v.as_str());
        }
    }
    by_name
        .into_iter()
        .map(|(k, vs)| format!("{k}:{}", vs.join(",")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message to sign.
pub fn string_to_sign(p: &SignedParts<'_>) -> String {
    [
        p.method.to_ascii_uppercase(),
        content_md5(p.body),
        p.content_type.to_string(),
        p.date.to_string(),
        p.host.to_string(),
        ocp_headers(p.headers),
        path_and_query(p.path, p.query),
    ]
    .join("\n")
}

/// `Base64(HMAC-SHA1(secret, message))`.
pub fn signature(secret: &Secret, message: &str) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.expose().as_bytes()) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The `Authorization` header's value for these parts.
pub fn authorization(key: &AccessKey, p: &SignedParts<'_>) -> String {
    format!(
        "{SCHEME} {}:{}",
        key.id,
        signature(&key.secret, &string_to_sign(p))
    )
}

/// An RFC 1123 date in GMT (`Tue, 17 Jan 2023 03:36:01 GMT`) for Unix milliseconds.
pub fn http_date(unix_ms: i64) -> String {
    let ts = jiff::Timestamp::from_millisecond(unix_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&ts)
        .unwrap_or_default()
}

/// The access key id and signature of an `Authorization: OCP-ACCESS-KEY-HMACSHA1 AK:SIG`
/// header; `None` for another scheme or a malformed value.
pub fn parse_authorization(h: &str) -> Option<(&str, &str)> {
    let rest = h.trim().strip_prefix(SCHEME)?;
    let rest = rest.strip_prefix(' ')?;
    let (ak, sig) = rest.split_once(':')?;
    (!ak.is_empty() && !sig.is_empty()).then_some((ak, sig))
}

/// Decode a raw query string (`a=1&b=x%2Cy`, `+` as a space) into its pairs.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Constant-time comparison of two signatures.
pub fn same_signature(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The V4.0.3 page's example 1: a POST with a body and an `x-ocp-` header.
    #[test]
    fn doc_example_post_with_body_and_ocp_header() {
        let key = AccessKey::new(
            "cqammmxBpfGjFlto",
            Secret::new("2fc0c299cc94c6be266f2ceece765d4d"),
        );
        let body = br#"{"name":"test01","description":"test","regionId":1}"#;
        assert_eq!(content_md5(Some(body)), "186974DB33A090A16D3E2CA35F547B56");
        let headers = pairs(&[("x-ocp-data", "A,1"), ("Accept", "application/json")]);
        let p = SignedParts {
            method: "POST",
            body: Some(body),
            content_type: "application/json",
            date: "Tue, 17 Jan 2023 09:13:57 GMT",
            host: "ocp.alibaba.net:8080",
            headers: &headers,
            path: "/api/v2/compute/idcs",
            query: &[],
        };
        assert_eq!(
            string_to_sign(&p),
            "POST\n186974DB33A090A16D3E2CA35F547B56\napplication/json\nTue, 17 Jan 2023 09:13:57 GMT\nocp.alibaba.net:8080\nx-ocp-data:A,1\n/api/v2/compute/idcs"
        );
        assert_eq!(
            authorization(&key, &p),
            "OCP-ACCESS-KEY-HMACSHA1 cqammmxBpfGjFlto:XN8P+O+v3vUabB16ZCooq5wMJoY="
        );
    }

    /// The V4.0.3 page's example 2: a GET without a body or `x-ocp-` headers.
    #[test]
    fn doc_example_get_without_body() {
        let sk = Secret::new("2fc0c299cc94c6be266f2ceece765d4d");
        let q = pairs(&[("size", "100")]);
        let p = SignedParts {
            method: "GET",
            body: None,
            content_type: "application/json;charset=utf-8",
            date: "Tue, 17 Jan 2023 04:14:02 GMT",
            host: "ocp.alibaba.net:8080",
            headers: &[],
            path: "/api/v2/compute/idcs",
            query: &q,
        };
        assert_eq!(
            string_to_sign(&p),
            "GET\n\napplication/json;charset=utf-8\nTue, 17 Jan 2023 04:14:02 GMT\nocp.alibaba.net:8080\n\n/api/v2/compute/idcs?size=100"
        );
        assert_eq!(
            signature(&sk, &string_to_sign(&p)),
            "TsQD6HDOuZuJ409m0wdnZPmijlc="
        );
    }

    /// The V4.2.2 page's complete example: a GET with six query parameters (sorted and
    /// encoded) and an `x-ocp-` header; its Java sample signs for host 127.0.0.1:8080.
    #[test]
    fn doc_example_get_with_many_query_parameters() {
        let sk = Secret::new("d75332c5eed8d440a84a35ac6248d397");
        // In the order the curl command sends them.
        let q = pairs(&[
            ("metrics", "host_disk_total"),
            ("labels", "svr_ip:127.0.0.1"),
            ("groupBy", "app,svr_ip,device,mount_point"),
            ("startTime", "2024-04-15T14:29:55+08:00"),
            ("endTime", "2024-04-15T14:30:55+08:00"),
            ("maxPoints", "360"),
        ]);
        let headers = pairs(&[("x-ocp-origin", "for-test")]);
        let p = SignedParts {
            method: "GET",
            body: None,
            content_type: "application/json",
            date: "Mon, 15 Apr 2024 09:25:02 GMT",
            host: "127.0.0.1:8080",
            headers: &headers,
            path: "/api/v2/monitor/top",
            query: &q,
        };
        assert_eq!(
            path_and_query(p.path, p.query),
            "/api/v2/monitor/top?endTime=2024-04-15T14%3A30%3A55%2B08%3A00&groupBy=app%2Csvr_ip%2Cdevice%2Cmount_point&labels=svr_ip%3A127.0.0.1&maxPoints=360&metrics=host_disk_total&startTime=2024-04-15T14%3A29%3A55%2B08%3A00"
        );
        assert_eq!(
            signature(&sk, &string_to_sign(&p)),
            "To11kg1EsB/dPWyDnnpuUzIUoQk="
        );
    }

    #[test]
    fn repeated_parameters_join_sorted_values_and_rfc3986_escapes() {
        let q = pairs(&[
            ("b", "2"),
            ("a", "3"),
            ("a", "1"),
            ("a", "2"),
            ("s", "x y*~"),
        ]);
        assert_eq!(path_and_query("/p", &q), "/p?a=1%2C2%2C3&b=2&s=x%20y%2A~");
        assert_eq!(path_and_query("/p", &[]), "/p");
        let h = pairs(&[("X-OCP-B", "2"), ("x-ocp-a", "1"), ("x-other", "n")]);
        assert_eq!(ocp_headers(&h), "x-ocp-a:1\nx-ocp-b:2");
        assert_eq!(content_md5(Some(b"")), "");
    }

    #[test]
    fn dates_and_headers_round_trip() {
        assert_eq!(
            http_date(1_673_926_437_000),
            "Tue, 17 Jan 2023 03:33:57 GMT"
        );
        assert_eq!(
            crate::time::parse_http_date(&http_date(1_673_926_437_000)),
            Some(1_673_926_437_000)
        );
        assert_eq!(
            parse_authorization("OCP-ACCESS-KEY-HMACSHA1 ak1:c2ln="),
            Some(("ak1", "c2ln="))
        );
        assert_eq!(parse_authorization("OCP-ACCESS-KEY-HMACSHA256 ak1:x"), None);
        assert_eq!(parse_authorization("ocp-access-key-hmacsha1 ak1:x"), None);
        assert_eq!(parse_authorization("Basic YWRtaW4="), None);
        assert_eq!(
            parse_query("b=x%2Cy&a=1+2&c"),
            pairs(&[("b", "x,y"), ("a", "1 2"), ("c", "")])
        );
        assert_eq!(parse_query("bad=%zz%4"), pairs(&[("bad", "%zz%4")]));
        assert!(same_signature("abc=", "abc="));
        assert!(!same_signature("abc=", "abd="));
        assert!(!same_signature("abc=", "abc=x"));
    }

    #[test]
    fn debug_masks_the_secret() {
        let k = AccessKey::new("ak1", Secret::new("sk-very-secret"));
        let d = format!("{k:?}");
        assert!(d.contains("ak1") && !d.contains("sk-very-secret"), "{d}");
    }
}
