#!/usr/bin/env python3
"""Packs one download: the binary, the sample district, the templates and 使用说明.

    python3 dist/pack.py PLATFORM BINARY OUT_FILE

PLATFORM is windows-x86_64, linux-x86_64 or linux-aarch64. The archive is
deterministic: sorted entries, fixed times (SOURCE_DATE_EPOCH) and owners, so the same
tree packs to the same bytes. Zip names carry the UTF-8 flag (Chinese file names open
right in Windows Explorer, WPS and 7-Zip); the 使用说明 for Windows is UTF-8 with a
BOM and CRLF line ends so Notepad shows it right.
"""
import gzip
import io
import os
import sys
import tarfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WINDOWS = {
    "程序": "lvzhi.exe",
    "启动": "双击 lvzhi.exe。",
    "关闭": "用完后关掉随之打开的黑色命令行窗口，工作台即退出。",
    "终端": "命令提示符（在文件夹窗口的地址栏输入 cmd 后回车）",
    "命令": "lvzhi.exe",
    "环境": "Windows 10 或 Windows 11（64 位）。Windows 7 不能运行（缺少程序需要的系统组件）。",
}
LINUX = {
    "程序": "lvzhi",
    "启动": "在本文件夹中打开终端，运行 ./lvzhi （不带参数即启动工作台）。",
    "关闭": "用完后在终端中按 Ctrl+C，工作台即退出。",
    "终端": "终端",
    "命令": "./lvzhi",
}
ENV_LINUX = {
    "linux-x86_64": "64 位 x86 的 Linux 桌面（统信 UOS、银河麒麟等），glibc 2.17 及以上。",
    "linux-aarch64": "ARM64（aarch64）的信创 Linux 桌面（统信 UOS、银河麒麟等，飞腾、鲲鹏等处理器），glibc 2.17 及以上。",
}


def readme(platform):
    with open(os.path.join(ROOT, "dist", "使用说明.txt"), encoding="utf-8") as f:
        text = f.read()
    if platform.startswith("windows"):
        words = WINDOWS
    else:
        words = dict(LINUX, 环境=ENV_LINUX[platform])
        text = text.replace("\\", "/")
    for key, value in words.items():
        text = text.replace("{" + key + "}", value)
    if "{" in text:
        sys.exit("使用说明.txt 中有未替换的占位符")
    if platform.startswith("windows"):
        return "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def tree(folder):
    """Files under ROOT/folder, sorted, as archive-relative names."""
    out = []
    for base, dirs, files in os.walk(os.path.join(ROOT, folder)):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(base, name)
            out.append(os.path.relpath(full, ROOT).replace(os.sep, "/"))
    return sorted(out)


def entries(platform, binary):
    """(name in archive, bytes, executable) in archive order."""
    exe = "lvzhi.exe" if platform.startswith("windows") else "lvzhi"
    with open(binary, "rb") as f:
        yield exe, f.read(), True
    for name in tree("input") + tree("templates"):
        with open(os.path.join(ROOT, name), "rb") as f:
            yield name, f.read(), False
    yield "使用说明.txt", readme(platform), False


def main():
    platform, binary, out = sys.argv[1:4]
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))
    top = os.path.basename(out)
    for suffix in (".zip", ".tar.gz"):
        if top.endswith(suffix):
            top = top[: -len(suffix)]
    tmp = out + ".part"
    if out.endswith(".zip"):
        stamp = time.gmtime(epoch)[:6]
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for name, data, _ in entries(platform, binary):
                info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
                info.create_system = 0  # MS-DOS: what Windows' own zip writes
                info.external_attr = 0
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
    else:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
            for name, data, executable in entries(platform, binary):
                info = tarfile.TarInfo(f"{top}/{name}")
                info.size = len(data)
                info.mtime = epoch
                info.mode = 0o755 if executable else 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                t.addfile(info, io.BytesIO(data))
        with open(tmp, "wb") as f:
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
                g.write(raw.getvalue())
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
