//! Typed records, each carrying the input row it came from.

use crate::domain::text::{normalized_name, unit_key};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::HashMap;

/// A hash map with a fast hasher and a fixed seed: the keys (ids, record fields) come
/// from the office's own sheets, and a fixed seed keeps every run the same.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
/// A hash set with the same hasher as `FastMap`.
pub type FastSet<T> = std::collections::HashSet<T, foldhash::fast::FixedState>;

/// Where a record came from: file (relative to the input folder), sheet and Excel row (1-based).
/// The names are shared by all records of a sheet: millions of records, a few files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    pub file: std::sync::Arc<str>,
    pub sheet: std::sync::Arc<str>,
    pub row: u32,
}

/// A delegate as the roster (代表名册) lists them.
#[derive(Debug, Clone)]
pub struct Delegate {
    pub id: String,
    pub name: String,
    pub gender: String,
    pub birth: Option<NaiveDate>,
    pub ethnicity: String,
    pub party: String,
    pub work_unit: String,
    pub group: String,
    pub constituency: String,
    pub roles: Roles,
    /// 专门委员会, when a member of one.
    pub committee: String,
    /// 代表状态; empty means 在任.
    pub status: String,
    pub status_date: Option<NaiveDate>,
    /// 当选日期, for delegates elected after the term began (补选).
    pub elected: Option<NaiveDate>,
    /// 联系电话: private, never in a public output.
    pub phone: String,
    /// 职业构成 (issue #19): one of `[structure] occupations`, or blank.
    pub occupation: String,
    /// 是否连任: None when the roster leaves it blank.
    pub re_elected: Option<bool>,
    pub source: Source,
}

#[cfg(test)]
impl Delegate {
    /// A serving delegate of group 甲组 with nothing else filled in (unit tests).
    pub(crate) fn sample(id: &str) -> Delegate {
        Delegate {
            id: id.into(),
            name: format!("代表{id}"),
            gender: String::new(),
            birth: None,
            ethnicity: String::new(),
            party: String::new(),
            work_unit: String::new(),
            group: "甲组".into(),
            constituency: String::new(),
            roles: Roles::default(),
            committee: String::new(),
            status: String::new(),
            status_date: None,
            elected: None,
            phone: String::new(),
            occupation: String::new(),
            re_elected: None,
            source: Source {
                file: "名册".into(),
                sheet: "代表名册".into(),
                row: 2,
            },
        }
    }
}

/// 身份: the groups R9 expects to lead by example.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    /// 常委会组成人员
    pub standing_committee: bool,
    /// 专委组成人员
    pub special_committee: bool,
    /// 党政主要领导干部
    pub leader: bool,
}

impl Roles {
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.standing_committee {
            parts.push("常委会组成人员");
        }
        if self.special_committee {
            parts.push("专委组成人员");
        }
        if self.leader {
            parts.push("党政主要领导干部");
        }
        parts.join("、")
    }
}

impl Delegate {
    pub fn is_serving(&self) -> bool {
        self.status.is_empty() || self.status == "在任"
    }

    pub fn status_label(&self) -> &str {
        if self.is_serving() {
            "在任"
        } else {
            &self.status
        }
    }

    /// First day of service within the term.
    pub fn service_start(&self, term_start: NaiveDate) -> NaiveDate {
        self.elected.map_or(term_start, |d| d.max(term_start))
    }

    /// Last day of service within the term: the status change ends it.
    pub fn service_end(&self, term_end: NaiveDate) -> NaiveDate {
        match (self.is_serving(), self.status_date) {
            (false, Some(d)) => d.min(term_end),
            _ => term_end,
        }
    }
}

/// The roster, with look-ups by id and by normalised name.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub delegates: Vec<Delegate>,
    by_id: FastMap<String, usize>,
    by_name: FastMap<String, Vec<usize>>,
    /// Delegates by group and by committee, keyed by the unit key (代表小组 suffix off).
    by_group: FastMap<String, Vec<usize>>,
    by_committee: FastMap<String, Vec<usize>>,
    /// Groups in roster order, and the group each unit key names.
    groups: Vec<String>,
    group_of_key: FastMap<String, String>,
}

impl Roster {
    pub fn new(delegates: Vec<Delegate>) -> Roster {
        let mut r = Roster::default();
        for (i, d) in delegates.iter().enumerate() {
            r.by_id.entry(d.id.clone()).or_insert(i);
            r.by_name.entry(d.name.clone()).or_default().push(i);
            let g = crate::domain::text::unit_key(&d.group);
            if !r.group_of_key.contains_key(&g) {
                r.group_of_key.insert(g.clone(), d.group.clone());
                r.groups.push(d.group.clone());
            }
            r.by_group.entry(g).or_default().push(i);
            if !d.committee.is_empty() {
                r.by_committee
                    .entry(crate::domain::text::unit_key(&d.committee))
                    .or_default()
                    .push(i);
            }
        }
        r.delegates = delegates;
        r
    }

    pub fn by_id(&self, id: &str) -> Option<&Delegate> {
        self.by_id.get(id).map(|&i| &self.delegates[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn by_name(&self, name: &str) -> Vec<&Delegate> {
        self.by_name
            .get(name)
            .map(|v| v.iter().map(|&i| &self.delegates[i]).collect())
            .unwrap_or_default()
    }

    /// Groups in the order they first appear in the roster.
    pub fn groups(&self) -> Vec<String> {
        self.groups.clone()
    }

    /// The roster's group a unit name means (兴华街道 for 兴华街道代表小组), if any.
    pub fn group_named(&self, unit: &str) -> Option<&str> {
        self.group_of_key
            .get(&crate::domain::text::unit_key(unit))
            .map(|s| s.as_str())
    }

    /// The delegates of a group, or the members of a committee, by unit name.
    pub fn in_group(&self, unit: &str) -> Vec<&Delegate> {
        let key = crate::domain::text::unit_key(unit);
        self.by_group
            .get(&key)
            .map(|v| v.iter().map(|&i| &self.delegates[i]).collect())
            .unwrap_or_default()
    }

    pub fn in_committee(&self, unit: &str) -> Vec<&Delegate> {
        self.in_committee_key(&crate::domain::text::unit_key(unit))
    }

    /// The members of the committee with this unit key (`text::unit_key`), in roster order.
    pub fn in_committee_key(&self, key: &str) -> Vec<&Delegate> {
        self.by_committee
            .get(key)
            .map(|v| v.iter().map(|&i| &self.delegates[i]).collect())
            .unwrap_or_default()
    }
}

/// 会议类别 of an attendance record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeetingKind {
    /// 区人代会
    Congress,
    /// 常委会会议
    StandingCommittee,
    /// 专委会议
    CommitteeMeeting,
    /// 学习培训
    Training,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 4] = [
        MeetingKind::Congress,
        MeetingKind::StandingCommittee,
        MeetingKind::CommitteeMeeting,
        MeetingKind::Training,
    ];
    pub fn label(self) -> &'static str {
        match self {
            MeetingKind::Congress => "区人代会",
            MeetingKind::StandingCommittee => "常委会会议",
            MeetingKind::CommitteeMeeting => "专委会议",
            MeetingKind::Training => "学习培训",
        }
    }
    pub fn parse(s: &str) -> Option<MeetingKind> {
        let s = crate::domain::text::normalized_name(s);
        Some(match s.as_ref() {
            "区人代会" | "区人民代表大会" | "人代会" | "区人民代表大会会议" | "代表大会" => {
                MeetingKind::Congress
            }
            "常委会会议" | "常委会" | "区人大常委会会议" | "常务委员会会议" => {
                MeetingKind::StandingCommittee
            }
            "专委会议" | "专门委员会会议" | "专委会" => MeetingKind::CommitteeMeeting,
            "学习培训" | "培训" | "代表学习培训" | "学习" => MeetingKind::Training,
            _ => return None,
        })
    }
}

/// 出席情况.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// 出席
    Attended,
    /// 列席
    Observer,
    /// 请假 (approved leave; never counts as absence)
    Leave,
    /// 缺席 (absent without approval)
    Absent,
}

impl Presence {
    pub const ALL: [Presence; 4] = [
        Presence::Attended,
        Presence::Observer,
        Presence::Leave,
        Presence::Absent,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Presence::Attended => "出席",
            Presence::Observer => "列席",
            Presence::Leave => "请假",
            Presence::Absent => "缺席",
        }
    }
    pub fn parse(s: &str) -> Option<Presence> {
        let s = crate::domain::text::normalized_name(s);
        Some(match s.as_ref() {
            "出席" | "到会" | "参加" | "已出席" | "√" => Presence::Attended,
            "列席" => Presence::Observer,
            "请假" | "因事请假" | "因病请假" | "公假" | "病假" | "事假" => {
                Presence::Leave
            }
            "缺席" | "未出席" | "无故缺席" | "未请假缺席" => Presence::Absent,
            _ => return None,
        })
    }
}

/// One row of 出席记录.
#[derive(Debug, Clone)]
pub struct Attendance {
    /// The day recorded; after folding into sessions, the session's first day.
    pub date: NaiveDate,
    /// The session's last day (the day itself before folding).
    pub end: NaiveDate,
    pub kind: MeetingKind,
    pub meeting: String,
    /// The special committee a 专委会议 belongs to, when known.
    pub committee: String,
    pub delegate: String,
    pub presence: Presence,
    /// 审议发言: speeches made at the meeting (issue #19); a session's days summed.
    pub speeches: u32,
    pub note: String,
    pub unit: String,
    pub source: Source,
}

/// 活动类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActivityKind {
    /// 代表小组活动
    GroupActivity,
    /// 视察
    Inspection,
    /// 调研
    Survey,
    /// 执法检查
    LawEnforcementCheck,
    /// 联系接待选民
    VoterContact,
    /// 其他
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 6] = [
        ActivityKind::GroupActivity,
        ActivityKind::Inspection,
        ActivityKind::Survey,
        ActivityKind::LawEnforcementCheck,
        ActivityKind::VoterContact,
        ActivityKind::Other,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::GroupActivity => "代表小组活动",
            ActivityKind::Inspection => "视察",
            ActivityKind::Survey => "调研",
            ActivityKind::LawEnforcementCheck => "执法检查",
            ActivityKind::VoterContact => "联系接待选民",
            ActivityKind::Other => "其他",
        }
    }
    pub fn parse(s: &str) -> Option<ActivityKind> {
        let s = crate::domain::text::normalized_name(s);
        Some(match s.as_ref() {
            "代表小组活动" | "小组活动" => ActivityKind::GroupActivity,
            "视察" | "代表视察" => ActivityKind::Inspection,
            "调研" | "专题调研" | "代表调研" => ActivityKind::Survey,
            "执法检查" => ActivityKind::LawEnforcementCheck,
            "联系接待选民" | "接待选民" | "联系选民" | "进站接待选民" => {
                ActivityKind::VoterContact
            }
            "其他" | "其它" => ActivityKind::Other,
            _ => return None,
        })
    }
}

/// One row of 履职活动.
#[derive(Debug, Clone)]
pub struct Activity {
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub name: String,
    pub delegate: String,
    pub note: String,
    pub unit: String,
    pub source: Source,
}

/// 提出时段.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionPeriod {
    /// 大会期间
    Session,
    /// 闭会期间
    Recess,
}

impl SuggestionPeriod {
    pub fn label(self) -> &'static str {
        match self {
            SuggestionPeriod::Session => "大会期间",
            SuggestionPeriod::Recess => "闭会期间",
        }
    }
    pub fn parse(s: &str) -> Option<SuggestionPeriod> {
        match crate::domain::text::normalized_name(s).as_ref() {
            "大会期间" | "会议期间" | "大会" => Some(SuggestionPeriod::Session),
            "闭会期间" | "闭会" => Some(SuggestionPeriod::Recess),
            _ => None,
        }
    }
}

/// 办理结果, graded A–D by local practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandlingResult {
    /// A 已解决或基本解决
    Solved,
    /// B 正在解决或列入计划
    InProgress,
    /// C 因条件限制待以后解决
    Deferred,
    /// D 留作参考
    ForReference,
}

impl HandlingResult {
    pub const ALL: [HandlingResult; 4] = [
        HandlingResult::Solved,
        HandlingResult::InProgress,
        HandlingResult::Deferred,
        HandlingResult::ForReference,
    ];
    pub fn code(self) -> &'static str {
        match self {
            HandlingResult::Solved => "A",
            HandlingResult::InProgress => "B",
            HandlingResult::Deferred => "C",
            HandlingResult::ForReference => "D",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            HandlingResult::Solved => "已解决或基本解决",
            HandlingResult::InProgress => "正在解决或列入计划",
            HandlingResult::Deferred => "因条件限制待以后解决",
            HandlingResult::ForReference => "留作参考",
        }
    }
    pub fn parse(s: &str) -> Option<HandlingResult> {
        let s = crate::domain::text::normalize_name(s).to_uppercase();
        let s = s.trim_end_matches('类');
        for r in HandlingResult::ALL {
            if s == r.code() || s == r.label() || s == format!("{}{}", r.code(), r.label()) {
                return Some(r);
            }
        }
        match s {
            "已解决" | "基本解决" => Some(HandlingResult::Solved),
            "正在解决" | "列入计划" => Some(HandlingResult::InProgress),
            "待以后解决" => Some(HandlingResult::Deferred),
            _ => None,
        }
    }
}

/// 满意 / 基本满意 / 不满意.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Satisfaction {
    Satisfied,
    Basically,
    Dissatisfied,
}

impl Satisfaction {
    pub fn label(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basically => "基本满意",
            Satisfaction::Dissatisfied => "不满意",
        }
    }
    pub fn parse(s: &str) -> Option<Satisfaction> {
        match crate::domain::text::normalized_name(s).as_ref() {
            "满意" => Some(Satisfaction::Satisfied),
            "基本满意" => Some(Satisfaction::Basically),
            "不满意" => Some(Satisfaction::Dissatisfied),
            _ => None,
        }
    }
}

/// 类别: the subjects published reports group suggestions by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuggestionCategory {
    Finance,
    Agriculture,
    UrbanEnvironment,
    Education,
    Social,
    Legal,
    Other,
}

impl SuggestionCategory {
    pub const ALL: [SuggestionCategory; 7] = [
        SuggestionCategory::Finance,
        SuggestionCategory::Agriculture,
        SuggestionCategory::UrbanEnvironment,
        SuggestionCategory::Education,
        SuggestionCategory::Social,
        SuggestionCategory::Legal,
        SuggestionCategory::Other,
    ];
    pub fn label(self) -> &'static str {
        match self {
            SuggestionCategory::Finance => "财政经济",
            SuggestionCategory::Agriculture => "农业农村",
            SuggestionCategory::UrbanEnvironment => "城建环保",
            SuggestionCategory::Education => "教科文卫",
            SuggestionCategory::Social => "社会建设",
            SuggestionCategory::Legal => "政法",
            SuggestionCategory::Other => "其他",
        }
    }
    pub fn parse(s: &str) -> Option<SuggestionCategory> {
        let s = crate::domain::text::normalized_name(s);
        let s = s.trim_end_matches('类');
        if let Some(c) = SuggestionCategory::ALL.into_iter().find(|c| c.label() == s) {
            return Some(c);
        }
        Some(match s {
            "财经" | "经济" | "财政" => SuggestionCategory::Finance,
            "农业" | "农村" | "三农" | "农业农村农民" => {
                SuggestionCategory::Agriculture
            }
            "城建" | "环保" | "城乡建设" | "城建环境" | "城乡建设与环境保护" => {
                SuggestionCategory::UrbanEnvironment
            }
            "教科文卫体" | "科教文卫" | "教育科学文化卫生" => {
                SuggestionCategory::Education
            }
            "社会" | "民生" | "社会事业" => SuggestionCategory::Social,
            "政法综治" | "法制" | "政治法律" => SuggestionCategory::Legal,
            "其它" => SuggestionCategory::Other,
            _ => return None,
        })
    }
}

/// 性质: a 议案 is kept apart from suggestions, criticisms and opinions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuggestionNature {
    /// 议案
    Motion,
    /// 建议、批评和意见
    Suggestion,
}

impl SuggestionNature {
    pub fn label(self) -> &'static str {
        match self {
            SuggestionNature::Motion => "议案",
            SuggestionNature::Suggestion => "建议、批评和意见",
        }
    }
    pub fn parse(s: &str) -> Option<SuggestionNature> {
        match crate::domain::text::normalized_name(s).as_ref() {
            "议案" | "代表议案" => Some(SuggestionNature::Motion),
            "建议"
            | "建议、批评和意见"
            | "建议批评和意见"
            | "代表建议"
            | "批评"
            | "意见"
            | "批评意见" => Some(SuggestionNature::Suggestion),
            _ => None,
        }
    }
}

/// 重点督办: 是 / 否; blank is 否.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match crate::domain::text::normalized_name(s).as_ref() {
        "是" | "√" | "Y" | "y" | "重点" | "重点督办" | "重点建议" => Some(true),
        "否" | "×" | "N" | "n" | "不是" | "一般" => Some(false),
        _ => None,
    }
}

/// Which optional columns a suggestion's sheet had. A figure from a column no sheet had
/// is missing, never 0: sheets made before these columns existed still read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SuggestionColumns {
    pub category: bool,
    pub nature: bool,
    pub key_item: bool,
    /// 交办日期 (答复日期 is read only beside it: a deadline needs a start).
    pub assigned: bool,
    pub result: bool,
    pub result_rating: bool,
    pub work_rating: bool,
}

/// One suggestion, criticism or opinion (代表建议), with its lead and co-signers.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// 建议编号; generated from the source row when the sheet gives none.
    pub number: String,
    pub date: NaiveDate,
    /// 提出时段; None when the sheet left it blank (never guessed).
    pub period: Option<SuggestionPeriod>,
    pub title: String,
    pub leads: Vec<String>,
    pub cosigners: Vec<String>,
    pub handler: String,
    pub result: Option<HandlingResult>,
    /// 办理结果满意度 (the delegates' rating of the outcome).
    pub satisfaction: Option<Satisfaction>,
    /// 类别; None when blank or not recorded (see `columns`).
    pub category: Option<SuggestionCategory>,
    pub nature: Option<SuggestionNature>,
    /// 重点督办.
    pub key_item: bool,
    /// 交办日期 and 答复日期.
    pub assigned: Option<NaiveDate>,
    pub answered: Option<NaiveDate>,
    /// 办理工作满意度 (the rating of how it was handled, beside the outcome's).
    pub work_satisfaction: Option<Satisfaction>,
    pub columns: SuggestionColumns,
    pub unit: String,
    pub source: Source,
}

#[cfg(test)]
impl Suggestion {
    /// A suggestion numbered `number` led by `leads`, with no optional column and no
    /// result yet (unit tests).
    pub(crate) fn sample(number: &str, leads: &[&str]) -> Suggestion {
        Suggestion {
            number: number.into(),
            date: NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"),
            period: None,
            title: "关于道路的建议".into(),
            leads: leads.iter().map(|s| s.to_string()).collect(),
            cosigners: Vec::new(),
            handler: String::new(),
            result: None,
            satisfaction: None,
            category: None,
            nature: None,
            key_item: false,
            assigned: None,
            answered: None,
            work_satisfaction: None,
            columns: SuggestionColumns::default(),
            unit: String::new(),
            source: Delegate::sample(leads.first().copied().unwrap_or("D001")).source,
        }
    }
}

/// 述职形式.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportForm {
    /// 当面述职
    InPerson,
    /// 书面述职 (read out by a proxy, still evaluated)
    Written,
}

impl ReportForm {
    pub fn label(self) -> &'static str {
        match self {
            ReportForm::InPerson => "当面述职",
            ReportForm::Written => "书面述职",
        }
    }
    pub fn parse(s: &str) -> Option<ReportForm> {
        match crate::domain::text::normalized_name(s).as_ref() {
            "当面述职" | "当面" | "现场述职" | "口头述职" => {
                Some(ReportForm::InPerson)
            }
            "书面述职" | "书面" | "委托宣读" => Some(ReportForm::Written),
            _ => None,
        }
    }
}

/// One report to voters and its evaluation (述职评议).
#[derive(Debug, Clone)]
pub struct ReportToVoters {
    pub date: NaiveDate,
    pub delegate: String,
    pub form: ReportForm,
    pub voters: u32,
    pub satisfied: u32,
    pub basically: u32,
    pub dissatisfied: u32,
    pub unit: String,
    pub source: Source,
}

impl ReportToVoters {
    /// 有效票: the votes cast in the three categories.
    pub fn valid_votes(&self) -> u32 {
        self.satisfied + self.basically + self.dissatisfied
    }

    /// R8: its 不满意 share is above the configured limit, so resignation is advised.
    pub fn advises_resignation(&self, limit: f64) -> bool {
        crate::domain::rules::advise_resignation(
            self.satisfied,
            self.basically,
            self.dissatisfied,
            limit,
        )
    }
}

/// 表彰类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommendationKind {
    /// 优秀履职代表
    OutstandingDelegate,
    /// 优秀代表建议
    OutstandingSuggestion,
}

impl CommendationKind {
    pub fn label(self) -> &'static str {
        match self {
            CommendationKind::OutstandingDelegate => "优秀履职代表",
            CommendationKind::OutstandingSuggestion => "优秀代表建议",
        }
    }
    pub fn parse(s: &str) -> Option<CommendationKind> {
        match crate::domain::text::normalized_name(s).as_ref() {
            "优秀履职代表" | "优秀代表" => Some(CommendationKind::OutstandingDelegate),
            "优秀代表建议" | "优秀建议" | "优秀代表建议、批评和意见" => {
                Some(CommendationKind::OutstandingSuggestion)
            }
            _ => None,
        }
    }
}

/// 通报表彰 received.
#[derive(Debug, Clone)]
pub struct Commendation {
    pub year: i32,
    pub delegate: String,
    pub kind: CommendationKind,
    pub document: String,
    pub unit: String,
    pub source: Source,
}

/// Every accepted record of the period being processed.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub attendance: Vec<Attendance>,
    pub activities: Vec<Activity>,
    pub suggestions: Vec<Suggestion>,
    pub reports: Vec<ReportToVoters>,
    pub commendations: Vec<Commendation>,
    /// 联系群众 (issue #19).
    pub contacts: Vec<crate::domain::contact::Contact>,
}

/// What kind of body sent a file; decides whose record wins when two disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// 代表小组
    Group,
    /// 常委会办公室
    Office,
    /// 代表联络室
    Liaison,
    /// 专门委员会
    Committee,
}

/// A sending unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub name: String,
    pub kind: UnitKind,
}

/// The identity of a meeting: congress sessions and standing-committee meetings by
/// date, committee meetings by committee and date, trainings also by name (several a day).
/// Borrowed from the record where it can be: a key is built for every record.
pub fn meeting_key(a: &Attendance) -> (MeetingKind, NaiveDate, Cow<'_, str>) {
    let name = match a.kind {
        MeetingKind::Training => normalized_name(&a.meeting),
        MeetingKind::CommitteeMeeting => Cow::Owned(unit_key(&a.committee)),
        _ => Cow::Borrowed(""),
    };
    (a.kind, a.date, name)
}
