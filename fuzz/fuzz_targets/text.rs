//! Cell normalisation and date parsing on arbitrary text: no panic, and the results keep
//! their promises (a parsed date is plausible, a normalised name has no spaces).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lvzhi::domain::text;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Some(d) = text::parse_date_text(s) {
        let y = chrono::Datelike::year(&d);
        assert!((1900..=2100).contains(&y), "implausible year from {s:?}");
    }
    let n = text::normalize_name(s);
    assert!(!n.chars().any(char::is_whitespace), "space left in {n:?}");
    let _ = text::normalize_header(s);
    let c = text::clean_text(s);
    assert!(!c.chars().any(char::is_control), "control character left in {c:?}");
    for part in text::split_name_list(s) {
        let _ = text::split_name_and_id(&part);
    }
    let (a, b) = s.split_at(s.char_indices().nth(s.chars().count() / 2).map_or(0, |x| x.0));
    let _ = text::char_distance(&a.chars().take(64).collect::<String>(), &b.chars().take(64).collect::<String>());
    if let Ok(f) = s.trim().parse::<f64>() {
        let _ = text::excel_serial_to_date(f);
        let _ = text::percent(f.abs().min(1e6) as u32, 7);
    }
});
