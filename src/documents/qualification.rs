//! Qualification in the real sequence (R8): the credentials committee's report to the
//! standing committee (each change with its legal basis and date, resignations advised
//! as recommendations, the liaison office's tables as an attachment) and the standing
//! committee's 公告 of the seats.

use super::DocumentView;
use crate::config::Config;
use crate::domain::model::{Records, Roster};
use crate::domain::qualification::{self as q, Change, ChangeKind};
use crate::domain::text::{chinese_date, percent};
use crate::render::docx::TableBlock;
use crate::render::template;
use crate::render::xlsx::Table;
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
    tables: HashMap<String, TableBlock>,
}

impl Qualification {
    pub fn new(roster: &Roster, records: &Records, config: &Config, span: &Span) -> Self {
        let t = &config.thresholds;
        let changes = q::changes(
            roster,
            records,
            span.from,
            span.to,
            t.unapproved_absence_limit,
        );
        let advised =
            q::resignations_advised(records, span.from, span.to, t.dissatisfied_share_limit);
        let unrecorded: Vec<&str> = changes
            .iter()
            .filter(|c| c.unrecorded)
            .map(|c| c.delegate.as_str())
            .collect();
        let as_of = span.to.min(config.term.end);
        let seats = q::seats(
            roster,
            config.district.seats,
            config.term.start,
            config.term.end,
            as_of,
            &unrecorded,
        );
        let who = |id: &str| {
            roster
                .by_id(id)
                .map_or((id.to_string(), String::new()), |d| {
                    (d.name.clone(), d.group.clone())
                })
        };
        let change_vars: Vec<Value> = changes
            .iter()
            .map(|c| {
                let (name, group) = who(&c.delegate);
                json!({
                    "name": name,
                    "group": group,
                    "fact": fact(c),
                    "detail": c.detail,
                    "basis": c.kind.basis(),
                    "article": c.kind != ChangeKind::Died,
                    "date": chinese_date(c.date),
                    "unrecorded": c.unrecorded,
                })
            })
            .collect();
        let advised_vars: Vec<Value> = advised
            .iter()
            .map(|(id, date, d, valid)| {
                let (name, group) = who(id);
                json!({
                    "name": name,
                    "group": group,
                    "date": chinese_date(*date),
                    "share": percent(*d, *valid),
                })
            })
            .collect();
        let vars = json!({
            "period": span.label,
            "district": config.district.name,
            "congress": config.district.congress,
            "standing_committee": config.district.standing_committee,
            "term": config.term_name(),
            "changes": change_vars,
            "advised": advised_vars,
            "dissatisfied_limit": crate::domain::text::fraction_percent(t.dissatisfied_share_limit),
            "as_of": chinese_date(as_of),
            "seats": seats.seats,
            "serving": seats.serving,
            "vacancies": seats.vacancies,
        });
        let tables = tables(roster, &changes, &advised, span);
        Qualification { vars, tables }
    }

    /// The credentials committee's report to the standing committee.
    pub fn report(&self) -> DocumentView {
        let sheets = ["代表资格变动", "建议辞职", "代表变动"]
            .iter()
            .filter_map(|n| self.tables.get(*n).map(|b| Table::from_block(*n, b)))
            .collect();
        DocumentView::worded(
            template::QUALIFICATION_REPORT,
            self.vars.clone(),
            self.tables.clone(),
        )
        .with_sheets(sheets, None)
    }

    /// The standing committee's 公告: the qualifications ended and the seats.
    pub fn notice(&self, number: &str) -> DocumentView {
        let mut vars = self.vars.clone();
        vars["number"] = number.into();
        DocumentView::worded(template::SEATS_NOTICE, vars, HashMap::new())
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

/// The attachment: each change with its basis; resignations advised; the roster's
/// changes of the span (the liaison office's memo).
fn tables(
    roster: &Roster,
    changes: &[Change],
    advised: &[(String, NaiveDate, u32, u32)],
    span: &Span,
) -> HashMap<String, TableBlock> {
    let who = |id: &str| {
        roster
            .by_id(id)
            .map_or((id.to_string(), String::new()), |d| {
                (d.name.clone(), d.group.clone())
            })
    };
    let rows = changes
        .iter()
        .map(|c| {
            let (name, group) = who(&c.delegate);
            let mut how = c.kind.label();
            if c.unrecorded {
                how.push_str("（名册尚未登记）");
            }
            vec![
                name,
                group,
                how,
                chinese_date(c.date),
                c.kind.basis(),
                c.detail.clone(),
            ]
        })
        .collect();
    let advice = advised
        .iter()
        .map(|(id, date, d, valid)| {
            let (name, group) = who(id);
            vec![
                name,
                group,
                chinese_date(*date),
                format!("{d}/{valid}"),
                percent(*d, *valid),
                "建议辞去代表职务（建议，非资格终止）".to_string(),
            ]
        })
        .collect();
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
    HashMap::from([
        (
            "代表资格变动".to_string(),
            TableBlock::new(
                &["姓名", "代表小组", "情形", "日期", "依据", "事实"],
                rows,
                &[4, 5, 6, 6, 10, 10],
            ),
        ),
        (
            "建议辞职".to_string(),
            TableBlock::new(
                &[
                    "姓名",
                    "代表小组",
                    "评议日期",
                    "不满意/有效票",
                    "不满意率",
                    "性质",
                ],
                advice,
                &[4, 5, 6, 5, 4, 8],
            ),
        ),
        (
            "代表变动".to_string(),
            TableBlock::new(
                &["姓名", "代表小组", "变动情况", "日期"],
                roster_changes,
                &[6, 7, 6, 8],
            ),
        ),
    ])
}
