//! The task model: one backend-neutral graph for OCP task instances and obshell DAGs,
//! its layered layout on a character grid, and its plain-text rendering.

pub mod convert;
pub mod gen;
mod graph;
pub mod layout;
pub mod model;
pub mod text;

pub use convert::DagError;
pub use layout::{
    layout, list_rows, topology_hash, EdgeCell, FanOut, Layout, LayoutParams, ListRow, NodeRef,
    PlacedNode, Rect, RoutedEdge, Step,
};
pub use model::{
    Backend, Eta, GraphIssue, NodeOp, NodeStatus, NotAllowed, Op, SubNode, TaskGraph, TaskNode,
    TaskState,
};
