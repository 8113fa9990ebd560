//! The old path of obshell's timestamp helpers, kept so code written against it still builds
//! (the simulator formats its clock with `format_rfc3339`). Everything lives in
//! [`crate::time`]; new code uses that.

pub use crate::time::{format_rfc3339, is_unset, parse_ms as parse_rfc3339_ms};
