//! District-wide figures the public edition shows beside the delegates' pages (issue #19):
//! counts only, never a name, a phone number or a voter's words.

use crate::config::Config;
use crate::domain::archive::Period;
use crate::domain::model::Records;
use crate::render::xlsx::{Cell, Table};

/// The public figures of a period: (heading, rows of (label, value)), in print order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublicFigures {
    pub sections: Vec<(String, Vec<(String, String)>)>,
}

/// The figures of `period` from the records.
pub fn figures(records: &Records, period: &Period, config: &Config) -> PublicFigures {
    let mut out = PublicFigures::default();
    let items: Vec<_> = records
        .suggestions
        .iter()
        .filter(|s| period.contains(s.date))
        .collect();
    let h = super::handling::handling(&items, &config.suggestions, period.end);
    let mut rows = vec![(
        "代表建议、批评和意见".to_string(),
        format!("{}件", items.len()),
    )];
    if h.categories_recorded {
        rows.extend(
            h.categories
                .iter()
                .map(|c| (format!("其中{}类", c.name), format!("{}件", c.n))),
        );
        if h.unclassified > 0 {
            rows.push(("未填类别".into(), format!("{}件", h.unclassified)));
        }
    } else {
        rows.push(("按类别".into(), "未登记".into()));
    }
    out.sections.push(("代表建议按类别".into(), rows));
    out.sections.push((
        "代表之家、代表联络站联系群众".into(),
        contact_rows(records, period),
    ));
    out
}

/// Receptions at the 家站: totals, how the opinions were handled, and each 家站.
fn contact_rows(records: &Records, period: &Period) -> Vec<(String, String)> {
    use crate::domain::contact::{by_station, totals, ContactHandling};
    if records.contacts.is_empty() {
        return vec![("联系群众".into(), "未登记".into())];
    }
    let rows: Vec<_> = records
        .contacts
        .iter()
        .filter(|c| period.contains(c.date))
        .collect();
    let t = totals(rows.iter().copied());
    let mut out = vec![
        ("接待群众".into(), format!("{}人次", t.people)),
        ("收集意见建议".into(), format!("{}条", t.opinions)),
    ];
    for (h, n) in ContactHandling::ALL.iter().zip(t.by_handling) {
        out.push((format!("其中{}", h.label()), format!("{n}条")));
    }
    for (station, s) in by_station(rows.iter().copied()) {
        out.push((
            station,
            format!(
                "接待{}次，{}人次，意见建议{}条",
                s.receptions, s.people, s.opinions
            ),
        ));
    }
    out
}

/// The figures as one sheet of the public workbook.
pub fn table(f: &PublicFigures, title: String) -> Table {
    let mut t = Table::new("全区情况", &["项目", "内容", "数值"]);
    t.title = Some(title);
    for (head, rows) in &f.sections {
        for (label, value) in rows {
            t.rows.push(vec![
                Cell::Text(head.clone()),
                Cell::Text(label.clone()),
                Cell::Text(value.clone()),
            ]);
        }
    }
    t
}

/// The figures as HTML sections; `esc` escapes text.
pub fn html(f: &PublicFigures, esc: fn(&str) -> String) -> String {
    let mut body = String::new();
    for (head, rows) in &f.sections {
        body.push_str(&format!("<h2>{}</h2><table>", esc(head)));
        for (label, value) in rows {
            body.push_str(&format!(
                "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
                esc(label),
                esc(value)
            ));
        }
        body.push_str("</table>");
    }
    body
}
