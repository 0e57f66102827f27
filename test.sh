#!/usr/bin/env bash
# Runs every test of Vigil: formatting check, build with warnings as errors, then the whole test suite.
# It installs and starts what the tests need by itself: Debian's Chromium for the browser tests, a throwaway
# PostgreSQL cluster (initdb + pg_ctl in a temp folder, on a free loopback port) on which the server's integration
# suite runs a second time, and a redis-server on a free loopback port for the two-node tests; both are stopped at
# the end. SQLite is embedded; each test starts its own server. It ends with
# the totals on a line of their own: "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$(pwd)/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
else
  as_root() { sudo "$@"; }
fi
export DEBIAN_FRONTEND=noninteractive
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> install ${missing[*]}"
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Without them the browser and PostgreSQL tests fail (they never skip), so what is missing shows up in the totals.

# A throwaway PostgreSQL cluster and a redis-server on free loopback ports, stopped and deleted however the run ends.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pg_dir=""
redis_pid=""
stop_services() {
  if [ -n "$pg_dir" ]; then
    run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
  fi
}
trap stop_services EXIT
if [ "$(id -u)" -eq 0 ]; then
  run_pg() { runuser -u postgres -- "$@"; }
else
  run_pg() { "$@"; }
fi
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  return 1
}
if [ -n "$pg_bin" ]; then
  echo "==> start PostgreSQL ($pg_bin)"
  pg_dir=$(mktemp -d /tmp/vigil-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
  pg_port=$(free_port)
  run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  export VIGIL_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi
if command -v redis-server >/dev/null; then
  redis_port=$(free_port)
  echo "==> start redis-server (port $redis_port)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null &
  redis_pid=$!
  export VIGIL_TEST_REDIS="127.0.0.1:$redis_port"
fi

echo "==> restore"
dotnet tool restore >/dev/null
dotnet restore Vigil.slnx

echo "==> format check (dotnet format --verify-no-changes)"
dotnet format Vigil.slnx --verify-no-changes --no-restore

echo "==> build"
dotnet build Vigil.slnx --no-restore -c Release

echo "==> test"
status=0
# One test assembly at a time: the browser tests' timings stay those of a quiet machine on two cores.
dotnet test Vigil.slnx --no-build -c Release --results-directory "$results" \
  --logger "trx" --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=3600000 RunConfiguration.MaxCpuCount=1 || status=$?

echo "==> test the server's integration suite again on PostgreSQL"
VIGIL_TEST_DATABASE=postgres dotnet test tests/Vigil.Server.Tests --no-build -c Release --results-directory "$results" \
  --logger "trx;LogFileName=Vigil.Server.Tests.postgres.trx" --logger "console;verbosity=minimal" \
  -- RunConfiguration.TestSessionTimeout=3600000 || status=$?

# Totals from the TRX files, not from dotnet test's own summary (which CI does not read).
passed=0 failed=0 skipped=0 total=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$((total + $(get total)))
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

if [ "$total" -eq 0 ]; then
  echo "no test was executed" >&2
  status=1
fi
if [ "$failed" -gt 0 ]; then
  status=1
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
