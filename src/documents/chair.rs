//! The chairperson's-meeting package (R2, R4, R5, R6, R9): the members' reports of the
//! standing committee and of each special committee, the 述职评议 work report, the
//! performance scores and the draft commendation lists. Views only: figures and tables.

use super::DocumentView;
use crate::config::Config;
use crate::documents::annual::AnnualView;
use crate::domain::archive::{Archive, DelegateArchive, Metric, Period};
use crate::domain::decision::{DecisionList, Verdict};
use crate::domain::model::{ActivityKind, MeetingKind, Records, ReportToVoters};
use crate::domain::rules;
use crate::domain::score::{self, Band, ScoreRules};
use crate::domain::text::{chinese_date, percent};
use crate::render::docx::TableBlock;
use crate::render::template;
use crate::render::xlsx::{Cell, Dropdown, Table};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whose members a report covers.
pub enum Body<'a> {
    StandingCommittee,
    Committee(&'a str),
}

/// A members' report: the standing committee's (by 常委会办公室) or one special
/// committee's. Meetings count only the members' own body; inspections and law checks
/// count those the body organised (its own records).
pub fn members_report(
    body: &Body,
    archive: &Archive,
    records: &Records,
    config: &Config,
) -> DocumentView {
    let scope = Scope::of(body, config, &archive.period);
    let members: Vec<&DelegateArchive> = archive
        .delegates
        .iter()
        .filter(|d| scope.is_member(d))
        .collect();
    let meetings: BTreeSet<_> = records
        .attendance
        .iter()
        .filter(|a| scope.own_meeting(a))
        .map(crate::input::meeting_key)
        .collect();
    let own = own_records(&scope, records);
    let none = OwnRecords::default();
    let own_of = |id: &str| own.get(id).unwrap_or(&none);
    let figures: Vec<MemberFigures> = members
        .iter()
        .map(|d| scope.figures(d, own_of(&d.delegate.id)))
        .collect();
    let total = MemberFigures::total(&figures);
    let rule = &config.members;
    let (low_table, low_attendance) = low_attendance(&members, &figures, rule);
    // The body's meetings held, each once, to show the ones a member has no record of.
    let mut held: BTreeMap<_, (chrono::NaiveDate, &str)> = BTreeMap::new();
    for a in records.attendance.iter().filter(|a| scope.own_meeting(a)) {
        held.entry(crate::input::meeting_key(a))
            .or_insert((a.date, a.meeting.as_str()));
    }
    let held: Vec<(chrono::NaiveDate, &str)> = held.into_values().collect();
    let mut tables = detail_tables(&scope, &members, own_of, &held);
    tables.insert(
        "组成人员履职情况".to_string(),
        members_table(&members, &figures, &total),
    );
    tables.insert("出席率偏低的组成人员".to_string(), low_table);
    let absentees = absentees(&members, &figures);
    let p = &archive.period;
    let vars = json!({
        "year": p.label.trim_end_matches("年度"),
        "period": p.label,
        "district": config.district.name,
        "standing_committee": config.district.standing_committee,
        "congress": config.district.congress,
        "body": scope.name,
        "reporter": scope.reporter,
        "members": members.len(),
        "meetings": meetings.len(),
        "expected": total.expected,
        "attended": total.attended,
        "leave": total.leave,
        "absent": total.absent,
        "unreported": total.unreported,
        "rate": percent(total.attended, total.expected),
        "inspections": total.inspections,
        "law_checks": total.law_checks,
        "absentees": absentees,
        "speeches": total.speeches,
        "speakers": figures.iter().filter(|f| f.speeches > 0).count(),
        "low_attendance": low_attendance,
        "min_attendance": rule.share_words(),
    });
    let template = match body {
        Body::StandingCommittee => template::SC_MEMBERS,
        Body::Committee(_) => template::COMMITTEE_MEMBERS,
    };
    DocumentView::worded(template, vars, tables)
}

/// The body's own records by member, gathered in one pass: scanning every record per
/// member made the report quadratic in the size of the congress.
fn own_records<'r>(scope: &Scope, records: &'r Records) -> HashMap<&'r str, OwnRecords<'r>> {
    let mut own: HashMap<&str, OwnRecords> = HashMap::new();
    for a in records.attendance.iter().filter(|a| scope.own_meeting(a)) {
        own.entry(a.delegate.as_str())
            .or_default()
            .attendance
            .push(a);
    }
    for a in records.activities.iter().filter(|a| scope.organised(a)) {
        own.entry(a.delegate.as_str())
            .or_default()
            .activities
            .push(a);
    }
    own
}

/// 每人明细: one table per member, numbered in the members' order.
fn detail_tables<'r>(
    scope: &Scope,
    members: &[&DelegateArchive],
    own_of: impl Fn(&str) -> &'r OwnRecords<'r>,
    held: &[(chrono::NaiveDate, &str)],
) -> HashMap<String, TableBlock> {
    members
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let key = format!(
                "每人明细/{:04}/{}（{}）",
                i + 1,
                d.delegate.name,
                d.delegate.group
            );
            (key, scope.detail(own_of(&d.delegate.id), held, d.served))
        })
        .collect()
}

/// Members with an absence, with their count, for the report's sentence.
fn absentees(members: &[&DelegateArchive], figures: &[MemberFigures]) -> Vec<Value> {
    members
        .iter()
        .zip(figures)
        .filter(|(_, f)| f.absent > 0)
        .map(|(d, f)| json!({"name": d.delegate.name, "absent": f.absent}))
        .collect()
}

/// One member's records that count for the body: its own meetings, what it organised.
#[derive(Default)]
struct OwnRecords<'r> {
    attendance: Vec<&'r crate::domain::model::Attendance>,
    activities: Vec<&'r crate::domain::model::Activity>,
}

/// Members who attended less than the configured share of their body's meetings
/// (rules: 2/3, issue #19): the table and the names with their rates for the sentence.
fn low_attendance(
    members: &[&DelegateArchive],
    figures: &[MemberFigures],
    rule: &crate::config::MembersRules,
) -> (TableBlock, Vec<Value>) {
    let low: Vec<(&&DelegateArchive, &MemberFigures)> = members
        .iter()
        .zip(figures)
        .filter(|(_, f)| rule.below(f.attended, f.expected))
        .collect();
    let table = TableBlock::new(
        &["姓名", "代表小组", "应出席", "出席", "出席率", "审议发言"],
        low.iter()
            .map(|(d, f)| {
                vec![
                    d.delegate.name.clone(),
                    d.delegate.group.clone(),
                    f.expected.to_string(),
                    f.attended.to_string(),
                    percent(f.attended, f.expected),
                    f.speeches.to_string(),
                ]
            })
            .collect(),
        &[6, 7, 4, 4, 5, 4],
    );
    let names = low
        .iter()
        .map(|(d, f)| json!({"name": d.delegate.name, "rate": percent(f.attended, f.expected)}))
        .collect();
    (table, names)
}

/// What one body's report counts: its members, its own meetings, what it organised.
struct Scope<'a> {
    body: &'a Body<'a>,
    name: String,
    reporter: String,
    /// The unit whose records are the body's own (inspections it organised).
    unit: String,
    kind: MeetingKind,
    period: &'a Period,
    /// 应出席, 出席, 请假, 缺席 of this body's meetings.
    metrics: [Metric; 4],
}

fn same(a: &str, b: &str) -> bool {
    crate::domain::text::normalize_name(a) == crate::domain::text::normalize_name(b)
}

impl<'a> Scope<'a> {
    fn of(body: &'a Body<'a>, config: &Config, period: &'a Period) -> Scope<'a> {
        use Metric::*;
        let (name, unit, kind, metrics) = match body {
            Body::StandingCommittee => (
                "常委会".to_string(),
                config.units.office.clone(),
                MeetingKind::StandingCommittee,
                [ScExpected, ScAttended, ScLeave, ScAbsent],
            ),
            Body::Committee(c) => (
                c.to_string(),
                c.to_string(),
                MeetingKind::CommitteeMeeting,
                [
                    CommitteeExpected,
                    CommitteeAttended,
                    CommitteeLeave,
                    CommitteeAbsent,
                ],
            ),
        };
        Scope {
            body,
            name,
            reporter: unit.clone(),
            unit,
            kind,
            period,
            metrics,
        }
    }

    fn is_member(&self, d: &DelegateArchive) -> bool {
        match self.body {
            Body::StandingCommittee => d.delegate.roles.standing_committee,
            Body::Committee(c) => same(&d.delegate.committee, c),
        }
    }

    fn own_meeting(&self, a: &crate::domain::model::Attendance) -> bool {
        a.kind == self.kind
            && self.period.contains(a.date)
            && match self.body {
                Body::StandingCommittee => true,
                Body::Committee(c) => same(&a.committee, c),
            }
    }

    /// An inspection or law check the body itself organised (its own records).
    fn organised(&self, a: &crate::domain::model::Activity) -> bool {
        matches!(
            a.kind,
            ActivityKind::Inspection | ActivityKind::LawEnforcementCheck
        ) && same(&a.unit, &self.unit)
            && self.period.contains(a.date)
    }

    fn figures(&self, d: &DelegateArchive, own: &OwnRecords) -> MemberFigures {
        let organised =
            |k: ActivityKind| own.activities.iter().filter(|a| a.kind == k).count() as u32;
        let [e, a, l, x] = self.metrics.map(|m| d.get(m));
        let speeches = own.attendance.iter().map(|r| r.speeches).sum();
        MemberFigures {
            speeches,
            expected: e,
            attended: a,
            leave: l,
            absent: x,
            // 应出席 = 出席 + 请假 + 缺席 + 未报: meetings expected with no record at all.
            unreported: e.saturating_sub(a + l + x),
            inspections: organised(ActivityKind::Inspection),
            law_checks: organised(ActivityKind::LawEnforcementCheck),
        }
    }

    /// One member's meetings and organised activities, by date.
    /// One member's rows: their meeting records, the meetings held while they served
    /// that nobody reported for them (未报, as the statistics count them), and the
    /// activities the body organised.
    fn detail(
        &self,
        own: &OwnRecords,
        held: &[(chrono::NaiveDate, &str)],
        served: (chrono::NaiveDate, chrono::NaiveDate),
    ) -> TableBlock {
        let recorded: BTreeSet<chrono::NaiveDate> = own.attendance.iter().map(|r| r.date).collect();
        let unreported = held
            .iter()
            .filter(|(date, _)| *date >= served.0 && *date <= served.1)
            .filter(|(date, _)| !recorded.contains(date))
            .map(|(date, name)| {
                let kind = self.kind.label().to_string();
                (*date, kind, name.to_string(), "未报".to_string())
            });
        let mut items: Vec<(chrono::NaiveDate, String, String, String)> = own
            .attendance
            .iter()
            .map(|r| {
                let what = (self.kind.label().to_string(), r.meeting.clone());
                (r.date, what.0, what.1, r.presence.label().to_string())
            })
            .chain(unreported)
            .chain(own.activities.iter().map(|r| {
                let what = (r.kind.label().to_string(), r.name.clone());
                (r.date, what.0, what.1, "参加".to_string())
            }))
            .collect();
        items.sort();
        TableBlock::new(
            &["日期", "类别", "名称", "情况"],
            items
                .into_iter()
                .map(|(dt, k, n, s)| vec![chinese_date(dt), k, n, s])
                .collect(),
            &[8, 5, 13, 4],
        )
    }
}

/// A member's figures in the members' report.
#[derive(Default)]
struct MemberFigures {
    expected: u32,
    attended: u32,
    leave: u32,
    absent: u32,
    unreported: u32,
    inspections: u32,
    law_checks: u32,
    /// 审议发言 at the body's own meetings (issue #19).
    speeches: u32,
}

impl MemberFigures {
    fn total(all: &[MemberFigures]) -> MemberFigures {
        let sum = |f: fn(&MemberFigures) -> u32| all.iter().map(f).sum();
        MemberFigures {
            expected: sum(|f| f.expected),
            attended: sum(|f| f.attended),
            leave: sum(|f| f.leave),
            absent: sum(|f| f.absent),
            unreported: sum(|f| f.unreported),
            inspections: sum(|f| f.inspections),
            law_checks: sum(|f| f.law_checks),
            speeches: sum(|f| f.speeches),
        }
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.expected.to_string(),
            self.attended.to_string(),
            self.leave.to_string(),
            self.absent.to_string(),
            self.unreported.to_string(),
            percent(self.attended, self.expected),
            self.speeches.to_string(),
            self.inspections.to_string(),
            self.law_checks.to_string(),
        ]
    }
}

/// The members' table with its 合计 row; 未报 only when some meeting went unrecorded.
fn members_table(
    members: &[&DelegateArchive],
    figures: &[MemberFigures],
    total: &MemberFigures,
) -> TableBlock {
    let mut rows: Vec<Vec<String>> = members
        .iter()
        .zip(figures)
        .map(|(d, f)| {
            let mut r = vec![d.delegate.name.clone(), d.delegate.group.clone()];
            r.extend(f.cells());
            r
        })
        .collect();
    let mut last = vec!["合计".to_string(), String::new()];
    last.extend(total.cells());
    rows.push(last);
    let mut headers = vec![
        "姓名",
        "代表小组",
        "应出席",
        "出席",
        "请假",
        "缺席",
        "未报",
        "出席率",
        "审议发言",
        "视察",
        "执法检查",
    ];
    let mut widths = vec![6, 7, 4, 4, 4, 4, 4, 5, 4, 4, 5];
    if total.unreported == 0 {
        headers.remove(6);
        widths.remove(6);
        for r in rows.iter_mut() {
            r.remove(6);
        }
    }
    TableBlock::new(&headers, rows, &widths)
}

/// The 述职评议 work report (R6), from the yearly view plus the per-meeting tables.
pub fn reports_to_voters(
    view: &AnnualView,
    archive: &Archive,
    records: &Records,
    history: &Records,
    config: &Config,
) -> DocumentView {
    let p = &archive.period;
    let t = &config.thresholds;
    let by_id: HashMap<&str, &DelegateArchive> = archive
        .delegates
        .iter()
        .map(|d| (d.delegate.id.as_str(), d))
        .collect();
    let name = |id: &str| {
        by_id.get(id).map_or((id.to_string(), String::new()), |d| {
            (d.delegate.name.clone(), d.delegate.group.clone())
        })
    };
    let mut reps: Vec<&ReportToVoters> = records
        .reports
        .iter()
        .filter(|r| p.contains(r.date))
        .collect();
    reps.sort_by(|a, b| (a.date, &a.delegate).cmp(&(b.date, &b.delegate)));
    let few: Vec<Vec<String>> = reps
        .iter()
        .filter(|r| !rules::enough_voters(r.voters, t.min_voter_representatives))
        .map(|r| {
            let (n, g) = name(&r.delegate);
            vec![n, g, chinese_date(r.date), r.voters.to_string()]
        })
        .collect();
    let reported: BTreeSet<&str> = reps.iter().map(|r| r.delegate.as_str()).collect();
    let not_yet = not_yet_reported(archive, history, config);
    let mut vars = serde_json::to_value(&view.report).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut vars {
        m.insert("not_yet".into(), json!(not_yet.len()));
        let left = crate::domain::text::time_left(p.end, config.term.end);
        m.insert("time_left".into(), json!(left));
        rating_vars(m, &reps, &config.rating);
        m.insert(
            "months_left".into(),
            json!(crate::domain::text::whole_months(p.end, config.term.end)),
        );
    }
    let tables = HashMap::from([
        (
            "各小组述职情况".to_string(),
            group_coverage_table(archive, &reported, config),
        ),
        (
            "述职评议结果".to_string(),
            results_table(&reps, &name, &config.rating),
        ),
        (
            "每位代表的评议结果".to_string(),
            per_delegate_table(&reps, &name, &config.rating),
        ),
        (
            "选民代表不足的评议会议".to_string(),
            TableBlock::new(
                &["姓名", "代表小组", "日期", "选民代表人数"],
                few,
                &[6, 7, 8, 5],
            ),
        ),
        (
            "本届尚未述职的代表".to_string(),
            TableBlock::new(&["姓名", "代表编号", "代表小组"], not_yet, &[6, 5, 8]),
        ),
    ]);
    DocumentView::worded(template::REPORTS_TO_VOTERS, vars, tables)
}

/// The 称职 scale's verdict counts and thresholds for the template (issue #19).
fn rating_vars(
    m: &mut serde_json::Map<String, Value>,
    reps: &[&ReportToVoters],
    rating: &crate::config::RatingRules,
) {
    let pct = crate::domain::text::fraction_percent;
    m.insert("verdicts".into(), json!(verdict_counts(reps, rating)));
    m.insert("competent_min".into(), json!(pct(rating.competent_min)));
    m.insert(
        "basically_competent_min".into(),
        json!(pct(rating.basically_competent_min)),
    );
}

/// Each delegate's votes pooled over the period's evaluations (a delegate is rated on
/// their own votes, not the district's pool), with the verdict where the scale has one.
fn per_delegate_table(
    reps: &[&ReportToVoters],
    name: &dyn Fn(&str) -> (String, String),
    rating: &crate::config::RatingRules,
) -> TableBlock {
    let mut by: std::collections::BTreeMap<&str, ReportToVoters> = Default::default();
    for r in reps {
        by.entry(r.delegate.as_str())
            .and_modify(|x| {
                x.satisfied += r.satisfied;
                x.basically += r.basically;
                x.dissatisfied += r.dissatisfied;
                x.voters += r.voters;
            })
            .or_insert_with(|| (*r).clone());
    }
    let pc = crate::domain::text::rate;
    let [a, b, c] = rating.grades();
    let [ra, rb, _] = rating.rate_labels();
    let with_verdict = rating.scale == crate::domain::rating::Scale::Competence;
    let mut headers = vec!["姓名", "代表小组", a, b, c, ra.as_str(), rb.as_str()];
    if with_verdict {
        headers.push("评议结论");
    }
    let mut rows: Vec<(String, String, Vec<String>)> = by
        .values()
        .map(|r| {
            let (n, g) = name(&r.delegate);
            let rt = rules::rates(r.satisfied, r.basically, r.dissatisfied);
            let mut row = vec![
                n.clone(),
                g.clone(),
                r.satisfied.to_string(),
                r.basically.to_string(),
                r.dissatisfied.to_string(),
                pc(rt.map(|x| x.satisfied)),
                pc(rt.map(|x| x.satisfied_or_basically)),
            ];
            if with_verdict {
                row.push(rating.verdict(r).map_or("—", |v| v.label()).to_string());
            }
            (g, n, row)
        })
        .collect();
    rows.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    let mut widths = vec![5, 6, 3, 3, 3, 4, 5];
    if with_verdict {
        widths.push(4);
    }
    TableBlock::new(&headers, rows.into_iter().map(|r| r.2).collect(), &widths)
}

/// How many delegates got each verdict (the 称职 scale only; empty otherwise).
fn verdict_counts(reps: &[&ReportToVoters], rating: &crate::config::RatingRules) -> Vec<Value> {
    use crate::domain::rating::Verdict;
    if rating.scale != crate::domain::rating::Scale::Competence {
        return Vec::new();
    }
    let mut by: std::collections::BTreeMap<&str, (u32, u32, u32)> = Default::default();
    for r in reps {
        let e = by.entry(r.delegate.as_str()).or_default();
        e.0 += r.satisfied;
        e.1 += r.basically;
        e.2 += r.dissatisfied;
    }
    let verdicts: Vec<Option<Verdict>> = by
        .values()
        .map(|(s, b, d)| {
            crate::domain::rating::verdict(
                *s,
                *b,
                *d,
                rating.competent_min,
                rating.basically_competent_min,
            )
        })
        .collect();
    [
        Verdict::Competent,
        Verdict::BasicallyCompetent,
        Verdict::Incompetent,
    ]
    .iter()
    .map(|v| {
        let n = verdicts.iter().filter(|x| **x == Some(*v)).count();
        json!({"label": v.label(), "n": n})
    })
    .collect()
}

/// Each report with its votes and rates (on valid votes).
fn results_table(
    reps: &[&ReportToVoters],
    name: &dyn Fn(&str) -> (String, String),
    rating: &crate::config::RatingRules,
) -> TableBlock {
    let pc = crate::domain::text::rate;
    let rows = reps
        .iter()
        .map(|r| {
            let (n, g) = name(&r.delegate);
            let rt = rules::rates(r.satisfied, r.basically, r.dissatisfied);
            vec![
                n,
                g,
                chinese_date(r.date),
                r.form.label().to_string(),
                r.voters.to_string(),
                r.satisfied.to_string(),
                r.basically.to_string(),
                r.dissatisfied.to_string(),
                pc(rt.map(|x| x.satisfied)),
                pc(rt.map(|x| x.satisfied_or_basically)),
                pc(rt.map(|x| x.dissatisfied)),
            ]
        })
        .collect();
    let [a, b, c] = rating.grades();
    let [ra, rb, rc] = rating.rate_labels();
    TableBlock::new(
        &[
            "姓名",
            "代表小组",
            "日期",
            "形式",
            "选民代表",
            a,
            b,
            c,
            ra.as_str(),
            rb.as_str(),
            rc.as_str(),
        ],
        rows,
        &[5, 5, 7, 5, 3, 3, 3, 3, 4, 5, 4],
    )
}

/// R6 per group: delegates serving at the period's end, how many reported this period.
fn group_coverage_table(
    archive: &Archive,
    reported: &BTreeSet<&str>,
    config: &Config,
) -> TableBlock {
    let p = &archive.period;
    let mut rows = Vec::new();
    for g in archive.groups() {
        let members: Vec<&DelegateArchive> = archive
            .delegates
            .iter()
            .filter(|d| d.delegate.group == g && d.delegate.service_end(config.term.end) >= p.end)
            .collect();
        let did = members
            .iter()
            .filter(|d| reported.contains(d.delegate.id.as_str()))
            .count() as u32;
        let share = config.thresholds.report_share_per_year;
        let c = rules::report_coverage(members.len() as u32, did, share);
        rows.push(vec![
            g,
            c.delegates.to_string(),
            c.required.to_string(),
            did.to_string(),
            percent(did, c.delegates),
            c.still_needed.to_string(),
            if c.met { "是" } else { "否" }.to_string(),
        ]);
    }
    TableBlock::new(
        &[
            "代表小组",
            "代表数",
            "应述职（不少于）",
            "已述职",
            "述职比例",
            "尚需述职",
            "是否达到",
        ],
        rows,
        &[8, 4, 6, 4, 5, 4, 4],
    )
}

/// Delegates serving at the period's end who have not reported at all in the term so far.
fn not_yet_reported(archive: &Archive, history: &Records, config: &Config) -> Vec<Vec<String>> {
    let end = archive.period.end;
    let ever = crate::domain::rules::reported_by(history, end);
    archive
        .delegates
        .iter()
        .filter(|d| {
            d.delegate.service_end(config.term.end) >= end && !ever.contains(d.delegate.id.as_str())
        })
        .map(|d| {
            vec![
                d.delegate.name.clone(),
                d.delegate.id.clone(),
                d.delegate.group.clone(),
            ]
        })
        .collect()
}

/// 履职积分.xlsx: every delegate's score, each item's contribution and the bands.
pub fn score_workbook(a: &Archive, rules: &ScoreRules, origin: &str) -> Vec<Table> {
    let scored = score::score_all(a, rules);
    let items = rules.items();
    let mut headers: Vec<String> = [
        "代表编号",
        "姓名",
        "代表小组",
        "积分",
        "任职月数",
        "折合积分",
        "组内分档",
        "全体分档",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (m, w) in &items {
        headers.push(format!("{}（{}）", m.label(), score::fmt_points(*w)));
    }
    let hs: Vec<&str> = headers.iter().map(|s| s.as_str()).collect();
    let mut t = Table::new("履职积分", &hs);
    t.title = Some(format!("{}履职积分（{}）", a.period.label, rules.label()));
    for (d, (s, g, o)) in a.delegates.iter().zip(&scored) {
        let mut row: Vec<Cell> = vec![
            d.delegate.id.clone().into(),
            d.delegate.name.clone().into(),
            d.delegate.group.clone().into(),
            Cell::Num(s.total),
            // Two decimals: the figure the 折合积分 is computed with (25.52, not 25.5).
            Cell::Num(crate::domain::text::round_half_away(s.months, 2)),
            Cell::Num(crate::domain::text::round_half_away(s.compared, 1)),
            g.label(rules.top_share, rules.bottom_share).into(),
            o.label(rules.top_share, rules.bottom_share).into(),
        ];
        for (_, n, w, pts) in &s.items {
            row.push(Cell::Text(format!(
                "{}×{}={}",
                n,
                score::fmt_points(*w),
                score::fmt_points(*pts)
            )));
        }
        t.rows.push(row);
    }
    t.notes.push(format!(
        "积分规则：{}，来源：{}。每项按“次数×每次分值=得分”列出，积分为各项得分之和。年中补选或离任的代表按任职期间每月平均积分折合全期（折合积分 = 积分 ÷ 任职月数 × 全期月数；任满全期的即为积分），分档比较折合积分。分档按名次：前{}为“{}”，后{}为“{}”，积分相同者同档；分档比排名更能说明差距不大的情况。",
        rules.label(),
        origin,
        crate::domain::text::fraction_percent(rules.top_share),
        Band::Top.label(rules.top_share, rules.bottom_share),
        crate::domain::text::fraction_percent(rules.bottom_share),
        Band::Bottom.label(rules.top_share, rules.bottom_share),
    ));
    let mut r = Table::new("积分规则", &["积分项", "每次分值"]);
    r.title = Some(rules.label());
    for (m, w) in &items {
        r.rows.push(vec![m.label().into(), Cell::Num(*w)]);
    }
    vec![t, r]
}

/// The draft list of outstanding delegates (R4): per group by score, the ineligible
/// left out with their reason, ties and shortfalls stated.
pub fn outstanding_delegates(
    a: &Archive,
    records: &Records,
    rules: &ScoreRules,
    config: &Config,
) -> DocumentView {
    let t = &config.thresholds;
    let p = &a.period;
    let scored = score::score_all(a, rules);
    let above = rated_above_limit(records, p, config);
    let groups = a.groups();
    let (mut list, mut excluded) = outstanding_sheets(&p.label);
    let mut doc_rows = Vec::new();
    let mut notes = Vec::new();
    let mut total = 0;
    for g in &groups {
        let eligible = eligible_in_group(a, g, &scored, &above, &mut excluded);
        let draft = group_draft(a, &eligible, &scored, t);
        if !draft.note.is_empty() {
            notes.push(json!({"group": g, "note": draft.note}));
        }
        for (n, k) in draft.chosen.iter().enumerate() {
            let i = eligible[*k];
            let d = &a.delegates[i];
            total += 1;
            let note = row_note(&draft, n, *k);
            // The Word list marks a tie on its rows; the sentence above the list says
            // the rest once (the workbook keeps the whole note on each row).
            let mark = if note.is_empty() || !draft.tied.contains(k) {
                String::new()
            } else {
                "积分并列".to_string()
            };
            let s = &scored[i].0;
            doc_rows.push(vec![
                g.clone(),
                d.delegate.name.clone(),
                d.delegate.work_unit.clone(),
                score::fmt_points(s.total),
                mark,
            ]);
            list.rows
                .push(outstanding_row(g, n, d, &scored[i], rules, note));
        }
    }
    list.notes.push(outstanding_basis_note(rules, config));
    decision_columns(&mut list, chrono::Datelike::year(&p.start));
    let tables = HashMap::from([(
        "名单".to_string(),
        TableBlock::new(
            &["代表小组", "姓名", "工作单位及职务", "积分", "说明"],
            doc_rows,
            &[6, 5, 12, 3, 9],
        ),
    )]);
    let vars = json!({
        "period": p.label,
        "year": chrono::Datelike::year(&p.start),
        "district": config.district.name,
        "standing_committee": config.district.standing_committee,
        "liaison": config.units.liaison,
        "groups": groups.len(),
        "total": total,
        "min": t.outstanding_per_group_min,
        "max": t.outstanding_per_group_max,
        "rules": rules.label(),
        "notes": notes,
        "excluded": excluded.rows.len(),
        "rating_finding": config.rating.finding(t.dissatisfied_share_limit),
    });
    DocumentView::worded(template::OUTSTANDING_DELEGATES, vars, tables)
        .with_sheets(vec![list, excluded], None)
}

/// Delegates whose 述职评议 in the period has the rating R4 excludes (不满意率 over the
/// limit, or the 不称职 verdict), each with the reason of the first such evaluation (its
/// figure and the threshold).
fn rated_above_limit<'r>(
    records: &'r Records,
    p: &Period,
    config: &Config,
) -> BTreeMap<&'r str, String> {
    let limit = config.thresholds.dissatisfied_share_limit;
    let mut in_period: Vec<&ReportToVoters> = records
        .reports
        .iter()
        .filter(|r| p.contains(r.date))
        .collect();
    in_period.sort_by_key(|r| r.date);
    let mut out = BTreeMap::new();
    for r in in_period {
        if let Some(why) = config.rating.flag_reason(r, limit) {
            out.entry(r.delegate.as_str()).or_insert(why);
        }
    }
    out
}

/// A group's draft from its eligible delegates (indices into the archive) by score.
fn group_draft(
    a: &Archive,
    eligible: &[usize],
    scored: &[(score::Score, Band, Band)],
    t: &crate::config::Thresholds,
) -> score::Draft {
    let pairs: Vec<(f64, String)> = eligible
        .iter()
        .map(|i| (scored[*i].0.compared, a.delegates[*i].delegate.id.clone()))
        .collect();
    score::pick_outstanding(
        &pairs,
        t.outstanding_per_group_min as usize,
        t.outstanding_per_group_max as usize,
    )
}

/// The draft list's workbook sheet (headers and title, no rows yet) and its 未列入原因.
fn outstanding_sheets(period: &str) -> (Table, Table) {
    let head = outstanding_headers();
    let hs: Vec<&str> = head.iter().map(|s| s.as_str()).collect();
    let mut list = Table::new(DecisionList::Delegates.sheet(), &hs);
    list.title = Some(format!("{period}优秀履职代表名单（草案）"));
    let excluded = Table::new(
        "未列入原因",
        &["代表小组", "姓名", "代表编号", "积分", "原因"],
    );
    (list, excluded)
}

/// One recommended delegate's row of the draft list's workbook, `n`-th in the group;
/// the 决定 and 备注 cells left for the clerk.
fn outstanding_row(
    g: &str,
    n: usize,
    d: &DelegateArchive,
    scored: &(score::Score, Band, Band),
    rules: &ScoreRules,
    note: String,
) -> Vec<Cell> {
    let (s, band, _) = scored;
    let mut row: Vec<Cell> = vec![
        g.into(),
        Cell::Int(n as i64 + 1),
        d.delegate.name.clone().into(),
        d.delegate.id.clone().into(),
        Cell::Num(s.total),
        Cell::Num(crate::domain::text::round_half_away(s.compared, 1)),
        band.label(rules.top_share, rules.bottom_share).into(),
    ];
    row.extend(OUTSTANDING_BASIS.iter().map(|m| Cell::from(d.get(*m))));
    row.push(note.into());
    row.extend([Cell::Empty, Cell::Empty]);
    row
}

/// The note under the draft list: the rules it was drawn up by.
fn outstanding_basis_note(rules: &ScoreRules, config: &Config) -> String {
    let t = &config.thresholds;
    format!(
        "本名单为草案，供主任会议讨论。依据：每个代表小组推荐{}—{}名；按{}计算的积分排序（年中补选的代表按任职期间每月平均积分折合全年，见“折合积分”）；积分并列的说明写在并列代表的行上；年内离任、未经批准缺席区人代会或述职评议{}的代表不列入（见“未列入原因”）。",
        t.outstanding_per_group_min,
        t.outstanding_per_group_max,
        rules.label(),
        config.rating.finding(t.dissatisfied_share_limit)
    )
}

/// The figures the outstanding-delegate list shows beside the score.
const OUTSTANDING_BASIS: [Metric; 6] = [
    Metric::CongressAttended,
    Metric::SuggestionsLed,
    Metric::SuggestionsCosigned,
    Metric::RecessActivities,
    Metric::VoterContacts,
    Metric::Reports,
];

fn outstanding_headers() -> Vec<String> {
    let mut head: Vec<String> = [
        "代表小组",
        "序号",
        "姓名",
        "代表编号",
        "积分",
        "折合积分",
        "组内分档",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(OUTSTANDING_BASIS.iter().map(|m| m.label().to_string()));
    head.push("说明".into());
    head.extend(DECISION_HEADERS.iter().map(|h| h.to_string()));
    head
}

/// The columns the clerk fills in after the 主任会议: the draft becomes a decision file.
const DECISION_HEADERS: [&str; 2] = ["决定", "备注"];

/// The 决定 dropdown over a draft list's rows and how to hand the list back
/// (`input::decision` reads it; `lvzhi commend` makes the 公示 and the 通报).
fn decision_columns(list: &mut Table, year: i32) {
    let col = list.headers.len() - DECISION_HEADERS.len();
    list.dropdowns.push((
        col,
        Dropdown::Values(Verdict::CHOICES.iter().map(|s| s.to_string()).collect()),
    ));
    list.input_rows = list.rows.len() as u32;
    list.notes.push(format!(
        "主任会议研究后，在“决定”列为每一行选择列入、不列入或待定（空白即待定），需要说明的写在“备注”列；不要改动其他列。填好后把本文件保存到 input/{year}/决定/ 文件夹（文件名不限），运行 lvzhi commend --year {year} 生成公示和表彰通报。"
    ));
}

/// A group's delegates who may be recommended (R4), by index in the archive; the others
/// go to `excluded` with their reason.
fn eligible_in_group(
    a: &Archive,
    g: &str,
    scored: &[(score::Score, Band, Band)],
    above: &BTreeMap<&str, String>,
    excluded: &mut Table,
) -> Vec<usize> {
    let p = &a.period;
    let mut eligible = Vec::new();
    for (i, d) in a.delegates.iter().enumerate() {
        if d.delegate.group != g {
            continue;
        }
        let left = !d.delegate.is_serving() && d.delegate.status_date.is_some_and(|x| x <= p.end);
        match score::ineligibility(
            d,
            left,
            above.get(d.delegate.id.as_str()).map(String::as_str),
        ) {
            Some(why) => excluded.rows.push(vec![
                g.into(),
                d.delegate.name.clone().into(),
                d.delegate.id.clone().into(),
                Cell::Num(scored[i].0.total),
                why.into(),
            ]),
            None => eligible.push(i),
        }
    }
    eligible
}

/// The note on the `n`-th row of a group's draft (eligible index `k`): a tie note on each
/// tied delegate's row, a shortfall note (about the whole group) on the first row.
fn row_note(draft: &score::Draft, n: usize, k: usize) -> String {
    let on_row = if draft.tied.is_empty() {
        n == 0
    } else {
        draft.tied.contains(&k)
    };
    if on_row {
        draft.note.clone()
    } else {
        String::new()
    }
}

/// Candidates for outstanding suggestions (R5): solved (A) and rated 满意 by the
/// delegates, more co-signers first; then A rated 基本满意.
pub fn outstanding_suggestions(
    a: &Archive,
    records: &Records,
    config: &Config,
    max: usize,
) -> DocumentView {
    let p = &a.period;
    let mut cands = score::outstanding_suggestion_candidates(&records.suggestions, p);
    let pool = cands.len();
    cands.truncate(max);
    let mut list = suggestions_sheet(&p.label);
    let mut rows = Vec::new();
    for (i, s) in cands.iter().enumerate() {
        let leads = delegate_names(a, &s.leads);
        let co = delegate_names(a, &s.cosigners);
        list.rows.push(vec![
            Cell::Int(i as i64 + 1),
            s.number.clone().into(),
            s.title.clone().into(),
            leads.clone().into(),
            co.into(),
            s.handler.clone().into(),
            format!("A {}", config.suggestions.legend.a).into(),
            s.satisfaction.map_or("", |x| x.label()).into(),
            s.date.into(),
            Cell::Empty,
            Cell::Empty,
        ]);
        rows.push(vec![
            s.number.clone(),
            s.title.clone(),
            leads,
            s.handler.clone(),
        ]);
    }
    list.notes.push(format!(
        "本名单为草案。依据：本年度办理结果为A类（{}）且代表评价为满意或基本满意的建议共{pool}件，按代表满意、附议人数多者优先，列出前{max}件，供代表联络室会同承办单位研究。",
        config.suggestions.legend.a
    ));
    list.notes.push(config.suggestions.legend.note());
    decision_columns(&mut list, chrono::Datelike::year(&p.start));
    let mut tables = HashMap::new();
    tables.insert(
        "名单".to_string(),
        TableBlock::new(
            &["建议编号", "标题", "领衔代表", "承办单位"],
            rows,
            &[4, 12, 8, 8],
        ),
    );
    let vars = json!({
        "period": p.label,
        "year": chrono::Datelike::year(&p.start),
        "district": config.district.name,
        "standing_committee": config.district.standing_committee,
        "liaison": config.units.liaison,
        "pool": pool,
        "total": cands.len(),
        "max": max,
        "legend": super::handling::Legend::of(&config.suggestions),
    });
    DocumentView::worded(template::OUTSTANDING_SUGGESTIONS, vars, tables)
        .with_sheets(vec![list], None)
}

/// The draft suggestion list's workbook sheet: headers and title, no rows yet.
fn suggestions_sheet(period: &str) -> Table {
    let mut list = Table::new(
        DecisionList::Suggestions.sheet(),
        &[
            "序号",
            "建议编号",
            "标题",
            "领衔代表",
            "附议代表",
            "承办单位",
            "办理结果",
            "代表满意度",
            "提出日期",
            DECISION_HEADERS[0],
            DECISION_HEADERS[1],
        ],
    );
    list.title = Some(format!("{period}优秀代表建议、批评和意见名单（草案）"));
    list
}

/// Delegates by id as 姓名（代表小组）, joined with 、; an id not in the archive as is.
fn delegate_names(a: &Archive, ids: &[String]) -> String {
    let name = |id: &str| {
        a.delegates
            .iter()
            .find(|d| d.delegate.id == id)
            .map_or(id.to_string(), |d| {
                format!("{}（{}）", d.delegate.name, d.delegate.group)
            })
    };
    ids.iter().map(|x| name(x)).collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked example: scores 9, 8, 7, 7 with three places. The tie at the third place
    /// keeps both 7s; the note "第3名有2人积分并列" sits on rows 3 and 4 (the tied
    /// delegates), not on the first-ranked delegate's row.
    #[test]
    fn tie_note_sits_on_the_tied_rows() {
        let eligible: Vec<(f64, String)> = [(9.0, "D1"), (8.0, "D2"), (7.0, "D3"), (7.0, "D4")]
            .iter()
            .map(|(s, i)| (*s, i.to_string()))
            .collect();
        let draft = score::pick_outstanding(&eligible, 2, 3);
        let notes: Vec<String> = draft
            .chosen
            .iter()
            .enumerate()
            .map(|(n, k)| row_note(&draft, n, *k))
            .collect();
        let tie = "第3名有2人积分并列（7分），均列入，请研究确定";
        assert_eq!(notes, ["", "", tie, tie]);
        // A shortfall speaks of the group: once, on the first row.
        let short = score::pick_outstanding(&eligible[..1], 2, 3);
        assert_eq!(
            row_note(&short, 0, short.chosen[0]),
            "符合条件的代表只有1名，少于2名"
        );
    }
}
