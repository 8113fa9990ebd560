//! Background pollers: tokio tasks that own all network I/O.
//!
//! A poller is told *what* to watch through a `watch` channel (latest wins: changing the target
//! drops a fetch in flight, so a slow server never builds a queue), fetches it every refresh
//! interval, and hands finished, owned snapshots to the app over a bounded channel. On errors it
//! backs off exponentially (capped), and it wakes at once when the target changes or the user
//! asks for a refresh. The UI thread never awaits the network.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

pub mod alarms;
pub mod convert;
pub mod fetch;
pub mod obshell;
pub mod wizard;

/// What a poller should fetch now, and a nonce the app bumps to force an immediate refresh.
#[derive(Debug, Clone, PartialEq)]
pub struct Target<J> {
    pub job: Option<J>,
    pub interval: Duration,
    pub nonce: u64,
}

/// The result of one fetch, tagged with the job it answers so the app can drop stale answers.
#[derive(Debug)]
pub struct Outcome<J, T, E> {
    pub job: J,
    pub result: Result<T, E>,
    pub at: Instant,
    /// Consecutive failures before this one (0 after a success).
    pub failures: u32,
    /// When the poller fetches again (without a change or a manual refresh): the configured
    /// interval, or longer when the adaptive policy stretched it for a costly job.
    pub next: Duration,
}

/// What one fetch round cost, as the fetch reports it (the poller times the round itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Requests sent to the server (pages of a list, joined calls).
    pub requests: u32,
}

impl Cost {
    pub const ONE: Cost = Cost { requests: 1 };
}

/// What the poller tells a fetch about the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// No round of this job has succeeded yet since it became the target (a first load: the
    /// fetch may hand over its first pages early).
    pub first: bool,
}

/// How the view poller stretches its interval for a job that is costly to fetch.
///
/// The next round waits the longest of: the configured refresh; `spacing` per request when a
/// round takes more than one request (so the server sees at most 60 s / `spacing` requests a
/// minute, whatever the inventory size: 5 pages of 2,000 hosts → 20 s, 50 pages → 200 s); and
/// `cost_factor` times the round's own work — decoding the answers and converting the rows,
/// measured by [`obtui_api::work`] — capped at `max_for_cost` (a round that works 1 s waits at
/// least 50 s, so decoding and converting stay a small share of a core). Waiting for the server
/// is not work: a slow server costs this process nothing, and stretching the refresh for it
/// would leave the operator looking at minutes-old rows. The interval is never below the
/// configured refresh, and a single-request round (the tasks pane, a detail screen of a normal
/// estate) keeps the configured refresh exactly unless decoding it is costly. A manual
/// refresh or a new target still fetches at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub spacing: Duration,
    pub cost_factor: u32,
    pub max_for_cost: Duration,
}

impl Policy {
    /// At most 15 requests a minute; a round's own time at most 2 % of its period.
    pub const DEFAULT: Policy = Policy {
        spacing: Duration::from_secs(4),
        cost_factor: 50,
        max_for_cost: Duration::from_secs(600),
    };

    /// The interval after a round of `requests` requests whose own work took `work`.
    pub fn interval(&self, configured: Duration, requests: u32, work: Duration) -> Duration {
        let by_requests = if requests > 1 {
            self.spacing.saturating_mul(requests)
        } else {
            Duration::ZERO
        };
        let by_cost = work.saturating_mul(self.cost_factor).min(self.max_for_cost);
        let want = by_requests.max(by_cost);
        if want <= configured {
            return configured;
        }
        if want < Duration::from_secs(1) {
            return want;
        }
        // Whole seconds (rounded up): the header label does not flicker between 20.3 s and 20.5 s.
        let secs = want.as_secs() + u64::from(want.subsec_nanos() > 0);
        Duration::from_secs(secs).max(configured)
    }
}

pub type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Delay after `failures` consecutive errors: the interval doubled each time, capped at 60 s
/// (and never below the interval).
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return interval;
    }
    let factor = 1u32 << failures.min(6);
    (interval * factor)
        .min(Duration::from_secs(60))
        .max(interval)
}

/// Handle the app keeps to steer a poller.
pub struct PollerHandle<J> {
    tx: watch::Sender<Target<J>>,
    task: tokio::task::JoinHandle<()>,
}

impl<J: Clone + PartialEq + Send + Sync + 'static> PollerHandle<J> {
    /// Watch `job` (or nothing) at `interval`. Setting the same job again is a no-op.
    pub fn set(&self, job: Option<J>, interval: Duration) {
        self.tx.send_if_modified(|t| {
            if t.job == job && t.interval == interval {
                return false;
            }
            t.job = job;
            t.interval = interval;
            true
        });
    }

    /// Fetch again now.
    pub fn refresh(&self) {
        self.tx.send_modify(|t| t.nonce = t.nonce.wrapping_add(1));
    }

    /// A sender another task can use to request a refresh.
    pub fn clone_sender(&self) -> watch::Sender<Target<J>> {
        self.tx.clone()
    }

    pub fn current(&self) -> Option<J> {
        self.tx.borrow().job.clone()
    }
}

impl<J> Drop for PollerHandle<J> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Start a poller. `fetch` does one round of I/O for a job; `wrap` turns the outcome into the
/// app's message type. Stops when the app's receiver is gone. It fetches at exactly the
/// interval it is given (the live task and its log).
pub fn spawn<J, T, E, M, F, W>(fetch: F, wrap: W, out: mpsc::Sender<M>) -> PollerHandle<J>
where
    J: Clone + PartialEq + Send + Sync + 'static,
    T: Send + 'static,
    E: Send + 'static,
    M: Send + 'static,
    F: Fn(J) -> BoxFut<Result<T, E>> + Send + Sync + 'static,
    W: Fn(Outcome<J, T, E>) -> M + Send + Sync + 'static,
{
    spawn_with(
        move |job, _round| {
            let f = fetch(job);
            Box::pin(async move { (f.await, Cost::ONE) }) as BoxFut<(Result<T, E>, Cost)>
        },
        wrap,
        out,
        None,
    )
}

/// Start a poller whose interval follows each round's cost under `policy` (the view poller:
/// big lists are fetched less often), see [`Policy`]. `fetch` reports the requests it sent and
/// learns whether the round is a first load.
pub fn spawn_adaptive<J, T, E, M, F, W>(
    fetch: F,
    wrap: W,
    out: mpsc::Sender<M>,
    policy: Policy,
) -> PollerHandle<J>
where
    J: Clone + PartialEq + Send + Sync + 'static,
    T: Send + 'static,
    E: Send + 'static,
    M: Send + 'static,
    F: Fn(J, Round) -> BoxFut<(Result<T, E>, Cost)> + Send + Sync + 'static,
    W: Fn(Outcome<J, T, E>) -> M + Send + Sync + 'static,
{
    spawn_with(fetch, wrap, out, Some(policy))
}

fn spawn_with<J, T, E, M, F, W>(
    fetch: F,
    wrap: W,
    out: mpsc::Sender<M>,
    policy: Option<Policy>,
) -> PollerHandle<J>
where
    J: Clone + PartialEq + Send + Sync + 'static,
    T: Send + 'static,
    E: Send + 'static,
    M: Send + 'static,
    F: Fn(J, Round) -> BoxFut<(Result<T, E>, Cost)> + Send + Sync + 'static,
    W: Fn(Outcome<J, T, E>) -> M + Send + Sync + 'static,
{
    let (tx, mut rx) = watch::channel(Target::<J> {
        job: None,
        interval: Duration::from_secs(5),
        nonce: 0,
    });
    let task = tokio::spawn(async move {
        let mut failures: u32 = 0;
        // The job whose last round succeeded: the next round of any other job is a first load.
        let mut loaded: Option<J> = None;
        loop {
            let target = rx.borrow_and_update().clone();
            let Some(job) = target.job.clone() else {
                if rx.changed().await.is_err() {
                    return;
                }
                continue;
            };
            let round = Round {
                first: loaded.as_ref() != Some(&job),
            };
            // Fetch, unless the target changes first (then start over with the new one). The
            // round's own work (decoding, converting) is measured apart from its waiting.
            let ((result, cost), work) = tokio::select! {
                r = obtui_api::work::measure(fetch(job.clone(), round)) => r,
                changed = rx.changed() => {
                    if changed.is_err() { return; }
                    failures = 0;
                    continue;
                }
            };
            let ok = result.is_ok();
            // A failed round counts too: a walk that broke off on page 30 sent 30 requests.
            let every = match policy {
                Some(p) => p.interval(target.interval, cost.requests, work),
                None => target.interval,
            };
            let next = backoff(every, if ok { 0 } else { failures.saturating_add(1) });
            loaded = if ok { Some(job.clone()) } else { loaded };
            let msg = wrap(Outcome {
                job,
                result,
                at: Instant::now(),
                failures,
                next,
            });
            failures = if ok { 0 } else { failures.saturating_add(1) };
            if out.send(msg).await.is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(next) => {}
                changed = rx.changed() => {
                    if changed.is_err() { return; }
                    // A new target or a manual refresh: fetch at once, without the backoff.
                    failures = 0;
                }
            }
        }
    });
    PollerHandle { tx, task }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    #[test]
    fn backoff_doubles_and_caps() {
        let i = Duration::from_secs(5);
        assert_eq!(backoff(i, 0), i);
        assert_eq!(backoff(i, 1), Duration::from_secs(10));
        assert_eq!(backoff(i, 3), Duration::from_secs(40));
        assert_eq!(backoff(i, 30), Duration::from_secs(60));
        let long = Duration::from_secs(120);
        assert_eq!(backoff(long, 5), long);
    }

    const S: fn(u64) -> Duration = Duration::from_secs;
    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn the_interval_follows_pages_and_cost_and_never_drops_below_the_configured_refresh() {
        let p = Policy::DEFAULT;
        // One request, quick: exactly the configured refresh (the tasks pane of any estate).
        assert_eq!(p.interval(S(5), 1, MS(20)), S(5));
        assert_eq!(p.interval(S(2), 1, MS(20)), S(2));
        // Pages of a big list: 4 s each (15 requests a minute).
        assert_eq!(p.interval(S(5), 5, MS(20)), S(20));
        assert_eq!(p.interval(S(5), 50, MS(20)), S(200));
        // Two requests (the clusters pane of a small estate): 8 s.
        assert_eq!(p.interval(S(5), 2, MS(20)), S(8));
        // A configured refresh longer than the policy's wins.
        assert_eq!(p.interval(S(300), 50, MS(20)), S(300));
        // A slow round stretches even a single request: 50 × its duration, whole seconds.
        assert_eq!(p.interval(S(5), 1, MS(300)), S(15));
        assert_eq!(p.interval(S(5), 1, MS(301)), S(16));
        // The cost term is capped; the request term is not (the rate budget holds at any size).
        assert_eq!(p.interval(S(5), 1, S(3600)), S(600));
        assert_eq!(p.interval(S(5), 200, S(3600)), S(800));
        // Zero requests (no backend) or zero time: the configured refresh.
        assert_eq!(p.interval(S(5), 0, Duration::ZERO), S(5));
    }

    /// A simulated clock: a poller at the default 5 s refresh over ten minutes, for inventories
    /// of 27 to 1,000,000 hosts (1 to 500 pages of 2,000), counting the server's requests.
    #[test]
    fn no_inventory_size_costs_more_than_15_requests_a_minute() {
        let p = Policy::DEFAULT;
        for pages in [2u32, 3, 5, 10, 50, 120, 500] {
            let (mut now, mut requests) = (Duration::ZERO, 0u64);
            let window = S(600);
            while now < window {
                requests += u64::from(pages);
                // A round of many pages takes time too (10 ms a page here).
                now += p.interval(S(5), pages, MS(10) * pages);
            }
            let per_min = requests as f64 * 60.0 / window.as_secs_f64();
            // The first round is sent at t = 0: allow it on top of the rate.
            let budget = 15.0 + f64::from(pages) * 60.0 / window.as_secs_f64();
            assert!(
                per_min <= budget,
                "{pages} pages: {per_min:.1} requests/min"
            );
        }
        // The tasks pane (one request of 500 tasks) keeps the configured refresh: 12 a minute.
        assert_eq!(p.interval(S(5), 1, MS(15)), S(5));
    }

    /// A fake list of `pages` pages behind an adaptive poller with a fast policy (10 ms a
    /// request): the poller really waits what the policy says, counts its requests and reports
    /// the interval; a manual refresh still fetches at once.
    #[tokio::test]
    async fn the_adaptive_poller_spaces_big_lists_and_still_refreshes_at_once() {
        let requests = Arc::new(AtomicU32::new(0));
        let r = requests.clone();
        let firsts = Arc::new(std::sync::Mutex::new(Vec::new()));
        let f = firsts.clone();
        let (tx, mut rx) = mpsc::channel(8);
        let fast = Policy {
            spacing: MS(10),
            cost_factor: 1,
            max_for_cost: S(1),
        };
        let h = spawn_adaptive(
            move |pages: u32, round: Round| {
                let r = r.clone();
                f.lock().unwrap().push((pages, round.first));
                Box::pin(async move {
                    r.fetch_add(pages, Ordering::SeqCst);
                    (Ok::<u32, ()>(pages), Cost { requests: pages })
                }) as BoxFut<(Result<u32, ()>, Cost)>
            },
            |o: Outcome<u32, u32, ()>| (o.job, o.next),
            tx,
            fast,
        );
        // 30 pages: 300 ms between rounds, although the configured refresh is 1 ms.
        h.set(Some(30), MS(1));
        let started = tokio::time::Instant::now();
        assert_eq!(rx.recv().await, Some((30, MS(300))));
        assert_eq!(rx.recv().await, Some((30, MS(300))));
        assert!(started.elapsed() >= MS(290), "{:?}", started.elapsed());
        // A manual refresh does not wait the stretched interval.
        let asked = tokio::time::Instant::now();
        h.refresh();
        assert_eq!(rx.recv().await, Some((30, MS(300))));
        assert!(asked.elapsed() < MS(250), "{:?}", asked.elapsed());
        // One page: the configured refresh (1 ms).
        h.set(Some(1), MS(1));
        assert_eq!(rx.recv().await, Some((1, MS(1))));
        drop(h);
        let seen = firsts.lock().unwrap().clone();
        // The first round of each job is a first load; later rounds are not.
        assert_eq!(seen[0], (30, true));
        assert_eq!(seen[1], (30, false));
        assert_eq!(seen[2], (30, false));
        assert_eq!(seen[3], (1, true));
        assert_eq!(requests.load(Ordering::SeqCst), 30 * 3 + 1);
    }

    /// A slow server is not a costly round: a round that waits 80 ms for its answer keeps the
    /// configured refresh under a policy that would stretch 80 ms of work to 8 s; a round that
    /// spends the time decoding is stretched.
    #[tokio::test]
    async fn waiting_for_a_slow_server_does_not_stretch_the_refresh_but_work_does() {
        let (tx, mut rx) = mpsc::channel(8);
        let policy = Policy {
            spacing: S(4),
            cost_factor: 100,
            max_for_cost: S(600),
        };
        let h = spawn_adaptive(
            move |busy: bool, _round: Round| {
                Box::pin(async move {
                    tokio::time::sleep(MS(80)).await;
                    if busy {
                        let _w = obtui_api::work::timed();
                        let t = std::time::Instant::now();
                        while t.elapsed() < MS(80) {
                            std::hint::spin_loop();
                        }
                    }
                    (Ok::<(), ()>(()), Cost::ONE)
                }) as BoxFut<(Result<(), ()>, Cost)>
            },
            |o: Outcome<bool, (), ()>| o.next,
            tx,
            policy,
        );
        h.set(Some(false), MS(50));
        assert_eq!(rx.recv().await, Some(MS(50)));
        h.set(Some(true), MS(50));
        let next = rx.recv().await.expect("a round");
        assert!(next >= S(8), "{next:?}");
    }

    #[tokio::test]
    async fn polls_the_latest_target_and_refreshes_on_demand() {
        let calls = Arc::new(AtomicU32::new(0));
        let c = calls.clone();
        let (tx, mut rx) = mpsc::channel(4);
        let h = spawn(
            move |job: u32| {
                let c = c.clone();
                Box::pin(async move {
                    c.fetch_add(1, Ordering::SeqCst);
                    Ok::<u32, ()>(job * 10)
                }) as BoxFut<Result<u32, ()>>
            },
            |o: Outcome<u32, u32, ()>| (o.job, o.result),
            tx,
        );
        h.set(Some(1), Duration::from_secs(3600));
        assert_eq!(rx.recv().await, Some((1, Ok(10))));
        h.set(Some(2), Duration::from_secs(3600));
        assert_eq!(rx.recv().await, Some((2, Ok(20))));
        h.refresh();
        assert_eq!(rx.recv().await, Some((2, Ok(20))));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(h.current(), Some(2));
    }

    #[tokio::test]
    async fn a_new_target_cancels_a_slow_fetch() {
        let (tx, mut rx) = mpsc::channel(4);
        let h = spawn(
            |job: u32| {
                Box::pin(async move {
                    if job == 1 {
                        // Never finishes: only a target change can get the poller past it.
                        std::future::pending::<()>().await;
                    }
                    Ok::<u32, ()>(job)
                }) as BoxFut<Result<u32, ()>>
            },
            |o: Outcome<u32, u32, ()>| o.job,
            tx,
        );
        h.set(Some(1), Duration::from_secs(3600));
        tokio::task::yield_now().await;
        h.set(Some(2), Duration::from_secs(3600));
        assert_eq!(rx.recv().await, Some(2));
    }
}
