//! obtui-task's integration tests, one binary: the task graph from both backends, the DAG layout
//! and its fuzzing. Fixtures are in `tests/fixtures/task/` at the workspace root (reached through
//! `CARGO_MANIFEST_DIR/../..`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fuzz_layout;
mod task_layout;
mod task_model;
