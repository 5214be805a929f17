//! The help in the reader's language: Chinese by default, English with
//! `--lang en` or an English locale, chosen as the messages are.
//!
//! In: the language, found before clap parses ([`lang_flag`] scans the
//! arguments for `--lang`, then [`super::language`] reads the
//! environment). Out: the clap `Command` of the derive with every
//! about, help and after-help text put in that language. The English
//! words stay the derive's own (the doc comments); the Chinese ones are
//! here, by argument id, so the two are edited side by side.

use clap::{Arg, ArgAction, Command, CommandFactory};
use nianbao::Lang;

/// `--lang X` or `--lang=X` among the arguments, before clap parses them
/// (its help must already be in the right language).
pub fn lang_flag(args: &[std::ffi::OsString]) -> Option<String> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_string());
        }
        if a == "--lang" {
            return it.next().map(|v| v.to_string());
        }
    }
    None
}

/// The command line, its help in `lang`.
pub fn command(lang: Lang) -> Command {
    let cmd = super::Cli::command();
    match lang {
        Lang::En => cmd,
        Lang::Zh => chinese(cmd),
    }
}

/// Options shared by every command, in Chinese.
const GLOBAL: [(&str, &str); 4] = [
    (
        "error_format",
        "错误信息的输出方式：text（给人看），或 json（每行一个 JSON 对象，给程序读）",
    ),
    ("quiet", "只输出错误（和写到标准输出的文档），不输出状态行和警告"),
    (
        "verbose",
        "每条信息在表格位置之前，再写出数据文件里的 JSON 路径（如 /applications/new/6）",
    ),
    (
        "lang",
        "信息和帮助的语言：zh（中文）或 en（英文）［默认：环境变量 NIANBAO_LANG，其次英文的 LC_ALL/LC_MESSAGES/LANG，否则中文］",
    ),
];

const FONTS: [(&str, &str); 2] = [
    (
        "font_dir",
        "先从这个目录找字体，再用自带的字体（可以写多次）",
    ),
    (
        "no_system_fonts",
        "只用自带的字体和 --font-dir，不用系统字体：每台电脑排出的文件完全相同",
    ),
];

/// A subcommand's Chinese: about, after-help, and each argument's help.
struct Sub {
    name: &'static str,
    about: &'static str,
    after: &'static str,
    args: &'static [(&'static str, &'static str)],
}

const SUBS: &[Sub] = &[
    Sub {
        name: "check",
        about: "核对数据：数据约定和勾稽关系，每份报告一行结论",
        after: "示例：\n  nianbao check 城关镇-2025.xlsx\n  nianbao check samples/goushi-2020.json\n  nianbao check 各乡镇/            （目录里的 .json 和 .xlsx 逐个核对）\n  nianbao check 全县-2025.xlsx     （汇总工作簿：每行一份报告）\n  nianbao check 2025.xlsx --previous 2024.xlsx   （与上年报告对照结转数）\n\n每条信息先写位置（工作表!单元格、表格里的行和列），再写错在哪里和怎么改。\n退出码：0 全部通过（可能有警告），1 有未通过的，2 用法错误或读不了文件。",
        args: &[
            ("data", "要核对的数据：数据文件或工作簿（.json、.xlsx）、JSON 数组、JSON Lines（.jsonl）或汇总工作簿，和 batch 读法相同；- 读标准输入；目录：其中每个 .json 和 .xlsx"),
            ("previous", "上年的报告（一个文件），或上年各单位报告所在的目录（按单位对应）：本年的上年结转或上一年项目数量与它不符时给出警告（check-carryover）"),
        ],
    },
    Sub {
        name: "schema",
        about: "输出数据文件的 JSON Schema（draft 2020-12），两种格式都包括",
        after: "示例：\n  nianbao schema > nianbao.schema.json",
        args: &[],
    },
    Sub {
        name: "init",
        about: "生成一份空白报告：数据文件，或用 -o 报告.xlsx 生成在 Excel/WPS 里填写的工作簿",
        after: "示例：\n  nianbao init -o 空白.xlsx --unit 城关镇人民政府 --year 2025   （在 Excel 或 WPS 里填写）\n  nianbao init > report.json\n  nianbao init --format 2019 --unit 缑氏镇人民政府 --year 2020 > goushi.json\n\n工作簿的「正文」表已按报告的各部分列好了行，灰色的示例文字换成本单位的内容即可。",
        args: &[
            ("format", "格式：2019（2019–2020 年格式）或 2021（2021 年起格式）"),
            ("unit", "报告单位"),
            ("year", "报告年度［默认：上一年］"),
            ("output", "写入文件而不是标准输出；.xlsx 生成工作簿，在 Excel 或 WPS 里填写"),
        ],
    },
    Sub {
        name: "convert",
        about: "在数据文件（JSON）和工作簿（XLSX）之间转换；把全县各乡镇的报告汇成一个汇总工作簿，或反过来",
        after: "示例：\n  一份报告：\n    nianbao convert 城关镇-2025.json -o 城关镇-2025.xlsx\n    nianbao convert 城关镇-2025.xlsx -o 城关镇-2025.json\n  全县汇总（县里的做法）：\n    nianbao convert 各乡镇/ -o 全县-2025.xlsx      （目录里每份报告一行，写进「报告」表）\n    nianbao batch 全县-2025.xlsx -o 公文/ -f pdf,docx   （每一行排成一份公文）\n\n输出的扩展名决定写什么：.xlsx 工作簿，.json 数据文件（- 为标准输出）。输入是目录、JSON 数组、JSON Lines 或汇总工作簿时，生成汇总工作簿（每份报告一行）。每份报告都会核对：未通过的照样写入，但按行号和单位列出，并在工作簿里把那一行标成红色、把错误写在批注里。\n退出码：0 已写出，1 有报告读不了，2 用法错误或读写失败。",
        args: &[
            ("input", "输入：一份数据文件或工作簿，或多份报告（目录、JSON 数组、JSON Lines、汇总工作簿）；- 读标准输入"),
            ("output", "输出文件：.xlsx 写工作簿，.json 写 JSON；- 写到标准输出"),
        ],
    },
    Sub {
        name: "render",
        about: "把一份报告排成公文：PDF、DOCX、OFD、HTML 或 SVG",
        after: "示例：\n  nianbao render 城关镇-2025.xlsx -o 城关镇-2025.pdf\n  nianbao render samples/goushi-2020.json -o goushi-2020.docx\n  nianbao render samples/goushi-2020.json -o goushi-2020.ofd\n  nianbao render data.json --template 我的模板/ -o report.html\n\n格式看 -f，其次看输出文件的扩展名。数据未通过核对时不排；加 --force 只能排出每页标有「草稿」的核对稿。\n退出码：0 已写出，1 数据或模板有错，2 用法错误或读写失败。",
        args: &[
            ("data", "数据文件或工作簿；- 读标准输入"),
            ("output", "输出文件；- 写到标准输出［默认：数据文件同名，放在当前目录］"),
            ("format", "输出格式。SVG 每页一个文件（文件名后加 -1.svg、-2.svg…）；-o - 时所有页在一个 SVG 里"),
            ("template", "模板目录（见 templates export）"),
            ("force", "未通过勾稽关系核对也排出：每页标有「草稿」，不能作为正式文件"),
            ("pdf_standard", "把 PDF 排成归档用的 PDF/A：a-1b、a-2b，或 a-3b（文件里附带报告的数据 JSON）"),
        ],
    },
    Sub {
        name: "batch",
        about: "一次排出多份报告（并行）；一份出错不影响其他。可直接读全县汇总工作簿",
        after: "示例：\n  nianbao batch 全县-2025.xlsx -o 公文/ -f pdf,docx --summary 公文/汇总.json\n  nianbao batch 各乡镇/ -o 公文/\n  nianbao batch all.jsonl -o out/ -f pdf,docx --defaults county.json\n  nianbao batch townships.json -o out/ --name \"{{year}}-{{unit}}\" -j 2\n\n输入：数据文件、目录（其中的 .json）、JSON 数组、JSON Lines（.jsonl），或汇总工作簿（nianbao convert 目录/ -o 全县.xlsx 生成，每行一份报告）。每份报告一行结论，按输入顺序，写明文件、行号和单位；--summary 写出同样内容的 JSON（每份的 input、row、unit、status、errors…）。\n退出码：0 全部写出，1 有失败的，2 用法错误，130 被中断。",
        args: &[
            ("inputs", "数据文件、目录、数组文件、JSON Lines 文件或汇总工作簿"),
            ("output", "输出目录（不存在时自动建立）"),
            ("format", "输出格式，用逗号分隔"),
            ("defaults", "一个 JSON 对象，合并到每份报告之下（报告自己的值优先）"),
            ("name", "输出文件名：数据上的模式"),
            ("jobs", "同时排几份［默认：CPU 核数］"),
            ("force", "未通过勾稽关系核对也排出：每页标有「草稿」，不能作为正式文件"),
            ("pdf_standard", "把 PDF 排成归档用的 PDF/A：a-1b、a-2b，或 a-3b（每份附带报告的数据 JSON）"),
            ("previous", "上年各单位报告所在的目录：与同一单位上年的报告对照（check-carryover 警告）"),
            ("summary", "写出 JSON 汇总（每份报告的 input、index、row、unit、outputs、status、errors、warnings）"),
            ("template", "模板目录"),
        ],
    },
    Sub {
        name: "serve",
        about: "在浏览器里填报：报告列表、按官方表格填写、随填随核对、预览排好的页面、下载各种格式",
        after: "示例：\n  nianbao serve              （打开 http://127.0.0.1:8321/）\n  nianbao serve --open       （同时打开浏览器）\n  nianbao serve --data D:\\年报数据 --addr 127.0.0.1:9000\n\n只在本机（127.0.0.1）上提供服务；报告存在数据目录的 nianbao.sqlite3 里，每次保存都是一个新版本，旧版本可以查看和恢复。按 Ctrl-C 停止。",
        args: &[
            ("addr", "监听的地址和端口 HOST:PORT；端口 0 表示任选一个空闲端口"),
            ("data", "数据目录（不存在时自动建立）"),
            ("open", "用默认浏览器打开页面"),
            ("template", "模板目录"),
        ],
    },
];

const TEMPLATES: Sub = Sub {
    name: "templates",
    about: "列出或导出内置模板",
    after: "",
    args: &[],
};

const TEMPLATE_SUBS: &[Sub] = &[
    Sub {
        name: "list",
        about: "列出内置的模板",
        after: "示例：\n  nianbao templates list",
        args: &[],
    },
    Sub {
        name: "export",
        about: "把一个内置模板写到新目录里，以便修改",
        after: "示例：\n  nianbao templates export annual-report 我的模板\n  nianbao render data.json --template 我的模板 -o report.html",
        args: &[("name", "模板名称"), ("dir", "一个还不存在（或空）的目录")],
    },
];

const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Chinese for a command: the template's headings, help and version.
fn common(cmd: Command) -> Command {
    // clap makes --help itself at build time: replaced by one that
    // speaks Chinese.
    let cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助"),
        );
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    ids.into_iter().fold(cmd, |cmd, (id, positional)| {
        let heading = if positional { "参数" } else { "选项" };
        cmd.mut_arg(id, |a| a.help_heading(heading))
    })
}

fn sub(cmd: Command, s: &Sub) -> Command {
    let mut cmd = common(cmd).about(s.about);
    if !s.after.is_empty() {
        cmd = cmd.after_help(s.after);
    }
    for (id, help) in s.args.iter().chain(&FONTS) {
        if cmd.get_arguments().any(|a| a.get_id() == *id) {
            cmd = cmd.mut_arg(*id, |a| a.help(*help));
        }
    }
    brackets(cmd)
}

/// clap writes an argument's default and choices as `[default: …]` and
/// `[possible values: …]`: said in Chinese instead, after the help.
fn brackets(cmd: Command) -> Command {
    let said: Vec<(String, String)> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_default_value_set() || !a.is_hide_possible_values_set())
        .filter_map(|a| {
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let choices: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            let mut more = String::new();
            // A switch's default ("false") says nothing.
            if !defaults.is_empty() && defaults.iter().all(|d| d != "false") {
                more.push_str(&format!("［默认：{}］", defaults.join("、")));
            }
            if !choices.is_empty() && choices != ["true", "false"] {
                more.push_str(&format!("［可选：{}］", choices.join("、")));
            }
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            (!more.is_empty()).then(|| (a.get_id().to_string(), format!("{help} {more}")))
        })
        .collect();
    said.into_iter().fold(cmd, |cmd, (id, help)| {
        cmd.mut_arg(id, |a| {
            a.help(help)
                .hide_default_value(true)
                .hide_possible_values(true)
        })
    })
}

fn chinese(cmd: Command) -> Command {
    let mut cmd = common(cmd)
        .about("政府信息公开工作年度报告：在 Excel/WPS 里填工作簿，核对勾稽关系，排成公文（PDF、DOCX、OFD）")
        .after_help("乡镇填报：\n  nianbao init -o 城关镇-2025.xlsx --unit 城关镇人民政府 --year 2025\n  nianbao check 城关镇-2025.xlsx\n  nianbao render 城关镇-2025.xlsx -o 城关镇-2025.pdf\n县里汇总：\n  nianbao convert 各乡镇/ -o 全县-2025.xlsx\n  nianbao batch 全县-2025.xlsx -o 公文/ -f pdf,docx --summary 公文/汇总.json\n\n每个命令的说明：nianbao 命令 --help（如 nianbao batch --help）。使用指南：docs/使用指南.md")
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    for (id, help) in GLOBAL {
        cmd = cmd.mut_arg(id, |a| a.help(help));
    }
    cmd = brackets(cmd);
    for s in SUBS {
        cmd = cmd.mut_subcommand(s.name, |c| sub(c, s));
    }
    let mut cmd = cmd.mut_subcommand(TEMPLATES.name, |c| {
        let mut c = sub(c, &TEMPLATES);
        for s in TEMPLATE_SUBS {
            c = c.mut_subcommand(s.name, |t| sub(t, s));
        }
        c
    });
    // clap adds its `help` command while building: built first, so that
    // its line too is in Chinese.
    cmd.build();
    let said = |h: Command| h.about("显示帮助，或某个命令的帮助");
    cmd.mut_subcommand("help", said)
        .mut_subcommand(TEMPLATES.name, |t| {
            if t.get_subcommands().any(|c| c.get_name() == "help") {
                t.mut_subcommand("help", said)
            } else {
                t
            }
        })
}
