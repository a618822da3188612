#!/usr/bin/env bash
# The whole suite on SQLite, then all but the browser tests on a throwaway PostgreSQL server.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== ruff =="
$BIN/ruff check . || exit 1
$BIN/ruff format --check --quiet . || { echo "Not formatted: run .venv/bin/ruff format ."; exit 1; }

# Two pytest-xdist workers (the machines have two cores); each has its own database. The
# slowest tests are listed at the end of each run (the suite must stay under six minutes).
echo "== Test suite on SQLite (everything, browser tests included) =="
$BIN/pytest -n 2 --dist worksteal --durations=15 "$@"
sqlite_status=$?

# PostgreSQL runs again what depends on the database engine: the browser tests add the
# browser, not the database, and the engine-independent modules (tests/conftest.py:
# the route × role table, the workflow rules, parsing, messages) have no SQL of their own.
echo "== Test suite on PostgreSQL (what depends on the database engine) =="
scripts/with-postgres.sh $BIN/pytest -n 2 --dist worksteal --durations=15 -m "not browser and not engine_independent" "$@"
pg_status=$?

if [ $sqlite_status -ne 0 ] || [ $pg_status -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_status, PostgreSQL exit $pg_status"
  exit 1
fi
echo "Both database runs passed."
