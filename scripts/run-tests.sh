#!/usr/bin/env bash
# The whole suite twice: on SQLite, then on a throwaway PostgreSQL server.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== ruff =="
$BIN/ruff check . || exit 1

echo "== Test suite on SQLite =="
$BIN/pytest "$@"
sqlite_status=$?

echo "== Test suite on PostgreSQL =="
scripts/with-postgres.sh $BIN/pytest "$@"
pg_status=$?

if [ $sqlite_status -ne 0 ] || [ $pg_status -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_status, PostgreSQL exit $pg_status"
  exit 1
fi
echo "Both database runs passed."
