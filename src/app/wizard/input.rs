//! Keys and pasted text: the form editor, select lists, groups, and the keys of the precheck,
//! summary and confirmation steps.

use super::*;
use crate::app::actions::{Action, Keymap, Scope};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

impl Wizard {
    // ----- input -----

    pub(super) fn hide_reveal(&mut self) {
        for f in &mut self.fields {
            if let FieldKind::Password { reveal } = &mut f.kind {
                *reveal = false;
            }
        }
    }

    /// The registry scopes active now, most specific first: the discard prompt, the submit
    /// confirmation and the select popup are modal; a step adds its own to the wizard's.
    pub fn scopes(&self) -> Vec<Scope> {
        use Scope::*;
        if self.discard_prompt {
            return vec![WizardDiscard, Always];
        }
        if self.confirm.is_some() {
            return vec![WizardConfirm, Always];
        }
        if self.popup.is_some() {
            return vec![WizardPopup, Always];
        }
        match self.current_step().kind {
            StepKind::Form(_) => vec![WizardForm, Wizard, Always],
            StepKind::Precheck => vec![WizardPrecheck, WizardStep, Wizard, Always],
            StepKind::Summary => vec![WizardSummary, WizardStep, Wizard, Always],
        }
    }

    /// Keys, with the default key map. Returns what the app must do.
    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<WizardEffect> {
        self.handle_key_with(key, Keymap::shared_defaults())
    }

    /// Keys: text typed into a field goes to the field; every other key is looked up in the
    /// action registry (`km`, the live key map). Returns what the app must do.
    pub fn handle_key_with(&mut self, key: KeyEvent, km: &Keymap) -> Vec<WizardEffect> {
        let action = km.lookup_event(&self.scopes(), &key);
        let reveal_key = action == Some(Action::WizardReveal);
        if key.kind == KeyEventKind::Release {
            if reveal_key {
                self.hide_reveal();
            }
            return Vec::new();
        }
        if !reveal_key {
            self.hide_reveal();
        }
        // Help and command mode (`:login` after a 401) work on every step, unless the key is
        // text for the focused field; the form is kept as it is.
        if let Some(a @ (Action::WizardHelp | Action::WizardCommand)) = action {
            if !self.key_edits_focus(&key) {
                return vec![WizardEffect::App(a)];
            }
        }
        match &self.submit {
            SubmitState::InFlight | SubmitState::Searching | SubmitState::Done(_) => {
                return Vec::new()
            }
            // Outcome unknown: `r` looks again; Enter never sends a second write (do_submit
            // and open_confirm refuse); the other keys work as usual, every field kept.
            SubmitState::Unknown(_)
                if key.code == crossterm::event::KeyCode::Char('r') && key.modifiers.is_empty() =>
            {
                return self.look_again();
            }
            _ => {}
        }
        if self.discard_prompt {
            match action {
                Some(Action::DiscardYes) => {
                    self.discard_prompt = false;
                    return self.close();
                }
                Some(Action::DiscardNo) => self.discard_prompt = false,
                _ => {}
            }
            return Vec::new();
        }
        if self.confirm.is_some() {
            return self.confirm_key(key, action);
        }
        if self.popup.is_some() {
            self.popup_key(key, action);
            return Vec::new();
        }
        match self.current_step().kind.clone() {
            StepKind::Form(_) => self.form_key(key, action),
            StepKind::Precheck => self.precheck_key(action),
            StepKind::Summary => self.summary_key(action),
        }
    }

    /// The keys every step shares (the `Wizard` scope).
    fn common_action(&mut self, a: Option<Action>) -> Vec<WizardEffect> {
        match a {
            Some(Action::WizardCancel) => self.escape(),
            Some(Action::WizardReload) => self.reload(),
            _ => Vec::new(),
        }
    }

    /// Would `key` edit the focused field (text typed into it) rather than act?
    fn key_edits_focus(&self, key: &KeyEvent) -> bool {
        if !matches!(self.current_step().kind, StepKind::Form(_)) {
            return false;
        }
        let Some(row) = self
            .layout()
            .into_iter()
            .find(|r| r.path == self.focus && r.focusable())
        else {
            return false;
        };
        row.kind != RowKind::GroupHeader && edits_field(self.at(self.focus).map(|f| &f.kind), key)
    }

    fn form_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<WizardEffect> {
        let Some(row) = self
            .layout()
            .into_iter()
            .find(|r| r.path == self.focus && r.focusable())
        else {
            // Nothing to focus (every field hidden): the step can still be left.
            self.focus_first();
            return match action {
                Some(Action::WizardActivate | Action::WizardNextStep) => self.advance(),
                Some(Action::WizardPrevStep) => self.back(),
                other => self.common_action(other),
            };
        };
        let path = self.focus;
        let kind = self.at(path).map(|f| f.kind.clone());
        let header = row.kind == RowKind::GroupHeader;
        // Text typed into a field stays text, whatever the key map says.
        if !header && edits_field(kind.as_ref(), &key) {
            self.edit_key(path, kind, key);
            return Vec::new();
        }
        let Some(a) = action else {
            return Vec::new();
        };
        match a {
            Action::WizardNextField => self.move_focus(1),
            Action::WizardPrevField => self.move_focus(-1),
            Action::WizardPageDown => self.move_focus(5),
            Action::WizardPageUp => self.move_focus(-5),
            Action::WizardNextStep => return self.advance(),
            Action::WizardPrevStep => return self.back(),
            Action::WizardRemoveItem => {
                if let Some((i, _)) = path.item {
                    self.remove_item(path.top, i);
                }
            }
            Action::WizardAddItem if header => self.add_item_and_focus(path.top),
            Action::WizardActivate if header => self.add_item_and_focus(path.top),
            Action::WizardActivate => match kind {
                Some(FieldKind::Select { .. } | FieldKind::MultiSelect { .. }) => {
                    self.open_popup(None)
                }
                _ => {
                    if self.at_last_field() {
                        return self.advance();
                    }
                    self.move_focus(1);
                }
            },
            Action::WizardToggle if !header => match kind {
                Some(FieldKind::Toggle) => {
                    let on = self.at(path).is_some_and(Field::flag);
                    self.set_at(path, Value::Bool(!on));
                }
                Some(FieldKind::Select { .. } | FieldKind::MultiSelect { .. }) => {
                    self.open_popup(None)
                }
                _ => {}
            },
            Action::WizardClearChoice if !header => match kind {
                Some(FieldKind::Select { .. }) => self.set_at(path, Value::One(None)),
                Some(FieldKind::MultiSelect { .. }) => self.set_at(path, Value::Many(Vec::new())),
                _ => {}
            },
            Action::WizardReveal if !header => {
                if let Some(FieldKind::Password { reveal }) = self.at_mut(path).map(|f| &mut f.kind)
                {
                    *reveal = true;
                }
            }
            other => return self.common_action(Some(other)),
        }
        Vec::new()
    }

    fn edit_key(&mut self, path: FieldPath, kind: Option<FieldKind>, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL)
            || key.modifiers.contains(KeyModifiers::ALT);
        match kind {
            // Typing on a select opens its list, filtered by what was typed.
            Some(FieldKind::Select { .. } | FieldKind::MultiSelect { .. }) => match key.code {
                KeyCode::Char(c) if !ctrl && !c.is_control() => self.open_popup(Some(c)),
                _ => {}
            },
            Some(FieldKind::Password { .. }) => {
                let Some(old) = self.at(path).and_then(Field::secret) else {
                    return;
                };
                let new = match key.code {
                    KeyCode::Char('u') if ctrl => Some(Secret::default()),
                    KeyCode::Char(c) if !ctrl && !c.is_control() && old.len() < MAX_INPUT => {
                        // Build the new value in one pre-sized buffer so no stray copy is left.
                        let mut buf = String::with_capacity(old.expose().len() + c.len_utf8());
                        buf.push_str(old.expose());
                        buf.push(c);
                        Some(Secret::new(buf))
                    }
                    KeyCode::Backspace => {
                        let s = old.expose();
                        let cut = s.char_indices().last().map(|(i, _)| i).unwrap_or(0);
                        let mut buf = String::with_capacity(cut);
                        buf.push_str(&s[..cut]);
                        Some(Secret::new(buf))
                    }
                    _ => None,
                };
                if let Some(n) = new {
                    self.set_at(path, Value::Secret(n));
                }
            }
            Some(FieldKind::Text | FieldKind::Number { .. } | FieldKind::Port) => {
                let Some(f) = self.at(path) else { return };
                let mut chars: Vec<char> = f.text_value().chars().collect();
                let mut cur = f.cursor.min(chars.len());
                let mut edited = true;
                match key.code {
                    KeyCode::Char('u') if ctrl => {
                        chars.drain(..cur);
                        cur = 0;
                    }
                    KeyCode::Char('k') if ctrl => chars.truncate(cur),
                    KeyCode::Char('w') if ctrl => {
                        let mut start = cur;
                        while start > 0 && chars[start - 1] == ' ' {
                            start -= 1;
                        }
                        while start > 0 && chars[start - 1] != ' ' {
                            start -= 1;
                        }
                        chars.drain(start..cur);
                        cur = start;
                    }
                    KeyCode::Char('a') if ctrl => {
                        cur = 0;
                        edited = false;
                    }
                    KeyCode::Char('e') if ctrl => {
                        cur = chars.len();
                        edited = false;
                    }
                    KeyCode::Char(c) if !ctrl && !c.is_control() && chars.len() < MAX_INPUT => {
                        chars.insert(cur, c);
                        cur += 1;
                    }
                    KeyCode::Backspace if cur > 0 => {
                        chars.remove(cur - 1);
                        cur -= 1;
                    }
                    KeyCode::Delete if cur < chars.len() => {
                        chars.remove(cur);
                    }
                    KeyCode::Left => {
                        cur = cur.saturating_sub(1);
                        edited = false;
                    }
                    KeyCode::Right => {
                        cur = (cur + 1).min(chars.len());
                        edited = false;
                    }
                    KeyCode::Home => {
                        cur = 0;
                        edited = false;
                    }
                    KeyCode::End => {
                        cur = chars.len();
                        edited = false;
                    }
                    _ => return,
                }
                if edited {
                    self.set_at(path, Value::Text(chars.into_iter().collect()));
                }
                if let Some(f) = self.at_mut(path) {
                    f.cursor = cur;
                }
            }
            _ => {}
        }
    }

    /// Pasted text (bracketed paste). Trailing line breaks are dropped; text with a line break or
    /// another control character inside is refused, since no field here is multi-line.
    pub fn handle_paste(&mut self, s: &str) {
        let trimmed = s.trim_end_matches(['\r', '\n']);
        if trimmed.chars().any(char::is_control) {
            self.notice = Some(
                "pasted text has a line break or control characters inside; not pasted".into(),
            );
            return;
        }
        if let Some(c) = &mut self.confirm {
            c.typed.push_str(trimmed);
            c.typed.truncate(MAX_INPUT);
            return;
        }
        if let Some(p) = self.popup.as_ref().map(|p| p.path) {
            if let Some(f) = self.at_mut(p) {
                if let FieldKind::Select { filter, .. } | FieldKind::MultiSelect { filter, .. } =
                    &mut f.kind
                {
                    filter.push_str(trimmed);
                }
            }
            if let Some(p) = &mut self.popup {
                p.cursor = 0;
            }
            return;
        }
        if !matches!(self.current_step().kind, StepKind::Form(_)) {
            return;
        }
        let path = self.focus;
        match self
            .at(path)
            .map(|f| (f.kind.clone(), f.value.clone(), f.cursor))
        {
            Some((FieldKind::Password { .. }, Value::Secret(old), _)) => {
                let mut buf = String::with_capacity(old.expose().len() + trimmed.len());
                buf.push_str(old.expose());
                buf.push_str(trimmed);
                if buf.chars().count() <= MAX_INPUT {
                    self.set_at(path, Value::Secret(Secret::new(buf)));
                }
            }
            Some((
                FieldKind::Text | FieldKind::Number { .. } | FieldKind::Port,
                Value::Text(old),
                cur,
            )) => {
                let mut chars: Vec<char> = old.chars().collect();
                let cur = cur.min(chars.len());
                let ins: Vec<char> = trimmed.chars().collect();
                if chars.len() + ins.len() > MAX_INPUT {
                    self.notice = Some("pasted text is too long".into());
                    return;
                }
                let n = ins.len();
                chars.splice(cur..cur, ins);
                self.set_at(path, Value::Text(chars.into_iter().collect()));
                if let Some(f) = self.at_mut(path) {
                    f.cursor = cur + n;
                }
            }
            _ => {}
        }
    }

    // ----- select popup -----

    fn open_popup(&mut self, first: Option<char>) {
        let path = self.focus;
        let picked = self
            .at(path)
            .map(|f| f.choices().to_vec())
            .unwrap_or_default();
        if let Some(f) = self.at_mut(path) {
            if let FieldKind::Select { filter, .. } | FieldKind::MultiSelect { filter, .. } =
                &mut f.kind
            {
                filter.clear();
                if let Some(c) = first {
                    filter.push(c);
                }
            }
        }
        let cursor = self.at(path).map(|f| {
            let cur = f.choice().map(str::to_string);
            popup_options(f)
                .iter()
                .position(|c| Some(&c.value) == cur.as_ref())
                .unwrap_or(0)
        });
        self.popup = Some(Popup {
            path,
            cursor: cursor.unwrap_or(0),
            picked,
        });
    }

    fn popup_key(&mut self, key: KeyEvent, action: Option<Action>) {
        let Some(mut popup) = self.popup.clone() else {
            return;
        };
        let Some(f) = self.at(popup.path) else {
            self.popup = None;
            return;
        };
        let multi = matches!(f.kind, FieldKind::MultiSelect { .. });
        let visible: Vec<Choice> = popup_options(f).into_iter().cloned().collect();
        let n = visible.len();
        let mut filter_edit: Option<Option<char>> = None;
        let plain = !key.modifiers.contains(KeyModifiers::CONTROL)
            && !key.modifiers.contains(KeyModifiers::ALT);
        match action {
            Some(Action::PopupClose) => {
                self.popup = None;
                return;
            }
            Some(Action::PopupUp) => popup.cursor = popup.cursor.saturating_sub(1),
            Some(Action::PopupDown) => popup.cursor = (popup.cursor + 1).min(n.saturating_sub(1)),
            Some(Action::PopupPageUp) => popup.cursor = popup.cursor.saturating_sub(8),
            Some(Action::PopupPageDown) => {
                popup.cursor = (popup.cursor + 8).min(n.saturating_sub(1))
            }
            Some(Action::PopupTick) if multi => {
                if let Some(c) = visible.get(popup.cursor) {
                    if let Some(i) = popup.picked.iter().position(|v| *v == c.value) {
                        popup.picked.remove(i);
                    } else {
                        popup.picked.push(c.value.clone());
                    }
                }
            }
            Some(Action::PopupChoose) => {
                self.popup = None;
                if multi {
                    self.set_at(popup.path, Value::Many(popup.picked));
                } else if let Some(c) = visible.get(popup.cursor) {
                    self.set_at(popup.path, Value::One(Some(c.value.clone())));
                }
                return;
            }
            // Anything else is the list's filter text.
            _ => match key.code {
                KeyCode::Backspace => filter_edit = Some(None),
                KeyCode::Char(c) if plain && !c.is_control() => filter_edit = Some(Some(c)),
                _ => {}
            },
        }
        if let Some(edit) = filter_edit {
            if let Some(f) = self.at_mut(popup.path) {
                if let FieldKind::Select { filter, .. } | FieldKind::MultiSelect { filter, .. } =
                    &mut f.kind
                {
                    match edit {
                        Some(c) if filter.chars().count() < 64 => filter.push(c),
                        Some(_) => {}
                        None => {
                            filter.pop();
                        }
                    }
                }
            }
            popup.cursor = 0;
        }
        self.popup = Some(popup);
    }

    // ----- groups -----

    pub(super) fn add_item(&mut self, top: usize) -> bool {
        let Some(f) = self.fields.get_mut(top) else {
            return false;
        };
        if let FieldKind::Group {
            template,
            items,
            max,
            ..
        } = &mut f.kind
        {
            if items.len() < *max {
                items.push(template.clone());
                return true;
            }
            self.notice = Some(format!("at most {max}"));
        }
        false
    }

    fn add_item_and_focus(&mut self, top: usize) {
        if self.add_item(top) {
            let n = self.fields[top].items().len();
            self.focus = FieldPath {
                top,
                item: Some((n - 1, 0)),
            };
            self.changed();
            self.ensure_visible();
        }
    }

    fn remove_item(&mut self, top: usize, i: usize) {
        let Some(f) = self.fields.get_mut(top) else {
            return;
        };
        if let FieldKind::Group {
            items, min, noun, ..
        } = &mut f.kind
        {
            if items.len() <= *min {
                self.notice = Some(format!("at least {min} {noun} is needed"));
                return;
            }
            if i < items.len() {
                items.remove(i);
            }
            self.focus = FieldPath { top, item: None };
            self.changed();
            self.ensure_visible();
        }
    }

    // ----- precheck, summary and confirm keys -----

    fn precheck_key(&mut self, action: Option<Action>) -> Vec<WizardEffect> {
        match action {
            Some(Action::PrecheckDropFailing) => {
                let spec = self.spec;
                if spec.drops_failing() {
                    return spec.drop_failing(self);
                }
            }
            Some(Action::PrecheckRerun) => {
                if self.precheck.state == PrecheckState::Running {
                    self.notice = Some("the precheck is already running".into());
                    return Vec::new();
                }
                self.notice = None;
                return self.start_precheck();
            }
            Some(Action::PrecheckContinue | Action::WizardNextStep) => {
                if self.precheck_passed() {
                    return self.go_to(self.step + 1);
                }
                self.notice = Some(self.refusal());
            }
            Some(Action::WizardPrevStep | Action::StepBack) => return self.back(),
            Some(Action::StepScrollUp) => {
                self.precheck.scroll = self.precheck.scroll.saturating_sub(1)
            }
            Some(Action::StepScrollDown) => {
                self.precheck.scroll =
                    (self.precheck.scroll + 1).min(self.precheck.items.len().saturating_sub(1))
            }
            other => return self.common_action(other),
        }
        Vec::new()
    }

    fn summary_key(&mut self, action: Option<Action>) -> Vec<WizardEffect> {
        match action {
            Some(Action::SummarySubmit | Action::WizardNextStep) => self.open_confirm(),
            Some(Action::WizardPrevStep | Action::StepBack) => {
                if matches!(self.submit, SubmitState::Failed(_)) {
                    self.submit = SubmitState::Idle;
                }
                return self.back();
            }
            Some(Action::StepScrollUp) => {
                if let Some(s) = &mut self.summary {
                    s.scroll = s.scroll.saturating_sub(1);
                }
            }
            Some(Action::StepScrollDown) => {
                if let Some(s) = &mut self.summary {
                    let n = s.masked_json.lines().count();
                    s.scroll = (s.scroll + 1).min(n.saturating_sub(1));
                }
            }
            other => return self.common_action(other),
        }
        Vec::new()
    }

    fn confirm_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<WizardEffect> {
        let Some(c) = &mut self.confirm else {
            return Vec::new();
        };
        // The cluster name to type is text, before any binding.
        if c.expected.is_some() {
            let plain = !key.modifiers.contains(KeyModifiers::CONTROL)
                && !key.modifiers.contains(KeyModifiers::ALT);
            match key.code {
                KeyCode::Backspace => {
                    c.typed.pop();
                    return Vec::new();
                }
                KeyCode::Char(ch) if plain && !ch.is_control() => {
                    if c.typed.len() < MAX_INPUT {
                        c.typed.push(ch);
                    }
                    return Vec::new();
                }
                _ => {}
            }
        }
        match action {
            Some(Action::SubmitCancel) => self.confirm = None,
            Some(Action::SubmitToggle) => c.submit_focused = !c.submit_focused,
            Some(Action::SubmitChoose) => {
                if !c.submit_focused {
                    self.confirm = None;
                } else if !c.name_ok() {
                    self.notice = Some("type the cluster name exactly to confirm".into());
                } else {
                    return self.do_submit();
                }
            }
            Some(Action::SubmitYes) if c.expected.is_none() => c.submit_focused = true,
            Some(Action::SubmitNo) if c.expected.is_none() => self.confirm = None,
            _ => {}
        }
        Vec::new()
    }

    /// The key hints for the current state, with the default keys.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        self.hints_with(Keymap::shared_defaults())
    }

    /// The key hints for the current state (the UI's footer), with the live keys.
    pub fn hints_with(&self, km: &Keymap) -> Vec<(String, &'static str)> {
        let k = |a: Action| km.label(a);
        let pair = |a: Action, b: Action| format!("{}/{}", km.label(a), km.label(b));
        if self.discard_prompt {
            return vec![
                (k(Action::DiscardYes), "discard"),
                (k(Action::DiscardNo), "keep editing"),
            ];
        }
        if self.confirm.is_some() {
            return vec![
                (k(Action::SubmitToggle), "Cancel/Submit"),
                (k(Action::SubmitChoose), "choose"),
                (k(Action::SubmitCancel), "cancel"),
            ];
        }
        if let Some(p) = &self.popup {
            let multi = matches!(
                self.at(p.path).map(|f| &f.kind),
                Some(FieldKind::MultiSelect { .. })
            );
            let mut h = vec![
                ("type".to_string(), "filter"),
                (pair(Action::PopupUp, Action::PopupDown), "move"),
            ];
            if multi {
                h.push((k(Action::PopupTick), "tick"));
                h.push((k(Action::PopupChoose), "done"));
            } else {
                h.push((k(Action::PopupChoose), "choose"));
            }
            h.push((k(Action::PopupClose), "cancel"));
            return h;
        }
        match self.current_step().kind {
            StepKind::Form(_) => {
                let mut h = vec![(
                    pair(Action::WizardNextField, Action::WizardPrevField),
                    "field",
                )];
                let header = self.focus.item.is_none()
                    && matches!(
                        self.focused().map(|f| &f.kind),
                        Some(FieldKind::Group { .. })
                    );
                let enter = k(Action::WizardActivate);
                match self.focused().map(|f| &f.kind) {
                    Some(FieldKind::Select { .. } | FieldKind::MultiSelect { .. }) => {
                        h.push((enter, "list"))
                    }
                    Some(FieldKind::Toggle) => {
                        h.extend([(k(Action::WizardToggle), "toggle"), (enter, "next")])
                    }
                    Some(FieldKind::Password { .. }) => {
                        h.extend([(enter, "next"), (k(Action::WizardReveal), "reveal")])
                    }
                    _ if header => h.push((enter, "add")),
                    _ => h.push((enter, "next")),
                }
                h.push((k(Action::WizardNextStep), "next step"));
                if self.focus.item.is_some() {
                    h.push((k(Action::WizardRemoveItem), "remove"));
                }
                if self.step > 0 {
                    h.push((k(Action::WizardPrevStep), "back"));
                }
                h.push((k(Action::WizardCancel), "cancel"));
                h
            }
            StepKind::Precheck => {
                // Only what works now: removing failing items when some failed check is
                // about one, the summary once the precheck passed on this form.
                let mut h = vec![(k(Action::PrecheckRerun), "re-run")];
                let done = self.precheck.state == PrecheckState::Done;
                if self.spec.drops_failing()
                    && done
                    && self
                        .precheck
                        .items
                        .iter()
                        .any(|i| i.result == CheckResult::Fail && i.subject.is_some())
                {
                    h.push((k(Action::PrecheckDropFailing), "remove failing"));
                }
                if self.precheck_passed() {
                    h.push((k(Action::PrecheckContinue), "summary"));
                }
                h.extend([
                    (k(Action::StepBack), "back"),
                    (k(Action::WizardCancel), "cancel"),
                ]);
                h
            }
            StepKind::Summary => vec![
                (k(Action::SummarySubmit), "submit…"),
                (pair(Action::StepScrollUp, Action::StepScrollDown), "scroll"),
                (k(Action::StepBack), "back"),
                (k(Action::WizardCancel), "cancel"),
            ],
        }
    }
}

/// Keys that edit the focused field (typed text, line editing): they go to the field before
/// the registry, so text typed into a field stays text.
fn edits_field(kind: Option<&FieldKind>, key: &KeyEvent) -> bool {
    let mods = key.modifiers;
    let plain = !mods.contains(KeyModifiers::CONTROL) && !mods.contains(KeyModifiers::ALT);
    let ctrl = mods.contains(KeyModifiers::CONTROL);
    let typed = matches!(key.code, KeyCode::Char(c) if plain && !c.is_control());
    match kind {
        Some(FieldKind::Text | FieldKind::Number { .. } | FieldKind::Port) => {
            typed
                || matches!(key.code, KeyCode::Char('u' | 'k' | 'w' | 'a' | 'e') if ctrl)
                || matches!(
                    key.code,
                    KeyCode::Backspace
                        | KeyCode::Delete
                        | KeyCode::Left
                        | KeyCode::Right
                        | KeyCode::Home
                        | KeyCode::End
                )
        }
        Some(FieldKind::Password { .. }) => {
            typed
                || matches!(key.code, KeyCode::Char('u') if ctrl)
                || key.code == KeyCode::Backspace
        }
        // Typing on a select opens its list filtered; space is the toggle key.
        Some(FieldKind::Select { .. } | FieldKind::MultiSelect { .. }) => {
            typed && key.code != KeyCode::Char(' ')
        }
        _ => false,
    }
}
