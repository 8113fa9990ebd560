pub mod obshell;
pub mod rig;
pub mod sim;
pub mod tmux;
