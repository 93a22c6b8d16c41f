//! Issue 18, the page review of every workbook: how the sample district's XLSX files
//! print, read from their XML (LibreOffice is not needed).

mod support;

use lvzhi::render::xlsx::{printed_mm, Paper, BODY_PT, MIN_PRINTED_PT, WIDE_UNIT_PX};
use support::*;

/// The value of attribute `name` in an element's text.
fn attr<'x>(element: &'x str, name: &str) -> Option<&'x str> {
    let key = format!("{name}=\"");
    let at = element
        .match_indices(&key)
        .find(|(i, _)| *i == 0 || element[..*i].ends_with(' '))?
        .0;
    element[at + key.len()..].split('"').next()
}

/// Column widths of a worksheet as written (rust_xlsxwriter stores `w + 5/7`).
fn widths(sheet: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for col in sheet.split("<col ").skip(1) {
        let col = &col[..col.find('>').unwrap_or(col.len())];
        let num = |n| attr(col, n).and_then(|v| v.parse::<f64>().ok()).expect(n);
        for _ in num("min") as usize..=num("max") as usize {
            out.push(num("width") - 0.7109375);
        }
    }
    out
}

/// Every sheet fitted to the page width prints its body text at 8 pt or more, even in
/// the wider font of a computer without Calibri; the wide sheets of the review print
/// across pages, over then down, their key columns and header row repeated.
#[test]
fn wide_sheets_print_readable_or_across_pages() {
    let dir = sample_after(&[
        &["annual", "--year", "2025"],
        &["quarterly", "--year", "2025", "--quarter", "3"],
        &["archive", "--year", "2025", "--summary-only"],
    ]);
    let reports = dir.path().join("reports");
    let books: Vec<String> = snapshot(&reports)
        .into_keys()
        .filter(|k| k.ends_with(".xlsx"))
        .collect();
    let (mut fitted, mut across) = (0, 0);
    for rel in &books {
        let parts = unzip(&reports.join(rel));
        for (name, sheet) in parts
            .iter()
            .filter(|(n, _)| n.starts_with("xl/worksheets/sheet"))
        {
            let at = format!("{rel} › {name}");
            let setup = sheet
                .split("<pageSetup")
                .nth(1)
                .unwrap_or_else(|| panic!("{at}: no pageSetup"));
            let setup = &setup[..setup.find('>').unwrap_or(setup.len())];
            if sheet.contains("<pageSetUpPr fitToPage=\"1\"/>") {
                fitted += 1;
                let paper = match (attr(setup, "paperSize"), attr(setup, "orientation")) {
                    (Some("9"), Some("portrait")) => Paper::A4Portrait,
                    (Some("9"), Some("landscape")) => Paper::A4Landscape,
                    (Some("8"), Some("landscape")) => Paper::A3Landscape,
                    other => panic!("{at}: paper {other:?}"),
                };
                let wide = printed_mm(&widths(sheet), WIDE_UNIT_PX);
                let pt = BODY_PT * (paper.printable_mm() / wide).min(1.0);
                assert!(pt >= MIN_PRINTED_PT - 0.01, "{at}: {pt:.1} pt on {paper:?}");
            } else {
                across += 1;
                assert_eq!(attr(setup, "pageOrder"), Some("overThenDown"), "{at}");
                assert_eq!(attr(setup, "paperSize"), Some("9"), "{at}");
            }
        }
    }
    assert!(
        fitted >= 20 && across >= 4,
        "{fitted} fitted, {across} across pages"
    );
    // The review's wide sheets, by the columns they repeat.
    for (book, titles) in [
        (
            "2025/2025年度履职积分.xlsx",
            "履职积分!$A:$C,履职积分!$2:$2",
        ),
        (
            "2025/履职档案汇总.xlsx",
            "履职档案汇总!$A:$C,履职档案汇总!$2:$2",
        ),
        (
            "2025/Q3/2025年第三季度代表履职亮分（公开栏）.xlsx",
            "兴华街道!$A:$A,兴华街道!$2:$2",
        ),
        (
            "2025/Q3/2025年第三季度代表小组统计.xlsx",
            "各代表小组!$A:$A,各代表小组!$2:$2",
        ),
    ] {
        let parts = unzip(&reports.join(book));
        let wb = &parts["xl/workbook.xml"];
        assert!(wb.contains(titles), "{book}: {wb}");
    }
}
