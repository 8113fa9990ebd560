//! What the wizards and the pollers exchange: which wizard, the data a form needs, the
//! precheck items, the one write and its outcome. Neutral: no drawing, no network.

pub mod convert;
pub mod data;
pub mod error;
pub mod precheck;
pub mod request;

pub use error::WizardError;
use precheck::PrecheckSource;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WizardKind {
    CreateCluster,
    TakeoverCluster,
    UpgradeCluster,
    TakeoverProxy,
    /// obshell: add a SINGLE agent's server to the cluster.
    ScaleOut,
}

impl WizardKind {
    pub const ALL: [WizardKind; 5] = [
        WizardKind::CreateCluster,
        WizardKind::TakeoverCluster,
        WizardKind::UpgradeCluster,
        WizardKind::TakeoverProxy,
        WizardKind::ScaleOut,
    ];

    pub fn title(&self) -> &'static str {
        match self {
            WizardKind::CreateCluster => "Create cluster",
            WizardKind::TakeoverCluster => "Take over cluster",
            WizardKind::UpgradeCluster => "Upgrade cluster",
            WizardKind::TakeoverProxy => "Take over OBProxy",
            WizardKind::ScaleOut => "Scale out cluster",
        }
    }

    /// What it acts on, as a noun before the target's name ("cluster zerg").
    pub fn target_noun(&self) -> &'static str {
        match self {
            WizardKind::CreateCluster => "new cluster",
            WizardKind::TakeoverCluster | WizardKind::UpgradeCluster | WizardKind::ScaleOut => {
                "cluster"
            }
            WizardKind::TakeoverProxy => "OBProxy cluster",
        }
    }

    /// What stands for the target's name while it is not chosen yet.
    pub fn target_missing(&self) -> &'static str {
        match self {
            WizardKind::CreateCluster => "(name not set yet)",
            WizardKind::TakeoverCluster => "(address not set yet)",
            WizardKind::UpgradeCluster => "(no cluster chosen)",
            WizardKind::TakeoverProxy => "(not chosen yet)",
            WizardKind::ScaleOut => "(the agent's cluster, loading)",
        }
    }

    /// The `:command` that opens it.
    pub fn command(&self) -> &'static str {
        match self {
            WizardKind::CreateCluster => "create",
            WizardKind::TakeoverCluster => "takeover",
            WizardKind::UpgradeCluster => "upgrade",
            WizardKind::TakeoverProxy => "proxy-takeover",
            WizardKind::ScaleOut => "scale-out",
        }
    }

    pub fn from_command(cmd: &str) -> Option<WizardKind> {
        let c = cmd.trim().trim_start_matches(':');
        WizardKind::ALL.into_iter().find(|k| k.command() == c)
    }

    pub fn precheck_source(&self) -> PrecheckSource {
        match self {
            // OCP has no OBProxy take-over precheck: that one is computed (see `proxy`).
            WizardKind::TakeoverCluster => PrecheckSource::Api,
            _ => PrecheckSource::Computed,
        }
    }

    /// The server the wizard talks to, and where the task it creates lives.
    pub fn backend(&self) -> obtui_task::Backend {
        match self {
            WizardKind::ScaleOut => obtui_task::Backend::Obshell,
            _ => obtui_task::Backend::Ocp,
        }
    }
}
