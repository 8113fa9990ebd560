//! The time a poll round spends on its own work — decoding answers, converting rows — apart
//! from the time it waits for the server.
//!
//! The view poller stretches its interval for rounds that cost the terminal real CPU (a
//! 100,000-host list), and it must not do so for a server that is merely slow: a 5 s answer
//! costs this process nothing while it waits. So the decoders time themselves into a task-local
//! counter that [`measure`] sets up around one round; code outside a measured round pays one
//! failed lookup and nothing more.

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant};

tokio::task_local! {
    /// (work so far, nesting depth of [`Timed`] guards).
    static WORK: Cell<(Duration, u32)>;
}

/// Run `fut` and return its output with the work it recorded (every branch of a `join!` inside
/// it counts; a task it spawns does not).
pub async fn measure<F: Future>(fut: F) -> (F::Output, Duration) {
    let cell = Cell::new((Duration::ZERO, 0));
    WORK.scope(cell, async move {
        let out = fut.await;
        let spent = WORK.try_with(|c| c.get().0).unwrap_or_default();
        (out, spent)
    })
    .await
}

/// Times the synchronous work between its creation and its drop. Guards nest: only the
/// outermost one counts, so a decoder calling another is not counted twice.
#[must_use = "the work is timed until the guard drops"]
pub struct Timed {
    start: Option<Instant>,
}

/// Start timing work (a no-op outside [`measure`]).
pub fn timed() -> Timed {
    let outer = WORK
        .try_with(|c| {
            let (spent, depth) = c.get();
            c.set((spent, depth + 1));
            depth == 0
        })
        .unwrap_or(false);
    Timed {
        start: outer.then(Instant::now),
    }
}

impl Drop for Timed {
    fn drop(&mut self) {
        let took = self.start.map(|s| s.elapsed()).unwrap_or_default();
        let _ = WORK.try_with(|c| {
            let (spent, depth) = c.get();
            c.set((spent + took, depth.saturating_sub(1)));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy(d: Duration) {
        let t = Instant::now();
        while t.elapsed() < d {
            std::hint::spin_loop();
        }
    }

    #[tokio::test]
    async fn waiting_is_not_work_and_nested_guards_count_once() {
        let ((), spent) = measure(async {
            tokio::time::sleep(Duration::from_millis(60)).await;
            let _a = timed();
            {
                let _b = timed();
                busy(Duration::from_millis(20));
            }
            busy(Duration::from_millis(5));
        })
        .await;
        assert!(spent >= Duration::from_millis(25), "{spent:?}");
        assert!(
            spent < Duration::from_millis(60),
            "the sleep is not work: {spent:?}"
        );
    }

    #[tokio::test]
    async fn both_branches_of_a_join_count() {
        let work = || async {
            tokio::task::yield_now().await;
            let _t = timed();
            busy(Duration::from_millis(10));
        };
        let (_, spent) = measure(async { tokio::join!(work(), work()) }).await;
        assert!(spent >= Duration::from_millis(20), "{spent:?}");
    }

    #[test]
    fn outside_a_measured_round_a_guard_is_harmless() {
        let t = timed();
        assert!(t.start.is_none());
    }
}
