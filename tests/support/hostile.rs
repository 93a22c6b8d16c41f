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
