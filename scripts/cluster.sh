#!/usr/bin/env bash
# A local two-host cluster on PostgreSQL: installs and starts PostgreSQL when
# missing (Debian's package, as scripts/test.sh does), creates the database
# when missing, builds the host (Release) and starts two hosts on it, at
# http://127.0.0.1:5080 (silo port 11111) and http://127.0.0.1:5081 (silo port
# 11112). Prints the administrator's password and the URLs, waits until both
# are ready, and stops both on Ctrl+C.
#
# The administrator is created with a generated password the first time the
# database is used; the password is kept (mode 600) in data/cluster/ so that
# later starts on the same database print the right one.
#
# Environment: CLUSTER_DATABASE (tempo_cluster), CLUSTER_PORT_A / CLUSTER_PORT_B
# (5080, 5081), CLUSTER_SILO_PORT_A / CLUSTER_SILO_PORT_B (11111, 11112),
# CLUSTER_DIR (data/cluster: the password, each host's data folder and log).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster-hosts.sh

database="${CLUSTER_DATABASE:-tempo_cluster}"
port_a="${CLUSTER_PORT_A:-5080}" port_b="${CLUSTER_PORT_B:-5081}"
silo_a="${CLUSTER_SILO_PORT_A:-11111}" silo_b="${CLUSTER_SILO_PORT_B:-11112}"
dir="${CLUSTER_DIR:-data/cluster}"
url_a="http://127.0.0.1:$port_a" url_b="http://127.0.0.1:$port_b"
pid_a="" pid_b=""

if ! [[ "$database" =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "CLUSTER_DATABASE must be a plain lower-case name (letters, digits, _), not '$database'." >&2
  exit 2
fi

cleanup() {
  echo "Stopping the hosts..."
  stop_host "$pid_a"
  stop_host "$pid_b"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_postgres
mkdir -p "$dir"
chmod 700 "$dir"
password_file="$dir/admin-password"
if ! database_exists "$database"; then
  psql_tempo -c "CREATE DATABASE $database"
  echo "Created database $database."
  (umask 077 && generate_password >"$password_file")
fi
if [ -s "$password_file" ]; then
  password="$(cat "$password_file")"
  shown="$password"
else
  # A database made elsewhere: its administrator keeps the password it was given then.
  password="$(generate_password)"
  shown="(not known here: the one $database's administrator was first given; DROP DATABASE $database to start afresh)"
fi

build_host
# One public issuer for the cluster: a token issued through either host names the same issuer.
issuer="$url_a/"
echo "Starting $url_a (silo port $silo_a) and $url_b (silo port $silo_b) on database $database..."
start_host "$port_a" "$silo_a" "$database" "$password" "$issuer" "$dir/host-a" "$dir/host-a.log"
pid_a=$HOST_PID
# The first host applies the schema; the second starts once it is ready.
wait_ready "$url_a" "$pid_a" "$dir/host-a.log" 120
start_host "$port_b" "$silo_b" "$database" "$password" "$issuer" "$dir/host-b" "$dir/host-b.log"
pid_b=$HOST_PID
wait_ready "$url_b" "$pid_b" "$dir/host-b.log" 120

cat <<EOF

  TempoModular cluster on PostgreSQL database $database
    $url_a   (pid $pid_a, silo port $silo_a, log $dir/host-a.log)
    $url_b   (pid $pid_b, silo port $silo_b, log $dir/host-b.log)
    Administrator: admin
    Password:      $shown

  Press Ctrl+C to stop both hosts.

EOF

# Returns when either host exits (or on Ctrl+C); the trap stops the other.
while kill -0 "$pid_a" 2>/dev/null && kill -0 "$pid_b" 2>/dev/null; do sleep 1; done
echo "A host exited on its own; see $dir/host-a.log and $dir/host-b.log." >&2
exit 1
