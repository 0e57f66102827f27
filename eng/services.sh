# Sourced by test.sh and bench/run.sh: installs Debian's Chromium, PostgreSQL, redis-server and the two XMPP servers
# the load benchmark compares against (prosody, ejabberd; the load program starts its own instances) when missing, starts a
# throwaway PostgreSQL cluster (initdb + pg_ctl in a temp folder, as the postgres user, on a free loopback port) and a
# redis-server on a free loopback port, exports VIGIL_TEST_POSTGRES and VIGIL_TEST_REDIS, and stops and deletes both
# however the caller ends (EXIT trap). Set SERVICES_CPUS (a taskset CPU list) to pin both servers.

# run_pg: as the postgres user when we are root (PostgreSQL refuses to run as root), pinned when asked.
run_pg() {
  local command=("$@")
  [ "$(id -u)" -eq 0 ] && command=(runuser -u postgres -- "${command[@]}")
  pinned "${command[@]}"
}

pinned() {
  if [ -n "${SERVICES_CPUS:-}" ]; then taskset -c "$SERVICES_CPUS" "$@"; else "$@"; fi
}

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
else
  as_root() { sudo "$@"; }
fi

install_missing() {
  export DEBIAN_FRONTEND=noninteractive
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -x /usr/bin/prosody ] || missing+=(prosody)
  [ -x /usr/sbin/ejabberdctl ] || missing+=(ejabberd)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> install ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

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

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
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

start_services() {
  trap stop_services EXIT
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$pg_bin" ]; then
    echo "==> start PostgreSQL ($pg_bin)"
    pg_dir=$(mktemp -d /tmp/vigil-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
    local pg_port
    pg_port=$(free_port)
    run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
      -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    export VIGIL_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  fi
  if command -v redis-server >/dev/null; then
    local redis_port
    redis_port=$(free_port)
    echo "==> start redis-server (port $redis_port)"
    # A plain command in the background, not the pinned function: a function runs in a subshell, $! would be that
    # subshell, and killing it left redis-server running after the tests.
    local redis=(redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no)
    if [ -n "${SERVICES_CPUS:-}" ]; then
      taskset -c "$SERVICES_CPUS" "${redis[@]}" >/dev/null &
    else
      "${redis[@]}" >/dev/null &
    fi
    redis_pid=$!
    export VIGIL_TEST_REDIS="127.0.0.1:$redis_port"
  fi
}
