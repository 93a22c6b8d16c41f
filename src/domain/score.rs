//! Performance score (履职积分): weights per archive figure in an editable, versioned
//! rule file; scores with every item's contribution; bands rather than bare ranks; and
//! the draft list of outstanding delegates (R4) built on them.

use crate::domain::archive::{Archive, DelegateArchive, Metric};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The rule file's name in the input folder.
pub const RULES_FILE: &str = "履职积分规则.toml";

/// The built-in example rules, used when the input folder has no rule file.
pub const DEFAULT_RULES: &str = include_str!("../../templates/履职积分规则.toml");

/// A versioned set of weights.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRules {
    pub name: String,
    pub version: String,
    /// Points per unit of each figure, by the figure's key (congress_attended …).
    pub weights: BTreeMap<String, f64>,
    #[serde(default = "default_band")]
    pub top_share: f64,
    #[serde(default = "default_band")]
    pub bottom_share: f64,
}

fn default_band() -> f64 {
    0.2
}

impl ScoreRules {
    /// The rule file of the input folder, else the built-in example.
    pub fn load(input: &Path) -> Result<(ScoreRules, String)> {
        let path = input.join(RULES_FILE);
        if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("无法读取积分规则 {}", path.display()))?;
            let r = ScoreRules::parse(&text)
                .with_context(|| format!("积分规则 {} 有误", path.display()))?;
            return Ok((r, path.display().to_string()));
        }
        Ok((
            ScoreRules::parse(DEFAULT_RULES).context("内置积分规则有误")?,
            "内置示例规则".to_string(),
        ))
    }

    pub fn parse(text: &str) -> Result<ScoreRules> {
        let r: ScoreRules =
            toml::from_str(text).map_err(|e| crate::messages::toml(RULES_FILE, text, &e))?;
        for k in r.weights.keys() {
            if !Metric::ALL.iter().any(|m| &m.key() == k) {
                let known: Vec<String> = Metric::ALL
                    .iter()
                    .map(|m| format!("{}（{}）", m.key(), m.label()))
                    .collect();
                bail!("积分项「{k}」不存在；可用的积分项：{}", known.join("、"));
            }
        }
        for (n, v) in [("top_share", r.top_share), ("bottom_share", r.bottom_share)] {
            if !(0.0..=0.5).contains(&v) {
                bail!("{n} 应在 0 到 0.5 之间，实际为 {v}");
            }
        }
        Ok(r)
    }

    /// 积分规则：名称（版本 x）
    pub fn label(&self) -> String {
        format!("{}（版本 {}）", self.name, self.version)
    }

    /// The weighted figures in archive column order.
    pub fn items(&self) -> Vec<(Metric, f64)> {
        Metric::ALL
            .iter()
            .filter_map(|m| self.weights.get(&m.key()).map(|w| (*m, *w)))
            .filter(|(_, w)| *w != 0.0)
            .collect()
    }
}

/// One delegate's score with each item's contribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub total: f64,
    /// (figure, count, weight, points)
    pub items: Vec<(Metric, u32, f64, f64)>,
    /// Months served within the period.
    pub months: f64,
    /// What peers are compared on (bands, ranking): the points per month served scaled to
    /// the whole period; a delegate who served the whole period keeps `total`.
    pub compared: f64,
    /// Served less than the whole period (by-elected, left, or both).
    pub partial: bool,
}

/// Σ weight × count over the weighted figures, and the figure compared with peers who
/// served `period_months`.
pub fn score(d: &DelegateArchive, rules: &ScoreRules, period_months: f64) -> Score {
    let items: Vec<(Metric, u32, f64, f64)> = rules
        .items()
        .into_iter()
        .map(|(m, w)| (m, d.get(m), w, w * f64::from(d.get(m))))
        .collect();
    let total: f64 = items.iter().map(|i| i.3).sum();
    let months = d.months_served();
    Score {
        total,
        items,
        months,
        compared: crate::domain::rules::full_period_equivalent(total, months, period_months)
            .unwrap_or(0.0),
        partial: months + 1e-9 < period_months,
    }
}

/// Where a score stands among its peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Top,
    Middle,
    Bottom,
}

impl Band {
    pub fn label(self, top: f64, bottom: f64) -> String {
        match self {
            Band::Top => format!("前{}", crate::domain::text::fraction_percent(top)),
            Band::Middle => "中间".to_string(),
            Band::Bottom => format!("后{}", crate::domain::text::fraction_percent(bottom)),
        }
    }
}

/// Competition rank (1, 2, 2, 4 …) of each score, highest first: equal scores share a rank.
pub fn ranks(scores: &[f64]) -> Vec<usize> {
    let sorted = sorted(scores);
    scores.iter().map(|s| rank_in(&sorted, *s)).collect()
}

/// The scores in ascending order: ranks are then binary searches, so a province's
/// 100,000 peers cost n log n, not n².
fn sorted(scores: &[f64]) -> Vec<f64> {
    let mut v = scores.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// 1 + how many of the (ascending) scores are strictly higher than `s`.
fn rank_in(sorted: &[f64], s: f64) -> usize {
    1 + sorted.len() - sorted.partition_point(|o| *o <= s + 1e-9)
}

/// Bands: the top `top` share of places (rounded up) and the bottom `bottom` share, by
/// rank, so that tied scores always share a band. With fewer than 3 peers all are 中间.
pub fn bands(scores: &[f64], top: f64, bottom: f64) -> Vec<Band> {
    let n = scores.len();
    if n < 3 {
        return vec![Band::Middle; n];
    }
    let top_places = ((n as f64 * top) - 1e-9).ceil() as usize;
    let bottom_places = ((n as f64 * bottom) - 1e-9).ceil() as usize;
    // Rank from the bottom: 1 + how many score strictly lower.
    let sorted = sorted(scores);
    scores
        .iter()
        .map(|s| {
            (
                rank_in(&sorted, *s),
                1 + sorted.partition_point(|o| *o < *s - 1e-9),
            )
        })
        .map(|(r, b)| {
            if r <= top_places {
                Band::Top
            } else if b <= bottom_places {
                Band::Bottom
            } else {
                Band::Middle
            }
        })
        .collect()
}

/// Why a delegate cannot be recommended as outstanding (R4 with R8). `flagged` is the
/// reason of a flagged 述职评议 (`RatingRules::flag_reason`: its figure and threshold).
pub fn ineligibility(
    d: &DelegateArchive,
    left_in_year: bool,
    flagged: Option<&str>,
) -> Option<String> {
    if left_in_year {
        return Some(format!("年内{}", d.delegate.status_label()));
    }
    if d.get(Metric::CongressAbsent) > 0 {
        return Some(format!(
            "本年度未经批准缺席区人代会{}次",
            d.get(Metric::CongressAbsent)
        ));
    }
    flagged.map(str::to_string)
}

/// One group's draft: the candidates in order and a note when the list needs a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Indices into the eligible list given, in list order.
    pub chosen: Vec<usize>,
    pub note: String,
    /// The chosen tied at the last place, whose rows carry the tie note; empty when the
    /// note is a shortfall (it speaks of the whole group).
    pub tied: Vec<usize>,
}

/// Picks `min`–`max` candidates by score from the eligible (score, id) pairs: highest
/// first, ties by id only for display. A tie across the cut keeps all tied delegates and
/// says so; fewer eligible than `min` is stated.
pub fn pick_outstanding(eligible: &[(f64, String)], min: usize, max: usize) -> Draft {
    let mut order: Vec<usize> = (0..eligible.len()).collect();
    order.sort_by(|a, b| {
        eligible[*b]
            .0
            .total_cmp(&eligible[*a].0)
            .then_with(|| eligible[*a].1.cmp(&eligible[*b].1))
    });
    if order.len() <= max {
        let note = if order.len() < min {
            format!("符合条件的代表只有{}名，少于{}名", order.len(), min)
        } else {
            String::new()
        };
        return Draft {
            chosen: order,
            note,
            tied: Vec::new(),
        };
    }
    let cut = eligible[order[max - 1]].0;
    let mut chosen: Vec<usize> = order.iter().copied().take(max).collect();
    let tied_beyond: Vec<usize> = order
        .iter()
        .copied()
        .skip(max)
        .filter(|i| (eligible[*i].0 - cut).abs() < 1e-9)
        .collect();
    if tied_beyond.is_empty() {
        return Draft {
            chosen,
            note: String::new(),
            tied: Vec::new(),
        };
    }
    chosen.extend(tied_beyond);
    let tied: Vec<usize> = chosen
        .iter()
        .copied()
        .filter(|i| (eligible[*i].0 - cut).abs() < 1e-9)
        .collect();
    let note = format!(
        "第{max}名有{}人积分并列（{}分），均列入，请研究确定",
        tied.len(),
        fmt_points(cut)
    );
    Draft { chosen, note, tied }
}

/// Points as printed: whole numbers without decimals.
pub fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{}", p as i64)
    } else {
        format!("{:.1}", crate::domain::text::round_half_away(p, 1))
    }
}

/// Scores and bands of everyone in an archive: (score, band in group, band overall).
pub fn score_all(a: &Archive, rules: &ScoreRules) -> Vec<(Score, Band, Band)> {
    let months = a.period.months();
    let scores: Vec<Score> = a
        .delegates
        .iter()
        .map(|d| score(d, rules, months))
        .collect();
    // Bands compare rates per month served, so a by-elected delegate is not "后段" for
    // having served half the term.
    let totals: Vec<f64> = scores.iter().map(|s| s.compared).collect();
    let overall = bands(&totals, rules.top_share, rules.bottom_share);
    let mut in_group = vec![Band::Middle; totals.len()];
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in a.delegates.iter().enumerate() {
        groups.entry(d.delegate.group.as_str()).or_default().push(i);
    }
    for idx in groups.values() {
        let t: Vec<f64> = idx.iter().map(|i| totals[*i]).collect();
        for (i, b) in idx
            .iter()
            .zip(bands(&t, rules.top_share, rules.bottom_share))
        {
            in_group[*i] = b;
        }
    }
    scores
        .into_iter()
        .zip(in_group)
        .zip(overall)
        .map(|((s, g), o)| (s, g, o))
        .collect()
}

/// R5: candidates for outstanding suggestions of the period: solved (A) and rated 满意 or
/// 基本满意 by the delegates; 满意 first, then more co-signers, then by number.
pub fn outstanding_suggestion_candidates<'a>(
    suggestions: &'a [crate::domain::model::Suggestion],
    p: &crate::domain::archive::Period,
) -> Vec<&'a crate::domain::model::Suggestion> {
    use crate::domain::model::{HandlingResult, Satisfaction};
    let mut cands: Vec<_> = suggestions
        .iter()
        .filter(|s| {
            p.contains(s.date)
                && s.result == Some(HandlingResult::Solved)
                && matches!(
                    s.satisfaction,
                    Some(Satisfaction::Satisfied | Satisfaction::Basically)
                )
        })
        .collect();
    let rank = |s: &crate::domain::model::Suggestion| {
        (
            s.satisfaction != Some(Satisfaction::Satisfied),
            std::cmp::Reverse(s.cosigners.len()),
        )
    };
    cands.sort_by(|x, y| (rank(x), &x.number).cmp(&(rank(y), &y.number)));
    cands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_parse_and_name_their_version() {
        let r = ScoreRules::parse(DEFAULT_RULES).expect("default rules");
        assert!(r.label().contains("版本"));
        assert_eq!(r.weights["suggestions_led"], 3.0);
    }

    #[test]
    fn unknown_items_are_refused() {
        let err = ScoreRules::parse("name='x'\nversion='1'\n[weights]\nvisits = 2\n")
            .expect_err("unknown");
        assert!(err.to_string().contains("积分项「visits」不存在"), "{err}");
    }

    #[test]
    fn ranks_share_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0]), vec![3, 1, 1, 4]);
    }

    #[test]
    fn ranks_match_counting_every_peer() {
        // The sorted search must agree with the definition (count the peers strictly
        // above), ties and near-ties within the tolerance included.
        let mut rng = crate::sample::Rng::new(7);
        let scores: Vec<f64> = (0..500)
            .map(|_| (rng.below(40) as f64) * 0.5 + if rng.chance(0.2) { 1e-12 } else { 0.0 })
            .collect();
        let above: Vec<usize> = scores
            .iter()
            .map(|s| 1 + scores.iter().filter(|o| **o > *s + 1e-9).count())
            .collect();
        let below: Vec<usize> = scores
            .iter()
            .map(|s| 1 + scores.iter().filter(|o| **o < *s - 1e-9).count())
            .collect();
        assert_eq!(ranks(&scores), above);
        let top = ((500.0 * 0.2) - 1e-9_f64).ceil() as usize;
        let expected: Vec<Band> = above
            .iter()
            .zip(&below)
            .map(|(r, b)| {
                if *r <= top {
                    Band::Top
                } else if *b <= top {
                    Band::Bottom
                } else {
                    Band::Middle
                }
            })
            .collect();
        assert_eq!(bands(&scores, 0.2, 0.2), expected);
    }

    #[test]
    fn bands_by_rank_with_ties() {
        use Band::*;
        // 10 delegates, 20 %: two places at the top and two at the bottom.
        let s = [10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        assert_eq!(
            bands(&s, 0.2, 0.2),
            vec![Top, Top, Middle, Middle, Middle, Middle, Middle, Middle, Bottom, Bottom]
        );
        // A tie at the second place keeps both in the top band; 12 × 20 % rounds up to 3.
        let s = [9.0, 8.0, 8.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 4.0, 3.0, 2.0];
        let b = bands(&s, 0.2, 0.2);
        assert_eq!(&b[..3], &[Top, Top, Top]);
        assert_eq!(&b[9..], &[Bottom, Bottom, Bottom]);
        assert_eq!(bands(&[1.0, 2.0], 0.2, 0.2), vec![Middle, Middle]);
    }

    #[test]
    fn outstanding_picks_with_ties_and_shortfalls() {
        let e = |v: &[(f64, &str)]| {
            v.iter()
                .map(|(s, i)| (*s, i.to_string()))
                .collect::<Vec<_>>()
        };
        // Plain case: the best three.
        let d = pick_outstanding(
            &e(&[(5.0, "D1"), (9.0, "D2"), (7.0, "D3"), (8.0, "D4")]),
            2,
            3,
        );
        assert_eq!(d.chosen, vec![1, 3, 2]);
        assert!(d.note.is_empty());
        // A tie at the third place: both kept, and the note says so.
        let d = pick_outstanding(
            &e(&[
                (9.0, "D1"),
                (8.0, "D2"),
                (7.0, "D3"),
                (7.0, "D4"),
                (1.0, "D5"),
            ]),
            2,
            3,
        );
        assert_eq!(d.chosen, vec![0, 1, 2, 3]);
        assert_eq!(d.note, "第3名有2人积分并列（7分），均列入，请研究确定");
        // The note belongs to the two tied at 7, not to the first-ranked D1.
        assert_eq!(d.tied, vec![2, 3]);
        // Only one eligible.
        let d = pick_outstanding(&e(&[(3.0, "D1")]), 2, 3);
        assert_eq!(d.chosen, vec![0]);
        assert_eq!(d.note, "符合条件的代表只有1名，少于2名");
        assert!(d.tied.is_empty());
    }
}
