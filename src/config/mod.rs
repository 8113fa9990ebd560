//! Configuration: where files live, profiles from `config.toml`, themes.

pub mod logging;
pub mod paths;
pub mod profile;
pub mod theme;

pub use paths::Paths;
pub use profile::{ConfigFile, Profile};
pub use theme::Theme;
