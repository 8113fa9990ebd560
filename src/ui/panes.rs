//! The text of a pane's summary strip and of the detail screens, from the app's data.

use crate::app::panes::*;
use crate::app::state::Parts;
use crate::app::table::Row;
use crate::config::theme::Theme;
use crate::model::view::Part;
use crate::model::view::ViewData;
use obtui_task::NodeStatus;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

fn label<'a>(t: &Theme, k: &'a str) -> Span<'a> {
    Span::styled(format!("{k}: "), t.muted())
}

/// What a failing secondary part adds to its header: " — stale since 5s: why" while a last
/// good value shows, " — unknown: why" when there never was one; nothing when it is fresh.
pub fn part_mark(parts: &Parts, part: Part) -> Option<String> {
    let p = parts.get(&part)?;
    Some(if p.known {
        format!(
            " — stale since {}: {}",
            crate::model::fmt::short_age(
                std::time::Instant::now().saturating_duration_since(p.since)
            ),
            p.message
        )
    } else {
        format!(" — unknown: {}", p.message)
    })
}

/// A section header with its count, or "unknown" when the part was never loaded.
fn part_section<T>(
    t: &Theme,
    title: &str,
    v: &crate::model::view::PartResult<Vec<T>>,
    parts: &Parts,
    part: Part,
) -> Line<'static> {
    let head = match v {
        Ok(v) => format!("{title} ({})", v.len()),
        Err(_) => title.to_string(),
    };
    let mark = match (v, part_mark(parts, part)) {
        (_, Some(m)) => m,
        (Err(e), None) => format!(" — unknown: {e}"),
        (Ok(_), None) => String::new(),
    };
    let mut spans = vec![Span::styled(
        head,
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    )];
    if !mark.is_empty() {
        spans.push(Span::styled(
            mark,
            Style::default().fg(t.stale).add_modifier(Modifier::BOLD),
        ));
    }
    Line::from(spans)
}

pub fn summary_lines(data: &PaneData, parts: &Parts, row: &Row, t: &Theme) -> Vec<Line<'static>> {
    let Some(id) = crate::app::fleet::item_id(row) else {
        return vec![];
    };
    match data {
        PaneData::Clusters { clusters, running } => {
            let Some(c) = clusters.iter().find(|c| c.id == id) else {
                return vec![];
            };
            let mut lines = vec![];
            let zones: Vec<String> = c
                .zones
                .iter()
                .map(|z| {
                    format!(
                        "{} (idc {}) {} server{}",
                        z.name,
                        z.idc.as_deref().unwrap_or("—"),
                        z.servers_total(),
                        if z.servers_total() == 1 { "" } else { "s" }
                    )
                })
                .collect();
            lines.push(Line::from(vec![
                label(t, "zones"),
                Span::raw(zones.join(" · ")),
            ]));
            let rs: Vec<String> = c
                .root_servers
                .iter()
                .map(|r| {
                    format!(
                        "{} {}",
                        r.address.as_deref().unwrap_or("?"),
                        r.role.as_deref().unwrap_or("")
                    )
                })
                .collect();
            if !rs.is_empty() {
                lines.push(Line::from(vec![
                    label(t, "rootservers"),
                    Span::raw(rs.join(" · ")),
                ]));
            }
            let mut line = match running.as_deref().map(|r| running_task_for(c.id, r)) {
                Some(Some(task)) => vec![
                    label(t, "running task"),
                    Span::styled(
                        format!("#{} {}", task.shown_id(), task.name),
                        Style::default().fg(t.st_running),
                    ),
                ],
                Some(None) => vec![label(t, "running task"), Span::styled("none", t.muted())],
                None => vec![
                    label(t, "running task"),
                    Span::styled("unknown", Style::default().fg(t.stale)),
                ],
            };
            if let Some(m) = part_mark(parts, Part::RunningTasks) {
                line.push(Span::styled(m, Style::default().fg(t.stale)));
            }
            lines.push(Line::from(line));
            if let Some(r) = &c.query_failure {
                lines.push(Line::from(vec![
                    label(t, "OCP cannot query"),
                    Span::styled(r.clone(), Style::default().fg(t.warn)),
                ]));
            }
            lines
        }
        PaneData::Hosts(hosts) => {
            let Some(h) = hosts.iter().find(|h| h.id == id) else {
                return vec![];
            };
            vec![
                Line::from(vec![
                    label(t, "os"),
                    Span::raw(format!(
                        "{} {} ",
                        h.os_release.as_deref().unwrap_or("—"),
                        h.architecture.as_deref().unwrap_or("")
                    )),
                    label(t, "agent"),
                    Span::raw(format!(
                        "{} {}",
                        h.agent.version.as_deref().unwrap_or("—"),
                        h.agent.status.as_deref().unwrap_or("")
                    )),
                ]),
                Line::from(vec![label(t, "services"), Span::raw(host_used_by(h))]),
            ]
        }
        PaneData::Proxies(ps) => {
            let Some(p) = ps.iter().find(|p| p.id == id) else {
                return vec![];
            };
            let mut lines: Vec<Line> = p
                .proxies
                .iter()
                .take(3)
                .map(|x| {
                    Line::from(vec![
                        Span::styled(
                            format!(
                                "{} ",
                                crate::ui::glyph::tone_glyph(proxy_tone(&x.status), false)
                            ),
                            t.tone_style(proxy_tone(&x.status)),
                        ),
                        Span::raw(format!(
                            "{}:{}  {}  {}",
                            x.ip.as_deref().unwrap_or("?"),
                            x.sql_port.map(|p| p.to_string()).unwrap_or_default(),
                            x.version.as_deref().map(short_version).unwrap_or_default(),
                            x.status
                        )),
                    ])
                })
                .collect();
            if p.proxies.len() > 3 {
                lines.push(Line::styled(
                    format!("… {} more (⏎)", p.proxies.len() - 3),
                    t.muted(),
                ));
            }
            if lines.is_empty() {
                lines.push(Line::styled(
                    "no OBProxy servers listed — ⏎ loads the detail",
                    t.muted(),
                ));
            }
            lines
        }
        PaneData::Tasks(tasks) => {
            let Some(task) = tasks.iter().find(|x| x.id == id) else {
                return vec![];
            };
            let of =
                |st: NodeStatus| subtask_names(task.subtasks.iter().filter(|s| s.status == st));
            let (running, failed) = (of(NodeStatus::Running), of(NodeStatus::Failed));
            let mut lines = vec![];
            if !running.is_empty() {
                lines.push(Line::from(vec![
                    label(t, "running"),
                    Span::styled(running, Style::default().fg(t.st_running)),
                ]));
            }
            if !failed.is_empty() {
                lines.push(Line::from(vec![
                    label(t, "failed"),
                    Span::styled(failed, Style::default().fg(t.st_failed)),
                ]));
            }
            if lines.is_empty() {
                lines.push(Line::from(vec![
                    label(t, "subtasks"),
                    Span::raw(task.subtasks.len().to_string()),
                ]));
            }
            lines
        }
        PaneData::Alarms(a) => a
            .iter()
            .find(|x| x.id == id)
            .map(|a| crate::ui::alarms::alarm_summary(a, t, "t"))
            .unwrap_or_default(),
        PaneData::Events(e) => e
            .iter()
            .find(|x| x.id == id)
            .map(|e| crate::ui::alarms::event_summary(e, t))
            .unwrap_or_default(),
        PaneData::Tenants(tenants) => {
            let Some(te) = tenants.iter().find(|x| x.id == id) else {
                return vec![];
            };
            vec![
                Line::from(vec![
                    label(t, "zones"),
                    Span::raw(format!("{} ", opt(&te.zone_list))),
                    label(t, "locality"),
                    Span::raw(opt(&te.locality)),
                ]),
                Line::from(vec![
                    label(t, "version"),
                    Span::raw(format!("{} ", opt(&te.ob_version))),
                    label(t, "units"),
                    Span::styled("⏎ loads the pools and units", t.muted()),
                ]),
            ]
        }
    }
}

fn section(t: &Theme, title: &str) -> Line<'static> {
    Line::from(Span::styled(
        title.to_string(),
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    ))
}

fn kv(t: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {k:<22}"), t.muted()),
        Span::raw(v),
    ])
}

/// A detail's section of tasks: its heading (with the part's state) and one selectable line
/// per task.
#[allow(clippy::too_many_arguments)]
fn task_section(
    out: &mut Vec<Line<'static>>,
    items: &mut Vec<usize>,
    t: &Theme,
    ascii: bool,
    now: i64,
    title: &str,
    tasks: &crate::model::view::PartResult<Vec<crate::model::inventory::TaskSummary>>,
    parts: &Parts,
) {
    out.push(part_section(t, title, tasks, parts, Part::Tasks));
    for task in tasks.iter().flatten() {
        let tone = task_tone(&task.status);
        out.push(Line::from(vec![
            Span::styled(
                format!("  {} ", crate::ui::glyph::tone_glyph(tone, ascii)),
                t.tone_style(tone),
            ),
            Span::raw(format!(
                "#{:<9} {:<36} {:<11} {}",
                task.shown_id(),
                task.name,
                task.status.to_string(),
                task_duration_ms(task, now)
                    .map(fmt_duration_ms)
                    .unwrap_or_default()
            )),
        ]));
        items.push(out.len() - 1);
    }
}

/// The lines of a detail view, and the line of each selectable item (in the order of
/// `app::detail::items`); the selected one is drawn reversed, the servers of `folded` zones
/// are left out.
pub fn detail_lines(
    data: &ViewData,
    parts: &Parts,
    t: &Theme,
    ascii: bool,
    now: i64,
    selected: Option<usize>,
    folded: &std::collections::BTreeSet<String>,
) -> (Vec<Line<'static>>, Vec<usize>) {
    let glyph = |tone| crate::ui::glyph::tone_glyph(tone, ascii);
    let mut out: Vec<Line<'static>> = vec![];
    let mut items: Vec<usize> = vec![];
    match data {
        ViewData::ClusterDetail(d) => {
            let c = &d.cluster;
            out.push(section(t, &format!("Cluster {} (id {})", c.name, c.id)));
            out.push(kv(
                t,
                "status",
                format!("{} {}", glyph(cluster_tone(&c.status)), c.status),
            ));
            out.push(kv(t, "type", opt(&c.role)));
            out.push(kv(t, "obClusterId", opt(&c.ob_cluster_id)));
            out.push(kv(t, "version", opt(&c.version)));
            out.push(kv(t, "tenants", opt(&c.tenant_count)));
            if let Some(r) = &c.query_failure {
                out.push(kv(t, "OCP cannot query", r.clone()));
            }
            out.push(Line::raw(""));
            // The zones come with the cluster; the servers are a part of their own.
            let mut zones = section(t, &format!("Zones ({})", d.zones.len()));
            let servers_mark = match (&d.servers, part_mark(parts, Part::Servers)) {
                (_, Some(m)) => Some(m),
                (Err(e), None) => Some(format!(" — unknown: {e}")),
                (Ok(_), None) => None,
            };
            if let Some(m) = servers_mark {
                zones.spans.push(Span::styled(
                    format!(" servers{m}"),
                    Style::default().fg(t.stale).add_modifier(Modifier::BOLD),
                ));
            }
            out.push(zones);
            let known_servers: &[crate::model::inventory::Server] =
                d.servers.as_deref().unwrap_or_default();
            for z in &d.zones {
                let servers = crate::app::detail::zone_servers(known_servers, z);
                let fold = folded.contains(&z.name);
                let mark = match (fold, ascii) {
                    (true, false) => "▸",
                    (false, false) => "▾",
                    (true, true) => "+",
                    (false, true) => "-",
                };
                out.push(Line::from(vec![
                    Span::styled(
                        format!("  {mark} {}", z.name),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(
                        format!(
                            "  idc {}  region {}  {}",
                            z.idc.as_deref().unwrap_or("—"),
                            z.region.as_deref().unwrap_or("—"),
                            z.status.as_deref().unwrap_or("")
                        ),
                        t.muted(),
                    ),
                    Span::styled(
                        if fold {
                            format!("  ({} servers folded)", servers.len())
                        } else {
                            String::new()
                        },
                        t.muted(),
                    ),
                ]));
                items.push(out.len() - 1);
                if fold {
                    continue;
                }
                for s in servers {
                    let tone = server_tone(&s.status);
                    out.push(Line::from(vec![
                        Span::styled(format!("    {} ", glyph(tone)), t.tone_style(tone)),
                        Span::raw(format!(
                            "{:<16} rpc {:<5} sql {:<5} {:<12}",
                            s.ip.as_deref().unwrap_or("?"),
                            s.rpc_port.map(|p| p.to_string()).unwrap_or_default(),
                            s.sql_port.map(|p| p.to_string()).unwrap_or_default(),
                            s.status.to_string()
                        )),
                        Span::styled(
                            if s.with_rootserver { " rootserver" } else { "" },
                            Style::default().fg(t.accent),
                        ),
                    ]));
                    items.push(out.len() - 1);
                }
            }
            out.push(Line::raw(""));
            out.push(part_section(t, "Tenants", &d.tenants, parts, Part::Tenants));
            for te in d.tenants.iter().flatten() {
                let tone = tenant_tone(&te.status);
                out.push(Line::from(vec![
                    Span::styled(format!("  {} ", glyph(tone)), t.tone_style(tone)),
                    Span::raw(format!(
                        "{:<20} {:<7} {:<10} primary zone {}",
                        te.name,
                        tenant_mode(&te.mode),
                        te.status.to_string(),
                        te.primary_zone.as_deref().unwrap_or("—")
                    )),
                ]));
                // The same items as `app::detail::items`: OCP's tenants open.
                if te.id != 0 {
                    items.push(out.len() - 1);
                }
            }
            out.push(Line::raw(""));
            task_section(
                &mut out,
                &mut items,
                t,
                ascii,
                now,
                "Tasks on this cluster",
                &d.tasks,
                parts,
            );
        }
        ViewData::HostDetail(h) => {
            out.push(section(
                t,
                &format!("Host {} (id {})", h.ip.as_deref().unwrap_or("?"), h.id),
            ));
            let tone = host_tone(&h.status);
            out.push(kv(t, "status", format!("{} {}", glyph(tone), h.status)));
            out.push(kv(t, "hostname", opt(&h.hostname)));
            out.push(kv(t, "alias", opt(&h.alias)));
            out.push(kv(t, "description", opt(&h.description)));
            out.push(kv(t, "kind", opt(&h.kind)));
            out.push(kv(
                t,
                "host type",
                format!("{} (id {})", opt(&h.type_name), opt(&h.type_id)),
            ));
            out.push(kv(
                t,
                "IDC",
                format!("{} (id {})", opt(&h.idc), opt(&h.idc_id)),
            ));
            out.push(kv(
                t,
                "region",
                format!("{} (id {})", opt(&h.region), opt(&h.region_id)),
            ));
            out.push(kv(t, "ssh port", opt(&h.ssh_port)));
            out.push(kv(t, "publish ports", opt(&h.publish_ports)));
            out.push(kv(
                t,
                "operating system",
                format!("{} ({})", opt(&h.os), opt(&h.os_release)),
            ));
            out.push(kv(t, "architecture", opt(&h.architecture)));
            out.push(kv(t, "serial number", opt(&h.serial_number)));
            out.push(kv(
                t,
                "host agent",
                format!(
                    "{} {} (id {})",
                    opt(&h.agent.version),
                    opt(&h.agent.status),
                    opt(&h.agent.id)
                ),
            ));
            out.push(kv(t, "created", opt(&h.created)));
            out.push(kv(t, "updated", opt(&h.updated)));
            out.push(Line::raw(""));
            out.push(section(t, &format!("Services ({})", h.services.len())));
            for s in &h.services {
                out.push(Line::raw(format!(
                    "  {:<14} {:<24} {}",
                    s.kind.as_ref().map_or("?", |k| k.label()),
                    s.name.as_deref().unwrap_or("?"),
                    s.version.as_deref().unwrap_or("")
                )));
                if s.kind == Some(crate::model::inventory::ServiceKind::ObCluster)
                    && s.name.is_some()
                {
                    items.push(out.len() - 1);
                }
            }
        }
        ViewData::ProxyDetail(p) => {
            out.push(section(
                t,
                &format!("OBProxy cluster {} (id {})", p.name, p.id),
            ));
            out.push(kv(t, "start mode", opt(&p.start_mode)));
            out.push(kv(
                t,
                "address",
                format!("{}:{}", opt(&p.address), opt(&p.port)),
            ));
            out.push(kv(t, "config url", opt(&p.config_url)));
            out.push(kv(t, "creator", opt(&p.creator)));
            out.push(kv(t, "created", opt(&p.created)));
            out.push(Line::raw(""));
            out.push(section(
                t,
                &format!("OBProxy servers ({})", p.proxies.len()),
            ));
            for x in &p.proxies {
                let tone = proxy_tone(&x.status);
                out.push(Line::from(vec![
                    Span::styled(format!("  {} ", glyph(tone)), t.tone_style(tone)),
                    Span::raw(format!(
                        "{:<16} sql {:<5} exporter {:<5} {:<14} {:<11} idc {}",
                        x.ip.as_deref().unwrap_or("?"),
                        opt(&x.sql_port),
                        opt(&x.exporter_port),
                        x.version.as_deref().map(short_version).unwrap_or_default(),
                        x.status.to_string(),
                        opt(&x.idc)
                    )),
                ]));
                items.push(out.len() - 1);
            }
            out.push(Line::raw(""));
            out.push(section(
                t,
                &format!("Linked OceanBase clusters ({})", p.links.len()),
            ));
            for l in &p.links {
                out.push(Line::raw(format!(
                    "  {:<20} obClusterId {:<6} user {:<10} {}",
                    opt(&l.cluster_name),
                    opt(&l.ob_cluster_id),
                    opt(&l.username),
                    opt(&l.status)
                )));
                if l.cluster_name.is_some() {
                    items.push(out.len() - 1);
                }
            }
        }
        ViewData::TenantDetail(d) => {
            let te = &d.tenant;
            out.push(section(t, &format!("Tenant {} (id {})", te.name, te.id)));
            let tone = tenant_tone(&te.status);
            out.push(kv(t, "status", format!("{} {}", glyph(tone), te.status)));
            out.push(kv(
                t,
                "cluster",
                format!("{} (id {})", opt(&te.cluster_name), opt(&te.cluster_id)),
            ));
            out.push(kv(t, "mode", tenant_mode(&te.mode)));
            out.push(kv(t, "primary zone", opt(&te.primary_zone)));
            out.push(kv(t, "locality", tenant_locality(te)));
            let flags = tenant_flags(te);
            out.push(kv(
                t,
                "flags",
                if flags.is_empty() {
                    "—".into()
                } else {
                    flags
                },
            ));
            out.push(kv(
                t,
                "unit spec",
                te.unit_spec().unwrap_or_else(|| "—".into()),
            ));
            out.push(kv(t, "units per zone", opt(&te.unit_count())));
            out.push(kv(t, "version", opt(&te.ob_version)));
            out.push(kv(t, "charset", opt(&te.charset)));
            out.push(kv(t, "created", opt(&te.created)));
            out.push(Line::raw(""));
            out.push(section(
                t,
                &format!("Zones and replicas ({})", te.zones.len()),
            ));
            for z in &te.zones {
                out.push(Line::from(vec![
                    Span::styled(
                        format!("  {}", z.name),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(
                        format!(
                            "  replica {}  pool {}  {} unit{} of {}",
                            opt(&z.replica_type),
                            opt(&z.pool),
                            opt(&z.unit_count),
                            if z.unit_count == Some(1) { "" } else { "s" },
                            z.spec
                                .as_ref()
                                .map(|s| s.label())
                                .unwrap_or_else(|| "—".into())
                        ),
                        t.muted(),
                    ),
                ]));
                for u in &z.units {
                    out.push(Line::raw(format!(
                        "    unit {:<8} on {:<22} {:<10} {}",
                        opt(&u.id),
                        opt(&u.server),
                        opt(&u.status),
                        z.spec.as_ref().map(|s| s.label()).unwrap_or_default()
                    )));
                    items.push(out.len() - 1);
                }
            }
            out.push(Line::raw(""));
            task_section(
                &mut out,
                &mut items,
                t,
                ascii,
                now,
                "Tasks on this tenant",
                &d.tasks,
                parts,
            );
        }
        _ => {}
    }
    if let Some(&l) = selected.and_then(|i| items.get(i)) {
        if let Some(line) = out.get_mut(l) {
            *line = std::mem::take(line).patch_style(Modifier::REVERSED);
        }
    }
    (out, items)
}
