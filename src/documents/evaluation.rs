//! 述职评议表 (R6): the printed evaluation form, one page per delegate, showing name, age
//! on the meeting date, 届别 and work unit with the three result boxes; and the tally
//! workbook that comes back as the `述职评议` input sheet.

use super::{DocumentView, Word};
use crate::config::Config;
use crate::domain::model::{Delegate, Records, Roster};
use crate::domain::text::chinese_date;
use crate::render::docx::{Block, Document, TableBlock};
use crate::render::xlsx::{Cell, Dropdown, Table};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

/// Full years of age on a date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// Delegates due to report: serving on `on` and not yet reported in the term.
pub fn due<'a>(
    roster: &'a Roster,
    history: &Records,
    on: NaiveDate,
    config: &Config,
) -> Vec<&'a Delegate> {
    let reported: BTreeSet<&str> = history
        .reports
        .iter()
        .filter(|r| r.date <= on)
        .map(|r| r.delegate.as_str())
        .collect();
    roster
        .delegates
        .iter()
        .filter(|d| {
            d.service_start(config.term.start) <= on && d.service_end(config.term.end) >= on
        })
        .filter(|d| !reported.contains(d.id.as_str()))
        .collect()
}

/// The forms, one page each, as one printable document.
pub fn forms(
    delegates: &[&Delegate],
    meeting: Option<NaiveDate>,
    age_date: NaiveDate,
    config: &Config,
    author: &str,
) -> Document {
    let mut body = Vec::new();
    for (i, d) in delegates.iter().enumerate() {
        if i > 0 {
            body.push(Block::PageBreak);
        }
        body.push(Block::Title(format!(
            "{}人大代表述职评议表",
            config.district.name
        )));
        body.push(Block::Centered(String::new()));
        let age = d
            .birth
            .map_or(String::new(), |b| format!("{}岁", age_on(b, age_date)));
        body.push(Block::Table(TableBlock::new(
            &["项目", "内容", "项目", "内容"],
            vec![
                vec!["代表姓名".into(), d.name.clone(), "年龄".into(), age],
                vec![
                    "届别".into(),
                    config.term_name(),
                    "代表小组".into(),
                    d.group.clone(),
                ],
                vec![
                    "工作单位及职务".into(),
                    d.work_unit.clone(),
                    "述职形式".into(),
                    "□当面述职　□书面述职".into(),
                ],
                vec![
                    "评议会议日期".into(),
                    meeting.map_or("　　年　　月　　日".to_string(), chinese_date),
                    "评议会议地点".into(),
                    String::new(),
                ],
            ],
            &[5, 9, 5, 9],
        )));
        body.push(Block::Centered(String::new()));
        body.push(Block::Centered(
            "评议结果（请在选定的一项内打“√”，只选一项）".into(),
        ));
        body.push(Block::Table(TableBlock::new(
            &config.rating.grades(),
            vec![vec!["□".into(), "□".into(), "□".into()]],
            &[1, 1, 1],
        )));
        body.push(Block::Centered(String::new()));
        body.push(Block::Para(
            "说明：本表由选民代表填写，不记名。参加评议的选民代表不应少于20人。".into(),
        ));
        body.push(Block::Para(format!("印制：{}", author)));
    }
    Document {
        title: format!("{}人大代表述职评议表", config.district.name),
        subtitle: None,
        body,
        signature: None,
        attachments: Vec::new(),
        author: author.to_string(),
        print_title: false,
    }
}

/// The ballots with the tally workbook that comes back as the `述职评议` input of the
/// liaison office (so its file is named `<代表联络室>_述职评议`).
pub fn ballots(
    delegates: &[&Delegate],
    meeting: Option<NaiveDate>,
    age_date: NaiveDate,
    config: &Config,
    author: &str,
) -> DocumentView {
    DocumentView {
        word: Some(Word::Laid(forms(
            delegates, meeting, age_date, config, author,
        ))),
        sheets: vec![tally(delegates, meeting, config.rating.grades())],
        workbook: Some(format!("{}_述职评议", config.units.liaison)),
        file: Some("述职评议表".to_string()),
    }
}

/// The tally sheet in the `述职评议` input format, one row per delegate.
pub fn tally(delegates: &[&Delegate], meeting: Option<NaiveDate>, grades: [&str; 3]) -> Table {
    let mut t = Table::new(
        "述职评议",
        &[
            "日期",
            "代表编号",
            "姓名",
            "述职形式",
            "选民代表人数",
            grades[0],
            grades[1],
            grades[2],
        ],
    );
    t.title = Some("述职评议结果汇总（评议后填写票数，作为代表联络室的报送表）".into());
    for d in delegates {
        t.rows.push(vec![
            meeting.into(),
            d.id.clone().into(),
            d.name.clone().into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    t.input_rows = delegates.len().max(1) as u32;
    t.dropdowns.push((
        3,
        Dropdown::Values(vec!["当面述职".into(), "书面述职".into()]),
    ));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_full_years() {
        let b = NaiveDate::from_ymd_opt(1970, 5, 1).expect("d");
        assert_eq!(
            age_on(b, NaiveDate::from_ymd_opt(2025, 4, 30).expect("d")),
            54
        );
        assert_eq!(
            age_on(b, NaiveDate::from_ymd_opt(2025, 5, 1).expect("d")),
            55
        );
    }
}
