//! The root package's integration tests, one binary so the package links once per build.
//! Every file here is a module: what needs `obtui` itself (app, ui, poll, config) or runs the real
//! binary (`CARGO_BIN_EXE_obtui` is only set for this package's tests). Tests of one workspace
//! crate alone live in that crate's `tests/it/`. Shared helpers: `common` (tmux, a loopback
//! simulator, the headless rig, obshell), `wizard_common` (wizard keys and inventories).
//! Fixtures and corpora stay in `tests/fixtures/` and `tests/corpus/`; insta snapshots are in
//! `tests/it/snapshots/`, named `it__<module>__<name>.snap`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aksk_binary;
mod alarms_pane;
mod cli_misc;
mod common;
mod dag_live;
mod dag_view;
mod doctor;
mod drill_down;
mod eta_live;
mod faults_binary;
mod faults_ui;
mod fleet_tmux;
mod fleet_view;
mod fuzz_parsers;
mod fuzz_wizard_fields;
mod hints_help;
mod incident_screens;
mod inventory_fixtures;
mod keys_rebind;
mod layers;
mod load_sim;
mod log_tmux;
mod raw_json;
mod readonly_actions;
mod readonly_binary;
mod record_replay;
mod secondary_parts;
mod secrets_binary;
mod secrets_debug;
mod tasks_sources;
mod tenants_pane;
mod terminal_e2e;
mod tui_e2e;
mod ui_panes;
mod watch_cli;
mod wizard_common;
mod wizard_e2e;
mod wizard_flow;
mod wizard_keys_fuzz;
mod wizard_render;
mod wizard_scaleout;
mod wizard_scaleout_tmux;
mod writes_unknown;
