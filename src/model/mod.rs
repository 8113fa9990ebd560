//! The neutral layer between the pollers and the app: what a screen asks for (jobs), what the
//! pollers bring back (snapshots), which pane is which, and what a wizard asks the network to
//! do. Both `poll` and `app` import it; it imports neither.

pub mod alarm;
pub mod fmt;
pub mod inventory;
pub mod jobs;
pub mod pane;
pub mod view;
pub mod wizard;
