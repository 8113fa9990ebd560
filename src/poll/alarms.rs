//! What the Alarms and Events panes fetch, and the header's count of active alarms.
//!
//! The count rides on the view poller's rounds: at most once a minute ([`COUNT_EVERY`]) a
//! round also asks for the first page of active alarms (one request, counted in the round's
//! cost, so the adaptive policy's 15 requests a minute still hold); a round of the Alarms
//! pane itself counts from its own list and asks nothing more. Behind a wizard or the error
//! history nothing is polled, and the count waits too.

use super::convert::alarm as conv;
use crate::model::alarm::{AlarmCounts, AuditEvent};
use crate::model::jobs::ViewJob;
use crate::model::pane::PaneKind;
use crate::model::view::ViewData;
use obtui_api::obshell::{AlertFilter, ObshellClient};
use obtui_api::ocp::{AlarmFilter, AuditFilter, OcpClient, PageQuery};
use obtui_api::ApiError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the header's alarm count is refreshed.
pub const COUNT_EVERY: Duration = Duration::from_secs(60);
/// OCP's largest alarm page.
const ALARM_PAGE: u32 = 200;
/// The Alarms pane reads at most this many pages of active alarms (1,000 alarms).
const MAX_ALARM_PAGES: u32 = 5;
/// The Events pane shows the newest this many audit events.
pub const EVENTS: u32 = 200;

fn active() -> AlarmFilter {
    AlarmFilter {
        status: Some("Active".into()),
        ..Default::default()
    }
}

/// The Alarms pane from OCP: active alarms, worst first; returns the requests sent.
pub async fn ocp_alarms(c: &OcpClient) -> (Result<ViewData, ApiError>, u32) {
    let mut out = Vec::new();
    let mut total = None;
    let mut requests = 0;
    for page in 1..=MAX_ALARM_PAGES {
        requests += 1;
        let p = match c
            .list_alarms(&PageQuery::new(page, ALARM_PAGE), &active())
            .await
        {
            Ok(p) => p,
            Err(e) => return (Err(e), requests),
        };
        let _w = obtui_api::work::timed();
        let n = p.contents.len();
        out.extend(p.contents.iter().map(conv::ocp_alarm));
        let pages = p.page.as_ref().map(|x| x.total_pages).unwrap_or(1);
        total = p
            .page
            .as_ref()
            .map(|x| u64::try_from(x.total_elements).unwrap_or(0));
        if n == 0 || i64::from(page) >= pages {
            break;
        }
    }
    conv::sort_alarms(&mut out);
    (Ok(ViewData::Alarms { alarms: out, total }), requests)
}

/// The Alarms pane from an obshell agent: every alert it knows (one request).
pub async fn obshell_alarms(o: &ObshellClient) -> Result<ViewData, ApiError> {
    let list = o.alerts(&AlertFilter::default()).await?;
    let mut out: Vec<_> = list.iter().map(conv::obshell_alert).collect();
    conv::sort_alarms(&mut out);
    Ok(ViewData::Alarms {
        alarms: out,
        total: None,
    })
}

pub async fn ocp_alarm_detail(c: &OcpClient, id: i64) -> Result<ViewData, ApiError> {
    let a = c.get_alarm(id).await?;
    Ok(ViewData::AlarmDetail(Box::new(conv::ocp_alarm(&a))))
}

pub async fn obshell_alarm_detail(o: &ObshellClient, id: i64) -> Result<ViewData, ApiError> {
    let list = o.alerts(&AlertFilter::default()).await?;
    list.iter()
        .map(conv::obshell_alert)
        .find(|a| a.id == id)
        .map(|a| ViewData::AlarmDetail(Box::new(a)))
        .ok_or_else(|| ApiError::Request("this alert is no longer listed by the agent".into()))
}

async fn newest_events(c: &OcpClient) -> Result<Vec<AuditEvent>, ApiError> {
    let f = AuditFilter {
        order: Some("startTime,desc".into()),
        ..Default::default()
    };
    let p = c.list_audit_events(&PageQuery::new(1, EVENTS), &f).await?;
    let _w = obtui_api::work::timed();
    Ok(p.contents.iter().map(conv::audit_event).collect())
}

/// The Events pane: OCP's newest audit events (one request).
pub async fn ocp_events(c: &OcpClient) -> Result<ViewData, ApiError> {
    Ok(ViewData::Events(newest_events(c).await?))
}

/// One audit event: OCP has no route for one, so it is found among the newest.
pub async fn ocp_event_detail(c: &OcpClient, id: i64) -> Result<ViewData, ApiError> {
    newest_events(c)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .map(|e| ViewData::EventDetail(Box::new(e)))
        .ok_or_else(|| {
            ApiError::Request(format!(
                "event {id} is no longer among the newest {EVENTS} audit events"
            ))
        })
}

pub fn events_not_on_obshell() -> ApiError {
    ApiError::Request("audit events are OCP's: an obshell agent keeps none".into())
}

/// The header's count: the first page of active alarms (OCP) or every alert (obshell).
pub async fn count(
    ocp: Option<&OcpClient>,
    obshell: Option<&ObshellClient>,
) -> Option<Result<AlarmCounts, ApiError>> {
    match (ocp, obshell) {
        (Some(c), _) => Some(
            c.list_alarms(&PageQuery::new(1, ALARM_PAGE), &active())
                .await
                .map(|p| {
                    let a: Vec<_> = p.contents.iter().map(conv::ocp_alarm).collect();
                    let total = p
                        .page
                        .as_ref()
                        .map(|x| u64::try_from(x.total_elements).unwrap_or(0));
                    AlarmCounts::of(&a, total)
                }),
        ),
        (None, Some(o)) => Some(o.alerts(&AlertFilter::default()).await.map(|l| {
            let a: Vec<_> = l.iter().map(conv::obshell_alert).collect();
            AlarmCounts::of(&a, None)
        })),
        (None, None) => None,
    }
}

/// When the header's count was last asked for (shared by the rounds of one view poller).
#[derive(Clone, Default)]
pub struct CountClock(Arc<Mutex<Option<Instant>>>);

impl CountClock {
    /// Whether this round of `job` should ask for the count: not when the job is the Alarms
    /// pane (its own list is counted), else when the last count is older than
    /// [`COUNT_EVERY`] or there was none. Marks the clock when it says yes.
    pub fn due(&self, job: &ViewJob) -> bool {
        let mut last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if *job == ViewJob::Pane(PaneKind::Alarms) {
            *last = Some(now);
            return false;
        }
        match *last {
            Some(t) if now.saturating_duration_since(t) < COUNT_EVERY => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }

    /// Forget the last count: the next round asks again.
    pub fn reset(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_due_once_a_minute_and_never_on_the_alarms_pane() {
        let c = CountClock::default();
        let hosts = ViewJob::Pane(PaneKind::Hosts);
        assert!(c.due(&hosts), "the first round counts");
        assert!(!c.due(&hosts), "not again within a minute");
        assert!(!c.due(&ViewJob::Pane(PaneKind::Alarms)));
        c.reset();
        assert!(
            !c.due(&ViewJob::Pane(PaneKind::Alarms)),
            "the pane counts itself"
        );
        assert!(!c.due(&hosts), "the pane's own round counted");
        c.reset();
        assert!(c.due(&hosts));
    }
}
