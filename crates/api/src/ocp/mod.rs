//! The OCP REST API v2 client: typed wire models, request bodies, the response envelope, and the
//! client itself.

pub mod alarm;
pub mod client;
pub mod envelope;
pub mod models;
pub mod requests;
pub mod sign;

pub use alarm::*;
pub use client::{
    all_pages, each_page, ClusterFilter, HostFilter, OcpClient, OcpConfig, PackageFilter,
    PageQuery, ServerFilter, TaskFilter, TenantFilter, MAX_PAGES, MAX_PAGE_SIZE,
};
pub use envelope::{EnvelopeMeta, RawResponse};
pub use models::*;
pub use requests::*;
pub use sign::AccessKey;

#[cfg(test)]
mod sign_transport_tests;
#[cfg(test)]
mod transport_tests;
