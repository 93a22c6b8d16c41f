//! One file per subcommand; each wires the stages for its job and writes atomically.

pub mod annual;
pub mod archive;
pub mod check;
pub mod commend;
pub mod evaluation;
pub mod forms;
pub mod public;
pub mod quarterly;
pub mod sample;
pub mod shared;
pub mod term;
pub mod usage;

use crate::domain::findings::{Severity, Validation};
use crate::input::{self, Dataset, YearScope};
use crate::output::{check_not_inside, Staging};
use crate::render::xlsx;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 校验报送表格，生成校验报告（不生成档案）
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi check [选项]")]
    Check(check::CheckArgs),
    /// 年度工作：履职档案、向常委会的年度履职工作情况报告及附表、校验报告
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi annual [选项]")]
    Annual(annual::AnnualArgs),
    /// 生成某一年度（或整个届期）的代表履职档案：汇总表、Parquet 和每位代表的 Word 档案
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi archive [选项]")]
    Archive(archive::ArchiveArgs),
    /// 届末工作：届期档案、继续提名建议名单、代表资格情况报告、述职完成情况和装订档案
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi term [选项]")]
    Term(term::TermArgs),
    /// 表彰：按主任会议的决定文件生成公示、表彰通报和通报表彰记录
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi commend [选项]")]
    Commend(commend::CommendArgs),
    /// 季度统计：各代表小组履职情况、缺报情况和情况通报
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi quarterly --quarter <季度> [选项]")]
    Quarterly(quarterly::QuarterlyArgs),
    /// 印制述职评议表（每位代表一页）和评议结果汇总表
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi evaluation [选项]")]
    Evaluation(evaluation::EvaluationArgs),
    /// 公开版履职档案：Excel 和可离线浏览的网页（不含联系电话、出生日期等隐私）
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi public [选项]")]
    Public(public::PublicArgs),
    /// 为每个报送单位生成空白报送表（含填表说明和下拉选项）
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi forms [选项]")]
    Forms(forms::FormsArgs),
    /// 生成一个虚构的示例区（名册、配置和各年度报送表），用于试用和测试
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi sample [选项]")]
    Sample(sample::SampleArgs),
    /// 打开本机工作台（浏览器界面）：报送、校验、生成和下载文书
    #[command(help_template = crate::HELP_TEMPLATE, next_help_heading = "选项", override_usage = "lvzhi serve [选项]")]
    Serve(crate::web::ServeArgs),
}

/// Options every job shares.
#[derive(Debug, Clone, Args)]
pub struct Folders {
    /// 输入文件夹：含 lvzhi.toml、代表名册.xlsx 和各年度文件夹（默认 input）
    #[arg(
        long,
        default_value = "input",
        hide_default_value = true,
        value_name = "文件夹"
    )]
    pub input: PathBuf,
    /// 输出文件夹：生成的文件写在这里，不能在输入文件夹之内（默认 reports）
    #[arg(
        long,
        default_value = "reports",
        hide_default_value = true,
        value_name = "文件夹"
    )]
    pub output: PathBuf,
    /// 逐个文件列出读取、接受、合并和剔除的行数
    #[arg(long)]
    pub verbose: bool,
}

pub fn run(c: Command) -> Result<()> {
    let summary = match c {
        Command::Check(a) => return check::run(&a),
        Command::Annual(a) => annual::run(&a)?,
        Command::Archive(a) => archive::run(&a)?,
        Command::Commend(a) => commend::run(&a)?,
        Command::Evaluation(a) => evaluation::run(&a)?,
        Command::Forms(a) => forms::run(&a)?,
        Command::Public(a) => public::run(&a)?,
        Command::Quarterly(a) => quarterly::run(&a)?,
        Command::Sample(a) => return sample::run(&a),
        Command::Term(a) => term::run(&a)?,
        Command::Serve(a) => return crate::web::serve(&a),
    };
    // The jobs return their closing line so that the workbench shows the same text.
    // Results go to stdout; progress and diagnostics to stderr.
    say(&format!("{summary}\n"));
    Ok(())
}

/// Writes results to stdout, ignoring a closed stdout: a job run from the workbench (whose
/// stdout the launcher may have closed) or piped into `head` must not fail for it.
pub fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// The year a job works on: the one given, else the latest year folder.
pub fn pick_year(input: &Path, year: Option<i32>) -> Result<i32> {
    if let Some(y) = year {
        return Ok(y);
    }
    let years = crate::input::year_folders(input)?;
    let y = years
        .last()
        .copied()
        .with_context(|| format!("输入文件夹 {} 中没有年度文件夹（如 2025）", input.display()))?;
    eprintln!("未指定 --year，按最近的年度 {y} 处理。");
    Ok(y)
}

/// What a job covers: one year, or the whole term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Year(i32),
    Term,
}

impl Span {
    /// `--term`, else `--year` (or the latest year folder).
    pub fn pick(input: &Path, year: Option<i32>, term: bool) -> Result<Span> {
        Ok(if term {
            Span::Term
        } else {
            Span::Year(pick_year(input, year)?)
        })
    }

    /// The year folders the job reads.
    pub fn scope(self) -> YearScope {
        match self {
            Span::Year(y) => YearScope::One(y),
            Span::Term => YearScope::All,
        }
    }

    pub fn period(self, config: &crate::config::Config) -> crate::domain::archive::Period {
        match self {
            Span::Year(y) => crate::domain::archive::Period::year(y),
            Span::Term => crate::domain::archive::Period::term(config),
        }
    }

    /// The output folder: `<year>/` or `term-<届别>/`.
    pub fn dir(self, config: &crate::config::Config) -> PathBuf {
        match self {
            Span::Year(y) => PathBuf::from(y.to_string()),
            Span::Term => PathBuf::from(format!("term-{}", config.term.number)),
        }
    }
}

/// Loads the input with the output-folder guard applied first.
pub fn load(folders: &Folders, scope: &YearScope) -> Result<Dataset> {
    check_not_inside(&folders.output, &folders.input)?;
    let data = input::load(&folders.input, scope)?;
    keep_names_whole(&data.config, &data.roster);
    Ok(data)
}

/// The district's proper names (committees, offices, groups) as words a title or a
/// table header must not split.
pub fn keep_names_whole(config: &crate::config::Config, roster: &crate::domain::model::Roster) {
    let d = &config.district;
    let u = &config.units;
    let fixed = [&d.congress, &d.standing_committee, &u.office, &u.liaison];
    crate::render::layout::keep_whole(
        fixed
            .into_iter()
            .chain(&u.special_committees)
            .cloned()
            .chain(roster.groups()),
    );
}

/// Problems listed on the console before "另有 N 条": the rest are in the report.
pub const LISTED: usize = 10;

/// Prints the validation outcome: the totals (and with `--verbose` each file's rows) to
/// stdout, the first errors and warnings to stderr, and where the rest are.
pub fn print_validation(folders: &Folders, v: &Validation, report: &Path) {
    let mut out = v.totals();
    if folders.verbose {
        out.push_str(&v.file_lines());
    }
    say(&out);
    eprint!("{}", problem_lines(v, report, LISTED));
}

/// The errors, then the warnings, the first `shown` of them one per line, then
/// "另有 N 条，见校验报告 <file>" for the rest (or where the full list is).
pub fn problem_lines(v: &Validation, report: &Path, shown: usize) -> String {
    let mut problems: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    // Stable: errors first, each severity in the report's order.
    problems.sort_by_key(|f| f.severity);
    let mut s = String::new();
    for f in problems.iter().take(shown) {
        s.push_str(&format!("  {}\n", f.one_line()));
    }
    if problems.len() > shown {
        s.push_str(&format!(
            "  另有 {} 条，见校验报告 {}\n",
            problems.len() - shown,
            report.display()
        ));
    } else if !problems.is_empty() {
        s.push_str(&format!("  详见校验报告 {}\n", report.display()));
    }
    s
}

/// Starts a job's outputs in `dir`: stages 校验报告.xlsx and, when the data has errors
/// the user did not accept excluding, writes just that report and stops (exit code 1).
/// Returns the staging area and the report's final path.
pub fn start_outputs(
    folders: &Folders,
    v: &Validation,
    dir: &Path,
    exclude_errors: bool,
) -> Result<(Staging, PathBuf)> {
    let report_rel = dir.join("校验报告.xlsx");
    let report_path = folders.output.join(&report_rel);
    let mut stage = Staging::new(&folders.output)?;
    stage_validation_report(&mut stage, &report_rel, v)?;
    let errors = v.count(Severity::Error);
    if errors > 0 && !exclude_errors {
        stage.commit()?;
        print_validation(folders, v, &report_path);
        return Err(crate::DataErrors {
            errors,
            report: report_path.display().to_string(),
        }
        .into());
    }
    Ok((stage, report_path))
}

/// `start_outputs`, then the archive of `period` (a refused report stops first).
pub fn start_with_archive(
    folders: &Folders,
    data: &Dataset,
    dir: &Path,
    exclude_errors: bool,
    period: &crate::domain::archive::Period,
) -> Result<(Staging, PathBuf, crate::domain::archive::Archive)> {
    let (stage, report) = start_outputs(folders, &data.validation, dir, exclude_errors)?;
    let archive = crate::domain::archive::build(&data.roster, &data.records, period, &data.config)?;
    Ok((stage, report, archive))
}

/// The 成文日期 given with --date, or the job's default.
pub fn doc_date(given: &Option<String>, default: chrono::NaiveDate) -> Result<chrono::NaiveDate> {
    match given {
        Some(s) => crate::domain::text::parse_date_text(s)
            .with_context(|| format!("无法识别的日期「{s}」，请写成 2026-01-10")),
        None => Ok(default),
    }
}

/// Stages 校验报告.xlsx.
pub fn stage_validation_report(stage: &mut Staging, rel: &Path, v: &Validation) -> Result<()> {
    let report = crate::documents::validation_report::validation_report(v);
    let bytes = xlsx::workbook(&report.sheets, "校验报告")?;
    stage.write(rel, &bytes)
}
