//! Sign-in registers (签到表): one row per delegate, one column per meeting or activity,
//! its name and date in the header cells (over one or two header rows, possibly merged)
//! and a mark in each body cell, read through the legend of `lvzhi.toml`. This module
//! finds the layout and reads the marks; the attendance reader turns each mark into a
//! record: an attendance record for a meeting, an activity record for a delegate who
//! took part in an activity (视察, 调研 …).

use super::open::Sheet;
use super::row::cell_text;
use crate::domain::model::{ActivityKind, MeetingKind, Presence};
use crate::domain::session::Legend;
use crate::domain::text::{normalize_header, normalize_name, unit_key};
use calamine::Data;
use chrono::NaiveDate;

/// Sheet names that mean a register even before its header is looked at.
pub const SHEET_NAMES: [&str; 6] = [
    "签到表",
    "签到册",
    "会议签到",
    "出席签到表",
    "会议签到表",
    "出席登记表",
];

/// Whether a sheet's name says it is a sign-in register.
pub fn is_register_name(name: &str) -> bool {
    let n = normalize_header(name);
    let n = n.trim_end_matches(|c: char| c.is_ascii_digit());
    SHEET_NAMES.contains(&n) || n.ends_with("签到表")
}

const NAME_HEADERS: [&str; 3] = ["姓名", "代表姓名", "代表"];
const ID_HEADERS: [&str; 3] = ["代表编号", "编号", "代表证号"];
const HEADER_SCAN_ROWS: u32 = 30;

/// One meeting column of a register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingColumn {
    pub col: u32,
    pub kind: MeetingKind,
    /// The meeting's name without its date; empty when the header gives only the kind.
    pub name: String,
    pub date: NaiveDate,
    /// The special committee named in the header, for a 专委会议.
    pub committee: String,
    /// The header as typed (both rows), for findings.
    pub header: String,
}

/// One activity column of a register (视察, 调研, 执法检查 …): a mark of presence means
/// the delegate took part; 请假 or 缺席 means they did not (no record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityColumn {
    pub col: u32,
    pub kind: ActivityKind,
    /// The activity's name without its date (the kind's name when the header gives
    /// only the kind).
    pub name: String,
    pub date: NaiveDate,
    /// The header as typed (both rows), for findings.
    pub header: String,
}

/// Which column a mark sits in: an index into `Layout::meetings` or `Layout::activities`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Meeting(usize),
    Activity(usize),
}

/// Where a register's parts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The header rows, zero-based and inclusive (one or two rows).
    pub header_first: u32,
    pub header_last: u32,
    pub id_col: Option<u32>,
    pub name_col: Option<u32>,
    /// The typed texts of the id and name headers.
    pub id_header: String,
    pub name_header: String,
    pub meetings: Vec<MeetingColumn>,
    pub activities: Vec<ActivityColumn>,
    /// Header cells not read, with why (a meeting without a date, a date without a kind).
    pub unread: Vec<(u32, String, String)>,
    /// Header cells that name no meeting (序号, 备注 …): ignored like unknown columns.
    pub unknown: Vec<(u32, String)>,
}

/// A date written in a header cell: 2025-01-08, 2025年1月8日, 1月8日 (the file's year),
/// 1.8 is not taken (a version or a number). Returns the date and the text without it.
pub fn split_date(text: &str, year: i32) -> (String, Option<NaiveDate>) {
    let t = crate::domain::text::clean_text(text);
    if let Some(d) = crate::domain::text::parse_date_text(&t) {
        return (String::new(), Some(d));
    }
    let chars: Vec<char> = t.chars().collect();
    let num = |from: usize, max: usize| -> Option<(u32, usize)> {
        let n = chars[from..]
            .iter()
            .take(max + 1)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 || n > max {
            return None;
        }
        let s: String = chars[from..from + n].iter().collect();
        s.parse().ok().map(|v| (v, from + n))
    };
    for start in 0..chars.len() {
        if !chars[start].is_ascii_digit() || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        // 2025年1月8日 / 2025-1-8 / 2025/1/8 / 2025.1.8
        let full = (|| {
            let (y, i) = num(start, 4)?;
            if y < 1900 || !matches!(chars.get(i), Some('年' | '-' | '/' | '.')) {
                return None;
            }
            let (m, j) = num(i + 1, 2)?;
            if !matches!(chars.get(j), Some('月' | '-' | '/' | '.')) {
                return None;
            }
            let (d, k) = num(j + 1, 2)?;
            let k = if chars.get(k) == Some(&'日') {
                k + 1
            } else {
                k
            };
            Some((y as i32, m, d, k))
        })();
        // 1月8日 (日 may be left out)
        let short = || {
            let (m, i) = num(start, 2)?;
            if chars.get(i) != Some(&'月') {
                return None;
            }
            let (d, k) = num(i + 1, 2)?;
            let k = if matches!(chars.get(k), Some('日' | '号')) {
                k + 1
            } else {
                k
            };
            Some((year, m, d, k))
        };
        if let Some((y, m, d, end)) = full.or_else(short) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                let rest: String = chars[..start].iter().chain(&chars[end..]).collect();
                let rest = rest
                    .replace(['（', '）', '(', ')', '：', ':', '，', ','], " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                return (rest, Some(date));
            }
        }
    }
    (t, None)
}

/// The kind of activity a register header names (城市管理视察, 执法检查 …). A header that
/// names a meeting (…会议, 人代会) is a meeting even when it mentions an activity.
pub fn activity_of(name: &str) -> Option<ActivityKind> {
    let n = normalize_name(name);
    if n.is_empty() || n.contains("会议") || n.contains("人代会") {
        return None;
    }
    if let Some(k) = ActivityKind::parse(&n).filter(|k| *k != ActivityKind::Other) {
        return Some(k);
    }
    const WORDS: [(&str, ActivityKind); 8] = [
        ("执法检查", ActivityKind::LawEnforcementCheck),
        ("视察", ActivityKind::Inspection),
        ("调研", ActivityKind::Survey),
        ("小组活动", ActivityKind::GroupActivity),
        ("接待选民", ActivityKind::VoterContact),
        ("联系选民", ActivityKind::VoterContact),
        ("接待群众", ActivityKind::VoterContact),
        ("进站", ActivityKind::VoterContact),
    ];
    WORDS.iter().find(|(w, _)| n.contains(w)).map(|(_, k)| *k)
}

/// The kind of meeting a register header names, with the committee of a 专委会议.
pub fn kind_of(name: &str, committees: &[String]) -> Option<(MeetingKind, String)> {
    let n = normalize_name(name);
    if let Some(k) = MeetingKind::parse(&n) {
        return Some((k, String::new()));
    }
    if n.contains("常委会") || n.contains("常务委员会") {
        return Some((MeetingKind::StandingCommittee, String::new()));
    }
    if let Some(c) = committees.iter().find(|c| n.contains(&unit_key(c))) {
        return Some((MeetingKind::CommitteeMeeting, c.clone()));
    }
    if n.contains("专委") || n.contains("专门委员会") {
        return Some((MeetingKind::CommitteeMeeting, String::new()));
    }
    if n.contains("培训") || n.contains("学习") {
        return Some((MeetingKind::Training, String::new()));
    }
    if n.contains("人民代表大会") || n.contains("人大") || n.contains("人代会") {
        return Some((MeetingKind::Congress, String::new()));
    }
    None
}

fn header_text(d: &Data) -> String {
    match d {
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|x| x.date().format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        other => cell_text(other).unwrap_or_default(),
    }
}

/// Finds a register layout: a row with a 姓名 (or 代表编号) header and at least one
/// column whose header names a meeting and a date, in that row or the one below.
pub fn detect(sheet: &Sheet, year: i32, committees: &[String]) -> Option<Layout> {
    let (r0, r1) = sheet.row_span();
    for row in r0..r1.min(r0 + HEADER_SCAN_ROWS) {
        let mut id = None;
        let mut name = None;
        for (c, cell) in sheet.row_cells(row) {
            let h = normalize_header(&header_text(cell));
            if name.is_none() && NAME_HEADERS.contains(&h.as_str()) {
                name = Some((c, header_text(cell)));
            } else if id.is_none() && ID_HEADERS.contains(&h.as_str()) {
                id = Some((c, header_text(cell)));
            }
        }
        let Some(key_col) = name.as_ref().or(id.as_ref()).map(|x| x.0) else {
            continue;
        };
        // A second header row: the name column is blank there, or repeats the header
        // (a merged 姓名 cell over both rows).
        let below = header_text(sheet.get(row + 1, key_col));
        let two = row + 1 < r1
            && (below.is_empty()
                || normalize_header(&below)
                    == normalize_header(&header_text(sheet.get(row, key_col))));
        let last = if two { row + 1 } else { row };
        let layout = read_header(sheet, row, last, id, name, year, committees);
        if !layout.meetings.is_empty() || !layout.activities.is_empty() {
            return Some(layout);
        }
    }
    None
}

fn read_header(
    sheet: &Sheet,
    first: u32,
    last: u32,
    id: Option<(u32, String)>,
    name: Option<(u32, String)>,
    year: i32,
    committees: &[String],
) -> Layout {
    let skip = [id.as_ref().map(|x| x.0), name.as_ref().map(|x| x.0)];
    let mut cols: Vec<u32> = (first..=last)
        .flat_map(|r| sheet.row_cells(r).map(|(c, _)| c).collect::<Vec<_>>())
        .filter(|c| !skip.contains(&Some(*c)))
        .collect();
    cols.sort_unstable();
    cols.dedup();
    let mut layout = Layout {
        header_first: first,
        header_last: last,
        id_col: id.as_ref().map(|x| x.0),
        name_col: name.as_ref().map(|x| x.0),
        id_header: id.map(|x| x.1).unwrap_or_default(),
        name_header: name.map(|x| x.1).unwrap_or_default(),
        meetings: Vec::new(),
        activities: Vec::new(),
        unread: Vec::new(),
        unknown: Vec::new(),
    };
    for c in cols {
        let mut texts: Vec<String> = Vec::new();
        let mut date = None;
        let mut names: Vec<String> = Vec::new();
        for r in first..=last {
            let cell = sheet.get(r, c);
            let t = header_text(cell);
            if t.is_empty() || texts.contains(&t) {
                continue;
            }
            texts.push(t.clone());
            let (rest, d) = match cell {
                Data::DateTime(dt) => (String::new(), dt.as_datetime().map(|x| x.date())),
                _ => split_date(&t, year),
            };
            date = date.or(d);
            if !rest.is_empty() {
                names.push(rest);
            }
        }
        if texts.is_empty() {
            continue;
        }
        let typed = texts.join(" ");
        let name = names.join(" ");
        if let Some(kind) = activity_of(&name) {
            match date {
                Some(date) => layout.activities.push(ActivityColumn {
                    col: c,
                    kind,
                    name: if ActivityKind::parse(&name).is_some() {
                        kind.label().to_string()
                    } else {
                        name
                    },
                    date,
                    header: typed,
                }),
                None => layout.unread.push((
                    c,
                    typed,
                    "表头写了活动名称，但找不到日期，该列未读取".to_string(),
                )),
            }
            continue;
        }
        match (kind_of(&name, committees), date) {
            (Some((kind, committee)), Some(date)) => {
                // A generic kind name (区人代会) is no session name: left blank.
                let name = if MeetingKind::parse(&name).is_some() {
                    String::new()
                } else {
                    name
                };
                layout.meetings.push(MeetingColumn {
                    col: c,
                    kind,
                    name,
                    date,
                    committee,
                    header: typed,
                });
            }
            (Some(_), None) => layout.unread.push((
                c,
                typed,
                "表头写了会议名称，但找不到日期，该列未读取".to_string(),
            )),
            (None, Some(_)) => layout.unread.push((
                c,
                typed,
                "表头有日期，但看不出是哪类会议或活动（区人代会、常委会会议、专委会议、学习培训；视察、调研、执法检查、代表小组活动、联系接待选民），该列未读取"
                    .to_string(),
            )),
            (None, None) => layout.unknown.push((c, typed)),
        }
    }
    layout
}

/// One mark read from a body cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Zero-based row and the column's meeting or activity.
    pub row: u32,
    pub column: Column,
    /// The cell as typed.
    pub text: String,
    /// The presence, or None for a mark the legend does not know.
    pub presence: Option<Presence>,
}

/// What a register sheet held: the body rows, the marks and the blank cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub rows: Vec<u32>,
    pub marks: Vec<Mark>,
    pub blank: u32,
    /// 请假 or 缺席 marks in activity columns: the delegate did not take part, so no
    /// record (and, like a blank cell, no counted item).
    pub declined: u32,
}

impl Layout {
    /// Reads the body: each non-empty, non-notes row below the header, each meeting and
    /// activity cell through the legend. Blank cells are no record.
    pub fn read(&self, sheet: &Sheet, legend: &Legend) -> Marks {
        let (_, end) = sheet.row_span();
        let mut out = Marks::default();
        // Cells in column order, so that findings follow the sheet left to right.
        let mut columns: Vec<(u32, Column)> = self
            .meetings
            .iter()
            .enumerate()
            .map(|(i, m)| (m.col, Column::Meeting(i)))
            .chain(
                self.activities
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.col, Column::Activity(i))),
            )
            .collect();
        columns.sort_unstable_by_key(|c| c.0);
        for r in self.header_last + 1..end {
            if sheet.row_is_empty(r) || super::header::is_notes_row(sheet, r) {
                continue;
            }
            out.rows.push(r);
            for &(col, column) in &columns {
                let text = cell_text(sheet.get(r, col)).unwrap_or_else(|e| e);
                if crate::domain::text::is_blank_text(&text) {
                    out.blank += 1;
                    continue;
                }
                let presence = legend.read(&text).ok().flatten();
                if matches!(column, Column::Activity(_))
                    && matches!(presence, Some(Presence::Leave | Presence::Absent))
                {
                    out.declined += 1;
                    continue;
                }
                out.marks.push(Mark {
                    row: r,
                    column,
                    presence,
                    text,
                });
            }
        }
        out
    }

    /// How the sheet was read, for the validation report.
    pub fn describe(&self, marks: &Marks) -> String {
        let mut counts = [0u32; 4];
        let mut unknown = 0;
        for m in &marks.marks {
            match m.presence {
                Some(p) => {
                    let i = Presence::ALL.iter().position(|x| *x == p).unwrap_or(0);
                    counts[i] += 1;
                }
                None => unknown += 1,
            }
        }
        let date = crate::domain::text::chinese_date;
        let names: Vec<String> = self
            .meetings
            .iter()
            .map(|m| {
                let what = if m.name.is_empty() {
                    m.kind.label().to_string()
                } else {
                    m.name.clone()
                };
                format!("{what}（{}）", date(m.date))
            })
            .collect();
        let activities: Vec<String> = self
            .activities
            .iter()
            .map(|a| format!("{}（{}）", a.name, date(a.date)))
            .collect();
        let header_rows = if self.header_last > self.header_first {
            format!("第{}—{}行", self.header_first + 1, self.header_last + 1)
        } else {
            format!("第{}行", self.header_first + 1)
        };
        let mut read: Vec<String> = Presence::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| format!("{} {n}", p.label()))
            .collect();
        if unknown > 0 {
            read.push(format!("无法识别 {unknown}"));
        }
        let mut found = Vec::new();
        if !names.is_empty() {
            found.push(format!("{} 个会议——{}", names.len(), names.join("、")));
        }
        if !activities.is_empty() {
            found.push(format!(
                "{} 项活动——{}",
                activities.len(),
                activities.join("、")
            ));
        }
        let declined = if marks.declined > 0 {
            format!(
                "；活动列中请假、缺席 {} 格（未参加，不计记录）",
                marks.declined
            )
        } else {
            String::new()
        };
        format!(
            "按签到表格式读取（表头在{header_rows}）：{} 名代表、{}；读取标记 {} 个（{}），空白 {} 格（未记录）{declined}",
            marks.rows.len(),
            found.join("；"),
            marks.marks.len(),
            if read.is_empty() { "无".to_string() } else { read.join("、") },
            marks.blank
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        let mut s = Sheet::new("签到表", false);
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    s.set(r as u32, c as u32, Data::String(v.to_string()));
                }
            }
        }
        s
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).expect("date")
    }

    #[test]
    fn dates_in_header_text() {
        assert_eq!(split_date("1月8日", 2025), (String::new(), Some(d(1, 8))));
        assert_eq!(
            split_date("2025-01-08", 2025),
            (String::new(), Some(d(1, 8)))
        );
        assert_eq!(
            split_date("常委会第十次会议（3月1日）", 2025),
            ("常委会第十次会议".to_string(), Some(d(3, 1)))
        );
        assert_eq!(
            split_date("2025年1月9日 六届人大四次会议", 2025),
            ("六届人大四次会议".to_string(), Some(d(1, 9)))
        );
        assert_eq!(split_date("第四次会议", 2025).1, None);
        assert_eq!(split_date("13月40日", 2025).1, None);
    }

    #[test]
    fn kinds_from_header_names() {
        let c = vec!["法制委员会".to_string()];
        let k = |n: &str| kind_of(n, &c).map(|x| x.0);
        assert_eq!(
            k("第六届人民代表大会第四次会议"),
            Some(MeetingKind::Congress)
        );
        assert_eq!(k("六届人大四次会议"), Some(MeetingKind::Congress));
        assert_eq!(
            k("区人大常委会第十次会议"),
            Some(MeetingKind::StandingCommittee)
        );
        assert_eq!(
            kind_of("法制委员会第三次全体会议", &c),
            Some((MeetingKind::CommitteeMeeting, "法制委员会".to_string()))
        );
        assert_eq!(k("代表履职学习培训"), Some(MeetingKind::Training));
        assert_eq!(k("区人代会"), Some(MeetingKind::Congress));
        assert_eq!(k("序号"), None);
    }

    /// Worked example: a title row, then two header rows. The session's name is merged
    /// over its three days (the merge fills every covered cell, as `open` does), the
    /// dates are in the second row; a one-day SC meeting has name and date in one cell
    /// merged down over both rows. Every mark of the default legend appears once.
    #[test]
    fn two_header_rows_with_merged_names_and_every_mark() {
        let n = "第六届人民代表大会第四次会议";
        let sc = "常委会第十次会议（3月1日）";
        let s = sheet(&[
            &["兴华街道代表小组2025年会议签到表", "", "", "", "", ""],
            &["序号", "姓名", n, n, n, sc],
            &["", "姓名", "1月8日", "1月9日", "1月10日", sc],
            &["1", "张三", "√", "✓", "到", ""],
            &["2", "李四", "○", "假", "×", "缺"],
            &["3", "王五", "", "", "", "√"],
            &["填表人：赵六", "", "", "", "", ""],
        ]);
        let l = detect(&s, 2025, &[]).expect("a register");
        assert_eq!((l.header_first, l.header_last), (1, 2));
        assert_eq!(l.name_col, Some(1));
        let got: Vec<(u32, MeetingKind, &str, NaiveDate)> = l
            .meetings
            .iter()
            .map(|m| (m.col, m.kind, m.name.as_str(), m.date))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, MeetingKind::Congress, n, d(1, 8)),
                (3, MeetingKind::Congress, n, d(1, 9)),
                (4, MeetingKind::Congress, n, d(1, 10)),
                (
                    5,
                    MeetingKind::StandingCommittee,
                    "常委会第十次会议",
                    d(3, 1)
                ),
            ]
        );
        assert_eq!(l.unknown, vec![(0, "序号".to_string())]);
        let m = l.read(&s, &Legend::default());
        assert_eq!(m.rows, vec![3, 4, 5], "the signature row is not data");
        assert!(m
            .marks
            .iter()
            .all(|x| matches!(x.column, Column::Meeting(_))));
        let p: Vec<Option<Presence>> = m.marks.iter().map(|x| x.presence).collect();
        use Presence::*;
        assert_eq!(
            p,
            [Attended, Attended, Attended, Leave, Leave, Absent, Absent, Attended].map(Some)
        );
        assert_eq!(m.blank, 4);
        let text = l.describe(&m);
        assert!(
            text.contains("表头在第2—3行") && text.contains("4 个会议"),
            "{text}"
        );
        assert!(
            text.contains("读取标记 8 个（出席 4、请假 2、缺席 2）"),
            "{text}"
        );
    }

    #[test]
    fn one_header_row_and_an_unknown_mark() {
        let s = sheet(&[
            &[
                "代表编号",
                "姓名",
                "区人代会 2025-01-08",
                "常委会第十次会议",
                "备注",
            ],
            &["D001", "张三", "?", "√", ""],
        ]);
        let l = detect(&s, 2025, &[]).expect("a register");
        assert_eq!((l.header_first, l.header_last), (0, 0));
        assert_eq!(l.id_col, Some(0));
        assert_eq!(l.meetings.len(), 1);
        assert_eq!(l.meetings[0].name, "", "a generic name is no session name");
        assert_eq!(l.unread.len(), 1, "a meeting without a date is reported");
        let m = l.read(&s, &Legend::default());
        assert_eq!(m.marks[0].presence, None);
        assert_eq!(m.marks[0].text, "?");
    }

    #[test]
    fn activity_kinds_from_header_names() {
        assert_eq!(activity_of("城市管理视察"), Some(ActivityKind::Inspection));
        assert_eq!(activity_of("视察"), Some(ActivityKind::Inspection));
        assert_eq!(activity_of("养老服务专题调研"), Some(ActivityKind::Survey));
        assert_eq!(
            activity_of("区人大常委会食品安全法执法检查"),
            Some(ActivityKind::LawEnforcementCheck)
        );
        assert_eq!(
            activity_of("代表小组活动"),
            Some(ActivityKind::GroupActivity)
        );
        assert_eq!(
            activity_of("进站接待选民"),
            Some(ActivityKind::VoterContact)
        );
        // A meeting that mentions an activity stays a meeting.
        assert_eq!(activity_of("常委会执法检查工作会议"), None);
        assert_eq!(activity_of("六届人大四次会议"), None);
        assert_eq!(
            activity_of("其他"),
            None,
            "too vague to be a column's activity"
        );
    }

    /// Worked example: a register with one meeting day and two activities. A tick in an
    /// activity column is a record of taking part; 请假 and 缺席 there are no record but
    /// are counted apart; an unknown mark is read (to be reported) wherever it sits.
    #[test]
    fn activity_columns_beside_meeting_columns() {
        let s = sheet(&[
            &[
                "姓名",
                "区人代会 1月8日",
                "城市管理视察 5月12日",
                "视察 2025-06-03",
            ],
            &["张三", "√", "√", "○"],
            &["李四", "×", "缺", "?"],
            &["王五", "√", "", "到"],
        ]);
        let l = detect(&s, 2025, &[]).expect("a register");
        assert_eq!(l.meetings.len(), 1);
        let acts: Vec<(u32, ActivityKind, &str, NaiveDate)> = l
            .activities
            .iter()
            .map(|a| (a.col, a.kind, a.name.as_str(), a.date))
            .collect();
        assert_eq!(
            acts,
            vec![
                (2, ActivityKind::Inspection, "城市管理视察", d(5, 12)),
                (3, ActivityKind::Inspection, "视察", d(6, 3)),
            ]
        );
        let m = l.read(&s, &Legend::default());
        let got: Vec<(u32, Column, Option<Presence>)> = m
            .marks
            .iter()
            .map(|x| (x.row, x.column, x.presence))
            .collect();
        use Presence::*;
        assert_eq!(
            got,
            vec![
                (1, Column::Meeting(0), Some(Attended)),
                (1, Column::Activity(0), Some(Attended)),
                (2, Column::Meeting(0), Some(Absent)),
                (2, Column::Activity(1), None),
                (3, Column::Meeting(0), Some(Attended)),
                (3, Column::Activity(1), Some(Attended)),
            ]
        );
        assert_eq!((m.declined, m.blank), (2, 1));
        let text = l.describe(&m);
        assert!(
            text.contains("1 个会议——区人代会（2025年1月8日）"),
            "{text}"
        );
        assert!(
            text.contains("2 项活动——城市管理视察（2025年5月12日）、视察（2025年6月3日）"),
            "{text}"
        );
        assert!(
            text.contains("活动列中请假、缺席 2 格（未参加，不计记录）"),
            "{text}"
        );
    }

    #[test]
    fn an_activity_without_a_date_is_reported_not_read() {
        let s = sheet(&[
            &["姓名", "区人代会 1月8日", "城市管理视察"],
            &["张三", "√", "√"],
        ]);
        let l = detect(&s, 2025, &[]).expect("a register");
        assert!(l.activities.is_empty());
        assert_eq!(l.unread.len(), 1);
        assert!(l.unread[0].2.contains("活动名称"), "{:?}", l.unread);
    }

    #[test]
    fn a_list_sheet_is_no_register() {
        let s = sheet(&[
            &["日期", "会议类别", "会议名称", "姓名", "出席情况"],
            &["2025-01-08", "区人代会", "第四次会议", "张三", "出席"],
        ]);
        assert_eq!(detect(&s, 2025, &[]), None);
        assert!(is_register_name("会议签到表"));
        assert!(is_register_name("2025年会议签到表"));
        assert!(!is_register_name("出席记录"));
    }
}
