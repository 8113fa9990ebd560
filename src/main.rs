fn main() -> std::process::ExitCode {
    obtui::cli::main()
}
