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
exec dotnet run -c Release --project src/TempoModular.Host -- "$@"
