//! obshell agent client (HTTP API v1 with hybrid encryption).
//!
//! `client` sends requests and decodes the envelope, `crypto` seals requests (RSA header, AES
//! body), `models` holds the wire types; timestamps are read and written by [`crate::time`] (`time`
//! here is its old path).

pub mod alarm;
pub mod client;
pub mod crypto;
pub mod models;
pub mod time;

pub use alarm::*;
pub use client::{AuthVersion, ObshellClient, ObshellConfig, PasswordKind};
pub use models::*;
