#!/usr/bin/env bash
# The full load benchmark (about 30 minutes on 2 cores): builds the load program and the baselines, starts a
# throwaway PostgreSQL and redis-server pinned to the servers' CPU, runs every server through every scenario and
# writes the table to bench/results/load-<date>.md. Extra arguments go to the load program (e.g. --smoke,
# --targets b1 sqlite, --scenarios ingest roundtrip).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source eng/services.sh
install_missing
# The load program pins servers to the first half of the CPUs and itself to the rest; the databases go with the servers.
SERVICES_CPUS=0-$(( $(nproc) / 2 - 1 ))
export SERVICES_CPUS
start_services

dotnet build bench/Vigil.LoadTest -c Release -v quiet -nologo
mkdir -p bench/results
out="bench/results/load-$(date -u +%Y-%m-%d).md"
dotnet bench/Vigil.LoadTest/bin/Release/net10.0/Vigil.LoadTest.dll --out "$out" "$@"
echo "table written to $out"
