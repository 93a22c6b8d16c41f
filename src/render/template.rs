//! Document wording that staff can edit: a template is plain text (minijinja for the
//! variables, a light line markup for the structure). Defaults are embedded in the
//! binary; a file of the same name in the templates folder overrides its twin.
//!
//! Markup, one instruction per line:
//! `# 标题` title (several lines allowed) · `% 副标题` subtitle (several lines allowed) · `## 一、…` heading 1 (黑体) ·
//! `### （一）…` heading 2 (楷体) · `#### 1. …` heading 3 · `@表格 名称` a table from the data ·
//! `@表格组 前缀` every table named 前缀/序号/标题, each under its title ·
//! `@居中 文字` a centred line · `@顶格 文字` a line without indent (称呼) · `@分页` page break · `@附件 标题` starts an attachment ·
//! `@落款 机关|日期` signature · any other non-blank line is a body paragraph.

use crate::render::docx::{Attachment, Block, Document, TableBlock};
use anyhow::{anyhow, bail, Context, Result};
use minijinja::{Environment, UndefinedBehavior};
use std::collections::HashMap;
use std::path::Path;

/// The embedded default templates, by file name.
pub const DEFAULTS: [(&str, &str); 16] = [
    (
        QUARTERLY_BRIEF,
        include_str!("../../templates/季度情况通报.txt"),
    ),
    (
        RENOMINATION,
        include_str!("../../templates/继续提名建议名单.txt"),
    ),
    (
        EXIT_FINDINGS,
        include_str!("../../templates/代表资格情况报告.txt"),
    ),
    (
        ANNUAL_REPORT,
        include_str!("../../templates/年度代表履职工作情况报告.txt"),
    ),
    (
        DELEGATE_ARCHIVE,
        include_str!("../../templates/代表履职档案.txt"),
    ),
    (
        SC_MEMBERS,
        include_str!("../../templates/常委会组成人员履职情况报告.txt"),
    ),
    (
        COMMITTEE_MEMBERS,
        include_str!("../../templates/专门委员会组成人员履职情况报告.txt"),
    ),
    (
        REPORTS_TO_VOTERS,
        include_str!("../../templates/述职评议工作情况报告.txt"),
    ),
    (
        OUTSTANDING_DELEGATES,
        include_str!("../../templates/优秀履职代表名单草案.txt"),
    ),
    (
        OUTSTANDING_SUGGESTIONS,
        include_str!("../../templates/优秀代表建议名单草案.txt"),
    ),
    (PUBLICITY, include_str!("../../templates/表彰公示.txt")),
    (CIRCULAR, include_str!("../../templates/表彰通报.txt")),
    (
        QUALIFICATION_REPORT,
        include_str!("../../templates/代表资格审查报告.txt"),
    ),
    (
        SEATS_NOTICE,
        include_str!("../../templates/代表名额公告.txt"),
    ),
    (REMINDER, include_str!("../../templates/履职提醒函.txt")),
    (
        RENOMINATION_DECIDED,
        include_str!("../../templates/继续提名决定名单.txt"),
    ),
];
pub const RENOMINATION_DECIDED: &str = "继续提名决定名单.txt";
pub const REMINDER: &str = "履职提醒函.txt";
pub const QUALIFICATION_REPORT: &str = "代表资格审查报告.txt";
pub const SEATS_NOTICE: &str = "代表名额公告.txt";
pub const PUBLICITY: &str = "表彰公示.txt";
pub const CIRCULAR: &str = "表彰通报.txt";
pub const QUARTERLY_BRIEF: &str = "季度情况通报.txt";
pub const RENOMINATION: &str = "继续提名建议名单.txt";
pub const EXIT_FINDINGS: &str = "代表资格情况报告.txt";
pub const SC_MEMBERS: &str = "常委会组成人员履职情况报告.txt";
pub const COMMITTEE_MEMBERS: &str = "专门委员会组成人员履职情况报告.txt";
pub const REPORTS_TO_VOTERS: &str = "述职评议工作情况报告.txt";
pub const OUTSTANDING_DELEGATES: &str = "优秀履职代表名单草案.txt";
pub const OUTSTANDING_SUGGESTIONS: &str = "优秀代表建议名单草案.txt";
pub const ANNUAL_REPORT: &str = "年度代表履职工作情况报告.txt";
pub const DELEGATE_ARCHIVE: &str = "代表履职档案.txt";

/// A template's text and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub origin: String,
    pub text: String,
}

/// Loads a template: the override in `dir` if present, else the embedded default.
pub fn load(dir: &Path, name: &str) -> Result<Template> {
    let path = dir.join(name);
    if path.is_file() {
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "无法读取模板 {}（请保存为 UTF-8 编码的文本文件）",
                path.display()
            )
        })?;
        return Ok(Template {
            name: name.to_string(),
            origin: path.display().to_string(),
            text,
        });
    }
    let text = DEFAULTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.to_string())
        .ok_or_else(|| anyhow!("没有名为 {name} 的模板"))?;
    Ok(Template {
        name: name.to_string(),
        origin: format!("内置模板 {name}"),
        text,
    })
}

/// Renders the template with the variables, then parses the markup into a document.
pub fn render(
    t: &Template,
    vars: &serde_json::Value,
    tables: &HashMap<String, TableBlock>,
    author: &str,
) -> Result<Document> {
    Prepared::new(t)?.render(vars, tables, author)
}

/// A template parsed once, to render many documents (one per delegate).
pub struct Prepared<'t> {
    template: &'t Template,
    env: Environment<'t>,
}

impl<'t> Prepared<'t> {
    pub fn new(t: &'t Template) -> Result<Prepared<'t>> {
        let mut env = Environment::new();
        // An unknown variable is an error, never a silent blank in an official document.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Wording helpers any template may call: {{ of_which(n, total, "名") }} gives
        // "均" / "其中n名" / "", {{ listed_as(n) }} gives "为" / "分别为".
        env.add_function("of_which", |part: u32, whole: u32, unit: String| {
            crate::domain::text::of_which(part, whole, &unit)
        });
        env.add_function("listed_as", |n: usize| {
            crate::domain::text::listed_as(n).to_string()
        });
        env.set_keep_trailing_newline(true);
        env.add_template(&t.name, &t.text)
            .map_err(|e| template_error(t, &e))?;
        Ok(Prepared { template: t, env })
    }

    pub fn render(
        &self,
        vars: &serde_json::Value,
        tables: &HashMap<String, TableBlock>,
        author: &str,
    ) -> Result<Document> {
        let t = self.template;
        let tmpl = self
            .env
            .get_template(&t.name)
            .map_err(|e| template_error(t, &e))?;
        let text = tmpl.render(vars).map_err(|e| template_error(t, &e))?;
        parse(&text, tables, author).map_err(|e| anyhow!("模板 {} 有误：{e}", t.origin))
    }
}

fn template_error(t: &Template, e: &minijinja::Error) -> anyhow::Error {
    use minijinja::ErrorKind::*;
    let what = match e.kind() {
        SyntaxError => "语法错误",
        UndefinedError => "使用了不存在的变量（可用的变量见 README）",
        UnknownFilter => "使用了不存在的过滤器",
        UnknownFunction => "使用了不存在的函数",
        InvalidOperation => "无效的运算",
        _ => "渲染出错",
    };
    let line = e.line().map(|l| format!("第 {l} 行")).unwrap_or_default();
    let detail = e.detail().unwrap_or_default();
    anyhow!("模板 {} {line}{what}：{detail}", t.origin)
}

/// Parses rendered markup; `line` numbers in errors refer to the rendered text.
pub fn parse(text: &str, tables: &HashMap<String, TableBlock>, author: &str) -> Result<Document> {
    let mut doc = Document {
        title: String::new(),
        subtitle: None,
        body: Vec::new(),
        signature: None,
        attachments: Vec::new(),
        author: author.to_string(),
        print_title: true,
    };
    let mut titles: Vec<String> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let target: &mut Vec<Block> = match doc.attachments.last_mut() {
            Some(a) => &mut a.blocks,
            None => &mut doc.body,
        };
        if let Some(rest) = line.strip_prefix("#### ") {
            target.push(Block::Heading(3, rest.trim().to_string()));
        } else if let Some(rest) = line.strip_prefix("### ") {
            target.push(Block::Heading(2, rest.trim().to_string()));
        } else if let Some(rest) = line.strip_prefix("## ") {
            target.push(Block::Heading(1, rest.trim().to_string()));
        } else if let Some(rest) = line.strip_prefix("# ") {
            titles.push(rest.trim().to_string());
        } else if let Some(rest) = line.strip_prefix("% ") {
            // Several lines stack under the title (the meeting line, then the reporter).
            let rest = rest.trim();
            doc.subtitle = Some(match doc.subtitle.take() {
                Some(s) => format!("{s}\n{rest}"),
                None => rest.to_string(),
            });
        } else if let Some(rest) = line.strip_prefix("@表格组") {
            // Every table named 前缀/序号/标题, in order, each under its centred title.
            let prefix = format!("{}/", rest.trim());
            let mut group: Vec<(&String, &TableBlock)> = tables
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .collect();
            group.sort_by(|a, b| a.0.cmp(b.0));
            for (k, t) in group {
                let caption = k.rsplit('/').next().unwrap_or(k);
                if t.rows.is_empty() {
                    target.push(Block::Centered(caption.to_string()));
                    target.push(Block::Para("（本期无记录。）".to_string()));
                } else {
                    // The title inside the table, repeated on a continuation page.
                    target.push(Block::Titled(caption.to_string(), t.clone()));
                }
            }
        } else if let Some(rest) = line.strip_prefix("@表格") {
            let name = rest.trim();
            match tables.get(name) {
                Some(t) if t.rows.is_empty() => {
                    target.push(Block::Para("（本期无记录。）".to_string()))
                }
                Some(t) => target.push(Block::Table(t.clone())),
                None => {
                    let mut known: Vec<&String> = tables.keys().collect();
                    known.sort();
                    bail!(
                        "第 {} 行的表格「{name}」不存在；可用的表格：{}",
                        n + 1,
                        known
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    );
                }
            }
        } else if let Some(rest) = line.strip_prefix("@居中") {
            target.push(Block::Centered(rest.trim().to_string()));
        } else if let Some(rest) = line.strip_prefix("@顶格") {
            target.push(Block::Flush(rest.trim().to_string()));
        } else if line == "@分页" {
            target.push(Block::PageBreak);
        } else if let Some(rest) = line.strip_prefix("@附件") {
            doc.attachments.push(Attachment {
                title: rest.trim().to_string(),
                blocks: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix("@落款") {
            let (org, date) = rest
                .split_once('|')
                .ok_or_else(|| anyhow!("第 {} 行的落款应写成「@落款 机关名称|日期」", n + 1))?;
            doc.signature = Some((org.trim().to_string(), date.trim().to_string()));
        } else if line.starts_with('@') {
            bail!(
                "第 {} 行「{line}」不是可用的指令（@表格、@居中、@顶格、@分页、@附件、@落款）",
                n + 1
            );
        } else {
            target.push(Block::Para(line.to_string()));
        }
    }
    if titles.is_empty() {
        bail!("缺少标题：请用以 “# ” 开头的一行写文件标题");
    }
    doc.title = titles.join("\n");
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpl(text: &str) -> Template {
        Template {
            name: "测试.txt".into(),
            origin: "templates/测试.txt".into(),
            text: text.into(),
        }
    }

    #[test]
    fn markup_becomes_blocks() {
        let mut tables = HashMap::new();
        tables.insert(
            "各组".to_string(),
            TableBlock {
                headers: vec!["a".into()],
                rows: vec![vec!["1".into()]],
                widths: vec![],
            },
        );
        tables.insert("空表".to_string(), TableBlock::default());
        let t = tmpl("# 关于{{ year }}年度的报告\n% 副标题\n\n## 一、基本情况\n正文{{ n }}人。\n@表格 各组\n@表格 空表\n@落款 某机关|2025年12月31日\n@附件 附件标题\n### （一）附件内容\n");
        let vars = serde_json::json!({"year": 2025, "n": 12});
        let d = render(&t, &vars, &tables, "作者").expect("renders");
        assert_eq!(d.title, "关于2025年度的报告");
        assert_eq!(d.subtitle.as_deref(), Some("副标题"));
        assert_eq!(d.body[0], Block::Heading(1, "一、基本情况".into()));
        assert_eq!(d.body[1], Block::Para("正文12人。".into()));
        assert!(matches!(d.body[2], Block::Table(_)));
        assert_eq!(d.body[3], Block::Para("（本期无记录。）".into()));
        assert_eq!(
            d.signature,
            Some(("某机关".into(), "2025年12月31日".into()))
        );
        assert_eq!(
            d.attachments[0].blocks,
            vec![Block::Heading(2, "（一）附件内容".into())]
        );
    }

    #[test]
    fn subtitle_lines_stack_and_helpers_adapt() {
        let t = tmpl("# 标题\n% ——2026年1月10日在某会议上\n% 代表联络室主任 张三\n其余代表{{ of_which(2, 2, \"名\") }}正常，缺席{{ listed_as(1) }}一次。\n");
        let d = render(&t, &serde_json::json!({}), &HashMap::new(), "").expect("renders");
        assert_eq!(
            d.subtitle.as_deref(),
            Some("——2026年1月10日在某会议上\n代表联络室主任 张三")
        );
        assert_eq!(
            d.body[0],
            Block::Para("其余代表均正常，缺席为一次。".into())
        );
    }

    #[test]
    fn unknown_variable_names_file_and_line() {
        let t = tmpl("# 标题\n\n正文{{ no_such_thing }}\n");
        let err =
            render(&t, &serde_json::json!({}), &HashMap::new(), "").expect_err("unknown variable");
        let msg = err.to_string();
        assert!(
            msg.starts_with("模板 templates/测试.txt 第 3 行使用了不存在的变量"),
            "{msg}"
        );
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let t = tmpl("# 标题\n{% if x %}\n没有结束\n");
        let msg = render(&t, &serde_json::json!({"x": true}), &HashMap::new(), "")
            .expect_err("syntax")
            .to_string();
        assert!(
            msg.contains("templates/测试.txt") && msg.contains("语法错误"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_table_and_instruction_are_errors() {
        let msg = parse("# 标题\n@表格 不存在\n", &HashMap::new(), "")
            .expect_err("table")
            .to_string();
        assert!(msg.contains("「不存在」不存在"), "{msg}");
        let msg = parse("# 标题\n@图表 x\n", &HashMap::new(), "")
            .expect_err("instruction")
            .to_string();
        assert!(msg.contains("不是可用的指令"), "{msg}");
    }

    #[test]
    fn embedded_defaults_exist() {
        for (name, text) in DEFAULTS {
            assert!(text.contains("# "), "{name}");
        }
    }
}
