//! How suggestions were handled (issue #19): the reply deadline, 按期办复率, 解决率,
//! counts by subject and 重点督办. A figure whose column no sheet of the period had is
//! `None` (printed as missing), never 0: sheets made before these columns still read.

use crate::domain::model::{
    HandlingResult, Satisfaction, Suggestion, SuggestionCategory, SuggestionNature,
};
use chrono::{Months, NaiveDate};

/// The last day a reply is on time: `months` after 交办, the same day of the month (or
/// the month's last day: assigned 11-30, three months → 02-28). Answered that day is on time.
pub fn reply_deadline(assigned: NaiveDate, months: u32) -> Option<NaiveDate> {
    assigned.checked_add_months(Months::new(months))
}

/// Where one assigned item stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Answered on or before the deadline.
    OnTime,
    /// Answered after it.
    Late,
    /// Not answered, and the deadline passed before `as_of`.
    Overdue,
    /// Not answered, still within the time limit at `as_of`: not counted in the rate.
    NotDue,
}

/// One item: an answer is judged by its date whenever it came; an unanswered item is
/// overdue once `as_of` is past the deadline.
pub fn reply_status(
    assigned: NaiveDate,
    answered: Option<NaiveDate>,
    months: u32,
    as_of: NaiveDate,
) -> Reply {
    let Some(deadline) = reply_deadline(assigned, months) else {
        return Reply::NotDue;
    };
    match answered {
        Some(a) if a <= deadline => Reply::OnTime,
        Some(_) => Reply::Late,
        None if as_of > deadline => Reply::Overdue,
        None => Reply::NotDue,
    }
}

/// 按期办复 over the items assigned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplyTally {
    pub on_time: u32,
    pub late: u32,
    pub overdue: u32,
    pub not_due: u32,
    /// Items from a sheet with 交办日期 whose date is blank: not timed.
    pub undated: u32,
}

impl ReplyTally {
    /// Items whose standing is settled: the rate's denominator.
    pub fn due(&self) -> u32 {
        self.on_time + self.late + self.overdue
    }
    /// 按期办复率 = answered on time ÷ items due; None when none is due yet.
    pub fn rate(&self) -> Option<f64> {
        (self.due() > 0).then(|| f64::from(self.on_time) / f64::from(self.due()))
    }
}

/// The period's handling figures. `None` means no sheet of the period had the column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandlingFigures {
    /// Every item of the period, 议案 included.
    pub total: u32,
    /// 议案 among them.
    pub motions: Option<u32>,
    /// Items handled as suggestions (all but 议案): what the rates below are over.
    pub handled: u32,
    /// Count per subject, in `SuggestionCategory::ALL` order, and items left unclassified.
    pub by_category: Option<(Vec<(SuggestionCategory, u32)>, u32)>,
    pub key_items: Option<u32>,
    pub reply: Option<ReplyTally>,
    /// (A类, items graded or pending) for 解决率.
    pub solved: Option<(u32, u32)>,
    /// 办理工作满意度: (满意, 基本满意, 不满意).
    pub work_rating: Option<(u32, u32, u32)>,
}

impl HandlingFigures {
    /// 解决率 = A类 ÷ items; None when missing or nothing to divide by.
    pub fn solved_rate(&self) -> Option<f64> {
        let (a, n) = self.solved?;
        (n > 0).then(|| f64::from(a) / f64::from(n))
    }
}

/// The figures over `items` (the period's suggestions), replies judged at `as_of`.
pub fn figures(items: &[&Suggestion], months: u32, as_of: NaiveDate) -> HandlingFigures {
    let any = |f: fn(&Suggestion) -> bool| items.iter().any(|s| f(s));
    let motions = any(|s| s.columns.nature).then(|| {
        items
            .iter()
            .filter(|s| s.nature == Some(SuggestionNature::Motion))
            .count() as u32
    });
    let handled: Vec<&Suggestion> = items
        .iter()
        .copied()
        .filter(|s| s.nature != Some(SuggestionNature::Motion))
        .collect();
    let by_category = any(|s| s.columns.category).then(|| {
        let counts = SuggestionCategory::ALL
            .iter()
            .map(|c| {
                let n = items.iter().filter(|s| s.category == Some(*c)).count() as u32;
                (*c, n)
            })
            .collect();
        let unclassified = items.iter().filter(|s| s.category.is_none()).count() as u32;
        (counts, unclassified)
    });
    let key_items =
        any(|s| s.columns.key_item).then(|| items.iter().filter(|s| s.key_item).count() as u32);
    let reply = handled.iter().any(|s| s.columns.assigned).then(|| {
        let mut t = ReplyTally::default();
        for s in handled.iter().filter(|s| s.columns.assigned) {
            match s
                .assigned
                .map(|a| reply_status(a, s.answered, months, as_of))
            {
                None => t.undated += 1,
                Some(Reply::OnTime) => t.on_time += 1,
                Some(Reply::Late) => t.late += 1,
                Some(Reply::Overdue) => t.overdue += 1,
                Some(Reply::NotDue) => t.not_due += 1,
            }
        }
        t
    });
    let graded: Vec<&&Suggestion> = handled.iter().filter(|s| s.columns.result).collect();
    let solved = (!graded.is_empty()).then(|| {
        let a = graded
            .iter()
            .filter(|s| s.result == Some(HandlingResult::Solved))
            .count() as u32;
        (a, graded.len() as u32)
    });
    let work_rating = handled.iter().any(|s| s.columns.work_rating).then(|| {
        let n = |x: Satisfaction| {
            handled
                .iter()
                .filter(|s| s.work_satisfaction == Some(x))
                .count() as u32
        };
        (
            n(Satisfaction::Satisfied),
            n(Satisfaction::Basically),
            n(Satisfaction::Dissatisfied),
        )
    });
    HandlingFigures {
        total: items.len() as u32,
        motions,
        handled: handled.len() as u32,
        by_category,
        key_items,
        reply,
        solved,
        work_rating,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Source, SuggestionColumns};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn reply_deadline_is_three_months_to_the_day() {
        assert_eq!(reply_deadline(d(2025, 2, 10), 3), Some(d(2025, 5, 10)));
        // No 30 February: the month's last day.
        assert_eq!(reply_deadline(d(2024, 11, 30), 3), Some(d(2025, 2, 28)));
    }

    #[test]
    fn reply_status_worked_examples() {
        let (assigned, as_of) = (d(2025, 2, 10), d(2025, 12, 31));
        // On time: answered 2025-04-20, deadline 2025-05-10.
        assert_eq!(
            reply_status(assigned, Some(d(2025, 4, 20)), 3, as_of),
            Reply::OnTime
        );
        // On the deadline day itself: still on time.
        assert_eq!(
            reply_status(assigned, Some(d(2025, 5, 10)), 3, as_of),
            Reply::OnTime
        );
        // One day later: late.
        assert_eq!(
            reply_status(assigned, Some(d(2025, 5, 11)), 3, as_of),
            Reply::Late
        );
        // Not answered, deadline passed by the year's end: overdue.
        assert_eq!(reply_status(assigned, None, 3, as_of), Reply::Overdue);
        // Not answered, assigned 2025-11-20, due 2026-02-20: not yet due at year end.
        assert_eq!(reply_status(d(2025, 11, 20), None, 3, as_of), Reply::NotDue);
        // Not answered on the deadline day itself: not yet overdue.
        assert_eq!(
            reply_status(d(2025, 9, 30), None, 3, d(2025, 12, 30)),
            Reply::NotDue
        );
        // A district with a two-month limit: 2025-04-20 is late.
        assert_eq!(
            reply_status(assigned, Some(d(2025, 4, 20)), 2, as_of),
            Reply::Late
        );
    }

    fn item(columns: SuggestionColumns) -> Suggestion {
        Suggestion {
            date: d(2025, 1, 8),
            columns,
            unit: "代表联络室".into(),
            source: Source {
                file: "代表联络室.xlsx".into(),
                sheet: "代表建议".into(),
                row: 3,
            },
            ..Suggestion::sample("", &["D001"])
        }
    }

    #[test]
    fn old_sheets_give_missing_figures_not_zero() {
        let old = item(SuggestionColumns {
            result: true,
            ..Default::default()
        });
        let f = figures(&[&old], 3, d(2025, 12, 31));
        assert_eq!(f.total, 1);
        assert_eq!(f.motions, None);
        assert_eq!(f.by_category, None);
        assert_eq!(f.key_items, None);
        assert_eq!(f.reply, None);
        assert_eq!(f.work_rating, None);
        assert_eq!(
            f.solved,
            Some((0, 1)),
            "办理结果 was there: 0 solved is a fact"
        );
        assert_eq!(f.solved_rate(), Some(0.0));
    }

    #[test]
    fn figures_over_a_full_sheet() {
        let all = SuggestionColumns {
            category: true,
            nature: true,
            key_item: true,
            assigned: true,
            result: true,
            result_rating: true,
            work_rating: true,
        };
        let mk = |cat, assigned: Option<NaiveDate>, answered, result| {
            let mut s = item(all);
            s.category = cat;
            s.nature = Some(SuggestionNature::Suggestion);
            s.assigned = assigned;
            s.answered = answered;
            s.result = result;
            s
        };
        let feb = Some(d(2025, 2, 10));
        let items = [
            mk(
                Some(SuggestionCategory::Finance),
                feb,
                Some(d(2025, 5, 10)),
                Some(HandlingResult::Solved),
            ),
            mk(
                Some(SuggestionCategory::Finance),
                feb,
                Some(d(2025, 6, 1)),
                Some(HandlingResult::InProgress),
            ),
            mk(Some(SuggestionCategory::Legal), feb, None, None),
            mk(None, Some(d(2025, 11, 20)), None, None),
            mk(None, None, None, Some(HandlingResult::Solved)),
        ];
        let mut motion = item(all);
        motion.nature = Some(SuggestionNature::Motion);
        motion.key_item = true;
        motion.category = Some(SuggestionCategory::Legal);
        let mut refs: Vec<&Suggestion> = items.iter().collect();
        refs.push(&motion);
        let f = figures(&refs, 3, d(2025, 12, 31));
        assert_eq!((f.total, f.motions, f.handled), (6, Some(1), 5));
        let (cats, unclassified) = f.by_category.expect("recorded");
        assert_eq!(cats[0], (SuggestionCategory::Finance, 2));
        assert_eq!(cats[5], (SuggestionCategory::Legal, 2));
        assert_eq!(unclassified, 2);
        assert_eq!(f.key_items, Some(1));
        let r = f.reply.expect("recorded");
        assert_eq!(
            r,
            ReplyTally {
                on_time: 1,
                late: 1,
                overdue: 1,
                not_due: 1,
                undated: 1
            }
        );
        assert_eq!(r.rate(), Some(1.0 / 3.0));
        assert_eq!(
            f.solved,
            Some((2, 5)),
            "议案 are not graded with suggestions"
        );
        assert_eq!(f.work_rating, Some((0, 0, 0)));
    }
}
