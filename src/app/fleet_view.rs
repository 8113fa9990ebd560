//! The fleet view's side of the app: each member's answers, the merged rows, and the focus
//! that follows the selected row's profile (types in `fleet.rs`).

use super::fleet::{
    member_since, member_state, Fleet, Member, MemberPane, MemberSummary, ProfileCtx, PROFILE_COL,
};
use super::panes::{self, PaneData};
use super::state::{App, View};
use super::table::{Column, TableState};
use crate::model::jobs::ViewJob;
use crate::model::pane::PaneKind;
use crate::model::view::ViewData;
use obtui_api::ApiError;
use std::time::Instant;

impl App {
    /// Open the fleet view: `others` join the active profile (the app's current settings).
    /// With no others nothing changes (one profile shows no PROFILE column).
    pub fn enable_fleet(&mut self, first: ProfileCtx, others: Vec<ProfileCtx>) {
        if others.is_empty() {
            return;
        }
        let n = PaneKind::ALL.len();
        let mut members = vec![Member {
            ctx: first,
            panes: vec![MemberPane::default(); n],
            down: None,
        }];
        members.extend(others.into_iter().map(|ctx| Member {
            ctx,
            panes: vec![MemberPane::default(); n],
            down: None,
        }));
        self.fleet = Some(Fleet { members, active: 0 });
        for k in PaneKind::ALL {
            let numeric = self.columns(k).iter().map(|c| c.numeric).collect();
            let mut table = TableState::new(numeric);
            table.running_first = k == PaneKind::Tasks;
            self.pane_mut(k).table = table;
            // What the first profile already shows stays, now as its rows of the fleet.
            if self.pane(k).loaded {
                if let Some(m) = self.fleet.as_mut().and_then(|f| f.members.first_mut()) {
                    m.panes[k.index()].loaded = true;
                }
            }
            self.fleet_rebuild(k);
        }
        self.dirty = true;
    }

    /// The columns of a pane: PROFILE first in a fleet.
    pub fn columns(&self, k: PaneKind) -> std::borrow::Cow<'static, [Column]> {
        let cols = panes::columns(k);
        if self.fleet.is_none() {
            return std::borrow::Cow::Borrowed(cols);
        }
        let mut v = Vec::with_capacity(cols.len() + 1);
        v.push(PROFILE_COL);
        v.extend_from_slice(cols);
        std::borrow::Cow::Owned(v)
    }

    /// The active member, in a fleet.
    pub fn fleet_active(&self) -> Option<usize> {
        self.fleet.as_ref().map(|f| f.active)
    }

    /// The active profile's name when a fleet is open (confirmations name it).
    pub fn fleet_profile(&self) -> Option<String> {
        self.fleet.as_ref().map(|_| self.settings.profile.clone())
    }

    /// Each profile of the fleet: name, state, read-only, active.
    pub fn fleet_summary(&self) -> Vec<MemberSummary> {
        let Some(f) = &self.fleet else {
            return vec![];
        };
        let kind = self.current_pane();
        f.members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let active = i == f.active;
                let (name, ro) = if active {
                    (self.settings.profile.clone(), self.settings.read_only)
                } else {
                    (m.ctx.name.clone(), m.ctx.read_only)
                };
                MemberSummary {
                    name,
                    state: member_state(m, kind),
                    read_only: ro,
                    active,
                    since: member_since(m, kind),
                }
            })
            .collect()
    }

    /// Mark a member whose session could not start (it never polls; the others go on).
    pub fn fleet_member_down(&mut self, member: usize, why: String) {
        if let Some(m) = self.fleet.as_mut().and_then(|f| f.members.get_mut(member)) {
            m.down = Some(why);
        }
        self.dirty = true;
    }

    /// A view poller's answer from fleet member `member`.
    pub fn on_fleet_view(
        &mut self,
        member: usize,
        job: ViewJob,
        result: Result<ViewData, ApiError>,
        at: Instant,
        failures: u32,
    ) {
        let Some(active) = self.fleet_active() else {
            return self.on_view(job, result, at, failures);
        };
        let ViewJob::Pane(kind) = job else {
            // A detail's answer: only the active profile has one open.
            if member == active {
                self.on_view(job, result, at, failures);
            }
            return;
        };
        let ok = result.is_ok();
        let unauthorized = result.as_ref().err().is_some_and(|e| e.is_unauthorized());
        if member == active {
            self.on_view(job, result, at, failures);
            // The pane's own error mark would cover every profile's rows: the member keeps it.
            let err = self.pane_mut(kind).error.take();
            let loaded = self.pane(kind).loaded;
            if let Some(m) = self.fleet_member_mut(member) {
                let p = &mut m.panes[kind.index()];
                if ok {
                    p.loaded = true;
                    p.last_ok = Some(at);
                    p.error = None;
                } else {
                    p.loaded = p.loaded || loaded;
                    p.error = err.map(|e| (e.message, e.since));
                }
                p.unauthorized = unauthorized;
            }
        } else {
            let name = self
                .fleet
                .as_ref()
                .and_then(|f| f.members.get(member))
                .map(|m| m.ctx.name.clone())
                .unwrap_or_default();
            match result {
                Ok(data) => {
                    let pd = PaneData::from_view(kind, data);
                    if let Some(m) = self.fleet_member_mut(member) {
                        let p = &mut m.panes[kind.index()];
                        if pd.is_some() {
                            p.data = pd;
                            p.loaded = true;
                        }
                        p.last_ok = Some(at);
                        p.error = None;
                        p.unauthorized = false;
                    }
                    self.last_refresh = Some(at);
                }
                Err(e) => {
                    let msg = e.to_string();
                    if let Some(m) = self.fleet_member_mut(member) {
                        let p = &mut m.panes[kind.index()];
                        let since = p.error.as_ref().map(|x| x.1).unwrap_or(at);
                        p.error = Some((msg.clone(), since));
                        p.unauthorized = unauthorized;
                    }
                    let context = format!("profile {name}: {}", kind.title());
                    self.on_api_error(&context, &e);
                    if failures == 0 {
                        self.notify.show(
                            super::notify::Level::Error,
                            format!("{context}: {msg}"),
                            Instant::now(),
                        );
                    }
                }
            }
        }
        self.fleet_rebuild(kind);
    }

    /// The server facts of a member (`Msg::Info`).
    pub fn on_fleet_info(&mut self, member: usize, r: Result<String, ApiError>) {
        if self.fleet_active() == Some(member) || self.fleet.is_none() {
            return self.on_info(r);
        }
        if let (Some(m), Ok(label)) = (self.fleet_member_mut(member), r) {
            m.ctx.ocp_version = label.strip_prefix("OCP ").map(str::to_string);
            m.ctx.server_label = Some(label);
        }
        self.dirty = true;
    }

    fn fleet_member_mut(&mut self, member: usize) -> Option<&mut Member> {
        self.fleet.as_mut().and_then(|f| f.members.get_mut(member))
    }

    /// Build a pane's rows from every member's data: PROFILE first (with `RO` for a read-only
    /// profile and `stale` while its last round failed), ids tagged with the member.
    pub fn fleet_rebuild(&mut self, kind: PaneKind) {
        let Some(f) = &self.fleet else {
            return;
        };
        let now = self.frozen_now.unwrap_or_else(panes::now_ms);
        let mut rows = Vec::new();
        let mut any_loaded = false;
        for (i, m) in f.members.iter().enumerate() {
            let active = i == f.active;
            let p = &m.panes[kind.index()];
            let data = if active {
                self.pane(kind).loaded.then_some(&self.pane(kind).data)
            } else {
                p.data.as_ref()
            };
            let (name, ro) = if active {
                (self.settings.profile.as_str(), self.settings.read_only)
            } else {
                (m.ctx.name.as_str(), m.ctx.read_only)
            };
            any_loaded |= data.is_some() || p.error.is_some() || m.down.is_some();
            let Some(data) = data else {
                continue;
            };
            let mut cell = name.to_string();
            if ro {
                cell.push_str(" RO");
            }
            if p.error.is_some() {
                cell.push_str(" stale");
            }
            for mut r in data.rows(now, &self.zone) {
                r.id = format!("{}@{i}", r.id);
                r.cells.insert(0, cell.clone());
                r.status_col = r.status_col.map(|c| c + 1);
                rows.push(r);
            }
        }
        let p = self.pane_mut(kind);
        p.table.set_rows(rows);
        p.loaded = p.loaded || any_loaded;
        self.fleet_focus();
        self.dirty = true;
    }

    /// Make the selected row's profile the active one, so what the next key does acts on it.
    /// Only while panes alone are on the stack: an open detail, DAG or wizard keeps its own.
    pub fn fleet_focus(&mut self) {
        let Some(active) = self.fleet_active() else {
            return;
        };
        if !self.stack.iter().all(|v| matches!(v, View::Pane(_))) {
            return;
        }
        let kind = self.current_pane();
        let Some(want) = self
            .pane(kind)
            .table
            .selected_row()
            .and_then(super::fleet::row_member)
        else {
            return;
        };
        if want == active {
            return;
        }
        let n = self.fleet.as_ref().map(|f| f.members.len()).unwrap_or(0);
        if want >= n {
            return;
        }
        // Park the active profile's context and data.
        let cur = self.take_ctx();
        let parked: Vec<PaneData> = PaneKind::ALL
            .iter()
            .map(|k| std::mem::replace(&mut self.pane_mut(*k).data, PaneData::empty(*k)))
            .collect();
        let loaded: Vec<bool> = PaneKind::ALL.iter().map(|k| self.pane(*k).loaded).collect();
        let Some(f) = self.fleet.as_mut() else {
            return;
        };
        f.members[active].ctx = cur;
        for (k, d) in PaneKind::ALL.iter().zip(parked) {
            let p = &mut f.members[active].panes[k.index()];
            p.data = loaded[k.index()].then_some(d);
        }
        // Bring the row's profile in.
        let next = std::mem::take(&mut f.members[want].ctx);
        let data: Vec<Option<PaneData>> = f.members[want]
            .panes
            .iter_mut()
            .map(|p| p.data.take())
            .collect();
        f.active = want;
        self.put_ctx(next);
        for (k, d) in PaneKind::ALL.iter().zip(data) {
            self.pane_mut(*k).data = d.unwrap_or_else(|| PaneData::empty(*k));
        }
        self.dirty = true;
    }

    fn take_ctx(&mut self) -> ProfileCtx {
        ProfileCtx {
            name: self.settings.profile.clone(),
            url: self.settings.url.clone(),
            user: self.settings.user.clone(),
            read_only: self.settings.read_only,
            production: self.settings.production,
            insecure: self.settings.insecure,
            has_obshell: self.has_obshell,
            obshell_url: self.obshell_url.take(),
            task_backend: self.task_backend,
            access_key_id: self.access_key_id.take(),
            ocp_version: self.ocp_version.take(),
            server_label: self.server_label.take(),
        }
    }

    fn put_ctx(&mut self, c: ProfileCtx) {
        self.settings.profile = c.name;
        self.settings.url = c.url;
        self.settings.user = c.user;
        self.settings.read_only = c.read_only;
        self.settings.production = c.production;
        self.settings.insecure = c.insecure;
        self.has_obshell = c.has_obshell;
        self.obshell_url = c.obshell_url;
        self.task_backend = c.task_backend;
        self.access_key_id = c.access_key_id;
        self.ocp_version = c.ocp_version;
        self.server_label = c.server_label;
    }
}
