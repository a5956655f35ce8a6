//! `aqua run --graph`: a run drawn as a sequence diagram in one self-contained HTML file (inline
//! SVG and CSS, no scripts, no network access): a lifeline per peer, an arrow per delivery of the
//! particle, and under each arrow the service calls made on the receiving peer.

use std::collections::HashMap;
use std::fmt::Write;

use air_network::{Hop, RunReport, Stop};
use serde_json::Value as Json;

/// Width of one peer's column.
const COLUMN: usize = 190;
/// Left margin before the first column.
const MARGIN: usize = 20;
/// Height of the peer boxes at the top.
const HEADER: usize = 50;
/// Height of one line of text.
const LINE: usize = 15;
/// Calls shown in full under an arrow; the rest are counted.
const MAX_CALLS: usize = 8;
/// Characters of a call shown on its line (the whole call is in its tooltip).
const MAX_CALL_CHARS: usize = 48;

/// What the picture is about: the call that ran and how it ended.
pub struct Caption<'a> {
    /// The call, as written on the command line.
    pub call: &'a str,
    /// The function's result, or what went wrong (the messages of the run, several lines).
    pub outcome: &'a str,
    /// The Aqua line and place (`file:line:column: code`) of the instruction at a span of the
    /// script (a call, or what sent the particle on), if the source map knows them.
    pub origin: &'a dyn Fn(air_syntax::ast::Span) -> Option<(usize, String)>,
    /// A text with every peer id in it shown as the peer's name (`@alice`).
    pub show: &'a dyn Fn(&str) -> String,
}

/// Renders a run as an HTML page. `peers` gives each peer's name and id, client first.
pub fn render(report: &RunReport, peers: &[(String, String)], caption: &Caption<'_>) -> String {
    let lanes = Lanes::new(report, peers);
    let mut rows = String::new();
    let mut y = HEADER + 30;
    // What sent each delivery: the sending peer's last hop names the instruction per target.
    let mut senders: HashMap<(&str, &str), air_syntax::ast::Span> = HashMap::new();
    for hop in &report.hops {
        let cause = hop
            .from
            .as_deref()
            .and_then(|from| senders.get(&(from, hop.to.as_str())))
            .and_then(|span| (caption.origin)(*span));
        y = draw_hop(&mut rows, hop, &lanes, caption, cause, y);
        for (next, span) in &hop.sent_by {
            senders.insert((hop.to.as_str(), next.as_str()), *span);
        }
    }
    let height = y + 30;
    // Room on the right for the calls listed under the last column.
    let width = MARGIN * 2 + COLUMN * lanes.names.len().max(1) + 7 * MAX_CALL_CHARS;
    let mut svg = String::new();
    for (index, name) in lanes.names.iter().enumerate() {
        let x = lanes.x(index);
        let id = lanes.ids.get(index).map(String::as_str).unwrap_or("");
        let _ = write!(
            svg,
            r#"<g class="peer"><title>{id}</title><rect x="{}" y="10" width="{}" height="30" rx="4"/><text x="{x}" y="30" text-anchor="middle">{}</text></g><line class="life" x1="{x}" y1="40" x2="{x}" y2="{}"/>"#,
            x - COLUMN / 2 + 15,
            COLUMN - 30,
            escape(name),
            height - 10,
        );
    }
    svg.push_str(&rows);
    let stop = match report.stop {
        Stop::Done => "finished",
        Stop::TtlExpired => "TTL expired",
        Stop::StepLimit => "step limit reached",
        Stop::InstructionBudget => "instruction budget spent",
    };
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>aqua run: {call}</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }}
h1 {{ font-size: 1.2em; }}
dl {{ display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }}
dt {{ font-weight: 600; }}
dd {{ margin: 0; font-family: ui-monospace, monospace; white-space: pre-wrap; }}
svg text {{ font: 12px ui-monospace, monospace; }}
.peer rect {{ fill: #e8f0fe; stroke: #4a6fa5; }}
.peer text {{ font-weight: 600; }}
.life {{ stroke: #aab; stroke-dasharray: 4 4; }}
.arrow {{ stroke: #4a6fa5; stroke-width: 1.5; marker-end: url(#head); }}
.dropped .arrow {{ stroke: #c33; stroke-dasharray: 6 4; marker-end: url(#cross); }}
.call, .error {{ paint-order: stroke; stroke: #fff; stroke-width: 3px; }}
.call {{ fill: #333; }}
.failed, .error {{ fill: #c33; }}
.note {{ fill: #777; }}
pre.report {{ font: 13px ui-monospace, monospace; background: #f6f6f6; padding: 1em; }}
</style>
</head>
<body>
<h1>aqua run <code>{call}</code></h1>
<dl>
<dt>outcome</dt><dd>{outcome}</dd>
<dt>run</dt><dd>{stop}: {hops} deliveries, {steps} interpreter steps, {elapsed} ms simulated</dd>
</dl>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">
<defs>
<marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a6fa5"/></marker>
<marker id="cross" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10"><path d="M1,1 L9,9 M9,1 L1,9" stroke="#c33" stroke-width="2"/></marker>
</defs>
{svg}
</svg>
{report}</body>
</html>
"##,
        call = escape(caption.call),
        outcome = escape(caption.outcome.lines().next().unwrap_or_default()),
        report = failure_report(caption.outcome),
        hops = report.hops.len(),
        steps = report.steps,
        elapsed = report.elapsed_ms,
    )
}

/// The whole report of a failed run at the end of the page, as `aqua run` wrote it to the
/// terminal (nothing for a result, which the caption holds).
fn failure_report(outcome: &str) -> String {
    if outcome.lines().nth(1).is_none() {
        return String::new();
    }
    format!("<h2>What went wrong</h2>\n<pre class=\"report\">{}</pre>\n", escape(outcome))
}

/// The peers' columns: the given peers that took part, client first, in order of appearance.
struct Lanes {
    names: Vec<String>,
    ids: Vec<String>,
}

impl Lanes {
    fn new(report: &RunReport, peers: &[(String, String)]) -> Lanes {
        let mut names: Vec<String> = Vec::new();
        let mut add = |name: &str| {
            if !names.iter().any(|known| known == name) {
                names.push(name.to_string());
            }
        };
        if let Some((client, _)) = peers.first() {
            add(client);
        }
        for hop in &report.hops {
            if let Some(from) = &hop.from {
                add(from);
            }
            add(&hop.to);
        }
        let ids = names
            .iter()
            .map(|name| {
                peers.iter().find(|(n, _)| n == name).map(|(_, id)| id.clone()).unwrap_or_default()
            })
            .collect();
        Lanes { names, ids }
    }

    fn index(&self, name: &str) -> usize {
        self.names.iter().position(|known| known == name).unwrap_or(0)
    }

    fn x(&self, index: usize) -> usize {
        MARGIN + COLUMN * index + COLUMN / 2
    }
}

/// Draws one delivery at height `y` and returns the height below it.
fn draw_hop(
    svg: &mut String,
    hop: &Hop,
    lanes: &Lanes,
    caption: &Caption<'_>,
    cause: Option<(usize, String)>,
    y: usize,
) -> usize {
    let to = lanes.x(lanes.index(&hop.to));
    let from = hop.from.as_deref().map(|name| lanes.x(lanes.index(name)));
    let class = if hop.dropped.is_some() { "hop dropped" } else { "hop" };
    let _ = write!(svg, r#"<g class="{class}">"#);
    let mut label = match hop.dropped {
        Some(why) => format!("{} ms · {why}", hop.at),
        None => format!("{} ms", hop.at),
    };
    // The Aqua line that sent the particle: on the arrow, its code in the tooltip.
    let title = match &cause {
        Some((line, place)) => {
            label = format!("{label} · line {line}");
            format!("<title>sent by {}</title>", escape(place))
        }
        None => String::new(),
    };
    match from {
        Some(from) if from != to => {
            let _ = write!(
                svg,
                r#"<line class="arrow" x1="{from}" y1="{y}" x2="{to}" y2="{y}"/><text class="note" x="{}" y="{}" text-anchor="middle">{title}{}</text>"#,
                (from + to) / 2,
                y - 4,
                escape(&label),
            );
        }
        // The start at the client, or a peer invoked again by itself.
        _ => {
            let _ = write!(
                svg,
                r##"<circle cx="{to}" cy="{y}" r="5" fill="#4a6fa5"/><text class="note" x="{}" y="{}">{}</text>"##,
                to + 10,
                y + 4,
                escape(&if hop.from.is_none() { format!("start · {label}") } else { label }),
            );
        }
    }
    let mut y = y + LINE + 4;
    let left = to.saturating_sub(COLUMN / 2) + 8;
    for call in hop.calls.iter().take(MAX_CALLS) {
        let mut full = (caption.show)(&describe_call(call));
        let mut short = shorten(&full, MAX_CALL_CHARS);
        // The Aqua line of the call: in the tooltip, and as a side note after the call.
        if let Some((line, place)) = (caption.origin)(call.span) {
            full = format!("{full}\n{place}");
            short = format!("{short} · line {line}");
        }
        let class = if call.ret_code == 0 { "call" } else { "call failed" };
        let _ = write!(
            svg,
            r#"<text class="{class}" x="{left}" y="{y}"><title>{}</title>{}</text>"#,
            escape(&full),
            escape(&short),
        );
        y += LINE;
    }
    if hop.calls.len() > MAX_CALLS {
        let more = format!("… {} more calls", hop.calls.len() - MAX_CALLS);
        let _ = write!(svg, r#"<text class="note" x="{left}" y="{y}">{more}</text>"#);
        y += LINE;
    }
    let errors = hop
        .errors
        .iter()
        .map(|error| format!("error {}: {}", error.ret_code, (caption.show)(&error.message)));
    let unreachable = hop.unreachable.iter().map(|id| format!("sent to {id}, not in the network"));
    let cut_off = hop
        .cut_off
        .iter()
        .map(|name| format!("sent to {name} directly: the client reaches its relay alone"));
    for text in errors.chain(unreachable).chain(cut_off) {
        let _ = write!(
            svg,
            r#"<text class="error" x="{left}" y="{y}"><title>{}</title>{}</text>"#,
            escape(&text),
            escape(&shorten(&text, MAX_CALL_CHARS)),
        );
        y += LINE;
    }
    svg.push_str("</g>\n");
    y + 12
}

fn describe_call(call: &air_network::CallRecord) -> String {
    let args = Json::Array(call.args.clone());
    let arrow = if call.ret_code == 0 { "→" } else { "✗" };
    format!("{}.{}({}) {arrow} {}", call.service, call.function, inner(&args), call.result)
}

/// The text of a JSON array without its brackets.
fn inner(array: &Json) -> String {
    let text = array.to_string();
    text[1..text.len() - 1].to_string()
}

/// The first `max` characters, with an ellipsis if cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn shorten_keeps_short_text_and_cuts_long_text_on_characters() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("αβγδεζ", 4), "αβγ…");
    }
}
