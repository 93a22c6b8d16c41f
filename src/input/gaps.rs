//! Gaps: a delegate expected at a meeting with no record of it at all.

use crate::config::Config;
use crate::domain::findings::{Finding, Severity};
use crate::domain::model::*;
use crate::domain::text::chinese_date;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Every serving delegate expected at a meeting held in the period but with no record of
/// it: reported, and counted neither as present nor as absent.
pub fn attendance_gaps(
    attendance: &[Attendance],
    roster: &Roster,
    config: &Config,
) -> Vec<Finding> {
    type MeetingKey<'a> = (MeetingKind, NaiveDate, Cow<'a, str>);
    // Meetings in key order, each with the name its first record gives it.
    let mut meetings: BTreeMap<MeetingKey, &str> = BTreeMap::new();
    let mut recorded: crate::domain::model::FastSet<(&str, MeetingKey)> = Default::default();
    recorded.reserve(attendance.len());
    for a in attendance {
        let key = meeting_key(a);
        if a.kind != MeetingKind::Training
            && !(a.kind == MeetingKind::CommitteeMeeting && a.committee.is_empty())
        {
            meetings.entry(key.clone()).or_insert(&a.meeting);
        }
        recorded.insert((a.delegate.as_str(), key));
    }
    let mut out = Vec::new();
    for ((kind, date, committee), name) in &meetings {
        // Who is expected, in roster order.
        let expected: Vec<&Delegate> = match kind {
            MeetingKind::Congress => roster.delegates.iter().collect(),
            MeetingKind::StandingCommittee => roster
                .delegates
                .iter()
                .filter(|d| d.roles.standing_committee)
                .collect(),
            MeetingKind::CommitteeMeeting => roster.in_committee_key(committee),
            MeetingKind::Training => Vec::new(),
        };
        for d in expected {
            let serving = *date >= d.service_start(config.term.start)
                && *date <= d.service_end(config.term.end);
            let key = (
                d.id.as_str(),
                (*kind, *date, Cow::Borrowed(committee.as_ref())),
            );
            if !serving || recorded.contains(&key) {
                continue;
            }
            let who = match kind {
                MeetingKind::Congress => format!("{}（代表小组）", d.group),
                MeetingKind::StandingCommittee => config.units.office.clone(),
                _ => d.committee.clone(),
            };
            out.push(
                Finding::new(
                    Severity::Warning,
                    crate::domain::findings::GAP_FILE,
                    "出席记录",
                    0,
                )
                .column(format!("{}（{}）", d.name, d.id))
                .value(format!("{} {}", chinese_date(*date), name))
                .message(format!(
                    "应出席{}「{}」（{}）的代表没有任何出席记录，暂不计为出席，也不计为缺席",
                    kind.label(),
                    name,
                    chinese_date(*date)
                ))
                .hint(format!("请{who}补报该代表的出席情况")),
            );
        }
    }
    out
}
