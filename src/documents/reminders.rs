//! 提醒 letters (R6, R8): one page per serving delegate with little recorded activity, an
//! unapproved absence, or no 述职 yet with little of the term left; a cover lists them
//! for the office. A delegate whose qualification ended by law gets none (that is the
//! credentials committee's report). The wording is the template 履职提醒函.txt.

use crate::config::Config;
use crate::domain::archive::{Archive, Metric};
use crate::domain::model::{MeetingKind, Presence, Records};
use crate::domain::reminder::{self, Figures, Limits, Reason};
use crate::render::docx::{Block, Document, TableBlock};
use chrono::NaiveDate;
use serde_json::{json, Value};

/// One letter: who, and the template's variables.
pub struct Letter {
    pub id: String,
    pub name: String,
    pub group: String,
    /// The reasons, as the letter states them.
    pub reasons: Vec<String>,
    pub vars: Value,
}

/// The letters for the archive's period, dated `on`, in archive order.
pub fn letters(
    archive: &Archive,
    history: &Records,
    config: &Config,
    on: NaiveDate,
) -> Vec<Letter> {
    let p = &archive.period;
    let limits = Limits {
        low_activity: config.thresholds.low_activity_per_year,
        absences: config.reminders.absences,
        months_left: config.reminders.months_left,
    };
    let reported = crate::domain::rules::reported_by(history, on);
    let months_left = crate::domain::text::whole_months(on, config.term.end);
    // A qualification ended by law (two unapproved absences) is for the credentials
    // committee, not a reminder, even while the roster still says 在任.
    let absences = crate::domain::rules::term_absences(history, p.end);
    let ended = |id: &str| {
        absences.get(id).is_some_and(|v| {
            crate::domain::rules::qualification_ends(
                v.len() as u32,
                config.thresholds.unapproved_absence_limit,
            )
        })
    };
    let mut out = Vec::new();
    for d in &archive.delegates {
        let dl = &d.delegate;
        if dl.service_end(config.term.end) < p.end || ended(&dl.id) {
            continue;
        }
        let absences = d.get(Metric::CongressAbsent)
            + d.get(Metric::ScAbsent)
            + d.get(Metric::CommitteeAbsent);
        let figures = Figures {
            activities: d.get(Metric::RecessActivities),
            unapproved_absences: absences,
            reported_in_term: reported.contains(dl.id.as_str()),
            months_left,
        };
        let why = reminder::reasons(figures, limits);
        if why.is_empty() {
            continue;
        }
        let reasons: Vec<String> = why
            .iter()
            .map(|r| reason_text(r, &p.label, &absent_meetings(history, &dl.id, p)))
            .collect();
        let vars = json!({
            "name": dl.name,
            "group": dl.group,
            "period": p.label,
            "district": config.district.name,
            "standing_committee": config.district.standing_committee,
            "liaison": config.units.liaison,
            "reasons": reasons,
            // The closing asks for what is missing: a 述职 only of one who has not.
            "reported": figures.reported_in_term,
            "absent": absences > 0,
        });
        out.push(Letter {
            id: dl.id.clone(),
            name: dl.name.clone(),
            group: dl.group.clone(),
            reasons,
            vars,
        });
    }
    out
}

/// The meetings a delegate missed without approval in the period, with their dates.
fn absent_meetings(history: &Records, id: &str, p: &crate::domain::archive::Period) -> Vec<String> {
    history
        .attendance
        .iter()
        .filter(|a| a.delegate == id && a.presence == Presence::Absent && p.contains(a.date))
        .filter(|a| a.kind != MeetingKind::Training)
        .map(|a| {
            let name = if a.meeting.is_empty() {
                a.kind.label().to_string()
            } else {
                a.meeting.clone()
            };
            format!(
                "{name}（{}）",
                crate::domain::session::session_dates(a.date, a.end)
            )
        })
        .collect()
}

fn reason_text(r: &Reason, period: &str, meetings: &[String]) -> String {
    match r {
        Reason::LowActivity { activities: 0, .. } => format!(
            "{period}没有参加闭会期间活动（代表小组活动、视察、调研、执法检查、联系接待选民等）的记录"
        ),
        Reason::LowActivity { activities, limit } => format!(
            "{period}参加闭会期间活动（代表小组活动、视察、调研、执法检查、联系接待选民等）{activities}次，少于{limit}次"
        ),
        Reason::Absent { times } if meetings.is_empty() => {
            format!("{period}未经批准缺席会议{times}次")
        }
        Reason::Absent { times } => format!(
            "{period}未经批准缺席会议{times}次：{}",
            meetings.join("、")
        ),
        Reason::NotReported { months_left, limit } => {
            // The nearer bound says it: "不足3个月" where 3 months are left, else the limit.
            let under = (*months_left + 1).min(*limit);
            format!(
                "本届尚未向原选区选民述职，距本届任期届满已不足{under}个月；按照规定，代表每届至少向选民述职一次"
            )
        }
    }
}

/// The cover for the office: how many letters, and to whom, why.
pub fn cover(letters: &[Letter], config: &Config, period: &str, author: &str) -> Document {
    let rows = letters
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.group.clone(),
                l.name.clone(),
                l.reasons.join("；"),
            ]
        })
        .collect();
    Document {
        title: format!("{period}履职提醒函"),
        subtitle: None,
        body: vec![
            Block::Title(format!("{period}履职提醒函")),
            Block::Centered(format!(
                "{}代表联络室　共{}份",
                config.district.standing_committee,
                letters.len()
            )),
            Block::Table(TableBlock::new(
                &["序号", "代表小组", "姓名", "提醒事项"],
                rows,
                &[2, 5, 4, 16],
            )),
        ],
        signature: None,
        attachments: Vec::new(),
        author: author.to_string(),
        print_title: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letters count months left as the 述职评议 report does (`text::whole_months`).
    #[test]
    fn months_left_count_whole_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let m = crate::domain::text::whole_months;
        assert_eq!(m(d(2025, 12, 31), d(2027, 1, 5)), 12);
        assert_eq!(m(d(2026, 1, 10), d(2027, 1, 5)), 11);
        assert_eq!(m(d(2027, 2, 1), d(2027, 1, 5)), 0);
    }

    /// The time left said once, by its nearer bound: 11 whole months left is "不足12
    /// 个月", 2 is "不足3个月" (the rule's 12 would understate the urgency).
    #[test]
    fn time_left_is_said_once() {
        let say = |months_left, limit| {
            reason_text(&Reason::NotReported { months_left, limit }, "2025年度", &[])
        };
        let text = say(11, 12);
        assert!(text.contains("已不足12个月；"), "{text}");
        assert!(!text.contains("约"), "{text}");
        assert!(say(2, 12).contains("已不足3个月；"));
        assert!(say(0, 12).contains("已不足1个月；"));
    }
}
