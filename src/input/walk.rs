//! The folder walk: year folders, the workbooks below them, and what is skipped.

use super::ROSTER_STEM;
use crate::domain::findings::{Finding, Severity};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Which years a job reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearScope {
    One(i32),
    /// This year and every year before it in the term (the yearly job needs the term so
    /// far for term-wide rules).
    UpTo(i32),
    All,
}

pub fn is_workbook_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".ods", ".et"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The year folders present in the input folder, ascending.
pub fn year_folders(input: &Path) -> Result<Vec<i32>> {
    let mut years = Vec::new();
    let entries = std::fs::read_dir(input)
        .with_context(|| format!("无法读取输入文件夹 {}", input.display()))?;
    for e in entries.flatten() {
        if e.path().is_dir() {
            if let Some(y) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) {
                if (1949..=2200).contains(&y) {
                    years.push(y);
                }
            }
        }
    }
    years.sort();
    Ok(years)
}

/// All files below a folder, sorted by relative path so that runs are reproducible.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
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

pub fn relative(input: &Path, p: &Path) -> String {
    p.strip_prefix(input)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Finds the roster workbook in the input folder.
pub fn roster_path(input: &Path) -> Option<PathBuf> {
    ["xlsx", "xls", "ods", "xlsm", "et"]
        .iter()
        .map(|ext| input.join(format!("{ROSTER_STEM}.{ext}")))
        .find(|p| p.is_file())
}

/// A workbook to read: its year, path, path relative to the input folder, file name.
pub struct InputFile {
    pub year: i32,
    pub path: PathBuf,
    pub rel: String,
    pub name: String,
}

/// The workbooks of the years a job reads, and what was skipped.
pub struct Listing {
    pub years: Vec<i32>,
    pub files: Vec<InputFile>,
    pub skipped: Vec<Finding>,
}

/// Lists the workbooks of the years in scope, reporting the files that are skipped.
pub fn list_workbooks(input: &Path, scope: &YearScope) -> Result<Listing> {
    let present = |y: i32| -> Result<()> {
        let dir = input.join(y.to_string());
        if !dir.is_dir() {
            bail!(
                "输入文件夹中没有 {y} 年度的文件夹（应为 {}）",
                dir.display()
            );
        }
        Ok(())
    };
    let years = match scope {
        YearScope::One(y) => {
            present(*y)?;
            vec![*y]
        }
        YearScope::All => year_folders(input)?,
        YearScope::UpTo(y) => {
            present(*y)?;
            year_folders(input)?
                .into_iter()
                .filter(|x| x <= y)
                .collect()
        }
    };
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for &year in &years {
        for path in files_below(&input.join(year.to_string())) {
            let rel = relative(input, &path);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with("~$") || name.starts_with(".~") {
                skipped.push(
                    Finding::new(Severity::Info, &rel, "", 0)
                        .message("Excel/WPS 打开文件时生成的临时锁定文件，已跳过")
                        .hint("关闭表格后该文件会自动消失，也可直接删除"),
                );
                continue;
            }
            if name.starts_with('.') {
                continue;
            }
            if !is_workbook_name(&name) {
                skipped.push(
                    Finding::new(Severity::Info, &rel, "", 0)
                        .message("不是表格文件，已跳过")
                        .hint("报送表应为 .xlsx、.xls 或 .ods 文件"),
                );
                continue;
            }
            files.push(InputFile {
                year,
                path,
                rel,
                name,
            });
        }
    }
    Ok(Listing {
        years,
        files,
        skipped,
    })
}
