//! Opening workbooks: the format is sniffed from the bytes (an extension says little
//! about what an office really saved), every sheet is loaded with its visibility, and
//! merged cells are filled so that every covered cell holds the merged value.

pub mod header;

use calamine::{Data, Range, Reader, SheetVisible, Xls, XlsOptions, Xlsx};
use std::io::Cursor;

/// Files larger than this are refused before parsing, to keep memory bounded.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
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

/// One sheet's cells, addressed by absolute zero-based (row, column).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    pub cells: Range<Data>,
}

impl Sheet {
    pub fn get(&self, row: u32, col: u32) -> &Data {
        self.cells.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    /// First and one-past-last absolute row.
    pub fn row_span(&self) -> (u32, u32) {
        match (self.cells.start(), self.cells.end()) {
            (Some(s), Some(e)) => (s.0, e.0 + 1),
            _ => (0, 0),
        }
    }

    pub fn col_span(&self) -> (u32, u32) {
        match (self.cells.start(), self.cells.end()) {
            (Some(s), Some(e)) => (s.1, e.1 + 1),
            _ => (0, 0),
        }
    }

    pub fn row_is_empty(&self, row: u32) -> bool {
        let (c0, c1) = self.col_span();
        (c0..c1).all(|c| is_blank(self.get(row, c)))
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

/// Opens a workbook from its bytes.
pub fn open(bytes: &[u8]) -> Result<Workbook, OpenError> {
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
    let damaged = |e: &dyn std::fmt::Debug| {
        OpenError::new(
            format!("工作簿已损坏，无法读取（{e:?}）"),
            "请用 WPS 或 Excel 打开确认，另存为 .xlsx 后重新报送",
        )
    };
    let sheets =
        match format {
            Format::Xlsx => {
                let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
                    calamine::XlsxError::Password => encrypted(),
                    other => damaged(&other),
                })?;
                load_sheets(
                    &mut wb,
                    |wb, name| wb.merge_cells_by_sheet_name(name).ok(),
                    &damaged,
                )?
            }
            Format::Xls => {
                let mut wb = Xls::new_with_options(Cursor::new(bytes), XlsOptions::default())
                    .map_err(|e| match e {
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
        let mut cells = wb.worksheet_range(&name).map_err(|e| damaged(&e))?;
        check_size(&name, &cells)?;
        if let Some(m) = merges(wb, &name) {
            fill_merges(&mut cells, &m);
        }
        out.push(Sheet {
            name,
            hidden,
            cells,
        });
    }
    Ok(out)
}

fn check_size(name: &str, cells: &Range<Data>) -> Result<(), OpenError> {
    let rows = cells.height() as u32;
    if rows > MAX_SHEET_ROWS {
        return Err(OpenError::new(
            format!("工作表「{name}」有 {rows} 行，超过上限 {MAX_SHEET_ROWS} 行"),
            "请删除多余的空行或拆分文件后重新报送",
        ));
    }
    Ok(())
}

/// Copies each merged region's top-left value into every cell it covers: a date merged
/// down over five rows belongs to all five records.
fn fill_merges(cells: &mut Range<Data>, merges: &[calamine::Dimensions]) {
    for m in merges {
        let value = match cells.get_value(m.start) {
            Some(v) if !matches!(v, Data::Empty) => v.clone(),
            _ => continue,
        };
        // Bound the work a hostile merge over a whole sheet could cause.
        if m.len() > 100_000 {
            continue;
        }
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                if (r, c) != m.start && cells.get_value((r, c)).is_some() {
                    cells.set_value((r, c), value.clone());
                }
            }
        }
    }
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
        let mut r: Range<Data> = Range::new((0, 0), (2, 1));
        r.set_value((0, 0), Data::String("2025-03-05".into()));
        fill_merges(&mut r, &[calamine::Dimensions::new((0, 0), (2, 0))]);
        assert_eq!(
            r.get_value((2, 0)),
            Some(&Data::String("2025-03-05".into()))
        );
        assert_eq!(r.get_value((2, 1)), Some(&Data::Empty));
    }
}
