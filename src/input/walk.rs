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

/// The year folders present in the input folder, ascending. A year folder that is a link
/// leading out of the input folder is listed too, and refused when read.
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

/// An entry the walk will not read, with why (in Chinese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: String,
}

impl Refusal {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Refusal {
        Refusal {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// What the walk found at a path: a regular file to read, a folder to enter, or an
/// entry refused (special file, link out of the input folder, broken link).
#[derive(Debug)]
enum Kind {
    File,
    Dir(PathBuf),
    Refused(Refusal),
}

/// Looks at an entry by its metadata only, never opening it: links are resolved and must
/// stay inside `root` (the input folder, resolved); FIFOs, devices and sockets are refused.
fn kind_of(root: &Path, p: &Path) -> Kind {
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return Kind::Refused(Refusal::new("无法读取该文件的信息", "请检查文件权限"));
    };
    let (meta, real) = if meta.file_type().is_symlink() {
        let Ok(real) = std::fs::canonicalize(p) else {
            return Kind::Refused(Refusal::new(
                "快捷方式（符号链接）指向的文件不存在，未读取",
                "请删除该链接，或把实际文件复制到此处",
            ));
        };
        if !real.starts_with(root) {
            return Kind::Refused(Refusal::new(
                "快捷方式（符号链接）指向输入文件夹以外的位置，未读取",
                "请把报送文件本身复制到输入文件夹中，不要使用链接",
            ));
        }
        match std::fs::metadata(&real) {
            Ok(m) => (m, real),
            Err(_) => return Kind::Refused(Refusal::new("无法读取该文件的信息", "请检查文件权限")),
        }
    } else {
        (meta, p.to_path_buf())
    };
    if meta.is_dir() {
        Kind::Dir(std::fs::canonicalize(&real).unwrap_or(real))
    } else if meta.is_file() {
        Kind::File
    } else {
        Kind::Refused(Refusal::new(
            "不是普通文件（可能是管道、设备或套接字），未读取",
            "报送表应为普通的 .xlsx、.xls 或 .ods 文件",
        ))
    }
}

/// Why a file would not be read (a link out of `root`, a special file), if it would not.
pub fn refusal(root: &Path, p: &Path) -> Option<Refusal> {
    match kind_of(root, p) {
        Kind::File => None,
        Kind::Refused(r) => Some(r),
        Kind::Dir(_) => Some(Refusal::new("这是一个文件夹，不是表格文件", "请检查文件名")),
    }
}

/// An entry below a year folder: a file to read, or one refused.
#[derive(Debug)]
pub struct Found {
    pub path: PathBuf,
    pub refused: Option<Refusal>,
}

/// All files below a folder, sorted by path so that runs are reproducible. Links are
/// followed only inside `root`, and a folder reached twice (two links to `.`) is entered
/// once; the links skipped for that are listed in `looped`.
pub fn files_below(root: &Path, dir: &Path, looped: &mut Vec<PathBuf>) -> Vec<Found> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let start = match kind_of(root, dir) {
        Kind::Dir(real) => real,
        Kind::File => return out,
        Kind::Refused(r) => {
            out.push(Found {
                path: dir.to_path_buf(),
                refused: Some(r),
            });
            return out;
        }
    };
    if !start.starts_with(root) {
        out.push(Found {
            path: dir.to_path_buf(),
            refused: Some(Refusal::new(
                "文件夹是指向输入文件夹以外的快捷方式（符号链接），未读取",
                "请把报送文件本身复制到输入文件夹中，不要使用链接",
            )),
        });
        return out;
    }
    seen.insert(start);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match kind_of(root, &p) {
                Kind::Dir(real) => {
                    if seen.insert(real) {
                        stack.push(p)
                    } else {
                        looped.push(p)
                    }
                }
                Kind::File => out.push(Found {
                    path: p,
                    refused: None,
                }),
                Kind::Refused(r) => out.push(Found {
                    path: p,
                    refused: Some(r),
                }),
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
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
        .find(|p| p.symlink_metadata().is_ok())
}

/// A workbook to read: its year, path, path relative to the input folder, file name.
pub struct InputFile {
    pub year: i32,
    pub path: PathBuf,
    pub rel: String,
    pub name: String,
    /// Why the file is not read, when the walk refused it.
    pub refused: Option<Refusal>,
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
    let root = std::fs::canonicalize(input)
        .with_context(|| format!("无法读取输入文件夹 {}", input.display()))?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for &year in &years {
        let mut looped = Vec::new();
        let found = files_below(&root, &input.join(year.to_string()), &mut looped);
        for p in looped {
            skipped.push(
                Finding::new(Severity::Info, &relative(input, &p), "", 0)
                    .message("快捷方式（符号链接）指向已读取的文件夹，已跳过，以免重复或无限循环")
                    .hint("可删除该链接"),
            );
        }
        let before = files.len();
        for f in found {
            if let Some(file) = listed(input, year, f, &mut skipped) {
                files.push(file);
            }
        }
        if files.len() == before {
            skipped.push(
                Finding::new(Severity::Warning, &format!("{year}/"), "", 0)
                    .message(format!(
                        "{year} 年度文件夹中没有任何报送表，该年度的档案将全部为零"
                    ))
                    .hint(format!("请把各单位报送的表格放入该年度文件夹（{year}/）")),
            );
        }
    }
    Ok(Listing {
        years,
        files,
        skipped,
    })
}

/// A found entry as a workbook to read (or refused by name), or skipped with a note.
fn listed(input: &Path, year: i32, f: Found, skipped: &mut Vec<Finding>) -> Option<InputFile> {
    let rel = relative(input, &f.path);
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with("~$") || name.starts_with(".~") {
        skipped.push(
            Finding::new(Severity::Info, &rel, "", 0)
                .message("Excel/WPS 打开文件时生成的临时锁定文件，已跳过")
                .hint("关闭表格后该文件会自动消失，也可直接删除"),
        );
        return None;
    }
    if name.starts_with('.') {
        return None;
    }
    if let (Some(r), false) = (&f.refused, is_workbook_name(&name)) {
        // A refused year folder loses a year: an error. An odd entry that is no
        // workbook is only noted.
        let year_dir = f.path == input.join(year.to_string());
        let severity = if year_dir {
            Severity::Error
        } else {
            Severity::Warning
        };
        skipped.push(
            Finding::new(severity, &rel, "", 0)
                .message(r.message.clone())
                .hint(r.hint.clone()),
        );
        return None;
    }
    if !is_workbook_name(&name) {
        skipped.push(
            Finding::new(Severity::Info, &rel, "", 0)
                .message("不是表格文件，已跳过")
                .hint("报送表应为 .xlsx、.xls 或 .ods 文件"),
        );
        return None;
    }
    Some(InputFile {
        year,
        path: f.path,
        rel,
        name,
        refused: f.refused,
    })
}
