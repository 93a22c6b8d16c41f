//! Progress of long work (files read, documents written), told to one process-wide
//! sink: the terminal's when stderr is one, the workbench's while it runs a job.
//!
//! A global rather than a parameter: the stages that report (the input walk, the
//! staging area) sit under every job, and threading a callback through each job's
//! signature would touch all of them for what is only a display. The workbench runs
//! one job at a time, so one sink is enough.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

/// One step of progress.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// `done` of `total` input workbooks read.
    FilesRead { done: usize, total: usize },
    /// A document was staged (`count` so far in this job), at `rel` in the output folder.
    Written { count: usize, rel: &'a Path },
    /// The staged documents were moved into place.
    Committed { count: usize },
}

/// Whoever shows progress.
pub trait Progress: Send + Sync {
    fn event(&self, e: Event<'_>);
}

static SINK: RwLock<Option<Arc<dyn Progress>>> = RwLock::new(None);

/// Sets (or with `None` removes) the sink; returns the previous one.
pub fn set_sink(sink: Option<Arc<dyn Progress>>) -> Option<Arc<dyn Progress>> {
    match SINK.write() {
        Ok(mut g) => std::mem::replace(&mut *g, sink),
        Err(p) => std::mem::replace(&mut *p.into_inner(), sink),
    }
}

/// Tells the sink, if any.
pub fn emit(e: Event<'_>) {
    let sink = match SINK.read() {
        Ok(g) => g.clone(),
        Err(p) => p.into_inner().clone(),
    };
    if let Some(s) = sink {
        s.event(e);
    }
}

/// Progress bars on a terminal's stderr, one line redrawn in place.
#[derive(Default)]
pub struct Terminal {
    /// Whether a line is open (drawn without its newline).
    open: Mutex<bool>,
}

impl Progress for Terminal {
    fn event(&self, e: Event<'_>) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = match e {
            Event::FilesRead { done, total } => {
                let line = format!("\r读取报送表 {} {done}/{total}\x1b[K", bar(done, total));
                *open = done < total;
                if *open {
                    write!(err, "{line}")
                } else {
                    writeln!(err, "{line}")
                }
            }
            Event::Written { count, .. } => {
                *open = true;
                write!(err, "\r已写出 {count} 个文件\x1b[K")
            }
            Event::Committed { count } => {
                let was = std::mem::replace(&mut *open, false);
                if was {
                    writeln!(err, "\r已写出 {count} 个文件\x1b[K")
                } else {
                    Ok(())
                }
            }
        };
        let _ = err.flush();
    }
}

/// `[#####.....]`, 20 wide.
pub fn bar(done: usize, total: usize) -> String {
    const W: usize = 20;
    let filled = (done * W).checked_div(total).unwrap_or(W).min(W);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(W - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_fills_in_proportion() {
        assert_eq!(bar(0, 4), "[....................]");
        assert_eq!(bar(1, 4), "[#####...............]");
        assert_eq!(bar(4, 4), "[####################]");
        // Nothing to read counts as done.
        assert_eq!(bar(0, 0), "[####################]");
    }
}
