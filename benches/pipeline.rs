//! The benchmark (`cargo bench`): generated districts of three sizes, each job run in a
//! child process so that its peak memory is its own; wall time per stage, the median of
//! several runs, and the floor (reading every input cell, writing every output file).
//!
//! `LVZHI_BENCH=S,M,L` chooses the workloads (default S,M); `LVZHI_BENCH_RUNS` the runs.
//! Results go to stdout as a Markdown table (copied into BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Workload {
    name: &'static str,
    what: &'static str,
    groups: usize,
    delegates: usize,
    years: usize,
    /// The generator's activity level (records per delegate a year: 1 ≈ 10, 5 ≈ 40).
    activity: usize,
    job: &'static [&'static str],
}

const WORKLOADS: [Workload; 3] = [
    Workload {
        name: "S",
        what: "一个区一年度：全部年度文书",
        groups: 18,
        delegates: 220,
        years: 5,
        activity: 1,
        job: &["annual", "--year", "2025"],
    },
    Workload {
        name: "M",
        what: "一个市（16 个区）届末：届末全套",
        groups: 288,
        delegates: 3_520,
        years: 5,
        activity: 1,
        job: &["term"],
    },
    Workload {
        name: "L",
        what: "一个省一年度：读取、校验、汇总和汇总表",
        groups: 5_000,
        delegates: 100_000,
        years: 1,
        activity: 5,
        job: &["archive", "--year", "2022", "--summary-only"],
    },
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
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

/// One run, in this (child) process: the job through the real command line, then the
/// floor. Prints one line: stage=seconds … peak_kb=… cells=… outputs=…
fn child(dir: &Path, job: &[&str]) {
    let input = dir.join("input");
    let reports = dir.join("reports");
    let _ = std::fs::remove_dir_all(&reports);
    let mut args = vec!["lvzhi".to_string()];
    args.extend(job.iter().map(|s| s.to_string()));
    args.extend([
        "--input".into(),
        input.display().to_string(),
        "--output".into(),
        reports.display().to_string(),
    ]);
    settle();
    let started = Instant::now();
    let code = lvzhi::main_with_args(args);
    let total = started.elapsed();
    assert_eq!(code, 0, "the job failed");
    let stages = lvzhi::timing::take();
    let peak = peak_kb();
    // Floor: read every input cell, on both cores (each taking the next file) as the
    // pipeline does…
    let t = Instant::now();
    let cells: usize = lvzhi::par::map_dynamic(&files(&input), |f| {
        std::fs::read(f)
            .ok()
            .and_then(|bytes| lvzhi::input::open::open(&bytes).ok())
            .map_or(0, |wb| {
                wb.sheets.iter().map(|s| s.cell_count()).sum::<usize>()
            })
    })
    .into_iter()
    .sum();
    let floor_read = t.elapsed();
    // …and write every output file (the same bytes, into a fresh folder).
    let outputs: Vec<(PathBuf, Vec<u8>)> = files(&reports)
        .into_iter()
        .filter_map(|p| {
            std::fs::read(&p).ok().map(|b| {
                (
                    p.strip_prefix(&reports)
                        .map(|x| x.to_path_buf())
                        .unwrap_or_default(),
                    b,
                )
            })
        })
        .collect();
    let copy = dir.join("floor-copy");
    let _ = std::fs::remove_dir_all(&copy);
    settle();
    let t = Instant::now();
    for (rel, bytes) in &outputs {
        let p = copy.join(rel);
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&p, bytes);
    }
    let floor_write = t.elapsed();
    let _ = std::fs::remove_dir_all(&copy);
    let mut line = format!("total={:.4}", total.as_secs_f64());
    let mut staged = 0.0;
    for (s, d) in stages {
        staged += d.as_secs_f64();
        line.push_str(&format!(" {s}={:.4}", d.as_secs_f64()));
    }
    // 生成 (render and write) is what the recorded stages leave of the job's time.
    line.push_str(&format!(
        " 生成={:.4}",
        (total.as_secs_f64() - staged).max(0.0)
    ));
    line.push_str(&format!(
        " floor_read={:.4} floor_write={:.4} peak_kb={peak} cells={cells} outputs={}",
        floor_read.as_secs_f64(),
        floor_write.as_secs_f64(),
        outputs.len()
    ));
    println!("{line}");
}

/// Writes back what earlier writing left in the page cache (Unix `sync`; elsewhere
/// nothing), so that the job and the floor's write each start without a backlog: the
/// time to write a gigabyte otherwise depends on what was written just before.
fn settle() {
    let _ = Command::new("sync").status();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        0.0
    } else {
        v[v.len() / 2]
    }
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
    let chosen = std::env::var("LVZHI_BENCH").unwrap_or_else(|_| "S,M".into());
    let root = std::env::temp_dir().join("lvzhi-bench");
    let exe = std::env::current_exe().expect("bench executable");
    println!("| 规模 | 内容 | 代表 | 输入文件 | 输入单元格 | 输出文件 | 读取 | 校验 | 汇总 | 生成 | 合计（中位数） | 每名代表 | 下限（读+写） | 合计/下限 | 读校汇/读取下限 | 峰值内存 |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for w in WORKLOADS
        .iter()
        .filter(|w| chosen.split(',').any(|c| c.trim() == w.name))
    {
        let dir = root.join(w.name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
        let spec = lvzhi::sample::Spec {
            groups: w.groups,
            delegates: w.delegates,
            years: w.years,
            activity: w.activity,
            ..Default::default()
        };
        let gen = Instant::now();
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
            gen.elapsed().as_secs_f64()
        );
        let default_runs = if w.name == "L" {
            1
        } else if w.name == "M" {
            3
        } else {
            7
        };
        let runs: usize = std::env::var("LVZHI_BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(default_runs);
        let mut samples: Vec<std::collections::BTreeMap<String, f64>> = Vec::new();
        for _ in 0..runs {
            let out = Command::new(&exe)
                .env("LVZHI_BENCH_DIR", &dir)
                .env("LVZHI_BENCH_JOB", w.job.join(" "))
                .stderr(std::process::Stdio::null())
                .output()
                .expect("child runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let line = text.lines().last().unwrap_or("").to_string();
            assert!(line.starts_with("total="), "child failed: {text}");
            samples.push(
                line.split(' ')
                    .filter_map(|kv| {
                        kv.split_once('=')
                            .and_then(|(k, v)| v.parse::<f64>().ok().map(|v| (k.to_string(), v)))
                    })
                    .collect(),
            );
        }
        let m = |k: &str| {
            median(
                samples
                    .iter()
                    .map(|s| s.get(k).copied().unwrap_or(0.0))
                    .collect(),
            )
        };
        let total = m("total");
        let floor = m("floor_read") + m("floor_write");
        // What must happen before any output (read, validate, aggregate) against reading
        // alone: the part of the gap to the floor that rendering cannot close.
        let before_output = m("读取") + m("校验") + m("汇总");
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let inputs = district.files.len();
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.3} s | {:.3} s | {:.3} s | {:.3} s | {:.3} s | {:.2} ms | {:.3} s | {:.2}× | {:.2}× | {:.0} MB |",
            w.name,
            w.what,
            w.delegates + 1,
            inputs,
            m("cells") as u64,
            m("outputs") as u64,
            m("读取"),
            m("校验"),
            m("汇总"),
            m("生成"),
            total,
            total * 1000.0 / (w.delegates + 1) as f64,
            floor,
            ratio(total, floor),
            ratio(before_output, m("floor_read")),
            m("peak_kb") / 1024.0,
        );
    }
}
