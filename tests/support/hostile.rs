//! Hostile files, built in code (issue 22): each is small on disk and aims at a place
//! where a reader would allocate from what the file declares or repeats.

use std::io::{Cursor, Read, Write};

/// The parts of a zip, in order, as (name, bytes).
pub fn unzip_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("inflate");
            (f.name().expect("name").to_string(), data)
        })
        .collect()
}

/// A zip written by hand (stored entries), so that it may hold what a zip library
/// refuses to write: two entries of one name.
pub fn zip_stored(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in parts {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(data);
        let head = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u32.to_le_bytes()); // time, date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(head(0x0201_4b50, true));
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A valid workbook whose sharedStrings.xml declares `uniqueCount="99999999999"`: a
/// reader that reserves the declared count asks for 2.4 TB.
pub fn xlsx_declaring_huge_shared_strings(valid: &[u8]) -> Vec<u8> {
    let parts: Vec<(String, Vec<u8>)> = unzip_parts(valid)
        .into_iter()
        .map(|(name, data)| {
            if name == "xl/sharedStrings.xml" {
                let xml = String::from_utf8(data).expect("utf-8");
                let start = xml.find("uniqueCount=\"").expect("uniqueCount") + 13;
                let end = start + xml[start..].find('"').expect("quote");
                let xml = format!("{}99999999999{}", &xml[..start], &xml[end..]);
                (name, xml.into_bytes())
            } else {
                (name, data)
            }
        })
        .collect();
    zip_stored(&parts)
}

/// A valid workbook with its first sheet part stored twice, the second copy different.
pub fn xlsx_with_duplicate_entry(valid: &[u8]) -> Vec<u8> {
    let mut parts = unzip_parts(valid);
    let sheet = parts
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .cloned()
        .expect("sheet1");
    parts.push((sheet.0, b"<worksheet/>".to_vec()));
    zip_stored(&parts)
}

/// An .ods around the inside of `<office:spreadsheet>`, deflated (so repeats stay small).
pub fn ods_with(body: &str) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("mimetype", stored).expect("zip");
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .expect("zip");
        z.start_file("META-INF/manifest.xml", stored).expect("zip");
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).expect("zip");
        z.start_file("content.xml", deflated).expect("zip");
        write!(
            z,
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        )
        .expect("zip");
        z.finish().expect("zip");
    }
    buf.into_inner()
}

/// A text cell of an .ods.
pub fn ods_cell(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

/// 98 M cells from a few hundred bytes: a row of 98 values repeated a million times.
pub fn ods_repeated_rows() -> Vec<u8> {
    ods_with(
        r#"<table:table table:name="出席记录"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="98" office:value-type="float" office:value="1"/></table:table-row></table:table>"#,
    )
}

/// 20,000 rows of 16,383 empty cells then one value: 328 M cells stored by a reader that
/// keeps the empty cells before a value.
pub fn ods_wide_rows() -> Vec<u8> {
    let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
    ods_with(&format!(
        r#"<table:table table:name="出席记录">{}</table:table>"#,
        row.repeat(20_000)
    ))
}

/// A cell of two billion spaces.
pub fn ods_space_run() -> Vec<u8> {
    ods_with(
        r#"<table:table table:name="出席记录"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>"#,
    )
}

/// An .ods sheet of text rows (rows of cells), named as given.
pub fn ods_sheet(name: &str, rows: &[Vec<String>]) -> String {
    let mut out = format!(r#"<table:table table:name="{name}">"#);
    for row in rows {
        out.push_str("<table:table-row>");
        for c in row {
            out.push_str(&ods_cell(c));
        }
        out.push_str("</table:table-row>");
    }
    out.push_str("</table:table>");
    out
}

/// A BIFF8 record.
fn rec(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// A BIFF8 `.xls` (Excel 97–2003) of text cells that declares the given CODEPAGE (936
/// for GBK, as Chinese Excel writes it); its strings are UTF-16, as BIFF8 requires.
pub fn xls_biff8(sheet: &str, rows: &[Vec<&str>], codepage: u16) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = vec![0x00, 0x06];
        d.extend_from_slice(&dt.to_le_bytes());
        d.extend_from_slice(&[0; 12]);
        d
    };
    let mut name = vec![sheet.encode_utf16().count() as u8, 1];
    name.extend(utf16(sheet));
    let mut globals = Vec::new();
    rec(&mut globals, 0x0809, &bof(0x0005));
    rec(&mut globals, 0x0042, &codepage.to_le_bytes());
    let bound_at = globals.len();
    let mut bound = vec![0u8; 6]; // position patched below, visible worksheet
    bound.extend_from_slice(&name);
    rec(&mut globals, 0x0085, &bound);
    rec(&mut globals, 0x000A, &[]);
    let sheet_at = globals.len() as u32;
    globals[bound_at + 4..bound_at + 8].copy_from_slice(&sheet_at.to_le_bytes());
    rec(&mut globals, 0x0809, &bof(0x0010));
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let mut d = Vec::new();
            d.extend_from_slice(&(r as u16).to_le_bytes());
            d.extend_from_slice(&(c as u16).to_le_bytes());
            d.extend_from_slice(&0u16.to_le_bytes());
            d.extend_from_slice(&(text.encode_utf16().count() as u16).to_le_bytes());
            d.push(1);
            d.extend(utf16(text));
            rec(&mut globals, 0x0204, &d);
        }
    }
    rec(&mut globals, 0x000A, &[]);
    let mut c = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
        .expect("cfb");
    c.create_stream("/Workbook")
        .expect("stream")
        .write_all(&globals)
        .expect("write");
    c.flush().expect("flush");
    c.into_inner().into_inner()
}

/// Peak resident memory of a finished child, from `/usr/bin/time -v`'s report, in KB.
pub fn peak_kb(time_report: &str) -> Option<u64> {
    time_report
        .lines()
        .find(|l| l.contains("Maximum resident set size"))?
        .rsplit(':')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Regular files below a folder (links and special files are listed, never opened), with
/// their bytes: what "the input is unchanged" compares.
pub fn snapshot_safe(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(dir)
                .expect("below")
                .to_string_lossy()
                .into_owned();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() && meta.len() < 64 << 20 {
                out.insert(rel, std::fs::read(&p).expect("read"));
            } else {
                out.insert(
                    rel,
                    format!("{:?} {}", meta.file_type(), meta.len()).into_bytes(),
                );
            }
        }
    }
    out
}

/// An .xlsx of the given sheets (name, the XML inside `<sheetData>`) and shared strings,
/// deflated like a real file: a few megabytes on disk for hundreds unpacked.
pub fn xlsx_deflated(sheets: &[(&str, String)], shared: &[String]) -> Vec<u8> {
    let n = sheets.len();
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut parts: Vec<(String, String)> = vec![
        (
            "[Content_Types].xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
                (1..=n)
                    .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
                    .collect::<String>()
            ),
        ),
        (
            "_rels/.rels".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>{}</sheets></workbook>"#,
                sheets
                    .iter()
                    .enumerate()
                    .map(|(i, (name, _))| format!(r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#, i + 1, i + 1))
                    .collect::<String>()
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}<Relationship Id="rIdS" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
                (1..=n)
                    .map(|i| format!(r#"<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
                    .collect::<String>()
            ),
        ),
        (
            "xl/sharedStrings.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{0}" uniqueCount="{0}">{1}</sst>"#,
                shared.len(),
                shared
                    .iter()
                    .map(|s| format!("<si><t>{s}</t></si>"))
                    .collect::<String>()
            ),
        ),
    ];
    for (i, (_, data)) in sheets.iter().enumerate() {
        parts.push((
            format!("xl/worksheets/sheet{}.xml", i + 1),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{data}</sheetData></worksheet>"#),
        ));
    }
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in &parts {
            z.start_file(name.as_str(), opts).expect("entry");
            z.write_all(data.as_bytes()).expect("write");
        }
        z.finish().expect("zip");
    }
    buf.into_inner()
}

/// The heaviest workbook the limits let through: an attendance sheet of 199,999 rows
/// whose every row is wrong (names in the shared-string table, 3.5 million of them, none
/// on the roster) and a second sheet of numbers, just under 4,000,000 cells in all and
/// about 250 MB unpacked, 64 MB at most on disk.
pub fn xlsx_at_the_limits() -> Vec<u8> {
    const ROWS: u32 = 199_999;
    const STRINGS: u32 = 3_500_000;
    let header = [
        "日期",
        "会议类别",
        "会议名称",
        "代表编号",
        "姓名",
        "出席情况",
        "备注",
        "甲",
        "乙",
        "丙",
    ];
    let mut first = String::from(r#"<row r="1">"#);
    for (c, h) in header.iter().enumerate() {
        first.push_str(&format!(
            r#"<c r="{}1" t="inlineStr"><is><t>{h}</t></is></c>"#,
            (b'A' + c as u8) as char
        ));
    }
    first.push_str("</row>");
    let mut bad = first;
    let mut numbers = String::new();
    for r in 2..=ROWS {
        bad.push_str(&format!(r#"<row r="{r}">"#));
        numbers.push_str("<row>");
        for c in 0..10u32 {
            let k = (r * 10 + c) % STRINGS;
            bad.push_str(&format!(
                r#"<c r="{}{r}" t="s"><v>{k}</v></c>"#,
                (b'A' + c as u8) as char
            ));
            numbers.push_str("<c><v>1</v></c>");
        }
        bad.push_str("</row>");
        numbers.push_str("</row>");
    }
    let shared: Vec<String> = (0..STRINGS).map(|i| format!("张{i:07}")).collect();
    xlsx_deflated(&[("出席记录", bad), ("数字", numbers)], &shared)
}

/// Five sheets of a million cells each: every sheet within its limit, the workbook over
/// its total.
pub fn xlsx_of_many_full_sheets() -> Vec<u8> {
    let row = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(10));
    let sheet = row.repeat(100_000);
    let sheets: Vec<(&str, String)> = ["一", "二", "三", "四", "五"]
        .iter()
        .map(|n| (*n, sheet.clone()))
        .collect();
    xlsx_deflated(&sheets, &[])
}
