//! 出席记录: attendance at congress sessions, standing-committee and committee meetings
//! and trainings.

use super::row::Row;
use super::workbook::{Candidates, FileContext};
use crate::domain::model::*;
use crate::domain::text::{normalize_name, unit_key};

const MEETING_KINDS: &str = "区人代会、常委会会议、专委会议、学习培训";
const PRESENCES: &str = "出席、列席、请假、缺席";

pub(super) fn read_attendance(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let date = row.date("日期", true);
    let kind = row.required_choice("会议类别", MeetingKind::parse, MEETING_KINDS);
    let meeting = row.text("会议名称");
    let presence = row.required_choice("出席情况", Presence::parse, PRESENCES);
    let note = row.text("备注");
    let near = ctx.near();
    let delegate = row.delegate(ctx.roster, near);
    let (Some(date), Some(kind), Some(mut presence), Some(delegate)) =
        (date, kind, presence, delegate)
    else {
        return false;
    };
    ctx.check_date(row, "日期", date, &delegate);
    let d = ctx.roster.by_id(&delegate);
    let committee = match kind {
        MeetingKind::CommitteeMeeting => committee_of_meeting(ctx, &meeting, d),
        _ => String::new(),
    };
    if kind == MeetingKind::Congress && presence == Presence::Observer {
        row.error(
            "出席情况",
            presence.label(),
            "区人代会的出席情况只能是出席、请假或缺席",
            "代表出席区人代会请填“出席”；未经批准未到会填“缺席”",
        );
    }
    if presence == Presence::Attended {
        let member = match (kind, d) {
            (MeetingKind::StandingCommittee, Some(d)) => d.roles.standing_committee,
            (MeetingKind::CommitteeMeeting, Some(d)) if !committee.is_empty() => {
                unit_key(&d.committee) == unit_key(&committee)
            }
            _ => true,
        };
        if !member {
            presence = Presence::Observer;
            row.warn(
                "出席情况",
                "出席",
                format!(
                    "该代表不是{}组成人员，按“列席”统计",
                    if kind == MeetingKind::StandingCommittee {
                        "常委会"
                    } else {
                        &committee
                    }
                ),
                "非组成人员参加会议请填“列席”",
            );
        }
    }
    if row.failed {
        return false;
    }
    let authority = ctx.authority(Some(kind), &committee);
    cands.attendance.push((
        Attendance {
            date,
            kind,
            meeting: if meeting.is_empty() {
                kind.label().to_string()
            } else {
                meeting
            },
            committee,
            delegate,
            presence,
            note,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        authority,
    ));
    true
}

/// The committee a 专委会议 belongs to: the sending committee, else one named in the
/// meeting name, else the attending delegate's own committee.
fn committee_of_meeting(ctx: &FileContext, meeting: &str, d: Option<&Delegate>) -> String {
    if ctx.unit.kind == UnitKind::Committee {
        return ctx.unit.name.clone();
    }
    let m = normalize_name(meeting);
    if let Some(c) = ctx
        .config
        .units
        .special_committees
        .iter()
        .find(|c| m.contains(&unit_key(c)))
    {
        return c.clone();
    }
    d.map(|d| d.committee.clone()).unwrap_or_default()
}
