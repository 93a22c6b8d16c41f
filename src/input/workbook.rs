//! One workbook read against the roster: its sending unit, its recognised sheets and
//! their data rows → candidate records and the file's tally.

use super::register;
use super::row::{self, Row};
use super::walk::InputFile;
use super::{activity, attendance, commendation, contact, decision, report, suggestion};
use crate::config::Config;
use crate::domain::findings::{FileTally, Finding, Severity, Validation};
use crate::domain::model::*;
use crate::domain::text::{chinese_date, normalize_name, unit_key};
use crate::input::header::{self, find_header, is_notes_row, Header, SheetKind, SheetSpec};
use crate::input::open::{self, Sheet, Workbook};
use chrono::{Datelike, NaiveDate};
use std::path::Path;

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

/// Data rows below the header: blank rows skipped, notes rows counted and listed.
pub(super) fn data_rows(
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
    for (c, text, why) in &header.unread {
        v.findings.push(
            Finding::new(Severity::Warning, file, &sheet.name, header.row + 1)
                .column(format!("{}列", crate::domain::text::column_letter(*c)))
                .value(text.clone())
                .message(why.clone())
                .hint("请把该列改用规定的列名，或删除多余的列"),
        );
    }
    rows
}

/// A sheet whose header could not be found: its rows are counted and rejected.
pub(super) fn sheet_unreadable(
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
    pub(super) attendance: Vec<(Attendance, u8)>,
    pub(super) activities: Vec<(Activity, u8)>,
    pub(super) suggestions: Vec<(Suggestion, u8)>,
    pub(super) reports: Vec<(ReportToVoters, u8)>,
    pub(super) commendations: Vec<(Commendation, u8)>,
    pub(super) contacts: Vec<(crate::domain::contact::Contact, u8)>,
    pub(super) decisions: Vec<crate::domain::decision::Decision>,
}

impl Candidates {
    pub(super) fn append(&mut self, mut other: Candidates) {
        self.attendance.append(&mut other.attendance);
        self.activities.append(&mut other.activities);
        self.suggestions.append(&mut other.suggestions);
        self.reports.append(&mut other.reports);
        self.commendations.append(&mut other.commendations);
        self.contacts.append(&mut other.contacts);
        self.decisions.append(&mut other.decisions);
    }
}

/// The context one workbook is read in.
pub struct FileContext<'a> {
    pub file: &'a str,
    pub unit: &'a Unit,
    pub year: i32,
    pub roster: &'a Roster,
    pub config: &'a Config,
    pub(super) near: std::cell::OnceCell<Vec<&'a Delegate>>,
}

impl<'a> FileContext<'a> {
    /// The delegates whose names are suggested first for a typo: the group's own.
    /// Looked up once per file, when a row first needs it.
    pub(super) fn near(&self) -> &[&'a Delegate] {
        self.near.get_or_init(|| match self.unit.kind {
            UnitKind::Group => self.roster.in_group(&self.unit.name),
            UnitKind::Committee => self.roster.in_committee(&self.unit.name),
            _ => Vec::new(),
        })
    }

    /// A record's date must fall in the file's year and within the delegate's service.
    pub(super) fn check_date(&self, row: &mut Row, col: &str, date: NaiveDate, delegate: &str) {
        if date.year() != self.year {
            row.error(
                col,
                &chinese_date(date),
                format!("日期不在 {} 年度内", self.year),
                format!(
                    "请核对日期；若确属其他年度，请把该行移到 {0} 年度文件夹（{0}/）中的报送表",
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
    pub(super) fn authority(&self, kind: Option<MeetingKind>, committee: &str) -> u8 {
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

/// The most row findings one sheet lists one by one. A sheet of 200,000 bad rows would
/// otherwise hold about a million findings (over half a gigabyte) and a validation report
/// longer than an Excel sheet; past the cap the rows are still counted in the tally and
/// one finding says how many more there are and where.
pub const ROW_FINDINGS_PER_SHEET: usize = 5_000;

/// Keeps a sheet's row findings up to `ROW_FINDINGS_PER_SHEET`, counting the rest.
pub(super) struct FindingCap {
    kept: usize,
    more: usize,
    errors: bool,
    rows: Option<(u32, u32)>,
}

impl FindingCap {
    pub(super) fn new() -> FindingCap {
        FindingCap {
            kept: 0,
            more: 0,
            errors: false,
            rows: None,
        }
    }

    /// Moves one row's findings into the report, or counts them once the cap is reached.
    pub(super) fn take(&mut self, v: &mut Validation, findings: &mut Vec<Finding>) {
        if self.kept + findings.len() <= ROW_FINDINGS_PER_SHEET {
            self.kept += findings.len();
            v.findings.append(findings);
            return;
        }
        for f in findings.drain(..) {
            self.more += 1;
            self.errors |= f.severity == Severity::Error;
            self.rows = Some(match self.rows {
                None => (f.row, f.row),
                Some((a, b)) => (a.min(f.row), b.max(f.row)),
            });
        }
    }

    /// The one finding that stands for those not listed, if any.
    pub(super) fn finish(self, file: &str, sheet: &str, v: &mut Validation) {
        let Some((first, last)) = self.rows else {
            return;
        };
        let severity = if self.errors {
            Severity::Error
        } else {
            Severity::Warning
        };
        v.findings.push(
            Finding::new(severity, file, sheet, first)
                .message(format!(
                    "本工作表另有 {} 处问题（第{first}—{last}行）未逐一列出：每张工作表最多逐条列出 {ROW_FINDINGS_PER_SHEET} 处；这些行已计入本文件的“剔除”行数",
                    self.more
                ))
                .hint("问题往往是同一类：请先按上面列出的问题修改整张表（如整列的姓名、日期格式），重新运行后会列出仍然存在的问题"),
        );
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
        if decision::read_sheet(ctx, sheet, cands, tally, v) {
            continue;
        }
        if !sheet.hidden && read_as_register(ctx, sheet, cands, tally, v) {
            continue;
        }
        let Some((spec, header)) = sheet_spec(ctx.file, sheet, tally, v) else {
            continue;
        };
        let at: row::SheetAt = (ctx.file.into(), sheet.name.as_str().into());
        let mut cap = FindingCap::new();
        for r in data_rows(sheet, &header, ctx.file, tally, v) {
            let mut row = Row::new(sheet, &header, &at, r);
            let ok = match spec.kind {
                SheetKind::Attendance => attendance::read_attendance(ctx, &mut row, cands),
                SheetKind::Activity => activity::read_activity(ctx, &mut row, cands),
                SheetKind::Suggestion => suggestion::read_suggestion(ctx, &mut row, cands),
                SheetKind::ReportToVoters => report::read_report(ctx, &mut row, cands),
                SheetKind::Commendation => commendation::read_commendation(ctx, &mut row, cands),
                SheetKind::Contact => contact::read_contact(ctx, &mut row, cands),
                SheetKind::Roster | SheetKind::Decision => false,
            };
            if !ok || row.failed {
                tally.rejected += 1;
            }
            cap.take(v, &mut row.findings);
        }
        cap.finish(ctx.file, &sheet.name, v);
    }
}

/// What kind of record sheet a sheet is, by its name or else by its header, with the
/// header. None for a sheet not to read: hidden, empty, instructions, or data whose
/// kind cannot be told (then its rows are counted and rejected, never silently lost).
/// Reads a sign-in register (签到表): a sheet not named as a list sheet, or an
/// attendance sheet whose list header is missing, laid out one row per delegate and one
/// column per meeting. Returns whether the sheet was read as one.
fn read_as_register(
    ctx: &FileContext,
    sheet: &Sheet,
    cands: &mut Candidates,
    tally: &mut FileTally,
    v: &mut Validation,
) -> bool {
    let named = header::RECORD_SHEETS
        .iter()
        .find(|s| s.matches_sheet_name(&sheet.name));
    let maybe_register = match named {
        None => true,
        Some(spec) => spec.kind == SheetKind::Attendance && find_header(sheet, spec).is_err(),
    };
    if !maybe_register {
        return false;
    }
    let committees = &ctx.config.units.special_committees;
    match register::detect(sheet, ctx.year, committees) {
        Some(layout) => {
            attendance::read_register(ctx, sheet, &layout, cands, tally, v);
            true
        }
        None => false,
    }
}

fn sheet_spec(
    file: &str,
    sheet: &Sheet,
    tally: &mut FileTally,
    v: &mut Validation,
) -> Option<(&'static SheetSpec, Header)> {
    let named = header::RECORD_SHEETS
        .iter()
        .find(|s| s.matches_sheet_name(&sheet.name))
        .copied();
    if sheet.hidden {
        if let Some(spec) = named {
            v.findings.push(
                Finding::new(Severity::Warning, file, &sheet.name, 0)
                    .message(format!("「{}」工作表被隐藏，未读取", spec.name))
                    .hint("如需报送，请在表格中取消隐藏该工作表"),
            );
        }
        return None;
    }
    if let Some(spec) = named {
        return match find_header(sheet, spec) {
            Ok(h) => Some((spec, h)),
            Err(msg) => {
                sheet_unreadable(sheet, file, &msg, spec, tally, v);
                None
            }
        };
    }
    if normalize_name(&sheet.name) == "填表说明" || sheet_is_empty(sheet) {
        return None;
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
            Finding::new(Severity::Info, file, &sheet.name, 0)
                .message(format!("工作表名不规范，按表头识别为「{}」", spec.name))
                .hint(format!("建议把工作表改名为「{}」", spec.name)),
        );
        return Some((spec, h));
    }
    if let Some(spec) = header::resembles(sheet) {
        let why = match find_header(sheet, spec) {
            Err(msg) => msg,
            Ok(_) => "表头同时符合多种报送表，无法确定类别".to_string(),
        };
        let msg = format!(
            "无法识别的工作表：工作表名不是规定的名称，表头与「{}」相近，但{why}",
            spec.name
        );
        sheet_unreadable(sheet, file, &msg, spec, tally, v);
        return None;
    }
    let (r0, r1) = sheet.row_span();
    let n = (r0..r1).filter(|r| !sheet.row_is_empty(*r)).count();
    v.findings.push(
        Finding::new(Severity::Warning, file, &sheet.name, 0)
            .message(format!("未识别的工作表（{n} 行），未读取"))
            .hint("报送表的工作表应命名为：出席记录（或签到表）、履职活动、代表建议、述职评议、通报表彰"),
    );
    None
}

fn sheet_is_empty(sheet: &Sheet) -> bool {
    let (r0, r1) = sheet.row_span();
    (r0..r1).all(|r| sheet.row_is_empty(r))
}

/// What reading one workbook gave: its records, findings and tally.
pub struct FileOutcome {
    pub cands: Candidates,
    pub findings: Vec<Finding>,
    pub tally: FileTally,
}

/// Opens a workbook file: checked by its metadata, read within the size limit.
pub fn open_file(path: &Path) -> Result<Workbook, open::OpenError> {
    open::read_bounded(path).and_then(|b| open::open(&b))
}

/// Opens one workbook and checks it against the roster.
pub fn read_file(f: &InputFile, roster: &Roster, config: &Config) -> FileOutcome {
    let wb = match &f.refused {
        Some(r) => Err(open::OpenError {
            message: r.message.clone(),
            hint: r.hint.clone(),
        }),
        None => open_file(&f.path),
    };
    read_opened(f.year, &f.rel, &f.name, wb, roster, config)
}

/// Checks an opened workbook (or why it could not be opened) named `name` at `rel`
/// against the roster: the folder walk's files and the workbench's uploads alike.
pub fn read_opened(
    year: i32,
    rel: &str,
    name: &str,
    wb: Result<Workbook, open::OpenError>,
    roster: &Roster,
    config: &Config,
) -> FileOutcome {
    let mut v = Validation::default();
    let mut cands = Candidates::default();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    // A decision file keeps the draft's name; the 决定 folder says whose it is.
    let unit = if decision::in_folder(rel) {
        Some(Unit {
            name: config.units.liaison.clone(),
            kind: UnitKind::Liaison,
        })
    } else {
        resolve_unit(stem, roster, config)
    };
    let mut tally = FileTally::new(rel, unit.as_ref().map_or("", |u| u.name.as_str()));
    match (&wb, unit) {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(row: u32, severity: Severity) -> Finding {
        Finding::new(severity, "2025/甲街道.xlsx", "出席记录", row).message("姓名不在名册中")
    }

    /// Worked example: the cap is reached at row 5,001; rows 5,002–5,004 bring three
    /// more findings (one an error), which become one finding naming their rows.
    #[test]
    fn findings_past_the_cap_become_one_that_counts_them() {
        let mut v = Validation::default();
        let mut cap = FindingCap::new();
        for r in 2..ROW_FINDINGS_PER_SHEET as u32 + 2 {
            cap.take(&mut v, &mut vec![finding(r, Severity::Error)]);
        }
        assert_eq!(v.findings.len(), ROW_FINDINGS_PER_SHEET);
        cap.take(&mut v, &mut vec![finding(5_003, Severity::Warning)]);
        cap.take(
            &mut v,
            &mut vec![
                finding(5_004, Severity::Warning),
                finding(5_002, Severity::Error),
            ],
        );
        assert_eq!(
            v.findings.len(),
            ROW_FINDINGS_PER_SHEET,
            "none stored past the cap"
        );
        cap.finish("2025/甲街道.xlsx", "出席记录", &mut v);
        let last = v.findings.last().expect("the summary");
        assert_eq!(last.severity, Severity::Error);
        assert_eq!(last.row, 5_002);
        assert!(
            last.message.contains("另有 3 处问题（第5002—5004行）"),
            "{}",
            last.message
        );
    }

    #[test]
    fn a_sheet_under_the_cap_gets_no_summary() {
        let mut v = Validation::default();
        let mut cap = FindingCap::new();
        cap.take(&mut v, &mut vec![finding(2, Severity::Warning)]);
        cap.finish("f.xlsx", "s", &mut v);
        assert_eq!(v.findings.len(), 1);
    }
}
