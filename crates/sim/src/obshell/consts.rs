//! Constants the agents report, shared by the world and the routes (a leaf module).

pub const OB_VERSION: &str = "4.3.5.2";
pub const BUILD_VERSION: &str = "4.3.5.2_102000042025061818-7b6c1d0e";
pub const AGENT_VERSION: &str = "4.5.0.0-20260508";
pub const HOME_PATH: &str = "/home/admin/oceanbase";

/// obshell writes local time; the docs' samples are in +08:00, so the simulator is too.
pub const OFFSET_SECS: i32 = 8 * 3600;
