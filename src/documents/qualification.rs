//! Qualification in the real sequence (R8): the credentials committee's report to the
//! standing committee (each change with its legal basis and date, resignations advised
//! as recommendations, the liaison office's tables as an attachment) and the standing
//! committee's 公告 of the seats.

use super::DocumentView;
use crate::config::Config;
use crate::domain::model::{Records, ReportToVoters, Roster};
use crate::domain::qualification::{self as q, Change, ChangeKind};
use crate::domain::text::chinese_date;
use crate::render::docx::TableBlock;
use crate::render::template;
use crate::render::xlsx::{Cell, Table};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The span a report covers: a year or the term so far.
pub struct Span<'a> {
    /// 2025年度 / 第六届任期
    pub label: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What both documents say, worked out once.
pub struct Qualification {
    vars: Value,
    /// The 公告's changes: those no yearly 公告 has announced (`announced_yearly`).
    notice_changes: Vec<Value>,
    /// How many of the span's changes a yearly 公告 has announced already.
    announced: usize,
    tables: HashMap<String, TableBlock>,
    /// 建议辞职 with its votes as numbers (the Word table writes them as text).
    resign_sheet: Table,
}

impl Qualification {
    pub fn new(roster: &Roster, records: &Records, config: &Config, span: &Span) -> Self {
        let t = &config.thresholds;
        let changes = q::changes(
            &roster.delegates,
            records,
            span.from,
            span.to,
            t.unapproved_absence_limit,
        );
        let advised = q::resignations_advised(records, span.from, span.to, |r| {
            config.rating.flags(r, t.dissatisfied_share_limit)
        });
        let unrecorded = q::unrecorded(&changes);
        let as_of = span.to.min(config.term.end);
        let seats = q::seats(
            roster.delegates.iter(),
            config.district.seats,
            config.term.start,
            config.term.end,
            as_of,
            &unrecorded,
        );
        let vars = json!({
            "period": span.label,
            "district": config.district.name,
            "congress": config.district.congress,
            "standing_committee": config.district.standing_committee,
            "term": config.term_name(),
            "changes": change_vars(roster, &changes),
            "advised": advised_vars(roster, &advised, config),
            "dissatisfied_limit": crate::domain::text::fraction_percent(t.dissatisfied_share_limit),
            "rating_finding": config.rating.finding(t.dissatisfied_share_limit),
            "as_of": chinese_date(as_of),
            "seats": seats.seats,
            "serving": seats.serving,
            "vacancies": seats.vacancies,
        });
        let (announced, fresh): (Vec<Change>, Vec<Change>) = changes
            .iter()
            .cloned()
            .partition(|c| q::announced_yearly(c, as_of));
        let tables = tables(roster, &changes, &advised, span, config);
        let resign_sheet = resign_sheet(roster, &advised);
        Qualification {
            vars,
            notice_changes: change_vars(roster, &fresh),
            announced: announced.len(),
            tables,
            resign_sheet,
        }
    }

    /// The credentials committee's report to the standing committee.
    pub fn report(&self) -> DocumentView {
        let sheets = ["代表资格变动", "建议辞职", "代表变动"]
            .iter()
            .filter_map(|n| match *n {
                "建议辞职" => Some(self.resign_sheet.clone()),
                _ => self.tables.get(*n).map(|b| Table::from_block(*n, b)),
            })
            .collect();
        DocumentView::worded(
            template::QUALIFICATION_REPORT,
            self.vars.clone(),
            self.tables.clone(),
        )
        .with_sheets(sheets, None)
    }

    /// The standing committee's 公告 numbered `number` (`notice_number`): the
    /// qualifications ended that no yearly 公告 has announced, how many were, and the
    /// seats.
    pub fn notice(&self, number: Option<&str>) -> DocumentView {
        let mut vars = self.vars.clone();
        vars["number"] = notice_number(number).into();
        vars["changes"] = self.notice_changes.clone().into();
        vars["announced"] = self.announced.into();
        DocumentView::worded(template::SEATS_NOTICE, vars, HashMap::new())
    }
}

/// The 公告's number line: 第3号 for `3` (a number written as 第3号 is kept), and
/// 第　号 with a full-width blank for the clerk to fill in by hand when none is given:
/// a 公告's number is the standing committee's to assign, never invented here.
pub fn notice_number(number: Option<&str>) -> String {
    let n = number.map(str::trim).unwrap_or_default();
    let n = n.strip_prefix('第').unwrap_or(n);
    let n = n.strip_suffix('号').unwrap_or(n).trim();
    if n.is_empty() {
        "第\u{3000}号".to_string()
    } else {
        format!("第{n}号")
    }
}

/// What happened, as the report's sentence says it (the sessions missed are in the
/// attachment and in `detail`).
fn fact(c: &Change) -> String {
    match c.kind {
        ChangeKind::Died => "去世".into(),
        _ => c.kind.label(),
    }
}

/// 建议辞职 as a sheet: the votes and the share as numbers.
fn resign_sheet(roster: &Roster, advised: &[&ReportToVoters]) -> Table {
    let mut t = resign_table();
    for r in advised {
        let (name, group) = name_and_group(roster, &r.delegate);
        t.rows.push(resign_row(name, group, r));
    }
    t
}

/// The 建议辞职 sheet's columns (the yearly and the term's report alike).
pub(super) fn resign_table() -> Table {
    Table::new(
        "建议辞职",
        &[
            "姓名",
            "代表小组",
            "评议日期",
            "不满意票",
            "有效票",
            "不满意率",
        ],
    )
}

/// One evaluation's row in the 建议辞职 sheet, where the Word table writes its result
/// as text.
pub(super) fn resign_row(name: String, group: String, r: &ReportToVoters) -> Vec<Cell> {
    vec![
        name.into(),
        group.into(),
        r.date.into(),
        r.dissatisfied.into(),
        r.valid_votes().into(),
        match r.valid_votes() {
            0 => Cell::Text("—".into()),
            v => Cell::Pct(f64::from(r.dissatisfied) / f64::from(v)),
        },
    ]
}

/// The attachment: each change with its basis; resignations advised; the roster's
/// changes of the span (the liaison office's memo).
fn tables(
    roster: &Roster,
    changes: &[Change],
    advised: &[&ReportToVoters],
    span: &Span,
    config: &Config,
) -> HashMap<String, TableBlock> {
    HashMap::from([
        ("代表资格变动".to_string(), changes_table(roster, changes)),
        (
            "建议辞职".to_string(),
            advice_table(roster, advised, config),
        ),
        ("代表变动".to_string(), roster_changes_table(roster, span)),
    ])
}

/// A delegate's name and group by id; an id not on the roster as is, without a group.
fn name_and_group(roster: &Roster, id: &str) -> (String, String) {
    roster
        .by_id(id)
        .map_or((id.to_string(), String::new()), |d| {
            (d.name.clone(), d.group.clone())
        })
}

/// Each change for the report's wording: the fact, its legal basis and date.
fn change_vars(roster: &Roster, changes: &[Change]) -> Vec<Value> {
    changes
        .iter()
        .map(|c| {
            let (name, group) = name_and_group(roster, &c.delegate);
            json!({
                "name": name,
                "group": group,
                "fact": fact(c),
                "detail": c.detail,
                "basis": c.kind.basis(),
                "basis_short": c.kind.basis_short(),
                "article": c.kind != ChangeKind::Died,
                "date": chinese_date(c.date),
                "unrecorded": c.unrecorded,
            })
        })
        .collect()
}

/// Each resignation advised for the report's wording: the 述职评议 and its result.
fn advised_vars(roster: &Roster, advised: &[&ReportToVoters], config: &Config) -> Vec<Value> {
    advised
        .iter()
        .map(|r| {
            let (name, group) = name_and_group(roster, &r.delegate);
            json!({
                "name": name,
                "group": group,
                "date": chinese_date(r.date),
                "detail": config.rating.finding_detail(r),
            })
        })
        .collect()
}

/// 代表资格变动: each change with how it came about, its date, basis and facts.
fn changes_table(roster: &Roster, changes: &[Change]) -> TableBlock {
    let rows = changes
        .iter()
        .map(|c| {
            let (name, group) = name_and_group(roster, &c.delegate);
            vec![
                name,
                group,
                c.kind.label(),
                chinese_date(c.date),
                c.kind.basis_short(),
                c.sessions.clone(),
            ]
        })
        .collect();
    TableBlock::new(
        &["姓名", "代表小组", "情形", "日期", "依据", "事实"],
        rows,
        &[4, 5, 6, 6, 10, 10],
    )
}

/// 建议辞职: each resignation advised, marked as advice (not an end of the mandate).
fn advice_table(roster: &Roster, advised: &[&ReportToVoters], config: &Config) -> TableBlock {
    let advice = advised
        .iter()
        .map(|r| {
            let (name, group) = name_and_group(roster, &r.delegate);
            vec![
                name,
                group,
                chinese_date(r.date),
                config.rating.finding_detail(r),
                "建议辞去代表职务".to_string(),
            ]
        })
        .collect();
    TableBlock::new(
        &["姓名", "代表小组", "评议日期", "评议结果", "性质"],
        advice,
        &[4, 5, 6, 10, 8],
    )
}

/// 代表变动: the roster's by-elections and departures dated within the span.
fn roster_changes_table(roster: &Roster, span: &Span) -> TableBlock {
    let roster_changes = roster
        .delegates
        .iter()
        .filter_map(|d| {
            let (what, when) = if d.is_serving() {
                ("补选".to_string(), d.elected?)
            } else {
                (d.status.clone(), d.status_date?)
            };
            (when >= span.from && when <= span.to)
                .then(|| vec![d.name.clone(), d.group.clone(), what, chinese_date(when)])
        })
        .collect();
    TableBlock::new(
        &["姓名", "代表小组", "变动情况", "日期"],
        roster_changes,
        &[6, 7, 6, 8],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A given number is printed as 第N号 whether written 3 or 第3号; none leaves 第　号
    /// (full-width blank) for the clerk to write in.
    #[test]
    fn notice_number_is_given_or_left_blank() {
        assert_eq!(notice_number(Some("3")), "第3号");
        assert_eq!(notice_number(Some(" 第12号 ")), "第12号");
        assert_eq!(notice_number(None), "第\u{3000}号");
        assert_eq!(notice_number(Some("  ")), "第\u{3000}号");
    }
}
