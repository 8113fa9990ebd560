pub mod obshell;
pub mod rig;
pub mod sim;
pub mod tmux;

/// A resolved profile for an in-process session: user `admin` at `url`, nothing else set.
pub fn resolved(
    profile: &str,
    url: String,
    refresh: std::time::Duration,
) -> obtui::config::profile::Resolved {
    obtui::config::profile::Resolved {
        profile_name: profile.into(),
        url,
        user: "admin".into(),
        read_only: false,
        theme: None,
        refresh,
        production: false,
        password_command: None,
        plaintext_password: None,
        ca_cert: None,
        insecure: false,
        obshell_url: None,
        obshell_password_command: None,
        obshell_password_kind: Default::default(),
        access_key_id: None,
        access_key_secret_command: None,
    }
}
