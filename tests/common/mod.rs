pub mod sim;
pub mod tmux;
