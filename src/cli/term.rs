//! `lvzhi term`: the end-of-term package into `reports/term-<届别>/`: the term archive
//! (summary, Parquet, each delegate's DOCX, scores), the re-nomination suggestion list,
//! the exit findings, the 述职 coverage and one bound volume per group.

use super::shared::{stage_archive, DocOptions, Docs};
use super::{load, print_validation, Folders};
use crate::documents::{commend, term};
use crate::domain::decision::{Decision, DecisionList};
use crate::domain::score::ScoreRules;
use crate::input::YearScope;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct TermArgs {
    #[command(flatten)]
    pub folders: Folders,
    #[command(flatten)]
    pub docs: DocOptions,
    /// 剔除有错误的行后继续生成（被剔除的行列在校验报告中）
    #[arg(long)]
    pub exclude_errors: bool,
    /// 代表资格和代表名额公告的编号，如 3（印作“第3号”）；不指定则印“第　号”，由工作人员手填
    #[arg(long = "notice-number", alias = "number", value_name = "编号")]
    pub notice_number: Option<String>,
}

pub fn run(a: &TermArgs) -> Result<String> {
    let mut data = load(&a.folders, &YearScope::All)?;
    let config = data.config.clone();
    let config = &config;
    let dir = super::Span::Term.dir(config);
    let period = super::Span::Term.period(config);
    // The draft first: decision rows on the re-nomination list are checked against it
    // before the validation report is written.
    let archive = crate::domain::archive::build(&data.roster, &data.records, &period, config)?;
    let rules = ScoreRules::load(&a.folders.input)?;
    // The re-nomination lists are dated by --date or by hand (term::list_date), not by
    // the term's last day like the rest of the package.
    let given = match a.docs.date {
        Some(_) => Some(super::doc_date(&a.docs.date, config.term.end)?),
        None => None,
    };
    let list_date = term::list_date(given);
    let mut pkg = term::build(
        &archive,
        &data.records,
        &rules.0,
        config,
        &data.years,
        &list_date,
    );
    let renominations: Vec<Decision> = data
        .decisions
        .iter()
        .filter(|d| d.list == DecisionList::Renomination)
        .cloned()
        .collect();
    let decided = if renominations.is_empty() {
        None
    } else {
        let draft = pkg
            .first()
            .map(|v| super::commend::draft_keys(v, "代表编号"))
            .unwrap_or_default();
        let (kept, undecided) = super::commend::check_against_drafts(
            renominations,
            &[(DecisionList::Renomination, draft)],
            &mut data.validation,
        );
        data.validation.sort();
        let refs: Vec<&Decision> = kept.iter().collect();
        Some(commend::renomination(
            &refs,
            &data.roster,
            config,
            undecided,
        ))
    };
    let (stage, report_path) =
        super::start_outputs(&a.folders, &data.validation, &dir, a.exclude_errors)?;
    let date = super::doc_date(&a.docs.date, config.term.end)?;
    pkg.extend(decided.map(|v| v.with_var("date", list_date.clone().into())));
    let author = format!("{}代表联络室", config.district.standing_committee);
    let docs = Docs {
        templates: &a.docs.templates,
        author: &author,
        date: crate::domain::text::chinese_date(date),
    };
    for doc in pkg {
        docs.write_view(&stage, &dir, doc)?;
    }
    super::shared::stage_qualification(
        &stage,
        &docs,
        &dir,
        &data,
        &period,
        a.notice_number.as_deref(),
    )?;
    // Each group's archives and its bound volume.
    stage_archive(&stage, &dir, &archive, &data, &rules, &a.docs, true, &[])?;
    let groups = data.roster.groups();
    stage.commit()?;
    print_validation(&a.folders, &data.validation, &report_path);
    Ok(format!(
        "已生成 {}：{} 名代表的届期档案、继续提名建议名单（草案）、代表资格情况报告、述职评议完成情况和 {} 册装订档案。",
        a.folders.output.join(&dir).display(),
        archive.delegates.len(),
        groups.len()
    ))
}
