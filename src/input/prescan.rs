//! Limits checked before the spreadsheet library allocates: calamine reserves memory
//! from what a file declares (sharedStrings `uniqueCount`) and expands what it repeats
//! (ODS `number-rows-repeated`, `number-columns-repeated`, `<text:s text:c>`) before any
//! limit of ours could run. The XML is streamed here with quick-xml straight from the zip
//! entry, so the scan itself holds one buffer, and what calamine would allocate is
//! computed the way calamine computes it.

use super::open::{OpenError, MAX_CELL_CHARS, MAX_SHEET_CELLS, MAX_UNPACKED_BYTES};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};

/// Shared strings a workbook may declare: calamine reserves a `String` (24 bytes) for each
/// before reading one. A delegate group's workbook has a few thousand.
pub const MAX_SHARED_STRINGS: u64 = 4_000_000;
/// Cells calamine may lay out for all sheets of an .ods together (the dense rectangle of
/// each sheet, repeats expanded, empty cells included): it keeps every sheet at once.
pub const MAX_ODS_LAYOUT: u64 = 2 * MAX_SHEET_CELLS as u64;
/// The longest text one .ods cell may expand to (`<text:s text:c>` and repeats); longer
/// cells are refused with the file, the ones between this and `MAX_CELL_CHARS` are
/// reported on their row.
pub const MAX_ODS_CELL_CHARS: u64 = 10 * MAX_CELL_CHARS as u64;

fn refused(message: String) -> OpenError {
    OpenError {
        message,
        hint: "文件可能已损坏或被恶意构造；请用 WPS 或 Excel 打开确认内容，另存为新的 .xlsx 文件后重新报送"
            .into(),
    }
}

/// A zip with two entries of one name: readers disagree on which one counts.
pub fn duplicate_entries(bytes: &[u8]) -> Result<(), OpenError> {
    let Ok(z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // a damaged zip is left to the reader to report
    };
    if z.has_duplicate_names() {
        return Err(refused(
            "工作簿内部有重名的组成部分（同名压缩条目），无法确定应读取哪一个".into(),
        ));
    }
    Ok(())
}

/// An .xlsx: the shared-string table's declared size.
pub fn xlsx(bytes: &[u8]) -> Result<(), OpenError> {
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let names: Vec<String> = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    for name in names {
        let Ok(entry) = z.by_name(&name) else {
            continue;
        };
        let mut reader =
            quick_xml::Reader::from_reader(BufReader::new(entry.take(MAX_UNPACKED_BYTES)));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                    let n = attr_u64(&e, "uniqueCount").unwrap_or(0);
                    if n > MAX_SHARED_STRINGS {
                        return Err(refused(format!(
                            "工作簿声明了 {n} 个共享字符串，超过上限 {MAX_SHARED_STRINGS} 个"
                        )));
                    }
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    Ok(())
}

fn attr_u64(e: &BytesStart, name: &str) -> Option<u64> {
    let a = e.try_get_attribute(name).ok()??;
    a.value.trim().parse().ok()
}

/// What one .ods sheet would cost calamine, counted as it lays the sheet out.
#[derive(Debug, Default)]
struct Table {
    name: String,
    /// Cells stored row by row before repeats of rows are expanded.
    stored: u64,
    /// Non-empty cells, repeats expanded: the README's cells per sheet.
    filled: u64,
    /// Per row holding anything: (row repeats, first and one-past-last filled column).
    rows: Vec<(u64, u64, u64)>,
    /// Repeats of empty rows since the last row holding anything.
    gap: u64,
    /// Rows spanned from the first to the last row holding anything, repeats included.
    span: u64,
}

impl Table {
    /// The dense rectangle calamine builds: spanned rows × filled column range.
    fn layout(&self) -> u64 {
        let c0 = self.rows.iter().map(|r| r.1).min().unwrap_or(0);
        let c1 = self.rows.iter().map(|r| r.2).max().unwrap_or(0);
        self.span.saturating_mul(c1.saturating_sub(c0))
    }
}

/// One row being scanned.
#[derive(Debug, Default)]
struct RowScan {
    repeats: u64,
    /// Columns so far, empty ones included.
    col: u64,
    /// One past the last filled column, and the first filled column.
    end: u64,
    first: Option<u64>,
}

/// The cell being scanned: its column repeats, whether it holds a value, its text size.
#[derive(Debug, Default)]
struct CellScan {
    repeats: u64,
    filled: bool,
    chars: u64,
    bytes: u64,
}

/// The most columns and rows calamine keeps (it caps repeats there).
const ODS_MAX_COLUMNS: u64 = 16_384;

/// An .ods: every sheet's cells, layout and text, repeats expanded, within the limits.
pub fn ods(bytes: &[u8]) -> Result<(), OpenError> {
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(entry) = z.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry.take(MAX_UNPACKED_BYTES)));
    reader.config_mut().expand_empty_elements = true;
    let mut scan = OdsScan::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => scan.start(&e)?,
            Ok(Event::End(e)) => scan.end(e.name().as_ref())?,
            Ok(Event::Text(t)) => {
                let raw: &str = &t;
                scan.text(raw.chars().count() as u64, raw.len() as u64)?
            }
            Ok(Event::GeneralRef(_)) => scan.text(1, 1)?,
            Ok(Event::Eof) | Err(_) => break, // damage is the reader's to report
            Ok(_) => {}
        }
    }
    Ok(())
}

/// The scan's state across the document.
#[derive(Debug, Default)]
struct OdsScan {
    table: Option<Table>,
    row: Option<RowScan>,
    cell: Option<CellScan>,
    /// Cells laid out by the sheets done so far.
    layout: u64,
    /// Text bytes all cells expand to, repeats included (UTF-8, as calamine keeps them).
    text: u64,
}

impl OdsScan {
    fn start(&mut self, e: &BytesStart) -> Result<(), OpenError> {
        match e.name().as_ref() {
            "table:table" => {
                let name = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .map(|a| crate::domain::text::clip(&a.value, 100))
                    .unwrap_or_default();
                self.table = Some(Table {
                    name,
                    ..Table::default()
                });
            }
            "table:table-row" if self.table.is_some() => {
                self.row = Some(RowScan {
                    repeats: attr_u64(e, "table:number-rows-repeated")
                        .unwrap_or(1)
                        .max(1),
                    ..RowScan::default()
                });
            }
            "table:table-cell" | "table:covered-table-cell" if self.row.is_some() => {
                let filled = [
                    "office:value",
                    "office:string-value",
                    "office:date-value",
                    "office:time-value",
                    "office:boolean-value",
                    "table:formula",
                ]
                .iter()
                .any(|a| e.try_get_attribute(a).ok().flatten().is_some());
                let value = e.try_get_attribute("office:string-value").ok().flatten();
                let chars = value.as_ref().map_or(0, |a| a.value.chars().count() as u64);
                let bytes = value.as_ref().map_or(0, |a| a.value.len() as u64);
                self.cell = Some(CellScan {
                    repeats: attr_u64(e, "table:number-columns-repeated")
                        .unwrap_or(1)
                        .max(1),
                    filled,
                    chars,
                    bytes,
                });
            }
            "text:s" if self.cell.is_some() => {
                let n = attr_u64(e, "text:c").unwrap_or(1);
                self.text(n, n)?;
            }
            "text:tab" | "text:line-break" if self.cell.is_some() => self.text(1, 1)?,
            _ => {}
        }
        Ok(())
    }

    /// Text inside a cell: it is then filled, and its size is checked at once.
    fn text(&mut self, chars: u64, bytes: u64) -> Result<(), OpenError> {
        let Some(cell) = self.cell.as_mut() else {
            return Ok(());
        };
        cell.filled = true;
        cell.chars = cell.chars.saturating_add(chars);
        cell.bytes = cell.bytes.saturating_add(bytes);
        if cell.chars > MAX_ODS_CELL_CHARS {
            let name = self.table.as_ref().map_or("", |t| t.name.as_str());
            return Err(refused(format!(
                "工作表「{name}」中有单元格的文字超过 {MAX_ODS_CELL_CHARS} 字的上限"
            )));
        }
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), OpenError> {
        match name {
            "table:table-cell" | "table:covered-table-cell" => self.end_cell(),
            "table:table-row" => self.end_row(),
            "table:table" => self.end_table(),
            _ => Ok(()),
        }
    }

    /// Calamine keeps a row's empty cells only when a filled one follows, and clones a
    /// repeated filled cell once per column.
    fn end_cell(&mut self) -> Result<(), OpenError> {
        let (Some(cell), Some(row), Some(table)) =
            (self.cell.take(), self.row.as_mut(), self.table.as_mut())
        else {
            return Ok(());
        };
        let at = row.col;
        row.col = row.col.saturating_add(cell.repeats).min(ODS_MAX_COLUMNS);
        if !cell.filled {
            return Ok(());
        }
        row.first.get_or_insert(at.min(ODS_MAX_COLUMNS));
        row.end = row.col;
        let cells = cell.repeats.saturating_mul(row.repeats);
        table.filled = table.filled.saturating_add(cells);
        self.text = self.text.saturating_add(cell.bytes.saturating_mul(cells));
        if table.filled > MAX_SHEET_CELLS as u64 {
            return Err(refused(format!(
                "工作表「{}」的单元格超过 {MAX_SHEET_CELLS} 个的上限（含重复的行和列）",
                table.name
            )));
        }
        if self.text > MAX_UNPACKED_BYTES {
            return Err(refused(format!(
                "工作簿展开后的文字超过 {} MB 的上限（含重复的行和列）",
                MAX_UNPACKED_BYTES / (1024 * 1024)
            )));
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), OpenError> {
        let (Some(row), Some(table)) = (self.row.take(), self.table.as_mut()) else {
            return Ok(());
        };
        table.stored = table.stored.saturating_add(row.end);
        match row.first {
            None => table.gap = table.gap.saturating_add(row.repeats),
            Some(first) => {
                if !table.rows.is_empty() {
                    table.span = table.span.saturating_add(table.gap);
                }
                table.gap = 0;
                table.span = table.span.saturating_add(row.repeats);
                table.rows.push((row.repeats, first, row.end));
            }
        }
        let layout = self.layout.saturating_add(table.layout());
        if table.stored > MAX_ODS_LAYOUT || layout > MAX_ODS_LAYOUT {
            return Err(refused(format!(
                "工作表「{}」展开后的数据范围超过上限（{MAX_ODS_LAYOUT} 个单元格，含空单元格和重复的行、列）",
                table.name
            )));
        }
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), OpenError> {
        if let Some(t) = self.table.take() {
            self.layout = self.layout.saturating_add(t.layout());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal .ods around a content.xml body (the inside of `<office:spreadsheet>`).
    pub fn ods_with(body: &str) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("mimetype", stored).expect("zip");
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .expect("zip");
        z.start_file("content.xml", stored).expect("zip");
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        );
        z.write_all(xml.as_bytes()).expect("zip");
        z.finish().expect("zip");
        buf.into_inner()
    }

    const CELL: &str =
        r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;

    #[test]
    fn trailing_empty_repeats_as_libreoffice_writes_them_pass() {
        let body = format!(
            r#"<table:table table:name="出席记录"><table:table-row>{CELL}{CELL}<table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#
        );
        ods(&ods_with(&body)).expect("an ordinary sheet");
    }

    #[test]
    fn repeated_rows_of_a_value_are_counted_before_expansion() {
        let body = r#"<table:table table:name="表"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        let err = ods(&ods_with(body)).expect_err("100 M cells");
        assert!(err.message.contains("2000000"), "{err:?}");
        assert!(err.message.contains("「表」"), "{err:?}");
    }

    /// 20,000 rows of 16,383 empty cells then one value: few filled cells, but calamine
    /// would store every empty cell before the value.
    #[test]
    fn empty_cells_before_a_value_are_counted() {
        let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
        let body = format!(
            r#"<table:table table:name="表">{}</table:table>"#,
            row.repeat(300)
        );
        let err = ods(&ods_with(&body)).expect_err("4.9 M stored cells");
        assert!(err.message.contains("数据范围"), "{err:?}");
    }

    #[test]
    fn a_huge_space_run_is_refused() {
        let body = r#"<table:table table:name="表"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        let err = ods(&ods_with(body)).expect_err("2 G spaces");
        assert!(err.message.contains("字的上限"), "{err:?}");
    }

    #[test]
    fn a_declared_shared_string_count_is_checked() {
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("xl/sharedStrings.xml", o).expect("zip");
        z.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="99999999999"><si><t>x</t></si></sst>"#).expect("zip");
        z.finish().expect("zip");
        let err = xlsx(&buf.into_inner()).expect_err("declared too many");
        assert!(err.message.contains("99999999999"), "{err:?}");
    }
}
