//! The one DOCX engine every document goes through, following GB/T 9704-2012 (党政机关
//! 公文格式): A4, margins 37/35/28/26 mm, 22 lines × 28 characters, 二号小标宋 title, 三号
//! 仿宋 body with a two-character first-line indent and exact line spacing, 黑体/楷体
//! headings, "— 1 —" page numbers right on odd and left on even pages, tables with a
//! grid and a repeated header row, attachments on new pages. Fixed properties make the
//! same document the same bytes.

use anyhow::{Context, Result};
use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table as DocxTable,
    TableCell, TableRow, VAlignType, WidthType,
};

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

fn body_para(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, SIZE_3))
        .align(AlignmentType::Both)
        .line_spacing(exact(LINE_TWIPS))
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * CHAR_TWIPS)),
            None,
            None,
        )
}

fn centered(text: &str, font: &str, size: usize, line: i32) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, size))
        .align(AlignmentType::Center)
        .line_spacing(exact(line))
}

fn blank_line() -> Paragraph {
    Paragraph::new()
        .add_run(run("", FONT_BODY, SIZE_3))
        .line_spacing(exact(LINE_TWIPS))
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

fn cell(text: &str, width: usize, header: bool) -> TableCell {
    let font = if header { FONT_HEI } else { FONT_BODY };
    // Figures, marks (是/否, □) and other very short entries read best centred.
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '-' | '—' | '/'));
    let short = !text.is_empty() && text.chars().count() <= 2;
    let align = if header || numeric || short {
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
    DocxTable::new(rows)
        .set_grid(cols)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .align(docx_rs::TableAlignmentType::Center)
}

fn heading(level: u8, text: &str) -> Paragraph {
    let font = match level {
        1 => FONT_HEI,
        2 => FONT_KAI,
        _ => FONT_BODY,
    };
    body_para(text, font).keep_next(true)
}

fn add_blocks(mut doc: Docx, blocks: &[Block]) -> Docx {
    for b in blocks {
        doc = match b {
            Block::Heading(l, t) => doc.add_paragraph(heading(*l, t)),
            Block::Para(t) => doc.add_paragraph(body_para(t, FONT_BODY)),
            Block::Title(t) => {
                doc.add_paragraph(centered(t, FONT_TITLE, SIZE_2, 700).keep_next(true))
            }
            Block::Flush(t) => doc.add_paragraph(
                Paragraph::new()
                    .add_run(run(t, FONT_BODY, SIZE_3))
                    .align(AlignmentType::Left)
                    .line_spacing(exact(LINE_TWIPS)),
            ),
            Block::Centered(t) => {
                doc.add_paragraph(centered(t, FONT_BODY, SIZE_3, LINE_TWIPS).keep_next(true))
            }
            Block::Table(t) => doc.add_table(table(t)),
            Block::PageBreak => doc.add_paragraph(page_break()),
        };
    }
    doc
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
    let mut doc = Docx::new()
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
        .even_footer(page_number(false));
    if d.print_title {
        for line in d.title.lines() {
            doc = doc.add_paragraph(centered(line, FONT_TITLE, SIZE_2, 700));
        }
        if let Some(s) = &d.subtitle {
            doc = doc.add_paragraph(centered(s, FONT_KAI, SIZE_3, LINE_TWIPS));
        }
        doc = doc.add_paragraph(blank_line());
    }
    doc = add_blocks(doc, &d.body);
    if !d.attachments.is_empty() {
        doc = doc.add_paragraph(blank_line());
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
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(run(&label, FONT_BODY, SIZE_3))
                    .line_spacing(exact(LINE_TWIPS))
                    .indent(Some(indent), None, None, None),
            );
        }
    }
    if let Some((org, date)) = &d.signature {
        doc = doc.add_paragraph(blank_line()).add_paragraph(blank_line());
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(run(org, FONT_BODY, SIZE_3))
                .align(AlignmentType::Right)
                .line_spacing(exact(LINE_TWIPS))
                .indent(None, None, Some(2 * CHAR_TWIPS), None),
        );
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(run(date, FONT_BODY, SIZE_3))
                .align(AlignmentType::Right)
                .line_spacing(exact(LINE_TWIPS))
                .indent(None, None, Some(4 * CHAR_TWIPS), None),
        );
    }
    for (i, a) in d.attachments.iter().enumerate() {
        doc = doc.add_paragraph(page_break());
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(run(&format!("附件{}", i + 1), FONT_HEI, SIZE_3))
                .line_spacing(exact(LINE_TWIPS)),
        );
        doc = doc.add_paragraph(blank_line());
        for line in a.title.lines() {
            doc = doc.add_paragraph(centered(line, FONT_TITLE, SIZE_2, 700));
        }
        doc = doc.add_paragraph(blank_line());
        doc = add_blocks(doc, &a.blocks);
    }
    let mut xml = doc.build();
    // docx-rs writes UTF-8; the strict check is several times quicker than the lossy one.
    let document = String::from_utf8(std::mem::take(&mut xml.document))
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    xml.document = document
        .replace(HEADER_ROW_MARK, HEADER_ROW_XML)
        .into_bytes();
    let core = String::from_utf8_lossy(&xml.doc_props.core)
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
        );
    xml.doc_props.core = core.into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).context("生成 Word 文件时出错")?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

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
