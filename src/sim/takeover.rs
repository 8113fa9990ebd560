//! Cluster takeover precheck.
