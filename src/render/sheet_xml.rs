//! The data rows of a sheet (a listing or a table without charts) written as worksheet
//! XML directly and spliced into the workbook rust_xlsxwriter wrote around them (title,
//! header, filter, dropdowns, notes, page setup). Through the library each cell costs a
//! lookup of its whole `Format` by hash, a row-map insert and a formatted write, and
//! each sheet is compressed on one core; here every cell names its format's index, and
//! the rows are built and compressed in pieces on all cores. The XML is what
//! rust_xlsxwriter writes for the same cells in constant-memory mode: a test compares
//! the parts.

use super::xlsx::{Cell, Listing, RowSink};
use anyhow::{bail, Context, Result};
use std::io::{Cursor, Read};
use std::ops::Range;

/// Format indices (the workbook's `s` numbers) a spliced sheet's cells take: every
/// cell carries its full format (bordered, 宋体), as every sheet of the workbook looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellFormats {
    /// Text, numbers and blanks.
    pub text: u32,
    pub date: u32,
    pub pct: u32,
}

/// Where a sheet's data rows come from.
pub enum Rows<'s, 'a> {
    /// Rows of a listing, filled one at a time.
    Listing(&'s Listing<'a>, Range<usize>),
    /// A table's rows.
    Table(&'s [Vec<Cell>]),
}

impl Rows<'_, '_> {
    fn len(&self) -> usize {
        match self {
            Rows::Listing(_, r) => r.len(),
            Rows::Table(t) => t.len(),
        }
    }

    /// Calls `f` with the k-th row's cells, for each k in `ks`.
    fn each(
        &self,
        ks: impl Iterator<Item = usize>,
        mut f: impl FnMut(usize, &[Cell]) -> Result<bool>,
    ) -> Result<()> {
        let mut buf = Vec::new();
        for k in ks {
            let more = match self {
                Rows::Listing(l, r) => {
                    buf.clear();
                    (l.fill)(r.start + k, &mut buf);
                    f(k, &buf)?
                }
                Rows::Table(t) => f(k, &t[k])?,
            };
            if !more {
                break;
            }
        }
        Ok(())
    }
}

/// One sheet to fill: the worksheet's position in the workbook (its part is
/// `xl/worksheets/sheet{n}.xml`) and name, its data rows, the Excel row (1-based) of the
/// first, and for a listing the number of columns each row fills.
pub struct Part<'s, 'a> {
    pub sheet: usize,
    pub name: &'s str,
    pub rows: Rows<'s, 'a>,
    pub first_row: u32,
    pub columns: usize,
    pub formats: CellFormats,
}

/// The package written by rust_xlsxwriter with each part's rows added. Every part's rows
/// are cut into pieces of `SEGMENT_ROWS`, compressed on all cores as independent
/// stretches of one deflate stream: a sheet far bigger than the rest no longer keeps one
/// core busy alone. Entries keep their order.
pub fn splice(package: &[u8], parts: &[Part], level: u32) -> Result<Vec<u8>> {
    let frames: Vec<(String, String)> = parts
        .iter()
        .map(|p| frame_of(package, p).with_context(|| format!("写出工作表「{}」时出错", p.name)))
        .collect::<Result<_>>()?;
    let mut pieces = Vec::new();
    for (p, (head, tail)) in parts.iter().zip(&frames) {
        let n = p.rows.len();
        let mut start = 0;
        loop {
            let end = (start + SEGMENT_ROWS).min(n);
            pieces.push(Piece {
                part: p,
                rows: start..end,
                head: (start == 0).then_some(head.as_str()),
                tail: (end == n).then_some(tail.as_str()),
            });
            if end == n {
                break;
            }
            start = end;
        }
    }
    // Longest pieces first, so that the cores finish together; results back in order.
    let mut by_size: Vec<usize> = (0..pieces.len()).collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(pieces[i].rows.len()));
    let mut deflated: Vec<Option<Result<Deflated>>> = (0..pieces.len()).map(|_| None).collect();
    for (i, d) in by_size.iter().zip(crate::par::map_dynamic(&by_size, |&i| {
        deflate_piece(&pieces[i], level)
    })) {
        deflated[*i] = Some(d);
    }
    let mut deflated = deflated.into_iter().flatten();
    let mut filled_by_name = std::collections::HashMap::new();
    for p in parts {
        let name = part_name(p.sheet);
        let mut pieces = Vec::new();
        for piece in deflated.by_ref() {
            let piece = piece.with_context(|| format!("写出工作表「{}」时出错", p.name))?;
            let last = piece.last;
            pieces.push(piece);
            if last {
                break;
            }
        }
        let entry = one_entry_zip(&name, pieces)
            .with_context(|| format!("写出工作表「{}」时出错", p.name))?;
        filled_by_name.insert(name, entry);
    }
    let mut source = zip::ZipArchive::new(Cursor::new(package)).context("读取工作簿结构出错")?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(
        package.len() + filled_by_name.values().map(Vec::len).sum::<usize>(),
    )));
    for i in 0..source.len() {
        let entry = source.by_index_raw(i)?;
        match filled_by_name.get(entry.name()?.as_ref()) {
            Some(zipped) => {
                let mut one = zip::ZipArchive::new(Cursor::new(zipped.as_slice()))?;
                out.raw_copy_file(one.by_index_raw(0)?)?;
            }
            None => out.raw_copy_file(entry)?,
        }
    }
    Ok(out.finish()?.into_inner())
}

/// Rows compressed as one piece: enough that a fresh dictionary costs little ratio,
/// few enough that the pieces of the biggest sheet spread over the cores.
#[cfg(not(test))]
const SEGMENT_ROWS: usize = 25_000;
/// Small in tests, so that the test workbooks' sheets are cut into several pieces.
#[cfg(test)]
const SEGMENT_ROWS: usize = 3_000;

fn part_name(sheet: usize) -> String {
    format!("xl/worksheets/sheet{}.xml", sheet + 1)
}

/// The part's XML before its data rows (the dimension stretched to them) and after.
fn frame_of(package: &[u8], p: &Part) -> Result<(String, String)> {
    let name = part_name(p.sheet);
    let mut frame = String::new();
    zip::ZipArchive::new(Cursor::new(package))?
        .by_name(&name)
        .with_context(|| format!("工作簿中没有 {name}"))?
        .read_to_string(&mut frame)?;
    let (head, tail) =
        split_frame(&frame, p.first_row).with_context(|| format!("{name} 中没有 sheetData"))?;
    let (last_row, columns) = extent(p)?;
    Ok((widen_dimension(&head, last_row, columns)?, tail))
}

/// A stretch of one part's XML: some of its data rows, with the XML before them in the
/// first piece and the XML after them in the last.
struct Piece<'p, 's, 'a> {
    part: &'p Part<'s, 'a>,
    rows: Range<usize>,
    head: Option<&'p str>,
    tail: Option<&'p str>,
}

fn deflate_piece(piece: &Piece, level: u32) -> Result<Deflated> {
    let p = piece.part;
    let mut z = Deflater::new(level);
    if let Some(head) = piece.head {
        z.write(head.as_bytes())?;
    }
    let mut buf = String::with_capacity(CHUNK + 4096);
    for k in piece.rows.clone() {
        let mut row = XmlRow::new(&mut buf, p.first_row + k as u32, p.formats);
        match &p.rows {
            Rows::Listing(l, range) => (l.fill)(range.start + k, &mut row),
            Rows::Table(t) => t[k].iter().for_each(|c| row.cell(c)),
        }
        row.finish()?;
        if buf.len() >= CHUNK {
            z.write(buf.as_bytes())?;
            buf.clear();
        }
    }
    z.write(buf.as_bytes())?;
    if let Some(tail) = piece.tail {
        z.write(tail.as_bytes())?;
    }
    z.finish(piece.tail.is_some())
}

/// Raw deflate of one piece. A piece other than the last ends on a byte boundary with
/// no final block (a sync flush), so the pieces laid end to end are one valid stream;
/// the CRC and length of the uncompressed bytes combine the same way.
struct Deflater {
    c: flate2::Compress,
    out: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
}

/// A piece's compressed bytes, and the CRC and length of what it compresses.
struct Deflated {
    data: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
    last: bool,
}

impl Deflater {
    fn new(level: u32) -> Deflater {
        Deflater {
            c: flate2::Compress::new(flate2::Compression::new(level), false),
            out: Vec::new(),
            crc: crc32fast::Hasher::new(),
            len: 0,
        }
    }

    fn write(&mut self, mut input: &[u8]) -> Result<()> {
        self.crc.update(input);
        self.len += input.len() as u64;
        while !input.is_empty() {
            let consumed = self.step(input, flate2::FlushCompress::None)?.0;
            input = &input[consumed..];
        }
        Ok(())
    }

    fn finish(mut self, last: bool) -> Result<Deflated> {
        use flate2::{FlushCompress, Status};
        loop {
            let (_, status, room_left) = if last {
                self.step(&[], FlushCompress::Finish)?
            } else {
                self.step(&[], FlushCompress::Sync)?
            };
            // A flush is complete once it leaves output room unused.
            if (last && status == Status::StreamEnd) || (!last && room_left) {
                break;
            }
        }
        Ok(Deflated {
            data: self.out,
            crc: self.crc,
            len: self.len,
            last,
        })
    }

    /// One call of the compressor with room to write: bytes consumed, status, and
    /// whether output room was left over.
    fn step(
        &mut self,
        input: &[u8],
        flush: flate2::FlushCompress,
    ) -> Result<(usize, flate2::Status, bool)> {
        const ROOM: usize = 1 << 16;
        if self.out.capacity() - self.out.len() < ROOM {
            self.out.reserve(self.out.len().max(ROOM));
        }
        let (before_in, before_out) = (self.c.total_in(), self.c.total_out());
        let status = self
            .c
            .compress_vec(input, &mut self.out, flush)
            .context("压缩工作表时出错")?;
        let consumed = (self.c.total_in() - before_in) as usize;
        if consumed == 0 && self.c.total_out() == before_out && status == flate2::Status::BufError {
            bail!("压缩工作表时出错：压缩器没有进展");
        }
        Ok((consumed, status, self.out.len() < self.out.capacity()))
    }
}

/// A zip holding one entry made of the pieces laid end to end, laid out as the zip
/// writer lays out the workbook's own entries (Unix, mode 0600, 1980-01-01), to be
/// copied raw into the package. Each piece is freed once copied.
fn one_entry_zip(name: &str, pieces: Vec<Deflated>) -> Result<Vec<u8>> {
    let too_big = || anyhow::anyhow!("工作表超过 4 GB，无法写入");
    let mut crc = crc32fast::Hasher::new();
    let (mut len, mut packed) = (0u64, 0usize);
    for p in &pieces {
        crc.combine(&p.crc);
        len += p.len;
        packed += p.data.len();
    }
    let crc = crc.finalize();
    let size = u32::try_from(len).map_err(|_| too_big())?;
    let packed_u32 = u32::try_from(packed).map_err(|_| too_big())?;
    let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
    let mut out = Vec::with_capacity(packed + 2 * name.len() + 98);
    let common = |out: &mut Vec<u8>| {
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: deflate
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&8u16.to_le_bytes()); // deflate
        out.extend_from_slice(&0u16.to_le_bytes()); // 00:00:00
        out.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&packed_u32.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
    };
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    common(&mut out);
    out.extend_from_slice(name.as_bytes());
    for p in pieces {
        out.extend_from_slice(&p.data);
    }
    let central = out.len();
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&0x0314u16.to_le_bytes()); // made by Unix, version 2.0
    common(&mut out);
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    out.extend_from_slice(&0u16.to_le_bytes()); // disk
    out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
    out.extend_from_slice(&(0o100600u32 << 16).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // local header at 0
    out.extend_from_slice(name.as_bytes());
    let central_len = (out.len() - central) as u32;
    let central = u32::try_from(central).map_err(|_| too_big())?;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]); // disk numbers
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    Ok(out)
}

/// The sheet XML before and after where rows from `first_row` on belong: before the
/// first row written below them (a table's notes) or at the end of the sheet data.
fn split_frame(frame: &str, first_row: u32) -> Option<(String, String)> {
    if let Some(i) = frame.find("<sheetData/>") {
        return Some((
            format!("{}<sheetData>", &frame[..i]),
            format!("</sheetData>{}", &frame[i + "<sheetData/>".len()..]),
        ));
    }
    let end = frame.find("</sheetData>")?;
    let below = frame[..end].match_indices("<row r=\"").find(|(i, m)| {
        let digits = &frame[i + m.len()..];
        let n = digits.bytes().take_while(u8::is_ascii_digit).count();
        digits[..n].parse::<u32>().is_ok_and(|r| r >= first_row)
    });
    let at = below.map_or(end, |(i, _)| i);
    Some((frame[..at].to_string(), frame[at..].to_string()))
}

/// Bytes of XML gathered before they go to the compressor.
const CHUNK: usize = 1 << 16;

/// The Excel row (1-based) of the last data row that writes a cell (0 if none), and
/// the columns up to the last written one: what rust_xlsxwriter's dimension counts.
/// Every cell is written (a blank keeps its border), so a row counts by its length. A
/// listing fills its declared columns; a table's rows are all looked at.
fn extent(p: &Part) -> Result<(u32, usize)> {
    let mut last_row = 0;
    let mut columns = 0;
    let table = matches!(p.rows, Rows::Table(_));
    p.rows.each((0..p.rows.len()).rev(), |k, cells| {
        if !cells.is_empty() {
            if last_row == 0 {
                last_row = p.first_row + k as u32;
            }
            columns = columns.max(cells.len());
        }
        Ok(table || last_row == 0)
    })?;
    if !table && last_row > 0 {
        columns = columns.max(p.columns);
    }
    Ok((last_row, columns))
}

/// The `<dimension ref>` written for the header alone, stretched to the rows below and
/// the columns they fill.
fn widen_dimension(head: &str, last_row: u32, columns: usize) -> Result<String> {
    const OPEN: &str = "<dimension ref=\"";
    let Some(start) = head.find(OPEN).map(|i| i + OPEN.len()) else {
        bail!("工作表中没有 dimension");
    };
    let Some(len) = head[start..].find('"') else {
        bail!("工作表的 dimension 不完整");
    };
    let old = &head[start..start + len];
    let (first, last) = old.split_once(':').unwrap_or((old, old));
    let (Some((r0, c0)), Some((r1, c1))) = (
        crate::input::open::cell_ref(first),
        crate::input::open::cell_ref(last),
    ) else {
        bail!("工作表的 dimension 无法识别：{old}");
    };
    // Zero-based from here; `last_row` and `columns` are 0 when nothing was written.
    let (r1, c1) = (
        r1.max(last_row.saturating_sub(1)),
        c1.max(columns.saturating_sub(1) as u32),
    );
    let corner = |r: u32, c: u32| format!("{}{}", crate::domain::text::column_letter(c), r + 1);
    let range = if (r0, c0) == (r1, c1) {
        corner(r0, c0)
    } else {
        format!("{}:{}", corner(r0, c0), corner(r1, c1))
    };
    Ok(format!("{}{range}{}", &head[..start], &head[start + len..]))
}

/// One `<row>` as rust_xlsxwriter writes it in constant-memory mode, written as the
/// cells come; nothing for a row without cells.
struct XmlRow<'o> {
    out: &'o mut String,
    /// The row number's digits (`digits[from..]`), written into every cell's reference.
    digits: [u8; 20],
    from: usize,
    c: usize,
    opened: bool,
    formats: CellFormats,
    error: Option<anyhow::Error>,
}

impl<'o> XmlRow<'o> {
    fn new(out: &'o mut String, r: u32, formats: CellFormats) -> XmlRow<'o> {
        let mut digits = [0; 20];
        let from = 20 - super::itoa(r as usize, &mut digits).len();
        XmlRow {
            out,
            digits,
            from,
            c: 0,
            opened: false,
            formats,
            error: None,
        }
    }

    /// Writes the cell at the current column (opening the row first) and moves on.
    fn put(&mut self, write: impl FnOnce(&mut String, usize, &str) -> Result<()>) {
        let row = std::str::from_utf8(&self.digits[self.from..]).unwrap_or("0");
        if !self.opened {
            self.out.push_str("<row r=\"");
            self.out.push_str(row);
            self.out.push_str("\">");
            self.opened = true;
        }
        if let Err(e) = write(self.out, self.c, row) {
            self.error.get_or_insert(e);
        }
        self.c += 1;
    }

    fn finish(self) -> Result<()> {
        if self.opened {
            self.out.push_str("</row>");
        }
        self.error.map_or(Ok(()), Err)
    }
}

impl super::xlsx::RowSink for XmlRow<'_> {
    fn text(&mut self, s: &str) {
        let xf = self.formats.text;
        if s.is_empty() {
            self.put(|out, c, r| blank(out, (c, r), xf));
        } else {
            self.put(|out, c, r| inline_string(out, (c, r), s, xf));
        }
    }
    fn int(&mut self, i: i64) {
        self.num(i as f64);
    }
    fn num(&mut self, x: f64) {
        let xf = self.formats.text;
        self.put(|out, c, r| number(out, (c, r), x, xf));
    }
    fn pct(&mut self, x: f64) {
        let xf = self.formats.pct;
        self.put(|out, c, r| number(out, (c, r), x, xf));
    }
    fn date(&mut self, d: chrono::NaiveDate) {
        let xf = self.formats.date;
        self.put(|out, c, r| number(out, (c, r), excel_serial(d)?, xf));
    }
    fn empty(&mut self) {
        let xf = self.formats.text;
        self.put(|out, c, r| blank(out, (c, r), xf));
    }
}

fn excel_serial(d: chrono::NaiveDate) -> Result<f64> {
    use chrono::Datelike;
    Ok(
        rust_xlsxwriter::ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?
            .to_excel(),
    )
}

fn push_u32(out: &mut String, n: u32) {
    out.push_str(super::itoa(n as usize, &mut [0; 20]));
}

fn push_column(out: &mut String, c: usize) {
    if c < 26 {
        out.push(char::from(b'A' + c as u8));
    } else {
        out.push_str(&crate::domain::text::column_letter(c as u32));
    }
}

/// A cell's place: zero-based column, Excel row (its digits).
type At<'r> = (usize, &'r str);

fn open_cell(out: &mut String, (c, r): At, xf: u32) {
    out.push_str("<c r=\"");
    push_column(out, c);
    out.push_str(r);
    if xf > 0 {
        out.push_str("\" s=\"");
        push_u32(out, xf);
    }
    out.push('"');
}

/// A cell with a format and no value.
fn blank(out: &mut String, at: At, xf: u32) -> Result<()> {
    open_cell(out, at, xf);
    out.push_str("/>");
    Ok(())
}

/// Excel has no NaN or infinity: rust_xlsxwriter writes them as text.
fn number(out: &mut String, at: At, x: f64, xf: u32) -> Result<()> {
    if !x.is_finite() {
        let text = if x.is_nan() {
            "NAN"
        } else if x > 0.0 {
            "INF"
        } else {
            "-INF"
        };
        return inline_string(out, at, text, xf);
    }
    open_cell(out, at, xf);
    out.push_str("><v>");
    out.push_str(zmij::Buffer::new().format_finite(x));
    out.push_str("</v></c>");
    Ok(())
}

/// Excel's limit on a cell's text, in UTF-16 units.
const MAX_STRING_LEN: usize = 32_767;

fn inline_string(out: &mut String, at: At, s: &str, xf: u32) -> Result<()> {
    let s = &*super::xlsx::cell_text(s);
    if s.len() > MAX_STRING_LEN && s.encode_utf16().count() > MAX_STRING_LEN {
        bail!("单元格文字超过 Excel 的上限（32,767 个字符）");
    }
    open_cell(out, at, xf);
    out.push_str(" t=\"inlineStr\"><is><t");
    if s.starts_with(['\t', '\n', ' ']) || s.ends_with(['\t', '\n', ' ']) {
        out.push_str(" xml:space=\"preserve\"");
    }
    out.push('>');
    escape(out, s);
    out.push_str("</t></is></c>");
    Ok(())
}

/// rust_xlsxwriter's two escapes in one pass: a literal `_xHHHH_` gets its underscore
/// encoded (`_x005F`), then `&<>`, control characters and U+FFFE/U+FFFF are escaped.
fn escape(out: &mut String, s: &str) {
    // One pass over the bytes; 0xEF leads U+FFFE and U+FFFF but also common full-width
    // punctuation (，（）), so only then is the text searched for the two.
    let mut lead_ef = false;
    let special = s.bytes().any(|b| {
        lead_ef |= b == 0xEF;
        matches!(b, b'&' | b'<' | b'>' | b'_') || (b < 0x20 && b != b'\t' && b != b'\n')
    });
    let plain = !(special || (lead_ef && s.contains(['\u{FFFE}', '\u{FFFF}'])));
    if plain {
        out.push_str(s);
        return;
    }
    for (i, ch) in s.char_indices() {
        if ch == '_' && is_escape_sequence(s, i) {
            out.push_str("_x005F");
        }
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(ch),
            '\0'..='\x1F' | '\u{FFFE}' | '\u{FFFF}' => {
                out.push_str("_x");
                out.push_str(&format!("{:04X}", ch as u32));
                out.push('_');
            }
            _ => out.push(ch),
        }
    }
}

/// Whether `_xHHHH_` starts at byte `i` (four hex digits, closing underscore).
fn is_escape_sequence(s: &str, i: usize) -> bool {
    let b = s.as_bytes();
    b.len() >= i + 7
        && b[i + 1] == b'x'
        && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
        && b[i + 6] == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_rust_xlsxwriter_does() {
        let cases = [
            ("平常文字", "平常文字"),
            ("a&b<c>d", "a&amp;b&lt;c&gt;d"),
            ("_x0041_", "_x005F_x0041_"),
            ("_x00G1_ _x12", "_x00G1_ _x12"),
            ("x\u{1}y\tz\n", "x_x0001_y\tz\n"),
            ("\u{FFFE}", "_xFFFE_"),
            ("全角，（）", "全角，（）"),
            ("全角，\u{FFFF}", "全角，_xFFFF_"),
        ];
        for (input, expected) in cases {
            let mut out = String::new();
            escape(&mut out, input);
            assert_eq!(out, expected, "{input:?}");
        }
    }

    /// Pieces deflated apart and laid end to end read back, through a zip reader that
    /// checks the CRC, as the bytes they were cut from.
    #[test]
    fn pieces_make_one_stream() {
        let text: String = (0..20_000)
            .map(|i| format!("<row r=\"{i}\">代表{}</row>", i % 97))
            .collect();
        let cuts = [0, 1, 7_000, 7_000, 150_000, text.len()];
        let mut pieces = Vec::new();
        for w in cuts.windows(2) {
            let mut z = Deflater::new(1);
            z.write(&text.as_bytes()[w[0]..w[1]]).expect("deflates");
            pieces.push(z.finish(w[1] == text.len()).expect("flushes"));
        }
        let packed: usize = pieces.iter().map(|p| p.data.len()).sum();
        assert!(packed < text.len() / 4, "compressed");
        let zipped = one_entry_zip("xl/worksheets/sheet1.xml", pieces).expect("zips");
        let mut archive = zip::ZipArchive::new(Cursor::new(zipped)).expect("reads");
        let mut entry = archive.by_index(0).expect("entry");
        assert_eq!(entry.name().expect("name"), "xl/worksheets/sheet1.xml");
        let mut back = String::new();
        entry.read_to_string(&mut back).expect("inflates");
        assert_eq!(back, text);
    }

    #[test]
    fn dimensions_stretch_to_the_rows_written() {
        let head = r#"<worksheet><dimension ref="A1:C1"/><sheetViews/>"#;
        assert_eq!(
            widen_dimension(head, 20_001, 3).expect("widens"),
            r#"<worksheet><dimension ref="A1:C20001"/><sheetViews/>"#
        );
        assert_eq!(
            widen_dimension(r#"<dimension ref="A1"/>"#, 1, 1).expect("same"),
            r#"<dimension ref="A1"/>"#
        );
        assert_eq!(
            widen_dimension(r#"<dimension ref="A1:Z1"/>"#, 5, 28).expect("wider"),
            r#"<dimension ref="A1:AB5"/>"#
        );
    }
}
