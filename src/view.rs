//! View models: the tables each output shows, built from the archive, the records and
//! the validation outcome. Renderers take these, never raw sheets.

use crate::archive::{Archive, Metric};
use crate::model::{Records, Roster, Source};
use crate::render::xlsx::{Cell, Table};
use crate::validate::Validation;
use chrono::Datelike;

/// 校验报告.xlsx: the findings and the per-file reconciliation.
pub fn validation_report(v: &Validation) -> Vec<Table> {
    let mut findings = Table::new(
        "问题清单",
        &[
            "序号",
            "级别",
            "文件",
            "工作表",
            "行号",
            "列",
            "值",
            "问题",
            "修改建议",
        ],
    );
    for (i, f) in v.findings.iter().enumerate() {
        findings.rows.push(vec![
            Cell::Int(i as i64 + 1),
            f.severity.label().into(),
            f.file.clone().into(),
            f.sheet.clone().into(),
            if f.row > 0 {
                Cell::Int(i64::from(f.row))
            } else {
                Cell::Empty
            },
            f.column.clone().into(),
            f.value.clone().into(),
            f.message.clone().into(),
            f.hint.clone().into(),
        ]);
    }
    findings.notes.push(
        "说明：“错误”的行不能计入档案，请修改后重新报送；“警告”的行已计入，请核实；“提示”仅供参考。"
            .to_string(),
    );
    let mut files = Table::new(
        "文件核对",
        &[
            "文件",
            "报送单位",
            "读取行数",
            "接受",
            "合并重复",
            "剔除",
            "说明行（未计入）",
            "核对结果",
        ],
    );
    for t in &v.tallies {
        let result = if t.unreadable {
            "无法读取"
        } else if t.balances() {
            "平衡"
        } else {
            "不平衡"
        };
        files.rows.push(vec![
            t.file.clone().into(),
            t.unit.clone().into(),
            t.read.into(),
            t.accepted.into(),
            t.merged.into(),
            t.rejected.into(),
            t.notes.into(),
            result.into(),
        ]);
    }
    files
        .notes
        .push("核对规则：读取行数 = 接受 + 合并重复 + 剔除。空行不计；“填表人”“合计”等说明行单独列出，不计入数据。".to_string());
    vec![findings, files]
}

/// The identity columns every per-delegate table starts with.
pub const IDENTITY_COLUMNS: [&str; 5] = ["代表编号", "姓名", "代表小组", "身份", "代表状态"];

/// 履职档案汇总.xlsx: the summary sheet and one sheet per record kind with its source.
pub fn archive_workbook(
    archive: &Archive,
    records: &Records,
    roster: &Roster,
    district: &str,
) -> Vec<Table> {
    let mut headers: Vec<&str> = IDENTITY_COLUMNS.to_vec();
    headers.push("状态变更日期");
    headers.extend(Metric::ALL.iter().map(|m| m.label()));
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
    let name = |id: &str| roster.by_id(id).map(|d| d.name.clone()).unwrap_or_default();
    let src = |s: &Source| -> Vec<Cell> {
        vec![s.file.clone().into(), s.sheet.clone().into(), s.row.into()]
    };
    let in_period = |d: chrono::NaiveDate| archive.period.contains(d);

    let mut att = Table::new(
        "出席记录",
        &[
            "日期",
            "会议类别",
            "会议名称",
            "代表编号",
            "姓名",
            "出席情况",
            "备注",
            "报送单位",
            "来源文件",
            "来源工作表",
            "来源行号",
        ],
    );
    for a in records.attendance.iter().filter(|a| in_period(a.date)) {
        let mut row: Vec<Cell> = vec![
            a.date.into(),
            a.kind.label().into(),
            a.meeting.clone().into(),
            a.delegate.clone().into(),
            name(&a.delegate).into(),
            a.presence.label().into(),
            a.note.clone().into(),
            a.unit.clone().into(),
        ];
        row.extend(src(&a.source));
        att.rows.push(row);
    }
    let mut act = Table::new(
        "履职活动",
        &[
            "日期",
            "活动类别",
            "活动名称",
            "代表编号",
            "姓名",
            "备注",
            "报送单位",
            "来源文件",
            "来源工作表",
            "来源行号",
        ],
    );
    for a in records.activities.iter().filter(|a| in_period(a.date)) {
        let mut row: Vec<Cell> = vec![
            a.date.into(),
            a.kind.label().into(),
            a.name.clone().into(),
            a.delegate.clone().into(),
            name(&a.delegate).into(),
            a.note.clone().into(),
            a.unit.clone().into(),
        ];
        row.extend(src(&a.source));
        act.rows.push(row);
    }
    let mut sug = Table::new(
        "代表建议",
        &[
            "建议编号",
            "提出日期",
            "提出时段",
            "标题",
            "领衔代表",
            "附议代表",
            "承办单位",
            "办理结果",
            "代表满意度",
            "报送单位",
            "来源文件",
            "来源工作表",
            "来源行号",
        ],
    );
    let names = |ids: &[String]| {
        ids.iter()
            .map(|i| format!("{}（{}）", name(i), i))
            .collect::<Vec<_>>()
            .join("、")
    };
    for s in records.suggestions.iter().filter(|s| in_period(s.date)) {
        let mut row: Vec<Cell> = vec![
            s.number.clone().into(),
            s.date.into(),
            s.period.map_or("", |p| p.label()).into(),
            s.title.clone().into(),
            names(&s.leads).into(),
            names(&s.cosigners).into(),
            s.handler.clone().into(),
            s.result
                .map_or(String::new(), |r| format!("{} {}", r.code(), r.label()))
                .into(),
            s.satisfaction.map_or("", |x| x.label()).into(),
            s.unit.clone().into(),
        ];
        row.extend(src(&s.source));
        sug.rows.push(row);
    }
    let mut rep = Table::new(
        "述职评议",
        &[
            "日期",
            "代表编号",
            "姓名",
            "述职形式",
            "选民代表人数",
            "满意",
            "基本满意",
            "不满意",
            "报送单位",
            "来源文件",
            "来源工作表",
            "来源行号",
        ],
    );
    for r in records.reports.iter().filter(|r| in_period(r.date)) {
        let mut row: Vec<Cell> = vec![
            r.date.into(),
            r.delegate.clone().into(),
            name(&r.delegate).into(),
            r.form.label().into(),
            r.voters.into(),
            r.satisfied.into(),
            r.basically.into(),
            r.dissatisfied.into(),
            r.unit.clone().into(),
        ];
        row.extend(src(&r.source));
        rep.rows.push(row);
    }
    let mut com = Table::new(
        "通报表彰",
        &[
            "年度",
            "代表编号",
            "姓名",
            "表彰类别",
            "文号",
            "报送单位",
            "来源文件",
            "来源工作表",
            "来源行号",
        ],
    );
    for c in records
        .commendations
        .iter()
        .filter(|c| (archive.period.start.year()..=archive.period.end.year()).contains(&c.year))
    {
        let mut row: Vec<Cell> = vec![
            Cell::Int(i64::from(c.year)),
            c.delegate.clone().into(),
            name(&c.delegate).into(),
            c.kind.label().into(),
            c.document.clone().into(),
            c.unit.clone().into(),
        ];
        row.extend(src(&c.source));
        com.rows.push(row);
    }
    vec![summary, att, act, sug, rep, com]
}
