//! The panes of the main screen.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneKind {
    Clusters,
    Hosts,
    Proxies,
    Tasks,
    Tenants,
    Alarms,
    Events,
}

impl PaneKind {
    pub const ALL: [PaneKind; 7] = [
        PaneKind::Clusters,
        PaneKind::Hosts,
        PaneKind::Proxies,
        PaneKind::Tasks,
        PaneKind::Tenants,
        PaneKind::Alarms,
        PaneKind::Events,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneKind::Clusters => "Clusters",
            PaneKind::Hosts => "Hosts",
            PaneKind::Proxies => "OBProxy",
            PaneKind::Tasks => "Tasks",
            PaneKind::Tenants => "Tenants",
            PaneKind::Alarms => "Alarms",
            PaneKind::Events => "Events",
        }
    }
}
