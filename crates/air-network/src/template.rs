//! Result templates of mocked services, as the reference oracle has them: a result may depend on
//! the call's arguments (`$args`, `$arg0`, `{arg0}` inside a string) and name peers
//! (`$peer:NAME`).

use std::collections::BTreeMap;

use air_vm::value::JValue;

/// Fills a template: `$peer:NAME` (from `ids`, peer ids by name), `$args`, `$arg0`, and `{arg0}`
/// in strings.
pub fn fill(template: &JValue, args: &[JValue], ids: &BTreeMap<String, String>) -> JValue {
    match template {
        JValue::String(text) => {
            if let Some(name) = text.strip_prefix("$peer:") {
                return ids.get(name).map_or(JValue::Null, |id| JValue::String(id.clone()));
            }
            if text == "$args" {
                return JValue::Array(args.to_vec());
            }
            if text == "$arg0" {
                return args.first().cloned().unwrap_or(JValue::Null);
            }
            if text.contains("{arg0}") {
                let arg0 = match args.first() {
                    Some(JValue::String(arg)) => arg.clone(),
                    Some(other) => other.to_string(),
                    None => "\"\"".to_owned(),
                };
                return JValue::String(text.replace("{arg0}", &arg0));
            }
            template.clone()
        }
        JValue::Array(items) => {
            JValue::Array(items.iter().map(|item| fill(item, args, ids)).collect())
        }
        JValue::Object(map) => JValue::Object(
            map.iter().map(|(key, value)| (key.clone(), fill(value, args, ids))).collect(),
        ),
        other => other.clone(),
    }
}
