//! One workbook helper for every XLSX the tool writes: Chinese-aware column widths,
//! a frozen and repeated header row, A4 printing, and fixed document properties so the
//! same input gives the same bytes. Text is always written as text, never as a formula.

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Chart, ChartType, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
};

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    /// A share shown as a percentage with one decimal (0.917 → 91.7%).
    Pct(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<u32> for Cell {
    fn from(v: u32) -> Cell {
        Cell::Int(i64::from(v))
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}
impl From<Option<NaiveDate>> for Cell {
    fn from(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

/// A dropdown on a column: fixed values (nothing else accepted), or a range on a
/// (hidden) list sheet whose values are offered but not enforced.
#[derive(Debug, Clone)]
pub enum Dropdown {
    Values(Vec<String>),
    Range(String),
}

/// A native chart drawn from two columns of a table's data rows.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    pub title: String,
    /// Pie for shares of a whole, column otherwise.
    pub pie: bool,
    pub category_col: u16,
    pub value_col: u16,
    /// Data rows (0-based, inclusive) the chart covers: leaves a 合计 row out.
    pub rows: (u32, u32),
    /// Top-left cell of the chart; a page break is set above it for printing.
    pub anchor: (u32, u16),
    /// The values are shares: the axis shows percentages.
    pub percent: bool,
}

/// One sheet: a header row and data rows, optionally under a title row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub sheet: String,
    pub title: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Dropdowns by column index, applied to the data rows (blank forms).
    pub dropdowns: Vec<(usize, Dropdown)>,
    /// Rows of the data area that dropdowns cover (blank forms have no rows yet).
    pub input_rows: u32,
    pub hidden: bool,
    /// Free text rows below the table (notes), one cell each.
    pub notes: Vec<String>,
    pub charts: Vec<ChartSpec>,
}

impl Table {
    pub fn new(sheet: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            sheet: sheet.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            ..Table::default()
        }
    }
}

impl Table {
    /// The same table as a document table, every cell as text.
    pub fn from_block(sheet: impl Into<String>, block: &crate::render::docx::TableBlock) -> Table {
        let headers: Vec<&str> = block.headers.iter().map(|h| h.as_str()).collect();
        let mut t = Table::new(sheet, &headers);
        t.rows = block
            .rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::Text(c.clone())).collect())
            .collect();
        t
    }
}

/// Display width of text in Excel character units: CJK and full-width count two.
pub fn display_width(s: &str) -> usize {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

fn cell_width(c: &Cell) -> usize {
    match c {
        Cell::Text(s) => display_width(s),
        Cell::Int(i) => i.to_string().len(),
        Cell::Num(_) | Cell::Pct(_) => 8,
        Cell::Date(_) => 10,
        Cell::Empty => 0,
    }
}

/// Column widths that fit the header and the content, within sensible bounds.
pub fn column_widths(t: &Table) -> Vec<f64> {
    (0..t.headers.len())
        .map(|i| {
            let content = t
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(cell_width)
                .max()
                .unwrap_or(0);
            let w = display_width(&t.headers[i]).max(content) + 2;
            w.clamp(6, 60) as f64
        })
        .collect()
}

/// Sheets with more rows than this are written in constant-memory mode.
pub const CONSTANT_MEMORY_ROWS: usize = 20_000;

/// The fixed timestamp written into every workbook's properties.
fn fixed_time() -> Result<ExcelDateTime> {
    ExcelDateTime::from_ymd(2000, 1, 1).context("固定时间戳无效")
}

/// Writes the tables as one workbook and returns its bytes.
pub fn workbook(tables: &[Table], title: &str) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(title)
        .set_author("lvzhi")
        .set_creation_datetime(&fixed_time()?);
    wb.set_properties(&props);
    let font = "宋体";
    let header_fmt = Format::new()
        .set_font_name(font)
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color("#D9E1F2");
    let text_fmt = Format::new()
        .set_font_name(font)
        .set_border(FormatBorder::Thin);
    let date_fmt = text_fmt.clone().set_num_format("yyyy-mm-dd");
    let pct_fmt = text_fmt.clone().set_num_format("0.0%");
    let title_fmt = Format::new()
        .set_font_name(font)
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let note_fmt = Format::new().set_font_name(font);
    for t in tables {
        // Large record sheets are streamed to a temporary file row by row (inline
        // strings): memory stays flat and writing is faster; small sheets keep the
        // shared-string table Excel itself writes.
        let ws: &mut Worksheet = if t.rows.len() > CONSTANT_MEMORY_ROWS {
            wb.add_worksheet_with_constant_memory()?
        } else {
            wb.add_worksheet()
        };
        ws.set_name(&t.sheet)
            .with_context(|| format!("工作表名「{}」无效", t.sheet))?;
        ws.set_paper_size(9); // A4
        if t.headers.len() > 8 {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        let widths = column_widths(t);
        for (i, w) in widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        let mut r: u32 = 0;
        if let Some(title) = &t.title {
            let last = t.headers.len().max(1) as u16 - 1;
            if last > 0 {
                ws.merge_range(0, 0, 0, last, title, &title_fmt)?;
            } else {
                ws.write_string_with_format(0, 0, title, &title_fmt)?;
            }
            ws.set_row_height(0, 28)?;
            r = 1;
        }
        let header_row = r;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, h, &header_fmt)?;
        }
        ws.set_freeze_panes(header_row + 1, 0)?;
        ws.set_repeat_rows(header_row, header_row)?;
        r += 1;
        for row in &t.rows {
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Cell::Text(s) => ws.write_string_with_format(r, c, s, &text_fmt)?,
                    Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, &text_fmt)?,
                    Cell::Num(x) => ws.write_number_with_format(r, c, *x, &text_fmt)?,
                    Cell::Pct(x) => ws.write_number_with_format(r, c, *x, &pct_fmt)?,
                    Cell::Date(d) => {
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_datetime_with_format(r, c, &dt, &date_fmt)?
                    }
                    Cell::Empty => ws.write_blank(r, c, &text_fmt)?,
                };
            }
            r += 1;
        }
        if !t.rows.is_empty() && !t.headers.is_empty() {
            ws.autofilter(header_row, 0, r - 1, t.headers.len() as u16 - 1)?;
        }
        let last_input = header_row + t.input_rows.max(1);
        for (c, dd) in &t.dropdowns {
            let dv = match dd {
                Dropdown::Values(v) => DataValidation::new().allow_list_strings(v)?,
                // Name lists also accept typed text: a cell may hold several names.
                Dropdown::Range(range) => DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .set_error_style(DataValidationErrorStyle::Information),
            }
            .set_error_title("输入有误")?
            .set_error_message("请从下拉列表中选择")?;
            ws.add_data_validation(header_row + 1, *c as u16, last_input, *c as u16, &dv)?;
        }
        for (nr, n) in (r + 1..).zip(t.notes.iter()) {
            ws.write_string_with_format(nr, 0, n, &note_fmt)?;
        }
        for spec in &t.charts {
            let mut chart = Chart::new(if spec.pie {
                ChartType::Pie
            } else {
                ChartType::Column
            });
            let first = header_row + 1 + spec.rows.0;
            let last = header_row + 1 + spec.rows.1;
            chart
                .add_series()
                .set_categories((
                    t.sheet.as_str(),
                    first,
                    spec.category_col,
                    last,
                    spec.category_col,
                ))
                .set_values((
                    t.sheet.as_str(),
                    first,
                    spec.value_col,
                    last,
                    spec.value_col,
                ))
                .set_name(
                    t.headers
                        .get(spec.value_col as usize)
                        .map_or("", |h| h.as_str()),
                );
            chart.title().set_name(&spec.title);
            if !spec.pie {
                chart.legend().set_hidden();
            }
            if spec.percent {
                chart.y_axis().set_num_format("0%");
            }
            chart.set_width(720).set_height(360);
            ws.insert_chart(spec.anchor.0, spec.anchor.1, &chart)?;
        }
        let breaks: Vec<u32> = t
            .charts
            .iter()
            .map(|c| c.anchor.0)
            .filter(|r| *r > header_row + 1)
            .collect();
        if !breaks.is_empty() {
            ws.set_page_breaks(&breaks)?;
        }
        if t.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().context("生成 Excel 文件时出错")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double() {
        assert_eq!(display_width("代表编号"), 8);
        assert_eq!(display_width("D001"), 4);
        assert_eq!(display_width("张三 A"), 6);
    }

    #[test]
    fn widths_fit_header_and_content() {
        let mut t = Table::new("表", &["姓名", "工作单位及职务"]);
        t.rows
            .push(vec!["阿依古丽·买买提".into(), "区财政局局长".into()]);
        let w = column_widths(&t);
        assert_eq!(w, vec![18.0, 16.0]);
    }

    #[test]
    fn large_sheets_are_streamed_and_still_deterministic() {
        use calamine::Reader;
        let mut t = Table::new("记录", &["序号", "内容"]);
        for i in 0..(CONSTANT_MEMORY_ROWS as u32 + 5) {
            t.rows.push(vec![i.into(), format!("第{i}行").into()]);
        }
        let a = workbook(std::slice::from_ref(&t), "x").expect("writes");
        assert_eq!(a, workbook(std::slice::from_ref(&t), "x").expect("writes"));
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(a)).expect("reads");
        let r = wb.worksheet_range("记录").expect("sheet");
        assert_eq!(r.height(), CONSTANT_MEMORY_ROWS + 6);
        assert_eq!(
            r.get_value((20_000, 1)),
            Some(&calamine::Data::String("第19999行".into()))
        );
    }

    #[test]
    fn same_tables_same_bytes() {
        let mut t = Table::new("表", &["a"]);
        t.rows.push(vec!["=1+1".into()]);
        let a = workbook(std::slice::from_ref(&t), "x").expect("writes");
        let b = workbook(&[t], "x").expect("writes");
        assert_eq!(a, b);
    }
}
