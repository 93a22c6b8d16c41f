//! Finding the header row under title rows and blank rows, and mapping the many header
//! spellings people use onto the canonical columns.

use super::open::{is_blank, Sheet};
use crate::domain::text::{clean_text, normalize_header};
use calamine::Data;

/// A canonical column and the header spellings that mean it.
#[derive(Debug)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

/// The kinds of sheet a submission may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SheetKind {
    Roster,
    Attendance,
    Activity,
    Suggestion,
    ReportToVoters,
    Commendation,
    /// 联系群众 (issue #19).
    Contact,
    /// A decided draft list (`input::decision`).
    Decision,
}

/// What a sheet of one kind looks like.
#[derive(Debug)]
pub struct SheetSpec {
    pub kind: SheetKind,
    /// The canonical sheet name (also the name the blank forms use).
    pub name: &'static str,
    pub sheet_aliases: &'static [&'static str],
    pub columns: &'static [ColumnSpec],
    /// Each entry is satisfied when any of its columns is present.
    pub required: &'static [&'static [&'static str]],
}

const fn col(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec { name, aliases }
}

const DELEGATE_ID: ColumnSpec = col("代表编号", &["代表编号", "编号", "代表证号", "代表证编号"]);
const NAME: ColumnSpec = col("姓名", &["姓名", "代表姓名", "代表", "名字"]);
const NOTE: ColumnSpec = col("备注", &["备注", "说明"]);

pub static ROSTER: SheetSpec = SheetSpec {
    kind: SheetKind::Roster,
    name: "代表名册",
    sheet_aliases: &["代表名册", "名册", "代表名单", "花名册"],
    columns: &[
        DELEGATE_ID,
        NAME,
        col("性别", &["性别"]),
        col("出生日期", &["出生日期", "出生年月", "生日"]),
        col("民族", &["民族"]),
        col("政治面貌", &["政治面貌", "党派"]),
        col(
            "工作单位及职务",
            &["工作单位及职务", "工作单位", "单位及职务", "工作单位和职务"],
        ),
        col(
            "代表小组",
            &["代表小组", "所属代表小组", "小组", "所在代表小组"],
        ),
        col("选区", &["选区", "所在选区"]),
        col("身份", &["身份", "代表身份", "身份类别"]),
        col(
            "专门委员会",
            &["专门委员会", "所属专委", "专委", "所在专门委员会"],
        ),
        col("代表状态", &["代表状态", "状态"]),
        col("状态变更日期", &["状态变更日期", "变更日期"]),
        col("当选日期", &["当选日期", "任职日期", "补选日期"]),
        col(
            "联系电话",
            &["联系电话", "电话", "手机", "手机号码", "联系方式"],
        ),
        // Issue #19: the structure the re-nomination list looks at.
        col("职业构成", &["职业构成", "职业", "代表构成", "构成"]),
        col("是否连任", &["是否连任", "连任"]),
    ],
    required: &[&["代表编号"], &["姓名"], &["代表小组"]],
};

pub static ATTENDANCE: SheetSpec = SheetSpec {
    kind: SheetKind::Attendance,
    name: "出席记录",
    sheet_aliases: &[
        "出席记录",
        "出席情况",
        "会议出席",
        "出席",
        "出席登记",
        "会议出席情况",
    ],
    columns: &[
        col("日期", &["日期", "时间", "会议日期", "会议时间"]),
        col("会议类别", &["会议类别", "会议类型", "类别", "会议种类"]),
        col("会议名称", &["会议名称", "会议"]),
        DELEGATE_ID,
        NAME,
        col(
            "出席情况",
            &["出席情况", "出席状态", "出席", "到会情况", "出席状况"],
        ),
        // Issue #19: optional count of 审议发言 at 常委会 and 专委 meetings.
        col(
            "审议发言",
            &["审议发言", "审议发言次数", "发言次数", "发言"],
        ),
        NOTE,
    ],
    required: &[
        &["日期"],
        &["会议类别"],
        &["出席情况"],
        &["代表编号", "姓名"],
    ],
};

pub static ACTIVITY: SheetSpec = SheetSpec {
    kind: SheetKind::Activity,
    name: "履职活动",
    sheet_aliases: &["履职活动", "活动记录", "闭会期间活动", "代表活动", "活动"],
    columns: &[
        col("日期", &["日期", "时间", "活动日期", "活动时间"]),
        col("活动类别", &["活动类别", "活动类型", "类别", "活动种类"]),
        col("活动名称", &["活动名称", "活动内容", "活动", "内容"]),
        DELEGATE_ID,
        NAME,
        NOTE,
    ],
    required: &[&["日期"], &["活动类别"], &["代表编号", "姓名"]],
};

pub static SUGGESTION: SheetSpec = SheetSpec {
    kind: SheetKind::Suggestion,
    name: "代表建议",
    sheet_aliases: &[
        "代表建议",
        "建议",
        "代表建议批评和意见",
        "建议批评和意见",
        "建议办理",
    ],
    columns: &[
        col("建议编号", &["建议编号", "编号", "建议号", "序号"]),
        col("提出日期", &["提出日期", "日期", "提交日期", "时间"]),
        col("提出时段", &["提出时段", "时段", "提出时间段", "提出时间"]),
        col("标题", &["标题", "建议标题", "案由", "建议题目", "题目"]),
        col("领衔代表", &["领衔代表", "领衔人", "提出代表", "领衔"]),
        col("附议代表", &["附议代表", "附议人", "附议"]),
        col("承办单位", &["承办单位", "主办单位", "办理单位"]),
        col(
            "办理结果",
            &["办理结果", "办理情况", "答复类别", "办理类别"],
        ),
        col(
            "办理结果满意度",
            &[
                "办理结果满意度",
                "代表满意度",
                "满意度",
                "代表评价",
                "代表意见",
                "结果满意度",
                "对办理结果满意度",
            ],
        ),
        // Issue #19: optional, so sheets made before them still read.
        col(
            "类别",
            &["类别", "建议类别", "分类", "内容分类", "专业类别"],
        ),
        col("性质", &["性质", "建议性质", "议案或建议"]),
        col(
            "重点督办",
            &["重点督办", "是否重点督办", "重点建议", "是否重点建议"],
        ),
        col("交办日期", &["交办日期", "交办时间"]),
        col(
            "答复日期",
            &["答复日期", "答复时间", "办复日期", "办复时间"],
        ),
        col(
            "办理工作满意度",
            &[
                "办理工作满意度",
                "工作满意度",
                "对办理工作满意度",
                "办理过程满意度",
            ],
        ),
    ],
    required: &[&["标题"], &["领衔代表"], &["提出日期"]],
};

pub static REPORT_TO_VOTERS: SheetSpec = SheetSpec {
    kind: SheetKind::ReportToVoters,
    name: "述职评议",
    sheet_aliases: &[
        "述职评议",
        "述职",
        "述职评议情况",
        "代表述职评议",
        "述职评议结果",
    ],
    columns: &[
        col("日期", &["日期", "述职日期", "评议日期", "时间"]),
        DELEGATE_ID,
        NAME,
        col("述职形式", &["述职形式", "形式", "述职方式"]),
        col(
            "选民代表人数",
            &[
                "选民代表人数",
                "参加评议人数",
                "选民代表",
                "评议人数",
                "参会选民代表人数",
            ],
        ),
        // The 称职 scale's words (issue #19) are read into the same three places; the
        // reader checks them against lvzhi.toml's [rating] scale.
        col(
            "满意",
            &["满意", "满意票", "满意票数", "称职", "称职票", "称职票数"],
        ),
        col(
            "基本满意",
            &[
                "基本满意",
                "基本满意票",
                "基本满意票数",
                "基本称职",
                "基本称职票",
                "基本称职票数",
            ],
        ),
        col(
            "不满意",
            &[
                "不满意",
                "不满意票",
                "不满意票数",
                "不称职",
                "不称职票",
                "不称职票数",
            ],
        ),
    ],
    required: &[
        &["日期"],
        &["代表编号", "姓名"],
        &["满意"],
        &["基本满意"],
        &["不满意"],
    ],
};

pub static COMMENDATION: SheetSpec = SheetSpec {
    kind: SheetKind::Commendation,
    name: "通报表彰",
    sheet_aliases: &["通报表彰", "表彰", "表彰情况"],
    columns: &[
        col("年度", &["年度", "年份", "表彰年度"]),
        DELEGATE_ID,
        NAME,
        col("表彰类别", &["表彰类别", "类别", "表彰类型", "表彰项目"]),
        col("文号", &["文号", "发文字号", "文件编号"]),
    ],
    required: &[&["代表编号", "姓名"], &["表彰类别"]],
};

/// 联系群众 (issue #19): receptions of voters at a 代表之家 / 代表联络站.
pub static CONTACT: SheetSpec = SheetSpec {
    kind: SheetKind::Contact,
    name: "联系群众",
    sheet_aliases: &[
        "联系群众",
        "联系群众情况",
        "家站接待",
        "接待群众",
        "家站接待群众",
        "联系群众登记",
        "进站接待",
    ],
    columns: &[
        col("日期", &["日期", "接待日期", "时间", "接待时间"]),
        col(
            "家站/联络站",
            &[
                "家站/联络站",
                "家站",
                "联络站",
                "代表之家",
                "代表联络站",
                "家站名称",
                "接待地点",
                "代表之家/联络站",
            ],
        ),
        col(
            "代表",
            &["代表", "参加代表", "接待代表", "代表姓名", "姓名"],
        ),
        col(
            "接待群众人数",
            &[
                "接待群众人数",
                "接待人数",
                "群众人数",
                "接待群众人次",
                "接待群众",
            ],
        ),
        col(
            "收集意见建议条数",
            &[
                "收集意见建议条数",
                "意见建议条数",
                "收集意见建议",
                "意见建议数",
                "意见建议",
            ],
        ),
        col("办理方式", &["办理方式", "处理方式"]),
        col("办理结果", &["办理结果", "处理结果", "办理情况"]),
        col("反馈情况", &["反馈情况", "反馈", "是否反馈", "反馈结果"]),
        NOTE,
    ],
    required: &[
        &["日期"],
        &["代表"],
        &["接待群众人数"],
        &["收集意见建议条数"],
    ],
};

/// The sheets a unit's submission may contain, in the order the blank forms list them.
pub static RECORD_SHEETS: [&SheetSpec; 6] = [
    &ATTENDANCE,
    &ACTIVITY,
    &SUGGESTION,
    &REPORT_TO_VOTERS,
    &COMMENDATION,
    &CONTACT,
];

impl SheetSpec {
    /// Does this sheet name (as typed) mean this kind of sheet?
    pub fn matches_sheet_name(&self, name: &str) -> bool {
        let n = normalize_header(name);
        // 出席记录(2), 出席记录1 and similar copies still count.
        let n = n.trim_end_matches(|c: char| c.is_ascii_digit());
        self.sheet_aliases.contains(&n)
    }

    /// Every canonical column a header means, each with whether the header is the
    /// column's own name (which beats an alias: 建议编号 beats 序号).
    fn columns_for(&self, header: &str) -> Vec<(&'static str, bool)> {
        let h = normalize_header(header);
        self.columns
            .iter()
            .filter(|c| c.name == h || c.aliases.contains(&h.as_str()))
            .map(|c| (c.name, c.name == h))
            .collect()
    }

    pub fn required_names(&self) -> String {
        self.required
            .iter()
            .map(|alts| alts.join("或"))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// A located header: its row and which sheet column holds which canonical column.
#[derive(Debug, Clone)]
pub struct Header {
    /// Absolute zero-based row of the header.
    pub row: u32,
    /// (canonical name, absolute zero-based column, the header text as typed)
    pub columns: Vec<(&'static str, u32, String)>,
    /// Header cells that match no known column, with their column.
    pub unknown: Vec<(u32, String)>,
    /// Header cells that mean a known column but were not read, with why: an alias
    /// yielding to the column's own name, or a header meaning two columns.
    pub unread: Vec<(u32, String, String)>,
}

impl Header {
    pub fn col(&self, name: &str) -> Option<u32> {
        self.columns.iter().find(|c| c.0 == name).map(|c| c.1)
    }
    pub fn has(&self, name: &str) -> bool {
        self.col(name).is_some()
    }
}

/// How far down a header may sit below titles and blank rows.
const HEADER_SCAN_ROWS: u32 = 30;

/// Looks for the header row: the first row, within the top rows, whose cells map onto
/// every required column. A merged title row holds one text and never matches.
pub fn find_header(sheet: &Sheet, spec: &SheetSpec) -> Result<Header, String> {
    let (r0, r1) = sheet.row_span();
    let mut best: Option<(usize, Vec<&'static str>)> = None;
    for row in r0..r1.min(r0 + HEADER_SCAN_ROWS) {
        let (columns, unknown, unread) = assign_columns(sheet, row, spec);
        let satisfied = spec
            .required
            .iter()
            .filter(|alts| alts.iter().any(|a| columns.iter().any(|x| x.0 == *a)))
            .count();
        if satisfied == spec.required.len() && columns.len() >= 2 {
            return Ok(Header {
                row,
                columns,
                unknown,
                unread,
            });
        }
        let names: Vec<&'static str> = columns.iter().map(|x| x.0).collect();
        if best.as_ref().is_none_or(|b| names.len() > b.0) {
            best = Some((names.len(), names));
        }
    }
    let missing: Vec<String> = spec
        .required
        .iter()
        .filter(|alts| {
            !best
                .as_ref()
                .is_some_and(|b| alts.iter().any(|a| b.1.contains(a)))
        })
        .map(|alts| alts.join("或"))
        .collect();
    Err(format!(
        "未找到表头：前 {HEADER_SCAN_ROWS} 行中没有一行包含全部必需列（缺少：{}）",
        missing.join("、")
    ))
}

/// The columns a header means, each with whether by the column's own name.
type Meaning = Vec<(&'static str, bool)>;

type Assigned = (
    Vec<(&'static str, u32, String)>,
    Vec<(u32, String)>,
    Vec<(u32, String, String)>,
);

/// Maps one row's header cells onto columns. The alias rule: a column's own name is
/// claimed first, so an alias never steals it (序号 is not read as 建议编号 when a
/// 建议编号 column exists); among equals the leftmost wins; a header that means two
/// columns is read as neither and reported.
fn assign_columns(sheet: &Sheet, row: u32, spec: &SheetSpec) -> Assigned {
    let mut columns: Vec<(&'static str, u32, String)> = Vec::new();
    let mut unknown = Vec::new();
    let mut unread = Vec::new();
    // (column, header text, the one column it means and whether by its own name)
    let mut cells: Vec<(u32, String, Meaning)> = Vec::new();
    for (c, cell) in sheet.row_cells(row) {
        let text = match cell {
            Data::String(s) => clean_text(s),
            _ => continue,
        };
        if text.is_empty() {
            continue;
        }
        let m = spec.columns_for(&text);
        if m.is_empty() {
            unknown.push((c, text));
        } else if m.len() > 1 {
            let names: Vec<&str> = m.iter().map(|x| x.0).collect();
            unread.push((
                c,
                text,
                format!(
                    "表头同时可以表示「{}」，无法确定，该列未读取",
                    names.join("」和「")
                ),
            ));
        } else {
            cells.push((c, text, m));
        }
    }
    for exact in [true, false] {
        for (c, text, m) in &cells {
            let (name, is_exact) = m[0];
            if is_exact != exact {
                continue;
            }
            match columns.iter().find(|x| x.0 == name) {
                None => columns.push((name, *c, text.clone())),
                Some(winner) => unread.push((
                    *c,
                    text.clone(),
                    format!(
                        "与{}列「{}」都表示「{name}」，按「{}」列读取，本列未读取",
                        crate::domain::text::column_letter(winner.1),
                        winner.2,
                        winner.2
                    ),
                )),
            }
        }
    }
    columns.sort_by_key(|x| x.1);
    unread.sort_by_key(|x| x.0);
    (columns, unknown, unread)
}

/// The record sheet whose header a sheet resembles most, when one row of its first rows
/// holds at least two of that sheet's columns: such a sheet holds records even when its
/// name and header do not say which kind (参会情况 typed for 出席情况).
pub fn resembles(sheet: &Sheet) -> Option<&'static SheetSpec> {
    let (r0, r1) = sheet.row_span();
    let mut best: Option<(usize, &'static SheetSpec)> = None;
    for row in r0..r1.min(r0 + HEADER_SCAN_ROWS) {
        let texts: Vec<String> = sheet
            .row_cells(row)
            .filter_map(|(_, cell)| match cell {
                Data::String(s) => Some(clean_text(s)),
                _ => None,
            })
            .collect();
        for spec in RECORD_SHEETS {
            let mut names: Vec<&str> = texts
                .iter()
                .flat_map(|t| spec.columns_for(t))
                .map(|(name, _)| name)
                .collect();
            names.sort_unstable();
            names.dedup();
            if names.len() >= 2 && best.is_none_or(|b| names.len() > b.0) {
                best = Some((names.len(), spec));
            }
        }
    }
    best.map(|b| b.1)
}

/// Rows whose first text marks them as notes or signatures, not data.
pub fn is_notes_row(sheet: &Sheet, row: u32) -> bool {
    let (c0, c1) = sheet.col_span();
    let first = (c0..c1).map(|c| sheet.get(row, c)).find(|d| !is_blank(d));
    let raw = match first {
        Some(Data::String(s)) => clean_text(s),
        _ => return false,
    };
    let key = normalize_header(&raw);
    const MARKERS: [&str; 14] = [
        "填表人",
        "填报人",
        "制表人",
        "制表",
        "审核人",
        "审核",
        "负责人",
        "联系人",
        "填表日期",
        "填报日期",
        "合计",
        "总计",
        "小计",
        "注",
    ];
    // A bare 合计 or a 填表人：… label; a name that merely starts with 注 is data.
    MARKERS.iter().any(|m| key.starts_with(m))
        && (key.chars().count() <= 4 || raw.contains(['：', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        let mut s = Sheet::new("出席记录", false);
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                s.set(r as u32, c as u32, Data::String(v.to_string()));
            }
        }
        s
    }

    /// 三月会议 with 参会情况 typed for 出席情况: not read as attendance, but recognised
    /// as a sheet of attendance records; a sheet of prose is not.
    #[test]
    fn a_sheet_resembling_a_record_sheet_is_recognised_as_data() {
        let mut s = Sheet::new("三月会议", false);
        for (c, h) in ["日期", "会议类别", "会议名称", "姓名", "参会情况"]
            .iter()
            .enumerate()
        {
            s.set(0, c as u32, Data::String(h.to_string()));
        }
        assert!(find_header(&s, &ATTENDANCE).is_err());
        assert_eq!(resembles(&s).map(|x| x.name), Some(ATTENDANCE.name));
        let mut prose = Sheet::new("说明", false);
        prose.set(0, 0, Data::String("本表由各代表小组填写".into()));
        prose.set(1, 0, Data::String("日期".into()));
        assert!(resembles(&prose).is_none());
    }

    #[test]
    fn header_under_title_and_blank_rows_with_variant_names() {
        let s = sheet(&[
            &["兴华街道代表小组2025年出席记录", "", "", "", "", ""],
            &["", "", "", "", "", ""],
            &[
                "时间",
                "会议 类型",
                "会议名称",
                "代表编号",
                "代表姓名",
                "出席状态",
            ],
            &["2025-01-06", "区人代会", "四次会议", "D001", "张三", "出席"],
        ]);
        let h = find_header(&s, &ATTENDANCE).expect("header found");
        assert_eq!(h.row, 2);
        assert_eq!(h.col("日期"), Some(0));
        assert_eq!(h.col("会议类别"), Some(1));
        assert_eq!(h.col("姓名"), Some(4));
        assert_eq!(h.col("出席情况"), Some(5));
    }

    /// The alias rule: 序号 (an alias of 建议编号) yields to a real 建议编号 column
    /// even when it stands to its left; alone it is still read as 建议编号.
    #[test]
    fn an_alias_never_steals_a_column() {
        let s = sheet(&[&["序号", "建议编号", "标题", "领衔代表", "提出日期"]]);
        let h = find_header(&s, &SUGGESTION).expect("header");
        assert_eq!(h.col("建议编号"), Some(1));
        assert_eq!(h.unread.len(), 1);
        assert_eq!(h.unread[0].0, 0);
        assert!(
            h.unread[0].2.contains("按「建议编号」列读取"),
            "{:?}",
            h.unread
        );
        let s = sheet(&[&["序号", "标题", "领衔代表", "提出日期"]]);
        let h = find_header(&s, &SUGGESTION).expect("header");
        assert_eq!(h.col("建议编号"), Some(0));
        assert!(h.unread.is_empty());
    }

    static AMBIGUOUS: SheetSpec = SheetSpec {
        kind: SheetKind::Activity,
        name: "测试",
        sheet_aliases: &[],
        columns: &[col("甲", &["甲", "共用"]), col("乙", &["乙", "共用"])],
        required: &[&["甲"]],
    };

    #[test]
    fn a_header_meaning_two_columns_is_reported() {
        let s = sheet(&[&["甲", "共用"]]);
        let (columns, _, unread) = assign_columns(&s, 0, &AMBIGUOUS);
        assert_eq!(columns.len(), 1);
        assert_eq!(unread.len(), 1);
        assert!(unread[0].2.contains("「甲」和「乙」"), "{unread:?}");
    }

    /// No built-in header spelling means two columns of one sheet.
    #[test]
    fn built_in_aliases_are_unambiguous() {
        for spec in RECORD_SHEETS.iter().chain([&&ROSTER]) {
            for c in spec.columns {
                for a in c.aliases.iter().chain([&c.name]) {
                    assert_eq!(spec.columns_for(a).len(), 1, "{} in {}", a, spec.name);
                }
            }
        }
    }

    #[test]
    fn missing_required_columns_are_named() {
        let s = sheet(&[&["日期", "姓名", "备注"]]);
        let err = find_header(&s, &ATTENDANCE).expect_err("no 会议类别");
        assert!(
            err.contains("会议类别") && err.contains("出席情况"),
            "{err}"
        );
    }

    #[test]
    fn sheet_names_match_aliases_and_copies() {
        assert!(ATTENDANCE.matches_sheet_name("出席记录"));
        assert!(ATTENDANCE.matches_sheet_name(" 出席记录 (2)"));
        assert!(ATTENDANCE.matches_sheet_name("出席记录1"));
        assert!(!ATTENDANCE.matches_sheet_name("Sheet1"));
        assert!(SUGGESTION.matches_sheet_name("代表建议"));
    }

    #[test]
    fn notes_rows_are_recognised() {
        let s = sheet(&[
            &["填表人：李红", "", "审核人：王明"],
            &["合计", "12"],
            &["张三", "出席"],
        ]);
        assert!(is_notes_row(&s, 0));
        assert!(is_notes_row(&s, 1));
        assert!(!is_notes_row(&s, 2));
    }
}
