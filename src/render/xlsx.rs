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
    /// A figure shown with one decimal (a mean per delegate: 0.9, 1.0).
    Dec1(f64),
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
            Cell::Pct(v) => crate::domain::text::rate(Some(*v)),
            Cell::Dec1(v) => format!("{:.1}", crate::domain::text::round_half_away(*v, 1)),
            Cell::Empty => String::new(),
        }
    }
}

/// Rows of cells as printed text: the Word twin of a typed sheet.
pub fn texts(rows: &[Vec<Cell>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(Cell::text).collect())
        .collect()
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

/// A native chart drawn from two columns of a table's data rows. It gets a chart sheet
/// of its own, named by its title, right after its table's sheet: it prints alone on a
/// landscape page, scaled to the page, without the table's headers.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    pub title: String,
    /// Pie for shares of a whole, column otherwise.
    pub pie: bool,
    pub category_col: u16,
    pub value_col: u16,
    /// Data rows (0-based, inclusive) the chart covers: leaves a 合计 row out.
    pub rows: (u32, u32),
    /// The values are shares: the axis runs from 0 % to 100 %.
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
    /// The same table as a document table (its headers and its cells as printed text),
    /// with these relative column widths.
    pub fn to_block(&self, widths: &[u32]) -> crate::render::docx::TableBlock {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        crate::render::docx::TableBlock::new(&headers, texts(&self.rows), widths)
    }

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
        Cell::Num(_) | Cell::Pct(_) | Cell::Dec1(_) => 8,
        Cell::Date(_) => 10,
        Cell::Empty => 0,
    }
}

/// The narrowest a running-text column is made (20 CJK characters a line), and the
/// widest any other column grows.
pub const RUNNING_MIN: f64 = 40.0;
const COLUMN_MAX: usize = 60;

/// Column widths that fit the header and the content. A column of running text (text
/// wider than `RUNNING_MIN`) wraps: the running columns share what the other columns
/// leave of an A4 portrait page, or failing `RUNNING_MIN` each, of a landscape one
/// (and failing that are `COLUMN_MAX` wide), and are never wider than their text.
pub fn column_widths(t: &Table) -> Vec<f64> {
    let natural: Vec<f64> = (0..t.headers.len())
        .map(|i| {
            let content = t
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(cell_width)
                .max()
                .unwrap_or(0);
            (display_width(&t.headers[i]).max(content) + 2).max(6) as f64
        })
        .collect();
    let running = running_columns(&natural);
    let fixed: f64 = natural
        .iter()
        .zip(&running)
        .filter(|(_, r)| !**r)
        .map(|(w, _)| w)
        .sum();
    let n_running = running.iter().filter(|r| **r).count();
    // One column wider than the page (in the wider font) is not shrunk to fit the
    // page by LibreOffice: it cannot be broken, so it counts as one page across.
    let share = [Paper::A4Portrait, Paper::A4Landscape]
        .into_iter()
        .map(|p| {
            let room =
                (units_in(p.printable_mm(), natural.len()) - fixed) / n_running.max(1) as f64;
            let whole = (p.printable_mm() * 96.0 / 25.4 - 5.0) / WIDE_UNIT_PX;
            room.min(whole).floor()
        })
        .find(|share| *share >= RUNNING_MIN)
        // A sheet too wide for either page prints across several anyway: its running
        // text gets the widest column, so that its rows stay low.
        .unwrap_or(COLUMN_MAX as f64);
    natural
        .iter()
        .zip(&running)
        .map(|(w, r)| {
            if *r {
                w.min(share)
            } else {
                w.min(COLUMN_MAX as f64)
            }
        })
        .collect()
}

/// Which columns of these natural widths hold running text (and wrap).
fn running_columns(natural: &[f64]) -> Vec<bool> {
    natural.iter().map(|w| *w > RUNNING_MIN).collect()
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
    dec1: Format,
    title: Format,
    note: Format,
    /// Text that wraps in its column (running text, or a line longer than the column).
    wrap: Format,
}

impl Styles {
    fn all(&self) -> [&Format; 8] {
        [
            &self.header,
            &self.text,
            &self.date,
            &self.pct,
            &self.dec1,
            &self.title,
            &self.note,
            &self.wrap,
        ]
    }

    fn new() -> Styles {
        let font = "宋体";
        // Centred vertically: a row of one wrapped cell is several lines high.
        let text = Format::new()
            .set_font_name(font)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
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
            dec1: text.clone().set_num_format("0.0"),
            wrap: text.clone().set_text_wrap(),
            text,
            title: Format::new()
                .set_font_name(font)
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
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
            // A table's sheet, then one chart sheet per chart.
            Sheet::Table(t) => std::iter::once(&t.sheet)
                .chain(t.charts.iter().map(|c| &c.title))
                .cloned()
                .collect(),
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
                let widths = column_widths(t);
                let plan = print_plan(&widths, key_columns(&t.headers));
                let ws = add_sheet(&mut wb, &t.sheet, streamed(t), &widths, &plan)?;
                write_table(ws, t, &styles, &widths, &plan)?;
                for (spec, name) in t.charts.iter().zip(named.iter().skip(1)) {
                    let cs = wb.add_chartsheet();
                    cs.set_name(name)
                        .with_context(|| format!("工作表名「{name}」无效"))?;
                    cs.set_paper_size(9); // A4; a chart sheet prints landscape, fit to page
                    cs.insert_chart(0, 0, &chart(t, spec))?;
                }
            }
            Sheet::Listing(l) => {
                let widths = listing_widths(l);
                let headers: Vec<String> = l.columns.iter().map(|(h, _)| h.clone()).collect();
                let plan = print_plan(&widths, key_columns(&headers));
                for (part, name) in named.into_iter().enumerate() {
                    let first = part * part_rows;
                    let rows = (l.len - first.min(l.len)).min(part_rows);
                    let ws = add_sheet(&mut wb, &name, true, &widths, &plan)?;
                    write_listing_part(ws, l, first..first + rows, &styles, &widths)?;
                }
            }
        }
    }
    let stored = wb.save_to_buffer().context("生成 Excel 文件时出错")?;
    super::package::repack(&stored).context("压缩 Excel 文件时出错")
}

/// rust_xlsxwriter's zip level: the fastest (it takes no "stored"), since every
/// workbook is repacked by `package::repack`, which makes the bytes the same on every
/// host (rust_xlsxwriter records the one it runs on).
const ZIP_LEVEL: u8 = 1;

/// Whether a table's sheet is written in constant-memory mode (rows go to a temporary
/// file as they are written): every table but a small one with charts, whose data
/// caches rust_xlsxwriter fills from the cells it holds.
fn streamed(t: &Table) -> bool {
    t.charts.is_empty() || t.rows.len() > CHARTED_ROWS_HELD
}

/// A new sheet, named, set up for printing by its plan, with the given column widths. A
/// streamed sheet goes to a temporary file row by row (inline strings), so memory stays
/// flat; a sheet with charts keeps its cells (and the shared-string table) for the
/// charts' data caches.
fn add_sheet<'w>(
    wb: &'w mut Workbook,
    name: &str,
    streamed: bool,
    widths: &[f64],
    plan: &PrintPlan,
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
    print_setup(ws, plan)?;
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    Ok(ws)
}

/// Side margins of every printed sheet, inches (12.7 mm).
const SIDE_MARGIN_IN: f64 = 0.5;

/// Pixels (at 96 an inch) a unit of column width takes with Excel's default font,
/// Calibri 11, and with the wider font a computer without Calibri draws it in
/// (LibreOffice on Linux: DejaVu Sans, a third wider). A plan that must hold on every
/// reader's computer reckons with the wider.
const UNIT_PX: f64 = 7.0;
pub const WIDE_UNIT_PX: f64 = 9.33;

/// A column's printed width in mm: a column `w` units wide is `px w + 5` pixels.
fn column_mm(w: f64, px: f64) -> f64 {
    (px * w + 5.0) * 25.4 / 96.0
}

/// The printed width of these columns, mm, at `px` pixels a unit.
pub fn printed_mm(widths: &[f64], px: f64) -> f64 {
    widths.iter().map(|w| column_mm(*w, px)).sum()
}

/// The column width (characters) of `n` columns that together print `mm` wide.
fn units_in(mm: f64, n: usize) -> f64 {
    (mm * 96.0 / 25.4 - 5.0 * n as f64) / UNIT_PX
}

/// The paper a sheet prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4Portrait,
    A4Landscape,
    A3Landscape,
}

impl Paper {
    /// Width between the side margins, mm.
    pub fn printable_mm(self) -> f64 {
        let page = match self {
            Paper::A4Portrait => 210.0,
            Paper::A4Landscape => 297.0,
            Paper::A3Landscape => 420.0,
        };
        page - 2.0 * SIDE_MARGIN_IN * 25.4
    }

    /// Excel's paper code: 9 is A4, 8 is A3.
    fn code(self) -> u8 {
        match self {
            Paper::A3Landscape => 8,
            _ => 9,
        }
    }
}

/// Body text size of every sheet, pt (Excel's default font size).
pub const BODY_PT: f64 = 11.0;

/// The smallest body text a sheet is shrunk to when fitted to the page width: below
/// it a table prints across several pages instead.
pub const MIN_PRINTED_PT: f64 = 8.0;

/// How one sheet prints.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintPlan {
    pub paper: Paper,
    /// Every column on one page across, shrunk to the page width when wider (as many
    /// pages down as needed). Otherwise the sheet prints at full size across several
    /// pages, over then down, broken where the spreadsheet program finds the page full.
    pub fit_width: bool,
    /// Leading identifying columns repeated on every page across (several pages only).
    pub repeat_cols: usize,
    /// The columns the title spans: all of them on a fitted sheet, those of the first
    /// page (in the wider font) across several pages. There the title prints in the
    /// page header of every page instead: the repeated columns would print a piece of
    /// it on each.
    pub title: std::ops::Range<usize>,
    /// The columns the notes below the table span: the title's, after the repeated
    /// ones across several pages.
    pub notes: std::ops::Range<usize>,
    /// The printed size of the body text in the wider font, pt (at least this).
    pub printed_pt: f64,
}

/// How a table sheet of these column widths prints, its first `keys` columns naming
/// the row. A4 portrait when it fits at full size; otherwise landscape, fitted to the
/// width while the body text stays at `MIN_PRINTED_PT` or more on A4, or failing that
/// on A3 (reckoned in the wider font, so it holds on every computer); wider still, at
/// full size on A4 landscape across several pages, the key columns repeated on each
/// (not when they would fill half a page).
pub fn print_plan(widths: &[f64], keys: usize) -> PrintPlan {
    let n = widths.len();
    let wide = printed_mm(widths, WIDE_UNIT_PX);
    let fitted = |paper: Paper| PrintPlan {
        paper,
        fit_width: true,
        repeat_cols: 0,
        title: 0..n,
        notes: 0..n,
        printed_pt: BODY_PT * (paper.printable_mm() / wide).min(1.0),
    };
    if printed_mm(widths, UNIT_PX) <= Paper::A4Portrait.printable_mm() {
        return fitted(Paper::A4Portrait);
    }
    for paper in [Paper::A4Landscape, Paper::A3Landscape] {
        let plan = fitted(paper);
        if plan.printed_pt >= MIN_PRINTED_PT {
            return plan;
        }
    }
    let paper = Paper::A4Landscape;
    let room = paper.printable_mm();
    let keys = keys.min(n);
    let keys = if printed_mm(&widths[..keys], WIDE_UNIT_PX) * 2.0 > room {
        0
    } else {
        keys
    };
    let first_page = (1..=n)
        .take_while(|k| printed_mm(&widths[..*k], WIDE_UNIT_PX) <= room)
        .last()
        .unwrap_or(1);
    PrintPlan {
        paper,
        fit_width: false,
        repeat_cols: keys,
        title: 0..first_page,
        notes: keys.min(n.saturating_sub(1))..first_page.max(keys + 1).min(n),
        printed_pt: BODY_PT,
    }
}

/// Headers that name a row's delegate or group: repeated on every page across.
const KEY_HEADERS: [&str; 3] = ["代表编号", "姓名", "代表小组"];

/// The leading columns whose headers name the row (代表编号, 姓名, 代表小组).
pub fn key_columns(headers: &[String]) -> usize {
    headers
        .iter()
        .take_while(|h| KEY_HEADERS.contains(&h.as_str()))
        .count()
}

/// The width of one character at 11 pt in column-width units: a CJK glyph is a full
/// em (about 2.1 digits of the default font), other text about half that.
fn char_units(c: char) -> f64 {
    if c.is_ascii() {
        1.05
    } else {
        2.1
    }
}

/// The lines a text wraps to in a column `width` characters wide with its font
/// `scale` times the body size, as Excel wraps: CJK text at any character, a word of
/// Latin letters, digits or signs kept whole (`lvzhi`, `2025-03-05`) unless it fills a
/// line alone; each line of the text starts a new one. A text as wide as the natural
/// width of its column (its display width and 2) takes one line.
pub fn wrap_text(s: &str, width: f64, scale: f64) -> Vec<String> {
    let mut out = Vec::new();
    wrap_ranges(s, width, scale, |r| out.push(s[r].to_string()));
    out
}

/// `wrap_text` as the byte ranges of its lines, handed to `line` one by one (counting
/// the lines of every cell of a long listing allocates nothing).
fn wrap_ranges(s: &str, width: f64, scale: f64, mut line: impl FnMut(std::ops::Range<usize>)) {
    let room = width.max(1.0);
    let units = |t: &str| t.chars().map(|c| char_units(c) * scale).sum::<f64>();
    let mut offset = 0;
    for text in s.split('\n') {
        let (mut start, mut used) = (offset, 0.0);
        for (i, c) in text.char_indices() {
            let (at, w) = (offset + i, char_units(c) * scale);
            // A hair over (a sum of 2.1s) still fits; closing punctuation never starts
            // a line (it hangs at the end of this one, as Excel and WPS print it).
            if used > 0.0 && used + w > room + 1e-9 && !NO_LINE_START.contains(c) {
                // The word in progress moves to the next line whole, unless it is the
                // whole line.
                let word = if c.is_ascii_graphic() {
                    s[start..at]
                        .rfind(|p: char| !p.is_ascii_graphic())
                        .map_or(start, |k| {
                            start + k + s[start + k..].chars().next().map_or(1, char::len_utf8)
                        })
                } else {
                    at
                };
                let cut = if word == start { at } else { word };
                line(start..cut);
                start = cut;
                used = units(&s[cut..at]);
            }
            used += w;
        }
        line(start..offset + text.len());
        offset += text.len() + 1;
    }
}

/// Punctuation that never begins a line of Chinese text.
const NO_LINE_START: &str = "，。、；：？！）」』”’》〉】…％";

/// How many lines `wrap_text` makes.
pub fn text_lines(s: &str, width: f64, scale: f64) -> usize {
    let mut n = 0;
    wrap_ranges(s, width, scale, |_| n += 1);
    n
}

/// Height of one line of 11 pt body text, pt, and what a cell adds above and below.
const LINE_PT: f64 = 14.5;
const CELL_PAD_PT: f64 = 3.0;

/// Height of one line of the 14 pt title, pt; a title row is never lower than
/// `TITLE_MIN_PT`.
const TITLE_LINE_PT: f64 = 19.0;
const TITLE_MIN_PT: f64 = 28.0;

/// Height of a row whose tallest cell wraps to `lines` lines of body text, when more
/// than one (a one-line row keeps the default height).
pub fn row_height(lines: usize) -> Option<f64> {
    (lines > 1).then_some(lines as f64 * LINE_PT + CELL_PAD_PT)
}

/// Height of a title row that wraps to `lines` lines.
pub fn title_height(lines: usize) -> f64 {
    (lines as f64 * TITLE_LINE_PT + 2.0 * CELL_PAD_PT).max(TITLE_MIN_PT)
}

/// The printed setup of a sheet by its plan: paper and orientation, fitted to the
/// width or at full size across several pages over then down with the key columns
/// repeated, 12.7 mm side margins, centred, page numbers in the footer. The header row
/// repeats on every page (set in `write_headers`).
fn print_setup(ws: &mut Worksheet, plan: &PrintPlan) -> Result<()> {
    ws.set_paper_size(plan.paper.code());
    if plan.paper != Paper::A4Portrait {
        ws.set_landscape();
    }
    if plan.fit_width {
        ws.set_print_fit_to_pages(1, 0);
    } else {
        ws.set_page_order(false);
        if plan.repeat_cols > 0 {
            ws.set_repeat_columns(0, plan.repeat_cols as u16 - 1)?;
        }
    }
    ws.set_margins(SIDE_MARGIN_IN, SIDE_MARGIN_IN, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
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

/// Lines a cell takes in a column `width` wide: more than one only for text longer
/// than the column (a quick bound on the bytes first: most cells are short).
fn cell_lines(v: &Cell, width: f64) -> usize {
    match v {
        Cell::Text(s) if s.len() as f64 * 1.05 > width - 1.0 || s.contains('\n') => {
            text_lines(s, width, 1.0)
        }
        _ => 1,
    }
}

/// One data row: its height set first for the lines its longest text wraps to (a
/// streamed sheet writes a row out when the next begins), then its cells, the text
/// that wraps with the wrapping format.
fn write_row(
    ws: &mut Worksheet,
    r: u32,
    row: &[Cell],
    widths: &[f64],
    styles: &Styles,
) -> Result<()> {
    let lines = |c: usize, v: &Cell| widths.get(c).map_or(1, |w| cell_lines(v, *w));
    let most = (0..row.len()).map(|c| lines(c, &row[c])).max().unwrap_or(1);
    if let Some(h) = row_height(most) {
        ws.set_row_height(r, h)?;
    }
    for (c, v) in row.iter().enumerate() {
        match v {
            Cell::Text(s) if most > 1 && lines(c, v) > 1 => {
                ws.write_string_with_format(r, c as u16, &*cell_text(s), &styles.wrap)?;
            }
            _ => write_formatted(ws, r, c as u16, v, styles)?,
        }
    }
    Ok(())
}

/// One cell with its full format (bordered, 宋体): the look of every ordinary sheet.
fn write_formatted(ws: &mut Worksheet, r: u32, c: u16, v: &Cell, styles: &Styles) -> Result<()> {
    match v {
        Cell::Text(s) => ws.write_string_with_format(r, c, &*cell_text(s), &styles.text)?,
        Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, &styles.text)?,
        Cell::Num(x) => ws.write_number_with_format(r, c, *x, &styles.text)?,
        Cell::Pct(x) => ws.write_number_with_format(r, c, *x, &styles.pct)?,
        Cell::Dec1(x) => ws.write_number_with_format(r, c, *x, &styles.dec1)?,
        Cell::Date(d) => ws.write_datetime_with_format(r, c, &excel_date(*d)?, &styles.date)?,
        Cell::Empty => ws.write_blank(r, c, &styles.text)?,
    };
    Ok(())
}

/// The title in row 0 across the columns `cols`: merged over them, wrapped, and the
/// row as high as the lines it needs.
fn write_title(
    ws: &mut Worksheet,
    title: &str,
    widths: &[f64],
    cols: std::ops::Range<usize>,
    format: &Format,
) -> Result<()> {
    let text = cell_text(title);
    let span = widths.get(cols.clone()).filter(|s| !s.is_empty());
    let span = span.unwrap_or(&[RUNNING_MIN]);
    ws.set_row_height(
        0,
        title_height(text_lines(&text, span_width(span), TITLE_SCALE)),
    )?;
    let first = cols.start as u16;
    if span.len() > 1 {
        ws.merge_range(0, first, 0, first + span.len() as u16 - 1, &text, format)?;
    } else {
        ws.write_string_with_format(0, first, &*text, format)?;
    }
    Ok(())
}

/// The width of adjacent columns together: they also span the padding (5 px) between.
fn span_width(span: &[f64]) -> f64 {
    span.iter().sum::<f64>() + span.len().saturating_sub(1) as f64 * 5.0 / UNIT_PX
}

/// Size of the title font against the body's.
const TITLE_SCALE: f64 = 14.0 / BODY_PT;

/// One table's sheet. Its title and notes span the columns of the first page across,
/// so that they print whole on it; across several pages the title prints in the page
/// header of each page instead (outside the print area).
fn write_table(
    ws: &mut Worksheet,
    t: &Table,
    styles: &Styles,
    widths: &[f64],
    plan: &PrintPlan,
) -> Result<()> {
    let mut r: u32 = 0;
    if let Some(title) = &t.title {
        write_title(ws, title, widths, plan.title.clone(), &styles.title)?;
        r = 1;
    }
    let header_row = r;
    write_headers(ws, r, &t.headers, styles)?;
    r += 1;
    for row in &t.rows {
        write_row(ws, r, row, widths, styles)?;
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
    // A note is broken into rows as wide as its columns: text running on past them
    // would be cut at the page's edge. Not merged: a list read back (a decided draft)
    // would see the note in every column of the merge.
    let width = span_width(widths.get(plan.notes.clone()).unwrap_or_default());
    let width = if width > 0.0 { width } else { RUNNING_MIN };
    let mut nr = r + 1;
    for n in &t.notes {
        for line in wrap_text(&cell_text(n), width, 1.0) {
            ws.write_string_with_format(nr, plan.notes.start as u16, &line, &styles.note)?;
            nr += 1;
        }
    }
    // A form to be filled in (rows to come below its own) keeps its title row in
    // print: a print area would leave out the rows the user adds.
    let filled = t.input_rows as usize <= t.rows.len();
    if let Some(title) = t.title.as_ref().filter(|_| !plan.fit_width && filled) {
        ws.set_header(page_header(title));
        let last_row = nr.max(r + 1) - 1;
        let last_col = t.headers.len().max(1) as u16 - 1;
        ws.set_print_area(header_row, 0, last_row, last_col)?;
    }
    if t.hidden {
        ws.set_hidden(true);
    }
    Ok(())
}

/// Excel's longest page header, in UTF-16 units.
const PAGE_HEADER_MAX: usize = 255;

/// A title as a page header: centred, bold 14 pt 宋体, `&` doubled (a field code
/// otherwise), cut to what Excel holds. A title starting with a digit is set off from
/// the size by a space: `&142025年…` would be a font size of 142025.
pub fn page_header(title: &str) -> String {
    let font = if title.starts_with(|c: char| c.is_ascii_digit()) {
        "&C&\"宋体,Bold\"&14 "
    } else {
        "&C&\"宋体,Bold\"&14"
    };
    let room = PAGE_HEADER_MAX - font.encode_utf16().count();
    let mut out = font.to_string();
    let mut used = 0;
    for c in title.chars() {
        let piece = if c == '&' {
            "&&".to_string()
        } else {
            c.to_string()
        };
        used += piece.encode_utf16().count();
        if used > room {
            break;
        }
        out.push_str(&piece);
    }
    out
}

/// A table's chart, drawn from its data rows: a column chart's value axis starts at 0,
/// and a share's runs to 100 %, so that bars compare as they are.
fn chart(t: &Table, spec: &ChartSpec) -> Chart {
    let header_row = u32::from(t.title.is_some());
    let mut chart = Chart::new(if spec.pie {
        ChartType::Pie
    } else {
        ChartType::Column
    });
    let first = header_row + 1 + spec.rows.0;
    let last = header_row + 1 + spec.rows.1;
    let sheet = t.sheet.as_str();
    chart
        .add_series()
        .set_categories((sheet, first, spec.category_col, last, spec.category_col))
        .set_values((sheet, first, spec.value_col, last, spec.value_col))
        .set_name(
            t.headers
                .get(spec.value_col as usize)
                .map_or("", |h| h.as_str()),
        );
    chart.title().set_name(&spec.title);
    if !spec.pie {
        chart.legend().set_hidden();
        chart.y_axis().set_min(0);
        if spec.percent {
            chart.y_axis().set_max(1).set_num_format("0%");
        }
    }
    chart
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
    widths: &[f64],
) -> Result<()> {
    let headers: Vec<String> = l.columns.iter().map(|(h, _)| h.clone()).collect();
    write_headers(ws, 0, &headers, styles)?;
    let count = rows.len();
    let mut row = Vec::with_capacity(l.columns.len());
    for (r, i) in (1u32..).zip(rows) {
        row.clear();
        (l.fill)(i, &mut row);
        write_row(ws, r, &row, widths, styles)?;
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

    /// The parts of a workbook as text, by name.
    fn xml_parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
        crate::render::zip_parts(bytes)
            .into_iter()
            .map(|(n, x)| (n, String::from_utf8_lossy(&x).into_owned()))
            .collect()
    }

    /// The `<c …>` element of cell `r` in a sheet's XML.
    fn cell_xml<'x>(sheet: &'x str, r: &str) -> &'x str {
        let start = sheet
            .find(&format!("<c r=\"{r}\""))
            .unwrap_or_else(|| panic!("cell {r}"));
        let rest = &sheet[start..];
        let end = rest.find("</c>").map_or(rest.len(), |e| e + 4);
        let end = rest.find("/>").filter(|e| *e < end).map_or(end, |e| e + 2);
        &rest[..end]
    }

    fn group_table() -> Table {
        let mut t = Table::new("各组", &["代表小组", "人次", "出席率", "人均建议"]);
        t.title = Some("各组情况".into());
        t.rows = vec![
            vec![
                "甲".into(),
                12u32.into(),
                Cell::Pct(0.875),
                Cell::Dec1(1.25),
            ],
            vec!["乙".into(), 3u32.into(), Cell::Pct(1.0), Cell::Dec1(0.5)],
        ];
        for (title, col, percent) in [("各组出席率", 2, true), ("各组人次", 1, false)] {
            t.charts.push(ChartSpec {
                title: title.into(),
                pie: false,
                category_col: 0,
                value_col: col,
                rows: (0, 1),
                percent,
            });
        }
        t
    }

    /// A share's axis runs 0–100 %, a count's starts at 0; each chart is a chart sheet
    /// of its own after its table, which carries no drawing.
    #[test]
    fn charts_get_their_own_sheets_and_honest_axes() {
        let bytes = workbook(&[group_table()], "x").expect("writes");
        let parts = xml_parts(&bytes);
        let rate = &parts["xl/charts/chart1.xml"];
        assert!(rate.contains("<c:max val=\"1\"/>"), "{rate}");
        assert!(rate.contains("<c:min val=\"0\"/>"), "{rate}");
        assert!(rate.contains("formatCode=\"0%\""), "{rate}");
        assert!(rate.contains("$C$3:$C$4"), "{rate}");
        let count = &parts["xl/charts/chart2.xml"];
        assert!(count.contains("<c:min val=\"0\"/>"), "{count}");
        assert!(!count.contains("<c:max "), "{count}");
        assert!(parts.contains_key("xl/chartsheets/sheet1.xml"));
        assert!(parts.contains_key("xl/chartsheets/sheet2.xml"));
        let book = &parts["xl/workbook.xml"];
        for n in ["各组", "各组出席率", "各组人次"] {
            assert!(book.contains(&format!("name=\"{n}\"")), "{book}");
        }
        assert!(book.find("name=\"各组\"") < book.find("name=\"各组出席率\""));
        assert!(book.find("name=\"各组出席率\"") < book.find("name=\"各组人次\""));
        let data = &parts["xl/worksheets/sheet1.xml"];
        assert!(!data.contains("<drawing"), "no chart on the data sheet");
        assert!(!data.contains("<rowBreaks"), "no page breaks for charts");
    }

    /// Counts, shares and means are numbers (no `t="s"`, `t="str"` or `t="inlineStr"`)
    /// with their number formats; text stays text.
    #[test]
    fn figures_are_number_cells() {
        let t = group_table();
        let parts = xml_parts(&workbook(&[t], "x").expect("writes"));
        let sheet = &parts["xl/worksheets/sheet1.xml"];
        for r in ["B3", "C3", "D3", "B4", "C4", "D4"] {
            let c = cell_xml(sheet, r);
            assert!(!c.contains(" t=\"") || c.contains(" t=\"n\""), "{r}: {c}");
            assert!(c.contains("<v>"), "{r}: {c}");
        }
        assert!(cell_xml(sheet, "A3").contains("t=\"s\""), "text stays text");
        assert!(cell_xml(sheet, "C3").contains("<v>0.875</v>"));
        let styles = &parts["xl/styles.xml"];
        assert!(styles.contains("formatCode=\"0.0%\""), "{styles}");
        assert!(styles.contains("formatCode=\"0.0\""), "{styles}");
        assert_eq!(Cell::Pct(0.875).text(), "87.5%");
        assert_eq!(
            Cell::Pct(0.0625).text(),
            "6.3%",
            "half away from zero, as text::rate"
        );
        assert_eq!(Cell::Dec1(1.0).text(), "1.0");
        assert_eq!(Cell::Dec1(0.25).text(), "0.3");
    }

    /// A sheet of `n` columns under a title: 代表编号, 姓名, 代表小组 (10, 6, 10 wide),
    /// then columns `w` wide.
    fn keyed(sheet: &str, n: usize, w: usize) -> Table {
        let mut t = Table::new(sheet, &[]);
        t.headers = ["代表编号", "姓名", "代表小组"]
            .into_iter()
            .map(String::from)
            .chain((3..n).map(|i| format!("{i:0>pad$}", pad = w - 2)))
            .collect();
        t.title = Some(format!("{sheet}的标题"));
        t.rows.push((0..n).map(|i| Cell::Int(i as i64)).collect());
        t
    }

    /// Worked examples of each plan (mm in the wider font, `WIDE_UNIT_PX` a unit):
    /// 110 units print 286 mm wide, 10.4 pt on A4 landscape; 150 units print 390 mm,
    /// 7.7 pt on A4 landscape but full size on A3; 24 columns of 15 print 921 mm, 4.7 pt
    /// even on A3, so across several pages.
    #[test]
    fn print_plan_fits_while_readable_then_a3_then_several_pages() {
        let narrow = print_plan(&[20.0, 30.0, 40.0], 0);
        assert_eq!((narrow.paper, narrow.fit_width), (Paper::A4Portrait, true));
        let a4 = print_plan(&[10.0; 11], 0);
        assert_eq!((a4.paper, a4.fit_width), (Paper::A4Landscape, true));
        assert!((a4.printed_pt - 10.4).abs() < 0.1, "{a4:?}");
        let a3 = print_plan(&[10.0; 15], 0);
        assert_eq!((a3.paper, a3.fit_width), (Paper::A3Landscape, true));
        assert_eq!(a3.printed_pt, BODY_PT);
        assert_eq!(
            (a3.repeat_cols, a3.title.clone(), a3.notes.clone()),
            (0, 0..15, 0..15)
        );
        let several = print_plan(&[15.0; 24], 3);
        assert_eq!(
            (several.paper, several.fit_width, several.repeat_cols),
            (Paper::A4Landscape, false, 3)
        );
        assert_eq!(several.printed_pt, BODY_PT);
        // The first page holds 271.6 mm: 7 columns of 38.4 mm; the notes skip the
        // repeated three.
        assert_eq!((several.title.clone(), several.notes.clone()), (0..7, 3..7));
        // Key columns filling half a page are not repeated.
        let mut fat = vec![60.0, 60.0];
        fat.extend([15.0; 30]);
        assert_eq!(print_plan(&fat, 2).repeat_cols, 0);
    }

    /// Whatever the widths, a fitted plan never prints below `MIN_PRINTED_PT`, and the
    /// plans run portrait, A4 landscape, A3, several pages as the sheet widens.
    #[test]
    fn print_plan_is_never_below_the_readable_size() {
        let rank = |p: &PrintPlan| match (p.paper, p.fit_width) {
            (Paper::A4Portrait, true) => 0,
            (Paper::A4Landscape, true) => 1,
            (Paper::A3Landscape, true) => 2,
            _ => 3,
        };
        let mut last = 0;
        for n in 1..80 {
            let plan = print_plan(&vec![12.0; n], 1);
            assert!(plan.printed_pt >= MIN_PRINTED_PT, "{n} columns: {plan:?}");
            assert!(rank(&plan) >= last, "{n} columns: {plan:?}");
            last = rank(&plan);
            assert!(!plan.title.is_empty() && plan.title.end <= n, "{plan:?}");
        }
        assert_eq!(last, 3, "the widest print across several pages");
    }

    #[test]
    fn key_columns_are_the_leading_identifying_ones() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            key_columns(&h(&["代表编号", "姓名", "代表小组", "积分"])),
            3
        );
        assert_eq!(key_columns(&h(&["代表小组", "代表数", "姓名"])), 1);
        assert_eq!(key_columns(&h(&["姓名", "届别"])), 1);
        assert_eq!(key_columns(&h(&["积分项", "每次分值"])), 0);
    }

    /// A blank form across several pages sets no print area (the rows the user adds
    /// would be left out), so its title stays in its row, not in the page header.
    #[test]
    fn a_form_to_fill_in_keeps_all_its_rows_in_print() {
        let mut form = keyed("宽表", 24, 15);
        form.rows.clear();
        form.input_rows = 1000;
        let parts = xml_parts(&workbook(&[form], "x").expect("writes"));
        let sheet = &parts["xl/worksheets/sheet1.xml"];
        assert!(
            sheet.contains("pageOrder=\"overThenDown\""),
            "pageSetup: {sheet}"
        );
        assert!(!sheet.contains("<oddHeader>"), "oddHeader: {sheet}");
        let book = &parts["xl/workbook.xml"];
        assert!(!book.contains("_xlnm.Print_Area"), "definedName: {book}");
        assert!(
            book.contains("宽表!$A:$C,宽表!$2:$2"),
            "definedName: {book}"
        );
    }

    #[test]
    fn page_headers_double_ampersands_and_fit_excels_limit() {
        assert_eq!(page_header("甲&乙"), "&C&\"宋体,Bold\"&14甲&&乙");
        assert_eq!(
            page_header("2025年第三季度"),
            "&C&\"宋体,Bold\"&14 2025年第三季度",
            "a leading digit is not read as part of the font size"
        );
        let long = page_header(&"&".repeat(300));
        assert!(long.encode_utf16().count() <= PAGE_HEADER_MAX, "{long}");
        assert!(long.ends_with("&&"), "never half an escape");
    }

    #[test]
    fn text_lines_wrap_at_characters_and_at_line_breaks() {
        assert_eq!(text_lines("代表", 10.0, 1.0), 1);
        // 20 CJK characters are 42 units: two lines in 40, one in their natural 42.
        let twenty = "代".repeat(20);
        assert_eq!(text_lines(&twenty, 40.0, 1.0), 2);
        assert_eq!(text_lines(&twenty, 42.0, 1.0), 1);
        assert_eq!(text_lines(&twenty, 42.0, TITLE_SCALE), 2);
        assert_eq!(text_lines("a\nb\nc", 40.0, 1.0), 3);
        assert_eq!(text_lines("", 40.0, 1.0), 1);
        assert_eq!(wrap_text("甲乙丙丁", 4.2, 1.0), ["甲乙", "丙丁"]);
        assert_eq!(wrap_text("ab\n甲", 4.2, 1.0), ["ab", "甲"]);
        // A Latin word moves whole to the next line, unless it fills a line alone.
        assert_eq!(
            wrap_text("运行 lvzhi commend", 12.0, 1.0),
            ["运行 lvzhi ", "commend"]
        );
        assert_eq!(wrap_text("甲乙lvzhi", 8.0, 1.0), ["甲乙", "lvzhi"]);
        assert_eq!(wrap_text("abcdefgh", 4.3, 1.0), ["abcd", "efgh"]);
        assert_eq!(
            wrap_text("甲乙，丙", 4.2, 1.0),
            ["甲乙，", "丙"],
            "no line starts with ，"
        );
        assert_eq!(row_height(1), None);
        assert_eq!(row_height(3), Some(3.0 * LINE_PT + CELL_PAD_PT));
        assert_eq!(title_height(1), TITLE_MIN_PT);
    }

    /// A running-text column gets what the other columns leave of a portrait page (or
    /// of a landscape one when that is too little), never more than its text or than
    /// one page in the wider font; short columns keep their natural width.
    #[test]
    fn running_text_columns_share_the_page() {
        let mut t = Table::new("表", &["类别", "姓名", "情况"]);
        t.rows.push(vec![
            "代表资格终止情形".into(),
            "张三".into(),
            "很长的情况说明".repeat(20).into(),
        ]);
        let w = column_widths(&t);
        assert_eq!(w[..2], [18.0, 6.0]);
        let room = (units_in(Paper::A4Portrait.printable_mm(), 3) - 24.0).floor();
        assert_eq!(w[2], room, "{w:?}");
        let mut guide = Table::new("填表说明", &["填表说明"]);
        guide.rows.push(vec!["说明".repeat(100).into()]);
        let w = column_widths(&guide)[0];
        assert!(w >= RUNNING_MIN, "{w}");
        assert!(
            printed_mm(&[w], WIDE_UNIT_PX) <= Paper::A4Portrait.printable_mm(),
            "{w}"
        );
        let mut short = Table::new("表", &["情况"]);
        short.rows.push(vec!["代".repeat(25).into()]);
        assert_eq!(
            column_widths(&short),
            vec![52.0],
            "never wider than its text"
        );
    }

    /// The parts and elements each plan writes: a portrait sheet fitted to the page, an
    /// A3 one, and one across several pages with its key columns and header row
    /// repeated, over then down; the title over the printed columns and wrapped; the
    /// running text wrapped in a row as high as its lines.
    #[test]
    fn print_plans_in_the_workbook_xml() {
        let mut narrow = group_table();
        narrow.charts.clear();
        narrow.headers.push("情况".into());
        for r in narrow.rows.iter_mut() {
            r.push("很长的情况说明".repeat(12).into());
        }
        let a3 = keyed("中表", 15, 10);
        let mut several = keyed("宽表", 24, 15);
        let note = "说明：积分按规则计算，如有出入请与代表联络室联系。".repeat(4);
        several.notes.push(note.clone());
        let bytes = workbook(&[narrow.clone(), a3.clone(), several.clone()], "x").expect("writes");
        // The note is broken into rows of the first page's columns after the repeated
        // ones (D on), unmerged: a list read back sees it in no other column.
        use calamine::Reader;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("reads");
        let r = wb.worksheet_range("宽表").expect("sheet");
        let note_rows: Vec<String> = (4..r.height() as u32)
            .map(|row| {
                r.get_value((row, 3))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert!(note_rows.len() > 1, "{note_rows:?}");
        assert_eq!(note_rows.concat(), note);
        for row in 4..r.height() as u32 {
            for c in [0, 1, 2, 4] {
                assert!(
                    r.get_value((row, c))
                        .is_none_or(|v| v.to_string().is_empty()),
                    "{row},{c}"
                );
            }
        }
        let last_note_row = 4 + note_rows.len();
        for t in [&a3, &several] {
            assert_eq!(key_columns(&t.headers), 3);
        }
        let parts = xml_parts(&workbook(&[narrow, a3, several], "x").expect("writes"));
        let sheets: Vec<&String> = (1..=5)
            .filter_map(|i| parts.get(&format!("xl/worksheets/sheet{i}.xml")))
            .collect();
        let [narrow, a3, several] = sheets[..] else {
            panic!("three worksheets: {:?}", parts.keys());
        };
        for s in [narrow, a3, several] {
            assert!(s.contains("horizontalCentered=\"1\""), "printOptions: {s}");
            assert!(
                s.contains("<pageMargins left=\"0.5\" right=\"0.5\""),
                "pageMargins: {s}"
            );
            assert!(s.contains("第 &amp;P 页，共 &amp;N 页"), "oddFooter: {s}");
        }
        for s in [narrow, a3] {
            assert!(s.contains("<pageSetUpPr fitToPage=\"1\"/>"), "sheetPr: {s}");
            assert!(s.contains("fitToHeight=\"0\""), "pageSetup: {s}");
        }
        assert!(narrow.contains("paperSize=\"9\""), "pageSetup: {narrow}");
        assert!(
            narrow.contains("orientation=\"portrait\""),
            "pageSetup: {narrow}"
        );
        assert!(a3.contains("paperSize=\"8\""), "pageSetup: {a3}");
        assert!(a3.contains("orientation=\"landscape\""), "pageSetup: {a3}");
        assert!(
            a3.contains("<mergeCell ref=\"A1:O1\"/>"),
            "mergeCells: {a3}"
        );
        assert!(!several.contains("fitToPage"), "sheetPr: {several}");
        assert!(several.contains("paperSize=\"9\""), "pageSetup: {several}");
        assert!(
            several.contains("orientation=\"landscape\""),
            "pageSetup: {several}"
        );
        assert!(
            several.contains("pageOrder=\"overThenDown\""),
            "pageSetup: {several}"
        );
        // The title spans the first page on screen, and prints in the page header of
        // every page, outside the print area (the repeated columns would show a piece).
        let plan = print_plan(&column_widths(&keyed("宽表", 24, 15)), 3);
        let last = rust_xlsxwriter::utility::column_number_to_name(plan.title.end as u16 - 1);
        assert!(
            several.contains(&format!("<mergeCell ref=\"A1:{last}1\"/>")),
            "mergeCells: {several}"
        );
        assert!(
            several.contains("<oddHeader>&amp;C&amp;\"宋体,Bold\"&amp;14宽表的标题</oddHeader>"),
            "oddHeader: {several}"
        );
        assert!(
            !a3.contains("<oddHeader>"),
            "a fitted sheet prints its title row: {a3}"
        );
        let book = &parts["xl/workbook.xml"];
        assert!(
            book.contains(&format!("<definedName name=\"_xlnm.Print_Area\" localSheetId=\"2\">宽表!$A$2:$X${last_note_row}</definedName>")),
            "definedName: {book}"
        );
        assert!(
            book.contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"2\">宽表!$A:$C,宽表!$2:$2</definedName>"),
            "definedName: {book}"
        );
        assert!(
            book.contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">各组!$2:$2</definedName>"),
            "definedName: {book}"
        );
        // Row 3 (a data row) wraps its 84-character text in lines of about 40.
        let row3 = &narrow[narrow.find("<row r=\"3\"").expect("row 3")..];
        let row3 = &row3[..row3.find('>').expect("row tag")];
        assert!(row3.contains("customHeight=\"1\""), "row: {row3}");
        let styles = &parts["xl/styles.xml"];
        assert!(
            styles.matches("wrapText=\"1\"").count() >= 3,
            "header, title, text: {styles}"
        );
        let e3 = cell_xml(narrow, "E3");
        let wrap_xf = styles
            .split("<cellXfs")
            .nth(1)
            .and_then(|x| {
                x.split("<xf ").skip(1).position(|xf| {
                    xf.contains("wrapText=\"1\"")
                        && !xf.contains("bold")
                        && xf.contains("borderId=\"1\"")
                        && !xf.contains("applyFill")
                })
            })
            .expect("a wrapping body format");
        assert!(e3.contains(&format!("s=\"{wrap_xf}\"")), "E3: {e3}");
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
