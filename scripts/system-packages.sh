#!/usr/bin/env bash
# Install the Debian packages the portal needs that are missing: WeasyPrint's
# libraries and a CJK font (PDFs), Chromium (browser tests), venv support.
# As root it installs them; otherwise it says what to install and stops.
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0
  libharfbuzz-subset0   # without it WeasyPrint subsets a CJK font in seconds, not a tenth of one
  fonts-noto-cjk        # the CJK font embedded in generated PDFs and used by the browser tests
  chromium              # headless browser tests (Playwright drives /usr/bin/chromium)
  poppler-utils         # pdftotext/pdftoppm, to read generated PDFs in tests
)
python3 -c 'import ensurepip' 2>/dev/null || packages+=(python3-venv)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian system: install the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<MSG
These Debian packages are missing: ${missing[*]}
Install them as root, then run make again:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}
MSG
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
