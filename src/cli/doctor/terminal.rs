//! The terminal's checks: TERM, colours, the locale, the size, synchronized output and SGR
//! mouse reports (asked of the terminal itself with DECRQM when it is interactive), and the
//! multiplexer around it. [`Probe`] gathers what is known; [`checks`] judges it, so the verdicts
//! are tested without a terminal.

use super::{Check, Status};
use std::time::Duration;

const S: &str = "terminal";
/// The smallest screen every pane lays out on.
pub const MIN_COLS: u16 = 80;
pub const MIN_ROWS: u16 = 24;

/// A DECRQM answer: whether the terminal knows the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Known (set or reset: obtui switches it as it needs).
    Supported,
    /// The terminal said it does not know the mode (or it is permanently off).
    Unsupported,
    /// The terminal answered the query that follows but not this one.
    NoAnswer,
}

/// What is known about the terminal obtui would run in.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    /// `(name, value)` of the variables read: TERM, COLORTERM, LANG, LC_ALL, LC_CTYPE, TMUX,
    /// STY, TERM_PROGRAM, SSH_TTY.
    pub env: Vec<(String, String)>,
    /// stdin and stdout are a terminal.
    pub interactive: bool,
    /// Columns and rows, when known.
    pub size: Option<(u16, u16)>,
    /// DECRQM 2026 (synchronized output), when asked.
    pub sync: Option<Mode>,
    /// DECRQM 1006 (SGR mouse reports), when asked.
    pub mouse: Option<Mode>,
    /// The terminal was asked and did not answer in time (its reader may still be waiting,
    /// so nothing is read from the terminal after this).
    pub silent: bool,
}

impl Probe {
    fn var(&self, k: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// This process's terminal, asked when it is interactive.
    pub fn from_process() -> Probe {
        use std::io::IsTerminal;
        let env = [
            "TERM",
            "COLORTERM",
            "LANG",
            "LC_ALL",
            "LC_CTYPE",
            "TMUX",
            "STY",
            "TERM_PROGRAM",
            "SSH_TTY",
        ]
        .iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
        .collect();
        let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
        let mut p = Probe {
            env,
            interactive,
            // Off a terminal the size is a guess (80x24): not worth judging.
            size: if interactive {
                crossterm::terminal::size()
                    .ok()
                    .filter(|&(c, r)| c > 0 && r > 0)
            } else {
                None
            },
            ..Probe::default()
        };
        if interactive && p.var("TERM") != Some("dumb") {
            match ask_modes(Duration::from_millis(1500)) {
                Some(reply) => {
                    p.sync = Some(decrqm(&reply, 2026));
                    p.mouse = Some(decrqm(&reply, 1006));
                }
                None => p.silent = true,
            }
        }
        p
    }
}

/// Ask DECRQM for modes 2026 and 1006, then DA1, which every terminal answers: once the DA1
/// reply is in, any DECRQM reply that is coming has come. `None` when nothing answered in time.
fn ask_modes(wait: Duration) -> Option<Vec<u8>> {
    use std::io::{Read, Write};
    crossterm::terminal::enable_raw_mode().ok()?;
    let mut out = std::io::stdout();
    let sent = out
        .write_all(b"\x1b[?2026$p\x1b[?1006$p\x1b[c")
        .and_then(|()| out.flush());
    if sent.is_err() {
        let _ = crossterm::terminal::disable_raw_mode();
        return None;
    }
    // A reader thread that stops at the DA1 reply. A terminal that never answers leaves it
    // blocked until the process ends; doctor then prompts for nothing ([`Probe::silent`]).
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        let mut seen = Vec::new();
        let mut stdin = std::io::stdin();
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if tx.send(buf[..n].to_vec()).is_err() || da1_seen(&seen) {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + wait;
    let mut got = Vec::new();
    let answered = loop {
        if da1_seen(&got) {
            break true;
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break false;
        }
        match rx.recv_timeout(left) {
            Ok(bytes) => got.extend(bytes),
            Err(_) => break false,
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    answered.then_some(got)
}

/// A primary device attributes reply: `ESC [ ? … c`.
fn da1_seen(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(start) = find(&b[i..], b"\x1b[?").map(|p| p + i) {
        let rest = &b[start + 3..];
        let end = rest
            .iter()
            .position(|&c| !(c.is_ascii_digit() || c == b';'));
        if let Some(e) = end {
            if rest[e] == b'c' {
                return true;
            }
        }
        i = start + 3;
    }
    false
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The DECRQM reply for `mode` in what the terminal sent: `ESC [ ? mode ; Ps $ y`.
pub fn decrqm(reply: &[u8], mode: u16) -> Mode {
    let head = format!("\x1b[?{mode};");
    let Some(at) = find(reply, head.as_bytes()) else {
        return Mode::NoAnswer;
    };
    let rest = &reply[at + head.len()..];
    let digits: String = rest
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .map(|&c| c as char)
        .collect();
    if !rest[digits.len()..].starts_with(b"$y") {
        return Mode::NoAnswer;
    }
    match digits.as_str() {
        // 1 set, 2 reset, 3 permanently set.
        "1" | "2" | "3" => Mode::Supported,
        // 0 not recognised, 4 permanently reset.
        _ => Mode::Unsupported,
    }
}

/// The verdicts on a probe.
pub fn checks(p: &Probe) -> Vec<Check> {
    let mut v = Vec::new();
    if !p.interactive {
        v.push(
            Check::new(
                S,
                "interactive",
                Status::Warn,
                "stdin or stdout is not a terminal: the checks below read the environment only",
            )
            .fix("run `obtui doctor` in the terminal you will run obtui in"),
        );
    }
    // TERM.
    match p.var("TERM") {
        None => v.push(
            Check::new(S, "TERM", Status::Fail, "not set")
                .fix("export TERM=xterm-256color (or your terminal's own type)"),
        ),
        Some("dumb") => v.push(
            Check::new(S, "TERM", Status::Fail, "dumb: no full-screen interface").fix(
                "export TERM=xterm-256color; for scripts use `obtui watch` / `obtui task show`",
            ),
        ),
        Some(t) => v.push(Check::new(S, "TERM", Status::Pass, t.to_string())),
    }
    // Colours.
    let term = p.var("TERM").unwrap_or("");
    let colorterm = p.var("COLORTERM").unwrap_or("");
    if colorterm.contains("truecolor") || colorterm.contains("24bit") {
        v.push(Check::new(
            S,
            "colours",
            Status::Pass,
            format!("24-bit (COLORTERM={colorterm})"),
        ));
    } else if term.contains("256color") || term.contains("direct") || term == "xterm-kitty" {
        v.push(Check::new(
            S,
            "colours",
            Status::Pass,
            format!("256 colours ({term})"),
        ));
    } else if !term.is_empty() && term != "dumb" {
        v.push(
            Check::new(S, "colours", Status::Warn, format!("{term} promises 8 or 16 colours: statuses lose their shades"))
                .fix("export TERM=xterm-256color (tmux: set -g default-terminal tmux-256color), or --theme mono"),
        );
    }
    // Locale.
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| p.var(k).map(|val| (*k, val)));
    match locale {
        Some((k, val))
            if val.to_ascii_lowercase().contains("utf-8")
                || val.to_ascii_lowercase().contains("utf8") =>
        {
            v.push(Check::new(
                S,
                "UTF-8 locale",
                Status::Pass,
                format!("{k}={val}"),
            ));
        }
        Some((k, val)) => v.push(
            Check::new(
                S,
                "UTF-8 locale",
                Status::Warn,
                format!("{k}={val}: obtui draws ASCII glyphs and borders"),
            )
            .fix("export LANG=C.UTF-8 (or en_US.UTF-8; `locale -a` lists what is installed)"),
        ),
        None => v.push(Check::new(
            S,
            "UTF-8 locale",
            Status::Pass,
            "no locale set: UTF-8 assumed",
        )),
    }
    // Size.
    match p.size {
        Some((c, r)) if c >= MIN_COLS && r >= MIN_ROWS => {
            v.push(Check::new(S, "size", Status::Pass, format!("{c}x{r}")));
        }
        Some((c, r)) => v.push(
            Check::new(
                S,
                "size",
                Status::Warn,
                format!("{c}x{r}: smaller than {MIN_COLS}x{MIN_ROWS}, columns and details are cut"),
            )
            .fix("enlarge the window, or zoom the tmux pane (prefix z)"),
        ),
        None => v.push(Check::new(
            S,
            "size",
            Status::Skip,
            "unknown (not a terminal)",
        )),
    }
    // Synchronized output and mouse, as the terminal itself says.
    let unasked = |name: &str| -> Check {
        if p.silent {
            Check::new(
                S,
                name,
                Status::Skip,
                "the terminal answered no query in 1.5 s",
            )
        } else {
            Check::new(
                S,
                name,
                Status::Skip,
                "not asked (not an interactive terminal)",
            )
        }
    };
    let sync_fix = "a terminal with it (kitty, WezTerm, foot, iTerm2, Windows Terminal, tmux 3.4+)";
    v.push(match p.sync {
        Some(Mode::Supported) => Check::new(
            S,
            "sync output",
            Status::Pass,
            "supported: frames appear whole",
        ),
        Some(Mode::Unsupported) => Check::new(
            S,
            "sync output",
            Status::Warn,
            "not supported: frames may tear over slow links",
        )
        .fix(sync_fix),
        Some(Mode::NoAnswer) => Check::new(
            S,
            "sync output",
            Status::Warn,
            "unknown (no DECRQM answer): frames may tear over slow links",
        )
        .fix(sync_fix),
        None => unasked("sync output"),
    });
    // Nearly every terminal reports SGR mouse; one that does not answer DECRQM most likely does
    // too (tmux before 3.4), and every action has a key anyway.
    v.push(match p.mouse {
        Some(Mode::Supported) => {
            Check::new(S, "mouse", Status::Pass, "SGR mouse reports supported")
        }
        Some(Mode::Unsupported) => Check::new(
            S,
            "mouse",
            Status::Warn,
            "no SGR mouse reports: clicks and the wheel may not reach obtui",
        )
        .fix(
            "every action has a key (? lists them); an xterm-compatible terminal reports the mouse",
        ),
        Some(Mode::NoAnswer) => Check::new(
            S,
            "mouse",
            Status::Pass,
            "not confirmed (no DECRQM answer); every action has a key",
        ),
        None => unasked("mouse"),
    });
    // The multiplexer.
    if p.var("TMUX").is_some() {
        v.push(Check::new(
            S,
            "multiplexer",
            Status::Pass,
            "inside tmux (for copy with y: set -g set-clipboard on)",
        ));
    } else if p.var("STY").is_some() {
        v.push(
            Check::new(S, "multiplexer", Status::Warn, "inside GNU screen: no synchronized output, copy (OSC 52) is dropped")
                .fix("tmux passes both through; in screen, `term screen-256color` at least keeps the colours"),
        );
    } else {
        v.push(Check::new(S, "multiplexer", Status::Pass, "none"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(env: &[(&str, &str)]) -> Probe {
        Probe {
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            interactive: true,
            size: Some((120, 40)),
            sync: Some(Mode::Supported),
            mouse: Some(Mode::Supported),
            silent: false,
        }
    }

    fn status(cs: &[Check], name: &str) -> Status {
        cs.iter()
            .find(|c| c.name == name)
            .map(|c| c.status)
            .unwrap()
    }

    #[test]
    fn decrqm_replies_are_read() {
        let r = b"\x1b[?2026;2$y\x1b[?1006;0$y\x1b[?62;22c";
        assert_eq!(decrqm(r, 2026), Mode::Supported);
        assert_eq!(decrqm(r, 1006), Mode::Unsupported);
        assert_eq!(decrqm(b"\x1b[?1;2c", 2026), Mode::NoAnswer);
        assert_eq!(decrqm(b"\x1b[?2026;1", 2026), Mode::NoAnswer, "cut short");
        assert!(da1_seen(r));
        assert!(da1_seen(b"\x1b[?2026;2$y\x1b[?1;2c"));
        assert!(!da1_seen(b"\x1b[?2026;2$y"));
    }

    #[test]
    fn a_good_terminal_passes_everything() {
        let cs = checks(&probe(&[
            ("TERM", "xterm-256color"),
            ("LANG", "en_US.UTF-8"),
        ]));
        assert!(cs.iter().all(|c| c.status == Status::Pass), "{cs:#?}");
    }

    #[test]
    fn dumb_or_missing_term_fails_with_a_fix() {
        for env in [&[("TERM", "dumb")][..], &[][..]] {
            let cs = checks(&probe(env));
            let t = cs.iter().find(|c| c.name == "TERM").unwrap();
            assert_eq!(t.status, Status::Fail);
            assert!(t.fix.as_deref().unwrap().contains("xterm-256color"));
        }
    }

    #[test]
    fn weak_terminals_warn() {
        let mut p = probe(&[("TERM", "xterm"), ("LC_ALL", "C"), ("STY", "1.pts")]);
        p.size = Some((70, 20));
        p.sync = Some(Mode::NoAnswer);
        let cs = checks(&p);
        for name in [
            "colours",
            "UTF-8 locale",
            "size",
            "sync output",
            "multiplexer",
        ] {
            assert_eq!(status(&cs, name), Status::Warn, "{name}: {cs:#?}");
        }
        assert_eq!(status(&cs, "mouse"), Status::Pass);
        p.mouse = Some(Mode::Unsupported);
        assert_eq!(status(&checks(&p), "mouse"), Status::Warn);
        // LC_ALL wins over LANG, as in the C library.
        let cs = checks(&probe(&[
            ("TERM", "xterm-256color"),
            ("LC_ALL", "C"),
            ("LANG", "C.UTF-8"),
        ]));
        assert_eq!(status(&cs, "UTF-8 locale"), Status::Warn);
    }

    #[test]
    fn not_a_terminal_is_said_and_nothing_is_asked() {
        let mut p = probe(&[("TERM", "xterm-256color")]);
        p.interactive = false;
        p.sync = None;
        p.mouse = None;
        p.size = None;
        let cs = checks(&p);
        assert_eq!(status(&cs, "interactive"), Status::Warn);
        assert_eq!(status(&cs, "sync output"), Status::Skip);
        assert_eq!(status(&cs, "size"), Status::Skip);
    }
}
