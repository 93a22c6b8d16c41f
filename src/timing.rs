//! Wall time per pipeline stage (读取, 校验, 汇总), recorded where each stage runs and
//! collected by the benchmark, which takes 生成 as the rest of the job's time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

static STAGES: Mutex<Vec<(&'static str, Duration)>> = Mutex::new(Vec::new());

/// Adds time to a stage.
pub fn record(stage: &'static str, d: Duration) {
    if let Ok(mut s) = STAGES.lock() {
        match s.iter_mut().find(|x| x.0 == stage) {
            Some(x) => x.1 += d,
            None => s.push((stage, d)),
        }
    }
}

/// Takes the stages recorded so far, in first-recorded order.
pub fn take() -> Vec<(&'static str, Duration)> {
    STAGES
        .lock()
        .map(|mut s| std::mem::take(&mut *s))
        .unwrap_or_default()
}

/// Times a stage until dropped.
pub struct Timer(&'static str, Instant);

impl Timer {
    pub fn start(stage: &'static str) -> Timer {
        Timer(stage, Instant::now())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        record(self.0, self.1.elapsed());
    }
}

pub const READ: &str = "读取";
pub const VALIDATE: &str = "校验";
pub const AGGREGATE: &str = "汇总";
