//! lvzhi (履职): turns the sheets that a district people's congress's delegate groups
//! send in into each delegate's performance archive (履职档案) and the documents the
//! standing committee works from.
//!
//! Stages: read (calamine) → input (validate, normalise, merge) → archive (polars) →
//! view → render (XLSX, Parquet). Commands under `cmd` wire the stages together.

pub mod cli;
pub mod config;
pub mod documents;
pub mod domain;
pub mod input;
pub mod messages;
pub mod output;
pub mod par;
pub mod progress;
pub mod render;
pub mod sample;
pub mod web;

use clap::{ArgAction, Parser};
use std::ffi::OsString;
use std::io::Write;

/// The input has errors and the user did not accept excluding those rows: exit code 1.
#[derive(Debug, thiserror::Error)]
#[error("输入数据中有 {errors} 处错误，未生成档案和文档。请按校验报告（{report}）修改后重新运行；如确需先剔除这些行再生成，请加参数 --exclude-errors")]
pub struct DataErrors {
    pub errors: usize,
    pub report: String,
}

const HELP_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}";

#[derive(Debug, Parser)]
#[command(
    name = "lvzhi",
    version,
    about = "lvzhi（履职）：把各代表小组报送的表格汇总为代表履职档案，并生成常委会所需的文书。",
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项",
    override_usage = "lvzhi <命令> [选项]"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: cli::Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本号
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

/// Runs the command line and returns the process exit code.
pub fn main_with_args<I: IntoIterator<Item = T>, T: Into<OsString> + Clone>(args: I) -> i32 {
    let args: Vec<T> = args.into_iter().collect();
    // A double-click starts the program without arguments: open the workbench.
    let args = if args.len() == 1 {
        vec![args[0].clone().into(), OsString::from("serve")]
    } else {
        args.into_iter().map(Into::into).collect()
    };
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        progress::set_sink(Some(std::sync::Arc::new(progress::Terminal::default())));
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        // Help and version are clap's own output (already in Chinese).
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
        Err(e) => {
            let _ = write!(std::io::stderr().lock(), "{}", cli::usage::explain(&e));
            return 2;
        }
    };
    match cli::run(cli.command) {
        Ok(()) => 0,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "错误：{e}");
            for cause in e.chain().skip(1) {
                // Library causes in English (the OS's) are told in Chinese.
                match cause.downcast_ref::<std::io::Error>() {
                    Some(io) => {
                        let _ = writeln!(err, "  原因：{}", messages::io_text(io));
                    }
                    None => {
                        let _ = writeln!(err, "  原因：{cause}");
                    }
                }
            }
            if e.downcast_ref::<DataErrors>().is_some() {
                1
            } else {
                2
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
