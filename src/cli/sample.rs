//! `lvzhi sample`: writes the synthetic sample district.

use crate::output::Staging;
use crate::sample::{generate, Spec};
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// 写入的文件夹（如 input）
    #[arg(long, value_name = "文件夹")]
    pub dir: PathBuf,
    /// 随机种子：相同的种子总是生成完全相同的文件（默认 2022）
    #[arg(
        long,
        default_value_t = 2022,
        hide_default_value = true,
        value_name = "整数"
    )]
    pub seed: u64,
    /// 代表小组个数（默认 18）
    #[arg(
        long,
        default_value_t = 18,
        hide_default_value = true,
        value_name = "个数"
    )]
    pub groups: usize,
    /// 代表人数（默认 220）
    #[arg(
        long,
        default_value_t = 220,
        hide_default_value = true,
        value_name = "人数"
    )]
    pub delegates: usize,
    /// 生成几个年度的报送表（1 到 5，默认 5；性能测试用）
    #[arg(
        long,
        default_value_t = 5,
        hide_default_value = true,
        value_name = "年数"
    )]
    pub years: usize,
    /// 代表履职活跃度（1 到 5，默认 1：每名代表每年约 10 条记录；5 约 40 条，含每月小组活动和联络站接待；性能测试用）
    #[arg(
        long,
        default_value_t = 1,
        hide_default_value = true,
        value_name = "级别"
    )]
    pub activity: usize,
    /// 文件夹中已有文件时仍然写入（覆盖同名文件）
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: &SampleArgs) -> Result<()> {
    if !(1..=5).contains(&a.activity) {
        bail!("--activity 应为 1 到 5 之间的整数");
    }
    if a.groups == 0 || a.delegates < a.groups * 3 {
        bail!("每个代表小组至少需要 3 名代表：--delegates 应不少于 --groups 的 3 倍");
    }
    let non_empty = a.dir.is_dir()
        && std::fs::read_dir(&a.dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
    if non_empty && !a.force {
        bail!(
            "文件夹 {} 不是空的；如确要覆盖其中的示例文件，请加 --force",
            a.dir.display()
        );
    }
    let spec = Spec {
        seed: a.seed,
        groups: a.groups,
        delegates: a.delegates,
        years: a.years,
        activity: a.activity,
        ..Spec::default()
    };
    let district = generate(&spec)?;
    let stage = Staging::new(&a.dir)?;
    for (rel, bytes) in &district.files {
        stage.write(rel, bytes)?;
    }
    let written = stage.commit()?;
    super::say(&format!(
        "已在 {} 生成示例区：{} 个代表小组、{} 名代表，共 {} 个文件。\n",
        a.dir.display(),
        a.groups,
        a.delegates,
        written.len()
    ));
    Ok(())
}
