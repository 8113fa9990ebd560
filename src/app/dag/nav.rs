//! Moving the selection: along edges, across a layer, by status, by page, and folding.

use super::{DagEffect, DagMode, DagView};
use crate::app::notify::Level;
use obtui_task::layout::{fan_outs, NodeRef};
use obtui_task::NodeStatus;

impl DagView {
    /// j/k: graph mode follows an edge to the downstream (upstream) node nearest the goal
    /// column; list mode moves one row.
    pub(super) fn move_vertical(&mut self, down: bool) {
        if self.mode == DagMode::List {
            let Some(r) = self.sel_row() else {
                return self.select_row(0);
            };
            let next = if down { r + 1 } else { r.wrapping_sub(1) };
            if next < self.rows.len() {
                self.select_row(next);
            }
            return;
        }
        let Some(slot) = self.sel_slot() else {
            if let Some(&i) = self.order.first() {
                self.select_idx(i);
            }
            return;
        };
        let edges = if down {
            &self.slot_out[slot]
        } else {
            &self.slot_in[slot]
        };
        let nodes = &self.layout.nodes;
        let goal = self.goal_x.unwrap_or_else(|| nodes[slot].center()) as i64;
        let pick = edges
            .iter()
            .filter_map(|&e| self.layout.edges.get(e))
            .map(|e| if down { e.to } else { e.from })
            .filter_map(|s| nodes.get(s).map(|p| (s, p)))
            .min_by_key(|(_, p)| ((p.center() as i64 - goal).abs(), p.x))
            .map(|(s, _)| s);
        if let Some(s) = pick {
            if self.goal_x.is_none() {
                self.goal_x = Some(nodes[slot].center());
            }
            self.select_slot(s);
        }
    }

    /// h/l: previous / next node in the same layer (graph); fold / unfold (list).
    pub(super) fn move_sideways(&mut self, right: bool) {
        if self.mode == DagMode::List {
            let slot_is_agg = self
                .sel_row()
                .and_then(|r| self.rows.get(r))
                .is_some_and(|r| matches!(r.node, NodeRef::Aggregate { .. }));
            if right == slot_is_agg {
                let _ = self.toggle_fold();
            }
            return;
        }
        let Some(slot) = self.sel_slot() else { return };
        let Some(p) = self.layout.nodes.get(slot) else {
            return;
        };
        let Some(layer) = self.layers.get(p.layer as usize) else {
            return;
        };
        let Some(k) = layer.iter().position(|&s| s == slot) else {
            return;
        };
        let next = if right { k + 1 } else { k.wrapping_sub(1) };
        if let Some(&s) = layer.get(next) {
            self.select_slot(s);
            self.set_goal_to_selection();
        }
    }

    pub(super) fn select_row(&mut self, r: usize) {
        let Some(row) = self.rows.get(r) else { return };
        let i = match &row.node {
            NodeRef::Single(i) => *i,
            NodeRef::Aggregate { members, .. } => {
                let members = members.clone();
                self.best_member(&members)
            }
        };
        self.select_idx(i);
    }

    /// PageUp/PageDown: a screenful up or down.
    pub(super) fn page(&mut self, down: bool) {
        let h = match self.mode {
            DagMode::Graph => self.geom.graph.height.max(4) as i64 - 2,
            DagMode::List => self.geom.graph.height.max(2) as i64 - 1,
        };
        if self.mode == DagMode::List {
            let r = self.sel_row().unwrap_or(0) as i64;
            let last = self.rows.len() as i64 - 1;
            let next = if down { r + h } else { r - h }.clamp(0, last.max(0));
            return self.select_row(next as usize);
        }
        let Some(p) = self.sel_slot().and_then(|s| self.layout.nodes.get(s)) else {
            return;
        };
        let target = if down { p.y as i64 + h } else { p.y as i64 - h }.max(0) as u32;
        let nodes = &self.layout.nodes;
        // The row at (or after / before) the target, then the node nearest the goal column.
        let k = nodes.partition_point(|n| n.y < target);
        let row_y = if down {
            nodes.get(k).or(nodes.last()).map(|n| n.y)
        } else {
            match nodes.get(k) {
                Some(n) if n.y == target => Some(n.y),
                _ => k
                    .checked_sub(1)
                    .and_then(|j| nodes.get(j))
                    .or(nodes.first())
                    .map(|n| n.y),
            }
        };
        let Some(row_y) = row_y else { return };
        let goal = self.goal_x.unwrap_or_else(|| p.center()) as i64;
        let lo = nodes.partition_point(|n| n.y < row_y);
        let hi = nodes.partition_point(|n| n.y <= row_y);
        let pick = (lo..hi).min_by_key(|&s| (nodes[s].center() as i64 - goal).abs());
        if let Some(s) = pick {
            if self.goal_x.is_none() {
                self.goal_x = Some(p.center());
            }
            self.select_slot(s);
        }
    }

    /// f/F, r/R: the next (previous) node in reading order whose status matches, wrapping.
    pub(super) fn jump_status(
        &mut self,
        forward: bool,
        what: &str,
        want: fn(&NodeStatus) -> bool,
    ) -> Vec<DagEffect> {
        let Some(g) = &self.graph else { return vec![] };
        let hits: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&i| want(&g.nodes[i].status))
            .collect();
        if hits.is_empty() {
            return vec![DagEffect::Flash(Level::Info, format!("no {what} node"))];
        }
        let cur = self.sel_idx().and_then(|i| self.order_pos.get(i).copied());
        let pos = |i: usize| self.order_pos.get(i).copied().unwrap_or(0);
        let pick = match (cur, forward) {
            (None, true) => hits.first(),
            (None, false) => hits.last(),
            (Some(c), true) => hits.iter().find(|&&i| pos(i) > c).or(hits.first()),
            (Some(c), false) => hits.iter().rev().find(|&&i| pos(i) < c).or(hits.last()),
        };
        let Some(&i) = pick else { return vec![] };
        let k = hits.iter().position(|&h| h == i).unwrap_or(0) + 1;
        self.select_idx(i);
        self.set_goal_to_selection();
        vec![DagEffect::Flash(
            Level::Info,
            format!("{what} {k}/{}", hits.len()),
        )]
    }

    /// g/G: first root / last sink in reading order.
    pub(super) fn jump_end(&mut self, last: bool) {
        let pick = if last {
            self.order.last()
        } else {
            self.order.first()
        };
        if let Some(&i) = pick {
            self.select_idx(i);
            self.set_goal_to_selection();
        }
    }

    /// Space/z: expand the aggregate under the cursor, or collapse the fan-out the
    /// selected node forks or belongs to.
    pub(super) fn toggle_fold(&mut self) -> Vec<DagEffect> {
        let Some(g) = &self.graph else { return vec![] };
        let Some(idx) = self.sel_idx() else {
            return vec![];
        };
        let placed = self
            .layout
            .slot_of(idx)
            .and_then(|s| self.layout.nodes.get(s))
            .map(|p| p.node.clone());
        match placed {
            Some(NodeRef::Aggregate { fork, .. }) => {
                let Some(id) = g.nodes.get(fork).map(|n| n.id.clone()) else {
                    return vec![];
                };
                self.params.collapsed.remove(&id);
                self.params.expanded.insert(id);
            }
            _ => {
                let fos = fan_outs(g);
                let owner = fos
                    .iter()
                    .find(|fo| fo.branches.iter().any(|b| b.contains(&idx)))
                    .or_else(|| fos.iter().find(|fo| fo.fork == idx));
                let Some(fo) = owner else {
                    return vec![DagEffect::Flash(
                        Level::Info,
                        "nothing to fold here: not part of a fan-out".into(),
                    )];
                };
                let Some(id) = g.nodes.get(fo.fork).map(|n| n.id.clone()) else {
                    return vec![];
                };
                self.params.expanded.remove(&id);
                self.params.collapsed.insert(id);
            }
        }
        let anchor = self.screen_anchor();
        self.relayout(anchor);
        vec![]
    }
}
