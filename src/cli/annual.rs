//! `lvzhi annual`: the whole yearly job: the archive (summary workbook, Parquet and each
//! delegate's DOCX), the report to the standing committee and its 附表, into
//! `reports/<year>/`.

use super::shared::{stage_archive, DocOptions, Docs, Other};
use super::{load, pick_year, print_validation, Folders};
use crate::documents::annual;
use crate::documents::chair::{self, Body};
use crate::domain::archive::Period;
use crate::domain::score::ScoreRules;
use crate::input::YearScope;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AnnualArgs {
    #[command(flatten)]
    pub folders: Folders,
    #[command(flatten)]
    pub docs: DocOptions,
    /// 年度，如 2025；不指定则取最近的年度文件夹
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
    /// 剔除有错误的行后继续生成（被剔除的行列在校验报告中）
    #[arg(long)]
    pub exclude_errors: bool,
    /// 代表资格和代表名额公告的编号，如 3（印作“第3号”）；不指定则印“第　号”，由工作人员手填
    #[arg(long = "notice-number", alias = "number", value_name = "编号")]
    pub notice_number: Option<String>,
    /// 在常委会会议上所作的报告：会议名称，如“第六届人大常委会第三十次会议”（报告加副题“——某年某月某日在……上”，不写主送和落款）
    #[arg(long, value_name = "会议")]
    pub meeting: Option<String>,
    /// 报告人，印在副题下一行，如“代表联络室主任 张三”（与 --meeting 一起使用）
    #[arg(long, value_name = "报告人", requires = "meeting")]
    pub reporter: Option<String>,
}

pub fn run(a: &AnnualArgs) -> Result<String> {
    let year = pick_year(&a.folders.input, a.year)?;
    // The term so far is read once: this year's records make the documents, earlier
    // years feed the term-wide rules; only this year's findings are reported.
    let mut data = load(&a.folders, &YearScope::UpTo(year))?;
    data.validation = data.validation.for_year(year);
    let dir = PathBuf::from(year.to_string());
    let period = Period::year(year);
    let (stage, report_path, archive) =
        super::start_with_archive(&a.folders, &data, &dir, a.exclude_errors, &period)?;
    let date = super::doc_date(
        &a.docs.date,
        chrono::NaiveDate::from_ymd_opt(year, 12, 31).context("年度无效")?,
    )?;
    let history = &data.records;
    let rules = ScoreRules::load(&a.folders.input)?;

    let mut view = annual::build(
        &archive,
        &data.records,
        history,
        &data.roster,
        &data.config,
        crate::domain::text::chinese_date(date),
    );
    let given = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    view.report.meeting = given(&a.meeting).map(|m| {
        annual::full_meeting_name(&m, &data.config.district.name, &data.config.term_name())
    });
    // The meeting's name stays on one of the subtitle's lines, with its 在…上.
    crate::render::layout::keep_whole(
        view.report
            .meeting
            .iter()
            .flat_map(|m| [format!("在{m}上"), m.clone()]),
    );
    view.report.reporter = given(&a.reporter).filter(|_| view.report.meeting.is_some());
    let author = format!("{}代表联络室", data.config.district.standing_committee);
    let docs = Docs {
        templates: &a.docs.templates,
        author: &author,
        date: crate::domain::text::chinese_date(date),
    };
    // The report, the chairperson's-meeting package, the qualification documents and
    // the letters: each built and written in the archive's parallel map.
    let (delegates, title) = {
        let stage = &stage;
        let title = std::sync::OnceLock::new();
        let chair_dir = dir.join("主任会议");
        let max = data.config.thresholds.outstanding_suggestions_max as usize;
        let bodies: Vec<Body> = std::iter::once(Body::StandingCommittee)
            .chain(
                data.config
                    .units
                    .special_committees
                    .iter()
                    .map(|c| Body::Committee(c)),
            )
            .collect();
        let mut others: Vec<Other> = vec![Box::new(|| {
            let report = annual::report(&view, &archive, &data.roster.groups())?;
            let _ = title.set(docs.write_view(stage, &dir, report)?);
            Ok(())
        })];
        for body in &bodies {
            others.push(Box::new(|| {
                let doc = chair::members_report(body, &archive, &data.records, &data.config);
                docs.write_view(stage, &chair_dir, doc).map(drop)
            }));
        }
        others.push(Box::new(|| {
            let doc =
                chair::reports_to_voters(&view, &archive, &data.records, history, &data.config);
            docs.write_view(stage, &chair_dir, doc).map(drop)
        }));
        others.push(Box::new(|| {
            let doc = chair::outstanding_delegates(&archive, &data.records, &rules.0, &data.config);
            docs.write_view(stage, &chair_dir, doc).map(drop)
        }));
        others.push(Box::new(|| {
            let doc = chair::outstanding_suggestions(&archive, &data.records, &data.config, max);
            docs.write_view(stage, &chair_dir, doc).map(drop)
        }));
        others.push(Box::new(|| {
            super::shared::stage_qualification(
                stage,
                &docs,
                &dir.join("代表资格"),
                &data,
                &period,
                a.notice_number.as_deref(),
            )
        }));
        others.push(Box::new(|| {
            super::shared::stage_reminders(stage, &docs, date, &dir.join("提醒函"), &archive, &data)
                .map(drop)
        }));
        let delegates = stage_archive(
            stage, &dir, &archive, &data, &rules, &a.docs, false, &others,
        )?;
        drop(others);
        (delegates, title.into_inner().unwrap_or_default())
    };
    stage.commit()?;
    print_validation(&a.folders, &data.validation, &report_path);
    Ok(format!(
        "已生成 {}：《{title}》及附表、{delegates} 名代表的履职档案和履职档案汇总。",
        a.folders.output.join(&dir).display()
    ))
}
