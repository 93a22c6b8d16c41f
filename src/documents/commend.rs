//! After the 主任会议 (R4, R5): the 公示 of the decided commendation lists, the standing
//! committee's 通报 with the final lists as attachments, and the 通报表彰 records the
//! decisions made. Views only: the decisions come checked from `input::decision`.

use super::DocumentView;
use crate::config::Config;
use crate::domain::decision::{circular_title, Decision, DecisionList, Verdict};
use crate::domain::model::{Commendation, Roster, Suggestion};
use crate::render::docx::TableBlock;
use crate::render::template;
use crate::render::xlsx::{Cell, Table};
use chrono::Datelike;
use serde_json::json;
use std::collections::HashMap;

/// One year's decided lists: the rows 列入, in the decision files' order (the draft's),
/// and how many rows are still undecided.
#[derive(Debug, Default)]
pub struct Decided<'a> {
    pub year: i32,
    /// (group, name, work unit, 备注) of each delegate 列入.
    pub delegates: Vec<[String; 4]>,
    /// Each suggestion 列入, with its 备注.
    pub suggestions: Vec<(&'a Suggestion, String)>,
    /// Rows 待定, and draft rows no decision file names.
    pub pending: usize,
}

impl<'a> Decided<'a> {
    /// The year's lists from its decision rows; `undecided` counts the draft rows that
    /// no decision row names.
    pub fn new(
        year: i32,
        decisions: &[&Decision],
        roster: &Roster,
        suggestions: &'a [Suggestion],
        undecided: usize,
    ) -> Decided<'a> {
        let mut out = Decided {
            year,
            pending: undecided,
            ..Decided::default()
        };
        for d in decisions.iter().filter(|d| d.year == year) {
            match d.verdict {
                Verdict::Pending => out.pending += 1,
                Verdict::NotListed => {}
                Verdict::Listed if !d.list.commends() => {}
                Verdict::Listed => match d.list {
                    DecisionList::Delegates => {
                        if let Some(p) = roster.by_id(&d.delegate) {
                            out.delegates.push([
                                p.group.clone(),
                                p.name.clone(),
                                p.work_unit.clone(),
                                d.note.clone(),
                            ]);
                        }
                    }
                    DecisionList::Renomination => {}
                    DecisionList::Suggestions => {
                        if let Some(s) = suggestions
                            .iter()
                            .find(|s| s.number == d.suggestion && s.date.year() == year)
                        {
                            out.suggestions.push((s, d.note.clone()));
                        }
                    }
                },
            }
        }
        out
    }

    /// Whether every row of both lists is decided: the 通报 may be issued.
    pub fn is_final(&self) -> bool {
        self.pending == 0
    }

    fn tables(&self, roster: &Roster) -> HashMap<String, TableBlock> {
        let delegates = self
            .delegates
            .iter()
            .map(|[g, n, w, _]| vec![g.clone(), n.clone(), w.clone()])
            .collect();
        let leads = |s: &Suggestion| {
            s.leads
                .iter()
                .map(|id| roster.by_id(id).map_or(id.clone(), |d| d.name.clone()))
                .collect::<Vec<_>>()
                .join("、")
        };
        let suggestions = self
            .suggestions
            .iter()
            .map(|(s, _)| {
                vec![
                    s.number.clone(),
                    s.title.clone(),
                    leads(s),
                    s.handler.clone(),
                ]
            })
            .collect();
        HashMap::from([
            (
                "优秀履职代表".to_string(),
                TableBlock::new(
                    &["代表小组", "姓名", "工作单位及职务"],
                    delegates,
                    &[6, 4, 14],
                ),
            ),
            (
                "优秀代表建议".to_string(),
                TableBlock::new(
                    &["建议编号", "标题", "领衔代表", "承办单位"],
                    suggestions,
                    &[4, 12, 5, 7],
                ),
            ),
        ])
    }

    fn vars(&self, config: &Config) -> serde_json::Value {
        json!({
            "year": self.year,
            "district": config.district.name,
            "standing_committee": config.district.standing_committee,
            "liaison": config.units.liaison,
            "delegates_n": self.delegates.len(),
            "suggestions_n": self.suggestions.len(),
            "pending": self.pending,
            "draft": !self.is_final(),
        })
    }
}

/// Where objections go during the 公示: as configured, else the liaison office.
fn objections_to(config: &Config) -> String {
    let c = config.commend.objections_to.trim();
    if c.is_empty() {
        format!(
            "{}{}",
            config.district.standing_committee, config.units.liaison
        )
    } else {
        c.to_string()
    }
}

/// The 公示 (dates already written out, e.g. 2026年1月5日). A draft while rows are 待定.
pub fn publicity(
    d: &Decided,
    roster: &Roster,
    config: &Config,
    from: &str,
    to: &str,
) -> DocumentView {
    let mut vars = d.vars(config);
    vars["from"] = from.into();
    vars["to"] = to.into();
    vars["objections_to"] = objections_to(config).into();
    DocumentView::worded(template::PUBLICITY, vars, d.tables(roster))
}

/// The standing committee's 通报 (only once every row is decided): the final lists as
/// attachments, its 文号 if given, and the 公示 period it followed (blank: not stated).
pub fn circular(
    d: &Decided,
    roster: &Roster,
    config: &Config,
    number: &str,
    publicity: &str,
) -> DocumentView {
    let mut vars = d.vars(config);
    vars["number"] = number.into();
    vars["publicity"] = publicity.into();
    DocumentView::worded(template::CIRCULAR, vars, d.tables(roster))
}

/// The 通报表彰 records the decisions of `year` made, in the layout of the 通报表彰
/// sheet: what the archive counts from now on, listed for checking (never to be sent in
/// again; a copy sent in would be merged as a duplicate).
pub fn records_sheet(year: i32, commendations: &[Commendation], roster: &Roster) -> Table {
    let title = circular_title(year);
    let mut t = Table::new(
        "通报表彰",
        &["年度", "代表编号", "姓名", "表彰类别", "文号", "来源"],
    );
    t.title = Some(format!("{year}年度通报表彰记录"));
    for c in commendations
        .iter()
        .filter(|c| c.year == year && c.document == title)
    {
        t.rows.push(vec![
            Cell::Int(i64::from(c.year)),
            c.delegate.clone().into(),
            roster
                .by_id(&c.delegate)
                .map_or(String::new(), |d| d.name.clone())
                .into(),
            c.kind.label().into(),
            c.document.clone().into(),
            format!("{} 第{}行", c.source.file, c.source.row).into(),
        ]);
    }
    t.notes.push(
        "以上记录由决定文件（input/<年度>/决定/）中全部决定的名单得出，履职档案已据此计入通报表彰，无需再填写“通报表彰”表。"
            .to_string(),
    );
    t
}

/// The re-nomination list after the decision (R7): the delegates 列入, with their 备注;
/// a draft while rows are 待定 (`undecided` counts draft rows no decision names).
pub fn renomination(
    decisions: &[&Decision],
    roster: &Roster,
    config: &Config,
    undecided: usize,
) -> DocumentView {
    let mut rows = Vec::new();
    let (mut not_listed, mut pending) = (0, undecided);
    for d in decisions
        .iter()
        .filter(|d| d.list == DecisionList::Renomination)
    {
        match d.verdict {
            Verdict::Pending => pending += 1,
            Verdict::NotListed => not_listed += 1,
            Verdict::Listed => {
                if let Some(p) = roster.by_id(&d.delegate) {
                    rows.push(vec![
                        p.group.clone(),
                        p.name.clone(),
                        p.work_unit.clone(),
                        d.note.clone(),
                    ]);
                }
            }
        }
    }
    let vars = json!({
        "term": config.term_name(),
        "district": config.district.name,
        "standing_committee": config.district.standing_committee,
        "liaison": config.units.liaison,
        "listed": rows.len(),
        "not_listed": not_listed,
        "pending": pending,
        "draft": pending > 0,
    });
    let table = TableBlock::new(
        &["代表小组", "姓名", "工作单位及职务", "备注"],
        rows,
        &[6, 4, 12, 6],
    );
    let sheet = Table::from_block("继续提名名单", &table);
    let mut view = DocumentView::worded(
        template::RENOMINATION_DECIDED,
        vars,
        HashMap::from([("名单".to_string(), table)]),
    )
    .with_sheets(vec![sheet], None);
    // Not the draft's file name, even while this list is still a draft.
    view.file = Some(format!(
        "{}代表继续提名建议名单（决定）",
        config.term_name()
    ));
    view.workbook = view.file.clone();
    view
}
