//! The roster (代表名册): one row per delegate, checked and normalised.

use super::row::{self, Row};
use super::workbook::{data_rows, sheet_unreadable};
use crate::config::Config;
use crate::domain::findings::{FileTally, Finding, Severity, Validation};
use crate::domain::model::*;
use crate::domain::text::{chinese_date, normalize_name, unit_key};
use crate::input::header::{self, find_header};
use crate::input::open::Workbook;
use std::collections::{BTreeMap, HashMap};

/// Reads the roster sheet; rows with errors are left out and reported.
pub fn read_roster(wb: &Workbook, file: &str, config: &Config, v: &mut Validation) -> Roster {
    let mut tally = FileTally::new(file, "代表联络室");
    let sheet = wb
        .sheets
        .iter()
        .find(|s| header::ROSTER.matches_sheet_name(&s.name))
        .or_else(|| wb.sheets.iter().find(|s| !s.hidden));
    let Some(sheet) = sheet else {
        v.findings.push(
            Finding::new(Severity::Error, file, "", 0)
                .message("代表名册中没有工作表")
                .hint("名册应有一个名为「代表名册」的工作表"),
        );
        tally.unreadable = true;
        v.tallies.push(tally);
        return Roster::default();
    };
    let header = match find_header(sheet, &header::ROSTER) {
        Ok(h) => h,
        Err(msg) => {
            sheet_unreadable(sheet, file, &msg, &header::ROSTER, &mut tally, v);
            v.tallies.push(tally);
            return Roster::default();
        }
    };
    let mut delegates: Vec<Delegate> = Vec::new();
    let mut seen_ids: HashMap<String, u32> = HashMap::new();
    let at: row::SheetAt = (file.into(), sheet.name.as_str().into());
    for r in data_rows(sheet, &header, file, &mut tally, v) {
        let mut row = Row::new(sheet, &header, &at, r);
        let d = roster_row(&mut row, config, &seen_ids);
        v.findings.append(&mut row.findings);
        match d {
            Some(d) if !row.failed => {
                seen_ids.insert(d.id.clone(), d.source.row);
                tally.accepted += 1;
                delegates.push(d);
            }
            _ => tally.rejected += 1,
        }
    }
    warn_same_names(&delegates, v);
    v.tallies.push(tally);
    Roster::new(delegates)
}

/// One roster row as a delegate, or none when a required cell is missing.
fn roster_row(row: &mut Row, config: &Config, seen_ids: &HashMap<String, u32>) -> Option<Delegate> {
    let id = row.required_text("代表编号");
    let name = row.required_text("姓名").map(|n| normalize_name(&n));
    let group = row.required_text("代表小组");
    let birth = row.date("出生日期", false);
    let status_date = row.date("状态变更日期", false);
    let elected = row.date("当选日期", false);
    let status = row.text("代表状态");
    let mut roles = roles(row);
    let committee = row.text("专门委员会");
    if !committee.is_empty() {
        roles.special_committee = true;
        check_committee(row, &committee, config);
    }
    let serving = status.is_empty() || status == "在任";
    check_status(row, &status, serving, status_date, config);
    if let (Some(id), false) = (&id, row.failed) {
        if let Some(first) = seen_ids.get(id) {
            row.error(
                "代表编号",
                id,
                format!("代表编号与第{first}行重复"),
                "每位代表的编号必须唯一；同一代表只能属于一个代表小组",
            );
        }
    }
    let (id, name, group) = (id?, name?, group?);
    Some(Delegate {
        id,
        name,
        gender: row.info_text("性别"),
        birth,
        ethnicity: row.info_text("民族"),
        party: row.info_text("政治面貌"),
        work_unit: row.info_text("工作单位及职务"),
        group,
        constituency: row.info_text("选区"),
        roles,
        committee,
        status: if serving { String::new() } else { status },
        status_date,
        elected,
        phone: row.info_text("联系电话"),
        occupation: occupation(row, config),
        re_elected: re_elected(row),
        source: row.source.clone(),
    })
}

/// 是否连任 (issue #19): 是 or 否; anything else is left blank with a warning (never a
/// reason to drop a delegate from the roster).
fn re_elected(row: &mut Row) -> Option<bool> {
    let t = row.info_text("是否连任");
    if t.is_empty() {
        return None;
    }
    let v = parse_yes_no(&t);
    if v.is_none() {
        row.warn("是否连任", &t, "无法识别，按未填统计", "请填写：是 或 否");
    }
    v
}

/// 职业构成 (issue #19): one of the configured categories; another value is kept with a
/// warning (the structure table counts it under none of them).
fn occupation(row: &mut Row, config: &Config) -> String {
    let o = row.info_text("职业构成");
    let listed = &config.structure.occupations;
    if !o.is_empty() && !listed.iter().any(|x| x == &o) {
        row.warn(
            "职业构成",
            &o,
            "不是配置文件中列出的职业构成类别，结构统计中不计入任何一类",
            format!("请写成：{}", listed.join("、")),
        );
    }
    o
}

/// 身份: the listed categories; anything else is reported and ignored.
fn roles(row: &mut Row) -> Roles {
    let mut roles = Roles::default();
    for token in row
        .text("身份")
        .split(['、', ',', '，', ';', '；', ' ', '/'])
    {
        match normalize_name(token).as_str() {
            "" => {}
            "常委会组成人员" | "常委会委员" | "常委会组成人员代表" => {
                roles.standing_committee = true
            }
            "专委组成人员" | "专门委员会组成人员" | "专委委员" => {
                roles.special_committee = true
            }
            "党政主要领导干部" | "党政主要领导" => roles.leader = true,
            other => {
                let other = other.to_string();
                row.warn(
                    "身份",
                    &other,
                    "不是规定的身份类别，已忽略",
                    "身份只填：常委会组成人员、专委组成人员、党政主要领导干部，多个用顿号分隔",
                )
            }
        }
    }
    roles
}

fn check_committee(row: &mut Row, committee: &str, config: &Config) {
    let listed = &config.units.special_committees;
    if !listed.is_empty() && !listed.iter().any(|c| unit_key(c) == unit_key(committee)) {
        row.warn(
            "专门委员会",
            committee,
            "不是配置文件中列出的专门委员会",
            format!("请写成：{}", listed.join("、")),
        );
    }
}

/// A delegate no longer serving needs the date their service ended, within the term.
fn check_status(
    row: &mut Row,
    status: &str,
    serving: bool,
    status_date: Option<chrono::NaiveDate>,
    config: &Config,
) {
    if !serving && status_date.is_none() {
        row.error(
            "状态变更日期",
            "",
            format!("代表状态为「{status}」，但未填写状态变更日期"),
            "请填写辞职、罢免等生效的日期，以便按任职时间统计",
        );
    }
    if let Some(d) = status_date {
        if d < config.term.start || d > config.term.end {
            row.error(
                "状态变更日期",
                &chinese_date(d),
                "状态变更日期不在本届任期内",
                format!(
                    "本届任期为 {} 至 {}",
                    chinese_date(config.term.start),
                    chinese_date(config.term.end)
                ),
            );
        }
    }
}

/// Ids listed in one same-name warning, at most: 20,000 delegates sharing a name must
/// not make one message longer than a cell may hold.
const SAME_NAME_IDS: usize = 10;

/// Same name twice: records must then carry the id.
fn warn_same_names(delegates: &[Delegate], v: &mut Validation) {
    let mut by_name: BTreeMap<&str, Vec<&Delegate>> = BTreeMap::new();
    for d in delegates {
        by_name.entry(&d.name).or_default().push(d);
    }
    for (name, ds) in by_name.iter().filter(|(_, ds)| ds.len() > 1) {
        let ids: Vec<&str> = ds
            .iter()
            .take(SAME_NAME_IDS)
            .map(|d| d.id.as_str())
            .collect();
        let more = if ds.len() > SAME_NAME_IDS {
            format!("等 {} 人", ds.len())
        } else {
            String::new()
        };
        let list = format!("{}{more}", ids.join("、"));
        for d in ds {
            v.findings.push(
                Finding::at(Severity::Warning, &d.source)
                    .column("姓名")
                    .value(*name)
                    .message(format!("名册中有同名代表（{list}）"))
                    .hint(format!(
                        "各报送表中涉及「{name}」时必须填写代表编号，或写成 {name}（代表编号）"
                    )),
            );
        }
    }
}
