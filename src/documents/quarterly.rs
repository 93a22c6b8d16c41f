//! Quarterly group statistics (季度代表小组统计): what each group sent and did in the
//! quarter, attendance at the meetings held in it, who did nothing, 述职 progress against
//! the yearly share, missing submissions, and the change from the previous quarter.

use super::DocumentView;
use crate::config::Config;
use crate::domain::archive::{self, Archive, DelegateArchive, Metric, Period};
use crate::domain::model::{Records, Roster, Source};
use crate::domain::rules;
use crate::domain::text::percent;
use crate::input::UnitKind;
use crate::render::docx::TableBlock;
use crate::render::xlsx::{Cell, Table};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The period of quarter `q` (1–4) of `year`.
pub fn quarter(year: i32, q: u32) -> Result<Period> {
    if !(1..=4).contains(&q) {
        bail!("季度应为 1 到 4，实际为 {q}");
    }
    let start =
        NaiveDate::from_ymd_opt(year, 3 * q - 2, 1).ok_or_else(|| anyhow::anyhow!("年度无效"))?;
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, 3 * q + 1, 1)
    };
    let end = next
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| anyhow::anyhow!("年度无效"))?;
    Ok(Period {
        label: format!("{year}年第{}季度", crate::config::chinese_number(q)),
        start,
        end,
    })
}

/// Which sheets each kind of unit is expected to send every quarter.
pub fn expected_sheets(kind: UnitKind) -> &'static [&'static str] {
    match kind {
        UnitKind::Group => &["出席记录", "履职活动"],
        UnitKind::Office => &["出席记录", "履职活动"],
        UnitKind::Committee => &["出席记录"],
        UnitKind::Liaison => &["代表建议"],
    }
}

/// The sheet kinds a unit sent records of in a period.
fn sent(records: &Records, unit: &str, p: &Period) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    if records
        .attendance
        .iter()
        .any(|r| r.unit == unit && p.contains(r.date))
    {
        out.insert("出席记录");
    }
    if records
        .activities
        .iter()
        .any(|r| r.unit == unit && p.contains(r.date))
    {
        out.insert("履职活动");
    }
    if records
        .suggestions
        .iter()
        .any(|r| r.unit == unit && p.contains(r.date))
    {
        out.insert("代表建议");
    }
    if records
        .reports
        .iter()
        .any(|r| r.unit == unit && p.contains(r.date))
    {
        out.insert("述职评议");
    }
    out
}

fn count_records(records: &Records, unit: &str, p: &Period) -> u32 {
    let f = |u: &str, d: NaiveDate| u == unit && p.contains(d);
    (records
        .attendance
        .iter()
        .filter(|r| f(&r.unit, r.date))
        .count()
        + records
            .activities
            .iter()
            .filter(|r| f(&r.unit, r.date))
            .count()
        + records
            .suggestions
            .iter()
            .filter(|r| f(&r.unit, r.date))
            .count()
        + records
            .reports
            .iter()
            .filter(|r| f(&r.unit, r.date))
            .count()) as u32
}

fn sum(ds: &[&DelegateArchive], m: Metric) -> u32 {
    ds.iter().map(|d| d.get(m)).sum()
}

/// Attendance at all meetings a delegate was expected at (congress, SC, committee).
/// Person-times at every kind of meeting: [应出席, 出席, 请假, 缺席, 未报], where
/// 应出席 = 出席 + 请假 + 缺席 + 未报 (the archive keeps that per delegate).
fn attendance(ds: &[&DelegateArchive]) -> [u32; 5] {
    use Metric::*;
    let all = |ms: [Metric; 3]| ms.iter().map(|m| sum(ds, *m)).sum::<u32>();
    [
        all([CongressExpected, ScExpected, CommitteeExpected]),
        all([CongressAttended, ScAttended, CommitteeAttended]),
        all([CongressLeave, ScLeave, CommitteeLeave]),
        all([CongressAbsent, ScAbsent, CommitteeAbsent]),
        all([CongressUnreported, ScUnreported, CommitteeUnreported]),
    ]
}

/// What the 会议出席率 counts, from the person-times expected at each kind of meeting in
/// the quarter [区人代会, 常委会会议, 专委会议]: the meetings held (for the body's
/// sentence) and the note under the table. Only members are expected at 常委会 and
/// 专委 meetings, so a quarter without a congress session measures members alone.
pub fn attendance_scope(expected: [u32; 3]) -> (String, String) {
    let [congress, sc, committee] = expected.map(|n| n > 0);
    let held: Vec<&str> = [
        (congress, "区人民代表大会会议"),
        (sc, "常委会会议"),
        (committee, "专门委员会会议"),
    ]
    .iter()
    .filter(|(h, _)| *h)
    .map(|(_, name)| *name)
    .collect();
    if held.is_empty() {
        return (String::new(), "注：本季度没有召开代表应出席的会议。".into());
    }
    let members = match (sc, committee) {
        (true, true) => "常委会组成人员、专门委员会组成人员",
        (true, false) => "常委会组成人员",
        _ => "专门委员会组成人员",
    };
    let who = if !(sc || committee) {
        "各代表".to_string()
    } else if congress {
        format!("各代表（常委会会议、专门委员会会议只计{members}）")
    } else {
        format!("各代表小组中的{members}")
    };
    let meetings = held.join("、");
    let note = format!(
        "注：会议出席率为本季度召开的{meetings}中，{who}出席人次占应出席人次的比例，请假计为未出席。"
    );
    (meetings, note)
}

/// The quarter's archives: this quarter, the year to date and the previous quarter.
struct Archives {
    p: Period,
    ytd: Period,
    now: Archive,
    to_date: Archive,
    before: Option<Archive>,
}

fn archives(
    year: i32,
    q: u32,
    records: &Records,
    roster: &Roster,
    config: &Config,
) -> Result<Archives> {
    let p = quarter(year, q)?;
    let ytd = Period {
        label: format!("{year}年1月至{}月", 3 * q),
        start: NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(p.start),
        end: p.end,
    };
    let before = match q {
        1 => None,
        _ => Some(archive::build(
            roster,
            records,
            &quarter(year, q - 1)?,
            config,
        )?),
    };
    Ok(Archives {
        now: archive::build(roster, records, &p, config)?,
        to_date: archive::build(roster, records, &ytd, config)?,
        before,
        p,
        ytd,
    })
}

fn in_group<'a>(a: &'a Archive, g: &str) -> Vec<&'a DelegateArchive> {
    a.delegates
        .iter()
        .filter(|d| d.delegate.group == g)
        .collect()
}

/// One group's quarter: what every table and sentence about it says.
struct GroupQuarter<'a> {
    group: &'a str,
    delegates: Vec<&'a DelegateArchive>,
    records: u32,
    records_ytd: u32,
    /// [应出席, 出席, 请假, 缺席, 未报] person-times at meetings.
    attendance: [u32; 5],
    activities: u32,
    idle: Vec<&'a DelegateArchive>,
    reported: u32,
    coverage: rules::ReportCoverage,
    previous_activities: Option<u32>,
}

fn group_quarter<'a>(
    g: &'a str,
    a: &'a Archives,
    records: &Records,
    config: &Config,
) -> GroupQuarter<'a> {
    let delegates = in_group(&a.now, g);
    let serving_end: Vec<&DelegateArchive> = in_group(&a.to_date, g)
        .into_iter()
        .filter(|d| d.delegate.service_end(config.term.end) >= a.p.end)
        .collect();
    let reported = serving_end
        .iter()
        .filter(|d| d.get(Metric::Reports) > 0)
        .count() as u32;
    let coverage = rules::report_coverage(
        serving_end.len() as u32,
        reported,
        config.thresholds.report_share_per_year,
    );
    GroupQuarter {
        attendance: attendance(&delegates),
        group: g,
        records: count_records(records, g, &a.p),
        records_ytd: count_records(records, g, &a.ytd),
        activities: sum(&delegates, Metric::RecessActivities),
        idle: delegates
            .iter()
            .copied()
            .filter(|d| d.get(Metric::RecessActivities) == 0)
            .collect(),
        previous_activities: a
            .before
            .as_ref()
            .map(|b| sum(&in_group(b, g), Metric::RecessActivities)),
        delegates,
        reported,
        coverage,
    }
}

/// The sheet 各代表小组, with its two charts; 未报 is a column only when some meeting of
/// the quarter went unrecorded.
fn summary_table(p: &Period, gs: &[GroupQuarter]) -> Table {
    let unreported = gs.iter().any(|g| g.attendance[4] > 0);
    let mut heads = vec![
        "代表小组",
        "代表数",
        "本季度报送记录",
        "年初至今报送记录",
        "本季度应出席会议人次",
        "本季度出席人次",
        "本季度请假人次",
        "本季度缺席人次",
        "本季度未报人次",
        "本季度出席率",
        "本季度闭会期间活动人次",
        "本季度无活动代表数",
        "本季度领衔建议",
        "年内已述职",
        "应述职（不少于）",
        "尚需述职",
        "上季度活动人次",
        "活动人次增减",
    ];
    if !unreported {
        heads.retain(|h| *h != "本季度未报人次");
    }
    let col_of = |h: &str| heads.iter().position(|x| *x == h).unwrap_or(0) as u16;
    let (rate_col, acts_col) = (col_of("本季度出席率"), col_of("本季度闭会期间活动人次"));
    let mut t = Table::new("各代表小组", &heads);
    t.title = Some(format!("{}各代表小组履职情况统计", p.label));
    for g in gs {
        let [exp, att, leave, absent, unrep] = g.attendance;
        let prev = g.previous_activities;
        let mut row: Vec<Cell> = vec![
            g.group.into(),
            (g.delegates.len() as u32).into(),
            g.records.into(),
            g.records_ytd.into(),
            exp.into(),
            att.into(),
            leave.into(),
            absent.into(),
        ];
        if unreported {
            row.push(unrep.into());
        }
        row.extend([
            if exp == 0 {
                Cell::Empty
            } else {
                Cell::Pct(f64::from(att) / f64::from(exp))
            },
            g.activities.into(),
            (g.idle.len() as u32).into(),
            sum(&g.delegates, Metric::SuggestionsLed).into(),
            g.reported.into(),
            g.coverage.required.into(),
            g.coverage.still_needed.into(),
            prev.map_or(Cell::Empty, Cell::from),
            prev.map_or(Cell::Empty, |pa| {
                Cell::Int(i64::from(g.activities) - i64::from(pa))
            }),
        ]);
        t.rows.push(row);
    }
    super::group_bar_charts(
        &mut t,
        gs.len(),
        [
            (
                format!("{}各代表小组闭会期间活动人次", p.label),
                acts_col,
                false,
            ),
            (format!("{}各代表小组会议出席率", p.label), rate_col, true),
        ],
    );
    t
}

fn kinds_table(p: &Period, gs: &[GroupQuarter]) -> Table {
    let mut t = Table::new(
        "活动分类",
        &[
            "代表小组",
            "代表小组活动",
            "视察",
            "调研",
            "执法检查",
            "联系接待选民",
            "其他",
        ],
    );
    t.title = Some(format!("{}闭会期间活动分类", p.label));
    for g in gs {
        let mut row: Vec<Cell> = vec![g.group.into()];
        for m in [
            Metric::GroupActivities,
            Metric::Inspections,
            Metric::Surveys,
            Metric::LawChecks,
            Metric::VoterContacts,
            Metric::OtherActivities,
        ] {
            row.push(sum(&g.delegates, m).into());
        }
        t.rows.push(row);
    }
    t
}

fn idle_table(p: &Period, gs: &[GroupQuarter]) -> Table {
    let mut t = Table::new("无活动代表", &["代表小组", "姓名", "代表编号"]);
    t.title = Some(format!("{}没有履职活动记录的代表", p.label));
    for g in gs {
        for d in &g.idle {
            t.rows.push(vec![
                g.group.into(),
                d.delegate.name.clone().into(),
                d.delegate.id.clone().into(),
            ]);
        }
    }
    t
}

/// Missing submissions: every unit, what it sent this quarter, what is missing; also the
/// units that sent nothing at all.
fn missing_table(
    p: &Period,
    units: &[(String, UnitKind)],
    records: &Records,
    sources: &BTreeMap<String, (String, UnitKind)>,
) -> (Table, Vec<String>) {
    let mut t = Table::new(
        "报送情况",
        &[
            "报送单位",
            "已报送的文件",
            "本季度已有记录的表",
            "缺少的表",
            "情况",
        ],
    );
    t.title = Some(format!("{}报送情况", p.label));
    let mut silent = Vec::new();
    for (u, kind) in units {
        let files: Vec<&str> = sources
            .iter()
            .filter(|(_, (unit, _))| unit == u)
            .map(|(f, _)| f.as_str())
            .collect();
        let have = sent(records, u, p);
        let lacking: Vec<&str> = expected_sheets(*kind)
            .iter()
            .copied()
            .filter(|s| !have.contains(s))
            .collect();
        let status = if have.is_empty() {
            silent.push(u.clone());
            "本季度未报送任何记录"
        } else if lacking.is_empty() {
            "齐全"
        } else {
            "缺表"
        };
        t.rows.push(vec![
            u.clone().into(),
            files.join("、").into(),
            have.iter().copied().collect::<Vec<_>>().join("、").into(),
            lacking.join("、").into(),
            status.into(),
        ]);
    }
    t.notes.push(String::from(
        "说明：按记录日期判断是否属于本季度。代表小组和常委会办公室每季度应报送出席记录和履职活动，专门委员会应报送出席记录，代表联络室应报送代表建议；述职评议按年度安排，不列入缺表。"
    ));
    (t, silent)
}

/// The brief's table 各代表小组.
fn brief_table(gs: &[GroupQuarter]) -> TableBlock {
    TableBlock {
        headers: [
            "代表小组",
            "代表数",
            "会议出席率",
            "活动人次",
            "无活动代表",
            "年内述职/应述职",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: gs
            .iter()
            .map(|g| {
                vec![
                    g.group.to_string(),
                    g.delegates.len().to_string(),
                    percent(g.attendance[1], g.attendance[0]),
                    g.activities.to_string(),
                    g.idle.len().to_string(),
                    format!("{}/{}", g.reported, g.coverage.required),
                ]
            })
            .collect(),
        widths: vec![8, 4, 5, 5, 5, 6],
    }
}

/// The quarterly statistics workbook and the brief (情况通报) for the group leaders.
pub fn build(
    year: i32,
    q: u32,
    records: &Records,
    roster: &Roster,
    config: &Config,
    sources: &BTreeMap<String, (String, UnitKind)>,
) -> Result<DocumentView> {
    let a = archives(year, q, records, roster, config)?;
    let groups = roster.groups();
    let gs: Vec<GroupQuarter> = groups
        .iter()
        .map(|g| group_quarter(g, &a, records, config))
        .collect();
    let units = config.reporting_units(&groups);
    let (missing, silent) = missing_table(&a.p, &units, records, sources);
    let behind: Vec<Value> = gs
        .iter()
        .filter(|g| !g.coverage.met)
        .map(|g| json!({"group": g.group, "reported": g.reported, "required": g.coverage.required, "still_needed": g.coverage.still_needed}))
        .collect();
    let now: Vec<&DelegateArchive> = a.now.delegates.iter().collect();
    let [exp, att, ..] = attendance(&now);
    let (meetings, note) = attendance_scope([
        sum(&now, Metric::CongressExpected),
        sum(&now, Metric::ScExpected),
        sum(&now, Metric::CommitteeExpected),
    ]);
    let vars = json!({
        "year": year,
        "quarter": q,
        "period": a.p.label,
        "district": config.district.name,
        "standing_committee": config.district.standing_committee,
        "liaison": config.units.liaison,
        "groups": groups.len(),
        "delegates": a.now.delegates.len(),
        "attendance_rate": percent(att, exp),
        "attendance_meetings": meetings,
        "attendance_note": note,
        "activities": gs.iter().map(|g| g.activities).sum::<u32>(),
        "idle": gs.iter().map(|g| g.idle.len()).sum::<usize>(),
        "silent": silent,
        "behind": behind,
        "report_share": crate::domain::text::fraction_percent(config.thresholds.report_share_per_year),
        "previous_activities": a.before.as_ref().map(|b| b.delegates.iter().map(|d| d.get(Metric::RecessActivities)).sum::<u32>()),
    });
    let tables = HashMap::from([("各代表小组".to_string(), brief_table(&gs))]);
    let sheets = vec![
        summary_table(&a.p, &gs),
        kinds_table(&a.p, &gs),
        idle_table(&a.p, &gs),
        missing,
    ];
    Ok(
        DocumentView::worded(crate::render::template::QUARTERLY_BRIEF, vars, tables)
            .with_sheets(sheets, Some(format!("{}代表小组统计", a.p.label))),
    )
}

/// The files each unit sent, from the accepted records' sources.
pub fn sources_by_file(
    records: &Records,
    units: &dyn Fn(&str) -> Option<UnitKind>,
) -> BTreeMap<String, (String, UnitKind)> {
    let mut out = BTreeMap::new();
    let mut add = |s: &Source, unit: &str| {
        if out.contains_key(&*s.file) {
            return;
        }
        if let Some(k) = units(unit) {
            out.insert(s.file.to_string(), (unit.to_string(), k));
        }
    };
    for r in &records.attendance {
        add(&r.source, &r.unit);
    }
    for r in &records.activities {
        add(&r.source, &r.unit);
    }
    for r in &records.suggestions {
        add(&r.source, &r.unit);
    }
    for r in &records.reports {
        add(&r.source, &r.unit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_cover_the_year() {
        let q1 = quarter(2025, 1).expect("q1");
        assert_eq!(
            (q1.start.to_string(), q1.end.to_string()),
            ("2025-01-01".into(), "2025-03-31".into())
        );
        let q4 = quarter(2024, 4).expect("q4");
        assert_eq!(q4.end.to_string(), "2024-12-31");
        assert_eq!(quarter(2025, 3).expect("q3").label, "2025年第三季度");
        assert!(quarter(2025, 5).is_err());
    }

    /// The sample's third quarter: 常委会 and 专委 meetings only, so the rate is the
    /// members'; a first quarter with the congress session counts every delegate.
    #[test]
    fn the_attendance_rate_says_what_it_counts() {
        let (meetings, note) = attendance_scope([0, 144, 96]);
        assert_eq!(meetings, "常委会会议、专门委员会会议");
        assert_eq!(
            note,
            "注：会议出席率为本季度召开的常委会会议、专门委员会会议中，各代表小组中的常委会组成人员、专门委员会组成人员出席人次占应出席人次的比例，请假计为未出席。"
        );
        let (meetings, note) = attendance_scope([220, 24, 0]);
        assert_eq!(meetings, "区人民代表大会会议、常委会会议");
        assert!(
            note.contains("各代表（常委会会议、专门委员会会议只计常委会组成人员）"),
            "{note}"
        );
        let (meetings, note) = attendance_scope([0, 0, 0]);
        assert_eq!(meetings, "");
        assert!(note.contains("没有召开"), "{note}");
    }
}
