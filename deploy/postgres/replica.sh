#!/usr/bin/env bash
# Entrypoint of the optional read replica of podman-compose.yml (profile `replica`): on first start, clone the
# primary with `pg_basebackup -R` (which writes the standby's primary_conninfo), then run as a hot standby that
# streams from it. The clone uses the superuser of .env; in production give replication a role of its own
# (CREATE ROLE replicator REPLICATION LOGIN PASSWORD '...') and set CHOPCHOP_REPLICATION_USER/PASSWORD.
#
# It relies only on what the official postgres image documents (PGDATA, a `postgres` user, the server's binaries
# on PATH, root at start) and on setpriv (util-linux, essential in Debian) to drop root as its entrypoint does.
# A standby that can no longer follow its primary (the primary's volume was recreated: "database system
# identifier differs"; or it was stopped so long that the WAL it needs is gone) is recloned by removing it with
# its volume (`podman-compose --profile replica down -v postgres-replica`) and starting it again.
set -Eeuo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"
primary="${CHOPCHOP_PRIMARY_HOST:-postgres}"
user="${CHOPCHOP_REPLICATION_USER:-${POSTGRES_USER:-postgres}}"

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  # like the image's entrypoint: the data directory (a fresh volume is root's) and the socket directory
  find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
  chmod 00700 "$PGDATA"
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH" "${BASH_SOURCE[0]}" "$@"
fi

# Bash as PID 1 ignores SIGINT/SIGTERM without a handler: stopping the container while it waits would take the
# whole stop timeout. (After `exec postgres` the server handles them.)
trap 'echo "stopped before the standby started"; exit 143' INT TERM

export PGPASSWORD="${CHOPCHOP_REPLICATION_PASSWORD:-${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is needed to clone the primary}}"
# A finished clone has pg_basebackup's backup_manifest: it renames it into place last, after the data and the
# WAL are in. A clone that was interrupted (the container killed meanwhile) has PG_VERSION but no manifest.
if [ ! -s "$PGDATA/PG_VERSION" ] || [ ! -e "$PGDATA/backup_manifest" ]; then
  until pg_isready -q -h "$primary" -U "$user"; do
    echo "waiting for the primary ($primary)"
    sleep 2
  done
  find "$PGDATA" -mindepth 1 -delete  # what an interrupted clone left
  echo "cloning $primary as $user"
  pg_basebackup -h "$primary" -U "$user" -D "$PGDATA" -R -X stream -c fast --no-password --progress
  echo "cloned $primary; starting as its standby"
fi
trap - INT TERM
exec postgres -c hot_standby=on -c hba_file=/etc/chopchop-postgres/pg_hba.conf
