//! Drawing a wizard: step indicator, the form in a scrolling window, select popups, the precheck
//! table, the summary with the masked request, the confirmation and discard dialogs, and the
//! submit states. Reads the model only (plus the viewport height it records for scrolling).

use crate::app::actions::{Action, Keymap};
use crate::app::wizard::{
    popup_options, CheckResult, Field, FieldKind, LayoutRow, PrecheckSource, PrecheckState,
    RowKind, StepKind, SubmitState, Value, Wizard,
};
use crate::config::theme::{Theme, Tone};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a password looks like on screen.
const MASK_CHAR: char = '•';

/// Draw the wizard; returns the rows of its form window when a form step is on screen. The
/// footer hints name the keys of `km` (the app's keymap, so a `[keys]` rebinding shows).
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    w: &Wizard,
    theme: &Theme,
    km: &Keymap,
) -> Option<usize> {
    frame.render_widget(Clear, area);
    let title = Line::from(vec![Span::styled(
        format!(" {} ", w.title()),
        Style::default()
            .fg(theme.title)
            .add_modifier(Modifier::BOLD),
    )]);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.accent))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 4 || inner.width < 20 {
        frame.render_widget(Paragraph::new("window too small for the wizard"), inner);
        return None;
    }
    // The field help line only exists on form steps; other steps give it to the body.
    let help_h = u16::from(matches!(w.current_step().kind, StepKind::Form(_)));
    let [steps, body, help, notice, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(help_h),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    draw_steps(frame, steps, w, theme);
    let rows = match &w.current_step().kind {
        StepKind::Form(_) => {
            draw_form(frame, body, w, theme);
            Some(usize::from(body.height).max(1))
        }
        StepKind::Precheck => {
            draw_precheck(frame, body, w, theme, km);
            None
        }
        StepKind::Summary => {
            draw_summary(frame, body, w, theme);
            None
        }
    };
    draw_help(frame, help, w, theme);
    draw_notice(frame, notice, w, theme);
    draw_hints(frame, hints, w, theme, km);
    if w.popup.is_some() {
        draw_popup(frame, body, w, theme);
    }
    if w.confirm.is_some() {
        draw_confirm(frame, inner, w, theme);
    }
    if w.discard_prompt {
        draw_discard(frame, inner, theme, km);
    }
    rows
}

fn emphasis(theme: &Theme) -> Style {
    if theme.mono {
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    } else {
        Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD)
    }
}

fn error_style(theme: &Theme) -> Style {
    Style::default()
        .fg(theme.error)
        .add_modifier(Modifier::BOLD)
}

fn draw_steps(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme) {
    let mut spans = Vec::new();
    for (i, s) in w.steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.muted()));
        }
        let text = format!("{} {}", i + 1, s.title);
        let style = match i.cmp(&w.step) {
            std::cmp::Ordering::Less => theme.muted(),
            std::cmp::Ordering::Equal => emphasis(theme),
            std::cmp::Ordering::Greater => Style::default().fg(theme.fg),
        };
        let text = if i < w.step {
            format!("✔ {text}")
        } else {
            text
        };
        spans.push(Span::styled(text, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Scroll offset that keeps the focused row inside a window of `height` lines.
fn effective_scroll(rows: &[LayoutRow], w: &Wizard, height: usize) -> usize {
    let mut scroll = w.scroll;
    if let Some(i) = rows.iter().position(|r| r.path == w.focus && r.focusable()) {
        let r = rows[i];
        let top = if i > 0 && !rows[i - 1].focusable() {
            rows[i - 1].line
        } else {
            r.line
        };
        if top < scroll {
            scroll = top;
        }
        if r.line + r.height > scroll + height {
            scroll = (r.line + r.height).saturating_sub(height);
        }
    }
    scroll
}

fn draw_form(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme) {
    let height = area.height as usize;
    let rows = w.layout();
    let scroll = effective_scroll(&rows, w, height);
    // Wide enough for the longest label on this step (marker, indent and `*` included).
    let longest = rows
        .iter()
        .filter(|r| r.kind == RowKind::Field)
        .filter_map(|r| {
            w.at(r.path)
                .map(|f| f.label.width() + r.depth as usize * 2 + 3)
        })
        .max()
        .unwrap_or(10);
    let label_w = longest.clamp(10, (area.width as usize / 2).max(10));
    let total = rows.last().map(|r| r.line + r.height).unwrap_or(0);
    for r in &rows {
        if r.line + r.height <= scroll || r.line >= scroll + height {
            continue;
        }
        // A row whose first line is above the window may still show its error line.
        let y = area.y + r.line.saturating_sub(scroll) as u16;
        let focused = r.path == w.focus && r.focusable();
        let line_area = Rect {
            x: area.x,
            y,
            width: area.width,
            height: 1,
        };
        let Some(f) = w.at(r.path) else { continue };
        let indent = " ".repeat(r.depth as usize * 2);
        if r.line >= scroll {
            match r.kind {
                RowKind::ItemHeader { item } => {
                    let noun = match &f.kind {
                        FieldKind::Group { noun, .. } => *noun,
                        _ => "item",
                    };
                    let text = format!("{indent}── {noun} {} ──", item + 1);
                    frame.render_widget(
                        Paragraph::new(Line::styled(text, emphasis(theme))),
                        line_area,
                    );
                }
                RowKind::GroupHeader => {
                    let (n, noun) = match &f.kind {
                        FieldKind::Group { items, noun, .. } => (items.len(), *noun),
                        _ => (0, ""),
                    };
                    let marker = if focused { "▶ " } else { "  " };
                    let a = article(noun);
                    let text = format!(
                        "{marker}{} ({n}) — Enter adds {a} {noun}; Ctrl-X in {a} {noun} removes it",
                        f.label
                    );
                    let style = if focused {
                        theme.selected()
                    } else {
                        Style::default().fg(theme.fg).add_modifier(Modifier::BOLD)
                    };
                    frame.render_widget(Paragraph::new(Line::styled(text, style)), line_area);
                }
                RowKind::Field => {
                    let marker = if focused { "▶ " } else { "  " };
                    let req = if f.required && !matches!(f.kind, FieldKind::Toggle) {
                        "*"
                    } else {
                        " "
                    };
                    let label = fit(&format!("{indent}{marker}{}{req}", f.label), label_w);
                    let label_style = if focused {
                        theme.selected()
                    } else {
                        Style::default().fg(theme.fg)
                    };
                    let value_w = (area.width as usize).saturating_sub(label_w + 1);
                    let (value, cursor) = value_text(w, f, focused, value_w, theme);
                    let mut spans = vec![
                        Span::styled(pad(&label, label_w), label_style),
                        Span::raw(" "),
                    ];
                    spans.extend(value);
                    frame.render_widget(Paragraph::new(Line::from(spans)), line_area);
                    if let Some(cx) = cursor {
                        let x = area.x + (label_w + 1 + cx) as u16;
                        if x < area.x + area.width {
                            frame.set_cursor_position(Position { x, y });
                        }
                    }
                }
            }
        }
        if r.height > 1 && r.line + 1 >= scroll && r.line + 1 < scroll + height {
            if let Some(e) = &f.error {
                let text = fit(&format!("{indent}    ✖ {e}"), area.width as usize);
                let ea = Rect {
                    x: area.x,
                    y: area.y + (r.line + 1 - scroll) as u16,
                    width: area.width,
                    height: 1,
                };
                frame.render_widget(Paragraph::new(Line::styled(text, error_style(theme))), ea);
            }
        }
    }
    // Scroll marks so hidden fields are not a surprise.
    if scroll > 0 {
        let a = Rect {
            x: area.x + area.width.saturating_sub(3),
            y: area.y,
            width: 3,
            height: 1,
        };
        frame.render_widget(Paragraph::new(Span::styled(" ↑ ", theme.muted())), a);
    }
    if total > scroll + height {
        let a = Rect {
            x: area.x + area.width.saturating_sub(3),
            y: area.y + area.height - 1,
            width: 3,
            height: 1,
        };
        frame.render_widget(Paragraph::new(Span::styled(" ↓ ", theme.muted())), a);
    }
}

/// The value column of a field row, and the cursor column when it takes typing.
fn value_text(
    w: &Wizard,
    f: &Field,
    focused: bool,
    width: usize,
    theme: &Theme,
) -> (Vec<Span<'static>>, Option<usize>) {
    let placeholder = |s: &str| Span::styled(s.to_string(), theme.muted());
    match (&f.kind, &f.value) {
        (FieldKind::Password { reveal }, Value::Secret(s)) => {
            if s.is_empty() {
                return (
                    vec![placeholder(if focused { "" } else { "(empty)" })],
                    focused.then_some(0),
                );
            }
            let shown: String = if *reveal {
                s.expose().to_string()
            } else {
                MASK_CHAR.to_string().repeat(s.len())
            };
            let (text, cx) = window(&shown, shown.chars().count(), width);
            let mut v = vec![Span::raw(text)];
            if *reveal {
                v.push(Span::styled(
                    "  (shown while Ctrl-R is held)",
                    theme.muted(),
                ));
            }
            (v, focused.then_some(cx))
        }
        (FieldKind::Text | FieldKind::Number { .. } | FieldKind::Port, Value::Text(s)) => {
            let (text, cx) = window(s, f.cursor, width);
            (vec![Span::raw(text)], focused.then_some(cx))
        }
        (FieldKind::Toggle, Value::Bool(b)) => {
            let text = if *b { "[x] yes" } else { "[ ] no" };
            (vec![Span::raw(text.to_string())], None)
        }
        (FieldKind::Select { options, .. }, Value::One(v)) => {
            let status = load_status(w, f, options.is_none(), theme);
            match (v, status) {
                (Some(v), _) => (
                    vec![Span::raw(fit(&format!("{} ▾", f.choice_label(v)), width))],
                    None,
                ),
                (None, Some(s)) => (vec![s], None),
                (None, None) => (vec![placeholder("‹choose› ▾")], None),
            }
        }
        (FieldKind::MultiSelect { options, .. }, Value::Many(v)) => {
            let status = load_status(w, f, options.is_none(), theme);
            match status {
                Some(s) if v.is_empty() => (vec![s], None),
                _ if v.is_empty() => (vec![placeholder("‹choose› ▾")], None),
                _ => {
                    let labels: Vec<String> = v.iter().map(|x| f.choice_label(x)).collect();
                    (
                        vec![Span::raw(fit(&format!("{} ▾", labels.join(", ")), width))],
                        None,
                    )
                }
            }
        }
        _ => (Vec::new(), None),
    }
}

/// "loading…" or the load error of a data-backed select.
fn load_status(w: &Wizard, f: &Field, loading: bool, theme: &Theme) -> Option<Span<'static>> {
    if !loading {
        return None;
    }
    let err = match f.source() {
        Some(req) => w.inventory.error_for(&req),
        None => w.inventory.errors.values().next(),
    };
    if let Some(e) = err {
        return Some(Span::styled(
            format!("cannot load: {e} (Ctrl-L retries)"),
            error_style(theme),
        ));
    }
    Some(Span::raw("loading…"))
}

fn draw_help(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme) {
    if !matches!(w.current_step().kind, StepKind::Form(_)) {
        return;
    }
    if let Some(f) = w.focused() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(f.help, area.width as usize),
                theme.muted(),
            )),
            area,
        );
    }
}

fn draw_notice(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme) {
    let width = area.width as usize;
    let line = match (&w.submit, &w.notice) {
        (SubmitState::InFlight, _) => Line::styled(
            fit("⟳ submitting… keys are off until OCP answers", width),
            emphasis(theme),
        ),
        (SubmitState::Searching, _) => Line::styled(
            fit(
                "⟳ sent, outcome unknown; looking for the task this request may have created…",
                width,
            ),
            Style::default().fg(theme.warn).add_modifier(Modifier::BOLD),
        ),
        (_, Some(n)) => Line::styled(
            fit(&format!("▲ {n}"), width),
            Style::default().fg(theme.warn).add_modifier(Modifier::BOLD),
        ),
        _ => return,
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_hints(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme, km: &Keymap) {
    let mut spans = Vec::new();
    let mut used = 0;
    for (k, d) in w.hints_with(km) {
        let n = k.width() + d.width() + 3;
        if used + n > area.width as usize {
            break;
        }
        used += n;
        spans.push(Span::styled(
            k.to_string(),
            Style::default()
                .fg(theme.hint_key)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(
            format!(" {d}  "),
            Style::default().fg(theme.hint_text),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_popup(frame: &mut Frame, body: Rect, w: &Wizard, theme: &Theme) {
    let Some(p) = &w.popup else { return };
    let Some(f) = w.at(p.path) else { return };
    let multi = matches!(f.kind, FieldKind::MultiSelect { .. });
    let filter = match &f.kind {
        FieldKind::Select { filter, .. } | FieldKind::MultiSelect { filter, .. } => filter.as_str(),
        _ => "",
    };
    let opts = popup_options(f);
    let width = body.width.saturating_sub(4).clamp(20, 72).min(body.width);
    let list_h = (opts.len().max(1) as u16).min(10);
    let height = (list_h + 3).min(body.height);
    let r = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + (body.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, r);
    let title = format!(" {} ", f.label);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.accent))
        .title(title);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    if inner.height == 0 {
        return;
    }
    let filter_line = Line::from(vec![
        Span::styled("filter: ", theme.muted()),
        Span::raw(filter.to_string()),
        Span::styled(
            format!(
                "  ({} of {})",
                opts.len(),
                f.options().map(<[_]>::len).unwrap_or(0)
            ),
            theme.muted(),
        ),
    ]);
    frame.render_widget(Paragraph::new(filter_line), Rect { height: 1, ..inner });
    let fx = inner.x + 8 + filter.width() as u16;
    if fx < inner.x + inner.width {
        frame.set_cursor_position(Position { x: fx, y: inner.y });
    }
    let list = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    if f.options().is_none() {
        frame.render_widget(Paragraph::new("loading…"), list);
        return;
    }
    if opts.is_empty() {
        let msg = if filter.is_empty() {
            "nothing to choose from"
        } else {
            "nothing matches the filter"
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, theme.muted())), list);
        return;
    }
    let h = list.height as usize;
    let first = p.cursor.saturating_sub(h.saturating_sub(1));
    for (n, c) in opts.iter().enumerate().skip(first).take(h) {
        let tick = if multi {
            if p.picked.contains(&c.value) {
                "[x] "
            } else {
                "[ ] "
            }
        } else {
            ""
        };
        let y = list.y + (n - first) as u16;
        let text = fit(&format!("{tick}{}", c.label), list.width as usize);
        let rest = (list.width as usize).saturating_sub(text.width() + 2);
        let mut spans = vec![Span::raw(text)];
        if rest > 3 && !c.detail.is_empty() {
            spans.push(Span::styled(
                format!("  {}", fit(&c.detail, rest)),
                theme.muted(),
            ));
        }
        let mut line = Line::from(spans);
        if n == p.cursor {
            line = line.style(theme.selected());
        }
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                y,
                height: 1,
                ..list
            },
        );
    }
}

fn draw_precheck(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme, km: &Keymap) {
    let width = area.width as usize;
    let pc = &w.precheck;
    let mut lines: Vec<Line> = Vec::new();
    let source = match pc.source {
        PrecheckSource::Api => "OCP's own precheck (takeOverPreCheck)".to_string(),
        PrecheckSource::Computed if w.kind.backend() == obtui_task::Backend::Obshell => {
            "computed from the agents' answers — obshell's own checks, and ports and sizes"
                .to_string()
        }
        PrecheckSource::Computed => {
            "computed from API data — OCP has no precheck for this operation".to_string()
        }
    };
    lines.push(Line::styled(fit(&source, width), theme.muted()));
    match &pc.state {
        PrecheckState::NotRun => lines.push(Line::raw("not run yet — press r")),
        PrecheckState::Running => {
            lines.push(Line::styled("⟳ running the precheck…", emphasis(theme)))
        }
        PrecheckState::Failed(e) => {
            let rerun = km.label(Action::PrecheckRerun);
            // After a 401 a rerun cannot succeed until the user has logged in again.
            let advice = if e.status == Some(401) {
                format!(
                    "the server refused the login: {} login ⏎ enters the password again (the \
                     form stays as it is), then {rerun} runs the precheck again",
                    km.label(Action::WizardCommand)
                )
            } else {
                format!("press {rerun} to try again")
            };
            for l in wrap(
                &format!("✖ the precheck could not run: {e} — {advice}"),
                width,
            ) {
                lines.push(Line::styled(l, error_style(theme)));
            }
        }
        PrecheckState::Done => {
            // Information lines (the precheck's source) are not checks: not counted.
            let pass = pc
                .items
                .iter()
                .filter(|i| i.result == CheckResult::Pass)
                .count();
            let verdict = if pc.fails() > 0 {
                "Submit is refused until every FAIL is fixed"
            } else {
                "Enter continues"
            };
            let style = if pc.fails() > 0 {
                error_style(theme)
            } else {
                Style::default().fg(theme.ok)
            };
            lines.push(Line::styled(
                fit(
                    &format!(
                        "{pass} PASS · {} WARN · {} FAIL — {verdict}",
                        pc.warns(),
                        pc.fails()
                    ),
                    width,
                ),
                style,
            ));
        }
    }
    let header = lines.len();
    let mut item_lines: Vec<Line> = Vec::new();
    for it in &pc.items {
        let (tone, style) = match it.result {
            CheckResult::Info => (Tone::Unknown, theme.muted()),
            CheckResult::Pass => (Tone::Ok, theme.tone_style(Tone::Ok)),
            CheckResult::Warn => (
                Tone::Warning,
                theme.tone_style(Tone::Warning).add_modifier(Modifier::BOLD),
            ),
            CheckResult::Fail => (Tone::Failed, theme.tone_style(Tone::Failed)),
        };
        let _ = tone;
        let tag = format!("{} {} ", it.result.glyph(), it.result.word());
        let body_w = width.saturating_sub(tag.width());
        let mut first = true;
        for l in wrap(&format!("{} — {}", it.name, it.reason), body_w.max(10)) {
            let lead = if first {
                Span::styled(tag.clone(), style)
            } else {
                Span::raw(" ".repeat(tag.width()))
            };
            item_lines.push(Line::from(vec![lead, Span::raw(l)]));
            first = false;
        }
        if !it.fix.is_empty() {
            for l in wrap(&format!("fix: {}", it.fix), body_w.max(10)) {
                item_lines.push(Line::from(vec![
                    Span::raw(" ".repeat(tag.width())),
                    Span::styled(l, theme.muted()),
                ]));
            }
        }
    }
    // Scroll by item: find the first line of the item at `scroll`.
    let mut skip = 0;
    let mut seen = 0;
    for (i, l) in item_lines.iter().enumerate() {
        let starts = l
            .spans
            .first()
            .is_some_and(|s| s.content.starts_with(['·', '✔', '▲', '✖']));
        if starts {
            if seen == pc.scroll {
                skip = i;
                break;
            }
            seen += 1;
        }
    }
    let shown = item_lines.len().saturating_sub(skip);
    lines.extend(item_lines.into_iter().skip(skip));
    let room = (area.height as usize).saturating_sub(header);
    frame.render_widget(Paragraph::new(lines), area);
    if skip > 0 || shown > room {
        more_mark(frame, area, skip > 0, shown > room, theme);
    }
}

/// "↑" / "↓" in the right edge when a list continues above / below.
fn more_mark(frame: &mut Frame, area: Rect, above: bool, below: bool, theme: &Theme) {
    let w = 9u16.min(area.width);
    let x = area.x + area.width - w;
    if above {
        let a = Rect {
            x,
            y: area.y,
            width: w,
            height: 1,
        };
        frame.render_widget(Paragraph::new(Span::styled(" ↑ more  ", theme.muted())), a);
    }
    if below && area.height > 0 {
        let a = Rect {
            x,
            y: area.y + area.height - 1,
            width: w,
            height: 1,
        };
        frame.render_widget(Paragraph::new(Span::styled(" ↓ more  ", theme.muted())), a);
    }
}

fn draw_summary(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme) {
    let width = area.width as usize;
    let Some(s) = &w.summary else {
        frame.render_widget(
            Paragraph::new(
                w.notice
                    .clone()
                    .unwrap_or_else(|| "preparing the request…".into()),
            ),
            area,
        );
        return;
    };
    let mut top: Vec<Line> = Vec::new();
    top.push(Line::from(vec![
        Span::styled(s.method, emphasis(theme)),
        Span::raw(" "),
        Span::styled(
            s.path.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    ]));
    for l in wrap(&s.effect, width) {
        top.push(Line::raw(l));
    }
    match &w.submit {
        SubmitState::Failed(e) => {
            for l in wrap(
                &format!(
                    "✖ {} — everything you typed is kept; Enter submits again, ← edits",
                    e.line()
                ),
                width,
            ) {
                top.push(Line::styled(l, error_style(theme)));
            }
            if let Some(t) = &e.trace_id {
                top.push(Line::from(vec![
                    Span::styled("traceId ", theme.muted()),
                    Span::raw(t.clone()),
                ]));
            }
        }
        SubmitState::Unknown(checked) => {
            let warn = Style::default().fg(theme.warn).add_modifier(Modifier::BOLD);
            for l in wrap(
                "? sent, outcome unknown: no answer, and no task was found that provably belongs to this request. Everything you typed is kept; it is not sent again. r looks again; :tasks opens the task list (this leaves the wizard)",
                width,
            ) {
                top.push(Line::styled(l, warn));
            }
            for c in checked {
                for l in wrap(&format!("  checked: {c}"), width) {
                    top.push(Line::styled(l, theme.muted()));
                }
            }
        }
        SubmitState::Done(id) => top.push(Line::styled(
            format!("✔ task {id} created"),
            Style::default().fg(theme.ok),
        )),
        _ => {}
    }
    let json_h = (area.height as usize).saturating_sub(top.len());
    let total = s.masked_json.lines().count();
    let mut lines = top;
    for l in s.masked_json.lines().skip(s.scroll).take(json_h) {
        lines.push(Line::styled(fit(l, width), Style::default().fg(theme.info)));
    }
    frame.render_widget(Paragraph::new(lines), area);
    let below = total > s.scroll + json_h;
    if s.scroll > 0 || below {
        let json_area = Rect {
            y: area.y + area.height - json_h.min(area.height as usize) as u16,
            height: json_h.min(area.height as usize) as u16,
            ..area
        };
        more_mark(frame, json_area, s.scroll > 0, below, theme);
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn draw_confirm(frame: &mut Frame, area: Rect, w: &Wizard, theme: &Theme) {
    let Some(c) = &w.confirm else { return };
    let width = area.width.saturating_sub(6).clamp(20, 64);
    let text_w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if let Some(s) = &w.summary {
        lines.push(Line::styled(
            fit(&format!("{} {}", s.method, s.path), text_w),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        for l in wrap(&s.effect, text_w).into_iter().take(4) {
            lines.push(Line::raw(l));
        }
    }
    lines.push(Line::raw(""));
    let mut cursor = None;
    for l in wrap(&w.question(), text_w) {
        lines.push(Line::raw(l));
    }
    if let Some(expected) = &c.expected {
        lines.push(Line::raw(fit(
            &format!("Type the cluster name ({expected}) to confirm:"),
            text_w,
        )));
        let ok = c.name_ok();
        let style = if ok {
            Style::default().fg(theme.ok)
        } else {
            Style::default().add_modifier(Modifier::UNDERLINED)
        };
        lines.push(Line::from(vec![
            Span::raw("> "),
            Span::styled(fit(&c.typed, text_w.saturating_sub(2)), style),
        ]));
        cursor = Some((
            lines.len() - 1,
            2 + c.typed.width().min(text_w.saturating_sub(2)),
        ));
    }
    lines.push(Line::raw(""));
    let button = |label: &str, on: bool, enabled: bool| {
        let mut s = if on {
            theme.selected().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        if !enabled {
            s = s.add_modifier(Modifier::DIM);
        }
        Span::styled(format!("[ {label} ]"), s)
    };
    lines.push(Line::from(vec![
        button("Cancel", !c.submit_focused, true),
        Span::raw("   "),
        button("Submit", c.submit_focused, c.name_ok()),
    ]));
    let height = lines.len() as u16 + 2;
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.warn))
        .title(Span::styled(
            " Confirm ",
            Style::default().fg(theme.warn).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((row, col)) = cursor {
        let y = inner.y + row as u16;
        let x = inner.x + col as u16;
        if y < inner.y + inner.height && x < inner.x + inner.width {
            frame.set_cursor_position(Position { x, y });
        }
    }
}

fn draw_discard(frame: &mut Frame, area: Rect, theme: &Theme, km: &Keymap) {
    let lines = vec![
        Line::raw("Discard this form? What you typed is lost."),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                km.label(Action::DiscardYes),
                Style::default()
                    .fg(theme.hint_key)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(" discard   "),
            Span::styled(
                km.labels(Action::DiscardNo),
                theme.selected().add_modifier(Modifier::BOLD),
            ),
            Span::raw(" keep editing"),
        ]),
    ];
    let r = centered(area, 48, 5);
    frame.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.warn))
        .title(" Discard? ");
    let inner = block.inner(r);
    frame.render_widget(block, r);
    frame.render_widget(Paragraph::new(lines), inner);
}

// ----- text helpers -----

/// Cut to `width` columns, with an ellipsis when cut.
fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// The part of a one-line value that fits, scrolled so the cursor shows; returns the text and
/// the cursor's column in it.
fn window(s: &str, cursor: usize, width: usize) -> (String, usize) {
    let chars: Vec<char> = s.chars().collect();
    let cursor = cursor.min(chars.len());
    let width = width.max(2);
    let col = |a: usize, b: usize| {
        chars[a..b]
            .iter()
            .map(|c| c.width().unwrap_or(0))
            .sum::<usize>()
    };
    let mut start = 0;
    while col(start, cursor) >= width {
        start += 1;
    }
    let mut end = start;
    while end < chars.len() && col(start, end + 1) <= width {
        end += 1;
    }
    (chars[start..end].iter().collect(), col(start, cursor))
}

/// Word-wrap to `width` columns (long words are cut).
fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let sep = usize::from(!line.is_empty());
        if line.width() + sep + word.width() <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        let mut rest = word;
        while rest.width() > width {
            let mut cut = 0;
            let mut w = 0;
            for (i, c) in rest.char_indices() {
                let cw = c.width().unwrap_or(0);
                if w + cw > width {
                    break;
                }
                w += cw;
                cut = i + c.len_utf8();
            }
            if cut == 0 {
                break;
            }
            out.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        line.push_str(rest);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// "an" before a noun that is read starting with a vowel sound ("an OBProxy", "an observer"),
/// else "a" ("a host", "a server").
fn article(noun: &str) -> &'static str {
    match noun.chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_helpers() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        let (t, c) = window("abcdefghij", 10, 4);
        assert_eq!((t.as_str(), c), ("hij", 3));
        let (t, c) = window("abc", 1, 10);
        assert_eq!((t.as_str(), c), ("abc", 1));
    }
}

#[cfg(test)]
mod article_tests {
    #[test]
    fn an_obproxy_a_host() {
        assert_eq!(super::article("OBProxy"), "an");
        assert_eq!(super::article("observer"), "an");
        assert_eq!(super::article("host"), "a");
        assert_eq!(super::article(""), "a");
    }
}
