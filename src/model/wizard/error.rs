//! The one error type of the wizards' network side: what a data load, an API precheck or a
//! submit failed with, kept typed from the client (`ApiError`) to the screen so the HTTP status,
//! the server's code and its traceId reach the operator (who quotes them in a ticket).

use obtui_api::ApiError;
use std::fmt;

/// A failure that crossed from the network side to a wizard. `status == None` means no HTTP
/// answer (a transport error, or a local reason such as "this profile has no OCP").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WizardError {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub trace_id: Option<String>,
}

impl WizardError {
    /// A reason of our own, with no server behind it.
    pub fn local(message: impl Into<String>) -> WizardError {
        WizardError {
            message: message.into(),
            ..WizardError::default()
        }
    }

    pub fn from_api(e: &ApiError) -> WizardError {
        match e {
            ApiError::Server {
                status,
                code,
                message,
                trace_id,
                ..
            } => WizardError {
                status: Some(*status),
                code: code.clone().filter(|c| !c.is_empty()),
                message: message.clone(),
                trace_id: trace_id.clone().filter(|t| !t.is_empty()),
            },
            other => {
                let text = other.to_string();
                // `Decode` already starts with its status; do not say it twice.
                let message = match other.status() {
                    Some(s) => text
                        .strip_prefix(&format!("HTTP {s}: "))
                        .map(str::to_string)
                        .unwrap_or(text),
                    None => text,
                };
                WizardError {
                    status: other.status(),
                    code: None,
                    message,
                    trace_id: None,
                }
            }
        }
    }

    /// The same error with more words in front ("no precheck on the server, …: ").
    pub fn context(mut self, what: &str) -> WizardError {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// One line for a ticket: `HTTP 400 [10001]: message (traceId …)` (the submit's form).
    pub fn line(&self) -> String {
        let mut s = match self.status {
            Some(st) => format!("HTTP {st}"),
            None => "no response".to_string(),
        };
        if let Some(c) = self.code.as_deref().filter(|c| !c.is_empty() && *c != "0") {
            s.push_str(&format!(" [{c}]"));
        }
        s.push_str(": ");
        s.push_str(&self.message);
        if let Some(t) = &self.trace_id {
            s.push_str(&format!(" (traceId {t})"));
        }
        s
    }
}

/// `HTTP 502 [code] · traceId abc123 — message`, or just the message when no server answered.
impl fmt::Display for WizardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(st) = self.status else {
            return f.write_str(&self.message);
        };
        write!(f, "HTTP {st}")?;
        if let Some(c) = self.code.as_deref().filter(|c| !c.is_empty() && *c != "0") {
            write!(f, " [{c}]")?;
        }
        if let Some(t) = &self.trace_id {
            write!(f, " · traceId {t}")?;
        }
        write!(f, " — {}", self.message)
    }
}

impl std::error::Error for WizardError {}

impl From<ApiError> for WizardError {
    fn from(e: ApiError) -> WizardError {
        WizardError::from_api(&e)
    }
}

impl From<&ApiError> for WizardError {
    fn from(e: &ApiError) -> WizardError {
        WizardError::from_api(e)
    }
}

/// A local reason (tests and callers that have only words).
impl From<&str> for WizardError {
    fn from(s: &str) -> WizardError {
        WizardError::local(s)
    }
}

impl From<String> for WizardError {
    fn from(s: String) -> WizardError {
        WizardError::local(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_keep_status_code_and_trace() {
        let e = WizardError::from(ApiError::Server {
            status: 502,
            code: Some("GW".into()),
            message: "bad gateway".into(),
            trace_id: Some("abc123".into()),
            retry_after_secs: None,
            envelope: true,
        });
        assert_eq!(
            e.to_string(),
            "HTTP 502 [GW] · traceId abc123 — bad gateway"
        );
        assert_eq!(e.line(), "HTTP 502 [GW]: bad gateway (traceId abc123)");
        assert_eq!(WizardError::local("no OCP").to_string(), "no OCP");
        let d = WizardError::from(ApiError::Decode {
            status: 502,
            detail: "not json".into(),
            snippet: "<html>".into(),
            cause: None,
        });
        assert_eq!(d.status, Some(502));
        assert!(!d.message.starts_with("HTTP"), "{d:?}");
    }
}
