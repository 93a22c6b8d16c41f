//! Command-line mistakes told in Chinese. clap words its errors in English ("error:
//! unexpected argument", "tip:", "Usage:"); a clerk who mistypes an option gets the same
//! facts here in the words of the rest of the program.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The message for a command line clap refused: what is wrong, a hint where clap has
/// one, the usage line and where to read more.
pub fn explain(e: &clap::Error) -> String {
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) if !v.is_empty() => Some(v.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let quoted = |kind| text(kind).map(|s| format!("“{s}”")).unwrap_or_default();
    let arg = quoted(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut hints = Vec::new();
    let what = match e.kind() {
        ErrorKind::UnknownArgument => {
            let raw = text(ContextKind::InvalidArg).unwrap_or_default();
            if raw.starts_with('-') {
                format!("没有{arg}这个选项")
            } else {
                format!("多出了{arg}（选项要以 -- 开头，如 --year 2025）")
            }
        }
        ErrorKind::InvalidSubcommand => {
            format!("没有{}这个命令", quoted(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("选项{arg}后面要写一个值"),
        ErrorKind::InvalidValue => {
            if let Some(valid) = text(ContextKind::ValidValue) {
                hints.push(format!("可以写：{valid}"));
            }
            format!("选项{arg}的值“{value}”不在可选范围内")
        }
        ErrorKind::ValueValidation => {
            hints.push(expected(e, &arg));
            format!("选项{arg}的值“{value}”写得不对")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必须写的选项{arg}"),
        ErrorKind::ArgumentConflict => match text(ContextKind::PriorArg) {
            Some(prior) if format!("“{prior}”") == arg => format!("选项{arg}只能写一次"),
            Some(prior) => format!("选项{arg}和“{prior}”不能同时使用"),
            None => format!("选项{arg}不能与其他选项同时使用"),
        },
        ErrorKind::TooManyValues => format!("选项{arg}只能写一个值，多出了“{value}”"),
        ErrorKind::NoEquals | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("选项{arg}的值的个数不对")
        }
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        _ => "命令行写得不对".to_string(),
    };
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        if let Some(s) = text(kind) {
            hints.push(format!("是不是要写“{s}”？"));
        }
    }
    let mut out = format!("错误：{what}\n");
    for h in hints {
        out.push_str(&format!("  提示：{h}\n"));
    }
    if let Some(usage) = text(ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        out.push_str(&format!("\n用法：{usage}\n"));
        let command = usage.split(" [").next().unwrap_or(usage);
        let command = command.split(" <").next().unwrap_or(command);
        out.push_str(&format!("全部选项的说明：{command} --help\n"));
    }
    out
}

/// What a value that did not parse should look like, told by the type it was read as
/// (every option clap parses itself is a number; dates and names are checked later).
fn expected(e: &clap::Error, arg: &str) -> String {
    match std::error::Error::source(e) {
        Some(s) if s.is::<std::num::ParseIntError>() => {
            if arg.contains("年度") {
                "应写四位数的年度，如 2025".to_string()
            } else if arg.contains("季度") {
                "应写 1、2、3 或 4".to_string()
            } else {
                "应写整数（阿拉伯数字）".to_string()
            }
        }
        Some(s) => format!("原因：{s}"),
        None => "请按 --help 中的说明填写".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The message for a command line clap refuses, checked free of clap's English.
    fn refused(args: &[&str]) -> String {
        let mut all = vec!["lvzhi"];
        all.extend(args);
        match crate::Cli::try_parse_from(all) {
            Ok(_) => panic!("accepted: {args:?}"),
            Err(e) => {
                let s = explain(&e);
                no_clap_english(&s);
                s
            }
        }
    }

    /// No English from clap in any of them: each is whole Chinese sentences around the
    /// user's own words.
    fn no_clap_english(s: &str) {
        for english in [
            "error:",
            "Usage:",
            "tip:",
            "For more information",
            "found",
            "invalid",
        ] {
            assert!(!s.contains(english), "{english} in {s}");
        }
    }

    #[test]
    fn a_mistyped_option_is_named_with_the_likely_one() {
        let s = refused(&["annual", "--yaer", "2025"]);
        assert!(s.starts_with("错误：没有“--yaer”这个选项\n"), "{s}");
        assert!(s.contains("提示：是不是要写“--year”？"), "{s}");
        assert!(s.contains("用法：lvzhi annual [选项]"), "{s}");
        assert!(s.contains("全部选项的说明：lvzhi annual --help"), "{s}");
    }

    #[test]
    fn a_value_that_does_not_parse_says_what_it_should_look_like() {
        let s = refused(&["annual", "--year", "二〇二五"]);
        assert!(
            s.contains("选项“--year <年度>”的值“二〇二五”写得不对"),
            "{s}"
        );
        assert!(s.contains("应写四位数的年度，如 2025"), "{s}");
        let s = refused(&["quarterly", "--quarter", "三"]);
        assert!(s.contains("应写 1、2、3 或 4"), "{s}");
    }

    #[test]
    fn an_unknown_command_a_stray_word_and_a_missing_value_are_told_apart() {
        let s = refused(&["anual"]);
        assert!(s.starts_with("错误：没有“anual”这个命令"), "{s}");
        assert!(s.contains("是不是要写“annual”？"), "{s}");
        let s = refused(&["annual", "2025"]);
        assert!(s.starts_with("错误：多出了“2025”"), "{s}");
        let s = refused(&["annual", "--year"]);
        assert!(
            s.starts_with("错误：选项“--year <年度>”后面要写一个值"),
            "{s}"
        );
    }

    #[test]
    fn a_missing_required_option_and_a_conflict_name_the_options() {
        let s = refused(&["annual", "--reporter", "张三"]);
        assert!(
            s.starts_with("错误：缺少必须写的选项“--meeting <会议>”"),
            "{s}"
        );
        let s = refused(&["archive", "--year", "2025", "--term"]);
        assert!(s.contains("不能同时使用"), "{s}");
        let s = refused(&["annual", "--year", "2025", "--year", "2026"]);
        assert!(s.starts_with("错误：选项“--year <年度>”只能写一次"), "{s}");
    }
}
