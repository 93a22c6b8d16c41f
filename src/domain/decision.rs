//! Decisions of the 主任会议 on the draft commendation lists (R4, R5): what a decision
//! file says, and the 通报表彰 records that follow once a list is fully decided.

use super::model::{Commendation, CommendationKind, Source, Suggestion};
use chrono::Datelike;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Which draft list a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DecisionList {
    /// 优秀履职代表名单
    Delegates,
    /// 优秀代表建议名单
    Suggestions,
    /// 继续提名建议名单 (end of term; commends no one)
    Renomination,
}

impl DecisionList {
    /// The sheet name a decision file carries (the draft workbook's list sheet).
    pub fn sheet(self) -> &'static str {
        match self {
            DecisionList::Delegates => "优秀履职代表名单",
            DecisionList::Suggestions => "优秀代表建议名单",
            DecisionList::Renomination => "继续提名建议名单",
        }
    }

    /// The commendation a listed row makes; none for the re-nomination list.
    pub fn kind(self) -> Option<CommendationKind> {
        match self {
            DecisionList::Delegates => Some(CommendationKind::OutstandingDelegate),
            DecisionList::Suggestions => Some(CommendationKind::OutstandingSuggestion),
            DecisionList::Renomination => None,
        }
    }

    /// The lists one 通报 commends.
    pub fn commends(self) -> bool {
        self.kind().is_some()
    }
}

/// 决定: what the meeting decided on one row of a draft list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// 列入
    Listed,
    /// 不列入
    NotListed,
    /// 待定 (also a blank cell: the draft as generated)
    Pending,
}

impl Verdict {
    /// The dropdown's values, in its order.
    pub const CHOICES: [&'static str; 3] = ["列入", "不列入", "待定"];

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Listed => "列入",
            Verdict::NotListed => "不列入",
            Verdict::Pending => "待定",
        }
    }

    /// A cell's text; blank is 待定. A meeting's minutes say 同意 / 不同意 as often as
    /// the dropdown's 列入 / 不列入: both are read. Anything else is not a decision.
    pub fn parse(s: &str) -> Option<Verdict> {
        match crate::domain::text::normalized_name(s).as_ref() {
            "" | "待定" => Some(Verdict::Pending),
            "列入" | "同意" | "同意列入" => Some(Verdict::Listed),
            "不列入" | "不同意" | "不同意列入" => Some(Verdict::NotListed),
            _ => None,
        }
    }
}

/// One decided (or still pending) row of a draft list.
#[derive(Debug, Clone)]
pub struct Decision {
    pub list: DecisionList,
    /// The year of the draft: the year folder the decision file is in.
    pub year: i32,
    /// The delegate (outstanding delegates); empty for a suggestion.
    pub delegate: String,
    /// 建议编号 (outstanding suggestions); empty for a delegate.
    pub suggestion: String,
    pub verdict: Verdict,
    /// 备注 as typed.
    pub note: String,
    pub source: Source,
}

impl Decision {
    /// The row's key on its list: the delegate or the suggestion number.
    pub fn key(&self) -> &str {
        match self.list {
            DecisionList::Delegates | DecisionList::Renomination => &self.delegate,
            DecisionList::Suggestions => &self.suggestion,
        }
    }
}

/// Rows still 待定 per (year, list).
pub fn pending(decisions: &[Decision]) -> BTreeMap<(i32, DecisionList), usize> {
    let mut out = BTreeMap::new();
    for d in decisions {
        let n = out.entry((d.year, d.list)).or_insert(0);
        if d.verdict == Verdict::Pending {
            *n += 1;
        }
    }
    out
}

/// The title of the 通报 that commends a year's lists; the 文号 of the records it makes.
pub fn circular_title(year: i32) -> String {
    format!("关于表彰{year}年度优秀履职代表和优秀代表建议的通报")
}

/// The 通报表彰 records a set of decisions makes: every 列入 row of a year whose lists
/// have no row left 待定 (one 通报 commends both lists, so a year still being decided
/// commends no one yet). A listed suggestion
/// commends each of its lead delegates, found by number among the year's suggestions.
/// Keys already in `existing` (sent on a 通报表彰 sheet too) are not made twice.
pub fn commendations(
    decisions: &[Decision],
    suggestions: &[Suggestion],
    existing: &[Commendation],
) -> Vec<Commendation> {
    let mut open: BTreeMap<i32, usize> = BTreeMap::new();
    for ((year, list), n) in pending(decisions) {
        if list.commends() {
            *open.entry(year).or_default() += n;
        }
    }
    let mut seen: HashSet<(i32, String, CommendationKind)> = existing
        .iter()
        .map(|c| (c.year, c.delegate.clone(), c.kind))
        .collect();
    let mut out = Vec::new();
    for d in decisions {
        let Some(kind) = d.list.kind() else { continue };
        if d.verdict != Verdict::Listed || open.get(&d.year).copied().unwrap_or(0) > 0 {
            continue;
        }
        let delegates: Vec<&str> = match d.list {
            DecisionList::Delegates | DecisionList::Renomination => vec![d.delegate.as_str()],
            DecisionList::Suggestions => suggestions
                .iter()
                .filter(|s| s.number == d.suggestion && s.date.year() == d.year)
                .flat_map(|s| s.leads.iter().map(String::as_str))
                .collect(),
        };
        for id in delegates {
            if seen.insert((d.year, id.to_string(), kind)) {
                out.push(Commendation {
                    year: d.year,
                    delegate: id.to_string(),
                    kind,
                    document: circular_title(d.year),
                    unit: String::new(),
                    source: d.source.clone(),
                });
            }
        }
    }
    out
}

/// The rows of `decisions` (one year and list) whose key is not on the draft, and the
/// draft's keys that no decision row names (undecided, like 待定).
pub fn against_draft<'d>(
    decisions: &[&'d Decision],
    draft: &BTreeSet<String>,
) -> (Vec<&'d Decision>, Vec<String>) {
    let named: BTreeSet<&str> = decisions.iter().map(|d| d.key()).collect();
    let off = decisions
        .iter()
        .filter(|d| !draft.contains(d.key()))
        .copied()
        .collect();
    let missing = draft
        .iter()
        .filter(|k| !named.contains(k.as_str()))
        .cloned()
        .collect();
    (off, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(row: u32) -> Source {
        Source {
            file: "2025/决定/名单.xlsx".into(),
            sheet: "优秀履职代表名单".into(),
            row,
        }
    }

    fn dec(list: DecisionList, key: &str, verdict: Verdict, row: u32) -> Decision {
        let (delegate, suggestion) = match list {
            DecisionList::Delegates | DecisionList::Renomination => {
                (key.to_string(), String::new())
            }
            DecisionList::Suggestions => (String::new(), key.to_string()),
        };
        Decision {
            list,
            year: 2025,
            delegate,
            suggestion,
            verdict,
            note: String::new(),
            source: src(row),
        }
    }

    fn suggestion(number: &str, leads: &[&str]) -> Suggestion {
        Suggestion {
            title: "t".into(),
            source: src(9),
            ..Suggestion::sample(number, leads)
        }
    }

    #[test]
    fn blank_is_pending_and_other_words_are_not_decisions() {
        assert_eq!(Verdict::parse(""), Some(Verdict::Pending));
        assert_eq!(Verdict::parse(" 列入 "), Some(Verdict::Listed));
        assert_eq!(Verdict::parse("不列入"), Some(Verdict::NotListed));
        assert_eq!(Verdict::parse("同意"), Some(Verdict::Listed));
        assert_eq!(Verdict::parse("不同意"), Some(Verdict::NotListed));
        assert_eq!(Verdict::parse("通过"), None);
    }

    /// Worked example: delegates D1 列入, D2 不列入; suggestion S1 列入 with leads D3 and
    /// D1, S2 待定 → the year is still being decided and commends no one. Once S2 is
    /// decided 不列入: D1 as a delegate, and S1 commends D3 and D1 (D1 a second time, of
    /// the other kind); a 通报表彰 sheet that already names D3 keeps D3 from being made
    /// twice.
    #[test]
    fn only_fully_decided_lists_commend_and_nothing_is_made_twice() {
        use DecisionList::*;
        let sugg = [suggestion("S1", &["D3", "D1"]), suggestion("S2", &["D4"])];
        let mut ds = vec![
            dec(Delegates, "D1", Verdict::Listed, 3),
            dec(Delegates, "D2", Verdict::NotListed, 4),
            dec(Suggestions, "S1", Verdict::Listed, 3),
            dec(Suggestions, "S2", Verdict::Pending, 4),
        ];
        assert!(commendations(&ds, &sugg, &[]).is_empty());
        assert_eq!(pending(&ds)[&(2025, Suggestions)], 1);
        assert_eq!(pending(&ds)[&(2025, Delegates)], 0);

        ds[3].verdict = Verdict::NotListed;
        let sent = commendations(&ds, &sugg, &[])
            .into_iter()
            .filter(|c| c.delegate == "D3")
            .collect::<Vec<_>>();
        let made = commendations(&ds, &sugg, &sent);
        let ids: Vec<(&str, CommendationKind)> =
            made.iter().map(|c| (c.delegate.as_str(), c.kind)).collect();
        assert_eq!(
            ids,
            [
                ("D1", CommendationKind::OutstandingDelegate),
                ("D1", CommendationKind::OutstandingSuggestion)
            ]
        );
        assert_eq!(
            made[0].document,
            "关于表彰2025年度优秀履职代表和优秀代表建议的通报"
        );
        // A re-nomination decision pending does not hold up the commendations.
        let renominate = dec(DecisionList::Renomination, "D7", Verdict::Pending, 5);
        let with = [ds.clone(), vec![renominate]].concat();
        assert_eq!(commendations(&with, &sugg, &[]).len(), 3);
    }

    #[test]
    fn rows_off_the_draft_and_draft_rows_not_decided_are_found() {
        let ds = [
            dec(DecisionList::Delegates, "D1", Verdict::Listed, 3),
            dec(DecisionList::Delegates, "D9", Verdict::Listed, 4),
        ];
        let refs: Vec<&Decision> = ds.iter().collect();
        let draft: BTreeSet<String> = ["D1", "D2"].iter().map(|s| s.to_string()).collect();
        let (off, missing) = against_draft(&refs, &draft);
        assert_eq!(off.len(), 1);
        assert_eq!(off[0].delegate, "D9");
        assert_eq!(missing, ["D2"]);
    }
}
