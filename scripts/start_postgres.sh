#!/usr/bin/env bash
# Start a throwaway PostgreSQL on loopback for the history round-trip test, and print its URL.
# Uses Debian's postgresql package (installed with apt when missing). Prints nothing and exits 1
# when no server can be started; the test then skips.
set -u
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null 2>&1 || exit 1
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=${AUDITOR_PG_DIR:-/tmp/auditor-pg}
PORT=${AUDITOR_PG_PORT:-54329}
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd -r postgres >/dev/null 2>&1
  RUN_AS=(runuser -u postgres --)
fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA" && { [ "$(id -u)" != 0 ] || chown postgres "$DATA"; }
  "${RUN_AS[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth=trust >/dev/null 2>&1 || exit 1
fi
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp" -l "$DATA/log" -w start >/dev/null 2>&1 \
  || "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 || exit 1
"${RUN_AS[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='auditor_test'" | grep -q 1 \
  || "${RUN_AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres auditor_test >/dev/null 2>&1 || exit 1
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/auditor_test"
