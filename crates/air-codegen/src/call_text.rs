//! The text of a call, `f(a, "x", 3)`, as `aqua compile --call` and `aqua run -f` take it: the
//! function's name and each argument as written, with their byte ranges in the text (for
//! diagnostics that point into it). Commas inside strings and brackets do not split arguments.

use std::ops::Range;

/// A call split into its name and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallText<'c> {
    /// The function's name.
    pub name: &'c str,
    /// Where the name stands in the text.
    pub name_range: Range<usize>,
    /// The arguments as written (trimmed), each with where it stands.
    pub args: Vec<(&'c str, Range<usize>)>,
}

/// Splits `f(a, "x", 3)`; `None` when the text has no `name(` … `)` shape.
pub fn split_call(text: &str) -> Option<CallText<'_>> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    if close < open || !text[close + 1..].trim().is_empty() {
        return None;
    }
    let name_start = text.len() - text.trim_start().len();
    let name = text[name_start..open].trim_end();
    let mut args = Vec::new();
    let (mut start, mut quoted, mut depth) = (open + 1, false, 0usize);
    for (index, c) in text[open + 1..close].char_indices().map(|(i, c)| (i + open + 1, c)) {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                push_arg(text, start..index, &mut args);
                start = index + 1;
            }
            _ => {}
        }
    }
    push_arg(text, start..close, &mut args);
    Some(CallText { name, name_range: name_start..name_start + name.len(), args })
}

fn push_arg<'c>(text: &'c str, range: Range<usize>, args: &mut Vec<(&'c str, Range<usize>)>) {
    let raw = &text[range.clone()];
    let arg = raw.trim();
    if arg.is_empty() {
        return;
    }
    let start = range.start + (raw.len() - raw.trim_start().len());
    args.push((arg, start..start + arg.len()));
}

#[cfg(test)]
mod tests {
    use super::split_call;

    #[test]
    fn splits_at_top_level_commas_only() {
        let call = split_call(r#" greet(who, "a, b", [1, 2], 3) "#).expect("a call");
        assert_eq!(call.name, "greet");
        assert_eq!(call.name_range, 1..6);
        let args: Vec<&str> = call.args.iter().map(|(arg, _)| *arg).collect();
        assert_eq!(args, ["who", r#""a, b""#, "[1, 2]", "3"]);
        assert_eq!(call.args[1].1, 12..18);
        assert!(split_call("greet").is_none());
        assert!(split_call("greet(a) x").is_none());
    }
}
