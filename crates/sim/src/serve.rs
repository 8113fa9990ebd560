//! The accept loop of every simulator port (the OCP API and each obshell agent).
//!
//! `axum::serve` has no header or body timeout: a client that sends half a request holds a
//! connection (and a task) open for ever. This loop serves HTTP/1 with hyper directly:
//! the request head must arrive within [`Limits::header`], and each frame of a request body
//! within [`Limits::body`], else the connection is closed. Handlers still see
//! `ConnectInfo<SocketAddr>` as with `into_make_service_with_connect_info`.

use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tower_http::timeout::TimeoutBody;

/// How long a client may take to send a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From the connection (or the previous answer) to the end of the request head.
    pub header: Duration,
    /// Between two frames of a request body.
    pub body: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header: Duration::from_secs(10),
            body: Duration::from_secs(30),
        }
    }
}

/// Serve `app` on `listener` until `shutdown` fires (or its sender is dropped); then let the
/// open connections finish their current request.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: oneshot::Receiver<()>,
) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // EMFILE and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(remote));
                let req = req.map(|b| Body::new(TimeoutBody::new(limits.body, b)));
                let mut app = app.clone();
                async move {
                    use tower_service::Service as _;
                    app.call(req).await
                }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header);
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            let mut conn = std::pin::pin!(conn);
            loop {
                tokio::select! {
                    r = conn.as_mut() => {
                        if let Err(e) = r {
                            tracing::debug!("connection from {remote}: {e}");
                        }
                        break;
                    }
                    changed = stop.changed() => {
                        conn.as_mut().graceful_shutdown();
                        if changed.is_err() {
                            // The loop is gone: finish the current request, then close.
                            let _ = conn.as_mut().await;
                            break;
                        }
                    }
                }
            }
        });
    }
    let _ = stop_tx.send(true);
}
