//! 通报表彰: public commendations of delegates and their suggestions.

use super::row::Row;
use super::workbook::{Candidates, FileContext};
use crate::domain::model::*;

pub(super) fn read_commendation(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let year_text = row.text("年度");
    let year = if year_text.is_empty() {
        Some(ctx.year)
    } else {
        let y = year_text.trim_end_matches('年').parse::<i32>().ok();
        if y.is_none() {
            row.error(
                "年度",
                &year_text,
                "无法识别的年度",
                "请填写四位年份，如 2025",
            );
        }
        y
    };
    let near = ctx.near();
    let delegate = row.delegate(ctx.roster, near);
    let kind = row.required_choice(
        "表彰类别",
        CommendationKind::parse,
        "优秀履职代表、优秀代表建议",
    );
    let document = row.text("文号");
    let (Some(year), Some(delegate), Some(kind)) = (year, delegate, kind) else {
        return false;
    };
    if year != ctx.year {
        row.error(
            "年度",
            &year.to_string(),
            format!("表彰年度与所在文件夹（{}）不一致", ctx.year),
            format!("请把该行移到 {year} 年度文件夹（{year}/）中的报送表"),
        );
        return false;
    }
    cands.commendations.push((
        Commendation {
            year,
            delegate,
            kind,
            document,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
    ));
    true
}
