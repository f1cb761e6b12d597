#!/usr/bin/env bash
# Entrypoint of the optional read replica of podman-compose.yml (profile `replica`): on first start, clone the
# primary with `pg_basebackup -R` (which writes the standby's primary_conninfo), then run as a hot standby that
# streams from it. The clone uses the superuser of .env; in production give replication a role of its own
# (CREATE ROLE replicator REPLICATION LOGIN PASSWORD '...') and set CHOPCHOP_REPLICATION_USER/PASSWORD.
set -Eeuo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"
primary="${CHOPCHOP_PRIMARY_HOST:-postgres}"
user="${CHOPCHOP_REPLICATION_USER:-${POSTGRES_USER:-postgres}}"

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 00700 "$PGDATA"
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH" "${BASH_SOURCE[0]}" "$@"
fi

export PGPASSWORD="${CHOPCHOP_REPLICATION_PASSWORD:-${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is needed to clone the primary}}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -q -h "$primary" -U "$user"; do
    echo "waiting for the primary ($primary)"
    sleep 2
  done
  find "$PGDATA" -mindepth 1 -delete  # what an interrupted clone left
  pg_basebackup -h "$primary" -U "$user" -D "$PGDATA" -R -X stream -c fast --no-password --progress
  echo "cloned $primary; starting as its standby"
fi
exec postgres -c hot_standby=on -c hba_file=/etc/chopchop-postgres/pg_hba.conf
