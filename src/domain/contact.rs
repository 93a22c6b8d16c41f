//! 联系群众 (issue #19): delegates receiving voters at a 代表之家 or 代表联络站 (家站),
//! how many people came, how many opinions were collected and how they were handled.

use crate::domain::model::Source;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// 办理方式 of the opinions collected at one reception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContactHandling {
    /// 当场答复
    OnTheSpot,
    /// 转交办理
    Referred,
    /// 形成代表建议
    Suggestion,
}

impl ContactHandling {
    pub const ALL: [ContactHandling; 3] = [
        ContactHandling::OnTheSpot,
        ContactHandling::Referred,
        ContactHandling::Suggestion,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ContactHandling::OnTheSpot => "当场答复",
            ContactHandling::Referred => "转交办理",
            ContactHandling::Suggestion => "形成代表建议",
        }
    }
    pub fn parse(s: &str) -> Option<ContactHandling> {
        Some(match crate::domain::text::normalized_name(s).as_ref() {
            "当场答复" | "现场答复" | "当场解答" | "现场解答" | "当面答复" => {
                ContactHandling::OnTheSpot
            }
            "转交办理" | "转交" | "转办" | "转交有关部门" | "交办" => {
                ContactHandling::Referred
            }
            "形成代表建议" | "形成建议" | "转为代表建议" | "转为建议" => {
                ContactHandling::Suggestion
            }
            _ => return None,
        })
    }
}

/// One row of 联系群众: a reception at a 家站 by one or several delegates.
#[derive(Debug, Clone)]
pub struct Contact {
    pub date: NaiveDate,
    /// 家站/联络站 as written (blank when not given).
    pub station: String,
    /// The delegates who received, by id, in the order written.
    pub delegates: Vec<String>,
    /// 接待群众人数.
    pub people: u32,
    /// 收集意见建议条数.
    pub opinions: u32,
    pub handling: Option<ContactHandling>,
    pub result: String,
    pub feedback: String,
    pub unit: String,
    pub source: Source,
}

/// The figures of a set of receptions: each reception counted once, however many
/// delegates took part (a delegate's archive counts every reception they were at).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactTotals {
    /// Receptions (rows).
    pub receptions: u32,
    /// 接待群众人次.
    pub people: u32,
    /// 收集意见建议条数.
    pub opinions: u32,
    /// Opinions by 办理方式, in `ContactHandling::ALL` order.
    pub by_handling: [u32; 3],
    /// Opinions of rows whose 办理方式 is blank.
    pub unhandled: u32,
    /// Delegates who took part at least once.
    pub delegates: u32,
}

/// Totals over `rows`.
pub fn totals<'a>(rows: impl IntoIterator<Item = &'a Contact>) -> ContactTotals {
    let mut t = ContactTotals::default();
    let mut who: std::collections::BTreeSet<&str> = Default::default();
    for c in rows {
        t.receptions += 1;
        t.people += c.people;
        t.opinions += c.opinions;
        match c.handling {
            Some(h) => {
                let i = ContactHandling::ALL
                    .iter()
                    .position(|x| *x == h)
                    .unwrap_or(0);
                t.by_handling[i] += c.opinions;
            }
            None => t.unhandled += c.opinions,
        }
        who.extend(c.delegates.iter().map(String::as_str));
    }
    t.delegates = who.len() as u32;
    t
}

/// Totals per 家站, in name order; a blank station is listed as 未填家站.
pub fn by_station<'a>(rows: impl IntoIterator<Item = &'a Contact>) -> Vec<(String, ContactTotals)> {
    let mut groups: BTreeMap<String, Vec<&Contact>> = BTreeMap::new();
    for c in rows {
        let name = if c.station.is_empty() {
            "未填家站".to_string()
        } else {
            c.station.clone()
        };
        groups.entry(name).or_default().push(c);
    }
    groups.into_iter().map(|(k, v)| (k, totals(v))).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn row(
        station: &str,
        who: &[&str],
        people: u32,
        opinions: u32,
        h: Option<ContactHandling>,
    ) -> Contact {
        Contact {
            date: NaiveDate::from_ymd_opt(2025, 3, 5).expect("date"),
            station: station.into(),
            delegates: who.iter().map(|s| s.to_string()).collect(),
            people,
            opinions,
            handling: h,
            result: String::new(),
            feedback: String::new(),
            unit: "东湖镇".into(),
            source: Source {
                file: "2025/东湖镇.xlsx".into(),
                sheet: "联系群众".into(),
                row: 3,
            },
        }
    }

    #[test]
    fn a_joint_reception_counts_once_in_the_totals() {
        let rows = [
            row(
                "东湖镇代表之家",
                &["D1", "D2"],
                12,
                5,
                Some(ContactHandling::OnTheSpot),
            ),
            row(
                "东湖镇代表之家",
                &["D1"],
                8,
                3,
                Some(ContactHandling::Suggestion),
            ),
            row("", &["D3"], 4, 2, None),
        ];
        let t = totals(&rows);
        assert_eq!(
            t,
            ContactTotals {
                receptions: 3,
                people: 24,
                opinions: 10,
                by_handling: [5, 0, 3],
                unhandled: 2,
                delegates: 3,
            }
        );
        let s = by_station(&rows);
        assert_eq!(s[0].0, "东湖镇代表之家");
        assert_eq!((s[0].1.people, s[0].1.opinions), (20, 8));
        assert_eq!(s[1].0, "未填家站");
    }

    #[test]
    fn handling_spellings() {
        assert_eq!(
            ContactHandling::parse("转办"),
            Some(ContactHandling::Referred)
        );
        assert_eq!(
            ContactHandling::parse("形成建议"),
            Some(ContactHandling::Suggestion)
        );
        assert_eq!(ContactHandling::parse("其他"), None);
    }
}
