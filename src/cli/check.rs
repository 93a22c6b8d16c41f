//! `lvzhi check`: validation only.

use super::{load, print_validation, stage_validation_report, Folders};
use crate::input::YearScope;
use crate::output::Staging;
use crate::DataErrors;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// 只校验这一年度的文件夹；不指定则校验全部年度
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
}

pub fn run(a: &CheckArgs) -> Result<()> {
    let (scope, rel) = match a.year {
        Some(y) => (
            YearScope::One(y),
            PathBuf::from(y.to_string()).join("校验报告.xlsx"),
        ),
        None => (YearScope::All, PathBuf::from("校验报告.xlsx")),
    };
    let data = load(&a.folders, &scope)?;
    let mut stage = Staging::new(&a.folders.output)?;
    stage_validation_report(&mut stage, &rel, &data.validation)?;
    stage.commit()?;
    let report = a.folders.output.join(&rel);
    print_validation(&a.folders, &data.validation, &report);
    let errors = data
        .validation
        .count(crate::domain::findings::Severity::Error);
    if errors > 0 {
        return Err(DataErrors {
            errors,
            report: report.display().to_string(),
        }
        .into());
    }
    super::say("校验通过，没有错误。\n");
    Ok(())
}
