//! Reading typed fields out of one data row, collecting a finding for every problem.

use crate::domain::findings::{Finding, Severity};
use crate::domain::model::{Delegate, Roster, Source};
use crate::domain::text::{
    char_distance, clean_text, column_letter, excel_serial_to_date, parse_date_text,
    split_name_and_id,
};
use crate::input::header::Header;
use crate::input::open::Sheet;
use calamine::Data;
use chrono::NaiveDate;
use std::borrow::Cow;

/// A file and sheet name as records share them.
pub type SheetAt = (std::sync::Arc<str>, std::sync::Arc<str>);

/// One data row being read.
pub struct Row<'a> {
    /// This row's cells, looked up once.
    cells: &'a [(u32, Data)],
    pub header: &'a Header,
    pub source: Source,
    pub findings: Vec<Finding>,
    /// Set by the first error: the row is rejected.
    pub failed: bool,
}

/// A cell's value as text, or the Excel error it holds (#REF!, #N/A …).
pub fn cell_text(d: &Data) -> Result<String, String> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) => clean_text(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(x) => x.date().format("%Y-%m-%d").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => clean_text(s),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A cell that does not hold a recognisable date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotADate;

/// A cell's value as a date. Excel dates are matched before anything else, because a
/// plain number would convert too.
pub fn cell_date(d: &Data) -> Result<Option<NaiveDate>, NotADate> {
    match d {
        Data::Empty => Ok(None),
        Data::DateTime(dt) => dt.as_datetime().map(|x| Some(x.date())).ok_or(NotADate),
        Data::DateTimeIso(s) => parse_date_text(s).map(Some).ok_or(NotADate),
        Data::String(s) if crate::domain::text::is_blank_text(s) => Ok(None),
        Data::String(s) => parse_date_text(s).map(Some).ok_or(NotADate),
        Data::Int(i) => number_date(*i as f64),
        Data::Float(f) => number_date(*f),
        _ => Err(NotADate),
    }
}

fn number_date(f: f64) -> Result<Option<NaiveDate>, NotADate> {
    // 20250305 typed as a number, or a serial day number in a cell formatted as General.
    if f.fract() == 0.0 && (19_000_101.0..=21_001_231.0).contains(&f) {
        return parse_date_text(&format!("{}", f as i64))
            .map(Some)
            .ok_or(NotADate);
    }
    excel_serial_to_date(f).map(Some).ok_or(NotADate)
}

impl<'a> Row<'a> {
    /// A row of `sheet`; `at` is the file and sheet name shared by its records.
    pub fn new(sheet: &'a Sheet, header: &'a Header, at: &SheetAt, row: u32) -> Row<'a> {
        Row {
            cells: sheet.cells(row),
            header,
            source: Source {
                file: at.0.clone(),
                sheet: at.1.clone(),
                row: row + 1,
            },
            findings: Vec::new(),
            failed: false,
        }
    }

    /// The cell of a column (borrowed from the sheet, not from the row being read).
    fn raw(&self, col: &str) -> &'a Data {
        match self.header.col(col) {
            Some(c) => crate::input::open::cell_of(self.cells, c),
            None => &Data::Empty,
        }
    }

    /// The column as the sender named it, with its letter: 代表姓名（E列）.
    pub fn column_label(&self, col: &str) -> String {
        match self.header.columns.iter().find(|c| c.0 == col) {
            Some((_, c, typed)) => format!("{typed}（{}列）", column_letter(*c)),
            None => col.to_string(),
        }
    }

    pub fn error(
        &mut self,
        col: &str,
        value: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.failed = true;
        self.push(Severity::Error, col, value, message.into(), hint.into());
    }

    pub fn warn(
        &mut self,
        col: &str,
        value: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Warning, col, value, message.into(), hint.into());
    }

    fn push(&mut self, sev: Severity, col: &str, value: &str, message: String, hint: String) {
        let column = if col.is_empty() {
            String::new()
        } else {
            self.column_label(col)
        };
        self.findings.push(
            Finding::at(sev, &self.source)
                .column(column)
                .value(value)
                .message(message)
                .hint(hint),
        );
    }

    /// Text of an informational column (民族, 联系电话 …): an error value reads as blank,
    /// and text over the cell limit is left out with a warning, never rejecting the row.
    pub fn info_text(&mut self, col: &str) -> String {
        let raw = self.raw(col);
        if let Data::String(s) = raw {
            if s.len() > crate::input::open::MAX_CELL_CHARS {
                let n = s.chars().count();
                if n > crate::input::open::MAX_CELL_CHARS {
                    let head: String = s.chars().take(20).collect();
                    self.warn(
                        col,
                        &format!("{head}……"),
                        format!(
                            "单元格内容过长（{n} 字，上限 {} 字），未读取",
                            crate::input::open::MAX_CELL_CHARS
                        ),
                        "请检查是否误粘贴了大段内容",
                    );
                    return String::new();
                }
            }
        }
        cell_text(raw).unwrap_or_default()
    }

    /// Text of a column; an Excel error value in the cell is an error of the row.
    pub fn text(&mut self, col: &str) -> String {
        self.text_ref(col).into_owned()
    }

    /// `text`, borrowing from the sheet when the cell holds clean text: for values that
    /// are only looked up or parsed.
    pub fn text_ref(&mut self, col: &str) -> Cow<'a, str> {
        let raw = self.raw(col);
        if let Data::String(s) = raw {
            // A character is at least a byte: most cells need no count.
            let n = if s.len() > crate::input::open::MAX_CELL_CHARS {
                s.chars().count()
            } else {
                0
            };
            if n > crate::input::open::MAX_CELL_CHARS {
                let head: String = s.chars().take(20).collect();
                self.error(
                    col,
                    &format!("{head}……"),
                    format!(
                        "单元格内容过长（{n} 字，上限 {} 字）",
                        crate::input::open::MAX_CELL_CHARS
                    ),
                    "请检查是否误粘贴了大段内容",
                );
                return Cow::Borrowed("");
            }
            return crate::domain::text::cleaned_text(s);
        }
        match cell_text(raw) {
            Ok(s) => Cow::Owned(s),
            Err(e) => {
                self.error(
                    col,
                    &e,
                    format!("单元格是错误值 {e}，不是有效内容"),
                    "请在表格中改为实际内容（若为公式，请复制后“选择性粘贴→数值”）",
                );
                Cow::Borrowed("")
            }
        }
    }

    pub fn required_text(&mut self, col: &str) -> Option<String> {
        let seen = self.findings.len();
        let t = self.text(col);
        if t.is_empty() {
            // An error value in the cell was reported already; do not report it twice.
            if self.findings.len() == seen {
                self.error(col, "", format!("「{col}」未填写"), format!("请填写{col}"));
            }
            return None;
        }
        Some(t)
    }

    pub fn date(&mut self, col: &str, required: bool) -> Option<NaiveDate> {
        let raw = self.raw(col);
        match cell_date(raw) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                if required {
                    self.error(
                        col,
                        "",
                        format!("「{col}」未填写"),
                        "请填写日期，如 2025-03-05",
                    );
                }
                None
            }
            Err(NotADate) => {
                let shown = cell_text(raw).unwrap_or_else(|e| e);
                self.error(
                    col,
                    &shown,
                    "无法识别的日期",
                    "请写成 2025-03-05、2025/3/5 或 2025年3月5日",
                );
                None
            }
        }
    }

    /// A whole, non-negative count (票数, 人数).
    pub fn count(&mut self, col: &str) -> Option<u32> {
        let raw = self.raw(col);
        let parsed = match raw {
            Data::Int(i) => u32::try_from(*i).ok(),
            Data::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX) => {
                Some(*f as u32)
            }
            Data::String(s) => {
                let t = clean_text(s);
                let t = t.trim_end_matches(['人', '票', '名']);
                if t.is_empty() {
                    self.error(
                        col,
                        "",
                        format!("「{col}」未填写"),
                        "请填写人数或票数，没有请填 0",
                    );
                    return None;
                }
                t.parse::<u32>().ok()
            }
            Data::Empty => {
                self.error(
                    col,
                    "",
                    format!("「{col}」未填写"),
                    "请填写人数或票数，没有请填 0",
                );
                return None;
            }
            _ => None,
        };
        if parsed.is_none() {
            let shown = cell_text(raw).unwrap_or_else(|e| e);
            self.error(col, &shown, "应为不小于 0 的整数", "请只填写数字，如 25");
        }
        parsed
    }

    /// A value from a fixed list; blank gives None without a finding.
    pub fn choice<T>(
        &mut self,
        col: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let t = self.text_ref(col);
        if t.is_empty() {
            return None;
        }
        let v = parse(&t);
        if v.is_none() {
            self.error(
                col,
                &t,
                format!("不是规定的{col}"),
                format!("请从下拉列表选择：{allowed}"),
            );
        }
        v
    }

    pub fn required_choice<T>(
        &mut self,
        col: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let seen = self.findings.len();
        let v = self.choice(col, parse, allowed);
        if v.is_none() && self.findings.len() == seen {
            self.error(
                col,
                "",
                format!("「{col}」未填写"),
                format!("请从下拉列表选择：{allowed}"),
            );
        }
        v
    }

    /// The delegate a row is about, from 代表编号, 姓名 or both (which must agree).
    pub fn delegate(&mut self, roster: &Roster, near: &[&Delegate]) -> Option<String> {
        let seen = self.findings.len();
        let id = self.text_ref("代表编号");
        let name = self.text_ref("姓名");
        if id.is_empty() && name.is_empty() {
            if self.findings.len() == seen {
                self.error(
                    "姓名",
                    "",
                    "未填写代表编号或姓名",
                    "请至少填写代表姓名；有同名代表时须填写代表编号",
                );
            }
            return None;
        }
        let col = if id.is_empty() {
            "姓名"
        } else {
            "代表编号"
        };
        identify(self, roster, near, col, &id, &name)
    }
}

/// Resolves one delegate reference. `id` may be empty; `name` may carry （编号）.
pub fn identify(
    row: &mut Row,
    roster: &Roster,
    near: &[&Delegate],
    col: &str,
    id: &str,
    name: &str,
) -> Option<String> {
    let (plain_name, embedded) = split_name_and_id(name);
    let id = if id.is_empty() {
        embedded.unwrap_or_default()
    } else {
        id.to_string()
    };
    if !id.is_empty() {
        let Some(d) = roster.by_id(&id) else {
            let mut hint = "请核对代表编号，应与代表名册一致".to_string();
            if !plain_name.is_empty() {
                let same = roster.by_name(&plain_name);
                if let [only] = same.as_slice() {
                    hint = format!("名册中「{}」的编号是 {}", only.name, only.id);
                }
            }
            row.error(col, &id, format!("代表名册中没有编号为 {id} 的代表"), hint);
            return None;
        };
        if !plain_name.is_empty() && plain_name != d.name {
            row.error(
                "姓名",
                name,
                format!(
                    "代表编号与姓名不一致：编号 {} 在名册中是「{}」",
                    d.id, d.name
                ),
                "请核对编号和姓名，以代表名册为准",
            );
            return None;
        }
        return Some(d.id.clone());
    }
    let found = roster.by_name(&plain_name);
    match found.as_slice() {
        [one] => Some(one.id.clone()),
        [] => {
            let hint = match closest_names(&plain_name, near, roster) {
                s if s.is_empty() => "请核对姓名，应与代表名册一致".to_string(),
                s => format!("是否为：{s}"),
            };
            row.error(col, name, "代表名册中没有这位代表", hint);
            None
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|d| format!("{}（{}）", d.id, d.group))
                .collect();
            row.error(
                col,
                name,
                format!(
                    "名册中有 {} 位同名代表「{}」，无法确定是哪一位",
                    many.len(),
                    plain_name
                ),
                format!(
                    "请填写代表编号，或写成 {}（代表编号）：{}",
                    plain_name,
                    ids.join("、")
                ),
            );
            None
        }
    }
}

/// Up to three roster names closest to a typo, preferring the unit's own delegates.
fn closest_names(name: &str, near: &[&Delegate], roster: &Roster) -> String {
    let limit = (name.chars().count() / 2).max(1);
    let rank = |pool: &mut dyn Iterator<Item = &Delegate>| {
        let mut c: Vec<(usize, String)> = pool
            .map(|d| {
                (
                    char_distance(name, &d.name),
                    format!("{}（{}）", d.name, d.id),
                )
            })
            .filter(|(dist, _)| *dist <= limit)
            .collect();
        c.sort();
        c.into_iter().take(3).map(|x| x.1).collect::<Vec<_>>()
    };
    let mut out = rank(&mut near.iter().copied());
    if out.is_empty() {
        out = rank(&mut roster.delegates.iter());
    }
    out.join("、")
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn excel_dates_before_numbers() {
        let dt = Data::DateTime(ExcelDateTime::new(
            45721.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(cell_date(&dt), Ok(NaiveDate::from_ymd_opt(2025, 3, 5)));
        assert_eq!(
            cell_date(&Data::Float(20250305.0)),
            Ok(NaiveDate::from_ymd_opt(2025, 3, 5))
        );
        assert_eq!(
            cell_date(&Data::Int(45721)),
            Ok(NaiveDate::from_ymd_opt(2025, 3, 5))
        );
        assert_eq!(cell_date(&Data::Float(3.0)), Err(NotADate));
        assert_eq!(cell_date(&Data::Bool(true)), Err(NotADate));
        assert_eq!(
            cell_date(&Data::String("2025.3.5".into())),
            Ok(NaiveDate::from_ymd_opt(2025, 3, 5))
        );
        assert_eq!(cell_date(&Data::String("  ".into())), Ok(None));
    }

    #[test]
    fn cell_text_of_every_kind() {
        assert_eq!(cell_text(&Data::Float(12.0)), Ok("12".into()));
        assert_eq!(cell_text(&Data::Float(1.5)), Ok("1.5".into()));
        assert_eq!(
            cell_text(&Data::String(" Ｄ００１ ".into())),
            Ok("D001".into())
        );
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::Ref)),
            Err("#REF!".into())
        );
    }
}
