//! The progress line of `aqua run` on standard error, for runs longer than a second: rewritten in
//! place on a terminal, a plain line every few seconds otherwise (CI logs).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use air_network::RunReport;

/// Runs shorter than this show no progress at all.
const QUIET_FOR: Duration = Duration::from_secs(1);
/// How often a terminal's line is rewritten.
const TERMINAL_EVERY: Duration = Duration::from_millis(200);
/// How often a line is written when standard error is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// Shows how far a run has got.
pub struct Progress {
    started: Instant,
    last_shown: Option<Instant>,
    terminal: bool,
}

impl Progress {
    /// Starts the clock.
    pub fn start() -> Progress {
        Progress {
            started: Instant::now(),
            last_shown: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Called after every delivery: shows the state when it is due.
    pub fn update(&mut self, report: &RunReport) {
        let now = Instant::now();
        let elapsed = now - self.started;
        if elapsed < QUIET_FOR {
            return;
        }
        let every = if self.terminal { TERMINAL_EVERY } else { LOG_EVERY };
        if self.last_shown.is_some_and(|last| now - last < every) {
            return;
        }
        self.last_shown = Some(now);
        let line = status(report, elapsed);
        let mut stderr = std::io::stderr().lock();
        // Progress that cannot be written is not worth failing the run for.
        let _ = if self.terminal {
            write!(stderr, "\r\x1b[2K{line}")
        } else {
            writeln!(stderr, "{line}")
        };
        let _ = stderr.flush();
    }

    /// Clears the line (on a terminal) and prints the summary of a run that took over a second.
    pub fn finish(self, report: &RunReport) {
        let elapsed = self.started.elapsed();
        if self.terminal && self.last_shown.is_some() {
            eprint!("\r\x1b[2K");
        }
        if elapsed >= QUIET_FOR {
            eprintln!("{}", status(report, elapsed).replacen("running", "ran", 1));
        }
    }
}

/// `running: 1200 deliveries (410/s), 3600 steps, 1250 ms simulated, 3.1 s`
fn status(report: &RunReport, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = report.hops.len() as f64 / seconds.max(1e-9);
    format!(
        "running: {} deliveries ({rate:.0}/s), {} steps, {} ms simulated, {seconds:.1} s",
        report.hops.len(),
        report.steps,
        report.elapsed_ms,
    )
}
