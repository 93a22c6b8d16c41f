//! Meetings are sessions, not dates (代表法 Art. 62(三) counts sessions): a 区人代会 lasts
//! several days and groups record it day by day, only on its opening day, or once. Here
//! the day records of one session are recognised by their normalised 会议名称 (or by the
//! session list in `lvzhi.toml`) and folded into one record per delegate and session.
//! Also the legend of register marks. Pure: no files.

use crate::domain::findings::{Finding, Severity};
use crate::domain::model::*;
use crate::domain::text::{chinese_date, normalize_name, unit_key};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, BTreeSet};

/// Days apart beyond which one name on two dates is taken for two sessions.
pub const MAX_SESSION_GAP_DAYS: i64 = 7;

/// One `[[sessions]]` entry of `lvzhi.toml`: a session and its days.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    #[serde(deserialize_with = "de_kind")]
    pub kind: MeetingKind,
    pub name: String,
    #[serde(deserialize_with = "crate::config::de_date")]
    pub first: NaiveDate,
    #[serde(deserialize_with = "crate::config::de_date")]
    pub last: NaiveDate,
}

fn de_kind<'de, D: Deserializer<'de>>(d: D) -> Result<MeetingKind, D::Error> {
    let s = String::deserialize(d)?;
    match MeetingKind::parse(&s) {
        Some(k) if k != MeetingKind::Training => Ok(k),
        _ => Err(serde::de::Error::custom(format!(
            "会议类别「{s}」无法识别，应为：区人代会、常委会会议、专委会议"
        ))),
    }
}

impl SessionSpec {
    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.first && d <= self.last
    }
}

/// Checks the session list: days in order, names given, no two sessions of one kind
/// overlapping (a date must say which session it belongs to).
pub fn check_sessions(list: &[SessionSpec]) -> Result<(), String> {
    for (i, s) in list.iter().enumerate() {
        if s.name.trim().is_empty() {
            return Err(format!("第{}个 [[sessions]] 缺少会议名称（name）", i + 1));
        }
        if s.last < s.first {
            return Err(format!(
                "[[sessions]]「{}」的结束日期（last）早于开始日期（first）",
                s.name
            ));
        }
        if let Some(o) = list[..i].iter().find(|o| {
            o.kind == s.kind
                && o.kind != MeetingKind::CommitteeMeeting
                && o.first <= s.last
                && s.first <= o.last
        }) {
            return Err(format!(
                "[[sessions]]「{}」与「{}」的日期重叠；同类会议的日期不能重叠",
                o.name, s.name
            ));
        }
    }
    Ok(())
}

/// The listed session of this kind a date falls in. None also when no session of the
/// kind is listed (`has_listed` tells the two apart).
pub fn listed_session(
    list: &[SessionSpec],
    kind: MeetingKind,
    d: NaiveDate,
) -> Option<&SessionSpec> {
    list.iter().find(|s| s.kind == kind && s.contains(d))
}

pub fn has_listed(list: &[SessionSpec], kind: MeetingKind) -> bool {
    list.iter().any(|s| s.kind == kind)
}

// ---------------------------------------------------------------------------------------
// The legend of register marks

/// A register mark the legend does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownMark;

/// How the marks in a sign-in register read (`[legend]` in `lvzhi.toml`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Legend {
    pub attended: Vec<String>,
    pub observer: Vec<String>,
    pub leave: Vec<String>,
    pub absent: Vec<String>,
}

impl Default for Legend {
    fn default() -> Self {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
        Legend {
            attended: v(&["√", "✓", "到"]),
            observer: Vec::new(),
            leave: v(&["○", "假"]),
            absent: v(&["×", "缺"]),
        }
    }
}

impl Legend {
    fn groups(&self) -> [(Presence, &Vec<String>); 4] {
        [
            (Presence::Attended, &self.attended),
            (Presence::Observer, &self.observer),
            (Presence::Leave, &self.leave),
            (Presence::Absent, &self.absent),
        ]
    }

    /// A body cell's mark: Ok(None) for a blank cell (no record), Err for an unknown mark.
    /// The full words (出席, 请假 …) are understood too.
    pub fn read(&self, cell: &str) -> Result<Option<Presence>, UnknownMark> {
        let m = normalize_name(cell);
        if m.is_empty() {
            return Ok(None);
        }
        for (p, marks) in self.groups() {
            if marks.iter().any(|x| normalize_name(x) == m) {
                return Ok(Some(p));
            }
        }
        Presence::parse(&m).map(Some).ok_or(UnknownMark)
    }

    /// The legend as users read it: √ ✓ 到 = 出席；○ 假 = 请假；× 缺 = 缺席；空白 = 未记录.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .groups()
            .iter()
            .filter(|(_, m)| !m.is_empty())
            .map(|(p, m)| format!("{} = {}", m.join(" "), p.label()))
            .collect();
        parts.push("空白 = 未记录".to_string());
        parts.join("；")
    }

    /// A mark may mean one thing only.
    pub fn check(&self) -> Result<(), String> {
        let mut seen: BTreeMap<String, Presence> = BTreeMap::new();
        for (p, marks) in self.groups() {
            for m in marks {
                let k = normalize_name(m);
                if k.is_empty() {
                    return Err(format!("[legend] 中「{}」的标记不能为空白", p.label()));
                }
                if let Some(q) = seen.insert(k, p) {
                    return Err(format!(
                        "[legend] 中的标记「{m}」既表示{}又表示{}",
                        q.label(),
                        p.label()
                    ));
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Session names

/// A small number in Chinese numerals or digits: 四, 十, 十二, 二十一, 一百零二, 4, ４.
pub fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| {
        "〇零一二三四五六七八九".find(c).map(|_| match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            _ => 9,
        })
    };
    let (mut total, mut cur) = (0u32, None::<u32>);
    for c in s.chars() {
        match c {
            '十' => {
                total += cur.unwrap_or(1) * 10;
                cur = None;
            }
            '百' => {
                total += cur.unwrap_or(1) * 100;
                cur = None;
            }
            _ => cur = Some(digit(c)?),
        }
    }
    Some(total + cur.unwrap_or(0))
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "〇零一二三四五六七八九十百".contains(c)
}

/// The number written just before `marker` (第四次 → 4 for 次), searching from `from`.
/// Returns the number and the byte position after the marker.
fn number_before(s: &str, marker: char, from: usize) -> Option<(u32, usize)> {
    let tail = s.get(from..)?;
    for (i, c) in tail.char_indices() {
        if c != marker {
            continue;
        }
        let before = &tail[..i];
        let digits: String = before
            .chars()
            .rev()
            .take_while(|c| is_numeral(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Some(n) = parse_number(&digits) {
            return Some((n, from + i + c.len_utf8()));
        }
    }
    None
}

/// A 会议名称 without the district's name and the leading 区 (示范区第六届… → 第六届…),
/// half width and without spaces. `district` is the configured name (北京市示范区):
/// the part after the city (示范区) is stripped too.
pub fn strip_district(name: &str, district: &str) -> String {
    let mut n = normalize_name(name);
    let d = normalize_name(district);
    let mut variants = vec![d.clone()];
    if let Some(pos) = d.rfind('市') {
        variants.push(d[pos + '市'.len_utf8()..].to_string());
    }
    for v in variants.iter().filter(|v| !v.is_empty()) {
        if let Some(rest) = n.strip_prefix(v.as_str()) {
            n = rest.to_string();
        }
    }
    n.strip_prefix('区').map(str::to_string).unwrap_or(n)
}

/// The identity of a session by its name, or None for a blank or merely generic name
/// (区人代会, 常委会会议): such rows fall back to their date.
/// - 区人代会: 届 and 次 (第六届人民代表大会第四次会议 ≡ 六届人大四次会议 ≡
///   区六届人大四次会议 → `区人代会|6|4`); 届 missing → the current term's.
/// - 常委会会议: 届 and 次 the same way (常委会第十次会议 → `常委会会议|6|10`).
/// - 专委会议: the committee plus the 次 if any, else the name.
/// - Otherwise the name without the district.
pub fn session_key(
    kind: MeetingKind,
    name: &str,
    committee: &str,
    district: &str,
    term: u32,
) -> Option<String> {
    let n = strip_district(name, district);
    if n.is_empty() || MeetingKind::parse(&n).is_some() {
        return None;
    }
    // 2025年第一次全体会议: numbers restarting each year are told apart by the year.
    let year = n
        .char_indices()
        .filter(|(_, c)| *c == '年')
        .find_map(|(i, _)| {
            let y = n.get(i.checked_sub(4)?..i)?;
            (y.chars().all(|c| c.is_ascii_digit())).then(|| format!("{y}年|"))
        })
        .unwrap_or_default();
    let numbered = || {
        let (ci, after) = number_before(&n, '届', 0).map_or((term, 0), |(v, p)| (v, p));
        number_before(&n, '次', after).map(|(times, _)| format!("{ci}|{times}"))
    };
    let key = match kind {
        MeetingKind::Congress => {
            numbered().unwrap_or_else(|| n.trim_end_matches("会议").to_string())
        }
        MeetingKind::StandingCommittee => numbered()
            .map(|k| format!("{year}{k}"))
            .unwrap_or_else(|| n.trim_end_matches("会议").to_string()),
        MeetingKind::CommitteeMeeting => {
            let c = unit_key(committee);
            let rest = if c.is_empty() {
                n.clone()
            } else {
                n.replace(&c, "")
            };
            let rest = strip_district(&rest, district);
            let what = number_before(&rest, '次', 0)
                .map(|(t, _)| format!("{year}{t}"))
                .unwrap_or(rest);
            format!("{c}|{what}")
        }
        MeetingKind::Training => n.clone(),
    };
    Some(format!("{}|{key}", kind.label()))
}

// ---------------------------------------------------------------------------------------
// Folding days into sessions

/// How a delegate's day records of one session fold into one: present on any day →
/// 出席 (列席 when only sat in); every recorded day 缺席 → 缺席; otherwise 请假 if any
/// day is leave. None without any record (未报).
pub fn fold_presence(days: &[Presence]) -> Option<Presence> {
    if days.contains(&Presence::Attended) {
        Some(Presence::Attended)
    } else if days.contains(&Presence::Observer) {
        Some(Presence::Observer)
    } else if days.is_empty() {
        None
    } else if days.iter().all(|p| *p == Presence::Absent) {
        Some(Presence::Absent)
    } else {
        Some(Presence::Leave)
    }
}

/// One session: a body's meeting over its days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub kind: MeetingKind,
    /// The committee of a 专委会议 (as the records name it), else empty.
    pub committee: String,
    /// The listed name, else the first name read.
    pub name: String,
    pub days: BTreeSet<NaiveDate>,
}

impl Session {
    pub fn first(&self) -> NaiveDate {
        self.days.first().copied().unwrap_or(NaiveDate::MIN)
    }
    pub fn last(&self) -> NaiveDate {
        self.days.last().copied().unwrap_or(NaiveDate::MIN)
    }
}

/// The dates of a session as documents write them: 2025年1月8日 or 2025年1月8日至1月10日.
pub fn session_dates(first: NaiveDate, last: NaiveDate) -> String {
    use chrono::Datelike;
    if last <= first {
        chinese_date(first)
    } else if last.year() == first.year() {
        format!(
            "{}至{}月{}日",
            chinese_date(first),
            last.month(),
            last.day()
        )
    } else {
        format!("{}至{}", chinese_date(first), chinese_date(last))
    }
}

/// The outcome of folding: one record per delegate and session (trainings untouched),
/// the day rows folded into another (folded row, the record it went into), the
/// sessions found and the warnings about names.
#[derive(Debug, Default)]
pub struct Folded {
    pub attendance: Vec<Attendance>,
    pub folded: Vec<(Source, Source)>,
    pub sessions: Vec<Session>,
    pub findings: Vec<Finding>,
}

/// What folding needs from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct FoldContext<'a> {
    pub district: &'a str,
    pub term: u32,
    pub listed: &'a [SessionSpec],
}

/// A body: the kind of meeting and, for committee meetings, the committee.
type Body = (MeetingKind, String);

fn body_of(a: &Attendance) -> Body {
    let c = if a.kind == MeetingKind::CommitteeMeeting {
        unit_key(&a.committee)
    } else {
        String::new()
    };
    (a.kind, c)
}

fn is_folded_kind(k: MeetingKind) -> bool {
    k != MeetingKind::Training
}

/// Folds day records into sessions. Records come in source order; the output keeps it.
pub fn fold(records: Vec<Attendance>, ctx: FoldContext) -> Folded {
    let mut out = Folded::default();
    let (sessions, session_of) = find_sessions(&records, ctx, &mut out.findings);
    // Each delegate's records of each session, in source order.
    let mut per: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    for (i, a) in records.iter().enumerate() {
        if let Some(s) = session_of[i] {
            per.entry((s, a.delegate.as_str())).or_default().push(i);
        }
    }
    // keep[i]: Some(presence) when record i stands for its session.
    let mut keep: Vec<Option<Presence>> = vec![None; records.len()];
    let mut into = vec![usize::MAX; records.len()];
    // 审议发言 of all the session's days, carried by the record that stands for it.
    let mut speeches = vec![0u32; records.len()];
    for idx in per.values() {
        let days: Vec<Presence> = idx.iter().map(|&i| records[i].presence).collect();
        let Some(p) = fold_presence(&days) else {
            continue;
        };
        // The row that shows the folded presence stands for the session.
        let k = idx
            .iter()
            .copied()
            .find(|&i| records[i].presence == p)
            .unwrap_or(idx[0]);
        keep[k] = Some(p);
        for &i in idx {
            into[i] = k;
            speeches[k] += records[i].speeches;
        }
    }
    for (i, a) in records.iter().enumerate() {
        if session_of[i].is_some() && keep[i].is_none() {
            out.folded
                .push((a.source.clone(), records[into[i]].source.clone()));
        }
    }
    for (i, mut a) in records.into_iter().enumerate() {
        match session_of[i] {
            None => out.attendance.push(a),
            Some(s) => {
                if let Some(p) = keep[i] {
                    let sess = &sessions[s];
                    a.presence = p;
                    a.speeches = speeches[i];
                    a.date = sess.first();
                    a.end = sess.last();
                    a.meeting = sess.name.clone();
                    out.attendance.push(a);
                }
            }
        }
    }
    out.sessions = sessions;
    out
}

/// A session under construction: its key, name, days and the records naming it.
struct Draft {
    body: Body,
    name: String,
    days: BTreeSet<NaiveDate>,
    members: Vec<usize>,
}

/// Finds the sessions and which session each record belongs to (None for trainings).
/// Reason for the length: the four steps (listed, named, spread, shared date, blank)
/// share their bookkeeping; split they would pass six maps around.
fn find_sessions(
    records: &[Attendance],
    ctx: FoldContext,
    findings: &mut Vec<Finding>,
) -> (Vec<Session>, Vec<Option<usize>>) {
    let (drafts, blank) = sessions_by_name(records, ctx);
    // One name on dates far apart: two sessions, and a warning naming both dates.
    let mut split: Vec<Draft> = Vec::new();
    for d in drafts {
        split.extend(split_far_dates(d, records, findings));
    }
    // One body with two names on one date: the same session, and a warning.
    let mut merged = merge_shared_dates(split, records, findings);
    place_blank_names(&mut merged, &blank, records, findings);
    into_sessions(merged, records)
}

/// Draft sessions by (body, listed session or normalised name); the indices of records
/// without a usable name come back apart.
fn sessions_by_name(records: &[Attendance], ctx: FoldContext) -> (Vec<Draft>, Vec<usize>) {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_key: BTreeMap<(Body, String), usize> = BTreeMap::new();
    let mut blank: Vec<usize> = Vec::new();
    for (i, a) in records.iter().enumerate() {
        if !is_folded_kind(a.kind) {
            continue;
        }
        let body = body_of(a);
        let (key, name) = if let Some(s) = listed_session(ctx.listed, a.kind, a.date) {
            (format!("listed|{}|{}", s.name, s.first), s.name.clone())
        } else {
            match session_key(a.kind, &a.meeting, &a.committee, ctx.district, ctx.term) {
                Some(k) => (k, a.meeting.clone()),
                None => {
                    blank.push(i);
                    continue;
                }
            }
        };
        let d = *by_key.entry((body.clone(), key)).or_insert_with(|| {
            drafts.push(Draft {
                body,
                name,
                days: BTreeSet::new(),
                members: Vec::new(),
            });
            drafts.len() - 1
        });
        drafts[d].days.insert(a.date);
        drafts[d].members.push(i);
    }
    (drafts, blank)
}

/// Blank names: the body's session on that date, else a session of that date; one
/// warning per (session, sheet).
fn place_blank_names(
    merged: &mut Vec<Draft>,
    blank: &[usize],
    records: &[Attendance],
    findings: &mut Vec<Finding>,
) {
    let mut blank_groups: BTreeMap<(usize, &str, &str), Vec<usize>> = BTreeMap::new();
    for &i in blank {
        let a = &records[i];
        let body = body_of(a);
        let s = match merged
            .iter()
            .position(|d| d.body == body && d.days.contains(&a.date))
        {
            Some(s) => s,
            None => {
                merged.push(Draft {
                    body,
                    name: format!("{}（{}）", a.kind.label(), chinese_date(a.date)),
                    days: BTreeSet::from([a.date]),
                    members: Vec::new(),
                });
                merged.len() - 1
            }
        };
        merged[s].members.push(i);
        blank_groups
            .entry((s, &a.source.file, &a.source.sheet))
            .or_default()
            .push(i);
    }
    for ((s, _, _), rows) in &blank_groups {
        let first = &records[rows[0]];
        let extra = if rows.len() > 1 {
            format!("（本表共 {} 行）", rows.len())
        } else {
            String::new()
        };
        findings.push(
            Finding::at(Severity::Warning, &first.source)
                .column("会议名称")
                .message(format!(
                    "未填会议名称{extra}，按日期（{}）归入「{}」",
                    chinese_date(first.date),
                    merged[*s].name
                ))
                .hint("请填写会议名称，例如“第六届人民代表大会第四次会议”，以免把不同会次混为一次"),
        );
    }
}

/// Sessions in (body, first day) order, so the output does not depend on reading order,
/// with each record's session.
fn into_sessions(
    mut merged: Vec<Draft>,
    records: &[Attendance],
) -> (Vec<Session>, Vec<Option<usize>>) {
    let mut session_of = vec![None; records.len()];
    let mut sessions = Vec::with_capacity(merged.len());
    merged.sort_by(|a, b| (&a.body, a.days.first()).cmp(&(&b.body, b.days.first())));
    for (s, d) in merged.into_iter().enumerate() {
        for &i in &d.members {
            session_of[i] = Some(s);
        }
        let committee = d
            .members
            .first()
            .map(|&i| records[i].committee.clone())
            .unwrap_or_default();
        sessions.push(Session {
            kind: d.body.0,
            committee,
            name: d.name,
            days: d.days,
        });
    }
    (sessions, session_of)
}

/// Splits a draft where consecutive dates are more than `MAX_SESSION_GAP_DAYS` apart.
fn split_far_dates(d: Draft, records: &[Attendance], findings: &mut Vec<Finding>) -> Vec<Draft> {
    let dates: Vec<NaiveDate> = d.days.iter().copied().collect();
    let mut starts = vec![dates[0]];
    for w in dates.windows(2) {
        if (w[1] - w[0]).num_days() > MAX_SESSION_GAP_DAYS {
            starts.push(w[1]);
            let at = d
                .members
                .iter()
                .map(|&i| &records[i])
                .find(|a| a.date == w[1])
                .map(|a| a.source.clone());
            if let Some(src) = at {
                findings.push(
                    Finding::at(Severity::Warning, &src)
                        .column("会议名称")
                        .value(d.name.clone())
                        .message(format!(
                            "会议名称「{}」出现在相隔超过{}天的两个日期（{}、{}），按两次会议统计",
                            d.name,
                            MAX_SESSION_GAP_DAYS,
                            chinese_date(w[0]),
                            chinese_date(w[1])
                        ))
                        .hint("请核对会议名称或日期：同一次会议的各天应在一周之内"),
                );
            }
        }
    }
    if starts.len() == 1 {
        return vec![d];
    }
    let part = |date: NaiveDate| starts.iter().rposition(|s| *s <= date).unwrap_or(0);
    let mut parts: Vec<Draft> = starts
        .iter()
        .map(|_| Draft {
            body: d.body.clone(),
            name: d.name.clone(),
            days: BTreeSet::new(),
            members: Vec::new(),
        })
        .collect();
    for day in &d.days {
        parts[part(*day)].days.insert(*day);
    }
    for &i in &d.members {
        parts[part(records[i].date)].members.push(i);
    }
    parts
}

/// Joins drafts of one body that share a date, warning once per pair of names.
fn merge_shared_dates(
    drafts: Vec<Draft>,
    records: &[Attendance],
    findings: &mut Vec<Finding>,
) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    for d in drafts {
        match out
            .iter()
            .position(|o| o.body == d.body && !o.days.is_disjoint(&d.days))
        {
            None => out.push(d),
            Some(o) => {
                let date = out[o]
                    .days
                    .intersection(&d.days)
                    .next()
                    .copied()
                    .unwrap_or(NaiveDate::MIN);
                if let Some(a) = d
                    .members
                    .iter()
                    .map(|&i| &records[i])
                    .find(|a| a.date == date)
                {
                    findings.push(
                        Finding::at(Severity::Warning, &a.source)
                            .column("会议名称")
                            .value(d.name.clone())
                            .message(format!(
                                "同一日期（{}）的{}有两个会议名称：「{}」和「{}」，按同一次会议统计",
                                chinese_date(date),
                                a.kind.label(),
                                out[o].name,
                                d.name
                            ))
                            .hint("请统一会议名称；如确为两次会议，请核对日期"),
                    );
                }
                let target = &mut out[o];
                target.days.extend(d.days);
                target.members.extend(d.members);
            }
        }
    }
    // A join may make two earlier drafts share a date; repeat until none do.
    let n = out.len();
    let again = (0..n).any(|i| {
        (i + 1..n).any(|j| out[i].body == out[j].body && !out[i].days.is_disjoint(&out[j].days))
    });
    if again {
        merge_shared_dates(out, records, findings)
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).expect("date")
    }

    fn rec(
        id: &str,
        kind: MeetingKind,
        name: &str,
        date: NaiveDate,
        p: Presence,
        row: u32,
    ) -> Attendance {
        Attendance {
            date,
            end: date,
            kind,
            meeting: name.into(),
            committee: String::new(),
            delegate: id.into(),
            presence: p,
            speeches: 0,
            note: String::new(),
            unit: "甲组".into(),
            source: Source {
                file: "甲组.xlsx".into(),
                sheet: "出席记录".into(),
                row,
            },
        }
    }

    const CTX: FoldContext = FoldContext {
        district: "北京市示范区",
        term: 6,
        listed: &[],
    };

    #[test]
    fn chinese_numbers() {
        assert_eq!(parse_number("四"), Some(4));
        assert_eq!(parse_number("十"), Some(10));
        assert_eq!(parse_number("十二"), Some(12));
        assert_eq!(parse_number("二十一"), Some(21));
        assert_eq!(parse_number("一百零二"), Some(102));
        assert_eq!(parse_number("12"), Some(12));
        assert_eq!(parse_number("甲"), None);
    }

    #[test]
    fn name_variants_are_one_session() {
        let k = |n: &str| session_key(MeetingKind::Congress, n, "", "北京市示范区", 6);
        let want = Some("区人代会|6|4".to_string());
        for n in [
            "第六届人民代表大会第四次会议",
            "六届人大四次会议",
            "区六届人大四次会议",
            "示范区第六届人民代表大会第四次会议",
            "北京市示范区第六届人民代表大会第四次会议",
            "第六届人民代表大会 第四次会议",
            "第6届人民代表大会第４次会议",
            "第四次会议",
        ] {
            assert_eq!(k(n), want, "{n}");
        }
        assert_eq!(k("六届人大五次会议"), Some("区人代会|6|5".into()));
        assert_eq!(k(""), None, "blank falls back to the date");
        assert_eq!(k("区人代会"), None, "a generic name falls back to the date");
        let sc = |n: &str| session_key(MeetingKind::StandingCommittee, n, "", "示范区", 6);
        assert_eq!(sc("常委会第十次会议"), Some("常委会会议|6|10".into()));
        assert_eq!(sc("区六届人大常委会第十次会议"), sc("常委会第十次会议"));
        let cm = |n: &str, c: &str| session_key(MeetingKind::CommitteeMeeting, n, c, "示范区", 6);
        assert_eq!(
            cm("法制委员会第三次全体会议", "法制委员会"),
            cm("第三次全体会议", "法制委员会")
        );
        assert_ne!(
            cm("第三次全体会议", "法制委员会"),
            cm("第三次全体会议", "财政经济委员会")
        );
        assert_ne!(
            cm("法制委员会2022年第一次全体会议", "法制委员会"),
            cm("法制委员会2025年第一次全体会议", "法制委员会"),
            "numbers restarting each year"
        );
    }

    #[test]
    fn folding_presence() {
        use Presence::*;
        assert_eq!(fold_presence(&[Absent, Attended, Absent]), Some(Attended));
        assert_eq!(fold_presence(&[Absent, Absent, Absent]), Some(Absent));
        assert_eq!(fold_presence(&[Absent, Leave, Absent]), Some(Leave));
        assert_eq!(fold_presence(&[Leave, Leave]), Some(Leave));
        assert_eq!(fold_presence(&[Observer, Absent]), Some(Observer));
        assert_eq!(fold_presence(&[]), None);
    }

    /// Worked example: 第六届人民代表大会第四次会议 on 1月8日–10日. 甲 is absent all three
    /// days (one unapproved absence, not three); 乙 is present on the 9th only (attended);
    /// 丙 takes leave on the 8th and is absent on the 9th and 10th (leave); 丁's group
    /// records only the opening day, as 六届人大四次会议 (attended, same session).
    #[test]
    fn a_three_day_session_folds_per_delegate() {
        use MeetingKind::Congress as C;
        use Presence::*;
        let n = "第六届人民代表大会第四次会议";
        let mut rows = Vec::new();
        let mut r = 1;
        for (id, ps) in [
            ("甲", [Absent, Absent, Absent]),
            ("乙", [Absent, Attended, Absent]),
            ("丙", [Leave, Absent, Absent]),
        ] {
            for (k, p) in ps.into_iter().enumerate() {
                r += 1;
                rows.push(rec(id, C, n, d(1, 8 + k as u32), p, r));
            }
        }
        rows.push(rec("丁", C, "六届人大四次会议", d(1, 8), Attended, 20));
        let f = fold(rows, CTX);
        assert_eq!(f.sessions.len(), 1);
        assert_eq!(f.sessions[0].days.len(), 3);
        let got: Vec<(&str, Presence, NaiveDate, NaiveDate)> = f
            .attendance
            .iter()
            .map(|a| (a.delegate.as_str(), a.presence, a.date, a.end))
            .collect();
        assert_eq!(
            got,
            vec![
                ("甲", Absent, d(1, 8), d(1, 10)),
                ("乙", Attended, d(1, 8), d(1, 10)),
                ("丙", Leave, d(1, 8), d(1, 10)),
                ("丁", Attended, d(1, 8), d(1, 10)),
            ]
        );
        // Nine day rows and one: four records, six rows folded, every row accounted for.
        assert_eq!(f.folded.len(), 6);
        assert!(f.findings.is_empty(), "{:?}", f.findings);
        // 乙's session record is the row of the 9th (the day present).
        let yi = f
            .attendance
            .iter()
            .find(|a| a.delegate == "乙")
            .expect("乙");
        assert_eq!(yi.source.row, 6);
    }

    /// A blank name joins the body's session on that date, with one warning per sheet;
    /// a blank name on a date of no named session becomes a session of its date.
    #[test]
    fn blank_names_fall_back_to_the_date() {
        use MeetingKind::Congress as C;
        use Presence::*;
        let rows = vec![
            rec(
                "甲",
                C,
                "第六届人民代表大会第四次会议",
                d(1, 8),
                Attended,
                2,
            ),
            rec(
                "甲",
                C,
                "第六届人民代表大会第四次会议",
                d(1, 9),
                Attended,
                3,
            ),
            rec("乙", C, "", d(1, 9), Absent, 4),
            rec("丙", C, "区人代会", d(1, 9), Leave, 5),
            rec("乙", C, "", d(12, 20), Absent, 6),
        ];
        let f = fold(rows, CTX);
        assert_eq!(f.sessions.len(), 2);
        assert_eq!(f.sessions[0].name, "第六届人民代表大会第四次会议");
        assert_eq!(f.sessions[1].name, "区人代会（2025年12月20日）");
        let yi: Vec<NaiveDate> = f
            .attendance
            .iter()
            .filter(|a| a.delegate == "乙")
            .map(|a| a.date)
            .collect();
        assert_eq!(yi, vec![d(1, 8), d(12, 20)]);
        // One warning per (session, sheet): rows 4–5 share one, row 6 has its own.
        assert_eq!(f.findings.len(), 2, "{:?}", f.findings);
        assert!(
            f.findings[0].message.contains("本表共 2 行"),
            "{:?}",
            f.findings
        );
    }

    #[test]
    fn one_name_far_apart_is_two_sessions_with_a_warning() {
        use MeetingKind::Congress as C;
        use Presence::*;
        let n = "第六届人民代表大会第四次会议";
        let rows = vec![
            rec("甲", C, n, d(1, 8), Absent, 2),
            rec("甲", C, n, d(3, 1), Absent, 3),
        ];
        let f = fold(rows, CTX);
        assert_eq!(f.sessions.len(), 2);
        assert_eq!(f.attendance.len(), 2);
        assert_eq!(f.findings.len(), 1);
        let m = &f.findings[0].message;
        assert!(
            m.contains("2025年1月8日") && m.contains("2025年3月1日"),
            "{m}"
        );
    }

    #[test]
    fn two_names_on_one_date_are_one_session_with_a_warning() {
        use MeetingKind::StandingCommittee as S;
        use Presence::*;
        let rows = vec![
            rec("甲", S, "常委会第十次会议", d(3, 1), Attended, 2),
            rec("甲", S, "常委会第十一次会议", d(3, 1), Absent, 3),
            rec("乙", S, "常委会第十一次会议", d(3, 2), Absent, 4),
        ];
        let f = fold(rows, CTX);
        assert_eq!(f.sessions.len(), 1);
        assert_eq!(f.findings.len(), 1);
        let m = &f.findings[0].message;
        assert!(
            m.contains("常委会第十次会议") && m.contains("常委会第十一次会议"),
            "{m}"
        );
        assert_eq!(f.attendance.len(), 2);
        assert_eq!(f.attendance[0].presence, Attended);
    }

    #[test]
    fn listed_sessions_match_by_date() {
        use MeetingKind::Congress as C;
        use Presence::*;
        let listed = [SessionSpec {
            kind: C,
            name: "第六届人民代表大会第四次会议".into(),
            first: d(1, 8),
            last: d(1, 10),
        }];
        let ctx = FoldContext {
            listed: &listed,
            ..CTX
        };
        let rows = vec![
            rec("甲", C, "大会第一天", d(1, 8), Absent, 2),
            rec("甲", C, "", d(1, 10), Absent, 3),
        ];
        let f = fold(rows, ctx);
        assert_eq!(f.sessions.len(), 1);
        assert!(f.findings.is_empty());
        assert_eq!(f.attendance[0].meeting, "第六届人民代表大会第四次会议");
        assert_eq!(f.attendance[0].end, d(1, 10));
    }

    #[test]
    fn session_list_is_checked() {
        let s = |n: &str, a, b| SessionSpec {
            kind: MeetingKind::Congress,
            name: n.into(),
            first: a,
            last: b,
        };
        assert!(check_sessions(&[s("甲", d(1, 8), d(1, 10))]).is_ok());
        assert!(check_sessions(&[s("甲", d(1, 10), d(1, 8))]).is_err());
        let e = check_sessions(&[s("甲", d(1, 8), d(1, 10)), s("乙", d(1, 10), d(1, 11))])
            .expect_err("overlap");
        assert!(e.contains("重叠"), "{e}");
    }

    #[test]
    fn legend_reads_every_mark() {
        let l = Legend::default();
        for (m, p) in [
            ("√", Some(Presence::Attended)),
            ("✓", Some(Presence::Attended)),
            ("到", Some(Presence::Attended)),
            ("○", Some(Presence::Leave)),
            ("假", Some(Presence::Leave)),
            ("×", Some(Presence::Absent)),
            ("缺", Some(Presence::Absent)),
            (" ", None),
            ("", None),
            ("请假", Some(Presence::Leave)),
        ] {
            assert_eq!(l.read(m), Ok(p), "{m}");
        }
        assert_eq!(l.read("?"), Err(UnknownMark));
        assert_eq!(
            l.describe(),
            "√ ✓ 到 = 出席；○ 假 = 请假；× 缺 = 缺席；空白 = 未记录"
        );
        let bad = Legend {
            leave: vec!["√".into()],
            ..Legend::default()
        };
        assert!(bad.check().expect_err("twice").contains("√"));
    }

    #[test]
    fn session_dates_read_naturally() {
        assert_eq!(session_dates(d(1, 8), d(1, 8)), "2025年1月8日");
        assert_eq!(session_dates(d(1, 8), d(1, 10)), "2025年1月8日至1月10日");
    }
}
