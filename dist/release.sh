#!/usr/bin/env bash
# Builds, packs and checks the downloads:
#
#   bash dist/release.sh [linux-x86_64] [windows-x86_64] [linux-aarch64]
#
# (no argument: all three). Each lands in release/ as lvzhi-<version>-<platform>.zip
# or .tar.gz. Then every build runs the sample district's yearly, end-of-term,
# quarterly and public jobs (Windows under Wine, ARM under qemu) and every output file
# is compared byte for byte with the Linux x86_64 build's. The result is printed and
# kept in release/检查结果.txt. Run it on a clean checkout: the packages take input/
# and templates/ from the working tree.
#
# Linux builds link through zig against glibc 2.17 (UOS 20 and Kylin V10 ship 2.28);
# Windows links with Debian's mingw-w64. Each target takes 30-60 minutes on 2 cores
# the first time; the target directory is reused (CARGO_TARGET_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lvzhi-target}"
export CARGO_TERM_COLOR=never
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 1767225600)}"
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
OUT="$ROOT/release"
GLIBC_MAX=2.17
YEAR=2025
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(linux-x86_64 windows-x86_64 linux-aarch64)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
REPORT="$OUT/检查结果.txt"

say() { printf '%s\n' "$*" | tee -a "$WORK/report"; }

install_tools() {
  local need=()
  command -v x86_64-w64-mingw32-gcc-posix >/dev/null || need+=(gcc-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64)
  command -v wine >/dev/null || need+=(wine wine64)
  command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
  [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
  command -v aarch64-linux-gnu-objdump >/dev/null || need+=(binutils-aarch64-linux-gnu)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  command -v cargo-zigbuild >/dev/null || pip install -q cargo-zigbuild
  rustup target add x86_64-unknown-linux-gnu x86_64-pc-windows-gnu aarch64-unknown-linux-gnu >/dev/null
}

triple() {
  case "$1" in
    linux-x86_64) echo x86_64-unknown-linux-gnu ;;
    linux-aarch64) echo aarch64-unknown-linux-gnu ;;
    windows-x86_64) echo x86_64-pc-windows-gnu ;;
    *) echo "未知的平台：$1（可选 linux-x86_64、windows-x86_64、linux-aarch64）" >&2; exit 2 ;;
  esac
}

binary() {
  local exe=lvzhi
  [ "$1" = windows-x86_64 ] && exe=lvzhi.exe
  echo "$CARGO_TARGET_DIR/$(triple "$1")/dist/$exe"
}

package() {
  case "$1" in
    windows-*) echo "$OUT/lvzhi-$VERSION-$1.zip" ;;
    *) echo "$OUT/lvzhi-$VERSION-$1.tar.gz" ;;
  esac
}

build() {
  local t=$1 start=$SECONDS
  case "$t" in
    windows-x86_64)
      CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc-posix \
        CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc-posix \
        cargo build --locked --profile dist --bin lvzhi --target "$(triple "$t")" ;;
    *)
      cargo zigbuild --locked --profile dist --bin lvzhi --target "$(triple "$t").$GLIBC_MAX" ;;
  esac
  say "$t：构建用时 $(((SECONDS - start) / 60)) 分钟"
}

# The newest GLIBC symbol version the binary needs must be at most GLIBC_MAX.
check_glibc() {
  local t=$1 objdump=objdump newest
  [ "$t" = linux-aarch64 ] && objdump=aarch64-linux-gnu-objdump
  newest=$($objdump -T "$(binary "$t")" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
  if [ "$(printf '%s\n%s\n' "$newest" "$GLIBC_MAX" | sort -V | tail -n1)" != "$GLIBC_MAX" ]; then
    say "$t：失败，需要 GLIBC_$newest，高于 $GLIBC_MAX"
    return 1
  fi
  say "$t：所需 glibc 最高 $newest（不高于 $GLIBC_MAX）"
}

# A Wine prefix of our own with the ProcessPrng shim (Wine 8.0 lacks it).
wine_prefix() {
  export WINEPREFIX="$WORK/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
  if [ ! -d "$WINEPREFIX" ]; then
    wineboot -i >/dev/null 2>&1 || true
    x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
      dist/processprng.c dist/processprng.def -ladvapi32
  fi
}

# Runs one build on a fresh copy of the sample district; outputs in $WORK/run-<t>.
run_sample() {
  local t=$1 dir="$WORK/run-$1" bin
  bin=$(binary "$t")
  rm -rf "$dir" && mkdir -p "$dir" && cp -r input "$dir/input" && cp -r templates "$dir/templates"
  local runner=()
  case "$t" in
    windows-x86_64) wine_prefix; runner=(wine) ;;
    linux-aarch64) runner=(qemu-aarch64-static -L /usr/aarch64-linux-gnu) ;;
  esac
  (
    cd "$dir"
    for job in "annual --year $YEAR" "term" "quarterly --year $YEAR --quarter 3" "public --year $YEAR"; do
      set -- $job
      "${runner[@]}" "$bin" "$@" --input input --output reports >"stdout-$1.txt" 2>"stderr-$1.txt"
    done
  ) || { say "$t：运行示例区失败（见 $dir/stderr-*.txt）"; cp -r "$dir" "$OUT/failed-run-$t"; return 1; }
}

# Every output file of a build against the Linux x86_64 build's, byte for byte.
compare() {
  local t=$1 ref="$WORK/run-linux-x86_64/reports" got="$WORK/run-$1/reports" n
  n=$(find "$ref" -type f | wc -l)
  if diff -r -q "$ref" "$got" >"$WORK/diff-$t.txt"; then
    say "$t：示例区年度、届末、季度和公开版工作的 $n 个输出文件与 linux-x86_64 逐字节相同"
  else
    say "$t：失败，$(wc -l <"$WORK/diff-$t.txt") 个文件与 linux-x86_64 不同："
    head -n 20 "$WORK/diff-$t.txt" | tee -a "$WORK/report"
    return 1
  fi
}

install_tools
: >"$WORK/report"
say "lvzhi $VERSION，$(git rev-parse --short HEAD 2>/dev/null || echo 未知版本)，$(date -u +%F)"
# The reference build runs first: every other build is compared with it.
order=(linux-x86_64)
for t in "${TARGETS[@]}"; do triple "$t" >/dev/null; [ "$t" = linux-x86_64 ] || order+=("$t"); done
status=0
for t in "${order[@]}"; do
  build "$t"
  case "$t" in linux-*) check_glibc "$t" || status=1 ;; esac
  python3 dist/pack.py "$t" "$(binary "$t")" "$(package "$t")"
  say "$t：$(basename "$(package "$t")")，$(du -k "$(package "$t")" | cut -f1) KB（程序 $(du -k "$(binary "$t")" | cut -f1) KB）"
  run_sample "$t" || { status=1; continue; }
  [ "$t" = linux-x86_64 ] || compare "$t" || status=1
done
[ $status -eq 0 ] && say "全部通过" || say "有失败项"
cp "$WORK/report" "$REPORT"
exit $status
