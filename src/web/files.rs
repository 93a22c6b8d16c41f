//! Files in and out: uploads checked and saved into `input/<year>/` (the file replaced
//! kept as a dated backup), downloads confined to the input and output folders, and the
//! 文书 page.

use super::pages::{error_text, finding_view, message, render};
use super::App;
use crate::output::safe_name;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The folder in the input folder where replaced files are kept (not a year folder, so
/// no job reads it).
pub const BACKUP_DIR: &str = "备份";

/// Why an upload name is refused, or `None` when it is a plain workbook name.
pub fn bad_upload_name(name: &str) -> Option<&'static str> {
    if name.is_empty() || safe_name(name) != name || name.contains(['/', '\\']) {
        return Some("文件名含有不能使用的字符（如 / \\ : * ? \" < > |）或以点开头");
    }
    if name.starts_with("~$") {
        return Some("这是 WPS 或 Excel 打开文件时留下的临时文件，不是报送表");
    }
    if !crate::input::walk::is_workbook_name(name) {
        return Some("只能上传 Excel 或 WPS 表格（.xlsx、.xls、.xlsm、.et、.ods）");
    }
    None
}

/// `POST /upload?year=2026&name=兴华街道.xlsx` with the workbook as the body.
pub async fn upload(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let name = q.get("name").cloned().unwrap_or_default();
    if let Some(why) = bad_upload_name(&name) {
        return message(
            &app,
            StatusCode::BAD_REQUEST,
            "upload",
            "未保存",
            &format!("「{name}」：{why}"),
        );
    }
    let year = match q.get("year").and_then(|y| y.parse::<i32>().ok()) {
        Some(y) if (1949..=2200).contains(&y) => y,
        _ => {
            return message(
                &app,
                StatusCode::BAD_REQUEST,
                "upload",
                "未保存",
                "请选择年度",
            )
        }
    };
    if app.busy() {
        return busy(&app, "upload");
    }
    let a = app.clone();
    let done = tokio::task::spawn_blocking(move || receive(&a, year, &name, &body)).await;
    match done {
        Ok(Ok(r)) => render(
            &app,
            "uploaded.html",
            "upload",
            minijinja::Value::from_serialize(&r),
        ),
        Ok(Err(e)) => message(
            &app,
            StatusCode::INTERNAL_SERVER_ERROR,
            "upload",
            "未保存",
            &error_text(&e),
        ),
        Err(_) => message(
            &app,
            StatusCode::INTERNAL_SERVER_ERROR,
            "upload",
            "未保存",
            "内部错误",
        ),
    }
}

pub fn busy(app: &App, page: &str) -> Response {
    message(
        app,
        StatusCode::CONFLICT,
        page,
        "请稍候",
        "请稍候：另一项生成任务正在进行，完成后再试。",
    )
}

/// What an upload gave.
#[derive(Serialize)]
pub struct Received {
    name: String,
    saved: bool,
    /// Where the replaced file was kept, relative to the input folder.
    backup: Option<String>,
    read: u32,
    rejected: u32,
    notes: u32,
    errors: usize,
    warnings: usize,
    findings: Vec<super::pages::FindingView>,
}

/// Checks the workbook against the roster, then saves it (unless it cannot be read or
/// its sending unit is unknown: such a file would only be rejected by every job).
fn receive(app: &App, year: i32, name: &str, bytes: &[u8]) -> anyhow::Result<Received> {
    use crate::domain::findings::Severity;
    let base = crate::input::load_base(&app.input)?;
    let rel = format!("{year}/{name}");
    let opened = crate::input::open::open(bytes);
    let readable = opened.is_ok();
    let out =
        crate::input::workbook::read_opened(year, &rel, name, opened, &base.roster, &base.config);
    let known = !out.tally.unit.is_empty();
    let count = |s: Severity| out.findings.iter().filter(|f| f.severity == s).count();
    let mut r = Received {
        name: name.to_string(),
        saved: false,
        backup: None,
        read: out.tally.read,
        rejected: out.tally.rejected,
        notes: out.tally.notes,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        findings: out.findings.iter().map(finding_view).collect(),
    };
    if readable && known {
        r.backup = save(&app.input, year, name, bytes)?;
        r.saved = true;
    }
    Ok(r)
}

/// Writes `input/<year>/<name>` through a temporary file in the backup folder; a file
/// it replaces is moved to `input/备份/<year>/<stem>_<time>.<ext>` first.
fn save(input: &Path, year: i32, name: &str, bytes: &[u8]) -> anyhow::Result<Option<String>> {
    use anyhow::Context;
    let dir = input.join(year.to_string());
    let backups = input.join(BACKUP_DIR).join(year.to_string());
    for d in [&dir, &backups] {
        std::fs::create_dir_all(d)
            .map_err(crate::messages::io)
            .with_context(|| format!("无法创建文件夹 {}", d.display()))?;
    }
    let tmp = backups.join(format!(".上传中-{}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .map_err(crate::messages::io)
        .with_context(|| format!("无法写入 {}", tmp.display()))?;
    let dest = dir.join(name);
    let mut kept = None;
    if dest.exists() {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        let old = format!("{stem}_{stamp}.{ext}");
        std::fs::rename(&dest, backups.join(&old))
            .map_err(crate::messages::io)
            .with_context(|| {
                format!(
                    "无法备份原文件 {}（是否正在 WPS 或 Excel 中打开？）",
                    dest.display()
                )
            })?;
        kept = Some(format!("{BACKUP_DIR}/{year}/{old}"));
    }
    std::fs::rename(&tmp, &dest)
        .map_err(crate::messages::io)
        .with_context(|| format!("无法保存 {}", dest.display()))?;
    Ok(kept)
}

/// `root/rel` when every part of `rel` is a plain safe name and the file, links
/// resolved, lies inside `root`; else `None`.
pub fn confined(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    let plain = rel.components().all(|c| match c {
        Component::Normal(n) => n.to_str().is_some_and(|s| safe_name(s) == s),
        _ => false,
    });
    if !plain || rel.as_os_str().is_empty() {
        return None;
    }
    let root = root.canonicalize().ok()?;
    let path = root.join(rel).canonicalize().ok()?;
    (path.starts_with(&root) && path.is_file()).then_some(path)
}

fn download(app: &App, root: &Path, rel: &str) -> Response {
    let Some(path) = confined(root, rel) else {
        return message(
            app,
            StatusCode::NOT_FOUND,
            "docs",
            "找不到文件",
            &format!("找不到文件「{rel}」"),
        );
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let disposition = format!(
                "attachment; filename*=UTF-8''{}",
                super::percent_encode(&name)
            );
            (
                [
                    (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => message(
            app,
            StatusCode::INTERNAL_SERVER_ERROR,
            "docs",
            "无法读取文件",
            &crate::messages::io_text(&e),
        ),
    }
}

pub async fn download_input(
    State(app): State<Arc<App>>,
    UrlPath(rel): UrlPath<String>,
) -> Response {
    download(&app, &app.input, &rel)
}

pub async fn download_output(
    State(app): State<Arc<App>>,
    UrlPath(rel): UrlPath<String>,
) -> Response {
    download(&app, &app.output, &rel)
}

#[derive(Serialize)]
struct Folder {
    name: String,
    files: Vec<String>,
}

/// The output folder's documents, by job folder (`2026/`, `term-6/` …).
fn listing(output: &Path) -> Vec<Folder> {
    let mut out: Vec<Folder> = Vec::new();
    let mut looped = Vec::new();
    // Refused entries (special files, links leading out) are not documents to offer.
    let found = crate::input::walk::files_below(output, output, &mut looped);
    for path in found
        .into_iter()
        .filter(|f| f.refused.is_none())
        .map(|f| f.path)
    {
        let rel = crate::input::walk::relative(output, &path);
        // Staging folders, locks and set-aside outputs are the program's own.
        if rel.split('/').any(|p| p.starts_with('.')) {
            continue;
        }
        let top = rel.split('/').next().unwrap_or("").to_string();
        let top = if rel.contains('/') {
            top
        } else {
            String::new()
        };
        match out.iter_mut().find(|f| f.name == top) {
            Some(f) => f.files.push(rel),
            None => out.push(Folder {
                name: top,
                files: vec![rel],
            }),
        }
    }
    out
}

pub async fn docs_page(State(app): State<Arc<App>>) -> Response {
    let jobs = app
        .jobs
        .lock()
        .map(|j| j.list.iter().rev().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    render(
        &app,
        "docs.html",
        "docs",
        context! { jobs => jobs, folders => listing(&app.output), output => app.output.display().to_string() },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names_must_be_plain_workbooks() {
        assert_eq!(bad_upload_name("兴华街道.xlsx"), None);
        assert_eq!(bad_upload_name("兴华街道_2026Q1.xls"), None);
        assert!(bad_upload_name("../兴华街道.xlsx").is_some());
        assert!(bad_upload_name("..\\兴华街道.xlsx").is_some());
        assert!(bad_upload_name("a/b.xlsx").is_some());
        assert!(bad_upload_name(".hidden.xlsx").is_some());
        assert!(bad_upload_name("~$兴华街道.xlsx").is_some());
        assert!(bad_upload_name("说明.txt").is_some());
        assert!(bad_upload_name("").is_some());
    }

    #[test]
    fn downloads_stay_inside_their_folder() {
        let d = tempfile::tempdir().expect("tempdir");
        let root = d.path().join("input");
        std::fs::create_dir_all(root.join("2026")).expect("test setup");
        std::fs::write(root.join("2026").join("a.xlsx"), b"x").expect("test setup");
        std::fs::write(d.path().join("secret.txt"), b"x").expect("test setup");
        assert!(confined(&root, "2026/a.xlsx").is_some());
        assert!(confined(&root, "../secret.txt").is_none());
        assert!(confined(&root, "2026/../../secret.txt").is_none());
        assert!(confined(&root, "/etc/passwd").is_none());
        assert!(confined(&root, "2026").is_none());
        assert!(confined(&root, "").is_none());
    }

    #[test]
    fn a_replaced_upload_is_kept_as_a_backup() {
        let d = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            save(d.path(), 2026, "甲.xlsx", b"one").expect("test setup"),
            None
        );
        let kept = save(d.path(), 2026, "甲.xlsx", b"two")
            .expect("saved")
            .expect("a backup");
        assert!(kept.starts_with("备份/2026/甲_"));
        assert_eq!(
            std::fs::read(d.path().join(&kept)).expect("test setup"),
            b"one"
        );
        assert_eq!(
            std::fs::read(d.path().join("2026/甲.xlsx")).expect("test setup"),
            b"two"
        );
        // Nothing else is left in the year folder.
        assert_eq!(
            std::fs::read_dir(d.path().join("2026"))
                .expect("test setup")
                .count(),
            1
        );
    }
}
