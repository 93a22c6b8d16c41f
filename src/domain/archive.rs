//! Aggregate: accepted records → the per-delegate archive (履职档案) for a year or the
//! term, with polars. Denominators are eligibility-aware: a delegate is expected only at
//! meetings held while serving, and at committee meetings only of their own committee.
//! Nothing here knows about files.

use crate::config::Config;
use crate::domain::model::*;
use crate::domain::text::unit_key;
use crate::input::meeting_key;
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

/// The span an archive covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// 2025年度 or 第六届任期
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn year(y: i32) -> Period {
        Period {
            label: format!("{y}年度"),
            start: NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
            end: NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
        }
    }

    pub fn term(config: &Config) -> Period {
        Period {
            label: format!("{}任期", config.term_name()),
            start: config.term.start,
            end: config.term.end,
        }
    }

    pub fn months(&self) -> f64 {
        crate::domain::rules::months_served(self.start, self.end)
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.start && d <= self.end
    }
}

/// One figure of a delegate's archive; the label is the column name in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    CongressExpected,
    CongressAttended,
    CongressLeave,
    CongressAbsent,
    CongressUnreported,
    TrainingAttended,
    TrainingLeave,
    TrainingAbsent,
    ScExpected,
    ScAttended,
    ScObserver,
    ScLeave,
    ScAbsent,
    ScUnreported,
    CommitteeExpected,
    CommitteeAttended,
    CommitteeObserver,
    CommitteeLeave,
    CommitteeAbsent,
    CommitteeUnreported,
    SuggestionsLed,
    SuggestionsCosigned,
    RecessActivities,
    GroupActivities,
    Inspections,
    Surveys,
    LawChecks,
    VoterContacts,
    /// 联系群众 at a 家站 (issue #19): receptions, people received, opinions collected.
    StationReceptions,
    ContactPeople,
    ContactOpinions,
    OtherActivities,
    Reports,
    ReportsInPerson,
    ReportsWritten,
    VotesSatisfied,
    VotesBasically,
    VotesDissatisfied,
    Commendations,
}

impl Metric {
    pub const ALL: [Metric; 39] = [
        Metric::CongressExpected,
        Metric::CongressAttended,
        Metric::CongressLeave,
        Metric::CongressAbsent,
        Metric::CongressUnreported,
        Metric::TrainingAttended,
        Metric::TrainingLeave,
        Metric::TrainingAbsent,
        Metric::ScExpected,
        Metric::ScAttended,
        Metric::ScObserver,
        Metric::ScLeave,
        Metric::ScAbsent,
        Metric::ScUnreported,
        Metric::CommitteeExpected,
        Metric::CommitteeAttended,
        Metric::CommitteeObserver,
        Metric::CommitteeLeave,
        Metric::CommitteeAbsent,
        Metric::CommitteeUnreported,
        Metric::SuggestionsLed,
        Metric::SuggestionsCosigned,
        Metric::RecessActivities,
        Metric::GroupActivities,
        Metric::Inspections,
        Metric::Surveys,
        Metric::LawChecks,
        Metric::VoterContacts,
        Metric::StationReceptions,
        Metric::ContactPeople,
        Metric::ContactOpinions,
        Metric::OtherActivities,
        Metric::Reports,
        Metric::ReportsInPerson,
        Metric::ReportsWritten,
        Metric::VotesSatisfied,
        Metric::VotesBasically,
        Metric::VotesDissatisfied,
        Metric::Commendations,
    ];

    pub fn label(self) -> &'static str {
        use Metric::*;
        match self {
            CongressExpected => "区人代会应出席",
            CongressAttended => "区人代会出席",
            CongressLeave => "区人代会请假",
            CongressAbsent => "区人代会缺席",
            CongressUnreported => "区人代会未报",
            TrainingAttended => "学习培训参加",
            TrainingLeave => "学习培训请假",
            TrainingAbsent => "学习培训缺席",
            ScExpected => "常委会会议应出席",
            ScAttended => "常委会会议出席",
            ScObserver => "常委会会议列席",
            ScLeave => "常委会会议请假",
            ScAbsent => "常委会会议缺席",
            ScUnreported => "常委会会议未报",
            CommitteeExpected => "专委会议应出席",
            CommitteeAttended => "专委会议出席",
            CommitteeObserver => "专委会议列席",
            CommitteeLeave => "专委会议请假",
            CommitteeAbsent => "专委会议缺席",
            CommitteeUnreported => "专委会议未报",
            SuggestionsLed => "领衔建议",
            SuggestionsCosigned => "附议建议",
            RecessActivities => "闭会期间活动",
            GroupActivities => "代表小组活动",
            Inspections => "视察",
            Surveys => "调研",
            LawChecks => "执法检查",
            VoterContacts => "联系接待选民",
            StationReceptions => "家站接待次数",
            ContactPeople => "接待群众人次",
            ContactOpinions => "收集意见建议条数",
            OtherActivities => "其他活动",
            Reports => "述职次数",
            ReportsInPerson => "当面述职",
            ReportsWritten => "书面述职",
            VotesSatisfied => "满意",
            VotesBasically => "基本满意",
            VotesDissatisfied => "不满意",
            Commendations => "通报表彰",
        }
    }

    /// The figure's name in templates: the variant in snake case (congress_expected …).
    pub fn key(self) -> String {
        let name = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Which of the nine archive items of R1 a figure belongs to (1-based).
    pub fn item(self) -> u8 {
        use Metric::*;
        match self {
            CongressExpected | CongressAttended | CongressLeave | CongressAbsent
            | CongressUnreported => 2,
            TrainingAttended | TrainingLeave | TrainingAbsent => 3,
            SuggestionsLed | SuggestionsCosigned => 4,
            ScExpected | ScAttended | ScObserver | ScLeave | ScAbsent | ScUnreported => 5,
            CommitteeExpected | CommitteeAttended | CommitteeObserver | CommitteeLeave
            | CommitteeAbsent | CommitteeUnreported => 6,
            RecessActivities | GroupActivities | Inspections | Surveys | LawChecks => 7,
            VoterContacts | StationReceptions | ContactPeople | ContactOpinions | Reports
            | ReportsInPerson | ReportsWritten | VotesSatisfied | VotesBasically
            | VotesDissatisfied => 8,
            OtherActivities | Commendations => 9,
        }
    }
}

/// The nine items of R1, as the archive names them.
pub const R1_ITEMS: [&str; 9] = [
    "代表个人基本信息",
    "出席区人民代表大会会议情况",
    "参加代表学习培训情况",
    "提出代表建议、批评和意见情况",
    "出席或列席区人大常委会会议情况",
    "出席或列席专门委员会会议情况",
    "参加闭会期间代表小组和常委会活动情况",
    "联系接待选民、向选民述职并接受评议情况",
    "其他依法履职情况",
];

/// One delegate's archive: the roster entry and every figure.
#[derive(Debug, Clone)]
pub struct DelegateArchive {
    pub delegate: Delegate,
    /// First and last day served within the period: figures count only these days, so a
    /// by-elected or departed delegate is compared per month served.
    pub served: (NaiveDate, NaiveDate),
    values: Vec<u32>,
}

impl DelegateArchive {
    /// A delegate's archive with these figures and zeros elsewhere (unit tests).
    #[cfg(test)]
    pub(crate) fn with_figures(delegate: Delegate, figures: &[(Metric, u32)]) -> DelegateArchive {
        let values = Metric::ALL
            .iter()
            .map(|m| figures.iter().find(|(f, _)| f == m).map_or(0, |(_, v)| *v))
            .collect();
        let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN);
        DelegateArchive {
            delegate,
            served: (day, day),
            values,
        }
    }

    /// Months served within the period (see `rules::months_served`).
    pub fn months_served(&self) -> f64 {
        crate::domain::rules::months_served(self.served.0, self.served.1)
    }

    pub fn get(&self, m: Metric) -> u32 {
        Metric::ALL
            .iter()
            .position(|x| *x == m)
            .and_then(|i| self.values.get(i))
            .copied()
            .unwrap_or(0)
    }
}

/// The archive of every delegate who served in the period, in roster order.
#[derive(Debug, Clone)]
pub struct Archive {
    pub period: Period,
    pub delegates: Vec<DelegateArchive>,
    /// The summary table (one row per delegate) as computed.
    pub summary: DataFrame,
}

impl Archive {
    /// The groups in the order their first delegate appears (the roster's order).
    pub fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for d in &self.delegates {
            if !out.contains(&d.delegate.group) {
                out.push(d.delegate.group.clone());
            }
        }
        out
    }

    /// The delegates' indices with each group's delegates together: groups in the
    /// order of [`Archive::groups`], roster order within a group. A delegate elected in
    /// a by-election comes last in the roster but belongs with the group.
    pub fn by_group(&self) -> Vec<usize> {
        let groups = self.groups();
        let rank = |g: &str| groups.iter().position(|x| x == g).unwrap_or(groups.len());
        let mut order: Vec<usize> = (0..self.delegates.len()).collect();
        order.sort_by_key(|i| rank(&self.delegates[*i].delegate.group));
        order
    }
}

fn days(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// The normalised record tables as data frames (dates as days from CE, for joins).
struct Frames {
    roster: DataFrame,
    attendance: DataFrame,
    activities: DataFrame,
    suggestion_links: DataFrame,
    reports: DataFrame,
    commendations: DataFrame,
    contacts: DataFrame,
}

/// A text column built straight from the records' text (no `String` per value).
fn str_col<S: AsRef<str>>(name: &str, v: impl Iterator<Item = S>) -> Column {
    StringChunked::from_iter_values(name.into(), v).into_column()
}

fn frames(
    roster: &[&Delegate],
    records: &Records,
    period: &Period,
    config: &Config,
) -> PolarsResult<Frames> {
    Ok(Frames {
        roster: roster_frame(roster, config)?,
        attendance: attendance_frame(records, period)?,
        activities: activities_frame(records, period)?,
        suggestion_links: suggestion_links_frame(records, period)?,
        reports: reports_frame(records, period)?,
        commendations: commendations_frame(records, period)?,
        contacts: contacts_frame(records, period)?,
    })
}

/// One row per serving delegate, with the service dates that bound what is expected.
fn roster_frame(roster: &[&Delegate], config: &Config) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new("idx".into(), (0..roster.len() as u32).collect::<Vec<u32>>()),
        str_col("id", roster.iter().map(|d| d.id.as_str())),
        Column::new(
            "is_sc".into(),
            roster
                .iter()
                .map(|d| d.roles.standing_committee)
                .collect::<Vec<bool>>(),
        ),
        str_col("committee", roster.iter().map(|d| unit_key(&d.committee))),
        Column::new(
            "start".into(),
            roster
                .iter()
                .map(|d| days(d.service_start(config.term.start)))
                .collect::<Vec<i32>>(),
        ),
        Column::new(
            "end".into(),
            roster
                .iter()
                .map(|d| days(d.service_end(config.term.end)))
                .collect::<Vec<i32>>(),
        ),
    ])
}

fn attendance_frame(records: &Records, period: &Period) -> PolarsResult<DataFrame> {
    let att: Vec<&Attendance> = records
        .attendance
        .iter()
        .filter(|a| period.contains(a.date))
        .collect();
    DataFrame::new_infer_height(vec![
        str_col("id", att.iter().map(|a| a.delegate.as_str())),
        str_col("kind", att.iter().map(|a| a.kind.label())),
        str_col("presence", att.iter().map(|a| a.presence.label())),
        Column::new(
            "date".into(),
            att.iter().map(|a| days(a.date)).collect::<Vec<i32>>(),
        ),
        str_col("mkey", att.iter().map(|a| meeting_key(a).2)),
    ])
}

fn activities_frame(records: &Records, period: &Period) -> PolarsResult<DataFrame> {
    let act: Vec<&Activity> = records
        .activities
        .iter()
        .filter(|a| period.contains(a.date))
        .collect();
    DataFrame::new_infer_height(vec![
        str_col("id", act.iter().map(|a| a.delegate.as_str())),
        str_col("kind", act.iter().map(|a| a.kind.label())),
    ])
}

/// One row per (suggestion, delegate) link: 领衔 for each lead, 附议 for each co-signer.
fn suggestion_links_frame(records: &Records, period: &Period) -> PolarsResult<DataFrame> {
    let mut ids = Vec::new();
    let mut roles = Vec::new();
    for s in records
        .suggestions
        .iter()
        .filter(|s| period.contains(s.date))
    {
        for l in &s.leads {
            ids.push(l.as_str());
            roles.push("领衔");
        }
        for c in &s.cosigners {
            ids.push(c.as_str());
            roles.push("附议");
        }
    }
    DataFrame::new_infer_height(vec![
        str_col("id", ids.into_iter()),
        str_col("role", roles.into_iter()),
    ])
}

fn reports_frame(records: &Records, period: &Period) -> PolarsResult<DataFrame> {
    let rep: Vec<&ReportToVoters> = records
        .reports
        .iter()
        .filter(|r| period.contains(r.date))
        .collect();
    DataFrame::new_infer_height(vec![
        str_col("id", rep.iter().map(|r| r.delegate.as_str())),
        str_col("form", rep.iter().map(|r| r.form.label())),
        Column::new(
            "s".into(),
            rep.iter().map(|r| r.satisfied).collect::<Vec<u32>>(),
        ),
        Column::new(
            "b".into(),
            rep.iter().map(|r| r.basically).collect::<Vec<u32>>(),
        ),
        Column::new(
            "d".into(),
            rep.iter().map(|r| r.dissatisfied).collect::<Vec<u32>>(),
        ),
    ])
}

/// Commendations count by year: a year-folder 通报表彰 belongs to the year it names.
fn commendations_frame(records: &Records, period: &Period) -> PolarsResult<DataFrame> {
    let com: Vec<&Commendation> = records
        .commendations
        .iter()
        .filter(|c| c.year >= period.start.year() && c.year <= period.end.year())
        .collect();
    DataFrame::new_infer_height(vec![str_col("id", com.iter().map(|c| c.delegate.as_str()))])
}

/// 联系群众: one row per (reception, delegate), so each delegate counts every reception
/// they were at, with its people and opinions.
fn contacts_frame(records: &Records, period: &Period) -> PolarsResult<DataFrame> {
    let mut ids = Vec::new();
    let mut people = Vec::new();
    let mut opinions = Vec::new();
    for c in records.contacts.iter().filter(|c| period.contains(c.date)) {
        for d in &c.delegates {
            ids.push(d.as_str());
            people.push(c.people);
            opinions.push(c.opinions);
        }
    }
    DataFrame::new_infer_height(vec![
        str_col("id", ids.into_iter()),
        Column::new("people".into(), people),
        Column::new("opinions".into(), opinions),
    ])
}

/// Counts rows where every (column, value) pair matches.
fn count_where(conds: &[(&str, &str)], alias: &str) -> Expr {
    let mut e = lit(true);
    for (c, v) in conds {
        e = e.and(col(*c).eq(lit(*v)));
    }
    e.cast(DataType::UInt32).sum().alias(alias)
}

fn presence_counts(kind: MeetingKind, pairs: &[(Presence, Metric)]) -> Vec<Expr> {
    pairs
        .iter()
        .map(|(p, m)| {
            count_where(
                &[("kind", kind.label()), ("presence", p.label())],
                m.label(),
            )
        })
        .collect()
}

/// Builds the archive of every delegate who served at some time in the period.
pub fn build(
    roster: &Roster,
    records: &Records,
    period: &Period,
    config: &Config,
) -> Result<Archive> {
    let serving: Vec<&Delegate> = roster
        .delegates
        .iter()
        .filter(|d| {
            d.service_start(config.term.start) <= period.end
                && d.service_end(config.term.end) >= period.start
        })
        .collect();
    let summary = anyhow::Context::context(
        summarise(&serving, records, period, config),
        "汇总履职档案时出错",
    )?;
    let mut delegates = Vec::with_capacity(serving.len());
    let columns: PolarsResult<Vec<Vec<u32>>> = Metric::ALL
        .iter()
        .map(|m| {
            let s = summary
                .column(m.label())?
                .as_materialized_series()
                .cast(&DataType::UInt32)?;
            Ok(s.u32()?.iter().map(|v| v.unwrap_or(0)).collect())
        })
        .collect();
    let columns = anyhow::Context::context(columns, "读取汇总结果时出错")?;
    for (i, d) in serving.iter().enumerate() {
        delegates.push(DelegateArchive {
            delegate: (*d).clone(),
            served: (
                d.service_start(config.term.start).max(period.start),
                d.service_end(config.term.end).min(period.end),
            ),
            values: columns
                .iter()
                .map(|c| c.get(i).copied().unwrap_or(0))
                .collect(),
        });
    }
    Ok(Archive {
        period: period.clone(),
        delegates,
        summary,
    })
}

/// The summary: one row per serving delegate, one column per [`Metric`], in roster order.
fn summarise(
    serving: &[&Delegate],
    records: &Records,
    period: &Period,
    config: &Config,
) -> PolarsResult<DataFrame> {
    let f = frames(serving, records, period, config)?;
    let att = f.attendance.lazy();
    let parts = [
        expected_meetings(f.roster.clone().lazy(), att.clone()),
        att.group_by([col("id")]).agg(attendance_aggs()),
        f.activities
            .lazy()
            .group_by([col("id")])
            .agg(activity_aggs()),
        f.suggestion_links.lazy().group_by([col("id")]).agg([
            count_where(&[("role", "领衔")], Metric::SuggestionsLed.label()),
            count_where(&[("role", "附议")], Metric::SuggestionsCosigned.label()),
        ]),
        f.reports.lazy().group_by([col("id")]).agg(report_aggs()),
        f.commendations.lazy().group_by([col("id")]).agg([col("id")
            .count()
            .cast(DataType::UInt32)
            .alias(Metric::Commendations.label())]),
        f.contacts.lazy().group_by([col("id")]).agg([
            col("id")
                .count()
                .cast(DataType::UInt32)
                .alias(Metric::StationReceptions.label()),
            col("people").sum().alias(Metric::ContactPeople.label()),
            col("opinions").sum().alias(Metric::ContactOpinions.label()),
        ]),
    ];
    let mut lf = f.roster.lazy();
    for part in parts {
        lf = lf.join(
            part,
            [col("id")],
            [col("id")],
            JoinArgs::new(JoinType::Left),
        );
    }
    with_metric_columns(lf).collect()
}

/// Attendance by meeting kind and presence (出席, 请假, 缺席, 列席 per body).
fn attendance_aggs() -> Vec<Expr> {
    use Metric::*;
    let mut att_aggs = presence_counts(
        MeetingKind::Congress,
        &[
            (Presence::Attended, CongressAttended),
            (Presence::Leave, CongressLeave),
            (Presence::Absent, CongressAbsent),
        ],
    );
    att_aggs.extend(presence_counts(
        MeetingKind::Training,
        &[
            (Presence::Leave, TrainingLeave),
            (Presence::Absent, TrainingAbsent),
        ],
    ));
    att_aggs.push(
        col("kind")
            .eq(lit(MeetingKind::Training.label()))
            .and(
                col("presence")
                    .eq(lit("出席"))
                    .or(col("presence").eq(lit("列席"))),
            )
            .cast(DataType::UInt32)
            .sum()
            .alias(TrainingAttended.label()),
    );
    att_aggs.extend(presence_counts(
        MeetingKind::StandingCommittee,
        &[
            (Presence::Attended, ScAttended),
            (Presence::Observer, ScObserver),
            (Presence::Leave, ScLeave),
            (Presence::Absent, ScAbsent),
        ],
    ));
    att_aggs.extend(presence_counts(
        MeetingKind::CommitteeMeeting,
        &[
            (Presence::Attended, CommitteeAttended),
            (Presence::Observer, CommitteeObserver),
            (Presence::Leave, CommitteeLeave),
            (Presence::Absent, CommitteeAbsent),
        ],
    ));
    att_aggs
}

/// Meetings each delegate was expected at: every meeting held in the period joined to
/// every delegate it was meant for while serving (区人代会 all; 常委会 its members; 专委
/// its committee's members).
fn expected_meetings(roster: LazyFrame, att: LazyFrame) -> LazyFrame {
    use Metric::*;
    let meetings = att
        .filter(col("kind").neq(lit(MeetingKind::Training.label())))
        .select([col("kind"), col("date"), col("mkey")])
        .unique(None, UniqueKeepStrategy::First)
        .with_column(lit(1i32).alias("k"));
    roster
        .with_column(lit(1i32).alias("k"))
        .join(
            meetings,
            [col("k")],
            [col("k")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("date")
                .gt_eq(col("start"))
                .and(col("date").lt_eq(col("end")))
                .and(
                    col("kind")
                        .eq(lit(MeetingKind::Congress.label()))
                        .or(col("kind")
                            .eq(lit(MeetingKind::StandingCommittee.label()))
                            .and(col("is_sc")))
                        .or(col("kind")
                            .eq(lit(MeetingKind::CommitteeMeeting.label()))
                            .and(col("committee").neq(lit("")))
                            .and(col("committee").eq(col("mkey")))),
                ),
        )
        .group_by([col("id")])
        .agg([
            count_where(
                &[("kind", MeetingKind::Congress.label())],
                CongressExpected.label(),
            ),
            count_where(
                &[("kind", MeetingKind::StandingCommittee.label())],
                ScExpected.label(),
            ),
            count_where(
                &[("kind", MeetingKind::CommitteeMeeting.label())],
                CommitteeExpected.label(),
            ),
        ])
}

fn activity_aggs() -> Vec<Expr> {
    use Metric::*;
    let mut act_aggs = vec![col("kind")
        .count()
        .cast(DataType::UInt32)
        .alias(RecessActivities.label())];
    for (k, m) in [
        (ActivityKind::GroupActivity, GroupActivities),
        (ActivityKind::Inspection, Inspections),
        (ActivityKind::Survey, Surveys),
        (ActivityKind::LawEnforcementCheck, LawChecks),
        (ActivityKind::VoterContact, VoterContacts),
        (ActivityKind::Other, OtherActivities),
    ] {
        act_aggs.push(count_where(&[("kind", k.label())], m.label()));
    }
    act_aggs
}

fn report_aggs() -> Vec<Expr> {
    use Metric::*;
    vec![
        col("form")
            .count()
            .cast(DataType::UInt32)
            .alias(Reports.label()),
        count_where(
            &[("form", ReportForm::InPerson.label())],
            ReportsInPerson.label(),
        ),
        count_where(
            &[("form", ReportForm::Written.label())],
            ReportsWritten.label(),
        ),
        col("s").sum().alias(VotesSatisfied.label()),
        col("b").sum().alias(VotesBasically.label()),
        col("d").sum().alias(VotesDissatisfied.label()),
    ]
}

/// Every metric as a whole number (0 where a delegate had no records), 未报 derived as
/// expected minus recorded, and the roster's order restored (group_by and joins do not
/// keep it).
fn with_metric_columns(lf: LazyFrame) -> LazyFrame {
    use Metric::*;
    let metric_cols: Vec<Expr> = Metric::ALL
        .iter()
        .filter(|m| !matches!(m, CongressUnreported | ScUnreported | CommitteeUnreported))
        .map(|m| {
            col(m.label())
                .cast(DataType::UInt32)
                .fill_null(lit(0u32))
                .alias(m.label())
        })
        .collect();
    // 应出席 = 出席 + 请假 + 缺席 + 未报: 未报 is what no record accounts for.
    let unreported = |[e, a, l, x, u]: [Metric; 5]| {
        let recorded = col(a.label()) + col(l.label()) + col(x.label());
        when(col(e.label()).gt(recorded.clone()))
            .then(col(e.label()) - recorded)
            .otherwise(lit(0u32))
            .cast(DataType::UInt32)
            .alias(u.label())
    };
    lf.with_columns(metric_cols)
        .with_columns([
            unreported([
                CongressExpected,
                CongressAttended,
                CongressLeave,
                CongressAbsent,
                CongressUnreported,
            ]),
            unreported([ScExpected, ScAttended, ScLeave, ScAbsent, ScUnreported]),
            unreported([
                CommitteeExpected,
                CommitteeAttended,
                CommitteeLeave,
                CommitteeAbsent,
                CommitteeUnreported,
            ]),
        ])
        // group_by and joins do not keep order: restore the roster's.
        .sort(["idx"], SortMultipleOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::parse(
            "[district]\nname=\"示范区\"\ncongress=\"示范区人民代表大会\"\nstanding_committee=\"示范区人大常委会\"\n\
             [term]\nnumber=6\nstart=\"2022-01-01\"\nend=\"2026-12-31\"\n",
        )
        .expect("test config")
    }

    fn delegate(id: &str, sc: bool, committee: &str, left: Option<NaiveDate>) -> Delegate {
        Delegate {
            roles: Roles {
                standing_committee: sc,
                special_committee: !committee.is_empty(),
                leader: false,
            },
            committee: committee.into(),
            status: if left.is_some() {
                "辞职".into()
            } else {
                String::new()
            },
            status_date: left,
            ..Delegate::sample(id)
        }
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).expect("date")
    }

    /// 赵 joined 乙组 in a by-election and stands last in the roster: listed by group,
    /// he comes after 乙组's first delegate, before 丙组.
    #[test]
    fn by_group_keeps_a_by_elected_delegate_with_the_group() {
        let in_group = |id: &str, g: &str| {
            DelegateArchive::with_figures(
                Delegate {
                    group: g.into(),
                    ..Delegate::sample(id)
                },
                &[],
            )
        };
        let archive = Archive {
            period: Period::year(2025),
            delegates: vec![
                in_group("甲", "甲组"),
                in_group("乙", "乙组"),
                in_group("丙", "丙组"),
                in_group("丁", "甲组"),
                in_group("赵", "乙组"),
            ],
            summary: DataFrame::empty(),
        };
        let ids: Vec<&str> = archive
            .by_group()
            .into_iter()
            .map(|i| archive.delegates[i].delegate.id.as_str())
            .collect();
        assert_eq!(ids, ["甲", "丁", "乙", "赵", "丙"]);
    }

    fn att(
        id: &str,
        kind: MeetingKind,
        date: NaiveDate,
        p: Presence,
        committee: &str,
    ) -> Attendance {
        Attendance {
            date,
            end: date,
            kind,
            meeting: kind.label().into(),
            committee: committee.into(),
            delegate: id.into(),
            presence: p,
            speeches: 0,
            note: String::new(),
            unit: "甲组".into(),
            source: Source {
                file: "f".into(),
                sheet: "出席记录".into(),
                row: 2,
            },
        }
    }

    /// Worked example: two congress sessions, one SC meeting, one committee meeting.
    /// D1 attends the first session and takes leave for the second; D2 resigned in
    /// June so is expected only at the first, and has no record of it (a gap); D3, an SC
    /// member, is absent from the SC meeting; D1 sits in on it (列席, not expected).
    #[test]
    fn eligibility_aware_counts() {
        let roster = Roster::new(vec![
            delegate("D1", false, "法制委员会", None),
            delegate("D2", false, "", Some(d(6, 30))),
            delegate("D3", true, "", None),
        ]);
        let records = Records {
            attendance: vec![
                att("D1", MeetingKind::Congress, d(1, 6), Presence::Attended, ""),
                att("D1", MeetingKind::Congress, d(12, 20), Presence::Leave, ""),
                att("D3", MeetingKind::Congress, d(1, 6), Presence::Attended, ""),
                att("D3", MeetingKind::Congress, d(12, 20), Presence::Absent, ""),
                att(
                    "D3",
                    MeetingKind::StandingCommittee,
                    d(3, 1),
                    Presence::Absent,
                    "",
                ),
                att(
                    "D1",
                    MeetingKind::StandingCommittee,
                    d(3, 1),
                    Presence::Observer,
                    "",
                ),
                att(
                    "D1",
                    MeetingKind::CommitteeMeeting,
                    d(4, 2),
                    Presence::Attended,
                    "法制委员会",
                ),
                // A second SC meeting D3 has no record of: 未报, not absent.
                att(
                    "D1",
                    MeetingKind::StandingCommittee,
                    d(5, 1),
                    Presence::Observer,
                    "",
                ),
            ],
            ..Records::default()
        };
        let a = build(&roster, &records, &Period::year(2025), &cfg()).expect("builds");
        let by = |id: &str| {
            a.delegates
                .iter()
                .find(|x| x.delegate.id == id)
                .expect("present")
        };
        let d1 = by("D1");
        assert_eq!(d1.get(Metric::CongressExpected), 2);
        assert_eq!(d1.get(Metric::CongressAttended), 1);
        assert_eq!(d1.get(Metric::CongressLeave), 1);
        assert_eq!(d1.get(Metric::CongressAbsent), 0);
        assert_eq!(d1.get(Metric::ScExpected), 0);
        assert_eq!(d1.get(Metric::ScObserver), 2);
        assert_eq!(d1.get(Metric::CommitteeExpected), 1);
        assert_eq!(d1.get(Metric::CommitteeAttended), 1);
        let d2 = by("D2");
        assert_eq!(d2.get(Metric::CongressExpected), 1);
        assert_eq!(d2.get(Metric::CongressUnreported), 1);
        let d3 = by("D3");
        // 应出席 2 = 出席 0 + 请假 0 + 缺席 1 + 未报 1.
        assert_eq!(d3.get(Metric::ScExpected), 2);
        assert_eq!(d3.get(Metric::ScAbsent), 1);
        assert_eq!(d3.get(Metric::ScUnreported), 1);
        assert_eq!(d3.get(Metric::CommitteeUnreported), 0);
        assert_eq!(d3.get(Metric::CongressAbsent), 1);
        assert_eq!(
            a.delegates
                .iter()
                .map(|x| x.delegate.id.as_str())
                .collect::<Vec<_>>(),
            ["D1", "D2", "D3"]
        );
    }

    /// End to end over the domain: a district where half the delegates' groups record
    /// day by day (present on one day of three, absent on all, leave then absent) and
    /// half only the opening day, under two spellings of the session name, gives the
    /// same archive as one record per session; only D1, absent at both sessions, loses
    /// the qualification, and D2, absent on two days of the second session but present
    /// on the third, is not absent at all.
    #[test]
    fn day_by_day_and_opening_day_give_the_archive_of_one_record_per_session() {
        use crate::domain::session::{fold, FoldContext};
        use Presence::*;
        let ids = ["D1", "D2", "D3", "D4", "D5", "D6"];
        let roster = Roster::new(ids.iter().map(|i| delegate(i, false, "", None)).collect());
        let sessions = [
            (
                "第六届人民代表大会第四次会议",
                "六届人大四次会议",
                [d(1, 8), d(1, 9), d(1, 10)],
            ),
            (
                "第六届人民代表大会第五次会议",
                "区六届人大五次会议",
                [d(12, 20), d(12, 21), d(12, 22)],
            ),
        ];
        // The truth per delegate and session; None: no record sent.
        let truth: [[Option<Presence>; 2]; 6] = [
            [Some(Absent), Some(Absent)],
            [Some(Attended), Some(Attended)],
            [Some(Leave), Some(Attended)],
            [Some(Absent), Some(Leave)],
            [Some(Attended), Some(Absent)],
            [None, Some(Attended)],
        ];
        // How a day-by-day group records each truth over three days.
        let days = |p: Presence| match p {
            Attended => [Absent, Absent, Attended],
            Absent => [Absent, Absent, Absent],
            Leave => [Leave, Absent, Absent],
            Observer => [Observer; 3],
        };
        let mut once = Vec::new();
        let mut mixed = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            for (s, (name, variant, dates)) in sessions.iter().enumerate() {
                let Some(p) = truth[i][s] else { continue };
                let mut r = att(id, MeetingKind::Congress, dates[0], p, "");
                r.meeting = name.to_string();
                once.push(r.clone());
                if i < 3 {
                    for (k, q) in days(p).into_iter().enumerate() {
                        let mut r = att(id, MeetingKind::Congress, dates[k], q, "");
                        r.meeting = name.to_string();
                        mixed.push(r);
                    }
                } else {
                    r.meeting = variant.to_string();
                    mixed.push(r);
                }
            }
        }
        let ctx = FoldContext {
            district: "示范区",
            term: 6,
            listed: &[],
        };
        let fold_all = |v: Vec<Attendance>| Records {
            attendance: fold(v, ctx).attendance,
            ..Records::default()
        };
        let (once, mixed) = (fold_all(once), fold_all(mixed));
        let build_ = |r: &Records| build(&roster, r, &Period::year(2025), &cfg()).expect("builds");
        let (a, b) = (build_(&once), build_(&mixed));
        for (x, y) in a.delegates.iter().zip(&b.delegates) {
            for m in Metric::ALL {
                assert_eq!(x.get(m), y.get(m), "{} {}", x.delegate.id, m.label());
            }
        }
        let d1 = &b.delegates[0];
        assert_eq!(
            (
                d1.get(Metric::CongressExpected),
                d1.get(Metric::CongressAbsent)
            ),
            (2, 2),
            "sessions, not days"
        );
        assert_eq!(b.delegates[5].get(Metric::CongressUnreported), 1);
        let absences = crate::domain::rules::term_absences(&mixed, d(12, 31));
        let ends: Vec<&str> = absences
            .iter()
            .filter(|(_, v)| crate::domain::rules::qualification_ends(v.len() as u32, 2))
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(ends, ["D1"]);
        assert_eq!(
            absences["D1"][0].1,
            d(1, 10),
            "the absent session's last day"
        );
    }

    #[test]
    fn metric_keys_are_snake_case() {
        assert_eq!(Metric::CongressExpected.key(), "congress_expected");
        assert_eq!(Metric::ScObserver.key(), "sc_observer");
        assert_eq!(Metric::Commendations.key(), "commendations");
    }

    #[test]
    fn a_delegate_who_left_before_the_year_is_not_in_its_archive() {
        let roster = Roster::new(vec![
            delegate("D1", false, "", None),
            delegate("D2", false, "", NaiveDate::from_ymd_opt(2024, 6, 30)),
        ]);
        let a = build(&roster, &Records::default(), &Period::year(2025), &cfg()).expect("builds");
        assert_eq!(a.delegates.len(), 1);
        assert_eq!(a.delegates[0].get(Metric::CongressExpected), 0);
    }
}
