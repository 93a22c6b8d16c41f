//! The yearly report to the standing committee (关于<年度>代表履职工作情况的报告, R2):
//! every figure computed here from the archive and the records, handed to the template
//! as variables and tables. No number is typed into a template.

use super::DocumentView;
use crate::config::Config;
use crate::domain::archive::{Archive, DelegateArchive, Metric};
use crate::domain::model::{
    HandlingResult, MeetingKind, Records, ReportForm, ReportToVoters, Roster, Satisfaction,
    SuggestionPeriod,
};
use crate::domain::rules;
use crate::domain::text::percent;
use crate::render::docx::TableBlock;
use crate::render::template;
use crate::render::xlsx::{Cell, Table};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A count with its share, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub n: u32,
    /// e.g. 91.7%, or — without a denominator.
    pub pct: String,
}

fn part(n: u32, of: u32) -> Part {
    Part {
        n,
        pct: percent(n, of),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Attendance {
    /// Meetings held in the year.
    pub meetings: u32,
    /// 应出席人次
    pub expected: u32,
    pub attended: Part,
    pub leave: Part,
    pub absent: Part,
    /// Expected but no record at all (未报).
    pub unreported: u32,
    /// 列席人次
    pub observers: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suggestions {
    pub total: u32,
    pub session: u32,
    pub recess: u32,
    /// Delegates who led at least one.
    pub lead_delegates: Part,
    /// Co-signatures in all (附议人次).
    pub cosignatures: u32,
    pub result_a: Part,
    pub result_b: Part,
    pub result_c: Part,
    pub result_d: Part,
    pub pending: u32,
    /// Replies the delegates rated.
    pub rated: u32,
    pub satisfied: Part,
    pub basically: Part,
    pub dissatisfied: Part,
    /// 满意及基本满意率 among rated replies.
    pub satisfied_or_basically_pct: String,
    /// Issue #19: 议案 apart, by subject, 重点督办, 按期办复率, 解决率, the A–D legend.
    pub handling: super::handling::Handling,
}

#[derive(Debug, Clone, Serialize)]
pub struct Activities {
    pub total: u32,
    pub active_delegates: Part,
    pub group_activity: u32,
    pub inspection: u32,
    pub survey: u32,
    pub law_check: u32,
    pub voter_contact: u32,
    pub voter_contact_delegates: Part,
    pub other: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupShortfall {
    pub group: String,
    pub delegates: u32,
    pub reported: u32,
    pub required: u32,
    pub still_needed: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportsToVoters {
    /// Delegates who reported (述职人数).
    pub delegates: Part,
    pub in_person: u32,
    pub written: u32,
    pub meetings: u32,
    pub voters: u32,
    /// Meetings below the least number of voter representatives.
    pub meetings_below_min: u32,
    pub votes_satisfied: u32,
    pub votes_basically: u32,
    pub votes_dissatisfied: u32,
    /// 满意率, 满意及基本满意率, 不满意率 over all valid votes.
    pub satisfied_pct: String,
    pub satisfied_or_basically_pct: String,
    pub dissatisfied_pct: String,
    pub groups: u32,
    pub groups_met: u32,
    pub shortfalls: Vec<GroupShortfall>,
    /// Serving delegates who have not reported yet in the term.
    pub not_yet_in_term: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub name: String,
    pub id: String,
    pub group: String,
    /// What the person is listed for.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problems {
    /// Unapproved absence from the congress session this year.
    pub absent_this_year: Vec<Person>,
    /// Two or more unapproved absences in the term so far (qualification ends, R8).
    pub qualification_ends: Vec<Person>,
    /// 不满意率 above the limit in an evaluation this year (R8).
    pub dissatisfied: Vec<Person>,
    /// Fewer recorded activities than the threshold.
    pub low_activity: Vec<Person>,
    /// Serving delegates with no recorded activity at all.
    pub no_activity: u32,
    pub unreported_attendance: u32,
}

/// All variables of the yearly report template.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualReport {
    pub year: i32,
    pub district: String,
    pub congress: String,
    pub standing_committee: String,
    pub term: String,
    pub liaison: String,
    pub date: String,
    /// The day the figures run to (the period's last day), written out: "截至…".
    pub as_of: String,
    /// Given with `--meeting`: the report is delivered at this meeting (full name), so it
    /// carries the meeting subtitle and no 主送 or 落款; None for a written report.
    pub meeting: Option<String>,
    /// Given with `--reporter`: the line under the subtitle, e.g. 代表联络室主任 张三.
    pub reporter: Option<String>,
    pub delegates: u32,
    pub serving_at_end: u32,
    pub left_in_year: Vec<Person>,
    pub elected_in_year: Vec<Person>,
    pub groups: u32,
    pub congress_sessions: Vec<String>,
    pub congress_attendance: Attendance,
    pub sc_members: u32,
    pub sc_attendance: Attendance,
    pub committee_members: u32,
    pub committee_attendance: Attendance,
    pub training_sessions: u32,
    pub training_attended: u32,
    pub training_delegates: Part,
    pub suggestions: Suggestions,
    pub activities: Activities,
    /// 联系群众 at the 家站 (issue #19).
    pub contacts: super::contact::Contacts,
    pub reports: ReportsToVoters,
    pub problems: Problems,
    /// The thresholds used, as printed: 20%, 20, 2, 50%.
    pub report_share: String,
    pub min_voters: u32,
    pub absence_limit: u32,
    pub dissatisfied_limit: String,
    pub low_activity_limit: u32,
    /// The rating scale's grades (满意, 基本满意, 不满意 or the 称职 words), its rates'
    /// names, and R8's finding on it (不满意率超过50% / 评议结论为不称职…) (issue #19).
    pub grades: [String; 3],
    pub rate_labels: [String; 3],
    pub rating_finding: String,
}

fn person(d: &DelegateArchive, detail: String) -> Person {
    Person {
        name: d.delegate.name.clone(),
        id: d.delegate.id.clone(),
        group: d.delegate.group.clone(),
        detail,
    }
}

fn sum(ds: &[&DelegateArchive], m: Metric) -> u32 {
    ds.iter().map(|d| d.get(m)).sum()
}

/// Person-times over `ds` of 应出席, 出席, 请假, 缺席 and 未报 (`m` in that order): the
/// archive's 未报 per delegate, summed, so 应出席 = 出席 + 请假 + 缺席 + 未报 here as in
/// every delegate's row. Observers are added by the caller (列席 is not expected).
fn attendance(ds: &[&DelegateArchive], meetings: u32, m: [Metric; 5]) -> Attendance {
    let expected = sum(ds, m[0]);
    Attendance {
        meetings,
        expected,
        attended: part(sum(ds, m[1]), expected),
        leave: part(sum(ds, m[2]), expected),
        absent: part(sum(ds, m[3]), expected),
        unreported: sum(ds, m[4]),
        observers: 0,
    }
}

/// The standing committee meeting's full name from what the user typed: short forms
/// (人大常委会, 常委会) are written out, the term (第六届) and the district are added when
/// missing; a name without the standing committee in it is taken as given.
/// "第六届人大常委会第三十次会议" → "示范区第六届人民代表大会常务委员会第三十次会议".
pub fn full_meeting_name(given: &str, district: &str, term: &str) -> String {
    const BODY: &str = "人民代表大会常务委员会";
    let mut s = given.trim().to_string();
    if !s.contains(BODY) {
        match ["人大常委会", "人大常务委员会", "常委会"]
            .iter()
            .find(|short| s.contains(**short))
        {
            Some(short) => s = s.replacen(short, BODY, 1),
            None => return s,
        }
    }
    if let Some(i) = s.find(BODY) {
        if !s[..i].ends_with('届') {
            s.insert_str(i, term);
        }
    }
    if !s.contains(district) {
        // "区第六届…" names the district by its level only.
        let level: String = district
            .chars()
            .last()
            .map(String::from)
            .unwrap_or_default();
        let rest = s.strip_prefix(level.as_str()).unwrap_or(&s).to_string();
        s = format!("{district}{rest}");
    }
    s
}

/// The view and its tables.
pub struct AnnualView {
    pub report: AnnualReport,
    pub tables: HashMap<String, TableBlock>,
    /// The tables of `tables` that are also appendix sheets, with typed cells (the
    /// Word tables are their text).
    pub sheets: HashMap<String, Table>,
}

/// Builds the report's figures. `history` holds the term's records up to this year, for
/// the term-wide rules (two unapproved absences, reporting at least once per term).
pub fn build(
    archive: &Archive,
    records: &Records,
    history: &Records,
    roster: &Roster,
    config: &Config,
    date: String,
) -> AnnualView {
    let y = Year::new(archive, records, history, config);
    let groups = roster.groups();
    let (reports, group_rows, reported) = y.reports_to_voters(&groups);
    let report = y.report(groups.len() as u32, reports, date);
    let (tables, sheets) = report_tables(&y, &report, &groups, &group_rows, &reported);
    AnnualView {
        report,
        tables,
        sheets,
    }
}

/// The report's Word tables, and those also printed as typed appendix sheets.
fn report_tables(
    y: &Year,
    report: &AnnualReport,
    groups: &[String],
    group_rows: &[(String, rules::ReportCoverage)],
    reported: &BTreeSet<&str>,
) -> (HashMap<String, TableBlock>, HashMap<String, Table>) {
    let (p, all) = (y.p, &y.all);
    let mut tables = HashMap::from([
        (
            "各代表小组履职情况".to_string(),
            group_table(all, groups, group_rows, reported),
        ),
        ("问题代表".to_string(), problems_table(&report.problems)),
    ]);
    let mut typed = HashMap::from([
        (
            "带头履职情况".to_string(),
            (
                lead_by_example_table(all, reported),
                vec![10, 5, 7, 7, 8, 5],
            ),
        ),
        (
            "述职评议未达标小组".to_string(),
            (shortfall_table(&report.reports.shortfalls), vec![]),
        ),
    ]);
    typed.insert(
        "各家站联系群众情况".to_string(),
        (
            super::contact::station_table(y.records, p, &y.groups),
            super::contact::STATION_WIDTHS.to_vec(),
        ),
    );
    if let Some(t) =
        super::handling::category_table(&report.suggestions.handling, report.suggestions.total)
    {
        typed.insert("代表建议按类别".to_string(), (t, vec![8, 5, 5]));
    }
    let mut sheets = HashMap::new();
    for (key, (sheet, widths)) in typed {
        tables.insert(key.clone(), sheet.to_block(&widths));
        sheets.insert(key, sheet);
    }
    (tables, sheets)
}

/// The year being reported: its archive, records, the term's records so far, the rules.
struct Year<'a> {
    p: &'a crate::domain::archive::Period,
    config: &'a Config,
    all: Vec<&'a DelegateArchive>,
    serving_at_end: Vec<&'a DelegateArchive>,
    /// The groups in roster order (`Archive::groups`).
    groups: Vec<String>,
    records: &'a Records,
    history: &'a Records,
}

/// The three bodies' attendance with their members.
struct BodiesAttendance {
    congress: Attendance,
    sc_members: u32,
    sc: Attendance,
    committee_members: u32,
    committee: Attendance,
}

impl<'a> Year<'a> {
    fn new(
        archive: &'a Archive,
        records: &'a Records,
        history: &'a Records,
        config: &'a Config,
    ) -> Year<'a> {
        let p = &archive.period;
        let all: Vec<&DelegateArchive> = archive.delegates.iter().collect();
        let serving_at_end = all
            .iter()
            .copied()
            .filter(|d| d.delegate.service_end(config.term.end) >= p.end)
            .collect();
        Year {
            p,
            config,
            all,
            serving_at_end,
            groups: archive.groups(),
            records,
            history,
        }
    }

    /// The report's figures and the thresholds they were judged by, for the template.
    fn report(&self, groups: u32, reports: ReportsToVoters, date: String) -> AnnualReport {
        let (p, config, all) = (self.p, self.config, &self.all);
        let t = &config.thresholds;
        let att = self.attendance();
        let unreported = att.congress.unreported + att.sc.unreported + att.committee.unreported;
        let (left_in_year, elected_in_year) = self.changes();
        use Metric::*;
        let n = all.len() as u32;
        AnnualReport {
            year: chrono::Datelike::year(&p.start),
            district: config.district.name.clone(),
            congress: config.district.congress.clone(),
            standing_committee: config.district.standing_committee.clone(),
            term: config.term_name(),
            liaison: config.units.liaison.clone(),
            date,
            as_of: crate::domain::text::chinese_date(p.end),
            meeting: None,
            reporter: None,
            delegates: n,
            serving_at_end: self.serving_at_end.len() as u32,
            left_in_year,
            elected_in_year,
            groups,
            congress_sessions: self.congress_sessions(),
            congress_attendance: att.congress,
            sc_members: att.sc_members,
            sc_attendance: att.sc,
            committee_members: att.committee_members,
            committee_attendance: att.committee,
            training_sessions: self.meetings(MeetingKind::Training),
            training_attended: sum(all, TrainingAttended),
            training_delegates: part(self.count_if(|d| d.get(TrainingAttended) > 0), n),
            suggestions: self.suggestions(),
            activities: self.activities(),
            contacts: super::contact::contacts(self.records, p, n),
            problems: self.problems(unreported),
            reports,
            report_share: crate::domain::text::fraction_percent(t.report_share_per_year),
            min_voters: t.min_voter_representatives,
            absence_limit: t.unapproved_absence_limit,
            dissatisfied_limit: crate::domain::text::fraction_percent(t.dissatisfied_share_limit),
            low_activity_limit: t.low_activity_per_year,
            grades: config.rating.grades().map(String::from),
            rate_labels: config.rating.rate_labels(),
            rating_finding: config.rating.finding(t.dissatisfied_share_limit),
        }
    }

    fn count_if(&self, f: impl Fn(&DelegateArchive) -> bool) -> u32 {
        self.all.iter().filter(|d| f(d)).count() as u32
    }

    /// Meetings of a kind held in the year (a session counts once).
    fn meetings(&self, k: MeetingKind) -> u32 {
        let set: BTreeSet<_> = self
            .records
            .attendance
            .iter()
            .filter(|a| a.kind == k && self.p.contains(a.date))
            .map(crate::input::meeting_key)
            .collect();
        set.len() as u32
    }

    /// The names of the year's 区人代会 sessions, in date order.
    fn congress_sessions(&self) -> Vec<String> {
        let mut sessions: Vec<(chrono::NaiveDate, String)> = self
            .records
            .attendance
            .iter()
            .filter(|a| a.kind == MeetingKind::Congress && self.p.contains(a.date))
            .map(|a| (a.date, a.meeting.clone()))
            .collect();
        sessions.sort();
        sessions.dedup_by(|a, b| a.0 == b.0);
        sessions.into_iter().map(|s| s.1).collect()
    }

    fn attendance(&self) -> BodiesAttendance {
        use Metric::*;
        let all = &self.all;
        let sc_members: Vec<&DelegateArchive> = all
            .iter()
            .copied()
            .filter(|d| d.delegate.roles.standing_committee)
            .collect();
        let committee_members: Vec<&DelegateArchive> = all
            .iter()
            .copied()
            .filter(|d| !d.delegate.committee.is_empty())
            .collect();
        BodiesAttendance {
            congress: attendance(
                all,
                self.meetings(MeetingKind::Congress),
                [
                    CongressExpected,
                    CongressAttended,
                    CongressLeave,
                    CongressAbsent,
                    CongressUnreported,
                ],
            ),
            sc_members: sc_members.len() as u32,
            sc: Attendance {
                observers: sum(all, ScObserver),
                ..attendance(
                    &sc_members,
                    self.meetings(MeetingKind::StandingCommittee),
                    [ScExpected, ScAttended, ScLeave, ScAbsent, ScUnreported],
                )
            },
            committee_members: committee_members.len() as u32,
            committee: Attendance {
                observers: sum(all, CommitteeObserver),
                ..attendance(
                    &committee_members,
                    self.meetings(MeetingKind::CommitteeMeeting),
                    [
                        CommitteeExpected,
                        CommitteeAttended,
                        CommitteeLeave,
                        CommitteeAbsent,
                        CommitteeUnreported,
                    ],
                )
            },
        }
    }

    /// Suggestions of the year: by period, handling result and the delegates' rating.
    fn suggestions(&self) -> Suggestions {
        use Metric::*;
        let (all, p, records) = (&self.all, self.p, self.records);
        let in_year = |d: chrono::NaiveDate| p.contains(d);
        let n = all.len() as u32;
        let count_if = |f: &dyn Fn(&&DelegateArchive) -> bool| self.count_if(|d| f(&d));
        let items: Vec<_> = records
            .suggestions
            .iter()
            .filter(|s| in_year(s.date))
            .collect();
        let handling = super::handling::handling(&items, &self.config.suggestions, self.p.end);
        // A 议案 is not graded or rated with the suggestions (issue #19).
        let sugg: Vec<_> = items
            .iter()
            .copied()
            .filter(|s| s.nature != Some(crate::domain::model::SuggestionNature::Motion))
            .collect();
        let total = items.len() as u32;
        let graded = sugg.len() as u32;
        let by_result =
            |r: HandlingResult| sugg.iter().filter(|s| s.result == Some(r)).count() as u32;
        let by_sat =
            |x: Satisfaction| sugg.iter().filter(|s| s.satisfaction == Some(x)).count() as u32;
        let rated = sugg.iter().filter(|s| s.satisfaction.is_some()).count() as u32;
        Suggestions {
            total,
            session: items
                .iter()
                .filter(|s| s.period == Some(SuggestionPeriod::Session))
                .count() as u32,
            recess: items
                .iter()
                .filter(|s| s.period == Some(SuggestionPeriod::Recess))
                .count() as u32,
            lead_delegates: part(count_if(&|d| d.get(SuggestionsLed) > 0), n),
            cosignatures: sum(all, SuggestionsCosigned),
            result_a: part(by_result(HandlingResult::Solved), graded),
            result_b: part(by_result(HandlingResult::InProgress), graded),
            result_c: part(by_result(HandlingResult::Deferred), graded),
            result_d: part(by_result(HandlingResult::ForReference), graded),
            pending: sugg.iter().filter(|s| s.result.is_none()).count() as u32,
            rated,
            satisfied: part(by_sat(Satisfaction::Satisfied), rated),
            basically: part(by_sat(Satisfaction::Basically), rated),
            dissatisfied: part(by_sat(Satisfaction::Dissatisfied), rated),
            satisfied_or_basically_pct: percent(
                by_sat(Satisfaction::Satisfied) + by_sat(Satisfaction::Basically),
                rated,
            ),
            handling,
        }
    }

    fn activities(&self) -> Activities {
        use Metric::*;
        let all = &self.all;
        let n = all.len() as u32;
        let count_if = |f: &dyn Fn(&&DelegateArchive) -> bool| self.count_if(|d| f(&d));
        Activities {
            total: sum(all, RecessActivities),
            active_delegates: part(count_if(&|d| d.get(RecessActivities) > 0), n),
            group_activity: sum(all, GroupActivities),
            inspection: sum(all, Inspections),
            survey: sum(all, Surveys),
            law_check: sum(all, LawChecks),
            voter_contact: sum(all, VoterContacts),
            voter_contact_delegates: part(count_if(&|d| d.get(VoterContacts) > 0), n),
            other: sum(all, OtherActivities),
        }
    }

    /// 述职评议 (R6): per group against the yearly share, and term coverage to date.
    /// Also gives each group's coverage and who reported this year.
    fn reports_to_voters(
        &self,
        groups: &[String],
    ) -> (
        ReportsToVoters,
        Vec<(String, rules::ReportCoverage)>,
        BTreeSet<&'a str>,
    ) {
        let (t, p, records) = (&self.config.thresholds, self.p, self.records);
        let reps: Vec<&ReportToVoters> = records
            .reports
            .iter()
            .filter(|r| p.contains(r.date))
            .collect();
        let reported: BTreeSet<&str> = reps.iter().map(|r| r.delegate.as_str()).collect();
        let mut group_rows = Vec::new();
        let mut shortfalls = Vec::new();
        for g in groups {
            let members: Vec<&&DelegateArchive> = self
                .serving_at_end
                .iter()
                .filter(|d| &d.delegate.group == g)
                .collect();
            let did = members
                .iter()
                .filter(|d| reported.contains(d.delegate.id.as_str()))
                .count() as u32;
            let c = rules::report_coverage(members.len() as u32, did, t.report_share_per_year);
            if !c.met {
                shortfalls.push(GroupShortfall {
                    group: g.clone(),
                    delegates: c.delegates,
                    reported: did,
                    required: c.required,
                    still_needed: c.still_needed,
                });
            }
            group_rows.push((g.clone(), c));
        }
        let ever = crate::domain::rules::reported_by(self.history, p.end);
        let (vs, vb, vd) = reps.iter().fold((0, 0, 0), |a, r| {
            (a.0 + r.satisfied, a.1 + r.basically, a.2 + r.dissatisfied)
        });
        let valid = vs + vb + vd;
        let form = |f: ReportForm| reps.iter().filter(|r| r.form == f).count() as u32;
        let reports = ReportsToVoters {
            delegates: part(reported.len() as u32, self.all.len() as u32),
            in_person: form(ReportForm::InPerson),
            written: form(ReportForm::Written),
            meetings: reps.len() as u32,
            voters: reps.iter().map(|r| r.voters).sum(),
            meetings_below_min: reps
                .iter()
                .filter(|r| !rules::enough_voters(r.voters, t.min_voter_representatives))
                .count() as u32,
            votes_satisfied: vs,
            votes_basically: vb,
            votes_dissatisfied: vd,
            satisfied_pct: percent(vs, valid),
            satisfied_or_basically_pct: percent(vs + vb, valid),
            dissatisfied_pct: percent(vd, valid),
            groups: groups.len() as u32,
            groups_met: group_rows.iter().filter(|(_, c)| c.met).count() as u32,
            shortfalls,
            not_yet_in_term: self
                .serving_at_end
                .iter()
                .filter(|d| !ever.contains(d.delegate.id.as_str()))
                .count() as u32,
        };
        (reports, group_rows, reported)
    }

    /// Problems (R8 and little activity); `unreported_attendance` is the year's 未报.
    fn problems(&self, unreported_attendance: u32) -> Problems {
        use Metric::*;
        let (t, p, all, serving_at_end) = (
            &self.config.thresholds,
            self.p,
            &self.all,
            &self.serving_at_end,
        );
        let reps: Vec<&ReportToVoters> = self
            .records
            .reports
            .iter()
            .filter(|r| p.contains(r.date))
            .collect();
        let term_absences = rules::term_absences(self.history, p.end);
        Problems {
            absent_this_year: all
                .iter()
                .filter(|d| d.get(CongressAbsent) > 0)
                .map(|d| person(d, format!("未经批准缺席{}次", d.get(CongressAbsent))))
                .collect(),
            qualification_ends: all
                .iter()
                .filter_map(|d| {
                    let dates = term_absences.get(&d.delegate.id)?;
                    rules::qualification_ends(dates.len() as u32, t.unapproved_absence_limit).then(
                        || {
                            // Each absent session by name and days (a session lasts days).
                            let when: Vec<String> = dates
                                .iter()
                                .map(|(a, b, m)| {
                                    format!(
                                        "{m}（{}）",
                                        crate::domain::session::session_dates(*a, *b)
                                    )
                                })
                                .collect();
                            person(
                                d,
                                format!(
                                    "本届累计未经批准缺席区人代会{}次，{}{}",
                                    dates.len(),
                                    crate::domain::text::listed_as(dates.len()),
                                    when.join("、")
                                ),
                            )
                        },
                    )
                })
                .collect(),
            dissatisfied: reps
                .iter()
                .filter(|r| self.config.rating.flags(r, t.dissatisfied_share_limit))
                .filter_map(|r| {
                    let d = all.iter().find(|d| d.delegate.id == r.delegate)?;
                    Some(person(d, self.config.rating.finding_detail(r)))
                })
                .collect(),
            low_activity: serving_at_end
                .iter()
                .filter(|d| rules::low_activity(d.get(RecessActivities), t))
                .map(|d| person(d, format!("全年闭会期间活动{}次", d.get(RecessActivities))))
                .collect(),
            no_activity: serving_at_end
                .iter()
                .filter(|d| d.get(RecessActivities) == 0)
                .count() as u32,
            unreported_attendance,
        }
    }

    /// Delegates who left in the year, and those by-elected in it.
    fn changes(&self) -> (Vec<Person>, Vec<Person>) {
        let in_year = |d: chrono::NaiveDate| self.p.contains(d);
        let day = |d: Option<chrono::NaiveDate>| {
            d.map(crate::domain::text::chinese_date).unwrap_or_default()
        };
        let left = self
            .all
            .iter()
            .filter(|d| !d.delegate.is_serving() && d.delegate.status_date.is_some_and(in_year))
            .map(|d| {
                let what = format!("{}，{}", d.delegate.status, day(d.delegate.status_date));
                person(d, what)
            })
            .collect();
        let elected = self
            .all
            .iter()
            .filter(|d| d.delegate.elected.is_some_and(in_year))
            .map(|d| person(d, format!("{}补选", day(d.delegate.elected))))
            .collect();
        (left, elected)
    }
}

/// 附件: one row per group.
fn group_table(
    all: &[&DelegateArchive],
    groups: &[String],
    coverage: &[(String, rules::ReportCoverage)],
    reported: &BTreeSet<&str>,
) -> TableBlock {
    use Metric::*;
    let mut t = TableBlock {
        headers: [
            "代表小组",
            "代表数",
            "区人代会出席率",
            "学习培训人次",
            "领衔建议",
            "附议建议",
            "闭会期间活动人次",
            "接待选民人次",
            "述职人数",
            "述职比例",
            "达到比例",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: Vec::new(),
        widths: vec![9, 4, 7, 5, 4, 4, 5, 5, 4, 7, 4],
    };
    let row = |name: String, ds: &[&DelegateArchive], met: String| -> Vec<String> {
        let did = ds
            .iter()
            .filter(|d| reported.contains(d.delegate.id.as_str()))
            .count() as u32;
        vec![
            name,
            ds.len().to_string(),
            percent(sum(ds, CongressAttended), sum(ds, CongressExpected)),
            sum(ds, TrainingAttended).to_string(),
            sum(ds, SuggestionsLed).to_string(),
            sum(ds, SuggestionsCosigned).to_string(),
            sum(ds, RecessActivities).to_string(),
            sum(ds, VoterContacts).to_string(),
            did.to_string(),
            percent(did, ds.len() as u32),
            met,
        ]
    };
    for g in groups {
        let ds: Vec<&DelegateArchive> = all
            .iter()
            .copied()
            .filter(|d| &d.delegate.group == g)
            .collect();
        let met =
            coverage
                .iter()
                .find(|(n, _)| n == g)
                .map_or("—", |(_, c)| if c.met { "是" } else { "否" });
        t.rows.push(row(g.clone(), &ds, met.to_string()));
    }
    t.rows.push(row("合计".to_string(), all, String::new()));
    t
}

/// R9: how the leaders, SC members and committee members compare with all delegates;
/// typed cells, so that its appendix sheet holds numbers.
fn lead_by_example_table(all: &[&DelegateArchive], reported: &BTreeSet<&str>) -> Table {
    use Metric::*;
    let mut t = Table::new(
        "带头履职",
        &[
            "类别",
            "人数",
            "区人代会出席率",
            "人均领衔建议",
            "人均闭会期间活动",
            "述职人数",
        ],
    );
    let per = |x: u32, n: usize| {
        if n == 0 {
            Cell::Text("—".into())
        } else {
            Cell::Dec1(f64::from(x) / n as f64)
        }
    };
    type Filter<'f> = &'f dyn Fn(&DelegateArchive) -> bool;
    let groups: [(&str, Filter); 4] = [
        ("全体代表", &|_| true),
        ("党政主要领导干部", &|d| d.delegate.roles.leader),
        ("常委会组成人员", &|d| {
            d.delegate.roles.standing_committee
        }),
        ("专门委员会组成人员", &|d| {
            d.delegate.roles.special_committee
        }),
    ];
    for (label, f) in groups {
        let ds: Vec<&DelegateArchive> = all.iter().copied().filter(|d| f(d)).collect();
        t.rows.push(vec![
            label.into(),
            Cell::Int(ds.len() as i64),
            share(sum(&ds, CongressAttended), sum(&ds, CongressExpected)),
            per(sum(&ds, SuggestionsLed), ds.len()),
            per(sum(&ds, RecessActivities), ds.len()),
            Cell::Int(
                ds.iter()
                    .filter(|d| reported.contains(d.delegate.id.as_str()))
                    .count() as i64,
            ),
        ]);
    }
    t
}

/// A share as a typed cell: a percentage, or "—" with nothing to divide by (as
/// `text::percent` writes it).
fn share(n: u32, of: u32) -> Cell {
    if of == 0 {
        Cell::Text("—".into())
    } else {
        Cell::Pct(f64::from(n) / f64::from(of))
    }
}

fn shortfall_table(s: &[GroupShortfall]) -> Table {
    let mut t = Table::new(
        "述职未达标小组",
        &[
            "代表小组",
            "代表数",
            "已述职",
            "应述职（不少于）",
            "尚需述职",
        ],
    );
    t.rows = s
        .iter()
        .map(|g| {
            vec![
                g.group.clone().into(),
                g.delegates.into(),
                g.reported.into(),
                g.required.into(),
                g.still_needed.into(),
            ]
        })
        .collect();
    t
}

fn problems_table(p: &Problems) -> TableBlock {
    let mut rows = Vec::new();
    for (kind, list) in [
        ("代表资格终止情形", &p.qualification_ends),
        ("述职评议结果不合格", &p.dissatisfied),
        ("本年度未经批准缺席区人代会", &p.absent_this_year),
        ("全年履职活动较少", &p.low_activity),
    ] {
        for x in list {
            rows.push(vec![
                kind.to_string(),
                x.name.clone(),
                x.id.clone(),
                x.group.clone(),
                x.detail.clone(),
            ]);
        }
    }
    TableBlock {
        headers: ["类别", "姓名", "代表编号", "代表小组", "情况"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows,
        widths: vec![9, 6, 5, 6, 14],
    }
}

/// 附表: the report's tables as a workbook, with native charts (attendance by group,
/// activity by category), ready to print on A4.
/// The yearly report to the standing committee with its appendix workbook (附表).
pub fn report(view: &AnnualView, archive: &Archive, groups: &[String]) -> Result<DocumentView> {
    let vars = serde_json::to_value(&view.report).context("准备报告数据时出错")?;
    let year = view.report.year;
    Ok(
        DocumentView::worded(template::ANNUAL_REPORT, vars, view.tables.clone()).with_sheets(
            appendix(view, archive, groups),
            Some(format!("{year}年度代表履职情况附表")),
        ),
    )
}

pub fn appendix(view: &AnnualView, archive: &Archive, groups: &[String]) -> Vec<Table> {
    let y = view.report.year;
    let mut out = vec![
        group_sheet(archive, groups, y),
        activity_kinds_sheet(&view.report.activities, y),
    ];
    // (sheet, table key, printed title after the year): the table keys are what
    // templates name, so they stay; the titles are what the Word report calls them.
    for (sheet, key, title) in [
        ("带头履职", "带头履职情况", "带头履职情况"),
        ("述职未达标小组", "述职评议未达标小组", "述职评议未达标小组"),
        ("需要关注的代表", "问题代表", "需要关注的代表"),
        ("建议分类", "代表建议按类别", "代表建议按类别"),
        ("家站联系群众", "各家站联系群众情况", "各家站联系群众情况"),
    ] {
        let typed = view.sheets.get(key).cloned().map(|t| Table {
            sheet: sheet.to_string(),
            ..t
        });
        if let Some(mut t) =
            typed.or_else(|| view.tables.get(key).map(|tb| Table::from_block(sheet, tb)))
        {
            t.title = Some(format!("{y}年度{title}"));
            out.push(t);
        }
    }
    out
}

/// 附表 各代表小组: one row per group and a 合计 row, with two charts.
fn group_sheet(archive: &Archive, groups: &[String], y: i32) -> Table {
    use Metric::*;
    let all: Vec<&DelegateArchive> = archive.delegates.iter().collect();
    // 应出席 = 出席 + 请假 + 缺席 + 未报; 未报 only when some session went unrecorded.
    let unreported = sum(&all, CongressUnreported) > 0;
    let heads = group_sheet_heads(unreported);
    let col_of = |h: &str| heads.iter().position(|x| *x == h).unwrap_or(0) as u16;
    let (rate_col, acts_col) = (col_of("区人代会出席率"), col_of("闭会期间活动人次"));
    let mut by_group = Table::new("各代表小组", &heads);
    by_group.title = Some(format!("{y}年度各代表小组代表履职情况统计表"));
    let reported: BTreeSet<&str> = {
        let p = &archive.period;
        all.iter()
            .filter(|d| d.get(Reports) > 0 && p.start <= p.end)
            .map(|d| d.delegate.id.as_str())
            .collect()
    };
    for g in groups {
        let ds: Vec<&DelegateArchive> = all
            .iter()
            .copied()
            .filter(|d| &d.delegate.group == g)
            .collect();
        by_group
            .rows
            .push(group_sheet_row(g, &ds, &reported, unreported));
    }
    by_group
        .rows
        .push(group_sheet_row("合计", &all, &reported, unreported));
    super::group_bar_charts(
        &mut by_group,
        groups.len(),
        [
            ("各代表小组区人代会出席率".into(), rate_col, true),
            ("各代表小组闭会期间活动人次".into(), acts_col, false),
        ],
    );
    by_group
}

/// 附表 各代表小组's columns; 区人代会未报 only when some session went unrecorded.
fn group_sheet_heads(unreported: bool) -> Vec<&'static str> {
    let mut heads = vec![
        "代表小组",
        "代表数",
        "区人代会应出席",
        "区人代会出席",
        "区人代会请假",
        "区人代会缺席",
        "区人代会未报",
        "区人代会出席率",
        "领衔建议",
        "附议建议",
        "闭会期间活动人次",
        "联系接待选民人次",
        "述职人数",
        "述职比例",
    ];
    if !unreported {
        heads.retain(|h| *h != "区人代会未报");
    }
    heads
}

/// One row of 附表 各代表小组: a group's delegates (or all of them, for 合计).
fn group_sheet_row(
    name: &str,
    ds: &[&DelegateArchive],
    reported: &BTreeSet<&str>,
    unreported: bool,
) -> Vec<Cell> {
    use Metric::*;
    // Nothing to divide by leaves the cell empty (the module's `share` writes —).
    let share = |a: u32, b: u32| {
        if b == 0 {
            Cell::Empty
        } else {
            Cell::Pct(f64::from(a) / f64::from(b))
        }
    };
    let did = ds
        .iter()
        .filter(|d| reported.contains(d.delegate.id.as_str()))
        .count() as u32;
    let mut row: Vec<Cell> = vec![
        name.into(),
        (ds.len() as u32).into(),
        sum(ds, CongressExpected).into(),
        sum(ds, CongressAttended).into(),
        sum(ds, CongressLeave).into(),
        sum(ds, CongressAbsent).into(),
    ];
    if unreported {
        row.push(sum(ds, CongressUnreported).into());
    }
    row.extend([
        share(sum(ds, CongressAttended), sum(ds, CongressExpected)),
        sum(ds, SuggestionsLed).into(),
        sum(ds, SuggestionsCosigned).into(),
        sum(ds, RecessActivities).into(),
        sum(ds, VoterContacts).into(),
        did.into(),
        share(did, ds.len() as u32),
    ]);
    row
}

fn activity_kinds_sheet(a: &Activities, y: i32) -> Table {
    use crate::render::xlsx::ChartSpec;
    let mut kinds = Table::new("活动分类", &["活动类别", "人次"]);
    kinds.title = Some(format!("{y}年度闭会期间活动分类统计"));
    for (k, v) in [
        ("代表小组活动", a.group_activity),
        ("视察", a.inspection),
        ("调研", a.survey),
        ("执法检查", a.law_check),
        ("联系接待选民", a.voter_contact),
        ("其他", a.other),
    ] {
        kinds.rows.push(vec![k.into(), v.into()]);
    }
    kinds.charts.push(ChartSpec {
        title: "闭会期间活动按类别".into(),
        pie: false,
        category_col: 0,
        value_col: 1,
        rows: (0, 5),
        percent: false,
    });
    kinds
}

#[cfg(test)]
mod tests {
    use super::full_meeting_name;

    #[test]
    fn meeting_names_are_written_out_in_full() {
        let full = |g: &str| full_meeting_name(g, "示范区", "第六届");
        let want = "示范区第六届人民代表大会常务委员会第三十次会议";
        assert_eq!(full("第六届人大常委会第三十次会议"), want);
        assert_eq!(full("常委会第三十次会议"), want);
        assert_eq!(full("区第六届人大常委会第三十次会议"), want);
        assert_eq!(full("示范区人大常委会第三十次会议"), want);
        // Already full: taken as given.
        assert_eq!(full(want), want);
        assert_eq!(
            full("某省示范区第六届人民代表大会常务委员会第三十次会议"),
            "某省示范区第六届人民代表大会常务委员会第三十次会议"
        );
        // Not a standing committee meeting: as given.
        assert_eq!(full(" 主任会议 "), "主任会议");
    }
}
