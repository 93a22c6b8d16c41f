//! The deterministic generator of a synthetic district: configuration, roster and every
//! unit's yearly submissions, with the messiness real files have and with planted cases
//! that the rules must catch. The same seed always gives the same bytes.

pub mod xls;

use crate::config::chinese_number;
use crate::render::xlsx::{self, Cell, Table};
use anyhow::Result;
use chrono::{Datelike, NaiveDate};

/// A small deterministic generator (SplitMix64): stable across platforms and versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len() as u64) as usize]
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub seed: u64,
    pub groups: usize,
    pub delegates: usize,
    /// The term's first year; `years` years are generated (at most five), the fifth only
    /// up to `last_month`.
    pub first_year: i32,
    pub last_month: u32,
    pub years: usize,
    /// How busy delegates are: 1 is the shipped district (about 10 records per delegate
    /// a year); each step adds monthly group activities, contact-station duty and voter
    /// visits (5 gives about 40, the mix of a city or province that records everything).
    pub activity: usize,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            seed: 2022,
            groups: 18,
            delegates: 220,
            first_year: 2022,
            last_month: 9,
            years: 5,
            activity: 1,
        }
    }
}

const TOWNS: [&str; 24] = [
    "兴华街道",
    "滨河街道",
    "文昌街道",
    "安宁街道",
    "翠屏街道",
    "金泉镇",
    "南山镇",
    "北岭镇",
    "东湖镇",
    "西林镇",
    "龙潭镇",
    "石桥镇",
    "清溪镇",
    "柳营镇",
    "凤鸣镇",
    "桃源镇",
    "云岗镇",
    "白沙乡",
    "青松乡",
    "望川镇",
    "玉带街道",
    "长乐街道",
    "红星镇",
    "永和镇",
];
const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: [&str; 60] = [
    "建国", "秀英", "海燕", "志强", "丽华", "俊杰", "晓明", "春梅", "国华", "玉兰", "文博", "雪梅",
    "振华", "桂英", "明辉", "红霞", "立新", "淑珍", "永刚", "慧敏", "德胜", "美玲", "学军", "晓燕",
    "宏伟", "静", "磊", "洁", "勇", "敏", "军", "艳", "涛", "琳", "鹏", "颖", "浩然", "思远",
    "子涵", "雨萱", "国庆", "凤英", "长春", "金凤", "卫东", "爱华", "少华", "新民", "冬梅", "秋菊",
    "建平", "瑞芳", "继红", "丽娟", "向阳", "海波", "文静", "家豪", "佳怡", "宇航",
];
const COMMITTEES: [&str; 4] = [
    "法制委员会",
    "财政经济委员会",
    "城乡建设与环境保护委员会",
    "教育科学文化卫生委员会",
];
const POSTS: [&str; 24] = [
    "区人民医院副院长",
    "区第一中学校长",
    "区实验小学教师",
    "区农业农村局副局长",
    "区财政局科长",
    "兴旺农业合作社理事长",
    "区供电公司职工",
    "区市场监督管理局副局长",
    "区住房和城乡建设委员会主任",
    "区人民检察院检察官",
    "社区卫生服务中心医生",
    "区文化馆馆长",
    "区交通局副局长",
    "区工商联副主席",
    "区总工会副主席",
    "区妇联主席",
    "村党支部书记",
    "村民委员会主任",
    "社区居民委员会主任",
    "金泉食品有限公司总经理",
    "南山果品专业合作社社长",
    "区律师协会会长",
    "区中医医院护士长",
    "区第二中学教师",
];
const TOPICS: [&str; 24] = [
    "老旧小区加装电梯",
    "农村饮水安全",
    "中小学课后服务",
    "社区养老服务设施",
    "背街小巷环境整治",
    "公交线路优化",
    "农产品冷链物流",
    "垃圾分类设施",
    "停车难问题",
    "基层医疗卫生服务",
    "河道生态治理",
    "农村道路养护",
    "高标准农田建设",
    "残疾人就业帮扶",
    "学前教育资源",
    "文化惠民演出",
    "食品安全监管",
    "消防通道治理",
    "物业服务管理",
    "乡村民宿规范发展",
    "校园周边交通安全",
    "社区医院药品配备",
    "山区防汛设施",
    "小微企业融资",
];
const HANDLERS: [&str; 10] = [
    "区住房和城乡建设委员会",
    "区水务局",
    "区教育委员会",
    "区民政局",
    "区城市管理委员会",
    "区交通局",
    "区农业农村局",
    "区卫生健康委员会",
    "区市场监督管理局",
    "区财政局",
];

/// One delegate as generated.
#[derive(Debug, Clone)]
struct Gen {
    id: String,
    name: String,
    group: usize,
    sc: bool,
    committee: Option<usize>,
    leader: bool,
    gender: &'static str,
    birth: NaiveDate,
    ethnicity: &'static str,
    party: &'static str,
    work: String,
    constituency: u32,
    status: &'static str,
    status_date: Option<NaiveDate>,
    elected: Option<NaiveDate>,
    phone: String,
}

impl Gen {
    fn serving_on(&self, d: NaiveDate) -> bool {
        self.elected.is_none_or(|e| d >= e) && self.status_date.is_none_or(|s| d <= s)
    }
    fn roles(&self) -> String {
        let mut r = Vec::new();
        if self.sc {
            r.push("常委会组成人员");
        }
        if self.committee.is_some() {
            r.push("专委组成人员");
        }
        if self.leader {
            r.push("党政主要领导干部");
        }
        r.join("、")
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d.min(28)).unwrap_or(NaiveDate::MIN)
}

/// The planted cases, as delegate indices scaled to the district's size.
struct Planted {
    duplicate_name: (usize, usize),
    minority: usize,
    resigned: usize,
    two_absences: usize,
    dissatisfied: usize,
    never_reported: usize,
    low_activity: [usize; 2],
    sc_gap: usize,
    /// In a group that records day by day: absent at the third year's session and on one
    /// day of the fourth year's (present the other days): one unapproved absence, not two.
    one_day_absent: usize,
}

impl Planted {
    fn new(n: usize) -> Planted {
        let at = |k: usize| (k * n / 220).min(n.saturating_sub(1));
        Planted {
            duplicate_name: (at(5), at(115)),
            minority: at(8),
            resigned: at(15),
            two_absences: at(20),
            dissatisfied: at(30),
            never_reported: at(40),
            low_activity: [at(50), at(51)],
            // The gap needs a standing-committee member (every ninth delegate from the fifth).
            sc_gap: (at(60)..n)
                .find(|i| i % 9 == 4)
                .unwrap_or(4.min(n.saturating_sub(1))),
            one_day_absent: at(24),
        }
    }
}

/// The generated district: its files as (relative path, bytes).
pub struct District {
    pub files: Vec<(String, Vec<u8>)>,
}

struct World {
    spec: Spec,
    rng: Rng,
    delegates: Vec<Gen>,
    groups: Vec<String>,
    planted: Planted,
    /// Delegate indices by group, so that nothing scans the whole roster per delegate.
    members: Vec<Vec<usize>>,
    /// Names borne by more than one delegate (written with their id).
    shared: std::collections::HashSet<String>,
}

/// How a unit's sheets are laid out: the messiness real files have.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// Canonical headers and Excel dates.
    Clean,
    /// Merged title row, a blank row, variant headers, spaced names, a notes row.
    Titled,
    /// Legacy .xls, dates as text, names only (no 代表编号 column).
    Legacy,
    /// Dates written 2025年3月5日, full-width ids, quarterly files.
    Quarterly,
    /// Dates as numbers 20250305 and a hidden helper sheet.
    NumericDates,
}

/// How a group records the days of a congress session: the odd groups one row per day
/// (group 5 as a 签到表, one column per day), the others only the opening day.
fn day_by_day(g: usize) -> bool {
    g % 2 == 1
}

/// The group that sends its congress attendance as a sign-in register.
const REGISTER_GROUP: usize = 5;

/// Days of each year's congress session.
const SESSION_DAYS: u64 = 3;

impl World {
    /// The session's name as group `g` writes it: the groups recording day by day use
    /// the common variants (without the district, or the short form), the same every day.
    fn congress_name_in(&self, y: i32, g: usize) -> String {
        let n = chinese_number((y - self.spec.first_year + 1) as u32);
        match (day_by_day(g), g % 4) {
            (true, 3) => format!("六届人大{n}次会议"),
            (true, _) => format!("第六届人民代表大会第{n}次会议"),
            _ => self.congress_name(y),
        }
    }

    fn style(&self, g: usize) -> Style {
        match g {
            0 => Style::Titled,
            1 => Style::Legacy,
            2 => Style::Quarterly,
            3 => Style::NumericDates,
            // Large districts: one group in ten still sends legacy .xls files.
            g if g >= 18 && g % 10 == 1 => Style::Legacy,
            _ => Style::Clean,
        }
    }

    fn last_day(&self, y: i32) -> NaiveDate {
        if y == self.spec.first_year + 4 {
            date(y, self.spec.last_month, 28)
        } else {
            date(y, 12, 31)
        }
    }

    fn term_start(&self) -> NaiveDate {
        date(self.spec.first_year, 1, 6)
    }

    fn congress_date(&self, y: i32) -> NaiveDate {
        date(y, 1, 6 + (y - self.spec.first_year) as u32)
    }

    fn congress_name(&self, y: i32) -> String {
        format!(
            "区第六届人民代表大会第{}次会议",
            chinese_number((y - self.spec.first_year + 1) as u32)
        )
    }
}

fn make_roster(spec: &Spec, rng: &mut Rng) -> (Vec<Gen>, Vec<String>, Planted) {
    let groups: Vec<String> = (0..spec.groups)
        // Beyond the list, names get a number: group names must stay unique.
        .map(|g| match g / TOWNS.len() {
            0 => TOWNS[g].to_string(),
            n => format!("{}{}", TOWNS[g % TOWNS.len()], n + 1),
        })
        .collect();
    let n = spec.delegates;
    let mut planted = Planted::new(n);
    let group_of = |i: usize| i * spec.groups / n.max(1);
    let taken = [
        planted.duplicate_name.0,
        planted.duplicate_name.1,
        planted.minority,
        planted.resigned,
        planted.two_absences,
        planted.dissatisfied,
        planted.never_reported,
    ];
    if let Some(i) =
        (planted.one_day_absent..n).find(|i| day_by_day(group_of(*i)) && !taken.contains(i))
    {
        planted.one_day_absent = i;
    }
    let mut used = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n + 1);
    for i in 0..n {
        let group = i * spec.groups / n.max(1);
        let name = if i == planted.duplicate_name.0 || i == planted.duplicate_name.1 {
            "王芳".to_string()
        } else if i == planted.minority {
            "阿依古丽·买买提".to_string()
        } else {
            // About 12,000 distinct names exist in these lists: beyond that a name is
            // shared, as in real large districts (files then carry the 代表编号).
            let mut attempts = 0;
            loop {
                attempts += 1;
                let s = rng.pick(&SURNAMES);
                let g = rng.pick(&GIVEN);
                let cand = format!("{s}{g}");
                let suffix = if used.contains(&cand) {
                    format!("{s}{g}{}", rng.pick(&["华", "明", "丽", "强"]))
                } else {
                    cand
                };
                if suffix != "王芳" && (!used.contains(&suffix) || attempts > 64) {
                    break suffix;
                }
            }
        };
        used.insert(name.clone());
        let female = name == "王芳" || name.starts_with("阿依") || rng.chance(0.42);
        let year = 1960 + rng.below(35) as i32;
        let sc = i % 9 == 4;
        let committee = if i % 7 == 2 {
            Some((i / 7) % COMMITTEES.len())
        } else {
            None
        };
        let leader = i % 12 == 0;
        let work = if leader {
            format!("{}党委书记", groups[group])
        } else {
            rng.pick(&POSTS).to_string()
        };
        out.push(Gen {
            id: format!("D{:03}", i + 1),
            name,
            group,
            sc,
            committee,
            leader,
            gender: if female { "女" } else { "男" },
            birth: date(year, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32),
            ethnicity: if i == planted.minority {
                "维吾尔族"
            } else {
                rng.pick(&["汉族", "汉族", "汉族", "汉族", "回族", "满族"])
            },
            party: rng.pick(&[
                "中共党员",
                "中共党员",
                "中共党员",
                "群众",
                "民盟盟员",
                "九三学社社员",
                "无党派人士",
            ]),
            work,
            constituency: 1 + (i as u32) / 2,
            status: "",
            status_date: None,
            elected: None,
            phone: format!("13{:09}", rng.below(1_000_000_000)),
        });
    }
    if let Some(d) = out.get_mut(planted.resigned) {
        d.status = "辞职";
        d.status_date = Some(date(spec.first_year + 2, 6, 30));
    }
    // A by-election fills the seat in the same group.
    if let Some(g) = out.get(planted.resigned).map(|d| d.group) {
        let mut by = out[planted.resigned].clone();
        by.id = format!("D{:03}", n + 1);
        by.name = ["赵明远", "钱立新", "孙海川", "周宇宁"]
            .iter()
            .find(|c| !used.contains(**c))
            .map_or_else(|| format!("补选代表{}", n + 1), |c| c.to_string());
        by.status = "";
        by.status_date = None;
        by.sc = false;
        by.committee = None;
        by.leader = false;
        by.group = g;
        by.elected = Some(date(spec.first_year + 2, 11, 20));
        by.phone = format!("13{:09}", rng.below(1_000_000_000));
        out.push(by);
    }
    (out, groups, planted)
}

fn roster_table(w: &World) -> Table {
    let mut t = Table::new(
        "代表名册",
        &[
            "代表编号",
            "姓名",
            "性别",
            "出生日期",
            "民族",
            "政治面貌",
            "工作单位及职务",
            "代表小组",
            "选区",
            "身份",
            "专门委员会",
            "代表状态",
            "状态变更日期",
            "当选日期",
            "联系电话",
            "职业构成",
            "是否连任",
        ],
    );
    for d in &w.delegates {
        t.rows.push(vec![
            d.id.clone().into(),
            d.name.clone().into(),
            d.gender.into(),
            d.birth.into(),
            d.ethnicity.into(),
            d.party.into(),
            d.work.clone().into(),
            w.groups[d.group].clone().into(),
            format!("第{}选区", d.constituency).into(),
            d.roles().into(),
            d.committee.map_or("", |c| COMMITTEES[c]).into(),
            if d.status.is_empty() {
                "在任"
            } else {
                d.status
            }
            .into(),
            d.status_date.into(),
            d.elected.into(),
            d.phone.clone().into(),
            occupation_of(d).into(),
            if re_elected(&d.id) { "是" } else { "否" }.into(),
        ]);
    }
    t
}

// ---- Issue #19: the roster's structure columns.

/// 职业构成 from the post: leaders and officials, enterprise heads, farmers (villages and
/// cooperatives), workers, professionals.
fn occupation_of(d: &Gen) -> &'static str {
    let w = d.work.as_str();
    if d.leader || w.contains("局") || w.contains("主席") || w.contains("委员会主任") {
        "党政领导干部"
    } else if w.contains("公司总经理") || w.contains("理事长") {
        "企业负责人"
    } else if w.contains("村") || w.contains("合作社") {
        "农民"
    } else if w.contains("职工") {
        "基层一线工人"
    } else if ["医院", "学", "医生", "检察官", "律师", "馆长"]
        .iter()
        .any(|k| w.contains(k))
    {
        "专业技术人员"
    } else {
        "其他"
    }
}

/// 是否连任: about two in five, from the id (not from the shared generator).
fn re_elected(id: &str) -> bool {
    let h = id.bytes().fold(0x00C0_FFEE_u64, |h, b| {
        h.wrapping_mul(0x100_0000_01B3) ^ u64::from(b)
    });
    Rng::new(h).next_u64() % 5 < 2
}
// ---- end issue #19 block

/// Rows of one unit's sheets for one year, before the style is applied.
#[derive(Default)]
struct Sheets {
    attendance: Vec<(NaiveDate, &'static str, String, usize, &'static str, String)>,
    activities: Vec<(NaiveDate, &'static str, String, usize, String)>,
    suggestions: Vec<SuggestionRow>,
    reports: Vec<(NaiveDate, usize, &'static str, u32, u32, u32, u32)>,
    commendations: Vec<(i32, usize, &'static str, String)>,
    /// 联系群众 (issue #19).
    contacts: Vec<ContactRow>,
}

// ---- Issue #19: receptions at the groups' 代表之家 and 代表联络站 (联系群众).

#[derive(Clone)]
struct ContactRow {
    date: NaiveDate,
    station: String,
    delegates: Vec<usize>,
    people: u32,
    opinions: u32,
    handling: &'static str,
    result: &'static str,
    feedback: &'static str,
}

/// Each group's 家站 receive voters every other month, one to three delegates at a time.
/// A generator of its own per group and year, so the other records stay as they were.
fn gen_contacts(w: &World, y: i32, g: usize, last: NaiveDate) -> Vec<ContactRow> {
    let mut r = Rng::new(w.spec.seed ^ ((y as u64) << 20) ^ (g as u64) ^ 0xC0_4AC7);
    let group = &w.groups[g];
    let mut out = Vec::new();
    for (k, m) in [2u32, 4, 6, 8, 10, 12].into_iter().enumerate() {
        let day = date(y, m, 5 + r.below(20) as u32);
        if day > last {
            break;
        }
        let serving: Vec<usize> = w.members[g]
            .iter()
            .copied()
            .filter(|&i| w.delegates[i].serving_on(day))
            .collect();
        let mut who = Vec::new();
        for _ in 0..1 + r.below(3) {
            if !serving.is_empty() {
                let i = r.pick(&serving);
                if !who.contains(&i) {
                    who.push(i);
                }
            }
        }
        if who.is_empty() {
            continue;
        }
        let people = 5 + r.below(26) as u32;
        let opinions = r.below(u64::from(people / 3) + 1) as u32;
        let handling = if opinions == 0 {
            ""
        } else {
            r.pick(&["当场答复", "当场答复", "转交办理", "形成代表建议"])
        };
        let (result, feedback) = match handling {
            "当场答复" => ("已当场解释答复", "已反馈"),
            "转交办理" => ("已转交有关部门办理", r.pick(&["已反馈", "待反馈"])),
            "形成代表建议" => ("已整理形成代表建议", "已反馈"),
            _ => ("", ""),
        };
        out.push(ContactRow {
            date: day,
            station: if k % 3 == 2 {
                format!("{group}代表联络站")
            } else {
                format!("{group}代表之家")
            },
            delegates: who,
            people,
            opinions,
            handling,
            result,
            feedback,
        });
    }
    out
}

/// 审议发言 at one meeting: none unless present, at most two, from a hash of the day and
/// the delegate so the shared generator is not drawn from.
fn speech_count(day: NaiveDate, delegate: usize, presence: &str) -> u32 {
    if presence != "出席" {
        return 0;
    }
    let h = Rng::new(u64::from(day.num_days_from_ce() as u32) << 24 ^ delegate as u64).next_u64();
    [0, 0, 1, 1, 1, 2][(h % 6) as usize]
}
// ---- end issue #19 block

#[derive(Clone)]
struct SuggestionRow {
    number: String,
    date: NaiveDate,
    period: &'static str,
    title: String,
    lead: usize,
    cosigners: Vec<usize>,
    handler: &'static str,
    result: &'static str,
    satisfaction: &'static str,
    /// Issue #19 columns, written by the liaison office only (the groups' own sheets
    /// keep the old columns, which must still read).
    detail: SuggestionDetail,
}

// ---- Issue #19: the suggestion sheet's handling columns (类别, 性质, 重点督办, dates).

/// 类别 of each topic in `TOPICS`, by position.
const TOPIC_CATEGORIES: [&str; 24] = [
    "城建环保",
    "农业农村",
    "教科文卫",
    "社会建设",
    "城建环保",
    "城建环保",
    "财政经济",
    "城建环保",
    "城建环保",
    "教科文卫",
    "城建环保",
    "农业农村",
    "农业农村",
    "社会建设",
    "教科文卫",
    "教科文卫",
    "社会建设",
    "政法",
    "社会建设",
    "农业农村",
    "政法",
    "教科文卫",
    "其他",
    "财政经济",
];

#[derive(Clone, Default)]
struct SuggestionDetail {
    category: &'static str,
    nature: &'static str,
    key_item: &'static str,
    assigned: Option<NaiveDate>,
    answered: Option<NaiveDate>,
    work_satisfaction: &'static str,
}

/// A stable hash of a suggestion's year and number: the handling columns come from it,
/// not from the shared generator, so adding them moved no other record of the sample.
fn suggestion_hash(y: i32, seq: u32) -> u64 {
    let mut r = Rng::new(((y as u64) << 32) ^ u64::from(seq) ^ 0x5EED_0019);
    r.next_u64()
}

/// The handling columns of one suggestion; may blank its result (a 议案 is not graded,
/// and a few items are left unanswered past their deadline).
fn suggestion_detail(
    row: &mut SuggestionRow,
    topic: &str,
    during: bool,
    seq: u32,
    last: NaiveDate,
) -> SuggestionDetail {
    let h = suggestion_hash(row.date.year(), seq);
    let category = TOPICS
        .iter()
        .position(|t| *t == topic)
        .map_or("其他", |i| TOPIC_CATEGORIES[i]);
    let motion = during && h.is_multiple_of(12);
    if motion {
        row.title = format!("关于{topic}的议案");
        row.result = "";
        row.satisfaction = "";
        return SuggestionDetail {
            category,
            nature: "议案",
            ..SuggestionDetail::default()
        };
    }
    let assigned = row.date + chrono::Duration::days(10 + ((h >> 8) % 20) as i64);
    let assigned = (assigned <= last).then_some(assigned);
    // Planted: one item in 25 still unanswered though its deadline has passed.
    if assigned.is_some_and(|a| a + chrono::Duration::days(95) < last) && h % 25 == 3 {
        row.result = "";
        row.satisfaction = "";
    }
    let answered = match (assigned, row.result.is_empty()) {
        (Some(a), false) => {
            Some((a + chrono::Duration::days(25 + ((h >> 16) % 80) as i64)).min(last))
        }
        _ => None,
    };
    let work_satisfaction = if answered.is_some() {
        ["满意", "满意", "满意", "基本满意", "不满意", ""][(h >> 24) as usize % 6]
    } else {
        ""
    };
    SuggestionDetail {
        category,
        nature: "建议",
        key_item: if h % 9 == 1 { "是" } else { "" },
        assigned,
        answered,
        work_satisfaction,
    }
}
// ---- end issue #19 block

/// Everything generated for one year, by unit.
struct Year {
    groups: Vec<Sheets>,
    office: Sheets,
    liaison: Sheets,
    committees: Vec<Sheets>,
}

fn gen_year(w: &mut World, y: i32) -> Year {
    let n_groups = w.groups.len();
    let mut yr = Year {
        groups: (0..n_groups).map(|_| Sheets::default()).collect(),
        office: Sheets::default(),
        liaison: Sheets::default(),
        committees: (0..COMMITTEES.len()).map(|_| Sheets::default()).collect(),
    };
    let last = w.last_day(y);
    let first_year = w.spec.first_year;
    let p = &w.planted;
    let (two_absences, low, sc_gap) = (p.two_absences, p.low_activity, p.sc_gap);
    let one_day_absent = p.one_day_absent;
    let dels = w.delegates.clone();

    // Congress session: recorded by each group for its delegates.
    let cd = w.congress_date(y);
    let cname = w.congress_name(y);
    for (i, d) in dels.iter().enumerate() {
        if !d.serving_on(cd) {
            continue;
        }
        let presence = if i == two_absences && (y == first_year + 1 || y == first_year + 3) {
            "缺席"
        } else if w.rng.chance(0.05) {
            "请假"
        } else {
            "出席"
        };
        let presence = match (i == one_day_absent, y - first_year) {
            (true, 2) => "缺席",
            (true, 3) => "出席",
            _ => presence,
        };
        let note = if presence == "请假" {
            "因公请假"
        } else {
            ""
        };
        if !day_by_day(d.group) {
            yr.groups[d.group].attendance.push((
                cd,
                "区人代会",
                cname.clone(),
                i,
                presence,
                note.into(),
            ));
            continue;
        }
        // One row per day of the session, which folds back into `presence`: leave on the
        // second day of a session otherwise attended is still 出席, and D's one absent
        // day of the fourth year is no absence.
        let name = w.congress_name_in(y, d.group);
        for k in 0..SESSION_DAYS {
            let day = cd + chrono::Days::new(k);
            if !d.serving_on(day) {
                continue;
            }
            let on_day = match presence {
                "出席" if k == 1 && i == one_day_absent && y == first_year + 3 => "缺席",
                "出席" if k == 1 && (i + y as usize).is_multiple_of(9) => "请假",
                p => p,
            };
            let note = if on_day == "请假" {
                "因公请假"
            } else {
                ""
            };
            yr.groups[d.group].attendance.push((
                day,
                "区人代会",
                name.clone(),
                i,
                on_day,
                note.into(),
            ));
        }
    }
    // Training, recorded by the groups.
    let busy = w.spec.activity.max(1);
    let mut trainings = vec![(4, "代表履职能力提升培训"), (9, "代表专题学习会")];
    if busy > 1 {
        trainings.extend([
            (1, "代表季度学习会"),
            (6, "代表季度学习会"),
            (11, "代表季度学习会"),
        ]);
    }
    for (m, name) in trainings {
        let td = date(y, m, 18);
        if td > last {
            continue;
        }
        for (i, d) in dels.iter().enumerate() {
            if d.serving_on(td) {
                let p = if w.rng.chance(0.88) {
                    "出席"
                } else if w.rng.chance(0.8) {
                    "请假"
                } else {
                    "缺席"
                };
                yr.groups[d.group].attendance.push((
                    td,
                    "学习培训",
                    name.into(),
                    i,
                    p,
                    String::new(),
                ));
            }
        }
    }
    // Standing-committee meetings every two months: the office records its members and
    // the delegates invited to sit in.
    let mut sc_no = (y - first_year) as u32 * 6;
    for m in [2u32, 4, 6, 8, 10, 12] {
        let md = date(y, m, 24);
        sc_no += 1;
        if md > last {
            continue;
        }
        let name = format!("区人大常委会第{}次会议", chinese_number(sc_no));
        for (i, d) in dels.iter().enumerate() {
            if !d.serving_on(md) {
                continue;
            }
            if d.sc {
                // One planted gap: the office forgot a member at the June meeting of year 4.
                if i == sc_gap && y == first_year + 3 && m == 6 {
                    continue;
                }
                let p = if w.rng.chance(0.1) {
                    "请假"
                } else {
                    "出席"
                };
                yr.office
                    .attendance
                    .push((md, "常委会会议", name.clone(), i, p, String::new()));
                // One planted disagreement: group 0 records its member as present while
                // the office says leave.
                if y == first_year + 3 && m == 4 && d.group == 0 && p == "请假" {
                    yr.groups[0].attendance.push((
                        md,
                        "常委会会议",
                        name.clone(),
                        i,
                        "出席",
                        String::new(),
                    ));
                }
            } else if w.rng.chance(0.03) {
                yr.office.attendance.push((
                    md,
                    "常委会会议",
                    name.clone(),
                    i,
                    "列席",
                    "应邀列席".into(),
                ));
            }
        }
    }
    // Make sure the planted disagreement exists whatever the draw was.
    if y == first_year + 3 {
        if let Some((i, _)) = dels
            .iter()
            .enumerate()
            .find(|(_, d)| d.group == 0 && d.sc && d.serving_on(date(y, 4, 24)))
        {
            let name = format!(
                "区人大常委会第{}次会议",
                chinese_number((y - first_year) as u32 * 6 + 2)
            );
            let md = date(y, 4, 24);
            yr.office.attendance.retain(|a| !(a.0 == md && a.3 == i));
            yr.groups[0].attendance.retain(|a| !(a.0 == md && a.3 == i));
            yr.office.attendance.push((
                md,
                "常委会会议",
                name.clone(),
                i,
                "请假",
                "因病请假".into(),
            ));
            yr.groups[0]
                .attendance
                .push((md, "常委会会议", name, i, "出席", String::new()));
        }
    }
    // Committee meetings, recorded by each committee.
    for (c, cname) in COMMITTEES.iter().enumerate() {
        for (k, m) in [3u32, 7, 11].iter().enumerate() {
            let md = date(y, *m, 10 + c as u32);
            if md > last {
                continue;
            }
            let name = format!("{cname}{}年第{}次全体会议", y, chinese_number(k as u32 + 1));
            for (i, d) in dels.iter().enumerate() {
                if d.committee == Some(c) && d.serving_on(md) {
                    let p = if w.rng.chance(0.08) {
                        "请假"
                    } else {
                        "出席"
                    };
                    yr.committees[c].attendance.push((
                        md,
                        "专委会议",
                        name.clone(),
                        i,
                        p,
                        String::new(),
                    ));
                }
            }
        }
    }
    // Activities.
    for (i, d) in dels.iter().enumerate() {
        if y == first_year + 3 && low.contains(&i) {
            continue;
        }
        let g = d.group;
        let months: &[u32] = if busy > 1 {
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        } else {
            &[3, 5, 9, 11]
        };
        for &m in months {
            let ad = date(y, m, 8 + (g as u32 % 15));
            if ad <= last && d.serving_on(ad) && w.rng.chance(0.75) {
                let name = format!("{}代表小组{}月集中活动", w.groups[g], m);
                yr.groups[g]
                    .activities
                    .push((ad, "代表小组活动", name, i, String::new()));
            }
        }
        // Contact-station duty: one day a month, more often the busier the district.
        if busy > 1 {
            let duty = (0.2 * busy as f64).min(0.9);
            for m in 1..=12u32 {
                let ad = date(y, m, 8 + (i as u32 % 20));
                if ad <= last && d.serving_on(ad) && w.rng.chance(duty) {
                    yr.groups[g].activities.push((
                        ad,
                        "联系接待选民",
                        "代表联络站进站接待选民".into(),
                        i,
                        String::new(),
                    ));
                }
            }
        }
        let visits = busy as u64 * (1 + w.rng.below(3));
        for _ in 0..visits {
            let ad = date(y, 4 + w.rng.below(7) as u32, 1 + w.rng.below(28) as u32);
            if ad <= last && d.serving_on(ad) {
                yr.groups[g].activities.push((
                    ad,
                    "联系接待选民",
                    "代表联络站接待选民".into(),
                    i,
                    String::new(),
                ));
            }
        }
        let sd = date(y, 6, 12 + (g as u32 % 10));
        if sd <= last && d.serving_on(sd) && w.rng.chance(0.5) {
            let topic = TOPICS[(g + y as usize) % TOPICS.len()];
            yr.groups[g].activities.push((
                sd,
                "调研",
                format!("{topic}专题调研"),
                i,
                String::new(),
            ));
        }
        let od = date(y, 10, 15);
        if od <= last && d.serving_on(od) && w.rng.chance(0.1) {
            yr.groups[g].activities.push((
                od,
                "其他",
                "参加区政府民生实事项目评议".into(),
                i,
                String::new(),
            ));
        }
    }
    for (k, (m, kind, name)) in [
        (5u32, "视察", "区人大常委会组织代表视察重点工程"),
        (7, "执法检查", "《中华人民共和国食品安全法》执法检查"),
        (10, "视察", "区人大常委会组织代表视察民生实事项目"),
    ]
    .iter()
    .enumerate()
    {
        let ad = date(y, *m, 20);
        if ad > last {
            continue;
        }
        for (i, d) in dels.iter().enumerate() {
            let invited = (i + k + y as usize).is_multiple_of(11);
            if d.serving_on(ad) && (d.sc || invited) && !(y == first_year + 3 && low.contains(&i)) {
                yr.office
                    .activities
                    .push((ad, kind, (*name).into(), i, String::new()));
            }
        }
    }
    for (c, cname) in COMMITTEES.iter().enumerate() {
        let ad = date(y, 8, 5 + c as u32);
        if ad > last {
            continue;
        }
        for (i, d) in dels.iter().enumerate() {
            if d.committee == Some(c)
                && d.serving_on(ad)
                && !(y == first_year + 3 && low.contains(&i))
            {
                yr.committees[c].activities.push((
                    ad,
                    "视察",
                    format!("{cname}专题视察"),
                    i,
                    String::new(),
                ));
            }
        }
    }
    // Suggestions, kept by the liaison office; group 5 also lists its own.
    let mut seq = 0;
    for (i, d) in dels.iter().enumerate() {
        for (during, p) in [(true, 0.55), (false, 0.3)] {
            let sd = if during {
                cd
            } else {
                date(y, 6 + w.rng.below(4) as u32, 1 + w.rng.below(28) as u32)
            };
            if sd > last || !d.serving_on(sd) || !w.rng.chance(p) {
                continue;
            }
            seq += 1;
            let topic = w.rng.pick(&TOPICS);
            let peers: Vec<usize> = w.members[d.group]
                .iter()
                .copied()
                .filter(|&j| j != i && dels[j].serving_on(sd))
                .collect();
            let mut cosigners = Vec::new();
            for _ in 0..w.rng.below(4) {
                if !peers.is_empty() {
                    let c = w.rng.pick(&peers);
                    if !cosigners.contains(&c) {
                        cosigners.push(c);
                    }
                }
            }
            let recent = sd > last - chrono::Duration::days(90);
            let result = if recent {
                ""
            } else {
                w.rng.pick(&["A", "A", "A", "B", "B", "C", "D"])
            };
            let satisfaction = if result.is_empty() {
                ""
            } else {
                w.rng.pick(&[
                    "满意",
                    "满意",
                    "满意",
                    "满意",
                    "基本满意",
                    "基本满意",
                    "不满意",
                ])
            };
            let mut row = SuggestionRow {
                number: format!("{y}-{seq:03}"),
                date: sd,
                period: if during {
                    "大会期间"
                } else {
                    "闭会期间"
                },
                title: format!("关于{topic}的建议"),
                lead: i,
                cosigners,
                handler: w.rng.pick(&HANDLERS),
                result,
                satisfaction,
                detail: SuggestionDetail::default(),
            };
            let detail = suggestion_detail(&mut row, topic, during, seq, last);
            row.detail = detail;
            if d.group == 5 {
                yr.groups[5].suggestions.push(row.clone());
            }
            yr.liaison.suggestions.push(row);
        }
    }
    // Issue #19: 联系群众, sent by each group.
    for g in 0..n_groups {
        yr.groups[g].contacts = gen_contacts(w, y, g, last);
    }
    yr
}

/// Plans every year's reports to voters: each group at least a quarter of its delegates a
/// year, those not yet reported first; planted exceptions stay visible.
fn plan_reports(w: &mut World, years: &mut [Year]) {
    let first = w.spec.first_year;
    let mut reported = vec![0u32; w.delegates.len()];
    for (k, yr) in years.iter_mut().enumerate() {
        let y = first + k as i32;
        let month = if k == 4 { w.spec.last_month.min(9) } else { 11 };
        for g in 0..w.groups.len() {
            let rd = date(y, month, 10 + (g as u32 % 15));
            let members: Vec<usize> = w.members[g]
                .iter()
                .copied()
                .filter(|&i| w.delegates[i].group == g && w.delegates[i].serving_on(rd))
                .filter(|&i| i != w.planted.never_reported)
                .collect();
            let mut want = members.len().div_ceil(4);
            // Planted: group 3 falls short of 20 % in the fourth year.
            if g == 3 && k == 3 {
                want = 1;
            }
            let mut order = members.clone();
            order.sort_by_key(|&i| (reported[i], (i * 7 + k * 3) % 13));
            for (n, &i) in order.iter().take(want).enumerate() {
                reported[i] += 1;
                let voters = 20 + w.rng.below(26) as u32;
                // Planted: one meeting in year 3 with too few voter representatives.
                let voters = if g == 4 && k == 2 && n == 0 {
                    18
                } else {
                    voters
                };
                let (s, b, d) = if i == w.planted.dissatisfied && k == 3 {
                    (3, 5, voters - 8)
                } else {
                    let d = w.rng.below(3) as u32;
                    let b = 1 + w.rng.below(5) as u32;
                    (voters - b - d, b, d)
                };
                let form = if w.rng.chance(0.1) {
                    "书面述职"
                } else {
                    "当面述职"
                };
                yr.groups[g].reports.push((rd, i, form, voters, s, b, d));
            }
            // The planted dissatisfied delegate reports in year 4 whatever the plan.
            let pd = w.planted.dissatisfied;
            if k == 3 && w.delegates[pd].group == g && !order.iter().take(want).any(|&i| i == pd) {
                yr.groups[g]
                    .reports
                    .push((date(y, month, 26), pd, "当面述职", 22, 3, 5, 14));
                reported[pd] += 1;
            }
        }
    }
}

/// Commendations of years 1–3 (announced at the following session), by activity.
fn plan_commendations(w: &World, years: &mut [Year]) {
    for (k, yr) in years.iter_mut().enumerate().take(3) {
        let y = w.spec.first_year + k as i32;
        let mut count = vec![0usize; w.delegates.len()];
        for s in yr
            .groups
            .iter()
            .chain([&yr.office])
            .chain(yr.committees.iter())
        {
            for a in &s.activities {
                count[a.3] += 1;
            }
        }
        for s in &yr.liaison.suggestions {
            count[s.lead] += 2;
        }
        let doc = format!("示人常办发〔{}〕{}号", y + 1, 3 + k);
        for g in 0..w.groups.len() {
            let mut members: Vec<usize> = w.members[g].clone();
            members.sort_by_key(|&i| (std::cmp::Reverse(count[i]), i));
            for &i in members.iter().take(2 + (g + k) % 2) {
                yr.liaison
                    .commendations
                    .push((y, i, "优秀履职代表", doc.clone()));
            }
        }
        let mut best: Vec<&SuggestionRow> = yr
            .liaison
            .suggestions
            .iter()
            .filter(|s| s.result == "A" && s.satisfaction == "满意")
            .collect();
        best.sort_by(|a, b| a.number.cmp(&b.number));
        for s in best.iter().step_by(7).take(5) {
            yr.liaison
                .commendations
                .push((y, s.lead, "优秀代表建议", doc.clone()));
        }
    }
}

/// A sign-in register (签到表): a row per delegate, a column per session day headed by
/// the session's name and the day, then a column per group survey (调研) with its
/// participants ticked; the default legend's marks; no record stays blank.
fn register_table(
    w: &World,
    unit: &str,
    y: i32,
    rows: &[&(NaiveDate, &'static str, String, usize, &'static str, String)],
    acts: &[&(NaiveDate, &'static str, String, usize, String)],
) -> Table {
    let mut days: Vec<(NaiveDate, String)> = rows.iter().map(|a| (a.0, a.2.clone())).collect();
    days.sort();
    days.dedup();
    let mut surveys: Vec<(NaiveDate, String)> = acts.iter().map(|a| (a.0, a.2.clone())).collect();
    surveys.sort();
    surveys.dedup();
    let heads: Vec<String> = days
        .iter()
        .chain(&surveys)
        .map(|(d, n)| format!("{n} {}月{}日", d.month(), d.day()))
        .collect();
    let mut h = vec!["代表编号", "姓名"];
    h.extend(heads.iter().map(String::as_str));
    let mut t = Table::new("签到表", &h);
    let what = if surveys.is_empty() {
        "区人代会"
    } else {
        "会议和活动"
    };
    t.title = Some(format!("{unit}{y}年{what}签到表（√出席 ○请假 ×缺席）"));
    let mut people: Vec<usize> = Vec::new();
    for i in rows.iter().map(|a| a.3).chain(acts.iter().map(|a| a.3)) {
        if !people.contains(&i) {
            people.push(i);
        }
    }
    for i in people {
        let mut row: Vec<Cell> = vec![
            w.delegates[i].id.clone().into(),
            w.delegates[i].name.clone().into(),
        ];
        for day in &days {
            let mark = rows
                .iter()
                .find(|a| a.3 == i && a.0 == day.0 && a.2 == day.1)
                .map_or("", |a| match a.4 {
                    "出席" => "√",
                    "请假" => "○",
                    _ => "×",
                });
            row.push(if mark.is_empty() {
                Cell::Empty
            } else {
                mark.into()
            });
        }
        for survey in &surveys {
            let took_part = acts
                .iter()
                .any(|a| a.3 == i && a.0 == survey.0 && a.2 == survey.1);
            row.push(if took_part { "√".into() } else { Cell::Empty });
        }
        t.rows.push(row);
    }
    t
}

/// Writes one unit's sheets in the given style.
fn unit_tables(w: &World, unit: &str, y: i32, s: &Sheets, style: Style) -> Vec<Table> {
    let d = |i: usize| &w.delegates[i];
    let shared = &w.shared;
    // How a name is written: shared names carry their id; the titled style types
    // spaces into two-character names and another middle dot.
    let name_of = |i: usize, row: usize, force_id: bool| -> String {
        let g = d(i);
        let base = match style {
            Style::Titled if g.name.chars().count() == 2 && row.is_multiple_of(5) => {
                let c: Vec<char> = g.name.chars().collect();
                format!("{} {}", c[0], c[1])
            }
            Style::Titled => g.name.replace('·', "•"),
            _ => g.name.clone(),
        };
        if force_id && shared.contains(&g.name) {
            format!("{}（{}）", base, g.id)
        } else {
            base
        }
    };
    let id_of = |i: usize| -> Cell {
        let id = d(i).id.clone();
        if style == Style::Quarterly {
            crate::domain::text::to_half_width(&id)
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect::<String>()
                .into()
        } else {
            id.into()
        }
    };
    let date_cell = |x: NaiveDate| -> Cell {
        match style {
            Style::Quarterly => Cell::Text(crate::domain::text::chinese_date(x)),
            Style::NumericDates => Cell::Int(
                i64::from(x.year()) * 10000 + i64::from(x.month()) * 100 + i64::from(x.day()),
            ),
            _ => Cell::Date(x),
        }
    };
    let with_id = style != Style::Legacy;
    // The register group's congress days and group surveys go to a 签到表; its other
    // meetings and activities stay listed.
    let register = w.groups.get(REGISTER_GROUP).is_some_and(|g| g == unit);
    let (signed, listed): (Vec<_>, Vec<_>) = s
        .attendance
        .iter()
        .partition(|a| register && a.1 == "区人代会");
    let (signed_acts, listed_acts): (Vec<_>, Vec<_>) = s
        .activities
        .iter()
        .partition(|a| register && a.1 == "调研" && a.4.is_empty());
    let titled = matches!(style, Style::Titled | Style::Legacy)
        || (style == Style::Clean && unit.len().is_multiple_of(2));
    let mut out = Vec::new();
    let mut finish = |mut t: Table, what: &str| {
        if titled {
            t.title = Some(format!("{unit}{y}年{what}登记表"));
        }
        if style == Style::Titled {
            t.notes.push("填表人：李红    审核人：王明".into());
        }
        out.push(t);
    };
    let person = |headers: &mut Vec<&'static str>| {
        if with_id {
            headers.push("代表编号");
        }
        headers.push(if style == Style::Titled {
            "代表姓名"
        } else {
            "姓名"
        });
    };
    if !listed.is_empty() {
        let mut h: Vec<&'static str> = vec![
            if style == Style::Titled {
                "时间"
            } else {
                "日期"
            },
            "会议类别",
            "会议名称",
        ];
        person(&mut h);
        h.push(if style == Style::Titled {
            "出席状态"
        } else {
            "出席情况"
        });
        // Issue #19: the office and the committees record 审议发言 at their meetings.
        let speeches = unit == "常委会办公室" || COMMITTEES.contains(&unit);
        if speeches {
            h.push("审议发言");
        }
        h.push("备注");
        let mut t = Table::new("出席记录", &h);
        for (r, a) in listed.iter().enumerate() {
            let mut row = vec![date_cell(a.0), a.1.into(), a.2.clone().into()];
            if with_id {
                row.push(id_of(a.3));
            }
            row.extend([Cell::Text(name_of(a.3, r, !with_id)), a.4.into()]);
            if speeches {
                row.push(speech_count(a.0, a.3, a.4).into());
            }
            row.push(a.5.clone().into());
            t.rows.push(row);
        }
        finish(t, "代表出席情况");
    }
    if !listed_acts.is_empty() {
        let mut h: Vec<&'static str> = vec![
            if style == Style::Titled {
                "时间"
            } else {
                "日期"
            },
            "活动类别",
            "活动名称",
        ];
        person(&mut h);
        h.push("备注");
        let mut t = Table::new("履职活动", &h);
        for (r, a) in listed_acts.iter().enumerate() {
            let mut row = vec![date_cell(a.0), a.1.into(), a.2.clone().into()];
            if with_id {
                row.push(id_of(a.3));
            }
            row.extend([Cell::Text(name_of(a.3, r, !with_id)), a.4.clone().into()]);
            t.rows.push(row);
        }
        finish(t, "代表履职活动");
    }
    if !s.suggestions.is_empty() {
        let mut h = vec![
            "建议编号",
            "提出日期",
            "提出时段",
            "标题",
            "领衔代表",
            "附议代表",
            "承办单位",
            "办理结果",
            "代表满意度",
        ];
        // Issue #19: only the liaison office's sheet has the handling columns.
        let detailed = unit == "代表联络室";
        if detailed {
            h.extend([
                "类别",
                "性质",
                "重点督办",
                "交办日期",
                "答复日期",
                "办理工作满意度",
            ]);
        }
        let mut t = Table::new("代表建议", &h);
        for (r, x) in s.suggestions.iter().enumerate() {
            let co: Vec<String> = x
                .cosigners
                .iter()
                .map(|&c| name_of(c, r + 1, true))
                .collect();
            t.rows.push(vec![
                x.number.clone().into(),
                date_cell(x.date),
                x.period.into(),
                x.title.clone().into(),
                name_of(x.lead, r, true).into(),
                co.join("、").into(),
                x.handler.into(),
                x.result.into(),
                x.satisfaction.into(),
            ]);
            if detailed {
                let x = &x.detail;
                let day = |d: Option<NaiveDate>| d.map_or(Cell::Empty, date_cell);
                if let Some(row) = t.rows.last_mut() {
                    row.extend([
                        x.category.into(),
                        x.nature.into(),
                        x.key_item.into(),
                        day(x.assigned),
                        day(x.answered),
                        x.work_satisfaction.into(),
                    ]);
                }
            }
        }
        finish(t, "代表建议");
    }
    // Issue #19: 联系群众, several delegates to a row.
    if !s.contacts.is_empty() {
        let mut t = Table::new(
            "联系群众",
            &[
                "日期",
                "家站/联络站",
                "代表",
                "接待群众人数",
                "收集意见建议条数",
                "办理方式",
                "办理结果",
                "反馈情况",
            ],
        );
        for (r, c) in s.contacts.iter().enumerate() {
            let who: Vec<String> = c.delegates.iter().map(|&i| name_of(i, r, true)).collect();
            t.rows.push(vec![
                date_cell(c.date),
                c.station.clone().into(),
                who.join("、").into(),
                c.people.into(),
                c.opinions.into(),
                c.handling.into(),
                c.result.into(),
                c.feedback.into(),
            ]);
        }
        finish(t, "联系群众");
    }
    if !s.reports.is_empty() {
        let mut h: Vec<&'static str> = vec!["日期"];
        person(&mut h);
        h.extend(["述职形式", "选民代表人数", "满意", "基本满意", "不满意"]);
        let mut t = Table::new("述职评议", &h);
        for (r, x) in s.reports.iter().enumerate() {
            let mut row = vec![date_cell(x.0)];
            if with_id {
                row.push(id_of(x.1));
            }
            row.extend([
                Cell::Text(name_of(x.1, r, !with_id)),
                x.2.into(),
                x.3.into(),
                x.4.into(),
                x.5.into(),
                x.6.into(),
            ]);
            t.rows.push(row);
        }
        finish(t, "代表述职评议");
    }
    if !s.commendations.is_empty() {
        let mut t = Table::new(
            "通报表彰",
            &["年度", "代表编号", "姓名", "表彰类别", "文号"],
        );
        for x in &s.commendations {
            t.rows.push(vec![
                Cell::Int(i64::from(x.0)),
                d(x.1).id.clone().into(),
                d(x.1).name.clone().into(),
                x.2.into(),
                x.3.clone().into(),
            ]);
        }
        finish(t, "通报表彰");
    }
    if !signed.is_empty() || !signed_acts.is_empty() {
        out.push(register_table(w, unit, y, &signed, &signed_acts));
    }
    if style == Style::NumericDates {
        let mut helper = Table::new("名单", &["姓名"]);
        helper.hidden = true;
        for g in w.delegates.iter().filter(|g| g.group == 3) {
            helper.rows.push(vec![g.name.clone().into()]);
        }
        out.push(helper);
    }
    out
}

fn config_text(spec: &Spec, w: &World) -> String {
    format!(
        r#"# lvzhi 配置文件：本区名称、届别和届期，以及《若干规定》中的各项标准（可按本地规定修改）。
# 日期写成 2022-01-06 的形式。

[district]
name = "示范区"                        # 区名，用于文书标题
congress = "示范区人民代表大会"
standing_committee = "示范区人大常委会"

[term]
number = 6                             # 第几届
start = "{start}"                     # 本届第一次会议召开日
end = "{end}"                       # 下届第一次会议前一日

[units]
office = "常委会办公室"
liaison = "代表联络室"
special_committees = [{committees}]

[thresholds]
report_share_per_year = 0.2            # 每个代表小组每年组织述职的代表比例不少于 20%
reports_per_term = 1                   # 每位代表每届至少述职次数
min_voter_representatives = 20         # 述职评议会议的选民代表不少于 20 人
unapproved_absence_limit = 2           # 未经批准两次不出席区人代会，代表资格终止
dissatisfied_share_limit = 0.5         # 不满意率超过 50% 的，应建议其辞去代表职务
outstanding_per_group_min = 2          # 每个代表小组推荐优秀履职代表 2—3 名
outstanding_per_group_max = 3
low_activity_per_year = 2              # 全年履职活动少于该次数的代表列为“履职较少”
outstanding_suggestions_max = 10       # 优秀代表建议名单草案最多列出的件数
renomination_min_congress_attendance = 0.8  # 届内区人代会出席率低于该比例的，继续提名“需研究”
renomination_study_bottom_band = true  # 届期积分位于后段的，继续提名“需研究”

[suggestions]
reply_months = 3                       # 承办单位自交办之日起 3 个月内答复为按期办复

[suggestions.legend]                   # 办理结果 A—D 类在本区的含义，用到的文书都附注说明
A = "已解决或基本解决"
B = "正在解决或列入计划"
C = "因条件限制待以后解决"
D = "留作参考"

[rating]                               # 述职评议的评议等次
scale = "满意"                         # "满意"（满意／基本满意／不满意）或 "称职"（称职／基本称职／不称职）
competent_min = 0.8                    # 称职票达到 80% 的评议为称职
basically_competent_min = 0.5          # 达到 50% 的为基本称职，低于 50% 的为不称职
"#,
        start = w.term_start().format("%Y-%m-%d"),
        end = date(spec.first_year + 5, 1, 5).format("%Y-%m-%d"),
        committees = COMMITTEES
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Generates the whole district.
pub fn generate(spec: &Spec) -> Result<District> {
    let mut rng = Rng::new(spec.seed);
    let (delegates, groups, planted) = make_roster(spec, &mut rng);
    let mut w = World {
        spec: spec.clone(),
        rng,
        delegates,
        members: Vec::new(),
        shared: Default::default(),
        groups,
        planted,
    };
    w.members = vec![Vec::new(); w.groups.len()];
    let mut seen: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for (i, d) in w.delegates.iter().enumerate() {
        w.members[d.group].push(i);
        *seen.entry(d.name.as_str()).or_default() += 1;
    }
    w.shared = seen
        .into_iter()
        .filter(|(_, c)| *c > 1)
        .map(|(n, _)| n.to_string())
        .collect();
    let mut files = Vec::new();
    files.push(("lvzhi.toml".to_string(), config_text(spec, &w).into_bytes()));
    files.push((
        "代表名册.xlsx".to_string(),
        xlsx::workbook(&[roster_table(&w)], "代表名册")?,
    ));
    let mut years: Vec<Year> = (0..spec.years.clamp(1, 5) as i32)
        .map(|k| gen_year(&mut w, spec.first_year + k))
        .collect();
    plan_reports(&mut w, &mut years);
    plan_commendations(&w, &mut years);
    for (k, yr) in years.iter().enumerate() {
        let y = spec.first_year + k as i32;
        for (g, s) in yr.groups.iter().enumerate() {
            let unit = &w.groups[g];
            let style = w.style(g);
            match style {
                Style::Legacy => {
                    files.push((
                        format!("{y}/{unit}.xls"),
                        xls::workbook(&unit_tables(&w, unit, y, s, style))?,
                    ));
                }
                Style::Quarterly if k == 3 => {
                    for q in 1..=4u32 {
                        let in_q = |d: &NaiveDate| (d.month() - 1) / 3 + 1 == q;
                        let part = Sheets {
                            attendance: s
                                .attendance
                                .iter()
                                .filter(|a| in_q(&a.0))
                                .cloned()
                                .collect(),
                            activities: s
                                .activities
                                .iter()
                                .filter(|a| in_q(&a.0))
                                .cloned()
                                .collect(),
                            suggestions: Vec::new(),
                            reports: s.reports.iter().filter(|a| in_q(&a.0)).cloned().collect(),
                            commendations: Vec::new(),
                            contacts: s
                                .contacts
                                .iter()
                                .filter(|c| in_q(&c.date))
                                .cloned()
                                .collect(),
                        };
                        let tables = unit_tables(&w, unit, y, &part, style);
                        files.push((
                            format!("{y}/{unit}_{y}Q{q}.xlsx"),
                            xlsx::workbook(&tables, unit)?,
                        ));
                    }
                }
                _ => {
                    let tables = unit_tables(&w, unit, y, s, style);
                    files.push((format!("{y}/{unit}.xlsx"), xlsx::workbook(&tables, unit)?));
                }
            }
        }
        for (unit, s) in [("常委会办公室", &yr.office), ("代表联络室", &yr.liaison)] {
            files.push((
                format!("{y}/{unit}.xlsx"),
                xlsx::workbook(&unit_tables(&w, unit, y, s, Style::Clean), unit)?,
            ));
        }
        for (c, s) in yr.committees.iter().enumerate() {
            let unit = COMMITTEES[c];
            if !s.attendance.is_empty() || !s.activities.is_empty() {
                files.push((
                    format!("{y}/{unit}.xlsx"),
                    xlsx::workbook(&unit_tables(&w, unit, y, s, Style::Clean), unit)?,
                ));
            }
        }
    }
    Ok(District { files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_stable() {
        let mut r = Rng::new(1);
        let a: Vec<u64> = (0..3).map(|_| r.below(100)).collect();
        let mut r = Rng::new(1);
        let b: Vec<u64> = (0..3).map(|_| r.below(100)).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn rosters_larger_than_the_name_lists_still_complete() {
        let spec = Spec {
            groups: 600,
            delegates: 15_000,
            ..Spec::default()
        };
        let (delegates, groups, _) = make_roster(&spec, &mut Rng::new(7));
        assert_eq!(delegates.len(), 15_001);
        let distinct: std::collections::HashSet<&str> = groups.iter().map(|g| g.as_str()).collect();
        assert_eq!(distinct.len(), 600, "group names stay unique");
    }

    /// Records per delegate in the first year at an activity level, read back through
    /// the real pipeline (so they are also valid records).
    fn records_per_delegate(activity: usize) -> f64 {
        let spec = Spec {
            groups: 4,
            delegates: 60,
            years: 1,
            activity,
            ..Spec::default()
        };
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, bytes) in generate(&spec).expect("generates").files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("write");
        }
        let data =
            crate::input::load(dir.path(), &crate::input::YearScope::One(2022)).expect("loads");
        assert_eq!(
            data.validation
                .count(crate::domain::findings::Severity::Error),
            0,
            "generated records are valid"
        );
        let r = &data.records;
        let n = r.attendance.len()
            + r.activities.len()
            + r.suggestions.len()
            + r.reports.len()
            + r.commendations.len();
        n as f64 / data.roster.delegates.len() as f64
    }

    #[test]
    fn activity_levels_give_the_record_mix_of_a_district_and_of_a_province() {
        let district = records_per_delegate(1);
        let province = records_per_delegate(5);
        assert!((7.0..14.0).contains(&district), "{district}");
        assert!((35.0..46.0).contains(&province), "{province}");
    }

    #[test]
    fn same_seed_same_bytes() {
        let spec = Spec {
            groups: 5,
            delegates: 40,
            ..Spec::default()
        };
        let a = generate(&spec).expect("generates");
        let b = generate(&spec).expect("generates");
        assert_eq!(a.files.len(), b.files.len());
        for (x, y) in a.files.iter().zip(&b.files) {
            assert_eq!(x.0, y.0);
            assert!(x.1 == y.1, "{} differs", x.0);
        }
    }
}
