//! 履职档案汇总.xlsx: one row per delegate with every archive figure, and the records
//! behind them as listings (one sheet per record kind), so each figure can be traced to
//! its input rows.

use crate::domain::archive::{Archive, Metric, Period};
use crate::domain::model::{Records, Roster, Source};
use crate::render::xlsx::{Cell, Kind, Listing, Table};
use chrono::Datelike;

/// The identity columns every per-delegate table starts with.
pub const IDENTITY_COLUMNS: [&str; 5] = ["代表编号", "姓名", "代表小组", "身份", "代表状态"];

/// The archive summary (履职档案汇总): one row per delegate, and the records behind the
/// numbers as listings, each row naming the file, sheet and row it came from.
pub fn archive_workbook<'a>(
    archive: &Archive,
    records: &'a Records,
    roster: &'a Roster,
    district: &str,
    legend: &'a crate::config::ResultLegend,
    grades: [&'static str; 3],
) -> (Table, Vec<Listing<'a>>) {
    let mut headers: Vec<&str> = IDENTITY_COLUMNS.to_vec();
    headers.push("状态变更日期");
    headers.extend(Metric::ALL.iter().map(|m| vote_label(*m, grades)));
    let mut summary = Table::new("履职档案汇总", &headers);
    summary.title = Some(format!(
        "{district}人大代表{}履职档案汇总",
        archive.period.label
    ));
    for a in &archive.delegates {
        let d = &a.delegate;
        let mut row: Vec<Cell> = vec![
            d.id.clone().into(),
            d.name.clone().into(),
            d.group.clone().into(),
            d.roles.label().into(),
            d.status_label().to_string().into(),
            if d.is_serving() {
                Cell::Empty
            } else {
                d.status_date.into()
            },
        ];
        row.extend(Metric::ALL.iter().map(|m| Cell::from(a.get(*m))));
        summary.rows.push(row);
    }
    summary.notes.push(format!(
        "统计口径：区人代会、常委会会议和专委会议的“应出席”只计任职期间召开、且该代表应参加的会议（常委会会议限常委会组成人员，专委会议限本专委组成人员）；“未报”为应出席但没有任何出席记录的次数，既不计出席也不计缺席。请假与缺席分列，请假不计为缺席。共 {} 名代表。",
        archive.delegates.len()
    ));
    (
        summary,
        record_listings(records, roster, &archive.period, legend),
    )
}

/// A figure's column name in the summary, its Parquet twin and the public edition: the
/// three vote columns in the configured scale's words (称职 votes under 称职, issue #19).
pub fn vote_label(m: Metric, grades: [&'static str; 3]) -> &'static str {
    match m {
        Metric::VotesSatisfied => grades[0],
        Metric::VotesBasically => grades[1],
        Metric::VotesDissatisfied => grades[2],
        _ => m.label(),
    }
}

/// The record listings of a period, rows produced on demand from the records.
fn record_listings<'a>(
    records: &'a Records,
    roster: &'a Roster,
    period: &Period,
    legend: &'a crate::config::ResultLegend,
) -> Vec<Listing<'a>> {
    vec![
        attendance_listing(records, roster, period),
        activity_listing(records, roster, period),
        suggestion_listing(records, roster, period, legend),
        report_listing(records, roster, period),
        commendation_listing(records, roster, period),
        contact_listing(records, roster, period),
    ]
}

/// The delegate's name from the roster (blank when the id is unknown).
fn name_cell(roster: &Roster, id: &str, row: &mut Vec<Cell>) {
    match roster.by_id(id) {
        Some(d) => row.push(Cell::Text(d.name.clone())),
        None => row.push(Cell::Empty),
    }
}

/// Where the record came from: file, sheet and Excel row, so every figure is traceable.
fn src(s: &Source, row: &mut Vec<Cell>) {
    row.push(Cell::Text(s.file.to_string()));
    row.push(Cell::Text(s.sheet.to_string()));
    row.push(Cell::Int(i64::from(s.row)));
}

/// A listing's columns followed by the source columns.
fn with_source(cols: &[(&'static str, Kind)]) -> Vec<(&'static str, Kind)> {
    const SOURCE: [(&str, Kind); 3] = [
        ("来源文件", Kind::Text),
        ("来源工作表", Kind::Text),
        ("来源行号", Kind::Int),
    ];
    cols.iter().chain(SOURCE.iter()).copied().collect()
}

/// 出席记录 of the period.
fn attendance_listing<'a>(
    records: &'a Records,
    roster: &'a Roster,
    period: &Period,
) -> Listing<'a> {
    use Kind::{Date, Text};
    let name = move |id: &str, row: &mut Vec<Cell>| name_cell(roster, id, row);
    let att: Vec<_> = records
        .attendance
        .iter()
        .filter(|a| period.contains(a.date))
        .collect();
    Listing::new(
        "出席记录",
        &with_source(&[
            ("日期", Date),
            ("会议类别", Text),
            ("会议名称", Text),
            ("代表编号", Text),
            ("姓名", Text),
            ("出席情况", Text),
            ("备注", Text),
            ("报送单位", Text),
        ]),
        att.len(),
        move |i, row| {
            let a = att[i];
            row.push(Cell::Date(a.date));
            row.push(Cell::Text(a.kind.label().to_string()));
            row.push(Cell::Text(a.meeting.to_string()));
            row.push(Cell::Text(a.delegate.to_string()));
            name(&a.delegate, row);
            row.push(Cell::Text(a.presence.label().to_string()));
            row.push(Cell::Text(a.note.to_string()));
            row.push(Cell::Text(a.unit.to_string()));
            src(&a.source, row);
        },
    )
}

/// 履职活动 of the period.
fn activity_listing<'a>(records: &'a Records, roster: &'a Roster, period: &Period) -> Listing<'a> {
    use Kind::{Date, Text};
    let name = move |id: &str, row: &mut Vec<Cell>| name_cell(roster, id, row);
    let act: Vec<_> = records
        .activities
        .iter()
        .filter(|a| period.contains(a.date))
        .collect();
    Listing::new(
        "履职活动",
        &with_source(&[
            ("日期", Date),
            ("活动类别", Text),
            ("活动名称", Text),
            ("代表编号", Text),
            ("姓名", Text),
            ("备注", Text),
            ("报送单位", Text),
        ]),
        act.len(),
        move |i, row| {
            let a = act[i];
            row.push(Cell::Date(a.date));
            row.push(Cell::Text(a.kind.label().to_string()));
            row.push(Cell::Text(a.name.to_string()));
            row.push(Cell::Text(a.delegate.to_string()));
            name(&a.delegate, row);
            row.push(Cell::Text(a.note.to_string()));
            row.push(Cell::Text(a.unit.to_string()));
            src(&a.source, row);
        },
    )
}

/// 代表建议 of the period, with leads and co-signers by name and id.
fn suggestion_listing<'a>(
    records: &'a Records,
    roster: &'a Roster,
    period: &Period,
    legend: &'a crate::config::ResultLegend,
) -> Listing<'a> {
    use Kind::{Date, Text};
    let names = move |ids: &[String]| -> String {
        ids.iter()
            .map(|i| {
                let n = roster.by_id(i).map(|d| d.name.as_str()).unwrap_or_default();
                format!("{n}（{i}）")
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let sug: Vec<_> = records
        .suggestions
        .iter()
        .filter(|s| period.contains(s.date))
        .collect();
    Listing::new(
        "代表建议",
        &with_source(&[
            ("建议编号", Text),
            ("提出日期", Date),
            ("提出时段", Text),
            ("标题", Text),
            ("领衔代表", Text),
            ("附议代表", Text),
            ("承办单位", Text),
            ("类别", Text),
            ("性质", Text),
            ("重点督办", Text),
            ("交办日期", Date),
            ("答复日期", Date),
            ("办理结果", Text),
            ("办理结果满意度", Text),
            ("办理工作满意度", Text),
            ("报送单位", Text),
        ]),
        sug.len(),
        move |i, row| {
            let s = sug[i];
            row.push(Cell::Text(s.number.to_string()));
            row.push(Cell::Date(s.date));
            row.push(Cell::Text(s.period.map_or("", |p| p.label()).to_string()));
            row.push(Cell::Text(s.title.to_string()));
            row.push(Cell::Text(names(&s.leads)));
            row.push(Cell::Text(names(&s.cosigners)));
            row.push(Cell::Text(s.handler.to_string()));
            // Issue #19 columns: blank when the sheet had no such column or left it blank.
            row.push(Cell::Text(s.category.map_or("", |c| c.label()).to_string()));
            row.push(Cell::Text(s.nature.map_or("", |n| n.label()).to_string()));
            row.push(Cell::Text(
                if s.columns.key_item && s.key_item {
                    "是"
                } else {
                    ""
                }
                .to_string(),
            ));
            row.push(s.assigned.map_or(Cell::Empty, Cell::Date));
            row.push(s.answered.map_or(Cell::Empty, Cell::Date));
            row.push(Cell::Text(s.result.map_or(String::new(), |r| {
                format!("{} {}", r.code(), legend.label(r))
            })));
            row.push(Cell::Text(
                s.satisfaction.map_or("", |x| x.label()).to_string(),
            ));
            row.push(Cell::Text(
                s.work_satisfaction.map_or("", |x| x.label()).to_string(),
            ));
            row.push(Cell::Text(s.unit.to_string()));
            src(&s.source, row);
        },
    )
}

/// 述职评议 of the period.
fn report_listing<'a>(records: &'a Records, roster: &'a Roster, period: &Period) -> Listing<'a> {
    use Kind::{Date, Int, Text};
    let name = move |id: &str, row: &mut Vec<Cell>| name_cell(roster, id, row);
    let rep: Vec<_> = records
        .reports
        .iter()
        .filter(|r| period.contains(r.date))
        .collect();
    Listing::new(
        "述职评议",
        &with_source(&[
            ("日期", Date),
            ("代表编号", Text),
            ("姓名", Text),
            ("述职形式", Text),
            ("选民代表人数", Int),
            ("满意", Int),
            ("基本满意", Int),
            ("不满意", Int),
            ("报送单位", Text),
        ]),
        rep.len(),
        move |i, row| {
            let r = rep[i];
            row.push(Cell::Date(r.date));
            row.push(Cell::Text(r.delegate.to_string()));
            name(&r.delegate, row);
            row.push(Cell::Text(r.form.label().to_string()));
            for n in [r.voters, r.satisfied, r.basically, r.dissatisfied] {
                row.push(Cell::Int(i64::from(n)));
            }
            row.push(Cell::Text(r.unit.to_string()));
            src(&r.source, row);
        },
    )
}

/// 通报表彰 of the period's years.
fn commendation_listing<'a>(
    records: &'a Records,
    roster: &'a Roster,
    period: &Period,
) -> Listing<'a> {
    use Kind::{Int, Text};
    let name = move |id: &str, row: &mut Vec<Cell>| name_cell(roster, id, row);
    let com: Vec<_> = records
        .commendations
        .iter()
        .filter(|c| (period.start.year()..=period.end.year()).contains(&c.year))
        .collect();
    Listing::new(
        "通报表彰",
        &with_source(&[
            ("年度", Int),
            ("代表编号", Text),
            ("姓名", Text),
            ("表彰类别", Text),
            ("文号", Text),
            ("报送单位", Text),
        ]),
        com.len(),
        move |i, row| {
            let c = com[i];
            row.push(Cell::Int(i64::from(c.year)));
            row.push(Cell::Text(c.delegate.to_string()));
            name(&c.delegate, row);
            row.push(Cell::Text(c.kind.label().to_string()));
            row.push(Cell::Text(c.document.to_string()));
            row.push(Cell::Text(c.unit.to_string()));
            src(&c.source, row);
        },
    )
}

/// 联系群众 of the period (issue #19): one row per reception, its delegates by name and id.
fn contact_listing<'a>(records: &'a Records, roster: &'a Roster, period: &Period) -> Listing<'a> {
    use Kind::{Date, Int, Text};
    let con: Vec<_> = records
        .contacts
        .iter()
        .filter(|c| period.contains(c.date))
        .collect();
    Listing::new(
        "联系群众",
        &with_source(&[
            ("日期", Date),
            ("家站/联络站", Text),
            ("代表", Text),
            ("接待群众人数", Int),
            ("收集意见建议条数", Int),
            ("办理方式", Text),
            ("办理结果", Text),
            ("反馈情况", Text),
            ("报送单位", Text),
        ]),
        con.len(),
        move |i, row| {
            let c = con[i];
            let who: Vec<String> = c
                .delegates
                .iter()
                .map(|id| {
                    let n = roster
                        .by_id(id)
                        .map(|d| d.name.as_str())
                        .unwrap_or_default();
                    format!("{n}（{id}）")
                })
                .collect();
            row.push(Cell::Date(c.date));
            row.push(Cell::Text(c.station.to_string()));
            row.push(Cell::Text(who.join("、")));
            row.push(Cell::Int(i64::from(c.people)));
            row.push(Cell::Int(i64::from(c.opinions)));
            row.push(Cell::Text(c.handling.map_or("", |h| h.label()).to_string()));
            row.push(Cell::Text(c.result.to_string()));
            row.push(Cell::Text(c.feedback.to_string()));
            row.push(Cell::Text(c.unit.to_string()));
            src(&c.source, row);
        },
    )
}
