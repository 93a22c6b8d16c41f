//! The quarterly 亮分 sheet for each group's 公开栏 (R3: made public step by step): every
//! delegate's activity counts and score for the quarter and the year to date, with the
//! public fields only (never the phone, the birth date or the delegate number).

use crate::config::Config;
use crate::domain::archive::{Archive, Metric};
use crate::domain::score::{self, ScoreRules};
use crate::render::xlsx::{Cell, Table};

/// The counts a 公开栏 shows, for the quarter and again for the year to date.
const SHOWN: [Metric; 5] = [
    Metric::CongressAttended,
    Metric::RecessActivities,
    Metric::VoterContacts,
    Metric::SuggestionsLed,
    Metric::Reports,
];

/// One sheet per group, in `groups` order: the public fields (less 代表小组, the sheet
/// says it), then the quarter's counts and score, then the year to date's. `now` and
/// `ytd` are archives of the same delegates over the quarter and the year to date.
pub fn sheets(
    now: &Archive,
    ytd: &Archive,
    groups: &[String],
    fields: &[&str],
    rules: &ScoreRules,
    config: &Config,
) -> Vec<Table> {
    let fields: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| *f != "代表小组")
        .collect();
    let s_now = score::score_all(now, rules);
    let s_ytd = score::score_all(ytd, rules);
    let mut headers: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
    for when in ["本季度", "年初至今"] {
        headers.extend(SHOWN.iter().map(|m| format!("{when}{}", m.label())));
        headers.push(format!("{when}积分"));
    }
    let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for g in groups {
        let mut t = Table::new(g.clone(), &hs);
        t.title = Some(format!("{g}代表小组{}代表履职亮分", now.period.label));
        for (i, d) in now.delegates.iter().enumerate() {
            if d.delegate.group != *g {
                continue;
            }
            let Some(j) = ytd
                .delegates
                .iter()
                .position(|y| y.delegate.id == d.delegate.id)
            else {
                continue;
            };
            let mut row: Vec<Cell> = fields
                .iter()
                .map(|f| Cell::Text(super::public::field(&d.delegate, f, config)))
                .collect();
            row.extend(SHOWN.iter().map(|m| Cell::from(d.get(*m))));
            row.push(Cell::Num(s_now[i].0.total));
            row.extend(SHOWN.iter().map(|m| Cell::from(ytd.delegates[j].get(*m))));
            row.push(Cell::Num(s_ytd[j].0.total));
            t.rows.push(row);
        }
        t.notes.push(format!(
            "积分按“{}”计算；年初至今为{}。数字来自各报送单位报送的记录，如有出入请与代表小组或{}联系。",
            rules.label(),
            ytd.period.label,
            config.units.liaison
        ));
        out.push(t);
    }
    out
}
