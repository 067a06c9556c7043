#!/usr/bin/env bash
# The standard load run, in one command: builds Release, starts the host on the
# embedded default (SQLite) in a fresh temporary data folder with a generated
# administrator password, pinned to CPU 0; waits until it is ready; runs the
# standard suite pinned to CPU 1; stops the host (always), restarts it three
# times on the data folder the suite filled to time start-up to ready there,
# and prints where the report is. The runner also measures the host's RSS per
# active token, and issuance into an application holding a million active tokens.
#
# Extra arguments go to the runner, e.g.
#   scripts/bench.sh --duration 10s --warmup 3s --max-p99-ms 5 --max-error-rate 0.001
# Environment: BENCH_PORT (5080), BENCH_SILO_PORT (11111), BENCH_REPORT_DIR.
# Exit code: the runner's (0 pass, 1 a threshold missed, 3 setup failed).
#
#   scripts/bench.sh --peers
# instead runs the side-by-side bench of ../shared/peers (its run.sh: wrk against
# each peer server and this checkout, built Release, as the contestant
# tempo-modular) and prints its table. TEMPO_PEERS_DIR names the peers folder
# when it is not ../shared/peers beside the checkout; CONTESTANTS, WARMUP,
# DURATION, CONCURRENCY and NO_BUILD pass through to it (see its README.md).
# The OAuth rate limits are lifted for both runs (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

# The host runs with the young-generation size scripts/run.sh gives it.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x2000000}"

# Both runs measure the token path, not the OAuth rate limiter: ours (2,000
# requests/s per client id and per source address by default) would answer
# most of the load from one loopback address 429 (the standard suite's closed
# token run counted 239,837 of them). The host inherits these.
export RateLimits__OAuth__PerClientId__PermitsPerSecond=1000000 RateLimits__OAuth__PerClientId__Burst=1000000
export RateLimits__OAuth__PerSource__PermitsPerSecond=1000000 RateLimits__OAuth__PerSource__Burst=1000000

if [ "${1:-}" = "--peers" ]; then
  peers="${TEMPO_PEERS_DIR:-../shared/peers}"
  if [ ! -x "$peers/run.sh" ]; then
    echo "No peers bench at $peers/run.sh; set TEMPO_PEERS_DIR to the folder holding it." >&2
    exit 3
  fi
  exec "$peers/run.sh" "$PWD"
fi

port="${BENCH_PORT:-5080}"
url="http://127.0.0.1:${port}"
report="${BENCH_REPORT_DIR:-load-tests/reports/$(date +%Y%m%d-%H%M%S)}"
data="$(mktemp -d -t tempo-bench-XXXXXX)"
password="$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
host_pid=""

stop_host() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill -TERM "$host_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  host_pid=""
}
cleanup() {
  stop_host
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# The host and the load generator each get a core of their own, so neither
# steals the other's CPU; on a single-core machine both run unpinned.
pin_host=() pin_runner=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  pin_host=(taskset -c 0) pin_runner=(taskset -c 1)
else
  echo "warning: taskset or a second core is missing; host and runner share the CPUs" >&2
fi

echo "Building (Release)..."
dotnet build -c Release -nologo -v quiet src/TempoModular.Host
dotnet build -c Release -nologo -v quiet load-tests/TempoModular.LoadTests

mkdir -p "$report"

# Starts the host on $data, pinned, and waits for /health/ready; sets host_pid
# and ready_s, the wall time from the start to the first ready answer (polled
# every 50 ms). The log goes to $report/$1.
start_host() {
  local log="$report/$1" started attempt
  started=$(date +%s.%N)
  # Access tokens live two hours instead of one: the token set scale step fills an
  # application with a million of them, which must all still be active when it
  # measures (the admin API sets no per-application lifetime).
  Storage__Provider=Sqlite Storage__DataFolder="$data" Bootstrap__AdminUser=admin Bootstrap__AdminPassword="$password" \
    Authorization__AccessTokenLifetime=02:00:00 \
    Urls="$url" Orleans__SiloPort="${BENCH_SILO_PORT:-11111}" \
    "${pin_host[@]}" dotnet src/TempoModular.Host/bin/Release/net10.0/TempoModular.Host.dll >"$log" 2>&1 &
  host_pid=$!
  for attempt in $(seq 1 1200); do
    if curl -fs -o /dev/null --max-time 2 "$url/health/ready"; then break; fi
    if ! kill -0 "$host_pid" 2>/dev/null; then
      echo "The host exited before it was ready; its log:" >&2
      tail -n 40 "$log" >&2
      exit 3
    fi
    if [ "$attempt" -eq 1200 ]; then echo "The host was not ready within 60 s." >&2; exit 3; fi
    sleep 0.05
  done
  ready_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}

echo "Starting the host at $url (data folder $data, log $report/host.log)..."
start_host host.log
fresh_ready_s=$ready_s
rss_before="$(rss_kib "$host_pid")"
echo "Host ready after ${fresh_ready_s} s on a fresh data folder (pid $host_pid, RSS ${rss_before} KiB)."

# A fresh host runs its first seconds in unoptimized JIT tiers (measured: the
# first 20 s of issuance 20-40 % slower than the next): warm every path with
# the journey scenario first, unreported, so the suite's first run is not the
# one that pays for it.
echo "Warming the host up: 20 s of the journey scenario (not reported)..."
TEMPO_ADMIN_PASSWORD="$password" "${pin_runner[@]}" \
  dotnet load-tests/TempoModular.LoadTests/bin/Release/net10.0/TempoModular.LoadTests.dll \
  --url "$url" --admin-user admin --scenario journey --model closed --concurrency 8 --duration 20s --warmup 0s \
  --report-dir "$report/warm-up" >"$report/warm-up.log" 2>&1 \
  || echo "warning: the warm-up run failed; see $report/warm-up.log" >&2

status=0
TEMPO_ADMIN_PASSWORD="$password" "${pin_runner[@]}" \
  dotnet load-tests/TempoModular.LoadTests/bin/Release/net10.0/TempoModular.LoadTests.dll \
  --url "$url" --admin-user admin --suite standard --host-pid "$host_pid" --report-dir "$report" "$@" || status=$?

rss_after="$(rss_kib "$host_pid")"
stop_host
echo "Host RSS: ${rss_before} KiB at start, ${rss_after} KiB after the suite."

# The start-up target counts on an existing data folder: restart three times on
# the folder the suite just filled (its applications, users and tokens).
restarts=()
for n in 1 2 3; do
  start_host "host-restart-$n.log"
  restarts+=("$ready_s")
  stop_host
done
{
  echo "Ready after start on a fresh data folder: ${fresh_ready_s} s."
  echo "Ready after a restart on the suite's data folder: ${restarts[*]} s."
} | tee "$report/startup.txt"
echo "Report: $report/report.html (also report.md, report.json, startup.txt; host logs host*.log)"
exit "$status"
