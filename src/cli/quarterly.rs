//! `lvzhi quarterly`: the quarter's group statistics (XLSX with charts), the missing
//! submissions and a short brief (情况通报) for the group leaders, into
//! `reports/<year>/Q<n>/`.

use super::shared::{DocOptions, Docs};
use super::{load, pick_year, print_validation, Folders};
use crate::documents::quarterly;
use crate::input::{resolve_unit, YearScope};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct QuarterlyArgs {
    #[command(flatten)]
    pub folders: Folders,
    #[command(flatten)]
    pub docs: DocOptions,
    /// 年度，如 2025；不指定则取最近的年度文件夹
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
    /// 季度，1 到 4
    #[arg(long, value_name = "季度")]
    pub quarter: u32,
    /// 剔除有错误的行后继续生成（被剔除的行列在校验报告中）
    #[arg(long)]
    pub exclude_errors: bool,
}

pub fn run(a: &QuarterlyArgs) -> Result<String> {
    let year = pick_year(&a.folders.input, a.year)?;
    let period = quarterly::quarter(year, a.quarter)?;
    let data = load(&a.folders, &YearScope::One(year))?;
    let dir = PathBuf::from(year.to_string()).join(format!("Q{}", a.quarter));
    let (stage, report_path) =
        super::start_outputs(&a.folders, &data.validation, &dir, a.exclude_errors)?;
    let units = |u: &str| resolve_unit(u, &data.roster, &data.config).map(|x| x.kind);
    let sources = quarterly::sources_by_file(&data.records, &units);
    let view = quarterly::build(
        year,
        a.quarter,
        &data.records,
        &data.roster,
        &data.config,
        &sources,
    )?;
    let date = super::doc_date(&a.docs.date, period.end)?;
    let author = format!("{}代表联络室", data.config.district.standing_committee);
    let docs = Docs {
        templates: &a.docs.templates,
        author: &author,
        date: crate::domain::text::chinese_date(date),
    };
    docs.write_view(&stage, &dir, view)?;
    // The 亮分 sheet for each group's 公开栏: public fields only.
    let fields = data.config.public.published()?;
    let rules = crate::domain::score::ScoreRules::load(&a.folders.input)?;
    let build = |p: &crate::domain::archive::Period| {
        crate::domain::archive::build(&data.roster, &data.records, p, &data.config)
    };
    let ytd = crate::domain::archive::Period {
        label: format!("{year}年1月至{}月", 3 * a.quarter),
        start: chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(period.start),
        end: period.end,
    };
    let board = crate::documents::scoreboard::sheets(
        &build(&period)?,
        &build(&ytd)?,
        &data.roster.groups(),
        &fields,
        &rules.0,
        &data.config,
    );
    let name = format!("{}代表履职亮分（公开栏）", period.label);
    stage.write(
        dir.join(crate::output::safe_file(&name, "xlsx")),
        &crate::render::xlsx::workbook(&board, &name)?,
    )?;
    stage.commit()?;
    print_validation(&a.folders, &data.validation, &report_path);
    Ok(format!(
        "已生成 {}：{}代表小组统计和情况通报。",
        a.folders.output.join(&dir).display(),
        period.label
    ))
}
