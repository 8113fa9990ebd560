//! Form fields: kinds, values, rules, visibility conditions, and each field's own check.

use super::validate;
use super::DataRequest;
use obtui_api::secret::Secret;

// Fields

/// One option of a select.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// What goes into the request.
    pub value: String,
    pub label: String,
    /// Extra words shown beside the label and matched by the filter.
    pub detail: String,
}

impl Choice {
    pub fn new(
        value: impl Into<String>,
        label: impl Into<String>,
        detail: impl Into<String>,
    ) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            detail: detail.into(),
        }
    }
    pub fn matches(&self, filter: &str) -> bool {
        if filter.is_empty() {
            return true;
        }
        let f = filter.to_lowercase();
        self.label.to_lowercase().contains(&f)
            || self.detail.to_lowercase().contains(&f)
            || self.value.to_lowercase().contains(&f)
    }
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text,
    Number {
        min: i64,
        max: i64,
    },
    Port,
    /// `reveal` shows the value while the reveal key is held (or until the next key where the
    /// terminal reports no key releases).
    Password {
        reveal: bool,
    },
    /// `options` is `None` while the data is loading.
    Select {
        options: Option<Vec<Choice>>,
        filter: String,
    },
    MultiSelect {
        options: Option<Vec<Choice>>,
        filter: String,
    },
    Toggle,
    /// A repeatable group (zones): each item is a copy of `template`.
    Group {
        template: Vec<Field>,
        items: Vec<Vec<Field>>,
        min: usize,
        max: usize,
        noun: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Secret(Secret),
    One(Option<String>),
    Many(Vec<String>),
    Bool(bool),
    /// Groups keep their values in their items.
    None,
}

/// How a value is checked, beyond what its kind implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    None,
    ClusterName,
    ZoneName,
    Address,
    NewPassword,
    ExistingPassword,
    SshPort,
    PublishPorts,
    /// Free text of at most this many characters.
    MaxLen(usize),
}

/// When a field is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// A select's value equals this.
    Eq(&'static str, &'static str),
    /// A toggle is on.
    On(&'static str),
    All(Vec<Cond>),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: FieldKind,
    pub value: Value,
    /// Cursor in characters (text kinds).
    pub cursor: usize,
    /// The rule this value breaks, in words; shown once the field is touched.
    pub error: Option<String>,
    pub touched: bool,
    pub required: bool,
    pub rule: Rule,
    pub visible_if: Option<Cond>,
}

impl Field {
    fn new(
        id: &'static str,
        label: &'static str,
        help: &'static str,
        kind: FieldKind,
        value: Value,
    ) -> Field {
        Field {
            id,
            label,
            help,
            kind,
            value,
            cursor: 0,
            error: None,
            touched: false,
            required: true,
            rule: Rule::None,
            visible_if: None,
        }
    }
    pub fn text(id: &'static str, label: &'static str, help: &'static str, rule: Rule) -> Field {
        let mut f = Field::new(id, label, help, FieldKind::Text, Value::Text(String::new()));
        f.rule = rule;
        f
    }
    pub fn number(
        id: &'static str,
        label: &'static str,
        help: &'static str,
        min: i64,
        max: i64,
    ) -> Field {
        Field::new(
            id,
            label,
            help,
            FieldKind::Number { min, max },
            Value::Text(String::new()),
        )
    }
    pub fn port(id: &'static str, label: &'static str, help: &'static str, default: u16) -> Field {
        let mut f = Field::new(
            id,
            label,
            help,
            FieldKind::Port,
            Value::Text(default.to_string()),
        );
        f.cursor = default.to_string().len();
        f
    }
    pub fn password(
        id: &'static str,
        label: &'static str,
        help: &'static str,
        rule: Rule,
    ) -> Field {
        let mut f = Field::new(
            id,
            label,
            help,
            FieldKind::Password { reveal: false },
            Value::Secret(Secret::default()),
        );
        f.rule = rule;
        f
    }
    pub fn select(
        id: &'static str,
        label: &'static str,
        help: &'static str,
        options: Option<Vec<Choice>>,
    ) -> Field {
        Field::new(
            id,
            label,
            help,
            FieldKind::Select {
                options,
                filter: String::new(),
            },
            Value::One(None),
        )
    }
    pub fn multi(id: &'static str, label: &'static str, help: &'static str) -> Field {
        Field::new(
            id,
            label,
            help,
            FieldKind::MultiSelect {
                options: None,
                filter: String::new(),
            },
            Value::Many(Vec::new()),
        )
    }
    pub fn toggle(id: &'static str, label: &'static str, help: &'static str, on: bool) -> Field {
        let mut f = Field::new(id, label, help, FieldKind::Toggle, Value::Bool(on));
        f.required = false;
        f
    }
    pub fn group(
        id: &'static str,
        label: &'static str,
        help: &'static str,
        template: Vec<Field>,
        min: usize,
        max: usize,
        noun: &'static str,
    ) -> Field {
        let items = (0..min).map(|_| template.clone()).collect();
        Field::new(
            id,
            label,
            help,
            FieldKind::Group {
                template,
                items,
                min,
                max,
                noun,
            },
            Value::None,
        )
    }
    pub fn optional(mut self) -> Field {
        self.required = false;
        self
    }
    pub fn when(mut self, c: Cond) -> Field {
        self.visible_if = Some(c);
        self
    }
    pub fn with_value(mut self, v: Value) -> Field {
        if let Value::Text(s) = &v {
            self.cursor = s.chars().count();
        }
        self.value = v;
        self
    }

    pub fn text_value(&self) -> &str {
        match &self.value {
            Value::Text(s) => s,
            _ => "",
        }
    }
    pub fn choice(&self) -> Option<&str> {
        match &self.value {
            Value::One(v) => v.as_deref(),
            _ => None,
        }
    }
    pub fn choices(&self) -> &[String] {
        match &self.value {
            Value::Many(v) => v,
            _ => &[],
        }
    }
    pub fn flag(&self) -> bool {
        matches!(self.value, Value::Bool(true))
    }
    pub fn secret(&self) -> Option<&Secret> {
        match &self.value {
            Value::Secret(s) => Some(s),
            _ => None,
        }
    }
    pub fn options(&self) -> Option<&[Choice]> {
        match &self.kind {
            FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. } => {
                options.as_deref()
            }
            _ => None,
        }
    }
    /// The label shown for a select's current value.
    pub fn choice_label(&self, value: &str) -> String {
        self.options()
            .and_then(|o| o.iter().find(|c| c.value == value))
            .map(|c| c.label.clone())
            .unwrap_or_else(|| value.to_string())
    }
    /// The data a select's options come from (by the ids the wizards use).
    pub fn source(&self) -> Option<DataRequest> {
        Some(match self.id {
            "package" => DataRequest::Packages,
            "idc" => DataRequest::Idcs,
            "hosts" | "host" => DataRequest::Hosts,
            "host_type" => DataRequest::HostTypes,
            "credential" => DataRequest::Credentials,
            "proxy_cluster" => DataRequest::ProxyClusters,
            "zone" => DataRequest::AgentCluster,
            _ => return None,
        })
    }
    pub fn items(&self) -> &[Vec<Field>] {
        match &self.kind {
            FieldKind::Group { items, .. } => items,
            _ => &[],
        }
    }
    fn is_empty(&self) -> bool {
        match &self.value {
            Value::Text(s) => s.trim().is_empty(),
            Value::Secret(s) => s.is_empty(),
            Value::One(v) => v.is_none(),
            Value::Many(v) => v.is_empty(),
            Value::Bool(_) | Value::None => false,
        }
    }

    /// The rule this field's own value breaks, if any (cross-field rules are the wizard's).
    pub fn check(&self) -> Option<String> {
        if let FieldKind::Group {
            items, min, noun, ..
        } = &self.kind
        {
            if items.len() < *min {
                return Some(format!(
                    "at least {min} {noun}{}",
                    if *min == 1 { "" } else { "s" }
                ));
            }
            return None;
        }
        if self.is_empty() {
            return match (&self.kind, self.required) {
                (_, false) => None,
                (FieldKind::Select { .. }, true) => {
                    Some("choose one (Enter opens the list)".into())
                }
                (FieldKind::MultiSelect { .. }, true) => {
                    Some("choose at least one (Enter opens the list)".into())
                }
                (FieldKind::Port, true) => Some("required (port 1024–65535)".into()),
                _ => Some("required".into()),
            };
        }
        let r = match (&self.kind, &self.value) {
            (FieldKind::Number { min, max }, Value::Text(s)) => {
                validate::number(s, *min, *max).map(|_| ())
            }
            (FieldKind::Port, Value::Text(s)) => match self.rule {
                Rule::SshPort => validate::ssh_port(s).map(|_| ()),
                _ => validate::port(s).map(|_| ()),
            },
            (FieldKind::Password { .. }, Value::Secret(s)) => match self.rule {
                Rule::NewPassword => validate::new_password(s.expose()),
                _ => validate::existing_password(s.expose()),
            },
            (FieldKind::Text, Value::Text(s)) => match self.rule {
                Rule::ClusterName => validate::cluster_name(s),
                Rule::ZoneName => validate::zone_name(s),
                Rule::Address => validate::address(s),
                Rule::PublishPorts => validate::publish_ports(s),
                Rule::MaxLen(n) => validate::text(s, n, self.required),
                _ => validate::text(s, 256, self.required),
            },
            (
                FieldKind::Select {
                    options: Some(o), ..
                },
                Value::One(Some(v)),
            ) => {
                if o.iter().any(|c| &c.value == v) {
                    Ok(())
                } else {
                    Err(format!(
                        "{v:?} is not among the choices any more; choose again"
                    ))
                }
            }
            _ => Ok(()),
        };
        r.err()
    }
}
