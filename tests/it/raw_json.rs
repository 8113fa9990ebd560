//! `d` shows the raw JSON the server sends for a row or a detail (k9s' "describe / yaml"):
//! fetched for that one object, scrollable, searchable with `/` `n` `N`, copied with `y`.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use obtui::app::state::{App, Effect, View};
use obtui::model::pane::PaneKind;
use obtui_sim::{self as sim, SimOptions};
use std::net::SocketAddr;

use crate::common;
use common::rig::Driver;

fn rig(url: String) -> Driver {
    common::rig::ocp_driver(url)
}

fn loaded(a: &App) -> bool {
    a.raw.as_ref().is_some_and(|r| matches!(r.doc, Some(Ok(_))))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_shows_a_hosts_json_searchable_and_copied_and_esc_goes_back() {
    let h = sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap();
    let mut r = rig(h.url());
    r.code(KeyCode::Char('2'));
    r.until("hosts", |a| a.pane(PaneKind::Hosts).loaded).await;
    let (id, ip) = {
        let t = &r.app.pane(PaneKind::Hosts).table;
        let row = t.selected_row().expect("a host");
        let ip = row
            .cells
            .iter()
            .find(|c| c.matches('.').count() == 3)
            .cloned();
        (row.id.clone(), ip.expect("an ip cell"))
    };

    r.code(KeyCode::Char('d'));
    assert_eq!(r.app.view(), &View::Raw);
    r.until("the host's JSON", loaded).await;
    let screen = r.screen();
    // Named as its row names it (the host's IP), not by its id.
    assert!(screen.contains(&format!("JSON of host {ip}")), "{screen}");
    assert!(screen.contains(&format!("\"id\": {id}")), "{screen}");
    assert!(screen.contains(&ip), "{screen}");

    // `/` searches as it is typed; Enter keeps the match; n / N step through the matches.
    r.code(KeyCode::Char('/'));
    r.typ("\"");
    r.code(KeyCode::Enter);
    let (n, first) = {
        let v = r.app.raw.as_ref().unwrap();
        (v.matches.len(), v.current_line())
    };
    assert!(n > 3, "every key line holds a quote: {n}");
    r.code(KeyCode::Char('n'));
    let second = r.app.raw.as_ref().unwrap().current_line();
    assert!(second > first, "{second:?} after {first:?}");
    r.press(KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT));
    assert_eq!(r.app.raw.as_ref().unwrap().current_line(), first);
    let screen = r.screen();
    assert!(screen.contains(&format!("/\" 1/{n}")), "{screen}");

    // j scrolls the text.
    r.code(KeyCode::Char('j'));
    assert_eq!(
        r.app.raw.as_ref().unwrap().scroll,
        1.min(r.app.raw.as_ref().unwrap().max_scroll())
    );

    // `y` copies the whole document, and says how.
    let effects = r.app.on_event(Event::Key(KeyEvent::new(
        KeyCode::Char('y'),
        KeyModifiers::NONE,
    )));
    let copied = effects
        .iter()
        .find_map(|e| match e {
            Effect::Copy(t) => Some(t.clone()),
            _ => None,
        })
        .expect("a copy");
    let v: serde_json::Value = serde_json::from_str(&copied).expect("the copy is JSON");
    assert_eq!(v["id"].to_string(), id);
    let screen = r.screen();
    assert!(screen.contains("OSC 52"), "{screen}");

    r.code(KeyCode::Esc);
    assert_eq!(r.app.view(), &View::Pane(PaneKind::Hosts));
    assert!(r.app.raw.is_none(), "the JSON is dropped with the view");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_in_a_cluster_detail_and_on_a_task_row_shows_their_json() {
    let h = sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap();
    let mut r = rig(h.url());
    r.until("clusters", |a| a.pane(PaneKind::Clusters).loaded)
        .await;
    r.code(KeyCode::Enter);
    r.until("the detail", |a| {
        a.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    r.code(KeyCode::Char('d'));
    r.until("the cluster's JSON", loaded).await;
    let text = r.app.raw.as_ref().unwrap().text().unwrap().to_string();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        v.get("name").is_some() || v.get("clusterName").is_some(),
        "{text}"
    );
    r.code(KeyCode::Esc);
    assert!(
        matches!(r.app.view(), View::Detail(_)),
        "back to the detail"
    );
    assert!(r.app.detail.is_some());

    // Leaving for a pane drops the JSON too.
    r.code(KeyCode::Char('d'));
    assert!(r.app.raw.is_some());
    r.code(KeyCode::Char('4'));
    assert!(r.app.raw.is_none());
    r.until("tasks", |a| a.pane(PaneKind::Tasks).loaded).await;
    r.code(KeyCode::Char('d'));
    r.until("the task's JSON", loaded).await;
    let screen = r.screen();
    assert!(screen.contains("JSON of task "), "{screen}");
    assert!(screen.contains("subtasks"), "{screen}");
    h.shutdown().await;
}
