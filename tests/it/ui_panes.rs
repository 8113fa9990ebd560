//! Screens of the inventory panes, rendered with ratatui's TestBackend from the public docs'
//! JSON samples, and key handling through the action registry.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use obtui::app::actions::Keymap;
use obtui::app::state::{App, DetailTarget, Effect, Mode, Settings, View};
use obtui::config::Theme;
use obtui::model::jobs::ViewJob;
use obtui::model::pane::PaneKind;
use obtui::model::view::{ClusterDetail, ViewData};
use obtui::poll::convert::ocp as conv;
use obtui_api::ocp::models::{Host, ObCluster, ObproxyCluster, Paged, TaskInstance, Zone};
use obtui_api::ApiError;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use std::path::Path;
use std::time::{Duration, Instant};

/// 2024-01-01T00:00:00Z: every running duration is measured against this.
const NOW: i64 = 1_704_067_200_000;

fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocp")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(v["data"].clone()).unwrap()
}

fn theme(name: &str) -> Theme {
    Theme::load(name, Path::new("/nonexistent")).0
}

fn app_with(theme_name: &str, read_only: bool) -> App {
    let settings = Settings {
        profile: "demo".into(),
        url: "http://127.0.0.1:8080".into(),
        user: "admin".into(),
        read_only,
        production: false,
        refresh: Duration::from_secs(5),
        demo: true,
        ascii: false,
        insecure: false,
    };
    let mut app = App::new(settings, theme(theme_name), Keymap::defaults());
    app.frozen_now = Some(NOW);
    app.ocp_version = Some("4.2.2".into());
    app
}

fn loaded_app(theme_name: &str) -> App {
    let mut app = app_with(theme_name, false);
    let clusters: Paged<ObCluster> = fixture("ob-clusters-list.json");
    let tasks: Paged<TaskInstance> = fixture("tasks-instances-list.json");
    let hosts: Paged<Host> = fixture("compute-hosts-list.json");
    let proxies: Paged<ObproxyCluster> = fixture("obproxy-clusters-list.json");
    let at = Instant::now();
    app.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: conv::clusters(&clusters.contents),
            running: Ok(conv::tasks(&tasks.contents.clone())),
        }),
        at,
        0,
    );
    app.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Ok(ViewData::Hosts(conv::hosts(&hosts.contents))),
        at,
        0,
    );
    app.on_view(
        ViewJob::Pane(PaneKind::Proxies),
        Ok(ViewData::Proxies(conv::proxy_clusters(&proxies.contents))),
        at,
        0,
    );
    app.on_view(
        ViewJob::Pane(PaneKind::Tasks),
        Ok(ViewData::Tasks(conv::tasks(&tasks.contents))),
        at,
        0,
    );
    // The header's "refreshed … ago" is a wall-clock age: keep it out of snapshots.
    app.last_refresh = None;
    app
}

fn render(app: &mut App, w: u16, h: u16) -> (String, ratatui::buffer::Buffer) {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut drawn = None;
    term.draw(|f| drawn = Some(obtui::ui::draw(f, app)))
        .unwrap();
    if let Some(d) = drawn {
        app.on_drawn(d);
    }
    let buf = term.backend().buffer().clone();
    let mut text = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    (text, buf)
}

/// The docs' host sample, cloned into `n` hosts with distinct ids and IPs.
fn many_hosts(n: usize) -> Vec<Host> {
    let base: Paged<Host> = fixture("compute-hosts-list.json");
    (0..n)
        .map(|i| {
            let mut h = base.contents[0].clone();
            h.id = 100 + (i as i64 * 7919) % 1000;
            h.inner_ip_address = Some(format!("10.0.{}.{}", i / 200, i % 200 + 1));
            h.name = Some(format!("host-{i:03}"));
            h
        })
        .collect()
}

fn with_many_hosts(app: &mut App, n: usize) {
    app.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Ok(ViewData::Hosts(conv::hosts(&many_hosts(n)))),
        Instant::now(),
        0,
    );
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.on_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// In the mono theme nothing may carry a colour: status must read by glyph and text alone.
fn assert_colourless(buf: &ratatui::buffer::Buffer) {
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "coloured cell {:?} in mono theme",
            cell
        );
    }
}

#[test]
fn every_pane_in_both_themes_and_sizes() {
    for theme_name in ["default", "mono"] {
        for (w, h) in [(80u16, 24u16), (160, 48)] {
            let mut app = loaded_app(theme_name);
            for (i, pane) in ["clusters", "hosts", "proxies", "tasks"].iter().enumerate() {
                key(&mut app, KeyCode::Char(char::from(b'1' + i as u8)));
                let (text, buf) = render(&mut app, w, h);
                insta::assert_snapshot!(format!("{pane}_{theme_name}_{w}x{h}"), text);
                if theme_name == "mono" {
                    assert_colourless(&buf);
                }
            }
        }
    }
}

#[test]
fn status_colours_follow_the_theme() {
    let mut app = loaded_app("default");
    let (text, buf) = render(&mut app, 160, 48);
    // The first cluster in the sample is RUNNING: its status cell is drawn in the OK colour.
    let y = text
        .lines()
        .position(|l| l.contains("✔ RUNNING"))
        .expect("a running cluster row") as u16;
    let x = text.lines().nth(y as usize).unwrap().find("✔").unwrap();
    let x = text.lines().nth(y as usize).unwrap()[..x].chars().count() as u16;
    assert_eq!(buf[(x, y)].fg, app.theme.st_ok);
}

#[test]
fn filter_sort_and_selection() {
    let mut app = loaded_app("default");
    with_many_hosts(&mut app, 30);
    key(&mut app, KeyCode::Char('2'));
    let all = app.pane(PaneKind::Hosts).table.view.len();
    assert!(all >= 2);
    key(&mut app, KeyCode::Char('/'));
    assert!(matches!(app.mode, Mode::Filter(_)));
    let first_ip = app.pane(PaneKind::Hosts).table.rows[0].cells[0].clone();
    let first_id = app.pane(PaneKind::Hosts).table.rows[0].id.clone();
    typed(&mut app, &format!("!{}", first_id));
    assert!(
        app.pane(PaneKind::Hosts).table.view.len() < all,
        "negated filter hides the row"
    );
    // Enter keeps the filter, Esc at the top level clears it.
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.pane(PaneKind::Hosts).table.view.len(), all);
    let (text, _) = render(&mut app, 160, 48);
    assert!(text.contains(&first_ip));

    // Sort by the second column (id, numeric), then reverse.
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    let ids: Vec<i64> = {
        let t = &app.pane(PaneKind::Hosts).table;
        t.view
            .iter()
            .map(|&i| t.rows[i].id.parse().unwrap())
            .collect()
    };
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    key(&mut app, KeyCode::Char('S'));
    let t = &app.pane(PaneKind::Hosts).table;
    let rev: Vec<i64> = t
        .view
        .iter()
        .map(|&i| t.rows[i].id.parse().unwrap())
        .collect();
    sorted.reverse();
    assert_eq!(rev, sorted);
}

#[test]
fn selection_survives_a_refresh_by_id() {
    let mut app = loaded_app("default");
    with_many_hosts(&mut app, 30);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('G'));
    let id = app
        .pane(PaneKind::Hosts)
        .table
        .selected_row()
        .unwrap()
        .id
        .clone();
    let mut hosts = many_hosts(30);
    hosts.reverse();
    app.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Ok(ViewData::Hosts(conv::hosts(&hosts))),
        Instant::now(),
        0,
    );
    assert_eq!(
        app.pane(PaneKind::Hosts).table.selected,
        0,
        "moved with its row"
    );
    assert_eq!(
        app.pane(PaneKind::Hosts).table.selected_row().unwrap().id,
        id
    );
}

#[test]
fn navigation_stack_and_breadcrumbs() {
    let mut app = loaded_app("default");
    key(&mut app, KeyCode::Enter);
    let View::Detail(DetailTarget::Cluster(id)) = app.view().clone() else {
        panic!("{:?}", app.view())
    };
    assert_eq!(app.view_job(), Some(ViewJob::ClusterDetail(id)));
    // The crumb names the cluster as its row does, not by its id.
    let name = app
        .pane(PaneKind::Clusters)
        .table
        .rows
        .iter()
        .find(|r| r.id == id.to_string())
        .map(|r| r.cells[0].clone())
        .unwrap();
    assert!(!name.is_empty() && name != id.to_string());
    assert_eq!(
        app.breadcrumbs(),
        vec!["Clusters".to_string(), format!("cluster {name}")]
    );
    // The detail poller's answer fills the view.
    let clusters: Paged<ObCluster> = fixture("ob-clusters-list.json");
    let zones: Paged<Zone> = fixture("ob-cluster-zones.json");
    let cluster = clusters.contents.into_iter().find(|c| c.id == id).unwrap();
    let tasks: Paged<TaskInstance> = fixture("tasks-instances-list.json");
    app.on_view(
        ViewJob::ClusterDetail(id),
        Ok(ViewData::ClusterDetail(Box::new(ClusterDetail {
            cluster: conv::cluster(&cluster),
            zones: zones.contents.iter().map(conv::zone).collect(),
            servers: fixture::<Paged<obtui_api::ocp::models::Server>>("ob-cluster-servers.json")
                .contents
                .iter()
                .map(conv::server)
                .map(Ok)
                .collect(),
            tenants: fixture::<Paged<obtui_api::ocp::models::Tenant>>("ob-cluster-tenants.json")
                .contents
                .iter()
                .map(conv::tenant)
                .map(Ok)
                .collect(),
            tasks: Ok(conv::tasks(&tasks.contents)),
        }))),
        Instant::now(),
        0,
    );
    app.last_refresh = None;
    let (text, _) = render(&mut app, 120, 48);
    insta::assert_snapshot!("cluster_detail_120x48", text);
    assert!(text.contains("Zones"));
    assert!(text.contains("Tenants"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view(), &View::Pane(PaneKind::Clusters));
    assert!(app.detail.is_none());
}

#[test]
fn host_detail_shows_every_field_of_the_endpoint() {
    let mut app = loaded_app("default");
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Enter);
    let host: Host = fixture("compute-host-detail.json");
    let id = match app.view() {
        View::Detail(DetailTarget::Host(id)) => *id,
        v => panic!("{v:?}"),
    };
    app.detail.as_mut().unwrap().target = DetailTarget::Host(host.id);
    app.on_view(
        ViewJob::HostDetail(host.id),
        Ok(ViewData::HostDetail(Box::new(conv::host(&host.clone())))),
        Instant::now(),
        0,
    );
    let _ = id;
    let (text, _) = render(&mut app, 120, 40);
    for needle in [
        host.inner_ip_address.clone().unwrap(),
        host.name.clone().unwrap(),
        host.operating_system.clone().unwrap(),
        host.host_agent_version.clone().unwrap(),
    ] {
        assert!(text.contains(&needle), "{needle} missing:\n{text}");
    }
}

#[test]
fn help_overlay_lists_registry_keys_and_command_mode_completes() {
    let mut app = loaded_app("default");
    key(&mut app, KeyCode::Char('?'));
    let (text, _) = render(&mut app, 100, 40);
    insta::assert_snapshot!("help_100x40", text);
    assert!(text.contains("[quit]"));
    key(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.mode, Mode::Normal));

    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "ho");
    key(&mut app, KeyCode::Tab);
    let (text, _) = render(&mut app, 80, 24);
    insta::assert_snapshot!("command_mode_80x24", text);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), &View::Pane(PaneKind::Hosts));
}

#[test]
fn read_only_refuses_dangerous_actions_and_hides_their_hints() {
    let mut app = app_with("default", true);
    let (text, _) = render(&mut app, 120, 30);
    assert!(text.contains(" RO\n"), "{text}");
    assert!(!text.contains("c create"), "{text}");
    key(&mut app, KeyCode::Char('c'));
    let flash = app.notify.flashes.back().expect("a warning").text.clone();
    assert!(flash.contains("read-only"), "{flash}");

    let mut rw = app_with("default", false);
    let (text, _) = render(&mut rw, 120, 30);
    assert!(text.contains(" RW\n"));
    assert!(text.contains("c create"), "{text}");
}

#[test]
fn loading_empty_error_and_stale_states() {
    let mut app = app_with("default", false);
    let (text, _) = render(&mut app, 80, 24);
    assert!(text.contains("loading Clusters"), "{text}");

    let err = ApiError::Server {
        status: 503,
        code: None,
        message: "Service Unavailable".into(),
        trace_id: Some("abc123def".into()),
        retry_after_secs: None,
        envelope: true,
    };
    app.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Err(err.clone()),
        Instant::now(),
        0,
    );
    let (text, _) = render(&mut app, 100, 24);
    insta::assert_snapshot!("error_before_data_100x24", text);
    assert!(text.contains("HTTP 503"));
    assert!(text.contains("abc123def"));

    // Data, then a failure: the data stays, marked stale.
    let clusters: Paged<ObCluster> = fixture("ob-clusters-list.json");
    app.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: conv::clusters(&clusters.contents.clone()),
            running: Ok(vec![]),
        }),
        Instant::now(),
        0,
    );
    let at = Instant::now() - Duration::from_secs(65);
    app.on_view(ViewJob::Pane(PaneKind::Clusters), Err(err), at, 0);
    app.pane_mut(PaneKind::Clusters)
        .error
        .as_mut()
        .unwrap()
        .since = at;
    app.last_refresh = None;
    let (text, _) = render(&mut app, 100, 24);
    insta::assert_snapshot!("stale_100x24", text);
    assert!(text.contains("stale since 1m0"), "{text}");
    assert!(text.contains(&clusters.contents[0].name));

    // An empty answer and a filter that matches nothing have their own words.
    app.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: vec![],
            running: Ok(vec![]),
        }),
        Instant::now(),
        0,
    );
    let (text, _) = render(&mut app, 80, 24);
    assert!(text.contains("nothing here"), "{text}");
    assert!(app
        .notify
        .errors
        .iter()
        .any(|e| e.trace_id.as_deref() == Some("abc123def")));
}

#[test]
fn tiny_terminal_gets_a_message_not_a_panic() {
    let mut app = loaded_app("default");
    for (w, h) in [(20, 5), (59, 30), (1, 1), (200, 11)] {
        let (text, _) = render(&mut app, w, h);
        assert!(text.contains("obtui") || w < 8, "{w}x{h}: {text}");
    }
}

#[test]
fn mouse_selects_rows_switches_tabs_and_sorts_by_header() {
    let mut app = loaded_app("default");
    with_many_hosts(&mut app, 30);
    key(&mut app, KeyCode::Char('2'));
    render(&mut app, 160, 48);
    let top = app.drawn.table.as_ref().expect("a table on screen").top;
    let click = |row, column| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.on_event(click(top + 1, 5));
    assert_eq!(app.pane(PaneKind::Hosts).table.selected, 1);
    // A click on the ID header sorts by id.
    let (x, _, col) = app
        .drawn
        .table
        .as_ref()
        .expect("a table on screen")
        .header_cols[1];
    assert_eq!(col, 1);
    app.on_event(click(top - 1, x));
    assert_eq!(app.pane(PaneKind::Hosts).table.sort_col, Some(1));
    // The tab row switches panes.
    app.on_event(click(1, 3));
    assert_eq!(app.view(), &View::Pane(PaneKind::Clusters));
    app.on_event(Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 5,
        row: 10,
        modifiers: KeyModifiers::NONE,
    }));
}

#[test]
fn copy_yields_an_osc52_effect() {
    let mut app = loaded_app("default");
    key(&mut app, KeyCode::Char('2'));
    let ip = app
        .pane(PaneKind::Hosts)
        .table
        .selected_row()
        .unwrap()
        .cells[0]
        .clone();
    let effects = key(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Copy(x)] if *x == ip),
        "{effects:?}"
    );
}

/// The cluster detail, help overlay, command mode, error and stale states in both themes at
/// both sizes (the panes themselves are covered above).
#[test]
fn every_view_and_state_in_both_themes_and_sizes() {
    let clusters: Paged<ObCluster> = fixture("ob-clusters-list.json");
    let zones: Paged<Zone> = fixture("ob-cluster-zones.json");
    let tasks: Paged<TaskInstance> = fixture("tasks-instances-list.json");
    let err = ApiError::Server {
        status: 502,
        code: None,
        message: "Bad Gateway".into(),
        trace_id: Some("f00dbabe".into()),
        retry_after_secs: None,
        envelope: true,
    };
    for theme_name in ["default", "mono"] {
        for (w, h) in [(80u16, 24u16), (160, 48)] {
            // Cluster detail.
            let mut app = loaded_app(theme_name);
            key(&mut app, KeyCode::Enter);
            let View::Detail(DetailTarget::Cluster(id)) = app.view().clone() else {
                panic!()
            };
            let cluster = clusters
                .contents
                .iter()
                .find(|c| c.id == id)
                .unwrap()
                .clone();
            app.on_view(
                ViewJob::ClusterDetail(id),
                Ok(ViewData::ClusterDetail(Box::new(ClusterDetail {
                    cluster: conv::cluster(&cluster),
                    zones: zones.contents.clone().iter().map(conv::zone).collect(),
                    servers: fixture::<Paged<obtui_api::ocp::models::Server>>(
                        "ob-cluster-servers.json",
                    )
                    .contents
                    .iter()
                    .map(conv::server)
                    .map(Ok)
                    .collect(),
                    tenants: fixture::<Paged<obtui_api::ocp::models::Tenant>>(
                        "ob-cluster-tenants.json",
                    )
                    .contents
                    .iter()
                    .map(conv::tenant)
                    .map(Ok)
                    .collect(),
                    tasks: Ok(conv::tasks(&tasks.contents.clone())),
                }))),
                Instant::now(),
                0,
            );
            app.last_refresh = None;
            let (text, buf) = render(&mut app, w, h);
            insta::assert_snapshot!(format!("detail_{theme_name}_{w}x{h}"), text);
            if theme_name == "mono" {
                assert_colourless(&buf);
            }
            // Help and command mode.
            let mut app = loaded_app(theme_name);
            key(&mut app, KeyCode::Char('?'));
            let (text, _) = render(&mut app, w, h);
            insta::assert_snapshot!(format!("help_{theme_name}_{w}x{h}"), text);
            key(&mut app, KeyCode::Esc);
            key(&mut app, KeyCode::Char(':'));
            typed(&mut app, "ta");
            let (text, _) = render(&mut app, w, h);
            insta::assert_snapshot!(format!("command_{theme_name}_{w}x{h}"), text);
            // An error before any data, then stale data.
            let mut app = app_with(theme_name, false);
            app.on_view(
                ViewJob::Pane(PaneKind::Clusters),
                Err(err.clone()),
                Instant::now(),
                0,
            );
            let (text, _) = render(&mut app, w, h);
            insta::assert_snapshot!(format!("error_{theme_name}_{w}x{h}"), text);
            app.on_view(
                ViewJob::Pane(PaneKind::Clusters),
                Ok(ViewData::Clusters {
                    clusters: conv::clusters(&clusters.contents.clone()),
                    running: Ok(vec![]),
                }),
                Instant::now(),
                0,
            );
            let at = Instant::now() - Duration::from_secs(125);
            app.on_view(ViewJob::Pane(PaneKind::Clusters), Err(err.clone()), at, 0);
            app.pane_mut(PaneKind::Clusters)
                .error
                .as_mut()
                .unwrap()
                .since = at;
            app.last_refresh = None;
            // Flash messages expire by the clock; keep them out of the snapshot.
            app.notify.flashes.clear();
            let (text, buf) = render(&mut app, w, h);
            insta::assert_snapshot!(format!("stale_{theme_name}_{w}x{h}"), text);
            assert!(text.contains("stale since 2m0"), "{text}");
            if theme_name == "mono" {
                assert_colourless(&buf);
            }
        }
    }
}
