#!/usr/bin/env bash
# What the benchmarks in bench/ need beyond the app: wrk (Debian) for the HTTP load, and
# Flask-Admin, the baseline the visit log is compared with (bench/requirements.txt, into
# the project's virtualenv; it is not a dependency of the portal).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-system-deps.sh wrk
.venv/bin/pip install -q -r bench/requirements.txt
