//! The app: state, the action registry, and the `update(event) -> effects` loop.
//!
//! The app never touches the network. It reacts to keys, mouse, resize and poller messages,
//! and returns [`state::Effect`]s (poll this, send that write, copy this text) that
//! [`run`] carries out.

pub mod actions;
pub mod alarm_pane;
pub mod command;
#[cfg(test)]
mod command_tests;
pub mod modes;
pub mod panes;
pub mod raw;
pub mod state;
pub mod table;
#[cfg(test)]
mod tenant_tests;

pub use state::App;
pub mod dag;
pub mod detail;
pub mod fleet;
mod fleet_view;
pub mod hit;
pub mod notify;
pub mod wizard;
