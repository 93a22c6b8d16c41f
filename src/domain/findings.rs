//! Findings (every problem with where it is and how to fix it) and the per-file
//! reconciliation: rows read = accepted + merged duplicates + rejected.

use crate::domain::model::Source;
use crate::domain::text::clip;

/// The file column of a finding about a record nobody sent (an attendance gap).
pub const GAP_FILE: &str = "（缺少记录）";

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// 错误: the row cannot be used as it is; blocks the documents.
    Error,
    /// 警告: used, but someone should look.
    Warning,
    /// 提示: for information (ignored sheets, notes rows).
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub file: String,
    pub sheet: String,
    /// Excel row number, 0 when the finding concerns a whole file or sheet.
    pub row: u32,
    /// Column header with its letter, e.g. 姓名（E列）.
    pub column: String,
    pub value: String,
    pub message: String,
    pub hint: String,
}

/// The longest a finding's value, column, sheet or file name may be, and its message or
/// hint: every one ends up in a report cell (at most 32,767 characters in XLSX), and a
/// value is shown to be recognised, not read in full.
pub const MAX_FIELD_CHARS: usize = 300;
pub const MAX_MESSAGE_CHARS: usize = 2_000;

impl Finding {
    pub fn new(severity: Severity, file: &str, sheet: &str, row: u32) -> Finding {
        Finding {
            severity,
            file: clip(file, MAX_FIELD_CHARS),
            sheet: clip(sheet, MAX_FIELD_CHARS),
            row,
            column: String::new(),
            value: String::new(),
            message: String::new(),
            hint: String::new(),
        }
    }

    pub fn at(severity: Severity, source: &Source) -> Finding {
        Finding::new(severity, &source.file, &source.sheet, source.row)
    }

    pub fn column(mut self, c: impl Into<String>) -> Finding {
        self.column = clip(&c.into(), MAX_FIELD_CHARS);
        self
    }

    pub fn value(mut self, v: impl Into<String>) -> Finding {
        self.value = clip(&v.into(), MAX_FIELD_CHARS);
        self
    }

    pub fn message(mut self, m: impl Into<String>) -> Finding {
        self.message = clip(&m.into(), MAX_MESSAGE_CHARS);
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Finding {
        self.hint = clip(&h.into(), MAX_MESSAGE_CHARS);
        self
    }

    /// One line for the console: 文件 › 工作表 第N行 列：问题（值）。建议
    pub fn one_line(&self) -> String {
        let mut s = format!("[{}] {}", self.severity.label(), self.file);
        if !self.sheet.is_empty() {
            s.push_str(&format!(" › {}", self.sheet));
        }
        if self.row > 0 {
            s.push_str(&format!(" 第{}行", self.row));
        }
        if !self.column.is_empty() {
            s.push_str(&format!(" {}", self.column));
        }
        s.push_str(&format!("：{}", self.message));
        if !self.value.is_empty() {
            s.push_str(&format!("（值：{}）", self.value));
        }
        if !self.hint.is_empty() {
            s.push_str(&format!(" 建议：{}", self.hint));
        }
        s
    }
}

/// What happened to the rows of one input file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTally {
    pub file: String,
    pub unit: String,
    /// Non-empty data rows below the header rows of recognised sheets.
    pub read: u32,
    pub accepted: u32,
    /// Rows that repeat a record already accepted from another row (merged into it).
    pub merged: u32,
    pub rejected: u32,
    /// Notes and signature rows (填表人：…, 合计) that are not data, listed as 提示.
    pub notes: u32,
    /// Set when the file could not be opened at all.
    pub unreadable: bool,
}

impl FileTally {
    pub fn new(file: &str, unit: &str) -> FileTally {
        FileTally {
            file: file.to_string(),
            unit: unit.to_string(),
            ..FileTally::default()
        }
    }

    /// read = accepted + merged + rejected must hold for every file.
    pub fn balances(&self) -> bool {
        self.read == self.accepted + self.merged + self.rejected
    }
}

/// The validation outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    pub findings: Vec<Finding>,
    pub tallies: Vec<FileTally>,
}

impl Validation {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Only what concerns one year's folder (and the roster): earlier years were
    /// validated when their own reports were made.
    pub fn for_year(&self, year: i32) -> Validation {
        let folder = format!("{year}/");
        let dated = format!("{year}年");
        let is_year_file = |f: &str| {
            f.split_once('/').is_some_and(|(head, _)| {
                head.len() == 4 && head.bytes().all(|b| b.is_ascii_digit())
            })
        };
        let keep = |file: &str, value: &str| {
            if file.starts_with(&folder) {
                true
            } else if file == GAP_FILE {
                value.starts_with(&dated)
            } else {
                !is_year_file(file)
            }
        };
        Validation {
            findings: self
                .findings
                .iter()
                .filter(|f| keep(&f.file, &f.value))
                .cloned()
                .collect(),
            tallies: self
                .tallies
                .iter()
                .filter(|t| keep(&t.file, ""))
                .cloned()
                .collect(),
        }
    }

    /// Findings in a stable order: by file, sheet, row, then severity.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.file, &a.sheet, a.row, a.severity, &a.column, &a.message)
                .cmp(&(&b.file, &b.sheet, b.row, b.severity, &b.column, &b.message))
        });
        self.findings.dedup();
        self.tallies.sort_by(|a, b| a.file.cmp(&b.file));
    }

    /// The console summary, in Chinese: the totals, then one line per file.
    pub fn summary(&self) -> String {
        format!("{}{}", self.totals(), self.file_lines())
    }

    /// The totals: files and rows read, and the findings by severity (two lines).
    pub fn totals(&self) -> String {
        let mut s = String::new();
        let (read, acc, mer, rej): (u32, u32, u32, u32) =
            self.tallies.iter().fold((0, 0, 0, 0), |t, f| {
                (
                    t.0 + f.read,
                    t.1 + f.accepted,
                    t.2 + f.merged,
                    t.3 + f.rejected,
                )
            });
        s.push_str(&format!(
            "校验：共读取 {} 个文件、{} 行数据：接受 {} 行，合并重复 {} 行，剔除 {} 行。\n",
            self.tallies.len(),
            read,
            acc,
            mer,
            rej
        ));
        s.push_str(&format!(
            "发现错误 {} 处、警告 {} 处、提示 {} 处。\n",
            self.count(Severity::Error),
            self.count(Severity::Warning),
            self.count(Severity::Info)
        ));
        s
    }

    /// One line per file: rows read = accepted + merged + rejected.
    pub fn file_lines(&self) -> String {
        let mut s = String::new();
        for t in &self.tallies {
            if t.unreadable {
                s.push_str(&format!("  {}：无法读取\n", t.file));
            } else {
                s.push_str(&format!(
                    "  {}：读取 {} 行 = 接受 {} + 合并 {} + 剔除 {}{}\n",
                    t.file,
                    t.read,
                    t.accepted,
                    t.merged,
                    t.rejected,
                    if t.notes > 0 {
                        format!("（另有说明行 {} 行未计入）", t.notes)
                    } else {
                        String::new()
                    }
                ));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_names_everything() {
        let f = Finding::new(Severity::Error, "2025/城关街道.xlsx", "出席记录", 7)
            .column("姓名（E列）")
            .value("张山")
            .message("名册中没有这位代表")
            .hint("是否为：张三");
        assert_eq!(
            f.one_line(),
            "[错误] 2025/城关街道.xlsx › 出席记录 第7行 姓名（E列）：名册中没有这位代表（值：张山） 建议：是否为：张三"
        );
    }

    #[test]
    fn a_year_keeps_its_files_the_roster_and_its_gaps() {
        let mut v = Validation::default();
        for (file, value) in [
            ("2025/甲.xlsx", ""),
            ("2024/甲.xlsx", ""),
            ("代表名册.xlsx", ""),
            (GAP_FILE, "2025年1月8日 会议"),
            (GAP_FILE, "2024年1月9日 会议"),
        ] {
            v.findings
                .push(Finding::new(Severity::Warning, file, "", 0).value(value));
            v.tallies.push(FileTally::new(file, ""));
        }
        let y = v.for_year(2025);
        let kept: Vec<(&str, &str)> = y
            .findings
            .iter()
            .map(|f| (f.file.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                ("2025/甲.xlsx", ""),
                ("代表名册.xlsx", ""),
                (GAP_FILE, "2025年1月8日 会议")
            ]
        );
    }

    #[test]
    fn tally_balance() {
        let mut t = FileTally::new("a.xlsx", "甲");
        t.read = 5;
        t.accepted = 3;
        t.merged = 1;
        t.rejected = 1;
        assert!(t.balances());
        t.rejected = 0;
        assert!(!t.balances());
    }
}
