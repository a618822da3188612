#!/usr/bin/env bash
# What the benchmarks in bench/ need beyond the app: wrk (Debian) for the HTTP load, and
# Flask-Admin, the baseline the visit log is compared with (bench/requirements.txt, into
# the project's virtualenv; it is not a dependency of the portal).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "Need root (or sudo) to apt-get install wrk" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
.venv/bin/pip install -q -r bench/requirements.txt
