//! Normalisation of what people type into cells: full-width characters, stray spaces,
//! name variants and the many ways a date is written. Pure functions, no I/O.

use chrono::{Datelike, NaiveDate};

/// Full-width ASCII (！ to ～) and the ideographic space become their half-width twins,
/// because WPS users type digits and letters in full width without noticing.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Trims, converts to half width and folds runs of white space into one space.
pub fn clean_text(s: &str) -> String {
    cleaned_text(s).into_owned()
}

/// `clean_text`, borrowing the text when it is already clean (most cells are): one scan
/// instead of three passes and a copy.
pub fn cleaned_text(s: &str) -> std::borrow::Cow<'_, str> {
    if is_clean(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(clean_slow(s))
    }
}

fn clean_slow(s: &str) -> String {
    // Invisible characters go first, so that one between two spaces leaves no double
    // or trailing space behind.
    let mut half = to_half_width(s);
    half.retain(|c| !is_invisible(c) || c.is_whitespace());
    let mut out = String::with_capacity(half.len());
    for word in half.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `clean_text` would leave nothing, without building its result: blank cells
/// are dropped as they are read.
pub fn is_blank_text(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// Control and invisible format characters never belong in a cell value: a soft hyphen,
/// a zero-width space or joiner, a direction mark or override would make two names that
/// look the same compare different (and could make a fix hint suggest what was typed).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' // soft hyphen
            | '\u{034F}' // combining grapheme joiner
            | '\u{061C}' // Arabic letter mark
            | '\u{180E}' // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, (non-)joiner, LRM, RLM
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}' // isolates, deprecated format characters
            | '\u{FEFF}' // byte order mark, zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

/// Text cut to at most `max` characters, marked with … when cut: for names and values
/// quoted in messages, never for data that is kept.
pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some(_) => {
            let head: String = s.chars().take(max.saturating_sub(1)).collect();
            format!("{head}…")
        }
    }
}

/// The dots typed between the parts of a minority name (阿依古丽·买买提).
fn is_name_dot(c: char) -> bool {
    matches!(c, '•' | '・' | '‧' | '∙' | '⋅' | '●' | '.' | '｡')
}

/// Whether `clean_text` would return the text unchanged.
fn is_clean(s: &str) -> bool {
    let mut prev_space = true; // no leading space
    for c in s.chars() {
        if c.is_whitespace() {
            if c != ' ' || prev_space {
                return false;
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        // What to_half_width would change, or the clean-up would remove.
        if is_invisible(c) || c == '\u{3000}' || ('\u{FF01}'..='\u{FF5E}').contains(&c) {
            return false;
        }
    }
    !prev_space || s.is_empty()
}

/// A person's name as it is compared: no spaces at all (张 三 is 张三) and one kind of
/// middle dot for minority names (阿依古丽·买买提, whatever dot was typed).
pub fn normalize_name(s: &str) -> String {
    normalized_name(s).into_owned()
}

/// `normalize_name`, borrowing the text when it is already normalised (most names are):
/// for keys built for every record.
pub fn normalized_name(s: &str) -> std::borrow::Cow<'_, str> {
    if is_clean(s) && !s.chars().any(|c| c == ' ' || is_name_dot(c)) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(normalize_slow(s))
    }
}

fn normalize_slow(s: &str) -> String {
    clean_text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if is_name_dot(c) { '·' } else { c })
        .collect()
}

/// A header cell as it is matched against the known column names: no spaces, half width,
/// without required-field stars and without a bracketed remark such as （必填） or (年月日).
pub fn normalize_header(s: &str) -> String {
    let mut out: String = clean_text(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != ':' && *c != '：')
        .collect();
    for open in ['(', '（'] {
        if let Some(pos) = out.find(open) {
            if pos > 0 {
                out.truncate(pos);
            }
        }
    }
    out
}

/// A unit's name as it is compared: 兴华街道 and 兴华街道代表小组 are the same unit.
pub fn unit_key(s: &str) -> String {
    let n = normalize_name(s);
    n.strip_suffix("代表小组").unwrap_or(&n).to_string()
}

/// Parses a date typed as text: 2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日, 20250305,
/// also with full-width digits and surrounding spaces, and a trailing time part.
pub fn parse_date_text(raw: &str) -> Option<NaiveDate> {
    let cleaned = clean_text(raw);
    // A time of day after a space or 'T' (2025-03-05 09:30) is dropped.
    let date_part = match cleaned.find(':') {
        Some(colon) => match cleaned[..colon].rfind([' ', 'T', 't']) {
            Some(cut) => &cleaned[..cut],
            None => cleaned.as_str(),
        },
        None => cleaned.as_str(),
    };
    let s: String = date_part.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return None;
    }
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        let y = s[0..4].parse().ok()?;
        let m = s[4..6].parse().ok()?;
        let d = s[6..8].parse().ok()?;
        return plausible(NaiveDate::from_ymd_opt(y, m, d)?);
    }
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日', '号'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3
        || parts[0].len() != 4
        || !parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    plausible(NaiveDate::from_ymd_opt(y, m, d)?)
}

/// An Excel serial day number (1900 system) as a date; accepted only in a plausible
/// range so that a stray count is not taken for a date.
pub fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !(20_000.0..=80_000.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(serial.floor() as i64))
}

fn plausible(d: NaiveDate) -> Option<NaiveDate> {
    (1900..=2100).contains(&d.year()).then_some(d)
}

/// A date the way official documents write it: 2025年3月5日, never with leading zeros.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// ISO form used in record sheets, sortable and unambiguous.
pub fn iso_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Splits a list of names typed into one cell: 、，, ; ； and spaces separate names,
/// except inside the （编号） that disambiguates a shared name.
pub fn split_name_list(s: &str) -> Vec<String> {
    let half = to_half_width(s);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0u32;
    for c in half.chars() {
        match c {
            '(' | '（' => {
                depth += 1;
                cur.push(c);
            }
            ')' | '）' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '、' | ',' | '，' | ';' | '；' | '/' | '\n' | '\r' | '\t' | ' ' if depth == 0 => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Splits 姓名（代表编号） into the name and the id; a plain name gives no id.
pub fn split_name_and_id(s: &str) -> (String, Option<String>) {
    // Most cells are a bare name: no bracket, half width or not.
    if !s.contains(['(', '（']) {
        return (normalize_name(s), None);
    }
    let half = to_half_width(s);
    if let Some(open) = half.find(['(', '（']) {
        let name = &half[..open];
        let rest = &half[open..];
        let inner: String = rest
            .chars()
            .skip(1)
            .take_while(|c| *c != ')' && *c != '）')
            .collect();
        let id = clean_text(&inner);
        if !id.is_empty() {
            return (normalize_name(name), Some(id));
        }
    }
    (normalize_name(&half), None)
}

/// Edit distance over characters, for suggesting the roster name a typo meant.
pub fn char_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Excel column letters for a zero-based column index (0 → A, 27 → AB).
pub fn column_letter(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Round half away from zero, as Excel and official statistics do (not banker's rounding).
pub fn round_half_away(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let y = x * f;
    let r = y.abs() + 0.5;
    // Guard against 0.285 * 100 = 28.499999…: nudge by a tiny relative epsilon first.
    let r = (r + r * 1e-12).floor();
    r.copysign(y) / f
}

/// A share as a percentage with one decimal, e.g. 0.2 → "20.0%"; no denominator → "—".
pub fn percent(numerator: u32, denominator: u32) -> String {
    rate((denominator > 0).then(|| f64::from(numerator) / f64::from(denominator)))
}

/// A computed share as a percentage with one decimal; `None` (nothing to divide by) → "—".
/// The one way every document writes a rate.
pub fn rate(share: Option<f64>) -> String {
    share.map_or_else(
        || "—".to_string(),
        |x| format!("{:.1}%", round_half_away(x * 100.0, 1)),
    )
}

/// A configured fraction as people write it: 0.2 → 20%, 0.125 → 12.5%.
pub fn fraction_percent(f: f64) -> String {
    let p = round_half_away(f * 100.0, 1);
    if p.fract() == 0.0 {
        format!("{}%", p as i64)
    } else {
        format!("{p:.1}%")
    }
}

/// The law's full title for its first mention in a document, and the short form after.
pub const DELEGATE_LAW: &str = "《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》";
pub const DELEGATE_LAW_SHORT: &str = "《代表法》";

/// How a part relates to its whole, to write "其中…" only when it says something:
/// none → "", the single one → "" (the sentence already names it), all of several →
/// "均", some → "其中{part}{unit}". E.g. "少于2次的代表3名，其中1名全年没有活动记录".
pub fn of_which(part: u32, whole: u32, unit: &str) -> String {
    if part == 0 || whole <= 1 {
        String::new()
    } else if part >= whole {
        "均".to_string()
    } else {
        format!("其中{part}{unit}")
    }
}

/// "为" before one listed item, "分别为" before several: never "1次，分别为…".
pub fn listed_as(n: usize) -> &'static str {
    if n > 1 {
        "分别为"
    } else {
        "为"
    }
}

/// Whole calendar months from `from` to `to`: the most months that, added to `from`,
/// still end on or before `to` (0 when `to` is not after `from`).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut months = 0u32;
    while from
        .checked_add_months(chrono::Months::new(months + 1))
        .is_some_and(|d| d <= to)
    {
        months += 1;
    }
    months
}

/// Time from `from` (the day figures are counted to) to `to` (the last day of the
/// term), as a report says it: "12个月" when whole months, "12个多月" with days over,
/// "20天" under a month, None when `to` is not after `from`. Months are counted by
/// calendar (31 January + 1 month = 28/29 February), so month ends are not off by one.
pub fn time_left(from: NaiveDate, to: NaiveDate) -> Option<String> {
    if to <= from {
        return None;
    }
    let months = whole_months(from, to);
    let after = from.checked_add_months(chrono::Months::new(months))?;
    let days = (to - after).num_days();
    Some(match (months, days) {
        (0, d) => format!("{d}天"),
        (m, 0) => format!("{m}个月"),
        (m, _) => format!("{m}个多月"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_which_says_none_one_some_or_all() {
        assert_eq!(of_which(0, 3, "名"), "");
        // One of one: the sentence already counts it ("代表1名，全年没有…").
        assert_eq!(of_which(1, 1, "名"), "");
        assert_eq!(of_which(1, 3, "名"), "其中1名");
        assert_eq!(of_which(2, 2, "名"), "均");
        assert_eq!(of_which(0, 0, "名"), "");
    }

    #[test]
    fn listed_as_one_or_several() {
        assert_eq!(listed_as(1), "为");
        assert_eq!(listed_as(2), "分别为");
    }

    #[test]
    fn time_left_counts_calendar_months() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("date");
        // The sample term: figures to 31 December 2025, the term's last day 5 January
        // 2027: twelve months and five days, not "13个月".
        assert_eq!(
            time_left(d(2025, 12, 31), d(2027, 1, 5)).as_deref(),
            Some("12个多月")
        );
        // Month ends: 31 January + 1 month is the last day of February.
        assert_eq!(
            time_left(d(2025, 1, 31), d(2025, 2, 28)).as_deref(),
            Some("1个月")
        );
        assert_eq!(
            time_left(d(2024, 1, 31), d(2024, 2, 28)).as_deref(),
            Some("28天")
        );
        assert_eq!(
            time_left(d(2024, 1, 31), d(2024, 2, 29)).as_deref(),
            Some("1个月")
        );
        assert_eq!(
            time_left(d(2025, 11, 30), d(2025, 12, 31)).as_deref(),
            Some("1个多月")
        );
        assert_eq!(
            time_left(d(2025, 6, 30), d(2026, 6, 30)).as_deref(),
            Some("12个月")
        );
        assert_eq!(
            time_left(d(2025, 12, 31), d(2026, 1, 5)).as_deref(),
            Some("5天")
        );
        assert_eq!(time_left(d(2026, 1, 5), d(2026, 1, 5)), None);
        assert_eq!(time_left(d(2026, 2, 1), d(2026, 1, 5)), None);
        assert_eq!(whole_months(d(2025, 12, 31), d(2027, 1, 5)), 12);
        assert_eq!(whole_months(d(2025, 12, 31), d(2027, 1, 31)), 13);
        assert_eq!(whole_months(d(2026, 2, 1), d(2026, 1, 5)), 0);
    }

    #[test]
    fn rates_round_half_away_and_dash_without_denominator() {
        assert_eq!(rate(Some(0.8745)), "87.5%");
        assert_eq!(rate(Some(0.00049)), "0.0%");
        assert_eq!(rate(None), "—");
        assert_eq!(percent(7, 8), "87.5%");
        assert_eq!(percent(1, 0), "—");
    }

    #[test]
    fn fast_paths_agree_with_the_full_normalisation() {
        let alphabet = [
            ' ', '\u{3000}', 'Ａ', 'a', '张', '\t', '\u{200B}', '·', '•', '.', '\n', '１', '\u{7}',
        ];
        let mut rng = crate::sample::Rng::new(3);
        for _ in 0..20_000 {
            let len = rng.below(7) as usize;
            let s: String = (0..len).map(|_| rng.pick(&alphabet)).collect();
            assert_eq!(clean_text(&s), clean_slow(&s), "{s:?}");
            assert_eq!(normalize_name(&s), normalize_slow(&s), "{s:?}");
            assert_eq!(is_blank_text(&s), clean_slow(&s).is_empty(), "{s:?}");
            // Without a bracket: the name as the full path (half width first) gives it.
            assert_eq!(
                split_name_and_id(&s),
                (normalize_slow(&to_half_width(&s)), None),
                "{s:?}"
            );
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn dates_in_every_common_spelling() {
        for s in [
            "2025-03-05",
            "2025/3/5",
            "2025.3.5",
            "2025年3月5日",
            "20250305",
            " ２０２５年３月５日 ",
            "2025-03-05 09:30:00",
            "2025-03-05T09:30:00",
            "2025 年 3 月 5 日",
        ] {
            assert_eq!(parse_date_text(s), Some(d(2025, 3, 5)), "{s}");
        }
        for s in [
            "",
            "三月五日",
            "2025-13-01",
            "2025-02-30",
            "25/3/5",
            "12345",
            "1-2-3-4",
        ] {
            assert_eq!(parse_date_text(s), None, "{s}");
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial_to_date(45721.0), Some(d(2025, 3, 5)));
        assert_eq!(excel_serial_to_date(45721.75), Some(d(2025, 3, 5)));
        assert_eq!(excel_serial_to_date(25.0), None);
    }

    /// A soft hyphen, word joiner, zero-width space, direction override or byte order
    /// mark inside a name is dropped: 王芳 typed with any of them is 王芳.
    #[test]
    fn invisible_characters_are_stripped() {
        for c in [
            '\u{00AD}', '\u{2060}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}',
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{FEFF}',
        ] {
            let typed = format!("{c}王{c}芳{c}");
            assert_eq!(normalize_name(&typed), "王芳", "U+{:04X}", c as u32);
            assert_eq!(
                clean_text(&format!("区 {c}人大")),
                "区 人大",
                "U+{:04X}",
                c as u32
            );
            assert!(is_blank_text(&c.to_string()));
        }
        // Visible marks stay: the middle dot of minority names, CJK punctuation.
        assert_eq!(normalize_name("阿依古丽·买买提"), "阿依古丽·买买提");
        assert_eq!(clean_text("甲、乙"), "甲、乙");
    }

    #[test]
    fn clip_cuts_long_text_on_a_character_boundary() {
        assert_eq!(clip("短", 5), "短");
        assert_eq!(clip(&"长".repeat(40_000), 5), "长长长长…");
        assert_eq!(clip("abcdef", 6), "abcdef");
    }

    #[test]
    fn names_compare_without_spaces_and_with_one_middle_dot() {
        assert_eq!(normalize_name("张 三"), "张三");
        assert_eq!(normalize_name(" 张\u{3000}三 "), "张三");
        assert_eq!(normalize_name("阿依古丽•买买提"), "阿依古丽·买买提");
        assert_eq!(normalize_name("阿依古丽.买买提"), "阿依古丽·买买提");
        assert_eq!(normalize_name("阿依古丽・买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn headers_match_with_spaces_stars_and_remarks() {
        assert_eq!(normalize_header(" 代表 姓名 "), "代表姓名");
        assert_eq!(normalize_header("*日期（年月日）"), "日期");
        assert_eq!(normalize_header("出席情况(必填)"), "出席情况");
        assert_eq!(normalize_header("代表编号："), "代表编号");
    }

    #[test]
    fn name_lists_split_on_every_separator_but_keep_ids() {
        assert_eq!(
            split_name_list("张三、李四，王五;赵六 钱七（D012）"),
            vec!["张三", "李四", "王五", "赵六", "钱七(D012)"]
        );
        assert_eq!(split_name_list("  "), Vec::<String>::new());
        assert_eq!(
            split_name_and_id("王 芳（ D012 ）"),
            ("王芳".to_string(), Some("D012".to_string()))
        );
        assert_eq!(split_name_and_id("王芳"), ("王芳".to_string(), None));
    }

    #[test]
    fn full_width_digits_become_ascii() {
        assert_eq!(clean_text("　ＡＢ１２３　 x"), "AB123 x");
        assert_eq!(clean_text("a\u{200B}b"), "ab");
    }

    #[test]
    fn distance_and_letters() {
        assert_eq!(char_distance("张三", "张山"), 1);
        assert_eq!(char_distance("张三", "张三丰"), 1);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_half_away(0.125, 2), 0.13);
        assert_eq!(round_half_away(2.5, 0), 3.0);
        assert_eq!(round_half_away(28.45, 1), 28.5);
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(1, 8), "12.5%");
        assert_eq!(percent(1, 0), "—");
        assert_eq!(percent(2, 10), "20.0%");
        assert_eq!(fraction_percent(0.2), "20%");
        assert_eq!(fraction_percent(0.5), "50%");
        assert_eq!(fraction_percent(0.125), "12.5%");
    }

    #[test]
    fn official_dates_have_no_leading_zeros() {
        assert_eq!(chinese_date(d(2019, 9, 5)), "2019年9月5日");
    }
}
