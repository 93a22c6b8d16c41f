//! After the decision (issue #20): the draft lists come back as decision files, `lvzhi
//! commend` makes the 公示 and the 通报, and later runs count the commendations.

mod support;

use rust_xlsxwriter::Workbook;
use std::collections::HashMap;
use std::path::Path;
use support::*;

const DELEGATES_DRAFT: &str = "reports/2025/主任会议/2025年度优秀履职代表名单（草案）.xlsx";
const SUGGESTIONS_DRAFT: &str =
    "reports/2025/主任会议/2025年度优秀代表建议、批评和意见名单（草案）.xlsx";

/// A draft sheet as text: (rows above and including the header, data rows, rows below).
struct Draft {
    head: Vec<Vec<String>>,
    data: Vec<Vec<String>>,
    tail: Vec<Vec<String>>,
    header: Vec<String>,
}

impl Draft {
    fn read(path: &Path, sheet: &str) -> Draft {
        let rows = read_sheet(path, sheet);
        let h = rows
            .iter()
            .position(|r| r.iter().any(|c| c == "决定"))
            .expect("the draft has a 决定 column");
        let end = rows[h + 1..]
            .iter()
            .position(|r| r.iter().all(|c| c.is_empty()))
            .map_or(rows.len(), |n| h + 1 + n);
        Draft {
            head: rows[..=h].to_vec(),
            data: rows[h + 1..end].to_vec(),
            tail: rows[end..].to_vec(),
            header: rows[h].clone(),
        }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("column {name} in {:?}", self.header))
    }

    /// Sets 决定 on data row `i`.
    fn decide(&mut self, i: usize, verdict: &str) {
        let c = self.col("决定");
        self.data[i][c] = verdict.to_string();
    }

    /// The sheet as the clerk saves it: every row as it was, the decisions filled in.
    fn write(&self, wb: &mut Workbook, sheet: &str) {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).expect("name");
        let all = self.head.iter().chain(&self.data).chain(&self.tail);
        for (r, row) in all.enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, v).expect("write");
                }
            }
        }
    }
}

fn save(path: &Path, sheets: &[(&Draft, &str)]) {
    let mut wb = Workbook::new();
    for (d, name) in sheets {
        d.write(&mut wb, name);
    }
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, wb.save_to_buffer().expect("xlsx")).expect("write");
}

/// The 通报表彰 column of the summary, by delegate.
fn commendations(dir: &Path) -> HashMap<String, u32> {
    let rows = read_sheet(&dir.join("reports/2025/履职档案汇总.xlsx"), "履职档案汇总");
    let c = rows[1]
        .iter()
        .position(|h| h == "通报表彰")
        .expect("通报表彰 column");
    rows[2..]
        .iter()
        .filter(|r| !r[0].is_empty())
        .map(|r| (r[0].clone(), r[c].parse().unwrap_or(0)))
        .collect()
}

fn docx_body(path: &Path) -> String {
    docx_text(&unzip(path)["word/document.xml"])
}

#[test]
fn decided_lists_make_the_publicity_the_circular_and_counted_commendations() {
    let tmp = sample_district(4, 48);
    let dir = tmp.path();
    let (code, _, stderr) = run(dir, &["annual", "--year", "2025"]);
    assert_eq!(code, 0, "{stderr}");
    // The sample's 2025 has no 通报表彰 sheet: nothing is counted before the decision.
    let before = commendations(dir);
    assert!(before.values().all(|n| *n == 0), "{before:?}");

    let mut dels = Draft::read(&dir.join(DELEGATES_DRAFT), "优秀履职代表名单");
    let mut sugg = Draft::read(&dir.join(SUGGESTIONS_DRAFT), "优秀代表建议名单");
    assert!(dels.data.len() >= 4, "{:?}", dels.data);
    assert!(sugg.data.len() >= 2, "{:?}", sugg.data);
    let (id, name) = (dels.col("代表编号"), dels.col("姓名"));
    for i in 0..dels.data.len() {
        dels.decide(i, "列入");
    }
    dels.decide(0, "不列入");
    dels.decide(1, "待定");
    for i in 0..sugg.data.len() {
        sugg.decide(i, "不列入");
    }
    sugg.decide(0, "列入");
    let decided = dir.join("input/2025/决定");
    save(
        &decided.join("2025年度优秀履职代表名单（草案）.xlsx"),
        &[(&dels, "优秀履职代表名单")],
    );
    save(
        &decided.join("2025年度优秀代表建议名单（草案）.xlsx"),
        &[(&sugg, "优秀代表建议名单")],
    );

    // One row 待定: the 公示 only, marked 草案, and the count said.
    let args = ["commend", "--year", "2025", "--date", "2026-01-05"];
    let (code, stdout, stderr) = run(dir, &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("还有 1 行待定"), "{stdout}");
    let out = dir.join("reports/2025/表彰");
    let notice = docx_body(&out.join("关于2025年度优秀履职代表和优秀代表建议的公示（草案）.docx"));
    assert!(notice.contains("2026年1月5日至2026年1月11日"), "{notice}");
    assert!(!out
        .join("关于表彰2025年度优秀履职代表和优秀代表建议的通报.docx")
        .exists());
    // Nothing is counted while a list is still being decided.
    let (code, _, stderr) = run(dir, &["annual", "--year", "2025"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(commendations(dir).values().all(|n| *n == 0));

    dels.decide(1, "列入");
    save(
        &decided.join("2025年度优秀履职代表名单（草案）.xlsx"),
        &[(&dels, "优秀履职代表名单")],
    );
    let (code, _, stderr) = run(
        dir,
        &[&args[..], &["--number", "示人常发〔2026〕1号"]].concat(),
    );
    assert_eq!(code, 0, "{stderr}");
    let notice = docx_body(&out.join("关于2025年度优秀履职代表和优秀代表建议的公示.docx"));
    let circular = docx_body(&out.join("关于表彰2025年度优秀履职代表和优秀代表建议的通报.docx"));
    assert!(circular.contains("示人常发〔2026〕1号"), "{circular}");
    let listed: Vec<&Vec<String>> = dels.data[1..].iter().collect();
    assert!(
        circular.contains(&format!("对{}名2025年度优秀履职代表和1件", listed.len())),
        "{circular}"
    );
    // The 通报's delegate list is the rows decided 列入, in the draft's order.
    let names_in = |text: &str| -> Vec<String> {
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .rposition(|l| *l == "工作单位及职务")
            .expect("the list's header");
        let end = lines[start..]
            .iter()
            .position(|l| *l == "建议编号")
            .map_or(lines.len(), |n| start + n);
        let all: Vec<String> = dels.data.iter().map(|r| r[name].clone()).collect();
        lines[start..end]
            .iter()
            .filter(|l| all.iter().any(|n| n == *l))
            .map(|l| l.to_string())
            .collect()
    };
    let expected: Vec<String> = listed.iter().map(|r| r[name].clone()).collect();
    assert_eq!(names_in(&circular), expected);
    assert_eq!(names_in(&notice), expected);
    // The suggestion list: the one 列入 by its number (a cell of its own), none other.
    let number = sugg.col("建议编号");
    let cells: Vec<&str> = circular.lines().collect();
    assert!(cells.contains(&sugg.data[0][number].as_str()), "{circular}");
    for r in &sugg.data[1..] {
        assert!(!cells.contains(&r[number].as_str()), "{}", r[number]);
    }

    // The next annual counts them, with no 通报表彰 sheet anywhere in the input.
    let (code, _, stderr) = run(dir, &["annual", "--year", "2025"]);
    assert_eq!(code, 0, "{stderr}");
    let counted = commendations(dir);
    let records = read_sheet(&out.join("2025年度通报表彰记录.xlsx"), "通报表彰");
    let leads: Vec<&str> = records[2..]
        .iter()
        .filter(|r| r.get(3).map(String::as_str) == Some("优秀代表建议"))
        .map(|r| r[1].as_str())
        .collect();
    assert!(!leads.is_empty(), "{records:?}");
    for r in &dels.data {
        let as_delegate = u32::from(r[id] != dels.data[0][id]);
        let as_lead = u32::from(leads.contains(&r[id].as_str()));
        assert_eq!(counted[&r[id]], as_delegate + as_lead, "{}", r[id]);
    }
    let total: u32 = counted.values().sum();
    assert_eq!(total as usize, listed.len() + leads.len());
    // The decision files reconcile like every input file.
    let files = read_sheet(&dir.join("reports/2025/校验报告.xlsx"), "文件核对");
    let decision_rows: Vec<&Vec<String>> =
        files.iter().filter(|r| r[0].contains("决定/")).collect();
    assert_eq!(decision_rows.len(), 2, "{files:?}");
    for r in decision_rows {
        assert_eq!(r.last().map(String::as_str), Some("平衡"), "{r:?}");
    }
}

#[test]
fn a_decision_row_off_the_roster_or_the_draft_is_an_error_naming_file_row_and_value() {
    let tmp = sample_district(3, 36);
    let dir = tmp.path();
    let (code, _, stderr) = run(dir, &["annual", "--year", "2025"]);
    assert_eq!(code, 0, "{stderr}");
    let mut dels = Draft::read(&dir.join(DELEGATES_DRAFT), "优秀履职代表名单");
    let (id, name) = (dels.col("代表编号"), dels.col("姓名"));
    for i in 0..dels.data.len() {
        dels.decide(i, "列入");
    }
    let mut unknown = dels.data[0].clone();
    unknown[id] = "D999".into();
    unknown[name] = "查无此人".into();
    dels.data.push(unknown);
    let file = dir.join("input/2025/决定/名单.xlsx");
    save(&file, &[(&dels, "优秀履职代表名单")]);
    let (code, _, stderr) = run(dir, &["commend", "--year", "2025"]);
    assert_eq!(code, 1, "{stderr}");
    // The header is on row 2 under the title; the unknown row is the last data row.
    let row = 2 + dels.data.len();
    let line = stderr
        .lines()
        .find(|l| l.contains("D999"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("2025/决定/名单.xlsx"), "{line}");
    assert!(line.contains(&format!("第{row}行")), "{line}");
    assert!(!dir.join("reports/2025/表彰").exists());

    // A delegate on the roster but not on the draft is an error too.
    dels.data.pop();
    let roster = read_sheet(&dir.join("input/代表名册.xlsx"), "代表名册");
    let on_draft: Vec<&String> = dels.data.iter().map(|r| &r[id]).collect();
    let other = roster[1..]
        .iter()
        .find(|r| !r[0].is_empty() && !on_draft.contains(&&r[0]))
        .expect("a delegate off the draft");
    let mut off = dels.data[0].clone();
    off[id] = other[0].clone();
    off[name] = other[1].clone();
    dels.data.push(off);
    save(&file, &[(&dels, "优秀履职代表名单")]);
    let (code, _, stderr) = run(dir, &["commend", "--year", "2025"]);
    assert_eq!(code, 1, "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("不在优秀履职代表名单草案中"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("2025/决定/名单.xlsx"), "{line}");
    assert!(line.contains(&format!("第{row}行")), "{line}");
    assert!(line.contains(other[0].as_str()), "{line}");
}

/// The tiny district with the 2024 session too: 阿依古丽·买买提 (D005) missed it and the
/// 2025 one without approval (her qualification ends by law; the roster still says 在任),
/// 赵六 (D006) resigned on 2025-06-30, and 李四 (D003) had 11 of 21 votes 不满意.
fn district_with_changes(dir: &Path) -> std::path::PathBuf {
    let input = tiny_district_2025(dir);
    std::fs::create_dir_all(input.join("2024")).expect("mkdir");
    let congress = |id: &'static str, name: &'static str, p: &'static str| {
        vec![
            V::D(2024, 1, 9),
            s("区人代会"),
            s("第三次会议"),
            V::S(id),
            V::S(name),
            V::S(p),
            V::E,
        ]
    };
    let y2024 = xlsx(&[sheet(
        "出席记录",
        vec![
            header_attendance(),
            congress("D004", "王芳", "出席"),
            congress("D005", "阿依古丽·买买提", "缺席"),
            congress("D006", "赵六", "出席"),
        ],
    )]);
    std::fs::write(input.join("2024/乙镇.xlsx"), y2024).expect("write");
    input
}

/// The tiny district's 2025 with 李四's (D003) evaluation: 11 of 21 votes 不满意.
fn tiny_district_2025(dir: &Path) -> std::path::PathBuf {
    let input = tiny_input(dir);
    tiny_clean_year(&input);
    let votes = vec![
        header_reports(),
        vec![
            V::D(2025, 11, 20),
            s("D003"),
            V::E,
            s("当面述职"),
            V::N(21.0),
            V::N(5.0),
            V::N(5.0),
            V::N(11.0),
        ],
    ];
    std::fs::write(
        input.join("2025/甲街道_述职.xlsx"),
        xlsx(&[sheet("述职评议", votes)]),
    )
    .expect("write");
    input
}

#[test]
fn qualification_report_and_notice_state_basis_dates_and_seats() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    district_with_changes(dir);
    let (code, _, stderr) = run(dir, &["annual", "--year", "2025", "--date", "2026-01-10"]);
    assert_eq!(code, 0, "{stderr}");
    let out = dir.join("reports/2025/代表资格");
    let report = docx_body(&out.join("关于2025年度代表资格变动情况的报告.docx"));
    let ended = report
        .lines()
        .find(|l| l.starts_with("阿依古丽·买买提"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        ended.contains("未经批准两次不出席区人民代表大会会议"),
        "{ended}"
    );
    // The sessions and their dates are in the attachment's table.
    assert!(report.contains("第三次会议（2024年1月9日）"), "{report}");
    assert!(ended.contains("第六十二条第三项"), "{ended}");
    assert!(ended.contains("自2025年1月8日起终止"), "{ended}");
    // The roster not yet recording it is the clerk's business, not the committee's:
    // a warning on the roster row, not a line of the report.
    assert!(!report.contains("名册尚未登记"), "{report}");
    assert!(
        stderr.contains("代表名册 第") && stderr.contains("名册中仍为在任"),
        "{stderr}"
    );
    let resigned = report
        .lines()
        .find(|l| l.starts_with("赵六"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(resigned.contains("辞职被接受"), "{resigned}");
    assert!(resigned.contains("第六十二条第二项"), "{resigned}");
    assert!(resigned.contains("自2025年6月30日起终止"), "{resigned}");
    // 李四's is a recommendation, not a change.
    assert!(report.contains("应建议其辞去代表职务："), "{report}");
    let advised = report
        .lines()
        .find(|l| l.starts_with("李四"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(advised.contains("52.4%"), "{advised}");
    // Six elected at the start; 赵六 resigned, 阿依古丽·买买提's qualification ended.
    let seats = "代表名额6名，实有代表4名，缺额2名";
    assert!(report.contains(seats), "{report}");
    assert!(report.contains("代表资格有关情况表"), "{report}");
    let notice = docx_body(&out.join("2025年度代表资格和代表名额公告.docx"));
    assert!(
        notice.contains("测试区人民代表大会常务委员会公告"),
        "{notice}"
    );
    assert!(notice.contains(seats), "{notice}");
    assert!(notice.contains("代表阿依古丽·买买提"), "{notice}");
    assert!(!notice.contains("李四"), "{notice}");
    // Her qualification ended by law: no reminder letter, the others get theirs.
    let letters = docx_body(&dir.join("reports/2025/提醒函/2025年度履职提醒函.docx"));
    assert!(letters.contains("张三代表："), "{letters}");
    assert!(!letters.contains("阿依古丽·买买提代表："), "{letters}");
}

#[test]
fn reminder_letters_one_page_each_with_the_configured_reasons() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // 阿依古丽·买买提 (D005) missed the 2025 session only: one absence, a reminder.
    let input = tiny_district_2025(dir);
    let config = format!("{CONFIG}\n[reminders]\nabsences = 1\nmonths_left = 12\n");
    std::fs::write(input.join("lvzhi.toml"), config).expect("config");
    // 2026-02-01 leaves 11 months of the term: those who never reported are reminded.
    let (code, _, stderr) = run(dir, &["annual", "--year", "2025", "--date", "2026-02-01"]);
    assert_eq!(code, 0, "{stderr}");
    let path = dir.join("reports/2025/提醒函/2025年度履职提醒函.docx");
    let xml = &unzip(&path)["word/document.xml"];
    let text = docx_text(xml);
    // Serving at the year's end: D001–D005 (赵六 resigned); nobody had an activity.
    let salutations: Vec<&str> = text.lines().filter(|l| l.ends_with("代表：")).collect();
    assert_eq!(
        salutations,
        [
            "张三代表：",
            "王芳代表：",
            "李四代表：",
            "王芳代表：",
            "阿依古丽·买买提代表："
        ]
    );
    assert!(!text.contains("赵六代表："));
    // The letters' numbered reasons (the cover's list repeats them in one cell each).
    let reasons: Vec<&str> = text
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()) && l.contains(". "))
        .collect();
    let absent = reasons
        .iter()
        .filter(|l| l.contains("未经批准缺席会议1次：第四次会议（2025年1月8日）"))
        .count();
    assert_eq!(absent, 1, "{text}");
    // 李四 reported (2025-11-20): the four others get the 述职 reason.
    let due = reasons
        .iter()
        .filter(|l| l.contains("本届尚未向原选区选民述职"))
        .count();
    assert_eq!(due, 4, "{text}");
    // Some activity but under the limit, or none at all, said as such.
    assert!(
        text.contains("少于2次") || text.contains("没有参加闭会期间活动"),
        "{text}"
    );
    assert!(!text.contains("0次，少于"), "{text}");
    // Each letter under its own title, after the cover's list.
    assert_eq!(
        text.lines().filter(|l| *l == "履职提醒函").count(),
        5,
        "{text}"
    );
    assert!(text.contains("2025年度履职提醒函"), "{text}");
}

#[test]
fn quarterly_scoreboard_has_public_fields_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    district_with_changes(dir);
    let (code, _, stderr) = run(dir, &["quarterly", "--year", "2025", "--quarter", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let path = dir.join("reports/2025/Q1/2025年第一季度代表履职亮分（公开栏）.xlsx");
    let rows = read_sheet(&path, "甲街道");
    assert_eq!(rows[0][0], "甲街道代表小组2025年第一季度代表履职亮分");
    let header = &rows[1];
    assert!(header
        .iter()
        .all(|h| !h.contains("编号") && !h.contains("电话")));
    let zhang = row_by_key(&rows, 1, "张三");
    assert_eq!(zhang["本季度区人代会出席"], "1");
    assert_eq!(zhang["年初至今区人代会出席"], "1");
    assert!(zhang.contains_key("本季度积分"));
    for sheet in ["甲街道", "乙镇"] {
        for row in read_sheet(&path, sheet) {
            for cell in row {
                assert!(
                    !cell.contains("13900000000") && !cell.contains("D00"),
                    "{cell}"
                );
            }
        }
    }
}

#[test]
fn the_renomination_list_comes_back_decided() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    district_with_changes(dir);
    let (code, _, stderr) = run(dir, &["term"]);
    assert_eq!(code, 0, "{stderr}");
    let draft = dir.join("reports/term-6/第六届代表继续提名建议名单（草案）.xlsx");
    let mut list = Draft::read(&draft, "继续提名建议名单");
    let name = list.col("姓名");
    // Six delegates; 赵六 resigned in 2025 and is no candidate.
    assert_eq!(list.data.len(), 5);
    for i in 0..list.data.len() {
        list.decide(i, "列入");
    }
    list.decide(3, "不列入");
    list.decide(4, "待定");
    let file = dir.join("input/2025/决定/继续提名.xlsx");
    save(&file, &[(&list, "继续提名建议名单")]);
    let (code, _, stderr) = run(dir, &["term"]);
    assert_eq!(code, 0, "{stderr}");
    let decided = dir.join("reports/term-6/第六届代表继续提名建议名单（决定）.docx");
    let text = docx_body(&decided);
    assert!(
        text.contains("第六届代表继续提名建议名单（草案）"),
        "{text}"
    );
    assert!(text.contains("尚有1名代表待定"), "{text}");

    list.decide(4, "不列入");
    save(&file, &[(&list, "继续提名建议名单")]);
    let (code, _, stderr) = run(dir, &["term"]);
    assert_eq!(code, 0, "{stderr}");
    let text = docx_body(&decided);
    assert!(!text.contains("草案"), "{text}");
    assert!(
        text.contains("建议继续提名第六届代表3名，不列入2名"),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    // By name (two delegates may share one: then the name is listed if either is).
    let decided = list.col("决定");
    for r in &list.data {
        let listed = list
            .data
            .iter()
            .any(|o| o[name] == r[name] && o[decided] == "列入");
        assert_eq!(
            lines.contains(&r[name].as_str()),
            listed,
            "{}: {text}",
            r[name]
        );
    }
    // Re-nomination decisions commend no one.
    let rows = read_sheet(
        &dir.join("reports/term-6/履职档案汇总.xlsx"),
        "履职档案汇总",
    );
    let c = rows[1]
        .iter()
        .position(|h| h == "通报表彰")
        .expect("column");
    assert!(rows[2..].iter().all(|r| r[c].is_empty() || r[c] == "0"));
}
