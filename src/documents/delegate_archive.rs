//! 代表履职档案: one delegate's archive for a year or the term (R1): the basic
//! information, then every item with the records behind it.

use super::DocumentView;
use crate::config::Config;
use crate::domain::archive::{DelegateArchive, Metric, Period};
use crate::domain::model::{ActivityKind, Delegate, MeetingKind, Records};
use crate::domain::text::chinese_date;
use crate::render::docx::TableBlock;
use crate::render::template;
use chrono::Datelike;
use std::collections::HashMap;

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
    contacts: std::collections::HashMap<&'a str, Vec<&'a crate::domain::contact::Contact>>,
    /// Whether any 联系群众 sheet came in: without one the figures are missing, not 0.
    contacts_recorded: bool,
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
        b.contacts_recorded = !r.contacts.is_empty();
        for x in &r.contacts {
            for d in &x.delegates {
                b.contacts.entry(d.as_str()).or_default().push(x);
            }
        }
        b
    }
}

/// One delegate's archive document (template 代表履职档案.txt).
pub fn delegate_archive(
    a: &DelegateArchive,
    by: &ByDelegate,
    period: &Period,
    config: &Config,
) -> DocumentView {
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
        "result_legend": config.suggestions.legend.note(),
        "grades": config.rating.grades(),
        "contacts_recorded": by.contacts_recorded,
    });
    let mut tables = HashMap::new();
    tables.insert("基本信息".to_string(), basic_information(d, config));
    tables.extend(meeting_tables(by, id, period));
    tables.extend(activity_tables(by, id, period));
    tables.insert("代表建议".to_string(), suggestion_table(by, id, period));
    tables.insert(
        "述职评议".to_string(),
        report_table(by, id, period, &config.rating),
    );
    tables.insert("通报表彰".to_string(), commendation_table(by, id, period));
    tables.insert("联系群众".to_string(), contact_table(by, id, period));
    DocumentView::worded(template::DELEGATE_ARCHIVE, vars, tables)
}

/// Basic information; the phone number stays out (private).
fn basic_information(d: &Delegate, config: &Config) -> TableBlock {
    let day = |x: Option<chrono::NaiveDate>| x.map(chinese_date).unwrap_or_default();
    let status = if d.is_serving() {
        "在任".to_string()
    } else {
        format!("{}（{}）", d.status, day(d.status_date))
    };
    let pairs = [
        ("姓名", d.name.clone(), "代表编号", d.id.clone()),
        ("性别", d.gender.clone(), "出生日期", day(d.birth)),
        ("民族", d.ethnicity.clone(), "政治面貌", d.party.clone()),
        ("届别", config.term_name(), "代表小组", d.group.clone()),
        ("选区", d.constituency.clone(), "代表状态", status),
        ("身份", d.roles.label(), "专门委员会", d.committee.clone()),
        (
            "工作单位及职务",
            d.work_unit.clone(),
            "当选日期",
            day(d.elected),
        ),
    ];
    // Labels and values side by side: no header row ("项目 内容" would say nothing).
    TableBlock::new(
        &["", "", "", ""],
        pairs
            .into_iter()
            .map(|(a, b, c, e)| vec![a.to_string(), or_dash(b), c.to_string(), or_dash(e)])
            .collect(),
        &[4, 8, 4, 8],
    )
}

/// A blank item of the basic information printed as "—": not recorded, or none (no
/// special role, no committee), rather than a gap that reads as an omission.
fn or_dash(v: String) -> String {
    if v.trim().is_empty() {
        "—".to_string()
    } else {
        v
    }
}

/// One table per kind of meeting: date, name, presence, note.
fn meeting_tables(by: &ByDelegate, id: &str, period: &Period) -> Vec<(String, TableBlock)> {
    let mut att = by.attendance.get(id).cloned().unwrap_or_default();
    att.sort_by_key(|x| x.date);
    [
        ("区人代会", MeetingKind::Congress),
        ("学习培训", MeetingKind::Training),
        ("常委会会议", MeetingKind::StandingCommittee),
        ("专委会议", MeetingKind::CommitteeMeeting),
    ]
    .into_iter()
    .map(|(name, k)| {
        let rows = att
            .iter()
            .filter(|x| x.kind == k && period.contains(x.date))
            .map(|x| {
                vec![
                    chinese_date(x.date),
                    x.meeting.clone(),
                    x.presence.label().to_string(),
                    x.note.clone(),
                ]
            })
            .collect();
        let what = if k == MeetingKind::Training {
            "培训名称"
        } else {
            "会议名称"
        };
        let t = TableBlock::new(&["日期", what, "出席情况", "备注"], rows, &[8, 13, 4, 5]);
        (name.to_string(), t)
    })
    .collect()
}

/// Recess activities, voter contacts and other duties, each a table.
fn activity_tables(by: &ByDelegate, id: &str, period: &Period) -> Vec<(String, TableBlock)> {
    let mut acts = by.activities.get(id).cloned().unwrap_or_default();
    acts.sort_by_key(|x| x.date);
    let groups: [(&str, &[ActivityKind]); 3] = [
        (
            "闭会期间活动",
            &[
                ActivityKind::GroupActivity,
                ActivityKind::Inspection,
                ActivityKind::Survey,
                ActivityKind::LawEnforcementCheck,
            ],
        ),
        ("联系接待选民", &[ActivityKind::VoterContact]),
        ("其他履职", &[ActivityKind::Other]),
    ];
    groups
        .into_iter()
        .map(|(name, kinds)| {
            let rows = acts
                .iter()
                .filter(|x| kinds.contains(&x.kind) && period.contains(x.date))
                .map(|x| {
                    vec![
                        chinese_date(x.date),
                        x.kind.label().to_string(),
                        x.name.clone(),
                        x.unit.clone(),
                    ]
                })
                .collect();
            let t = TableBlock::new(
                &["日期", "类别", "活动名称", "报送单位"],
                rows,
                &[8, 5, 12, 6],
            );
            (name.to_string(), t)
        })
        .collect()
}

fn suggestion_table(by: &ByDelegate, id: &str, period: &Period) -> TableBlock {
    let mut sugg = by.suggestions.get(id).cloned().unwrap_or_default();
    sugg.sort_by(|a, b| (a.0.date, &a.0.number).cmp(&(b.0.date, &b.0.number)));
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
    )
}

/// 述职评议 in the configured scale's words (issue #19).
fn report_table(
    by: &ByDelegate,
    id: &str,
    period: &Period,
    rating: &crate::config::RatingRules,
) -> TableBlock {
    let mut reps = by.reports.get(id).cloned().unwrap_or_default();
    reps.sort_by_key(|r| r.date);
    let [a, b, c] = rating.grades();
    let [ra, _, rc] = rating.rate_labels();
    TableBlock::new(
        &["日期", "述职形式", "选民代表", a, b, c, &ra, &rc],
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
    )
}

fn commendation_table(by: &ByDelegate, id: &str, period: &Period) -> TableBlock {
    let coms = by.commendations.get(id).map(Vec::as_slice).unwrap_or(&[]);
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
    )
}

/// 联系群众 (issue #19): the receptions at a 家站 the delegate took part in.
fn contact_table(by: &ByDelegate, id: &str, period: &Period) -> TableBlock {
    let mut rows: Vec<&crate::domain::contact::Contact> = by
        .contacts
        .get(id)
        .map(|v| {
            v.iter()
                .copied()
                .filter(|c| period.contains(c.date))
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by(|a, b| (a.date, &a.source).cmp(&(b.date, &b.source)));
    TableBlock::new(
        &["日期", "家站/联络站", "接待群众", "意见建议", "办理方式"],
        rows.iter()
            .map(|c| {
                vec![
                    chinese_date(c.date),
                    c.station.clone(),
                    format!("{}人", c.people),
                    format!("{}条", c.opinions),
                    c.handling.map_or("", |h| h.label()).to_string(),
                ]
            })
            .collect(),
        &[8, 10, 4, 4, 6],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ordinary delegate elected at the general election: no special role, no
    /// committee, no election date in the roster. Those items read "—", and recorded
    /// ones are printed as they are.
    #[test]
    fn blank_basic_information_reads_as_a_dash() {
        let config = Config::parse(
            "[district]\nname=\"示范区\"\ncongress=\"示范区人民代表大会\"\nstanding_committee=\"示范区人大常委会\"\n\
             [term]\nnumber=6\nstart=\"2022-01-01\"\nend=\"2026-12-31\"\n",
        )
        .expect("test config");
        let d = Delegate {
            committee: String::new(),
            elected: None,
            ..Delegate::sample("D001")
        };
        let t = basic_information(&d, &config);
        let item = |label: &str| -> String {
            t.rows
                .iter()
                .find_map(|r| {
                    r.chunks(2)
                        .find(|pair| pair[0] == label)
                        .map(|pair| pair[1].clone())
                })
                .expect(label)
        };
        assert_eq!(item("专门委员会"), "—");
        assert_eq!(item("当选日期"), "—");
        assert_eq!(item("代表编号"), "D001");
        assert_eq!(item("届别"), "第六届");
    }
}
