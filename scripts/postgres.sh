#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster and makes sure the test role exists
# (tempo/tempo, allowed to create the throw-away databases the tests use).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk '$1=="'"$version"'" && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAt" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tempo') THEN
    CREATE ROLE tempo LOGIN PASSWORD 'tempo' CREATEDB;
  END IF;
END
$$;
-- The tests drop their databases WITH (FORCE); an autovacuum worker busy in one
-- counts as another role's backend, which only pg_signal_backend may end.
GRANT pg_signal_backend TO tempo;
SQL
