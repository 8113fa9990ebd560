//! A simulator on loopback, on its own runtime, for tests that drive the real binary (which
//! reaches it over HTTP) from plain `#[test]` functions.

#![allow(dead_code)]

use std::net::SocketAddr;

/// A multi-threaded runtime for a test's background servers.
pub fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

pub struct LoopbackSim {
    pub rt: tokio::runtime::Runtime,
    handle: Option<obtui_sim::SimHandle>,
    pub url: String,
}

impl LoopbackSim {
    /// The OCP simulator on 127.0.0.1 and a free port, ready when this returns.
    pub fn start(options: obtui_sim::SimOptions) -> LoopbackSim {
        let rt = runtime(2);
        let handle = rt
            .block_on(obtui_sim::start(
                SocketAddr::from(([127, 0, 0, 1], 0)),
                options,
            ))
            .expect("the simulator starts");
        let url = handle.url();
        LoopbackSim {
            rt,
            handle: Some(handle),
            url,
        }
    }
}

impl Drop for LoopbackSim {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}
