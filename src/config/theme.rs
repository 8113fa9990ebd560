//! Themes: every colour the UI uses comes from here. Built-in themes are the TOML files in
//! `themes/` compiled into the binary; a user theme of the same name in the config directory's
//! `themes/` wins. A bad theme file is a warning and the default theme, never a crash.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    #[serde(default)]
    mono: bool,
    #[serde(default)]
    colors: BTreeMap<String, String>,
    #[serde(default)]
    status: BTreeMap<String, String>,
}

/// Resolved colours. Field names match the keys of `[colors]` and `[status]` in theme files.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// No colour: emphasis by modifiers only.
    pub mono: bool,
    pub fg: Color,
    pub bg: Color,
    pub border: Color,
    pub title: Color,
    pub header_fg: Color,
    pub header_bg: Color,
    pub tab_active: Color,
    pub tab_inactive: Color,
    pub table_header: Color,
    pub selected_fg: Color,
    pub selected_bg: Color,
    pub hint_key: Color,
    pub hint_text: Color,
    pub muted: Color,
    pub accent: Color,
    pub info: Color,
    pub warn: Color,
    pub error: Color,
    pub ok: Color,
    pub badge_rw: Color,
    pub badge_ro: Color,
    pub production: Color,
    pub stale: Color,
    pub st_ok: Color,
    pub st_running: Color,
    pub st_pending: Color,
    pub st_ready: Color,
    pub st_failed: Color,
    pub st_warning: Color,
    pub st_canceling: Color,
    pub st_blocked: Color,
    pub st_unknown: Color,
    pub st_rolled_back: Color,
}

/// The kind of state a status word stands for; the UI maps every status to one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Running,
    Pending,
    Ready,
    Failed,
    Warning,
    Canceling,
    Blocked,
    /// A task that finished by rolling back: neither a success nor a failure.
    RolledBack,
    Unknown,
}

impl Theme {
    /// The built-in default theme (cannot fail: it is tested).
    pub fn builtin_default() -> Theme {
        Self::parse(BUILTIN[0].1).unwrap_or_else(|_| Self::fallback())
    }

    fn fallback() -> Theme {
        Theme {
            name: "fallback".into(),
            mono: true,
            fg: Color::Reset,
            bg: Color::Reset,
            border: Color::Reset,
            title: Color::Reset,
            header_fg: Color::Reset,
            header_bg: Color::Reset,
            tab_active: Color::Reset,
            tab_inactive: Color::Reset,
            table_header: Color::Reset,
            selected_fg: Color::Reset,
            selected_bg: Color::Reset,
            hint_key: Color::Reset,
            hint_text: Color::Reset,
            muted: Color::Reset,
            accent: Color::Reset,
            info: Color::Reset,
            warn: Color::Reset,
            error: Color::Reset,
            ok: Color::Reset,
            badge_rw: Color::Reset,
            badge_ro: Color::Reset,
            production: Color::Reset,
            stale: Color::Reset,
            st_ok: Color::Reset,
            st_running: Color::Reset,
            st_pending: Color::Reset,
            st_ready: Color::Reset,
            st_failed: Color::Reset,
            st_warning: Color::Reset,
            st_canceling: Color::Reset,
            st_blocked: Color::Reset,
            st_unknown: Color::Reset,
            st_rolled_back: Color::Reset,
        }
    }

    /// Parse a theme file. Missing keys take the default theme's value; unknown keys and bad
    /// colours are errors naming the key.
    pub fn parse(text: &str) -> Result<Theme, String> {
        let file: ThemeFile =
            toml::from_str(text).map_err(|e| obtui_api::cut_long_lines(e.to_string().trim()))?;
        let mut t = Self::fallback();
        t.name = file.name.unwrap_or_else(|| "custom".into());
        t.mono = file.mono;
        for (k, v) in &file.colors {
            let c = parse_color(v)
                .ok_or_else(|| format!("[colors] {k}: bad colour {}", obtui_api::quote_input(v)))?;
            let slot = match k.as_str() {
                "fg" => &mut t.fg,
                "bg" => &mut t.bg,
                "border" => &mut t.border,
                "title" => &mut t.title,
                "header_fg" => &mut t.header_fg,
                "header_bg" => &mut t.header_bg,
                "tab_active" => &mut t.tab_active,
                "tab_inactive" => &mut t.tab_inactive,
                "table_header" => &mut t.table_header,
                "selected_fg" => &mut t.selected_fg,
                "selected_bg" => &mut t.selected_bg,
                "hint_key" => &mut t.hint_key,
                "hint_text" => &mut t.hint_text,
                "muted" => &mut t.muted,
                "accent" => &mut t.accent,
                "info" => &mut t.info,
                "warn" => &mut t.warn,
                "error" => &mut t.error,
                "ok" => &mut t.ok,
                "badge_rw" => &mut t.badge_rw,
                "badge_ro" => &mut t.badge_ro,
                "production" => &mut t.production,
                "stale" => &mut t.stale,
                _ => {
                    return Err(format!(
                        "[colors] unknown key {}",
                        obtui_api::quote_input(k)
                    ))
                }
            };
            *slot = c;
        }
        for (k, v) in &file.status {
            let c = parse_color(v)
                .ok_or_else(|| format!("[status] {k}: bad colour {}", obtui_api::quote_input(v)))?;
            let slot = match k.as_str() {
                "ok" => &mut t.st_ok,
                "running" => &mut t.st_running,
                "pending" => &mut t.st_pending,
                "ready" => &mut t.st_ready,
                "failed" => &mut t.st_failed,
                "warning" => &mut t.st_warning,
                "canceling" => &mut t.st_canceling,
                "blocked" => &mut t.st_blocked,
                "unknown" => &mut t.st_unknown,
                "rolled_back" => &mut t.st_rolled_back,
                _ => {
                    return Err(format!(
                        "[status] unknown key {}",
                        obtui_api::quote_input(k)
                    ))
                }
            };
            *slot = c;
        }
        Ok(t)
    }

    /// Find and load a theme by name: the user's themes directory first, then the built-ins.
    /// Returns the theme and, when something was wrong, a warning to show.
    pub fn load(name: &str, user_dir: &Path) -> (Theme, Option<String>) {
        let user_file = user_dir.join(format!("{name}.toml"));
        // A file that is there but unreadable (not UTF-8, no permission, a directory) is
        // reported with its path and the reason; only a missing file falls to the built-ins.
        // A name that cannot be a file name is no user theme (and its path is not echoed).
        let plain_name = !name.is_empty() && name.len() <= 200 && !name.contains(['/', '\0']);
        let read = if plain_name {
            std::fs::read(&user_file)
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        };
        let text = match read {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Some(text),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    return (
                        Self::builtin_default(),
                        Some(format!(
                            "theme {}: not UTF-8 text (invalid byte at offset {at}); using the default theme",
                            user_file.display()
                        )),
                    );
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return (
                    Self::builtin_default(),
                    Some(format!(
                        "theme {}: cannot read: {e}; using the default theme",
                        user_file.display()
                    )),
                )
            }
        };
        if let Some(text) = text {
            return match Self::parse(&text) {
                Ok(t) => (t, None),
                Err(e) => (
                    Self::builtin_default(),
                    Some(format!(
                        "theme {}: {e}; using the default theme",
                        user_file.display()
                    )),
                ),
            };
        }
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((_, text)) => match Self::parse(text) {
                Ok(t) => (t, None),
                Err(e) => (Self::builtin_default(), Some(format!("theme {name}: {e}"))),
            },
            None => (
                Self::builtin_default(),
                Some(format!(
                    "no theme {} (built-in: default, light, mono; or {}); using the default theme",
                    obtui_api::quote_input(name),
                    user_dir.display()
                )),
            ),
        }
    }

    /// Pick the theme for this run: `NO_COLOR` forces mono; else the requested name or default.
    pub fn select(
        requested: Option<&str>,
        no_color: bool,
        user_dir: &Path,
    ) -> (Theme, Option<String>) {
        if no_color {
            return Self::load("mono", user_dir);
        }
        Self::load(requested.unwrap_or("default"), user_dir)
    }

    pub fn tone(&self, tone: Tone) -> Color {
        match tone {
            Tone::Ok => self.st_ok,
            Tone::Running => self.st_running,
            Tone::Pending => self.st_pending,
            Tone::Ready => self.st_ready,
            Tone::Failed => self.st_failed,
            Tone::Warning => self.st_warning,
            Tone::Canceling => self.st_canceling,
            Tone::Blocked => self.st_blocked,
            Tone::Unknown => self.st_unknown,
            Tone::RolledBack => self.st_rolled_back,
        }
    }

    /// The style of a status word: colour, plus modifiers so mono stays readable.
    pub fn tone_style(&self, tone: Tone) -> Style {
        let s = Style::default().fg(self.tone(tone));
        match tone {
            Tone::Failed => s.add_modifier(Modifier::BOLD),
            Tone::Running => s.add_modifier(Modifier::BOLD),
            Tone::Pending | Tone::Blocked => s.add_modifier(Modifier::DIM),
            // Italic, so mono tells it from a success by more than the glyph.
            Tone::RolledBack => s.add_modifier(Modifier::ITALIC | Modifier::BOLD),
            _ => s,
        }
    }

    pub fn base(&self) -> Style {
        Style::default().fg(self.fg).bg(self.bg)
    }

    pub fn selected(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().fg(self.selected_fg).bg(self.selected_bg)
        }
    }

    pub fn muted(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default().fg(self.muted)
        }
    }

    pub fn border(&self) -> Style {
        Style::default().fg(self.border)
    }
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    Ansi16,
    Ansi256,
    TrueColor,
}

impl ColorDepth {
    /// From `COLORTERM` (`truecolor` / `24bit`) and `TERM` (`*-256color`); 16 otherwise.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        let ct = colorterm.unwrap_or("").to_ascii_lowercase();
        if ct.contains("truecolor") || ct.contains("24bit") {
            return ColorDepth::TrueColor;
        }
        let t = term.unwrap_or("").to_ascii_lowercase();
        if t.contains("256") || t.contains("direct") || t.contains("truecolor") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }

    pub fn from_env() -> ColorDepth {
        Self::detect(
            std::env::var("COLORTERM").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        )
    }
}

const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

fn rgb_of_index(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[i as usize].1,
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

fn nearest16(rgb: (u8, u8, u8)) -> Color {
    let d = |a: (u8, u8, u8)| {
        let (x, y, z) = (
            a.0 as i32 - rgb.0 as i32,
            a.1 as i32 - rgb.1 as i32,
            a.2 as i32 - rgb.2 as i32,
        );
        x * x + y * y + z * z
    };
    ANSI16
        .iter()
        .min_by_key(|(_, c)| d(*c))
        .map(|(c, _)| *c)
        .unwrap_or(Color::Reset)
}

fn nearest256(rgb: (u8, u8, u8)) -> Color {
    let step = |v: u8| -> u8 {
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            (v - 35) / 40
        }
    };
    Color::Indexed(16 + 36 * step(rgb.0) + 6 * step(rgb.1) + step(rgb.2))
}

/// A colour the terminal can show at `depth`.
pub fn degrade(c: Color, depth: ColorDepth) -> Color {
    match (c, depth) {
        (_, ColorDepth::TrueColor) => c,
        (Color::Rgb(r, g, b), ColorDepth::Ansi256) => nearest256((r, g, b)),
        (Color::Rgb(r, g, b), ColorDepth::Ansi16) => nearest16((r, g, b)),
        (Color::Indexed(i), ColorDepth::Ansi16) if i > 15 => nearest16(rgb_of_index(i)),
        _ => c,
    }
}

impl Theme {
    /// Every colour of the theme, degraded to what the terminal can show.
    pub fn degraded(mut self, depth: ColorDepth) -> Theme {
        for c in [
            &mut self.fg,
            &mut self.bg,
            &mut self.border,
            &mut self.title,
            &mut self.header_fg,
            &mut self.header_bg,
            &mut self.tab_active,
            &mut self.tab_inactive,
            &mut self.table_header,
            &mut self.selected_fg,
            &mut self.selected_bg,
            &mut self.hint_key,
            &mut self.hint_text,
            &mut self.muted,
            &mut self.accent,
            &mut self.info,
            &mut self.warn,
            &mut self.error,
            &mut self.ok,
            &mut self.badge_rw,
            &mut self.badge_ro,
            &mut self.production,
            &mut self.stale,
            &mut self.st_ok,
            &mut self.st_running,
            &mut self.st_pending,
            &mut self.st_ready,
            &mut self.st_failed,
            &mut self.st_warning,
            &mut self.st_canceling,
            &mut self.st_blocked,
            &mut self.st_unknown,
            &mut self.st_rolled_back,
        ] {
            *c = degrade(*c, depth);
        }
        self
    }
}

/// Parse a colour name, `#rrggbb` or an index.
pub fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    if let Ok(i) = s.parse::<u8>() {
        return Some(Color::Indexed(i));
    }
    Some(
        match s.to_ascii_lowercase().replace(['_', '-', ' '], "").as_str() {
            "reset" | "default" => Color::Reset,
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" | "grey" => Color::Gray,
            "darkgray" | "darkgrey" => Color::DarkGray,
            "lightred" => Color::LightRed,
            "lightgreen" => Color::LightGreen,
            "lightyellow" => Color::LightYellow,
            "lightblue" => Color::LightBlue,
            "lightmagenta" => Color::LightMagenta,
            "lightcyan" => Color::LightCyan,
            "white" => Color::White,
            _ => return None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_sets_every_key() {
        for (name, text) in BUILTIN {
            let t = Theme::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&t.name, name);
            // Every key is spelled out, so a typo in a built-in cannot silently fall back.
            let keys = text.lines().filter(|l| l.contains(" = \"")).count();
            assert!(keys >= 32, "{name} sets only {keys} keys");
        }
        assert!(Theme::parse(BUILTIN[2].1).unwrap().mono);
    }

    #[test]
    fn bad_theme_falls_back_with_a_warning() {
        let dir = std::env::temp_dir().join(format!("obtui-theme-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("broken.toml"), "[colors]\nfg = \"chartreuse\"\n").unwrap();
        let (t, w) = Theme::load("broken", &dir);
        assert_eq!(t.name, "default");
        let w = w.unwrap();
        assert!(w.contains("chartreuse"), "{w}");
        let (t, w) = Theme::load("nonexistent", &dir);
        assert_eq!(t.name, "default");
        assert!(w.unwrap().contains("no theme"));
        std::fs::write(
            dir.join("mine.toml"),
            "name = \"mine\"\n[colors]\nerror = \"#ff0000\"\n",
        )
        .unwrap();
        let (t, w) = Theme::load("mine", &dir);
        assert!(w.is_none());
        assert_eq!(t.error, Color::Rgb(255, 0, 0));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn no_color_forces_mono() {
        let (t, _) = Theme::select(Some("light"), true, Path::new("/nonexistent"));
        assert!(t.mono);
    }

    #[test]
    fn depth_detection_and_degrading() {
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm")),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(None, Some("xterm-256color")),
            ColorDepth::Ansi256
        );
        assert_eq!(ColorDepth::detect(None, Some("screen")), ColorDepth::Ansi16);
        assert_eq!(
            degrade(Color::Rgb(255, 0, 0), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(
            degrade(Color::Rgb(255, 0, 0), ColorDepth::Ansi256),
            Color::Indexed(196)
        );
        assert_eq!(
            degrade(Color::Rgb(1, 2, 3), ColorDepth::TrueColor),
            Color::Rgb(1, 2, 3)
        );
        assert_eq!(
            degrade(Color::Indexed(196), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(degrade(Color::Green, ColorDepth::Ansi16), Color::Green);
        let light = Theme::parse(BUILTIN[1].1)
            .unwrap()
            .degraded(ColorDepth::Ansi16);
        for c in [light.warn, light.ok, light.st_ok] {
            assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
        }
    }

    #[test]
    fn colours() {
        assert_eq!(parse_color("DarkGray"), Some(Color::DarkGray));
        assert_eq!(parse_color("#0a0B0c"), Some(Color::Rgb(10, 11, 12)));
        assert_eq!(parse_color("208"), Some(Color::Indexed(208)));
        assert_eq!(parse_color("#12345"), None);
        assert_eq!(parse_color("#ééé"), None);
    }
}
