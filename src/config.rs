//! `lvzhi.toml`: the district, the term and the regulation's thresholds (R10: a township
//! adopting its own rules changes this file, not the code).

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use std::path::Path;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub district: District,
    pub term: Term,
    #[serde(default)]
    pub units: Units,
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Which fields the public edition shows.
    #[serde(default)]
    pub public: PublicConfig,
    /// The sessions of the term, when the office lists them: rows are then matched to a
    /// session by date. Without a list, sessions are found by their names.
    #[serde(default)]
    pub sessions: Vec<crate::domain::session::SessionSpec>,
    /// How the marks of a sign-in register read.
    #[serde(default)]
    pub legend: crate::domain::session::Legend,
    /// How suggestions are handled: the reply deadline and what A–D mean here.
    #[serde(default)]
    pub suggestions: SuggestionRules,
    /// The 述职评议 rating scale and its verdict thresholds.
    #[serde(default)]
    pub rating: RatingRules,
    /// The members' reports: the attendance share below which a member is flagged.
    #[serde(default)]
    pub members: MembersRules,
    /// The structure the re-nomination list reports (职业构成 categories).
    #[serde(default)]
    pub structure: StructureRules,
    /// 公示 and 通报 of the commendations (`lvzhi commend`).
    #[serde(default)]
    pub commend: CommendConfig,
    /// Who gets a 提醒 letter (besides `thresholds.low_activity_per_year`).
    #[serde(default)]
    pub reminders: RemindersConfig,
}

/// `[structure]` in lvzhi.toml (issue #19).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StructureRules {
    /// The roster's 职业构成 categories, in the order the structure table lists them.
    pub occupations: Vec<String>,
}

impl Default for StructureRules {
    fn default() -> Self {
        StructureRules {
            occupations: [
                "基层一线工人",
                "农民",
                "专业技术人员",
                "党政领导干部",
                "企业负责人",
                "其他",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// `[reminders]` in lvzhi.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersConfig {
    /// Unapproved absences in the year from which a letter is sent; 0: never for absences.
    pub absences: u32,
    /// A delegate who has not reported to voters gets a letter when fewer than this many
    /// months of the term are left.
    pub months_left: u32,
}

impl Default for RemindersConfig {
    fn default() -> Self {
        RemindersConfig {
            absences: 1,
            months_left: 12,
        }
    }
}

/// `[members]` in lvzhi.toml (issue #19).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MembersRules {
    /// Attendance at the body's own meetings below this share is flagged (rules: 2/3).
    pub min_attendance_share: f64,
}

impl Default for MembersRules {
    fn default() -> Self {
        MembersRules {
            min_attendance_share: 2.0 / 3.0,
        }
    }
}

impl MembersRules {
    /// The share as the rules write it: 三分之二 for 2/3, else a percentage.
    pub fn share_words(&self) -> String {
        if (self.min_attendance_share - 2.0 / 3.0).abs() < 1e-3 {
            "三分之二".to_string()
        } else {
            crate::domain::text::fraction_percent(self.min_attendance_share)
        }
    }

    /// A member attended less than the share of the meetings they were expected at.
    pub fn below(&self, attended: u32, expected: u32) -> bool {
        expected > 0 && f64::from(attended) + 1e-9 < self.min_attendance_share * f64::from(expected)
    }
}

/// `[rating]` in lvzhi.toml (issue #19).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RatingRules {
    /// "满意" (满意／基本满意／不满意) or "称职" (称职／基本称职／不称职).
    pub scale: crate::domain::rating::Scale,
    /// 称职 share of valid votes at or above which the verdict is 称职.
    pub competent_min: f64,
    /// 称职 share at or above which the verdict is 基本称职; below it, 不称职.
    pub basically_competent_min: f64,
}

impl Default for RatingRules {
    fn default() -> Self {
        RatingRules {
            scale: crate::domain::rating::Scale::Satisfaction,
            competent_min: 0.8,
            basically_competent_min: 0.5,
        }
    }
}

/// `[suggestions]` in lvzhi.toml (issue #19).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SuggestionRules {
    /// Months from 交办 within which a reply is on time (办复时限), three by law.
    pub reply_months: u32,
    /// What 办理结果 A–D mean in this district.
    pub legend: ResultLegend,
}

impl Default for SuggestionRules {
    fn default() -> Self {
        SuggestionRules {
            reply_months: 3,
            legend: ResultLegend::default(),
        }
    }
}

/// `[suggestions.legend]`: the wording of each grade, printed as a note wherever A–D are used.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResultLegend {
    #[serde(rename = "A")]
    pub a: String,
    #[serde(rename = "B")]
    pub b: String,
    #[serde(rename = "C")]
    pub c: String,
    #[serde(rename = "D")]
    pub d: String,
}

impl Default for ResultLegend {
    fn default() -> Self {
        use crate::domain::model::HandlingResult as H;
        ResultLegend {
            a: H::Solved.label().into(),
            b: H::InProgress.label().into(),
            c: H::Deferred.label().into(),
            d: H::ForReference.label().into(),
        }
    }
}

impl ResultLegend {
    /// What a grade means here.
    pub fn label(&self, r: crate::domain::model::HandlingResult) -> &str {
        use crate::domain::model::HandlingResult as H;
        match r {
            H::Solved => &self.a,
            H::InProgress => &self.b,
            H::Deferred => &self.c,
            H::ForReference => &self.d,
        }
    }

    /// The note printed under anything graded A–D: 注：A类指…；B类指…
    pub fn note(&self) -> String {
        let parts: Vec<String> = crate::domain::model::HandlingResult::ALL
            .iter()
            .map(|r| format!("{}类指{}", r.code(), self.label(*r)))
            .collect();
        format!("注：办理结果分类——{}。", parts.join("；"))
    }
}

/// `[commend]` in lvzhi.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommendConfig {
    /// Days the 公示 lasts, counting its first and last day.
    pub publicity_days: u32,
    /// Where objections go during the 公示 (unit, telephone, address); blank: the
    /// liaison office of the standing committee.
    pub objections_to: String,
}

impl Default for CommendConfig {
    fn default() -> Self {
        CommendConfig {
            publicity_days: 7,
            objections_to: String::new(),
        }
    }
}

/// Names that appear in documents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    /// e.g. 北京市示范区
    pub name: String,
    /// e.g. 示范区人民代表大会
    pub congress: String,
    /// e.g. 示范区人大常委会
    pub standing_committee: String,
    /// 代表名额 of the congress; blank: the delegates the roster lists as elected at the
    /// start of the term.
    #[serde(default)]
    pub seats: Option<u32>,
}

/// 届别 and its dates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// 第几届, e.g. 6 for 第六届.
    pub number: u32,
    #[serde(deserialize_with = "de_date")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "de_date")]
    pub end: NaiveDate,
}

/// The units that send sheets besides the delegate groups of the roster.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Units {
    #[serde(default = "default_office")]
    pub office: String,
    #[serde(default = "default_liaison")]
    pub liaison: String,
    #[serde(default)]
    pub special_committees: Vec<String>,
}

impl Default for Units {
    fn default() -> Self {
        Units {
            office: default_office(),
            liaison: default_liaison(),
            special_committees: Vec::new(),
        }
    }
}

fn default_office() -> String {
    "常委会办公室".to_string()
}
fn default_liaison() -> String {
    "代表联络室".to_string()
}

/// The regulation's numbers, editable per district.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Share of a group's delegates who must report to voters each year (R6), 0.2 = 20 %.
    pub report_share_per_year: f64,
    /// Reports to voters each delegate owes per term (R6).
    pub reports_per_term: u32,
    /// Least voter representatives at an evaluation meeting (R6).
    pub min_voter_representatives: u32,
    /// Unapproved absences from congress sessions that end a qualification (R8).
    pub unapproved_absence_limit: u32,
    /// 不满意 share above which resignation is advised (R8), 0.5 = 50 %.
    pub dissatisfied_share_limit: f64,
    /// Outstanding delegates each group recommends (R4).
    pub outstanding_per_group_min: u32,
    pub outstanding_per_group_max: u32,
    /// Recorded activities in a year below which a delegate is listed as doing little.
    pub low_activity_per_year: u32,
    /// Candidates on the draft list of outstanding suggestions (R5).
    pub outstanding_suggestions_max: u32,
    /// Congress attendance over the term below which re-nomination is to be studied (R7).
    pub renomination_min_congress_attendance: f64,
    /// Whether a term score in the bottom band alone makes re-nomination to be studied.
    pub renomination_study_bottom_band: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            report_share_per_year: 0.2,
            reports_per_term: 1,
            min_voter_representatives: 20,
            unapproved_absence_limit: 2,
            dissatisfied_share_limit: 0.5,
            outstanding_per_group_min: 2,
            outstanding_per_group_max: 3,
            low_activity_per_year: 2,
            outstanding_suggestions_max: 10,
            renomination_min_congress_attendance: 0.8,
            renomination_study_bottom_band: true,
        }
    }
}

pub(crate) fn de_date<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<NaiveDate, D::Error> {
    // Accept both a TOML date (2022-01-06) and a quoted one ("2022-01-06").
    let v = toml::Value::deserialize(d)?;
    let s = match v {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) => dt.to_string(),
        other => {
            return Err(serde::de::Error::custom(format!(
                "应为日期，实际为 {other}"
            )))
        }
    };
    crate::domain::text::parse_date_text(&s).ok_or_else(|| {
        serde::de::Error::custom(format!("无法识别的日期「{s}」，请写成 2022-01-06"))
    })
}

impl Config {
    /// Every unit that should report, in this order: the groups given, the standing
    /// committee's office, the liaison office, then the special committees.
    pub fn reporting_units(
        &self,
        groups: &[String],
    ) -> Vec<(String, crate::domain::model::UnitKind)> {
        use crate::domain::model::UnitKind;
        let mut units: Vec<(String, UnitKind)> = groups
            .iter()
            .map(|g| (g.clone(), UnitKind::Group))
            .collect();
        units.push((self.units.office.clone(), UnitKind::Office));
        units.push((self.units.liaison.clone(), UnitKind::Liaison));
        units.extend(
            self.units
                .special_committees
                .iter()
                .map(|c| (c.clone(), UnitKind::Committee)),
        );
        units
    }

    /// Reads and checks `lvzhi.toml`.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取配置文件 {}", path.display()))?;
        Config::parse(&text).with_context(|| format!("配置文件 {} 有误", path.display()))
    }

    pub fn parse(text: &str) -> Result<Config> {
        let cfg: Config =
            toml::from_str(text).map_err(|e| crate::messages::toml("lvzhi.toml", text, &e))?;
        cfg.check()?;
        Ok(cfg)
    }

    fn check(&self) -> Result<()> {
        if self.term.end <= self.term.start {
            bail!("届期结束日期（term.end）必须晚于开始日期（term.start）");
        }
        let t = &self.thresholds;
        for (name, v) in [
            ("report_share_per_year", t.report_share_per_year),
            ("dissatisfied_share_limit", t.dissatisfied_share_limit),
            (
                "renomination_min_congress_attendance",
                t.renomination_min_congress_attendance,
            ),
        ] {
            if !(0.0..=1.0).contains(&v) {
                bail!("thresholds.{name} 应在 0 到 1 之间（例如 0.2 表示 20%），实际为 {v}");
            }
        }
        if t.outstanding_per_group_min > t.outstanding_per_group_max {
            bail!("thresholds.outstanding_per_group_min 不能大于 outstanding_per_group_max");
        }
        if !(0.0..=1.0).contains(&self.members.min_attendance_share) {
            bail!("[members] min_attendance_share 应在 0 到 1 之间（默认 0.6667 即三分之二）");
        }
        let r = &self.rating;
        if !(0.0..=1.0).contains(&r.competent_min)
            || !(0.0..=1.0).contains(&r.basically_competent_min)
            || r.basically_competent_min > r.competent_min
        {
            bail!(
                "[rating] 的 competent_min 和 basically_competent_min 应在 0 到 1 之间，且前者不小于后者（默认 0.8 和 0.5）"
            );
        }
        if !(1..=24).contains(&self.suggestions.reply_months) {
            bail!(
                "suggestions.reply_months 应为 1 到 24 之间的月数（法定为 3），实际为 {}",
                self.suggestions.reply_months
            );
        }
        let l = &self.suggestions.legend;
        if [&l.a, &l.b, &l.c, &l.d].iter().any(|x| x.trim().is_empty()) {
            bail!("[suggestions.legend] 中 A、B、C、D 的含义不能为空");
        }
        if self.commend.publicity_days == 0 {
            bail!("commend.publicity_days（公示天数）应为正整数，实际为 0");
        }
        crate::domain::session::check_sessions(&self.sessions).map_err(anyhow::Error::msg)?;
        self.legend.check().map_err(anyhow::Error::msg)?;
        Ok(())
    }

    /// 第六届 etc.
    pub fn term_name(&self) -> String {
        format!("第{}届", chinese_number(self.term.number))
    }
}

/// Chinese numerals for small counts (届别, 第几次会议): 1 → 一, 12 → 十二, 20 → 二十.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

/// Identity fields that may be published.
pub const PUBLISHABLE: [&str; 10] = [
    "姓名",
    "代表小组",
    "届别",
    "工作单位及职务",
    "性别",
    "民族",
    "政治面貌",
    "选区",
    "身份",
    "代表状态",
];
/// Fields that are private whatever the configuration says.
pub const ALWAYS_PRIVATE: [&str; 3] = ["联系电话", "出生日期", "代表编号"];

/// `[public]` in lvzhi.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublicConfig {
    /// Identity fields shown, in this order.
    pub fields: Vec<String>,
    /// Further fields to keep private even if listed above.
    pub private: Vec<String>,
}

impl Default for PublicConfig {
    fn default() -> Self {
        PublicConfig {
            fields: ["姓名", "代表小组", "届别", "工作单位及职务"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            private: Vec::new(),
        }
    }
}

impl PublicConfig {
    /// The fields actually published: configured, publishable, not private.
    pub fn published(&self) -> Result<Vec<&'static str>> {
        let mut out = Vec::new();
        for f in &self.fields {
            if ALWAYS_PRIVATE.contains(&f.as_str()) {
                bail!("[public] fields 中的「{f}」属于个人隐私或内部信息，不能公开");
            }
            let Some(p) = PUBLISHABLE.iter().find(|p| **p == f) else {
                bail!(
                    "[public] fields 中的「{f}」不是可公开的字段；可选：{}",
                    PUBLISHABLE.join("、")
                );
            };
            if !self.private.iter().any(|x| x == f) && !out.contains(p) {
                out.push(*p);
            }
        }
        if !out.contains(&"姓名") {
            bail!("[public] fields 必须包含「姓名」");
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[district]
name = "示范区"
congress = "示范区人民代表大会"
standing_committee = "示范区人大常委会"
[term]
number = 6
start = 2022-01-06
end = "2026-12-31"
"#;

    #[test]
    fn minimal_config_gets_regulation_defaults() {
        let c = Config::parse(MINIMAL).expect("parses");
        assert_eq!(c.term_name(), "第六届");
        assert_eq!(c.thresholds.min_voter_representatives, 20);
        assert_eq!(c.thresholds.report_share_per_year, 0.2);
        assert_eq!(c.units.office, "常委会办公室");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = format!("{MINIMAL}\n[thresholds]\nmin_voters = 3\n");
        let err = format!("{:#}", Config::parse(&text).expect_err("unknown key"));
        assert!(err.contains("min_voters"), "{err}");
    }

    #[test]
    fn shares_must_be_fractions() {
        let text = format!("{MINIMAL}\n[thresholds]\nreport_share_per_year = 20\n");
        let err = format!("{:#}", Config::parse(&text).expect_err("20 is not a share"));
        assert!(err.contains("0 到 1"), "{err}");
    }

    #[test]
    fn sessions_and_legend_are_read_and_checked() {
        let text = format!(
            "{MINIMAL}\n[[sessions]]\nkind = \"区人代会\"\nname = \"第六届人民代表大会第四次会议\"\n\
             first = 2025-01-08\nlast = \"2025-01-10\"\n[legend]\nattended = [\"√\", \"到\"]\n"
        );
        let c = Config::parse(&text).expect("parses");
        assert_eq!(c.sessions.len(), 1);
        assert_eq!(
            c.sessions[0].kind,
            crate::domain::model::MeetingKind::Congress
        );
        assert_eq!(c.legend.attended, ["√", "到"]);
        assert_eq!(c.legend.leave, ["○", "假"], "defaults for what is not set");
        let bad = format!("{MINIMAL}\n[[sessions]]\nkind = \"大会\"\nname = \"x\"\nfirst = 2025-01-08\nlast = 2025-01-08\n");
        assert!(format!("{:#}", Config::parse(&bad).expect_err("kind")).contains("会议类别"));
        let bad = format!("{MINIMAL}\n[legend]\nattended = [\"√\"]\nabsent = [\"√\"]\n");
        assert!(format!("{:#}", Config::parse(&bad).expect_err("twice")).contains("既表示"));
        let bad = format!("{MINIMAL}\n[legend]\npresent = [\"√\"]\n");
        assert!(Config::parse(&bad).is_err(), "unknown keys refused");
    }

    #[test]
    fn suggestion_rules_default_and_override() {
        let c = Config::parse(MINIMAL).expect("parses");
        assert_eq!(c.suggestions.reply_months, 3);
        assert_eq!(
            c.suggestions
                .legend
                .label(crate::domain::model::HandlingResult::Solved),
            "已解决或基本解决"
        );
        let text = format!(
            "{MINIMAL}\n[suggestions]\nreply_months = 2\n[suggestions.legend]\nA = \"已解决\"\n"
        );
        let c = Config::parse(&text).expect("parses");
        assert_eq!(c.suggestions.reply_months, 2);
        let note = c.suggestions.legend.note();
        assert!(
            note.contains("A类指已解决；B类指正在解决或列入计划"),
            "{note}"
        );
        let bad = format!("{MINIMAL}\n[suggestions]\nreply_months = 0\n");
        assert!(format!("{:#}", Config::parse(&bad).expect_err("0")).contains("reply_months"));
        let bad = format!("{MINIMAL}\n[suggestions.legend]\nE = \"x\"\n");
        assert!(Config::parse(&bad).is_err(), "only A–D");
    }

    /// Worked example of the 2/3 rule: 4 of 6 meetings is exactly 2/3 and not flagged;
    /// 3 of 5 (60 %) is; a member expected at none is not.
    #[test]
    fn members_below_two_thirds() {
        let m = MembersRules::default();
        assert!(!m.below(4, 6));
        assert!(m.below(3, 5));
        assert!(!m.below(0, 0));
        assert_eq!(m.share_words(), "三分之二");
        let text = format!("{MINIMAL}\n[members]\nmin_attendance_share = 0.8\n");
        let c = Config::parse(&text).expect("parses");
        assert_eq!(c.members.share_words(), "80%");
        assert!(c.members.below(7, 9));
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number(6), "六");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(16), "十六");
        assert_eq!(chinese_number(21), "二十一");
    }
}
