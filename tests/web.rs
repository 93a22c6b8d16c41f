//! The workbench end to end: a real `lvzhi serve` on 127.0.0.1 spoken to with a plain
//! HTTP client over std::net.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use support::*;

/// A running `lvzhi serve --no-browser`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lvzhi"))
        .current_dir(dir)
        .args(["serve", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("prints its address");
    // http://127.0.0.1:<port>/?t=<token>
    let rest = line
        .trim()
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("address on stdout: {line}"));
    let (port, token) = rest.split_once("/?t=").expect("token in the address");
    Server {
        port: port.parse().expect("port"),
        token: token.to_string(),
        child,
    }
}

/// The status, headers and body of a response.
struct Resp {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request with `Connection: close`; `None` when the server closed the
/// connection before answering.
fn request(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<Resp> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    let mut req = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(req.as_bytes()).ok()?;
    // A server refusing a large body may stop reading it; the answer still comes.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Some(Resp { status, head, body })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// A workbook of 甲街道 with one attendance row.
fn attendance_book(id: &'static str, name: &'static str) -> Vec<u8> {
    xlsx(&[sheet(
        "出席记录",
        vec![
            header_attendance(),
            vec![
                V::D(2025, 1, 8),
                s("区人代会"),
                s("第四次会议"),
                V::S(id),
                V::S(name),
                s("出席"),
                V::E,
            ],
        ],
    )])
}

#[test]
fn workbench_refuses_what_it_must_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = tiny_input(dir.path());
    tiny_clean_year(&input);
    std::fs::create_dir_all(dir.path().join("reports")).expect("mkdir");
    let before = snapshot(dir.path());
    let srv = start(dir.path());
    let (p, t) = (srv.port, srv.token.clone());
    let with_t = |path: &str| {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}t={t}")
    };
    let book = attendance_book("D001", "张三");

    // No token.
    let r = request(p, "GET", "/", &[], b"").expect("answer");
    assert_eq!(r.status, 403);
    assert!(r.text().contains("缺少访问令牌"), "{}", r.text());
    let r = request(
        p,
        "GET",
        "/input/2025/%E7%94%B2%E8%A1%97%E9%81%93.xlsx",
        &[],
        b"",
    )
    .expect("answer");
    assert_eq!(r.status, 403);
    // A wrong token.
    let r = request(p, "GET", "/?t=00000000000000000000000000000000", &[], b"").expect("answer");
    assert_eq!(r.status, 403);
    // A foreign Host, even with the token (DNS rebinding).
    for host in [
        "evil.example",
        &format!("evil.example:{p}"),
        "127.0.0.1.evil.example",
    ] {
        let r = request(p, "GET", &with_t("/"), &[("Host", host)], b"").expect("answer");
        assert_eq!(r.status, 403, "{host}");
        assert!(r.text().contains("拒绝访问"));
    }
    // A POST with the token only in its cookie (a form sent from another site).
    let cookie = format!("lvzhi_{p}={t}");
    let r = request(
        p,
        "POST",
        "/upload?year=2025&name=%E7%94%B2%E8%A1%97%E9%81%93.xlsx",
        &[("Cookie", &cookie)],
        &book,
    )
    .expect("answer");
    assert_eq!(r.status, 403);
    // Names that leave the year folder or hide a file.
    for name in [
        "..%2F%E7%94%B2%E8%A1%97%E9%81%93.xlsx",
        "..%5Cx.xlsx",
        "%2Fetc%2Fx.xlsx",
        ".x.xlsx",
        "x.exe",
    ] {
        let r = request(
            p,
            "POST",
            &with_t(&format!("/upload?year=2025&name={name}")),
            &[],
            &book,
        )
        .expect("answer");
        assert_eq!(r.status, 400, "{name}: {}", r.text());
        assert!(r.text().contains("未保存"));
    }
    // Over the input size limit: refused before the handler runs.
    let big = vec![b'x'; lvzhi::input::open::MAX_FILE_BYTES + 1];
    let r = request(
        p,
        "POST",
        &with_t("/upload?year=2025&name=%E7%94%B2%E8%A1%97%E9%81%93.xlsx"),
        &[],
        &big,
    );
    if let Some(r) = r {
        assert_eq!(r.status, 413);
    }
    // Downloads outside the input and output folders.
    for path in [
        "/input/..%2F..%2Fetc%2Fpasswd",
        "/input/../lvzhi.toml",
        "/output/..%2Finput%2Flvzhi.toml",
        "/input/%2Fetc%2Fpasswd",
    ] {
        let r = request(p, "GET", &with_t(path), &[], b"").expect("answer");
        assert_ne!(r.status, 200, "{path}");
    }
    // Nothing was written by any of that.
    assert_eq!(snapshot(dir.path()), before);

    // With the token the same things work: the page, its cookie, and an upload.
    let r = request(p, "GET", &with_t("/"), &[], b"").expect("answer");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("2025 年度报送情况"), "{}", r.text());
    assert!(r
        .head
        .contains(&format!("lvzhi_{p}={t}; Path=/; HttpOnly; SameSite=Strict")));
    let r = request(p, "GET", "/check", &[("Cookie", &cookie)], b"").expect("answer");
    assert_eq!(r.status, 200, "the cookie suffices for a page");
    let r = request(
        p,
        "POST",
        "/upload?year=2025&name=%E7%94%B2%E8%A1%97%E9%81%93.xlsx",
        &[("X-Lvzhi-Token", &t)],
        &book,
    )
    .expect("answer");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("已保存"), "{}", r.text());
    assert_eq!(
        std::fs::read(input.join("2025/甲街道.xlsx")).expect("saved"),
        book
    );
    let kept = std::fs::read_dir(input.join("备份/2025"))
        .expect("backup folder")
        .count();
    assert_eq!(kept, 1, "the replaced file is kept");
    let r = request(
        p,
        "GET",
        &with_t("/input/2025/%E7%94%B2%E8%A1%97%E9%81%93.xlsx"),
        &[],
        b"",
    )
    .expect("answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, book);
}

#[test]
fn a_second_job_is_told_to_wait() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = tiny_input(dir.path());
    tiny_clean_year(&input);
    let folders = lvzhi::cli::Folders {
        input,
        output: dir.path().join("reports"),
        verbose: false,
    };
    let app = std::sync::Arc::new(
        lvzhi::web::App::new(&folders, dir.path().join("templates"), "k".repeat(32)).expect("app"),
    );
    app.jobs.lock().expect("lock").busy = true;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let a = app.clone();
    std::thread::spawn(move || lvzhi::web::serve_on(listener, a));
    let t = "k".repeat(32);
    let r = request(
        port,
        "POST",
        &format!("/generate/annual?t={t}"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"year=2025",
    )
    .expect("answer");
    assert_eq!(r.status, 409);
    assert!(r.text().contains("请稍候"), "{}", r.text());
    // Uploads change the input a job reads: they wait too.
    let r = request(
        port,
        "POST",
        &format!("/upload?year=2025&name=%E7%94%B2%E8%A1%97%E9%81%93.xlsx&t={t}"),
        &[],
        &attendance_book("D001", "张三"),
    )
    .expect("answer");
    assert_eq!(r.status, 409);
    // Once free, the job runs and its page shows the summary.
    app.jobs.lock().expect("lock").busy = false;
    let r = request(
        port,
        "POST",
        &format!("/generate/annual?t={t}"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"year=2025",
    )
    .expect("answer");
    assert_eq!(r.status, 303, "{}", r.head);
    let mut page = String::new();
    for _ in 0..600 {
        page = request(port, "GET", &format!("/jobs/1/status?t={t}"), &[], b"")
            .expect("answer")
            .text();
        if !page.contains("正在进行") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(page.contains("已完成"), "{page}");
    // The same progress the terminal shows: the four workbooks of 2025 read.
    assert!(page.contains("[####################]</code> 4/4"), "{page}");
    assert!(
        page.contains(r#"href="/output/2025/%E6%A0%A1%E9%AA%8C%E6%8A%A5%E5%91%8A.xlsx""#),
        "{page}"
    );
    assert!(folders.output.join("2025/校验报告.xlsx").is_file());
}
