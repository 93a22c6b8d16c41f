//! `lvzhi archive`: the per-delegate archive of one year (or the whole term) as XLSX
//! and Parquet, with the validation report beside it.

use super::annual::DocOptions;
use super::{load, print_validation, Folders};
use crate::documents::chair;
use crate::documents::view;
use crate::domain::archive::{Archive, DelegateArchive};
use crate::domain::findings::Severity;
use crate::domain::score::ScoreRules;
use crate::input::Dataset;
use crate::output::{safe_file, safe_name, Staging};
use crate::render::docx;
use crate::render::template;
use crate::render::{parquet, xlsx};
use anyhow::Result;
use clap::Args;
use std::path::{Path, PathBuf};

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

/// The archive's summary files: the summary workbook, its Parquet twins and the scores,
/// with their paths under `dir`, in a fixed order.
pub fn summary_files(
    dir: &Path,
    archive: &Archive,
    data: &Dataset,
    rules: &(ScoreRules, String),
) -> Result<Files> {
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
    // The Parquet files and the scores are built while the workbook is written.
    let ((parquets, scores), workbook) = crate::par::join(
        || {
            let parquets = || -> Result<Vec<(String, Vec<u8>)>> {
                let mut out = vec![(summary.sheet.clone(), parquet::parquet(&summary)?)];
                for l in &listings {
                    out.push((l.sheet.clone(), parquet::listing_parquet(l)?));
                }
                Ok(out)
            };
            let scores = || {
                let table = chair::score_workbook(archive, &rules.0, &rules.1);
                xlsx::workbook(&table, &format!("{}履职积分", archive.period.label))
            };
            (parquets(), scores())
        },
        || xlsx::workbook_of(&sheets, &title),
    );
    let mut files = vec![(dir.join("履职档案汇总.xlsx"), workbook?)];
    for (sheet, bytes) in parquets? {
        files.push((
            dir.join("parquet").join(safe_file(&sheet, "parquet")),
            bytes,
        ));
    }
    files.push((
        dir.join(safe_file(
            &format!("{}履职积分", archive.period.label),
            "xlsx",
        )),
        scores?,
    ));
    Ok(files)
}

/// Stages the archive: the summary files and one DOCX archive per delegate (and with
/// `bind` one bound volume per group). The summary is built while the documents are
/// rendered. Returns the number of archive documents.
pub fn stage_archive(
    stage: &mut Staging,
    dir: &Path,
    archive: &Archive,
    data: &Dataset,
    rules: &(ScoreRules, String),
    (docs, bind): (&DocOptions, Option<Bind>),
) -> Result<usize> {
    let (summary, documents) = crate::par::join(
        || summary_files(dir, archive, data, rules),
        || stage_documents(stage, dir, archive, data, docs, bind),
    );
    let documents = documents?;
    write_all(stage, summary?)?;
    Ok(documents)
}

/// Output files with their paths, in the order they are written.
type Files = Vec<(PathBuf, Vec<u8>)>;

fn write_all(stage: &mut Staging, files: Files) -> Result<()> {
    for (path, bytes) in files {
        stage.write(path, &bytes)?;
    }
    Ok(())
}

/// What binds one group's archives into a volume: the group, its delegates and their
/// rendered archive contents in archive order; gives the volume's path and bytes.
pub type Bind<'a> =
    &'a (dyn Fn(&str, &[&DelegateArchive], &[docx::Body]) -> Result<(PathBuf, Vec<u8>)> + Sync);

/// Groups rendered together before their files are written: bounds the documents held
/// in memory.
const GROUPS_AT_ONCE: usize = 6;

/// Stages one DOCX archive per delegate under a folder per group and, with `bind`, one
/// bound volume per group made from the same rendered contents. Returns the number of
/// archives.
fn stage_documents(
    stage: &mut Staging,
    dir: &Path,
    archive: &Archive,
    data: &Dataset,
    docs: &DocOptions,
    bind: Option<Bind>,
) -> Result<usize> {
    let tmpl = template::load(&docs.templates, template::DELEGATE_ARCHIVE)?;
    let prepared = template::Prepared::new(&tmpl)?;
    let by = view::ByDelegate::new(&data.records);
    let author = format!("{}代表联络室", data.config.district.standing_committee);
    // Groups in roster order, each with its delegates in archive order.
    let mut groups: Vec<(String, Vec<&DelegateArchive>)> = data
        .roster
        .groups()
        .into_iter()
        .map(|g| (g, Vec::new()))
        .collect();
    let mut index: std::collections::HashMap<String, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, (g, _))| (g.clone(), i))
        .collect();
    for d in &archive.delegates {
        let i = *index.entry(d.delegate.group.clone()).or_insert_with(|| {
            groups.push((d.delegate.group.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(d);
    }
    let render_group = |(group, members): &(String, Vec<&DelegateArchive>)| -> Result<Files> {
        let mut files = Vec::with_capacity(members.len() + 1);
        let mut bodies = Vec::with_capacity(members.len());
        for d in members {
            let (vars, tables) = view::delegate_archive(d, &by, &archive.period, &data.config);
            let doc = prepared.render(&vars, &tables, &author)?;
            let body = docx::body(&doc);
            let name = safe_file(&format!("{}_{}", d.delegate.id, d.delegate.name), "docx");
            files.push((
                dir.join("履职档案").join(safe_name(group)).join(name),
                docx::render_with(&doc, &body)?,
            ));
            bodies.push(body);
        }
        if let Some(bind) = bind {
            files.push(bind(group, members, &bodies)?);
        }
        Ok(files)
    };
    // Groups are independent: rendered on all cores, written in group order; a chunk's
    // files are written while the next chunk is rendered.
    let mut rendered: Vec<Result<Files>> = Vec::new();
    for chunk in groups.chunks(GROUPS_AT_ONCE) {
        let (next, written) = crate::par::join(
            || crate::par::map_dynamic(chunk, render_group),
            || {
                std::mem::take(&mut rendered)
                    .into_iter()
                    .try_for_each(|files| write_all(stage, files?))
            },
        );
        written?;
        rendered = next;
    }
    rendered
        .into_iter()
        .try_for_each(|files| write_all(stage, files?))?;
    Ok(archive.delegates.len())
}

pub fn run(a: &ArchiveArgs) -> Result<String> {
    let span = super::Span::pick(&a.folders.input, a.year, a.term)?;
    let data = load(&a.folders, &span.scope())?;
    let (period, dir) = (span.period(&data.config), span.dir(&data.config));
    let (mut stage, report, archive) =
        super::start_with_archive(&a.folders, &data, &dir, a.exclude_errors, &period)?;
    let errors = data.validation.count(Severity::Error);
    let rules = ScoreRules::load(&a.folders.input)?;
    let delegates = archive.delegates.len();
    let validation = if a.summary_only {
        let files = summary_files(&dir, &archive, &data, &rules)?;
        let Dataset {
            config,
            roster,
            records,
            validation,
            years,
        } = data;
        // Millions of records (a province) take a while to free: one core frees them
        // while the other writes the files.
        let ((), written) = crate::par::join(
            move || drop((config, roster, records, years, archive)),
            || write_all(&mut stage, files),
        );
        written?;
        validation
    } else {
        stage_archive(&mut stage, &dir, &archive, &data, &rules, (&a.docs, None))?;
        data.validation
    };
    stage.commit()?;
    print_validation(&validation, &report);
    if errors > 0 {
        eprintln!("已按 --exclude-errors 剔除有错误的数据行（共 {errors} 处错误）后生成。");
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
