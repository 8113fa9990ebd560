//! obtui-api's integration tests, one binary: the wire models against the fixtures and the
//! obshell crypto against a reference vector. Fixtures are shared with the root package in
//! `tests/fixtures/` at the workspace root (reached through `CARGO_MANIFEST_DIR/../..`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod obshell_fixtures;
mod ocp_fixtures;
