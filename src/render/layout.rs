//! Layout rules of the DOCX engine, as small pure functions: how wide text is, how a
//! table's columns share the text block, how a header or a title breaks into lines.
//! Widths are in thousandths of an em (the font size); twips come in at the edges.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{LazyLock, PoisonError, RwLock};

/// Width of one character in thousandths of an em: CJK and full-width forms 1 em,
/// digits and Latin at Times New Roman widths (the Latin font of every run).
pub fn char_width(c: char) -> u32 {
    match c {
        '0'..='9' => 500,
        ' ' | '.' | ',' | ';' => 250,
        ':' | '/' | '\'' | 'i' | 'j' | 'l' | 't' => 278,
        '-' | '(' | ')' | '[' | ']' | 'f' | 'r' | 'I' => 333,
        '"' => 408,
        's' => 389,
        'J' => 389,
        'a' | 'c' | 'e' | 'z' => 444,
        'b' | 'd' | 'g' | 'h' | 'k' | 'n' | 'o' | 'p' | 'q' | 'u' | 'v' | 'x' | 'y' => 500,
        '+' | '=' | '<' | '>' => 564,
        'F' | 'P' | 'S' => 556,
        'E' | 'L' | 'T' | 'Z' => 611,
        'B' | 'C' | 'R' => 667,
        'm' => 778,
        'w' | 'A' | 'D' | 'G' | 'H' | 'K' | 'N' | 'O' | 'Q' | 'U' | 'V' | 'X' | 'Y' => 722,
        '%' => 833,
        'M' => 889,
        'W' => 944,
        c if c.is_ascii() => 500,
        // Everything else (CJK, full-width punctuation, the middle dot of minority names
        // as CJK fonts draw it, □) takes a full em.
        _ => 1000,
    }
}

/// Width of a text in thousandths of an em: its widest line. Word, WPS and LibreOffice
/// put a quarter em between CJK and Latin letters or digits ("2025 年 1 月"), counted.
pub fn text_width(s: &str) -> u32 {
    s.lines().map(line_width).max().unwrap_or(0)
}

fn line_width(l: &str) -> u32 {
    let latin = |c: char| c.is_ascii_alphanumeric();
    let cjk = |c: char| char_width(c) == 1000 && !c.is_ascii();
    let chars: Vec<char> = l.chars().collect();
    let gaps = chars
        .windows(2)
        .filter(|w| (latin(w[0]) && cjk(w[1])) || (cjk(w[0]) && latin(w[1])))
        .count() as u32;
    chars.iter().copied().map(char_width).sum::<u32>() + gaps * AUTO_SPACE
}

/// The space between CJK and Latin text, in thousandths of an em.
const AUTO_SPACE: u32 = 250;

/// The pieces a cell's text may break between: it never breaks inside a name, a group
/// name, a figure with its unit, a date or a category word, only at spaces and list
/// punctuation.
pub fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | '；' | ',' | ';'))
        .filter(|t| !t.is_empty())
}

/// The widest unbreakable token of a text.
pub fn token_width(s: &str) -> u32 {
    // The punctuation a token breaks at stays on the line before: count one em for it.
    tokens(s).map(text_width).max().unwrap_or(0)
        + if s.chars().any(is_list_mark) { 1000 } else { 0 }
}

fn is_list_mark(c: char) -> bool {
    matches!(c, '、' | '，' | '；')
}

/// Proper names a line must not split ("城乡建设与环境保护委员会" would otherwise break
/// at "环境保护 / 委员会", a word boundary to the segmenter): the committees, offices and
/// groups of the configuration and the meeting a report is given at. The CLI registers
/// them once a run has read its configuration; a name is only ever added.
static KEPT_WHOLE: LazyLock<RwLock<Kept>> = LazyLock::new(Default::default);

/// The registered names, and the lengths in bytes they come in. A district has a group
/// per township or street (a thousand and more in a large city), but their names come
/// in a dozen lengths: a text is searched once per length, not once per name.
#[derive(Default)]
struct Kept {
    names: HashSet<String>,
    lengths: BTreeSet<usize>,
}

/// Registers proper names a title or header line must not split.
pub fn keep_whole<I, S>(names: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut kept = KEPT_WHOLE.write().unwrap_or_else(PoisonError::into_inner);
    for n in names {
        let n = n.as_ref().trim();
        // A one- or two-character name never needs it (the segmenter keeps it whole).
        if n.chars().count() > 2 {
            kept.lengths.insert(n.len());
            kept.names.insert(n.to_string());
        }
    }
}

/// The words of a text: the only places a header or a title may break. A registered
/// proper name is one word.
pub fn words(s: &str) -> Vec<&str> {
    join_kept(s, super::segment::cut(s))
}

/// The segmenter's words of `s`, without the boundaries that fall inside a registered
/// name.
fn join_kept<'a>(s: &'a str, words: Vec<&'a str>) -> Vec<&'a str> {
    let spans = kept_spans(s);
    if spans.is_empty() {
        return words;
    }
    let inside = |at: usize| spans.iter().any(|(from, to)| *from < at && at < *to);
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let (mut start, mut at) = (0, 0);
    for w in words {
        if at > start && !inside(at) {
            out.push(&s[start..at]);
            start = at;
        }
        at += w.len();
    }
    if at > start {
        out.push(&s[start..at]);
    }
    out
}

/// Byte ranges of the registered names found in `s`: of each name, its occurrences
/// from the left that do not overlap one another.
fn kept_spans(s: &str) -> Vec<(usize, usize)> {
    let kept = KEPT_WHOLE.read().unwrap_or_else(PoisonError::into_inner);
    let mut spans = Vec::new();
    // Most headers are shorter than every name: no length to try.
    for &len in kept.lengths.range(..=s.len()) {
        let mut ends: HashMap<&str, usize> = HashMap::new();
        for (from, _) in s.char_indices() {
            let to = from + len;
            let Some(candidate) = s.get(from..to) else {
                continue;
            };
            if kept.names.contains(candidate) && ends.get(candidate).is_none_or(|end| from >= *end)
            {
                ends.insert(candidate, to);
                spans.push((from, to));
            }
        }
    }
    spans
}

/// Greedy lines of at most `width` (thousandths of an em), broken only between words.
/// A word wider than the line stands alone on its line.
pub fn wrap_words(s: &str, width: u32) -> Vec<String> {
    wrap_at(&words(s), width)
}

/// Greedy lines of at most `width` made of the given words.
fn wrap_at(words: &[&str], width: u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for &w in words {
        if !line.is_empty() && text_width(&line) + text_width(w) > width {
            lines.push(std::mem::take(&mut line));
        }
        line.push_str(w);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// How a column's cells align: figures right, short codes and marks centred, text left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnAlign {
    Left,
    Center,
    Right,
}

/// Units that may follow a figure in a numeric cell ("12次", "87.5%").
const UNITS: [char; 10] = ['%', '次', '件', '名', '人', '个', '天', '岁', '分', '项'];

/// A figure, possibly with a sign, thousands separators and one unit.
pub fn is_number(s: &str) -> bool {
    let s = s.trim();
    let body = s.strip_suffix(UNITS).unwrap_or(s).replace(',', "");
    !body.is_empty() && body.chars().any(|c| c.is_ascii_digit()) && body.parse::<f64>().is_ok()
}

/// Whether a row totals the rows above it (合计, 总计): it keeps with the row above.
pub fn is_total_row(row: &[String]) -> bool {
    row.iter()
        .find(|c| !c.trim().is_empty())
        .map(|c| {
            c.chars()
                .filter(|c| !c.is_whitespace() && *c != '　')
                .collect::<String>()
        })
        .is_some_and(|c| matches!(c.as_str(), "合计" | "总计" | "小计" | "全区合计"))
}

/// A column's alignment, from all of its cells, so it never flips from row to row.
pub fn column_align(header: &str, cells: &[&str]) -> ColumnAlign {
    let filled: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty() && !matches!(*c, "—" | "-" | "合计" | "总计" | "小计"))
        .collect();
    if header == "序号" {
        return ColumnAlign::Center;
    }
    if filled.is_empty() {
        return ColumnAlign::Center;
    }
    if filled.iter().all(|c| is_number(c)) {
        return ColumnAlign::Right;
    }
    let marks = filled.iter().all(|c| c.chars().count() <= 2)
        && !(header.contains("姓名") || header.contains("名称"));
    let first = filled[0].chars().count();
    let codes = filled.iter().all(|c| {
        c.chars().count() == first
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '/'))
    });
    if marks || codes {
        ColumnAlign::Center
    } else {
        ColumnAlign::Left
    }
}

/// Headers of the columns that hold running text and take what the others leave.
const LONG_HEADERS: [&str; 12] = [
    "理由", "说明", "标题", "情况", "内容", "名称", "备注", "意见", "事由", "问题", "依据", "单位",
];

/// A column wider than this (in em) holds running text that may wrap.
const SHORT_LIMIT: u32 = 10_000;

/// The narrowest a running-text column becomes, in em.
const LONG_MIN: u32 = 4_000;

/// Cell margin left and right, in twips, written into every table.
pub const CELL_MARGIN: usize = 85;
/// Room for rounding and the grid line, in twips per column.
const SLACK: usize = 60;

/// Font sizes tried for table text, in half-points: 五号, then 小五.
pub const TABLE_SIZES: [usize; 2] = [21, 18];

/// A table laid out: column widths in twips, the font size, header lines, alignments.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePlan {
    pub widths: Vec<usize>,
    /// Half-points.
    pub size: usize,
    pub headers: Vec<Vec<String>>,
    pub aligns: Vec<ColumnAlign>,
    /// Even at the smaller size the short columns do not fit: the table wants a
    /// landscape page.
    pub too_wide: bool,
}

/// What a column needs, in thousandths of an em.
#[derive(Debug, Clone, Copy)]
struct Need {
    /// Running text: wraps between tokens.
    long: bool,
    /// The least it may have: all of a short column's content, a long column's widest
    /// token, the header's widest word.
    min: u32,
    /// The width at which nothing in it wraps, header included.
    full: u32,
    /// The header on one line.
    header: u32,
}

fn need(header: &str, cells: &[&str]) -> Need {
    let content = cells.iter().map(|c| text_width(c)).max().unwrap_or(0);
    let header_word = header_min(header);
    let header_full = text_width(header);
    let long = content > SHORT_LIMIT || LONG_HEADERS.iter().any(|h| header.ends_with(h));
    let min = if long {
        // Every short token on one line (a name, a category word); a token longer than
        // a short cell ("本届未经批准缺席区人代会") wraps anyway, so it claims nothing.
        let short_token = cells
            .iter()
            .filter_map(|c| {
                let widest = tokens(c)
                    .map(text_width)
                    .filter(|w| *w <= SHORT_LIMIT)
                    .max()?;
                // The punctuation a token breaks at stays on its line: one em for it.
                Some(widest + if c.chars().any(is_list_mark) { 1000 } else { 0 })
            })
            .max()
            .unwrap_or(0);
        short_token.max(LONG_MIN.min(content))
    } else {
        content
    }
    .max(header_word);
    Need {
        long,
        min,
        full: content.max(header_full),
        header: header_full,
    }
}

/// The narrowest a header may be: broken only between words, and never leaving a line
/// of one character ("未 / 报", "区 / 人代会出席率"), which reads as a stray mark.
fn header_min(header: &str) -> u32 {
    let ws = words(header);
    let widest = ws.iter().map(|w| text_width(w)).max().unwrap_or(0);
    // Candidate widths: every run of whole words, narrowest first.
    let mut spans: Vec<u32> = (0..ws.len())
        .flat_map(|i| (i + 1..=ws.len()).map(move |j| (i, j)))
        .map(|(i, j)| text_width(&ws[i..j].concat()))
        .filter(|w| *w >= widest)
        .collect();
    spans.sort_unstable();
    spans
        .into_iter()
        .find(|w| {
            let lines = wrap_at(&ws, *w);
            lines.len() == 1 || lines.iter().all(|l| l.chars().count() >= 2)
        })
        .unwrap_or_else(|| text_width(header))
}

fn twips(thousandths: u32, size: usize) -> usize {
    // One em of a size in half-points is size × 10 twips.
    (thousandths as usize * size * 10).div_ceil(1000) + 2 * CELL_MARGIN + SLACK
}

/// Lays out a table in `available` twips: short columns get exactly what their longest
/// token needs, headers unwrap where room allows, the rest goes to the running-text
/// columns; only if the short columns do not fit is the font made smaller. `weights`
/// (optional, one per column) share what is left when no column holds running text.
pub fn plan_table(
    headers: &[String],
    rows: &[Vec<String>],
    available: usize,
    weights: &[u32],
) -> TablePlan {
    let n = headers.len().max(1);
    let column = |i: usize| -> Vec<&str> {
        rows.iter()
            .map(|r| r.get(i).map_or("", |s| s.as_str()))
            .collect()
    };
    let header = |i: usize| headers.get(i).map_or("", |s| s.as_str());
    let needs: Vec<Need> = (0..n).map(|i| need(header(i), &column(i))).collect();
    let aligns = (0..n)
        .map(|i| column_align(header(i), &column(i)))
        .collect();
    let mut chosen = None;
    for size in TABLE_SIZES {
        let mins: Vec<usize> = needs.iter().map(|d| twips(d.min, size)).collect();
        if mins.iter().sum::<usize>() <= available {
            chosen = Some((size, mins, false));
            break;
        }
    }
    let (size, mut widths, too_wide) = chosen.unwrap_or_else(|| {
        // Nothing fits: the smaller size, every column scaled down alike (the text then
        // wraps inside tokens, and the table is flagged for a landscape page).
        let size = TABLE_SIZES[TABLE_SIZES.len() - 1];
        let mins: Vec<usize> = needs.iter().map(|d| twips(d.min, size)).collect();
        let total = mins.iter().sum::<usize>().max(1);
        (
            size,
            mins.iter().map(|w| w * available / total).collect(),
            true,
        )
    });
    let mut spare = available.saturating_sub(widths.iter().sum());
    // Headers on one line where the room allows, the cheapest first.
    let mut unwrap: Vec<(usize, usize)> = (0..n)
        .filter(|i| !needs[*i].long)
        .map(|i| (twips(needs[i].header.max(needs[i].min), size), i))
        .filter(|(w, i)| *w > widths[*i])
        .map(|(w, i)| (w - widths[i], i))
        .collect();
    unwrap.sort();
    for (extra, i) in unwrap {
        if extra <= spare {
            widths[i] += extra;
            spare -= extra;
        }
    }
    // The rest to the running text, as much as each lacks to hold its longest cell on
    // one line; then shared alike.
    let long: Vec<usize> = (0..n).filter(|i| needs[*i].long).collect();
    let takers: Vec<usize> = if long.is_empty() {
        (0..n).collect()
    } else {
        long
    };
    let lack: Vec<usize> = takers
        .iter()
        .map(|i| twips(needs[*i].full, size).saturating_sub(widths[*i]))
        .collect();
    let total_lack: usize = lack.iter().sum();
    if total_lack > 0 {
        let give = spare.min(total_lack);
        for (k, i) in takers.iter().enumerate() {
            widths[*i] += give * lack[k] / total_lack;
        }
        spare = available.saturating_sub(widths.iter().sum());
    }
    if !takers.is_empty() && spare > 0 {
        let weight = |i: usize| -> usize {
            if weights.len() == n {
                weights[i].max(1) as usize
            } else {
                1
            }
        };
        let total: usize = takers.iter().map(|i| weight(*i)).sum();
        for i in &takers {
            widths[*i] += spare * weight(*i) / total;
        }
    }
    // The rounding remainder to the widest column, so the grid fills exactly.
    let rest = available.saturating_sub(widths.iter().sum());
    if let Some(i) = (0..n).max_by_key(|i| widths[*i]) {
        widths[i] += rest;
    }
    let headers = (0..n)
        .map(|i| {
            let room =
                (widths[i].saturating_sub(2 * CELL_MARGIN + SLACK) * 1000 / (size * 10)) as u32;
            wrap_words(header(i), room)
        })
        .collect();
    TablePlan {
        widths,
        size,
        headers,
        aligns,
        too_wide,
    }
}

/// A title broken into lines of at most `line` (thousandths of an em) at word
/// boundaries, in a trapezoid (each line no longer than the one above, or no shorter)
/// or a diamond (the middle line longest), never leaving a line under four characters,
/// as balanced as the words allow (GB/T 9704 7.3.1).
pub fn break_title(title: &str, line: u32) -> Vec<String> {
    let width = text_width(title);
    if width <= line {
        return vec![title.to_string()];
    }
    let count = width.div_ceil(line) as usize;
    // Proper names whole if the title can be broken that way; if a name is longer than
    // a line, at the segmenter's own word boundaries.
    let plain = || super::segment::cut(title);
    for words in [words(title), plain()] {
        if let Some(lines) = break_at_words(&words, count, line) {
            return lines;
        }
    }
    // No word boundary gives lines of four characters or more: balanced lines by width.
    let chars: Vec<char> = title.chars().collect();
    let per = chars.len().div_ceil(count);
    chars.chunks(per).map(|c| c.iter().collect()).collect()
}

/// The best lines of `count` or `count + 1` made of whole words, if any.
fn break_at_words(words: &[&str], count: usize, line: u32) -> Option<Vec<String>> {
    // Cumulative widths at each word boundary.
    let mut at = vec![0u32];
    for w in words {
        at.push(at.last().copied().unwrap_or(0) + text_width(w));
    }
    for lines in count..=count + 1 {
        if let Some(cuts) =
            best_cuts(&at, lines, line, true).or_else(|| best_cuts(&at, lines, line, false))
        {
            let mut out = Vec::new();
            let mut from = 0;
            for to in cuts.into_iter().chain(std::iter::once(words.len())) {
                out.push(words[from..to].concat());
                from = to;
            }
            return Some(out);
        }
    }
    None
}

/// The shortest a title line may be, in thousandths of an em.
const TITLE_MIN_LINE: u32 = 4_000;

/// The word boundaries that split `at` (cumulative widths) into `lines` lines of at most
/// `line`, at least four characters each, in a good shape (when `shaped`), with the
/// least spread between the longest and the shortest line.
fn best_cuts(at: &[u32], lines: usize, line: u32, shaped: bool) -> Option<Vec<usize>> {
    let words = at.len() - 1;
    let mut best: Option<(u32, Vec<usize>)> = None;
    let mut cuts = Vec::with_capacity(lines);
    fn walk(
        at: &[u32],
        from: usize,
        left: usize,
        line: u32,
        shaped: bool,
        cuts: &mut Vec<usize>,
        best: &mut Option<(u32, Vec<usize>)>,
    ) {
        let words = at.len() - 1;
        if left == 1 {
            let mut lens = Vec::with_capacity(cuts.len() + 1);
            let mut prev = 0;
            for c in cuts.iter().chain(std::iter::once(&words)) {
                lens.push(at[*c] - at[prev]);
                prev = *c;
            }
            if lens.iter().any(|l| *l > line || *l < TITLE_MIN_LINE) {
                return;
            }
            if shaped && !good_shape(&lens) {
                return;
            }
            let spread = lens.iter().max().unwrap_or(&0) - lens.iter().min().unwrap_or(&0);
            // Ties go to the longer top line (倒梯形), the common form.
            let score = spread * 2 + u32::from(lens[0] < lens[lens.len() - 1]);
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                *best = Some((score, cuts.clone()));
            }
            return;
        }
        for c in from + 1..words {
            if at[c] - at[from] > line {
                break;
            }
            cuts.push(c);
            walk(at, c, left - 1, line, shaped, cuts, best);
            cuts.pop();
        }
    }
    if lines == 0 || words < lines {
        return None;
    }
    walk(at, 0, lines, line, shaped, &mut cuts, &mut best);
    best.map(|(_, c)| c)
}

/// A trapezoid (lengths monotone) or a diamond (rising then falling); never an
/// hourglass or a rectangle of three or more equal lines.
fn good_shape(lens: &[u32]) -> bool {
    let down = lens.windows(2).all(|w| w[0] >= w[1]);
    let up = lens.windows(2).all(|w| w[0] <= w[1]);
    let peak = (0..lens.len()).max_by_key(|i| lens[*i]).unwrap_or(0);
    let diamond = lens[..=peak].windows(2).all(|w| w[0] <= w[1])
        && lens[peak..].windows(2).all(|w| w[0] >= w[1]);
    let flat = lens.len() > 2 && lens.iter().all(|l| *l == lens[0]);
    (down || up || diamond) && !flat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn widths_follow_times_new_roman_and_cjk_ems() {
        assert_eq!(text_width("87.5%"), 500 * 3 + 250 + 833);
        assert_eq!(text_width("阿依古丽·买买提"), 8000);
        assert_eq!(text_width("2025-03-12"), 8 * 500 + 2 * 333);
        assert_eq!(text_width("第一行\n第二行更长"), 5000);
        // 2022 年 1 月 6 日: five gaps of a quarter em between digits and CJK.
        assert_eq!(text_width("2022年1月6日"), 6 * 500 + 3 * 1000 + 5 * 250);
        assert_eq!(token_width("走访选民、收集意见"), 5000);
    }

    #[test]
    fn numbers_codes_and_text_align_by_column() {
        assert!(is_number("87.5%") && is_number("1,393") && is_number("12次"));
        assert!(!is_number("兴华街道") && !is_number("%"));
        assert_eq!(
            column_align("出席率", &["87.5%", "100%", ""]),
            ColumnAlign::Right
        );
        assert_eq!(
            column_align("姓名", &["张三", "阿依古丽·买买提", "李四"]),
            ColumnAlign::Left
        );
        // Two-character names stay left like the rest of the column.
        assert_eq!(column_align("姓名", &["张三", "李四"]), ColumnAlign::Left);
        assert_eq!(column_align("是否出席", &["是", "否"]), ColumnAlign::Center);
        assert_eq!(
            column_align("代表编号", &["D001", "D012"]),
            ColumnAlign::Center
        );
        assert_eq!(
            column_align("年内述职/应述职", &["0/3", "2/3"]),
            ColumnAlign::Center
        );
        assert!(is_total_row(&s(&["合　计", "", "12"])));
        assert!(!is_total_row(&s(&["兴华街道", "12"])));
    }

    /// The columns of the issue: nothing short wraps, headers break between words, the
    /// running text takes the rest of the block.
    #[test]
    fn short_columns_get_what_they_need_and_text_the_rest() {
        let headers = s(&["代表小组", "姓名", "代表数", "出席率", "履职形式", "理由"]);
        let rows = vec![
            s(&[
                "兴华街道",
                "阿依古丽·买买提",
                "12",
                "87.5%",
                "书面述职",
                "参加区人大常委会组织的专题调研活动三次，走访选民并收集意见",
            ]),
            s(&[
                "城关镇",
                "张三",
                "9",
                "100%",
                "代表小组活动",
                "不建议继续提名",
            ]),
        ];
        let p = plan_table(&headers, &rows, 8845, &[]);
        assert_eq!(p.widths.iter().sum::<usize>(), 8845);
        assert_eq!(p.size, 21);
        for (i, min) in [(0, 4000), (1, 8000), (3, 2583), (4, 6000)] {
            assert!(p.widths[i] >= twips(min, 21), "column {i}: {:?}", p.widths);
        }
        // The running text gets more than any short column.
        assert!(p.widths[5] > p.widths[1], "{:?}", p.widths);
        for lines in &p.headers {
            for l in lines {
                assert!(
                    l.chars().count() >= 2,
                    "header line {l:?} in {:?}",
                    p.headers
                );
            }
        }
        assert_eq!(p.aligns[2], ColumnAlign::Right);
        assert_eq!(p.aligns[1], ColumnAlign::Left);
    }

    #[test]
    fn a_crowded_table_takes_the_smaller_font_before_wrapping() {
        let headers: Vec<String> = (0..11).map(|i| format!("指标{i}")).collect();
        let rows = vec![(0..11)
            .map(|_| "阿依古丽·买买".to_string())
            .collect::<Vec<_>>()];
        let p = plan_table(&headers, &rows, 8845, &[]);
        assert_eq!(p.widths.iter().sum::<usize>(), 8845);
        assert!(p.size < 21 || p.too_wide, "{p:?}");
        let rows = vec![(0..11).map(|_| "12".to_string()).collect::<Vec<_>>()];
        assert_eq!(plan_table(&headers, &rows, 8845, &[]).size, 21);
    }

    #[test]
    fn headers_wrap_only_between_words() {
        assert_eq!(wrap_words("联系接待选民", 4000), s(&["联系接待", "选民"]));
        // A domain term stays whole even when it is wider than the column.
        assert_eq!(wrap_words("联系接待选民", 3000), s(&["联系接待", "选民"]));
        assert_eq!(
            wrap_words("闭会期间活动人次", 4000),
            s(&["闭会期间", "活动人次"])
        );
        assert_eq!(wrap_words("代表数", 2000), s(&["代表", "数"]));
        assert_eq!(wrap_words("出席率", 3000), s(&["出席率"]));
    }

    /// 二号 titles hold 20 characters a line in the 156 mm block.
    #[test]
    fn long_titles_break_between_words_into_a_trapezoid() {
        let line = 20_000;
        for title in [
            "关于2025年度示范区人大常委会组成人员履职情况的报告",
            "关于2025年第四季度各代表小组履职情况的通报",
            "关于示范区第六届人民代表大会代表资格有关情况的报告",
            "关于2025年度示范区人大常委会法制委员会组成人员履职情况的报告",
        ] {
            let lines = break_title(title, line);
            assert_eq!(lines.concat(), title);
            assert!(lines.len() >= 2, "{lines:?}");
            for l in &lines {
                assert!(text_width(l) <= line, "{lines:?}");
                assert!(l.chars().count() >= 4, "{lines:?}");
            }
            assert!(good_shape(
                &lines.iter().map(|l| text_width(l)).collect::<Vec<_>>()
            ));
        }
        // The breaks cannot happen: "…履职情况的报 / 告".
        let lines = break_title("关于2025年度示范区人大常委会组成人员履职情况的报告", line);
        assert!(
            !lines.iter().any(|l| l == "告" || l.ends_with("的报")),
            "{lines:?}"
        );
        assert!(!lines[0].ends_with("组"), "{lines:?}");
        assert_eq!(
            break_title("关于2025年第三季度代表小组履职情况的通报", line),
            s(&["关于2025年第三季度", "代表小组履职情况的通报"])
        );
        let lines = break_title("关于表彰2025年度优秀履职代表和优秀代表建议的通报", line);
        assert!(
            lines
                .iter()
                .all(|l| !l.ends_with("优秀履职") && !l.ends_with("优秀")),
            "{lines:?}"
        );
        let lines = break_title("2025年度各代表之家、代表联络站联系群众情况统计表", line);
        assert!(
            lines
                .iter()
                .all(|l| !l.ends_with("代表") && !l.starts_with("联络站")),
            "{lines:?}"
        );
        assert_eq!(
            break_title("示范区人大代表履职档案", line),
            s(&["示范区人大代表履职档案"])
        );
    }

    /// Two running-text columns: the one with more to say gets more of the line; a
    /// category phrase without spaces does not claim ten characters as one token.
    #[test]
    fn running_text_shares_by_what_it_lacks() {
        let headers = s(&["类别", "姓名", "代表编号", "代表小组", "情况"]);
        let rows = vec![
            s(&[
                "本届未经批准缺席区人代会",
                "董建平",
                "D021",
                "滨河街道",
                "本届累计未经批准缺席区人代会2次，分别为区第六届人民代表大会第二次会议（2023年1月7日至1月9日）、区第六届人民代表大会第四次会议（2025年1月9日至1月11日）",
            ]),
            s(&["全年履职活动较少", "吕子涵", "D051", "翠屏街道", "全年闭会期间活动0次"]),
        ];
        let p = plan_table(&headers, &rows, 8845, &[]);
        assert!(!p.too_wide);
        // 类别 holds "全年履职活动较少" on a line but not the twelve-character phrase,
        // which would wrap anyway; 情况 gets the rest.
        assert!(p.widths[0] >= twips(8_000, p.size), "{:?}", p.widths);
        assert!(p.widths[0] < twips(12_000, p.size), "{:?}", p.widths);
        assert!(p.widths[4] > p.widths[0] * 3 / 2, "{:?}", p.widths);
    }

    /// A header wraps only where no line is left with one character.
    #[test]
    fn headers_leave_no_line_of_one_character() {
        assert_eq!(header_min("未报"), 2_000);
        assert_eq!(header_min("审议发言"), 2_000);
        assert_eq!(header_min("区人代会出席率"), text_width("区人代会"));
        assert_eq!(header_min("应出席"), 3_000);
        assert_eq!(header_min("率"), 1_000);
        let h: Vec<String> = ["姓名", "代表小组", "应出席", "出席", "请假", "缺席", "未报"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = vec![["欧阳明辉", "兴华街道", "6", "4", "2", "0", "0"]
            .iter()
            .map(|s| s.to_string())
            .collect()];
        let plan = plan_table(&h, &rows, 5_700, &[]);
        assert!(!plan.too_wide);
        for lines in &plan.headers {
            assert!(
                lines.len() == 1 || lines.iter().all(|l| l.chars().count() >= 2),
                "{:?}",
                plan.headers
            );
        }
    }

    /// A registered proper name is never split, though the segmenter sees a word
    /// boundary inside it; a name longer than a line still breaks at its words.
    #[test]
    fn titles_keep_registered_names_whole() {
        let line = 20_000;
        let title = "关于2025年度城乡建设与环境保护委员会组成人员履职情况的报告";
        let unkept = break_title(title, line);
        keep_whole(["城乡建设与环境保护委员会", "示"]);
        let kept = break_title(title, line);
        assert_eq!(
            kept,
            s(&[
                "关于2025年度城乡建设与环境保护委员会",
                "组成人员履职情况的报告"
            ]),
            "before registering: {unkept:?}"
        );
        assert_eq!(
            words("城乡建设与环境保护委员会组成人员"),
            s(&["城乡建设与环境保护委员会", "组成人员"])
        );
        let long = "一二三四五六七八九十一二三四五六七八九十一二三四五";
        keep_whole([long]);
        let lines = break_title(&format!("关于{long}的报告"), line);
        assert_eq!(lines.concat(), format!("关于{long}的报告"));
        assert!(lines.iter().all(|l| text_width(l) <= line), "{lines:?}");
    }

    /// A city's thousands of groups cost a text no more than a district's eighteen:
    /// names are looked up by length. Each name's occurrences are found from the left
    /// without overlapping one another, as `str::match_indices` finds them.
    #[test]
    fn registered_names_are_found_by_length_however_many() {
        let names: Vec<String> = (0..5000).map(|i| format!("第{i}联络组")).collect();
        keep_whole(&names);
        keep_whole(["啊哈啊哈啊"]);
        let text = "第4999联络组和第12联络组，啊哈啊哈啊哈啊哈啊；第12联络组";
        let mut found = kept_spans(text);
        found.sort_unstable();
        let mut expected: Vec<(usize, usize)> = ["第4999联络组", "第12联络组", "啊哈啊哈啊"]
            .iter()
            .flat_map(|n| text.match_indices(n).map(|(i, m)| (i, i + m.len())))
            .collect();
        expected.sort_unstable();
        assert_eq!(found, expected);
        assert_eq!(expected.len(), 4);
        assert_eq!(
            words("第4999联络组召开会议"),
            s(&["第4999联络组", "召开", "会议"])
        );
    }

    #[test]
    fn shapes() {
        assert!(good_shape(&[18, 12]));
        assert!(good_shape(&[8, 14]));
        assert!(good_shape(&[10, 18, 9]));
        assert!(!good_shape(&[16, 6, 16]));
        assert!(!good_shape(&[10, 10, 10]));
    }
}
