#!/usr/bin/env bash
# Install the system packages the test suite needs, only when they are missing:
# PostgreSQL 15 (throwaway test server), Chromium (browser tests), Redis (rate limits
# shared by several gunicorn workers) and Pango with DejaVu fonts (PDF reports), from
# Debian's apt. Commands named as arguments are installed too, from the package of the same
# name (scripts/install-bench-deps.sh: wrk).
set -euo pipefail

need=()
# the PDF reports (WeasyPrint): Pango for the text, DejaVu for Cyrillic and Kazakh letters
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "${1:-}" = "--pdf-only" ]; then  # `make run` and `make serve`: only what the portal itself needs
  shift
else
  command -v /usr/lib/postgresql/15/bin/initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fi
for extra in "$@"; do
  command -v "$extra" >/dev/null 2>&1 || need+=("$extra")
done

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Need root (or sudo) to apt-get install: ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
