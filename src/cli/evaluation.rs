//! `lvzhi evaluation`: the 述职评议表 to print (one page per delegate) and the tally
//! workbook that comes back as input, into `reports/<year>/述职评议表/`.

use super::{pick_year, Folders};
use crate::documents::evaluation;
use crate::input::{self, YearScope};
use crate::output::{check_not_inside, Staging};
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct EvaluationArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// 年度，如 2026；不指定则取最近的年度文件夹
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
    /// 评议会议日期，如 2026-11-20：印在表上，年龄按这一天计算（不指定则表上留空，年龄按 --year 该年 12 月 31 日计算，不晚于届期结束日）
    #[arg(long, value_name = "日期")]
    pub date: Option<String>,
    /// 只为这些代表印制，代表编号用逗号分隔（不指定则为本届尚未述职的全部在任代表）
    #[arg(long, value_name = "编号", value_delimiter = ',')]
    pub ids: Vec<String>,
}

pub fn run(a: &EvaluationArgs) -> Result<String> {
    check_not_inside(&a.folders.output, &a.folders.input)?;
    let year = pick_year(&a.folders.input, a.year)?;
    let meeting = match &a.date {
        Some(s) => Some(
            crate::domain::text::parse_date_text(s)
                .ok_or_else(|| anyhow::anyhow!("无法识别的日期「{s}」，请写成 2026-11-20"))?,
        ),
        None => None,
    };
    let data = input::load(&a.folders.input, &YearScope::All)?;
    super::keep_names_whole(&data.config, &data.roster);
    let on = evaluation::evaluation_day(meeting, year, data.config.term.end);
    let delegates = if a.ids.is_empty() {
        evaluation::due(&data.roster, &data.records, on, &data.config)
    } else {
        let mut out = Vec::new();
        for id in &a.ids {
            let id = crate::domain::text::clean_text(id);
            match data.roster.by_id(&id) {
                Some(d) => out.push(d),
                None => bail!("代表名册中没有编号为 {id} 的代表"),
            }
        }
        out
    };
    if delegates.is_empty() {
        bail!(
            "没有需要印制述职评议表的代表：本届在任代表均已述职（如需为指定代表印制，请用 --ids）"
        );
    }
    let author = format!("{}代表联络室", data.config.district.standing_committee);
    let dir = PathBuf::from(year.to_string()).join("述职评议表");
    let stage = Staging::new(&a.folders.output)?;
    let docs = super::shared::Docs {
        templates: std::path::Path::new(""),
        author: &author,
        date: String::new(),
    };
    docs.write_view(
        &stage,
        &dir,
        evaluation::ballots(&delegates, meeting, on, &data.config, &author),
    )?;
    stage.commit()?;
    // Without --date the ages are those of a day the clerk did not choose: say which.
    let ages = if meeting.is_some() {
        String::new()
    } else {
        format!(
            "；未指定评议会议日期，年龄按{}计算，可用 --date 指定",
            crate::domain::text::chinese_date(on)
        )
    };
    Ok(format!(
        "已为 {} 名代表生成述职评议表：{}（评议后在汇总表中填写票数，放入 {} 即可作为报送表读取）{ages}",
        delegates.len(),
        a.folders.output.join(&dir).display(),
        a.folders.input.join(year.to_string()).display()
    ))
}
