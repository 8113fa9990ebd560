//! Writes from the DAG view: offered only where the task model allows them, and sent
//! only after a confirmation dialog whose default answer is Cancel.

use crossterm::event::KeyEvent;

use super::{DagEffect, DagView};
use crate::app::actions::{Action, Keymap, Scope};
use crate::app::notify::Level;
use obtui_task::{Backend, Op};

/// A pending write waiting for the user's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub op: Op,
    /// Node id; `None` = the whole task.
    pub node: Option<String>,
    pub title: String,
    /// Task, subtask and what will happen, one line each.
    pub lines: Vec<String>,
    /// The highlighted button: `false` = Cancel (the default).
    pub on_confirm: bool,
}

/// The registry action that asks for `op` at task (`node = false`) or node level.
pub fn op_action(op: Op, node: bool) -> Action {
    match (op, node) {
        (Op::Retry, false) => Action::RetryTask,
        (Op::Rollback, false) => Action::RollbackTask,
        (Op::Cancel, false) => Action::CancelTask,
        (Op::Pass, false) => Action::PassTask,
        (Op::Skip, false) => Action::SkipSubtask,
        (Op::Retry, true) => Action::RetrySubtask,
        (Op::Skip, true) => Action::SkipSubtask,
        (Op::Cancel, true) => Action::CancelSubtask,
        (Op::Pass, true) => Action::PassSubtask,
        (Op::Rollback, true) => Action::RollbackTask,
    }
}

/// What the server will do, in words (ocp-api.md §9.3–9.4; obshell DAG/node operators).
fn consequence(backend: Backend, op: Op, node: bool) -> &'static [&'static str] {
    match (backend, op, node) {
        (Backend::Ocp, Op::Retry, false) => &[
            "OCP runs every FAILED subtask again;",
            "the task goes back to RUNNING.",
        ],
        (Backend::Ocp, Op::Rollback, false) => &[
            "OCP rolls the task back from its FAILED",
            "subtasks, undoing finished steps in reverse.",
        ],
        (Backend::Ocp, Op::Retry, true) => &[
            "OCP runs this subtask again; its downstream",
            "subtasks continue when it succeeds.",
        ],
        (Backend::Ocp, Op::Skip, true) => &[
            "OCP marks the subtask SUCCESSFUL without",
            "running it (operation SKIP); downstream",
            "subtasks start. Its work is NOT done.",
        ],
        (Backend::Ocp, Op::Cancel, true) => &[
            "OCP interrupts the running subtask",
            "(CANCELING); it ends FAILED and the task",
            "stops there until retried or rolled back.",
        ],
        (Backend::Obshell, Op::Retry, false) => {
            &["obshell runs the DAG again from its", "failed node."]
        }
        (Backend::Obshell, Op::Rollback, false) => &[
            "obshell rolls the DAG back, undoing its",
            "finished nodes in reverse order.",
        ],
        (Backend::Obshell, Op::Cancel, false) => &[
            "obshell cancels the DAG; running nodes",
            "stop and the DAG ends FAILED.",
        ],
        (Backend::Obshell, Op::Pass, false) => &[
            "obshell passes the failed node and goes",
            "on with the rest of the DAG.",
        ],
        (Backend::Obshell, Op::Pass, true) => &[
            "obshell marks the failed node as passed;",
            "the DAG continues after it. Its work is",
            "NOT done.",
        ],
        _ => &["The server applies the operation."],
    }
}

impl DagView {
    /// Ask for `op` on the task or the selected node: a flash saying why not, or the
    /// confirmation dialog.
    pub(super) fn request_op(&mut self, op: Op, node_level: bool) -> Vec<DagEffect> {
        let flash = |l, s: String| vec![DagEffect::Flash(l, s)];
        let Some(g) = &self.graph else {
            return flash(Level::Info, "the task has not loaded yet".into());
        };
        let node = if node_level {
            match self.sel_idx() {
                Some(i) => Some(i),
                None => return flash(Level::Info, "select a subtask first".into()),
            }
        } else {
            None
        };
        if let Err(why) = g.allowed(op, node) {
            let mut msg = format!("cannot {}: {why}", op.name());
            // Point at what this backend does offer at that level.
            if !g.ops(node).contains(&op) {
                let offered: Vec<String> = g
                    .ops(node)
                    .iter()
                    .map(|&o| format!("{} {}", self.key_label(op_action(o, node_level)), o.name()))
                    .collect();
                if !offered.is_empty() {
                    msg.push_str(&format!(" (here: {})", offered.join(", ")));
                }
            }
            return flash(Level::Warn, msg);
        }
        let node_id = node.and_then(|i| g.nodes.get(i)).map(|n| n.id.clone());
        let mut lines = vec![format!("Task: {} (#{}) — {}", g.name, g.id, g.status)];
        // Several profiles open: which one the write goes through.
        if let Some(p) = &self.profile {
            lines.insert(0, format!("Profile: {p}"));
        }
        let unit = match g.backend {
            Backend::Ocp => "Subtask",
            Backend::Obshell => "Node",
        };
        if let Some(n) = node.and_then(|i| g.nodes.get(i)) {
            lines.push(format!("{unit}: {} (#{}) — {}", n.label(), n.id, n.status));
        }
        lines.push(String::new());
        lines.extend(
            consequence(g.backend, op, node_level)
                .iter()
                .map(|s| s.to_string()),
        );
        let what = if node_level {
            unit.to_lowercase()
        } else {
            "task".to_string()
        };
        let verb = match op {
            Op::Retry => "Retry",
            Op::Rollback => "Roll back",
            Op::Skip => "Skip",
            Op::Cancel => "Cancel",
            Op::Pass => "Pass",
        };
        self.confirm = Some(Confirm {
            op,
            node: node_id,
            title: format!("{verb} {what}?"),
            lines,
            on_confirm: false,
        });
        vec![]
    }

    pub(super) fn on_confirm_key(&mut self, k: KeyEvent, km: &Keymap) -> Vec<DagEffect> {
        let Some(c) = &mut self.confirm else {
            return vec![];
        };
        match km.lookup_event(&[Scope::TaskConfirm], &k) {
            Some(Action::OpConfirm) => self.confirmed(),
            Some(Action::OpCancel) => {
                self.confirm = None;
                vec![]
            }
            Some(Action::OpToggle) => {
                c.on_confirm = !c.on_confirm;
                vec![]
            }
            Some(Action::OpChoose) => {
                if c.on_confirm {
                    self.confirmed()
                } else {
                    // Enter on the default answer: nothing is sent.
                    self.confirm = None;
                    vec![]
                }
            }
            _ => vec![],
        }
    }

    /// The user said yes: check again against the newest poll, then hand the write over.
    fn confirmed(&mut self) -> Vec<DagEffect> {
        let Some(c) = self.confirm.take() else {
            return vec![];
        };
        let Some(g) = &self.graph else { return vec![] };
        let idx = match &c.node {
            Some(id) => match self.index.get(id) {
                Some(&i) => Some(i),
                None => {
                    return vec![DagEffect::Flash(
                        Level::Warn,
                        format!("subtask #{id} is no longer in the task"),
                    )];
                }
            },
            None => None,
        };
        if let Err(why) = g.allowed(c.op, idx) {
            return vec![DagEffect::Flash(Level::Warn, format!("not sent: {why}"))];
        }
        self.pending = Some((c.op, c.node.clone()));
        let what = self.op_phrase(c.op, c.node.as_deref());
        self.notice = Some((Level::Info, format!("{what}: sending…"), self.now()));
        vec![DagEffect::Operate {
            op: c.op,
            node: c.node,
        }]
    }
}
