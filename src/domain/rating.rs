//! The 述职评议 rating scale (issue #19): 满意 / 基本满意 / 不满意 (the default) or
//! 称职 / 基本称职 / 不称职 with a verdict per delegate. Votes are kept in the same three
//! places (top, middle, bottom) whichever scale a district uses.

use serde::Deserialize;

/// Which words the ballot, the sheet and the reports use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Scale {
    #[default]
    #[serde(rename = "满意")]
    Satisfaction,
    #[serde(rename = "称职")]
    Competence,
}

impl Scale {
    /// The three grades, top first.
    pub fn grades(self) -> [&'static str; 3] {
        match self {
            Scale::Satisfaction => ["满意", "基本满意", "不满意"],
            Scale::Competence => ["称职", "基本称职", "不称职"],
        }
    }
}

/// A delegate's verdict on the 称职 scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Competent,
    BasicallyCompetent,
    Incompetent,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Competent => "称职",
            Verdict::BasicallyCompetent => "基本称职",
            Verdict::Incompetent => "不称职",
        }
    }
}

/// The verdict from the 称职 share of valid votes: at least `competent_min` (80 %) is
/// 称职, at least `basically_min` (50 %) 基本称职, below it 不称职. None without votes.
/// Compared in integers scaled by the votes, so 4 of 5 is exactly 80 %.
pub fn verdict(
    competent: u32,
    basically: u32,
    incompetent: u32,
    competent_min: f64,
    basically_min: f64,
) -> Option<Verdict> {
    let valid = competent + basically + incompetent;
    if valid == 0 {
        return None;
    }
    let at_least = |share: f64| f64::from(competent) + 1e-9 >= share * f64::from(valid);
    Some(if at_least(competent_min) {
        Verdict::Competent
    } else if at_least(basically_min) {
        Verdict::BasicallyCompetent
    } else {
        Verdict::Incompetent
    })
}

impl crate::config::RatingRules {
    /// The three grades of the configured scale, top first.
    pub fn grades(&self) -> [&'static str; 3] {
        self.scale.grades()
    }

    /// The rates' names: 满意率, 满意及基本满意率, 不满意率 (or the 称职 words).
    pub fn rate_labels(&self) -> [String; 3] {
        let [a, b, c] = self.grades();
        [format!("{a}率"), format!("{a}及{b}率"), format!("{c}率")]
    }

    /// A delegate's verdict from one evaluation; only the 称职 scale has one.
    pub fn verdict(&self, r: &crate::domain::model::ReportToVoters) -> Option<Verdict> {
        match self.scale {
            Scale::Satisfaction => None,
            Scale::Competence => verdict(
                r.satisfied,
                r.basically,
                r.dissatisfied,
                self.competent_min,
                self.basically_competent_min,
            ),
        }
    }

    /// R8's finding on this scale: 不满意 above `limit` (50 %), or on the 称职 scale a
    /// verdict of 不称职. Either way resignation is to be advised.
    pub fn flags(&self, r: &crate::domain::model::ReportToVoters, limit: f64) -> bool {
        match self.scale {
            Scale::Satisfaction => r.advises_resignation(limit),
            Scale::Competence => self.verdict(r) == Some(Verdict::Incompetent),
        }
    }

    /// The finding after 述职评议: 不满意率超过50% / 结论为不称职（称职票低于50%）.
    pub fn finding(&self, limit: f64) -> String {
        match self.scale {
            Scale::Satisfaction => format!(
                "不满意率超过{}",
                crate::domain::text::fraction_percent(limit)
            ),
            Scale::Competence => format!(
                "结论为不称职（称职票低于{}）",
                crate::domain::text::fraction_percent(self.basically_competent_min)
            ),
        }
    }

    /// Why a flagged evaluation counts against a delegate, with its figure and the
    /// threshold: 述职评议不满意率63.6%，超过50% / 述职评议称职率40.0%，结论为不称职
    /// （称职票低于50%）. `None` when the evaluation is not flagged.
    pub fn flag_reason(
        &self,
        r: &crate::domain::model::ReportToVoters,
        limit: f64,
    ) -> Option<String> {
        if !self.flags(r, limit) {
            return None;
        }
        let pct = crate::domain::text::percent;
        Some(match self.scale {
            Scale::Satisfaction => format!(
                "述职评议不满意率{}，超过{}",
                pct(r.dissatisfied, r.valid_votes()),
                crate::domain::text::fraction_percent(limit)
            ),
            Scale::Competence => format!(
                "述职评议称职率{}，{}",
                pct(r.satisfied, r.valid_votes()),
                self.finding(limit)
            ),
        })
    }

    /// What a flagged evaluation shows: its share and votes.
    pub fn finding_detail(&self, r: &crate::domain::model::ReportToVoters) -> String {
        let valid = r.valid_votes();
        let pct = crate::domain::text::percent;
        match self.scale {
            Scale::Satisfaction => format!(
                "不满意率{}，不满意{}票，有效票{}票",
                pct(r.dissatisfied, valid),
                r.dissatisfied,
                valid
            ),
            Scale::Competence => format!(
                "称职率{}，称职{}票，有效票{}票",
                pct(r.satisfied, valid),
                r.satisfied,
                valid
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked examples at the default thresholds (80 %, 50 %).
    #[test]
    fn verdict_thresholds() {
        // 16 of 20 称职 is exactly 80 %: 称职.
        assert_eq!(verdict(16, 3, 1, 0.8, 0.5), Some(Verdict::Competent));
        // 15 of 20 is 75 %: 基本称职.
        assert_eq!(
            verdict(15, 4, 1, 0.8, 0.5),
            Some(Verdict::BasicallyCompetent)
        );
        // 10 of 20 is exactly 50 %: still 基本称职.
        assert_eq!(
            verdict(10, 5, 5, 0.8, 0.5),
            Some(Verdict::BasicallyCompetent)
        );
        // 9 of 20 is 45 %: 不称职, however many 基本称职.
        assert_eq!(verdict(9, 11, 0, 0.8, 0.5), Some(Verdict::Incompetent));
        // No valid votes: no verdict.
        assert_eq!(verdict(0, 0, 0, 0.8, 0.5), None);
        // A district's own thresholds.
        assert_eq!(verdict(15, 4, 1, 0.7, 0.5), Some(Verdict::Competent));
    }

    /// Worked example (the sample's 赵少华): 14 不满意 of 22 valid votes is 63.6 %, over the
    /// 50 % limit; 11 of 22 is exactly 50 %, not over it. On the 称职 scale 8 称职 of 20
    /// (40 %) is 不称职.
    #[test]
    fn flag_reason_gives_the_figure_and_the_threshold() {
        let r = |s, b, d| crate::domain::model::ReportToVoters {
            date: chrono::NaiveDate::from_ymd_opt(2025, 11, 26).expect("date"),
            delegate: "D1".into(),
            form: crate::domain::model::ReportForm::InPerson,
            voters: 22,
            satisfied: s,
            basically: b,
            dissatisfied: d,
            unit: String::new(),
            source: crate::domain::model::Delegate::sample("D1").source,
        };
        let rules = crate::config::RatingRules::default();
        assert_eq!(
            rules.flag_reason(&r(3, 5, 14), 0.5).as_deref(),
            Some("述职评议不满意率63.6%，超过50%")
        );
        assert_eq!(rules.flag_reason(&r(6, 5, 11), 0.5), None);
        let competence = crate::config::RatingRules {
            scale: Scale::Competence,
            ..rules
        };
        assert_eq!(
            competence.flag_reason(&r(8, 2, 10), 0.5).as_deref(),
            Some("述职评议称职率40.0%，结论为不称职（称职票低于50%）")
        );
    }

    #[test]
    fn grades_of_each_scale() {
        assert_eq!(Scale::default().grades()[0], "满意");
        assert_eq!(Scale::Competence.grades(), ["称职", "基本称职", "不称职"]);
    }
}
