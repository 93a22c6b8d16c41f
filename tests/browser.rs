//! The workbench in a real browser: headless Chromium driven through the DevTools
//! protocol (a minimal WebSocket client over std::net), as a clerk would use it.

mod support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A WebSocket connection to Chromium's DevTools endpoint, one page session attached.
struct Cdp {
    s: TcpStream,
    next: u64,
    session: String,
}

impl Cdp {
    fn connect(ws_url: &str) -> Cdp {
        let rest = ws_url.strip_prefix("ws://").expect("ws url");
        let (addr, path) = rest.split_at(rest.find('/').expect("path"));
        let mut s = TcpStream::connect(addr).expect("devtools connects");
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .expect("handshake");
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            s.read_exact(&mut b).expect("handshake answer");
            head.push(b[0]);
        }
        assert!(
            head.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&head)
        );
        let mut c = Cdp {
            s,
            next: 0,
            session: String::new(),
        };
        let target = c.call("Target.createTarget", json!({"url": "about:blank"}));
        let id = target["targetId"].as_str().expect("target").to_string();
        let att = c.call(
            "Target.attachToTarget",
            json!({"targetId": id, "flatten": true}),
        );
        c.session = att["sessionId"].as_str().expect("session").to_string();
        c
    }

    fn send_frame(&mut self, text: &str) {
        let p = text.as_bytes();
        let mut f = vec![0x81u8];
        match p.len() {
            n if n < 126 => f.push(0x80 | n as u8),
            n if n < 65536 => {
                f.push(0x80 | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(0x80 | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x12u8, 0x34, 0x56, 0x78];
        f.extend_from_slice(&mask);
        f.extend(p.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.s.write_all(&f).expect("send");
    }

    /// One whole message (fragments joined; control frames skipped).
    fn read_message(&mut self) -> String {
        let mut msg = Vec::new();
        loop {
            let mut h = [0u8; 2];
            self.s.read_exact(&mut h).expect("frame");
            let (fin, op) = (h[0] & 0x80 != 0, h[0] & 0x0f);
            let mut len = (h[1] & 0x7f) as u64;
            if len == 126 {
                let mut b = [0u8; 2];
                self.s.read_exact(&mut b).expect("len");
                len = u16::from_be_bytes(b) as u64;
            } else if len == 127 {
                let mut b = [0u8; 8];
                self.s.read_exact(&mut b).expect("len");
                len = u64::from_be_bytes(b);
            }
            let mut payload = vec![0u8; len as usize];
            self.s.read_exact(&mut payload).expect("payload");
            if op >= 8 {
                continue;
            }
            msg.extend_from_slice(&payload);
            if fin {
                return String::from_utf8(msg).expect("utf-8");
            }
        }
    }

    /// Sends a command (to the page session once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut m = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            m["sessionId"] = json!(self.session);
        }
        self.send_frame(&m.to_string());
        loop {
            let v: Value = serde_json::from_str(&self.read_message()).expect("json");
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
        );
        r["result"]["value"].clone()
    }

    /// Waits until `js` evaluates to a string containing `want`; returns that string.
    fn wait_text(&mut self, js: &str, want: &str) -> String {
        let start = Instant::now();
        loop {
            let v = self.eval(js);
            let s = v.as_str().unwrap_or("").to_string();
            if s.contains(want) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "「{want}」 never appeared; last: {s}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_text(
            "document.readyState + ' ' + location.href",
            &format!("complete {url}"),
        );
    }

    fn screenshot(&mut self, path: &Path) {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64_decode(r["data"].as_str().expect("png"));
        std::fs::write(path, png).expect("screenshot");
    }

    fn set_file(&mut self, selector: &str, file: &Path) {
        let doc = self.call("DOM.getDocument", json!({}));
        let root = doc["root"]["nodeId"].clone();
        let node = self.call(
            "DOM.querySelector",
            json!({"nodeId": root, "selector": selector}),
        );
        self.call(
            "DOM.setFileInputFiles",
            json!({"files": [file.to_string_lossy()], "nodeId": node["nodeId"]}),
        );
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | (val(*c) as u32) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// 甲街道's congress attendance, with 张三's name as given.
fn group_book(zhang: &'static str) -> Vec<u8> {
    let row = |id: &'static str, name: &'static str, p: &'static str| {
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
    xlsx(&[sheet(
        "出席记录",
        vec![
            header_attendance(),
            row("D001", zhang, "出席"),
            row("D002", "王芳", "请假"),
            row("D003", "李四", "出席"),
        ],
    )])
}

/// Where the screenshots go, to be looked at after the run.
fn shots() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("workbench-screenshots");
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

#[test]
#[ignore = "needs Chromium: cargo test -- --include-ignored"]
fn clerk_uploads_fixes_generates_and_downloads_in_chromium() {
    let chromium = require_tool("chromium");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = tiny_input(dir.path());
    tiny_clean_year(&input);
    std::fs::remove_file(input.join("2025/甲街道.xlsx")).expect("rm");
    // The clerk's files, as received: a wrong name first, then the corrected one.
    for (sub, who) in [("收到", "张山"), ("改正", "张三")] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        std::fs::write(dir.path().join(sub).join("甲街道.xlsx"), group_book(who)).expect("w");
    }

    let mut server = Command::new(env!("CARGO_BIN_EXE_lvzhi"))
        .current_dir(dir.path())
        .args(["serve", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let _server = Kill(server);
    let url = line.trim().to_string();
    let (origin, query) = url.split_once("/?").expect("token");
    let token = query.trim_start_matches("t=").to_string();

    let profile = tempfile::tempdir().expect("profile");
    let mut browser = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("chromium");
    let err = BufReader::new(browser.stderr.take().expect("stderr"));
    let _browser = Kill(browser);
    let mut ws = String::new();
    for l in err.lines() {
        let l = l.expect("line");
        if let Some(u) = l.strip_prefix("DevTools listening on ") {
            ws = u.trim().to_string();
            break;
        }
    }
    assert!(!ws.is_empty(), "Chromium printed no DevTools address");
    let mut cdp = Cdp::connect(&ws);
    let shots = shots();

    // The opening URL sets the cookie; the pages after it need no token in the URL.
    cdp.goto(&url);
    cdp.wait_text("document.body.innerText", "2025 年度报送情况");
    cdp.screenshot(&shots.join("1-首页.png"));

    // Upload the workbook with the planted error: the finding and its fix hint appear.
    cdp.goto(&format!("{origin}/upload"));
    cdp.set_file("#files", &dir.path().join("收到/甲街道.xlsx"));
    let shown = cdp.wait_text(
        "document.getElementById('results').innerText",
        "请核对编号和姓名，以代表名册为准",
    );
    assert!(shown.contains("代表编号与姓名不一致"), "{shown}");
    assert!(shown.contains("张山"), "{shown}");
    cdp.screenshot(&shots.join("2-报送-有错误.png"));

    // 校验 lists it too, filtered to errors, with the file to download.
    cdp.goto(&format!(
        "{origin}/check?year=2025&severity=%E9%94%99%E8%AF%AF"
    ));
    let check = cdp.wait_text("document.body.innerText", "请核对编号和姓名");
    assert!(check.contains("2025/甲街道.xlsx"), "{check}");
    cdp.screenshot(&shots.join("3-校验.png"));

    // The corrected file replaces it; the old one is kept as a backup.
    cdp.goto(&format!("{origin}/upload"));
    cdp.set_file("#files", &dir.path().join("改正/甲街道.xlsx"));
    let shown = cdp.wait_text("document.getElementById('results').innerText", "已保存");
    assert!(shown.contains("原文件已备份"), "{shown}");
    assert!(shown.contains("错误 0 处"), "{shown}");
    cdp.screenshot(&shots.join("4-报送-改正.png"));

    // The yearly run from 生成, followed live to its summary.
    cdp.goto(&format!("{origin}/generate"));
    cdp.eval("document.querySelector('#job-annual select[name=year]').value = '2025'");
    cdp.eval("document.querySelector('#job-annual').submit()");
    let done = cdp.wait_text(
        "location.pathname + ' ' + document.body.innerText",
        "已完成",
    );
    assert!(done.starts_with("/jobs/1"), "{done}");
    assert!(done.contains("2025/履职档案汇总.xlsx"), "{done}");
    cdp.screenshot(&shots.join("5-生成-完成.png"));

    // Download the summary through the page's own link and check its figures.
    let href = cdp.eval(
        "Array.from(document.querySelectorAll('a')).map(a => a.href).find(h => decodeURIComponent(h).endsWith('2025/履职档案汇总.xlsx'))",
    );
    let href = href.as_str().expect("a link to the summary").to_string();
    let b64 = cdp.eval(&format!(
        "fetch({href:?}).then(r => r.arrayBuffer()).then(b => {{ let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); return btoa(s); }})"
    ));
    let bytes = base64_decode(b64.as_str().expect("downloaded"));
    let got = dir.path().join("下载的履职档案汇总.xlsx");
    std::fs::write(&got, &bytes).expect("write");
    let rows = read_sheet(&got, "履职档案汇总");
    let d1 = row_by_key(&rows, 1, "D001");
    assert_eq!(d1["姓名"], "张三");
    assert_eq!(d1["区人代会应出席"], "1");
    let d2 = row_by_key(&rows, 1, "D002");
    assert_eq!(d2["区人代会请假"], "1");
    // The same bytes as the file the job wrote.
    assert_eq!(
        bytes,
        std::fs::read(dir.path().join("reports/2025/履职档案汇总.xlsx")).expect("written")
    );

    // 文书 lists the job's documents.
    cdp.goto(&format!("{origin}/docs"));
    cdp.wait_text("document.body.innerText", "2025 年度工作");
    cdp.screenshot(&shots.join("6-文书.png"));
    assert!(!token.is_empty());
}
