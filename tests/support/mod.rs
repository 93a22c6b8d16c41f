//! Fixture builders: small districts and messy files, written in code so that every
//! oddity a test relies on is visible here.

#![allow(dead_code)]

pub mod hostile;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const CONFIG: &str = r#"
[district]
name = "测试区"
congress = "测试区人民代表大会"
standing_committee = "测试区人大常委会"

[term]
number = 6
start = "2022-01-06"
end = "2027-01-05"

[units]
special_committees = ["法制委员会"]
"#;

/// A cell to write: text, number or a real Excel date.
#[derive(Clone, Debug)]
pub enum V {
    S(&'static str),
    O(String),
    N(f64),
    D(u16, u8, u8),
    E,
}

pub fn s(x: &'static str) -> V {
    V::S(x)
}

/// One sheet of a fixture workbook, rows written from the top-left cell.
pub struct SheetSpec {
    pub name: &'static str,
    pub rows: Vec<Vec<V>>,
    pub merge_first_row: bool,
    pub hidden: bool,
}

pub fn sheet(name: &'static str, rows: Vec<Vec<V>>) -> SheetSpec {
    SheetSpec {
        name,
        rows,
        merge_first_row: false,
        hidden: false,
    }
}

pub fn xlsx(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for sp in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sp.name).expect("sheet name");
        for (r, row) in sp.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    V::S(x) => {
                        ws.write_string(r, c, *x).expect("write");
                    }
                    V::O(x) => {
                        ws.write_string(r, c, x).expect("write");
                    }
                    V::N(x) => {
                        ws.write_number(r, c, *x).expect("write");
                    }
                    V::D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
                        ws.write_datetime_with_format(r, c, &dt, &date_fmt)
                            .expect("write");
                    }
                    V::E => {}
                }
            }
        }
        if sp.merge_first_row {
            let width = sp.rows.iter().map(|r| r.len()).max().unwrap_or(1) as u16;
            let title = match sp.rows.first().and_then(|r| r.first()) {
                Some(V::S(t)) => t.to_string(),
                Some(V::O(t)) => t.clone(),
                _ => String::new(),
            };
            ws.merge_range(0, 0, 0, width - 1, &title, &Format::new())
                .expect("merge");
        }
        if sp.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().expect("xlsx bytes")
}

/// A minimal OpenDocument spreadsheet with one sheet of text cells.
pub fn ods(sheet_name: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("mimetype", stored).expect("zip");
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .expect("zip");
        z.start_file("META-INF/manifest.xml", stored).expect("zip");
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).expect("zip");
        z.start_file("content.xml", stored).expect("zip");
        let mut xml = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
        );
        xml.push_str(&format!(r#"<table:table table:name="{sheet_name}">"#));
        for row in rows {
            xml.push_str("<table:table-row>");
            for c in row {
                if c.is_empty() {
                    xml.push_str("<table:table-cell/>");
                } else {
                    xml.push_str(&format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#));
                }
            }
            xml.push_str("</table:table-row>");
        }
        xml.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
        z.write_all(xml.as_bytes()).expect("zip");
        z.finish().expect("zip");
    }
    buf.into_inner()
}

/// A compound file that looks like a password-protected OOXML workbook.
pub fn encrypted_xlsx() -> Vec<u8> {
    let mut c = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb");
    c.create_stream("/EncryptionInfo")
        .expect("stream")
        .write_all(&[4, 0, 4, 0])
        .expect("write");
    c.create_stream("/EncryptedPackage")
        .expect("stream")
        .write_all(&[0; 64])
        .expect("write");
    c.flush().expect("flush");
    c.into_inner().into_inner()
}

pub const ROSTER_HEADER: [&str; 15] = [
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
];

/// The tiny district: two groups, six delegates.
/// D001 张三 甲街道 (常委会组成人员); D002 王芳 甲街道; D003 李四 甲街道 (法制委员会);
/// D004 王芳 乙镇; D005 阿依古丽·买买提 乙镇; D006 赵六 乙镇, resigned 2025-06-30.
pub fn tiny_roster() -> Vec<u8> {
    let mut rows = vec![ROSTER_HEADER.iter().map(|h| V::S(h)).collect::<Vec<_>>()];
    // (id, name, group, 身份, 专门委员会, 代表状态, 状态变更日期)
    type Person = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<(u16, u8, u8)>,
    );
    let people: [Person; 6] = [
        ("D001", "张三", "甲街道", "常委会组成人员", "", "", None),
        ("D002", "王芳", "甲街道", "", "", "", None),
        (
            "D003",
            "李四",
            "甲街道",
            "专委组成人员",
            "法制委员会",
            "",
            None,
        ),
        ("D004", "王芳", "乙镇", "党政主要领导干部", "", "", None),
        ("D005", "阿依古丽·买买提", "乙镇", "", "", "", None),
        ("D006", "赵六", "乙镇", "", "", "辞职", Some((2025, 6, 30))),
    ];
    for (id, name, group, role, committee, status, date) in people {
        rows.push(vec![
            V::S(id),
            V::S(name),
            s("男"),
            V::D(1970, 5, 1),
            s("汉族"),
            s("中共党员"),
            s("区某单位职工"),
            V::S(group),
            s("第1选区"),
            V::S(role),
            V::S(committee),
            V::S(status),
            date.map_or(V::E, |(y, m, d)| V::D(y, m, d)),
            V::E,
            s("13900000000"),
        ]);
    }
    xlsx(&[sheet("代表名册", rows)])
}

/// Writes the tiny district's config and roster into `<dir>/input` and returns it.
pub fn tiny_input(dir: &Path) -> PathBuf {
    let input = dir.join("input");
    std::fs::create_dir_all(input.join("2025")).expect("mkdir");
    std::fs::write(input.join("lvzhi.toml"), CONFIG).expect("config");
    std::fs::write(input.join("代表名册.xlsx"), tiny_roster()).expect("roster");
    input
}

pub fn header_attendance() -> Vec<V> {
    [
        "日期",
        "会议类别",
        "会议名称",
        "代表编号",
        "姓名",
        "出席情况",
        "备注",
    ]
    .iter()
    .map(|h| V::S(h))
    .collect()
}

/// The 述职评议 sheet's header (满意 scale), as the blank form writes it.
pub fn header_reports() -> Vec<V> {
    [
        "日期",
        "代表编号",
        "姓名",
        "述职形式",
        "选民代表人数",
        "满意",
        "基本满意",
        "不满意",
    ]
    .iter()
    .map(|h| V::S(h))
    .collect()
}

/// A clean year for the tiny district: the congress session with everyone recorded,
/// one SC meeting, one committee meeting.
pub fn tiny_clean_year(input: &Path) {
    let congress = |id: &'static str, name: &'static str, p: &'static str| {
        vec![
            V::D(2025, 1, 8),
            s("区人代会"),
            s("第四次会议"),
            V::S(id),
            V::S(name),
            V::S(p),
            V::E,
        ]
    };
    let a = xlsx(&[sheet(
        "出席记录",
        vec![
            header_attendance(),
            congress("D001", "张三", "出席"),
            congress("D002", "王芳", "请假"),
            congress("D003", "李四", "出席"),
        ],
    )]);
    std::fs::write(input.join("2025/甲街道.xlsx"), a).expect("write");
    let b = xlsx(&[sheet(
        "出席记录",
        vec![
            header_attendance(),
            congress("D004", "王芳", "出席"),
            congress("D005", "阿依古丽·买买提", "缺席"),
            congress("D006", "赵六", "出席"),
        ],
    )]);
    std::fs::write(input.join("2025/乙镇.xlsx"), b).expect("write");
    let office = xlsx(&[sheet(
        "出席记录",
        vec![
            header_attendance(),
            vec![
                V::D(2025, 2, 24),
                s("常委会会议"),
                s("第二十五次会议"),
                s("D001"),
                s("张三"),
                s("出席"),
                V::E,
            ],
        ],
    )]);
    std::fs::write(input.join("2025/常委会办公室.xlsx"), office).expect("write");
    let committee = xlsx(&[sheet(
        "出席记录",
        vec![
            header_attendance(),
            vec![
                V::D(2025, 3, 10),
                s("专委会议"),
                s("全体会议"),
                s("D003"),
                s("李四"),
                s("出席"),
                V::E,
            ],
        ],
    )]);
    std::fs::write(input.join("2025/法制委员会.xlsx"), committee).expect("write");
}

/// A temporary folder holding a generated sample district in `input/` (the `sample`
/// command, so that the generator's own CLI path is exercised too).
pub fn sample_district(groups: u32, delegates: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let (groups, delegates) = (groups.to_string(), delegates.to_string());
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "sample",
            "--dir",
            "input",
            "--groups",
            &groups,
            "--delegates",
            &delegates,
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    dir
}

/// A temporary folder with the shipped-size sample district in `input/` and the
/// outputs of `jobs` (each must succeed) in `reports/`.
pub fn sample_after(jobs: &[&[&str]]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run(dir.path(), &["sample", "--dir", "input"]);
    assert_eq!(code, 0, "{stderr}");
    for args in jobs {
        let (code, _, stderr) = run(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
    }
    dir
}

/// Runs the binary in `dir`; returns (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run_with(dir, args, &[])
}

/// `run` with environment variables set.
pub fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lvzhi"))
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One sheet of an XLSX output as rows of text.
pub fn read_sheet(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("output exists");
    let mut wb = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map(|x| x.date().to_string())
                        .unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The row of a sheet whose first cell is `key`, as (header → value).
pub fn row_by_key(
    rows: &[Vec<String>],
    header_row: usize,
    key: &str,
) -> std::collections::HashMap<String, String> {
    let header = &rows[header_row];
    let row = rows
        .iter()
        .find(|r| r.first().map(|c| c.as_str()) == Some(key))
        .expect("row present");
    header.iter().cloned().zip(row.iter().cloned()).collect()
}

/// The text parts of a DOCX (or any zip) by name.
pub fn unzip(path: &Path) -> std::collections::BTreeMap<String, String> {
    let bytes = std::fs::read(path).expect("docx exists");
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut s = String::new();
        if std::io::Read::read_to_string(&mut f, &mut s).is_ok() {
            out.insert(name, s);
        }
    }
    out
}

/// The visible text of a DOCX body, paragraphs joined by newlines.
pub fn docx_text(xml: &str) -> String {
    let mut out = String::new();
    for para in xml.split("</w:p>") {
        let mut rest = para;
        while let Some(start) = rest.find("<w:t") {
            let after = &rest[start..];
            let Some(gt) = after.find('>') else { break };
            // Only <w:t> and <w:t xml:space=…> hold text; <w:tab/>, <w:tbl>, <w:tc>,
            // <w:tr> … are skipped over, not up to the next </w:t>.
            if !(after.starts_with("<w:t>") || after.starts_with("<w:t ")) {
                // A tab in a run (a tab stop in <w:tabs> has attributes).
                if after.starts_with("<w:tab/>") || after.starts_with("<w:tab />") {
                    out.push('\t');
                }
                rest = &after[gt..];
                continue;
            }
            let body = &after[gt + 1..];
            let end = body.find("</w:t>").unwrap_or(body.len());
            out.push_str(&body[..end]);
            rest = &body[end..];
        }
        out.push('\n');
    }
    out
}

/// Runs a program, or None when it is not installed.
pub fn tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// A program an ignored test needs: its absence fails the test rather than passing it.
pub fn require_tool(name: &str) -> PathBuf {
    tool(name).unwrap_or_else(|| {
        panic!("未安装 {name}（.ci/run 会安装 LibreOffice、poppler-utils 和 Chromium）")
    })
}

/// Every file below a folder with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("below")
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

/// Converts files to PDF with LibreOffice into `outdir` (its profile under `home`).
pub fn to_pdf(soffice: &Path, files: &[PathBuf], outdir: &Path, home: &Path) {
    convert(soffice, "pdf", files, outdir, home);
}

/// `to_pdf` with the blank pages Writer inserts before a page that must be a right-hand
/// one (an odd-page section break), as they print; the default PDF export leaves them
/// out, which hides the parity the break gives.
pub fn to_pdf_with_blank_pages(soffice: &Path, files: &[PathBuf], outdir: &Path, home: &Path) {
    let filter = r#"pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}"#;
    convert(soffice, filter, files, outdir, home);
}

fn convert(soffice: &Path, filter: &str, files: &[PathBuf], outdir: &Path, home: &Path) {
    let out = Command::new(soffice)
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(outdir)
        .args(files)
        .env("HOME", home)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The page count of a PDF, from pdfinfo.
pub fn pdf_pages(pdfinfo: &Path, pdf: &Path) -> u32 {
    let info = Command::new(pdfinfo).arg(pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:").and_then(|v| v.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no page count for {}: {info}", pdf.display()))
}

/// A roster of (id, name, group) rows, every other column filled plainly: for the
/// hostile names and groups that must not become paths.
pub fn roster_of(people: &[(String, String, String)]) -> Vec<u8> {
    let mut rows = vec![ROSTER_HEADER.iter().map(|h| V::S(h)).collect::<Vec<_>>()];
    for (id, name, group) in people {
        rows.push(vec![
            V::O(id.clone()),
            V::O(name.clone()),
            s("男"),
            V::D(1970, 5, 1),
            s("汉族"),
            s("中共党员"),
            s("区某单位职工"),
            V::O(group.clone()),
            s("第1选区"),
            V::E,
            V::E,
            V::E,
            V::E,
            V::E,
            s("13900000000"),
        ]);
    }
    xlsx(&[sheet("代表名册", rows)])
}

/// Every path below `dir`, folders included, relative, with links not followed.
pub fn all_paths(dir: &Path) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            out.insert(
                p.strip_prefix(dir)
                    .expect("below")
                    .to_string_lossy()
                    .into_owned(),
            );
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            }
        }
    }
    out
}
