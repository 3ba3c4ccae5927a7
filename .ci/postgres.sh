# Start a private PostgreSQL cluster on a free port for the test run; exports OPENIMR_TEST_PG_URL.
start_test_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bindir" ]; then
    echo "ci: no PostgreSQL found; store tests against PostgreSQL will be skipped" >&2
    return 0
  fi
  local pgdir=/tmp/openimr-ci-pg
  rm -rf "$pgdir"
  mkdir -p "$pgdir"
  chown -R postgres:postgres "$pgdir" 2>/dev/null || true
  local port=55432
  local run_as=()
  if [ "$(id -u)" = "0" ]; then run_as=(runuser -u postgres --); fi
  "${run_as[@]}" "$bindir/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null
  "${run_as[@]}" "$bindir/pg_ctl" -D "$pgdir/data" -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1" -l "$pgdir/log" -w start >/dev/null
  "${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres openimr_test
  export OPENIMR_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/openimr_test"
  trap 'stop_test_postgres' EXIT
}

stop_test_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  local run_as=()
  if [ "$(id -u)" = "0" ]; then run_as=(runuser -u postgres --); fi
  "${run_as[@]}" "$bindir/pg_ctl" -D /tmp/openimr-ci-pg/data -m fast stop >/dev/null 2>&1 || true
}
