//! The terminal: raw mode and the alternate screen, restored on every way out (normal exit,
//! error, panic, SIGTERM / SIGHUP / SIGINT / SIGQUIT), and suspended on Ctrl-Z.

use crossterm::{
    event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture},
    execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};
use ratatui::Terminal;

use crate::ui::backend::LeanBackend;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

pub type Term = Terminal<LeanBackend<Stdout>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static ENHANCED: AtomicBool = AtomicBool::new(false);

/// Put the terminal into TUI mode. The returned guard restores it when dropped.
pub fn enter() -> io::Result<(Term, Guard)> {
    install_panic_hook();
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    if let Err(e) = execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    ) {
        restore();
        return Err(e);
    }
    // Key release events, where the terminal can report them (reveal-while-held passwords).
    if std::env::var_os("OBTUI_KEY_RELEASE").is_some()
        && matches!(terminal::supports_keyboard_enhancement(), Ok(true))
    {
        let _ = execute!(
            out,
            crossterm::event::PushKeyboardEnhancementFlags(
                crossterm::event::KeyboardEnhancementFlags::REPORT_EVENT_TYPES
            )
        );
        ENHANCED.store(true, Ordering::SeqCst);
    }
    let term = match Terminal::new(LeanBackend::new(io::stdout()).synchronized()) {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(e);
        }
    };
    Ok((term, Guard))
}

/// Restores the terminal on drop.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leave TUI mode. Safe to call more than once and from a panic hook.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        if ENHANCED.swap(false, Ordering::SeqCst) {
            let _ = execute!(out, crossterm::event::PopKeyboardEnhancementFlags);
        }
        let _ = execute!(
            out,
            crossterm::terminal::EndSynchronizedUpdate,
            // Frames leave their colours set (the backend carries them over): reset them
            // before the shell gets the terminal back.
            crossterm::style::SetAttribute(crossterm::style::Attribute::Reset),
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Re-enter TUI mode after a suspend.
pub fn resume(term: &mut Term) -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    term.clear()
}

/// Ctrl-Z: give the terminal back, stop the process, and take it again on `fg`.
pub fn suspend(term: &mut Term) -> io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    resume(term)
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            prev(info);
        }));
    });
}

/// Why the terminal cannot host the TUI, if it cannot.
pub fn unusable_terminal() -> Option<String> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Some("obtui needs an interactive terminal (stdin and stdout are not a TTY); for scripts use `obtui watch`".into());
    }
    match std::env::var("TERM").as_deref() {
        Ok("dumb") => Some("TERM=dumb cannot show a full-screen interface; use a terminal such as xterm-256color, or `obtui watch` for plain text".into()),
        _ => None,
    }
}
