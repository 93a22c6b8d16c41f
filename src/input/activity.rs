//! 履职活动: group activities, inspections, surveys and contact with voters.

use super::row::Row;
use super::workbook::{Candidates, FileContext};
use crate::domain::model::*;

const ACTIVITY_KINDS: &str = "代表小组活动、视察、调研、执法检查、联系接待选民、其他";

pub(super) fn read_activity(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let date = row.date("日期", true);
    let kind = row.required_choice("活动类别", ActivityKind::parse, ACTIVITY_KINDS);
    let name = row.text("活动名称");
    let note = row.text("备注");
    let near = ctx.near();
    let delegate = row.delegate(ctx.roster, near);
    let (Some(date), Some(kind), Some(delegate)) = (date, kind, delegate) else {
        return false;
    };
    ctx.check_date(row, "日期", date, &delegate);
    if row.failed {
        return false;
    }
    cands.activities.push((
        Activity {
            date,
            kind,
            name: if name.is_empty() {
                kind.label().to_string()
            } else {
                name
            },
            delegate,
            note,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
    ));
    true
}
