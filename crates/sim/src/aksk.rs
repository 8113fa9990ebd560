//! OCP's AccessKey (AK/SK) authentication, verified as the OCP API reference describes it: the
//! `Authorization: OCP-ACCESS-KEY-HMACSHA1 {AK}:{signature}` header must carry the HMAC-SHA1 of
//! the request as received (method, body MD5, content type, `Date`, host, `x-ocp-` headers,
//! path and sorted query), and `Date` must be within 15 minutes of the server's clock. Any
//! difference (a wrong key or secret, a changed path, query or body, an old date) is a 401
//! with OCP's error envelope.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use obtui_api::ocp::sign::{self, AccessKey};

use crate::envelope::{code, Fail};

/// The largest body read to check its MD5 (the OCP API's bodies are small).
const MAX_SIGNED_BODY: usize = 16 * 1024 * 1024;

/// Whether the request claims an AccessKey signature (whatever its algorithm).
pub fn is_access_key_request(req: &Request) -> bool {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|h| h.trim_start().starts_with("OCP-ACCESS-KEY-"))
}

/// Check the signature of `req` with `key` at `now_ms`; the request (its body read and put
/// back) when it is good, OCP's 401 when not.
pub async fn verify(key: &AccessKey, now_ms: i64, req: Request) -> Result<Request, Response> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_SIGNED_BODY)
        .await
        .map_err(|_| refuse("the request body could not be read"))?;
    let h = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let auth = h(header::AUTHORIZATION);
    let Some((ak, sig)) = sign::parse_authorization(&auth) else {
        return Err(refuse(
            "malformed AccessKey authorization: expected `OCP-ACCESS-KEY-HMACSHA1 {AK}:{Signature}`",
        ));
    };
    if ak != key.id {
        return Err(refuse("unknown AccessKey id"));
    }
    let date = h(header::DATE);
    let Some(sent_ms) = obtui_api::time::parse_http_date(&date) else {
        return Err(refuse("the Date header is missing or not an RFC 1123 date"));
    };
    if (now_ms - sent_ms).abs() > sign::MAX_SKEW_MS {
        return Err(refuse(
            "the request's Date is more than 15 minutes from the server's time",
        ));
    }
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let query = parts.uri.query().map(sign::parse_query).unwrap_or_default();
    let content_type = h(header::CONTENT_TYPE);
    let host = h(header::HOST);
    let signed = sign::SignedParts {
        method: parts.method.as_str(),
        body: Some(&body),
        content_type: &content_type,
        date: &date,
        host: &host,
        headers: &headers,
        path: parts.uri.path(),
        query: &query,
    };
    let expected = sign::signature(&key.secret, &sign::string_to_sign(&signed));
    if !sign::same_signature(sig, &expected) {
        return Err(refuse("AccessKey signature mismatch"));
    }
    Ok(Request::from_parts(parts, Body::from(body)))
}

fn refuse(message: &str) -> Response {
    let mut resp =
        Fail::new(StatusCode::UNAUTHORIZED, code::NOT_AUTHENTICATED, message).into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("OCP-ACCESS-KEY-HMACSHA1"),
    );
    resp
}
