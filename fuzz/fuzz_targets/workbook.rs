//! Opening arbitrary bytes as a workbook (.xlsx, .xls, .ods: the format is sniffed, so
//! one target drives all three readers and their pre-scans), then header detection,
//! notes-row detection, sign-in register detection and marks, and cell reading on every
//! sheet: a bad file is an error, never a panic or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lvzhi::input::row::{cell_date, cell_text};
use lvzhi::domain::session::Legend;
use lvzhi::input::{header, open, register};

fuzz_target!(|data: &[u8]| {
    let Ok(wb) = open::open(data) else { return };
    for sheet in &wb.sheets {
        for spec in header::RECORD_SHEETS.iter().chain([&&header::ROSTER]) {
            if let Ok(h) = header::find_header(sheet, spec) {
                let (_, end) = sheet.row_span();
                for r in (h.row + 1..end).take(2_000) {
                    let _ = header::is_notes_row(sheet, r);
                    for (_, c, _) in &h.columns {
                        let cell = sheet.get(r, *c);
                        let _ = cell_text(cell);
                        let _ = cell_date(cell);
                    }
                }
            }
        }
        let _ = header::resembles(sheet);
        if let Some(layout) = register::detect(sheet, 2025, &["法制委员会".to_string()]) {
            let marks = layout.read(sheet, &Legend::default());
            let _ = layout.describe(&marks);
        }
    }
});
