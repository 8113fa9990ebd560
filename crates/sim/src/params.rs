//! Query strings, paging and sorting as OCP does them (ocp-api.md §3).
//!
//! Parsed by hand from the raw query so a malformed one becomes a 400 envelope, never
//! axum's plain-text rejection, and so repeated keys (`status=A&status=B`) merge like
//! comma lists do.

use std::cmp::Ordering;

use super::envelope::Fail;

pub const DEFAULT_SIZE: usize = 10;
pub const MAX_SIZE: usize = 2000;

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decoding with `+` as space (form encoding). Bad escapes are a 400.
fn decode(s: &str) -> Result<String, Fail> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = b.get(i + 1).copied().and_then(hex);
                let lo = b.get(i + 2).copied().and_then(hex);
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(h * 16 + l),
                    _ => return Err(Fail::bad(format!("malformed query string near {s:?}"))),
                }
                i += 3;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| Fail::bad("query string is not UTF-8"))
}

impl Params {
    pub fn parse(raw: Option<&str>) -> Result<Self, Fail> {
        let mut v = Vec::new();
        if let Some(raw) = raw {
            for pair in raw.split('&').filter(|p| !p.is_empty()) {
                let (k, val) = pair.split_once('=').unwrap_or((pair, ""));
                v.push((decode(k)?, decode(val)?));
            }
        }
        Ok(Params(v))
    }

    /// The first non-empty value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// All values of `key`, comma lists split, blanks dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A numeric parameter; absent is `None`, garbage is a 400.
    pub fn int(&self, key: &str) -> Result<Option<i64>, Fail> {
        match self.get(key) {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| Fail::bad(format!("parameter {key} must be an integer, got {s:?}"))),
        }
    }

    /// A boolean parameter (`true`/`false`); garbage is a 400.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, Fail> {
        match self.get(key) {
            None => Ok(None),
            Some(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(s) => Err(Fail::bad(format!(
                "parameter {key} must be true or false, got {s:?}"
            ))),
        }
    }

    /// `page` (1-based; 0 counts as 1, like Spring's one-indexed pageable) and `size`
    /// (default 10, clamped to 1..=2000).
    pub fn paging(&self) -> Result<(usize, usize), Fail> {
        let page = self.int("page")?.unwrap_or(1);
        if page < 0 {
            return Err(Fail::bad("parameter page must not be negative"));
        }
        let size = self.int("size")?.unwrap_or(DEFAULT_SIZE as i64);
        if size < 0 {
            return Err(Fail::bad("parameter size must not be negative"));
        }
        let page = (page.max(1) as u64).min(u32::MAX as u64) as usize;
        let size = (size as u64).clamp(1, MAX_SIZE as u64) as usize;
        Ok((page, size))
    }

    /// `sort=field,asc|desc`; `None` when absent. The field must be one of `allowed`.
    pub fn sort(&self, allowed: &[&str]) -> Result<Option<(String, bool)>, Fail> {
        let Some(raw) = self.get("sort") else {
            return Ok(None);
        };
        let mut it = raw.split(',').map(str::trim);
        let field = it.next().unwrap_or_default();
        let desc = match it.next() {
            None | Some("") => false,
            Some(d) if d.eq_ignore_ascii_case("asc") => false,
            Some(d) if d.eq_ignore_ascii_case("desc") => true,
            Some(d) => {
                return Err(Fail::bad(format!(
                    "sort direction must be asc or desc, got {d:?}"
                )))
            }
        };
        if !allowed.contains(&field) {
            return Err(Fail::bad(format!(
                "cannot sort by {field:?}; sortable fields: {}",
                allowed.join(", ")
            )));
        }
        Ok(Some((field.to_string(), desc)))
    }
}

/// Decode a JSON request body; an unreadable or malformed body is a 400 envelope.
pub fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<T, Fail> {
    let bytes = body.map_err(|e| Fail::bad(format!("unreadable request body: {e}")))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Fail::bad("request body is required (JSON)"));
    }
    serde_json::from_slice(&bytes).map_err(|e| Fail::bad(format!("malformed JSON body: {e}")))
}

/// A sortable value of one field.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Key {
    Int(i64),
    Str(String),
}

/// Sort `items` by `sort` (field, descending) using `key`, ids as the tie-break so pages are
/// stable, then cut out page `page` of `size`. Returns the page and the total count.
pub fn sort_and_page<T>(
    mut items: Vec<T>,
    sort: &Option<(String, bool)>,
    key: impl Fn(&T, &str) -> Key,
    page: usize,
    size: usize,
) -> (Vec<T>, usize) {
    if let Some((field, desc)) = sort {
        items.sort_by(|a, b| {
            let o = key(a, field)
                .partial_cmp(&key(b, field))
                .unwrap_or(Ordering::Equal);
            let o = o.then_with(|| {
                key(a, "id")
                    .partial_cmp(&key(b, "id"))
                    .unwrap_or(Ordering::Equal)
            });
            if *desc {
                o.reverse()
            } else {
                o
            }
        });
    }
    let total = items.len();
    let start = (page - 1).saturating_mul(size);
    let out = items.into_iter().skip(start).take(size).collect();
    (out, total)
}

/// Case-insensitive "contains".
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

/// Does `value` match one of `wanted` (case-insensitive)? An empty filter matches all.
pub fn in_list(wanted: &[String], value: &str) -> bool {
    wanted.is_empty() || wanted.iter().any(|w| w.eq_ignore_ascii_case(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_escapes() {
        let p = Params::parse(Some("status=RUNNING,FAILED&status=OPERATING&name=a%20b+c")).unwrap();
        assert_eq!(p.list("status"), vec!["RUNNING", "FAILED", "OPERATING"]);
        assert_eq!(p.get("name"), Some("a b c"));
        assert!(Params::parse(Some("name=%zz")).is_err());
    }

    #[test]
    fn paging_clamps_and_rejects_garbage() {
        let p = Params::parse(Some("page=0&size=99999")).unwrap();
        assert_eq!(p.paging().unwrap(), (1, MAX_SIZE));
        let p = Params::parse(None).unwrap();
        assert_eq!(p.paging().unwrap(), (1, DEFAULT_SIZE));
        assert!(Params::parse(Some("page=x")).unwrap().paging().is_err());
        assert!(Params::parse(Some("size=-1")).unwrap().paging().is_err());
    }

    #[test]
    fn sort_validates_field_and_direction() {
        let p = Params::parse(Some("sort=name,desc")).unwrap();
        assert_eq!(
            p.sort(&["id", "name"]).unwrap(),
            Some(("name".into(), true))
        );
        assert!(Params::parse(Some("sort=bogus,asc"))
            .unwrap()
            .sort(&["id"])
            .is_err());
        assert!(Params::parse(Some("sort=id,sideways"))
            .unwrap()
            .sort(&["id"])
            .is_err());
    }

    #[test]
    fn page_beyond_end_is_empty() {
        let (v, total) = sort_and_page(vec![1, 2, 3], &None, |x, _| Key::Int(*x), 5, 2);
        assert!(v.is_empty());
        assert_eq!(total, 3);
    }
}
