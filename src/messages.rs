//! Error causes in Chinese: operating-system errors and the type errors of the TOML
//! files (lvzhi.toml, the score rules), whose library texts are English.

use std::io::ErrorKind;

/// An operating-system error told in Chinese, with its system code for the technician.
#[derive(Debug)]
pub struct IoError {
    kind: ErrorKind,
    code: Option<i32>,
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", io_phrase(self.kind))?;
        if let Some(c) = self.code {
            write!(f, "（系统错误码 {c}）")?;
        }
        Ok(())
    }
}

impl std::error::Error for IoError {}

/// `io::Error` → an error whose text is Chinese (`map_err(messages::io)`).
pub fn io(e: std::io::Error) -> anyhow::Error {
    IoError {
        kind: e.kind(),
        code: e.raw_os_error(),
    }
    .into()
}

/// The text shown for an `io::Error` found in an error chain.
pub fn io_text(e: &std::io::Error) -> String {
    IoError {
        kind: e.kind(),
        code: e.raw_os_error(),
    }
    .to_string()
}

/// What an operating-system error means, in words a clerk can act on.
pub fn io_phrase(kind: ErrorKind) -> &'static str {
    use ErrorKind::*;
    match kind {
        NotFound => "找不到该文件或文件夹",
        PermissionDenied => "没有访问权限（文件可能是只读的，或正被 WPS、Excel 等程序打开）",
        AlreadyExists => "已存在同名的文件或文件夹",
        OutOfMemory => {
            "内存不足：文件过大或结构异常，无法读入（可关闭其他程序后重试，或检查该文件）"
        }
        StorageFull | QuotaExceeded => "磁盘空间已满，请清理磁盘后重试",
        ReadOnlyFilesystem => "磁盘或文件夹是只读的，无法写入",
        FileTooLarge => "文件过大",
        InvalidFilename => "文件名无效或过长",
        DirectoryNotEmpty => "文件夹不是空的",
        NotADirectory => "路径中应为文件夹的一部分是文件",
        IsADirectory => "这是一个文件夹，不是文件",
        ResourceBusy | ExecutableFileBusy => "文件正被其他程序占用，请关闭后重试",
        CrossesDevices => "不能跨磁盘移动，请把输出文件夹放在同一磁盘上",
        InvalidData => "文件内容无效或已损坏",
        UnexpectedEof => "文件不完整（内容意外结束），可能已损坏",
        TimedOut => "操作超时（网络磁盘是否可用？）",
        Interrupted => "操作被中断",
        WouldBlock => "资源暂时不可用，请稍后重试",
        Unsupported => "此磁盘或系统不支持该操作",
        StaleNetworkFileHandle
        | NotConnected
        | ConnectionReset
        | ConnectionAborted
        | BrokenPipe => "网络磁盘连接中断",
        TooManyLinks => "文件夹中的链接过多或形成循环",
        _ => "系统错误",
    }
}

/// A TOML file's parse or type error as one Chinese line:
/// `lvzhi.toml 第 12 行 字段 thresholds.min_reports：应为非负整数，实际为 -3`.
pub fn toml(file: &str, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message().trim();
    let at = e.span().map(|s| locate(text, s.start));
    let mut head = file.to_string();
    if let Some((line, field)) = &at {
        head.push_str(&format!(" 第 {line} 行"));
        if let Some(f) = field {
            head.push_str(&format!(" 字段 {f}"));
        }
    }
    anyhow::anyhow!("{head}：{}", serde_message(msg))
}

/// The 1-based line of a byte offset and the dotted key written on it (with the
/// `[section]` above it), if that line assigns one.
fn locate(text: &str, offset: usize) -> (usize, Option<String>) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_no = before.matches('\n').count() + 1;
    let lines: Vec<&str> = text.lines().collect();
    let line = lines.get(line_no - 1).copied().unwrap_or("");
    let section = lines
        .iter()
        .take(line_no)
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let field = match (section, key) {
        (Some(s), Some(k)) => Some(format!("{s}.{k}")),
        (None, Some(k)) => Some(k),
        (Some(s), None) => Some(s),
        (None, None) => None,
    };
    (line_no, field)
}

/// serde's and toml's English messages in Chinese; messages already in Chinese (the
/// crate's own, such as dates) pass unchanged; any other keeps the original after a
/// Chinese lead.
fn serde_message(msg: &str) -> String {
    let tick = |s: &str| -> Option<String> {
        let a = s.find('`')?;
        let b = s[a + 1..].find('`')? + a + 1;
        Some(s[a + 1..b].to_string())
    };
    if !msg.is_ascii() && !msg.contains("expected") {
        return msg.to_string();
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            if let Some((got, want)) = rest.rsplit_once(", expected ") {
                return format!("应为{}，实际为 {}", expected(want), unexpected(got));
            }
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!(
            "缺少必填字段 {}",
            tick(rest).unwrap_or_else(|| rest.to_string())
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let name = tick(rest).unwrap_or_else(|| rest.to_string());
        let known = rest
            .split_once("expected one of ")
            .or_else(|| rest.split_once("expected "))
            .map(|(_, k)| {
                format!(
                    "（可用的字段：{}）",
                    k.replace('`', "").replace(" or ", ", ")
                )
            })
            .unwrap_or_default();
        return format!("没有名为 {name} 的字段，请检查拼写{known}");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let name = tick(rest).unwrap_or_else(|| rest.to_string());
        let known = rest
            .split_once("expected one of ")
            .or_else(|| rest.split_once("expected "))
            .map(|(_, k)| format!("（可选：{}）", k.replace('`', "").replace(" or ", ", ")))
            .unwrap_or_default();
        return format!("不能取值 {name}{known}");
    }
    if msg.starts_with("duplicate key") || msg.starts_with("duplicate field") {
        let name = tick(msg).map(|n| format!(" {n}")).unwrap_or_default();
        return format!("字段{name}重复出现，请只保留一处");
    }
    if msg.starts_with("invalid length") {
        return format!("列表的项数不对（{msg}）");
    }
    format!(
        "格式有误，请检查引号、等号和方括号是否成对（原文：{}）",
        msg.replace('\n', "；")
    )
}

/// serde's "expected …" in Chinese.
fn expected(want: &str) -> String {
    let w = want.trim();
    match w {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "非负整数".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "整数".into(),
        "f32" | "f64" => "数字".into(),
        "a string" | "a borrowed string" | "a character" => "文字（用英文双引号括起来）".into(),
        "a boolean" => "true 或 false".into(),
        "a sequence" => "列表（如 [\"甲\", \"乙\"]）".into(),
        _ if w.starts_with("struct") || w.starts_with("a map") || w.starts_with("map") => {
            "一个小节（[名称] 下的若干字段）".into()
        }
        _ if !w.is_ascii() => w.to_string(),
        _ => format!("{w} 类型的值"),
    }
}

/// serde's description of the value found, in Chinese.
fn unexpected(got: &str) -> String {
    let g = got.trim();
    let inner = |s: &str| s.trim_matches(|c| c == '`' || c == '"').to_string();
    for (p, label) in [
        ("integer ", ""),
        ("floating point ", ""),
        ("boolean ", ""),
        ("string ", "文字"),
        ("character ", "文字"),
    ] {
        if let Some(v) = g.strip_prefix(p) {
            return if label.is_empty() {
                inner(v)
            } else {
                format!("{label}「{}」", inner(v))
            };
        }
    }
    match g {
        "sequence" => "列表".into(),
        "map" => "一个小节".into(),
        "unit value" | "option" => "空值".into(),
        _ => g.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: Option<S>,
        #[serde(default)]
        thresholds: Th,
    }
    #[derive(Debug, serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Th {
        #[serde(default)]
        min_reports: u32,
        #[serde(default)]
        name: String,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct S {
        x: u32,
    }

    fn err(text: &str) -> String {
        let e = toml::from_str::<T>(text).expect_err("bad");
        toml("lvzhi.toml", text, &e).to_string()
    }

    #[test]
    fn negative_count_names_line_field_and_value() {
        let text = "[thresholds]\n# note\nmin_reports = -3\n";
        assert_eq!(
            err(text),
            "lvzhi.toml 第 3 行 字段 thresholds.min_reports：应为非负整数，实际为 -3"
        );
    }

    #[test]
    fn wrong_types_unknown_and_missing_fields_are_chinese() {
        let e = err("[thresholds]\nmin_reports = \"三\"\n");
        assert!(
            e.contains("第 2 行") && e.contains("应为非负整数，实际为 文字「三」"),
            "{e}"
        );
        let e = err("[thresholds]\nname = 3\n");
        assert!(
            e.contains("应为文字（用英文双引号括起来），实际为 3"),
            "{e}"
        );
        let e = err("[thresholds]\nmin_voters = 3\n");
        assert!(
            e.contains("没有名为 min_voters 的字段") && e.contains("min_reports"),
            "{e}"
        );
        let e = err("[a]\n");
        assert!(e.contains("缺少必填字段 x"), "{e}");
        let e = err("[thresholds\nmin_reports = 1\n");
        assert!(
            e.starts_with("lvzhi.toml 第 1 行") && e.contains("格式有误"),
            "{e}"
        );
        assert!(!e.contains("TOML parse error"), "{e}");
    }

    #[test]
    fn io_errors_are_chinese_with_their_code() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_text(&e), "找不到该文件或文件夹（系统错误码 2）");
        let oom = std::io::Error::from(ErrorKind::OutOfMemory);
        assert!(io_text(&oom).starts_with("内存不足"));
        assert!(!io_text(&oom).contains("占用"));
        assert!(io(std::io::Error::from(ErrorKind::PermissionDenied))
            .to_string()
            .contains("没有访问权限"));
    }
}
