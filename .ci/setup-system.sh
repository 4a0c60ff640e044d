#!/usr/bin/env bash
# Installs the system packages the build and the tests need (CJK fonts with a real Bold face,
# HarfBuzz's subsetter for small PDFs, Pango for WeasyPrint, Chromium for the browser tests,
# poppler-utils and poppler-data to read PDFs back, LibreOffice Calc without a GUI for the review
# sheet's round trip through another office suite, Node's npm for pdf.js in the form tests).
# Idempotent: does nothing when all are present.
set -euo pipefail
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils poppler-data git
  nodejs libreoffice-calc-nogui)
# pdf.js (npm package pdfjs-dist, pinned in tests/pdfjs/package-lock.json) for the tests that
# render the fillable form in Chromium; runs after the system packages are there.
pdfjs() {
  local dir
  dir="$(dirname "$0")/../tests/pdfjs"
  [ -f "$dir/node_modules/pdfjs-dist/build/pdf.mjs" ] && return 0
  if ! command -v npm >/dev/null; then  # Debian's nodejs comes without npm; NodeSource's with
    [ "$(id -u)" -eq 0 ] || { echo "缺少 npm / missing npm: apt-get install -y npm" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  echo "npm ci (tests/pdfjs)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then pdfjs; exit $?; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包 / missing system packages: ${missing[*]}" >&2
  echo "请以 root 运行 / run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
pdfjs
