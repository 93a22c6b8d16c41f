//! Golden files: the text of every document kind the sample district produces, checked
//! into `tests/golden/`. A wording or figure change shows up as a diff of these files,
//! which is how it gets reviewed. `LVZHI_BLESS=1 cargo test --test golden` rewrites them.
//!
//! DOCX: the body's paragraphs, a table row per line with its cells joined by " | ".
//! XLSX: every sheet as TSV (long listings cut after `MAX_ROWS` rows, with the row count).
//! HTML: the visible text. Per-delegate and per-unit files are represented by the first
//! one of their folder, so there is one golden file per document kind.

mod support;

use calamine::{Data, Reader, Xlsx};
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use support::run;

/// Rows of a sheet kept in its golden file: enough to review the layout and wording.
const MAX_ROWS: usize = 120;

/// The jobs the golden files cover, each writing into its own output folder.
const JOBS: &[(&str, &[&str])] = &[
    ("annual", &["annual", "--year", "2025"]),
    ("term", &["term"]),
    (
        "quarterly",
        &["quarterly", "--year", "2025", "--quarter", "3"],
    ),
    ("evaluation", &["evaluation", "--year", "2026"]),
    ("public", &["public", "--year", "2025"]),
    ("forms", &["forms", "--year", "2026"]),
    ("check", &["check", "--year", "2025"]),
];

/// Folders whose files are one per delegate, unit or group: only the first is kept.
fn per_entity(rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, p) in parts.iter().enumerate() {
        match *p {
            // 履职档案/<group>/<id>_<name>.docx, 网页/<gNN>/<page>.html
            "履职档案" if parts.len() > i + 2 => return Some(parts[..=i].join("/")),
            "网页" if parts.len() > i + 2 => return Some(parts[..=i].join("/")),
            "装订成册" | "空白报送表" => return Some(parts[..=i].join("/")),
            _ => {}
        }
    }
    None
}

/// The files of one job's output that stand for its document kinds.
fn representatives(root: &Path) -> Vec<String> {
    let mut all: Vec<String> = support::snapshot(root).into_keys().collect();
    all.retain(|p| !p.ends_with(".parquet"));
    all.sort();
    let mut seen = std::collections::BTreeSet::new();
    all.into_iter()
        .filter(|p| match per_entity(p) {
            Some(group) => seen.insert(group),
            None => true,
        })
        .collect()
}

fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut xml)
        .expect("utf-8");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut out, mut para, mut row) = (String::new(), String::new(), Vec::<String>::new());
    let (mut in_text, mut depth_tc, mut in_stops) = (false, 0usize, false);
    loop {
        match reader.read_event().expect("well-formed document.xml") {
            Event::Start(e) if e.name().0 == "w:t" => in_text = true,
            // A paragraph's tab stops are <w:tab/> too, inside <w:tabs>: not text.
            Event::Start(e) if e.name().0 == "w:tabs" => in_stops = true,
            Event::End(e) => match e.name().0 {
                "w:t" => in_text = false,
                "w:tabs" => in_stops = false,
                "w:p" if depth_tc == 0 => {
                    out.push_str(para.trim_end());
                    out.push('\n');
                    para.clear();
                }
                "w:p" => para.push(' '),
                "w:tc" => {
                    depth_tc -= 1;
                    row.push(para.trim().to_string());
                    para.clear();
                }
                "w:tr" => {
                    out.push_str(&row.join(" | "));
                    out.push('\n');
                    row.clear();
                }
                _ => {}
            },
            Event::Start(e) if e.name().0 == "w:tc" => depth_tc += 1,
            Event::Empty(e) if e.name().0 == "w:tab" && !in_stops => para.push('\t'),
            Event::Empty(e) if e.name().0 == "w:br" => para.push('⏎'),
            Event::Text(t) if in_text => para.push_str(&t),
            Event::GeneralRef(r) if in_text => {
                let name = r.to_string();
                para.push_str(match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "?",
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|x| x.date().to_string())
            .unwrap_or_default(),
        other => other.to_string().replace(['\t', '\n'], " "),
    }
}

fn xlsx_tsv(bytes: &[u8]) -> String {
    let mut wb = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let mut out = String::new();
    let sheets: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|m| (m.name.clone(), m.typ == calamine::SheetType::ChartSheet))
        .collect();
    for (name, chart) in sheets {
        if chart {
            out.push_str(&format!("## {name}（图表）\n"));
            continue;
        }
        let range = wb.worksheet_range(&name).expect("sheet");
        let rows: Vec<String> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect::<Vec<_>>().join("\t"))
            .collect();
        out.push_str(&format!("## {name}（{} 行）\n", rows.len()));
        for r in rows.iter().take(MAX_ROWS) {
            out.push_str(r.trim_end_matches('\t'));
            out.push('\n');
        }
        if rows.len() > MAX_ROWS {
            out.push_str(&format!("……（其余 {} 行略）\n", rows.len() - MAX_ROWS));
        }
    }
    out
}

/// Visible text of a page: tags dropped, one line per block, scripts and styles left out.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| after.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        rest = match skip_to.and_then(|end| after.find(&end).map(|i| &after[i..])) {
            Some(r) => r.find('>').map_or("", |i| &r[i + 1..]),
            None => after.find('>').map_or("", |i| &after[i + 1..]),
        };
        out.push('\n');
    }
    out.push_str(rest);
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

fn text_of(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("output readable");
    match path.extension().and_then(|e| e.to_str()) {
        Some("docx") => docx_text(&bytes),
        Some("xlsx") => xlsx_tsv(&bytes),
        Some("html") => html_text(&String::from_utf8_lossy(&bytes)),
        _ => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The first lines where two texts differ, for a readable failure.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let i = (0..w.len().max(g.len()))
        .find(|&i| w.get(i) != g.get(i))
        .unwrap_or(0);
    format!(
        "first difference at line {}:\n  golden: {}\n  now:    {}",
        i + 1,
        w.get(i).copied().unwrap_or("<end>"),
        g.get(i).copied().unwrap_or("<end>")
    )
}

#[test]
fn every_document_matches_its_golden_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run(dir.path(), &["sample", "--dir", "input"]);
    assert_eq!(code, 0, "{stderr}");
    let mut texts = BTreeMap::new();
    for (job, args) in JOBS {
        let out = dir.path().join(format!("out-{job}"));
        let mut full: Vec<&str> = args.to_vec();
        let out_arg = out.to_string_lossy().into_owned();
        full.extend(["--output", &out_arg]);
        let (code, _, stderr) = run(dir.path(), &full);
        assert_eq!(code, 0, "{job}: {stderr}");
        for rel in representatives(&out) {
            texts.insert(format!("{job}/{rel}.txt"), text_of(&out.join(&rel)));
        }
    }
    let golden = golden_dir();
    if std::env::var_os("LVZHI_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for (rel, text) in &texts {
            let path = golden.join(rel);
            std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write golden");
        }
        eprintln!("已重写 {} 个 golden 文件", texts.len());
        return;
    }
    let mut problems = Vec::new();
    let on_disk: Vec<String> = support::snapshot(&golden).into_keys().collect();
    for rel in &on_disk {
        if !texts.contains_key(rel) {
            problems.push(format!(
                "{rel}: golden file for a document no longer produced"
            ));
        }
    }
    for (rel, text) in &texts {
        match std::fs::read_to_string(golden.join(rel)) {
            Ok(want) if &want == text => {}
            Ok(want) => problems.push(format!("{rel}: {}", first_difference(&want, text))),
            Err(_) => problems.push(format!("{rel}: no golden file (new document kind?)")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} golden mismatches (review, then re-bless with LVZHI_BLESS=1 cargo test --test golden):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn docx_text_keeps_paragraphs_and_table_rows() {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let mut buf = Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("标题 & 正文")))
        .add_table(Table::new(vec![TableRow::new(vec![
            TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text("甲"))),
            TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text("1"))),
        ])]))
        .build()
        .pack(&mut buf)
        .expect("pack");
    assert_eq!(docx_text(buf.get_ref()), "标题 & 正文\n甲 | 1\n");
}

#[test]
fn per_entity_folders_keep_one_file() {
    assert_eq!(
        per_entity("2025/履职档案/东湖镇/D001_张三.docx").as_deref(),
        Some("2025/履职档案")
    );
    assert_eq!(per_entity("2025/履职档案汇总.xlsx"), None);
    assert_eq!(
        per_entity("2025/公开版/网页/g01/001.html").as_deref(),
        Some("2025/公开版/网页")
    );
    assert_eq!(per_entity("2025/公开版/网页/index.html"), None);
    assert_eq!(
        html_text("<p>甲<script>x()</script></p><b>乙</b>"),
        "甲\n乙\n"
    );
}
