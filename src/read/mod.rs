//! Opening workbooks: the format is sniffed from the bytes (an extension says little
//! about what an office really saved), every sheet is loaded with its visibility, and
//! merged cells are filled so that every covered cell holds the merged value.

pub mod header;

use calamine::{Data, Range, Reader, SheetVisible, Xls, XlsOptions, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Files larger than this are refused before parsing, to keep memory bounded.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// What the parts of a zipped workbook (xlsx, ods) may unpack to, in all.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The longest text a cell may hold; real entries are a few dozen characters.
pub const MAX_CELL_CHARS: usize = 10_000;
/// Sheets with more rows than this are refused: no delegate group sends that many.
pub const MAX_SHEET_ROWS: u32 = 200_000;

/// What the bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
}

/// Why a file could not be opened, worded for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenError {
    pub message: String,
    pub hint: String,
}

impl OpenError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> OpenError {
        OpenError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// Cells a sheet may hold: a workbook from a delegate group has a few thousand.
pub const MAX_SHEET_CELLS: usize = 2_000_000;

/// One sheet's cells, addressed by absolute zero-based (row, column). Sparse, so that a
/// sheet with two cells far apart costs two cells, not the rectangle between them.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    rows: BTreeMap<u32, BTreeMap<u32, Data>>,
    cols: (u32, u32),
    count: usize,
}

static EMPTY: Data = Data::Empty;

impl Sheet {
    pub fn new(name: impl Into<String>, hidden: bool) -> Sheet {
        Sheet {
            name: name.into(),
            hidden,
            rows: BTreeMap::new(),
            cols: (u32::MAX, 0),
            count: 0,
        }
    }

    /// Sets a cell; blank values are not stored.
    pub fn set(&mut self, row: u32, col: u32, value: Data) {
        if is_blank(&value) {
            if self
                .rows
                .get_mut(&row)
                .and_then(|r| r.remove(&col))
                .is_some()
            {
                self.count -= 1;
            }
            return;
        }
        self.cols = (self.cols.0.min(col), self.cols.1.max(col + 1));
        if self
            .rows
            .entry(row)
            .or_default()
            .insert(col, value)
            .is_none()
        {
            self.count += 1;
        }
    }

    /// A sheet from a dense range (the `.xls` and `.ods` readers build one).
    pub fn from_range(name: impl Into<String>, hidden: bool, range: &Range<Data>) -> Sheet {
        let mut s = Sheet::new(name, hidden);
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            s.set(r0 + r as u32, c0 + c as u32, v.clone());
        }
        s
    }

    pub fn get(&self, row: u32, col: u32) -> &Data {
        self.rows
            .get(&row)
            .and_then(|r| r.get(&col))
            .unwrap_or(&EMPTY)
    }

    /// The non-blank cells of a row, left to right.
    pub fn row_cells(&self, row: u32) -> impl Iterator<Item = (u32, &Data)> {
        self.rows
            .get(&row)
            .into_iter()
            .flat_map(|r| r.iter().map(|(c, v)| (*c, v)))
    }

    /// Rows that hold anything, top to bottom.
    pub fn rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows
            .iter()
            .filter(|(_, r)| !r.is_empty())
            .map(|(r, _)| *r)
    }

    /// First and one-past-last row holding anything.
    pub fn row_span(&self) -> (u32, u32) {
        match (self.rows().next(), self.rows().last()) {
            (Some(a), Some(b)) => (a, b + 1),
            _ => (0, 0),
        }
    }

    pub fn col_span(&self) -> (u32, u32) {
        if self.cols.0 == u32::MAX {
            (0, 0)
        } else {
            self.cols
        }
    }

    pub fn row_is_empty(&self, row: u32) -> bool {
        self.row_cells(row).next().is_none()
    }

    pub fn cell_count(&self) -> usize {
        self.count
    }
}

/// An opened workbook.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<Sheet>,
}

pub fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => crate::text::clean_text(s).is_empty(),
        _ => false,
    }
}

/// Decides the format from the first bytes; refuses what is not a workbook.
pub fn sniff(bytes: &[u8]) -> Result<Format, OpenError> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.is_empty() {
        return Err(OpenError::new(
            "文件是空的（0 字节）",
            "请重新导出或重新发送该文件",
        ));
    }
    if bytes.starts_with(ZIP) {
        let head = &bytes[..bytes.len().min(256)];
        let ods = head
            .windows(b"opendocument.spreadsheet".len())
            .any(|w| w == b"opendocument.spreadsheet");
        return Ok(if ods { Format::Ods } else { Format::Xlsx });
    }
    if bytes.starts_with(CFB) {
        if cfb_has_stream(bytes, "EncryptionInfo") || cfb_has_stream(bytes, "EncryptedPackage") {
            return Err(encrypted());
        }
        return Ok(Format::Xls);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    let what = if head.contains("<html") || head.contains("<!doctype") || head.contains("<table") {
        "这是一个网页（HTML）文件，只是扩展名像表格"
    } else if bytes.starts_with(b"%PDF") {
        "这是一个 PDF 文件"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok() {
        "这是一个文本（如 CSV）文件，只是扩展名像表格"
    } else {
        "文件内容无法识别为 Excel 或 WPS 表格"
    };
    Err(OpenError::new(
        format!("不是有效的工作簿：{what}"),
        "请用 WPS 或 Excel 打开后“另存为” .xlsx 格式再报送",
    ))
}

fn encrypted() -> OpenError {
    OpenError::new(
        "工作簿设置了打开密码，无法读取",
        "请取消密码（文件→加密/保护工作簿）后重新报送",
    )
}

fn cfb_has_stream(bytes: &[u8], name: &str) -> bool {
    cfb::CompoundFile::open(Cursor::new(bytes))
        .map(|c| c.exists(name))
        .unwrap_or(false)
}

thread_local! {
    /// Set while a third-party reader runs under `catch_unwind`: its panics are
    /// expected to be caught and reported as a damaged file, not printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that stays silent for panics caught while reading a
/// workbook, and otherwise defers to the hook that was there before.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

/// Opens a workbook from its bytes. A malformed file can make the spreadsheet library
/// panic; that is caught here and reported as a damaged file, so one bad file never
/// stops the run.
pub fn open(bytes: &[u8]) -> Result<Workbook, OpenError> {
    install_panic_hook();
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(|| open_unguarded(bytes));
    QUIET.with(|q| q.set(false));
    result.unwrap_or_else(|_| {
        Err(OpenError::new(
            "工作簿已损坏，读取时结构异常",
            "请用 WPS 或 Excel 打开确认，另存为 .xlsx 后重新报送",
        ))
    })
}

fn open_unguarded(bytes: &[u8]) -> Result<Workbook, OpenError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(OpenError::new(
            format!(
                "文件过大（{} MB），超过上限 {} MB",
                bytes.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            "请检查是否误存了大量空行或图片，删除后重新报送",
        ));
    }
    let format = sniff(bytes)?;
    if matches!(format, Format::Xlsx | Format::Ods) {
        check_unpacked_size(bytes)?;
    }
    let damaged = |e: &dyn std::fmt::Debug| {
        OpenError::new(
            format!("工作簿已损坏，无法读取（{e:?}）"),
            "请用 WPS 或 Excel 打开确认，另存为 .xlsx 后重新报送",
        )
    };
    let sheets = match format {
        Format::Xlsx => {
            let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsxError::Password => encrypted(),
                other => damaged(&other),
            })?;
            let meta: Vec<(String, bool)> = wb
                .sheets_metadata()
                .iter()
                .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
                .collect();
            let mut out = Vec::new();
            for (name, hidden) in meta {
                // Cells are streamed: a declared or real extent of a million rows by
                // sixteen thousand columns never becomes one allocation.
                let mut sheet = Sheet::new(&name, hidden);
                {
                    let mut cells = wb.worksheet_cells_reader(&name).map_err(|e| damaged(&e))?;
                    while let Some(cell) = cells.next_cell().map_err(|e| damaged(&e))? {
                        let (r, c) = cell.get_position();
                        if r >= MAX_SHEET_ROWS {
                            return Err(too_many_rows(&name));
                        }
                        sheet.set(r, c, Data::from(cell.get_value().clone()));
                        if sheet.cell_count() > MAX_SHEET_CELLS {
                            return Err(too_many_cells(&name));
                        }
                    }
                }
                if let Ok(merges) = wb.merge_cells_by_sheet_name(&name) {
                    fill_merges(&mut sheet, &merges)?;
                }
                out.push(sheet);
            }
            out
        }
        Format::Xls => {
            let mut wb =
                Xls::new_with_options(Cursor::new(bytes), XlsOptions::default()).map_err(|e| {
                    match e {
                        calamine::XlsError::Password => encrypted(),
                        other => damaged(&other),
                    }
                })?;
            load_sheets(
                &mut wb,
                |wb, name| wb.merge_cells_by_sheet_name(name).ok(),
                &damaged,
            )?
        }
        Format::Ods => {
            let mut wb = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::OdsError::Password => encrypted(),
                other => damaged(&other),
            })?;
            // ODS merges are not exposed by calamine; such sheets keep only the top-left value.
            load_sheets(&mut wb, |_, _| None, &damaged)?
        }
    };
    Ok(Workbook { format, sheets })
}

/// Loads every sheet of an opened workbook with its visibility and filled merges.
fn load_sheets<'a, R, E>(
    wb: &mut R,
    merges: impl Fn(&mut R, &str) -> Option<Vec<calamine::Dimensions>>,
    damaged: &dyn Fn(&dyn std::fmt::Debug) -> OpenError,
) -> Result<Vec<Sheet>, OpenError>
where
    R: Reader<Cursor<&'a [u8]>, Error = E>,
    E: std::fmt::Debug,
{
    let meta: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect();
    let mut out = Vec::new();
    for (name, hidden) in meta {
        let range = wb.worksheet_range(&name).map_err(|e| damaged(&e))?;
        check_size(&name, &range)?;
        let mut sheet = Sheet::from_range(&name, hidden, &range);
        if let Some(m) = merges(wb, &name) {
            fill_merges(&mut sheet, &m)?;
        }
        out.push(sheet);
    }
    Ok(out)
}

/// Refuses a zip whose parts declare more than the limit once unpacked (a "zip bomb"),
/// before anything is inflated. A damaged zip is left to the reader to report.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), OpenError> {
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..z.len() {
        if let Ok(f) = z.by_index_raw(i) {
            total = total.saturating_add(f.size());
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(OpenError::new(
            format!(
                "工作簿解压后达 {} MB，超过上限 {} MB（文件可能已损坏或被恶意构造）",
                total / (1024 * 1024),
                MAX_UNPACKED_BYTES / (1024 * 1024)
            ),
            "请用 WPS 或 Excel 打开确认内容，另存为新文件后重新报送",
        ));
    }
    Ok(())
}

fn too_many_rows(name: &str) -> OpenError {
    OpenError::new(
        format!("工作表「{name}」超过 {MAX_SHEET_ROWS} 行的上限"),
        "请删除多余的行（包括表格下方远处的内容或格式）或拆分文件后重新报送",
    )
}

fn too_many_cells(name: &str) -> OpenError {
    OpenError::new(
        format!("工作表「{name}」的单元格超过 {MAX_SHEET_CELLS} 个的上限"),
        "请删除多余的内容或拆分文件后重新报送",
    )
}

fn check_size(name: &str, cells: &Range<Data>) -> Result<(), OpenError> {
    let rows = cells.height() as u32;
    if rows > MAX_SHEET_ROWS {
        return Err(too_many_rows(name));
    }
    Ok(())
}

/// Copies each merged region's top-left value into every cell it covers: a date merged
/// down over five rows belongs to all five records.
fn fill_merges(sheet: &mut Sheet, merges: &[calamine::Dimensions]) -> Result<(), OpenError> {
    for m in merges {
        let value = sheet.get(m.start.0, m.start.1).clone();
        if is_blank(&value) {
            continue;
        }
        if m.end.0 >= MAX_SHEET_ROWS || m.len() > MAX_SHEET_CELLS as u64 {
            return Err(too_many_rows(&sheet.name));
        }
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                if (r, c) != m.start {
                    sheet.set(r, c, value.clone());
                }
            }
        }
        if sheet.cell_count() > MAX_SHEET_CELLS {
            return Err(too_many_cells(&sheet.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_refuses_what_is_not_a_workbook() {
        assert!(sniff(b"").unwrap_err().message.contains("空"));
        assert!(sniff(b"<html><table><tr><td>1</td></tr></table></html>")
            .unwrap_err()
            .message
            .contains("网页"));
        assert!(sniff("代表编号,姓名\nD001,张三\n".as_bytes())
            .unwrap_err()
            .message
            .contains("文本"));
        assert_eq!(sniff(b"PK\x03\x04rest"), Ok(Format::Xlsx));
    }

    #[test]
    fn truncated_zip_is_reported_as_damaged() {
        let err = open(b"PK\x03\x04\x14\x00\x00\x00").unwrap_err();
        assert!(err.message.contains("损坏"), "{err:?}");
    }

    #[test]
    fn merged_values_fill_every_covered_cell() {
        let mut s = Sheet::new("表", false);
        s.set(0, 0, Data::String("2025-03-05".into()));
        s.set(0, 1, Data::String("x".into()));
        fill_merges(&mut s, &[calamine::Dimensions::new((0, 0), (2, 0))]).expect("fills");
        assert_eq!(s.get(2, 0), &Data::String("2025-03-05".into()));
        assert_eq!(s.get(2, 1), &Data::Empty);
        assert_eq!(s.row_span(), (0, 3));
        assert_eq!(s.cell_count(), 4);
    }

    #[test]
    fn a_merge_over_a_whole_sheet_is_refused() {
        let mut s = Sheet::new("表", false);
        s.set(0, 0, Data::String("x".into()));
        let err = fill_merges(
            &mut s,
            &[calamine::Dimensions::new((0, 0), (1_048_575, 16_383))],
        )
        .expect_err("too big");
        assert!(err.message.contains("上限"), "{err:?}");
    }
}
