# Sourced by scripts/cluster.sh and scripts/failover.sh: PostgreSQL, a database
# for the cluster, and host processes started, awaited and stopped by PID.
# Not meant to run alone.

# The role scripts/postgres.sh creates; it may create databases.
PG_HOST="${PG_HOST:-127.0.0.1}" PG_PORT="${PG_PORT:-5432}" PG_USER="${PG_USER:-tempo}" PG_PASSWORD="${PG_PASSWORD:-tempo}"
HOST_DLL="src/TempoModular.Host/bin/Release/net10.0/TempoModular.Host.dll"

# Installs Debian's PostgreSQL when it is missing and starts it, as scripts/test.sh does.
ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Installing PostgreSQL (Debian's package)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  scripts/postgres.sh
}

psql_tempo() {
  PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

database_exists() { [ "$(psql_tempo -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = "1" ]; }

connection_string() { echo "Host=$PG_HOST;Port=$PG_PORT;Username=$PG_USER;Password=$PG_PASSWORD;Database=$1"; }

generate_password() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }

build_host() {
  echo "Building the host (Release)..."
  dotnet build -c Release -nologo -v quiet src/TempoModular.Host >/dev/null
}

# start_host HTTP_PORT SILO_PORT DATABASE PASSWORD ISSUER DATA_FOLDER LOG
# Starts one host in the background and sets HOST_PID. Every host of a cluster
# gets the same database, administrator password and issuer; only its ports
# (and its own data folder) differ. Metrics: 5080 -> 9464, 5081 -> 9465, ...
start_host() {
  local port="$1" silo="$2" database="$3" password="$4" issuer="$5" data="$6" log="$7"
  mkdir -p "$data"
  Storage__Provider=PostgreSql Storage__PostgreSql="$(connection_string "$database")" Storage__DataFolder="$data" \
    Bootstrap__AdminUser=admin Bootstrap__AdminPassword="$password" \
    Authorization__Issuer="$issuer" \
    Urls="http://127.0.0.1:$port" Orleans__SiloPort="$silo" \
    Metrics__Port="$((port + 4384))" \
    dotnet "$HOST_DLL" >>"$log" 2>&1 &
  HOST_PID=$!
}

# wait_ready URL PID LOG SECONDS: until URL/health/ready answers 200; fails when the process exits first.
wait_ready() {
  local url="$1" pid="$2" log="$3" seconds="${4:-90}"
  for _ in $(seq 1 $((seconds * 4))); do
    if curl -fs -o /dev/null --max-time 2 "$url/health/ready"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "The host at $url (pid $pid) exited before it was ready; the end of its log ($log):" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    sleep 0.25
  done
  echo "The host at $url (pid $pid) was not ready within $seconds s; see $log" >&2
  return 1
}

# stop_host PID: asks it to stop (SIGTERM, so it leaves the cluster cleanly), then kills it after 15 s.
stop_host() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# free_port [EXCEPT...]: a random TCP port in 20000-59999 nobody listens on now on 127.0.0.1, not among EXCEPT.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    case " $* " in *" $port "*) continue ;; esac
    if ! (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "$port"; return; fi
  done
}
