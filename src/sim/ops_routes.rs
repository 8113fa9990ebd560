//! Write endpoints of the OCP API: create, takeover, upgrade, OBProxy takeover, task operations.

use axum::Router;

use super::SimState;

pub fn routes() -> Router<SimState> {
    Router::new()
}
