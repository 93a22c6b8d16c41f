//! 联系群众 (issue #19): receptions of voters at a 家站, by one or several delegates.

use super::row::{identify, Row};
use super::workbook::{Candidates, FileContext};
use crate::domain::contact::{Contact, ContactHandling};
use crate::domain::text::split_name_list;

pub(super) fn read_contact(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let date = row.date("日期", true);
    let station = row.text("家站/联络站");
    let people = row.count("接待群众人数");
    let opinions = row.count("收集意见建议条数");
    let handling = row.choice(
        "办理方式",
        ContactHandling::parse,
        "当场答复、转交办理、形成代表建议",
    );
    let result = row.info_text("办理结果");
    let feedback = row.info_text("反馈情况");
    let near = ctx.near();
    let raw = row.text("代表");
    let mut delegates = Vec::new();
    for token in split_name_list(&raw) {
        if let Some(id) = identify(row, ctx.roster, near, "代表", "", &token) {
            if !delegates.contains(&id) {
                delegates.push(id);
            }
        }
    }
    if delegates.is_empty() && !row.failed {
        row.error(
            "代表",
            "",
            "「代表」未填写",
            "请填写参加接待的代表姓名，多人用顿号（、）分隔",
        );
    }
    let (Some(date), Some(people), Some(opinions)) = (date, people, opinions) else {
        return false;
    };
    for id in &delegates {
        ctx.check_date(row, "日期", date, id);
    }
    if opinions > 0 && handling.is_none() && !row.failed {
        row.warn(
            "办理方式",
            "",
            "收集了意见建议但未填办理方式，统计时计为“未填办理方式”",
            "请填写：当场答复、转交办理或形成代表建议",
        );
    }
    if row.failed || delegates.is_empty() {
        return false;
    }
    cands.contacts.push((
        Contact {
            date,
            station,
            delegates,
            people,
            opinions,
            handling,
            result,
            feedback,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
    ));
    true
}
