//! The regulation's rules as small pure functions over counts and thresholds, each with
//! a worked example. No rule reads a file or knows a document.

use crate::config::Thresholds;
use crate::domain::model::{MeetingKind, Presence, Records};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// 述职 per group per year (R6): at least `share` of the group's delegates report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportCoverage {
    pub delegates: u32,
    pub reported: u32,
    /// The least number that meets the share: ceil(delegates × share).
    pub required: u32,
    pub met: bool,
    /// How many more must still report this year (0 when met).
    pub still_needed: u32,
}

/// R6: each group organises at least `share` (20 %) of its delegates to report each year.
/// The required number is rounded up: 20 % of 12 delegates is 2.4, so 3 must report.
pub fn report_coverage(delegates: u32, reported: u32, share: f64) -> ReportCoverage {
    // Exact for shares given to a few decimals: guards 0.2 × 10 = 2.0000000000000004.
    let required = ((f64::from(delegates) * share) - 1e-9).ceil().max(0.0) as u32;
    ReportCoverage {
        delegates,
        reported,
        required,
        met: reported >= required,
        still_needed: required.saturating_sub(reported),
    }
}

/// R8 / 代表法 Art. 62(三): qualification ends after `limit` (two) unapproved absences from
/// congress sessions in the term, not necessarily consecutive; approved leave never counts.
pub fn qualification_ends(unapproved_absences: u32, limit: u32) -> bool {
    limit > 0 && unapproved_absences >= limit
}

/// The three labelled rates of an evaluation; None without valid votes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// 满意率 = 满意 / 有效票
    pub satisfied: f64,
    /// 满意及基本满意率 = (满意 + 基本满意) / 有效票
    pub satisfied_or_basically: f64,
    /// 不满意率 = 不满意 / 有效票
    pub dissatisfied: f64,
}

pub fn rates(satisfied: u32, basically: u32, dissatisfied: u32) -> Option<Rates> {
    let valid = f64::from(satisfied + basically + dissatisfied);
    (valid > 0.0).then(|| Rates {
        satisfied: f64::from(satisfied) / valid,
        satisfied_or_basically: f64::from(satisfied + basically) / valid,
        dissatisfied: f64::from(dissatisfied) / valid,
    })
}

/// R8: a 不满意 share strictly above the limit (50 %) leads to advising resignation;
/// exactly 50 % does not.
pub fn advise_resignation(satisfied: u32, basically: u32, dissatisfied: u32, limit: f64) -> bool {
    let valid = satisfied + basically + dissatisfied;
    // Compared in integers: d / valid > limit  ⇔  d > limit × valid, without float noise.
    valid > 0 && f64::from(dissatisfied) > limit * f64::from(valid) + 1e-9
}

/// R8's count: every delegate's unapproved absences from 区人代会 up to `until`, with the
/// date and name of each meeting missed, oldest first.
pub fn term_absences(
    records: &Records,
    until: NaiveDate,
) -> BTreeMap<String, Vec<(NaiveDate, NaiveDate, String)>> {
    let mut out: BTreeMap<String, Vec<(NaiveDate, NaiveDate, String)>> = BTreeMap::new();
    for a in records.attendance.iter().filter(|a| {
        a.kind == MeetingKind::Congress && a.presence == Presence::Absent && a.date <= until
    }) {
        out.entry(a.delegate.clone())
            .or_default()
            .push((a.date, a.end, a.meeting.clone()));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// 本届已述职: the delegates who reported to their voters (向选民述职) on or before
/// `on`, in the records of the term so far. Four documents ask this of the same records.
pub fn reported_by(
    history: &crate::domain::model::Records,
    on: chrono::NaiveDate,
) -> std::collections::BTreeSet<&str> {
    history
        .reports
        .iter()
        .filter(|r| r.date <= on)
        .map(|r| r.delegate.as_str())
        .collect()
}

/// R6: an evaluation meeting needs at least `min` (20) voter representatives.
pub fn enough_voters(voters: u32, min: u32) -> bool {
    voters >= min
}

/// A delegate who served in the year with fewer recorded activities than the threshold.
pub fn low_activity(activities: u32, t: &Thresholds) -> bool {
    activities < t.low_activity_per_year
}

/// A share as a fraction, or None without a denominator.
pub fn share(numerator: u32, denominator: u32) -> Option<f64> {
    (denominator > 0).then(|| f64::from(numerator) / f64::from(denominator))
}

/// Months served between two days, both included, as a fraction (a month is 1/12 of
/// an average year): a by-elected delegate is compared on what they did per month.
pub fn months_served(start: chrono::NaiveDate, end: chrono::NaiveDate) -> f64 {
    let days = (end - start).num_days() + 1;
    (days.max(0) as f64) / (365.25 / 12.0)
}

/// A figure per month served; None without service. Peers who served the whole span
/// keep their order, since their months are equal.
pub fn per_month(value: f64, months: f64) -> Option<f64> {
    (months > 0.0).then(|| value / months)
}

/// The figure a partial-period delegate is compared on: their rate per month served,
/// scaled to the whole period, so it reads as points and a delegate who served the whole
/// period keeps their own total exactly. None without service.
pub fn full_period_equivalent(value: f64, served_months: f64, period_months: f64) -> Option<f64> {
    if served_months + 1e-9 >= period_months {
        return (served_months > 0.0).then_some(value);
    }
    per_month(value, served_months).map(|r| r * period_months)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Attendance, ReportForm, ReportToVoters, Source};

    /// Worked example: D1 reported in 2023 and D2 on 2025-12-31; on 2025-12-31 both have
    /// reported, on 2025-12-30 only D1 (a report is counted from its own day).
    #[test]
    fn reported_by_counts_reports_on_or_before_the_day() {
        let report = |id: &str, y, m, d| ReportToVoters {
            date: NaiveDate::from_ymd_opt(y, m, d).expect("date"),
            delegate: id.into(),
            form: ReportForm::InPerson,
            voters: 20,
            satisfied: 20,
            basically: 0,
            dissatisfied: 0,
            unit: String::new(),
            source: crate::domain::model::Delegate::sample(id).source,
        };
        let history = Records {
            reports: vec![report("D1", 2023, 5, 1), report("D2", 2025, 12, 31)],
            ..Records::default()
        };
        let day = |d| NaiveDate::from_ymd_opt(2025, 12, d).expect("date");
        assert_eq!(
            reported_by(&history, day(31))
                .into_iter()
                .collect::<Vec<_>>(),
            ["D1", "D2"]
        );
        assert_eq!(
            reported_by(&history, day(30))
                .into_iter()
                .collect::<Vec<_>>(),
            ["D1"]
        );
    }

    fn congress(delegate: &str, ymd: (i32, u32, u32), presence: Presence) -> Attendance {
        let date = NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2).expect("date");
        Attendance {
            date,
            end: date,
            kind: MeetingKind::Congress,
            meeting: format!("{}年会议", ymd.0),
            committee: String::new(),
            delegate: delegate.to_string(),
            presence,
            speeches: 0,
            note: String::new(),
            unit: String::new(),
            source: Source {
                file: "f.xlsx".into(),
                sheet: "出席".into(),
                row: 2,
            },
        }
    }

    #[test]
    fn term_absences_count_unapproved_congress_absences_up_to_a_date() {
        let records = Records {
            attendance: vec![
                congress("D1", (2025, 1, 9), Presence::Absent),
                congress("D1", (2023, 1, 7), Presence::Absent),
                congress("D1", (2024, 1, 8), Presence::Leave),
                congress("D2", (2026, 1, 8), Presence::Absent),
            ],
            ..Records::default()
        };
        let until = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
        let got = term_absences(&records, until);
        // Leave never counts; D2's absence falls after `until`; dates come oldest first.
        assert_eq!(got.len(), 1);
        let d1: Vec<String> = got["D1"].iter().map(|(d, _, _)| d.to_string()).collect();
        assert_eq!(d1, ["2023-01-07", "2025-01-09"]);
    }

    /// Worked example: a five-year term (2022-01-01 … 2026-12-31) is 60 months; a
    /// delegate by-elected on 2024-07-01 served 30. Their 73 points are 2.43 a month,
    /// above a full-term peer's 120 points (2.0 a month).
    #[test]
    fn per_month_comparison_for_partial_terms() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let full = months_served(d(2022, 1, 1), d(2026, 12, 31));
        assert!((full - 60.0).abs() < 0.05, "{full}");
        let half = months_served(d(2024, 7, 1), d(2026, 12, 31));
        assert!((half - 30.0).abs() < 0.1, "{half}");
        let by_elected = per_month(73.0, half).expect("served");
        let peer = per_month(120.0, full).expect("served");
        assert!(by_elected > peer, "{by_elected} vs {peer}");
        assert_eq!(per_month(5.0, 0.0), None);
        assert_eq!(months_served(d(2025, 1, 2), d(2025, 1, 1)), 0.0);
        // Scaled to the 60-month term the by-elected delegate's 73 points compare as 146;
        // the full-term peer keeps 120 exactly (no float noise in printed points).
        let eq = full_period_equivalent(73.0, half, full).expect("served");
        assert!((eq - 146.0).abs() < 0.5, "{eq}");
        assert_eq!(full_period_equivalent(120.0, full, full), Some(120.0));
        assert_eq!(full_period_equivalent(7.0, 0.0, full), None);
    }

    #[test]
    fn twenty_percent_of_a_group_rounds_up() {
        // 12 delegates: 2.4 → 3 must report.
        let c = report_coverage(12, 2, 0.2);
        assert_eq!((c.required, c.met, c.still_needed), (3, false, 1));
        // Exactly 20 %: 2 of 10 meets the rule.
        let c = report_coverage(10, 2, 0.2);
        assert_eq!((c.required, c.met, c.still_needed), (2, true, 0));
        // One short of exactly 20 %.
        assert!(!report_coverage(10, 1, 0.2).met);
        // An empty group needs nobody.
        assert_eq!(report_coverage(0, 0, 0.2).required, 0);
        // 13 delegates at 20 %: 2.6 → 3.
        assert_eq!(report_coverage(13, 3, 0.2).required, 3);
    }

    #[test]
    fn two_unapproved_absences_end_a_qualification() {
        assert!(
            !qualification_ends(1, 2),
            "one absence plus any leave is not two"
        );
        assert!(
            qualification_ends(2, 2),
            "two absences in different years count"
        );
        assert!(qualification_ends(3, 2));
        assert!(!qualification_ends(5, 0), "a limit of 0 disables the rule");
    }

    #[test]
    fn rates_are_labelled_and_use_valid_votes() {
        let r = rates(15, 3, 2).expect("votes");
        assert_eq!(r.satisfied, 0.75);
        assert_eq!(r.satisfied_or_basically, 0.9);
        assert_eq!(r.dissatisfied, 0.1);
        assert_eq!(rates(0, 0, 0), None);
    }

    #[test]
    fn more_than_half_dissatisfied_but_not_exactly_half() {
        assert!(
            !advise_resignation(5, 5, 10, 0.5),
            "exactly 50 % is not above 50 %"
        );
        assert!(advise_resignation(5, 4, 10, 0.5), "10 of 19 is above 50 %");
        assert!(advise_resignation(3, 5, 14, 0.5));
        assert!(!advise_resignation(0, 0, 0, 0.5));
    }

    #[test]
    fn twenty_voter_representatives_at_least() {
        assert!(enough_voters(20, 20));
        assert!(!enough_voters(19, 20));
    }

    #[test]
    fn low_activity_threshold() {
        let t = Thresholds::default();
        assert!(low_activity(1, &t));
        assert!(!low_activity(2, &t));
    }
}
