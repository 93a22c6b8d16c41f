//! 述职评议表 (R6): the printed evaluation form, one page per delegate, showing name, age
//! on the meeting date, 届别 and work unit with the three result boxes; and the tally
//! workbook that comes back as the `述职评议` input sheet.

use super::{DocumentView, Word};
use crate::config::Config;
use crate::domain::model::{Delegate, Records, Roster};
use crate::domain::text::chinese_date;
use crate::render::docx::{Block, Document, FormBlock, FormCell, SIZE_3, SIZE_SMALL_4};
use crate::render::xlsx::{Cell, Dropdown, Table};
use chrono::{Datelike, NaiveDate};

/// Full years of age on a date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// The day the ballots are for: the meeting's date (`--date`) when given, which is then
/// printed on the form; otherwise the last day of the evaluation year `year`, but no
/// later than the term's last day. Who is due and each delegate's age are taken on it.
pub fn evaluation_day(meeting: Option<NaiveDate>, year: i32, term_end: NaiveDate) -> NaiveDate {
    meeting.unwrap_or_else(|| {
        NaiveDate::from_ymd_opt(year, 12, 31)
            .unwrap_or(term_end)
            .min(term_end)
    })
}

/// Delegates due to report: serving on `on` and not yet reported in the term.
pub fn due<'a>(
    roster: &'a Roster,
    history: &Records,
    on: NaiveDate,
    config: &Config,
) -> Vec<&'a Delegate> {
    let reported = crate::domain::rules::reported_by(history, on);
    roster
        .delegates
        .iter()
        .filter(|d| {
            d.service_start(config.term.start) <= on && d.service_end(config.term.end) >= on
        })
        .filter(|d| !reported.contains(d.id.as_str()))
        .collect()
}

/// Rows of the ballot's tables are at least this tall (room to write by hand).
pub const ROW_MM: u32 = 12;
/// The boxes to tick are this wide, as tall as their row: squares of 12 mm.
pub const BOX_MM: u32 = 12;

/// The forms, one A4 page each (a page break between delegates), as one printable
/// document. A voter fills the form in with a pen: ruled cells without a header row,
/// rows of 12 mm, and 12 mm boxes to tick.
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
        body.extend(form_fields(d, meeting, age_date, config));
        body.push(Block::Centered(String::new()));
        body.extend(form_verdict(config));
        body.push(Block::Centered(String::new()));
        body.push(Block::Para(
            "说明：本表由选民代表填写，不记名。参加评议的选民代表不应少于20人。".into(),
        ));
        body.push(Block::Para(format!("{author}制")));
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

/// A box to tick.
const TICK: FormCell = FormCell::Box;

/// A ruled block of the form: rows of 12 mm, columns in mm, type size in half-points.
fn form(rows: Vec<Vec<FormCell>>, widths_mm: &[u32], size: usize) -> Block {
    Block::Form(FormBlock {
        rows,
        widths_mm: widths_mm.to_vec(),
        row_mm: ROW_MM,
        size,
    })
}

/// The form's upper part, three tables of 156 mm, one ruled block: the fields, the work
/// unit on a line of its own (it may be long), the form of the report.
fn form_fields(
    d: &Delegate,
    meeting: Option<NaiveDate>,
    age_date: NaiveDate,
    config: &Config,
) -> [Block; 3] {
    use FormCell::{Choice, Label, Value};
    let l = |s: &str| Label(s.to_string());
    let age = d
        .birth
        .map_or(String::new(), |b| format!("{}岁", age_on(b, age_date)));
    [
        form(
            vec![
                vec![l("代表姓名"), Value(d.name.clone()), l("年龄"), Value(age)],
                vec![
                    l("届别"),
                    Value(config.term_name()),
                    l("代表小组"),
                    Value(d.group.clone()),
                ],
                vec![
                    l("评议会议日期"),
                    Value(meeting.map_or("　　年　　月　　日".to_string(), chinese_date)),
                    l("评议会议地点"),
                    Value(String::new()),
                ],
            ],
            &[34, 44, 34, 44],
            SIZE_SMALL_4,
        ),
        form(
            vec![vec![l("工作单位及职务"), Value(d.work_unit.clone())]],
            &[34, 122],
            SIZE_SMALL_4,
        ),
        form(
            vec![vec![
                l("述职形式"),
                Choice("当面述职".into()),
                TICK,
                Choice("书面述职".into()),
                TICK,
            ]],
            &[34, 49, BOX_MM, 49, BOX_MM],
            SIZE_SMALL_4,
        ),
    ]
}

/// The result to tick: the rating scale's three grades, each with its box.
fn form_verdict(config: &Config) -> [Block; 2] {
    use FormCell::Choice;
    let grades = config.rating.grades();
    [
        Block::Centered("评议结果（请在选定一项右边的方框内打“√”，只选一项）".into()),
        form(
            vec![vec![
                Choice(grades[0].into()),
                TICK,
                Choice(grades[1].into()),
                TICK,
                Choice(grades[2].into()),
                TICK,
            ]],
            &[40, BOX_MM, 40, BOX_MM, 40, BOX_MM],
            SIZE_3,
        ),
    ]
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

    /// The ballot is for a pen: no header row, every row at least 10 mm tall, boxes at
    /// least 5 mm, and one page per delegate (a page break before each but the first).
    #[test]
    fn ballot_rows_and_boxes_are_big_enough_for_a_pen() {
        use crate::render::docx::mm;
        let config = Config::parse(
            "[district]\nname = \"示范区\"\ncongress = \"示范区人民代表大会\"\nstanding_committee = \"示范区人大常委会\"\n[term]\nnumber = 6\nstart = 2022-01-06\nend = \"2026-12-31\"\n",
        )
        .expect("config");
        let (a, b) = (Delegate::sample("D001"), Delegate::sample("D002"));
        let day = NaiveDate::from_ymd_opt(2026, 5, 1).expect("d");
        let doc = forms(&[&a, &b], Some(day), day, &config, "联络室");
        let bytes = crate::render::docx::render(&doc).expect("renders");
        let xml = crate::render::zip_parts(&bytes)
            .into_iter()
            .find(|(n, _)| n == "word/document.xml")
            .map(|(_, x)| String::from_utf8_lossy(&x).into_owned())
            .expect("document.xml");
        assert!(!xml.contains("tblHeader"), "no header row");
        let heights: Vec<i32> = xml
            .split("<w:trHeight w:val=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(heights.len(), xml.matches("<w:tr>").count(), "every row");
        assert!(heights.iter().all(|h| *h >= mm(10)), "{heights:?}");
        // The boxes: empty cells of the result row, 12 mm wide in a row 12 mm tall.
        let result_row = xml
            .split("<w:tr>")
            .find(|r| r.contains(">基本满意<"))
            .expect("result row");
        let widths: Vec<i32> = result_row
            .split("<w:tcW w:w=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(widths.len(), 6);
        for (i, w) in widths.iter().enumerate() {
            let empty = i % 2 == 1;
            assert!(!empty || (mm(5)..=mm(15)).contains(w), "box {i}: {w}");
        }
        assert_eq!(xml.matches("<w:pageBreakBefore />").count(), 1, "two pages");
        assert_eq!(xml.matches("人大代表述职评议表").count(), 2);
    }

    /// The ages on the ballot: on the meeting day when given (a delegate born 1970-05-01
    /// is 55 at a meeting on 2026-03-10 and 56 at one on 2026-11-20); without it on the
    /// evaluation year's last day, or the term's last day when that comes first.
    #[test]
    fn ages_are_taken_on_the_evaluation_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("d");
        let (birth, end) = (d(1970, 5, 1), d(2027, 1, 5));
        assert_eq!(
            age_on(birth, evaluation_day(Some(d(2026, 3, 10)), 2026, end)),
            55
        );
        assert_eq!(
            age_on(birth, evaluation_day(Some(d(2026, 11, 20)), 2026, end)),
            56
        );
        assert_eq!(evaluation_day(None, 2026, end), d(2026, 12, 31));
        assert_eq!(evaluation_day(None, 2027, end), end);
    }

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
