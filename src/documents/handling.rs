//! The suggestion-handling figures of issue #19 as documents print them: each figure
//! with whether its column was recorded at all, so a template says "未登记" instead of 0.

use crate::config::SuggestionRules;
use crate::domain::handling::{figures, HandlingFigures};
use crate::domain::model::{HandlingResult, Suggestion};
use crate::domain::text::{percent, rate};
use crate::render::xlsx::{Cell, Table};
use chrono::NaiveDate;
use serde::Serialize;

/// One subject's count and its share of the period's items.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryPart {
    pub name: String,
    pub n: u32,
    pub pct: String,
}

/// What A–D mean in this district, and the note printed under them.
#[derive(Debug, Clone, Serialize)]
pub struct Legend {
    pub a: String,
    pub b: String,
    pub c: String,
    pub d: String,
    pub note: String,
}

impl Legend {
    pub fn of(rules: &SuggestionRules) -> Legend {
        let l = &rules.legend;
        Legend {
            a: l.label(HandlingResult::Solved).to_string(),
            b: l.label(HandlingResult::InProgress).to_string(),
            c: l.label(HandlingResult::Deferred).to_string(),
            d: l.label(HandlingResult::ForReference).to_string(),
            note: l.note(),
        }
    }
}

/// The handling figures, ready for a template. `*_recorded` false: no sheet of the
/// period had the column, and the figure is missing.
#[derive(Debug, Clone, Serialize)]
pub struct Handling {
    pub motions_recorded: bool,
    /// 议案.
    pub motions: u32,
    /// 建议、批评和意见: what the handling figures are over.
    pub handled: u32,
    pub categories_recorded: bool,
    /// Subjects with at least one item, in the fixed order.
    pub categories: Vec<CategoryPart>,
    pub unclassified: u32,
    pub key_recorded: bool,
    pub key_items: u32,
    pub reply_recorded: bool,
    pub reply_months: u32,
    /// Items whose deadline has passed or that were answered (the rate's denominator).
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    pub overdue: u32,
    pub not_due: u32,
    pub undated: u32,
    /// 按期办复率, or — when nothing is due yet.
    pub on_time_pct: String,
    pub solved_recorded: bool,
    pub solved: u32,
    /// 解决率 = A类 ÷ items.
    pub solved_pct: String,
    pub work_recorded: bool,
    pub work_rated: u32,
    pub work_satisfied: u32,
    pub work_basically: u32,
    pub work_dissatisfied: u32,
    pub work_satisfied_or_basically_pct: String,
    pub legend: Legend,
}

/// The figures over `items`, replies judged at `as_of` (the period's last day).
pub fn handling(items: &[&Suggestion], rules: &SuggestionRules, as_of: NaiveDate) -> Handling {
    let f: HandlingFigures = figures(items, rules.reply_months, as_of);
    let (categories, unclassified) = match &f.by_category {
        Some((counts, un)) => (
            counts
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| CategoryPart {
                    name: c.label().to_string(),
                    n: *n,
                    pct: percent(*n, f.total),
                })
                .collect(),
            *un,
        ),
        None => (Vec::new(), 0),
    };
    let r = f.reply.unwrap_or_default();
    let (solved, _) = f.solved.unwrap_or((0, 0));
    let (ws, wb, wd) = f.work_rating.unwrap_or((0, 0, 0));
    Handling {
        motions_recorded: f.motions.is_some(),
        motions: f.motions.unwrap_or(0),
        handled: f.handled,
        categories_recorded: f.by_category.is_some(),
        categories,
        unclassified,
        key_recorded: f.key_items.is_some(),
        key_items: f.key_items.unwrap_or(0),
        reply_recorded: f.reply.is_some(),
        reply_months: rules.reply_months,
        due: r.due(),
        on_time: r.on_time,
        late: r.late,
        overdue: r.overdue,
        not_due: r.not_due,
        undated: r.undated,
        on_time_pct: rate(r.rate()),
        solved_recorded: f.solved.is_some(),
        solved,
        solved_pct: rate(f.solved_rate()),
        work_recorded: f.work_rating.is_some(),
        work_rated: ws + wb + wd,
        work_satisfied: ws,
        work_basically: wb,
        work_dissatisfied: wd,
        work_satisfied_or_basically_pct: percent(ws + wb, ws + wb + wd),
        legend: Legend::of(rules),
    }
}

/// 代表建议按类别: one row per subject and a 合计 row; None when no sheet had 类别.
pub fn category_table(h: &Handling, total: u32) -> Option<Table> {
    if !h.categories_recorded {
        return None;
    }
    let share = |n: u32| {
        if total == 0 {
            Cell::Text("—".into())
        } else {
            Cell::Pct(f64::from(n) / f64::from(total))
        }
    };
    let mut t = Table::new("建议分类", &["类别", "件数", "占比"]);
    t.rows = h
        .categories
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.name.clone()),
                Cell::Int(i64::from(c.n)),
                share(c.n),
            ]
        })
        .collect();
    if h.unclassified > 0 {
        t.rows.push(vec![
            "未填类别".into(),
            Cell::Int(i64::from(h.unclassified)),
            share(h.unclassified),
        ]);
    }
    t.rows.push(vec![
        "合计".into(),
        Cell::Int(i64::from(total)),
        share(total),
    ]);
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_recorded_prints_as_missing() {
        let h = handling(
            &[],
            &SuggestionRules::default(),
            NaiveDate::from_ymd_opt(2025, 12, 31).expect("date"),
        );
        assert!(!h.reply_recorded && !h.categories_recorded && !h.solved_recorded);
        assert_eq!(h.on_time_pct, "—");
        assert_eq!(h.solved_pct, "—");
        assert!(category_table(&h, 0).is_none());
        assert!(h
            .legend
            .note
            .starts_with("注：办理结果分类——A类指已解决或基本解决"));
    }
}
