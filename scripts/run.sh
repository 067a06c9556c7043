#!/usr/bin/env bash
# Runs TempoModular on the embedded default (SQLite under ./data) at http://127.0.0.1:5080.
# Extra arguments go to the host, e.g. --urls http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package.json ] && [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --silent
fi
# dotnet run starts the host in the project's folder; keep the data where the
# README says it is, ./data of the repository, unless configured otherwise.
export Storage__DataFolder="${Storage__DataFolder:-$PWD/data}"
# A 32 MB young generation instead of the runtime's ~2 MB on a small host:
# every issued token lives on in its application's token set, so with the
# small default nearly every collection promoted and issuance ran at ~60 %
# (docs/operations.md, "Memory and the garbage collector"). Only the
# environment can set it; the runtime reads no runtimeconfig knob for it.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x2000000}"
exec dotnet run -c Release --project src/TempoModular.Host -- "$@"
