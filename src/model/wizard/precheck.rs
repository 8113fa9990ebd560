//! Precheck items: one check's verdict, reason and fix. Wizards compute them; the pollers
//! carry the servers' own precheck answers back for the app to map into them.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckResult {
    /// Not a check: what the precheck is (its source, say). Never blocks, never counts.
    Info,
    Pass,
    Warn,
    Fail,
}

impl CheckResult {
    pub fn word(&self) -> &'static str {
        match self {
            CheckResult::Info => "INFO",
            CheckResult::Pass => "PASS",
            CheckResult::Warn => "WARN",
            CheckResult::Fail => "FAIL",
        }
    }
    /// A glyph that reads without colour.
    pub fn glyph(&self) -> &'static str {
        match self {
            CheckResult::Info => "·",
            CheckResult::Pass => "✔",
            CheckResult::Warn => "▲",
            CheckResult::Fail => "✖",
        }
    }
}

/// One line of the precheck table.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecheckItem {
    pub name: String,
    pub result: CheckResult,
    /// What was found.
    pub reason: String,
    /// What to do about it (empty for PASS).
    pub fix: String,
    /// What the check is about when a step checks several things (an OBProxy take-over checks
    /// each proxy: its host id), so failing ones can be taken out of the request.
    pub subject: Option<String>,
}

impl PrecheckItem {
    /// A line of information shown with the checks (not a check itself).
    pub fn info(name: impl Into<String>, reason: impl Into<String>) -> PrecheckItem {
        PrecheckItem {
            name: name.into(),
            result: CheckResult::Info,
            reason: reason.into(),
            fix: String::new(),
            subject: None,
        }
    }
    pub fn pass(name: impl Into<String>, reason: impl Into<String>) -> PrecheckItem {
        PrecheckItem {
            name: name.into(),
            result: CheckResult::Pass,
            reason: reason.into(),
            fix: String::new(),
            subject: None,
        }
    }
    pub fn warn(
        name: impl Into<String>,
        reason: impl Into<String>,
        fix: impl Into<String>,
    ) -> PrecheckItem {
        PrecheckItem {
            name: name.into(),
            result: CheckResult::Warn,
            reason: reason.into(),
            fix: fix.into(),
            subject: None,
        }
    }
    pub fn fail(
        name: impl Into<String>,
        reason: impl Into<String>,
        fix: impl Into<String>,
    ) -> PrecheckItem {
        PrecheckItem {
            name: name.into(),
            result: CheckResult::Fail,
            reason: reason.into(),
            fix: fix.into(),
            subject: None,
        }
    }
}

impl PrecheckItem {
    /// The same item, about `subject`.
    pub fn about(mut self, subject: impl Into<String>) -> PrecheckItem {
        self.subject = Some(subject.into());
        self
    }
}

/// Where the checks came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrecheckSource {
    /// OCP's own precheck endpoint.
    Api,
    /// Computed here from data the API gives: OCP has no precheck for this operation.
    Computed,
}

/// A server's own precheck answer, or what to compute one from; the app maps it into items.
#[derive(Debug, Clone)]
pub enum PrecheckAnswer {
    /// OCP's cluster take-over precheck.
    Takeover(obtui_api::ocp::TakeoverPrecheckResult),
}
