//! Duplicate records across units: one kept per key, by the authority of the sender,
//! and every merged row reported.

use super::gaps::attendance_gaps;
use super::workbook::Candidates;
use crate::config::Config;
use crate::domain::findings::{Finding, Severity, Validation};
use crate::domain::model::*;
use crate::domain::text::{normalize_name, normalized_name};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::HashMap;

/// A record that duplicates are merged by: what makes two records the same one, borrowed
/// from the record (a key is built for each of millions), and where it was read.
trait Mergeable: Clone {
    type Key<'a>: std::hash::Hash + Eq
    where
        Self: 'a;
    fn key(&self) -> Self::Key<'_>;
    fn source(&self) -> &Source;
}

impl Mergeable for Attendance {
    type Key<'a> = (&'a str, (MeetingKind, NaiveDate, Cow<'a, str>));
    fn key(&self) -> Self::Key<'_> {
        (&self.delegate, meeting_key(self))
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for Activity {
    type Key<'a> = (&'a str, ActivityKind, NaiveDate, Cow<'a, str>);
    fn key(&self) -> Self::Key<'_> {
        (
            &self.delegate,
            self.kind,
            self.date,
            normalized_name(&self.name),
        )
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for Suggestion {
    /// By number; a suggestion without one by its title and lead delegates.
    type Key<'a> = (&'a str, Cow<'a, str>, Cow<'a, str>);
    fn key(&self) -> Self::Key<'_> {
        if self.number.is_empty() {
            (
                "",
                normalized_name(&self.title),
                self.leads.join("、").into(),
            )
        } else {
            (&self.number, "".into(), "".into())
        }
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

/// The same reception sent twice (by the group and the liaison office): same day, 家站,
/// delegates and 办理方式 (one reception may take a row per 办理方式).
impl Mergeable for crate::domain::contact::Contact {
    type Key<'a> = (
        NaiveDate,
        Cow<'a, str>,
        &'a [String],
        Option<crate::domain::contact::ContactHandling>,
    );
    fn key(&self) -> Self::Key<'_> {
        (
            self.date,
            normalized_name(&self.station),
            &self.delegates,
            self.handling,
        )
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for ReportToVoters {
    type Key<'a> = (&'a str, NaiveDate);
    fn key(&self) -> Self::Key<'_> {
        (&self.delegate, self.date)
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

impl Mergeable for Commendation {
    type Key<'a> = (i32, &'a str, CommendationKind);
    fn key(&self) -> Self::Key<'_> {
        (self.year, &self.delegate, self.kind)
    }
    fn source(&self) -> &Source {
        &self.source
    }
}

/// Keeps one record per key: the one from the most authoritative unit (lowest rank),
/// then the first read. Returns the kept records in source order and, for each merged
/// row, the record it merged into, in the order (rank, source) of the merged rows.
/// One hash lookup per record and no sort of all records: duplicates are few, and
/// records arrive mostly in source order (checked, and sorted only when they do not).
fn merge<T: Mergeable>(items: Vec<(T, u8)>) -> (Vec<T>, Vec<(T, T)>) {
    let n = items.len();
    let before = |a: usize, b: usize| {
        (items[a].1, items[a].0.source(), a) < (items[b].1, items[b].0.source(), b)
    };
    // Records sharing a key form a group; each group keeps its best record so far.
    let mut group_of: Vec<u32> = Vec::with_capacity(n);
    let mut best: Vec<usize> = Vec::new();
    {
        let mut groups: crate::domain::model::FastMap<T::Key<'_>, u32> = Default::default();
        groups.reserve(n);
        for (i, (item, _)) in items.iter().enumerate() {
            let g = match groups.entry(item.key()) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let g = *e.get();
                    if before(i, best[g as usize]) {
                        best[g as usize] = i;
                    }
                    g
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    best.push(i);
                    *e.insert(best.len() as u32 - 1)
                }
            };
            group_of.push(g);
        }
    }
    // into[i]: the record i merges into, or i itself when it is kept.
    let into: Vec<usize> = group_of.iter().map(|&g| best[g as usize]).collect();
    let mut dups: Vec<usize> = (0..n).filter(|&i| into[i] != i).collect();
    dups.sort_by(|&a, &b| {
        (items[a].1, items[a].0.source()).cmp(&(items[b].1, items[b].0.source()))
    });
    let kept_clones: Vec<T> = dups.iter().map(|&i| items[into[i]].0.clone()).collect();
    let in_source_order = items.windows(2).all(|w| w[0].0.source() <= w[1].0.source());
    let mut dup_at = vec![u32::MAX; if dups.is_empty() { 0 } else { n }];
    for (k, &i) in dups.iter().enumerate() {
        dup_at[i] = k as u32;
    }
    let mut lost: Vec<Option<T>> = (0..dups.len()).map(|_| None).collect();
    let mut kept: Vec<T> = Vec::with_capacity(n - dups.len());
    for (i, (t, _)) in items.into_iter().enumerate() {
        match dup_at.get(i) {
            Some(&k) if k != u32::MAX => lost[k as usize] = Some(t),
            _ => kept.push(t),
        }
    }
    if !in_source_order {
        // Stable: records of one source stay in the order read.
        kept.sort_by(|a, b| a.source().cmp(b.source()));
    }
    let merged = lost.into_iter().flatten().zip(kept_clones).collect();
    (kept, merged)
}

fn merge_note(kept: &Source, what: &str) -> String {
    format!(
        "与 {} › {} 第{}行的{}重复，已合并为一条",
        kept.file, kept.sheet, kept.row, what
    )
}

/// Folds day records into their sessions (代表法 counts sessions, not days). Day rows of
/// one session count as merged into the session's record, with one note per sheet
/// rather than one per row.
fn fold_sessions(
    attendance: Vec<Attendance>,
    config: &Config,
    v: &mut Validation,
    count: &mut impl FnMut(&Source),
) -> Vec<Attendance> {
    let folded = crate::domain::session::fold(
        attendance,
        crate::domain::session::FoldContext {
            district: &config.district.name,
            term: config.term.number,
            listed: &config.sessions,
        },
    );
    let crate::domain::session::Folded {
        attendance,
        folded,
        findings,
        ..
    } = folded;
    v.findings.extend(findings);
    let mut per_sheet: std::collections::BTreeMap<(&str, &str), (u32, u32)> =
        std::collections::BTreeMap::new();
    for (day, _) in &folded {
        count(day);
        let e = per_sheet
            .entry((&day.file, &day.sheet))
            .or_insert((0, day.row));
        e.0 += 1;
        e.1 = e.1.min(day.row);
    }
    for ((file, sheet), (n, row)) in per_sheet {
        v.findings.push(
            Finding::new(Severity::Info, file, sheet, row)
                .message(format!(
                    "本表有 {n} 行是同一次会议其他日期的出席记录，已按会次合并（一次会议计一次：任一天出席即为出席，各天均缺席才为缺席）"
                ))
                .hint("无需处理"),
        );
    }
    attendance
}

/// Merges duplicates and reports disagreements; returns the records and the number of
/// merged rows per file.
pub(super) fn merge_all(
    c: Candidates,
    v: &mut Validation,
    roster: &Roster,
    config: &Config,
) -> (Records, HashMap<String, u32>, Vec<Finding>) {
    let mut merged_per_file: HashMap<String, u32> = HashMap::new();
    let mut count = |s: &Source| *merged_per_file.entry(s.file.to_string()).or_default() += 1;

    let Candidates {
        attendance,
        activities,
        suggestions,
        reports,
        commendations,
        contacts,
        // Taken out before merging: a decision row is checked by `input::decision`.
        decisions: _,
    } = c;
    let (activities, activity_dup) = merge(activities);
    let (attendance, dup) = merge(attendance);
    let attendance = fold_sessions(attendance, config, v, &mut count);
    let gaps = attendance_gaps(&attendance, roster, config);
    for (lost, kept) in dup {
        count(&lost.source);
        v.findings.push(attendance_merged(&lost, &kept));
    }
    for (lost, kept) in activity_dup {
        count(&lost.source);
        v.findings.push(
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "履职活动")),
        );
    }
    let (suggestions, dup) = merge(suggestions);
    for (lost, kept) in dup {
        count(&lost.source);
        v.findings.push(suggestion_merged(&lost, &kept));
    }
    let (reports, dup) = merge(reports);
    for (lost, kept) in dup {
        count(&lost.source);
        v.findings.push(
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "述职评议")),
        );
    }
    let (commendations, dup) = merge(commendations);
    for (lost, kept) in dup {
        count(&lost.source);
        v.findings.push(
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "通报表彰")),
        );
    }
    let (contacts, dup) = merge(contacts);
    for (lost, kept) in dup {
        count(&lost.source);
        v.findings.push(
            Finding::at(Severity::Info, &lost.source).message(merge_note(&kept.source, "联系群众")),
        );
    }
    (
        Records {
            attendance,
            activities,
            suggestions,
            reports,
            commendations,
            contacts,
        },
        merged_per_file,
        gaps,
    )
}

/// A merged attendance row: noted, or a warning when the two disagree on presence.
fn attendance_merged(lost: &Attendance, kept: &Attendance) -> Finding {
    if lost.presence == kept.presence {
        return Finding::at(Severity::Info, &lost.source)
            .message(merge_note(&kept.source, "出席记录"));
    }
    Finding::at(Severity::Warning, &lost.source)
        .column("出席情况")
        .value(lost.presence.label())
        .message(format!(
            "与 {} › {} 第{}行记录的出席情况（{}）不一致，按{}的记录统计",
            kept.source.file,
            kept.source.sheet,
            kept.source.row,
            kept.presence.label(),
            kept.unit
        ))
        .hint("请两个单位核对；会议由哪个单位组织，以哪个单位的记录为准")
}

/// A merged suggestion: noted, or a warning when one number names two suggestions.
fn suggestion_merged(lost: &Suggestion, kept: &Suggestion) -> Finding {
    let same =
        normalize_name(&lost.title) == normalize_name(&kept.title) && lost.leads == kept.leads;
    if same {
        return Finding::at(Severity::Info, &lost.source)
            .message(merge_note(&kept.source, "代表建议"));
    }
    Finding::at(Severity::Warning, &lost.source)
        .column("建议编号")
        .value(lost.number.clone())
        .message(format!(
            "建议编号与 {} › {} 第{}行相同，但标题或领衔代表不同，按{}的记录统计",
            kept.source.file, kept.source.sheet, kept.source.row, kept.unit
        ))
        .hint("请核对建议编号：不同的建议应有不同的编号")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merge as first written: every position sorted by (rank, source), the first
    /// of each key kept. The reference for `merge`.
    fn merge_by_sorting<T: Mergeable>(items: Vec<(T, u8)>) -> (Vec<T>, Vec<(T, T)>) {
        let n = items.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            (items[a].1, items[a].0.source()).cmp(&(items[b].1, items[b].0.source()))
        });
        let mut into: Vec<usize> = (0..n).collect();
        let mut first: HashMap<T::Key<'_>, usize> = HashMap::new();
        for &i in &order {
            into[i] = *first.entry(items[i].0.key()).or_insert(i);
        }
        let mut kept_order: Vec<usize> = order.iter().copied().filter(|&i| into[i] == i).collect();
        kept_order.sort_by(|&a, &b| items[a].0.source().cmp(items[b].0.source()));
        let merged = order
            .iter()
            .filter(|&&i| into[i] != i)
            .map(|&i| (items[i].0.clone(), items[into[i]].0.clone()))
            .collect();
        let kept = kept_order.iter().map(|&i| items[i].0.clone()).collect();
        (kept, merged)
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Rec {
        key: u32,
        source: Source,
    }

    impl Mergeable for Rec {
        type Key<'a> = u32;
        fn key(&self) -> u32 {
            self.key
        }
        fn source(&self) -> &Source {
            &self.source
        }
    }

    /// Keys repeated within and across files, units of every rank, sources in and out
    /// of order and repeated: the one-pass merge keeps and pairs exactly what sorting does.
    #[test]
    fn merge_keeps_what_sorting_keeps() {
        let files: Vec<std::sync::Arc<str>> = [
            "2025/乙.xlsx",
            "2025/甲.xlsx",
            "2025/a/b.xlsx",
            "2025/a-b.xlsx",
        ]
        .into_iter()
        .map(Into::into)
        .collect();
        let sheet: std::sync::Arc<str> = "出席".into();
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for (len, sorted) in [
            (0, true),
            (1, true),
            (500, true),
            (500, false),
            (3000, false),
        ] {
            let mut items: Vec<(Rec, u8)> = (0..len)
                .map(|_| {
                    let f = next(files.len() as u64) as usize;
                    let rec = Rec {
                        key: next(len as u64 / 3 + 1) as u32,
                        source: Source {
                            file: files[f].clone(),
                            sheet: sheet.clone(),
                            row: next(40) as u32 + 2,
                        },
                    };
                    (rec, f as u8 % 3)
                })
                .collect();
            if sorted {
                items.sort_by(|a, b| a.0.source.cmp(&b.0.source));
            }
            let ours = merge(items.clone());
            let theirs = merge_by_sorting(items);
            assert_eq!(ours, theirs, "{len} records, sorted: {sorted}");
            if len >= 500 {
                assert!(!ours.1.is_empty(), "some merged");
            }
        }
    }
}
