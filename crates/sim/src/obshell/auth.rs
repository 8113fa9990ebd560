//! obshell's security middleware, reproduced: header decryption on every route, body
//! decryption when a header came, and verification (uri, expiry, then password) on the auth
//! routes. Like the real agent, it keeps no record of the headers it has seen.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{OriginalUri, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::crypto;
use super::this_agent::Agent;
use super::wire::{random_trace_id, HeaderKind, ObErr, ReqCtx};
use crate::clock::wall_ms;
use obtui_api::obshell::crypto::{CryptoError, AGENT_HEADER, HEADER, LEGACY_HEADER};
use obtui_api::obshell::models::codes;

/// Largest request body accepted (obshell bodies are small; uploads are not simulated).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// HeaderDecrypt + BodyDecrypt, on every route. Leaves a [`ReqCtx`] in the extensions.
pub async fn decrypt(State(agent): State<Agent>, req: Request, next: Next) -> Response {
    let uri = req
        .extensions()
        .get::<OriginalUri>()
        .map(|u| u.0.clone())
        .unwrap_or_else(|| req.uri().clone());
    let raw_uri = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string());
    // obshell skips its pre-handlers (and so the trace id) on /status.
    let trace_id = if uri.path() == "/api/v1/status" {
        String::new()
    } else {
        req.headers()
            .get("X-OBSHELL-Trace-ID")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 64)
            .map(str::to_string)
            .unwrap_or_else(random_trace_id)
    };
    let mut ctx = ReqCtx::new(trace_id, raw_uri, agent.sim.clock().clone());

    // An old agent (no v2 in its supportedAuth) reads only `X-OCS-Auth`, a current one only
    // the v2 headers.
    let legacy = agent.sim.legacy_auth();
    let found = if legacy {
        req.headers()
            .get(LEGACY_HEADER)
            .map(|v| (HeaderKind::Legacy, v.clone()))
    } else {
        [(HEADER, HeaderKind::Ob), (AGENT_HEADER, HeaderKind::Agent)]
            .into_iter()
            .find_map(|(name, kind)| req.headers().get(name).map(|v| (kind, v.clone())))
    };
    let mut req = req;
    if let Some((HeaderKind::Legacy, value)) = &found {
        let header = value
            .to_str()
            .map_err(|_| CryptoError::Base64("header is not ASCII".into()))
            .and_then(|v| {
                let keys = agent.sim.agent_key_pair(&agent.me);
                let key = keys
                    .private
                    .as_ref()
                    .ok_or_else(|| CryptoError::Key("this agent has no key".into()))?;
                crypto::decrypt_legacy_header(key, v)
            });
        match header {
            // v1 names no URI; the body stays plaintext JSON.
            Ok(mut h) => {
                h.uri = ctx.raw_uri.clone();
                ctx.header = Some((HeaderKind::Legacy, h));
            }
            Err(e) => return ctx.fail(decrypt_failed(&e)),
        }
    } else if let Some((kind, value)) = found {
        let header = value
            .to_str()
            .map_err(|_| CryptoError::Base64("header is not ASCII".into()))
            .and_then(|v| {
                let keys = agent.sim.agent_key_pair(&agent.me);
                let key = keys
                    .private
                    .as_ref()
                    .ok_or_else(|| CryptoError::Key("this agent has no key".into()))?;
                crypto::decrypt_header(key, v)
            });
        let header = match header {
            Ok(h) => h,
            Err(e) => return ctx.fail(decrypt_failed(&e)),
        };
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, MAX_BODY).await {
            Ok(b) => b,
            Err(e) => {
                return ctx.fail(ObErr::bad_request(
                    codes::BIND_JSON_FAILED,
                    format!("Failed to read request body: {e}"),
                ))
            }
        };
        let plain = if bytes.is_empty() {
            bytes
        } else {
            // obshell ignores decryption errors here and lets the JSON binding fail on the
            // garbage; a NUL byte does the same.
            match crypto::header_aes_keys(&header).and_then(|k| crypto::decrypt_body(&k, &bytes)) {
                Ok(p) => Bytes::from(p),
                Err(_) => Bytes::from_static(b"\0"),
            }
        };
        req = Request::from_parts(parts, Body::from(plain));
        ctx.header = Some((kind, header));
    }
    req.extensions_mut().insert(ctx);
    next.run(req).await
}

/// `Verify()` on the auth groups: header present, uri equal to the request target, expiry
/// (checked only when `auth` is non-empty, as obshell does), then password.
/// An agent outside the cluster (SINGLE, SCALING OUT) has no root password and no agent
/// password here, so, as in obshell, any header that decrypts and names the right URI passes.
pub async fn verify(State(agent): State<Agent>, ctx: ReqCtx, req: Request, next: Next) -> Response {
    let Some((kind, header)) = &ctx.header else {
        return ctx.fail(ObErr::bad_request(
            codes::HEADER_NOT_FOUND,
            "X-OCS-Agent-Header or X-OCS-Header not found in http request header",
        ));
    };
    if header.uri != ctx.raw_uri {
        return ctx.fail(ObErr::unauthorized(codes::URI_MISMATCH, "URI mismatch"));
    }
    let in_cluster = agent
        .sim
        .state()
        .view(&agent.me)
        .is_some_and(|v| v.is_cluster_agent());
    if !in_cluster {
        return next.run(req).await;
    }
    let sim = &agent.sim;
    // `secure/auth.go` checks the timestamp before the password (and only when `auth` is
    // non-empty), so an expired header with a wrong password is "expired". A header may be
    // used again until it expires: the real agent keeps no record of the ones it has seen.
    if !header.auth.is_empty() {
        match crypto::header_ts_unix(header) {
            None => {
                return ctx.fail(ObErr::unauthorized(
                    "Security.Authentication.Timestamp.Invalid",
                    format!(
                        "Unauthorized: Invalid timestamp: {}, err: invalid syntax",
                        header.ts
                    ),
                ))
            }
            // The header's `ts` comes from the client's real clock, so expiry is checked against
            // the wall clock, not the world's (which a test may have stepped far ahead).
            Some(ts) if wall_ms() / 1000 > ts => {
                return ctx.fail(ObErr::unauthorized(
                    codes::EXPIRED,
                    "Unauthorized: Authentication expired",
                ))
            }
            Some(_) => {}
        }
    }
    let ok = match kind {
        HeaderKind::Ob | HeaderKind::Legacy => sim.password_matches(header.auth.expose()),
        HeaderKind::Agent => sim.agent_password_matches(header.auth.expose()),
    };
    if !ok {
        return ctx.fail(match kind {
            HeaderKind::Ob | HeaderKind::Legacy => ObErr::unauthorized(
                codes::INCORRECT_OB_PASSWORD,
                "Unauthorized: OceanBase password is incorrect",
            ),
            HeaderKind::Agent => ObErr::unauthorized(
                codes::INCORRECT_AGENT_PASSWORD,
                "Unauthorized: Agent password is incorrect",
            ),
        });
    }
    next.run(req).await
}

fn decrypt_failed(e: &CryptoError) -> ObErr {
    // The Go server reports crypto/rsa's own text for a bad block.
    let detail = match e {
        CryptoError::Rsa(_) => "crypto/rsa: decryption error".to_string(),
        other => other.to_string(),
    };
    ObErr {
        status: StatusCode::UNAUTHORIZED,
        code: codes::DECRYPT_FAILED,
        legacy: Some(codes::LEGACY_DECRYPT),
        message: format!("Decrypt http header failed: {detail}"),
    }
}
