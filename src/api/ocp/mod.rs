//! The OCP REST API v2 client: typed wire models, the response envelope, and the client.

pub mod models;

pub use models::*;
