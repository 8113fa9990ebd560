//! The task model: one backend-neutral graph for OCP task instances and obshell DAGs,
//! its layered layout on a character grid, and its plain-text rendering.

pub mod convert;
pub mod gen;
pub mod layout;
pub mod model;
pub mod text;

pub use layout::{
    layout, list_rows, topology_hash, EdgeCell, FanOut, Layout, LayoutParams, ListRow, NodeRef,
    PlacedNode, Rect, RoutedEdge, Step,
};
pub use model::{
    Backend, GraphIssue, NodeOp, NodeStatus, Op, SubNode, TaskGraph, TaskNode, TaskState,
};
