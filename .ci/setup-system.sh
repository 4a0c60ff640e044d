#!/usr/bin/env bash
# Installs the system packages the build and the tests need (CJK fonts with a real Bold face,
# HarfBuzz's subsetter for small PDFs, Pango for WeasyPrint, Chromium for the browser tests,
# poppler-utils to read PDFs back, LibreOffice Calc without a GUI for the review sheet's round trip
# through another office suite). Idempotent: does nothing when all are present.
set -euo pipefail
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils git
  libreoffice-calc-nogui)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包 / missing system packages: ${missing[*]}" >&2
  echo "请以 root 运行 / run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
