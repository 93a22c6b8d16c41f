//! The one DOCX engine every document goes through, following GB/T 9704-2012 (党政机关
//! 公文格式): A4, margins 37/35/28/26 mm, 22 lines × 28 characters, 二号小标宋 title, 三号
//! 仿宋 body with a two-character first-line indent and exact line spacing, 黑体/楷体
//! headings, "— 1 —" page numbers right on odd and left on even pages, tables with a
//! grid and a repeated header row, attachments on new pages. Fixed properties make the
//! same document the same bytes.

use anyhow::{Context, Result};
use docx_rs::{
    AlignmentType, BreakType, BuildXML, Docx, FieldCharType, Footer, InstrPAGE, InstrText,
    LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
    Table as DocxTable, TableCell, TableRow, VAlignType, WidthType,
};
use std::cell::RefCell;
use std::collections::HashMap;

/// Twips (1/20 pt) per millimetre.
const TWIPS_PER_MM: f64 = 56.692_913;

pub const fn mm(v: u32) -> i32 {
    (v as f64 * TWIPS_PER_MM + 0.5) as i32
}

pub const PAGE_WIDTH: u32 = 11_906; // 210 mm
pub const PAGE_HEIGHT: u32 = 16_838; // 297 mm
pub const MARGIN_TOP: i32 = mm(37);
pub const MARGIN_BOTTOM: i32 = mm(35);
pub const MARGIN_LEFT: i32 = mm(28);
pub const MARGIN_RIGHT: i32 = mm(26);
/// The text block is 156 mm wide.
pub const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// 22 lines in the 225 mm text block: 28.95 pt a line, exact.
pub const LINE_TWIPS: i32 = 579;

pub const FONT_TITLE: &str = "方正小标宋简体";
pub const FONT_BODY: &str = "仿宋_GB2312";
pub const FONT_HEI: &str = "黑体";
pub const FONT_KAI: &str = "楷体_GB2312";
pub const FONT_SONG: &str = "宋体";
pub const FONT_LATIN: &str = "Times New Roman";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt.
pub const SIZE_2: usize = 44;
pub const SIZE_3: usize = 32;
pub const SIZE_4: usize = 28;
pub const SIZE_SMALL_4: usize = 24;
/// 五号 10.5 pt: the table text, so that figures and dates stay on one line.
pub const SIZE_5: usize = 21;

/// One character of body text (16 pt) in twips: the unit of GB/T indents.
pub const CHAR_TWIPS: i32 = 320;

/// A block of a document body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 一、 (level 1, 黑体), （一） (level 2, 楷体), 1. / （1） (level 3, 仿宋).
    Heading(u8, String),
    Para(String),
    /// A line in the title style (二号小标宋, centred): covers and volume sections.
    Title(String),
    /// A body line without the first-line indent (the salutation, 称呼).
    Flush(String),
    /// A centred line in the body font (e.g. a table's caption).
    Centered(String),
    Table(TableBlock),
    PageBreak,
}

/// A table: header row, rows, and relative column widths.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableBlock {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Relative widths; computed from the content when empty.
    pub widths: Vec<u32>,
}

impl TableBlock {
    /// A table from its headers, text rows and relative column widths (empty: by content).
    pub fn new(headers: &[&str], rows: Vec<Vec<String>>, widths: &[u32]) -> TableBlock {
        TableBlock {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows,
            widths: widths.to_vec(),
        }
    }
}

/// An attachment (附件): its own page, 附件N at the top left, a centred title.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// A whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// A centred line under the title, in 楷体 (e.g. 2025年度).
    pub subtitle: Option<String>,
    pub body: Vec<Block>,
    /// Signing body and date (落款), the date already written out (2025年12月31日).
    pub signature: Option<(String, String)>,
    pub attachments: Vec<Attachment>,
    /// Document properties.
    pub author: String,
    /// Whether the title (and subtitle) head the first page; a bound volume has a cover
    /// of its own instead.
    pub print_title: bool,
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(FONT_LATIN)
        .hi_ansi(FONT_LATIN)
        .cs(FONT_LATIN)
}

/// A run: the font and size are written only where they differ from the document
/// defaults (仿宋_GB2312 三号, set in docDefaults), which keeps documents small and
/// quick to build; Word and WPS read the defaults for the rest.
fn run(text: &str, font: &str, size: usize) -> Run {
    let mut r = Run::new().add_text(text);
    if font != FONT_BODY {
        r = r.fonts(fonts(font));
    }
    if size != SIZE_3 {
        r = r.size(size);
    }
    r
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
        .before(0)
        .after(0)
}

/// Horizontal alignment of a paragraph (docx-rs's type cannot be a map key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Align {
    Both,
    Left,
    Center,
    Right,
}

/// The look of a one-run paragraph: everything but its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Look {
    font: &'static str,
    size: usize,
    align: Option<Align>,
    /// Exact line spacing in twips.
    line: i32,
    /// The two-character first-line indent of body text.
    first_line: bool,
    left: Option<i32>,
    right: Option<i32>,
    keep_next: bool,
}

impl Look {
    /// Body text: justified, exact line spacing, a two-character first-line indent.
    fn body(font: &'static str) -> Look {
        Look {
            align: Some(Align::Both),
            first_line: true,
            ..Look::plain(font, SIZE_3)
        }
    }

    fn centered(font: &'static str, size: usize, line: i32) -> Look {
        Look {
            align: Some(Align::Center),
            line,
            ..Look::plain(font, size)
        }
    }

    /// No alignment of its own, no indent: a blank line, 附件N.
    fn plain(font: &'static str, size: usize) -> Look {
        Look {
            font,
            size,
            align: None,
            line: LINE_TWIPS,
            first_line: false,
            left: None,
            right: None,
            keep_next: false,
        }
    }

    fn aligned(self, align: Align) -> Look {
        Look {
            align: Some(align),
            ..self
        }
    }

    fn kept_with_next(self) -> Look {
        Look {
            keep_next: true,
            ..self
        }
    }

    fn paragraph(&self, text: &str) -> Paragraph {
        let mut p = Paragraph::new().add_run(run(text, self.font, self.size));
        if let Some(a) = self.align {
            p = p.align(match a {
                Align::Both => AlignmentType::Both,
                Align::Left => AlignmentType::Left,
                Align::Center => AlignmentType::Center,
                Align::Right => AlignmentType::Right,
            });
        }
        p = p.line_spacing(exact(self.line));
        if self.first_line || self.left.is_some() || self.right.is_some() {
            p = p.indent(
                self.left,
                self.first_line
                    .then_some(SpecialIndentType::FirstLine(2 * CHAR_TWIPS)),
                self.right,
                None,
            );
        }
        if self.keep_next {
            p = p.keep_next(true);
        }
        p
    }
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}

/// Display width of text in half-characters, to size table columns.
fn width_units(s: &str) -> u32 {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Column widths in twips that fill the text block, proportional to the weights given or
/// to the longest content (bounded so a long title does not squeeze the numbers).
pub fn grid(t: &TableBlock) -> Vec<usize> {
    let n = t.headers.len().max(1);
    let weights: Vec<u32> = if t.widths.len() == n {
        t.widths.clone()
    } else {
        (0..n)
            .map(|i| {
                let content = t
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| width_units(c))
                    .max()
                    .unwrap_or(0);
                let header = t.headers.get(i).map_or(0, |h| width_units(h).min(8));
                content.max(header).clamp(4, 24)
            })
            .collect()
    };
    let total: u32 = weights.iter().sum::<u32>().max(1);
    let mut cols: Vec<usize> = weights
        .iter()
        .map(|w| TEXT_WIDTH * *w as usize / total as usize)
        .collect();
    // Give the rounding remainder to the widest column so the grid fills exactly.
    let rest = TEXT_WIDTH - cols.iter().sum::<usize>();
    if let Some(i) = (0..cols.len()).max_by_key(|i| cols[*i]) {
        cols[i] += rest;
    }
    cols
}

/// Figures, marks (是/否, □) and other very short entries read best centred.
fn centred_cell(text: &str, header: bool) -> bool {
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '-' | '—' | '/'));
    let short = !text.is_empty() && text.chars().count() <= 2;
    header || numeric || short
}

fn cell(text: &str, width: usize, header: bool) -> TableCell {
    cell_shaped(text, width, header, centred_cell(text, header))
}

fn cell_shaped(text: &str, width: usize, header: bool, centred: bool) -> TableCell {
    let font = if header { FONT_HEI } else { FONT_BODY };
    let align = if centred {
        AlignmentType::Center
    } else {
        AlignmentType::Left
    };
    TableCell::new()
        .add_paragraph(
            Paragraph::new()
                .add_run(run(text, font, SIZE_5))
                .align(align)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(300),
                ),
        )
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

/// Marks the header row; replaced after building by the repeat-header flag, which
/// docx-rs cannot write itself.
const HEADER_ROW_MARK: &str = "<w:cantSplit />";
const HEADER_ROW_XML: &str = "<w:cantSplit /><w:tblHeader />";

fn table_frame(cols: &[usize], rows: Vec<TableRow>) -> DocxTable {
    DocxTable::new(rows)
        .set_grid(cols.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .align(docx_rs::TableAlignmentType::Center)
}

fn table(t: &TableBlock) -> DocxTable {
    let cols = grid(t);
    let header = TableRow::new(
        t.headers
            .iter()
            .zip(&cols)
            .map(|(h, w)| cell(h, *w, true))
            .collect(),
    )
    .cant_split();
    let mut rows = vec![header];
    for r in &t.rows {
        let cells = cols
            .iter()
            .enumerate()
            .map(|(i, w)| cell(r.get(i).map_or("", |s| s.as_str()), *w, false))
            .collect();
        rows.push(TableRow::new(cells));
    }
    table_frame(&cols, rows)
}

fn heading(level: u8) -> Look {
    let font = match level {
        1 => FONT_HEI,
        2 => FONT_KAI,
        _ => FONT_BODY,
    };
    Look::body(font).kept_with_next()
}

/// The XML docx-rs writes for one element.
fn xml_of(e: &impl BuildXML) -> String {
    String::from_utf8(e.build())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Where a document's content goes, element by element and in order.
trait Sink {
    fn paragraph(&mut self, look: Look, text: &str);
    fn page_break(&mut self);
    fn table(&mut self, t: &TableBlock);
}

/// Stands for a cell's text in a shape: a private-use character, which docx-rs writes as
/// it is.
const SLOT: &str = "\u{E000}";

/// A table cell as docx-rs writes it, cut where its width and its text go.
#[derive(Debug)]
struct CellShape {
    before_width: String,
    before_text: String,
    after_text: String,
}

/// Stands for a cell's width in a shape: a value no table has.
const WIDTH_SLOT: usize = 987_654_321;

impl CellShape {
    fn new(header: bool, centred: bool) -> Option<CellShape> {
        let xml = xml_of(&cell_shaped(SLOT, WIDTH_SLOT, header, centred));
        let (before_width, rest) = xml.split_once(&WIDTH_SLOT.to_string())?;
        let (before_text, after_text) = rest.split_once(SLOT)?;
        // Exactly one slot of each, width first: anything else is built whole.
        if before_width.contains(SLOT)
            || after_text.contains(SLOT)
            || after_text.contains(&WIDTH_SLOT.to_string())
        {
            return None;
        }
        Some(CellShape {
            before_width: before_width.to_string(),
            before_text: before_text.to_string(),
            after_text: after_text.to_string(),
        })
    }
}

thread_local! {
    // Cells differ only in width, font, alignment and text: docx-rs builds each of the
    // four shapes once per thread and the width and text go in their slots. Tables are
    // most of every archive's XML.
    static CELL_SHAPES: [Option<CellShape>; 4] = [
        CellShape::new(false, false),
        CellShape::new(false, true),
        CellShape::new(true, false),
        CellShape::new(true, true),
    ];
}

/// Text docx-rs would escape; such (rare) cells are built whole.
fn needs_escape(s: &str) -> bool {
    s.bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | b'\n' | b'\r'))
}

fn push_cell(out: &mut String, text: &str, width: usize, header: bool) {
    let centred = centred_cell(text, header);
    let done = !needs_escape(text)
        && CELL_SHAPES.with(|shapes| {
            match &shapes[usize::from(header) * 2 + usize::from(centred)] {
                Some(shape) => {
                    out.push_str(&shape.before_width);
                    out.push_str(super::itoa(width, &mut [0; 20]));
                    out.push_str(&shape.before_text);
                    out.push_str(text);
                    out.push_str(&shape.after_text);
                    true
                }
                None => false,
            }
        });
    if !done {
        out.push_str(&xml_of(&cell_shaped(text, width, header, centred)));
    }
}

/// Content as WordprocessingML: paragraphs as docx-rs writes them; tables from docx-rs's
/// frame, row and cell XML with the texts put in (the same bytes as docx-rs's whole
/// table, checked in the tests).
impl Sink for String {
    fn paragraph(&mut self, look: Look, text: &str) {
        let done = !needs_escape(text)
            && PARAGRAPH_SHAPES.with(|shapes| {
                let mut shapes = shapes.borrow_mut();
                let shape = shapes.entry(look).or_insert_with(|| {
                    xml_of(&look.paragraph(SLOT))
                        .split_once(SLOT)
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                });
                match shape {
                    Some((before, after)) => {
                        self.push_str(before);
                        self.push_str(text);
                        self.push_str(after);
                        true
                    }
                    None => false,
                }
            });
        if !done {
            self.push_str(&xml_of(&look.paragraph(text)));
        }
    }

    fn page_break(&mut self) {
        PAGE_BREAK.with(|xml| self.push_str(xml));
    }

    fn table(&mut self, t: &TableBlock) {
        let cols = grid(t);
        let done = TABLE_SHAPE.with(|shape| {
            let Some(shape) = shape else { return false };
            self.push_str(&shape.before_grid);
            for w in &cols {
                self.push_str(&shape.column_before_width);
                self.push_str(super::itoa(*w, &mut [0; 20]));
                self.push_str(&shape.column_after_width);
            }
            self.push_str(&shape.after_grid);
            self.push_str(&shape.header_row_open);
            for (h, w) in t.headers.iter().zip(&cols) {
                push_cell(self, h, *w, true);
            }
            self.push_str(ROW_CLOSE);
            for r in &t.rows {
                self.push_str(&shape.row_open);
                for (i, w) in cols.iter().enumerate() {
                    push_cell(self, r.get(i).map_or("", |s| s.as_str()), *w, false);
                }
                self.push_str(ROW_CLOSE);
            }
            self.push_str(TABLE_CLOSE);
            true
        });
        if !done {
            self.push_str(&xml_of(&table(t)).replace(HEADER_ROW_MARK, HEADER_ROW_XML));
        }
    }
}

const ROW_CLOSE: &str = "</w:tr>";
const TABLE_CLOSE: &str = "</w:tbl>";

/// A table as docx-rs writes it, cut where the grid's column widths and the rows go:
/// every table has the same properties.
#[derive(Debug)]
struct TableShape {
    before_grid: String,
    column_before_width: String,
    column_after_width: String,
    after_grid: String,
    header_row_open: String,
    row_open: String,
}

impl TableShape {
    fn new() -> Option<TableShape> {
        let slot = WIDTH_SLOT.to_string();
        let frame = xml_of(&table_frame(&[WIDTH_SLOT], Vec::new()));
        let frame = frame.strip_suffix(TABLE_CLOSE)?;
        let at = frame.find(&slot)?;
        let column_start = frame[..at].rfind("<w:gridCol")?;
        let column_end = at + frame[at..].find("/>")? + 2;
        let (column_before_width, column_after_width) =
            frame[column_start..column_end].split_once(&slot)?;
        let header_row = xml_of(&TableRow::new(Vec::new()).cant_split())
            .replace(HEADER_ROW_MARK, HEADER_ROW_XML);
        let row = xml_of(&TableRow::new(Vec::new()));
        Some(TableShape {
            before_grid: frame[..column_start].to_string(),
            column_before_width: column_before_width.to_string(),
            column_after_width: column_after_width.to_string(),
            after_grid: frame[column_end..].to_string(),
            header_row_open: header_row.strip_suffix(ROW_CLOSE)?.to_string(),
            row_open: row.strip_suffix(ROW_CLOSE)?.to_string(),
        })
    }
}

thread_local! {
    static TABLE_SHAPE: Option<TableShape> = TableShape::new();
    // Paragraphs, like cells, differ in a few looks and their text.
    static PARAGRAPH_SHAPES: RefCell<HashMap<Look, Option<(String, String)>>> =
        RefCell::new(HashMap::new());
    static PAGE_BREAK: String = xml_of(&page_break());
}

/// The whole document through docx-rs: the reference the fast path is checked against.
#[cfg(test)]
impl Sink for Vec<docx_rs::DocumentChild> {
    fn paragraph(&mut self, look: Look, text: &str) {
        self.push(docx_rs::DocumentChild::Paragraph(Box::new(
            look.paragraph(text),
        )));
    }

    fn page_break(&mut self) {
        self.push(docx_rs::DocumentChild::Paragraph(Box::new(page_break())));
    }

    fn table(&mut self, t: &TableBlock) {
        self.push(docx_rs::DocumentChild::Table(Box::new(table(t))));
    }
}

fn add_blocks(sink: &mut impl Sink, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Heading(l, t) => sink.paragraph(heading(*l), t),
            Block::Para(t) => sink.paragraph(Look::body(FONT_BODY), t),
            Block::Title(t) => {
                sink.paragraph(Look::centered(FONT_TITLE, SIZE_2, 700).kept_with_next(), t)
            }
            Block::Flush(t) => {
                sink.paragraph(Look::plain(FONT_BODY, SIZE_3).aligned(Align::Left), t)
            }
            Block::Centered(t) => sink.paragraph(
                Look::centered(FONT_BODY, SIZE_3, LINE_TWIPS).kept_with_next(),
                t,
            ),
            Block::Table(t) => sink.table(t),
            Block::PageBreak => sink.page_break(),
        }
    }
}

/// A document's content in order: title, body, attachment list, signature, attachments.
fn content(d: &Document, sink: &mut impl Sink) {
    let blank = Look::plain(FONT_BODY, SIZE_3);
    if d.print_title {
        for line in d.title.lines() {
            sink.paragraph(Look::centered(FONT_TITLE, SIZE_2, 700), line);
        }
        if let Some(s) = &d.subtitle {
            sink.paragraph(Look::centered(FONT_KAI, SIZE_3, LINE_TWIPS), s);
        }
        sink.paragraph(blank, "");
    }
    add_blocks(sink, &d.body);
    if !d.attachments.is_empty() {
        sink.paragraph(blank, "");
        for (i, a) in d.attachments.iter().enumerate() {
            let label = if d.attachments.len() == 1 {
                format!("附件：{}", a.title)
            } else if i == 0 {
                format!("附件：{}. {}", i + 1, a.title)
            } else {
                format!("{}. {}", i + 1, a.title)
            };
            // Later lines align under the first attachment's title: 2 + 3 characters in.
            let indent = if i == 0 {
                2 * CHAR_TWIPS
            } else {
                5 * CHAR_TWIPS
            };
            sink.paragraph(
                Look {
                    left: Some(indent),
                    ..Look::plain(FONT_BODY, SIZE_3)
                },
                &label,
            );
        }
    }
    if let Some((org, date)) = &d.signature {
        sink.paragraph(blank, "");
        sink.paragraph(blank, "");
        for (text, chars) in [(org, 2), (date, 4)] {
            sink.paragraph(
                Look {
                    right: Some(chars * CHAR_TWIPS),
                    ..Look::plain(FONT_BODY, SIZE_3).aligned(Align::Right)
                },
                text,
            );
        }
    }
    for (i, a) in d.attachments.iter().enumerate() {
        sink.page_break();
        sink.paragraph(Look::plain(FONT_HEI, SIZE_3), &format!("附件{}", i + 1));
        sink.paragraph(blank, "");
        for line in a.title.lines() {
            sink.paragraph(Look::centered(FONT_TITLE, SIZE_2, 700), line);
        }
        sink.paragraph(blank, "");
        add_blocks(sink, &a.blocks);
    }
}

/// A document's rendered content (正文): the WordprocessingML inside `<w:body>`. Built
/// once, it is packaged as the document's own file and again inside a bound volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Body(String);

/// Renders a document's content.
pub fn body(d: &Document) -> Body {
    let mut xml = String::new();
    content(d, &mut xml);
    Body(xml)
}

/// The page number as "— 1 —": 四号, dashes in 宋体, the PAGE field in Times New Roman.
fn page_number(odd: bool) -> Footer {
    let dash = |s: &str| run(s, FONT_SONG, SIZE_4);
    let field = |r: Run| r.fonts(fonts(FONT_SONG)).size(SIZE_4);
    let p = Paragraph::new()
        .add_run(dash("— "))
        .add_run(field(
            Run::new().add_field_char(FieldCharType::Begin, false),
        ))
        .add_run(field(
            Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())),
        ))
        .add_run(field(
            Run::new().add_field_char(FieldCharType::Separate, false),
        ))
        .add_run(field(Run::new().add_text("1")))
        .add_run(field(Run::new().add_field_char(FieldCharType::End, false)))
        .add_run(dash(" —"));
    // One character (14 pt) in from the outer edge.
    let p = if odd {
        p.align(AlignmentType::Right)
            .indent(None, None, Some(280), None)
    } else {
        p.align(AlignmentType::Left)
            .indent(Some(280), None, None, None)
    };
    Footer::new().add_paragraph(p)
}

/// The fixed timestamp of every document: the same input gives the same bytes.
pub const FIXED_TIME: &str = "2000-01-01T00:00:00Z";

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders a document to DOCX bytes.
pub fn render(d: &Document) -> Result<Vec<u8>> {
    render_with(d, &body(d))
}

/// Renders a document whose content is already rendered.
pub fn render_with(d: &Document, content: &Body) -> Result<Vec<u8>> {
    package(d, &[&content.0])
}

/// Renders a bound volume: the document (its cover and catalogue), then each part's
/// content on new pages, exactly as in the part's own file.
pub fn render_bound(d: &Document, parts: &[Body]) -> Result<Vec<u8>> {
    let cover = body(d);
    let page = PAGE_BREAK.with(String::clone);
    let mut xml: Vec<&str> = vec![&cover.0];
    for p in parts {
        xml.push(&page);
        xml.push(&p.0);
    }
    package(d, &xml)
}

/// The package docx-rs writes around the content: page setup, default fonts, footers
/// with page numbers, styles and properties.
fn frame() -> Docx {
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(mm(15))
                .footer(mm(23))
                .gutter(0),
        )
        .default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_3)
        .created_at(FIXED_TIME)
        .updated_at(FIXED_TIME)
        .footer(page_number(true))
        .even_footer(page_number(false))
}

/// Numbers paragraph ids (w14:paraId) in document order from `next`: content built
/// apart, and a volume's bound archives, must not share ids. Returns the next free id.
fn renumber_para_ids(xml: &mut [u8], mut next: u32) -> u32 {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Texts never hold the key: a quotation mark is escaped (or the cell built whole).
    let key = memchr::memmem::Finder::new(b"w14:paraId=\"");
    let mut from = 0;
    while let Some(found) = xml.get(from..).and_then(|rest| key.find(rest)) {
        let at = from + found + key.needle().len();
        // docx-rs writes eight lowercase hex digits.
        let Some(slot) = xml.get_mut(at..at + 8) else {
            break;
        };
        for (k, digit) in slot.iter_mut().enumerate() {
            *digit = HEX[(next >> (28 - 4 * k)) as usize & 0xf];
        }
        next += 1;
        from = at + 8;
    }
    next
}

/// The package docx-rs builds around the content, once per thread: every document has
/// the same page setup, styles and footers; only the content and the properties differ.
struct Frame {
    parts: docx_rs::XMLDocx,
    /// Where the content goes in `word/document.xml`: just inside `<w:body>`.
    body_at: usize,
    /// The first paragraph id after the footers'.
    first_id: u32,
    /// The parts every document shares, compressed once: copied raw into each package.
    shared: Vec<u8>,
}

impl Frame {
    fn new() -> Result<Frame> {
        let mut parts = frame().build();
        let mut next = 1;
        for f in parts.footers.iter_mut() {
            next = renumber_para_ids(f, next);
        }
        const BODY: &[u8] = b"<w:body>";
        let body_at = parts
            .document
            .windows(BODY.len())
            .position(|w| w == BODY)
            .context("docx-rs 生成的文档缺少正文部分")?
            + BODY.len();
        let mut zip = Packer::new(0)?;
        for (name, bytes) in entries(&parts)? {
            if name != CORE && name != DOCUMENT {
                zip.deflated(&name, bytes)?;
            }
        }
        Ok(Frame {
            shared: zip.finish()?,
            parts,
            body_at,
            first_id: next,
        })
    }

    /// The frame's `word/document.xml` with `content` in the body.
    fn document(&self, content: &[&str]) -> Vec<u8> {
        let (head, tail) = self.parts.document.split_at(self.body_at);
        let mut document = Vec::with_capacity(
            head.len() + tail.len() + content.iter().map(|c| c.len()).sum::<usize>(),
        );
        document.extend_from_slice(head);
        for c in content {
            document.extend_from_slice(c.as_bytes());
        }
        document.extend_from_slice(tail);
        renumber_para_ids(&mut document, self.first_id);
        document
    }

    /// The package: the shared parts copied as they are, the document's own two
    /// compressed here, in docx-rs's order.
    fn pack(&self, core: &[u8], document: &[u8]) -> Result<Vec<u8>> {
        let mut shared = zip::ZipArchive::new(std::io::Cursor::new(self.shared.as_slice()))?;
        let mut zip = Packer::new(document.len() / 12 + self.shared.len())?;
        for (name, _) in entries(&self.parts)? {
            match name.as_str() {
                CORE => zip.deflated(CORE, core)?,
                DOCUMENT => zip.deflated(DOCUMENT, document)?,
                _ => zip.copied(
                    shared
                        .by_name_raw(name.as_bytes())
                        .with_context(|| format!("缺少 {name}"))?,
                )?,
            }
        }
        zip.finish()
    }
}

thread_local! {
    static FRAME: std::result::Result<Frame, String> =
        Frame::new().map_err(|e| format!("{e:#}"));
}

fn package(d: &Document, content: &[&str]) -> Result<Vec<u8>> {
    FRAME
        .with(|f| {
            let f = f.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            f.pack(&core_xml(d, &f.parts.doc_props.core), &f.document(content))
        })
        .context("生成 Word 文件时出错")
}

/// docx-rs's `docProps/core.xml` with the document's title and author.
fn core_xml(d: &Document, core: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(core)
        .replace(
            "<dc:creator>unknown</dc:creator>",
            &format!(
                "<dc:title>{}</dc:title><dc:creator>{}</dc:creator>",
                xml_escape(&d.title.replace('\n', "")),
                xml_escape(&d.author)
            ),
        )
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            &format!(
                "<cp:lastModifiedBy>{}</cp:lastModifiedBy>",
                xml_escape(&d.author)
            ),
        )
        .into_bytes()
}

/// Document properties (title, author) and the ZIP, every part deflated here: the
/// reference for the frame's packing.
#[cfg(test)]
fn finish(d: &Document, mut xml: docx_rs::XMLDocx) -> Result<Vec<u8>> {
    xml.doc_props.core = core_xml(d, &xml.doc_props.core);
    let mut zip = Packer::new(0)?;
    for (name, bytes) in entries(&xml)? {
        zip.deflated(&name, bytes)?;
    }
    zip.finish()
}

const CORE: &str = "docProps/core.xml";
const DOCUMENT: &str = "word/document.xml";

/// The zip level of every document. docx-rs stores its parts uncompressed, a quarter
/// megabyte per archive and a gigabyte for a city's term; deflated, a ninth of that.
const ZIP_LEVEL: i64 = 1;

/// The package's parts as docx-rs lays them out: the same entries in the same order.
fn entries(xml: &docx_rs::XMLDocx) -> Result<Vec<(String, &[u8])>> {
    // The frame has none of these; a part this packing would leave out is an error.
    if !xml.media.is_empty() || xml.taskpanes.is_some() || !xml.custom_items.is_empty() {
        anyhow::bail!("文档含有图片或扩展部件，本工具不支持");
    }
    let mut out: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), &xml.content_type),
        ("_rels/.rels".into(), &xml.rels),
        ("docProps/app.xml".into(), &xml.doc_props.app),
        (CORE.into(), &xml.doc_props.core),
        ("docProps/custom.xml".into(), &xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), &xml.document_rels),
        (DOCUMENT.into(), &xml.document),
        ("word/styles.xml".into(), &xml.styles),
        ("word/settings.xml".into(), &xml.settings),
        ("word/fontTable.xml".into(), &xml.font_table),
        ("word/comments.xml".into(), &xml.comments),
        ("word/numbering.xml".into(), &xml.numberings),
        ("word/commentsExtended.xml".into(), &xml.comments_extended),
        ("word/footnotes.xml".into(), &xml.footnotes),
    ];
    for (i, h) in xml.headers.iter().enumerate() {
        out.push((format!("word/header{}.xml", i + 1), h));
        if let Some(rels) = xml.header_rels.get(i) {
            out.push((format!("word/_rels/header{}.xml.rels", i + 1), rels));
        }
    }
    for (i, f) in xml.footers.iter().enumerate() {
        out.push((format!("word/footer{}.xml", i + 1), f));
        if let Some(rels) = xml.footer_rels.get(i) {
            out.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
        }
    }
    Ok(out)
}

/// A DOCX package being written: docx-rs's directory entries first, then parts
/// deflated at `ZIP_LEVEL` or copied already compressed, with fixed times and modes.
struct Packer(zip::ZipWriter<std::io::Cursor<Vec<u8>>>);

impl Packer {
    /// A package with the folders docx-rs lists before the parts.
    fn new(capacity: usize) -> Result<Packer> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(capacity)));
        let dir =
            zip::write::SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
        for d in ["word/", "word/_rels", "_rels/", "docProps/"] {
            zip.add_directory(d, dir)?;
        }
        Ok(Packer(zip))
    }

    fn deflated(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(ZIP_LEVEL))
            .unix_permissions(0o755)
            .last_modified_time(zip::DateTime::default());
        self.0
            .start_file(name, options)
            .with_context(|| format!("写入 {name}"))?;
        self.0
            .write_all(bytes)
            .with_context(|| format!("写入 {name}"))
    }

    fn copied<R: std::io::Read>(&mut self, entry: zip::read::ZipFile<'_, R>) -> Result<()> {
        Ok(self.0.raw_copy_file(entry)?)
    }

    fn finish(self) -> Result<Vec<u8>> {
        Ok(self.0.finish()?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The document built whole by docx-rs, as before content was rendered apart: the
    /// reference for the bytes of the fast path.
    fn render_whole(d: &Document) -> Vec<u8> {
        let mut doc = frame();
        let mut children: Vec<docx_rs::DocumentChild> = Vec::new();
        content(d, &mut children);
        for c in children {
            doc = match c {
                docx_rs::DocumentChild::Paragraph(p) => doc.add_paragraph(*p),
                docx_rs::DocumentChild::Table(t) => doc.add_table(*t),
                _ => doc,
            };
        }
        let mut xml = doc.build();
        let mut next = 1;
        for f in xml.footers.iter_mut() {
            next = renumber_para_ids(f, next);
        }
        let mut document = String::from_utf8(std::mem::take(&mut xml.document))
            .expect("utf-8")
            .replace(HEADER_ROW_MARK, HEADER_ROW_XML)
            .into_bytes();
        renumber_para_ids(&mut document, next);
        xml.document = document;
        finish(d, xml).expect("pack")
    }

    fn parts(docx: &[u8]) -> BTreeMap<String, Vec<u8>> {
        super::super::zip_parts(docx).into_iter().collect()
    }

    fn para_ids(xml: &[u8]) -> Vec<String> {
        String::from_utf8_lossy(xml)
            .split("w14:paraId=\"")
            .skip(1)
            .map(|s| s[..8].to_string())
            .collect()
    }

    fn sample_document() -> Document {
        let table = |n: usize| {
            TableBlock::new(
                &["序号", "日期", "活动内容", "是否出席"],
                (0..n)
                    .map(|i| {
                        vec![
                            (i + 1).to_string(),
                            format!("2025-0{}-1{}", i % 9 + 1, i % 10),
                            match i % 6 {
                                0 => "走访选民 & 收集意见".to_string(),
                                1 => "“<代表之家>”接待\n第二行".to_string(),
                                2 => "it's \"quoted\"\r".to_string(),
                                3 => String::new(),
                                _ => format!("参加区人大常委会组织的第{i}次专题调研活动"),
                            },
                            if i % 2 == 0 { "是" } else { "否" }.to_string(),
                        ]
                    })
                    .chain(std::iter::once(vec!["短行".to_string()]))
                    .collect(),
                &[],
            )
        };
        Document {
            title: "示范区人大代表\n履职档案".into(),
            subtitle: Some("（2025年度）".into()),
            body: vec![
                Block::Heading(1, "一、基本情况".into()),
                Block::Para("正文 <第一段> & 其他。".into()),
                Block::Table(table(14)),
                Block::Heading(2, "（一）出席".into()),
                Block::Heading(3, "1. 会议".into()),
                Block::Flush("各位代表：".into()),
                Block::Centered("表1".into()),
                Block::Title("分册".into()),
                Block::PageBreak,
                Block::Table(table(3)),
            ],
            signature: Some(("示范区人大常委会".into(), "2025年12月31日".into())),
            attachments: vec![
                Attachment {
                    title: "附表一".into(),
                    blocks: vec![Block::Table(table(5))],
                },
                Attachment {
                    title: "附表二\n（续）".into(),
                    blocks: vec![Block::Para("说明。".into())],
                },
            ],
            author: "示范区人大常委会代表联络室".into(),
            print_title: true,
        }
    }

    #[test]
    fn content_rendered_apart_is_byte_identical_to_docx_rs_building_the_whole_document() {
        let d = sample_document();
        let whole = parts(&render_whole(&d));
        // Twice: the second time every cell shape comes from the per-thread cache.
        for _ in 0..2 {
            let fast = parts(&render(&d).expect("render"));
            assert_eq!(
                fast.keys().collect::<Vec<_>>(),
                whole.keys().collect::<Vec<_>>()
            );
            for (name, bytes) in &whole {
                assert!(
                    fast[name] == *bytes,
                    "{name} differs:\n{}\n---\n{}",
                    String::from_utf8_lossy(&fast[name]),
                    String::from_utf8_lossy(bytes)
                );
            }
        }
        let doc = String::from_utf8_lossy(&whole["word/document.xml"]).into_owned();
        assert!(doc.contains("走访选民 &amp; 收集意见") && doc.contains("<w:tblHeader />"));
    }

    #[test]
    fn the_table_and_cell_shapes_are_found_in_docx_rs_output() {
        // Without them every table is built whole: correct, but several times slower.
        assert!(TableShape::new().is_some());
        for (header, centred) in [(false, false), (false, true), (true, false), (true, true)] {
            assert!(
                CellShape::new(header, centred).is_some(),
                "{header} {centred}"
            );
        }
    }

    #[test]
    fn a_bound_volume_holds_each_part_as_rendered_with_paragraph_ids_unique() {
        let part = sample_document();
        let cover = Document {
            title: "示范区人大代表履职档案·兴华街道".into(),
            subtitle: None,
            body: vec![Block::Title("兴华街道代表小组".into())],
            signature: None,
            attachments: Vec::new(),
            author: part.author.clone(),
            print_title: false,
        };
        let b = body(&part);
        let volume = parts(&render_bound(&cover, &[b.clone(), b.clone()]).expect("render"));
        let doc = String::from_utf8_lossy(&volume["word/document.xml"]).into_owned();
        let single =
            String::from_utf8_lossy(&parts(&render(&part).expect("render"))["word/document.xml"])
                .into_owned();
        let text = |xml: &str| -> String {
            xml.split("<w:t xml:space=\"preserve\">")
                .skip(1)
                .filter_map(|s| s.split_once("</w:t>").map(|(t, _)| t.to_string()))
                .collect()
        };
        assert_eq!(
            text(&doc),
            format!("兴华街道代表小组{}{}", text(&single), text(&single))
        );
        assert_eq!(
            doc.matches("<w:br w:type=\"page\" />").count(),
            2 * single.matches("<w:br w:type=\"page\" />").count() + 2
        );
        let mut ids = para_ids(&volume["word/footer1.xml"]);
        ids.extend(para_ids(&volume["word/footer2.xml"]));
        ids.extend(para_ids(&volume["word/document.xml"]));
        let expected: Vec<String> = (1..=ids.len()).map(|i| format!("{i:08x}")).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn margins_and_text_block_follow_the_standard() {
        assert_eq!(
            (MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT),
            (2098, 1984, 1587, 1474)
        );
        assert_eq!(TEXT_WIDTH, 8845); // 156 mm
    }

    #[test]
    fn grid_fills_the_text_block() {
        let t = TableBlock {
            headers: vec!["代表小组".into(), "代表数".into(), "出席率".into()],
            rows: vec![vec!["兴华街道".into(), "12".into(), "91.7%".into()]],
            widths: vec![],
        };
        let g = grid(&t);
        assert_eq!(g.iter().sum::<usize>(), TEXT_WIDTH);
        assert!(g[0] > g[2], "{g:?}");
    }
}
