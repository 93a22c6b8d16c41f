//! 生成: the jobs the command line runs, started from forms, one at a time, with their
//! progress, summary and the documents they wrote.

use super::pages::{error_text, message, page_year, render};
use super::App;
use crate::cli::annual::AnnualArgs;
use crate::cli::evaluation::EvaluationArgs;
use crate::cli::forms::FormsArgs;
use crate::cli::public::PublicArgs;
use crate::cli::quarterly::QuarterlyArgs;
use crate::cli::shared::DocOptions;
use crate::cli::term::TermArgs;
use crate::cli::Folders;
use crate::progress::{Event, Progress};
use axum::extract::{Form, Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The jobs run so far in this session, and whether one is running.
#[derive(Default)]
pub struct Jobs {
    pub busy: bool,
    pub list: Vec<JobView>,
}

/// One job as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    pub id: usize,
    pub title: String,
    pub started: String,
    pub running: bool,
    pub read: usize,
    pub total: usize,
    pub bar: String,
    /// Files written so far, relative to the output folder.
    pub written: Vec<String>,
    pub committed: bool,
    pub summary: String,
    pub error: String,
}

/// A job with its command-line arguments: the workbench runs exactly what the
/// subcommand runs.
enum Job {
    Annual(AnnualArgs),
    Quarterly(QuarterlyArgs),
    Term(TermArgs),
    Public(PublicArgs),
    Forms(FormsArgs),
    Ballots(EvaluationArgs),
    Commend(crate::cli::commend::CommendArgs),
}

impl Job {
    fn title(&self) -> String {
        // "2025 年" or "最近年" (the latest year folder).
        let y = |y: Option<i32>| y.map_or("最近年".to_string(), |y| format!("{y} 年"));
        match self {
            Job::Annual(a) => format!("{}度工作", y(a.year)),
            Job::Quarterly(a) => format!("{}第 {} 季度统计", y(a.year), a.quarter),
            Job::Term(_) => "届末工作".to_string(),
            Job::Public(a) if a.term => "届期公开版".to_string(),
            Job::Public(a) => format!("{}度公开版", y(a.year)),
            Job::Forms(a) => format!("{}度空白报送表", y(a.year)),
            Job::Ballots(a) => format!("{}度述职评议表", y(a.year)),
            Job::Commend(a) => format!("{}度表彰公示和通报", y(a.year)),
        }
    }

    fn run(&self) -> anyhow::Result<String> {
        match self {
            Job::Annual(a) => crate::cli::annual::run(a),
            Job::Quarterly(a) => crate::cli::quarterly::run(a),
            Job::Term(a) => crate::cli::term::run(a),
            Job::Public(a) => crate::cli::public::run(a),
            Job::Forms(a) => crate::cli::forms::run(a),
            Job::Ballots(a) => crate::cli::evaluation::run(a),
            Job::Commend(a) => crate::cli::commend::run(a),
        }
    }
}

/// The job a form asks for, or what is wrong with the form.
fn job_from_form(app: &App, kind: &str, f: &HashMap<String, String>) -> Result<Job, String> {
    let folders = Folders {
        input: app.input.clone(),
        output: app.output.clone(),
        verbose: false,
    };
    let text = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let year = match text("year") {
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| format!("年度「{y}」应为数字，如 2026"))?,
        ),
        None => None,
    };
    let docs = DocOptions {
        templates: app.templates.clone(),
        date: text("date"),
    };
    let exclude_errors = f.contains_key("exclude_errors");
    Ok(match kind {
        "annual" => Job::Annual(AnnualArgs {
            folders,
            docs,
            year,
            exclude_errors,
            meeting: text("meeting"),
            reporter: text("reporter"),
            notice_number: text("notice_number"),
        }),
        "quarterly" => {
            let quarter = text("quarter")
                .and_then(|q| q.parse::<u32>().ok())
                .filter(|q| (1..=4).contains(q))
                .ok_or("请选择季度（1 到 4）")?;
            Job::Quarterly(QuarterlyArgs {
                folders,
                docs,
                year,
                quarter,
                exclude_errors,
            })
        }
        "term" => Job::Term(TermArgs {
            folders,
            docs,
            exclude_errors,
            notice_number: text("notice_number"),
        }),
        "public" => {
            let term = f.get("span").is_some_and(|s| s == "term");
            Job::Public(PublicArgs {
                folders,
                year: if term { None } else { year },
                term,
                exclude_errors,
            })
        }
        "forms" => Job::Forms(FormsArgs { folders, year }),
        "commend" => Job::Commend(crate::cli::commend::CommendArgs {
            folders,
            year,
            from: text("from"),
            to: text("to"),
            number: text("number"),
            circular_date: text("circular_date"),
            docs,
            exclude_errors,
        }),
        "ballots" => Job::Ballots(EvaluationArgs {
            folders,
            year,
            date: text("date"),
            ids: text("ids")
                .map(|s| {
                    s.split([',', '，', ' ', '\n'])
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
        }),
        _ => return Err(format!("没有名为「{kind}」的生成任务")),
    })
}

pub async fn generate_page(
    State(app): State<Arc<App>>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let (year, years) = page_year(&app, q.get("year"));
    let running = app
        .jobs
        .lock()
        .ok()
        .and_then(|j| j.list.iter().rev().find(|x| x.running).map(|x| x.id));
    render(
        &app,
        "generate.html",
        "generate",
        context! { year => year, years => years, running => running },
    )
}

/// Reports a running job's progress into its view.
struct WebProgress {
    app: Arc<App>,
    id: usize,
}

impl WebProgress {
    fn update(&self, f: impl FnOnce(&mut JobView)) {
        if let Ok(mut jobs) = self.app.jobs.lock() {
            if let Some(j) = jobs.list.iter_mut().find(|j| j.id == self.id) {
                f(j);
            }
        }
    }
}

impl Progress for WebProgress {
    fn event(&self, e: Event<'_>) {
        match e {
            Event::FilesRead { done, total } => self.update(|j| {
                j.read = done;
                j.total = total;
                j.bar = crate::progress::bar(done, total);
            }),
            Event::Written { rel, .. } => {
                let rel = rel.to_string_lossy().replace('\\', "/");
                self.update(|j| j.written.push(rel));
            }
            Event::Committed { .. } => self.update(|j| j.committed = true),
        }
    }
}

/// `POST /generate/<kind>`: starts the job unless one runs ("请稍候").
pub async fn start(
    State(app): State<Arc<App>>,
    UrlPath(kind): UrlPath<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let job = match job_from_form(&app, &kind, &f) {
        Ok(j) => j,
        Err(msg) => return message(&app, StatusCode::BAD_REQUEST, "generate", "无法开始", &msg),
    };
    let id = {
        let Ok(mut jobs) = app.jobs.lock() else {
            return message(
                &app,
                StatusCode::INTERNAL_SERVER_ERROR,
                "generate",
                "内部错误",
                "任务列表不可用",
            );
        };
        if jobs.busy {
            drop(jobs);
            return super::files::busy(&app, "generate");
        }
        jobs.busy = true;
        let id = jobs.list.len() + 1;
        jobs.list.push(JobView {
            id,
            title: job.title(),
            started: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
            running: true,
            read: 0,
            total: 0,
            bar: String::new(),
            written: Vec::new(),
            committed: false,
            summary: String::new(),
            error: String::new(),
        });
        id
    };
    let a = app.clone();
    tokio::task::spawn_blocking(move || {
        let sink = Arc::new(WebProgress { app: a.clone(), id });
        let before = crate::progress::set_sink(Some(sink.clone()));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run()));
        crate::progress::set_sink(before);
        sink.update(|j| {
            j.running = false;
            match outcome {
                Ok(Ok(s)) => j.summary = s,
                Ok(Err(e)) => j.error = error_text(&e),
                Err(_) => j.error = "内部错误：任务意外中止，输出文件夹未改动".to_string(),
            }
            // Files of a job that failed were never moved into place.
            if !j.committed {
                j.written.clear();
            }
        });
        if let Ok(mut jobs) = a.jobs.lock() {
            jobs.busy = false;
        }
    });
    Redirect::to(&format!("/jobs/{id}")).into_response()
}

fn job(app: &App, id: usize) -> Option<JobView> {
    app.jobs
        .lock()
        .ok()?
        .list
        .iter()
        .find(|j| j.id == id)
        .cloned()
}

pub async fn job_page(State(app): State<Arc<App>>, UrlPath(id): UrlPath<usize>) -> Response {
    match job(&app, id) {
        Some(j) => render(&app, "job.html", "generate", context! { job => j }),
        None => message(&app, StatusCode::NOT_FOUND, "generate", "没有这项任务", ""),
    }
}

/// The job's progress as an HTML fragment, polled by the page while it runs.
pub async fn job_status(State(app): State<Arc<App>>, UrlPath(id): UrlPath<usize>) -> Response {
    match job(&app, id) {
        Some(j) => render(&app, "job_status.html", "generate", context! { job => j }),
        None => message(&app, StatusCode::NOT_FOUND, "generate", "没有这项任务", ""),
    }
}
