//! Progress on long runs: one line on stderr, redrawn in place — cases done of all, the phase or
//! part running, elapsed time and rate — when stderr is a terminal and `--quiet` is not given.
//! Anywhere else (a CI log, a pipe) it draws nothing, so logs hold only what they held before.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::run::{Event, EventKind};

/// The bar, when there is a terminal to draw it on.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    parts_done: usize,
    parts: usize,
    /// The part under way and when it began, for its rate.
    part: Option<(crate::properties::Part, std::time::Instant)>,
}

impl Progress {
    /// A bar on stderr, unless `quiet` or stderr is not a terminal.
    pub(super) fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos}/{len} cases · {msg} · {elapsed} · {per_sec}")
                    .expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            parts_done: 0,
            parts: 0,
            part: None,
        }
    }

    /// Take in one event of the run.
    pub(super) fn event(&mut self, event: &Event<'_>) {
        let Some(bar) = &self.bar else { return };
        match &event.kind {
            EventKind::Started { cases, parts } => {
                self.parts = parts.len();
                bar.set_length((*cases + parts.len()) as u64);
                bar.set_message("spec cases");
            }
            EventKind::CaseFinished(_) => bar.inc(1),
            EventKind::PhaseStarted { seed, cases } => {
                // From here the rate is the generated cases', in the message.
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {pos}/{len} cases · {msg} · {elapsed}")
                        .expect("a valid template"),
                );
                let per = if *cases == u32::MAX {
                    "until its time is up".to_string()
                } else {
                    format!("{cases} cases per part")
                };
                bar.set_message(format!(
                    "generated phase (seed {seed}, {per}): 0 of {} parts done",
                    self.parts
                ));
            }
            EventKind::PartProgress {
                part,
                checked,
                of,
                shrinking,
            } => {
                let began = match self.part {
                    Some((p, began)) if p == *part => began,
                    _ => {
                        let now = std::time::Instant::now();
                        self.part = Some((*part, now));
                        now
                    }
                };
                let rate = *checked as f64 / began.elapsed().as_secs_f64().max(0.001);
                let shrinking = if *shrinking > 0 {
                    format!(", shrinking: {shrinking} steps")
                } else {
                    String::new()
                };
                // Nothing to count against in a campaign (`--duration`): drawn until time is up.
                let doing = match (*of, *checked) {
                    (0, 0) => "drawing its cases".to_string(),
                    (0, _) => format!("{checked} cases ({rate:.0}/s){shrinking}"),
                    _ => format!("{checked} of {of} cases ({rate:.0}/s){shrinking}"),
                };
                bar.set_message(format!(
                    "generated phase: {} of {} parts done; {}: {doing}",
                    self.parts_done,
                    self.parts,
                    part.name()
                ));
            }
            EventKind::PartFinished(r) => {
                self.parts_done += 1;
                bar.inc(1);
                bar.set_message(format!(
                    "generated phase: {} of {} parts done ({} last)",
                    self.parts_done, self.parts, r.name
                ));
            }
            EventKind::Interrupted => bar.set_message("interrupted: cleaning up"),
            EventKind::CleanedUp { .. } => bar.finish_and_clear(),
            _ => {}
        }
    }

    /// Write lines (to stdout or stderr) without tearing the bar.
    pub(super) fn print(&self, write: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Clear the bar before the summary.
    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
