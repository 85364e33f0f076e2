# Sourced by .ci/run: a real PostgreSQL server for the store tests (#8), from Debian's packages,
# started in a temporary folder (as the postgres user when we are root) and stopped when CI exits.
# Exports NIANBAO_TEST_PG; without it the PostgreSQL tests skip with a reason.
nianbao_start_postgres() {
  local pgbin pgdir port runas=()
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 1
  fi
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || return 1
  pgdir=$(mktemp -d /tmp/nianbao-pg.XXXXXX)
  port=${NIANBAO_PG_PORT:-55432}
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$pgdir"
    runas=(runuser -u postgres --)
  fi
  "${runas[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null || return 1
  "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/log" \
    -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || return 1
  NIANBAO_PG_STOP="${runas[*]} $pgbin/pg_ctl -D $pgdir/data -m fast stop; rm -rf $pgdir"
  trap 'eval "$NIANBAO_PG_STOP" >/dev/null 2>&1 || true' EXIT
  "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres nianbao_test || return 1
  export NIANBAO_TEST_PG="postgresql://postgres@127.0.0.1:$port/nianbao_test"
}
if [ -z "${NIANBAO_TEST_PG:-}" ]; then
  nianbao_start_postgres || echo "warning: PostgreSQL could not be started; the PostgreSQL store tests will be skipped"
fi
