//! obshell client (hybrid encryption).
