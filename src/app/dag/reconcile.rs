//! Task operations whose outcome is unknown (the answer was lost after the server may have
//! acted): reported as "sent, outcome unknown — checking", then decided from the task's next
//! polls: it took effect when the task (or the node operated on) changed from what it was when
//! the operation was sent; it did not when nothing changed within [`CHECK_POLLS`] polls.

use obtui_api::{ApiError, WriteOutcome};
use obtui_task::{NodeOp, NodeStatus, Op, TaskGraph, TaskState};

/// Polls after the answer was lost within which a change must show for "it took effect".
pub const CHECK_POLLS: u32 = 3;

/// How a sent operation went, as far as its answer says.
#[derive(Debug, Clone, PartialEq)]
pub enum OpOutcome {
    /// The server accepted it.
    Accepted,
    /// The server itself refused it (its error envelope, or a 4xx).
    Rejected(String),
    /// It never left (connection refused, no backend, …).
    NotSent(String),
    /// Sent, and no usable answer (timeout, reset, a gateway's bare 5xx): it may have acted.
    Unknown(String),
}

impl OpOutcome {
    /// The write rule of [`ApiError::write_outcome`], applied to an operation's result.
    pub fn from_result(r: &Result<(), ApiError>) -> OpOutcome {
        match r {
            Ok(()) => OpOutcome::Accepted,
            Err(e) => match e.write_outcome() {
                WriteOutcome::Rejected => OpOutcome::Rejected(e.to_string()),
                WriteOutcome::NotSent => OpOutcome::NotSent(e.to_string()),
                WriteOutcome::Unknown => OpOutcome::Unknown(e.to_string()),
            },
        }
    }
}

/// What an operation can change: the task's status and operation, the node's status.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub status: TaskState,
    pub operation: NodeOp,
    pub node: Option<NodeStatus>,
}

impl Snapshot {
    pub fn of(g: &TaskGraph, node: Option<&str>) -> Snapshot {
        Snapshot {
            status: g.status.clone(),
            operation: g.operation.clone(),
            node: node.and_then(|id| {
                g.nodes
                    .iter()
                    .find(|n| n.id == id)
                    .map(|n| n.status.clone())
            }),
        }
    }

    fn describe(&self) -> String {
        match &self.node {
            Some(n) => format!("task {} ({}), node {n}", self.status, self.operation),
            None => format!("task {} ({})", self.status, self.operation),
        }
    }
}

/// An operation sent on a task, with the task as it was when sent.
#[derive(Debug, Clone, PartialEq)]
pub struct OpCheck {
    pub task: String,
    pub op: Op,
    pub node: Option<String>,
    /// `None` when no graph was loaded when it was sent.
    pub before: Option<Snapshot>,
    /// The answer was lost: polls seen since.
    pub unknown_polls: Option<u32>,
}

/// What the latest poll says about an operation with an unknown outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    TookEffect(String),
    DidNot(String),
    Wait,
}

impl OpCheck {
    /// Decide from a new poll of the task (only once the answer is known lost).
    pub fn on_graph(&mut self, g: &TaskGraph) -> Verdict {
        let now = Snapshot::of(g, self.node.as_deref());
        self.decide(now)
    }

    /// Decide from the task as a poll shows it now.
    pub fn decide(&mut self, now: Snapshot) -> Verdict {
        let Some(polls) = self.unknown_polls.as_mut() else {
            return Verdict::Wait;
        };
        *polls += 1;
        match &self.before {
            Some(b) if *b != now => Verdict::TookEffect(format!(
                "it took effect: {} → {}",
                b.describe(),
                now.describe()
            )),
            Some(b) if *polls >= CHECK_POLLS => Verdict::DidNot(format!(
                "it did not take effect: still {} after {polls} polls",
                b.describe()
            )),
            // Nothing to compare with: the operation under way says it.
            None if op_shows(self.op, &now) => {
                Verdict::TookEffect(format!("it took effect: now {}", now.describe()))
            }
            None if *polls >= CHECK_POLLS => Verdict::DidNot(format!(
                "no sign of it after {polls} polls: {}",
                now.describe()
            )),
            _ => Verdict::Wait,
        }
    }
}

/// The task shows the operation under way (its `operation` names it).
fn op_shows(op: Op, s: &Snapshot) -> bool {
    s.operation.to_string().eq_ignore_ascii_case(op.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(status: TaskState, operation: NodeOp) -> Snapshot {
        Snapshot {
            status,
            operation,
            node: None,
        }
    }

    fn check(before: Option<Snapshot>) -> OpCheck {
        OpCheck {
            task: "7".into(),
            op: Op::Retry,
            node: None,
            before,
            unknown_polls: None,
        }
    }

    #[test]
    fn a_change_took_effect_and_no_change_within_the_polls_did_not() {
        let failed = snap(TaskState::Failed, NodeOp::Execute);
        let mut c = check(Some(failed.clone()));
        // Not decided before the answer is known lost.
        assert_eq!(c.decide(failed.clone()), Verdict::Wait);
        c.unknown_polls = Some(0);
        assert_eq!(c.decide(failed.clone()), Verdict::Wait);
        assert!(matches!(
            c.decide(snap(TaskState::Running, NodeOp::Retry)),
            Verdict::TookEffect(s) if s.contains("RUNNING")
        ));
        let mut c = check(Some(failed.clone()));
        c.unknown_polls = Some(0);
        for _ in 1..CHECK_POLLS {
            assert_eq!(c.decide(failed.clone()), Verdict::Wait);
        }
        assert!(matches!(c.decide(failed), Verdict::DidNot(s) if s.contains("still")));
    }

    #[test]
    fn outcomes_follow_the_write_rule() {
        let lost = ApiError::Decode {
            status: 502,
            detail: "empty body".into(),
            snippet: String::new(),
            cause: None,
        };
        assert!(matches!(
            OpOutcome::from_result(&Err(lost)),
            OpOutcome::Unknown(_)
        ));
        let refused = ApiError::Server {
            status: 400,
            code: None,
            message: "no".into(),
            trace_id: None,
            retry_after_secs: None,
            envelope: true,
        };
        assert!(matches!(
            OpOutcome::from_result(&Err(refused)),
            OpOutcome::Rejected(_)
        ));
        assert_eq!(OpOutcome::from_result(&Ok(())), OpOutcome::Accepted);
    }
}
