//! The benchmark (`cargo bench`): generated districts of 200, 1,000 and 10,000 delegates
//! and the shipped sample district, each job run as a child process and timed from
//! outside (wall time of the whole process, the median of several runs) with the
//! child's peak memory. The library records no times of its own.
//!
//! `LVZHI_BENCH=示例区,200,1000,10000` chooses the sizes (the default); `100000` adds
//! a smoke run that nothing is quadratic (not a target). `LVZHI_BENCH_RUNS` sets the
//! runs. Results go to stdout as a Markdown table (copied into BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Workload {
    name: &'static str,
    groups: usize,
    /// Delegates in the generated roster; the generator adds one by-election delegate.
    delegates: usize,
    years: usize,
    runs: usize,
    jobs: &'static [&'static [&'static str]],
}

const YEARLY_AND_TERM: &[&[&str]] = &[&["annual", "--year", "2025"], &["term"]];

const WORKLOADS: [Workload; 5] = [
    // The shipped sample district (`lvzhi sample`): the targets of 0.5 s and 2 s.
    Workload {
        name: "示例区",
        groups: 18,
        delegates: 220,
        years: 5,
        runs: 7,
        jobs: YEARLY_AND_TERM,
    },
    Workload {
        name: "200",
        groups: 17,
        delegates: 199,
        years: 5,
        runs: 7,
        jobs: YEARLY_AND_TERM,
    },
    Workload {
        name: "1000",
        groups: 83,
        delegates: 999,
        years: 5,
        runs: 5,
        jobs: YEARLY_AND_TERM,
    },
    Workload {
        name: "10000",
        groups: 833,
        delegates: 9_999,
        years: 5,
        runs: 3,
        jobs: YEARLY_AND_TERM,
    },
    // A smoke run only: no standing committee keeps 100,000 delegates' archives.
    Workload {
        name: "100000",
        groups: 8_333,
        delegates: 99_999,
        years: 1,
        runs: 1,
        jobs: &[&["annual", "--year", "2022"]],
    },
];

fn count_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                n += 1;
            }
        }
    }
    n
}

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One run, in this (child) process: the job through the real command line. Prints
/// one line: peak_kb=… outputs=…
fn child(dir: &Path, job: &[&str]) {
    let reports = dir.join("reports");
    let mut args = vec!["lvzhi".to_string()];
    args.extend(job.iter().map(|s| s.to_string()));
    args.extend([
        "--input".into(),
        dir.join("input").display().to_string(),
        "--output".into(),
        reports.display().to_string(),
    ]);
    let code = lvzhi::main_with_args(args);
    assert_eq!(code, 0, "the job failed");
    println!("peak_kb={} outputs={}", peak_kb(), count_files(&reports));
}

/// Writes back what earlier runs left in the page cache (Unix `sync`), so that each run
/// starts without a backlog of writing.
fn settle() {
    let _ = Command::new("sync").status();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn generate(w: &Workload, dir: &Path) -> usize {
    let _ = std::fs::remove_dir_all(dir);
    let spec = lvzhi::sample::Spec {
        groups: w.groups,
        delegates: w.delegates,
        years: w.years,
        ..Default::default()
    };
    let started = Instant::now();
    let district = lvzhi::sample::generate(&spec).expect("generate");
    for (rel, bytes) in &district.files {
        let p = dir.join("input").join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write");
    }
    eprintln!(
        "{}: 生成输入 {} 个文件，用时 {:.1} 秒",
        w.name,
        district.files.len(),
        started.elapsed().as_secs_f64()
    );
    district.files.len()
}

fn main() {
    if let (Ok(dir), Ok(job)) = (
        std::env::var("LVZHI_BENCH_DIR"),
        std::env::var("LVZHI_BENCH_JOB"),
    ) {
        let job: Vec<&str> = job.split(' ').collect();
        child(Path::new(&dir), &job);
        return;
    }
    let chosen = std::env::var("LVZHI_BENCH").unwrap_or_else(|_| "示例区,200,1000,10000".into());
    let root = std::env::temp_dir().join("lvzhi-bench");
    let exe = std::env::current_exe().expect("bench executable");
    println!("| 规模 | 代表 | 命令 | 输入文件 | 输出文件 | 合计（中位数） | 每名代表 | 峰值内存（最大） |");
    println!("|---|---|---|---|---|---|---|---|");
    for w in WORKLOADS
        .iter()
        .filter(|w| chosen.split(',').any(|c| c.trim() == w.name))
    {
        let dir: PathBuf = root.join(w.name);
        let inputs = generate(w, &dir);
        let delegates = w.delegates + 1;
        let runs: usize = std::env::var("LVZHI_BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(w.runs);
        for job in w.jobs {
            let (mut walls, mut peaks, mut outputs) = (Vec::new(), Vec::new(), 0);
            for _ in 0..runs {
                let _ = std::fs::remove_dir_all(dir.join("reports"));
                settle();
                let started = Instant::now();
                let out = Command::new(&exe)
                    .env("LVZHI_BENCH_DIR", &dir)
                    .env("LVZHI_BENCH_JOB", job.join(" "))
                    .stderr(std::process::Stdio::null())
                    .output()
                    .expect("child runs");
                walls.push(started.elapsed().as_secs_f64());
                let text = String::from_utf8_lossy(&out.stdout);
                let line = text.lines().last().unwrap_or("");
                assert!(line.starts_with("peak_kb="), "child failed: {text}");
                for kv in line.split(' ') {
                    match kv.split_once('=') {
                        Some(("peak_kb", v)) => peaks.push(v.parse::<f64>().unwrap_or(0.0)),
                        Some(("outputs", v)) => outputs = v.parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            let total = median(walls);
            println!(
                "| {} | {} | `{}` | {} | {} | **{:.3} s** | {:.2} ms | {:.0} MB |",
                w.name,
                delegates,
                job.join(" "),
                inputs,
                outputs,
                total,
                total * 1000.0 / delegates as f64,
                peaks.iter().copied().fold(0.0, f64::max) / 1024.0,
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
