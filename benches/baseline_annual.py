#!/usr/bin/env python3
"""Issue-16 baseline: the yearly archive job written as a plain Python script.

This is NOT part of lvzhi. It exists only so the claim in issue #16 ("the
sample district's `lvzhi annual --year 2025` stays at least 30x faster than a
pandas + openpyxl + python-docx script doing the yearly archive job") has a
concrete script to time against. It is written the way a competent Python
developer would write it (pandas for reading/aggregation, openpyxl through
pandas' ExcelWriter for the summary, python-docx for the per-delegate
documents), without deliberate slowness and without heroic optimisation.

    python3 benches/baseline_annual.py --input input --output /tmp/out --year 2025

It does:
  1. read DIR/代表名册.xlsx and every DIR/<year>/*.xlsx with pandas
     (engine openpyxl); header rows are found below any title rows, common
     header aliases are normalised (时间→日期, 代表姓名→姓名, 出席状态→出席情况),
     full-width IDs (Ｄ０２６) are normalised, text dates (2025年1月9日) parsed;
     record sheets: 出席记录, 签到表 (wide sign-in sheet, √/○/×), 履职活动,
     联系群众, 代表建议, 述职评议, 通报表彰 (if present);
     .xls/.ods files are read only if xlrd/odfpy are importable, else skipped
     and reported;
  2. aggregates per delegate: 区人代会 应出席/出席/请假/缺席, other meetings
     attended, activities by kind, 联系群众 receptions, suggestions led/cosigned,
     reports to voters and the votes, commendations;
  3. writes <output>/履职档案汇总.xlsx (one row per delegate);
  4. writes one .docx per delegate: <output>/履职档案/<group>/<id>_<name>.docx
     (title, basic-info table, one paragraph + one table per section).

It does not validate rows with fix hints, write a validation report, Parquet,
scores, the yearly report or the chairperson's-meeting documents, and it does
not lay documents out to GB/T 9704.
"""
import argparse
import glob
import os
import re
import sys
import unicodedata
from collections import defaultdict

import pandas as pd
from docx import Document
from docx.shared import Pt

ALIASES = {"时间": "日期", "代表姓名": "姓名", "出席状态": "出席情况", "姓 名": "姓名"}
KNOWN_HEADERS = {"日期", "代表编号", "姓名", "建议编号", "领衔代表", "家站/联络站", "代表"}
SIGN = {"√": "出席", "○": "请假", "×": "缺席"}
DATE_RE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")


def norm_id(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    s = unicodedata.normalize("NFKC", str(v)).strip().upper()
    return s or None


def parse_date(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return pd.NaT
    if isinstance(v, pd.Timestamp):
        return v
    if hasattr(v, "year"):
        return pd.Timestamp(v)
    s = unicodedata.normalize("NFKC", str(v))
    m = DATE_RE.search(s)
    if m:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return pd.to_datetime(s, errors="coerce")


def split_names(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return []
    return [p.strip() for p in re.split(r"[、，,；;\s]+", str(v)) if p.strip()]


def frame_with_header(raw):
    """Find the header row (first row with a known header name) below title rows."""
    for i in range(min(len(raw), 6)):
        row = [str(x).strip() if pd.notna(x) else "" for x in raw.iloc[i]]
        row = [ALIASES.get(x, x) for x in row]
        if KNOWN_HEADERS & set(row):
            df = raw.iloc[i + 1:].copy()
            df.columns = [c if c else f"_{j}" for j, c in enumerate(row)]
            return df.dropna(how="all")
    return None


def read_workbook(path):
    ext = os.path.splitext(path)[1].lower()
    engine = {".xlsx": "openpyxl", ".xls": "xlrd", ".ods": "odf"}[ext]
    return pd.read_excel(path, sheet_name=None, header=None, engine=engine, dtype=object)


def load(input_dir, year):
    roster = pd.read_excel(os.path.join(input_dir, "代表名册.xlsx"), engine="openpyxl", dtype=object)
    roster["代表编号"] = roster["代表编号"].map(norm_id)
    roster["状态变更日期"] = roster["状态变更日期"].map(parse_date)
    year_start = pd.Timestamp(year, 1, 1)
    serving = (roster["代表状态"] == "在任") | (roster["状态变更日期"] >= year_start)
    roster = roster[serving].reset_index(drop=True)
    name_to_id = {}
    for i, n in zip(roster["代表编号"], roster["姓名"]):
        name_to_id.setdefault(n, []).append(i)
    name_to_id = {n: ids[0] for n, ids in name_to_id.items() if len(ids) == 1}

    parts = defaultdict(list)
    stats = {"files": 0, "skipped": [], "rows": 0}
    files = sorted(glob.glob(os.path.join(input_dir, str(year), "*")))
    for path in files:
        ext = os.path.splitext(path)[1].lower()
        if ext not in (".xlsx", ".xls", ".ods"):
            continue
        unit = re.sub(r"_\d{4}Q\d$", "", os.path.splitext(os.path.basename(path))[0])
        try:
            sheets = read_workbook(path)
        except ImportError as e:
            stats["skipped"].append(f"{os.path.basename(path)} ({e.__class__.__name__}: {e})")
            continue
        stats["files"] += 1
        for sheet, raw in sheets.items():
            df = frame_with_header(raw)
            if df is None or df.empty:
                continue
            if sheet == "签到表":
                meetings = [c for c in df.columns if c not in ("代表编号", "姓名") and not c.startswith("_")]
                long = df.melt(id_vars=["代表编号", "姓名"], value_vars=meetings,
                               var_name="会议", value_name="标记").dropna(subset=["标记"])
                long["出席情况"] = long["标记"].map(SIGN)
                long["会议名称"] = long["会议"].str.rsplit(" ", n=1).str[0].map(
                    lambda s: "区" + s if s.startswith("第") else s)
                long["日期"] = long["会议"].str.rsplit(" ", n=1).str[1].map(
                    lambda s: parse_date(f"{year}年{s}"))
                long["会议类别"] = long["会议名称"].map(
                    lambda s: "区人代会" if "人民代表大会" in s else "其他会议")
                df, kind = long, "出席记录"
            else:
                kind = sheet
            stats["rows"] += len(df)
            df = df.assign(来源=f"{os.path.basename(path)}/{sheet}", 报送单位=unit)
            parts[kind].append(df)

    data = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    for k, df in list(data.items()):
        for c in ("日期", "提出日期"):
            if c in df:
                df[c] = df[c].map(parse_date)
        if "代表编号" in df:
            df["代表编号"] = df["代表编号"].map(norm_id)
            data[k] = df.dropna(subset=["代表编号"])
    # the same meeting/activity is often reported by both a group and an office
    if "出席记录" in data:
        data["出席记录"] = data["出席记录"].drop_duplicates(subset=["日期", "会议名称", "代表编号"])
    if "履职活动" in data:
        data["履职活动"] = data["履职活动"].drop_duplicates(subset=["日期", "活动名称", "代表编号"])
    if "代表建议" in data:
        data["代表建议"] = data["代表建议"].drop_duplicates(subset=["建议编号"])
    return roster, data, name_to_id, stats


def aggregate(roster, data, name_to_id):
    s = roster[["代表编号", "姓名", "代表小组"]].set_index("代表编号")
    att = data.get("出席记录", pd.DataFrame(columns=["代表编号", "会议类别", "出席情况"]))
    npc = att[att["会议类别"] == "区人代会"]
    tab = pd.crosstab(npc["代表编号"], npc["出席情况"])
    for c in ("出席", "请假", "缺席"):
        s[f"区人代会{c}"] = tab[c].reindex(s.index).fillna(0).astype(int) if c in tab else 0
    s.insert(2, "区人代会应出席", s[["区人代会出席", "区人代会请假", "区人代会缺席"]].sum(axis=1))
    other = att[(att["会议类别"] != "区人代会") & att["出席情况"].isin(["出席", "列席"])]
    s["其他会议出席"] = other.groupby("代表编号").size().reindex(s.index).fillna(0).astype(int)

    act = data.get("履职活动", pd.DataFrame(columns=["代表编号", "活动类别"]))
    kinds = pd.crosstab(act["代表编号"], act["活动类别"].fillna("其他"))
    for k in kinds.columns:
        s[f"活动·{k}"] = kinds[k].reindex(s.index).fillna(0).astype(int)
    s["活动合计"] = act.groupby("代表编号").size().reindex(s.index).fillna(0).astype(int)

    contact = data.get("联系群众")
    if contact is not None:
        ex = contact.assign(代表编号=contact["代表"].map(lambda v: [name_to_id.get(n) for n in split_names(v)]))
        ex = ex.explode("代表编号").dropna(subset=["代表编号"])
        data["联系群众_展开"] = ex
        s["联系群众次数"] = ex.groupby("代表编号").size().reindex(s.index).fillna(0).astype(int)
        s["接待群众人数"] = ex.groupby("代表编号")["接待群众人数"].sum().reindex(s.index).fillna(0).astype(int)

    sug = data.get("代表建议")
    if sug is not None:
        lead = sug.assign(代表编号=sug["领衔代表"].map(lambda v: name_to_id.get(str(v).strip())))
        co = sug.assign(代表编号=sug["附议代表"].map(lambda v: [name_to_id.get(n) for n in split_names(v)]))
        co = co.explode("代表编号").dropna(subset=["代表编号"])
        data["建议_领衔"], data["建议_附议"] = lead, co
        s["建议领衔"] = lead.groupby("代表编号").size().reindex(s.index).fillna(0).astype(int)
        s["建议附议"] = co.groupby("代表编号").size().reindex(s.index).fillna(0).astype(int)

    rep = data.get("述职评议")
    if rep is not None:
        g = rep.groupby("代表编号")
        s["述职次数"] = g.size().reindex(s.index).fillna(0).astype(int)
        for c in ("选民代表人数", "满意", "基本满意", "不满意"):
            s[f"述职{c}"] = g[c].sum().reindex(s.index).fillna(0).astype(int)
    com = data.get("通报表彰")
    s["通报表彰"] = (com.groupby("代表编号").size().reindex(s.index).fillna(0).astype(int)
                 if com is not None else 0)
    return s.reset_index()


def fmt(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def add_table(doc, df, cols):
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    for cell, c in zip(t.rows[0].cells, cols):
        cell.text = c
    for rec in df[cols].itertuples(index=False):
        for cell, v in zip(t.add_row().cells, rec):
            cell.text = fmt(v)


SECTIONS = [
    ("一、出席会议情况", "出席记录", ["日期", "会议类别", "会议名称", "出席情况", "报送单位"]),
    ("二、参加履职活动情况", "履职活动", ["日期", "活动类别", "活动名称", "报送单位"]),
    ("三、联系群众情况", "联系群众_展开", ["日期", "家站/联络站", "接待群众人数", "收集意见建议条数", "办理结果"]),
    ("四、领衔提出建议情况", "建议_领衔", ["建议编号", "标题", "承办单位", "办理结果", "代表满意度"]),
    ("五、附议建议情况", "建议_附议", ["建议编号", "标题", "领衔代表", "承办单位"]),
    ("六、向选民述职情况", "述职评议", ["日期", "述职形式", "选民代表人数", "满意", "基本满意", "不满意"]),
    ("七、通报表彰情况", "通报表彰", None),
]
INFO = ["代表编号", "姓名", "性别", "出生日期", "民族", "政治面貌", "工作单位及职务",
        "代表小组", "选区", "职业构成", "代表状态"]


def write_docs(out_dir, year, roster, summary, data):
    by_id = {k: dict(tuple(df.groupby("代表编号"))) for k, df in data.items() if "代表编号" in df}
    summ = summary.set_index("代表编号")
    n = 0
    for rec in roster.to_dict("records"):
        did, group = rec["代表编号"], rec["代表小组"]
        d = os.path.join(out_dir, "履职档案", str(group))
        os.makedirs(d, exist_ok=True)
        doc = Document()
        doc.styles["Normal"].font.size = Pt(10.5)
        doc.add_heading(f"{rec['姓名']}同志{year}年度履职档案", level=1)
        t = doc.add_table(rows=0, cols=4)
        t.style = "Table Grid"
        for i in range(0, len(INFO), 2):
            cells = t.add_row().cells
            for j, key in enumerate(INFO[i:i + 2]):
                cells[2 * j].text = key
                cells[2 * j + 1].text = fmt(rec.get(key))
        row = summ.loc[did]
        for title, key, cols in SECTIONS:
            doc.add_heading(title, level=2)
            recs = by_id.get(key, {}).get(did)
            count = 0 if recs is None else len(recs)
            if key == "出席记录":
                text = (f"应出席区人代会{row['区人代会应出席']}次，出席{row['区人代会出席']}次，"
                        f"请假{row['区人代会请假']}次，缺席{row['区人代会缺席']}次；"
                        f"出席其他会议{row['其他会议出席']}次。")
            elif key == "述职评议" and count:
                text = (f"本年度述职{count}次，选民代表{row['述职选民代表人数']}人，满意{row['述职满意']}票、"
                        f"基本满意{row['述职基本满意']}票、不满意{row['述职不满意']}票。")
            else:
                text = f"本年度共{count}条记录。"
            doc.add_paragraph(text)
            if count:
                use = cols or [c for c in recs.columns if not c.startswith("_") and c not in ("来源",)]
                add_table(doc, recs.sort_values(use[0]) if use[0] == "日期" else recs,
                          [c for c in use if c in recs.columns])
        doc.save(os.path.join(d, f"{did}_{rec['姓名']}.docx"))
        n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--year", type=int, required=True)
    a = ap.parse_args()
    os.makedirs(a.output, exist_ok=True)
    roster, data, name_to_id, stats = load(a.input, a.year)
    summary = aggregate(roster, data, name_to_id)
    with pd.ExcelWriter(os.path.join(a.output, "履职档案汇总.xlsx"), engine="openpyxl") as xw:
        summary.to_excel(xw, sheet_name="履职档案汇总", index=False)
    n = write_docs(a.output, a.year, roster, summary, data)
    print(f"read {stats['files']} workbooks, {stats['rows']} rows; "
          f"summary rows {len(summary)}; docx {n}")
    for s in stats["skipped"]:
        print(f"skipped (rows not read): {s}", file=sys.stderr)


if __name__ == "__main__":
    main()
