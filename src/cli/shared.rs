//! What the document-writing subcommands share: the document options, rendering a
//! template into a staged DOCX, and staging a period's archive (summary workbook,
//! Parquet, scores, one DOCX per delegate and, at term end, one bound volume per group).

use crate::documents::{archive_summary, chair, delegate_archive, term, DocumentView, Word};
use crate::domain::archive::{Archive, DelegateArchive};
use crate::domain::score::ScoreRules;
use crate::input::Dataset;
use crate::output::{safe_file, safe_name, Staging};
use crate::render::{docx, parquet, template, xlsx};
use anyhow::Result;
use clap::Args;
use std::path::{Path, PathBuf};

/// Options of the jobs that write documents.
#[derive(Debug, Clone, Args)]
pub struct DocOptions {
    /// 模板文件夹：其中与内置模板同名的文件将代替内置模板（默认 templates）
    #[arg(
        long,
        default_value = "templates",
        hide_default_value = true,
        value_name = "文件夹"
    )]
    pub templates: PathBuf,
    /// 成文日期，如 2026-01-10（默认：年度工作为该年 12 月 31 日，届末工作为届期结束日）
    #[arg(long, value_name = "日期")]
    pub date: Option<String>,
}

/// Renders templates into DOCX files named by their titles.
pub struct Docs<'a> {
    pub templates: &'a Path,
    pub author: &'a str,
    /// 成文日期, written out.
    pub date: String,
}

impl Docs<'_> {
    /// Stages a document's editions: the Word file named by its title, and the workbook
    /// named by `view.workbook` or else that title. Returns the Word title, or else the
    /// workbook's name.
    pub fn write_view(&self, stage: &Staging, dir: &Path, view: DocumentView) -> Result<String> {
        let doc = match view.word {
            Some(Word::Template {
                name,
                mut vars,
                tables,
            }) => {
                if let serde_json::Value::Object(m) = &mut vars {
                    m.entry("date")
                        .or_insert_with(|| serde_json::Value::from(self.date.clone()));
                }
                let tmpl = template::load(self.templates, name)?;
                let mut doc = template::render(&tmpl, &vars, &tables, self.author)?;
                // "见附表": the Word file holds the appendix it cites.
                docx::append_cited_sheets(&mut doc, &view.sheets);
                Some(doc)
            }
            Some(Word::Laid(doc)) => Some(doc),
            None => None,
        };
        let title = match doc {
            Some(doc) => {
                let title = doc.title.replace('\n', "");
                let file = view.file.as_deref().unwrap_or(&title);
                stage.write(dir.join(safe_file(file, "docx")), &docx::render(&doc)?)?;
                Some(title)
            }
            None => None,
        };
        let name = view.workbook.or_else(|| title.clone()).unwrap_or_default();
        if !view.sheets.is_empty() {
            stage.write(
                dir.join(safe_file(&name, "xlsx")),
                &xlsx::workbook(&view.sheets, &name)?,
            )?;
        }
        Ok(title.unwrap_or(name))
    }
}

/// Stages the archive's summary files under `dir`: the summary workbook, its Parquet
/// twins and the scores, each written as soon as it is made (at 10,000 delegates the
/// workbook alone is some 50 MB).
pub fn stage_summary(
    stage: &Staging,
    dir: &Path,
    archive: &Archive,
    data: &Dataset,
    rules: &(ScoreRules, String),
) -> Result<()> {
    let (summary, listings) = archive_summary::archive_workbook(
        archive,
        &data.records,
        &data.roster,
        &data.config.district.name,
        &data.config.suggestions.legend,
        data.config.rating.grades(),
    );
    let title = format!(
        "{}人大代表{}履职档案汇总",
        data.config.district.name, archive.period.label
    );
    let mut sheets = vec![xlsx::Sheet::Table(&summary)];
    sheets.extend(listings.iter().map(xlsx::Sheet::Listing));
    stage.write(
        dir.join("履职档案汇总.xlsx"),
        &xlsx::workbook_of(&sheets, &title)?,
    )?;
    let parquet_dir = dir.join("parquet");
    stage.write(
        parquet_dir.join(safe_file(&summary.sheet, "parquet")),
        &parquet::parquet(&summary)?,
    )?;
    for l in &listings {
        stage.write(
            parquet_dir.join(safe_file(&l.sheet, "parquet")),
            &parquet::listing_parquet(l)?,
        )?;
    }
    let scores = chair::score_workbook(archive, &rules.0, &rules.1);
    let label = format!("{}履职积分", archive.period.label);
    stage.write(
        dir.join(safe_file(&label, "xlsx")),
        &xlsx::workbook(&scores, &label)?,
    )
}

/// A document the caller renders and stages itself (a report, a list): run in the same
/// parallel map as the archive's documents, so that no core waits for the others.
pub type Other<'a> = Box<dyn Fn() -> Result<()> + Sync + 'a>;

/// One unit of the parallel map of `stage_archive`.
enum Job<'a> {
    /// The summary workbook, its Parquet twins and the scores.
    Summary,
    /// A delegate's archive, in the folder of their group.
    Archive(&'a str, &'a DelegateArchive),
    /// A document of the caller's (see [`Other`]).
    Other(&'a Other<'a>),
    /// A group's bound volume (装订成册): its cover, then each member's archive.
    Volume(&'a str, &'a [&'a DelegateArchive]),
}

/// Stages the archive: the summary files and one DOCX archive per delegate under a
/// folder per group, and with `volumes` one bound volume per group; and the caller's
/// `others` alongside. Returns the number of archive documents.
#[allow(clippy::too_many_arguments)] // the archive's inputs, the caller's documents
pub fn stage_archive(
    stage: &Staging,
    dir: &Path,
    archive: &Archive,
    data: &Dataset,
    rules: &(ScoreRules, String),
    docs: &DocOptions,
    volumes: bool,
    others: &[Other<'_>],
) -> Result<usize> {
    let tmpl = template::load(&docs.templates, template::DELEGATE_ARCHIVE)?;
    let prepared = template::Prepared::new(&tmpl)?;
    let by = delegate_archive::ByDelegate::new(&data.records);
    let author = format!("{}代表联络室", data.config.district.standing_committee);
    let archive_doc = |d: &DelegateArchive| match delegate_archive::delegate_archive(
        d,
        &by,
        &archive.period,
        &data.config,
    )
    .word
    {
        Some(Word::Template { vars, tables, .. }) => prepared.render(&vars, &tables, &author),
        _ => anyhow::bail!("代表履职档案没有 Word 文本"),
    };
    // The volumes' covers carry the date the job is for (--date, else the period's end).
    let date = if volumes {
        super::doc_date(&docs.date, archive.period.end)?
    } else {
        archive.period.end
    };
    let groups = groups_in_order(archive, data);
    // The summary workbook, the largest, first and beside the small archives only; the
    // other large documents (reports, volumes) after it: at 10,000 delegates the summary
    // beside two volumes took `term` over 1 GB.
    let mut jobs = vec![Job::Summary];
    for (group, members) in &groups {
        jobs.extend(members.iter().map(|d| Job::Archive(group, d)));
    }
    jobs.extend(others.iter().map(Job::Other));
    if volumes {
        jobs.extend(groups.iter().map(|(g, m)| Job::Volume(g, m)));
    }
    // Documents are independent: rendered on all cores, each staged as soon as it is
    // done so that no more than one per thread is held in memory (paths are fixed, so
    // the files do not depend on the order).
    let staged = crate::par::map(&jobs, |job| -> Result<()> {
        let (path, bytes) = match job {
            Job::Summary => return stage_summary(stage, dir, archive, data, rules),
            Job::Other(f) => return f(),
            Job::Archive(group, d) => {
                let name = safe_file(&format!("{}_{}", d.delegate.id, d.delegate.name), "docx");
                let bytes = docx::render(&archive_doc(d)?)?;
                (
                    dir.join("履职档案").join(safe_name(group)).join(name),
                    bytes,
                )
            }
            Job::Volume(group, members) => {
                let cover = term::volume(group, &data.config, members, &author, date);
                let parts = members
                    .iter()
                    .map(|d| {
                        Ok(docx::Part {
                            head: term::running_head(d),
                            document: archive_doc(d)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let bytes = docx::render_bound(&cover, &parts)?;
                (dir.join("装订成册").join(safe_file(group, "docx")), bytes)
            }
        };
        stage.write(path, &bytes)
    });
    // The first error in job order, whichever thread met it first.
    staged.into_iter().collect::<Result<()>>()?;
    Ok(archive.delegates.len())
}

/// Groups in roster order (then any group only the archive knows), each with its
/// delegates in archive order.
fn groups_in_order<'a>(
    archive: &'a Archive,
    data: &Dataset,
) -> Vec<(String, Vec<&'a DelegateArchive>)> {
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
    groups
}

/// The credentials committee's report on the qualification changes of `period` and the
/// standing committee's 公告 of the seats (R8) numbered `number` (none: 第　号 to fill
/// in by hand), into `dir`.
pub fn stage_qualification(
    stage: &Staging,
    docs: &Docs,
    dir: &Path,
    data: &Dataset,
    period: &crate::domain::archive::Period,
    number: Option<&str>,
) -> Result<()> {
    use crate::documents::qualification::{Qualification, Span};
    let span = Span {
        label: &period.label,
        from: period.start,
        to: period.end,
    };
    let q = Qualification::new(&data.roster, &data.records, &data.config, &span);
    docs.write_view(stage, dir, q.report())?;
    let mut notice = q.notice(number);
    notice.file = Some(format!("{}代表资格和代表名额公告", period.label));
    docs.write_view(stage, dir, notice)?;
    Ok(())
}

/// The 提醒 letters of the archive's period, dated `date`: one page per delegate after a
/// cover listing them, into `dir`. Returns the number of letters (none: no file).
pub fn stage_reminders(
    stage: &Staging,
    docs: &Docs,
    date: chrono::NaiveDate,
    dir: &Path,
    archive: &Archive,
    data: &Dataset,
) -> Result<usize> {
    use crate::documents::reminders;
    let letters = reminders::letters(archive, &data.records, &data.config, date);
    if letters.is_empty() {
        return Ok(0);
    }
    let tmpl = template::load(docs.templates, template::REMINDER)?;
    let prepared = template::Prepared::new(&tmpl)?;
    let parts = letters
        .iter()
        .map(|l| {
            let mut vars = l.vars.clone();
            vars["date"] = docs.date.clone().into();
            prepared.render(&vars, &std::collections::HashMap::new(), docs.author)
        })
        .collect::<Result<Vec<_>>>()?;
    let label = &archive.period.label;
    let cover = reminders::cover(&letters, &data.config, label, docs.author);
    stage.write(
        dir.join(safe_file(&format!("{label}履职提醒函"), "docx")),
        &docx::render_letters(&cover, &parts)?,
    )?;
    Ok(letters.len())
}
