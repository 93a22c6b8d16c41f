//! `lvzhi term`: the end-of-term package into `reports/term-<届别>/`: the term archive
//! (summary, Parquet, each delegate's DOCX, scores), the re-nomination suggestion list,
//! the exit findings, the 述职 coverage and one bound volume per group.

use super::shared::{stage_archive, DocOptions, Docs};
use super::{load, print_validation, Folders};
use crate::documents::term;
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
}

pub fn run(a: &TermArgs) -> Result<String> {
    let data = load(&a.folders, &YearScope::All)?;
    let config = &data.config;
    let dir = super::Span::Term.dir(config);
    let period = super::Span::Term.period(config);
    let (mut stage, report_path, archive) =
        super::start_with_archive(&a.folders, &data, &dir, a.exclude_errors, &period)?;
    let date = super::doc_date(&a.docs.date, config.term.end)?;
    let rules = ScoreRules::load(&a.folders.input)?;
    let pkg = term::build(&archive, &data.records, &rules.0, config, &data.years);
    let author = format!("{}代表联络室", config.district.standing_committee);
    let docs = Docs {
        templates: &a.docs.templates,
        author: &author,
        date: crate::domain::text::chinese_date(date),
    };
    for doc in pkg {
        docs.write_view(&mut stage, &dir, doc)?;
    }
    super::shared::stage_qualification(&mut stage, &docs, &dir, &data, &period)?;
    // Each group's archives and its bound volume.
    stage_archive(&mut stage, &dir, &archive, &data, &rules, &a.docs, true)?;
    let groups = data.roster.groups();
    stage.commit()?;
    print_validation(&data.validation, &report_path);
    Ok(format!(
        "已生成 {}：{} 名代表的届期档案、继续提名建议名单（草案）、代表资格情况报告、述职评议完成情况和 {} 册装订档案。",
        a.folders.output.join(&dir).display(),
        archive.delegates.len(),
        groups.len()
    ))
}
