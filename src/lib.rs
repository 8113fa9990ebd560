//! obtui: a terminal dashboard for OceanBase operators.
//!
//! See ARCHITECTURE.md for the map of modules and how data flows between them.

pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod model;
pub mod poll;
pub mod runtime;
pub mod ui;
