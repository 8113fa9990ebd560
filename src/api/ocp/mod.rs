//! OCP client.
