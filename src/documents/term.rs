//! The end-of-term package (R2, R6, R7, R8): the re-nomination suggestion list with its
//! basis, the exit findings, the 述职 coverage over the term and the bound volumes.
//! Rules are pure functions with worked examples; views are tables and variables.

use super::DocumentView;
use crate::config::Config;
use crate::domain::archive::{Archive, DelegateArchive, Metric};
use crate::domain::model::{Records, ReportToVoters};
use crate::domain::rules;
use crate::domain::score::{self, Band, ScoreRules};
use crate::domain::text::{chinese_date, percent};
use crate::render::docx::{Block, Document, TableBlock};
use crate::render::template;
use crate::render::xlsx::{Cell, Table};
use chrono::{Datelike, NaiveDate};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// 建议继续提名 / 不建议继续提名 / 需研究.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Renominate,
    Study,
    DoNotRenominate,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Renominate => "建议继续提名",
            Category::Study => "需研究",
            Category::DoNotRenominate => "不建议继续提名",
        }
    }
}

/// What the re-nomination rule looks at, over the time served in the term.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Left office (status and date), if so.
    pub left: Option<(String, NaiveDate)>,
    pub unapproved_absences: u32,
    /// An evaluation the rating flags (不满意 above the limit, or 不称职): why, with its
    /// figure and the threshold (`RatingRules::flag_reason`).
    pub flagged_evaluation: Option<String>,
    pub reports: u32,
    pub congress_expected: u32,
    pub congress_attended: u32,
    /// The band of the term score per month served (see `score::Score::compared`).
    pub overall_band: Band,
    /// Served part of the term: the band reason says it was compared per month.
    pub partial_term: bool,
    /// 连续两年位于后段 in the yearly bands (issue #19).
    pub consecutive_bottom: bool,
}

/// The configurable criteria of the re-nomination suggestion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Criteria {
    pub absence_limit: u32,
    pub min_attendance: f64,
    pub study_bottom_band: bool,
}

impl Criteria {
    pub fn from(t: &crate::config::Thresholds) -> Criteria {
        Criteria {
            absence_limit: t.unapproved_absence_limit,
            min_attendance: t.renomination_min_congress_attendance,
            study_bottom_band: t.renomination_study_bottom_band,
        }
    }
}

/// R7 with R6 and R8: the suggested category and every reason, in words.
/// Defaults: not re-nominated when the qualification ends (two unapproved absences),
/// after a 不满意 share above the limit, or after leaving office; to be studied when the
/// delegate never reported to voters, was absent without approval once, attended fewer
/// congress sessions than `min_attendance` of those expected, or is in the bottom band.
pub fn renomination(f: &Facts, c: &Criteria) -> (Category, Vec<String>) {
    let (absence_limit, min_attendance) = (c.absence_limit, c.min_attendance);
    let mut no = Vec::new();
    let mut study = Vec::new();
    if let Some((status, date)) = &f.left {
        no.push(format!("已于{}{}", chinese_date(*date), status));
    }
    if rules::qualification_ends(f.unapproved_absences, absence_limit) {
        no.push(format!(
            "本届未经批准{}次不出席区人代会，依法资格终止",
            f.unapproved_absences
        ));
    } else if f.unapproved_absences > 0 {
        study.push(format!(
            "本届未经批准缺席区人代会{}次",
            f.unapproved_absences
        ));
    }
    // Once the delegate is no longer one (left, or ended by law) the study reasons
    // decide nothing: the list gives only why.
    let gone = !no.is_empty();
    if let Some(why) = &f.flagged_evaluation {
        no.push(why.clone());
    }
    if f.reports == 0 {
        study.push("本届未向选民述职".to_string());
    }
    if let Some(rate) = rules::share(f.congress_attended, f.congress_expected) {
        if rate + 1e-9 < min_attendance {
            study.push(format!(
                "区人代会出席率{}，低于{}",
                percent(f.congress_attended, f.congress_expected),
                crate::domain::text::fraction_percent(min_attendance)
            ));
        }
    }
    if c.study_bottom_band && f.consecutive_bottom {
        study.push("年度履职积分连续两年位于全体代表后段".to_string());
    }
    if c.study_bottom_band && f.overall_band == Band::Bottom {
        study.push(if f.partial_term {
            "按任职月数折算的届期履职积分位于全体代表后段".to_string()
        } else {
            "届期履职积分位于全体代表后段".to_string()
        });
    }
    if gone {
        (Category::DoNotRenominate, no)
    } else if !no.is_empty() {
        (
            Category::DoNotRenominate,
            no.into_iter().chain(study).collect(),
        )
    } else if !study.is_empty() {
        (Category::Study, study)
    } else {
        // No reason per row: the list says once that the rest showed nothing against.
        (Category::Renominate, Vec::new())
    }
}

/// The 成文日期 of the re-nomination list (and its decided edition): `--date` when
/// given; otherwise blank to fill in by hand. The list goes to the 党组 before the
/// election, which the data does not date, while the term job's own default (the term's
/// last day) falls after it.
pub fn list_date(given: Option<NaiveDate>) -> String {
    given.map_or_else(
        || "\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日".to_string(),
        chinese_date,
    )
}

/// Builds the re-nomination list dated `list_date` (`list_date()`), the exit findings
/// and the 述职 coverage.
pub fn build(
    archive: &Archive,
    records: &Records,
    rules_: &ScoreRules,
    config: &Config,
    years: &[i32],
    list_date: &str,
) -> Vec<DocumentView> {
    let absences = rules::term_absences(records, NaiveDate::MAX);
    vec![
        renomination_list(archive, records, rules_, config, &absences, years)
            .with_var("date", list_date.into()),
        exit_findings(archive, records, config, &absences),
        report_coverage_over_term(archive, records, config, years),
    ]
}

/// Every delegate's unapproved congress absences in the term (R8), as `rules` gives them.
type Absences = BTreeMap<String, Vec<(NaiveDate, NaiveDate, String)>>;

/// What the re-nomination list needs besides the archive and the absences: who is above
/// the 不满意 limit, each delegate's reports and commendations.
struct TermFacts<'a> {
    /// Each flagged delegate's first flagged evaluation, as a reason.
    above: BTreeMap<&'a str, String>,
    reports_of: HashMap<&'a str, Vec<&'a ReportToVoters>>,
    records: &'a Records,
}

impl<'a> TermFacts<'a> {
    fn new(records: &'a Records, config: &Config) -> TermFacts<'a> {
        let limit = config.thresholds.dissatisfied_share_limit;
        let mut reports_of: HashMap<&str, Vec<&ReportToVoters>> = HashMap::new();
        for r in &records.reports {
            reports_of.entry(r.delegate.as_str()).or_default().push(r);
        }
        let mut flagged: Vec<&ReportToVoters> = records.reports.iter().collect();
        flagged.sort_by_key(|r| r.date);
        let mut above = BTreeMap::new();
        for r in flagged {
            if let Some(why) = config.rating.flag_reason(r, limit) {
                above.entry(r.delegate.as_str()).or_insert(why);
            }
        }
        TermFacts {
            above,
            reports_of,
            records,
        }
    }

    /// A delegate's facts from the records; the bands are the caller's.
    fn of(&self, d: &DelegateArchive, absences: &Absences, config: &Config) -> Facts {
        let dl = &d.delegate;
        Facts {
            left: (!dl.is_serving()).then(|| (dl.status.clone(), dl.service_end(config.term.end))),
            unapproved_absences: absences.get(&dl.id).map_or(0, |v| v.len() as u32),
            flagged_evaluation: self.above.get(dl.id.as_str()).cloned(),
            reports: self
                .reports_of
                .get(dl.id.as_str())
                .map_or(0, |v| v.len() as u32),
            congress_expected: d.get(Metric::CongressExpected),
            congress_attended: d.get(Metric::CongressAttended),
            overall_band: Band::Middle,
            partial_term: false,
            consecutive_bottom: false,
        }
    }

    fn commendations(&self, id: &str) -> String {
        self.records
            .commendations
            .iter()
            .filter(|c| c.delegate == id)
            .map(|c| format!("{}年度{}", c.year, c.kind.label()))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// Each 述职 with its date, form and rates, or 未述职.
    fn reports_text(&self, id: &str) -> String {
        let reps = self
            .reports_of
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if reps.is_empty() {
            return "未述职".to_string();
        }
        reps.iter()
            .map(|r| {
                let rt = rules::rates(r.satisfied, r.basically, r.dissatisfied);
                let pc = crate::domain::text::rate;
                format!(
                    "{}{}，满意率{}、满意及基本满意率{}、不满意率{}",
                    chinese_date(r.date),
                    r.form.label(),
                    pc(rt.map(|x| x.satisfied)),
                    pc(rt.map(|x| x.satisfied_or_basically)),
                    pc(rt.map(|x| x.dissatisfied))
                )
            })
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// The columns of the re-nomination list; 未报 only when some delegate has one
/// (应出席 = 出席 + 请假 + 缺席 + 未报).
fn renomination_headers(unreported: &Unreported, years: &[i32]) -> Vec<String> {
    let mut headers: Vec<String> = [
        "代表小组",
        "姓名",
        "代表编号",
        "代表状态",
        // Issue #19: the structure the nomination looks at.
        "性别",
        "民族",
        "政治面貌",
        "届满时年龄",
        "职业构成",
        "任职期间",
        "区人代会应出席",
        "出席",
        "请假",
        "未经批准缺席",
        "区人代会未报",
        "常委会会议应出席",
        "常委会会议出席",
        "常委会会议请假",
        "常委会会议缺席",
        "常委会会议未报",
        "专委会议应出席",
        "专委会议出席",
        "专委会议请假",
        "专委会议缺席",
        "专委会议未报",
        "领衔建议",
        "附议建议",
        "闭会期间活动",
        "联系接待选民",
        "述职情况",
        "通报表彰",
        "届期积分",
        "折合届期积分",
        "全体分档",
    ]
    .map(String::from)
    .to_vec();
    headers.extend(years.iter().map(|y| format!("{y}年度分档")));
    headers.extend(["建议类别".to_string(), "理由".to_string()]);
    for (shown, h) in [
        (unreported.congress, "区人代会未报"),
        (unreported.sc, "常委会会议未报"),
        (unreported.committee, "专委会议未报"),
    ] {
        if !shown {
            headers.retain(|x| x != h);
        }
    }
    headers
}

/// Which bodies' 未报 columns the list shows: those where some delegate has one.
struct Unreported {
    congress: bool,
    sc: bool,
    committee: bool,
}

impl Unreported {
    fn of(archive: &Archive) -> Unreported {
        let any = |m: Metric| archive.delegates.iter().any(|d| d.get(m) > 0);
        Unreported {
            congress: any(Metric::CongressUnreported),
            sc: any(Metric::ScUnreported),
            committee: any(Metric::CommitteeUnreported),
        }
    }
}

/// The service period as the list writes it, and whether it is the whole term.
fn service_text(dl: &crate::domain::model::Delegate, config: &Config) -> (String, bool) {
    let start = dl.service_start(config.term.start);
    let end = dl.service_end(config.term.end);
    let full = start == config.term.start && end == config.term.end;
    let text = format!(
        "{}至{}{}",
        chinese_date(start),
        chinese_date(end),
        if full {
            ""
        } else {
            "（任职不满届期，按任职期间计）"
        }
    );
    (text, full)
}

/// The re-nomination suggestion list (R7): every delegate with the figures, the category
/// and its reasons, one sheet for all and one per group; the Word edition lists names,
/// categories and reasons.
fn renomination_list(
    archive: &Archive,
    records: &Records,
    rules_: &ScoreRules,
    config: &Config,
    absences: &Absences,
    years: &[i32],
) -> DocumentView {
    let t = &config.thresholds;
    let facts = TermFacts::new(records, config);
    let scored = score::score_all(archive, rules_);
    let unreported = Unreported::of(archive);
    let mut list = renomination_sheet(&unreported, years, config);
    let yearly = yearly_bands(archive, records, rules_, config, years);
    let mut doc_rows = Vec::new();
    let mut counts: BTreeMap<Category, u32> = BTreeMap::new();
    let mut partial = 0;
    let mut suggested: Vec<&crate::domain::model::Delegate> = Vec::new();
    // By group, a by-elected delegate with the group (the roster lists them last). One
    // who left during the term (resigned, recalled, moved, died) is no candidate.
    let mut listed = 0;
    for i in archive.by_group() {
        let (d, (s, _, overall)) = (&archive.delegates[i], &scored[i]);
        let dl = &d.delegate;
        if !dl.is_serving() {
            continue;
        }
        listed += 1;
        let (served, full) = service_text(dl, config);
        if !full {
            partial += 1;
        }
        let f = Facts {
            overall_band: *overall,
            partial_term: s.partial,
            consecutive_bottom: crate::domain::structure::consecutive_bottom(
                &yearly.get(dl.id.as_str()).cloned().unwrap_or_default(),
            ),
            ..facts.of(d, absences, config)
        };
        let (cat, reasons) = renomination(&f, &Criteria::from(t));
        *counts.entry(cat).or_default() += 1;
        let reason = reasons.join("；");
        let mut row = renomination_row(d, &served, &unreported, &facts, config);
        row.extend([
            Cell::Num(s.total),
            Cell::Num(crate::domain::text::round_half_away(s.compared, 1)),
            overall.label(rules_.top_share, rules_.bottom_share).into(),
        ]);
        row.extend(band_cells(yearly.get(dl.id.as_str()), years.len(), rules_));
        row.extend([cat.label().into(), reason.clone().into()]);
        if cat == Category::Renominate {
            suggested.push(dl);
        }
        list.rows.push(row);
        doc_rows.push(vec![
            dl.group.clone(),
            dl.name.clone(),
            cat.label().to_string(),
            reason,
        ]);
    }
    list.notes.push(list_note(rules_, config));
    let (sheets, tables) = renomination_outputs(list, doc_rows, archive, &suggested, config);
    let vars = json!({
        "term": config.term_name(),
        "district": config.district.name,
        "standing_committee": config.district.standing_committee,
        "delegates": listed,
        "departed": archive.delegates.len() - listed,
        "renominate": counts.get(&Category::Renominate).copied().unwrap_or(0),
        "study": counts.get(&Category::Study).copied().unwrap_or(0),
        "do_not": counts.get(&Category::DoNotRenominate).copied().unwrap_or(0),
        "partial": partial,
        "rules": rules_.label(),
    });
    DocumentView::worded(template::RENOMINATION, vars, tables).with_sheets(sheets, None)
}

/// The list's workbook sheet for the whole congress: headers and title, no rows yet.
fn renomination_sheet(unreported: &Unreported, years: &[i32], config: &Config) -> Table {
    let heads = renomination_headers(unreported, years);
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    let mut list = Table::new(
        crate::domain::decision::DecisionList::Renomination.sheet(),
        &heads,
    );
    list.title = Some(format!(
        "{}代表继续提名建议名单（草案）",
        config.term_name()
    ));
    list
}

/// The filled-in list as the workbook (the whole list, one sheet per group, the
/// structure of those suggested) and the Word tables (名单, 代表结构).
fn renomination_outputs(
    mut list: Table,
    doc_rows: Vec<Vec<String>>,
    archive: &Archive,
    suggested: &[&crate::domain::model::Delegate],
    config: &Config,
) -> (Vec<Table>, HashMap<String, TableBlock>) {
    // The groups' sheets have the same columns (so the Word file knows them for the same
    // list); the dropdown and how to hand the decision back are on the whole list.
    decision_columns(&mut list);
    let groups = per_group_sheets(&list, &archive.groups(), config);
    decision_entry(&mut list);
    let mut sheets = vec![list];
    sheets.extend(groups);
    let structure = structure_table(archive, suggested, config);
    let structure_block = structure.to_block(&[8, 5, 5, 6, 5]);
    sheets.push(structure);
    let tables = HashMap::from([
        (
            "名单".to_string(),
            TableBlock::new(
                &["代表小组", "姓名", "建议类别", "理由"],
                doc_rows,
                &[6, 5, 6, 18],
            ),
        ),
        ("代表结构".to_string(), structure_block),
    ]);
    (sheets, tables)
}

/// The list's note: the criteria of each category, as configured.
fn list_note(rules_: &ScoreRules, config: &Config) -> String {
    let t = &config.thresholds;
    format!(
        "本名单为草案，供代表小组、代表联络室和党组研究决定。届期积分按{}计算。建议类别的标准：依法资格终止、述职评议{}或已离任的，不建议继续提名；本届未向选民述职、有未经批准缺席、区人代会出席率低于{}{}的，需研究；其余建议继续提名。任职不满届期的代表按任职期间计算；分档比较的是折合届期积分（任职期间每月平均积分×届期月数，任满届期的即届期积分），补选或中途离任的代表不因任职时间短而列入后段。",
        rules_.label(),
        config.rating.finding(t.dissatisfied_share_limit),
        crate::domain::text::fraction_percent(t.renomination_min_congress_attendance),
        if t.renomination_study_bottom_band {
            format!(
                "、届期积分位于后{}或年度积分连续两年位于后{}",
                crate::domain::text::fraction_percent(rules_.bottom_share),
                crate::domain::text::fraction_percent(rules_.bottom_share)
            )
        } else {
            String::new()
        },
    )
}

/// A delegate's yearly bands as `n` cells, — for a year not served.
fn band_cells(bands: Option<&Vec<Option<Band>>>, n: usize, rules_: &ScoreRules) -> Vec<Cell> {
    (0..n)
        .map(|k| {
            bands
                .and_then(|v| v.get(k).copied().flatten())
                .map_or("—".to_string(), |b| {
                    b.label(rules_.top_share, rules_.bottom_share)
                })
                .into()
        })
        .collect()
}

/// Each delegate's band in each year of the term (None for a year not served), from
/// the yearly archives scored by the same rules (issue #19: the trend).
fn yearly_bands(
    archive: &Archive,
    records: &Records,
    rules_: &ScoreRules,
    config: &Config,
    years: &[i32],
) -> HashMap<String, Vec<Option<Band>>> {
    let roster = crate::domain::model::Roster::new(
        archive
            .delegates
            .iter()
            .map(|d| d.delegate.clone())
            .collect(),
    );
    let mut out: HashMap<String, Vec<Option<Band>>> = archive
        .delegates
        .iter()
        .map(|d| (d.delegate.id.clone(), vec![None; years.len()]))
        .collect();
    for (k, y) in years.iter().enumerate() {
        let period = crate::domain::archive::Period::year(*y);
        // A year that cannot be built leaves its bands unknown, never guessed.
        let Ok(a) = crate::domain::archive::build(&roster, records, &period, config) else {
            continue;
        };
        for (d, (_, _, overall)) in a.delegates.iter().zip(score::score_all(&a, rules_)) {
            if let Some(v) = out.get_mut(&d.delegate.id) {
                v[k] = Some(overall);
            }
        }
    }
    out
}

/// 代表结构: each line's share among those suggested for re-nomination, beside the whole
/// congress (issue #19).
fn structure_table(
    archive: &Archive,
    suggested: &[&crate::domain::model::Delegate],
    config: &Config,
) -> Table {
    // Compared with the delegates in office, the list's own population (one who left
    // is no candidate and not on the list).
    let all: Vec<&crate::domain::model::Delegate> = archive
        .delegates
        .iter()
        .map(|d| &d.delegate)
        .filter(|d| d.is_serving())
        .collect();
    let lines = crate::domain::structure::lines(&config.structure.occupations, config.term.end);
    let (na, ns) = (all.len() as u32, suggested.len() as u32);
    let share = |n: u32, of: u32| {
        if of == 0 {
            Cell::Text("—".into())
        } else {
            Cell::Pct(f64::from(n) / f64::from(of))
        }
    };
    let line = |name: String, a: u32, s: u32| {
        vec![
            Cell::Text(name),
            Cell::Int(i64::from(a)),
            share(a, na),
            Cell::Int(i64::from(s)),
            share(s, ns),
        ]
    };
    let mut t = Table::new(
        "代表结构",
        &["类别", "本届在任代表", "占比", "建议继续提名", "占比"],
    );
    t.rows.push(line("代表人数".into(), na, ns));
    for (name, a, s) in crate::domain::structure::counts(&lines, &all, suggested) {
        t.rows.push(line(name, a, s));
    }
    t
}

/// 决定 (dropdown) and 备注 for the 党组's decision: the list saved into `input/<year>/决定/`
/// is read back by `input::decision`, and `lvzhi term` then writes the decided list.
fn decision_columns(list: &mut Table) {
    list.headers
        .extend(["决定".to_string(), "备注".to_string()]);
    for r in &mut list.rows {
        r.extend([Cell::Empty, Cell::Empty]);
    }
}

/// The 决定 dropdown and the note on handing the list back.
fn decision_entry(list: &mut Table) {
    use crate::domain::decision::Verdict;
    list.dropdowns.push((
        list.headers.len() - 2,
        crate::render::xlsx::Dropdown::Values(
            Verdict::CHOICES.iter().map(|s| s.to_string()).collect(),
        ),
    ));
    list.input_rows = list.rows.len() as u32;
    list.notes.push(
        "研究决定后，在“决定”列为每一行选择列入（建议继续提名）、不列入或待定（空白即待定），需要说明的写在“备注”列；不要改动其他列。填好后把本文件保存到 input/<最后一个年度>/决定/ 文件夹，再运行 lvzhi term，即生成决定后的继续提名建议名单。"
            .to_string(),
    );
}

/// A delegate's figures in the list, up to 通报表彰 (the scores and category follow).
fn renomination_row(
    d: &DelegateArchive,
    served: &str,
    unreported: &Unreported,
    facts: &TermFacts,
    config: &Config,
) -> Vec<Cell> {
    use Metric::*;
    let dl = &d.delegate;
    let mut row: Vec<Cell> = vec![
        dl.group.clone().into(),
        dl.name.clone().into(),
        dl.id.clone().into(),
        dl.status_label().to_string().into(),
        dl.gender.clone().into(),
        dl.ethnicity.clone().into(),
        dl.party.clone().into(),
        dl.birth.map_or(Cell::Empty, |b| {
            Cell::Int(i64::from(crate::domain::structure::age_on(
                b,
                config.term.end,
            )))
        }),
        dl.occupation.clone().into(),
        served.into(),
    ];
    // Per body: 应出席, 出席, 请假, 缺席 and (when shown) 未报, as numbers; "—" for a
    // delegate expected at none of the standing committee's or a committee's meetings.
    for (figures, shown, member) in [
        (
            [
                CongressExpected,
                CongressAttended,
                CongressLeave,
                CongressAbsent,
                CongressUnreported,
            ],
            unreported.congress,
            true,
        ),
        (
            [ScExpected, ScAttended, ScLeave, ScAbsent, ScUnreported],
            unreported.sc,
            d.get(ScExpected) > 0,
        ),
        (
            [
                CommitteeExpected,
                CommitteeAttended,
                CommitteeLeave,
                CommitteeAbsent,
                CommitteeUnreported,
            ],
            unreported.committee,
            d.get(CommitteeExpected) > 0,
        ),
    ] {
        let n = if shown { 5 } else { 4 };
        row.extend(figures[..n].iter().map(|m| {
            if member {
                d.get(*m).into()
            } else {
                Cell::Text("—".into())
            }
        }));
    }
    row.extend([
        d.get(SuggestionsLed).into(),
        d.get(SuggestionsCosigned).into(),
        d.get(RecessActivities).into(),
        d.get(VoterContacts).into(),
        facts.reports_text(&dl.id).into(),
        facts.commendations(&dl.id).into(),
    ]);
    row
}

/// The same list per group: one sheet each, for the groups to work from.
fn per_group_sheets(list: &Table, groups: &[String], config: &Config) -> Vec<Table> {
    // Rows partitioned by group once (not the whole list copied per group).
    let mut by_group: HashMap<&str, Vec<Vec<Cell>>> = HashMap::new();
    for r in &list.rows {
        if let Some(Cell::Text(g)) = r.first() {
            by_group.entry(g.as_str()).or_default().push(r.clone());
        }
    }
    let headers: Vec<&str> = list.headers.iter().map(|h| h.as_str()).collect();
    groups
        .iter()
        .map(|g| {
            let mut per = Table::new(g.chars().take(31).collect::<String>(), &headers);
            per.title = Some(format!(
                "{g}代表小组{}代表继续提名建议名单（草案）",
                config.term_name()
            ));
            per.rows = by_group.remove(g.as_str()).unwrap_or_default();
            per.notes = list.notes.clone();
            per
        })
        .collect()
}

/// The report on qualification (R8): qualifications ended by law, resignations advised,
/// and the term's changes (left, by-elected).
fn exit_findings(
    archive: &Archive,
    records: &Records,
    config: &Config,
    absences: &Absences,
) -> DocumentView {
    let t = &config.thresholds;
    let ends_sheet = ended_by_law(archive, absences, t.unapproved_absence_limit);
    let ends: Vec<Vec<String>> = ends_sheet
        .rows
        .iter()
        .map(|row| row.iter().map(Cell::text).collect())
        .collect();
    let (resign, resign_sheet) = resignations_advised(archive, records, config);
    let status = changes(archive);
    let seats = seats_at_term_end(archive, records, config);
    let vars = json!({
        "term": config.term_name(),
        "district": config.district.name,
        "standing_committee": config.district.standing_committee,
        "ends": ends.len(),
        "resign": resign.len(),
        "changes": status.len(),
        "as_of": crate::domain::text::chinese_date(config.term.end),
        "seats": seats.seats,
        "serving": seats.serving,
        "vacancies": seats.vacancies,
        "absence_limit": t.unapproved_absence_limit,
        "dissatisfied_limit": crate::domain::text::fraction_percent(t.dissatisfied_share_limit),
        "rating_finding": config.rating.finding(t.dissatisfied_share_limit),
    });
    let blocks = [
        (
            "资格终止",
            TableBlock::new(
                &["姓名", "代表小组", "未经批准缺席次数", "会议及日期"],
                ends,
                &[5, 6, 5, 18],
            ),
        ),
        (
            "建议辞职",
            TableBlock::new(
                &["姓名", "代表小组", "评议日期", "评议结果"],
                resign,
                &[5, 6, 7, 11],
            ),
        ),
        (
            "代表变动",
            TableBlock::new(
                &["姓名", "代表小组", "变动情况", "日期"],
                status,
                &[6, 7, 6, 8],
            ),
        ),
    ];
    // 代表变动 is all text (its dates as written in the report).
    let sheets = vec![
        ends_sheet,
        resign_sheet,
        Table::from_block(blocks[2].0, &blocks[2].1),
    ];
    let tables = blocks
        .into_iter()
        .map(|(name, b)| (name.to_string(), b))
        .collect();
    DocumentView::worded(template::EXIT_FINDINGS, vars, tables).with_sheets(sheets, None)
}

/// The seats at the end of the term, as the 公告 counts them: a qualification ended by
/// law (part 一) and not yet on the roster is no longer a serving delegate.
fn seats_at_term_end(
    archive: &Archive,
    records: &Records,
    config: &Config,
) -> crate::domain::qualification::Seats {
    let delegates = || archive.delegates.iter().map(|d| &d.delegate);
    let ended = crate::domain::qualification::changes(
        delegates(),
        records,
        NaiveDate::MIN,
        NaiveDate::MAX,
        config.thresholds.unapproved_absence_limit,
    );
    crate::domain::qualification::seats(
        delegates(),
        config.district.seats,
        config.term.start,
        config.term.end,
        config.term.end,
        &crate::domain::qualification::unrecorded(&ended),
    )
}

/// 资格终止 as a sheet: delegates whose unapproved absences end their qualification by
/// law, with the meetings missed and their dates.
fn ended_by_law(archive: &Archive, absences: &Absences, limit: u32) -> Table {
    let mut ends_sheet = Table::new(
        "资格终止",
        &["姓名", "代表小组", "未经批准缺席次数", "会议及日期"],
    );
    for (id, list) in absences {
        let Some(d) = archive.delegates.iter().find(|d| &d.delegate.id == id) else {
            continue;
        };
        if rules::qualification_ends(list.len() as u32, limit) {
            let when: Vec<String> = list
                .iter()
                .map(|(a, b, m)| {
                    format!("{m}（{}）", crate::domain::session::session_dates(*a, *b))
                })
                .collect();
            ends_sheet.rows.push(vec![
                d.delegate.name.clone().into(),
                d.delegate.group.clone().into(),
                Cell::Int(list.len() as i64),
                when.join("；").into(),
            ]);
        }
    }
    ends_sheet
}

/// 建议辞职: the Word table's rows (the result in words) and the sheet, which has the
/// votes in two number columns where the Word table writes 14/22.
fn resignations_advised(
    archive: &Archive,
    records: &Records,
    config: &Config,
) -> (Vec<Vec<String>>, Table) {
    let limit = config.thresholds.dissatisfied_share_limit;
    let mut resign = Vec::new();
    let mut resign_sheet = super::qualification::resign_table();
    for r in records
        .reports
        .iter()
        .filter(|r| config.rating.flags(r, limit))
    {
        let Some(d) = archive
            .delegates
            .iter()
            .find(|d| d.delegate.id == r.delegate)
        else {
            continue;
        };
        resign.push(vec![
            d.delegate.name.clone(),
            d.delegate.group.clone(),
            chinese_date(r.date),
            config.rating.finding_detail(r),
        ]);
        resign_sheet.rows.push(super::qualification::resign_row(
            d.delegate.name.clone(),
            d.delegate.group.clone(),
            r,
        ));
    }
    (resign, resign_sheet)
}

/// The term's changes: delegates who left (with how and when) and by-elected ones.
fn changes(archive: &Archive) -> Vec<Vec<String>> {
    archive
        .delegates
        .iter()
        .filter(|d| !d.delegate.is_serving() || d.delegate.elected.is_some())
        .map(|d| {
            let dl = &d.delegate;
            let (what, when) = if dl.is_serving() {
                ("补选".to_string(), dl.elected)
            } else {
                (dl.status.clone(), dl.status_date)
            };
            vec![
                dl.name.clone(),
                dl.group.clone(),
                what,
                when.map(chinese_date).unwrap_or_default(),
            ]
        })
        .collect()
}

/// 述职 over the term: who never reported, and each group's yearly record against the
/// yearly share.
fn report_coverage_over_term(
    archive: &Archive,
    records: &Records,
    config: &Config,
    years: &[i32],
) -> DocumentView {
    let never = never_reported(archive, records, config);
    let yearly = yearly_coverage(archive, records, config, years);
    DocumentView::workbook("述职评议完成情况", vec![yearly, never])
}

/// 本届未述职代表: delegates with no 述职 in the term so far, with their service.
fn never_reported(archive: &Archive, records: &Records, config: &Config) -> Table {
    let ever: BTreeSet<&str> = records
        .reports
        .iter()
        .map(|r| r.delegate.as_str())
        .collect();
    let mut never = Table::new(
        "本届未述职代表",
        &["代表小组", "姓名", "代表编号", "代表状态", "任职期间"],
    );
    for d in archive
        .delegates
        .iter()
        .filter(|d| !ever.contains(d.delegate.id.as_str()))
    {
        let dl = &d.delegate;
        never.rows.push(vec![
            dl.group.clone().into(),
            dl.name.clone().into(),
            dl.id.clone().into(),
            dl.status_label().to_string().into(),
            format!(
                "{}至{}",
                chinese_date(dl.service_start(config.term.start)),
                chinese_date(dl.service_end(config.term.end))
            )
            .into(),
        ]);
    }
    never
}

/// 各小组逐年述职: per group, two number columns a year (reported, required) and the
/// years short at the end.
fn yearly_coverage(archive: &Archive, records: &Records, config: &Config, years: &[i32]) -> Table {
    let share = config.thresholds.report_share_per_year;
    let mut head = vec!["代表小组".to_string()];
    for y in years {
        head.push(format!("{y}年已述职"));
        head.push(format!("{y}年应述职（不少于）"));
    }
    head.push("未达到比例的年份".to_string());
    let hs: Vec<&str> = head.iter().map(|s| s.as_str()).collect();
    let mut yearly = Table::new("各小组逐年述职", &hs);
    yearly.title = Some(format!(
        "各代表小组逐年述职情况（每年不少于{}）",
        crate::domain::text::fraction_percent(share)
    ));
    for g in &archive.groups() {
        let mut row: Vec<Cell> = vec![g.clone().into()];
        let mut short = Vec::new();
        for y in years {
            let c = group_coverage_in_year(archive, records, config, g, *y);
            row.extend([c.reported.into(), c.required.into()]);
            if !c.met {
                short.push(format!("{y}年"));
            }
        }
        row.push(short.join("、").into());
        yearly.rows.push(row);
    }
    yearly
}

/// A group's 述职 in year `y` against the yearly share: its members serving at the
/// year's end (or the term's, if earlier) and how many of them reported that year.
fn group_coverage_in_year(
    archive: &Archive,
    records: &Records,
    config: &Config,
    g: &str,
    y: i32,
) -> rules::ReportCoverage {
    let year_end = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX);
    let year_start = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
    let members: Vec<&DelegateArchive> = archive
        .delegates
        .iter()
        .filter(|d| {
            d.delegate.group == g
                && d.delegate.service_start(config.term.start) <= year_end
                && d.delegate.service_end(config.term.end) >= year_end.min(config.term.end)
        })
        .collect();
    let did: BTreeSet<&str> = records
        .reports
        .iter()
        .filter(|r| r.date.year() == y && r.date >= year_start)
        .map(|r| r.delegate.as_str())
        .collect();
    let n = members
        .iter()
        .filter(|d| did.contains(d.delegate.id.as_str()))
        .count() as u32;
    rules::report_coverage(
        members.len() as u32,
        n,
        config.thresholds.report_share_per_year,
    )
}

/// The cover and catalogue of one group's bound volume (装订成册); each delegate's term
/// archive follows on its own pages (`docx::render_bound`), page numbers running
/// through the volume. The cover names who compiled it (the liaison office) and when
/// (`date`, the day the term job is for).
pub fn volume(
    group: &str,
    config: &Config,
    delegates: &[&DelegateArchive],
    author: &str,
    date: NaiveDate,
) -> Document {
    let mut body = vec![
        Block::Centered(String::new()),
        Block::Centered(String::new()),
        Block::Title(format!("{}人大代表履职档案", config.district.name)),
        Block::Centered(String::new()),
        Block::Title(format!("{group}代表小组")),
        Block::Centered(String::new()),
        Block::Centered(format!(
            "{}（{}至{}）",
            config.term_name(),
            chinese_date(config.term.start),
            chinese_date(config.term.end)
        )),
        Block::Centered(format!("本册收录代表{}名", delegates.len())),
    ];
    // The compiler and the date at the foot of the cover.
    body.extend(std::iter::repeat_with(|| Block::Centered(String::new())).take(6));
    body.extend([
        Block::Centered(format!(
            "{}{}编印",
            config.district.standing_committee, config.units.liaison
        )),
        Block::Centered(chinese_date(date)),
        Block::PageBreak,
        Block::Title("目　　录".to_string()),
        Block::Contents(TableBlock::new(
            &["序号", "姓名", "代表编号", "代表状态"],
            delegates
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    vec![
                        (i + 1).to_string(),
                        d.delegate.name.clone(),
                        d.delegate.id.clone(),
                        d.delegate.status_label().to_string(),
                    ]
                })
                .collect(),
            &[3, 8, 6, 8],
        )),
    ]);
    Document {
        title: format!("{}人大代表履职档案·{group}", config.district.name),
        subtitle: None,
        body,
        signature: None,
        attachments: Vec::new(),
        author: author.to_string(),
        print_title: false,
    }
}

/// The running head of a delegate's pages in a bound volume: once bound, a page that
/// holds only the tail of a table still names whose archive it belongs to.
pub fn running_head(d: &DelegateArchive) -> String {
    format!("履职档案　{}（{}）", d.delegate.name, d.delegate.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: Criteria = Criteria {
        absence_limit: 2,
        min_attendance: 0.8,
        study_bottom_band: true,
    };

    #[test]
    fn the_list_is_dated_by_hand_unless_a_date_is_given() {
        assert_eq!(
            list_date(NaiveDate::from_ymd_opt(2026, 10, 15)),
            "2026年10月15日"
        );
        assert_eq!(
            list_date(None),
            "\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日"
        );
    }

    #[test]
    fn bottom_band_alone_is_studied_only_when_configured() {
        let f = Facts {
            overall_band: Band::Bottom,
            ..facts()
        };
        assert_eq!(renomination(&f, &C).0, Category::Study);
        let off = Criteria {
            study_bottom_band: false,
            ..C
        };
        assert_eq!(renomination(&f, &off).0, Category::Renominate);
    }

    fn facts() -> Facts {
        Facts {
            left: None,
            unapproved_absences: 0,
            flagged_evaluation: None,
            reports: 1,
            congress_expected: 5,
            congress_attended: 5,
            overall_band: Band::Middle,
            partial_term: false,
            consecutive_bottom: false,
        }
    }

    /// Issue #19: 连续两年位于后段 is a reason to study, even with a middle term band.
    #[test]
    fn two_bottom_years_in_a_row_are_studied() {
        let f = Facts {
            consecutive_bottom: true,
            ..facts()
        };
        let (c, why) = renomination(&f, &C);
        assert_eq!(c, Category::Study);
        assert_eq!(why, ["年度履职积分连续两年位于全体代表后段"]);
    }

    #[test]
    fn a_good_record_is_renominated() {
        let (c, why) = renomination(&facts(), &C);
        assert_eq!(c, Category::Renominate);
        // Said once in the list's text, not on every row.
        assert!(why.is_empty(), "{why:?}");
    }

    #[test]
    fn two_absences_in_different_years_end_it() {
        let f = Facts {
            unapproved_absences: 2,
            congress_attended: 3,
            ..facts()
        };
        let (c, why) = renomination(&f, &C);
        assert_eq!(c, Category::DoNotRenominate);
        // 3 of 5 attended is under 80 %, but once the qualification ended by law that
        // decides nothing: the row gives only the end (the sample's 董建平).
        assert_eq!(why, ["本届未经批准2次不出席区人代会，依法资格终止"]);
    }

    /// The sample's 赵少华: the reason gives the evaluation's figure and the threshold,
    /// not a generic "超过规定"; the study reasons stay beside it.
    #[test]
    fn a_flagged_evaluation_is_given_with_its_figure() {
        let f = Facts {
            flagged_evaluation: Some("述职评议不满意率63.6%，超过50%".into()),
            overall_band: Band::Bottom,
            ..facts()
        };
        let (c, why) = renomination(&f, &C);
        assert_eq!(c, Category::DoNotRenominate);
        assert_eq!(
            why,
            [
                "述职评议不满意率63.6%，超过50%",
                "届期履职积分位于全体代表后段"
            ]
        );
    }

    #[test]
    fn one_leave_and_one_absence_is_not_two() {
        // Four attended, one approved leave… and one unapproved absence elsewhere.
        let f = Facts {
            unapproved_absences: 1,
            congress_attended: 4,
            ..facts()
        };
        let (c, why) = renomination(&f, &C);
        assert_eq!(c, Category::Study);
        assert_eq!(why, vec!["本届未经批准缺席区人代会1次".to_string()]);
    }

    #[test]
    fn resigned_in_year_three() {
        let f = Facts {
            left: Some((
                "辞职".into(),
                NaiveDate::from_ymd_opt(2024, 6, 30).expect("d"),
            )),
            congress_expected: 3,
            congress_attended: 3,
            ..facts()
        };
        let (c, why) = renomination(&f, &C);
        assert_eq!(c, Category::DoNotRenominate);
        assert_eq!(why[0], "已于2024年6月30日辞职");
    }

    fn roster_delegate(id: &str, elected: Option<NaiveDate>) -> crate::domain::model::Delegate {
        crate::domain::model::Delegate {
            elected,
            ..crate::domain::model::Delegate::sample(id)
        }
    }

    /// Worked example (issue 17): a 60-month term (2022-01-01 … 2026-12-31), one point per
    /// group activity. Five full-term delegates have 10–14 points; D6, by-elected on
    /// 2024-07-01 (30 months), has 8. On raw totals D6 is last and "后段"; per month
    /// served D6 does 8 / 30 ≈ 0.27 a month, 16 over a full term, the best of all.
    #[test]
    fn a_by_elected_delegate_is_banded_per_month_served() {
        use crate::domain::model::{Activity, ActivityKind, Roster, Source};
        let config = crate::config::Config::parse(
            "[district]\nname=\"示范区\"\ncongress=\"示范区人民代表大会\"\nstanding_committee=\"示范区人大常委会\"\n\
             [term]\nnumber=6\nstart=\"2022-01-01\"\nend=\"2026-12-31\"\n",
        )
        .expect("config");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let by_elected = day(2024, 7, 1);
        let mut delegates: Vec<_> = (1..=5)
            .map(|i| roster_delegate(&format!("D{i}"), None))
            .collect();
        delegates.push(roster_delegate("D6", Some(by_elected)));
        let mut activities = Vec::new();
        for (id, n) in [
            ("D1", 10),
            ("D2", 11),
            ("D3", 12),
            ("D4", 13),
            ("D5", 14),
            ("D6", 8),
        ] {
            for k in 0..n {
                activities.push(Activity {
                    date: day(2024, 7, 1) + chrono::Days::new(k * 20),
                    kind: ActivityKind::GroupActivity,
                    name: format!("活动{k}"),
                    delegate: id.into(),
                    note: String::new(),
                    unit: "甲组".into(),
                    source: Source {
                        file: "f".into(),
                        sheet: "履职活动".into(),
                        row: 2 + k as u32,
                    },
                });
            }
        }
        let records = Records {
            activities,
            ..Records::default()
        };
        let period = crate::domain::archive::Period::term(&config);
        let archive =
            crate::domain::archive::build(&Roster::new(delegates), &records, &period, &config)
                .expect("archive");
        let rules =
            score::ScoreRules::parse("name='例'\nversion='1'\n[weights]\ngroup_activities = 1\n")
                .expect("rules");
        let scored = score::score_all(&archive, &rules);
        let totals: Vec<f64> = scored.iter().map(|s| s.0.total).collect();
        assert_eq!(totals, [10.0, 11.0, 12.0, 13.0, 14.0, 8.0]);
        let d6 = &scored[5].0;
        assert!(
            d6.partial && (d6.months - 30.0).abs() < 0.1,
            "{}",
            d6.months
        );
        assert!((d6.compared - 16.0).abs() < 0.1, "{}", d6.compared);
        // Full-term delegates compare on their own totals, exactly.
        assert_eq!(scored[0].0.compared, 10.0);
        // 6 peers, 20 %: two places at each end. D6 tops the term; D1 and D2 are 后段.
        let bands: Vec<Band> = scored.iter().map(|s| s.2).collect();
        use Band::*;
        assert_eq!(bands, [Bottom, Bottom, Middle, Middle, Top, Top]);
        let f = Facts {
            overall_band: scored[5].2,
            partial_term: d6.partial,
            ..facts()
        };
        assert_eq!(renomination(&f, &C).0, Category::Renominate);
        // Had D6 been in the bottom band, the reason says the score was compared per month.
        let f = Facts {
            overall_band: Bottom,
            ..f
        };
        assert_eq!(
            renomination(&f, &C).1,
            ["按任职月数折算的届期履职积分位于全体代表后段"]
        );
    }

    #[test]
    fn by_election_delegate_is_measured_over_time_served() {
        // Elected in year 3: two sessions expected, both attended: 100 %.
        let f = Facts {
            congress_expected: 2,
            congress_attended: 2,
            ..facts()
        };
        assert_eq!(renomination(&f, &C).0, Category::Renominate);
    }

    #[test]
    fn never_reported_or_low_attendance_is_studied() {
        let (c, why) = renomination(
            &Facts {
                reports: 0,
                ..facts()
            },
            &C,
        );
        assert_eq!(
            (c, why),
            (Category::Study, vec!["本届未向选民述职".to_string()])
        );
        // Exactly 80 % is enough; below is not.
        assert_eq!(
            renomination(
                &Facts {
                    congress_attended: 4,
                    ..facts()
                },
                &C
            )
            .0,
            Category::Renominate
        );
        let f = Facts {
            congress_expected: 4,
            congress_attended: 3,
            ..facts()
        };
        assert_eq!(
            renomination(&f, &C).1,
            vec!["区人代会出席率75.0%，低于80%".to_string()]
        );
    }
}
