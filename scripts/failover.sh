#!/usr/bin/env bash
# The fault run, in one command: builds Release, creates a fresh PostgreSQL
# database, starts two hosts of one cluster on it (A, then B, on free ports),
# and runs the load runner's failover run over both: client-credentials tokens
# at full speed through A and B, A killed with SIGKILL mid-run by the runner,
# the load going on through B. The runner then presents every token answered
# 200 to B (none may be refused) and every revoked one (none may be accepted),
# and creates a signal file; this script then starts A again, and the runner
# checks that A serves every application. Every process started here is
# stopped on exit, whatever happens, and the database dropped.
#
# Extra arguments go to the runner, e.g.
#   scripts/failover.sh --duration 40s --kill-after 15s --concurrency 32
# Environment: FAILOVER_REPORT_DIR (load-tests/reports/failover-<timestamp>),
# FAILOVER_WARMUP (10s of the journey scenario through both hosts first; 0 skips it),
# FAILOVER_KEEP_DATABASE=1 keeps the database for a look afterwards.
# Exit code: the runner's (0 nothing lost, no revoked token accepted, no 500,
# recovered and rejoined; 1 otherwise; 3 setup failed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster-hosts.sh

report="${FAILOVER_REPORT_DIR:-load-tests/reports/failover-$(date +%Y%m%d-%H%M%S)}"
work="$(mktemp -d -t tempo-failover-XXXXXX)"
database="tempo_failover_$(date +%s)_$$"
password="$(generate_password)"
port_a="$(free_port)" port_b="$(free_port "$port_a")"
silo_a="$(free_port "$port_a" "$port_b")" silo_b="$(free_port "$port_a" "$port_b" "$silo_a")"
url_a="http://127.0.0.1:$port_a" url_b="http://127.0.0.1:$port_b"
pid_a="" pid_b="" runner_pid="" database_created=""

cleanup() {
  local status=$?
  [ -n "$runner_pid" ] && kill -TERM "$runner_pid" 2>/dev/null && wait "$runner_pid" 2>/dev/null || true
  stop_host "$pid_a"
  stop_host "$pid_b"
  if [ -n "$database_created" ] && [ -z "${FAILOVER_KEEP_DATABASE:-}" ]; then
    psql_tempo -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || echo "warning: could not drop database $database" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_postgres
build_host
echo "Building the load runner (Release)..."
dotnet build -c Release -nologo -v quiet load-tests/TempoModular.LoadTests >/dev/null
mkdir -p "$report"

psql_tempo -c "CREATE DATABASE $database"
database_created=1
issuer="$url_a/"
echo "Database $database; host A $url_a (silo $silo_a), host B $url_b (silo $silo_b); logs in $report/"
start_host "$port_a" "$silo_a" "$database" "$password" "$issuer" "$work/a" "$report/host-a.log"
pid_a=$HOST_PID
wait_ready "$url_a" "$pid_a" "$report/host-a.log" 120 || exit 3
start_host "$port_b" "$silo_b" "$database" "$password" "$issuer" "$work/b" "$report/host-b.log"
pid_b=$HOST_PID
wait_ready "$url_b" "$pid_b" "$report/host-b.log" 120 || exit 3
echo "Both hosts ready (A pid $pid_a, B pid $pid_b)."

# Fresh processes run their first seconds in unoptimized JIT tiers and activate
# every grain cold: warm both with the journey scenario (unreported) first, so
# "full speed" is full speed when A is killed.
warm="${FAILOVER_WARMUP:-10s}"
if [ "$warm" != "0" ] && [ "$warm" != "0s" ]; then
  echo "Warming both hosts up: $warm of the journey scenario (not reported)..."
  TEMPO_ADMIN_PASSWORD="$password" \
    dotnet load-tests/TempoModular.LoadTests/bin/Release/net10.0/TempoModular.LoadTests.dll \
    --url "$url_a" --url "$url_b" --admin-user admin --scenario journey --model closed --concurrency 8 \
    --duration "$warm" --warmup 0s --report-dir "$report/warm-up" >"$report/warm-up.log" 2>&1 \
    || echo "warning: the warm-up run failed; see $report/warm-up.log" >&2
fi

signal="$work/restart-a"
# 45 s leaves 35 s after the kill for membership to declare A dead and its
# grains to come back on B (a later --duration in "$@" wins).
TEMPO_ADMIN_PASSWORD="$password" \
  dotnet load-tests/TempoModular.LoadTests/bin/Release/net10.0/TempoModular.LoadTests.dll \
  --url "$url_a" --url "$url_b" --admin-user admin --scenario failover \
  --kill-pid "$pid_a" --restart-signal "$signal" --report-dir "$report" --duration 45s "$@" &
runner_pid=$!

# The runner kills A itself (so the kill is on its clock); it asks for A again
# by creating the signal file once it has checked every token on B.
while kill -0 "$runner_pid" 2>/dev/null; do
  if [ -e "$signal" ]; then
    rm -f "$signal"
    wait "$pid_a" 2>/dev/null || true
    echo "Starting host A again on $url_a (silo $silo_a)..."
    echo "---- restarted ----" >>"$report/host-a.log"
    start_host "$port_a" "$silo_a" "$database" "$password" "$issuer" "$work/a" "$report/host-a.log"
    pid_a=$HOST_PID
  fi
  sleep 0.2
done

status=0
wait "$runner_pid" || status=$?
runner_pid=""
echo "Report: $report/report.md (also report.json, report.html; host logs host-a.log, host-b.log)"
exit "$status"
