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

source eng/services.sh
install_missing
# Without them the browser and PostgreSQL tests fail (they never skip), so what is missing shows up in the totals.
start_services

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

# Every failed test again, with the first lines of its message and where it failed, just above the totals: a CI log
# that keeps only its tail still says which test failed and why.
for trx in "$results"/*.trx; do
  awk -v file="$(basename "$trx")" '
    function unescape(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s); return s }
    /<UnitTestResult / {
      failing = ($0 ~ /outcome="(Failed|Error|Timeout|Aborted)"/); part = ""; lines = 0
      if (failing && match($0, /testName="[^"]*"/)) print "FAILED " unescape(substr($0, RSTART + 10, RLENGTH - 11)) " (" file ")"
    }
    failing && /<Message>/ { part = "message"; sub(/.*<Message>/, "") }
    failing && /<StackTrace>/ { part = "stack"; sub(/.*<StackTrace>/, "") }
    failing && part == "message" {
      line = $0; closed = sub(/<\/Message>.*/, "", line)
      if (lines++ < 6) print "    " unescape(line)
      if (closed) part = ""
    }
    failing && part == "stack" {
      line = $0; closed = sub(/<\/StackTrace>.*/, "", line)
      if (line ~ / in .*Tests.*:line [0-9]+/) { print "    " unescape(line); part = "" }
      if (closed) part = ""
    }
    /<\/UnitTestResult>/ { failing = 0 }
  ' "$trx"
done

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
