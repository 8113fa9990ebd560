//! The input modes that take the keys before the screen does: the table filter (`/`), command
//! mode (`:`), the help overlay (`?`) and the masked password prompt. Each is a small component
//! with its own key handling through the action registry: its control keys are actions of its
//! own scope (rebindable in `[keys]`), anything else is text typed into it. They return what
//! happened; the app carries it out.

use super::actions::{Action, Keymap, Scope};
use super::command::{complete_line, Names};
use crossterm::event::{Event, KeyEvent, KeyModifiers};
use obtui_api::secret::Secret;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// The registry action of `k` in `scope` (or Ctrl-Z, which works everywhere).
fn action(km: &Keymap, scope: Scope, k: &KeyEvent) -> Option<Action> {
    km.lookup_event(&[scope, Scope::Always], k)
}

/// What a mode did with a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    /// Still in the mode.
    Stay,
    /// The mode is over; `T` says how.
    Done(T),
    /// A registry action for the app (Ctrl-Z).
    App(Action),
}

/// Typing a table filter: every key edits it live; the filter stays after Enter.
#[derive(Debug, Clone, Default)]
pub struct FilterInput {
    pub input: Input,
}

/// How a filter ends.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterEnd {
    Keep,
    Clear,
}

impl FilterInput {
    pub fn new(current: &str) -> FilterInput {
        FilterInput {
            input: Input::new(current.to_string()),
        }
    }

    /// The filter text (control characters dropped).
    pub fn value(&self) -> String {
        self.input
            .value()
            .chars()
            .filter(|c| !c.is_control())
            .collect()
    }

    pub fn on_key(&mut self, km: &Keymap, k: KeyEvent) -> Outcome<FilterEnd> {
        match action(km, Scope::Filter, &k) {
            Some(Action::FilterApply) => Outcome::Done(FilterEnd::Keep),
            Some(Action::FilterClear) => Outcome::Done(FilterEnd::Clear),
            Some(a) => Outcome::App(a),
            None => {
                self.input.handle_event(&Event::Key(k));
                Outcome::Stay
            }
        }
    }

    pub fn paste(&mut self, line: &str) {
        self.input = Input::new(format!("{}{}", self.input.value(), line));
    }
}

/// Command mode: `:` then a command and its argument. Tab completes the command from the
/// registry's list, then the name or id its argument takes (from [`Names`]); repeated Tab
/// cycles through the matches of what was typed. Up / Down walk this session's history.
#[derive(Debug, Clone, Default)]
pub struct CommandInput {
    pub input: Input,
    /// The names arguments complete from, as the app knew them when command mode opened.
    pub names: Names,
    /// What was typed before the first Tab of a run of Tabs, and the match shown now.
    cycle: Option<(String, usize)>,
    /// The commands run before, oldest first, and which one is shown (`None`: the line
    /// being typed, kept in `draft`).
    history: Vec<String>,
    at: Option<usize>,
    draft: String,
}

impl CommandInput {
    /// Command mode with the names arguments complete from and this session's history.
    pub fn new(names: Names, history: Vec<String>) -> CommandInput {
        CommandInput {
            names,
            history,
            ..CommandInput::default()
        }
    }

    /// The completions of what was typed (before a run of Tabs began).
    pub fn matches(&self) -> Vec<String> {
        let stem = self
            .cycle
            .as_ref()
            .map_or(self.input.value(), |(s, _)| s.as_str());
        complete_line(stem, &self.names)
    }

    fn step_completion(&mut self, forward: bool) {
        let stem = match &self.cycle {
            Some((s, _)) => s.clone(),
            None => self.input.value().to_string(),
        };
        let matches = complete_line(&stem, &self.names);
        if matches.is_empty() {
            return;
        }
        let n = matches.len();
        let i = match &self.cycle {
            None if forward => 0,
            None => n - 1,
            Some((_, i)) if forward => (i + 1) % n,
            Some((_, i)) => (i + n - 1) % n,
        };
        self.input = Input::new(matches[i].clone());
        self.cycle = Some((stem, i));
    }

    fn step_history(&mut self, back: bool) {
        if self.history.is_empty() {
            return;
        }
        let last = self.history.len() - 1;
        self.at = match (self.at, back) {
            (None, true) => {
                self.draft = self.input.value().to_string();
                Some(last)
            }
            (None, false) => None,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i >= last => None,
            (Some(i), false) => Some(i + 1),
        };
        let text = match self.at {
            Some(i) => self.history[i].clone(),
            None => self.draft.clone(),
        };
        self.input = Input::new(text);
        self.cycle = None;
    }

    /// `Done(Some(cmd))` runs it; `Done(None)` leaves command mode.
    pub fn on_key(&mut self, km: &Keymap, k: KeyEvent) -> Outcome<Option<String>> {
        match action(km, Scope::Command, &k) {
            Some(Action::CommandRun) => Outcome::Done(Some(self.input.value().trim().to_string())),
            Some(Action::CommandCancel) => Outcome::Done(None),
            Some(Action::CommandComplete) => {
                self.step_completion(true);
                Outcome::Stay
            }
            Some(Action::CommandCompletePrev) => {
                self.step_completion(false);
                Outcome::Stay
            }
            Some(Action::CommandHistoryPrev) => {
                self.step_history(true);
                Outcome::Stay
            }
            Some(Action::CommandHistoryNext) => {
                self.step_history(false);
                Outcome::Stay
            }
            Some(a) => Outcome::App(a),
            None => {
                self.input.handle_event(&Event::Key(k));
                self.cycle = None;
                Outcome::Stay
            }
        }
    }

    pub fn paste(&mut self, line: &str) {
        self.input = Input::new(format!("{}{}", self.input.value(), line));
        self.cycle = None;
    }
}

/// The help overlay: scrolls, and closes on its close keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelpOverlay {
    pub scroll: u16,
    /// The last line it may scroll to (drawing clamps further to the window).
    pub max: u16,
}

impl HelpOverlay {
    pub fn new(lines: usize) -> HelpOverlay {
        HelpOverlay {
            scroll: 0,
            max: lines.min(u16::MAX as usize) as u16,
        }
    }

    /// `Done(())` closes it: its close keys, and any key that is no help action.
    pub fn on_key(&mut self, km: &Keymap, k: KeyEvent) -> Outcome<()> {
        let Some(a) = action(km, Scope::Help, &k) else {
            return Outcome::Done(());
        };
        match a {
            Action::HelpUp => self.scroll = self.scroll.saturating_sub(1),
            Action::HelpDown => self.scroll = self.scroll.saturating_add(1).min(self.max),
            Action::HelpPageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::HelpPageDown => self.scroll = self.scroll.saturating_add(10).min(self.max),
            Action::HelpClose => return Outcome::Done(()),
            other => return Outcome::App(other),
        }
        Outcome::Stay
    }
}

/// The masked password prompt (log in again, or a profile without password_command).
#[derive(Debug, Clone)]
pub struct PasswordPrompt {
    pub prompt: String,
    pub input: Secret,
}

/// The longest password accepted.
const MAX_PASSWORD: usize = 256;

impl PasswordPrompt {
    pub fn new(prompt: &str) -> PasswordPrompt {
        PasswordPrompt {
            prompt: prompt.to_string(),
            input: Secret::default(),
        }
    }

    /// `Done(Some(pw))` logs in; `Done(None)` cancels.
    pub fn on_key(&mut self, km: &Keymap, k: KeyEvent) -> Outcome<Option<Secret>> {
        match action(km, Scope::Password, &k) {
            Some(Action::PasswordSubmit) => Outcome::Done(Some(std::mem::take(&mut self.input))),
            Some(Action::PasswordCancel) => {
                self.input = Secret::default();
                Outcome::Done(None)
            }
            Some(a) => Outcome::App(a),
            None => {
                use crossterm::event::KeyCode;
                match k.code {
                    KeyCode::Backspace => {
                        let mut s = zeroize::Zeroizing::new(self.input.expose().to_string());
                        s.pop();
                        self.input = Secret::new(s.as_str());
                    }
                    KeyCode::Char(c)
                        if !k.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() =>
                    {
                        let mut s = zeroize::Zeroizing::new(self.input.expose().to_string());
                        if s.chars().count() < MAX_PASSWORD {
                            s.push(c);
                        }
                        self.input = Secret::new(s.as_str());
                    }
                    _ => {}
                }
                Outcome::Stay
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyCode;
    use std::collections::BTreeMap;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn filter_types_keeps_and_clears() {
        let km = Keymap::defaults();
        let mut f = FilterInput::new("ab");
        assert_eq!(f.on_key(&km, key(KeyCode::Char('c'))), Outcome::Stay);
        assert_eq!(f.value(), "abc");
        assert_eq!(
            f.on_key(&km, key(KeyCode::Enter)),
            Outcome::Done(FilterEnd::Keep)
        );
        assert_eq!(
            f.on_key(&km, key(KeyCode::Esc)),
            Outcome::Done(FilterEnd::Clear)
        );
        let z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
        assert_eq!(f.on_key(&km, z), Outcome::App(Action::Suspend));
    }

    #[test]
    fn command_completes_from_the_registry_and_runs() {
        let km = Keymap::defaults();
        let mut c = CommandInput::default();
        for ch in "sca".chars() {
            c.on_key(&km, key(KeyCode::Char(ch)));
        }
        assert_eq!(c.on_key(&km, key(KeyCode::Tab)), Outcome::Stay);
        assert_eq!(c.input.value(), "scale-out");
        assert_eq!(
            c.on_key(&km, key(KeyCode::Enter)),
            Outcome::Done(Some("scale-out".into()))
        );
        assert_eq!(c.on_key(&km, key(KeyCode::Esc)), Outcome::Done(None));
    }

    #[test]
    fn help_scrolls_within_bounds_and_closes_on_its_keys_only() {
        let km = Keymap::defaults();
        let mut h = HelpOverlay::new(3);
        for _ in 0..5 {
            h.on_key(&km, key(KeyCode::Char('j')));
        }
        assert_eq!(h.scroll, 3);
        h.on_key(&km, key(KeyCode::PageUp));
        assert_eq!(h.scroll, 0);
        assert_eq!(h.on_key(&km, key(KeyCode::Char('x'))), Outcome::Done(()));
        assert_eq!(h.on_key(&km, key(KeyCode::Char('q'))), Outcome::Done(()));
        // Rebound scrolling: the new key scrolls, the old one now closes.
        let mut o = BTreeMap::new();
        o.insert("help_down".to_string(), "ctrl-n".to_string());
        let (km, w) = Keymap::with_overrides(&o);
        assert!(w.is_empty(), "{w:?}");
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(h.on_key(&km, ctrl_n), Outcome::Stay);
        assert_eq!(h.scroll, 1);
        assert_eq!(h.on_key(&km, key(KeyCode::Char('j'))), Outcome::Done(()));
    }

    #[test]
    fn password_is_masked_text_until_submit() {
        let km = Keymap::defaults();
        let mut p = PasswordPrompt::new("pw");
        for ch in "se?q".chars() {
            assert_eq!(p.on_key(&km, key(KeyCode::Char(ch))), Outcome::Stay);
        }
        p.on_key(&km, key(KeyCode::Backspace));
        match p.on_key(&km, key(KeyCode::Enter)) {
            Outcome::Done(Some(s)) => assert_eq!(s.expose(), "se?"),
            other => panic!("{other:?}"),
        }
        p.on_key(&km, key(KeyCode::Char('a')));
        assert!(matches!(
            p.on_key(&km, key(KeyCode::Esc)),
            Outcome::Done(None)
        ));
        assert!(p.input.is_empty());
    }
}
