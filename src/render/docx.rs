//! The one DOCX engine every document goes through, following GB/T 9704-2012 (党政机关
//! 公文格式): A4, margins 37/35/28/26 mm, 22 lines × 28 characters, 二号小标宋 title, 三号
//! 仿宋 body with a two-character first-line indent and exact line spacing, 黑体/楷体
//! headings, "— 1 —" page numbers right on odd and left on even pages, tables with a
//! grid and a repeated header row, attachments on new pages. Fixed properties make the
//! same document the same bytes.

use crate::render::layout::{self, ColumnAlign};
use anyhow::{Context, Result};
use docx_rs::{
    create_footer_rid, create_header_rid, AlignmentType, BreakType, BuildXML,
    CharacterSpacingValues, DocGrid, DocGridType, Docx, FieldCharType, Footer, Header,
    HeaderReference, HeightRule, InstrPAGE, InstrPAGEREF, InstrText, LineSpacing, LineSpacingType,
    PageMargin, PageNumType, PageOrientationType, PageSize, Paragraph, Run, RunFonts,
    SectionProperty, SectionType, SpecialIndentType, Style, StyleType, Table as DocxTable,
    TableCell, TableCellMargins, TableRow, VAlignType, WidthType,
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
/// On a landscape page (same margins) the block is 243 mm wide.
pub const LANDSCAPE_WIDTH: usize = (PAGE_HEIGHT as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
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

/// Characters a body line holds (GB/T 9704 5.2.2).
pub const LINE_CHARS: usize = 28;
/// One character of the grid in twips (156 mm / 28): the unit of GB/T indents, so that
/// an indented first line holds exactly 26 characters.
pub const CHAR_TWIPS: i32 = (TEXT_WIDTH / LINE_CHARS) as i32;
/// Character spacing of every run, in twips (1/20 pt): 16 pt characters set 0.25 pt
/// closer advance 15.75 pt, so 28 fit the 442.25 pt line and 29 do not. A character
/// grid (docGrid linesAndChars, charSpace -842) would do this in Word, but LibreOffice
/// gives a 16 pt character two cells of a 15.8 pt grid (17 characters a line, measured):
/// the grid is a line grid, the 28 characters come from this spacing.
pub const CHAR_CONDENSE: i32 = -5;
/// A 二号 title line holds this width (thousandths of an em): 20 characters.
pub const TITLE_LINE: u32 = (TEXT_WIDTH * 1000 / (SIZE_2 * 10)) as u32;
/// A 三号 subtitle line: the grid's 28 characters, less one for the auto-space between
/// figures and CJK that the estimate may miss.
const SUBTITLE_LINE: u32 = (LINE_CHARS as u32 - 1) * 1000;

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
    /// A table under a title row of its own ("曹玉兰（兴华街道）"), repeated with the
    /// header on every page the table runs onto, so a continuation names whose it is.
    Titled(String, TableBlock),
    /// A bound volume's 目录: one row per part, in order; the renderer adds a 页码 column
    /// of PAGEREF fields to each part's first line (see `render_bound`).
    Contents(TableBlock),
    /// A form filled in by pen (the 述职评议 ballot): no header row, tall rows, boxes.
    Form(FormBlock),
    PageBreak,
}

/// A form's table: every row at least `row_mm` tall (room to write), columns
/// `widths_mm` wide, no header row. Several forms in a row print as one ruled block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormBlock {
    pub rows: Vec<Vec<FormCell>>,
    pub widths_mm: Vec<u32>,
    pub row_mm: u32,
    /// Type size in half-points (小四 24, 三号 32).
    pub size: usize,
}

/// One cell of a form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormCell {
    /// What a field is (黑体, centred).
    Label(String),
    /// A field's printed value (仿宋, left; wraps and the row grows).
    Value(String),
    /// An option beside its box (仿宋, centred).
    Choice(String),
    /// An empty ruled cell to tick: its column's width by the row's height.
    Box,
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

/// Horizontal alignment of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Both,
    Left,
    Center,
    Right,
}

/// The look of a one-run paragraph: everything but its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    font: &'static str,
    size: usize,
    align: Option<Align>,
    /// Exact line spacing in twips.
    line: i32,
    /// The two-character first-line indent of body text.
    first_line: bool,
    left: Option<i32>,
    /// A hanging indent (the first line starts this far left of `left`), with a tab stop
    /// at `left`: a "\t" in the text jumps there, so wrapped lines align under the text
    /// after the tab (an attachment's name after its number).
    hanging: Option<i32>,
    right: Option<i32>,
    keep_next: bool,
    /// Blank lines above, as spacing: LibreOffice ignores "keep with next" on an empty
    /// paragraph, so a blank line inside a kept chain (before the 落款) would break it.
    lines_before: u32,
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
            hanging: None,
            right: None,
            keep_next: false,
            lines_before: 0,
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

    /// `p` (a new paragraph with its id) in this look, holding `text`.
    fn paragraph(&self, p: Paragraph, text: &str) -> Paragraph {
        let mut p = p;
        for (k, part) in text.split('\t').enumerate() {
            if k > 0 {
                p = p.add_run(Run::new().add_tab());
            }
            p = p.add_run(run(part, self.font, self.size));
        }
        if let Some(a) = self.align {
            p = p.align(match a {
                Align::Both => AlignmentType::Both,
                Align::Left => AlignmentType::Left,
                Align::Center => AlignmentType::Center,
                Align::Right => AlignmentType::Right,
            });
        }
        p = p.line_spacing(exact(self.line).before(self.lines_before * self.line as u32));
        if self.first_line || self.left.is_some() || self.right.is_some() {
            let special = match (self.first_line, self.hanging) {
                (_, Some(h)) => Some(SpecialIndentType::Hanging(h)),
                (true, None) => Some(SpecialIndentType::FirstLine(2 * CHAR_TWIPS)),
                (false, None) => None,
            };
            p = p.indent(self.left, special, self.right, None);
        }
        if let (Some(left), Some(_)) = (self.left, self.hanging) {
            p = p.add_tab(
                docx_rs::Tab::new()
                    .val(docx_rs::TabValueType::Left)
                    .pos(left.max(0) as usize),
            );
        }
        if self.keep_next {
            p = p.keep_next(true);
        }
        // Only body-size text sits on the character grid: a title or a table's smaller
        // type would otherwise be spread to the grid's pitch.
        if self.size != SIZE_3 {
            p = p.snap_to_grid(false);
        }
        p
    }
}

fn page_break(p: Paragraph) -> Paragraph {
    p.add_run(Run::new().add_break(BreakType::Page))
}

/// Column widths in twips that fill the text block, from the content (see
/// `layout::plan_table`).
pub fn column_widths(t: &TableBlock) -> Vec<usize> {
    layout::plan_table(&t.headers, &t.rows, TEXT_WIDTH, &t.widths).widths
}

/// A run of one or more lines, broken by line breaks (a wrapped table header), in the
/// paragraph's own font and size.
fn lines_run_plain(lines: &[String]) -> Run {
    let mut r = Run::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(l);
    }
    r
}

/// The same in a given font and size (written only where they differ from the
/// document defaults).
fn lines_run(lines: &[String], font: &str, size: usize) -> Run {
    let mut r = lines_run_plain(lines);
    if font != FONT_BODY {
        r = r.fonts(fonts(font));
    }
    if size != SIZE_3 {
        r = r.size(size);
    }
    r
}

/// Exact line height of table text: 五号 15 pt, 小五 13 pt.
fn cell_line(size: usize) -> i32 {
    (size as i32 * 10 * 10 / 7).min(300)
}

/// The paragraph style of table text (`header`: the column headers, 黑体 centred) in
/// `size`: off the character grid, exact line height. Every table cell uses one of
/// these, so that a cell's XML carries only its text, width and alignment: an
/// archive's `document.xml` is about a third smaller and quicker to build than with
/// the font, size and spacing written into every cell.
fn table_style_id(size: usize, header: bool) -> String {
    format!("lvzhiTable{}{size}", if header { "Head" } else { "Text" })
}

/// The table text styles of every size a table plan may choose.
fn table_styles() -> Vec<Style> {
    let mut styles = Vec::new();
    for size in layout::TABLE_SIZES {
        for header in [false, true] {
            let name = format!(
                "表格{}（{}）",
                if header { "表头" } else { "文字" },
                if size == SIZE_5 { "五号" } else { "小五" }
            );
            let mut s = Style::new(table_style_id(size, header), StyleType::Paragraph)
                .name(name)
                .size(size)
                .snap_to_grid(false)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(cell_line(size)),
                );
            s = if header {
                s.fonts(fonts(FONT_HEI)).align(AlignmentType::Center)
            } else {
                s.align(AlignmentType::Left)
            };
            styles.push(s);
        }
    }
    styles
}

/// A table cell in its table style, aligned by its column, kept with the next row
/// when asked (the row above a 合计 row, the last row before the 落款).
fn cell(
    p: Paragraph,
    lines: &[String],
    width: usize,
    size: usize,
    align: ColumnAlign,
    header: bool,
    keep_next: bool,
) -> TableCell {
    let mut p = p
        .style(&table_style_id(size, header))
        .add_run(lines_run_plain(lines));
    // The style aligns headers centred and text left; other alignments are the cell's.
    match align {
        _ if header => {}
        ColumnAlign::Left => {}
        ColumnAlign::Center => p = p.align(AlignmentType::Center),
        ColumnAlign::Right => p = p.align(AlignmentType::Right),
    }
    if keep_next {
        p = p.keep_next(true);
    }
    TableCell::new()
        .add_paragraph(p)
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

/// The header row's properties as docx-rs writes them, and with the repeat-header flag
/// (`w:tblHeader`), which docx-rs 0.4 has no builder for: added to `word/document.xml`
/// after building. Every row is `cantSplit`; only header rows carry this minimum
/// height, which marks them (cell text cannot hold the mark: docx-rs escapes `<`). A
/// test checks the flag is there.
const HEADER_ROW_HEIGHT: f32 = 397.0;
const HEADER_ROW_MARK: &str = "<w:cantSplit /><w:trHeight w:val=\"397\" w:hRule=\"atLeast\" />";
const HEADER_ROW_XML: &str =
    "<w:cantSplit /><w:trHeight w:val=\"397\" w:hRule=\"atLeast\" /><w:tblHeader />";

fn heading(level: u8) -> Look {
    let font = match level {
        1 => FONT_HEI,
        2 => FONT_KAI,
        _ => FONT_BODY,
    };
    Look::body(font).kept_with_next()
}

/// A top-level element of a document's body.
enum Child {
    Paragraph(Box<Paragraph>),
    Table(Box<DocxTable>),
}

/// A document being built through docx-rs.
///
/// Paragraph ids (`w14:paraId`) are numbered here in document order, footers first
/// and a volume part's running heads where the part starts: docx-rs draws them from a
/// per-thread counter that runs on from one document to the next, so the same document
/// would get other ids on another thread.
struct Writer {
    children: Vec<Child>,
    next_id: u32,
    footers: (Footer, Footer),
    /// A bookmark (id, name) for the next paragraph: the first line of a volume's part.
    bookmark: Option<(usize, String)>,
    /// Page numbers start at 1 in the next section that ends (a volume's body after
    /// its cover).
    number_from_one: bool,
    /// The document holds fields Word and WPS should update on opening (a 目录).
    has_fields: bool,
    /// The last section (the document's own) is landscape: a wide last attachment.
    final_landscape: bool,
    /// Nothing follows the last section break yet (a page break would add a blank page).
    section_ended: bool,
    /// The header parts, `header{n}.xml` being `headers[n - 1]` (see `pack`).
    headers: Vec<Header>,
    /// The running head of the sections from here on (a volume's part): the numbers of
    /// its odd- and even-page header parts.
    head: Option<(usize, usize)>,
    /// The next section that ends starts on an odd page (a volume's part, for binding
    /// printed on both sides: Word, WPS and LibreOffice insert the blank page).
    odd_start: bool,
    /// The next paragraph starts a new page.
    break_pending: bool,
}

impl Writer {
    fn new() -> Writer {
        let mut w = Writer {
            children: Vec::new(),
            next_id: 1,
            footers: (Footer::new(), Footer::new()),
            bookmark: None,
            number_from_one: false,
            has_fields: false,
            final_landscape: false,
            section_ended: false,
            break_pending: false,
            headers: Vec::new(),
            head: None,
            odd_start: false,
        };
        let odd = page_number(w.new_paragraph(), true);
        let even = page_number(w.new_paragraph(), false);
        w.footers = (odd, even);
        w
    }

    /// An empty paragraph with the next id.
    fn new_paragraph(&mut self) -> Paragraph {
        let id = format!("{:08x}", self.next_id);
        self.next_id += 1;
        Paragraph::new().id(id)
    }

    fn paragraph(&mut self, look: Look, text: &str) {
        let mut p = self.new_paragraph();
        let bookmark = self.bookmark.take();
        if let Some((id, name)) = &bookmark {
            p = p.add_bookmark_start(*id, name.as_str());
        }
        let mut p = look.paragraph(p, text);
        // A page break is the next paragraph's "page break before": a paragraph holding
        // only a break would make a blank page after a full one.
        if std::mem::take(&mut self.break_pending) {
            p = p.page_break_before(true);
        }
        if let Some((id, _)) = bookmark {
            p = p.add_bookmark_end(id);
        }
        self.children.push(Child::Paragraph(Box::new(p)));
        self.section_ended = false;
    }

    /// The empty paragraph that ends a section: 0.7 pt high and off the grid, so that
    /// after a full page it does not make a page of its own (Word lays it out;
    /// LibreOffice drops it).
    fn section_break(&mut self, sect: SectionProperty) -> Paragraph {
        self.new_paragraph()
            .line_spacing(exact(SECTION_BREAK_LINE))
            .snap_to_grid(false)
            .section_property(sect)
    }

    /// Ends the section so far (a volume's cover and 目录): the same page, no footer,
    /// so no page number; the next section starts on a new page.
    fn end_unnumbered_section(&mut self) {
        let sect = SectionProperty::new()
            .page_size(PageSize::new().size(PAGE_WIDTH, PAGE_HEIGHT))
            .page_margin(page_margin())
            .doc_grid(grid());
        let p = self.section_break(sect);
        self.children.push(Child::Paragraph(Box::new(p)));
        self.section_ended = true;
        // The section break starts the new page.
        self.break_pending = false;
    }

    /// Ends the section so far with the page numbers in its footers, upright or
    /// landscape: a table too wide for the upright page gets a landscape section of its
    /// own. The footer parts are the document's (docx-rs numbers them 1 and 2 in the
    /// order they are added, see `docx`).
    fn end_section(&mut self, landscape: bool) {
        let size = if landscape {
            PageSize::new()
                .size(PAGE_HEIGHT, PAGE_WIDTH)
                .orient(PageOrientationType::Landscape)
        } else {
            PageSize::new().size(PAGE_WIDTH, PAGE_HEIGHT)
        };
        let mut sect = SectionProperty::new()
            .page_size(size)
            .page_margin(page_margin())
            .doc_grid(grid())
            .footer(Footer::new(), &create_footer_rid(1))
            .even_footer(Footer::new(), &create_footer_rid(2));
        if std::mem::take(&mut self.number_from_one) {
            sect = sect.page_num_type(PageNumType::new().start(1));
        }
        self.head_and_start(&mut sect);
        let p = self.section_break(sect);
        self.children.push(Child::Paragraph(Box::new(p)));
        self.section_ended = true;
        // The section break starts the new page.
        self.break_pending = false;
    }

    /// Starts a volume's part under its own running head, on an odd page: the section
    /// ending next starts on an odd page, and every section from here on carries `head`.
    fn start_part(&mut self, head: &str) {
        let odd = running_head(self.new_paragraph(), head, true);
        let even = running_head(self.new_paragraph(), head, false);
        self.headers.push(odd);
        self.headers.push(even);
        let n = self.headers.len();
        self.head = Some((n - 1, n));
        self.odd_start = true;
    }

    /// The running head's header references and an odd-page start, when due, on the
    /// properties of the section that ends now.
    fn head_and_start(&mut self, sect: &mut SectionProperty) {
        if let Some((odd, even)) = self.head {
            // References only: the parts themselves are the document's (see `pack`).
            sect.header_reference = Some(HeaderReference::new("default", create_header_rid(odd)));
            sect.even_header_reference =
                Some(HeaderReference::new("even", create_header_rid(even)));
        }
        if std::mem::take(&mut self.odd_start) {
            sect.section_type = Some(SectionType::OddPage);
        }
    }

    fn page_break(&mut self) {
        // A section break already starts a new page.
        if !self.section_ended {
            self.break_pending = true;
        }
    }

    /// A pending page break that no paragraph can carry (a table comes next, or the
    /// end): a paragraph holding the break.
    fn flush_page_break(&mut self) {
        if std::mem::take(&mut self.break_pending) {
            let p = page_break(self.new_paragraph());
            self.children.push(Child::Paragraph(Box::new(p)));
        }
    }

    /// A table laid out from its content; `keep_end` keeps its last row with what
    /// follows (the 落款).
    ///
    /// With `page_refs` (a 目录) a 页码 column is added, row k referring to part k.
    fn table(
        &mut self,
        t: &TableBlock,
        banner: Option<&str>,
        keep_end: bool,
        page_refs: bool,
        width: usize,
        plan: Option<layout::TablePlan>,
    ) {
        let with_pages;
        let t = if page_refs {
            let mut c = t.clone();
            c.headers.push("页码".to_string());
            // Measured as a three-digit page number.
            for r in &mut c.rows {
                r.push("000".to_string());
            }
            if !c.widths.is_empty() {
                c.widths.push(2);
            }
            with_pages = c;
            &with_pages
        } else {
            t
        };
        self.flush_page_break();
        // Two tables back to back are one table to Word and LibreOffice (the second's
        // header rows would repeat the first's): a short empty line keeps them apart.
        if matches!(self.children.last(), Some(Child::Table(_))) {
            let gap = Look {
                line: LINE_TWIPS / 2,
                ..Look::plain(FONT_BODY, SIZE_5)
            };
            self.paragraph(gap, "");
        }
        let plan =
            plan.unwrap_or_else(|| layout::plan_table(&t.headers, &t.rows, width, &t.widths));
        self.has_fields |= page_refs;
        // A table of labels and values (an archive's 基本信息) has no column headers: no
        // header row of blanks.
        let headed = t.headers.iter().any(|h| !h.trim().is_empty());
        let cells: Vec<TableCell> = if headed {
            plan.headers
                .iter()
                .zip(&plan.widths)
                .zip(&plan.aligns)
                .map(|((lines, w), a)| {
                    // Heading rows keep with the first row: never alone at a page foot.
                    cell(self.new_paragraph(), lines, *w, plan.size, *a, true, true)
                })
                .collect()
        } else {
            Vec::new()
        };
        let header_row = |cells| {
            TableRow::new(cells)
                .cant_split()
                .row_height(HEADER_ROW_HEIGHT)
                .height_rule(HeightRule::AtLeast)
        };
        let mut rows = Vec::with_capacity(t.rows.len() + 2);
        if let Some(title) = banner {
            // One cell across the grid, marked as a header row like the column headers.
            let total = plan.widths.iter().sum();
            let lines = [title.to_string()];
            let c = cell(
                self.new_paragraph(),
                &lines,
                total,
                plan.size,
                ColumnAlign::Center,
                true,
                true,
            )
            .grid_span(plan.widths.len());
            rows.push(header_row(vec![c]));
        }
        if headed {
            rows.push(header_row(cells));
        }
        for (k, r) in t.rows.iter().enumerate() {
            // The first two rows stay together (no table starts with one row at a page
            // foot), and so do the last two (none ends with one row on a page of its
            // own); a 合计 row stays with the rows above, the last with what follows.
            // Under a 合计 row, two data rows go with it.
            let tail = if t.rows.last().is_some_and(|r| layout::is_total_row(r)) {
                3
            } else {
                2
            };
            let keep = match t.rows.get(k + 1) {
                Some(next) => k == 0 || k + tail >= t.rows.len() || layout::is_total_row(next),
                None => keep_end,
            };
            let cells = plan
                .widths
                .iter()
                .zip(&plan.aligns)
                .enumerate()
                .map(|(i, (w, a))| {
                    let p = self.new_paragraph();
                    if page_refs && i + 1 == plan.widths.len() {
                        return page_ref_cell(p, &part_bookmark(k), *w, plan.size, keep);
                    }
                    let text = r.get(i).map_or("", |s| s.as_str());
                    let lines = [text.to_string()];
                    cell(p, &lines, *w, plan.size, *a, false, keep)
                })
                .collect();
            rows.push(TableRow::new(cells).cant_split());
        }
        let table = DocxTable::new(rows)
            .set_grid(plan.widths)
            .width(width, WidthType::Dxa)
            .margins(TableCellMargins::new().margin(0, layout::CELL_MARGIN, 0, layout::CELL_MARGIN))
            .align(docx_rs::TableAlignmentType::Center);
        self.children.push(Child::Table(Box::new(table)));
        self.section_ended = false;
    }

    /// A form's table: no header row, every row `cantSplit` and at least `row_mm` tall.
    fn form(&mut self, f: &FormBlock) {
        self.flush_page_break();
        let widths: Vec<usize> = f.widths_mm.iter().map(|w| mm(*w) as usize).collect();
        // Line spacing 1.25 × the type size, exact: the text sits centred in the row.
        let line = (f.size * 10 * 5 / 4) as i32;
        let mut rows = Vec::new();
        for r in &f.rows {
            let cells = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| {
                    let (text, font, align) = match c {
                        FormCell::Label(t) => (t.as_str(), FONT_HEI, AlignmentType::Center),
                        FormCell::Value(t) => (t.as_str(), FONT_BODY, AlignmentType::Left),
                        FormCell::Choice(t) => (t.as_str(), FONT_BODY, AlignmentType::Center),
                        FormCell::Box => ("", FONT_BODY, AlignmentType::Center),
                    };
                    let p = self
                        .new_paragraph()
                        .add_run(lines_run(&[text.to_string()], font, f.size))
                        .align(align)
                        .snap_to_grid(false)
                        .line_spacing(
                            LineSpacing::new()
                                .line_rule(LineSpacingType::Exact)
                                .line(line),
                        );
                    TableCell::new()
                        .add_paragraph(p)
                        .width(*w, WidthType::Dxa)
                        .vertical_align(VAlignType::Center)
                })
                .collect();
            rows.push(
                TableRow::new(cells)
                    .cant_split()
                    .row_height(mm(f.row_mm) as f32)
                    .height_rule(HeightRule::AtLeast),
            );
        }
        let width = widths.iter().sum();
        let table = DocxTable::new(rows)
            .set_grid(widths)
            .width(width, WidthType::Dxa)
            .margins(TableCellMargins::new().margin(0, layout::CELL_MARGIN, 0, layout::CELL_MARGIN))
            .align(docx_rs::TableAlignmentType::Center);
        self.children.push(Child::Table(Box::new(table)));
        self.section_ended = false;
    }

    /// A title: each given line broken at word boundaries into a trapezoid or diamond.
    fn title(&mut self, text: &str) {
        for given in text.lines() {
            for line in layout::break_title(given, TITLE_LINE) {
                self.paragraph(
                    Look::centered(FONT_TITLE, SIZE_2, 700).kept_with_next(),
                    &line,
                );
            }
        }
    }

    /// The blocks in order; with `keep_end` the last keeps with what follows (the 落款
    /// with the last body paragraph, GB/T 9704 7.3.5).
    ///
    /// A table that does not fit the upright page even in 小五 goes, with its caption,
    /// into a landscape section of its own.
    fn blocks(&mut self, blocks: &[Block], keep_end: bool) {
        self.blocks_in(blocks, keep_end, TEXT_WIDTH)
    }

    /// The blocks in a text block `width` wide (upright or landscape).
    fn blocks_in(&mut self, blocks: &[Block], keep_end: bool, width: usize) {
        let upright = width == TEXT_WIDTH;
        // Each table planned once for the upright page: the plan says whether it needs
        // a landscape page, and is the one it is laid out with if not.
        let mut plans: Vec<Option<layout::TablePlan>> = blocks
            .iter()
            .map(|b| match b {
                Block::Table(t) | Block::Titled(_, t) if upright => Some(layout::plan_table(
                    &t.headers, &t.rows, TEXT_WIDTH, &t.widths,
                )),
                _ => None,
            })
            .collect();
        let wide = |plans: &[Option<layout::TablePlan>], k: usize| {
            plans
                .get(k)
                .and_then(Option::as_ref)
                .is_some_and(|p| p.too_wide)
        };
        for (i, b) in blocks.iter().enumerate() {
            let keep = keep_end && i + 1 == blocks.len();
            let this_wide = wide(&plans, i);
            let captioned = i > 0 && matches!(blocks[i - 1], Block::Centered(_));
            if (matches!(b, Block::Centered(_)) && wide(&plans, i + 1)) || (this_wide && !captioned)
            {
                self.end_section(false);
            }
            // A sentence leading into a table stays on the table's page, and so does one
            // before a note that leads into it (the archive's A–D note).
            let table_at =
                |k: usize| matches!(blocks.get(k), Some(Block::Table(_) | Block::Titled(..)));
            let leads_in = table_at(i + 1)
                || (matches!(blocks.get(i + 1), Some(Block::Para(_))) && table_at(i + 2));
            let kept = |look: Look| {
                if keep || leads_in {
                    look.kept_with_next()
                } else {
                    look
                }
            };
            match b {
                Block::Heading(l, t) => self.paragraph(heading(*l), t),
                Block::Para(t) => self.paragraph(kept(Look::body(FONT_BODY)), t),
                Block::Title(t) => self.title(t),
                Block::Flush(t) => {
                    self.paragraph(kept(Look::plain(FONT_BODY, SIZE_3).aligned(Align::Left)), t)
                }
                Block::Centered(t) => self.paragraph(
                    Look::centered(FONT_BODY, SIZE_3, LINE_TWIPS).kept_with_next(),
                    t,
                ),
                Block::Table(t) if this_wide => {
                    self.table(t, None, false, false, LANDSCAPE_WIDTH, None);
                    self.end_section(true);
                }
                Block::Table(t) => self.table(t, None, keep, false, width, plans[i].take()),
                Block::Titled(title, t) => {
                    self.table(t, Some(title), keep, false, width, plans[i].take())
                }
                Block::Contents(t) => self.table(t, None, keep, true, TEXT_WIDTH, None),
                Block::Form(f) => self.form(f),
                Block::PageBreak => self.page_break(),
            }
        }
    }

    /// A document's content in order: title, body, attachment list, signature,
    /// attachments.
    fn content(&mut self, d: &Document) {
        let blank = Look::plain(FONT_BODY, SIZE_3);
        if d.print_title {
            self.title(&d.title);
            // A long subtitle (the meeting a report is given at) breaks between words,
            // the meeting's name whole, like a title.
            for given in d.subtitle.iter().flat_map(|s| s.lines()) {
                for line in layout::break_title(given, SUBTITLE_LINE) {
                    self.paragraph(Look::centered(FONT_KAI, SIZE_3, LINE_TWIPS), &line);
                }
            }
            self.paragraph(blank, "");
        }
        let signed = d.signature.is_some();
        let tail = |look: Look| if signed { look.kept_with_next() } else { look };
        self.blocks(&d.body, signed);
        if !d.attachments.is_empty() {
            for (i, a) in d.attachments.iter().enumerate() {
                // "附件：" then the number, then a tab to where every attachment's
                // name starts: wrapped lines of a long name align under the name, not
                // under its number (GB/T 9704 8.2, 回行时与上一行附件名称对齐).
                let label = if d.attachments.len() == 1 {
                    format!("附件：{}", a.title)
                } else if i == 0 {
                    format!("附件：{}.\t{}", i + 1, a.title)
                } else {
                    format!("{}.\t{}", i + 1, a.title)
                };
                let name_at = if d.attachments.len() == 1 {
                    5 * CHAR_TWIPS
                } else {
                    ATTACHMENT_NAME_AT
                };
                let first_line_at = if i == 0 {
                    2 * CHAR_TWIPS
                } else {
                    5 * CHAR_TWIPS
                };
                let look = Look {
                    left: Some(name_at),
                    hanging: Some(name_at - first_line_at),
                    lines_before: u32::from(i == 0),
                    ..Look::plain(FONT_BODY, SIZE_3)
                };
                self.paragraph(tail(look), &label);
            }
        }
        if let Some((org, date)) = &d.signature {
            // Two blank lines (as spacing, see `Look::lines_before`), the 落款 and the
            // 成文日期, the 落款 keeping with the date and the last body line with the
            // 落款, so the signature never stands alone on a page.
            for (text, chars, keep, before) in [(org, 2, true, 2), (date, 4, false, 0)] {
                let look = Look {
                    right: Some(chars * CHAR_TWIPS),
                    keep_next: keep,
                    lines_before: before,
                    ..Look::plain(FONT_BODY, SIZE_3).aligned(Align::Right)
                };
                self.paragraph(look, text);
            }
        }
        for (i, a) in d.attachments.iter().enumerate() {
            // An attachment holding a table too wide for the upright page is printed
            // on landscape pages, label and title included.
            let wide = a.blocks.iter().any(too_wide);
            if wide {
                self.end_section(false);
            } else {
                self.page_break();
            }
            // One attachment is "附件", several are numbered (GB/T 9704 8.2).
            let label = if d.attachments.len() == 1 {
                "附件".to_string()
            } else {
                format!("附件{}", i + 1)
            };
            self.paragraph(Look::plain(FONT_HEI, SIZE_3).kept_with_next(), &label);
            self.paragraph(blank.kept_with_next(), "");
            self.title(&a.title);
            self.paragraph(blank.kept_with_next(), "");
            if wide {
                self.blocks_in(&a.blocks, false, LANDSCAPE_WIDTH);
                if i + 1 < d.attachments.len() {
                    self.end_section(true);
                } else {
                    // The last section: the document's own, made landscape.
                    self.final_landscape = true;
                }
            } else {
                self.blocks(&a.blocks, false);
            }
        }
    }

    /// The docx-rs document: page setup, default fonts, footers and the content.
    fn docx(mut self) -> Docx {
        let (odd, even) = std::mem::replace(&mut self.footers, (Footer::new(), Footer::new()));
        let number_from_one = self.number_from_one;
        let final_landscape = self.final_landscape;
        let doc = Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(page_margin())
            .default_fonts(fonts(FONT_BODY))
            .default_size(SIZE_3)
            .created_at(FIXED_TIME)
            .updated_at(FIXED_TIME)
            .footer(odd)
            .even_footer(even);
        let doc = table_styles()
            .into_iter()
            .fold(doc, |doc, s| doc.add_style(s));
        // The 22-line grid, through the public `document` field (docx-rs 0.4 has no
        // `Docx::doc_grid`).
        let mut doc = doc;
        doc.document = doc.document.doc_grid(grid());
        if number_from_one {
            doc = doc.page_num_type(PageNumType::new().start(1));
        }
        if final_landscape {
            doc = doc
                .page_size(PAGE_HEIGHT, PAGE_WIDTH)
                .page_orient(PageOrientationType::Landscape);
        }
        // The last section is the document's own: the last part's running head.
        self.head_and_start(&mut doc.document.section_property);
        // The header parts by number, filled in after building (see `pack`).
        for _ in 0..self.headers.len() {
            doc.content_type = doc.content_type.add_header();
        }
        doc.document_rels.header_count = self.headers.len();
        // Every character 0.25 pt closer (15.75 pt a 三号 character) and punctuation
        // never compressed: exactly 28 characters fill the 156 mm line in Word, WPS and
        // LibreOffice alike.
        let mut doc = doc.default_spacing(CHAR_CONDENSE);
        doc.settings = doc
            .settings
            .character_spacing_control(CharacterSpacingValues::DoNotCompress);
        self.children.into_iter().fold(doc, |doc, c| match c {
            Child::Paragraph(p) => doc.add_paragraph(*p),
            Child::Table(t) => doc.add_table(*t),
        })
    }

    /// The package as docx-rs builds and packs it (parts stored uncompressed), with the
    /// document's title and author in its properties.
    fn pack(mut self, d: &Document) -> Result<Vec<u8>> {
        self.flush_page_break();
        let self_has_fields = self.has_fields;
        // docx-rs writes the header parts it collects sorted by rId as text
        // ("rIdHeader10" before "rIdHeader2"), so with ten or more a section would show
        // another's: the parts are written here in their number's order instead, each
        // as docx-rs builds it, and docx-rs collects none (the sections only refer).
        let headers: Vec<Vec<u8>> = self.headers.iter().map(|h| h.build()).collect();
        let mut xml = self.docx().build();
        anyhow::ensure!(xml.headers.is_empty(), "docx-rs collected a header part");
        xml.headers = headers;
        // docx-rs writes UTF-8; a table-less document has no header row to mark.
        let document = String::from_utf8(std::mem::take(&mut xml.document))
            .context("docx-rs 生成的文档不是 UTF-8")?;
        xml.document = if document.contains(HEADER_ROW_MARK) {
            document.replace(HEADER_ROW_MARK, HEADER_ROW_XML)
        } else {
            document
        }
        .into_bytes();
        xml.doc_props.core = core_xml(d, &xml.doc_props.core);
        if self_has_fields {
            let settings = String::from_utf8_lossy(&xml.settings).into_owned();
            if let Some(at) = settings.find("<w:compat>") {
                xml.settings =
                    format!("{}{UPDATE_FIELDS}{}", &settings[..at], &settings[at..]).into_bytes();
            }
        }
        let mut packed = std::io::Cursor::new(Vec::new());
        xml.pack(&mut packed).context("生成 Word 文件时出错")?;
        Ok(packed.into_inner())
    }

    /// The DOCX bytes: docx-rs's package with every part deflated.
    fn finish(self, d: &Document) -> Result<Vec<u8>> {
        super::package::repack(&self.pack(d)?).context("压缩 Word 文件时出错")
    }
}

/// The height of a section's closing paragraph in twips: 0.7 pt, the least Word
/// sets; a page of 22 grid lines leaves 0.9 pt.
const SECTION_BREAK_LINE: i32 = 14;

/// Where an attachment's name starts in the body's list of several: two characters
/// in, "附件：" (three) and the number with its point (a character and a half).
const ATTACHMENT_NAME_AT: i32 = 6 * CHAR_TWIPS + CHAR_TWIPS / 2;

/// The page number as "— 1 —": 四号, dashes in 宋体, the PAGE field in Times New Roman.
fn page_number(p: Paragraph, odd: bool) -> Footer {
    let dash = |s: &str| run(s, FONT_SONG, SIZE_4);
    let field = |r: Run| r.fonts(fonts(FONT_SONG)).size(SIZE_4);
    let p = p
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

/// Whether a block is a table that does not fit the upright page even in 小五.
fn too_wide(b: &Block) -> bool {
    match b {
        Block::Table(t) | Block::Titled(_, t) => {
            layout::plan_table(&t.headers, &t.rows, TEXT_WIDTH, &t.widths).too_wide
        }
        _ => false,
    }
}

/// The GB/T margins, with the footer 7 mm below the text block.
fn page_margin() -> PageMargin {
    PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT)
        .header(mm(15))
        .footer(mm(23))
        .gutter(0)
}

/// The bookmark on the first line of a volume's part `k` (0-based).
fn part_bookmark(k: usize) -> String {
    format!("_lvzhi_part_{}", k + 1)
}

/// A 目录 cell holding the page number of a part: a PAGEREF field, right-aligned.
/// LibreOffice computes it when it lays the volume out; Word and WPS update it when the
/// document asks them to on opening (`w:updateFields`, see `UPDATE_FIELDS`). Its stored
/// result is a dash until then, never a guessed number.
fn page_ref_cell(p: Paragraph, bookmark: &str, width: usize, size: usize, keep: bool) -> TableCell {
    let p = p
        .style(&table_style_id(size, false))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(
            Run::new().add_instr_text(InstrText::PAGEREF(InstrPAGEREF::new(bookmark).hyperlink())),
        )
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("—"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .align(AlignmentType::Right)
        .keep_next(keep);
    TableCell::new()
        .add_paragraph(p)
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

/// Asks Word and WPS to update the fields (the 目录's page numbers) when the document
/// opens; docx-rs 0.4 has no builder for it, so it is added to `word/settings.xml`.
const UPDATE_FIELDS: &str = "<w:updateFields w:val=\"true\" />";

/// The line grid: 22 lines a page (the 28 characters come from `CHAR_CONDENSE`).
fn grid() -> DocGrid {
    DocGrid::new()
        .grid_type(DocGridType::Lines)
        .line_pitch(LINE_TWIPS as usize)
}

/// The fixed timestamp of every document: the same input gives the same bytes.
pub const FIXED_TIME: &str = "2000-01-01T00:00:00Z";

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// docx-rs's `docProps/core.xml` with the document's title and author, which docx-rs
/// 0.4 has no builder for (it writes "unknown").
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

/// Appends the sheets a document's text cites ("见附表", or "见附件" in a document
/// without attachments of its own) as its attachments, so the Word file holds the
/// appendix it refers to: each visible sheet becomes an attachment titled by the
/// sheet's title, its table and notes below. Nothing changes when the text cites
/// neither, when there are no sheets, or when an attachment of that title is already
/// there.
pub fn append_cited_sheets(doc: &mut Document, sheets: &[crate::render::xlsx::Table]) {
    // "见附件" in a document without attachments of its own means its sheets too: a
    // document with attachments cites those.
    let own = doc.attachments.is_empty();
    let cites = doc.body.iter().any(|b| match b {
        Block::Para(t) | Block::Flush(t) => t.contains("附表") || (own && t.contains("见附件")),
        _ => false,
    });
    if !cites {
        return;
    }
    // Tables already in the Word file or in an earlier sheet: a sheet whose rows are all
    // there (the document's own list, the same list cut by group) is no appendix.
    let mut seen: Vec<(Vec<String>, Vec<Vec<String>>)> = doc
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) | Block::Titled(_, t) => Some((t.headers.clone(), t.rows.clone())),
            _ => None,
        })
        .collect();
    let title = doc.title.replace('\n', "");
    for sheet in sheets.iter().filter(|s| !s.hidden && !s.headers.is_empty()) {
        let name = sheet.title.clone().unwrap_or_else(|| sheet.sheet.clone());
        let rows: Vec<Vec<String>> = sheet
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text()).collect())
            .collect();
        let repeated = seen
            .iter()
            .any(|(h, rs)| *h == sheet.headers && rows.iter().all(|r| rs.contains(r)));
        let skip = repeated
            || rows.is_empty()
            || name == title
            || doc.attachments.iter().any(|a| a.title == name);
        seen.push((sheet.headers.clone(), rows.clone()));
        if skip {
            continue;
        }
        let title = name;
        let mut blocks = vec![Block::Table(TableBlock {
            headers: sheet.headers.clone(),
            rows,
            widths: Vec::new(),
        })];
        blocks.extend(sheet.notes.iter().map(|n| Block::Para(n.clone())));
        doc.attachments.push(Attachment { title, blocks });
    }
}

/// Renders a document to DOCX bytes.
pub fn render(d: &Document) -> Result<Vec<u8>> {
    let mut w = Writer::new();
    // Forms filled in by pen (the 述职评议 ballots, one sheet each) carry no page number.
    if d.body.iter().any(|b| matches!(b, Block::Form(_))) {
        w.footers = (Footer::new(), Footer::new());
    }
    w.content(d);
    w.finish(d)
}

/// One delegate's archive in a bound volume, under its running head.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The line at the head of every page of the part ("履职档案　张三（D012）").
    pub head: String,
    pub document: Document,
}

/// Renders a bound volume (装订成册) as one document: the cover document's content, then
/// each part's content, page numbers running through the volume.
///
/// The cover (and its 目录) form a section of their own without page numbers or head;
/// the numbers start at 1 on the first part and run on to the end. Each part starts on
/// an odd page (a section break of type oddPage: Word, WPS and LibreOffice add a blank
/// page before it when needed) and its sections carry its running head, odd and even
/// pages each a header part of their own. Each part's first line carries a bookmark the
/// 目录's PAGEREF fields point to.
pub fn render_bound(cover: &Document, parts: &[Part]) -> Result<Vec<u8>> {
    let mut w = Writer::new();
    w.content(cover);
    w.end_unnumbered_section();
    w.number_from_one = true;
    for (k, p) in parts.iter().enumerate() {
        if k > 0 {
            // The section break ends the previous part under its own head (landscape
            // when it ends on a wide attachment).
            let landscape = std::mem::take(&mut w.final_landscape);
            w.end_section(landscape);
        }
        w.start_part(&p.head);
        w.bookmark = Some((k + 1, part_bookmark(k)));
        w.content(&p.document);
    }
    w.finish(cover)
}

/// Letters sent one by one (提醒函) after the office's cover list: each starts on a new
/// page, and no page carries a number (a letter's recipient would see "— 7 —").
pub fn render_letters(cover: &Document, letters: &[Document]) -> Result<Vec<u8>> {
    let mut w = Writer::new();
    w.footers = (Footer::new(), Footer::new());
    w.content(cover);
    w.end_unnumbered_section();
    for (k, p) in letters.iter().enumerate() {
        if k > 0 {
            w.page_break();
        }
        w.bookmark = Some((k + 1, part_bookmark(k)));
        w.content(p);
    }
    w.finish(cover)
}

/// A volume part's running head: 小四 仿宋 at the outer edge (right on odd pages, left
/// on even, like the page number), so that a page holding only a table's tail still
/// names its delegate once bound.
fn running_head(p: Paragraph, text: &str, odd: bool) -> Header {
    let look = Look {
        line: 360,
        ..Look::plain(FONT_BODY, SIZE_SMALL_4).aligned(if odd { Align::Right } else { Align::Left })
    };
    Header::new().add_paragraph(look.paragraph(p, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

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

    /// The post-step changes only the compression: the recompressed package has docx-rs's
    /// entries in docx-rs's order with the same contents, every part deflated, and the
    /// same bytes every time.
    #[test]
    fn recompressed_docx_has_the_parts_and_contents_of_docx_rs_own_pack() {
        let d = sample_document();
        let packed = {
            let mut w = Writer::new();
            w.content(&d);
            w.pack(&d).expect("pack")
        };
        let ours = super::super::package::repack(&packed).expect("recompress");
        let theirs_parts = super::super::zip_parts(&packed);
        let ours_parts = super::super::zip_parts(&ours);
        assert_eq!(ours_parts, theirs_parts);
        assert!(theirs_parts.iter().any(|(n, _)| n == "word/document.xml"));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ours.as_slice())).expect("zip");
        for i in 0..zip.len() {
            let f = zip.by_index(i).expect("entry");
            if !f.is_dir() {
                assert_eq!(f.compression(), zip::CompressionMethod::Deflated);
            }
        }
        assert!(
            ours.len() * 3 < packed.len(),
            "{} vs {}",
            ours.len(),
            packed.len()
        );
        assert_eq!(
            ours,
            super::super::package::repack(&packed).expect("recompress")
        );
        assert_eq!(ours, render(&d).expect("render"));
    }

    /// docx-rs has no builder for the repeated header row or the title and author: they
    /// are added after building, and a docx-rs upgrade that changes its output fails here.
    #[test]
    fn header_rows_repeat_and_properties_name_the_document() {
        let d = sample_document();
        let p = parts(&render(&d).expect("render"));
        let doc = String::from_utf8_lossy(&p["word/document.xml"]).into_owned();
        assert_eq!(doc.matches("<w:tblHeader />").count(), 3);
        assert_eq!(doc.matches("<w:tbl>").count(), 3);
        assert!(doc.contains("走访选民 &amp; 收集意见"));
        let core = String::from_utf8_lossy(&p["docProps/core.xml"]).into_owned();
        assert!(
            core.contains("<dc:title>示范区人大代表履职档案</dc:title>"),
            "{core}"
        );
        assert!(core.contains("<dc:creator>示范区人大常委会代表联络室</dc:creator>"));
        assert!(core.contains(FIXED_TIME));
    }

    /// A table of labels and values (all headers blank) has no header row: every row is
    /// a body row, none repeats on a new page.
    #[test]
    fn a_table_without_headers_has_no_header_row() {
        let mut d = sample_document();
        d.attachments.clear();
        d.body = vec![Block::Table(TableBlock::new(
            &["", "", "", ""],
            vec![
                vec![
                    "姓名".into(),
                    "张三".into(),
                    "代表编号".into(),
                    "D001".into(),
                ],
                vec!["性别".into(), "男".into(), "民族".into(), "汉族".into()],
            ],
            &[4, 8, 4, 8],
        ))];
        let p = parts(&render(&d).expect("render"));
        let doc = String::from_utf8_lossy(&p["word/document.xml"]).into_owned();
        assert_eq!(doc.matches("<w:tr>").count(), 2, "{doc}");
        assert_eq!(doc.matches("<w:tblHeader />").count(), 0);
        assert!(!doc.contains(&table_style_id(SIZE_5, true)));
        assert!(doc.contains("代表编号"));
    }

    /// Paragraph ids run 1, 2, … in document order, footers first, whatever the thread
    /// and whatever was rendered on it before: the same document is the same bytes.
    #[test]
    fn paragraph_ids_are_numbered_in_order_on_any_thread() {
        let d = sample_document();
        let first = render(&d).expect("render");
        assert_eq!(first, render(&d).expect("render"));
        let elsewhere = std::thread::spawn(move || render(&sample_document()).expect("render"))
            .join()
            .expect("thread");
        assert_eq!(first, elsewhere);
        let p = parts(&first);
        let mut ids = para_ids(&p["word/footer1.xml"]);
        ids.extend(para_ids(&p["word/footer2.xml"]));
        ids.extend(para_ids(&p["word/document.xml"]));
        let expected: Vec<String> = (1..=ids.len()).map(|i| format!("{i:08x}")).collect();
        assert_eq!(ids, expected);
    }

    /// Page breaks: paragraphs holding a break, and paragraphs starting a new page.
    fn breaks(xml: &str) -> usize {
        xml.matches("<w:br w:type=\"page\" />").count() + xml.matches("<w:pageBreakBefore").count()
    }

    /// A cover (or cover list) of one block, by the sample document's author.
    fn cover_of(title: &str, block: Block, print_title: bool) -> Document {
        Document {
            title: title.into(),
            subtitle: None,
            body: vec![block],
            signature: None,
            attachments: Vec::new(),
            author: sample_document().author,
            print_title,
        }
    }

    /// Part `k` of a volume under its running head.
    fn part_of(k: usize, document: Document) -> Part {
        Part {
            head: format!("履职档案　代表{k}（D{k:03}）"),
            document,
        }
    }

    /// The text of an XML part's runs.
    fn xml_text(xml: &str) -> String {
        xml.split("<w:t xml:space=\"preserve\">")
            .skip(1)
            .filter_map(|s| s.split_once("</w:t>").map(|(t, _)| t.to_string()))
            .collect()
    }

    /// The value of `attr="…"` in `element`.
    fn attr_of<'x>(element: &'x str, attr: &str) -> Option<&'x str> {
        let at = element.find(&format!("{attr}=\""))? + attr.len() + 2;
        element[at..].split('"').next()
    }

    /// Twelve parts, so that header parts 10 and up exist (docx-rs alone would write
    /// them out of order); part 11 holds a table too wide for the upright page, so it
    /// has three sections. Every section of part k refers, through the relationships,
    /// to header parts naming delegate k (right on odd pages, left on even) and to the
    /// page-number footers; each part's first section starts on an odd page, the others
    /// on the next page; the cover's section has neither head nor number.
    #[test]
    fn every_section_of_a_volume_part_carries_its_head_and_parts_start_on_odd_pages() {
        let wide_table = TableBlock::new(
            &["代表姓名及所在选区"; 18],
            vec![vec!["2025年12月31日区人大常委会".to_string(); 18]; 3],
            &[],
        );
        assert!(too_wide(&Block::Table(wide_table.clone())));
        let volume: Vec<Part> = (1..=12)
            .map(|k| {
                let mut d = sample_document();
                if k == 11 {
                    d.body.push(Block::Table(wide_table.clone()));
                }
                part_of(k, d)
            })
            .collect();
        let cover = cover_of(
            "示范区人大代表履职档案·兴华街道",
            Block::Title("封面".into()),
            false,
        );
        let p = parts(&render_bound(&cover, &volume).expect("render"));
        let doc = String::from_utf8_lossy(&p["word/document.xml"]).into_owned();
        let rels = String::from_utf8_lossy(&p["word/_rels/document.xml.rels"]).into_owned();
        let target = |rid: &str| -> String {
            let rel = rels
                .split("<Relationship ")
                .find(|r| attr_of(r, "Id") == Some(rid))
                .unwrap_or_else(|| panic!("no relationship {rid}"));
            format!("word/{}", attr_of(rel, "Target").unwrap_or_default())
        };
        let reference = |sect: &str, kind: &str, kind_type: &str| -> Option<String> {
            sect.split(&format!("<w:{kind}Reference "))
                .skip(1)
                .find(|r| attr_of(r, "w:type") == Some(kind_type))
                .and_then(|r| attr_of(r, "r:id"))
                .map(str::to_string)
        };
        let mut at = 0;
        let mut seen = vec![0; 13];
        for chunk in doc.split("<w:sectPr>").skip(1) {
            let sect = chunk.split("</w:sectPr>").next().unwrap_or_default();
            at += doc[at..].find(sect).expect("section");
            // The part a section belongs to: the last part started before it.
            let k = doc[..at].matches("w:name=\"_lvzhi_part_").count();
            seen[k] += 1;
            // The break's own paragraph (all but the body's last section, which is the
            // document's) is empty and 0.7 pt high.
            let para = &doc[doc[..at].rfind("<w:p ").expect("paragraph")..at];
            if !para.contains("</w:p>") {
                let empty = para.contains("w:line=\"14\"") && !para.contains("<w:t");
                assert!(empty, "{para}");
            }
            let odd = sect.contains("<w:type w:val=\"oddPage\" />");
            if k == 0 {
                assert!(!sect.contains("Reference") && !odd, "cover: {sect}");
                continue;
            }
            assert_eq!(odd, seen[k] == 1, "part {k} section {}: {sect}", seen[k]);
            assert_eq!(sect.contains("w:start=\"1\""), k == 1 && seen[k] == 1);
            for (kind_type, align) in [("default", "right"), ("even", "left")] {
                let rid = reference(sect, "header", kind_type).expect("header reference");
                let head = String::from_utf8_lossy(&p[&target(&rid)]).into_owned();
                assert_eq!(
                    xml_text(&head),
                    format!("履职档案　代表{k}（D{k:03}）"),
                    "{rid}"
                );
                assert!(
                    head.contains(&format!("<w:jc w:val=\"{align}\" />")),
                    "{head}"
                );
                let rid = reference(sect, "footer", kind_type).expect("footer reference");
                let foot = String::from_utf8_lossy(&p[&target(&rid)]).into_owned();
                assert!(foot.contains("PAGE"), "{foot}");
            }
        }
        let mut expected = vec![1; 13];
        expected[11] = 3;
        assert_eq!(seen, expected, "sections per part (0: the cover)");
        assert_eq!(doc.matches("w:orient=\"landscape\"").count(), 1);
        // 24 header parts, all declared; odd and even pages have heads of their own.
        let types = String::from_utf8_lossy(&p["[Content_Types].xml"]).into_owned();
        for n in 1..=24 {
            assert!(p.contains_key(&format!("word/header{n}.xml")), "{n}");
            assert!(types.contains(&format!("/word/header{n}.xml")), "{n}");
        }
        assert!(!p.contains_key("word/header25.xml"));
        let settings = String::from_utf8_lossy(&p["word/settings.xml"]).into_owned();
        assert!(settings.contains("evenAndOddHeaders"), "{settings}");
    }

    /// Why `pack` writes the header parts itself: docx-rs 0.4.22 sorts the ones it
    /// collects by rId as text, so with ten sections the tenth's header is written as
    /// header2.xml, the part rIdHeader2 (the second section's) points to. When this fails,
    /// docx-rs writes them in order and could be left to do it.
    #[test]
    fn docx_rs_writes_ten_section_headers_out_of_order() {
        let xml = (1..=10)
            .fold(Docx::new(), |d, k| {
                let head = Paragraph::new().add_run(Run::new().add_text(format!("h{k}")));
                d.add_section(docx_rs::Section::new().header(Header::new().add_paragraph(head)))
            })
            .build();
        let rels = String::from_utf8_lossy(&xml.document_rels).into_owned();
        assert!(rels.contains("Id=\"rIdHeader2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header2.xml\""), "{rels}");
        let heads: Vec<String> = xml
            .headers
            .iter()
            .map(|h| xml_text(&String::from_utf8_lossy(h)))
            .collect();
        assert_eq!(heads[..3], ["h1", "h10", "h2"]);
    }

    /// A sentence leading into a table, and one leading into a note before a table,
    /// keep with what follows; a paragraph after a table does not need to.
    #[test]
    fn lead_in_sentences_keep_with_their_table() {
        let mut d = sample_document();
        d.body = vec![
            Block::Para("领衔提出1件。".into()),
            Block::Para("注：分类说明。".into()),
            Block::Table(TableBlock::new(
                &["姓名", "次数"],
                vec![vec!["张三".into(), "1".into()]; 3],
                &[],
            )),
            Block::Para("其后一段。".into()),
            Block::Para("最后一段。".into()),
        ];
        d.signature = None;
        let xml =
            String::from_utf8_lossy(&parts(&render(&d).expect("render"))["word/document.xml"])
                .into_owned();
        let para_of = |text: &str| {
            let at = xml.find(text).expect("text");
            let start = xml[..at].rfind("<w:p ").expect("paragraph");
            xml[start..at].to_string()
        };
        assert!(para_of("领衔提出1件。").contains("<w:keepNext />"));
        assert!(para_of("注：分类说明。").contains("<w:keepNext />"));
        assert!(!para_of("其后一段。").contains("<w:keepNext />"));
    }

    /// Letters carry no page number; a bound volume's parts do.
    #[test]
    fn letters_are_unnumbered_and_a_volume_is_numbered() {
        let part = sample_document();
        let cover = cover_of("提醒函", Block::Para("共2份。".into()), true);
        let footers = |bytes: &[u8]| -> String {
            parts(bytes)
                .iter()
                .filter(|(n, _)| n.starts_with("word/footer"))
                .map(|(_, x)| String::from_utf8_lossy(x).into_owned())
                .collect()
        };
        let letters = render_letters(&cover, &[part.clone(), part.clone()]).expect("render");
        assert!(!footers(&letters).contains("PAGE"), "{}", footers(&letters));
        let volume =
            render_bound(&cover, &[part_of(1, part.clone()), part_of(2, part)]).expect("render");
        assert!(footers(&volume).contains("PAGE"));
    }

    #[test]
    fn a_bound_volume_holds_each_part_as_rendered_with_paragraph_ids_unique() {
        let part = sample_document();
        let cover = cover_of(
            "示范区人大代表履职档案·兴华街道",
            Block::Title("兴华街道代表小组".into()),
            false,
        );
        let volume = parts(
            &render_bound(
                &cover,
                &[part_of(1, part.clone()), part_of(2, part.clone())],
            )
            .expect("render"),
        );
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
        // The second part starts with a section break, not a page break.
        assert_eq!(breaks(&doc), 2 * breaks(&single));
        // The cover is a section of its own, without a footer; numbering starts at 1 on
        // the first part, whose first line the 目录 can refer to.
        assert_eq!(doc.matches("<w:sectPr>").count(), 3);
        let cover_section = doc.split("<w:sectPr>").nth(1).unwrap_or_default();
        assert!(!cover_section
            .split("</w:sectPr>")
            .next()
            .unwrap_or_default()
            .contains("footerReference"));
        assert!(
            doc.contains("<w:pgNumType w:start=\"1\" />"),
            "page numbers from 1"
        );
        assert!(
            doc.contains("w:name=\"_lvzhi_part_1\"") && doc.contains("w:name=\"_lvzhi_part_2\"")
        );
        // Footers, then the running heads numbered where each part starts.
        let mut ids: Vec<String> = volume
            .iter()
            .filter(|(n, _)| n.starts_with("word/header") || n.starts_with("word/footer"))
            .flat_map(|(_, x)| para_ids(x))
            .chain(para_ids(&volume["word/document.xml"]))
            .collect();
        ids.sort();
        let expected: Vec<String> = (1..=ids.len()).map(|i| format!("{i:08x}")).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn sheets_the_text_cites_become_attachments() {
        use crate::render::xlsx::{Cell, Table};
        let mut sheet = Table::new("名单", &["姓名", "积分", "出席率"]);
        sheet.title = Some("继续提名建议名单".into());
        sheet.rows.push(vec![
            Cell::Text("张三".into()),
            Cell::Num(12.0),
            Cell::Pct(0.875),
        ]);
        sheet.notes.push("说明：积分按规定计算。".into());
        let mut d = sample_document();
        d.attachments.clear();
        append_cited_sheets(&mut d, std::slice::from_ref(&sheet));
        assert!(d.attachments.is_empty(), "the text does not cite 附表");
        d.body.push(Block::Para("各代表的履职依据见附表。".into()));
        append_cited_sheets(&mut d, std::slice::from_ref(&sheet));
        append_cited_sheets(&mut d, std::slice::from_ref(&sheet));
        assert_eq!(d.attachments.len(), 1, "appended once");
        let a = &d.attachments[0];
        assert_eq!(a.title, "继续提名建议名单");
        match &a.blocks[0] {
            Block::Table(t) => assert_eq!(t.rows[0], vec!["张三", "12", "87.5%"]),
            b => panic!("{b:?}"),
        }
        assert_eq!(a.blocks[1], Block::Para("说明：积分按规定计算。".into()));
        // A sheet the body prints already is not appended again.
        let mut printed = d.clone();
        printed.attachments.clear();
        printed.body.push(a.blocks[0].clone());
        append_cited_sheets(&mut printed, std::slice::from_ref(&sheet));
        assert!(printed.attachments.is_empty());
        // One attachment: "附件：名称" in the body, "附件" on its page.
        let p = parts(&render(&d).expect("render"));
        let text = String::from_utf8_lossy(&p["word/document.xml"]).into_owned();
        assert!(text.contains(">附件：继续提名建议名单<"), "body label");
        assert!(text.contains(">附件<"), "page label");
        assert!(!text.contains(">附件1<"));
    }

    /// 22 lines of 28 characters: a 579-twip line grid, every run 0.25 pt condensed,
    /// punctuation not compressed, the indent two condensed characters; every row
    /// cantSplit, only header rows repeat.
    #[test]
    fn grid_and_row_xml() {
        let p = parts(&render(&sample_document()).expect("render"));
        let doc = String::from_utf8_lossy(&p["word/document.xml"]).into_owned();
        assert!(doc.contains("<w:docGrid w:type=\"lines\" w:linePitch=\"579\" />"));
        assert!(doc.contains("w:firstLine=\"630\""));
        assert!(22 * LINE_TWIPS <= PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM);
        // 28 condensed characters fit the block, 29 do not.
        let advance = 16 * 20 + CHAR_CONDENSE;
        assert!(28 * advance as usize <= TEXT_WIDTH && 29 * advance as usize > TEXT_WIDTH);
        let styles = String::from_utf8_lossy(&p["word/styles.xml"]).into_owned();
        assert!(styles.contains("<w:spacing w:val=\"-5\" />"), "{styles}");
        let settings = String::from_utf8_lossy(&p["word/settings.xml"]).into_owned();
        assert!(
            settings.contains("<w:characterSpacingControl w:val=\"doNotCompress\" />"),
            "{settings}"
        );
        assert!(!settings.contains("updateFields"), "no fields to update");
        assert_eq!(
            doc.matches("<w:tr>").count(),
            doc.matches("<w:cantSplit />").count()
        );
        assert_eq!(
            doc.matches("<w:tblHeader />").count(),
            doc.matches("<w:tbl>").count()
        );
    }

    /// The 目录 of a volume refers to each part's first line by a PAGEREF field, and the
    /// settings ask Word and WPS to update fields on opening.
    #[test]
    fn a_volume_catalogue_refers_to_its_parts() {
        let part = sample_document();
        let cover = cover_of(
            "示范区人大代表履职档案·兴华街道",
            Block::Contents(TableBlock::new(
                &["序号", "姓名"],
                vec![
                    vec!["1".into(), "张三".into()],
                    vec!["2".into(), "李四".into()],
                ],
                &[],
            )),
            false,
        );
        let p = parts(
            &render_bound(&cover, &[part_of(1, part.clone()), part_of(2, part)]).expect("render"),
        );
        let doc = String::from_utf8_lossy(&p["word/document.xml"]).into_owned();
        for k in 1..=2 {
            assert!(doc.contains(&format!("PAGEREF _lvzhi_part_{k} \\h")), "{k}");
            assert!(doc.contains(&format!("w:name=\"_lvzhi_part_{k}\"")), "{k}");
        }
        assert!(doc.contains(">页码<"));
        let settings = String::from_utf8_lossy(&p["word/settings.xml"]).into_owned();
        assert!(settings.contains(UPDATE_FIELDS), "{settings}");
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
        let g = column_widths(&t);
        assert_eq!(g.iter().sum::<usize>(), TEXT_WIDTH);
        assert!(g[0] > g[2], "{g:?}");
    }
}
