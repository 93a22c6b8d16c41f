//! Decision files (决定): a draft commendation list with its 决定 and 备注 columns filled
//! in after the 主任会议, saved under `input/<year>/决定/`. Each row is checked like any
//! input row; fully decided lists become 通报表彰 records after loading.

use super::header::{find_header, ColumnSpec, SheetKind, SheetSpec};
use super::row::{self, Row};
use super::workbook::{data_rows, sheet_unreadable, Candidates, FileContext};
use crate::domain::decision::{Decision, DecisionList, Verdict};
use crate::domain::findings::{FileTally, Finding, Severity, Validation};
use crate::domain::model::Records;
use crate::input::open::Sheet;
use chrono::Datelike;
use std::collections::HashSet;

/// The folder under a year folder that holds decision files.
pub const FOLDER: &str = "决定";

const fn col(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec { name, aliases }
}

const VERDICT: ColumnSpec = col("决定", &["决定", "主任会议决定", "研究决定"]);
// Not 说明: the draft's own 说明 column (tie notes) stays beside it.
const NOTE: ColumnSpec = col("备注", &["备注"]);

pub static DELEGATES: SheetSpec = SheetSpec {
    kind: SheetKind::Decision,
    name: "优秀履职代表名单",
    sheet_aliases: &[
        "优秀履职代表名单",
        "优秀履职代表决定",
        "优秀履职代表名单决定",
    ],
    columns: &[
        col("代表编号", &["代表编号", "编号"]),
        col("姓名", &["姓名", "代表姓名"]),
        VERDICT,
        NOTE,
    ],
    required: &[&["代表编号", "姓名"], &["决定"]],
};

pub static SUGGESTIONS: SheetSpec = SheetSpec {
    kind: SheetKind::Decision,
    name: "优秀代表建议名单",
    sheet_aliases: &[
        "优秀代表建议名单",
        "优秀代表建议决定",
        "优秀代表建议名单决定",
    ],
    columns: &[col("建议编号", &["建议编号"]), VERDICT, NOTE],
    required: &[&["建议编号"], &["决定"]],
};

pub static RENOMINATION: SheetSpec = SheetSpec {
    kind: SheetKind::Decision,
    name: "继续提名建议名单",
    sheet_aliases: &["继续提名建议名单", "继续提名名单", "继续提名决定"],
    columns: &[
        col("代表编号", &["代表编号", "编号"]),
        col("姓名", &["姓名", "代表姓名"]),
        VERDICT,
        NOTE,
    ],
    required: &[&["代表编号", "姓名"], &["决定"]],
};

/// Is this input file (path relative to the input folder) in a year's 决定 folder?
pub fn in_folder(rel: &str) -> bool {
    rel.split('/').rev().skip(1).any(|part| part == FOLDER)
}

/// The decision list a sheet is, by its name.
pub fn list_of(sheet_name: &str) -> Option<(DecisionList, &'static SheetSpec)> {
    [
        (DecisionList::Delegates, &DELEGATES),
        (DecisionList::Suggestions, &SUGGESTIONS),
        (DecisionList::Renomination, &RENOMINATION),
    ]
    .into_iter()
    .find(|(_, s)| s.matches_sheet_name(sheet_name))
}

/// Reads a sheet if it is a decision sheet, or skips any other sheet of a file in the
/// 决定 folder (the draft's 未列入原因 and the like). Returns whether the sheet was
/// taken care of here.
pub(super) fn read_sheet(
    ctx: &FileContext,
    sheet: &Sheet,
    cands: &mut Candidates,
    tally: &mut FileTally,
    v: &mut Validation,
) -> bool {
    let Some((list, spec)) = list_of(&sheet.name) else {
        if in_folder(ctx.file) && !sheet.hidden {
            v.findings.push(
                Finding::new(Severity::Info, ctx.file, &sheet.name, 0)
                    .message("决定文件中的其他工作表，未读取")
                    .hint("决定文件只读取「优秀履职代表名单」「优秀代表建议名单」「继续提名建议名单」三张表"),
            );
        }
        return in_folder(ctx.file);
    };
    let mut header = match find_header(sheet, spec) {
        Ok(h) => h,
        Err(msg) => {
            sheet_unreadable(sheet, ctx.file, &msg, spec, tally, v);
            return true;
        }
    };
    // The draft's other columns (积分, 说明, …) are there to be read by people.
    header.unknown.clear();
    let at: row::SheetAt = (ctx.file.into(), sheet.name.as_str().into());
    for r in data_rows(sheet, &header, ctx.file, tally, v) {
        // The draft's notes below the list fill only columns that are not read here.
        if header
            .columns
            .iter()
            .all(|(_, c, _)| crate::input::open::is_blank(sheet.get(r, *c)))
        {
            tally.read -= 1;
            tally.notes += 1;
            v.findings.push(
                Finding::new(Severity::Info, ctx.file, &sheet.name, r + 1)
                    .message("名单下方的说明行，不是决定，未计入")
                    .hint("无需处理"),
            );
            continue;
        }
        let mut row = Row::new(sheet, &header, &at, r);
        if !read_row(ctx, &mut row, cands, list) || row.failed {
            tally.rejected += 1;
        }
        v.findings.append(&mut row.findings);
    }
    true
}

fn read_row(ctx: &FileContext, row: &mut Row, cands: &mut Candidates, list: DecisionList) -> bool {
    let text = row.text("决定");
    let verdict = Verdict::parse(&text);
    if verdict.is_none() {
        row.error(
            "决定",
            &text,
            "不是规定的决定",
            "请从下拉列表选择：列入、不列入、待定（空白视为待定）",
        );
    }
    let note = row.text("备注");
    let (delegate, suggestion) = match list {
        DecisionList::Delegates | DecisionList::Renomination => {
            (row.delegate(ctx.roster, ctx.near()), Some(String::new()))
        }
        DecisionList::Suggestions => (Some(String::new()), row.required_text("建议编号")),
    };
    let (Some(verdict), Some(delegate), Some(suggestion)) = (verdict, delegate, suggestion) else {
        return false;
    };
    if row.failed {
        return false;
    }
    cands.decisions.push(Decision {
        list,
        year: ctx.year,
        delegate,
        suggestion,
        verdict,
        note,
        source: row.source.clone(),
    });
    true
}

/// Checks the decisions against each other and the year's records: a row naming a
/// suggestion number the year does not have, or a second row for the same delegate or
/// suggestion, is an error and is rejected (its file's tally says so). Returns the rows
/// kept, in file order.
pub(super) fn check(
    decisions: Vec<Decision>,
    records: &Records,
    v: &mut Validation,
) -> Vec<Decision> {
    let numbers: HashSet<(i32, &str)> = records
        .suggestions
        .iter()
        .map(|s| (s.date.year(), s.number.as_str()))
        .collect();
    let mut seen: HashSet<(i32, DecisionList, String)> = HashSet::new();
    let mut kept = Vec::new();
    for d in decisions {
        let problem = if d.list == DecisionList::Suggestions
            && !numbers.contains(&(d.year, d.suggestion.as_str()))
        {
            Some((
                "建议编号",
                format!("{}年度的代表建议中没有该建议编号", d.year),
                "请核对建议编号：应与名单草案中的建议编号一致",
            ))
        } else if !seen.insert((d.year, d.list, d.key().to_string())) {
            let what = match d.list {
                DecisionList::Delegates | DecisionList::Renomination => "代表编号",
                DecisionList::Suggestions => "建议编号",
            };
            Some((
                what,
                "同一年度的决定中该项出现了两次".to_string(),
                "每位代表（每件建议）只写一行；若有两份决定文件，请删去旧的一份",
            ))
        } else {
            None
        };
        match problem {
            Some((column, message, hint)) => {
                v.findings.push(
                    Finding::at(Severity::Error, &d.source)
                        .column(column)
                        .value(d.key())
                        .message(message)
                        .hint(hint),
                );
                if let Some(t) = v.tallies.iter_mut().find(|t| *t.file == *d.source.file) {
                    t.rejected += 1;
                }
            }
            None => kept.push(d),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decision_folder_is_told_by_a_folder_not_a_file_name() {
        assert!(in_folder("2025/决定/2025年度优秀履职代表名单（草案）.xlsx"));
        assert!(!in_folder("2025/代表联络室.xlsx"));
        assert!(!in_folder("2025/决定.xlsx"));
    }

    #[test]
    fn decision_sheets_are_known_by_name() {
        assert_eq!(
            list_of("优秀履职代表名单").map(|x| x.0),
            Some(DecisionList::Delegates)
        );
        assert_eq!(
            list_of("优秀代表建议名单").map(|x| x.0),
            Some(DecisionList::Suggestions)
        );
        assert!(list_of("未列入原因").is_none());
    }
}
