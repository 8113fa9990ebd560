//! The one error type every client returns.
//!
//! Operators paste the traceId into tickets, so every variant that came from a server keeps the
//! HTTP status, the server's code and message, and the traceId. A request that could not even
//! be built keeps its cause in a [`RequestError`].

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Why a request failed without a usable answer from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Nothing listens there (connection refused).
    Connect,
    /// The name did not resolve.
    Dns,
    /// No answer within the timeout. For a write, the server may or may not have acted.
    Timeout,
    /// The connection broke mid-request or mid-body.
    Reset,
    /// A TLS handshake or certificate problem.
    Tls,
    /// Anything else reqwest reports.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connection refused",
            TransportKind::Dns => "name not resolved",
            TransportKind::Timeout => "timed out",
            TransportKind::Reset => "connection reset",
            TransportKind::Tls => "TLS error",
            TransportKind::Other => "network error",
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error envelope (or a non-2xx status).
    #[error("HTTP {status}{}: {}{}", code_suffix(.code), short(.message), trace_suffix(.trace_id))]
    Server {
        status: u16,
        /// The server's error code (`error.code` for OCP, `errCode` or `code` for obshell).
        code: Option<String>,
        message: String,
        trace_id: Option<String>,
        /// `RateLimit-Reset` (seconds) on a 429, when the server sent it.
        retry_after_secs: Option<u64>,
        /// The body carried the server's own error envelope (OCP's `error` object, obshell's
        /// `error`): the application itself answered. `false` for a bare status or another
        /// JSON shape (a gateway's or the framework's default page). Decides whether a failed
        /// write was rejected or may have happened ([`ApiError::write_outcome`]).
        envelope: bool,
    },
    /// The server answered, but the body is not what the API documents (HTML from a proxy,
    /// truncated JSON, a wrong shape).
    #[error("HTTP {status}: unreadable response ({}); body starts: {snippet:?}", short(.detail))]
    Decode {
        status: u16,
        detail: String,
        snippet: String,
        /// The parser's own error, when one failed (serde_json, the key parser).
        #[source]
        cause: Option<Cause>,
    },
    /// No answer: refused, DNS, timeout, reset.
    #[error("{kind}: {}", short(.message))]
    Transport {
        kind: TransportKind,
        message: String,
    },
    /// The client or the request could not be built (bad URL, bad certificate file, a body
    /// that does not serialise, sealing failed); nothing was sent.
    #[error(transparent)]
    Build(#[from] RequestError),
    /// Refused before sending, for a reason given in words by the caller (no backend for
    /// this action, the object is gone, …); nothing was sent.
    #[error("{0}")]
    Request(String),
}

/// Why a client or a request could not be built. `server` is `OCP` or `obshell`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    #[error("invalid {server} URL {}: {cause}", quote_input(.url))]
    BadUrl {
        server: &'static str,
        url: String,
        #[source]
        cause: Cause,
    },
    #[error("invalid {server} URL {}: expected http:// or https://", quote_input(.url))]
    NotHttp { server: &'static str, url: String },
    /// The URL is not shown: it holds a password.
    #[error("the {server} URL must not carry credentials; set the user and password separately")]
    CredentialsInUrl { server: &'static str },
    #[error("the {server} URL has no host")]
    NoHost { server: &'static str },
    #[error("invalid Accept-Language {}", quote_input(.0))]
    AcceptLanguage(String),
    #[error("--cacert {}: {cause}", .path.display())]
    CaCertRead {
        path: PathBuf,
        #[source]
        cause: Cause,
    },
    #[error("--cacert {}: not a PEM certificate: {cause}", .path.display())]
    CaCertPem {
        path: PathBuf,
        #[source]
        cause: Cause,
    },
    #[error("--cacert {}: no certificate in the file", .path.display())]
    CaCertEmpty { path: PathBuf },
    #[error("HTTP client: {0}")]
    HttpClient(#[source] Cause),
    /// `what`: `request body`, `scale-out body`.
    #[error("{what}: {cause}")]
    Body {
        what: &'static str,
        #[source]
        cause: Cause,
    },
    #[error("sealing the request: {0}")]
    Seal(#[source] Cause),
    #[error("invalid obshell task id {0:?}")]
    TaskId(String),
}

/// The underlying error of a [`RequestError`] (reqwest, serde_json, I/O, crypto), shared so
/// that [`ApiError`] stays `Clone`; equal when their texts are.
#[derive(Debug, Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Cause {
        Cause(Arc::new(e))
    }

    /// The error itself, e.g. to downcast it.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Cause) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

/// Server text can be megabytes (a proxy's page, a runaway message): an error shown on one
/// line and kept in the history stays short.
pub const MAX_MESSAGE: usize = 1000;

/// The most characters of a user's input a message quotes.
pub const MAX_QUOTED: usize = 64;

/// A user's input quoted for a message: `"abc"`, or when long, its start and its length,
/// `"abcd…" (122880 bytes)`, so that a 100 KB `--url` or a 50 MB config value is never echoed
/// whole. Every message that quotes an input (URL, profile, theme or key name) goes through it.
pub fn quote_input(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTED) {
        None => format!("{s:?}"),
        Some((cut, _)) => {
            let q = format!("{:?}", &s[..cut]);
            // `q` ends with the closing quote: put the ellipsis inside it.
            let open = q.strip_suffix('"').unwrap_or(&q);
            format!("{open}…\" ({} bytes)", s.len())
        }
    }
}

/// A parser's message (TOML quotes the offending line, with a caret line under it) with
/// each line longer than a screen cut and its length shown, so a huge value is never echoed.
pub fn cut_long_lines(s: &str) -> String {
    s.lines()
        .map(|l| short_to(l, 160).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn short(s: &str) -> std::borrow::Cow<'_, str> {
    short_to(s, MAX_MESSAGE)
}

fn short_to(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((cut, _)) => {
            std::borrow::Cow::Owned(format!("{}… ({} more bytes)", &s[..cut], s.len() - cut))
        }
    }
}

fn code_suffix(code: &Option<String>) -> String {
    match code {
        Some(c) if !c.is_empty() && c != "0" => format!(" [{c}]"),
        _ => String::new(),
    }
}

fn trace_suffix(trace: &Option<String>) -> String {
    match trace {
        // Real trace ids are 16–64 characters; a longer one is cut like any server text.
        Some(t) if !t.is_empty() => format!(" (traceId {})", short_to(t, 128)),
        _ => String::new(),
    }
}

impl ApiError {
    /// The HTTP status, when the server answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server { status, .. } | ApiError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn trace_id(&self) -> Option<&str> {
        match self {
            ApiError::Server { trace_id, .. } => trace_id.as_deref().filter(|t| !t.is_empty()),
            _ => None,
        }
    }

    /// True when a write may have reached the server even though no answer came back:
    /// such a write must never be re-sent blindly. Same as
    /// `write_outcome() == WriteOutcome::Unknown`.
    pub fn outcome_unknown(&self) -> bool {
        self.write_outcome() == WriteOutcome::Unknown
    }

    /// What this error says about a **write** that was sent:
    ///
    /// - `Rejected`: the application itself refused it: any 4xx, or a 5xx / `successful:false`
    ///   whose body carries the server's error envelope.
    /// - `Unknown`: it may have been acted on: a timeout, a reset or other broken transfer,
    ///   a 5xx without the envelope (a gateway's 502/504, an empty 500, an HTML page), or a
    ///   2xx whose body is unreadable (truncated).
    /// - `NotSent`: it never left (refused connection, DNS, TLS, a request that could not be
    ///   built, a local refusal).
    pub fn write_outcome(&self) -> WriteOutcome {
        match self {
            ApiError::Transport { kind, .. } => match kind {
                TransportKind::Timeout | TransportKind::Reset | TransportKind::Other => {
                    WriteOutcome::Unknown
                }
                TransportKind::Connect | TransportKind::Dns | TransportKind::Tls => {
                    WriteOutcome::NotSent
                }
            },
            ApiError::Server {
                status, envelope, ..
            } => {
                if (400..500).contains(status) || *envelope {
                    WriteOutcome::Rejected
                } else {
                    WriteOutcome::Unknown
                }
            }
            ApiError::Decode { status, .. } => {
                if (400..500).contains(status) {
                    WriteOutcome::Rejected
                } else {
                    WriteOutcome::Unknown
                }
            }
            ApiError::Build(_) | ApiError::Request(_) => WriteOutcome::NotSent,
        }
    }

    /// True for errors that a later retry may cure (network, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Transport { .. } => true,
            ApiError::Server { status, .. } | ApiError::Decode { status, .. } => {
                *status >= 500 || *status == 429
            }
            ApiError::Build(_) | ApiError::Request(_) => false,
        }
    }

    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// Classify a reqwest error without leaking the URL's userinfo.
    pub fn from_reqwest(e: reqwest::Error) -> ApiError {
        let kind = if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_connect() {
            let text = format!("{e:?}").to_ascii_lowercase();
            if text.contains("dns") || text.contains("resolve") || text.contains("lookup") {
                TransportKind::Dns
            } else if text.contains("tls") || text.contains("certificate") {
                TransportKind::Tls
            } else {
                TransportKind::Connect
            }
        } else if e.is_body() || e.is_decode() || e.is_request() {
            TransportKind::Reset
        } else {
            TransportKind::Other
        };
        // The source chain says the most; the URL in reqwest's Display is redundant.
        let e = e.without_url();
        let mut message = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            message = format!("{message}: {s}");
            src = s.source();
        }
        ApiError::Transport { kind, message }
    }
}

/// What a failed write's error says about the write (see [`ApiError::write_outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The server's application answered with a refusal: nothing was done.
    Rejected,
    /// Sent, and it may or may not have been acted on: never re-send blindly; look.
    Unknown,
    /// It never reached the server.
    NotSent,
}

/// The first bytes of a body, made printable, for error messages about unreadable answers.
pub fn snippet(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX)
        .collect();
    if body.len() > out.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_long_lines_cuts_each_long_line() {
        let msg = format!(
            "error at line 1\n1 | x = \"{}\n  |     ^\n",
            "b".repeat(10_000)
        );
        let cut = cut_long_lines(&msg);
        assert!(cut.len() < 400, "{cut}");
        assert!(cut.contains("more bytes)"), "{cut}");
        assert!(cut.starts_with("error at line 1\n"), "{cut}");
    }

    #[test]
    fn quote_input_cuts_long_values_and_names_their_length() {
        assert_eq!(quote_input("abc"), "\"abc\"");
        assert_eq!(quote_input("a\"b"), "\"a\\\"b\"");
        let long = "é".repeat(100_000);
        let q = quote_input(&long);
        assert!(q.ends_with("…\" (200000 bytes)"), "{q}");
        assert!(q.len() < 200, "{q}");
    }

    #[test]
    fn server_error_display_names_status_code_message_and_trace() {
        let e = ApiError::Server {
            status: 429,
            code: Some("0".into()),
            message: "Excessive number of requests.".into(),
            trace_id: Some("abc123".into()),
            retry_after_secs: None,
            envelope: true,
        };
        assert_eq!(
            e.to_string(),
            "HTTP 429: Excessive number of requests. (traceId abc123)"
        );
        let e = ApiError::Server {
            status: 404,
            code: Some("20000".into()),
            message: "Task not found".into(),
            trace_id: None,
            retry_after_secs: None,
            envelope: true,
        };
        assert_eq!(e.to_string(), "HTTP 404 [20000]: Task not found");
        assert!(!e.is_transient());
    }

    #[test]
    fn long_server_messages_are_cut_in_display() {
        let e = ApiError::Server {
            status: 500,
            code: None,
            message: "x".repeat(200_000),
            trace_id: Some("t1".into()),
            retry_after_secs: None,
            envelope: true,
        };
        let s = e.to_string();
        assert!(s.len() < 1100, "{}", s.len());
        assert!(s.contains("more bytes") && s.ends_with("(traceId t1)"));
    }

    #[test]
    fn snippet_is_printable_and_bounded() {
        let body = b"<html>\n<body>502 Bad Gateway</body></html>";
        assert_eq!(snippet(body), "<html> <body>502 Bad Gateway</body></html>");
        let long = vec![b'a'; 1000];
        let s = snippet(&long);
        assert!(s.ends_with('…'));
        assert!(s.chars().count() <= 121);
    }

    #[test]
    fn unknown_outcome_only_for_no_answer() {
        let t = ApiError::Transport {
            kind: TransportKind::Timeout,
            message: "x".into(),
        };
        assert!(t.outcome_unknown());
        let c = ApiError::Transport {
            kind: TransportKind::Connect,
            message: "x".into(),
        };
        assert!(!c.outcome_unknown());
    }

    #[test]
    fn write_outcome_rejected_only_with_the_envelope_or_a_4xx() {
        let server = |status, envelope| ApiError::Server {
            status,
            code: None,
            message: String::new(),
            trace_id: None,
            retry_after_secs: None,
            envelope,
        };
        let decode = |status| ApiError::Decode {
            status,
            detail: "empty body".into(),
            snippet: String::new(),
            cause: None,
        };
        assert_eq!(server(500, true).write_outcome(), WriteOutcome::Rejected);
        assert_eq!(server(400, false).write_outcome(), WriteOutcome::Rejected);
        assert_eq!(server(502, false).write_outcome(), WriteOutcome::Unknown);
        assert_eq!(server(500, false).write_outcome(), WriteOutcome::Unknown);
        // An empty 500/502/504 and a truncated 200 decode as unreadable: unknown.
        for s in [500, 502, 504, 200] {
            assert_eq!(decode(s).write_outcome(), WriteOutcome::Unknown, "{s}");
        }
        assert_eq!(decode(413).write_outcome(), WriteOutcome::Rejected);
        let reset = ApiError::Transport {
            kind: TransportKind::Reset,
            message: "x".into(),
        };
        assert_eq!(reset.write_outcome(), WriteOutcome::Unknown);
        assert_eq!(
            ApiError::Request("no OCP".into()).write_outcome(),
            WriteOutcome::NotSent
        );
    }
}
