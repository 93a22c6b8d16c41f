//! `lvzhi serve`: the local workbench, a browser front end on the clerk's own PC.
//!
//! A local program, not a server: it binds to 127.0.0.1 only; every request must carry
//! the secret token of the opening URL (a cookie after the first visit), and a POST must
//! carry it itself (query or header), so another site cannot submit forms to it; a `Host`
//! other than 127.0.0.1 or localhost is refused (DNS rebinding); files are read and
//! written only inside the chosen input and output folders; one job runs at a time.

mod files;
pub mod jobs;
mod pages;
mod settings;

use crate::cli::Folders;
use anyhow::{Context, Result};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// 模板文件夹：其中与内置模板同名的文件将代替内置模板（默认 templates）
    #[arg(
        long,
        default_value = "templates",
        hide_default_value = true,
        value_name = "文件夹"
    )]
    pub templates: PathBuf,
    /// 端口号（默认：自动选择一个空闲端口）
    #[arg(long, value_name = "端口")]
    pub port: Option<u16>,
    /// 不自动打开浏览器，只在标准输出打印地址（含访问令牌）
    #[arg(long)]
    pub no_browser: bool,
}

/// The workbench's state, shared by every request.
pub struct App {
    pub token: String,
    pub input: PathBuf,
    pub output: PathBuf,
    pub templates: PathBuf,
    pub env: minijinja::Environment<'static>,
    pub jobs: Mutex<jobs::Jobs>,
}

impl App {
    pub fn new(folders: &Folders, templates: PathBuf, token: String) -> Result<App> {
        crate::output::check_not_inside(&folders.output, &folders.input)?;
        Ok(App {
            token,
            input: folders.input.clone(),
            output: folders.output.clone(),
            templates,
            env: pages::environment(),
            jobs: Mutex::new(jobs::Jobs::default()),
        })
    }

    /// The cookie that carries the token; named by port, as cookies ignore ports and two
    /// workbenches may run side by side.
    fn cookie_name(port: u16) -> String {
        format!("lvzhi_{port}")
    }

    /// Whether a job (or an upload or a settings save, which change the input) runs.
    pub fn busy(&self) -> bool {
        self.jobs.lock().map(|j| j.busy).unwrap_or(true)
    }
}

/// A random 128-bit token in hex, from the operating system.
pub fn new_token() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).map_err(|e| anyhow::anyhow!("无法生成访问令牌：{e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// The routes, behind the guard.
pub fn router(app: Arc<App>, port: u16) -> Router {
    let limit = crate::input::open::MAX_FILE_BYTES;
    Router::new()
        .route("/", get(pages::home))
        .route(
            "/upload",
            get(pages::upload_page)
                .post(files::upload)
                .layer(DefaultBodyLimit::max(limit)),
        )
        .route("/check", get(pages::check))
        .route("/generate", get(jobs::generate_page))
        .route("/generate/{kind}", post(jobs::start))
        .route("/jobs/{id}", get(jobs::job_page))
        .route("/jobs/{id}/status", get(jobs::job_status))
        .route("/docs", get(files::docs_page))
        .route("/input/{*path}", get(files::download_input))
        .route("/output/{*path}", get(files::download_output))
        .route("/settings", get(settings::page).post(settings::save))
        .route("/assets/app.js", get(pages::script))
        .route("/assets/style.css", get(pages::style))
        .layer(axum::middleware::from_fn_with_state(
            (app.clone(), port),
            guard,
        ))
        .with_state(app)
}

/// Refuses a foreign Host, a request without the token, and a POST whose token is only
/// in the cookie; sets the cookie when the token came in the URL.
async fn guard(State((app, port)): State<(Arc<App>, u16)>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_is_local(host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "拒绝访问：只能从本机地址 127.0.0.1 或 localhost 打开工作台。",
        );
    }
    let in_url =
        query_value(req.uri().query().unwrap_or(""), "t").is_some_and(|t| same(&t, &app.token));
    let in_header = req
        .headers()
        .get("x-lvzhi-token")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|t| same(t, &app.token));
    let cookie = App::cookie_name(port);
    let in_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .any(|(k, v)| k == cookie && same(v, &app.token));
    let carried = in_url || in_header;
    let ok = if req.method() == Method::GET || req.method() == Method::HEAD {
        carried || in_cookie
    } else {
        carried
    };
    if !ok {
        return refuse(
            StatusCode::FORBIDDEN,
            "拒绝访问：缺少访问令牌。请使用启动工作台时显示的完整地址（含 ?t=…）打开。",
        );
    }
    let mut resp = next.run(req).await;
    if in_url && !in_cookie {
        let c = format!("{cookie}={}; Path=/; HttpOnly; SameSite=Strict", app.token);
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    resp
}

/// `127.0.0.1[:port]` or `localhost[:port]`.
pub fn host_is_local(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((n, p)) if p.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => host,
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1"
}

/// One parameter of a query string (percent-decoded).
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| percent_decode(v))
}

/// `%XX` and `+` decoded; invalid UTF-8 replaced.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            x => out.push(x),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Everything but unreserved characters percent-encoded (URLs and `filename*`).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Compares without stopping at the first difference (the token is a secret).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A refusal as a short Chinese page.
pub fn refuse(status: StatusCode, msg: &str) -> Response {
    let body = format!(
        "<!doctype html><meta charset=\"utf-8\"><title>履职工作台</title><p>{}</p>",
        pages::escape(msg)
    );
    (status, Html(body)).into_response()
}

/// Starts the workbench and serves until the process ends.
pub fn serve(a: &ServeArgs) -> Result<()> {
    let token = new_token()?;
    let app = Arc::new(App::new(&a.folders, a.templates.clone(), token.clone())?);
    let listener = std::net::TcpListener::bind(("127.0.0.1", a.port.unwrap_or(0)))
        .map_err(crate::messages::io)
        .with_context(|| match a.port {
            Some(p) => format!("无法使用端口 {p}（是否已被占用？可换一个端口或不指定端口）"),
            None => "无法打开本机端口".to_string(),
        })?;
    let port = listener.local_addr().context("无法读取本机端口")?.port();
    let url = format!("http://127.0.0.1:{port}/?t={token}");
    // The address goes to stdout first, flushed: scripts and tests read it from there.
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
    }
    eprintln!("履职工作台已启动：{url}\n请在浏览器中打开上面的地址；关闭本窗口即退出工作台。");
    if !a.no_browser {
        open_browser(&url);
    }
    serve_on(listener, app)
}

/// Serves the workbench on a bound loopback listener until the process ends.
pub fn serve_on(listener: std::net::TcpListener, app: Arc<App>) -> Result<()> {
    let port = listener.local_addr().context("无法读取本机端口")?.port();
    listener.set_nonblocking(true).context("无法打开本机端口")?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .context("无法启动工作台")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).context("无法打开本机端口")?;
        axum::serve(listener, router(app, port))
            .await
            .context("工作台意外停止")
    })
}

/// Opens the default browser; when that fails the printed address is enough.
fn open_browser(url: &str) {
    let r = if cfg!(windows) {
        std::process::Command::new("explorer").arg(url).spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if r.is_err() {
        eprintln!("未能自动打开浏览器，请手动打开上面的地址。");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_are_local() {
        assert!(host_is_local("127.0.0.1:8080"));
        assert!(host_is_local("localhost:1"));
        assert!(host_is_local("LOCALHOST"));
        assert!(!host_is_local("evil.example:8080"));
        assert!(!host_is_local("127.0.0.1.evil.example:80"));
        assert!(!host_is_local("192.168.1.2:8080"));
        assert!(!host_is_local(""));
    }

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(
            query_value("a=1&name=%E5%BC%A0+x.xlsx", "name").as_deref(),
            Some("张 x.xlsx")
        );
        assert_eq!(query_value("a=1", "t"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_encode("张a b"), "%E5%BC%A0a%20b");
    }

    #[test]
    fn tokens_differ_and_compare() {
        let (a, b) = (
            new_token().expect("a token from the OS"),
            new_token().expect("a token from the OS"),
        );
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, ""));
    }
}
