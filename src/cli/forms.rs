//! `lvzhi forms`: blank submission workbooks for every unit, with canonical headers,
//! a 填表说明 sheet and dropdowns, ready to send out. They read back cleanly.

use super::{pick_year, Folders};
use crate::domain::model::{
    ActivityKind, Delegate, HandlingResult, MeetingKind, Presence, SuggestionCategory,
};
use crate::input::header::{self, SheetSpec};
use crate::input::{load_base, UnitKind};
use crate::output::{check_not_inside, safe_file, Staging};
use crate::render::xlsx::{self, Dropdown, Table};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct FormsArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// 报送年度，用于文件夹和表头标题；不指定则取最近的年度文件夹
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
}

/// Rows of each record sheet that carry dropdowns.
const INPUT_ROWS: u32 = 1000;

fn strings(v: impl IntoIterator<Item = &'static str>) -> Vec<String> {
    v.into_iter().map(String::from).collect()
}

/// The dropdown for a canonical column, if it has one.
fn dropdown_for(column: &str, names: &str) -> Option<Dropdown> {
    Some(match column {
        "会议类别" => Dropdown::Values(strings(MeetingKind::ALL.map(|k| k.label()))),
        "出席情况" => Dropdown::Values(strings(Presence::ALL.map(|p| p.label()))),
        "活动类别" => Dropdown::Values(strings(ActivityKind::ALL.map(|k| k.label()))),
        "提出时段" => Dropdown::Values(strings(["大会期间", "闭会期间"])),
        "办理结果" => Dropdown::Values(strings(HandlingResult::ALL.map(|r| r.code()))),
        "办理结果满意度" | "办理工作满意度" => {
            Dropdown::Values(strings(["满意", "基本满意", "不满意"]))
        }
        "类别" => Dropdown::Values(strings(SuggestionCategory::ALL.map(|c| c.label()))),
        "性质" => Dropdown::Values(strings(["建议", "议案"])),
        "重点督办" => Dropdown::Values(strings(["是", "否"])),
        "办理方式" => Dropdown::Values(strings(
            crate::domain::contact::ContactHandling::ALL.map(|h| h.label()),
        )),
        "述职形式" => Dropdown::Values(strings(["当面述职", "书面述职"])),
        "表彰类别" => Dropdown::Values(strings(["优秀履职代表", "优秀代表建议"])),
        "姓名" | "领衔代表" => Dropdown::Range(names.to_string()),
        _ => return None,
    })
}

fn record_sheet(spec: &SheetSpec, unit: &str, year: i32, names: &str) -> Table {
    let headers: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    let mut t = Table::new(spec.name, &headers);
    t.title = Some(format!("{unit}{year}年{}", spec.name));
    t.input_rows = INPUT_ROWS;
    for (i, h) in headers.iter().enumerate() {
        if let Some(d) = dropdown_for(h, names) {
            t.dropdowns.push((i, d));
        }
    }
    t
}

fn instructions(unit: &str, year: i32, sheets: &[&SheetSpec]) -> Table {
    let mut t = Table::new("填表说明", &["填表说明"]);
    let mut lines = vec![
        format!("本表为{unit}{year}年代表履职情况报送表，请按工作表分类填写，每行一条记录。"),
        "1. 不要修改表头（第 2 行），不要删除或改名工作表；没有内容的工作表保持空白即可。"
            .to_string(),
        "2. 代表编号和姓名至少填一项，须与代表名册一致；名册中有同名代表时必须填写代表编号。"
            .to_string(),
        // Example dates in the year the forms are for.
        format!("3. 日期写成 {year}-03-05、{year}/3/5 或 {year}年3月5日；只填写本年度的记录。"),
        "4. 带下拉箭头的列请从下拉列表中选择。".to_string(),
        "5. 同一名代表的同一次会议或活动只填一行；一名代表参加多次活动的，每次一行。".to_string(),
        "6. 出席情况：请假指经批准的请假；未经批准未到会填“缺席”。非组成人员参加会议填“列席”。"
            .to_string(),
        "7. 区人代会、常委会会议开几天的，可以每天填一行，也可以只填一行；会议名称相同（如“第六届人民代表大会第四次会议”）即计为同一次会议：任一天出席即为出席，各天均缺席才计一次缺席。请务必填写会议名称。".to_string(),
        "8. 也可以用【签到表】报送出席情况：每位代表一行、每次会议（每天）一列，表头写会议名称和日期，格内填签到标记。".to_string(),
    ];
    for s in sheets {
        let cols: Vec<&str> = s.columns.iter().map(|c| c.name).collect();
        lines.push(format!(
            "【{}】列：{}。必填：{}。",
            s.name,
            cols.join("、"),
            s.required_names()
        ));
    }
    lines.push(
        "代表建议的附议代表可填多人，用顿号（、）分隔；同名代表写成 姓名（代表编号）。".to_string(),
    );
    lines.push("述职评议：满意、基本满意、不满意三项票数之和不能超过选民代表人数；选民代表不应少于 20 人。".to_string());
    t.rows = lines.into_iter().map(|l| vec![l.into()]).collect();
    t
}

/// The register layout beside the list layout: one row per delegate, one column per day
/// of each session `lvzhi.toml` lists in the year, marks from the legend. Without a
/// session list there is no day to put in a header, so only the list layout is offered.
fn register_sheet(
    config: &crate::config::Config,
    kind: UnitKind,
    unit: &str,
    year: i32,
    people: &[&Delegate],
) -> Option<Table> {
    use chrono::Datelike;
    let mut columns: Vec<String> = Vec::new();
    for s in &config.sessions {
        let ours = match s.kind {
            MeetingKind::Congress => kind == UnitKind::Group,
            MeetingKind::StandingCommittee => kind == UnitKind::Office,
            MeetingKind::CommitteeMeeting => kind == UnitKind::Committee,
            MeetingKind::Training => false,
        };
        let mut day = s.first;
        while ours && day <= s.last {
            if day.year() == year {
                columns.push(format!("{} {}月{}日", s.name, day.month(), day.day()));
            }
            day = day.succ_opt()?;
        }
    }
    if columns.is_empty() {
        return None;
    }
    let mut headers = vec!["代表编号", "姓名"];
    headers.extend(columns.iter().map(String::as_str));
    let mut t = Table::new(crate::input::register::SHEET_NAMES[0], &headers);
    t.title = Some(format!(
        "{unit}{year}年会议签到表（标记：{}）",
        config.legend.describe()
    ));
    t.input_rows = people.len() as u32;
    let l = &config.legend;
    let marks: Vec<String> = [&l.attended, &l.observer, &l.leave, &l.absent]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    for i in 2..headers.len() {
        t.dropdowns.push((i, Dropdown::Values(marks.clone())));
    }
    t.rows = people
        .iter()
        .map(|d| vec![d.id.clone().into(), d.name.clone().into()])
        .collect();
    Some(t)
}

/// The 述职评议 sheet and its instruction in the configured scale's words (issue #19).
fn rating_words(tables: &mut [Table], config: &crate::config::Config) {
    let grades = config.rating.grades();
    let words = |s: &str| {
        ["满意", "基本满意", "不满意"]
            .iter()
            .zip(grades)
            .fold(s.to_string(), |acc, (from, to)| {
                if acc == *from {
                    to.to_string()
                } else {
                    acc
                }
            })
    };
    for t in tables.iter_mut() {
        if t.sheet == header::REPORT_TO_VOTERS.name {
            t.headers = t.headers.iter().map(|h| words(h)).collect();
        }
        if t.sheet == "填表说明" {
            for row in t.rows.iter_mut() {
                for c in row.iter_mut() {
                    if let xlsx::Cell::Text(s) = c {
                        if s.starts_with("述职评议：") || s.starts_with("【述职评议】") {
                            *s = s
                                .replace("不满意", "\u{2}")
                                .replace("基本满意", "\u{1}")
                                .replace("满意", grades[0])
                                .replace('\u{1}', grades[1])
                                .replace('\u{2}', grades[2]);
                        }
                    }
                }
            }
        }
    }
}

/// How the 联系群众 sheet is filled (issue #19).
const CONTACT_GUIDE: &str = "联系群众：代表在代表之家、代表联络站接待群众，每次接待填一行；几名代表一起接待的，代表一栏填全部姓名，用顿号（、）分隔；接待群众人数和收集意见建议条数没有请填 0；办理方式从下拉列表选择（当场答复、转交办理、形成代表建议），同一次接待的意见建议办理方式不同的，可按办理方式分几行填写，接待群众人数只填在第一行、其余行填 0。";

/// How the suggestion sheet's issue #19 columns are filled, with this district's A–D.
fn suggestion_guide(config: &crate::config::Config) -> String {
    let r = &config.suggestions;
    let legend: Vec<String> = HandlingResult::ALL
        .iter()
        .map(|h| format!("{}类{}", h.code(), r.legend.label(*h)))
        .collect();
    format!(
        "代表建议：类别、性质（议案或建议）、重点督办、交办日期、答复日期和办理工作满意度用于统计按类别件数、按期办复率（自交办之日起{}个月内答复为按期）和解决率，不填的该项统计显示为缺数据；办理结果填 A、B、C、D：{}。",
        r.reply_months,
        legend.join("，")
    )
}

fn name_list(delegates: &[&Delegate], all_names: &[&str]) -> Table {
    let mut t = Table::new("名单", &["姓名", "代表编号"]);
    t.hidden = true;
    for d in delegates {
        // A name shared in the roster is offered with its id, which the reader accepts.
        let shown = if all_names.iter().filter(|n| **n == d.name).count() > 1 {
            format!("{}（{}）", d.name, d.id)
        } else {
            d.name.clone()
        };
        t.rows.push(vec![shown.into(), d.id.clone().into()]);
    }
    t
}

pub fn run(a: &FormsArgs) -> Result<String> {
    check_not_inside(&a.folders.output, &a.folders.input)?;
    let year = pick_year(&a.folders.input, a.year)?;
    let base = load_base(&a.folders.input)?;
    let (config, roster) = (&base.config, &base.roster);
    let all_names: Vec<&str> = roster.delegates.iter().map(|d| d.name.as_str()).collect();
    let units = config.reporting_units(&roster.groups());
    let dir = PathBuf::from(year.to_string()).join("空白报送表");
    let stage = Staging::new(&a.folders.output)?;
    for (unit, kind) in &units {
        let serving = roster.delegates.iter().filter(|d| d.is_serving());
        let people: Vec<&Delegate> = match kind {
            UnitKind::Group => serving.filter(|d| &d.group == unit).collect(),
            UnitKind::Committee => serving.filter(|d| &d.committee == unit).collect(),
            _ => serving.collect(),
        };
        let sheets: Vec<&SheetSpec> = header::RECORD_SHEETS
            .iter()
            .copied()
            .filter(|s| *kind == UnitKind::Liaison || s.name != header::COMMENDATION.name)
            // 联系群众 is kept by the groups (their 家站) and the liaison office.
            .filter(|s| {
                matches!(kind, UnitKind::Group | UnitKind::Liaison)
                    || s.name != header::CONTACT.name
            })
            .collect();
        let names_range = format!("='名单'!$A$2:$A${}", people.len().max(1) + 1);
        let mut guide = instructions(unit, year, &sheets);
        guide.rows.push(vec![suggestion_guide(config).into()]);
        guide.rows.push(vec![CONTACT_GUIDE.into()]);
        let mut tables = vec![guide];
        tables.extend(
            sheets
                .iter()
                .map(|s| record_sheet(s, unit, year, &names_range)),
        );
        rating_words(&mut tables, config);
        tables.extend(register_sheet(config, *kind, unit, year, &people));
        tables.push(name_list(&people, &all_names));
        stage.write(
            dir.join(safe_file(unit, "xlsx")),
            &xlsx::workbook(&tables, unit)?,
        )?;
    }
    stage.commit()?;
    Ok(format!(
        "已为 {} 个报送单位生成空白报送表：{}",
        units.len(),
        a.folders.output.join(&dir).display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instructions' example dates lie in the year the forms are for (#18: they
    /// were last year's).
    #[test]
    fn example_dates_are_in_the_forms_year() {
        let t = instructions("甲街道", 2031, &[&header::ATTENDANCE]);
        let text: Vec<String> = xlsx::texts(&t.rows).concat();
        let dates = text
            .iter()
            .find(|l| l.starts_with("3. 日期写成"))
            .expect("the dates line");
        assert!(
            dates.contains("2031-03-05、2031/3/5 或 2031年3月5日"),
            "{dates}"
        );
        assert!(!text.iter().any(|l| l.contains("2025")), "{text:#?}");
    }
}
