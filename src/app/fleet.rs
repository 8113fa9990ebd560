//! The fleet view: several profiles open at once, their rows merged into every pane.
//!
//! One profile is *active*: the app's settings, server facts and per-pane data are its own,
//! so details, the DAG view, the raw view, wizards and operations work as with one profile.
//! The others wait in [`Member`]s: their context and the last data of each pane. Moving the
//! selection onto another profile's row (while only panes are on the stack) swaps that
//! profile in, so whatever the next key does acts on the row's own profile — read-only
//! included. Rows carry their profile in their id (`ID@N`, N the member's index) and in a
//! PROFILE column, shown only when more than one profile is open. The app's side of it (merging,
//! focus, the answers of each member) is `fleet_view.rs`.

use super::panes::PaneData;
use super::table::{Column, Row};
use crate::model::pane::PaneKind;
use obtui_task::Backend;
use std::time::Instant;

/// What makes one profile's context: swapped in and out of the app with the active profile.
#[derive(Debug, Clone)]
pub struct ProfileCtx {
    pub name: String,
    pub url: String,
    pub user: String,
    pub read_only: bool,
    pub production: bool,
    pub insecure: bool,
    pub has_obshell: bool,
    pub obshell_url: Option<String>,
    pub task_backend: Backend,
    pub access_key_id: Option<String>,
    pub ocp_version: Option<String>,
    pub server_label: Option<String>,
}

impl Default for ProfileCtx {
    fn default() -> ProfileCtx {
        ProfileCtx {
            name: String::new(),
            url: String::new(),
            user: String::new(),
            read_only: false,
            production: false,
            insecure: false,
            has_obshell: false,
            obshell_url: None,
            task_backend: Backend::Ocp,
            access_key_id: None,
            ocp_version: None,
            server_label: None,
        }
    }
}

/// One pane of one profile: its last good data, and its last round's failure.
#[derive(Debug, Clone, Default)]
pub struct MemberPane {
    /// `None` while the member is active (the app's pane holds it) or never loaded.
    pub data: Option<PaneData>,
    pub loaded: bool,
    pub last_ok: Option<Instant>,
    /// The last round's failure and since when the pane has been failing.
    pub error: Option<(String, Instant)>,
    /// The last failure was the server refusing the login.
    pub unauthorized: bool,
}

/// One profile of the fleet.
#[derive(Debug, Clone)]
pub struct Member {
    /// The context while the member is not active (the app's own fields hold it otherwise).
    pub ctx: ProfileCtx,
    pub panes: Vec<MemberPane>,
    /// The server could not even be connected to (no session): why.
    pub down: Option<String>,
}

/// How a profile is doing, for the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    Loading,
    Fresh,
    Stale,
    LoginNeeded,
    Error,
}

impl MemberState {
    pub fn label(self) -> &'static str {
        match self {
            MemberState::Loading => "loading",
            MemberState::Fresh => "fresh",
            MemberState::Stale => "stale",
            MemberState::LoginNeeded => "login needed",
            MemberState::Error => "error",
        }
    }
}

/// One profile as the header shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberSummary {
    pub name: String,
    pub state: MemberState,
    pub read_only: bool,
    pub active: bool,
    /// Since when it has been failing (stale, login needed, error).
    pub since: Option<Instant>,
}

/// The profiles of a fleet and which one is active.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub members: Vec<Member>,
    pub active: usize,
}

/// The PROFILE column, first in every pane of a fleet.
pub const PROFILE_COL: Column = Column::text("PROFILE", 12);

/// The item id of a row (`ID` or a fleet row's `ID@N`).
pub fn item_id(row: &Row) -> Option<i64> {
    row_key(&row.id).parse().ok()
}

/// The resource part of a row id (without a fleet row's `@N`).
pub fn row_key(id: &str) -> &str {
    id.split('@').next().unwrap_or(id)
}

/// The fleet member a row belongs to (`None`: not a fleet row).
pub fn row_member(row: &Row) -> Option<usize> {
    row.id.rsplit_once('@').and_then(|(_, m)| m.parse().ok())
}

/// Since when a member's pane `kind` has been failing.
pub fn member_since(m: &Member, kind: PaneKind) -> Option<Instant> {
    m.panes[kind.index()].error.as_ref().map(|e| e.1)
}

/// A member's state for pane `kind`: its last round there, else any pane's.
pub fn member_state(m: &Member, kind: PaneKind) -> MemberState {
    if m.down.is_some() {
        return MemberState::Error;
    }
    let p = &m.panes[kind.index()];
    let p = if p.loaded || p.error.is_some() {
        p
    } else {
        match m.panes.iter().find(|p| p.loaded || p.error.is_some()) {
            Some(p) => p,
            None => return MemberState::Loading,
        }
    };
    match (&p.error, p.unauthorized, p.loaded) {
        (Some(_), true, _) => MemberState::LoginNeeded,
        (Some(_), false, true) => MemberState::Stale,
        (Some(_), false, false) => MemberState::Error,
        (None, _, _) => MemberState::Fresh,
    }
}
