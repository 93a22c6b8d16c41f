//! 代表建议: suggestions with their lead and co-signing delegates and how they were handled.

use super::row::{identify, Row};
use super::workbook::{Candidates, FileContext};
use crate::domain::model::*;
use crate::domain::text::split_name_list;
use chrono::NaiveDate;

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
        "办理结果满意度",
        Satisfaction::parse,
        "满意、基本满意、不满意，未评价的留空",
    );
    let (detail, columns) = read_handling(row);
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
            category: detail.category,
            nature: detail.nature,
            key_item: detail.key_item,
            assigned: detail.assigned,
            answered: detail.answered,
            work_satisfaction: detail.work_satisfaction,
            columns,
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

/// The columns of issue #19, all optional.
struct Handling {
    category: Option<SuggestionCategory>,
    nature: Option<SuggestionNature>,
    key_item: bool,
    assigned: Option<NaiveDate>,
    answered: Option<NaiveDate>,
    work_satisfaction: Option<Satisfaction>,
}

/// Reads 类别, 性质, 重点督办, 交办日期, 答复日期 and 办理工作满意度, and which of them
/// the sheet has. An answer dated before its assignment cannot be timed: both dates are
/// left out with a warning, so the row still counts but not towards 按期办复率.
fn read_handling(row: &mut Row) -> (Handling, SuggestionColumns) {
    let h = row.header;
    let columns = SuggestionColumns {
        category: h.has("类别"),
        nature: h.has("性质"),
        key_item: h.has("重点督办"),
        assigned: h.has("交办日期"),
        result: h.has("办理结果"),
        result_rating: h.has("办理结果满意度"),
        work_rating: h.has("办理工作满意度"),
    };
    let category = row.choice(
        "类别",
        SuggestionCategory::parse,
        "财政经济、农业农村、城建环保、教科文卫、社会建设、政法、其他",
    );
    let nature = row.choice(
        "性质",
        SuggestionNature::parse,
        "议案、建议（建议、批评和意见）",
    );
    let key_item = row
        .choice("重点督办", parse_yes_no, "是、否（不是重点督办的可留空）")
        .unwrap_or(false);
    let mut assigned = row.date("交办日期", false);
    let mut answered = row.date("答复日期", false);
    if let (Some(a), Some(b)) = (assigned, answered) {
        if b < a {
            row.warn(
                "答复日期",
                &crate::domain::text::chinese_date(b),
                format!(
                    "答复日期早于交办日期（{}），按期办复率不计入这一件",
                    crate::domain::text::chinese_date(a)
                ),
                "请核对交办日期和答复日期",
            );
            (assigned, answered) = (None, None);
        }
    }
    let work_satisfaction = row.choice(
        "办理工作满意度",
        Satisfaction::parse,
        "满意、基本满意、不满意，未评价的留空",
    );
    (
        Handling {
            category,
            nature,
            key_item,
            assigned,
            answered,
            work_satisfaction,
        },
        columns,
    )
}
