//! `lvzhi commend`: after the 主任会议 decided the draft commendation lists, the 公示,
//! and once every row is decided the standing committee's 通报 and the 通报表彰 records
//! (which every later run counts from the decision files), into `reports/<year>/表彰/`.

use super::shared::{DocOptions, Docs};
use super::{load, pick_year, print_validation, start_outputs, Folders};
use crate::documents::chair;
use crate::documents::commend::{self, Decided};
use crate::domain::archive::Period;
use crate::domain::decision::{against_draft, Decision, DecisionList};
use crate::domain::findings::{Finding, Severity, Validation};
use crate::domain::model::Records;
use crate::domain::score::ScoreRules;
use crate::domain::text::chinese_date;
use crate::input::YearScope;
use crate::output::safe_file;
use crate::render::xlsx;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Args;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CommendArgs {
    #[command(flatten)]
    pub folders: Folders,
    #[command(flatten)]
    pub docs: DocOptions,
    /// 表彰的年度，如 2025（决定文件放在 input/2025/决定/）；不指定则取最近的年度文件夹
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
    /// 公示开始日期，如 2026-01-05（默认为成文日期 --date）
    #[arg(long, value_name = "日期")]
    pub from: Option<String>,
    /// 公示结束日期（默认按 lvzhi.toml 的 commend.publicity_days 计算）
    #[arg(long, value_name = "日期")]
    pub to: Option<String>,
    /// 表彰通报的发文字号，如 示人常发〔2026〕1号（不填则不印）
    #[arg(long, value_name = "文号")]
    pub number: Option<String>,
    /// 表彰通报的成文日期（默认为公示期满的次日）
    #[arg(long, value_name = "日期")]
    pub circular_date: Option<String>,
    /// 剔除有错误的行后继续生成（被剔除的行列在校验报告中）
    #[arg(long)]
    pub exclude_errors: bool,
}

/// The 公示 period: `--from` (else the 成文日期) to `--to` (else `days` later, both
/// days counted).
fn publicity_period(
    from: &Option<String>,
    to: &Option<String>,
    date: NaiveDate,
    days: u32,
) -> Result<(NaiveDate, NaiveDate)> {
    let from = super::doc_date(from, date)?;
    let last = from + chrono::Days::new(u64::from(days.max(1)) - 1);
    let to = super::doc_date(to, last)?;
    if to < from {
        bail!(
            "公示结束日期（{}）早于开始日期（{}）",
            chinese_date(to),
            chinese_date(from)
        );
    }
    Ok((from, to))
}

/// The draft's keys in the column `header` of the draft view's list sheet: exactly what
/// the clerk saw on the draft.
pub(crate) fn draft_keys(view: &crate::documents::DocumentView, header: &str) -> BTreeSet<String> {
    let Some(list) = view.sheets.first() else {
        return BTreeSet::new();
    };
    let Some(c) = list.headers.iter().position(|h| h == header) else {
        return BTreeSet::new();
    };
    list.rows
        .iter()
        .filter_map(|r| r.get(c))
        .map(|c| c.text())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Rows naming a delegate or suggestion that is not on the year's draft are errors (the
/// row leaves the accepted count of its file); returns the rows kept and the number of
/// draft rows no decision names.
pub(crate) fn check_against_drafts(
    decisions: Vec<Decision>,
    drafts: &[(DecisionList, BTreeSet<String>)],
    v: &mut Validation,
) -> (Vec<Decision>, usize) {
    let mut off_rows = Vec::new();
    let mut undecided = 0;
    for (list, keys) in drafts {
        let of_list: Vec<&Decision> = decisions.iter().filter(|d| d.list == *list).collect();
        let (off, missing) = against_draft(&of_list, keys);
        undecided += missing.len();
        off_rows.extend(off.iter().map(|d| d.source.clone()));
        for d in off {
            let (column, what) = match list {
                DecisionList::Delegates => ("代表编号", "该代表不在优秀履职代表名单草案中"),
                DecisionList::Suggestions => ("建议编号", "该建议不在优秀代表建议名单草案中"),
                DecisionList::Renomination => ("代表编号", "该代表不在继续提名建议名单草案中"),
            };
            v.findings.push(
                Finding::at(Severity::Error, &d.source)
                    .column(column)
                    .value(d.key())
                    .message(what)
                    .hint("决定文件应是 annual 生成的名单草案本身：只填写“决定”“备注”两列，不要增删行；名单需要调整的，请写在“备注”中，或重新生成草案"),
            );
            if let Some(t) = v.tallies.iter_mut().find(|t| *t.file == *d.source.file) {
                t.accepted = t.accepted.saturating_sub(1);
                t.rejected += 1;
            }
        }
    }
    let kept = decisions
        .into_iter()
        .filter(|d| !off_rows.contains(&d.source))
        .collect();
    (kept, undecided)
}

/// The records the drafts were made from: without the commendations the decisions made
/// (a commendation must not move its own draft).
fn before_decisions(records: &Records, decisions: &[Decision]) -> Records {
    let mut r = records.clone();
    r.commendations
        .retain(|c| !decisions.iter().any(|d| d.source == c.source));
    r
}

pub fn run(a: &CommendArgs) -> Result<String> {
    let year = pick_year(&a.folders.input, a.year)?;
    let mut data = load(&a.folders, &YearScope::UpTo(year))?;
    data.validation = data.validation.for_year(year);
    let decisions: Vec<Decision> = data
        .decisions
        .iter()
        .filter(|d| d.year == year && d.list.commends())
        .cloned()
        .collect();
    if decisions.is_empty() && !data.validation.has_errors() {
        bail!(
            "{} 中没有决定文件：请把 annual 生成的名单草案（主任会议/{year}年度优秀履职代表名单（草案）.xlsx 等）填好“决定”列后保存到该文件夹",
            a.folders.input.join(year.to_string()).join(crate::input::decision::FOLDER).display()
        );
    }
    let period = Period::year(year);
    let drafted = before_decisions(&data.records, &decisions);
    let archive = crate::domain::archive::build(&data.roster, &drafted, &period, &data.config)?;
    let rules = ScoreRules::load(&a.folders.input)?;
    let max = data.config.thresholds.outstanding_suggestions_max as usize;
    let drafts = [
        (
            DecisionList::Delegates,
            draft_keys(
                &chair::outstanding_delegates(&archive, &drafted, &rules.0, &data.config),
                "代表编号",
            ),
        ),
        (
            DecisionList::Suggestions,
            draft_keys(
                &chair::outstanding_suggestions(&archive, &drafted, &data.config, max),
                "建议编号",
            ),
        ),
    ];
    let (decisions, undecided) = check_against_drafts(decisions, &drafts, &mut data.validation);
    data.validation.sort();
    let dir = PathBuf::from(year.to_string());
    let (stage, report_path) = start_outputs(&a.folders, &data.validation, &dir, a.exclude_errors)?;

    let date = super::doc_date(
        &a.docs.date,
        NaiveDate::from_ymd_opt(year, 12, 31).context("年度无效")?,
    )?;
    let (from, to) = publicity_period(&a.from, &a.to, date, data.config.commend.publicity_days)?;
    let refs: Vec<&Decision> = decisions.iter().collect();
    let decided = Decided::new(
        year,
        &refs,
        &data.roster,
        &data.records.suggestions,
        undecided,
    );
    let out = dir.join("表彰");
    let author = format!("{}代表联络室", data.config.district.standing_committee);
    let docs = Docs {
        templates: &a.docs.templates,
        author: &author,
        date: chinese_date(date),
    };
    let notice = commend::publicity(
        &decided,
        &data.roster,
        &data.config,
        &chinese_date(from),
        &chinese_date(to),
    );
    let mut written = vec![docs.write_view(&stage, &out, notice)?];
    if decided.is_final() {
        let issued = super::doc_date(&a.circular_date, to + chrono::Days::new(1))?;
        let docs = Docs {
            date: chinese_date(issued),
            ..docs
        };
        let period = format!("{}至{}", chinese_date(from), chinese_date(to));
        let number = a.number.clone().unwrap_or_default();
        let circular = commend::circular(&decided, &data.roster, &data.config, &number, &period);
        written.push(docs.write_view(&stage, &out, circular)?);
        let kept: Vec<_> = data
            .records
            .commendations
            .iter()
            .filter(|c| decisions.iter().any(|d| d.source == c.source))
            .cloned()
            .collect();
        let sheet = commend::records_sheet(year, &kept, &data.roster);
        let name = format!("{year}年度通报表彰记录");
        stage.write(
            out.join(safe_file(&name, "xlsx")),
            &xlsx::workbook(&[sheet], &name)?,
        )?;
        written.push(name);
    }
    stage.commit()?;
    print_validation(&a.folders, &data.validation, &report_path);
    let place = a.folders.output.join(&out);
    let titles = written
        .iter()
        .map(|t| format!("《{t}》"))
        .collect::<Vec<_>>()
        .join("、");
    Ok(if decided.is_final() {
        format!(
            "已生成 {}：{titles}。{} 名优秀履职代表、{} 件优秀代表建议；此后的年度和届期档案按决定文件计入通报表彰，无需再填写“通报表彰”表。",
            place.display(),
            decided.delegates.len(),
            decided.suggestions.len()
        )
    } else {
        format!(
            "已生成 {}：{titles}。名单中还有 {} 行待定（决定为“待定”或空白，或草案中的行未写入决定文件），全部决定后才能生成表彰通报。",
            place.display(),
            decided.pending
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_publicity_period_counts_both_days_and_may_be_given() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        let (from, to) = publicity_period(&None, &None, d(1, 5), 7).expect("period");
        assert_eq!((from, to), (d(1, 5), d(1, 11)));
        let (from, to) = publicity_period(
            &Some("2026-01-06".into()),
            &Some("2026-01-12".into()),
            d(1, 5),
            7,
        )
        .expect("period");
        assert_eq!((from, to), (d(1, 6), d(1, 12)));
        assert!(publicity_period(&None, &Some("2026-01-01".into()), d(1, 5), 7).is_err());
    }
}
