//! Keys and pasted text: the form editor, select lists, groups, and the keys of the precheck,
//! summary and confirmation steps.

use super::*;
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

    /// Keys. Returns what the app must do.
    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<WizardEffect> {
        let reveal_key =
            key.code == KeyCode::Char('r') && key.modifiers.contains(KeyModifiers::CONTROL);
        if key.kind == KeyEventKind::Release {
            if reveal_key {
                self.hide_reveal();
            }
            return Vec::new();
        }
        if !reveal_key {
            self.hide_reveal();
        }
        match &self.submit {
            SubmitState::InFlight | SubmitState::Searching | SubmitState::Done(_) => {
                return Vec::new()
            }
            _ => {}
        }
        if self.discard_prompt {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.discard_prompt = false;
                    return self.close();
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Enter => {
                    self.discard_prompt = false
                }
                _ => {}
            }
            return Vec::new();
        }
        if self.confirm.is_some() {
            return self.confirm_key(key);
        }
        if self.popup.is_some() {
            self.popup_key(key);
            return Vec::new();
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if key.code == KeyCode::Esc {
            return self.escape();
        }
        if ctrl && key.code == KeyCode::Char('l') {
            return self.reload();
        }
        match self.current_step().kind.clone() {
            StepKind::Form(_) => self.form_key(key),
            StepKind::Precheck => self.precheck_key(key),
            StepKind::Summary => self.summary_key(key),
        }
    }

    fn form_key(&mut self, key: KeyEvent) -> Vec<WizardEffect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(row) = self
            .layout()
            .into_iter()
            .find(|r| r.path == self.focus && r.focusable())
        else {
            // Nothing to focus (every field hidden): the step can still be left.
            self.focus_first();
            return match key.code {
                KeyCode::Enter => self.advance(),
                KeyCode::Char('n') if ctrl => self.advance(),
                KeyCode::Char('p') if ctrl => self.back(),
                _ => Vec::new(),
            };
        };
        let path = self.focus;
        let kind = self.at(path).map(|f| f.kind.clone());
        match key.code {
            KeyCode::Tab | KeyCode::Down => self.move_focus(1),
            KeyCode::BackTab | KeyCode::Up => self.move_focus(-1),
            KeyCode::PageDown => self.move_focus(5),
            KeyCode::PageUp => self.move_focus(-5),
            KeyCode::Char('n') if ctrl => return self.advance(),
            KeyCode::Char('p') if ctrl => return self.back(),
            KeyCode::Char('x') if ctrl => {
                if let Some((i, _)) = path.item {
                    self.remove_item(path.top, i);
                }
            }
            _ if row.kind == RowKind::GroupHeader => match key.code {
                KeyCode::Enter | KeyCode::Char('+') | KeyCode::Char('a') => {
                    self.add_item_and_focus(path.top)
                }
                _ => {}
            },
            KeyCode::Char('r') if ctrl => {
                if let Some(Field {
                    kind: FieldKind::Password { .. },
                    ..
                }) = self.at(path)
                {
                    if let Some(FieldKind::Password { reveal }) =
                        self.at_mut(path).map(|f| &mut f.kind)
                    {
                        *reveal = true;
                    }
                }
            }
            KeyCode::Enter => match kind {
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
            _ => self.edit_key(path, kind, key),
        }
        Vec::new()
    }

    fn edit_key(&mut self, path: FieldPath, kind: Option<FieldKind>, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL)
            || key.modifiers.contains(KeyModifiers::ALT);
        match kind {
            Some(FieldKind::Toggle) => {
                if matches!(
                    key.code,
                    KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right
                ) {
                    let on = self.at(path).is_some_and(Field::flag);
                    self.set_at(path, Value::Bool(!on));
                }
            }
            Some(FieldKind::Select { .. } | FieldKind::MultiSelect { .. }) => match key.code {
                KeyCode::Char(' ') => self.open_popup(None),
                KeyCode::Char(c) if !ctrl && !c.is_control() => self.open_popup(Some(c)),
                KeyCode::Backspace | KeyCode::Delete => {
                    let v = if matches!(kind, Some(FieldKind::Select { .. })) {
                        Value::One(None)
                    } else {
                        Value::Many(Vec::new())
                    };
                    self.set_at(path, v);
                }
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

    fn popup_key(&mut self, key: KeyEvent) {
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
        match key.code {
            KeyCode::Esc => {
                self.popup = None;
                return;
            }
            KeyCode::Up => popup.cursor = popup.cursor.saturating_sub(1),
            KeyCode::Down => popup.cursor = (popup.cursor + 1).min(n.saturating_sub(1)),
            KeyCode::PageUp => popup.cursor = popup.cursor.saturating_sub(8),
            KeyCode::PageDown => popup.cursor = (popup.cursor + 8).min(n.saturating_sub(1)),
            KeyCode::Char(' ') | KeyCode::Tab if multi => {
                if let Some(c) = visible.get(popup.cursor) {
                    if let Some(i) = popup.picked.iter().position(|v| *v == c.value) {
                        popup.picked.remove(i);
                    } else {
                        popup.picked.push(c.value.clone());
                    }
                }
            }
            KeyCode::Enter => {
                self.popup = None;
                if multi {
                    self.set_at(popup.path, Value::Many(popup.picked));
                } else if let Some(c) = visible.get(popup.cursor) {
                    self.set_at(popup.path, Value::One(Some(c.value.clone())));
                }
                return;
            }
            KeyCode::Backspace => filter_edit = Some(None),
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() =>
            {
                filter_edit = Some(Some(c))
            }
            _ => {}
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

    fn precheck_key(&mut self, key: KeyEvent) -> Vec<WizardEffect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('x') if !ctrl && self.kind == WizardKind::TakeoverProxy => {
                return proxy::drop_failing(self)
            }
            KeyCode::Char('r') if !ctrl => {
                if self.precheck.state == PrecheckState::Running {
                    self.notice = Some("the precheck is already running".into());
                    return Vec::new();
                }
                self.notice = None;
                return self.start_precheck();
            }
            KeyCode::Enter => {
                if self.precheck_passed() {
                    return self.go_to(self.step + 1);
                }
                self.notice = Some(self.refusal());
            }
            KeyCode::Char('n') if ctrl => {
                if self.precheck_passed() {
                    return self.go_to(self.step + 1);
                }
                self.notice = Some(self.refusal());
            }
            KeyCode::Char('p') if ctrl => return self.back(),
            KeyCode::Left | KeyCode::BackTab | KeyCode::Char('b') => return self.back(),
            KeyCode::Up => self.precheck.scroll = self.precheck.scroll.saturating_sub(1),
            KeyCode::Down => {
                self.precheck.scroll =
                    (self.precheck.scroll + 1).min(self.precheck.items.len().saturating_sub(1))
            }
            _ => {}
        }
        Vec::new()
    }

    fn summary_key(&mut self, key: KeyEvent) -> Vec<WizardEffect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter | KeyCode::Char('s') => self.open_confirm(),
            KeyCode::Char('p') if ctrl => return self.back(),
            KeyCode::Left | KeyCode::BackTab | KeyCode::Char('b') => {
                if matches!(self.submit, SubmitState::Failed(_)) {
                    self.submit = SubmitState::Idle;
                }
                return self.back();
            }
            KeyCode::Up => {
                if let Some(s) = &mut self.summary {
                    s.scroll = s.scroll.saturating_sub(1);
                }
            }
            KeyCode::Down => {
                if let Some(s) = &mut self.summary {
                    let n = s.masked_json.lines().count();
                    s.scroll = (s.scroll + 1).min(n.saturating_sub(1));
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn confirm_key(&mut self, key: KeyEvent) -> Vec<WizardEffect> {
        let Some(c) = &mut self.confirm else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => self.confirm = None,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => {
                c.submit_focused = !c.submit_focused
            }
            KeyCode::Enter => {
                if !c.submit_focused {
                    self.confirm = None;
                } else if !c.name_ok() {
                    self.notice = Some("type the cluster name exactly to confirm".into());
                } else {
                    return self.do_submit();
                }
            }
            KeyCode::Backspace if c.expected.is_some() => {
                c.typed.pop();
            }
            KeyCode::Char(ch)
                if c.expected.is_some()
                    && !ch.is_control()
                    && !key.modifiers.contains(KeyModifiers::CONTROL)
                    && c.typed.len() < MAX_INPUT =>
            {
                c.typed.push(ch);
            }
            KeyCode::Char('y') if c.expected.is_none() => c.submit_focused = true,
            KeyCode::Char('n') if c.expected.is_none() => self.confirm = None,
            _ => {}
        }
        Vec::new()
    }

    /// The key hints for the current state (the UI's footer).
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        if self.discard_prompt {
            return vec![("y", "discard"), ("n/Esc", "keep editing")];
        }
        if self.confirm.is_some() {
            return vec![
                ("Tab", "Cancel/Submit"),
                ("Enter", "choose"),
                ("Esc", "cancel"),
            ];
        }
        if let Some(p) = &self.popup {
            let multi = matches!(
                self.at(p.path).map(|f| &f.kind),
                Some(FieldKind::MultiSelect { .. })
            );
            return if multi {
                vec![
                    ("type", "filter"),
                    ("↑↓", "move"),
                    ("Space", "tick"),
                    ("Enter", "done"),
                    ("Esc", "cancel"),
                ]
            } else {
                vec![
                    ("type", "filter"),
                    ("↑↓", "move"),
                    ("Enter", "choose"),
                    ("Esc", "cancel"),
                ]
            };
        }
        match self.current_step().kind {
            StepKind::Form(_) => {
                let mut h = vec![("Tab/S-Tab", "field")];
                let header = self.focus.item.is_none()
                    && matches!(
                        self.focused().map(|f| &f.kind),
                        Some(FieldKind::Group { .. })
                    );
                match self.focused().map(|f| &f.kind) {
                    Some(FieldKind::Select { .. } | FieldKind::MultiSelect { .. }) => {
                        h.push(("Enter", "list"))
                    }
                    Some(FieldKind::Toggle) => h.extend([("Space", "toggle"), ("Enter", "next")]),
                    Some(FieldKind::Password { .. }) => {
                        h.extend([("Enter", "next"), ("C-r", "reveal")])
                    }
                    _ if header => h.push(("Enter", "add")),
                    _ => h.push(("Enter", "next")),
                }
                h.push(("C-n", "next step"));
                if self.focus.item.is_some() {
                    h.push(("C-x", "remove"));
                }
                if self.step > 0 {
                    h.push(("C-p", "back"));
                }
                h.push(("Esc", "cancel"));
                h
            }
            StepKind::Precheck if self.kind == WizardKind::TakeoverProxy => vec![
                ("r", "re-run"),
                ("x", "remove failing"),
                ("Enter", "summary"),
                ("←", "back"),
                ("Esc", "cancel"),
            ],
            StepKind::Precheck => vec![
                ("r", "re-run"),
                ("Enter", "summary"),
                ("←", "back"),
                ("Esc", "cancel"),
            ],
            StepKind::Summary => vec![
                ("Enter", "submit…"),
                ("↑↓", "scroll"),
                ("←", "back"),
                ("Esc", "cancel"),
            ],
        }
    }
}
