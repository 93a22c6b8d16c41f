//! `lvzhi archive`: the per-delegate archive of one year (or the whole term) as XLSX
//! and Parquet, with the validation report beside it.

use super::shared::{stage_archive, stage_summary, DocOptions};
use super::{load, print_validation, Folders};
use crate::domain::findings::Severity;
use crate::domain::score::ScoreRules;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// 年度，如 2025；不指定则取最近的年度文件夹
    #[arg(long, value_name = "年度", conflicts_with = "term")]
    pub year: Option<i32>,
    /// 汇总整个届期（全部年度文件夹），输出到 term-<届别>/
    #[arg(long)]
    pub term: bool,
    /// 剔除有错误的行后继续生成（被剔除的行列在校验报告中）
    #[arg(long)]
    pub exclude_errors: bool,
    #[command(flatten)]
    pub docs: DocOptions,
    /// 只生成汇总表、Parquet 和积分表，不生成每位代表的 Word 档案（代表很多时更快）
    #[arg(long)]
    pub summary_only: bool,
}

pub fn run(a: &ArchiveArgs) -> Result<String> {
    let span = super::Span::pick(&a.folders.input, a.year, a.term)?;
    let data = load(&a.folders, &span.scope())?;
    let (period, dir) = (span.period(&data.config), span.dir(&data.config));
    let (stage, report, archive) =
        super::start_with_archive(&a.folders, &data, &dir, a.exclude_errors, &period)?;
    let errors = data.validation.count(Severity::Error);
    let rules = ScoreRules::load(&a.folders.input)?;
    let delegates = archive.delegates.len();
    if a.summary_only {
        stage_summary(&stage, &dir, &archive, &data, &rules)?;
    } else {
        stage_archive(&stage, &dir, &archive, &data, &rules, &a.docs, false, &[])?;
    }
    stage.commit()?;
    print_validation(&a.folders, &data.validation, &report);
    if errors > 0 {
        super::say(&format!(
            "已按 --exclude-errors 剔除有错误的数据行（共 {errors} 处错误）后生成。\n"
        ));
    }
    Ok(format!(
        "已生成 {}：{} 名代表的履职档案汇总（{}）。",
        a.folders
            .output
            .join(dir.join("履职档案汇总.xlsx"))
            .display(),
        delegates,
        period.label
    ))
}
