//! The mapping of OCP's take-over precheck answer into precheck items.

use crate::model::wizard::precheck::{CheckResult, PrecheckAnswer, PrecheckItem};
use obtui_api::ocp::TakeoverPrecheckResult;

/// The items of a server's precheck answer.
pub fn answer_items(a: &PrecheckAnswer) -> Vec<PrecheckItem> {
    match a {
        PrecheckAnswer::Takeover(r) => takeover_items(r),
    }
}

/// Render OCP's take-over precheck answer item by item.
///
/// The schema is only partly published: itemized `checkItems` are used when present, then
/// `result.messages` (each a failure reason when `valid` is false), then `result.valid` alone.
pub fn takeover_items(r: &TakeoverPrecheckResult) -> Vec<PrecheckItem> {
    let mut out = Vec::new();
    for (i, c) in r.check_items.iter().enumerate() {
        let name = c.name.clone().unwrap_or_else(|| format!("check {}", i + 1));
        let word = c
            .result
            .as_deref()
            .map(str::to_ascii_uppercase)
            .unwrap_or_default();
        let result = match word.as_str() {
            "PASS" | "PASSED" | "SUCCESS" | "SUCCESSFUL" | "OK" | "TRUE" => CheckResult::Pass,
            "WARN" | "WARNING" | "IGNORED" => CheckResult::Warn,
            "FAIL" | "FAILED" | "FALSE" | "ERROR" => CheckResult::Fail,
            // Unknown words must not let a submit through silently.
            _ => CheckResult::Warn,
        };
        let reason = c.reason.clone().unwrap_or_else(|| {
            if word.is_empty() {
                "no result given".into()
            } else {
                word.clone()
            }
        });
        let fix = c.fix.clone().unwrap_or_else(|| match result {
            CheckResult::Pass => String::new(),
            _ => "fix the OBServer configuration named in the reason, then press r".into(),
        });
        out.push(PrecheckItem {
            name,
            result,
            reason,
            fix,
            subject: None,
        });
    }
    let verdict = r.result.as_ref();
    let valid = verdict.and_then(|v| v.valid);
    let messages = verdict.map(|v| v.messages.as_slice()).unwrap_or(&[]);
    let items = out.len();
    for m in messages {
        // A message that repeats a check item's reason is the same finding: count it once.
        let said =
            |x: &PrecheckItem| x.reason.contains(m.as_str()) || m.contains(x.reason.as_str());
        if out[..items]
            .iter()
            .any(|x| x.result != CheckResult::Pass && !x.reason.is_empty() && said(x))
        {
            continue;
        }
        let item = if valid == Some(true) {
            PrecheckItem::warn(
                "OCP precheck message",
                m.clone(),
                "read it; it did not block the take-over",
            )
        } else {
            PrecheckItem::fail(
                "OCP precheck",
                m.clone(),
                "fix what the message names on the cluster, then press r",
            )
        };
        out.push(item);
    }
    match valid {
        Some(true) => out.push(PrecheckItem::pass(
            "OCP take-over precheck",
            "OCP reports the cluster can be taken over",
        )),
        Some(false)
            if messages.is_empty() && !out.iter().any(|i| i.result == CheckResult::Fail) =>
        {
            out.push(PrecheckItem::fail(
                "OCP take-over precheck",
                "OCP reports the cluster cannot be taken over (no reason given)",
                "check the OBServers are all running and reachable from OCP, then press r",
            ))
        }
        Some(false) => {}
        None if out.is_empty() => out.push(PrecheckItem::warn(
            "OCP take-over precheck",
            "OCP answered without a verdict",
            "read the answer in OCP's console or logs before submitting",
        )),
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: serde_json::Value) -> TakeoverPrecheckResult {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn verdicts_become_items() {
        let ok = takeover_items(&parse(
            serde_json::json!({"clusterName":"ob","result":{"valid":true,"messages":[]}}),
        ));
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].result, CheckResult::Pass);
        let bad = takeover_items(&parse(
            serde_json::json!({"result":{"valid":false,"messages":["server 1.1.1.1 memory_limit too small","clock skew"]}}),
        ));
        assert_eq!(bad.len(), 2);
        assert!(bad.iter().all(|i| i.result == CheckResult::Fail));
        let blank = takeover_items(&parse(serde_json::json!({"result":{"valid":false}})));
        assert_eq!(blank[0].result, CheckResult::Fail);
        let items = takeover_items(&parse(serde_json::json!({"checkItems":[
            {"name":"a","result":"PASSED"},{"name":"b","result":"FAILED","reason":"r"},{"name":"c","result":"???"}
        ]})));
        let r: Vec<_> = items.iter().map(|i| i.result).collect();
        assert_eq!(
            r,
            vec![CheckResult::Pass, CheckResult::Fail, CheckResult::Warn]
        );
        let none = takeover_items(&parse(serde_json::json!({})));
        assert_eq!(none[0].result, CheckResult::Warn);
    }
}

#[cfg(test)]
mod dedupe_tests {
    use super::*;

    #[test]
    fn a_message_repeating_a_failed_item_counts_once() {
        let r: TakeoverPrecheckResult = serde_json::from_value(serde_json::json!({
            "clusterName": "nova_dr",
            "result": {"valid": false, "messages": ["nova_dr is a standby of nova, which OCP does not manage yet", "another problem"]},
            "checkItems": [
                {"name": "Primary cluster managed", "result": "FAIL", "reason": "nova_dr is a standby of nova, which OCP does not manage yet", "fix": "take over nova first"},
                {"name": "Version supported", "result": "PASS", "reason": "4.2.1.2"}
            ]
        }))
        .unwrap();
        let items = takeover_items(&r);
        let fails = items
            .iter()
            .filter(|i| i.result == CheckResult::Fail)
            .count();
        assert_eq!(fails, 2, "{items:?}");
        assert!(items.iter().any(|i| i.reason == "another problem"));
    }
}
