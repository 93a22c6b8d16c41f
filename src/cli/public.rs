//! `lvzhi public`: the public edition of the archives for a year or the term, as XLSX and
//! as a static HTML site, into `reports/<year>/公开版/` (or `term-<届别>/公开版/`).

use super::{load, Folders};
use crate::documents::{public, public_figures};
use crate::domain::archive::{self};
use crate::render::xlsx;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct PublicArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// 年度，如 2025；不指定则取最近的年度文件夹
    #[arg(long, value_name = "年度", conflicts_with = "term")]
    pub year: Option<i32>,
    /// 整个届期的公开版
    #[arg(long)]
    pub term: bool,
    /// 剔除有错误的行后继续生成（被剔除的行列在校验报告中）
    #[arg(long)]
    pub exclude_errors: bool,
}

pub fn run(a: &PublicArgs) -> Result<String> {
    let span = super::Span::pick(&a.folders.input, a.year, a.term)?;
    let data = load(&a.folders, &span.scope())?;
    let fields = data.config.public.published()?;
    let (period, dir) = (span.period(&data.config), span.dir(&data.config));
    let (stage, report_path) =
        super::start_outputs(&a.folders, &data.validation, &dir, a.exclude_errors)?;
    let archive = archive::build(&data.roster, &data.records, &period, &data.config)?;
    let out = dir.join("公开版");
    let table = public::workbook(&archive, &fields, &data.config);
    let district = public_figures::figures(&data.records, &period, &data.config);
    let district_sheet = public_figures::table(
        &district,
        format!(
            "{}{}代表履职全区情况（公开版）",
            data.config.district.name, period.label
        ),
    );
    stage.write(
        out.join("代表履职情况（公开版）.xlsx"),
        &xlsx::workbook(&[table, district_sheet], "代表履职情况（公开版）")?,
    )?;
    for (rel, html) in public::site(&archive, &fields, &data.config, &district) {
        stage.write(out.join("网页").join(rel), html.as_bytes())?;
    }
    stage.commit()?;
    super::print_validation(&a.folders, &data.validation, &report_path);
    Ok(format!(
        "已生成公开版：{}（公开字段：{}；用浏览器打开 网页/index.html 即可离线浏览）",
        a.folders.output.join(&out).display(),
        fields.join("、")
    ))
}
