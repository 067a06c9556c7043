#!/usr/bin/env bash
# Runs every test of TempoModular on a fresh Debian 12 machine: installs what the
# tests need (PostgreSQL, Chromium, the npm packages), starts PostgreSQL, then
# runs the whole solution's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

scripts/postgres.sh

if [ -f package.json ]; then
  npm ci --no-audit --no-fund --silent
fi

# The browser tests (tests/TempoModular.Browser.Tests) drive Debian's Chromium
# above through Microsoft.Playwright, whose driver (node and its package) ships
# inside the NuGet package. Nothing may download a browser of its own: the tests
# launch /usr/bin/chromium by path and fail when it is missing.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

export TEMPO_TEST_POSTGRES="${TEMPO_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=tempo;Password=tempo;Database=postgres;Timeout=15}"
# Minimal verbosity prints one "Passed!/Failed!  - Failed: F, Passed: P, ..." line per
# test project; the totals of those lines close the run.
log=$(mktemp)
set +e
dotnet test TempoModular.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The Authorization tests once more on stock OpenIddict (issue 12): with the
# token-path optimizations off, an OpenIddict upgrade is checked against its own behaviour.
Authorization__TokenPathOptimizations=false dotnet test tests/TempoModular.Authorization.Tests "$@" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ { failed += $2; passed += $4; skipped += $6 }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
rm -f "$log"
exit "$status"
