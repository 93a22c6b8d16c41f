//! 述职评议: reports to voters and the voters' evaluation.

use super::row::Row;
use super::workbook::{Candidates, FileContext};
use crate::domain::model::*;

/// The sheet's grade headers must be the configured scale's (issue #19): 称职 votes read
/// as 满意 would print wrong words and verdicts.
fn scale_matches(ctx: &FileContext, row: &mut Row) -> bool {
    let grades = ctx.config.rating.grades();
    let typed = row
        .header
        .columns
        .iter()
        .find(|c| c.0 == "满意")
        .map(|c| crate::domain::text::normalize_header(&c.2))
        .unwrap_or_default();
    let other = if grades[0] == "满意" {
        "称职"
    } else {
        "满意"
    };
    if typed.contains(other) {
        row.error(
            "满意",
            &typed,
            format!(
                "表头「{typed}」与 lvzhi.toml 规定的评议等次（{}）不一致",
                grades.join("、")
            ),
            "请使用与规定一致的评议表头；如本区采用另一种等次，请修改 lvzhi.toml 的 [rating] scale",
        );
        return false;
    }
    true
}

pub(super) fn read_report(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    if !scale_matches(ctx, row) {
        return false;
    }
    let date = row.date("日期", true);
    let near = ctx.near();
    let delegate = row.delegate(ctx.roster, near);
    let form = row.required_choice("述职形式", ReportForm::parse, "当面述职、书面述职");
    let voters = row.count("选民代表人数");
    let satisfied = row.count("满意");
    let basically = row.count("基本满意");
    let dissatisfied = row.count("不满意");
    let (Some(date), Some(delegate), Some(form), Some(voters), Some(s), Some(b), Some(d)) = (
        date,
        delegate,
        form,
        voters,
        satisfied,
        basically,
        dissatisfied,
    ) else {
        return false;
    };
    ctx.check_date(row, "日期", date, &delegate);
    if s + b + d > voters {
        row.error(
            "选民代表人数",
            &voters.to_string(),
            format!(
                "{}票数合计 {} 超过选民代表人数 {}",
                ctx.config.rating.grades().join("、"),
                s + b + d,
                voters
            ),
            "请核对票数和参加评议的选民代表人数",
        );
    }
    if s + b + d == 0 {
        row.error("满意", "0", "三项评议票数均为 0", "请填写评议结果的票数");
    }
    let min = ctx.config.thresholds.min_voter_representatives;
    if voters < min {
        row.warn(
            "选民代表人数",
            &voters.to_string(),
            format!("参加述职评议的选民代表不足 {min} 人（规定不应低于 {min} 人）"),
            "请核实人数；如确实不足，应按规定重新组织评议",
        );
    }
    if row.failed {
        return false;
    }
    cands.reports.push((
        ReportToVoters {
            date,
            delegate,
            form,
            voters,
            satisfied: s,
            basically: b,
            dissatisfied: d,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
    ));
    true
}
