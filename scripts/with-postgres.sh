#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on 127.0.0.1 that is started
# here and always stopped afterwards. The command sees TEST_DATABASE_URL.
#   scripts/with-postgres.sh .venv/bin/pytest
set -euo pipefail

BIN_DIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BIN_DIR" ]; then
  echo "PostgreSQL is not installed (run scripts/install-system-deps.sh)" >&2
  exit 1
fi
PORT=${PG_TEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
DATA_DIR=$(mktemp -d /tmp/observer-portal-pg.XXXXXX)

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$DATA_DIR"; fi

cleanup() {
  as_pg "$BIN_DIR/pg_ctl" -D "$DATA_DIR" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT INT TERM

as_pg "$BIN_DIR/initdb" --no-sync -D "$DATA_DIR" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$BIN_DIR/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
as_pg "$BIN_DIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres observer_portal_test

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/observer_portal_test"
echo "PostgreSQL test server on 127.0.0.1:$PORT"
set +e
"$@"
status=$?
set -e
exit $status
