//! Typed clients for the servers obtui talks to: OCP (REST API v2) and obshell (agent API).

pub mod error;
pub mod obshell;
pub mod ocp;
pub mod record;
pub mod secret;
pub mod time;
pub mod work;

pub use error::{cut_long_lines, quote_input, ApiError, Cause, RequestError, WriteOutcome};
