//! 出席记录: attendance at congress sessions, standing-committee and committee meetings
//! and trainings.

use super::header::Header;
use super::open::Sheet;
use super::register;
use super::row::{self, Row};
use super::workbook::{Candidates, FileContext, FindingCap};
use crate::domain::findings::{FileTally, Finding, Severity, Validation};
use crate::domain::model::*;
use crate::domain::text::{chinese_date, normalize_name, unit_key};
use chrono::NaiveDate;

const MEETING_KINDS: &str = "区人代会、常委会会议、专委会议、学习培训";
const PRESENCES: &str = "出席、列席、请假、缺席";

pub(super) fn read_attendance(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let date = row.date("日期", true);
    let kind = row.required_choice("会议类别", MeetingKind::parse, MEETING_KINDS);
    let meeting = row.text("会议名称");
    let presence = row.required_choice("出席情况", Presence::parse, PRESENCES);
    let speeches = speeches(row);
    let note = row.text("备注");
    let near = ctx.near();
    let delegate = row.delegate(ctx.roster, near);
    let (Some(date), Some(kind), Some(presence), Some(delegate)) = (date, kind, presence, delegate)
    else {
        return false;
    };
    let day = DayRecord {
        date,
        kind,
        meeting,
        committee: String::new(),
        presence,
        speeches,
        note,
        delegate,
    };
    accept_attendance(ctx, row, day, cands)
}

/// 审议发言 (issue #19): optional, blank is none; a speech needs the member present.
fn speeches(row: &mut Row) -> u32 {
    if row.text_ref("审议发言").is_empty() {
        return 0;
    }
    row.count("审议发言").unwrap_or(0)
}

/// One day's attendance as a list row or a register cell gives it.
struct DayRecord {
    date: NaiveDate,
    kind: MeetingKind,
    meeting: String,
    /// The committee the register's header names, else empty (found here).
    committee: String,
    presence: Presence,
    speeches: u32,
    note: String,
    delegate: String,
}

/// The checks every attendance record passes, wherever it was read; the record becomes
/// a candidate unless the row failed.
fn accept_attendance(
    ctx: &FileContext,
    row: &mut Row,
    r: DayRecord,
    cands: &mut Candidates,
) -> bool {
    let DayRecord {
        date,
        kind,
        meeting,
        committee,
        mut presence,
        speeches,
        note,
        delegate,
    } = r;
    ctx.check_date(row, "日期", date, &delegate);
    check_listed_session(ctx, row, kind, date);
    let d = ctx.roster.by_id(&delegate);
    let committee = match kind {
        MeetingKind::CommitteeMeeting if committee.is_empty() => {
            committee_of_meeting(ctx, &meeting, d)
        }
        MeetingKind::CommitteeMeeting => committee,
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
            end: date,
            kind,
            meeting: if meeting.is_empty() {
                kind.label().to_string()
            } else {
                meeting
            },
            committee,
            delegate,
            presence,
            speeches,
            note,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        authority,
    ));
    true
}

/// With a session list in `lvzhi.toml`, a meeting day must fall in a listed session of
/// its kind: a date outside all of them is a typo or a session the list lacks.
fn check_listed_session(ctx: &FileContext, row: &mut Row, kind: MeetingKind, date: NaiveDate) {
    use crate::domain::session::{has_listed, listed_session, session_dates};
    let list = &ctx.config.sessions;
    if !has_listed(list, kind) || listed_session(list, kind, date).is_some() {
        return;
    }
    let listed: Vec<String> = list
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| format!("{}（{}）", s.name, session_dates(s.first, s.last)))
        .collect();
    row.error(
        "日期",
        &chinese_date(date),
        format!("日期不在 lvzhi.toml 所列的任何一次{}之内", kind.label()),
        format!(
            "请核对日期。所列{}：{}。如确有此次会议，请在 lvzhi.toml 的 [[sessions]] 中补充",
            kind.label(),
            listed.join("；")
        ),
    );
}

/// Reads a sign-in register: each mark cell is one record (and one counted item of
/// the file's tally); the sheet's reading is described in the validation report.
pub(super) fn read_register(
    ctx: &FileContext,
    sheet: &Sheet,
    layout: &register::Layout,
    cands: &mut Candidates,
    tally: &mut FileTally,
    v: &mut Validation,
) {
    let legend = &ctx.config.legend;
    let marks = layout.read(sheet, legend);
    v.findings.push(
        Finding::new(
            Severity::Info,
            ctx.file,
            &sheet.name,
            layout.header_first + 1,
        )
        .message(layout.describe(&marks))
        .hint(format!("签到标记的图例：{}", legend.describe())),
    );
    let letter = crate::domain::text::column_letter;
    for (c, text, why) in &layout.unread {
        v.findings.push(
            Finding::new(
                Severity::Warning,
                ctx.file,
                &sheet.name,
                layout.header_first + 1,
            )
            .column(format!("{}列", letter(*c)))
            .value(text.clone())
            .message(why.clone())
            .hint("签到表的表头应写明会议名称和日期，如“第六届人民代表大会第四次会议”下写“1月8日”"),
        );
    }
    let mut who: Vec<(&'static str, u32, String)> = Vec::new();
    if let Some(c) = layout.id_col {
        who.push(("代表编号", c, layout.id_header.clone()));
    }
    if let Some(c) = layout.name_col {
        who.push(("姓名", c, layout.name_header.clone()));
    }
    let header_of = |extra: &[(&'static str, u32, String)]| Header {
        row: layout.header_last,
        columns: who.iter().chain(extra).cloned().collect(),
        unknown: Vec::new(),
        unread: Vec::new(),
    };
    let person = header_of(&[]);
    // Findings name the meeting's column: 日期, 出席情况 and 会议名称 all sit in it.
    let cell_headers: Vec<Header> = layout
        .meetings
        .iter()
        .map(|m| {
            header_of(&[
                ("日期", m.col, m.header.clone()),
                ("会议名称", m.col, m.header.clone()),
                ("出席情况", m.col, m.header.clone()),
            ])
        })
        .collect();
    let activity_headers: Vec<Header> = layout
        .activities
        .iter()
        .map(|a| {
            header_of(&[
                ("日期", a.col, a.header.clone()),
                ("活动名称", a.col, a.header.clone()),
                ("出席情况", a.col, a.header.clone()),
            ])
        })
        .collect();
    let at: row::SheetAt = (ctx.file.into(), sheet.name.as_str().into());
    let mut cap = FindingCap::new();
    let mut k = 0;
    for &r in &marks.rows {
        let mut row = Row::new(sheet, &person, &at, r);
        let delegate = row.delegate(ctx.roster, ctx.near());
        cap.take(v, &mut row.findings);
        while let Some(mark) = marks.marks.get(k).filter(|m| m.row == r) {
            k += 1;
            tally.read += 1;
            let headers = match mark.column {
                register::Column::Meeting(i) => cell_headers.get(i),
                register::Column::Activity(i) => activity_headers.get(i),
            };
            let (Some(delegate), Some(headers)) = (&delegate, headers) else {
                tally.rejected += 1;
                continue;
            };
            let mut cell = Row::new(sheet, headers, &at, r);
            let ok = match mark.presence {
                None => {
                    cell.error(
                        "出席情况",
                        &mark.text,
                        "无法识别的签到标记",
                        format!(
                            "签到表中的标记按图例读取：{}。请改用图例中的标记，或在 lvzhi.toml 的 [legend] 中增加该标记",
                            legend.describe()
                        ),
                    );
                    false
                }
                Some(presence) => match mark.column {
                    register::Column::Meeting(i) => match layout.meetings.get(i) {
                        Some(m) => {
                            let day = DayRecord {
                                date: m.date,
                                kind: m.kind,
                                meeting: m.name.clone(),
                                committee: m.committee.clone(),
                                presence,
                                speeches: 0,
                                note: String::new(),
                                delegate: delegate.clone(),
                            };
                            accept_attendance(ctx, &mut cell, day, cands)
                        }
                        None => false,
                    },
                    // Only presence reaches here: `read` leaves out 请假 and 缺席.
                    register::Column::Activity(i) => match layout.activities.get(i) {
                        Some(a) => accept_activity(ctx, &mut cell, a, delegate, cands),
                        None => false,
                    },
                },
            };
            if !ok || cell.failed {
                tally.rejected += 1;
            }
            cap.take(v, &mut cell.findings);
        }
    }
    cap.finish(ctx.file, &sheet.name, v);
}

/// A register's activity mark: the delegate took part in the column's activity.
fn accept_activity(
    ctx: &FileContext,
    row: &mut Row,
    a: &register::ActivityColumn,
    delegate: &str,
    cands: &mut Candidates,
) -> bool {
    ctx.check_date(row, "日期", a.date, delegate);
    if row.failed {
        return false;
    }
    cands.activities.push((
        Activity {
            date: a.date,
            kind: a.kind,
            name: a.name.clone(),
            delegate: delegate.to_string(),
            note: String::new(),
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
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
