//! The server's checks, in the order a connection is made: the URL, DNS, TCP, TLS and its
//! certificate chain, the service's answer, the clock, the version, authentication, and the
//! round trip of a small list request. A check that cannot run because one before it failed
//! is a SKIP naming that one.

use super::{Check, Status};
use obtui_api::secret::Secret;
use reqwest::Url;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::time::timeout;

const S: &str = "server";
/// DNS, TCP connect and TLS handshake each get this long.
const STEP_TIMEOUT: Duration = Duration::from_secs(5);
/// A connect slower than this makes every refresh feel slow.
const SLOW_CONNECT: Duration = Duration::from_millis(300);
/// A small list request slower than this: the refresh interval should be raised.
const SLOW_LIST: Duration = Duration::from_secs(2);
/// Clock skew (beyond the measurement's uncertainty) above which a WARN / a FAIL is given.
/// obshell refuses an auth header more than 60 s old; half of it leaves room for the link.
pub const SKEW_WARN_MS: i64 = 5_000;
pub const SKEW_FAIL_MS: i64 = 30_000;

/// One endpoint to check.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub user: String,
    /// `None`: no password source (authentication is skipped).
    pub password: Option<Secret>,
    /// Sign with this AccessKey instead of the password (OCP only).
    pub access_key: Option<obtui_api::ocp::AccessKey>,
    pub ca_cert: Option<PathBuf>,
    pub insecure: bool,
    /// obshell only: which password `password` is (the profile's `obshell_auth`).
    pub obshell_password_kind: obtui_api::obshell::PasswordKind,
}

/// A URL as it may be printed: any `user:password@` it carries is replaced by `***@`.
pub fn display_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("***");
            let _ = u.set_password(None);
            u.as_str().trim_end_matches('/').to_string()
        }
        Ok(_) => url.to_string(),
        // Not a URL: cut at the last '@' before the host part, if any.
        Err(_) => match url.rsplit_once('@') {
            Some((_, rest)) => format!("***@{rest}"),
            None => url.to_string(),
        },
    }
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.1} ms")
    } else {
        format!("{m:.0} ms")
    }
}

fn skip(name: &str, why: &str) -> Check {
    Check::new(S, name, Status::Skip, why.to_string())
}

/// What the connection steps found: where to talk to, or why not.
struct Reached {
    url: Url,
}

/// URL, DNS, TCP and TLS. `None` when a step failed (its FAIL is already emitted).
async fn reach(t: &Target, emit: &mut dyn FnMut(Check), service: &str) -> Option<Reached> {
    let url = match Url::parse(t.url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        Ok(_) | Err(_) => {
            emit(
                Check::new(
                    S,
                    "URL",
                    Status::Fail,
                    format!("not an http(s) URL: {}", display_url(&t.url)),
                )
                .fix("give the URL as http://HOST:PORT or https://HOST:PORT"),
            );
            return None;
        }
    };
    if !url.username().is_empty() || url.password().is_some() {
        emit(
            Check::new(S, "URL", Status::Fail, format!("the URL carries credentials: {}", display_url(&t.url)))
                .fix("remove user:password@ from the URL; the user goes in --user, the password in OBTUI_PASSWORD or password_command"),
        );
        return None;
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    let port = url.port_or_known_default().unwrap_or(80);

    // DNS.
    let addrs: Vec<SocketAddr> = if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        emit(Check::new(
            S,
            "DNS",
            Status::Pass,
            format!("{host} is an IP address (no lookup)"),
        ));
        vec![SocketAddr::new(ip, port)]
    } else {
        let t0 = Instant::now();
        match timeout(STEP_TIMEOUT, tokio::net::lookup_host((host.as_str(), port))).await {
            Ok(Ok(found)) => {
                let mut v: Vec<SocketAddr> = found.collect();
                v.dedup();
                if v.is_empty() {
                    emit(dns_fail(&host, "no addresses"));
                    return None;
                }
                let list: Vec<String> = v.iter().take(4).map(|a| a.ip().to_string()).collect();
                emit(Check::new(
                    S,
                    "DNS",
                    Status::Pass,
                    format!("{host} → {} ({})", list.join(", "), ms(t0.elapsed())),
                ));
                v
            }
            Ok(Err(e)) => {
                emit(dns_fail(&host, &e.to_string()));
                return None;
            }
            Err(_) => {
                emit(dns_fail(
                    &host,
                    &format!("no answer in {} s", STEP_TIMEOUT.as_secs()),
                ));
                return None;
            }
        }
    };

    // TCP: the first address that accepts.
    let mut last_err = String::new();
    let mut connected = None;
    for a in addrs.iter().take(4) {
        let t0 = Instant::now();
        match timeout(STEP_TIMEOUT, tokio::net::TcpStream::connect(a)).await {
            Ok(Ok(_)) => {
                connected = Some((*a, t0.elapsed()));
                break;
            }
            Ok(Err(e)) => last_err = format!("{a}: {e}"),
            Err(_) => last_err = format!("{a}: no answer in {} s", STEP_TIMEOUT.as_secs()),
        }
    }
    let Some((addr, took)) = connected else {
        let fix = if last_err.contains("refused") {
            format!("nothing listens on port {port} of {host}: check the URL's port and that {service} is running there")
        } else {
            format!("{host}:{port} does not answer: a firewall between this host and {service} drops the connection, or the host is down")
        };
        emit(Check::new(S, "TCP connect", Status::Fail, last_err).fix(fix));
        return None;
    };
    if took > SLOW_CONNECT {
        emit(
            Check::new(S, "TCP connect", Status::Warn, format!("{addr} in {} (slow)", ms(took)))
                .fix("a slow path to the server: every refresh pays it; raise --refresh or run obtui closer to the server"),
        );
    } else {
        emit(Check::new(
            S,
            "TCP connect",
            Status::Pass,
            format!("{addr} in {}", ms(took)),
        ));
    }

    // TLS.
    if url.scheme() == "https" {
        if !tls_check(&host, addr, t, emit).await {
            return None;
        }
    } else if crate::config::profile::is_plain_http_remote(url.as_str()) {
        emit(
            Check::new(
                S,
                "TLS",
                Status::Warn,
                "plain http to a remote host: the password crosses the network in clear",
            )
            .fix("use https:// when the server offers it (with --cacert for a private CA)"),
        );
    } else {
        emit(Check::new(
            S,
            "TLS",
            Status::Pass,
            "plain http on loopback (nothing leaves this host)",
        ));
    }
    Some(Reached { url })
}

fn dns_fail(host: &str, why: &str) -> Check {
    Check::new(S, "DNS", Status::Fail, format!("{host} does not resolve: {why}"))
        .fix(format!("check the host name, /etc/resolv.conf, or add {host} to /etc/hosts; or use the server's IP address"))
}

/// The TLS handshake with the roots obtui trusts (the built-in ones and `--cacert`), and the
/// chain the server sent. True when obtui will be able to talk to it.
async fn tls_check(host: &str, addr: SocketAddr, t: &Target, emit: &mut dyn FnMut(Check)) -> bool {
    use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut trust = "the built-in roots".to_string();
    if let Some(path) = &t.ca_cert {
        let certs: Vec<CertificateDer<'static>> = match std::fs::read(path) {
            Ok(pem) => CertificateDer::pem_slice_iter(&pem)
                .filter_map(Result::ok)
                .collect(),
            Err(e) => {
                emit(
                    Check::new(
                        S,
                        "TLS",
                        Status::Fail,
                        format!("cannot read --cacert {}: {e}", path.display()),
                    )
                    .fix("give the path of the CA's PEM file (cacert in the profile, or --cacert)"),
                );
                return false;
            }
        };
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            emit(
                Check::new(S, "TLS", Status::Fail, format!("{} holds no PEM certificate", path.display()))
                    .fix("the file must hold the CA certificate(s) as -----BEGIN CERTIFICATE----- blocks"),
            );
            return false;
        }
        trust = format!(
            "the built-in roots and {} ({added} certificate(s))",
            path.display()
        );
    }
    // The ring provider, as reqwest's: aws-lc-rs (rustls' post-quantum default) would add a C
    // and CMake build to every target, the glibc 2.17 one included.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = match rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
    {
        Ok(b) => b.with_root_certificates(roots).with_no_client_auth(),
        Err(e) => {
            emit(Check::new(
                S,
                "TLS",
                Status::Fail,
                format!("cannot set up TLS: {e}"),
            ));
            return false;
        }
    };
    let Ok(name) = ServerName::try_from(host.to_string()) else {
        emit(Check::new(
            S,
            "TLS",
            Status::Fail,
            format!("{host} is not a valid TLS server name"),
        ));
        return false;
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let t0 = Instant::now();
    let attempt = timeout(STEP_TIMEOUT, async {
        let tcp = tokio::net::TcpStream::connect(addr).await?;
        connector.connect(name, tcp).await
    })
    .await;
    match attempt {
        Ok(Ok(stream)) => {
            let (_, conn) = stream.get_ref();
            let version = conn
                .protocol_version()
                .map(|v| format!("{v:?}").replace("TLSv1_", "TLS 1."))
                .unwrap_or_else(|| "TLS".into());
            let chain = conn.peer_certificates().map_or(0, <[_]>::len);
            emit(Check::new(
                S,
                "TLS",
                Status::Pass,
                format!("{version}, a chain of {chain} certificate(s) for {host}, verified by {trust} ({})", ms(t0.elapsed())),
            ));
            true
        }
        Ok(Err(e)) => {
            let tls_err = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<rustls::Error>())
                .cloned();
            let (detail, fix) =
                tls_failure(host, tls_err.as_ref(), &e.to_string(), t.ca_cert.is_some());
            if t.insecure {
                emit(
                    Check::new(
                        S,
                        "TLS",
                        Status::Warn,
                        format!("{detail}; accepted only because of insecure / --insecure"),
                    )
                    .fix(fix),
                );
                true
            } else {
                emit(Check::new(S, "TLS", Status::Fail, detail).fix(fix));
                false
            }
        }
        Err(_) => {
            emit(
                Check::new(
                    S,
                    "TLS",
                    Status::Fail,
                    format!("no TLS handshake in {} s", STEP_TIMEOUT.as_secs()),
                )
                .fix("the port may not speak TLS: try http://, or check the port"),
            );
            false
        }
    }
}

/// What went wrong in a handshake, and what to do about it.
pub fn tls_failure(
    host: &str,
    err: Option<&tokio_rustls::rustls::Error>,
    text: &str,
    has_cacert: bool,
) -> (String, String) {
    use tokio_rustls::rustls::{CertificateError as C, Error as E};
    match err {
        Some(E::InvalidCertificate(c)) => match c {
            C::UnknownIssuer => (
                "the server's certificate is signed by a CA obtui does not trust".into(),
                if has_cacert {
                    "the --cacert file is not the CA that signed this certificate: ask for the CA's PEM (the issuer of the chain)".into()
                } else {
                    "pass --cacert /path/to/ca.pem (or cacert = \"…\" in the profile) with the private CA that signed it".into()
                },
            ),
            C::NotValidForName | C::NotValidForNameContext { .. } => (
                format!("the certificate is not for {host}"),
                "use the host name the certificate was issued for (its subjectAltName), or re-issue it".into(),
            ),
            C::Expired | C::ExpiredContext { .. } => (
                "the certificate has expired".into(),
                "renew the server's certificate; if it is fresh, this host's clock is wrong".into(),
            ),
            C::NotValidYet | C::NotValidYetContext { .. } => (
                "the certificate is not valid yet".into(),
                "this host's clock is behind: set it (chronyc makestep, or timedatectl set-ntp true)".into(),
            ),
            other => (
                format!("certificate refused: {other:?}"),
                "check the server's certificate chain (openssl s_client -connect HOST:PORT -showcerts)".into(),
            ),
        },
        Some(E::InvalidMessage(_)) | Some(E::InappropriateMessage { .. }) => (
            format!("the server does not speak TLS here ({text})"),
            "use http:// for this port, or the port where the server serves https".into(),
        ),
        Some(e) => (
            format!("TLS handshake failed: {e}"),
            "check the server's TLS setup (openssl s_client -connect HOST:PORT)".into(),
        ),
        None => (
            format!("TLS handshake failed: {text}"),
            "the port may not speak TLS: try http://, or check the port".into(),
        ),
    }
}

/// A reqwest client with obtui's TLS settings, for the probes that need headers.
fn probe_client(t: &Target) -> Option<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(STEP_TIMEOUT)
        .timeout(Duration::from_secs(10));
    if let Some(path) = &t.ca_cert {
        let pem = std::fs::read(path).ok()?;
        for c in reqwest::Certificate::from_pem_bundle(&pem).ok()? {
            b = b.add_root_certificate(c);
        }
    }
    if t.insecure {
        b = b.danger_accept_invalid_certs(true);
    }
    b.build().ok()
}

/// The server's clock, from one GET: the body's timestamp when `body_time` reads one, else
/// the `Date` header. Returns (skew ms, uncertainty ms, source).
async fn measure_skew(
    client: &reqwest::Client,
    url: Url,
    body_time: fn(&str) -> Option<i64>,
) -> Result<(i64, i64, &'static str), String> {
    let t0 = obtui_api::time::now_ms();
    let resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| obtui_api::ApiError::from_reqwest(e).to_string())?;
    let t1 = obtui_api::time::now_ms();
    let date = resp
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(obtui_api::time::parse_http_date);
    let body = if resp.status().is_success() {
        resp.text().await.ok()
    } else {
        None
    };
    let mid = t0 + (t1 - t0) / 2;
    let half_rtt = (t1 - t0 + 1) / 2;
    if let Some(server) = body.as_deref().and_then(body_time) {
        return Ok((server - mid, half_rtt, "the server's time endpoint"));
    }
    match date {
        // The header has whole seconds: up to a second more of doubt.
        Some(server) => Ok((server + 500 - mid, half_rtt + 500, "the Date header")),
        None => Err("the server sent neither its time nor a Date header".into()),
    }
}

/// The verdict on a measured skew.
pub fn skew_check(skew_ms: i64, uncertainty_ms: i64, source: &str) -> Check {
    let beyond = skew_ms.abs().saturating_sub(uncertainty_ms).max(0);
    let dir = if skew_ms > 0 { "behind" } else { "ahead of" };
    let detail = if beyond == 0 {
        format!(
            "this host and the server agree (within {} ms, from {source})",
            uncertainty_ms.max(1)
        )
    } else {
        format!(
            "this host's clock is {:.1} s {dir} the server's (± {:.1} s, from {source})",
            skew_ms.abs() as f64 / 1000.0,
            uncertainty_ms as f64 / 1000.0
        )
    };
    let fix =
        "sync the clocks with NTP on both machines (timedatectl set-ntp true; chronyc makestep)";
    if beyond > SKEW_FAIL_MS {
        Check::new(
            S,
            "clock skew",
            Status::Fail,
            format!(
                "{detail}: obshell refuses requests from a skewed client and task ages are off"
            ),
        )
        .fix(fix)
    } else if beyond > SKEW_WARN_MS {
        Check::new(
            S,
            "clock skew",
            Status::Warn,
            format!("{detail}: ages and ETAs are off by as much"),
        )
        .fix(fix)
    } else {
        Check::new(S, "clock skew", Status::Pass, detail)
    }
}

fn join(base: &Url, path: &str) -> Url {
    let mut u = base.clone();
    let p = format!("{}{path}", base.path().trim_end_matches('/'));
    u.set_path(&p);
    u.set_query(None);
    u
}

/// Every check of an OCP.
pub async fn ocp_checks(t: &Target, emit: &mut dyn FnMut(Check)) {
    const NAMES: [&str; 5] = [
        "service",
        "clock skew",
        "authentication",
        "version",
        "list request",
    ];
    let Some(reached) = reach(t, emit, "OCP").await else {
        for n in NAMES {
            emit(skip(n, "not reachable (see above)"));
        }
        return;
    };
    let Some(probe) = probe_client(t) else {
        for n in NAMES {
            emit(skip(
                n,
                "cannot build an HTTP client with these TLS settings",
            ));
        }
        return;
    };

    // The service: `/api/status` (no auth).
    let t0 = Instant::now();
    match probe.get(join(&reached.url, "/api/status")).send().await {
        Ok(r) if r.status().is_success() => {
            let text = r.text().await.unwrap_or_default();
            let text = text.trim();
            if text.eq_ignore_ascii_case("okay") {
                emit(Check::new(S, "service", Status::Pass, format!("GET /api/status: okay ({})", ms(t0.elapsed()))));
            } else {
                emit(
                    Check::new(S, "service", Status::Warn, format!("GET /api/status: {}", obtui_api::quote_input(&text.chars().take(80).collect::<String>())))
                        .fix("OCP reports a problem with itself (e.g. its monitor database): see OCP's own logs"),
                );
            }
        }
        Ok(r) => emit(
            Check::new(S, "service", Status::Warn, format!("GET /api/status: HTTP {}", r.status().as_u16()))
                .fix("the URL may not point at OCP itself (a proxy or another service answers): check the URL's path and port"),
        ),
        Err(e) => emit(
            Check::new(S, "service", Status::Warn, format!("GET /api/status: {}", obtui_api::ApiError::from_reqwest(e)))
                .fix("check the URL points at OCP"),
        ),
    }

    // The clock: OCP's `/api/v2/time` (no auth), else the Date header.
    match measure_skew(
        &probe,
        join(&reached.url, "/api/v2/time"),
        obtui_api::time::parse_ms,
    )
    .await
    {
        Ok((skew, doubt, source)) => emit(skew_check(skew, doubt, source)),
        Err(e) => emit(
            Check::new(S, "clock skew", Status::Warn, e)
                .fix("cannot tell this host's clock from the server's; make sure both use NTP"),
        ),
    }

    // Authentication and the version: `/api/v2/info` needs the password or the access key.
    let Some(password) = t
        .password
        .clone()
        .or_else(|| t.access_key.as_ref().map(|_| Secret::default()))
    else {
        emit(skip("authentication", "no password to try"));
        emit(skip("version", "needs authentication"));
        emit(skip("list request", "needs authentication"));
        return;
    };
    let mut cfg = obtui_api::ocp::OcpConfig::new(
        reached.url.as_str().trim_end_matches('/'),
        t.user.clone(),
        password,
    );
    cfg.access_key = t.access_key.clone();
    cfg.ca_cert = t.ca_cert.clone();
    cfg.insecure = t.insecure;
    cfg.connect_timeout = STEP_TIMEOUT;
    cfg.request_timeout = Duration::from_secs(15);
    let client = match obtui_api::ocp::OcpClient::new(cfg) {
        Ok(c) => c,
        Err(e) => {
            emit(Check::new(S, "authentication", Status::Fail, e.to_string()));
            emit(skip("version", "needs authentication"));
            emit(skip("list request", "needs authentication"));
            return;
        }
    };
    match client.info().await {
        Ok(info) => {
            emit(Check::new(
                S,
                "authentication",
                Status::Pass,
                match &t.access_key {
                    Some(k) => format!(
                        "access key {} accepted (AK/SK signature, GET /api/v2/info)",
                        k.id
                    ),
                    None => format!("{} accepted (HTTP Basic, GET /api/v2/info)", t.user),
                },
            ));
            let build = info.build_version.clone().unwrap_or_default();
            match info.version() {
                Some(v)
                    if v.split('.')
                        .next()
                        .and_then(|m| m.parse::<u32>().ok())
                        .is_some_and(|m| m >= 4) =>
                {
                    emit(Check::new(
                        S,
                        "version",
                        Status::Pass,
                        format!("OCP {v} ({})", obtui_api::quote_input(&build)),
                    ));
                }
                Some(v) => emit(
                    Check::new(
                        S,
                        "version",
                        Status::Warn,
                        format!("OCP {v}: obtui speaks the REST API v2 of OCP 4.x"),
                    )
                    .fix("upgrade OCP to 4.x, or expect some panes to stay empty"),
                ),
                None => emit(
                    Check::new(
                        S,
                        "version",
                        Status::Warn,
                        "the server did not say its version (no buildVersion)",
                    )
                    .fix("check the URL points at OCP itself"),
                ),
            }
        }
        Err(e) if e.status() == Some(401) => {
            emit(
                Check::new(S, "authentication", Status::Fail, format!("HTTP 401: OCP refused user {} with this password", t.user))
                    .fix("check the user (--user / user in the profile) and the password source (`obtui config check` names it); the account may also be locked in OCP"),
            );
            emit(skip("version", "needs authentication"));
            emit(skip("list request", "needs authentication"));
            return;
        }
        Err(e) if e.status() == Some(403) => {
            emit(
                Check::new(
                    S,
                    "authentication",
                    Status::Fail,
                    format!("HTTP 403: user {} may not read OCP's info ({e})", t.user),
                )
                .fix("give the user a role that can read clusters and tasks in OCP"),
            );
            emit(skip("version", "needs authentication"));
            emit(skip("list request", "needs authentication"));
            return;
        }
        Err(e) => {
            emit(
                Check::new(
                    S,
                    "authentication",
                    Status::Fail,
                    format!("GET /api/v2/info: {e}"),
                )
                .fix("check the URL points at OCP (its API answers under /api/v2)"),
            );
            emit(skip("version", "needs authentication"));
            emit(skip("list request", "needs authentication"));
            return;
        }
    }

    // A small list request: what every refresh does.
    let t0 = Instant::now();
    let page = obtui_api::ocp::client::PageQuery::new(1, 1);
    match client.list_clusters(&page, &Default::default()).await {
        Ok(p) => {
            let took = t0.elapsed();
            let n = p.page.as_ref().map_or(p.contents.len() as i64, |pg| pg.total_elements);
            let detail = format!("GET /api/v2/ob/clusters?size=1: {n} cluster(s) in {}", ms(took));
            if took > SLOW_LIST {
                emit(Check::new(S, "list request", Status::Warn, format!("{detail} (slow)")).fix("OCP is slow to answer: raise --refresh (or refresh in the profile)"));
            } else {
                emit(Check::new(S, "list request", Status::Pass, detail));
            }
        }
        Err(e) => emit(
            Check::new(S, "list request", Status::Fail, format!("GET /api/v2/ob/clusters: {e}"))
                .fix("the user may lack the permission to list clusters, or OCP is unwell (quote the traceId to its admins)"),
        ),
    }
}

/// The checks of an obshell agent: reachable, its version, the clock, and authentication
/// with the obshell password (`OBTUI_OBSHELL_PASSWORD`, `obshell_password_command`, else the
/// OCP password).
pub async fn obshell_checks(t: &Target, emit: &mut dyn FnMut(Check)) {
    const NAMES: [&str; 3] = ["agent", "clock skew", "authentication"];
    let Some(reached) = reach(t, emit, "the obshell agent").await else {
        for n in NAMES {
            emit(skip(n, "not reachable (see above)"));
        }
        return;
    };
    let mut cfg = obtui_api::obshell::ObshellConfig::new(
        reached.url.as_str(),
        t.password.clone().unwrap_or_default(),
    );
    cfg.password_kind = t.obshell_password_kind;
    let client = match obtui_api::obshell::ObshellClient::new(cfg) {
        Ok(c) => c,
        Err(e) => {
            emit(Check::new(S, "agent", Status::Fail, e.to_string()));
            return;
        }
    };
    match client.info().await {
        Ok(info) => emit(Check::new(
            S,
            "agent",
            Status::Pass,
            format!(
                "obshell {} at {}:{} ({:?})",
                info.version, info.ip, info.port, info.identity
            ),
        )),
        Err(e) => {
            emit(
                Check::new(S, "agent", Status::Fail, format!("GET /api/v1/info: {e}"))
                    .fix("check the URL points at an obshell agent (port 2886 by default)"),
            );
            return;
        }
    }
    if let Some(probe) = probe_client(t) {
        let body_time = |s: &str| -> Option<i64> {
            let v: serde_json::Value = serde_json::from_str(s).ok()?;
            obtui_api::time::parse_ms(v.get("data")?.as_str()?)
        };
        match measure_skew(&probe, join(&reached.url, "/api/v1/time"), body_time).await {
            Ok((skew, doubt, source)) => emit(skew_check(skew, doubt, source)),
            Err(e) => emit(
                Check::new(S, "clock skew", Status::Warn, e).fix("make sure both hosts use NTP"),
            ),
        }
    }
    if t.password.is_none() {
        emit(skip("authentication", "no password to try"));
        return;
    }
    match client.ob_info().await {
        Ok(_) => emit(Check::new(S, "authentication", Status::Pass, "the agent accepted the password (GET /api/v1/ob/info)")),
        Err(e) if e.is_unauthorized() => emit(
            Check::new(S, "authentication", Status::Fail, format!("the agent refused the password: {e}"))
                .fix("set OBTUI_OBSHELL_PASSWORD or obshell_password_command to the root@sys password; an 'expired' error means this host's clock is behind"),
        ),
        Err(e) => emit(
            Check::new(S, "authentication", Status::Fail, format!("GET /api/v1/ob/info: {e}"))
                .fix("check the agent's log (obshell's log directory)"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_print() {
        assert_eq!(
            display_url("http://admin:hunter2@ocp:8080"),
            "http://***@ocp:8080"
        );
        assert_eq!(display_url("http://ocp:8080"), "http://ocp:8080");
        let odd = display_url("not a url:hunter2@ocp");
        assert!(!odd.contains("hunter2"), "{odd}");
    }

    #[test]
    fn skew_verdicts_allow_for_the_measurements_doubt() {
        assert_eq!(skew_check(200, 50, "x").status, Status::Pass);
        assert_eq!(skew_check(-4_000, 500, "x").status, Status::Pass);
        // 6 s off, but 1.5 s of doubt: within the 5 s of a pass.
        assert_eq!(skew_check(6_000, 1_500, "x").status, Status::Pass);
        let w = skew_check(-12_000, 100, "x");
        assert_eq!(w.status, Status::Warn);
        assert!(w.detail.contains("ahead of"), "{}", w.detail);
        let f = skew_check(600_000, 100, "x");
        assert_eq!(f.status, Status::Fail);
        assert!(f.detail.contains("600.0 s behind"), "{}", f.detail);
        assert!(f.fix.is_some());
    }

    #[test]
    fn tls_failures_say_what_to_do() {
        use tokio_rustls::rustls::{CertificateError, Error};
        let e = Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let (_, fix) = tls_failure("ocp", Some(&e), "", false);
        assert!(fix.contains("--cacert"), "{fix}");
        let (_, fix) = tls_failure("ocp", Some(&e), "", true);
        assert!(fix.contains("not the CA"), "{fix}");
        let e = Error::InvalidCertificate(CertificateError::NotValidForName);
        let (d, _) = tls_failure("ocp.example", Some(&e), "", false);
        assert!(d.contains("ocp.example"), "{d}");
        let (d, fix) = tls_failure("ocp", None, "eof", false);
        assert!(d.contains("eof") && fix.contains("http://"), "{d} / {fix}");
    }
}
