//! Pane benchmarks: frame render with 10,000 rows loaded, and a filter keystroke over 10,000
//! hosts. Prints `name value unit budget` lines. Run: `cargo bench --bench panes`.

use obtui::api::ocp::models::{Host, HostService, HostStatus, ObCluster};
use obtui::app::actions::Keymap;
use obtui::app::panes::PaneKind;
use obtui::app::state::{App, Settings};
use obtui::config::Theme;
use obtui::poll::fetch::{ViewData, ViewJob};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::{Duration, Instant};

fn hosts(n: usize) -> Vec<Host> {
    (0..n)
        .map(|i| Host {
            id: 1_000_000 + i as i64,
            name: Some(format!("ob-node-{i:05}.prod")),
            inner_ip_address: Some(format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)),
            status: if i % 17 == 0 {
                HostStatus::Offline
            } else {
                HostStatus::Online
            },
            kind: Some("DEDICATED_PHYSICAL_MACHINE".into()),
            type_name: Some(["small", "medium", "large"][i % 3].into()),
            idc_name: Some(["hz1", "hz2", "sh1", "sz1"][i % 4].into()),
            region_name: Some(["hangzhou", "shanghai"][i % 2].into()),
            ssh_port: Some(22),
            services: vec![HostService {
                name: Some(format!("cluster{}:{}", i / 10, i % 3)),
                service_type: Some("OB_CLUSTER".into()),
                ..Default::default()
            }],
            ..Default::default()
        })
        .collect()
}

fn clusters(n: usize) -> Vec<ObCluster> {
    (0..n)
        .map(|i| {
            serde_json::from_value(serde_json::json!({
                "id": i, "name": format!("cluster{i:05}"), "obClusterId": 1000 + i,
                "obVersion": "4.2.1.2", "type": if i % 2 == 0 { "PRIMARY" } else { "STANDBY" },
                "status": "RUNNING", "serverCount": 6, "tenantCount": 4,
                "zones": [{"name": "zone1", "idcName": "hz1", "serverCount": 2}]
            }))
            .unwrap_or_default()
        })
        .collect()
}

fn app() -> App {
    let settings = Settings {
        profile: "bench".into(),
        url: "http://127.0.0.1:1".into(),
        user: "admin".into(),
        read_only: false,
        production: false,
        refresh: Duration::from_secs(5),
        demo: true,
        ascii: false,
        insecure: false,
    };
    App::new(settings, Theme::builtin_default(), Keymap::defaults())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn report(name: &str, d: Duration, budget_ms: f64) {
    let ms = d.as_secs_f64() * 1000.0;
    let verdict = if ms <= budget_ms { "ok" } else { "OVER" };
    println!("{name:<44} {ms:>9.3} ms   budget < {budget_ms} ms   {verdict}");
}

fn main() {
    let mut a = app();
    a.on_view(
        ViewJob::Pane(PaneKind::Clusters),
        Ok(ViewData::Clusters {
            clusters: clusters(10_000),
            running: vec![],
        }),
        Instant::now(),
        0,
    );
    a.on_view(
        ViewJob::Pane(PaneKind::Hosts),
        Ok(ViewData::Hosts(hosts(10_000))),
        Instant::now(),
        0,
    );

    // Frame render: clusters pane, 10,000 rows, 200x60 (ratatui's buffer diff included).
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut times = Vec::new();
    for i in 0..300 {
        // Move the selection so every frame has something to draw.
        a.pane_mut(PaneKind::Clusters)
            .table
            .move_by(if i % 2 == 0 { 1 } else { -1 });
        let t = Instant::now();
        term.draw(|f| obtui::ui::draw(f, &mut a)).expect("draw");
        times.push(t.elapsed());
    }
    report(
        "frame render, clusters pane, 10k rows, 200x60",
        median(times),
        1.0,
    );

    // Filter: one keystroke's work over 10,000 hosts.
    let mut times = Vec::new();
    let words = ["h", "hz", "hz1", "hz1 !off", "10.0", "node-0999", ""];
    for _ in 0..40 {
        for w in words {
            let t = Instant::now();
            a.pane_mut(PaneKind::Hosts).table.set_filter(w);
            times.push(t.elapsed());
        }
    }
    report("filter 10k hosts, per keystroke", median(times), 5.0);

    // Sort 10,000 hosts by a text column.
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        a.pane_mut(PaneKind::Hosts).table.sort_next(9);
        times.push(t.elapsed());
    }
    report("sort 10k hosts by next column", median(times), 5.0);
}
