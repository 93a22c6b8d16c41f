//! A minimal legacy `.xls` writer (BIFF5 in a compound file, strings in code page 936),
//! so that the sample district and the tests carry the kind of file old office PCs
//! still produce. Only what reading needs: sheets, visibility, text, numbers, merges.

use crate::render::xlsx::{Cell, Table};
use anyhow::{Context, Result};
use std::io::{Cursor, Write};

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::GBK.encode(s);
    // BIFF5 strings hold at most 255 bytes.
    let mut b = bytes.into_owned();
    b.truncate(255);
    b
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = Vec::new();
    for v in [0x0500u16, dt, 0x0DBB, 0x07CC] {
        d.extend_from_slice(&v.to_le_bytes());
    }
    d
}

fn label(row: u32, col: u16, s: &str) -> Vec<u8> {
    let bytes = gbk(s);
    let mut d = Vec::new();
    d.extend_from_slice(&(row as u16).to_le_bytes());
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
    d.extend_from_slice(&bytes);
    d
}

fn number(row: u32, col: u16, v: f64) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&(row as u16).to_le_bytes());
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&v.to_le_bytes());
    d
}

/// One sheet's substream.
fn sheet_stream(t: &Table) -> Vec<u8> {
    let mut s = Vec::new();
    record(&mut s, 0x0809, &bof(0x0010));
    let cols = t.headers.len().max(1) as u16;
    let title_rows = u32::from(t.title.is_some());
    let rows = title_rows
        + 1
        + t.rows.len() as u32
        + if t.notes.is_empty() {
            0
        } else {
            1 + t.notes.len() as u32
        };
    let mut dim = Vec::new();
    for v in [0u16, rows as u16, 0, cols, 0] {
        dim.extend_from_slice(&v.to_le_bytes());
    }
    record(&mut s, 0x0200, &dim);
    let mut r = 0u32;
    if let Some(title) = &t.title {
        record(&mut s, 0x0204, &label(0, 0, title));
        r = 1;
    }
    for (c, h) in t.headers.iter().enumerate() {
        record(&mut s, 0x0204, &label(r, c as u16, h));
    }
    r += 1;
    for row in &t.rows {
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                Cell::Text(x) if !x.is_empty() => record(&mut s, 0x0204, &label(r, c, x)),
                Cell::Int(i) => record(&mut s, 0x0203, &number(r, c, *i as f64)),
                Cell::Num(x) => record(&mut s, 0x0203, &number(r, c, *x)),
                // Legacy files in the field mostly carry dates typed as text.
                Cell::Date(d) => record(
                    &mut s,
                    0x0204,
                    &label(r, c, &d.format("%Y/%-m/%-d").to_string()),
                ),
                _ => {}
            }
        }
        r += 1;
    }
    r += 1;
    for n in &t.notes {
        record(&mut s, 0x0204, &label(r, 0, n));
        r += 1;
    }
    if t.title.is_some() && cols > 1 {
        let mut m = Vec::new();
        for v in [1u16, 0, 0, 0, cols - 1] {
            m.extend_from_slice(&v.to_le_bytes());
        }
        record(&mut s, 0x00E5, &m);
    }
    record(&mut s, 0x000A, &[]);
    s
}

/// The bytes of a `.xls` workbook holding the tables.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>> {
    let sheets: Vec<Vec<u8>> = tables.iter().map(sheet_stream).collect();
    // Globals first; each BOUNDSHEET needs the offset of its sheet, known once the
    // globals' own length is.
    let names: Vec<Vec<u8>> = tables.iter().map(|t| gbk(&t.sheet)).collect();
    let mut globals_len = 4 + 8 + 4 + 2 + 4; // BOF, CODEPAGE, EOF
    for n in &names {
        globals_len += 4 + 4 + 2 + 1 + n.len();
    }
    let mut stream = Vec::new();
    record(&mut stream, 0x0809, &bof(0x0005));
    record(&mut stream, 0x0042, &936u16.to_le_bytes());
    let mut offset = globals_len;
    for (i, t) in tables.iter().enumerate() {
        let mut d = Vec::new();
        d.extend_from_slice(&(offset as u32).to_le_bytes());
        d.push(u8::from(t.hidden));
        d.push(0);
        d.push(names[i].len() as u8);
        d.extend_from_slice(&names[i]);
        record(&mut stream, 0x0085, &d);
        offset += sheets[i].len();
    }
    record(&mut stream, 0x000A, &[]);
    debug_assert_eq!(stream.len(), globals_len);
    for s in &sheets {
        stream.extend_from_slice(s);
    }
    // Version 3 (512-byte sectors) is what Excel 97–2003 wrote, and what old readers expect.
    let mut comp =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
            .context("无法创建 .xls 容器")?;
    {
        let mut st = comp
            .create_stream("/Book")
            .context("无法创建 .xls 数据流")?;
        st.write_all(&stream).context("无法写入 .xls 数据流")?;
    }
    comp.flush().context("无法写入 .xls 容器")?;
    Ok(comp.into_inner().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::open;
    use calamine::Data;

    #[test]
    fn reads_back_with_code_page_936() {
        let mut t = Table::new("出席记录", &["日期", "姓名", "人数"]);
        t.title = Some("兴华街道代表小组出席记录".into());
        t.rows.push(vec![
            Cell::Date(chrono::NaiveDate::from_ymd_opt(2025, 3, 5).expect("d")),
            "阿依古丽·买买提".into(),
            Cell::Int(25),
        ]);
        let mut hidden = Table::new("名单", &["姓名"]);
        hidden.hidden = true;
        let tables = vec![t, hidden];
        let bytes = workbook(&tables).expect("writes");
        assert_eq!(bytes, workbook(&tables).expect("again"), "deterministic");
        let wb = open::open(&bytes).expect("reads");
        assert_eq!(wb.format, open::Format::Xls);
        assert_eq!(wb.sheets.len(), 2);
        assert!(wb.sheets[1].hidden);
        let s = &wb.sheets[0];
        assert_eq!(s.name, "出席记录");
        assert_eq!(
            s.get(0, 0),
            &Data::String("兴华街道代表小组出席记录".into())
        );
        assert_eq!(
            s.get(0, 2),
            &Data::String("兴华街道代表小组出席记录".into()),
            "title merge filled"
        );
        assert_eq!(s.get(2, 0), &Data::String("2025/3/5".into()));
        assert_eq!(s.get(2, 1), &Data::String("阿依古丽·买买提".into()));
        assert_eq!(s.get(2, 2), &Data::Float(25.0));
    }
}
