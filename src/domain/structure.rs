//! Structure and trend for re-nomination (issue #19): performance is one input among the
//! structure requirements (women, non-CPC, minorities, age, occupation), and rules look
//! at trends ("连续两年位于后段").

use crate::domain::model::Delegate;
use crate::domain::score::Band;
use chrono::{Datelike, NaiveDate};

/// "连续两年位于后段": two consecutive years in the bottom band. A year without a band
/// (not serving, no score) breaks the run.
pub fn consecutive_bottom(bands: &[Option<Band>]) -> bool {
    bands
        .windows(2)
        .any(|w| w[0] == Some(Band::Bottom) && w[1] == Some(Band::Bottom))
}

/// Full years of age on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// One line of the structure table: its name and who counts.
pub struct StructureLine {
    pub name: String,
    pub test: Box<dyn Fn(&Delegate) -> bool>,
}

fn line(name: impl Into<String>, test: impl Fn(&Delegate) -> bool + 'static) -> StructureLine {
    StructureLine {
        name: name.into(),
        test: Box::new(test),
    }
}

/// The lines the structure table reports: 女性, 非中共党员, 少数民族, four age bands at
/// `term_end`, each configured 职业构成, and 连任. Blank fields count in no line.
pub fn lines(occupations: &[String], term_end: NaiveDate) -> Vec<StructureLine> {
    let age = move |d: &Delegate| d.birth.map(|b| age_on(b, term_end));
    let mut out = vec![
        line("女性", |d| d.gender == "女"),
        line("非中共党员", |d| {
            !d.party.is_empty()
                && !matches!(
                    d.party.as_str(),
                    "中共党员" | "中国共产党党员" | "中共预备党员"
                )
        }),
        line("少数民族", |d| {
            !d.ethnicity.is_empty() && d.ethnicity != "汉族" && d.ethnicity != "汉"
        }),
        line("届满时35岁以下", move |d| {
            age(d).is_some_and(|a| a <= 35)
        }),
        line("届满时36至50岁", move |d| {
            age(d).is_some_and(|a| (36..=50).contains(&a))
        }),
        line("届满时51至60岁", move |d| {
            age(d).is_some_and(|a| (51..=60).contains(&a))
        }),
        line("届满时61岁以上", move |d| {
            age(d).is_some_and(|a| a >= 61)
        }),
    ];
    for o in occupations {
        let o2 = o.clone();
        out.push(line(o.clone(), move |d| d.occupation == o2));
    }
    out.push(line("连任代表", |d| d.re_elected == Some(true)));
    out
}

/// Each line's count among `all` and among `suggested`; a line with nobody in either
/// (an occupation nobody has, such as 其他) is left out, as a row of zeros says nothing.
pub fn counts(
    lines: &[StructureLine],
    all: &[&Delegate],
    suggested: &[&Delegate],
) -> Vec<(String, u32, u32)> {
    lines
        .iter()
        .map(|l| {
            let n = |ds: &[&Delegate]| ds.iter().filter(|d| (l.test)(d)).count() as u32;
            (l.name.clone(), n(all), n(suggested))
        })
        .filter(|(_, a, s)| *a > 0 || *s > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked examples of the trend rule.
    #[test]
    fn two_consecutive_bottom_years() {
        use Band::*;
        // 2023 and 2024 both in the bottom band.
        assert!(consecutive_bottom(&[
            Some(Middle),
            Some(Bottom),
            Some(Bottom),
            Some(Top)
        ]));
        // Bottom twice, but not in a row.
        assert!(!consecutive_bottom(&[
            Some(Bottom),
            Some(Middle),
            Some(Bottom)
        ]));
        // A year not served between two bottom years breaks the run.
        assert!(!consecutive_bottom(&[Some(Bottom), None, Some(Bottom)]));
        // One year only.
        assert!(!consecutive_bottom(&[Some(Bottom)]));
    }

    #[test]
    fn structure_counts() {
        let end = NaiveDate::from_ymd_opt(2027, 1, 5).expect("date");
        let mut a = Delegate::sample("D1");
        a.gender = "女".into();
        a.party = "无党派人士".into();
        a.ethnicity = "回族".into();
        a.birth = NaiveDate::from_ymd_opt(1992, 1, 6);
        a.occupation = "农民".into();
        a.re_elected = Some(true);
        let mut b = Delegate::sample("D2");
        b.gender = "男".into();
        b.party = "中共党员".into();
        b.ethnicity = "汉族".into();
        b.birth = NaiveDate::from_ymd_opt(1960, 3, 1);
        let occ = ["基层一线工人".to_string(), "农民".to_string()];
        let ls = lines(&occ, end);
        let c = counts(&ls, &[&a, &b], &[&a]);
        let get = |name: &str| c.iter().find(|x| x.0 == name).map(|x| (x.1, x.2));
        assert_eq!(get("女性"), Some((1, 1)));
        assert_eq!(get("非中共党员"), Some((1, 1)));
        assert_eq!(get("少数民族"), Some((1, 1)));
        // Born 1992-01-06: still 34 on 2027-01-05, the day before the birthday.
        assert_eq!(get("届满时35岁以下"), Some((1, 1)));
        assert_eq!(get("届满时61岁以上"), Some((1, 0)));
        assert_eq!(get("农民"), Some((1, 1)));
        // Nobody in either: no row.
        assert_eq!(get("基层一线工人"), None);
        assert_eq!(get("连任代表"), Some((1, 1)));
    }
}
