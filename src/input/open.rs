//! Opening workbooks: the format is sniffed from the bytes (an extension says little
//! about what an office really saved), every sheet is loaded with its visibility, and
//! merged cells are filled so that every covered cell holds the merged value.

use super::merges;
pub use merges::cell_ref;

use calamine::{Data, Range, Reader, SheetVisible, Xls, XlsOptions, Xlsx};
use std::io::Cursor;

/// Files larger than this are refused before parsing, to keep memory bounded.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// What the parts of a zipped workbook (xlsx, ods) may unpack to, in all.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The longest text a cell may hold; real entries are a few dozen characters.
pub const MAX_CELL_CHARS: usize = 10_000;
/// Sheets with more rows than this are refused: no delegate group sends that many.
pub const MAX_SHEET_ROWS: u32 = 200_000;

/// Reads a file for opening: its metadata is checked first (a regular file within
/// `MAX_FILE_BYTES`; a FIFO, device or sparse giant is refused unread), then at most one
/// byte more than the limit is read, so a file that grows meanwhile is refused too.
pub fn read_bounded(path: &std::path::Path) -> Result<Vec<u8>, OpenError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
    check_metadata(&meta)?;
    let file = std::fs::File::open(path).map_err(|e| io_error(&e))?;
    // The opened file itself, in case the path was swapped since it was looked at.
    check_metadata(&file.metadata().map_err(|e| io_error(&e))?)?;
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(meta.len() as usize)
        .map_err(|_| out_of_memory())?;
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&e))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn check_metadata(meta: &std::fs::Metadata) -> Result<(), OpenError> {
    if !meta.is_file() {
        return Err(OpenError::new(
            "不是普通文件（可能是管道、设备或套接字），未读取",
            "报送表应为普通的 .xlsx、.xls 或 .ods 文件",
        ));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(meta.len()));
    }
    Ok(())
}

fn too_large(bytes: u64) -> OpenError {
    OpenError::new(
        format!(
            "文件过大（{} MB），超过上限 {} MB，未读取",
            bytes / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
        "请检查是否误存了大量空行或图片，删除后重新报送",
    )
}

fn out_of_memory() -> OpenError {
    OpenError::new(
        "内存不足，无法读取该文件",
        "请关闭其他程序后重试；如仍不行，请把该文件拆分为几个较小的文件",
    )
}

/// A read error in Chinese, with a hint that fits its cause.
pub fn io_error(e: &std::io::Error) -> OpenError {
    use std::io::ErrorKind::*;
    match e.kind() {
        OutOfMemory => out_of_memory(),
        NotFound => OpenError::new(
            "文件不存在（可能在读取时被移走或删除）",
            "请确认文件仍在输入文件夹中后重新运行",
        ),
        PermissionDenied => OpenError::new(
            "没有读取该文件的权限，或文件被其他程序锁定",
            "请关闭正在使用该文件的程序（如 WPS、Excel），并检查文件权限",
        ),
        _ => OpenError::new(
            format!(
                "无法读取文件（系统错误代码 {}）",
                e.raw_os_error().unwrap_or(0)
            ),
            "请检查文件是否被其他程序占用，或把文件复制到本机硬盘后重试",
        ),
    }
}

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

/// The longest sheet name kept: Excel allows 31 characters, a crafted file any number,
/// and the name is quoted in every finding and record source.
pub const MAX_SHEET_NAME_CHARS: usize = 100;

/// Cells a sheet may hold: a workbook from a delegate group has a few thousand.
pub const MAX_SHEET_CELLS: usize = 2_000_000;

/// Cells all sheets of one workbook may hold together (merge fills included): keeps a
/// file of many full sheets under 1 GB of memory (16 M cells took 1.1 GB).
pub const MAX_WORKBOOK_CELLS: usize = 4_000_000;

/// One sheet's cells, addressed by absolute zero-based (row, column). Sparse, so that a
/// sheet with two cells far apart costs two cells, not the rectangle between them.
/// Readers deliver cells row by row, so rows and cells are kept as sorted vectors that
/// usually grow at the end; a cell out of order is inserted in place.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    /// Rows in ascending order, each with its cells in ascending column order.
    rows: Vec<(u32, Vec<(u32, Data)>)>,
    cols: (u32, u32),
    count: usize,
}

static EMPTY: Data = Data::Empty;

impl Sheet {
    pub fn new(name: impl Into<String>, hidden: bool) -> Sheet {
        Sheet {
            name: name.into(),
            hidden,
            rows: Vec::new(),
            cols: (u32::MAX, 0),
            count: 0,
        }
    }

    /// The non-blank cells of a row as (column, value), left to right.
    pub fn cells(&self, row: u32) -> &[(u32, Data)] {
        match position(&self.rows, row) {
            Ok(i) => &self.rows[i].1,
            Err(_) => &[],
        }
    }

    /// Sets a cell; blank values are not stored.
    pub fn set(&mut self, row: u32, col: u32, value: Data) {
        if is_blank(&value) {
            if let Ok(i) = position(&self.rows, row) {
                let cells = &mut self.rows[i].1;
                if let Ok(j) = position(cells, col) {
                    cells.remove(j);
                    self.count -= 1;
                }
            }
            return;
        }
        self.cols = (self.cols.0.min(col), self.cols.1.max(col + 1));
        let i = match position(&self.rows, row) {
            Ok(i) => i,
            Err(i) => {
                self.rows.insert(i, (row, Vec::new()));
                i
            }
        };
        let cells = &mut self.rows[i].1;
        match position(cells, col) {
            Ok(j) => cells[j].1 = value,
            Err(j) => {
                cells.insert(j, (col, value));
                self.count += 1;
            }
        }
    }

    /// Sets many cells at once (non-blank values; a later one wins at the same place):
    /// one merge of two sorted lists instead of an insertion in the middle per cell.
    fn overlay(&mut self, mut cells: Vec<(u32, u32, Data)>) {
        cells.retain(|(_, _, v)| !is_blank(v));
        if cells.is_empty() {
            return;
        }
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        let mut new: Vec<(u32, u32, Data)> = Vec::with_capacity(cells.len());
        for cell in cells {
            match new.last_mut() {
                Some(last) if (last.0, last.1) == (cell.0, cell.1) => *last = cell,
                _ => new.push(cell),
            }
        }
        let old = std::mem::take(&mut self.rows)
            .into_iter()
            .flat_map(|(r, cells)| cells.into_iter().map(move |(c, v)| (r, c, v)));
        let mut old = old.peekable();
        let mut new = new.into_iter().peekable();
        self.count = 0;
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(o), Some(n)) => match (o.0, o.1).cmp(&(n.0, n.1)) {
                    std::cmp::Ordering::Less => old.next(),
                    std::cmp::Ordering::Equal => {
                        old.next();
                        new.next()
                    }
                    std::cmp::Ordering::Greater => new.next(),
                },
                (Some(_), None) => old.next(),
                (None, _) => new.next(),
            };
            let Some((r, c, v)) = next else { break };
            self.cols = (self.cols.0.min(c), self.cols.1.max(c + 1));
            match self.rows.last_mut() {
                Some((last, cells)) if *last == r => cells.push((c, v)),
                _ => self.rows.push((r, vec![(c, v)])),
            }
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
        cell_of(self.cells(row), col)
    }

    /// The non-blank cells of a row, left to right.
    pub fn row_cells(&self, row: u32) -> impl Iterator<Item = (u32, &Data)> {
        self.cells(row).iter().map(|(c, v)| (*c, v))
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

/// Where `key` is (Ok) or belongs (Err) in a list sorted by key. Cells arrive in order,
/// so the end is looked at before searching.
fn position<T>(sorted: &[(u32, T)], key: u32) -> Result<usize, usize> {
    match sorted.last() {
        Some((k, _)) if *k == key => Ok(sorted.len() - 1),
        Some((k, _)) if *k < key => Err(sorted.len()),
        None => Err(0),
        _ => sorted.binary_search_by_key(&key, |(k, _)| *k),
    }
}

/// The value at a column of a row's cells (`Sheet::cells`).
pub fn cell_of(cells: &[(u32, Data)], col: u32) -> &Data {
    match position(cells, col) {
        Ok(j) => &cells[j].1,
        Err(_) => &EMPTY,
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
        Data::String(s) => crate::domain::text::is_blank_text(s),
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

/// A workbook the reading library could not read: what is wrong in Chinese, by the kind
/// of the library's error; its own (English) wording only as a technical detail in the
/// hint, for whoever supports the office.
fn damaged_workbook(detail: &str) -> OpenError {
    let what = if detail.contains("Zip") || detail.contains("zip") {
        "压缩包结构异常"
    } else if detail.contains("Xml") || detail.contains("xml") || detail.contains("Parse") {
        "内部的表格数据格式错误"
    } else if detail.contains("FileNotFound") || detail.contains("Missing") {
        "缺少必需的组成部分"
    } else if detail.contains("Cfb") || detail.contains("Vba") || detail.contains("Xls") {
        "文件结构异常"
    } else {
        "内部结构异常"
    };
    OpenError::new(
        format!("工作簿已损坏，无法读取：{what}"),
        format!(
            "请用 WPS 或 Excel 打开确认，另存为 .xlsx 后重新报送（技术细节，供技术人员参考：{}）",
            crate::domain::text::clip(detail, 200)
        ),
    )
}

fn open_unguarded(bytes: &[u8]) -> Result<Workbook, OpenError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let format = sniff(bytes)?;
    if matches!(format, Format::Xlsx | Format::Ods) {
        check_unpacked_size(bytes)?;
        super::prescan::duplicate_entries(bytes)?;
    }
    match format {
        Format::Xlsx => super::prescan::xlsx(bytes)?,
        Format::Ods => super::prescan::ods(bytes)?,
        Format::Xls => {}
    }
    let damaged = |e: &dyn std::fmt::Debug| damaged_workbook(&format!("{e:?}"));
    let sheets = match format {
        Format::Xlsx => xlsx_sheets(bytes, &damaged)?,
        Format::Xls => {
            // BIFF8 keeps every string as UTF-16 (or its compressed Latin-1 form), whatever
            // CODEPAGE declares; only BIFF5 and older store text in the declared code page.
            let biff8 = check_xls_extent(bytes)?;
            let mut options = XlsOptions::default();
            if biff8 {
                options.force_codepage = Some(1200);
            }
            let mut wb =
                Xls::new_with_options(Cursor::new(bytes), options).map_err(|e| match e {
                    calamine::XlsError::Password => encrypted(),
                    other => damaged(&other),
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

/// Every sheet of an .xlsx, its cells streamed one by one within the limits.
fn xlsx_sheets(
    bytes: &[u8],
    damaged: &dyn Fn(&dyn std::fmt::Debug) -> OpenError,
) -> Result<Vec<Sheet>, OpenError> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => encrypted(),
        other => damaged(&other),
    })?;
    let meta: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect();
    let names: Vec<String> = meta.iter().map(|(n, _)| n.clone()).collect();
    let shown = |name: &str| crate::domain::text::clip(name, MAX_SHEET_NAME_CHARS);
    let mut merges = merges::xlsx(bytes, &names);
    let mut out = Vec::new();
    let mut before = 0;
    for (i, (name, hidden)) in meta.into_iter().enumerate() {
        // Cells are streamed: a declared or real extent of a million rows by
        // sixteen thousand columns never becomes one allocation.
        let mut sheet = Sheet::new(shown(&name), hidden);
        {
            let mut cells = wb.worksheet_cells_reader(&name).map_err(|e| damaged(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| damaged(&e))? {
                let (r, c) = cell.get_position();
                if r >= MAX_SHEET_ROWS {
                    return Err(too_many_rows(&sheet.name));
                }
                sheet.set(r, c, Data::from(cell.get_value().clone()));
                if sheet.cell_count() > MAX_SHEET_CELLS {
                    return Err(too_many_cells(&sheet.name));
                }
                if before + sheet.cell_count() > MAX_WORKBOOK_CELLS {
                    return Err(too_many_workbook_cells());
                }
            }
        }
        let regions = match merges.as_mut() {
            Some(m) => std::mem::take(&mut m[i]),
            None => wb.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        };
        fill_merges(&mut sheet, &regions)?;
        before += sheet.cell_count();
        if before > MAX_WORKBOOK_CELLS {
            return Err(too_many_workbook_cells());
        }
        out.push(sheet);
    }
    Ok(out)
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
    let mut cells = 0;
    for (name, hidden) in meta {
        let range = wb.worksheet_range(&name).map_err(|e| damaged(&e))?;
        let shown = crate::domain::text::clip(&name, MAX_SHEET_NAME_CHARS);
        check_size(&shown, &range)?;
        let mut sheet = Sheet::from_range(shown, hidden, &range);
        if sheet.cell_count() > MAX_SHEET_CELLS {
            return Err(too_many_cells(&sheet.name));
        }
        if let Some(m) = merges(wb, &name) {
            fill_merges(&mut sheet, &m)?;
        }
        cells += sheet.cell_count();
        if cells > MAX_WORKBOOK_CELLS {
            return Err(too_many_workbook_cells());
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

/// The most cells the legacy reader may lay out densely for one sheet (it allocates the
/// whole rectangle between the outermost cells, and reserves what DIMENSIONS declares).
pub const MAX_XLS_RECTANGLE: u64 = 4_000_000;

/// Scans the BIFF records of a `.xls` for the extent of each sheet's cells and declared
/// dimensions, and refuses a sheet whose rectangle is too large before the reader
/// allocates it: a few cells at row 60,000 and column 60,000 would otherwise ask for
/// hundreds of gigabytes at once. Returns whether the workbook is BIFF8.
fn check_xls_extent(bytes: &[u8]) -> Result<bool, OpenError> {
    // A container that does not follow the format is refused here: the scan below must
    // see exactly what the reader would read, and Excel and WPS write valid containers.
    let damaged = |why: &str| {
        OpenError::new(
            format!("工作簿已损坏，无法读取（{why}）"),
            "请用 WPS 或 Excel 打开确认，另存为 .xlsx 后重新报送",
        )
    };
    let mut comp =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| damaged("文件容器结构异常"))?;
    let mut stream = Vec::new();
    let found = ["/Workbook", "/Book"].iter().any(|name| {
        comp.open_stream(name)
            .is_ok_and(|mut s| std::io::Read::read_to_end(&mut s, &mut stream).is_ok())
    });
    if !found {
        return Err(damaged("没有工作簿数据流"));
    }
    let record = |pos: usize| biff_record(&stream, pos);
    // The globals, as the reader walks them: sheet positions from BOUNDSHEET records.
    let mut sheets = Vec::new();
    let mut pos = 0usize;
    let biff8 =
        record(0).is_some_and(|(typ, data, _)| typ == 0x0809 && u16_at(data, 0) == Some(0x0600));
    while let Some((typ, data, next)) = record(pos) {
        pos = next;
        match typ {
            0x0085 => sheets.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    // Each sheet from its recorded position (wherever that points), as the reader does.
    for start in sheets {
        check_sheet_extent(&stream, start as usize)?;
    }
    Ok(biff8)
}

/// One sheet's records from `start`: its declared DIMENSIONS and the extent of its cells
/// must stay within `MAX_XLS_RECTANGLE`.
fn check_sheet_extent(stream: &[u8], start: usize) -> Result<(), OpenError> {
    let record = |pos: usize| biff_record(stream, pos);
    let mut pos = start;
    let mut ext: Option<(u64, u64, u64, u64)> = None;
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut steps = 0usize;
    while let Some((typ, data, next)) = record(pos) {
        pos = next;
        steps += 1;
        if steps > 10_000_000 {
            break;
        }
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            // DIMENSIONS: the reader reserves rows × columns from it, computed as it
            // does (BIFF5 16-bit, BIFF8 32-bit rows; wrapping arithmetic included).
            0x0200 => {
                let dims = match data.len() {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                    _ => continue,
                };
                let (Some(rf), Some(rl), Some(cf), Some(cl)) = dims else {
                    continue;
                };
                let (rf, rl, mut cf, cl) = (rf as u32, rl as u32, cf as u32, cl as u32);
                if cf > 0xFF || cl < cf {
                    cf = 0;
                }
                let (r_end, c_end) = if rl >= 1 && cl >= 1 {
                    (rl - 1, cl - 1)
                } else {
                    (rf, cf)
                };
                let rows = u64::from(r_end.wrapping_sub(rf).wrapping_add(1));
                let cols = u64::from(c_end.wrapping_sub(cf).wrapping_add(1));
                if rows.saturating_mul(cols) > MAX_XLS_RECTANGLE {
                    return Err(xls_too_big());
                }
            }
            // Cell records (row and first column first; MULRK/MULBLANK end with
            // their last column), formulas and their string results included.
            0x0006 | 0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x00D6 | 0x00FD | 0x027E | 0x00BD
            | 0x00BE => {
                let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    continue;
                };
                let c_last = if matches!(typ, 0x00BD | 0x00BE) && data.len() >= 6 {
                    u16_at(data, data.len() - 2).unwrap_or(c).max(c)
                } else {
                    c
                };
                let e = ext.get_or_insert((r, r, c, c_last));
                *e = (e.0.min(r), e.1.max(r), e.2.min(c), e.3.max(c_last));
                if area(e.0, e.1, e.2, e.3) > MAX_XLS_RECTANGLE {
                    return Err(xls_too_big());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A BIFF record at `pos`: its type, its data (cut at the stream's end) and the next position.
fn biff_record(stream: &[u8], pos: usize) -> Option<(u16, &[u8], usize)> {
    let head = stream.get(pos..pos + 4)?;
    let typ = u16::from_le_bytes([head[0], head[1]]);
    let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
    let end = (pos + 4 + len).min(stream.len());
    Some((typ, &stream[pos + 4..end], end))
}

fn u16_at(d: &[u8], i: usize) -> Option<u64> {
    d.get(i..i + 2)
        .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(d: &[u8], i: usize) -> Option<u64> {
    d.get(i..i + 4)
        .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

fn xls_too_big() -> OpenError {
    OpenError::new(
        format!("工作表的数据范围超过上限（{MAX_XLS_RECTANGLE} 个单元格）"),
        "请删除表格右方或下方远处的内容或格式，另存为 .xlsx 后重新报送",
    )
}

fn area(r0: u64, r1: u64, c0: u64, c1: u64) -> u64 {
    (r1.saturating_sub(r0) + 1) * (c1.saturating_sub(c0) + 1)
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

fn too_many_workbook_cells() -> OpenError {
    OpenError::new(
        format!("工作簿各工作表的单元格合计超过 {MAX_WORKBOOK_CELLS} 个的上限"),
        "请删除多余的工作表或内容，或拆分为几个文件后重新报送",
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
    let mut fills: Vec<(u32, u32, Data)> = Vec::new();
    for m in merges {
        let value = sheet.get(m.start.0, m.start.1);
        if is_blank(value) {
            continue;
        }
        if m.end.0 >= MAX_SHEET_ROWS || m.len() > MAX_SHEET_CELLS as u64 {
            return Err(too_many_rows(&sheet.name));
        }
        if fills.len() as u64 + m.len() > MAX_SHEET_CELLS as u64 {
            return Err(too_many_cells(&sheet.name));
        }
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                if (r, c) != m.start {
                    fills.push((r, c, value.clone()));
                }
            }
        }
    }
    sheet.overlay(fills);
    if sheet.cell_count() > MAX_SHEET_CELLS {
        return Err(too_many_cells(&sheet.name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A damaged workbook is told in Chinese; the library's English stays in the hint.
    #[test]
    fn a_damaged_workbook_is_named_in_chinese() {
        let e = damaged_workbook("Xml(Xml(IllFormed(MismatchedEndTag { expected: \"c\" })))");
        assert_eq!(e.message, "工作簿已损坏，无法读取：内部的表格数据格式错误");
        assert!(
            e.message.chars().all(|c| !c.is_ascii_alphabetic()),
            "{}",
            e.message
        );
        assert!(
            e.hint.contains("技术细节") && e.hint.contains("MismatchedEndTag"),
            "{}",
            e.hint
        );
        let zip = damaged_workbook("Zip(InvalidArchive(\"Could not find EOCD\"))");
        assert_eq!(zip.message, "工作簿已损坏，无法读取：压缩包结构异常");
        let truncated = open(b"PK\x03\x04 a zip that stops here").expect_err("damaged");
        assert!(
            truncated.message.chars().all(|c| !c.is_ascii_alphabetic()),
            "{}",
            truncated.message
        );
    }

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

    /// A valid legacy workbook with two cells 60,000 rows and columns apart: refused
    /// before the reader lays out the rectangle between them.
    #[test]
    fn far_apart_cells_in_xls_are_refused_before_allocation() {
        fn rec(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&(data.len() as u16).to_le_bytes());
            out.extend_from_slice(data);
        }
        fn label(r: u16, c: u16) -> Vec<u8> {
            let mut d = Vec::new();
            for v in [r, c, 0, 1] {
                d.extend_from_slice(&v.to_le_bytes());
            }
            d.push(b'x');
            d
        }
        let bof = |dt: u16| [0x00u8, 0x05, dt as u8, (dt >> 8) as u8, 0, 0, 0, 0];
        let mut globals = Vec::new();
        rec(&mut globals, 0x0809, &bof(0x0005));
        let sheet_pos = globals.len() + 4 + 9 + 4; // BOUNDSHEET record and EOF follow
        let mut bs = (sheet_pos as u32).to_le_bytes().to_vec();
        bs.extend_from_slice(&[0, 0, 2, b'S', b'1']);
        rec(&mut globals, 0x0085, &bs);
        rec(&mut globals, 0x000A, &[]);
        assert_eq!(globals.len(), sheet_pos);
        rec(&mut globals, 0x0809, &bof(0x0010));
        rec(&mut globals, 0x0204, &label(0, 0));
        rec(&mut globals, 0x0204, &label(60_000, 60_000));
        rec(&mut globals, 0x000A, &[]);
        let mut c =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .expect("cfb");
        std::io::Write::write_all(&mut c.create_stream("/Book").expect("stream"), &globals)
            .expect("write");
        c.flush().expect("flush");
        let bytes = c.into_inner().into_inner();
        let err = open(&bytes).expect_err("refused");
        assert!(err.message.contains("数据范围超过上限"), "{err:?}");
    }

    /// Cells set in any order, replaced or blanked, read back as a map would hold them.
    #[test]
    fn cells_set_out_of_order_read_back_in_order() {
        let mut rng = crate::sample::Rng::new(7);
        let mut s = Sheet::new("表", false);
        let mut expected = std::collections::BTreeMap::new();
        for i in 0..3_000 {
            let (r, c) = (rng.below(40) as u32, rng.below(12) as u32);
            let v = if rng.below(5) == 0 {
                Data::String(" \u{3000}".into())
            } else {
                Data::Int(i)
            };
            if is_blank(&v) {
                expected.remove(&(r, c));
            } else {
                expected.insert((r, c), v.clone());
            }
            s.set(r, c, v);
        }
        let mut fills = Vec::new();
        for _ in 0..500 {
            let (r, c) = (rng.below(60) as u32, rng.below(15) as u32);
            let v = Data::Int(-(rng.below(100) as i64));
            expected.insert((r, c), v.clone());
            fills.push((r, c, v));
        }
        s.overlay(fills);
        let got: Vec<((u32, u32), Data)> = s
            .rows()
            .flat_map(|r| {
                s.row_cells(r)
                    .map(move |(c, v)| ((r, c), v.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(got, expected.clone().into_iter().collect::<Vec<_>>());
        assert_eq!(s.cell_count(), expected.len());
        for ((r, c), v) in &expected {
            assert_eq!(s.get(*r, *c), v);
        }
        assert_eq!(s.get(1_000, 0), &Data::Empty);
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
