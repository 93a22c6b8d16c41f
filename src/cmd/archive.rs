//! `lvzhi archive`: the per-delegate archive of one year (or the whole term) as XLSX
//! and Parquet, with the validation report beside it.

use super::annual::DocOptions;
use super::{load, print_validation, Folders};
use crate::archive::{self, Archive};
use crate::ingest::Dataset;
use crate::output::Staging;
use crate::render::docx::{self, Document};
use crate::render::{parquet, xlsx};
use crate::score::ScoreRules;
use crate::validate::Severity;
use crate::view;
use crate::{chair, template};
use anyhow::Result;
use clap::Args;
use std::path::Path;

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

/// Stages the archive outputs: the summary workbook, its Parquet twins and one DOCX per
/// delegate under a folder per group. Returns the delegates' documents, in archive order.
pub fn stage_archive(
    stage: &mut Staging,
    dir: &Path,
    archive: &Archive,
    data: &Dataset,
    docs: &DocOptions,
    rules: &(ScoreRules, String),
    per_delegate: bool,
) -> Result<Vec<Document>> {
    let (summary, listings) = view::archive_workbook(
        archive,
        &data.records,
        &data.roster,
        &data.config.district.name,
    );
    let title = format!(
        "{}人大代表{}履职档案汇总",
        data.config.district.name, archive.period.label
    );
    let mut sheets = vec![xlsx::Sheet::Table(&summary)];
    sheets.extend(listings.iter().map(xlsx::Sheet::Listing));
    // The Parquet files are built while the workbook is written (its final compression
    // runs on one core); both are written out in a fixed order.
    let (parquets, workbook) = crate::par::join(
        || -> Result<Vec<(String, Vec<u8>)>> {
            let mut out = vec![(summary.sheet.clone(), parquet::parquet(&summary)?)];
            for l in &listings {
                out.push((l.sheet.clone(), parquet::listing_parquet(l)?));
            }
            Ok(out)
        },
        || xlsx::workbook_of(&sheets, &title),
    );
    stage.write(dir.join("履职档案汇总.xlsx"), &workbook?)?;
    for (sheet, bytes) in parquets? {
        stage.write(dir.join("parquet").join(format!("{sheet}.parquet")), &bytes)?;
    }
    let scores = chair::score_workbook(archive, &rules.0, &rules.1);
    stage.write(
        dir.join(format!("{}履职积分.xlsx", archive.period.label)),
        &xlsx::workbook(&scores, &format!("{}履职积分", archive.period.label))?,
    )?;
    if !per_delegate {
        return Ok(Vec::new());
    }
    let tmpl = template::load(&docs.templates, template::DELEGATE_ARCHIVE)?;
    let prepared = template::Prepared::new(&tmpl)?;
    let by = view::ByDelegate::new(&data.records);
    let author = format!("{}代表联络室", data.config.district.standing_committee);
    // Documents are independent: rendered on all cores, written in archive order.
    let rendered = crate::par::map(&archive.delegates, |d| -> Result<(Document, Vec<u8>)> {
        let (vars, tables) = view::delegate_archive(d, &by, &archive.period, &data.config);
        let doc = prepared.render(&vars, &tables, &author)?;
        let bytes = docx::render(&doc)?;
        Ok((doc, bytes))
    });
    let mut out = Vec::with_capacity(archive.delegates.len());
    for (d, r) in archive.delegates.iter().zip(rendered) {
        let (doc, bytes) = r?;
        let name = format!("{}_{}.docx", d.delegate.id, d.delegate.name);
        stage.write(
            dir.join("履职档案").join(&d.delegate.group).join(name),
            &bytes,
        )?;
        out.push(doc);
    }
    Ok(out)
}

pub fn run(a: &ArchiveArgs) -> Result<()> {
    let span = super::Span::pick(&a.folders.input, a.year, a.term)?;
    let data = load(&a.folders, &span.scope())?;
    let (period, dir) = (span.period(&data.config), span.dir(&data.config));
    let (mut stage, report) =
        super::start_outputs(&a.folders, &data.validation, &dir, a.exclude_errors)?;
    let errors = data.validation.count(Severity::Error);
    let archive = archive::build(&data.roster, &data.records, &period, &data.config)?;
    stage_archive(
        &mut stage,
        &dir,
        &archive,
        &data,
        &a.docs,
        &ScoreRules::load(&a.folders.input)?,
        !a.summary_only,
    )?;
    stage.commit()?;
    print_validation(&data.validation, &report);
    if errors > 0 {
        eprintln!("已按 --exclude-errors 剔除有错误的数据行（共 {errors} 处错误）后生成。");
    }
    eprintln!(
        "已生成 {}：{} 名代表的履职档案汇总（{}）。",
        a.folders
            .output
            .join(dir.join("履职档案汇总.xlsx"))
            .display(),
        archive.delegates.len(),
        period.label
    );
    Ok(())
}
