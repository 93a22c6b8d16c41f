//! 联系群众 figures as documents print them (issue #19): the yearly report's section and
//! the per-家站 table of its appendix.

use crate::domain::archive::Period;
use crate::domain::contact::{by_station, totals, Contact, ContactHandling, ContactTotals};
use crate::domain::model::Records;
use crate::domain::text::percent;
use crate::render::xlsx::{Cell, Table};
use serde::Serialize;

/// The period's receptions, ready for a template. `recorded` false: no 联系群众 sheet
/// came in, and the template says so rather than printing 0.
#[derive(Debug, Clone, Serialize)]
pub struct Contacts {
    pub recorded: bool,
    pub receptions: u32,
    pub stations: u32,
    /// Delegates who received at least once, and their share of all delegates.
    pub delegates: u32,
    pub delegates_pct: String,
    /// 接待群众人次.
    pub people: u32,
    /// 收集意见建议条数.
    pub opinions: u32,
    pub on_the_spot: u32,
    pub on_the_spot_pct: String,
    pub referred: u32,
    pub referred_pct: String,
    pub to_suggestion: u32,
    pub to_suggestion_pct: String,
    /// Opinions of rows without 办理方式.
    pub unhandled: u32,
}

fn in_period<'a>(records: &'a Records, period: &Period) -> Vec<&'a Contact> {
    records
        .contacts
        .iter()
        .filter(|c| period.contains(c.date))
        .collect()
}

/// The section's figures; `all_delegates` is the report's delegate count.
pub fn contacts(records: &Records, period: &Period, all_delegates: u32) -> Contacts {
    let rows = in_period(records, period);
    let t: ContactTotals = totals(rows.iter().copied());
    let stations = by_station(rows.iter().copied()).len() as u32;
    let [spot, referred, sugg] = t.by_handling;
    Contacts {
        recorded: !records.contacts.is_empty(),
        receptions: t.receptions,
        stations,
        delegates: t.delegates,
        delegates_pct: percent(t.delegates, all_delegates),
        people: t.people,
        opinions: t.opinions,
        on_the_spot: spot,
        on_the_spot_pct: percent(spot, t.opinions),
        referred,
        referred_pct: percent(referred, t.opinions),
        to_suggestion: sugg,
        to_suggestion_pct: percent(sugg, t.opinions),
        unhandled: t.unhandled,
    }
}

/// 各家站联系群众情况: one row per 家站 and a 合计 row.
/// Rows in the order of the groups (`groups`, the roster's) whose name a 家站's name
/// begins with ("东湖镇代表之家" with 东湖镇), the rest after them, by name.
pub fn station_table(records: &Records, period: &Period, groups: &[String]) -> Table {
    let rows = in_period(records, period);
    let mut headers = vec!["家站/联络站", "接待次数", "接待群众人次", "意见建议条数"];
    headers.extend(ContactHandling::ALL.iter().map(|h| h.label()));
    headers.push("参加代表");
    let int = |n: u32| Cell::Int(i64::from(n));
    let line = |name: &str, t: &ContactTotals| -> Vec<Cell> {
        let mut r = vec![
            Cell::Text(name.to_string()),
            int(t.receptions),
            int(t.people),
            int(t.opinions),
        ];
        r.extend(t.by_handling.iter().map(|n| int(*n)));
        r.push(int(t.delegates));
        r
    };
    let mut t = Table::new("家站联系群众", &headers);
    let mut stations = by_station(rows.iter().copied());
    let rank = |name: &str| {
        groups
            .iter()
            .position(|g| !g.is_empty() && name.starts_with(g.as_str()))
            .unwrap_or(groups.len())
    };
    // Stable: by name within a group, as `by_station` gives them.
    stations.sort_by_key(|(name, _)| rank(name));
    t.rows = stations.iter().map(|(s, t)| line(s, t)).collect();
    t.rows.push(line("合计", &totals(rows.iter().copied())));
    t.notes.push(
        "合计栏的“参加代表”按人计算，一名代表在几个家站参加接待的只计一次，因此少于各家站人数之和。"
            .to_string(),
    );
    t
}

/// Column widths of `station_table` in the Word attachment (characters).
pub const STATION_WIDTHS: [u32; 8] = [10, 4, 5, 5, 4, 4, 5, 4];

#[cfg(test)]
mod tests {
    use super::*;

    /// 家站 rows follow the roster's groups their names begin with; the rest after.
    #[test]
    fn stations_follow_the_groups() {
        let row = crate::domain::contact::tests::row;
        let records = Records {
            contacts: vec![
                row("其他联络站", &["D1"], 1, 0, None),
                row("乙镇代表之家", &["D2"], 1, 0, None),
                row("甲镇代表联络站", &["D3"], 1, 0, None),
                row("甲镇代表之家", &["D4"], 1, 0, None),
            ],
            ..Records::default()
        };
        let groups = ["甲镇".to_string(), "乙镇".to_string()];
        let t = station_table(&records, &Period::year(2025), &groups);
        let names: Vec<String> = t.rows.iter().map(|r| r[0].text()).collect();
        assert_eq!(
            names,
            [
                "甲镇代表之家",
                "甲镇代表联络站",
                "乙镇代表之家",
                "其他联络站",
                "合计"
            ]
        );
    }

    #[test]
    fn no_sheet_is_not_recorded() {
        let c = contacts(&Records::default(), &Period::year(2025), 10);
        assert!(!c.recorded);
        assert_eq!(c.on_the_spot_pct, "—");
        let t = station_table(&Records::default(), &Period::year(2025), &[]);
        let total: Vec<String> = t.rows.iter().flatten().map(Cell::text).collect();
        assert_eq!(total, ["合计", "0", "0", "0", "0", "0", "0", "0"]);
    }
}
