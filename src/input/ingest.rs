//! Read → validate/normalise: workbooks become typed records with their sources, and
//! every problem becomes a finding. Identity resolution against the roster, duplicate
//! merging across units and the attendance-gap check happen here.

use super::row::{self, identify, Row};
use crate::config::Config;
use crate::domain::findings::{FileTally, Finding, Severity, Validation};
use crate::domain::model::*;
use crate::domain::text::{
    chinese_date, normalize_name, normalized_name, split_name_list, unit_key,
};
use crate::input::header::{self, find_header, is_notes_row, Header, SheetKind, SheetSpec};
use crate::input::open::{self, Sheet, Workbook};
use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The roster file's name (without extension) in the input folder.
pub const ROSTER_STEM: &str = "代表名册";
/// The configuration file's name in the input folder.
pub const CONFIG_FILE: &str = "lvzhi.toml";

/// What kind of body sent a file; decides whose record wins when two disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// 代表小组
    Group,
    /// 常委会办公室
    Office,
    /// 代表联络室
    Liaison,
    /// 专门委员会
    Committee,
}

/// A sending unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub name: String,
    pub kind: UnitKind,
}

/// Everything a job works from: the configuration, the roster and the accepted records,
/// with the validation outcome.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub config: Config,
    pub roster: Roster,
    pub records: Records,
    pub validation: Validation,
    /// Years whose folders were read.
    pub years: Vec<i32>,
}

/// The unit a file comes from, by its name: `<unit>.xlsx` or `<unit>_<anything>.xlsx`.
pub fn resolve_unit(stem: &str, roster: &Roster, config: &Config) -> Option<Unit> {
    let base = stem.split(['_', '－', '—']).next().unwrap_or(stem);
    let key = unit_key(base);
    let u = &config.units;
    if key == unit_key(&u.office) {
        return Some(Unit {
            name: u.office.clone(),
            kind: UnitKind::Office,
        });
    }
    if key == unit_key(&u.liaison) {
        return Some(Unit {
            name: u.liaison.clone(),
            kind: UnitKind::Liaison,
        });
    }
    if let Some(c) = u.special_committees.iter().find(|c| unit_key(c) == key) {
        return Some(Unit {
            name: c.clone(),
            kind: UnitKind::Committee,
        });
    }
    roster.group_named(base).map(|g| Unit {
        name: g.to_string(),
        kind: UnitKind::Group,
    })
}

// ---------------------------------------------------------------------------------------
// The roster

/// Reads the roster sheet; rows with errors are left out and reported.
pub fn read_roster(wb: &Workbook, file: &str, config: &Config, v: &mut Validation) -> Roster {
    let mut tally = FileTally::new(file, "代表联络室");
    let sheet = wb
        .sheets
        .iter()
        .find(|s| header::ROSTER.matches_sheet_name(&s.name))
        .or_else(|| wb.sheets.iter().find(|s| !s.hidden));
    let Some(sheet) = sheet else {
        v.findings.push(
            Finding::new(Severity::Error, file, "", 0)
                .message("代表名册中没有工作表")
                .hint("名册应有一个名为「代表名册」的工作表"),
        );
        tally.unreadable = true;
        v.tallies.push(tally);
        return Roster::default();
    };
    let header = match find_header(sheet, &header::ROSTER) {
        Ok(h) => h,
        Err(msg) => {
            sheet_unreadable(sheet, file, &msg, &header::ROSTER, &mut tally, v);
            v.tallies.push(tally);
            return Roster::default();
        }
    };
    let mut delegates: Vec<Delegate> = Vec::new();
    let mut seen_ids: HashMap<String, u32> = HashMap::new();
    let at: row::SheetAt = (file.into(), sheet.name.as_str().into());
    for r in data_rows(sheet, &header, file, &mut tally, v) {
        let mut row = Row::new(sheet, &header, &at, r);
        let id = row.required_text("代表编号");
        let name = row.required_text("姓名").map(|n| normalize_name(&n));
        let group = row.required_text("代表小组");
        let birth = row.date("出生日期", false);
        let status_date = row.date("状态变更日期", false);
        let elected = row.date("当选日期", false);
        let status = row.text("代表状态");
        let mut roles = Roles::default();
        for token in row
            .text("身份")
            .split(['、', ',', '，', ';', '；', ' ', '/'])
        {
            match normalize_name(token).as_str() {
                "" => {}
                "常委会组成人员" | "常委会委员" | "常委会组成人员代表" => {
                    roles.standing_committee = true
                }
                "专委组成人员" | "专门委员会组成人员" | "专委委员" => {
                    roles.special_committee = true
                }
                "党政主要领导干部" | "党政主要领导" => roles.leader = true,
                other => {
                    let other = other.to_string();
                    row.warn(
                        "身份",
                        &other,
                        "不是规定的身份类别，已忽略",
                        "身份只填：常委会组成人员、专委组成人员、党政主要领导干部，多个用顿号分隔",
                    )
                }
            }
        }
        let committee = row.text("专门委员会");
        if !committee.is_empty() {
            roles.special_committee = true;
            if !config.units.special_committees.is_empty()
                && !config
                    .units
                    .special_committees
                    .iter()
                    .any(|c| unit_key(c) == unit_key(&committee))
            {
                row.warn(
                    "专门委员会",
                    &committee,
                    "不是配置文件中列出的专门委员会",
                    format!("请写成：{}", config.units.special_committees.join("、")),
                );
            }
        }
        let serving = status.is_empty() || status == "在任";
        if !serving && status_date.is_none() {
            row.error(
                "状态变更日期",
                "",
                format!("代表状态为「{status}」，但未填写状态变更日期"),
                "请填写辞职、罢免等生效的日期，以便按任职时间统计",
            );
        }
        if let Some(d) = status_date {
            if d < config.term.start || d > config.term.end {
                row.error(
                    "状态变更日期",
                    &chinese_date(d),
                    "状态变更日期不在本届任期内",
                    format!(
                        "本届任期为 {} 至 {}",
                        chinese_date(config.term.start),
                        chinese_date(config.term.end)
                    ),
                );
            }
        }
        if let (Some(id), false) = (&id, row.failed) {
            if let Some(first) = seen_ids.get(id) {
                row.error(
                    "代表编号",
                    id,
                    format!("代表编号与第{first}行重复"),
                    "每位代表的编号必须唯一；同一代表只能属于一个代表小组",
                );
            }
        }
        let source = row.source.clone();
        let failed = row.failed;
        v.findings.append(&mut row.findings);
        if failed {
            tally.rejected += 1;
            continue;
        }
        let (Some(id), Some(name), Some(group)) = (id, name, group) else {
            tally.rejected += 1;
            continue;
        };
        seen_ids.insert(id.clone(), source.row);
        let text = |col: &str| {
            header
                .col(col)
                .map(|c| row::cell_text(sheet.get(source.row - 1, c)).unwrap_or_default())
                .unwrap_or_default()
        };
        tally.accepted += 1;
        delegates.push(Delegate {
            id,
            name,
            gender: text("性别"),
            birth,
            ethnicity: text("民族"),
            party: text("政治面貌"),
            work_unit: text("工作单位及职务"),
            group,
            constituency: text("选区"),
            roles,
            committee,
            status: if serving { String::new() } else { status },
            status_date,
            elected,
            phone: text("联系电话"),
            source,
        });
    }
    // Same name twice: records must then carry the id.
    let mut by_name: BTreeMap<&str, Vec<&Delegate>> = BTreeMap::new();
    for d in &delegates {
        by_name.entry(&d.name).or_default().push(d);
    }
    for (name, ds) in by_name.iter().filter(|(_, ds)| ds.len() > 1) {
        let ids: Vec<String> = ds.iter().map(|d| d.id.clone()).collect();
        for d in ds {
            v.findings.push(
                Finding::at(Severity::Warning, &d.source)
                    .column("姓名")
                    .value(*name)
                    .message(format!("名册中有同名代表（{}）", ids.join("、")))
                    .hint(format!(
                        "各报送表中涉及「{name}」时必须填写代表编号，或写成 {name}（代表编号）"
                    )),
            );
        }
    }
    v.tallies.push(tally);
    Roster::new(delegates)
}

// ---------------------------------------------------------------------------------------
// Sheets and rows

/// Data rows below the header: blank rows skipped, notes rows counted and listed.
fn data_rows(
    sheet: &Sheet,
    header: &Header,
    file: &str,
    tally: &mut FileTally,
    v: &mut Validation,
) -> Vec<u32> {
    let (_, end) = sheet.row_span();
    let mut rows = Vec::new();
    for r in header.row + 1..end {
        if sheet.row_is_empty(r) {
            continue;
        }
        if is_notes_row(sheet, r) {
            tally.notes += 1;
            let (c0, _) = sheet.col_span();
            let first = row::cell_text(sheet.get(r, c0)).unwrap_or_default();
            v.findings.push(
                Finding::new(Severity::Info, file, &sheet.name, r + 1)
                    .value(first)
                    .message("说明或签名行，不是数据，未计入")
                    .hint("无需处理"),
            );
            continue;
        }
        tally.read += 1;
        rows.push(r);
    }
    for (c, text) in &header.unknown {
        v.findings.push(
            Finding::new(Severity::Info, file, &sheet.name, header.row + 1)
                .column(format!("{}列", crate::domain::text::column_letter(*c)))
                .value(text.clone())
                .message("未识别的列，内容未读取")
                .hint("如该列有需要统计的内容，请改用规定的列名"),
        );
    }
    rows
}

/// A sheet whose header could not be found: its rows are counted and rejected.
fn sheet_unreadable(
    sheet: &Sheet,
    file: &str,
    msg: &str,
    spec: &SheetSpec,
    tally: &mut FileTally,
    v: &mut Validation,
) {
    let (r0, r1) = sheet.row_span();
    let n = (r0..r1).filter(|r| !sheet.row_is_empty(*r)).count() as u32;
    tally.read += n;
    tally.rejected += n;
    v.findings.push(
        Finding::new(Severity::Error, file, &sheet.name, 0)
            .message(format!("{msg}；该表 {n} 行均未读取"))
            .hint(format!(
                "表头应包含：{}（可用“生成空白报送表”得到标准表头）",
                spec.required_names()
            )),
    );
}

/// Records of one kind before duplicates are merged, with the authority of their sender.
#[derive(Debug, Default)]
pub struct Candidates {
    attendance: Vec<(Attendance, u8)>,
    activities: Vec<(Activity, u8)>,
    suggestions: Vec<(Suggestion, u8)>,
    reports: Vec<(ReportToVoters, u8)>,
    commendations: Vec<(Commendation, u8)>,
}

impl Candidates {
    fn append(&mut self, mut other: Candidates) {
        self.attendance.append(&mut other.attendance);
        self.activities.append(&mut other.activities);
        self.suggestions.append(&mut other.suggestions);
        self.reports.append(&mut other.reports);
        self.commendations.append(&mut other.commendations);
    }
}

/// The context one workbook is read in.
pub struct FileContext<'a> {
    pub file: &'a str,
    pub unit: &'a Unit,
    pub year: i32,
    pub roster: &'a Roster,
    pub config: &'a Config,
    near: std::cell::OnceCell<Vec<&'a Delegate>>,
}

impl<'a> FileContext<'a> {
    /// The delegates whose names are suggested first for a typo: the group's own.
    /// Looked up once per file, when a row first needs it.
    fn near(&self) -> &[&'a Delegate] {
        self.near.get_or_init(|| match self.unit.kind {
            UnitKind::Group => self.roster.in_group(&self.unit.name),
            UnitKind::Committee => self.roster.in_committee(&self.unit.name),
            _ => Vec::new(),
        })
    }

    /// A record's date must fall in the file's year and within the delegate's service.
    fn check_date(&self, row: &mut Row, col: &str, date: NaiveDate, delegate: &str) {
        if date.year() != self.year {
            row.error(
                col,
                &chinese_date(date),
                format!("日期不在 {} 年度内", self.year),
                format!(
                    "请核对日期；若确属其他年度，请把该行移到 input/{}/ 下的文件中",
                    date.year()
                ),
            );
            return;
        }
        let Some(d) = self.roster.by_id(delegate) else {
            return;
        };
        let start = d.service_start(self.config.term.start);
        let end = d.service_end(self.config.term.end);
        if date < start {
            row.error(
                col,
                &chinese_date(date),
                format!(
                    "日期早于{}的任职起始日期（{}）",
                    d.name,
                    chinese_date(start)
                ),
                "请核对日期或代表；当选前的活动不计入履职档案",
            );
        } else if date > end {
            let why = if d.is_serving() {
                "本届任期结束".to_string()
            } else {
                format!("代表状态变更（{}）", d.status)
            };
            row.error(
                col,
                &chinese_date(date),
                format!(
                    "日期晚于{}的任职终止日期（{}，{}）",
                    d.name,
                    chinese_date(end),
                    why
                ),
                "请核对日期或代表；任职终止后的活动不计入履职档案",
            );
        }
    }

    /// Who wins when two units send the same record: the body that organised it.
    fn authority(&self, kind: Option<MeetingKind>, committee: &str) -> u8 {
        use UnitKind::*;
        match (kind, self.unit.kind) {
            (Some(MeetingKind::StandingCommittee), Office) => 0,
            (Some(MeetingKind::StandingCommittee), Liaison) => 1,
            (Some(MeetingKind::CommitteeMeeting), Committee)
                if unit_key(committee) == unit_key(&self.unit.name) =>
            {
                0
            }
            (Some(MeetingKind::CommitteeMeeting), Committee) => 3,
            (Some(MeetingKind::CommitteeMeeting), Office) => 1,
            (Some(MeetingKind::CommitteeMeeting), Liaison) => 2,
            (Some(MeetingKind::Congress | MeetingKind::Training), Liaison) => 0,
            (Some(_), Group) => 2,
            (Some(_), _) => 3,
            (None, Liaison) => 0,
            (None, Group) => 1,
            (None, _) => 2,
        }
    }
}

/// Reads every recognised sheet of one workbook into candidates.
pub fn read_workbook(
    ctx: &FileContext,
    wb: &Workbook,
    cands: &mut Candidates,
    tally: &mut FileTally,
    v: &mut Validation,
) {
    for sheet in &wb.sheets {
        let named = header::RECORD_SHEETS
            .iter()
            .find(|s| s.matches_sheet_name(&sheet.name))
            .copied();
        if sheet.hidden {
            if let Some(spec) = named {
                v.findings.push(
                    Finding::new(Severity::Warning, ctx.file, &sheet.name, 0)
                        .message(format!("「{}」工作表被隐藏，未读取", spec.name))
                        .hint("如需报送，请在表格中取消隐藏该工作表"),
                );
            }
            continue;
        }
        let (spec, header) = match named {
            Some(spec) => match find_header(sheet, spec) {
                Ok(h) => (spec, h),
                Err(msg) => {
                    sheet_unreadable(sheet, ctx.file, &msg, spec, tally, v);
                    continue;
                }
            },
            None => {
                if normalize_name(&sheet.name) == "填表说明" || sheet_is_empty(sheet) {
                    continue;
                }
                // A renamed sheet (Sheet1) is still read when its header says what it is.
                let mut by_header: Vec<(&SheetSpec, Header)> = header::RECORD_SHEETS
                    .iter()
                    .filter_map(|s| find_header(sheet, s).ok().map(|h| (*s, h)))
                    .filter(|(s, h)| h.columns.len() > s.required.len())
                    .collect();
                if by_header.len() == 1 {
                    let (spec, h) = by_header.remove(0);
                    v.findings.push(
                        Finding::new(Severity::Info, ctx.file, &sheet.name, 0)
                            .message(format!("工作表名不规范，按表头识别为「{}」", spec.name))
                            .hint(format!("建议把工作表改名为「{}」", spec.name)),
                    );
                    (spec, h)
                } else {
                    let (r0, r1) = sheet.row_span();
                    let n = (r0..r1).filter(|r| !sheet.row_is_empty(*r)).count();
                    v.findings.push(
                        Finding::new(Severity::Warning, ctx.file, &sheet.name, 0)
                            .message(format!("未识别的工作表（{n} 行），未读取"))
                            .hint("报送表的工作表应命名为：出席记录、履职活动、代表建议、述职评议、通报表彰"),
                    );
                    continue;
                }
            }
        };
        let at: row::SheetAt = (ctx.file.into(), sheet.name.as_str().into());
        for r in data_rows(sheet, &header, ctx.file, tally, v) {
            let mut row = Row::new(sheet, &header, &at, r);
            let ok = match spec.kind {
                SheetKind::Attendance => read_attendance(ctx, &mut row, cands),
                SheetKind::Activity => read_activity(ctx, &mut row, cands),
                SheetKind::Suggestion => read_suggestion(ctx, &mut row, cands),
                SheetKind::ReportToVoters => read_report(ctx, &mut row, cands),
                SheetKind::Commendation => read_commendation(ctx, &mut row, cands),
                SheetKind::Roster => false,
            };
            if !ok || row.failed {
                tally.rejected += 1;
            }
            v.findings.append(&mut row.findings);
        }
    }
}

fn sheet_is_empty(sheet: &Sheet) -> bool {
    let (r0, r1) = sheet.row_span();
    (r0..r1).all(|r| sheet.row_is_empty(r))
}

const MEETING_KINDS: &str = "区人代会、常委会会议、专委会议、学习培训";
const PRESENCES: &str = "出席、列席、请假、缺席";
const ACTIVITY_KINDS: &str = "代表小组活动、视察、调研、执法检查、联系接待选民、其他";

fn read_attendance(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
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

fn read_activity(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
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

fn read_suggestion(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let number = row.text("建议编号");
    let date = row.date("提出日期", true);
    let period = row.choice("提出时段", SuggestionPeriod::parse, "大会期间、闭会期间");
    let title = row.required_text("标题");
    let handler = row.text("承办单位");
    let result = row.choice(
        "办理结果",
        HandlingResult::parse,
        "A、B、C、D（或其文字表述）",
    );
    let satisfaction = row.choice(
        "代表满意度",
        Satisfaction::parse,
        "满意、基本满意、不满意，未评价的留空",
    );
    let near = ctx.near();
    let names = |row: &mut Row, col: &str| -> Vec<String> {
        let raw = row.text(col);
        let mut ids = Vec::new();
        for token in split_name_list(&raw) {
            if let Some(id) = identify(row, ctx.roster, near, col, "", &token) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    };
    let leads = names(row, "领衔代表");
    let mut cosigners = names(row, "附议代表");
    if leads.is_empty() && !row.failed {
        row.error("领衔代表", "", "「领衔代表」未填写", "请填写领衔代表姓名");
    }
    if cosigners.iter().any(|c| leads.contains(c)) {
        cosigners.retain(|c| !leads.contains(c));
        row.warn(
            "附议代表",
            "",
            "领衔代表同时列在附议代表中，按领衔统计",
            "附议代表中不必再写领衔代表",
        );
    }
    let Some(date) = date else { return false };
    for id in leads.iter().chain(cosigners.iter()) {
        ctx.check_date(row, "提出日期", date, id);
    }
    let Some(title) = title else { return false };
    if row.failed || leads.is_empty() {
        return false;
    }
    cands.suggestions.push((
        Suggestion {
            number,
            date,
            period,
            title,
            leads,
            cosigners,
            handler,
            result,
            satisfaction,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, "")
            .min(if ctx.unit.kind == UnitKind::Liaison {
                0
            } else {
                1
            }),
    ));
    true
}

fn read_report(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let date = row.date("日期", true);
    let near = ctx.near();
    let delegate = row.delegate(ctx.roster, near);
    let form = row.required_choice("述职形式", ReportForm::parse, "当面述职、书面述职");
    let voters = row.count("选民代表人数");
    let satisfied = row.count("满意");
    let basically = row.count("基本满意");
    let dissatisfied = row.count("不满意");
    let (Some(date), Some(delegate), Some(form), Some(voters), Some(s), Some(b), Some(d)) = (
        date,
        delegate,
        form,
        voters,
        satisfied,
        basically,
        dissatisfied,
    ) else {
        return false;
    };
    ctx.check_date(row, "日期", date, &delegate);
    if s + b + d > voters {
        row.error(
            "选民代表人数",
            &voters.to_string(),
            format!(
                "满意、基本满意、不满意票数合计 {} 超过选民代表人数 {}",
                s + b + d,
                voters
            ),
            "请核对票数和参加评议的选民代表人数",
        );
    }
    if s + b + d == 0 {
        row.error("满意", "0", "三项评议票数均为 0", "请填写评议结果的票数");
    }
    let min = ctx.config.thresholds.min_voter_representatives;
    if voters < min {
        row.warn(
            "选民代表人数",
            &voters.to_string(),
            format!("参加述职评议的选民代表不足 {min} 人（规定不应低于 {min} 人）"),
            "请核实人数；如确实不足，应按规定重新组织评议",
        );
    }
    if row.failed {
        return false;
    }
    cands.reports.push((
        ReportToVoters {
            date,
            delegate,
            form,
            voters,
            satisfied: s,
            basically: b,
            dissatisfied: d,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
    ));
    true
}

fn read_commendation(ctx: &FileContext, row: &mut Row, cands: &mut Candidates) -> bool {
    let year_text = row.text("年度");
    let year = if year_text.is_empty() {
        Some(ctx.year)
    } else {
        let y = year_text.trim_end_matches('年').parse::<i32>().ok();
        if y.is_none() {
            row.error(
                "年度",
                &year_text,
                "无法识别的年度",
                "请填写四位年份，如 2025",
            );
        }
        y
    };
    let near = ctx.near();
    let delegate = row.delegate(ctx.roster, near);
    let kind = row.required_choice(
        "表彰类别",
        CommendationKind::parse,
        "优秀履职代表、优秀代表建议",
    );
    let document = row.text("文号");
    let (Some(year), Some(delegate), Some(kind)) = (year, delegate, kind) else {
        return false;
    };
    if year != ctx.year {
        row.error(
            "年度",
            &year.to_string(),
            format!("表彰年度与所在文件夹（{}）不一致", ctx.year),
            format!("请把该行移到 input/{year}/ 下的文件中"),
        );
        return false;
    }
    cands.commendations.push((
        Commendation {
            year,
            delegate,
            kind,
            document,
            unit: ctx.unit.name.clone(),
            source: row.source.clone(),
        },
        ctx.authority(None, ""),
    ));
    true
}

// ---------------------------------------------------------------------------------------
// Merging duplicates

/// A record that duplicates are merged by: what makes two records the same one, borrowed
/// from the record (a key is built for each of millions), and where it was read.
trait Mergeable: Clone {
    type Key<'a>: std::hash::Hash + Eq
    where
        Self: 'a;
    fn key(&self) -> Self::Key<'_>;
    fn source(&self) -> &Source;
}

impl Mergeable for Attendance {
    type Key<'a> = (&'a str, (MeetingKind, NaiveDate, Cow<'a, str>));
    fn key(&self) -> Self::Key<'_> {
        (&self.delegate, meeting_key(self))
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for Activity {
    type Key<'a> = (&'a str, ActivityKind, NaiveDate, Cow<'a, str>);
    fn key(&self) -> Self::Key<'_> {
        (
            &self.delegate,
            self.kind,
            self.date,
            normalized_name(&self.name),
        )
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for Suggestion {
    /// By number; a suggestion without one by its title and lead delegates.
    type Key<'a> = (&'a str, Cow<'a, str>, Cow<'a, str>);
    fn key(&self) -> Self::Key<'_> {
        if self.number.is_empty() {
            (
                "",
                normalized_name(&self.title),
                self.leads.join("、").into(),
            )
        } else {
            (&self.number, "".into(), "".into())
        }
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for ReportToVoters {
    type Key<'a> = (&'a str, NaiveDate);
    fn key(&self) -> Self::Key<'_> {
        (&self.delegate, self.date)
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for Commendation {
    type Key<'a> = (i32, &'a str, CommendationKind);
    fn key(&self) -> Self::Key<'_> {
        (self.year, &self.delegate, self.kind)
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

/// Keeps one record per key: the one from the most authoritative unit (lowest rank),
/// then the first read. Returns the kept records in source order and, for each merged
/// row, the record it merged into, in the order (rank, source) of the merged rows.
/// One hash lookup per record and no sort of all records: duplicates are few, and
/// records arrive mostly in source order (checked, and sorted only when they do not).
fn merge<T: Mergeable>(items: Vec<(T, u8)>) -> (Vec<T>, Vec<(T, T)>) {
    let n = items.len();
    let before = |a: usize, b: usize| {
        (items[a].1, items[a].0.source(), a) < (items[b].1, items[b].0.source(), b)
    };
    // Records sharing a key form a group; each group keeps its best record so far.
    let mut group_of: Vec<u32> = Vec::with_capacity(n);
    let mut best: Vec<usize> = Vec::new();
    {
        let mut groups: crate::domain::model::FastMap<T::Key<'_>, u32> = Default::default();
        groups.reserve(n);
        for (i, (item, _)) in items.iter().enumerate() {
            let g = match groups.entry(item.key()) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let g = *e.get();
                    if before(i, best[g as usize]) {
                        best[g as usize] = i;
                    }
                    g
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    best.push(i);
                    *e.insert(best.len() as u32 - 1)
                }
            };
            group_of.push(g);
        }
    }
    // into[i]: the record i merges into, or i itself when it is kept.
    let into: Vec<usize> = group_of.iter().map(|&g| best[g as usize]).collect();
    let mut dups: Vec<usize> = (0..n).filter(|&i| into[i] != i).collect();
    dups.sort_by(|&a, &b| {
        (items[a].1, items[a].0.source()).cmp(&(items[b].1, items[b].0.source()))
    });
    let kept_clones: Vec<T> = dups.iter().map(|&i| items[into[i]].0.clone()).collect();
    let in_source_order = items.windows(2).all(|w| w[0].0.source() <= w[1].0.source());
    let mut dup_at = vec![u32::MAX; if dups.is_empty() { 0 } else { n }];
    for (k, &i) in dups.iter().enumerate() {
        dup_at[i] = k as u32;
    }
    let mut lost: Vec<Option<T>> = (0..dups.len()).map(|_| None).collect();
    let mut kept: Vec<T> = Vec::with_capacity(n - dups.len());
    for (i, (t, _)) in items.into_iter().enumerate() {
        match dup_at.get(i) {
            Some(&k) if k != u32::MAX => lost[k as usize] = Some(t),
            _ => kept.push(t),
        }
    }
    if !in_source_order {
        // Stable: records of one source stay in the order read.
        kept.sort_by(|a, b| a.source().cmp(b.source()));
    }
    let merged = lost.into_iter().flatten().zip(kept_clones).collect();
    (kept, merged)
}

/// The identity of a meeting: congress sessions and standing-committee meetings by
/// date, committee meetings by committee and date, trainings also by name (several a day).
/// Borrowed from the record where it can be: a key is built for every record.
pub fn meeting_key(a: &Attendance) -> (MeetingKind, NaiveDate, Cow<'_, str>) {
    let name = match a.kind {
        MeetingKind::Training => normalized_name(&a.meeting),
        MeetingKind::CommitteeMeeting => Cow::Owned(unit_key(&a.committee)),
        _ => Cow::Borrowed(""),
    };
    (a.kind, a.date, name)
}

fn merge_note(kept: &Source, what: &str) -> String {
    format!(
        "与 {} › {} 第{}行的{}重复，已合并为一条",
        kept.file, kept.sheet, kept.row, what
    )
}

/// Merges duplicates and reports disagreements; returns the records and the number of
/// merged rows per file.
/// The attendance gaps are found while the activities are still merging.
fn merge_all(
    c: Candidates,
    v: &mut Validation,
    roster: &Roster,
    config: &Config,
) -> (Records, HashMap<String, u32>, Vec<Finding>) {
    let mut merged_per_file: HashMap<String, u32> = HashMap::new();
    let mut count = |s: &Source| *merged_per_file.entry(s.file.to_string()).or_default() += 1;

    // The two largest kinds are merged side by side; findings follow in the same order.
    let Candidates {
        attendance,
        activities,
        suggestions,
        reports,
        commendations,
    } = c;
    let ((activities, activity_dup), (attendance, dup, gaps)) = crate::par::join(
        move || merge(activities),
        move || {
            let (attendance, dup) = merge(attendance);
            let gaps = attendance_gaps(&attendance, roster, config);
            (attendance, dup, gaps)
        },
    );
    for (lost, kept) in dup {
        count(&lost.source);
        let mut f =
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "出席记录"));
        if lost.presence != kept.presence {
            f = Finding::at(Severity::Warning, &lost.source)
                .column("出席情况")
                .value(lost.presence.label())
                .message(format!(
                    "与 {} › {} 第{}行记录的出席情况（{}）不一致，按{}的记录统计",
                    kept.source.file,
                    kept.source.sheet,
                    kept.source.row,
                    kept.presence.label(),
                    kept.unit
                ))
                .hint("请两个单位核对；会议由哪个单位组织，以哪个单位的记录为准");
        }
        v.findings.push(f);
    }
    for (lost, kept) in activity_dup {
        count(&lost.source);
        v.findings.push(
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "履职活动")),
        );
    }
    let (suggestions, dup) = merge(suggestions);
    for (lost, kept) in dup {
        count(&lost.source);
        let same =
            normalize_name(&lost.title) == normalize_name(&kept.title) && lost.leads == kept.leads;
        let f = if same {
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "代表建议"))
        } else {
            Finding::at(Severity::Warning, &lost.source)
                .column("建议编号")
                .value(lost.number.clone())
                .message(format!(
                    "建议编号与 {} › {} 第{}行相同，但标题或领衔代表不同，按{}的记录统计",
                    kept.source.file, kept.source.sheet, kept.source.row, kept.unit
                ))
                .hint("请核对建议编号：不同的建议应有不同的编号")
        };
        v.findings.push(f);
    }
    let (reports, dup) = merge(reports);
    for (lost, kept) in dup {
        count(&lost.source);
        v.findings.push(
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "述职评议")),
        );
    }
    let (commendations, dup) = merge(commendations);
    for (lost, kept) in dup {
        count(&lost.source);
        v.findings.push(
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "通报表彰")),
        );
    }
    (
        Records {
            attendance,
            activities,
            suggestions,
            reports,
            commendations,
        },
        merged_per_file,
        gaps,
    )
}

// ---------------------------------------------------------------------------------------
// Gaps: expected at a meeting, no record at all

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

// ---------------------------------------------------------------------------------------
// The folder

/// Which years a job reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearScope {
    One(i32),
    /// This year and every year before it in the term (the yearly job needs the term so
    /// far for term-wide rules).
    UpTo(i32),
    All,
}

fn is_workbook_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".ods", ".et"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The year folders present in the input folder, ascending.
pub fn year_folders(input: &Path) -> Result<Vec<i32>> {
    let mut years = Vec::new();
    let entries = std::fs::read_dir(input)
        .with_context(|| format!("无法读取输入文件夹 {}", input.display()))?;
    for e in entries.flatten() {
        if e.path().is_dir() {
            if let Some(y) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) {
                if (1949..=2200).contains(&y) {
                    years.push(y);
                }
            }
        }
    }
    years.sort();
    Ok(years)
}

/// All files below a folder, sorted by relative path so that runs are reproducible.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn relative(input: &Path, p: &Path) -> String {
    p.strip_prefix(input)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Finds the roster workbook in the input folder.
fn roster_path(input: &Path) -> Option<PathBuf> {
    ["xlsx", "xls", "ods", "xlsm", "et"]
        .iter()
        .map(|ext| input.join(format!("{ROSTER_STEM}.{ext}")))
        .find(|p| p.is_file())
}

/// The configuration and the roster, with the roster's findings.
pub struct Base {
    pub config: Config,
    pub roster: Roster,
    pub validation: Validation,
    /// The roster file, relative to the input folder.
    pub roster_file: String,
    /// Time spent opening the roster workbook (the rest of loading it is checking).
    pub roster_open: std::time::Duration,
}

/// What reading one workbook gave: its records, findings and tally, and the time spent
/// opening and checking it.
struct FileOutcome {
    cands: Candidates,
    findings: Vec<Finding>,
    tally: FileTally,
    open_secs: f64,
    check_secs: f64,
}

/// Workbooks opened before the roster is read, at most: a bound on what is held.
const EARLY_MAX: usize = 512;
/// Workbooks handed to the cores at once; each is freed once checked, so a batch holds
/// only records. Each core takes the next workbook when free (sizes differ widely).
const BATCH: usize = 256;

/// A workbook to read: its year, path, path relative to the input folder, file name.
struct InputFile {
    year: i32,
    path: PathBuf,
    rel: String,
    name: String,
}

/// The workbooks of the years a job reads, and what was skipped.
struct Listing {
    years: Vec<i32>,
    files: Vec<InputFile>,
    skipped: Vec<Finding>,
}

/// Lists the workbooks of the years in scope, reporting the files that are skipped.
fn list_workbooks(input: &Path, scope: &YearScope) -> Result<Listing> {
    let present = |y: i32| -> Result<()> {
        let dir = input.join(y.to_string());
        if !dir.is_dir() {
            bail!(
                "输入文件夹中没有 {y} 年度的文件夹（应为 {}）",
                dir.display()
            );
        }
        Ok(())
    };
    let years = match scope {
        YearScope::One(y) => {
            present(*y)?;
            vec![*y]
        }
        YearScope::All => year_folders(input)?,
        YearScope::UpTo(y) => {
            present(*y)?;
            year_folders(input)?
                .into_iter()
                .filter(|x| x <= y)
                .collect()
        }
    };
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for &year in &years {
        for path in files_below(&input.join(year.to_string())) {
            let rel = relative(input, &path);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with("~$") || name.starts_with(".~") {
                skipped.push(
                    Finding::new(Severity::Info, &rel, "", 0)
                        .message("Excel/WPS 打开文件时生成的临时锁定文件，已跳过")
                        .hint("关闭表格后该文件会自动消失，也可直接删除"),
                );
                continue;
            }
            if name.starts_with('.') {
                continue;
            }
            if !is_workbook_name(&name) {
                skipped.push(
                    Finding::new(Severity::Info, &rel, "", 0)
                        .message("不是表格文件，已跳过")
                        .hint("报送表应为 .xlsx、.xls 或 .ods 文件"),
                );
                continue;
            }
            files.push(InputFile {
                year,
                path,
                rel,
                name,
            });
        }
    }
    Ok(Listing {
        years,
        files,
        skipped,
    })
}

/// A workbook as opened, with the time it took.
type Opened = (Result<Workbook, open::OpenError>, f64);

fn open_file(path: &Path) -> Opened {
    let opened_at = std::time::Instant::now();
    let wb = std::fs::read(path)
        .map_err(|e| open::OpenError {
            message: format!("无法读取文件：{e}"),
            hint: "请检查文件是否被其他程序占用".into(),
        })
        .and_then(|b| open::open(&b));
    (wb, opened_at.elapsed().as_secs_f64())
}

/// Checks one opened workbook against the roster.
fn check_file(f: &InputFile, opened: &Opened, roster: &Roster, config: &Config) -> FileOutcome {
    let (year, rel, name) = (f.year, f.rel.as_str(), f.name.as_str());
    let (wb, open_secs) = opened;
    let checked_at = std::time::Instant::now();
    let mut v = Validation::default();
    let mut cands = Candidates::default();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let unit = resolve_unit(stem, roster, config);
    let mut tally = FileTally::new(rel, unit.as_ref().map_or("", |u| u.name.as_str()));
    match (wb, unit) {
        (Err(e), _) => {
            tally.unreadable = true;
            v.findings.push(
                Finding::new(Severity::Error, rel, "", 0)
                    .message(e.message.clone())
                    .hint(e.hint.clone()),
            );
        }
        (Ok(wb), None) => {
            // Rows of an unknown unit are counted and rejected, never silently used.
            let mut scratch = Validation::default();
            let stub = Unit {
                name: String::new(),
                kind: UnitKind::Group,
            };
            let ctx = FileContext {
                file: rel,
                unit: &stub,
                year,
                roster,
                config,
                near: Default::default(),
            };
            read_workbook(
                &ctx,
                wb,
                &mut Candidates::default(),
                &mut tally,
                &mut scratch,
            );
            tally.rejected = tally.read;
            tally.accepted = 0;
            v.findings.push(
                Finding::new(Severity::Error, rel, "", 0)
                    .value(stem)
                    .message(format!("无法确定报送单位：文件名「{stem}」不是名册中的代表小组，也不是常委会办公室、代表联络室或配置的专门委员会；{} 行均未读取", tally.read))
                    .hint("请把文件命名为「单位名称.xlsx」或「单位名称_说明.xlsx」，如 兴华街道.xlsx、兴华街道_2025Q3.xlsx"),
            );
        }
        (Ok(wb), Some(unit)) => {
            let ctx = FileContext {
                file: rel,
                unit: &unit,
                year,
                roster,
                config,
                near: Default::default(),
            };
            read_workbook(&ctx, wb, &mut cands, &mut tally, &mut v);
        }
    }
    FileOutcome {
        cands,
        findings: v.findings,
        tally,
        open_secs: *open_secs,
        check_secs: checked_at.elapsed().as_secs_f64(),
    }
}

/// Loads the configuration and the roster.
pub fn load_base(input: &Path) -> Result<Base> {
    if !input.is_dir() {
        bail!("输入文件夹 {} 不存在", input.display());
    }
    let config = Config::load(&input.join(CONFIG_FILE))?;
    let mut validation = Validation::default();
    let Some(roster_path) = roster_path(input) else {
        bail!(
            "输入文件夹 {} 中没有代表名册（{ROSTER_STEM}.xlsx）",
            input.display()
        );
    };
    let roster_file = relative(input, &roster_path);
    let bytes = std::fs::read(&roster_path)
        .with_context(|| format!("无法读取 {}", roster_path.display()))?;
    let opened_at = std::time::Instant::now();
    let wb = open::open(&bytes);
    let roster_open = opened_at.elapsed();
    let wb = wb.map_err(|e| {
        anyhow::anyhow!("代表名册 {roster_file} 无法读取：{}。{}", e.message, e.hint)
    })?;
    let roster = read_roster(&wb, &roster_file, &config, &mut validation);
    if roster.delegates.is_empty() {
        bail!("代表名册 {roster_file} 中没有可用的代表记录");
    }
    Ok(Base {
        config,
        roster,
        validation,
        roster_file,
        roster_open,
    })
}

/// Opens (unless opened already, in file order) and checks each workbook, a batch at a
/// time on all cores, then takes the results in file order: the same as a
/// single-threaded run. Returns the records and the wall time that counts as 读取.
fn read_files(
    files: &[InputFile],
    early: Vec<Opened>,
    roster: &Roster,
    config: &Config,
    v: &mut Validation,
) -> (Candidates, std::time::Duration) {
    let mut read_time = std::time::Duration::ZERO;
    let mut cands = Candidates::default();
    let mut early = early.into_iter();
    for batch in files.chunks(BATCH) {
        let batch_started = std::time::Instant::now();
        let jobs: Vec<(&InputFile, Option<Opened>)> =
            batch.iter().map(|f| (f, early.next())).collect();
        // Each workbook is opened and checked on its own core (the roster and the
        // configuration are only read); the results are gathered in file order.
        let outcomes = crate::par::map_dynamic(&jobs, |(f, opened)| {
            let fresh;
            let opened = match opened {
                Some(o) => o,
                None => {
                    fresh = open_file(&f.path);
                    &fresh
                }
            };
            check_file(f, opened, roster, config)
        });
        // The batch's wall time is shared between 读取 and 校验 as their CPU time was.
        let (open, check) = outcomes
            .iter()
            .fold((0.0, 0.0), |(o, c), f| (o + f.open_secs, c + f.check_secs));
        if open + check > 0.0 {
            read_time += batch_started.elapsed().mul_f64(open / (open + check));
        }
        for f in outcomes {
            cands.append(f.cands);
            v.findings.extend(f.findings);
            v.tallies.push(f.tally);
        }
    }
    (cands, read_time)
}

/// Loads the configuration, the roster and the records of the given years.
pub fn load(input: &Path, scope: &YearScope) -> Result<Dataset> {
    // The roster is part of reading and checking too. It is read on one core while the
    // other opens the first workbooks: opening needs no roster, checking does.
    let roster_done = std::sync::atomic::AtomicBool::new(false);
    let (base, listing) = crate::par::join(
        || {
            let base = load_base(input);
            roster_done.store(true, std::sync::atomic::Ordering::Relaxed);
            base
        },
        || {
            let listing = list_workbooks(input, scope)?;
            let mut early = Vec::new();
            for f in listing.files.iter().take(EARLY_MAX) {
                if roster_done.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                early.push(open_file(&f.path));
            }
            Ok::<_, anyhow::Error>((listing, early))
        },
    );
    let Base {
        config,
        roster,
        validation: mut v,
        roster_file: roster_rel,
        roster_open: _,
    } = base?;
    let (
        Listing {
            years,
            files,
            skipped,
        },
        early,
    ) = listing?;
    v.findings.extend(skipped);
    let (cands, _) = read_files(&files, early, &roster, &config, &mut v);
    let (records, merged, gaps) = merge_all(cands, &mut v, &roster, &config);
    finish_tallies(&records, &merged, &mut v, &roster_rel);
    v.findings.extend(gaps);
    v.sort();
    Ok(Dataset {
        config,
        roster,
        records,
        validation: v,
        years,
    })
}

/// accepted = rows kept after merging; merged = rows folded into another.
fn finish_tallies(
    records: &Records,
    merged: &HashMap<String, u32>,
    v: &mut Validation,
    roster_file: &str,
) {
    let mut kept: HashMap<&str, u32> = HashMap::new();
    let sources = records
        .attendance
        .iter()
        .map(|r| &r.source)
        .chain(records.activities.iter().map(|r| &r.source))
        .chain(records.suggestions.iter().map(|r| &r.source))
        .chain(records.reports.iter().map(|r| &r.source))
        .chain(records.commendations.iter().map(|r| &r.source));
    for s in sources {
        *kept.entry(&s.file).or_default() += 1;
    }
    for t in v.tallies.iter_mut() {
        if t.file == roster_file || t.unreadable || t.unit.is_empty() {
            continue;
        }
        t.accepted = kept.get(t.file.as_str()).copied().unwrap_or(0);
        t.merged = merged.get(&t.file).copied().unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merge as first written: every position sorted by (rank, source), the first
    /// of each key kept. The reference for `merge`.
    fn merge_by_sorting<T: Mergeable>(items: Vec<(T, u8)>) -> (Vec<T>, Vec<(T, T)>) {
        let n = items.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            (items[a].1, items[a].0.source()).cmp(&(items[b].1, items[b].0.source()))
        });
        let mut into: Vec<usize> = (0..n).collect();
        let mut first: HashMap<T::Key<'_>, usize> = HashMap::new();
        for &i in &order {
            into[i] = *first.entry(items[i].0.key()).or_insert(i);
        }
        let mut kept_order: Vec<usize> = order.iter().copied().filter(|&i| into[i] == i).collect();
        kept_order.sort_by(|&a, &b| items[a].0.source().cmp(items[b].0.source()));
        let merged = order
            .iter()
            .filter(|&&i| into[i] != i)
            .map(|&i| (items[i].0.clone(), items[into[i]].0.clone()))
            .collect();
        let kept = kept_order.iter().map(|&i| items[i].0.clone()).collect();
        (kept, merged)
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Rec {
        key: u32,
        source: Source,
    }

    impl Mergeable for Rec {
        type Key<'a> = u32;
        fn key(&self) -> u32 {
            self.key
        }
        fn source(&self) -> &Source {
            &self.source
        }
    }

    /// Keys repeated within and across files, units of every rank, sources in and out
    /// of order and repeated: the one-pass merge keeps and pairs exactly what sorting does.
    #[test]
    fn merge_keeps_what_sorting_keeps() {
        let files: Vec<std::sync::Arc<str>> = [
            "2025/乙.xlsx",
            "2025/甲.xlsx",
            "2025/a/b.xlsx",
            "2025/a-b.xlsx",
        ]
        .into_iter()
        .map(Into::into)
        .collect();
        let sheet: std::sync::Arc<str> = "出席".into();
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for (len, sorted) in [
            (0, true),
            (1, true),
            (500, true),
            (500, false),
            (3000, false),
        ] {
            let mut items: Vec<(Rec, u8)> = (0..len)
                .map(|_| {
                    let f = next(files.len() as u64) as usize;
                    let rec = Rec {
                        key: next(len as u64 / 3 + 1) as u32,
                        source: Source {
                            file: files[f].clone(),
                            sheet: sheet.clone(),
                            row: next(40) as u32 + 2,
                        },
                    };
                    (rec, f as u8 % 3)
                })
                .collect();
            if sorted {
                items.sort_by(|a, b| a.0.source.cmp(&b.0.source));
            }
            let ours = merge(items.clone());
            let theirs = merge_by_sorting(items);
            assert_eq!(ours, theirs, "{len} records, sorted: {sorted}");
            if len >= 500 {
                assert!(!ours.1.is_empty(), "some merged");
            }
        }
    }

    /// Workbooks opened before the roster was read give the same records, findings and
    /// tallies as workbooks opened in their batch, whichever of them were opened early.
    #[test]
    fn workbooks_opened_early_read_the_same() {
        let dir = std::env::temp_dir().join(format!("lvzhi-early-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let district = crate::sample::generate(&crate::sample::Spec::default()).expect("sample");
        for (rel, bytes) in &district.files {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, bytes).expect("write");
        }
        let base = load_base(&dir).expect("roster");
        let listing = list_workbooks(&dir, &YearScope::All).expect("listing");
        assert!(
            listing.files.len() > BATCH / 4,
            "enough workbooks to matter"
        );
        let read = |early: usize| {
            let opened: Vec<Opened> = listing.files[..early]
                .iter()
                .map(|f| open_file(&f.path))
                .collect();
            let mut v = Validation::default();
            let (cands, _) = read_files(&listing.files, opened, &base.roster, &base.config, &mut v);
            format!("{cands:?}\n{:?}\n{:?}", v.findings, v.tallies)
        };
        let none = read(0);
        assert!(none.contains("出席"), "records were read");
        assert_eq!(read(7), none);
        assert_eq!(read(listing.files.len()), none);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
