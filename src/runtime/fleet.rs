//! The sessions of a run: one profile's, or one per profile of the fleet view.
//!
//! In a fleet each profile has its own [`Session`] (clients, pollers, audit identity) whose
//! answers reach the loop tagged with the member's index (`Msg::Member`, through [`forward`]); `Sessions` in `mod.rs`
//! holds them. The active profile's
//! session is steered by the screen as a lone session is; every other session polls only the
//! pane on screen, so each profile's rows stay fresh, and a profile that fails (or whose
//! session cannot start) never holds the others up.

use crate::app::fleet::ProfileCtx;
use crate::config::profile::Resolved;
use obtui_api::secret::Secret;
use tokio::sync::mpsc;

/// A profile of the fleet, resolved, with its passwords.
#[derive(Debug, Clone)]
pub struct FleetMember {
    pub resolved: Resolved,
    pub password: Secret,
    pub obshell_password: Option<Secret>,
}

/// A sender whose messages reach `main` wrapped by `wrap` (a fleet member's tag).
pub fn forward<M: Send + 'static>(
    wrap: impl Fn(M) -> M + Send + 'static,
    main: &mpsc::Sender<M>,
) -> mpsc::Sender<M> {
    let (tx, mut rx) = mpsc::channel::<M>(32);
    let main = main.clone();
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if main.send(wrap(m)).await.is_err() {
                break;
            }
        }
    });
    tx
}

/// What the app keeps of a profile while another is active.
pub fn ctx_of(r: &Resolved) -> ProfileCtx {
    ProfileCtx {
        name: r.profile_name.clone(),
        url: r.url.clone(),
        user: r.user.clone(),
        read_only: r.read_only,
        production: r.production,
        insecure: r.insecure,
        has_obshell: r.obshell_url.is_some(),
        obshell_url: r.obshell_url.clone(),
        task_backend: if r.url.is_empty() {
            obtui_task::Backend::Obshell
        } else {
            obtui_task::Backend::Ocp
        },
        access_key_id: crate::config::profile::access_key_id(r),
        ocp_version: None,
        server_label: None,
    }
}
