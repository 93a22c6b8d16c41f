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
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    /// A share shown as a percentage with one decimal (0.917 → 91.7%).
    Pct(f64),
    #[default]
    Empty,
}

impl Cell {
    /// The cell as printed text (a sheet rendered as a Word table): whole numbers
    /// without decimals, dates in Chinese, shares as percentages with one decimal.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
            Cell::Num(v) => format!("{v}"),
            Cell::Date(d) => d.format("%Y年%-m月%-d日").to_string(),
            Cell::Pct(v) => format!("{:.1}%", v * 100.0),
            Cell::Empty => String::new(),
        }
    }
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

/// A table with charts and more rows than this is still streamed (its charts then have
/// no data caches): held as cells it would fill memory.
const CHARTED_ROWS_HELD: usize = 20_000;

/// Data rows Excel holds on one sheet under the header (1,048,576 rows in all).
pub const EXCEL_DATA_ROWS: usize = 1_048_575;

/// Rows of a listing sampled for its column widths: enough to see the usual content,
/// and the same rows every run.
const WIDTH_SAMPLE_ROWS: usize = 2_000;

/// What a listing column holds; Parquet types it the same way (text, integer, date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Date,
}

/// Appends the cells of data row `i` to the row.
pub type FillRow<'a> = dyn Fn(usize, &mut Vec<Cell>) + Sync + 'a;

/// A listing of records produced row by row from the records themselves and never held
/// as cells: a province's four million records would not fit in memory as a `Table`.
/// Past Excel's row limit it continues on sheets named 「…（续2）」, 「…（续3）」.
pub struct Listing<'a> {
    pub sheet: String,
    pub columns: Vec<(String, Kind)>,
    pub len: usize,
    pub fill: Box<FillRow<'a>>,
}

impl<'a> Listing<'a> {
    /// A listing whose row `i` is made by `fill` when it is written.
    pub fn new(
        sheet: &str,
        columns: &[(&str, Kind)],
        len: usize,
        fill: impl Fn(usize, &mut Vec<Cell>) + Sync + 'a,
    ) -> Listing<'a> {
        Listing {
            sheet: sheet.to_string(),
            columns: columns.iter().map(|(h, k)| (h.to_string(), *k)).collect(),
            len,
            fill: Box::new(fill),
        }
    }

    /// Row `i` as cells.
    pub fn row(&self, i: usize) -> Vec<Cell> {
        let mut row = Vec::with_capacity(self.columns.len());
        (self.fill)(i, &mut row);
        row
    }

    /// Collects the listing into a table (tests compare both paths).
    #[cfg(test)]
    pub fn to_table(&self) -> Table {
        let headers: Vec<&str> = self.columns.iter().map(|(h, _)| h.as_str()).collect();
        let mut t = Table::new(self.sheet.clone(), &headers);
        t.rows = (0..self.len).map(|i| self.row(i)).collect();
        t
    }
}

/// One sheet of a workbook.
pub enum Sheet<'s, 'a> {
    Table(&'s Table),
    Listing(&'s Listing<'a>),
}

/// The fixed timestamp written into every workbook's properties.
fn fixed_time() -> Result<ExcelDateTime> {
    ExcelDateTime::from_ymd(2000, 1, 1).context("固定时间戳无效")
}

/// The formats every workbook shares.
struct Styles {
    header: Format,
    text: Format,
    date: Format,
    pct: Format,
    title: Format,
    note: Format,
}

impl Styles {
    fn all(&self) -> [&Format; 6] {
        [
            &self.header,
            &self.text,
            &self.date,
            &self.pct,
            &self.title,
            &self.note,
        ]
    }

    fn new() -> Styles {
        let font = "宋体";
        let text = Format::new()
            .set_font_name(font)
            .set_border(FormatBorder::Thin);
        Styles {
            header: Format::new()
                .set_font_name(font)
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_background_color("#D9E1F2"),
            date: text.clone().set_num_format("yyyy-mm-dd"),
            pct: text.clone().set_num_format("0.0%"),
            text,
            title: Format::new()
                .set_font_name(font)
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            note: Format::new().set_font_name(font),
        }
    }
}

/// Excel's longest text in one cell, in UTF-16 units.
pub const CELL_TEXT_MAX: usize = 32_767;

/// What replaces the end of a text too long for one cell.
pub const CUT_MARKER: &str = "……（以下超出 Excel 单元格 32767 字的上限，已截断）";

/// A cell's text as Excel can hold it: over `CELL_TEXT_MAX` it is cut at a character
/// boundary and ends with `CUT_MARKER`, so that one long note never fails a workbook.
pub fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= CELL_TEXT_MAX || s.encode_utf16().count() <= CELL_TEXT_MAX {
        return s.into();
    }
    let room = CELL_TEXT_MAX - CUT_MARKER.encode_utf16().count();
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push_str(CUT_MARKER);
    out.into()
}

/// One name Excel accepts for a worksheet: `[]:*?/\` and control characters become
/// `_`, no `'` at either end, not blank, not the reserved "History", at most 31
/// UTF-16 units.
pub fn sheet_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut out = cut_utf16(cleaned.trim().trim_matches('\'').trim(), 31);
    out = out.trim_end_matches('\'').trim_end().to_string();
    if out.is_empty() {
        out = "工作表".to_string();
    }
    if out.eq_ignore_ascii_case("history") {
        out = "History_".to_string();
    }
    out
}

/// The sheet names of one workbook, in order: each made valid by `sheet_name` and all
/// different ignoring case as Excel compares them; a repeat gets `~2`, `~3` ….
pub fn sheet_names<'n>(names: impl IntoIterator<Item = &'n str>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for n in names {
        let base = sheet_name(n);
        let mut name = base.clone();
        let mut k = 2;
        while !seen.insert(name.to_lowercase()) {
            let suffix = format!("~{k}");
            name = format!("{}{suffix}", cut_utf16(&base, 31 - suffix.len()));
            k += 1;
        }
        out.push(name);
    }
    out
}

/// The longest prefix of `s` of at most `max` UTF-16 units.
fn cut_utf16(s: &str, max: usize) -> String {
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= max
        })
        .collect()
}

/// Writes the tables as one workbook and returns its bytes.
pub fn workbook(tables: &[Table], title: &str) -> Result<Vec<u8>> {
    let sheets: Vec<Sheet> = tables.iter().map(Sheet::Table).collect();
    workbook_of(&sheets, title)
}

/// Writes tables and listings, in the order given, as one workbook.
pub fn workbook_of(sheets: &[Sheet], title: &str) -> Result<Vec<u8>> {
    workbook_split(sheets, title, EXCEL_DATA_ROWS)
}

/// `workbook_of` with listings split every `part_rows` rows (tests use a small value).
fn workbook_split(sheets: &[Sheet], title: &str, part_rows: usize) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(title)
        .set_author("lvzhi")
        .set_creation_datetime(&fixed_time()?);
    wb.set_properties(&props);
    let styles = Styles::new();
    // Formats registered up front: every workbook's style table has the same order.
    for f in styles.all() {
        wb.register_format(f);
    }
    wb.set_zip_compression_level(ZIP_LEVEL);
    // Sheet names from data made valid and unique, in job order; a renamed table is
    // a copy.
    let per_sheet: Vec<Vec<String>> = sheets
        .iter()
        .map(|s| match s {
            Sheet::Table(t) => vec![t.sheet.clone()],
            Sheet::Listing(l) => listing_sheet_names(&l.sheet, l.len, part_rows),
        })
        .collect();
    let mut names = sheet_names(per_sheet.iter().flatten().map(String::as_str)).into_iter();
    let named: Vec<Vec<String>> = per_sheet
        .iter()
        .map(|v| names.by_ref().take(v.len()).collect())
        .collect();
    let renamed: Vec<Option<Table>> = sheets
        .iter()
        .zip(&named)
        .map(|(s, n)| match (s, n.first()) {
            (Sheet::Table(t), Some(n)) if *n != t.sheet => Some(Table {
                sheet: n.clone(),
                ..(*t).clone()
            }),
            _ => None,
        })
        .collect();
    for ((sheet, renamed), named) in sheets.iter().zip(&renamed).zip(named) {
        match sheet {
            Sheet::Table(t) => {
                let t = renamed.as_ref().unwrap_or(t);
                let ws = add_sheet(&mut wb, &t.sheet, streamed(t), &column_widths(t))?;
                write_table(ws, t, &styles)?;
            }
            Sheet::Listing(l) => {
                let widths = listing_widths(l);
                for (part, name) in named.into_iter().enumerate() {
                    let first = part * part_rows;
                    let rows = (l.len - first.min(l.len)).min(part_rows);
                    let ws = add_sheet(&mut wb, &name, true, &widths)?;
                    write_listing_part(ws, l, first..first + rows, &styles)?;
                }
            }
        }
    }
    wb.save_to_buffer().context("生成 Excel 文件时出错")
}

/// The zip level of every workbook: the fastest level costs a fifth more bytes than
/// the default and takes a fraction of its time.
const ZIP_LEVEL: u8 = 1;

/// Whether a table's sheet is written in constant-memory mode (rows go to a temporary
/// file as they are written): every table but a small one with charts, whose data
/// caches rust_xlsxwriter fills from the cells it holds.
fn streamed(t: &Table) -> bool {
    t.charts.is_empty() || t.rows.len() > CHARTED_ROWS_HELD
}

/// A new sheet, named, set up for A4 printing, with the given column widths. A
/// streamed sheet goes to a temporary file row by row (inline strings), so memory stays
/// flat; a sheet with charts keeps its cells (and the shared-string table) for the
/// charts' data caches.
fn add_sheet<'w>(
    wb: &'w mut Workbook,
    name: &str,
    streamed: bool,
    widths: &[f64],
) -> Result<&'w mut Worksheet> {
    let ws: &mut Worksheet = if streamed {
        wb.add_worksheet_with_constant_memory().with_context(|| {
            format!(
                "无法在系统临时文件夹 {} 中创建临时文件（写出工作表「{name}」时需要），请检查该文件夹是否存在、是否有空间",
                std::env::temp_dir().display()
            )
        })?
    } else {
        wb.add_worksheet()
    };
    ws.set_name(name)
        .with_context(|| format!("工作表名「{name}」无效"))?;
    ws.set_paper_size(9); // A4
    if widths.len() > 8 {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    Ok(ws)
}

fn write_headers(ws: &mut Worksheet, r: u32, headers: &[String], styles: &Styles) -> Result<()> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, &*cell_text(h), &styles.header)?;
    }
    ws.set_freeze_panes(r + 1, 0)?;
    ws.set_repeat_rows(r, r)?;
    Ok(())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(
        d.year() as u16,
        d.month() as u8,
        d.day() as u8,
    )?)
}

/// One cell with its full format (bordered, 宋体): the look of every ordinary sheet.
fn write_formatted(ws: &mut Worksheet, r: u32, c: u16, v: &Cell, styles: &Styles) -> Result<()> {
    match v {
        Cell::Text(s) => ws.write_string_with_format(r, c, &*cell_text(s), &styles.text)?,
        Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, &styles.text)?,
        Cell::Num(x) => ws.write_number_with_format(r, c, *x, &styles.text)?,
        Cell::Pct(x) => ws.write_number_with_format(r, c, *x, &styles.pct)?,
        Cell::Date(d) => ws.write_datetime_with_format(r, c, &excel_date(*d)?, &styles.date)?,
        Cell::Empty => ws.write_blank(r, c, &styles.text)?,
    };
    Ok(())
}

/// One table's sheet.
fn write_table(ws: &mut Worksheet, t: &Table, styles: &Styles) -> Result<()> {
    let mut r: u32 = 0;
    if let Some(title) = &t.title {
        let last = t.headers.len().max(1) as u16 - 1;
        if last > 0 {
            ws.merge_range(0, 0, 0, last, &cell_text(title), &styles.title)?;
        } else {
            ws.write_string_with_format(0, 0, &*cell_text(title), &styles.title)?;
        }
        ws.set_row_height(0, 28)?;
        r = 1;
    }
    let header_row = r;
    write_headers(ws, r, &t.headers, styles)?;
    r += 1;
    for row in &t.rows {
        for (c, v) in row.iter().enumerate() {
            write_formatted(ws, r, c as u16, v, styles)?;
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
        ws.write_string_with_format(nr, 0, &*cell_text(n), &styles.note)?;
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
    Ok(())
}

/// The sheet names of a listing of `len` rows: one per `part_rows` rows.
pub fn listing_sheet_names(sheet: &str, len: usize, part_rows: usize) -> Vec<String> {
    let parts = len.div_ceil(part_rows.max(1)).max(1);
    (1..=parts)
        .map(|k| {
            if k == 1 {
                sheet.to_string()
            } else {
                format!("{sheet}（续{k}）")
            }
        })
        .collect()
}

/// Column widths of a listing from the header and the first rows: a full pass would
/// build every row twice.
fn listing_widths(l: &Listing) -> Vec<f64> {
    let mut sample = Table::new(l.sheet.clone(), &[]);
    sample.headers = l.columns.iter().map(|(h, _)| h.clone()).collect();
    sample.rows = (0..l.len.min(WIDTH_SAMPLE_ROWS))
        .map(|i| l.row(i))
        .collect();
    column_widths(&sample)
}

/// One sheet of a listing: rows `rows` under the header.
fn write_listing_part(
    ws: &mut Worksheet,
    l: &Listing,
    rows: std::ops::Range<usize>,
    styles: &Styles,
) -> Result<()> {
    let headers: Vec<String> = l.columns.iter().map(|(h, _)| h.clone()).collect();
    write_headers(ws, 0, &headers, styles)?;
    let count = rows.len();
    let mut row = Vec::with_capacity(l.columns.len());
    for (r, i) in (1u32..).zip(rows) {
        row.clear();
        (l.fill)(i, &mut row);
        for (c, v) in row.iter().enumerate() {
            write_formatted(ws, r, c as u16, v, styles)?;
        }
    }
    if count > 0 && !headers.is_empty() {
        ws.autofilter(0, 0, count as u32, headers.len() as u16 - 1)?;
    }
    Ok(())
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
        for i in 0..(CHARTED_ROWS_HELD as u32 + 5) {
            t.rows.push(vec![i.into(), format!("第{i}行").into()]);
        }
        let a = workbook(std::slice::from_ref(&t), "x").expect("writes");
        assert_eq!(a, workbook(std::slice::from_ref(&t), "x").expect("writes"));
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(a)).expect("reads");
        let r = wb.worksheet_range("记录").expect("sheet");
        assert_eq!(r.height(), CHARTED_ROWS_HELD + 6);
        assert_eq!(
            r.get_value((20_000, 1)),
            Some(&calamine::Data::String("第19999行".into()))
        );
    }

    fn numbered(len: usize) -> Listing<'static> {
        Listing::new(
            "记录",
            &[
                ("日期", Kind::Date),
                ("序号", Kind::Int),
                ("内容", Kind::Text),
            ],
            len,
            |i, row| {
                row.extend([
                    NaiveDate::from_ymd_opt(2025, 1, 1 + (i % 28) as u32).into(),
                    Cell::Int(i as i64),
                    format!("第{i}行").into(),
                ])
            },
        )
    }

    #[test]
    fn listings_continue_on_further_sheets_past_the_row_limit() {
        use calamine::Reader;
        assert_eq!(
            listing_sheet_names("记录", 25, 10),
            vec!["记录", "记录（续2）", "记录（续3）"]
        );
        assert_eq!(listing_sheet_names("记录", 0, 10), vec!["记录"]);
        assert_eq!(
            listing_sheet_names("记录", EXCEL_DATA_ROWS, EXCEL_DATA_ROWS).len(),
            1
        );
        let l = numbered(25);
        let bytes = workbook_split(&[Sheet::Listing(&l)], "x", 10).expect("writes");
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("reads");
        let mut seen = Vec::new();
        for (name, rows) in [("记录", 10), ("记录（续2）", 10), ("记录（续3）", 5)] {
            let r = wb.worksheet_range(name).expect("sheet");
            assert_eq!(r.height(), rows + 1, "{name}");
            assert_eq!(
                r.get_value((0, 2)),
                Some(&calamine::Data::String("内容".into()))
            );
            for k in 1..=rows {
                match r.get_value((k as u32, 2)) {
                    Some(calamine::Data::String(s)) => seen.push(s.clone()),
                    other => panic!("{name} row {k}: {other:?}"),
                }
            }
        }
        let expected: Vec<String> = (0..25).map(|i| format!("第{i}行")).collect();
        assert_eq!(seen, expected, "every row once, in order");
    }

    #[test]
    fn streamed_listings_keep_dates_and_are_deterministic() {
        use calamine::Reader;
        let l = numbered(CHARTED_ROWS_HELD + 3);
        let t = {
            let mut t = l.to_table();
            t.sheet = "表".into();
            t
        };
        let sheets = [Sheet::Table(&t), Sheet::Listing(&l)];
        let a = workbook_of(&sheets, "x").expect("writes");
        assert_eq!(a, workbook_of(&sheets, "x").expect("writes"));
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(a)).expect("reads");
        for name in ["表", "记录"] {
            let r = wb.worksheet_range(name).expect("sheet");
            assert_eq!(r.height(), CHARTED_ROWS_HELD + 4);
            let last = (CHARTED_ROWS_HELD + 3) as u32;
            let d = match r.get_value((last, 0)) {
                Some(calamine::Data::DateTime(d)) => d.as_datetime().map(|t| t.date()),
                other => panic!("{name}: not a date: {other:?}"),
            };
            assert_eq!(d, NaiveDate::from_ymd_opt(2025, 1, 1 + ((last - 1) % 28)));
            assert_eq!(
                r.get_value((last, 1)),
                Some(&calamine::Data::Float(f64::from(last - 1)))
            );
        }
    }

    /// A listing longer than any one buffer or chunk is written whole: every row once, in
    /// order, on one sheet.
    #[test]
    fn a_long_listing_is_complete_and_in_order() {
        use calamine::Reader;
        let rows = 26_000;
        let l = numbered(rows);
        let bytes = workbook_of(&[Sheet::Listing(&l)], "x").expect("writes");
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("reads");
        let r = wb.worksheet_range("记录").expect("sheet");
        assert_eq!(r.height(), rows + 1);
        for i in 0..rows {
            assert_eq!(
                r.get_value((i as u32 + 1, 1)),
                Some(&calamine::Data::Float(i as f64)),
                "row {i}"
            );
            assert_eq!(
                r.get_value((i as u32 + 1, 2)),
                Some(&calamine::Data::String(format!("第{i}行"))),
                "row {i}"
            );
        }
    }

    #[test]
    fn same_tables_same_bytes() {
        let mut t = Table::new("表", &["a"]);
        t.rows.push(vec!["=1+1".into()]);
        let a = workbook(std::slice::from_ref(&t), "x").expect("writes");
        let b = workbook(&[t], "x").expect("writes");
        assert_eq!(a, b);
    }

    #[test]
    fn sheet_names_follow_excels_rules() {
        assert_eq!(sheet_name("出席记录"), "出席记录");
        assert_eq!(sheet_name("甲/乙[丙]:*?\\"), "甲_乙_丙_____");
        assert_eq!(sheet_name("'引号'"), "引号");
        assert_eq!(sheet_name("''"), "工作表");
        assert_eq!(sheet_name("   "), "工作表");
        assert_eq!(sheet_name("history"), "History_");
        let long = "阿".repeat(40);
        assert_eq!(sheet_name(&long), "阿".repeat(31));
        // Non-BMP characters count twice, as in Excel.
        assert_eq!(sheet_name(&"𠀀".repeat(20)).encode_utf16().count(), 30);
        let names = sheet_names(["表", "表", "表", "TABLE", "table", &long, &long]);
        assert_eq!(names[..5], ["表", "表~2", "表~3", "TABLE", "table~2"]);
        assert_eq!(names[5], "阿".repeat(31));
        assert_eq!(names[6], format!("{}~2", "阿".repeat(29)));
        for n in &names {
            rust_xlsxwriter::utility::check_sheet_name(n).expect("Excel accepts it");
        }
    }

    #[test]
    fn sheet_names_from_data_are_made_valid_in_the_workbook() {
        use calamine::Reader;
        let mut t = Table::new("甲/乙街道", &["a"]);
        t.rows.push(vec!["1".into()]);
        let mut u = t.clone();
        u.sheet = "甲_乙街道".into();
        let bytes = workbook(&[t, u], "x").expect("writes");
        let wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("reads");
        assert_eq!(wb.sheet_names(), ["甲_乙街道", "甲_乙街道~2"]);
    }

    #[test]
    fn text_over_excels_cell_limit_is_cut_with_a_marker() {
        use calamine::Reader;
        assert_eq!(cell_text("短"), "短");
        let exact = "x".repeat(CELL_TEXT_MAX);
        assert_eq!(cell_text(&exact), exact);
        let long = "阿".repeat(CELL_TEXT_MAX + 10);
        let cut = cell_text(&long);
        assert_eq!(cut.encode_utf16().count(), CELL_TEXT_MAX);
        assert!(cut.ends_with(CUT_MARKER));
        let mut t = Table::new("表", &[long.as_str()]);
        t.title = Some(long.clone());
        t.notes.push(long.clone());
        t.rows.push(vec![long.clone().into()]);
        let bytes = workbook(&[t], "x").expect("long text does not fail the workbook");
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("reads");
        let r = wb.worksheet_range("表").expect("sheet");
        let cell = r.get_value((2, 0)).expect("cell").to_string();
        assert!(cell.ends_with(CUT_MARKER), "{}", cell.len());
    }
}
