//! 代表建议: suggestions with their lead and co-signing delegates and how they were handled.

use super::row::{identify, Row};
use super::workbook::{Candidates, FileContext};
use crate::domain::model::*;
use crate::domain::text::split_name_list;

pub(super) fn read_suggestion(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let number = row.text("建议编号");
    let date = row.date("提出日期", true);
    let period = row.choice("提出时段", SuggestionPeriod::parse, "大会期间、闭会期间");
    let title = row.required_text("标题");
    let handler = row.text("承办单位");
    let result = row.choice(
        "办理结果",
        HandlingResult::parse,
        "A、B、C、D（或其文字表述）",
    );
    let satisfaction = row.choice(
        "代表满意度",
        Satisfaction::parse,
        "满意、基本满意、不满意，未评价的留空",
    );
    let near = ctx.near();
    let names = |row: &mut Row, col: &str| -> Vec<String> {
        let raw = row.text(col);
        let mut ids = Vec::new();
        for token in split_name_list(&raw) {
            if let Some(id) = identify(row, ctx.roster, near, col, "", &token) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    };
    let leads = names(row, "领衔代表");
    let mut cosigners = names(row, "附议代表");
    if leads.is_empty() && !row.failed {
        row.error("领衔代表", "", "「领衔代表」未填写", "请填写领衔代表姓名");
    }
    if cosigners.iter().any(|c| leads.contains(c)) {
        cosigners.retain(|c| !leads.contains(c));
        row.warn(
            "附议代表",
            "",
            "领衔代表同时列在附议代表中，按领衔统计",
            "附议代表中不必再写领衔代表",
        );
    }
    let Some(date) = date else { return false };
    for id in leads.iter().chain(cosigners.iter()) {
        ctx.check_date(row, "提出日期", date, id);
    }
    let Some(title) = title else { return false };
    if row.failed || leads.is_empty() {
        return false;
    }
    cands.suggestions.push((
        Suggestion {
            number,
            date,
            period,
            title,
            leads,
            cosigners,
            handler,
            result,
            satisfaction,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, "")
            .min(if ctx.unit.kind == UnitKind::Liaison {
                0
            } else {
                1
            }),
    ));
    true
}
