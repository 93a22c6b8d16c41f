//! Qualification changes (R8) as the credentials committee reports them: each change
//! with its legal basis and date, resignations advised kept apart as recommendations,
//! and the seats the standing committee announces.

use super::findings::{Finding, Severity};
use super::model::{Delegate, Records, ReportToVoters, Roster};
use super::rules;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// How a qualification ended (or is to be reviewed).
/// The law on delegates, by its full name.
const LAW: &str = "《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// 未经批准两次不出席区人代会: ended by law (代表法 Art. 62(三)).
    Absences,
    /// 辞职被接受
    Resigned,
    /// 被罢免
    Recalled,
    /// 迁出或者调离本行政区域
    Transferred,
    /// 去世
    Died,
    /// The roster says 资格终止 without the cause the records show.
    Ended,
    /// Any other status the roster gives.
    Other(String),
}

impl ChangeKind {
    /// The roster's 代表状态.
    pub fn from_status(s: &str) -> ChangeKind {
        match crate::domain::text::normalized_name(s).as_ref() {
            "辞职" => ChangeKind::Resigned,
            "罢免" | "被罢免" => ChangeKind::Recalled,
            "调离" | "迁出" => ChangeKind::Transferred,
            "去世" | "死亡" | "病故" => ChangeKind::Died,
            "资格终止" | "代表资格终止" => ChangeKind::Ended,
            other => ChangeKind::Other(other.to_string()),
        }
    }

    pub fn label(&self) -> String {
        match self {
            ChangeKind::Absences => "未经批准两次不出席区人民代表大会会议".into(),
            ChangeKind::Resigned => "辞职被接受".into(),
            ChangeKind::Recalled => "被罢免".into(),
            ChangeKind::Transferred => "调离本行政区域".into(),
            ChangeKind::Died => "去世".into(),
            ChangeKind::Ended => "代表资格终止".into(),
            ChangeKind::Other(s) => s.clone(),
        }
    }

    /// The basis with the law by its short name (《代表法》), for a text that has
    /// introduced it ("以下简称《代表法》") and for tables: the title marks stay, as
    /// for every law a document cites.
    pub fn basis_short(&self) -> String {
        self.basis().replace(LAW, "《代表法》")
    }

    /// The legal basis as a report states it. The items of 代表法 Art. 62: (一) 迁出或者
    /// 调离本行政区域, (二) 辞职被接受, (三) 未经批准两次不出席本级人民代表大会会议,
    /// (四) 被罢免. Death ends the qualification without an article.
    pub fn basis(&self) -> String {
        let item = |n: &str| format!("{LAW}第六十二条第{n}项");
        match self {
            ChangeKind::Transferred => item("一"),
            ChangeKind::Resigned => item("二"),
            ChangeKind::Absences => item("三"),
            ChangeKind::Recalled => item("四"),
            ChangeKind::Died => "代表去世，代表资格自然终止".into(),
            ChangeKind::Ended | ChangeKind::Other(_) => {
                format!("{LAW}第六十二条（名册未注明具体情形，请核实）")
            }
        }
    }
}

/// One qualification change, or one resignation advised (a recommendation, not a change).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub delegate: String,
    pub kind: ChangeKind,
    pub date: NaiveDate,
    /// The facts: 未经批准缺席 and the sessions missed (empty for other changes).
    pub detail: String,
    /// The sessions missed with their dates alone, for a table whose 情形 column already
    /// says 未经批准两次不出席 (empty for other changes).
    pub sessions: String,
    /// Whether the roster still lists the delegate as serving (the change is the rule's).
    pub unrecorded: bool,
}

/// Changes in `[from, to]`: the roster's non-serving delegates with a date in the span,
/// and serving delegates whose `limit`-th unapproved congress absence (ending the
/// qualification by law) falls in it. A roster 资格终止 backed by the absences is given
/// their cause. Oldest first.
pub fn changes<'a>(
    delegates: impl IntoIterator<Item = &'a Delegate>,
    records: &Records,
    from: NaiveDate,
    to: NaiveDate,
    limit: u32,
) -> Vec<Change> {
    let absences = rules::term_absences(records, to);
    let ended_by_absence = |id: &str| -> Option<(NaiveDate, String)> {
        let list = absences.get(id)?;
        if !rules::qualification_ends(list.len() as u32, limit) {
            return None;
        }
        let nth = list.get(limit as usize - 1)?;
        let when = list
            .iter()
            .map(|(a, b, m)| format!("{m}（{}）", crate::domain::session::session_dates(*a, *b)))
            .collect::<Vec<_>>()
            .join("、");
        Some((nth.1, when))
    };
    let mut out = Vec::new();
    for d in delegates {
        let by_absence = ended_by_absence(&d.id);
        if let (false, Some(date)) = (d.is_serving(), d.status_date) {
            let mut kind = ChangeKind::from_status(&d.status);
            let mut sessions = String::new();
            if let (ChangeKind::Ended, Some((_, missed))) = (&kind, &by_absence) {
                kind = ChangeKind::Absences;
                sessions = missed.clone();
            }
            if date >= from && date <= to {
                out.push(Change {
                    delegate: d.id.clone(),
                    kind,
                    date,
                    detail: absence_detail(&sessions),
                    sessions,
                    unrecorded: false,
                });
            }
        } else if let Some((date, sessions)) = by_absence {
            if d.is_serving() && date >= from && date <= to {
                out.push(Change {
                    delegate: d.id.clone(),
                    kind: ChangeKind::Absences,
                    date,
                    detail: absence_detail(&sessions),
                    sessions,
                    unrecorded: true,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.date, &a.delegate).cmp(&(b.date, &b.delegate)));
    out
}

/// The facts of an end by absences: 未经批准缺席 and the sessions (none: no facts).
fn absence_detail(sessions: &str) -> String {
    if sessions.is_empty() {
        String::new()
    } else {
        format!("未经批准缺席{sessions}")
    }
}

/// Whether a yearly 公告 has announced the change already. `annual` announces every
/// change dated in its calendar year (代表法: the standing committee announces each
/// end of a qualification, once), so a term 公告 as of `as_of` re-lists
/// only the changes dated in `as_of`'s own year, which no yearly 公告 has covered.
pub fn announced_yearly(c: &Change, as_of: NaiveDate) -> bool {
    c.date.year() < as_of.year()
}

/// The delegates whose qualification ended by law without the roster recording it.
pub fn unrecorded(changes: &[Change]) -> Vec<&str> {
    changes
        .iter()
        .filter(|c| c.unrecorded)
        .map(|c| c.delegate.as_str())
        .collect()
}

/// A warning on the roster row of each delegate whose qualification ended by law
/// (unapproved absences) while the roster still says 在任: the documents on
/// qualification count the end, the others count the delegate as serving until the
/// roster records it, so the clerk is told to record it.
pub fn unrecorded_ends(roster: &Roster, records: &Records, limit: u32) -> Vec<Finding> {
    changes(&roster.delegates, records, NaiveDate::MIN, NaiveDate::MAX, limit)
        .into_iter()
        .filter(|c| c.unrecorded)
        .filter_map(|c| {
            let d = roster.by_id(&c.delegate)?;
            let date = crate::domain::text::chinese_date(c.date);
            Some(
                Finding::at(Severity::Warning, &d.source)
                    .column("代表状态")
                    .value(d.status_label())
                    .message(format!(
                        "{}{}，依照{}的规定，代表资格自{date}起终止，名册中仍为在任",
                        d.name,
                        c.detail,
                        c.kind.basis()
                    ))
                    .hint(format!(
                        "请在代表名册中登记：代表状态填“资格终止”，状态变更日期填 {}。登记前，代表资格的报告和公告已按终止计算，其他文书仍按在任统计",
                        c.date.format("%Y-%m-%d")
                    )),
            )
        })
        .collect()
}

/// Resignations to advise (R8): evaluations in `[from, to]` that the rating scale flags
/// (不满意 above the limit, or a verdict of 不称职), by delegate and date.
/// Recommendations, not changes.
pub fn resignations_advised(
    records: &Records,
    from: NaiveDate,
    to: NaiveDate,
    flagged: impl Fn(&ReportToVoters) -> bool,
) -> Vec<&ReportToVoters> {
    let mut out: Vec<&ReportToVoters> = records
        .reports
        .iter()
        .filter(|r| r.date >= from && r.date <= to && flagged(r))
        .collect();
    out.sort_by(|a, b| (&a.delegate, a.date).cmp(&(&b.delegate, b.date)));
    out
}

/// The seats on a date: 代表名额 (configured, else the delegates elected at the start of
/// the term), 实有代表 (serving that day, less those whose qualification ended by law
/// and is not yet on the roster) and 缺额.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub seats: u32,
    pub serving: u32,
    pub vacancies: u32,
}

pub fn seats<'a>(
    delegates: impl Iterator<Item = &'a Delegate> + Clone,
    configured: Option<u32>,
    term_start: NaiveDate,
    term_end: NaiveDate,
    on: NaiveDate,
    ended_unrecorded: &[&str],
) -> Seats {
    let seats = configured.unwrap_or_else(|| {
        delegates
            .clone()
            .filter(|d| d.elected.is_none_or(|e| e <= term_start))
            .count() as u32
    });
    let serving_on = |d: &Delegate| {
        d.service_start(term_start) <= on
            && d.service_end(term_end) >= on
            && !ended_unrecorded.contains(&d.id.as_str())
    };
    let serving = delegates.filter(|d| serving_on(d)).count() as u32;
    Seats {
        seats,
        serving,
        vacancies: seats.saturating_sub(serving),
    }
}

/// Changes by delegate, for the tables.
pub fn by_delegate(changes: &[Change]) -> BTreeMap<&str, &Change> {
    changes.iter().map(|c| (c.delegate.as_str(), c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Attendance, MeetingKind, Presence};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn absent(id: &str, date: NaiveDate, meeting: &str) -> Attendance {
        Attendance {
            date,
            end: date,
            kind: MeetingKind::Congress,
            meeting: meeting.into(),
            committee: String::new(),
            delegate: id.into(),
            presence: Presence::Absent,
            speeches: 0,
            note: String::new(),
            unit: String::new(),
            source: Delegate::sample(id).source,
        }
    }

    /// Worked example, term 2022-01-06 to 2027-01-05, report on 2025:
    /// D1 resigned 2025-06-30 (roster) → 辞职被接受, Art. 62(二);
    /// D2 absent without approval from the 2023 and 2025 sessions and still 在任 on the
    /// roster → ended by law on the last day of the 2025 session, Art. 62(三), unrecorded;
    /// D3 died 2024-05-01 → outside 2025; D4 absent once → nothing.
    /// Seats: 4 elected at the start, 1 by-elected (D5) in 2025-03; on 2025-12-31 serving
    /// D4 and D5 (D1 resigned, D2 ended by law, D3 died) → 名额 4, 实有 2, 缺额 2.
    #[test]
    fn changes_with_their_basis_and_the_seats() {
        let mut d1 = Delegate::sample("D1");
        d1.status = "辞职".into();
        d1.status_date = Some(d(2025, 6, 30));
        let d2 = Delegate::sample("D2");
        let mut d3 = Delegate::sample("D3");
        d3.status = "去世".into();
        d3.status_date = Some(d(2024, 5, 1));
        let d4 = Delegate::sample("D4");
        let mut d5 = Delegate::sample("D5");
        d5.elected = Some(d(2025, 3, 1));
        let roster = Roster::new(vec![d1, d2, d3, d4, d5]);
        let mut s2025 = absent("D2", d(2025, 1, 8), "第六届人民代表大会第四次会议");
        s2025.end = d(2025, 1, 10);
        let records = Records {
            attendance: vec![
                absent("D2", d(2023, 1, 7), "第六届人民代表大会第二次会议"),
                s2025,
                absent("D4", d(2025, 1, 8), "第六届人民代表大会第四次会议"),
            ],
            ..Records::default()
        };
        // D2's end is not on the roster: one warning on D2's row, telling what to enter.
        let told = unrecorded_ends(&roster, &records, 2);
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(
            told[0].message.contains("自2025年1月10日起终止"),
            "{:?}",
            told[0]
        );
        assert!(told[0].hint.contains("2025-01-10"), "{:?}", told[0]);
        let cs = changes(
            &roster.delegates,
            &records,
            d(2025, 1, 1),
            d(2025, 12, 31),
            2,
        );
        let got: Vec<(&str, ChangeKind, NaiveDate, bool)> = cs
            .iter()
            .map(|c| (c.delegate.as_str(), c.kind.clone(), c.date, c.unrecorded))
            .collect();
        assert_eq!(
            got,
            [
                ("D2", ChangeKind::Absences, d(2025, 1, 10), true),
                ("D1", ChangeKind::Resigned, d(2025, 6, 30), false),
            ]
        );
        assert!(cs[0].kind.basis().ends_with("第六十二条第三项"));
        assert!(cs[0]
            .detail
            .contains("第六届人民代表大会第二次会议（2023年1月7日）"));
        assert!(cs[0].detail.starts_with("未经批准缺席第六届"));
        // The table's 事实 column: the sessions alone (its 情形 column says 未经批准…),
        // and the law cited short (the body has named it in full).
        assert!(cs[0]
            .sessions
            .starts_with("第六届人民代表大会第二次会议（2023年1月7日）、"));
        assert_eq!(cs[0].kind.basis_short(), "《代表法》第六十二条第三项");
        assert!(cs[1].kind.basis().ends_with("第六十二条第二项"));
        assert_eq!((cs[1].detail.as_str(), cs[1].sessions.as_str()), ("", ""));
        // The yearly 公告 of 2025 announced both; a term 公告 as of 2027-01-05 would not
        // list them again, but one dated 2027-01-03 it would.
        assert!(cs.iter().all(|c| announced_yearly(c, d(2027, 1, 5))));
        assert!(!cs.iter().any(|c| announced_yearly(c, d(2025, 12, 31))));
        let mut late = cs[1].clone();
        late.date = d(2027, 1, 3);
        assert!(!announced_yearly(&late, d(2027, 1, 5)));
        let s = seats(
            roster.delegates.iter(),
            None,
            d(2022, 1, 6),
            d(2027, 1, 5),
            d(2025, 12, 31),
            &["D2"],
        );
        assert_eq!(
            s,
            Seats {
                seats: 4,
                serving: 2,
                vacancies: 2
            }
        );
        // A configured number of seats wins over the roster's count.
        let s = seats(
            roster.delegates.iter(),
            Some(5),
            d(2022, 1, 6),
            d(2027, 1, 5),
            d(2025, 12, 31),
            &["D2"],
        );
        assert_eq!(s.vacancies, 3);
    }
}
