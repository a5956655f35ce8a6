//! JavaScript literals inside generated code: the AIR as a template literal, definitions as
//! object literals.

use serde::Serialize;

/// `` `text` `` with backslashes, backticks and `${` escaped, so the string is the text.
pub fn template_literal(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('`', "\\`").replace("${", "\\${");
    format!("`\n{escaped}`")
}

/// A definition as an object literal (JSON, fields in order), indented to sit in a function
/// body.
pub fn json_literal(value: &impl Serialize) -> String {
    // Serialising descriptors into a string cannot fail: every key is a string.
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    pretty.replace('\n', "\n    ")
}
