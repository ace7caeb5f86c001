#!/usr/bin/env bash
# Makes a fresh Debian machine (Node 20 + root) ready for Missive: the Debian packages it needs,
# then the npm packages. Idempotent and quick when everything is already there.
#   scripts/bootstrap.sh        what the demo needs (redis-server)
#   scripts/bootstrap.sh test   what the test suite needs too (postgresql, poppler-utils, qpdf, zbar-tools,
#                               dmtx-utils, spamassassin, chromium)
#   scripts/bootstrap.sh bench  what `npm run bench` needs too (chromium: the HTML→PDF reference)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# DejaVu Sans: the `symbols` fallback font of print layouts (src/render/pdf/fonts.ts).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "$mode" = "test" ]; then
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
  command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools) # decodes the QR codes and barcodes we draw
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
  command -v dmtxread >/dev/null 2>&1 || need+=(dmtx-utils) # decodes the DataMatrix marks on print-stream sheets
  command -v spamassassin >/dev/null 2>&1 || need+=(spamassassin) # scores the marketing e-mails offline (-L)
fi
if [ "$mode" = "test" ] || [ "$mode" = "bench" ]; then
  # Debian's Chromium, driven by playwright-core (never a downloaded browser): browser tests, HTML→PDF bench.
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi

if [ "${#need[@]}" -gt 0 ]; then
  install_line="apt-get update && apt-get install -y ${need[*]}"
  if [ "$(id -u)" = "0" ]; then
    echo "missive: installing Debian packages: ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "missive: installing Debian packages with sudo: ${need[*]}" >&2
    sudo -n sh -c "DEBIAN_FRONTEND=noninteractive $install_line -qq" >&2
  else
    echo "missive: these Debian packages are missing: ${need[*]}" >&2
    echo "missive: run as root:  $install_line" >&2
    exit 1
  fi
fi

# npm packages: install when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional binaries (biome,
  # msgpackr-extract) out of the lockfile and `npm ci` then refuses it; install keeps the locked versions.
  echo "missive: installing npm packages (npm install)" >&2
  npm install --no-audit --no-fund >&2
fi

# The compiled CLI (dist/, what bin/missive.js runs): built when missing or older than src/.
node scripts/build.mjs --if-stale
