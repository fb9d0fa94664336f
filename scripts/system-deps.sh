#!/usr/bin/env bash
# Debian packages the tests and reports need, installed only where missing:
# pango (+ harfbuzz-subset for font subsetting) for WeasyPrint (PDF reports),
# poppler-utils (pdftoppm/pdfinfo/pdftotext: PDF checks in tests), a font for both.
set -euo pipefail
need=()
libs=$(ldconfig -p 2>/dev/null || true)
grep -q 'libpango-1.0.so' <<<"$libs" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
grep -q 'libharfbuzz-subset.so' <<<"$libs" || need+=(libharfbuzz-subset0)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
fonts=$(fc-list 2>/dev/null || true)
[ -n "$fonts" ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "warning: missing system packages (${need[*]}); PDF reports and their tests need them" >&2
  exit 0
fi
echo "installing system packages: ${need[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
