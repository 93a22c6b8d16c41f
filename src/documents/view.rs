//! View models: the tables each output shows, built from the archive, the records and
//! the validation outcome. Renderers take these, never raw sheets.

use crate::domain::archive::{Archive, Metric};
use crate::domain::findings::Validation;
use crate::domain::model::{Records, Roster, Source};
use crate::render::docx::TableBlock;
use crate::render::xlsx::{Cell, Kind, Listing, Table};
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

/// The archive summary (履职档案汇总): one row per delegate, and the records behind the
/// numbers as listings, each row naming the file, sheet and row it came from.
pub fn archive_workbook<'a>(
    archive: &Archive,
    records: &'a Records,
    roster: &'a Roster,
    district: &str,
) -> (Table, Vec<Listing<'a>>) {
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
    (summary, record_listings(records, roster, &archive.period))
}

/// The record listings of a period, rows produced on demand from the records.
fn record_listings<'a>(
    records: &'a Records,
    roster: &'a Roster,
    period: &crate::domain::archive::Period,
) -> Vec<Listing<'a>> {
    use Kind::{Date, Int, Text};
    let name = move |id: &str, row: &mut Vec<Cell>| match roster.by_id(id) {
        Some(d) => row.push(Cell::Text(d.name.clone())),
        None => row.push(Cell::Empty),
    };
    let src = |s: &Source, row: &mut Vec<Cell>| {
        row.push(Cell::Text(s.file.to_string()));
        row.push(Cell::Text(s.sheet.to_string()));
        row.push(Cell::Int(i64::from(s.row)));
    };
    const SOURCE: [(&str, Kind); 3] = [("来源文件", Text), ("来源工作表", Text), ("来源行号", Int)];
    let with_source = |cols: &[(&'static str, Kind)]| -> Vec<(&'static str, Kind)> {
        cols.iter().chain(SOURCE.iter()).copied().collect()
    };

    let att: Vec<_> = records
        .attendance
        .iter()
        .filter(|a| period.contains(a.date))
        .collect();
    let attendance = Listing::new(
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
    );

    let act: Vec<_> = records
        .activities
        .iter()
        .filter(|a| period.contains(a.date))
        .collect();
    let activities = Listing::new(
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
    );

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
    let suggestions = Listing::new(
        "代表建议",
        &with_source(&[
            ("建议编号", Text),
            ("提出日期", Date),
            ("提出时段", Text),
            ("标题", Text),
            ("领衔代表", Text),
            ("附议代表", Text),
            ("承办单位", Text),
            ("办理结果", Text),
            ("代表满意度", Text),
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
            row.push(Cell::Text(s.result.map_or(String::new(), |r| {
                format!("{} {}", r.code(), r.label())
            })));
            row.push(Cell::Text(
                s.satisfaction.map_or("", |x| x.label()).to_string(),
            ));
            row.push(Cell::Text(s.unit.to_string()));
            src(&s.source, row);
        },
    );

    let rep: Vec<_> = records
        .reports
        .iter()
        .filter(|r| period.contains(r.date))
        .collect();
    let reports = Listing::new(
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
    );

    let com: Vec<_> = records
        .commendations
        .iter()
        .filter(|c| (period.start.year()..=period.end.year()).contains(&c.year))
        .collect();
    let commendations = Listing::new(
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
    );
    vec![attendance, activities, suggestions, reports, commendations]
}

/// Every record of one delegate, indexed once so that building all archives stays linear.
#[derive(Default)]
pub struct ByDelegate<'a> {
    attendance: std::collections::HashMap<&'a str, Vec<&'a crate::domain::model::Attendance>>,
    activities: std::collections::HashMap<&'a str, Vec<&'a crate::domain::model::Activity>>,
    suggestions: std::collections::HashMap<
        &'a str,
        Vec<(&'a crate::domain::model::Suggestion, &'static str)>,
    >,
    reports: std::collections::HashMap<&'a str, Vec<&'a crate::domain::model::ReportToVoters>>,
    commendations: std::collections::HashMap<&'a str, Vec<&'a crate::domain::model::Commendation>>,
}

impl<'a> ByDelegate<'a> {
    pub fn new(r: &'a Records) -> ByDelegate<'a> {
        let mut b = ByDelegate::default();
        for a in &r.attendance {
            b.attendance.entry(a.delegate.as_str()).or_default().push(a);
        }
        for a in &r.activities {
            b.activities.entry(a.delegate.as_str()).or_default().push(a);
        }
        for s in &r.suggestions {
            for l in &s.leads {
                b.suggestions
                    .entry(l.as_str())
                    .or_default()
                    .push((s, "领衔"));
            }
            for c in &s.cosigners {
                b.suggestions
                    .entry(c.as_str())
                    .or_default()
                    .push((s, "附议"));
            }
        }
        for x in &r.reports {
            b.reports.entry(x.delegate.as_str()).or_default().push(x);
        }
        for x in &r.commendations {
            b.commendations
                .entry(x.delegate.as_str())
                .or_default()
                .push(x);
        }
        b
    }
}

/// The variables and tables of one delegate's archive document (代表履职档案).
pub fn delegate_archive(
    a: &crate::domain::archive::DelegateArchive,
    by: &ByDelegate,
    period: &crate::domain::archive::Period,
    config: &crate::config::Config,
) -> (
    serde_json::Value,
    std::collections::HashMap<String, crate::render::docx::TableBlock>,
) {
    use crate::domain::model::{ActivityKind, MeetingKind};
    use crate::domain::text::chinese_date;
    let d = &a.delegate;
    let id = d.id.as_str();
    let mut m = serde_json::Map::new();
    for metric in Metric::ALL {
        m.insert(metric.key(), serde_json::Value::from(a.get(metric)));
    }
    let vars = serde_json::json!({
        "district": config.district.name,
        "period": period.label,
        "term": config.term_name(),
        "name": d.name,
        "id": d.id,
        "group": d.group,
        "is_sc": d.roles.standing_committee,
        "committee": d.committee,
        "m": m,
    });
    let mut tables = std::collections::HashMap::new();
    let status = if d.is_serving() {
        "在任".to_string()
    } else {
        format!(
            "{}（{}）",
            d.status,
            d.status_date.map(chinese_date).unwrap_or_default()
        )
    };
    // Basic information: the phone number stays out (private).
    tables.insert(
        "基本信息".to_string(),
        TableBlock::new(
            &["项目", "内容", "项目", "内容"],
            vec![
                vec![
                    "姓名".into(),
                    d.name.clone(),
                    "代表编号".into(),
                    d.id.clone(),
                ],
                vec![
                    "性别".into(),
                    d.gender.clone(),
                    "出生日期".into(),
                    d.birth.map(chinese_date).unwrap_or_default(),
                ],
                vec![
                    "民族".into(),
                    d.ethnicity.clone(),
                    "政治面貌".into(),
                    d.party.clone(),
                ],
                vec![
                    "届别".into(),
                    config.term_name(),
                    "代表小组".into(),
                    d.group.clone(),
                ],
                vec![
                    "选区".into(),
                    d.constituency.clone(),
                    "代表状态".into(),
                    status,
                ],
                vec![
                    "身份".into(),
                    d.roles.label(),
                    "专门委员会".into(),
                    d.committee.clone(),
                ],
                vec![
                    "工作单位及职务".into(),
                    d.work_unit.clone(),
                    "当选日期".into(),
                    d.elected.map(chinese_date).unwrap_or_default(),
                ],
            ],
            &[4, 8, 4, 8],
        ),
    );
    let att = by.attendance.get(id).map(|v| v.as_slice()).unwrap_or(&[]);
    let mut att = att.to_vec();
    att.sort_by_key(|x| x.date);
    let meeting_rows = |k: MeetingKind| -> Vec<Vec<String>> {
        att.iter()
            .filter(|x| x.kind == k && period.contains(x.date))
            .map(|x| {
                vec![
                    chinese_date(x.date),
                    x.meeting.clone(),
                    x.presence.label().to_string(),
                    x.note.clone(),
                ]
            })
            .collect()
    };
    for (name, k) in [
        ("区人代会", MeetingKind::Congress),
        ("学习培训", MeetingKind::Training),
        ("常委会会议", MeetingKind::StandingCommittee),
        ("专委会议", MeetingKind::CommitteeMeeting),
    ] {
        tables.insert(
            name.to_string(),
            TableBlock::new(
                &["日期", "会议名称", "出席情况", "备注"],
                meeting_rows(k),
                &[8, 13, 4, 5],
            ),
        );
    }
    let mut acts = by
        .activities
        .get(id)
        .map(|v| v.to_vec())
        .unwrap_or_default();
    acts.sort_by_key(|x| x.date);
    let act_rows = |kinds: &[ActivityKind]| -> Vec<Vec<String>> {
        acts.iter()
            .filter(|x| kinds.contains(&x.kind) && period.contains(x.date))
            .map(|x| {
                vec![
                    chinese_date(x.date),
                    x.kind.label().to_string(),
                    x.name.clone(),
                    x.unit.clone(),
                ]
            })
            .collect()
    };
    let h = ["日期", "类别", "活动名称", "报送单位"];
    let w = [8, 5, 12, 6];
    tables.insert(
        "闭会期间活动".to_string(),
        TableBlock::new(
            &h,
            act_rows(&[
                ActivityKind::GroupActivity,
                ActivityKind::Inspection,
                ActivityKind::Survey,
                ActivityKind::LawEnforcementCheck,
            ]),
            &w,
        ),
    );
    tables.insert(
        "联系接待选民".to_string(),
        TableBlock::new(&h, act_rows(&[ActivityKind::VoterContact]), &w),
    );
    tables.insert(
        "其他履职".to_string(),
        TableBlock::new(&h, act_rows(&[ActivityKind::Other]), &w),
    );
    let mut sugg = by
        .suggestions
        .get(id)
        .map(|v| v.to_vec())
        .unwrap_or_default();
    sugg.sort_by(|a, b| (a.0.date, &a.0.number).cmp(&(b.0.date, &b.0.number)));
    tables.insert(
        "代表建议".to_string(),
        TableBlock::new(
            &["建议编号", "提出日期", "标题", "角色", "办理结果", "满意度"],
            sugg.iter()
                .filter(|(s, _)| period.contains(s.date))
                .map(|(s, role)| {
                    vec![
                        s.number.clone(),
                        chinese_date(s.date),
                        s.title.clone(),
                        role.to_string(),
                        s.result
                            .map_or("办理中".to_string(), |r| format!("{}类", r.code())),
                        s.satisfaction.map_or("", |x| x.label()).to_string(),
                    ]
                })
                .collect(),
            &[5, 8, 13, 3, 4, 4],
        ),
    );
    let mut reps = by.reports.get(id).map(|v| v.to_vec()).unwrap_or_default();
    reps.sort_by_key(|r| r.date);
    tables.insert(
        "述职评议".to_string(),
        TableBlock::new(
            &[
                "日期",
                "述职形式",
                "选民代表",
                "满意",
                "基本满意",
                "不满意",
                "满意率",
                "不满意率",
            ],
            reps.iter()
                .filter(|r| period.contains(r.date))
                .map(|r| {
                    let v = r.valid_votes();
                    vec![
                        chinese_date(r.date),
                        r.form.label().to_string(),
                        r.voters.to_string(),
                        r.satisfied.to_string(),
                        r.basically.to_string(),
                        r.dissatisfied.to_string(),
                        crate::domain::text::percent(r.satisfied, v),
                        crate::domain::text::percent(r.dissatisfied, v),
                    ]
                })
                .collect(),
            &[8, 5, 4, 3, 4, 3, 4, 4],
        ),
    );
    let coms = by
        .commendations
        .get(id)
        .map(|v| v.as_slice())
        .unwrap_or(&[]);
    tables.insert(
        "通报表彰".to_string(),
        TableBlock::new(
            &["年度", "表彰类别", "文号"],
            coms.iter()
                .filter(|c| (period.start.year()..=period.end.year()).contains(&c.year))
                .map(|c| {
                    vec![
                        format!("{}年度", c.year),
                        c.kind.label().to_string(),
                        c.document.clone(),
                    ]
                })
                .collect(),
            &[4, 8, 10],
        ),
    );
    (vars, tables)
}
